/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVRDMA device as the guest sees it: PCI identity, BAR layout and
 * register offsets. Written from ../shared/spec/pvrdma-device.md (sections
 * 1, 3, 4 and 10); the command, ring and WQE formats get files of their own.
 * Plain constants only, so userspace tests and libvhca can include it.
 */
#ifndef _VHCA_PVRDMA_ABI_H
#define _VHCA_PVRDMA_ABI_H

#define PVRDMA_PCI_VENDOR_VMWARE	0x15ad
#define PVRDMA_PCI_DEVICE_PVRDMA	0x0820
#define PVRDMA_PCI_DEVICE_VMXNET3	0x07b0
#define PVRDMA_PCI_CLASS_NETWORK_OTHER	0x028000	/* base, sub, prog-if */
#define PVRDMA_PCI_REVISION		0x00

/* BAR numbers; BAR2 is 64-bit and so also occupies the BAR3 slot. */
#define PVRDMA_BAR_MSIX			0
#define PVRDMA_BAR_REGS			1
#define PVRDMA_BAR_UAR			2

#define PVRDMA_BAR_MSIX_SIZE		0x4000
#define PVRDMA_MSIX_TABLE_OFFSET	0x0000
#define PVRDMA_MSIX_PBA_OFFSET		0x2000
#define PVRDMA_MSIX_VECTORS		3	/* response, async, CQ */
#define PVRDMA_MSIX_ENTRY_SIZE		16

#define PVRDMA_BAR_REGS_SIZE		0x1000
#define PVRDMA_UAR_PAGE_SIZE		0x1000

/* Register file (BAR1), all 32-bit little-endian. */
#define PVRDMA_REG_VERSION		0x00	/* RO */
#define PVRDMA_REG_DSRLOW		0x04	/* WO */
#define PVRDMA_REG_DSRHIGH		0x08	/* WO, written last */
#define PVRDMA_REG_CTL			0x0c	/* WO */
#define PVRDMA_REG_REQUEST		0x10	/* WO */
#define PVRDMA_REG_ERR			0x14	/* RO */
#define PVRDMA_REG_ICR			0x18	/* RO, read-to-clear */
#define PVRDMA_REG_IMR			0x1c	/* RW */
#define PVRDMA_REG_MACL			0x20	/* RW */
#define PVRDMA_REG_MACH			0x24	/* RW */

/* The device ABI version vhca implements: RoCE v2 with QP handles. */
#define PVRDMA_VERSION			20

/* CTL register values. */
#define PVRDMA_CTL_ACTIVATE		0
#define PVRDMA_CTL_UNQUIESCE		1
#define PVRDMA_CTL_RESET		2

/* ERR register after RESET or before activation ("not active"). */
#define PVRDMA_ERR_NOT_ACTIVE		0xffff

/* MSI-X vectors and ICR/IMR cause bits. */
#define PVRDMA_VECTOR_RESPONSE		0
#define PVRDMA_VECTOR_ASYNC		1
#define PVRDMA_VECTOR_CQ		2

/* Async event types used by the device (the verbs ib_event_type values). */
#define PVRDMA_EVENT_CQ_ERR		0
#define PVRDMA_EVENT_QP_FATAL		1
#define PVRDMA_EVENT_DEVICE_FATAL	8
#define PVRDMA_EVENT_SRQ_ERR		14
#define PVRDMA_EVENT_SRQ_LIMIT_REACHED	15

/* Doorbells: offsets inside a UAR page and value bits. */
#define PVRDMA_UAR_QP_OFFSET		0x0
#define PVRDMA_UAR_CQ_OFFSET		0x4
#define PVRDMA_UAR_SRQ_OFFSET		0x8
#define PVRDMA_UAR_HANDLE_MASK		0x00ffffff
#define PVRDMA_UAR_QP_SEND		0x40000000u
#define PVRDMA_UAR_QP_RECV		0x80000000u
#define PVRDMA_UAR_CQ_ARM_SOL		0x20000000u
#define PVRDMA_UAR_CQ_ARM		0x40000000u
#define PVRDMA_UAR_CQ_POLL		0x80000000u
#define PVRDMA_UAR_SRQ_RECV		0x40000000u

/* Page directories (spec section 7). */
#define PVRDMA_PDIR_ENTRIES		512	/* u64 per 4 KiB page */
#define PVRDMA_PDIR_MAX_PAGES		(512 * 512)

/* Device rings (async events, CQ notifications) are 1 state + 3 pages. */
#define PVRDMA_DEV_RING_PAGES		4

#endif /* _VHCA_PVRDMA_ABI_H */
