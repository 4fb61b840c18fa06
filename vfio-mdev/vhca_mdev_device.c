// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_device of an instance: creation against the core, open/close,
 * reset, and the ioctl dispatcher. Region and interrupt details live in
 * vhca_mdev_regions.c and vhca_mdev_irq.c.
 */
#include <linux/uaccess.h>

#include "vhca_mdev.h"

static void vhca_mdev_desc_init(struct vhca_mdev *vm)
{
	struct vhca_pci_desc *d = &vm->desc;

	d->vendor = PVRDMA_PCI_VENDOR_VMWARE;
	d->device = PVRDMA_PCI_DEVICE_PVRDMA;
	d->subsys_vendor = PVRDMA_PCI_VENDOR_VMWARE;
	d->subsys_device = PVRDMA_PCI_DEVICE_PVRDMA;
	d->class_code = PVRDMA_PCI_CLASS_NETWORK_OTHER;
	d->revision = PVRDMA_PCI_REVISION;
	d->bars[PVRDMA_BAR_MSIX].size = PVRDMA_BAR_MSIX_SIZE;
	d->bars[PVRDMA_BAR_REGS].size = PVRDMA_BAR_REGS_SIZE;
	d->bars[PVRDMA_BAR_UAR].size =
		(u64)vm->fn->quota.uar_pages * PVRDMA_UAR_PAGE_SIZE;
	d->bars[PVRDMA_BAR_UAR].is_64 = true;
	d->msix_vectors = PVRDMA_MSIX_VECTORS;
	d->msix_bar = PVRDMA_BAR_MSIX;
	d->msix_table = PVRDMA_MSIX_TABLE_OFFSET;
	d->msix_pba = PVRDMA_MSIX_PBA_OFFSET;
}

/**
 * vhca_mdev_state_reset() - return the instance to its power-on state
 * @vm: the instance
 *
 * Every object and pin of the instance is released; interrupt eventfds
 * stay wired, as across a PCI function reset.
 *
 * Context: caller holds &vhca_mdev.lock.
 */
void vhca_mdev_state_reset(struct vhca_mdev *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	vhca_mdev_device_reset(vm);
	vhca_pci_config_init(&vm->cfg, &vm->desc);
	memset(vm->msix_table, 0, sizeof(vm->msix_table));
	/* Vector control: every vector starts masked (PCI 3.0, 6.8.2.9). */
	for (i = 0; i < PVRDMA_MSIX_VECTORS; i++)
		vm->msix_table[i * PVRDMA_MSIX_ENTRY_SIZE + 12] = 1;
}

/* A locally administered MAC derived from the UUID, until sysfs sets one. */
static void vhca_mdev_default_mac(struct vhca_mdev *vm, const guid_t *uuid)
{
	memcpy(vm->mac, uuid->b + 10, sizeof(vm->mac));
	vm->mac[0] = (vm->mac[0] & 0xfc) | 0x02;
}

static int vhca_mdev_init_dev(struct vfio_device *vdev)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct vhca_mdev_parent *mp;
	unsigned int slices;
	int ret;

	mp = container_of(mdev->type->parent, struct vhca_mdev_parent, parent);
	slices = vhca_mdev_type_slices(mdev->type);
	vm->fn = vhca_function_create(mp->hca, slices);
	if (IS_ERR(vm->fn)) {
		ret = PTR_ERR(vm->fn);
		if (ret == -ENOSPC)
			dev_info_ratelimited(vdev->dev,
					     "not created: %s needs %u free slices of vhca%u, %u are free\n",
					     mdev->type->sysfs_name, slices,
					     mp->hca->index,
					     vhca_hca_slices_free(mp->hca));
		return ret;
	}

	vhca_mdev_desc_init(vm);
	ret = vhca_pci_desc_validate(&vm->desc);
	if (ret) {
		/* Only a bad uar_pages module parameter can get here. */
		dev_err(vdev->dev, "inconsistent PCI layout\n");
		vhca_function_destroy(vm->fn);
		return ret;
	}
	/* PVRDMA guests keep QP handles in 16 bits. */
	vhca_obj_limit_lower(vm->fn, VHCA_OBJ_QP, PVRDMA_CAP_MAX_QP);
	vhca_mdev_default_mac(vm, &mdev->uuid);
	INIT_LIST_HEAD(&vm->pinned);
	mutex_init(&vm->lock);
	mutex_init(&vm->pin_lock);
	spin_lock_init(&vm->fence_lock);
	spin_lock_init(&vm->event_lock);
	spin_lock_init(&vm->irq_lock);
	vm->fn->ops = &vhca_mdev_function_ops;
	vm->fn->priv = vm;
	mutex_lock(&vm->lock);
	vhca_mdev_state_reset(vm);
	mutex_unlock(&vm->lock);
	return 0;
}

static void vhca_mdev_release_dev(struct vfio_device *vdev)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);

	vhca_function_destroy(vm->fn);
	mutex_destroy(&vm->pin_lock);
	mutex_destroy(&vm->lock);
	vhca_compat_vfio_free_device(vdev);
}

static int vhca_mdev_open_device(struct vfio_device *vdev)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);

	mutex_lock(&vm->lock);
	vhca_mdev_state_reset(vm);
	vm->opened = true;
	mutex_unlock(&vm->lock);
	return 0;
}

/* The VMM is gone (closed or crashed): drop everything it set up. */
static void vhca_mdev_close_device(struct vfio_device *vdev)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);

	mutex_lock(&vm->lock);
	vhca_mdev_state_reset(vm);
	vhca_mdev_irqs_release(vm);
	vm->opened = false;
	mutex_unlock(&vm->lock);
}

static ssize_t vhca_mdev_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	return vhca_mdev_region_rw(vdev_to_vhca_mdev(vdev), buf, count, ppos,
				   false);
}

static ssize_t vhca_mdev_write(struct vfio_device *vdev,
			       const char __user *buf, size_t count,
			       loff_t *ppos)
{
	return vhca_mdev_region_rw(vdev_to_vhca_mdev(vdev), (char __user *)buf,
				   count, ppos, true);
}

static long vhca_mdev_ioctl_device_info(void __user *arg)
{
	struct vfio_device_info info;
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* Function-level reset: what VFIO_DEVICE_RESET and a guest FLR mean. */
static long vhca_mdev_ioctl_reset(struct vhca_mdev *vm)
{
	mutex_lock(&vm->lock);
	vhca_mdev_state_reset(vm);
	mutex_unlock(&vm->lock);
	return 0;
}

static long vhca_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vhca_mdev_ioctl_device_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vhca_mdev_ioctl_region_info(vm, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vhca_mdev_ioctl_irq_info(vm, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vhca_mdev_ioctl_set_irqs(vm, uarg);
	case VFIO_DEVICE_RESET:
		return vhca_mdev_ioctl_reset(vm);
	}
	return -ENOTTY;
}

const struct vfio_device_ops vhca_mdev_vfio_ops = {
	.name = "vhca-pvrdma",
	.init = vhca_mdev_init_dev,
	.release = vhca_mdev_release_dev,
	.open_device = vhca_mdev_open_device,
	.close_device = vhca_mdev_close_device,
	.read = vhca_mdev_read,
	.write = vhca_mdev_write,
	.ioctl = vhca_mdev_ioctl,
	.request = vhca_mdev_request,
	.dma_unmap = vhca_mdev_dma_unmap,
	VHCA_COMPAT_IOMMUFD_EMULATED_OPS
};
