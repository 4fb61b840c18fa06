// SPDX-License-Identifier: GPL-2.0-only
/*
 * Commands that create memory and queue objects: MRs, CQs, QPs and SRQs,
 * plus QP/SRQ modify and query. Each handler decodes its request copy,
 * validates every field against the capabilities and the object's pages
 * (pvrdma_queue.c), pins those pages, and only then creates the core
 * object. If the VMM later unmaps the pages, the object is revoked: MRs
 * stop matching, queues go to the error state with an async event.
 */
#include <linux/nospec.h>
#include <linux/slab.h>

#include "vhca_mdev.h"
#include "vhca_mdev_cmd.h"
#include "pvrdma_queue.h"

#define PVRDMA_MR_FLAG_DMA	BIT(0)
#define PVRDMA_MR_FLAG_FRMR	BIT(1)
#define PVRDMA_SRQ_ATTR_MAX_WR	BIT(0)
#define PVRDMA_SRQ_ATTR_LIMIT	BIT(1)

static void vhca_mdev_mem_release(struct vhca_mdev_mem *mem)
{
	if (mem->pages)
		vhca_mdev_pages_release(mem->vm, mem->pages);
}

static int vhca_mdev_mem_pin(struct vhca_mdev *vm, struct vhca_mdev_mem *mem,
			     u64 pdir, u32 npages, void (*revoke)(void *),
			     void *owner)
{
	struct vhca_mdev_pages *pages;

	mem->vm = vm;
	pages = vhca_mdev_pdir_pin(vm, pdir, npages, revoke, owner);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	mem->pages = pages;
	return 0;
}

/* ---- memory regions ---- */

static void vhca_mdev_mr_revoke(void *owner)
{
	struct vhca_mdev_mr *m = owner;

	m->mem.revoked = true;
	WRITE_ONCE(m->mr.invalid, true);
}

static void vhca_mdev_mr_release(struct vhca_obj *obj)
{
	struct vhca_mdev_mr *m = container_of(obj, struct vhca_mdev_mr, mr.obj);

	vhca_mdev_mem_release(&m->mem);
	kfree(m->mr.pl);
	kfree(m);
}

static int vhca_mdev_mr_setup(struct vhca_mdev *vm, struct vhca_mdev_mr *m,
			      const struct pvrdma_req_create_mr *r)
{
	u32 flags = le32_to_cpu(r->flags);
	u32 nchunks = le32_to_cpu(r->nchunks);
	u64 start = le64_to_cpu(r->start);
	u64 length = le64_to_cpu(r->length);
	int ret;

	m->mem.vm = vm;
	/*
	 * The IB core passes optional access bits (relaxed ordering, bit 20
	 * up) straight through; like hardware without them, ignore them.
	 */
	m->mr.access = le32_to_cpu(r->access_flags) & VHCA_ACCESS_ALL;
	switch (flags) {
	case PVRDMA_MR_FLAG_DMA:
		m->mr.type = VHCA_MR_DMA;
		return 0;
	case PVRDMA_MR_FLAG_FRMR:
		if (!nchunks || nchunks > PVRDMA_CAP_FAST_REG_PAGES)
			return -EINVAL;
		m->mr.type = VHCA_MR_FRMR;
		m->mr.max_pages = nchunks;
		/* The page list's addresses, filled by each registration. */
		m->mr.pl = kcalloc(nchunks, sizeof(*m->mr.pl), GFP_KERNEL);
		return m->mr.pl ? 0 : -ENOMEM;
	case 0:
		if (pvrdma_mr_span_check(start, length, nchunks,
					 PVRDMA_CAP_MAX_MR_SIZE))
			return -EINVAL;
		m->mr.type = VHCA_MR_USER;
		m->mr.iova = start;
		m->mr.length = length;
		ret = vhca_mdev_mem_pin(vm, &m->mem, le64_to_cpu(r->pdir_dma),
					nchunks, vhca_mdev_mr_revoke, m);
		if (ret)
			return ret;
		m->mr.pages = m->mem.pages->pages;
		m->mr.npages = nchunks;
		return 0;
	}
	return -EINVAL;
}

