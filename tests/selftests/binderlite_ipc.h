/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the IPC kselftests (transactions, references, deaths):
 *
 * - ipc_open() and ipc_close(): a device with a mapped receive pool;
 * - ipc_write_read(), ipc_write_at(), ipc_read_at(): one WRITE_READ;
 *   struct ipc_cmds: a command stream;
 * - ipc_send(), ipc_transact(), ipc_reply(), ipc_free_buffer(),
 *   ipc_cmd_txn_sg(): commands, scatter-gather ones included;
 * - ipc_return_size(): the size of each return's payload, from the UAPI;
 * - struct ipc_reader, ipc_next(), ipc_expect(), ipc_call(): the return
 *   stream parsed into events, every return of binder 6.12 included
 *   (BR_FROZEN_REPLY, BR_TRANSACTION_SEC_CTX, BR_FROZEN_BINDER, ...);
 *   ipc_next_timeout(), ipc_idle(), IPC_ASSERT_NEXT(), IPC_ASSERT_IDLE():
 *   bounded waits for it;
 * - ipc_mgr_ioctl(), ipc_become_mgr(), ipc_become_mgr_ext(): the context
 *   manager, waiting out a dead predecessor; ipc_mgr_ioctl_once(): without;
 * - ipc_obj_*(), ipc_ack_ref(), ipc_call_objs(): objects in payloads;
 * - ipc_extended_error(), ipc_flush(): the other per-thread ioctls;
 * - ipc_fork(), ipc_start(), ipc_start_with(), ipc_wait(),
 *   ipc_kill_children(): children that cannot outlive the test,
 *   IPC_CHECK() for their checks;
 * - ipc_shared(), ipc_load(), ipc_store(), ipc_wait_int(): memory shared
 *   with children, and bounded waits on it;
 * - ipc_fill(), ipc_check_fill(), ipc_hash(): payloads that check themselves;
 * - ipc_stats_*(), ipc_table_value(), ipc_table_string(): binderlite's
 *   debugfs; ipc_clean_keys, ipc_stats_clean(), ipc_expect_clean(): its
 *   stats show nothing left behind;
 * - ipc_fixture_open(), ipc_fixture_close(): a fixture's device.
 *
 * The devices, their fixture variants and the module are in
 * binderlite_selftest.h, included here.
 *
 * Functions return 0 or a negative errno unless said otherwise. Children
 * must never use the harness's ASSERT_*() (it would unwind into the
 * harness's own frames inside the child): they report through their exit
 * status, and IPC_CHECK() says which check failed.
 */
#ifndef _BINDERLITE_IPC_H
#define _BINDERLITE_IPC_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/binderlite.h>

#include "kselftest_harness.h"
#include "binderlite_selftest.h"

/* A receive pool size that binder (at most 4 MiB) and binderlite accept. */
#define IPC_POOL_SIZE		(1024 * 1024)
#define IPC_DEBUGFS		"/sys/kernel/debug/binderlite"

/**
 * struct ipc_dev - an open device and its receive pool
 * @fd:        the file, -1 when closed
 * @pool:      the read-only mapping of the pool, MAP_FAILED when none
 * @pool_size: its length
 */
struct ipc_dev {
	int fd;
	void *pool;
	size_t pool_size;
};

/**
 * ipc_open() - open a device, map its receive pool, check the version
 * @dev:       filled in; on failure it holds nothing open
 * @path:      the device, e.g. "/dev/binderlite" or "/dev/binder"
 * @pool_size: bytes of receive pool to map (PROT_READ, MAP_PRIVATE)
 *
 * Returns 0, -errno of the open(), mmap() or ioctl() that failed, or
 * -EPROTO if the device does not speak protocol 8.
 */
static inline int ipc_open(struct ipc_dev *dev, const char *path, size_t pool_size)
{
	int ret;

	dev->pool = MAP_FAILED;
	dev->pool_size = pool_size;
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;
	ret = bl_version(dev->fd);
	if (ret < 0)
		goto err;
	if (ret != BINDERLITE_CURRENT_PROTOCOL_VERSION) {
		ret = -EPROTO;
		goto err;
	}
	dev->pool = mmap(NULL, pool_size, PROT_READ, MAP_PRIVATE, dev->fd, 0);
	if (dev->pool == MAP_FAILED) {
		ret = -errno;
		goto err;
	}
	return 0;
err:
	close(dev->fd);
	dev->fd = -1;
	return ret;
}

/**
 * ipc_close() - unmap the pool and close the file; harmless if closed
 * @dev: the device
 *
 * Returns 0, or -errno of the munmap() or close() that failed.
 */
static inline int ipc_close(struct ipc_dev *dev)
{
	int ret = 0;

	if (dev->pool != MAP_FAILED && munmap(dev->pool, dev->pool_size))
		ret = -errno;
	dev->pool = MAP_FAILED;
	if (dev->fd >= 0 && close(dev->fd) && !ret)
		ret = -errno;
	dev->fd = -1;
	return ret;
}

/**
 * ipc_write_read() - one BINDERLITE_WRITE_READ
 * @fd:  the device
 * @bwr: in and out; the consumed counts are valid also on error
 */
static inline int ipc_write_read(int fd, struct binderlite_write_read *bwr)
{
	return ioctl(fd, BINDERLITE_WRITE_READ, bwr) ? -errno : 0;
}

/**
 * ipc_write_at() - one WRITE_READ that only writes
 * @fd:       the device
 * @buf:      the commands
 * @size:     the write_size: bytes of commands at @buf
 * @consumed: in, the write_consumed to start from; out, the driver's, also
 *            on error
 */
static inline int ipc_write_at(int fd, const void *buf, uint64_t size, uint64_t *consumed)
{
	struct binderlite_write_read bwr = {
		.write_size = size,
		.write_consumed = *consumed,
		.write_buffer = (uintptr_t)buf,
	};
	int ret = ipc_write_read(fd, &bwr);

	*consumed = bwr.write_consumed;
	return ret;
}

/**
 * ipc_read_at() - one WRITE_READ that only reads
 * @fd:       the device
 * @buf:      room for the returns
 * @size:     the read_size: bytes of room at @buf
 * @consumed: in, the read_consumed to start from; out, the driver's, also
 *            on error
 */
static inline int ipc_read_at(int fd, void *buf, uint64_t size, uint64_t *consumed)
{
	struct binderlite_write_read bwr = {
		.read_size = size,
		.read_consumed = *consumed,
		.read_buffer = (uintptr_t)buf,
	};
	int ret = ipc_write_read(fd, &bwr);

	*consumed = bwr.read_consumed;
	return ret;
}

