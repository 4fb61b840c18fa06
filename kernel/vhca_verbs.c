// SPDX-License-Identifier: GPL-2.0-only
/*
 * Creation of the simple verbs objects: user contexts, PDs, MRs, CQs and
 * SRQs. Each checks what the core can check generically (handles of the
 * same function, access bits, PD ownership) before publishing anything.
 */
#include <linux/module.h>
#include <linux/random.h>

#include "vhca_internal.h"
#include "vhca_verbs.h"

/**
 * vhca_uctx_create() - create a user context
 * @fn:      the function
 * @uctx:    caller-allocated context
 * @release: frees @uctx
 *
 * Return: 0 or -ENOSPC/-ENOMEM.
 */
int vhca_uctx_create(struct vhca_function *fn, struct vhca_uctx *uctx,
		     void (*release)(struct vhca_obj *obj))
{
	return vhca_obj_insert(fn, &uctx->obj, VHCA_OBJ_UCTX, release);
}
EXPORT_SYMBOL_GPL(vhca_uctx_create);

/**
 * vhca_pd_create() - create a protection domain
 * @fn:      the function
 * @pd:      caller-allocated PD
 * @uctx:    owning user context handle, 0 for the guest kernel
 * @release: frees @pd
 *
 * Return: 0, -ENOENT for an unknown @uctx, or -ENOSPC/-ENOMEM.
 */
int vhca_pd_create(struct vhca_function *fn, struct vhca_pd *pd, u32 uctx,
		   void (*release)(struct vhca_obj *obj))
{
	struct vhca_obj *owner = NULL;

	if (uctx) {
		owner = vhca_obj_lookup(fn, VHCA_OBJ_UCTX, uctx);
		if (!owner)
			return -ENOENT;
		vhca_obj_depend(&pd->obj, owner);
	}
	pd->uctx = uctx;
	return vhca_obj_insert(fn, &pd->obj, VHCA_OBJ_PD, release);
}
EXPORT_SYMBOL_GPL(vhca_pd_create);

static int vhca_mr_validate(const struct vhca_mr *mr)
{
	u32 remote = VHCA_ACCESS_REMOTE_WRITE | VHCA_ACCESS_REMOTE_READ |
		     VHCA_ACCESS_REMOTE_ATOMIC;
	u64 end;

	if (mr->access & ~VHCA_ACCESS_ALL)
		return -EINVAL;
	/* IBA 10.6.3.1: remote write or atomic needs local write. */
	if ((mr->access & (VHCA_ACCESS_REMOTE_WRITE |
			   VHCA_ACCESS_REMOTE_ATOMIC)) &&
	    !(mr->access & VHCA_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	switch (mr->type) {
	case VHCA_MR_DMA:
		return mr->access & remote ? -EINVAL : 0;
	case VHCA_MR_FRMR:
		return mr->max_pages && mr->pl ? 0 : -EINVAL;
	case VHCA_MR_USER:
		if (!mr->length || check_add_overflow(mr->iova, mr->length, &end))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

/**
 * vhca_mr_create() - create a memory region
 * @fn:      the function
 * @mr:      caller-allocated MR with @type, @access, @iova, @length and
 *           @max_pages set (and @pl for a fast-register MR, which starts
 *           out invalid)
 * @pd:      PD handle
 * @release: frees @mr (and whatever guest memory the front end holds)
 *
 * Return: 0 with @mr->key set, -EINVAL for inconsistent attributes,
 * -ENOENT for an unknown PD, or -ENOSPC/-ENOMEM.
 */
int vhca_mr_create(struct vhca_function *fn, struct vhca_mr *mr, u32 pd,
		   void (*release)(struct vhca_obj *obj))
{
	struct vhca_obj *pd_obj;
	int ret;

	ret = vhca_mr_validate(mr);
	if (ret)
		return ret;
	spin_lock_init(&mr->lock);
	if (mr->type == VHCA_MR_FRMR)
		mr->invalid = true;	/* until a fast registration */
	pd_obj = vhca_obj_lookup(fn, VHCA_OBJ_PD, pd);
	if (!pd_obj)
		return -ENOENT;
	mr->pd = container_of(pd_obj, struct vhca_pd, obj);
	vhca_obj_depend(&mr->obj, pd_obj);
	ret = vhca_obj_insert(fn, &mr->obj, VHCA_OBJ_MR, release);
	if (!ret)
		mr->key = mr->obj.handle << 8 | get_random_u8();
	return ret;
}
EXPORT_SYMBOL_GPL(vhca_mr_create);

/**
 * vhca_cq_create() - create a completion queue
 * @fn:      the function
 * @cq:      caller-allocated CQ with @cqe and @uctx set
 * @release: frees @cq
 *
 * Return: 0, -EINVAL for zero entries, or -ENOSPC/-ENOMEM.
 */
int vhca_cq_create(struct vhca_function *fn, struct vhca_cq *cq,
		   void (*release)(struct vhca_obj *obj))
{
	if (!cq->cqe)
		return -EINVAL;
	return vhca_obj_insert(fn, &cq->obj, VHCA_OBJ_CQ, release);
}
EXPORT_SYMBOL_GPL(vhca_cq_create);

/**
 * vhca_srq_create() - create a shared receive queue
 * @fn:      the function
 * @srq:     caller-allocated SRQ with @max_wr, @max_sge and @limit set
 * @pd:      PD handle
 * @release: frees @srq
 *
 * Return: 0, -EINVAL for zero sizes, -ENOENT for an unknown PD, or
 * -ENOSPC/-ENOMEM.
 */
int vhca_srq_create(struct vhca_function *fn, struct vhca_srq *srq, u32 pd,
		    void (*release)(struct vhca_obj *obj))
{
	struct vhca_obj *pd_obj;

	if (!srq->max_wr || !srq->max_sge)
		return -EINVAL;
	pd_obj = vhca_obj_lookup(fn, VHCA_OBJ_PD, pd);
	if (!pd_obj)
		return -ENOENT;
	srq->pd = container_of(pd_obj, struct vhca_pd, obj);
	vhca_obj_depend(&srq->obj, pd_obj);
	return vhca_obj_insert(fn, &srq->obj, VHCA_OBJ_SRQ, release);
}
EXPORT_SYMBOL_GPL(vhca_srq_create);
