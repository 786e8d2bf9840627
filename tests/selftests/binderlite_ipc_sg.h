/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kselftests of file descriptors, fd arrays and
 * scatter-gather, on top of binderlite_ipc_obj.h (which includes
 * binderlite_ipc.h), whose struct obj_msg carries their objects:
 *
 * - struct sg_outcome, sg_finish(), sg_call(), SG_ASSERT_*(): how a call,
 *   a oneway or a reply ended, as its sender read it, and its extended
 *   error;
 * - sg_rx_sg_start(): the buffer area of a received transaction;
 * - sg_become_mgr(), sg_start_mgr(): the context manager, with the node
 *   flags asked for (BINDERLITE_FLAG_ACCEPTS_FDS or not);
 * - struct sg_script, sg_spawn_sender(), sg_spawn_replier(): children that
 *   send a list of prepared transactions or replies and record how each
 *   ended; sg_quiet_mgr(), sg_quit(): a manager that must receive nothing;
 * - sg_count_fds(), sg_cloexec(), sg_is_open(), sg_same_file(),
 *   sg_has_writer(), sg_writers_gone(), sg_expect_pipe_gone(): what a
 *   process holds, and whether anybody anywhere still holds the write end
 *   of a pipe (a reference binder or binderlite would leak keeps it open);
 * - sg_fill_fds(), sg_unfill_fds(): a process that can get no new fd;
 * - sg_fixture_setup(), sg_fixture_teardown(), sg_assert_call(),
 *   sg_assert_reply_free(), sg_reap_script(): what the fixtures and tests
 *   of fds and scatter-gather share.
 *
 * As in binderlite_ipc.h, functions return 0 or a negative errno unless
 * said otherwise, and children report through their exit status.
 */
#ifndef _BINDERLITE_IPC_SG_H
#define _BINDERLITE_IPC_SG_H

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "binderlite_ipc_obj.h"

/* The node of a context manager made by sg_become_mgr(). */
#define SG_MGR_PTR		0x5e0000ULL
#define SG_MGR_COOKIE		0x5e000cULL
/* sg_become_mgr() flags asking for plain BINDERLITE_SET_CONTEXT_MGR. */
#define SG_PLAIN_MGR		(-1L)
/* The method that ends sg_quiet_mgr(). */
#define SG_CODE_QUIT		0x51554954U

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
		ret = ipc_next_timeout(r, &ev, SG_FINISH_TIMEOUT_MS);
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

/* The returns of a call that was answered: complete, then reply; no error. */
#define SG_ASSERT_ANSWERED(_o) \
	SG_ASSERT_OUTCOME(_o, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_REPLY, \
			  BINDERLITE_BR_OK, 0)

/* The returns of a oneway or a reply that went through: complete; no error. */
#define SG_ASSERT_COMPLETED(_o) \
	SG_ASSERT_OUTCOME(_o, BINDERLITE_BR_TRANSACTION_COMPLETE, 0, BINDERLITE_BR_OK, 0)

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
			  uint32_t flags, const struct obj_msg *m, struct sg_outcome *o)
{
	int ret = obj_msg_send(r->fd, cmd, handle, code, flags, m);

	if (ret) {
		memset(o, 0, sizeof(*o));
		o->ret = ret;
		return ret;
	}
	return sg_finish(r, !(flags & BINDERLITE_TF_ONE_WAY), o);
}

/**
 * sg_rx_sg_start() - where the buffers of a received transaction begin in
 * the receiver's pool: after the data and the offsets, each rounded up to 8
 * @tr: a BR_TRANSACTION or BR_REPLY
 */
static inline uint64_t sg_rx_sg_start(const struct binderlite_transaction_data *tr)
{
	return tr->data.ptr.buffer + OBJ_ALIGN(tr->data_size) + OBJ_ALIGN(tr->offsets_size);
}

/**
 * sg_become_mgr() - become the context manager and a looper; an
 * ipc_setup_fn
 * @fd:    the device
 * @flags: the flags of the node's object (SET_CONTEXT_MGR_EXT, the node
 *         (SG_MGR_PTR, SG_MGR_COOKIE)), or SG_PLAIN_MGR for SET_CONTEXT_MGR
 */
