// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite IPC loop: BINDERLITE_WRITE_READ, poll(), and the end of a
 * thread or of a file.
 *
 * A program drives binderlite as it drives binder: BINDERLITE_WRITE_READ
 * hands the driver a buffer of commands (BC_*) to consume first, then a
 * buffer to fill with returns (BR_*). Every read starts with BR_NOOP. A
 * read blocks until there is work for the thread or, for a looper thread
 * with nothing on its own stack, for the process, unless the file is
 * O_NONBLOCK.
 *
 * This file only parses and dispatches: each command goes to the file
 * that owns what it changes (transactions to binderlite_txn.c, counts to
 * binderlite_ref.c and binderlite_node.c, notifications to
 * binderlite_death.c and binderlite_freeze.c, loopers to
 * binderlite_proc.c), and each work item the read takes off a list
 * (binderlite_proc.h) goes to the file that delivers it. When a thread
 * exits or a file is released, it hands the work nobody will read back
 * to the same owners (blite_ipc_discard_locked()), and takes the dying
 * file's nodes and references apart in order.
 *
 * Locks (the lock table is in binderlite.h): commands take the graph lock
 * around what they change. The read loop takes it around each delivery,
 * with the reader's buffer faulted in beforehand and page faults disabled
 * inside (blite_work_copy_out_locked()); it sleeps holding no lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "binderlite_death.h"
#include "binderlite_freeze.h"
#include "binderlite_ipc.h"
#include "binderlite_trace.h"
#include "binderlite_txn.h"

/*
 * A work item of @proc, taken off a list, that will never be read there:
 * each goes to its owner. Calls fail back to their callers with
 * BR_DEAD_REPLY (oneways move to the process while it lives). Node, death
 * and freeze work moves to the process while it lives; a dying process's
 * references took their notifications with them, so a notification still
 * attached to one is left to it and a cleared one is freed.
 */
static void blite_ipc_discard_locked(struct blite_proc *proc, struct blite_work *w)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	switch (w->type) {
	case BLITE_WORK_TRANSACTION:
		blite_txn_discard_locked(proc, container_of(w, struct blite_transaction, work));
		break;
	case BLITE_WORK_TRANSACTION_COMPLETE:
	case BLITE_WORK_TRANSACTION_PENDING:
	case BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT:
		blite_work_free(w);
		break;
	case BLITE_WORK_RETURN_ERROR:
		container_of(w, struct blite_error, work)->cmd = BINDERLITE_BR_OK;
		break;
	case BLITE_WORK_NODE:
	case BLITE_WORK_DEAD_BINDER:
	case BLITE_WORK_DEAD_BINDER_AND_CLEAR:
	case BLITE_WORK_CLEAR_DEATH_NOTIFICATION:
	case BLITE_WORK_FROZEN_BINDER:
	case BLITE_WORK_CLEAR_FREEZE_NOTIFICATION:
		if (!proc->dead) {
			spin_lock(&proc->inner_lock);
			blite_proc_enqueue_work_gilocked(proc, w);
			spin_unlock(&proc->inner_lock);
			break;
		}
		if (w->type == BLITE_WORK_DEAD_BINDER_AND_CLEAR ||
		    w->type == BLITE_WORK_CLEAR_DEATH_NOTIFICATION ||
		    w->type == BLITE_WORK_CLEAR_FREEZE_NOTIFICATION)
			blite_work_free(w);
		break;
	}
}

/* Empties a work list of @proc whose items will never be read there. */
static void blite_ipc_discard_list_locked(struct blite_proc *proc,
					  struct list_head *list)
	__must_hold(&blite_graph_lock)
{
	struct blite_work *w;

	lockdep_assert_held(&blite_graph_lock);
	for (;;) {
		spin_lock(&proc->inner_lock);
		w = list_first_entry_or_null(list, struct blite_work, entry);
		if (w)
			list_del_init(&w->entry);
		spin_unlock(&proc->inner_lock);
		if (!w)
			return;
		blite_ipc_discard_locked(proc, w);
	}
}

/*
 * @thread goes: its stack is unwound (the call it serves on top fails
 * back), its own work is discarded, and it is freed.
 */
