// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated PCI configuration space. Every guest write goes through the
 * write-mask tables built at init, so read-only fields, BAR sizing and
 * write-1-to-clear status bits all follow from data rather than from a
 * switch on offsets.
 */
#include "vhca_pci_config.h"

/* Standard type-0 header offsets and bits (PCI Local Bus spec 3.0, 6.2). */
#define CFG_VENDOR_ID		0x00
#define CFG_DEVICE_ID		0x02
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_REVISION		0x08
#define CFG_CLASS_PROG		0x09
#define CFG_CACHE_LINE		0x0c
#define CFG_LATENCY		0x0d
#define CFG_BAR0		0x10
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_CAP_PTR		0x34
#define CFG_INT_LINE		0x3c

#define CMD_MEMORY		0x0002
#define CMD_MASTER		0x0004
#define CMD_PARITY		0x0040
#define CMD_SERR		0x0100
#define CMD_INTX_DISABLE	0x0400
#define CMD_WRITABLE		(CMD_MEMORY | CMD_MASTER | CMD_PARITY | \
				 CMD_SERR | CMD_INTX_DISABLE)

#define STATUS_CAP_LIST		0x0010
/* Parity, signalled/received aborts, SERR, detected parity: all RW1C. */
#define STATUS_W1C		0xf900

#define BAR_MEM_TYPE_64		0x4

#define MSIX_CAP_ID		0x11
#define MSIX_FLAGS		2
#define MSIX_TABLE		4
#define MSIX_PBA		8
#define MSIX_FLAGS_WRITABLE	0xc000	/* enable, function mask */

static void put_le(u8 *p, u64 val, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = (u8)(val >> (8 * i));
}

static u64 get_le(const u8 *p, unsigned int bytes)
{
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		val |= (u64)p[i] << (8 * i);
	return val;
}

static bool is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

/**
 * vhca_pci_desc_validate() - check a function description for consistency
 * @desc: the description
 *
 * Return: 0, or -EINVAL if a BAR size is not a power of two >= 16, a 64-bit
 * BAR sits in slot 5, a 64-bit BAR's upper slot is also described, or the
 * MSI-X table or PBA does not fit its BAR.
 */
int vhca_pci_desc_validate(const struct vhca_pci_desc *desc)
{
	const struct vhca_pci_bar_desc *bar;
	unsigned int i;
	u64 table_end;

	for (i = 0; i < VHCA_PCI_BARS; i++) {
		bar = &desc->bars[i];
		if (!bar->size)
			continue;
		if (!is_pow2(bar->size) || bar->size < 16)
			return -EINVAL;
		if (bar->is_64 && (i == VHCA_PCI_BARS - 1 ||
				   desc->bars[i + 1].size))
			return -EINVAL;
		if (!bar->is_64 && bar->size > 0x80000000ull)
			return -EINVAL;
		if (bar->is_64)
			i++;
	}
	if (!desc->msix_vectors)
		return 0;
	if (desc->msix_vectors > 2048 || desc->msix_bar >= VHCA_PCI_BARS ||
	    (desc->msix_table | desc->msix_pba) & 7)
		return -EINVAL;
	bar = &desc->bars[desc->msix_bar];
	table_end = desc->msix_table + 16ull * desc->msix_vectors;
	if (table_end > bar->size ||
	    desc->msix_pba + 8ull * ((desc->msix_vectors + 63) / 64) > bar->size)
		return -EINVAL;
	return 0;
}

static void config_set(struct vhca_pci_config *cfg, unsigned int pos,
		       u64 val, unsigned int bytes, u64 wmask)
{
	put_le(&cfg->data[pos], val, bytes);
	put_le(&cfg->wmask[pos], wmask, bytes);
}

static void config_init_bars(struct vhca_pci_config *cfg,
			     const struct vhca_pci_desc *desc)
{
	unsigned int i, pos;
	u64 size;

	for (i = 0; i < VHCA_PCI_BARS; i++) {
		size = desc->bars[i].size;
		pos = CFG_BAR0 + 4 * i;
		if (!size)
			continue;
		if (!desc->bars[i].is_64) {
			config_set(cfg, pos, 0, 4, (u32)~(size - 1) & ~0xfu);
			continue;
		}
		/* Lower dword carries the type bits; both halves size. */
		config_set(cfg, pos, BAR_MEM_TYPE_64, 4,
			   (u32)~(size - 1) & ~0xfu);
		config_set(cfg, pos + 4, 0, 4, (u32)(~(size - 1) >> 32));
		i++;
	}
}

