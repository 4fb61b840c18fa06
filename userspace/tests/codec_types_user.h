/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel type names for compiling vfio-mdev's pure codecs in userspace. */
#ifndef _VHCA_CODEC_TYPES_USER_H
#define _VHCA_CODEC_TYPES_USER_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#endif
