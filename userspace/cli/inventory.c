// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vhcactl knows about HCAs, types and instances, all from sysfs, the
 * mdevctl configuration directory and /proc:
 *
 * - created: /sys/bus/mdev/devices/UUID exists and its type belongs to a
 *   vhca HCA;
 * - defined: mdevctl has a persistent definition, /etc/mdevctl.d/vhcaN/UUID;
 * - in use:  some process holds the instance's VFIO group (/dev/vfio/N) or
 *   VFIO device node open, found by reading the /proc/PID/fd links (what
 *   fuser does), or the device is not in its reset state, which only a
 *   driver with the device open can cause. Nothing is opened to find out,
 *   so a VMM starting at the same moment is never disturbed. Without root
 *   the fds of other users' processes cannot be read: users_known is then
 *   false and only the device state is evidence.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhcactl.h"

int vc_err(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("vhcactl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int vc_errno_exit(int err)
{
	switch (err < 0 ? -err : err) {
	case EACCES:
	case EPERM:
		return VC_EPERM;
	case ENOENT:
	case ENODEV:
		return VC_ENOENT;
	case ENOSPC:
		return VC_ENOSPC;
	case EBUSY:
		return VC_EBUSY;
	}
	return VC_EFAIL;
}

int vc_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool vc_uuid_valid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	int i, d = 0;

	if (strlen(s) != VHCA_UUID_LEN)
		return false;
	for (i = 0; i < VHCA_UUID_LEN; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* Six hex pairs separated by ':' (or all by '-'), unicast, not all zero. */
bool vc_mac_valid(const char *s)
{
	unsigned int i, first = 0, any = 0;
	char sep;

	if (strlen(s) != 17)
		return false;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return false;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != sep)
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	for (i = 0; i < 17; i += 3) {
		char byte[3] = { s[i], s[i + 1], '\0' };
		unsigned int b = (unsigned int)strtoul(byte, NULL, 16);

		if (!i)
			first = b;
		any |= b;
	}
	return any && !(first & 1);
}

bool vc_u32_valid(const char *s)
{
	unsigned long long v;
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	return !errno && !*end && v <= 0xffffffffull;
}

int vc_require_loaded(void)
{
	char names[256];

	if (access(VC_CLASS, F_OK))
		return vc_err(VC_ENOTLOADED,
			      "vhca is not loaded: %s does not exist.\n"
			      "Load it: modprobe vfio_iommu_type1 mdev; insmod vhca_core.ko; insmod vhca_mdev.ko (or modprobe vhca_mdev when installed).",
			      VC_CLASS);
	vc_list_names(VC_MDEV_BUS, "vhca", names, sizeof(names));
	if (!names[0])
		return vc_err(VC_ENOTLOADED,
			      "vhca_core is loaded but vhca_mdev is not: no vhca HCA is an mdev parent in %s.\n"
			      "Load it: modprobe vfio_iommu_type1 mdev; insmod vhca_mdev.ko.",
			      VC_MDEV_BUS);
	return 0;
}

static bool vc_name_ok(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

bool vc_hca_exists(const char *hca)
{
	char path[PATH_MAX];

	return vc_name_ok(hca) && !vc_path(path, sizeof(path), VC_CLASS "/%s", hca) &&
	       !access(path, F_OK);
}

bool vc_type_exists(const char *hca, const char *type)
{
	char path[PATH_MAX];

	return vc_name_ok(hca) && vc_name_ok(type) &&
	       !vc_path(path, sizeof(path),
			VC_MDEV_BUS "/%s/mdev_supported_types/%s/create", hca,
			type) &&
	       !access(path, F_OK);
}

/* Slices an instance of "vhca-pvrdma-N" takes: the HCA's slices / N. */
unsigned int vc_type_slices(const char *hca, const char *type)
{
	const char *dash = strrchr(type, '-');
	char path[PATH_MAX];
	uint64_t slices = 0;
	unsigned long n;

	if (!dash || vc_path(path, sizeof(path), VC_CLASS "/%s/slices", hca) ||
	    vhca_sysfs_read_u64(path, &slices))
		return 0;
	n = strtoul(dash + 1, NULL, 10);
	return n ? (unsigned int)(slices / n) : 0;
}

/* scandir() filters take no argument: the prefix comes in these. */
static const char *vc_filter_prefix;
static int vc_filter_len;

static int vc_filter(const struct dirent *e)
{
	return e->d_name[0] != '.' &&
	       !strncmp(e->d_name, vc_filter_prefix, vc_filter_len);
}

/* Sorted, comma-separated names in @dir starting with @prefix. */
void vc_list_names(const char *dir, const char *prefix, char *out, size_t len)
{
	struct dirent **names;
	size_t used = 0;
	int n, i;

	out[0] = '\0';
	vc_filter_prefix = prefix;
	vc_filter_len = (int)strlen(prefix);
	n = scandir(dir, &names, vc_filter, alphasort);
	for (i = 0; i < n; i++) {
		int w = snprintf(out + used, len - used, "%s%s",
				 used ? ", " : "", names[i]->d_name);

		if (w > 0 && (size_t)w < len - used)
			used += (size_t)w;
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* Processes holding /dev/vfio/... nodes open, found once per run. */
struct vc_holder {
	pid_t pid;
	char target[64];
};

static struct vc_holder *vc_holders;
static int vc_nr_holders;
static bool vc_scanned, vc_scan_complete;

static void vc_scan_pid(const char *pid)
{
	char dir[64], path[PATH_MAX], link[PATH_MAX];
	struct dirent *e;
	ssize_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%.40s/fd", pid);
	d = opendir(dir);
	if (!d) {
		if (errno == EACCES || errno == EPERM)
			vc_scan_complete = false;
		return;
	}
	while ((e = readdir(d))) {
		struct vc_holder *h;

		if (e->d_name[0] == '.' ||
		    vc_path(path, sizeof(path), "%s/%s", dir, e->d_name))
			continue;
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "/dev/vfio/", 10) || !strcmp(link, "/dev/vfio/vfio") ||
		    (size_t)n >= sizeof(h->target))
			continue;
		h = realloc(vc_holders, (vc_nr_holders + 1) * sizeof(*h));
		if (!h)
			break;
		vc_holders = h;
		h += vc_nr_holders++;
		h->pid = (pid_t)atoi(pid);
		memcpy(h->target, link, (size_t)n + 1);
	}
	closedir(d);
}

static void vc_scan_holders(void)
{
	struct dirent *e;
	DIR *d;

	if (vc_scanned)
		return;
	vc_scanned = true;
	vc_scan_complete = true;
	d = opendir("/proc");
	if (!d) {
		vc_scan_complete = false;
		return;
	}
	while ((e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]) &&
		    atoi(e->d_name) != getpid())
			vc_scan_pid(e->d_name);
	closedir(d);
}

static void vc_add_user(struct vc_inst *in, pid_t pid)
{
	char path[64];
	int i;

	for (i = 0; i < in->nr_users; i++)
		if (in->users[i].pid == pid)
			return;
	if (in->nr_users >= VC_MAX_USERS)
		return;
	in->users[in->nr_users].pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (vhca_sysfs_read(path, in->users[in->nr_users].comm,
			    sizeof(in->users[0].comm)))
		snprintf(in->users[in->nr_users].comm,
			 sizeof(in->users[0].comm), "?");
	in->nr_users++;
}

static void vc_find_users(struct vc_inst *in)
{
	char path[PATH_MAX], group[32], cdev[64] = "";
	struct dirent *e;
	DIR *d;
	int i;

	vc_scan_holders();
	in->users_known = vc_scan_complete;
	snprintf(group, sizeof(group), "/dev/vfio/%d", in->group);
	/* The VFIO device node (vfio-dev/vfioN), where the kernel has one. */
	if (!vc_path(path, sizeof(path), VC_DEVICES "/%s/vfio-dev", in->uuid)) {
		d = opendir(path);
		while (d && (e = readdir(d)))
			if (!strncmp(e->d_name, "vfio", 4))
				snprintf(cdev, sizeof(cdev), "/dev/vfio/devices/%.40s",
					 e->d_name);
		if (d)
			closedir(d);
	}
	for (i = 0; i < vc_nr_holders; i++)
		if ((in->group >= 0 && !strcmp(vc_holders[i].target, group)) ||
		    (cdev[0] && !strcmp(vc_holders[i].target, cdev)))
			vc_add_user(in, vc_holders[i].pid);
}

/* The value of "key": "value" in a small flat JSON file (mdevctl's). */
static bool vc_json_field(const char *text, const char *key, char *out,
			  size_t len)
{
	char pattern[64];
	const char *p, *end;

	snprintf(pattern, sizeof(pattern), "\"%s\"", key);
	p = strstr(text, pattern);
	if (!p)
		return false;
	p += strlen(pattern);
	while (isspace((unsigned char)*p) || *p == ':')
		p++;
	if (*p != '"')
		return false;
	end = strchr(++p, '"');
	if (!end || (size_t)(end - p) >= len)
		return false;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return true;
}

/* mdevctl's definition of @uuid under parent @hca, if there is one. */
static bool vc_read_definition(const char *hca, const char *uuid,
			       struct vc_inst *in)
{
	char path[PATH_MAX], text[4096], start[16];

	if (vc_path(path, sizeof(path), VC_MDEVCTL_DIR "/%s/%s", hca, uuid) ||
	    vhca_sysfs_read(path, text, sizeof(text)))
		return false;
	in->defined = true;
	if (!in->type[0])
		vc_json_field(text, "mdev_type", in->type, sizeof(in->type));
	in->autostart = vc_json_field(text, "start", start, sizeof(start)) &&
			!strcmp(start, "auto");
	return true;
}

/* Fill @in for created instance @uuid; -ENOENT if not a vhca instance. */
static int vc_read_created(const char *uuid, struct vc_inst *in)
{
	char path[PATH_MAX], link[PATH_MAX], *type, *types;
	char *hca;
	ssize_t n;

	/* .../vhcaN/mdev_supported_types/TYPE, once the link is resolved. */
	if (vc_path(path, sizeof(path), VC_DEVICES "/%s/mdev_type", uuid) ||
	    !realpath(path, link))
		return -ENOENT;
	type = strrchr(link, '/');
	types = strstr(link, "/mdev_supported_types/");
	if (!type || !types)
		return -ENOENT;
	*types = '\0';
	hca = strrchr(link, '/');
	hca = hca ? hca + 1 : link;
	if (!vc_hca_exists(hca))
		return -ENOENT;
	snprintf(in->uuid, sizeof(in->uuid), "%s", uuid);
	snprintf(in->hca, sizeof(in->hca), "%.31s", hca);
	snprintf(in->type, sizeof(in->type), "%.63s", type + 1);
	in->created = true;

	vc_path(path, sizeof(path), VC_DEVICES "/%s/vhca/state", uuid);
	if (vhca_sysfs_read(path, in->dev_state, sizeof(in->dev_state)))
		in->dev_state[0] = '\0';
	vc_path(path, sizeof(path), VC_DEVICES "/%s/vhca/mac", uuid);
	if (vhca_sysfs_read(path, in->mac, sizeof(in->mac)))
		in->mac[0] = '\0';
	vc_path(path, sizeof(path), VC_DEVICES "/%s/vhca/network", uuid);
	if (vhca_sysfs_read(path, in->network, sizeof(in->network)))
		in->network[0] = '\0';
	in->group = -1;
	vc_path(path, sizeof(path), VC_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		in->group = atoi(strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	}
	vc_find_users(in);
	return 0;
}

/**
 * vc_inst_lookup() - everything known about instance @uuid
 * @uuid: the UUID (already validated)
 * @in:   filled in
 *
 * Return: 0 if it is created or defined, -ENOENT if neither.
 */
int vc_inst_lookup(const char *uuid, struct vc_inst *in)
{
	struct dirent *e;
	DIR *d;

	memset(in, 0, sizeof(*in));
	in->group = -1;
	in->users_known = true;
	if (!vc_read_created(uuid, in)) {
		vc_read_definition(in->hca, uuid, in);
		return 0;
	}
	d = opendir(VC_MDEVCTL_DIR);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "vhca", 4))
			continue;
		if (vc_read_definition(e->d_name, uuid, in)) {
			snprintf(in->uuid, sizeof(in->uuid), "%s", uuid);
			snprintf(in->hca, sizeof(in->hca), "%.31s", e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
	return in->defined ? 0 : -ENOENT;
}

int vc_bad_uuid(const char *uuid)
{
	return vc_err(VC_EUSAGE,
		      "'%s' is not a UUID: expected 8-4-4-4-12 hex digits, e.g. from uuidgen; 'vhcactl list' shows the instances.",
		      uuid);
}

/* A created instance @uuid, or an error explaining why not. */
int vc_need_created(const char *uuid, struct vc_inst *in)
{
	int ret;

	if (!vc_uuid_valid(uuid))
		return vc_bad_uuid(uuid);
	ret = vc_require_loaded();
	if (ret)
		return ret;
	if (vc_inst_lookup(uuid, in))
		return vc_err(VC_ENOENT,
			      "no vhca instance %s: it does not exist under %s (see 'vhcactl list').",
			      uuid, VC_DEVICES);
	if (!in->created)
		return vc_err(VC_ENOENT,
			      "instance %s is only defined in mdevctl, not created: start it with 'mdevctl start --uuid %s'.",
			      uuid, uuid);
	return 0;
}

static int vc_inst_cmp(const void *a, const void *b)
{
	const struct vc_inst *x = a, *y = b;
	int c = strcmp(x->hca, y->hca);

	return c ? c : strcmp(x->uuid, y->uuid);
}

static int vc_inst_append(struct vc_inst **list, int *n, const char *uuid,
			  const char *hca)
{
	struct vc_inst in, *grown;
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*list)[i].uuid, uuid))
			return 0;
	if (vc_inst_lookup(uuid, &in) || (hca && strcmp(in.hca, hca)))
		return 0;
	grown = realloc(*list, (*n + 1) * sizeof(in));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[(*n)++] = in;
	return 0;
}

