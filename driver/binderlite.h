/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite internal definitions shared by the driver's files.
 */
#ifndef _BINDERLITE_H
#define _BINDERLITE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include <linux/binderlite.h>

#include "binderlite_pool.h"

struct cred;
struct file;
struct pid;

/**
 * enum blite_debug_mask - classes of debug messages
 * @BLITE_DEBUG_OPEN_CLOSE: open and release of the device
 * @BLITE_DEBUG_IOCTL:      every ioctl and its result
 * @BLITE_DEBUG_TRANSACTION: every failed transaction and why
 *
 * Bits of the ``debug_mask`` module parameter.
 */
enum blite_debug_mask {
	BLITE_DEBUG_OPEN_CLOSE	= 1U << 0,
	BLITE_DEBUG_IOCTL	= 1U << 1,
	BLITE_DEBUG_TRANSACTION	= 1U << 2,
};

extern unsigned int blite_debug_mask;
extern struct list_head blite_procs;
extern struct list_head blite_contexts;
extern struct mutex blite_procs_lock;
extern struct mutex blite_graph_lock;
extern const struct file_operations blite_fops;

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
 * enum blite_work_type - what a &struct blite_work stands for
 * @BLITE_WORK_TRANSACTION:          a transaction or reply to deliver
 * @BLITE_WORK_TRANSACTION_COMPLETE: BR_TRANSACTION_COMPLETE for a sender
 * @BLITE_WORK_TRANSACTION_PENDING:  BR_TRANSACTION_PENDING_FROZEN: a oneway
 *                                   was queued for a frozen process
 * @BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT: BR_ONEWAY_SPAM_SUSPECT if the
 *                                   sender asked for spam detection, else
 *                                   BR_TRANSACTION_COMPLETE
 * @BLITE_WORK_RETURN_ERROR:         an error return (&struct blite_error)
 * @BLITE_WORK_NODE:                 tell a node's owner about its counts
 * @BLITE_WORK_DEAD_BINDER:          BR_DEAD_BINDER
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
 *         &blite_proc.delivered_freeze; empty
 *         when on none
 * @type:  enum blite_work_type
 *
 * Work lists belong to one process and are protected by its
 * &blite_proc.inner_lock.
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
 *                     &struct blite_transaction)
 *
 * Created by the thread's first ioctl() or poll() on the file, freed by
 * BINDERLITE_THREAD_EXIT or when the file is released. @transaction_stack
 * is protected by blite_graph_lock; @looper, @need_return, @process_todo,
 * @todo, @waiting_entry, @ee and the two errors by &blite_proc.inner_lock.
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
};

/**
 * struct blite_node - a local object of a process, as the driver knows it
 * @rb_node:              node in &blite_proc.nodes, keyed by @ptr, while
 *                        the owner lives
 * @dead_entry:           entry in the list of dead nodes once the owner
 *                        died and references remain
 * @work:                 BLITE_WORK_NODE: tells the owner to take or drop
 *                        its own references (BR_INCREFS ... BR_DECREFS)
 * @proc:                 the owner; NULL once it died
 * @ptr:                  the object's address in its owner, as it names it
 * @cookie:               extra data the owner associates with it
 * @refs:                 the references other processes hold
 * @internal_strong_refs: references with a strong count
 * @local_strong_refs:    strong holds from inside the driver: buffers
 *                        sent to the node, objects delivered back to the
 *                        owner, the context manager, an unacknowledged
 *                        BR_ACQUIRE
 * @local_weak_refs:      the same for weak holds
 * @tmp_refs:             short-lived pins while the graph lock is dropped
 * @has_strong_ref:       the owner was told to hold a strong reference
 * @pending_strong_ref:   ... and has not confirmed with BC_ACQUIRE_DONE
 * @has_weak_ref:         the owner was told to hold a weak reference
 * @pending_weak_ref:     ... and has not confirmed with BC_INCREFS_DONE
 * @has_async_transaction: a oneway transaction to the node is delivered
 *                        and its buffer not yet freed
 * @async_todo:           oneway transactions waiting for that buffer
 * @min_priority:         the nice value a call to it is served at, at
 *                        least (FLAT_BINDER_FLAG_PRIORITY_MASK)
 * @accept_fds:           calls to it may carry file descriptors
 *                        (FLAT_BINDER_FLAG_ACCEPTS_FDS)
 * @txn_security_ctx:     calls to it carry the sender's security context
 *                        (FLAT_BINDER_FLAG_TXN_SECURITY_CTX)
 *
 * Protected by blite_graph_lock; the work lists by the owner's
 * &blite_proc.inner_lock as well.
 */
