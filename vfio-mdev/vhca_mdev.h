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
#include "vhca_verbs.h"
#include "vhca_mdev_compat.h"
#include "vhca_pci_config.h"
#include "pvrdma_abi.h"
#include "pvrdma_caps.h"
#include "pvrdma_cmd.h"
#include "pvrdma_dsr.h"
#include "pvrdma_ring.h"
#include "vhca_fence.h"

/**
 * DOC: Locking
 *
 * Lock order, outermost first:
 *
 * 1. vfio core device locks (open/close/ioctl serialisation is vfio's).
 * 2. &vhca_mdev.lock - the control path of one instance: config space,
 *    MSI-X table, registers, device state, commands. Never taken by the
 *    data path (engine turns call the front end without it); a send
 *    doorbell's turn (vhca_qp_doorbell()) runs with the ringing instance's
 *    lock held, and the order below is that of any other turn.
 * 3. &vhca_mdev.pin_lock - the list of pinned sets and the pinned-page
 *    count; vfio's iommu lock nests inside it (pin and unpin).
 * 3a. &vhca_qp.turn_lock (core) - one send-queue turn at a time; a turn
 *    holds it while it takes 4-7, stopping or syncing a QP waits on it.
 * 4. per-queue locks (&vhca_mdev_cq.lock, &vhca_mdev_qp.rq_lock,
 *    &vhca_mdev_srq.lock) - ring positions; spinlocks.
 * 5. &vhca_mdev.event_lock - the async event and CQ notification rings.
 * 6. &vhca_mdev.irq_lock - eventfds, IMR and ICR.
 * 7. &vhca_hca.lock (core) - taken only through core calls.
 * &vhca_mdev.fence_lock (the unmap fences, a spinlock) is a leaf: taken
 * alone or under any of the above, nothing is taken under it.
 *
 * Paths that wait for the data path (vhca_function_quiesce(), stopping or
 * syncing a QP) may hold 1-3 but nothing below, since engine turns take
 * 4-6. Engine turns also pin and unpin single pages (DMA MRs, fast-register
 * page lists) and read page lists with vfio_dma_rw(): vfio's own locks
 * only, never 2 or 3.
 * .dma_unmap is called by vfio with its device list lock held and the
 * iommu lock released, and takes 2 then 3.
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
 * struct vhca_mdev_pages - guest pages pinned for one user
 * @node:    entry in &vhca_mdev.pinned
 * @iovas:   guest address of each page
 * @pages:   the pinned pages
 * @npages:  count; 0 once unpinned (revoked by the VMM's unmap)
 * @revoke:  tells the owner its pages are gone
 * @owner:   argument of @revoke
 * @revoking: entry in vhca_mdev_dma_unmap()'s local list
 *
 * @node and @npages are protected by &vhca_mdev.pin_lock; the rest is
 * immutable while the set is pinned.
 */
struct vhca_mdev_pages {
	struct list_head node;
	u64 *iovas;
	struct page **pages;
	u32 npages;
	void (*revoke)(void *owner);
	void *owner;
	struct list_head revoking;
};

/**
 * struct vhca_mdev_dev_ring - a device-to-driver ring (async events, CQ
 * notifications)
 * @pages: state page + data pages
 * @geom:  index behaviour of the guest's arithmetic
 * @tail:  the device's own producer index (never read back from the guest)
 * @elem:  element size
 */
struct vhca_mdev_dev_ring {
	struct vhca_mdev_pages *pages;
	struct pvrdma_ring_geom geom;
	u32 tail;
	u32 elem;
};

enum vhca_mdev_state {
	VHCA_MDEV_RESET,	/* no DSR: only the register file works */
	VHCA_MDEV_LOADED,	/* DSR read, capabilities written */
	VHCA_MDEV_ACTIVE,	/* commands accepted */
	VHCA_MDEV_FATAL,	/* the guest broke the protocol; reset clears */
};

