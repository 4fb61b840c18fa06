// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-tier benchmark, run in the test VM. libvhca plays the guest driver of
 * every instance (rings in this process's memory, trapped doorbells through
 * BAR2), as the selftests do, and this program times, per test group:
 *
 *   bw     RDMA WRITE, RDMA READ and SEND bandwidth per message size, and the
 *          kernel CPU time per GB moved by the writes
 *   lat    SEND and RDMA WRITE latency: ping-pong, half the round trip, as
 *          perftest's ib_send_lat and ib_write_lat measure it
 *   rate   64-byte RDMA WRITE message rate over 1, 4 and 16 QPs
 *   pairs  aggregate RDMA WRITE bandwidth and Jain's fairness index with
 *          1, 2, 4 and 8 instance pairs running at once (one driver thread)
 *   idle   CPU use of the VM without instances and with 8 idle ones
 *   copy   the limit tier: memcpy of the same sizes in userspace, and in the
 *          kernel through bench/kmod's debugfs file when it is loaded; with
 *          bw, their repetitions take turns with those of the operations
 *
 * Work requests are posted one per doorbell (what ibv_post_send with one
 * WR does in a guest, and perftest's default), every 16th signaled. Pollers
 * yield the CPU while nothing arrived: vhca's data path runs in kernel
 * workers that may be queued on the poller's CPU of this 2-CPU VM. Each
 * figure is measured over several timed repetitions after a warm-up; one
 * JSON record per line gives the median, min, max and relative spread.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvhca.h"
#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"
#include "pvrdma_cmd.h"

#define PAGE		4096u
#define BUF		(4u << 20)	/* registered on every instance */
#define WR		256		/* SQ and RQ entries */
#define WINDOW		128		/* outstanding WRs per QP */
#define SIGNAL		16		/* every 16th WR is signaled */
#define CQE		4096
#define MAX_QPS		16
#define MAX_PAIRS	8
#define MAX_REPS	32
#define MAX_SIZES	32

enum { OP_WRITE = 0, OP_SEND = 2, OP_READ = 4 };
enum { WC_RECV = 128 };

struct inst {
	char uuid[VHCA_UUID_LEN + 1];
	struct vhca_dev dev;
	struct vhca_drv drv;
	uint8_t gid[16];
	uint32_t pd, cq, key;
	struct vhca_mem cq_ring, buf;
	struct vhca_queue cqq;
	bool up;
};

struct qp {
	uint32_t h;
	struct vhca_mem ring;
	struct vhca_queue sq, rq;
	uint64_t rposted, recvd;	/* receives posted and used, ever */
};

/* Two instances and the RC QPs connecting them (qa[i] <-> qb[i]). */
struct pair {
	struct inst a, b;
	unsigned int nqp;
	struct qp qa[MAX_QPS], qb[MAX_QPS];
};

/* One QP's stream of work requests during a timed run. */
struct flow {
	struct pair *p;
	struct qp *qa, *qb;
	uint64_t posted, done;
};

/* Marks the WRs of stream(): completions of other runs are skipped. */
#define STREAM_WR	(1ull << 63)

static struct {
	unsigned int reps, seed;
	double secs, warm, idle_secs;
	unsigned int sizes[MAX_SIZES], nsizes;
	unsigned int lat_sizes[MAX_SIZES], nlat;
	unsigned int qps[MAX_SIZES], nqps;
	unsigned int pairs[MAX_SIZES], npairs;
	unsigned int pair_size;
	const char *ops;
} cfg = {
	.reps = 5, .seed = 7, .secs = 0.3, .warm = 0.1, .idle_secs = 2,
	.pair_size = 65536, .ops = "write,read,send",
};

static struct pair pairs[MAX_PAIRS];
static unsigned int npairs_up;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * One record: the median of @n values, with their range, and the values in
 * the order they were measured ("samples": the report pairs repetitions
 * that took turns).
 */
static void emit(const char *system, const char *test, uint64_t size,
		 unsigned int qps, unsigned int pairs, const char *unit,
		 double *v, unsigned int n)
{
	char samples[MAX_REPS * 16] = "", *p = samples;
	unsigned int i;
	double m;

	for (i = 0; i < n; i++)
		p += snprintf(p, samples + sizeof(samples) - p, "%s%.6g",
			      i ? ", " : "", v[i]);
	m = median(v, n);
	printf("{\"tier\": \"host\", \"system\": \"%s\", \"test\": \"%s\", \"size\": %llu, \"qps\": %u, \"pairs\": %u, \"value\": %.6g, \"unit\": \"%s\", \"reps\": %u, \"min\": %.6g, \"max\": %.6g, \"spread\": %.4f, \"samples\": [%s]}\n",
	       system, test, (unsigned long long)size, qps, pairs, m, unit, n,
	       v[0], v[n - 1], m ? (v[n - 1] - v[0]) / m : 0, samples);
	fflush(stdout);
}

/* Kernel (system + irq + softirq) and busy (all but idle and iowait) ticks. */
static void cpu_ticks(unsigned long long *kernel, unsigned long long *busy)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			 &v[7]) != 8)
		memset(v, 0, sizeof(v));
	if (f)
		fclose(f);
	*kernel = v[2] + v[5] + v[6];
	*busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

