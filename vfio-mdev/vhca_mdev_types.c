// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev parents and types: every HCA offers vhca-pvrdma-{1,2,4,8}, each
 * instance taking that fraction of the HCA. Capacity is accounted by the
 * core in slices, so available_instances is exact across mixed types.
 */
#include <linux/slab.h>

#include "vhca_mdev.h"

static const unsigned int vhca_mdev_divisors[VHCA_MDEV_NR_TYPES] = {
	1, 2, 4, 8
};

static struct vhca_mdev_type *to_vhca_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct vhca_mdev_type, type);
}

static struct vhca_mdev_parent *to_vhca_parent(struct mdev_type *mtype)
{
	return container_of(mtype->parent, struct vhca_mdev_parent, parent);
}

/**
 * vhca_mdev_type_slices() - core slices an instance of @mtype takes
 * @mtype: one of our types
 *
 * Return: the slice count.
 */
unsigned int vhca_mdev_type_slices(struct mdev_type *mtype)
{
	return to_vhca_type(mtype)->slices;
}

/**
 * vhca_mdev_type_available() - instances of @mtype that can still be created
 * @mtype: one of our types
 *
 * Context: process; takes the HCA's lock.
 * Return: free slices of the HCA divided by the type's slices.
 */
unsigned int vhca_mdev_type_available(struct mdev_type *mtype)
{
	struct vhca_hca *hca = to_vhca_parent(mtype)->hca;

	return vhca_hca_slices_free(hca) / to_vhca_type(mtype)->slices;
}

/**
 * vhca_mdev_type_describe() - the type's quotas, for its description file
 * @mtype: one of our types
 * @buf:   sysfs page
 *
 * Return: bytes written.
 */
ssize_t vhca_mdev_type_describe(struct mdev_type *mtype, char *buf)
{
	struct vhca_hca *hca = to_vhca_parent(mtype)->hca;
	struct vhca_limits q;

	vhca_limits_scale(&hca->capacity, to_vhca_type(mtype)->slices, &q);
	return sysfs_emit(buf,
			  "qps=%u, cqs=%u, mrs=%u, pds=%u, srqs=%u, ahs=%u, uar_pages=%u, pinned_mib=%llu\n",
			  q.qps, q.cqs, q.mrs, q.pds, q.srqs, q.ahs,
			  q.uar_pages, q.pinned_pages >> (20 - PAGE_SHIFT));
}

/**
 * vhca_mdev_parent_create() - register @hca as an mdev parent with its types
 * @hca: the HCA; the parent keeps a reference
 *
 * Context: process, module init.
 * Return: the parent, or an ERR_PTR.
 */
struct vhca_mdev_parent *vhca_mdev_parent_create(struct vhca_hca *hca)
{
	struct vhca_mdev_parent *mp;
	struct vhca_mdev_type *t;
	unsigned int i;
	int ret;

	mp = kzalloc(sizeof(*mp), GFP_KERNEL);
	if (!mp)
		return ERR_PTR(-ENOMEM);
	mp->hca = hca;
	for (i = 0; i < VHCA_MDEV_NR_TYPES; i++) {
		t = &mp->types[i];
		t->divisor = vhca_mdev_divisors[i];
		t->slices = VHCA_SLICES_PER_HCA / t->divisor;
		snprintf(t->sysfs_name, sizeof(t->sysfs_name), "pvrdma-%u",
			 t->divisor);
		snprintf(t->pretty_name, sizeof(t->pretty_name),
			 "PVRDMA adapter, 1/%u of vhca%u", t->divisor,
			 hca->index);
		t->type.sysfs_name = t->sysfs_name;
		t->type.pretty_name = t->pretty_name;
		mp->type_ptrs[i] = &t->type;
	}
	ret = mdev_register_parent(&mp->parent, &hca->dev, &vhca_mdev_driver,
				   mp->type_ptrs, VHCA_MDEV_NR_TYPES);
	if (ret) {
		kfree(mp);
		return ERR_PTR(ret);
	}
	return mp;
}

/**
 * vhca_mdev_parent_destroy() - unregister a parent from
 * vhca_mdev_parent_create()
 * @mp: the parent
 *
 * Every instance is gone by now: each holds a module reference.
 */
void vhca_mdev_parent_destroy(struct vhca_mdev_parent *mp)
{
	mdev_unregister_parent(&mp->parent);
	kfree(mp);
}