/**
 * vhca_mdev_cmd_create_mr() - CREATE_MR: user, DMA or fast-register MR
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0 or a negative errno.
 */
int vhca_mdev_cmd_create_mr(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_create_mr *r = req;
	struct vhca_mdev_mr *m;
	__le32 *out = resp;
	int ret;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	ret = vhca_mdev_mr_setup(vm, m, r);
	if (!ret)
		ret = vhca_mr_create(vm->fn, &m->mr, le32_to_cpu(r->pd_handle),
				     vhca_mdev_mr_release);
	if (ret) {
		vhca_mdev_mem_release(&m->mem);
		kfree(m->mr.pl);
		kfree(m);
		return ret;
	}
	out[0] = cpu_to_le32(m->mr.obj.handle);
	out[1] = cpu_to_le32(m->mr.key);	/* lkey */
	out[2] = cpu_to_le32(m->mr.key);	/* rkey */
	return 0;
}

/* ---- completion queues ---- */

static void vhca_mdev_cq_revoke(void *owner)
{
	struct vhca_mdev_cq *c = owner;

	c->mem.revoked = true;
	vhca_mdev_async_event(c->mem.vm, PVRDMA_EVENT_CQ_ERR, c->cq.obj.handle);
}

static void vhca_mdev_cq_release(struct vhca_obj *obj)
{
	struct vhca_mdev_cq *c = container_of(obj, struct vhca_mdev_cq, cq.obj);

	vhca_mdev_mem_release(&c->mem);
	kfree(c);
}

/* Objects of a user context depend on it, so it outlives them. */
static int vhca_mdev_depend_uctx(struct vhca_mdev *vm, struct vhca_obj *obj,
				 u32 uctx)
{
	struct vhca_obj *owner;

	if (!uctx)
		return 0;
	owner = vhca_obj_lookup(vm->fn, VHCA_OBJ_UCTX, uctx);
	if (!owner)
		return -ENOENT;
	vhca_obj_depend(obj, owner);
	return 0;
}

/**
 * vhca_mdev_cmd_create_cq() - CREATE_CQ
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0 or a negative errno.
 */
int vhca_mdev_cmd_create_cq(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_create_cq *r = req;
	u32 cqe = le32_to_cpu(r->cqe), nchunks = le32_to_cpu(r->nchunks);
	struct vhca_mdev_cq *c;
	__le32 *out = resp;
	int ret;

	if (pvrdma_cq_layout_check(cqe, nchunks, PVRDMA_CAP_MAX_CQE))
		return -EINVAL;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->cq.cqe = cqe;
	c->cq.uctx = le32_to_cpu(r->ctx_handle);
	spin_lock_init(&c->lock);
	pvrdma_ring_geom_init(&c->geom, cqe);
	ret = vhca_mdev_uar_page_of(vm, c->cq.uctx, &c->uar_page);
	if (!ret)
		ret = vhca_mdev_mem_pin(vm, &c->mem, le64_to_cpu(r->pdir_dma),
					nchunks, vhca_mdev_cq_revoke, c);
	if (!ret)
		ret = vhca_mdev_depend_uctx(vm, &c->cq.obj, c->cq.uctx);
	if (!ret)
		ret = vhca_cq_create(vm->fn, &c->cq, vhca_mdev_cq_release);
	if (ret) {
		vhca_obj_abandon(&c->cq.obj);
		vhca_mdev_mem_release(&c->mem);
		kfree(c);
		return ret;
	}
	out[0] = cpu_to_le32(c->cq.obj.handle);
	out[1] = cpu_to_le32(cqe);	/* the guest sizes its ring by this */
	return 0;
}

/* ---- queue pairs ---- */

static void vhca_mdev_qp_revoke(void *owner)
{
	struct vhca_mdev_qp *q = owner;

	q->mem.revoked = true;
	vhca_qp_stop(&q->qp);
	WRITE_ONCE(q->qp.attr.state, VHCA_QPS_ERR);
	vhca_mdev_async_event(q->mem.vm, PVRDMA_EVENT_QP_FATAL,
			      q->qp.obj.handle);
}