/* Room for a few dozen commands, transactions included. */
#define IPC_CMDS_SIZE		1024

/**
 * struct ipc_cmds - a command stream under construction
 * @len:      bytes used
 * @overflow: a command did not fit; ipc_cmds_write() refuses the stream
 * @buf:      the commands
 */
struct ipc_cmds {
	size_t len;
	bool overflow;
	uint8_t buf[IPC_CMDS_SIZE];
};

/**
 * ipc_cmd() - append a command and its payload
 * @c:       the stream
 * @cmd:     a BINDERLITE_BC_* code
 * @payload: @size bytes to follow it, or NULL
 * @size:    its size
 */
static inline void ipc_cmd(struct ipc_cmds *c, uint32_t cmd, const void *payload, size_t size)
{
	if (c->len + sizeof(cmd) + size > sizeof(c->buf)) {
		c->overflow = true;
		return;
	}
	memcpy(c->buf + c->len, &cmd, sizeof(cmd));
	if (size)
		memcpy(c->buf + c->len + sizeof(cmd), payload, size);
	c->len += sizeof(cmd) + size;
}

/**
 * ipc_cmd_u64() - append a command with one 64-bit argument
 * @c:   the stream
 * @cmd: e.g. BINDERLITE_BC_FREE_BUFFER
 * @arg: the argument
 */
static inline void ipc_cmd_u64(struct ipc_cmds *c, uint32_t cmd, uint64_t arg)
{
	ipc_cmd(c, cmd, &arg, sizeof(arg));
}

/**
 * ipc_cmd_is_sg() - whether @cmd is BC_TRANSACTION_SG or BC_REPLY_SG
 * @cmd: a BINDERLITE_BC_* code
 */
static inline bool ipc_cmd_is_sg(uint32_t cmd)
{
	return cmd == BINDERLITE_BC_TRANSACTION_SG || cmd == BINDERLITE_BC_REPLY_SG;
}

/**
 * ipc_cmd_txn_sg() - append a transaction or reply, scatter-gather or not
 * @c:            the stream
 * @cmd:          BC_TRANSACTION, BC_REPLY, BC_TRANSACTION_SG or BC_REPLY_SG
 * @handle:       the target (ignored by the driver for a reply)
 * @code:         the method
 * @flags:        BINDERLITE_TF_* values
 * @data:         the payload, read by the driver when the stream is written
 * @data_size:    its size
 * @offsets:      the offsets of objects in @data, or NULL
 * @offsets_size: bytes of @offsets
 * @buffers_size: for the _SG commands, the room of the buffers; else unused
 *
 * The _SG commands are followed by struct binderlite_transaction_data_sg,
 * the others by its struct binderlite_transaction_data alone.
 */
static inline void ipc_cmd_txn_sg(struct ipc_cmds *c, uint32_t cmd, uint32_t handle,
				  uint32_t code, uint32_t flags, const void *data,
				  uint64_t data_size, const void *offsets, uint64_t offsets_size,
				  uint64_t buffers_size)
{
	struct binderlite_transaction_data_sg sg = {
		.transaction_data = {
			.target.handle = handle,
			.code = code,
			.flags = flags,
			.data_size = data_size,
			.offsets_size = offsets_size,
			.data.ptr.buffer = (uintptr_t)data,
			.data.ptr.offsets = (uintptr_t)offsets,
		},
		.buffers_size = buffers_size,
	};

	ipc_cmd(c, cmd, &sg, ipc_cmd_is_sg(cmd) ? sizeof(sg) : sizeof(sg.transaction_data));
}

/**
 * ipc_cmd_txn() - append a BC_TRANSACTION or BC_REPLY
 * @c:            the stream
 * @cmd:          BINDERLITE_BC_TRANSACTION or BINDERLITE_BC_REPLY
 * @handle:       the target (ignored by the driver for a reply)
 * @code:         the method
 * @flags:        BINDERLITE_TF_* values
 * @data:         the payload, read by the driver when the stream is written
 * @data_size:    its size
 * @offsets:      the offsets of objects in @data, or NULL
 * @offsets_size: bytes of @offsets
 */
static inline void ipc_cmd_txn(struct ipc_cmds *c, uint32_t cmd, uint32_t handle, uint32_t code,
			       uint32_t flags, const void *data, size_t data_size,
			       const binderlite_size_t *offsets, size_t offsets_size)
{
	ipc_cmd_txn_sg(c, cmd, handle, code, flags, data, data_size, offsets, offsets_size, 0);
}

/**
 * ipc_cmds_write() - write the whole stream in one WRITE_READ, then empty it
 * @fd: the device
 * @c:  the stream
 *
 * Returns 0, -ENOSPC if a command did not fit, -errno of the ioctl, or
 * -EPROTO if the driver consumed less than everything without an error.
 */
static inline int ipc_cmds_write(int fd, struct ipc_cmds *c)
{
	struct binderlite_write_read bwr = {
		.write_size = c->len,
		.write_buffer = (uintptr_t)c->buf,
	};
	int ret = c->overflow ? -ENOSPC : ipc_write_read(fd, &bwr);

	if (!ret && bwr.write_consumed != c->len)
		ret = -EPROTO;
	c->len = 0;
	c->overflow = false;
	return ret;
}

/**
 * ipc_send() - write one BC_TRANSACTION or BC_REPLY, without reading
 * @fd:           the device
 * @cmd:          BINDERLITE_BC_TRANSACTION or BINDERLITE_BC_REPLY
 * @handle:       the target (ignored by the driver for a reply)
 * @code:         the method
 * @flags:        BINDERLITE_TF_* values
 * @data:         the payload
 * @data_size:    its size
 * @offsets:      the offsets of objects in @data, or NULL
 * @offsets_size: bytes of @offsets
 *
 * Returns the ioctl's result: a transaction the driver refuses is still
 * written successfully, and answered by a BR_FAILED_REPLY to read.
 */
static inline int ipc_send(int fd, uint32_t cmd, uint32_t handle, uint32_t code, uint32_t flags,
			   const void *data, size_t data_size,
			   const binderlite_size_t *offsets, size_t offsets_size)
{
	struct ipc_cmds c = { 0 };

	ipc_cmd_txn(&c, cmd, handle, code, flags, data, data_size, offsets, offsets_size);
	return ipc_cmds_write(fd, &c);
}

