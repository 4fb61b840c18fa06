// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sharing the engine between functions. Every send-queue turn asks
 * vhca_qos_admit() first and reports the bytes it moved to
 * vhca_qos_charge().
 *
 * Weights: a function's virtual time grows by bytes * 100 / weight. A turn
 * of a function whose virtual time is more than the cost of
 * VHCA_QOS_LEAD_BYTES ahead of the slowest other *backlogged* function
 * (one with a QP whose last turn ended with work left for the engine, see
 * vhca_qos_backlog(), now or in the last 20 ms) waits a tick, so
 * backlogged functions move bytes in proportion to their weights whatever
 * the number of workers; the function furthest behind always runs, so the
 * engine stays work-conserving. A function that only sends
 * now and then, or waits for its peer or its own rate limit, is not
 * backlogged and holds nobody back; when it becomes backlogged it starts
 * at the others' virtual time instead of cashing in its idle time.
 *
 * Rates: a token bucket per function (vhca_qos_math.c); a turn waits until
 * the bucket holds a token, and large transfers drive it negative, so the
 * long-run rate is bounded by the limit.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "vhca_internal.h"
#include "vhca_qos.h"

/*
 * A busy function may run this many of its own bytes ahead of the slowest
 * other busy one before it waits: several worker turns, so that equally
 * weighted functions copying side by side on separate CPUs do not take
 * turns sleeping for a tick (8 MiB of virtual time, a turn and a bit at
 * weight 10, cut two 64 KiB streams from 2.5 GB/s to 0.4 GB/s).
 */
#define VHCA_QOS_LEAD_BYTES	((u64)SZ_4M)
#define VHCA_QOS_GRACE		msecs_to_jiffies(20)

/**
 * vhca_qos_init() - default QoS of a new function
 * @fn: the function
 */
void vhca_qos_init(struct vhca_function *fn)
{
	fn->qos.weight = VHCA_QOS_WEIGHT_DEFAULT;
	spin_lock_init(&fn->qos.lock);
	atomic64_set(&fn->qos.vtime, 0);
	atomic_set(&fn->qos.backlog, 0);
	fn->qos.backlogged = jiffies - VHCA_QOS_GRACE - 1;
}

/**
 * vhca_qos_set_weight() - change a function's share of the engine
 * @fn:     the function
 * @weight: 1..100
 *
 * Context: process; takes effect at the function's next turn.
 * Return: 0, or -EINVAL for a weight out of range.
 */
int vhca_qos_set_weight(struct vhca_function *fn, u32 weight)
{
	if (!vhca_qos_weight_valid(weight))
		return -EINVAL;
	WRITE_ONCE(fn->qos.weight, weight);
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_qos_set_weight);

/**
 * vhca_qos_set_rate() - change a function's rate limit
 * @fn:   the function
 * @mbps: Mbit/s of payload its QPs may move, 0 for no limit
 *
 * Context: process; takes effect at the function's next turn.
 * Return: 0, or -EINVAL above %VHCA_QOS_RATE_MAX.
 */
