// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the emulated PCI configuration space (vfio-mdev/
 * vhca_pci_config.c), compiled unchanged in userspace.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "vhca_pci_config.h"
#include "pvrdma_abi.h"

static u32 rd32(const struct vhca_pci_config *cfg, unsigned int pos)
{
	u8 b[4];

	if (vhca_pci_config_read(cfg, pos, b, 4))
		abort();
	return b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
}

static u16 rd16(const struct vhca_pci_config *cfg, unsigned int pos)
{
	return rd32(cfg, pos & ~3u) >> (8 * (pos & 3));
}

static int wr(struct vhca_pci_config *cfg, unsigned int pos, u32 val,
	      unsigned int len)
{
	u8 b[4] = { val, val >> 8, val >> 16, val >> 24 };

	return vhca_pci_config_write(cfg, pos, b, len);
}

static void pvrdma_desc(struct vhca_pci_desc *d, u64 uar_size)
{
	memset(d, 0, sizeof(*d));
	d->vendor = PVRDMA_PCI_VENDOR_VMWARE;
	d->device = PVRDMA_PCI_DEVICE_PVRDMA;
	d->subsys_vendor = PVRDMA_PCI_VENDOR_VMWARE;
	d->subsys_device = PVRDMA_PCI_DEVICE_PVRDMA;
	d->class_code = PVRDMA_PCI_CLASS_NETWORK_OTHER;
	d->bars[0].size = PVRDMA_BAR_MSIX_SIZE;
	d->bars[1].size = PVRDMA_BAR_REGS_SIZE;
	d->bars[2].size = uar_size;
	d->bars[2].is_64 = true;
	d->msix_vectors = PVRDMA_MSIX_VECTORS;
	d->msix_table = PVRDMA_MSIX_TABLE_OFFSET;
	d->msix_pba = PVRDMA_MSIX_PBA_OFFSET;
}

FIXTURE(cfg) {
	struct vhca_pci_desc desc;
	struct vhca_pci_config cfg;
};

FIXTURE_SETUP(cfg)
{
	pvrdma_desc(&self->desc, 512 * 4096);
	ASSERT_EQ(0, vhca_pci_desc_validate(&self->desc));
	vhca_pci_config_init(&self->cfg, &self->desc);
}

FIXTURE_TEARDOWN(cfg)
{
}

TEST_F(cfg, identity)
{
	EXPECT_EQ(0x082015ad, rd32(&self->cfg, 0x00));
	EXPECT_EQ(0x02800000, rd32(&self->cfg, 0x08));
	EXPECT_EQ(0x082015ad, rd32(&self->cfg, 0x2c));
	EXPECT_EQ(0, self->cfg.data[0x3d]);	/* no INTx pin */
	EXPECT_EQ(0x10, rd16(&self->cfg, 0x06));	/* capability list */
}

TEST_F(cfg, identity_is_read_only)
{
	ASSERT_EQ(0, wr(&self->cfg, 0x00, 0x12345678, 4));
	ASSERT_EQ(0, wr(&self->cfg, 0x08, 0xffffffff, 4));
	ASSERT_EQ(0, wr(&self->cfg, 0x2c, 0, 4));
	ASSERT_EQ(0, wr(&self->cfg, 0x3c, 0xffffffff, 4));
	EXPECT_EQ(0x082015ad, rd32(&self->cfg, 0x00));
	EXPECT_EQ(0x02800000, rd32(&self->cfg, 0x08));
	EXPECT_EQ(0x082015ad, rd32(&self->cfg, 0x2c));
	EXPECT_EQ(0x000000ff, rd32(&self->cfg, 0x3c));	/* line RW, pin RO */
}

TEST_F(cfg, command_mask)
{
	ASSERT_EQ(0, wr(&self->cfg, 0x04, 0xffff, 2));
	EXPECT_EQ(0x0546, rd16(&self->cfg, 0x04));
	EXPECT_TRUE(vhca_pci_config_mem_enabled(&self->cfg));
	ASSERT_EQ(0, wr(&self->cfg, 0x04, 0, 2));
	EXPECT_FALSE(vhca_pci_config_mem_enabled(&self->cfg));
}

