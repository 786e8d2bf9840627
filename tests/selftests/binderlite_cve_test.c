// SPDX-License-Identifier: GPL-2.0
/*
 * One regression test (or a few) per class of binder's published
 * vulnerabilities, re-implemented code being prone to the same mistakes:
 *
 * - CVE-2019-2215: a thread's wait queue left in an epoll set after the
 *   thread was freed;
 * - CVE-2019-2025: a buffer freed while the driver still used it;
 * - CVE-2020-0041 and later: offsets and objects trusted without checks;
 * - CVE-2023-20938, CVE-2023-21255: references taken for the objects of a
 *   transaction not dropped, or dropped twice, when it fails;
 * - CVE-2023-20928: the pool's mapping or pages going away under a
 *   transaction that writes into them;
 * - CVE-2022-20421: a process torn down while others still use it;
 * - and the classes of the newer objects: files leaked by failed
 *   transactions, buffer fixups outside their parent, fd arrays closed twice.
 *
 * Each test says what the original bug was and what the test proves. They
 * check the answer (the error, the extended error), the state afterwards
 * (binder's node-information ioctls, binderlite's debugfs, /proc/self/fd,
 * pipes that reach EOF only once every holder of their write end is gone)
 * and that a round trip still works. The memory-safety side itself (a
 * use-after-free, a double put) is what the debug kernel's KASAN, kmemleak
 * and refcount checks catch while these run. Races loop a bounded number
 * of rounds. Every test runs against /dev/binderlite and /dev/binder.
 */
#include <pthread.h>
#include <sys/epoll.h>
#include <linux/membarrier.h>

#include "binderlite_ipc_obj.h"
#include "binderlite_ipc_sg.h"

#define PEER_S		0x7000ULL
#define PEER_A		0x7100ULL
#define PEER_B		0x7200ULL
#define PEER_S2		0x7300ULL
#define DEATH(i)	(0xdead0000ULL + (i))
#define KERNEL_ADDR	0xffff888000000000ULL
#define CODE_FDS	0x100U
#define CODE_NESTED	0x101U

/*
 * The hub: the test is the context manager and a looper; the peer S
 * registered with it and answers calls (binderlite_ipc_obj.h).
 */
FIXTURE(hub) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct obj_peer s;
	uint32_t seed;
};

FIXTURE_VARIANT(hub) {
	BL_VARIANT_DEVICE;
	/*
	 * extended error of an offset outside the data or inside an earlier
	 * object: binderlite validates offsets as such (-EINVAL); binder copies
	 * the data piecewise up to each object and fails that copy (-EFAULT),
	 * see Documentation/protocol.rst
	 */
	int order_param;
};

BL_DEVICE_VARIANTS(hub, (.order_param = -EINVAL), (.order_param = -EFAULT));

FIXTURE_SETUP(hub)
{
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_S, OBJ_PEER_COOKIE(PEER_S),
				    &self->s));
}

FIXTURE_TEARDOWN(hub)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
}

/* A call to S and its reply, with a payload that checks itself. */
static void round_trip(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self)
{
	struct binderlite_transaction_data tr;
	uint8_t payload[40];
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	int ret;

	ipc_fill(payload, sizeof(payload), ++self->seed);
	obj_msg_init(&m);
	obj_msg_put(&m, payload, sizeof(payload));
	ret = obj_call(&self->r, self->s.handle, OBJ_PEER_ECHO, &m, &rep);
	ASSERT_EQ(0, ret) TH_LOG("round trip: %s, event %#x", strerror(-ret), rep.cmd);
	ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	ASSERT_EQ(sizeof(payload), tr.data_size);
	ASSERT_EQ(-1, ipc_check_fill(v.data, sizeof(payload), self->seed));
	IPC_ASSERT_IDLE(&self->r, 0);
}

/* Asserts that S was never told about a call (OBJ_PEER_HOLD notifies the test). */
static void assert_peer_saw_nothing(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self)
{
	struct pollfd pfd = { .fd = self->s.notify, .events = POLLIN };

	/* S serves in order: after this round trip it has read everything before it. */
	round_trip(_metadata, self);
	ASSERT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("the peer received a refused transaction");
}

/* A process's value in the column @col of binderlite's debugfs "procs". */
static long long procs_value(struct __test_metadata *_metadata, pid_t pid, const char *col)
{
	long long val = -1;

	EXPECT_EQ(0, ipc_table_value("procs", pid, col, &val)) TH_LOG("procs %d %s", pid, col);
	return val;
}

/* Waits (5 s at most) until binderlite's debugfs has no row for @pid. */
static bool proc_gone(pid_t pid)
{
	long long val;
	int i;

	for (i = 0; i < 500; i++) {
		if (ipc_table_value("procs", pid, "threads", &val) == -ENOENT)
			return true;
		bl_sleep_ms(10);
	}
	return false;
}

static int thread_exit(int fd)
{
	int32_t unused = 0;

	return ioctl(fd, BINDERLITE_THREAD_EXIT, &unused) ? -errno : 0;
}

/*
 * Makes the kernel really free what kfree_rcu() queued, which it batches
 * for up to 5 s: drop_caches runs kfree_rcu's shrinker, which hands the
 * batch to RCU, and membarrier(MEMBARRIER_CMD_GLOBAL) waits for a grace
 * period. Best effort, for the debug kernel: a freed thread that epoll
 * still points to is then memory KASAN watches, not memory awaiting
 * its free. Nothing is asserted here.
 */
static void flush_rcu_frees(void)
{
	int i, fd;

	for (i = 0; i < 2; i++) {
		fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "2", 1) != 1)
				fprintf(stderr, "# drop_caches: %s\n", strerror(errno));
			close(fd);
		}
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		bl_sleep_ms(20);
	}
}

/* A child that calls the manager (handle 0) once *@arg is set. */
static int call_mgr_main(struct ipc_dev *dev, void *arg)
{
	struct ipc_result res;
	struct ipc_reader r;
	uint64_t v = 1;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_wait_int(arg, 1, 10000));
	IPC_CHECK(ipc_transact(dev->fd, 0, CODE_NESTED, 0, &v, sizeof(v)) == 0);
	IPC_CHECK(ipc_call_result(&r, false, &res) == 0);
	IPC_CHECK(res.cmd == BINDERLITE_BR_REPLY);
	IPC_CHECK(ipc_free_buffer(dev->fd, res.txn.data.ptr.buffer) == 0);
	return 0;
}

/*
 * CVE-2019-2215, epoll and BINDER_THREAD_EXIT: poll() on binder puts the
 * calling thread's wait queue in the poller's table; epoll keeps it there.
 * BINDER_THREAD_EXIT freed the thread, wait queue included, while epoll
 * still had it linked, and epoll's later removal of the entry wrote into
 * freed memory. The thread must unhook its pollers (POLLFREE) before it
 * goes. This proves that an epoll set outlives the thread's exit without
 * harm: the waits and removals that touch the old entry succeed, a new
 * registration of the same thread works (a call wakes it), the thread
 * count drops by one, and calls still work.
 */
TEST_F(hub, epoll_then_thread_exit)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	int ep, ep2, fd = self->dev.fd, *go;
	long long threads = 0;
	struct ipc_event tev;
	pid_t pid;

	round_trip(_metadata, self);
	if (variant->binderlite)
		threads = procs_value(_metadata, getpid(), "threads");
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(0, thread_exit(fd));
	if (variant->binderlite)
		ASSERT_EQ(threads - 1, procs_value(_metadata, getpid(), "threads"));
	flush_rcu_frees();
	/* The old entry is looked at and removed: it must not reach the freed thread. */
	ASSERT_LE(0, epoll_wait(ep, out, 2, 0));

	/* The thread is back with its next ioctl; a new registration works. */
	ASSERT_EQ(0, ipc_looper(fd, BINDERLITE_BC_ENTER_LOOPER));
	IPC_ASSERT_IDLE(&self->r, 0);
	ep2 = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep2);
	ASSERT_EQ(0, epoll_ctl(ep2, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(0, epoll_wait(ep2, out, 2, 0));
	/* A call to the test's process wakes it (binder wakes pollers for that, not on a flush). */
	go = ipc_shared(sizeof(*go));
	ASSERT_NE(MAP_FAILED, go);
	pid = ipc_start(variant->path, false, call_mgr_main, go);
	ASSERT_LT(0, pid);
	ipc_store(go, 1);
	ASSERT_EQ(1, epoll_wait(ep2, out, 2, 5000));
	ASSERT_NE(0U, out[0].events & (uint32_t)EPOLLIN);
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION, &tev);
	ASSERT_EQ(CODE_NESTED, tev.txn.code);
	ASSERT_EQ(0, ipc_reply_free(fd, tev.txn.data.ptr.buffer, NULL, 0));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &tev);
	ASSERT_EQ(0, ipc_wait(pid, 10));
	munmap(go, sizeof(*go));
	IPC_ASSERT_IDLE(&self->r, 0);

	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
	ASSERT_EQ(0, close(ep));
	ASSERT_EQ(0, epoll_ctl(ep2, EPOLL_CTL_DEL, fd, NULL));
	/* The second one exits with its entry still in: only the close removes it. */
	ASSERT_EQ(0, epoll_ctl(ep2, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(0, thread_exit(fd));
	flush_rcu_frees();
	ASSERT_EQ(0, close(ep2));
	ASSERT_EQ(0, ipc_looper(fd, BINDERLITE_BC_ENTER_LOOPER));
	if (variant->binderlite)
		ASSERT_EQ(threads, procs_value(_metadata, getpid(), "threads"));
	round_trip(_metadata, self);
}

#define EPOLL_ROUNDS	100

/* A thread that registers with an epoll set and exits, @rounds times. */
struct epoll_racer {
	int fd;
	int ep[EPOLL_ROUNDS];
	int registered;
	int waiting;
	int exited;
	int go;
	int err;
};

static void *epoll_racer_main(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct epoll_racer *er = arg;
	int i;

	for (i = 0; i < EPOLL_ROUNDS && !er->err; i++) {
		if (!ipc_wait_int(&er->go, i + 1, 10000)) {
			er->err = -ETIMEDOUT;
			break;
		}
		if (epoll_ctl(er->ep[i], EPOLL_CTL_ADD, er->fd, &ev))
			er->err = -errno;
		ipc_store(&er->registered, i + 1);
		/* Every fourth round, exit while the other thread waits in epoll_wait(). */
		if (i % 4 == 3 && !ipc_wait_int(&er->waiting, i + 1, 10000))
			er->err = -ETIMEDOUT;
		if (!er->err)
			er->err = thread_exit(er->fd);
		ipc_store(&er->exited, i + 1);
	}
	return NULL;
}

/*
 * CVE-2019-2215, the race: the thread's exit meets an epoll_wait() (one
 * that looks, or one that sleeps in the set), an EPOLL_CTL_DEL or a close()
 * of the epoll set on another thread, which is
 * where a missing wake-up with POLLFREE, or freeing the wait queue without
 * a grace period, bites. This proves that each round's calls succeed, the
 * process's thread count is back where it was, and calls still work.
 */
TEST_F(hub, thread_exit_races_epoll)
{
	struct epoll_racer *er;
	struct epoll_event out;
	long long threads = 0;
	pthread_t t;
	int i, ret;

	er = ipc_shared(sizeof(*er));
	ASSERT_NE(MAP_FAILED, er);
	er->fd = self->dev.fd;
	for (i = 0; i < EPOLL_ROUNDS; i++) {
		er->ep[i] = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, er->ep[i]);
	}
	if (variant->binderlite)
		threads = procs_value(_metadata, getpid(), "threads");
	ASSERT_EQ(0, pthread_create(&t, NULL, epoll_racer_main, er));
	for (i = 0; i < EPOLL_ROUNDS; i++) {
		ipc_store(&er->go, i + 1);
		if (!ipc_wait_int(&er->registered, i + 1, 10000))
			break;
		/* Race the exit. */
		switch (i % 4) {
		case 0:
			ret = epoll_wait(er->ep[i], &out, 1, 0) < 0 ? -errno : 0;
			break;
		case 1:
			ret = epoll_ctl(er->ep[i], EPOLL_CTL_DEL, er->fd, NULL) ? -errno : 0;
			break;
		case 2:
			ret = close(er->ep[i]) ? -errno : 0;
			er->ep[i] = -1;
			break;
		default:
			ipc_store(&er->waiting, i + 1);
			ret = epoll_wait(er->ep[i], &out, 1, 20) < 0 ? -errno : 0;
		}
		EXPECT_EQ(0, ret) TH_LOG("round %d: %s", i, strerror(-ret));
		if (!ipc_wait_int(&er->exited, i + 1, 10000))
			break;
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, er->err) TH_LOG("%s", strerror(-er->err));
	ASSERT_EQ(EPOLL_ROUNDS, i);
	/* The sets still holding entries of exited threads are closed last. */
	flush_rcu_frees();
	for (i = 0; i < EPOLL_ROUNDS; i++)
		EXPECT_TRUE(er->ep[i] < 0 || close(er->ep[i]) == 0);
	if (variant->binderlite)
		ASSERT_EQ(threads, procs_value(_metadata, getpid(), "threads"));
	munmap(er, sizeof(*er));
	round_trip(_metadata, self);
}

