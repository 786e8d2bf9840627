/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite internal definitions shared by the driver's files.
 */
#ifndef _BINDERLITE_H
#define _BINDERLITE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/types.h>

#include "binderlite_pool.h"

struct pid;

/**
 * enum blite_debug_mask - classes of debug messages
 * @BLITE_DEBUG_OPEN_CLOSE: open and release of the device
 * @BLITE_DEBUG_IOCTL:      every ioctl and its result
 *
 * Bits of the ``debug_mask`` module parameter.
 */
enum blite_debug_mask {
	BLITE_DEBUG_OPEN_CLOSE	= 1U << 0,
	BLITE_DEBUG_IOCTL	= 1U << 1,
};

extern unsigned int blite_debug_mask;
extern struct list_head blite_procs;
extern struct mutex blite_procs_lock;

#define blite_debug(mask, fmt, ...)					\
	do {								\
		if (blite_debug_mask & (mask))				\
			pr_info_ratelimited(fmt, ##__VA_ARGS__);	\
	} while (0)

/**
 * struct blite_proc - state of one open file of /dev/binderlite
 * @procs_node: entry in the global list of open files,
 *              protected by blite_procs_lock
 * @tsk_pid:    thread-group leader of the process that opened the file;
 *              holds a reference
 * @pid:        its thread-group id, for messages and debugfs
 * @pool:       the receive pool, once the process mmap()s the file
 *
 * A process gets one &struct blite_proc per open(); it lives until the
 * last reference to the file is dropped.
 */
struct blite_proc {
	struct list_head procs_node;
	struct pid *tsk_pid;
	pid_t pid;
	struct blite_pool pool;
};

int blite_debugfs_init(void);
void blite_debugfs_exit(void);

#endif /* _BINDERLITE_H */
