/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite freezing: BINDERLITE_FREEZE, BINDERLITE_GET_FROZEN_INFO and
 * freeze notifications. Its nouns: freeze (&struct blite_freeze, a work
 * item of binderlite_proc.h).
 */
#ifndef _BINDERLITE_FREEZE_H
#define _BINDERLITE_FREEZE_H

#include <linux/types.h>

#include "binderlite_ref.h"

int blite_freeze_ioctl_freeze(void __user *ubuf);
int blite_freeze_ioctl_get_info(void __user *ubuf);
int blite_freeze_request(struct blite_proc *proc, u32 desc,
			 binderlite_uintptr_t cookie);
int blite_freeze_clear_locked(struct blite_proc *proc, u32 desc,
			      binderlite_uintptr_t cookie);
int blite_freeze_done_locked(struct blite_proc *proc, binderlite_uintptr_t cookie);
int blite_freeze_deliver_locked(struct blite_proc *proc, struct blite_work *w,
				void __user *ptr, bool *done);

#endif /* _BINDERLITE_FREEZE_H */
