/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fast registration (FRWR) rules that need no kernel state: whether a
 * fast-register request is self-consistent and whether a page-list entry
 * can name a page. Pure code: compiles in userspace for the unit tests.
 */
#ifndef _VHCA_FRWR_H
#define _VHCA_FRWR_H

#include "vhca_wr.h"

/* Page sizes a page list may use: 4 KiB (the pinning unit) to 1 GiB. */
#define VHCA_FR_MIN_PAGE_SHIFT	12
#define VHCA_FR_MAX_PAGE_SHIFT	30

int vhca_fast_reg_check(const struct vhca_fast_reg *fr, u32 max_pages);
bool vhca_fast_reg_entry_ok(u64 addr, u32 page_shift);
int vhca_fast_reg_translate(u64 iova, u32 page_shift, const u64 *pl,
			    u32 npages, u64 addr, u64 *gpa);

#endif /* _VHCA_FRWR_H */
