// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PVRDMA control path through the real interface: libvhca plays the
 * guest driver (probe handshake, commands, page directories, rings) against
 * an instance in the test VM. Every command's success path and documented
 * errors, the hostile inputs of spec section 16, isolation between
 * instances, and release of every object and pin on destroy, reset,
 * .dma_unmap and VMM exit (checked through the counters).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvhca.h"
#include "libvhca_pvrdma.h"
#include "pvrdma_abi.h"
#include "pvrdma_cmd.h"
#include "pvrdma_dsr.h"

#define PAGE 4096u
#define ERR_NOT_ACTIVE PVRDMA_ERR_NOT_ACTIVE


static void state_of(const char *uuid, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vhca/state", uuid);
	if (vhca_sysfs_read(path, buf, len))
		snprintf(buf, len, "?");
}

FIXTURE(pv) {
	char uuid[VHCA_UUID_LEN + 1];
	struct vhca_dev dev;
	struct vhca_drv drv;
};

FIXTURE_SETUP(pv)
{
	vhca_uuid_generate(self->uuid);
	ASSERT_EQ(0, vhca_instance_create("vhca0", "vhca-pvrdma-8", self->uuid));
	ASSERT_EQ(0, vhca_dev_open(&self->dev, self->uuid));
	ASSERT_EQ(0, vhca_drv_init(&self->drv, &self->dev));
}

FIXTURE_TEARDOWN(pv)
{
	static const char *const objs[] = {
		"pinned_pages", "uctxs", "pds", "mrs", "cqs", "qps", "srqs"
	};
	unsigned int i;

	vhca_drv_fini(&self->drv);
	vhca_dev_close(&self->dev);
	/* Closing the device (the VMM going away) releases everything. */
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		EXPECT_EQ(0, vhca_instance_counter(self->uuid, objs[i]))
			TH_LOG("%s left after close", objs[i]);
	EXPECT_EQ(0, vhca_instance_remove(self->uuid));
}

TEST_F(pv, probe_handshake)
{
	const struct pvrdma_caps *caps;
	char state[32];

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_EQ(PVRDMA_VERSION, self->drv.version);
	caps = vhca_drv_caps(&self->drv);
	EXPECT_EQ(PVRDMA_GID_TYPE_ROCE_V2, caps->gid_types);
	EXPECT_EQ(512, caps->max_uar);		/* 1/8 of 4096 */
	EXPECT_EQ(1024, caps->max_qp);		/* 1/8 of 8192 */
	EXPECT_EQ(1, caps->phys_port_cnt);
	EXPECT_EQ(0x15ad, caps->vendor_id);
	state_of(self->uuid, state, sizeof(state));
	EXPECT_STREQ("active", state);
	/* 4 + 4 ring pages are pinned for the device rings. */
	EXPECT_EQ(8, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, command_raises_vector_0)
{
	struct pvrdma_req_port r = { .port_num = 1 };
	struct pvrdma_port_attr a;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	vhca_drv_vector_count(&self->drv, 0);
	ASSERT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT, &r,
				  sizeof(r), &a, sizeof(a)));
	EXPECT_EQ(1, vhca_drv_vector_count(&self->drv, 0));
	EXPECT_EQ(4, a.state);		/* ACTIVE */
	EXPECT_EQ(16, a.gid_tbl_len);
	EXPECT_EQ(1, a.pkey_tbl_len);
}

TEST_F(pv, query_port_and_pkey_errors)
{
	struct pvrdma_req_port r = { .port_num = 0 };
	uint16_t pkey = 0;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT, &r,
				       sizeof(r), NULL, 0));
	r.port_num = 2;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT, &r,
				       sizeof(r), NULL, 0));
	r.port_num = 1;
	ASSERT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PKEY, &r,
				  sizeof(r), &pkey, 2));
	EXPECT_EQ(0xffff, pkey);
	r.index = 1;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PKEY, &r,
				       sizeof(r), NULL, 0));
}

