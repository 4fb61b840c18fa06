// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PVRDMA side of the data path: doorbells (BAR2), and the callbacks the
 * core engine uses to read send and receive rings, write CQEs and reach
 * guest memory for DMA MRs. Ring indices are re-read from guest memory and
 * validated every time; the device's own positions are kept privately, so
 * a guest scribbling on its rings can only break its own queues.
 */
#include <linux/nospec.h>

#include "vhca_mdev.h"
#include "vhca_mdev_cmd.h"
#include "pvrdma_wqe.h"

static struct vhca_mdev *fn_to_vm(struct vhca_function *fn)
{
	return fn->priv;
}

/* The guest's producer index of @wq, or -EIO if it is not a sane one. */
static int vhca_mdev_wq_tail(struct vhca_mdev_pages *pages,
			     const struct vhca_mdev_wq *wq, u32 *tail)
{
	__le32 raw;

	if (vhca_mdev_pages_rw(pages, wq->state, &raw, sizeof(raw), false))
		return -EIO;
	*tail = le32_to_cpu(raw);
	if (!pvrdma_idx_valid(&wq->geom, *tail) ||
	    pvrdma_ring_used(&wq->geom, *tail, wq->head) > wq->geom.slots)
		return -EIO;	/* CVE-2018-20216: never trust the index */
	return 0;
}

/*
 * Copy the first @len bytes of the element at the device's head; -ENOENT
 * when the ring is empty. @tail is set to the guest's producer index.
 */
static int vhca_mdev_wq_peek(struct vhca_mdev_pages *pages,
			     const struct vhca_mdev_wq *wq, void *elem, u32 len,
			     u32 *tailp)
{
	u32 tail, slot;
	int ret;

	ret = vhca_mdev_wq_tail(pages, wq, &tail);
	if (ret)
		return ret;
	*tailp = tail;
	if (tail == wq->head)
		return -ENOENT;
	slot = pvrdma_idx_slot(&wq->geom, wq->head);
	return vhca_mdev_pages_rw(pages, wq->base + (u64)slot * wq->stride,
				  elem, min(len, wq->stride), false) ? -EIO : 0;
}

static void vhca_mdev_wq_consume(struct vhca_mdev_pages *pages,
				 struct vhca_mdev_wq *wq)
{
	__le32 head;

	wq->head = pvrdma_idx_inc(&wq->geom, wq->head);
	head = cpu_to_le32(wq->head);
	vhca_mdev_pages_rw(pages, wq->state + 4, &head, sizeof(head), true);
}

static int vhca_mdev_sq_peek(struct vhca_qp *qp, struct vhca_send_wr *wr)
{
	struct vhca_mdev_qp *q = container_of(qp, struct vhca_mdev_qp, qp);
	u8 wqe[PVRDMA_SQ_WQE_MAX];
	u32 tail;
	struct pvrdma_sq_ctx ctx = {
		.wqe_size = min_t(u32, q->sq.stride, sizeof(wqe)),
		.max_sge = qp->caps.max_send_sge,
		.kernel = q->kernel,
		.qkey = READ_ONCE(qp->attr.qkey),
	};
	int ret;

	if (READ_ONCE(q->mem.revoked))
		return -EIO;
	ret = vhca_mdev_wq_peek(q->mem.pages, &q->sq, wqe, sizeof(wqe), &tail);
	if (!ret)
		pvrdma_send_wqe_decode(wqe, &ctx, wr);
	return ret;
}

static void vhca_mdev_sq_consume(struct vhca_qp *qp)
{
	struct vhca_mdev_qp *q = container_of(qp, struct vhca_mdev_qp, qp);

	vhca_mdev_wq_consume(q->mem.pages, &q->sq);
}

/*
 * Take one receive WQE from @wq under @lock; @left is set to the number of
 * WQEs still posted after it.
 */
static int vhca_mdev_wq_pop(struct vhca_mdev_mem *mem, struct vhca_mdev_wq *wq,
			    spinlock_t *lock, u32 max_sge,
			    struct vhca_recv_wr *wr, u32 *left)
{
	/* Entries beyond 16 SGEs are never read: decoding refuses them. */
	u8 wqe[PVRDMA_RQ_HDR_SIZE + 16 * VHCA_MAX_SGE];
	u32 tail;
	int ret;

