// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data path between two instances: libvhca plays the guest driver of
 * each (rings in its own memory, doorbells through BAR2) and checks what
 * arrives in the other's memory and CQs. Success paths of every operation,
 * the error completions real HCAs give, hostile WQEs and ring indices,
 * isolation by network, and CQ arming with notification and MSI-X.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "libvhca.h"
#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"
#include "pvrdma_cmd.h"
#include "pvrdma_dsr.h"

#define PAGE		4096u
#define BUF_PAGES	8
#define QP_WR		64
#define QP_SGE		4
#define CQE_N		256
#define MR_ACCESS	0xf	/* local write, remote write/read/atomic */

enum { OP_WRITE, OP_WRITE_IMM, OP_SEND, OP_SEND_IMM, OP_READ, OP_CAS, OP_FAA };
enum { WC_SEND, WC_WRITE, WC_READ, WC_CAS, WC_FAA, WC_RECV = 128, WC_RECV_IMM };
enum { ST_OK, ST_LOC_LEN = 1, ST_LOC_QP_OP = 2, ST_LOC_PROT = 4, ST_FLUSH = 5,
       ST_REM_INV_REQ = 9, ST_REM_ACCESS = 10, ST_RETRY_EXC = 12,
       ST_RNR_RETRY_EXC = 13 };

/* One side: an instance with a PD, a CQ, an RC QP and a registered buffer. */
struct side {
	char uuid[VHCA_UUID_LEN + 1];
	struct vhca_dev dev;
	struct vhca_drv drv;
	uint8_t gid[16];
	uint32_t pd, cq, qp, mr, key;
	struct vhca_mem cq_ring, qp_ring, buf;
	struct vhca_queue cqq, sq, rq;
};

static int side_mr(struct side *s)
{
	struct pvrdma_req_create_mr r = { };
	struct vhca_mem dir;
	uint32_t resp[3] = { };
	uint64_t pdir;
	int ret;

	ret = vhca_mem_alloc(&s->drv, BUF_PAGES * PAGE, &s->buf);
	if (!ret)
		ret = vhca_pdir_build(&s->drv, &s->buf, &pdir, &dir);
	if (ret)
		return ret;
	r.start = s->buf.iova;	/* user VA == IOVA keeps it simple */
	r.length = BUF_PAGES * PAGE;
	r.pdir_dma = pdir;
	r.pd_handle = s->pd;
	r.access_flags = MR_ACCESS;
	r.nchunks = BUF_PAGES;
	ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_MR, &r, sizeof(r), resp,
			   sizeof(resp));
	s->mr = resp[0];
	s->key = resp[1];
	return ret;
}

static void side_queues(struct side *s)
{
	uint32_t sq_pages = QP_WR * vhca_wqe_size(80, QP_SGE) / PAGE;

	s->cqq = (struct vhca_queue){ &s->cq_ring, 8, PAGE, CQE_N, 64, 0 };
	s->sq = (struct vhca_queue){ &s->qp_ring, 0, PAGE, QP_WR,
				     vhca_wqe_size(80, QP_SGE), 0 };
	s->rq = (struct vhca_queue){ &s->qp_ring, 8, (1 + sq_pages) * PAGE,
				     QP_WR, vhca_wqe_size(16, QP_SGE), 0 };
}

static int side_create(struct side *s)
{
	vhca_uuid_generate(s->uuid);
	return vhca_instance_create("vhca0", "vhca-pvrdma-8", s->uuid);
}

/* Open a created instance and build its objects, as a guest driver would. */
static int side_open(struct side *s, uint8_t id)
{
	struct vhca_qp_args a = { .type = 2, .wr = QP_WR, .sge = QP_SGE };
	int ret;

	memset(s->gid, 0, sizeof(s->gid));
	s->gid[0] = 0xfe;
	s->gid[1] = 0x80;
	s->gid[15] = id;
	ret = vhca_dev_open(&s->dev, s->uuid);
	if (!ret)
		ret = vhca_drv_init(&s->drv, &s->dev);
	if (!ret)
		ret = vhca_drv_probe(&s->drv);
	if (!ret)
		ret = vhca_bind_gid(&s->drv, 0, s->gid);
	if (!ret)
		ret = vhca_create_pd(&s->drv, 0, &s->pd);
	if (!ret)
		ret = vhca_create_cq(&s->drv, CQE_N, 0, &s->cq, &s->cq_ring);
	a.pd = s->pd;
	a.cq = s->cq;
	if (!ret)
		ret = vhca_create_qp(&s->drv, &a, &s->qp, &s->qp_ring);
	if (!ret)
		ret = side_mr(s);
	side_queues(s);
	return ret;
}

static int side_up(struct side *s, uint8_t id)
{
	int ret = side_create(s);

	return ret ? ret : side_open(s, id);
}

static void side_down(struct side *s)
{
	vhca_drv_fini(&s->drv);
	vhca_dev_close(&s->dev);
	vhca_instance_remove(s->uuid);
}

static void ring_sq(struct side *s)
{
	vhca_doorbell(&s->drv, 0, PVRDMA_UAR_QP_OFFSET, s->qp | PVRDMA_UAR_QP_SEND);
}

static void post(struct side *s, uint32_t op, uint64_t wr_id, uint32_t off,
		 uint32_t len, uint64_t raddr, uint32_t rkey)
{
	struct vhca_sq_wqe w = {
		.wr_id = wr_id, .opcode = op, .flags = 2, .imm = 0x12345678,
		.remote_addr = raddr, .rkey = rkey, .num_sge = 1,
	};

	w.sge[0].addr = s->buf.iova + off;
	w.sge[0].length = len;
	w.sge[0].lkey = s->key;
	vhca_queue_post_send(&s->sq, &w);
	ring_sq(s);
}

static uint8_t *at(struct side *s, uint32_t off)
{
	return (uint8_t *)s->buf.va + off;
}

/* Interrupts on @vector within a second (0 if none came). */
static uint64_t vector_wait(struct vhca_drv *drv, unsigned int vector)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < 100 && !n; i++) {
		n = vhca_drv_vector_count(drv, vector);
		if (!n)
			usleep(10000);
	}
	return n;
}

FIXTURE(pair) {
	struct side a, b;
};

FIXTURE_SETUP(pair)
{
	ASSERT_EQ(0, side_up(&self->a, 1));
	ASSERT_EQ(0, side_up(&self->b, 2));
	ASSERT_EQ(0, vhca_connect_rc(&self->a.drv, self->a.qp, self->b.qp,
				     self->b.gid));
	ASSERT_EQ(0, vhca_connect_rc(&self->b.drv, self->b.qp, self->a.qp,
				     self->a.gid));
}

FIXTURE_TEARDOWN(pair)
{
	side_down(&self->a);
	side_down(&self->b);
}

TEST_F(pair, send_recv)
{
	struct vhca_cqe c;
	unsigned int i;

	for (i = 0; i < 100; i++)
		at(&self->a, 0)[i] = i;
	vhca_queue_post_recv(&self->b.rq, 7, self->b.buf.iova + 4096, 4096,
			     self->b.key);
	post(&self->a, OP_SEND, 1, 0, 100, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_SEND, c.opcode);
	EXPECT_EQ(1, c.wr_id);
	EXPECT_EQ(self->a.qp, c.qp);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_RECV, c.opcode);
	EXPECT_EQ(7, c.wr_id);
	EXPECT_EQ(100, c.byte_len);
	EXPECT_EQ(self->a.qp, c.src_qp);
	EXPECT_EQ(0, memcmp(at(&self->a, 0), at(&self->b, 4096), 100));
}

TEST_F(pair, send_with_imm)
{
	struct vhca_cqe c;

	vhca_queue_post_recv(&self->b.rq, 8, self->b.buf.iova, 64, self->b.key);
	post(&self->a, OP_SEND_IMM, 2, 0, 16, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(0x12345678, c.imm);
	EXPECT_TRUE(c.flags & 2);	/* WITH_IMM */
}

TEST_F(pair, rdma_write_unaligned_across_pages)
{
	uint32_t len = 3 * PAGE + 123, i;
	struct vhca_cqe c;

	for (i = 0; i < len; i++)
		at(&self->a, 100)[i] = (uint8_t)(i * 7 + 1);
	post(&self->a, OP_WRITE, 3, 100, len, self->b.buf.iova + 300,
	     self->b.key);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_WRITE, c.opcode);
	EXPECT_EQ(0, memcmp(at(&self->a, 100), at(&self->b, 300), len));
	EXPECT_EQ(0, at(&self->b, 299)[0]);
	EXPECT_EQ(0, at(&self->b, 300 + len)[0]);
	/* No receive completion at B for a plain write. */
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&self->b.cqq, &c, 100));
}

TEST_F(pair, rdma_write_with_imm_consumes_a_receive)
{
	struct vhca_cqe c;

	vhca_queue_post_recv(&self->b.rq, 9, self->b.buf.iova, 0, self->b.key);
	post(&self->a, OP_WRITE_IMM, 4, 0, 256, self->b.buf.iova + 8192,
	     self->b.key);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_RECV_IMM, c.opcode);
	EXPECT_EQ(9, c.wr_id);
	EXPECT_EQ(0x12345678, c.imm);
}

TEST_F(pair, rdma_read)
{
	struct vhca_cqe c;
	unsigned int i;

	for (i = 0; i < 5000; i++)
		at(&self->b, 1000)[i] = (uint8_t)(i ^ 0x5a);
	post(&self->a, OP_READ, 5, 20000, 5000, self->b.buf.iova + 1000,
	     self->b.key);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_READ, c.opcode);
	EXPECT_EQ(0, memcmp(at(&self->b, 1000), at(&self->a, 20000), 5000));
}

/* Run atomic @w from A's buffer at @local_off on B's at @remote_off. */
static int atomic_a_to_b(struct side *a, struct side *b, struct vhca_sq_wqe *w,
			 uint32_t local_off, uint32_t remote_off,
			 struct vhca_cqe *c)
{
	w->remote_addr = b->buf.iova + remote_off;
	w->rkey = b->key;
	w->sge[0].addr = a->buf.iova + local_off;
	w->sge[0].length = 8;
	w->sge[0].lkey = a->key;
	vhca_queue_post_send(&a->sq, w);
	ring_sq(a);
	return vhca_queue_poll(&a->cqq, c, 5000);
}