/**
 * ipc_transact() - send a transaction without objects
 * @fd:     the device
 * @handle: the target
 * @code:   the method
 * @flags:  BINDERLITE_TF_* values
 * @data:   the payload
 * @size:   its size
 */
static inline int ipc_transact(int fd, uint32_t handle, uint32_t code, uint32_t flags,
			       const void *data, size_t size)
{
	return ipc_send(fd, BINDERLITE_BC_TRANSACTION, handle, code, flags, data, size, NULL, 0);
}

/**
 * ipc_reply() - answer the transaction this thread is serving
 * @fd:    the device
 * @flags: BINDERLITE_TF_* values (e.g. BINDERLITE_TF_STATUS_CODE)
 * @data:  the payload
 * @size:  its size
 */
static inline int ipc_reply(int fd, uint32_t flags, const void *data, size_t size)
{
	return ipc_send(fd, BINDERLITE_BC_REPLY, 0, 0, flags, data, size, NULL, 0);
}

/**
 * ipc_free_buffer() - give a received buffer back to the pool
 * @fd:     the device
 * @buffer: the data.ptr.buffer of the BR_TRANSACTION or BR_REPLY
 */
static inline int ipc_free_buffer(int fd, binderlite_uintptr_t buffer)
{
	struct ipc_cmds c = { 0 };

	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, buffer);
	return ipc_cmds_write(fd, &c);
}

/**
 * ipc_reply_free() - free the served transaction's buffer and reply, in
 * one write, as libbinder does
 * @fd:     the device
 * @buffer: the buffer of the transaction being answered
 * @data:   the reply's payload
 * @size:   its size
 */
static inline int ipc_reply_free(int fd, binderlite_uintptr_t buffer, const void *data,
				 size_t size)
{
	struct ipc_cmds c = { 0 };

	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, buffer);
	ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, data, size, NULL, 0);
	return ipc_cmds_write(fd, &c);
}

/**
 * ipc_looper() - write one looper command
 * @fd:  the device
 * @cmd: BINDERLITE_BC_ENTER_LOOPER, _REGISTER_LOOPER or _EXIT_LOOPER
 */
static inline int ipc_looper(int fd, uint32_t cmd)
{
	struct ipc_cmds c = { 0 };

	ipc_cmd(&c, cmd, NULL, 0);
	return ipc_cmds_write(fd, &c);
}

/**
 * struct ipc_event - one return from the driver, BR_NOOP excepted
 * @cmd:    the BINDERLITE_BR_* code
 * @txn:    BR_TRANSACTION, BR_REPLY
 * @sec:    BR_TRANSACTION_SEC_CTX (its @sec.transaction_data is @txn)
 * @ref:    BR_INCREFS, BR_ACQUIRE, BR_RELEASE, BR_DECREFS
 * @pri:    BR_ATTEMPT_ACQUIRE (never sent)
 * @cookie: BR_DEAD_BINDER, BR_CLEAR_DEATH_NOTIFICATION_DONE,
 *          BR_CLEAR_FREEZE_NOTIFICATION_DONE
 * @frozen: BR_FROZEN_BINDER
 * @error:  BR_ERROR, BR_ACQUIRE_RESULT (never sent)
 *
 * BR_OK, BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY, BR_FAILED_REPLY,
 * BR_FROZEN_REPLY, BR_SPAWN_LOOPER, BR_FINISHED, BR_ONEWAY_SPAM_SUSPECT and
 * BR_TRANSACTION_PENDING_FROZEN carry nothing.
 */
struct ipc_event {
	uint32_t cmd;
	union {
		struct binderlite_transaction_data txn;
		struct binderlite_transaction_data_secctx sec;
		struct binderlite_ptr_cookie ref;
		struct binderlite_pri_ptr_cookie pri;
		binderlite_uintptr_t cookie;
		struct binderlite_frozen_state_info frozen;
		int32_t error;
	};
};

/* Several returns per read; the driver ends a read after a transaction. */
#define IPC_READ_SIZE		512

/**
 * struct ipc_reader - the return stream of one thread
 * @fd:   the device
 * @len:  bytes the last read returned
 * @pos:  bytes of them parsed
 * @buf:  the returns
 * @stop: if not NULL, ipc_next() gives up with -ECANCELED instead of
 *        reading once *@stop is non-zero; set it, then wake the reader
 *        with ipc_flush()
 *
 * The driver tells threads apart by the calling thread: every thread
 * needs its own reader, and must not lose the events it buffered.
 */
struct ipc_reader {
	int fd;
	size_t len, pos;
	uint8_t buf[IPC_READ_SIZE];
	const int *stop;
};

/**
 * ipc_reader_init() - a reader with nothing buffered
 * @r:  the reader
 * @fd: the device
 */
static inline void ipc_reader_init(struct ipc_reader *r, int fd)
{
	r->fd = fd;
	r->len = 0;
	r->pos = 0;
	r->stop = NULL;
}

/**
 * ipc_flush() - make every thread blocked reading @fd's file return
 * @fd: the device
 *
 * Closing any descriptor of the file flushes it; so does this.
 */
static inline int ipc_flush(int fd)
{
	int dup_fd = dup(fd);

	if (dup_fd < 0)
		return -errno;
	return close(dup_fd) ? -errno : 0;
}

/*
 * Every return of include/uapi/linux/binderlite.h, those binder never sends
 * included. Each code is an _IOR() of its payload's type, or an _IO()
 * without one: _IOC_SIZE() of the code is the size of its payload.
 */
static const __u32 ipc_returns[] = {
	BINDERLITE_BR_ERROR,
	BINDERLITE_BR_OK,
	BINDERLITE_BR_TRANSACTION_SEC_CTX,
	BINDERLITE_BR_TRANSACTION,
	BINDERLITE_BR_REPLY,
	BINDERLITE_BR_ACQUIRE_RESULT,
	BINDERLITE_BR_DEAD_REPLY,
	BINDERLITE_BR_TRANSACTION_COMPLETE,
	BINDERLITE_BR_INCREFS,
	BINDERLITE_BR_ACQUIRE,
	BINDERLITE_BR_RELEASE,
	BINDERLITE_BR_DECREFS,
	BINDERLITE_BR_ATTEMPT_ACQUIRE,
	BINDERLITE_BR_NOOP,
	BINDERLITE_BR_SPAWN_LOOPER,
	BINDERLITE_BR_FINISHED,
	BINDERLITE_BR_DEAD_BINDER,
	BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE,
	BINDERLITE_BR_FAILED_REPLY,
	BINDERLITE_BR_FROZEN_REPLY,
	BINDERLITE_BR_ONEWAY_SPAM_SUSPECT,
	BINDERLITE_BR_TRANSACTION_PENDING_FROZEN,
	BINDERLITE_BR_FROZEN_BINDER,
	BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE,
};