/* The child of process_exits_with_epoll_registered(). */
struct epoll_child {
	int ready;
};

static void *epoll_waiter(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int *fds = arg;

	/* This thread's wait queue, too, then a wait that never ends. */
	if (epoll_ctl(fds[1], EPOLL_CTL_ADD, fds[0], &ev))
		return NULL;
	__atomic_add_fetch(&fds[2], 1, __ATOMIC_SEQ_CST);
	for (;;)
		epoll_wait(fds[1], &out, 1, -1);
	return NULL;
}

static int epoll_child_main(struct ipc_dev *dev, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct epoll_child *ec = arg;
	int fds[3], low, high, hi;
	pthread_t t;

	/* The device high in the table, one set below it and one above. */
	hi = fcntl(dev->fd, F_DUPFD_CLOEXEC, 64);
	IPC_CHECK(hi >= 0 && close(dev->fd) == 0);
	dev->fd = hi;
	low = epoll_create1(EPOLL_CLOEXEC);
	IPC_CHECK(low >= 0 && low < hi);
	high = epoll_create1(EPOLL_CLOEXEC);
	IPC_CHECK(high >= 0);
	fds[1] = fcntl(high, F_DUPFD_CLOEXEC, hi + 1);
	IPC_CHECK(fds[1] > hi && close(high) == 0);
	fds[0] = hi;
	fds[2] = 0;
	IPC_CHECK(epoll_ctl(low, EPOLL_CTL_ADD, hi, &ev) == 0);
	IPC_CHECK(pthread_create(&t, NULL, epoll_waiter, fds) == 0);
	IPC_CHECK(ipc_wait_int(&fds[2], 1, 10000));
	ipc_store(&ec->ready, 1);
	/* Killed here, with everything registered. */
	for (;;)
		pause();
	return 0;
}

/*
 * CVE-2019-2215, at process exit: the exit closes the epoll sets and the
 * device in whatever order the descriptor table has them, while a thread
 * sleeps in epoll_wait() on the device. The release of the device frees
 * every thread, the release of the sets removes their entries. This proves
 * that a killed process with registrations of two threads in two sets,
 * on both sides of the device in its table, leaves nothing behind
 * (binderlite: its row goes from debugfs) and that calls still work.
 */
TEST_F(hub, process_exits_with_epoll_registered)
{
	struct epoll_child *ec;
	pid_t pid;
	int i;

	ec = ipc_shared(sizeof(*ec));
	ASSERT_NE(MAP_FAILED, ec);
	for (i = 0; i < 6; i++) {
		ipc_store(&ec->ready, 0);
		pid = ipc_start(variant->path, false, epoll_child_main, ec);
		ASSERT_LT(0, pid);
		ASSERT_TRUE(ipc_wait_int(&ec->ready, 1, 10000));
		ASSERT_EQ(0, kill(pid, i % 2 ? SIGKILL : SIGTERM));
		ASSERT_EQ(128 + (i % 2 ? SIGKILL : SIGTERM), ipc_wait(pid, 10));
		if (variant->binderlite)
			ASSERT_TRUE(proc_gone(pid));
	}
	munmap(ec, sizeof(*ec));
	round_trip(_metadata, self);
}

/* Buffers binderlite's debugfs shows in @pid's pool; -1 on binder. */
static long long buffers_of(struct __test_metadata *_metadata, bool binderlite, pid_t pid)
{
	return binderlite ? procs_value(_metadata, pid, "buffers") : -1;
}

/* BC_FREE_BUFFER of @addr, which the driver must ignore: nothing to read. */
static void free_ignored(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self,
			 binderlite_uintptr_t addr)
{
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, addr)) TH_LOG("free %#llx",
								 (unsigned long long)addr);
	IPC_ASSERT_IDLE(&self->r, 0);
}

/*
 * CVE-2019-2025, a buffer freed twice or while in use: user space could
 * free a buffer the driver was still working on (or free one twice), and
 * the driver's later use of it touched freed memory. A buffer is the
 * user's to free only once it was delivered, and only once. This proves
 * that a second BC_FREE_BUFFER of a reply buffer is ignored (nothing to
 * read, no error), even after the space was reused: the buffer that took
 * its place keeps its contents and stays allocated.
 */
TEST_F(hub, free_buffer_twice)
{
	struct obj_reply r1, r2;
	uint8_t payload[64];
	struct obj_msg m;
	pid_t me = getpid();

	obj_msg_init(&m);
	ipc_fill(payload, sizeof(payload), 7);
	obj_msg_put(&m, payload, sizeof(payload));
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_ECHO, 0, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &r1, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, r1.cmd);
	if (variant->binderlite)
		ASSERT_EQ(1, buffers_of(_metadata, true, me));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, r1.buffer));
	free_ignored(_metadata, self, r1.buffer);
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, me));

	/* The space is reused by the next reply, which the stale free must spare. */
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_ECHO, 0, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &r2, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, r2.cmd);
	free_ignored(_metadata, self, r1.buffer == r2.buffer ? r2.buffer + 8 : r1.buffer);
	ASSERT_EQ(0, memcmp((void *)(uintptr_t)r2.buffer, r2.data, r2.size));
	if (variant->binderlite)
		ASSERT_EQ(1, buffers_of(_metadata, true, me));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, r2.buffer));
	free_ignored(_metadata, self, r2.buffer);
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, me));
	round_trip(_metadata, self);
}

/*
 * Makes S call the test (handle 0) with a payload of @seed while the test
 * waits for S's answer; returns the nested call as the test received it.
 */
static void nested_call(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self,
			uint32_t seed, struct binderlite_transaction_data *tr)
{
	struct obj_msg inner, outer;
	uint8_t payload[48];
	struct ipc_event ev;

	obj_msg_init(&inner);
	ipc_fill(payload, sizeof(payload), seed);
	obj_msg_put(&inner, payload, sizeof(payload));
	obj_msg_wrap(&outer, 0, CODE_NESTED, &inner);
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_CALL, 0, &outer));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev);
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION, &ev);
	ASSERT_EQ(CODE_NESTED, ev.txn.code);
	ASSERT_EQ(sizeof(payload), ev.txn.data_size);
	ASSERT_EQ(-1, ipc_check_fill(ipc_payload(&ev.txn), sizeof(payload), seed));
	*tr = ev.txn;
}

/* Reads S's answer to nested_call(): its own call got the reply of @seed. */
static void nested_done(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self,
			uint32_t seed)
{
	struct obj_peer_outcome out;
	uint8_t payload[32];
	struct obj_reply rep;

	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	ASSERT_EQ(sizeof(out) + sizeof(payload), rep.size);
	memcpy(&out, rep.data, sizeof(out));
	ASSERT_EQ(BINDERLITE_BR_REPLY, out.cmd);
	ASSERT_EQ(sizeof(payload), out.size);
	ipc_fill(payload, sizeof(payload), seed);
	ASSERT_EQ(0, memcmp(rep.data + sizeof(out), payload, sizeof(payload)));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
}

