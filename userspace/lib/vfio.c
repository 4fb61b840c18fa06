// SPDX-License-Identifier: GPL-2.0-only
/*
 * Open a vhca instance through the VFIO container/group interface (what
 * QEMU uses on Linux 6.1) and access its regions and interrupts.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libvhca.h"

static int vhca_group_number(const char *uuid, int *group)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group",
		 uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	*group = atoi(basename(link));
	return 0;
}

static int vhca_attach_container(struct vhca_dev *d, int group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return -errno;
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    !ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU))
		return -ENOTSUP;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		return -errno;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return -errno;
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	return 0;
}

static int vhca_read_infos(struct vhca_dev *d)
{
	unsigned int i;

	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &d->info))
		return -errno;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS && i < d->info.num_regions; i++) {
		d->regions[i].argsz = sizeof(d->regions[i]);
		d->regions[i].index = i;
		if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &d->regions[i]))
			return -errno;
	}
	return 0;
}

/**
 * vhca_dev_open() - open instance @uuid through VFIO
 * @d:    filled in
 * @uuid: the mdev UUID
 *
 * Return: 0, or a negative errno; on error nothing stays open.
 */
int vhca_dev_open(struct vhca_dev *d, const char *uuid)
{
	int group, ret;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->device = -1;
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	ret = vhca_group_number(uuid, &group);
	if (!ret)
		ret = vhca_attach_container(d, group);
	if (!ret) {
		d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
		if (d->device < 0)
			ret = -errno;
	}
	if (!ret)
		ret = vhca_read_infos(d);
	if (ret)
		vhca_dev_close(d);
	return ret;
}

void vhca_dev_close(struct vhca_dev *d)
{
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->container = d->group = d->device = -1;
}

static off_t vhca_region_offset(struct vhca_dev *d, unsigned int region,
				uint64_t off)
{
	return (off_t)(d->regions[region].offset + off);
}

int vhca_region_read(struct vhca_dev *d, unsigned int region, uint64_t off,
		     void *buf, size_t len)
{
	ssize_t n;

	if (region >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	n = pread(d->device, buf, len, vhca_region_offset(d, region, off));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int vhca_region_write(struct vhca_dev *d, unsigned int region, uint64_t off,
		      const void *buf, size_t len)
{
	ssize_t n;

	if (region >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	n = pwrite(d->device, buf, len, vhca_region_offset(d, region, off));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int vhca_cfg_read32(struct vhca_dev *d, unsigned int off, uint32_t *val)
{
	return vhca_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, val, 4);
}

int vhca_cfg_write32(struct vhca_dev *d, unsigned int off, uint32_t val)
{
	return vhca_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &val, 4);
}

int vhca_bar_read32(struct vhca_dev *d, unsigned int bar, uint64_t off,
		    uint32_t *val)
{
	return vhca_region_read(d, VFIO_PCI_BAR0_REGION_INDEX + bar, off, val, 4);
}

int vhca_bar_write32(struct vhca_dev *d, unsigned int bar, uint64_t off,
		     uint32_t val)
{
	return vhca_region_write(d, VFIO_PCI_BAR0_REGION_INDEX + bar, off,
				 &val, 4);
}

int vhca_irq_info(struct vhca_dev *d, unsigned int index,
		  struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
}

static int vhca_irq_set(struct vhca_dev *d, unsigned int index,
			unsigned int start, unsigned int count,
			uint32_t flags, const void *data, size_t data_len)
{
	char buf[sizeof(struct vfio_irq_set) + 64];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (data_len > 64)
		return -EINVAL;
	set->argsz = sizeof(*set) + data_len;
	set->flags = flags | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	return ioctl(d->device, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

int vhca_irq_set_eventfd(struct vhca_dev *d, unsigned int index,
			 unsigned int vector, int fd)
{
	int32_t v = fd;

	return vhca_irq_set(d, index, vector, 1, VFIO_IRQ_SET_DATA_EVENTFD,
			    &v, sizeof(v));
}

int vhca_irq_disable(struct vhca_dev *d, unsigned int index)
{
	return vhca_irq_set(d, index, 0, 0, VFIO_IRQ_SET_DATA_NONE, NULL, 0);
}

int vhca_irq_trigger(struct vhca_dev *d, unsigned int index,
		     unsigned int vector)
{
	return vhca_irq_set(d, index, vector, 1, VFIO_IRQ_SET_DATA_NONE,
			    NULL, 0);
}

int vhca_dev_reset(struct vhca_dev *d)
{
	return ioctl(d->device, VFIO_DEVICE_RESET) ? -errno : 0;
}