/* Fill @p with a pattern from a fixed seed (repeatable contents). */
static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x;
	}
}

/* Message @k of @size bytes sits here in a buffer (size-aligned). */
static uint64_t slot(uint64_t k, uint32_t size)
{
	uint64_t n = BUF / size;

	return (k % (n ? n : 1)) * size;
}

static int inst_up(struct inst *s, const char *hca, uint8_t id)
{
	struct pvrdma_req_create_mr r = { };
	struct vhca_mem dir;
	uint32_t resp[3];
	uint64_t pdir;
	int ret;

	vhca_uuid_generate(s->uuid);
	s->gid[0] = 0xfe;
	s->gid[1] = 0x80;
	s->gid[15] = id;
	ret = vhca_instance_create(hca, "vhca-pvrdma-8", s->uuid);
	if (ret)
		return ret;
	s->up = true;
	if (vhca_dev_open(&s->dev, s->uuid) ||
	    vhca_drv_init(&s->drv, &s->dev) || vhca_drv_probe(&s->drv) ||
	    vhca_bind_gid(&s->drv, 0, s->gid) ||
	    vhca_create_pd(&s->drv, 0, &s->pd) ||
	    vhca_create_cq(&s->drv, CQE, 0, &s->cq, &s->cq_ring) ||
	    vhca_mem_alloc(&s->drv, BUF, &s->buf) ||
	    vhca_pdir_build(&s->drv, &s->buf, &pdir, &dir))
		return -EIO;
	r.start = s->buf.iova;
	r.length = BUF;
	r.pdir_dma = pdir;
	r.pd_handle = s->pd;
	r.access_flags = 0xf;
	r.nchunks = BUF / PAGE;
	if (vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_MR, &r, sizeof(r), resp,
			 sizeof(resp)))
		return -EIO;
	s->key = resp[1];
	fill(s->buf.va, BUF, cfg.seed + id);
	s->cqq = (struct vhca_queue){ &s->cq_ring, 8, PAGE, CQE, 64, 0 };
	return 0;
}

static void inst_down(struct inst *s)
{
	if (!s->up)
		return;
	vhca_drv_fini(&s->drv);
	vhca_dev_close(&s->dev);
	vhca_instance_remove(s->uuid);
	s->up = false;
}

static int qp_make(struct inst *s, struct qp *q)
{
	struct vhca_qp_args a = { .type = 2, .wr = WR, .sge = 1 };
	uint32_t sq_pages = WR * vhca_wqe_size(80, 1) / PAGE;

	a.pd = s->pd;
	a.cq = s->cq;
	if (vhca_create_qp(&s->drv, &a, &q->h, &q->ring))
		return -EIO;
	q->sq = (struct vhca_queue){ &q->ring, 0, PAGE, WR,
				     vhca_wqe_size(80, 1), 0 };
	q->rq = (struct vhca_queue){ &q->ring, 8, (1 + sq_pages) * PAGE, WR,
				     vhca_wqe_size(16, 1), 0 };
	return 0;
}

