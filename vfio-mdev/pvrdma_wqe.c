// SPDX-License-Identifier: GPL-2.0-only
/*
 * WQE and CQE codecs. The guest can put anything in a WQE: a count of
 * scatter entries larger than the QP allows or than fits the WQE, an
 * opcode its stack does not define, a stale header. Such entries decode to
 * VHCA_WR_BAD with no scatter list, which the engine completes with an
 * error (CVE-2018-20124 came from trusting num_sge).
 */
#include "pvrdma_wqe.h"

/* Field offsets of a send WQE header. */
#define SQ_WR_ID	0
#define SQ_NUM_SGE	8
#define SQ_OPCODE	16
#define SQ_FLAGS	20
#define SQ_IMM		24
#define SQ_RDMA_ADDR	32
#define SQ_RDMA_RKEY	40
#define SQ_ATOM_ADDR	32
#define SQ_ATOM_CMP	40
#define SQ_ATOM_SWAP	48
#define SQ_ATOM_RKEY	56
#define SQ_UD_QPN	32
#define SQ_UD_QKEY	36
#define SQ_UD_AV	40
#define SQ_FR_IOVA	32
#define SQ_FR_PDIR	40
#define SQ_FR_SHIFT	48
#define SQ_FR_NPAGES	52
#define SQ_FR_LENGTH	56
#define SQ_FR_ACCESS	60
#define SQ_FR_KEY	64
/* Offsets inside the address vector. */
#define AV_TCLASS_FLOW	4
#define AV_DGID		8
#define AV_GID_INDEX	25
#define AV_HOP_LIMIT	27
#define AV_DMAC		28

static u32 rd32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 rd64(const u8 *p)
{
	return rd32(p) | (u64)rd32(p + 4) << 32;
}

static void wr32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void wr64(u8 *p, u64 v)
{
	wr32(p, v);
	wr32(p + 4, v >> 32);
}

/*
 * Map a guest opcode to the generic one; the stacks differ above 6. Only
 * the kernel can post REG_MR (rdma-core's 11 is a driver-private opcode).
 */
static u32 pvrdma_opcode(u32 op, bool kernel)
{
	if (op <= VHCA_WR_ATOMIC_FETCH_AND_ADD)
		return op;	/* WRITE, WRITE_IMM, SEND, SEND_IMM, READ, CAS, FAA */
	if (kernel)
		return op == 8 ? VHCA_WR_SEND_WITH_INV :
		       op == 10 ? VHCA_WR_LOCAL_INV :
		       op == 11 ? VHCA_WR_FAST_REG : VHCA_WR_BAD;
	return op == 9 ? VHCA_WR_SEND_WITH_INV :
	       op == 7 ? VHCA_WR_LOCAL_INV : VHCA_WR_BAD;
}

/*
 * The fast_reg union member. Optional access bits above the verbs ones
 * (relaxed ordering) are dropped as CREATE_MR drops them.
 */
static void pvrdma_fast_reg_decode(const u8 *p, struct vhca_fast_reg *fr)
{
	fr->iova = rd64(p + SQ_FR_IOVA);
	fr->page_list = rd64(p + SQ_FR_PDIR);
	fr->page_shift = rd32(p + SQ_FR_SHIFT);
	fr->npages = rd32(p + SQ_FR_NPAGES);
	fr->length = rd32(p + SQ_FR_LENGTH);
	fr->access = rd32(p + SQ_FR_ACCESS) & VHCA_ACCESS_ALL;
	fr->key = rd32(p + SQ_FR_KEY);
}

static bool pvrdma_sges_decode(const u8 *p, u32 num, struct vhca_sge *sge)
{
	u32 i;

	for (i = 0; i < num; i++, p += 16) {
		sge[i].addr = rd64(p);
		sge[i].length = rd32(p + 8);
		sge[i].lkey = rd32(p + 12);
	}
	return true;
}

static void pvrdma_av_decode(const u8 *av, struct vhca_av *out)
{
	u32 tf = rd32(av + AV_TCLASS_FLOW);

	memcpy(out->dgid, av + AV_DGID, sizeof(out->dgid));
	out->flow_label = tf & 0xfffff;
	out->traffic_class = tf >> 20;
	out->sgid_index = av[AV_GID_INDEX];
	out->hop_limit = av[AV_HOP_LIMIT];
	memcpy(out->dmac, av + AV_DMAC, sizeof(out->dmac));
}

/**
 * pvrdma_send_wqe_decode() - decode one send WQE
 * @wqe: a private copy of @ctx->wqe_size bytes
 * @ctx: the QP's decoding context
 * @wr:  filled in; opcode %VHCA_WR_BAD for an entry that must fail
 */
void pvrdma_send_wqe_decode(const void *wqe, const struct pvrdma_sq_ctx *ctx,
			    struct vhca_send_wr *wr)
{
	const u8 *p = wqe;
	u32 num = rd32(p + SQ_NUM_SGE);