static void vhca_mdev_qp_release(struct vhca_obj *obj)
{
	struct vhca_mdev_qp *q = container_of(obj, struct vhca_mdev_qp, qp.obj);

	vhca_mdev_mem_release(&q->mem);
	kfree(q);
}

/* The GSI QP belongs to the guest kernel: refuse it on a user PD. */
static int vhca_mdev_qp_type_check(struct vhca_mdev *vm, u32 type, u32 pd)
{
	struct vhca_obj *obj;
	bool user;

	if (type != VHCA_QPT_GSI)
		return vhca_qp_type_valid(type) ? 0 : -EINVAL;
	obj = vhca_obj_lookup(vm->fn, VHCA_OBJ_PD, pd);
	if (!obj)
		return -ENOENT;
	user = container_of(obj, struct vhca_pd, obj)->uctx;
	vhca_obj_put(obj);
	return user ? -EINVAL : 0;
}

static void vhca_mdev_qp_decode(const struct pvrdma_req_create_qp *r,
				struct pvrdma_qp_layout *l,
				struct vhca_qp_init *init)
{
	l->max_send_wr = le32_to_cpu(r->max_send_wr);
	l->max_recv_wr = le32_to_cpu(r->max_recv_wr);
	l->max_send_sge = le32_to_cpu(r->max_send_sge);
	l->max_recv_sge = le32_to_cpu(r->max_recv_sge);
	l->total_chunks = le16_to_cpu(r->total_chunks);
	l->send_chunks = le16_to_cpu(r->send_chunks);
	l->is_srq = r->is_srq;
	init->type = r->qp_type;
	init->pd = le32_to_cpu(r->pd_handle);
	init->send_cq = le32_to_cpu(r->send_cq_handle);
	init->recv_cq = le32_to_cpu(r->recv_cq_handle);
	init->srq = r->is_srq ? le32_to_cpu(r->srq_handle) : 0;
	init->caps.max_send_wr = l->max_send_wr;
	init->caps.max_recv_wr = l->max_recv_wr;
	init->caps.max_send_sge = l->max_send_sge;
	init->caps.max_recv_sge = l->max_recv_sge;
	init->sq_sig_all = r->sq_sig_all;
}

/* Where the send and receive rings are in the QP's pages (spec 9, 12.1). */
static void vhca_mdev_qp_rings_init(struct vhca_mdev_qp *q,
				    const struct pvrdma_qp_layout *l)
{
	q->send_chunks = l->send_chunks;
	spin_lock_init(&q->rq_lock);
	pvrdma_ring_geom_init(&q->sq.geom, l->max_send_wr);
	q->sq.state = PVRDMA_RING_STATE_TX;
	q->sq.base = PAGE_SIZE;
	q->sq.stride = pvrdma_wqe_size(PVRDMA_SQ_WQE_HDR, l->max_send_sge);
	if (l->is_srq)
		return;
	pvrdma_ring_geom_init(&q->rq.geom, l->max_recv_wr);
	q->rq.state = PVRDMA_RING_STATE_RX;
	q->rq.base = (u64)(l->send_chunks + 1) * PAGE_SIZE;
	q->rq.stride = pvrdma_wqe_size(PVRDMA_RQ_WQE_HDR, l->max_recv_sge);
}

/**
 * vhca_mdev_cmd_create_qp() - CREATE_QP (version 20 response with handle)
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0 or a negative errno.
 */