/*
 * CVE-2019-2025, the buffer of the call being answered: the receiver frees
 * the incoming call's buffer before its reply (as libbinder does), or in
 * the same write right after it, or twice; the driver still refers to the
 * call while the reply is built. This proves that the reply goes through
 * in each order with its payload intact, that the extra frees are
 * ignored, and that the test's pool ends empty.
 */
TEST_F(hub, free_incoming_buffer_around_reply)
{
	struct binderlite_transaction_data tr;
	struct ipc_cmds c = { 0 };
	uint8_t payload[32];
	struct ipc_event ev;
	int round;

	for (round = 0; round < 3; round++) {
		nested_call(_metadata, self, 100 + round, &tr);
		ipc_fill(payload, sizeof(payload), 200 + round);
		if (round == 0) {
			/* Freed twice, then the reply. */
			ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
			ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
		}
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, payload, sizeof(payload), NULL, 0);
		if (round == 1) {
			/* The reply, then freed twice in the same write. */
			ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
			ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
		}
		ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
		IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev);
		nested_done(_metadata, self, 200 + round);
		if (round == 2) {
			/* Freed after the whole exchange, once, then again. */
			ASSERT_EQ(-1, ipc_check_fill(ipc_payload(&tr), 48, 100 + round));
			ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, tr.data.ptr.buffer));
			free_ignored(_metadata, self, tr.data.ptr.buffer);
		}
		if (variant->binderlite)
			ASSERT_EQ(0, buffers_of(_metadata, true, getpid()));
	}
	round_trip(_metadata, self);
}

/*
 * CVE-2019-2025, pointers that are not a buffer's: the free of an address
 * that is not the start of a delivered buffer of the caller's must find
 * nothing. This proves that NULL, an unaligned address and one inside a
 * held buffer, the pool's last bytes and its end, a kernel address and
 * another process's buffer are all ignored, and that the held buffers
 * (the test's and S's) keep their contents and stay allocated.
 */
TEST_F(hub, free_bogus_pointers)
{
	binderlite_uintptr_t pool = (uintptr_t)self->dev.pool, end = pool + self->dev.pool_size;
	const binderlite_uintptr_t fixed[] = { 0, 1, end, end - 8, KERNEL_ADDR, ~0ULL };
	struct binderlite_transaction_data tr;
	struct obj_peer_written w;
	struct ipc_cmds c = { 0 };
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	size_t i;

	/* Another process's buffer, while the test holds none (pools can share addresses). */
	obj_msg_init(&m);
	obj_msg_u64(&m, 0x686f6c64);
	ASSERT_EQ(0, obj_call(&self->r, self->s.handle, OBJ_PEER_HOLD, &m, &rep));
	ASSERT_EQ(0, obj_peer_wait(&self->s, 30));
	ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	free_ignored(_metadata, self, tr.data.ptr.buffer);
	if (variant->binderlite)
		ASSERT_EQ(1, buffers_of(_metadata, true, self->s.pid));
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
	ASSERT_EQ(0, obj_peer_do(&self->r, &self->s, &c, &w));
	ASSERT_EQ(0, w.ret);
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, self->s.pid));

	/* A reply held by the test, and frees around it. */
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_ECHO, 0, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		free_ignored(_metadata, self, fixed[i]);
	free_ignored(_metadata, self, rep.buffer + 1);
	free_ignored(_metadata, self, rep.buffer + 8);
	free_ignored(_metadata, self, rep.buffer - 8);
	ASSERT_EQ(0, memcmp((void *)(uintptr_t)rep.buffer, rep.data, rep.size));
	if (variant->binderlite)
		ASSERT_EQ(1, buffers_of(_metadata, true, getpid()));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, getpid()));
	round_trip(_metadata, self);
}

/* What S sends the test as oneways: static, so at the same address in S. */
static const char oneway_payload[64] = "binderlite_cve_test: a oneway, queued behind another one.";

/*
 * CVE-2019-2025, a buffer allocated but not delivered yet: S sends the
 * test's node two oneways; the second waits behind the first (one at a
 * time per node), its buffer already allocated in the test's pool but not
 * the test's yet. This proves that frees of every 8-byte address of the
 * 4 KiB after the first buffer (wherever the second one is) find nothing,
 * that the second is then delivered intact once the first is freed, and
 * (binderlite) that it stays counted until the test frees it.
 */
TEST_F(hub, free_undelivered_buffer)
{
	struct binderlite_transaction_data t1;
	struct obj_peer_written w;
	struct ipc_cmds c = { 0 };
	binderlite_uintptr_t a;
	struct ipc_event ev;
	int i;

	for (i = 0; i < 2; i++)
		ipc_cmd_txn(&c, BINDERLITE_BC_TRANSACTION, 0, CODE_NESTED + i,
			    BINDERLITE_TF_ONE_WAY, oneway_payload, sizeof(oneway_payload),
			    NULL, 0);
	ASSERT_EQ(0, obj_peer_do(&self->r, &self->s, &c, &w));
	ASSERT_EQ(0, w.ret);
	ASSERT_EQ(c.len, w.consumed);
	c = (struct ipc_cmds){ 0 };
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION, &ev);
	ASSERT_EQ(CODE_NESTED, ev.txn.code);
	t1 = ev.txn;
	IPC_ASSERT_IDLE(&self->r, 0);
	if (variant->binderlite)
		ASSERT_EQ(2, buffers_of(_metadata, true, getpid()));
	for (a = t1.data.ptr.buffer + 8; a < t1.data.ptr.buffer + 4096; a += 8) {
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, a);
		if (c.len + 12 > sizeof(c.buf))
			ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
	}
	ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
	IPC_ASSERT_IDLE(&self->r, 0);
	if (variant->binderlite)
		ASSERT_EQ(2, buffers_of(_metadata, true, getpid()));
	ASSERT_EQ(0, memcmp(ipc_payload(&t1), oneway_payload, sizeof(oneway_payload)));

	/* The first freed, the second comes, intact, and is the test's to free. */
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, t1.data.ptr.buffer));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION, &ev);
	ASSERT_EQ(CODE_NESTED + 1, ev.txn.code);
	ASSERT_EQ(sizeof(oneway_payload), ev.txn.data_size);
	ASSERT_EQ(0, memcmp(ipc_payload(&ev.txn), oneway_payload, sizeof(oneway_payload)));
	if (variant->binderlite)
		ASSERT_EQ(1, buffers_of(_metadata, true, getpid()));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, ev.txn.data.ptr.buffer));
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, getpid()));
	round_trip(_metadata, self);
}

/* A thread freeing addresses at the start of the test's pool until stopped. */
struct stray_freer {
	int fd;
	binderlite_uintptr_t pool;
	int stop;
	int frees;
	int err;
};

static void *stray_freer_main(void *arg)
{
	struct stray_freer *sf = arg;
	struct ipc_cmds c;
	int i;

	while (!ipc_load(&sf->stop) && !sf->err) {
		c = (struct ipc_cmds){ 0 };
		for (i = 0; i < 16; i++)
			ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, sf->pool + 8 * i);
		sf->err = ipc_cmds_write(sf->fd, &c);
		sf->frees += 16;
	}
	return NULL;
}

/*
 * CVE-2019-2025, the race: another thread of the receiver frees the
 * addresses where replies land, again and again, while they are being
 * allocated, copied and delivered. A buffer is only the user's once it was
 * delivered; before that the free must find nothing. This proves that
 * every call still ends in exactly one BR_REPLY, that every free is
 * accepted or ignored (no error), that the pool ends empty (binderlite),
 * and that a checked round trip works afterwards.
 */
TEST_F(hub, free_races_delivery)
{
	struct stray_freer sf = { .fd = self->dev.fd, .pool = (uintptr_t)self->dev.pool };
	struct obj_reply rep = { 0 };
	struct obj_msg m;
	int i, ret = 0;
	pthread_t t;

	obj_msg_init(&m);
	obj_msg_put(&m, NULL, 200);
	ASSERT_EQ(0, pthread_create(&t, NULL, stray_freer_main, &sf));
	for (i = 0; i < 150; i++) {
		ret = obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				   OBJ_PEER_ECHO, 0, &m);
		if (!ret)
			ret = obj_call_finish(&self->r, &rep, NULL, NULL);
		if (ret || rep.cmd != BINDERLITE_BR_REPLY || rep.completes != 1)
			break;
		/* It may be freed already by the other thread: then this is ignored. */
		ret = obj_reply_free(self->dev.fd, &rep);
		if (ret)
			break;
	}
	ipc_store(&sf.stop, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, ret) TH_LOG("call %d: %s", i, strerror(-ret));
	ASSERT_EQ(150, i) TH_LOG("call %d ended with %#x", i, rep.cmd);
	ASSERT_EQ(0, sf.err);
	ASSERT_LT(0, sf.frees);
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, getpid()));
	round_trip(_metadata, self);
}

/* Two handle objects to S's node at offsets 0 and 24, and room after them. */
struct two_objects {
	struct flat_binderlite_object obj[2];
	uint64_t tail[2];
};

/* A bad transaction to S (OBJ_PEER_HOLD): how it is laid out, and its answer. */
struct offsets_case {
	const char *what;
	uint64_t data_size;
	uint64_t offsets_size;
	binderlite_size_t offsets[2];
	/* the extended error; 1 for the variant's order_param */
	int param;
};

/*
 * CVE-2020-0041 and later, offsets: the driver walks the offsets user space
 * gives and translates the object at each; an offset or size not checked
 * against the data (or against the previous object) let it read or rewrite
 * memory past the buffer. This proves that each bad layout is refused
 * before anything is delivered: BR_FAILED_REPLY, the extended error binder
 * gives, S never told (binderlite: no buffer left in its pool), and calls
 * still work.
 */
