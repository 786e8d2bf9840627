/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite: one transaction while the driver processes it, shared by
 * binderlite_txn.c (its life cycle) and binderlite_object.c (the objects
 * in its payload).
 */
#ifndef _BINDERLITE_TXN_H
#define _BINDERLITE_TXN_H

#include "binderlite.h"

/**
 * struct blite_txn - one BC_TRANSACTION(_SG) or BC_REPLY(_SG) in progress
 * @proc:          the sending process
 * @thread:        the sending thread
 * @tr:            the command's argument
 * @extra_size:    scatter-gather room the sender asked for (buffers_size)
 * @reply:         BC_REPLY
 * @oneway:        a call with TF_ONE_WAY
 * @debug_id:      the transaction's number
 * @t:             the transaction, allocated up front
 * @tcomplete:     BR_TRANSACTION_COMPLETE for the sender, allocated up front
 * @in_reply_to:   for a reply: the call answered, taken off the stack
 * @target_proc:   the receiver, pinned
 * @target_node:   for a call: the node called, pinned
 * @target_thread: a thread the transaction must go to, or NULL
 * @accept_fds:    the receiver takes file descriptors: the node's flag for
 *                 a call, the call's TF_ACCEPT_FDS for a reply
 * @secctx:        the sender's security context, if the node asked for it
 * @secctx_len:    its length, NUL included
 * @buf:           the buffer in the receiver's pool
 * @nr_valid:      objects found valid by blite_objects_prepare()
 * @objects_done:  objects translated so far
 * @bad_object:    blite_objects_prepare() stopped at an invalid object; its
 *                 error (in @bad_cmd, @bad_param, @bad_stat) is reported
 *                 unless translating an earlier object fails first, as in
 *                 binder, which handles objects one by one
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
 */
struct blite_txn {
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
	struct blite_thread *target_thread;
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
};

/**
 * blite_txn_fail() - record why a transaction fails
 * @txn:   the transaction
 * @cmd:   what the sender (or for a reply, the caller) reads
 * @param: the errno of the extended error
 * @stat:  the counter of the failure
 *
 * Return: -1, for "return blite_txn_fail(...);".
 */
static inline int blite_txn_fail(struct blite_txn *txn, u32 cmd, int param,
				 enum blite_stat stat)
{
	txn->err_cmd = cmd;
	txn->err_param = param;
	txn->err_stat = stat;
	return -1;
}

/* binderlite_object.c */
size_t blite_buffer_offsets_start(const struct blite_buffer *buf);
void blite_objects_prepare(struct blite_txn *txn);
int blite_objects_translate_locked(struct blite_txn *txn);

#endif /* _BINDERLITE_TXN_H */
