// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the PVRDMA ring arithmetic (vfio-mdev/pvrdma_ring.c). */
#include "kselftest_harness.h"
#include "pvrdma_ring.h"

/* Walk the guest's increment from 0 and measure what it really does. */
static void simulate(u32 n, u32 *period, u32 *slots)
{
	static unsigned char seen[1 << 16];
	struct pvrdma_ring_geom g = { .n = n };
	u32 idx = 0, steps = 0;

	memset(seen, 0, sizeof(seen));
	*slots = 0;
	do {
		if (!seen[idx & (n - 1)]++)
			(*slots)++;
		idx = (idx + 1) & (2 * n - 1);
		steps++;
	} while (idx && steps < (1u << 20));
	*period = steps;
	(void)g;
}

TEST(power_of_two_rings)
{
	struct pvrdma_ring_geom g;

	pvrdma_ring_geom_init(&g, 1024);
	EXPECT_EQ(2048, g.period);
	EXPECT_EQ(1024, g.slots);
	EXPECT_EQ(0, pvrdma_idx_inc(&g, 2047));
	EXPECT_EQ(1024, pvrdma_idx_inc(&g, 1023));
	EXPECT_EQ(5, pvrdma_idx_slot(&g, 1029));
	EXPECT_TRUE(pvrdma_idx_valid(&g, 2047));
	EXPECT_FALSE(pvrdma_idx_valid(&g, 2048));
	EXPECT_FALSE(pvrdma_idx_valid(&g, 0xffffffff));
	EXPECT_EQ(1024, pvrdma_ring_used(&g, 1024, 0));	/* full */
	EXPECT_EQ(3, pvrdma_ring_used(&g, 1, 2046));	/* across the wrap */
}

TEST(device_ring_quirk_matches_simulation)
{
	static const u32 sizes[] = { 1536, 3072, 1, 2, 64, 4096, 96, 1000 };
	struct pvrdma_ring_geom g;
	u32 period, slots, i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pvrdma_ring_geom_init(&g, sizes[i]);
		simulate(sizes[i], &period, &slots);
		EXPECT_EQ(period, g.period) TH_LOG("n=%u", sizes[i]);
		EXPECT_GE(slots, g.slots) TH_LOG("n=%u", sizes[i]);
	}
	pvrdma_ring_geom_init(&g, 1536);
	EXPECT_EQ(1024, g.period);
	EXPECT_EQ(512, g.slots);
	pvrdma_ring_geom_init(&g, 3072);
	EXPECT_EQ(2048, g.period);
	EXPECT_EQ(1024, g.slots);
}

/* With at most @slots outstanding, producer and consumer never collide. */
TEST(bounded_producer_never_overwrites)
{
	static const u32 sizes[] = { 1536, 3072, 8, 1024 };
	struct pvrdma_ring_geom g;
	u32 i, k;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		u32 head = 0, tail = 0;
		static int owner[4096];

		pvrdma_ring_geom_init(&g, sizes[i]);
		memset(owner, -1, sizeof(owner));
		for (k = 0; k < 100000; k++) {
			if ((k % 7) != 3 && pvrdma_ring_used(&g, tail, head) < g.slots) {
				u32 s = pvrdma_idx_slot(&g, tail);

				ASSERT_EQ(-1, owner[s]) TH_LOG("n=%u overwrote slot %u", sizes[i], s);
				owner[s] = tail;
				tail = pvrdma_idx_inc(&g, tail);
			} else if (tail != head) {
				u32 s = pvrdma_idx_slot(&g, head);

				ASSERT_EQ(head, owner[s]);
				owner[s] = -1;
				head = pvrdma_idx_inc(&g, head);
			}
		}
	}
}

TEST(hostile_indices_stay_in_bounds)
{
	struct pvrdma_ring_geom g;
	u32 idx;

	pvrdma_ring_geom_init(&g, 1536);
	for (idx = 0; idx < (1u << 16); idx++)
		ASSERT_LT(pvrdma_idx_slot(&g, idx), 1536);
	for (idx = 0xffff0000u; idx; idx++)
		ASSERT_LT(pvrdma_idx_slot(&g, idx), 1536);
	EXPECT_LT(pvrdma_ring_used(&g, 5, 0xffffffff), g.period);
}

TEST_HARNESS_MAIN
