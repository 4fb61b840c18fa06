/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhcactl internals: exit codes, the JSON writer, the sysfs inventory of
 * HCAs, types and instances, and the selftest command.
 */
#ifndef _VHCACTL_H
#define _VHCACTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "libvhca.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define VC_CLASS	"/sys/class/vhca"
#define VC_MDEV_BUS	"/sys/class/mdev_bus"
#define VC_DEVICES	"/sys/bus/mdev/devices"
#define VC_MDEVCTL_DIR	"/etc/mdevctl.d"

/* Exit codes; the man page and --help list them too. */
enum vc_exit {
	VC_OK = 0,
	VC_EFAIL = 1,		/* the operation failed (the message says why) */
	VC_EUSAGE = 2,		/* bad command line or malformed value */
	VC_ENOTLOADED = 3,	/* vhca_core or vhca_mdev is not loaded */
	VC_EPERM = 4,		/* permission denied: needs root */
	VC_ENOENT = 5,		/* no such HCA, type or instance */
	VC_ENOSPC = 6,		/* no capacity left on the HCA */
	VC_EBUSY = 7,		/* the instance is in use by a VMM */
	VC_ENOTSUP = 8,		/* attribute not supported by this kernel module */
};

__printf(2, 3) int vc_err(int code, const char *fmt, ...);
int vc_errno_exit(int err);
__printf(3, 4) int vc_path(char *buf, size_t len, const char *fmt, ...);

/* json.c: a small pretty-printing JSON writer. */
struct vc_json {
	FILE *f;
	int depth;
	bool need_comma[16];
};

void vc_json_init(struct vc_json *j, FILE *f);
void vc_json_open(struct vc_json *j, const char *key, char brace);
void vc_json_close(struct vc_json *j, char brace);
void vc_json_str(struct vc_json *j, const char *key, const char *val);
void vc_json_u64(struct vc_json *j, const char *key, uint64_t val);
void vc_json_bool(struct vc_json *j, const char *key, bool val);
void vc_json_null(struct vc_json *j, const char *key);
void vc_json_finish(struct vc_json *j);
/* A number if @val is a decimal number, else a string (null if NULL). */
void vc_json_num_or_str(struct vc_json *j, const char *key, const char *val);

/* inventory.c */
#define VC_MAX_USERS	8

struct vc_user {
	pid_t pid;
	char comm[32];
};

/**
 * struct vc_inst - one instance, created (in sysfs) and/or defined (mdevctl)
 * @uuid:          the mdev UUID
 * @hca:           parent HCA
 * @type:          mdev type name
 * @created:       exists under /sys/bus/mdev/devices
 * @defined:       an mdevctl definition exists
 * @autostart:     the definition says "start": "auto"
 * @dev_state:     vhca/state (reset, loaded, active, fatal) or ""
 * @mac:           vhca/mac or ""
 * @network:       vhca/network, "" if the kernel has no such attribute
 * @group:         IOMMU group number, -1 if unknown
 * @users:         processes holding the instance's VFIO group open
 * @nr_users:      how many of them
 * @users_known:   false if /proc could not be searched completely
 */
struct vc_inst {
	char uuid[VHCA_UUID_LEN + 1];
	char hca[32];
	char type[64];
	bool created, defined, autostart;
	char dev_state[16];
	char mac[32];
	char network[24];
	int group;
	struct vc_user users[VC_MAX_USERS];
	int nr_users;
	bool users_known;
};

bool vc_uuid_valid(const char *s);
bool vc_mac_valid(const char *s);
bool vc_u32_valid(const char *s);
int vc_require_loaded(void);
bool vc_hca_exists(const char *hca);
bool vc_type_exists(const char *hca, const char *type);
unsigned int vc_type_slices(const char *hca, const char *type);
void vc_list_names(const char *dir, const char *prefix, char *out, size_t len);
int vc_inst_lookup(const char *uuid, struct vc_inst *in);
int vc_bad_uuid(const char *uuid);
int vc_need_created(const char *uuid, struct vc_inst *in);
int vc_inst_list(const char *hca, struct vc_inst **out);
const char *vc_inst_state(const struct vc_inst *in);
bool vc_inst_in_use(const struct vc_inst *in);
void vc_users_text(const struct vc_inst *in, char *buf, size_t len);
void vc_json_users(struct vc_json *j, const struct vc_inst *in);
void vc_json_kv_list(struct vc_json *j, const char *key, const char *text);
void vc_json_dir_u64(struct vc_json *j, const char *key, const char *dir);

/* selftest.c */
int vc_cmd_selftest(const char *uuid, bool json);

#endif /* _VHCACTL_H */
