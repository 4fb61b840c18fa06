// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhcactl: manage vhca HCAs and their mdev instances. list, create,
 * destroy, set, stats, info and selftest; --json on every command.
 * Every error says what failed, why, and what to do; the exit code says
 * which kind of error it was (enum vc_exit, documented in vhcactl(8)).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhcactl.h"

static bool json;

static const char usage_text[] =
	"usage: vhcactl [--json] COMMAND [ARGS]\n"
	"\n"
	"  list [--hca HCA]                 HCAs, types (quotas, available instances)\n"
	"                                   and instances (state, attributes, users)\n"
	"  create TYPE [--hca HCA] [--uuid UUID] [--mac MAC] [--network N]\n"
	"         [--qos weight=W,rate=MBPS]\n"
	"                                   create an instance; prints its UUID\n"
	"  destroy UUID [--force]           remove an instance (--force: even if a\n"
	"                                   VMM has it open; waits until it lets go)\n"
	"  set UUID ATTR=VALUE...           mac, network, qos.weight, qos.rate\n"
	"  stats UUID                       the instance's counters\n"
	"  info UUID                        everything about one instance\n"
	"  selftest UUID                    drive an unused instance through VFIO:\n"
	"                                   probe, then create and destroy a user\n"
	"                                   context, PD, CQ, MR, SRQ and QP\n"
	"\n"
	"TYPE is vhca-pvrdma-1, -2, -4 or -8 (1/N of an HCA); HCA defaults to vhca0.\n"
	"States: defined (mdevctl only), created, in use (a process holds its VFIO\n"
	"group open, or the device is not in reset).\n"
	"--json prints JSON on stdout; errors always go to stderr as text.\n"
	"\n"
	"Exit status: 0 ok, 1 failed, 2 usage error or malformed value, 3 vhca not\n"
	"loaded, 4 permission denied (needs root), 5 no such HCA, type or instance,\n"
	"6 no capacity left, 7 instance in use, 8 not supported by this kernel module.\n"
	"See vhcactl(8).\n";

static int usage(bool error)
{
	fputs(usage_text, error ? stderr : stdout);
	return error ? VC_EUSAGE : VC_OK;
}

/* ---- list ---- */

static void list_types_text(const char *hca)
{
	struct dirent **names;
	char dir[PATH_MAX], desc[512];
	unsigned int avail;
	int n, i;

	vc_path(dir, sizeof(dir), VC_MDEV_BUS "/%s/mdev_supported_types", hca);
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		printf("  (no mdev types: vhca_mdev is not loaded)\n");
		return;
	}
	printf("  %-15s %5s %6s  %s\n", "TYPE", "AVAIL", "SLICES", "QUOTAS");
	for (i = 0; i < n; i++) {
		const char *t = names[i]->d_name;

		if (t[0] != '.' && !vhca_type_available(hca, t, &avail)) {
			if (vhca_type_attr(hca, t, "description", desc, sizeof(desc)))
				desc[0] = '\0';
			printf("  %-15s %5u %6u  %s\n", t, avail,
			       vc_type_slices(hca, t), desc);
		}
		free(names[i]);
	}
	free(names);
}

