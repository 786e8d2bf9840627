// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite IPC core: threads, work lists, the write-read loop and the
 * release of threads and processes.
 *
 * A program drives binderlite as it drives binder: BINDERLITE_WRITE_READ
 * hands the driver a buffer of commands (BC_*) to consume first, then a
 * buffer to fill with returns (BR_*). Every read starts with BR_NOOP. A
 * read blocks until there is work for the thread or, for a looper thread
 * with nothing on its own stack, for the process, unless the file is
 * O_NONBLOCK.
 *
 * Work is a &struct blite_work on a list: a thread's own (replies, nested
 * calls, its BR_TRANSACTION_COMPLETE and errors), the process's (calls,
 * node and death notifications, for any looper) or a node's list of
 * oneways waiting their turn. Transactions are in binderlite_txn.c,
 * nodes, references and death notifications in binderlite_node.c.
 *
 * Lock order, outermost first:
 *
 *   blite_procs_lock (mutex; the lists of open files and of contexts:
 *                     debugfs, freezing by pid, opening a context)
 *     blite_graph_lock (mutex)
 *       blite_proc.inner_lock (spinlock; at most one at a time)
 *         blite_alloc.lock (spinlock)
 *
 * blite_graph_lock serializes every change to the object graph: nodes,
 * references, death and freeze notifications, transaction stacks, the
 * context managers. It is never held while a payload is copied or a pool
 * buffer is allocated (binderlite_txn.c), the expensive parts of a
 * transaction, never while a thread sleeps, never across a user-memory
 * fault, and never while a file is closed (which may wait on anything):
 * returns are copied out with page faults disabled, after the read loop
 * faulted the reader's buffer in without the lock. Files are taken from a
 * sender (fget) and descriptors reserved and installed in a receiver under
 * it; none of that waits on user space. An inner lock protects the work
 * lists and thread state of its process, so that a sleeping thread's
 * wake-up condition needs no mutex. Functions named *_locked need the graph
 * lock, *_ilocked the inner lock of the process concerned.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/pid.h>
#include <linux/pagemap.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "binderlite.h"

DEFINE_MUTEX(blite_graph_lock);	/* see the lock order above */

static atomic64_t blite_stats[BLITE_STAT_NR];
static atomic_long_t blite_live[BLITE_LIVE_NR];

/* The names debugfs prints; tests and tools parse them. */
const char *const blite_stat_names[BLITE_STAT_NR] = {
	[BLITE_STAT_TRANSACTIONS]	= "transactions",
	[BLITE_STAT_ONEWAYS]		= "oneways",
	[BLITE_STAT_REPLIES]		= "replies",
	[BLITE_STAT_FAILED]		= "failed",
	[BLITE_STAT_BYTES_SENT]		= "bytes_sent",
	[BLITE_STAT_BYTES_COPIED]	= "bytes_copied",
	[BLITE_STAT_FAILED_DEAD]	= "failed_dead",
	[BLITE_STAT_FAILED_HANDLE]	= "failed_bad_handle",
	[BLITE_STAT_FAILED_PROTO]	= "failed_protocol",
	[BLITE_STAT_FAILED_SPACE]	= "failed_no_space",
	[BLITE_STAT_FAILED_FAULT]	= "failed_fault",
	[BLITE_STAT_FAILED_OFFSETS]	= "failed_bad_offsets",
	[BLITE_STAT_FAILED_OBJECT]	= "failed_bad_object",
	[BLITE_STAT_FAILED_UNSUPPORTED]	= "failed_unsupported",
	[BLITE_STAT_FAILED_NOMEM]	= "failed_no_memory",
	[BLITE_STAT_FAILED_FROZEN]	= "failed_frozen",
	[BLITE_STAT_FAILED_FD]		= "failed_bad_fd",
	[BLITE_STAT_FAILED_SECURITY]	= "failed_security",
};

const char *const blite_live_names[BLITE_LIVE_NR] = {
	[BLITE_LIVE_THREADS]		= "threads",
	[BLITE_LIVE_NODES]		= "nodes",
	[BLITE_LIVE_REFS]		= "refs",
	[BLITE_LIVE_DEATHS]		= "deaths",
	[BLITE_LIVE_TRANSACTIONS]	= "transactions_live",
	[BLITE_LIVE_FREEZES]		= "freezes",
	[BLITE_LIVE_FILES]		= "files_in_flight",
};

/**
 * blite_stat_add() - add to a debugfs counter
 * @stat:  the counter
 * @count: how much
 */
void blite_stat_add(enum blite_stat stat, u64 count)
{
	atomic64_add(count, &blite_stats[stat]);
}

/**
 * blite_stat_read() - read a debugfs counter
 * @stat: the counter
 *
 * Return: its value.
 */
u64 blite_stat_read(enum blite_stat stat)
{
	return atomic64_read(&blite_stats[stat]);
}

/**
 * blite_live_inc() - one more object of a kind is alive
 * @live: the kind
 */
void blite_live_inc(enum blite_live live)
{
	atomic_long_inc(&blite_live[live]);
}

/**
 * blite_live_dec() - one object of a kind is gone
 * @live: the kind
 */
void blite_live_dec(enum blite_live live)
{
	atomic_long_dec(&blite_live[live]);
}

/**
 * blite_live_read() - how many objects of a kind are alive
 * @live: the kind
 *
 * Return: the count.
 */
long blite_live_read(enum blite_live live)
{
	return atomic_long_read(&blite_live[live]);
}

/**
 * blite_proc_ipc_init() - initialize the IPC state of a new open file
 * @proc: the open file
 */
void blite_proc_ipc_init(struct blite_proc *proc)
{
	spin_lock_init(&proc->inner_lock);
	proc->threads = RB_ROOT;
	proc->nodes = RB_ROOT;
	proc->refs_by_desc = RB_ROOT;
	proc->refs_by_node = RB_ROOT;
	INIT_LIST_HEAD(&proc->todo);
	INIT_LIST_HEAD(&proc->delivered_death);
	INIT_LIST_HEAD(&proc->delivered_freeze);
	INIT_LIST_HEAD(&proc->waiting_threads);
	init_waitqueue_head(&proc->freeze_wait);
	proc->default_priority = task_nice(current);
}