TEST_F(hub, offsets_validation)
{
	const uint64_t size = sizeof(struct flat_binderlite_object) * 2;
	const struct offsets_case cases[] = {
		{ "offsets_size not a multiple of 8", size, 4, { 0 }, -EINVAL },
		{ "offsets_size 12", size, 12, { 0, 24 }, -EINVAL },
		{ "offset past the data", size, 8, { size + 8 }, 1 },
		{ "offset 2^63", size, 8, { 1ULL << 63 }, 1 },
		{ "misaligned offset", size, 8, { 2 }, -EINVAL },
		{ "object at the data end", size, 8, { size }, -EINVAL },
		{ "object crossing the data end", size - 8, 8, { 24 }, -EINVAL },
		{ "object inside the previous one", size, 16, { 0, 8 }, 1 },
		{ "object at the previous one's last word", size, 16, { 0, 16 }, 1 },
		{ "offsets decreasing", size, 16, { 24, 0 }, 1 },
		{ "the same offset twice", size, 16, { 0, 0 }, 1 },
		{ "data_size whose rounding overflows", ~0ULL - 7, 8, { 0 }, -EINVAL },
		{ "data_size 2^63", 1ULL << 63, 0, { 0 }, -ENOSPC },
		{ "offsets_size 2^62", 0, 1ULL << 62, { 0 }, -ENOSPC },
		{ "offsets_size 2^62 + 4: too large before unaligned", 0, (1ULL << 62) + 4, { 0 },
		  -ENOSPC },
	};
	struct binderlite_transaction_data tr;
	struct two_objects p;
	struct ipc_event ev;
	size_t i;
	int j, param;

	memset(&p, 0, sizeof(p));
	for (j = 0; j < 2; j++) {
		p.obj[j].hdr.type = BINDERLITE_TYPE_HANDLE;
		p.obj[j].handle = self->s.handle;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tr = (struct binderlite_transaction_data){
			.target.handle = self->s.handle,
			.code = OBJ_PEER_HOLD,
			.data_size = cases[i].data_size,
			.offsets_size = cases[i].offsets_size,
			.data.ptr.buffer = (uintptr_t)&p,
			.data.ptr.offsets = (uintptr_t)cases[i].offsets,
		};
		param = cases[i].param;
		if (param == 1)
			param = variant->order_param;
		TH_LOG("case %zu: %s", i, cases[i].what);
		ASSERT_EQ(0, obj_write(self->dev.fd, BINDERLITE_BC_TRANSACTION, &tr, sizeof(tr)));
		IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev);
		OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, param);
		IPC_ASSERT_IDLE(&self->r, 0);
		assert_peer_saw_nothing(_metadata, self);
		if (variant->binderlite)
			ASSERT_EQ(0, buffers_of(_metadata, true, self->s.pid));
	}
}

/*
 * CVE-2020-0041, the scatter-gather "extra" size: data_size + offsets_size
 * + buffers_size must not wrap. This proves that sizes that overflow the
 * sum are refused before anything is delivered, with binder's extended
 * error.
 */
TEST_F(hub, extra_size_overflow)
{
	const uint64_t sizes[] = { ~0ULL, ~0ULL - 7, 1ULL << 63, ~0ULL - 64 };
	/*
	 * The sum wraps (-EINVAL), or does not fit in any pool (-ENOSPC),
	 * also when unaligned: binder allocates before it checks alignment.
	 */
	const int params[] = { -EINVAL, -EINVAL, -ENOSPC, -ENOSPC };
	struct binderlite_transaction_data_sg sg;
	uint64_t data[4] = { 0 };
	struct ipc_event ev;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		sg = (struct binderlite_transaction_data_sg){
			.transaction_data = {
				.target.handle = self->s.handle,
				.code = OBJ_PEER_HOLD,
				.data_size = sizeof(data),
				.data.ptr.buffer = (uintptr_t)data,
			},
			.buffers_size = sizes[i],
		};
		ASSERT_EQ(0, obj_write(self->dev.fd, BINDERLITE_BC_TRANSACTION_SG, &sg,
				       sizeof(sg)));
		IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev);
		OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, params[i]);
		IPC_ASSERT_IDLE(&self->r, 0);
		assert_peer_saw_nothing(_metadata, self);
	}
}

/* BINDERLITE_GET_NODE_INFO_FOR_REF of @handle; the test is the manager. */
static int node_info(int fd, uint32_t handle, struct binderlite_node_info_for_ref *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(fd, BINDERLITE_GET_NODE_INFO_FOR_REF, info) ? -errno : 0;
}

/* Whether the calling process owns a node @ptr (BINDERLITE_GET_NODE_DEBUG_INFO). */
static int has_node(int fd, binderlite_uintptr_t ptr, struct binderlite_node_debug_info *out)
{
	struct binderlite_node_debug_info info = { 0 };

	do {
		if (ioctl(fd, BINDERLITE_GET_NODE_DEBUG_INFO, &info))
			return -errno;
		if (info.ptr == ptr) {
			*out = info;
			return 1;
		}
	} while (info.ptr);
	return 0;
}

/* What must not change when a transaction with objects fails. */
struct ref_state {
	struct binderlite_node_info_for_ref q;
	struct binderlite_node_debug_info mgr;
	struct obj_counts me, s, a;
};

static void take_ref_state(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self,
			   bool binderlite, const struct obj_peer *a, struct ref_state *st)
{
	ASSERT_EQ(0, node_info(self->dev.fd, a->handle, &st->q));
	struct binderlite_node_debug_info none;

	ASSERT_EQ(1, has_node(self->dev.fd, OBJ_MGR_PTR, &st->mgr));
	/* A node the failed transactions made must be gone again. */
	ASSERT_EQ(0, has_node(self->dev.fd, OBJ_NODE(1), &none));
	if (!binderlite)
		return;
	ASSERT_EQ(0, obj_proc_counts(getpid(), &st->me));
	ASSERT_EQ(0, obj_proc_counts(self->s.pid, &st->s));
	ASSERT_EQ(0, obj_proc_counts(a->pid, &st->a));
}

static void assert_ref_state(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self,
			     bool binderlite, const struct obj_peer *a,
			     const struct ref_state *before)
{
	struct ref_state now;

	take_ref_state(_metadata, self, binderlite, a, &now);
	ASSERT_EQ(before->q.strong_count, now.q.strong_count);
	ASSERT_EQ(before->q.weak_count, now.q.weak_count);
	ASSERT_EQ(before->mgr.has_strong_ref, now.mgr.has_strong_ref);
	ASSERT_EQ(before->mgr.has_weak_ref, now.mgr.has_weak_ref);
	if (!binderlite)
		return;
	ASSERT_EQ(0, memcmp(&before->me, &now.me, sizeof(now.me))) TH_LOG("the test's counts");
	ASSERT_EQ(0, memcmp(&before->s, &now.s, sizeof(now.s))) TH_LOG("S's counts");
	ASSERT_EQ(0, memcmp(&before->a, &now.a, sizeof(now.a))) TH_LOG("A's counts");
}

/*
 * CVE-2023-20938 and CVE-2023-21255, references on the error path: a
 * transaction takes a reference for each object it translates; when a
 * later object fails, the cleanup must drop exactly what was taken (it
 * dropped too much or too little, freeing a node or reference still in use,
 * or leaking one). This proves that a call carrying a new binder of the
 * test's, a handle and a weak handle to A's node, and then a bad object,
 * fails with nothing changed: A's node has the same strong and weak counts
 * (GET_NODE_INFO_FOR_REF), the test owns no node for the binder
 * (GET_NODE_DEBUG_INFO) and was told nothing about it, S and A heard
 * nothing, and binderlite's per-process nodes, refs and buffers are as
 * before. Then the same objects in a call that works still work.
 */
TEST_F(hub, failed_transaction_keeps_counts)
{
	const uint32_t bad[] = { 999, 0 };
	struct flat_binderlite_object junk = { .hdr.type = 0x12345678 };
	struct binderlite_transaction_data tr;
	struct ref_state before;
	struct obj_reply rep;
	struct ipc_event ev;
	struct obj_peer a;
	struct obj_view v;
	struct obj_msg m;
	size_t i;

	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));
	take_ref_state(_metadata, self, variant->binderlite, &a, &before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		obj_msg_init(&m);
		obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(1), OBJ_COOKIE(1));
		obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, a.handle);
		obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, a.handle);
		if (bad[i])
			obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, bad[i]);
		else
			obj_msg_object(&m, &junk, sizeof(junk));
		ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
					  OBJ_PEER_HOLD, 0, &m));
		IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev);
		OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);
		IPC_ASSERT_IDLE(&self->r, 0);
		assert_peer_saw_nothing(_metadata, self);
		assert_ref_state(_metadata, self, variant->binderlite, &a, &before);
		ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &self->s, NULL, 0));
		ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &a, NULL, 0));
	}

	/* The good objects alone: S gets them, and gives them back with its buffer. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, a.handle);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, a.handle);
	ASSERT_EQ(0, obj_call(&self->r, self->s.handle, OBJ_PEER_ECHO, &m, &rep));
	ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	ASSERT_EQ(2U, v.nr_objs);
	assert_ref_state(_metadata, self, variant->binderlite, &a, &before);
	round_trip(_metadata, self);
}

/* S keeps a handle of its own to @peer's node (OBJ_PEER_KEEP); returns S's handle. */
static uint32_t give_to_s(struct __test_metadata *_metadata, FIXTURE_DATA(hub) *self,
			  const struct obj_peer *peer)
{
	struct flat_binderlite_object obj = { 0 };
	struct binderlite_transaction_data tr;
	struct obj_view v = { 0 };
	struct obj_reply rep;
	struct obj_msg m;

	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, peer->handle);
	EXPECT_EQ(0, obj_call(&self->r, self->s.handle, OBJ_PEER_KEEP, &m, &rep));
	EXPECT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	EXPECT_EQ(0, obj_view_object(&v, 0, &obj));
	return obj.handle;
}

/*
 * CVE-2023-20938 and CVE-2023-21255, a failed reply's objects: the same
 * cleanup on the reply's side, where the replier's objects are translated
 * into the caller. S first keeps handles of its own to A's node (which the
 * test references too: two strong references) and to B's (which the test
 * then lets go of: S's is the only one). This proves that a reply carrying
 * a new binder of S's, S's handles to A and B and then a bad handle fails
 * for the caller with BR_FAILED_REPLY; that the replier is told its reply
 * went, as binder does (no BR_FAILED_REPLY, and no BR_INCREFS for its
 * binder, which must be gone again); that S's reference to A's node is
 * neither dropped nor doubled (A's counts, S's reference still usable);
 * and (binderlite) that the test got no reference to B's node, nor S lost
 * any: the per-process counts are as before.
 */
