// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions between processes and threads: synchronous calls through
 * the context manager and their replies, what the receiver learns of the
 * sender, payloads from 0 bytes to the whole pool, BC_FREE_BUFFER, nested
 * calls routed back to the waiting thread, many clients on many server
 * threads, the thread pool and BR_SPAWN_LOOPER, oneway transactions (order,
 * per-node serialization, the async quota), refused transactions with
 * their extended errors, and binderlite's debugfs statistics.
 *
 * Every test runs against /dev/binderlite and the reference /dev/binder;
 * the variant says what only binderlite has (debugfs). On binderlite every
 * test ends by checking that nothing was left behind.
 *
 * Most tests talk to an echo server: a child that is the context manager
 * and answers each transaction with a struct answer describing what it
 * received, and logs the same into memory shared with the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/binderlite.h>
#include <linux/securebits.h>

#include "kselftest_harness.h"
#include "binderlite_ipc.h"

/* Methods of the echo server. */
#define CODE_ECHO	0x100U	/* answer */
#define CODE_HOLD	0x101U	/* answer, keep the buffer until CODE_RELEASE */
#define CODE_RELEASE	0x102U	/* free every buffer held, answer */
#define CODE_BLOCK	0x103U	/* answer once the test sets shared.release */
#define CODE_QUIT	0x104U	/* answer, stop every server thread */
/* Methods of the nested calls. */
#define CODE_REGISTER	0x200U	/* C to B: here is my object */
#define CODE_CALL	0x201U	/* A to B, B to C */
#define CODE_CALLBACK	0x202U	/* C to A */

/* The code of every answer, and the flags it is sent with. */
#define ANSWER_CODE	0x616e73U
#define ANSWER_FLAGS	((uint32_t)BINDERLITE_TF_STATUS_CODE)

/* Returns as the helpers below return them, next to -errno. */
#define REPLY		((long)BINDERLITE_BR_REPLY)
#define FAILED		((long)BINDERLITE_BR_FAILED_REPLY)
#define DEAD		((long)BINDERLITE_BR_DEAD_REPLY)
#define COMPLETE	((long)BINDERLITE_BR_TRANSACTION_COMPLETE)

/* Payload of the echo server's replies: what it received. */
struct answer {
	uint32_t code;
	uint32_t flags;
	int32_t sender_pid;
	uint32_t sender_euid;
	uint64_t ptr;
	uint64_t cookie;
	uint64_t data_size;
	uint64_t offsets_size;
	uint32_t hash;
	int32_t tid;		/* the server thread that received it */
};

#define LOG_MAX			256
#define HOLD_MAX		16
#define SERVER_THREADS_MAX	16

/* Memory shared by the test and its children. */
struct shared {
	/* Server configuration, set before it starts. */
	int loopers;		/* threads entering the loop (BC_ENTER_LOOPER) */
	uint32_t max_threads;	/* BINDERLITE_SET_MAX_THREADS */
	int gate;		/* the server waits for this to be 0 first */
	/* Set by a child once it is ready for the test to go on. */
	int ready;
	/* What the server received, in order. */
	int n;
	struct answer log[LOG_MAX];
	/* CODE_BLOCK and the thread pool. */
	int release;
	int busy, max_busy, spawns;
};

FIXTURE(txn) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct shared *sh;
};

FIXTURE_VARIANT(txn) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(txn, (), ());

FIXTURE_SETUP(txn)
{
	self->sh = MAP_FAILED;
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	self->sh = ipc_shared(sizeof(*self->sh));
	ASSERT_NE(MAP_FAILED, self->sh);
	self->sh->loopers = 1;
	/* A failed child ends the test's waits at once. */
	ASSERT_EQ(0, ipc_watch_children());
}

FIXTURE_TEARDOWN(txn)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
	if (self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
}

/* A server process: its threads, and the buffers it holds. */
struct server {
	int fd;
	struct shared *sh;
	int stop;
	pthread_mutex_t lock;
	int nthreads;
	pthread_t threads[SERVER_THREADS_MAX];
	int nheld;
	binderlite_uintptr_t held[HOLD_MAX];
};

static void describe(const struct binderlite_transaction_data *txn, struct answer *a)
{
	*a = (struct answer){
		.code = txn->code,
		.flags = txn->flags,
		.sender_pid = txn->sender_pid,
		.sender_euid = txn->sender_euid,
		.ptr = txn->target.ptr,
		.cookie = txn->cookie,
		.data_size = txn->data_size,
		.offsets_size = txn->offsets_size,
		.hash = ipc_hash(ipc_payload(txn), txn->data_size),
		.tid = gettid(),
	};
}

static void log_answer(struct shared *sh, const struct answer *a)
{
	int i = __atomic_fetch_add(&sh->n, 1, __ATOMIC_SEQ_CST);

	if (i < LOG_MAX)
		sh->log[i] = *a;
}

/* CODE_BLOCK: busy until the test releases every blocked call. */
static void block(struct shared *sh)
{
	int busy = __atomic_add_fetch(&sh->busy, 1, __ATOMIC_SEQ_CST);
	int max = __atomic_load_n(&sh->max_busy, __ATOMIC_SEQ_CST);

	while (busy > max &&
	       !__atomic_compare_exchange_n(&sh->max_busy, &max, busy, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	while (!__atomic_load_n(&sh->release, __ATOMIC_SEQ_CST))
		bl_sleep_ms(5);
	__atomic_sub_fetch(&sh->busy, 1, __ATOMIC_SEQ_CST);
}

/*
 * Serves one transaction of the echo protocol. Returns 1 for CODE_QUIT,
 * 0 for anything else, or -errno.
 */
static int serve(struct server *s, const struct binderlite_transaction_data *txn)
{
	struct ipc_cmds c = { 0 };
	struct answer a;
	int i;

	describe(txn, &a);
	log_answer(s->sh, &a);
	if (txn->code == CODE_BLOCK)
		block(s->sh);
	pthread_mutex_lock(&s->lock);
	if (txn->code == CODE_RELEASE) {
		for (i = 0; i < s->nheld; i++)
			ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, s->held[i]);
		s->nheld = 0;
	}
	if (txn->code != CODE_HOLD)
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, txn->data.ptr.buffer);
	else if (s->nheld < HOLD_MAX)
		s->held[s->nheld++] = txn->data.ptr.buffer;
	else
		c.overflow = true;
	pthread_mutex_unlock(&s->lock);
	if (!(txn->flags & BINDERLITE_TF_ONE_WAY))
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, ANSWER_CODE, ANSWER_FLAGS, &a, sizeof(a),
			    NULL, 0);
	i = ipc_cmds_write(s->fd, &c);
	return i ? i : txn->code == CODE_QUIT;
}

