// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite statistics: the counters debugfs ``stats`` shows, their names
 * and their printing, and the debug mask.
 *
 * Two kinds of counters: live objects (threads, nodes, references, ...),
 * incremented when one is created and decremented when it is freed, and
 * counters since load (transactions, failures by reason, bytes). Both are
 * per-CPU: counting takes no lock and shares no cache line between CPUs,
 * and only reading them sums every CPU's share (a live counter's share on
 * one CPU may be negative: an object freed on another CPU than the one that
 * made it). Tests and tools parse the names;
 * Documentation/protocol.rst lists them, and they change only compatibly.
 */

#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "binderlite_pool.h"
#include "binderlite_stats.h"

/* The ``debug_mask`` module parameter (binderlite_main.c). */
unsigned int blite_debug_mask;

/**
 * struct blite_counters - one CPU's share of every counter
 * @stats: counters since load, by &enum blite_stat
 * @live:  live objects, by &enum blite_live
 */
struct blite_counters {
	u64 stats[BLITE_STAT_NR];
	long live[BLITE_LIVE_NR];
};

static DEFINE_PER_CPU(struct blite_counters, blite_counters);

/* The names debugfs prints; tests and tools parse them. */
static const char *const blite_stat_names[BLITE_STAT_NR] = {
	[BLITE_STAT_TRANSACTIONS]	= "transactions",
	[BLITE_STAT_ONEWAYS]		= "oneways",
	[BLITE_STAT_REPLIES]		= "replies",
	[BLITE_STAT_FAILED]		= "failed",
	[BLITE_STAT_BYTES_SENT]		= "bytes_sent",
	[BLITE_STAT_BYTES_COPIED]	= "bytes_copied",
	[BLITE_STAT_FAILED_DEAD]	= "failed_dead",
	[BLITE_STAT_FAILED_HANDLE]	= "failed_bad_handle",
	[BLITE_STAT_FAILED_PROTO]	= "failed_protocol",
	[BLITE_STAT_FAILED_SPACE]	= "failed_no_space",
	[BLITE_STAT_FAILED_FAULT]	= "failed_fault",
	[BLITE_STAT_FAILED_OFFSETS]	= "failed_bad_offsets",
	[BLITE_STAT_FAILED_OBJECT]	= "failed_bad_object",
	[BLITE_STAT_FAILED_UNSUPPORTED]	= "failed_unsupported",
	[BLITE_STAT_FAILED_NOMEM]	= "failed_no_memory",
	[BLITE_STAT_FAILED_FROZEN]	= "failed_frozen",
	[BLITE_STAT_FAILED_FD]		= "failed_bad_fd",
	[BLITE_STAT_FAILED_SECURITY]	= "failed_security",
};

static const char *const blite_live_names[BLITE_LIVE_NR] = {
	[BLITE_LIVE_THREADS]		= "threads",
	[BLITE_LIVE_NODES]		= "nodes",
	[BLITE_LIVE_REFS]		= "refs",
	[BLITE_LIVE_DEATHS]		= "deaths",
	[BLITE_LIVE_TRANSACTIONS]	= "transactions_live",
	[BLITE_LIVE_FREEZES]		= "freezes",
	[BLITE_LIVE_FILES]		= "files_in_flight",
};

/**
 * blite_stats_add() - add to a counter since load
 * @stat:  the counter
 * @count: how much
 */
void blite_stats_add(enum blite_stat stat, u64 count)
{
	this_cpu_add(blite_counters.stats[stat], count);
}

/**
 * blite_stats_live_inc() - one more object of a kind is alive
 * @live: the kind
 */
void blite_stats_live_inc(enum blite_live live)
{
	this_cpu_inc(blite_counters.live[live]);
}

/**
 * blite_stats_live_dec() - one object of a kind is gone
 * @live: the kind
 */
void blite_stats_live_dec(enum blite_live live)
{
	this_cpu_dec(blite_counters.live[live]);
}

/**
 * blite_stats_show() - print debugfs ``stats``
 * @m:       the seq_file
 * @procs:   open files of every context, counted by the caller
 * @buffers: in-use buffers of every pool, counted by the caller
 *
 * "name value" lines: the open files, the live objects, the buffers, the
 * counters since load, then the page totals of every pool.
 */
void blite_stats_show(struct seq_file *m, unsigned int procs, unsigned int buffers)
{
	struct blite_pool_totals totals;
	struct blite_counters *c;
	u64 stat;
	long live;
	int i, cpu;

	blite_pool_get_totals(&totals);
	seq_printf(m, "procs %u\n", procs);
	for (i = 0; i < BLITE_LIVE_NR; i++) {
		live = 0;
		for_each_possible_cpu(cpu) {
			c = per_cpu_ptr(&blite_counters, cpu);
			live += READ_ONCE(c->live[i]);
		}
		seq_printf(m, "%s %ld\n", blite_live_names[i], live);
	}
	seq_printf(m, "buffers %u\n", buffers);
	for (i = 0; i < BLITE_STAT_NR; i++) {
		stat = 0;
		for_each_possible_cpu(cpu) {
			c = per_cpu_ptr(&blite_counters, cpu);
			stat += READ_ONCE(c->stats[i]);
		}
		seq_printf(m, "%s %llu\n", blite_stat_names[i], stat);
	}
	seq_printf(m, "pages_resident %ld\n", totals.pages_resident);
	seq_printf(m, "pages_lru %lu\n", totals.pages_lru);
	seq_printf(m, "pages_reclaimed %lu\n", totals.pages_reclaimed);
}