TEST_F(pair, atomics)
{
	struct vhca_sq_wqe w = { .wr_id = 6, .opcode = OP_FAA, .flags = 2,
				 .num_sge = 1, .compare_add = 5 };
	uint64_t *remote = (uint64_t *)at(&self->b, 64);
	uint64_t *local = (uint64_t *)at(&self->a, 0);
	struct vhca_cqe c;

	*remote = 100;
	ASSERT_EQ(0, atomic_a_to_b(&self->a, &self->b, &w, 0, 64, &c));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_FAA, c.opcode);
	EXPECT_EQ(100, *local);
	EXPECT_EQ(105, *remote);
	w.opcode = OP_CAS;
	w.compare_add = 105;
	w.swap = 7;
	ASSERT_EQ(0, atomic_a_to_b(&self->a, &self->b, &w, 0, 64, &c));
	EXPECT_EQ(WC_CAS, c.opcode);
	EXPECT_EQ(105, *local);
	EXPECT_EQ(7, *remote);
	/* Unaligned target: remote access error. */
	ASSERT_EQ(0, atomic_a_to_b(&self->a, &self->b, &w, 0, 68, &c));
	EXPECT_EQ(ST_REM_ACCESS, c.status);
}

/* An extra RC QP on each side, connected to each other. */
struct qp_pair {
	uint32_t qa, qb;
	struct vhca_mem ra, rb;
	struct vhca_queue sq;	/* qa's send queue */
};

static int qp_pairs(struct side *a, struct side *b, struct qp_pair *q,
		    unsigned int n)
{
	struct vhca_qp_args args = { .type = 2, .wr = QP_WR, .sge = QP_SGE };
	unsigned int i;

	for (i = 0; i < n; i++) {
		args.pd = a->pd;
		args.cq = a->cq;
		if (vhca_create_qp(&a->drv, &args, &q[i].qa, &q[i].ra))
			return -1;
		args.pd = b->pd;
		args.cq = b->cq;
		if (vhca_create_qp(&b->drv, &args, &q[i].qb, &q[i].rb) ||
		    vhca_connect_rc(&a->drv, q[i].qa, q[i].qb, b->gid) ||
		    vhca_connect_rc(&b->drv, q[i].qb, q[i].qa, a->gid))
			return -1;
		q[i].sq = (struct vhca_queue){ &q[i].ra, 0, PAGE, QP_WR,
					       vhca_wqe_size(80, QP_SGE), 0 };
	}
	return 0;
}

/* Write @len bytes from @addr (through @lkey) into B's buffer over @q. */
static void write_to_b(struct side *a, struct side *b, struct qp_pair *q,
		       uint64_t wr_id, uint64_t addr, uint32_t lkey,
		       uint32_t len)
{
	struct vhca_sq_wqe w = { .wr_id = wr_id, .opcode = OP_WRITE,
				 .flags = 2, .num_sge = 1 };

	w.remote_addr = b->buf.iova;
	w.rkey = b->key;
	w.sge[0].addr = addr;
	w.sge[0].length = len;
	w.sge[0].lkey = lkey;
	vhca_queue_post_send(&q->sq, &w);
	vhca_doorbell(&a->drv, 0, PVRDMA_UAR_QP_OFFSET, q->qa | PVRDMA_UAR_QP_SEND);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * The VMM unmaps a buffer that an MR holds pinned (so vfio calls
 * .dma_unmap) and maps it again at once. vfio looks for pins in the range
 * again after .dma_unmap returns, so for a moment (200 ms) nothing is
 * pinned there: a WRITE from it through the DMA MR fails; later the buffer
 * works again. Nothing made vfio ask twice.
 */
TEST_F(pair, an_unmapped_range_is_fenced_for_a_moment)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct pvrdma_req_create_mr r = { .flags = 1, .access_flags = 1 };
	int container = self->a.drv.dev->container;
	uint32_t resp[3] = { }, dma_lkey;
	struct vhca_mem x, dir;
	uint64_t pdir;
	struct qp_pair q[2];
	struct vhca_cqe c;
	double t0;

	r.pd_handle = self->a.pd;
	ASSERT_EQ(0, vhca_drv_cmd(&self->a.drv, PVRDMA_CMD_CREATE_MR, &r,
				  sizeof(r), resp, sizeof(resp)));
	dma_lkey = resp[1];
	ASSERT_EQ(0, qp_pairs(&self->a, &self->b, q, 2));
	ASSERT_EQ(0, vhca_mem_alloc(&self->a.drv, PAGE, &x));
	memset(x.va, 'x', PAGE);
	write_to_b(&self->a, &self->b, &q[0], 1, x.iova, dma_lkey, 64);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	ASSERT_EQ(ST_OK, c.status);
	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, vhca_pdir_build(&self->a.drv, &x, &pdir, &dir));
	r.pdir_dma = pdir;
	r.start = x.iova;
	r.length = PAGE;
	r.pd_handle = self->a.pd;
	r.access_flags = 1;
	r.nchunks = 1;
	ASSERT_EQ(0, vhca_drv_cmd(&self->a.drv, PVRDMA_CMD_CREATE_MR, &r,
				  sizeof(r), resp, sizeof(resp)));

	unmap.iova = x.iova;
	unmap.size = PAGE;
	ASSERT_EQ(0, ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap));
	t0 = now_ms();
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)x.va;
	map.iova = x.iova;
	map.size = PAGE;
	ASSERT_EQ(0, ioctl(container, VFIO_IOMMU_MAP_DMA, &map));
	memset(at(&self->b, 0), 0, 64);
	write_to_b(&self->a, &self->b, &q[0], 2, x.iova, dma_lkey, 64);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(2, c.wr_id);
	/* A VM stalled for longer than the fence sees it lapsed already. */
	if (now_ms() - t0 < 150) {
		EXPECT_EQ(ST_LOC_PROT, c.status);	/* our own page */
		EXPECT_EQ(0, at(&self->b, 0)[0]);
	}

	usleep(250 * 1000);
	write_to_b(&self->a, &self->b, &q[1], 3, x.iova, dma_lkey, 64);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ('x', at(&self->b, 63)[0]);
	EXPECT_EQ(1, vhca_instance_counter(self->a.uuid, "revoked"));
	EXPECT_EQ(0, vhca_instance_counter(self->a.uuid, "unmap_repeats"));
	vhca_mem_free(&self->a.drv, &x);
}

/* The original value lands in an unaligned buffer that crosses a page. */
TEST_F(pair, atomic_result_into_a_buffer_across_pages)
{
	struct vhca_sq_wqe w = { .wr_id = 7, .opcode = OP_FAA, .flags = 2,
				 .num_sge = 1, .compare_add = 1 };
	uint64_t *remote = (uint64_t *)at(&self->b, 64);
	uint64_t got = 0;
	struct vhca_cqe c;

	*remote = 0x1122334455667788ull;
	memset(at(&self->a, 4088), 0, 16);
	ASSERT_EQ(0, atomic_a_to_b(&self->a, &self->b, &w, 4092, 64, &c));
	EXPECT_EQ(ST_OK, c.status);
	memcpy(&got, at(&self->a, 4092), 8);
	EXPECT_EQ(0x1122334455667788ull, got);
	EXPECT_EQ(0x1122334455667789ull, *remote);
}

/*
 * Eight QPs add to one counter at once: no update is lost and every
 * requester saw a distinct original value.
 */
TEST_F(pair, atomics_from_many_qps_add_up)
{
	struct qp_pair q[8];
	uint64_t *counter = (uint64_t *)at(&self->b, 0);
	uint64_t *orig = (uint64_t *)at(&self->a, 4096);
	unsigned int i, j, n = 8 * 24;
	uint8_t seen[8 * 24] = { 0 };
	struct vhca_cqe c;

	ASSERT_EQ(0, qp_pairs(&self->a, &self->b, q, 8));
	*counter = 0;
	for (j = 0; j < 24; j++) {
		for (i = 0; i < 8; i++) {
			struct vhca_sq_wqe w = { .wr_id = i * 24 + j, .opcode = OP_FAA,
						 .flags = 2, .num_sge = 1,
						 .compare_add = 1 };

			w.remote_addr = self->b.buf.iova;
			w.rkey = self->b.key;
			w.sge[0].addr = self->a.buf.iova + 4096 + (i * 24 + j) * 8;
			w.sge[0].length = 8;
			w.sge[0].lkey = self->a.key;
			vhca_queue_post_send(&q[i].sq, &w);
			vhca_doorbell(&self->a.drv, 0, 0, q[i].qa | PVRDMA_UAR_QP_SEND);
		}
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 10000));
		EXPECT_EQ(ST_OK, c.status);
	}
	EXPECT_EQ(n, *counter);
	for (i = 0; i < n; i++) {
		ASSERT_LT(orig[i], n);
		seen[orig[i]]++;
	}
	for (i = 0; i < n; i++)
		EXPECT_EQ(1, seen[i]);
}

TEST_F(pair, bad_rkey_errors_and_flushes)
{
	struct vhca_cqe c;
	uint32_t state;

	post(&self->a, OP_WRITE, 10, 0, 64, self->b.buf.iova, self->b.key ^ 1);
	post(&self->a, OP_WRITE, 11, 0, 64, self->b.buf.iova, self->b.key);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_REM_ACCESS, c.status);
	EXPECT_EQ(10, c.wr_id);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_FLUSH, c.status);	/* the QP is in error now */
	EXPECT_EQ(11, c.wr_id);
	ASSERT_EQ(0, vhca_qp_state(&self->a.drv, self->a.qp, &state));
	EXPECT_EQ(6, state);
}

/* Move @s's QP to the error state, as rdma_disconnect() does. */
static int qp_to_error(struct side *s)
{
	struct pvrdma_qp_attr err = { .qp_state = 6 };

	return vhca_modify_qp(&s->drv, s->qp, 0x1, &err);
}

static void ring_rq(struct side *s)
{
	vhca_doorbell(&s->drv, 0, PVRDMA_UAR_QP_OFFSET, s->qp | PVRDMA_UAR_QP_RECV);
}

/* Receives, posted before and after the move to the error state, flush. */
TEST_F(pair, error_state_flushes_receives)
{
	struct vhca_cqe c;
	uint32_t id;

	vhca_queue_post_recv(&self->b.rq, 30, self->b.buf.iova, 64, self->b.key);
	vhca_queue_post_recv(&self->b.rq, 31, self->b.buf.iova, 64, self->b.key);
	ring_rq(&self->b);
	ASSERT_EQ(0, qp_to_error(&self->b));
	for (id = 30; id <= 31; id++) {
		ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
		EXPECT_EQ(ST_FLUSH, c.status);
		EXPECT_EQ(WC_RECV, c.opcode);
		EXPECT_EQ(id, c.wr_id);
		EXPECT_EQ(self->b.qp, c.qp);
	}
	vhca_queue_post_recv(&self->b.rq, 32, self->b.buf.iova, 64, self->b.key);
	ring_rq(&self->b);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_FLUSH, c.status);
	EXPECT_EQ(32, c.wr_id);
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&self->b.cqq, &c, 200));	/* no more */
}

