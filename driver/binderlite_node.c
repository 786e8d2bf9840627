// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite objects: nodes, references, the context manager and death
 * notifications.
 *
 * A node is an object of its owner process, named by the owner's pointer
 * (and cookie). Another process holds a reference to it, named by a
 * handle, a small number private to the holder: handle 0 is the context
 * manager's node, the others are handed out lowest-free-first.
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
 * nodes: every holder that asked for it gets BR_DEAD_BINDER, and calls to
 * the node fail with BR_DEAD_REPLY. A dead node goes when its last
 * reference does.
 *
 * Everything here runs under blite_graph_lock (see binderlite_ipc.c for
 * the lock order); touching a work list also takes the inner lock of the
 * process the list belongs to.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/lockdep.h>
#include <linux/rbtree.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binderlite.h"

/* Nodes whose owner died while references remained. */
static LIST_HEAD(blite_dead_nodes);

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
 * blite_get_node_locked() - look up a node of a process by its pointer
 * @proc: the owner
 * @ptr:  the object's address in @proc
 *
 * Return: the node, or NULL.
 */
struct blite_node *blite_get_node_locked(struct blite_proc *proc,
					 binderlite_uintptr_t ptr)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	n = rb_find(&ptr, &proc->nodes, blite_node_cmp);
	return n ? rb_entry(n, struct blite_node, rb_node) : NULL;
}

/**
 * blite_new_node_locked() - create a node for an object of @proc
 * @proc:   the owner, alive
 * @fbo:    the object as its owner first sent it: its binder (the address
 *          in @proc; no node of @proc has it yet), cookie and flags
 *
 * The node starts with no counts: the caller takes the first one. The
 * object's flags give the node its minimum priority and say whether calls
 * to it may carry file descriptors and the sender's security context, for
 * the node's whole life, as in binder.
 *
 * Return: the node, or NULL if memory ran out.
 */
struct blite_node *blite_new_node_locked(struct blite_proc *proc,
					 const struct flat_binderlite_object *fbo)
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
	INIT_LIST_HEAD(&node->dead_entry);
	INIT_LIST_HEAD(&node->work.entry);
	node->work.type = BLITE_WORK_NODE;
	INIT_HLIST_HEAD(&node->refs);
	INIT_LIST_HEAD(&node->async_todo);

	spin_lock(&proc->inner_lock);
	rb_add(&node->rb_node, &proc->nodes, blite_node_less);
	spin_unlock(&proc->inner_lock);
	blite_live_inc(BLITE_LIVE_NODES);
	return node;
}

/**
 * blite_node_strong() - does anyone need the node strongly?
 * @node: the node
 *
 * Return: true if a reference or the driver holds it strongly.
 */
bool blite_node_strong(const struct blite_node *node)
{
	return node->internal_strong_refs || node->local_strong_refs;
}

/**
 * blite_node_weak() - does anyone need the node at all?
 * @node: the node
 *
 * Return: true if anything holds or pins it.
 */
bool blite_node_weak(const struct blite_node *node)
{
	return blite_node_strong(node) || !hlist_empty(&node->refs) ||
	       node->local_weak_refs || node->tmp_refs;
}

static void blite_node_free_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = node->proc;

	if (proc) {
		spin_lock(&proc->inner_lock);
		list_del_init(&node->work.entry);
		rb_erase(&node->rb_node, &proc->nodes);
		spin_unlock(&proc->inner_lock);
	} else {
		list_del(&node->dead_entry);
	}
	kfree(node);
	blite_live_dec(BLITE_LIVE_NODES);
}

/**
 * blite_node_released_locked() - a count of @node dropped
 * @node: the node; may be freed
 *
 * If the owner holds a reference the node no longer needs, the owner is
 * told (BR_RELEASE, BR_DECREFS); a node nobody needs any more and whose
 * owner holds nothing for it (or is dead) is freed.
 */
void blite_node_released_locked(struct blite_node *node)
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
			blite_enqueue_proc_work_ilocked(proc, &node->work);
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
	spin_lock(&thread->proc->inner_lock);
	list_del_init(&node->work.entry);
	blite_enqueue_thread_work_ilocked(thread, &node->work);
	spin_unlock(&thread->proc->inner_lock);
}

/**
 * blite_inc_node_locked() - take a count on a node
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
int blite_inc_node_locked(struct blite_node *node, bool strong, bool internal,
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
 * blite_dec_node_locked() - drop a local count taken with
 *                           blite_inc_node_locked()
 * @node:   the node; may be freed
 * @strong: the kind of count
 */
