// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite transactions: BC_TRANSACTION, BC_REPLY, their delivery and
 * BC_FREE_BUFFER; the whole life of a call or reply.
 *
 * Sending (blite_txn_send()) goes through four steps:
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
 * Then the receiver reads it (blite_txn_deliver_locked()): the files it
 * carries get descriptors of the receiver, the buffer becomes the
 * receiver's, and a call that wants a reply joins the serving thread's
 * stack. The receiver gives the buffer back with BC_FREE_BUFFER
 * (blite_txn_free_buffer()), which drops what its objects hold.
 *
 * The LSM hooks are called where binder calls them: on every call
 * (security_binder_transaction()), every binder or handle sent
 * (_transfer_binder()) and every file (_transfer_file()); a refusal is
 * BR_FAILED_REPLY with -EPERM.
 *
 * Priority inheritance, as binder does it: the sender's nice value travels
 * with a sync call; the serving thread takes it (bounded by the node's
 * minimum) when it reads the call, and its own back when it replies.
 *
 * The transaction stacks. A sync call sits on the caller's stack and, once
 * delivered, on the serving thread's. This file alone pushes and pops
 * them (blite_txn_push_call_locked() and its three siblings), and unwinds
 * the stack of a thread that goes (blite_txn_unwind_thread_locked()). A
 * call made while serving one goes to the thread of the receiving process
 * that is waiting further down the chain, if there is one: that is how a
 * nested call reaches the thread that can serve it.
 *
 * Locks: the lock table is in binderlite.h. Steps 1, 3 and 4 and the
 * delivery run under blite_graph_lock; step 2 and the closing of files
 * under no lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binderlite_context.h"
#include "binderlite_object.h"
#include "binderlite_ref.h"
#include "binderlite_trace.h"

static atomic_t blite_next_debug_id = ATOMIC_INIT(0);

/*
 * The transaction stacks, pushed and popped here and nowhere else. A call
 * that wants a reply is on its caller's stack from the commit until the
 * reply (or its failure), and on its server's from the delivery until the
 * server replies.
 */

/* @thread sends the call @t: @t goes on top of its stack. */
static void blite_txn_push_call_locked(struct blite_thread *thread,
				       struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	t->from = thread;
	t->from_parent = thread->transaction_stack;
	WRITE_ONCE(thread->transaction_stack, t);
}

/* The call @t, on top of its caller's stack, is answered or failed. */
static void blite_txn_pop_call_locked(struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	WRITE_ONCE(t->from->transaction_stack, t->from_parent);
}

/* @thread reads the call @t and serves it: @t goes on top of its stack. */
static void blite_txn_push_serve_locked(struct blite_thread *thread,
					struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	t->to_thread = thread;
	t->to_parent = thread->transaction_stack;
	WRITE_ONCE(thread->transaction_stack, t);
}

/* @thread replies to @t, on top of its stack. */
static void blite_txn_pop_serve_locked(struct blite_thread *thread,
				       struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	WRITE_ONCE(thread->transaction_stack, t->to_parent);
	t->to_thread = NULL;
}

/*
 * Undoes blite_txn_pop_serve_locked() for a reply refused: @t is on top of
 * @thread's stack again, above the same @t->to_parent, since the replying
 * thread did nothing else meanwhile.
 */
static void blite_txn_repush_serve_locked(struct blite_thread *thread,
					  struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	WRITE_ONCE(thread->transaction_stack, t);
	t->to_thread = thread;
}

/*
 * Frees @t; its buffer, if any, stays with its owner. Files it still
 * carries are put; the receiver's count of transactions in flight drops,
 * which a freezer may be waiting for.
 */
static void blite_txn_free_locked(struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *to_proc = t->to_proc;

	lockdep_assert_held(&blite_graph_lock);
	/* Sent before the event was enabled: no start time (blite_txn_send()). */
	if (trace_binderlite_txn_latency_free_enabled() && t->start_ns)
		trace_binderlite_txn_latency_free(t);
	if (to_proc) {
		spin_lock(&to_proc->inner_lock);
		if (!--to_proc->outstanding_txns && to_proc->is_frozen)
			wake_up_interruptible_all(&to_proc->freeze_wait);
		spin_unlock(&to_proc->inner_lock);
	}
	blite_fd_fixups_free(t);
	kfree(t);
	blite_stats_live_dec(BLITE_LIVE_TRANSACTIONS);
}

/*
 * Fails a call that will never be answered back to its caller with @cmd
 * (BR_FAILED_REPLY or BR_DEAD_REPLY), and frees it. The caller, if it
 * still lives, is waiting for @t on top of its stack. A caller that died
 * took no reply; the call it was serving when it called (@t's from_parent)
 * then fails in its place, and so on up the chain to the first caller
 * still alive, as in binder.
 */
