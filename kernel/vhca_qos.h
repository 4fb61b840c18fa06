/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QoS arithmetic that needs no kernel state: the virtual-time cost of the
 * bytes a function moves, given its weight, and the token bucket of its
 * rate limit. Pure code: compiles in userspace for the unit tests.
 */
#ifndef _VHCA_QOS_H
#define _VHCA_QOS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "codec_types_user.h"	/* userspace unit tests */
#endif

#define VHCA_QOS_WEIGHT_MIN	1
#define VHCA_QOS_WEIGHT_MAX	100
#define VHCA_QOS_WEIGHT_DEFAULT	10
#define VHCA_QOS_RATE_MAX	1000000		/* Mbit/s: 1 Tbit/s */
/* Virtual-time bytes a retired entry costs at least. */
#define VHCA_QOS_ENTRY_COST	256
/* The deepest a bucket goes; keeps the token arithmetic in range. */
#define VHCA_QOS_TOKENS_MIN	(S64_MAX / 4)
/* The longest single wait: the engine asks again, so a new rate counts. */
#define VHCA_QOS_WAIT_MAX_NS	1000000000ull

bool vhca_qos_weight_valid(u32 weight);
bool vhca_qos_rate_valid(u32 mbps);
u64 vhca_qos_cost(u64 bytes, u32 weight);
s64 vhca_qos_burst(u32 mbps);
s64 vhca_qos_refill(s64 tokens, u64 elapsed_ns, u32 mbps);
u64 vhca_qos_wait_ns(s64 tokens, u32 mbps);

#endif /* _VHCA_QOS_H */