static void list_types_json(struct vc_json *j, const char *hca)
{
	struct dirent **names;
	char dir[PATH_MAX], buf[512];
	unsigned int avail;
	int n, i;

	vc_path(dir, sizeof(dir), VC_MDEV_BUS "/%s/mdev_supported_types", hca);
	vc_json_open(j, "types", '[');
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *t = names[i]->d_name;

		if (t[0] != '.' && !vhca_type_available(hca, t, &avail)) {
			vc_json_open(j, NULL, '{');
			vc_json_str(j, "name", t);
			vc_json_u64(j, "available_instances", avail);
			vc_json_u64(j, "slices", vc_type_slices(hca, t));
			if (!vhca_type_attr(hca, t, "name", buf, sizeof(buf)))
				vc_json_str(j, "pretty_name", buf);
			if (!vhca_type_attr(hca, t, "device_api", buf, sizeof(buf)))
				vc_json_str(j, "device_api", buf);
			if (!vhca_type_attr(hca, t, "description", buf, sizeof(buf)))
				vc_json_kv_list(j, "quotas", buf);
			vc_json_close(j, '}');
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	vc_json_close(j, ']');
}

static void inst_json(struct vc_json *j, const char *key, const struct vc_inst *in)
{
	vc_json_open(j, key, '{');
	vc_json_str(j, "uuid", in->uuid);
	vc_json_str(j, "hca", in->hca);
	vc_json_str(j, "type", in->type[0] ? in->type : NULL);
	vc_json_str(j, "state", vc_inst_state(in));
	vc_json_str(j, "device_state", in->dev_state[0] ? in->dev_state : NULL);
	vc_json_str(j, "mac", in->mac[0] ? in->mac : NULL);
	vc_json_num_or_str(j, "network", in->network[0] ? in->network : NULL);
	if (in->group >= 0)
		vc_json_u64(j, "iommu_group", (uint64_t)in->group);
	else
		vc_json_null(j, "iommu_group");
	vc_json_users(j, in);
	vc_json_bool(j, "defined", in->defined);
	if (in->defined)
		vc_json_bool(j, "autostart", in->autostart);
	else
		vc_json_null(j, "autostart");
	vc_json_close(j, '}');
}

static void inst_text(const struct vc_inst *in)
{
	char users[256];

	vc_users_text(in, users, sizeof(users));
	printf("  %-36s %-14s %-8s %-6s %-17s %-7s %s%s\n", in->uuid,
	       in->type[0] ? in->type : "?", vc_inst_state(in),
	       in->dev_state[0] ? in->dev_state : "-",
	       in->mac[0] ? in->mac : "-",
	       in->network[0] ? in->network : "-", users,
	       in->defined ? (in->autostart ? " [mdevctl auto]" : " [mdevctl]") : "");
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hca", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL;
	struct dirent **hcas;
	struct vc_inst *insts;
	struct vc_json j;
	char path[PATH_MAX];
	int nh, ni, h, i, c, ret, shown;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'H')
			return usage(true);
		only = optarg;
	}
	if (optind != argc)
		return usage(true);
	if (access(VC_CLASS, F_OK))
		return vc_require_loaded();
	if (only && !vc_hca_exists(only)) {
		vc_list_names(VC_CLASS, "", path, sizeof(path));
		return vc_err(VC_ENOENT, "no HCA %s; the HCAs are: %s.", only, path);
	}
	ni = vc_inst_list(only, &insts);
	if (ni < 0)
		return vc_err(VC_EFAIL, "listing instances failed: %s", strerror(-ni));
	nh = scandir(VC_CLASS, &hcas, NULL, alphasort);
	if (nh < 0) {
		free(insts);
		return vc_err(VC_EFAIL, "cannot read %s: %s", VC_CLASS, strerror(errno));
	}
	vc_json_init(&j, stdout);
	if (json) {
		vc_json_open(&j, NULL, '{');
		vc_json_open(&j, "hcas", '[');
	}
	for (h = 0; h < nh; h++) {
		const char *hca = hcas[h]->d_name;
		uint64_t slices = 0, free_slices = 0, functions = 0;

		if (hca[0] == '.' || (only && strcmp(only, hca)))
			goto next;
		vc_path(path, sizeof(path), VC_CLASS "/%s/slices", hca);
		vhca_sysfs_read_u64(path, &slices);
		vc_path(path, sizeof(path), VC_CLASS "/%s/slices_free", hca);
		vhca_sysfs_read_u64(path, &free_slices);
		vc_path(path, sizeof(path), VC_CLASS "/%s/functions", hca);
		vhca_sysfs_read_u64(path, &functions);
		if (json) {
			vc_json_open(&j, NULL, '{');
			vc_json_str(&j, "name", hca);
			vc_json_u64(&j, "slices", slices);
			vc_json_u64(&j, "slices_free", free_slices);
			vc_json_u64(&j, "functions", functions);
			vc_path(path, sizeof(path), VC_CLASS "/%s/capacity", hca);
			vc_json_dir_u64(&j, "capacity", path);
			list_types_json(&j, hca);
			vc_json_open(&j, "instances", '[');
			for (i = 0; i < ni; i++)
				if (!strcmp(insts[i].hca, hca))
					inst_json(&j, NULL, &insts[i]);
			vc_json_close(&j, ']');
			vc_json_close(&j, '}');
			goto next;
		}
		printf("%s: %llu slices, %llu free, %llu instance%s\n", hca,
		       (unsigned long long)slices, (unsigned long long)free_slices,
		       (unsigned long long)functions, functions == 1 ? "" : "s");
		list_types_text(hca);
		for (i = 0, shown = 0; i < ni; i++) {
			if (strcmp(insts[i].hca, hca))
				continue;
			if (!shown++)
				printf("  %-36s %-14s %-8s %-6s %-17s %-7s %s\n",
				       "INSTANCE", "TYPE", "STATE", "DEVICE",
				       "MAC", "NETWORK", "USERS");
			inst_text(&insts[i]);
		}
		if (!shown)
			printf("  no instances\n");
next:
		free(hcas[h]);
	}
	free(hcas);
	if (json) {
		vc_json_close(&j, ']');
		vc_json_close(&j, '}');
		vc_json_finish(&j);
	}
	free(insts);
	ret = vc_require_loaded();
	return ret == VC_ENOTLOADED ? ret : VC_OK;
}