TEST_F(pv, commands_before_activation_touch_nothing)
{
	struct pvrdma_req_port r = { .port_num = 1 };

	/* No DSR at all (CVE-2022-1050). */
	EXPECT_EQ(ERR_NOT_ACTIVE, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_REQUEST, 0);
	EXPECT_EQ(ERR_NOT_ACTIVE, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	/* DSR loaded but not activated. */
	ASSERT_EQ(0, vhca_drv_load_dsr(&self->drv, 4, 4));
	EXPECT_EQ(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	EXPECT_EQ(ERR_NOT_ACTIVE, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT,
					       &r, sizeof(r), NULL, 0));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "commands"));
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_CTL, PVRDMA_CTL_ACTIVATE);
	EXPECT_EQ(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT, &r,
				  sizeof(r), NULL, 0));
	/* After CTL=RESET commands are refused again. */
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_CTL, PVRDMA_CTL_RESET);
	EXPECT_EQ(ERR_NOT_ACTIVE, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT,
					       &r, sizeof(r), NULL, 0));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, bad_device_ring_page_counts)
{
	/* CVE-2021-3607 (0 pages), CVE-2023-1544 (more than one table). */
	static const uint32_t bad[][2] = { { 0, 4 }, { 4, 1 }, { 512, 4 }, { 4, 100000 } };
	unsigned int i;
	char state[32];

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, vhca_drv_load_dsr(&self->drv, bad[i][0], bad[i][1]));
		EXPECT_NE(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
		state_of(self->uuid, state, sizeof(state));
		EXPECT_STREQ("reset", state);
		EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pinned_pages"));
	}
}

TEST_F(pv, bad_dsr_addresses)
{
	/* Unmapped, unaligned and zero DSR addresses are refused. */
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_DSRLOW, 0x1000);
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_DSRHIGH, 0);
	EXPECT_NE(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_DSRLOW, 0);
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_DSRHIGH, 0);
	EXPECT_NE(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	ASSERT_EQ(0, vhca_drv_load_dsr(&self->drv, 4, 4));
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_DSRLOW, (uint32_t)self->drv.dsr.iova + 4);
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_DSRHIGH, self->drv.dsr.iova >> 32);
	EXPECT_NE(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, unknown_and_unimplemented_commands)
{
	uint32_t payload[4] = { 1, 2, 3, 4 };

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_NE(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_COUNT, payload,
				  sizeof(payload), NULL, 0));
	EXPECT_NE(0, vhca_drv_cmd(&self->drv, 0xffffffff, payload,
				  sizeof(payload), NULL, 0));
	EXPECT_NE(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_RESIZE_CQ, payload,
				  sizeof(payload), NULL, 0));
	EXPECT_EQ(3, vhca_instance_counter(self->uuid, "command_errors"));
}

TEST_F(pv, pd_lifecycle_and_errors)
{
	uint32_t pd = 0, pd2 = 0;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &pd));
	EXPECT_NE(0, pd);
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &pd2));
	EXPECT_NE(pd, pd2);
	EXPECT_EQ(2, vhca_instance_counter(self->uuid, "pds"));
	EXPECT_EQ(ENOENT, vhca_create_pd(&self->drv, 77, &pd2));	/* no such context */
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, pd));
	EXPECT_EQ(ENOENT, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, pd));
	EXPECT_EQ(ENOENT, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, 0));
	EXPECT_EQ(ENOENT, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, 0xffffffff));
	EXPECT_EQ(1, vhca_instance_counter(self->uuid, "pds"));
}

TEST_F(pv, user_context_uar_pages)
{
	struct pvrdma_req_create_uc r;
	uint64_t base = 0x180000000ull >> 12;	/* BAR2 as libvhca programs it */
	uint32_t ctx = 0, ctx2 = 0, pd = 0;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	r.pfn64 = base + 1;
	ASSERT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_UC, &r,
				  sizeof(r), &ctx, 4));
	EXPECT_EQ(EBUSY, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_UC, &r,
				      sizeof(r), &ctx2, 4));
	r.pfn64 = base;		/* page 0 is the kernel's */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_UC, &r,
				       sizeof(r), NULL, 0));
	r.pfn64 = base + 512;	/* past BAR2 */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_UC, &r,
				       sizeof(r), NULL, 0));
	r.pfn64 = 0;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_UC, &r,
				       sizeof(r), NULL, 0));
	/* A context with a PD cannot go before the PD. */
	ASSERT_EQ(0, vhca_create_pd(&self->drv, ctx, &pd));
	EXPECT_EQ(EBUSY, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_UC, ctx));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, pd));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_UC, ctx));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "uctxs"));
}

