// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhcactl selftest UUID: play the guest driver against an unused instance
 * through VFIO with libvhca (probe handshake, then one object of each kind
 * created and destroyed in dependency order) and check with the instance's
 * counters that every object and pinned page is released again.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "vhcactl.h"
#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"
#include "pvrdma_cmd.h"
#include "pvrdma_dsr.h"

#define ST_PAGE		4096u
#define ST_MAX_STEPS	32
/* libvhca programs BAR2 at 6 GiB; UAR page 0 is the kernel driver's. */
#define ST_UAR_PFN	(0x180000000ull >> 12)
/* Device rings (async + CQ notification, 4 pages each) stay pinned. */
#define ST_RING_PAGES	8

static const char *const st_objects[] = {
	"uctxs", "pds", "cqs", "mrs", "srqs", "qps"
};

struct st_step {
	char name[16];
	bool ok;
	char detail[160];
};

struct st {
	const char *uuid;
	struct vhca_dev dev;
	struct vhca_drv drv;
	struct st_step steps[ST_MAX_STEPS];
	int n;
	bool failed;
};

/* Record a step: ok if @err is 0. Returns !err. */
static __printf(4, 5) bool st_step(struct st *s, const char *name, int err,
		    const char *fmt, ...)
{
	struct st_step *st;
	va_list ap;

	if (err)
		s->failed = true;
	if (s->n >= ST_MAX_STEPS)
		return !err;
	st = &s->steps[s->n++];
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->ok = !err;
	va_start(ap, fmt);
	vsnprintf(st->detail, sizeof(st->detail), fmt, ap);
	va_end(ap);
	return !err;
}

static uint64_t st_counter(const char *uuid, const char *name)
{
	char path[PATH_MAX];
	uint64_t v = UINT64_MAX;

	if (!vc_path(path, sizeof(path), VC_DEVICES "/%s/counters/%s", uuid,
		     name))
		vhca_sysfs_read_u64(path, &v);
	return v;
}

static const char *st_err(int err)
{
	static char buf[64];

	if (err < 0)
		return strerror(-err);
	snprintf(buf, sizeof(buf), "device error %d (%s)", err, strerror(err));
	return buf;
}

/* Object counter @name must now be @want; a failed step if not. */
static bool st_expect(struct st *s, const char *step, const char *name,
		      uint64_t want)
{
	uint64_t got = st_counter(s->uuid, name);

	if (got == want)
		return true;
	st_step(s, step, EPROTO, "counters/%s is %llu, expected %llu", name,
		(unsigned long long)got, (unsigned long long)want);
	return false;
}

static int st_cmd_handle(struct st *s, uint32_t cmd, uint32_t handle)
{
	struct pvrdma_req_handle r = { .handle = handle };

	return vhca_drv_cmd(&s->drv, cmd, &r, sizeof(r), NULL, 0);
}

/* A ring of @pages pages (first: ring state) and its page directory. */
static int st_ring(struct st *s, uint32_t pages, uint64_t *pdir)
{
	struct vhca_mem ring, dir;
	int ret;

	ret = vhca_mem_alloc(&s->drv, (uint64_t)pages * ST_PAGE, &ring);
	return ret ? ret : vhca_pdir_build(&s->drv, &ring, pdir, &dir);
}

struct st_handles {
	uint32_t uctx, pd, cq, mr, srq, qp;
};

