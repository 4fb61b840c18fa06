// SPDX-License-Identifier: GPL-2.0-only
/*
 * Translation and protection: memory keys to MRs with the IBA checks (key,
 * PD, access rights, bounds), and the copy that moves bytes between two
 * lists of checked extents page by page, each byte once. Guest pages come
 * from the MR (pinned at registration) or, for the DMA MR of a guest
 * kernel, from the front end one page at a time.
 */
#include <linux/highmem.h>
#include <linux/slab.h>

#include "vhca_frwr.h"
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
	bool ok;
	u64 end;

	obj = vhca_obj_lookup(fn, VHCA_OBJ_MR, key >> 8);
	if (!obj)
		return fail;
	mr = container_of(obj, struct vhca_mr, obj);
	if (mr->pd != pd || check_add_overflow(addr, (u64)len, &end))
		goto err_put;
	switch (mr->type) {
	case VHCA_MR_USER:
		if (mr->key != key || READ_ONCE(mr->invalid) ||
		    (mr->access & access) != access ||
		    addr < mr->iova || end > mr->iova + mr->length)
			goto err_put;
		break;
	case VHCA_MR_DMA:
		if (mr->key != key || READ_ONCE(mr->invalid) || remote ||
		    (mr->access & access) != access)
			goto err_put;
		break;
	case VHCA_MR_FRMR:
		spin_lock(&mr->lock);
		ok = mr->key == key && !mr->invalid &&
		     (mr->access & access) == access &&
		     addr >= mr->iova && end <= mr->iova + mr->length;
		spin_unlock(&mr->lock);
		if (!ok)
			goto err_put;
		break;
	default:
		goto err_put;
	}
	ext->fn = fn;
	ext->mr = mr;
	ext->key = key;
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

/*
 * The guest address of @addr in a registered fast-register MR, or false if
 * the MR was invalidated or re-registered under another key since @ext was
 * checked: every page access re-checks, so an invalidation stops a transfer
 * that is under way at the next page.
 */
static bool vhca_frmr_gpa(const struct vhca_extent *ext, u64 addr, u64 *gpa)
{
	struct vhca_mr *mr = ext->mr;
	bool ok;

	spin_lock(&mr->lock);
	ok = !mr->invalid && mr->key == ext->key &&
	     !vhca_fast_reg_translate(mr->iova, mr->page_shift, mr->pl,
				      mr->pl_len, addr, gpa);
	spin_unlock(&mr->lock);
	return ok;
}

/*
 * The page holding @addr. DMA and fast-register MRs pin it for this access
 * only; @gpa is set to what vhca_extent_page_done() must release.
 */
static struct page *vhca_extent_page(const struct vhca_extent *ext, u64 addr,
				     u64 *gpa)
{
	const struct vhca_mr *mr = ext->mr;
	u64 index;

	switch (mr->type) {
	case VHCA_MR_DMA:
		*gpa = addr & PAGE_MASK;
		return ext->fn->ops->dma_page_get(ext->fn, *gpa);
	case VHCA_MR_FRMR:
		if (!vhca_frmr_gpa(ext, addr, gpa))
			return NULL;
		*gpa &= PAGE_MASK;
		return ext->fn->ops->dma_page_get(ext->fn, *gpa);
	default:
		index = (addr >> PAGE_SHIFT) - (mr->iova >> PAGE_SHIFT);
		if (READ_ONCE(mr->invalid) || index >= mr->npages)
			return NULL;
		return mr->pages[index];
	}
}

static void vhca_extent_page_done(const struct vhca_extent *ext, u64 gpa)
{
	if (ext->mr->type != VHCA_MR_USER)
		ext->fn->ops->dma_page_put(ext->fn, gpa);
}

/*
 * Copy one chunk that stays inside a page on both sides; -EFAULT if the
 * destination page is gone, -EIO if the source page is.
 */