/**
 * vc_inst_list() - every created or defined instance, of @hca or of all
 * @hca: an HCA name, or NULL for all
 * @out: a malloc()ed array, sorted by HCA and UUID (free() it)
 *
 * Return: the number of instances, or a negative errno.
 */
int vc_inst_list(const char *hca, struct vc_inst **out)
{
	struct dirent *e, *f;
	char path[PATH_MAX];
	int n = 0, ret = 0;
	DIR *d, *sub;

	*out = NULL;
	d = opendir(VC_DEVICES);
	while (!ret && d && (e = readdir(d)))
		if (vc_uuid_valid(e->d_name))
			ret = vc_inst_append(out, &n, e->d_name, hca);
	if (d)
		closedir(d);
	d = opendir(VC_MDEVCTL_DIR);
	while (!ret && d && (e = readdir(d))) {
		if (strncmp(e->d_name, "vhca", 4) || (hca && strcmp(hca, e->d_name)) ||
		    vc_path(path, sizeof(path), VC_MDEVCTL_DIR "/%s", e->d_name))
			continue;
		sub = opendir(path);
		while (!ret && sub && (f = readdir(sub)))
			if (vc_uuid_valid(f->d_name))
				ret = vc_inst_append(out, &n, f->d_name, NULL);
		if (sub)
			closedir(sub);
	}
	if (d)
		closedir(d);
	if (ret) {
		free(*out);
		*out = NULL;
		return ret;
	}
	qsort(*out, (size_t)n, sizeof(**out), vc_inst_cmp);
	return n;
}

