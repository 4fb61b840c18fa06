/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvhca's PVRDMA "guest driver": it plays the role of vmw_pvrdma against
 * an instance opened with vhca_dev_open(), using the process's own memory
 * as guest memory (mapped into the instance's IOMMU domain). It builds
 * DSRs, page directories and rings in the device's formats, and can build
 * them wrong on purpose for hostile-input tests.
 */
#ifndef _LIBVHCA_PVRDMA_H
#define _LIBVHCA_PVRDMA_H

#include <stdbool.h>
#include <stdint.h>

#include "libvhca.h"

/**
 * struct vhca_mem - a buffer of guest memory
 * @va:    where it is in this process
 * @iova:  where the device sees it
 * @size:  bytes, a multiple of 4096
 */
struct vhca_mem {
	void *va;
	uint64_t iova;
	uint64_t size;
};

/**
 * struct vhca_drv - driver state for one instance
 * @dev:       the opened instance
 * @next_iova: bump allocator for guest addresses
 * @dsr:       device shared region page
 * @cmd:       command slot page
 * @resp:      response slot page
 * @async:     async event ring (state page + 3 pages)
 * @cqn:       CQ notification ring (state page + 3 pages)
 * @vec_fd:    eventfd per MSI-X vector
 * @version:   VERSION register
 */
struct vhca_drv {
	struct vhca_dev *dev;
	uint64_t next_iova;
	struct vhca_mem dsr, cmd, resp, async, cqn;
	int vec_fd[3];
	uint32_t version;
};

int vhca_mem_alloc(struct vhca_drv *drv, uint64_t size, struct vhca_mem *m);
int vhca_mem_unmap(struct vhca_drv *drv, struct vhca_mem *m);
void vhca_mem_free(struct vhca_drv *drv, struct vhca_mem *m);
int vhca_pdir_build(struct vhca_drv *drv, const struct vhca_mem *m,
		    uint64_t *pdir_iova, struct vhca_mem *dir_mem);

int vhca_drv_init(struct vhca_drv *drv, struct vhca_dev *dev);
int vhca_drv_load_dsr(struct vhca_drv *drv, uint32_t async_pages,
		      uint32_t cq_pages);
int vhca_drv_probe(struct vhca_drv *drv);
void vhca_drv_fini(struct vhca_drv *drv);
uint32_t vhca_drv_reg(struct vhca_drv *drv, unsigned int reg);
int vhca_drv_set_reg(struct vhca_drv *drv, unsigned int reg, uint32_t val);
const void *vhca_drv_caps(struct vhca_drv *drv);

int vhca_drv_cmd(struct vhca_drv *drv, uint32_t cmd, const void *payload,
		 size_t len, void *resp_payload, size_t resp_len);
uint64_t vhca_drv_vector_count(struct vhca_drv *drv, unsigned int vector);
int vhca_drv_async_event(struct vhca_drv *drv, uint32_t *type,
			 uint32_t *info);

#endif /* _LIBVHCA_PVRDMA_H */

/**
 * struct vhca_queue - a ring libvhca produces into or consumes from
 * @mem:    the object's pages
 * @state:  byte offset of {prod_tail, cons_head} in @mem
 * @base:   byte offset of the first element
 * @n:      elements (a power of two)
 * @stride: bytes per element
 * @idx:    our producer index (SQ/RQ) or consumer index (CQ)
 */
struct vhca_queue {
	struct vhca_mem *mem;
	uint32_t state;
	uint64_t base;
	uint32_t n;
	uint32_t stride;
	uint32_t idx;
};

/**
 * struct vhca_cqe - the fields of a CQE the tests look at
 * @wr_id:    work request id
 * @qp:       QP handle
 * @opcode:   completion opcode
 * @status:   completion status
 * @byte_len: bytes received
 * @imm:      immediate data
 * @src_qp:   source QP
 * @flags:    wc_flags
 */
struct vhca_cqe {
	uint64_t wr_id;
	uint64_t qp;
	uint32_t opcode, status, byte_len, imm, src_qp, flags;
};

/**
 * struct vhca_sq_wqe - what a test puts in a send WQE
 * @wr_id:       id
 * @opcode:      PVRDMA/verbs opcode
 * @flags:       send flags (2 = signaled)
 * @imm:         immediate data
 * @remote_addr: RDMA/atomic target
 * @rkey:        its key
 * @compare_add: atomic operand
 * @swap:        atomic operand
 * @ud_qpn:      UD destination QP
 * @ud_qkey:     UD Q_Key
 * @ud_dgid:     UD destination GID
 * @ud_gid_index: UD source GID index
 * @fr_iova:     REG_MR (kernel opcode 11): region start
 * @fr_pdir:     REG_MR: page directory of the page list
 * @fr_page_shift: REG_MR: log2 of the list's page size
 * @fr_npages:   REG_MR: page list entries
 * @fr_length:   REG_MR: region bytes
 * @fr_access:   REG_MR: access rights
 * @fr_key:      REG_MR: the new key
 * @num_sge:     scatter entries (as written, may lie)
 * @sge:         {addr, length, lkey} triples
 *
 * LOCAL_INV and SEND_WITH_INV carry the key to invalidate in @imm.
 */
struct vhca_sq_wqe {
	uint64_t wr_id;
	uint32_t opcode, flags, imm;
	uint64_t remote_addr;
	uint32_t rkey;
	uint64_t compare_add, swap;
	uint32_t ud_qpn, ud_qkey;
	uint8_t ud_dgid[16];
	uint8_t ud_gid_index;
	uint64_t fr_iova, fr_pdir;
	uint32_t fr_page_shift, fr_npages, fr_length, fr_access, fr_key;
	uint32_t num_sge;
	struct { uint64_t addr; uint32_t length, lkey; } sge[4];
};

void vhca_queue_post_send(struct vhca_queue *q, const struct vhca_sq_wqe *w);
void vhca_queue_post_recv(struct vhca_queue *q, uint64_t wr_id, uint64_t addr,
			  uint32_t length, uint32_t lkey);
int vhca_queue_poll(struct vhca_queue *q, struct vhca_cqe *cqe, int timeout_ms);
int vhca_doorbell(struct vhca_drv *drv, uint32_t page, uint32_t offset,
		  uint32_t value);

/**
 * struct vhca_qp_args - a QP to create
 * @pd:   PD handle
 * @cq:   CQ handle (send and receive)
 * @srq:  SRQ handle or 0
 * @type: 1 GSI, 2 RC, 4 UD
 * @wr:   entries per queue (a power of two)
 * @sge:  scatter entries per WQE
 */
struct vhca_qp_args {
	uint32_t pd, cq, srq, type, wr, sge;
};

/* Objects through commands: pvrdma_objects.c. Return the device's ERR. */
int vhca_create_pd(struct vhca_drv *drv, uint32_t ctx, uint32_t *pd);
int vhca_destroy(struct vhca_drv *drv, uint32_t cmd, uint32_t handle);
int vhca_create_cq(struct vhca_drv *drv, uint32_t cqe, uint32_t nchunks,
		   uint32_t *handle, struct vhca_mem *ring);
uint32_t vhca_wqe_size(uint32_t hdr, uint32_t sge);
int vhca_create_qp(struct vhca_drv *drv, const struct vhca_qp_args *a,
		   uint32_t *handle, struct vhca_mem *ring);
struct pvrdma_qp_attr;
int vhca_modify_qp(struct vhca_drv *drv, uint32_t qp, uint32_t mask,
		   const struct pvrdma_qp_attr *attr);
int vhca_qp_state(struct vhca_drv *drv, uint32_t qp, uint32_t *state);
int vhca_bind_gid(struct vhca_drv *drv, uint32_t index, const uint8_t *gid);
int vhca_connect_rc(struct vhca_drv *drv, uint32_t qp, uint32_t dest_qpn,
		    const uint8_t *dgid);
int vhca_connect_rc_rnr(struct vhca_drv *drv, uint32_t qp, uint32_t dest_qpn,
			const uint8_t *dgid, uint8_t min_rnr_timer,
			uint8_t rnr_retry);
int vhca_create_frmr(struct vhca_drv *drv, uint32_t pd, uint32_t max_pages,
		     uint32_t *handle, uint32_t *key);
int vhca_modify_srq_limit(struct vhca_drv *drv, uint32_t srq, uint32_t limit);

/**
 * struct vhca_page_list - a fast-register page list: one directory page
 * and one table of up to 512 entries, as vmw_pvrdma builds it
 * @mem:     both pages
 * @pdir:    the directory's address (the WQE's pl_pdir_dma)
 * @entries: the table, written by the caller
 */
struct vhca_page_list {
	struct vhca_mem mem;
	uint64_t pdir;
	uint64_t *entries;
};

int vhca_page_list_alloc(struct vhca_drv *drv, struct vhca_page_list *pl);
