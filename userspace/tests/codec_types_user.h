/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel type names for compiling vfio-mdev's pure codecs in userspace. */
#ifndef _VHCA_CODEC_TYPES_USER_H
#define _VHCA_CODEC_TYPES_USER_H

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#include <linux/types.h>	/* __le16, __le32, __le64, __be64 */

#define __packed __attribute__((packed))
#define BIT(n) (1u << (n))
#define U64_MAX UINT64_MAX
#define S64_MAX INT64_MAX
#define EXPORT_SYMBOL_GPL(sym)
#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)
#define cpu_to_be64(x) htobe64(x)
#define be64_to_cpu(x) be64toh(x)

#endif
