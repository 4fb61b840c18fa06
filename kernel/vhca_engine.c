// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine: executes send queues on an unbound workqueue. A doorbell only
 * queues the QP's work; the work decodes entries through the front end,
 * resolves the peer QP through the fabric, checks keys through the TPT and
 * copies guest to guest, then completes through the front end. Each turn
 * handles a bounded number of entries and requeues, so one busy QP cannot
 * starve the others, and nothing runs when no doorbell rang.
 *
 * Lifetime: every turn runs inside the data-path SRCU read section; control
 * paths that make objects or functions disappear stop them, unpublish them
 * and then call vhca_function_quiesce(), after which no turn can touch them.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#include "vhca_internal.h"
#include "vhca_tpt.h"

#define VHCA_SQ_BUDGET		32
#define VHCA_RNR_INFINITE	7

/**
 * struct vhca_turn_budget - how much one turn of a send queue may do
 * @entries:   entries retired at most
 * @bytes:     no further entry starts once this many bytes moved
 * @entry_max: larger entries are left for the worker
 */
struct vhca_turn_budget {
	unsigned int entries;
	u64 bytes;
	u64 entry_max;
};

/* A worker turn: bounded so that other QPs get the engine too. */
static const struct vhca_turn_budget vhca_worker_budget = {
	.entries = VHCA_SQ_BUDGET,
	.bytes = SZ_1M,
	.entry_max = U64_MAX,
};

/*
 * A doorbell turn runs in the thread that rang (the VMM's vCPU thread): a
 * few small entries, which then cost no worker wake-up and no context
 * switch. Larger messages go to the worker, which copies while the guest
 * goes on posting.
 */
static const struct vhca_turn_budget vhca_doorbell_budget = {
	.entries = 8,
	.bytes = SZ_16K,
	.entry_max = SZ_4K,
};

DEFINE_STATIC_SRCU(vhca_dp_srcu);
static struct workqueue_struct *vhca_wq;

enum {
	VHCA_EXEC_RNR = -1,	/* receiver not ready: retry later */
};

/**
 * vhca_function_quiesce() - wait until no data-path turn is running
 *
 * Context: process; no lock a data-path callback takes may be held.
 */
void vhca_function_quiesce(void)
{
	synchronize_srcu(&vhca_dp_srcu);
}
EXPORT_SYMBOL_GPL(vhca_function_quiesce);

/* Queue a turn of @qp after @delay jiffies unless one is queued already. */
static void vhca_qp_queue(struct vhca_qp *qp, unsigned long delay)
{
	if (READ_ONCE(qp->stopped) || !kref_get_unless_zero(&qp->obj.ref))
		return;
	if (!queue_delayed_work(vhca_wq, &qp->send_work, delay))
		vhca_obj_put(&qp->obj);
}

/**
 * vhca_qp_kick() - schedule a turn of the QP's send queue on the worker
 * @qp: the QP
 *
 * Context: any process context; never blocks on the data path.
 */
void vhca_qp_kick(struct vhca_qp *qp)
{
	/*
	 * A turn that is queued but has not started yet will see whatever
	 * the caller posted: skip the costlier queueing path (doorbells of
	 * small messages spent as much there as in the work itself).
	 */
	smp_mb();	/* the caller's ring update before the test */
	if (!delayed_work_pending(&qp->send_work))
		vhca_qp_queue(qp, 0);
}
EXPORT_SYMBOL_GPL(vhca_qp_kick);

/**
 * vhca_qp_sync() - wait until no turn of the QP's send queue runs
 * @qp: a QP its owner just moved to RESET
 *
 * Unlike vhca_qp_stop() the QP stays usable: a later doorbell or move to
 * RTS schedules it again. Turns that start meanwhile see the RESET state
 * and leave the queue alone, so the front end may rewind its positions.
 *
 * Context: process; no lock a data-path callback takes may be held.
 */
void vhca_qp_sync(struct vhca_qp *qp)
{
	mutex_lock(&qp->turn_lock);	/* a doorbell turn, and what it queued */
	mutex_unlock(&qp->turn_lock);
	if (cancel_delayed_work_sync(&qp->send_work))
		vhca_obj_put(&qp->obj);
	vhca_qos_backlog(qp, false);
}
EXPORT_SYMBOL_GPL(vhca_qp_sync);

