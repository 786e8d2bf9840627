# SPDX-License-Identifier: GPL-2.0
#
# binderlite: top-level entry points. `make help` lists them.
#
# The module itself is described by ./Kbuild; this file only drives kbuild
# and the test bench under tools/testing/.

# Kernel build tree to build the module against: the running kernel's, if
# its headers are installed, else the newest stock Debian headers present of
# the generic flavour ("6.1.0-57-amd64", "6.12.118+deb12-amd64"). The bench
# also installs the cloud and rt flavours' headers, and sort -V alone would
# pick the rt ones.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
			    grep -E '/linux-headers-[0-9.]+(-[0-9]+|\+deb[0-9]+)-amd64$$' | \
			    sort -V | tail -n 1))
# Kernel(s) the VM targets boot: 6.1, 6.12, debug, cloud or rt.
KERNEL ?=
# `make install` stages below DESTDIR or INSTALL_MOD_PATH, for packaging;
# either prefixes everything it installs.
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)

TESTING := $(CURDIR)/tools/testing

all: module

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: set KDIR or run tools/testing/deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@echo "built $(CURDIR)/binderlite.ko against $(KDIR)"

# The module, then the udev rule that gives /dev/binderlite to the
# "binderlite" group and the sysusers.d entry that creates the group (why a
# group: packaging/udev/60-binderlite.rules). Nothing loads the module at
# boot: `sudo modprobe binderlite`, or see README.md.
STAGE = $(or $(DESTDIR),$(INSTALL_MOD_PATH))
# The release modules_install installs for. Not `make kernelrelease`: with
# Debian's 6.1 headers that says 6.1.192, the upstream version.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)
UDEVDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),/lib/udev)
SYSUSERSDIR ?= $(or $(shell pkg-config --variable=sysusersdir systemd 2>/dev/null),/usr/lib/sysusers.d)

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a "$(KRELEASE)"
	$(MAKE) install-udev

# Only an install into the running system creates the group and tells udev,
# which then also applies the rule to a /dev/binderlite already there.
install-udev:
	install -D -m 0644 packaging/udev/60-binderlite.rules $(STAGE)$(UDEVDIR)/rules.d/60-binderlite.rules
	install -D -m 0644 packaging/sysusers.d/binderlite.conf $(STAGE)$(SYSUSERSDIR)/binderlite.conf
ifeq ($(STAGE),)
	if command -v systemd-sysusers >/dev/null; then \
		systemd-sysusers $(SYSUSERSDIR)/binderlite.conf; \
	else \
		getent group binderlite >/dev/null || groupadd --system binderlite; \
	fi
	@if udevadm control --reload 2>/dev/null; then \
		echo "udev rules reloaded"; \
		if [ -e /sys/class/misc/binderlite ]; then \
			udevadm trigger --action=change /sys/class/misc/binderlite; \
		fi; \
	else \
		echo "udev is not running: the rule applies when it starts"; \
	fi
endif

# DKMS (dkms.conf): the module rebuilt for each new kernel. dkms-install
# copies the module's sources to /usr/src/binderlite-VERSION and builds and
# installs it for DKMS_KERNELS (default: the running kernel); the udev rule
# and group as above.
DKMS_VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' $(CURDIR)/dkms.conf)
DKMS_SOURCE = /usr/src/binderlite-$(DKMS_VERSION)
DKMS_KERNELS ?= $(shell uname -r)