static void blite_txn_fail_back_locked(struct blite_transaction *t, u32 cmd)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *next;
	struct blite_thread *from;

	lockdep_assert_held(&blite_graph_lock);
	for (; t; t = next) {
		from = t->from;
		next = t->from_parent;
		if (!from) {
			blite_txn_free_locked(t);
			continue;
		}
		if (from->transaction_stack != t) {
			/* Never expected: leak @t rather than free it in use. */
			pr_err("%d:%d failed reply not on top of the caller's stack\n",
			       from->proc->pid, from->pid);
			return;
		}
		blite_txn_pop_call_locked(t);
		trace_binderlite_transaction_failed(t->debug_id, false, cmd, 0);
		spin_lock(&from->proc->inner_lock);
		if (from->reply_error.cmd == BINDERLITE_BR_OK) {
			from->reply_error.cmd = cmd;
			blite_thread_enqueue_work_ilocked(from, &from->reply_error.work);
			wake_up_interruptible(&from->wait);
		}
		spin_unlock(&from->proc->inner_lock);
		blite_txn_free_locked(t);
		return;
	}
}

/* Gives the next pending oneway of @node to its owner, if there is one. */
static void blite_txn_async_done_locked(struct blite_proc *proc,
					struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_work *w;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	w = list_first_entry_or_null(&node->async_todo, struct blite_work, entry);
	if (w) {
		list_del_init(&w->entry);
		blite_proc_enqueue_work_gilocked(proc, w);
	} else {
		node->has_async_transaction = false;
	}
	spin_unlock(&proc->inner_lock);
}

/*
 * Gives @buf, which holds nothing of the graph any more, back to @proc's
 * pool, zeroed first if its sender asked for that. No lock: the caller
 * owns @buf (committed, then claimed or taken off its transaction).
 */
static void blite_txn_give_back(struct blite_proc *proc, struct blite_buffer *buf)
{
	if (blite_proc_buffer_of(buf)->clear_on_free)
		blite_pool_clear(&proc->pool, buf);
	blite_pool_free_buf(&proc->pool, buf);
}

/*
 * Drops what a committed @buf holds (its objects' references and its
 * target node), and gives it back to @proc's pool.
 */
static void blite_txn_return_buffer_locked(struct blite_proc *proc,
					   struct blite_buffer *buf,
					   struct list_head *closing)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc_buffer *pbuf = blite_proc_buffer_of(buf);

	lockdep_assert_held(&blite_graph_lock);
	trace_binderlite_transaction_buffer_release(proc, buf);
	blite_objects_release_locked(proc, buf, buf->offsets_size / sizeof(u64), closing);
	if (pbuf->target_node)
		blite_node_dec_locked(pbuf->target_node, true);
	blite_txn_give_back(proc, buf);
}

/*
 * Drops everything a committed buffer, no longer reachable from user space
 * or a transaction, holds: the references of its objects and of its
 * target node; lets the next oneway to that node through, and gives the
 * buffer back to the pool of @proc, its owner. @closing: for a delivered
 * buffer the owner frees, where the descriptors of its FDA objects go, to
 * be closed once the lock is dropped (blite_objects_close_fds()); NULL if
 * the buffer was never delivered.
 */
static void blite_txn_release_buffer_locked(struct blite_proc *proc,
					    struct blite_buffer *buf,
					    struct list_head *closing)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc_buffer *pbuf = blite_proc_buffer_of(buf);

	lockdep_assert_held(&blite_graph_lock);
	if (pbuf->target_node && buf->async)
		blite_txn_async_done_locked(proc, pbuf->target_node);
	blite_txn_return_buffer_locked(proc, buf, closing);
}

/*
 * A transaction, on no list, that will not be delivered: its caller, for a
 * call that wants a reply, gets @cmd; @t is freed. With @release_buffer its
 * buffer goes back to the pool; without, the receiver's whole pool and
 * objects are going away anyway.
 */
static void blite_txn_drop_locked(struct blite_transaction *t, u32 cmd,
				  bool release_buffer)
	__must_hold(&blite_graph_lock)
{
	struct blite_buffer *buf = t->buffer;

	lockdep_assert_held(&blite_graph_lock);
	if (buf) {
		t->buffer = NULL;
		if (release_buffer)
			blite_txn_release_buffer_locked(t->to_proc, buf, NULL);
	}
	blite_txn_fail_back_locked(t, cmd);
}

/**
 * blite_txn_discard_locked() - a transaction its receiver will never read
 * @proc: the receiver, whose thread exits or whose file is released
 * @t:    the transaction, just taken off a list of @proc or its threads
 *
 * A oneway call to a process that lives on moves to the process: accepted
 * data is not lost with a thread. Anything else is dropped, a caller
 * waiting for it getting BR_DEAD_REPLY.
 */
void blite_txn_discard_locked(struct blite_proc *proc, struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (!proc->dead && (t->flags & BINDERLITE_TF_ONE_WAY) && !t->is_reply) {
		spin_lock(&proc->inner_lock);
		blite_proc_enqueue_work_gilocked(proc, &t->work);
		spin_unlock(&proc->inner_lock);
		return;
	}
	blite_txn_drop_locked(t, BINDERLITE_BR_DEAD_REPLY, !proc->dead);
}

