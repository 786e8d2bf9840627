// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite death notifications.
 *
 * A holder of a reference asks to be told when the node's owner dies::
 *
 *   BC_REQUEST_DEATH_NOTIFICATION (handle, cookie)
 *     | node dies (or is dead already)  -> BR_DEAD_BINDER (cookie)
 *     | BC_DEAD_BINDER_DONE (cookie)
 *     | BC_CLEAR_DEATH_NOTIFICATION     -> BR_CLEAR_DEATH_NOTIFICATION_DONE
 *
 * Clearing before the death gives BR_CLEAR_DEATH_NOTIFICATION_DONE and no
 * BR_DEAD_BINDER; clearing between BR_DEAD_BINDER and BC_DEAD_BINDER_DONE
 * gives the _DONE after the latter. The notification (&struct
 * blite_death) belongs to the reference it watches until cleared, then to
 * its work item, and is freed by blite_work_free().
 *
 * Everything here runs under blite_graph_lock, and takes the holder's
 * inner lock to touch its work lists (the lock table is in binderlite.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/lockdep.h>
#include <linux/slab.h>

#include "binderlite_death.h"
#include "binderlite_stats.h"
#include "binderlite_trace.h"

/**
 * blite_death_request_locked() - BC_REQUEST_DEATH_NOTIFICATION
 * @proc:   the holder
 * @desc:   the handle to watch
 * @cookie: echoed back in BR_DEAD_BINDER
 *
 * If the node is dead already, BR_DEAD_BINDER is queued at once.
 *
 * Injectable (ALLOW_ERROR_INJECTION, ERRNO): fail_function can make it fail
 * as if memory ran out. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: 0, -EINVAL for a bad handle, -EEXIST if one was asked for
 * already, -ENOMEM.
 */
noinline __noclone int blite_death_request_locked(struct blite_proc *proc, u32 desc,
						  binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_death *death;
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	ref = blite_ref_find_locked(proc, desc, false);
	if (!ref)
		return -EINVAL;
	if (ref->death)
		return -EEXIST;
	death = kzalloc(sizeof(*death), GFP_KERNEL);
	if (!death)
		return -ENOMEM;
	INIT_LIST_HEAD(&death->work.entry);
	death->work.type = BLITE_WORK_DEAD_BINDER;
	death->cookie = cookie;
	ref->death = death;
	blite_stats_live_inc(BLITE_LIVE_DEATHS);

	if (!ref->node->proc) {
		spin_lock(&proc->inner_lock);
		blite_proc_enqueue_work_gilocked(proc, &death->work);
		spin_unlock(&proc->inner_lock);
	}
	return 0;
}
ALLOW_ERROR_INJECTION(blite_death_request_locked, ERRNO);

/**
 * blite_death_notify_locked() - BR_DEAD_BINDER for the holders of a node
 * @node: a dead node (blite_node_kill_locked())
 *
 * Every holder that asked, and has not been told yet, is told.
 */
void blite_death_notify_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	hlist_for_each_entry(ref, &node->refs, node_entry) {
		if (!ref->death)
			continue;
		spin_lock(&ref->proc->inner_lock);
		if (list_empty(&ref->death->work.entry)) {
			ref->death->work.type = BLITE_WORK_DEAD_BINDER;
			blite_proc_enqueue_work_gilocked(ref->proc, &ref->death->work);
		}
		spin_unlock(&ref->proc->inner_lock);
	}
}

/* Queues a death work for a looper @thread itself, else for the process. */
static void blite_death_queue_gilocked(struct blite_thread *thread,
				       struct blite_death *death)
	__must_hold(&blite_graph_lock) __must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	lockdep_assert_held(&thread->proc->inner_lock);
	if (thread->looper & (BLITE_LOOPER_REGISTERED | BLITE_LOOPER_ENTERED))
		blite_thread_enqueue_work_ilocked(thread, &death->work);
	else
		blite_proc_enqueue_work_gilocked(thread->proc, &death->work);
}

