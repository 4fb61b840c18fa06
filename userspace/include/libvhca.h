/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvhca: drive a vhca instance from userspace through VFIO, the way a VMM
 * and guest driver would, and manage instances through sysfs. Functions
 * return 0 or a negative errno and never exit; callers decide.
 */
#ifndef _LIBVHCA_H
#define _LIBVHCA_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#define VHCA_UUID_LEN	36

/**
 * struct vhca_dev - an instance opened through VFIO (container + group)
 * @container: /dev/vfio/vfio fd
 * @group:     /dev/vfio/N fd
 * @device:    device fd
 * @uuid:      instance UUID
 * @info:      VFIO_DEVICE_GET_INFO result
 * @regions:   VFIO_DEVICE_GET_REGION_INFO of every region
 */
struct vhca_dev {
	int container;
	int group;
	int device;
	char uuid[VHCA_UUID_LEN + 1];
	struct vfio_device_info info;
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
};

/* VFIO access: vfio.c */
int vhca_dev_open(struct vhca_dev *d, const char *uuid);
void vhca_dev_close(struct vhca_dev *d);
int vhca_region_read(struct vhca_dev *d, unsigned int region, uint64_t off,
		     void *buf, size_t len);
int vhca_region_write(struct vhca_dev *d, unsigned int region, uint64_t off,
		      const void *buf, size_t len);
int vhca_cfg_read32(struct vhca_dev *d, unsigned int off, uint32_t *val);
int vhca_cfg_write32(struct vhca_dev *d, unsigned int off, uint32_t val);
int vhca_bar_read32(struct vhca_dev *d, unsigned int bar, uint64_t off,
		    uint32_t *val);
int vhca_bar_write32(struct vhca_dev *d, unsigned int bar, uint64_t off,
		     uint32_t val);
int vhca_irq_info(struct vhca_dev *d, unsigned int index,
		  struct vfio_irq_info *info);
int vhca_irq_set_eventfd(struct vhca_dev *d, unsigned int index,
			 unsigned int vector, int fd);
int vhca_irq_disable(struct vhca_dev *d, unsigned int index);
int vhca_irq_trigger(struct vhca_dev *d, unsigned int index,
		     unsigned int vector);
int vhca_dev_reset(struct vhca_dev *d);

/* Instance management through sysfs: sysfs.c */
int vhca_sysfs_read(const char *path, char *buf, size_t len);
int vhca_sysfs_write(const char *path, const char *val);
int vhca_sysfs_read_u64(const char *path, uint64_t *val);
int vhca_type_attr(const char *hca, const char *type, const char *attr,
		   char *buf, size_t len);
int vhca_type_available(const char *hca, const char *type,
			unsigned int *avail);
int vhca_instance_create(const char *hca, const char *type, const char *uuid);
int vhca_instance_remove(const char *uuid);
int vhca_instance_exists(const char *uuid);
uint64_t vhca_instance_counter(const char *uuid, const char *name);
void vhca_uuid_generate(char out[VHCA_UUID_LEN + 1]);

#endif /* _LIBVHCA_H */
