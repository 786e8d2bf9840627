// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite transactions: BC_TRANSACTION, BC_REPLY and BC_FREE_BUFFER.
 *
 * A call or reply goes through four steps:
 *
 * 1. resolve (graph lock held): find the receiver: the node behind the
 *    handle for a call, the waiting caller for a reply; check the
 *    transaction stacks; pin the receiving process and node;
 * 2. copy (no lock): ask the LSM for the sender's security context if
 *    the node wants it; allocate a buffer in the receiver's pool and copy
 *    data, offsets and scatter-gather buffers from the sender's memory
 *    straight into its pages, the one and only copy; validate the offsets
 *    and objects in the receiver's buffer, which the receiver cannot
 *    write (binderlite_object.c);
 * 3. translate (graph lock held): turn binders into handles and back,
 *    taking references, and take the files of fd objects;
 * 4. commit (graph lock held): queue the transaction for the receiver and
 *    BR_TRANSACTION_COMPLETE for the sender (or, for a oneway to a frozen
 *    process, BR_TRANSACTION_PENDING_FROZEN).
 *
 * Any failure undoes exactly what was done: the references translated so
 * far are dropped, the files taken are put, the buffer is freed, the pins
 * are released, and the sender gets BR_FAILED_REPLY, BR_DEAD_REPLY or
 * BR_FROZEN_REPLY with an extended error.
 *
 * The LSM hooks are called where binder calls them: on every call
 * (security_binder_transaction()), every binder or handle sent
 * (_transfer_binder()) and every file (_transfer_file()); a refusal is
 * BR_FAILED_REPLY with -EPERM.
 *
 * Priority inheritance, as binder does it: the sender's nice value travels
 * with a sync call; the serving thread takes it (bounded by the node's
 * minimum) when it reads the call, and its own back when it replies
 * (binderlite_ipc.c).
 *
 * A sync call sits on the caller's transaction stack and, once delivered,
 * on the serving thread's. A call made while serving one goes to the
 * thread of the receiving process that is waiting further down the chain,
 * if there is one: that is how a nested call reaches the thread that can
 * serve it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binderlite_txn.h"

static atomic_t blite_next_debug_id = ATOMIC_INIT(0);

/**
 * blite_free_transaction_locked() - free a transaction
 * @t: the transaction; its buffer, if any, stays with its owner
 *
 * Files it still carries are put; the receiver's count of transactions in
 * flight drops, which a freezer may be waiting for.
 */
void blite_free_transaction_locked(struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *to_proc = t->to_proc;

	lockdep_assert_held(&blite_graph_lock);
	if (t->buffer)
		t->buffer->transaction = NULL;
	if (to_proc) {
		spin_lock(&to_proc->inner_lock);
		if (!--to_proc->outstanding_txns && to_proc->is_frozen)
			wake_up_interruptible_all(&to_proc->freeze_wait);
		spin_unlock(&to_proc->inner_lock);
	}
	blite_fd_fixups_free(t);
	kfree(t);
	blite_live_dec(BLITE_LIVE_TRANSACTIONS);
}

/**
 * blite_send_failed_reply_locked() - fail a call back to its caller
 * @t:   a call that will never be answered; freed
 * @cmd: BR_FAILED_REPLY or BR_DEAD_REPLY, for the caller
 *
 * The caller, if it still lives, is waiting for @t on top of its stack. A
 * caller that died took no reply; the call it was serving when it called
 * (@t's from_parent) then fails in its place, and so on up the chain to
 * the first caller still alive, as in binder.
 */
