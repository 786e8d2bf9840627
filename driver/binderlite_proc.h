/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite processes: the state of one open file (struct blite_proc),
 * its threads, and the work items they read. Its nouns: proc, thread,
 * work.
 */
#ifndef _BINDERLITE_PROC_H
#define _BINDERLITE_PROC_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <linux/binderlite.h>

#include "binderlite_pool.h"

struct blite_context;
struct blite_node;
struct blite_transaction;
struct cred;
struct file;
struct pid;

/* The graph lock and the list of open files; see the lock table. */
extern struct mutex blite_graph_lock;
extern struct list_head blite_procs;

/**
 * enum blite_looper_state - what a thread has told the driver about itself
 * @BLITE_LOOPER_REGISTERED: BC_REGISTER_LOOPER: a thread the driver asked for
 * @BLITE_LOOPER_ENTERED:    BC_ENTER_LOOPER: a thread the program started
 * @BLITE_LOOPER_POLL:       it polled the file, so its wait queue may be
 *                           in a poll table
 */
enum blite_looper_state {
	BLITE_LOOPER_REGISTERED	= 1U << 0,
	BLITE_LOOPER_ENTERED	= 1U << 1,
	BLITE_LOOPER_POLL	= 1U << 2,
};

/**
 * enum blite_work_type - what a &struct blite_work stands for
 * @BLITE_WORK_TRANSACTION:          a transaction or reply to deliver
 *                                   (&struct blite_transaction)
 * @BLITE_WORK_TRANSACTION_COMPLETE: BR_TRANSACTION_COMPLETE for a sender
 * @BLITE_WORK_TRANSACTION_PENDING:  BR_TRANSACTION_PENDING_FROZEN: a oneway
 *                                   was queued for a frozen process
 * @BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT: BR_ONEWAY_SPAM_SUSPECT if the
 *                                   sender asked for spam detection, else
 *                                   BR_TRANSACTION_COMPLETE
 * @BLITE_WORK_RETURN_ERROR:         an error return (&struct blite_error)
 * @BLITE_WORK_NODE:                 tell a node's owner about its counts
 * @BLITE_WORK_DEAD_BINDER:          BR_DEAD_BINDER (&struct blite_death)
 * @BLITE_WORK_DEAD_BINDER_AND_CLEAR: BR_DEAD_BINDER, then, once done, the
 *                                   BR_CLEAR_DEATH_NOTIFICATION_DONE that
 *                                   was asked for meanwhile
 * @BLITE_WORK_CLEAR_DEATH_NOTIFICATION: BR_CLEAR_DEATH_NOTIFICATION_DONE
 * @BLITE_WORK_FROZEN_BINDER:        BR_FROZEN_BINDER (&struct blite_freeze)
 * @BLITE_WORK_CLEAR_FREEZE_NOTIFICATION: BR_CLEAR_FREEZE_NOTIFICATION_DONE
 */
enum blite_work_type {
	BLITE_WORK_TRANSACTION,
	BLITE_WORK_TRANSACTION_COMPLETE,
	BLITE_WORK_TRANSACTION_PENDING,
	BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT,
	BLITE_WORK_RETURN_ERROR,
	BLITE_WORK_NODE,
	BLITE_WORK_DEAD_BINDER,
	BLITE_WORK_DEAD_BINDER_AND_CLEAR,
	BLITE_WORK_CLEAR_DEATH_NOTIFICATION,
	BLITE_WORK_FROZEN_BINDER,
	BLITE_WORK_CLEAR_FREEZE_NOTIFICATION,
};

/**
 * struct blite_work - an item on a work list
 * @entry: entry in &blite_thread.todo, &blite_proc.todo,
 *         &blite_node.async_todo, &blite_proc.delivered_death or
 *         &blite_proc.delivered_freeze; empty when on none
 * @type:  enum blite_work_type
 *
 * Work lists belong to one process and are protected by its
 * &blite_proc.inner_lock. Who owns an item off a list, and who frees it:
 * a transaction is freed by blite_txn_free_locked(); a node's work and a
 * thread's errors are parts of their node and thread; every other item
 * (the BR_TRANSACTION_COMPLETE kinds and the death and freeze
 * notifications) is freed by blite_work_free() and nothing else, once
 * nobody holds it: a notification still attached to its reference
 * (&blite_ref.death, &blite_ref.freeze) belongs to the reference.
 */