/**
 * ipc_return_size() - the size of what follows a return code
 * @cmd: a BINDERLITE_BR_* code
 *
 * Returns _IOC_SIZE(@cmd) for a code of ipc_returns[], or -1 for an
 * unknown code.
 */
static inline int ipc_return_size(uint32_t cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ipc_returns); i++) {
		if (ipc_returns[i] == cmd)
			return _IOC_SIZE(cmd);
	}
	return -1;
}

/* Children of this process not yet reaped by ipc_wait(). */
#define IPC_MAX_CHILDREN	64
static pid_t ipc_children[IPC_MAX_CHILDREN];
static int ipc_nr_children;

/* Set by ipc_on_sigchld(): a child of ipc_fork() failed. */
static volatile sig_atomic_t ipc_child_failed;
static volatile sig_atomic_t ipc_watching;

static void ipc_on_sigchld(int sig)
{
	int i, saved_errno = errno;
	siginfo_t si;

	for (i = 0; i < ipc_nr_children; i++) {
		si.si_pid = 0;
		if (!waitid(P_PID, ipc_children[i], &si, WEXITED | WNOHANG | WNOWAIT) &&
		    si.si_pid && (si.si_code != CLD_EXITED || si.si_status))
			ipc_child_failed = 1;
	}
	errno = saved_errno;
}

/**
 * ipc_watch_children() - make ipc_next() give up when a child fails
 *
 * For a process that waits for its children's transactions: once a child
 * of ipc_fork() exits non-zero or is killed, the read that its SIGCHLD
 * interrupts returns -ECHILD instead of waiting for what will never come.
 * Other interrupted reads are restarted. SIGCHLD interrupts one thread, so
 * this suits a process with one reading thread.
 */
static inline int ipc_watch_children(void)
{
	struct sigaction sa = { .sa_handler = ipc_on_sigchld };

	sigemptyset(&sa.sa_mask);
	ipc_watching = 1;
	return sigaction(SIGCHLD, &sa, NULL) ? -errno : 0;
}

/**
 * ipc_next() - the next event, reading (and blocking) when none is buffered
 * @r:  the reader
 * @ev: filled in; on -EPROTO, @ev->cmd is the code that could not be parsed
 *
 * Skips BR_NOOP. Returns 0, -errno of the ioctl (-EAGAIN on an O_NONBLOCK
 * file with nothing to read), -EPROTO for an unknown or truncated return,
 * -ECANCELED when asked to stop (see struct ipc_reader), or -ECHILD when a
 * child failed (see ipc_watch_children()).
 */
static inline int ipc_next(struct ipc_reader *r, struct ipc_event *ev)
{
	for (;;) {
		struct binderlite_write_read bwr = {
			.read_size = sizeof(r->buf),
			.read_buffer = (uintptr_t)r->buf,
		};
		int ret, size;

		while (r->pos + sizeof(uint32_t) <= r->len) {
			memcpy(&ev->cmd, r->buf + r->pos, sizeof(ev->cmd));
			size = ipc_return_size(ev->cmd);
			if (size < 0 || r->pos + sizeof(uint32_t) + size > r->len) {
				r->pos = r->len;
				return -EPROTO;
			}
			/* Into the union, through its largest member. */
			memcpy(&ev->sec, r->buf + r->pos + sizeof(uint32_t), size);
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
		/* ipc_watch_children(): look at ipc_child_failed again. */
		if (ret == -EINTR && ipc_watching)
			continue;
		if (ret)
			return ret;
		r->len = bwr.read_consumed;
	}
}

/**
 * ipc_expect() - the next event, which must be @cmd
 * @r:   the reader
 * @cmd: the BINDERLITE_BR_* code expected
 * @ev:  filled in, also when it is another code
 *
 * Returns 0, an error of ipc_next(), or -EBADMSG for another code.
 */
static inline int ipc_expect(struct ipc_reader *r, uint32_t cmd, struct ipc_event *ev)
{
	int ret = ipc_next(r, ev);

	if (!ret && ev->cmd != cmd)
		ret = -EBADMSG;
	return ret;
}

/**
 * ipc_buffered() - whether @r holds returns not parsed yet
 * @r: the reader
 */
static inline bool ipc_buffered(const struct ipc_reader *r)
{
	return r->pos + sizeof(uint32_t) <= r->len;
}

/**
 * ipc_next_nonblock() - ipc_next() without blocking
 * @r:  the reader
 * @ev: filled in
 *
 * The file is O_NONBLOCK for this read only. Returns what ipc_next() does:
 * -EAGAIN if there was nothing to read.
 */
static inline int ipc_next_nonblock(struct ipc_reader *r, struct ipc_event *ev)
{
	int flags = fcntl(r->fd, F_GETFL), ret;

	if (flags < 0 || fcntl(r->fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	ret = ipc_next(r, ev);
	if (fcntl(r->fd, F_SETFL, flags) && (!ret || ret == -EAGAIN))
		return -errno;
	return ret;
}

/**
 * ipc_next_timeout() - ipc_next(), giving up after @timeout_ms
 * @r:          the reader
 * @ev:         filled in
 * @timeout_ms: how long to wait for an event; 0 looks once
 *
 * A transaction that was refused never comes; a driver that loses one
 * leaves its reader waiting: this turns such waits into failures. It reads
 * without blocking (the file is O_NONBLOCK for that read only, so other
 * threads of the file are not disturbed) and waits in poll() in between:
 * a blocking read can return with nothing after a flush, any close of a
 * descriptor of the file, and ipc_next() would then block in the next
 * read. Returns what ipc_next() does, or -ETIMEDOUT.
 */
static inline int ipc_next_timeout(struct ipc_reader *r, struct ipc_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	struct timespec start, now;
	long left;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = ipc_next_nonblock(r, ev);
		if (ret != -EAGAIN)
			return ret;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - (now.tv_sec - start.tv_sec) * 1000 -
		       (now.tv_nsec - start.tv_nsec) / 1000000;
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			return -errno;
	}
}

/**
 * ipc_idle() - whether the thread of @r has nothing to read within @ms
 * @r:  the reader
 * @ms: how long to wait; 0 looks once, without waiting
 * @ev: the event found, if any (it is consumed)
 *
 * Returns 0 if nothing came, -EBADMSG if an event did (@ev), or another
 * error of ipc_next_timeout().
 */
static inline int ipc_idle(struct ipc_reader *r, int ms, struct ipc_event *ev)
{
	int ret = ipc_next_timeout(r, ev, ms);

	if (ret == -ETIMEDOUT)
		return 0;
	return ret ? ret : -EBADMSG;
}

/* Asserts that the next event of @_r is @_cmd, into @_ev. */
#define IPC_ASSERT_NEXT(_r, _cmd, _ev) do {						\
	int __ret = ipc_next(_r, _ev);							\
											\
	ASSERT_EQ(0, __ret) TH_LOG("reading: %s", strerror(-__ret));		\
	ASSERT_EQ((uint32_t)(_cmd), (_ev)->cmd);					\
} while (0)

/* Asserts that the thread of @_r has nothing to read within @_ms ms (0: now). */
#define IPC_ASSERT_IDLE(_r, _ms) do {							\
	struct ipc_event __ev = { 0 };							\
											\
	ASSERT_EQ(0, ipc_idle(_r, _ms, &__ev)) TH_LOG("pending: %#x", __ev.cmd);	\
} while (0)