static inline int sg_become_mgr(int fd, long flags)
{
	int ret;

	if (flags == SG_PLAIN_MGR)
		ret = ipc_become_mgr(fd);
	else
		ret = ipc_become_mgr_ext(fd, SG_MGR_PTR, SG_MGR_COOKIE, flags);
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
	return ipc_start_with(path, sg_become_mgr, flags, fn, arg);
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
		bl_sleep_ms(10);
	}
}

/**
 * sg_expect_pipe_gone() - close both ends of the pipe @p, expecting that
 * nobody anywhere, the driver included, holds its write end once the test
 * closed its own (within 5 s, see sg_writers_gone())
 * @_metadata: the running test
 * @p:         the pipe: read end, write end
 */
static inline void sg_expect_pipe_gone(struct __test_metadata *_metadata, const int p[2])
{
	EXPECT_EQ(0, close(p[1]));
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
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
 * @buffers_size: for the _SG commands; sg_step_add() takes the message's
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
	struct obj_msg m;
	struct binderlite_transaction_data rx;
	struct sg_outcome out;
};

/**
 * struct sg_script - what a script child does; in memory shared with it
 * @n:       steps
 * @go:      the child starts step i once @go > i (sg_script_new() lets
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
	struct sg_script *s = ipc_shared(sizeof(*s));

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
					  uint32_t flags, const struct obj_msg *m)
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

/**
 * sg_step_write() - write step @st: its transaction or reply, with the
 * step's buffers_size, after the commands @pre
 * @fd:  the device
 * @st:  the step
 * @pre: commands to write first, or NULL
 */
static inline int sg_step_write(int fd, const struct sg_step *st, const struct ipc_cmds *pre)
{
	struct ipc_cmds c = { 0 };

	if (pre)
		c = *pre;
	if (st->m.overflow)
		c.overflow = true;
	ipc_cmd_txn_sg(&c, st->cmd, 0, st->code, st->flags, st->m.data, st->m.size, st->m.offsets,
		       st->m.nr_objs * sizeof(st->m.offsets[0]), st->buffers_size);
	return ipc_cmds_write(fd, &c);
}

/**
 * sg_step_run() - for a script child: step @i of @s, once the test lets it
 * go (within 30 s): write it after @pre, close its close_fd, read how it
 * ended (sg_finish() with @call) and free a reply; counted in @s->sent once
 * written, in @s->done once ended
 * @r:    the child's reader
 * @s:    the script
 * @i:    the step
 * @pre:  commands to write before it, or NULL
 * @call: it is a synchronous call
 *
 * Returns 0, or 1 with a message (IPC_CHECK()) if the child cannot go on.
 */
static inline int sg_step_run(struct ipc_reader *r, struct sg_script *s, int i,
			      const struct ipc_cmds *pre, bool call)
{
	struct sg_step *st = &s->steps[i];

	IPC_CHECK(ipc_wait_int(&s->go, i + 1, 30000));
	IPC_CHECK(sg_step_write(r->fd, st, pre) == 0);
	if (st->close_fd >= 0)
		IPC_CHECK(close(st->close_fd) == 0);
	__atomic_add_fetch(&s->sent, 1, __ATOMIC_RELEASE);
	sg_finish(r, call, &st->out);
	IPC_CHECK(st->out.ret == 0);
	if (st->out.n && st->out.cmds[st->out.n - 1] == BINDERLITE_BR_REPLY)
		IPC_CHECK(ipc_free_buffer(r->fd, st->out.reply.data.ptr.buffer) == 0);
	__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
	return 0;
}

/**
 * sg_sender_main() - the body of a child of sg_spawn_sender(); an
 * ipc_child_fn
 * @dev: its device
 * @arg: the struct sg_script
 */
static inline int sg_sender_main(struct ipc_dev *dev, void *arg)
{
	struct sg_script *s = arg;
	struct ipc_reader r;
	int i;

	ipc_reader_init(&r, dev->fd);
	s->fds_in = sg_count_fds();
	for (i = 0; i < s->n; i++) {
		if (sg_step_run(&r, s, i, NULL, !(s->steps[i].flags & BINDERLITE_TF_ONE_WAY)))
			return 1;
	}
	s->fds_out = sg_count_fds();
	return 0;
}

