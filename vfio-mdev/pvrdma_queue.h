/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of the guest-described queue memory of CQs, QPs, SRQs and
 * MRs (spec sections 9, 12.1, 13, 14 and checklist rows 5, 6, 7, 10):
 * sizes against capabilities and element arrays against page counts.
 * Pure code: compiles in userspace.
 */
#ifndef _VHCA_PVRDMA_QUEUE_H
#define _VHCA_PVRDMA_QUEUE_H

#include "codec_types.h"

#define PVRDMA_SQ_WQE_HDR	80
#define PVRDMA_RQ_WQE_HDR	16
#define PVRDMA_SGE_SIZE		16
#define PVRDMA_CQE_SIZE		64

/**
 * struct pvrdma_qp_layout - a CREATE_QP request's sizes
 * @max_send_wr:  send ring entries
 * @max_recv_wr:  receive ring entries (0 with an SRQ)
 * @max_send_sge: SGEs per send WQE
 * @max_recv_sge: SGEs per receive WQE
 * @total_chunks: pages: state page, send ring, receive ring
 * @send_chunks:  pages of the send ring
 * @is_srq:       receives come from an SRQ
 */
struct pvrdma_qp_layout {
	u32 max_send_wr;
	u32 max_recv_wr;
	u32 max_send_sge;
	u32 max_recv_sge;
	u32 total_chunks;
	u32 send_chunks;
	bool is_srq;
};

u32 pvrdma_wqe_size(u32 hdr, u32 nsge);
int pvrdma_qp_layout_check(const struct pvrdma_qp_layout *l, u32 max_wr,
			   u32 max_sge);
int pvrdma_cq_layout_check(u32 cqe, u32 nchunks, u32 max_cqe);
int pvrdma_srq_layout_check(u32 max_wr, u32 max_sge, u32 nchunks,
			    u32 cap_wr, u32 cap_sge);
u64 pvrdma_mr_pages_spanned(u64 start, u64 length);
int pvrdma_mr_span_check(u64 start, u64 length, u32 nchunks, u64 max_size);

#endif /* _VHCA_PVRDMA_QUEUE_H */