static void blite_ipc_release_thread_locked(struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	blite_txn_unwind_thread_locked(thread);
	blite_ipc_discard_list_locked(thread->proc, &thread->todo);
	blite_thread_free_locked(thread);
}

/*
 * The nodes of a released file die: their pending oneways are dropped,
 * and the nodes still referenced become dead nodes whose holders are told.
 * Then the file's own references go, with their notifications.
 */
static void blite_ipc_release_objects_locked(struct blite_proc *proc)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node;
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	blite_node_forget_mgr_locked(proc);
	while ((n = rb_first(&proc->nodes))) {
		node = rb_entry(n, struct blite_node, rb_node);
		blite_txn_drop_async_locked(node);
		if (blite_node_kill_locked(node))
			blite_death_notify_locked(node);
	}
	blite_ref_release_all_locked(proc);
}

/**
 * blite_ipc_release_proc() - tear down the IPC state of a released file
 * @proc: the open file; no ioctl or poll can run on it any more
 *
 * Callers waiting on the process get BR_DEAD_REPLY, holders of its nodes
 * BR_DEAD_BINDER; its references are dropped. Buffers in flight to it go
 * with its pool, when the last reference to @proc is put.
 */
void blite_ipc_release_proc(struct blite_proc *proc)
{
	struct rb_node *n;

	mutex_lock(&blite_graph_lock);
	proc->dead = true;
	while ((n = rb_first(&proc->threads)))
		blite_ipc_release_thread_locked(rb_entry(n, struct blite_thread, rb_node));
	blite_ipc_release_objects_locked(proc);
	blite_ipc_discard_list_locked(proc, &proc->todo);
	blite_ipc_discard_list_locked(proc, &proc->delivered_death);
	blite_ipc_discard_list_locked(proc, &proc->delivered_freeze);
	mutex_unlock(&blite_graph_lock);
}

/**
 * blite_ipc_ioctl_thread_exit() - BINDERLITE_THREAD_EXIT
 * @thread: the calling thread, freed
 *
 * Return: 0.
 */
int blite_ipc_ioctl_thread_exit(struct blite_thread *thread)
{
	mutex_lock(&blite_graph_lock);
	blite_ipc_release_thread_locked(thread);
	mutex_unlock(&blite_graph_lock);
	return 0;
}

/* A command user space got wrong: logged, then the stream goes on. */
static void blite_ipc_user_error(struct blite_thread *thread, const char *what,
				 u64 arg, int err)
{
	pr_info_ratelimited("%d:%d %s %#llx failed: %d\n", thread->proc->pid,
			    thread->pid, what, arg, err);
}

static bool blite_ipc_return_error_pending(struct blite_thread *thread)
{
	bool ret;

	spin_lock(&thread->proc->inner_lock);
	ret = thread->return_error.cmd != BINDERLITE_BR_OK;
	spin_unlock(&thread->proc->inner_lock);
	return ret;
}

/* BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS. */
static int blite_ipc_command_ref(struct blite_thread *thread, u32 cmd,
				 void __user *arg)
{
	u32 desc;
	int ret;

	if (get_user(desc, (u32 __user *)arg))
		return -EFAULT;
	mutex_lock(&blite_graph_lock);
	ret = blite_ref_update_locked(thread->proc, desc,
				      cmd == BINDERLITE_BC_INCREFS ||
				      cmd == BINDERLITE_BC_ACQUIRE,
				      cmd == BINDERLITE_BC_ACQUIRE ||
				      cmd == BINDERLITE_BC_RELEASE);
	mutex_unlock(&blite_graph_lock);
	if (ret)
		blite_ipc_user_error(thread, "refcount change on handle", desc, ret);
	/* The manager taking handle 0 stops the stream, as in binder. */
	return ret == -ELOOP ? -EINVAL : 0;
}

