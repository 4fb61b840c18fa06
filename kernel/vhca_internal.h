/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of vhca_core.ko only. */
#ifndef _VHCA_INTERNAL_H
#define _VHCA_INTERNAL_H

#include "vhca.h"

extern const struct attribute_group *vhca_hca_groups[];

#include "vhca_verbs.h"

void vhca_obj_tables_init(struct vhca_function *fn);
void vhca_qp_work_init(struct vhca_qp *qp);
bool vhca_dp_held(void);
u8 vhca_grh_build(u8 *grh, const u8 *sgid, const u8 *dgid,
		  const struct vhca_av *av, u32 payload);
void vhca_qos_init(struct vhca_function *fn);
long vhca_qos_admit(struct vhca_function *fn, bool *share);
void vhca_qos_backlog(struct vhca_qp *qp, bool on);
long vhca_qos_charge(struct vhca_function *fn, u64 bytes);
int vhca_engine_init(void);
void vhca_engine_exit(void);

int vhca_hcas_create(unsigned int count, const struct vhca_limits *capacity);
void vhca_hcas_destroy(void);

#endif /* _VHCA_INTERNAL_H */
