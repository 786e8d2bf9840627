// SPDX-License-Identifier: GPL-2.0
/*
 * Module life-cycle tests: unloading is refused while a file of the device
 * is open or its pool still mapped, and the module survives many
 * unload/load cycles, with a round trip in each, also while other
 * processes race to open it.
 *
 * The bench passes the module's path in BINDERLITE_KO. BL_LIFECYCLE_CYCLES
 * sets the number of cycles of load_unload_cycles (default 25; make soak
 * runs 1000). Every test leaves the module loaded, as it found it.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "binderlite_ipc.h"

#define CYCLES_DEFAULT		25
#define RACING_CYCLES		10

/* The number of load_unload_cycles: BL_LIFECYCLE_CYCLES, else the default. */
static int lifecycle_cycles(void)
{
	const char *env = getenv("BL_LIFECYCLE_CYCLES");
	int n = env ? atoi(env) : 0;

	return n > 0 ? n : CYCLES_DEFAULT;
}

static bool unload_refused(int ret)
{
	return ret == -EAGAIN || ret == -EBUSY;
}

/*
 * The context manager of one round trip, a child of ipc_start(): answers
 * one call with its own payload, then exits 0.
 */
static int echo_once(struct ipc_dev *dev, void *arg)
{
	struct ipc_reader r;
	struct ipc_event ev;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	IPC_CHECK(ipc_expect(&r, BINDERLITE_BR_TRANSACTION, &ev) == 0);
	IPC_CHECK(ipc_reply_free(dev->fd, ev.txn.data.ptr.buffer, ipc_payload(&ev.txn),
				 ev.txn.data_size) == 0);
	IPC_CHECK(ipc_expect(&r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev) == 0);
	return 0;
}

FIXTURE(module) {
	const char *ko;
};

FIXTURE_SETUP(module)
{
	self->ko = getenv("BINDERLITE_KO");
	if (!self->ko)
		SKIP(return, "BINDERLITE_KO is not set");
	if (!bl_module_loaded())
		ASSERT_EQ(0, bl_module_load(self->ko, ""));
	ASSERT_EQ(0, access(BL_BINDERLITE_PATH, F_OK));
}

FIXTURE_TEARDOWN(module)
{
	/* Leave the driver loaded for whatever runs next. */
	if (self->ko && !bl_module_loaded())
		EXPECT_EQ(0, bl_module_load(self->ko, ""));
}

TEST_F(module, unload_refused_while_open)
{
	int fd, ret;

	fd = open(BL_BINDERLITE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);

	ret = bl_module_unload();
	EXPECT_TRUE(unload_refused(ret)) TH_LOG("delete_module: %d", ret);
	ASSERT_TRUE(bl_module_loaded());
	/* The open file works on, untouched by the refused unload. */
	EXPECT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(fd));
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(0, bl_module_unload());
	ASSERT_FALSE(bl_module_loaded());
	ASSERT_EQ(0, bl_module_load(self->ko, ""));
}