static void *registered_looper(void *arg);

static int start_thread(struct server *s, void *(*fn)(void *))
{
	int ret = -ENOSPC;

	pthread_mutex_lock(&s->lock);
	if (s->nthreads < SERVER_THREADS_MAX) {
		ret = -pthread_create(&s->threads[s->nthreads], NULL, fn, s);
		if (!ret)
			s->nthreads++;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

/*
 * One server thread: enters the loop with @cmd, serves until CODE_QUIT,
 * and starts a registered looper whenever the driver asks for one.
 */
static int looper(struct server *s, uint32_t cmd)
{
	struct ipc_reader r;
	struct ipc_event ev;
	int ret;

	ipc_reader_init(&r, s->fd);
	r.stop = &s->stop;
	IPC_CHECK(ipc_looper(s->fd, cmd) == 0);
	for (;;) {
		ret = ipc_next(&r, &ev);
		if (ret == -ECANCELED)
			return 0;
		IPC_CHECK(ret == 0);
		switch (ev.cmd) {
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
			continue;
		case BINDERLITE_BR_SPAWN_LOOPER:
			__atomic_add_fetch(&s->sh->spawns, 1, __ATOMIC_SEQ_CST);
			IPC_CHECK(start_thread(s, registered_looper) == 0);
			continue;
		case BINDERLITE_BR_TRANSACTION:
			ret = serve(s, &ev.txn);
			IPC_CHECK(ret >= 0);
			if (ret) {
				/* CODE_QUIT: wake the others, which see stop. */
				__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
				IPC_CHECK(ipc_flush(s->fd) == 0);
				return 0;
			}
			continue;
		}
		IPC_CHECK(ipc_ack_ref(s->fd, &ev) == 1);
	}
}

static void *entered_looper(void *arg)
{
	return (void *)(intptr_t)looper(arg, BINDERLITE_BC_ENTER_LOOPER);
}

static void *registered_looper(void *arg)
{
	return (void *)(intptr_t)looper(arg, BINDERLITE_BC_REGISTER_LOOPER);
}

/*
 * The echo server, a child of ipc_start() and the context manager: after
 * the gate opens, shared.loopers threads serve (this one included), more
 * when the driver asks, up to shared.max_threads. Exits 0 after CODE_QUIT
 * if no thread failed.
 */
static int echo_server(struct ipc_dev *dev, void *arg)
{
	struct server s = { .fd = dev->fd, .sh = arg, .lock = PTHREAD_MUTEX_INITIALIZER };
	uint32_t max = s.sh->max_threads;
	int i, failed;
	void *ret;

	IPC_CHECK(ioctl(s.fd, BINDERLITE_SET_MAX_THREADS, &max) == 0);
	while (__atomic_load_n(&s.sh->gate, __ATOMIC_SEQ_CST))
		bl_sleep_ms(5);
	for (i = 1; i < s.sh->loopers; i++)
		IPC_CHECK(start_thread(&s, entered_looper) == 0);
	failed = looper(&s, BINDERLITE_BC_ENTER_LOOPER);
	for (i = 0; i < __atomic_load_n(&s.nthreads, __ATOMIC_SEQ_CST); i++) {
		IPC_CHECK(pthread_join(s.threads[i], &ret) == 0);
		failed |= !!ret;
	}
	return failed;
}

static pid_t start_echo_server(const char *path, struct shared *sh)
{
	return ipc_start(path, true, echo_server, sh);
}

/*
 * Calls the echo server. Returns the code the call ended with, or -errno;
 * after a BR_REPLY (which must carry an answer and follow one
 * BR_TRANSACTION_COMPLETE), *@a is the answer and the reply is freed.
 * Reference-count events on the way are acknowledged.
 */
static long echo_call(struct ipc_reader *r, uint32_t code, const void *data, size_t size,
		      struct answer *a)
{
	struct ipc_result res;
	int ret = ipc_call_objs(r, 0, code, 0, data, size, NULL, 0, &res);

	if (ret || res.cmd != BINDERLITE_BR_REPLY)
		return ret ? ret : (long)res.cmd;
	if (res.completes != 1 || res.txn.data_size != sizeof(*a))
		ret = -EBADMSG;
	else
		memcpy(a, ipc_payload(&res.txn), sizeof(*a));
	if (ipc_free_buffer(r->fd, res.txn.data.ptr.buffer))
		ret = -EIO;
	return ret ? ret : REPLY;
}

/* Stops the echo server; returns its exit status. */
static int quit_echo_server(struct ipc_reader *r, pid_t pid)
{
	struct answer a;

	if (echo_call(r, CODE_QUIT, NULL, 0, &a) != REPLY)
		return -EBADMSG;
	return ipc_wait(pid, 30);
}

/*
 * Sends a oneway transaction; returns the code it was answered with
 * (BR_TRANSACTION_COMPLETE, BR_FAILED_REPLY or BR_DEAD_REPLY) or -errno.
 * Reference-count events on the way are acknowledged.
 */
static long send_oneway(struct ipc_reader *r, uint32_t handle, uint32_t code, const void *data,
			size_t size, const binderlite_size_t *offsets, size_t offsets_size)
{
	struct ipc_event ev;
	int ret;

	ret = ipc_send(r->fd, BINDERLITE_BC_TRANSACTION, handle, code, BINDERLITE_TF_ONE_WAY, data,
		       size, offsets, offsets_size);
	while (!ret) {
		ret = ipc_next(r, &ev);
		if (ret)
			break;
		switch (ev.cmd) {
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
		case BINDERLITE_BR_FAILED_REPLY:
		case BINDERLITE_BR_DEAD_REPLY:
			return ev.cmd;
		}
		ret = ipc_ack_ref(r->fd, &ev);
		ret = ret == 1 ? 0 : ret ? ret : -EBADMSG;
	}
	return ret;
}

/* Reads without blocking; returns what ipc_next() does. */
static int next_nonblock(struct ipc_reader *r, struct ipc_event *ev)
{
	int flags = fcntl(r->fd, F_GETFL), ret;

	if (flags < 0 || fcntl(r->fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	ret = ipc_next(r, ev);
	if (fcntl(r->fd, F_SETFL, flags))
		return -errno;
	return ret;
}

/*
 * Waits up to 30 s for *@v to become @want; false if it did not, or if a
 * child failed meanwhile.
 */
static bool wait_value(int *v, int want)
{
	int i;

	for (i = 0; i < 6000 && !ipc_child_failed; i++) {
		if (__atomic_load_n(v, __ATOMIC_SEQ_CST) == want)
			return true;
		bl_sleep_ms(5);
	}
	return false;
}

/* A payload of @size bytes filled for @seed; freed by the caller. */
static void *payload(size_t size, uint32_t seed)
{
	void *p = malloc(size ? size : 1);

	if (p)
		ipc_fill(p, size, seed);
	return p;
}

static void expect_extended_error(struct __test_metadata *_metadata, int fd, uint32_t command,
				  int32_t param)
{
	struct binderlite_extended_error ee = { 0 };

	ASSERT_EQ(0, ipc_extended_error(fd, &ee));
	EXPECT_EQ(command, ee.command);
	EXPECT_EQ(param, ee.param);
	/* The failed transaction's debug id: never 0 after a transaction. */
	EXPECT_NE(0U, ee.id);
	/* Reading the error clears it. */
	ASSERT_EQ(0, ipc_extended_error(fd, &ee));
	EXPECT_EQ(0U, ee.id);
	EXPECT_EQ(BINDERLITE_BR_OK, ee.command);
	EXPECT_EQ(0, ee.param);
}

TEST_F(txn, round_trip)
{
	struct binderlite_extended_error ee;
	struct ipc_result res;
	const struct answer *a;
	char data[100];
	pid_t srv;

	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	ipc_fill(data, sizeof(data), 1);
	ASSERT_EQ(0, ipc_call_objs(&self->r, 0, 0x12345678, BINDERLITE_TF_ACCEPT_FDS, data,
				   sizeof(data), NULL, 0, &res));
	ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	/* BR_TRANSACTION_COMPLETE, then BR_REPLY. */
	EXPECT_EQ(1, res.completes);
	EXPECT_EQ(0, res.refs);
	/* The reply: the replier's code, flags and euid; no pid, no target. */
	EXPECT_EQ(ANSWER_CODE, res.txn.code);
	EXPECT_EQ(ANSWER_FLAGS, res.txn.flags);
	EXPECT_EQ(0, res.txn.sender_pid);
	EXPECT_EQ(0U, res.txn.sender_euid);
	EXPECT_EQ(0ULL, res.txn.target.ptr);
	EXPECT_EQ(0ULL, res.txn.cookie);
	EXPECT_EQ(0ULL, res.txn.offsets_size);
	ASSERT_EQ(sizeof(*a), res.txn.data_size);
	a = ipc_payload(&res.txn);
	/* What the manager received: its node (ptr 0, cookie 0) and us. */
	EXPECT_EQ(0x12345678U, a->code);
	EXPECT_EQ((uint32_t)BINDERLITE_TF_ACCEPT_FDS, a->flags);
	EXPECT_EQ(getpid(), a->sender_pid);
	EXPECT_EQ(geteuid(), a->sender_euid);
	EXPECT_EQ(0ULL, a->ptr);
	EXPECT_EQ(0ULL, a->cookie);
	EXPECT_EQ(sizeof(data), a->data_size);
	EXPECT_EQ(0ULL, a->offsets_size);
	EXPECT_EQ(ipc_hash(data, sizeof(data)), a->hash);
	EXPECT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
	/* A transaction that went through leaves its id and BR_OK. */
	ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
	EXPECT_NE(0U, ee.id);
	EXPECT_EQ(BINDERLITE_BR_OK, ee.command);
	EXPECT_EQ(0, ee.param);
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/*
 * The sender of a synchronous call gets its BR_TRANSACTION_COMPLETE only
 * with the reply, in the same read; a oneway's comes at once.
 */
TEST_F(txn, sync_complete_comes_with_reply)
{
	struct ipc_event ev;
	struct answer a;
	pid_t srv;

	self->sh->gate = 1;
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ECHO, 0, NULL, 0));
	ASSERT_EQ(-EAGAIN, next_nonblock(&self->r, &ev));
	__atomic_store_n(&self->sh->gate, 0, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev));
	/* The reply is already in the buffer of that read. */
	EXPECT_LT(self->r.pos, self->r.len);
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_REPLY, &ev));
	ASSERT_EQ(sizeof(a), ev.txn.data_size);
	memcpy(&a, ipc_payload(&ev.txn), sizeof(a));
	EXPECT_EQ(CODE_ECHO, a.code);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, ev.txn.data.ptr.buffer));
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/* An echo call from another thread of this process. */
struct thread_call {
	int fd;
	uint32_t code;
	pid_t tid;
	long ret;
	struct answer a;
};

