// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the fast-registration rules (kernel/vhca_frwr.c). */
#include "kselftest_harness.h"
#include "vhca_frwr.h"

#define LW VHCA_ACCESS_LOCAL_WRITE
#define RW VHCA_ACCESS_REMOTE_WRITE
#define RR VHCA_ACCESS_REMOTE_READ
#define RA VHCA_ACCESS_REMOTE_ATOMIC

static struct vhca_fast_reg fr(u64 iova, u32 shift, u32 npages, u32 length,
			       u32 access)
{
	struct vhca_fast_reg f = {
		.iova = iova, .page_list = 0x1000, .page_shift = shift,
		.npages = npages, .length = length, .access = access,
		.key = 0x105,
	};

	return f;
}

TEST(consistent_requests_pass)
{
	struct vhca_fast_reg f = fr(0x10000, 12, 3, 3 * 4096, LW | RW | RR);

	EXPECT_EQ(0, vhca_fast_reg_check(&f, 3));
	/* Starting inside the first page: the end must still fit. */
	f = fr(0x10100, 12, 3, 3 * 4096 - 0x100, LW | RR);
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 128));
	f = fr(0x200000, 21, 2, 4 << 20, RR);
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 2));
	f = fr(0x1000, 12, 1, 0, 0);	/* empty region, no rights */
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 1));
}

TEST(page_list_length_bounds)
{
	struct vhca_fast_reg f = fr(0x10000, 12, 0, 0, LW);

	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 8));
	f.npages = 9;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 8));
	f.npages = 8;
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 8));
	f.npages = 0xffffffff;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 128));
}

TEST(page_shift_bounds)
{
	struct vhca_fast_reg f = fr(0, 11, 1, 100, LW);

	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.page_shift = 31;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.page_shift = 0xffffffff;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.page_shift = 30;
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 1));
}

TEST(region_must_fit_and_not_wrap)
{
	struct vhca_fast_reg f = fr(0x10001, 12, 3, 3 * 4096, LW);

	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 3));
	f = fr(0x10000, 12, 3, 3 * 4096 + 1, LW);
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 3));
	f = fr(~0ull - 10, 12, 3, 100, LW);
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 3));
	f = fr(~0ull - 100, 12, 3, 100, LW);	/* ends at the last byte */
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 3));
}

TEST(access_rules)
{
	struct vhca_fast_reg f = fr(0x10000, 12, 1, 4096, RW);

	/* IBA 10.6.3.1: remote write or atomic needs local write. */
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.access = RA | RR;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.access = LW | RA;
	EXPECT_EQ(0, vhca_fast_reg_check(&f, 1));
	f.access = LW | VHCA_ACCESS_ZERO_BASED;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.access = LW | VHCA_ACCESS_ON_DEMAND;
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
	f.access = LW | BIT(20);
	EXPECT_EQ(-EINVAL, vhca_fast_reg_check(&f, 1));
}

TEST(entries)
{
	EXPECT_TRUE(vhca_fast_reg_entry_ok(0x1000, 12));
	EXPECT_FALSE(vhca_fast_reg_entry_ok(0, 12));
	EXPECT_FALSE(vhca_fast_reg_entry_ok(0x1008, 12));
	EXPECT_FALSE(vhca_fast_reg_entry_ok(0x1000, 21));
	EXPECT_TRUE(vhca_fast_reg_entry_ok(0x200000, 21));
	EXPECT_FALSE(vhca_fast_reg_entry_ok(0x1000, 40));
}

TEST(translation_follows_the_list)
{
	const u64 pl[3] = { 0x50000, 0x20000, 0x70000 };
	u64 gpa = 0;

	/* The region starts 0x100 into the page pl[0] names. */
	EXPECT_EQ(0, vhca_fast_reg_translate(0x40000100, 12, pl, 3,
					     0x40000100, &gpa));
	EXPECT_EQ(0x50100, gpa);
	EXPECT_EQ(0, vhca_fast_reg_translate(0x40000100, 12, pl, 3,
					     0x40001ffc, &gpa));
	EXPECT_EQ(0x20ffc, gpa);
	EXPECT_EQ(0, vhca_fast_reg_translate(0x40000100, 12, pl, 3,
					     0x40002000, &gpa));
	EXPECT_EQ(0x70000, gpa);
	EXPECT_EQ(-EFAULT, vhca_fast_reg_translate(0x40000100, 12, pl, 3,
						   0x40003000, &gpa));
	EXPECT_EQ(-EFAULT, vhca_fast_reg_translate(0x40000100, 12, pl, 3,
						   0x3ffff000, &gpa));
	/* Larger pages: offsets inside an entry are kept. */
	EXPECT_EQ(0, vhca_fast_reg_translate(0x200000, 21, pl, 3,
					     0x600000 + 0x1234, &gpa));
	EXPECT_EQ(0x70000 + 0x1234, gpa);
}

TEST_HARNESS_MAIN
