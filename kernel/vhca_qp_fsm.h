/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Queue pair states, types, attribute masks and the InfiniBand transition
 * rules (IBA vol 1, 11.2.4.2 and table 91). The numbering is the verbs one,
 * which every guest personality shares. Pure code: compiles in userspace.
 */
#ifndef _VHCA_QP_FSM_H
#define _VHCA_QP_FSM_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/export.h>
#include <linux/types.h>
#else
#include "codec_types_user.h"	/* userspace unit tests */
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
#define VHCA_QP_STATE			BIT(0)
#define VHCA_QP_CUR_STATE		BIT(1)
#define VHCA_QP_EN_SQD_ASYNC_NOTIFY	BIT(2)
#define VHCA_QP_ACCESS_FLAGS		BIT(3)
#define VHCA_QP_PKEY_INDEX		BIT(4)
#define VHCA_QP_PORT			BIT(5)
#define VHCA_QP_QKEY			BIT(6)
#define VHCA_QP_AV			BIT(7)
#define VHCA_QP_PATH_MTU		BIT(8)
#define VHCA_QP_TIMEOUT			BIT(9)
#define VHCA_QP_RETRY_CNT		BIT(10)
#define VHCA_QP_RNR_RETRY		BIT(11)
#define VHCA_QP_RQ_PSN			BIT(12)
#define VHCA_QP_MAX_QP_RD_ATOMIC	BIT(13)
#define VHCA_QP_ALT_PATH		BIT(14)
#define VHCA_QP_MIN_RNR_TIMER		BIT(15)
#define VHCA_QP_SQ_PSN			BIT(16)
#define VHCA_QP_MAX_DEST_RD_ATOMIC	BIT(17)
#define VHCA_QP_PATH_MIG_STATE		BIT(18)
#define VHCA_QP_CAP			BIT(19)
#define VHCA_QP_DEST_QPN		BIT(20)
#define VHCA_QP_ATTR_ALL		(BIT(21) - 1)

bool vhca_qp_type_valid(unsigned int type);
bool vhca_qp_transition_ok(unsigned int type, unsigned int cur,
			   unsigned int next, unsigned int mask);
const char *vhca_qp_state_name(unsigned int state);
u32 vhca_rnr_timer_us(unsigned int code);

#endif /* _VHCA_QP_FSM_H */