void blite_dec_node_locked(struct blite_node *node, bool strong)
	__must_hold(&blite_graph_lock)
{
	if (strong)
		node->local_strong_refs--;
	else
		node->local_weak_refs--;
	blite_node_released_locked(node);
}

/**
 * blite_node_cmds_locked() - BLITE_WORK_NODE: what the owner must change
 * @node: the node, just taken off a work list of its owner
 * @cmds: filled with up to four BR_* commands, in order
 *
 * Compares what the owner holds with what the node needs. Changes
 * nothing: blite_node_cmds_sent_locked() records the commands as sent once
 * they reached the owner.
 *
 * Return: the number of commands in @cmds.
 */
int blite_node_cmds_locked(struct blite_node *node, u32 cmds[4])
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

/**
 * blite_node_cmds_sent_locked() - the owner got blite_node_cmds_locked()'s
 *                                 commands
 * @node: the node; freed if nobody needs it any more
 *
 * Until the owner confirms BR_INCREFS and BR_ACQUIRE, the driver holds a
 * count of its own, so the node cannot go before the owner holds it.
 */
void blite_node_cmds_sent_locked(struct blite_node *node)
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
 * blite_node_done_locked() - BC_INCREFS_DONE, BC_ACQUIRE_DONE
 * @proc:   the owner
 * @ptr:    the object, as in the BR_INCREFS or BR_ACQUIRE
 * @cookie: its cookie
 * @strong: BC_ACQUIRE_DONE, else BC_INCREFS_DONE
 *
 * Return: 0, or -EINVAL if no such request is outstanding.
 */
int blite_node_done_locked(struct blite_proc *proc, binderlite_uintptr_t ptr,
			   binderlite_uintptr_t cookie, bool strong)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = blite_get_node_locked(proc, ptr);

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
	blite_dec_node_locked(node, strong);
	return 0;
}

/* Frees the pending oneways of a node whose owner died. */
static void blite_node_drop_async_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_transaction *t, *tmp;
	LIST_HEAD(list);

	spin_lock(&node->proc->inner_lock);
	list_splice_init(&node->async_todo, &list);
	spin_unlock(&node->proc->inner_lock);
	list_for_each_entry_safe(t, tmp, &list, work.entry) {
		list_del_init(&t->work.entry);
		blite_transaction_drop_locked(t, BINDERLITE_BR_DEAD_REPLY, false);
	}
}

/**
 * blite_node_release_locked() - the owner of @node is going away
 * @node: the node; freed, or made a dead node if references remain
 *
 * Every holder that asked for a death notification gets BR_DEAD_BINDER.
 */
void blite_node_release_locked(struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = node->proc;
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	blite_node_drop_async_locked(node);
	spin_lock(&proc->inner_lock);
	list_del_init(&node->work.entry);
	rb_erase(&node->rb_node, &proc->nodes);
	spin_unlock(&proc->inner_lock);
	node->proc = NULL;
	node->local_strong_refs = 0;
	node->local_weak_refs = 0;

	if (hlist_empty(&node->refs) && !node->tmp_refs) {
		kfree(node);
		blite_live_dec(BLITE_LIVE_NODES);
		return;
	}
	list_add_tail(&node->dead_entry, &blite_dead_nodes);
	hlist_for_each_entry(ref, &node->refs, node_entry) {
		if (!ref->death)
			continue;
		spin_lock(&ref->proc->inner_lock);
		if (list_empty(&ref->death->work.entry)) {
			ref->death->work.type = BLITE_WORK_DEAD_BINDER;
			blite_enqueue_proc_work_ilocked(ref->proc, &ref->death->work);
		}
		spin_unlock(&ref->proc->inner_lock);
	}
}

static int blite_ref_desc_cmp(const void *key, const struct rb_node *n)
{
	u32 desc = *(const u32 *)key;
	u32 cur = rb_entry(n, struct blite_ref, rb_desc)->desc;

	return desc < cur ? -1 : desc > cur;
}

static bool blite_ref_desc_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct blite_ref, rb_desc)->desc <
	       rb_entry(b, struct blite_ref, rb_desc)->desc;
}

static int blite_ref_node_cmp(const void *key, const struct rb_node *n)
{
	const struct blite_node *node = key;
	const struct blite_node *cur = rb_entry(n, struct blite_ref, rb_node)->node;

	return node < cur ? -1 : node > cur;
}

static bool blite_ref_node_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct blite_ref, rb_node)->node <
	       rb_entry(b, struct blite_ref, rb_node)->node;
}

/**
 * blite_get_ref_locked() - look up a handle of a process
 * @proc:        the holder
 * @desc:        the handle
 * @need_strong: only a reference with a strong count will do
 *
 * Return: the reference, or NULL.
 */