/* ---- attributes (create --mac/--network/--qos, set) ---- */

enum vc_attr_kind { VC_MAC, VC_U32 };

static const struct vc_attr {
	const char *name;
	const char *file;
	enum vc_attr_kind kind;
	const char *what;
} vc_attrs[] = {
	{ "mac", "vhca/mac", VC_MAC,
	  "MAC of the paired vmxnet3 NIC, e.g. 52:54:00:12:34:56" },
	{ "network", "vhca/network", VC_U32,
	  "fabric partition, 0 to 4294967295" },
	{ "qos.weight", "vhca/qos_weight", VC_U32,
	  "QoS scheduling weight, an unsigned number" },
	{ "qos.rate", "vhca/qos_rate_mbps", VC_U32,
	  "QoS rate limit in Mbit/s, an unsigned number (0 = none)" },
};

static const struct vc_attr *find_attr(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vc_attrs); i++)
		if (!strcmp(vc_attrs[i].name, name))
			return &vc_attrs[i];
	return NULL;
}

static int check_attr_value(const struct vc_attr *a, const char *val)
{
	bool ok = a->kind == VC_MAC ? vc_mac_valid(val) : vc_u32_valid(val);

	if (ok)
		return 0;
	return vc_err(VC_EUSAGE, "%s: '%s' is not valid: expected the %s.",
		      a->name, val, a->what);
}

/* Write one attribute of instance @in; a message and exit code if not. */
static int apply_attr(const struct vc_inst *in, const struct vc_attr *a,
		      const char *val)
{
	char path[PATH_MAX], users[256];
	int ret;

	vc_path(path, sizeof(path), VC_DEVICES "/%s/%s", in->uuid, a->file);
	if (access(path, F_OK))
		return vc_err(VC_ENOTSUP,
			      "%s: not supported by this kernel module: the loaded vhca_mdev has no %s attribute (%s).",
			      a->name, a->file, path);
	ret = vhca_sysfs_write(path, val);
	if (!ret)
		return 0;
	switch (-ret) {
	case EBUSY:
		vc_users_text(in, users, sizeof(users));
		return vc_err(VC_EBUSY,
			      "cannot set %s of %s: the instance is open (users: %s) and vhca only changes %s while no VMM has it open. Shut the VM down, set it, start the VM again.",
			      a->name, in->uuid, users, a->name);
	case EACCES:
	case EPERM:
		return vc_err(VC_EPERM,
			      "cannot set %s: permission denied writing %s; changing instances needs root.",
			      a->name, path);
	case EINVAL:
		return vc_err(VC_EUSAGE,
			      "the kernel rejected %s=%s (%s): expected the %s.",
			      a->name, val, strerror(-ret), a->what);
	}
	return vc_err(vc_errno_exit(ret), "writing %s to %s failed: %s",
		      val, path, strerror(-ret));
}

#define VC_MAX_SETS 8

struct vc_set {
	const struct vc_attr *attr;
	const char *val;
};