/**
 * blite_death_clear_locked() - BC_CLEAR_DEATH_NOTIFICATION
 * @thread: the calling thread
 * @desc:   the handle watched
 * @cookie: the cookie it was asked with
 *
 * BR_CLEAR_DEATH_NOTIFICATION_DONE follows; if BR_DEAD_BINDER is on its
 * way or awaits BC_DEAD_BINDER_DONE, it follows that.
 *
 * Return: 0, or -EINVAL if no such notification was asked for.
 */
int blite_death_clear_locked(struct blite_thread *thread, u32 desc,
			     binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_death *death;
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	ref = blite_ref_find_locked(proc, desc, false);
	if (!ref || !ref->death || ref->death->cookie != cookie)
		return -EINVAL;
	death = ref->death;
	ref->death = NULL;

	spin_lock(&proc->inner_lock);
	if (list_empty(&death->work.entry)) {
		death->work.type = BLITE_WORK_CLEAR_DEATH_NOTIFICATION;
		blite_death_queue_gilocked(thread, death);
	} else {
		death->work.type = BLITE_WORK_DEAD_BINDER_AND_CLEAR;
	}
	spin_unlock(&proc->inner_lock);
	return 0;
}

/**
 * blite_death_done_locked() - BC_DEAD_BINDER_DONE
 * @thread: the calling thread
 * @cookie: the cookie of the BR_DEAD_BINDER handled
 *
 * Return: 0, or -EINVAL if no BR_DEAD_BINDER with @cookie is outstanding.
 */
int blite_death_done_locked(struct blite_thread *thread, binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_death *death;
	int ret = -EINVAL;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	list_for_each_entry(death, &proc->delivered_death, work.entry) {
		if (death->cookie != cookie)
			continue;
		list_del_init(&death->work.entry);
		if (death->work.type == BLITE_WORK_DEAD_BINDER_AND_CLEAR) {
			death->work.type = BLITE_WORK_CLEAR_DEATH_NOTIFICATION;
			blite_death_queue_gilocked(thread, death);
		}
		ret = 0;
		break;
	}
	spin_unlock(&proc->inner_lock);
	return ret;
}

/**
 * blite_death_deliver_locked() - BR_DEAD_BINDER or
 *                                BR_CLEAR_DEATH_NOTIFICATION_DONE
 * @proc: the holder, reading
 * @w:    the notification's work, just taken off one of @proc's lists
 * @ptr:  where in the reader's buffer
 * @done: set when the read must return now: after BR_DEAD_BINDER, whose
 *        handling may need the reader to send something first
 *
 * A cleared notification is freed; a BR_DEAD_BINDER waits on
 * &blite_proc.delivered_death for BC_DEAD_BINDER_DONE.
 *
 * Return: bytes written, or -EAGAIN (blite_work_copy_out_locked()) having
 * changed nothing.
 */
int blite_death_deliver_locked(struct blite_proc *proc, struct blite_work *w,
			       void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_death *death = container_of(w, struct blite_death, work);
	struct {
		u32 cmd;
		binderlite_uintptr_t cookie;
	} __packed rec = { BINDERLITE_BR_DEAD_BINDER, death->cookie };
	bool cleared = w->type == BLITE_WORK_CLEAR_DEATH_NOTIFICATION;

	lockdep_assert_held(&blite_graph_lock);
	if (cleared)
		rec.cmd = BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE;
	if (blite_work_copy_out_locked(ptr, &rec, sizeof(rec)))
		return -EAGAIN;
	trace_binderlite_return(rec.cmd);
	if (cleared) {
		/* Frees the notification: nothing of @w may be read after. */
		blite_work_free(w);
		return sizeof(rec);
	}
	/* Kept until BC_DEAD_BINDER_DONE. */
	spin_lock(&proc->inner_lock);
	list_add_tail(&death->work.entry, &proc->delivered_death);
	spin_unlock(&proc->inner_lock);
	*done = true;
	return sizeof(rec);
}
