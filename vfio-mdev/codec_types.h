/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types for the pure codec and validator files of vfio-mdev/: in the kernel
 * they are the kernel's own; userspace unit tests and fuzzers supply the
 * same names from codec_types_user.h on their include path.
 */
#ifndef _VHCA_CODEC_TYPES_H
#define _VHCA_CODEC_TYPES_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include "codec_types_user.h"
#endif

#endif /* _VHCA_CODEC_TYPES_H */
