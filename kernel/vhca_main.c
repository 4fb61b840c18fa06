// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhca_core module entry: parameters that size the software HCAs, and the
 * order in which the core's parts come up and go down.
 */
#include <linux/log2.h>
#include <linux/module.h>

#include "vhca_internal.h"

static unsigned int hcas = 1;
module_param(hcas, uint, 0444);
MODULE_PARM_DESC(hcas, "Number of software HCAs to create (1..16, default 1)");

static struct vhca_limits capacity = {
	.qps = 8192,
	.cqs = 8192,
	.mrs = 32768,
	.pds = 8192,
	.srqs = 8192,
	.ahs = 8192,
	.uar_pages = 4096,
	.pinned_pages = 1048576,	/* 4 GiB */
};
module_param_named(max_qps, capacity.qps, uint, 0444);
MODULE_PARM_DESC(max_qps, "Queue pairs per HCA (default 8192)");
module_param_named(max_cqs, capacity.cqs, uint, 0444);
MODULE_PARM_DESC(max_cqs, "Completion queues per HCA (default 8192)");
module_param_named(max_mrs, capacity.mrs, uint, 0444);
MODULE_PARM_DESC(max_mrs, "Memory regions per HCA (default 32768)");
module_param_named(max_pds, capacity.pds, uint, 0444);
MODULE_PARM_DESC(max_pds, "Protection domains per HCA (default 8192)");
module_param_named(max_srqs, capacity.srqs, uint, 0444);
MODULE_PARM_DESC(max_srqs, "Shared receive queues per HCA (default 8192)");
module_param_named(max_ahs, capacity.ahs, uint, 0444);
MODULE_PARM_DESC(max_ahs, "Address handles per HCA (default 8192)");
module_param_named(uar_pages, capacity.uar_pages, uint, 0444);
MODULE_PARM_DESC(uar_pages, "Doorbell pages per HCA, a power of two (default 4096)");
module_param_named(pinned_pages, capacity.pinned_pages, ullong, 0444);
MODULE_PARM_DESC(pinned_pages, "Guest pages an HCA may pin at once (default 1048576 = 4 GiB)");

#define VHCA_MAX_HCAS	16

/*
 * Every slice must get at least one of everything, and the doorbell pages of
 * a slice must stay a power of two because guest ABIs index them by bitmap.
 */
static int vhca_capacity_validate(const struct vhca_limits *c)
{
	u64 smallest = min3(min3(c->qps, c->cqs, c->mrs),
			    min3(c->pds, c->srqs, c->ahs),
			    min_t(u64, c->uar_pages, c->pinned_pages));

	if (smallest < VHCA_SLICES_PER_HCA) {
		pr_err("every capacity parameter must be at least %u\n",
		       VHCA_SLICES_PER_HCA);
		return -EINVAL;
	}
	/* Memory keys are the MR handle shifted left by 8 bits. */
	if (c->mrs > (1u << 24)) {
		pr_err("max_mrs=%u is above %u\n", c->mrs, 1u << 24);
		return -EINVAL;
	}
	if (!is_power_of_2(c->uar_pages)) {
		pr_err("uar_pages=%u is not a power of two\n", c->uar_pages);
		return -EINVAL;
	}
	return 0;
}

static int __init vhca_init(void)
{
	int ret;

	if (!hcas || hcas > VHCA_MAX_HCAS) {
		pr_err("hcas=%u is out of range 1..%u\n", hcas, VHCA_MAX_HCAS);
		return -EINVAL;
	}
	ret = vhca_capacity_validate(&capacity);
	if (ret)
		return ret;
	ret = vhca_engine_init();
	if (ret)
		return ret;
	ret = vhca_hcas_create(hcas, &capacity);
	if (ret)
		vhca_engine_exit();
	return ret;
}

static void __exit vhca_exit(void)
{
	vhca_hcas_destroy();
	vhca_engine_exit();
}

module_init(vhca_init);
module_exit(vhca_exit);
MODULE_DESCRIPTION("vhca: software RDMA HCA core");
MODULE_LICENSE("GPL");