/* Parse "weight=W,rate=R" of --qos into @sets. */
static int parse_qos(char *spec, struct vc_set *sets, int *n)
{
	char *save = NULL, *tok, *eq, name[32];
	const struct vc_attr *a;
	int ret;

	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			return vc_err(VC_EUSAGE,
				      "--qos: '%s' is not KEY=VALUE; keys: weight, rate.", tok);
		*eq = '\0';
		snprintf(name, sizeof(name), "qos.%.20s", tok);
		a = find_attr(name);
		if (!a)
			return vc_err(VC_EUSAGE,
				      "--qos: unknown key '%s'; keys: weight, rate.", tok);
		ret = check_attr_value(a, eq + 1);
		if (ret)
			return ret;
		if (*n >= VC_MAX_SETS)
			return vc_err(VC_EUSAGE, "too many attributes");
		sets[*n].attr = a;
		sets[(*n)++].val = eq + 1;
	}
	return 0;
}

/* ---- create ---- */

static int explain_create_error(int err, const char *hca, const char *type,
				const char *uuid)
{
	char path[PATH_MAX], fits[256] = "";
	unsigned int avail, i;
	uint64_t free_slices = 0;
	static const char *const types[] = {
		"vhca-pvrdma-8", "vhca-pvrdma-4", "vhca-pvrdma-2", "vhca-pvrdma-1"
	};

	switch (-err) {
	case ENOSPC:
		vc_path(path, sizeof(path), VC_CLASS "/%s/slices_free", hca);
		vhca_sysfs_read_u64(path, &free_slices);
		for (i = 0; i < 4; i++)
			if (!vhca_type_available(hca, types[i], &avail) && avail &&
			    strlen(fits) + 20 < sizeof(fits))
				sprintf(fits + strlen(fits), "%s%s", fits[0] ? ", " : "",
					types[i]);
		return vc_err(VC_ENOSPC,
			      "cannot create %s on %s: no capacity left (%s needs %u slices, %llu of the HCA's slices are free). Destroy an instance, use another HCA (--hca), or a smaller type%s%s.",
			      type, hca, type, vc_type_slices(hca, type),
			      (unsigned long long)free_slices,
			      fits[0] ? " that still fits: " : " (none fits)", fits);
	case EEXIST:
		return vc_err(VC_EFAIL,
			      "cannot create %s: an mdev with that UUID already exists; pick another --uuid or omit it.",
			      uuid);
	case EINVAL:
		return vc_err(VC_EUSAGE,
			      "the kernel rejected UUID %s (EINVAL); give one of 8-4-4-4-12 hex digits.",
			      uuid);
	case EACCES:
	case EPERM:
		return vc_err(VC_EPERM,
			      "permission denied writing %s/%s/mdev_supported_types/%s/create: creating instances needs root.",
			      VC_MDEV_BUS, hca, type);
	case ENOENT:
		return vc_err(VC_ENOENT, "%s has no type %s (see 'vhcactl list').",
			      hca, type);
	}
	return vc_err(VC_EFAIL, "creating %s on %s failed: %s", type, hca,
		      strerror(-err));
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hca", required_argument, NULL, 'H' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "mac", required_argument, NULL, 'm' },
		{ "network", required_argument, NULL, 'n' },
		{ "qos", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hca = "vhca0", *uuid = NULL, *type;
	char generated[VHCA_UUID_LEN + 1], names[256];
	struct vc_set sets[VC_MAX_SETS];
	struct vc_inst in;
	int c, ret, n = 0, i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			hca = optarg;
			break;
		case 'u':
			uuid = optarg;
			break;
		case 'm':
		case 'n':
			sets[n].attr = find_attr(c == 'm' ? "mac" : "network");
			sets[n].val = optarg;
			ret = check_attr_value(sets[n++].attr, optarg);
			if (ret)
				return ret;
			break;
		case 'q':
			ret = parse_qos(optarg, sets, &n);
			if (ret)
				return ret;
			break;
		default:
			return usage(true);
		}
		if (n >= VC_MAX_SETS - 2)
			return vc_err(VC_EUSAGE, "too many attributes");
	}
	if (optind != argc - 1)
		return usage(true);
	type = argv[optind];
	if (uuid && !vc_uuid_valid(uuid))
		return vc_bad_uuid(uuid);
	ret = vc_require_loaded();
	if (ret)
		return ret;
	if (!vc_hca_exists(hca)) {
		vc_list_names(VC_CLASS, "", names, sizeof(names));
		return vc_err(VC_ENOENT, "no HCA %s; the HCAs are: %s.", hca, names);
	}
	if (!vc_type_exists(hca, type)) {
		char dir[PATH_MAX];

		vc_path(dir, sizeof(dir), VC_MDEV_BUS "/%s/mdev_supported_types", hca);
		vc_list_names(dir, "", names, sizeof(names));
		return vc_err(VC_ENOENT, "unknown type '%s' on %s; the types are: %s.",
			      type, hca, names[0] ? names : "none (is vhca_mdev loaded?)");
	}
	if (!uuid) {
		vhca_uuid_generate(generated);
		uuid = generated;
	}
	ret = vhca_instance_create(hca, type, uuid);
	if (ret)
		return explain_create_error(ret, hca, type, uuid);
	ret = vc_inst_lookup(uuid, &in) ? VC_EFAIL : 0;
	if (ret)
		vc_err(ret, "instance %s was created but cannot be found in %s", uuid,
		       VC_DEVICES);
	for (i = 0; !ret && i < n; i++)
		ret = apply_attr(&in, sets[i].attr, sets[i].val);
	if (ret) {
		int rm = vhca_instance_remove(uuid);

		if (rm)
			vc_err(ret, "could not remove the half-configured instance %s either: %s; remove it with 'vhcactl destroy %s'.",
			       uuid, strerror(-rm), uuid);
		else
			fprintf(stderr,
				"vhcactl: instance %s was removed again; nothing was created.\n",
				uuid);
		return ret;
	}
	if (json) {
		struct vc_json j;

		vc_json_init(&j, stdout);
		vc_inst_lookup(uuid, &in);
		inst_json(&j, NULL, &in);
		vc_json_finish(&j);
	} else {
		printf("%s\n", uuid);
	}
	return 0;
}