void blite_send_failed_reply_locked(struct blite_transaction *t, u32 cmd)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *next;
	struct blite_thread *from;

	lockdep_assert_held(&blite_graph_lock);
	for (; t; t = next) {
		from = t->from;
		next = t->from_parent;
		if (!from) {
			blite_free_transaction_locked(t);
			continue;
		}
		if (from->transaction_stack != t) {
			/* Never expected: leak @t rather than free it in use. */
			pr_err("%d:%d failed reply not on top of the caller's stack\n",
			       from->proc->pid, from->pid);
			return;
		}
		from->transaction_stack = next;
		spin_lock(&from->proc->inner_lock);
		if (from->reply_error.cmd == BINDERLITE_BR_OK) {
			from->reply_error.cmd = cmd;
			blite_enqueue_thread_work_ilocked(from, &from->reply_error.work);
			wake_up_interruptible(&from->wait);
		}
		spin_unlock(&from->proc->inner_lock);
		blite_free_transaction_locked(t);
		return;
	}
}

/* Gives the next pending oneway of @node to its owner, if there is one. */
static void blite_async_done_locked(struct blite_proc *proc,
				    struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_work *w;

	spin_lock(&proc->inner_lock);
	w = list_first_entry_or_null(&node->async_todo, struct blite_work, entry);
	if (w) {
		list_del_init(&w->entry);
		blite_enqueue_proc_work_ilocked(proc, w);
	} else {
		node->has_async_transaction = false;
	}
	spin_unlock(&proc->inner_lock);
}

/* Drops the objects and the target node of @buf, and frees it. */
static void blite_buffer_free_locked(struct blite_proc *proc, struct blite_buffer *buf,
				     struct list_head *closing)
	__must_hold(&blite_graph_lock)
{
	blite_objects_release_locked(proc, buf, buf->offsets_size / sizeof(u64), closing);
	if (buf->target_node)
		blite_dec_node_locked(buf->target_node, true);
	if (buf->clear_on_free)
		blite_pool_clear(&proc->pool, buf);
	blite_pool_free_buf(&proc->pool, buf);
}

/**
 * blite_buffer_release_locked() - drop everything a buffer holds
 * @proc:    the owner of the buffer
 * @buf:     the buffer, no longer reachable from user space or a transaction
 * @closing: for a delivered buffer the owner frees: where the descriptors
 *           of its FDA objects go, to be closed once the lock is dropped
 *           (blite_fds_close()); NULL if the buffer was never delivered
 *
 * Drops the references of its objects and of its target node, lets the
 * next oneway to that node through, and gives the buffer back to the pool.
 */
void blite_buffer_release_locked(struct blite_proc *proc, struct blite_buffer *buf,
				 struct list_head *closing)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (buf->target_node && buf->async)
		blite_async_done_locked(proc, buf->target_node);
	blite_buffer_free_locked(proc, buf, closing);
}

/**
 * blite_transaction_drop_locked() - a transaction that will not be delivered
 * @t:              the transaction, on no list; freed
 * @cmd:            what its caller gets, for a call that wants a reply
 * @release_buffer: give its buffer back; false when the receiver's whole
 *                  pool and objects are going away anyway
 */
void blite_transaction_drop_locked(struct blite_transaction *t, u32 cmd,
				   bool release_buffer)
	__must_hold(&blite_graph_lock)
{
	struct blite_buffer *buf = t->buffer;

	if (buf) {
		buf->transaction = NULL;
		t->buffer = NULL;
		if (release_buffer)
			blite_buffer_release_locked(t->to_proc, buf, NULL);
	}
	blite_send_failed_reply_locked(t, cmd);
}

/*
 * The thread of @target_proc that waits, further down @thread's chain of
 * calls, for a reply: a nested call goes to it.
 */
static struct blite_thread *blite_find_caller_locked(struct blite_thread *thread,
						     struct blite_proc *target_proc)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t;

	for (t = thread->transaction_stack; t; t = t->from_parent)
		if (t->from && t->from->proc == target_proc)
			return t->from;
	return NULL;
}

