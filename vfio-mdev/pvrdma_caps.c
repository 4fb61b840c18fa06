// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capability block of a PVRDMA device. The guest driver trusts these values
 * (spec section 17): powers of two where it rounds, handles bounded by the
 * table sizes it allocates, exactly one GID type. Every rule is enforced
 * here and checked by the unit tests.
 */
#include "pvrdma_caps.h"

/**
 * pvrdma_node_guid() - modified EUI-64 of a MAC address
 * @mac: the MAC
 *
 * Return: the GUID in host order (bytes mac0^2 mac1 mac2 ff fe mac3..5).
 */
u64 pvrdma_node_guid(const u8 mac[6])
{
	return (u64)(mac[0] ^ 2) << 56 | (u64)mac[1] << 48 |
	       (u64)mac[2] << 40 | 0xfffeull << 24 |
	       (u64)mac[3] << 16 | (u64)mac[4] << 8 | mac[5];
}

static u32 pvrdma_clamp(u32 v, u32 lo, u32 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/**
 * pvrdma_caps_fill() - build the capability block
 * @caps: zeroed or not; every byte is written
 * @in:   the instance's limits
 */
void pvrdma_caps_fill(struct pvrdma_caps *caps, const struct pvrdma_caps_in *in)
{
	u32 uar = in->max_uar;

	memset(caps, 0, sizeof(*caps));
	/* max_uar must be a power of two >= 2: round down, never below 2. */
	while (uar & (uar - 1))
		uar &= uar - 1;
	caps->fw_ver = cpu_to_le64(1ull << 32);
	caps->node_guid = cpu_to_be64(pvrdma_node_guid(in->mac));
	caps->sys_image_guid = caps->node_guid;
	caps->max_mr_size = cpu_to_le64(PVRDMA_CAP_MAX_MR_SIZE);
	caps->page_size_cap = cpu_to_le64(0x1000);
	caps->vendor_id = cpu_to_le32(0x15ad);
	caps->vendor_part_id = cpu_to_le32(0x0820);
	caps->hw_ver = cpu_to_le32(1);
	caps->max_qp = cpu_to_le32(pvrdma_clamp(in->max_qp, 2, PVRDMA_CAP_MAX_QP));
	caps->max_qp_wr = cpu_to_le32(PVRDMA_CAP_MAX_QP_WR);
	caps->max_sge = cpu_to_le32(PVRDMA_CAP_MAX_SGE);
	caps->max_sge_rd = cpu_to_le32(PVRDMA_CAP_MAX_SGE);
	caps->max_cq = cpu_to_le32(pvrdma_clamp(in->max_cq, 2, 0xffffff));
	caps->max_cqe = cpu_to_le32(PVRDMA_CAP_MAX_CQE);
	caps->max_mr = cpu_to_le32(in->max_mr);
	caps->max_pd = cpu_to_le32(in->max_pd);
	caps->max_qp_rd_atom = cpu_to_le32(PVRDMA_CAP_MAX_RD_ATOM);
	caps->max_qp_init_rd_atom = cpu_to_le32(PVRDMA_CAP_MAX_RD_ATOM);
	caps->max_ah = cpu_to_le32(in->max_ah);
	caps->max_srq = cpu_to_le32(pvrdma_clamp(in->max_srq, 2, 0xffffff));
	caps->max_srq_wr = cpu_to_le32(PVRDMA_CAP_MAX_SRQ_WR);
	caps->max_srq_sge = cpu_to_le32(PVRDMA_CAP_MAX_SGE);
	caps->max_uar = cpu_to_le32(uar < 2 ? 2 : uar);
	caps->gid_tbl_len = cpu_to_le32(PVRDMA_CAP_GID_TBL_LEN);
	caps->max_pkeys = cpu_to_le16(1);
	caps->local_ca_ack_delay = 15;
	caps->phys_port_cnt = 1;
	caps->mode = PVRDMA_DEVICE_MODE_ROCE;
	caps->gid_types = PVRDMA_GID_TYPE_ROCE_V2;
	/* 8-byte compare-and-swap and fetch-and-add on RC QPs. */
	caps->atomic_ops = PVRDMA_ATOMIC_OP_COMP_SWAP |
			   PVRDMA_ATOMIC_OP_FETCH_ADD;
	/* FAST_REG_MR, LOCAL_INV and SEND_WITH_INV work requests. */
	caps->bmme_flags = PVRDMA_BMME_FLAG_LOCAL_INV |
			   PVRDMA_BMME_FLAG_REMOTE_INV |
			   PVRDMA_BMME_FLAG_FAST_REG_WR;
	caps->max_fast_reg_page_list_len =
		cpu_to_le32(PVRDMA_CAP_FAST_REG_PAGES);
}
