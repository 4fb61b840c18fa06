// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifecycle of vhca HCAs and mdev instances through the real interfaces:
 * sysfs (types, create, remove, accounting) and VFIO (identity, regions,
 * interrupts, reset), including every bad-input case. Runs as root in the
 * test VM with vhca_core (hcas=2) and vhca_mdev loaded.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvhca.h"
#include "pvrdma_abi.h"

#define HCA		"vhca0"
#define HCA_CLASS	"/sys/class/vhca/" HCA

static const char *const types[] = {
	"vhca-pvrdma-1", "vhca-pvrdma-2", "vhca-pvrdma-4", "vhca-pvrdma-8"
};

static uint64_t hca_u64(const char *attr)
{
	char path[256];
	uint64_t v = ~0ull;

	snprintf(path, sizeof(path), HCA_CLASS "/%s", attr);
	if (vhca_sysfs_read_u64(path, &v))
		return ~0ull;
	return v;
}

static unsigned int available(const char *type)
{
	unsigned int n = ~0u;

	vhca_type_available(HCA, type, &n);
	return n;
}

static int create(const char *type, char uuid[VHCA_UUID_LEN + 1])
{
	vhca_uuid_generate(uuid);
	return vhca_instance_create(HCA, type, uuid);
}

TEST(hca_sysfs)
{
	EXPECT_EQ(8, hca_u64("slices"));
	EXPECT_EQ(8, hca_u64("slices_free"));
	EXPECT_EQ(0, hca_u64("functions"));
	EXPECT_EQ(8192, hca_u64("capacity/qps"));
	EXPECT_EQ(32768, hca_u64("capacity/mrs"));
	EXPECT_EQ(4096, hca_u64("capacity/uar_pages"));
	EXPECT_EQ(1048576, hca_u64("capacity/pinned_pages"));
	EXPECT_EQ(0, access("/sys/class/vhca/vhca1", F_OK));
	EXPECT_EQ(0, access("/sys/class/mdev_bus/vhca1", F_OK));
}

TEST(types_describe_their_quotas)
{
	char buf[256], want[256];
	unsigned int i, div;

	for (i = 0; i < 4; i++) {
		div = 1u << i;
		ASSERT_EQ(0, vhca_type_attr(HCA, types[i], "device_api", buf,
					    sizeof(buf)));
		EXPECT_STREQ("vfio-pci", buf);
		ASSERT_EQ(0, vhca_type_attr(HCA, types[i], "name", buf,
					    sizeof(buf)));
		snprintf(want, sizeof(want), "PVRDMA adapter, 1/%u of vhca0", div);
		EXPECT_STREQ(want, buf);
		ASSERT_EQ(0, vhca_type_attr(HCA, types[i], "description", buf,
					    sizeof(buf)));
		snprintf(want, sizeof(want),
			 "qps=%u, cqs=%u, mrs=%u, pds=%u, srqs=%u, ahs=%u, uar_pages=%u, pinned_mib=%u",
			 8192 / div, 8192 / div, 32768 / div, 8192 / div,
			 8192 / div, 8192 / div, 4096 / div, 4096 / div);
		EXPECT_STREQ(want, buf);
		EXPECT_EQ(div, available(types[i]));
	}
}

TEST(create_and_remove_account_capacity)
{
	char a[VHCA_UUID_LEN + 1], b[VHCA_UUID_LEN + 1];

	ASSERT_EQ(0, create("vhca-pvrdma-2", a));
	EXPECT_TRUE(vhca_instance_exists(a));
	EXPECT_EQ(0, available("vhca-pvrdma-1"));
	EXPECT_EQ(1, available("vhca-pvrdma-2"));
	EXPECT_EQ(2, available("vhca-pvrdma-4"));
	EXPECT_EQ(4, available("vhca-pvrdma-8"));
	ASSERT_EQ(0, create("vhca-pvrdma-8", b));
	EXPECT_EQ(0, available("vhca-pvrdma-2"));
	EXPECT_EQ(1, available("vhca-pvrdma-4"));
	EXPECT_EQ(3, available("vhca-pvrdma-8"));
	EXPECT_EQ(3, hca_u64("slices_free"));
	EXPECT_EQ(2, hca_u64("functions"));

	EXPECT_EQ(0, vhca_instance_remove(a));
	EXPECT_FALSE(vhca_instance_exists(a));
	EXPECT_EQ(7, hca_u64("slices_free"));
	EXPECT_EQ(0, vhca_instance_remove(b));
	EXPECT_EQ(8, hca_u64("slices_free"));
	EXPECT_EQ(1, available("vhca-pvrdma-1"));
	EXPECT_EQ(0, hca_u64("functions"));
}

