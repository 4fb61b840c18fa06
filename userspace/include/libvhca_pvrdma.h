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
