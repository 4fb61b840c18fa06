// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs view of an HCA: /sys/class/vhca/vhcaN/{slices,slices_free,functions}
 * and capacity/<resource> (the whole HCA's resources, read-only).
 */
#include <linux/sysfs.h>

#include "vhca_internal.h"

static struct vhca_hca *dev_to_hca(struct device *dev)
{
	return container_of(dev, struct vhca_hca, dev);
}

static ssize_t slices_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", VHCA_SLICES_PER_HCA);
}
static DEVICE_ATTR_RO(slices);

static ssize_t slices_free_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vhca_hca_slices_free(dev_to_hca(dev)));
}
static DEVICE_ATTR_RO(slices_free);

static ssize_t functions_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct vhca_hca *hca = dev_to_hca(dev);
	struct vhca_function *fn;
	unsigned int n = 0;

	mutex_lock(&hca->lock);
	list_for_each_entry(fn, &hca->functions, node)
		n++;
	mutex_unlock(&hca->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(functions);

static struct attribute *vhca_hca_attrs[] = {
	&dev_attr_slices.attr,
	&dev_attr_slices_free.attr,
	&dev_attr_functions.attr,
	NULL,
};

static const struct attribute_group vhca_hca_group = {
	.attrs = vhca_hca_attrs,
};

/* capacity/<resource>: one show routine, the field found by offset. */
struct vhca_capacity_attr {
	struct device_attribute attr;
	size_t offset;
	bool wide;	/* u64 rather than u32 */
};

static ssize_t capacity_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vhca_capacity_attr *ca =
		container_of(attr, struct vhca_capacity_attr, attr);
	const u8 *field = (const u8 *)&dev_to_hca(dev)->capacity + ca->offset;

	if (ca->wide)
		return sysfs_emit(buf, "%llu\n", *(const u64 *)field);
	return sysfs_emit(buf, "%u\n", *(const u32 *)field);
}

static struct vhca_capacity_attr capacity_attrs[] = {
	{ __ATTR(qps, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, qps) },
	{ __ATTR(cqs, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, cqs) },
	{ __ATTR(mrs, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, mrs) },
	{ __ATTR(pds, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, pds) },
	{ __ATTR(srqs, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, srqs) },
	{ __ATTR(ahs, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, ahs) },
	{ __ATTR(uar_pages, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, uar_pages) },
	{ __ATTR(pinned_pages, 0444, capacity_show, NULL),
	  offsetof(struct vhca_limits, pinned_pages), true },
};

static struct attribute *vhca_capacity_attrs[] = {
	&capacity_attrs[0].attr.attr,
	&capacity_attrs[1].attr.attr,
	&capacity_attrs[2].attr.attr,
	&capacity_attrs[3].attr.attr,
	&capacity_attrs[4].attr.attr,
	&capacity_attrs[5].attr.attr,
	&capacity_attrs[6].attr.attr,
	&capacity_attrs[7].attr.attr,
	NULL,
};

static const struct attribute_group vhca_capacity_group = {
	.name = "capacity",
	.attrs = vhca_capacity_attrs,
};

const struct attribute_group *vhca_hca_groups[] = {
	&vhca_hca_group,
	&vhca_capacity_group,
	NULL,
};