/* ---- destroy ---- */

static int cmd_destroy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char users[256];
	struct vc_inst in;
	bool force = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return usage(true);
		force = true;
	}
	if (optind != argc - 1)
		return usage(true);
	ret = vc_need_created(argv[optind], &in);
	if (ret)
		return ret;
	vc_users_text(&in, users, sizeof(users));
	if (vc_inst_in_use(&in) && !force)
		return vc_err(VC_EBUSY,
			      "not destroying %s: it is in use (users: %s, device %s). Shut the VM down first, or use --force to make the VMM release it (QEMU unplugs the device; destroy waits until it has).",
			      in.uuid, users, in.dev_state);
	ret = vhca_instance_remove(in.uuid);
	if (ret == -EACCES || ret == -EPERM)
		return vc_err(VC_EPERM,
			      "permission denied writing %s/%s/remove: destroying instances needs root.",
			      VC_DEVICES, in.uuid);
	if (ret)
		return vc_err(vc_errno_exit(ret), "destroying %s failed: %s",
			      in.uuid, strerror(-ret));
	if (in.defined)
		fprintf(stderr,
			"vhcactl: note: %s is still defined in mdevctl%s; 'mdevctl undefine --uuid %s' removes the definition.\n",
			in.uuid, in.autostart ? " (start: auto)" : "", in.uuid);
	if (json) {
		struct vc_json j;

		vc_json_init(&j, stdout);
		vc_json_open(&j, NULL, '{');
		vc_json_str(&j, "uuid", in.uuid);
		vc_json_bool(&j, "destroyed", true);
		vc_json_bool(&j, "still_defined", in.defined);
		vc_json_close(&j, '}');
		vc_json_finish(&j);
	}
	return 0;
}

/* ---- set ---- */