struct blite_work {
	struct list_head entry;
	enum blite_work_type type;
};

/**
 * struct blite_error - an error return that needs no allocation
 * @work: queued on the thread's todo list while @cmd is pending
 * @cmd:  BR_FAILED_REPLY, BR_DEAD_REPLY, BR_FROZEN_REPLY or
 *        BR_TRANSACTION_COMPLETE; BR_OK when nothing is pending
 */
struct blite_error {
	struct blite_work work;
	u32 cmd;
};

/**
 * struct blite_death - a death notification a process asked for
 * @work:   how it travels: BLITE_WORK_DEAD_BINDER and friends
 * @cookie: the requester's cookie, echoed back
 *
 * Owned by the &struct blite_ref it watches, until cleared; then by its
 * work (binderlite_death.c). Protected by blite_graph_lock, the work by
 * the holder's &blite_proc.inner_lock.
 */
struct blite_death {
	struct blite_work work;
	binderlite_uintptr_t cookie;
};

/**
 * struct blite_freeze - a freeze notification a process asked for
 * @work:      BLITE_WORK_FROZEN_BINDER, or once cleared
 *             BLITE_WORK_CLEAR_FREEZE_NOTIFICATION
 * @cookie:    the requester's cookie, echoed back
 * @is_frozen: the state to report
 * @sent:      a BR_FROZEN_BINDER awaits BC_FREEZE_NOTIFICATION_DONE
 * @resend:    ... and something changed meanwhile: queue @work again then
 *
 * Owned by the &struct blite_ref it watches until cleared, then by its
 * work until BR_CLEAR_FREEZE_NOTIFICATION_DONE is read
 * (binderlite_freeze.c). Protected by blite_graph_lock and the holder's
 * &blite_proc.inner_lock.
 */
struct blite_freeze {
	struct blite_work work;
	binderlite_uintptr_t cookie;
	bool is_frozen;
	bool sent;
	bool resend;
};

/**
 * struct blite_thread - a thread of a process using the device
 * @rb_node:           node in &blite_proc.threads, keyed by @pid
 * @rcu:               frees the thread after a grace period, for pollers
 * @proc:              the open file the thread uses
 * @pid:               the thread's id
 * @looper:            enum blite_looper_state bits
 * @need_return:       the next read returns even without work: set for a
 *                     new thread and by flush, cleared after every ioctl
 * @process_todo:      @todo holds work that wakes the thread; a deferred
 *                     BR_TRANSACTION_COMPLETE alone does not
 * @todo:              work for this thread in particular
 * @waiting_entry:     entry in &blite_proc.waiting_threads while the thread
 *                     sleeps waiting for work of the process
 * @wait:              where the thread sleeps waiting for work, and pollers
 *                     wait
 * @ee:                the extended error of the thread's last failure
 * @return_error:      the error of the thread's own last command
 * @reply_error:       a failed or dead reply to the thread's call
 * @transaction_stack: the innermost transaction the thread sends or serves;
 *                     each links to the next outer one (see
 *                     &struct blite_transaction); pushed and popped by
 *                     binderlite_txn.c alone
 * @nice:              the nice value the thread takes once it has dropped
 *                     the graph lock, while @nice_pending
 *                     (blite_thread_defer_nice())
 * @nice_pending:      @nice is to be taken
 *
 * Created by the thread's first ioctl() or poll() on the file, freed by
 * BINDERLITE_THREAD_EXIT or when the file is released. @transaction_stack
 * is protected by blite_graph_lock (written with WRITE_ONCE(): the thread
 * reads its own without the lock, blite_thread_is_idle_ilocked());
 * @looper, @need_return, @process_todo, @todo, @waiting_entry, @ee and the
 * two errors by &blite_proc.inner_lock. @nice and @nice_pending belong to
 * the thread itself: only it, in its own ioctl(), touches them.
 */
struct blite_thread {
	struct rb_node rb_node;
	struct rcu_head rcu;
	struct blite_proc *proc;
	pid_t pid;
	unsigned int looper;
	bool need_return;
	bool process_todo;
	struct list_head todo;
	struct list_head waiting_entry;
	wait_queue_head_t wait;
	struct binderlite_extended_error ee;
	struct blite_error return_error;
	struct blite_error reply_error;
	struct blite_transaction *transaction_stack;
	long nice;
	bool nice_pending;
};

