// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-instance sysfs attributes, under /sys/bus/mdev/devices/UUID/:
 *   vhca/mac        MAC of the paired vmxnet3 (RoCE addressing); writable
 *                   while no VMM has the instance open
 *   vhca/network    fabric partition (default 0): instances only reach
 *                   instances of the same network; writable while closed
 *   vhca/qos_weight share of the engine among busy instances, 1..100
 *                   (default 10); writable at any time
 *   vhca/qos_rate_mbps  payload rate limit in Mbit/s, 0 = none (default);
 *                   writable at any time
 *   vhca/state      reset, loaded, active or fatal
 *   counters/NAME   commands, errors, revoked sets, fatal entries, unmap
 *                   repeats, pinned pages, fabric lookups, live objects by
 *                   kind
 */
#include <linux/etherdevice.h>

#include "vhca_mdev.h"
#include "vhca_qos.h"

static struct vhca_mdev *dev_to_vm(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t mac_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct vhca_mdev *vm = dev_to_vm(dev);
	ssize_t n;

	mutex_lock(&vm->lock);
	n = sysfs_emit(buf, "%pM\n", vm->mac);
	mutex_unlock(&vm->lock);
	return n;
}

static ssize_t mac_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct vhca_mdev *vm = dev_to_vm(dev);
	u8 mac[ETH_ALEN];
	ssize_t ret = count;

	if (!mac_pton(buf, mac) || !is_valid_ether_addr(mac)) {
		dev_info_ratelimited(dev, "mac: '%.*s' is not a unicast MAC address\n",
				     (int)min_t(size_t, count, 32), buf);
		return -EINVAL;
	}
	mutex_lock(&vm->lock);
	if (vm->opened) {
		dev_info_ratelimited(dev, "mac: cannot change while a VMM has the device open\n");
		ret = -EBUSY;
	} else {
		ether_addr_copy(vm->mac, mac);
	}
	mutex_unlock(&vm->lock);
	return ret;
}
static DEVICE_ATTR_RW(mac);

static ssize_t network_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_vm(dev)->fn->network));
}

static ssize_t network_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct vhca_mdev *vm = dev_to_vm(dev);
	ssize_t ret = count;
	u32 network;

	if (kstrtou32(buf, 0, &network)) {
		dev_info_ratelimited(dev, "network: '%.*s' is not a number\n",
				     (int)min_t(size_t, count, 32), buf);
		return -EINVAL;
	}
	mutex_lock(&vm->lock);
	if (vm->opened) {
		dev_info_ratelimited(dev, "network: cannot change while a VMM has the device open\n");
		ret = -EBUSY;
	} else {
		vhca_function_set_network(vm->fn, network);
	}
	mutex_unlock(&vm->lock);
	return ret;
}
static DEVICE_ATTR_RW(network);

static ssize_t qos_weight_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(dev_to_vm(dev)->fn->qos.weight));
}

static ssize_t qos_weight_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	u32 weight;

	if (kstrtou32(buf, 0, &weight) ||
	    vhca_qos_set_weight(dev_to_vm(dev)->fn, weight)) {
		dev_info_ratelimited(dev, "qos_weight: '%.*s' is not a weight from %u to %u\n",
				     (int)min_t(size_t, count, 32), buf,
				     VHCA_QOS_WEIGHT_MIN, VHCA_QOS_WEIGHT_MAX);
		return -EINVAL;
	}
	return count;
}
static DEVICE_ATTR_RW(qos_weight);

static ssize_t qos_rate_mbps_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(dev_to_vm(dev)->fn->qos.rate_mbps));
}

static ssize_t qos_rate_mbps_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	u32 mbps;

	if (kstrtou32(buf, 0, &mbps) ||
	    vhca_qos_set_rate(dev_to_vm(dev)->fn, mbps)) {
		dev_info_ratelimited(dev, "qos_rate_mbps: '%.*s' is not a rate from 0 (unlimited) to %u Mbit/s\n",
				     (int)min_t(size_t, count, 32), buf,
				     VHCA_QOS_RATE_MAX);
		return -EINVAL;
	}
	return count;
}
static DEVICE_ATTR_RW(qos_rate_mbps);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
		[VHCA_MDEV_RESET] = "reset",
		[VHCA_MDEV_LOADED] = "loaded",
		[VHCA_MDEV_ACTIVE] = "active",
		[VHCA_MDEV_FATAL] = "fatal",
	};
	struct vhca_mdev *vm = dev_to_vm(dev);
	ssize_t n;

	mutex_lock(&vm->lock);
	n = sysfs_emit(buf, "%s\n", names[vm->state]);
	mutex_unlock(&vm->lock);
	return n;
}
static DEVICE_ATTR_RO(state);