/**
 * blite_set_nice() - give the current thread a nice value, as binder does
 * @nice: the value wanted
 *
 * Without CAP_SYS_NICE, a thread may go only as low as RLIMIT_NICE allows;
 * it then gets the lowest it may have.
 */
void blite_set_nice(long nice)
{
	long min_nice;

	if (can_nice(current, nice)) {
		set_user_nice(current, nice);
		return;
	}
	min_nice = rlimit_to_nice(rlimit(RLIMIT_NICE));
	set_user_nice(current, min_nice);
	if (min_nice > MAX_NICE)
		pr_info_ratelimited("%d: RLIMIT_NICE not set\n", current->pid);
}

/* A looper with nothing of its own to do, on no call, serves the process. */
static bool blite_available_for_proc_work_ilocked(struct blite_thread *thread)
	__must_hold(&blite_graph_lock) __must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	lockdep_assert_held(&thread->proc->inner_lock);
	return !thread->transaction_stack && list_empty(&thread->todo) &&
	       (thread->looper & (BLITE_LOOPER_ENTERED | BLITE_LOOPER_REGISTERED));
}

/**
 * blite_enqueue_thread_work_ilocked() - give work to a thread
 * @thread: the thread; the caller wakes it
 * @w:      the work, on no list
 */
void blite_enqueue_thread_work_ilocked(struct blite_thread *thread,
				       struct blite_work *w)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	list_add_tail(&w->entry, &thread->todo);
	thread->process_todo = true;
}

/**
 * blite_enqueue_deferred_thread_work_ilocked() - give a thread work that
 *                                                does not wake it
 * @thread: the thread
 * @w:      the work, on no list
 *
 * The BR_TRANSACTION_COMPLETE of a sync call is read together with the
 * reply rather than waking the caller twice, as in binder.
 */
void blite_enqueue_deferred_thread_work_ilocked(struct blite_thread *thread,
						struct blite_work *w)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	list_add_tail(&w->entry, &thread->todo);
}

/**
 * blite_enqueue_proc_work_ilocked() - give work to any looper of a process
 * @proc: the process
 * @w:    the work, on no list
 *
 * If a looper waits for work, it takes @w on its own list and is woken;
 * otherwise @w waits on the process's list and pollers are woken.
 */
void blite_enqueue_proc_work_ilocked(struct blite_proc *proc, struct blite_work *w)
	__must_hold(&blite_graph_lock) __must_hold(&proc->inner_lock)
{
	struct blite_thread *thread;
	struct rb_node *n;

	lockdep_assert_held(&proc->inner_lock);
	thread = list_first_entry_or_null(&proc->waiting_threads,
					  struct blite_thread, waiting_entry);
	if (thread) {
		list_del_init(&thread->waiting_entry);
		blite_enqueue_thread_work_ilocked(thread, w);
		wake_up_interruptible(&thread->wait);
		return;
	}
	list_add_tail(&w->entry, &proc->todo);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		thread = rb_entry(n, struct blite_thread, rb_node);
		if ((thread->looper & BLITE_LOOPER_POLL) &&
		    blite_available_for_proc_work_ilocked(thread))
			wake_up_interruptible(&thread->wait);
	}
}

static void blite_thread_reset_ee_ilocked(struct blite_thread *thread)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	thread->ee.id = 0;
	thread->ee.command = BINDERLITE_BR_OK;
	thread->ee.param = 0;
}

static void blite_error_init(struct blite_error *e)
{
	INIT_LIST_HEAD(&e->work.entry);
	e->work.type = BLITE_WORK_RETURN_ERROR;
	e->cmd = BINDERLITE_BR_OK;
}

static int blite_thread_cmp(const void *key, const struct rb_node *n)
{
	pid_t pid = *(const pid_t *)key;
	pid_t cur = rb_entry(n, struct blite_thread, rb_node)->pid;

	return pid < cur ? -1 : pid > cur;
}

static bool blite_thread_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct blite_thread, rb_node)->pid <
	       rb_entry(b, struct blite_thread, rb_node)->pid;
}

/**
 * blite_get_thread() - the calling thread's state, created on first use
 * @proc: the open file
 *
 * Only the thread itself creates its entry, so looking up and inserting in
 * two steps cannot race with another insertion of the same pid.
 *
 * Return: the thread, or NULL if memory ran out.
 */
struct blite_thread *blite_get_thread(struct blite_proc *proc)
{
	struct blite_thread *thread;
	pid_t pid = current->pid;
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	n = rb_find(&pid, &proc->threads, blite_thread_cmp);
	spin_unlock(&proc->inner_lock);
	if (n)
		return rb_entry(n, struct blite_thread, rb_node);

	thread = kzalloc(sizeof(*thread), GFP_KERNEL);
	if (!thread)
		return NULL;
	thread->proc = proc;
	thread->pid = pid;
	INIT_LIST_HEAD(&thread->todo);
	INIT_LIST_HEAD(&thread->waiting_entry);
	init_waitqueue_head(&thread->wait);
	blite_error_init(&thread->return_error);
	blite_error_init(&thread->reply_error);

	mutex_lock(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	/* A new thread's first read returns at once, as in binder. */
	thread->need_return = true;
	blite_thread_reset_ee_ilocked(thread);
	rb_add(&thread->rb_node, &proc->threads, blite_thread_less);
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&blite_graph_lock);
	blite_live_inc(BLITE_LIVE_THREADS);
	return thread;
}

/**
 * blite_thread_ioctl_done() - end of an ioctl of @thread
 * @thread: the thread
 */
void blite_thread_ioctl_done(struct blite_thread *thread)
{
	spin_lock(&thread->proc->inner_lock);
	thread->need_return = false;
	spin_unlock(&thread->proc->inner_lock);
}

/*
 * Empties a work list of @proc whose items will never be delivered there.
 * Calls fail back to their callers with BR_DEAD_REPLY. Node and death
 * work moves to the process while it lives; a dying process's refs took
 * their death notifications with them, so what remains is freed.
 */