/**
 * struct blite_proc - state of one open file of /dev/binderlite
 * @procs_node:      entry in the global list of open files, protected by
 *                   blite_procs_lock
 * @kref:            the file holds one reference, a sender copying into
 *                   the pool with the graph lock dropped another
 * @tsk_pid:         thread-group leader of the process that opened the
 *                   file; holds a reference
 * @pid:             its thread-group id, for messages and debugfs
 * @context:         the context (device) opened; holds a reference
 * @cred:            the credentials the file was opened with, for the LSM
 *                   hooks; holds a reference
 * @pool:            the receive pool, once the process mmap()s the file;
 *                   its buffers are &struct blite_proc_buffer
 * @dead:            the file was released; nothing new is sent to it
 * @inner_lock:      protects the work lists, @waiting_threads, the thread
 *                   counters and the threads' state (see
 *                   &struct blite_thread)
 * @threads:         the threads using the file, by pid
 * @nodes:           the process's objects known to the driver, by address
 * @refs_by_desc:    its references to other processes' nodes, by handle
 * @refs_by_node:    the same, by node
 * @nr_refs:         how many references @refs_by_desc holds
 * @todo:            work for any thread of the process
 * @delivered_death: BR_DEAD_BINDERs delivered, until BC_DEAD_BINDER_DONE
 * @waiting_threads: looper threads asleep, waiting for work of the process
 * @max_threads:     how many threads the driver may ask the process to
 *                   start (BINDERLITE_SET_MAX_THREADS)
 * @requested_threads:         BR_SPAWN_LOOPER requests not yet answered
 * @requested_threads_started: threads started on request (registered)
 * @delivered_freeze: BR_FROZEN_BINDERs delivered, until
 *                   BC_FREEZE_NOTIFICATION_DONE
 * @is_frozen:       frozen (BINDERLITE_FREEZE): sync calls to it fail
 * @sync_recv:       a sync call came while frozen
 * @async_recv:      a oneway came while frozen
 * @outstanding_txns: transactions to the process that still exist (queued
 *                   or being served)
 * @freeze_wait:     BINDERLITE_FREEZE waits here for @outstanding_txns
 *                   to drain
 * @oneway_spam_detection: report suspected oneway spam to this sender
 *                   (BR_ONEWAY_SPAM_SUSPECT)
 * @default_priority: the nice value of the opener, which a looper waiting
 *                   for process work takes
 *
 * A process gets one &struct blite_proc per open(). The IPC state goes
 * when the file is released; the structure and the pool when the last
 * reference is dropped (blite_proc_put()). @threads, @nodes and the refs
 * trees are changed with blite_graph_lock and @inner_lock held, so either
 * suffices to read them.
 */
struct blite_proc {
	struct list_head procs_node;
	struct kref kref;
	struct pid *tsk_pid;
	pid_t pid;
	struct blite_context *context;
	const struct cred *cred;
	struct blite_pool pool;
	bool dead;
	spinlock_t inner_lock;	/* see the kernel-doc above */
	struct rb_root threads;
	struct rb_root nodes;
	struct rb_root refs_by_desc;
	struct rb_root refs_by_node;
	u32 nr_refs;
	struct list_head todo;
	struct list_head delivered_death;
	struct list_head waiting_threads;
	u32 max_threads;
	int requested_threads;
	int requested_threads_started;
	struct list_head delivered_freeze;
	bool is_frozen;
	bool sync_recv;
	bool async_recv;
	int outstanding_txns;
	wait_queue_head_t freeze_wait;
	bool oneway_spam_detection;
	long default_priority;
};

/**
 * struct blite_proc_buffer - a buffer of a process's pool, as IPC sees it
 * @buf:           the allocator's block; first, so that the allocator
 *                 allocates the whole structure (blite_pool_set_buffer_size())
 * @target_node:   the node the transaction in the buffer was sent to, or
 *                 NULL for a reply; the buffer holds a strong count on it
 *                 until freed
 * @clear_on_free: zero the buffer when it is freed (TF_CLEAR_BUF)
 * @debug_id:      the number of the transaction the buffer was allocated
 *                 for, for trace events
 *
 * The allocator never touches @target_node, @clear_on_free and @debug_id:
 * the transaction layer sets @debug_id when it allocates the buffer and
 * the others when it commits it (binderlite_txn.c), and reads them when it
 * releases it. Protected by blite_graph_lock, but for @debug_id, which is
 * written once, before the buffer is shared; the process a buffer was
 * delivered to reads the others without the lock once it has claimed the
 * buffer back (BC_FREE_BUFFER): they were written before the delivery.
 */
