# SPDX-License-Identifier: GPL-2.0
#
# iovnic top-level Makefile.
#   make                 build iovnic.ko for the running kernel (or KDIR=...)
#   make run             boot a guest, load iovnic, show VFs passing traffic
#   make check           build for 6.1 and 6.12 and run every selftest in a guest
#   make check-debug     the same on a KASAN/lockdep/kmemleak kernel (built once)
#   make check-vm        a real VM (nested QEMU) on a VF's macvtap, both kernels
#   make bench           pktgen: iovnic vs veth, bridge, macvlan in one 6.12 guest
#   make install         install into /lib/modules/$(KVER)/extra and depmod
#   make deb             the iovnic-dkms Debian package, in build/deb/
#   make deb-check       build, install (DKMS builds it), test and purge it

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
MODDIR := drivers/net/ethernet/iovnic
BUILD := $(CURDIR)/build
KBUILD_ARGS := CONFIG_IOVNIC=m

.PHONY: all modules clean install run check check-debug debug-kernel bench \
	build-all setup lint deb deb-check check-vm

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules
	@cp $(MODDIR)/iovnic.ko iovnic.ko

install: modules
	install -D -m 0644 iovnic.ko $(DESTDIR)/lib/modules/$(KVER)/extra/iovnic.ko
	depmod -a $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) clean || true
	rm -rf $(BUILD) iovnic.ko

setup:
	scripts/setup

# Build for one Debian kernel series (6.1 or 6.12, or debug: the kernel of
# scripts/debug-kernel) into build/<series>/.
build-%: setup
	scripts/build $*

build-all: build-6.1 build-6.12

run: setup build-6.12
	scripts/vm --kernel 6.12 --module $(BUILD)/6.12/iovnic.ko -- scripts/demo

check: setup build-all
	scripts/check

check-vm: setup build-all
	KSFT_TIMEOUT=1800 scripts/check nested_vm.sh

deb: setup
	scripts/deb

deb-check: setup build-all
	scripts/deb-check

# The device/driver boundary on the sources (make check runs it too).
lint:
	scripts/layers

# The debug kernel: built once into /var/cache/iovnic/debug-kernel (~20 min).
debug-kernel: setup
	scripts/debug-kernel

check-debug: debug-kernel
	scripts/build debug
	KERNELS=debug scripts/check

bench: setup build-6.12
	scripts/bench --kernel 6.12