/* BC_INCREFS_DONE, BC_ACQUIRE_DONE. */
static int blite_ipc_command_node_ack(struct blite_thread *thread, u32 cmd,
				      void __user *arg)
{
	struct binderlite_ptr_cookie pc;
	int ret;

	if (copy_from_user(&pc, arg, sizeof(pc)))
		return -EFAULT;
	mutex_lock(&blite_graph_lock);
	ret = blite_node_ack_locked(thread->proc, pc.ptr, pc.cookie,
				    cmd == BINDERLITE_BC_ACQUIRE_DONE);
	mutex_unlock(&blite_graph_lock);
	if (ret)
		blite_ipc_user_error(thread, "BC_INCREFS/ACQUIRE_DONE", pc.ptr, ret);
	return 0;
}

/* BC_REQUEST_DEATH_NOTIFICATION, BC_CLEAR_DEATH_NOTIFICATION. */
static int blite_ipc_command_death(struct blite_thread *thread, u32 cmd,
				   void __user *arg)
{
	struct binderlite_handle_cookie hc;
	int ret;

	if (copy_from_user(&hc, arg, sizeof(hc)))
		return -EFAULT;
	mutex_lock(&blite_graph_lock);
	if (cmd == BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION)
		ret = blite_death_request_locked(thread->proc, hc.handle, hc.cookie);
	else
		ret = blite_death_clear_locked(thread, hc.handle, hc.cookie);
	mutex_unlock(&blite_graph_lock);
	if (ret)
		blite_ipc_user_error(thread, "death notification on handle",
				     hc.handle, ret);
	return 0;
}

/* BC_DEAD_BINDER_DONE. */
static int blite_ipc_command_dead_binder_done(struct blite_thread *thread,
					      void __user *arg)
{
	binderlite_uintptr_t cookie;
	int ret;

	if (get_user(cookie, (binderlite_uintptr_t __user *)arg))
		return -EFAULT;
	mutex_lock(&blite_graph_lock);
	ret = blite_death_done_locked(thread, cookie);
	mutex_unlock(&blite_graph_lock);
	if (ret)
		blite_ipc_user_error(thread, "BC_DEAD_BINDER_DONE", cookie, ret);
	return 0;
}

/*
 * BC_*_FREEZE_NOTIFICATION and BC_FREEZE_NOTIFICATION_DONE. Unlike death
 * notifications, errors stop the stream, as in binder.
 */
static int blite_ipc_command_freeze(struct blite_thread *thread, u32 cmd,
				    void __user *arg)
{
	struct blite_proc *proc = thread->proc;
	struct binderlite_handle_cookie hc;
	binderlite_uintptr_t cookie;
	int ret;

	if (cmd == BINDERLITE_BC_FREEZE_NOTIFICATION_DONE) {
		if (get_user(cookie, (binderlite_uintptr_t __user *)arg))
			return -EFAULT;
		mutex_lock(&blite_graph_lock);
		ret = blite_freeze_done_locked(proc, cookie);
		mutex_unlock(&blite_graph_lock);
	} else {
		if (copy_from_user(&hc, arg, sizeof(hc)))
			return -EFAULT;
		if (cmd == BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION) {
			ret = blite_freeze_request(proc, hc.handle, hc.cookie);
		} else {
			mutex_lock(&blite_graph_lock);
			ret = blite_freeze_clear_locked(proc, hc.handle, hc.cookie);
			mutex_unlock(&blite_graph_lock);
		}
	}
	if (ret)
		blite_ipc_user_error(thread, "freeze notification command", cmd, ret);
	return ret;
}

/* BC_TRANSACTION(_SG), BC_REPLY(_SG). */
static int blite_ipc_command_transaction(struct blite_thread *thread, u32 cmd,
					 void __user *arg)
{
	struct binderlite_transaction_data_sg trs = {};
	bool sg = cmd == BINDERLITE_BC_TRANSACTION_SG || cmd == BINDERLITE_BC_REPLY_SG;

	if (copy_from_user(&trs, arg, sg ? sizeof(trs) : sizeof(trs.transaction_data)))
		return -EFAULT;
	blite_txn_send(thread->proc, thread, &trs.transaction_data,
		       cmd == BINDERLITE_BC_REPLY || cmd == BINDERLITE_BC_REPLY_SG,
		       trs.buffers_size);
	return 0;
}

