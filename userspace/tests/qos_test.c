// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the QoS arithmetic (kernel/vhca_qos_math.c). */
#include "kselftest_harness.h"
#include "vhca_qos.h"

TEST(ranges)
{
	EXPECT_FALSE(vhca_qos_weight_valid(0));
	EXPECT_TRUE(vhca_qos_weight_valid(1));
	EXPECT_TRUE(vhca_qos_weight_valid(100));
	EXPECT_FALSE(vhca_qos_weight_valid(101));
	EXPECT_TRUE(vhca_qos_rate_valid(0));
	EXPECT_TRUE(vhca_qos_rate_valid(1000000));
	EXPECT_FALSE(vhca_qos_rate_valid(1000001));
	EXPECT_FALSE(vhca_qos_rate_valid(0xffffffff));
}

TEST(cost_is_inverse_to_weight)
{
	EXPECT_EQ(100 * 4096, vhca_qos_cost(4096, 1));
	EXPECT_EQ(10 * 4096, vhca_qos_cost(4096, 10));
	EXPECT_EQ(4096, vhca_qos_cost(4096, 100));
	/* Weight 10 moves ten times the bytes of weight 1 per unit. */
	EXPECT_EQ(vhca_qos_cost(1000, 1), vhca_qos_cost(10000, 10));
	EXPECT_EQ(~0ull, vhca_qos_cost(~0ull / 2, 1));	/* saturates */
	EXPECT_EQ(100 * 7, vhca_qos_cost(7, 0));	/* bad weight = 1 */
}

TEST(bucket_refills_at_the_rate_up_to_the_burst)
{
	/* 8 Mbit/s = 1 MB/s: 1 ms adds 1000 bytes. */
	EXPECT_EQ(1000 - 5000, vhca_qos_refill(-5000, 1000000, 8));
	EXPECT_EQ(65536, vhca_qos_burst(8));		/* floor */
	EXPECT_EQ(65536, vhca_qos_refill(60000, 1000000000, 8));
	/* 10 Gbit/s: 50 ms worth = 62.5 MB. */
	EXPECT_EQ(62500000, vhca_qos_burst(10000));
	/* Hours idle cannot overflow. */
	EXPECT_EQ(vhca_qos_burst(1000000),
		  vhca_qos_refill(0, 3600ull * 1000000000, 1000000));
}

TEST(wait_until_a_token)
{
	EXPECT_EQ(0, vhca_qos_wait_ns(1, 8));
	EXPECT_EQ(0, vhca_qos_wait_ns(-100, 0));
	/* 1 MB/s: a 0.5 MB debt (+1) is ~0.5 s. */
	EXPECT_EQ(500001000, vhca_qos_wait_ns(-500000, 8));
	EXPECT_EQ(1000, vhca_qos_wait_ns(0, 8));
	/* One wait is at most a second, however deep the debt. */
	EXPECT_EQ(1000000000, vhca_qos_wait_ns(-1000000, 8));
	EXPECT_EQ(1000000000, vhca_qos_wait_ns(-VHCA_QOS_TOKENS_MIN, 1));
}

TEST(a_deep_debt_refills_in_proportion_to_time)
{
	/* 8 Mbit/s: 10 s pay back 10 MB of a 20 MB debt, not just 1 s worth. */
	EXPECT_EQ(-10000000, vhca_qos_refill(-20000000, 10000000000ull, 8));
	/* The deepest debt at the highest rate: no overflow, capped. */
	EXPECT_EQ(vhca_qos_burst(1000000),
		  vhca_qos_refill(-VHCA_QOS_TOKENS_MIN, ~0ull, 1000000));
	EXPECT_LT(-VHCA_QOS_TOKENS_MIN,
		  vhca_qos_refill(-VHCA_QOS_TOKENS_MIN, ~0ull, 1));
}

TEST_HARNESS_MAIN