struct blite_ref *blite_get_ref_locked(struct blite_proc *proc, u32 desc,
				       bool need_strong)
	__must_hold(&blite_graph_lock)
{
	struct blite_ref *ref;
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	n = rb_find(&desc, &proc->refs_by_desc, blite_ref_desc_cmp);
	if (!n)
		return NULL;
	ref = rb_entry(n, struct blite_ref, rb_desc);
	if (need_strong && !ref->strong)
		return NULL;
	return ref;
}

/* Unlinks and frees @ref and its death notification, whatever its counts. */
static void blite_ref_free_locked(struct blite_ref *ref)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = ref->node;
	struct blite_proc *proc = ref->proc;

	spin_lock(&proc->inner_lock);
	rb_erase(&ref->rb_desc, &proc->refs_by_desc);
	rb_erase(&ref->rb_node, &proc->refs_by_node);
	if (ref->death)
		list_del_init(&ref->death->work.entry);
	if (ref->freeze)
		list_del_init(&ref->freeze->work.entry);
	spin_unlock(&proc->inner_lock);

	hlist_del(&ref->node_entry);
	if (ref->strong)
		node->internal_strong_refs--;
	blite_node_released_locked(node);
	if (ref->death)
		blite_live_dec(BLITE_LIVE_DEATHS);
	kfree(ref->death);
	if (ref->freeze)
		blite_freeze_free(ref->freeze);
	kfree(ref);
	blite_live_dec(BLITE_LIVE_REFS);
}

/* Takes a count on @ref, and on its node when the kind goes from 0 to 1. */
static int blite_inc_ref_locked(struct blite_ref *ref, bool strong,
				struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	int ret;

	if (strong) {
		if (!ref->strong) {
			ret = blite_inc_node_locked(ref->node, true, true, thread);
			if (ret)
				return ret;
		}
		ref->strong++;
	} else {
		if (!ref->weak) {
			ret = blite_inc_node_locked(ref->node, false, true, thread);
			if (ret)
				return ret;
		}
		ref->weak++;
	}
	return 0;
}

/**
 * blite_dec_ref_locked() - drop a count of a reference
 * @ref:    the reference; freed when both counts reach 0
 * @strong: the kind of count
 *
 * Return: 0, or -EINVAL if the count is 0 already.
 */
int blite_dec_ref_locked(struct blite_ref *ref, bool strong)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (strong) {
		if (!ref->strong)
			return -EINVAL;
		if (!--ref->strong) {
			ref->node->internal_strong_refs--;
			blite_node_released_locked(ref->node);
		}
	} else {
		if (!ref->weak)
			return -EINVAL;
		ref->weak--;
	}
	if (!ref->strong && !ref->weak)
		blite_ref_free_locked(ref);
	return 0;
}

/* The lowest handle @proc does not use, from 0 for the manager, else 1. */
static u32 blite_new_desc_locked(struct blite_proc *proc, struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	u32 desc = node == proc->context->mgr_node ? 0 : 1;
	struct rb_node *n;

	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		u32 cur = rb_entry(n, struct blite_ref, rb_desc)->desc;

		if (cur > desc)
			break;
		if (cur == desc)
			desc++;
	}
	return desc;
}

/**
 * blite_inc_ref_for_node_locked() - take a count on @proc's reference to
 *                                   @node, creating the reference
 * @proc:   the holder
 * @node:   the node, not owned by @proc
 * @strong: a strong count, else a weak one
 * @thread: see blite_inc_node_locked()
 * @desc:   the reference's handle
 *
 * Return: 0, -ENOMEM, or -EINVAL from blite_inc_node_locked().
 */
int blite_inc_ref_for_node_locked(struct blite_proc *proc, struct blite_node *node,
				  bool strong, struct blite_thread *thread, u32 *desc)
	__must_hold(&blite_graph_lock)
{
	struct blite_ref *ref;
	struct rb_node *n;
	int ret;

	lockdep_assert_held(&blite_graph_lock);
	n = rb_find(node, &proc->refs_by_node, blite_ref_node_cmp);
	if (n) {
		ref = rb_entry(n, struct blite_ref, rb_node);
	} else {
		ref = kzalloc(sizeof(*ref), GFP_KERNEL);
		if (!ref)
			return -ENOMEM;
		ref->proc = proc;
		ref->node = node;
		ref->desc = blite_new_desc_locked(proc, node);
		spin_lock(&proc->inner_lock);
		rb_add(&ref->rb_desc, &proc->refs_by_desc, blite_ref_desc_less);
		rb_add(&ref->rb_node, &proc->refs_by_node, blite_ref_node_less);
		spin_unlock(&proc->inner_lock);
		hlist_add_head(&ref->node_entry, &node->refs);
		blite_live_inc(BLITE_LIVE_REFS);
	}
	ret = blite_inc_ref_locked(ref, strong, thread);
	if (ret) {
		if (!ref->strong && !ref->weak)
			blite_ref_free_locked(ref);
		return ret;
	}
	*desc = ref->desc;
	return 0;
}

