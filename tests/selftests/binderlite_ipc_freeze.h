/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kselftests of binder's newer protocol (nested calls and
 * deaths, freeze, contexts, and the small ioctls), on top of
 * binderlite_ipc_obj.h (which includes binderlite_ipc.h):
 *
 * - fz_next(), fz_expect(), fz_idle(): the return stream with every
 *   return of binder 6.12 (BR_FROZEN_REPLY, BR_TRANSACTION_PENDING_FROZEN,
 *   BR_ONEWAY_SPAM_SUSPECT, BR_FROZEN_BINDER, BR_TRANSACTION_SEC_CTX, ...),
 *   read through the same struct ipc_reader as ipc_next();
 * - fz_freeze(), fz_frozen_info(): BINDERLITE_FREEZE and _GET_FROZEN_INFO;
 * - fz_kernel_at_least(): the running kernel's version, for what binder
 *   gained late (BR_TRANSACTION_PENDING_FROZEN in 6.7, freeze
 *   notifications in 6.12);
 * - fz_shared(), fz_wait_int(): memory shared with children, and bounded
 *   waits on it;
 * - fz_stats_wait(), fz_table_string(): binderlite's debugfs.
 *
 * As in binderlite_ipc.h, functions return 0 or a negative errno unless
 * said otherwise, and children report through their exit status.
 */
#ifndef _BINDERLITE_IPC_FREEZE_H
#define _BINDERLITE_IPC_FREEZE_H

#include <poll.h>
#include <stddef.h>
#include <sys/utsname.h>

#include "binderlite_ipc_obj.h"

/**
 * struct fz_event - one return from the driver, BR_NOOP excepted
 * @cmd:    the BINDERLITE_BR_* code
 * @txn:    BR_TRANSACTION, BR_REPLY
 * @sec:    BR_TRANSACTION_SEC_CTX (its @sec.transaction_data is @txn)
 * @ref:    BR_INCREFS, BR_ACQUIRE, BR_RELEASE, BR_DECREFS
 * @cookie: BR_DEAD_BINDER, BR_CLEAR_DEATH_NOTIFICATION_DONE,
 *          BR_CLEAR_FREEZE_NOTIFICATION_DONE
 * @frozen: BR_FROZEN_BINDER
 * @error:  BR_ERROR
 *
 * The other returns carry nothing.
 */
struct fz_event {
	uint32_t cmd;
	union {
		struct binderlite_transaction_data txn;
		struct binderlite_transaction_data_secctx sec;
		struct binderlite_ptr_cookie ref;
		binderlite_uintptr_t cookie;
		struct binderlite_frozen_state_info frozen;
		int32_t error;
	};
};

/**
 * fz_return_size() - the size of what follows a return code of binder 6.12
 * @cmd: the code
 *
 * Returns the size, or -1 for a code binder 6.12 never sends.
 */
static inline int fz_return_size(uint32_t cmd)
{
	switch (cmd) {
	case BINDERLITE_BR_TRANSACTION_SEC_CTX:
		return sizeof(struct binderlite_transaction_data_secctx);
	case BINDERLITE_BR_FROZEN_REPLY:
	case BINDERLITE_BR_ONEWAY_SPAM_SUSPECT:
	case BINDERLITE_BR_TRANSACTION_PENDING_FROZEN:
		return 0;
	case BINDERLITE_BR_FROZEN_BINDER:
		return sizeof(struct binderlite_frozen_state_info);
	case BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE:
		return sizeof(binderlite_uintptr_t);
	}
	return ipc_return_size(cmd);
}

/**
 * fz_next() - the next event, reading (and blocking) when none is buffered
 * @r:  the reader; it may be used by ipc_next() too, on the same thread
 * @ev: filled in; on -EPROTO, @ev->cmd is the code that could not be parsed
 *
 * As ipc_next(), knowing every return of binder 6.12. Skips BR_NOOP.
 * Returns 0, -errno of the ioctl (-EAGAIN on an O_NONBLOCK file with
 * nothing to read), -EPROTO, -ECANCELED or -ECHILD as ipc_next() does.
 */
