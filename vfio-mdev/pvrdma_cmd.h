/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVRDMA command channel formats (spec section 8): the request the guest
 * puts in the command slot and the response the device writes to the
 * response slot. Layouts only; decoding and checks are in pvrdma_cmd.c.
 */
#ifndef _VHCA_PVRDMA_CMD_H
#define _VHCA_PVRDMA_CMD_H

#include "codec_types.h"

#define PVRDMA_CMD_SLOT_SIZE	184	/* union pvrdma_cmd_req */
#define PVRDMA_RESP_SLOT_SIZE	176	/* union pvrdma_cmd_resp */
#define PVRDMA_RESP_ACK		0x80000000u

enum pvrdma_cmd_code {
	PVRDMA_CMD_QUERY_PORT,
	PVRDMA_CMD_QUERY_PKEY,
	PVRDMA_CMD_CREATE_PD,
	PVRDMA_CMD_DESTROY_PD,
	PVRDMA_CMD_CREATE_MR,
	PVRDMA_CMD_DESTROY_MR,
	PVRDMA_CMD_CREATE_CQ,
	PVRDMA_CMD_RESIZE_CQ,
	PVRDMA_CMD_DESTROY_CQ,
	PVRDMA_CMD_CREATE_QP,
	PVRDMA_CMD_MODIFY_QP,
	PVRDMA_CMD_QUERY_QP,
	PVRDMA_CMD_DESTROY_QP,
	PVRDMA_CMD_CREATE_UC,
	PVRDMA_CMD_DESTROY_UC,
	PVRDMA_CMD_CREATE_BIND,
	PVRDMA_CMD_DESTROY_BIND,
	PVRDMA_CMD_CREATE_SRQ,
	PVRDMA_CMD_MODIFY_SRQ,
	PVRDMA_CMD_QUERY_SRQ,
	PVRDMA_CMD_DESTROY_SRQ,
	PVRDMA_CMD_COUNT
};

/**
 * struct pvrdma_cmd_hdr - start of every request
 * @response: opaque cookie echoed in the response
 * @cmd:      &enum pvrdma_cmd_code
 * @reserved: ignored
 */
struct pvrdma_cmd_hdr {
	__le64 response;
	__le32 cmd;
	__le32 reserved;
} __packed;

/**
 * struct pvrdma_resp_hdr - start of every response
 * @response: the request's cookie
 * @ack:      request code | %PVRDMA_RESP_ACK
 * @err:      positive errno, 0 on success
 * @reserved: zero
 */
struct pvrdma_resp_hdr {
	__le64 response;
	__le32 ack;
	u8 err;
	u8 reserved[3];
} __packed;

/* Request payloads, at offset 16 of the command slot. */
struct pvrdma_req_port {
	u8 port_num;
	u8 index;	/* QUERY_PKEY */
} __packed;

struct pvrdma_req_handle {	/* every DESTROY_*, CREATE_PD, QUERY_SRQ */
	__le32 handle;
} __packed;

struct pvrdma_req_create_uc {
	__le64 pfn64;	/* u32 pfn before version 19 */
} __packed;

struct pvrdma_req_create_mr {
	__le64 start;
	__le64 length;
	__le64 pdir_dma;
	__le32 pd_handle;
	__le32 access_flags;
	__le32 flags;
	__le32 nchunks;
} __packed;

struct pvrdma_req_create_cq {
	__le64 pdir_dma;
	__le32 ctx_handle;
	__le32 cqe;
	__le32 nchunks;
} __packed;

struct pvrdma_req_create_qp {
	__le64 pdir_dma;
	__le32 pd_handle;
	__le32 send_cq_handle;
	__le32 recv_cq_handle;
	__le32 srq_handle;
	__le32 max_send_wr;
	__le32 max_recv_wr;
	__le32 max_send_sge;
	__le32 max_recv_sge;
	__le32 max_inline_data;
	__le32 lkey;
	__le32 access_flags;
	__le16 total_chunks;
	__le16 send_chunks;
	__le16 max_atomic_arg;
	u8 sq_sig_all;
	u8 qp_type;
	u8 is_srq;
} __packed;

/*
 * struct pvrdma_ah_attr - address vector inside QP attributes
 *
 * Spec section 12.2; @vlan_id is always 0 from the 6.1 driver.
 */
struct pvrdma_ah_attr {
	u8 dgid[16];
	__le32 flow_label;
	u8 sgid_index;
	u8 hop_limit;
	u8 traffic_class;
	u8 reserved;
	__le16 dlid;
	__le16 vlan_id;
	u8 sl;
	u8 src_path_bits;
	u8 static_rate;
	u8 ah_flags;
	u8 port_num;
	u8 dmac[6];
	u8 reserved2;
} __packed;