/**
 * ipc_payload() - where a received transaction's payload is
 * @txn: a BR_TRANSACTION or BR_REPLY
 */
static inline const void *ipc_payload(const struct binderlite_transaction_data *txn)
{
	return (const void *)(uintptr_t)txn->data.ptr.buffer;
}

/**
 * ipc_obj_binder() - a local object, as sent in a payload
 * @ptr:    the object
 * @cookie: its cookie
 */
static inline struct flat_binderlite_object
ipc_obj_binder(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	return (struct flat_binderlite_object){
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.binder = ptr,
		.cookie = cookie,
	};
}

/**
 * ipc_obj_handle() - a reference, as sent in a payload
 * @handle: the sender's handle
 */
static inline struct flat_binderlite_object ipc_obj_handle(uint32_t handle)
{
	return (struct flat_binderlite_object){
		.hdr.type = BINDERLITE_TYPE_HANDLE,
		.handle = handle,
	};
}

/**
 * ipc_obj_at() - copy out the @i-th object of a received payload
 * @txn:  a BR_TRANSACTION or BR_REPLY
 * @i:    its index in the offsets array
 * @obj:  filled in: a struct flat_binderlite_object, a struct
 *        binderlite_fd_object, ... as @size says
 * @size: bytes of it
 *
 * Returns 0, or -ERANGE if there is no such offset or no @size bytes there.
 */
static inline int ipc_obj_at(const struct binderlite_transaction_data *txn, size_t i, void *obj,
			     size_t size)
{
	binderlite_size_t offset;

	if (i >= txn->offsets_size / sizeof(offset))
		return -ERANGE;
	memcpy(&offset, (const uint8_t *)(uintptr_t)txn->data.ptr.offsets + i * sizeof(offset),
	       sizeof(offset));
	if (offset > txn->data_size || txn->data_size - offset < size)
		return -ERANGE;
	memcpy(obj, (const uint8_t *)ipc_payload(txn) + offset, size);
	return 0;
}

/**
 * ipc_ack_ref() - acknowledge a reference-count event as libbinder does
 * @fd: the device
 * @ev: an event
 *
 * BR_INCREFS is answered with BC_INCREFS_DONE and BR_ACQUIRE with
 * BC_ACQUIRE_DONE; BR_RELEASE and BR_DECREFS need no answer.
 *
 * Returns 1 if @ev was one of those four (and the answer went through),
 * 0 if it was something else, or -errno of the write.
 */
static inline int ipc_ack_ref(int fd, const struct ipc_event *ev)
{
	struct ipc_cmds c = { 0 };
	int ret;

	switch (ev->cmd) {
	case BINDERLITE_BR_INCREFS:
		ipc_cmd(&c, BINDERLITE_BC_INCREFS_DONE, &ev->ref, sizeof(ev->ref));
		break;
	case BINDERLITE_BR_ACQUIRE:
		ipc_cmd(&c, BINDERLITE_BC_ACQUIRE_DONE, &ev->ref, sizeof(ev->ref));
		break;
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		return 1;
	default:
		return 0;
	}
	ret = ipc_cmds_write(fd, &c);
	return ret ? ret : 1;
}

/**
 * ipc_extended_error() - BINDERLITE_GET_EXTENDED_ERROR of the calling thread
 * @fd: the device
 * @ee: filled in
 */
static inline int ipc_extended_error(int fd, struct binderlite_extended_error *ee)
{
	return ioctl(fd, BINDERLITE_GET_EXTENDED_ERROR, ee) ? -errno : 0;
}

/**
 * struct ipc_result - how a synchronous call ended
 * @cmd:       BR_REPLY, BR_FAILED_REPLY or BR_DEAD_REPLY
 * @completes: BR_TRANSACTION_COMPLETEs read before it
 * @refs:      reference-count events acknowledged before it
 *             (ipc_call_objs() only)
 * @txn:       the BR_REPLY
 */
struct ipc_result {
	uint32_t cmd;
	int completes;
	int refs;
	struct binderlite_transaction_data txn;
};

/*
 * Reads until a call ends; with @ack_refs, reference-count events are
 * acknowledged on the way, else they are unexpected like any other event.
 */
static inline int ipc_call_result(struct ipc_reader *r, bool ack_refs, struct ipc_result *res)
{
	struct ipc_event ev;
	int ret;

	memset(res, 0, sizeof(*res));
	for (;;) {
		ret = ipc_next(r, &ev);
		if (ret)
			return ret;
		res->cmd = ev.cmd;
		switch (ev.cmd) {
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
			res->completes++;
			continue;
		case BINDERLITE_BR_REPLY:
			res->txn = ev.txn;
			return 0;
		case BINDERLITE_BR_FAILED_REPLY:
		case BINDERLITE_BR_DEAD_REPLY:
			return 0;
		}
		ret = ack_refs ? ipc_ack_ref(r->fd, &ev) : 0;
		if (ret < 0)
			return ret;
		if (!ret)
			return -EBADMSG;
		res->refs++;
	}
}

