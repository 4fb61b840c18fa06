// SPDX-License-Identifier: GPL-2.0-only
/*
 * Verbs objects through PVRDMA commands, the way the guest driver creates
 * them: PDs, CQs and QPs with their rings, GID binds, QP transitions.
 * Shared by the selftests and the benchmarks.
 */
#include <errno.h>
#include <string.h>

#include "libvhca_pvrdma.h"
#include "pvrdma_cmd.h"
#include "pvrdma_dsr.h"

#define PAGE 4096u

int vhca_create_pd(struct vhca_drv *drv, uint32_t ctx, uint32_t *pd)
{
	struct pvrdma_req_handle r = { .handle = ctx };

	return vhca_drv_cmd(drv, PVRDMA_CMD_CREATE_PD, &r, sizeof(r), pd, 4);
}

int vhca_destroy(struct vhca_drv *drv, uint32_t cmd, uint32_t handle)
{
	struct pvrdma_req_handle r = { .handle = handle };

	return vhca_drv_cmd(drv, cmd, &r, sizeof(r), NULL, 0);
}

/* A CQ of @cqe entries on @nchunks pages (0: the right number). */
int vhca_create_cq(struct vhca_drv *drv, uint32_t cqe, uint32_t nchunks,
		     uint32_t *handle, struct vhca_mem *ring)
{
	struct pvrdma_req_create_cq r = { .cqe = cqe };
	uint32_t resp[2] = { 0, 0 };
	struct vhca_mem dir;
	uint64_t pdir;
	int ret;

	if (!nchunks)
		nchunks = 1 + (cqe * 64 + PAGE - 1) / PAGE;
	ret = vhca_mem_alloc(drv, (uint64_t)nchunks * PAGE, ring);
	if (!ret)
		ret = vhca_pdir_build(drv, ring, &pdir, &dir);
	if (ret)
		return ret;
	r.pdir_dma = pdir;
	r.nchunks = nchunks;
	ret = vhca_drv_cmd(drv, PVRDMA_CMD_CREATE_CQ, &r, sizeof(r), resp,
			   sizeof(resp));
	*handle = resp[0];
	if (!ret && resp[1] != cqe)
		return -EPROTO;
	return ret;
}

/* Guest drivers round WQEs up to a power of two (spec section 9). */
uint32_t vhca_wqe_size(uint32_t hdr, uint32_t sge)
{
	uint32_t size = hdr + 16 * sge, p = 1;

	while (p < size)
		p <<= 1;
	return p;
}

int vhca_create_qp(struct vhca_drv *drv, const struct vhca_qp_args *a,
		     uint32_t *handle, struct vhca_mem *ring)
{
	struct pvrdma_req_create_qp r = { };
	uint32_t resp[6] = { };
	uint32_t sq_pages = (a->wr * vhca_wqe_size(80, a->sge) + PAGE - 1) / PAGE;
	uint32_t rq_pages = a->srq ? 0 :
			    (a->wr * vhca_wqe_size(16, a->sge) + PAGE - 1) / PAGE;
	struct vhca_mem dir;
	uint64_t pdir;
	int ret;

	ret = vhca_mem_alloc(drv, (1ull + sq_pages + rq_pages) * PAGE, ring);
	if (!ret)
		ret = vhca_pdir_build(drv, ring, &pdir, &dir);
	if (ret)
		return ret;
	r.pdir_dma = pdir;
	r.pd_handle = a->pd;
	r.send_cq_handle = a->cq;
	r.recv_cq_handle = a->cq;
	r.srq_handle = a->srq;
	r.is_srq = !!a->srq;
	r.max_send_wr = a->wr;
	r.max_recv_wr = a->srq ? 0 : a->wr;
	r.max_send_sge = a->sge;	/* 80 + 16 * sge <= 256 */
	r.max_recv_sge = a->srq ? 0 : a->sge;
	r.total_chunks = 1 + sq_pages + rq_pages;
	r.send_chunks = sq_pages;
	r.qp_type = a->type;
	ret = vhca_drv_cmd(drv, PVRDMA_CMD_CREATE_QP, &r, sizeof(r), resp,
			   sizeof(resp));
	*handle = resp[1];
	if (!ret && resp[0] != resp[1])
		return -EPROTO;
	return ret;
}

int vhca_modify_qp(struct vhca_drv *drv, uint32_t qp, uint32_t mask,
		     const struct pvrdma_qp_attr *attr)
{
	struct pvrdma_req_modify_qp r = { .qp_handle = qp, .attr_mask = mask };

	r.attrs = *attr;
	return vhca_drv_cmd(drv, PVRDMA_CMD_MODIFY_QP, &r, sizeof(r), NULL, 0);
}

