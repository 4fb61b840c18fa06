// SPDX-License-Identifier: GPL-2.0-only
/*
 * Translation and protection: memory keys to MRs with the IBA checks (key,
 * PD, access rights, bounds), and the copy that moves bytes between two
 * lists of checked extents page by page, each byte once. Guest pages come
 * from the MR (pinned at registration) or, for the DMA MR of a guest
 * kernel, from the front end one page at a time.
 */
#include <linux/highmem.h>

#include "vhca_internal.h"
#include "vhca_tpt.h"

/**
 * vhca_tpt_check() - may @len bytes at @addr be accessed through @key
 * @fn:     function owning the key
 * @pd:     PD the access happens in (the QP's)
 * @key:    lkey or rkey
 * @addr:   first byte
 * @len:    bytes (0 is allowed and always inside)
 * @access: VHCA_ACCESS_* needed; 0 for a local read
 * @remote: the key came from the peer (rkey): errors are remote ones
 * @ext:    filled with the referenced MR and range on success
 *
 * Context: process, inside the data-path SRCU read section.
 * Return: VHCA_WC_SUCCESS, or the completion status the violation maps to.
 */
u32 vhca_tpt_check(struct vhca_function *fn, struct vhca_pd *pd, u32 key,
		   u64 addr, u32 len, u32 access, bool remote,
		   struct vhca_extent *ext)
{
	u32 fail = remote ? VHCA_WC_REM_ACCESS_ERR : VHCA_WC_LOC_PROT_ERR;
	struct vhca_obj *obj;
	struct vhca_mr *mr;
	u64 end;

	obj = vhca_obj_lookup(fn, VHCA_OBJ_MR, key >> 8);
	if (!obj)
		return fail;
	mr = container_of(obj, struct vhca_mr, obj);
	if (mr->key != key || READ_ONCE(mr->invalid) || mr->pd != pd ||
	    (mr->access & access) != access ||
	    check_add_overflow(addr, (u64)len, &end))
		goto err_put;
	switch (mr->type) {
	case VHCA_MR_USER:
		if (addr < mr->iova || end > mr->iova + mr->length)
			goto err_put;
		break;
	case VHCA_MR_DMA:
		if (remote)
			goto err_put;
		break;
	default:
		goto err_put;	/* a fast-register MR with no pages yet */
	}
	ext->fn = fn;
	ext->mr = mr;
	ext->addr = addr;
	ext->len = len;
	return VHCA_WC_SUCCESS;

err_put:
	vhca_obj_put(obj);
	return fail;
}

/**
 * vhca_extent_put() - drop the MR reference of a checked extent
 * @ext: from vhca_tpt_check()
 */
void vhca_extent_put(struct vhca_extent *ext)
{
	if (ext->mr)
		vhca_obj_put(&ext->mr->obj);
	ext->mr = NULL;
}

static struct page *vhca_extent_page(const struct vhca_extent *ext, u64 addr)
{
	const struct vhca_mr *mr = ext->mr;
	u64 index;

	if (mr->type == VHCA_MR_DMA)
		return ext->fn->ops->dma_page_get(ext->fn, addr & PAGE_MASK);
	index = (addr >> PAGE_SHIFT) - (mr->iova >> PAGE_SHIFT);
	if (READ_ONCE(mr->invalid) || index >= mr->npages)
		return NULL;
	return mr->pages[index];
}

static void vhca_extent_page_done(const struct vhca_extent *ext, u64 addr)
{
	if (ext->mr->type == VHCA_MR_DMA)
		ext->fn->ops->dma_page_put(ext->fn, addr & PAGE_MASK);
}

/* Copy one chunk that stays inside a page on both sides. */
static int vhca_copy_chunk(const struct vhca_extent *dst, u64 daddr,
			   const struct vhca_extent *src, u64 saddr, u32 n)
{
	struct page *dp, *sp;
	void *d, *s;
	int ret = -EFAULT;

	dp = vhca_extent_page(dst, daddr);
	if (!dp)
		return ret;
	sp = vhca_extent_page(src, saddr);
	if (sp) {
		d = kmap_local_page(dp);
		s = kmap_local_page(sp);
		memcpy(d + offset_in_page(daddr), s + offset_in_page(saddr), n);
		kunmap_local(s);
		kunmap_local(d);
		vhca_extent_page_done(src, saddr);
		ret = 0;
	}
	vhca_extent_page_done(dst, daddr);
	return ret;
}

