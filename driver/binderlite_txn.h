/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite transactions: a call or reply from BC_TRANSACTION to
 * BC_FREE_BUFFER. Its nouns: txn (&struct blite_transaction in flight,
 * &struct blite_txn_build while a sender builds one). The types are
 * shared with binderlite_object.c, the lower half of the layer, which
 * handles the objects of a payload.
 */
#ifndef _BINDERLITE_TXN_H
#define _BINDERLITE_TXN_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include <linux/binderlite.h>

#include "binderlite_proc.h"
#include "binderlite_stats.h"

struct blite_node;
struct file;

/**
 * struct blite_transaction - a call or reply in flight
 * @work:         BLITE_WORK_TRANSACTION, on the receiver's lists
 * @debug_id:     the transaction's number (&blite_txn_build.debug_id), for
 *                extended errors and trace events
 * @from:         the calling thread, for a call that wants a reply; NULL
 *                for oneways and replies, and once the caller died
 * @from_parent:  what @from was serving when it called (its stack)
 * @to_proc:      the receiving process
 * @to_thread:    the thread serving the call, once delivered
 * @to_parent:    what @to_thread was serving before (its stack)
 * @buffer:       the payload in the receiver's pool, until delivered; the
 *                receiver owns it then (BC_FREE_BUFFER)
 * @target_node:  the node called (NULL for a reply); the buffer holds the
 *                reference (&blite_proc_buffer.target_node)
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
 * @from_pid:     the sending process, for trace events
 * @from_tid:     the sending thread, for trace events
 * @to_tid:       the thread that read the transaction, once delivered, for
 *                trace events
 * @start_ns:     when the sender's command began (ktime_get_ns()), only if
 *                binderlite_txn_latency_free was enabled then; else 0
 *
 * A call that wants a reply sits on two stacks once delivered: the
 * caller's (through @from_parent) and the server's (through @to_parent);
 * binderlite_txn.c alone pushes and pops them. Protected by
 * blite_graph_lock.
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
	pid_t from_pid;
	pid_t from_tid;
	pid_t to_tid;
	u64 start_ns;
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
 * struct blite_txn_build - one BC_TRANSACTION(_SG) or BC_REPLY(_SG) while
 *                          its sender builds it
 * @proc:          the sending process
 * @thread:        the sending thread
 * @tr:            the command's argument
 * @extra_size:    scatter-gather room the sender asked for (buffers_size)
 * @reply:         BC_REPLY
 * @oneway:        a call with TF_ONE_WAY
 * @debug_id:      the transaction's number, for extended errors and debug
 *                 messages
 * @t:             the transaction, allocated up front
 * @tcomplete:     BR_TRANSACTION_COMPLETE for the sender, allocated up front
 * @in_reply_to:   for a reply: the call answered, taken off the stack
 * @target_proc:   the receiver, pinned
 * @target_node:   for a call: the node called, pinned
 * @accept_fds:    the receiver takes file descriptors: the node's flag for
 *                 a call, the call's TF_ACCEPT_FDS for a reply
 * @secctx:        the sender's security context, if the node asked for it
 * @secctx_len:    its length, NUL included
 * @buf:           the buffer in the receiver's pool
 * @nr_valid:      objects found valid by blite_objects_prepare()
 * @objects_done:  objects translated so far
 * @bad_object:    blite_objects_prepare() stopped at an invalid object; its
 *                 error (in @bad_param, @bad_stat) is reported unless
 *                 translating an earlier object fails first, as in binder,
 *                 which handles objects one by one
 * @bad_param:     that object's errno
 * @bad_stat:      that object's counter
 * @sg_fault:      a scatter-gather buffer could not be read, or a pointer
 *                 fixup was misaligned; reported (-EINVAL) once every
 *                 object is translated, as binder reports its deferred
 *                 scatter-gather copy
 * @sg_bytes:      bytes of scatter-gather buffers copied
 * @err_cmd:       BR_FAILED_REPLY, BR_DEAD_REPLY or BR_FROZEN_REPLY on
 *                 failure
 * @err_param:     the errno for the extended error
 * @err_stat:      the failure's counter
 * @wake:          the thread the transaction was queued to, to wake once
 *                 the graph lock is dropped, or NULL
 * @wake_sync:     wake it with the sync hint (blite_thread_wake())
 *
 * Lives on the sender's stack for the duration of blite_txn_send().
 */
struct blite_txn_build {
	struct blite_proc *proc;
	struct blite_thread *thread;
	const struct binderlite_transaction_data *tr;
	u64 extra_size;
	bool reply;
	bool oneway;
	u32 debug_id;
	struct blite_transaction *t;
	struct blite_work *tcomplete;
	struct blite_transaction *in_reply_to;
	struct blite_proc *target_proc;
	struct blite_node *target_node;
	bool accept_fds;
	char *secctx;
	u32 secctx_len;
	struct blite_buffer *buf;
	size_t nr_valid;
	size_t objects_done;
	bool bad_object;
	int bad_param;
	enum blite_stat bad_stat;
	bool sg_fault;
	size_t sg_bytes;
	u32 err_cmd;
	int err_param;
	enum blite_stat err_stat;
	struct blite_thread *wake;
	bool wake_sync;
};

/**
 * blite_txn_fail() - record why a transaction being built fails
 * @build: the transaction
 * @cmd:   what the sender (or for a reply, the caller) reads
 * @param: the errno of the extended error
 * @stat:  the counter of the failure
 *
 * Return: -1, for "return blite_txn_fail(...);".
 */
static inline int blite_txn_fail(struct blite_txn_build *build, u32 cmd, int param,
				 enum blite_stat stat)
{
	build->err_cmd = cmd;
	build->err_param = param;
	build->err_stat = stat;
	return -1;
}

void blite_txn_send(struct blite_proc *proc, struct blite_thread *thread,
		    const struct binderlite_transaction_data *tr, bool reply,
		    u64 extra_size);
int blite_txn_free_buffer(struct blite_proc *proc, struct blite_thread *thread,
			  u64 uaddr);
int blite_txn_deliver_locked(struct blite_thread *thread, struct blite_work *w,
			     void __user *ptr, bool *done);
int blite_txn_deliver_complete(struct blite_proc *proc, struct blite_work *w,
			       void __user *ptr);
void blite_txn_unwind_thread_locked(struct blite_thread *thread);
void blite_txn_discard_locked(struct blite_proc *proc, struct blite_transaction *t);
void blite_txn_drop_async_locked(struct blite_node *node);

#endif /* _BINDERLITE_TXN_H */
