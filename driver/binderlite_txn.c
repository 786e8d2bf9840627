// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite transactions: BC_TRANSACTION, BC_REPLY and BC_FREE_BUFFER.
 *
 * A call or reply goes through four steps:
 *
 * 1. resolve (graph lock held): find the receiver: the node behind the
 *    handle for a call, the waiting caller for a reply; check the
 *    transaction stacks; pin the receiving process and node;
 * 2. copy (no lock): allocate a buffer in the receiver's pool and copy
 *    data and offsets from the sender's memory straight into its pages,
 *    the one and only copy;
 * 3. translate (graph lock held): validate the offsets and the objects
 *    they point at, in the receiver's buffer, which the receiver cannot
 *    write; turn binders into handles and back, taking references;
 * 4. commit (graph lock held): queue the transaction for the receiver and
 *    BR_TRANSACTION_COMPLETE for the sender.
 *
 * Any failure undoes exactly what was done: the references translated so
 * far are dropped, the buffer is freed, the pins are released, and the
 * sender gets BR_FAILED_REPLY or BR_DEAD_REPLY with an extended error.
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
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binderlite.h"

static atomic_t blite_next_debug_id = ATOMIC_INIT(0);

/**
 * struct blite_txn - one BC_TRANSACTION or BC_REPLY while it is processed
 * @proc:          the sending process
 * @thread:        the sending thread
 * @tr:            the command's argument
 * @reply:         BC_REPLY
 * @oneway:        a call with TF_ONE_WAY
 * @debug_id:      the transaction's number
 * @t:             the transaction, allocated up front
 * @tcomplete:     BR_TRANSACTION_COMPLETE for the sender, allocated up front
 * @in_reply_to:   for a reply: the call answered, taken off the stack
 * @target_proc:   the receiver, pinned
 * @target_node:   for a call: the node called, pinned
 * @target_thread: a thread the transaction must go to, or NULL
 * @buf:           the buffer in the receiver's pool
 * @objects_done:  objects translated so far
 * @err_cmd:       BR_FAILED_REPLY or BR_DEAD_REPLY on failure
 * @err_param:     the errno for the extended error
 * @err_stat:      the failure's counter
 */
struct blite_txn {
	struct blite_proc *proc;
	struct blite_thread *thread;
	const struct binderlite_transaction_data *tr;
	bool reply;
	bool oneway;
	u32 debug_id;
	struct blite_transaction *t;
	struct blite_work *tcomplete;
	struct blite_transaction *in_reply_to;
	struct blite_proc *target_proc;
	struct blite_node *target_node;
	struct blite_thread *target_thread;
	struct blite_buffer *buf;
	size_t objects_done;
	u32 err_cmd;
	int err_param;
	enum blite_stat err_stat;
};

static int blite_txn_fail(struct blite_txn *txn, u32 cmd, int param,
			  enum blite_stat stat)
{
	txn->err_cmd = cmd;
	txn->err_param = param;
	txn->err_stat = stat;
	return -1;
}

/**
 * blite_free_transaction_locked() - free a transaction
 * @t: the transaction; its buffer, if any, stays with its owner
 */
void blite_free_transaction_locked(struct blite_transaction *t)
	__must_hold(&blite_graph_lock)
{
	if (t->buffer)
		t->buffer->transaction = NULL;
	kfree(t);
	blite_live_dec(BLITE_LIVE_TRANSACTIONS);
}

/**
 * blite_send_failed_reply_locked() - fail a call back to its caller
 * @t:   a call that will never be answered; freed
 * @cmd: BR_FAILED_REPLY or BR_DEAD_REPLY, for the caller
 *
 * The caller, if it still lives, is waiting for @t on top of its stack.
 */
