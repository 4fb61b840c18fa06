/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VFIO/mdev API differences between the kernels vhca supports. Each
 * VHCA_HAVE_* comes from a compile probe in Kbuild; each shim names the
 * kernel change it covers so it can be deleted when that kernel is dropped.
 */
#ifndef _VHCA_MDEV_COMPAT_H
#define _VHCA_MDEV_COMPAT_H

#include <linux/eventfd.h>
#include <linux/vfio.h>

/*
 * Linux 6.1 drivers free a vfio_device from their .release callback; 6.2
 * ("vfio: Remove vfio_free_device") moved that into the core.
 */
static inline void vhca_compat_vfio_free_device(struct vfio_device *vdev)
{
#ifdef VHCA_HAVE_VFIO_FREE_DEVICE
	vfio_free_device(vdev);
#endif
}

/* Linux 6.8 ("eventfd: simplify eventfd_signal()") dropped the count. */
static inline void vhca_compat_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef VHCA_HAVE_EVENTFD_SIGNAL_NOCOUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/*
 * Linux 6.6 ("vfio-iommufd: Add detach_ioas support for emulated VFIO
 * devices") added .detach_ioas; with CONFIG_IOMMUFD, vfio refuses to register
 * a device that lacks it (WARN_ON in __vfio_register_dev).
 */
#ifdef VHCA_HAVE_VFIO_DETACH_IOAS
#define VHCA_COMPAT_IOMMUFD_DETACH_OP				\
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#else
#define VHCA_COMPAT_IOMMUFD_DETACH_OP
#endif

/*
 * Linux 6.2 ("vfio-iommufd: Support iommufd for emulated VFIO devices") added
 * iommufd binding ops that emulated-IOMMU devices must set (they are NULL
 * stubs when CONFIG_IOMMUFD is off, as in Debian 13's 6.12); 6.1 has none.
 */
#ifdef VHCA_HAVE_VFIO_IOMMUFD_OPS
#define VHCA_COMPAT_IOMMUFD_EMULATED_OPS			\
	.bind_iommufd = vfio_iommufd_emulated_bind,		\
	.unbind_iommufd = vfio_iommufd_emulated_unbind,		\
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,	\
	VHCA_COMPAT_IOMMUFD_DETACH_OP
#else
#define VHCA_COMPAT_IOMMUFD_EMULATED_OPS
#endif

#endif /* _VHCA_MDEV_COMPAT_H */