static void *thread_call(void *arg)
{
	struct thread_call *tc = arg;
	struct ipc_reader r;

	ipc_reader_init(&r, tc->fd);
	tc->tid = gettid();
	tc->ret = echo_call(&r, tc->code, NULL, 0, &tc->a);
	return NULL;
}

/*
 * sender_euid is the sending process's effective uid when it sends (not
 * when it opened the device); sender_pid is its process id, also when
 * another thread sends.
 */
TEST_F(txn, sender_pid_and_euid)
{
	struct thread_call tc = { .code = CODE_ECHO };
	struct ipc_dev dev;
	struct ipc_reader r;
	struct answer a;
	pthread_t thread;
	pid_t srv;

	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	/* Keep the capabilities across seteuid(): the device is root's. */
	ASSERT_EQ(0, prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP));
	ASSERT_EQ(0, seteuid(4321));
	ASSERT_EQ(0, ipc_open(&dev, variant->path, IPC_POOL_SIZE));
	ipc_reader_init(&r, dev.fd);
	EXPECT_EQ(REPLY, echo_call(&r, CODE_ECHO, NULL, 0, &a));
	EXPECT_EQ(4321U, a.sender_euid);
	EXPECT_EQ(getpid(), a.sender_pid);
	ASSERT_EQ(0, seteuid(0));
	EXPECT_EQ(REPLY, echo_call(&r, CODE_ECHO, NULL, 0, &a));
	EXPECT_EQ(0U, a.sender_euid);

	tc.fd = dev.fd;
	ASSERT_EQ(0, pthread_create(&thread, NULL, thread_call, &tc));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(REPLY, tc.ret);
	ASSERT_NE(getpid(), tc.tid);
	EXPECT_EQ(getpid(), tc.a.sender_pid);
	EXPECT_EQ(0, ipc_close(&dev));
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/*
 * Every size from nothing to the whole pool arrives intact: the server
 * hashes what it received, the test compares. A sync transaction may take
 * the whole free pool, not a byte more; a refused one changes nothing.
 */
