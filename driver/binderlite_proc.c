// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite processes: the state of an open file, its threads and their
 * work lists.
 *
 * A process gets a &struct blite_proc per open() of a context's device. It
 * lives until its file is released and the last sender copying into its
 * pool is done (blite_proc_get(), blite_proc_put()). Each thread that
 * calls ioctl() or poll() on the file gets a &struct blite_thread, until
 * BINDERLITE_THREAD_EXIT or the file's release.
 *
 * Work is a &struct blite_work on a list: a thread's own (replies, nested
 * calls, its BR_TRANSACTION_COMPLETE and errors), the process's (calls,
 * node and death notifications, for any looper) or a node's list of
 * oneways waiting their turn (binderlite_txn.c). This file queues work
 * (blite_thread_enqueue_work_ilocked(), blite_proc_enqueue_work_gilocked())
 * and frees the items that are not part of something else
 * (blite_work_free()); the read loop (binderlite_ipc.c) takes work off the
 * lists and hands each item to the file that delivers it.
 *
 * The graph lock is defined here, the lowest of its users; the lock table,
 * and what the suffixes _locked, _ilocked and _gilocked mean, are in
 * binderlite.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "binderlite_context.h"
#include "binderlite_proc.h"
#include "binderlite_stats.h"

DEFINE_MUTEX(blite_graph_lock);	/* see the lock table in binderlite.h */

/* Every open file of every context; protected by blite_procs_lock. */
LIST_HEAD(blite_procs);

/**
 * blite_proc_create() - the state of a file being opened
 * @filp: the file; its private_data is the context's misc device
 *
 * The process that opens the file owns it: its thread-group leader, its
 * credentials for the LSM hooks and its nice value for loopers. The new
 * state is on the list of open files.
 *
 * Return: the state, with the file's reference, or an ERR_PTR(): -ENOMEM,
 * or -ENODEV if the context is being removed.
 */
struct blite_proc *blite_proc_create(struct file *filp)
{
	struct blite_context *ctx;
	struct blite_proc *proc;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return ERR_PTR(-ENOMEM);
	ctx = blite_context_open(filp);
	if (IS_ERR(ctx)) {
		kfree(proc);
		return ERR_CAST(ctx);
	}

	kref_init(&proc->kref);
	proc->context = ctx;
	proc->cred = get_cred(filp->f_cred);
	proc->tsk_pid = get_task_pid(current->group_leader, PIDTYPE_PID);
	proc->pid = task_tgid_nr(current);
	blite_pool_init(&proc->pool);
	blite_pool_set_buffer_size(&proc->pool, sizeof(struct blite_proc_buffer));
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

	mutex_lock(&blite_procs_lock);
	list_add_tail(&proc->procs_node, &blite_procs);
	mutex_unlock(&blite_procs_lock);
	return proc;
}

/**
 * blite_proc_unlink() - take a released file off the list of open files
 * @proc: the file's state
 */
void blite_proc_unlink(struct blite_proc *proc)
{
	mutex_lock(&blite_procs_lock);
	list_del(&proc->procs_node);
	blite_context_close_plocked(proc->context);
	mutex_unlock(&blite_procs_lock);
}

/**
 * blite_proc_get() - take a reference to an open file's state
 * @proc: the state, which somebody else holds a reference to
 */
void blite_proc_get(struct blite_proc *proc)
{
	kref_get(&proc->kref);
}

static void blite_proc_free(struct kref *kref)
{
	struct blite_proc *proc = container_of(kref, struct blite_proc, kref);

	blite_pool_release(&proc->pool);
	put_pid(proc->tsk_pid);
	put_cred(proc->cred);
	blite_context_put(proc->context);
	kfree(proc);
}

/**
 * blite_proc_put() - drop a reference to an open file's state
 * @proc: the state; freed, with its pool, by the last reference
 *
 * Must be called with no lock held: freeing the pool sleeps and takes the
 * pool's locks.
 */
