/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite internal definitions shared by the driver's files.
 */
#ifndef _BINDERLITE_H
#define _BINDERLITE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <linux/binderlite.h>

#include "binderlite_pool.h"

struct file;
struct pid;

/**
 * enum blite_debug_mask - classes of debug messages
 * @BLITE_DEBUG_OPEN_CLOSE: open and release of the device
 * @BLITE_DEBUG_IOCTL:      every ioctl and its result
 *
 * Bits of the ``debug_mask`` module parameter.
 */
enum blite_debug_mask {
	BLITE_DEBUG_OPEN_CLOSE	= 1U << 0,
	BLITE_DEBUG_IOCTL	= 1U << 1,
};

extern unsigned int blite_debug_mask;
extern struct list_head blite_procs;
extern struct mutex blite_procs_lock;

#define blite_debug(mask, fmt, ...)					\
	do {								\
		if (blite_debug_mask & (mask))				\
			pr_info_ratelimited(fmt, ##__VA_ARGS__);	\
	} while (0)

/**
 * enum blite_looper_state - what a thread has told the driver about itself
 * @BLITE_LOOPER_REGISTERED: BC_REGISTER_LOOPER: a thread the driver asked for
 * @BLITE_LOOPER_ENTERED:    BC_ENTER_LOOPER: a thread the program started
 * @BLITE_LOOPER_EXITED:     BC_EXIT_LOOPER
 * @BLITE_LOOPER_INVALID:    it broke the looper protocol
 * @BLITE_LOOPER_WAITING:    it is reading, or has read
 * @BLITE_LOOPER_POLL:       it polled the file, so its wait queue may be
 *                           in a poll table
 */
enum blite_looper_state {
	BLITE_LOOPER_REGISTERED	= 1U << 0,
	BLITE_LOOPER_ENTERED	= 1U << 1,
	BLITE_LOOPER_EXITED	= 1U << 2,
	BLITE_LOOPER_INVALID	= 1U << 3,
	BLITE_LOOPER_WAITING	= 1U << 4,
	BLITE_LOOPER_POLL	= 1U << 5,
};

/**
 * struct blite_thread - a thread of a process using the device
 * @rb_node:     node in &blite_proc.threads, keyed by @pid
 * @rcu:         frees the thread after a grace period, for pollers
 * @proc:        the open file the thread uses
 * @pid:         the thread's id
 * @looper:      enum blite_looper_state bits
 * @need_return: the next read returns even without work: set for a new
 *               thread and by flush, cleared after every ioctl
 * @todo:        work for this thread in particular
 * @wait:        where the thread sleeps waiting for work, and pollers wait
 * @ee:          the extended error of the thread's last failure
 *
 * Created by the thread's first ioctl() or poll() on the file, freed by
 * BINDERLITE_THREAD_EXIT or when the file is released. @looper,
 * @need_return, @todo and @ee are protected by &blite_proc.inner_lock.
 */
struct blite_thread {
	struct rb_node rb_node;
	struct rcu_head rcu;
	struct blite_proc *proc;
	pid_t pid;
	unsigned int looper;
	bool need_return;
	struct list_head todo;
	wait_queue_head_t wait;
	struct binderlite_extended_error ee;
};

/**
 * struct blite_node - a local object of a process, as the driver knows it
 * @rb_node: node in &blite_proc.nodes, keyed by @ptr
 * @proc:    the process that owns the object
 * @ptr:     the object's address in its owner, as the owner names it
 * @cookie:  extra data the owner associates with it
 *
 * Protected by the owner's &blite_proc.inner_lock. Today the only node is
 * the context manager's; transactions will create the others.
 */
struct blite_node {
	struct rb_node rb_node;
	struct blite_proc *proc;
	binderlite_uintptr_t ptr;
	binderlite_uintptr_t cookie;
};

/**
 * struct blite_proc - state of one open file of /dev/binderlite
 * @procs_node:   entry in the global list of open files,
 *                protected by blite_procs_lock
 * @tsk_pid:      thread-group leader of the process that opened the file;
 *                holds a reference
 * @pid:          its thread-group id, for messages and debugfs
 * @pool:         the receive pool, once the process mmap()s the file
 * @inner_lock:   protects @threads, @nodes, @todo, the thread counters and
 *                the threads' state (see &struct blite_thread)
 * @threads:      the threads using the file, by pid
 * @nodes:        the process's objects known to the driver, by address
 * @todo:         work for any thread of the process
 * @max_threads:  how many threads the driver may ask the process to start
 *                (BINDERLITE_SET_MAX_THREADS)
 * @requested_threads:         BR_SPAWN_LOOPER requests not yet answered
 * @requested_threads_started: threads started on request (registered)
 *
 * A process gets one &struct blite_proc per open(); it lives until the
 * last reference to the file is dropped.
 */
struct blite_proc {
	struct list_head procs_node;
	struct pid *tsk_pid;
	pid_t pid;
	struct blite_pool pool;
	spinlock_t inner_lock;	/* see the kernel-doc above */
	struct rb_root threads;
	struct rb_root nodes;
	struct list_head todo;
	u32 max_threads;
	int requested_threads;
	int requested_threads_started;
};

int blite_debugfs_init(void);
void blite_debugfs_exit(void);

void blite_proc_ipc_init(struct blite_proc *proc);
void blite_proc_ipc_release(struct blite_proc *proc);
void blite_proc_flush(struct blite_proc *proc);
struct blite_thread *blite_get_thread(struct blite_proc *proc);
void blite_thread_ioctl_done(struct blite_thread *thread);
int blite_ioctl_write_read(struct blite_proc *proc, struct blite_thread *thread,
			   struct file *filp, void __user *ubuf);
int blite_ioctl_set_max_threads(struct blite_proc *proc, void __user *ubuf);
int blite_ioctl_thread_exit(struct blite_proc *proc, struct blite_thread *thread);
int blite_ioctl_get_extended_error(struct blite_thread *thread, void __user *ubuf);
int blite_ioctl_set_context_mgr(struct blite_proc *proc,
				const struct flat_binderlite_object *fbo);
__poll_t blite_poll(struct file *filp, struct poll_table_struct *wait);

#endif /* _BINDERLITE_H */
