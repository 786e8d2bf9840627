/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite statistics: what the driver tells about itself, the counters
 * of debugfs ``stats`` and the debug messages of the debug_mask parameter.
 * Its nouns: stats.
 */
#ifndef _BINDERLITE_STATS_H
#define _BINDERLITE_STATS_H

#include <linux/printk.h>
#include <linux/types.h>

struct seq_file;

/**
 * enum blite_debug_mask - classes of debug messages
 * @BLITE_DEBUG_OPEN_CLOSE: open and release of the device
 * @BLITE_DEBUG_IOCTL:      every ioctl and its result
 * @BLITE_DEBUG_TRANSACTION: every failed transaction and why
 *
 * Bits of the ``debug_mask`` module parameter (binderlite_main.c).
 */
enum blite_debug_mask {
	BLITE_DEBUG_OPEN_CLOSE	= 1U << 0,
	BLITE_DEBUG_IOCTL	= 1U << 1,
	BLITE_DEBUG_TRANSACTION	= 1U << 2,
};

extern unsigned int blite_debug_mask;

#define blite_debug(mask, fmt, ...)					\
	do {								\
		if (blite_debug_mask & (mask))				\
			pr_info_ratelimited(fmt, ##__VA_ARGS__);	\
	} while (0)

/**
 * enum blite_stat - counters in debugfs ``stats``
 * @BLITE_STAT_TRANSACTIONS:  BC_TRANSACTIONs accepted, sync and oneway
 * @BLITE_STAT_ONEWAYS:       ... of which oneway
 * @BLITE_STAT_REPLIES:       BC_REPLYs accepted
 * @BLITE_STAT_FAILED:        calls and replies refused, whatever the reason
 * @BLITE_STAT_BYTES_SENT:    data and offsets bytes of everything accepted
 * @BLITE_STAT_BYTES_COPIED:  bytes copied from senders into pools
 * @BLITE_STAT_FAILED_DEAD:   the receiver (process, thread or node) died
 * @BLITE_STAT_FAILED_HANDLE: no such handle, or a weak one
 * @BLITE_STAT_FAILED_PROTO:  a reply without a call, a call while waiting
 * @BLITE_STAT_FAILED_SPACE:  no room in the receiver's pool (or its quota)
 * @BLITE_STAT_FAILED_FAULT:  the sender's memory could not be read
 * @BLITE_STAT_FAILED_OFFSETS: a bad offsets array
 * @BLITE_STAT_FAILED_OBJECT: a bad object
 * @BLITE_STAT_FAILED_UNSUPPORTED: something binder refuses too
 * @BLITE_STAT_FAILED_NOMEM:  the kernel ran out of memory
 * @BLITE_STAT_FAILED_FROZEN: a sync call to a frozen process
 * @BLITE_STAT_FAILED_FD:     a file descriptor that was bad, not accepted,
 *                            or could not be installed in the receiver
 * @BLITE_STAT_FAILED_SECURITY: the LSM refused, or gave no security context
 * @BLITE_STAT_NR:            number of counters
 */
enum blite_stat {
	BLITE_STAT_TRANSACTIONS,
	BLITE_STAT_ONEWAYS,
	BLITE_STAT_REPLIES,
	BLITE_STAT_FAILED,
	BLITE_STAT_BYTES_SENT,
	BLITE_STAT_BYTES_COPIED,
	BLITE_STAT_FAILED_DEAD,
	BLITE_STAT_FAILED_HANDLE,
	BLITE_STAT_FAILED_PROTO,
	BLITE_STAT_FAILED_SPACE,
	BLITE_STAT_FAILED_FAULT,
	BLITE_STAT_FAILED_OFFSETS,
	BLITE_STAT_FAILED_OBJECT,
	BLITE_STAT_FAILED_UNSUPPORTED,
	BLITE_STAT_FAILED_NOMEM,
	BLITE_STAT_FAILED_FROZEN,
	BLITE_STAT_FAILED_FD,
	BLITE_STAT_FAILED_SECURITY,
	BLITE_STAT_NR,
};

/**
 * enum blite_live - objects alive now, in debugfs ``stats``
 * @BLITE_LIVE_THREADS:      &struct blite_thread
 * @BLITE_LIVE_NODES:        &struct blite_node, dead ones included
 * @BLITE_LIVE_REFS:         &struct blite_ref
 * @BLITE_LIVE_DEATHS:       &struct blite_death
 * @BLITE_LIVE_TRANSACTIONS: &struct blite_transaction
 * @BLITE_LIVE_FREEZES:      &struct blite_freeze
 * @BLITE_LIVE_FILES:        files held by transactions not yet delivered
 * @BLITE_LIVE_NR:           number of counters
 */
enum blite_live {
	BLITE_LIVE_THREADS,
	BLITE_LIVE_NODES,
	BLITE_LIVE_REFS,
	BLITE_LIVE_DEATHS,
	BLITE_LIVE_TRANSACTIONS,
	BLITE_LIVE_FREEZES,
	BLITE_LIVE_FILES,
	BLITE_LIVE_NR,
};

void blite_stats_add(enum blite_stat stat, u64 count);
void blite_stats_live_inc(enum blite_live live);
void blite_stats_live_dec(enum blite_live live);
void blite_stats_show(struct seq_file *m, unsigned int procs, unsigned int buffers);

#endif /* _BINDERLITE_STATS_H */
