/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Objects of a function (user contexts, PDs, MRs, CQs, QPs, SRQs): their
 * handle tables, references and dependencies. A front end embeds the core
 * object in its own structure and passes a release callback that frees it.
 */
#ifndef _VHCA_OBJ_H
#define _VHCA_OBJ_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>

struct vhca_function;

enum vhca_obj_kind {
	VHCA_OBJ_UCTX,
	VHCA_OBJ_PD,
	VHCA_OBJ_MR,
	VHCA_OBJ_CQ,
	VHCA_OBJ_QP,
	VHCA_OBJ_SRQ,
	VHCA_OBJ_KINDS
};

/**
 * struct vhca_obj - the part every object has
 * @fn:      owning function; immutable
 * @kind:    &enum vhca_obj_kind; immutable
 * @handle:  index in the function's table of @kind, never 0; immutable
 * @ref:     the table holds one reference, each lookup one more
 * @users:   live objects that depend on this one (an MR on its PD, a QP on
 *           its CQs); destroying an object with users fails with -EBUSY
 * @depends: objects this one holds a @users count on, dropped at release
 * @stop:    optional: make the data path leave the object alone; called
 *           when it is unpublished, before its table reference goes
 * @release: frees the containing structure; set by the front end
 * @gone:    list entry while vhca_function_clear() tears objects down
 */
struct vhca_obj {
	struct vhca_function *fn;
	enum vhca_obj_kind kind;
	u32 handle;
	struct kref ref;
	atomic_t users;
	struct vhca_obj *depends[4];
	void (*stop)(struct vhca_obj *obj);
	void (*release)(struct vhca_obj *obj);
	struct list_head gone;
};

int vhca_obj_insert_range(struct vhca_function *fn, struct vhca_obj *obj,
			  enum vhca_obj_kind kind, u32 min, u32 max,
			  void (*release)(struct vhca_obj *obj));
int vhca_obj_insert(struct vhca_function *fn, struct vhca_obj *obj,
		    enum vhca_obj_kind kind,
		    void (*release)(struct vhca_obj *obj));
void vhca_obj_abandon(struct vhca_obj *obj);
void vhca_obj_depend(struct vhca_obj *obj, struct vhca_obj *on);
struct vhca_obj *vhca_obj_lookup(struct vhca_function *fn,
				 enum vhca_obj_kind kind, u32 handle);
void vhca_obj_put(struct vhca_obj *obj);
int vhca_obj_destroy(struct vhca_function *fn, enum vhca_obj_kind kind,
		     u32 handle);
void vhca_function_clear(struct vhca_function *fn);
void vhca_obj_limit_lower(struct vhca_function *fn, enum vhca_obj_kind kind,
			  u32 limit);
u32 vhca_obj_count(struct vhca_function *fn, enum vhca_obj_kind kind);
const char *vhca_obj_kind_name(enum vhca_obj_kind kind);

#endif /* _VHCA_OBJ_H */