struct blite_proc_buffer {
	struct blite_buffer buf;
	struct blite_node *target_node;
	bool clear_on_free;
	u32 debug_id;
};

/**
 * blite_proc_buffer_of() - the IPC side of a buffer of a process's pool
 * @buf: a buffer of a &struct blite_proc's pool
 *
 * Return: the structure that holds it.
 */
static inline struct blite_proc_buffer *blite_proc_buffer_of(struct blite_buffer *buf)
{
	return container_of(buf, struct blite_proc_buffer, buf);
}

/**
 * struct blite_proc_stats - what debugfs shows of one open file
 * @threads: threads known
 * @nodes:   nodes owned
 * @refs:    references held
 * @deaths:  death notifications asked for
 * @todo:    work items queued for the process or its threads
 * @frozen:  the process is frozen
 */
struct blite_proc_stats {
	unsigned int threads;
	unsigned int nodes;
	unsigned int refs;
	unsigned int deaths;
	unsigned int todo;
	bool frozen;
};

/**
 * blite_work_copy_out_locked() - write a work item's returns to the reader
 * @dst: where in the reader's buffer
 * @src: the returns
 * @len: their size
 *
 * Returns are copied with the graph lock held and page faults disabled: a
 * reader whose buffer is slow to fault in (a file on a slow disk,
 * userfaultfd) must not stall everybody else's IPC. The read loop faults
 * the buffer in before taking the lock; -EAGAIN means the page went away
 * meanwhile, and the work is put back and tried again. Every delivery
 * (blite_*_deliver_locked()) writes through this.
 *
 * Return: 0, or -EAGAIN having written nothing usable.
 */
static inline int blite_work_copy_out_locked(void __user *dst, const void *src,
					     size_t len)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	return copy_to_user_nofault(dst, src, len) ? -EAGAIN : 0;
}

struct blite_proc *blite_proc_create(struct file *filp);
void blite_proc_unlink(struct blite_proc *proc);
void blite_proc_get(struct blite_proc *proc);
void blite_proc_put(struct blite_proc *proc);
int blite_proc_get_by_pid(u32 pid, struct blite_proc ***procs);
void blite_proc_flush(struct blite_proc *proc);
void blite_proc_add_stats(struct blite_proc *proc, struct blite_proc_stats *st);
struct blite_thread *
blite_proc_enqueue_work_nowake_gilocked(struct blite_proc *proc, struct blite_work *w);
void blite_proc_enqueue_work_gilocked(struct blite_proc *proc, struct blite_work *w);
bool blite_proc_request_looper(struct blite_thread *thread);
int blite_proc_ioctl_set_max_threads(struct blite_proc *proc, void __user *ubuf);
int blite_proc_ioctl_enable_oneway_spam_detection(struct blite_proc *proc,
						  void __user *ubuf);

struct blite_thread *blite_thread_get(struct blite_proc *proc);
void blite_thread_free_locked(struct blite_thread *thread);
void blite_thread_ioctl_done(struct blite_thread *thread);
int blite_thread_ioctl_get_extended_error(struct blite_thread *thread,
					  void __user *ubuf);
void blite_thread_set_ee_ilocked(struct blite_thread *thread, u32 id, u32 cmd,
				 int param);
void blite_thread_set_nice(long nice);
void blite_thread_defer_nice(struct blite_thread *thread, long nice);
void blite_thread_take_nice(struct blite_thread *thread);
void blite_thread_register_looper(struct blite_thread *thread);
void blite_thread_enter_looper(struct blite_thread *thread);
bool blite_thread_is_idle_ilocked(struct blite_thread *thread);
bool blite_thread_has_work_ilocked(struct blite_thread *thread, bool proc_work);
bool blite_thread_has_work(struct blite_thread *thread, bool proc_work);
void blite_thread_enqueue_work_ilocked(struct blite_thread *thread,
				       struct blite_work *w);
void blite_thread_wake(struct blite_thread *thread, bool sync);
void blite_thread_wake_ilocked(struct blite_thread *thread);
void blite_thread_enqueue_deferred_work_ilocked(struct blite_thread *thread,
						struct blite_work *w);

void blite_work_free(struct blite_work *w);

#endif /* _BINDERLITE_PROC_H */