TEST_F(pv, cq_lifecycle_and_pins)
{
	struct vhca_mem ring;
	uint32_t cq = 0;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_create_cq(&self->drv, 1024, 0, &cq, &ring));
	EXPECT_EQ(1, vhca_instance_counter(self->uuid, "cqs"));
	EXPECT_EQ(8 + 17, vhca_instance_counter(self->uuid, "pinned_pages"));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_CQ, cq));
	EXPECT_EQ(8, vhca_instance_counter(self->uuid, "pinned_pages"));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "cqs"));
	/* A 16384-entry CQ spans 257 pages: two page tables. */
	ASSERT_EQ(0, vhca_create_cq(&self->drv, 16384, 0, &cq, &ring));
	EXPECT_EQ(8 + 257, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, cq_hostile_sizes)
{
	struct vhca_mem ring;
	uint32_t cq;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_EQ(EINVAL, vhca_create_cq(&self->drv, 1000, 17, &cq, &ring));	/* not 2^n */
	EXPECT_EQ(EINVAL, vhca_create_cq(&self->drv, 0, 2, &cq, &ring));
	EXPECT_EQ(EINVAL, vhca_create_cq(&self->drv, 32768, 600, &cq, &ring));	/* > max_cqe */
	EXPECT_EQ(EINVAL, vhca_create_cq(&self->drv, 1024, 16, &cq, &ring));	/* one page short */
	EXPECT_EQ(EINVAL, vhca_create_cq(&self->drv, 64, 1, &cq, &ring));	/* no data page */
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "cqs"));
	EXPECT_EQ(8, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, hostile_page_directories)
{
	struct pvrdma_req_create_cq r = { .cqe = 64, .nchunks = 2 };
	struct vhca_mem ring, dir;
	uint64_t pdir, *table;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_mem_alloc(&self->drv, 2 * PAGE, &ring));
	ASSERT_EQ(0, vhca_pdir_build(&self->drv, &ring, &pdir, &dir));
	table = (uint64_t *)((char *)dir.va + PAGE);
	r.pdir_dma = 0;		/* no directory */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	r.pdir_dma = pdir + 8;	/* unaligned directory */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	r.pdir_dma = 0x7000000000ull;	/* unmapped directory */
	EXPECT_EQ(EFAULT, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	r.pdir_dma = pdir;
	table[1] = 0;		/* a zero page entry (QEMU dereferenced it) */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	table[1] = ring.iova + PAGE + 1;	/* unaligned page */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	table[1] = 0x7000000000ull;	/* unmapped page */
	EXPECT_EQ(EFAULT, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	table[1] = ring.iova + PAGE;
	r.nchunks = 262145;	/* beyond one directory */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				       sizeof(r), NULL, 0));
	r.nchunks = 2;
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_CQ, &r,
				  sizeof(r), NULL, 0));
	EXPECT_EQ(8 + 2, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, memory_regions)
{
	struct pvrdma_req_create_mr r = { };
	uint32_t resp[3], pd = 0;
	struct vhca_mem buf, dir;
	uint64_t pdir;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &pd));
	ASSERT_EQ(0, vhca_mem_alloc(&self->drv, 3 * PAGE, &buf));
	ASSERT_EQ(0, vhca_pdir_build(&self->drv, &buf, &pdir, &dir));
	r.pd_handle = pd;
	r.pdir_dma = pdir;
	/* 8192 bytes starting mid-page span 3 pages (CVE-2021-3582 fix bug). */
	r.start = 0x10000800;
	r.length = 8192;
	r.nchunks = 3;
	r.access_flags = 0x7;
	ASSERT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				  sizeof(r), resp, sizeof(resp)));
	EXPECT_EQ(resp[0], resp[1] >> 8);	/* key = handle << 8 | tag */
	EXPECT_EQ(resp[1], resp[2]);
	EXPECT_EQ(8 + 3, vhca_instance_counter(self->uuid, "pinned_pages"));
	r.nchunks = 2;		/* does not match the span */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	r.nchunks = 3;
	r.length = 0;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	r.length = 8192;
	r.start = ~0ull - 100;	/* wraps */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	r.start = 0x10000800;
	r.access_flags = 0x2;	/* remote write without local write */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	r.access_flags = 0x1;
	r.pd_handle = pd + 100;
	EXPECT_EQ(ENOENT, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	/* DMA MR: local write only. */
	memset(&r, 0, sizeof(r));
	r.pd_handle = pd;
	r.flags = 1;
	r.access_flags = 0x1;
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				  sizeof(r), NULL, 0));
	r.access_flags = 0x7;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	/* Fast-register MRs: at most 128 pages; unknown flags refused. */
	r.flags = 2;
	r.access_flags = 0;
	r.nchunks = 128;
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				  sizeof(r), NULL, 0));
	r.nchunks = 129;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	r.flags = 4;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				       sizeof(r), NULL, 0));
	EXPECT_EQ(3, vhca_instance_counter(self->uuid, "mrs"));
	/* The PD cannot go while MRs use it. */
	EXPECT_EQ(EBUSY, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, pd));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_MR, resp[0]));
	EXPECT_EQ(8, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, mr_quota_is_enforced)
{
	struct pvrdma_req_create_mr r = { .flags = 1, .access_flags = 1 };
	uint32_t resp[3], n = 0, pd = 0;
	int ret = 0;

	/* The guest driver does not count MRs: the device must (row 24). */
	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &pd));
	r.pd_handle = pd;
	while (n < 5000) {
		ret = vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_MR, &r,
				   sizeof(r), resp, sizeof(resp));
		if (ret)
			break;
		n++;
	}
	EXPECT_EQ(ENOSPC, ret);
	EXPECT_EQ(4095, n);	/* 1/8 of 32768, handle 0 unused */
	EXPECT_EQ(4095, vhca_instance_counter(self->uuid, "mrs"));
}

