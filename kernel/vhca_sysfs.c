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

#define VHCA_CAPACITY_ATTR(field, fmt)					\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, fmt "\n", dev_to_hca(dev)->capacity.field); \
}									\
static DEVICE_ATTR_RO(field)

VHCA_CAPACITY_ATTR(qps, "%u");
VHCA_CAPACITY_ATTR(cqs, "%u");
VHCA_CAPACITY_ATTR(mrs, "%u");
VHCA_CAPACITY_ATTR(pds, "%u");
VHCA_CAPACITY_ATTR(srqs, "%u");
VHCA_CAPACITY_ATTR(ahs, "%u");
VHCA_CAPACITY_ATTR(uar_pages, "%u");
VHCA_CAPACITY_ATTR(pinned_pages, "%llu");

static struct attribute *vhca_capacity_attrs[] = {
	&dev_attr_qps.attr,
	&dev_attr_cqs.attr,
	&dev_attr_mrs.attr,
	&dev_attr_pds.attr,
	&dev_attr_srqs.attr,
	&dev_attr_ahs.attr,
	&dev_attr_uar_pages.attr,
	&dev_attr_pinned_pages.attr,
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
