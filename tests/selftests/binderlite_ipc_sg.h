/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kselftests of file descriptors, fd arrays and
 * scatter-gather, on top of binderlite_ipc.h (include that first):
 *
 * - struct sg_msg: a payload with fd, fd-array, buffer and binder objects,
 *   and the room their buffers take in the receiver (buffers_size);
 * - sg_cmd_txn(), sg_cmd_msg(), sg_send(): BC_TRANSACTION(_SG) and
 *   BC_REPLY(_SG);
 * - struct sg_outcome, sg_finish(), sg_outcome_is(): how a call, a oneway or
 *   a reply ended, as its sender read it, and its extended error;
 * - sg_rx_obj(), sg_rx_sg_start(): the objects and the buffer area of a
 *   received transaction;
 * - sg_become_mgr(), sg_start_mgr(): the context manager, with the node
 *   flags asked for (BINDERLITE_FLAG_ACCEPTS_FDS or not);
 * - struct sg_script, sg_spawn_sender(), sg_spawn_replier(): children that
 *   send a list of prepared transactions or replies and record how each
 *   ended; sg_quiet_mgr(), sg_quit(): a manager that must receive nothing;
 * - sg_count_fds(), sg_cloexec(), sg_is_open(), sg_same_file(),
 *   sg_has_writer(), sg_writers_gone(): what a process holds, and whether
 *   anybody anywhere still holds the write end of a pipe (a reference
 *   binder or binderlite would leak keeps it open);
 * - sg_fill_fds(), sg_unfill_fds(): a process that can get no new fd;
 * - sg_expect_clean(): binderlite's debugfs shows nothing left, and no
 *   file in flight.
 *
 * As in binderlite_ipc.h, functions return 0 or a negative errno unless
 * said otherwise, and children report through their exit status.
 */
#ifndef _BINDERLITE_IPC_SG_H
#define _BINDERLITE_IPC_SG_H

#include <dirent.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "binderlite_ipc.h"

/* What the driver rounds every size of a buffer to. */
#define SG_ALIGN(x)		(((uint64_t)(x) + 7) & ~(uint64_t)7)

/* Up to how many bytes and objects a message holds. */
#define SG_MSG_DATA		4096
#define SG_MSG_OBJS		80

/* The node of a context manager made by sg_become_mgr(). */
#define SG_MGR_PTR		0x5e0000ULL
#define SG_MGR_COOKIE		0x5e000cULL
/* sg_become_mgr() flags asking for plain BINDERLITE_SET_CONTEXT_MGR. */
#define SG_PLAIN_MGR		(-1L)
/* The method that ends sg_quiet_mgr(). */
#define SG_CODE_QUIT		0x51554954U

/**
 * struct sg_msg - a payload under construction, with objects
 * @size:         bytes of @data used
 * @nr_objs:      objects, at the @offsets in @data
 * @buffers_size: room the PTR objects' buffers take (each rounded up to 8)
 * @overflow:     something did not fit; sending the message fails
 * @offsets:      where the objects are
 * @data:         the payload
 */
struct sg_msg {
	size_t size;
	size_t nr_objs;
	uint64_t buffers_size;
	bool overflow;
	binderlite_size_t offsets[SG_MSG_OBJS];
	uint8_t data[SG_MSG_DATA] __attribute__((aligned(8)));
};

/**
 * sg_msg_init() - an empty message
 * @m: the message
 */
static inline void sg_msg_init(struct sg_msg *m)
{
	m->size = 0;
	m->nr_objs = 0;
	m->buffers_size = 0;
	m->overflow = false;
}

/**
 * sg_msg_put() - append plain bytes
 * @m:    the message
 * @p:    the bytes, or NULL for zeroes
 * @size: how many
 *
 * Returns the offset they start at.
 */
static inline size_t sg_msg_put(struct sg_msg *m, const void *p, size_t size)
{
	size_t off = m->size;

	if (size > sizeof(m->data) - off) {
		m->overflow = true;
		return off;
	}
	if (p)
		memcpy(m->data + off, p, size);
	else
		memset(m->data + off, 0, size);
	m->size += size;
	return off;
}

/**
 * sg_msg_u64() - append a 64-bit value
 * @m: the message
 * @v: the value
 *
 * Returns its offset.
 */
static inline size_t sg_msg_u64(struct sg_msg *m, uint64_t v)
{
	return sg_msg_put(m, &v, sizeof(v));
}

/**
 * sg_msg_object() - append an object of any type, and its offset
 * @m:    the message
 * @obj:  the object, as it is to be sent
 * @size: its size
 *
 * Returns its index in the offsets array.
 */
