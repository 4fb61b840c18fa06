// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the PVRDMA capability block (vfio-mdev/pvrdma_caps.c): the
 * rules of spec section 17 hold for every quota a slice can have.
 */
#include "kselftest_harness.h"
#include "pvrdma_caps.h"

static bool pow2(u32 x)
{
	return x && !(x & (x - 1));
}

static void check_rules(struct __test_metadata *_metadata,
			const struct pvrdma_caps *c)
{
	ASSERT_TRUE(c->gid_types == PVRDMA_GID_TYPE_ROCE_V1 ||
		    c->gid_types == PVRDMA_GID_TYPE_ROCE_V2);
	ASSERT_TRUE(pow2(le32_to_cpu(c->max_uar)));
	ASSERT_GE(le32_to_cpu(c->max_uar), 2);
	ASSERT_GE(le32_to_cpu(c->max_qp), 1);
	ASSERT_LE(le32_to_cpu(c->max_qp), 65535);
	ASSERT_GE(le32_to_cpu(c->max_cq), 1);
	ASSERT_TRUE(pow2(le32_to_cpu(c->max_qp_wr)));
	ASSERT_GE(le32_to_cpu(c->max_qp_wr), 512);
	ASSERT_TRUE(pow2(le32_to_cpu(c->max_sge)));
	ASSERT_LE(le32_to_cpu(c->max_sge), 128);
	ASSERT_TRUE(pow2(le32_to_cpu(c->max_cqe)));
	ASSERT_GE(le32_to_cpu(c->max_cqe), 1024);
	ASSERT_TRUE(pow2(le32_to_cpu(c->max_srq_wr)));
	ASSERT_LE(le32_to_cpu(c->max_srq_sge), le32_to_cpu(c->max_sge));
	ASSERT_EQ(1, c->phys_port_cnt);
	ASSERT_EQ(PVRDMA_DEVICE_MODE_ROCE, c->mode);
	ASSERT_GE(le32_to_cpu(c->gid_tbl_len), 1);
	ASSERT_GE(le16_to_cpu(c->max_pkeys), 1);
	/* The guest uses FRWR only if all three BMME flags are set. */
	ASSERT_EQ(PVRDMA_BMME_FLAG_LOCAL_INV | PVRDMA_BMME_FLAG_REMOTE_INV |
		  PVRDMA_BMME_FLAG_FAST_REG_WR, c->bmme_flags);
	ASSERT_EQ(128, le32_to_cpu(c->max_fast_reg_page_list_len));
	/* Compare-and-swap and fetch-and-add are implemented: advertised. */
	ASSERT_EQ(PVRDMA_ATOMIC_OP_COMP_SWAP | PVRDMA_ATOMIC_OP_FETCH_ADD,
		  c->atomic_ops);
}

TEST(rules_hold_for_every_slice)
{
	static const u32 uars[] = { 4096, 2048, 512, 3, 1, 0, 1000 };
	struct pvrdma_caps_in in = { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } };
	struct pvrdma_caps c;
	unsigned int i;

	for (i = 0; i < sizeof(uars) / sizeof(uars[0]); i++) {
		in.max_qp = 1u << (i + 8);
		in.max_cq = i * 1000;
		in.max_srq = 100000000;
		in.max_uar = uars[i];
		pvrdma_caps_fill(&c, &in);
		check_rules(_metadata, &c);
	}
	in.max_qp = 1000000;
	pvrdma_caps_fill(&c, &in);
	EXPECT_EQ(65535, le32_to_cpu(c.max_qp));
	in.max_uar = 1000;
	pvrdma_caps_fill(&c, &in);
	EXPECT_EQ(512, le32_to_cpu(c.max_uar));
}

TEST(node_guid_is_eui64_of_mac)
{
	const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct pvrdma_caps_in in = { .max_uar = 8 };
	struct pvrdma_caps c;
	const u8 *g = (const u8 *)&c.node_guid;

	memcpy(in.mac, mac, 6);
	pvrdma_caps_fill(&c, &in);
	EXPECT_EQ(0x50, g[0]);
	EXPECT_EQ(0x54, g[1]);
	EXPECT_EQ(0x00, g[2]);
	EXPECT_EQ(0xff, g[3]);
	EXPECT_EQ(0xfe, g[4]);
	EXPECT_EQ(0x12, g[5]);
	EXPECT_EQ(0x56, g[7]);
	EXPECT_EQ(c.node_guid, c.sys_image_guid);
}

TEST_HARNESS_MAIN
