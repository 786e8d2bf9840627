// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite references: a process's handles to other processes' nodes.
 *
 * A reference is named by a handle, a small number private to its holder:
 * handle 0 is the context manager's node, the others are handed out
 * lowest-free-first. It has a strong and a weak count and exists while
 * either is non-zero; the node counts its references (binderlite_node.c).
 * Death and freeze notifications hang off a reference and go with it.
 *
 * Everything here runs under blite_graph_lock; the holder's trees are
 * changed with its inner lock held as well (the lock table is in
 * binderlite.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/lockdep.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binderlite_context.h"
#include "binderlite_ref.h"
#include "binderlite_stats.h"

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
 * blite_ref_find_locked() - look up a handle of a process
 * @proc:        the holder
 * @desc:        the handle
 * @need_strong: only a reference with a strong count will do
 *
 * Return: the reference, or NULL.
 */
struct blite_ref *blite_ref_find_locked(struct blite_proc *proc, u32 desc,
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

/* Unlinks and frees @ref and its notifications, whatever its counts. */
static void blite_ref_free_locked(struct blite_ref *ref)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *node = ref->node;
	struct blite_proc *proc = ref->proc;

	lockdep_assert_held(&blite_graph_lock);
	spin_lock(&proc->inner_lock);
	rb_erase(&ref->rb_desc, &proc->refs_by_desc);
	rb_erase(&ref->rb_node, &proc->refs_by_node);
	proc->nr_refs--;
	if (ref->death)
		list_del_init(&ref->death->work.entry);
	if (ref->freeze)
		list_del_init(&ref->freeze->work.entry);
	spin_unlock(&proc->inner_lock);

	hlist_del(&ref->node_entry);
	if (ref->strong)
		node->internal_strong_refs--;
	blite_node_count_dropped_locked(node);
	if (ref->death)
		blite_work_free(&ref->death->work);
	if (ref->freeze)
		blite_work_free(&ref->freeze->work);
	kfree(ref);
	blite_stats_live_dec(BLITE_LIVE_REFS);
}

/* Takes a count on @ref, and on its node when the kind goes from 0 to 1. */
static int blite_ref_inc_locked(struct blite_ref *ref, bool strong,
				struct blite_thread *thread)
	__must_hold(&blite_graph_lock)
{
	int ret;

	lockdep_assert_held(&blite_graph_lock);
	if (strong) {
		if (!ref->strong) {
			ret = blite_node_inc_locked(ref->node, true, true, thread);
			if (ret)
				return ret;
		}
		ref->strong++;
	} else {
		if (!ref->weak) {
			ret = blite_node_inc_locked(ref->node, false, true, thread);
			if (ret)
				return ret;
		}
		ref->weak++;
	}
	return 0;
}

/**
 * blite_ref_dec_locked() - drop a count of a reference
 * @ref:    the reference; freed when both counts reach 0
 * @strong: the kind of count
 *
 * Return: 0, or -EINVAL if the count is 0 already.
 */
int blite_ref_dec_locked(struct blite_ref *ref, bool strong)
	__must_hold(&blite_graph_lock)
{
	lockdep_assert_held(&blite_graph_lock);
	if (strong) {
		if (!ref->strong)
			return -EINVAL;
		if (!--ref->strong) {
			ref->node->internal_strong_refs--;
			blite_node_count_dropped_locked(ref->node);
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

/*
 * The lowest handle @proc does not use, from 0 for the manager, else 1, as
 * in binder. When handles 1 to the highest are all in use, which is how
 * handles grow, that is the highest plus one, found in O(log n); only a
 * process with holes in its handles walks them.
 */
static u32 blite_ref_new_desc_locked(struct blite_proc *proc, struct blite_node *node)
	__must_hold(&blite_graph_lock)
{
	u32 desc = node == proc->context->mgr_node ? 0 : 1;
	struct rb_node *n;
	u32 last, above_zero;

	lockdep_assert_held(&blite_graph_lock);
	n = rb_last(&proc->refs_by_desc);
	if (!n)
		return desc;
	last = rb_entry(n, struct blite_ref, rb_desc)->desc;
	above_zero = proc->nr_refs;
	if (!rb_entry(rb_first(&proc->refs_by_desc), struct blite_ref, rb_desc)->desc)
		above_zero--;
	if (desc == 1 && last == above_zero)
		return last + 1;
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
 * blite_ref_inc_for_node_locked() - take a count on @proc's reference to
 *                                   @node, creating the reference
 * @proc:   the holder
 * @node:   the node, not owned by @proc
 * @strong: a strong count, else a weak one
 * @thread: see blite_node_inc_locked()
 * @desc:   the reference's handle
 *
 * Injectable (ALLOW_ERROR_INJECTION, ERRNO): fail_function can make it fail
 * as if memory ran out. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: 0, -ENOMEM, or -EINVAL from blite_node_inc_locked().
 */
noinline __noclone int
blite_ref_inc_for_node_locked(struct blite_proc *proc, struct blite_node *node,
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
		ref->desc = blite_ref_new_desc_locked(proc, node);
		spin_lock(&proc->inner_lock);
		rb_add(&ref->rb_desc, &proc->refs_by_desc, blite_ref_desc_less);
		rb_add(&ref->rb_node, &proc->refs_by_node, blite_ref_node_less);
		proc->nr_refs++;
		spin_unlock(&proc->inner_lock);
		hlist_add_head(&ref->node_entry, &node->refs);
		blite_stats_live_inc(BLITE_LIVE_REFS);
	}
	ret = blite_ref_inc_locked(ref, strong, thread);
	if (ret) {
		if (!ref->strong && !ref->weak)
			blite_ref_free_locked(ref);
		return ret;
	}
	*desc = ref->desc;
	return 0;
}
ALLOW_ERROR_INJECTION(blite_ref_inc_for_node_locked, ERRNO);

/**
 * blite_ref_update_locked() - BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS
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
int blite_ref_update_locked(struct blite_proc *proc, u32 desc, bool increment,
			    bool strong)
	__must_hold(&blite_graph_lock)
{
	struct blite_node *mgr = proc->context->mgr_node;
	struct blite_ref *ref;

	lockdep_assert_held(&blite_graph_lock);
	if (increment && desc == 0 && mgr) {
		if (mgr->proc == proc)
			return -ELOOP;
		return blite_ref_inc_for_node_locked(proc, mgr, strong, NULL, &desc);
	}
	ref = blite_ref_find_locked(proc, desc, strong);
	if (!ref)
		return -EINVAL;
	if (increment)
		return blite_ref_inc_locked(ref, strong, NULL);
	return blite_ref_dec_locked(ref, strong);
}

/**
 * blite_ref_release_all_locked() - free the references of a released file
 * @proc: the file's state, marked dead
 *
 * Their notifications go with them.
 */
void blite_ref_release_all_locked(struct blite_proc *proc)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	while ((n = rb_first(&proc->refs_by_desc)))
		blite_ref_free_locked(rb_entry(n, struct blite_ref, rb_desc));
}

/**
 * blite_ref_add_stats_locked() - count a process's references and death
 *                                notifications
 * @proc: the process
 * @st:   its @refs and @deaths are filled in
 */
void blite_ref_add_stats_locked(struct blite_proc *proc, struct blite_proc_stats *st)
	__must_hold(&blite_graph_lock)
{
	struct rb_node *n;

	lockdep_assert_held(&blite_graph_lock);
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		st->refs++;
		if (rb_entry(n, struct blite_ref, rb_desc)->death)
			st->deaths++;
	}
}

/**
 * blite_ref_ioctl_get_node_info() - BINDERLITE_GET_NODE_INFO_FOR_REF
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
int blite_ref_ioctl_get_node_info(struct blite_proc *proc, void __user *ubuf)
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
	ref = blite_ref_find_locked(proc, info.handle, true);
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
