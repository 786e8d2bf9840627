// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite IPC core: threads, the write-read loop and the looper protocol.
 *
 * A program drives binderlite as it drives binder: BINDERLITE_WRITE_READ
 * hands the driver a buffer of commands (BC_*) to consume first, then a
 * buffer to fill with returns (BR_*). Every read starts with BR_NOOP; a
 * read blocks until there is work for the thread (or, for a looper thread,
 * for the process), unless the file is O_NONBLOCK.
 *
 * Transactions, references and death notifications plug into the work
 * lists here; until they do, the only way out of a blocking read is a
 * signal, a flush (close() of any descriptor of the file) or a thread's
 * first ioctl, exactly as in binder.
 *
 * Lock order, outermost first:
 *
 *   blite_context_mgr_lock (mutex)
 *     blite_proc.inner_lock (spinlock)
 *
 * Functions named *_ilocked need the inner lock held.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/freezer.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "binderlite.h"

/*
 * The context manager: the node behind handle 0, and the effective uid
 * that first became manager. Once set, only that uid may become manager
 * again, as in binder.
 */
static DEFINE_MUTEX(blite_context_mgr_lock);	/* protects the two below */
static struct blite_node *blite_context_mgr_node;
static kuid_t blite_context_mgr_uid = INVALID_UID;

/**
 * blite_proc_ipc_init() - initialize the IPC state of a new open file
 * @proc: the open file
 */
void blite_proc_ipc_init(struct blite_proc *proc)
{
	spin_lock_init(&proc->inner_lock);
	proc->threads = RB_ROOT;
	proc->nodes = RB_ROOT;
	INIT_LIST_HEAD(&proc->todo);
}

static bool blite_node_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct blite_node, rb_node)->ptr <
	       rb_entry(b, struct blite_node, rb_node)->ptr;
}

/**
 * blite_ioctl_set_context_mgr() - BINDERLITE_SET_CONTEXT_MGR(_EXT)
 * @proc: the open file that becomes the context manager
 * @fbo:  the manager's object; all zero for the legacy ioctl
 *
 * Security contexts are outside binderlite's subset: asking for them is
 * refused rather than ignored.
 *
 * Return: 0; -EBUSY if there is a manager already, -EPERM if another uid
 * was manager before, -EINVAL for a security-context request, -ENOMEM.
 */
int blite_ioctl_set_context_mgr(struct blite_proc *proc,
				const struct flat_binderlite_object *fbo)
{
	kuid_t euid = current_euid();
	struct blite_node *node;
	int ret = 0;

	if (fbo->flags & BINDERLITE_FLAG_TXN_SECURITY_CTX)
		return -EINVAL;
	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return -ENOMEM;
	node->proc = proc;
	node->ptr = fbo->binder;
	node->cookie = fbo->cookie;

	mutex_lock(&blite_context_mgr_lock);
	if (blite_context_mgr_node) {
		ret = -EBUSY;
		goto err_unlock;
	}
	if (uid_valid(blite_context_mgr_uid) && !uid_eq(blite_context_mgr_uid, euid)) {
		ret = -EPERM;
		goto err_unlock;
	}
	blite_context_mgr_uid = euid;
	spin_lock(&proc->inner_lock);
	rb_add(&node->rb_node, &proc->nodes, blite_node_less);
	spin_unlock(&proc->inner_lock);
	blite_context_mgr_node = node;
	mutex_unlock(&blite_context_mgr_lock);
	return 0;

err_unlock:
	mutex_unlock(&blite_context_mgr_lock);
	kfree(node);
	return ret;
}

static void blite_thread_reset_ee_ilocked(struct blite_thread *thread)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	thread->ee.id = 0;
	thread->ee.command = BINDERLITE_BR_OK;
	thread->ee.param = 0;
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
	init_waitqueue_head(&thread->wait);

	spin_lock(&proc->inner_lock);
	/* A new thread's first read returns at once, as in binder. */
	thread->need_return = true;
	blite_thread_reset_ee_ilocked(thread);
	rb_add(&thread->rb_node, &proc->threads, blite_thread_less);
	spin_unlock(&proc->inner_lock);
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

/* Unlinks and frees @thread; pollers are woken and detached first. */
static void blite_thread_free_ilocked(struct blite_proc *proc,
				      struct blite_thread *thread)
	__must_hold(&proc->inner_lock)
{
	lockdep_assert_held(&proc->inner_lock);
	rb_erase(&thread->rb_node, &proc->threads);
	if (thread->looper & BLITE_LOOPER_POLL)
		wake_up_pollfree(&thread->wait);
	kfree_rcu(thread, rcu);
}

/**
 * blite_proc_ipc_release() - free every thread of a released file
 * @proc: the open file; no ioctl or poll can run on it any more
 */