static void blite_release_work_locked(struct blite_proc *proc,
				      struct list_head *list)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t;
	struct blite_work *w;

	for (;;) {
		spin_lock(&proc->inner_lock);
		w = list_first_entry_or_null(list, struct blite_work, entry);
		if (w)
			list_del_init(&w->entry);
		spin_unlock(&proc->inner_lock);
		if (!w)
			return;

		switch (w->type) {
		case BLITE_WORK_TRANSACTION:
			t = container_of(w, struct blite_transaction, work);
			if (!proc->dead && (t->flags & BINDERLITE_TF_ONE_WAY) &&
			    !t->is_reply) {
				/* Accepted data is not lost with a thread. */
				spin_lock(&proc->inner_lock);
				blite_enqueue_proc_work_ilocked(proc, w);
				spin_unlock(&proc->inner_lock);
				break;
			}
			blite_transaction_drop_locked(t, BINDERLITE_BR_DEAD_REPLY, !proc->dead);
			break;
		case BLITE_WORK_TRANSACTION_COMPLETE:
		case BLITE_WORK_TRANSACTION_PENDING:
		case BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT:
			kfree(w);
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
				blite_enqueue_proc_work_ilocked(proc, w);
				spin_unlock(&proc->inner_lock);
				break;
			}
			/* Plain notifications still belong to their refs. */
			if (w->type == BLITE_WORK_DEAD_BINDER_AND_CLEAR ||
			    w->type == BLITE_WORK_CLEAR_DEATH_NOTIFICATION) {
				kfree(container_of(w, struct blite_death, work));
				blite_live_dec(BLITE_LIVE_DEATHS);
			} else if (w->type == BLITE_WORK_CLEAR_FREEZE_NOTIFICATION) {
				blite_freeze_free(container_of(w, struct blite_freeze, work));
			}
			break;
		}
	}
}

/*
 * Unlinks and frees @thread. The call on top of its stack, if the thread
 * serves it, fails back to its caller with BR_DEAD_REPLY; calls it serves
 * deeper down are only detached from it, and calls it waits on lose their
 * caller: whoever answers one of those later finds the caller gone, and the
 * failure travels up the chain (blite_send_failed_reply_locked()), as in
 * binder. Pollers are woken and detached first.
 */
static void blite_thread_release_locked(struct blite_proc *proc,
					struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t, *next, *failed = NULL;

	lockdep_assert_held(&blite_graph_lock);
	t = thread->transaction_stack;
	thread->transaction_stack = NULL;
	if (t && t->to_thread == thread)
		failed = t;
	for (; t; t = next) {
		if (t->to_thread == thread) {
			next = t->to_parent;
			t->to_thread = NULL;
			t->to_parent = NULL;
			/* No longer in flight to the process, for its freezer. */
			spin_lock(&proc->inner_lock);
			proc->outstanding_txns--;
			spin_unlock(&proc->inner_lock);
			t->to_proc = NULL;
			if (t->buffer) {
				t->buffer->transaction = NULL;
				t->buffer = NULL;
			}
		} else {
			next = t->from_parent;
			t->from = NULL;
		}
	}
	if (failed)
		blite_send_failed_reply_locked(failed, BINDERLITE_BR_DEAD_REPLY);
	blite_release_work_locked(proc, &thread->todo);

	spin_lock(&proc->inner_lock);
	list_del_init(&thread->waiting_entry);
	rb_erase(&thread->rb_node, &proc->threads);
	if (thread->looper & BLITE_LOOPER_POLL)
		wake_up_pollfree(&thread->wait);
	spin_unlock(&proc->inner_lock);
	kfree_rcu(thread, rcu);
	blite_live_dec(BLITE_LIVE_THREADS);
}

/**
 * blite_proc_ipc_release() - tear down the IPC state of a released file
 * @proc: the open file; no ioctl or poll can run on it any more
 *
 * Callers waiting on the process get BR_DEAD_REPLY, holders of its nodes
 * BR_DEAD_BINDER; its references are dropped. Buffers in flight to it go
 * with its pool, when the last reference to @proc is put.
 */
void blite_proc_ipc_release(struct blite_proc *proc)
{
	struct rb_node *n;

	mutex_lock(&blite_graph_lock);
	proc->dead = true;
	while ((n = rb_first(&proc->threads)))
		blite_thread_release_locked(proc, rb_entry(n, struct blite_thread, rb_node));
	blite_proc_release_objects_locked(proc);
	blite_release_work_locked(proc, &proc->todo);
	blite_release_work_locked(proc, &proc->delivered_death);
	blite_release_work_locked(proc, &proc->delivered_freeze);
	mutex_unlock(&blite_graph_lock);
}

/**
 * blite_proc_flush() - make every blocked reader of the file return
 * @proc: the open file, one of whose descriptors is being closed
 */
void blite_proc_flush(struct blite_proc *proc)
{
	struct blite_thread *thread;
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		thread = rb_entry(n, struct blite_thread, rb_node);
		thread->need_return = true;
		wake_up_interruptible(&thread->wait);
	}
	spin_unlock(&proc->inner_lock);
}

static bool blite_has_work_ilocked(struct blite_thread *thread, bool proc_work)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	return thread->process_todo || thread->need_return ||
	       (proc_work && !list_empty(&thread->proc->todo));
}

static bool blite_has_work(struct blite_thread *thread, bool proc_work)
{
	bool ret;

	spin_lock(&thread->proc->inner_lock);
	ret = blite_has_work_ilocked(thread, proc_work);
	spin_unlock(&thread->proc->inner_lock);
	return ret;
}

/* A thread broke the looper protocol: remember it and tell the log. */
static void blite_looper_invalid(struct blite_thread *thread, const char *why)
{
	spin_lock(&thread->proc->inner_lock);
	thread->looper |= BLITE_LOOPER_INVALID;
	spin_unlock(&thread->proc->inner_lock);
	pr_info_ratelimited("%d:%d %s\n", thread->proc->pid, thread->pid, why);
}