	if (READ_ONCE(mem->revoked))
		return -EIO;
	lockdep_assert_held(lock);
	ret = vhca_mdev_wq_peek(mem->pages, wq, wqe, sizeof(wqe), &tail);
	if (!ret) {
		pvrdma_recv_wqe_decode(wqe, min_t(u32, wq->stride, sizeof(wqe)),
				       max_sge, wr);
		vhca_mdev_wq_consume(mem->pages, wq);
		*left = pvrdma_ring_used(&wq->geom, tail, wq->head);
	}
	return ret;
}

/*
 * A receive from an SRQ. IBA 10.2.9.4: when an armed SRQ's posted WQEs
 * drop below its limit, one SRQ_LIMIT_REACHED event, and the limit is
 * disarmed until MODIFY_SRQ sets it again.
 */
static int vhca_mdev_srq_pop(struct vhca_mdev_srq *s, struct vhca_recv_wr *wr)
{
	bool reached = false;
	u32 left;
	int ret;

	spin_lock(&s->lock);
	ret = vhca_mdev_wq_pop(&s->mem, &s->wq, &s->lock, s->srq.max_sge, wr,
			       &left);
	if (!ret && s->srq.limit && left < s->srq.limit) {
		s->srq.limit = 0;
		reached = true;
	}
	spin_unlock(&s->lock);
	if (reached)
		vhca_mdev_async_event(s->mem.vm, PVRDMA_EVENT_SRQ_LIMIT_REACHED,
				      s->srq.obj.handle);
	return ret;
}

static int vhca_mdev_rq_pop(struct vhca_qp *qp, struct vhca_recv_wr *wr)
{
	struct vhca_mdev_qp *q = container_of(qp, struct vhca_mdev_qp, qp);
	u32 left;
	int ret;

	if (qp->srq)
		return vhca_mdev_srq_pop(container_of(qp->srq,
						      struct vhca_mdev_srq, srq),
					 wr);
	spin_lock(&q->rq_lock);
	ret = vhca_mdev_wq_pop(&q->mem, &q->rq, &q->rq_lock,
			       qp->caps.max_recv_sge, wr, &left);
	spin_unlock(&q->rq_lock);
	return ret;
}

static bool vhca_mdev_cq_push(struct vhca_cq *cq, const struct vhca_wc *wc)
{
	struct vhca_mdev_cq *c = container_of(cq, struct vhca_mdev_cq, cq);
	struct vhca_mdev *vm = c->mem.vm;
	u8 cqe[PVRDMA_CQE_BYTES];
	struct pvrdma_ring state;
	bool ok = false, notify = false;
	u32 head, slot;

	if (READ_ONCE(c->mem.revoked))
		return false;
	pvrdma_cqe_encode(wc, !cq->uctx, wc->network_hdr_type, cqe);
	spin_lock(&c->lock);
	if (vhca_mdev_pages_rw(c->mem.pages, PVRDMA_RING_STATE_RX, &state,
			       sizeof(state), false))
		goto out;
	head = le32_to_cpu(state.cons_head);
	/* A full CQ is an overrun: never overwrite an unread entry. */
	if (!pvrdma_idx_valid(&c->geom, head) ||
	    pvrdma_ring_used(&c->geom, c->tail, head) >= c->geom.slots)
		goto out;
	slot = pvrdma_idx_slot(&c->geom, c->tail);
	if (vhca_mdev_pages_rw(c->mem.pages, PAGE_SIZE + (u64)slot * sizeof(cqe),
			       cqe, sizeof(cqe), true))
		goto out;
	smp_wmb();	/* the CQE before the index that publishes it */
	c->tail = pvrdma_idx_inc(&c->geom, c->tail);
	state.prod_tail = cpu_to_le32(c->tail);
	vhca_mdev_pages_rw(c->mem.pages, PVRDMA_RING_STATE_RX, &state.prod_tail,
			   sizeof(state.prod_tail), true);
	ok = true;
	if (c->armed || (c->armed_sol && (wc->solicited || wc->status))) {
		c->armed = false;
		c->armed_sol = false;
		notify = true;
	}
out:
	spin_unlock(&c->lock);
	if (notify)
		vhca_mdev_cq_notify(vm, cq->obj.handle);
	return ok;
}

static struct page *vhca_mdev_dma_page_get(struct vhca_function *fn, u64 gpa)
{
	struct vhca_mdev *vm = fn_to_vm(fn);
	struct page *page;

