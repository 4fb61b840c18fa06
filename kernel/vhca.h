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
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "vhca_obj.h"

struct page;
struct vhca_cq;
struct vhca_qp;
struct vhca_send_wr;
struct vhca_recv_wr;
struct vhca_wc;
struct vhca_function;

/**
 * struct vhca_function_ops - what the core asks of a function's front end
 * @sq_peek:      decode the next send queue entry of @qp without consuming
 *                it; -ENOENT if the queue is empty, another errno if the
 *                guest corrupted it
 * @sq_consume:   consume the entry sq_peek() returned
 * @rq_pop:       take the next receive entry of @qp (from its SRQ if it
 *                has one); -ENOENT if none is posted, another errno if the
 *                guest corrupted the queue
 * @cq_push:      write a completion to @cq (and notify if armed); false if
 *                the CQ overflowed
 * @dma_page_get: pin the guest page at @gpa for a DMA MR access; NULL if
 *                the guest has no memory there
 * @dma_page_put: unpin it
 * @event:        raise an async event about an object of the function
 * @page_list_read: read the @n guest addresses of a fast-register page
 *                list that @list locates (in the front end's format) into
 *                @addrs; -EFAULT if the guest has no memory there, -EINVAL
 *                for a malformed list
 *
 * All are called in process context inside the data-path SRCU read
 * section, without any core lock held; they may sleep.
 */
struct vhca_function_ops {
	int (*sq_peek)(struct vhca_qp *qp, struct vhca_send_wr *wr);
	void (*sq_consume)(struct vhca_qp *qp);
	int (*rq_pop)(struct vhca_qp *qp, struct vhca_recv_wr *wr);
	bool (*cq_push)(struct vhca_cq *cq, const struct vhca_wc *wc);
	struct page *(*dma_page_get)(struct vhca_function *fn, u64 gpa);
	void (*dma_page_put)(struct vhca_function *fn, u64 gpa);
	void (*event)(struct vhca_function *fn, u32 type, u32 handle);
	int (*page_list_read)(struct vhca_function *fn, u64 list, u32 n,
			      u64 *addrs);
};

#define VHCA_GIDS	16

/**
 * struct vhca_gid - one entry of a function's GID table
 * @raw:   the GID
 * @valid: in use
 */
struct vhca_gid {
	u8 raw[16];
	bool valid;
};

/**
 * struct vhca_qos - a function's share of the engine (vhca_qos.c)
 * @weight:    1..100, default 10: busy functions move bytes in proportion
 * @rate_mbps: payload limit in Mbit/s, 0 for none
 * @vtime:     virtual time: bytes moved * 100 / weight
 * @backlog:   QPs of the function with work waiting for the engine (not
 *             for a peer, a timer or the rate limit): it is competing
 * @backlogged: jiffies when a QP last reported such work
 * @lock:      protects @rate_mbps, @tokens and @stamp_ns
 * @tokens:    token bucket of the rate limit, in bytes
 * @stamp_ns:  when @tokens was last refilled
 */
struct vhca_qos {
	u32 weight;
	u32 rate_mbps;
	atomic64_t vtime;
	atomic_t backlog;
	unsigned long backlogged;
	spinlock_t lock; /* rate limit state */
	s64 tokens;
	u64 stamp_ns;
};

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
 * 3. &vhca_mr.lock - registration state of one fast-register MR; a leaf
 *    spinlock taken by the data path only (registration, invalidation and
 *    every page translation through the MR), never around a callback.
 * 4. &vhca_qos.lock - rate limit state of one function; a leaf spinlock.
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
 * @lock:         protects @slices_used and changes of @functions
 * @slices_used:  slices held by live functions
 * @functions:    list of &vhca_function.node; data-path turns walk it
 *                without @lock (RCU list, see vhca_dp_held())
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
 * @ops:    front-end callbacks; set before any object exists
 * @priv:   the front end's instance
 * @network: fabric partition: traffic never crosses networks
 * @gids:   GID table (RoCE addresses), written by the control path,
 *          read by the data path under the data-path SRCU
 * @fabric_lookups: sends that had to search the fabric for their peer
 *          (every UD send; an RC QP only when its cached peer is stale)
 * @qos:    weight, rate limit and scheduling state
 */
struct vhca_function {
	struct vhca_hca *hca;
	unsigned int slices;
	struct vhca_limits quota;
	struct list_head node;
	struct xarray objs[VHCA_OBJ_KINDS];
	u32 obj_limit[VHCA_OBJ_KINDS];
	atomic_t obj_count[VHCA_OBJ_KINDS];
	const struct vhca_function_ops *ops;
	void *priv;
	u32 network;
	struct vhca_gid gids[VHCA_GIDS];
	atomic64_t fabric_lookups;
	struct vhca_qos qos;
};

unsigned int vhca_hca_count(void);
struct vhca_hca *vhca_hca_get(unsigned int index);
struct vhca_hca *vhca_hca_peek(unsigned int index);
void vhca_hca_put(struct vhca_hca *hca);
unsigned int vhca_hca_slices_free(struct vhca_hca *hca);
void vhca_limits_scale(const struct vhca_limits *total, unsigned int slices,
		       struct vhca_limits *share);

struct vhca_function *vhca_function_create(struct vhca_hca *hca,
					   unsigned int slices);
void vhca_function_quiesce(void);
void vhca_gid_set(struct vhca_function *fn, unsigned int index,
		  const u8 *gid);
void vhca_function_set_network(struct vhca_function *fn, u32 network);
int vhca_qos_set_weight(struct vhca_function *fn, u32 weight);
int vhca_qos_set_rate(struct vhca_function *fn, u32 mbps);
void vhca_function_destroy(struct vhca_function *fn);

#endif /* _VHCA_H */
