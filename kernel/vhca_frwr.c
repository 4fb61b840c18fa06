// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fast registration rules (IBA 10.6.3.6 and o10-36..): a fast-register
 * request names up to the MR's capacity of pages of 2^page_shift bytes;
 * the region starts @iova bytes into a page-aligned base whose first page
 * is the list's first entry, and must end inside the last page listed.
 * Everything here is computed from a private copy of the guest's request.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/overflow.h>
#endif

#include "vhca_frwr.h"

/**
 * vhca_fast_reg_check() - is a fast-register request self-consistent
 * @fr:        the request, as decoded
 * @max_pages: page list capacity of the MR it names
 *
 * Return: 0, or -EINVAL for an empty or too long page list, a page size
 * outside 4 KiB..1 GiB, unknown or impossible access rights (remote write
 * or atomic without local write, zero-based or on-demand regions), or a
 * region that wraps or does not fit in the pages listed.
 */
int vhca_fast_reg_check(const struct vhca_fast_reg *fr, u32 max_pages)
{
	u64 offset, span;

	if (!fr->npages || fr->npages > max_pages)
		return -EINVAL;
	if (fr->page_shift < VHCA_FR_MIN_PAGE_SHIFT ||
	    fr->page_shift > VHCA_FR_MAX_PAGE_SHIFT)
		return -EINVAL;
	if (fr->access & ~VHCA_ACCESS_ALL)
		return -EINVAL;
	if (fr->access & (VHCA_ACCESS_ZERO_BASED | VHCA_ACCESS_ON_DEMAND))
		return -EINVAL;
	/* IBA 10.6.3.1: remote write or atomic needs local write. */
	if ((fr->access & (VHCA_ACCESS_REMOTE_WRITE |
			   VHCA_ACCESS_REMOTE_ATOMIC)) &&
	    !(fr->access & VHCA_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	if (fr->iova > U64_MAX - fr->length)
		return -EINVAL;
	offset = fr->iova & ((1ull << fr->page_shift) - 1);
	span = (u64)fr->npages << fr->page_shift;
	if (offset + fr->length > span)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_fast_reg_check);

/**
 * vhca_fast_reg_entry_ok() - can @addr be an entry of a page list
 * @addr:       the entry, a guest address
 * @page_shift: the list's page size
 *
 * Return: true if it is non-zero and aligned to the page size.
 */
bool vhca_fast_reg_entry_ok(u64 addr, u32 page_shift)
{
	if (page_shift < VHCA_FR_MIN_PAGE_SHIFT ||
	    page_shift > VHCA_FR_MAX_PAGE_SHIFT)
		return false;
	return addr && !(addr & ((1ull << page_shift) - 1));
}
EXPORT_SYMBOL_GPL(vhca_fast_reg_entry_ok);

/**
 * vhca_fast_reg_translate() - the guest address behind a region address
 * @iova:       the region's first address
 * @page_shift: the list's page size
 * @pl:         the page list
 * @npages:     its entries
 * @addr:       an address of the region
 * @gpa:        set to the guest address of @addr
 *
 * Return: 0, or -EFAULT if @addr lies outside the pages listed.
 */
int vhca_fast_reg_translate(u64 iova, u32 page_shift, const u64 *pl,
			    u32 npages, u64 addr, u64 *gpa)
{
	u64 mask = (1ull << page_shift) - 1;
	u64 base = iova & ~mask, index;

	if (addr < base)
		return -EFAULT;
	index = (addr - base) >> page_shift;
	if (index >= npages)
		return -EFAULT;
	*gpa = pl[index] + ((addr - base) & mask);
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_fast_reg_translate);