TEST_F_TIMEOUT(txn, payload_sizes, 120)
{
	static const size_t sizes[] = {
		0, 1, 7, 8, 9, 63, 4095, 4096, 4097, 12345, 65536, 65537, 99999,
		IPC_POOL_SIZE / 2 + 3, IPC_POOL_SIZE - 1, IPC_POOL_SIZE,
	};
	struct answer a;
	size_t i;
	pid_t srv;
	void *p;

	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = payload(sizes[i], i);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, sizes[i], &a))
			TH_LOG("%zu bytes", sizes[i]);
		EXPECT_EQ(sizes[i], a.data_size);
		EXPECT_EQ(ipc_hash(p, sizes[i]), a.hash) TH_LOG("%zu bytes", sizes[i]);
		free(p);
	}

	p = payload(IPC_POOL_SIZE + 1, 99);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(FAILED, echo_call(&self->r, CODE_ECHO, p, IPC_POOL_SIZE + 1, &a));
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -ENOSPC);
	/* Traffic goes on, and the whole pool is still there. */
	EXPECT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, 100, &a));
	EXPECT_EQ(ipc_hash(p, 100), a.hash);
	EXPECT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, IPC_POOL_SIZE, &a));
	EXPECT_EQ(ipc_hash(p, IPC_POOL_SIZE), a.hash);
	free(p);
	/* The server saw each transaction once, in order. */
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
	ASSERT_EQ(ARRAY_SIZE(sizes) + 3, (size_t)self->sh->n);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		EXPECT_EQ(sizes[i], self->sh->log[i].data_size);
	}
}

/*
 * A buffer the receiver keeps takes its space until BC_FREE_BUFFER: the
 * rest of the pool, exactly, stays available.
 */
TEST_F(txn, free_buffer_returns_space)
{
	const size_t big = IPC_POOL_SIZE - 65536;
	struct answer a;
	pid_t srv;
	void *p;

	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	p = payload(IPC_POOL_SIZE, 7);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_HOLD, p, big, &a));
	ASSERT_EQ(FAILED, echo_call(&self->r, CODE_HOLD, p, big, &a));
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -ENOSPC);
	ASSERT_EQ(FAILED, echo_call(&self->r, CODE_ECHO, p, 65537, &a));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, 65536, &a));
	EXPECT_EQ(ipc_hash(p, 65536), a.hash);
	/* The server frees what it held; the whole pool is free again. */
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_RELEASE, NULL, 0, &a));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_HOLD, p, big, &a));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_RELEASE, NULL, 0, &a));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, IPC_POOL_SIZE, &a));
	EXPECT_EQ(ipc_hash(p, IPC_POOL_SIZE), a.hash);
	free(p);
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/*
 * Nested calls: the test (A) calls B, the context manager, passing its own
 * object; B calls C with a handle to it; C calls back into A. The call
 * back goes to A's thread that is waiting for its own call, not to A's
 * idle looper thread, and each level answers through the chain.
 */
#define A_PTR		0xa000ULL
#define A_COOKIE	0xa001ULL
#define C_PTR		0xc000ULL
#define C_COOKIE	0xc001ULL
#define A_VALUE		0x0a0a0a0aU
#define B_VALUE		0x0b0b0b0bU
#define C_VALUE		0x0c0c0c0cU
#define BAD_VALUE	0xbadU

static const binderlite_size_t first_object;

/* The next transaction, acknowledging reference counts on the way. */
static int next_transaction(struct ipc_reader *r, struct ipc_event *ev)
{
	int ret;

	do {
		ret = ipc_next(r, ev);
		if (!ret && ev->cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)
			ret = 1;
		else if (!ret && ev->cmd != BINDERLITE_BR_TRANSACTION)
			ret = ipc_ack_ref(r->fd, ev);
		else if (!ret)
			return 0;
	} while (ret == 1);
	return ret ? ret : -EBADMSG;
}

/*
 * Calls @handle, with @obj as the payload if not NULL; the reply must carry
 * *@value if @value is not NULL, else nothing. The reply is freed.
 */
static int call_value(struct ipc_reader *r, uint32_t handle, uint32_t code,
		      const struct flat_binderlite_object *obj, uint32_t *value)
{
	size_t size = value ? sizeof(*value) : 0;
	struct ipc_result res;
	int ret;

	ret = ipc_call_objs(r, handle, code, 0, obj, obj ? sizeof(*obj) : 0,
			    obj ? &first_object : NULL, obj ? sizeof(first_object) : 0, &res);
	if (ret)
		return ret;
	if (res.cmd != BINDERLITE_BR_REPLY)
		return -EBADMSG;
	if (res.txn.data_size == size && value)
		memcpy(value, ipc_payload(&res.txn), size);
	ret = ipc_free_buffer(r->fd, res.txn.data.ptr.buffer);
	return ret ? ret : res.txn.data_size == size ? 0 : -EBADMSG;
}

/* B, the context manager: takes C's registration, then A's call. */
static int nested_b(struct ipc_dev *dev, void *arg)
{
	binderlite_uintptr_t registration = 0;
	struct flat_binderlite_object obj;
	uint32_t c_handle = 0, value;
	struct ipc_reader r;
	struct ipc_event ev;
	int served;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	for (served = 0; served < 2; served++) {
		IPC_CHECK(next_transaction(&r, &ev) == 0);
		IPC_CHECK(ipc_obj_at(&ev.txn, 0, &obj, sizeof(obj)) == 0);
		IPC_CHECK(obj.hdr.type == BINDERLITE_TYPE_HANDLE);
		if (ev.txn.code == CODE_REGISTER) {
			/* Keep the buffer: it holds the reference to C. */
			registration = ev.txn.data.ptr.buffer;
			c_handle = obj.handle;
			IPC_CHECK(ipc_reply(dev->fd, 0, NULL, 0) == 0);
			continue;
		}
		IPC_CHECK(ev.txn.code == CODE_CALL && registration);
		/* Pass A's handle on to C. */
		obj = ipc_obj_handle(obj.handle);
		IPC_CHECK(call_value(&r, c_handle, CODE_CALL, &obj, &value) == 0);
		value ^= B_VALUE;
		IPC_CHECK(ipc_reply_free(dev->fd, ev.txn.data.ptr.buffer, &value,
					 sizeof(value)) == 0);
	}
	IPC_CHECK(ipc_free_buffer(dev->fd, registration) == 0);
	return 0;
}

