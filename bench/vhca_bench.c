// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-tier benchmark, run in the test VM: RDMA WRITE bandwidth between two
 * vhca instances (libvhca as the guest driver of each) and memcpy bandwidth
 * over the same sizes in the same VM, side by side in one run. Prints one
 * JSON record per measurement (median of the repetitions, with min and max).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvhca.h"
#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"
#include "pvrdma_cmd.h"

#define PAGE	4096u
#define BUF	(4u << 20)	/* 4 MiB registered on each side */
#define WR	256
#define REPS	5

struct side {
	char uuid[VHCA_UUID_LEN + 1];
	struct vhca_dev dev;
	struct vhca_drv drv;
	uint8_t gid[16];
	uint32_t pd, cq, qp, key;
	struct vhca_mem cq_ring, qp_ring, buf;
	struct vhca_queue cqq, sq;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int side_up(struct side *s, uint8_t id)
{
	struct vhca_qp_args a = { .type = 2, .wr = WR, .sge = 1 };
	struct pvrdma_req_create_mr r = { };
	struct vhca_mem dir;
	uint32_t resp[3];
	uint64_t pdir;

	vhca_uuid_generate(s->uuid);
	s->gid[0] = 0xfe;
	s->gid[1] = 0x80;
	s->gid[15] = id;
	if (vhca_instance_create("vhca0", "vhca-pvrdma-2", s->uuid) ||
	    vhca_dev_open(&s->dev, s->uuid) || vhca_drv_init(&s->drv, &s->dev) ||
	    vhca_drv_probe(&s->drv) || vhca_bind_gid(&s->drv, 0, s->gid) ||
	    vhca_create_pd(&s->drv, 0, &s->pd) ||
	    vhca_create_cq(&s->drv, 4096, 0, &s->cq, &s->cq_ring))
		return -1;
	a.pd = s->pd;
	a.cq = s->cq;
	if (vhca_create_qp(&s->drv, &a, &s->qp, &s->qp_ring) ||
	    vhca_mem_alloc(&s->drv, BUF, &s->buf) ||
	    vhca_pdir_build(&s->drv, &s->buf, &pdir, &dir))
		return -1;
	r.start = s->buf.iova;
	r.length = BUF;
	r.pdir_dma = pdir;
	r.pd_handle = s->pd;
	r.access_flags = 0xf;
	r.nchunks = BUF / PAGE;
	if (vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_MR, &r, sizeof(r), resp,
			 sizeof(resp)))
		return -1;
	s->key = resp[1];
	memset(s->buf.va, 0x5a, BUF);
	s->cqq = (struct vhca_queue){ &s->cq_ring, 8, PAGE, 4096, 64, 0 };
	s->sq = (struct vhca_queue){ &s->qp_ring, 0, PAGE, WR,
				     vhca_wqe_size(80, 1), 0 };
	return 0;
}

/* Bytes per second of @iters RDMA WRITEs of @size from a to b. */
static double write_bw(struct side *a, struct side *b, uint32_t size,
		       unsigned int iters)
{
	struct vhca_sq_wqe w = { .opcode = 0, .num_sge = 1 };
	unsigned int posted = 0, done = 0;
	struct vhca_cqe c;
	double t0;

	w.rkey = b->key;
	w.sge[0].lkey = a->key;
	w.sge[0].length = size;
	t0 = now();
	while (done < iters) {
		while (posted < iters && posted - done < WR / 2) {
			w.wr_id = posted;
			w.flags = 2;	/* signaled */
			w.sge[0].addr = a->buf.iova + (uint64_t)(posted * size) % (BUF - size + 1);
			w.remote_addr = b->buf.iova + (uint64_t)(posted * size) % (BUF - size + 1);
			vhca_queue_post_send(&a->sq, &w);
			posted++;
		}
		vhca_doorbell(&a->drv, 0, 0, a->qp | PVRDMA_UAR_QP_SEND);
		while (done < posted) {
			if (vhca_queue_poll(&a->cqq, &c, 10000) || c.status)
				return -1;
			done++;
			if (posted < iters && posted - done < WR / 4)
				break;
		}
	}
	return (double)size * iters / (now() - t0);
}

static double memcpy_bw(uint32_t size, unsigned int iters)
{
	static uint8_t *src, *dst;
	unsigned int i;
	double t0;

	if (!src) {
		src = malloc(BUF);
		dst = malloc(BUF);
		memset(src, 1, BUF);
		memset(dst, 2, BUF);
	}
	t0 = now();
	for (i = 0; i < iters; i++)
		memcpy(dst + (uint64_t)i * size % (BUF - size + 1),
		       src + (uint64_t)i * size % (BUF - size + 1), size);
	return (double)size * iters / (now() - t0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void record(const char *system, const char *test, uint32_t size,
		   double *v)
{
	qsort(v, REPS, sizeof(*v), cmp);
	printf("{\"tier\": \"host\", \"system\": \"%s\", \"test\": \"%s\", \"size\": %u, \"qps\": 1, \"pairs\": 1, \"value\": %.1f, \"min\": %.1f, \"max\": %.1f, \"unit\": \"MB/s\"}\n",
	       system, test, size, v[REPS / 2] / 1e6, v[0] / 1e6,
	       v[REPS - 1] / 1e6);
	fflush(stdout);
}

int main(void)
{
	static const uint32_t sizes[] = { 4096, 65536, 262144, 1048576, 4194304 };
	struct side a = { 0 }, b = { 0 };
	struct pvrdma_qp_attr at;
	double v[REPS];
	unsigned int i, r, iters;

	(void)at;
	if (side_up(&a, 1) || side_up(&b, 2) ||
	    vhca_connect_rc(&a.drv, a.qp, b.qp, b.gid) ||
	    vhca_connect_rc(&b.drv, b.qp, a.qp, a.gid)) {
		fprintf(stderr, "bench: setting up two instances failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		iters = (64u << 20) / sizes[i];	/* 64 MiB per repetition */
		write_bw(&a, &b, sizes[i], iters / 8 + 1);	/* warm-up */
		for (r = 0; r < REPS; r++)
			v[r] = write_bw(&a, &b, sizes[i], iters);
		record("vhca", "write_bw", sizes[i], v);
		for (r = 0; r < REPS; r++)
			v[r] = memcpy_bw(sizes[i], iters);
		record("memcpy", "copy_bw", sizes[i], v);
	}
	vhca_dev_close(&a.dev);
	vhca_dev_close(&b.dev);
	vhca_instance_remove(a.uuid);
	vhca_instance_remove(b.uuid);
	return 0;
}