/* BC_FREE_BUFFER. */
static int blite_ipc_command_free_buffer(struct blite_thread *thread,
					 void __user *arg)
{
	u64 ptr;
	int ret;

	if (get_user(ptr, (u64 __user *)arg))
		return -EFAULT;
	ret = blite_txn_free_buffer(thread->proc, thread, ptr);
	if (ret)
		blite_ipc_user_error(thread, "BC_FREE_BUFFER", ptr, ret);
	return 0;
}

/* Carries out one command whose argument is at @arg. */
static int blite_ipc_command(struct blite_thread *thread, u32 cmd, void __user *arg)
{
	switch (cmd) {
	case BINDERLITE_BC_TRANSACTION:
	case BINDERLITE_BC_REPLY:
	case BINDERLITE_BC_TRANSACTION_SG:
	case BINDERLITE_BC_REPLY_SG:
		return blite_ipc_command_transaction(thread, cmd, arg);
	case BINDERLITE_BC_FREE_BUFFER:
		return blite_ipc_command_free_buffer(thread, arg);
	case BINDERLITE_BC_INCREFS:
	case BINDERLITE_BC_ACQUIRE:
	case BINDERLITE_BC_RELEASE:
	case BINDERLITE_BC_DECREFS:
		return blite_ipc_command_ref(thread, cmd, arg);
	case BINDERLITE_BC_INCREFS_DONE:
	case BINDERLITE_BC_ACQUIRE_DONE:
		return blite_ipc_command_node_ack(thread, cmd, arg);
	case BINDERLITE_BC_REGISTER_LOOPER:
		blite_thread_register_looper(thread);
		return 0;
	case BINDERLITE_BC_ENTER_LOOPER:
		blite_thread_enter_looper(thread);
		return 0;
	case BINDERLITE_BC_EXIT_LOOPER:
		/* Accepted, as in binder; nothing depends on it. */
		return 0;
	case BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION:
	case BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION:
		return blite_ipc_command_death(thread, cmd, arg);
	case BINDERLITE_BC_DEAD_BINDER_DONE:
		return blite_ipc_command_dead_binder_done(thread, arg);
	case BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION:
	case BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION:
	case BINDERLITE_BC_FREEZE_NOTIFICATION_DONE:
		return blite_ipc_command_freeze(thread, cmd, arg);
	case BINDERLITE_BC_ATTEMPT_ACQUIRE:
	case BINDERLITE_BC_ACQUIRE_RESULT:
		/* Defined by the protocol, supported by no driver. */
		pr_info_ratelimited("%d:%d unsupported command %#x\n",
				    thread->proc->pid, thread->pid, cmd);
		return -EINVAL;
	default:
		pr_info_ratelimited("%d:%d unknown command %#x\n",
				    thread->proc->pid, thread->pid, cmd);
		return -EINVAL;
	}
}

/*
 * Consumes commands from @buffer, starting at *@consumed, and advances
 * *@consumed past each command that was carried out. A command must lie
 * wholly inside the buffer. Once a command left an error return pending
 * (a failed transaction), the rest waits until it has been read, as in
 * binder.
 */
static int blite_ipc_write(struct blite_thread *thread, u64 buffer, u64 size,
			   u64 *consumed)
{
	int ret;
	u32 cmd;

	while (*consumed < size && !blite_ipc_return_error_pending(thread)) {
		void __user *ptr = u64_to_user_ptr(buffer + *consumed);

		if (size - *consumed < sizeof(cmd))
			return -EINVAL;
		if (get_user(cmd, (u32 __user *)ptr))
			return -EFAULT;
		if (_IOC_SIZE(cmd) > size - *consumed - sizeof(cmd))
			return -EINVAL;
		trace_binderlite_command(cmd);
		ret = blite_ipc_command(thread, cmd, ptr + sizeof(cmd));
		if (ret)
			return ret;
		*consumed += sizeof(cmd) + _IOC_SIZE(cmd);
	}
	return 0;
}

/*
 * Sleeps until @thread has work; -EINTR on a signal, as binder. A looper
 * free for the process's work waits on the process's list, so that work
 * for the process wakes one thread, not all.
 */
