// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PVRDMA driver role of libvhca: probe handshake, command channel and
 * guest memory, as the vmw_pvrdma guest driver does them (spec sections
 * 3, 5, 7, 8 and 9), but from a host process through VFIO.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"

#define PAGE		4096ull
#define IOVA_BASE	0x100000000ull	/* guest addresses start at 4 GiB */

/* Offsets in the DSR, spec section 5. */
#define DSR_VERSION	0
#define DSR_CMD_SLOT	16
#define DSR_RESP_SLOT	24
#define DSR_ASYNC	32
#define DSR_CQ		48
#define DSR_UAR_PFN	64
#define DSR_CAPS	72

int vhca_mem_alloc(struct vhca_drv *drv, uint64_t size, struct vhca_mem *m)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };

	size = (size + PAGE - 1) & ~(PAGE - 1);
	m->va = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->va == MAP_FAILED)
		return -errno;
	m->size = size;
	m->iova = drv->next_iova;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)m->va;
	map.iova = m->iova;
	map.size = size;
	if (ioctl(drv->dev->container, VFIO_IOMMU_MAP_DMA, &map)) {
		int ret = -errno;

		munmap(m->va, size);
		return ret;
	}
	drv->next_iova += size + PAGE;	/* a hole after each buffer */
	return 0;
}

