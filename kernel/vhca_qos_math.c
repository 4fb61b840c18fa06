// SPDX-License-Identifier: GPL-2.0-only
/*
 * QoS arithmetic. Weights share the engine: moving B bytes costs a
 * function B * 100 / weight units of virtual time, and a function whose
 * virtual time runs ahead of the others' waits. A rate limit is a token
 * bucket in bytes, refilled at rate * 10^6 / 8 bytes a second and holding
 * at most 50 ms worth (64 KiB at least), so bursts stay short.
 */
#ifdef __KERNEL__
#include <linux/export.h>
#include <linux/math64.h>
#else
#define div64_u64(a, b) ((a) / (b))
#endif

#include "vhca_qos.h"

#define NSEC_PER_S	1000000000ull
#define BURST_MIN	65536

/**
 * vhca_qos_weight_valid() - is @weight a weight an instance may have
 * @weight: candidate
 *
 * Return: true for 1..100.
 */
bool vhca_qos_weight_valid(u32 weight)
{
	return weight >= VHCA_QOS_WEIGHT_MIN && weight <= VHCA_QOS_WEIGHT_MAX;
}
EXPORT_SYMBOL_GPL(vhca_qos_weight_valid);

/**
 * vhca_qos_rate_valid() - is @mbps a rate limit an instance may have
 * @mbps: candidate, Mbit/s; 0 means unlimited
 *
 * Return: true for 0..%VHCA_QOS_RATE_MAX.
 */
bool vhca_qos_rate_valid(u32 mbps)
{
	return mbps <= VHCA_QOS_RATE_MAX;
}
EXPORT_SYMBOL_GPL(vhca_qos_rate_valid);

/**
 * vhca_qos_cost() - virtual time that moving @bytes costs
 * @bytes:  bytes moved
 * @weight: the function's weight, 1..100
 *
 * Return: @bytes * 100 / @weight (saturating).
 */
u64 vhca_qos_cost(u64 bytes, u32 weight)
{
	if (!vhca_qos_weight_valid(weight))
		weight = VHCA_QOS_WEIGHT_MIN;
	if (bytes > ~0ull / VHCA_QOS_WEIGHT_MAX)
		return ~0ull;
	return div64_u64(bytes * VHCA_QOS_WEIGHT_MAX, weight);
}
EXPORT_SYMBOL_GPL(vhca_qos_cost);

/**
 * vhca_qos_burst() - the most tokens a bucket of rate @mbps holds
 * @mbps: rate, 1..%VHCA_QOS_RATE_MAX
 *
 * Return: bytes: 50 ms at the rate, at least 64 KiB.
 */
s64 vhca_qos_burst(u32 mbps)
{
	s64 burst = (s64)mbps * 125000 / 20;

	return burst > BURST_MIN ? burst : BURST_MIN;
}
EXPORT_SYMBOL_GPL(vhca_qos_burst);

/**
 * vhca_qos_refill() - tokens after @elapsed_ns at rate @mbps
 * @tokens:     tokens now (negative after a large transfer), at least
 *              -%VHCA_QOS_TOKENS_MIN
 * @elapsed_ns: time since the last refill
 * @mbps:       rate, 1..%VHCA_QOS_RATE_MAX
 *
 * Return: the new token count, at most vhca_qos_burst().
 */
s64 vhca_qos_refill(s64 tokens, u64 elapsed_ns, u32 mbps)
{
	s64 burst = vhca_qos_burst(mbps);
	u64 add;

	/* Long enough to fill any bucket from its lowest (see the charge). */
	if (!mbps || elapsed_ns > div64_u64(~0ull, mbps))
		return burst;
	add = div64_u64(elapsed_ns * mbps, 8000);
	if (add >= (u64)(burst - tokens))
		return burst;
	return tokens + (s64)add;
}
EXPORT_SYMBOL_GPL(vhca_qos_refill);

/**
 * vhca_qos_wait_ns() - how long until a bucket holding @tokens has one
 * @tokens: tokens now
 * @mbps:   rate, 1..%VHCA_QOS_RATE_MAX
 *
 * Return: nanoseconds, at most %VHCA_QOS_WAIT_MAX_NS; 0 if @tokens is
 * already positive.
 */
u64 vhca_qos_wait_ns(s64 tokens, u32 mbps)
{
	u64 deficit;

	if (tokens > 0 || !mbps)
		return 0;
	deficit = (u64)(1 - tokens);
	if (deficit > div64_u64(VHCA_QOS_WAIT_MAX_NS * mbps, 8000))
		return VHCA_QOS_WAIT_MAX_NS;
	return div64_u64(deficit * 8000, mbps);
}
EXPORT_SYMBOL_GPL(vhca_qos_wait_ns);