static bool st_probe(struct st *s)
{
	const struct pvrdma_caps *caps;
	struct pvrdma_req_port port = { .port_num = 1 };
	struct pvrdma_port_attr pa;
	char state[16] = "";
	char path[PATH_MAX];
	int ret;

	ret = vhca_drv_init(&s->drv, &s->dev);
	if (!st_step(s, "init", ret, ret ? "MSI-X eventfds and BAR2: %s" :
		     "MSI-X eventfds wired, BAR2 programmed", st_err(ret)))
		return false;
	ret = vhca_drv_probe(&s->drv);
	vc_path(path, sizeof(path), VC_DEVICES "/%s/vhca/state", s->uuid);
	vhca_sysfs_read(path, state, sizeof(state));
	if (!ret && strcmp(state, "active"))
		ret = -EPROTO;
	caps = vhca_drv_caps(&s->drv);
	if (!st_step(s, "probe", ret,
		     "DSR handshake: %s; version %u, device state %s, max_qp %u, node GUID %016llx",
		     ret ? st_err(ret) : "ok", s->drv.version, state,
		     ret ? 0 : le32toh(caps->max_qp),
		     ret ? 0ull : (unsigned long long)be64toh(caps->node_guid)))
		return false;
	ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_QUERY_PORT, &port, sizeof(port),
			   &pa, sizeof(pa));
	if (!ret && le32toh(pa.state) != 4)
		ret = -EPROTO;
	return st_step(s, "query_port", ret, "port 1: %s, state %u (4 = active)",
		       ret ? st_err(ret) : "ok", ret ? 0 : le32toh(pa.state));
}

static bool st_create(struct st *s, struct st_handles *h)
{
	struct pvrdma_req_create_uc uc = { .pfn64 = ST_UAR_PFN + 1 };
	struct pvrdma_req_handle pd = { 0 };
	struct pvrdma_req_create_cq cq = { .cqe = 64, .nchunks = 2 };
	struct pvrdma_req_create_mr mr = { .start = 0x10000000, .length = ST_PAGE,
					   .nchunks = 1, .access_flags = 1 };
	struct pvrdma_req_create_srq srq = { .nchunks = 2 };
	struct pvrdma_req_create_qp qp = { .qp_type = 2, .max_send_wr = 16,
					   .max_recv_wr = 16, .max_send_sge = 1,
					   .max_recv_sge = 1, .total_chunks = 3,
					   .send_chunks = 1 };
	uint32_t resp[6] = { 0 };
	uint64_t pdir = 0;
	int ret;

	ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_UC, &uc, sizeof(uc),
			   &h->uctx, 4);
	if (!st_step(s, "create_uctx", ret, "user context on UAR page 1: %s, handle %u",
		     ret ? st_err(ret) : "ok", h->uctx) ||
	    !st_expect(s, "create_uctx", "uctxs", 1))
		return false;

	pd.handle = h->uctx;
	ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_PD, &pd, sizeof(pd),
			   &h->pd, 4);
	if (!st_step(s, "create_pd", ret, "PD in the context: %s, handle %u",
		     ret ? st_err(ret) : "ok", h->pd) ||
	    !st_expect(s, "create_pd", "pds", 1))
		return false;

	/* 64 CQEs of 64 bytes: one data page after the ring state page. */
	ret = st_ring(s, 2, &pdir);
	cq.pdir_dma = pdir;
	cq.ctx_handle = h->uctx;
	if (!ret)
		ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_CQ, &cq, sizeof(cq),
				   resp, 8);
	h->cq = resp[0];
	if (!st_step(s, "create_cq", ret, "CQ of 64 entries: %s, handle %u",
		     ret ? st_err(ret) : "ok", h->cq) ||
	    !st_expect(s, "create_cq", "cqs", 1))
		return false;

	ret = st_ring(s, 1, &pdir);
	mr.pdir_dma = pdir;
	mr.pd_handle = h->pd;
	if (!ret)
		ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_MR, &mr, sizeof(mr),
				   resp, 12);
	h->mr = resp[0];
	if (!st_step(s, "create_mr", ret, "one-page MR, local write: %s, handle %u, lkey %#x",
		     ret ? st_err(ret) : "ok", h->mr, resp[1]) ||
	    !st_expect(s, "create_mr", "mrs", 1))
		return false;

	/* 64 WQEs of 64 bytes (2 SGEs): one page after the state page. */
	ret = st_ring(s, 2, &pdir);
	srq.pdir_dma = pdir;
	srq.pd_handle = h->pd;
	srq.attrs.max_wr = 64;
	srq.attrs.max_sge = 2;
	if (!ret)
		ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_SRQ, &srq,
				   sizeof(srq), &h->srq, 4);
	if (!st_step(s, "create_srq", ret, "SRQ of 64 entries: %s, handle %u",
		     ret ? st_err(ret) : "ok", h->srq) ||
	    !st_expect(s, "create_srq", "srqs", 1))
		return false;

	/* RC, 16 x 128-byte send WQEs and 16 x 32-byte receive WQEs. */
	ret = st_ring(s, 3, &pdir);
	qp.pdir_dma = pdir;
	qp.pd_handle = h->pd;
	qp.send_cq_handle = h->cq;
	qp.recv_cq_handle = h->cq;
	memset(resp, 0, sizeof(resp));
	if (!ret)
		ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_CREATE_QP, &qp, sizeof(qp),
				   resp, sizeof(resp));
	h->qp = resp[1];
	return st_step(s, "create_qp", ret, "RC QP on the PD and CQ: %s, handle %u",
		       ret ? st_err(ret) : "ok", h->qp) &&
	       st_expect(s, "create_qp", "qps", 1);
}

