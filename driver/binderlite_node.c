// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite nodes: the objects of a process, and the context manager's.
 *
 * A node is an object of its owner process, named by the owner's pointer
 * (and cookie). Other processes hold references to it, named by handles
 * (binderlite_ref.c); handle 0 is the context manager's node.
 *
 * A node counts who needs it:
 *
 * - internal_strong_refs: references with a strong count; the presence of
 *   any reference at all (node->refs) keeps it weakly;
 * - local_strong_refs / local_weak_refs: holds from inside the driver;
 * - tmp_refs: pins while a sender copies with the graph lock dropped.
 *
 * The owner must keep its object alive while the driver needs it, so the
 * driver tells it: BR_INCREFS / BR_ACQUIRE when the node first becomes
 * weakly / strongly needed, BR_RELEASE / BR_DECREFS when it stops. The
 * owner confirms the first two with BC_INCREFS_DONE / BC_ACQUIRE_DONE; until
 * then the driver keeps a local count of its own, so that the node cannot
 * be released before the owner has even taken its reference.
 *
 * When the owner dies, its nodes that are still referenced become dead
 * nodes (blite_node_kill_locked()): calls to them fail with BR_DEAD_REPLY,
 * and the holders that asked are told (binderlite_death.c). A dead node
 * goes when its last reference does.
 *
 * Everything here runs under blite_graph_lock; touching a work list also
 * takes the inner lock of the process the list belongs to (the lock table
 * is in binderlite.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/error-injection.h>
#include <linux/lockdep.h>
#include <linux/rbtree.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binderlite_context.h"
#include "binderlite_node.h"
#include "binderlite_stats.h"
#include "binderlite_trace.h"

/* Whether @node is the context manager's node of its (live) owner's context. */
static bool blite_node_is_mgr(const struct blite_node *node)
{
	return node->proc && node->proc->context->mgr_node == node;
}

static int blite_node_cmp(const void *key, const struct rb_node *n)
{
	binderlite_uintptr_t ptr = *(const binderlite_uintptr_t *)key;
	binderlite_uintptr_t cur = rb_entry(n, struct blite_node, rb_node)->ptr;

	return ptr < cur ? -1 : ptr > cur;
}

static bool blite_node_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct blite_node, rb_node)->ptr <
	       rb_entry(b, struct blite_node, rb_node)->ptr;
}

/**
 * blite_node_find_locked() - look up a node of a process by its pointer
 * @proc: the owner
 * @ptr:  the object's address in @proc
 *
 * Return: the node, or NULL.
 */
struct blite_node *blite_node_find_locked(struct blite_proc *proc,
					  binderlite_uintptr_t ptr)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	n = rb_find(&ptr, &proc->nodes, blite_node_cmp);
	return n ? rb_entry(n, struct blite_node, rb_node) : NULL;
}

/**
 * blite_node_new_locked() - create a node for an object of @proc
 * @proc:   the owner, alive
 * @fbo:    the object as its owner first sent it: its binder (the address
 *          in @proc; no node of @proc has it yet), cookie and flags
 *
 * The node starts with no counts: the caller takes the first one. The
 * object's flags give the node its minimum priority and say whether calls
 * to it may carry file descriptors and the sender's security context, for
 * the node's whole life, as in binder.
 *
 * Injectable (ALLOW_ERROR_INJECTION, NULL): fail_function can make it fail
 * as if memory ran out. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: the node, or NULL if memory ran out.
 */
noinline __noclone struct blite_node *
blite_node_new_locked(struct blite_proc *proc, const struct flat_binderlite_object *fbo)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node;

	lockdep_assert_held(&blite_graph_lock);
	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return NULL;
	node->proc = proc;
	node->ptr = fbo->binder;
	node->cookie = fbo->cookie;
	node->min_priority = fbo->flags & BINDERLITE_FLAG_PRIORITY_MASK;
	node->accept_fds = fbo->flags & BINDERLITE_FLAG_ACCEPTS_FDS;
	node->txn_security_ctx = fbo->flags & BINDERLITE_FLAG_TXN_SECURITY_CTX;
	INIT_LIST_HEAD(&node->work.entry);
	node->work.type = BLITE_WORK_NODE;
	INIT_HLIST_HEAD(&node->refs);
	INIT_LIST_HEAD(&node->async_todo);

	spin_lock(&proc->inner_lock);
	rb_add(&node->rb_node, &proc->nodes, blite_node_less);
	spin_unlock(&proc->inner_lock);
	blite_stats_live_inc(BLITE_LIVE_NODES);
	return node;
}
ALLOW_ERROR_INJECTION(blite_node_new_locked, NULL);