/**
 * sg_spawn_sender() - start a child that opens @path and sends each step of
 * @s to handle 0, one after the other, recording how each ended
 * @path: the device
 * @s:    the script; its steps are BC_TRANSACTION(_SG) to the manager
 *
 * The child waits for each step's outcome (a oneway's first answer) and
 * frees the replies. It exits 0 unless it could not go on. Returns its pid
 * once its device is open, or -errno.
 */
static inline pid_t sg_spawn_sender(const char *path, struct sg_script *s)
{
	return ipc_start(path, false, sg_sender_main, s);
}

/**
 * sg_next_call() - for a child: read until a BR_TRANSACTION, acknowledging
 * reference-count events on the way (ipc_ack_ref())
 * @r:  the child's reader
 * @ev: the BR_TRANSACTION
 *
 * BR_SPAWN_LOOPER and BR_TRANSACTION_COMPLETE (of a reply of the child's)
 * are passed over. Returns 0, an error of ipc_next() or ipc_ack_ref(), or
 * -EBADMSG for any other event (@ev).
 */
static inline int sg_next_call(struct ipc_reader *r, struct ipc_event *ev)
{
	int ret;

	for (;;) {
		ret = ipc_next(r, ev);
		if (ret || ev->cmd == BINDERLITE_BR_TRANSACTION)
			return ret;
		ret = ipc_ack_ref(r->fd, ev);
		if (ret < 0)
			return ret;
		if (!ret && ev->cmd != BINDERLITE_BR_SPAWN_LOOPER &&
		    ev->cmd != BINDERLITE_BR_TRANSACTION_COMPLETE)
			return -EBADMSG;
	}
}

/**
 * sg_replier_main() - the body of a child of sg_spawn_replier(); an
 * ipc_child_fn
 * @dev: its device
 * @arg: the struct sg_script
 */