/* Step 1 for a reply: take the call answered off the stack. */
static int blite_txn_resolve_reply_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *thread = txn->thread;
	struct blite_transaction *in_reply_to = thread->transaction_stack;

	if (!in_reply_to || in_reply_to->to_thread != thread)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	if (in_reply_to->from && in_reply_to->from->transaction_stack != in_reply_to)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	thread->transaction_stack = in_reply_to->to_parent;
	in_reply_to->to_thread = NULL;
	txn->in_reply_to = in_reply_to;
	/* The call is answered: the replier's own priority comes back. */
	blite_set_nice(in_reply_to->saved_priority);
	if (!in_reply_to->from)
		return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, 0,
				      BLITE_STAT_FAILED_DEAD);
	txn->target_proc = in_reply_to->from->proc;
	txn->accept_fds = in_reply_to->flags & BINDERLITE_TF_ACCEPT_FDS;
	return 0;
}

/* Step 1 for a call: the node behind the handle. */
static int blite_txn_resolve_call_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *thread = txn->thread;
	u32 handle = txn->tr->target.handle;
	struct blite_node *node;
	struct blite_ref *ref;
	struct blite_work *w;
	bool busy;

	if (handle) {
		ref = blite_get_ref_locked(txn->proc, handle, true);
		if (!ref)
			return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
					      BLITE_STAT_FAILED_HANDLE);
		node = ref->node;
	} else {
		node = txn->proc->context->mgr_node;
		if (!node)
			return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, -EINVAL,
					      BLITE_STAT_FAILED_DEAD);
	}
	if (!node->proc)
		return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_DEAD);
	if (node->proc == txn->proc)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_HANDLE);
	if (security_binder_transaction(txn->proc->cred, node->proc->cred) < 0)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EPERM,
				      BLITE_STAT_FAILED_SECURITY);
	if (!txn->oneway) {
		/*
		 * A thread waiting for its own reply cannot call again, nor
		 * one with a call to serve at the head of its list.
		 */
		spin_lock(&txn->proc->inner_lock);
		w = list_first_entry_or_null(&thread->todo, struct blite_work, entry);
		busy = w && w->type == BLITE_WORK_TRANSACTION;
		spin_unlock(&txn->proc->inner_lock);
		if (busy || (thread->transaction_stack &&
			     thread->transaction_stack->to_thread != thread))
			return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
					      BLITE_STAT_FAILED_PROTO);
	}
	txn->target_node = node;
	txn->target_proc = node->proc;
	txn->accept_fds = node->accept_fds;
	return 0;
}

static int blite_txn_resolve_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	int ret;

	ret = txn->reply ? blite_txn_resolve_reply_locked(txn) :
			   blite_txn_resolve_call_locked(txn);
	if (ret)
		return ret;
	kref_get(&txn->target_proc->kref);
	if (txn->target_node)
		txn->target_node->tmp_refs++;
	return 0;
}

/*
 * The sender's security context, for a node that asked for it. An LSM that
 * gives none (Debian's AppArmor) fails the call with its error, as binder.
 */
static int blite_txn_get_secctx(struct blite_txn *txn)
{
	u32 secid;
	int ret;

	security_cred_getsecid(txn->proc->cred, &secid);
	ret = security_secid_to_secctx(secid, &txn->secctx, &txn->secctx_len);
	if (ret) {
		txn->secctx = NULL;
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, ret,
				      BLITE_STAT_FAILED_SECURITY);
	}
	return 0;
}

/*
 * Step 2: the buffer, the one copy into it, and the first pass over the
 * objects. No lock is held.
 */