TEST(no_capacity_left_is_enospc)
{
	char u[8][VHCA_UUID_LEN + 1], extra[VHCA_UUID_LEN + 1];
	unsigned int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, create("vhca-pvrdma-8", u[i]));
	EXPECT_EQ(0, available("vhca-pvrdma-8"));
	EXPECT_EQ(-ENOSPC, create("vhca-pvrdma-8", extra));
	EXPECT_EQ(-ENOSPC, create("vhca-pvrdma-1", extra));
	EXPECT_FALSE(vhca_instance_exists(extra));
	/* The other HCA is untouched by vhca0 being full. */
	vhca_uuid_generate(extra);
	EXPECT_EQ(0, vhca_instance_create("vhca1", "vhca-pvrdma-1", extra));
	EXPECT_EQ(0, vhca_instance_remove(extra));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, vhca_instance_remove(u[i]));
	EXPECT_EQ(8, hca_u64("slices_free"));
}

TEST(malformed_uuid_is_einval)
{
	static const char *const bad[] = {
		"not-a-uuid", "\n", "12345678-1234-1234-1234-12345678901",
		"12345678_1234-1234-1234-123456789012",
		"zzzzzzzz-1234-1234-1234-123456789012",
		"12345678-1234-1234-1234-12345678901g",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, vhca_instance_create(HCA, "vhca-pvrdma-8", bad[i]))
			TH_LOG("uuid '%s'", bad[i]);
	EXPECT_EQ(8, hca_u64("slices_free"));
}

TEST(duplicate_uuid_is_eexist)
{
	char u[VHCA_UUID_LEN + 1];

	ASSERT_EQ(0, create("vhca-pvrdma-8", u));
	EXPECT_EQ(-EEXIST, vhca_instance_create(HCA, "vhca-pvrdma-8", u));
	EXPECT_EQ(-EEXIST, vhca_instance_create("vhca1", "vhca-pvrdma-4", u));
	EXPECT_EQ(7, hca_u64("slices_free"));
	EXPECT_EQ(0, vhca_instance_remove(u));
}

TEST(unknown_type_and_removed_instance)
{
	char u[VHCA_UUID_LEN + 1];

	EXPECT_EQ(-ENOENT, create("vhca-pvrdma-3", u));
	ASSERT_EQ(0, create("vhca-pvrdma-8", u));
	ASSERT_EQ(0, vhca_instance_remove(u));
	EXPECT_EQ(-ENOENT, vhca_instance_remove(u));
}

FIXTURE(inst) {
	char uuid[VHCA_UUID_LEN + 1];
	struct vhca_dev dev;
};

FIXTURE_SETUP(inst)
{
	ASSERT_EQ(0, create("vhca-pvrdma-8", self->uuid));
	ASSERT_EQ(0, vhca_dev_open(&self->dev, self->uuid));
}

FIXTURE_TEARDOWN(inst)
{
	vhca_dev_close(&self->dev);
	if (vhca_instance_exists(self->uuid))
		EXPECT_EQ(0, vhca_instance_remove(self->uuid));
	EXPECT_EQ(8, hca_u64("slices_free"));
}

TEST_F(inst, pci_identity)
{
	uint32_t v;

	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x00, &v));
	EXPECT_EQ(PVRDMA_PCI_VENDOR_VMWARE | PVRDMA_PCI_DEVICE_PVRDMA << 16, v);
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x08, &v));
	EXPECT_EQ(PVRDMA_PCI_CLASS_NETWORK_OTHER << 8, v);
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x2c, &v));
	EXPECT_EQ(PVRDMA_PCI_VENDOR_VMWARE | PVRDMA_PCI_DEVICE_PVRDMA << 16, v);
	ASSERT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_REGS,
				     PVRDMA_REG_VERSION, &v));
	EXPECT_EQ(PVRDMA_VERSION, v);
}

