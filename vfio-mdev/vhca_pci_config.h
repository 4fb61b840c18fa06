/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated PCI configuration space (type 0 header + MSI-X capability),
 * driven by write-mask tables. Pure code: no locking, no kernel APIs; the
 * caller serialises access. Compiles in userspace for unit tests.
 */
#ifndef _VHCA_PCI_CONFIG_H
#define _VHCA_PCI_CONFIG_H

#include "codec_types.h"

#define VHCA_PCI_CFG_SIZE	256
#define VHCA_PCI_BARS		6
#define VHCA_PCI_MSIX_CAP	0x40

/**
 * struct vhca_pci_bar_desc - one memory BAR of the emulated function
 * @size:   bytes, a power of two >= 16; 0 = BAR not implemented
 * @is_64:  64-bit BAR (takes the next BAR slot as its upper half)
 */
struct vhca_pci_bar_desc {
	u64 size;
	bool is_64;
};

/**
 * struct vhca_pci_desc - what the emulated function looks like at reset
 * @vendor:       vendor ID
 * @device:       device ID
 * @subsys_vendor: subsystem vendor ID
 * @subsys_device: subsystem ID
 * @class_code:   24-bit class code (base << 16 | sub << 8 | prog-if)
 * @revision:     revision ID
 * @bars:         BARs 0..5
 * @msix_vectors: MSI-X table size (1..2048), 0 for no MSI-X capability
 * @msix_bar:     BAR holding the MSI-X table and PBA
 * @msix_table:   table offset in @msix_bar (8-byte aligned)
 * @msix_pba:     PBA offset in @msix_bar (8-byte aligned)
 */
struct vhca_pci_desc {
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_device;
	u32 class_code;
	u8 revision;
	struct vhca_pci_bar_desc bars[VHCA_PCI_BARS];
	u16 msix_vectors;
	u8 msix_bar;
	u32 msix_table;
	u32 msix_pba;
};

/**
 * struct vhca_pci_config - live configuration space
 * @data:    current register bytes (little-endian as on the bus)
 * @wmask:   bits the guest may change
 * @w1cmask: bits the guest clears by writing 1
 */
struct vhca_pci_config {
	u8 data[VHCA_PCI_CFG_SIZE];
	u8 wmask[VHCA_PCI_CFG_SIZE];
	u8 w1cmask[VHCA_PCI_CFG_SIZE];
};

int vhca_pci_desc_validate(const struct vhca_pci_desc *desc);
void vhca_pci_config_init(struct vhca_pci_config *cfg,
			  const struct vhca_pci_desc *desc);
int vhca_pci_config_read(const struct vhca_pci_config *cfg, u64 pos,
			 void *buf, u64 count);
int vhca_pci_config_write(struct vhca_pci_config *cfg, u64 pos,
			  const void *buf, u64 count);
u64 vhca_pci_config_bar_addr(const struct vhca_pci_config *cfg,
			     const struct vhca_pci_desc *desc, unsigned int bar);
bool vhca_pci_config_mem_enabled(const struct vhca_pci_config *cfg);

#endif /* _VHCA_PCI_CONFIG_H */