static int blite_txn_copy(struct blite_txn *txn)
{
	const struct binderlite_transaction_data *tr = txn->tr;
	struct blite_pool *pool = &txn->target_proc->pool;
	size_t secctx_size = ALIGN(txn->secctx_len, sizeof(u64));
	struct blite_buffer *buf;
	u64 extra;
	int ret;

	if (!IS_ALIGNED(tr->offsets_size, sizeof(u64)))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OFFSETS);
	if (!IS_ALIGNED(txn->extra_size, sizeof(u64)) ||
	    check_add_overflow(txn->extra_size, (u64)secctx_size, &extra))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OBJECT);
	buf = blite_pool_alloc_buf(pool, tr->data_size, tr->offsets_size, extra,
				   txn->oneway);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		if (ret == -ESRCH)
			return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, ret,
					      BLITE_STAT_FAILED_DEAD);
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, ret,
				      ret == -ENOMEM ? BLITE_STAT_FAILED_NOMEM :
						       BLITE_STAT_FAILED_SPACE);
	}
	buf->transaction = NULL;
	buf->target_node = NULL;
	buf->clear_on_free = false;
	txn->buf = buf;

	if (blite_pool_copy_from_user(pool, buf, 0,
				      u64_to_user_ptr(tr->data.ptr.buffer),
				      tr->data_size) ||
	    blite_pool_copy_from_user(pool, buf, blite_buffer_offsets_start(buf),
				      u64_to_user_ptr(tr->data.ptr.offsets),
				      tr->offsets_size))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EFAULT,
				      BLITE_STAT_FAILED_FAULT);
	blite_objects_prepare(txn);
	if (txn->secctx) {
		txn->t->has_secctx = true;
		/* After the scatter-gather area, as in binder. */
		txn->t->secctx_offset = blite_buffer_offsets_start(buf) +
					ALIGN(tr->offsets_size, sizeof(u64)) +
					txn->extra_size;
		blite_pool_write(pool, buf, txn->t->secctx_offset, txn->secctx,
				 txn->secctx_len);
	}
	blite_stat_add(BLITE_STAT_BYTES_COPIED,
		       tr->data_size + tr->offsets_size + txn->sg_bytes);
	return 0;
}

/*
 * A oneway with TF_UPDATE_TXN for a frozen process replaces the one of the
 * same sender, code and flags still waiting behind @node's current oneway,
 * as in binder. Returns the transaction replaced, taken off the list.
 */
static struct blite_transaction *
blite_find_outdated_ilocked(struct blite_transaction *t, struct blite_node *node)
	__must_hold(&t->to_proc->inner_lock)
{
	const u32 both = BINDERLITE_TF_ONE_WAY | BINDERLITE_TF_UPDATE_TXN;
	struct blite_transaction *old;

	list_for_each_entry(old, &node->async_todo, work.entry) {
		if ((old->flags & t->flags & both) != both ||
		    old->to_proc != t->to_proc || old->code != t->code ||
		    old->flags != t->flags || !old->buffer ||
		    old->buffer->pid != t->buffer->pid)
			continue;
		list_del_init(&old->work.entry);
		return old;
	}
	return NULL;
}

/*
 * Queues a call for @proc: to @thread if given, else to a looper waiting
 * for work, else to the process. A oneway waits behind the previous one
 * to the same node until that one's buffer is freed.
 */
static void blite_queue_call_locked(struct blite_transaction *t,
				    struct blite_proc *proc,
				    struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = t->target_node;
	struct blite_transaction *old = NULL;

	spin_lock(&proc->inner_lock);
	proc->outstanding_txns++;
	if (t->flags & BINDERLITE_TF_ONE_WAY) {
		if (node->has_async_transaction) {
			if ((t->flags & BINDERLITE_TF_UPDATE_TXN) && proc->is_frozen)
				old = blite_find_outdated_ilocked(t, node);
			list_add_tail(&t->work.entry, &node->async_todo);
			goto out_unlock;
		}
		node->has_async_transaction = true;
	}
	if (thread) {
		blite_enqueue_thread_work_ilocked(thread, &t->work);
		wake_up_interruptible(&thread->wait);
	} else {
		blite_enqueue_proc_work_ilocked(proc, &t->work);
	}
out_unlock:
	spin_unlock(&proc->inner_lock);
	if (old) {
		/* Never delivered: its buffer did not have the node's turn. */
		blite_buffer_free_locked(proc, old->buffer, NULL);
		old->buffer = NULL;
		blite_free_transaction_locked(old);
	}
}

