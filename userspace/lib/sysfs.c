// SPDX-License-Identifier: GPL-2.0-only
/* Instance management through the mdev sysfs interface. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvhca.h"

#define MDEV_BUS	"/sys/class/mdev_bus"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"

int vhca_sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

int vhca_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int vhca_sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = vhca_sysfs_read(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	return errno || end == buf || *end ? -EINVAL : 0;
}

int vhca_type_attr(const char *hca, const char *type, const char *attr,
		   char *buf, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types/%s/%s",
		 hca, type, attr);
	return vhca_sysfs_read(path, buf, len);
}

int vhca_type_available(const char *hca, const char *type, unsigned int *avail)
{
	char path[512];
	uint64_t v;
	int ret;

	snprintf(path, sizeof(path),
		 MDEV_BUS "/%s/mdev_supported_types/%s/available_instances",
		 hca, type);
	ret = vhca_sysfs_read_u64(path, &v);
	if (!ret)
		*avail = (unsigned int)v;
	return ret;
}

int vhca_instance_create(const char *hca, const char *type, const char *uuid)
{
	char path[512];

	snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types/%s/create",
		 hca, type);
	return vhca_sysfs_write(path, uuid);
}

int vhca_instance_remove(const char *uuid)
{
	char path[512];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	return vhca_sysfs_write(path, "1");
}

int vhca_instance_exists(const char *uuid)
{
	char path[512];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s", uuid);
	return access(path, F_OK) == 0;
}

/**
 * vhca_instance_counter() - one of an instance's counters/ files
 * @uuid: the instance
 * @name: counter name (commands, pinned_pages, qps, ...)
 *
 * Return: the value, or ~0 if it cannot be read.
 */
uint64_t vhca_instance_counter(const char *uuid, const char *name)
{
	char path[512];
	uint64_t v;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/counters/%s", uuid, name);
	return vhca_sysfs_read_u64(path, &v) ? ~0ull : v;
}

void vhca_uuid_generate(char out[VHCA_UUID_LEN + 1])
{
	unsigned char b[16];
	int fd, ok = 0;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = read(fd, b, sizeof(b)) == (ssize_t)sizeof(b);
		close(fd);
	}
	if (!ok)
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, VHCA_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}
