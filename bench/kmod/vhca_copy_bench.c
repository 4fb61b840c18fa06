// SPDX-License-Identifier: GPL-2.0-only
/*
 * The limit tier of `make bench`: how fast this kernel copies between
 * guest-like memory, done the way vhca's data path does it (separately
 * allocated pages, kmap_local_page() on both sides, one memcpy() per
 * page-sized chunk). Not part of vhca: built only for the benchmark.
 *
 * debugfs vhca_copy_bench/run: write "SIZE MS" to copy SIZE-byte messages
 * between two 4 MiB page sets for MS milliseconds; read "SIZE BYTES NS".
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#define VCB_PAGES	1024	/* 4 MiB, the benchmark's buffer size */
#define VCB_BYTES	((u64)VCB_PAGES << PAGE_SHIFT)
#define VCB_MAX_MS	10000

static struct page *vcb_src[VCB_PAGES], *vcb_dst[VCB_PAGES];
static struct dentry *vcb_dir;
static DEFINE_MUTEX(vcb_lock);
static u64 vcb_size, vcb_bytes, vcb_ns;

/* Copy @len bytes at byte @off of the page sets, chunked like vhca_copy(). */
static void vcb_copy(u64 off, u64 len)
{
	void *d, *s;
	u32 n;

	while (len) {
		n = min_t(u64, len, PAGE_SIZE - offset_in_page(off));
		d = kmap_local_page(vcb_dst[off >> PAGE_SHIFT]);
		s = kmap_local_page(vcb_src[off >> PAGE_SHIFT]);
		memcpy(d + offset_in_page(off), s + offset_in_page(off), n);
		kunmap_local(s);
		kunmap_local(d);
		off += n;
		len -= n;
	}
}

/* The clock is read once per 256 KiB copied: under TCG it costs ~1 us. */
static void vcb_run(u64 size, u32 ms)
{
	u64 slots = VCB_BYTES / size, batch = max_t(u64, 1, SZ_256K / size);
	u64 k = 0, i, t0, t, deadline;

	t0 = ktime_get_ns();
	deadline = t0 + (u64)ms * NSEC_PER_MSEC;
	do {
		for (i = 0; i < batch; i++, k++)
			vcb_copy((k % slots) * size, size);
		cond_resched();
		t = ktime_get_ns();
	} while (t < deadline);
	vcb_size = size;
	vcb_bytes = k * size;
	vcb_ns = t - t0;
}

static ssize_t vcb_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[32];
	u64 size;
	u32 ms;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%llu %u", &size, &ms) != 2 || !size ||
	    size > VCB_BYTES || ms > VCB_MAX_MS)
		return -EINVAL;
	mutex_lock(&vcb_lock);
	vcb_run(size, ms);
	mutex_unlock(&vcb_lock);
	return len;
}

static ssize_t vcb_read(struct file *file, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	char buf[64];
	int n;

	mutex_lock(&vcb_lock);
	n = scnprintf(buf, sizeof(buf), "%llu %llu %llu\n", vcb_size,
		      vcb_bytes, vcb_ns);
	mutex_unlock(&vcb_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations vcb_fops = {
	.owner = THIS_MODULE,
	.read = vcb_read,
	.write = vcb_write,
	.llseek = default_llseek,
};

static void vcb_free(void)
{
	unsigned int i;

	for (i = 0; i < VCB_PAGES; i++) {
		if (vcb_src[i])
			__free_page(vcb_src[i]);
		if (vcb_dst[i])
			__free_page(vcb_dst[i]);
	}
}

static int __init vcb_init(void)
{
	unsigned int i;

	for (i = 0; i < VCB_PAGES; i++) {
		vcb_src[i] = alloc_page(GFP_KERNEL);
		vcb_dst[i] = alloc_page(GFP_KERNEL);
		if (!vcb_src[i] || !vcb_dst[i]) {
			vcb_free();
			return -ENOMEM;
		}
		memset(page_address(vcb_src[i]), i, PAGE_SIZE);
	}
	vcb_dir = debugfs_create_dir("vhca_copy_bench", NULL);
	debugfs_create_file("run", 0600, vcb_dir, NULL, &vcb_fops);
	return 0;
}

static void __exit vcb_exit(void)
{
	debugfs_remove(vcb_dir);
	vcb_free();
}

module_init(vcb_init);
module_exit(vcb_exit);
MODULE_DESCRIPTION("vhca benchmark: in-kernel copy bandwidth reference");
MODULE_LICENSE("GPL");
