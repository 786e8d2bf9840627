/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite nodes: the objects of a process as the driver knows them,
 * their counts, and the context manager's node. Its nouns: node.
 */
#ifndef _BINDERLITE_NODE_H
#define _BINDERLITE_NODE_H

#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include <linux/binderlite.h>

#include "binderlite_proc.h"

/**
 * struct blite_node - a local object of a process, as the driver knows it
 * @rb_node:              node in &blite_proc.nodes, keyed by @ptr, while
 *                        the owner lives
 * @work:                 BLITE_WORK_NODE: tells the owner to take or drop
 *                        its own references (BR_INCREFS ... BR_DECREFS)
 * @proc:                 the owner; NULL once it died
 * @ptr:                  the object's address in its owner, as it names it
 * @cookie:               extra data the owner associates with it
 * @refs:                 the references other processes hold
 *                        (&blite_ref.node_entry)
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
 *                        (binderlite_txn.c)
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

struct blite_node *blite_node_find_locked(struct blite_proc *proc,
					  binderlite_uintptr_t ptr);
struct blite_node *blite_node_new_locked(struct blite_proc *proc,
					 const struct flat_binderlite_object *fbo);
int blite_node_inc_locked(struct blite_node *node, bool strong, bool internal,
			  struct blite_thread *thread);
void blite_node_dec_locked(struct blite_node *node, bool strong);
void blite_node_count_dropped_locked(struct blite_node *node);
int blite_node_deliver_locked(struct blite_node *node, void __user *ptr);
int blite_node_ack_locked(struct blite_proc *proc, binderlite_uintptr_t ptr,
			  binderlite_uintptr_t cookie, bool strong);
bool blite_node_kill_locked(struct blite_node *node);
void blite_node_forget_mgr_locked(struct blite_proc *proc);
void blite_node_add_stats_locked(struct blite_proc *proc, struct blite_proc_stats *st);
int blite_node_ioctl_set_context_mgr(struct blite_proc *proc,
				     const struct flat_binderlite_object *fbo);
int blite_node_ioctl_get_debug_info(struct blite_proc *proc, void __user *ubuf);

#endif /* _BINDERLITE_NODE_H */
