/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Queue pair states, types, attribute masks and the InfiniBand transition
 * rules (IBA vol 1, 11.2.4.2 and table 91). The numbering is the verbs one,
 * which every guest personality shares. Pure code: compiles in userspace.
 */
#ifndef _VHCA_QP_FSM_H
#define _VHCA_QP_FSM_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
#endif

enum vhca_qp_state {
	VHCA_QPS_RESET,
	VHCA_QPS_INIT,
	VHCA_QPS_RTR,
	VHCA_QPS_RTS,
	VHCA_QPS_SQD,
	VHCA_QPS_SQE,
	VHCA_QPS_ERR,
	VHCA_QPS_COUNT
};

enum vhca_qp_type {
	VHCA_QPT_GSI = 1,
	VHCA_QPT_RC = 2,
	VHCA_QPT_UD = 4,
};

/* Attribute mask bits (the verbs values). */
#define VHCA_QP_STATE			(1u << 0)
#define VHCA_QP_CUR_STATE		(1u << 1)
#define VHCA_QP_EN_SQD_ASYNC_NOTIFY	(1u << 2)
#define VHCA_QP_ACCESS_FLAGS		(1u << 3)
#define VHCA_QP_PKEY_INDEX		(1u << 4)
#define VHCA_QP_PORT			(1u << 5)
#define VHCA_QP_QKEY			(1u << 6)
#define VHCA_QP_AV			(1u << 7)
#define VHCA_QP_PATH_MTU		(1u << 8)
#define VHCA_QP_TIMEOUT			(1u << 9)
#define VHCA_QP_RETRY_CNT		(1u << 10)
#define VHCA_QP_RNR_RETRY		(1u << 11)
#define VHCA_QP_RQ_PSN			(1u << 12)
#define VHCA_QP_MAX_QP_RD_ATOMIC	(1u << 13)
#define VHCA_QP_ALT_PATH		(1u << 14)
#define VHCA_QP_MIN_RNR_TIMER		(1u << 15)
#define VHCA_QP_SQ_PSN			(1u << 16)
#define VHCA_QP_MAX_DEST_RD_ATOMIC	(1u << 17)
#define VHCA_QP_PATH_MIG_STATE		(1u << 18)
#define VHCA_QP_CAP			(1u << 19)
#define VHCA_QP_DEST_QPN		(1u << 20)
#define VHCA_QP_ATTR_ALL		((1u << 21) - 1)

bool vhca_qp_type_valid(unsigned int type);
bool vhca_qp_transition_ok(unsigned int type, unsigned int cur,
			   unsigned int next, unsigned int mask);
const char *vhca_qp_state_name(unsigned int state);

#endif /* _VHCA_QP_FSM_H */