TEST_F(pair, out_of_bounds_and_wrong_key)
{
	struct vhca_cqe c;

	/* Past the end of B's MR. */
	post(&self->a, OP_WRITE, 12, 0, 200,
	     self->b.buf.iova + BUF_PAGES * PAGE - 100, self->b.key);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_REM_ACCESS, c.status);
}

TEST_F(pair, local_protection_error)
{
	struct vhca_sq_wqe w = { .wr_id = 13, .opcode = OP_WRITE, .flags = 2,
				 .num_sge = 1 };
	struct vhca_cqe c;

	w.remote_addr = self->b.buf.iova;
	w.rkey = self->b.key;
	w.sge[0].addr = self->a.buf.iova;
	w.sge[0].length = 64;
	w.sge[0].lkey = self->b.key;	/* B's key means nothing in A */
	vhca_queue_post_send(&self->a.sq, &w);
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_LOC_PROT, c.status);
}

TEST_F(pair, receive_too_small)
{
	struct vhca_cqe c;

	vhca_queue_post_recv(&self->b.rq, 14, self->b.buf.iova, 10, self->b.key);
	post(&self->a, OP_SEND, 15, 0, 100, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_LOC_LEN, c.status);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_REM_INV_REQ, c.status);
}

TEST_F(pair, receiver_not_ready_then_ready)
{
	struct vhca_cqe c;

	post(&self->a, OP_SEND, 16, 0, 32, 0, 0);
	/* rnr_retry 7 means retry forever: nothing completes yet. */
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&self->a.cqq, &c, 200));
	vhca_queue_post_recv(&self->b.rq, 17, self->b.buf.iova, 64, self->b.key);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(17, c.wr_id);
}

TEST_F(pair, hostile_wqe_gets_an_error_completion)
{
	struct vhca_sq_wqe w = { .wr_id = 18, .opcode = OP_SEND, .flags = 2,
				 .num_sge = 1000 };	/* CVE-2018-20124 */
	struct vhca_cqe c;

	vhca_queue_post_send(&self->a.sq, &w);
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_LOC_QP_OP, c.status);
	w.num_sge = 1;
	w.opcode = 11;	/* not an rdma-core or kernel opcode vhca runs */
	vhca_queue_post_send(&self->a.sq, &w);
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_NE(ST_OK, c.status);
}

TEST_F(pair, hostile_ring_index_is_fatal_for_the_qp)
{
	uint32_t type = 0, info = 0, state = 0;

	*(uint32_t *)self->a.qp_ring.va = 0xffffffff;	/* prod_tail */
	ring_sq(&self->a);
	usleep(200000);
	ASSERT_EQ(0, vhca_qp_state(&self->a.drv, self->a.qp, &state));
	EXPECT_EQ(6, state);
	ASSERT_EQ(0, vhca_drv_async_event(&self->a.drv, &type, &info));
	EXPECT_EQ(PVRDMA_EVENT_QP_FATAL, type);
	EXPECT_EQ(self->a.qp, info);
}

TEST_F(pair, doorbell_from_another_page_is_ignored)
{
	struct vhca_sq_wqe w = { .wr_id = 19, .opcode = OP_WRITE, .flags = 2,
				 .num_sge = 0 };
	struct vhca_cqe c;

	w.remote_addr = self->b.buf.iova;
	w.rkey = self->b.key;
	/* Let the turn that the move to RTS queued find an empty queue. */
	usleep(500000);
	vhca_queue_post_send(&self->a.sq, &w);
	/* The kernel's QP rung from a user context's page (1): no effect. */
	vhca_doorbell(&self->a.drv, 1, 0, self->a.qp | PVRDMA_UAR_QP_SEND);
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&self->a.cqq, &c, 300));
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(19, c.wr_id);
}

TEST_F(pair, armed_cq_notifies)
{
	uint32_t *cqne = (uint32_t *)((uint8_t *)self->b.drv.cqn.va + PAGE);
	struct vhca_cqe c;

	vhca_drv_vector_count(&self->b.drv, 2);
	vhca_doorbell(&self->b.drv, 0, PVRDMA_UAR_CQ_OFFSET,
		      self->b.cq | PVRDMA_UAR_CQ_ARM);
	vhca_queue_post_recv(&self->b.rq, 20, self->b.buf.iova, 64, self->b.key);
	post(&self->a, OP_SEND, 21, 0, 8, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	/* The interrupt follows the CQE it announces. */
	EXPECT_EQ(1, vector_wait(&self->b.drv, 2));
	EXPECT_EQ(self->b.cq, cqne[0]);
	/* One-shot: the next completion does not notify. */
	vhca_queue_post_recv(&self->b.rq, 22, self->b.buf.iova, 64, self->b.key);
	post(&self->a, OP_SEND, 23, 0, 8, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(0, vector_wait(&self->b.drv, 2));
}


TEST_F(pair, peer_reset_mid_transfer)
{
	unsigned int i, ok = 0, failed = 0;
	struct vhca_cqe c;

	for (i = 0; i < 48; i++)
		post(&self->a, OP_WRITE, 100 + i, 0, BUF_PAGES * PAGE,
		     self->b.buf.iova, self->b.key);
	/* B's VMM resets its device while A's writes are in flight. */
	ASSERT_EQ(0, vhca_dev_reset(&self->b.dev));
	EXPECT_EQ(0, vhca_instance_counter(self->b.uuid, "pinned_pages"));
	EXPECT_EQ(0, vhca_instance_counter(self->b.uuid, "qps"));
	for (i = 0; i < 48; i++) {
		ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 10000));
		EXPECT_EQ(100 + i, c.wr_id);
		if (c.status == ST_OK)
			ok++;
		else
			failed++;
	}
	/* Everything completes; once one fails the rest are flushed. */
	EXPECT_EQ(48, ok + failed);
	TH_LOG("%u writes landed before the reset, %u failed", ok, failed);
}

TEST_F(pair, many_qps_in_parallel)
{
	struct qp_pair q[8];
	unsigned int i, j, seen = 0;
	struct vhca_cqe c;

	ASSERT_EQ(0, qp_pairs(&self->a, &self->b, q, 8));
	/* Each QP writes its own 512-byte slice of B's buffer, 16 times. */
	for (j = 0; j < 16; j++) {
		for (i = 0; i < 8; i++) {
			struct vhca_sq_wqe w = { .wr_id = i << 8 | j, .opcode = OP_WRITE,
						 .flags = 2, .num_sge = 1 };

			memset(at(&self->a, i * 512), 'a' + i, 512);
			w.remote_addr = self->b.buf.iova + i * 512;
			w.rkey = self->b.key;
			w.sge[0].addr = self->a.buf.iova + i * 512;
			w.sge[0].length = 512;
			w.sge[0].lkey = self->a.key;
			vhca_queue_post_send(&q[i].sq, &w);
			vhca_doorbell(&self->a.drv, 0, 0, q[i].qa | PVRDMA_UAR_QP_SEND);
		}
	}
	for (i = 0; i < 8 * 16; i++) {
		ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 10000));
		EXPECT_EQ(ST_OK, c.status);
		seen++;
	}
	EXPECT_EQ(128, seen);
	for (i = 0; i < 8; i++)
		EXPECT_EQ('a' + i, at(&self->b, i * 512 + 511)[0]);
}

/* B writes 8 bytes into A and waits for it: A's QP has heard from its peer. */
static void ping_from_b(struct __test_metadata *_metadata, struct side *a,
			struct side *b)
{
	struct vhca_cqe c;

	post(b, OP_WRITE, 99, 0, 8, a->buf.iova + 7 * PAGE, a->key);
	ASSERT_EQ(0, vhca_queue_poll(&b->cqq, &c, 5000));
	ASSERT_EQ(ST_OK, c.status);
}

/*
 * A QP that hears from its peer runs small entries in the thread that rings
 * the doorbell, large ones on the worker; one send queue still executes in
 * order. Each round writes 8 bytes of 'T' at offset 8 (doorbell-sized), 24
 * KiB of 'L' over it (worker) and 8 bytes of 'S' at offset 0 (doorbell-sized,
 * while the worker may still be copying): later writes win and completions
 * come in order.
 */
TEST_F(pair, doorbell_and_worker_turns_keep_the_order)
{
	const uint32_t big = 24576, s_at = big, t_at = big + 8;
	const uint64_t dst = self->b.buf.iova;
	struct vhca_cqe c;
	unsigned int i, j;

	memset(at(&self->a, 0), 'L', big);
	memset(at(&self->a, s_at), 'S', 8);
	memset(at(&self->a, t_at), 'T', 8);
	for (i = 0; i < 20; i++) {
		memset(at(&self->b, 0), 0, big);
		ping_from_b(_metadata, &self->a, &self->b);
		post(&self->a, OP_WRITE, 3 * i, t_at, 8, dst + 8, self->b.key);
		ping_from_b(_metadata, &self->a, &self->b);
		post(&self->a, OP_WRITE, 3 * i + 1, 0, big, dst, self->b.key);
		ping_from_b(_metadata, &self->a, &self->b);
		post(&self->a, OP_WRITE, 3 * i + 2, s_at, 8, dst, self->b.key);
		for (j = 0; j < 3; j++) {
			ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
			EXPECT_EQ(ST_OK, c.status);
			EXPECT_EQ(3 * i + j, c.wr_id);
		}
		EXPECT_EQ('S', at(&self->b, 7)[0]);
		EXPECT_EQ('L', at(&self->b, 8)[0]);
		EXPECT_EQ('L', at(&self->b, big - 1)[0]);
	}
}