/* Another connected QP pair between the pair's two instances. */
static int pair_add_qp(struct pair *p)
{
	struct qp *qa = &p->qa[p->nqp], *qb = &p->qb[p->nqp];

	if (p->nqp == MAX_QPS || qp_make(&p->a, qa) || qp_make(&p->b, qb) ||
	    vhca_connect_rc(&p->a.drv, qa->h, qb->h, p->b.gid) ||
	    vhca_connect_rc(&p->b.drv, qb->h, qa->h, p->a.gid))
		return -EIO;
	p->nqp++;
	return 0;
}

/* Instance a of pair i on vhca0, b on vhca1 (vhca0 if there is one HCA). */
static int pair_up(unsigned int i)
{
	struct pair *p = &pairs[i];
	const char *hb = access("/sys/class/vhca/vhca1", F_OK) ? "vhca0" :
								 "vhca1";

	if (inst_up(&p->a, "vhca0", 2 * i + 1) || inst_up(&p->b, hb, 2 * i + 2) ||
	    pair_add_qp(p)) {
		fprintf(stderr, "bench: setting up pair %u failed\n", i);
		return -1;
	}
	return 0;
}

static void pair_down(struct pair *p)
{
	inst_down(&p->a);
	inst_down(&p->b);
	p->nqp = 0;
}

static int pairs_up(unsigned int n)
{
	while (npairs_up < n && npairs_up < MAX_PAIRS) {
		if (pair_up(npairs_up))
			return -1;
		npairs_up++;
	}
	return 0;
}

/* Take the next CQE if there is one (never sleeps, unlike the library's). */
static bool cq_next(struct vhca_queue *q, struct vhca_cqe *c)
{
	uint32_t *st = (uint32_t *)((uint8_t *)q->mem->va + q->state);
	uint8_t *e;

	if (__atomic_load_n(&st[0], __ATOMIC_ACQUIRE) == q->idx)
		return false;
	e = (uint8_t *)q->mem->va + q->base + (uint64_t)(q->idx & (q->n - 1)) * 64;
	memcpy(&c->wr_id, e, 8);
	memcpy(&c->qp, e + 8, 8);
	memcpy(&c->opcode, e + 16, 4);
	memcpy(&c->status, e + 20, 4);
	memcpy(&c->byte_len, e + 24, 4);
	q->idx = (q->idx + 1) & (2 * q->n - 1);
	__atomic_store_n(&st[1], q->idx, __ATOMIC_RELEASE);
	return true;
}

static void ring_sq(struct inst *s, struct qp *q)
{
	vhca_doorbell(&s->drv, 0, PVRDMA_UAR_QP_OFFSET, q->h | PVRDMA_UAR_QP_SEND);
}

static void ring_rq(struct inst *s, struct qp *q)
{
	vhca_doorbell(&s->drv, 0, PVRDMA_UAR_QP_OFFSET, q->h | PVRDMA_UAR_QP_RECV);
}

/*
 * Receives always cover the whole buffer, so the ones left posted after a
 * run fit any later message size; @q->rposted - @q->recvd stay posted.
 */
static void post_recvs(struct inst *s, struct qp *q, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++, q->rposted++)
		vhca_queue_post_recv(&q->rq, q->rposted, s->buf.iova, BUF,
				     s->key);
	if (n)
		ring_rq(s, q);
}

/* Keep @want receives posted at @q. */
static void top_up(struct inst *s, struct qp *q, uint64_t want)
{
	uint64_t have = q->rposted - q->recvd;

	if (have < want)
		post_recvs(s, q, want - have);
}

static void post_one(struct pair *p, struct flow *f, uint32_t op,
		     uint32_t size)
{
	struct vhca_sq_wqe w = { .opcode = op, .num_sge = 1 };
	uint64_t off = slot(f->posted, size);

	w.flags = (f->posted + 1) % SIGNAL ? 0 : 2;
	w.wr_id = (f->posted + 1) | STREAM_WR;
	w.sge[0].addr = p->a.buf.iova + off;
	w.sge[0].length = size;
	w.sge[0].lkey = p->a.key;
	w.remote_addr = p->b.buf.iova + off;
	w.rkey = p->b.key;
	vhca_queue_post_send(&f->qa->sq, &w);
	f->posted++;
	ring_sq(&p->a, f->qa);
}