/**
 * struct vhca_mdev_counters - what the instance's counters/ directory shows
 * @commands:       commands executed
 * @command_errors: commands that failed
 * @revoked:        pinned sets revoked by the VMM unmapping their memory
 * @fatal:          times the instance entered the fatal state
 * @unmap_repeats:  .dma_unmap calls for a range that was still fenced (vfio
 *                  retrying because it found a pin there)
 */
struct vhca_mdev_counters {
	u64 commands;
	u64 command_errors;
	u64 revoked;
	u64 fatal;
	u64 unmap_repeats;
};

#define VHCA_MDEV_GIDS	PVRDMA_CAP_GID_TBL_LEN

/**
 * struct vhca_mdev_gid - one entry of the port's GID table
 * @gid:   the GID
 * @type:  PVRDMA_GID_TYPE_*
 * @valid: entry in use
 */
struct vhca_mdev_gid {
	u8 gid[16];
	u8 type;
	bool valid;
};

/**
 * struct vhca_mdev - one mediated device instance
 * @vdev:          the vfio device (first member: vfio_alloc_device)
 * @fn:            the core function backing it; immutable while it exists
 * @desc:          PCI personality; immutable
 * @lock:          protects the control-path fields below
 * @pin_lock:      protects @pinned and @pinned_pages
 * @fence_lock:    protects @fences
 * @event_lock:    protects @async_ring and @cq_ring
 * @irq_lock:      protects @msix_trigger, @req_trigger, @imr and @icr
 * @cfg:           emulated configuration space
 * @msix_table:    MSI-X table as the guest wrote it
 * @msix_trigger:  eventfd per MSI-X vector, NULL when not wired
 * @req_trigger:   eventfd for device-removal requests, or NULL
 * @opened:        a VMM has the device open
 * @state:         &enum vhca_mdev_state
 * @dsr_low:       DSRLOW register
 * @dsr_high:      DSRHIGH register
 * @err:           ERR register
 * @icr:           causes raised while masked (read-to-clear ICR)
 * @imr:           IMR register
 * @mac:           MAC of the paired vmxnet3 (sysfs "mac")
 * @cmd_slot:      guest address of the command slot
 * @resp_slot:     guest address of the response slot
 * @uar_pfn:       guest frame of BAR2 page 0 from the DSR
 * @async_ring:    async event ring
 * @cq_ring:       CQ notification ring
 * @gids:          GID table of port 1
 * @pinned:        every &struct vhca_mdev_pages of the instance
 * @pinned_pages:  pages pinned now
 * @fences:        ranges the VMM unmapped recently, where nothing may be
 *                 pinned yet (see vhca_fence.h)
 * @counters:      statistics
 */
struct vhca_mdev {
	struct vfio_device vdev;
	struct vhca_function *fn;
	struct vhca_pci_desc desc;

	struct mutex lock; /* control path, see DOC: Locking */
	struct mutex pin_lock; /* @pinned, @pinned_pages */
	spinlock_t fence_lock; /* @fences */
	spinlock_t event_lock; /* @async_ring, @cq_ring */
	spinlock_t irq_lock; /* eventfds, @imr, @icr */
	struct vhca_pci_config cfg;
	u8 msix_table[PVRDMA_MSIX_VECTORS * PVRDMA_MSIX_ENTRY_SIZE];
	struct eventfd_ctx *msix_trigger[PVRDMA_MSIX_VECTORS];
	struct eventfd_ctx *req_trigger;

	bool opened;
	enum vhca_mdev_state state;
	u32 dsr_low;
	u32 dsr_high;
	u32 err;
	u32 icr;
	u32 imr;
	u8 mac[6];
	u64 cmd_slot;
	u64 resp_slot;
	u64 uar_pfn;
	struct vhca_mdev_dev_ring async_ring;
	struct vhca_mdev_dev_ring cq_ring;
	struct vhca_mdev_gid gids[VHCA_MDEV_GIDS];
	struct list_head pinned;
	u64 pinned_pages;
	struct vhca_fence fences[VHCA_FENCES];
	struct vhca_mdev_counters counters;
};