int vhca_mdev_cmd_create_qp(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_create_qp *r = req;
	struct pvrdma_qp_layout l;
	struct vhca_qp_init init;
	struct vhca_mdev_qp *q;
	__le32 *out = resp;
	int ret;

	vhca_mdev_qp_decode(r, &l, &init);
	if (r->is_srq > 1 ||
	    pvrdma_qp_layout_check(&l, PVRDMA_CAP_MAX_QP_WR, PVRDMA_CAP_MAX_SGE))
		return -EINVAL;
	ret = vhca_mdev_qp_type_check(vm, init.type, init.pd);
	if (ret)
		return ret;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	vhca_mdev_qp_rings_init(q, &l);
	ret = vhca_mdev_mem_pin(vm, &q->mem, le64_to_cpu(r->pdir_dma),
				l.total_chunks, vhca_mdev_qp_revoke, q);
	if (!ret)
		ret = vhca_qp_create(vm->fn, &q->qp, &init, vhca_mdev_qp_release);
	if (ret) {
		vhca_mdev_mem_release(&q->mem);
		kfree(q);
		return ret;
	}
	q->kernel = !q->qp.pd->uctx;
	vhca_mdev_uar_page_of(vm, q->qp.pd->uctx, &q->uar_page);
	out[0] = cpu_to_le32(q->qp.obj.handle);	/* qpn */
	out[1] = cpu_to_le32(q->qp.obj.handle);	/* qp_handle */
	out[2] = cpu_to_le32(l.max_send_wr);
	out[3] = cpu_to_le32(l.max_recv_wr);
	out[4] = cpu_to_le32(l.max_send_sge);
	out[5] = cpu_to_le32(l.max_recv_sge);
	return 0;
}

static struct vhca_mdev_qp *vhca_mdev_qp_lookup(struct vhca_mdev *vm,
						u32 handle)
{
	struct vhca_obj *obj = vhca_obj_lookup(vm->fn, VHCA_OBJ_QP, handle);

	return obj ? container_of(obj, struct vhca_mdev_qp, qp.obj) : NULL;
}

static int vhca_mdev_qp_attr_decode(struct vhca_mdev *vm,
				    const struct pvrdma_qp_attr *p, u32 mask,
				    struct vhca_qp_attr *a)
{
	const struct pvrdma_ah_attr *ah = &p->ah_attr;

	a->state = le32_to_cpu(p->qp_state);
	a->path_mtu = le32_to_cpu(p->path_mtu);
	a->qkey = le32_to_cpu(p->qkey);
	a->rq_psn = le32_to_cpu(p->rq_psn);
	a->sq_psn = le32_to_cpu(p->sq_psn);
	a->dest_qpn = le32_to_cpu(p->dest_qp_num);
	a->access = le32_to_cpu(p->qp_access_flags);
	a->pkey_index = le16_to_cpu(p->pkey_index);
	a->port = p->port_num;
	a->max_rd_atomic = p->max_rd_atomic;
	a->max_dest_rd_atomic = p->max_dest_rd_atomic;
	a->min_rnr_timer = p->min_rnr_timer;
	a->timeout = p->timeout;
	a->retry_cnt = p->retry_cnt;
	a->rnr_retry = p->rnr_retry;
	memcpy(a->av.dgid, ah->dgid, sizeof(a->av.dgid));
	a->av.flow_label = le32_to_cpu(ah->flow_label);
	a->av.sgid_index = ah->sgid_index;
	a->av.hop_limit = ah->hop_limit;
	a->av.traffic_class = ah->traffic_class;
	memcpy(a->av.dmac, ah->dmac, sizeof(a->av.dmac));
	if (!(mask & VHCA_QP_AV))
		return 0;
	/* The path's source GID must be one the guest installed. */
	if (ah->port_num != 1 || ah->sgid_index >= VHCA_MDEV_GIDS ||
	    !vm->gids[array_index_nospec(ah->sgid_index, VHCA_MDEV_GIDS)].valid)
		return -EINVAL;
	return 0;
}

/*
 * Spec 12.2: after a successful move to RESET both guest stacks zero the
 * rings' prod_tail and cons_head and start over, so the device does too,
 * once no send turn is working on the queue any more.
 */
static void vhca_mdev_qp_rings_rewind(struct vhca_mdev_qp *q)
{
	vhca_qp_sync(&q->qp);
	q->sq.head = 0;
	spin_lock(&q->rq_lock);
	q->rq.head = 0;
	spin_unlock(&q->rq_lock);
}

/**
 * vhca_mdev_cmd_modify_qp() - MODIFY_QP
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload (only the header's err matters)
 *
 * Return: 0 or a negative errno; the QP is unchanged on error.
 */