/**
 * blite_txn_drop_async_locked() - drop the pending oneways of a node
 * @node: a node whose owner's file is released
 *
 * Their buffers go with the owner's pool.
 */
void blite_txn_drop_async_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t, *tmp;
	LIST_HEAD(list);

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&node->proc->inner_lock);
	list_splice_init(&node->async_todo, &list);
	spin_unlock(&node->proc->inner_lock);
	list_for_each_entry_safe(t, tmp, &list, work.entry) {
		list_del_init(&t->work.entry);
		blite_txn_drop_locked(t, BINDERLITE_BR_DEAD_REPLY, false);
	}
}

/**
 * blite_txn_unwind_thread_locked() - empty the stack of a thread that goes
 * @thread: the thread, exiting or released with its file
 *
 * The call on top of its stack, if the thread serves it, fails back to its
 * caller with BR_DEAD_REPLY; calls it serves deeper down are only detached
 * from it, and calls it waits on lose their caller: whoever answers one of
 * those later finds the caller gone, and the failure travels up the chain
 * (blite_txn_fail_back_locked()), as in binder.
 */
void blite_txn_unwind_thread_locked(struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t, *next, *failed = NULL;
	struct blite_proc *proc = thread->proc;

	lockdep_assert_held(&blite_graph_lock);
	t = thread->transaction_stack;
	WRITE_ONCE(thread->transaction_stack, NULL);
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
		} else {
			next = t->from_parent;
			t->from = NULL;
		}
	}
	if (failed)
		blite_txn_fail_back_locked(failed, BINDERLITE_BR_DEAD_REPLY);
}

/*
 * The thread of @target_proc that waits, further down @thread's chain of
 * calls, for a reply: a nested call goes to it.
 */
static struct blite_thread *blite_txn_find_caller_locked(struct blite_thread *thread,
							 struct blite_proc *target_proc)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t;

	lockdep_assert_held(&blite_graph_lock);
	for (t = thread->transaction_stack; t; t = t->from_parent)
		if (t->from && t->from->proc == target_proc)
			return t->from;
	return NULL;
}

/* Step 1 for a reply: take the call answered off the stack. */
static int blite_txn_resolve_reply_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *thread = build->thread;
	struct blite_transaction *in_reply_to = thread->transaction_stack;

	lockdep_assert_held(&blite_graph_lock);
	if (!in_reply_to || in_reply_to->to_thread != thread)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	if (in_reply_to->from && in_reply_to->from->transaction_stack != in_reply_to)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	blite_txn_pop_serve_locked(thread, in_reply_to);
	build->in_reply_to = in_reply_to;
	/* The call is answered: the replier's own priority comes back. */
	blite_thread_defer_nice(thread, in_reply_to->saved_priority);
	if (!in_reply_to->from)
		return blite_txn_fail(build, BINDERLITE_BR_DEAD_REPLY, 0,
				      BLITE_STAT_FAILED_DEAD);
	build->target_proc = in_reply_to->from->proc;
	build->accept_fds = in_reply_to->flags & BINDERLITE_TF_ACCEPT_FDS;
	return 0;
}

/* Step 1 for a call: the node behind the handle. */
static int blite_txn_resolve_call_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *thread = build->thread;
	u32 handle = build->tr->target.handle;
	struct blite_node *node;
	struct blite_ref *ref;
	struct blite_work *w;
	bool busy;

	lockdep_assert_held(&blite_graph_lock);
	if (handle) {
		ref = blite_ref_find_locked(build->proc, handle, true);
		if (!ref)
			return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
					      BLITE_STAT_FAILED_HANDLE);
		node = ref->node;
	} else {
		node = build->proc->context->mgr_node;
		if (!node)
			return blite_txn_fail(build, BINDERLITE_BR_DEAD_REPLY, -EINVAL,
					      BLITE_STAT_FAILED_DEAD);
	}
	if (!node->proc)
		return blite_txn_fail(build, BINDERLITE_BR_DEAD_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_DEAD);
	if (node->proc == build->proc)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_HANDLE);
	if (security_binder_transaction(build->proc->cred, node->proc->cred) < 0)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPERM,
				      BLITE_STAT_FAILED_SECURITY);
	if (!build->oneway) {
		/*
		 * A thread waiting for its own reply cannot call again, nor
		 * one with a call to serve at the head of its list.
		 */
		spin_lock(&build->proc->inner_lock);
		w = list_first_entry_or_null(&thread->todo, struct blite_work, entry);
		busy = w && w->type == BLITE_WORK_TRANSACTION;
		spin_unlock(&build->proc->inner_lock);
		if (busy || (thread->transaction_stack &&
			     thread->transaction_stack->to_thread != thread))
			return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
					      BLITE_STAT_FAILED_PROTO);
	}
	build->target_node = node;
	build->target_proc = node->proc;
	build->accept_fds = node->accept_fds;
	return 0;
}