void blite_send_failed_reply_locked(struct blite_transaction *t, u32 cmd)
	__must_hold(&blite_graph_lock)
{
	struct blite_thread *from = t->from;

	lockdep_assert_held(&blite_graph_lock);
	if (from) {
		if (from->transaction_stack != t) {
			/* Never expected: leak @t rather than free it in use. */
			pr_err("%d:%d failed reply not on top of the caller's stack\n",
			       from->proc->pid, from->pid);
			return;
		}
		from->transaction_stack = t->from_parent;
		spin_lock(&from->proc->inner_lock);
		if (from->reply_error.cmd == BINDERLITE_BR_OK) {
			from->reply_error.cmd = cmd;
			blite_enqueue_thread_work_ilocked(from, &from->reply_error.work);
			wake_up_interruptible(&from->wait);
		}
		spin_unlock(&from->proc->inner_lock);
	}
	blite_free_transaction_locked(t);
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

static size_t blite_offsets_start(const struct blite_buffer *buf)
{
	return ALIGN(buf->data_size, sizeof(u64));
}

/*
 * Drops the references held by the first @count objects of @buf, which
 * belongs to @proc and holds them in their translated form.
 */
static void blite_release_objects_locked(struct blite_proc *proc,
					 struct blite_buffer *buf, size_t count)
	__must_hold(&blite_graph_lock)
{
	struct flat_binderlite_object obj;
	struct blite_node *node;
	struct blite_ref *ref;
	size_t i;
	u64 off;

	for (i = 0; i < count; i++) {
		if (blite_pool_read(&proc->pool, buf,
				    blite_offsets_start(buf) + i * sizeof(off),
				    &off, sizeof(off)) ||
		    blite_pool_read(&proc->pool, buf, off, &obj, sizeof(obj)))
			continue;	/* validated when sent: never happens */
		switch (obj.hdr.type) {
		case BINDERLITE_TYPE_BINDER:
		case BINDERLITE_TYPE_WEAK_BINDER:
			node = blite_get_node_locked(proc, obj.binder);
			if (node)
				blite_dec_node_locked(node,
						      obj.hdr.type == BINDERLITE_TYPE_BINDER);
			break;
		case BINDERLITE_TYPE_HANDLE:
		case BINDERLITE_TYPE_WEAK_HANDLE:
			ref = blite_get_ref_locked(proc, obj.handle, false);
			if (ref)
				blite_dec_ref_locked(ref,
						     obj.hdr.type == BINDERLITE_TYPE_HANDLE);
			break;
		}
	}
}

/**
 * blite_buffer_release_locked() - drop everything a buffer holds
 * @proc: the owner of the buffer
 * @buf:  the buffer, no longer reachable from user space or a transaction
 *
 * Drops the references of its objects and of its target node, lets the
 * next oneway to that node through, and gives the buffer back to the pool.
 */
void blite_buffer_release_locked(struct blite_proc *proc, struct blite_buffer *buf)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = buf->target_node;

	lockdep_assert_held(&blite_graph_lock);
	if (node && buf->async)
		blite_async_done_locked(proc, node);
	blite_release_objects_locked(proc, buf, buf->offsets_size / sizeof(u64));
	if (node)
		blite_dec_node_locked(node, true);
	if (buf->clear_on_free)
		blite_pool_clear(&proc->pool, buf);
	blite_pool_free_buf(&proc->pool, buf);
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
			blite_buffer_release_locked(t->to_proc, buf);
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
	if (!in_reply_to->from)
		return blite_txn_fail(txn, BINDERLITE_BR_DEAD_REPLY, 0,
				      BLITE_STAT_FAILED_DEAD);
	txn->target_proc = in_reply_to->from->proc;
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

	if (handle) {
		ref = blite_get_ref_locked(txn->proc, handle, true);
		if (!ref)
			return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
					      BLITE_STAT_FAILED_HANDLE);
		node = ref->node;
	} else {
		node = blite_context_mgr_node;
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
	/* A thread waiting for its own reply cannot call again. */
	if (!txn->oneway && thread->transaction_stack &&
	    thread->transaction_stack->to_thread != thread)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
				      BLITE_STAT_FAILED_PROTO);
	txn->target_node = node;
	txn->target_proc = node->proc;
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

/* Step 2: the buffer, and the one copy into it. No lock is held. */
static int blite_txn_copy(struct blite_txn *txn)
{
	const struct binderlite_transaction_data *tr = txn->tr;
	struct blite_pool *pool = &txn->target_proc->pool;
	struct blite_buffer *buf;
	int ret;

	if (!IS_ALIGNED(tr->offsets_size, sizeof(u64)))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OFFSETS);
	buf = blite_pool_alloc_buf(pool, tr->data_size, tr->offsets_size, txn->oneway);
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
	    blite_pool_copy_from_user(pool, buf, blite_offsets_start(buf),
				      u64_to_user_ptr(tr->data.ptr.offsets),
				      tr->offsets_size))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EFAULT,
				      BLITE_STAT_FAILED_FAULT);
	blite_stat_add(BLITE_STAT_BYTES_COPIED, tr->data_size + tr->offsets_size);
	return 0;
}

