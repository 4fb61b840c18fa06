// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the unmap fences (vfio-mdev/vhca_fence.c). */
#include "kselftest_harness.h"
#include "vhca_fence.h"

TEST(a_fence_holds_its_range_until_it_lapses)
{
	struct vhca_fence f[VHCA_FENCES] = { };

	EXPECT_FALSE(vhca_fence_hit(f, 0, 1, 0));
	EXPECT_FALSE(vhca_fence_add(f, 0x10000, 0x4000, 100, 150));
	EXPECT_TRUE(vhca_fence_hit(f, 0x10000, 1, 100));
	EXPECT_TRUE(vhca_fence_hit(f, 0x13fff, 1, 149));
	EXPECT_TRUE(vhca_fence_hit(f, 0xf000, 0x1001, 120));	/* overlaps */
	EXPECT_FALSE(vhca_fence_hit(f, 0xf000, 0x1000, 120));	/* ends before */
	EXPECT_FALSE(vhca_fence_hit(f, 0x14000, 0x1000, 120));	/* starts after */
	EXPECT_FALSE(vhca_fence_hit(f, 0x10000, 1, 150));	/* lapsed */
}

TEST(the_same_range_again_is_a_retry)
{
	struct vhca_fence f[VHCA_FENCES] = { };

	EXPECT_FALSE(vhca_fence_add(f, 0x10000, 0x4000, 100, 150));
	EXPECT_TRUE(vhca_fence_add(f, 0x10000, 0x4000, 110, 160));
	EXPECT_TRUE(vhca_fence_hit(f, 0x10000, 1, 155));	/* extended */
	EXPECT_FALSE(vhca_fence_add(f, 0x10000, 0x4000, 170, 220)); /* lapsed */
	EXPECT_FALSE(vhca_fence_add(f, 0x10000, 0x2000, 171, 221)); /* other */
}

TEST(a_full_table_reuses_the_fence_lapsing_first)
{
	struct vhca_fence f[VHCA_FENCES] = { };
	unsigned int i;

	for (i = 0; i < VHCA_FENCES; i++)
		vhca_fence_add(f, i * 0x10000, 0x1000, 100 + i, 200 + i);
	vhca_fence_add(f, 0x100000, 0x1000, 110, 300);
	EXPECT_FALSE(vhca_fence_hit(f, 0, 1, 150));		/* replaced */
	for (i = 1; i < VHCA_FENCES; i++)
		EXPECT_TRUE(vhca_fence_hit(f, i * 0x10000, 1, 150));
	EXPECT_TRUE(vhca_fence_hit(f, 0x100000, 1, 150));
}

TEST(ranges_at_the_top_of_the_address_space_saturate)
{
	struct vhca_fence f[VHCA_FENCES] = { };

	vhca_fence_add(f, ~0ull - 0xfff, 0x2000, 1, 2);
	EXPECT_TRUE(vhca_fence_hit(f, ~0ull - 1, 1, 1));
	EXPECT_TRUE(vhca_fence_hit(f, ~0ull - 0x1000, ~0ull, 1));
	EXPECT_FALSE(vhca_fence_hit(f, 0, 0x1000, 1));
}

TEST_HARNESS_MAIN
