// SPDX-License-Identifier: GPL-2.0
/*
 * The context manager (handle 0): one at a time, free again when its
 * process dies, and afterwards only for the effective uid that held it
 * first. Runs against /dev/binderlite and the reference /dev/binder.
 *
 * Binder releases a dead manager from a workqueue, so a successor retries
 * for a while before concluding the slot is taken.
 */
#include "binderlite_ipc.h"

FIXTURE(mgr) {
	int fd;
};

FIXTURE_VARIANT(mgr) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(mgr, (), ());

FIXTURE_SETUP(mgr)
{
	bl_fixture_open(_metadata, variant->path, &self->fd);
}

FIXTURE_TEARDOWN(mgr)
{
	if (self->fd >= 0)
		EXPECT_EQ(0, close(self->fd));
}

static int32_t unused;

/* One SET_CONTEXT_MGR, without waiting out a dead predecessor. */
static int set_mgr(int fd)
{
	return ipc_mgr_ioctl_once(fd, BINDERLITE_SET_CONTEXT_MGR, &unused);
}

TEST_F(mgr, one_at_a_time)
{
	int ready[2], done[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(variant->path, O_RDWR | O_CLOEXEC);

		if (fd < 0 || ipc_become_mgr(fd) || write(ready[1], "r", 1) != 1)
			_exit(1);
		/* Hold the slot until the parent has tried. */
		_exit(read(done[0], &c, 1) == 1 ? 0 : 2);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(-EBUSY, set_mgr(self->fd));
	ASSERT_EQ(1, write(done[1], "d", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The manager died: the slot is free for the same uid. */
	ASSERT_EQ(0, ipc_become_mgr(self->fd));
	/* Even its holder cannot take it twice. */
	ASSERT_EQ(-EBUSY, set_mgr(self->fd));
}

TEST_F(mgr, ext_with_an_object)
{
	struct flat_binderlite_object fbo = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.binder = 0x1000,
		.cookie = 0x2000,
	};

	ASSERT_EQ(0, ipc_mgr_ioctl(self->fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &fbo));
	ASSERT_EQ(-EBUSY, ipc_mgr_ioctl_once(self->fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &fbo));
}

/* Asking for the senders' security contexts is a manager like any other. */
TEST_F(mgr, ext_security_context)
{
	struct flat_binderlite_object fbo = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.flags = BINDERLITE_FLAG_TXN_SECURITY_CTX,
	};

	ASSERT_EQ(0, ipc_mgr_ioctl(self->fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &fbo));
	ASSERT_EQ(-EBUSY, ipc_mgr_ioctl_once(self->fd, BINDERLITE_SET_CONTEXT_MGR, &unused));
}

TEST_F(mgr, another_uid_is_refused)
{
	int status;
	pid_t pid;

	/* Root has been (and now is) the manager. */
	ASSERT_EQ(0, ipc_become_mgr(self->fd));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(variant->path, O_RDWR | O_CLOEXEC);

		if (fd < 0 || seteuid(1000))
			_exit(1);
		_exit(ipc_become_mgr(fd) == -EPERM ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	self->fd = open(variant->path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ipc_become_mgr(self->fd));
}

TEST_HARNESS_MAIN