/* C: registers with B, then serves B's call by calling A back. */
static int nested_c(struct ipc_dev *dev, void *arg)
{
	struct flat_binderlite_object obj = ipc_obj_binder(C_PTR, C_COOKIE);
	struct shared *sh = arg;
	struct ipc_reader r;
	struct ipc_event ev;
	uint32_t value;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(call_value(&r, 0, CODE_REGISTER, &obj, NULL) == 0);
	__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	IPC_CHECK(next_transaction(&r, &ev) == 0);
	IPC_CHECK(ev.txn.code == CODE_CALL);
	IPC_CHECK(ev.txn.target.ptr == C_PTR && ev.txn.cookie == C_COOKIE);
	IPC_CHECK(ipc_obj_at(&ev.txn, 0, &obj, sizeof(obj)) == 0);
	IPC_CHECK(obj.hdr.type == BINDERLITE_TYPE_HANDLE);
	IPC_CHECK(call_value(&r, obj.handle, CODE_CALLBACK, NULL, &value) == 0);
	value ^= C_VALUE;
	IPC_CHECK(ipc_reply_free(dev->fd, ev.txn.data.ptr.buffer, &value, sizeof(value)) == 0);
	return 0;
}

/* A's idle looper thread: no transaction is for it. */
struct idle_looper {
	int fd;
	int stop;
	int served;
	int failed;
};

static void *idle_looper(void *arg)
{
	struct idle_looper *il = arg;
	uint32_t value = BAD_VALUE;
	struct ipc_reader r;
	struct ipc_event ev;
	int ret;

	ipc_reader_init(&r, il->fd);
	r.stop = &il->stop;
	if (ipc_looper(il->fd, BINDERLITE_BC_ENTER_LOOPER))
		il->failed = 1;
	while (!il->failed) {
		ret = next_transaction(&r, &ev);
		if (ret == -ECANCELED)
			break;
		/* Answer anyway, so that a misrouted call cannot hang the test. */
		if (ret || ipc_reply_free(il->fd, ev.txn.data.ptr.buffer, &value, sizeof(value)))
			il->failed = 1;
		il->served++;
	}
	return NULL;
}

TEST_F(txn, nested_calls)
{
	struct flat_binderlite_object obj = ipc_obj_binder(A_PTR, A_COOKIE);
	struct idle_looper il = { .fd = self->dev.fd };
	uint32_t value = A_VALUE;
	pid_t b, c, call_tid = gettid(), callback_tid = 0;
	struct ipc_event ev;
	pthread_t looper_thread;
	uint32_t seq[16];
	size_t n = 0;

	b = ipc_start(variant->path, true, nested_b, NULL);
	ASSERT_LT(0, b);
	c = ipc_start(variant->path, false, nested_c, self->sh);
	ASSERT_LT(0, c);
	ASSERT_TRUE(wait_value(&self->sh->ready, 1));
	ASSERT_EQ(0, pthread_create(&looper_thread, NULL, idle_looper, &il));

	ASSERT_EQ(0, ipc_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, 0, CODE_CALL, 0, &obj,
			      sizeof(obj), &first_object, sizeof(first_object)));
	do {
		ASSERT_EQ(0, ipc_next(&self->r, &ev));
		if (ipc_ack_ref(self->dev.fd, &ev) == 1)
			continue;
		ASSERT_GT(ARRAY_SIZE(seq), n);
		seq[n++] = ev.cmd;
		if (ev.cmd != BINDERLITE_BR_TRANSACTION)
			continue;
		/* C calling back, received by the thread that waits for B. */
		callback_tid = gettid();
		EXPECT_EQ(CODE_CALLBACK, ev.txn.code);
		EXPECT_EQ(c, ev.txn.sender_pid);
		EXPECT_EQ(A_PTR, ev.txn.target.ptr);
		EXPECT_EQ(A_COOKIE, ev.txn.cookie);
		ASSERT_EQ(0, ipc_reply_free(self->dev.fd, ev.txn.data.ptr.buffer, &value,
					    sizeof(value)));
	} while (ev.cmd != BINDERLITE_BR_REPLY);
	ASSERT_EQ(sizeof(value), ev.txn.data_size);
	memcpy(&value, ipc_payload(&ev.txn), sizeof(value));
	EXPECT_EQ(0, ipc_free_buffer(self->dev.fd, ev.txn.data.ptr.buffer));
	EXPECT_EQ(A_VALUE ^ C_VALUE ^ B_VALUE, value);
	EXPECT_EQ(call_tid, callback_tid);
	/*
	 * The call's BR_TRANSACTION_COMPLETE comes with the call back; the
	 * reply to it brings its own, then B's reply.
	 */
	ASSERT_EQ(4U, n);
	EXPECT_EQ(BINDERLITE_BR_TRANSACTION_COMPLETE, seq[0]);
	EXPECT_EQ(BINDERLITE_BR_TRANSACTION, seq[1]);
	EXPECT_EQ(BINDERLITE_BR_TRANSACTION_COMPLETE, seq[2]);
	EXPECT_EQ(BINDERLITE_BR_REPLY, seq[3]);

	__atomic_store_n(&il.stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, ipc_flush(self->dev.fd));
	ASSERT_EQ(0, pthread_join(looper_thread, NULL));
	EXPECT_EQ(0, il.served);
	EXPECT_EQ(0, il.failed);
	EXPECT_EQ(0, ipc_wait(b, 30));
	EXPECT_EQ(0, ipc_wait(c, 30));
}

/* Many clients at once on several server threads: every answer is right. */
#define CLIENTS		4
#define CLIENT_CALLS	200

static int echo_client(struct ipc_dev *dev, void *arg)
{
	uint32_t id = (uintptr_t)arg;
	struct ipc_reader r;
	struct answer a;
	char data[3000];
	size_t size;
	int i;

	ipc_reader_init(&r, dev->fd);
	for (i = 0; i < CLIENT_CALLS; i++) {
		size = (i * 37 + id * 101) % sizeof(data);
		ipc_fill(data, size, id << 16 | i);
		IPC_CHECK(echo_call(&r, CODE_ECHO, data, size, &a) == REPLY);
		IPC_CHECK(a.data_size == size);
		IPC_CHECK(a.hash == ipc_hash(data, size));
		IPC_CHECK(a.sender_pid == getpid());
	}
	return 0;
}