TEST_F(pair, srq_feeds_a_qp)
{
	struct pvrdma_req_create_srq r = { };
	struct vhca_qp_args args = { .pd = 0, .type = 2, .wr = QP_WR, .sge = QP_SGE };
	struct vhca_mem sring, sdir, qring;
	struct vhca_queue srq;
	uint32_t srqn = 0, qb, qa;
	struct vhca_sq_wqe w = { .wr_id = 41, .opcode = OP_SEND, .flags = 2,
				 .num_sge = 1 };
	struct vhca_queue asq;
	struct vhca_cqe c;
	uint64_t pdir;

	ASSERT_EQ(0, vhca_mem_alloc(&self->b.drv, 3 * PAGE, &sring));
	ASSERT_EQ(0, vhca_pdir_build(&self->b.drv, &sring, &pdir, &sdir));
	r.pdir_dma = pdir;
	r.pd_handle = self->b.pd;
	r.nchunks = 3;
	r.attrs.max_wr = 64;
	r.attrs.max_sge = QP_SGE;
	ASSERT_EQ(0, vhca_drv_cmd(&self->b.drv, PVRDMA_CMD_CREATE_SRQ, &r,
				  sizeof(r), &srqn, 4));
	args.pd = self->b.pd;
	args.cq = self->b.cq;
	args.srq = srqn;
	ASSERT_EQ(0, vhca_create_qp(&self->b.drv, &args, &qb, &qring));
	args.pd = self->a.pd;
	args.cq = self->a.cq;
	args.srq = 0;
	ASSERT_EQ(0, vhca_create_qp(&self->a.drv, &args, &qa, &self->a.qp_ring));
	ASSERT_EQ(0, vhca_connect_rc(&self->a.drv, qa, qb, self->b.gid));
	ASSERT_EQ(0, vhca_connect_rc(&self->b.drv, qb, qa, self->a.gid));
	srq = (struct vhca_queue){ &sring, 8, PAGE, 64, vhca_wqe_size(16, QP_SGE), 0 };
	vhca_queue_post_recv(&srq, 40, self->b.buf.iova, 128, self->b.key);
	asq = (struct vhca_queue){ &self->a.qp_ring, 0, PAGE, QP_WR,
				   vhca_wqe_size(80, QP_SGE), 0 };
	w.sge[0].addr = self->a.buf.iova;
	w.sge[0].length = 100;
	w.sge[0].lkey = self->a.key;
	vhca_queue_post_send(&asq, &w);
	vhca_doorbell(&self->a.drv, 0, 0, qa | PVRDMA_UAR_QP_SEND);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(40, c.wr_id);
	EXPECT_EQ(qb, c.qp);		/* the QP's handle, not the SRQ's */
	EXPECT_EQ(100, c.byte_len);
	/* The SRQ cannot go while a QP uses it. */
	EXPECT_EQ(EBUSY, vhca_destroy(&self->b.drv, PVRDMA_CMD_DESTROY_SRQ, srqn));
}

TEST_F(pair, solicited_only_arming)
{
	struct vhca_sq_wqe w = { .wr_id = 53, .opcode = OP_SEND,
				 .flags = 2 | 4, .num_sge = 0 };	/* solicited */
	struct vhca_cqe c;

	vhca_drv_vector_count(&self->b.drv, 2);
	vhca_doorbell(&self->b.drv, 0, PVRDMA_UAR_CQ_OFFSET,
		      self->b.cq | PVRDMA_UAR_CQ_ARM_SOL);
	vhca_queue_post_recv(&self->b.rq, 50, self->b.buf.iova, 64, self->b.key);
	vhca_queue_post_recv(&self->b.rq, 51, self->b.buf.iova, 64, self->b.key);
	post(&self->a, OP_SEND, 52, 0, 8, 0, 0);	/* not solicited */
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(0, vector_wait(&self->b.drv, 2));
	vhca_queue_post_send(&self->a.sq, &w);
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(1, vector_wait(&self->b.drv, 2));
}

TEST_F(pair, cq_overrun_raises_cq_error)
{
	struct vhca_qp_args args = { .pd = 0, .type = 2, .wr = QP_WR, .sge = QP_SGE };
	struct vhca_sq_wqe w = { .opcode = OP_WRITE, .flags = 2, .num_sge = 0 };
	struct vhca_mem cring, qring;
	uint32_t cq, qa, type = 99, info = 0;
	struct vhca_queue sq;
	unsigned int i;

	/* A 4-entry CQ that nobody polls, and 8 signaled writes into it. */
	ASSERT_EQ(0, vhca_create_cq(&self->a.drv, 4, 0, &cq, &cring));
	args.pd = self->a.pd;
	args.cq = cq;
	ASSERT_EQ(0, vhca_create_qp(&self->a.drv, &args, &qa, &qring));
	ASSERT_EQ(0, vhca_connect_rc(&self->a.drv, qa, self->b.qp, self->b.gid));
	sq = (struct vhca_queue){ &qring, 0, PAGE, QP_WR, vhca_wqe_size(80, QP_SGE), 0 };
	w.remote_addr = self->b.buf.iova;
	w.rkey = self->b.key;
	for (i = 0; i < 8; i++) {
		w.wr_id = i;
		vhca_queue_post_send(&sq, &w);
	}
	vhca_doorbell(&self->a.drv, 0, 0, qa | PVRDMA_UAR_QP_SEND);
	for (i = 0; i < 100 && vhca_drv_async_event(&self->a.drv, &type, &info); i++)
		usleep(20000);
	EXPECT_EQ(PVRDMA_EVENT_CQ_ERR, type);
	EXPECT_EQ(cq, info);
	/* The four that fit were never overwritten. */
	EXPECT_EQ(4, *(uint32_t *)((uint8_t *)cring.va + 8));	/* prod_tail */
}

/* B's SRQ of 64 WQEs feeding a new QP of B, and a new QP of A sending to it. */
struct srq_setup {
	uint32_t srqn, qa, qb;
	struct vhca_mem sring, qring, bring;
	struct vhca_queue srq, asq;
};

static int srq_setup(struct side *a, struct side *b, struct srq_setup *t)
{
	struct vhca_qp_args args = { .type = 2, .wr = QP_WR, .sge = QP_SGE };
	struct pvrdma_req_create_srq r = { };
	struct vhca_mem sdir;
	uint64_t pdir;
	int ret;

	ret = vhca_mem_alloc(&b->drv, 3 * PAGE, &t->sring);
	if (!ret)
		ret = vhca_pdir_build(&b->drv, &t->sring, &pdir, &sdir);
	if (ret)
		return ret;
	r.pdir_dma = pdir;
	r.pd_handle = b->pd;
	r.nchunks = 3;
	r.attrs.max_wr = 64;
	r.attrs.max_sge = QP_SGE;
	ret = vhca_drv_cmd(&b->drv, PVRDMA_CMD_CREATE_SRQ, &r, sizeof(r),
			   &t->srqn, 4);
	args.pd = b->pd;
	args.cq = b->cq;
	args.srq = t->srqn;
	if (!ret)
		ret = vhca_create_qp(&b->drv, &args, &t->qb, &t->bring);
	args.pd = a->pd;
	args.cq = a->cq;
	args.srq = 0;
	if (!ret)
		ret = vhca_create_qp(&a->drv, &args, &t->qa, &t->qring);
	if (!ret)
		ret = vhca_connect_rc(&a->drv, t->qa, t->qb, b->gid);
	if (!ret)
		ret = vhca_connect_rc(&b->drv, t->qb, t->qa, a->gid);
	t->srq = (struct vhca_queue){ &t->sring, 8, PAGE, 64,
				      vhca_wqe_size(16, QP_SGE), 0 };
	t->asq = (struct vhca_queue){ &t->qring, 0, PAGE, QP_WR,
				      vhca_wqe_size(80, QP_SGE), 0 };
	return ret;
}

/* A sends one message into the SRQ; the status of B's receive. */
static uint32_t srq_send(struct side *a, struct side *b, struct srq_setup *t,
			 uint64_t wr_id)
{
	struct vhca_sq_wqe w = { .wr_id = wr_id, .opcode = OP_SEND, .flags = 2,
				 .num_sge = 1 };
	struct vhca_cqe c = { .status = 0xdead };

	w.sge[0].addr = a->buf.iova;
	w.sge[0].length = 8;
	w.sge[0].lkey = a->key;
	vhca_queue_post_send(&t->asq, &w);
	vhca_doorbell(&a->drv, 0, 0, t->qa | PVRDMA_UAR_QP_SEND);
	vhca_queue_poll(&b->cqq, &c, 5000);
	vhca_queue_poll(&a->cqq, &c, 5000);
	return c.status;
}

/* The next async event of @s within a second, or 0xdead. */
static uint32_t next_event(struct side *s, uint32_t *info)
{
	uint32_t type = 0xdead;
	int i;

	for (i = 0; i < 50; i++) {
		if (!vhca_drv_async_event(&s->drv, &type, info))
			return type;
		usleep(20000);
	}
	return 0xdead;
}

TEST_F(pair, srq_limit_event_fires_once_below_the_limit)
{
	struct pvrdma_req_handle q = { };
	struct pvrdma_srq_attr attr = { };
	uint32_t info = 0, i;
	struct srq_setup t;

	ASSERT_EQ(0, srq_setup(&self->a, &self->b, &t));
	for (i = 0; i < 4; i++)
		vhca_queue_post_recv(&t.srq, 80 + i, self->b.buf.iova, 64,
				     self->b.key);
	/* A limit not below max_wr is refused; 3 arms the event. */
	EXPECT_EQ(EINVAL, vhca_modify_srq_limit(&self->b.drv, t.srqn, 64));
	ASSERT_EQ(0, vhca_modify_srq_limit(&self->b.drv, t.srqn, 3));
	q.handle = t.srqn;
	ASSERT_EQ(0, vhca_drv_cmd(&self->b.drv, PVRDMA_CMD_QUERY_SRQ, &q,
				  sizeof(q), &attr, sizeof(attr)));
	EXPECT_EQ(3, attr.srq_limit);
	/* 4 -> 3 posted: not below the limit yet. */
	EXPECT_EQ(ST_OK, srq_send(&self->a, &self->b, &t, 1));
	EXPECT_EQ(0xdead, next_event(&self->b, &info));
	/* 3 -> 2: below it, one event naming the SRQ. */
	EXPECT_EQ(ST_OK, srq_send(&self->a, &self->b, &t, 2));
	EXPECT_EQ(PVRDMA_EVENT_SRQ_LIMIT_REACHED, next_event(&self->b, &info));
	EXPECT_EQ(t.srqn, info);
	/* Disarmed: 2 -> 1 raises nothing, and the limit reads 0. */
	EXPECT_EQ(ST_OK, srq_send(&self->a, &self->b, &t, 3));
	EXPECT_EQ(0xdead, next_event(&self->b, &info));
	ASSERT_EQ(0, vhca_drv_cmd(&self->b.drv, PVRDMA_CMD_QUERY_SRQ, &q,
				  sizeof(q), &attr, sizeof(attr)));
	EXPECT_EQ(0, attr.srq_limit);
	/* Armed again: 1 + 2 posted = 3 -> 2 is below 3 once more. */
	vhca_queue_post_recv(&t.srq, 90, self->b.buf.iova, 64, self->b.key);
	vhca_queue_post_recv(&t.srq, 91, self->b.buf.iova, 64, self->b.key);
	ASSERT_EQ(0, vhca_modify_srq_limit(&self->b.drv, t.srqn, 3));
	EXPECT_EQ(ST_OK, srq_send(&self->a, &self->b, &t, 4));
	EXPECT_EQ(PVRDMA_EVENT_SRQ_LIMIT_REACHED, next_event(&self->b, &info));
	/* Limit 0 disarms: draining the rest raises nothing. */
	ASSERT_EQ(0, vhca_modify_srq_limit(&self->b.drv, t.srqn, 0));
	EXPECT_EQ(ST_OK, srq_send(&self->a, &self->b, &t, 5));
	EXPECT_EQ(0xdead, next_event(&self->b, &info));
}

