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

/* struct vhca_mdev_cq - CQ and its ring (state page + CQEs) */
struct vhca_mdev_cq {
	struct vhca_cq cq;
	struct vhca_mdev_mem mem;
};

/**
 * struct vhca_mdev_qp - QP and its rings
 * @qp:          core object
 * @mem:         state page, send ring, receive ring
 * @send_chunks: pages of the send ring; immutable
 */
struct vhca_mdev_qp {
	struct vhca_qp qp;
	struct vhca_mdev_mem mem;
	u32 send_chunks;
};

/* struct vhca_mdev_srq - SRQ and its ring */
struct vhca_mdev_srq {
	struct vhca_srq srq;
	struct vhca_mdev_mem mem;
};

int vhca_mdev_cmd_create_mr(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_create_cq(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_create_qp(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_modify_qp(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_query_qp(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_create_srq(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_modify_srq(struct vhca_mdev *vm, const void *req, void *resp);
int vhca_mdev_cmd_query_srq(struct vhca_mdev *vm, const void *req, void *resp);

#endif /* _VHCA_MDEV_CMD_H */