static void blite_register_looper(struct blite_proc *proc,
				  struct blite_thread *thread)
{
	const char *err = NULL;

	spin_lock(&proc->inner_lock);
	if (thread->looper & BLITE_LOOPER_ENTERED) {
		err = "BC_REGISTER_LOOPER after BC_ENTER_LOOPER";
	} else if (!proc->requested_threads) {
		err = "BC_REGISTER_LOOPER without a BR_SPAWN_LOOPER request";
	} else {
		proc->requested_threads--;
		proc->requested_threads_started++;
	}
	thread->looper |= BLITE_LOOPER_REGISTERED;
	spin_unlock(&proc->inner_lock);
	if (err)
		blite_looper_invalid(thread, err);
}

static void blite_enter_looper(struct blite_proc *proc,
			       struct blite_thread *thread)
{
	bool registered;

	spin_lock(&proc->inner_lock);
	registered = thread->looper & BLITE_LOOPER_REGISTERED;
	thread->looper |= BLITE_LOOPER_ENTERED;
	spin_unlock(&proc->inner_lock);
	if (registered)
		blite_looper_invalid(thread, "BC_ENTER_LOOPER after BC_REGISTER_LOOPER");
}

static void blite_exit_looper(struct blite_proc *proc, struct blite_thread *thread)
{
	spin_lock(&proc->inner_lock);
	thread->looper |= BLITE_LOOPER_EXITED;
	spin_unlock(&proc->inner_lock);
}

/* A command user space got wrong: logged, then the stream goes on. */
static void blite_user_error(struct blite_thread *thread, const char *what,
			     u64 arg, int err)
{
	pr_info_ratelimited("%d:%d %s %#llx failed: %d\n", thread->proc->pid,
			    thread->pid, what, arg, err);
}

static bool blite_return_error_pending(struct blite_thread *thread)
{
	bool ret;

	spin_lock(&thread->proc->inner_lock);
	ret = thread->return_error.cmd != BINDERLITE_BR_OK;
	spin_unlock(&thread->proc->inner_lock);
	return ret;
}

/* BC_*_FREEZE_NOTIFICATION and BC_FREEZE_NOTIFICATION_DONE. */
static int blite_freeze_command(struct blite_proc *proc, u32 cmd, void __user *arg)
{
	struct binderlite_handle_cookie hc;
	struct blite_freeze *freeze = NULL;
	binderlite_uintptr_t cookie;
	int ret;

	if (cmd == BINDERLITE_BC_FREEZE_NOTIFICATION_DONE) {
		if (get_user(cookie, (binderlite_uintptr_t __user *)arg))
			return -EFAULT;
		mutex_lock(&blite_graph_lock);
		ret = blite_freeze_done_locked(proc, cookie);
		mutex_unlock(&blite_graph_lock);
		return ret;
	}
	if (copy_from_user(&hc, arg, sizeof(hc)))
		return -EFAULT;
	if (cmd == BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION) {
		freeze = kzalloc(sizeof(*freeze), GFP_KERNEL);
		if (!freeze)
			return -ENOMEM;
	}
	mutex_lock(&blite_graph_lock);
	if (freeze)
		ret = blite_request_freeze_locked(proc, hc.handle, hc.cookie, freeze);
	else
		ret = blite_clear_freeze_locked(proc, hc.handle, hc.cookie);
	mutex_unlock(&blite_graph_lock);
	if (ret)
		kfree(freeze);
	return ret;
}