static void config_init_msix(struct vhca_pci_config *cfg,
			     const struct vhca_pci_desc *desc)
{
	unsigned int cap = VHCA_PCI_MSIX_CAP;

	put_le(&cfg->data[CFG_STATUS], STATUS_CAP_LIST, 2);
	cfg->data[CFG_CAP_PTR] = cap;
	cfg->data[cap] = MSIX_CAP_ID;
	cfg->data[cap + 1] = 0;	/* last capability */
	config_set(cfg, cap + MSIX_FLAGS, desc->msix_vectors - 1, 2,
		   MSIX_FLAGS_WRITABLE);
	put_le(&cfg->data[cap + MSIX_TABLE],
	       desc->msix_table | desc->msix_bar, 4);
	put_le(&cfg->data[cap + MSIX_PBA], desc->msix_pba | desc->msix_bar, 4);
}

/**
 * vhca_pci_config_init() - put @cfg in its power-on state
 * @cfg:  the configuration space
 * @desc: a description that passed vhca_pci_desc_validate()
 *
 * Interrupt pin is 0: the function has no INTx, only MSI-X.
 */
void vhca_pci_config_init(struct vhca_pci_config *cfg,
			  const struct vhca_pci_desc *desc)
{
	memset(cfg, 0, sizeof(*cfg));
	put_le(&cfg->data[CFG_VENDOR_ID], desc->vendor, 2);
	put_le(&cfg->data[CFG_DEVICE_ID], desc->device, 2);
	config_set(cfg, CFG_COMMAND, 0, 2, CMD_WRITABLE);
	put_le(&cfg->w1cmask[CFG_STATUS], STATUS_W1C, 2);
	cfg->data[CFG_REVISION] = desc->revision;
	put_le(&cfg->data[CFG_CLASS_PROG], desc->class_code, 3);
	config_set(cfg, CFG_CACHE_LINE, 0, 1, 0xff);
	config_set(cfg, CFG_LATENCY, 0, 1, 0xff);
	config_init_bars(cfg, desc);
	put_le(&cfg->data[CFG_SUBSYS_VENDOR], desc->subsys_vendor, 2);
	put_le(&cfg->data[CFG_SUBSYS_ID], desc->subsys_device, 2);
	config_set(cfg, CFG_INT_LINE, 0, 1, 0xff);
	if (desc->msix_vectors)
		config_init_msix(cfg, desc);
}

static bool config_range_ok(u64 pos, u64 count)
{
	return count && pos < VHCA_PCI_CFG_SIZE &&
	       count <= VHCA_PCI_CFG_SIZE - pos;
}

/**
 * vhca_pci_config_read() - read @count bytes at @pos
 * @cfg:   the configuration space
 * @pos:   offset
 * @buf:   destination
 * @count: bytes; any size and alignment inside the space
 *
 * Return: 0, or -EINVAL if the range leaves the configuration space.
 */
int vhca_pci_config_read(const struct vhca_pci_config *cfg, u64 pos,
			 void *buf, u64 count)
{
	if (!config_range_ok(pos, count))
		return -EINVAL;
	memcpy(buf, &cfg->data[pos], count);
	return 0;
}

/**
 * vhca_pci_config_write() - apply a guest write of @count bytes at @pos
 * @cfg:   the configuration space
 * @pos:   offset
 * @buf:   the bytes written
 * @count: bytes; any size and alignment inside the space
 *
 * Bits outside the write mask keep their value, except write-1-to-clear
 * bits, which a 1 clears.
 *
 * Return: 0, or -EINVAL if the range leaves the configuration space.
 */
int vhca_pci_config_write(struct vhca_pci_config *cfg, u64 pos,
			  const void *buf, u64 count)
{
	const u8 *val = buf;
	u64 i;
	u8 *d;

	if (!config_range_ok(pos, count))
		return -EINVAL;
	for (i = 0; i < count; i++) {
		d = &cfg->data[pos + i];
		*d = (*d & ~cfg->wmask[pos + i]) | (val[i] & cfg->wmask[pos + i]);
		*d &= ~(val[i] & cfg->w1cmask[pos + i]);
	}
	return 0;
}

/**
 * vhca_pci_config_bar_addr() - the address the guest programmed into a BAR
 * @cfg:  the configuration space
 * @desc: its description
 * @bar:  BAR number
 *
 * Return: the base address (type bits removed), or 0 for an unimplemented
 * BAR or the upper slot of a 64-bit BAR.
 */
u64 vhca_pci_config_bar_addr(const struct vhca_pci_config *cfg,
			     const struct vhca_pci_desc *desc, unsigned int bar)
{
	unsigned int pos = CFG_BAR0 + 4 * bar;
	u64 addr;

	if (bar >= VHCA_PCI_BARS || !desc->bars[bar].size)
		return 0;
	addr = get_le(&cfg->data[pos], 4) & ~0xfull;
	if (desc->bars[bar].is_64)
		addr |= get_le(&cfg->data[pos + 4], 4) << 32;
	return addr;
}

/**
 * vhca_pci_config_mem_enabled() - does the function decode memory accesses
 * @cfg: the configuration space
 *
 * Return: the command register's memory-space enable bit.
 */
bool vhca_pci_config_mem_enabled(const struct vhca_pci_config *cfg)
{
	return get_le(&cfg->data[CFG_COMMAND], 2) & CMD_MEMORY;
}
