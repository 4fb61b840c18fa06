/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Front-end containers of the core's verbs objects (the PVRDMA state each
 * object carries: its UAR page, its pinned ring or MR pages) and the
 * command handlers shared between vhca_mdev_cmd*.c.
 */
#ifndef _VHCA_MDEV_CMD_H
#define _VHCA_MDEV_CMD_H

#include "vhca_mdev.h"

/**
 * struct vhca_mdev_uctx - user context with its doorbell page
 * @uctx:      core object
 * @uar_index: BAR2 page of the context; immutable
 */
struct vhca_mdev_uctx {
	struct vhca_uctx uctx;
	u32 uar_index;
};

/**
 * struct vhca_mdev_mem - guest pages an object keeps pinned
 * @vm:      the instance
 * @pages:   pinned pages, NULL if the object has none
 * @revoked: the VMM unmapped them; the object is dead for the data path
 */
struct vhca_mdev_mem {
	struct vhca_mdev *vm;
	struct vhca_mdev_pages *pages;
	bool revoked;
};

/* struct vhca_mdev_mr - MR and its pages (user MRs) */
struct vhca_mdev_mr {
	struct vhca_mr mr;
	struct vhca_mdev_mem mem;
};

/**
 * struct vhca_mdev_cq - CQ and its ring (state page + CQEs)
 * @cq:        core object
 * @mem:       the ring's pages
 * @lock:      protects the fields below
 * @geom:      ring index behaviour; immutable
 * @tail:      the device's producer index (never read back from the guest)
 * @armed:     notify on the next completion
 * @armed_sol: notify on the next solicited or error completion
 * @uar_page:  doorbell page of the CQ's owner; immutable
 */
struct vhca_mdev_cq {
	struct vhca_cq cq;
	struct vhca_mdev_mem mem;
	spinlock_t lock; /* ring production and arming */
	struct pvrdma_ring_geom geom;
	u32 tail;
	bool armed;
	bool armed_sol;
	u32 uar_page;
};

/**
 * struct vhca_mdev_wq - one work queue ring inside a pinned set
 * @geom:   index behaviour; immutable
 * @state:  byte offset of its {prod_tail, cons_head} in the set
 * @base:   byte offset of its first element
 * @stride: bytes per element
 * @head:   the device's consumer index (never read back from the guest)
 */
struct vhca_mdev_wq {
	struct pvrdma_ring_geom geom;
	u32 state;
	u64 base;
	u32 stride;
	u32 head;
};

/**
 * struct vhca_mdev_qp - QP and its rings
 * @qp:          core object
 * @mem:         state page, send ring, receive ring
 * @send_chunks: pages of the send ring; immutable
 * @kernel:      owned by the guest kernel (PD without user context)
 * @sq:          send ring, consumed by the QP's own engine turn only
 * @rq:          receive ring (unused with an SRQ)
 * @rq_lock:     protects @rq.head: senders of several QPs may deliver
 * @uar_page:    doorbell page of the QP's owner; immutable
 */
struct vhca_mdev_qp {
	struct vhca_qp qp;
	struct vhca_mdev_mem mem;
	u32 send_chunks;
	bool kernel;
	struct vhca_mdev_wq sq;
	struct vhca_mdev_wq rq;
	spinlock_t rq_lock; /* @rq.head */
	u32 uar_page;
};

/**
 * struct vhca_mdev_srq - SRQ and its ring
 * @srq:  core object
 * @mem:  state page + receive ring
 * @wq:   the ring
 * @lock: protects @wq.head
 */
struct vhca_mdev_srq {
	struct vhca_srq srq;
	struct vhca_mdev_mem mem;
	struct vhca_mdev_wq wq;
	spinlock_t lock; /* @wq.head */
};

int vhca_mdev_uar_page_of(struct vhca_mdev *vm, u32 uctx, u32 *page);
int vhca_mdev_cmd_create_mr(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_create_cq(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_create_qp(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_modify_qp(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_query_qp(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_create_srq(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_modify_srq(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_query_srq(struct vhca_mdev *vm, const void *req, void *resp);

#endif /* _VHCA_MDEV_CMD_H */
