/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verbs objects of the core, in the generic (InfiniBand) model. A front
 * end translates its guest ABI into these calls; each create takes the
 * caller-allocated object and a release callback (see vhca_obj.h).
 */
#ifndef _VHCA_VERBS_H
#define _VHCA_VERBS_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "vhca_obj.h"
#include "vhca_qp_fsm.h"
#include "vhca_wr.h"

/* Outstanding RDMA reads/atomics per QP, either direction. */
#define VHCA_MAX_RD_ATOMIC		16

/** struct vhca_uctx - a user context (one guest process's UAR page) */
struct vhca_uctx {
	struct vhca_obj obj;
};

/**
 * struct vhca_pd - protection domain
 * @obj:  core object
 * @uctx: owning user context handle, 0 for the guest kernel; immutable
 */
struct vhca_pd {
	struct vhca_obj obj;
	u32 uctx;
};

enum vhca_mr_type {
	VHCA_MR_USER,	/* fixed pages, [iova, iova + length) */
	VHCA_MR_DMA,	/* the function's whole address space, local only */
	VHCA_MR_FRMR,	/* pages supplied later by a fast-register WR */
};

/**
 * struct vhca_mr - memory region
 * @obj:        core object
 * @pd:         protection domain (a dependency)
 * @type:       &enum vhca_mr_type
 * @max_pages:  page list capacity (FRMR); immutable
 * @lock:       FRMR only: protects @access, @iova, @length, @key,
 *              @page_shift, @pl_len, the entries of @pl and @invalid,
 *              which fast-register and invalidate requests change while
 *              other QPs' turns translate through the MR
 * @access:     VHCA_ACCESS_* rights
 * @iova:       first address (USER, registered FRMR)
 * @length:     bytes (USER, registered FRMR)
 * @key:        lkey == rkey: handle << 8 | an 8-bit variant, random at
 *              creation so that stale keys of a reused handle do not
 *              match; a fast registration installs the guest's variant
 * @page_shift: log2 of the page size of @pl (registered FRMR)
 * @pl:         FRMR: guest addresses of the registered pages, @max_pages
 *              entries allocated by the front end; pages are pinned only
 *              for each access, like those of a DMA MR
 * @pl_len:     entries of @pl in use
 * @pages:      guest pages backing [iova & PAGE_MASK, ...) (USER), owned by
 *              the front end
 * @npages:     their count
 * @invalid:    no access matches: the memory is gone (USER, unmapped by
 *              the VMM) or the region is not registered (FRMR)
 */
struct vhca_mr {
	struct vhca_obj obj;
	struct vhca_pd *pd;
	enum vhca_mr_type type;
	u32 max_pages;
	spinlock_t lock; /* FRMR registration state, see above */
	u32 access;
	u64 iova;
	u64 length;
	u32 key;
	u32 page_shift;
	u64 *pl;
	u32 pl_len;
	struct page **pages;
	u32 npages;
	bool invalid;
};

/**
 * struct vhca_cq - completion queue
 * @obj:  core object
 * @cqe:  capacity; immutable
 * @uctx: owning user context, 0 for the guest kernel
 */
struct vhca_cq {
	struct vhca_obj obj;
	u32 cqe;
	u32 uctx;
};

/**
 * struct vhca_srq - shared receive queue
 * @obj:     core object
 * @pd:      protection domain (a dependency)
 * @max_wr:  capacity; immutable
 * @max_sge: scatter entries per WR; immutable
 * @limit:   SRQ_LIMIT_REACHED threshold, 0 = disarmed; the front end
 *           serialises its changes with the receives that disarm it
 */
struct vhca_srq {
	struct vhca_obj obj;
	struct vhca_pd *pd;
	u32 max_wr;
	u32 max_sge;
	u32 limit;
};

/**
 * struct vhca_qp_caps - queue sizes of a QP
 * @max_send_wr:  send queue entries
 * @max_recv_wr:  receive queue entries (0 with an SRQ)
 * @max_send_sge: scatter/gather entries per send WR
 * @max_recv_sge: per receive WR
 */
struct vhca_qp_caps {
	u32 max_send_wr;
	u32 max_recv_wr;
	u32 max_send_sge;
	u32 max_recv_sge;
};

/**
 * struct vhca_qp_attr - modifiable QP attributes (verbs meaning)
 * @state:              target state (with %VHCA_QP_STATE)
 * @path_mtu:           1..5 = 256..4096 bytes
 * @qkey:               Q_Key (UD/GSI)
 * @rq_psn:             expected receive PSN
 * @sq_psn:             send PSN
 * @dest_qpn:           remote QP number (RC)
 * @access:             VHCA_ACCESS_REMOTE_* allowed on incoming requests
 * @pkey_index:         P_Key table index
 * @port:               port number (always 1)
 * @max_rd_atomic:      outstanding RDMA reads/atomics as initiator
 * @max_dest_rd_atomic: as responder
 * @min_rnr_timer:      RNR NAK timer code 0..31
 * @timeout:            local ACK timeout code 0..31
 * @retry_cnt:          0..7
 * @rnr_retry:          0..7 (7 = infinite)
 * @av:                 primary path
 */