static int blite_ipc_wait_for_work(struct blite_thread *thread, bool proc_work)
{
	struct blite_proc *proc = thread->proc;
	DEFINE_WAIT(wait);
	int ret = 0;

	for (;;) {
		prepare_to_wait(&thread->wait, &wait, TASK_INTERRUPTIBLE | TASK_FREEZABLE);
		spin_lock(&proc->inner_lock);
		if (blite_thread_has_work_ilocked(thread, proc_work)) {
			spin_unlock(&proc->inner_lock);
			break;
		}
		if (proc_work)
			list_add(&thread->waiting_entry, &proc->waiting_threads);
		spin_unlock(&proc->inner_lock);

		schedule();

		spin_lock(&proc->inner_lock);
		list_del_init(&thread->waiting_entry);
		spin_unlock(&proc->inner_lock);
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	finish_wait(&thread->wait, &wait);
	return ret;
}

/*
 * Waits, unless @non_block, until the reader has work. *@proc_work says
 * whether it may take its process's work: a looper free for any call,
 * which takes its process's priority, as in binder.
 */
static int blite_ipc_wait(struct blite_thread *thread, bool non_block,
			  bool *proc_work)
{
	struct blite_proc *proc = thread->proc;

	spin_lock(&proc->inner_lock);
	*proc_work = blite_thread_is_idle_ilocked(thread);
	trace_binderlite_wait_for_work(thread, *proc_work);
	spin_unlock(&proc->inner_lock);
	if (*proc_work)
		blite_thread_set_nice(proc->default_priority);

	if (non_block)
		return blite_thread_has_work(thread, *proc_work) ? 0 : -EAGAIN;
	return blite_ipc_wait_for_work(thread, *proc_work);
}

/* Room a read must have left for the next return, as in binder. */
#define BLITE_READ_RESERVE \
	(sizeof(u32) + sizeof(struct binderlite_transaction_data_secctx))

/* Faults in a row before a read gives up on a buffer that keeps faulting. */
#define BLITE_READ_MAX_FAULTS	16

/*
 * Writes the returns for @w, taken off a list of @thread or its process,
 * at @ptr: each kind of work goes to the file that delivers it. Sets
 * *@done when the read must return now: after a transaction, a
 * BR_DEAD_BINDER or a BR_FROZEN_BINDER, whose handling may need the thread
 * to send something first.
 *
 * Return: bytes written, or -EAGAIN if @ptr faulted, having changed
 * nothing: @w must go back where it was.
 */
static int blite_ipc_deliver_locked(struct blite_thread *thread,
				    struct blite_work *w, void __user *ptr,
				    bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_error *e;

	lockdep_assert_held(&blite_graph_lock);
	switch (w->type) {
	case BLITE_WORK_TRANSACTION:
		return blite_txn_deliver_locked(thread, w, ptr, done);
	case BLITE_WORK_TRANSACTION_COMPLETE:
	case BLITE_WORK_TRANSACTION_PENDING:
	case BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT:
		return blite_txn_deliver_complete(proc, w, ptr);
	case BLITE_WORK_RETURN_ERROR:
		e = container_of(w, struct blite_error, work);
		if (blite_work_copy_out_locked(ptr, &e->cmd, sizeof(e->cmd)))
			return -EAGAIN;
		trace_binderlite_return(e->cmd);
		spin_lock(&proc->inner_lock);
		e->cmd = BINDERLITE_BR_OK;
		spin_unlock(&proc->inner_lock);
		return sizeof(e->cmd);
	case BLITE_WORK_NODE:
		return blite_node_deliver_locked(container_of(w, struct blite_node, work),
						 ptr);
	case BLITE_WORK_DEAD_BINDER:
	case BLITE_WORK_DEAD_BINDER_AND_CLEAR:
	case BLITE_WORK_CLEAR_DEATH_NOTIFICATION:
		return blite_death_deliver_locked(proc, w, ptr, done);
	case BLITE_WORK_FROZEN_BINDER:
	case BLITE_WORK_CLEAR_FREEZE_NOTIFICATION:
		return blite_freeze_deliver_locked(proc, w, ptr, done);
	}
	return 0;
}

/*
 * Takes the next work item for @thread off its own list, else, with
 * @proc_work, off its process's. Sets *@list to the list it came from.
 */
static struct blite_work *blite_ipc_next_work_ilocked(struct blite_thread *thread,
						      bool proc_work,
						      struct list_head **list)
	__must_hold(&thread->proc->inner_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_work *w;

	lockdep_assert_held(&proc->inner_lock);
	if (!list_empty(&thread->todo))
		*list = &thread->todo;
	else if (proc_work && !list_empty(&proc->todo))
		*list = &proc->todo;
	else
		return NULL;
	w = list_first_entry(*list, struct blite_work, entry);
	list_del_init(&w->entry);
	if (list_empty(&thread->todo))
		thread->process_todo = false;
	return w;
}

/* A completion (BR_TRANSACTION_COMPLETE and its variants)? */
static bool blite_work_is_completion(const struct blite_work *w)
{
	return w->type == BLITE_WORK_TRANSACTION_COMPLETE ||
	       w->type == BLITE_WORK_TRANSACTION_PENDING ||
	       w->type == BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT;
}

/*
 * Sets *@has_work to whether @thread has work to read, and *@idle to
 * whether it has neither work nor a reason to return; takes the next item
 * if @room fits a return, and, with @completion_only, only if that item is
 * a completion: the one kind read without the graph lock.
 */
static struct blite_work *blite_ipc_take_work_ilocked(struct blite_thread *thread,
						      bool proc_work, u64 room,
						      bool completion_only,
						      struct list_head **list,
						      bool *has_work, bool *idle)
	__must_hold(&thread->proc->inner_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_work *next;

	lockdep_assert_held(&proc->inner_lock);
	*has_work = !list_empty(&thread->todo) ||
		    (proc_work && !list_empty(&proc->todo));
	*idle = !*has_work && !thread->need_return;
	if (!*has_work || room < BLITE_READ_RESERVE)
		return NULL;
	if (completion_only) {
		next = list_first_entry(list_empty(&thread->todo) ? &proc->todo :
					&thread->todo, struct blite_work, entry);
		if (!blite_work_is_completion(next))
			return NULL;
	}
	return blite_ipc_next_work_ilocked(thread, proc_work, list);
}

/* Puts @w back at the head of @list, where it came from, to be read again. */
static void blite_ipc_put_back_ilocked(struct blite_thread *thread,
				       struct blite_work *w, struct list_head *list)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	list_add(&w->entry, list);
	if (list == &thread->todo)
		thread->process_todo = true;
}