TEST_F(hub, failed_reply_keeps_counts)
{
	struct flat_binderlite_object obj;
	struct ref_state before;
	struct obj_peer a, b;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	uint32_t ha, hb;
	int i;

	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_B, OBJ_PEER_COOKIE(PEER_B), &b));
	ha = give_to_s(_metadata, self, &a);
	hb = give_to_s(_metadata, self, &b);
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, b.handle));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, b.handle));
	take_ref_state(_metadata, self, variant->binderlite, &a, &before);
	ASSERT_EQ(2U, before.q.strong_count);
	for (i = 0; i < 3; i++) {
		obj_msg_init(&m);
		obj_msg_binder(&m, i == 1 ? BINDERLITE_TYPE_WEAK_BINDER : BINDERLITE_TYPE_BINDER,
			       PEER_S2, OBJ_PEER_COOKIE(PEER_S2));
		obj_msg_handle(&m, i == 2 ? BINDERLITE_TYPE_WEAK_HANDLE : BINDERLITE_TYPE_HANDLE,
			       ha);
		obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, hb);
		obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 999);
		ASSERT_EQ(0, obj_peer_send(&self->r, &self->s, &m, &rep));
		ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, rep.cmd);
		IPC_ASSERT_IDLE(&self->r, 0);
		assert_ref_state(_metadata, self, variant->binderlite, &a, &before);
		ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &self->s, NULL, 0));
	}

	/* S's reference is intact: it sends it for real, the test gets A's node. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, ha);
	ASSERT_EQ(0, obj_peer_send(&self->r, &self->s, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_HANDLE, obj.hdr.type);
	ASSERT_EQ(a.handle, obj.handle);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	assert_ref_state(_metadata, self, variant->binderlite, &a, &before);
	round_trip(_metadata, self);
}

/*
 * Reads the test's events until BR_CLEAR_DEATH_NOTIFICATION_DONE for
 * @cookie, answering BR_DEAD_BINDER; counts them in @dead and @cleared.
 */
static int read_until_cleared(struct ipc_reader *r, binderlite_uintptr_t cookie, int *dead,
			      int *cleared)
{
	struct ipc_event ev;
	int ret;

	*dead = 0;
	*cleared = 0;
	while (!*cleared) {
		ret = ipc_next_timeout(r, &ev, 10000);
		if (ret)
			return ret;
		if (ev.cmd == BINDERLITE_BR_DEAD_BINDER && ev.cookie == cookie) {
			(*dead)++;
			ret = obj_dead_done(r->fd, cookie);
			if (ret)
				return ret;
		} else if (ev.cmd == BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE &&
			   ev.cookie == cookie) {
			(*cleared)++;
		} else if (ipc_ack_ref(r->fd, &ev) <= 0) {
			return -EBADMSG;
		}
	}
	return 0;
}

/*
 * CVE-2022-20421, a death notification racing its removal: the owner's
 * death queues the notification while the watcher clears it; the driver
 * freed the notification on one path while the other still had it queued.
 * This proves, round after round with the clear written at different
 * moments of the death, that the watcher gets exactly one
 * BR_CLEAR_DEATH_NOTIFICATION_DONE and at most one BR_DEAD_BINDER (before
 * it), that the handle can then be released, and that binderlite counts no
 * death notification of the test's afterwards.
 */
TEST_F(hub, clear_death_races_death)
{
	int round, dead, cleared, ret;
	struct obj_peer a;

	for (round = 0; round < 8; round++) {
		ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A + round,
					    OBJ_PEER_COOKIE(PEER_A + round), &a));
		ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION,
				       a.handle, DEATH(round)));
		if (round % 4 == 0)
			ASSERT_EQ(0, obj_death(self->dev.fd,
					       BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, a.handle,
					       DEATH(round)));
		ASSERT_EQ(0, kill(a.pid, SIGKILL));
		if (round % 4 == 2)
			bl_sleep_ms(round);
		if (round % 4)
			ASSERT_EQ(0, obj_death(self->dev.fd,
					       BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, a.handle,
					       DEATH(round)));
		ret = read_until_cleared(&self->r, DEATH(round), &dead, &cleared);
		ASSERT_EQ(0, ret) TH_LOG("round %d: %s", round, strerror(-ret));
		ASSERT_EQ(1, cleared);
		ASSERT_GE(1, dead);
		if (round % 4 == 0)
			ASSERT_EQ(0, dead);
		ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, a.handle));
		ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, a.handle));
		ASSERT_EQ(128 + SIGKILL, ipc_wait(a.pid, 10));
		close(a.notify);
		IPC_ASSERT_IDLE(&self->r, 0);
	}
	if (variant->binderlite)
		ASSERT_EQ(0, procs_value(_metadata, getpid(), "deaths"));
	round_trip(_metadata, self);
}

/*
 * CVE-2022-20421, both ends die at once: the owner of a node and a process
 * watching it (with a reference and a death notification) are killed
 * together, so the notification is being delivered to a process that is
 * itself going away. This proves that the test, watching both, gets
 * exactly one BR_DEAD_BINDER for each, that both processes' state goes
 * (binderlite: their rows leave debugfs), and that calls still work.
 */
TEST_F(hub, both_ends_die)
{
	struct binderlite_transaction_data tr;
	struct flat_binderlite_object obj;
	struct obj_peer_written w;
	struct obj_peer a, b;
	struct obj_reply rep;
	struct ipc_cmds c;
	struct obj_view v;
	struct obj_msg m;
	int round, deaths[2], i;
	struct ipc_event ev;

	for (round = 0; round < 4; round++) {
		ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A,
					    OBJ_PEER_COOKIE(PEER_A), &a));
		ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_B,
					    OBJ_PEER_COOKIE(PEER_B), &b));
		/* B keeps a handle to A's node and watches it. */
		obj_msg_init(&m);
		obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, a.handle);
		ASSERT_EQ(0, obj_call(&self->r, b.handle, OBJ_PEER_KEEP, &m, &rep));
		ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
		ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
		c = (struct ipc_cmds){ 0 };
		ipc_cmd(&c, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION,
			&(struct binderlite_handle_cookie){ .handle = obj.handle, .cookie = 77 },
			sizeof(struct binderlite_handle_cookie));
		ASSERT_EQ(0, obj_peer_do(&self->r, &b, &c, &w));
		ASSERT_EQ(0, w.ret);
		ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION,
				       a.handle, DEATH(0)));
		ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION,
				       b.handle, DEATH(1)));
		ASSERT_EQ(0, kill(round % 2 ? b.pid : a.pid, SIGKILL));
		ASSERT_EQ(0, kill(round % 2 ? a.pid : b.pid, SIGKILL));
		deaths[0] = 0;
		deaths[1] = 0;
		while (deaths[0] + deaths[1] < 2) {
			ASSERT_EQ(0, ipc_next_timeout(&self->r, &ev, 10000));
			if (ipc_ack_ref(self->dev.fd, &ev) > 0)
				continue;
			ASSERT_EQ(BINDERLITE_BR_DEAD_BINDER, ev.cmd);
			ASSERT_TRUE(ev.cookie == DEATH(0) || ev.cookie == DEATH(1));
			deaths[ev.cookie - DEATH(0)]++;
			ASSERT_EQ(0, obj_dead_done(self->dev.fd, ev.cookie));
		}
		ASSERT_EQ(1, deaths[0]);
		ASSERT_EQ(1, deaths[1]);
		for (i = 0; i < 2; i++) {
			uint32_t h = i ? b.handle : a.handle;

			ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION,
					       h, DEATH(i)));
			OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE,
					  DEATH(i));
			ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, h));
			ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, h));
		}
		ASSERT_EQ(128 + SIGKILL, ipc_wait(a.pid, 10));
		ASSERT_EQ(128 + SIGKILL, ipc_wait(b.pid, 10));
		close(a.notify);
		close(b.notify);
		if (variant->binderlite) {
			ASSERT_TRUE(proc_gone(a.pid));
			ASSERT_TRUE(proc_gone(b.pid));
		}
		IPC_ASSERT_IDLE(&self->r, 0);
	}
	round_trip(_metadata, self);
}

/* Reads (and acknowledges) reference events until none come for @ms. */
static int drain_refs(struct ipc_reader *r, int ms)
{
	struct ipc_event ev;
	int ret;

	for (;;) {
		ret = ipc_next_timeout(r, &ev, ms);
		if (ret == -ETIMEDOUT)
			return 0;
		if (ret)
			return ret;
		ret = ipc_ack_ref(r->fd, &ev);
		if (ret <= 0)
			return ret ? ret : -EBADMSG;
	}
}

/*
 * CVE-2022-20421, a process killed with calls in flight: the target dies
 * while a call carrying objects is queued to it, being read, or held; the
 * driver's teardown raced the transaction's own cleanup. This proves that
 * each call ends in exactly one BR_DEAD_REPLY (after at most one
 * BR_TRANSACTION_COMPLETE), and that the references the call gave the
 * dead process all come back: the test's binder goes from the test's nodes
 * (BR_RELEASE and BR_DECREFS answered), A's node keeps its counts.
 */
