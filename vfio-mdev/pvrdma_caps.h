/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The capability block a PVRDMA device writes into the guest's DSR, built
 * from an instance's quotas. Pure code: compiles in userspace.
 */
#ifndef _VHCA_PVRDMA_CAPS_H
#define _VHCA_PVRDMA_CAPS_H

#include "pvrdma_dsr.h"

/* Fixed device properties vhca advertises (spec sections 5 and 17). */
#define PVRDMA_CAP_MAX_QP_WR		4096
#define PVRDMA_CAP_MAX_SGE		16
#define PVRDMA_CAP_MAX_CQE		16384
#define PVRDMA_CAP_MAX_SRQ_WR		4096
#define PVRDMA_CAP_GID_TBL_LEN		16
#define PVRDMA_CAP_MAX_RD_ATOM		16
#define PVRDMA_CAP_MAX_MR_SIZE		0x40000000ull	/* one page directory */
#define PVRDMA_CAP_MAX_QP		65535	/* guests mask QP handles to 16 bits */
/* Base memory management extensions: all three, or the guest uses none. */
#define PVRDMA_BMME_FLAG_LOCAL_INV	BIT(0)
#define PVRDMA_BMME_FLAG_REMOTE_INV	BIT(1)
#define PVRDMA_BMME_FLAG_FAST_REG_WR	BIT(2)
#define PVRDMA_CAP_FAST_REG_PAGES	128	/* the driver's own limit */
/* Atomic operations: either bit makes the guest report IB_ATOMIC_HCA. */
#define PVRDMA_ATOMIC_OP_COMP_SWAP	BIT(0)
#define PVRDMA_ATOMIC_OP_FETCH_ADD	BIT(1)

/**
 * struct pvrdma_caps_in - what the capability block is built from
 * @max_qp:  QP handles are below this
 * @max_cq:  CQ handles are below this
 * @max_mr:  memory regions
 * @max_pd:  protection domains
 * @max_srq: SRQ handles are below this
 * @max_ah:  address handles (kept by the guest driver)
 * @max_uar: UAR pages, a power of two
 * @mac:     MAC of the paired vmxnet3, for the node GUID
 */
struct pvrdma_caps_in {
	u32 max_qp;
	u32 max_cq;
	u32 max_mr;
	u32 max_pd;
	u32 max_srq;
	u32 max_ah;
	u32 max_uar;
	u8 mac[6];
};

void pvrdma_caps_fill(struct pvrdma_caps *caps, const struct pvrdma_caps_in *in);
u64 pvrdma_node_guid(const u8 mac[6]);

#endif /* _VHCA_PVRDMA_CAPS_H */