/**
 * vhca_qp_stop() - the data path must leave @qp alone from now on
 * @qp: a QP being destroyed or revoked
 *
 * Context: process. Waits for a running turn of the QP's own send queue;
 * turns of other QPs that found it are waited for by
 * vhca_function_quiesce().
 */
void vhca_qp_stop(struct vhca_qp *qp)
{
	WRITE_ONCE(qp->stopped, true);
	vhca_qp_sync(qp);
}
EXPORT_SYMBOL_GPL(vhca_qp_stop);

static bool vhca_qp_can_receive(const struct vhca_qp *qp)
{
	u32 state = READ_ONCE(qp->attr.state);

	return !READ_ONCE(qp->stopped) &&
	       (state == VHCA_QPS_RTR || state == VHCA_QPS_RTS ||
		state == VHCA_QPS_SQD);
}

static void vhca_qp_to_error(struct vhca_qp *qp)
{
	WRITE_ONCE(qp->attr.state, VHCA_QPS_ERR);
	vhca_qp_kick(qp);	/* its turn flushes both queues */
}

/*
 * Anything that can change where an RC QP's sends go - a GID installed or
 * cleared, a network id, a function or QP coming or going, a QP's path -
 * bumps this, and a QP's cached peer is only used while it is unchanged.
 * Whoever unpublishes a QP bumps it before waiting for the data path, so a
 * turn that still sees the old value runs before the QP can be freed.
 */
static atomic64_t vhca_fabric_gen = ATOMIC64_INIT(0);	/* never wraps */

/**
 * vhca_fabric_changed() - invalidate every cached RC peer
 *
 * Context: any.
 */
void vhca_fabric_changed(void)
{
	atomic64_inc(&vhca_fabric_gen);
	smp_mb__after_atomic();	/* before the caller waits or unpublishes */
}
EXPORT_SYMBOL_GPL(vhca_fabric_changed);

/**
 * vhca_dp_held() - is the caller a data-path turn
 *
 * Context: turns walk &vhca_hca.functions without its lock; functions leave
 * the list before vhca_function_quiesce().
 * Return: true inside the data-path SRCU read section (as lockdep sees it).
 */
bool vhca_dp_held(void)
{
	return srcu_read_lock_held(&vhca_dp_srcu);
}

/* Find the function that owns @gid on @network. */
static struct vhca_function *vhca_fabric_find(u32 network, const u8 *gid)
{
	struct vhca_function *fn;
	unsigned int h, i;

	for (h = 0; h < vhca_hca_count(); h++) {
		list_for_each_entry_srcu(fn, &vhca_hca_peek(h)->functions, node,
					 vhca_dp_held()) {
			if (READ_ONCE(fn->network) != network)
				continue;
			for (i = 0; i < VHCA_GIDS; i++)
				if (READ_ONCE(fn->gids[i].valid) &&
				    !memcmp(fn->gids[i].raw, gid, 16))
					return fn;
		}
	}
	return NULL;
}

/* Resolve the QP a send of @qp goes to, referenced, through the fabric. */
static struct vhca_qp *vhca_peer_lookup(struct vhca_qp *qp,
					const struct vhca_send_wr *wr)
{
	bool ud = qp->type != VHCA_QPT_RC;
	const struct vhca_av *av = ud ? &wr->av : &qp->attr.av;
	u32 qpn = ud ? wr->remote_qpn : qp->attr.dest_qpn;
	struct vhca_function *fn = qp->obj.fn, *peer_fn;
	struct vhca_obj *obj;
	struct vhca_qp *peer;

	atomic64_inc(&fn->fabric_lookups);
	if (av->sgid_index >= VHCA_GIDS ||
	    !READ_ONCE(fn->gids[av->sgid_index].valid))
		return NULL;
	peer_fn = vhca_fabric_find(fn->network, av->dgid);
	if (!peer_fn)
		return NULL;
	obj = vhca_obj_lookup(peer_fn, VHCA_OBJ_QP, qpn);
	if (!obj)
		return NULL;
	peer = container_of(obj, struct vhca_qp, obj);
	if (peer->type != qp->type && (!ud || peer->type == VHCA_QPT_RC)) {
		vhca_obj_put(obj);
		return NULL;
	}
	return peer;
}