static inline int fz_next(struct ipc_reader *r, struct fz_event *ev)
{
	for (;;) {
		struct binderlite_write_read bwr = {
			.read_size = sizeof(r->buf),
			.read_buffer = (uintptr_t)r->buf,
		};
		int ret, size;

		while (r->pos + sizeof(uint32_t) <= r->len) {
			memcpy(&ev->cmd, r->buf + r->pos, sizeof(ev->cmd));
			size = fz_return_size(ev->cmd);
			if (size < 0 || r->pos + sizeof(uint32_t) + size > r->len) {
				r->pos = r->len;
				return -EPROTO;
			}
			memcpy(&ev->txn, r->buf + r->pos + sizeof(uint32_t), size);
			r->pos += sizeof(uint32_t) + size;
			if (ev->cmd != BINDERLITE_BR_NOOP)
				return 0;
		}
		r->len = 0;
		r->pos = 0;
		if (r->stop && __atomic_load_n(r->stop, __ATOMIC_ACQUIRE))
			return -ECANCELED;
		if (ipc_watching && ipc_child_failed)
			return -ECHILD;
		ret = ipc_write_read(r->fd, &bwr);
		if (ret == -EINTR && ipc_watching)
			continue;
		if (ret)
			return ret;
		r->len = bwr.read_consumed;
	}
}

/**
 * fz_expect() - the next event, which must be @cmd
 * @r:   the reader
 * @cmd: the BINDERLITE_BR_* code expected
 * @ev:  filled in, also when it is another code
 *
 * Returns 0, an error of fz_next(), or -EBADMSG for another code.
 */
static inline int fz_expect(struct ipc_reader *r, uint32_t cmd, struct fz_event *ev)
{
	int ret = fz_next(r, ev);

	if (!ret && ev->cmd != cmd)
		ret = -EBADMSG;
	return ret;
}

/**
 * fz_buffered() - whether @r holds returns not parsed yet
 * @r: the reader
 */
static inline bool fz_buffered(const struct ipc_reader *r)
{
	return r->pos + sizeof(uint32_t) <= r->len;
}

/**
 * fz_next_within() - the next event, waiting at most @ms milliseconds
 * @r:  the reader
 * @ms: how long to wait for something to read
 * @ev: filled in
 *
 * Waits with poll(), so the file needs no O_NONBLOCK; a thread that has
 * nothing to read then returns from its read at once. Returns 0,
 * -ETIMEDOUT if nothing came, or an error of fz_next().
 */
static inline int fz_next_within(struct ipc_reader *r, int ms, struct fz_event *ev)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	int flags, ret;

	while (!fz_buffered(r)) {
		ret = poll(&pfd, 1, ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
		/* Something to read, or a flush: read without blocking. */
		flags = fcntl(r->fd, F_GETFL);
		if (flags < 0 || fcntl(r->fd, F_SETFL, flags | O_NONBLOCK))
			return -errno;
		ret = fz_next(r, ev);
		if (fcntl(r->fd, F_SETFL, flags) && (!ret || ret == -EAGAIN))
			return -errno;
		if (ret != -EAGAIN)
			return ret;
	}
	return fz_next(r, ev);
}

/**
 * fz_idle() - whether the thread of @r has nothing to read within @ms
 * @r:  the reader
 * @ms: how long to wait
 * @ev: the event found, if any (it is consumed)
 *
 * Returns 0 if nothing came, -EBADMSG if an event did (@ev), or another
 * error of fz_next_within().
 */
static inline int fz_idle(struct ipc_reader *r, int ms, struct fz_event *ev)
{
	int ret = fz_next_within(r, ms, ev);

	if (ret == -ETIMEDOUT)
		return 0;
	return ret ? ret : -EBADMSG;
}

/* Asserts that the thread of @_r has nothing to read within @_ms ms. */
#define FZ_ASSERT_IDLE(_r, _ms) do {						\
	struct fz_event __ev = { 0 };							\
											\
	ASSERT_EQ(0, fz_idle(_r, _ms, &__ev)) TH_LOG("pending: %#x", __ev.cmd);	\
} while (0)

/* Asserts that the next event of @_r is @_cmd, into @_ev. */
#define FZ_ASSERT_NEXT(_r, _cmd, _ev) do {						\
	int __ret = fz_next(_r, _ev);							\
											\
	ASSERT_EQ(0, __ret) TH_LOG("reading: %s", strerror(-__ret));		\
	ASSERT_EQ((uint32_t)(_cmd), (_ev)->cmd);					\
} while (0)

/*
 * Asserts that the next event of @_r is @_cmd (BR_DEAD_BINDER, a
 * BR_CLEAR_*_NOTIFICATION_DONE) with @_cookie.
 */