/*
 * The frozen check, the last that can fail. A sync call to a frozen
 * process fails; anything else is let through, and the process learns
 * what came while it was frozen (BINDERLITE_GET_FROZEN_INFO).
 */
static int blite_txn_check_frozen_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *target = txn->target_proc;
	bool frozen;

	if (txn->reply)
		return 0;
	spin_lock(&target->inner_lock);
	frozen = target->is_frozen;
	if (frozen) {
		target->sync_recv |= !txn->oneway;
		target->async_recv |= txn->oneway;
	}
	spin_unlock(&target->inner_lock);
	if (frozen && !txn->oneway)
		return blite_txn_fail(txn, BINDERLITE_BR_FROZEN_REPLY, 0,
				      BLITE_STAT_FAILED_FROZEN);
	if (frozen)
		txn->tcomplete->type = BLITE_WORK_TRANSACTION_PENDING;
	return 0;
}

/* Step 4: nothing can fail any more. */
static void blite_txn_commit_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	const struct binderlite_transaction_data *tr = txn->tr;
	struct blite_transaction *t = txn->t;
	struct blite_thread *thread = txn->thread;
	struct blite_thread *target_thread;

	INIT_LIST_HEAD(&t->work.entry);
	t->work.type = BLITE_WORK_TRANSACTION;
	t->debug_id = txn->debug_id;
	t->to_proc = txn->target_proc;
	t->buffer = txn->buf;
	t->code = tr->code;
	t->flags = tr->flags;
	t->is_reply = txn->reply;
	t->sender_euid = current_euid();
	t->priority = task_nice(current);
	txn->buf->transaction = t;
	txn->buf->clear_on_free = tr->flags & BINDERLITE_TF_CLEAR_BUF;
	if (txn->target_node) {
		/* The buffer holds the node until it is freed. */
		blite_inc_node_locked(txn->target_node, true, false, NULL);
		txn->buf->target_node = txn->target_node;
		t->target_node = txn->target_node;
	}
	txn->t = NULL;
	blite_live_inc(BLITE_LIVE_TRANSACTIONS);
	blite_stat_add(BLITE_STAT_BYTES_SENT,
		       tr->data_size + tr->offsets_size + txn->sg_bytes);

	INIT_LIST_HEAD(&txn->tcomplete->entry);
	spin_lock(&txn->proc->inner_lock);
	if (txn->reply || txn->oneway)
		blite_enqueue_thread_work_ilocked(thread, txn->tcomplete);
	else
		blite_enqueue_deferred_thread_work_ilocked(thread, txn->tcomplete);
	spin_unlock(&txn->proc->inner_lock);
	txn->tcomplete = NULL;

	if (txn->reply) {
		blite_stat_add(BLITE_STAT_REPLIES, 1);
		target_thread = txn->in_reply_to->from;
		target_thread->transaction_stack = txn->in_reply_to->from_parent;
		blite_free_transaction_locked(txn->in_reply_to);
		txn->in_reply_to = NULL;
		spin_lock(&target_thread->proc->inner_lock);
		target_thread->proc->outstanding_txns++;
		blite_enqueue_thread_work_ilocked(target_thread, &t->work);
		wake_up_interruptible(&target_thread->wait);
		spin_unlock(&target_thread->proc->inner_lock);
		return;
	}

	blite_stat_add(BLITE_STAT_TRANSACTIONS, 1);
	if (txn->oneway) {
		blite_stat_add(BLITE_STAT_ONEWAYS, 1);
		blite_queue_call_locked(t, txn->target_proc, NULL);
		return;
	}
	target_thread = blite_find_caller_locked(thread, txn->target_proc);
	t->from = thread;
	t->from_parent = thread->transaction_stack;
	thread->transaction_stack = t;
	blite_queue_call_locked(t, txn->target_proc, target_thread);
}

/* Drops the pins of step 1. */
static void blite_txn_unpin_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	if (txn->target_node) {
		txn->target_node->tmp_refs--;
		blite_node_released_locked(txn->target_node);
		txn->target_node = NULL;
	}
}

