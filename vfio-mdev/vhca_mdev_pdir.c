// SPDX-License-Identifier: GPL-2.0-only
/*
 * PVRDMA page directories (spec section 7): a directory page of page-table
 * addresses, each table a page of data-page addresses. The guest may
 * rewrite them at any time, so they are read once, validated, and the
 * resulting page list is what gets pinned; nothing walks them again.
 */
#include <linux/slab.h>

#include "vhca_mdev.h"

static bool vhca_mdev_page_addr_ok(u64 addr)
{
	return addr && !(addr & (PVRDMA_UAR_PAGE_SIZE - 1));
}

static int vhca_mdev_pdir_read(struct vhca_mdev *vm, u64 pdir, u32 npages,
			       u64 *iovas)
{
	u32 ntables = (npages - 1) / PVRDMA_PDIR_ENTRIES + 1;
	__le64 *raw = (__le64 *)iovas;
	__le64 *tables;
	u32 t, n, i;
	u64 table;
	int ret;

	tables = kmalloc_array(ntables, sizeof(*tables), GFP_KERNEL);
	if (!tables)
		return -ENOMEM;
	ret = vhca_mdev_dma_read(vm, pdir, tables, ntables * sizeof(*tables));
	for (t = 0; !ret && t < ntables; t++) {
		table = le64_to_cpu(tables[t]);
		if (!vhca_mdev_page_addr_ok(table)) {
			ret = -EINVAL;
			break;
		}
		n = min_t(u32, PVRDMA_PDIR_ENTRIES,
			  npages - t * PVRDMA_PDIR_ENTRIES);
		ret = vhca_mdev_dma_read(vm, table, raw + t * PVRDMA_PDIR_ENTRIES,
					 n * sizeof(*raw));
	}
	kfree(tables);
	if (ret)
		return ret;
	for (i = 0; i < npages; i++) {
		iovas[i] = le64_to_cpu(raw[i]);
		if (!vhca_mdev_page_addr_ok(iovas[i]))
			return -EINVAL;
	}
	return 0;
}

/**
 * vhca_mdev_pdir_addrs() - read the first @npages addresses of a directory
 * @vm:     the instance
 * @pdir:   guest address of the directory page
 * @npages: entries wanted, at least 1
 * @iovas:  filled with page-aligned, non-zero guest addresses
 *
 * For lists the guest rewrites between uses (fast-register page lists):
 * nothing is pinned, the caller copies what it needs.
 *
 * Context: process; takes no lock of the instance.
 * Return: 0, -EINVAL for a bad count, directory or entry, or -EFAULT for
 * unmapped memory.
 */
int vhca_mdev_pdir_addrs(struct vhca_mdev *vm, u64 pdir, u32 npages,
			 u64 *iovas)
{
	if (!npages || npages > PVRDMA_PDIR_MAX_PAGES ||
	    !vhca_mdev_page_addr_ok(pdir))
		return -EINVAL;
	return vhca_mdev_pdir_read(vm, pdir, npages, iovas);
}

/**
 * vhca_mdev_pdir_pin() - read a page directory and pin the pages it lists
 * @vm:     the instance
 * @pdir:   guest address of the directory page
 * @npages: pages the command says the object has
 * @revoke: owner callback for vhca_mdev_pages_pin()
 * @owner:  its argument
 *
 * Context: caller holds &vhca_mdev.lock.
 * Return: the pinned set, or ERR_PTR(-EINVAL) for a bad count, directory or
 * entry, -EFAULT for unmapped memory, -EDQUOT or -ENOMEM.
 */
struct vhca_mdev_pages *vhca_mdev_pdir_pin(struct vhca_mdev *vm, u64 pdir,
					   u32 npages,
					   void (*revoke)(void *owner),
					   void *owner)
{
	u64 *iovas;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != PVRDMA_UAR_PAGE_SIZE);
	if (!npages || npages > PVRDMA_PDIR_MAX_PAGES ||
	    !vhca_mdev_page_addr_ok(pdir))
		return ERR_PTR(-EINVAL);
	if (vm->pinned_pages + npages > vm->fn->quota.pinned_pages)
		return ERR_PTR(-EDQUOT);
	iovas = kvmalloc_array(npages, sizeof(*iovas), GFP_KERNEL);
	if (!iovas)
		return ERR_PTR(-ENOMEM);
	ret = vhca_mdev_pdir_read(vm, pdir, npages, iovas);
	if (ret) {
		kvfree(iovas);
		return ERR_PTR(ret);
	}
	return vhca_mdev_pages_pin(vm, iovas, npages, revoke, owner);
}