#define FZ_ASSERT_COOKIE(_r, _cmd, _cookie) do {					\
	struct fz_event __ev = { 0 };							\
											\
	FZ_ASSERT_NEXT(_r, _cmd, &__ev);						\
	ASSERT_EQ((binderlite_uintptr_t)(_cookie), __ev.cookie);			\
} while (0)

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
 * fz_shared() - zeroed memory shared with the children forked afterwards
 * @size: bytes
 *
 * Returns the memory, or MAP_FAILED.
 */
static inline void *fz_shared(size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

/**
 * fz_load() - read an int that another process writes
 * @p: where
 */
static inline int fz_load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/**
 * fz_store() - write an int that another process reads
 * @p:   where
 * @val: the value
 */
static inline void fz_store(int *p, int val)
{
	__atomic_store_n(p, val, __ATOMIC_SEQ_CST);
}

/**
 * fz_wait_int() - wait until *@p is at least @val
 * @p:          an int another process writes
 * @val:        the value awaited
 * @timeout_ms: how long at most
 *
 * Returns true if it came in time.
 */
static inline bool fz_wait_int(const int *p, int val, int timeout_ms)
{
	int i;

	for (i = 0; i < timeout_ms; i++) {
		if (fz_load(p) >= val)
			return true;
		ipc_sleep_ms(1);
	}
	return fz_load(p) >= val;
}

/**
 * fz_stats_wait() - wait until binderlite's stats show @key at @val
 * @key:        the stats key, e.g. "transactions_live"
 * @val:        the value awaited
 * @timeout_ms: how long at most
 * @last:       the last value read, -1 if the key could not be read
 *
 * Returns 0, -ETIMEDOUT, or -ENOENT if stats has no such key.
 */
static inline int fz_stats_wait(const char *key, long long val, int timeout_ms,
				long long *last)
{
	struct ipc_stats s;
	int i, ret = 0;

	*last = -1;
	for (i = 0; i <= timeout_ms / 10; i++) {
		if (i)
			ipc_sleep_ms(10);
		ret = ipc_stats_read(&s) ?: ipc_stats_get(&s, key, last);
		if (ret)
			return ret;
		if (*last == val)
			return 0;
	}
	return -ETIMEDOUT;
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
			ipc_sleep_ms(10);
		ret = fz_binder_active(kind, last);
		if (ret && ret != -ENOENT)
			return ret;
		if (*last == val)
			return 0;
	}
	return -ETIMEDOUT;
}

/**
 * fz_table_string() - one cell of a debugfs table, as text
 * @file:   a file under IPC_DEBUGFS with a header line of column names,
 *          e.g. "procs" or "contexts"
 * @row:    the first cell of the row (a pid, a name)
 * @column: the column's name in the header
 * @buf:    filled with the cell
 * @size:   room in @buf
 *
 * Returns 0, -ENOENT if there is no such row or column, or -errno of the
 * open(). With several rows of the same first cell, the first wins.
 */
static inline int fz_table_string(const char *file, const char *row, const char *column,
				  char *buf, size_t size)
{
	char path[128], line[512], *tok, *save;
	int col = -1, i, ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), IPC_DEBUGFS "/%s", file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fgets(line, sizeof(line), f)) {
		for (i = 0, tok = strtok_r(line, " \t\n", &save); tok;
		     i++, tok = strtok_r(NULL, " \t\n", &save)) {
			if (!strcmp(tok, column))
				col = i;
		}
	}
	while (col >= 0 && ret && fgets(line, sizeof(line), f)) {
		tok = strtok_r(line, " \t\n", &save);
		if (!tok || strcmp(tok, row))
			continue;
		for (i = 0; tok && i < col; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (tok) {
			snprintf(buf, size, "%s", tok);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/**
 * fz_mgr_ext() - become the context manager with a node of given flags
 * @fd:     the device
 * @ptr:    the node
 * @cookie: its cookie
 * @flags:  FLAT_BINDER_FLAG_* values: the priority bits, ACCEPTS_FDS,
 *          TXN_SECURITY_CTX
 *
 * Retries EBUSY for ~2 s, as ipc_mgr_ioctl() does.
 */
static inline int fz_mgr_ext(int fd, binderlite_uintptr_t ptr, binderlite_uintptr_t cookie,
			     uint32_t flags)
{
	struct flat_binderlite_object obj = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.flags = flags,
		.binder = ptr,
		.cookie = cookie,
	};

	return ipc_mgr_ioctl(fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &obj);
}

#endif /* _BINDERLITE_IPC_FREEZE_H */