/*
 * The QP a send of @qp goes to, referenced, or NULL. An RC QP resolves its
 * peer once and keeps the pointer (not a reference) with the fabric
 * generation it was found in; see vhca_fabric_gen. Only the QP's own send
 * work, inside the data-path SRCU read section, uses the cache.
 */
static struct vhca_qp *vhca_peer_qp(struct vhca_qp *qp,
				    const struct vhca_send_wr *wr)
{
	u64 gen = atomic64_read_acquire(&vhca_fabric_gen);
	struct vhca_qp *peer = NULL;

	if (qp->type == VHCA_QPT_RC && qp->peer && qp->peer_gen == gen &&
	    kref_get_unless_zero(&qp->peer->obj.ref))
		peer = qp->peer;
	if (!peer) {
		peer = vhca_peer_lookup(qp, wr);
		if (qp->type == VHCA_QPT_RC) {
			qp->peer = peer;
			qp->peer_gen = gen;
		}
	}
	if (peer && !vhca_qp_can_receive(peer)) {
		vhca_obj_put(&peer->obj);
		return NULL;
	}
	return peer;
}

/* Check every local SGE; on failure nothing stays referenced. */
static u32 vhca_sges_check(struct vhca_qp *qp, const struct vhca_sge *sge,
			   u32 num, u32 access, struct vhca_extent *ext,
			   u64 *total)
{
	u32 i, status;

	*total = 0;
	for (i = 0; i < num; i++) {
		status = vhca_tpt_check(qp->obj.fn, qp->pd, sge[i].lkey,
					sge[i].addr, sge[i].length, access,
					false, &ext[i]);
		if (status) {
			while (i--)
				vhca_extent_put(&ext[i]);
			return status;
		}
		*total += sge[i].length;
	}
	return VHCA_WC_SUCCESS;
}

static void vhca_extents_put(struct vhca_extent *ext, u32 num)
{
	while (num--)
		vhca_extent_put(&ext[num]);
}

static void vhca_complete(struct vhca_cq *cq, const struct vhca_wc *wc)
{
	struct vhca_function *fn = cq->obj.fn;

	if (!fn->ops->cq_push(cq, wc))
		fn->ops->event(fn, VHCA_EVENT_CQ_ERR, cq->obj.handle);
}

/* Put the datagram's network header in the first 40 bytes of a receive. */
static int vhca_write_grh(struct vhca_qp *qp, struct vhca_qp *peer,
			  const struct vhca_send_wr *wr, u64 len,
			  const struct vhca_extent *dst, u32 ndst, u8 *type)
{
	u8 grh[VHCA_GRH_BYTES], sgid[16];
	struct vhca_function *fn = qp->obj.fn;

	memcpy(sgid, fn->gids[wr->av.sgid_index].raw, sizeof(sgid));
	*type = vhca_grh_build(grh, sgid, wr->av.dgid, &wr->av, len);
	return vhca_copy_to_extents(dst, ndst, grh, sizeof(grh));
}

/*
 * The responder side of SEND_WITH_INV, once the message is placed: the
 * rkey must be the current key of a fast-register MR in the receiving
 * QP's PD. A bad key is an invalid request (IBA class J): both sides see
 * an error and the receiving QP goes to the error state.
 */
static int vhca_deliver_invalidate(struct vhca_qp *peer,
				   const struct vhca_send_wr *wr,
				   struct vhca_wc *wc)
{
	if (vhca_mr_invalidate(peer->obj.fn, peer->pd, wr->imm)) {
		wc->status = VHCA_WC_REM_INV_REQ_ERR;
		return VHCA_WC_REM_INV_REQ_ERR;
	}
	wc->flags |= VHCA_WC_WITH_INVALIDATE;
	wc->imm = wr->imm;
	return VHCA_WC_SUCCESS;
}

/*
 * A receive at @peer: take its next receive entry and scatter @src into it.
 * The receive completion is written here; the sender's status is returned.
 */
