// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of an instance: MSI-X vectors and the device-removal request,
 * each delivered by signalling an eventfd the VMM registered (KVM turns an
 * MSI-X eventfd into an irqfd injection). The function has no INTx or MSI.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vhca_mdev.h"

static unsigned int vhca_mdev_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return PVRDMA_MSIX_VECTORS;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/**
 * vhca_mdev_ioctl_irq_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @vm:  the instance
 * @arg: user's struct vfio_irq_info
 *
 * Return: 0, -EFAULT, or -EINVAL for a short argsz or unknown index.
 */
long vhca_mdev_ioctl_irq_info(struct vhca_mdev *vm, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info.count = vhca_mdev_irq_count(info.index);
	info.flags = 0;
	if (info.count)
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static struct eventfd_ctx **vhca_mdev_irq_slot(struct vhca_mdev *vm,
					       unsigned int index,
					       unsigned int i)
{
	if (index == VFIO_PCI_REQ_IRQ_INDEX)
		return &vm->req_trigger;
	return &vm->msix_trigger[i];
}

/* Swap the eventfd in @slot for @ctx; the old one is put outside the lock. */
static void vhca_mdev_irq_swap(struct vhca_mdev *vm, struct eventfd_ctx **slot,
			       struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *old;

	spin_lock_irq(&vm->irq_lock);
	old = *slot;
	*slot = ctx;
	spin_unlock_irq(&vm->irq_lock);
	if (old)
		eventfd_ctx_put(old);
}

static int vhca_mdev_irq_set_eventfds(struct vhca_mdev *vm,
				      struct vfio_irq_set *hdr, const s32 *fds)
{
	struct eventfd_ctx *ctx[PVRDMA_MSIX_VECTORS] = { };
	struct eventfd_ctx **slot;
	unsigned int i;

	/* Take every new eventfd first, so a bad fd changes nothing. */
	for (i = 0; i < hdr->count; i++) {
		if (fds[i] < 0)
			continue;
		ctx[i] = eventfd_ctx_fdget(fds[i]);
		if (IS_ERR(ctx[i])) {
			int ret = PTR_ERR(ctx[i]);

			while (i--)
				if (ctx[i])
					eventfd_ctx_put(ctx[i]);
			return ret;
		}
	}
	for (i = 0; i < hdr->count; i++) {
		slot = vhca_mdev_irq_slot(vm, hdr->index, hdr->start + i);
		vhca_mdev_irq_swap(vm, slot, ctx[i]);
	}
	return 0;
}

static void vhca_mdev_irq_disable(struct vhca_mdev *vm, unsigned int index)
{
	unsigned int i;

	for (i = 0; i < vhca_mdev_irq_count(index); i++)
		vhca_mdev_irq_swap(vm, vhca_mdev_irq_slot(vm, index, i), NULL);
}

static int vhca_mdev_irq_apply(struct vhca_mdev *vm, struct vfio_irq_set *hdr,
			       const void *data)
{
	struct eventfd_ctx *ctx;
	unsigned int i;

	if (!(hdr->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;	/* no masking: as vfio-pci for MSI-X */
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return vhca_mdev_irq_set_eventfds(vm, hdr, data);
	if (!hdr->count && (hdr->flags & VFIO_IRQ_SET_DATA_NONE)) {
		vhca_mdev_irq_disable(vm, hdr->index);
		return 0;
	}
	/* DATA_NONE or DATA_BOOL with a count: fire from userspace (tests). */
	for (i = 0; i < hdr->count; i++) {
		if ((hdr->flags & VFIO_IRQ_SET_DATA_BOOL) && !((u8 *)data)[i])
			continue;
		spin_lock_irq(&vm->irq_lock);
		ctx = *vhca_mdev_irq_slot(vm, hdr->index, hdr->start + i);
		if (ctx)
			vhca_compat_eventfd_signal(ctx);
		spin_unlock_irq(&vm->irq_lock);
	}
	return 0;
}

/**
 * vhca_mdev_ioctl_set_irqs() - VFIO_DEVICE_SET_IRQS
 * @vm:  the instance
 * @arg: user's struct vfio_irq_set and its data
 *
 * Supports ACTION_TRIGGER with DATA_NONE, DATA_BOOL and DATA_EVENTFD on the
 * MSI-X and request indexes, as vfio-pci does for MSI-X.
 *
 * Return: 0 or a negative errno; on error no eventfd changed.
 */
long vhca_mdev_ioctl_set_irqs(struct vhca_mdev *vm, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	long ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 vhca_mdev_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&vm->lock);
	ret = vhca_mdev_irq_apply(vm, &hdr, data);
	mutex_unlock(&vm->lock);
	kfree(data);
	return ret;
}

/**
 * vhca_mdev_irqs_release() - drop every eventfd the VMM registered
 * @vm: the instance
 *
 * Context: process.
 */
void vhca_mdev_irqs_release(struct vhca_mdev *vm)
{
	vhca_mdev_irq_disable(vm, VFIO_PCI_MSIX_IRQ_INDEX);
	vhca_mdev_irq_disable(vm, VFIO_PCI_REQ_IRQ_INDEX);
}

/**
 * vhca_mdev_request() - vfio asks the user to release the device
 * @vdev:  the device being removed
 * @count: how many times vfio has asked
 *
 * Removal of an open instance waits for its user, exactly as vfio-pci
 * does: the VMM is told through the request eventfd (QEMU then unplugs
 * the device from its guest) and the removal completes when it closes.
 */
void vhca_mdev_request(struct vfio_device *vdev, unsigned int count)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);

	bool signalled = false;

	spin_lock_irq(&vm->irq_lock);
	if (vm->req_trigger) {
		vhca_compat_eventfd_signal(vm->req_trigger);
		signalled = true;
	}
	spin_unlock_irq(&vm->irq_lock);
	if (signalled && !(count % 10))
		dev_info_ratelimited(vdev->dev,
				     "asking the user to release the device for removal (%u)\n",
				     count);
	else if (!signalled && count == 0)
		dev_info(vdev->dev,
			 "removal waits for the user to close the device; it registered no request eventfd\n");
}