static struct flow *flow_of(struct flow *f, unsigned int n, struct pair *p,
			    uint64_t qp, bool at_b)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (f[i].p == p && (at_b ? f[i].qb->h : f[i].qa->h) == qp)
			return &f[i];
	return NULL;
}

/* Take the completions of pair @p; false on an error completion. */
static bool reap(struct flow *f, unsigned int n, struct pair *p, uint32_t op,
		 bool *busy)
{
	struct vhca_cqe c;
	struct flow *g;

	while (cq_next(&p->a.cqq, &c)) {
		g = flow_of(f, n, p, c.qp, false);
		if (c.status || !g) {
			fprintf(stderr, "bench: completion status %u\n", c.status);
			return false;
		}
		if (c.opcode < WC_RECV && (c.wr_id & STREAM_WR))
			g->done = c.wr_id & ~STREAM_WR;
		*busy = true;
	}
	while (op == OP_SEND && cq_next(&p->b.cqq, &c)) {
		g = flow_of(f, n, p, c.qp, true);
		if (c.status || !g)
			return false;
		if (c.opcode >= WC_RECV)
			g->qb->recvd++;
	}
	return true;
}

/*
 * Stream @op of @size over flows @f (QPs of one or more pairs, set up by
 * the caller) from one thread until @until (absolute), then drain. Every
 * flow keeps WINDOW WRs outstanding. Returns the WRs completed (f[i].done
 * each) and sets @secs to the time taken.
 */
static int64_t stream(struct flow *f, unsigned int n, uint32_t op,
		      uint32_t size, double until, double *secs)
{
	uint64_t total = 0, iter = 0;
	struct vhca_cqe c;
	bool stop = false, busy;
	unsigned int i;
	double t0 = now();

	for (i = 0; i < n; i++) {
		f[i].posted = f[i].done = 0;
		if (op == OP_SEND)
			top_up(&f[i].p->b, f[i].qb, WR);
		/* leftovers of other runs */
		while (cq_next(&f[i].p->a.cqq, &c) || cq_next(&f[i].p->b.cqq, &c))
			;
	}
	for (;;) {
		/* The clock is a slow HPET read in this VM: look now and then. */
		stop = stop || (!(++iter % 16) && now() >= until);
		busy = false;
		for (i = 0; i < n; i++) {
			if (stop && f[i].posted % SIGNAL)
				post_one(f[i].p, &f[i], op, size);	/* end signaled */
			while (!stop && f[i].posted - f[i].done < WINDOW)
				post_one(f[i].p, &f[i], op, size);
			busy |= f[i].posted != f[i].done;
		}
		if (stop && !busy)
			break;
		busy = false;
		for (i = 0; i < n; i++)
			if ((i == 0 || f[i].p != f[i - 1].p) &&
			    !reap(f, n, f[i].p, op, &busy))
				return -1;
		for (i = 0; op == OP_SEND && i < n; i++)
			top_up(&f[i].p->b, f[i].qb, WR);
		if (!busy)
			sched_yield();
	}
	*secs = now() - t0;
	for (i = 0; i < n; i++)
		total += f[i].done;
	return total;
}

/* Flows over the first @nqp QPs of pair @p. */
static unsigned int flows_of(struct flow *f, struct pair *p, unsigned int nqp)
{
	unsigned int i;

	for (i = 0; i < nqp; i++)
		f[i] = (struct flow){ .p = p, .qa = &p->qa[i], .qb = &p->qb[i] };
	return nqp;
}

static const struct { const char *name, *test; uint32_t op; } bw_ops[] = {
	{ "write", "write_bw", OP_WRITE }, { "read", "read_bw", OP_READ },
	{ "send", "send_bw", OP_SEND },
};

