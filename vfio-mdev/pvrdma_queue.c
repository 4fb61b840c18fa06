// SPDX-License-Identifier: GPL-2.0-only
/*
 * Size checks for guest-described queues and MRs. The guest computes WQE
 * sizes and page counts with the formulas below; the device recomputes them
 * from the command and refuses anything whose elements would not fit the
 * pages it was given (CVE-2018-20125, CVE-2021-3582 came from not doing so).
 */
#include "pvrdma_queue.h"

#define PVRDMA_PAGE	4096ull

static bool pvrdma_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

/**
 * pvrdma_wqe_size() - size of a WQE with @nsge scatter entries
 * @hdr:  header bytes (send 80, receive 16)
 * @nsge: entries, at most 128
 *
 * Return: the next power of two of @hdr + 16 * @nsge.
 */
u32 pvrdma_wqe_size(u32 hdr, u32 nsge)
{
	u32 size = hdr + PVRDMA_SGE_SIZE * nsge, p = 1;

	while (p < size)
		p <<= 1;
	return p;
}

/* @n elements of @size bytes fit in @pages pages, none straddling pages. */
static bool pvrdma_fits(u64 n, u64 size, u64 pages)
{
	return size <= PVRDMA_PAGE && n * size <= pages * PVRDMA_PAGE;
}

/**
 * pvrdma_qp_layout_check() - are a QP's rings consistent with its pages
 * @l:       the request
 * @max_wr:  capability max_qp_wr
 * @max_sge: capability max_sge
 *
 * Return: 0, or -EINVAL.
 */
int pvrdma_qp_layout_check(const struct pvrdma_qp_layout *l, u32 max_wr,
			   u32 max_sge)
{
	u32 recv_pages;

	if (!pvrdma_pow2(l->max_send_wr) || l->max_send_wr > max_wr ||
	    !l->max_send_sge || l->max_send_sge > max_sge)
		return -EINVAL;
	if (!l->send_chunks || l->send_chunks >= l->total_chunks)
		return -EINVAL;
	if (!pvrdma_fits(l->max_send_wr,
			 pvrdma_wqe_size(PVRDMA_SQ_WQE_HDR, l->max_send_sge),
			 l->send_chunks))
		return -EINVAL;
	recv_pages = l->total_chunks - l->send_chunks - 1;
	if (l->is_srq)
		return l->max_recv_wr || l->max_recv_sge ? -EINVAL : 0;
	if (!pvrdma_pow2(l->max_recv_wr) || l->max_recv_wr > max_wr ||
	    !l->max_recv_sge || l->max_recv_sge > max_sge || !recv_pages)
		return -EINVAL;
	if (!pvrdma_fits(l->max_recv_wr,
			 pvrdma_wqe_size(PVRDMA_RQ_WQE_HDR, l->max_recv_sge),
			 recv_pages))
		return -EINVAL;
	return 0;
}

/**
 * pvrdma_cq_layout_check() - does a CQ of @cqe entries fit @nchunks pages
 * @cqe:     entries, a power of two
 * @nchunks: pages including the ring state page
 * @max_cqe: capability max_cqe
 *
 * Return: 0, or -EINVAL.
 */
int pvrdma_cq_layout_check(u32 cqe, u32 nchunks, u32 max_cqe)
{
	if (!pvrdma_pow2(cqe) || cqe > max_cqe || nchunks < 2)
		return -EINVAL;
	return pvrdma_fits(cqe, PVRDMA_CQE_SIZE, nchunks - 1) ? 0 : -EINVAL;
}

/**
 * pvrdma_srq_layout_check() - does an SRQ fit its pages
 * @max_wr:  entries, a power of two
 * @max_sge: SGEs per WQE
 * @nchunks: pages including the ring state page
 * @cap_wr:  capability max_srq_wr
 * @cap_sge: capability max_srq_sge
 *
 * Return: 0, or -EINVAL.
 */
int pvrdma_srq_layout_check(u32 max_wr, u32 max_sge, u32 nchunks,
			    u32 cap_wr, u32 cap_sge)
{
	if (!pvrdma_pow2(max_wr) || max_wr > cap_wr || !max_sge ||
	    max_sge > cap_sge || nchunks < 2)
		return -EINVAL;
	return pvrdma_fits(max_wr, pvrdma_wqe_size(PVRDMA_RQ_WQE_HDR, max_sge),
			   nchunks - 1) ? 0 : -EINVAL;
}

/**
 * pvrdma_mr_pages_spanned() - pages covering [@start, @start + @length)
 * @start:  first byte
 * @length: bytes, > 0, no overflow (checked by the caller)
 *
 * Return: the page count.
 */
u64 pvrdma_mr_pages_spanned(u64 start, u64 length)
{
	u64 first = start / PVRDMA_PAGE;
	u64 last = (start + length - 1) / PVRDMA_PAGE;

	return last - first + 1;
}

/**
 * pvrdma_mr_span_check() - is a user MR's page count what its range needs
 * @start:    start address
 * @length:   bytes
 * @nchunks:  pages the guest listed
 * @max_size: capability max_mr_size
 *
 * Unaligned buffers legitimately span one page more than their length
 * rounds up to (QEMU's fix for CVE-2021-3582 got this wrong).
 *
 * Return: 0, or -EINVAL.
 */
int pvrdma_mr_span_check(u64 start, u64 length, u32 nchunks, u64 max_size)
{
	if (!length || length > max_size || start + length < start)
		return -EINVAL;
	return pvrdma_mr_pages_spanned(start, length) == nchunks ? 0 : -EINVAL;
}