int vhca_qp_state(struct vhca_drv *drv, uint32_t qp, uint32_t *state)
{
	struct pvrdma_req_modify_qp r = { .qp_handle = qp };
	struct pvrdma_qp_attr a;
	int ret;

	ret = vhca_drv_cmd(drv, PVRDMA_CMD_QUERY_QP, &r, 8, &a, sizeof(a));
	*state = a.qp_state;
	return ret;
}

int vhca_bind_gid(struct vhca_drv *drv, uint32_t index, const uint8_t *gid)
{
	struct pvrdma_req_create_bind r = {
		.mtu = 1024, .vlan = 0xfff, .index = index,
		.gid_type = PVRDMA_GID_TYPE_ROCE_V2,
	};

	if (gid) {
		memcpy(r.new_gid, gid, 16);
	} else {
		r.new_gid[0] = 0xfe;
		r.new_gid[1] = 0x80;
		r.new_gid[15] = index + 1;
	}
	return vhca_drv_cmd(drv, PVRDMA_CMD_CREATE_BIND, &r, sizeof(r), NULL, 0);
}

/* RESET -> INIT -> RTR -> RTS for an RC QP. */
int vhca_connect_rc_rnr(struct vhca_drv *drv, uint32_t qp, uint32_t dest_qpn,
			const uint8_t *dgid, uint8_t min_rnr_timer,
			uint8_t rnr_retry)
{
	struct pvrdma_qp_attr a = { };
	int ret;

	a.qp_state = 1;	/* INIT */
	a.port_num = 1;
	a.qp_access_flags = 0xf;	/* local write, remote write/read/atomic */
	ret = vhca_modify_qp(drv, qp, 0x1 | 0x8 | 0x10 | 0x20, &a);
	if (ret)
		return ret;
	a.qp_state = 2;	/* RTR */
	a.path_mtu = 3;
	a.dest_qp_num = dest_qpn;
	if (dgid)
		memcpy(a.ah_attr.dgid, dgid, 16);
	a.rq_psn = 1;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = min_rnr_timer;
	a.ah_attr.port_num = 1;
	a.ah_attr.sgid_index = 0;
	ret = vhca_modify_qp(drv, qp, 0x1 | 0x80 | 0x100 | 0x100000 | 0x1000 |
			0x20000 | 0x8000, &a);
	if (ret)
		return ret;
	a.qp_state = 3;	/* RTS */
	a.sq_psn = 1;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = rnr_retry;
	a.max_rd_atomic = 1;
	return vhca_modify_qp(drv, qp, 0x1 | 0x10000 | 0x200 | 0x400 | 0x800 |
			 0x2000, &a);
}

/* INIT, RTR, RTS with a 0.64 ms RNR timer and infinite RNR retries. */
int vhca_connect_rc(struct vhca_drv *drv, uint32_t qp, uint32_t dest_qpn,
		    const uint8_t *dgid)
{
	return vhca_connect_rc_rnr(drv, qp, dest_qpn, dgid, 12, 7);
}


/* A fast-register MR (vmw_pvrdma's alloc_mr): no pages until REG_MR. */
int vhca_create_frmr(struct vhca_drv *drv, uint32_t pd, uint32_t max_pages,
		     uint32_t *handle, uint32_t *key)
{
	struct pvrdma_req_create_mr r = { };
	uint32_t resp[3] = { };
	int ret;

	r.pd_handle = pd;
	r.flags = 2;	/* PVRDMA_MR_FLAG_FRMR */
	r.nchunks = max_pages;
	ret = vhca_drv_cmd(drv, PVRDMA_CMD_CREATE_MR, &r, sizeof(r), resp,
			   sizeof(resp));
	*handle = resp[0];
	*key = resp[1];
	return ret;
}

/* MODIFY_SRQ with IB_SRQ_LIMIT: arm the SRQ limit event. */
int vhca_modify_srq_limit(struct vhca_drv *drv, uint32_t srq, uint32_t limit)
{
	struct pvrdma_req_modify_srq r = { };

	r.srq_handle = srq;
	r.attr_mask = 2;	/* IB_SRQ_LIMIT */
	r.attrs.srq_limit = limit;
	return vhca_drv_cmd(drv, PVRDMA_CMD_MODIFY_SRQ, &r, sizeof(r), NULL, 0);
}

/* A directory whose first table is the next page; entries are the caller's. */
int vhca_page_list_alloc(struct vhca_drv *drv, struct vhca_page_list *pl)
{
	int ret = vhca_mem_alloc(drv, 2 * PAGE, &pl->mem);

	if (ret)
		return ret;
	((uint64_t *)pl->mem.va)[0] = pl->mem.iova + PAGE;
	pl->pdir = pl->mem.iova;
	pl->entries = (uint64_t *)((char *)pl->mem.va + PAGE);
	return 0;
}