static int vhca_copy_chunk(const struct vhca_extent *dst, u64 daddr,
			   const struct vhca_extent *src, u64 saddr, u32 n)
{
	struct page *dp, *sp;
	u64 dgpa, sgpa;
	void *d, *s;
	int ret = -EIO;

	dp = vhca_extent_page(dst, daddr, &dgpa);
	if (!dp)
		return -EFAULT;
	sp = vhca_extent_page(src, saddr, &sgpa);
	if (sp) {
		d = kmap_local_page(dp);
		s = kmap_local_page(sp);
		memcpy(d + offset_in_page(daddr), s + offset_in_page(saddr), n);
		kunmap_local(s);
		kunmap_local(d);
		vhca_extent_page_done(src, sgpa);
		ret = 0;
	}
	vhca_extent_page_done(dst, dgpa);
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
 * Return: bytes copied, or -EFAULT if guest memory vanished under a
 * destination MR, -EIO if under a source MR (DMA and fast-register MRs pin
 * per access, so a page the VMM unmapped shows here).
 */
ssize_t vhca_copy(const struct vhca_extent *dst, unsigned int ndst,
		  const struct vhca_extent *src, unsigned int nsrc, u32 offset)
{
	unsigned int di = 0, si = 0;
	u64 doff = offset, soff = 0;
	ssize_t done = 0;
	int ret;
	u32 n;

	while (di < ndst && doff >= dst[di].len)
		doff -= dst[di++].len;
	while (di < ndst && si < nsrc) {
		u64 daddr = dst[di].addr + doff, saddr = src[si].addr + soff;

		n = min3(dst[di].len - (u32)doff, src[si].len - (u32)soff,
			 (u32)(PAGE_SIZE - offset_in_page(daddr)));
		n = min_t(u32, n, PAGE_SIZE - offset_in_page(saddr));
		ret = n ? vhca_copy_chunk(&dst[di], daddr, &src[si], saddr,
					  n) : 0;
		if (ret)
			return ret;
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
	u64 addr, off, gpa;
	u32 n;
	void *va;

	for (di = 0; di < ndst && len; di++) {
		for (off = 0; off < dst[di].len && len; off += n) {
			addr = dst[di].addr + off;
			n = min3((u32)(dst[di].len - off), len,
				 (u32)(PAGE_SIZE - offset_in_page(addr)));
			pg = vhca_extent_page(&dst[di], addr, &gpa);
			if (!pg)
				return -EFAULT;
			va = kmap_local_page(pg);
			memcpy(va + offset_in_page(addr), buf, n);
			kunmap_local(va);
			vhca_extent_page_done(&dst[di], gpa);
			buf += n;
			len -= n;
		}
	}
	return 0;
}

/**
 * vhca_extent_map_u64() - map the 8 bytes an atomic operates on
 * @ext: a checked extent of 8 bytes, 8-byte aligned
 * @gpa: set to what to pass to vhca_extent_unmap_u64()
 *
 * Return: a kernel pointer to the u64, or NULL.
 */
u64 *vhca_extent_map_u64(const struct vhca_extent *ext, u64 *gpa)
{
	struct page *page = vhca_extent_page(ext, ext->addr, gpa);

	if (!page)
		return NULL;
	return kmap_local_page(page) + offset_in_page(ext->addr);
}

/**
 * vhca_extent_unmap_u64() - undo vhca_extent_map_u64()
 * @ext: the extent
 * @p:   the pointer it returned
 * @gpa: the value it set
 */
void vhca_extent_unmap_u64(const struct vhca_extent *ext, u64 *p, u64 gpa)
{
	kunmap_local(p);
	vhca_extent_page_done(ext, gpa);
}

/* A fast-register MR of @pd named by the index bits of @key, referenced. */
static struct vhca_mr *vhca_frmr_get(struct vhca_function *fn,
				     struct vhca_pd *pd, u32 key)
{
	struct vhca_obj *obj = vhca_obj_lookup(fn, VHCA_OBJ_MR, key >> 8);
	struct vhca_mr *mr;

	if (!obj)
		return NULL;
	mr = container_of(obj, struct vhca_mr, obj);
	if (mr->type != VHCA_MR_FRMR || mr->pd != pd) {
		vhca_obj_put(obj);
		return NULL;
	}
	return mr;
}

/* Read and check the page list of @fr: every entry must be guest memory. */
static int vhca_fast_reg_pages(struct vhca_function *fn,
			       const struct vhca_fast_reg *fr, u64 *pl)
{
	struct page *page;
	u32 i;
	int ret;

	ret = fn->ops->page_list_read(fn, fr->page_list, fr->npages, pl);
	if (ret)
		return ret;
	for (i = 0; i < fr->npages; i++) {
		if (!vhca_fast_reg_entry_ok(pl[i], fr->page_shift))
			return -EINVAL;
		/* Translate it through the VMM's mapping once, now. */
		page = fn->ops->dma_page_get(fn, pl[i]);
		if (!page)
			return -EFAULT;
		fn->ops->dma_page_put(fn, pl[i]);
	}
	return 0;
}

/**
 * vhca_mr_fast_reg() - execute a fast-register work request
 * @fn: function of the QP that posted it
 * @pd: the QP's PD
 * @fr: the request
 *
 * The MR is the fast-register MR of @pd whose index the new key carries;
 * it must be invalid (IBA: registering a valid region is an error). The
 * page list is read from guest memory and every entry is checked before
 * anything changes; the region becomes valid under the new key.
 *
 * Context: process, inside the data-path SRCU read section.
 * Return: VHCA_WC_SUCCESS; VHCA_WC_LOC_PROT_ERR for a key that names no
 * fast-register MR of @pd, an MR that is valid, or a page list that is
 * not guest memory; VHCA_WC_LOC_QP_OP_ERR for an inconsistent request.
 */
u32 vhca_mr_fast_reg(struct vhca_function *fn, struct vhca_pd *pd,
		     const struct vhca_fast_reg *fr)
{
	u32 status = VHCA_WC_LOC_PROT_ERR;
	struct vhca_mr *mr;
	u64 *pl;

	mr = vhca_frmr_get(fn, pd, fr->key);
	if (!mr)
		return status;
	if (vhca_fast_reg_check(fr, mr->max_pages)) {
		status = VHCA_WC_LOC_QP_OP_ERR;
		goto out_put;
	}
	pl = kmalloc_array(fr->npages, sizeof(*pl), GFP_KERNEL);
	if (!pl) {
		status = VHCA_WC_LOC_QP_OP_ERR;
		goto out_put;
	}
	if (vhca_fast_reg_pages(fn, fr, pl))
		goto out_free;
	spin_lock(&mr->lock);
	if (mr->invalid) {
		memcpy(mr->pl, pl, fr->npages * sizeof(*pl));
		mr->pl_len = fr->npages;
		mr->page_shift = fr->page_shift;
		mr->iova = fr->iova;
		mr->length = fr->length;
		mr->access = fr->access;
		mr->key = fr->key;
		mr->invalid = false;
		status = VHCA_WC_SUCCESS;
	}
	spin_unlock(&mr->lock);
out_free:
	kfree(pl);
out_put:
	vhca_obj_put(&mr->obj);
	return status;
}

/**
 * vhca_mr_invalidate() - invalidate a fast-register MR by key
 * @fn:  function owning the key
 * @pd:  PD the invalidation happens in (the QP's)
 * @key: the full key, variant included
 *
 * Local invalidate and the responder side of send with invalidate. An MR
 * that is already invalid may be invalidated again.
 *
 * Context: process, inside the data-path SRCU read section.
 * Return: 0, or -EINVAL if @key is not the current key of a fast-register
 * MR of @pd.
 */
int vhca_mr_invalidate(struct vhca_function *fn, struct vhca_pd *pd, u32 key)
{
	struct vhca_mr *mr = vhca_frmr_get(fn, pd, key);
	int ret = -EINVAL;

	if (!mr)
		return ret;
	spin_lock(&mr->lock);
	if (mr->key == key) {
		mr->invalid = true;
		ret = 0;
	}
	spin_unlock(&mr->lock);
	vhca_obj_put(&mr->obj);
	return ret;
}