/*
 * Fills @buffer from *@consumed on with returns. The first return of a
 * read is always BR_NOOP; it becomes BR_SPAWN_LOOPER when the driver asks
 * for a thread. As in binder, *@consumed advances only when the read
 * succeeds: a read that fails (EAGAIN, EINTR, EFAULT) reports nothing
 * consumed, though BR_NOOP is already in the buffer.
 */
static int blite_ipc_read(struct blite_thread *thread, u64 buffer, u64 size,
			  u64 *consumed, bool non_block)
{
	void __user *start = u64_to_user_ptr(buffer);
	bool proc_work, has_work, idle, done = false, locked;
	struct blite_proc *proc = thread->proc;
	u64 room, pos = *consumed;
	unsigned int faults = 0;
	struct list_head *list;
	struct blite_work *w;
	int ret = 0;

	if (pos == 0) {
		if (size < sizeof(u32))
			return -EINVAL;
		if (put_user(BINDERLITE_BR_NOOP, (u32 __user *)start))
			return -EFAULT;
		pos = sizeof(u32);
	}

retry:
	ret = blite_ipc_wait(thread, non_block, &proc_work);
	if (ret)
		return ret;

	while (!done) {
		room = pos < size ? size - pos : 0;
		if (room >= BLITE_READ_RESERVE &&
		    fault_in_writeable(start + pos, BLITE_READ_RESERVE)) {
			/* Keep what was delivered; fail only an empty read. */
			if (pos == sizeof(u32))
				return -EFAULT;
			break;
		}

		/*
		 * First without the graph lock: an empty list and a
		 * completion at the head (the sender's own, see
		 * blite_txn_deliver_complete()) need only the inner lock.
		 * Anything else is taken and delivered under both.
		 */
		locked = false;
		spin_lock(&proc->inner_lock);
		w = blite_ipc_take_work_ilocked(thread, proc_work, room, true, &list,
						&has_work, &idle);
		spin_unlock(&proc->inner_lock);
		if (!w && has_work && room >= BLITE_READ_RESERVE) {
			mutex_lock(&blite_graph_lock);
			locked = true;
			spin_lock(&proc->inner_lock);
			w = blite_ipc_take_work_ilocked(thread, proc_work, room, false,
							&list, &has_work, &idle);
			spin_unlock(&proc->inner_lock);
		}
		if (!w) {
			if (locked)
				mutex_unlock(&blite_graph_lock);
			/* Woken for work another thread took: sleep again. */
			if (idle && pos == sizeof(u32))
				goto retry;
			break;
		}

		if (locked)
			ret = blite_ipc_deliver_locked(thread, w, start + pos, &done);
		else
			ret = blite_txn_deliver_complete(proc, w, start + pos);
		if (ret == -EAGAIN) {
			/* The buffer's page went away: put back, fault in again. */
			spin_lock(&proc->inner_lock);
			blite_ipc_put_back_ilocked(thread, w, list);
			spin_unlock(&proc->inner_lock);
		}
		if (locked) {
			mutex_unlock(&blite_graph_lock);
			/* A call's priority, inherited (blite_txn_deliver_locked()). */
			blite_thread_take_nice(thread);
		}
		if (ret >= 0) {
			/* 0: a transaction was dropped without a return. */
			pos += ret;
			faults = 0;
		} else if (++faults > BLITE_READ_MAX_FAULTS) {
			break;
		}
	}

	if (blite_proc_request_looper(thread)) {
		if (put_user(BINDERLITE_BR_SPAWN_LOOPER, (u32 __user *)start))
			return -EFAULT;
		trace_binderlite_return(BINDERLITE_BR_SPAWN_LOOPER);
	}
	*consumed = pos;
	return 0;
}