TEST_F(pv, qp_lifecycle_and_state_machine)
{
	struct vhca_qp_args a = { .type = 2, .wr = 64, .sge = 4 };
	struct pvrdma_qp_attr bad = { .qp_state = 3 };
	struct vhca_mem cring, qring;
	uint32_t qp = 0, state = 99;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &a.pd));
	ASSERT_EQ(0, vhca_create_cq(&self->drv, 256, 0, &a.cq, &cring));
	ASSERT_EQ(0, vhca_create_qp(&self->drv, &a, &qp, &qring));
	EXPECT_GE(qp, 2);	/* 1 is reserved for GSI */
	ASSERT_EQ(0, vhca_qp_state(&self->drv, qp, &state));
	EXPECT_EQ(0, state);	/* RESET */
	/* RESET -> RTS directly is illegal and changes nothing. */
	EXPECT_EQ(EINVAL, vhca_modify_qp(&self->drv, qp, 0x1, &bad));
	ASSERT_EQ(0, vhca_qp_state(&self->drv, qp, &state));
	EXPECT_EQ(0, state);
	/* The path needs a GID the guest installed: stuck in INIT. */
	EXPECT_EQ(EINVAL, vhca_connect_rc(&self->drv, qp, 5, NULL));
	ASSERT_EQ(0, vhca_qp_state(&self->drv, qp, &state));
	EXPECT_EQ(1, state);
	ASSERT_EQ(0, vhca_bind_gid(&self->drv, 0, NULL));
	ASSERT_EQ(0, vhca_modify_qp(&self->drv, qp, 0x1, &(struct pvrdma_qp_attr){ .qp_state = 0 }));
	ASSERT_EQ(0, vhca_connect_rc(&self->drv, qp, 5, NULL));
	ASSERT_EQ(0, vhca_qp_state(&self->drv, qp, &state));
	EXPECT_EQ(3, state);	/* RTS */
	/* Unknown mask bits, bad handles. */
	EXPECT_EQ(EINVAL, vhca_modify_qp(&self->drv, qp, 1u << 21, &bad));
	EXPECT_EQ(ENOENT, vhca_modify_qp(&self->drv, qp + 1000, 0x1, &bad));
	EXPECT_EQ(ENOENT, vhca_qp_state(&self->drv, 0, &state));
	/* CQ and PD are in use. */
	EXPECT_EQ(EBUSY, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_CQ, a.cq));
	EXPECT_EQ(EBUSY, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, a.pd));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_QP, qp));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_CQ, a.cq));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_PD, a.pd));
	EXPECT_EQ(8, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, qp_hostile_sizes_and_types)
{
	struct vhca_qp_args a = { .type = 2, .wr = 64, .sge = 4 };
	struct vhca_mem cring, qring;
	uint32_t qp, gsi;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &a.pd));
	ASSERT_EQ(0, vhca_create_cq(&self->drv, 256, 0, &a.cq, &cring));
	a.type = 3;		/* UC: not supported */
	EXPECT_EQ(EINVAL, vhca_create_qp(&self->drv, &a, &qp, &qring));
	a.type = 2;
	a.wr = 48;		/* not a power of two */
	EXPECT_EQ(EINVAL, vhca_create_qp(&self->drv, &a, &qp, &qring));
	a.wr = 8192;		/* above max_qp_wr */
	EXPECT_EQ(EINVAL, vhca_create_qp(&self->drv, &a, &qp, &qring));
	a.wr = 64;
	a.sge = 17;		/* above max_sge (CVE-2018-20124) */
	EXPECT_EQ(EINVAL, vhca_create_qp(&self->drv, &a, &qp, &qring));
	a.sge = 4;
	a.cq = 999;
	EXPECT_EQ(ENOENT, vhca_create_qp(&self->drv, &a, &qp, &qring));
	a.cq = 1;
	a.srq = 5;		/* no such SRQ */
	EXPECT_EQ(ENOENT, vhca_create_qp(&self->drv, &a, &qp, &qring));
	a.srq = 0;
	a.type = 1;		/* GSI: always QP 1, only one */
	ASSERT_EQ(0, vhca_create_qp(&self->drv, &a, &gsi, &qring));
	EXPECT_EQ(1, gsi);
	EXPECT_EQ(ENOSPC, vhca_create_qp(&self->drv, &a, &qp, &qring));
	EXPECT_EQ(1, vhca_instance_counter(self->uuid, "qps"));
}