TEST_F(inst, device_and_region_info)
{
	struct vfio_region_info *r = self->dev.regions;

	EXPECT_TRUE(self->dev.info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(self->dev.info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, self->dev.info.num_regions);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, self->dev.info.num_irqs);
	EXPECT_EQ(PVRDMA_BAR_MSIX_SIZE, r[VFIO_PCI_BAR0_REGION_INDEX].size);
	EXPECT_EQ(PVRDMA_BAR_REGS_SIZE, r[VFIO_PCI_BAR1_REGION_INDEX].size);
	/* 1/8 of 4096 UAR pages */
	EXPECT_EQ(512 * PVRDMA_UAR_PAGE_SIZE, r[VFIO_PCI_BAR2_REGION_INDEX].size);
	EXPECT_EQ(0, r[VFIO_PCI_BAR3_REGION_INDEX].size);
	EXPECT_EQ(0, r[VFIO_PCI_ROM_REGION_INDEX].size);
	EXPECT_EQ(0, r[VFIO_PCI_VGA_REGION_INDEX].size);
	EXPECT_EQ(256, r[VFIO_PCI_CONFIG_REGION_INDEX].size);
	EXPECT_FALSE(r[VFIO_PCI_BAR1_REGION_INDEX].flags & VFIO_REGION_INFO_FLAG_MMAP);
}

TEST_F(inst, region_info_bad_index)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri),
				       .index = VFIO_PCI_NUM_REGIONS };
	struct vfio_region_info shortinfo = { .argsz = 8, .index = 0 };

	EXPECT_EQ(-1, ioctl(self->dev.device, VFIO_DEVICE_GET_REGION_INFO, &ri));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->dev.device, VFIO_DEVICE_GET_REGION_INFO,
			    &shortinfo));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->dev.device, _IO(VFIO_TYPE, VFIO_BASE + 60)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(inst, bar_sizing_through_vfio)
{
	uint32_t lo, hi;

	ASSERT_EQ(0, vhca_cfg_write32(&self->dev, 0x10, 0xffffffff));
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x10, &lo));
	EXPECT_EQ((uint32_t)~(PVRDMA_BAR_MSIX_SIZE - 1), lo);
	ASSERT_EQ(0, vhca_cfg_write32(&self->dev, 0x18, 0xffffffff));
	ASSERT_EQ(0, vhca_cfg_write32(&self->dev, 0x1c, 0xffffffff));
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x18, &lo));
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x1c, &hi));
	EXPECT_EQ((uint32_t)~(512 * 4096 - 1) | 0x4, lo);
	EXPECT_EQ(0xffffffff, hi);
}

TEST_F(inst, msix_capability_and_irq_info)
{
	struct vfio_irq_info irq;
	uint32_t v;

	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x34, &v));
	ASSERT_EQ(0x40, v & 0xff);
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x40, &v));
	EXPECT_EQ(0x11, v & 0xff);
	EXPECT_EQ(PVRDMA_MSIX_VECTORS - 1, (v >> 16) & 0x7ff);
	ASSERT_EQ(0, vhca_irq_info(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX, &irq));
	EXPECT_EQ(PVRDMA_MSIX_VECTORS, irq.count);
	EXPECT_TRUE(irq.flags & VFIO_IRQ_INFO_EVENTFD);
	ASSERT_EQ(0, vhca_irq_info(&self->dev, VFIO_PCI_INTX_IRQ_INDEX, &irq));
	EXPECT_EQ(0, irq.count);
	ASSERT_EQ(0, vhca_irq_info(&self->dev, VFIO_PCI_REQ_IRQ_INDEX, &irq));
	EXPECT_EQ(1, irq.count);
	EXPECT_EQ(-EINVAL, vhca_irq_info(&self->dev, VFIO_PCI_NUM_IRQS, &irq));
}

