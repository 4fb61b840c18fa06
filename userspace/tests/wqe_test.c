// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the WQE/CQE codecs (vfio-mdev/pvrdma_wqe.c): the opcode
 * numbering of the two guest stacks, the fast-register fields, and the
 * completion opcodes and flags each stack reads.
 */
#include "kselftest_harness.h"
#include "pvrdma_wqe.h"

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);	/* the tests run on little-endian hosts */
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static void decode(u32 opcode, bool kernel, u8 *wqe, struct vhca_send_wr *wr)
{
	struct pvrdma_sq_ctx ctx = { .wqe_size = 128, .max_sge = 2,
				     .kernel = kernel };

	put32(wqe + 16, opcode);
	pvrdma_send_wqe_decode(wqe, &ctx, wr);
}

TEST(opcodes_of_both_stacks)
{
	u8 wqe[128] = { 0 };
	struct vhca_send_wr wr;

	decode(8, true, wqe, &wr);
	EXPECT_EQ(VHCA_WR_SEND_WITH_INV, wr.opcode);
	decode(10, true, wqe, &wr);
	EXPECT_EQ(VHCA_WR_LOCAL_INV, wr.opcode);
	decode(11, true, wqe, &wr);
	EXPECT_EQ(VHCA_WR_FAST_REG, wr.opcode);
	decode(7, true, wqe, &wr);	/* LSO */
	EXPECT_EQ(VHCA_WR_BAD, wr.opcode);
	decode(9, false, wqe, &wr);
	EXPECT_EQ(VHCA_WR_SEND_WITH_INV, wr.opcode);
	decode(7, false, wqe, &wr);
	EXPECT_EQ(VHCA_WR_LOCAL_INV, wr.opcode);
	decode(11, false, wqe, &wr);	/* rdma-core cannot fast-register */
	EXPECT_EQ(VHCA_WR_BAD, wr.opcode);
	decode(0xffffffff, true, wqe, &wr);
	EXPECT_EQ(VHCA_WR_BAD, wr.opcode);
}

TEST(fast_reg_fields)
{
	u8 wqe[128] = { 0 };
	struct vhca_send_wr wr;

	put64(wqe + 32, 0x40000100);		/* iova_start */
	put64(wqe + 40, 0x123000);		/* pl_pdir_dma */
	put32(wqe + 48, 12);			/* page_shift */
	put32(wqe + 52, 3);			/* page_list_len */
	put32(wqe + 56, 0x2f00);		/* length */
	put32(wqe + 60, 0x7 | BIT(20));		/* access, relaxed ordering */
	put32(wqe + 64, 0x1a2b);		/* rkey */
	decode(11, true, wqe, &wr);
	EXPECT_EQ(0x40000100, wr.fr.iova);
	EXPECT_EQ(0x123000, wr.fr.page_list);
	EXPECT_EQ(12, wr.fr.page_shift);
	EXPECT_EQ(3, wr.fr.npages);
	EXPECT_EQ(0x2f00, wr.fr.length);
	EXPECT_EQ(0x7, wr.fr.access);	/* optional bits dropped */
	EXPECT_EQ(0x1a2b, wr.fr.key);
}

TEST(invalidate_key_comes_from_the_ex_field)
{
	u8 wqe[128] = { 0 };
	struct vhca_send_wr wr;

	put32(wqe + 24, 0xabcd01);
	decode(10, true, wqe, &wr);
	EXPECT_EQ(0xabcd01, wr.imm);
	decode(8, true, wqe, &wr);
	EXPECT_EQ(0xabcd01, wr.imm);
}

TEST(completion_opcodes_per_stack)
{
	struct vhca_wc wc = { .opcode = VHCA_WC_LOCAL_INV };
	u8 cqe[64];

	pvrdma_cqe_encode(&wc, true, 0, cqe);
	EXPECT_EQ(7, get32(cqe + 16));	/* PVRDMA_WC_LOCAL_INV */
	pvrdma_cqe_encode(&wc, false, 0, cqe);
	EXPECT_EQ(6, get32(cqe + 16));	/* IBV_WC_LOCAL_INV */
	wc.opcode = VHCA_WC_REG_MR;
	pvrdma_cqe_encode(&wc, true, 0, cqe);
	EXPECT_EQ(8, get32(cqe + 16));	/* PVRDMA_WC_FAST_REG_MR */
	wc.opcode = VHCA_WC_RDMA_READ;
	pvrdma_cqe_encode(&wc, true, 0, cqe);
	EXPECT_EQ(2, get32(cqe + 16));
}

TEST(with_invalidate_flag_per_stack)
{
	struct vhca_wc wc = { .opcode = VHCA_WC_RECV, .imm = 0x4455,
			      .flags = VHCA_WC_WITH_INVALIDATE };
	u8 cqe[64];

	pvrdma_cqe_encode(&wc, true, 0, cqe);
	EXPECT_EQ(BIT(2), get32(cqe + 36));	/* IB_WC_WITH_INVALIDATE */
	EXPECT_EQ(0x4455, get32(cqe + 28));	/* ex.invalidate_rkey */
	pvrdma_cqe_encode(&wc, false, 0, cqe);
	EXPECT_EQ(BIT(3), get32(cqe + 36));	/* IBV_WC_WITH_INV */
}

TEST_HARNESS_MAIN