struct blite_node {
	struct rb_node rb_node;
	struct list_head dead_entry;
	struct blite_work work;
	struct blite_proc *proc;
	binderlite_uintptr_t ptr;
	binderlite_uintptr_t cookie;
	struct hlist_head refs;
	int internal_strong_refs;
	int local_strong_refs;
	int local_weak_refs;
	int tmp_refs;
	bool has_strong_ref;
	bool pending_strong_ref;
	bool has_weak_ref;
	bool pending_weak_ref;
	bool has_async_transaction;
	struct list_head async_todo;
	u8 min_priority;
	bool accept_fds;
	bool txn_security_ctx;
};

/**
 * struct blite_death - a death notification a process asked for
 * @work:   how it travels: BLITE_WORK_DEAD_BINDER and friends
 * @cookie: the requester's cookie, echoed back
 *
 * Owned by the &struct blite_ref it watches; protected by
 * blite_graph_lock, the work by the holder's &blite_proc.inner_lock.
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
 * work until BR_CLEAR_FREEZE_NOTIFICATION_DONE is read. Protected by
 * blite_graph_lock and the holder's &blite_proc.inner_lock.
 */
struct blite_freeze {
	struct blite_work work;
	binderlite_uintptr_t cookie;
	bool is_frozen;
	bool sent;
	bool resend;
};

/**
 * struct blite_ref - a process's reference to another process's node
 * @rb_desc:    node in &blite_proc.refs_by_desc, keyed by @desc
 * @rb_node:    node in &blite_proc.refs_by_node, keyed by @node
 * @node_entry: entry in &blite_node.refs
 * @proc:       the process holding the reference
 * @node:       the node referred to
 * @desc:       the handle the holder uses; 0 only for the context manager
 * @strong:     strong count (BC_ACQUIRE, handle objects received)
 * @weak:       weak count (BC_INCREFS, weak handle objects received)
 * @death:      the death notification asked for, if any
 * @freeze:     the freeze notification asked for, if any
 *
 * Exists while @strong or @weak is non-zero. Protected by blite_graph_lock.
 */
struct blite_ref {
	struct rb_node rb_desc;
	struct rb_node rb_node;
	struct hlist_node node_entry;
	struct blite_proc *proc;
	struct blite_node *node;
	u32 desc;
	int strong;
	int weak;
	struct blite_death *death;
	struct blite_freeze *freeze;
};

/**
 * struct blite_transaction - a call or reply in flight
 * @work:         BLITE_WORK_TRANSACTION, on the receiver's lists
 * @debug_id:     a unique number, reported in extended errors
 * @from:         the calling thread, for a call that wants a reply; NULL
 *                for oneways and replies, and once the caller died
 * @from_parent:  what @from was serving when it called (its stack)
 * @to_proc:      the receiving process
 * @to_thread:    the thread serving the call, once delivered
 * @to_parent:    what @to_thread was serving before (its stack)
 * @buffer:       the payload in the receiver's pool
 * @target_node:  the node called (NULL for a reply); the buffer holds the
 *                reference
 * @code:         transaction code
 * @flags:        TF_* flags
 * @is_reply:     a reply rather than a call
 * @has_secctx:   the buffer holds the sender's security context, at
 *                @secctx_offset
 * @secctx_offset: where in the buffer
 * @sender_euid:  effective uid of the sending thread when it sent
 * @priority:     the sender's nice value when it sent
 * @saved_priority: the serving thread's nice value before it took the call
 * @fd_fixups:    &struct blite_fd_fixup: files to install in the receiver
 *                when it reads the transaction
 *
 * A call that wants a reply sits on two stacks once delivered: the
 * caller's (through @from_parent) and the server's (through @to_parent).
 * Protected by blite_graph_lock.
 */