static bool st_modify_qp(struct st *s, uint32_t qp)
{
	struct pvrdma_req_modify_qp m = { .qp_handle = qp };
	struct pvrdma_qp_attr a;
	int ret;

	/* RESET -> INIT: state, port, access flags (and P_Key index 0). */
	m.attr_mask = 0x1 | 0x8 | 0x10 | 0x20;
	m.attrs.qp_state = 1;
	m.attrs.port_num = 1;
	m.attrs.qp_access_flags = 0x7;
	ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_MODIFY_QP, &m, sizeof(m), NULL, 0);
	memset(&a, 0, sizeof(a));
	if (!ret)
		ret = vhca_drv_cmd(&s->drv, PVRDMA_CMD_QUERY_QP, &m, 8, &a,
				   sizeof(a));
	if (!ret && le32toh(a.qp_state) != 1)
		ret = -EPROTO;
	return st_step(s, "modify_qp", ret, "RESET -> INIT: %s, now state %u",
		       ret ? st_err(ret) : "ok", le32toh(a.qp_state));
}

static bool st_destroy(struct st *s, const struct st_handles *h)
{
	static const struct {
		const char *step;
		uint32_t cmd;
		const char *counter;
	} order[] = {
		{ "destroy_qp", PVRDMA_CMD_DESTROY_QP, "qps" },
		{ "destroy_srq", PVRDMA_CMD_DESTROY_SRQ, "srqs" },
		{ "destroy_mr", PVRDMA_CMD_DESTROY_MR, "mrs" },
		{ "destroy_cq", PVRDMA_CMD_DESTROY_CQ, "cqs" },
		{ "destroy_pd", PVRDMA_CMD_DESTROY_PD, "pds" },
		{ "destroy_uctx", PVRDMA_CMD_DESTROY_UC, "uctxs" },
	};
	const uint32_t handles[] = { h->qp, h->srq, h->mr, h->cq, h->pd, h->uctx };
	uint64_t pinned;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		ret = st_cmd_handle(s, order[i].cmd, handles[i]);
		if (!st_step(s, order[i].step, ret, "handle %u: %s", handles[i],
			     ret ? st_err(ret) : "ok") ||
		    !st_expect(s, order[i].step, order[i].counter, 0))
			return false;
	}
	pinned = st_counter(s->uuid, "pinned_pages");
	return st_step(s, "unpinned", pinned == ST_RING_PAGES ? 0 : EPROTO,
		       "%llu pages pinned, the device rings' %u expected",
		       (unsigned long long)pinned, ST_RING_PAGES);
}

