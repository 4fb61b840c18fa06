# SPDX-License-Identifier: GPL-2.0-only
# Compile probes: one grep per API change, see vhca_mdev_compat.h.
probe = $(if $(shell grep -qsE '$(2)' $(srctree)/include/$(1) && echo y),-D$(3))
ccflags-y += $(call probe,linux/vfio.h,void vfio_free_device,VHCA_HAVE_VFIO_FREE_DEVICE)
ccflags-y += $(call probe,linux/vfio.h,bind_iommufd,VHCA_HAVE_VFIO_IOMMUFD_OPS)
ccflags-y += $(call probe,linux/vfio.h,void vfio_iommufd_emulated_detach_ioas,VHCA_HAVE_VFIO_DETACH_IOAS)
ccflags-y += $(call probe,linux/eventfd.h,eventfd_signal\(struct eventfd_ctx \*ctx\),VHCA_HAVE_EVENTFD_SIGNAL_NOCOUNT)