/* Does anyone need the node strongly: a reference or the driver? */
static bool blite_node_strong(const struct blite_node *node)
{
	return node->internal_strong_refs || node->local_strong_refs;
}

/* Does anyone need the node at all: hold it or pin it? */
static bool blite_node_weak(const struct blite_node *node)
{
	return blite_node_strong(node) || !hlist_empty(&node->refs) ||
	       node->local_weak_refs || node->tmp_refs;
}

static void blite_node_free_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = node->proc;

	lockdep_assert_held(&blite_graph_lock);
	if (proc) {
		spin_lock(&proc->inner_lock);
		list_del_init(&node->work.entry);
		rb_erase(&node->rb_node, &proc->nodes);
		spin_unlock(&proc->inner_lock);
	}
	kfree(node);
	blite_stats_live_dec(BLITE_LIVE_NODES);
}

/**
 * blite_node_count_dropped_locked() - a count of @node dropped
 * @node: the node; may be freed
 *
 * Called after any count or pin of the node went down (a reference, a
 * driver hold, a tmp_ref). If the owner holds a reference the node no
 * longer needs, the owner is told (BR_RELEASE, BR_DECREFS); a node nobody
 * needs any more and whose owner holds nothing for it (or is dead) is
 * freed. Not to be confused with blite_node_kill_locked(): there the owner
 * goes.
 */
void blite_node_count_dropped_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	bool strong = blite_node_strong(node);
	bool weak = blite_node_weak(node);
	struct blite_proc *proc = node->proc;

	lockdep_assert_held(&blite_graph_lock);
	if (proc && ((node->has_strong_ref && !strong) ||
		     (node->has_weak_ref && !weak))) {
		spin_lock(&proc->inner_lock);
		if (list_empty(&node->work.entry))
			blite_proc_enqueue_work_gilocked(proc, &node->work);
		spin_unlock(&proc->inner_lock);
		return;
	}
	/* A dead node keeps what its owner was told, as in binder. */
	if (!weak && (!proc || (!node->has_strong_ref && !node->has_weak_ref)))
		blite_node_free_locked(node);
}

/* Puts the node's work on @thread's list; it is the owner's thread. */
static void blite_node_work_to_thread_locked(struct blite_node *node,
					     struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&thread->proc->inner_lock);
	list_del_init(&node->work.entry);
	blite_thread_enqueue_work_ilocked(thread, &node->work);
	spin_unlock(&thread->proc->inner_lock);
}

/**
 * blite_node_inc_locked() - take a count on a node
 * @node:     the node
 * @strong:   a strong count, else a weak one
 * @internal: on behalf of a reference (else a local, driver-held count)
 * @thread:   a thread of the owner to tell at once if the owner holds
 *            nothing yet (BR_INCREFS, BR_ACQUIRE); NULL if the owner must
 *            already hold a reference of the kind
 *
 * A weak reference's count is its presence in &blite_node.refs, so a
 * weak internal count changes no counter here.
 *
 * Return: 0, or -EINVAL if @thread is NULL and the owner holds nothing of
 * the kind: a reference cannot be revived from a weak one.
 */
int blite_node_inc_locked(struct blite_node *node, bool strong, bool internal,
			  struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (strong) {
		if (internal && !thread && !node->internal_strong_refs &&
		    !(blite_node_is_mgr(node) && node->has_strong_ref))
			return -EINVAL;
		if (internal)
			node->internal_strong_refs++;
		else
			node->local_strong_refs++;
		if (!node->has_strong_ref && thread)
			blite_node_work_to_thread_locked(node, thread);
		return 0;
	}
	if (!node->has_weak_ref && list_empty(&node->work.entry)) {
		if (!thread)
			return -EINVAL;
		blite_node_work_to_thread_locked(node, thread);
	}
	if (!internal)
		node->local_weak_refs++;
	return 0;
}

/**
 * blite_node_dec_locked() - drop a local count taken with
 *                           blite_node_inc_locked()
 * @node:   the node; may be freed
 * @strong: the kind of count
 */
void blite_node_dec_locked(struct blite_node *node, bool strong)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (strong)
		node->local_strong_refs--;
	else
		node->local_weak_refs--;
	blite_node_count_dropped_locked(node);
}

/*
 * What the owner must change for @node, just taken off a work list of its
 * owner: up to four BR_* commands, in order, in @cmds. Changes nothing:
 * blite_node_cmds_sent_locked() records them once they reached the owner.
 * Returns the number of commands.
 */
