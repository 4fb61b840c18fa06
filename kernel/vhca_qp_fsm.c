// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QP state machine as data: for every legal (current, next) pair, the
 * attributes each QP type must and may supply. Anything not in the table
 * is refused, so a guest cannot walk a QP through an arc the IBA forbids.
 */
#include "vhca_qp_fsm.h"

/* Index of a QP type in the tables below. */
enum { T_GSI, T_RC, T_UD, T_COUNT };

struct vhca_qp_arc {
	bool valid;
	unsigned int req[T_COUNT];
	unsigned int opt[T_COUNT];
};

#define RC_PATH_OPT	(VHCA_QP_ALT_PATH | VHCA_QP_ACCESS_FLAGS | \
			 VHCA_QP_MIN_RNR_TIMER | VHCA_QP_PATH_MIG_STATE)

static const struct vhca_qp_arc vhca_qp_arcs[VHCA_QPS_COUNT][VHCA_QPS_COUNT] = {
	[VHCA_QPS_RESET] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
		[VHCA_QPS_INIT] = {
			.valid = true,
			.req = {
				[T_GSI] = VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_PKEY_INDEX | VHCA_QP_PORT |
					 VHCA_QP_ACCESS_FLAGS,
				[T_UD] = VHCA_QP_PKEY_INDEX | VHCA_QP_PORT |
					 VHCA_QP_QKEY,
			},
		},
	},
	[VHCA_QPS_INIT] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
		[VHCA_QPS_INIT] = {
			.valid = true,
			.opt = {
				[T_GSI] = VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_PKEY_INDEX | VHCA_QP_PORT |
					 VHCA_QP_ACCESS_FLAGS,
				[T_UD] = VHCA_QP_PKEY_INDEX | VHCA_QP_PORT |
					 VHCA_QP_QKEY,
			},
		},
		[VHCA_QPS_RTR] = {
			.valid = true,
			.req = {
				[T_RC] = VHCA_QP_AV | VHCA_QP_PATH_MTU |
					 VHCA_QP_DEST_QPN | VHCA_QP_RQ_PSN |
					 VHCA_QP_MAX_DEST_RD_ATOMIC |
					 VHCA_QP_MIN_RNR_TIMER,
			},
			.opt = {
				[T_GSI] = VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_ALT_PATH | VHCA_QP_ACCESS_FLAGS |
					 VHCA_QP_PKEY_INDEX,
				[T_UD] = VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY,
			},
		},
	},
	[VHCA_QPS_RTR] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
		[VHCA_QPS_RTS] = {
			.valid = true,
			.req = {
				[T_GSI] = VHCA_QP_SQ_PSN,
				[T_RC] = VHCA_QP_SQ_PSN | VHCA_QP_TIMEOUT |
					 VHCA_QP_RETRY_CNT | VHCA_QP_RNR_RETRY |
					 VHCA_QP_MAX_QP_RD_ATOMIC,
				[T_UD] = VHCA_QP_SQ_PSN,
			},
			.opt = {
				[T_GSI] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_CUR_STATE | RC_PATH_OPT,
				[T_UD] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
			},
		},
	},
	[VHCA_QPS_RTS] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
		[VHCA_QPS_RTS] = {
			.valid = true,
			.opt = {
				[T_GSI] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_CUR_STATE | RC_PATH_OPT,
				[T_UD] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
			},
		},
		[VHCA_QPS_SQD] = {
			.valid = true,
			.opt = {
				[T_GSI] = VHCA_QP_EN_SQD_ASYNC_NOTIFY,
				[T_RC] = VHCA_QP_EN_SQD_ASYNC_NOTIFY,
				[T_UD] = VHCA_QP_EN_SQD_ASYNC_NOTIFY,
			},
		},
	},
	[VHCA_QPS_SQD] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
		[VHCA_QPS_RTS] = {
			.valid = true,
			.opt = {
				[T_GSI] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_CUR_STATE | RC_PATH_OPT,
				[T_UD] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
			},
		},
		[VHCA_QPS_SQD] = {
			.valid = true,
			.opt = {
				[T_GSI] = VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY,
				[T_RC] = VHCA_QP_AV | RC_PATH_OPT |
					 VHCA_QP_PKEY_INDEX | VHCA_QP_TIMEOUT |
					 VHCA_QP_RETRY_CNT | VHCA_QP_RNR_RETRY |
					 VHCA_QP_MAX_QP_RD_ATOMIC |
					 VHCA_QP_MAX_DEST_RD_ATOMIC,
				[T_UD] = VHCA_QP_PKEY_INDEX | VHCA_QP_QKEY,
			},
		},
	},
	[VHCA_QPS_SQE] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
		[VHCA_QPS_RTS] = {
			.valid = true,
			.opt = {
				[T_GSI] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
				[T_UD] = VHCA_QP_CUR_STATE | VHCA_QP_QKEY,
			},
		},
	},
	[VHCA_QPS_ERR] = {
		[VHCA_QPS_RESET] = { .valid = true },
		[VHCA_QPS_ERR] = { .valid = true },
	},
};

