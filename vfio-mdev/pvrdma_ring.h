/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVRDMA ring index arithmetic (spec section 9), shared by the device rings
 * (async events, CQ notifications) and the queue rings. Indices live in
 * guest-writable memory: every value read from there goes through
 * pvrdma_idx_valid() and pvrdma_idx_slot() before use. Pure code.
 */
#ifndef _VHCA_PVRDMA_RING_H
#define _VHCA_PVRDMA_RING_H

#include "codec_types.h"

/**
 * struct pvrdma_ring - one producer/consumer index pair in a state page
 * @prod_tail: next slot the producer writes
 * @cons_head: next slot the consumer reads
 */
struct pvrdma_ring {
	__le32 prod_tail;
	__le32 cons_head;
} __packed;

/* Ring state page: the QP send ring at 0, receive (or only) ring at 8. */
#define PVRDMA_RING_STATE_TX	0
#define PVRDMA_RING_STATE_RX	8

/* Elements of the device rings (one state page + data pages). */
#define PVRDMA_EQE_SIZE		8	/* {u32 type; u32 info} */
#define PVRDMA_CQNE_SIZE	4	/* {u32 cq_handle} */

/**
 * struct pvrdma_ring_geom - how indices behave for a ring of @n elements
 * @n:      element count the guest uses in its arithmetic
 * @period: indices cycle through 0..@period-1 under increment
 * @slots:  distinct slots those indices reach; at most @slots entries may be
 *          outstanding (for a power-of-two @n: @period = 2 @n, @slots = @n)
 */
struct pvrdma_ring_geom {
	u32 n;
	u32 period;
	u32 slots;
};

void pvrdma_ring_geom_init(struct pvrdma_ring_geom *g, u32 n);
bool pvrdma_idx_valid(const struct pvrdma_ring_geom *g, u32 idx);
u32 pvrdma_idx_inc(const struct pvrdma_ring_geom *g, u32 idx);
u32 pvrdma_idx_slot(const struct pvrdma_ring_geom *g, u32 idx);
u32 pvrdma_ring_used(const struct pvrdma_ring_geom *g, u32 tail, u32 head);

#endif /* _VHCA_PVRDMA_RING_H */
