// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO regions of an instance, in the vfio-pci layout (region index in
 * bits 40+ of the file offset): configuration space, BAR0 (MSI-X table and
 * PBA), BAR1 (register file) and BAR2 (UAR doorbell pages). All trapped:
 * nothing is mmap'able.
 */
#include <linux/uaccess.h>

#include "vhca_mdev.h"

#define REGION_SHIFT	40
#define REGION_OFF_MASK	((1ULL << REGION_SHIFT) - 1)

static u64 vhca_mdev_region_size(struct vhca_mdev *vm, unsigned int index)
{
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return VHCA_PCI_CFG_SIZE;
	if (index <= VFIO_PCI_BAR5_REGION_INDEX)
		return vm->desc.bars[index].size;
	return 0;
}

/**
 * vhca_mdev_ioctl_region_info() - VFIO_DEVICE_GET_REGION_INFO
 * @vm:  the instance
 * @arg: user's struct vfio_region_info
 *
 * Return: 0, -EFAULT, or -EINVAL for a short argsz or unknown index.
 */
long vhca_mdev_ioctl_region_info(struct vhca_mdev *vm, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info.offset = (u64)info.index << REGION_SHIFT;
	info.size = vhca_mdev_region_size(vm, info.index);
	info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE : 0;
	info.cap_offset = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static ssize_t vhca_mdev_config_rw(struct vhca_mdev *vm, char __user *ubuf,
				   size_t count, u64 pos, bool is_write)
{
	u8 buf[VHCA_PCI_CFG_SIZE];
	int ret;

	if (is_write && copy_from_user(buf, ubuf, count))
		return -EFAULT;
	mutex_lock(&vm->lock);
	if (is_write)
		ret = vhca_pci_config_write(&vm->cfg, pos, buf, count);
	else
		ret = vhca_pci_config_read(&vm->cfg, pos, buf, count);
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	if (!is_write && copy_to_user(ubuf, buf, count))
		return -EFAULT;
	return count;
}

static u32 *vhca_mdev_msix_word(struct vhca_mdev *vm, u64 pos)
{
	u64 table = vm->desc.msix_table;

	if (pos < table || pos - table >= sizeof(vm->msix_table))
		return NULL;
	return (u32 *)&vm->msix_table[pos - table];
}

/* One aligned dword of a BAR. */
static void vhca_mdev_bar_dword(struct vhca_mdev *vm, unsigned int bar,
				u64 pos, u32 *val, bool is_write)
{
	u32 *word;

	lockdep_assert_held(&vm->lock);
	switch (bar) {
	case PVRDMA_BAR_MSIX:
		word = vhca_mdev_msix_word(vm, pos);
		if (word && is_write)
			*word = *val;
		else if (!is_write)
			*val = word ? *word : 0;	/* PBA: nothing pending */
		return;
	case PVRDMA_BAR_REGS:
		if (is_write)
			vhca_mdev_regs_write(vm, pos, *val);
		else
			vhca_mdev_regs_read(vm, pos, val);
		return;
	case PVRDMA_BAR_UAR:
		/* Reads must work too (CVE-2018-20191): they return 0. */
		if (is_write)
			vhca_mdev_doorbell(vm, pos, *val);
		else
			*val = 0;
		return;
	}
	if (!is_write)
		*val = 0;
}

/*
 * BARs take naturally aligned 4- and 8-byte accesses, split into dwords;
 * anything else reads as zeros and writes are ignored, like a device that
 * drops accesses it does not decode.
 */
static ssize_t vhca_mdev_bar_rw(struct vhca_mdev *vm, unsigned int bar,
				char __user *ubuf, size_t count, u64 pos,
				bool is_write)
{
	u32 val[2] = { 0, 0 };
	bool decoded = (count == 4 || count == 8) && !(pos & (count - 1));
	unsigned int i;

	if (is_write && copy_from_user(val, ubuf, min_t(size_t, count, 8)))
		return -EFAULT;
	if (decoded) {
		mutex_lock(&vm->lock);
		for (i = 0; i < count / 4; i++)
			vhca_mdev_bar_dword(vm, bar, pos + 4 * i, &val[i],
					    is_write);
		mutex_unlock(&vm->lock);
	}
	if (is_write)
		return count;
	if (decoded)
		return copy_to_user(ubuf, val, count) ? -EFAULT : count;
	return clear_user(ubuf, count) ? -EFAULT : count;
}

/**
 * vhca_mdev_region_rw() - read or write a region at *@ppos
 * @vm:       the instance
 * @ubuf:     user buffer
 * @count:    bytes
 * @ppos:     region index << 40 | offset
 * @is_write: direction
 *
 * Return: @count, or -EINVAL for an access outside the region (or a BAR
 * access over 8 bytes), or -EFAULT.
 */
ssize_t vhca_mdev_region_rw(struct vhca_mdev *vm, char __user *ubuf,
			    size_t count, loff_t *ppos, bool is_write)
{
	unsigned int index = (u64)*ppos >> REGION_SHIFT;
	u64 pos = (u64)*ppos & REGION_OFF_MASK;
	u64 size;

	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	size = vhca_mdev_region_size(vm, index);
	if (!count || pos >= size || count > size - pos)
		return -EINVAL;
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return vhca_mdev_config_rw(vm, ubuf, count, pos, is_write);
	if (count > 8)
		return -EINVAL;
	return vhca_mdev_bar_rw(vm, index, ubuf, count, pos, is_write);
}
