// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite debugfs: /sys/kernel/debug/binderlite/
 *
 *   pools    one line per open file: its pool's state
 *   procs    one line per open file: its threads, nodes, references,
 *            death notifications, buffers and queued work, whether it is
 *            frozen, and its context
 *   contexts one line per context: its name, open files and manager
 *   stats    "name value" lines: live objects, transaction counters,
 *            totals over every pool
 *   reclaim  write N: reclaim up to N unused resident pages now, as the
 *            shrinker would under memory pressure
 *
 * Tests and tools parse these files; their formats are documented in
 * Documentation/pool.rst and Documentation/protocol.rst and change only
 * compatibly.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "binderlite_context.h"
#include "binderlite_debugfs.h"
#include "binderlite_ref.h"
#include "binderlite_stats.h"

static struct dentry *blite_debugfs_root;

static int blite_debugfs_pools_show(struct seq_file *m, void *unused)
{
	struct blite_pool_stats st;
	struct blite_proc *proc;

	seq_puts(m, "pid size used free largest_free buffers free_blocks high_watermark async_free pages_used pages_resident pages_high\n");
	mutex_lock(&blite_procs_lock);
	list_for_each_entry(proc, &blite_procs, procs_node) {
		blite_pool_get_stats(&proc->pool, &st);
		seq_printf(m, "%d %zu %zu %zu %zu %u %u %zu %zu %lu %lu %lu\n",
			   proc->pid, st.alloc.size, st.alloc.bytes_used,
			   st.alloc.bytes_free, st.alloc.largest_free,
			   st.alloc.nr_used, st.alloc.nr_free,
			   st.alloc.high_watermark, st.alloc.free_async_space,
			   st.alloc.pages_used, st.pages_resident, st.pages_high);
	}
	mutex_unlock(&blite_procs_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blite_debugfs_pools);

/* What ``procs`` shows of one open file, as of one moment. */
static void blite_debugfs_proc_stats(struct blite_proc *proc, struct blite_proc_stats *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&blite_graph_lock);
	blite_node_add_stats_locked(proc, st);
	blite_ref_add_stats_locked(proc, st);
	blite_proc_add_stats(proc, st);
	mutex_unlock(&blite_graph_lock);
}

static int blite_debugfs_procs_show(struct seq_file *m, void *unused)
{
	struct blite_proc_stats st;
	struct blite_pool_stats pst;
	struct blite_proc *proc;

	seq_puts(m, "pid threads nodes refs deaths buffers todo frozen context\n");
	mutex_lock(&blite_procs_lock);
	list_for_each_entry(proc, &blite_procs, procs_node) {
		blite_debugfs_proc_stats(proc, &st);
		blite_pool_get_stats(&proc->pool, &pst);
		seq_printf(m, "%d %u %u %u %u %u %u %d %s\n", proc->pid, st.threads,
			   st.nodes, st.refs, st.deaths, pst.alloc.nr_used, st.todo,
			   st.frozen, proc->context->name);
	}
	mutex_unlock(&blite_procs_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blite_debugfs_procs);

static int blite_debugfs_contexts_show(struct seq_file *m, void *unused)
{
	struct blite_context *ctx;
	pid_t mgr;

	seq_puts(m, "name procs manager\n");
	mutex_lock(&blite_procs_lock);
	list_for_each_entry(ctx, &blite_contexts, entry) {
		if (ctx->removed)
			continue;
		mutex_lock(&blite_graph_lock);
		mgr = ctx->mgr_node && ctx->mgr_node->proc ? ctx->mgr_node->proc->pid : 0;
		mutex_unlock(&blite_graph_lock);
		seq_printf(m, "%s %u %d\n", ctx->name, ctx->nr_procs, mgr);
	}
	mutex_unlock(&blite_procs_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blite_debugfs_contexts);

static int blite_debugfs_stats_show(struct seq_file *m, void *unused)
{
	unsigned int procs = 0, buffers = 0;
	struct blite_pool_stats pst;
	struct blite_proc *proc;

	mutex_lock(&blite_procs_lock);
	list_for_each_entry(proc, &blite_procs, procs_node) {
		procs++;
		blite_pool_get_stats(&proc->pool, &pst);
		buffers += pst.alloc.nr_used;
	}
	mutex_unlock(&blite_procs_lock);
	blite_stats_show(m, procs, buffers);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blite_debugfs_stats);

static ssize_t blite_debugfs_reclaim_write(struct file *file, const char __user *ubuf,
					   size_t count, loff_t *ppos)
{
	unsigned long nr;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &nr);
	if (ret)
		return ret;
	blite_pool_reclaim(nr);
	return count;
}

static const struct file_operations blite_debugfs_reclaim_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = blite_debugfs_reclaim_write,
	.llseek = default_llseek,
};

/**
 * blite_debugfs_init() - create /sys/kernel/debug/binderlite/
 *
 * Return: 0; debugfs errors are not fatal to the driver.
 */
int blite_debugfs_init(void)
{
	blite_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("pools", 0444, blite_debugfs_root, NULL, &blite_debugfs_pools_fops);
	debugfs_create_file("procs", 0444, blite_debugfs_root, NULL, &blite_debugfs_procs_fops);
	debugfs_create_file("contexts", 0444, blite_debugfs_root, NULL,
			    &blite_debugfs_contexts_fops);
	debugfs_create_file("stats", 0444, blite_debugfs_root, NULL, &blite_debugfs_stats_fops);
	debugfs_create_file("reclaim", 0200, blite_debugfs_root, NULL, &blite_debugfs_reclaim_fops);
	return 0;
}

/**
 * blite_debugfs_exit() - remove /sys/kernel/debug/binderlite/
 */
void blite_debugfs_exit(void)
{
	debugfs_remove_recursive(blite_debugfs_root);
}
