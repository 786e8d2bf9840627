// SPDX-License-Identifier: GPL-2.0
/*
 * Device-level tests: open and close, the version handshake, bad ioctls and
 * many concurrent opens.
 *
 * Every test runs against /dev/binderlite and, because it uses only the
 * subset binderlite shares with binder, also against the reference
 * /dev/binder when that device exists. Where binder answers differently by
 * design, the variant records binder's answer.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "binderlite_selftest.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_VARIANT(dev) {
	BL_VARIANT_DEVICE;
	/* errno for a version ioctl whose argument cannot be written */
	int bad_arg_errno;
	/* random commands to try; binder logs each failed ioctl */
	int random_rounds;
};

/* binder maps every put_user() failure of BINDER_VERSION to -EINVAL. */
BL_DEVICE_VARIANTS(dev,
		   (.bad_arg_errno = EFAULT, .random_rounds = 4000),
		   (.bad_arg_errno = EINVAL, .random_rounds = 200));

FIXTURE_SETUP(dev)
{
	bl_fixture_open(_metadata, variant->path, &self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		EXPECT_EQ(0, close(self->fd));
}

TEST_F(dev, version)
{
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
	/* Asking twice changes nothing. */
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
}

TEST_F(dev, open_flags)
{
	static const int flags[] = { O_RDONLY, O_WRONLY, O_RDWR | O_NONBLOCK };
	unsigned int i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int fd = open(variant->path, flags[i] | O_CLOEXEC);

		ASSERT_LE(0, fd) TH_LOG("flags %#x: %s", flags[i], strerror(errno));
		EXPECT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(fd));
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(dev, version_bad_argument)
{
	long page = sysconf(_SC_PAGESIZE);
	void *ro, *gone;
	void *const args[] = {
		NULL,
		(void *)1,
		(void *)(uintptr_t)0xffff888000000000ull,	/* kernel space */
		(void *)(uintptr_t)-1,
	};
	unsigned int i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, BINDERLITE_VERSION, args[i]));
		EXPECT_EQ(variant->bad_arg_errno, errno) TH_LOG("argument %p", args[i]);
	}

	/* A read-only page and an unmapped one. */
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, BINDERLITE_VERSION, ro));
	EXPECT_EQ(variant->bad_arg_errno, errno);
	EXPECT_EQ(0, *(volatile int *)ro) TH_LOG("a failed ioctl wrote to a read-only page");

	gone = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, gone);
	ASSERT_EQ(0, munmap(gone, page));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, BINDERLITE_VERSION, gone));
	EXPECT_EQ(variant->bad_arg_errno, errno);
	ASSERT_EQ(0, munmap(ro, page));

	/* The file is still fully usable. */
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
}

/*
 * Commands neither driver knows. Type 'b' is binder's own, so near misses
 * (the version number with the wrong size or direction) matter most.
 */
TEST_F(dev, unknown_ioctls)
{
	struct binderlite_version ver = { 0 };
	const unsigned long cmds[] = {
		0,
		_IO('b', 9),
		_IOR('b', 9, struct binderlite_version),
		_IOW('b', 9, struct binderlite_version),
		_IOWR('b', 9, __u64),
		_IOWR('b', 9, char[4096]),
		_IOWR('B', 9, struct binderlite_version),
		_IOWR('b', 200, struct binderlite_version),
		_IOC(_IOC_READ | _IOC_WRITE, 'b', 9, _IOC_SIZEMASK),
		0x5401,		/* TCGETS: not a tty */
		~0ul,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &ver)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
	EXPECT_EQ(0, ver.protocol_version) TH_LOG("an unknown ioctl wrote its argument");
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
}

/*
 * Random commands outside binder's number space and outside the generic
 * ones the VFS handles itself, with random arguments: every one is refused
 * and none of them disturbs the file.
 */
TEST_F(dev, random_ioctls)
{
	static const char types[] = { 'q', 'z', '~', 0x7f, 0xee };
	unsigned int seed = (unsigned int)getpid();
	int i;

	TH_LOG("seed %u", seed);
	srandom(seed);
	for (i = 0; i < variant->random_rounds; i++) {
		unsigned long cmd, arg;

		if (i & 1)
			cmd = _IOC(random() & 3, 'b', 64 + random() % 192, random() & _IOC_SIZEMASK);
		else
			cmd = _IOC(random() & 3, types[random() % sizeof(types)],
				   random() & 0xff, random() & _IOC_SIZEMASK);
		arg = (i & 2) ? (unsigned long)random() : 0;
		errno = 0;
		ASSERT_EQ(-1, ioctl(self->fd, cmd, arg)) TH_LOG("cmd %#lx", cmd);
		ASSERT_EQ(EINVAL, errno) TH_LOG("cmd %#lx", cmd);
	}
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
}

TEST_F(dev, shared_across_fork)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(bl_version(self->fd) == BINDERLITE_CURRENT_PROTOCOL_VERSION ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The child's exit closed its copy only. */
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
}

#define OPENERS_PROCS		8
#define OPENERS_THREADS		4
#define OPENERS_FDS		32
#define OPENERS_ROUNDS		4

struct opener {
	const char *path;
	pthread_barrier_t *start;
	int failures;
};

static void *opener_thread(void *arg)
{
	struct opener *op = arg;
	int fds[OPENERS_FDS];
	int round, i;

	pthread_barrier_wait(op->start);
	for (round = 0; round < OPENERS_ROUNDS; round++) {
		for (i = 0; i < OPENERS_FDS; i++) {
			fds[i] = open(op->path, O_RDWR | O_CLOEXEC);
			if (fds[i] < 0)
				op->failures++;
		}
		for (i = 0; i < OPENERS_FDS; i++) {
			if (fds[i] < 0)
				continue;
			if (bl_version(fds[i]) != BINDERLITE_CURRENT_PROTOCOL_VERSION)
				op->failures++;
			if (close(fds[i]))
				op->failures++;
		}
	}
	return NULL;
}

/* Run in each child: several threads open, use and close many files. */
static int openers_child(const char *path)
{
	pthread_t threads[OPENERS_THREADS];
	struct opener ops[OPENERS_THREADS];
	pthread_barrier_t start;
	int i, failures = 0;

	pthread_barrier_init(&start, NULL, OPENERS_THREADS);
	for (i = 0; i < OPENERS_THREADS; i++) {
		ops[i] = (struct opener){ .path = path, .start = &start };
		if (pthread_create(&threads[i], NULL, opener_thread, &ops[i]))
			return 2;
	}
	for (i = 0; i < OPENERS_THREADS; i++) {
		pthread_join(threads[i], NULL);
		failures += ops[i].failures;
	}
	return failures ? 1 : 0;
}

TEST_F(dev, many_concurrent_opens)
{
	pid_t pids[OPENERS_PROCS];
	int i, started, status, fork_errno = 0;

	for (started = 0; started < OPENERS_PROCS; started++) {
		pids[started] = fork();
		if (pids[started] == 0)
			_exit(openers_child(variant->path));
		if (pids[started] < 0) {
			fork_errno = errno;
			break;
		}
	}
	/* Every child that started is reaped, whatever failed. */
	for (i = 0; i < started; i++) {
		status = -1;
		EXPECT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("opener %d: status %#x", i, status);
	}
	ASSERT_EQ(OPENERS_PROCS, started) TH_LOG("fork: %s", strerror(fork_errno));
	ASSERT_EQ(BINDERLITE_CURRENT_PROTOCOL_VERSION, bl_version(self->fd));
}

TEST_HARNESS_MAIN