static int vhca_deliver(struct vhca_qp *qp, struct vhca_qp *peer,
			const struct vhca_send_wr *wr,
			const struct vhca_extent *src, u32 nsrc, u64 len,
			bool with_data)
{
	struct vhca_function *pfn = peer->obj.fn;
	struct vhca_extent dst[VHCA_MAX_SGE];
	struct vhca_wc wc = { .qp = peer->obj.handle, .src_qp = qp->obj.handle };
	struct vhca_recv_wr rwr;
	u32 grh = peer->type == VHCA_QPT_RC ? 0 : VHCA_GRH_BYTES;
	u64 room;
	ssize_t n;
	int ret;

	ret = pfn->ops->rq_pop(peer, &rwr);
	if (ret == -ENOENT && peer->type == VHCA_QPT_RC) {
		/* The RNR NAK carries the responder's timer (IBA 9.7.5.2.8). */
		qp->rnr_timer = READ_ONCE(peer->attr.min_rnr_timer);
		return VHCA_EXEC_RNR;
	}
	if (ret == -ENOENT)
		return VHCA_WC_SUCCESS;
	if (ret) {
		vhca_qp_to_error(peer);
		pfn->ops->event(pfn, VHCA_EVENT_QP_FATAL, peer->obj.handle);
		return VHCA_WC_REM_OP_ERR;
	}
	wc.wr_id = rwr.wr_id;
	wc.opcode = with_data ? VHCA_WC_RECV : VHCA_WC_RECV_RDMA_WITH_IMM;
	wc.solicited = wr->flags & VHCA_SEND_SOLICITED;
	if (wr->opcode == VHCA_WR_SEND_WITH_IMM ||
	    wr->opcode == VHCA_WR_RDMA_WRITE_WITH_IMM) {
		wc.flags |= VHCA_WC_WITH_IMM;
		wc.imm = wr->imm;
	}
	if (grh)
		wc.flags |= VHCA_WC_GRH;
	wc.status = vhca_sges_check(peer, rwr.sge, rwr.num_sge,
				    VHCA_ACCESS_LOCAL_WRITE, dst, &room);
	if (wc.status) {
		vhca_complete(peer->recv_cq, &wc);
		vhca_qp_to_error(peer);
		return VHCA_WC_REM_OP_ERR;
	}
	if (with_data && len + grh > room) {
		wc.status = VHCA_WC_LOC_LEN_ERR;
		ret = VHCA_WC_REM_INV_REQ_ERR;
	} else if (with_data) {
		n = grh ? vhca_write_grh(qp, peer, wr, len, dst, rwr.num_sge,
					 &wc.network_hdr_type) : 0;
		if (!n)
			n = vhca_copy(dst, rwr.num_sge, src, nsrc, grh);
		wc.status = n < 0 ? VHCA_WC_LOC_PROT_ERR : VHCA_WC_SUCCESS;
		wc.byte_len = n < 0 ? 0 : n + grh;
		ret = n < 0 ? VHCA_WC_REM_OP_ERR : VHCA_WC_SUCCESS;
		if (!ret && wr->opcode == VHCA_WR_SEND_WITH_INV)
			ret = vhca_deliver_invalidate(peer, wr, &wc);
	} else {
		ret = VHCA_WC_SUCCESS;
	}
	vhca_extents_put(dst, rwr.num_sge);
	vhca_complete(peer->recv_cq, &wc);
	if (wc.status)
		vhca_qp_to_error(peer);
	return ret;
}

static int vhca_exec_send(struct vhca_qp *qp, struct vhca_qp *peer,
			  const struct vhca_send_wr *wr)
{
	struct vhca_extent src[VHCA_MAX_SGE];
	u64 len;
	u32 status;
	int ret;

	status = vhca_sges_check(qp, wr->sge, wr->num_sge, 0, src, &len);
	if (status)
		return status;
	if (peer->type != VHCA_QPT_RC && len > VHCA_UD_MTU)
		ret = VHCA_WC_LOC_LEN_ERR;
	else if (peer->type != VHCA_QPT_RC && wr->remote_qkey != peer->attr.qkey)
		ret = VHCA_WC_SUCCESS;	/* a Q_Key mismatch drops silently */
	else
		ret = vhca_deliver(qp, peer, wr, src, wr->num_sge, len, true);
	vhca_extents_put(src, wr->num_sge);
	return ret;
}