/* struct pvrdma_qp_cap - QP sizes inside QP attributes */
struct pvrdma_qp_cap {
	__le32 max_send_wr;
	__le32 max_recv_wr;
	__le32 max_send_sge;
	__le32 max_recv_sge;
	__le32 max_inline_data;
	__le32 reserved;
} __packed;

/* struct pvrdma_qp_attr - MODIFY_QP / QUERY_QP attributes (160 bytes) */
struct pvrdma_qp_attr {
	__le32 qp_state;
	__le32 cur_qp_state;
	__le32 path_mtu;
	__le32 path_mig_state;
	__le32 qkey;
	__le32 rq_psn;
	__le32 sq_psn;
	__le32 dest_qp_num;
	__le32 qp_access_flags;
	__le16 pkey_index;
	__le16 alt_pkey_index;
	u8 en_sqd_async_notify;
	u8 sq_draining;
	u8 max_rd_atomic;
	u8 max_dest_rd_atomic;
	u8 min_rnr_timer;
	u8 port_num;
	u8 timeout;
	u8 retry_cnt;
	u8 rnr_retry;
	u8 alt_port_num;
	u8 alt_timeout;
	u8 reserved[5];
	struct pvrdma_qp_cap cap;
	struct pvrdma_ah_attr ah_attr;
	struct pvrdma_ah_attr alt_ah_attr;
} __packed;

struct pvrdma_req_modify_qp {
	__le32 qp_handle;
	__le32 attr_mask;
	struct pvrdma_qp_attr attrs;
} __packed;

struct pvrdma_req_create_bind {
	__le32 mtu;
	__le32 vlan;
	__le32 index;
	u8 new_gid[16];
	u8 gid_type;
} __packed;

struct pvrdma_req_destroy_bind {
	__le32 index;
	u8 dest_gid[16];
} __packed;

/* struct pvrdma_srq_attr - SRQ sizes and limit */
struct pvrdma_srq_attr {
	__le32 max_wr;
	__le32 max_sge;
	__le32 srq_limit;
	__le32 reserved;
} __packed;

struct pvrdma_req_create_srq {
	__le64 pdir_dma;
	__le32 pd_handle;
	__le32 nchunks;
	struct pvrdma_srq_attr attrs;
	u8 srq_type;
} __packed;

struct pvrdma_req_modify_srq {
	__le32 srq_handle;
	__le32 attr_mask;
	struct pvrdma_srq_attr attrs;
} __packed;

/* struct pvrdma_port_attr - QUERY_PORT response payload (48 bytes) */
struct pvrdma_port_attr {
	__le32 state;
	__le32 max_mtu;
	__le32 active_mtu;
	__le32 gid_tbl_len;
	__le32 port_cap_flags;
	__le32 max_msg_sz;
	__le32 bad_pkey_cntr;
	__le32 qkey_viol_cntr;
	__le16 pkey_tbl_len;
	__le16 lid;
	__le16 sm_lid;
	u8 lmc;
	u8 max_vl_num;
	u8 sm_sl;
	u8 subnet_timeout;
	u8 init_type_reply;
	u8 active_width;
	u8 active_speed;
	u8 phys_state;
	u8 reserved[2];
} __packed;

static_assert(sizeof(struct pvrdma_cmd_hdr) == 16);
static_assert(sizeof(struct pvrdma_resp_hdr) == 16);
static_assert(offsetof(struct pvrdma_req_create_mr, nchunks) == 52 - 16);
static_assert(offsetof(struct pvrdma_req_create_cq, nchunks) == 32 - 16);
static_assert(offsetof(struct pvrdma_req_create_qp, total_chunks) == 68 - 16);
static_assert(offsetof(struct pvrdma_req_create_qp, is_srq) == 76 - 16);
static_assert(sizeof(struct pvrdma_ah_attr) == 40);
static_assert(offsetof(struct pvrdma_qp_attr, port_num) == 45);
static_assert(offsetof(struct pvrdma_qp_attr, cap) == 56);
static_assert(offsetof(struct pvrdma_qp_attr, ah_attr) == 80);
static_assert(sizeof(struct pvrdma_qp_attr) == 160);
static_assert(16 + sizeof(struct pvrdma_req_modify_qp) <= PVRDMA_CMD_SLOT_SIZE);
static_assert(offsetof(struct pvrdma_req_create_bind, gid_type) == 44 - 16);
static_assert(offsetof(struct pvrdma_req_create_srq, srq_type) == 48 - 16);
static_assert(sizeof(struct pvrdma_port_attr) == 48);

#endif /* _VHCA_PVRDMA_CMD_H */