/* Reports a failure to the sender and, for a reply, to the caller. */
static void blite_txn_report_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *thread = txn->thread;
	struct blite_thread *from;
	u32 cmd = txn->err_cmd;

	blite_stat_add(BLITE_STAT_FAILED, 1);
	blite_stat_add(txn->err_stat, 1);
	blite_debug(BLITE_DEBUG_TRANSACTION,
		    "%d:%d transaction %u failed: %u/%d\n", txn->proc->pid,
		    thread->pid, txn->debug_id, cmd, txn->err_param);

	if (txn->in_reply_to) {
		/*
		 * The caller learns why; the replier is done and reads
		 * BR_TRANSACTION_COMPLETE first, as in binder.
		 */
		from = txn->in_reply_to->from;
		if (from) {
			spin_lock(&from->proc->inner_lock);
			if (from->ee.command == BINDERLITE_BR_OK) {
				from->ee.id = txn->debug_id;
				from->ee.command = cmd;
				from->ee.param = txn->err_param;
			}
			spin_unlock(&from->proc->inner_lock);
		}
		spin_lock(&txn->proc->inner_lock);
		thread->return_error.cmd = BINDERLITE_BR_TRANSACTION_COMPLETE;
		blite_enqueue_thread_work_ilocked(thread, &thread->return_error.work);
		spin_unlock(&txn->proc->inner_lock);
		blite_send_failed_reply_locked(txn->in_reply_to, cmd);
		txn->in_reply_to = NULL;
		return;
	}
	spin_lock(&txn->proc->inner_lock);
	thread->ee.id = txn->debug_id;
	thread->ee.command = cmd;
	thread->ee.param = txn->err_param;
	thread->return_error.cmd = cmd;
	blite_enqueue_thread_work_ilocked(thread, &thread->return_error.work);
	spin_unlock(&txn->proc->inner_lock);
}

/* Steps 3 and 4, and the checks that must come after the copy. */
static int blite_txn_finish_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *in_reply_to = txn->in_reply_to;

	if (txn->target_proc->dead)
		return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, -ESRCH,
				      BLITE_STAT_FAILED_DEAD);
	if (txn->reply && !in_reply_to->from)
		return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, 0,
				      BLITE_STAT_FAILED_DEAD);
	/*
	 * The caller took a nested call meanwhile: as in resolve, this reply
	 * is refused, and the call stays on the stack to be answered later.
	 */
	if (txn->reply && in_reply_to->from->transaction_stack != in_reply_to) {
		txn->thread->transaction_stack = in_reply_to;
		in_reply_to->to_thread = txn->thread;
		txn->in_reply_to = NULL;
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	}
	if (blite_objects_translate_locked(txn))
		return -1;
	if (txn->bad_object)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, txn->bad_param,
				      txn->bad_stat);
	if (txn->sg_fault)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_FAULT);
	txn->tcomplete->type = txn->buf->oneway_spam_suspect ?
			       BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT :
			       BLITE_WORK_TRANSACTION_COMPLETE;
	if (blite_txn_check_frozen_locked(txn))
		return -1;
	blite_txn_commit_locked(txn);
	return 0;
}

/**
 * blite_transaction() - BC_TRANSACTION(_SG) and BC_REPLY(_SG)
 * @proc:       the sending process
 * @thread:     the sending thread
 * @tr:         the command's argument, copied from user space
 * @reply:      BC_REPLY or BC_REPLY_SG
 * @extra_size: buffers_size of the _SG commands, else 0
 *
 * Never fails as a command: the outcome reaches the sender as returns
 * (BR_TRANSACTION_COMPLETE, or BR_FAILED_REPLY / BR_DEAD_REPLY /
 * BR_FROZEN_REPLY).
 */