/* Wait until byte @p turns @tag; false after 5 s (something is broken). */
static bool wait_byte(volatile uint8_t *p, uint8_t tag)
{
	double t0 = 0;
	unsigned int spins = 0;

	while (*p != tag) {
		sched_yield();	/* the data path may be queued on this CPU */
		if (++spins % 4096 == 0) {
			if (!t0)
				t0 = now();
			else if (now() - t0 > 5)
				return false;
		}
	}
	return true;
}

/* Wait for a receive completion of @qp, skipping send completions. */
static bool wait_recv(struct vhca_queue *q, struct qp *qp)
{
	struct vhca_cqe c;
	double t0 = 0;
	unsigned int spins = 0;

	for (;;) {
		if (cq_next(q, &c)) {
			if (c.status)
				return false;
			if (c.opcode >= WC_RECV)
				qp->recvd++;
			if (c.opcode >= WC_RECV)
				return true;
			continue;
		}
		sched_yield();
		if (++spins % 4096 == 0) {
			if (!t0)
				t0 = now();
			else if (now() - t0 > 5)
				return false;
		}
	}
}

static void lat_post(struct inst *from, struct qp *q, struct inst *to,
		     uint32_t op, uint32_t size, uint64_t k)
{
	struct vhca_sq_wqe w = { .opcode = op, .num_sge = 1 };

	w.wr_id = k;
	w.flags = k % 64 ? 0 : 2;
	w.sge[0].addr = from->buf.iova + BUF / 2;
	w.sge[0].length = size;
	w.sge[0].lkey = from->key;
	w.remote_addr = to->buf.iova;
	w.rkey = to->key;
	vhca_queue_post_send(&q->sq, &w);
	ring_sq(from, q);
}

/*
 * Ping-pong between a and b until @until; fills @half with half round trips
 * in microseconds and returns how many.
 */
static int pingpong(struct pair *p, uint32_t op, uint32_t size, double until,
		    double *half, int max)
{
	struct inst *a = &p->a, *b = &p->b;
	struct qp *qa = &p->qa[0], *qb = &p->qb[0];
	uint8_t *ta = (uint8_t *)a->buf.va + size - 1;
	uint8_t *tb = (uint8_t *)b->buf.va + size - 1;
	uint8_t *sa = (uint8_t *)a->buf.va + BUF / 2 + size - 1;
	uint8_t *sb = (uint8_t *)b->buf.va + BUF / 2 + size - 1;
	uint64_t k = 0;
	double t0;
	int n = 0;

	*ta = 0;
	*tb = 0;
	if (op == OP_SEND) {	/* a few receives at each end, kept topped up */
		top_up(a, qa, 16);
		top_up(b, qb, 16);
	}
	while (n < max && now() < until) {
		uint8_t tag = k % 255 + 1;

		k++;
		*sa = tag;
		t0 = now();
		lat_post(a, qa, b, op, size, k);
		if (op == OP_SEND) {
			if (!wait_recv(&b->cqq, qb))
				return -1;
			post_recvs(b, qb, 1);
		} else if (!wait_byte(tb, tag)) {
			return -1;
		}
		*sb = tag;
		lat_post(b, qb, a, op, size, k);
		if (op == OP_SEND) {
			if (!wait_recv(&a->cqq, qa))
				return -1;
			post_recvs(a, qa, 1);
		} else if (!wait_byte(ta, tag)) {
			return -1;
		}
		half[n++] = (now() - t0) / 2 * 1e6;
	}
	return n;
}

static int run_lat(void)
{
	static double half[200000];
	static const struct { const char *test; uint32_t op; } ops[] = {
		{ "send_lat", OP_SEND }, { "write_lat", OP_WRITE },
	};
	double v[MAX_REPS];
	unsigned int o, i, r;
	int n;

	if (pairs_up(1))
		return -1;
	for (o = 0; o < 2; o++) {
		for (i = 0; i < cfg.nlat; i++) {
			uint32_t size = cfg.lat_sizes[i];

			for (r = 0; r <= cfg.reps; r++) {
				n = pingpong(&pairs[0], ops[o].op, size,
					     now() + (r ? cfg.secs : cfg.warm),
					     half, 200000);
				if (n <= 0) {
					fprintf(stderr, "bench: %s %u failed\n",
						ops[o].test, size);
					return -1;
				}
				if (r)
					v[r - 1] = median(half, n);
			}
			emit("vhca", ops[o].test, size, 1, 1, "us", v, cfg.reps);
		}
	}
	return 0;
}