/* A UD QP on @s, moved to RTS with Q_Key @qkey. */
static int ud_qp(struct side *s, uint32_t qkey, uint32_t *qp,
		 struct vhca_mem *ring, struct vhca_queue *sq,
		 struct vhca_queue *rq)
{
	struct vhca_qp_args a = { .pd = s->pd, .cq = s->cq, .type = 4,
				  .wr = QP_WR, .sge = QP_SGE };
	struct pvrdma_qp_attr at = { .qp_state = 1, .port_num = 1 };
	uint32_t sq_pages = QP_WR * vhca_wqe_size(80, QP_SGE) / PAGE;
	int ret;

	at.qkey = qkey;
	ret = vhca_create_qp(&s->drv, &a, qp, ring);
	if (!ret)	/* INIT: STATE | PKEY_INDEX | PORT | QKEY */
		ret = vhca_modify_qp(&s->drv, *qp, 0x1 | 0x10 | 0x20 | 0x40, &at);
	at.qp_state = 2;
	if (!ret)
		ret = vhca_modify_qp(&s->drv, *qp, 0x1, &at);
	at.qp_state = 3;
	if (!ret)	/* RTS: STATE | SQ_PSN */
		ret = vhca_modify_qp(&s->drv, *qp, 0x1 | 0x10000, &at);
	*sq = (struct vhca_queue){ ring, 0, PAGE, QP_WR, vhca_wqe_size(80, QP_SGE), 0 };
	*rq = (struct vhca_queue){ ring, 8, (1 + sq_pages) * PAGE, QP_WR,
				   vhca_wqe_size(16, QP_SGE), 0 };
	return ret;
}

TEST_F(pair, ud_send_with_grh_and_qkey)
{
	struct vhca_queue asq, arq, bsq, brq;
	struct vhca_mem ar, br;
	uint32_t aqp, bqp;
	struct vhca_sq_wqe w = { .wr_id = 30, .opcode = OP_SEND, .flags = 2,
				 .num_sge = 1, .ud_qkey = 0x11111111 };
	struct vhca_cqe c;
	uint8_t *grh = at(&self->b, 0);

	ASSERT_EQ(0, ud_qp(&self->a, 0x22222222, &aqp, &ar, &asq, &arq));
	ASSERT_EQ(0, ud_qp(&self->b, 0x11111111, &bqp, &br, &bsq, &brq));
	memset(at(&self->a, 0), 0xab, 64);
	vhca_queue_post_recv(&brq, 31, self->b.buf.iova, 40 + 256, self->b.key);
	w.ud_qpn = bqp;
	memcpy(w.ud_dgid, self->b.gid, 16);
	w.sge[0].addr = self->a.buf.iova;
	w.sge[0].length = 64;
	w.sge[0].lkey = self->a.key;
	vhca_queue_post_send(&asq, &w);
	vhca_doorbell(&self->a.drv, 0, 0, aqp | PVRDMA_UAR_QP_SEND);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_RECV, c.opcode);
	EXPECT_EQ(40 + 64, c.byte_len);
	EXPECT_EQ(aqp, c.src_qp);
	EXPECT_TRUE(c.flags & 1);		/* GRH */
	EXPECT_EQ(0x60, grh[0] & 0xf0);	/* IPv6 header for fe80:: GIDs */
	EXPECT_EQ(0, memcmp(grh + 8, self->a.gid, 16));
	EXPECT_EQ(0, memcmp(grh + 24, self->b.gid, 16));
	EXPECT_EQ(0xab, at(&self->b, 40)[63]);
	/* A wrong Q_Key: the sender completes, the datagram is dropped. */
	vhca_queue_post_recv(&brq, 32, self->b.buf.iova, 40 + 256, self->b.key);
	w.ud_qkey = 0x33333333;
	vhca_queue_post_send(&asq, &w);
	vhca_doorbell(&self->a.drv, 0, 0, aqp | PVRDMA_UAR_QP_SEND);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&self->b.cqq, &c, 300));
	/* Bit 31 set: the sending QP's own Q_Key (0x22222222) is used. */
	w.ud_qkey = 0x80000000;
	vhca_queue_post_send(&asq, &w);
	vhca_doorbell(&self->a.drv, 0, 0, aqp | PVRDMA_UAR_QP_SEND);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&self->b.cqq, &c, 300));
}

/*
 * A new QP of A sends to a new QP of B that has no receive posted, with
 * @retries RNR retries at A and B's min_rnr_timer @timer: the status A's
 * send ends with and how long it took.
 */
static uint32_t rnr_run(struct side *a, struct side *b, uint8_t timer,
			uint8_t retries, double *ms)
{
	struct vhca_qp_args args = { .type = 2, .wr = QP_WR, .sge = QP_SGE };
	struct vhca_sq_wqe w = { .wr_id = 0x55, .opcode = OP_SEND, .flags = 2 };
	struct vhca_cqe c = { .status = 0xdead };
	struct vhca_mem ra, rb;
	struct vhca_queue sq;
	uint32_t qa, qb;
	double t0;

	args.pd = b->pd;
	args.cq = b->cq;
	if (vhca_create_qp(&b->drv, &args, &qb, &rb))
		return 0xbad;
	args.pd = a->pd;
	args.cq = a->cq;
	if (vhca_create_qp(&a->drv, &args, &qa, &ra) ||
	    vhca_connect_rc_rnr(&a->drv, qa, qb, b->gid, 12, retries) ||
	    vhca_connect_rc_rnr(&b->drv, qb, qa, a->gid, timer, 7))
		return 0xbad;
	sq = (struct vhca_queue){ &ra, 0, PAGE, QP_WR, vhca_wqe_size(80, QP_SGE), 0 };
	vhca_queue_post_send(&sq, &w);
	t0 = now_ms();
	vhca_doorbell(&a->drv, 0, 0, qa | PVRDMA_UAR_QP_SEND);
	vhca_queue_poll(&a->cqq, &c, 20000);
	*ms = now_ms() - t0;
	vhca_destroy(&a->drv, PVRDMA_CMD_DESTROY_QP, qa);
	vhca_destroy(&b->drv, PVRDMA_CMD_DESTROY_QP, qb);
	return c.status;
}

TEST_F(pair, rnr_delay_follows_the_receivers_timer)
{
	double slow = 0, fast = 0;

	/* Timer code 0 is 655.36 ms: two retries take at least 1.31 s. */
	EXPECT_EQ(ST_RNR_RETRY_EXC, rnr_run(&self->a, &self->b, 0, 2, &slow));
	EXPECT_GE(slow, 1250);
	/* Code 1 is 10 us: the same two retries are over far sooner. */
	EXPECT_EQ(ST_RNR_RETRY_EXC, rnr_run(&self->a, &self->b, 1, 2, &fast));
	EXPECT_LT(fast, slow / 2);
	TH_LOG("two RNR retries: %.0f ms with timer 0, %.0f ms with timer 1",
	       slow, fast);
}

/* ---- fast registration (FRWR), local and remote invalidation ---- */

enum { OP_SEND_INV = 8, OP_LOCAL_INV = 10, OP_REG_MR = 11 };	/* kernel */
enum { WC_LOCAL_INV = 7, WC_REG_MR = 8 };	/* PVRDMA CQE opcodes */
#define FR_IOVA		0x40000000ull	/* where the registered region lives */
#define FR_MAX		8

/* An FRMR of @pd on @s and a page list naming buffer pages 5, 2 and 7. */
struct frmr {
	uint32_t handle, key;
	struct vhca_page_list pl;
};

static int frmr_make(struct side *s, uint32_t pd, struct frmr *f)
{
	int ret = vhca_create_frmr(&s->drv, pd, FR_MAX, &f->handle, &f->key);

	if (!ret)
		ret = vhca_page_list_alloc(&s->drv, &f->pl);
	if (ret)
		return ret;
	f->pl.entries[0] = s->buf.iova + 5 * PAGE;
	f->pl.entries[1] = s->buf.iova + 2 * PAGE;
	f->pl.entries[2] = s->buf.iova + 7 * PAGE;
	return 0;
}

/* The next key of an FRMR: same index, the variant byte bumped. */
static uint32_t key_bump(uint32_t key)
{
	return (key & ~0xffu) | ((key + 1) & 0xff);
}

/* A REG_MR of @f's three pages, @len bytes from FR_IOVA + @off. */
static struct vhca_sq_wqe reg_wqe(const struct frmr *f, uint32_t key,
				  uint32_t off, uint32_t len, uint32_t access)
{
	struct vhca_sq_wqe w = { .wr_id = 0xf0, .opcode = OP_REG_MR,
				 .flags = 2 };

	w.fr_iova = FR_IOVA + off;
	w.fr_pdir = f->pl.pdir;
	w.fr_page_shift = 12;
	w.fr_npages = 3;
	w.fr_length = len;
	w.fr_access = access;
	w.fr_key = key;
	return w;
}

/* Post @w on @s's own QP and return the status of its completion. */
static uint32_t local_op(struct side *s, const struct vhca_sq_wqe *w,
			 uint32_t *opcode)
{
	struct vhca_cqe c = { .status = 0xdead };

	vhca_queue_post_send(&s->sq, w);
	ring_sq(s);
	if (vhca_queue_poll(&s->cqq, &c, 5000))
		return 0xdead;
	if (opcode)
		*opcode = c.opcode;
	return c.status;
}

/*
 * Post @w on a fresh RC QP of @s in @pd (an error puts a QP in the error
 * state, so each hostile request gets its own) and return the status.
 */
static uint32_t local_op_fresh(struct side *s, uint32_t pd,
			       const struct vhca_sq_wqe *w)
{
	struct vhca_qp_args a = { .pd = pd, .cq = s->cq, .type = 2,
				  .wr = QP_WR, .sge = QP_SGE };
	struct vhca_cqe c = { .status = 0xdead };
	struct vhca_queue sq;
	struct vhca_mem ring;
	uint32_t qp;

	if (vhca_create_qp(&s->drv, &a, &qp, &ring) ||
	    vhca_connect_rc(&s->drv, qp, s->qp, s->gid))
		return 0xbad;
	sq = (struct vhca_queue){ &ring, 0, PAGE, QP_WR,
				  vhca_wqe_size(80, QP_SGE), 0 };
	vhca_queue_post_send(&sq, w);
	vhca_doorbell(&s->drv, 0, PVRDMA_UAR_QP_OFFSET, qp | PVRDMA_UAR_QP_SEND);
	vhca_queue_poll(&s->cqq, &c, 5000);
	vhca_destroy(&s->drv, PVRDMA_CMD_DESTROY_QP, qp);
	return c.status;
}

/*
 * A's RDMA @op of @len bytes from its buffer offset @off to @raddr/@rkey at
 * B, on a fresh QP of A (an error completion ends a QP's usefulness), and
 * the status it completes with.
 */