int vhca_mdev_cmd_modify_qp(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_modify_qp *r = req;
	u32 mask = le32_to_cpu(r->attr_mask);
	struct vhca_mdev_qp *q;
	struct vhca_qp_attr a = { };
	int ret;

	if (mask & ~VHCA_QP_ATTR_ALL)
		return -EINVAL;
	q = vhca_mdev_qp_lookup(vm, le32_to_cpu(r->qp_handle));
	if (!q)
		return -ENOENT;
	ret = vhca_mdev_qp_attr_decode(vm, &r->attrs, mask, &a);
	if (!ret && q->mem.revoked && a.state != VHCA_QPS_RESET &&
	    a.state != VHCA_QPS_ERR)
		ret = -EIO;	/* its rings are gone */
	if (!ret)
		ret = vhca_qp_modify(&q->qp, &a, mask);
	if (!ret && (mask & VHCA_QP_STATE) && a.state == VHCA_QPS_RESET)
		vhca_mdev_qp_rings_rewind(q);
	vhca_obj_put(&q->qp.obj);
	return ret;
}

static void vhca_mdev_qp_attr_encode(const struct vhca_qp *qp,
				     struct pvrdma_qp_attr *p)
{
	const struct vhca_qp_attr *a = &qp->attr;

	p->qp_state = cpu_to_le32(a->state);
	p->cur_qp_state = cpu_to_le32(a->state);
	p->path_mtu = cpu_to_le32(a->path_mtu);
	p->qkey = cpu_to_le32(a->qkey);
	p->rq_psn = cpu_to_le32(a->rq_psn);
	p->sq_psn = cpu_to_le32(a->sq_psn);
	p->dest_qp_num = cpu_to_le32(a->dest_qpn);
	p->qp_access_flags = cpu_to_le32(a->access);
	p->pkey_index = cpu_to_le16(a->pkey_index);
	p->max_rd_atomic = a->max_rd_atomic;
	p->max_dest_rd_atomic = a->max_dest_rd_atomic;
	p->min_rnr_timer = a->min_rnr_timer;
	p->port_num = a->port;
	p->timeout = a->timeout;
	p->retry_cnt = a->retry_cnt;
	p->rnr_retry = a->rnr_retry;
	p->cap.max_send_wr = cpu_to_le32(qp->caps.max_send_wr);
	p->cap.max_recv_wr = cpu_to_le32(qp->caps.max_recv_wr);
	p->cap.max_send_sge = cpu_to_le32(qp->caps.max_send_sge);
	p->cap.max_recv_sge = cpu_to_le32(qp->caps.max_recv_sge);
	memcpy(p->ah_attr.dgid, a->av.dgid, sizeof(a->av.dgid));
	p->ah_attr.flow_label = cpu_to_le32(a->av.flow_label);
	p->ah_attr.sgid_index = a->av.sgid_index;
	p->ah_attr.hop_limit = a->av.hop_limit;
	p->ah_attr.traffic_class = a->av.traffic_class;
	p->ah_attr.port_num = 1;
	memcpy(p->ah_attr.dmac, a->av.dmac, sizeof(a->av.dmac));
}

/**
 * vhca_mdev_cmd_query_qp() - QUERY_QP: the device's real QP state
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0 or -ENOENT.
 */
int vhca_mdev_cmd_query_qp(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_modify_qp *r = req;	/* handle, mask */
	struct vhca_mdev_qp *q;

	q = vhca_mdev_qp_lookup(vm, le32_to_cpu(r->qp_handle));
	if (!q)
		return -ENOENT;
	vhca_mdev_qp_attr_encode(&q->qp, resp);
	vhca_obj_put(&q->qp.obj);
	return 0;
}

/* ---- shared receive queues ---- */

static void vhca_mdev_srq_revoke(void *owner)
{
	struct vhca_mdev_srq *s = owner;

	s->mem.revoked = true;
	vhca_mdev_async_event(s->mem.vm, PVRDMA_EVENT_SRQ_ERR,
			      s->srq.obj.handle);
}

static void vhca_mdev_srq_release(struct vhca_obj *obj)
{
	struct vhca_mdev_srq *s = container_of(obj, struct vhca_mdev_srq,
					       srq.obj);

	vhca_mdev_mem_release(&s->mem);
	kfree(s);
}

