// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fences on guest address ranges the VMM is unmapping; see vhca_fence.h.
 * Clock values are whatever monotonic unit the caller uses (jiffies in the
 * kernel); the caller serialises access to the table.
 */
#include "vhca_fence.h"

static u64 vhca_fence_end(u64 start, u64 len)
{
	return start + len < start ? U64_MAX : start + len;
}

/**
 * vhca_fence_add() - fence [@start, @start + @len) until @until
 * @fences: the instance's table of %VHCA_FENCES
 * @start:  first guest address
 * @len:    bytes
 * @now:    the clock now
 * @until:  when the fence lapses (after @now)
 *
 * The range takes the slot it already has, else a lapsed one, else the
 * one that would lapse first (with %VHCA_FENCES unmaps in flight at once
 * the oldest is done).
 *
 * Return: true if the same range was still fenced: vfio asked again.
 */
bool vhca_fence_add(struct vhca_fence *fences, u64 start, u64 len, u64 now,
		    u64 until)
{
	u64 end = vhca_fence_end(start, len);
	struct vhca_fence *slot = &fences[0];
	unsigned int i;
	bool again;

	for (i = 0; i < VHCA_FENCES; i++) {
		if (fences[i].start == start && fences[i].end == end &&
		    fences[i].until) {
			slot = &fences[i];
			break;
		}
		if (fences[i].until < slot->until)
			slot = &fences[i];
	}
	again = slot->start == start && slot->end == end && slot->until > now;
	slot->start = start;
	slot->end = end;
	slot->until = until;
	return again;
}

/**
 * vhca_fence_hit() - does [@start, @start + @len) touch a fence holding now
 * @fences: the instance's table
 * @start:  first guest address
 * @len:    bytes, at least 1
 * @now:    the clock now
 *
 * Return: true if nothing may be pinned in the range now.
 */
bool vhca_fence_hit(const struct vhca_fence *fences, u64 start, u64 len,
		    u64 now)
{
	u64 end = vhca_fence_end(start, len);
	unsigned int i;

	for (i = 0; i < VHCA_FENCES; i++)
		if (now < fences[i].until && start < fences[i].end &&
		    fences[i].start < end)
			return true;
	return false;
}
