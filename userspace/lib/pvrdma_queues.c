// SPDX-License-Identifier: GPL-2.0-only
/*
 * Work queues from the guest driver's side: writing send and receive WQEs,
 * publishing them with the ring index and a doorbell, polling CQEs.
 * Layouts: spec sections 9-11.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"

static uint8_t *q_at(struct vhca_queue *q, uint64_t off)
{
	return (uint8_t *)q->mem->va + off;
}

static void q_publish(struct vhca_queue *q)
{
	q->idx = (q->idx + 1) & (2 * q->n - 1);
	__atomic_store_n((uint32_t *)q_at(q, q->state), q->idx, __ATOMIC_RELEASE);
}

void vhca_queue_post_send(struct vhca_queue *q, const struct vhca_sq_wqe *w)
{
	uint8_t *e = q_at(q, q->base + (uint64_t)(q->idx & (q->n - 1)) * q->stride);
	uint32_t i;

	memset(e, 0, q->stride);
	memcpy(e + 0, &w->wr_id, 8);
	memcpy(e + 8, &w->num_sge, 4);
	memcpy(e + 16, &w->opcode, 4);
	memcpy(e + 20, &w->flags, 4);
	memcpy(e + 24, &w->imm, 4);
	if (w->ud_qkey || w->ud_qpn) {
		memcpy(e + 32, &w->ud_qpn, 4);
		memcpy(e + 36, &w->ud_qkey, 4);
		memcpy(e + 40 + 8, w->ud_dgid, 16);
		e[40 + 25] = w->ud_gid_index;
	} else if (w->opcode == 11) {	/* kernel REG_MR: wr.fast_reg */
		memcpy(e + 32, &w->fr_iova, 8);
		memcpy(e + 40, &w->fr_pdir, 8);
		memcpy(e + 48, &w->fr_page_shift, 4);
		memcpy(e + 52, &w->fr_npages, 4);
		memcpy(e + 56, &w->fr_length, 4);
		memcpy(e + 60, &w->fr_access, 4);
		memcpy(e + 64, &w->fr_key, 4);
	} else if (w->opcode == 5 || w->opcode == 6) {	/* atomics */
		memcpy(e + 32, &w->remote_addr, 8);
		memcpy(e + 40, &w->compare_add, 8);
		memcpy(e + 48, &w->swap, 8);
		memcpy(e + 56, &w->rkey, 4);
	} else {
		memcpy(e + 32, &w->remote_addr, 8);
		memcpy(e + 40, &w->rkey, 4);
	}
	for (i = 0; i < w->num_sge && i < 4; i++) {
		memcpy(e + 80 + 16 * i, &w->sge[i].addr, 8);
		memcpy(e + 88 + 16 * i, &w->sge[i].length, 4);
		memcpy(e + 92 + 16 * i, &w->sge[i].lkey, 4);
	}
	q_publish(q);
}

void vhca_queue_post_recv(struct vhca_queue *q, uint64_t wr_id, uint64_t addr,
			  uint32_t length, uint32_t lkey)
{
	uint8_t *e = q_at(q, q->base + (uint64_t)(q->idx & (q->n - 1)) * q->stride);
	uint32_t one = 1;

	memset(e, 0, q->stride);
	memcpy(e, &wr_id, 8);
	memcpy(e + 8, &one, 4);
	memcpy(e + 16, &addr, 8);
	memcpy(e + 24, &length, 4);
	memcpy(e + 28, &lkey, 4);
	q_publish(q);
}

/**
 * vhca_queue_poll() - wait up to @timeout_ms for the next CQE
 * @q:          a CQ's queue
 * @cqe:        filled in
 * @timeout_ms: how long to wait; negative: do not wait at all
 *
 * Return: 0, -ETIMEDOUT, or -EAGAIN for an empty CQ and no waiting.
 */
int vhca_queue_poll(struct vhca_queue *q, struct vhca_cqe *cqe, int timeout_ms)
{
	uint32_t *st = (uint32_t *)q_at(q, q->state);
	struct timespec start, now;
	uint8_t *e;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (__atomic_load_n(&st[0], __ATOMIC_ACQUIRE) == q->idx) {
		if (timeout_ms < 0)
			return -EAGAIN;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000 > timeout_ms)
			return -ETIMEDOUT;
		usleep(200);
	}
	e = q_at(q, q->base + (uint64_t)(q->idx & (q->n - 1)) * 64);
	memcpy(&cqe->wr_id, e, 8);
	memcpy(&cqe->qp, e + 8, 8);
	memcpy(&cqe->opcode, e + 16, 4);
	memcpy(&cqe->status, e + 20, 4);
	memcpy(&cqe->byte_len, e + 24, 4);
	memcpy(&cqe->imm, e + 28, 4);
	memcpy(&cqe->src_qp, e + 32, 4);
	memcpy(&cqe->flags, e + 36, 4);
	q->idx = (q->idx + 1) & (2 * q->n - 1);
	__atomic_store_n(&st[1], q->idx, __ATOMIC_RELEASE);
	return 0;
}

int vhca_doorbell(struct vhca_drv *drv, uint32_t page, uint32_t offset,
		  uint32_t value)
{
	return vhca_bar_write32(drv->dev, PVRDMA_BAR_UAR,
				(uint64_t)page * 4096 + offset, value);
}