static int blite_node_cmds_locked(struct blite_node *node, u32 cmds[4])
	__must_hold(&blite_graph_lock)
{
	bool strong = blite_node_strong(node);
	bool weak = blite_node_weak(node);
	int n = 0;

	lockdep_assert_held(&blite_graph_lock);
	if (weak && !node->has_weak_ref)
		cmds[n++] = BINDERLITE_BR_INCREFS;
	if (strong && !node->has_strong_ref)
		cmds[n++] = BINDERLITE_BR_ACQUIRE;
	if (!strong && node->has_strong_ref)
		cmds[n++] = BINDERLITE_BR_RELEASE;
	if (!weak && node->has_weak_ref)
		cmds[n++] = BINDERLITE_BR_DECREFS;
	return n;
}

/*
 * The owner got blite_node_cmds_locked()'s commands; @node is freed if
 * nobody needs it any more. Until the owner confirms BR_INCREFS and
 * BR_ACQUIRE, the driver holds a count of its own, so the node cannot go
 * before the owner holds it.
 */
static void blite_node_cmds_sent_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	bool strong = blite_node_strong(node);
	bool weak = blite_node_weak(node);

	lockdep_assert_held(&blite_graph_lock);
	if (weak && !node->has_weak_ref) {
		node->has_weak_ref = true;
		node->pending_weak_ref = true;
		node->local_weak_refs++;
	}
	if (strong && !node->has_strong_ref) {
		node->has_strong_ref = true;
		node->pending_strong_ref = true;
		node->local_strong_refs++;
	}
	if (!strong)
		node->has_strong_ref = false;
	if (!weak) {
		node->has_weak_ref = false;
		blite_node_free_locked(node);
	}
}

/**
 * blite_node_deliver_locked() - BLITE_WORK_NODE: BR_INCREFS ... BR_DECREFS
 * @node: the node, just taken off a work list of its owner, who reads
 * @ptr:  where in the reader's buffer
 *
 * Tells the owner what it must change; the node may be freed afterwards.
 *
 * Return: bytes written, or -EAGAIN (blite_work_copy_out_locked()) having
 * changed nothing.
 */
int blite_node_deliver_locked(struct blite_node *node, void __user *ptr)
	__must_hold(&blite_graph_lock)
{
	struct {
		u32 cmd;
		struct binderlite_ptr_cookie pc;
	} __packed rec[4];
	u32 cmds[4];
	int i, n;

	lockdep_assert_held(&blite_graph_lock);
	n = blite_node_cmds_locked(node, cmds);
	for (i = 0; i < n; i++) {
		rec[i].cmd = cmds[i];
		rec[i].pc.ptr = node->ptr;
		rec[i].pc.cookie = node->cookie;
	}
	if (blite_work_copy_out_locked(ptr, rec, n * sizeof(rec[0])))
		return -EAGAIN;
	for (i = 0; i < n; i++)
		trace_binderlite_return(cmds[i]);
	blite_node_cmds_sent_locked(node);
	return n * sizeof(rec[0]);
}

/**
 * blite_node_ack_locked() - BC_INCREFS_DONE, BC_ACQUIRE_DONE
 * @proc:   the owner
 * @ptr:    the object, as in the BR_INCREFS or BR_ACQUIRE
 * @cookie: its cookie
 * @strong: BC_ACQUIRE_DONE, else BC_INCREFS_DONE
 *
 * Return: 0, or -EINVAL if no such request is outstanding.
 */
int blite_node_ack_locked(struct blite_proc *proc, binderlite_uintptr_t ptr,
			  binderlite_uintptr_t cookie, bool strong)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = blite_node_find_locked(proc, ptr);

	lockdep_assert_held(&blite_graph_lock);
	if (!node || node->cookie != cookie)
		return -EINVAL;
	if (strong) {
		if (!node->pending_strong_ref)
			return -EINVAL;
		node->pending_strong_ref = false;
	} else {
		if (!node->pending_weak_ref)
			return -EINVAL;
		node->pending_weak_ref = false;
	}
	blite_node_dec_locked(node, strong);
	return 0;
}

/**
 * blite_node_kill_locked() - the owner of @node is going away
 * @node: a node of a released file, whose pending oneways are gone
 *        (blite_txn_drop_async_locked())
 *
 * The node leaves its owner. Nobody else holding it, it is freed; else it
 * becomes a dead node, which goes with its last reference, and its holders'
 * death notifications are due (blite_death_notify_locked()). Not to be
 * confused with blite_node_count_dropped_locked(): there a count goes.
 *
 * Return: true if @node lives on as a dead node, false if it was freed.
 */
