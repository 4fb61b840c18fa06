/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic work requests and completions: what a front end decodes guest
 * WQEs into and what the engine reports back, in the verbs model. The
 * values of the opcode and status enums are the verbs ones.
 */
#ifndef _VHCA_WR_H
#define _VHCA_WR_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/types.h>
#else
#include "codec_types_user.h"	/* userspace unit tests */
#endif

/**
 * struct vhca_av - address vector (RoCE: GID addressing)
 * @dgid:          destination GID
 * @flow_label:    IPv6 flow label
 * @sgid_index:    source GID table index
 * @hop_limit:     hop limit / TTL
 * @traffic_class: traffic class / DSCP
 * @dmac:          destination MAC resolved by the guest
 */
struct vhca_av {
	u8 dgid[16];
	u32 flow_label;
	u8 sgid_index;
	u8 hop_limit;
	u8 traffic_class;
	u8 dmac[6];
};

/* Memory access rights (the verbs values). */
#define VHCA_ACCESS_LOCAL_WRITE		BIT(0)
#define VHCA_ACCESS_REMOTE_WRITE	BIT(1)
#define VHCA_ACCESS_REMOTE_READ		BIT(2)
#define VHCA_ACCESS_REMOTE_ATOMIC	BIT(3)
#define VHCA_ACCESS_MW_BIND		BIT(4)
#define VHCA_ACCESS_ZERO_BASED		BIT(5)
#define VHCA_ACCESS_ON_DEMAND		BIT(6)
#define VHCA_ACCESS_ALL			(BIT(7) - 1)

#define VHCA_MAX_SGE		16
#define VHCA_GRH_BYTES		40	/* room a UD receive keeps for the GRH */
#define VHCA_UD_MTU		4096

/* Async event types (the verbs ib_event_type values). */
#define VHCA_EVENT_CQ_ERR	0
#define VHCA_EVENT_QP_FATAL	1

enum vhca_wr_opcode {
	VHCA_WR_RDMA_WRITE,
	VHCA_WR_RDMA_WRITE_WITH_IMM,
	VHCA_WR_SEND,
	VHCA_WR_SEND_WITH_IMM,
	VHCA_WR_RDMA_READ,
	VHCA_WR_ATOMIC_CMP_AND_SWP,
	VHCA_WR_ATOMIC_FETCH_AND_ADD,
	VHCA_WR_SEND_WITH_INV,
	VHCA_WR_LOCAL_INV,
	VHCA_WR_FAST_REG,
	VHCA_WR_BAD,		/* anything the front end could not map */
};

#define VHCA_SEND_FENCE		BIT(0)
#define VHCA_SEND_SIGNALED	BIT(1)
#define VHCA_SEND_SOLICITED	BIT(2)

/**
 * struct vhca_sge - one scatter/gather element
 * @addr:   address in the MR's address space
 * @length: bytes
 * @lkey:   local key
 */
struct vhca_sge {
	u64 addr;
	u32 length;
	u32 lkey;
};

/**
 * struct vhca_fast_reg - what a fast-register work request asks for
 * @iova:       first address of the region
 * @page_list:  where the page list is, in the front end's format
 * @page_shift: log2 of the size of the pages the list names
 * @npages:     entries in the page list
 * @length:     bytes, starting at @iova
 * @access:     VHCA_ACCESS_* rights of the region
 * @key:        the region's new key (its index bits name the MR)
 */
struct vhca_fast_reg {
	u64 iova;
	u64 page_list;
	u32 page_shift;
	u32 npages;
	u32 length;
	u32 access;
	u32 key;
};

/**
 * struct vhca_send_wr - a decoded send queue entry
 * @wr_id:       echoed in the completion
 * @opcode:      &enum vhca_wr_opcode
 * @flags:       VHCA_SEND_*
 * @imm:         immediate data (big-endian as on the wire) or rkey to
 *               invalidate
 * @remote_addr: RDMA and atomic target
 * @rkey:        its key
 * @compare_add: atomic compare or add operand
 * @swap:        atomic swap operand
 * @remote_qpn:  UD/GSI destination QP
 * @remote_qkey: UD/GSI Q_Key (already resolved by the front end)
 * @av:          UD/GSI destination
 * @fr:          fast-register request (%VHCA_WR_FAST_REG)
 * @num_sge:     entries in @sge
 * @sge:         local buffers
 */
struct vhca_send_wr {
	u64 wr_id;
	u32 opcode;
	u32 flags;
	u32 imm;
	u64 remote_addr;
	u32 rkey;
	u64 compare_add;
	u64 swap;
	u32 remote_qpn;
	u32 remote_qkey;
	struct vhca_av av;
	struct vhca_fast_reg fr;
	u32 num_sge;
	struct vhca_sge sge[VHCA_MAX_SGE];
};

/**
 * struct vhca_recv_wr - a decoded receive queue entry
 * @wr_id:   echoed in the completion
 * @num_sge: entries in @sge
 * @sge:     buffers
 */
struct vhca_recv_wr {
	u64 wr_id;
	u32 num_sge;
	struct vhca_sge sge[VHCA_MAX_SGE];
};

enum vhca_wc_opcode {
	VHCA_WC_SEND,
	VHCA_WC_RDMA_WRITE,
	VHCA_WC_RDMA_READ,
	VHCA_WC_COMP_SWAP,
	VHCA_WC_FETCH_ADD,
	VHCA_WC_LOCAL_INV = 6,
	VHCA_WC_REG_MR = 8,
	VHCA_WC_RECV = 128,
	VHCA_WC_RECV_RDMA_WITH_IMM,
};

enum vhca_wc_status {
	VHCA_WC_SUCCESS,
	VHCA_WC_LOC_LEN_ERR,
	VHCA_WC_LOC_QP_OP_ERR,
	VHCA_WC_LOC_EEC_OP_ERR,
	VHCA_WC_LOC_PROT_ERR,
	VHCA_WC_WR_FLUSH_ERR,
	VHCA_WC_MW_BIND_ERR,
	VHCA_WC_BAD_RESP_ERR,
	VHCA_WC_LOC_ACCESS_ERR,
	VHCA_WC_REM_INV_REQ_ERR,
	VHCA_WC_REM_ACCESS_ERR,
	VHCA_WC_REM_OP_ERR,
	VHCA_WC_RETRY_EXC_ERR,
	VHCA_WC_RNR_RETRY_EXC_ERR,
	VHCA_WC_GENERAL_ERR = 21,
};

#define VHCA_WC_GRH		BIT(0)
#define VHCA_WC_WITH_IMM	BIT(1)
#define VHCA_WC_WITH_INVALIDATE	BIT(2)

/**
 * struct vhca_wc - a completion
 * @wr_id:      from the work request
 * @qp:         QP handle
 * @opcode:     &enum vhca_wc_opcode
 * @status:     &enum vhca_wc_status
 * @byte_len:   bytes received (receives)
 * @imm:        immediate data or invalidated rkey
 * @src_qp:     sender's QP (UD/GSI receives)
 * @flags:      VHCA_WC_*
 * @solicited:  the sender asked for a solicited event
 * @network_hdr_type: with %VHCA_WC_GRH: 1 IPv4, 2 IPv6 (RoCE v2)
 */
struct vhca_wc {
	u64 wr_id;
	u32 qp;
	u32 opcode;
	u32 status;
	u32 byte_len;
	u32 imm;
	u32 src_qp;
	u32 flags;
	bool solicited;
	u8 network_hdr_type;
};

#endif /* _VHCA_WR_H */
