/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVRDMA work queue entries and completions (spec section 11): decoding
 * guest WQEs into the core's generic work requests, encoding generic
 * completions into guest CQEs. Pure code: compiles in userspace.
 */
#ifndef _VHCA_PVRDMA_WQE_H
#define _VHCA_PVRDMA_WQE_H

#include "codec_types.h"
#include "vhca_wr.h"

#define PVRDMA_SQ_HDR_SIZE	80
#define PVRDMA_RQ_HDR_SIZE	16
#define PVRDMA_CQE_BYTES	64
/* Largest send WQE with VHCA_MAX_SGE entries: 80 + 16 * 16, rounded up. */
#define PVRDMA_SQ_WQE_MAX	512

/**
 * struct pvrdma_sq_ctx - what decoding a send WQE depends on
 * @wqe_size: bytes per WQE in the ring
 * @max_sge:  the QP's max_send_sge
 * @kernel:   the QP belongs to the guest kernel (opcode numbering)
 * @qkey:     the QP's Q_Key, for UD Q_Keys with bit 31 set
 */
struct pvrdma_sq_ctx {
	u32 wqe_size;
	u32 max_sge;
	bool kernel;
	u32 qkey;
};

void pvrdma_send_wqe_decode(const void *wqe, const struct pvrdma_sq_ctx *ctx,
			    struct vhca_send_wr *wr);
void pvrdma_recv_wqe_decode(const void *wqe, u32 wqe_size, u32 max_sge,
			    struct vhca_recv_wr *wr);
void pvrdma_cqe_encode(const struct vhca_wc *wc, bool kernel,
		       u8 network_hdr_type, void *cqe);

#endif /* _VHCA_PVRDMA_WQE_H */
