// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-pool mapping rules: the pool is read-only and stays so, is not
 * inherited across fork, is mapped once, only by the process that opened
 * the device, is capped in size, and a page the driver has not populated
 * gets SIGBUS. Tearing it down works in any order.
 *
 * Each test runs against /dev/binderlite and the reference /dev/binder;
 * where binder differs by design, the variant says how.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binderlite_selftest.h"

#define POOL_SIZE	(1024 * 1024)
#define DEFAULT_CAP	(4 * 1024 * 1024)
#define POOLS_FILE	"/sys/kernel/debug/binderlite/pools"

/* One line of POOLS_FILE. */
struct pool_state {
	long size, used, free, largest_free, buffers, free_blocks, high_watermark;
	long async_free, pages_used, pages_resident, pages_high;
};

/* Fills @st for the pool of process @pid; returns 0, or -1 if it has none. */
static int pool_state(pid_t pid, struct pool_state *st)
{
	char line[512];
	FILE *f = fopen(POOLS_FILE, "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int p;

		if (sscanf(line, "%d %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", &p,
			   &st->size, &st->used, &st->free, &st->largest_free,
			   &st->buffers, &st->free_blocks, &st->high_watermark,
			   &st->async_free, &st->pages_used, &st->pages_resident,
			   &st->pages_high) == 12 && p == pid) {
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static sigjmp_buf touch_env;

static void touch_signal(int sig)
{
	siglongjmp(touch_env, sig);
}

/*
 * Reads (or writes) one byte at @addr in this process. Returns the signal
 * that access raised (SIGBUS, SIGSEGV), or 0 if it went through.
 */
static int touch(void *addr, bool write)
{
	struct sigaction sa = { .sa_handler = touch_signal }, old_bus, old_segv;
	volatile int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(touch_env, 1);
	if (!sig) {
		if (write)
			*(volatile char *)addr = 1;
		else
			(void)*(volatile char *)addr;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

static int touch_read(void *addr)
{
	return touch(addr, false);
}

static int touch_write(void *addr)
{
	return touch(addr, true);
}

FIXTURE(pool) {
	int fd;
	void *map;
	size_t len;
};

FIXTURE_VARIANT(pool) {
	/* with binderlite, POOLS_FILE describes the pool */
	BL_VARIANT_DEVICE;
	/* mmap() by a process that did not open the device */
	int foreign_errno;
	/* munmap() of part of the pool, and mremap() moving it, are refused */
	bool fixed_mapping;
	/* a non-zero mmap() offset is refused */
	bool checks_offset;
	/* madvise(MADV_DOFORK) cannot make a child inherit the pool */
	bool dofork_refused;
};

/*
 * binder answers a foreign mmap() with -EINVAL, lets its mapping be split
 * and moved (and then keeps using the old addresses), ignores the offset,
 * and lets madvise(MADV_DOFORK) undo VM_DONTCOPY.
 */
BL_DEVICE_VARIANTS(pool,
		   (.foreign_errno = EPERM,
		    .fixed_mapping = true,
		    .checks_offset = true,
		    .dofork_refused = true),
		   (.foreign_errno = EINVAL));

FIXTURE_SETUP(pool)
{
	self->map = MAP_FAILED;
	bl_fixture_open(_metadata, variant->path, &self->fd);
}

FIXTURE_TEARDOWN(pool)
{
	struct pool_state st;

	if (self->map != MAP_FAILED)
		EXPECT_EQ(0, munmap(self->map, self->len));
	if (self->fd >= 0)
		EXPECT_EQ(0, close(self->fd));
	/* Nothing of the pool is left behind. */
	if (variant->binderlite && self->fd >= 0)
		EXPECT_NE(0, pool_state(getpid(), &st));
}

static void *map_pool(struct __test_metadata *_metadata, FIXTURE_DATA(pool) *self,
		      size_t len)
{
	self->map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, self->fd, 0);
	self->len = len;
	ASSERT_NE(MAP_FAILED, self->map) TH_LOG("mmap: %s", strerror(errno));
	return self->map;
}

TEST_F(pool, lazy_and_readonly)
{
	struct pool_state st;

	map_pool(_metadata, self, POOL_SIZE);
	if (variant->binderlite) {
		ASSERT_EQ(0, pool_state(getpid(), &st));
		EXPECT_EQ(POOL_SIZE, st.size);
		EXPECT_EQ(0, st.used);
		EXPECT_EQ(POOL_SIZE, st.free);
		EXPECT_EQ(POOL_SIZE, st.largest_free);
		EXPECT_EQ(0, st.buffers);
		EXPECT_EQ(1, st.free_blocks);
		EXPECT_EQ(POOL_SIZE / 2, st.async_free);
		/* Nothing is resident until a buffer needs it. */
		EXPECT_EQ(0, st.pages_resident);
	}
}

TEST_F(pool, writable_mapping_refused)
{
	void *p;

	p = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EPERM, errno);
	p = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EPERM, errno);
	/* A refused mmap() does not use up the pool. */
	map_pool(_metadata, self, POOL_SIZE);
}

TEST_F(pool, write_faults)
{
	char *p = map_pool(_metadata, self, POOL_SIZE);

	ASSERT_EQ(SIGSEGV, touch_write(p));
	ASSERT_EQ(SIGSEGV, touch_write(p + POOL_SIZE - 1));
}

TEST_F(pool, mprotect_refused)
{
	char *p = map_pool(_metadata, self, POOL_SIZE);

	ASSERT_EQ(-1, mprotect(p, POOL_SIZE, PROT_READ | PROT_WRITE));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(-1, mprotect(p, 4096, PROT_WRITE));
	ASSERT_EQ(EACCES, errno);
	/* Still read-only. */
	ASSERT_EQ(SIGSEGV, touch_write(p));
}

TEST_F(pool, unpopulated_page_sigbus)
{
	char *p = map_pool(_metadata, self, POOL_SIZE);

	ASSERT_EQ(SIGBUS, touch_read(p));
	ASSERT_EQ(SIGBUS, touch_read(p + POOL_SIZE / 2));
	ASSERT_EQ(SIGBUS, touch_read(p + POOL_SIZE - 1));
}

static void check_unmapped(void *addr)
{
	unsigned char vec;

	/* mincore() fails with ENOMEM on an address that is not mapped. */
	if (mincore(addr, 4096, &vec) != -1 || errno != ENOMEM)
		_exit(1);
	/* Touching it finds nothing there (the parent would get SIGBUS). */
	_exit(touch_read(addr) == SIGSEGV ? 0 : 2);
}

TEST_F(pool, fork_does_not_inherit)
{
	char *p = map_pool(_metadata, self, POOL_SIZE);
	unsigned char vec;
	int status;
	pid_t pid;

	ASSERT_EQ(0, mincore(p, 4096, &vec));
	if (variant->dofork_refused) {
		/* Nor can the owner ask for its pool to be inherited. */
		ASSERT_EQ(-1, madvise(p, POOL_SIZE, MADV_DOFORK));
		/* ENOSYS: a kernel without madvise() (the debug kernel). */
		ASSERT_TRUE(errno == EINVAL || errno == ENOSYS) TH_LOG("errno %d", errno);
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		check_unmapped(p);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("the child inherited the pool");
	/* The parent's mapping is untouched. */
	ASSERT_EQ(SIGBUS, touch_read(p));
}

TEST_F(pool, second_mmap_busy)
{
	void *p2;

	map_pool(_metadata, self, POOL_SIZE);
	p2 = mmap(NULL, POOL_SIZE, PROT_READ, MAP_PRIVATE, self->fd, 0);
	ASSERT_EQ(MAP_FAILED, p2);
	ASSERT_EQ(EBUSY, errno);
}

TEST_F(pool, foreign_process_refused)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *p = mmap(NULL, POOL_SIZE, PROT_READ, MAP_PRIVATE, self->fd, 0);

		_exit(p == MAP_FAILED && errno == variant->foreign_errno ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The owner still can. */
	map_pool(_metadata, self, POOL_SIZE);
}

TEST_F(pool, size_capped)
{
	char *p = map_pool(_metadata, self, 2 * DEFAULT_CAP);
	struct pool_state st;

	if (variant->binderlite) {
		ASSERT_EQ(0, pool_state(getpid(), &st));
		EXPECT_EQ(DEFAULT_CAP, st.size);
	}
	/* Beyond the cap the mapping exists but never gets a page. */
	ASSERT_EQ(SIGBUS, touch_read(p + DEFAULT_CAP));
	ASSERT_EQ(SIGBUS, touch_read(p + 2 * DEFAULT_CAP - 1));
}

static int set_cap(const char *value)
{
	int fd = open("/sys/module/binderlite/parameters/max_pool_size", O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* binder's 4 MiB cap is fixed; binderlite's is a module parameter. */
TEST_F(pool, cap_is_a_parameter)
{
	const long big = 64 * 1024 * 1024;
	struct pool_state st;

	if (!variant->binderlite)
		SKIP(return, "%s has a fixed cap", variant->path);
	ASSERT_EQ(-EINVAL, set_cap("4097"));
	ASSERT_EQ(-EINVAL, set_cap("0"));
	ASSERT_EQ(-EINVAL, set_cap("2147483648"));
	ASSERT_EQ(-EINVAL, set_cap("lots"));
	ASSERT_EQ(0, set_cap("67108864"));
	self->map = mmap(NULL, big, PROT_READ, MAP_PRIVATE, self->fd, 0);
	self->len = big;
	/* Back to the default before anything can fail. */
	ASSERT_EQ(0, set_cap("4194304"));
	ASSERT_NE(MAP_FAILED, self->map);
	ASSERT_EQ(0, pool_state(getpid(), &st));
	ASSERT_EQ(big, st.size);
	ASSERT_EQ(big / 2, st.async_free);
	ASSERT_EQ(0, st.pages_resident);
	ASSERT_EQ(SIGBUS, touch_read((char *)self->map + big - 1));
}

TEST_F(pool, offset_refused)
{
	void *p;

	if (!variant->checks_offset)
		SKIP(return, "%s ignores the mmap offset", variant->path);
	p = mmap(NULL, POOL_SIZE, PROT_READ, MAP_PRIVATE, self->fd, 4096);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(pool, split_and_move_refused)
{
	char *p = map_pool(_metadata, self, POOL_SIZE);
	void *q;

	if (!variant->fixed_mapping)
		SKIP(return, "%s lets its mapping be split and moved", variant->path);
	/* Unmapping part of the pool would split it. */
	ASSERT_EQ(-1, munmap(p + POOL_SIZE / 2, 4096));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, munmap(p, 4096));
	ASSERT_EQ(EINVAL, errno);
	/* Growing, shrinking and moving are refused. */
	q = mremap(p, POOL_SIZE, 2 * POOL_SIZE, 0);
	ASSERT_EQ(MAP_FAILED, q);
	q = mremap(p, POOL_SIZE, POOL_SIZE / 2, 0);
	ASSERT_EQ(MAP_FAILED, q);
	q = mremap(p, POOL_SIZE, POOL_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		   p + 2 * POOL_SIZE);
	ASSERT_EQ(MAP_FAILED, q);
	/* The pool is where it was. */
	ASSERT_EQ(SIGBUS, touch_read(p));
}

TEST_F(pool, teardown_any_order)
{
	struct pool_state st;
	char *p;
	int fd;

	/* munmap, then close. */
	p = map_pool(_metadata, self, POOL_SIZE);
	ASSERT_EQ(0, munmap(p, POOL_SIZE));
	self->map = MAP_FAILED;
	if (variant->binderlite)
		ASSERT_EQ(0, pool_state(getpid(), &st));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;

	/* close, then munmap: the mapping keeps the pool alive. */
	fd = open(variant->path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	p = mmap(NULL, POOL_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, close(fd));
	if (variant->binderlite)
		ASSERT_EQ(0, pool_state(getpid(), &st));
	ASSERT_EQ(SIGBUS, touch_read(p));
	ASSERT_EQ(0, munmap(p, POOL_SIZE));
	if (variant->binderlite)
		ASSERT_NE(0, pool_state(getpid(), &st)) TH_LOG("the pool outlived its last user");

	/* Reopen, so the fixture's teardown has something to close. */
	self->fd = open(variant->path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

#define EXITERS 16

/* Many processes open, map and die at once, some mid-way. */
TEST_F(pool, concurrent_exit)
{
	pid_t pids[EXITERS];
	int i, status;

	for (i = 0; i < EXITERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			int fd = open(variant->path, O_RDWR | O_CLOEXEC);
			void *p;

			if (fd < 0)
				_exit(1);
			p = mmap(NULL, POOL_SIZE << (i % 3), PROT_READ, MAP_PRIVATE, fd, 0);
			if (p == MAP_FAILED)
				_exit(2);
			if (i % 4 == 0)
				close(fd);
			if (i % 4 == 1)
				munmap(p, POOL_SIZE << (i % 3));
			if (i % 4 == 2)
				raise(SIGKILL);
			_exit(0);
		}
	}
	for (i = 0; i < EXITERS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		if (i % 4 == 2) {
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		} else {
			EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
				TH_LOG("child %d: status %#x", i, status);
		}
	}
	if (variant->binderlite) {
		struct pool_state st;

		for (i = 0; i < EXITERS; i++) {
			pid_t pid = pids[i];

			EXPECT_NE(0, pool_state(pid, &st)) TH_LOG("pool of %d left", pid);
		}
	}
}

TEST_HARNESS_MAIN