TEST_F_TIMEOUT(txn, clients_and_server_threads, 240)
{
	pid_t srv, clients[CLIENTS];
	int i;

	self->sh->loopers = 4;
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	for (i = 0; i < CLIENTS; i++) {
		clients[i] = ipc_start(variant->path, false, echo_client, (void *)(uintptr_t)i);
		ASSERT_LT(0, clients[i]);
	}
	for (i = 0; i < CLIENTS; i++) {
		/* Braces: the harness's macros are more than one statement. */
		EXPECT_EQ(0, ipc_wait(clients[i], 200)) TH_LOG("client %d", i);
	}
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
	EXPECT_EQ(CLIENTS * CLIENT_CALLS + 1, self->sh->n);
	/* Without SET_MAX_THREADS, the driver asks for no thread. */
	EXPECT_EQ(0, self->sh->spawns);
}

/*
 * The thread pool: with max_threads 2, a server that entered the loop with
 * one thread is asked (BR_SPAWN_LOOPER) for two more, which register, and
 * never for a third, however many calls wait.
 */
#define POOL_MAX_THREADS	2
#define POOL_CALLERS		5

TEST_F_TIMEOUT(txn, thread_pool, 120)
{
	struct thread_call calls[POOL_CALLERS];
	pthread_t threads[POOL_CALLERS];
	pid_t srv;
	int i;

	self->sh->max_threads = POOL_MAX_THREADS;
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	for (i = 0; i < POOL_CALLERS; i++) {
		calls[i] = (struct thread_call){ .fd = self->dev.fd, .code = CODE_BLOCK };
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, thread_call, &calls[i]));
	}
	/* The looper that entered and the two spawned ones are all busy... */
	ASSERT_TRUE(wait_value(&self->sh->busy, POOL_MAX_THREADS + 1));
	/* ...and stay the only ones, while two calls wait. */
	bl_sleep_ms(500);
	EXPECT_EQ(POOL_MAX_THREADS + 1, self->sh->busy);
	EXPECT_EQ(POOL_MAX_THREADS, self->sh->spawns);
	__atomic_store_n(&self->sh->release, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < POOL_CALLERS; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], NULL));
		EXPECT_EQ(REPLY, calls[i].ret);
		EXPECT_EQ(CODE_BLOCK, calls[i].a.code);
	}
	EXPECT_EQ(POOL_MAX_THREADS + 1, self->sh->max_busy);
	EXPECT_EQ(POOL_MAX_THREADS, self->sh->spawns);
	/* The first three calls were served at once, by three threads. */
	ASSERT_EQ(POOL_CALLERS, self->sh->n);
	EXPECT_NE(self->sh->log[0].tid, self->sh->log[1].tid);
	EXPECT_NE(self->sh->log[0].tid, self->sh->log[2].tid);
	EXPECT_NE(self->sh->log[1].tid, self->sh->log[2].tid);
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/*
 * A oneway transaction is complete for its sender at once, whether or not
 * anybody reads it, and nothing else ever comes back for it. Its receiver
 * learns no sender pid.
 */
TEST_F(txn, oneway_completes_at_once)
{
	const struct answer *log = self->sh->log;
	struct ipc_event ev;
	struct answer a;
	char data[100];
	pid_t srv;

	self->sh->gate = 1;
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	ipc_fill(data, sizeof(data), 3);
	ASSERT_EQ(COMPLETE, send_oneway(&self->r, 0, CODE_ECHO, data, sizeof(data), NULL, 0));
	ASSERT_EQ(-EAGAIN, next_nonblock(&self->r, &ev));
	__atomic_store_n(&self->sh->gate, 0, __ATOMIC_SEQ_CST);
	ASSERT_TRUE(wait_value(&self->sh->n, 1));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, NULL, 0, &a));
	ASSERT_EQ(-EAGAIN, next_nonblock(&self->r, &ev));
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));

	ASSERT_EQ(3, self->sh->n);
	EXPECT_EQ(CODE_ECHO, log[0].code);
	EXPECT_EQ((uint32_t)BINDERLITE_TF_ONE_WAY, log[0].flags);
	EXPECT_EQ(0, log[0].sender_pid);
	EXPECT_EQ(geteuid(), log[0].sender_euid);
	EXPECT_EQ(sizeof(data), log[0].data_size);
	EXPECT_EQ(ipc_hash(data, sizeof(data)), log[0].hash);
	EXPECT_EQ(0U, log[1].flags);
	EXPECT_EQ(getpid(), log[1].sender_pid);
}

/* Oneway transactions to one node arrive in the order they were sent. */
#define ONEWAYS		64
#define ONEWAY_CODE(i)	(0x1000U + (i))

TEST_F(txn, oneway_order)
{
	uint32_t hashes[ONEWAYS];
	size_t sizes[ONEWAYS];
	char data[4000];
	pid_t srv;
	int i;

	self->sh->gate = 1;
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	for (i = 0; i < ONEWAYS; i++) {
		sizes[i] = (i * 61) % sizeof(data);
		ipc_fill(data, sizes[i], i);
		hashes[i] = ipc_hash(data, sizes[i]);
		ASSERT_EQ(COMPLETE,
			  send_oneway(&self->r, 0, ONEWAY_CODE(i), data, sizes[i], NULL, 0));
	}
	__atomic_store_n(&self->sh->gate, 0, __ATOMIC_SEQ_CST);
	/*
	 * Wait for all of them before quitting: a synchronous call does not
	 * queue behind the oneways of a node.
	 */
	ASSERT_TRUE(wait_value(&self->sh->n, ONEWAYS));
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
	for (i = 0; i < ONEWAYS; i++) {
		EXPECT_EQ(ONEWAY_CODE(i), self->sh->log[i].code);
		EXPECT_EQ(sizes[i], self->sh->log[i].data_size);
		EXPECT_EQ(hashes[i], self->sh->log[i].hash);
	}
}

/*
 * The serialization test's transactions: oneways 1 and 2, then a call 3;
 * each carries SERIAL_SIZE bytes filled with its code as the seed.
 */
#define SERIAL_SIZE	64U

static int serial_client(struct ipc_dev *dev, void *arg)
{
	char data[3][SERIAL_SIZE];
	struct ipc_result res;
	struct ipc_reader r;
	int i;

	ipc_reader_init(&r, dev->fd);
	for (i = 0; i < 3; i++)
		ipc_fill(data[i], SERIAL_SIZE, i + 1);
	IPC_CHECK(send_oneway(&r, 0, 1, data[0], SERIAL_SIZE, NULL, 0) == COMPLETE);
	IPC_CHECK(send_oneway(&r, 0, 2, data[1], SERIAL_SIZE, NULL, 0) == COMPLETE);
	IPC_CHECK(ipc_call(&r, 0, 3, data[2], SERIAL_SIZE, &res) == 0);
	IPC_CHECK(res.cmd == BINDERLITE_BR_REPLY);
	IPC_CHECK(ipc_free_buffer(dev->fd, res.txn.data.ptr.buffer) == 0);
	return 0;
}

