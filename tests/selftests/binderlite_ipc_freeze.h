/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kselftests of binder's newer protocol (nested calls and
 * deaths, freeze, contexts, and the small ioctls), on top of
 * binderlite_ipc_obj.h (which includes binderlite_ipc.h, whose reader
 * knows every return of binder 6.12):
 *
 * - fz_freeze(), fz_frozen_info(): BINDERLITE_FREEZE and _GET_FROZEN_INFO;
 * - fz_serve_next(): the reads of a server that reads only while the test
 *   lets it;
 * - fz_kernel_at_least(): the running kernel's version, for what binder
 *   gained late (BR_TRANSACTION_PENDING_FROZEN in 6.7, freeze
 *   notifications in 6.12);
 * - fz_binder_active(), fz_binder_active_wait(): the reference binder's
 *   own debugfs stats.
 *
 * As in binderlite_ipc.h, functions return 0 or a negative errno unless
 * said otherwise, and children report through their exit status.
 */
#ifndef _BINDERLITE_IPC_FREEZE_H
#define _BINDERLITE_IPC_FREEZE_H

#include <sys/utsname.h>

#include "binderlite_ipc_obj.h"

/**
 * fz_freeze() - BINDERLITE_FREEZE
 * @fd:         any open file of the device
 * @pid:        the process to freeze or thaw
 * @enable:     1 to freeze, 0 to thaw
 * @timeout_ms: how long to wait for its transactions to drain
 */
static inline int fz_freeze(int fd, pid_t pid, bool enable, uint32_t timeout_ms)
{
	struct binderlite_freeze_info info = {
		.pid = pid, .enable = enable, .timeout_ms = timeout_ms,
	};

	return ioctl(fd, BINDERLITE_FREEZE, &info) ? -errno : 0;
}

/**
 * fz_frozen_info() - BINDERLITE_GET_FROZEN_INFO
 * @fd:   any open file of the device
 * @pid:  the process
 * @info: filled in
 */
static inline int fz_frozen_info(int fd, pid_t pid, struct binderlite_frozen_status_info *info)
{
	memset(info, 0, sizeof(*info));
	info->pid = pid;
	return ioctl(fd, BINDERLITE_GET_FROZEN_INFO, info) ? -errno : 0;
}

/**
 * fz_kernel_at_least() - whether the running kernel is @major.@minor or newer
 * @major: e.g. 6
 * @minor: e.g. 12
 *
 * For the binder variants: binder gained some returns late.
 */
static inline bool fz_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/**
 * fz_serve_next() - for a server that reads only while the test lets it:
 * the next event but BR_TRANSACTION_COMPLETE, new ones read only while
 * *@serve is set (what is buffered is returned anyway)
 * @r:      the server's reader
 * @serve:  set by the test, in ipc_shared() memory
 * @parked: if not NULL, set to 1 while the server waits for *@serve, and
 *          to 0 while it reads
 * @ev:     filled in
 *
 * Waits for as long as nothing comes. Returns 0, or an error of
 * ipc_next_timeout() other than -ETIMEDOUT.
 */
static inline int fz_serve_next(struct ipc_reader *r, const int *serve, int *parked,
				struct ipc_event *ev)
{
	int ret;

	for (;;) {
		if (!ipc_load(serve) && !ipc_buffered(r)) {
			if (parked)
				ipc_store(parked, 1);
			bl_sleep_ms(1);
			continue;
		}
		if (parked)
			ipc_store(parked, 0);
		ret = ipc_next_timeout(r, ev, 10);
		if (ret == -ETIMEDOUT ||
		    (!ret && ev->cmd == BINDERLITE_BR_TRANSACTION_COMPLETE))
			continue;
		return ret;
	}
}

#define FZ_BINDER_STATS		"/sys/kernel/debug/binder/stats"

/**
 * fz_binder_active() - how many objects of a kind binder has alive
 * @kind: one of binder's object kinds: "proc", "thread", "node", "ref",
 *        "death", "transaction", "transaction_complete", "freeze"
 * @val:  filled in
 *
 * Reads the global "KIND: active N total M" line of binder's debugfs
 * stats, a cross-check that the reference binder, too, is left with
 * nothing. Returns 0, -ENOENT if the line is not there (binder prints
 * nothing for a kind it never created: @val is then 0), or -errno of the
 * open().
 */
static inline int fz_binder_active(const char *kind, long long *val)
{
	char line[256], want[64];
	int ret = -ENOENT;
	size_t len;
	FILE *f;

	*val = 0;
	f = fopen(FZ_BINDER_STATS, "r");
	if (!f)
		return -errno;
	len = snprintf(want, sizeof(want), "%s: active ", kind);
	while (ret && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, len)) {
			*val = atoll(line + len);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/**
 * fz_binder_active_wait() - wait until binder has @val objects of @kind
 * @kind:       see fz_binder_active()
 * @val:        the count awaited
 * @timeout_ms: how long at most (binder releases dead processes from a
 *              workqueue)
 * @last:       the last count read
 *
 * Returns 0, -ETIMEDOUT, or -errno of the open().
 */
static inline int fz_binder_active_wait(const char *kind, long long val, int timeout_ms,
					long long *last)
{
	int i, ret;

	for (i = 0; i <= timeout_ms / 10; i++) {
		if (i)
			bl_sleep_ms(10);
		ret = fz_binder_active(kind, last);
		if (ret && ret != -ENOENT)
			return ret;
		if (*last == val)
			return 0;
	}
	return -ETIMEDOUT;
}

#endif /* _BINDERLITE_IPC_FREEZE_H */