/**
 * ipc_call() - send a synchronous transaction and wait for how it ends
 * @r:      the calling thread's reader
 * @handle: the target
 * @code:   the method
 * @data:   the payload
 * @size:   its size
 * @res:    the outcome; the caller frees a BR_REPLY's buffer
 *
 * Returns 0 when the call ended with BR_REPLY, BR_FAILED_REPLY or
 * BR_DEAD_REPLY (see @res->cmd), an error of ipc_next(), or -EBADMSG for
 * any other event (a nested transaction, for one) in the meantime.
 */
static inline int ipc_call(struct ipc_reader *r, uint32_t handle, uint32_t code,
			   const void *data, size_t size, struct ipc_result *res)
{
	int ret = ipc_transact(r->fd, handle, code, 0, data, size);

	return ret ? ret : ipc_call_result(r, false, res);
}

/**
 * ipc_call_objs() - ipc_call() with flags and objects, acknowledging the
 * reference-count events that sending local objects brings (ipc_ack_ref())
 * @r:            the calling thread's reader
 * @handle:       the target
 * @code:         the method
 * @flags:        BINDERLITE_TF_* values
 * @data:         the payload
 * @data_size:    its size
 * @offsets:      the offsets of the objects in @data
 * @offsets_size: bytes of @offsets
 * @res:          the outcome, with @res->refs
 */
static inline int ipc_call_objs(struct ipc_reader *r, uint32_t handle, uint32_t code,
				uint32_t flags, const void *data, size_t data_size,
				const binderlite_size_t *offsets, size_t offsets_size,
				struct ipc_result *res)
{
	int ret = ipc_send(r->fd, BINDERLITE_BC_TRANSACTION, handle, code, flags, data, data_size,
			   offsets, offsets_size);

	return ret ? ret : ipc_call_result(r, true, res);
}

/**
 * ipc_mgr_ioctl_once() - SET_CONTEXT_MGR or _EXT, once
 * @fd:  the device
 * @cmd: BINDERLITE_SET_CONTEXT_MGR or BINDERLITE_SET_CONTEXT_MGR_EXT
 * @arg: its argument
 *
 * Returns 0, or -errno: -EBUSY while the slot is taken.
 */