static uint32_t remote_op(struct side *a, struct side *b, uint32_t op,
			  uint32_t off, uint32_t len, uint64_t raddr,
			  uint32_t rkey)
{
	struct vhca_qp_args args = { .pd = a->pd, .cq = a->cq, .type = 2,
				     .wr = QP_WR, .sge = QP_SGE };
	struct vhca_sq_wqe w = { .wr_id = 0x77, .opcode = op, .flags = 2,
				 .remote_addr = raddr, .rkey = rkey,
				 .num_sge = 1 };
	struct vhca_cqe c = { .status = 0xdead };
	struct vhca_queue sq;
	struct vhca_mem ring;
	uint32_t qp;

	if (vhca_create_qp(&a->drv, &args, &qp, &ring) ||
	    vhca_connect_rc(&a->drv, qp, b->qp, b->gid))
		return 0xbad;
	sq = (struct vhca_queue){ &ring, 0, PAGE, QP_WR,
				  vhca_wqe_size(80, QP_SGE), 0 };
	w.sge[0].addr = a->buf.iova + off;
	w.sge[0].length = len;
	w.sge[0].lkey = a->key;
	vhca_queue_post_send(&sq, &w);
	vhca_doorbell(&a->drv, 0, PVRDMA_UAR_QP_OFFSET, qp | PVRDMA_UAR_QP_SEND);
	vhca_queue_poll(&a->cqq, &c, 5000);
	vhca_destroy(&a->drv, PVRDMA_CMD_DESTROY_QP, qp);
	return c.status;
}

/* Region offset @off -> offset in the buffer, through pages 5, 2, 7. */
static uint32_t fr_buf_off(uint32_t off)
{
	static const uint32_t page[] = { 5, 2, 7 };

	return page[off / PAGE] * PAGE + off % PAGE;
}

TEST_F(pair, frwr_register_write_read_invalidate)
{
	const uint8_t *caps = vhca_drv_caps(&self->b.drv);
	uint64_t pinned = vhca_instance_counter(self->b.uuid, "pinned_pages");
	struct side *a = &self->a, *b = &self->b;
	uint32_t key, op = 0, i;
	struct vhca_sq_wqe w;
	struct frmr f;

	/* All three base memory management extensions are advertised. */
	EXPECT_EQ(7, caps[offsetof(struct pvrdma_caps, bmme_flags)]);
	ASSERT_EQ(0, frmr_make(b, b->pd, &f));
	/* Not usable before it is registered. */
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 8,
					   FR_IOVA + 0x100, f.key));
	/* Three scattered pages, the region starting 0x100 into the first. */
	key = key_bump(f.key);
	w = reg_wqe(&f, key, 0x100, 3 * PAGE - 0x100 - 50, 0x7);
	EXPECT_EQ(ST_OK, local_op(b, &w, &op));
	EXPECT_EQ(WC_REG_MR, op);
	/* Registration pins nothing for good: the pages are translated. */
	EXPECT_EQ(pinned, vhca_instance_counter(b->uuid, "pinned_pages"));
	/* A writes across the first page boundary of the region ... */
	for (i = 0; i < 600; i++)
		at(a, 0)[i] = (uint8_t)(i * 13 + 5);
	EXPECT_EQ(ST_OK, remote_op(a, b, OP_WRITE, 0, 600,
				   FR_IOVA + PAGE - 300, key));
	EXPECT_EQ(0, memcmp(at(a, 0), at(b, fr_buf_off(PAGE - 300)), 300));
	EXPECT_EQ(0, memcmp(at(a, 300), at(b, fr_buf_off(PAGE)), 300));
	/* ... and reads it back through the same key. */
	EXPECT_EQ(ST_OK, remote_op(a, b, OP_READ, 8192, 600,
				   FR_IOVA + PAGE - 300, key));
	EXPECT_EQ(0, memcmp(at(a, 0), at(a, 8192), 600));
	/* The region's ends hold: before its start and past its length. */
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 8,
					   FR_IOVA + 0xf8, key));
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 51,
					   FR_IOVA + 3 * PAGE - 100, key));
	/* An rkey with another variant byte does not match. */
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 8,
					   FR_IOVA + 0x100, key_bump(key)));
	/* B invalidates it: the CQE says LOCAL_INV, A's access now fails. */
	w = (struct vhca_sq_wqe){ .wr_id = 0xf1, .opcode = OP_LOCAL_INV,
				  .flags = 2, .imm = key };
	EXPECT_EQ(ST_OK, local_op(b, &w, &op));
	EXPECT_EQ(WC_LOCAL_INV, op);
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 8,
					   FR_IOVA + 0x100, key));
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_READ, 0, 8,
					   FR_IOVA + 0x100, key));
	/* Registered again under the next key; the old one stays dead. */
	w = reg_wqe(&f, key_bump(key), 0, 3 * PAGE, 0x7);
	EXPECT_EQ(ST_OK, local_op(b, &w, NULL));
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 8, FR_IOVA, key));
	EXPECT_EQ(ST_OK, remote_op(a, b, OP_WRITE, 0, 8, FR_IOVA,
				   key_bump(key)));
	EXPECT_EQ(0, memcmp(at(a, 0), at(b, 5 * PAGE), 8));
	/* Read-only registration: remote writes are refused. */
	w = (struct vhca_sq_wqe){ .wr_id = 0xf2, .opcode = OP_LOCAL_INV,
				  .flags = 2, .imm = key_bump(key) };
	EXPECT_EQ(ST_OK, local_op(b, &w, NULL));
	w = reg_wqe(&f, key, 0, 3 * PAGE, 0x4);
	EXPECT_EQ(ST_OK, local_op(b, &w, NULL));
	EXPECT_EQ(ST_REM_ACCESS, remote_op(a, b, OP_WRITE, 0, 8, FR_IOVA, key));
	EXPECT_EQ(ST_OK, remote_op(a, b, OP_READ, 0, 8, FR_IOVA, key));
	/* Destroying the registered MR releases everything. */
	EXPECT_EQ(0, vhca_destroy(&b->drv, PVRDMA_CMD_DESTROY_MR, f.handle));
	EXPECT_EQ(pinned, vhca_instance_counter(b->uuid, "pinned_pages"));
}

TEST_F(pair, send_with_inv_invalidates_the_receivers_mr)
{
	struct vhca_sq_wqe w;
	struct vhca_cqe c;
	struct frmr f;
	uint32_t key;

	ASSERT_EQ(0, frmr_make(&self->b, self->b.pd, &f));
	key = key_bump(f.key);
	w = reg_wqe(&f, key, 0, 3 * PAGE, 0x7);
	ASSERT_EQ(ST_OK, local_op(&self->b, &w, NULL));
	vhca_queue_post_recv(&self->b.rq, 70, self->b.buf.iova, 64, self->b.key);
	w = (struct vhca_sq_wqe){ .wr_id = 71, .opcode = OP_SEND_INV,
				  .flags = 2, .imm = key, .num_sge = 1 };
	w.sge[0].addr = self->a.buf.iova;
	w.sge[0].length = 16;
	w.sge[0].lkey = self->a.key;
	vhca_queue_post_send(&self->a.sq, &w);
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_SEND, c.opcode);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(ST_OK, c.status);
	EXPECT_EQ(WC_RECV, c.opcode);
	EXPECT_EQ(16, c.byte_len);
	EXPECT_EQ(4, c.flags & 4);	/* IB_WC_WITH_INVALIDATE (kernel CQ) */
	EXPECT_EQ(key, c.imm);		/* the invalidated rkey */
	EXPECT_EQ(ST_REM_ACCESS, remote_op(&self->a, &self->b, OP_WRITE, 0, 8,
					   FR_IOVA, key));
	/* Invalidating a key that is not an FRMR's: both sides see errors. */
	vhca_queue_post_recv(&self->b.rq, 73, self->b.buf.iova, 64, self->b.key);
	w.wr_id = 74;
	w.imm = self->b.key;
	vhca_queue_post_send(&self->a.sq, &w);
	ring_sq(&self->a);
	ASSERT_EQ(0, vhca_queue_poll(&self->a.cqq, &c, 5000));
	EXPECT_EQ(ST_REM_INV_REQ, c.status);
	ASSERT_EQ(0, vhca_queue_poll(&self->b.cqq, &c, 5000));
	EXPECT_EQ(73, c.wr_id);
	EXPECT_EQ(ST_REM_INV_REQ, c.status);
	EXPECT_EQ(0, c.flags & 4);
}

TEST_F(pair, frwr_hostile_requests)
{
	struct side *b = &self->b;
	uint32_t pd2, key, ok_len = 3 * PAGE;
	struct frmr f, g;
	struct vhca_sq_wqe w;

	ASSERT_EQ(0, frmr_make(b, b->pd, &f));
	ASSERT_EQ(0, vhca_create_pd(&b->drv, 0, &pd2));
	ASSERT_EQ(0, frmr_make(b, pd2, &g));
	key = key_bump(f.key);
	/* A key whose index names no MR, or a user MR. */
	w = reg_wqe(&f, key + 0x100000, 0, ok_len, 0x7);
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	w = reg_wqe(&f, b->key, 0, ok_len, 0x7);
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	/* An FRMR of another PD. */
	w = reg_wqe(&g, key_bump(g.key), 0, ok_len, 0x7);
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	/* Page list too long for the MR, or empty. */
	w = reg_wqe(&f, key, 0, ok_len, 0x7);
	w.fr_npages = FR_MAX + 1;
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	w.fr_npages = 0;
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	/* Page sizes below 4 KiB or absurd. */
	w = reg_wqe(&f, key, 0, ok_len, 0x7);
	w.fr_page_shift = 11;
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	w.fr_page_shift = 40;
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	/* A region longer than its pages, or that wraps. */
	w = reg_wqe(&f, key, 1, ok_len, 0x7);
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	w = reg_wqe(&f, key, 0, ok_len, 0x7);
	w.fr_iova = ~0ull - 100;
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	/* Remote write or atomic without local write. */
	w = reg_wqe(&f, key, 0, ok_len, 0x2);
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	w = reg_wqe(&f, key, 0, ok_len, 0x8 | 0x4);
	EXPECT_EQ(ST_LOC_QP_OP, local_op_fresh(b, b->pd, &w));
	/* Entries that are not guest memory, unaligned, or zero. */
	w = reg_wqe(&f, key, 0, ok_len, 0x7);
	f.pl.entries[1] = 0x7ff000000000ull;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	f.pl.entries[1] = b->buf.iova + 2 * PAGE + 8;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	f.pl.entries[1] = 0;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	f.pl.entries[1] = b->buf.iova + 2 * PAGE;
	/* 2 MiB pages: the entries must be 2 MiB aligned. */
	w.fr_page_shift = 21;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	/* A page list directory that is not guest memory. */
	w = reg_wqe(&f, key, 0, ok_len, 0x7);
	w.fr_pdir = 0x7ff000000000ull;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	/* None of the above registered anything: this one works ... */
	w = reg_wqe(&f, key, 0, ok_len, 0x7);
	EXPECT_EQ(ST_OK, local_op_fresh(b, b->pd, &w));
	/* ... and registering the now valid MR again is an error. */
	w = reg_wqe(&f, key_bump(key), 0, ok_len, 0x7);
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	/* LOCAL_INV: wrong variant, a user MR, an FRMR of another PD. */
	w = (struct vhca_sq_wqe){ .opcode = OP_LOCAL_INV, .flags = 2,
				  .imm = key_bump(key) };
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	w.imm = b->key;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	w.imm = g.key;
	EXPECT_EQ(ST_LOC_PROT, local_op_fresh(b, b->pd, &w));
	/* The right key, from a QP of the right PD, works. */
	w.imm = key;
	EXPECT_EQ(ST_OK, local_op_fresh(b, b->pd, &w));
}