static inline size_t sg_msg_object(struct sg_msg *m, const void *obj, size_t size)
{
	size_t off = sg_msg_put(m, obj, size);

	if (m->nr_objs == SG_MSG_OBJS) {
		m->overflow = true;
		return m->nr_objs - 1;
	}
	m->offsets[m->nr_objs] = off;
	return m->nr_objs++;
}

/**
 * sg_fd_obj() - an fd object
 * @fd:     the sender's descriptor
 * @cookie: passed through to the receiver
 */
static inline struct binderlite_fd_object sg_fd_obj(int fd, uint64_t cookie)
{
	return (struct binderlite_fd_object){
		.hdr.type = BINDERLITE_TYPE_FD,
		.fd = fd,
		.cookie = cookie,
	};
}

/**
 * sg_msg_fd() - append an fd object
 * @m:      the message
 * @fd:     the sender's descriptor
 * @cookie: passed through to the receiver
 *
 * Returns its index.
 */
static inline size_t sg_msg_fd(struct sg_msg *m, int fd, uint64_t cookie)
{
	struct binderlite_fd_object obj = sg_fd_obj(fd, cookie);

	return sg_msg_object(m, &obj, sizeof(obj));
}

/**
 * sg_ptr_obj() - a buffer object
 * @buf:           the sender's buffer
 * @length:        its length
 * @parent:        the index of the parent buffer object, or -1 for none
 * @parent_offset: where in the parent the pointer to @buf is
 */
static inline struct binderlite_buffer_object sg_ptr_obj(const void *buf, uint64_t length,
							 long parent, uint64_t parent_offset)
{
	return (struct binderlite_buffer_object){
		.hdr.type = BINDERLITE_TYPE_PTR,
		.flags = parent >= 0 ? BINDERLITE_BUFFER_FLAG_HAS_PARENT : 0,
		.buffer = (uintptr_t)buf,
		.length = length,
		.parent = parent >= 0 ? (uint64_t)parent : 0,
		.parent_offset = parent >= 0 ? parent_offset : 0,
	};
}

/**
 * sg_msg_ptr() - append a buffer object; its room counts in buffers_size
 * @m:             the message
 * @buf:           the sender's buffer
 * @length:        its length
 * @parent:        the index of the parent buffer object, or -1 for none
 * @parent_offset: where in the parent the pointer to @buf is
 *
 * Returns its index.
 */
static inline size_t sg_msg_ptr(struct sg_msg *m, const void *buf, uint64_t length, long parent,
				uint64_t parent_offset)
{
	struct binderlite_buffer_object obj = sg_ptr_obj(buf, length, parent, parent_offset);

	m->buffers_size += SG_ALIGN(length);
	return sg_msg_object(m, &obj, sizeof(obj));
}

/**
 * sg_msg_fda() - append an fd-array object
 * @m:             the message
 * @num_fds:       how many descriptors
 * @parent:        the index of the buffer object that holds them
 * @parent_offset: where in that buffer they are
 *
 * Returns its index.
 */
static inline size_t sg_msg_fda(struct sg_msg *m, uint64_t num_fds, uint64_t parent,
				uint64_t parent_offset)
{
	struct binderlite_fd_array_object obj = {
		.hdr.type = BINDERLITE_TYPE_FDA,
		.num_fds = num_fds,
		.parent = parent,
		.parent_offset = parent_offset,
	};

	return sg_msg_object(m, &obj, sizeof(obj));
}

/**
 * sg_msg_binder() - append a binder object of the sender's
 * @m:      the message
 * @ptr:    the object
 * @cookie: its cookie
 * @flags:  BINDERLITE_FLAG_* values, e.g. BINDERLITE_FLAG_ACCEPTS_FDS
 *
 * Returns its index.
 */
static inline size_t sg_msg_binder(struct sg_msg *m, uint64_t ptr, uint64_t cookie,
				   uint32_t flags)
{
	struct flat_binderlite_object obj = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.flags = flags,
		.binder = ptr,
		.cookie = cookie,
	};

	return sg_msg_object(m, &obj, sizeof(obj));
}

/* Whether @cmd is BC_TRANSACTION_SG or BC_REPLY_SG. */
static inline bool sg_cmd_is_sg(uint32_t cmd)
{
	return cmd == BINDERLITE_BC_TRANSACTION_SG || cmd == BINDERLITE_BC_REPLY_SG;
}