bool blite_node_kill_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = node->proc;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	list_del_init(&node->work.entry);
	rb_erase(&node->rb_node, &proc->nodes);
	spin_unlock(&proc->inner_lock);
	node->proc = NULL;
	node->local_strong_refs = 0;
	node->local_weak_refs = 0;

	if (hlist_empty(&node->refs) && !node->tmp_refs) {
		kfree(node);
		blite_stats_live_dec(BLITE_LIVE_NODES);
		return false;
	}
	return true;
}

/**
 * blite_node_forget_mgr_locked() - a released file is no context manager
 * @proc: the file's state, marked dead
 *
 * If @proc was its context's manager, the context has none any more; the
 * slot is free again (for the same effective uid).
 */
void blite_node_forget_mgr_locked(struct blite_proc *proc)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (proc->context->mgr_node && proc->context->mgr_node->proc == proc)
		proc->context->mgr_node = NULL;
}

/**
 * blite_node_add_stats_locked() - count a process's nodes
 * @proc: the process
 * @st:   its @nodes is filled in
 */
void blite_node_add_stats_locked(struct blite_proc *proc, struct blite_proc_stats *st)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	for (n = rb_first(&proc->nodes); n; n = rb_next(n))
		st->nodes++;
}

/**
 * blite_node_ioctl_set_context_mgr() - BINDERLITE_SET_CONTEXT_MGR(_EXT)
 * @proc: the open file that becomes the manager of its context
 * @fbo:  the manager's object; all zero for the legacy ioctl
 *
 * The manager's node is held by the driver (it never gets BR_INCREFS or
 * BR_ACQUIRE) until the manager's file is released. Its flags say, as for
 * any node, whether calls to it carry file descriptors and the sender's
 * security context. The LSM is asked first (security_binder_set_context_mgr()).
 *
 * Return: 0; -EBUSY if the context has a manager already, the LSM's error,
 * -EPERM if another uid was manager of the context before, -ENOMEM.
 */
int blite_node_ioctl_set_context_mgr(struct blite_proc *proc,
				     const struct flat_binderlite_object *fbo)
{
	struct blite_context *ctx = proc->context;
	kuid_t euid = current_euid();
	struct blite_node *node;
	int ret;

	mutex_lock(&blite_graph_lock);
	if (ctx->mgr_node) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = security_binder_set_context_mgr(proc->cred);
	if (ret < 0)
		goto out_unlock;
	if (uid_valid(ctx->mgr_uid) && !uid_eq(ctx->mgr_uid, euid)) {
		ret = -EPERM;
		goto out_unlock;
	}
	ctx->mgr_uid = euid;
	node = blite_node_find_locked(proc, fbo->binder);
	if (!node)
		node = blite_node_new_locked(proc, fbo);
	if (!node) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	node->local_strong_refs++;
	node->local_weak_refs++;
	node->has_strong_ref = true;
	node->has_weak_ref = true;
	ctx->mgr_node = node;
out_unlock:
	mutex_unlock(&blite_graph_lock);
	return ret;
}

/**
 * blite_node_ioctl_get_debug_info() - BINDERLITE_GET_NODE_DEBUG_INFO
 * @proc: the calling file
 * @ubuf: the user's &struct binderlite_node_debug_info
 *
 * Reports the caller's first node whose address is above the one given,
 * or zeros if there is none, so that a loop walks every node.
 *
 * Return: 0 or -EFAULT.
 */
int blite_node_ioctl_get_debug_info(struct blite_proc *proc, void __user *ubuf)
{
	struct binderlite_node_debug_info info;
	struct blite_node *node;
	binderlite_uintptr_t ptr;
	struct rb_node *n;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	ptr = info.ptr;
	memset(&info, 0, sizeof(info));
	mutex_lock(&blite_graph_lock);
	for (n = rb_first(&proc->nodes); n; n = rb_next(n)) {
		node = rb_entry(n, struct blite_node, rb_node);
		if (node->ptr > ptr) {
			info.ptr = node->ptr;
			info.cookie = node->cookie;
			info.has_strong_ref = node->has_strong_ref;
			info.has_weak_ref = node->has_weak_ref;
			break;
		}
	}
	mutex_unlock(&blite_graph_lock);
	if (copy_to_user(ubuf, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}