TEST_F(pv, qp_ring_pages_must_fit)
{
	struct pvrdma_req_create_qp r = { };
	struct vhca_mem ring, dir;
	uint64_t pdir;
	uint32_t pd;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_mem_alloc(&self->drv, 4 * PAGE, &ring));
	ASSERT_EQ(0, vhca_pdir_build(&self->drv, &ring, &pdir, &dir));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &pd));
	r.pd_handle = pd;
	r.pdir_dma = pdir;
	r.qp_type = 2;
	r.max_send_wr = 64;	/* 64 x 256 B = 4 pages needed */
	r.max_recv_wr = 16;
	r.max_send_sge = 4;
	r.max_recv_sge = 1;
	r.total_chunks = 4;
	r.send_chunks = 2;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_QP, &r,
				       sizeof(r), NULL, 0));
	r.send_chunks = 0;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_QP, &r,
				       sizeof(r), NULL, 0));
	r.send_chunks = 4;	/* nothing left for the receive ring */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_QP, &r,
				       sizeof(r), NULL, 0));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "qps"));
}

/*
 * Create and destroy a QP that depends on a PD, two CQs and an SRQ (the
 * most dependencies an object has); the SRQ is busy while it exists.
 */
static int srq_qp_with_two_cqs(struct vhca_drv *drv, uint32_t pd, uint32_t srq)
{
	struct pvrdma_req_create_qp q = { .qp_type = 2, .is_srq = 1,
		.max_send_wr = 16, .max_send_sge = 1, .total_chunks = 2,
		.send_chunks = 1 };
	struct vhca_mem c1, c2, qr, qd;
	uint32_t cq1, cq2, resp[6] = { };
	uint64_t pdir;
	int ret;

	ret = vhca_create_cq(drv, 64, 0, &cq1, &c1);
	if (!ret)
		ret = vhca_create_cq(drv, 64, 0, &cq2, &c2);
	if (!ret)
		ret = vhca_mem_alloc(drv, 2 * PAGE, &qr);
	if (!ret)
		ret = vhca_pdir_build(drv, &qr, &pdir, &qd);
	if (ret)
		return ret;
	q.pdir_dma = pdir;
	q.pd_handle = pd;
	q.send_cq_handle = cq1;
	q.recv_cq_handle = cq2;
	q.srq_handle = srq;
	ret = vhca_drv_cmd(drv, PVRDMA_CMD_CREATE_QP, &q, sizeof(q), resp,
			   sizeof(resp));
	if (ret)
		return ret;
	if (vhca_destroy(drv, PVRDMA_CMD_DESTROY_SRQ, srq) != EBUSY)
		return -EPROTO;
	return vhca_destroy(drv, PVRDMA_CMD_DESTROY_QP, resp[1]);
}

