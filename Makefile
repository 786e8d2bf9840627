# SPDX-License-Identifier: GPL-2.0
#
# binderlite: top-level entry points. `make help` lists them.
#
# The module itself is described by ./Kbuild; this file only drives kbuild
# and the test bench under tools/testing/.

# Kernel build tree to build the module against: the running kernel's, if
# its headers are installed, else the newest stock Debian headers present.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))
# Kernel(s) the VM targets boot: 6.1, 6.12 or debug.
KERNEL ?=
INSTALL_MOD_PATH ?=

TESTING := $(CURDIR)/tools/testing
# Where the bench builds (tools/testing/lib.sh: $BL_OUT, default out/).
BL_OUT ?= $(CURDIR)/out
ITESTS := $(BL_OUT)/cmake/tests/integration

all: module

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: set KDIR or run tools/testing/deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@echo "built $(CURDIR)/binderlite.ko against $(KDIR)"

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a "$$($(MAKE) -s -C $(KDIR) kernelrelease)"

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

# The integration tests (tests/integration) are built first, and run in
# each VM before the kselftests.
selftests:
	@$(TESTING)/deps.sh
	@mkdir -p $(BL_OUT)
	@{ cmake -S $(CURDIR)/tools -B $(BL_OUT)/cmake && \
	   cmake --build $(BL_OUT)/cmake -j$$(nproc) --target binderlite-itests; } \
		>$(BL_OUT)/itests-build.log 2>&1 || \
		{ tail -n 30 $(BL_OUT)/itests-build.log >&2; \
		  echo "building the integration tests failed; see $(BL_OUT)/itests-build.log" >&2; exit 1; }
	@rc=0; for k in $(or $(KERNEL),6.1 6.12 debug); do \
		BL_GTESTS="$$(cat $(ITESTS)/itest-gtests)" BL_EXTRA_FILES="$$(cat $(ITESTS)/itest-extra)" \
			$(TESTING)/vm.sh -m test -k $$k || rc=1; \
	done; exit $$rc

bench:
	@$(CURDIR)/tools/bench/pool-bench.sh

deps:
	@$(TESTING)/deps.sh

help:
	@echo 'binderlite targets:'
	@echo '  make              build binderlite.ko against KDIR (default: $(KDIR))'
	@echo '  make check        every test: static checks, KUnit, kselftests on 6.1, 6.12'
	@echo '                    and the debug kernel, the bench self-test; ends with'
	@echo '                    "N passed, N failed" (logs: out/check, out/logs)'
	@echo '  make demo         boot stock 6.12 in QEMU, load the module, show what it does,'
	@echo '                    run the raw IPC example [DEMO_DEVICES="/dev/binder"]'
	@echo '  make shell        busybox shell in the VM with the module loaded and the'
	@echo '                    user-space programs in /extra [KERNEL=6.12]'
	@echo '  make kunit        KUnit suites in the debug kernel (logs: out/logs/debug-kunit)'
	@echo '  make selftests    integration tests of the library and kselftests in the VM'
	@echo '                    [KERNEL=6.1|6.12|debug; default all]'
	@echo '                    (logs: out/logs/<kernel>-test)'
	@echo '  make bench        allocator and copy benchmarks on stock 6.12 in the VM'
	@echo '                    (tables and plots: out/bench/)'
	@echo '  make install      modules_install + depmod [KDIR=..., INSTALL_MOD_PATH=...]'
	@echo '  make deps         install the Debian packages the above need (apt, as root)'
	@echo '  make clean        remove build products and out/'
	@echo 'Kernel images and the debug kernel build are cached in ~/.cache/binderlite.'

.PHONY: all module install clean check demo shell kunit selftests bench deps help