static int cmd_set(int argc, char **argv)
{
	struct vc_set sets[VC_MAX_SETS];
	struct vc_inst in;
	int i, n = 0, ret;
	char *eq;

	if (argc < 3)
		return usage(true);
	if (!vc_uuid_valid(argv[1]))
		return vc_bad_uuid(argv[1]);
	for (i = 2; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (!eq)
			return vc_err(VC_EUSAGE,
				      "'%s' is not ATTR=VALUE; attributes: mac, network, qos.weight, qos.rate.",
				      argv[i]);
		*eq = '\0';
		if (n >= VC_MAX_SETS)
			return vc_err(VC_EUSAGE, "too many attributes");
		sets[n].attr = find_attr(argv[i]);
		if (!sets[n].attr)
			return vc_err(VC_EUSAGE,
				      "unknown attribute '%s'; attributes: mac, network, qos.weight, qos.rate.",
				      argv[i]);
		sets[n].val = eq + 1;
		ret = check_attr_value(sets[n++].attr, eq + 1);
		if (ret)
			return ret;
	}
	ret = vc_need_created(argv[1], &in);
	for (i = 0; !ret && i < n; i++)
		ret = apply_attr(&in, sets[i].attr, sets[i].val);
	if (!ret && json) {
		struct vc_json j;

		vc_json_init(&j, stdout);
		vc_inst_lookup(argv[1], &in);
		inst_json(&j, NULL, &in);
		vc_json_finish(&j);
	}
	return ret;
}

/* ---- stats and info ---- */

static void counters_text(const char *uuid, const char *indent, bool one_line)
{
	struct dirent **names;
	char dir[PATH_MAX], path[PATH_MAX], val[64];
	int n, i;

	vc_path(dir, sizeof(dir), VC_DEVICES "/%s/counters", uuid);
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    !vc_path(path, sizeof(path), "%s/%s", dir, names[i]->d_name) &&
		    !vhca_sysfs_read(path, val, sizeof(val))) {
			if (one_line)
				printf(" %s=%s", names[i]->d_name, val);
			else
				printf("%s%-16s %s\n", indent, names[i]->d_name, val);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (one_line)
		putchar('\n');
}

static int cmd_stats(int argc, char **argv)
{
	char dir[PATH_MAX];
	struct vc_inst in;
	struct vc_json j;
	int ret;

	if (argc != 2)
		return usage(true);
	ret = vc_need_created(argv[1], &in);
	if (ret)
		return ret;
	vc_path(dir, sizeof(dir), VC_DEVICES "/%s/counters", in.uuid);
	if (json) {
		vc_json_init(&j, stdout);
		vc_json_open(&j, NULL, '{');
		vc_json_str(&j, "uuid", in.uuid);
		vc_json_str(&j, "state", vc_inst_state(&in));
		vc_json_str(&j, "device_state", in.dev_state);
		vc_json_dir_u64(&j, "counters", dir);
		vc_json_close(&j, '}');
		vc_json_finish(&j);
		return 0;
	}
	printf("%s (%s on %s, %s, device %s)\n", in.uuid, in.type, in.hca,
	       vc_inst_state(&in), in.dev_state);
	counters_text(in.uuid, "  ", false);
	return 0;
}