static int blite_txn_resolve_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	int ret;

	lockdep_assert_held(&blite_graph_lock);
	ret = build->reply ? blite_txn_resolve_reply_locked(build) :
			     blite_txn_resolve_call_locked(build);
	if (ret)
		return ret;
	blite_proc_get(build->target_proc);
	if (build->target_node)
		build->target_node->tmp_refs++;
	return 0;
}

/*
 * The sender's security context, for a node that asked for it. An LSM that
 * gives none (Debian's AppArmor) fails the call with its error, as binder.
 */
static int blite_txn_get_secctx(struct blite_txn_build *build)
{
	u32 secid;
	int ret;

	security_cred_getsecid(build->proc->cred, &secid);
	ret = security_secid_to_secctx(secid, &build->secctx, &build->secctx_len);
	if (ret) {
		build->secctx = NULL;
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, ret,
				      BLITE_STAT_FAILED_SECURITY);
	}
	return 0;
}

/*
 * Step 2: the buffer, the one copy into it, and the first pass over the
 * objects. No lock is held. The buffer's extra section holds the
 * scatter-gather buffers, then the security context, as in binder.
 */
static int blite_txn_copy(struct blite_txn_build *build)
{
	const struct binderlite_transaction_data *tr = build->tr;
	struct blite_pool *pool = &build->target_proc->pool;
	size_t secctx_size = ALIGN(build->secctx_len, sizeof(u64));
	struct blite_buffer *buf;
	u64 extra;
	int ret;

	if (check_add_overflow(build->extra_size, (u64)secctx_size, &extra))
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OBJECT);
	buf = blite_pool_alloc_buf(pool, tr->data_size, tr->offsets_size, extra,
				   build->oneway);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		if (ret == -ESRCH)
			return blite_txn_fail(build, BINDERLITE_BR_DEAD_REPLY, ret,
					      BLITE_STAT_FAILED_DEAD);
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, ret,
				      ret == -ENOMEM ? BLITE_STAT_FAILED_NOMEM :
						       BLITE_STAT_FAILED_SPACE);
	}
	build->buf = buf;
	blite_proc_buffer_of(buf)->debug_id = build->debug_id;
	trace_binderlite_transaction_alloc_buf(build->target_proc, buf);
	/*
	 * Alignment is checked once the buffer is had, as binder does: sizes
	 * both unaligned and too large get -ENOSPC, not -EINVAL.
	 */
	if (!IS_ALIGNED(tr->offsets_size, sizeof(u64)))
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OFFSETS);
	if (!IS_ALIGNED(build->extra_size, sizeof(u64)))
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OBJECT);

	if (blite_pool_copy_from_user(pool, buf, 0,
				      u64_to_user_ptr(tr->data.ptr.buffer),
				      tr->data_size) ||
	    blite_pool_copy_from_user(pool, buf, blite_buffer_offsets_start(buf),
				      u64_to_user_ptr(tr->data.ptr.offsets),
				      tr->offsets_size))
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EFAULT,
				      BLITE_STAT_FAILED_FAULT);
	blite_objects_prepare(build);
	if (build->secctx) {
		build->t->has_secctx = true;
		build->t->secctx_offset = blite_buffer_extra_start(buf) + build->extra_size;
		blite_pool_write(pool, buf, build->t->secctx_offset, build->secctx,
				 build->secctx_len);
	}
	blite_stats_add(BLITE_STAT_BYTES_COPIED,
			tr->data_size + tr->offsets_size + build->sg_bytes);
	return 0;
}

/*
 * A oneway with TF_UPDATE_TXN for a frozen process replaces the one of the
 * same sender, code and flags still waiting behind @node's current oneway,
 * as in binder. Returns the transaction replaced, taken off the list.
 */