TEST_F(pair, rc_peer_is_resolved_once_and_follows_changes)
{
	struct pvrdma_req_destroy_bind unbind = { .index = 0 };
	struct side *a = &self->a, *b = &self->b;
	uint64_t before, after;
	struct vhca_cqe c;
	unsigned int i;

	memcpy(unbind.dest_gid, b->gid, 16);
	before = vhca_instance_counter(a->uuid, "fabric_lookups");
	for (i = 0; i < 20; i++)
		post(a, OP_WRITE, 200 + i, 0, 64, b->buf.iova, b->key);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
		EXPECT_EQ(ST_OK, c.status);
	}
	after = vhca_instance_counter(a->uuid, "fabric_lookups");
	/* One search of the fabric, not one per send. */
	EXPECT_LE(after - before, 2);
	TH_LOG("20 RC writes searched the fabric %llu time(s)",
	       (unsigned long long)(after - before));
	/* B drops the GID A reaches it by: the cached peer is gone too. */
	ASSERT_EQ(0, vhca_drv_cmd(&b->drv, PVRDMA_CMD_DESTROY_BIND, &unbind,
				  sizeof(unbind), NULL, 0));
	post(a, OP_WRITE, 230, 0, 8, b->buf.iova, b->key);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	EXPECT_EQ(ST_RETRY_EXC, c.status);
	/* Bound again: reachable again, through a new search. */
	ASSERT_EQ(0, vhca_bind_gid(&b->drv, 0, b->gid));
	before = vhca_instance_counter(a->uuid, "fabric_lookups");
	EXPECT_EQ(ST_OK, remote_op(a, b, OP_WRITE, 0, 8, b->buf.iova, b->key));
	EXPECT_LT(before, vhca_instance_counter(a->uuid, "fabric_lookups"));
	/* B's QP destroyed: sends to it fail instead of using a stale peer. */
	ASSERT_EQ(0, vhca_destroy(&b->drv, PVRDMA_CMD_DESTROY_QP, b->qp));
	EXPECT_EQ(ST_RETRY_EXC, remote_op(a, b, OP_WRITE, 0, 8, b->buf.iova,
					  b->key));
}

/* ---- QoS: weights and rate limits per instance ---- */

static int qos_write(struct side *s, const char *attr, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vhca/%s",
		 s->uuid, attr);
	return vhca_sysfs_write(path, val);
}

static uint64_t qos_read(struct side *s, const char *attr)
{
	char path[256];
	uint64_t v = ~0ull;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vhca/%s",
		 s->uuid, attr);
	vhca_sysfs_read_u64(path, &v);
	return v;
}

TEST_F(pair, qos_attributes_validate)
{
	EXPECT_EQ(10, qos_read(&self->a, "qos_weight"));
	EXPECT_EQ(0, qos_read(&self->a, "qos_rate_mbps"));
	EXPECT_EQ(-EINVAL, qos_write(&self->a, "qos_weight", "0"));
	EXPECT_EQ(-EINVAL, qos_write(&self->a, "qos_weight", "101"));
	EXPECT_EQ(-EINVAL, qos_write(&self->a, "qos_weight", "heavy"));
	EXPECT_EQ(-EINVAL, qos_write(&self->a, "qos_rate_mbps", "1000001"));
	EXPECT_EQ(-EINVAL, qos_write(&self->a, "qos_rate_mbps", "-1"));
	EXPECT_EQ(10, qos_read(&self->a, "qos_weight"));
	/* Both change while the instance is open and in use. */
	EXPECT_EQ(0, qos_write(&self->a, "qos_weight", "100"));
	EXPECT_EQ(100, qos_read(&self->a, "qos_weight"));
	EXPECT_EQ(0, qos_write(&self->a, "qos_rate_mbps", "1000000"));
	EXPECT_EQ(1000000, qos_read(&self->a, "qos_rate_mbps"));
	EXPECT_EQ(0, qos_write(&self->a, "qos_rate_mbps", "0"));
}

/* Post @n writes of the whole buffer from @a to @b; ms until all complete. */
static double timed_writes(struct side *a, struct side *b, unsigned int n,
			   unsigned int *ok)
{
	struct vhca_cqe c;
	unsigned int i;
	double t0 = now_ms();

	*ok = 0;
	for (i = 0; i < n; i++)
		post(a, OP_WRITE, 300 + i, 0, BUF_PAGES * PAGE, b->buf.iova,
		     b->key);
	for (i = 0; i < n; i++)
		if (!vhca_queue_poll(&a->cqq, &c, 30000) && c.status == ST_OK)
			(*ok)++;
	return now_ms() - t0;
}

TEST_F(pair, qos_rate_limit_bounds_throughput)
{
	unsigned int ok = 0;
	double free_ms, limited_ms;

	/* 64 writes of 32 KiB = 2 MiB; unlimited first. */
	free_ms = timed_writes(&self->a, &self->b, 60, &ok);
	EXPECT_EQ(60, ok);
	/* 16 Mbit/s = 2 MB/s: 1.9 MiB beyond the 64 KiB burst take ~1 s. */
	ASSERT_EQ(0, qos_write(&self->a, "qos_rate_mbps", "16"));
	limited_ms = timed_writes(&self->a, &self->b, 60, &ok);
	EXPECT_EQ(60, ok);
	EXPECT_GE(limited_ms, 800);
	EXPECT_LT(free_ms, limited_ms / 2);
	TH_LOG("1.875 MiB: %.0f ms unlimited, %.0f ms at 16 Mbit/s (%.2f MB/s)",
	       free_ms, limited_ms, 60 * 32768 / limited_ms / 1000);
	/* Lifted again: back to full speed. */
	ASSERT_EQ(0, qos_write(&self->a, "qos_rate_mbps", "0"));
	EXPECT_LT(timed_writes(&self->a, &self->b, 60, &ok), limited_ms / 2);
}

/* A sender with a QP to @b and a 1 MiB source MR. */
struct qos_sender {
	struct side s;
	uint32_t qp, rqp, mr, key;
	struct vhca_mem ring, rring, big;
	struct vhca_queue sq;
	uint64_t bytes;
	unsigned int outstanding, errors;
	uint32_t first_error;
};

#define QOS_WR_BYTES	(256u << 10)

static int big_mr_sized(struct side *s, struct vhca_mem *m, uint32_t *key,
			uint32_t bytes)
{
	struct pvrdma_req_create_mr r = { };
	uint32_t resp[3] = { };
	struct vhca_mem dir;
	uint64_t pdir;
	int ret;

	ret = vhca_mem_alloc(&s->drv, bytes, m);
	if (!ret)
		ret = vhca_pdir_build(&s->drv, m, &pdir, &dir);
	if (ret)
		return ret;
	r.start = m->iova;
	r.length = bytes;
	r.pdir_dma = pdir;
	r.pd_handle = s->pd;
	r.access_flags = MR_ACCESS;
	r.nchunks = bytes / PAGE;
	ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_MR, &r, sizeof(r), resp,
			   sizeof(resp));
	*key = resp[1];
	return ret;
}

static int big_mr(struct side *s, struct vhca_mem *m, uint32_t *key)
{
	return big_mr_sized(s, m, key, 1u << 20);
}

#define MID_WRITES	24
#define MID_BYTES	(4u << 20)

/*
 * A keeps MID_WRITES writes of 4 MiB going to B; once the first has
 * completed, @kill ends B's side (reset or VMM exit) with the rest in
 * flight. Every write of A must complete - the ones after the kill with
 * errors - and B must hold no pins or objects afterwards.
 */
static void mid_transfer_kill(struct __test_metadata *_metadata,
			      struct side *a, struct side *b, bool close_fd)
{
	struct vhca_mem src, dst;
	uint32_t skey, dkey, i, ok = 0, failed = 0;
	struct vhca_sq_wqe w = { .opcode = OP_WRITE, .flags = 2, .num_sge = 1 };
	struct vhca_cqe c;

	ASSERT_EQ(0, big_mr_sized(a, &src, &skey, MID_BYTES));
	ASSERT_EQ(0, big_mr_sized(b, &dst, &dkey, MID_BYTES));
	ASSERT_LE(MID_BYTES / PAGE, vhca_instance_counter(b->uuid, "pinned_pages"));
	w.remote_addr = dst.iova;
	w.rkey = dkey;
	w.sge[0].addr = src.iova;
	w.sge[0].length = MID_BYTES;
	w.sge[0].lkey = skey;
	for (i = 0; i < MID_WRITES; i++) {
		w.wr_id = 500 + i;
		vhca_queue_post_send(&a->sq, &w);
	}
	ring_sq(a);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 30000));
	ASSERT_EQ(ST_OK, c.status);
	ok = 1;
	if (close_fd) {	/* the VMM dies: its fds close */
		vhca_drv_fini(&b->drv);
		memset(b->drv.vec_fd, 0, sizeof(b->drv.vec_fd));
		vhca_dev_close(&b->dev);
	} else {
		ASSERT_EQ(0, vhca_dev_reset(&b->dev));
	}
	/* Released at once, while A's writes are still being worked off. */
	EXPECT_EQ(0, vhca_instance_counter(b->uuid, "pinned_pages"));
	EXPECT_EQ(0, vhca_instance_counter(b->uuid, "qps"));
	EXPECT_EQ(0, vhca_instance_counter(b->uuid, "mrs"));
	for (i = 1; i < MID_WRITES; i++) {
		ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 30000));
		EXPECT_EQ(500 + i, c.wr_id);
		if (c.status == ST_OK)
			ok++;
		else
			failed++;
	}
	EXPECT_EQ(MID_WRITES, ok + failed);
	EXPECT_LT(ok, MID_WRITES);	/* the kill landed mid-transfer */
	TH_LOG("%u writes of 4 MiB landed, %u failed after the peer went away",
	       ok, failed);
}

