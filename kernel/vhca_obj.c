// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handle tables of a function. Handles are small integers (1..limit-1)
 * because guest ABIs index host-supplied handles into fixed arrays; the
 * limit of each kind is the function's quota, so a full table is the quota
 * speaking. Lookups take the xarray lock rather than RCU: an object is
 * erased before its table reference goes, so a lookup either finds a live
 * object or nothing, and releases may sleep (front ends unpin there).
 *
 * Creation and destruction of a function's objects are serialised by the
 * front end (PVRDMA commands run one at a time); lookups may run anywhere.
 */
#include <linux/module.h>

#include "vhca_internal.h"

static const char * const vhca_obj_kind_names[VHCA_OBJ_KINDS] = {
	[VHCA_OBJ_UCTX] = "uctx",
	[VHCA_OBJ_PD] = "pd",
	[VHCA_OBJ_MR] = "mr",
	[VHCA_OBJ_CQ] = "cq",
	[VHCA_OBJ_QP] = "qp",
	[VHCA_OBJ_SRQ] = "srq",
};

/**
 * vhca_obj_kind_name() - printable name of an object kind
 * @kind: &enum vhca_obj_kind
 *
 * Return: a constant string.
 */
const char *vhca_obj_kind_name(enum vhca_obj_kind kind)
{
	return kind < VHCA_OBJ_KINDS ? vhca_obj_kind_names[kind] : "invalid";
}
EXPORT_SYMBOL_GPL(vhca_obj_kind_name);

/**
 * vhca_obj_tables_init() - empty tables sized by the function's quota
 * @fn: a function whose quota is set
 */
void vhca_obj_tables_init(struct vhca_function *fn)
{
	const struct vhca_limits *q = &fn->quota;
	unsigned int k;

	fn->obj_limit[VHCA_OBJ_UCTX] = q->uar_pages;
	fn->obj_limit[VHCA_OBJ_PD] = q->pds;
	fn->obj_limit[VHCA_OBJ_MR] = q->mrs;
	fn->obj_limit[VHCA_OBJ_CQ] = q->cqs;
	fn->obj_limit[VHCA_OBJ_QP] = q->qps;
	fn->obj_limit[VHCA_OBJ_SRQ] = q->srqs;
	for (k = 0; k < VHCA_OBJ_KINDS; k++) {
		xa_init_flags(&fn->objs[k], XA_FLAGS_ALLOC1);
		atomic_set(&fn->obj_count[k], 0);
	}
}

/**
 * vhca_obj_abandon() - drop the dependencies of an object never inserted
 * @obj: an object whose creation failed before vhca_obj_insert()
 */
void vhca_obj_abandon(struct vhca_obj *obj)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(obj->depends) && obj->depends[i]; i++) {
		atomic_dec(&obj->depends[i]->users);
		vhca_obj_put(obj->depends[i]);
		obj->depends[i] = NULL;
	}
}
EXPORT_SYMBOL_GPL(vhca_obj_abandon);

static void vhca_obj_release(struct kref *ref)
{
	struct vhca_obj *obj = container_of(ref, struct vhca_obj, ref);

	vhca_obj_abandon(obj);
	atomic_dec(&obj->fn->obj_count[obj->kind]);
	obj->release(obj);
}

/**
 * vhca_obj_insert_range() - give @obj a handle in [@min, @max], publish it
 * @fn:      the function
 * @obj:     embedded object, zeroed, initialised by the caller except for
 *           the fields set here; dependencies recorded with
 *           vhca_obj_depend()
 * @kind:    its kind
 * @min:     lowest acceptable handle, >= 1
 * @max:     highest acceptable handle, below the kind's limit
 * @release: frees the containing structure once the last reference is gone
 *
 * On failure the dependencies are dropped and @obj still belongs to the
 * caller, who frees it without calling @release.
 *
 * Context: process.
 * Return: 0 with @obj->handle set, -ENOSPC when no handle in the range is
 * free (the quota of @kind is used up), or -ENOMEM.
 */
int vhca_obj_insert_range(struct vhca_function *fn, struct vhca_obj *obj,
			  enum vhca_obj_kind kind, u32 min, u32 max,
			  void (*release)(struct vhca_obj *obj))
{
	int ret = -ENOSPC;

	obj->fn = fn;
	obj->kind = kind;
	obj->release = release;
	kref_init(&obj->ref);
	atomic_set(&obj->users, 0);
	if (min && min <= max && max < fn->obj_limit[kind])
		ret = xa_alloc(&fn->objs[kind], &obj->handle, obj,
			       XA_LIMIT(min, max), GFP_KERNEL);
	if (ret == -EBUSY)
		ret = -ENOSPC;
	if (ret) {
		vhca_obj_abandon(obj);
		return ret;
	}
	atomic_inc(&fn->obj_count[kind]);
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_obj_insert_range);

/**
 * vhca_obj_insert() - vhca_obj_insert_range() over every handle of @kind
 * @fn:      the function
 * @obj:     the object
 * @kind:    its kind
 * @release: frees the containing structure
 *
 * Return: as vhca_obj_insert_range().
 */
int vhca_obj_insert(struct vhca_function *fn, struct vhca_obj *obj,
		    enum vhca_obj_kind kind,
		    void (*release)(struct vhca_obj *obj))
{
	return vhca_obj_insert_range(fn, obj, kind, 1,
				     fn->obj_limit[kind] - 1, release);
}
EXPORT_SYMBOL_GPL(vhca_obj_insert);

/**
 * vhca_obj_depend() - record that @obj needs @on until @obj is released
 * @obj: a new object, not yet inserted
 * @on:  a referenced object of the same function (the reference passes
 *       to @obj)
 */
