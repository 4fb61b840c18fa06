// SPDX-License-Identifier: GPL-2.0-only
/*
 * Functions: the slice of an HCA that one guest device owns. This file does
 * the capacity accounting; objects inside a function come with later parts.
 */
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/slab.h>

#include "vhca_internal.h"

static u64 vhca_scale(u64 amount, unsigned int slices)
{
	return div_u64(amount * slices, VHCA_SLICES_PER_HCA);
}

/**
 * vhca_limits_scale() - the share of @total that @slices slices get
 * @total:  resources of a whole HCA
 * @slices: 1..%VHCA_SLICES_PER_HCA
 * @share:  filled with @total * @slices / %VHCA_SLICES_PER_HCA, per resource
 *
 * Context: any.
 */
void vhca_limits_scale(const struct vhca_limits *total, unsigned int slices,
		       struct vhca_limits *share)
{
	share->qps = vhca_scale(total->qps, slices);
	share->cqs = vhca_scale(total->cqs, slices);
	share->mrs = vhca_scale(total->mrs, slices);
	share->pds = vhca_scale(total->pds, slices);
	share->srqs = vhca_scale(total->srqs, slices);
	share->ahs = vhca_scale(total->ahs, slices);
	share->uar_pages = vhca_scale(total->uar_pages, slices);
	share->pinned_pages = vhca_scale(total->pinned_pages, slices);
}
EXPORT_SYMBOL_GPL(vhca_limits_scale);

/**
 * vhca_hca_slices_free() - slices of @hca not held by any function
 * @hca: the HCA
 *
 * Context: process; takes &vhca_hca.lock.
 * Return: the number of free slices (a snapshot).
 */
unsigned int vhca_hca_slices_free(struct vhca_hca *hca)
{
	unsigned int free;

	mutex_lock(&hca->lock);
	free = VHCA_SLICES_PER_HCA - hca->slices_used;
	mutex_unlock(&hca->lock);
	return free;
}
EXPORT_SYMBOL_GPL(vhca_hca_slices_free);

/**
 * vhca_function_create() - carve a function of @slices slices out of @hca
 * @hca:    the HCA
 * @slices: 1..%VHCA_SLICES_PER_HCA
 *
 * Context: process; takes &vhca_hca.lock.
 * Return: the function, ERR_PTR(-ENOSPC) if @hca has fewer than @slices
 * free slices, ERR_PTR(-EINVAL) for a bad @slices, or ERR_PTR(-ENOMEM).
 */
struct vhca_function *vhca_function_create(struct vhca_hca *hca,
					   unsigned int slices)
{
	struct vhca_function *fn;

	if (!slices || slices > VHCA_SLICES_PER_HCA)
		return ERR_PTR(-EINVAL);

	fn = kzalloc(sizeof(*fn), GFP_KERNEL);
	if (!fn)
		return ERR_PTR(-ENOMEM);
	fn->hca = hca;
	fn->slices = slices;
	vhca_limits_scale(&hca->capacity, slices, &fn->quota);
	vhca_obj_tables_init(fn);
	vhca_qos_init(fn);

	mutex_lock(&hca->lock);
	if (hca->slices_used + slices > VHCA_SLICES_PER_HCA) {
		mutex_unlock(&hca->lock);
		kfree(fn);
		return ERR_PTR(-ENOSPC);
	}
	hca->slices_used += slices;
	list_add_tail_rcu(&fn->node, &hca->functions);
	mutex_unlock(&hca->lock);

	get_device(&hca->dev);
	return fn;
}
EXPORT_SYMBOL_GPL(vhca_function_create);

/**
 * vhca_gid_set() - install or clear entry @index of a function's GID table
 * @fn:    the function
 * @index: 0..%VHCA_GIDS-1
 * @gid:   16 bytes, or NULL to clear the entry
 *
 * A cleared entry may still be in use by a data-path turn that read it
 * before; callers that need it unused call vhca_function_quiesce().
 *
 * Context: process; serialised with other control operations on @fn.
 */
void vhca_gid_set(struct vhca_function *fn, unsigned int index,
		  const u8 *gid)
{
	struct vhca_gid *g;

	if (index >= VHCA_GIDS)
		return;
	g = &fn->gids[array_index_nospec(index, VHCA_GIDS)];
	WRITE_ONCE(g->valid, false);
	if (gid) {
		memcpy(g->raw, gid, sizeof(g->raw));
		smp_wmb();	/* the GID before the flag that publishes it */
		WRITE_ONCE(g->valid, true);
	}
	vhca_fabric_changed();
}
EXPORT_SYMBOL_GPL(vhca_gid_set);

/**
 * vhca_function_set_network() - move a function to another network
 * @fn:      the function
 * @network: the fabric partition it may reach from now on
 *
 * Context: process.
 */
void vhca_function_set_network(struct vhca_function *fn, u32 network)
{
	WRITE_ONCE(fn->network, network);
	vhca_fabric_changed();
}
EXPORT_SYMBOL_GPL(vhca_function_set_network);

/**
 * vhca_function_destroy() - destroy every object, return the slices
 * @fn: a function from vhca_function_create()
 *
 * Context: process; takes &vhca_hca.lock.
 */
void vhca_function_destroy(struct vhca_function *fn)
{
	struct vhca_hca *hca = fn->hca;
	unsigned int k;

	vhca_function_clear(fn);
	for (k = 0; k < VHCA_OBJ_KINDS; k++)
		xa_destroy(&fn->objs[k]);

	mutex_lock(&hca->lock);
	list_del_rcu(&fn->node);
	hca->slices_used -= fn->slices;
	mutex_unlock(&hca->lock);
	/* Turns may be walking the list or have found it: wait for them. */
	vhca_function_quiesce();

	kfree(fn);
	put_device(&hca->dev);
}
EXPORT_SYMBOL_GPL(vhca_function_destroy);