int vhca_qos_set_rate(struct vhca_function *fn, u32 mbps)
{
	if (!vhca_qos_rate_valid(mbps))
		return -EINVAL;
	spin_lock(&fn->qos.lock);
	fn->qos.rate_mbps = mbps;
	fn->qos.tokens = mbps ? vhca_qos_burst(mbps) : 0;
	fn->qos.stamp_ns = ktime_get_ns();
	spin_unlock(&fn->qos.lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vhca_qos_set_rate);

/*
 * Backlogged now, or a moment ago: a bulk sender whose queue runs dry
 * for a few milliseconds until its application refills it keeps its
 * place.
 */
static bool vhca_qos_busy(const struct vhca_function *fn)
{
	return atomic_read(&fn->qos.backlog) > 0 ||
	       time_before(jiffies, READ_ONCE(fn->qos.backlogged) +
				    VHCA_QOS_GRACE);
}

/**
 * vhca_qos_backlog() - note whether a QP has work waiting for the engine
 * @qp: the QP; its own send work and the paths that stop or sync it
 *      call this
 * @on: its last turn ended with entries left that only the engine holds
 *      up (a used-up budget or a wait for its share)
 */
void vhca_qos_backlog(struct vhca_qp *qp, bool on)
{
	if (on)
		WRITE_ONCE(qp->obj.fn->qos.backlogged, jiffies);
	/* A RESET's sync may race a turn that a doorbell queued anew. */
	if (xchg(&qp->qos_backlog, on) == on)
		return;
	if (on)
		atomic_inc(&qp->obj.fn->qos.backlog);
	else
		atomic_dec(&qp->obj.fn->qos.backlog);
}

/* The least virtual time of the other busy functions; false if none. */
static bool vhca_qos_min_vtime(struct vhca_function *self, u64 *min)
{
	struct vhca_function *fn;
	bool found = false;
	unsigned int h;
	u64 vt;

	for (h = 0; h < vhca_hca_count(); h++) {
		list_for_each_entry_srcu(fn, &vhca_hca_peek(h)->functions, node,
					 vhca_dp_held()) {
			if (fn == self || !vhca_qos_busy(fn))
				continue;
			vt = atomic64_read(&fn->qos.vtime);
			if (!found || vt < *min)
				*min = vt;
			found = true;
		}
	}
	return found;
}

static long vhca_qos_rate_wait(struct vhca_function *fn)
{
	u64 now, wait = 0;

	spin_lock(&fn->qos.lock);
	if (fn->qos.rate_mbps) {
		now = ktime_get_ns();
		fn->qos.tokens = vhca_qos_refill(fn->qos.tokens,
						 now - fn->qos.stamp_ns,
						 fn->qos.rate_mbps);
		fn->qos.stamp_ns = now;
		wait = vhca_qos_wait_ns(fn->qos.tokens, fn->qos.rate_mbps);
	}
	spin_unlock(&fn->qos.lock);
	return wait ? max_t(long, 1, nsecs_to_jiffies(wait)) : 0;
}

/**
 * vhca_qos_admit() - may a turn of @fn run now
 * @fn:    the function owning the QP
 * @share: set when the wait is for the function's share (it stays
 *         backlogged) rather than for its rate limit
 *
 * Context: process, inside the data-path SRCU read section.
 * Return: 0 to run, or the jiffies to wait before asking again.
 */
long vhca_qos_admit(struct vhca_function *fn, bool *share)
{
	long wait = vhca_qos_rate_wait(fn);
	u64 min, vt;

	*share = false;
	if (wait)
		return wait;
	if (!vhca_qos_min_vtime(fn, &min))
		return 0;
	vt = atomic64_read(&fn->qos.vtime);
	if (!vhca_qos_busy(fn)) {
		if (vt < min)	/* no credit for the time it was idle */
			atomic64_set(&fn->qos.vtime, min);
		return 0;
	}
	*share = vt > min + vhca_qos_cost(VHCA_QOS_LEAD_BYTES,
					  READ_ONCE(fn->qos.weight));
	return *share ? 1 : 0;
}

/**
 * vhca_qos_charge() - account the bytes one work request of @fn moved
 * @fn:    the function
 * @bytes: payload bytes
 *
 * Charging every request, not every turn, keeps a rate-limited function
 * from moving a whole turn's budget on one token.
 *
 * Context: process.
 * Return: 0 to go on, or the jiffies to wait before the next request
 * because the rate limit's bucket is empty.
 */
long vhca_qos_charge(struct vhca_function *fn, u64 bytes)
{
	u64 wait = 0;

	/*
	 * Every retired entry costs virtual time, even one that moved no
	 * bytes (zero-length, failed, flushed): otherwise a function could
	 * stay backlogged with a virtual time that never moves and hold the
	 * others back for as long as it likes.
	 */
	atomic64_add(vhca_qos_cost(max_t(u64, bytes, VHCA_QOS_ENTRY_COST),
				   READ_ONCE(fn->qos.weight)),
		     &fn->qos.vtime);
	if (!bytes)
		return 0;
	spin_lock(&fn->qos.lock);
	if (fn->qos.rate_mbps) {
		fn->qos.tokens -= min_t(u64, bytes, VHCA_QOS_TOKENS_MIN);
		if (fn->qos.tokens < -VHCA_QOS_TOKENS_MIN)
			fn->qos.tokens = -VHCA_QOS_TOKENS_MIN;
		wait = vhca_qos_wait_ns(fn->qos.tokens, fn->qos.rate_mbps);
	}
	spin_unlock(&fn->qos.lock);
	return wait ? max_t(long, 1, nsecs_to_jiffies(wait)) : 0;
}
