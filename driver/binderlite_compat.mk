# SPDX-License-Identifier: GPL-2.0
#
# Build-time probes for interfaces that differ between the kernels binderlite
# supports. Each probe defines a BLITE_HAVE_* macro that
# driver/binderlite_compat.h turns into a shim. Probing for the interface,
# rather than comparing version numbers, also catches distribution backports.

blite_probe = $(shell grep -qsE '$(2)' $(srctree)/$(1) && echo -D$(3))

# vm_flags became read-only in 6.3, written through vm_flags_set/clear().
ccflags-y += $(call blite_probe,include/linux/mm.h,static inline void vm_flags_set,BLITE_HAVE_VM_FLAGS_SET)
