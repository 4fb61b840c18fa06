// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhcactl: list vhca HCAs, types and instances; create and destroy
 * instances; show what an instance looks like through VFIO.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvhca.h"

#define VHCA_CLASS	"/sys/class/vhca"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"

enum { EXIT_USAGE = 2, EXIT_NOT_LOADED = 3, EXIT_FAILED = 1 };

static int usage(FILE *f)
{
	fprintf(f,
		"usage: vhcactl list\n"
		"       vhcactl create TYPE [--hca vhcaN] [--uuid UUID]\n"
		"       vhcactl destroy UUID\n"
		"       vhcactl info UUID\n"
		"TYPE is vhca-pvrdma-1, -2, -4 or -8 (1/N of an HCA).\n"
		"Exit status: 0 ok, 1 the operation failed, 2 usage error,\n"
		"3 vhca modules not loaded.\n");
	return f == stderr ? EXIT_USAGE : 0;
}

static int require_loaded(void)
{
	if (access(VHCA_CLASS, F_OK) == 0)
		return 0;
	fprintf(stderr,
		"vhcactl: no vhca HCAs: %s does not exist.\n"
		"Load the modules: modprobe vhca_mdev (or insmod vhca_core.ko, then vhca_mdev.ko).\n",
		VHCA_CLASS);
	return EXIT_NOT_LOADED;
}

static void list_types(const char *hca)
{
	static const char *const types[] = {
		"vhca-pvrdma-1", "vhca-pvrdma-2", "vhca-pvrdma-4", "vhca-pvrdma-8"
	};
	char desc[256];
	unsigned int avail, i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (vhca_type_available(hca, types[i], &avail))
			continue;
		if (vhca_type_attr(hca, types[i], "description", desc,
				   sizeof(desc)))
			desc[0] = '\0';
		printf("  type %-14s available %u  (%s)\n", types[i], avail,
		       desc);
	}
}

static void list_instances(const char *hca)
{
	char path[512], link[512], type[128];
	struct dirent *e;
	ssize_t n;
	DIR *d;

	d = opendir(MDEV_DEVICES);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mdev_type",
			 e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (!strstr(link, hca))
			continue;
		snprintf(type, sizeof(type), "%s", strrchr(link, '/') + 1);
		printf("  instance %s  type %s\n", e->d_name, type);
	}
	closedir(d);
}

static int cmd_list(void)
{
	struct dirent **names;
	char path[512];
	uint64_t slices = 0, free_slices = 0;
	int n, i, ret;

	ret = require_loaded();
	if (ret)
		return ret;
	n = scandir(VHCA_CLASS, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *hca = names[i]->d_name;

		if (hca[0] != '.') {
			snprintf(path, sizeof(path), VHCA_CLASS "/%s/slices", hca);
			vhca_sysfs_read_u64(path, &slices);
			snprintf(path, sizeof(path), VHCA_CLASS "/%s/slices_free",
				 hca);
			vhca_sysfs_read_u64(path, &free_slices);
			printf("%s: %llu of %llu slices free\n", hca,
			       (unsigned long long)free_slices,
			       (unsigned long long)slices);
			list_types(hca);
			list_instances(hca);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

static int explain_create_error(int err, const char *hca, const char *type)
{
	switch (-err) {
	case ENOENT:
		fprintf(stderr, "vhcactl: %s has no type %s. Types: vhca-pvrdma-1, -2, -4, -8 (see 'vhcactl list').\n",
			hca, type);
		break;
	case ENOSPC:
		fprintf(stderr, "vhcactl: cannot create %s on %s: no capacity left. Destroy an instance or use a smaller type (see 'vhcactl list').\n",
			type, hca);
		break;
	case EEXIST:
		fprintf(stderr, "vhcactl: an mdev with that UUID already exists; pick another --uuid.\n");
		break;
	case EINVAL:
		fprintf(stderr, "vhcactl: the kernel rejected the UUID; give one like 8-4-4-4-12 hex digits.\n");
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr, "vhcactl: permission denied: creating instances needs root.\n");
		break;
	default:
		fprintf(stderr, "vhcactl: creating %s on %s failed: %s\n", type,
			hca, strerror(-err));
	}
	return EXIT_FAILED;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hca", required_argument, NULL, 'h' },
		{ "uuid", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hca = "vhca0", *uuid = NULL;
	char generated[VHCA_UUID_LEN + 1];
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h')
			hca = optarg;
		else if (c == 'u')
			uuid = optarg;
		else
			return usage(stderr);
	}
	if (optind != argc - 1)
		return usage(stderr);
	ret = require_loaded();
	if (ret)
		return ret;
	if (!uuid) {
		vhca_uuid_generate(generated);
		uuid = generated;
	}
	ret = vhca_instance_create(hca, argv[optind], uuid);
	if (ret)
		return explain_create_error(ret, hca, argv[optind]);
	printf("%s\n", uuid);
	return 0;
}

static int cmd_destroy(const char *uuid)
{
	int ret;

	if (!vhca_instance_exists(uuid)) {
		fprintf(stderr, "vhcactl: no instance %s (see 'vhcactl list').\n",
			uuid);
		return EXIT_FAILED;
	}
	ret = vhca_instance_remove(uuid);
	if (ret) {
		fprintf(stderr, "vhcactl: destroying %s failed: %s\n", uuid,
			strerror(-ret));
		return EXIT_FAILED;
	}
	return 0;
}

static int cmd_info(const char *uuid)
{
	static const char *const names[] = {
		"BAR0 (MSI-X)", "BAR1 (registers)", "BAR2 (UAR pages)", "BAR3",
		"BAR4", "BAR5", "ROM", "config", "VGA"
	};
	struct vfio_irq_info irq;
	struct vhca_dev d;
	uint32_t id, class, version;
	unsigned int i;
	int ret;

	ret = vhca_dev_open(&d, uuid);
	if (ret) {
		fprintf(stderr, "vhcactl: cannot open %s through VFIO: %s%s\n",
			uuid, strerror(-ret),
			ret == -EBUSY ? " (a VMM has it open)" :
			ret == -ENOENT ? " (no such instance, or vfio_iommu_type1 not loaded)" : "");
		return EXIT_FAILED;
	}
	vhca_cfg_read32(&d, 0x00, &id);
	vhca_cfg_read32(&d, 0x08, &class);
	vhca_bar_read32(&d, 1, 0, &version);
	printf("%s: PCI %04x:%04x class %06x, PVRDMA version %u\n", uuid,
	       id & 0xffff, id >> 16, class >> 8, version);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		if (d.regions[i].size)
			printf("  region %-17s %8llu bytes\n", names[i],
			       (unsigned long long)d.regions[i].size);
	if (!vhca_irq_info(&d, VFIO_PCI_MSIX_IRQ_INDEX, &irq))
		printf("  MSI-X vectors %u\n", irq.count);
	vhca_dev_close(&d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	if (!strcmp(argv[1], "list") && argc == 2)
		return cmd_list();
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "destroy") && argc == 3)
		return cmd_destroy(argv[2]);
	if (!strcmp(argv[1], "info") && argc == 3)
		return cmd_info(argv[2]);
	return usage(stderr);
}