/* A binder of the sender: becomes a handle of the receiver. */
static int blite_txn_translate_binder_locked(struct blite_txn *txn,
					     struct flat_binderlite_object *obj)
	__must_hold(&blite_graph_lock)
{
	bool strong = obj->hdr.type == BINDERLITE_TYPE_BINDER;
	struct blite_node *node;
	u32 desc;
	int ret;

	node = blite_get_node_locked(txn->proc, obj->binder);
	if (!node) {
		node = blite_new_node_locked(txn->proc, obj->binder, obj->cookie);
		if (!node)
			return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -ENOMEM,
					      BLITE_STAT_FAILED_NOMEM);
	} else if (node->cookie != obj->cookie) {
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OBJECT);
	}
	/* The sending thread learns at once that its object is referenced. */
	ret = blite_inc_ref_for_node_locked(txn->target_proc, node, strong,
					    txn->thread, &desc);
	if (ret) {
		blite_node_released_locked(node);
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, ret,
				      ret == -ENOMEM ? BLITE_STAT_FAILED_NOMEM :
						       BLITE_STAT_FAILED_OBJECT);
	}
	obj->hdr.type = strong ? BINDERLITE_TYPE_HANDLE : BINDERLITE_TYPE_WEAK_HANDLE;
	obj->binder = 0;
	obj->handle = desc;
	obj->cookie = 0;
	return 0;
}

/*
 * A handle of the sender: a handle of the receiver, or the receiver's own
 * binder if it owns the node.
 */
static int blite_txn_translate_handle_locked(struct blite_txn *txn,
					     struct flat_binderlite_object *obj)
	__must_hold(&blite_graph_lock)
{
	bool strong = obj->hdr.type == BINDERLITE_TYPE_HANDLE;
	struct blite_node *node;
	struct blite_ref *ref;
	u32 desc;
	int ret;

	ref = blite_get_ref_locked(txn->proc, obj->handle, strong);
	if (!ref)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_HANDLE);
	node = ref->node;
	if (node->proc == txn->target_proc) {
		ret = blite_inc_node_locked(node, strong, false, NULL);
		if (ret)
			return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, ret,
					      BLITE_STAT_FAILED_OBJECT);
		obj->hdr.type = strong ? BINDERLITE_TYPE_BINDER :
					 BINDERLITE_TYPE_WEAK_BINDER;
		obj->binder = node->ptr;
		obj->cookie = node->cookie;
		return 0;
	}
	ret = blite_inc_ref_for_node_locked(txn->target_proc, node, strong, NULL, &desc);
	if (ret)
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, ret,
				      ret == -ENOMEM ? BLITE_STAT_FAILED_NOMEM :
						       BLITE_STAT_FAILED_OBJECT);
	obj->binder = 0;
	obj->handle = desc;
	obj->cookie = 0;
	return 0;
}

/*
 * Validates offset @i of the buffer and the object it points at, which must
 * start at or after @min. Sets *@obj, and *@min past the object.
 */
static int blite_txn_read_object(struct blite_txn *txn, size_t i, u64 *off,
				 u64 *min, struct flat_binderlite_object *obj)
{
	struct blite_pool *pool = &txn->target_proc->pool;
	struct blite_buffer *buf = txn->buf;
	u64 data_size = buf->data_size;

	if (blite_pool_read(pool, buf, blite_offsets_start(buf) + i * sizeof(*off),
			    off, sizeof(*off)))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OFFSETS);
	if (*off < *min || !IS_ALIGNED(*off, sizeof(u32)) || *off > data_size ||
	    data_size - *off < sizeof(obj->hdr))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OFFSETS);
	blite_pool_read(pool, buf, *off, &obj->hdr, sizeof(obj->hdr));
	switch (obj->hdr.type) {
	case BINDERLITE_TYPE_BINDER:
	case BINDERLITE_TYPE_WEAK_BINDER:
	case BINDERLITE_TYPE_HANDLE:
	case BINDERLITE_TYPE_WEAK_HANDLE:
		break;
	case BINDERLITE_TYPE_FD:
	case BINDERLITE_TYPE_FDA:
	case BINDERLITE_TYPE_PTR:
		/* Binder features outside the subset: refused, not half-done. */
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EOPNOTSUPP,
				      BLITE_STAT_FAILED_UNSUPPORTED);
	default:
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OBJECT);
	}
	if (data_size - *off < sizeof(*obj))
		return blite_txn_fail(txn, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_OFFSETS);
	blite_pool_read(pool, buf, *off, obj, sizeof(*obj));
	*min = *off + sizeof(*obj);
	return 0;
}