/**
 * sg_cmd_txn() - append a transaction or reply, scatter-gather or not
 * @c:            the stream
 * @cmd:          BC_TRANSACTION, BC_REPLY, BC_TRANSACTION_SG or BC_REPLY_SG
 * @handle:       the target of a transaction
 * @code:         the method
 * @flags:        BINDERLITE_TF_* values
 * @data:         the payload
 * @data_size:    its size
 * @offsets:      the offsets array
 * @offsets_size: its size in bytes
 * @buffers_size: for the _SG commands, the room of the buffers
 */
static inline void sg_cmd_txn(struct ipc_cmds *c, uint32_t cmd, uint32_t handle, uint32_t code,
			      uint32_t flags, const void *data, uint64_t data_size,
			      const void *offsets, uint64_t offsets_size, uint64_t buffers_size)
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

	ipc_cmd(c, cmd, &sg, sg_cmd_is_sg(cmd) ? sizeof(sg) : sizeof(sg.transaction_data));
}

/**
 * sg_cmd_msg() - append a transaction or reply of @m, with its buffers_size
 * @c:      the stream
 * @cmd:    as for sg_cmd_txn()
 * @handle: the target of a transaction
 * @code:   the method
 * @flags:  BINDERLITE_TF_* values
 * @m:      the message
 */
static inline void sg_cmd_msg(struct ipc_cmds *c, uint32_t cmd, uint32_t handle, uint32_t code,
			      uint32_t flags, const struct sg_msg *m)
{
	if (m->overflow)
		c->overflow = true;
	sg_cmd_txn(c, cmd, handle, code, flags, m->data, m->size, m->offsets,
		   m->nr_objs * sizeof(m->offsets[0]), m->buffers_size);
}

/**
 * sg_send() - write one transaction or reply of @m, without reading
 * @fd: the device; the other arguments are those of sg_cmd_msg()
 */
static inline int sg_send(int fd, uint32_t cmd, uint32_t handle, uint32_t code, uint32_t flags,
			  const struct sg_msg *m)
{
	struct ipc_cmds c = { 0 };

	sg_cmd_msg(&c, cmd, handle, code, flags, m);
	return ipc_cmds_write(fd, &c);
}

/**
 * sg_next_timeout() - ipc_next(), giving up after @timeout_ms
 * @r:          the reader
 * @ev:         filled in
 * @timeout_ms: how long to wait for an event
 *
 * A transaction that was refused never comes; a driver that loses one
 * leaves its caller waiting: this turns such waits into failures. It reads
 * without blocking and waits in poll() in between (a blocking read can
 * return with nothing after a flush, any close of a descriptor of the
 * file, and ipc_next() would then block in the next read). Returns what
 * ipc_next() does, or -ETIMEDOUT.
 */