static inline int sg_replier_main(struct ipc_dev *dev, void *arg)
{
	struct sg_script *s = arg;
	struct ipc_cmds pre;
	struct ipc_reader r;
	struct ipc_event ev;
	int i;

	ipc_reader_init(&r, dev->fd);
	s->fds_in = sg_count_fds();
	for (i = 0; i < s->n; i++) {
		IPC_CHECK(sg_next_call(&r, &ev) == 0);
		s->steps[i].rx = ev.txn;
		/* Free the call's buffer and reply in one write, as libbinder does. */
		pre = (struct ipc_cmds){ 0 };
		ipc_cmd_u64(&pre, BINDERLITE_BC_FREE_BUFFER, ev.txn.data.ptr.buffer);
		if (sg_step_run(&r, s, i, &pre, false))
			return 1;
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
	int fds = sg_count_fds();
	struct ipc_reader r;
	struct ipc_event ev;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(sg_next_call(&r, &ev) == 0);
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
 * sg_fixture_setup() - the setup of a fixture of fds and scatter-gather:
 * count the test's descriptors, skip if @path is absent, else open it, make
 * a script and watch the children (a failed child ends the test's waits at
 * once); the fixture's setup does nothing after it
 * @_metadata:  the running test
 * @path:       the device
 * @dev:        the test's device
 * @r:          its reader
 * @s:          the script, NULL until made
 * @fds_before: the test's descriptors before the device was opened
 */
static inline void sg_fixture_setup(struct __test_metadata *_metadata, const char *path,
				    struct ipc_dev *dev, struct ipc_reader *r,
				    struct sg_script **s, int *fds_before)
{
	*s = NULL;
	*fds_before = sg_count_fds();
	ASSERT_LE(0, *fds_before);
	if (!ipc_fixture_open(_metadata, path, dev, r))
		return;
	*s = sg_script_new();
	ASSERT_NE(NULL, *s);
	ASSERT_EQ(0, ipc_watch_children());
}

/**
 * sg_fixture_teardown() - the teardown of a fixture of sg_fixture_setup():
 * the children killed, the device closed, the script freed; whatever the
 * test made or received is closed again, and with @debugfs binderlite's
 * stats show nothing left (ipc_expect_clean(): no file in flight either)
 * @_metadata:  the running test
 * @dev:        the test's device
 * @s:          the script, or NULL
 * @fds_before: the test's descriptors before the setup, or -1
 * @debugfs:    IPC_DEBUGFS has the stats file
 */
static inline void sg_fixture_teardown(struct __test_metadata *_metadata, struct ipc_dev *dev,
				       struct sg_script *s, int fds_before, bool debugfs)
{
	ipc_fixture_close(_metadata, dev, debugfs);
	sg_script_free(s);
	if (fds_before >= 0)
		EXPECT_EQ(fds_before, sg_count_fds());
}

/**
 * sg_assert_call() - read the next event of the test, which must be a call
 * that comes within 5 s (one that was refused never comes)
 * @_metadata: the running test
 * @r:         the test's reader
 * @tr:        the call
 */
static inline void sg_assert_call(struct __test_metadata *_metadata, struct ipc_reader *r,
				  struct binderlite_transaction_data *tr)
{
	struct ipc_event ev = { 0 };
	int ret;

	ret = ipc_next_timeout(r, &ev, 5000);
	ASSERT_EQ(0, ret) TH_LOG("no call came: %s", strerror(-ret));
	ASSERT_EQ(BINDERLITE_BR_TRANSACTION, ev.cmd);
	*tr = ev.txn;
}

/**
 * sg_assert_call_past_fds() - sg_assert_call() once calls whose fds the
 * receiver had no room for were dropped
 * @_metadata:  the running test
 * @r:          the test's reader
 * @binderlite: the device is binderlite's
 * @tr:         the call
 *
 * Binder's read may fail once with ENOMEM there, having consumed nothing:
 * binder_thread_read() keeps the failed fd fixup's error when it goes back
 * to wait, and returns it if more work came meanwhile (seen on two CPUs).
 * binderlite returns the next event (Documentation/protocol.rst).
 */
static inline void sg_assert_call_past_fds(struct __test_metadata *_metadata,
					   struct ipc_reader *r, bool binderlite,
					   struct binderlite_transaction_data *tr)
{
	struct ipc_event ev = { 0 };
	int ret, tries = 0;

	do {
		ret = ipc_next_timeout(r, &ev, 5000);
	} while (ret == -ENOMEM && !binderlite && ++tries < 3);
	ASSERT_EQ(0, ret) TH_LOG("no call came: %s", strerror(-ret));
	ASSERT_EQ(BINDERLITE_BR_TRANSACTION, ev.cmd);
	*tr = ev.txn;
}

/**
 * sg_assert_reply_free() - free the buffer of the call @tr and reply with
 * nothing, in one write; read the reply's BR_TRANSACTION_COMPLETE
 * @_metadata: the running test
 * @r:         the test's reader
 * @tr:        the call, of sg_assert_call()
 */
static inline void sg_assert_reply_free(struct __test_metadata *_metadata, struct ipc_reader *r,
					const struct binderlite_transaction_data *tr)
{
	struct ipc_event ev = { 0 };

	ASSERT_EQ(0, ipc_reply_free(r->fd, tr->data.ptr.buffer, NULL, 0));
	ASSERT_EQ(0, ipc_expect(r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev)) TH_LOG("%#x", ev.cmd);
}

/**
 * sg_reap_script() - reap a script child, which must succeed, holding as
 * many descriptors at its end as at its start and @fds_gained
 * @_metadata:  the running test
 * @s:          its script
 * @pid:        the child, of sg_spawn_sender() or sg_spawn_replier()
 * @fds_gained: descriptors it kept (received fds) or gave up (closed)
 */
static inline void sg_reap_script(struct __test_metadata *_metadata, const struct sg_script *s,
				  pid_t pid, int fds_gained)
{
	ASSERT_EQ(0, ipc_wait(pid, 30));
	ASSERT_EQ(s->fds_in + fds_gained, s->fds_out);
}

#endif /* _BINDERLITE_IPC_SG_H */