/* RDMA WRITE (with or without immediate) and RDMA READ. */
static int vhca_exec_rdma(struct vhca_qp *qp, struct vhca_qp *peer,
			  const struct vhca_send_wr *wr, bool is_read)
{
	u32 local_access = is_read ? VHCA_ACCESS_LOCAL_WRITE : 0;
	u32 remote_access = is_read ? VHCA_ACCESS_REMOTE_READ :
				      VHCA_ACCESS_REMOTE_WRITE;
	struct vhca_extent local[VHCA_MAX_SGE], remote;
	u64 len;
	u32 status;
	ssize_t n;
	int ret = VHCA_WC_SUCCESS;

	if (peer->type != VHCA_QPT_RC)
		return VHCA_WC_LOC_QP_OP_ERR;
	status = vhca_sges_check(qp, wr->sge, wr->num_sge, local_access, local,
				 &len);
	if (status)
		return status;
	if (len > U32_MAX || !(READ_ONCE(peer->attr.access) & remote_access) ||
	    vhca_tpt_check(peer->obj.fn, peer->pd, wr->rkey, wr->remote_addr,
			   len, remote_access, true, &remote)) {
		vhca_extents_put(local, wr->num_sge);
		return VHCA_WC_REM_ACCESS_ERR;
	}
	if (is_read)
		n = vhca_copy(local, wr->num_sge, &remote, 1, 0);
	else
		n = vhca_copy(&remote, 1, local, wr->num_sge, 0);
	/* A page of our own side gone is a local protection error. */
	if (n == (is_read ? -EFAULT : -EIO))
		ret = VHCA_WC_LOC_PROT_ERR;
	else if (n < 0)
		ret = VHCA_WC_REM_OP_ERR;
	vhca_extent_put(&remote);
	vhca_extents_put(local, wr->num_sge);
	if (!ret && wr->opcode == VHCA_WR_RDMA_WRITE_WITH_IMM)
		ret = vhca_deliver(qp, peer, wr, NULL, 0, 0, false);
	return ret;
}

static int vhca_exec_atomic(struct vhca_qp *qp, struct vhca_qp *peer,
			    const struct vhca_send_wr *wr)
{
	struct vhca_extent local, remote;
	u64 *target, old, gpa;
	int ret = VHCA_WC_SUCCESS;

	if (peer->type != VHCA_QPT_RC || wr->num_sge != 1 ||
	    wr->sge[0].length != 8)
		return VHCA_WC_LOC_QP_OP_ERR;
	if (vhca_tpt_check(qp->obj.fn, qp->pd, wr->sge[0].lkey, wr->sge[0].addr,
			   8, VHCA_ACCESS_LOCAL_WRITE, false, &local))
		return VHCA_WC_LOC_PROT_ERR;
	if ((wr->remote_addr & 7) ||
	    !(READ_ONCE(peer->attr.access) & VHCA_ACCESS_REMOTE_ATOMIC) ||
	    vhca_tpt_check(peer->obj.fn, peer->pd, wr->rkey, wr->remote_addr, 8,
			   VHCA_ACCESS_REMOTE_ATOMIC, true, &remote)) {
		vhca_extent_put(&local);
		return VHCA_WC_REM_ACCESS_ERR;
	}
	target = vhca_extent_map_u64(&remote, &gpa);
	if (!target) {
		ret = VHCA_WC_REM_OP_ERR;
		goto out;
	}
	/*
	 * The CPU's own atomic instructions on the aligned target: atomic
	 * against every other QP, instance and CPU, with no shared lock.
	 */
	if (wr->opcode == VHCA_WR_ATOMIC_FETCH_AND_ADD)
		old = atomic64_fetch_add(wr->compare_add, (atomic64_t *)target);
	else
		old = cmpxchg64(target, wr->compare_add, wr->swap);
	vhca_extent_unmap_u64(&remote, target, gpa);
	/*
	 * The original value goes to the requester's buffer, which need not
	 * be aligned and may cross a page: copied, not mapped as a u64.
	 */
	if (vhca_copy_to_extents(&local, 1, &old, sizeof(old)))
		ret = VHCA_WC_LOC_PROT_ERR;
out:
	vhca_extent_put(&remote);
	vhca_extent_put(&local);
	return ret;
}

