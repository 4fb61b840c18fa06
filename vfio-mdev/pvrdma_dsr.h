/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVRDMA device shared region (DSR) and device capabilities, as laid out in
 * guest memory (spec sections 5 and 6). The guest builds the DSR; the device
 * fills only @caps during the DSRHIGH write.
 */
#ifndef _VHCA_PVRDMA_DSR_H
#define _VHCA_PVRDMA_DSR_H

#include "codec_types.h"

/**
 * struct pvrdma_ring_pages - where a device ring's pages are
 * @num_pages: pages, the first one holding the ring state
 * @reserved:  zero
 * @pdir_dma:  page directory of those pages
 */
struct pvrdma_ring_pages {
	__le32 num_pages;
	__le32 reserved;
	__le64 pdir_dma;
} __packed;

/*
 * struct pvrdma_caps - what the device supports; written by the device
 *
 * Field meanings and constraints: spec section 5, "struct
 * pvrdma_device_caps"; unused fields stay zero.
 */
struct pvrdma_caps {
	__le64 fw_ver;
	__be64 node_guid;
	__be64 sys_image_guid;
	__le64 max_mr_size;
	__le64 page_size_cap;
	__le64 atomic_arg_sizes;
	__le32 ex_comp_mask;
	__le32 device_cap_flags2;
	__le32 max_fa_bit_boundary;
	__le32 log_max_atomic_inline_arg;
	__le32 vendor_id;
	__le32 vendor_part_id;
	__le32 hw_ver;
	__le32 max_qp;
	__le32 max_qp_wr;
	__le32 device_cap_flags;
	__le32 max_sge;
	__le32 max_sge_rd;
	__le32 max_cq;
	__le32 max_cqe;
	__le32 max_mr;
	__le32 max_pd;
	__le32 max_qp_rd_atom;
	__le32 max_ee_rd_atom;
	__le32 max_res_rd_atom;
	__le32 max_qp_init_rd_atom;
	__le32 max_ee_init_rd_atom;
	__le32 max_ee;
	__le32 max_rdd;
	__le32 max_mw;
	__le32 max_raw_ipv6_qp;
	__le32 max_raw_ethy_qp;
	__le32 max_mcast_grp;
	__le32 max_mcast_qp_attach;
	__le32 max_total_mcast_qp_attach;
	__le32 max_ah;
	__le32 max_fmr;
	__le32 max_map_per_fmr;
	__le32 max_srq;
	__le32 max_srq_wr;
	__le32 max_srq_sge;
	__le32 max_uar;
	__le32 gid_tbl_len;
	__le16 max_pkeys;
	u8 local_ca_ack_delay;
	u8 phys_port_cnt;
	u8 mode;
	u8 atomic_ops;
	u8 bmme_flags;
	u8 gid_types;
	__le32 max_fast_reg_page_list_len;
} __packed;

/**
 * struct pvrdma_dsr - the device shared region
 * @driver_version: PVRDMA version the driver speaks
 * @pad:            zero
 * @gos_info:       guest OS description (ignored)
 * @cmd_slot_dma:   bus address of the command slot page
 * @resp_slot_dma:  bus address of the response slot page
 * @async_ring:     async event ring
 * @cq_ring:        CQ notification ring
 * @uar_pfn64:      guest frame of BAR2 page 0 (u32 before version 19)
 * @caps:           filled by the device
 */
struct pvrdma_dsr {
	__le32 driver_version;
	__le32 pad;
	__le64 gos_info;
	__le64 cmd_slot_dma;
	__le64 resp_slot_dma;
	struct pvrdma_ring_pages async_ring;
	struct pvrdma_ring_pages cq_ring;
	__le64 uar_pfn64;
	struct pvrdma_caps caps;
} __packed;

static_assert(sizeof(struct pvrdma_caps) == 208);
static_assert(offsetof(struct pvrdma_caps, max_qp) == 76);
static_assert(offsetof(struct pvrdma_caps, max_ah) == 164);
static_assert(offsetof(struct pvrdma_caps, max_uar) == 188);
static_assert(offsetof(struct pvrdma_caps, max_pkeys) == 196);
static_assert(offsetof(struct pvrdma_caps, gid_types) == 203);
static_assert(offsetof(struct pvrdma_dsr, async_ring) == 32);
static_assert(offsetof(struct pvrdma_dsr, uar_pfn64) == 64);
static_assert(offsetof(struct pvrdma_dsr, caps) == 72);
static_assert(sizeof(struct pvrdma_dsr) == 280);

#define PVRDMA_DEVICE_MODE_ROCE		0
#define PVRDMA_GID_TYPE_ROCE_V1		1
#define PVRDMA_GID_TYPE_ROCE_V2		2

#endif /* _VHCA_PVRDMA_DSR_H */
