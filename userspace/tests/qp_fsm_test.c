// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the QP state machine table (kernel/vhca_qp_fsm.c). */
#include "kselftest_harness.h"
#include "vhca_qp_fsm.h"

#define S VHCA_QP_STATE

TEST(rc_connect_sequence)
{
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_RESET, VHCA_QPS_INIT,
		S | VHCA_QP_PKEY_INDEX | VHCA_QP_PORT | VHCA_QP_ACCESS_FLAGS));
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_INIT, VHCA_QPS_RTR,
		S | VHCA_QP_AV | VHCA_QP_PATH_MTU | VHCA_QP_DEST_QPN |
		VHCA_QP_RQ_PSN | VHCA_QP_MAX_DEST_RD_ATOMIC | VHCA_QP_MIN_RNR_TIMER));
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_RTR, VHCA_QPS_RTS,
		S | VHCA_QP_SQ_PSN | VHCA_QP_TIMEOUT | VHCA_QP_RETRY_CNT |
		VHCA_QP_RNR_RETRY | VHCA_QP_MAX_QP_RD_ATOMIC));
}

TEST(missing_required_attribute_refused)
{
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_RESET, VHCA_QPS_INIT,
		S | VHCA_QP_PKEY_INDEX | VHCA_QP_PORT));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_INIT, VHCA_QPS_RTR,
		S | VHCA_QP_AV));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_UD, VHCA_QPS_RTR, VHCA_QPS_RTS, S));
}

TEST(unexpected_attribute_refused)
{
	/* DEST_QPN means nothing on a UD QP. */
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_UD, VHCA_QPS_INIT, VHCA_QPS_RTR,
		S | VHCA_QP_DEST_QPN));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_GSI, VHCA_QPS_RESET, VHCA_QPS_INIT,
		S | VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY | (1u << 21)));
}

TEST(gsi_and_ud_sequences)
{
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_GSI, VHCA_QPS_RESET, VHCA_QPS_INIT,
		S | VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY));
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_GSI, VHCA_QPS_INIT, VHCA_QPS_RTR, S));
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_GSI, VHCA_QPS_RTR, VHCA_QPS_RTS,
		S | VHCA_QP_SQ_PSN));
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_UD, VHCA_QPS_RESET, VHCA_QPS_INIT,
		S | VHCA_QP_PKEY_INDEX | VHCA_QP_PORT | VHCA_QP_QKEY));
	EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_UD, VHCA_QPS_SQE, VHCA_QPS_RTS, S));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_SQE, VHCA_QPS_RTS, S));
}

TEST(illegal_arcs_refused)
{
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_RESET, VHCA_QPS_RTS, S));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_INIT, VHCA_QPS_RTS, S));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_ERR, VHCA_QPS_RTS, S));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_RTS, VHCA_QPS_INIT, S));
}

TEST(reset_and_error_always_reachable)
{
	unsigned int s;

	for (s = 0; s < VHCA_QPS_COUNT; s++) {
		EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_RC, s, VHCA_QPS_RESET, S));
		EXPECT_TRUE(vhca_qp_transition_ok(VHCA_QPT_UD, s, VHCA_QPS_ERR, S));
	}
}

TEST(out_of_range_inputs)
{
	EXPECT_FALSE(vhca_qp_transition_ok(3, VHCA_QPS_RESET, VHCA_QPS_INIT, S));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, 7, VHCA_QPS_RESET, S));
	EXPECT_FALSE(vhca_qp_transition_ok(VHCA_QPT_RC, VHCA_QPS_RESET, 0xffffffff, S));
	EXPECT_FALSE(vhca_qp_type_valid(0));
	EXPECT_FALSE(vhca_qp_type_valid(3));
	EXPECT_TRUE(vhca_qp_type_valid(VHCA_QPT_UD));
	EXPECT_STREQ("invalid", vhca_qp_state_name(99));
	EXPECT_STREQ("RTS", vhca_qp_state_name(VHCA_QPS_RTS));
}

TEST(rnr_timer_table)
{
	EXPECT_EQ(655360, vhca_rnr_timer_us(0));
	EXPECT_EQ(10, vhca_rnr_timer_us(1));
	EXPECT_EQ(60, vhca_rnr_timer_us(5));
	EXPECT_EQ(640, vhca_rnr_timer_us(12));
	EXPECT_EQ(1280, vhca_rnr_timer_us(14));
	EXPECT_EQ(10240, vhca_rnr_timer_us(20));
	EXPECT_EQ(491520, vhca_rnr_timer_us(31));
	EXPECT_EQ(655360, vhca_rnr_timer_us(32));	/* 5 bits only */
	EXPECT_EQ(10, vhca_rnr_timer_us(33));
}

TEST_HARNESS_MAIN