struct vhca_qp_attr {
	u32 state;
	u32 path_mtu;
	u32 qkey;
	u32 rq_psn;
	u32 sq_psn;
	u32 dest_qpn;
	u32 access;
	u16 pkey_index;
	u8 port;
	u8 max_rd_atomic;
	u8 max_dest_rd_atomic;
	u8 min_rnr_timer;
	u8 timeout;
	u8 retry_cnt;
	u8 rnr_retry;
	struct vhca_av av;
};

/**
 * struct vhca_qp - queue pair
 * @obj:        core object; the QP number equals the handle
 * @type:       &enum vhca_qp_type; immutable
 * @pd:         protection domain (dependency)
 * @send_cq:    send completion queue (dependency)
 * @recv_cq:    receive completion queue (dependency)
 * @srq:        shared receive queue or NULL (dependency)
 * @caps:       queue sizes; immutable
 * @sq_sig_all: every send WR completes with a CQE; immutable
 * @attr:       current attributes, @attr.state included; changed by
 *              vhca_qp_modify() (serialised with commands by the caller)
 *              and, for the error state, by the data path
 * @send_work:  executes the send queue on the HCA workqueue
 * @rnr_tries:  receiver-not-ready retries of the head send entry
 * @rnr_timer:  min_rnr_timer code of the receiver that last refused the
 *              head entry: how long to wait before the next retry
 * @stopped:    set when the QP is destroyed or revoked: the data path
 *              leaves it alone from then on
 * @peer:       RC: the peer QP last resolved through the fabric (not
 *              referenced; valid only while the fabric generation equals
 *              @peer_gen), used and set by the QP's send work only
 * @peer_gen:   the fabric generation @peer was resolved in
 * @qos_backlog: 1 while counted in its function's &vhca_qos.backlog
 * @turn_lock:  one turn of the send queue at a time: the worker's, or one
 *              a doorbell runs in the ringing thread
 * @heard:      an operation of a peer reached this QP since its last send
 *              doorbell (a hint, set by other QPs' turns)
 * @turn_wr:    the send entry a turn decodes into (under @turn_lock)
 */
struct vhca_qp {
	struct vhca_obj obj;
	enum vhca_qp_type type;
	struct vhca_pd *pd;
	struct vhca_cq *send_cq;
	struct vhca_cq *recv_cq;
	struct vhca_srq *srq;
	struct vhca_qp_caps caps;
	bool sq_sig_all;
	struct vhca_qp_attr attr;
	struct delayed_work send_work;
	u32 rnr_tries;
	u8 rnr_timer;
	bool stopped;
	struct vhca_qp *peer;
	u64 peer_gen;
	unsigned int qos_backlog;
	struct mutex turn_lock;	/* one turn at a time, see above */
	bool heard;
	struct vhca_send_wr turn_wr;
};

/**
 * struct vhca_qp_init - what vhca_qp_create() needs
 * @type:        QP type
 * @pd:          PD handle
 * @send_cq:     CQ handle
 * @recv_cq:     CQ handle
 * @srq:         SRQ handle, 0 for none
 * @caps:        queue sizes
 * @sq_sig_all:  signal every send
 */
struct vhca_qp_init {
	u32 type;
	u32 pd;
	u32 send_cq;
	u32 recv_cq;
	u32 srq;
	struct vhca_qp_caps caps;
	bool sq_sig_all;
};

int vhca_uctx_create(struct vhca_function *fn, struct vhca_uctx *uctx,
		     void (*release)(struct vhca_obj *obj));
int vhca_pd_create(struct vhca_function *fn, struct vhca_pd *pd, u32 uctx,
		   void (*release)(struct vhca_obj *obj));
int vhca_mr_create(struct vhca_function *fn, struct vhca_mr *mr, u32 pd,
		   void (*release)(struct vhca_obj *obj));
int vhca_cq_create(struct vhca_function *fn, struct vhca_cq *cq,
		   void (*release)(struct vhca_obj *obj));
int vhca_srq_create(struct vhca_function *fn, struct vhca_srq *srq, u32 pd,
		    void (*release)(struct vhca_obj *obj));
int vhca_qp_create(struct vhca_function *fn, struct vhca_qp *qp,
		   const struct vhca_qp_init *init,
		   void (*release)(struct vhca_obj *obj));
int vhca_qp_modify(struct vhca_qp *qp, const struct vhca_qp_attr *attr,
		   u32 mask);
void vhca_qp_kick(struct vhca_qp *qp);
void vhca_qp_doorbell(struct vhca_qp *qp);
void vhca_qp_stop(struct vhca_qp *qp);
void vhca_qp_sync(struct vhca_qp *qp);
void vhca_fabric_changed(void);

#endif /* _VHCA_VERBS_H */
