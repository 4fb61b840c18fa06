// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory of an instance. Small control structures (DSR, command and
 * response slots, page directories) are copied with vfio_dma_rw(); memory
 * the device keeps using (rings, MR pages) is pinned with vfio_pin_pages()
 * into a &struct vhca_mdev_pages, tracked so that the VMM unmapping any of
 * it (.dma_unmap) revokes the owner and unpins before vfio frees the range.
 */
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "vhca_mdev.h"

/*
 * How long an unmapped range stays fenced. vfio looks for pins again right
 * after .dma_unmap returns; the margin covers a VMM thread preempted in
 * between. A VMM that maps the range again sooner than this sees pins of
 * it fail until then (the guest gets error completions).
 */
#define VHCA_MDEV_FENCE_MS	200

/**
 * vhca_mdev_fenced() - may nothing be pinned in a range now
 * @vm:   the instance
 * @iova: first guest address
 * @len:  bytes, at least 1
 *
 * Context: process (commands and data-path turns); takes
 * &vhca_mdev.fence_lock.
 * Return: true while [@iova, @iova + @len) touches a range the VMM unmapped
 * less than %VHCA_MDEV_FENCE_MS ago.
 */
bool vhca_mdev_fenced(struct vhca_mdev *vm, u64 iova, u64 len)
{
	bool hit;

	spin_lock(&vm->fence_lock);
	hit = vhca_fence_hit(vm->fences, iova, len, get_jiffies_64());
	spin_unlock(&vm->fence_lock);
	return hit;
}

static void vhca_mdev_fence(struct vhca_mdev *vm, u64 iova, u64 len)
{
	u64 now = get_jiffies_64();
	bool again;

	spin_lock(&vm->fence_lock);
	again = vhca_fence_add(vm->fences, iova, len, now,
			       now + msecs_to_jiffies(VHCA_MDEV_FENCE_MS) + 1);
	spin_unlock(&vm->fence_lock);
	if (again)
		vm->counters.unmap_repeats++;
}

/**
 * vhca_mdev_dma_read() - copy guest memory into a host buffer
 * @vm:  the instance
 * @gpa: guest bus address
 * @buf: destination
 * @len: bytes
 *
 * Return: 0, or -EFAULT if any byte is not mapped for the device.
 */
int vhca_mdev_dma_read(struct vhca_mdev *vm, u64 gpa, void *buf, size_t len)
{
	return vfio_dma_rw(&vm->vdev, gpa, buf, len, false) ? -EFAULT : 0;
}

/**
 * vhca_mdev_dma_write() - copy a host buffer into guest memory
 * @vm:  the instance
 * @gpa: guest bus address
 * @buf: source
 * @len: bytes
 *
 * Return: 0, or -EFAULT if any byte is not mapped for the device.
 */
int vhca_mdev_dma_write(struct vhca_mdev *vm, u64 gpa, const void *buf,
			size_t len)
{
	return vfio_dma_rw(&vm->vdev, gpa, (void *)buf, len, true) ? -EFAULT : 0;
}

/* Pages from @iovas[@i] on that are contiguous: one vfio call for them. */
static u32 vhca_mdev_run(const u64 *iovas, u32 i, u32 npages)
{
	u32 run = 1;

	while (i + run < npages && run < VFIO_PIN_PAGES_MAX_ENTRIES &&
	       iovas[i + run] == iovas[i] + (u64)run * PAGE_SIZE)
		run++;
	return run;
}

static void vhca_mdev_unpin_runs(struct vhca_mdev *vm, const u64 *iovas,
				 u32 npages)
{
	u32 i, run;

	for (i = 0; i < npages; i += run) {
		run = vhca_mdev_run(iovas, i, npages);
		vfio_unpin_pages(&vm->vdev, iovas[i], run);
	}
}

/* Pin the pages in as few calls as possible; none in a fenced range. */
static int vhca_mdev_pin_runs(struct vhca_mdev *vm, const u64 *iovas,
			      u32 npages, struct page **pages)
{
	u32 i, run;
	int ret;

	for (i = 0; i < npages; i += run) {
		run = vhca_mdev_run(iovas, i, npages);
		if (vhca_mdev_fenced(vm, iovas[i], (u64)run * PAGE_SIZE))
			ret = -EFAULT;
		else
			ret = vfio_pin_pages(&vm->vdev, iovas[i], run,
					     IOMMU_READ | IOMMU_WRITE, pages + i);
		if (ret != run) {
			if (ret > 0)
				vfio_unpin_pages(&vm->vdev, iovas[i], ret);
			vhca_mdev_unpin_runs(vm, iovas, i);
			return -EFAULT;
		}
	}
	return 0;
}

/**
 * vhca_mdev_pages_pin() - pin guest pages for an object
 * @vm:     the instance
 * @iovas:  page-aligned guest addresses, @npages of them; the array is
 *          taken over (freed with the set)
 * @npages: count, at least 1
 * @revoke: called (with &vhca_mdev.lock held) if the VMM unmaps any of the
 *          pages while the set exists; may be NULL
 * @owner:  passed to @revoke
 *
 * Context: process; takes &vhca_mdev.pin_lock.
 * Return: the pinned set, ERR_PTR(-EDQUOT) when the instance's pinned-page
 * quota would be exceeded, ERR_PTR(-EFAULT) if a page is not mapped, or
 * ERR_PTR(-ENOMEM). On error @iovas is freed too.
 */