void blite_transaction(struct blite_proc *proc, struct blite_thread *thread,
		       const struct binderlite_transaction_data *tr, bool reply,
		       u64 extra_size)
{
	struct blite_txn txn = {
		.proc = proc,
		.thread = thread,
		.tr = tr,
		.extra_size = extra_size,
		.reply = reply,
		.oneway = !reply && (tr->flags & BINDERLITE_TF_ONE_WAY),
		.debug_id = atomic_inc_return(&blite_next_debug_id),
	};
	struct blite_proc *target_proc = NULL;
	bool want_secctx;
	int ret;

	spin_lock(&proc->inner_lock);
	thread->ee.id = txn.debug_id;
	thread->ee.command = BINDERLITE_BR_OK;
	thread->ee.param = 0;
	spin_unlock(&proc->inner_lock);

	txn.t = kzalloc(sizeof(*txn.t), GFP_KERNEL);
	if (txn.t)
		INIT_LIST_HEAD(&txn.t->fd_fixups);
	txn.tcomplete = kzalloc(sizeof(*txn.tcomplete), GFP_KERNEL);

	mutex_lock(&blite_graph_lock);
	if (!txn.t || !txn.tcomplete) {
		blite_txn_fail(&txn, BINDERLITE_BR_FAILED_REPLY, -ENOMEM,
			       BLITE_STAT_FAILED_NOMEM);
		goto err_report;
	}
	ret = blite_txn_resolve_locked(&txn);
	if (ret)
		goto err_report;
	target_proc = txn.target_proc;
	want_secctx = txn.target_node && txn.target_node->txn_security_ctx;
	mutex_unlock(&blite_graph_lock);

	ret = want_secctx ? blite_txn_get_secctx(&txn) : 0;
	if (!ret)
		ret = blite_txn_copy(&txn);

	mutex_lock(&blite_graph_lock);
	if (ret || blite_txn_finish_locked(&txn))
		goto err_release_objects;
	blite_txn_unpin_locked(&txn);
	mutex_unlock(&blite_graph_lock);
	blite_proc_put(target_proc);
	goto out_free;

err_release_objects:
	if (txn.buf) {
		blite_objects_release_locked(target_proc, txn.buf, txn.objects_done, NULL);
		blite_pool_free_buf(&target_proc->pool, txn.buf);
	}
	blite_fd_fixups_free(txn.t);
	blite_txn_unpin_locked(&txn);
err_report:
	blite_txn_report_locked(&txn);
	mutex_unlock(&blite_graph_lock);
	if (target_proc)
		blite_proc_put(target_proc);
out_free:
	if (txn.secctx)
		security_release_secctx(txn.secctx, txn.secctx_len);
	kfree(txn.t);
	kfree(txn.tcomplete);
}

/**
 * blite_free_buffer() - BC_FREE_BUFFER
 * @proc:   the owner of the buffer
 * @thread: the owner's thread freeing it
 * @uaddr:  the buffer's address, as delivered in BR_TRANSACTION or BR_REPLY
 *
 * The descriptors of the buffer's FDA objects are closed, as in binder.
 *
 * Return: 0, or -EINVAL if @uaddr is not a delivered buffer not yet freed.
 */
int blite_free_buffer(struct blite_proc *proc, struct blite_thread *thread, u64 uaddr)
{
	struct blite_buffer *buf;
	LIST_HEAD(closing);

	buf = blite_pool_claim_user_buf(&proc->pool, uaddr);
	if (!buf)
		return -EINVAL;
	mutex_lock(&blite_graph_lock);
	if (buf->transaction) {
		/* Freed before the reply: the call no longer owns it. */
		buf->transaction->buffer = NULL;
		buf->transaction = NULL;
	}
	blite_buffer_release_locked(proc, buf, &closing);
	mutex_unlock(&blite_graph_lock);
	if (!list_empty(&closing)) {
		blite_fds_close(&closing);
		/* The closes complete on the way back to user space. */
		spin_lock(&proc->inner_lock);
		thread->need_return = true;
		spin_unlock(&proc->inner_lock);
	}
	return 0;
}