TEST_F(hub, killed_with_call_in_flight)
{
	struct binderlite_node_info_for_ref before, now;
	struct binderlite_node_debug_info info;
	struct sg_outcome o;
	struct obj_peer a, d;
	struct obj_msg m;
	int round, i;

	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));
	ASSERT_EQ(0, node_info(self->dev.fd, a.handle, &before));
	for (round = 0; round < 6; round++) {
		ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_B,
					    OBJ_PEER_COOKIE(PEER_B), &d));
		obj_msg_init(&m);
		obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(2), OBJ_COOKIE(2));
		obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, a.handle);
		if (round % 3 == 0) {
			/* Killed before it reads the call, or while it does. */
			ASSERT_EQ(0, kill(d.pid, SIGKILL));
			ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, d.handle,
					     OBJ_PEER_STALL, 0, &m, &o));
		} else {
			ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION,
						  d.handle, round % 3 == 1 ? OBJ_PEER_STALL :
						  OBJ_PEER_DIE, 0, &m));
			if (round % 3 == 1) {
				ASSERT_EQ(0, obj_peer_wait(&d, 30));
				ASSERT_EQ(0, kill(d.pid, SIGKILL));
			}
			ASSERT_EQ(0, sg_finish(&self->r, true, &o));
		}
		ASSERT_LE(1, o.n);
		ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, o.cmds[o.n - 1]) SG_LOG_OUTCOME(&o);
		if (o.n == 2)
			ASSERT_EQ(BINDERLITE_BR_TRANSACTION_COMPLETE, o.cmds[0]);
		ASSERT_GE(2, o.n);
		ASSERT_EQ(128 + SIGKILL, ipc_wait(d.pid, 10));
		close(d.notify);
		ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, d.handle));
		ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, d.handle));
		/* The dead process's references to the test's binder come back. */
		for (i = 0; i < 500; i++) {
			ASSERT_EQ(0, drain_refs(&self->r, 10));
			if (has_node(self->dev.fd, OBJ_NODE(2), &info) == 0)
				break;
		}
		ASSERT_EQ(0, has_node(self->dev.fd, OBJ_NODE(2), &info));
		for (i = 0; i < 500; i++) {
			ASSERT_EQ(0, node_info(self->dev.fd, a.handle, &now));
			if (now.strong_count == before.strong_count)
				break;
			bl_sleep_ms(10);
		}
		ASSERT_EQ(before.strong_count, now.strong_count);
		ASSERT_EQ(before.weak_count, now.weak_count);
	}
	if (variant->binderlite)
		ASSERT_EQ(0, buffers_of(_metadata, true, a.pid));
	round_trip(_metadata, self);
}

/* The child of close_while_in_ioctl(). */
struct closer {
	int fd;
	int called;
	int ret;
};

static void *closer_call(void *arg)
{
	struct closer *cl = arg;
	struct ipc_reader r;
	struct ipc_result res;
	uint64_t v = 0x636c6f7365;

	ipc_reader_init(&r, cl->fd);
	if (ipc_transact(cl->fd, 0, CODE_NESTED, 0, &v, sizeof(v))) {
		cl->ret = -EIO;
	} else {
		ipc_store(&cl->called, 1);
		cl->ret = ipc_call_result(&r, false, &res);
	}
	ipc_store(&cl->called, 2);
	return NULL;
}

static int closer_main(struct ipc_dev *dev, void *arg)
{
	struct closer *cl = arg;
	pthread_t t;

	cl->fd = dev->fd;
	IPC_CHECK(pthread_create(&t, NULL, closer_call, cl) == 0);
	IPC_CHECK(ipc_wait_int(&cl->called, 1, 10000));
	/* The call is in flight (the test holds it): the device goes under it. */
	bl_sleep_ms(1);
	IPC_CHECK(ipc_close(dev) == 0);
	IPC_CHECK(pthread_join(t, NULL) == 0);
	/* Woken by the close's flush; its next read found the file gone. */
	IPC_CHECK(cl->ret == -EBADF);
	return 0;
}

/*
 * CVE-2022-20421, the device closed under a thread: a thread sleeps in the
 * driver waiting for the reply to its call while another thread of its
 * process closes and unmaps the device, so the release runs against a
 * process that still has a thread inside an ioctl and a call in flight.
 * This proves that the sleeping thread is woken and its next ioctl fails
 * with EBADF, that the test's reply to the orphaned call is either taken
 * or answered BR_DEAD_REPLY, that the process's state goes, and that calls
 * still work.
 */
TEST_F(hub, close_while_in_ioctl)
{
	struct ipc_event ev;
	struct closer *cl;
	int round;
	pid_t pid;

	cl = ipc_shared(sizeof(*cl));
	ASSERT_NE(MAP_FAILED, cl);
	for (round = 0; round < 6; round++) {
		memset(cl, 0, sizeof(*cl));
		pid = ipc_start(variant->path, false, closer_main, cl);
		ASSERT_LT(0, pid);
		IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION, &ev);
		ASSERT_EQ(CODE_NESTED, ev.txn.code);
		/* 0 once the sender's thread is gone, as binder says too. */
		ASSERT_TRUE(ev.txn.sender_pid == pid || ev.txn.sender_pid == 0);
		ASSERT_EQ(0, ipc_wait(pid, 10));
		ASSERT_EQ(0, ipc_reply_free(self->dev.fd, ev.txn.data.ptr.buffer, NULL, 0));
		ASSERT_EQ(0, ipc_next(&self->r, &ev));
		ASSERT_TRUE(ev.cmd == BINDERLITE_BR_DEAD_REPLY ||
			    ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE) TH_LOG("%#x", ev.cmd);
		if (variant->binderlite)
			ASSERT_TRUE(proc_gone(pid));
		IPC_ASSERT_IDLE(&self->r, 0);
	}
	munmap(cl, sizeof(*cl));
	round_trip(_metadata, self);
}

/*
 * The client: a peer is the context manager and serves calls to handle 0
 * (binderlite_ipc_obj.h); the test and its children are clients.
 */
FIXTURE(cli) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct obj_peer m;
};

FIXTURE_VARIANT(cli) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(cli, (), ());

FIXTURE_SETUP(cli)
{
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	ASSERT_EQ(0, obj_peer_spawn_mgr(&self->r, variant->path, OBJ_MGR_PTR, OBJ_MGR_COOKIE,
					&self->m));
}

FIXTURE_TEARDOWN(cli)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
}

/* Room for the manager's report of a call: its header, then the payload. */
#define ECHO_SIZE	3000
#define REPORT_HDR	sizeof(struct binderlite_transaction_data)

/* How an echo() call ended. */
enum { ECHO_REPLY, ECHO_FAILED, ECHO_DEAD, ECHO_OTHER };

/*
 * An echo call to the manager of ECHO_SIZE bytes of @seed; with @check,
 * its reply must carry them back. Returns how it ended, or -errno.
 */
static int echo(struct ipc_reader *r, uint32_t seed, bool check)
{
	static __thread uint8_t payload[ECHO_SIZE];
	struct ipc_result res;
	int ret;

	ipc_fill(payload, sizeof(payload), seed);
	ret = ipc_transact(r->fd, 0, OBJ_PEER_ECHO, 0, payload, sizeof(payload));
	if (!ret)
		ret = ipc_call_result(r, true, &res);
	if (ret)
		return ret;
	if (res.cmd == BINDERLITE_BR_FAILED_REPLY)
		return ECHO_FAILED;
	if (res.cmd == BINDERLITE_BR_DEAD_REPLY)
		return ECHO_DEAD;
	if (res.cmd != BINDERLITE_BR_REPLY)
		return ECHO_OTHER;
	if (check && (res.txn.data_size != REPORT_HDR + ECHO_SIZE ||
		      ipc_check_fill((const uint8_t *)ipc_payload(&res.txn) + REPORT_HDR,
				     ECHO_SIZE, seed) != -1))
		ret = -EBADMSG;
	if (ipc_free_buffer(r->fd, res.txn.data.ptr.buffer))
		ret = -EIO;
	return ret ? ret : ECHO_REPLY;
}

#define MUNMAP_CALLS	30

/* The child of munmap_while_replies_arrive(). */
struct unmapper {
	struct ipc_dev *dev;
	int calls;
	int unmap_after;
	int unmapped;
	/* mover_main(): the mapping cannot be split or moved (binderlite) */
	int fixed;
	/* mover_main(): errno of the munmap() and the two mremap()s, 0 if done */
	int op_err[3];
	int outcome[MUNMAP_CALLS];
	int unmapped_before[MUNMAP_CALLS];
};

static void *unmapper_calls(void *arg)
{
	struct unmapper *u = arg;
	struct ipc_reader r;
	int i;

	ipc_reader_init(&r, u->dev->fd);
	for (i = 0; i < MUNMAP_CALLS; i++) {
		u->unmapped_before[i] = ipc_load(&u->unmapped);
		/* Once the pool may be gone, its contents are not looked at. */
		u->outcome[i] = echo(&r, i, i < u->unmap_after || u->fixed);
		ipc_store(&u->calls, i + 1);
	}
	return NULL;
}

static int unmapper_main(struct ipc_dev *dev, void *arg)
{
	struct unmapper *u = arg;
	pthread_t t;
	int i;

	u->dev = dev;
	IPC_CHECK(pthread_create(&t, NULL, unmapper_calls, u) == 0);
	IPC_CHECK(ipc_wait_int(&u->calls, u->unmap_after, 30000));
	IPC_CHECK(munmap(dev->pool, dev->pool_size) == 0);
	dev->pool = MAP_FAILED;
	ipc_store(&u->unmapped, 1);
	IPC_CHECK(pthread_join(t, NULL) == 0);
	for (i = 0; i < MUNMAP_CALLS; i++) {
		if (u->outcome[i] != ECHO_REPLY && u->outcome[i] != ECHO_DEAD)
			fprintf(stderr, "# call %d: %d\n", i, u->outcome[i]);
		if (i < u->unmap_after || !u->unmapped_before[i])
			IPC_CHECK(u->outcome[i] == ECHO_REPLY || u->outcome[i] == ECHO_DEAD);
		else
			IPC_CHECK(u->outcome[i] == ECHO_DEAD);
		if (i < u->unmap_after)
			IPC_CHECK(u->outcome[i] == ECHO_REPLY);
	}
	return 0;
}

/*
 * CVE-2023-20928, the pool unmapped while replies arrive: the driver
 * looked the receiver's mapping up and wrote through it while the process
 * unmapped it on another thread. This proves that while one thread of a
 * process makes calls, another's munmap of the pool makes every later
 * reply fail, and each call end in exactly one answer: BR_DEAD_REPLY, as
 * binder answers a caller whose pool has no mapping any more (it takes
 * the process for dying); that the process exits cleanly, and that the
 * manager still answers.
 */
TEST_F(cli, munmap_while_replies_arrive)
{
	struct unmapper *u;
	int round, ret;
	pid_t pid;

	u = ipc_shared(sizeof(*u));
	ASSERT_NE(MAP_FAILED, u);
	for (round = 0; round < 3; round++) {
		memset(u, 0, sizeof(*u));
		u->unmap_after = 2 + 7 * round;
		pid = ipc_start(variant->path, false, unmapper_main, u);
		ASSERT_LT(0, pid);
		ASSERT_EQ(0, ipc_wait(pid, 60));
		if (variant->binderlite)
			ASSERT_TRUE(proc_gone(pid));
	}
	munmap(u, sizeof(*u));
	ret = echo(&self->r, 99, true);
	ASSERT_EQ(ECHO_REPLY, ret) TH_LOG("%d", ret);
}