TEST_F(pv, srq_lifecycle)
{
	struct pvrdma_req_create_srq r = { };
	struct pvrdma_req_modify_srq m = { };
	struct pvrdma_srq_attr q;
	struct vhca_mem ring, dir;
	uint32_t srq = 0, pd;
	uint64_t pdir;

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_mem_alloc(&self->drv, 3 * PAGE, &ring));
	ASSERT_EQ(0, vhca_pdir_build(&self->drv, &ring, &pdir, &dir));
	ASSERT_EQ(0, vhca_create_pd(&self->drv, 0, &pd));
	r.pd_handle = pd;
	r.pdir_dma = pdir;
	r.nchunks = 3;
	r.attrs.max_wr = 128;	/* 128 x 64 B = 2 pages */
	r.attrs.max_sge = 2;
	ASSERT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_SRQ, &r,
				  sizeof(r), &srq, 4));
	m.srq_handle = srq;
	m.attr_mask = 2;	/* LIMIT */
	m.attrs.srq_limit = 10;
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_MODIFY_SRQ, &m,
				  sizeof(m), NULL, 0));
	m.attr_mask = 1;	/* resizing is not supported */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_MODIFY_SRQ, &m,
				       sizeof(m), NULL, 0));
	m.attr_mask = 2;
	m.attrs.srq_limit = 128;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_MODIFY_SRQ, &m,
				       sizeof(m), NULL, 0));
	ASSERT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_SRQ, &srq, 4,
				  &q, sizeof(q)));
	EXPECT_EQ(128, q.max_wr);
	EXPECT_EQ(10, q.srq_limit);
	r.attrs.max_wr = 256;	/* would need 4 pages */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_SRQ, &r,
				       sizeof(r), NULL, 0));
	r.attrs.max_wr = 128;
	r.srq_type = 1;		/* XRC */
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_CREATE_SRQ, &r,
				       sizeof(r), NULL, 0));
	/* A QP with an SRQ and separate send and receive CQs: 4 dependencies. */
	EXPECT_EQ(0, srq_qp_with_two_cqs(&self->drv, pd, srq));
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_SRQ, srq));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "srqs"));
}

