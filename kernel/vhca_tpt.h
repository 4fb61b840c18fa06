/* SPDX-License-Identifier: GPL-2.0-only */
/* Translation and protection, and the copy between checked extents. */
#ifndef _VHCA_TPT_H
#define _VHCA_TPT_H

#include "vhca_wr.h"

/**
 * struct vhca_extent - a range of an MR that passed vhca_tpt_check()
 * @fn:   function owning the MR
 * @mr:   the MR (referenced)
 * @addr: first byte
 * @len:  bytes
 * @key:  the key it was checked with (a fast-register MR re-checks it
 *        on every page)
 */
struct vhca_extent {
	struct vhca_function *fn;
	struct vhca_mr *mr;
	u64 addr;
	u32 len;
	u32 key;
};

u32 vhca_tpt_check(struct vhca_function *fn, struct vhca_pd *pd, u32 key,
		   u64 addr, u32 len, u32 access, bool remote,
		   struct vhca_extent *ext);
void vhca_extent_put(struct vhca_extent *ext);
ssize_t vhca_copy(const struct vhca_extent *dst, unsigned int ndst,
		  const struct vhca_extent *src, unsigned int nsrc, u32 offset);
int vhca_copy_to_extents(const struct vhca_extent *dst, unsigned int ndst,
			 const void *buf, u32 len);
u64 *vhca_extent_map_u64(const struct vhca_extent *ext, u64 *gpa);
void vhca_extent_unmap_u64(const struct vhca_extent *ext, u64 *p, u64 gpa);
u32 vhca_mr_fast_reg(struct vhca_function *fn, struct vhca_pd *pd,
		     const struct vhca_fast_reg *fr);
int vhca_mr_invalidate(struct vhca_function *fn, struct vhca_pd *pd, u32 key);

#endif /* _VHCA_TPT_H */