TEST_F(inst, msix_eventfd_delivery)
{
	uint64_t cnt = 0;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vhca_irq_set_eventfd(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX,
					  2, efd));
	ASSERT_EQ(0, vhca_irq_trigger(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX, 2));
	ASSERT_EQ(sizeof(cnt), read(efd, &cnt, sizeof(cnt)));
	EXPECT_EQ(1, cnt);
	/* Another vector is not wired to it. */
	ASSERT_EQ(0, vhca_irq_trigger(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX, 0));
	EXPECT_EQ(-1, read(efd, &cnt, sizeof(cnt)));
	/* After disable nothing fires. */
	ASSERT_EQ(0, vhca_irq_disable(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX));
	ASSERT_EQ(0, vhca_irq_trigger(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX, 2));
	EXPECT_EQ(-1, read(efd, &cnt, sizeof(cnt)));
	close(efd);
}

TEST_F(inst, set_irqs_bad_input)
{
	EXPECT_EQ(-EINVAL, vhca_irq_set_eventfd(&self->dev,
			VFIO_PCI_MSIX_IRQ_INDEX, PVRDMA_MSIX_VECTORS, -1));
	EXPECT_EQ(-EINVAL, vhca_irq_set_eventfd(&self->dev,
			VFIO_PCI_INTX_IRQ_INDEX, 0, -1));
	EXPECT_EQ(-EINVAL, vhca_irq_set_eventfd(&self->dev, 99, 0, -1));
	/* Not an eventfd: rejected, nothing changes. */
	EXPECT_EQ(-EINVAL, vhca_irq_set_eventfd(&self->dev,
			VFIO_PCI_MSIX_IRQ_INDEX, 0, self->dev.container));
	EXPECT_EQ(-EBADF, vhca_irq_set_eventfd(&self->dev,
			VFIO_PCI_MSIX_IRQ_INDEX, 0, 12345));
}

TEST_F(inst, region_access_bounds)
{
	uint8_t buf[16];
	uint32_t v = 0xdeadbeef;

	/* Beyond a region, or a region that does not exist. */
	EXPECT_EQ(-EINVAL, vhca_region_read(&self->dev, VFIO_PCI_CONFIG_REGION_INDEX,
					   254, buf, 4));
	EXPECT_EQ(-EINVAL, vhca_region_read(&self->dev, VFIO_PCI_BAR1_REGION_INDEX,
					   PVRDMA_BAR_REGS_SIZE, buf, 4));
	EXPECT_EQ(-EINVAL, vhca_region_read(&self->dev, VFIO_PCI_BAR3_REGION_INDEX,
					   0, buf, 4));
	EXPECT_EQ(-EINVAL, vhca_region_write(&self->dev, VFIO_PCI_ROM_REGION_INDEX,
					    0, buf, 4));
	EXPECT_EQ(-1, pread(self->dev.device, buf, 4, 12ull << 40));
	/* BAR accesses wider than 8 bytes are refused, odd ones read 0. */
	EXPECT_EQ(-EINVAL, vhca_region_read(&self->dev, VFIO_PCI_BAR1_REGION_INDEX,
					   0, buf, 16));
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(0, vhca_region_read(&self->dev, VFIO_PCI_BAR1_REGION_INDEX, 1,
				      buf, 3));
	EXPECT_EQ(0, buf[0] | buf[1] | buf[2]);
	/* Writes to read-only registers and doorbells do nothing harmful. */
	EXPECT_EQ(0, vhca_bar_write32(&self->dev, PVRDMA_BAR_REGS,
				      PVRDMA_REG_VERSION, 0));
	EXPECT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_REGS,
				     PVRDMA_REG_VERSION, &v));
	EXPECT_EQ(PVRDMA_VERSION, v);
	EXPECT_EQ(0, vhca_bar_write32(&self->dev, PVRDMA_BAR_UAR, 0, 0xffffffff));
	EXPECT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_UAR, 4, &v));
}