static const u8 vhca_wc_opcode_of[] = {
	[VHCA_WR_RDMA_WRITE] = VHCA_WC_RDMA_WRITE,
	[VHCA_WR_RDMA_WRITE_WITH_IMM] = VHCA_WC_RDMA_WRITE,
	[VHCA_WR_SEND] = VHCA_WC_SEND,
	[VHCA_WR_SEND_WITH_IMM] = VHCA_WC_SEND,
	[VHCA_WR_RDMA_READ] = VHCA_WC_RDMA_READ,
	[VHCA_WR_ATOMIC_CMP_AND_SWP] = VHCA_WC_COMP_SWAP,
	[VHCA_WR_ATOMIC_FETCH_AND_ADD] = VHCA_WC_FETCH_ADD,
	[VHCA_WR_SEND_WITH_INV] = VHCA_WC_SEND,
	[VHCA_WR_LOCAL_INV] = VHCA_WC_LOCAL_INV,
	[VHCA_WR_FAST_REG] = VHCA_WC_REG_MR,
	[VHCA_WR_BAD] = VHCA_WC_SEND,
};

/* Memory registration work requests: they need no peer. */
static int vhca_execute_local(struct vhca_qp *qp, const struct vhca_send_wr *wr)
{
	if (wr->opcode == VHCA_WR_FAST_REG)
		return vhca_mr_fast_reg(qp->obj.fn, qp->pd, &wr->fr);
	if (vhca_mr_invalidate(qp->obj.fn, qp->pd, wr->imm))
		return VHCA_WC_LOC_PROT_ERR;
	return VHCA_WC_SUCCESS;
}

/* Run one entry; returns a completion status or VHCA_EXEC_RNR. */
static int vhca_execute(struct vhca_qp *qp, const struct vhca_send_wr *wr)
{
	bool datagram = qp->type != VHCA_QPT_RC;
	struct vhca_qp *peer;
	int ret;

	if (wr->opcode == VHCA_WR_FAST_REG || wr->opcode == VHCA_WR_LOCAL_INV)
		return vhca_execute_local(qp, wr);
	if (wr->opcode >= VHCA_WR_BAD ||
	    (datagram && wr->opcode != VHCA_WR_SEND &&
	     wr->opcode != VHCA_WR_SEND_WITH_IMM))
		return VHCA_WC_LOC_QP_OP_ERR;
	peer = vhca_peer_qp(qp, wr);
	if (!peer)	/* no such peer: unreliable sends just vanish */
		return datagram ? VHCA_WC_SUCCESS : VHCA_WC_RETRY_EXC_ERR;
	if (!READ_ONCE(peer->heard))	/* see vhca_qp_doorbell() */
		WRITE_ONCE(peer->heard, true);
	switch (wr->opcode) {
	case VHCA_WR_SEND:
	case VHCA_WR_SEND_WITH_IMM:
	case VHCA_WR_SEND_WITH_INV:
		ret = vhca_exec_send(qp, peer, wr);
		break;
	case VHCA_WR_RDMA_WRITE:
	case VHCA_WR_RDMA_WRITE_WITH_IMM:
	case VHCA_WR_RDMA_READ:
		ret = vhca_exec_rdma(qp, peer, wr,
				     wr->opcode == VHCA_WR_RDMA_READ);
		break;
	default:
		ret = vhca_exec_atomic(qp, peer, wr);
	}
	vhca_obj_put(&peer->obj);
	return ret;
}

