// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring index arithmetic exactly as the guest does it: increment masks with
 * 2n-1, slots mask with n-1. For a power of two n that is the usual ring
 * with a wrap bit. The guest driver also uses n = 1536 and n = 3072 for the
 * device rings; the same formulas then cycle through 1024 (2048) indices
 * that land on 512 (1024) slots, and the guest's "full" test never fires,
 * so the device computes the real period and slot count and never lets
 * more than @slots entries be outstanding.
 */
#include "pvrdma_ring.h"

/* Length of the run of 1 bits at the bottom of @x. */
static u32 low_ones(u32 x)
{
	u32 bits = 0;

	while (bits < 32 && (x >> bits) & 1)
		bits++;
	return bits;
}

/**
 * pvrdma_ring_geom_init() - derive the index behaviour for @n elements
 * @g: filled in
 * @n: element count, 1..2^30
 */
void pvrdma_ring_geom_init(struct pvrdma_ring_geom *g, u32 n)
{
	g->n = n;
	g->period = 1u << low_ones(2 * n - 1);
	g->slots = 1u << low_ones(n - 1);
	if (g->slots > g->period / 2)
		g->slots = g->period / 2;
}

/**
 * pvrdma_idx_valid() - the guest's own validity test for an index
 * @g:   ring geometry
 * @idx: index read from guest memory
 *
 * Return: true if @idx has no bits above the ring's index mask.
 */
bool pvrdma_idx_valid(const struct pvrdma_ring_geom *g, u32 idx)
{
	return !(idx & ~(2 * g->n - 1));
}

/**
 * pvrdma_idx_inc() - next index
 * @g:   ring geometry
 * @idx: a valid index
 *
 * Return: (@idx + 1) & (2n - 1).
 */
u32 pvrdma_idx_inc(const struct pvrdma_ring_geom *g, u32 idx)
{
	return (idx + 1) & (2 * g->n - 1);
}

/**
 * pvrdma_idx_slot() - element slot of an index
 * @g:   ring geometry
 * @idx: any index
 *
 * Return: @idx & (n - 1), always below n.
 */
u32 pvrdma_idx_slot(const struct pvrdma_ring_geom *g, u32 idx)
{
	return idx & (g->n - 1);
}

/**
 * pvrdma_ring_used() - entries between consumer and producer
 * @g:    ring geometry
 * @tail: producer index
 * @head: consumer index
 *
 * Return: (@tail - @head) modulo the period; a producer may add an entry
 * only while this is below @g->slots.
 */
u32 pvrdma_ring_used(const struct pvrdma_ring_geom *g, u32 tail, u32 head)
{
	return (tail - head) & (g->period - 1);
}