static inline struct vhca_mdev *vdev_to_vhca_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vhca_mdev, vdev);
}

/* vhca_mdev_main.c */
extern struct mdev_driver vhca_mdev_driver;

/* vhca_mdev_sysfs.c */
extern const struct attribute_group *vhca_mdev_dev_groups[];
void vhca_mdev_sysfs_init(void);

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

/* vhca_mdev_dma.c */
int vhca_mdev_dma_read(struct vhca_mdev *vm, u64 gpa, void *buf, size_t len);
int vhca_mdev_dma_write(struct vhca_mdev *vm, u64 gpa, const void *buf,
			size_t len);
struct vhca_mdev_pages *vhca_mdev_pages_pin(struct vhca_mdev *vm, u64 *iovas,
					    u32 npages,
					    void (*revoke)(void *owner),
					    void *owner);
void vhca_mdev_pages_release(struct vhca_mdev *vm, struct vhca_mdev_pages *set);
int vhca_mdev_pages_rw(struct vhca_mdev_pages *set, u64 offset, void *buf,
		       size_t len, bool is_write);
void vhca_mdev_dma_unmap(struct vfio_device *vdev, u64 iova, u64 len);
bool vhca_mdev_fenced(struct vhca_mdev *vm, u64 iova, u64 len);
u64 vhca_mdev_pinned_pages(struct vhca_mdev *vm);

/* vhca_mdev_queues.c */
extern const struct vhca_function_ops vhca_mdev_function_ops;
void vhca_mdev_doorbell(struct vhca_mdev *vm, u64 pos, u32 val);
void vhca_mdev_cq_notify(struct vhca_mdev *vm, u32 cq_handle);

/* vhca_mdev_pdir.c */
int vhca_mdev_pdir_addrs(struct vhca_mdev *vm, u64 pdir, u32 npages,
			 u64 *iovas);
struct vhca_mdev_pages *vhca_mdev_pdir_pin(struct vhca_mdev *vm, u64 pdir,
					   u32 npages,
					   void (*revoke)(void *owner),
					   void *owner);

/* vhca_mdev_regs.c */
void vhca_mdev_regs_read(struct vhca_mdev *vm, u64 pos, u32 *val);
void vhca_mdev_regs_write(struct vhca_mdev *vm, u64 pos, u32 val);
void vhca_mdev_device_reset(struct vhca_mdev *vm);
void vhca_mdev_fatal(struct vhca_mdev *vm, const char *why);

/* vhca_mdev_events.c */
void vhca_mdev_raise(struct vhca_mdev *vm, unsigned int vector);
void vhca_mdev_imr_write(struct vhca_mdev *vm, u32 imr);
int vhca_mdev_dev_ring_init(struct vhca_mdev *vm,
			    struct vhca_mdev_dev_ring *ring,
			    const struct pvrdma_ring_pages *desc, u32 elem);
void vhca_mdev_dev_ring_release(struct vhca_mdev *vm,
				struct vhca_mdev_dev_ring *ring);
void vhca_mdev_async_event(struct vhca_mdev *vm, u32 type, u32 info);

/* vhca_mdev_cmd.c */
void vhca_mdev_cmd_execute(struct vhca_mdev *vm);

/* vhca_mdev_irq.c */
long vhca_mdev_ioctl_irq_info(struct vhca_mdev *vm, void __user *arg);
long vhca_mdev_ioctl_set_irqs(struct vhca_mdev *vm, void __user *arg);
void vhca_mdev_irqs_release(struct vhca_mdev *vm);
void vhca_mdev_request(struct vfio_device *vdev, unsigned int count);

#endif /* _VHCA_MDEV_H */