TEST_F(cfg, status_write_one_to_clear)
{
	self->cfg.data[0x07] |= 0x20;	/* device latched "received master abort" */
	ASSERT_EQ(0, wr(&self->cfg, 0x06, 0x0000, 2));
	EXPECT_EQ(0x2010, rd16(&self->cfg, 0x06));
	ASSERT_EQ(0, wr(&self->cfg, 0x06, 0xffff, 2));
	EXPECT_EQ(0x0010, rd16(&self->cfg, 0x06));	/* cap-list bit stays */
}

TEST_F(cfg, bar_sizing_32bit)
{
	ASSERT_EQ(0, wr(&self->cfg, 0x10, 0xffffffff, 4));
	EXPECT_EQ(0xffffc000, rd32(&self->cfg, 0x10));
	ASSERT_EQ(0, wr(&self->cfg, 0x14, 0xffffffff, 4));
	EXPECT_EQ(0xfffff000, rd32(&self->cfg, 0x14));
	ASSERT_EQ(0, wr(&self->cfg, 0x14, 0xfebf1234, 4));
	EXPECT_EQ(0xfebf1000, rd32(&self->cfg, 0x14));
	EXPECT_EQ(0xfebf1000, vhca_pci_config_bar_addr(&self->cfg, &self->desc, 1));
}

TEST_F(cfg, bar_sizing_64bit)
{
	EXPECT_EQ(0x4, rd32(&self->cfg, 0x18));
	ASSERT_EQ(0, wr(&self->cfg, 0x18, 0xffffffff, 4));
	ASSERT_EQ(0, wr(&self->cfg, 0x1c, 0xffffffff, 4));
	EXPECT_EQ(0xffe00004, rd32(&self->cfg, 0x18));	/* 2 MiB, 64-bit */
	EXPECT_EQ(0xffffffff, rd32(&self->cfg, 0x1c));
	ASSERT_EQ(0, wr(&self->cfg, 0x18, 0x80000000, 4));
	ASSERT_EQ(0, wr(&self->cfg, 0x1c, 0x00000001, 4));
	EXPECT_EQ(0x180000000ull,
		  vhca_pci_config_bar_addr(&self->cfg, &self->desc, 2));
	EXPECT_EQ(0, vhca_pci_config_bar_addr(&self->cfg, &self->desc, 3));
	EXPECT_EQ(0, vhca_pci_config_bar_addr(&self->cfg, &self->desc, 9));
}

TEST_F(cfg, unimplemented_bars_and_rom_read_zero)
{
	unsigned int pos;

	for (pos = 0x20; pos <= 0x30; pos += 4) {
		if (pos == 0x2c)
			continue;
		ASSERT_EQ(0, wr(&self->cfg, pos, 0xffffffff, 4));
		EXPECT_EQ(0, rd32(&self->cfg, pos));
	}
}

TEST_F(cfg, msix_capability)
{
	unsigned int cap = self->cfg.data[0x34];

	ASSERT_EQ(VHCA_PCI_MSIX_CAP, cap);
	EXPECT_EQ(0x11, self->cfg.data[cap]);
	EXPECT_EQ(0, self->cfg.data[cap + 1]);
	EXPECT_EQ(PVRDMA_MSIX_VECTORS - 1, rd16(&self->cfg, cap + 2));
	EXPECT_EQ(PVRDMA_MSIX_TABLE_OFFSET, rd32(&self->cfg, cap + 4));
	EXPECT_EQ(PVRDMA_MSIX_PBA_OFFSET, rd32(&self->cfg, cap + 8));
	/* Enable and function mask are writable, the table size is not. */
	ASSERT_EQ(0, wr(&self->cfg, cap + 2, 0xffff, 2));
	EXPECT_EQ(0xc000 | (PVRDMA_MSIX_VECTORS - 1), rd16(&self->cfg, cap + 2));
	ASSERT_EQ(0, wr(&self->cfg, cap + 4, 0xffffffff, 4));
	EXPECT_EQ(PVRDMA_MSIX_TABLE_OFFSET, rd32(&self->cfg, cap + 4));
}