/* Complete the head entry with @status and consume it. */
static void vhca_sq_retire(struct vhca_qp *qp, const struct vhca_send_wr *wr,
			   u32 status)
{
	struct vhca_wc wc = {
		.wr_id = wr->wr_id,
		.qp = qp->obj.handle,
		.status = status,
	};

	wc.opcode = vhca_wc_opcode_of[min_t(u32, wr->opcode, VHCA_WR_BAD)];
	qp->obj.fn->ops->sq_consume(qp);
	qp->rnr_tries = 0;
	if (status || qp->sq_sig_all || (wr->flags & VHCA_SEND_SIGNALED))
		vhca_complete(qp->send_cq, &wc);
	if (status && status != VHCA_WC_WR_FLUSH_ERR)
		vhca_qp_to_error(qp);
}

/* Payload bytes an executed entry moved, for QoS accounting. */
static u64 vhca_wr_bytes(const struct vhca_send_wr *wr)
{
	u64 bytes = 0;
	u32 i;

	if (wr->opcode >= VHCA_WR_LOCAL_INV)
		return 0;
	for (i = 0; i < wr->num_sge; i++)
		bytes += wr->sge[i].length;
	return bytes;
}

/*
 * In the error state a QP's receive entries complete as flushed (IBA
 * 10.7.3.1), those posted before and after; software such as rdma_cm's
 * users waits for them before it tears a connection down. Entries of an SRQ
 * belong to the SRQ and stay. True when more may remain.
 */
static bool vhca_rq_flush(struct vhca_qp *qp)
{
	struct vhca_function *fn = qp->obj.fn;
	struct vhca_wc wc = {
		.qp = qp->obj.handle,
		.opcode = VHCA_WC_RECV,
		.status = VHCA_WC_WR_FLUSH_ERR,
	};
	struct vhca_recv_wr rwr;
	unsigned int n;

	if (qp->srq)
		return false;
	for (n = 0; n < VHCA_SQ_BUDGET; n++) {
		if (READ_ONCE(qp->stopped) || fn->ops->rq_pop(qp, &rwr))
			return false;	/* empty, or a bad entry: nothing more */
		wc.wr_id = rwr.wr_id;
		vhca_complete(qp->recv_cq, &wc);
		vhca_qos_charge(fn, 0);
	}
	return true;
}

/*
 * Returns the delay before the next turn, or -1 for none. The caller holds
 * the QP's turn_lock.
 */
static long vhca_sq_turn(struct vhca_qp *qp,
			 const struct vhca_turn_budget *budget)
{
	struct vhca_function *fn = qp->obj.fn;
	struct vhca_send_wr *wr = &qp->turn_wr;
	unsigned int n;
	bool share;
	long delay = 0;
	u64 bytes = 0;
	int ret;
	u32 state;

	if (READ_ONCE(qp->stopped))
		return -1;	/* its function may be going away */
	/* The function's weight and rate limit decide whether it runs now. */
	delay = vhca_qos_admit(fn, &share);
	if (delay) {
		vhca_qos_backlog(qp, share);
		return READ_ONCE(qp->stopped) ? -1 : delay;
	}
	for (n = 0; n < budget->entries && bytes < budget->bytes; n++) {
		delay = -1;
		if (READ_ONCE(qp->stopped))
			break;
		state = READ_ONCE(qp->attr.state);
		if (state != VHCA_QPS_RTS && state != VHCA_QPS_ERR)
			break;	/* a modify to RTS kicks again */
		ret = fn->ops->sq_peek(qp, wr);
		if (ret == -ENOENT)
			break;
		if (ret) {
			vhca_qp_to_error(qp);
			fn->ops->event(fn, VHCA_EVENT_QP_FATAL, qp->obj.handle);
			break;
		}
		delay = 0;
		if (vhca_wr_bytes(wr) > budget->entry_max)
			break;	/* for the worker */
		if (state == VHCA_QPS_ERR) {
			vhca_sq_retire(qp, wr, VHCA_WC_WR_FLUSH_ERR);
			vhca_qos_charge(fn, 0);
			continue;
		}
		ret = vhca_execute(qp, wr);
		if (ret == VHCA_EXEC_RNR) {
			if (qp->attr.rnr_retry == VHCA_RNR_INFINITE ||
			    qp->rnr_tries++ < qp->attr.rnr_retry) {
				delay = usecs_to_jiffies(vhca_rnr_timer_us(qp->rnr_timer));
				break;
			}
			ret = VHCA_WC_RNR_RETRY_EXC_ERR;
		}
		vhca_sq_retire(qp, wr, ret);
		if (ret != VHCA_WC_SUCCESS) {
			vhca_qos_charge(fn, 0);
			continue;
		}
		bytes += vhca_wr_bytes(wr);
		delay = vhca_qos_charge(fn, vhca_wr_bytes(wr));
		if (delay)
			break;	/* over the rate limit */
	}
	if (READ_ONCE(qp->attr.state) == VHCA_QPS_ERR && delay < 0 &&
	    vhca_rq_flush(qp))
		delay = 0;
	/* Only a used-up budget leaves work that just needs the engine. */
	vhca_qos_backlog(qp, !delay);
	return delay;	/* 0: budget used up, let others run, then continue */
}

