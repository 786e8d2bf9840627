/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite references: a process's handles to other processes' nodes.
 * Its nouns: ref.
 */
#ifndef _BINDERLITE_REF_H
#define _BINDERLITE_REF_H

#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include "binderlite_node.h"

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
 *              (binderlite_death.c)
 * @freeze:     the freeze notification asked for, if any
 *              (binderlite_freeze.c)
 *
 * Exists while @strong or @weak is non-zero; its notifications go with it.
 * Protected by blite_graph_lock.
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

struct blite_ref *blite_ref_find_locked(struct blite_proc *proc, u32 desc,
					bool need_strong);
int blite_ref_inc_for_node_locked(struct blite_proc *proc, struct blite_node *node,
				  bool strong, struct blite_thread *thread, u32 *desc);
int blite_ref_dec_locked(struct blite_ref *ref, bool strong);
int blite_ref_update_locked(struct blite_proc *proc, u32 desc, bool increment,
			    bool strong);
void blite_ref_release_all_locked(struct blite_proc *proc);
void blite_ref_add_stats_locked(struct blite_proc *proc, struct blite_proc_stats *st);
int blite_ref_ioctl_get_node_info(struct blite_proc *proc, void __user *ubuf);

#endif /* _BINDERLITE_REF_H */