static struct blite_transaction *
blite_txn_find_outdated_gilocked(struct blite_transaction *t, struct blite_node *node)
	__must_hold(&blite_graph_lock) __must_hold(&t->to_proc->inner_lock)
{
	const u32 both = BINDERLITE_TF_ONE_WAY | BINDERLITE_TF_UPDATE_TXN;
	struct blite_transaction *old;

	lockdep_assert_held(&blite_graph_lock);
	lockdep_assert_held(&t->to_proc->inner_lock);
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
 * to the same node until that one's buffer is freed. Returns the thread
 * that took the call, for the caller to wake (blite_thread_wake()), or
 * NULL.
 */
static struct blite_thread *blite_txn_queue_call_locked(struct blite_transaction *t,
							struct blite_proc *proc,
							struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = t->target_node;
	struct blite_transaction *old = NULL;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	proc->outstanding_txns++;
	if (t->flags & BINDERLITE_TF_ONE_WAY) {
		if (node->has_async_transaction) {
			if ((t->flags & BINDERLITE_TF_UPDATE_TXN) && proc->is_frozen)
				old = blite_txn_find_outdated_gilocked(t, node);
			list_add_tail(&t->work.entry, &node->async_todo);
			goto out_unlock;
		}
		node->has_async_transaction = true;
	}
	if (thread)
		blite_thread_enqueue_work_ilocked(thread, &t->work);
	else
		thread = blite_proc_enqueue_work_nowake_gilocked(proc, &t->work);
	spin_unlock(&proc->inner_lock);
	return thread;

out_unlock:
	spin_unlock(&proc->inner_lock);
	if (old) {
		/* Never delivered: its buffer did not have the node's turn. */
		blite_txn_return_buffer_locked(proc, old->buffer, NULL);
		old->buffer = NULL;
		blite_txn_free_locked(old);
	}
	return NULL;
}

/*
 * The frozen check, the last that can fail. A sync call to a frozen
 * process fails; anything else is let through, and the process learns
 * what came while it was frozen (BINDERLITE_GET_FROZEN_INFO).
 */
static int blite_txn_check_frozen_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *target = build->target_proc;
	bool frozen;

	lockdep_assert_held(&blite_graph_lock);
	if (build->reply)
		return 0;
	spin_lock(&target->inner_lock);
	frozen = target->is_frozen;
	if (frozen) {
		target->sync_recv |= !build->oneway;
		target->async_recv |= build->oneway;
	}
	spin_unlock(&target->inner_lock);
	if (frozen && !build->oneway)
		return blite_txn_fail(build, BINDERLITE_BR_FROZEN_REPLY, 0,
				      BLITE_STAT_FAILED_FROZEN);
	if (frozen)
		build->tcomplete->type = BLITE_WORK_TRANSACTION_PENDING;
	return 0;
}

/*
 * Step 4, part one: the transaction and its buffer take their final form.
 * The buffer's IPC side is set here, once: it holds the node called until
 * it is freed.
 */
static void blite_txn_commit_buffer_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	const struct binderlite_transaction_data *tr = build->tr;
	struct blite_proc_buffer *pbuf = blite_proc_buffer_of(build->buf);
	struct blite_transaction *t = build->t;

	lockdep_assert_held(&blite_graph_lock);
	INIT_LIST_HEAD(&t->work.entry);
	t->work.type = BLITE_WORK_TRANSACTION;
	t->to_proc = build->target_proc;
	t->buffer = build->buf;
	t->code = tr->code;
	t->flags = tr->flags;
	t->is_reply = build->reply;
	t->sender_euid = current_euid();
	t->priority = task_nice(current);
	pbuf->clear_on_free = tr->flags & BINDERLITE_TF_CLEAR_BUF;
	pbuf->target_node = NULL;
	if (build->target_node) {
		/* The buffer holds the node until it is freed. */
		blite_node_inc_locked(build->target_node, true, false, NULL);
		pbuf->target_node = build->target_node;
		t->target_node = build->target_node;
	}
	build->t = NULL;
	blite_stats_live_inc(BLITE_LIVE_TRANSACTIONS);
	blite_stats_add(BLITE_STAT_BYTES_SENT,
			tr->data_size + tr->offsets_size + build->sg_bytes);
}

/* Step 4: nothing can fail any more. */
static void blite_txn_commit_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t = build->t;
	struct blite_thread *thread = build->thread;
	struct blite_thread *target_thread;

	lockdep_assert_held(&blite_graph_lock);
	blite_txn_commit_buffer_locked(build);

	INIT_LIST_HEAD(&build->tcomplete->entry);
	spin_lock(&build->proc->inner_lock);
	if (build->reply || build->oneway)
		blite_thread_enqueue_work_ilocked(thread, build->tcomplete);
	else
		blite_thread_enqueue_deferred_work_ilocked(thread, build->tcomplete);
	spin_unlock(&build->proc->inner_lock);
	build->tcomplete = NULL;

	if (build->reply) {
		blite_stats_add(BLITE_STAT_REPLIES, 1);
		target_thread = build->in_reply_to->from;
		blite_txn_pop_call_locked(build->in_reply_to);
		blite_txn_free_locked(build->in_reply_to);
		build->in_reply_to = NULL;
		spin_lock(&target_thread->proc->inner_lock);
		target_thread->proc->outstanding_txns++;
		blite_thread_enqueue_work_ilocked(target_thread, &t->work);
		spin_unlock(&target_thread->proc->inner_lock);
		build->wake = target_thread;
		build->wake_sync = true;
		return;
	}

	blite_stats_add(BLITE_STAT_TRANSACTIONS, 1);
	if (build->oneway) {
		blite_stats_add(BLITE_STAT_ONEWAYS, 1);
		build->wake = blite_txn_queue_call_locked(t, build->target_proc, NULL);
		return;
	}
	target_thread = blite_txn_find_caller_locked(thread, build->target_proc);
	blite_txn_push_call_locked(thread, t);
	build->wake = blite_txn_queue_call_locked(t, build->target_proc, target_thread);
	build->wake_sync = true;
}

