// SPDX-License-Identifier: GPL-2.0-only
/*
 * Queue pairs: creation against the function's PD, CQs and SRQ, and
 * attribute changes through the IBA state machine (vhca_qp_fsm.c). Every
 * value is checked before anything changes, so a refused modify leaves the
 * QP exactly as it was.
 */
#include <linux/module.h>

#include "vhca_internal.h"
#include "vhca_verbs.h"

/* The GSI QP of a function is QP 1, as the verbs stacks expect. */
#define VHCA_GSI_QPN	1

static void vhca_qp_obj_stop(struct vhca_obj *obj)
{
	vhca_qp_stop(container_of(obj, struct vhca_qp, obj));
}

static int vhca_qp_take(struct vhca_function *fn, struct vhca_qp *qp,
			enum vhca_obj_kind kind, u32 handle,
			struct vhca_obj **out)
{
	*out = vhca_obj_lookup(fn, kind, handle);
	if (!*out)
		return -ENOENT;
	vhca_obj_depend(&qp->obj, *out);
	return 0;
}

/**
 * vhca_qp_create() - create a queue pair in the RESET state
 * @fn:      the function
 * @qp:      caller-allocated, zeroed QP
 * @init:    type, PD, CQs, SRQ and sizes
 * @release: frees @qp
 *
 * The QP number is the handle; a GSI QP is always number 1 and a function
 * has at most one.
 *
 * Return: 0, -EINVAL for a bad type or size, -ENOENT for an unknown PD, CQ
 * or SRQ, -ENOSPC when QPs (or the GSI QP) are used up, or -ENOMEM.
 */
int vhca_qp_create(struct vhca_function *fn, struct vhca_qp *qp,
		   const struct vhca_qp_init *init,
		   void (*release)(struct vhca_obj *obj))
{
	struct vhca_obj *pd, *scq, *rcq, *srq = NULL;
	u32 min = VHCA_GSI_QPN + 1, max = fn->obj_limit[VHCA_OBJ_QP] - 1;
	int ret;

	if (!vhca_qp_type_valid(init->type) || !init->caps.max_send_wr ||
	    (!init->srq && !init->caps.max_recv_wr))
		return -EINVAL;
	if (init->srq && (init->caps.max_recv_wr || init->caps.max_recv_sge))
		return -EINVAL;
	ret = vhca_qp_take(fn, qp, VHCA_OBJ_PD, init->pd, &pd);
	if (!ret)
		ret = vhca_qp_take(fn, qp, VHCA_OBJ_CQ, init->send_cq, &scq);
	if (!ret && init->srq)
		ret = vhca_qp_take(fn, qp, VHCA_OBJ_SRQ, init->srq, &srq);
	if (ret)
		goto err_drop;
	/* The receive CQ may be the send CQ: reference it once more. */
	rcq = vhca_obj_lookup(fn, VHCA_OBJ_CQ, init->recv_cq);
	if (!rcq) {
		ret = -ENOENT;
		goto err_drop;
	}
	qp->pd = container_of(pd, struct vhca_pd, obj);
	qp->send_cq = container_of(scq, struct vhca_cq, obj);
	qp->recv_cq = container_of(rcq, struct vhca_cq, obj);
	qp->srq = srq ? container_of(srq, struct vhca_srq, obj) : NULL;
	qp->type = init->type;
	qp->caps = init->caps;
	qp->sq_sig_all = init->sq_sig_all;
	qp->attr.state = VHCA_QPS_RESET;
	qp->attr.port = 1;
	vhca_qp_work_init(qp);
	qp->obj.stop = vhca_qp_obj_stop;
	if (init->type == VHCA_QPT_GSI)
		min = VHCA_GSI_QPN;
	if (init->type == VHCA_QPT_GSI)
		max = VHCA_GSI_QPN;
	/* The recv CQ is not a tracked dependency when it is the send CQ. */
	if (rcq != scq)
		vhca_obj_depend(&qp->obj, rcq);
	else
		vhca_obj_put(rcq);
	return vhca_obj_insert_range(fn, &qp->obj, VHCA_OBJ_QP, min, max,
				     release);

err_drop:
	vhca_obj_abandon(&qp->obj);
	return ret;
}
EXPORT_SYMBOL_GPL(vhca_qp_create);