TEST_F(cfg, out_of_range_access_rejected)
{
	u8 buf[8];

	EXPECT_EQ(-EINVAL, vhca_pci_config_read(&self->cfg, 256, buf, 1));
	EXPECT_EQ(-EINVAL, vhca_pci_config_read(&self->cfg, 255, buf, 2));
	EXPECT_EQ(-EINVAL, vhca_pci_config_read(&self->cfg, 0, buf, 0));
	EXPECT_EQ(-EINVAL, vhca_pci_config_read(&self->cfg, ~0ull, buf, 4));
	EXPECT_EQ(-EINVAL, vhca_pci_config_read(&self->cfg, 4, buf, ~0ull));
	EXPECT_EQ(-EINVAL, vhca_pci_config_write(&self->cfg, 254, buf, 4));
	EXPECT_EQ(-EINVAL, vhca_pci_config_write(&self->cfg, 1ull << 40, buf, 4));
	EXPECT_EQ(0, vhca_pci_config_read(&self->cfg, 252, buf, 4));
}

TEST_F(cfg, whole_space_read)
{
	u8 buf[VHCA_PCI_CFG_SIZE];

	ASSERT_EQ(0, vhca_pci_config_read(&self->cfg, 0, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, self->cfg.data, sizeof(buf)));
}

/* Random writes of any size at any offset never touch read-only bits. */
TEST_F(cfg, random_writes_keep_read_only_bits)
{
	struct vhca_pci_config ref = self->cfg;
	unsigned int i, pos, len, b;
	u8 val[8];

	srand(1);
	for (i = 0; i < 200000; i++) {
		pos = rand() % VHCA_PCI_CFG_SIZE;
		len = 1 + rand() % 8;
		for (b = 0; b < sizeof(val); b++)
			val[b] = rand();
		if (pos + len > VHCA_PCI_CFG_SIZE) {
			ASSERT_EQ(-EINVAL, vhca_pci_config_write(&self->cfg,
							pos, val, len));
			continue;
		}
		ASSERT_EQ(0, vhca_pci_config_write(&self->cfg, pos, val, len));
	}
	for (pos = 0; pos < VHCA_PCI_CFG_SIZE; pos++) {
		u8 ro = ~(ref.wmask[pos] | ref.w1cmask[pos]);

		ASSERT_EQ(ref.data[pos] & ro, self->cfg.data[pos] & ro)
			TH_LOG("offset 0x%x changed read-only bits", pos);
	}
}

TEST(desc_validation)
{
	struct vhca_pci_desc d;

	pvrdma_desc(&d, 3 * 4096);
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));	/* not a power of 2 */
	pvrdma_desc(&d, 8);
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));	/* below 16 bytes */
	pvrdma_desc(&d, 4096);
	d.bars[3].size = 4096;	/* upper half of 64-bit BAR2 */
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));
	pvrdma_desc(&d, 4096);
	d.bars[5].size = 4096;
	d.bars[5].is_64 = true;	/* no slot for the upper half */
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));
	pvrdma_desc(&d, 4096);
	d.msix_vectors = 2049;
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));
	pvrdma_desc(&d, 4096);
	d.msix_pba = 0x4000;	/* PBA outside BAR0 */
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));
	pvrdma_desc(&d, 4096);
	d.msix_table = 0x3ff8;	/* table runs past BAR0 */
	EXPECT_EQ(-EINVAL, vhca_pci_desc_validate(&d));
	pvrdma_desc(&d, 1ull << 33);	/* 8 GiB 64-bit BAR is fine */
	EXPECT_EQ(0, vhca_pci_desc_validate(&d));
}

TEST_HARNESS_MAIN