void blite_proc_put(struct blite_proc *proc)
{
	kref_put(&proc->kref, blite_proc_free);
}

/**
 * blite_proc_get_by_pid() - every open file of a thread group
 * @pid:   the thread group's id
 * @procs: set to a kcalloc()ed array of the files, each with a reference
 *         (blite_proc_put()); NULL if there is none
 *
 * Open files of every context are found.
 *
 * Return: how many, 0 if none, or -ENOMEM.
 */
int blite_proc_get_by_pid(u32 pid, struct blite_proc ***procs)
{
	struct blite_proc *proc;
	int n = 0, i = 0;

	*procs = NULL;
	mutex_lock(&blite_procs_lock);
	list_for_each_entry(proc, &blite_procs, procs_node)
		n += proc->pid == pid;
	if (n) {
		*procs = kcalloc(n, sizeof(**procs), GFP_KERNEL);
		if (!*procs) {
			mutex_unlock(&blite_procs_lock);
			return -ENOMEM;
		}
	}
	list_for_each_entry(proc, &blite_procs, procs_node) {
		if (proc->pid != pid)
			continue;
		blite_proc_get(proc);
		(*procs)[i++] = proc;
	}
	mutex_unlock(&blite_procs_lock);
	return n;
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

/**
 * blite_proc_add_stats() - count a process's threads and queued work
 * @proc: the process
 * @st:   its @threads, @todo and @frozen are filled in
 */
void blite_proc_add_stats(struct blite_proc *proc, struct blite_proc_stats *st)
{
	struct blite_thread *thread;
	struct list_head *pos;
	struct rb_node *n;

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
}

/**
 * blite_proc_enqueue_work_nowake_gilocked() - give work to any looper of a
 *                                             process, waking none yet
 * @proc: the process
 * @w:    the work, on no list
 *
 * If a looper waits for work, it takes @w on its own list; the caller
 * wakes it (blite_thread_wake()), which it may do after dropping its
 * locks. Otherwise @w waits on the process's list and pollers are woken.
 *
 * Return: the looper that took @w, or NULL.
 */
struct blite_thread *
blite_proc_enqueue_work_nowake_gilocked(struct blite_proc *proc, struct blite_work *w)
	__must_hold(&blite_graph_lock) __must_hold(&proc->inner_lock)
{
	struct blite_thread *thread;
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	lockdep_assert_held(&proc->inner_lock);
	thread = list_first_entry_or_null(&proc->waiting_threads,
					  struct blite_thread, waiting_entry);
	if (thread) {
		list_del_init(&thread->waiting_entry);
		blite_thread_enqueue_work_ilocked(thread, w);
		return thread;
	}
	list_add_tail(&w->entry, &proc->todo);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		thread = rb_entry(n, struct blite_thread, rb_node);
		if ((thread->looper & BLITE_LOOPER_POLL) &&
		    blite_thread_is_idle_ilocked(thread))
			wake_up_interruptible(&thread->wait);
	}
	return NULL;
}

/**
 * blite_proc_enqueue_work_gilocked() - give work to any looper of a process
 * @proc: the process
 * @w:    the work, on no list
 *
 * blite_proc_enqueue_work_nowake_gilocked(), waking the looper that took
 * @w at once, without the sync hint: a call, whose sender sleeps until the
 * reply, is queued by blite_txn_send(), which wakes the looper itself
 * once it has dropped the graph lock.
 */
void blite_proc_enqueue_work_gilocked(struct blite_proc *proc, struct blite_work *w)
	__must_hold(&blite_graph_lock) __must_hold(&proc->inner_lock)
{
	struct blite_thread *thread;

	thread = blite_proc_enqueue_work_nowake_gilocked(proc, w);
	if (thread)
		blite_thread_wake_ilocked(thread);
}

/**
 * blite_proc_request_looper() - whether to ask a reader for one more looper
 * @thread: the thread reading
 *
 * Yes when no looper of its process is idle, none was requested yet, the
 * process allows more, and the reader is a looper itself, as in binder.
 * The request counts until a thread answers with BC_REGISTER_LOOPER.
 *
 * Return: true if the read must start with BR_SPAWN_LOOPER.
 */