	if (vhca_mdev_fenced(vm, gpa, PAGE_SIZE) ||
	    vfio_pin_pages(&vm->vdev, gpa, 1, IOMMU_READ | IOMMU_WRITE,
			   &page) != 1)
		return NULL;
	return page;
}

static void vhca_mdev_dma_page_put(struct vhca_function *fn, u64 gpa)
{
	vfio_unpin_pages(&fn_to_vm(fn)->vdev, gpa, 1);
}

static void vhca_mdev_fn_event(struct vhca_function *fn, u32 type, u32 handle)
{
	vhca_mdev_async_event(fn_to_vm(fn), type, handle);
}

/* A fast-register page list is a page directory (spec section 13). */
static int vhca_mdev_page_list_read(struct vhca_function *fn, u64 list,
				    u32 n, u64 *addrs)
{
	return vhca_mdev_pdir_addrs(fn_to_vm(fn), list, n, addrs);
}

const struct vhca_function_ops vhca_mdev_function_ops = {
	.sq_peek = vhca_mdev_sq_peek,
	.sq_consume = vhca_mdev_sq_consume,
	.rq_pop = vhca_mdev_rq_pop,
	.cq_push = vhca_mdev_cq_push,
	.dma_page_get = vhca_mdev_dma_page_get,
	.dma_page_put = vhca_mdev_dma_page_put,
	.event = vhca_mdev_fn_event,
	.page_list_read = vhca_mdev_page_list_read,
};

static void vhca_mdev_qp_doorbell(struct vhca_mdev *vm, u32 page, u32 val)
{
	struct vhca_obj *obj;
	struct vhca_mdev_qp *q;

	obj = vhca_obj_lookup(vm->fn, VHCA_OBJ_QP, val & PVRDMA_UAR_HANDLE_MASK);
	if (!obj)
		return;
	q = container_of(obj, struct vhca_mdev_qp, qp.obj);
	/*
	 * Only the doorbell page of the QP's owner rings it. Receives are
	 * read when a message arrives, except in the error state, where the
	 * QP's turn flushes them.
	 */
	if (q->uar_page == page && (val & PVRDMA_UAR_QP_SEND))
		vhca_qp_doorbell(&q->qp);
	else if (q->uar_page == page &&
		 READ_ONCE(q->qp.attr.state) == VHCA_QPS_ERR)
		vhca_qp_kick(&q->qp);
	vhca_obj_put(obj);
}

static void vhca_mdev_cq_doorbell(struct vhca_mdev *vm, u32 page, u32 val)
{
	struct vhca_obj *obj;
	struct vhca_mdev_cq *c;

	obj = vhca_obj_lookup(vm->fn, VHCA_OBJ_CQ, val & PVRDMA_UAR_HANDLE_MASK);
	if (!obj)
		return;
	c = container_of(obj, struct vhca_mdev_cq, cq.obj);
	if (c->uar_page == page) {
		spin_lock(&c->lock);
		if (val & PVRDMA_UAR_CQ_ARM)
			c->armed = true;
		else if (val & PVRDMA_UAR_CQ_ARM_SOL)
			c->armed_sol = true;
		spin_unlock(&c->lock);
	}
	/* POLL needs nothing: completions are written as work executes. */
	vhca_obj_put(obj);
}

/**
 * vhca_mdev_doorbell() - a 32-bit write to the UAR BAR
 * @vm:  the instance
 * @pos: offset in BAR2
 * @val: value written
 *
 * Only aligned writes at offsets 0 (QP), 4 (CQ) and 8 (SRQ) of a page act;
 * a doorbell names an object by handle and must come from the page of the
 * object's owner. Receive and SRQ doorbells need no action (receive queues
 * are read when a message arrives) unless the QP is in the error state.
 *
 * Context: caller holds &vhca_mdev.lock; a send doorbell may run a few
 * small entries here (vhca_qp_doorbell()), the rest is queued.
 */
void vhca_mdev_doorbell(struct vhca_mdev *vm, u64 pos, u32 val)
{
	u32 page = pos / PVRDMA_UAR_PAGE_SIZE;

	if (READ_ONCE(vm->state) != VHCA_MDEV_ACTIVE)
		return;
	switch (pos % PVRDMA_UAR_PAGE_SIZE) {
	case PVRDMA_UAR_QP_OFFSET:
		vhca_mdev_qp_doorbell(vm, page, val);
		break;
	case PVRDMA_UAR_CQ_OFFSET:
		vhca_mdev_cq_doorbell(vm, page, val);
		break;
	}
}
