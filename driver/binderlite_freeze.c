// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite freezing: BINDERLITE_FREEZE, BINDERLITE_GET_FROZEN_INFO and
 * freeze notifications, as binder has them in Linux 6.12.
 *
 * Android's activity manager freezes cached apps (with the cgroup
 * freezer) and first tells binder, so that nobody waits on a process that
 * cannot answer:
 *
 * - a frozen process refuses sync calls: the caller reads BR_FROZEN_REPLY;
 * - oneways to it are queued as usual, and their sender reads
 *   BR_TRANSACTION_PENDING_FROZEN instead of BR_TRANSACTION_COMPLETE; a
 *   oneway with TF_UPDATE_TXN replaces an older one still queued behind
 *   the node's current oneway (binderlite_txn.c);
 * - freezing with a timeout waits for the transactions in flight to the
 *   process to drain, and fails with -EAGAIN (thawing it again) if any is
 *   left, or if one of its threads is inside a call;
 * - what it missed while frozen shows in BINDERLITE_GET_FROZEN_INFO.
 *
 * Freezing applies to every open file of the process, in every context,
 * as binder applies it to every binder_proc of the pid.
 *
 * A process holding a reference can also ask to be told when the node's
 * owner is frozen or thawed (BC_REQUEST_FREEZE_NOTIFICATION): it reads
 * BR_FROZEN_BINDER with the current state at once, then one for each
 * change, never more than one unacknowledged (BC_FREEZE_NOTIFICATION_DONE);
 * a change meanwhile is sent after the acknowledgment. Clearing it
 * (BC_CLEAR_FREEZE_NOTIFICATION) ends with
 * BR_CLEAR_FREEZE_NOTIFICATION_DONE.
 *
 * The notification (&struct blite_freeze) belongs to the reference it
 * watches until cleared, then to its work item, and is freed by
 * blite_work_free().
 *
 * Locks (the lock table is in binderlite.h): the freeze state of a process
 * is protected by its inner lock; notifications by blite_graph_lock and
 * the holder's inner lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "binderlite_context.h"
#include "binderlite_freeze.h"
#include "binderlite_stats.h"
#include "binderlite_trace.h"

/*
 * Sends @freeze's state to its holder @proc now, or after the
 * acknowledgment of the one it has not acknowledged yet.
 */
static void blite_freeze_queue_gilocked(struct blite_proc *proc,
					struct blite_freeze *freeze, bool is_frozen)
	__must_hold(&blite_graph_lock) __must_hold(&proc->inner_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	lockdep_assert_held(&proc->inner_lock);
	freeze->work.type = BLITE_WORK_FROZEN_BINDER;
	if (list_empty(&freeze->work.entry)) {
		freeze->is_frozen = is_frozen;
		blite_proc_enqueue_work_gilocked(proc, &freeze->work);
		return;
	}
	if (freeze->sent && freeze->is_frozen != is_frozen)
		freeze->resend = true;
	freeze->is_frozen = is_frozen;
}

/* Tells every holder of @proc's nodes that asked about @proc's new state. */
static void blite_freeze_notify_locked(struct blite_proc *proc, bool is_frozen)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node;
	struct blite_ref *ref;
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	for (n = rb_first(&proc->nodes); n; n = rb_next(n)) {
		node = rb_entry(n, struct blite_node, rb_node);
		hlist_for_each_entry(ref, &node->refs, node_entry) {
			if (!ref->freeze)
				continue;
			spin_lock(&ref->proc->inner_lock);
			blite_freeze_queue_gilocked(ref->proc, ref->freeze, is_frozen);
			spin_unlock(&ref->proc->inner_lock);
		}
	}
}

/*
 * Transactions in flight to @proc, or one of its threads inside a call:
 * freezing it now would leave somebody waiting.
 */
static bool blite_freeze_txns_pending_gilocked(struct blite_proc *proc)
	__must_hold(&blite_graph_lock) __must_hold(&proc->inner_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	lockdep_assert_held(&proc->inner_lock);
	if (proc->outstanding_txns > 0)
		return true;
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		if (rb_entry(n, struct blite_thread, rb_node)->transaction_stack)
			return true;
	return false;
}