/**
 * vhca_copy() - move bytes from one extent list into another
 * @dst:    destination extents
 * @ndst:   their count
 * @src:    source extents
 * @nsrc:   their count
 * @offset: bytes of @dst to skip first (the GRH area of a UD receive)
 *
 * Copies min(total of @src, total of @dst - @offset) bytes, in page-sized
 * or smaller chunks, each byte once.
 *
 * Context: process, inside the data-path SRCU read section.
 * Return: bytes copied, or -EFAULT if guest memory vanished under an MR.
 */
ssize_t vhca_copy(const struct vhca_extent *dst, unsigned int ndst,
		  const struct vhca_extent *src, unsigned int nsrc, u32 offset)
{
	unsigned int di = 0, si = 0;
	u64 doff = offset, soff = 0;
	ssize_t done = 0;
	u32 n;

	while (di < ndst && doff >= dst[di].len)
		doff -= dst[di++].len;
	while (di < ndst && si < nsrc) {
		u64 daddr = dst[di].addr + doff, saddr = src[si].addr + soff;

		n = min3(dst[di].len - (u32)doff, src[si].len - (u32)soff,
			 (u32)(PAGE_SIZE - offset_in_page(daddr)));
		n = min_t(u32, n, PAGE_SIZE - offset_in_page(saddr));
		if (n && vhca_copy_chunk(&dst[di], daddr, &src[si], saddr, n))
			return -EFAULT;
		done += n;
		doff += n;
		soff += n;
		if (doff == dst[di].len) {
			di++;
			doff = 0;
		}
		if (soff == src[si].len) {
			si++;
			soff = 0;
		}
	}
	return done;
}

/**
 * vhca_copy_to_extents() - write a kernel buffer into the start of extents
 * @dst:  destination extents
 * @ndst: their count
 * @buf:  source
 * @len:  bytes; the caller checked they fit
 *
 * Context: process, inside the data-path SRCU read section.
 * Return: 0, or -EFAULT if guest memory vanished under an MR.
 */
int vhca_copy_to_extents(const struct vhca_extent *dst, unsigned int ndst,
			 const void *buf, u32 len)
{
	unsigned int di;
	struct page *pg;
	u64 addr, off;
	u32 n;
	void *va;

	for (di = 0; di < ndst && len; di++) {
		for (off = 0; off < dst[di].len && len; off += n) {
			addr = dst[di].addr + off;
			n = min3((u32)(dst[di].len - off), len,
				 (u32)(PAGE_SIZE - offset_in_page(addr)));
			pg = vhca_extent_page(&dst[di], addr);
			if (!pg)
				return -EFAULT;
			va = kmap_local_page(pg);
			memcpy(va + offset_in_page(addr), buf, n);
			kunmap_local(va);
			vhca_extent_page_done(&dst[di], addr);
			buf += n;
			len -= n;
		}
	}
	return 0;
}

/**
 * vhca_extent_map_u64() - map the 8 bytes an atomic operates on
 * @ext:  a checked extent of 8 bytes, 8-byte aligned
 * @page: set to the page to pass to vhca_extent_unmap_u64()
 *
 * Return: a kernel pointer to the u64, or NULL.
 */
u64 *vhca_extent_map_u64(const struct vhca_extent *ext, struct page **page)
{
	*page = vhca_extent_page(ext, ext->addr);
	if (!*page)
		return NULL;
	return kmap_local_page(*page) + offset_in_page(ext->addr);
}

/**
 * vhca_extent_unmap_u64() - undo vhca_extent_map_u64()
 * @ext: the extent
 * @p:   the pointer it returned
 */
void vhca_extent_unmap_u64(const struct vhca_extent *ext, u64 *p)
{
	kunmap_local(p);
	vhca_extent_page_done(ext, ext->addr);
}
