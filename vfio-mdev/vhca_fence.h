/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fences on guest address ranges the VMM is unmapping. vfio type1 calls
 * .dma_unmap with its iommu lock dropped, then takes it again and looks for
 * pins in the range once more; a pin found there makes it call .dma_unmap
 * again, and after ten such retries it BUG()s. The data path pins single
 * pages (DMA and fast-register MRs) per access and commands pin the memory
 * of new objects, either of which could land between our return and that
 * second look. So an unmapped range stays fenced for a while: nothing new
 * is pinned in it until the fence lapses. Pure code: compiles in userspace
 * for the unit tests.
 */
#ifndef _VHCA_FENCE_H
#define _VHCA_FENCE_H

#include "codec_types.h"

#define VHCA_FENCES	4	/* unmaps in flight at once, per instance */

/**
 * struct vhca_fence - one fenced range
 * @start: first guest address
 * @end:   first address past the range
 * @until: the fence holds while the clock is before this (0: free slot)
 */
struct vhca_fence {
	u64 start;
	u64 end;
	u64 until;
};

bool vhca_fence_add(struct vhca_fence *fences, u64 start, u64 len, u64 now,
		    u64 until);
bool vhca_fence_hit(const struct vhca_fence *fences, u64 start, u64 len,
		    u64 now);

#endif /* _VHCA_FENCE_H */