struct vhca_mdev_pages *vhca_mdev_pages_pin(struct vhca_mdev *vm, u64 *iovas,
					    u32 npages,
					    void (*revoke)(void *owner),
					    void *owner)
{
	struct vhca_mdev_pages *set;
	int ret = -ENOMEM;

	set = kzalloc(sizeof(*set), GFP_KERNEL);
	if (!set)
		goto err_free_iovas;
	set->pages = kvcalloc(npages, sizeof(*set->pages), GFP_KERNEL);
	if (!set->pages)
		goto err_free_set;
	mutex_lock(&vm->pin_lock);
	ret = -EDQUOT;
	if (vm->pinned_pages + npages <= vm->fn->quota.pinned_pages)
		ret = vhca_mdev_pin_runs(vm, iovas, npages, set->pages);
	if (ret) {
		mutex_unlock(&vm->pin_lock);
		goto err_free_pages;
	}
	set->iovas = iovas;
	set->npages = npages;
	set->revoke = revoke;
	set->owner = owner;
	list_add(&set->node, &vm->pinned);
	vm->pinned_pages += npages;
	mutex_unlock(&vm->pin_lock);
	return set;

err_free_pages:
	kvfree(set->pages);
err_free_set:
	kfree(set);
err_free_iovas:
	kvfree(iovas);
	return ERR_PTR(ret);
}

static void vhca_mdev_pages_unpin(struct vhca_mdev *vm,
				  struct vhca_mdev_pages *set)
{
	lockdep_assert_held(&vm->pin_lock);
	if (!set->npages)
		return;
	vhca_mdev_unpin_runs(vm, set->iovas, set->npages);
	vm->pinned_pages -= set->npages;
	list_del(&set->node);
	set->npages = 0;
}

/**
 * vhca_mdev_pages_release() - unpin (if still pinned) and free a set
 * @vm:  the instance
 * @set: from vhca_mdev_pages_pin(), or NULL
 *
 * Context: process; takes &vhca_mdev.pin_lock.
 */
void vhca_mdev_pages_release(struct vhca_mdev *vm, struct vhca_mdev_pages *set)
{
	if (!set)
		return;
	mutex_lock(&vm->pin_lock);
	vhca_mdev_pages_unpin(vm, set);
	mutex_unlock(&vm->pin_lock);
	kvfree(set->iovas);
	kvfree(set->pages);
	kfree(set);
}

/**
 * vhca_mdev_pages_rw() - copy to or from a pinned set
 * @set:      the set (not revoked)
 * @offset:   byte offset inside the set, pages in order
 * @buf:      host buffer
 * @len:      bytes; must stay inside the set
 * @is_write: copy into the guest
 *
 * Context: any process context; the caller keeps @set alive.
 * Return: 0, or -EFAULT if the set was revoked or the range leaves it.
 */
int vhca_mdev_pages_rw(struct vhca_mdev_pages *set, u64 offset, void *buf,
		       size_t len, bool is_write)
{
	size_t chunk;
	void *va;

	if (!set->npages || offset > (u64)set->npages * PAGE_SIZE ||
	    len > (u64)set->npages * PAGE_SIZE - offset)
		return -EFAULT;
	while (len) {
		chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(offset));
		va = kmap_local_page(set->pages[offset >> PAGE_SHIFT]);
		if (is_write)
			memcpy(va + offset_in_page(offset), buf, chunk);
		else
			memcpy(buf, va + offset_in_page(offset), chunk);
		kunmap_local(va);
		buf += chunk;
		offset += chunk;
		len -= chunk;
	}
	return 0;
}

static bool vhca_mdev_pages_overlap(const struct vhca_mdev_pages *set,
				    u64 iova, u64 len)
{
	u64 end;
	u32 i;

	if (check_add_overflow(iova, len, &end))
		end = U64_MAX;
	for (i = 0; i < set->npages; i++)
		if (set->iovas[i] < end && set->iovas[i] + PAGE_SIZE > iova)
			return true;
	return false;
}

/**
 * vhca_mdev_dma_unmap() - the VMM unmapped [@iova, @iova + @len)
 * @vdev: the instance's vfio device
 * @iova: start
 * @len:  bytes
 *
 * The range is fenced, every pinned set touching it is revoked (its owner
 * is told and puts its object in an error state), the data path is waited
 * for (it may hold transient pins of DMA-MR pages or be copying into a
 * revoked set), and the sets are unpinned: vfio requires every pin in the
 * range to be gone when this returns, and the fence keeps new ones out
 * while vfio looks again and removes the mapping.
 */
void vhca_mdev_dma_unmap(struct vfio_device *vdev, u64 iova, u64 len)
{
	struct vhca_mdev *vm = vdev_to_vhca_mdev(vdev);
	struct vhca_mdev_pages *set;
	LIST_HEAD(hit);

	mutex_lock(&vm->lock);
	/* From now on nothing new is pinned in the range, see vhca_fence.h. */
	vhca_mdev_fence(vm, iova, len);
	mutex_lock(&vm->pin_lock);
	list_for_each_entry(set, &vm->pinned, node)
		if (vhca_mdev_pages_overlap(set, iova, len))
			list_add_tail(&set->revoking, &hit);
	mutex_unlock(&vm->pin_lock);
	list_for_each_entry(set, &hit, revoking) {
		vm->counters.revoked++;
		if (set->revoke)
			set->revoke(set->owner);
	}
	vhca_function_quiesce();
	mutex_lock(&vm->pin_lock);
	list_for_each_entry(set, &hit, revoking)
		vhca_mdev_pages_unpin(vm, set);
	mutex_unlock(&vm->pin_lock);
	mutex_unlock(&vm->lock);
}

/**
 * vhca_mdev_pinned_pages() - pages the instance holds pinned now
 * @vm: the instance
 *
 * Return: the count.
 */
u64 vhca_mdev_pinned_pages(struct vhca_mdev *vm)
{
	u64 n;

	mutex_lock(&vm->pin_lock);
	n = vm->pinned_pages;
	mutex_unlock(&vm->pin_lock);
	return n;
}