/* Drops the pins of step 1. */
static void blite_txn_unpin_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (build->target_node) {
		build->target_node->tmp_refs--;
		blite_node_count_dropped_locked(build->target_node);
		build->target_node = NULL;
	}
}

/* Reports a failure to the sender and, for a reply, to the caller. */
static void blite_txn_report_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *thread = build->thread;
	struct blite_thread *from;
	u32 cmd = build->err_cmd;

	lockdep_assert_held(&blite_graph_lock);
	blite_stats_add(BLITE_STAT_FAILED, 1);
	blite_stats_add(build->err_stat, 1);
	blite_debug(BLITE_DEBUG_TRANSACTION,
		    "%d:%d transaction %u failed: %u/%d\n", build->proc->pid,
		    thread->pid, build->debug_id, cmd, build->err_param);
	trace_binderlite_transaction_failed(build->debug_id, build->reply, cmd,
					    build->err_param);

	if (build->in_reply_to) {
		/*
		 * The caller learns why; the replier is done and reads
		 * BR_TRANSACTION_COMPLETE first, as in binder.
		 */
		from = build->in_reply_to->from;
		if (from) {
			spin_lock(&from->proc->inner_lock);
			if (from->ee.command == BINDERLITE_BR_OK)
				blite_thread_set_ee_ilocked(from, build->debug_id, cmd,
							    build->err_param);
			spin_unlock(&from->proc->inner_lock);
		}
		spin_lock(&build->proc->inner_lock);
		thread->return_error.cmd = BINDERLITE_BR_TRANSACTION_COMPLETE;
		blite_thread_enqueue_work_ilocked(thread, &thread->return_error.work);
		spin_unlock(&build->proc->inner_lock);
		blite_txn_fail_back_locked(build->in_reply_to, cmd);
		build->in_reply_to = NULL;
		return;
	}
	spin_lock(&build->proc->inner_lock);
	blite_thread_set_ee_ilocked(thread, build->debug_id, cmd, build->err_param);
	thread->return_error.cmd = cmd;
	blite_thread_enqueue_work_ilocked(thread, &thread->return_error.work);
	spin_unlock(&build->proc->inner_lock);
}

/* Steps 3 and 4, and the checks that must come after the copy. */
static int blite_txn_finish_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *in_reply_to = build->in_reply_to;

	lockdep_assert_held(&blite_graph_lock);
	if (build->target_proc->dead)
		return blite_txn_fail(build, BINDERLITE_BR_DEAD_REPLY, -ESRCH,
				      BLITE_STAT_FAILED_DEAD);
	if (build->reply && !in_reply_to->from)
		return blite_txn_fail(build, BINDERLITE_BR_DEAD_REPLY, 0,
				      BLITE_STAT_FAILED_DEAD);
	/*
	 * The caller took a nested call meanwhile: as in resolve, this reply
	 * is refused, and the call stays on the stack to be answered later.
	 */
	if (build->reply && in_reply_to->from->transaction_stack != in_reply_to) {
		blite_txn_repush_serve_locked(build->thread, in_reply_to);
		build->in_reply_to = NULL;
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	}
	if (blite_objects_translate_locked(build))
		return -1;
	if (build->bad_object)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, build->bad_param,
				      build->bad_stat);
	if (build->sg_fault)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_FAULT);
	build->tcomplete->type = build->buf->oneway_spam_suspect ?
				 BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT :
				 BLITE_WORK_TRANSACTION_COMPLETE;
	if (blite_txn_check_frozen_locked(build))
		return -1;
	blite_txn_commit_locked(build);
	return 0;
}

/* Undoes steps 2 and 3 of a transaction that failed, and reports it. */
static void blite_txn_abort_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *target_proc = build->target_proc;

	lockdep_assert_held(&blite_graph_lock);
	if (build->buf) {
		trace_binderlite_transaction_failed_buffer_release(target_proc, build->buf);
		blite_objects_release_locked(target_proc, build->buf,
					     build->objects_done, NULL);
		blite_pool_free_buf(&target_proc->pool, build->buf);
	}
	blite_fd_fixups_free(build->t);
	blite_txn_unpin_locked(build);
	blite_txn_report_locked(build);
}