static struct attribute *vhca_mdev_attrs[] = {
	&dev_attr_mac.attr,
	&dev_attr_network.attr,
	&dev_attr_qos_weight.attr,
	&dev_attr_qos_rate_mbps.attr,
	&dev_attr_state.attr,
	NULL,
};

static const struct attribute_group vhca_mdev_group = {
	.name = "vhca",
	.attrs = vhca_mdev_attrs,
};

enum vhca_mdev_counter {
	CNT_COMMANDS, CNT_COMMAND_ERRORS, CNT_REVOKED, CNT_FATAL,
	CNT_UNMAP_REPEATS, CNT_PINNED_PAGES, CNT_FABRIC_LOOKUPS,
	CNT_OBJS,	/* + enum vhca_obj_kind */
};

struct vhca_mdev_counter_attr {
	struct device_attribute attr;
	unsigned int which;
};

static u64 vhca_mdev_counter(struct vhca_mdev *vm, unsigned int which)
{
	switch (which) {
	case CNT_COMMANDS:
		return vm->counters.commands;
	case CNT_COMMAND_ERRORS:
		return vm->counters.command_errors;
	case CNT_REVOKED:
		return vm->counters.revoked;
	case CNT_FATAL:
		return vm->counters.fatal;
	case CNT_UNMAP_REPEATS:
		return vm->counters.unmap_repeats;
	case CNT_PINNED_PAGES:
		return vhca_mdev_pinned_pages(vm);
	case CNT_FABRIC_LOOKUPS:
		return atomic64_read(&vm->fn->fabric_lookups);
	}
	return vhca_obj_count(vm->fn, which - CNT_OBJS);
}

static ssize_t counter_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vhca_mdev_counter_attr *ca =
		container_of(attr, struct vhca_mdev_counter_attr, attr);
	struct vhca_mdev *vm = dev_to_vm(dev);
	u64 val;

	mutex_lock(&vm->lock);
	val = vhca_mdev_counter(vm, ca->which);
	mutex_unlock(&vm->lock);
	return sysfs_emit(buf, "%llu\n", val);
}

static struct vhca_mdev_counter_attr counter_attrs[] = {
	{ __ATTR(commands, 0444, counter_show, NULL), CNT_COMMANDS },
	{ __ATTR(command_errors, 0444, counter_show, NULL), CNT_COMMAND_ERRORS },
	{ __ATTR(revoked, 0444, counter_show, NULL), CNT_REVOKED },
	{ __ATTR(fatal, 0444, counter_show, NULL), CNT_FATAL },
	{ __ATTR(unmap_repeats, 0444, counter_show, NULL), CNT_UNMAP_REPEATS },
	{ __ATTR(pinned_pages, 0444, counter_show, NULL), CNT_PINNED_PAGES },
	{ __ATTR(fabric_lookups, 0444, counter_show, NULL), CNT_FABRIC_LOOKUPS },
	{ __ATTR(uctxs, 0444, counter_show, NULL), CNT_OBJS + VHCA_OBJ_UCTX },
	{ __ATTR(pds, 0444, counter_show, NULL), CNT_OBJS + VHCA_OBJ_PD },
	{ __ATTR(mrs, 0444, counter_show, NULL), CNT_OBJS + VHCA_OBJ_MR },
	{ __ATTR(cqs, 0444, counter_show, NULL), CNT_OBJS + VHCA_OBJ_CQ },
	{ __ATTR(qps, 0444, counter_show, NULL), CNT_OBJS + VHCA_OBJ_QP },
	{ __ATTR(srqs, 0444, counter_show, NULL), CNT_OBJS + VHCA_OBJ_SRQ },
};

static struct attribute *vhca_mdev_counter_list[ARRAY_SIZE(counter_attrs) + 1];

static struct attribute_group vhca_mdev_counter_group = {
	.name = "counters",
	.attrs = vhca_mdev_counter_list,
};

const struct attribute_group *vhca_mdev_dev_groups[] = {
	&vhca_mdev_group,
	&vhca_mdev_counter_group,
	NULL,
};

/**
 * vhca_mdev_sysfs_init() - fill the counter attribute list
 *
 * Context: module init, before the driver is registered.
 */
void vhca_mdev_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counter_attrs); i++)
		vhca_mdev_counter_list[i] = &counter_attrs[i].attr.attr;
}
