/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhca core: the software HCA that vfio-mdev (or any later front end) slices
 * into functions. This header is the whole interface between the core and
 * its front ends; it knows nothing of PCI, VFIO or a guest ABI.
 */
#ifndef _VHCA_H
#define _VHCA_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "vhca_obj.h"

/**
 * DOC: Locking
 *
 * Lock order, outermost first:
 *
 * 1. vfio/mdev core locks (device open/close, mdev_list_lock), taken by the
 *    callers of the front end's ops.
 * 2. &vhca_hca.lock - capacity accounting of one HCA (slices in use,
 *    function list). Held only for short, non-sleeping-on-I/O sections.
 *
 * The core never calls back into a front end with &vhca_hca.lock held.
 */

/* One HCA is divided into this many equal slices; a function takes 1..N. */
#define VHCA_SLICES_PER_HCA	8

/**
 * struct vhca_limits - amounts of every resource an HCA or a function owns
 * @qps:          queue pairs
 * @cqs:          completion queues
 * @mrs:          memory regions
 * @pds:          protection domains
 * @srqs:         shared receive queues
 * @ahs:          address handles
 * @uar_pages:    doorbell (UAR) pages
 * @pinned_pages: guest pages that may be pinned at once (4 KiB each)
 */
struct vhca_limits {
	u32 qps;
	u32 cqs;
	u32 mrs;
	u32 pds;
	u32 srqs;
	u32 ahs;
	u32 uar_pages;
	u64 pinned_pages;
};

/**
 * struct vhca_hca - one software HCA (vhcaN)
 * @dev:          class device, /sys/class/vhca/vhcaN; the front end hangs
 *                its own devices (mdev parent) off it
 * @index:        N in vhcaN; immutable
 * @capacity:     total resources, divided into %VHCA_SLICES_PER_HCA slices;
 *                immutable after creation
 * @lock:         protects @slices_used and @functions
 * @slices_used:  slices held by live functions
 * @functions:    list of &vhca_function.node
 */
struct vhca_hca {
	struct device dev;
	unsigned int index;
	struct vhca_limits capacity;

	struct mutex lock; /* protects slices_used, functions */
	unsigned int slices_used;
	struct list_head functions;
};

/**
 * struct vhca_function - the share of an HCA that one guest device owns
 * @hca:    the HCA it is carved from; immutable
 * @slices: how many slices of @hca it holds; immutable
 * @quota:  resource limits, @slices/%VHCA_SLICES_PER_HCA of the HCA's
 *          capacity; immutable
 * @node:   entry in &vhca_hca.functions, protected by &vhca_hca.lock
 * @objs:   handle table per object kind (see vhca_obj.c)
 * @obj_limit: handles of each kind are below this; immutable
 * @obj_count: live objects per kind
 */
struct vhca_function {
	struct vhca_hca *hca;
	unsigned int slices;
	struct vhca_limits quota;
	struct list_head node;
	struct xarray objs[VHCA_OBJ_KINDS];
	u32 obj_limit[VHCA_OBJ_KINDS];
	atomic_t obj_count[VHCA_OBJ_KINDS];
};

unsigned int vhca_hca_count(void);
struct vhca_hca *vhca_hca_get(unsigned int index);
void vhca_hca_put(struct vhca_hca *hca);
unsigned int vhca_hca_slices_free(struct vhca_hca *hca);
void vhca_limits_scale(const struct vhca_limits *total, unsigned int slices,
		       struct vhca_limits *share);

struct vhca_function *vhca_function_create(struct vhca_hca *hca,
					   unsigned int slices);
void vhca_function_destroy(struct vhca_function *fn);

#endif /* _VHCA_H */