/**
 * blite_txn_send() - BC_TRANSACTION(_SG) and BC_REPLY(_SG)
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
void blite_txn_send(struct blite_proc *proc, struct blite_thread *thread,
		    const struct binderlite_transaction_data *tr, bool reply,
		    u64 extra_size)
{
	struct blite_txn_build build = {
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
	blite_thread_set_ee_ilocked(thread, build.debug_id, BINDERLITE_BR_OK, 0);
	spin_unlock(&proc->inner_lock);

	build.t = kzalloc(sizeof(*build.t), GFP_KERNEL);
	if (build.t) {
		INIT_LIST_HEAD(&build.t->fd_fixups);
		build.t->debug_id = build.debug_id;
		build.t->from_pid = proc->pid;
		build.t->from_tid = thread->pid;
		/* The one clock read a transaction costs, and only when traced. */
		if (trace_binderlite_txn_latency_free_enabled())
			build.t->start_ns = ktime_get_ns();
	}
	build.tcomplete = kzalloc(sizeof(*build.tcomplete), GFP_KERNEL);

	mutex_lock(&blite_graph_lock);
	if (!build.t || !build.tcomplete) {
		blite_txn_fail(&build, BINDERLITE_BR_FAILED_REPLY, -ENOMEM,
			       BLITE_STAT_FAILED_NOMEM);
		goto err_report;
	}
	ret = blite_txn_resolve_locked(&build);
	if (ret)
		goto err_report;
	trace_binderlite_transaction(&build);
	target_proc = build.target_proc;
	want_secctx = build.target_node && build.target_node->txn_security_ctx;
	mutex_unlock(&blite_graph_lock);
	blite_thread_take_nice(thread);

	ret = want_secctx ? blite_txn_get_secctx(&build) : 0;
	if (!ret)
		ret = blite_txn_copy(&build);

	mutex_lock(&blite_graph_lock);
	if (ret || blite_txn_finish_locked(&build))
		blite_txn_abort_locked(&build);
	else
		blite_txn_unpin_locked(&build);
	/*
	 * The receiver is woken outside the graph lock, which every other
	 * sender waits for; the RCU read lock keeps its thread until then.
	 */
	rcu_read_lock();
	mutex_unlock(&blite_graph_lock);
	if (build.wake)
		blite_thread_wake(build.wake, build.wake_sync);
	rcu_read_unlock();
	blite_proc_put(target_proc);
	goto out_free;

err_report:
	blite_txn_report_locked(&build);
	mutex_unlock(&blite_graph_lock);
	blite_thread_take_nice(thread);
out_free:
	if (build.secctx)
		security_release_secctx(build.secctx, build.secctx_len);
	kfree(build.t);
	kfree(build.tcomplete);
}

/*
 * The serving thread takes the caller's priority for a sync call, bounded
 * by the node's minimum, and at least the node's minimum for a oneway, as
 * in binder; the reply gives its own back (blite_txn_resolve_reply_locked()).
 * Both once the graph lock is dropped (blite_thread_defer_nice()).
 */
static void blite_txn_inherit_priority(struct blite_thread *thread,
				       struct blite_transaction *t)
{
	bool oneway = t->flags & BINDERLITE_TF_ONE_WAY;
	long min = t->target_node->min_priority;

	t->saved_priority = task_nice(current);
	if (t->priority < min && !oneway)
		blite_thread_defer_nice(thread, t->priority);
	else if (!oneway || t->saved_priority > min)
		blite_thread_defer_nice(thread, min);
}

/*
 * The receiver could not get a descriptor for a file the transaction
 * carries: the transaction is dropped, as in binder. A sync caller reads
 * BR_FAILED_REPLY; for a reply, the reader reads it in place of BR_REPLY.
 */
static int blite_txn_deliver_failed_locked(struct blite_thread *thread,
					   struct blite_transaction *t,
					   void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_buffer *buf = t->buffer;
	u32 cmd = BINDERLITE_BR_FAILED_REPLY;
	bool is_reply = t->is_reply;

	lockdep_assert_held(&blite_graph_lock);
	if (is_reply) {
		if (blite_work_copy_out_locked(ptr, &cmd, sizeof(cmd)))
			return -EAGAIN;
		trace_binderlite_return(cmd);
		*done = true;
	}
	blite_stats_add(BLITE_STAT_FAILED, 1);
	blite_stats_add(BLITE_STAT_FAILED_FD, 1);
	t->buffer = NULL;
	if (t->target_node && !(t->flags & BINDERLITE_TF_ONE_WAY)) {
		blite_txn_fail_back_locked(t, BINDERLITE_BR_FAILED_REPLY);
	} else {
		trace_binderlite_transaction_failed(t->debug_id, is_reply, cmd, 0);
		blite_txn_free_locked(t);
	}
	blite_txn_release_buffer_locked(thread->proc, buf, NULL);
	return is_reply ? sizeof(cmd) : 0;
}

/**
 * blite_txn_deliver_locked() - BR_TRANSACTION, BR_TRANSACTION_SEC_CTX or
 *                              BR_REPLY
 * @thread: the thread reading
 * @w:      the transaction's work, just taken off one of its lists
 * @ptr:    where in the reader's buffer
 * @done:   set when the read must return now, after the transaction
 *
 * The files the transaction carries get descriptors of the reader's
 * process first. Once delivered, its buffer is the reader's, a call that
 * wants a reply joins the thread's stack, and anything else is done with.
 *
 * Return: bytes written; 0 if the transaction was dropped without a
 * return; -EAGAIN (blite_work_copy_out_locked()) having changed nothing.
 */