int vhca_mem_unmap(struct vhca_drv *drv, struct vhca_mem *m)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };

	if (!m->iova)
		return 0;
	unmap.iova = m->iova;
	unmap.size = m->size;
	if (ioctl(drv->dev->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	m->iova = 0;
	return 0;
}

void vhca_mem_free(struct vhca_drv *drv, struct vhca_mem *m)
{
	if (!m->va)
		return;
	vhca_mem_unmap(drv, m);
	munmap(m->va, m->size);
	memset(m, 0, sizeof(*m));
}

/**
 * vhca_pdir_build() - a page directory describing every page of @m
 * @drv:       driver
 * @m:         the buffer
 * @pdir_iova: directory address for the command
 * @dir_mem:   memory holding the directory and tables (free it later)
 *
 * Return: 0 or a negative errno.
 */
int vhca_pdir_build(struct vhca_drv *drv, const struct vhca_mem *m,
		    uint64_t *pdir_iova, struct vhca_mem *dir_mem)
{
	uint64_t npages = m->size / PAGE, ntables = (npages + 511) / 512, i;
	uint64_t *dir, *table;
	int ret;

	ret = vhca_mem_alloc(drv, (1 + ntables) * PAGE, dir_mem);
	if (ret)
		return ret;
	dir = dir_mem->va;
	for (i = 0; i < ntables; i++)
		dir[i] = dir_mem->iova + (1 + i) * PAGE;
	for (i = 0; i < npages; i++) {
		table = (uint64_t *)((char *)dir_mem->va + (1 + i / 512) * PAGE);
		table[i % 512] = m->iova + i * PAGE;
	}
	*pdir_iova = dir_mem->iova;
	return 0;
}

uint32_t vhca_drv_reg(struct vhca_drv *drv, unsigned int reg)
{
	uint32_t val = 0xdeadbeef;

	vhca_bar_read32(drv->dev, PVRDMA_BAR_REGS, reg, &val);
	return val;
}

int vhca_drv_set_reg(struct vhca_drv *drv, unsigned int reg, uint32_t val)
{
	return vhca_bar_write32(drv->dev, PVRDMA_BAR_REGS, reg, val);
}

int vhca_drv_init(struct vhca_drv *drv, struct vhca_dev *dev)
{
	unsigned int v;
	int ret;

	memset(drv, 0, sizeof(*drv));
	drv->dev = dev;
	drv->next_iova = IOVA_BASE;
	for (v = 0; v < 3; v++) {
		drv->vec_fd[v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (drv->vec_fd[v] < 0)
			return -errno;
		ret = vhca_irq_set_eventfd(dev, VFIO_PCI_MSIX_IRQ_INDEX, v,
					   drv->vec_fd[v]);
		if (ret)
			return ret;
	}
	/* Program BAR2 like firmware would, so UAR page frames mean something. */
	ret = vhca_cfg_write32(dev, 0x18, 0x80000000u);
	if (!ret)
		ret = vhca_cfg_write32(dev, 0x1c, 0x1);
	if (!ret)
		ret = vhca_cfg_write32(dev, 0x04, 0x0006);
	return ret;
}

static int vhca_drv_ring(struct vhca_drv *drv, struct vhca_mem *ring,
			 uint32_t pages, uint8_t *desc)
{
	struct vhca_mem dir;
	uint64_t pdir;
	int ret;

	ret = vhca_mem_alloc(drv, (pages ? pages : 1) * PAGE, ring);
	if (!ret)
		ret = vhca_pdir_build(drv, ring, &pdir, &dir);
	if (ret)
		return ret;
	memcpy(desc, &pages, 4);
	memcpy(desc + 8, &pdir, 8);
	return 0;
}

/**
 * vhca_drv_load_dsr() - build a DSR and write DSRLOW/DSRHIGH
 * @drv:         driver
 * @async_pages: async ring pages as the DSR will say (4 is the driver's)
 * @cq_pages:    CQ notification ring pages, likewise
 *
 * Return: 0, or a negative errno for local failures. The device's verdict
 * is in ERR.
 */
int vhca_drv_load_dsr(struct vhca_drv *drv, uint32_t async_pages,
		      uint32_t cq_pages)
{
	uint8_t *dsr;
	uint32_t ver = 20;
	uint64_t uar_pfn = 0x180000000ull >> 12;
	int ret;

	ret = vhca_mem_alloc(drv, PAGE, &drv->dsr);
	if (!ret)
		ret = vhca_mem_alloc(drv, PAGE, &drv->cmd);
	if (!ret)
		ret = vhca_mem_alloc(drv, PAGE, &drv->resp);
	if (ret)
		return ret;
	dsr = drv->dsr.va;
	memcpy(dsr + DSR_VERSION, &ver, 4);
	memcpy(dsr + DSR_CMD_SLOT, &drv->cmd.iova, 8);
	memcpy(dsr + DSR_RESP_SLOT, &drv->resp.iova, 8);
	memcpy(dsr + DSR_UAR_PFN, &uar_pfn, 8);
	ret = vhca_drv_ring(drv, &drv->async, async_pages, dsr + DSR_ASYNC);
	if (!ret)
		ret = vhca_drv_ring(drv, &drv->cqn, cq_pages, dsr + DSR_CQ);
	if (!ret)
		ret = vhca_drv_set_reg(drv, PVRDMA_REG_DSRLOW,
				       (uint32_t)drv->dsr.iova);
	if (!ret)
		ret = vhca_drv_set_reg(drv, PVRDMA_REG_DSRHIGH,
				       drv->dsr.iova >> 32);
	return ret;
}

/**
 * vhca_drv_probe() - the whole probe handshake of vmw_pvrdma
 * @drv: driver after vhca_drv_init()
 *
 * Return: 0 when the device is active, a positive ERR value if the device
 * refused a step, or a negative errno.
 */
int vhca_drv_probe(struct vhca_drv *drv)
{
	uint32_t err;
	int ret;

	drv->version = vhca_drv_reg(drv, PVRDMA_REG_VERSION);
	ret = vhca_drv_load_dsr(drv, 4, 4);
	if (ret)
		return ret;
	err = vhca_drv_reg(drv, PVRDMA_REG_ERR);
	if (err)
		return err;
	vhca_drv_set_reg(drv, PVRDMA_REG_IMR, 0);
	vhca_drv_set_reg(drv, PVRDMA_REG_CTL, PVRDMA_CTL_ACTIVATE);
	return vhca_drv_reg(drv, PVRDMA_REG_ERR);
}

const void *vhca_drv_caps(struct vhca_drv *drv)
{
	return (const uint8_t *)drv->dsr.va + DSR_CAPS;
}

void vhca_drv_fini(struct vhca_drv *drv)
{
	unsigned int v;

	for (v = 0; v < 3; v++)
		if (drv->vec_fd[v] > 0)
			close(drv->vec_fd[v]);
}

/**
 * vhca_drv_cmd() - post one command, as pvrdma_cmd_post() does
 * @drv:          driver
 * @cmd:          command code
 * @payload:      request bytes after the 16-byte header
 * @len:          their length (at most 168)
 * @resp_payload: response bytes after the header, or NULL
 * @resp_len:     bytes to copy
 *
 * Return: the device's ERR (0 = success, positive = its error), or a
 * negative errno if the registers could not be accessed.
 */
int vhca_drv_cmd(struct vhca_drv *drv, uint32_t cmd, const void *payload,
		 size_t len, void *resp_payload, size_t resp_len)
{
	uint8_t *slot = drv->cmd.va;
	uint64_t cookie = 0x1234;
	int ret;

	if (len > 168 || resp_len > 160)
		return -EINVAL;
	memset(slot, 0, 184);
	memcpy(slot, &cookie, 8);
	memcpy(slot + 8, &cmd, 4);
	memcpy(slot + 16, payload, len);
	memset(drv->resp.va, 0xee, 176);
	ret = vhca_drv_set_reg(drv, PVRDMA_REG_REQUEST, 0);
	if (ret)
		return ret;
	ret = vhca_drv_reg(drv, PVRDMA_REG_ERR);
	if (resp_payload)
		memcpy(resp_payload, (uint8_t *)drv->resp.va + 16, resp_len);
	return ret;
}

/**
 * vhca_drv_vector_count() - interrupts seen on @vector since last call
 * @drv:    driver
 * @vector: 0..2
 *
 * Return: the eventfd counter (0 if none).
 */
uint64_t vhca_drv_vector_count(struct vhca_drv *drv, unsigned int vector)
{
	uint64_t n = 0;

	if (read(drv->vec_fd[vector], &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/**
 * vhca_drv_async_event() - consume one async event, as the driver does
 * @drv:  driver
 * @type: event type
 * @info: handle or port
 *
 * Return: 0, or -EAGAIN if the ring is empty.
 */
int vhca_drv_async_event(struct vhca_drv *drv, uint32_t *type, uint32_t *info)
{
	volatile uint32_t *state = (uint32_t *)((uint8_t *)drv->async.va + 8);
	uint32_t n = 3 * PAGE / 8, tail = state[0], head = state[1];
	uint32_t *eqe;

	if (tail == head)
		return -EAGAIN;
	eqe = (uint32_t *)((uint8_t *)drv->async.va + PAGE) + 2 * (head & (n - 1));
	*type = eqe[0];
	*info = eqe[1];
	state[1] = (head + 1) & (2 * n - 1);
	return 0;
}