bool vc_inst_in_use(const struct vc_inst *in)
{
	return in->created &&
	       (in->nr_users > 0 ||
		(in->dev_state[0] && strcmp(in->dev_state, "reset")));
}

/* defined (mdevctl only), created, or in use. */
const char *vc_inst_state(const struct vc_inst *in)
{
	if (!in->created)
		return "defined";
	return vc_inst_in_use(in) ? "in use" : "created";
}

void vc_users_text(const struct vc_inst *in, char *buf, size_t len)
{
	size_t used = 0;
	int i, w;

	buf[0] = '\0';
	if (!in->created) {
		snprintf(buf, len, "-");
		return;
	}
	for (i = 0; i < in->nr_users; i++) {
		w = snprintf(buf + used, len - used, "%s%d(%s)", i ? "," : "",
			     (int)in->users[i].pid, in->users[i].comm);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (!in->nr_users)
		snprintf(buf, len, "%s", in->users_known ? "-" : "?");
	else if (!in->users_known && used + 2 < len)
		strcat(buf, ",?");
}

/* "users": [{pid, comm}...], or null when /proc could not be searched. */
void vc_json_users(struct vc_json *j, const struct vc_inst *in)
{
	int i;

	if (!in->created || (!in->users_known && !in->nr_users)) {
		vc_json_null(j, "users");
		return;
	}
	vc_json_open(j, "users", '[');
	for (i = 0; i < in->nr_users; i++) {
		vc_json_open(j, NULL, '{');
		vc_json_u64(j, "pid", (uint64_t)in->users[i].pid);
		vc_json_str(j, "comm", in->users[i].comm);
		vc_json_close(j, '}');
	}
	vc_json_close(j, ']');
}

/* "key": {k: v, ...} from text like "qps=2048, cqs=2048". */
void vc_json_kv_list(struct vc_json *j, const char *key, const char *text)
{
	char buf[512], *save = NULL, *tok, *eq;

	snprintf(buf, sizeof(buf), "%s", text);
	vc_json_open(j, key, '{');
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = '\0';
		vc_json_num_or_str(j, tok, eq + 1);
	}
	vc_json_close(j, '}');
}

/* "key": {file: value, ...} for every file in sysfs directory @dir. */
void vc_json_dir_u64(struct vc_json *j, const char *key, const char *dir)
{
	struct dirent **names;
	char path[PATH_MAX], val[64];
	int n, i;

	vc_json_open(j, key, '{');
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    !vc_path(path, sizeof(path), "%s/%s", dir, names[i]->d_name) &&
		    !vhca_sysfs_read(path, val, sizeof(val)))
			vc_json_num_or_str(j, names[i]->d_name, val);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	vc_json_close(j, '}');
}