static int mover_main(struct ipc_dev *dev, void *arg)
{
	size_t half = dev->pool_size / 2;
	struct unmapper *u = arg;
	uint8_t *p = dev->pool;
	void *target, *q;
	pthread_t t;
	int i;

	u->dev = dev;
	target = mmap(NULL, dev->pool_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	IPC_CHECK(target != MAP_FAILED);
	IPC_CHECK(pthread_create(&t, NULL, unmapper_calls, u) == 0);
	IPC_CHECK(ipc_wait_int(&u->calls, u->unmap_after, 30000));
	/* The upper half unmapped, the lower one moved, then grown. */
	u->op_err[0] = munmap(p + half, half) ? errno : 0;
	q = mremap(p, half, half, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	u->op_err[1] = q == MAP_FAILED ? errno : 0;
	q = mremap(q == MAP_FAILED ? (void *)p : q, half, dev->pool_size, MREMAP_MAYMOVE);
	u->op_err[2] = q == MAP_FAILED ? errno : 0;
	ipc_store(&u->unmapped, 1);
	IPC_CHECK(pthread_join(t, NULL) == 0);
	for (i = 0; i < MUNMAP_CALLS; i++) {
		if (u->fixed || i < u->unmap_after)
			IPC_CHECK(u->outcome[i] == ECHO_REPLY);
		else
			IPC_CHECK(u->outcome[i] == ECHO_REPLY || u->outcome[i] == ECHO_DEAD ||
				  u->outcome[i] == ECHO_FAILED);
	}
	if (u->fixed) {
		IPC_CHECK(u->op_err[0] == EINVAL);
		IPC_CHECK(u->op_err[1] && u->op_err[2]);
	}
	return 0;
}

/*
 * CVE-2023-20928, the pool split, moved and grown while replies arrive:
 * the driver kept a pointer to the receiver's mapping that a partial
 * munmap() or an mremap() replaced or freed under it. binderlite refuses
 * all three (its pool is one fixed mapping, see the pool test); binder
 * allows them. This proves, on each device, that calls racing them each
 * end in exactly one answer (binderlite: every reply, intact; binder: a
 * reply, BR_DEAD_REPLY or BR_FAILED_REPLY), that binderlite refuses with
 * EINVAL (the munmap) and an error (the mremaps), and that the process
 * exits cleanly and the manager still answers.
 */
TEST_F(cli, split_and_move_while_replies_arrive)
{
	struct unmapper *u;
	int round;
	pid_t pid;

	u = ipc_shared(sizeof(*u));
	ASSERT_NE(MAP_FAILED, u);
	for (round = 0; round < 2; round++) {
		memset(u, 0, sizeof(*u));
		u->unmap_after = 3 + 10 * round;
		u->fixed = variant->binderlite;
		pid = ipc_start(variant->path, false, mover_main, u);
		ASSERT_LT(0, pid);
		ASSERT_EQ(0, ipc_wait(pid, 60));
		TH_LOG("round %d: munmap %d, mremap %d and %d", round, u->op_err[0], u->op_err[1],
		       u->op_err[2]);
		if (variant->binderlite)
			ASSERT_TRUE(proc_gone(pid));
	}
	munmap(u, sizeof(*u));
	ASSERT_EQ(ECHO_REPLY, echo(&self->r, 98, true));
}

struct ee_result {
	int echo;
	struct binderlite_extended_error ee;
	long long buffers;
};

static int unmap_then_free_main(struct ipc_dev *dev, void *arg)
{
	struct ee_result *res = arg;
	struct ipc_result out;
	struct ipc_reader r;
	uint8_t v[8] = { 1 };

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_transact(dev->fd, 0, OBJ_PEER_ECHO, 0, v, sizeof(v)) == 0);
	IPC_CHECK(ipc_call_result(&r, true, &out) == 0);
	IPC_CHECK(out.cmd == BINDERLITE_BR_REPLY);
	IPC_CHECK(munmap(dev->pool, dev->pool_size) == 0);
	dev->pool = MAP_FAILED;
	/* The buffer's memory is gone from the process, not from the driver. */
	IPC_CHECK(ipc_free_buffer(dev->fd, out.txn.data.ptr.buffer) == 0);
	res->buffers = -1;
	ipc_table_value("procs", getpid(), "buffers", &res->buffers);
	IPC_CHECK(ipc_free_buffer(dev->fd, out.txn.data.ptr.buffer) == 0);
	res->echo = echo(&r, 5, false);
	IPC_CHECK(res->echo == ECHO_DEAD);
	IPC_CHECK(ipc_extended_error(dev->fd, &res->ee) == 0);
	return 0;
}

/*
 * CVE-2023-20928, unmapped between receive and free: the receiver unmaps
 * its pool while it still holds a delivered buffer, then frees it; freeing
 * or reclaiming the buffer's pages must not need (or touch) the mapping.
 * This proves that the free is taken (binderlite: no buffer left), a
 * second free ignored, and that the next call's reply fails with
 * BR_DEAD_REPLY (as binder answers); then the process exits cleanly.
 */
TEST_F(cli, munmap_between_receive_and_free)
{
	struct ee_result *res;
	pid_t pid;

	res = ipc_shared(sizeof(*res));
	ASSERT_NE(MAP_FAILED, res);
	pid = ipc_start(variant->path, false, unmap_then_free_main, res);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, ipc_wait(pid, 30)) TH_LOG("the call after munmap: %d", res->echo);
	if (variant->binderlite) {
		ASSERT_EQ(0, res->buffers);
		ASSERT_TRUE(proc_gone(pid));
	}
	/* The caller's extended error names the failure: no mapping, -ESRCH. */
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, res->ee.command);
	ASSERT_EQ(-ESRCH, res->ee.param);
	munmap(res, sizeof(*res));
	ASSERT_EQ(ECHO_REPLY, echo(&self->r, 3, true));
}

struct reclaimer {
	bool binderlite;
	int stop;
	int rounds;
};

static void *reclaimer_main(void *arg)
{
	struct reclaimer *rc = arg;
	int fd;

	while (!ipc_load(&rc->stop)) {
		fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "2", 1) != 1)
				break;
			close(fd);
		}
		if (rc->binderlite) {
			fd = open(IPC_DEBUGFS "/reclaim", O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				if (write(fd, "100000", 6) != 6)
					break;
				close(fd);
			}
		}
		__atomic_add_fetch(&rc->rounds, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/*
 * CVE-2023-20928, reclaim while payloads arrive: the shrinker takes the
 * pages of free parts of a pool while a transaction allocates and copies
 * into them. This proves that with drop_caches (every shrinker, binder's
 * included) and binderlite's reclaim control running in a loop, every call
 * and reply of a few thousand bytes arrives intact, on both sides.
 */
TEST_F(cli, reclaim_while_payloads_arrive)
{
	struct reclaimer rc = { .binderlite = variant->binderlite };
	pthread_t t;
	int i, ret;

	if (access("/proc/sys/vm/drop_caches", W_OK) && !variant->binderlite)
		SKIP(return, "no drop_caches");
	ASSERT_EQ(0, pthread_create(&t, NULL, reclaimer_main, &rc));
	for (i = 0; i < 60; i++) {
		ret = echo(&self->r, 1000 + i, true);
		EXPECT_EQ(ECHO_REPLY, ret) TH_LOG("call %d: %d", i, ret);
		if (ret != ECHO_REPLY)
			break;
	}
	ipc_store(&rc.stop, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_LT(0, rc.rounds);
	TH_LOG("%d calls, %d reclaim rounds", i, rc.rounds);
}

/* Files, fd arrays and buffers: the test and its children, no manager yet. */
FIXTURE(fds) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct sg_script *s;
	int fds_before;
};

FIXTURE_VARIANT(fds) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(fds, (), ());

FIXTURE_SETUP(fds)
{
	sg_fixture_setup(_metadata, variant->path, &self->dev, &self->r, &self->s,
			 &self->fds_before);
}

FIXTURE_TEARDOWN(fds)
{
	sg_fixture_teardown(_metadata, &self->dev, self->s, self->fds_before, variant->binderlite);
}

/* A parent buffer of fd_array_msg(): a header word, the fds, a trailer. */
struct fda_parent {
	uint64_t head;
	int32_t fds[2];
	uint64_t tail;
};

/*
 * A message: a word, a buffer holding @fds (2) and an fd array of them
 * (binder refuses fixups in a parent at data offset 0, see the sg test).
 */
static void fd_array_msg(struct obj_msg *m, struct fda_parent *par, int fd0, int fd1)
{
	par->head = 0x68656164;
	par->fds[0] = fd0;
	par->fds[1] = fd1;
	par->tail = 0x7461696c;
	obj_msg_init(m);
	obj_msg_u64(m, 0x6864720a);
	obj_msg_ptr(m, par, sizeof(*par), -1, 0);
	obj_msg_fda(m, 2, 0, offsetof(struct fda_parent, fds));
}

/* Asserts that @wfd still writes into the pipe read at @rfd. */
static void assert_pipe_works(struct __test_metadata *_metadata, int wfd, int rfd)
{
	char c = 0;

	ASSERT_EQ(1, write(wfd, "x", 1));
	ASSERT_EQ(1, read(rfd, &c, 1));
	ASSERT_EQ('x', c);
}

/*
 * Files leaked by failed transactions (the class of binder's fd and fd
 * array fixes): a transaction takes a reference on each file it carries;
 * when a later object fails, those references must be dropped, and
 * nothing may reach the receiver. This proves that fd objects and an fd
 * array followed by a bad object, sync and oneway, are refused with
 * BR_FAILED_REPLY, that the sender's descriptors are exactly as before and
 * still work, that the receiver (a manager accepting fds) receives nothing
 * and gains no descriptor, and that the pipe reaches EOF once the test
 * closes its write end: nobody, the driver included, keeps the file.
 */
TEST_F(fds, fd_not_leaked_by_failed_transaction)
{
	struct flat_binderlite_object junk = { .hdr.type = 0x12345678 };
	struct fda_parent par;
	struct sg_outcome o;
	struct obj_msg m;
	int p[2], before, i;
	pid_t mgr;

	mgr = sg_start_mgr(variant->path, BINDERLITE_FLAG_ACCEPTS_FDS, sg_quiet_mgr, NULL);
	ASSERT_LT(0, mgr);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	before = sg_count_fds();
	for (i = 0; i < 6; i++) {
		if (i < 4) {
			obj_msg_init(&m);
			obj_msg_fd(&m, p[1], 1);
			obj_msg_fd(&m, p[1], 2);
		} else {
			fd_array_msg(&m, &par, p[1], p[1]);
		}
		if (i % 2)
			obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 999);
		else
			obj_msg_object(&m, &junk, sizeof(junk));
		ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION_SG, 0, CODE_FDS,
				     i == 2 ? BINDERLITE_TF_ONE_WAY : 0, &m, &o));
		SG_ASSERT_REFUSED(&o, -EINVAL);
		ASSERT_EQ(before, sg_count_fds());
		assert_pipe_works(_metadata, p[1], p[0]);
	}
	ASSERT_EQ(0, sg_quit(&self->r, mgr));
	sg_expect_pipe_gone(_metadata, p);
}