/* Carries out one command whose argument is at @arg. */
static int blite_thread_command(struct blite_proc *proc, struct blite_thread *thread,
				u32 cmd, void __user *arg)
{
	struct binderlite_transaction_data_sg trs;
	struct binderlite_handle_cookie hc;
	struct binderlite_ptr_cookie pc;
	binderlite_uintptr_t cookie;
	u64 ptr;
	u32 desc;
	int ret;

	switch (cmd) {
	case BINDERLITE_BC_TRANSACTION:
	case BINDERLITE_BC_REPLY:
		if (copy_from_user(&trs.transaction_data, arg, sizeof(trs.transaction_data)))
			return -EFAULT;
		blite_transaction(proc, thread, &trs.transaction_data,
				  cmd == BINDERLITE_BC_REPLY, 0);
		return 0;
	case BINDERLITE_BC_TRANSACTION_SG:
	case BINDERLITE_BC_REPLY_SG:
		if (copy_from_user(&trs, arg, sizeof(trs)))
			return -EFAULT;
		blite_transaction(proc, thread, &trs.transaction_data,
				  cmd == BINDERLITE_BC_REPLY_SG, trs.buffers_size);
		return 0;
	case BINDERLITE_BC_FREE_BUFFER:
		if (get_user(ptr, (u64 __user *)arg))
			return -EFAULT;
		ret = blite_free_buffer(proc, thread, ptr);
		if (ret)
			blite_user_error(thread, "BC_FREE_BUFFER", ptr, ret);
		return 0;
	case BINDERLITE_BC_INCREFS:
	case BINDERLITE_BC_ACQUIRE:
	case BINDERLITE_BC_RELEASE:
	case BINDERLITE_BC_DECREFS:
		if (get_user(desc, (u32 __user *)arg))
			return -EFAULT;
		mutex_lock(&blite_graph_lock);
		ret = blite_update_ref_locked(proc, desc,
					      cmd == BINDERLITE_BC_INCREFS ||
					      cmd == BINDERLITE_BC_ACQUIRE,
					      cmd == BINDERLITE_BC_ACQUIRE ||
					      cmd == BINDERLITE_BC_RELEASE);
		mutex_unlock(&blite_graph_lock);
		if (ret)
			blite_user_error(thread, "refcount change on handle", desc, ret);
		/* The manager taking handle 0 stops the stream, as in binder. */
		return ret == -ELOOP ? -EINVAL : 0;
	case BINDERLITE_BC_INCREFS_DONE:
	case BINDERLITE_BC_ACQUIRE_DONE:
		if (copy_from_user(&pc, arg, sizeof(pc)))
			return -EFAULT;
		mutex_lock(&blite_graph_lock);
		ret = blite_node_done_locked(proc, pc.ptr, pc.cookie,
					     cmd == BINDERLITE_BC_ACQUIRE_DONE);
		mutex_unlock(&blite_graph_lock);
		if (ret)
			blite_user_error(thread, "BC_INCREFS/ACQUIRE_DONE", pc.ptr, ret);
		return 0;
	case BINDERLITE_BC_REGISTER_LOOPER:
		blite_register_looper(proc, thread);
		return 0;
	case BINDERLITE_BC_ENTER_LOOPER:
		blite_enter_looper(proc, thread);
		return 0;
	case BINDERLITE_BC_EXIT_LOOPER:
		blite_exit_looper(proc, thread);
		return 0;
	case BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION:
	case BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION:
		if (copy_from_user(&hc, arg, sizeof(hc)))
			return -EFAULT;
		mutex_lock(&blite_graph_lock);
		if (cmd == BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION)
			ret = blite_request_death_locked(proc, hc.handle, hc.cookie);
		else
			ret = blite_clear_death_locked(thread, hc.handle, hc.cookie);
		mutex_unlock(&blite_graph_lock);
		if (ret)
			blite_user_error(thread, "death notification on handle",
					 hc.handle, ret);
		return 0;
	case BINDERLITE_BC_DEAD_BINDER_DONE:
		if (get_user(cookie, (binderlite_uintptr_t __user *)arg))
			return -EFAULT;
		mutex_lock(&blite_graph_lock);
		ret = blite_dead_binder_done_locked(thread, cookie);
		mutex_unlock(&blite_graph_lock);
		if (ret)
			blite_user_error(thread, "BC_DEAD_BINDER_DONE", cookie, ret);
		return 0;
	case BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION:
	case BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION:
	case BINDERLITE_BC_FREEZE_NOTIFICATION_DONE:
		/* Unlike death notifications, errors stop the stream, as in binder. */
		ret = blite_freeze_command(proc, cmd, arg);
		if (ret)
			blite_user_error(thread, "freeze notification command", cmd, ret);
		return ret;
	case BINDERLITE_BC_ATTEMPT_ACQUIRE:
	case BINDERLITE_BC_ACQUIRE_RESULT:
		/* Defined by the protocol, supported by no driver. */
		pr_info_ratelimited("%d:%d unsupported command %#x\n",
				    proc->pid, thread->pid, cmd);
		return -EINVAL;
	default:
		pr_info_ratelimited("%d:%d unknown command %#x\n",
				    proc->pid, thread->pid, cmd);
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
static int blite_thread_write(struct blite_proc *proc, struct blite_thread *thread,
			      u64 buffer, u64 size, u64 *consumed)
{
	int ret;
	u32 cmd;

	while (*consumed < size && !blite_return_error_pending(thread)) {
		void __user *ptr = u64_to_user_ptr(buffer + *consumed);

		if (size - *consumed < sizeof(cmd))
			return -EINVAL;
		if (get_user(cmd, (u32 __user *)ptr))
			return -EFAULT;
		if (_IOC_SIZE(cmd) > size - *consumed - sizeof(cmd))
			return -EINVAL;
		ret = blite_thread_command(proc, thread, cmd, ptr + sizeof(cmd));
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
static int blite_wait_for_work(struct blite_thread *thread, bool proc_work)
{
	struct blite_proc *proc = thread->proc;
	DEFINE_WAIT(wait);
	int ret = 0;

	for (;;) {
		prepare_to_wait(&thread->wait, &wait, TASK_INTERRUPTIBLE | TASK_FREEZABLE);
		spin_lock(&proc->inner_lock);
		if (blite_has_work_ilocked(thread, proc_work)) {
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

/* Room a read must have left for the next return, as in binder. */
#define BLITE_READ_RESERVE \
	(sizeof(u32) + sizeof(struct binderlite_transaction_data_secctx))

/* Faults in a row before a read gives up on a buffer that keeps faulting. */
#define BLITE_READ_MAX_FAULTS	16

/*
 * Copies returns to the reader with the graph lock held. Page faults are
 * disabled: a reader whose buffer is slow to fault in (a file on a slow
 * disk, userfaultfd) must not stall everybody else's IPC. The read loop
 * faults the buffer in before taking the lock; -EAGAIN means the page went
 * away meanwhile, and the work is put back and tried again.
 */
static int blite_copy_out_locked(void __user *dst, const void *src, size_t len)
	__must_hold(&blite_graph_lock)
{
	return copy_to_user_nofault(dst, src, len) ? -EAGAIN : 0;
}

/*
 * The serving thread takes the caller's priority for a sync call, bounded
 * by the node's minimum, and at least the node's minimum for a oneway, as
 * in binder; blite_set_nice() of the reply gives its own back.
 */
static void blite_inherit_priority(struct blite_transaction *t)
{
	bool oneway = t->flags & BINDERLITE_TF_ONE_WAY;
	long min = t->target_node->min_priority;

	t->saved_priority = task_nice(current);
	if (t->priority < min && !oneway)
		blite_set_nice(t->priority);
	else if (!oneway || t->saved_priority > min)
		blite_set_nice(min);
}

/*
 * The receiver could not get a descriptor for a file the transaction
 * carries: the transaction is dropped, as in binder. A sync caller reads
 * BR_FAILED_REPLY; for a reply, the reader reads it in place of BR_REPLY.
 */
static int blite_deliver_failed_locked(struct blite_thread *thread,
				       struct blite_transaction *t,
				       void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_buffer *buf = t->buffer;
	u32 cmd = BINDERLITE_BR_FAILED_REPLY;
	bool is_reply = t->is_reply;

	if (is_reply) {
		if (blite_copy_out_locked(ptr, &cmd, sizeof(cmd)))
			return -EAGAIN;
		*done = true;
	}
	blite_stat_add(BLITE_STAT_FAILED, 1);
	blite_stat_add(BLITE_STAT_FAILED_FD, 1);
	buf->transaction = NULL;
	t->buffer = NULL;
	if (t->target_node && !(t->flags & BINDERLITE_TF_ONE_WAY))
		blite_send_failed_reply_locked(t, BINDERLITE_BR_FAILED_REPLY);
	else
		blite_free_transaction_locked(t);
	blite_buffer_release_locked(thread->proc, buf, NULL);
	return is_reply ? sizeof(cmd) : 0;
}

/*
 * BR_TRANSACTION (BR_TRANSACTION_SEC_CTX when it carries the sender's
 * security context) or BR_REPLY. The files it carries get descriptors of
 * the reader's process first. Once delivered, a call that wants a reply
 * joins the thread's stack; anything else is done with.
 */
static int blite_deliver_transaction_locked(struct blite_thread *thread,
					    struct blite_transaction *t,
					    void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_buffer *buf = t->buffer;
	struct binderlite_transaction_data *tr;
	struct {
		u32 cmd;
		struct binderlite_transaction_data_secctx trs;
	} __packed rec = { .cmd = BINDERLITE_BR_REPLY };
	size_t size = sizeof(rec.cmd) + sizeof(*tr);
	bool is_reply = t->is_reply;

	tr = &rec.trs.transaction_data;
	if (t->target_node) {
		rec.cmd = BINDERLITE_BR_TRANSACTION;
		tr->target.ptr = t->target_node->ptr;
		tr->cookie = t->target_node->cookie;
	}
	tr->code = t->code;
	tr->flags = t->flags;
	tr->sender_euid = from_kuid(current_user_ns(), t->sender_euid);
	if (t->from)
		tr->sender_pid = pid_nr_ns(t->from->proc->tsk_pid,
					   task_active_pid_ns(current));
	tr->data_size = buf->data_size;
	tr->offsets_size = buf->offsets_size;
	tr->data.ptr.buffer = blite_pool_user_addr(&proc->pool, buf);
	tr->data.ptr.offsets = tr->data.ptr.buffer + ALIGN(buf->data_size, sizeof(u64));
	if (t->has_secctx) {
		rec.cmd = BINDERLITE_BR_TRANSACTION_SEC_CTX;
		rec.trs.secctx = tr->data.ptr.buffer + t->secctx_offset;
		size += sizeof(rec.trs.secctx);
	}
	if (blite_fd_fixups_reserve(proc, t))
		return blite_deliver_failed_locked(thread, t, ptr, done);
	if (blite_copy_out_locked(ptr, &rec, size)) {
		blite_fd_fixups_unreserve(t);
		return -EAGAIN;
	}
	blite_fd_fixups_install(t);

	blite_alloc_mark_delivered(&proc->pool.alloc, buf);
	if (!is_reply)
		blite_inherit_priority(t);
	if (!is_reply && !(t->flags & BINDERLITE_TF_ONE_WAY)) {
		t->to_thread = thread;
		t->to_parent = thread->transaction_stack;
		thread->transaction_stack = t;
	} else {
		blite_free_transaction_locked(t);
	}
	*done = true;
	return size;
}

/* BR_FROZEN_BINDER or BR_CLEAR_FREEZE_NOTIFICATION_DONE. */
static int blite_deliver_freeze_locked(struct blite_proc *proc,
				       struct blite_freeze *freeze,
				       void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct {
		u32 cmd;
		struct binderlite_frozen_state_info info;
	} __packed rec = { BINDERLITE_BR_FROZEN_BINDER };
	struct {
		u32 cmd;
		binderlite_uintptr_t cookie;
	} __packed clear = { BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, freeze->cookie };

	if (freeze->work.type == BLITE_WORK_CLEAR_FREEZE_NOTIFICATION) {
		if (blite_copy_out_locked(ptr, &clear, sizeof(clear)))
			return -EAGAIN;
		blite_freeze_free(freeze);
		return sizeof(clear);
	}
	rec.info.cookie = freeze->cookie;
	rec.info.is_frozen = freeze->is_frozen;
	if (blite_copy_out_locked(ptr, &rec, sizeof(rec)))
		return -EAGAIN;
	/* Kept until BC_FREEZE_NOTIFICATION_DONE; may cause transactions. */
	spin_lock(&proc->inner_lock);
	freeze->sent = true;
	list_add_tail(&freeze->work.entry, &proc->delivered_freeze);
	spin_unlock(&proc->inner_lock);
	*done = true;
	return sizeof(rec);
}

/* BR_INCREFS ... BR_DECREFS: what the owner must change for a node. */
static int blite_deliver_node_locked(struct blite_node *node, void __user *ptr)
	__must_hold(&blite_graph_lock)
{
	struct {
		u32 cmd;
		struct binderlite_ptr_cookie pc;
	} __packed rec[4];
	u32 cmds[4];
	int i, n;

	n = blite_node_cmds_locked(node, cmds);
	for (i = 0; i < n; i++) {
		rec[i].cmd = cmds[i];
		rec[i].pc.ptr = node->ptr;
		rec[i].pc.cookie = node->cookie;
	}
	if (blite_copy_out_locked(ptr, rec, n * sizeof(rec[0])))
		return -EAGAIN;
	blite_node_cmds_sent_locked(node);
	return n * sizeof(rec[0]);
}

/* BR_DEAD_BINDER or BR_CLEAR_DEATH_NOTIFICATION_DONE. */
static int blite_deliver_death_locked(struct blite_proc *proc,
				      struct blite_death *death, void __user *ptr)
	__must_hold(&blite_graph_lock)
{
	struct {
		u32 cmd;
		binderlite_uintptr_t cookie;
	} __packed rec = { BINDERLITE_BR_DEAD_BINDER, death->cookie };
	bool cleared = death->work.type == BLITE_WORK_CLEAR_DEATH_NOTIFICATION;

	if (cleared)
		rec.cmd = BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE;
	if (blite_copy_out_locked(ptr, &rec, sizeof(rec)))
		return -EAGAIN;
	if (cleared) {
		kfree(death);
		blite_live_dec(BLITE_LIVE_DEATHS);
	} else {
		/* Kept until BC_DEAD_BINDER_DONE. */
		spin_lock(&proc->inner_lock);
		list_add_tail(&death->work.entry, &proc->delivered_death);
		spin_unlock(&proc->inner_lock);
	}
	return sizeof(rec);
}

/*
 * Writes the returns for @w, taken off a list, at @ptr. Sets *@done when
 * the read must return now: after a transaction or a BR_DEAD_BINDER, whose
 * handling may need the thread to send something first.
 *
 * Return: bytes written, or -EAGAIN if @ptr faulted, having changed
 * nothing: @w must go back where it was.
 */
static int blite_deliver_work_locked(struct blite_thread *thread,
				     struct blite_work *w, void __user *ptr,
				     bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_transaction *t;
	struct blite_death *death;
	struct blite_error *e;
	u32 cmd;
	int ret;

	switch (w->type) {
	case BLITE_WORK_TRANSACTION:
		t = container_of(w, struct blite_transaction, work);
		return blite_deliver_transaction_locked(thread, t, ptr, done);
	case BLITE_WORK_TRANSACTION_COMPLETE:
	case BLITE_WORK_TRANSACTION_PENDING:
	case BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT:
		cmd = BINDERLITE_BR_TRANSACTION_COMPLETE;
		if (w->type == BLITE_WORK_TRANSACTION_PENDING)
			cmd = BINDERLITE_BR_TRANSACTION_PENDING_FROZEN;
		else if (w->type == BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT &&
			 READ_ONCE(proc->oneway_spam_detection))
			cmd = BINDERLITE_BR_ONEWAY_SPAM_SUSPECT;
		if (blite_copy_out_locked(ptr, &cmd, sizeof(cmd)))
			return -EAGAIN;
		kfree(w);
		return sizeof(cmd);
	case BLITE_WORK_FROZEN_BINDER:
	case BLITE_WORK_CLEAR_FREEZE_NOTIFICATION:
		/* May free the notification: nothing of @w may be read after. */
		return blite_deliver_freeze_locked(proc, container_of(w, struct blite_freeze, work),
						   ptr, done);
	case BLITE_WORK_RETURN_ERROR:
		e = container_of(w, struct blite_error, work);
		if (blite_copy_out_locked(ptr, &e->cmd, sizeof(e->cmd)))
			return -EAGAIN;
		spin_lock(&proc->inner_lock);
		e->cmd = BINDERLITE_BR_OK;
		spin_unlock(&proc->inner_lock);
		return sizeof(cmd);
	case BLITE_WORK_NODE:
		return blite_deliver_node_locked(container_of(w, struct blite_node, work),
						 ptr);
	case BLITE_WORK_CLEAR_DEATH_NOTIFICATION:
		/* Frees the notification: nothing of @w may be read after. */
		death = container_of(w, struct blite_death, work);
		return blite_deliver_death_locked(proc, death, ptr);
	default:
		death = container_of(w, struct blite_death, work);
		ret = blite_deliver_death_locked(proc, death, ptr);
		*done = ret > 0;
		return ret;
	}
}

/*
 * Whether to ask for one more looper: none is idle, none was requested
 * yet, the process allows more, and the reader is a looper, as in binder.
 */
static bool blite_spawn_looper(struct blite_thread *thread)
{
	struct blite_proc *proc = thread->proc;
	bool spawn;

	spin_lock(&proc->inner_lock);
	spawn = !proc->requested_threads && list_empty(&proc->waiting_threads) &&
		proc->requested_threads_started < proc->max_threads &&
		(thread->looper & (BLITE_LOOPER_REGISTERED | BLITE_LOOPER_ENTERED));
	if (spawn)
		proc->requested_threads++;
	spin_unlock(&proc->inner_lock);
	return spawn;
}

/*
 * Takes the next work item for @thread, if there is one and @room for its
 * returns. Sets *@list to the list it came from.
 */
static struct blite_work *blite_next_work_ilocked(struct blite_thread *thread,
						  bool proc_work,
						  struct list_head **list)
	__must_hold(&thread->proc->inner_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_work *w;

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

/*
 * Fills @buffer from *@consumed on with returns. The first return of a
 * read is always BR_NOOP; it becomes BR_SPAWN_LOOPER when the driver asks
 * for a thread. As in binder, *@consumed advances only when the read
 * succeeds: a read that fails (EAGAIN, EINTR, EFAULT) reports nothing
 * consumed, though BR_NOOP is already in the buffer.
 */
static int blite_thread_read(struct blite_proc *proc, struct blite_thread *thread,
			     u64 buffer, u64 size, u64 *consumed, bool non_block)
{
	void __user *start = u64_to_user_ptr(buffer);
	bool proc_work, has_work, done = false, again;
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
	mutex_lock(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	proc_work = blite_available_for_proc_work_ilocked(thread);
	thread->looper |= BLITE_LOOPER_WAITING;
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&blite_graph_lock);
	/* A looper free for any call takes its process's priority, as in binder. */
	if (proc_work)
		blite_set_nice(proc->default_priority);

	if (non_block)
		ret = blite_has_work(thread, proc_work) ? 0 : -EAGAIN;
	else
		ret = blite_wait_for_work(thread, proc_work);

	spin_lock(&proc->inner_lock);
	thread->looper &= ~BLITE_LOOPER_WAITING;
	spin_unlock(&proc->inner_lock);
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

		mutex_lock(&blite_graph_lock);
		spin_lock(&proc->inner_lock);
		has_work = !list_empty(&thread->todo) ||
			   (proc_work && !list_empty(&proc->todo));
		w = NULL;
		if (has_work && room >= BLITE_READ_RESERVE)
			w = blite_next_work_ilocked(thread, proc_work, &list);
		/* Woken for work another thread took: sleep again. */
		again = !has_work && pos == sizeof(u32) && !thread->need_return;
		spin_unlock(&proc->inner_lock);
		if (!w) {
			mutex_unlock(&blite_graph_lock);
			if (again)
				goto retry;
			break;
		}

		ret = blite_deliver_work_locked(thread, w, start + pos, &done);
		if (ret == -EAGAIN) {
			/* The buffer's page went away: put back, fault in again. */
			spin_lock(&proc->inner_lock);
			list_add(&w->entry, list);
			if (list == &thread->todo)
				thread->process_todo = true;
			spin_unlock(&proc->inner_lock);
		}
		mutex_unlock(&blite_graph_lock);
		if (ret >= 0) {
			/* 0: a transaction was dropped without a return. */
			pos += ret;
			faults = 0;
		} else if (++faults > BLITE_READ_MAX_FAULTS) {
			break;
		}
	}

	if (blite_spawn_looper(thread) &&
	    put_user(BINDERLITE_BR_SPAWN_LOOPER, (u32 __user *)start))
		return -EFAULT;
	*consumed = pos;
	return 0;
}

/**
 * blite_ioctl_write_read() - BINDERLITE_WRITE_READ
 * @proc:   the open file
 * @thread: the calling thread
 * @filp:   the file, for O_NONBLOCK
 * @ubuf:   the user's &struct binderlite_write_read
 *
 * The write buffer is consumed first, then the read buffer is filled. On
 * an error the consumed counts still report the progress made.
 *
 * Return: 0 or a negative errno.
 */
int blite_ioctl_write_read(struct blite_proc *proc, struct blite_thread *thread,
			   struct file *filp, void __user *ubuf)
{
	struct binderlite_write_read bwr;
	int ret = 0;

	if (copy_from_user(&bwr, ubuf, sizeof(bwr)))
		return -EFAULT;

	if (bwr.write_size > 0) {
		ret = blite_thread_write(proc, thread, bwr.write_buffer,
					 bwr.write_size, &bwr.write_consumed);
		/* The read is not tried, and reports nothing read, as binder. */
		if (ret)
			bwr.read_consumed = 0;
	}
	if (!ret && bwr.read_size > 0)
		ret = blite_thread_read(proc, thread, bwr.read_buffer, bwr.read_size,
					&bwr.read_consumed, filp->f_flags & O_NONBLOCK);

	if (copy_to_user(ubuf, &bwr, sizeof(bwr)))
		return -EFAULT;
	return ret;
}

/**
 * blite_ioctl_set_max_threads() - BINDERLITE_SET_MAX_THREADS
 * @proc: the open file
 * @ubuf: the user's __u32
 *
 * Return: 0 or -EFAULT.
 */
int blite_ioctl_set_max_threads(struct blite_proc *proc, void __user *ubuf)
{
	u32 max_threads;

	if (copy_from_user(&max_threads, ubuf, sizeof(max_threads)))
		return -EFAULT;
	spin_lock(&proc->inner_lock);
	proc->max_threads = max_threads;
	spin_unlock(&proc->inner_lock);
	return 0;
}

/**
 * blite_ioctl_thread_exit() - BINDERLITE_THREAD_EXIT
 * @proc:   the open file
 * @thread: the calling thread, freed
 *
 * Return: 0.
 */
int blite_ioctl_thread_exit(struct blite_proc *proc, struct blite_thread *thread)
{
	mutex_lock(&blite_graph_lock);
	blite_thread_release_locked(proc, thread);
	mutex_unlock(&blite_graph_lock);
	return 0;
}

/**
 * blite_ioctl_get_extended_error() - BINDERLITE_GET_EXTENDED_ERROR
 * @thread: the calling thread
 * @ubuf:   the user's &struct binderlite_extended_error
 *
 * Reports the thread's last failure and forgets it.
 *
 * Return: 0 or -EFAULT.
 */
int blite_ioctl_get_extended_error(struct blite_thread *thread, void __user *ubuf)
{
	struct binderlite_extended_error ee;

	spin_lock(&thread->proc->inner_lock);
	ee = thread->ee;
	blite_thread_reset_ee_ilocked(thread);
	spin_unlock(&thread->proc->inner_lock);

	if (copy_to_user(ubuf, &ee, sizeof(ee)))
		return -EFAULT;
	return 0;
}

/**
 * blite_ioctl_enable_oneway_spam_detection() - BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION
 * @proc: the open file, as a sender of oneways
 * @ubuf: the user's __u32: non-zero to be told (BR_ONEWAY_SPAM_SUSPECT)
 *
 * Return: 0 or -EFAULT.
 */
int blite_ioctl_enable_oneway_spam_detection(struct blite_proc *proc,
					     void __user *ubuf)
{
	u32 enable;

	if (copy_from_user(&enable, ubuf, sizeof(enable)))
		return -EFAULT;
	WRITE_ONCE(proc->oneway_spam_detection, enable);
	return 0;
}

/**
 * blite_poll() - poll() on the device: readable when the thread has work
 * @filp: the file
 * @wait: the poll table
 *
 * Return: EPOLLIN if a read would not block, EPOLLERR without memory.
 */
__poll_t blite_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct blite_proc *proc = filp->private_data;
	struct blite_thread *thread;
	bool proc_work;

	thread = blite_get_thread(proc);
	if (!thread)
		return EPOLLERR;

	mutex_lock(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	thread->looper |= BLITE_LOOPER_POLL;
	proc_work = blite_available_for_proc_work_ilocked(thread);
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&blite_graph_lock);

	poll_wait(filp, &thread->wait, wait);
	return blite_has_work(thread, proc_work) ? EPOLLIN : 0;
}

/**
 * blite_proc_get_stats() - what debugfs shows of one open file
 * @proc: the open file
 * @st:   the result
 */
void blite_proc_get_stats(struct blite_proc *proc, struct blite_proc_stats *st)
{
	struct blite_thread *thread;
	struct list_head *pos;
	struct rb_node *n;

	memset(st, 0, sizeof(*st));
	mutex_lock(&blite_graph_lock);
	blite_proc_count_objects_locked(proc, st);
	spin_lock(&proc->inner_lock);
	st->frozen = proc->is_frozen;
	list_for_each(pos, &proc->todo)
		st->todo++;
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		thread = rb_entry(n, struct blite_thread, rb_node);
		st->threads++;
		list_for_each(pos, &thread->todo)
			st->todo++;
	}
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&blite_graph_lock);
}
