// SPDX-License-Identifier: GPL-2.0
/*
 * The write-read loop and the thread protocol: every read starts with
 * BR_NOOP; a thread's first read returns at once; O_NONBLOCK reads give
 * EAGAIN; consumed counts report progress, also on errors; the looper
 * commands; THREAD_EXIT; SET_MAX_THREADS; GET_EXTENDED_ERROR; signals,
 * flush (close of any descriptor) and poll.
 *
 * Every test runs against /dev/binderlite and the reference /dev/binder.
 */
#include <pthread.h>

#include "binderlite_ipc.h"

FIXTURE(thr) {
	int fd;
};

FIXTURE_VARIANT(thr) {
	BL_VARIANT_DEVICE;
	/* errno for SET_MAX_THREADS with an unreadable argument */
	int bad_arg_errno;
};

/* binder maps copy_from_user() failures of SET_MAX_THREADS to -EINVAL. */
BL_DEVICE_VARIANTS(thr, (.bad_arg_errno = EFAULT), (.bad_arg_errno = EINVAL));

FIXTURE_SETUP(thr)
{
	bl_fixture_open(_metadata, variant->path, &self->fd);
}

FIXTURE_TEARDOWN(thr)
{
	if (self->fd >= 0)
		EXPECT_EQ(0, close(self->fd));
}

TEST_F(thr, empty_write_read)
{
	struct binderlite_write_read bwr = { 0 };

	ASSERT_EQ(0, ipc_write_read(self->fd, &bwr));
	ASSERT_EQ(0ULL, bwr.write_consumed);
	ASSERT_EQ(0ULL, bwr.read_consumed);
}

TEST_F(thr, first_read_returns_noop)
{
	uint32_t buf[8] = { 0xffffffff };
	uint64_t consumed = 0;

	/* A thread's first read has nothing to wait for and returns. */
	ASSERT_EQ(0, ipc_read_at(self->fd, buf, sizeof(buf), &consumed));
	ASSERT_EQ(sizeof(uint32_t), consumed);
	ASSERT_EQ(BINDERLITE_BR_NOOP, buf[0]);
}

TEST_F(thr, nonblocking_read)
{
	uint32_t buf[8];
	uint64_t consumed = 0;
	int fd;

	fd = open(variant->path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ipc_read_at(fd, buf, sizeof(buf), &consumed));
	/*
	 * Nothing to do: EAGAIN. The BR_NOOP every read starts with is in the
	 * buffer, but a failed read reports nothing consumed.
	 */
	buf[0] = 0;
	consumed = 0;
	ASSERT_EQ(-EAGAIN, ipc_read_at(fd, buf, sizeof(buf), &consumed));
	ASSERT_EQ(0ULL, consumed);
	ASSERT_EQ(BINDERLITE_BR_NOOP, buf[0]);
	ASSERT_EQ(0, close(fd));
}

TEST_F(thr, looper_commands)
{
	uint32_t cmds[] = {
		BINDERLITE_BC_ENTER_LOOPER,
		BINDERLITE_BC_EXIT_LOOPER,
		/* Not requested by the driver: logged, not an error. */
		BINDERLITE_BC_REGISTER_LOOPER,
	};
	uint64_t consumed = 0;

	ASSERT_EQ(0, ipc_write_at(self->fd, cmds, sizeof(cmds), &consumed));
	ASSERT_EQ(sizeof(cmds), consumed);
}

TEST_F(thr, unknown_command_stops_the_stream)
{
	uint32_t cmds[] = { BINDERLITE_BC_ENTER_LOOPER, 0x12345678, BINDERLITE_BC_EXIT_LOOPER };
	uint64_t consumed = 0;

	ASSERT_EQ(-EINVAL, ipc_write_at(self->fd, cmds, sizeof(cmds), &consumed));
	/* Consumed up to, not including, the bad command. */
	ASSERT_EQ(sizeof(uint32_t), consumed);
	/* Resuming after it works. */
	consumed = 2 * sizeof(uint32_t);
	ASSERT_EQ(0, ipc_write_at(self->fd, cmds, sizeof(cmds), &consumed));
	ASSERT_EQ(sizeof(cmds), consumed);
}

TEST_F(thr, bad_buffers)
{
	struct binderlite_write_read bwr = { .write_size = 4 };
	uint32_t buf[4];

	errno = 0;
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_WRITE_READ, NULL));
	ASSERT_EQ(EFAULT, errno);
	/* Commands at an unmapped address. */
	ASSERT_EQ(-EFAULT, ipc_write_read(self->fd, &bwr));
	ASSERT_EQ(0ULL, bwr.write_consumed);
	/* Returns to an unmapped address. */
	bwr = (struct binderlite_write_read){ .read_size = 16, .read_buffer = 8 };
	ASSERT_EQ(-EFAULT, ipc_write_read(self->fd, &bwr));
	ASSERT_EQ(0ULL, bwr.read_consumed);
	/* A kernel address is no better. */
	bwr = (struct binderlite_write_read){
		.write_size = 4, .write_buffer = 0xffff888000000000ull,
	};
	ASSERT_EQ(-EFAULT, ipc_write_read(self->fd, &bwr));
	/* And the file still works. */
	buf[0] = BINDERLITE_BC_ENTER_LOOPER;
	bwr = (struct binderlite_write_read){
		.write_size = sizeof(buf[0]), .write_buffer = (uintptr_t)buf,
	};
	ASSERT_EQ(0, ipc_write_read(self->fd, &bwr));
	ASSERT_EQ(sizeof(buf[0]), bwr.write_consumed);
}