bool blite_proc_request_looper(struct blite_thread *thread)
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

/**
 * blite_proc_ioctl_set_max_threads() - BINDERLITE_SET_MAX_THREADS
 * @proc: the open file
 * @ubuf: the user's __u32
 *
 * Return: 0 or -EFAULT.
 */
int blite_proc_ioctl_set_max_threads(struct blite_proc *proc, void __user *ubuf)
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
 * blite_proc_ioctl_enable_oneway_spam_detection() - BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION
 * @proc: the open file, as a sender of oneways
 * @ubuf: the user's __u32: non-zero to be told (BR_ONEWAY_SPAM_SUSPECT)
 *
 * Return: 0 or -EFAULT.
 */
int blite_proc_ioctl_enable_oneway_spam_detection(struct blite_proc *proc,
						  void __user *ubuf)
{
	u32 enable;

	if (copy_from_user(&enable, ubuf, sizeof(enable)))
		return -EFAULT;
	WRITE_ONCE(proc->oneway_spam_detection, enable);
	return 0;
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
 * blite_thread_get() - the calling thread's state, created on first use
 * @proc: the open file
 *
 * Only the thread itself creates its entry, so looking up and inserting in
 * two steps cannot race with another insertion of the same pid.
 *
 * Injectable (ALLOW_ERROR_INJECTION, NULL): fail_function can make it fail
 * as if memory ran out. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: the thread, or NULL if memory ran out.
 */
noinline __noclone struct blite_thread *blite_thread_get(struct blite_proc *proc)
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
	blite_thread_set_ee_ilocked(thread, 0, BINDERLITE_BR_OK, 0);
	rb_add(&thread->rb_node, &proc->threads, blite_thread_less);
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&blite_graph_lock);
	blite_stats_live_inc(BLITE_LIVE_THREADS);
	return thread;
}
ALLOW_ERROR_INJECTION(blite_thread_get, NULL);

/**
 * blite_thread_free_locked() - unlink and free a thread
 * @thread: the thread, on no transaction stack, its work lists emptied
 *
 * Pollers are woken and detached first; the structure goes after an RCU
 * grace period, for them.
 */
void blite_thread_free_locked(struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	list_del_init(&thread->waiting_entry);
	rb_erase(&thread->rb_node, &proc->threads);
	if (thread->looper & BLITE_LOOPER_POLL)
		wake_up_pollfree(&thread->wait);
	spin_unlock(&proc->inner_lock);
	kfree_rcu(thread, rcu);
	blite_stats_live_dec(BLITE_LIVE_THREADS);
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

/**
 * blite_thread_set_ee_ilocked() - set a thread's extended error
 * @thread: the thread
 * @id:     the transaction's number, or 0
 * @cmd:    what failed it (BR_*), or BR_OK
 * @param:  the errno, or 0
 */
void blite_thread_set_ee_ilocked(struct blite_thread *thread, u32 id, u32 cmd,
				 int param)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	thread->ee.id = id;
	thread->ee.command = cmd;
	thread->ee.param = param;
}

/**
 * blite_thread_ioctl_get_extended_error() - BINDERLITE_GET_EXTENDED_ERROR
 * @thread: the calling thread
 * @ubuf:   the user's &struct binderlite_extended_error
 *
 * Reports the thread's last failure and forgets it.
 *
 * Return: 0 or -EFAULT.
 */
int blite_thread_ioctl_get_extended_error(struct blite_thread *thread,
					  void __user *ubuf)
{
	struct binderlite_extended_error ee;

	spin_lock(&thread->proc->inner_lock);
	ee = thread->ee;
	blite_thread_set_ee_ilocked(thread, 0, BINDERLITE_BR_OK, 0);
	spin_unlock(&thread->proc->inner_lock);

	if (copy_to_user(ubuf, &ee, sizeof(ee)))
		return -EFAULT;
	return 0;
}