/* Freezes or thaws one open file; see the top of the file. */
static int blite_freeze_proc(struct blite_proc *proc,
			     const struct binderlite_freeze_info *info)
{
	long ret = 0;

	spin_lock(&proc->inner_lock);
	proc->sync_recv = false;
	proc->async_recv = false;
	proc->is_frozen = info->enable;
	spin_unlock(&proc->inner_lock);

	if (info->enable && info->timeout_ms)
		ret = wait_event_interruptible_timeout(proc->freeze_wait,
						       !READ_ONCE(proc->outstanding_txns),
						       msecs_to_jiffies(info->timeout_ms));

	mutex_lock(&blite_graph_lock);
	if (info->enable && ret >= 0) {
		spin_lock(&proc->inner_lock);
		if (blite_freeze_txns_pending_gilocked(proc))
			ret = -EAGAIN;
		spin_unlock(&proc->inner_lock);
	}
	if (ret < 0) {
		spin_lock(&proc->inner_lock);
		proc->is_frozen = false;
		spin_unlock(&proc->inner_lock);
	} else {
		blite_freeze_notify_locked(proc, info->enable);
	}
	mutex_unlock(&blite_graph_lock);
	return ret < 0 ? ret : 0;
}

/**
 * blite_freeze_ioctl_freeze() - BINDERLITE_FREEZE
 * @ubuf: the user's &struct binderlite_freeze_info
 *
 * Return: 0; -EINVAL if no open file belongs to the pid; -EAGAIN if a
 * transaction was still in flight after the timeout (the process is thawed
 * again); -ERESTARTSYS on a signal; -EFAULT, -ENOMEM.
 */
int blite_freeze_ioctl_freeze(void __user *ubuf)
{
	struct binderlite_freeze_info info;
	struct blite_proc **procs;
	int i, n, ret = 0;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	n = blite_proc_get_by_pid(info.pid, &procs);
	if (n <= 0)
		return n ? n : -EINVAL;
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = blite_freeze_proc(procs[i], &info);
		blite_proc_put(procs[i]);
	}
	kfree(procs);
	return ret;
}

/**
 * blite_freeze_ioctl_get_info() - BINDERLITE_GET_FROZEN_INFO
 * @ubuf: the user's &struct binderlite_frozen_status_info
 *
 * Return: 0; -EINVAL if no open file belongs to the pid; -EFAULT.
 */