/* The next event must be serial_client()'s transaction @code. */
static void expect_serial(struct __test_metadata *_metadata, struct ipc_reader *r,
			  uint32_t code, struct ipc_event *ev)
{
	uint32_t flags = code == 3 ? 0 : BINDERLITE_TF_ONE_WAY;

	ASSERT_EQ(0, ipc_expect(r, BINDERLITE_BR_TRANSACTION, ev));
	EXPECT_EQ(code, ev->txn.code);
	EXPECT_EQ(flags, ev->txn.flags);
	ASSERT_EQ(SERIAL_SIZE, ev->txn.data_size);
	EXPECT_EQ(-1, ipc_check_fill(ipc_payload(&ev->txn), SERIAL_SIZE, code));
}

/*
 * The next oneway to a node is delivered only once the receiver freed the
 * buffer of the previous one; synchronous calls are not held back. The
 * test is the manager here.
 */
TEST_F(txn, oneway_serialized_per_node)
{
	struct ipc_event first, ev;
	pid_t cl;

	ASSERT_EQ(0, ipc_become_mgr(self->dev.fd));
	ASSERT_EQ(0, ipc_looper(self->dev.fd, BINDERLITE_BC_ENTER_LOOPER));
	cl = ipc_start(variant->path, false, serial_client, NULL);
	ASSERT_LT(0, cl);

	expect_serial(_metadata, &self->r, 1, &first);
	/* The second oneway waits for the first buffer; the call does not. */
	expect_serial(_metadata, &self->r, 3, &ev);
	ASSERT_EQ(0, ipc_reply_free(self->dev.fd, ev.txn.data.ptr.buffer, NULL, 0));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev));
	ASSERT_EQ(-EAGAIN, next_nonblock(&self->r, &ev));
	/* Freeing the first one lets the second through. */
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, first.txn.data.ptr.buffer));
	expect_serial(_metadata, &self->r, 2, &ev);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, ev.txn.data.ptr.buffer));
	EXPECT_EQ(0, ipc_wait(cl, 30));
}

/*
 * Oneway transactions may hold at most half the receiver's pool, counted
 * from when they are sent until their buffers are freed; beyond it the
 * sender gets BR_FAILED_REPLY (-ENOSPC). Synchronous calls still have the
 * rest of the pool.
 */
TEST_F(txn, oneway_async_quota)
{
	const size_t chunk = IPC_POOL_SIZE / 16;
	struct answer a;
	pid_t srv;
	void *p;
	int i;

	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	p = payload(IPC_POOL_SIZE / 4, 5);
	ASSERT_NE(NULL, p);
	/* The server holds the first; the others wait behind it. */
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(COMPLETE, send_oneway(&self->r, 0, CODE_HOLD, p, chunk, NULL, 0))
			TH_LOG("oneway %d", i);
	}
	ASSERT_EQ(FAILED, send_oneway(&self->r, 0, CODE_HOLD, p, chunk, NULL, 0));
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -ENOSPC);
	ASSERT_EQ(FAILED, send_oneway(&self->r, 0, CODE_HOLD, p, 0, NULL, 0));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, IPC_POOL_SIZE / 4, &a));
	EXPECT_EQ(ipc_hash(p, IPC_POOL_SIZE / 4), a.hash);
	/* The server frees the buffer it holds: room for one more. */
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_RELEASE, NULL, 0, &a));
	ASSERT_EQ(COMPLETE, send_oneway(&self->r, 0, CODE_HOLD, p, chunk, NULL, 0));
	ASSERT_EQ(FAILED, send_oneway(&self->r, 0, CODE_HOLD, p, 1, NULL, 0));
	free(p);
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/* A reply with no transaction to answer. */
TEST_F(txn, reply_without_transaction)
{
	struct ipc_event ev;

	ASSERT_EQ(0, ipc_reply(self->dev.fd, 0, "x", 1));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev));
	ASSERT_EQ(-EAGAIN, next_nonblock(&self->r, &ev));
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EPROTO);
}

/*
 * A handle this process does not have. Until the failure is read, the
 * driver takes no further command.
 */
TEST_F(txn, unknown_handle)
{
	struct binderlite_write_read bwr = { 0 };
	struct ipc_cmds c = { 0 };
	struct ipc_result res;
	struct ipc_event ev;

	ASSERT_EQ(0, ipc_call(&self->r, 42, CODE_ECHO, NULL, 0, &res));
	EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, res.cmd);
	EXPECT_EQ(0, res.completes);
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);
	ASSERT_EQ(FAILED, send_oneway(&self->r, 42, CODE_ECHO, NULL, 0, NULL, 0));
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);

	ipc_cmd_txn(&c, BINDERLITE_BC_TRANSACTION, 42, CODE_ECHO, 0, NULL, 0, NULL, 0);
	ipc_cmd(&c, BINDERLITE_BC_ENTER_LOOPER, NULL, 0);
	bwr.write_size = c.len;
	bwr.write_buffer = (uintptr_t)c.buf;
	ASSERT_EQ(0, ipc_write_read(self->dev.fd, &bwr));
	EXPECT_EQ(sizeof(uint32_t) + sizeof(struct binderlite_transaction_data),
		  bwr.write_consumed);
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev));
	ASSERT_EQ(0, ipc_write_read(self->dev.fd, &bwr));
	EXPECT_EQ(c.len, bwr.write_consumed);
}

/* Handle 0 with no context manager: a dead reply, sync or oneway. */
TEST_F(txn, no_context_manager)
{
	struct binderlite_extended_error ee = { 0 };
	struct ipc_result res;
	int i;

	/*
	 * The previous test's manager may still be on its way out (binder
	 * releases from a workqueue); then the call dies with it instead.
	 */
	for (i = 0; i < 200 && ee.command != BINDERLITE_BR_DEAD_REPLY; i++) {
		if (i)
			bl_sleep_ms(10);
		ASSERT_EQ(0, ipc_call(&self->r, 0, CODE_ECHO, NULL, 0, &res));
		ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, res.cmd);
		ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
	}
	EXPECT_EQ(0, res.completes);
	EXPECT_EQ(BINDERLITE_BR_DEAD_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
	EXPECT_NE(0U, ee.id);
	ASSERT_EQ(DEAD, send_oneway(&self->r, 0, CODE_ECHO, NULL, 0, NULL, 0));
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_DEAD_REPLY, -EINVAL);
}

