/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite contexts: the devices, each an independent binder context
 * with its own context manager. Its nouns: context.
 */
#ifndef _BINDERLITE_CONTEXT_H
#define _BINDERLITE_CONTEXT_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include <linux/binderlite.h>

struct blite_node;

/**
 * struct blite_context - a binder context: a device and its manager
 * @entry:    entry in blite_contexts, protected by blite_procs_lock
 * @kref:     the list of contexts holds one reference, each open file one
 * @miscdev:  the device, /dev/@name
 * @name:     the context's name
 * @runtime:  created through the control device; may be removed again
 * @removed:  being removed (or not registered yet): no new opens;
 *            protected by blite_procs_lock
 * @nr_procs: open files of the device; protected by blite_procs_lock
 * @mgr_node: the node behind handle 0, or NULL; protected by
 *            blite_graph_lock (binderlite_node.c sets it)
 * @mgr_uid:  the effective uid that first became the context manager; once
 *            set, only that uid may become manager again, as in binder;
 *            protected by blite_graph_lock
 */
struct blite_context {
	struct list_head entry;
	struct kref kref;
	struct miscdevice miscdev;
	char name[BINDERLITE_MAX_NAME + 1];
	bool runtime;
	bool removed;
	unsigned int nr_procs;
	struct blite_node *mgr_node;
	kuid_t mgr_uid;
};

/*
 * The lock of the lists of open files (blite_procs, binderlite_proc.c) and
 * of contexts (blite_contexts): defined here, the lower of its two users.
 */
extern struct mutex blite_procs_lock;
extern struct list_head blite_contexts;

int blite_context_init(const struct file_operations *fops);
void blite_context_exit(void);
struct blite_context *blite_context_open(struct file *filp);
void blite_context_close_plocked(struct blite_context *ctx);
void blite_context_put(struct blite_context *ctx);

#endif /* _BINDERLITE_CONTEXT_H */
