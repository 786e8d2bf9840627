# SPDX-License-Identifier: GPL-2.0
#
# Build-time probes for interfaces that differ between the kernels binderlite
# supports. Each probe defines a BLITE_HAVE_* macro that
# driver/binderlite_compat.h turns into a shim. Probing for the interface,
# rather than comparing version numbers, also catches distribution backports.

blite_probe = $(shell grep -qsE '$(2)' $(srctree)/$(1) && echo -D$(3))
# Whether the kernel exports a symbol to modules (a declaration is not enough).
blite_probe_export = $(shell grep -qsE '^0x[0-9a-f]+[[:space:]]$(1)[[:space:]]' $(objtree)/Module.symvers && echo -D$(2))

# 6.3: vm_flags became read-only, written through vm_flags_set/clear().
ccflags-y += $(call blite_probe,include/linux/mm.h,static inline void vm_flags_set,BLITE_HAVE_VM_FLAGS_SET)
# 6.3: zap_page_range() gave way to an exported zap_page_range_single().
ccflags-y += $(call blite_probe_export,zap_page_range_single,BLITE_HAVE_ZAP_PAGE_RANGE_SINGLE)
# 6.7: shrinkers are allocated by shrinker_alloc().
ccflags-y += $(call blite_probe,include/linux/shrinker.h,shrinker_alloc,BLITE_HAVE_SHRINKER_ALLOC)
# 6.8: list_lru_add/del() take a node and memcg; list_lru_*_obj() do not.
ccflags-y += $(call blite_probe,include/linux/list_lru.h,list_lru_add_obj,BLITE_HAVE_LIST_LRU_OBJ)
# 6.8: close_fd_get_file() was renamed file_close_fd().
ccflags-y += $(call blite_probe_export,file_close_fd,BLITE_HAVE_FILE_CLOSE_FD)