static int vhca_qp_attr_validate(const struct vhca_qp_attr *a, u32 mask)
{
	if ((mask & VHCA_QP_PORT) && a->port != 1)
		return -EINVAL;
	if ((mask & VHCA_QP_PKEY_INDEX) && a->pkey_index != 0)
		return -EINVAL;	/* a single P_Key, at index 0 */
	if ((mask & VHCA_QP_PATH_MTU) && (a->path_mtu < 1 || a->path_mtu > 5))
		return -EINVAL;
	if ((mask & VHCA_QP_ACCESS_FLAGS) && (a->access & ~VHCA_ACCESS_ALL))
		return -EINVAL;
	if ((mask & VHCA_QP_MIN_RNR_TIMER) && a->min_rnr_timer > 31)
		return -EINVAL;
	if ((mask & VHCA_QP_TIMEOUT) && a->timeout > 31)
		return -EINVAL;
	if ((mask & VHCA_QP_RETRY_CNT) && a->retry_cnt > 7)
		return -EINVAL;
	if ((mask & VHCA_QP_RNR_RETRY) && a->rnr_retry > 7)
		return -EINVAL;
	if ((mask & VHCA_QP_MAX_QP_RD_ATOMIC) &&
	    a->max_rd_atomic > VHCA_MAX_RD_ATOMIC)
		return -EINVAL;
	if ((mask & VHCA_QP_MAX_DEST_RD_ATOMIC) &&
	    a->max_dest_rd_atomic > VHCA_MAX_RD_ATOMIC)
		return -EINVAL;
	if ((mask & VHCA_QP_DEST_QPN) && a->dest_qpn > 0xffffff)
		return -EINVAL;
	if ((mask & VHCA_QP_SQ_PSN) && a->sq_psn > 0xffffff)
		return -EINVAL;
	if ((mask & VHCA_QP_RQ_PSN) && a->rq_psn > 0xffffff)
		return -EINVAL;
	return 0;
}

static void vhca_qp_attr_apply(struct vhca_qp_attr *cur,
			       const struct vhca_qp_attr *a, u32 mask)
{
	if (mask & VHCA_QP_STATE)
		cur->state = a->state;
	if (mask & VHCA_QP_PATH_MTU)
		cur->path_mtu = a->path_mtu;
	if (mask & VHCA_QP_QKEY)
		cur->qkey = a->qkey;
	if (mask & VHCA_QP_RQ_PSN)
		cur->rq_psn = a->rq_psn;
	if (mask & VHCA_QP_SQ_PSN)
		cur->sq_psn = a->sq_psn;
	if (mask & VHCA_QP_DEST_QPN)
		cur->dest_qpn = a->dest_qpn;
	if (mask & VHCA_QP_ACCESS_FLAGS)
		cur->access = a->access;
	if (mask & VHCA_QP_PKEY_INDEX)
		cur->pkey_index = a->pkey_index;
	if (mask & VHCA_QP_PORT)
		cur->port = a->port;
	if (mask & VHCA_QP_MAX_QP_RD_ATOMIC)
		cur->max_rd_atomic = a->max_rd_atomic;
	if (mask & VHCA_QP_MAX_DEST_RD_ATOMIC)
		cur->max_dest_rd_atomic = a->max_dest_rd_atomic;
	if (mask & VHCA_QP_MIN_RNR_TIMER)
		cur->min_rnr_timer = a->min_rnr_timer;
	if (mask & VHCA_QP_TIMEOUT)
		cur->timeout = a->timeout;
	if (mask & VHCA_QP_RETRY_CNT)
		cur->retry_cnt = a->retry_cnt;
	if (mask & VHCA_QP_RNR_RETRY)
		cur->rnr_retry = a->rnr_retry;
	if (mask & VHCA_QP_AV)
		cur->av = a->av;
}

/**
 * vhca_qp_modify() - change a QP's attributes and state
 * @qp:   the QP (referenced by the caller)
 * @attr: new values; only those selected by @mask are read
 * @mask: VHCA_QP_* bits
 *
 * Context: process; serialised with other commands by the caller.
 * Return: 0, or -EINVAL for an illegal transition, missing or extra
 * attributes or an out-of-range value; the QP is unchanged then.
 */
int vhca_qp_modify(struct vhca_qp *qp, const struct vhca_qp_attr *attr,
		   u32 mask)
{
	u32 next = (mask & VHCA_QP_STATE) ? attr->state : qp->attr.state;

	if (!vhca_qp_transition_ok(qp->type, qp->attr.state, next, mask))
		return -EINVAL;
	if (vhca_qp_attr_validate(attr, mask))
		return -EINVAL;
	vhca_qp_attr_apply(&qp->attr, attr, mask);
	qp->rnr_tries = 0;
	if (mask & (VHCA_QP_AV | VHCA_QP_DEST_QPN))
		vhca_fabric_changed();	/* its cached peer may be another now */
	if (next == VHCA_QPS_RTS || next == VHCA_QPS_ERR)
		vhca_qp_kick(qp);	/* entries may be waiting */
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_qp_modify);