/**
 * blite_update_ref_locked() - BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS
 * @proc:      the holder
 * @desc:      the handle
 * @increment: take a count, else drop one
 * @strong:    the kind of count
 *
 * Taking a count on handle 0 creates the reference to the context manager.
 *
 * Return: 0, or -EINVAL for a bad handle or count, -ELOOP if the context
 * manager tries to take handle 0 (itself), -ENOMEM.
 */
int blite_update_ref_locked(struct blite_proc *proc, u32 desc, bool increment,
			    bool strong)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *mgr = proc->context->mgr_node;
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	if (increment && desc == 0 && mgr) {
		if (mgr->proc == proc)
			return -ELOOP;
		return blite_inc_ref_for_node_locked(proc, mgr, strong, NULL, &desc);
	}
	ref = blite_get_ref_locked(proc, desc, strong);
	if (!ref)
		return -EINVAL;
	if (increment)
		return blite_inc_ref_locked(ref, strong, NULL);
	return blite_dec_ref_locked(ref, strong);
}

/**
 * blite_request_death_locked() - BC_REQUEST_DEATH_NOTIFICATION
 * @proc:   the holder
 * @desc:   the handle to watch
 * @cookie: echoed back in BR_DEAD_BINDER
 *
 * If the node is dead already, BR_DEAD_BINDER is queued at once.
 *
 * Return: 0, -EINVAL for a bad handle, -EEXIST if one was asked for
 * already, -ENOMEM.
 */
int blite_request_death_locked(struct blite_proc *proc, u32 desc,
			       binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_death *death;
	struct blite_ref *ref;

	ref = blite_get_ref_locked(proc, desc, false);
	if (!ref)
		return -EINVAL;
	if (ref->death)
		return -EEXIST;
	death = kzalloc(sizeof(*death), GFP_KERNEL);
	if (!death)
		return -ENOMEM;
	INIT_LIST_HEAD(&death->work.entry);
	death->cookie = cookie;
	ref->death = death;
	blite_live_inc(BLITE_LIVE_DEATHS);

	if (!ref->node->proc) {
		spin_lock(&proc->inner_lock);
		death->work.type = BLITE_WORK_DEAD_BINDER;
		blite_enqueue_proc_work_ilocked(proc, &death->work);
		spin_unlock(&proc->inner_lock);
	}
	return 0;
}

/* Queues a death work for a looper @thread itself, else for the process. */
static void blite_queue_death_ilocked(struct blite_thread *thread,
				      struct blite_death *death)
	__must_hold(&thread->proc->inner_lock)
{
	if (thread->looper & (BLITE_LOOPER_REGISTERED | BLITE_LOOPER_ENTERED))
		blite_enqueue_thread_work_ilocked(thread, &death->work);
	else
		blite_enqueue_proc_work_ilocked(thread->proc, &death->work);
}

/**
 * blite_clear_death_locked() - BC_CLEAR_DEATH_NOTIFICATION
 * @thread: the calling thread
 * @desc:   the handle watched
 * @cookie: the cookie it was asked with
 *
 * BR_CLEAR_DEATH_NOTIFICATION_DONE follows; if BR_DEAD_BINDER is on its
 * way or awaits BC_DEAD_BINDER_DONE, it follows that.
 *
 * Return: 0, or -EINVAL if no such notification was asked for.
 */
int blite_clear_death_locked(struct blite_thread *thread, u32 desc,
			     binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_death *death;
	struct blite_ref *ref;

	ref = blite_get_ref_locked(proc, desc, false);
	if (!ref || !ref->death || ref->death->cookie != cookie)
		return -EINVAL;
	death = ref->death;
	ref->death = NULL;

	spin_lock(&proc->inner_lock);
	if (list_empty(&death->work.entry)) {
		death->work.type = BLITE_WORK_CLEAR_DEATH_NOTIFICATION;
		blite_queue_death_ilocked(thread, death);
	} else {
		death->work.type = BLITE_WORK_DEAD_BINDER_AND_CLEAR;
	}
	spin_unlock(&proc->inner_lock);
	return 0;
}