/*
 * Files leaked by a failed reply: the same on the reply's side, where the
 * replier's files are taken for the caller. This proves that a reply with
 * an fd object, or an fd array, followed by a bad handle fails for the
 * caller with BR_FAILED_REPLY and its extended error, that the replier is
 * told its reply went (as binder does), that the caller gains no
 * descriptor, and that the pipe reaches EOF once the replier has closed
 * its write end: no file reference is left.
 */
TEST_F(fds, fd_not_leaked_by_failed_reply)
{
	struct fda_parent par;
	struct sg_outcome o;
	struct sg_step *st;
	struct obj_msg m;
	int p[2], before, i;
	pid_t pid;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (i = 0; i < 2; i++) {
		if (i == 0) {
			obj_msg_init(&m);
			obj_msg_fd(&m, p[1], 1);
		} else {
			fd_array_msg(&m, &par, p[1], p[1]);
		}
		obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 999);
		st = sg_step_add(self->s, BINDERLITE_BC_REPLY_SG, 0, 0, &m);
	}
	st->close_fd = p[1];
	pid = sg_spawn_replier(variant->path, SG_PLAIN_MGR, self->s);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, close(p[1]));
	before = sg_count_fds();
	for (i = 0; i < 2; i++) {
		obj_msg_init(&m);
		ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS,
				     BINDERLITE_TF_ACCEPT_FDS, &m, &o));
		SG_ASSERT_OUTCOME(&o, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_FAILED_REPLY,
				  BINDERLITE_BR_FAILED_REPLY, -EINVAL);
		ASSERT_EQ(before, sg_count_fds());
	}
	sg_reap_script(_metadata, self->s, pid, -1);
	for (i = 0; i < 2; i++)
		SG_ASSERT_COMPLETED(&self->s->steps[i].out);
	ASSERT_EQ(0, sg_writers_gone(p[0], 5000));
	ASSERT_EQ(0, close(p[0]));
}

/*
 * Buffer fixups outside their parent (CVE-2020-0041's scatter-gather
 * side): a buffer object's pointer is patched into its parent at
 * parent_offset; a parent that is not an earlier buffer object, or an
 * offset not inside the parent, made the driver write outside the buffer
 * it had checked. This proves that each such layout is refused with
 * BR_FAILED_REPLY and -EINVAL, and that the receiver gets nothing.
 */
TEST_F(fds, ptr_fixup_outside_parent)
{
	struct { uint64_t a, b; } parent = { 1, 2 };
	uint64_t child = 0x6368696c64;
	struct sg_outcome o;
	struct obj_msg m;
	pid_t mgr;
	int i;

	mgr = sg_start_mgr(variant->path, BINDERLITE_FLAG_ACCEPTS_FDS, sg_quiet_mgr, NULL);
	ASSERT_LT(0, mgr);
	for (i = 0; i < 7; i++) {
		obj_msg_init(&m);
		obj_msg_u64(&m, 0x6864720a);
		if (i == 5) {
			/* The parent is a binder object, not a buffer. */
			obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(1), OBJ_COOKIE(1));
		} else {
			obj_msg_ptr(&m, &parent, sizeof(parent), -1, 0);
		}
		switch (i) {
		case 0:	/* at the parent's end */
			obj_msg_ptr(&m, &child, sizeof(child), 0, sizeof(parent));
			break;
		case 1:	/* crossing it */
			obj_msg_ptr(&m, &child, sizeof(child), 0, sizeof(parent) - 4);
			break;
		case 2:	/* an offset that wraps */
			obj_msg_ptr(&m, &child, sizeof(child), 0, ~0ULL - 3);
			break;
		case 3:	/* the parent is the object itself */
			obj_msg_ptr(&m, &child, sizeof(child), 1, 0);
			break;
		case 4:	/* a later object */
			obj_msg_ptr(&m, &child, sizeof(child), 2, 0);
			obj_msg_ptr(&m, &child, sizeof(child), -1, 0);
			break;
		case 5:
			obj_msg_ptr(&m, &child, sizeof(child), 0, 0);
			break;
		default: /* an fd array past its parent's end */
			obj_msg_fda(&m, 2, 0, sizeof(parent) - 4);
			break;
		}
		TH_LOG("case %d", i);
		ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION_SG, 0, CODE_FDS, 0, &m,
				     &o));
		SG_ASSERT_REFUSED(&o, -EINVAL);
	}
	ASSERT_EQ(0, sg_quit(&self->r, mgr));
}

/*
 * fd arrays closing descriptors twice: the receiver's descriptors of an fd
 * array belong to the buffer and are closed when it is freed; a second
 * close (on a second free, or of a failed transaction's descriptors) hits
 * whatever file got the number since. This proves that BC_FREE_BUFFER of
 * an fd array's buffer closes its two descriptors (the pipe reaches EOF),
 * and that a second BC_FREE_BUFFER, after the test opened two files that
 * took those numbers back, leaves them open.
 */
TEST_F(fds, fda_closes_fds_once)
{
	struct binderlite_transaction_data tr;
	struct binderlite_fd_array_object fda;
	struct fda_parent par, rx;
	struct ipc_event ev;
	struct sg_step *st;
	struct obj_msg m;
	int p[2], i, again[2];
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	fd_array_msg(&m, &par, p[1], p[1]);
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_FDS, 0, &m);
	st->close_fd = p[1];
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, close(p[1]));

	sg_assert_call(_metadata, &self->r, &tr);
	ASSERT_TRUE(ipc_wait_int(&self->s->sent, 1, 30000));
	ASSERT_EQ(0, ipc_obj_at(&tr, 1, &fda, sizeof(fda)));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_FDA, fda.hdr.type);
	memcpy(&rx, (void *)(uintptr_t)sg_rx_sg_start(&tr), sizeof(rx));
	ASSERT_NE(rx.fds[0], rx.fds[1]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(1, sg_same_file(rx.fds[i], p[0]));
	ASSERT_EQ(1, sg_has_writer(p[0]));

	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, tr.data.ptr.buffer));
	for (i = 0; i < 2; i++)
		ASSERT_FALSE(sg_is_open(rx.fds[i]));
	ASSERT_EQ(0, sg_has_writer(p[0]));
	/* The numbers are taken again; a second free must not close them. */
	for (i = 0; i < 2; i++) {
		again[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, again[i]);
	}
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, tr.data.ptr.buffer));
	for (i = 0; i < 2; i++) {
		ASSERT_TRUE(sg_is_open(again[i]));
		ASSERT_EQ(0, close(again[i]));
	}
	ASSERT_EQ(0, ipc_reply(self->dev.fd, 0, NULL, 0));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev));
	sg_reap_script(_metadata, self->s, pid, -1);
	SG_ASSERT_ANSWERED(&st->out);
	ASSERT_EQ(0, close(p[0]));
}

/*
 * fd arrays closing descriptors twice, a transaction failing after its
 * descriptors were installed: the receiver has room for one of the two;
 * the first is installed, the second fails, and the transaction is
 * dropped. The first descriptor must be closed (or never installed), once.
 * This proves that the receiver never sees the call, that its one free
 * descriptor number is free again afterwards (and only one), that the
 * sender gets BR_FAILED_REPLY, and that the pipe reaches EOF once the
 * sender is gone: no file reference is left.
 */
TEST_F(fds, fda_install_fails_midway)
{
	struct fda_parent par;
	struct sg_fill fill;
	struct ipc_event ev;
	struct sg_step *st;
	struct obj_msg m;
	int p[2], i, fd, ret;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	fd_array_msg(&m, &par, p[1], p[1]);
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_FDS, 0, &m);
	st->close_fd = p[1];
	self->s->go = 0;
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, close(p[1]));

	ASSERT_EQ(0, sg_fill_fds(&fill)) {
		sg_unfill_fds(&fill);
	}
	/* One number free. */
	ASSERT_EQ(0, close(fill.fds[--fill.n]));
	ipc_store(&self->s->go, 1);
	for (i = 0; i < 2000 && ipc_load(&self->s->done) < 1; i++) {
		ret = ipc_next_nonblock(&self->r, &ev);
		if (ret != -EAGAIN) {
			sg_unfill_fds(&fill);
			ASSERT_EQ(-EAGAIN, ret) TH_LOG("the receiver read %#x", ev.cmd);
		}
		bl_sleep_ms(5);
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ret = open("/dev/null", O_RDONLY | O_CLOEXEC) < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	sg_unfill_fds(&fill);
	ASSERT_EQ(1, ipc_load(&self->s->done));
	ASSERT_LE(0, fd) TH_LOG("the free number was taken: %s", strerror(errno));
	ASSERT_EQ(EMFILE, ret);
	IPC_ASSERT_IDLE(&self->r, 0);
	sg_reap_script(_metadata, self->s, pid, -1);
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, st->out.cmds[st->out.n - 1]) SG_LOG_OUTCOME(&st->out);
	ASSERT_EQ(0, sg_writers_gone(p[0], 5000));
	ASSERT_EQ(0, close(p[0]));
}

TEST_HARNESS_MAIN