TEST_F(inst, msix_table_storage)
{
	uint32_t v;

	ASSERT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_MSIX, 12, &v));
	EXPECT_EQ(1, v);	/* vector 0 masked at reset */
	ASSERT_EQ(0, vhca_bar_write32(&self->dev, PVRDMA_BAR_MSIX, 16, 0xfee00000));
	ASSERT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_MSIX, 16, &v));
	EXPECT_EQ(0xfee00000, v);
	ASSERT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_MSIX,
				     PVRDMA_MSIX_PBA_OFFSET, &v));
	EXPECT_EQ(0, v);
	/* Past the 3-entry table: reads 0, writes vanish. */
	ASSERT_EQ(0, vhca_bar_write32(&self->dev, PVRDMA_BAR_MSIX, 48, 0x1234));
	ASSERT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_MSIX, 48, &v));
	EXPECT_EQ(0, v);
}

TEST_F(inst, reset_restores_power_on_state)
{
	uint32_t v;

	ASSERT_EQ(0, vhca_cfg_write32(&self->dev, 0x04, 0x0006));
	ASSERT_EQ(0, vhca_cfg_write32(&self->dev, 0x14, 0xfebf0000));
	ASSERT_EQ(0, vhca_bar_write32(&self->dev, PVRDMA_BAR_MSIX, 16, 0xfee00000));
	ASSERT_EQ(0, vhca_dev_reset(&self->dev));
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x04, &v));
	EXPECT_EQ(0x0010 << 16, v);	/* command cleared, cap list */
	ASSERT_EQ(0, vhca_cfg_read32(&self->dev, 0x14, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, vhca_bar_read32(&self->dev, PVRDMA_BAR_MSIX, 16, &v));
	EXPECT_EQ(0, v);
}

TEST_F(inst, second_open_is_refused)
{
	struct vhca_dev again;

	/* The group is already attached to our container: a second VMM can't. */
	EXPECT_EQ(-EBUSY, vhca_dev_open(&again, self->uuid));
}

static void *remove_thread(void *uuid)
{
	return (void *)(long)vhca_instance_remove(uuid);
}

TEST_F(inst, remove_while_open_asks_the_user)
{
	struct pollfd pfd = { .events = POLLIN };
	pthread_t t;
	void *ret;

	pfd.fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, pfd.fd);
	ASSERT_EQ(0, vhca_irq_set_eventfd(&self->dev, VFIO_PCI_REQ_IRQ_INDEX, 0,
					  pfd.fd));
	ASSERT_EQ(0, pthread_create(&t, NULL, remove_thread, self->uuid));
	/* The removal blocks and signals the request eventfd... */
	ASSERT_EQ(1, poll(&pfd, 1, 20000));
	usleep(200000);
	EXPECT_EQ(EBUSY, pthread_tryjoin_np(t, &ret));
	/* ...and completes once the "VMM" closes the device. */
	vhca_dev_close(&self->dev);
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(0, (long)ret);
	EXPECT_FALSE(vhca_instance_exists(self->uuid));
	close(pfd.fd);
}

TEST_F(inst, close_releases_eventfds)
{
	struct pollfd pfd = { .events = POLLIN };

	pfd.fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, pfd.fd);
	ASSERT_EQ(0, vhca_irq_set_eventfd(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX,
					  1, pfd.fd));
	vhca_dev_close(&self->dev);
	/* Reopened, the device must no longer signal the old eventfd. */
	ASSERT_EQ(0, vhca_dev_open(&self->dev, self->uuid));
	ASSERT_EQ(0, vhca_irq_trigger(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX, 1));
	EXPECT_EQ(0, poll(&pfd, 1, 100));
	close(pfd.fd);
}

TEST(module_unload_refused_while_instances_exist)
{
	const char *refcnt = "/sys/module/vhca_mdev/refcnt";
	char u[VHCA_UUID_LEN + 1];
	uint64_t base, refs;

	ASSERT_EQ(0, vhca_sysfs_read_u64(refcnt, &base));
	ASSERT_EQ(0, create("vhca-pvrdma-4", u));
	ASSERT_EQ(0, vhca_sysfs_read_u64(refcnt, &refs));
	EXPECT_EQ(base + 1, refs);
	EXPECT_EQ(-1, syscall(__NR_delete_module, "vhca_mdev", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(vhca_instance_exists(u));
	EXPECT_EQ(0, vhca_instance_remove(u));
	ASSERT_EQ(0, vhca_sysfs_read_u64(refcnt, &refs));
	EXPECT_EQ(base, refs);
}

TEST_HARNESS_MAIN
