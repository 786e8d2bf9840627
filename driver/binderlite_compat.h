/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims for binderlite.
 *
 * binderlite is built against every kernel in the test matrix (Debian's 6.1
 * and 6.12 LTS kernels and a 6.12 debug kernel). Every difference between
 * those kernels' interfaces is papered over here and nowhere else: the rest
 * of the driver is written against the newest interface and carries no
 * version checks of its own. driver/binderlite_compat.mk probes the
 * kernel's headers and defines the BLITE_HAVE_* macros tested here.
 */
#ifndef _BINDERLITE_COMPAT_H
#define _BINDERLITE_COMPAT_H

#include <linux/mm.h>

/*
 * vm_flags became read-only in 6.3; writers must go through
 * vm_flags_set() / vm_flags_clear(), which older kernels do not have.
 */
#ifndef BLITE_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _BINDERLITE_COMPAT_H */