int blite_txn_deliver_locked(struct blite_thread *thread, struct blite_work *w,
			     void __user *ptr, bool *done)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t = container_of(w, struct blite_transaction, work);
	struct blite_proc *proc = thread->proc;
	struct blite_buffer *buf = t->buffer;
	struct binderlite_transaction_data *tr;
	struct {
		u32 cmd;
		struct binderlite_transaction_data_secctx trs;
	} __packed rec = { .cmd = BINDERLITE_BR_REPLY };
	size_t size = sizeof(rec.cmd) + sizeof(*tr);
	bool is_reply = t->is_reply;

	lockdep_assert_held(&blite_graph_lock);
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
	tr->data.ptr.offsets = tr->data.ptr.buffer + blite_buffer_offsets_start(buf);
	if (t->has_secctx) {
		rec.cmd = BINDERLITE_BR_TRANSACTION_SEC_CTX;
		rec.trs.secctx = tr->data.ptr.buffer + t->secctx_offset;
		size += sizeof(rec.trs.secctx);
	}
	if (blite_fd_fixups_reserve(proc, t))
		return blite_txn_deliver_failed_locked(thread, t, ptr, done);
	if (blite_work_copy_out_locked(ptr, &rec, size)) {
		blite_fd_fixups_unreserve(t);
		return -EAGAIN;
	}
	blite_fd_fixups_install(t);
	t->to_tid = thread->pid;
	trace_binderlite_return(rec.cmd);
	trace_binderlite_transaction_received(t);

	blite_pool_mark_delivered(&proc->pool, buf);
	if (!is_reply)
		blite_txn_inherit_priority(thread, t);
	if (!is_reply && !(t->flags & BINDERLITE_TF_ONE_WAY)) {
		/* The buffer is the reader's now: BC_FREE_BUFFER frees it. */
		t->buffer = NULL;
		blite_txn_push_serve_locked(thread, t);
	} else {
		blite_txn_free_locked(t);
	}
	*done = true;
	return size;
}

/**
 * blite_txn_deliver_complete() - BR_TRANSACTION_COMPLETE and its variants
 * @proc: the sender, reading
 * @w:    a BLITE_WORK_TRANSACTION_COMPLETE, _PENDING or
 *        _ONEWAY_SPAM_SUSPECT work, just taken off its list; freed
 * @ptr:  where in the reader's buffer
 *
 * Needs no lock: such an item lives on its sender thread's own list, and
 * only that thread takes it off (to deliver it here, or to discard it when
 * it exits), so once taken it belongs to the reader alone. The read loop
 * delivers it without the graph lock (blite_ipc_read()). Written without
 * faulting, as every delivery is (blite_work_copy_out_locked()), so that
 * the caller may hold the graph lock or not.
 *
 * Return: bytes written, or -EAGAIN having changed nothing.
 */
int blite_txn_deliver_complete(struct blite_proc *proc, struct blite_work *w,
			       void __user *ptr)
{
	u32 cmd = BINDERLITE_BR_TRANSACTION_COMPLETE;

	if (w->type == BLITE_WORK_TRANSACTION_PENDING)
		cmd = BINDERLITE_BR_TRANSACTION_PENDING_FROZEN;
	else if (w->type == BLITE_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT &&
		 READ_ONCE(proc->oneway_spam_detection))
		cmd = BINDERLITE_BR_ONEWAY_SPAM_SUSPECT;
	if (copy_to_user_nofault(ptr, &cmd, sizeof(cmd)))
		return -EAGAIN;
	trace_binderlite_return(cmd);
	blite_work_free(w);
	return sizeof(cmd);
}

/**
 * blite_txn_free_buffer() - BC_FREE_BUFFER
 * @proc:   the owner of the buffer
 * @thread: the owner's thread freeing it
 * @uaddr:  the buffer's address, as delivered in BR_TRANSACTION or BR_REPLY
 *
 * The descriptors of the buffer's FDA objects are closed, as in binder. A
 * call may free its buffer before it replies, as libbinder does: the
 * transaction let go of it when it was delivered.
 *
 * Return: 0, or -EINVAL if @uaddr is not a delivered buffer not yet freed.
 */
int blite_txn_free_buffer(struct blite_proc *proc, struct blite_thread *thread,
			  u64 uaddr)
{
	struct blite_buffer *buf;
	LIST_HEAD(closing);

	buf = blite_pool_claim_user_buf(&proc->pool, uaddr);
	if (!buf)
		return -EINVAL;
	if (!blite_proc_buffer_of(buf)->target_node && !buf->offsets_size) {
		/* A reply without objects holds nothing of the graph. */
		trace_binderlite_transaction_buffer_release(proc, buf);
		blite_txn_give_back(proc, buf);
		return 0;
	}
	mutex_lock(&blite_graph_lock);
	blite_txn_release_buffer_locked(proc, buf, &closing);
	mutex_unlock(&blite_graph_lock);
	if (!list_empty(&closing)) {
		blite_objects_close_fds(&closing);
		/* The closes complete on the way back to user space. */
		spin_lock(&proc->inner_lock);
		thread->need_return = true;
		spin_unlock(&proc->inner_lock);
	}
	return 0;
}