static int run_rate(void)
{
	struct flow f[MAX_QPS];
	double v[MAX_REPS], s;
	unsigned int i, r;
	int64_t n;

	if (pairs_up(1))
		return -1;
	for (i = 0; i < cfg.nqps; i++) {
		unsigned int q = cfg.qps[i];

		while (pairs[0].nqp < q)
			if (pair_add_qp(&pairs[0]))
				return -1;
		for (r = 0; r <= cfg.reps; r++) {
			n = stream(f, flows_of(f, &pairs[0], q), OP_WRITE, 64,
				   now() + (r ? cfg.secs : cfg.warm), &s);
			if (n < 0)
				return -1;
			if (r)
				v[r - 1] = n / s / 1e6;
		}
		emit("vhca", "msg_rate", 64, q, 1, "Mmsg/s", v, cfg.reps);
	}
	return 0;
}

/*
 * All @np pairs stream at once over the same window; per-pair MB/s. One
 * thread drives them all (a guest's vCPU would be one each, but this VM
 * has two CPUs), so the split between pairs is the device's doing.
 */
static int pairs_once(unsigned int np, double secs, double *bw)
{
	struct flow f[MAX_PAIRS];
	unsigned int i;
	double s;

	for (i = 0; i < np; i++)
		flows_of(&f[i], &pairs[i], 1);
	if (stream(f, np, OP_WRITE, cfg.pair_size, now() + secs, &s) < 0)
		return -1;
	for (i = 0; i < np; i++)
		bw[i] = (double)f[i].done * cfg.pair_size / s / 1e6;
	return 0;
}

static int run_pairs(void)
{
	double agg[MAX_REPS], jain[MAX_REPS], bw[MAX_PAIRS], sum, sq;
	unsigned int i, k, r, np;

	for (i = 0; i < cfg.npairs; i++) {
		np = cfg.pairs[i];
		if (pairs_up(np) || pairs_once(np, cfg.warm, bw))
			return -1;
		for (r = 0; r < cfg.reps; r++) {
			if (pairs_once(np, cfg.secs * 2, bw))
				return -1;
			sum = sq = 0;
			for (k = 0; k < np; k++) {
				sum += bw[k];
				sq += bw[k] * bw[k];
			}
			agg[r] = sum;
			jain[r] = sq ? sum * sum / (np * sq) : 0;
		}
		emit("vhca", "aggregate_bw", cfg.pair_size, 1, np, "MB/s", agg,
		     cfg.reps);
		emit("vhca", "fairness", cfg.pair_size, 1, np, "jain", jain,
		     cfg.reps);
	}
	return 0;
}

/* Busy CPU of the whole VM in % of one CPU, over @secs of sleeping. */
static double idle_once(double secs)
{
	unsigned long long k0, k1, b0, b1;
	struct timespec ts = { (time_t)secs,
			       (long)((secs - (time_t)secs) * 1e9) };
	double t0 = now();

	cpu_ticks(&k0, &b0);
	nanosleep(&ts, NULL);
	cpu_ticks(&k1, &b1);
	return (double)(b1 - b0) / sysconf(_SC_CLK_TCK) / (now() - t0) * 100;
}

static int run_idle(void)
{
	double v[MAX_REPS];
	unsigned int r, i;

	/* Without instances first: what the VM itself costs. */
	for (i = 0; i < npairs_up; i++)
		pair_down(&pairs[i]);
	npairs_up = 0;
	for (r = 0; r < cfg.reps; r++)
		v[r] = idle_once(cfg.idle_secs);
	emit("vhca", "idle_cpu", 0, 0, 0, "%cpu", v, cfg.reps);
	/* Eight instances, each with a connected QP and receives posted. */
	if (pairs_up(4))
		return -1;
	for (i = 0; i < 4; i++)
		top_up(&pairs[i].b, &pairs[i].qb[0], 64);
	idle_once(cfg.warm);
	for (r = 0; r < cfg.reps; r++)
		v[r] = idle_once(cfg.idle_secs);
	emit("vhca", "idle_cpu", 0, 1, 4, "%cpu", v, cfg.reps);
	return 0;
}