struct blite_transaction {
	struct blite_work work;
	u32 debug_id;
	struct blite_thread *from;
	struct blite_transaction *from_parent;
	struct blite_proc *to_proc;
	struct blite_thread *to_thread;
	struct blite_transaction *to_parent;
	struct blite_buffer *buffer;
	struct blite_node *target_node;
	u32 code;
	u32 flags;
	bool is_reply;
	bool has_secctx;
	size_t secctx_offset;
	kuid_t sender_euid;
	long priority;
	long saved_priority;
	struct list_head fd_fixups;
};

/**
 * struct blite_fd_fixup - a file a transaction carries
 * @entry:  entry in &blite_transaction.fd_fixups
 * @file:   the file, with a reference
 * @offset: where in the buffer the receiver's descriptor goes (a u32)
 * @fd:     the descriptor reserved in the receiver while it reads, or -1
 *
 * Protected by blite_graph_lock, with the transaction.
 */
struct blite_fd_fixup {
	struct list_head entry;
	struct file *file;
	size_t offset;
	int fd;
};

/**
 * struct blite_context - a binder context: a device and its manager
 * @entry:    entry in blite_contexts, protected by blite_procs_lock
 * @kref:     the list of contexts holds one reference, each open file one
 * @miscdev:  the device, /dev/@name
 * @name:     the context's name
 * @runtime:  created through the control device; may be removed again
 * @removed:  being removed (or not registered yet): no new opens;
 *            protected by blite_procs_lock
 * @nr_procs: open files of the device; protected by blite_procs_lock
 * @mgr_node: the node behind handle 0, or NULL; protected by
 *            blite_graph_lock
 * @mgr_uid:  the effective uid that first became the context manager; once
 *            set, only that uid may become manager again, as in binder;
 *            protected by blite_graph_lock
 */
struct blite_context {
	struct list_head entry;
	struct kref kref;
	struct miscdevice miscdev;
	char name[BINDERLITE_MAX_NAME + 1];
	bool runtime;
	bool removed;
	unsigned int nr_procs;
	struct blite_node *mgr_node;
	kuid_t mgr_uid;
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
 * @pool:            the receive pool, once the process mmap()s the file
 * @dead:            the file was released; nothing new is sent to it
 * @inner_lock:      protects the work lists, @waiting_threads, the thread
 *                   counters and the threads' state (see
 *                   &struct blite_thread)
 * @threads:         the threads using the file, by pid
 * @nodes:           the process's objects known to the driver, by address
 * @refs_by_desc:    its references to other processes' nodes, by handle
 * @refs_by_node:    the same, by node
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
 * reference is dropped. @threads, @nodes and the refs trees are changed
 * with blite_graph_lock and @inner_lock held, so either suffices to read
 * them.
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
 * enum blite_stat - counters in debugfs ``stats``
 * @BLITE_STAT_TRANSACTIONS:  BC_TRANSACTIONs accepted, sync and oneway
 * @BLITE_STAT_ONEWAYS:       ... of which oneway
 * @BLITE_STAT_REPLIES:       BC_REPLYs accepted
 * @BLITE_STAT_FAILED:        calls and replies refused, whatever the reason
 * @BLITE_STAT_BYTES_SENT:    data and offsets bytes of everything accepted
 * @BLITE_STAT_BYTES_COPIED:  bytes copied from senders into pools
 * @BLITE_STAT_FAILED_DEAD:   the receiver (process, thread or node) died
 * @BLITE_STAT_FAILED_HANDLE: no such handle, or a weak one
 * @BLITE_STAT_FAILED_PROTO:  a reply without a call, a call while waiting
 * @BLITE_STAT_FAILED_SPACE:  no room in the receiver's pool (or its quota)
 * @BLITE_STAT_FAILED_FAULT:  the sender's memory could not be read
 * @BLITE_STAT_FAILED_OFFSETS: a bad offsets array
 * @BLITE_STAT_FAILED_OBJECT: a bad object
 * @BLITE_STAT_FAILED_UNSUPPORTED: something binder refuses too
 * @BLITE_STAT_FAILED_NOMEM:  the kernel ran out of memory
 * @BLITE_STAT_FAILED_FROZEN: a sync call to a frozen process
 * @BLITE_STAT_FAILED_FD:     a file descriptor that was bad, not accepted,
 *                            or could not be installed in the receiver
 * @BLITE_STAT_FAILED_SECURITY: the LSM refused, or gave no security context
 * @BLITE_STAT_NR:            number of counters
 */
