/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhca_mdev: the vfio-mdev front end. Each mdev instance is a PCI function
 * with the PVRDMA personality, backed by one vhca core function.
 */
#ifndef _VHCA_MDEV_H
#define _VHCA_MDEV_H

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/vfio.h>

#include "vhca.h"
#include "vhca_mdev_compat.h"
#include "vhca_pci_config.h"
#include "pvrdma_abi.h"

/**
 * DOC: Locking
 *
 * Lock order, outermost first:
 *
 * 1. vfio core device locks (open/close/ioctl serialisation is vfio's).
 * 2. &vhca_mdev.lock - all emulated state of one instance: config space,
 *    MSI-X table, registers and interrupt eventfds.
 * 3. &vhca_hca.lock (core) - taken only through core calls, never while
 *    calling back into vfio.
 *
 * &vhca_mdev.lock is never held across a call into the mdev or vfio core.
 */

/* Slice types offered by every HCA: 1/1, 1/2, 1/4 and 1/8 of it. */
#define VHCA_MDEV_NR_TYPES	4

/**
 * struct vhca_mdev_type - an mdev type: a fixed fraction of an HCA
 * @type:        the mdev core's type; sysfs name "vhca-pvrdma-<@divisor>"
 * @divisor:     the type is 1/@divisor of the HCA
 * @slices:      core slices per instance
 * @sysfs_name:  storage for @type.sysfs_name
 * @pretty_name: storage for @type.pretty_name
 */
struct vhca_mdev_type {
	struct mdev_type type;
	unsigned int divisor;
	unsigned int slices;
	char sysfs_name[16];
	char pretty_name[48];
};

/**
 * struct vhca_mdev_parent - the mdev parent registered for one HCA
 * @parent:    the mdev core's parent, attached to the HCA's device
 * @hca:       the HCA (referenced)
 * @types:     the slice types
 * @type_ptrs: @types as the array of pointers the mdev core wants
 */
struct vhca_mdev_parent {
	struct mdev_parent parent;
	struct vhca_hca *hca;
	struct vhca_mdev_type types[VHCA_MDEV_NR_TYPES];
	struct mdev_type *type_ptrs[VHCA_MDEV_NR_TYPES];
};

/**
 * struct vhca_mdev - one mediated device instance
 * @vdev:          the vfio device (first member: vfio_alloc_device)
 * @fn:            the core function backing it; immutable while it exists
 * @desc:          PCI personality; immutable
 * @lock:          protects every field below
 * @cfg:           emulated configuration space
 * @msix_table:    MSI-X table as the guest wrote it
 * @msix_trigger:  eventfd per MSI-X vector, NULL when not wired
 * @req_trigger:   eventfd for device-removal requests, or NULL
 */
struct vhca_mdev {
	struct vfio_device vdev;
	struct vhca_function *fn;
	struct vhca_pci_desc desc;

	struct mutex lock; /* protects the fields below */
	struct vhca_pci_config cfg;
	u8 msix_table[PVRDMA_MSIX_VECTORS * PVRDMA_MSIX_ENTRY_SIZE];
	struct eventfd_ctx *msix_trigger[PVRDMA_MSIX_VECTORS];
	struct eventfd_ctx *req_trigger;
};

static inline struct vhca_mdev *vdev_to_vhca_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vhca_mdev, vdev);
}

/* vhca_mdev_main.c */
extern struct mdev_driver vhca_mdev_driver;

/* vhca_mdev_types.c */
struct vhca_mdev_parent *vhca_mdev_parent_create(struct vhca_hca *hca);
void vhca_mdev_parent_destroy(struct vhca_mdev_parent *mp);
unsigned int vhca_mdev_type_slices(struct mdev_type *mtype);
unsigned int vhca_mdev_type_available(struct mdev_type *mtype);
ssize_t vhca_mdev_type_describe(struct mdev_type *mtype, char *buf);

/* vhca_mdev_device.c */
extern const struct vfio_device_ops vhca_mdev_vfio_ops;
void vhca_mdev_state_reset(struct vhca_mdev *vm);

/* vhca_mdev_regions.c */
long vhca_mdev_ioctl_region_info(struct vhca_mdev *vm, void __user *arg);
ssize_t vhca_mdev_region_rw(struct vhca_mdev *vm, char __user *ubuf,
			    size_t count, loff_t *ppos, bool is_write);

/* vhca_mdev_irq.c */
long vhca_mdev_ioctl_irq_info(struct vhca_mdev *vm, void __user *arg);
long vhca_mdev_ioctl_set_irqs(struct vhca_mdev *vm, void __user *arg);
void vhca_mdev_irqs_release(struct vhca_mdev *vm);
void vhca_mdev_request(struct vfio_device *vdev, unsigned int count);

#endif /* _VHCA_MDEV_H */