/* The clock is read once per 256 KiB copied, as the kernel module does. */
static double copy_once(uint8_t *dst, const uint8_t *src, uint32_t size,
			double secs)
{
	uint64_t k = 0, i, batch = size >= 262144 ? 1 : 262144 / size;
	double t0 = now(), t;

	do {
		for (i = 0; i < batch; i++, k++)
			memcpy(dst + slot(k, size), src + slot(k, size), size);
		__asm__ volatile("" : : "r"(dst) : "memory");	/* keep the copies */
		t = now() - t0;
	} while (t < secs);
	return (double)k * size / t / 1e6;
}

/* The kernel copy of bench/kmod: write "SIZE MS", read "SIZE BYTES NS". */
static double kcopy_once(uint32_t size, double secs)
{
	unsigned long long sz, bytes, ns;
	FILE *f = fopen("/sys/kernel/debug/vhca_copy_bench/run", "r+");
	int ok;

	if (!f)
		return -1;
	fprintf(f, "%u %u\n", size, (unsigned int)(secs * 1000));
	fflush(f);
	rewind(f);
	ok = fscanf(f, "%llu %llu %llu", &sz, &bytes, &ns) == 3 && ns;
	fclose(f);
	return ok ? bytes / (ns / 1e9) / 1e6 : -1;
}

/*
 * Bandwidth per size: for each size the repetitions of every operation and
 * of the memcpy references take turns, so that the load of this shared
 * machine, which changes by the minute, weighs on all of them alike.
 */
static int run_sizes(bool vhca, bool copies)
{
	unsigned long long k0, k1, b0, b1;
	double v[3][MAX_REPS], cpu[MAX_REPS], uc[MAX_REPS], kc[MAX_REPS], s;
	uint8_t *src = NULL, *dst = NULL;
	bool kernel = copies && kcopy_once(4096, 0.01) > 0;
	unsigned int o, i, r;
	struct flow f[1];
	int64_t n;

	if (vhca && pairs_up(1))
		return -1;
	flows_of(f, &pairs[0], 1);
	if (copies) {
		src = malloc(BUF);
		dst = malloc(BUF);
		if (!src || !dst)
			return -1;
		fill(src, BUF, cfg.seed);
		fill(dst, BUF, cfg.seed + 1);
		if (!kernel)
			fprintf(stderr, "bench: no kernel copy module, userspace memcpy only\n");
	}
	for (i = 0; i < cfg.nsizes; i++) {
		uint32_t size = cfg.sizes[i];

		for (r = 0; r <= cfg.reps; r++) {	/* r == 0: warm-up */
			double secs = r ? cfg.secs : cfg.warm;

			for (o = 0; vhca && o < 3; o++) {
				if (!strstr(cfg.ops, bw_ops[o].name))
					continue;
				cpu_ticks(&k0, &b0);
				n = stream(f, 1, bw_ops[o].op, size, now() + secs, &s);
				cpu_ticks(&k1, &b1);
				if (n < 0)
					return -1;
				if (!r)
					continue;
				v[o][r - 1] = (double)n * size / s / 1e6;
				if (bw_ops[o].op == OP_WRITE)
					cpu[r - 1] = (double)(k1 - k0) /
						     sysconf(_SC_CLK_TCK) /
						     ((double)n * size / 1e9);
			}
			if (copies) {
				double u = copy_once(dst, src, size, secs);
				double k = kernel ? kcopy_once(size, secs) : 0;

				if (r) {
					uc[r - 1] = u;
					kc[r - 1] = k;
				}
			}
		}
		for (o = 0; vhca && o < 3; o++) {
			if (!strstr(cfg.ops, bw_ops[o].name))
				continue;
			emit("vhca", bw_ops[o].test, size, 1, 1, "MB/s", v[o],
			     cfg.reps);
			if (bw_ops[o].op == OP_WRITE)
				emit("vhca", "cpu_per_gb", size, 1, 1, "s/GB",
				     cpu, cfg.reps);
		}
		if (copies)
			emit("memcpy", "copy_bw_user", size, 0, 0, "MB/s", uc,
			     cfg.reps);
		if (kernel)
			emit("memcpy", "copy_bw", size, 0, 0, "MB/s", kc,
			     cfg.reps);
	}
	free(src);
	free(dst);
	return 0;
}