static inline int sg_next_timeout(struct ipc_reader *r, struct ipc_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	int flags = fcntl(r->fd, F_GETFL), ret;
	struct timespec start, now;
	long left;

	if (flags < 0 || fcntl(r->fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = ipc_next(r, ev);
		if (ret != -EAGAIN)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - (now.tv_sec - start.tv_sec) * 1000 -
		       (now.tv_nsec - start.tv_nsec) / 1000000;
		if (left <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
	}
	if (fcntl(r->fd, F_SETFL, flags))
		return -errno;
	return ret;
}

#define SG_OUTCOME_MAX		8
/* How long sg_finish() waits: less than the harness's 30 s per test. */
#define SG_FINISH_TIMEOUT_MS	20000

/**
 * struct sg_outcome - how something a thread sent ended
 * @ret:   0, or the error that stopped the reading
 * @n:     returns read (BR_NOOP and reference-count events excepted)
 * @cmds:  those returns, in order
 * @reply: the BR_REPLY, if one came
 * @ee:    the thread's extended error afterwards
 */
struct sg_outcome {
	int ret;
	int n;
	uint32_t cmds[SG_OUTCOME_MAX];
	struct binderlite_transaction_data reply;
	struct binderlite_extended_error ee;
};

/**
 * sg_finish() - read how what the thread of @r just sent ended
 * @r:    the sender's reader
 * @call: it was a synchronous call: read until BR_REPLY, BR_FAILED_REPLY or
 *        BR_DEAD_REPLY; else (a oneway or a reply) until
 *        BR_TRANSACTION_COMPLETE or one of those failures
 * @o:    filled in; a BR_REPLY's buffer is the caller's to free
 *
 * Reference-count events are acknowledged on the way. Returns 0, an error
 * of ipc_next(), -ETIMEDOUT if the end does not come within
 * SG_FINISH_TIMEOUT_MS, or -EBADMSG for any other event (then @o->cmds ends
 * with it); @o->ret says the same.
 */
static inline int sg_finish(struct ipc_reader *r, bool call, struct sg_outcome *o)
{
	struct ipc_event ev;
	int ret;

	memset(o, 0, sizeof(*o));
	for (;;) {
		ret = sg_next_timeout(r, &ev, SG_FINISH_TIMEOUT_MS);
		if (ret)
			break;
		ret = ipc_ack_ref(r->fd, &ev);
		if (ret < 0)
			break;
		if (ret)
			continue;
		if (ev.cmd == BINDERLITE_BR_SPAWN_LOOPER)
			continue;
		if (o->n < SG_OUTCOME_MAX)
			o->cmds[o->n++] = ev.cmd;
		if (ev.cmd == BINDERLITE_BR_REPLY)
			o->reply = ev.txn;
		if (ev.cmd == BINDERLITE_BR_REPLY || ev.cmd == BINDERLITE_BR_FAILED_REPLY ||
		    ev.cmd == BINDERLITE_BR_DEAD_REPLY ||
		    (!call && ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)) {
			ret = 0;
			break;
		}
		if (ev.cmd != BINDERLITE_BR_TRANSACTION_COMPLETE) {
			ret = -EBADMSG;
			break;
		}
	}
	if (!ret)
		ret = ipc_extended_error(r->fd, &o->ee);
	o->ret = ret;
	return ret;
}

/**
 * sg_outcome_is() - whether @o read exactly @first, then @second (0: nothing)
 * @o:      the outcome
 * @first:  the first return
 * @second: the second return, or 0 if there must be only one
 */
static inline bool sg_outcome_is(const struct sg_outcome *o, uint32_t first, uint32_t second)
{
	if (o->ret || o->n != (second ? 2 : 1) || o->cmds[0] != first)
		return false;
	return !second || o->cmds[1] == second;
}

/* Logs an outcome, for a failed assertion. */
#define SG_LOG_OUTCOME(_o) \
	TH_LOG("outcome: ret %d, %d returns: %#x %#x %#x; extended error %u %#x %d", \
	       (_o)->ret, (_o)->n, (_o)->cmds[0], (_o)->cmds[1], (_o)->cmds[2], (_o)->ee.id, \
	       (_o)->ee.command, (_o)->ee.param)

/*
 * Asserts that @_o read @_first then @_second (0: nothing), and the
 * extended error (@_cmd, @_param) afterwards.
 */
#define SG_ASSERT_OUTCOME(_o, _first, _second, _cmd, _param) do {			\
	ASSERT_TRUE(sg_outcome_is(_o, _first, _second)) SG_LOG_OUTCOME(_o);		\
	ASSERT_EQ((uint32_t)(_cmd), (_o)->ee.command) SG_LOG_OUTCOME(_o);		\
	ASSERT_EQ((int32_t)(_param), (_o)->ee.param) SG_LOG_OUTCOME(_o);		\
} while (0)

/* The returns of a call refused before it was sent: BR_FAILED_REPLY, with @_param. */
#define SG_ASSERT_REFUSED(_o, _param) \
	SG_ASSERT_OUTCOME(_o, BINDERLITE_BR_FAILED_REPLY, 0, BINDERLITE_BR_FAILED_REPLY, _param)

/**
 * sg_call() - send @m to @handle and read how it ended
 * @r:      the caller's reader
 * @cmd:    BC_TRANSACTION or BC_TRANSACTION_SG
 * @handle: the target
 * @code:   the method
 * @flags:  BINDERLITE_TF_* values; with TF_ONE_WAY, read only the first answer
 * @m:      the message
 * @o:      the outcome; a BR_REPLY's buffer is the caller's to free
 */
static inline int sg_call(struct ipc_reader *r, uint32_t cmd, uint32_t handle, uint32_t code,
			  uint32_t flags, const struct sg_msg *m, struct sg_outcome *o)
{
	int ret = sg_send(r->fd, cmd, handle, code, flags, m);

	if (ret) {
		memset(o, 0, sizeof(*o));
		o->ret = ret;
		return ret;
	}
	return sg_finish(r, !(flags & BINDERLITE_TF_ONE_WAY), o);
}

/**
 * sg_rx_obj() - copy out object @i of a received transaction
 * @tr:   a BR_TRANSACTION or BR_REPLY
 * @i:    its index in the offsets array
 * @obj:  filled in
 * @size: bytes of it
 *
 * Returns 0, or -ERANGE if there is no such offset or no @size bytes there.
 */
static inline int sg_rx_obj(const struct binderlite_transaction_data *tr, size_t i, void *obj,
			    size_t size)
{
	binderlite_size_t off;

	if (i >= tr->offsets_size / sizeof(off))
		return -ERANGE;
	memcpy(&off, (const uint8_t *)(uintptr_t)tr->data.ptr.offsets + i * sizeof(off),
	       sizeof(off));
	if (off > tr->data_size || tr->data_size - off < size)
		return -ERANGE;
	memcpy(obj, (const uint8_t *)(uintptr_t)tr->data.ptr.buffer + off, size);
	return 0;
}

/**
 * sg_rx_sg_start() - where the buffers of a received transaction begin in
 * the receiver's pool: after the data and the offsets, each rounded up to 8
 * @tr: a BR_TRANSACTION or BR_REPLY
 */
static inline uint64_t sg_rx_sg_start(const struct binderlite_transaction_data *tr)
{
	return tr->data.ptr.buffer + SG_ALIGN(tr->data_size) + SG_ALIGN(tr->offsets_size);
}

/**
 * sg_become_mgr() - become the context manager and a looper
 * @fd:    the device
 * @flags: the flags of the node's object (SET_CONTEXT_MGR_EXT, the node
 *         (SG_MGR_PTR, SG_MGR_COOKIE)), or SG_PLAIN_MGR for SET_CONTEXT_MGR
 */
static inline int sg_become_mgr(int fd, long flags)
{
	struct flat_binderlite_object obj = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.flags = flags,
		.binder = SG_MGR_PTR,
		.cookie = SG_MGR_COOKIE,
	};
	int32_t unused = 0;
	int ret;

	if (flags == SG_PLAIN_MGR)
		ret = ipc_mgr_ioctl(fd, BINDERLITE_SET_CONTEXT_MGR, &unused);
	else
		ret = ipc_mgr_ioctl(fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &obj);
	return ret ?: ipc_looper(fd, BINDERLITE_BC_ENTER_LOOPER);
}