static int vhca_qp_type_index(unsigned int type)
{
	switch (type) {
	case VHCA_QPT_GSI:
		return T_GSI;
	case VHCA_QPT_RC:
		return T_RC;
	case VHCA_QPT_UD:
		return T_UD;
	}
	return -1;
}

/**
 * vhca_qp_type_valid() - is @type a QP type vhca implements
 * @type: &enum vhca_qp_type value from a guest
 *
 * Return: true for GSI, RC and UD.
 */
bool vhca_qp_type_valid(unsigned int type)
{
	return vhca_qp_type_index(type) >= 0;
}
EXPORT_SYMBOL_GPL(vhca_qp_type_valid);

/**
 * vhca_qp_transition_ok() - may a QP of @type go from @cur to @next
 * @type: QP type
 * @cur:  current state
 * @next: requested state
 * @mask: attributes supplied with the request (VHCA_QP_* bits)
 *
 * SQE -> RTS exists only for unreliable types (an RC QP never enters SQE).
 *
 * Return: true if the arc is legal, every required attribute is present
 * and nothing outside the required and optional ones is.
 */
bool vhca_qp_transition_ok(unsigned int type, unsigned int cur,
			   unsigned int next, unsigned int mask)
{
	const struct vhca_qp_arc *arc;
	int t = vhca_qp_type_index(type);
	unsigned int req, opt;

	if (t < 0 || cur >= VHCA_QPS_COUNT || next >= VHCA_QPS_COUNT)
		return false;
	arc = &vhca_qp_arcs[cur][next];
	if (!arc->valid)
		return false;
	if (t == T_RC && cur == VHCA_QPS_SQE && next == VHCA_QPS_RTS)
		return false;
	req = arc->req[t];
	opt = arc->opt[t];
	if ((mask & req) != req)
		return false;
	return !(mask & ~(req | opt | VHCA_QP_STATE));
}
EXPORT_SYMBOL_GPL(vhca_qp_transition_ok);

/**
 * vhca_qp_state_name() - printable name of a QP state
 * @state: &enum vhca_qp_state
 *
 * Return: a constant string; "invalid" for out-of-range values.
 */
const char *vhca_qp_state_name(unsigned int state)
{
	static const char * const names[VHCA_QPS_COUNT] = {
		[VHCA_QPS_RESET] = "RESET",
		[VHCA_QPS_INIT] = "INIT",
		[VHCA_QPS_RTR] = "RTR",
		[VHCA_QPS_RTS] = "RTS",
		[VHCA_QPS_SQD] = "SQD",
		[VHCA_QPS_SQE] = "SQE",
		[VHCA_QPS_ERR] = "ERR",
	};

	return state < VHCA_QPS_COUNT ? names[state] : "invalid";
}
EXPORT_SYMBOL_GPL(vhca_qp_state_name);

/**
 * vhca_rnr_timer_us() - the RNR NAK delay an encoded timer value stands for
 * @code: a QP's min_rnr_timer, 0..31 (IBA table 45); higher bits ignored
 *
 * Return: microseconds; code 0 is the longest, 655.36 ms.
 */
u32 vhca_rnr_timer_us(unsigned int code)
{
	/* In units of 10 us: 0.01 ms for code 1 up to 491.52 ms for 31. */
	static const u16 units[32] = {
		0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
		256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192,
		12288, 16384, 24576, 32768, 49152,
	};

	code &= 31;
	return 10u * (code ? units[code] : 65536u);
}
EXPORT_SYMBOL_GPL(vhca_rnr_timer_us);