/* The context manager's process cannot call handle 0. */
TEST_F(txn, manager_calls_itself)
{
	struct ipc_result res;

	ASSERT_EQ(0, ipc_become_mgr(self->dev.fd));
	ASSERT_EQ(0, ipc_call(&self->r, 0, CODE_ECHO, NULL, 0, &res));
	EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, res.cmd);
	expect_extended_error(_metadata, self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);
}

/* How much the transaction counters of binderlite's stats moved. */
static void expect_counted(struct __test_metadata *_metadata, const struct ipc_stats *before,
			   long long transactions, long long oneways, long long replies,
			   long long failed, long long bytes)
{
	struct ipc_stats after;

	ASSERT_EQ(0, ipc_stats_read(&after));
	EXPECT_EQ(transactions, ipc_stats_delta(_metadata, before, &after, "transactions"));
	EXPECT_EQ(oneways, ipc_stats_delta(_metadata, before, &after, "oneways"));
	EXPECT_EQ(replies, ipc_stats_delta(_metadata, before, &after, "replies"));
	EXPECT_EQ(failed, ipc_stats_delta(_metadata, before, &after, "failed"));
	EXPECT_EQ(bytes, ipc_stats_delta(_metadata, before, &after, "bytes_sent"));
	/* Exactly one copy of each byte sent. */
	EXPECT_EQ(bytes, ipc_stats_delta(_metadata, before, &after, "bytes_copied"));
}

/*
 * binderlite's debugfs: each transaction and reply is counted, and its data
 * and offsets are copied exactly once; the procs and pools tables show the
 * processes.
 */
TEST_F(txn, stats_count_one_copy)
{
	static const size_t sizes[] = { 0, 1, 8, 4097, 65541 };
	struct flat_binderlite_object obj = ipc_obj_binder(A_PTR, A_COOKIE);
	struct ipc_stats before;
	struct ipc_event ev;
	long long val;
	struct answer a;
	size_t i;
	pid_t srv;
	void *p;

	if (!variant->binderlite)
		SKIP(return, "%s has no statistics", variant->path);
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	p = payload(IPC_POOL_SIZE + 1, 11);
	ASSERT_NE(NULL, p);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ASSERT_EQ(0, ipc_stats_read(&before));
		ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p, sizes[i], &a));
		expect_counted(_metadata, &before, 1, 0, 1, 0, sizes[i] + sizeof(a));

		ASSERT_EQ(0, ipc_stats_read(&before));
		ASSERT_EQ(COMPLETE, send_oneway(&self->r, 0, CODE_ECHO, p, sizes[i], NULL, 0));
		expect_counted(_metadata, &before, 1, 1, 0, 0, sizes[i]);
	}
	/* An object: its offsets are sent and copied too. */
	ASSERT_EQ(0, ipc_stats_read(&before));
	ASSERT_EQ(COMPLETE, send_oneway(&self->r, 0, CODE_ECHO, &obj, sizeof(obj), &first_object,
					sizeof(first_object)));
	expect_counted(_metadata, &before, 1, 1, 0, 0, sizeof(obj) + sizeof(first_object));
	/* Refused transactions and replies count as failed, nothing else. */
	ASSERT_EQ(0, ipc_stats_read(&before));
	ASSERT_EQ(FAILED, echo_call(&self->r, CODE_ECHO, p, IPC_POOL_SIZE + 1, &a));
	ASSERT_EQ(0, ipc_reply(self->dev.fd, 0, NULL, 0));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev));
	expect_counted(_metadata, &before, 0, 0, 0, 2, 0);
	free(p);

	/*
	 * Once the server took the last oneway, and then answered this call,
	 * it has freed every buffer. Without the wait the call could overtake
	 * a oneway still queued behind the previous one to the node.
	 */
	ASSERT_TRUE(wait_value(&self->sh->n, (int)(2 * ARRAY_SIZE(sizes) + 1)));
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, NULL, 0, &a));
	ASSERT_EQ(0, ipc_table_value("procs", getpid(), "threads", &val));
	EXPECT_EQ(1, val);
	ASSERT_EQ(0, ipc_table_value("procs", getpid(), "buffers", &val));
	EXPECT_EQ(0, val);
	ASSERT_EQ(0, ipc_table_value("procs", srv, "nodes", &val));
	EXPECT_EQ(1, val);
	ASSERT_EQ(0, ipc_table_value("procs", srv, "buffers", &val));
	EXPECT_EQ(0, val);
	ASSERT_EQ(0, ipc_table_value("pools", srv, "buffers", &val));
	EXPECT_EQ(0, val);
	ASSERT_EQ(0, ipc_table_value("pools", getpid(), "buffers", &val));
	EXPECT_EQ(0, val);
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

/* Pages reclaimed between two calls: the second payload arrives intact. */
static long long pages_reclaimed(struct __test_metadata *_metadata)
{
	struct ipc_stats st;
	long long val = -1;

	EXPECT_EQ(0, ipc_stats_read(&st));
	EXPECT_EQ(0, ipc_stats_get(&st, "pages_reclaimed", &val));
	return val;
}

TEST_F(txn, reclaim_between_calls)
{
	const size_t size = 256 * 1024;
	long long before;
	struct answer a;
	void *p1, *p2;
	pid_t srv;
	int fd;

	if (!variant->binderlite)
		SKIP(return, "%s has no reclaim control", variant->path);
	srv = start_echo_server(variant->path, self->sh);
	ASSERT_LT(0, srv);
	p1 = payload(size, 21);
	p2 = payload(size, 22);
	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p1, size, &a));
	EXPECT_EQ(ipc_hash(p1, size), a.hash);

	/* The server freed the buffer: its pages are parked, then reclaimed. */
	before = pages_reclaimed(_metadata);
	fd = open(IPC_DEBUGFS "/reclaim", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(6, write(fd, "100000", 6));
	EXPECT_EQ(0, close(fd));
	EXPECT_LE(before + (long long)(size / 4096), pages_reclaimed(_metadata));

	ASSERT_EQ(REPLY, echo_call(&self->r, CODE_ECHO, p2, size, &a));
	EXPECT_EQ(ipc_hash(p2, size), a.hash);
	free(p1);
	free(p2);
	EXPECT_EQ(0, quit_echo_server(&self->r, srv));
}

TEST_HARNESS_MAIN