/* After close every object and pin must be gone and the device reset. */
static void st_after_close(struct st *s)
{
	char path[PATH_MAX], state[16] = "?", bad[128] = "";
	unsigned int i;
	uint64_t v;

	for (i = 0; i < ARRAY_SIZE(st_objects); i++) {
		v = st_counter(s->uuid, st_objects[i]);
		if (v && strlen(bad) + 32 < sizeof(bad))
			snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
				 " %s=%llu", st_objects[i], (unsigned long long)v);
	}
	v = st_counter(s->uuid, "pinned_pages");
	if (v && strlen(bad) + 32 < sizeof(bad))
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
			 " pinned_pages=%llu", (unsigned long long)v);
	vc_path(path, sizeof(path), VC_DEVICES "/%s/vhca/state", s->uuid);
	vhca_sysfs_read(path, state, sizeof(state));
	if (strcmp(state, "reset") && strlen(bad) + 32 < sizeof(bad))
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
			 " state=%s", state);
	st_step(s, "release", bad[0] ? EPROTO : 0,
		bad[0] ? "left after close:%s" : "%s",
		bad[0] ? bad : "closed: no object or pinned page left, device reset");
}

static void st_report(struct st *s, const struct vc_inst *in, bool json)
{
	struct vc_json j;
	int i;

	if (!json) {
		printf("selftest of %s (%s on %s)\n", in->uuid, in->type, in->hca);
		for (i = 0; i < s->n; i++)
			printf("  %-4s %-13s %s\n", s->steps[i].ok ? "ok" : "FAIL",
			       s->steps[i].name, s->steps[i].detail);
		printf("%s\n", s->failed ? "FAILED" :
		       "PASSED: every object created and destroyed, nothing left behind");
		return;
	}
	vc_json_init(&j, stdout);
	vc_json_open(&j, NULL, '{');
	vc_json_str(&j, "uuid", in->uuid);
	vc_json_str(&j, "type", in->type);
	vc_json_str(&j, "hca", in->hca);
	vc_json_bool(&j, "passed", !s->failed);
	vc_json_open(&j, "steps", '[');
	for (i = 0; i < s->n; i++) {
		vc_json_open(&j, NULL, '{');
		vc_json_str(&j, "step", s->steps[i].name);
		vc_json_bool(&j, "ok", s->steps[i].ok);
		vc_json_str(&j, "detail", s->steps[i].detail);
		vc_json_close(&j, '}');
	}
	vc_json_close(&j, ']');
	vc_json_close(&j, '}');
	vc_json_finish(&j);
}

int vc_cmd_selftest(const char *uuid, bool json)
{
	struct st_handles h = { 0 };
	char users[256];
	struct vc_inst in;
	struct st s;
	int ret;

	ret = vc_need_created(uuid, &in);
	if (ret)
		return ret;
	vc_users_text(&in, users, sizeof(users));
	if (vc_inst_in_use(&in))
		return vc_err(VC_EBUSY,
			      "selftest needs an unused instance, and %s is in use (users: %s, device %s). Pick another one or create one: vhcactl create vhca-pvrdma-8.",
			      uuid, users, in.dev_state);
	memset(&s, 0, sizeof(s));
	s.uuid = in.uuid;
	ret = vhca_dev_open(&s.dev, in.uuid);
	switch (-ret) {
	case 0:
		break;
	case EACCES:
	case EPERM:
		return vc_err(VC_EPERM,
			      "cannot open %s through VFIO (/dev/vfio/%d): permission denied; selftest needs root.",
			      uuid, in.group);
	case EBUSY:
		return vc_err(VC_EBUSY,
			      "cannot open %s through VFIO: its group /dev/vfio/%d is busy, another process has it open.",
			      uuid, in.group);
	case ENOENT:
	case ENODEV:
		return vc_err(VC_EFAIL,
			      "cannot open %s through VFIO: %s. Is vfio_iommu_type1 loaded (modprobe vfio_iommu_type1)?",
			      uuid, strerror(-ret));
	default:
		return vc_err(VC_EFAIL, "cannot open %s through VFIO: %s", uuid,
			      strerror(-ret));
	}
	st_step(&s, "open", 0, "VFIO container, group /dev/vfio/%d, device",
		in.group);
	if (st_probe(&s) && st_create(&s, &h) && st_modify_qp(&s, h.qp))
		st_destroy(&s, &h);
	vhca_drv_fini(&s.drv);
	vhca_dev_close(&s.dev);
	st_after_close(&s);
	st_report(&s, &in, json);
	return s.failed ? VC_EFAIL : VC_OK;
}
