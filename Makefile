# SPDX-License-Identifier: GPL-2.0-only
#
# vhca top-level Makefile. `make` builds both kernel modules and the
# userspace programs; `make help` lists the rest.

TEST_KVER	?= 6.1.0-56-amd64
TRIXIE_KVER	?= 6.12.117+deb13-amd64
KVER		?= $(shell uname -r)
ifeq ($(KVER),6.12)
override KVER	:= $(TRIXIE_KVER)
endif
ifeq ($(wildcard /lib/modules/$(KVER)/build),)
ifneq ($(filter %+deb13-amd64,$(KVER)),)
# A Debian 13 kernel without headers here: build in a trixie build root.
KBUILD_IN	:= TRIXIE_KVER=$(KVER) $(CURDIR)/selftests/trixie.sh run
else
KVER		:= $(TEST_KVER)
endif
endif
KDIR		?= /lib/modules/$(KVER)/build
VHCA_CACHE	?= /var/cache/vhca
KSRC		?= $(VHCA_CACHE)/linux-source-6.1
BUILD		:= $(CURDIR)/build
KMOD_DIR	:= $(BUILD)/kmod/$(KVER)
MODULES		:= $(KMOD_DIR)/kernel/vhca_core.ko $(KMOD_DIR)/vfio-mdev/vhca_mdev.ko

.PHONY: all modules userspace selftests deps check unit vm-test lint demo \
	vm-shell clean help install-hooks bench e2e

all: modules userspace

help:
	@echo "make            build vhca_core.ko, vhca_mdev.ko (for KVER=$(KVER)) and userspace"
	@echo "make deps       install build/test dependencies and the test kernel (idempotent)"
	@echo "make check      run every test tier; ends with 'N passed, M failed'"
	@echo "make demo       the test VM: an instance in sysfs and VFIO; then two stock guests"
	@echo "make lint       checkpatch --strict, sparse, W=1 and kernel-doc"
	@echo "make vm-shell   interactive shell in the test VM with vhca loaded"
	@echo "make install-hooks  install the libvirt hook (DESTDIR-aware)"
	@echo "make bench      vhca vs rxe vs memcpy in the test VM -> build/bench/"
	@echo "make bench-guest  perftest between two nested stock guests, vhca vs rxe"
	@echo "make e2e        two stock guests (vmw_pvrdma, rdma-core) in nested VMs"
	@echo "make libvirt-e2e  libvirtd + the vhca hook: virsh start/destroy of a stock guest"
	@echo "Variables: KVER (kernel release; 6.12 = Debian 13's $(TRIXIE_KVER)), KDIR (kernel build tree), W=1"

# Kbuild needs the sources in the directory it builds in; a copy per kernel
# release keeps builds for several kernels apart and the source tree clean.
modules:
	@mkdir -p $(KMOD_DIR)
	@cp -p Kbuild $(KMOD_DIR)/
	@rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod*' \
		--exclude='.*.cmd' kernel vfio-mdev $(KMOD_DIR)/ 2>/dev/null || \
		cp -rp kernel vfio-mdev $(KMOD_DIR)/
	$(KBUILD_IN) $(MAKE) -C $(KDIR) M=$(KMOD_DIR) modules

userspace:
	$(MAKE) -C userspace

selftests: userspace
	$(MAKE) -C selftests KSRC=$(KSRC)

deps:
	selftests/deps.sh

check: deps
	selftests/check.sh

unit: userspace
	$(MAKE) -C userspace test

lint:
	selftests/lint.sh

# The host-side tour in the test VM, then two stock guests (nested).
demo: deps
	$(MAKE) KVER=$(TEST_KVER) modules userspace
	selftests/vm/vm.sh --out $(BUILD)/demo/host -- selftests/demo.sh
	selftests/demo-guests.sh

vm-shell:
	$(MAKE) KVER=$(TEST_KVER) modules userspace
	selftests/vm/vm.sh --shell --out $(BUILD)/vm-shell -- \
		selftests/load-modules.sh $(BUILD)/kmod/$(TEST_KVER)

clean:
	rm -rf $(BUILD)
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean

# The libvirt hook (libvirt-hooks/README.md); restart libvirtd afterwards.
install-hooks:
	install -D -m 0755 libvirt-hooks/vhca-hook.sh \
		$(DESTDIR)/etc/libvirt/hooks/qemu.d/vhca

# Benchmarks live apart from the tests: bench/README.md (BENCH_QUICK=1 etc.).
bench: deps
	$(MAKE) KVER=$(TEST_KVER) modules userspace
	$(MAKE) -C bench KVER=$(TEST_KVER)
	selftests/vm/vm.sh --timeout 2400 --out $(BUILD)/bench -- \
		$$(env | grep -E '^BENCH_[A-Z_]+=[^ ]*$$' | tr '\n' ' ') bench/run.sh
	$${BENCH_PYTHON:-/usr/bin/python3} bench/report.py $(BUILD)/bench

# The guest tier: perftest between two stock nested guests, over vhca and
# over rxe on their vmxnet3 link (bench/guest.sh through the e2e harness).
.PHONY: bench-guest
bench-guest: deps
	$(MAKE) KVER=$(TEST_KVER) modules userspace
	bench/guest-run.sh

# Stock guests end to end (selftests/e2e/run.sh); GUEST_SCRIPT=FILE adds a check.
e2e: deps
	$(MAKE) KVER=$(TEST_KVER) modules userspace
	selftests/e2e/run.sh $(GUEST_SCRIPT)

# libvirt end to end (selftests/libvirt/run.sh): libvirtd, the hook, a stock guest.
.PHONY: libvirt-e2e
libvirt-e2e: deps
	$(MAKE) KVER=$(TEST_KVER) modules userspace
	selftests/libvirt/run.sh