TEST_F(thr, set_max_threads)
{
	uint32_t max = 4;

	ASSERT_EQ(0, ioctl(self->fd, BINDERLITE_SET_MAX_THREADS, &max));
	max = 0;
	ASSERT_EQ(0, ioctl(self->fd, BINDERLITE_SET_MAX_THREADS, &max));
	errno = 0;
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_SET_MAX_THREADS, NULL));
	ASSERT_EQ(variant->bad_arg_errno, errno);
}

TEST_F(thr, extended_error_starts_clear)
{
	struct binderlite_extended_error ee = { 1, 2, 3 };

	ASSERT_EQ(0, ioctl(self->fd, BINDERLITE_GET_EXTENDED_ERROR, &ee));
	ASSERT_EQ(0U, ee.id);
	ASSERT_EQ(BINDERLITE_BR_OK, ee.command);
	ASSERT_EQ(0, ee.param);
	errno = 0;
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_GET_EXTENDED_ERROR, NULL));
	ASSERT_EQ(EFAULT, errno);
}

TEST_F(thr, thread_exit)
{
	uint32_t buf[4];
	int fd, i;

	fd = open(variant->path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, fd);
	for (i = 0; i < 3; i++) {
		uint64_t first = 0, second = 0;

		/* A new thread: the first read returns, the second has to wait. */
		ASSERT_EQ(0, ipc_read_at(fd, buf, sizeof(buf), &first));
		ASSERT_EQ(-EAGAIN, ipc_read_at(fd, buf, sizeof(buf), &second));
		ASSERT_EQ(0, ioctl(fd, BINDERLITE_THREAD_EXIT, 0));
	}
	ASSERT_EQ(0, close(fd));
}

/* A reader thread that blocks in WRITE_READ until something wakes it. */
struct reader {
	int fd;
	volatile int started;
	volatile int done;
	int ret;
	uint64_t consumed;
	uint32_t buf[8];
};

static void on_usr1(int sig)
{
}

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	uint64_t consumed = 0;

	/* The first read of a thread returns at once; the second blocks. */
	ipc_read_at(r->fd, r->buf, sizeof(r->buf), &consumed);
	r->started = 1;
	/* r->consumed starts at 0. */
	r->ret = ipc_read_at(r->fd, r->buf, sizeof(r->buf), &r->consumed);
	r->done = 1;
	return NULL;
}

/* Pokes the reader with @poke every 20 ms until it returns; 0 if it did. */
static int wait_reader(struct reader *r, pthread_t tid, void (*poke)(struct reader *, pthread_t))
{
	int i;

	while (!r->started)
		bl_sleep_ms(20);
	for (i = 0; i < 500 && !r->done; i++) {
		bl_sleep_ms(20);
		poke(r, tid);
	}
	return r->done ? pthread_join(tid, NULL) : -1;
}

static void poke_signal(struct reader *r, pthread_t tid)
{
	pthread_kill(tid, SIGUSR1);
}

static void poke_flush(struct reader *r, pthread_t tid)
{
	close(dup(r->fd));
}

TEST_F(thr, signal_interrupts_read)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct reader r = { .fd = self->fd };
	pthread_t tid;

	/* No SA_RESTART: the ioctl must come back with EINTR. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&tid, NULL, reader_thread, &r));
	ASSERT_EQ(0, wait_reader(&r, tid, poke_signal));
	ASSERT_EQ(-EINTR, r.ret);
	ASSERT_EQ(0ULL, r.consumed);
	ASSERT_EQ(BINDERLITE_BR_NOOP, r.buf[0]);
}

TEST_F(thr, flush_wakes_readers)
{
	struct reader r = { .fd = self->fd };
	pthread_t tid;

	ASSERT_EQ(0, pthread_create(&tid, NULL, reader_thread, &r));
	/* Closing any descriptor of the file makes blocked readers return. */
	ASSERT_EQ(0, wait_reader(&r, tid, poke_flush));
	ASSERT_EQ(0, r.ret);
	ASSERT_EQ(sizeof(uint32_t), r.consumed);
	ASSERT_EQ(BINDERLITE_BR_NOOP, r.buf[0]);
}

TEST_F(thr, poll)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct binderlite_write_read bwr = { 0 };

	/* After the thread's first ioctl there is nothing to read. */
	ASSERT_EQ(0, ipc_write_read(self->fd, &bwr));
	ASSERT_EQ(0, poll(&pfd, 1, 0));
	/* A flush makes the next read return, so the file polls readable. */
	ASSERT_EQ(0, close(dup(self->fd)));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_TRUE(pfd.revents & POLLIN);
	/* An ioctl consumes that. */
	ASSERT_EQ(0, ipc_write_read(self->fd, &bwr));
	ASSERT_EQ(0, poll(&pfd, 1, 0));
}

TEST_HARNESS_MAIN