void vhca_obj_depend(struct vhca_obj *obj, struct vhca_obj *on)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(obj->depends); i++) {
		if (!obj->depends[i]) {
			obj->depends[i] = on;
			atomic_inc(&on->users);
			return;
		}
	}
	WARN_ON_ONCE(1);	/* a caller bug: a QP has the most, four */
	vhca_obj_put(on);
}
EXPORT_SYMBOL_GPL(vhca_obj_depend);

/**
 * vhca_obj_lookup() - find a live object by handle
 * @fn:     the function
 * @kind:   expected kind; a handle of another kind does not match
 * @handle: any value, typically from a guest
 *
 * Context: any; takes the table's spinlock.
 * Return: the object with a reference held, or NULL.
 */
struct vhca_obj *vhca_obj_lookup(struct vhca_function *fn,
				 enum vhca_obj_kind kind, u32 handle)
{
	struct vhca_obj *obj;
	unsigned long flags;

	if (kind >= VHCA_OBJ_KINDS)
		return NULL;
	xa_lock_irqsave(&fn->objs[kind], flags);
	obj = xa_load(&fn->objs[kind], handle);
	if (obj && !kref_get_unless_zero(&obj->ref))
		obj = NULL;
	xa_unlock_irqrestore(&fn->objs[kind], flags);
	return obj;
}
EXPORT_SYMBOL_GPL(vhca_obj_lookup);

/**
 * vhca_obj_put() - drop a reference from vhca_obj_lookup()
 * @obj: the object
 *
 * Context: process (the last put may sleep in the release callback).
 */
void vhca_obj_put(struct vhca_obj *obj)
{
	kref_put(&obj->ref, vhca_obj_release);
}
EXPORT_SYMBOL_GPL(vhca_obj_put);

static void vhca_obj_unpublish(struct vhca_function *fn, struct vhca_obj *obj)
{
	xa_erase_irq(&fn->objs[obj->kind], obj->handle);
	/* Cached RC peers must not outlive this; see vhca_engine.c. */
	if (obj->kind == VHCA_OBJ_QP)
		vhca_fabric_changed();
	if (obj->stop)
		obj->stop(obj);
}

/*
 * After the grace period: a turn of another QP that saw the object before
 * it was stopped (and kicked it, say into the error state) has finished,
 * and whatever it queued is cancelled now; none can come after.
 */
static void vhca_obj_stop_again(struct vhca_obj *obj)
{
	if (obj->stop)
		obj->stop(obj);
}

/**
 * vhca_obj_destroy() - remove an object on its owner's request
 * @fn:     the function
 * @kind:   kind the handle must have
 * @handle: the handle
 *
 * Context: process; serialised with creation by the caller.
 * Return: 0, -ENOENT if there is no such object, or -EBUSY while other
 * objects depend on it.
 */
int vhca_obj_destroy(struct vhca_function *fn, enum vhca_obj_kind kind,
		     u32 handle)
{
	struct vhca_obj *obj = vhca_obj_lookup(fn, kind, handle);

	if (!obj)
		return -ENOENT;
	if (atomic_read(&obj->users)) {
		vhca_obj_put(obj);
		return -EBUSY;
	}
	vhca_obj_unpublish(fn, obj);
	/* No data-path turn may still be touching it when we return. */
	vhca_function_quiesce();
	vhca_obj_stop_again(obj);
	vhca_obj_put(obj);	/* the table's reference */
	vhca_obj_put(obj);
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_obj_destroy);

/**
 * vhca_function_clear() - destroy every object of a function
 * @fn: the function
 *
 * Used for device reset, VMM close and removal: dependents go before what
 * they depend on, so nothing is left referenced.
 *
 * Context: process; serialised with creation by the caller.
 */
void vhca_function_clear(struct vhca_function *fn)
{
	static const enum vhca_obj_kind order[] = {
		VHCA_OBJ_QP, VHCA_OBJ_SRQ, VHCA_OBJ_MR, VHCA_OBJ_CQ,
		VHCA_OBJ_PD, VHCA_OBJ_UCTX,
	};
	struct vhca_obj *obj, *next;
	unsigned long index;
	unsigned int i;
	LIST_HEAD(gone);

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		xa_for_each(&fn->objs[order[i]], index, obj) {
			vhca_obj_unpublish(fn, obj);
			list_add_tail(&obj->gone, &gone);
		}
	}
	/* No data-path turn may still be touching them when we return. */
	vhca_function_quiesce();
	list_for_each_entry_safe(obj, next, &gone, gone) {
		vhca_obj_stop_again(obj);
		vhca_obj_put(obj);	/* the tables' references */
	}
}
EXPORT_SYMBOL_GPL(vhca_function_clear);

/**
 * vhca_obj_limit_lower() - cap the handles of @kind below @limit
 * @fn:    a function with no objects of @kind yet
 * @kind:  the kind
 * @limit: new bound; only ever lowers the quota-derived one
 *
 * For guest ABIs that index handles with fewer bits than the quota allows.
 */
void vhca_obj_limit_lower(struct vhca_function *fn, enum vhca_obj_kind kind,
			  u32 limit)
{
	if (kind < VHCA_OBJ_KINDS && limit < fn->obj_limit[kind])
		fn->obj_limit[kind] = limit;
}
EXPORT_SYMBOL_GPL(vhca_obj_limit_lower);

/**
 * vhca_obj_count() - live objects of one kind
 * @fn:   the function
 * @kind: the kind
 *
 * Return: the count (a snapshot).
 */
u32 vhca_obj_count(struct vhca_function *fn, enum vhca_obj_kind kind)
{
	return kind < VHCA_OBJ_KINDS ? atomic_read(&fn->obj_count[kind]) : 0;
}
EXPORT_SYMBOL_GPL(vhca_obj_count);