enum blite_stat {
	BLITE_STAT_TRANSACTIONS,
	BLITE_STAT_ONEWAYS,
	BLITE_STAT_REPLIES,
	BLITE_STAT_FAILED,
	BLITE_STAT_BYTES_SENT,
	BLITE_STAT_BYTES_COPIED,
	BLITE_STAT_FAILED_DEAD,
	BLITE_STAT_FAILED_HANDLE,
	BLITE_STAT_FAILED_PROTO,
	BLITE_STAT_FAILED_SPACE,
	BLITE_STAT_FAILED_FAULT,
	BLITE_STAT_FAILED_OFFSETS,
	BLITE_STAT_FAILED_OBJECT,
	BLITE_STAT_FAILED_UNSUPPORTED,
	BLITE_STAT_FAILED_NOMEM,
	BLITE_STAT_FAILED_FROZEN,
	BLITE_STAT_FAILED_FD,
	BLITE_STAT_FAILED_SECURITY,
	BLITE_STAT_NR,
};

/**
 * enum blite_live - objects alive now, in debugfs ``stats``
 * @BLITE_LIVE_THREADS:      &struct blite_thread
 * @BLITE_LIVE_NODES:        &struct blite_node, dead ones included
 * @BLITE_LIVE_REFS:         &struct blite_ref
 * @BLITE_LIVE_DEATHS:       &struct blite_death
 * @BLITE_LIVE_TRANSACTIONS: &struct blite_transaction
 * @BLITE_LIVE_FREEZES:      &struct blite_freeze
 * @BLITE_LIVE_FILES:        files held by transactions not yet delivered
 * @BLITE_LIVE_NR:           number of counters
 */
enum blite_live {
	BLITE_LIVE_THREADS,
	BLITE_LIVE_NODES,
	BLITE_LIVE_REFS,
	BLITE_LIVE_DEATHS,
	BLITE_LIVE_TRANSACTIONS,
	BLITE_LIVE_FREEZES,
	BLITE_LIVE_FILES,
	BLITE_LIVE_NR,
};

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

extern const char *const blite_stat_names[BLITE_STAT_NR];
extern const char *const blite_live_names[BLITE_LIVE_NR];

void blite_stat_add(enum blite_stat stat, u64 count);
u64 blite_stat_read(enum blite_stat stat);
void blite_live_inc(enum blite_live live);
void blite_live_dec(enum blite_live live);
long blite_live_read(enum blite_live live);

/* binderlite_main.c */
void blite_proc_put(struct blite_proc *proc);

/* binderlite_context.c */
int blite_context_init(void);
void blite_context_exit(void);
struct blite_context *blite_context_open(struct file *filp);
void blite_context_close_locked(struct blite_context *ctx);
void blite_context_put(struct blite_context *ctx);

/* binderlite_debugfs.c */
int blite_debugfs_init(void);
void blite_debugfs_exit(void);

/* binderlite_ipc.c */
void blite_proc_ipc_init(struct blite_proc *proc);
void blite_proc_ipc_release(struct blite_proc *proc);
void blite_proc_flush(struct blite_proc *proc);
void blite_proc_get_stats(struct blite_proc *proc, struct blite_proc_stats *st);
struct blite_thread *blite_get_thread(struct blite_proc *proc);
void blite_thread_ioctl_done(struct blite_thread *thread);
void blite_set_nice(long nice);
void blite_enqueue_thread_work_ilocked(struct blite_thread *thread,
				       struct blite_work *w);
void blite_enqueue_deferred_thread_work_ilocked(struct blite_thread *thread,
						struct blite_work *w);
void blite_enqueue_proc_work_ilocked(struct blite_proc *proc, struct blite_work *w);
int blite_ioctl_write_read(struct blite_proc *proc, struct blite_thread *thread,
			   struct file *filp, void __user *ubuf);
int blite_ioctl_set_max_threads(struct blite_proc *proc, void __user *ubuf);
int blite_ioctl_thread_exit(struct blite_proc *proc, struct blite_thread *thread);
int blite_ioctl_get_extended_error(struct blite_thread *thread, void __user *ubuf);
int blite_ioctl_enable_oneway_spam_detection(struct blite_proc *proc,
					     void __user *ubuf);
