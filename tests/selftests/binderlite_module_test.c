// SPDX-License-Identifier: GPL-2.0
/*
 * Module life-cycle tests: unloading is refused while the device is open,
 * and the module survives many unload/load cycles, also while other
 * processes race to open it.
 *
 * The bench passes the module's path in BINDERLITE_KO. Every test leaves the
 * module loaded, as it found it.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "binderlite_selftest.h"

#define CYCLES		20

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
	EXPECT_TRUE(ret == -EAGAIN || ret == -EBUSY) TH_LOG("delete_module: %d", ret);
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
	EXPECT_TRUE(ret == -EAGAIN || ret == -EBUSY) TH_LOG("delete_module: %d", ret);
	ASSERT_EQ(1, write(done[1], "d", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's exit dropped the last reference. */
	ASSERT_EQ(0, bl_module_unload());
	ASSERT_EQ(0, bl_module_load(self->ko, ""));
}

TEST_F(module, load_unload_cycles)
{
	int i, fd;

	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, bl_module_unload()) TH_LOG("cycle %d", i);
		ASSERT_FALSE(bl_module_loaded());
		ASSERT_NE(0, access(BL_BINDERLITE_PATH, F_OK))
			TH_LOG("device node outlived the module");
		ASSERT_EQ(0, bl_module_load(self->ko, "")) TH_LOG("cycle %d", i);
		fd = open(BL_BINDERLITE_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("cycle %d: %s", i, strerror(errno));
		ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(fd));
		ASSERT_EQ(0, close(fd));
	}
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

	for (i = 0; i < CYCLES / 2; i++) {
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