TEST_F(module, unload_refused_while_open_in_child)
{
	int ready[2], done[2];
	pid_t pid;
	char c;
	int status, ret;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(BL_BINDERLITE_PATH, O_RDWR | O_CLOEXEC);

		if (fd < 0 || write(ready[1], "r", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(2);
		_exit(bl_version(fd) == BINDERLITE_CURRENT_PROTOCOL_VERSION ? 0 : 1);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ret = bl_module_unload();
	EXPECT_TRUE(unload_refused(ret)) TH_LOG("delete_module: %d", ret);
	ASSERT_EQ(1, write(done[1], "d", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's exit dropped the last reference. */
	ASSERT_EQ(0, bl_module_unload());
	ASSERT_EQ(0, bl_module_load(self->ko, ""));
}

/*
 * Unload refused while the pool of a file already closed is still mapped:
 * the mapping holds the file, and the file the module.
 */
TEST_F(module, unload_refused_while_mapped)
{
	void *pool;
	int fd, ret;

	fd = open(BL_BINDERLITE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pool = mmap(NULL, IPC_POOL_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, pool);
	ASSERT_EQ(0, close(fd));

	ret = bl_module_unload();
	EXPECT_TRUE(unload_refused(ret)) TH_LOG("delete_module: %d", ret);
	ASSERT_TRUE(bl_module_loaded());

	ASSERT_EQ(0, munmap(pool, IPC_POOL_SIZE));
	ASSERT_EQ(0, bl_module_unload_retry());
	ASSERT_FALSE(bl_module_loaded());
	ASSERT_EQ(0, bl_module_load(self->ko, ""));
}

/*
 * One cycle's traffic: a round trip to a new context manager. Unloading
 * is refused while this side's file is open, and again once it is closed
 * but its pool still mapped. Leaves nothing open.
 */
static void cycle_round_trip(struct __test_metadata *_metadata, int cycle)
{
	struct ipc_result res = { 0 };
	struct ipc_reader r;
	struct ipc_dev dev;
	pid_t mgr;
	int ret;

	mgr = ipc_start(BL_BINDERLITE_PATH, true, echo_once, NULL);
	ASSERT_LT(0, mgr) TH_LOG("cycle %d: manager: %d", cycle, mgr);
	ASSERT_EQ(0, ipc_open(&dev, BL_BINDERLITE_PATH, IPC_POOL_SIZE));
	ipc_reader_init(&r, dev.fd);
	ASSERT_EQ(0, ipc_call(&r, 0, 1, &cycle, sizeof(cycle), &res)) TH_LOG("cycle %d", cycle);
	ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd) TH_LOG("cycle %d", cycle);
	ASSERT_EQ(sizeof(cycle), res.txn.data_size);
	EXPECT_EQ(0, memcmp(&cycle, ipc_payload(&res.txn), sizeof(cycle)));
	ASSERT_EQ(0, ipc_free_buffer(dev.fd, res.txn.data.ptr.buffer));
	ASSERT_EQ(0, ipc_wait(mgr, 30)) TH_LOG("cycle %d: manager failed", cycle);

	ret = bl_module_unload();
	ASSERT_TRUE(unload_refused(ret)) TH_LOG("cycle %d: fd open: delete_module: %d",
						cycle, ret);
	ASSERT_EQ(0, close(dev.fd));
	dev.fd = -1;
	ret = bl_module_unload();
	ASSERT_TRUE(unload_refused(ret)) TH_LOG("cycle %d: pool mapped: delete_module: %d",
						cycle, ret);
	ASSERT_TRUE(bl_module_loaded());
	ASSERT_EQ(0, ipc_close(&dev));
}

/* A guard against a hang only: 1000 cycles take minutes on the debug kernel. */
TEST_F_TIMEOUT(module, load_unload_cycles, 3600)
{
	int i, n = lifecycle_cycles();

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, bl_module_unload_retry()) TH_LOG("cycle %d", i);
		ASSERT_FALSE(bl_module_loaded());
		ASSERT_NE(0, access(BL_BINDERLITE_PATH, F_OK))
			TH_LOG("device node outlived the module");
		ASSERT_EQ(0, bl_module_load(self->ko, "")) TH_LOG("cycle %d", i);
		cycle_round_trip(_metadata, i);
	}
	TH_LOG("%d cycles, each with a round trip", n);
}

/*
 * Unload and load while children open, use and close the device as fast as
 * they can. An open may find no device; one that succeeds must work.
 */
TEST_F(module, cycles_racing_openers)
{
	const int nchildren = 3;
	pid_t pids[3];
	int i, status;

	for (i = 0; i < nchildren; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			for (;;) {
				int fd = open(BL_BINDERLITE_PATH, O_RDWR | O_CLOEXEC);

				if (fd < 0) {
					if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
						_exit(1);
					continue;
				}
				if (bl_version(fd) != BINDERLITE_CURRENT_PROTOCOL_VERSION)
					_exit(2);
				close(fd);
			}
		}
	}

	for (i = 0; i < RACING_CYCLES; i++) {
		ASSERT_EQ(0, bl_module_unload_retry()) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, bl_module_load(self->ko, "")) TH_LOG("cycle %d", i);
	}

	for (i = 0; i < nchildren; i++) {
		ASSERT_EQ(0, kill(pids[i], SIGTERM));
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		/* Killed by our SIGTERM: it never failed on its own. */
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
			TH_LOG("racer %d: status %#x", i, status);
	}
}

TEST_HARNESS_MAIN