	memset(wr, 0, sizeof(*wr));
	wr->wr_id = rd64(p + SQ_WR_ID);
	wr->opcode = pvrdma_opcode(rd32(p + SQ_OPCODE), ctx->kernel);
	wr->flags = rd32(p + SQ_FLAGS) &
		    (VHCA_SEND_FENCE | VHCA_SEND_SIGNALED | VHCA_SEND_SOLICITED);
	if (num > ctx->max_sge || num > VHCA_MAX_SGE ||
	    PVRDMA_SQ_HDR_SIZE + 16ull * num > ctx->wqe_size) {
		wr->opcode = VHCA_WR_BAD;
		return;
	}
	wr->num_sge = num;
	pvrdma_sges_decode(p + PVRDMA_SQ_HDR_SIZE, num, wr->sge);
	wr->imm = rd32(p + SQ_IMM);
	switch (wr->opcode) {
	case VHCA_WR_RDMA_WRITE:
	case VHCA_WR_RDMA_WRITE_WITH_IMM:
	case VHCA_WR_RDMA_READ:
		wr->remote_addr = rd64(p + SQ_RDMA_ADDR);
		wr->rkey = rd32(p + SQ_RDMA_RKEY);
		break;
	case VHCA_WR_ATOMIC_CMP_AND_SWP:
	case VHCA_WR_ATOMIC_FETCH_AND_ADD:
		wr->remote_addr = rd64(p + SQ_ATOM_ADDR);
		wr->compare_add = rd64(p + SQ_ATOM_CMP);
		wr->swap = rd64(p + SQ_ATOM_SWAP);
		wr->rkey = rd32(p + SQ_ATOM_RKEY);
		break;
	case VHCA_WR_FAST_REG:
		pvrdma_fast_reg_decode(p, &wr->fr);
		break;
	}
	/* UD/GSI addressing; harmless garbage for RC, which ignores it. */
	wr->remote_qpn = rd32(p + SQ_UD_QPN) & 0xffffff;
	wr->remote_qkey = rd32(p + SQ_UD_QKEY);
	if (wr->remote_qkey & 0x80000000u)	/* IBA 10.2.5: use the QP's */
		wr->remote_qkey = ctx->qkey;
	pvrdma_av_decode(p + SQ_UD_AV, &wr->av);
}

/**
 * pvrdma_recv_wqe_decode() - decode one receive WQE
 * @wqe:       a private copy of @wqe_size bytes
 * @wqe_size:  bytes per WQE in the ring
 * @max_sge:   the queue's maximum scatter entries
 * @wr:        filled in; a WQE with too many entries gets none, so the
 *             receive fails with a length error rather than overrunning
 */
void pvrdma_recv_wqe_decode(const void *wqe, u32 wqe_size, u32 max_sge,
			    struct vhca_recv_wr *wr)
{
	const u8 *p = wqe;
	u32 num = rd32(p + 8);

	memset(wr, 0, sizeof(*wr));
	wr->wr_id = rd64(p);
	if (num > max_sge || num > VHCA_MAX_SGE ||
	    PVRDMA_RQ_HDR_SIZE + 16ull * num > wqe_size)
		return;
	wr->num_sge = num;
	pvrdma_sges_decode(p + PVRDMA_RQ_HDR_SIZE, num, wr->sge);
}

/*
 * Completion opcodes as each stack reads them: the kernel through the
 * PVRDMA enum (LOCAL_INV 7, FAST_REG_MR 8), rdma-core raw as ibv_wc_opcode
 * (LOCAL_INV 6; it cannot post a registration).
 */
static u32 pvrdma_wc_opcode(u32 opcode, bool kernel)
{
	if (opcode == VHCA_WC_LOCAL_INV)
		return kernel ? 7 : 6;
	if (opcode == VHCA_WC_REG_MR)
		return 8;
	return opcode;
}

/**
 * pvrdma_cqe_encode() - build the 64-byte CQE of a completion
 * @wc:               the completion
 * @kernel:           the CQ belongs to the guest kernel (rdma-core swaps
 *                    two wc_flags bits and numbers opcodes differently)
 * @network_hdr_type: 0 RoCE v1, 1 IPv4, 2 IPv6 (receives with a GRH)
 * @cqe:              64 bytes, written completely
 */
void pvrdma_cqe_encode(const struct vhca_wc *wc, bool kernel,
		       u8 network_hdr_type, void *cqe)
{
	u32 flags = wc->flags & (VHCA_WC_GRH | VHCA_WC_WITH_IMM);
	u8 *p = cqe;

	if (wc->flags & VHCA_WC_WITH_INVALIDATE)
		flags |= kernel ? BIT(2) : BIT(3);
	if (flags & VHCA_WC_GRH)
		flags |= BIT(6);	/* WITH_NETWORK_HDR_TYPE */
	memset(p, 0, PVRDMA_CQE_BYTES);
	wr64(p, wc->wr_id);
	wr64(p + 8, wc->qp);
	wr32(p + 16, pvrdma_wc_opcode(wc->opcode, kernel));
	wr32(p + 20, wc->status);
	wr32(p + 24, wc->byte_len);
	wr32(p + 28, wc->imm);
	wr32(p + 32, wc->src_qp);
	wr32(p + 36, flags);
	p[50] = 1;			/* port_num */
	p[57] = network_hdr_type;
}