dkms-install:
	@command -v dkms >/dev/null || { echo "dkms is not installed: sudo apt-get install dkms" >&2; exit 1; }
	@test -z "$(STAGE)" || { echo "dkms-install installs into the running system only" >&2; exit 1; }
	if [ -n "$$(dkms status -m binderlite -v $(DKMS_VERSION))" ]; then \
		dkms remove -m binderlite -v $(DKMS_VERSION) --all; \
	fi
	rm -rf $(DKMS_SOURCE)
	install -D -m 0644 -t $(DKMS_SOURCE) Kbuild dkms.conf
	install -D -m 0644 -t $(DKMS_SOURCE)/driver driver/*.[ch] driver/*.mk
	install -D -m 0644 -t $(DKMS_SOURCE)/include/uapi/linux include/uapi/linux/binderlite.h
	dkms add -m binderlite -v $(DKMS_VERSION)
	for k in $(DKMS_KERNELS); do dkms install -m binderlite -v $(DKMS_VERSION) -k $$k || exit 1; done
	$(MAKE) install-udev

# The group stays, as packages leave system groups behind.
dkms-uninstall:
	if [ -n "$$(dkms status -m binderlite -v $(DKMS_VERSION))" ]; then \
		dkms remove -m binderlite -v $(DKMS_VERSION) --all; \
	fi
	rm -rf $(DKMS_SOURCE)
	rm -f $(UDEVDIR)/rules.d/60-binderlite.rules $(SYSUSERSDIR)/binderlite.conf
	-udevadm control --reload 2>/dev/null

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf out

check:
	@$(TESTING)/check.sh

demo:
	@$(TESTING)/demo.sh

shell:
	@$(TESTING)/deps.sh
	@$(TESTING)/vm.sh -m shell -k $(or $(KERNEL),6.12)

kunit:
	@$(TESTING)/deps.sh
	@$(TESTING)/kunit.sh

# The integration tests (tests/integration) and the interoperability tests
# with libgbinder (tests/interop; skipped without ../shared/third_party)
# are built first, and run in each VM before the kselftests: the same
# script as make check's VM tests.
selftests:
	@$(TESTING)/deps.sh
	@$(TESTING)/selftests.sh $(KERNEL)

# The IPC benchmark and the allocator's (tools/bench/bench.sh,
# Documentation/performance.rst): BENCH_ARGS are options of
# binderlite-bench run (--quick, --repeats 5, ...); BENCH_CPUS the guests'
# vCPU counts, the first running everything, the others the concurrent
# clients.
BENCH_ARGS ?=
BENCH_CPUS ?= 2 4
bench:
	@BENCH_ARGS='$(BENCH_ARGS)' BENCH_CPUS='$(BENCH_CPUS)' $(CURDIR)/tools/bench/bench.sh

# The long reliability run on the debug kernel (Documentation/testing.rst,
# "Fault injection", "Module lifecycle", "Lock statistics").
soak:
	@$(TESTING)/deps.sh
	@$(TESTING)/soak.sh

# The coverage-guided fuzzer (tests/fuzz: libFuzzer, KCOV) in the debug
# kernel: SECONDS of fuzzing from the corpus (FAULTS=1: under fault
# injection); REPRO=FILE runs one input (a crash) instead; MERGE=DIR merges
# DIR (out/fuzz/new with MERGE=1) into the corpus for curating
# (out/fuzz/merged).
SECONDS ?= 600
REPRO ?=
MERGE ?=
FAULTS ?=
fuzz:
	@$(TESTING)/deps.sh
ifneq ($(REPRO),)
	@$(TESTING)/fuzz.sh repro $(REPRO)
else ifeq ($(MERGE),1)
	@$(TESTING)/fuzz.sh merge
else ifneq ($(MERGE),)
	@$(TESTING)/fuzz.sh merge $(MERGE)
else ifeq ($(FAULTS),1)
	@$(TESTING)/fuzz.sh faults $(SECONDS)
else
	@$(TESTING)/fuzz.sh $(SECONDS)
endif

deps:
	@$(TESTING)/deps.sh

help:
	@echo 'binderlite targets:'
	@echo '  make              build binderlite.ko against KDIR (default: $(KDIR))'
	@echo '  make check        every test: static checks, the driver layers, KUnit,'
	@echo '                    the VM tests on 6.1, 6.12, the debug kernel, cloud and rt,'
	@echo '                    the bench self-test; ends with "N passed, N failed, N skipped"'
	@echo '                    (logs: out/check, out/logs)'
	@echo '  make demo         boot stock 6.12 in QEMU, load the module, show what it does:'
	@echo '                    the library story (blservicemanager, blctl, hello, 1 MiB,'
	@echo '                    a death), then the raw IPC example [DEMO_DEVICES="/dev/binder"]'
	@echo '  make shell        busybox shell in the VM with the module loaded and the'
	@echo '                    user-space programs in /extra [KERNEL=6.12]'
	@echo '  make kunit        KUnit suites in the debug kernel (logs: out/logs/debug-kunit)'
	@echo '  make selftests    integration tests of the library, interop tests with'
	@echo '                    libgbinder and kselftests in the VM'
	@echo '                    [KERNEL=6.1|6.12|debug|cloud|rt; default all]'
	@echo '                    (logs: out/logs/<kernel>-test)'
	@echo '  make soak         the long reliability run on the debug kernel: lock statistics,'
	@echo '                    the full kill storm, fault injection with recovery, 1,000'
	@echo '                    insmod/rmmod cycles (logs: out/logs/debug-soak, out/soak)'
	@echo '  make fuzz         the coverage-guided fuzzer (libFuzzer + KCOV) in the debug'
	@echo '                    kernel [SECONDS=600]; FAULTS=1 under fault injection;'
	@echo '                    REPRO=FILE runs one input; MERGE=1 merges out/fuzz/new'
	@echo '                    into the corpus (out/fuzz/merged)'
	@echo '  make bench        binderlite vs binder, AF_UNIX and pipes on stock 6.12 in the VM:'
	@echo '                    round trips, oneways, concurrent clients (2 and 4 vCPUs),'
	@echo '                    handles, memory, pool pages; the allocator and the copy'
	@echo '                    (tables, CSV, plots: out/bench/; ~10 min) [BENCH_ARGS=--quick]'
	@echo '  make install      modules_install + depmod, the udev rule and its group'
	@echo '                    [KDIR=..., DESTDIR=... or INSTALL_MOD_PATH=... to stage]'
	@echo '  make dkms-install the module through DKMS, rebuilt for every new kernel'
	@echo '                    [DKMS_KERNELS="$$(uname -r)"]; make dkms-uninstall'
	@echo '  make deps         install the Debian packages the above need (apt, as root)'
	@echo '  make clean        remove build products and out/'
	@echo 'Kernel images and the debug kernel build are cached in ~/.cache/binderlite.'

.PHONY: all module install install-udev dkms-install dkms-uninstall clean check demo shell kunit selftests bench soak fuzz deps help