TEST_F(pv, gid_binds)
{
	struct pvrdma_req_destroy_bind d = { .index = 3 };

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_EQ(0, vhca_bind_gid(&self->drv, 3, NULL));
	EXPECT_EQ(EINVAL, vhca_bind_gid(&self->drv, 16, NULL));
	EXPECT_EQ(ENOENT, vhca_drv_cmd(&self->drv, PVRDMA_CMD_DESTROY_BIND, &d,
				       sizeof(d), NULL, 0));	/* wrong GID */
	d.dest_gid[0] = 0xfe;
	d.dest_gid[1] = 0x80;
	d.dest_gid[15] = 4;
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_DESTROY_BIND, &d,
				  sizeof(d), NULL, 0));
	EXPECT_EQ(ENOENT, vhca_drv_cmd(&self->drv, PVRDMA_CMD_DESTROY_BIND, &d,
				       sizeof(d), NULL, 0));
	d.index = 99;
	EXPECT_EQ(EINVAL, vhca_drv_cmd(&self->drv, PVRDMA_CMD_DESTROY_BIND, &d,
				       sizeof(d), NULL, 0));
}

/* A PD, a CQ and a QP on a probed device; 0 or the first failure. */
static int populate_rc(struct vhca_drv *drv, struct vhca_mem *cring,
		       struct vhca_mem *qring)
{
	struct vhca_qp_args a = { .type = 2, .wr = 64, .sge = 4 };
	uint32_t qp;
	int ret;

	ret = vhca_drv_probe(drv);
	if (!ret)
		ret = vhca_create_pd(drv, 0, &a.pd);
	if (!ret)
		ret = vhca_create_cq(drv, 256, 0, &a.cq, cring);
	if (!ret)
		ret = vhca_create_qp(drv, &a, &qp, qring);
	return ret;
}

static void populate(struct __test_metadata *_metadata, struct vhca_drv *drv,
		     struct vhca_mem *cring, struct vhca_mem *qring)
{
	ASSERT_EQ(0, populate_rc(drv, cring, qring));
}

TEST_F(pv, dma_unmap_revokes_objects)
{
	struct vhca_mem cring, qring;
	uint32_t type = 0, info = 0, state = 0, qp = 2;

	populate(_metadata, &self->drv, &cring, &qring);
	EXPECT_EQ(8 + 5 + 7, vhca_instance_counter(self->uuid, "pinned_pages"));
	/* The VMM unmaps the QP's ring while the QP exists. */
	ASSERT_EQ(0, vhca_mem_unmap(&self->drv, &qring));
	EXPECT_EQ(8 + 5, vhca_instance_counter(self->uuid, "pinned_pages"));
	EXPECT_EQ(1, vhca_instance_counter(self->uuid, "revoked"));
	ASSERT_EQ(0, vhca_qp_state(&self->drv, qp, &state));
	EXPECT_EQ(6, state);	/* ERR */
	ASSERT_EQ(0, vhca_drv_async_event(&self->drv, &type, &info));
	EXPECT_EQ(PVRDMA_EVENT_QP_FATAL, type);
	EXPECT_EQ(qp, info);
	EXPECT_EQ(1, vhca_drv_vector_count(&self->drv, 1));
	/* The dead QP can be destroyed; nothing is double-unpinned. */
	EXPECT_EQ(0, vhca_destroy(&self->drv, PVRDMA_CMD_DESTROY_QP, qp));
	EXPECT_EQ(8 + 5, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, unmapped_command_slot_is_fatal_for_this_instance_only)
{
	struct pvrdma_req_port r = { .port_num = 1 };
	char state[32];

	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	ASSERT_EQ(0, vhca_mem_unmap(&self->drv, &self->drv.cmd));
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_REQUEST, 0);
	EXPECT_NE(0, vhca_drv_reg(&self->drv, PVRDMA_REG_ERR));
	state_of(self->uuid, state, sizeof(state));
	EXPECT_STREQ("fatal", state);
	EXPECT_EQ(1, vhca_instance_counter(self->uuid, "fatal"));
	/* A new DSR brings it back. */
	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_EQ(0, vhca_drv_cmd(&self->drv, PVRDMA_CMD_QUERY_PORT, &r,
				  sizeof(r), NULL, 0));
}