int blite_freeze_ioctl_get_info(void __user *ubuf)
{
	struct binderlite_frozen_status_info info;
	struct blite_proc *proc;
	bool found = false;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	info.sync_recv = 0;
	info.async_recv = 0;
	mutex_lock(&blite_procs_lock);
	mutex_lock(&blite_graph_lock);
	list_for_each_entry(proc, &blite_procs, procs_node) {
		if (proc->pid != info.pid)
			continue;
		found = true;
		spin_lock(&proc->inner_lock);
		info.sync_recv |= proc->sync_recv |
				  (blite_freeze_txns_pending_gilocked(proc) << 1);
		info.async_recv |= proc->async_recv;
		spin_unlock(&proc->inner_lock);
	}
	mutex_unlock(&blite_graph_lock);
	mutex_unlock(&blite_procs_lock);
	if (!found)
		return -EINVAL;
	if (copy_to_user(ubuf, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * BC_REQUEST_FREEZE_NOTIFICATION, with the notification allocated: taken
 * over on success. Returns 0, or -EINVAL for a bad handle or if one was
 * asked for already.
 */
static int blite_freeze_request_locked(struct blite_proc *proc, u32 desc,
				       binderlite_uintptr_t cookie,
				       struct blite_freeze *freeze)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *owner;
	struct blite_ref *ref;
	bool is_frozen;

	lockdep_assert_held(&blite_graph_lock);
	ref = blite_ref_find_locked(proc, desc, false);
	if (!ref || ref->freeze)
		return -EINVAL;
	INIT_LIST_HEAD(&freeze->work.entry);
	freeze->work.type = BLITE_WORK_FROZEN_BINDER;
	freeze->cookie = cookie;
	ref->freeze = freeze;
	blite_stats_live_inc(BLITE_LIVE_FREEZES);

	owner = ref->node->proc;
	if (!owner)
		return 0;
	spin_lock(&owner->inner_lock);
	is_frozen = owner->is_frozen;
	spin_unlock(&owner->inner_lock);
	spin_lock(&proc->inner_lock);
	freeze->is_frozen = is_frozen;
	blite_proc_enqueue_work_gilocked(proc, &freeze->work);
	spin_unlock(&proc->inner_lock);
	return 0;
}

/**
 * blite_freeze_request() - BC_REQUEST_FREEZE_NOTIFICATION
 * @proc:   the holder
 * @desc:   the handle to watch
 * @cookie: echoed back in BR_FROZEN_BINDER
 *
 * Takes blite_graph_lock; the notification is allocated before.
 *
 * Injectable (ALLOW_ERROR_INJECTION, ERRNO): fail_function can make it fail
 * as if memory ran out. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: 0, -EINVAL for a bad handle or if one was asked for already,
 * -ENOMEM.
 */
noinline __noclone int blite_freeze_request(struct blite_proc *proc, u32 desc,
					    binderlite_uintptr_t cookie)
{
	struct blite_freeze *freeze;
	int ret;

	freeze = kzalloc(sizeof(*freeze), GFP_KERNEL);
	if (!freeze)
		return -ENOMEM;
	mutex_lock(&blite_graph_lock);
	ret = blite_freeze_request_locked(proc, desc, cookie, freeze);
	mutex_unlock(&blite_graph_lock);
	/* Never a work item: nobody else knows it. */
	if (ret)
		kfree(freeze);
	return ret;
}
ALLOW_ERROR_INJECTION(blite_freeze_request, ERRNO);

/**
 * blite_freeze_clear_locked() - BC_CLEAR_FREEZE_NOTIFICATION
 * @proc:   the holder
 * @desc:   the handle watched
 * @cookie: the cookie it was asked with
 *
 * BR_CLEAR_FREEZE_NOTIFICATION_DONE follows, after the acknowledgment of
 * a BR_FROZEN_BINDER still unacknowledged.
 *
 * Return: 0, or -EINVAL if no such notification was asked for.
 */
int blite_freeze_clear_locked(struct blite_proc *proc, u32 desc,
			      binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_freeze *freeze;
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	ref = blite_ref_find_locked(proc, desc, false);
	if (!ref || !ref->freeze || ref->freeze->cookie != cookie)
		return -EINVAL;
	freeze = ref->freeze;
	ref->freeze = NULL;
	spin_lock(&proc->inner_lock);
	freeze->work.type = BLITE_WORK_CLEAR_FREEZE_NOTIFICATION;
	if (list_empty(&freeze->work.entry))
		blite_proc_enqueue_work_gilocked(proc, &freeze->work);
	else if (freeze->sent)
		freeze->resend = true;
	spin_unlock(&proc->inner_lock);
	return 0;
}

/**
 * blite_freeze_done_locked() - BC_FREEZE_NOTIFICATION_DONE
 * @proc:   the holder
 * @cookie: the cookie of the BR_FROZEN_BINDER handled
 *
 * Return: 0, or -EINVAL if no BR_FROZEN_BINDER with @cookie awaits it.
 */
int blite_freeze_done_locked(struct blite_proc *proc, binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_freeze *freeze;
	int ret = -EINVAL;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	list_for_each_entry(freeze, &proc->delivered_freeze, work.entry) {
		if (freeze->cookie != cookie)
			continue;
		list_del_init(&freeze->work.entry);
		freeze->sent = false;
		if (freeze->resend) {
			freeze->resend = false;
			blite_proc_enqueue_work_gilocked(proc, &freeze->work);
		}
		ret = 0;
		break;
	}
	spin_unlock(&proc->inner_lock);
	return ret;
}

/**
 * blite_freeze_deliver_locked() - BR_FROZEN_BINDER or
 *                                 BR_CLEAR_FREEZE_NOTIFICATION_DONE
 * @proc: the holder, reading
 * @w:    the notification's work, just taken off one of @proc's lists
 * @ptr:  where in the reader's buffer
 * @done: set when the read must return now: after BR_FROZEN_BINDER,
 *        whose handling may need the reader to send something first
 *
 * A cleared notification is freed; a BR_FROZEN_BINDER waits on
 * &blite_proc.delivered_freeze for BC_FREEZE_NOTIFICATION_DONE.
 *
 * Return: bytes written, or -EAGAIN (blite_work_copy_out_locked()) having
 * changed nothing.
 */
int blite_freeze_deliver_locked(struct blite_proc *proc, struct blite_work *w,
				void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_freeze *freeze = container_of(w, struct blite_freeze, work);
	struct {
		u32 cmd;
		struct binderlite_frozen_state_info info;
	} __packed rec = { BINDERLITE_BR_FROZEN_BINDER };
	struct {
		u32 cmd;
		binderlite_uintptr_t cookie;
	} __packed clear = { BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, freeze->cookie };

	lockdep_assert_held(&blite_graph_lock);
	if (w->type == BLITE_WORK_CLEAR_FREEZE_NOTIFICATION) {
		if (blite_work_copy_out_locked(ptr, &clear, sizeof(clear)))
			return -EAGAIN;
		trace_binderlite_return(clear.cmd);
		/* Frees the notification: nothing of @w may be read after. */
		blite_work_free(w);
		return sizeof(clear);
	}
	rec.info.cookie = freeze->cookie;
	rec.info.is_frozen = freeze->is_frozen;
	if (blite_work_copy_out_locked(ptr, &rec, sizeof(rec)))
		return -EAGAIN;
	trace_binderlite_return(rec.cmd);
	/* Kept until BC_FREEZE_NOTIFICATION_DONE; may cause transactions. */
	spin_lock(&proc->inner_lock);
	freeze->sent = true;
	list_add_tail(&freeze->work.entry, &proc->delivered_freeze);
	spin_unlock(&proc->inner_lock);
	*done = true;
	return sizeof(rec);
}
