/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite death notifications: BR_DEAD_BINDER for the holders of a
 * node whose owner died. Its nouns: death (&struct blite_death, a work
 * item of binderlite_proc.h).
 */
#ifndef _BINDERLITE_DEATH_H
#define _BINDERLITE_DEATH_H

#include <linux/types.h>

#include "binderlite_ref.h"

int blite_death_request_locked(struct blite_proc *proc, u32 desc,
			       binderlite_uintptr_t cookie);
int blite_death_clear_locked(struct blite_thread *thread, u32 desc,
			     binderlite_uintptr_t cookie);
int blite_death_done_locked(struct blite_thread *thread, binderlite_uintptr_t cookie);
void blite_death_notify_locked(struct blite_node *node);
int blite_death_deliver_locked(struct blite_proc *proc, struct blite_work *w,
			       void __user *ptr, bool *done);

#endif /* _BINDERLITE_DEATH_H */