void blite_proc_ipc_release(struct blite_proc *proc)
{
	struct blite_node *node;
	struct rb_node *n;

	/* A dead manager leaves handle 0 free; its uid stays recorded. */
	mutex_lock(&blite_context_mgr_lock);
	if (blite_context_mgr_node && blite_context_mgr_node->proc == proc)
		blite_context_mgr_node = NULL;
	mutex_unlock(&blite_context_mgr_lock);

	spin_lock(&proc->inner_lock);
	while ((n = rb_first(&proc->threads)))
		blite_thread_free_ilocked(proc, rb_entry(n, struct blite_thread, rb_node));
	while ((n = rb_first(&proc->nodes))) {
		node = rb_entry(n, struct blite_node, rb_node);
		rb_erase(n, &proc->nodes);
		kfree(node);
	}
	spin_unlock(&proc->inner_lock);
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

/* A looper thread with nothing of its own to do serves the process. */
static bool blite_available_for_proc_work_ilocked(struct blite_thread *thread)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	return list_empty(&thread->todo) &&
	       (thread->looper & (BLITE_LOOPER_ENTERED | BLITE_LOOPER_REGISTERED));
}

static bool blite_has_work_ilocked(struct blite_thread *thread, bool proc_work)
	__must_hold(&thread->proc->inner_lock)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	return !list_empty(&thread->todo) || thread->need_return ||
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

/*
 * Consumes commands from @buffer, starting at *@consumed, and advances
 * *@consumed past each command that was carried out. A command must lie
 * wholly inside the buffer.
 */
static int blite_thread_write(struct blite_proc *proc, struct blite_thread *thread,
			      u64 buffer, u64 size, u64 *consumed)
{
	u32 cmd;

	while (*consumed < size) {
		void __user *ptr = u64_to_user_ptr(buffer + *consumed);

		if (size - *consumed < sizeof(cmd))
			return -EINVAL;
		if (get_user(cmd, (u32 __user *)ptr))
			return -EFAULT;
		if (_IOC_SIZE(cmd) > size - *consumed - sizeof(cmd))
			return -EINVAL;

		switch (cmd) {
		case BINDERLITE_BC_REGISTER_LOOPER:
			blite_register_looper(proc, thread);
			break;
		case BINDERLITE_BC_ENTER_LOOPER:
			blite_enter_looper(proc, thread);
			break;
		case BINDERLITE_BC_EXIT_LOOPER:
			blite_exit_looper(proc, thread);
			break;
		default:
			pr_info_ratelimited("%d:%d unknown command %#x\n",
					    proc->pid, thread->pid, cmd);
			return -EINVAL;
		}
		*consumed += sizeof(cmd) + _IOC_SIZE(cmd);
	}
	return 0;
}

/* Sleeps until @thread has work; -EINTR on a signal, as binder. */
static int blite_wait_for_work(struct blite_thread *thread, bool proc_work)
{
	int ret;

	ret = wait_event_freezable(thread->wait, blite_has_work(thread, proc_work));
	return ret ? -EINTR : 0;
}

/*
 * Fills @buffer from *@consumed on with returns. The first return of a
 * read is always BR_NOOP. As in binder, *@consumed advances only when the
 * read succeeds: a read that fails (EAGAIN, EINTR) reports nothing
 * consumed, though BR_NOOP is already in the buffer.
 */
static int blite_thread_read(struct blite_proc *proc, struct blite_thread *thread,
			     u64 buffer, u64 size, u64 *consumed, bool non_block)
{
	u64 used = 0;
	bool proc_work;
	int ret;

	if (*consumed == 0) {
		if (size < sizeof(u32))
			return -EINVAL;
		if (put_user(BINDERLITE_BR_NOOP, (u32 __user *)u64_to_user_ptr(buffer)))
			return -EFAULT;
		used = sizeof(u32);
	}

	for (;;) {
		spin_lock(&proc->inner_lock);
		proc_work = blite_available_for_proc_work_ilocked(thread);
		thread->looper |= BLITE_LOOPER_WAITING;
		spin_unlock(&proc->inner_lock);

		if (non_block) {
			if (!blite_has_work(thread, proc_work))
				return -EAGAIN;
		} else {
			ret = blite_wait_for_work(thread, proc_work);
			if (ret)
				return ret;
		}

		/*
		 * No work item exists yet; the wait ended for need_return.
		 * A spurious wake-up goes back to sleep.
		 */
		spin_lock(&proc->inner_lock);
		ret = thread->need_return;
		spin_unlock(&proc->inner_lock);
		if (ret)
			break;
	}
	*consumed += used;
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

	if (bwr.write_size > 0)
		ret = blite_thread_write(proc, thread, bwr.write_buffer,
					 bwr.write_size, &bwr.write_consumed);
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
	spin_lock(&proc->inner_lock);
	blite_thread_free_ilocked(proc, thread);
	spin_unlock(&proc->inner_lock);
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

	spin_lock(&proc->inner_lock);
	thread->looper |= BLITE_LOOPER_POLL;
	proc_work = blite_available_for_proc_work_ilocked(thread);
	spin_unlock(&proc->inner_lock);

	poll_wait(filp, &thread->wait, wait);
	return blite_has_work(thread, proc_work) ? EPOLLIN : 0;
}