static void vhca_qp_send_work(struct work_struct *work)
{
	struct vhca_qp *qp = container_of(to_delayed_work(work),
					  struct vhca_qp, send_work);
	long delay;
	int idx;

	idx = srcu_read_lock(&vhca_dp_srcu);
	mutex_lock(&qp->turn_lock);	/* a doorbell turn may be running */
	delay = vhca_sq_turn(qp, &vhca_worker_budget);
	mutex_unlock(&qp->turn_lock);
	srcu_read_unlock(&vhca_dp_srcu, idx);
	if (delay >= 0 && !READ_ONCE(qp->stopped) &&
	    queue_delayed_work(vhca_wq, &qp->send_work, delay))
		return;	/* the queued turn inherits our reference */
	vhca_obj_put(&qp->obj);
}

/**
 * vhca_qp_doorbell() - the QP's owner rang its send doorbell
 * @qp: the QP
 *
 * A QP in a request-response exchange (something of its peer reached it
 * since its last doorbell) runs its first few small entries right here,
 * in the ringing thread: no worker wake-up and no context switch per hop.
 * A QP that only streams sends is faster on the worker, which copies while
 * the guest goes on posting; so is whatever remains after the doorbell's
 * budget (large entries, an RNR or rate-limit wait), and everything while
 * a turn is already queued or running.
 *
 * Context: process, may sleep; the thread of the owner's doorbell, never
 * a data-path callback (a turn kicks peers with vhca_qp_kick()).
 */
void vhca_qp_doorbell(struct vhca_qp *qp)
{
	long delay;
	int idx;

	smp_mb();	/* the caller's ring update before the test */
	if (delayed_work_pending(&qp->send_work) || READ_ONCE(qp->stopped))
		return;
	if (!READ_ONCE(qp->heard)) {
		vhca_qp_queue(qp, 0);
		return;
	}
	WRITE_ONCE(qp->heard, false);
	/*
	 * Queued inside the read section: a destroy that stops the QP
	 * meanwhile cancels it again after waiting for the data path.
	 */
	idx = srcu_read_lock(&vhca_dp_srcu);
	if (mutex_trylock(&qp->turn_lock)) {
		delay = vhca_sq_turn(qp, &vhca_doorbell_budget);
		if (delay >= 0)
			vhca_qp_queue(qp, delay);
		mutex_unlock(&qp->turn_lock);
	} else {
		vhca_qp_queue(qp, 0);	/* runs after the current turn */
	}
	srcu_read_unlock(&vhca_dp_srcu, idx);
}
EXPORT_SYMBOL_GPL(vhca_qp_doorbell);

/**
 * vhca_qp_work_init() - prepare a new QP's send work
 * @qp: the QP
 */
void vhca_qp_work_init(struct vhca_qp *qp)
{
	INIT_DELAYED_WORK(&qp->send_work, vhca_qp_send_work);
	mutex_init(&qp->turn_lock);
}

/**
 * vhca_engine_init() - create the workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int vhca_engine_init(void)
{
	vhca_wq = alloc_workqueue("vhca", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return vhca_wq ? 0 : -ENOMEM;
}

/**
 * vhca_engine_exit() - destroy the workqueue (every QP is gone by now)
 */
void vhca_engine_exit(void)
{
	destroy_workqueue(vhca_wq);
}