/* What the instance looks like through VFIO, if it is free to open. */
static int info_vfio(const struct vc_inst *in, struct vc_json *j)
{
	static const char *const names[] = {
		"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config",
		"VGA"
	};
	struct vfio_irq_info irq;
	struct vhca_dev d;
	uint32_t id = 0, class = 0, version = 0;
	unsigned int i;
	int ret;

	ret = vhca_dev_open(&d, in->uuid);
	if (ret)
		return ret;
	vhca_cfg_read32(&d, 0x00, &id);
	vhca_cfg_read32(&d, 0x08, &class);
	vhca_bar_read32(&d, 1, 0, &version);
	if (vhca_irq_info(&d, VFIO_PCI_MSIX_IRQ_INDEX, &irq))
		irq.count = 0;
	if (j) {
		char buf[16];

		vc_json_open(j, "vfio", '{');
		snprintf(buf, sizeof(buf), "%04x:%04x", id & 0xffff, id >> 16);
		vc_json_str(j, "pci_id", buf);
		snprintf(buf, sizeof(buf), "%06x", class >> 8);
		vc_json_str(j, "class", buf);
		vc_json_u64(j, "pvrdma_version", version);
		vc_json_u64(j, "msix_vectors", irq.count);
		vc_json_open(j, "regions", '{');
		for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
			if (d.regions[i].size)
				vc_json_u64(j, names[i], d.regions[i].size);
		vc_json_close(j, '}');
		vc_json_close(j, '}');
	} else {
		printf("vfio       PCI %04x:%04x class %06x, PVRDMA version %u, %u MSI-X vectors\n",
		       id & 0xffff, id >> 16, class >> 8, version, irq.count);
		printf("regions   ");
		for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
			if (d.regions[i].size)
				printf(" %s=%llu", names[i],
				       (unsigned long long)d.regions[i].size);
		putchar('\n');
	}
	vhca_dev_close(&d);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	char path[PATH_MAX], desc[512], users[256];
	const char *skip = NULL;
	struct vc_inst in;
	struct vc_json j;
	int ret;

	if (argc != 2)
		return usage(true);
	ret = vc_need_created(argv[1], &in);
	if (ret)
		return ret;
	if (vhca_type_attr(in.hca, in.type, "description", desc, sizeof(desc)))
		desc[0] = '\0';
	vc_users_text(&in, users, sizeof(users));
	/* Opening resets an idle device: only when nobody else could care. */
	if (vc_inst_in_use(&in))
		skip = "in use by a VMM";
	else if (geteuid())
		skip = "VFIO needs root";
	else if (!in.users_known)
		skip = "users unknown";
	vc_path(path, sizeof(path), VC_DEVICES "/%s/counters", in.uuid);
	if (json) {
		vc_json_init(&j, stdout);
		vc_json_open(&j, NULL, '{');
		vc_json_str(&j, "uuid", in.uuid);
		vc_json_str(&j, "hca", in.hca);
		vc_json_str(&j, "type", in.type);
		vc_json_u64(&j, "slices", vc_type_slices(in.hca, in.type));
		vc_json_kv_list(&j, "quotas", desc);
		vc_json_str(&j, "state", vc_inst_state(&in));
		vc_json_str(&j, "device_state", in.dev_state);
		vc_json_str(&j, "mac", in.mac[0] ? in.mac : NULL);
		vc_json_num_or_str(&j, "network", in.network[0] ? in.network : NULL);
		if (in.group >= 0)
			vc_json_u64(&j, "iommu_group", (uint64_t)in.group);
		else
			vc_json_null(&j, "iommu_group");
		vc_json_users(&j, &in);
		vc_json_bool(&j, "defined", in.defined);
		vc_json_bool(&j, "autostart", in.autostart);
		vc_json_dir_u64(&j, "counters", path);
		ret = skip ? 0 : info_vfio(&in, &j);
		if (skip || ret) {
			vc_json_null(&j, "vfio");
			vc_json_str(&j, "vfio_skipped", skip ? skip : strerror(-ret));
		}
		vc_json_close(&j, '}');
		vc_json_finish(&j);
		return 0;
	}
	printf("instance   %s\n", in.uuid);
	printf("hca        %s\n", in.hca);
	printf("type       %s (%u slices: %s)\n", in.type,
	       vc_type_slices(in.hca, in.type), desc);
	printf("state      %s (device %s)\n", vc_inst_state(&in), in.dev_state);
	printf("mac        %s\n", in.mac);
	printf("network    %s\n", in.network[0] ? in.network :
	       "not supported by this kernel module");
	printf("vfio group %d (/dev/vfio/%d)\n", in.group, in.group);
	printf("users      %s\n", users);
	printf("mdevctl    %s\n", in.defined ? (in.autostart ?
	       "defined, starts automatically" : "defined, manual start") :
	       "not defined");
	printf("counters  ");
	counters_text(in.uuid, "", true);
	ret = skip ? 0 : info_vfio(&in, NULL);
	if (skip || ret)
		printf("vfio       not opened: %s\n", skip ? skip : strerror(-ret));
	return 0;
}

/* --json and --help may come anywhere; take them out of argv. */
static int strip_global_opts(int argc, char **argv, bool *help)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			*help = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "list", cmd_list }, { "create", cmd_create },
		{ "destroy", cmd_destroy }, { "set", cmd_set },
		{ "stats", cmd_stats }, { "info", cmd_info },
	};
	bool help = false;
	unsigned int i;

	argc = strip_global_opts(argc, argv, &help);
	if (help || (argc > 1 && !strcmp(argv[1], "help")))
		return usage(false);
	if (argc < 2)
		return usage(true);
	if (!strcmp(argv[1], "selftest")) {
		if (argc != 3)
			return usage(true);
		return vc_cmd_selftest(argv[2], json);
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return vc_err(VC_EUSAGE, "unknown command '%s'; 'vhcactl --help' lists the commands.",
		      argv[1]);
}