TEST_F(pair, peer_reset_during_4mib_writes)
{
	mid_transfer_kill(_metadata, &self->a, &self->b, false);
}

TEST_F(pair, peer_vmm_exit_during_4mib_writes)
{
	mid_transfer_kill(_metadata, &self->a, &self->b, true);
}

static int sender_up(struct qos_sender *q, uint8_t id, struct side *b,
		     const char *weight)
{
	struct vhca_qp_args args = { .type = 2, .wr = QP_WR, .sge = QP_SGE };
	int ret = side_up(&q->s, id);

	if (!ret)
		ret = qos_write(&q->s, "qos_weight", weight);
	if (!ret)
		ret = big_mr(&q->s, &q->big, &q->key);
	args.pd = b->pd;
	args.cq = b->cq;
	if (!ret)	/* B's end of the connection */
		ret = vhca_create_qp(&b->drv, &args, &q->rqp, &q->rring);
	if (!ret)
		ret = vhca_connect_rc(&q->s.drv, q->s.qp, q->rqp, b->gid);
	if (!ret)
		ret = vhca_connect_rc(&b->drv, q->rqp, q->s.qp, q->s.gid);
	q->bytes = 0;
	q->outstanding = 0;
	q->errors = 0;
	return ret;
}

static void sender_post_len(struct qos_sender *q, const struct vhca_mem *dst,
			    uint32_t dkey, uint32_t len)
{
	struct vhca_sq_wqe w = { .opcode = OP_WRITE, .flags = 2, .num_sge = 1 };

	w.remote_addr = dst->iova;
	w.rkey = dkey;
	w.sge[0].addr = q->big.iova;
	w.sge[0].length = len;
	w.sge[0].lkey = q->key;
	vhca_queue_post_send(&q->s.sq, &w);
	vhca_doorbell(&q->s.drv, 0, 0, q->s.qp | PVRDMA_UAR_QP_SEND);
	q->outstanding++;
}

static void sender_post(struct qos_sender *q, struct side *b,
			const struct vhca_mem *dst, uint32_t dkey)
{
	sender_post_len(q, dst, dkey, QOS_WR_BYTES);
}

/* Take the completions @q has; count their bytes if @count. */
static void sender_reap(struct qos_sender *q, bool count)
{
	struct vhca_cqe c;

	while (q->outstanding && !vhca_queue_poll(&q->s.cqq, &c, -1)) {
		q->outstanding--;
		if (c.status != ST_OK && !q->errors++)
			q->first_error = c.status;
		if (count && c.status == ST_OK)
			q->bytes += QOS_WR_BYTES;
	}
}

FIXTURE(qos) {
	struct side b;
	struct qos_sender light, heavy;
	struct vhca_mem dst;
	uint32_t dkey;
};

FIXTURE_SETUP(qos)
{
	ASSERT_EQ(0, side_up(&self->b, 3));
	ASSERT_EQ(0, big_mr(&self->b, &self->dst, &self->dkey));
	ASSERT_EQ(0, sender_up(&self->light, 1, &self->b, "1"));
	ASSERT_EQ(0, sender_up(&self->heavy, 2, &self->b, "10"));
}

FIXTURE_TEARDOWN(qos)
{
	side_down(&self->light.s);
	side_down(&self->heavy.s);
	side_down(&self->b);
}

TEST_F(qos, weights_share_the_engine)
{
	struct qos_sender *q[2] = { &self->light, &self->heavy };
	double t0, warm;
	unsigned int i, k;

	/* Both keep 32 writes of 256 KiB queued for 0.5 s + a 3 s window. */
	t0 = now_ms();
	warm = t0 + 500;
	while (now_ms() < t0 + 3500) {
		for (k = 0; k < 2; k++) {
			sender_reap(q[k], now_ms() >= warm);
			while (q[k]->outstanding < 32)
				sender_post(q[k], &self->b, &self->dst,
					    self->dkey);
		}
		usleep(500);
	}
	TH_LOG("in 3 s: weight 1 moved %llu KiB, weight 10 moved %llu KiB",
	       (unsigned long long)self->light.bytes >> 10,
	       (unsigned long long)self->heavy.bytes >> 10);
	EXPECT_EQ(0, self->light.errors + self->heavy.errors);
	TH_LOG("errors %u (first %u), %u (first %u)", self->light.errors,
	       self->light.first_error, self->heavy.errors,
	       self->heavy.first_error);
	EXPECT_GT(self->heavy.bytes, 0);
	EXPECT_GE(self->heavy.bytes, 3 * self->light.bytes);
	/* The light one is slowed, not starved. */
	EXPECT_GT(self->light.bytes, 0);
	/* Drain before teardown. */
	for (i = 0; i < 2000 && (q[0]->outstanding || q[1]->outstanding); i++) {
		sender_reap(q[0], false);
		sender_reap(q[1], false);
		usleep(5000);
	}
}

TEST_F(pair, qp_reset_rewinds_the_rings)
{
	struct pvrdma_qp_attr reset = { .qp_state = 0 };
	struct side *a = &self->a, *b = &self->b;
	struct vhca_cqe c;
	uint32_t state = 99;

	/* Some traffic, then an error: A's QP is in ERR with heads moved. */
	post(a, OP_WRITE, 400, 0, 64, b->buf.iova, b->key);
	post(a, OP_WRITE, 401, 0, 64, b->buf.iova, b->key);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	post(a, OP_WRITE, 402, 0, 64, b->buf.iova, b->key ^ 1);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	EXPECT_EQ(ST_REM_ACCESS, c.status);
	/* RESET, and the rings start over at 0 as both guest stacks do. */
	ASSERT_EQ(0, vhca_modify_qp(&a->drv, a->qp, 0x1, &reset));
	memset(a->qp_ring.va, 0, 16);
	a->sq.idx = 0;
	a->rq.idx = 0;
	ASSERT_EQ(0, vhca_connect_rc(&a->drv, a->qp, b->qp, b->gid));
	post(a, OP_WRITE, 403, 0, 64, b->buf.iova, b->key);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	EXPECT_EQ(403, c.wr_id);
	EXPECT_EQ(ST_OK, c.status);
	ASSERT_EQ(0, vhca_qp_state(&a->drv, a->qp, &state));
	EXPECT_EQ(3, state);	/* RTS, not a fatal ring error */
	/* The receive ring was rewound too. */
	vhca_queue_post_recv(&a->rq, 404, a->buf.iova, 64, a->key);
	post(b, OP_SEND, 405, 0, 8, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	EXPECT_EQ(404, c.wr_id);
	EXPECT_EQ(ST_OK, c.status);
}

/*
 * @q keeps 32 writes of 256 KiB queued for @ms; if @pinger, it also sends
 * one 4 KiB write every 5 ms, waiting for each. Returns @q's bytes.
 */
static uint64_t bulk_for(struct qos_sender *q, struct qos_sender *pinger,
			 struct side *b, const struct vhca_mem *dst,
			 uint32_t dkey, double ms)
{
	double t0 = now_ms(), next = t0;
	unsigned int i;

	q->bytes = 0;
	while (now_ms() < t0 + ms) {
		sender_reap(q, true);
		while (q->outstanding < 32)
			sender_post(q, b, dst, dkey);
		if (pinger) {
			sender_reap(pinger, false);
			if (!pinger->outstanding && now_ms() >= next) {
				sender_post_len(pinger, dst, dkey, 4096);
				next = now_ms() + 5;
			}
		}
		usleep(500);	/* the same pace with or without a pinger */
	}
	for (i = 0; i < 2000 && (q->outstanding ||
				 (pinger && pinger->outstanding)); i++) {
		sender_reap(q, false);
		if (pinger)
			sender_reap(pinger, false);
		usleep(5000);
	}
	return q->bytes;
}

TEST_F(qos, a_sporadic_sender_does_not_hold_back_a_busy_one)
{
	uint64_t alone, shared, again;

	/*
	 * Same weight; the pinger moves almost nothing but does so often.
	 * Were it counted as competing, its slowly growing virtual time
	 * would hold the bulk sender to a trickle; the host's other load
	 * varies, so the bulk sender is measured alone before and after.
	 */
	ASSERT_EQ(0, qos_write(&self->light.s, "qos_weight", "10"));
	alone = bulk_for(&self->heavy, NULL, &self->b, &self->dst, self->dkey,
			 2000);
	shared = bulk_for(&self->heavy, &self->light, &self->b, &self->dst,
			  self->dkey, 2000);
	again = bulk_for(&self->heavy, NULL, &self->b, &self->dst, self->dkey,
			 2000);
	TH_LOG("bulk sender in 2 s: %llu KiB alone, %llu KiB beside a pinger, %llu KiB alone",
	       (unsigned long long)alone >> 10,
	       (unsigned long long)shared >> 10,
	       (unsigned long long)again >> 10);
	EXPECT_GT(alone, 0);
	EXPECT_GE(shared, (alone < again ? alone : again) / 5);
	EXPECT_EQ(0, self->light.errors + self->heavy.errors);
}

FIXTURE(net) {
	struct side a, b;
};

FIXTURE_SETUP(net)
{
	ASSERT_EQ(0, side_create(&self->a));
	ASSERT_EQ(0, side_create(&self->b));
}

FIXTURE_TEARDOWN(net)
{
	side_down(&self->b);
	side_down(&self->a);
}

TEST_F(net, networks_are_isolated)
{
	struct side *a = &self->a, *b = &self->b;
	struct vhca_cqe c;
	char path[256];

	/* B lives on network 7, A on the default 0: set before a VMM opens. */
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vhca/network",
		 b->uuid);
	ASSERT_EQ(0, vhca_sysfs_write(path, "7"));
	EXPECT_EQ(-EINVAL, vhca_sysfs_write(path, "seven"));
	ASSERT_EQ(0, side_open(a, 1));
	ASSERT_EQ(0, side_open(b, 2));
	EXPECT_EQ(-EBUSY, vhca_sysfs_write(path, "0"));
	ASSERT_EQ(0, vhca_connect_rc(&a->drv, a->qp, b->qp, b->gid));
	ASSERT_EQ(0, vhca_connect_rc(&b->drv, b->qp, a->qp, a->gid));
	vhca_queue_post_recv(&b->rq, 1, b->buf.iova, 64, b->key);
	post(a, OP_SEND, 2, 0, 8, 0, 0);
	ASSERT_EQ(0, vhca_queue_poll(&a->cqq, &c, 5000));
	EXPECT_EQ(ST_RETRY_EXC, c.status);	/* nobody answers on network 0 */
	EXPECT_EQ(-ETIMEDOUT, vhca_queue_poll(&b->cqq, &c, 200));
}

TEST_HARNESS_MAIN