static inline int ipc_mgr_ioctl_once(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/**
 * ipc_mgr_ioctl() - SET_CONTEXT_MGR or _EXT, retrying EBUSY for ~5 s
 * @fd:  the device
 * @cmd: BINDERLITE_SET_CONTEXT_MGR or BINDERLITE_SET_CONTEXT_MGR_EXT
 * @arg: its argument
 *
 * Binder releases a dead manager from a workqueue, so the slot may still
 * look taken just after the previous test ended.
 */
static inline int ipc_mgr_ioctl(int fd, unsigned long cmd, void *arg)
{
	int i, ret = -EBUSY;

	for (i = 0; i < 500 && ret == -EBUSY; i++) {
		if (i)
			bl_sleep_ms(10);
		ret = ipc_mgr_ioctl_once(fd, cmd, arg);
	}
	return ret;
}

/**
 * ipc_become_mgr() - become the context manager (handle 0), whose node
 * is received with ptr and cookie 0
 * @fd: the device
 */
static inline int ipc_become_mgr(int fd)
{
	int32_t unused = 0;

	return ipc_mgr_ioctl(fd, BINDERLITE_SET_CONTEXT_MGR, &unused);
}

/**
 * ipc_become_mgr_ext() - become the context manager with a node of one's own
 * @fd:     the device
 * @ptr:    the node's local object, received as target.ptr
 * @cookie: its cookie
 * @flags:  the object's BINDERLITE_FLAG_* values: the priority bits,
 *          ACCEPTS_FDS, TXN_SECURITY_CTX; 0 for none
 */
static inline int ipc_become_mgr_ext(int fd, binderlite_uintptr_t ptr, binderlite_uintptr_t cookie,
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

/**
 * ipc_fork() - fork a child that dies with its parent
 *
 * Returns what fork() does. The child gets SIGKILL if the parent exits
 * first, and the parent remembers it for ipc_wait() and
 * ipc_kill_children(); the child starts with no children of its own.
 */
static inline pid_t ipc_fork(void)
{
	pid_t parent = getpid(), pid;

	if (ipc_nr_children == IPC_MAX_CHILDREN)
		return -1;
	pid = fork();
	if (pid == 0) {
		ipc_nr_children = 0;
		ipc_child_failed = 0;
		if (ipc_watching) {
			ipc_watching = 0;
			signal(SIGCHLD, SIG_DFL);
		}
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(127);
	} else if (pid > 0) {
		ipc_children[ipc_nr_children++] = pid;
	}
	return pid;
}

static inline void ipc_forget_child(pid_t pid)
{
	int i;

	for (i = 0; i < ipc_nr_children; i++) {
		if (ipc_children[i] == pid) {
			ipc_children[i] = ipc_children[--ipc_nr_children];
			return;
		}
	}
}

/**
 * ipc_wait() - reap a child of ipc_fork(), killing it after @timeout_s
 * @pid:       the child
 * @timeout_s: seconds to wait before SIGKILL
 *
 * Returns its exit status (0 is success), 128 + the signal that killed it
 * (SIGKILL after the timeout), or -errno of waitpid(). A failure noted by
 * ipc_watch_children() is forgotten once no failed child is left.
 */
static inline int ipc_wait(pid_t pid, int timeout_s)
{
	int status, i;
	pid_t ret;

	for (i = 0; ; i++) {
		ret = waitpid(pid, &status, WNOHANG);
		if (ret)
			break;
		if (i == timeout_s * 100)
			kill(pid, SIGKILL);
		bl_sleep_ms(10);
	}
	if (ret < 0)
		return -errno;
	ipc_forget_child(pid);
	ipc_child_failed = 0;
	ipc_on_sigchld(SIGCHLD);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/**
 * ipc_kill_children() - SIGKILL and reap every child not yet reaped; for
 * teardowns and failure paths
 */
static inline void ipc_kill_children(void)
{
	while (ipc_nr_children) {
		pid_t pid = ipc_children[--ipc_nr_children];

		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

/* Exit status of a child of ipc_start() that could not set itself up. */
#define IPC_EXIT_SETUP		125

/**
 * IPC_CHECK() - in a child, return 1 from the calling function, with a
 * message naming the place, unless @cond holds
 * @cond: what must hold
 */
#define IPC_CHECK(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "# child %d: %s:%d: %s: failed: %s\n", getpid(),	\
			__FILE__, __LINE__, __func__, #cond);			\
		return 1;							\
	}									\
} while (0)

/*
 * What a child of ipc_start() runs, with its own device and receive pool;
 * it returns the child's exit status (0 is success).
 */
typedef int (*ipc_child_fn)(struct ipc_dev *dev, void *arg);

/*
 * What a child of ipc_start_with() does with its device before it is
 * ready, e.g. become the context manager; returns 0 or -errno.
 */
typedef int (*ipc_setup_fn)(int fd, long arg);

/**
 * ipc_start_with() - fork a child of ipc_fork() that opens @path, sets
 * itself up and runs @fn
 * @path:      the device
 * @setup:     what the child does with its device before it is ready, or
 *             NULL for nothing
 * @setup_arg: its argument
 * @fn:        what the child runs once ready
 * @arg:       its argument
 *
 * Returns once the child is ready (its device open, its pool mapped, @setup
 * done) with its pid, or -errno; if the child could not set itself up it
 * is reaped and -ECHILD returned.
 */
static inline pid_t ipc_start_with(const char *path, ipc_setup_fn setup, long setup_arg,
				   ipc_child_fn fn, void *arg)
{
	int ready[2], ret;
	struct ipc_dev dev;
	char c = 0;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	pid = ipc_fork();
	if (pid == 0) {
		close(ready[0]);
		ret = ipc_open(&dev, path, IPC_POOL_SIZE);
		if (!ret && setup)
			ret = setup(dev.fd, setup_arg);
		if (ret) {
			fprintf(stderr, "# child %d: %s: %s\n", getpid(), path, strerror(-ret));
			_exit(IPC_EXIT_SETUP);
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(IPC_EXIT_SETUP);
		close(ready[1]);
		ret = fn(&dev, arg);
		ipc_close(&dev);
		_exit(ret);
	}
	ret = pid < 0 ? -errno : 0;
	close(ready[1]);
	while (pid > 0 && read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	if (pid > 0 && c != 'r') {
		ipc_wait(pid, 10);
		ret = -ECHILD;
	}
	close(ready[0]);
	return ret ? ret : pid;
}

/**
 * ipc_setup_mgr() - an ipc_setup_fn: become the context manager
 * (ipc_become_mgr())
 * @fd:  the device
 * @arg: unused
 */
static inline int ipc_setup_mgr(int fd, long arg)
{
	return ipc_become_mgr(fd);
}

/**
 * ipc_start() - fork a child of ipc_fork() that opens @path and runs @fn
 * @path: the device
 * @mgr:  the child becomes the context manager before it is ready
 * @fn:   what the child runs once ready
 * @arg:  its argument
 *
 * Returns what ipc_start_with() does.
 */
static inline pid_t ipc_start(const char *path, bool mgr, ipc_child_fn fn, void *arg)
{
	return ipc_start_with(path, mgr ? ipc_setup_mgr : NULL, 0, fn, arg);
}

/**
 * ipc_shared() - zeroed memory shared with the children forked afterwards
 * @size: bytes
 *
 * Returns the memory, or MAP_FAILED; munmap() it.
 */
static inline void *ipc_shared(size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

/**
 * ipc_load() - read an int that another process writes
 * @p: where, in ipc_shared() memory
 */
static inline int ipc_load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/**
 * ipc_store() - write an int that another process reads
 * @p:   where, in ipc_shared() memory
 * @val: the value
 */
static inline void ipc_store(int *p, int val)
{
	__atomic_store_n(p, val, __ATOMIC_SEQ_CST);
}

/**
 * ipc_wait_int() - wait until *@p is at least @val
 * @p:          an int another process writes
 * @val:        the value awaited
 * @timeout_ms: how long at most, in steps of a millisecond
 *
 * Returns true if it came in time; false on a timeout, or at once when a
 * child of ipc_fork() failed (see ipc_watch_children()).
 */
static inline bool ipc_wait_int(const int *p, int val, int timeout_ms)
{
	int i;

	for (i = 0; i < timeout_ms; i++) {
		if (ipc_load(p) >= val)
			return true;
		if (ipc_watching && ipc_child_failed)
			return false;
		bl_sleep_ms(1);
	}
	return ipc_load(p) >= val;
}

/**
 * ipc_fill() - fill @buf with a pattern determined by @seed
 * @buf:  where
 * @size: bytes
 * @seed: a different seed gives a different pattern
 */
static inline void ipc_fill(void *buf, size_t size, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < size; i++) {
		/* A 32-bit linear congruential generator; its top byte. */
		x = x * 1664525u + 1013904223u;
		p[i] = x >> 24;
	}
}

/**
 * ipc_check_fill() - whether @buf holds ipc_fill()'s pattern for @seed
 * @buf:  where
 * @size: bytes
 * @seed: the seed it was filled with
 *
 * Returns -1 if it does, else the offset of the first wrong byte.
 */
static inline long ipc_check_fill(const void *buf, size_t size, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < size; i++) {
		x = x * 1664525u + 1013904223u;
		if (p[i] != (uint8_t)(x >> 24))
			return i;
	}
	return -1;
}

/**
 * ipc_hash() - 32-bit FNV-1a of @size bytes at @buf
 * @buf:  the data
 * @size: its size
 */
static inline uint32_t ipc_hash(const void *buf, size_t size)
{
	const uint8_t *p = buf;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

#define IPC_STATS_MAX		64

/**
 * struct ipc_stats - a snapshot of IPC_DEBUGFS "/stats"
 * @n:   entries
 * @key: their names
 * @val: their values
 */
struct ipc_stats {
	int n;
	char key[IPC_STATS_MAX][48];
	long long val[IPC_STATS_MAX];
};

/**
 * ipc_stats_read() - read the "key value" lines of IPC_DEBUGFS "/stats"
 * @s: filled in
 */
static inline int ipc_stats_read(struct ipc_stats *s)
{
	FILE *f = fopen(IPC_DEBUGFS "/stats", "r");
	char line[128];

	if (!f)
		return -errno;
	s->n = 0;
	while (s->n < IPC_STATS_MAX && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%47s %lld", s->key[s->n], &s->val[s->n]) == 2)
			s->n++;
	}
	fclose(f);
	return 0;
}

/**
 * ipc_stats_get() - the value of @key in @s
 * @s:   a snapshot
 * @key: the name
 * @val: filled in
 *
 * Returns 0, or -ENOENT if @s has no such key.
 */
static inline int ipc_stats_get(const struct ipc_stats *s, const char *key, long long *val)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (!strcmp(s->key[i], key)) {
			*val = s->val[i];
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * ipc_stats_delta() - how much @key grew from @before to @after; -1 (and
 * a log line) if either lacks it
 * @_metadata: the running test, for the log
 * @before:    the earlier snapshot
 * @after:     the later one
 * @key:       the name
 */
static inline long long ipc_stats_delta(struct __test_metadata *_metadata,
					const struct ipc_stats *before,
					const struct ipc_stats *after, const char *key)
{
	long long a, b;

	if (ipc_stats_get(before, key, &b) || ipc_stats_get(after, key, &a)) {
		TH_LOG("stats has no \"%s\"", key);
		return -1;
	}
	return a - b;
}

/**
 * ipc_stats_wait() - wait until IPC_DEBUGFS "/stats" shows @key at @val
 * @key:        the stats key, e.g. "transactions_live"
 * @val:        the value awaited
 * @timeout_ms: how long at most
 * @last:       the last value read, -1 if the key could not be read
 *
 * Returns 0, -ETIMEDOUT, -ENOENT if stats has no such key, or -errno of
 * the open().
 */
static inline int ipc_stats_wait(const char *key, long long val, int timeout_ms, long long *last)
{
	struct ipc_stats s;
	int i, ret = 0;

	*last = -1;
	for (i = 0; i <= timeout_ms / 10; i++) {
		if (i)
			bl_sleep_ms(10);
		ret = ipc_stats_read(&s) ?: ipc_stats_get(&s, key, last);
		if (ret)
			return ret;
		if (*last == val)
			return 0;
	}
	return -ETIMEDOUT;
}

/**
 * ipc_table_string() - one cell of a debugfs table, as text
 * @file:   a file under IPC_DEBUGFS with a header line of column names,
 *          e.g. "procs", "pools" or "contexts"
 * @row:    the first cell of the row (a pid, a name)
 * @column: the column's name in the header
 * @buf:    filled with the cell
 * @size:   room in @buf
 *
 * Returns 0, -ENOENT if there is no such row or column, or -errno of the
 * open(). With several rows of the same first cell (a process with several
 * open files), the first wins.
 */
static inline int ipc_table_string(const char *file, const char *row, const char *column,
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
 * ipc_table_value() - one cell of a debugfs table, as a number
 * @file:   a file under IPC_DEBUGFS with a header line of column names and
 *          one line per process starting with its pid, e.g. "procs", "pools"
 * @pid:    the row
 * @column: the column's name in the header
 * @val:    filled in
 *
 * Returns what ipc_table_string() does.
 */
static inline int ipc_table_value(const char *file, pid_t pid, const char *column, long long *val)
{
	char row[16], cell[32];
	int ret;

	snprintf(row, sizeof(row), "%d", pid);
	ret = ipc_table_string(file, row, column, cell, sizeof(cell));
	if (!ret)
		*val = atoll(cell);
	return ret;
}

/*
 * What IPC_DEBUGFS "/stats" must show when no file of the device is open:
 * nothing of any process is left behind.
 */
static const char * const ipc_clean_keys[] = {
	"procs", "threads", "nodes", "refs", "buffers", "deaths", "transactions_live",
	"freezes", "files_in_flight",
};

/*
 * Whether @s shows nothing left behind. If not, @bad is the first key that
 * is missing (@val -1) or not 0 (@val its value).
 */
static inline bool ipc_stats_clean(const struct ipc_stats *s, const char **bad, long long *val)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ipc_clean_keys); i++) {
		*bad = ipc_clean_keys[i];
		if (ipc_stats_get(s, *bad, val))
			*val = -1;
		if (*val)
			return false;
	}
	return true;
}

/**
 * ipc_expect_clean() - expect binderlite's stats to show nothing left
 * @_metadata: the running test
 *
 * For teardowns, after every file of the device is closed and every child
 * reaped. Releasing a file may finish asynchronously, so this waits up to
 * 5 s for the counters to reach 0 before failing the test.
 */
static inline void ipc_expect_clean(struct __test_metadata *_metadata)
{
	const char *bad = "";
	bool clean = false;
	struct ipc_stats s;
	long long val = 0;
	int i, ret = 0;

	for (i = 0; i < 500 && !clean && !ret; i++) {
		if (i)
			bl_sleep_ms(10);
		ret = ipc_stats_read(&s);
		clean = !ret && ipc_stats_clean(&s, &bad, &val);
	}
	EXPECT_EQ(0, ret) TH_LOG("cannot read " IPC_DEBUGFS "/stats: %s", strerror(-ret));
	if (!ret && ipc_stats_get(&s, bad, &val)) {
		EXPECT_TRUE(clean) TH_LOG("stats has no \"%s\"", bad);
	} else if (!ret) {
		EXPECT_TRUE(clean) TH_LOG("left behind: stats shows %s %lld", bad, val);
	}
}

/**
 * ipc_fixture_open() - for a fixture's setup: skip the test if @path is
 * absent, else open it with a receive pool of IPC_POOL_SIZE and a reader
 * for the test's thread, or fail the test
 * @_metadata: the running test
 * @path:      the device
 * @dev:       filled in; closed if the test is skipped
 * @r:         the test's reader
 *
 * Returns true once the device is open, false if the test is skipped: the
 * setup must then return at once.
 */
static inline bool ipc_fixture_open(struct __test_metadata *_metadata, const char *path,
				    struct ipc_dev *dev, struct ipc_reader *r)
{
	dev->fd = -1;
	dev->pool = MAP_FAILED;
	if (!bl_fixture_present(_metadata, path))
		return false;
	ASSERT_EQ(0, ipc_open(dev, path, IPC_POOL_SIZE));
	ipc_reader_init(r, dev->fd);
	return true;
}

/**
 * ipc_fixture_close() - for a fixture's teardown: kill and reap every
 * child, close the test's device, and expect binderlite's stats to show
 * nothing left (ipc_expect_clean())
 * @_metadata: the running test
 * @dev:       the test's device, or NULL for none
 * @clean:     IPC_DEBUGFS has binderlite's stats: look at them
 */
static inline void ipc_fixture_close(struct __test_metadata *_metadata, struct ipc_dev *dev,
				     bool clean)
{
	ipc_kill_children();
	if (dev)
		EXPECT_EQ(0, ipc_close(dev));
	if (clean)
		ipc_expect_clean(_metadata);
}

#endif /* _BINDERLITE_IPC_H */