/*
 * Step 3: every object, in the receiver's buffer. Objects must lie inside
 * the data, in increasing order, without overlapping; the offsets array
 * follows the data, so no object can cover it.
 */
static int blite_txn_translate_locked(struct blite_txn *txn)
	__must_hold(&blite_graph_lock)
{
	size_t i, count = txn->buf->offsets_size / sizeof(u64);
	struct flat_binderlite_object obj;
	u64 off, min = 0;
	int ret;

	for (i = 0; i < count; i++) {
		ret = blite_txn_read_object(txn, i, &off, &min, &obj);
		if (ret)
			return ret;
		if (obj.hdr.type == BINDERLITE_TYPE_BINDER ||
		    obj.hdr.type == BINDERLITE_TYPE_WEAK_BINDER)
			ret = blite_txn_translate_binder_locked(txn, &obj);
		else
			ret = blite_txn_translate_handle_locked(txn, &obj);
		if (ret)
			return ret;
		blite_pool_write(&txn->target_proc->pool, txn->buf, off, &obj, sizeof(obj));
		txn->objects_done = i + 1;
	}
	return 0;
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

	spin_lock(&proc->inner_lock);
	if (t->flags & BINDERLITE_TF_ONE_WAY) {
		if (node->has_async_transaction) {
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
	blite_stat_add(BLITE_STAT_BYTES_SENT, tr->data_size + tr->offsets_size);

	INIT_LIST_HEAD(&txn->tcomplete->entry);
	txn->tcomplete->type = BLITE_WORK_TRANSACTION_COMPLETE;
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
		/* The caller learns why; the replier is done, as in binder. */
		from = txn->in_reply_to->from;
		if (from) {
			spin_lock(&from->proc->inner_lock);
			from->ee.id = txn->debug_id;
			from->ee.command = cmd;
			from->ee.param = txn->err_param;
			spin_unlock(&from->proc->inner_lock);
		}
		blite_send_failed_reply_locked(txn->in_reply_to, cmd);
		txn->in_reply_to = NULL;
		cmd = BINDERLITE_BR_TRANSACTION_COMPLETE;
	} else {
		spin_lock(&txn->proc->inner_lock);
		thread->ee.id = txn->debug_id;
		thread->ee.command = cmd;
		thread->ee.param = txn->err_param;
		spin_unlock(&txn->proc->inner_lock);
	}
	spin_lock(&txn->proc->inner_lock);
	thread->return_error.cmd = cmd;
	blite_enqueue_thread_work_ilocked(thread, &thread->return_error.work);
	spin_unlock(&txn->proc->inner_lock);
}

/**
 * blite_transaction() - BC_TRANSACTION and BC_REPLY
 * @proc:   the sending process
 * @thread: the sending thread
 * @tr:     the command's argument, copied from user space
 * @reply:  BC_REPLY
 *
 * Never fails as a command: the outcome reaches the sender as returns
 * (BR_TRANSACTION_COMPLETE, or BR_FAILED_REPLY / BR_DEAD_REPLY).
 */
void blite_transaction(struct blite_proc *proc, struct blite_thread *thread,
		       const struct binderlite_transaction_data *tr, bool reply)
{
	struct blite_txn txn = {
		.proc = proc,
		.thread = thread,
		.tr = tr,
		.reply = reply,
		.oneway = !reply && (tr->flags & BINDERLITE_TF_ONE_WAY),
		.debug_id = atomic_inc_return(&blite_next_debug_id),
	};
	struct blite_proc *target_proc;
	int ret;

	spin_lock(&proc->inner_lock);
	thread->ee.id = txn.debug_id;
	thread->ee.command = BINDERLITE_BR_OK;
	thread->ee.param = 0;
	spin_unlock(&proc->inner_lock);

	txn.t = kzalloc(sizeof(*txn.t), GFP_KERNEL);
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
	mutex_unlock(&blite_graph_lock);

	ret = blite_txn_copy(&txn);

	mutex_lock(&blite_graph_lock);
	if (ret)
		goto err_free_buf;
	if (target_proc->dead) {
		blite_txn_fail(&txn, BINDERLITE_BR_DEAD_REPLY, -ESRCH, BLITE_STAT_FAILED_DEAD);
		goto err_free_buf;
	}
	if (txn.reply && !txn.in_reply_to->from) {
		blite_txn_fail(&txn, BINDERLITE_BR_DEAD_REPLY, 0, BLITE_STAT_FAILED_DEAD);
		goto err_free_buf;
	}
	/*
	 * The caller took a nested call meanwhile: as in resolve, this reply
	 * is refused, and the call stays on the stack to be answered later.
	 */
	if (txn.reply && txn.in_reply_to->from->transaction_stack != txn.in_reply_to) {
		thread->transaction_stack = txn.in_reply_to;
		txn.in_reply_to->to_thread = thread;
		txn.in_reply_to = NULL;
		blite_txn_fail(&txn, BINDERLITE_BR_FAILED_REPLY, -EPROTO,
			       BLITE_STAT_FAILED_PROTO);
		goto err_free_buf;
	}
	ret = blite_txn_translate_locked(&txn);
	if (ret)
		goto err_release_objects;
	blite_txn_commit_locked(&txn);
	blite_txn_unpin_locked(&txn);
	mutex_unlock(&blite_graph_lock);
	blite_proc_put(target_proc);
	return;

err_release_objects:
	blite_release_objects_locked(target_proc, txn.buf, txn.objects_done);
err_free_buf:
	if (txn.buf)
		blite_pool_free_buf(&target_proc->pool, txn.buf);
	blite_txn_unpin_locked(&txn);
	blite_txn_report_locked(&txn);
	mutex_unlock(&blite_graph_lock);
	blite_proc_put(target_proc);
	goto out_free;

err_report:
	blite_txn_report_locked(&txn);
	mutex_unlock(&blite_graph_lock);
out_free:
	kfree(txn.t);
	kfree(txn.tcomplete);
}

/**
 * blite_refuse_transaction() - BC_TRANSACTION_SG and BC_REPLY_SG
 * @proc:   the sending process
 * @thread: the sending thread
 *
 * Scatter-gather is outside binderlite's subset: the sender gets
 * BR_FAILED_REPLY with -EOPNOTSUPP as the extended error.
 */
void blite_refuse_transaction(struct blite_proc *proc, struct blite_thread *thread)
{
	struct blite_txn txn = {
		.proc = proc,
		.thread = thread,
		.debug_id = atomic_inc_return(&blite_next_debug_id),
	};

	blite_txn_fail(&txn, BINDERLITE_BR_FAILED_REPLY, -EOPNOTSUPP,
		       BLITE_STAT_FAILED_UNSUPPORTED);
	mutex_lock(&blite_graph_lock);
	blite_txn_report_locked(&txn);
	mutex_unlock(&blite_graph_lock);
}

/**
 * blite_free_buffer() - BC_FREE_BUFFER
 * @proc:  the owner of the buffer
 * @uaddr: the buffer's address, as delivered in BR_TRANSACTION or BR_REPLY
 *
 * Return: 0, or -EINVAL if @uaddr is not a delivered buffer not yet freed.
 */
int blite_free_buffer(struct blite_proc *proc, u64 uaddr)
{
	struct blite_buffer *buf;

	buf = blite_pool_claim_user_buf(&proc->pool, uaddr);
	if (!buf)
		return -EINVAL;
	mutex_lock(&blite_graph_lock);
	if (buf->transaction) {
		/* Freed before the reply: the call no longer owns it. */
		buf->transaction->buffer = NULL;
		buf->transaction = NULL;
	}
	blite_buffer_release_locked(proc, buf);
	mutex_unlock(&blite_graph_lock);
	return 0;
}