TEST_F(pv, reset_releases_everything)
{
	struct vhca_mem cring, qring;

	populate(_metadata, &self->drv, &cring, &qring);
	EXPECT_EQ(1, vhca_instance_counter(self->uuid, "qps"));
	ASSERT_EQ(0, vhca_dev_reset(&self->dev));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "qps"));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "cqs"));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pds"));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pinned_pages"));
	populate(_metadata, &self->drv, &cring, &qring);
	vhca_drv_set_reg(&self->drv, PVRDMA_REG_CTL, PVRDMA_CTL_RESET);
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "qps"));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pinned_pages"));
	/* A second DSR while active implies a reset too. */
	populate(_metadata, &self->drv, &cring, &qring);
	ASSERT_EQ(0, vhca_drv_probe(&self->drv));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "qps"));
	EXPECT_EQ(8, vhca_instance_counter(self->uuid, "pinned_pages"));
}

TEST_F(pv, vmm_killed_with_live_objects)
{
	struct vhca_mem cring, qring;
	int status;
	pid_t pid;

	/* The parent's fds must not keep the device open for the child. */
	vhca_drv_fini(&self->drv);
	vhca_dev_close(&self->dev);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* No harness asserts here: the child must only die. */
		struct vhca_dev d;
		struct vhca_drv drv;

		if (vhca_dev_open(&d, self->uuid) || vhca_drv_init(&drv, &d) ||
		    populate_rc(&drv, &cring, &qring))
			_exit(1);
		kill(getpid(), SIGKILL);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "qps"));
	EXPECT_EQ(0, vhca_instance_counter(self->uuid, "pinned_pages"));
	ASSERT_EQ(0, vhca_dev_open(&self->dev, self->uuid));
	ASSERT_EQ(0, vhca_drv_init(&self->drv, &self->dev));
}

TEST(handles_are_per_instance)
{
	char ua[VHCA_UUID_LEN + 1], ub[VHCA_UUID_LEN + 1];
	struct vhca_dev da, db;
	struct vhca_drv a, b;
	uint32_t pd_a = 0, pd_b = 0;

	vhca_uuid_generate(ua);
	vhca_uuid_generate(ub);
	ASSERT_EQ(0, vhca_instance_create("vhca0", "vhca-pvrdma-8", ua));
	ASSERT_EQ(0, vhca_instance_create("vhca0", "vhca-pvrdma-8", ub));
	ASSERT_EQ(0, vhca_dev_open(&da, ua));
	ASSERT_EQ(0, vhca_dev_open(&db, ub));
	ASSERT_EQ(0, vhca_drv_init(&a, &da));
	ASSERT_EQ(0, vhca_drv_init(&b, &db));
	ASSERT_EQ(0, vhca_drv_probe(&a));
	ASSERT_EQ(0, vhca_drv_probe(&b));
	ASSERT_EQ(0, vhca_create_pd(&a, 0, &pd_a));
	ASSERT_EQ(0, vhca_create_pd(&a, 0, &pd_a));
	/* B has no PDs: A's handles mean nothing there. */
	EXPECT_EQ(ENOENT, vhca_destroy(&b, PVRDMA_CMD_DESTROY_PD, pd_a));
	ASSERT_EQ(0, vhca_create_pd(&b, 0, &pd_b));
	EXPECT_EQ(2, vhca_instance_counter(ua, "pds"));
	EXPECT_EQ(1, vhca_instance_counter(ub, "pds"));
	/* Resetting A leaves B alone. */
	vhca_drv_set_reg(&a, PVRDMA_REG_CTL, PVRDMA_CTL_RESET);
	EXPECT_EQ(0, vhca_instance_counter(ua, "pds"));
	EXPECT_EQ(1, vhca_instance_counter(ub, "pds"));
	EXPECT_EQ(0, vhca_destroy(&b, PVRDMA_CMD_DESTROY_PD, pd_b));
	vhca_drv_fini(&a);
	vhca_drv_fini(&b);
	vhca_dev_close(&da);
	vhca_dev_close(&db);
	EXPECT_EQ(0, vhca_instance_remove(ua));
	EXPECT_EQ(0, vhca_instance_remove(ub));
}

TEST_HARNESS_MAIN