static unsigned int parse_list(const char *s, unsigned int *out)
{
	unsigned int n = 0;
	char *end;

	while (*s && n < MAX_SIZES) {
		out[n++] = strtoul(s, &end, 0);
		if (*end == 'K' || *end == 'k')
			out[n - 1] <<= 10, end++;
		else if (*end == 'M' || *end == 'm')
			out[n - 1] <<= 20, end++;
		s = *end ? end + 1 : end;
	}
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vhca_bench [-r REPS] [-t SECS] [-w WARMUP_SECS] [-i IDLE_SECS]\n"
		"                  [-s SIZES] [-l LAT_SIZES] [-q QPS] [-p PAIRS] [-S SEED]\n"
		"                  [-O OPS (bw: write,read,send)]\n"
		"                  GROUP...   (bw lat rate pairs idle copy)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool want_bw = false, want_copy = false;
	int opt, ret = 0, i;

	cfg.nsizes = parse_list("64,256,1K,4K,16K,64K,256K,1M,4M", cfg.sizes);
	cfg.nlat = parse_list("8,64,512,4K", cfg.lat_sizes);
	cfg.nqps = parse_list("1,4,16", cfg.qps);
	cfg.npairs = parse_list("1,2,4,8", cfg.pairs);
	while ((opt = getopt(argc, argv, "r:t:w:i:s:l:q:p:S:O:")) != -1) {
		switch (opt) {
		case 'r': cfg.reps = strtoul(optarg, NULL, 0); break;
		case 't': cfg.secs = strtod(optarg, NULL); break;
		case 'w': cfg.warm = strtod(optarg, NULL); break;
		case 'i': cfg.idle_secs = strtod(optarg, NULL); break;
		case 's': cfg.nsizes = parse_list(optarg, cfg.sizes); break;
		case 'l': cfg.nlat = parse_list(optarg, cfg.lat_sizes); break;
		case 'q': cfg.nqps = parse_list(optarg, cfg.qps); break;
		case 'p': cfg.npairs = parse_list(optarg, cfg.pairs); break;
		case 'S': cfg.seed = strtoul(optarg, NULL, 0); break;
		case 'O': cfg.ops = optarg; break;
		default: usage();
		}
	}
	if (optind == argc || !cfg.reps || cfg.reps > MAX_REPS)
		usage();
	for (i = 0; i < (int)cfg.nsizes; i++)
		if (!cfg.sizes[i] || cfg.sizes[i] > BUF / 2)
			if (cfg.sizes[i] != BUF)
				usage();
	for (i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "bw"))
			want_bw = true;
		else if (!strcmp(argv[i], "copy"))
			want_copy = true;
	}
	if (want_bw || want_copy)
		ret = run_sizes(want_bw, want_copy);
	if (ret)
		fprintf(stderr, "bench: bandwidth failed\n");
	for (i = optind; i < argc && !ret; i++) {
		if (!strcmp(argv[i], "bw") || !strcmp(argv[i], "copy"))
			continue;
		else if (!strcmp(argv[i], "lat"))
			ret = run_lat();
		else if (!strcmp(argv[i], "rate"))
			ret = run_rate();
		else if (!strcmp(argv[i], "pairs"))
			ret = run_pairs();
		else if (!strcmp(argv[i], "idle"))
			ret = run_idle();
		else
			usage();
		if (ret)
			fprintf(stderr, "bench: group %s failed\n", argv[i]);
	}
	for (i = 0; i < MAX_PAIRS; i++)
		pair_down(&pairs[i]);
	return ret ? 1 : 0;
}