/**
 * blite_ipc_ioctl_write_read() - BINDERLITE_WRITE_READ
 * @thread: the calling thread
 * @filp:   the file, for O_NONBLOCK
 * @ubuf:   the user's &struct binderlite_write_read
 *
 * The write buffer is consumed first, then the read buffer is filled. On
 * an error the consumed counts still report the progress made.
 *
 * Return: 0 or a negative errno.
 */
int blite_ipc_ioctl_write_read(struct blite_thread *thread, struct file *filp,
			       void __user *ubuf)
{
	struct binderlite_write_read bwr;
	int ret = 0;

	if (copy_from_user(&bwr, ubuf, sizeof(bwr)))
		return -EFAULT;

	if (bwr.write_size > 0) {
		ret = blite_ipc_write(thread, bwr.write_buffer, bwr.write_size,
				      &bwr.write_consumed);
		trace_binderlite_write_done(ret);
		/* The read is not tried, and reports nothing read, as binder. */
		if (ret)
			bwr.read_consumed = 0;
	}
	if (!ret && bwr.read_size > 0) {
		ret = blite_ipc_read(thread, bwr.read_buffer, bwr.read_size,
				     &bwr.read_consumed, filp->f_flags & O_NONBLOCK);
		trace_binderlite_read_done(ret);
	}

	if (copy_to_user(ubuf, &bwr, sizeof(bwr)))
		return -EFAULT;
	return ret;
}

/**
 * blite_ipc_poll() - poll() on the device: readable when the thread has work
 * @filp: the file
 * @wait: the poll table
 *
 * Return: EPOLLIN if a read would not block, EPOLLERR without memory.
 */
__poll_t blite_ipc_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct blite_proc *proc = filp->private_data;
	struct blite_thread *thread;
	bool proc_work;

	thread = blite_thread_get(proc);
	if (!thread)
		return EPOLLERR;

	spin_lock(&proc->inner_lock);
	thread->looper |= BLITE_LOOPER_POLL;
	proc_work = blite_thread_is_idle_ilocked(thread);
	spin_unlock(&proc->inner_lock);

	poll_wait(filp, &thread->wait, wait);
	return blite_thread_has_work(thread, proc_work) ? EPOLLIN : 0;
}