__poll_t blite_poll(struct file *filp, struct poll_table_struct *wait);

/* binderlite_node.c */
int blite_ioctl_set_context_mgr(struct blite_proc *proc,
				const struct flat_binderlite_object *fbo);
int blite_ioctl_get_node_debug_info(struct blite_proc *proc, void __user *ubuf);
int blite_ioctl_get_node_info_for_ref(struct blite_proc *proc, void __user *ubuf);
struct blite_node *blite_get_node_locked(struct blite_proc *proc,
					 binderlite_uintptr_t ptr);
struct blite_node *blite_new_node_locked(struct blite_proc *proc,
					 const struct flat_binderlite_object *fbo);
bool blite_node_strong(const struct blite_node *node);
bool blite_node_weak(const struct blite_node *node);
void blite_node_released_locked(struct blite_node *node);
int blite_inc_node_locked(struct blite_node *node, bool strong, bool internal,
			  struct blite_thread *thread);
void blite_dec_node_locked(struct blite_node *node, bool strong);
int blite_node_cmds_locked(struct blite_node *node, u32 cmds[4]);
void blite_node_cmds_sent_locked(struct blite_node *node);
int blite_node_done_locked(struct blite_proc *proc, binderlite_uintptr_t ptr,
			   binderlite_uintptr_t cookie, bool strong);
void blite_node_release_locked(struct blite_node *node);
struct blite_ref *blite_get_ref_locked(struct blite_proc *proc, u32 desc,
				       bool need_strong);
int blite_dec_ref_locked(struct blite_ref *ref, bool strong);
int blite_inc_ref_for_node_locked(struct blite_proc *proc, struct blite_node *node,
				  bool strong, struct blite_thread *thread, u32 *desc);
int blite_update_ref_locked(struct blite_proc *proc, u32 desc, bool increment,
			    bool strong);
int blite_request_death_locked(struct blite_proc *proc, u32 desc,
			       binderlite_uintptr_t cookie);
int blite_clear_death_locked(struct blite_thread *thread, u32 desc,
			     binderlite_uintptr_t cookie);
int blite_dead_binder_done_locked(struct blite_thread *thread,
				  binderlite_uintptr_t cookie);
void blite_proc_release_objects_locked(struct blite_proc *proc);
void blite_proc_count_objects_locked(struct blite_proc *proc,
				     struct blite_proc_stats *st);

/* binderlite_freeze.c */
int blite_ioctl_freeze(void __user *ubuf);
int blite_ioctl_get_frozen_info(void __user *ubuf);
int blite_request_freeze_locked(struct blite_proc *proc, u32 desc,
				binderlite_uintptr_t cookie,
				struct blite_freeze *freeze);
int blite_clear_freeze_locked(struct blite_proc *proc, u32 desc,
			      binderlite_uintptr_t cookie);
int blite_freeze_done_locked(struct blite_proc *proc, binderlite_uintptr_t cookie);
void blite_freeze_free(struct blite_freeze *freeze);

/* binderlite_object.c */
void blite_objects_release_locked(struct blite_proc *proc, struct blite_buffer *buf,
				  size_t count, struct list_head *closing);
void blite_fds_close(struct list_head *closing);
int blite_fd_fixups_reserve(struct blite_proc *proc, struct blite_transaction *t);
void blite_fd_fixups_unreserve(struct blite_transaction *t);
void blite_fd_fixups_install(struct blite_transaction *t);
void blite_fd_fixups_free(struct blite_transaction *t);

/* binderlite_txn.c */
void blite_transaction(struct blite_proc *proc, struct blite_thread *thread,
		       const struct binderlite_transaction_data *tr, bool reply,
		       u64 extra_size);
int blite_free_buffer(struct blite_proc *proc, struct blite_thread *thread, u64 uaddr);
void blite_free_transaction_locked(struct blite_transaction *t);
void blite_send_failed_reply_locked(struct blite_transaction *t, u32 cmd);
void blite_buffer_release_locked(struct blite_proc *proc, struct blite_buffer *buf,
				 struct list_head *closing);
void blite_transaction_drop_locked(struct blite_transaction *t, u32 cmd,
				   bool release_buffer);

#endif /* _BINDERLITE_H */