/**
 * sg_start_mgr() - ipc_start() for a child that becomes the context manager
 * (see sg_become_mgr()) before it is ready
 * @path:  the device
 * @flags: for sg_become_mgr()
 * @fn:    what the child runs once ready
 * @arg:   its argument
 *
 * Returns the child's pid once it is the manager, or -errno.
 */
static inline pid_t sg_start_mgr(const char *path, long flags, ipc_child_fn fn, void *arg)
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
		if (!ret)
			ret = sg_become_mgr(dev.fd, flags);
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
 * sg_count_fds() - how many descriptors the calling process has open, or -errno
 */
static inline int sg_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	/* The directory's own descriptor. */
	return n - 1;
}

/**
 * sg_cloexec() - 1 if @fd is open with FD_CLOEXEC, 0 if open without, or -errno
 * @fd: the descriptor
 */
static inline int sg_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags < 0 ? -errno : !!(flags & FD_CLOEXEC);
}

/**
 * sg_is_open() - whether @fd is an open descriptor of the calling process
 * @fd: the descriptor
 */
static inline bool sg_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/**
 * sg_same_file() - 1 if @a and @b are descriptors of the same inode, 0 if
 * not, or -errno
 * @a: a descriptor
 * @b: another
 */
static inline int sg_same_file(int a, int b)
{
	struct stat x, y;

	if (fstat(a, &x) || fstat(b, &y))
		return -errno;
	return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/**
 * sg_has_writer() - whether anybody holds the write end of the pipe whose
 * read end is @rfd; what is buffered in the pipe is read and dropped
 * @rfd: the read end
 *
 * A file reference that the driver leaks, or a descriptor left open in
 * any process, keeps the write end open: this sees it. Returns 1 if the
 * write end is still open somewhere, 0 if not, or -errno.
 */
static inline int sg_has_writer(int rfd)
{
	int flags = fcntl(rfd, F_GETFL), ret;
	char buf[256];
	ssize_t n;

	if (flags < 0 || fcntl(rfd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	do {
		n = read(rfd, buf, sizeof(buf));
	} while (n > 0);
	ret = n == 0 ? 0 : errno == EAGAIN ? 1 : -errno;
	if (fcntl(rfd, F_SETFL, flags))
		return -errno;
	return ret;
}

/**
 * sg_writers_gone() - wait until nobody holds the write end of the pipe
 * whose read end is @rfd (see sg_has_writer())
 * @rfd:        the read end
 * @timeout_ms: how long; binder puts the files of a dead process's
 *              transactions from a workqueue, a little later
 *
 * Returns 0, -ETIMEDOUT, or -errno.
 */
static inline int sg_writers_gone(int rfd, int timeout_ms)
{
	int i, ret;

	for (i = 0; ; i++) {
		ret = sg_has_writer(rfd);
		if (ret <= 0)
			return ret;
		if (i * 10 >= timeout_ms)
			return -ETIMEDOUT;
		ipc_sleep_ms(10);
	}
}

#define SG_FILL_MAX		64

/**
 * struct sg_fill - a process made unable to get a new descriptor
 * @saved: its RLIMIT_NOFILE before
 * @n:     descriptors taken
 * @fds:   those descriptors
 */
struct sg_fill {
	struct rlimit saved;
	int n;
	int fds[SG_FILL_MAX];
};

/**
 * sg_fill_fds() - lower RLIMIT_NOFILE to a little above the highest open
 * descriptor, then take every free number below it, so that the next
 * descriptor the process asks for fails with EMFILE
 * @f: filled in; undo with sg_unfill_fds(), also on failure
 */
static inline int sg_fill_fds(struct sg_fill *f)
{
	DIR *d = opendir("/proc/self/fd");
	struct rlimit rl;
	struct dirent *e;
	int max = 2, fd;

	f->n = 0;
	if (getrlimit(RLIMIT_NOFILE, &f->saved) || !d) {
		if (d)
			closedir(d);
		return -errno;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) > max)
			max = atoi(e->d_name);
	closedir(d);
	rl = f->saved;
	rl.rlim_cur = max + 4;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	for (;;) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno == EMFILE ? 0 : -errno;
		if (f->n == SG_FILL_MAX) {
			close(fd);
			return -ENOSPC;
		}
		f->fds[f->n++] = fd;
	}
}

/**
 * sg_unfill_fds() - close what sg_fill_fds() took and restore the limit
 * @f: the fill
 */
static inline int sg_unfill_fds(struct sg_fill *f)
{
	while (f->n)
		close(f->fds[--f->n]);
	return setrlimit(RLIMIT_NOFILE, &f->saved) ? -errno : 0;
}

#define SG_STEPS_MAX		16

/**
 * struct sg_step - one transaction or reply a script child sends, and how
 * it ended
 * @cmd:          BC_TRANSACTION(_SG) for sg_spawn_sender(), BC_REPLY(_SG)
 *                for sg_spawn_replier()
 * @code:         the method
 * @flags:        BINDERLITE_TF_* values
 * @buffers_size: for the _SG commands; sg_step_set() takes the message's
 * @close_fd:     a descriptor the child closes as soon as the write
 *                returned, before it reads anything; -1 for none
 * @m:            the payload
 * @rx:           sg_spawn_replier(): the call it answered, as received
 * @out:          how it ended, as the child read it
 */
struct sg_step {
	uint32_t cmd;
	uint32_t code;
	uint32_t flags;
	uint64_t buffers_size;
	int close_fd;
	struct sg_msg m;
	struct binderlite_transaction_data rx;
	struct sg_outcome out;
};

/**
 * struct sg_script - what a script child does; in memory shared with it
 * @n:       steps
 * @go:      the child starts step i once @go > i (sg_script_init() lets
 *           every step go)
 * @sent:    steps whose write returned
 * @done:    steps whose outcome is recorded
 * @fds_in:  the child's open descriptors once its device was open
 * @fds_out: the same when it was done, before it closed its device
 * @steps:   the steps
 */
struct sg_script {
	int n;
	int go;
	int sent;
	int done;
	int fds_in;
	int fds_out;
	struct sg_step steps[SG_STEPS_MAX];
};

/**
 * sg_script_new() - an empty script in shared memory, every step let go
 *
 * Returns it, or NULL; free it with sg_script_free().
 */
static inline struct sg_script *sg_script_new(void)
{
	struct sg_script *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (s == MAP_FAILED)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->go = SG_STEPS_MAX;
	return s;
}

/**
 * sg_script_free() - unmap a script of sg_script_new()
 * @s: the script, or NULL
 */
static inline void sg_script_free(struct sg_script *s)
{
	if (s)
		munmap(s, sizeof(*s));
}

/**
 * sg_step_add() - append a step sending @m
 * @s:     the script
 * @cmd:   see struct sg_step
 * @code:  the method
 * @flags: BINDERLITE_TF_* values
 * @m:     the message; its buffers_size goes with it
 *
 * Returns the step, to adjust; NULL if the script is full.
 */
static inline struct sg_step *sg_step_add(struct sg_script *s, uint32_t cmd, uint32_t code,
					  uint32_t flags, const struct sg_msg *m)
{
	struct sg_step *st;

	if (s->n == SG_STEPS_MAX)
		return NULL;
	st = &s->steps[s->n++];
	st->cmd = cmd;
	st->code = code;
	st->flags = flags;
	st->buffers_size = m->buffers_size;
	st->close_fd = -1;
	st->m = *m;
	return st;
}

/* Waits up to 30 s for the test to let step @i go; false if it did not. */
static inline bool sg_script_wait_go(struct sg_script *s, int i)
{
	int t;

	for (t = 0; t < 3000; t++) {
		if (__atomic_load_n(&s->go, __ATOMIC_ACQUIRE) > i)
			return true;
		ipc_sleep_ms(10);
	}
	return false;
}

/* Writes step @st: its transaction or reply, after @pre (may be NULL). */
static inline int sg_step_write(int fd, const struct sg_step *st, const struct ipc_cmds *pre)
{
	struct ipc_cmds c = { 0 };

	if (pre)
		c = *pre;
	if (st->m.overflow)
		c.overflow = true;
	sg_cmd_txn(&c, st->cmd, 0, st->code, st->flags, st->m.data, st->m.size, st->m.offsets,
		   st->m.nr_objs * sizeof(st->m.offsets[0]), st->buffers_size);
	return ipc_cmds_write(fd, &c);
}

/* The body of a child of sg_spawn_sender(). */
static inline int sg_sender_main(struct ipc_dev *dev, void *arg)
{
	struct sg_script *s = arg;
	struct ipc_reader r;
	struct sg_step *st;
	int i;

	ipc_reader_init(&r, dev->fd);
	s->fds_in = sg_count_fds();
	for (i = 0; i < s->n; i++) {
		st = &s->steps[i];
		IPC_CHECK(sg_script_wait_go(s, i));
		IPC_CHECK(sg_step_write(dev->fd, st, NULL) == 0);
		if (st->close_fd >= 0)
			IPC_CHECK(close(st->close_fd) == 0);
		__atomic_add_fetch(&s->sent, 1, __ATOMIC_RELEASE);
		sg_finish(&r, !(st->flags & BINDERLITE_TF_ONE_WAY), &st->out);
		IPC_CHECK(st->out.ret == 0);
		if (st->out.n && st->out.cmds[st->out.n - 1] == BINDERLITE_BR_REPLY)
			IPC_CHECK(ipc_free_buffer(dev->fd, st->out.reply.data.ptr.buffer) == 0);
		__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
	}
	s->fds_out = sg_count_fds();
	return 0;
}

/**
 * sg_spawn_sender() - fork a child that opens @path and sends each step of
 * @s to handle 0, one after the other, recording how each ended
 * @path: the device
 * @s:    the script; its steps are BC_TRANSACTION(_SG) to the manager
 *
 * The child waits for each step's outcome (a oneway's first answer) and
 * frees the replies. It exits 0 unless it could not go on. Returns its pid
 * or -errno.
 */
static inline pid_t sg_spawn_sender(const char *path, struct sg_script *s)
{
	struct ipc_dev dev;
	pid_t pid = ipc_fork();
	int ret;

	if (pid == 0) {
		ret = ipc_open(&dev, path, IPC_POOL_SIZE);
		if (ret) {
			fprintf(stderr, "# child %d: %s: %s\n", getpid(), path, strerror(-ret));
			_exit(IPC_EXIT_SETUP);
		}
		ret = sg_sender_main(&dev, s);
		ipc_close(&dev);
		_exit(ret);
	}
	return pid < 0 ? -errno : pid;
}

/* The body of a child of sg_spawn_replier(). */
static inline int sg_replier_main(struct ipc_dev *dev, void *arg)
{
	struct sg_script *s = arg;
	struct ipc_cmds pre;
	struct ipc_reader r;
	struct ipc_event ev;
	struct sg_step *st;
	int i, ret;

	ipc_reader_init(&r, dev->fd);
	s->fds_in = sg_count_fds();
	for (i = 0; i < s->n; i++) {
		st = &s->steps[i];
		for (;;) {
			IPC_CHECK(ipc_next(&r, &ev) == 0);
			if (ev.cmd == BINDERLITE_BR_TRANSACTION)
				break;
			ret = ipc_ack_ref(dev->fd, &ev);
			IPC_CHECK(ret == 1 || ev.cmd == BINDERLITE_BR_SPAWN_LOOPER ||
				  ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE);
		}
		st->rx = ev.txn;
		IPC_CHECK(sg_script_wait_go(s, i));
		/* Free the call's buffer and reply in one write, as libbinder does. */
		pre = (struct ipc_cmds){ 0 };
		ipc_cmd_u64(&pre, BINDERLITE_BC_FREE_BUFFER, ev.txn.data.ptr.buffer);
		IPC_CHECK(sg_step_write(dev->fd, st, &pre) == 0);
		if (st->close_fd >= 0)
			IPC_CHECK(close(st->close_fd) == 0);
		__atomic_add_fetch(&s->sent, 1, __ATOMIC_RELEASE);
		sg_finish(&r, false, &st->out);
		IPC_CHECK(st->out.ret == 0);
		__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
	}
	s->fds_out = sg_count_fds();
	return 0;
}

/**
 * sg_spawn_replier() - start a child that becomes the context manager and
 * answers the calls it receives, call i with step i of @s
 * @path:  the device
 * @flags: the manager's node flags, see sg_become_mgr()
 * @s:     the script; its steps are BC_REPLY(_SG)
 *
 * The child records each call (@rx) and how its reply ended, and exits 0
 * after the last step unless it could not go on. Returns its pid once it
 * is the manager, or -errno.
 */
static inline pid_t sg_spawn_replier(const char *path, long flags, struct sg_script *s)
{
	return sg_start_mgr(path, flags, sg_replier_main, s);
}

/**
 * sg_quiet_mgr() - the body of a manager child of sg_start_mgr() that must
 * receive nothing but SG_CODE_QUIT; it answers that and returns 0 if its
 * open descriptors are as many as when it started
 * @dev: its device
 * @arg: unused
 */
static inline int sg_quiet_mgr(struct ipc_dev *dev, void *arg)
{
	int fds = sg_count_fds(), ret;
	struct ipc_reader r;
	struct ipc_event ev;

	ipc_reader_init(&r, dev->fd);
	for (;;) {
		IPC_CHECK(ipc_next(&r, &ev) == 0);
		if (ev.cmd == BINDERLITE_BR_TRANSACTION)
			break;
		ret = ipc_ack_ref(dev->fd, &ev);
		IPC_CHECK(ret == 1 || ev.cmd == BINDERLITE_BR_SPAWN_LOOPER ||
			  ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE);
	}
	IPC_CHECK(ev.txn.code == SG_CODE_QUIT);
	IPC_CHECK(ipc_reply_free(dev->fd, ev.txn.data.ptr.buffer, NULL, 0) == 0);
	IPC_CHECK(ipc_expect(&r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev) == 0);
	IPC_CHECK(sg_count_fds() == fds);
	return 0;
}

/**
 * sg_quit() - call the manager with SG_CODE_QUIT and reap it
 * @r:   the caller's reader
 * @pid: the manager, a child of sg_start_mgr() running sg_quiet_mgr()
 *
 * Returns its exit status (0: it received nothing else), or -EBADMSG if
 * the call was not answered.
 */
static inline int sg_quit(struct ipc_reader *r, pid_t pid)
{
	struct ipc_result res;
	int ret = ipc_call(r, 0, SG_CODE_QUIT, NULL, 0, &res);

	if (ret || res.cmd != BINDERLITE_BR_REPLY)
		return -EBADMSG;
	if (ipc_free_buffer(r->fd, res.txn.data.ptr.buffer))
		return -EIO;
	return ipc_wait(pid, 30);
}

/**
 * sg_wait_count() - wait up to 30 s for *@v to reach @want
 * @v:    a counter in shared memory
 * @want: the value
 *
 * Returns false on a timeout, or when a child of ipc_fork() failed
 * (see ipc_watch_children()).
 */
static inline bool sg_wait_count(int *v, int want)
{
	int i;

	for (i = 0; i < 3000 && !(ipc_watching && ipc_child_failed); i++) {
		if (__atomic_load_n(v, __ATOMIC_ACQUIRE) >= want)
			return true;
		ipc_sleep_ms(10);
	}
	return false;
}

/**
 * sg_expect_clean() - ipc_expect_clean(), and binderlite's stats show no
 * file held for a transaction not yet delivered (files_in_flight 0)
 * @_metadata: the running test
 */
static inline void sg_expect_clean(struct __test_metadata *_metadata)
{
	struct ipc_stats s;
	long long val = -1;
	int i, ret = 0;

	ipc_expect_clean(_metadata);
	for (i = 0; i < 500; i++) {
		if (i)
			ipc_sleep_ms(10);
		ret = ipc_stats_read(&s);
		if (ret)
			break;
		ret = ipc_stats_get(&s, "files_in_flight", &val);
		if (ret || !val)
			break;
	}
	EXPECT_EQ(0, ret) TH_LOG("stats: no files_in_flight: %s", strerror(-ret));
	EXPECT_EQ(0, val) TH_LOG("files_in_flight %lld", val);
}

#endif /* _BINDERLITE_IPC_SG_H */