/**
 * blite_thread_set_nice() - give the current thread a nice value, as binder
 *                           does
 * @nice: the value wanted
 *
 * Without CAP_SYS_NICE, a thread may go only as low as RLIMIT_NICE allows;
 * it then gets the lowest it may have.
 */
void blite_thread_set_nice(long nice)
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

/**
 * blite_thread_defer_nice() - have the current thread take a nice value
 *                             once it has dropped the graph lock
 * @thread: the current thread
 * @nice:   the value (blite_thread_set_nice())
 *
 * Changing a task's priority takes the scheduler's locks and asks the LSMs
 * (can_nice()): no work for a section of the graph lock, which every
 * transaction of every process takes. The thread takes the value with
 * blite_thread_take_nice() before its ioctl() returns.
 */
void blite_thread_defer_nice(struct blite_thread *thread, long nice)
{
	thread->nice = nice;
	thread->nice_pending = true;
}

/**
 * blite_thread_take_nice() - the nice value of blite_thread_defer_nice()
 * @thread: the current thread, holding no lock
 */
void blite_thread_take_nice(struct blite_thread *thread)
{
	if (!thread->nice_pending)
		return;
	thread->nice_pending = false;
	blite_thread_set_nice(thread->nice);
}

/*
 * A thread broke the looper protocol: the log says so, as in binder, and
 * nothing else changes.
 */
static void blite_thread_looper_invalid(struct blite_thread *thread, const char *why)
{
	pr_info_ratelimited("%d:%d %s\n", thread->proc->pid, thread->pid, why);
}

/**
 * blite_thread_register_looper() - BC_REGISTER_LOOPER
 * @thread: the calling thread, started because the driver asked
 *          (BR_SPAWN_LOOPER)
 *
 * Registering unasked, or after BC_ENTER_LOOPER, is logged and not an
 * error, as in binder.
 */
void blite_thread_register_looper(struct blite_thread *thread)
{
	struct blite_proc *proc = thread->proc;
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
		blite_thread_looper_invalid(thread, err);
}

/**
 * blite_thread_enter_looper() - BC_ENTER_LOOPER
 * @thread: the calling thread, started by the program to serve calls
 */
void blite_thread_enter_looper(struct blite_thread *thread)
{
	struct blite_proc *proc = thread->proc;
	bool registered;

	spin_lock(&proc->inner_lock);
	registered = thread->looper & BLITE_LOOPER_REGISTERED;
	thread->looper |= BLITE_LOOPER_ENTERED;
	spin_unlock(&proc->inner_lock);
	if (registered)
		blite_thread_looper_invalid(thread,
					    "BC_ENTER_LOOPER after BC_REGISTER_LOOPER");
}

/**
 * blite_thread_is_idle_ilocked() - may a thread take its process's work?
 * @thread: the thread
 *
 * Needs no blite_graph_lock, though that lock protects the transaction
 * stack: without it, a reader asks this of itself only (or poll() does,
 * for itself), and only the thread itself pushes onto its own stack. Other tasks only pop
 * from it (a reply or a failure delivered, a release unwinding it), so a
 * stale answer can only be "busy" when the thread just became idle: the
 * thread then waits for its own work, which the popping task has queued
 * (it is woken), and asks again on its next read. Saving the graph lock
 * here saves it once per read.
 *
 * Return: true for a looper with nothing of its own to do, on no call.
 */
bool blite_thread_is_idle_ilocked(struct blite_thread *thread)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	return !READ_ONCE(thread->transaction_stack) && list_empty(&thread->todo) &&
	       (thread->looper & (BLITE_LOOPER_ENTERED | BLITE_LOOPER_REGISTERED));
}

/**
 * blite_thread_has_work_ilocked() - would a read of a thread not block?
 * @thread:    the thread
 * @proc_work: it may take its process's work too
 *
 * Return: true if the thread has work, or must return anyway.
 */