/**
 * vhca_mdev_cmd_create_srq() - CREATE_SRQ (basic SRQs)
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0 or a negative errno.
 */
int vhca_mdev_cmd_create_srq(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_create_srq *r = req;
	u32 max_wr = le32_to_cpu(r->attrs.max_wr);
	u32 max_sge = le32_to_cpu(r->attrs.max_sge);
	u32 limit = le32_to_cpu(r->attrs.srq_limit);
	u32 nchunks = le32_to_cpu(r->nchunks);
	struct vhca_mdev_srq *s;
	__le32 *out = resp;
	int ret;

	if (r->srq_type != 0 || limit >= max_wr ||
	    pvrdma_srq_layout_check(max_wr, max_sge, nchunks,
				    PVRDMA_CAP_MAX_SRQ_WR, PVRDMA_CAP_MAX_SGE))
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->srq.max_wr = max_wr;
	s->srq.max_sge = max_sge;
	s->srq.limit = limit;
	spin_lock_init(&s->lock);
	pvrdma_ring_geom_init(&s->wq.geom, max_wr);
	s->wq.state = PVRDMA_RING_STATE_RX;
	s->wq.base = PAGE_SIZE;
	s->wq.stride = pvrdma_wqe_size(PVRDMA_RQ_WQE_HDR, max_sge);
	ret = vhca_mdev_mem_pin(vm, &s->mem, le64_to_cpu(r->pdir_dma), nchunks,
				vhca_mdev_srq_revoke, s);
	if (!ret)
		ret = vhca_srq_create(vm->fn, &s->srq, le32_to_cpu(r->pd_handle),
				      vhca_mdev_srq_release);
	if (ret) {
		vhca_mdev_mem_release(&s->mem);
		kfree(s);
		return ret;
	}
	out[0] = cpu_to_le32(s->srq.obj.handle);
	return 0;
}

static struct vhca_srq *vhca_mdev_srq_lookup(struct vhca_mdev *vm, u32 handle)
{
	struct vhca_obj *obj = vhca_obj_lookup(vm->fn, VHCA_OBJ_SRQ, handle);

	return obj ? container_of(obj, struct vhca_srq, obj) : NULL;
}

/**
 * vhca_mdev_cmd_modify_srq() - MODIFY_SRQ: only the limit can change
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0, -EINVAL (resize, or a limit not below max_wr), or -ENOENT.
 */
int vhca_mdev_cmd_modify_srq(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_modify_srq *r = req;
	u32 limit = le32_to_cpu(r->attrs.srq_limit);
	struct vhca_mdev_srq *s;
	struct vhca_srq *srq;
	int ret = -EINVAL;

	if (le32_to_cpu(r->attr_mask) != PVRDMA_SRQ_ATTR_LIMIT)
		return -EINVAL;
	srq = vhca_mdev_srq_lookup(vm, le32_to_cpu(r->srq_handle));
	if (!srq)
		return -ENOENT;
	s = container_of(srq, struct vhca_mdev_srq, srq);
	if (limit < srq->max_wr) {
		/* Arms (non-zero) or disarms the limit event; see queues.c. */
		spin_lock(&s->lock);
		srq->limit = limit;
		spin_unlock(&s->lock);
		ret = 0;
	}
	vhca_obj_put(&srq->obj);
	return ret;
}

/**
 * vhca_mdev_cmd_query_srq() - QUERY_SRQ
 * @vm:   the instance
 * @req:  request payload
 * @resp: response payload
 *
 * Return: 0 or -ENOENT.
 */
int vhca_mdev_cmd_query_srq(struct vhca_mdev *vm, const void *req, void *resp)
{
	const struct pvrdma_req_handle *r = req;
	struct pvrdma_srq_attr *a = resp;
	struct vhca_srq *srq;

	srq = vhca_mdev_srq_lookup(vm, le32_to_cpu(r->handle));
	if (!srq)
		return -ENOENT;
	a->max_wr = cpu_to_le32(srq->max_wr);
	a->max_sge = cpu_to_le32(srq->max_sge);
	a->srq_limit = cpu_to_le32(READ_ONCE(srq->limit));
	vhca_obj_put(&srq->obj);
	return 0;
}