/**
 * blite_dead_binder_done_locked() - BC_DEAD_BINDER_DONE
 * @thread: the calling thread
 * @cookie: the cookie of the BR_DEAD_BINDER handled
 *
 * Return: 0, or -EINVAL if no BR_DEAD_BINDER with @cookie is outstanding.
 */
int blite_dead_binder_done_locked(struct blite_thread *thread,
				  binderlite_uintptr_t cookie)
	__must_hold(&blite_graph_lock)
{
	struct blite_proc *proc = thread->proc;
	struct blite_death *death;
	int ret = -EINVAL;

	spin_lock(&proc->inner_lock);
	list_for_each_entry(death, &proc->delivered_death, work.entry) {
		if (death->cookie != cookie)
			continue;
		list_del_init(&death->work.entry);
		if (death->work.type == BLITE_WORK_DEAD_BINDER_AND_CLEAR) {
			death->work.type = BLITE_WORK_CLEAR_DEATH_NOTIFICATION;
			blite_queue_death_ilocked(thread, death);
		}
		ret = 0;
		break;
	}
	spin_unlock(&proc->inner_lock);
	return ret;
}

/**
 * blite_ioctl_set_context_mgr() - BINDERLITE_SET_CONTEXT_MGR(_EXT)
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
int blite_ioctl_set_context_mgr(struct blite_proc *proc,
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
	node = blite_get_node_locked(proc, fbo->binder);
	if (!node)
		node = blite_new_node_locked(proc, fbo);
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
 * blite_proc_release_objects_locked() - free the nodes and references of
 *                                       a released file
 * @proc: the file's state, marked dead
 */
void blite_proc_release_objects_locked(struct blite_proc *proc)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	if (proc->context->mgr_node && proc->context->mgr_node->proc == proc)
		proc->context->mgr_node = NULL;
	while ((n = rb_first(&proc->nodes)))
		blite_node_release_locked(rb_entry(n, struct blite_node, rb_node));
	while ((n = rb_first(&proc->refs_by_desc)))
		blite_ref_free_locked(rb_entry(n, struct blite_ref, rb_desc));
}

/**
 * blite_ioctl_get_node_debug_info() - BINDERLITE_GET_NODE_DEBUG_INFO
 * @proc: the calling file
 * @ubuf: the user's &struct binderlite_node_debug_info
 *
 * Reports the caller's first node whose address is above the one given,
 * or zeros if there is none, so that a loop walks every node.
 *
 * Return: 0 or -EFAULT.
 */
int blite_ioctl_get_node_debug_info(struct blite_proc *proc, void __user *ubuf)
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

/**
 * blite_ioctl_get_node_info_for_ref() - BINDERLITE_GET_NODE_INFO_FOR_REF
 * @proc: the calling file, which must be its context's manager
 * @ubuf: the user's &struct binderlite_node_info_for_ref
 *
 * Reports the counts of the node behind a strong handle of the manager, as
 * binder computes them: the strong references and holds, and the weak
 * holds of the driver.
 *
 * Return: 0; -EINVAL if a field other than the handle is set or the handle
 * is not a strong one; -EPERM if the caller is not the manager; -EFAULT.
 */
int blite_ioctl_get_node_info_for_ref(struct blite_proc *proc, void __user *ubuf)
{
	struct binderlite_node_info_for_ref info;
	struct blite_node *mgr, *node;
	struct blite_ref *ref;
	int ret = 0;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	if (info.strong_count || info.weak_count || info.reserved1 ||
	    info.reserved2 || info.reserved3)
		return -EINVAL;
	mutex_lock(&blite_graph_lock);
	mgr = proc->context->mgr_node;
	if (!mgr || mgr->proc != proc) {
		ret = -EPERM;
		goto out_unlock;
	}
	ref = blite_get_ref_locked(proc, info.handle, true);
	if (!ref) {
		ret = -EINVAL;
		goto out_unlock;
	}
	node = ref->node;
	info.strong_count = node->local_strong_refs + node->internal_strong_refs;
	info.weak_count = node->local_weak_refs;
out_unlock:
	mutex_unlock(&blite_graph_lock);
	if (!ret && copy_to_user(ubuf, &info, sizeof(info)))
		ret = -EFAULT;
	return ret;
}

/**
 * blite_proc_count_objects_locked() - nodes, references and death
 *                                     notifications of a process
 * @proc: the process
 * @st:   its @nodes, @refs and @deaths are filled in
 */
void blite_proc_count_objects_locked(struct blite_proc *proc,
				     struct blite_proc_stats *st)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	for (n = rb_first(&proc->nodes); n; n = rb_next(n))
		st->nodes++;
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		st->refs++;
		if (rb_entry(n, struct blite_ref, rb_desc)->death)
			st->deaths++;
	}
}