bool blite_thread_has_work_ilocked(struct blite_thread *thread, bool proc_work)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	return thread->process_todo || thread->need_return ||
	       (proc_work && !list_empty(&thread->proc->todo));
}

/**
 * blite_thread_has_work() - blite_thread_has_work_ilocked(), taking the lock
 * @thread:    the thread
 * @proc_work: it may take its process's work too
 *
 * Return: true if the thread has work, or must return anyway.
 */
bool blite_thread_has_work(struct blite_thread *thread, bool proc_work)
{
	bool ret;

	spin_lock(&thread->proc->inner_lock);
	ret = blite_thread_has_work_ilocked(thread, proc_work);
	spin_unlock(&thread->proc->inner_lock);
	return ret;
}

/**
 * blite_thread_enqueue_work_ilocked() - give work to a thread
 * @thread: the thread; the caller wakes it
 * @w:      the work, on no list
 */
void blite_thread_enqueue_work_ilocked(struct blite_thread *thread,
				       struct blite_work *w)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	list_add_tail(&w->entry, &thread->todo);
	thread->process_todo = true;
}

/**
 * blite_thread_wake() - wake a thread that has work now
 * @thread: the thread; kept from being freed by the caller: its process's
 *          inner lock, or an RCU read lock taken while a lock that kept it
 *          was held (a thread is freed after a grace period,
 *          blite_thread_free_locked())
 * @sync:   the waker is about to sleep until @thread answers (a sync call
 *          or its reply's sender going back to read): the hint lets the
 *          scheduler run @thread on the waker's CPU instead of sending an
 *          interrupt to another one, as binder does
 *
 * The work must be on the thread's list (under the inner lock) before:
 * a thread that finds it there does not sleep, and one already asleep is
 * woken here. Waking a thread that has gone since wakes no one.
 */
void blite_thread_wake(struct blite_thread *thread, bool sync)
{
	if (sync)
		wake_up_interruptible_sync(&thread->wait);
	else
		wake_up_interruptible(&thread->wait);
}

/**
 * blite_thread_wake_ilocked() - blite_thread_wake() under the inner lock,
 *                               without the sync hint
 * @thread: the thread
 */
void blite_thread_wake_ilocked(struct blite_thread *thread)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	blite_thread_wake(thread, false);
}

/**
 * blite_thread_enqueue_deferred_work_ilocked() - give a thread work that
 *                                                does not wake it
 * @thread: the thread
 * @w:      the work, on no list
 *
 * The BR_TRANSACTION_COMPLETE of a sync call is read together with the
 * reply rather than waking the caller twice, as in binder.
 */
void blite_thread_enqueue_deferred_work_ilocked(struct blite_thread *thread,
						struct blite_work *w)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	list_add_tail(&w->entry, &thread->todo);
}

/**
 * blite_work_free() - free a work item nobody holds any more
 * @w: the item, on no list: a BR_TRANSACTION_COMPLETE kind, or a death or
 *     freeze notification no reference holds
 *
 * The one place such items are freed (see &struct blite_work).
 */
void blite_work_free(struct blite_work *w)
{
	switch (w->type) {
	case BLITE_WORK_TRANSACTION_COMPLETE:
	case BLITE_WORK_TRANSACTION_PENDING:
	case BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT:
		kfree(w);
		break;
	case BLITE_WORK_DEAD_BINDER:
	case BLITE_WORK_DEAD_BINDER_AND_CLEAR:
	case BLITE_WORK_CLEAR_DEATH_NOTIFICATION:
		kfree(container_of(w, struct blite_death, work));
		blite_stats_live_dec(BLITE_LIVE_DEATHS);
		break;
	case BLITE_WORK_FROZEN_BINDER:
	case BLITE_WORK_CLEAR_FREEZE_NOTIFICATION:
		kfree(container_of(w, struct blite_freeze, work));
		blite_stats_live_dec(BLITE_LIVE_FREEZES);
		break;
	default:
		/* Transactions, node work and errors are not freed here. */
		WARN_ON_ONCE(1);
		break;
	}
}
