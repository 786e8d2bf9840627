// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors in transactions: fd objects in calls and replies, and
 * fd arrays inside scatter-gather buffers.
 *
 * What the receiver gets: a new descriptor (FD_CLOEXEC) of the same open
 * file, installed when it reads the transaction, with the object's cookie
 * passed through and the upper half of pad_binder cleared. Who may receive
 * one: a node made from an object with BINDERLITE_FLAG_ACCEPTS_FDS, a
 * caller that said TF_ACCEPT_FDS; anything else is -EPERM, a bad
 * descriptor -EBADF, and a receiver that can get no new descriptor drops
 * the transaction. Who closes what: BC_FREE_BUFFER leaves fd objects to
 * their receiver and closes fd arrays. Nothing leaks: every test counts the
 * descriptors of every process involved, and a pipe whose write end is
 * sent shows whether anybody, the driver included, still holds that end.
 *
 * The processes: either the test is the context manager and a child sends
 * it prepared transactions (sg_spawn_sender()), or a child is the manager
 * and answers the test's calls with prepared replies (sg_spawn_replier()),
 * or a child manager must receive nothing (sg_quiet_mgr()). Every test
 * runs against /dev/binderlite and the reference /dev/binder; on
 * binderlite the teardown also requires debugfs to show nothing left and
 * no file in flight.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "binderlite_ipc_sg.h"

#define CODE_FDS	0x100U
#define CODE_PLAIN	0x101U
#define COOKIE(i)	(0xc00c1e00ULL + (i))
/* Upper half of pad_binder as sent: the driver clears it. */
#define PAD_HIGH	0xdeadbeef00000000ULL
/* pad_flags as sent: passed through, as binder does. */
#define PAD_FLAGS	0x5a5aU
/* A descriptor number no test opens. */
#define UNUSED_FD	999
/* Nodes of the replier, sent in a reply (node_flags_decide). */
#define NODE_FDS	0xfd0000ULL
#define NODE_NO_FDS	0xfd1000ULL

FIXTURE(fd) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct sg_script *s;
	/* descriptors the test had before its setup */
	int fds_before;
};

FIXTURE_VARIANT(fd) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(fd, (), ());

FIXTURE_SETUP(fd)
{
	sg_fixture_setup(_metadata, variant->path, &self->dev, &self->r, &self->s,
			 &self->fds_before);
}

FIXTURE_TEARDOWN(fd)
{
	sg_fixture_teardown(_metadata, &self->dev, self->s, self->fds_before, variant->binderlite);
}

/* Appends an fd object with garbage in its padding. */
static size_t msg_fd(struct obj_msg *m, int fd, uint64_t cookie)
{
	struct binderlite_fd_object obj = obj_fd(fd, cookie);

	obj.pad_flags = PAD_FLAGS;
	obj.pad_binder = PAD_HIGH | (uint32_t)fd;
	return obj_msg_object(m, &obj, sizeof(obj));
}

/*
 * Asserts that object @i of @tr is an fd object as msg_fd() sent it, with
 * @cookie, the upper half of pad_binder cleared, and a descriptor of the
 * test that is new (not @orig), open with FD_CLOEXEC, for the same file as
 * @orig. Returns that descriptor.
 */
static int assert_rx_fd(struct __test_metadata *_metadata,
			const struct binderlite_transaction_data *tr, size_t i, int orig,
			uint64_t cookie)
{
	struct binderlite_fd_object obj;

	ASSERT_EQ(0, ipc_obj_at(tr, i, &obj, sizeof(obj)));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_FD, obj.hdr.type);
	ASSERT_EQ(PAD_FLAGS, obj.pad_flags);
	ASSERT_EQ(0ULL, obj.pad_binder >> 32) TH_LOG("pad_binder %#llx",
						     (unsigned long long)obj.pad_binder);
	ASSERT_EQ(cookie, obj.cookie);
	ASSERT_NE((uint32_t)orig, obj.fd);
	ASSERT_EQ(1, sg_cloexec(obj.fd)) TH_LOG("fd %u", obj.fd);
	ASSERT_EQ(1, sg_same_file(obj.fd, orig));
	return obj.fd;
}

/* Asserts that @rx and @orig share one open file: one file offset. */
static void assert_one_open_file(struct __test_metadata *_metadata, int rx, int orig)
{
	off_t pos = lseek(orig, 0, SEEK_CUR);
	char buf[5];

	ASSERT_LE(0, pos);
	ASSERT_EQ(5, write(rx, "hello", 5));
	ASSERT_EQ(pos + 5, lseek(orig, 0, SEEK_CUR));
	ASSERT_EQ(5, pread(orig, buf, 5, pos));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
}

/* Asserts that writing @c into @wfd comes out of the pipe's read end @rfd. */
static void assert_pipe_carries(struct __test_metadata *_metadata, int wfd, int rfd, char c)
{
	char got = 0;

	ASSERT_EQ(1, write(wfd, &c, 1));
	ASSERT_EQ(1, read(rfd, &got, 1));
	ASSERT_EQ(c, got);
}

/*
 * Starts a replier whose one reply carries an fd object of the write end of
 * the new pipe @p, which it closes once its reply is written; the test
 * closes its own copy. Returns the replier.
 */
static pid_t start_fd_replier(struct __test_metadata *_metadata, FIXTURE_DATA(fd) *self,
			      const char *path, int p[2])
{
	struct sg_step *st;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	obj_msg_init(&m);
	msg_fd(&m, p[1], COOKIE(1));
	st = sg_step_add(self->s, BINDERLITE_BC_REPLY, 0, 0, &m);
	st->close_fd = p[1];
	pid = sg_spawn_replier(path, SG_PLAIN_MGR, self->s);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, close(p[1]));
	return pid;
}

/*
 * Reaps the replier of start_fd_replier(): its reply went through, and
 * nobody holds the pipe's write end any more, the driver neither.
 */
static void reap_fd_replier(struct __test_metadata *_metadata, FIXTURE_DATA(fd) *self, pid_t pid,
			    int p[2])
{
	sg_reap_script(_metadata, self->s, pid, -1);
	SG_ASSERT_COMPLETED(&self->s->steps[0].out);
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
}

/*
 * Lets the sender of the script, held before its first step, send it: its
 * @n descriptors are installed in the test only once the test reads the
 * call (@tr). Returns the test's descriptors before.
 */
static int assert_installed_on_read(struct __test_metadata *_metadata, FIXTURE_DATA(fd) *self,
				    int n, struct binderlite_transaction_data *tr)
{
	int before = sg_count_fds();

	ipc_store(&self->s->go, 1);
	ASSERT_TRUE(ipc_wait_int(&self->s->sent, 1, 30000));
	/* Sent, not yet read: nothing is installed before the receiver reads. */
	ASSERT_EQ(before, sg_count_fds());
	sg_assert_call(_metadata, &self->r, tr);
	ASSERT_EQ(before + n, sg_count_fds());
	return before;
}

/* The descriptors of a memfd and a pipe, sent in one call and received. */
TEST_F(fd, call_fd_round_trip)
{
	struct binderlite_transaction_data tr;
	int memfd, p[2], rx_mem, rx_pipe;
	uint64_t head, tail;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	memfd = memfd_create("binderlite-fd-test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	obj_msg_init(&m);
	obj_msg_u64(&m, 0x1111);
	msg_fd(&m, memfd, COOKIE(1));
	msg_fd(&m, p[1], COOKIE(2));
	obj_msg_u64(&m, 0x2222);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, 0, &m);
	self->s->go = 0;
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	assert_installed_on_read(_metadata, self, 2, &tr);
	ASSERT_EQ(CODE_FDS, tr.code);
	ASSERT_EQ(m.size, tr.data_size);
	ASSERT_EQ(2 * sizeof(binderlite_size_t), tr.offsets_size);
	memcpy(&head, ipc_payload(&tr), sizeof(head));
	memcpy(&tail, (const uint8_t *)ipc_payload(&tr) + tr.data_size - 8, sizeof(tail));
	ASSERT_EQ(0x1111ULL, head);
	ASSERT_EQ(0x2222ULL, tail);
	rx_mem = assert_rx_fd(_metadata, &tr, 0, memfd, COOKIE(1));
	rx_pipe = assert_rx_fd(_metadata, &tr, 1, p[1], COOKIE(2));
	ASSERT_NE(rx_mem, rx_pipe);
	assert_one_open_file(_metadata, rx_mem, memfd);
	assert_pipe_carries(_metadata, rx_pipe, p[0], 'x');
	sg_assert_reply_free(_metadata, &self->r, &tr);
	/* The receiver owns them: the free closed neither. */
	ASSERT_TRUE(sg_is_open(rx_mem));
	ASSERT_TRUE(sg_is_open(rx_pipe));

	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
	EXPECT_EQ(0, close(rx_mem));
	EXPECT_EQ(0, close(rx_pipe));
	EXPECT_EQ(0, close(memfd));
	EXPECT_EQ(0, close(p[1]));
	/* Nobody holds the write end any more, the driver neither. */
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
}

/* The same in a reply, to a call with TF_ACCEPT_FDS. */
TEST_F(fd, reply_fd_round_trip)
{
	int memfd, p[2], rx_mem, rx_pipe, before;
	struct sg_outcome o;
	struct obj_msg m;
	pid_t pid;

	memfd = memfd_create("binderlite-fd-test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	obj_msg_init(&m);
	msg_fd(&m, memfd, COOKIE(1));
	msg_fd(&m, p[1], COOKIE(2));
	sg_step_add(self->s, BINDERLITE_BC_REPLY, 0, 0, &m);
	pid = sg_spawn_replier(variant->path, SG_PLAIN_MGR, self->s);
	ASSERT_LT(0, pid);

	before = sg_count_fds();
	obj_msg_init(&m);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN,
			     BINDERLITE_TF_ACCEPT_FDS, &m, &o));
	SG_ASSERT_ANSWERED(&o);
	ASSERT_EQ(before + 2, sg_count_fds());
	rx_mem = assert_rx_fd(_metadata, &o.reply, 0, memfd, COOKIE(1));
	rx_pipe = assert_rx_fd(_metadata, &o.reply, 1, p[1], COOKIE(2));
	assert_one_open_file(_metadata, rx_mem, memfd);
	assert_pipe_carries(_metadata, rx_pipe, p[0], 'y');
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, o.reply.data.ptr.buffer));
	ASSERT_TRUE(sg_is_open(rx_mem));
	ASSERT_TRUE(sg_is_open(rx_pipe));

	sg_reap_script(_metadata, self->s, pid, 0);
	ASSERT_EQ((uint32_t)BINDERLITE_TF_ACCEPT_FDS, self->s->steps[0].rx.flags);
	SG_ASSERT_COMPLETED(&self->s->steps[0].out);
	EXPECT_EQ(0, close(rx_mem));
	EXPECT_EQ(0, close(rx_pipe));
	EXPECT_EQ(0, close(memfd));
	sg_expect_pipe_gone(_metadata, p);
}

/*
 * A reply with an fd to a call without TF_ACCEPT_FDS fails: the replier
 * reads BR_TRANSACTION_COMPLETE and its extended error stays BR_OK; the
 * caller reads BR_TRANSACTION_COMPLETE, then BR_FAILED_REPLY, and its
 * extended error is the reply's failure, -EPERM. No reference to the file
 * is left.
 */
TEST_F(fd, reply_fd_needs_accept_fds)
{
	struct sg_outcome o;
	struct obj_msg m;
	int p[2], before;
	pid_t pid;

	pid = start_fd_replier(_metadata, self, variant->path, p);

	before = sg_count_fds();
	obj_msg_init(&m);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN, 0, &m, &o));
	SG_ASSERT_OUTCOME(&o, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_FAILED_REPLY,
			  BINDERLITE_BR_FAILED_REPLY, -EPERM);
	ASSERT_EQ(before, sg_count_fds());
	reap_fd_replier(_metadata, self, pid, p);
}

/*
 * A manager made with plain SET_CONTEXT_MGR, or with an object without
 * BINDERLITE_FLAG_ACCEPTS_FDS, refuses fds (-EPERM) in calls and oneways,
 * whatever the caller's flags; it receives nothing.
 */
TEST_F(fd, node_refuses_fds)
{
	static const long mgr_flags[] = { SG_PLAIN_MGR, 0 };
	static const uint32_t flags[] = {
		0, BINDERLITE_TF_ACCEPT_FDS, BINDERLITE_TF_ONE_WAY,
	};
	struct sg_outcome o;
	struct obj_msg m;
	size_t i, j;
	int p[2];
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(mgr_flags); i++) {
		pid = sg_start_mgr(variant->path, mgr_flags[i], sg_quiet_mgr, NULL);
		ASSERT_LT(0, pid);
		ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
		obj_msg_init(&m);
		msg_fd(&m, p[1], COOKIE(i));
		for (j = 0; j < ARRAY_SIZE(flags); j++) {
			ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS,
					     flags[j], &m, &o));
			SG_ASSERT_REFUSED(&o, -EPERM);
		}
		sg_expect_pipe_gone(_metadata, p);
		ASSERT_EQ(0, sg_quit(&self->r, pid)) TH_LOG("manager flags %ld", mgr_flags[i]);
	}
}

/*
 * For any node, the flags of the object it was made from decide: the
 * replier sends the test two nodes of its own, one with
 * BINDERLITE_FLAG_ACCEPTS_FDS; only that one receives the fd.
 */
TEST_F(fd, node_flags_decide)
{
	struct flat_binderlite_object obj;
	uint32_t h_fds, h_no_fds;
	struct ipc_cmds c = { 0 };
	struct sg_outcome o;
	struct obj_msg m;
	int p[2];
	pid_t pid;

	obj_msg_init(&m);
	obj_msg_binder_flags(&m, BINDERLITE_TYPE_BINDER, NODE_FDS, NODE_FDS + 1,
			     BINDERLITE_FLAG_ACCEPTS_FDS);
	obj_msg_binder_flags(&m, BINDERLITE_TYPE_BINDER, NODE_NO_FDS, NODE_NO_FDS + 1, 0);
	sg_step_add(self->s, BINDERLITE_BC_REPLY, 0, 0, &m);
	obj_msg_init(&m);
	sg_step_add(self->s, BINDERLITE_BC_REPLY, 0, 0, &m);
	pid = sg_spawn_replier(variant->path, SG_PLAIN_MGR, self->s);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));

	/* The two nodes, as handles the test keeps. */
	obj_msg_init(&m);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN, 0, &m, &o));
	ASSERT_TRUE(sg_outcome_is(&o, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_REPLY))
		SG_LOG_OUTCOME(&o);
	ASSERT_EQ(0, ipc_obj_at(&o.reply, 0, &obj, sizeof(obj)));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_HANDLE, obj.hdr.type);
	h_fds = obj.handle;
	ASSERT_EQ(0, ipc_obj_at(&o.reply, 1, &obj, sizeof(obj)));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_HANDLE, obj.hdr.type);
	h_no_fds = obj.handle;
	ipc_cmd(&c, BINDERLITE_BC_INCREFS, &h_fds, sizeof(h_fds));
	ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &h_fds, sizeof(h_fds));
	ipc_cmd(&c, BINDERLITE_BC_INCREFS, &h_no_fds, sizeof(h_no_fds));
	ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &h_no_fds, sizeof(h_no_fds));
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, o.reply.data.ptr.buffer);
	ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));

	obj_msg_init(&m);
	msg_fd(&m, p[1], COOKIE(1));
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, h_no_fds, CODE_FDS, 0, &m, &o));
	SG_ASSERT_REFUSED(&o, -EPERM);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, h_fds, CODE_FDS, 0, &m, &o));
	SG_ASSERT_ANSWERED(&o);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, o.reply.data.ptr.buffer));

	/* The replier received exactly one fd, which it keeps. */
	sg_reap_script(_metadata, self->s, pid, 1);
	ASSERT_EQ(NODE_FDS, self->s->steps[1].rx.target.ptr);
	ASSERT_EQ(CODE_FDS, self->s->steps[1].rx.code);
	sg_expect_pipe_gone(_metadata, p);
}

/*
 * A descriptor that is not open in the sender, or an fd object after a
 * good one: -EBADF, and the good one's file is let go again.
 */
TEST_F(fd, bad_fds)
{
	struct sg_outcome o;
	struct obj_msg m;
	int p[2], q[2];
	uint32_t obj[6] = { 0x12345678 };
	pid_t pid;

	pid = sg_start_mgr(variant->path, BINDERLITE_FLAG_ACCEPTS_FDS, sg_quiet_mgr, NULL);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	/* The number of a file just closed. */
	EXPECT_EQ(0, close(q[1]));
	ASSERT_FALSE(sg_is_open(q[1]));
	ASSERT_FALSE(sg_is_open(UNUSED_FD));

	obj_msg_init(&m);
	msg_fd(&m, -1, 0);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS, 0, &m, &o));
	SG_ASSERT_REFUSED(&o, -EBADF);
	obj_msg_init(&m);
	msg_fd(&m, UNUSED_FD, 0);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS, 0, &m, &o));
	SG_ASSERT_REFUSED(&o, -EBADF);
	obj_msg_init(&m);
	msg_fd(&m, q[1], 0);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS,
			     BINDERLITE_TF_ONE_WAY, &m, &o));
	SG_ASSERT_REFUSED(&o, -EBADF);

	/* A good one, then a bad one; a good one, then an object of no type. */
	obj_msg_init(&m);
	msg_fd(&m, p[1], COOKIE(1));
	msg_fd(&m, UNUSED_FD, COOKIE(2));
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS, 0, &m, &o));
	SG_ASSERT_REFUSED(&o, -EBADF);
	obj_msg_init(&m);
	msg_fd(&m, p[1], COOKIE(1));
	obj_msg_object(&m, obj, sizeof(obj));
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_FDS, 0, &m, &o));
	SG_ASSERT_REFUSED(&o, -EINVAL);
	sg_expect_pipe_gone(_metadata, p);
	EXPECT_EQ(0, close(q[0]));
	ASSERT_EQ(0, sg_quit(&self->r, pid));
}

#define MANY_FDS	64

/* 64 fd objects of one file in one call: 64 new descriptors, in order. */
TEST_F(fd, many_fds)
{
	struct binderlite_transaction_data tr;
	int p[2], rx[MANY_FDS], before, i, j;
	struct obj_msg m;
	char c;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	obj_msg_init(&m);
	for (i = 0; i < MANY_FDS; i++)
		msg_fd(&m, p[1], COOKIE(i));
	ASSERT_FALSE(m.overflow);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, 0, &m);
	before = sg_count_fds();
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	sg_assert_call(_metadata, &self->r, &tr);
	ASSERT_EQ(before + MANY_FDS, sg_count_fds());
	for (i = 0; i < MANY_FDS; i++) {
		rx[i] = assert_rx_fd(_metadata, &tr, i, p[1], COOKIE(i));
		for (j = 0; j < i; j++)
			ASSERT_NE(rx[j], rx[i]);
		c = i;
		ASSERT_EQ(1, write(rx[i], &c, 1));
	}
	for (i = 0; i < MANY_FDS; i++) {
		ASSERT_EQ(1, read(p[0], &c, 1));
		ASSERT_EQ(i, c);
	}
	sg_assert_reply_free(_metadata, &self->r, &tr);
	for (i = 0; i < MANY_FDS; i++)
		EXPECT_EQ(0, close(rx[i]));
	ASSERT_EQ(before, sg_count_fds());
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
	sg_expect_pipe_gone(_metadata, p);
}

/* BC_FREE_BUFFER before the reply: the received fd stays open and usable. */
TEST_F(fd, free_buffer_keeps_fd)
{
	struct binderlite_transaction_data tr;
	struct ipc_event ev;
	struct obj_msg m;
	int p[2], rx;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	obj_msg_init(&m);
	msg_fd(&m, p[1], COOKIE(7));
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	sg_assert_call(_metadata, &self->r, &tr);
	rx = assert_rx_fd(_metadata, &tr, 0, p[1], COOKIE(7));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, tr.data.ptr.buffer));
	ASSERT_EQ(1, sg_cloexec(rx));
	assert_pipe_carries(_metadata, rx, p[0], 'f');
	ASSERT_EQ(0, ipc_reply(self->dev.fd, 0, NULL, 0));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev));
	ASSERT_TRUE(sg_is_open(rx));
	sg_reap_script(_metadata, self->s, pid, 0);
	/* Ours until we close it; then nobody holds the write end. */
	EXPECT_EQ(0, close(p[1]));
	ASSERT_EQ(1, sg_has_writer(p[0]));
	EXPECT_EQ(0, close(rx));
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
}

/* Asserts binderlite's count of files held for undelivered transactions. */
static void assert_files_in_flight(struct __test_metadata *_metadata,
				   const FIXTURE_VARIANT(fd) *variant, long long n)
{
	struct ipc_stats s;
	long long val = -1;

	if (!variant->binderlite)
		return;
	ASSERT_EQ(0, ipc_stats_read(&s));
	ASSERT_EQ(0, ipc_stats_get(&s, "files_in_flight", &val)) TH_LOG("no files_in_flight");
	ASSERT_EQ(n, val);
}

/*
 * The sender closes its descriptor as soon as its write returned, before
 * the receiver reads: the driver holds the file meanwhile (and only the
 * driver: the pipe has no other writer), and the receiver gets it; a oneway
 * and a call.
 */
TEST_F(fd, sender_closes_after_send)
{
	struct binderlite_transaction_data tr;
	struct sg_step *st;
	int a[2], b[2], rx;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(a, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(b, O_CLOEXEC));
	obj_msg_init(&m);
	msg_fd(&m, a[1], COOKIE(1));
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, BINDERLITE_TF_ONE_WAY, &m);
	st->close_fd = a[1];
	obj_msg_init(&m);
	msg_fd(&m, b[1], COOKIE(2));
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, 0, &m);
	st->close_fd = b[1];
	self->s->go = 0;
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, close(a[1]));
	EXPECT_EQ(0, close(b[1]));

	/* The oneway. */
	ipc_store(&self->s->go, 1);
	ASSERT_TRUE(ipc_wait_int(&self->s->done, 1, 30000));
	ASSERT_EQ(1, sg_has_writer(a[0]));
	assert_files_in_flight(_metadata, variant, 1);
	sg_assert_call(_metadata, &self->r, &tr);
	ASSERT_EQ((uint32_t)BINDERLITE_TF_ONE_WAY, tr.flags & BINDERLITE_TF_ONE_WAY);
	rx = assert_rx_fd(_metadata, &tr, 0, a[0], COOKIE(1));
	assert_files_in_flight(_metadata, variant, 0);
	assert_pipe_carries(_metadata, rx, a[0], 'o');
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, tr.data.ptr.buffer));
	EXPECT_EQ(0, close(rx));
	EXPECT_EQ(0, sg_writers_gone(a[0], 5000));

	/* The call. */
	ipc_store(&self->s->go, 2);
	ASSERT_TRUE(ipc_wait_int(&self->s->sent, 2, 30000));
	ASSERT_EQ(1, sg_has_writer(b[0]));
	sg_assert_call(_metadata, &self->r, &tr);
	rx = assert_rx_fd(_metadata, &tr, 0, b[0], COOKIE(2));
	assert_pipe_carries(_metadata, rx, b[0], 's');
	sg_assert_reply_free(_metadata, &self->r, &tr);
	EXPECT_EQ(0, close(rx));
	EXPECT_EQ(0, sg_writers_gone(b[0], 5000));

	sg_reap_script(_metadata, self->s, pid, -2);
	SG_ASSERT_COMPLETED(&self->s->steps[0].out);
	SG_ASSERT_ANSWERED(&self->s->steps[1].out);
	EXPECT_EQ(0, close(a[0]));
	EXPECT_EQ(0, close(b[0]));
}

/* Asserts that the test still can get no descriptor, then undoes sg_fill_fds(). */
static void unfill_fds(struct __test_metadata *_metadata, struct sg_fill *fill)
{
	errno = 0;
	EXPECT_EQ(-1, open("/dev/null", O_RDONLY | O_CLOEXEC));
	EXPECT_EQ(EMFILE, errno);
	ASSERT_EQ(0, sg_unfill_fds(fill));
}

/*
 * The receiver can get no new descriptor (RLIMIT_NOFILE): its read skips
 * the call, whose caller reads BR_FAILED_REPLY (its extended error stays
 * BR_OK: nothing failed in its transaction), and skips a oneway silently;
 * a plain call after them is what the receiver reads. Nothing is installed,
 * no file reference is left.
 */
TEST_F(fd, receiver_out_of_fds_call)
{
	struct binderlite_transaction_data tr;
	struct sg_fill fill;
	struct obj_msg m;
	int p[2], before;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	obj_msg_init(&m);
	msg_fd(&m, p[1], COOKIE(1));
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, 0, &m);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_FDS, BINDERLITE_TF_ONE_WAY, &m);
	obj_msg_init(&m);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_PLAIN, 0, &m);
	self->s->go = 0;
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, close(p[1]));

	before = sg_count_fds();
	ASSERT_EQ(0, sg_fill_fds(&fill)) {
		sg_unfill_fds(&fill);
	}
	ipc_store(&self->s->go, 3);
	sg_assert_call_past_fds(_metadata, &self->r, variant->binderlite, &tr);
	unfill_fds(_metadata, &fill);
	EXPECT_EQ(CODE_PLAIN, tr.code);
	EXPECT_EQ(before, sg_count_fds());
	sg_assert_reply_free(_metadata, &self->r, &tr);

	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_OUTCOME(&self->s->steps[0].out, BINDERLITE_BR_TRANSACTION_COMPLETE,
			  BINDERLITE_BR_FAILED_REPLY, BINDERLITE_BR_OK, 0);
	SG_ASSERT_COMPLETED(&self->s->steps[1].out);
	SG_ASSERT_ANSWERED(&self->s->steps[2].out);
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
}

/*
 * The caller can get no new descriptor when it reads a reply with one: it
 * reads BR_FAILED_REPLY in place of BR_REPLY (its extended error stays
 * BR_OK); the replier's reply went through. Nothing is installed, no file
 * reference is left.
 */
TEST_F(fd, receiver_out_of_fds_reply)
{
	struct sg_outcome o;
	struct sg_fill fill;
	struct obj_msg m;
	int p[2], before;
	pid_t pid;

	pid = start_fd_replier(_metadata, self, variant->path, p);

	before = sg_count_fds();
	ASSERT_EQ(0, sg_fill_fds(&fill)) {
		sg_unfill_fds(&fill);
	}
	obj_msg_init(&m);
	sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN, BINDERLITE_TF_ACCEPT_FDS, &m,
		&o);
	unfill_fds(_metadata, &fill);
	EXPECT_EQ(before, sg_count_fds());
	SG_ASSERT_OUTCOME(&o, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_FAILED_REPLY,
			  BINDERLITE_BR_OK, 0);

	reap_fd_replier(_metadata, self, pid, p);
}

/* The parent buffer of fd arrays: a header, three fds, a trailer. */
struct fda_parent {
	uint64_t head;
	uint32_t fds[3];
	uint32_t pad;
	uint64_t tail;
};

#define FDA_HEAD	0x4845414448454144ULL
#define FDA_TAIL	0x5441494c5441494cULL

/*
 * A message with a parent buffer @par holding @fds (3) and an fd array
 * object for them, after an 8-byte header (see parent_at_data_offset_0 in
 * the scatter-gather test: binder refuses fixups in a parent at offset 0).
 */
static void fda_msg(struct obj_msg *m, struct fda_parent *par, const int *fds)
{
	int i;

	par->head = FDA_HEAD;
	par->pad = 0x50414450;
	par->tail = FDA_TAIL;
	for (i = 0; i < 3; i++)
		par->fds[i] = fds[i];
	obj_msg_init(m);
	obj_msg_u64(m, 0x6864720a);
	obj_msg_ptr(m, par, sizeof(*par), -1, 0);
	obj_msg_fda(m, 3, 0, offsetof(struct fda_parent, fds));
}

/*
 * Asserts that @tr carries fda_msg()'s objects, its parent copied after the
 * offsets with the fds replaced in place by new descriptors of the test
 * for the same files as @orig; returns them in @rx.
 */
static void assert_rx_fda(struct __test_metadata *_metadata,
			  const struct binderlite_transaction_data *tr, const int *orig, int *rx)
{
	struct binderlite_fd_array_object fda;
	struct binderlite_buffer_object bo;
	struct fda_parent par;
	int i, j;

	ASSERT_EQ(0, ipc_obj_at(tr, 0, &bo, sizeof(bo)));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_PTR, bo.hdr.type);
	ASSERT_EQ(sg_rx_sg_start(tr), bo.buffer);
	ASSERT_EQ(sizeof(par), bo.length);
	ASSERT_EQ(0, ipc_obj_at(tr, 1, &fda, sizeof(fda)));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_FDA, fda.hdr.type);
	ASSERT_EQ(3ULL, fda.num_fds);
	ASSERT_EQ(0ULL, fda.parent);
	ASSERT_EQ(offsetof(struct fda_parent, fds), fda.parent_offset);
	memcpy(&par, (const void *)(uintptr_t)bo.buffer, sizeof(par));
	ASSERT_EQ(FDA_HEAD, par.head);
	ASSERT_EQ(0x50414450U, par.pad);
	ASSERT_EQ(FDA_TAIL, par.tail);
	for (i = 0; i < 3; i++) {
		rx[i] = par.fds[i];
		ASSERT_NE(orig[i], rx[i]);
		ASSERT_EQ(1, sg_cloexec(rx[i]));
		ASSERT_EQ(1, sg_same_file(rx[i], orig[i]));
		for (j = 0; j < i; j++)
			ASSERT_NE(rx[j], rx[i]);
	}
}

/*
 * An fd array: the receiver's descriptors replace the sender's in place in
 * its copy of the parent buffer, and its BC_FREE_BUFFER closes them: they
 * are no longer open once the ioctl returned.
 */
TEST_F(fd, fda_in_place)
{
	struct binderlite_transaction_data tr;
	int a[2], b[2], memfd, orig[3], rx[3], before, i;
	struct fda_parent par;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(a, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(b, O_CLOEXEC));
	memfd = memfd_create("binderlite-fda-test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	orig[0] = a[1];
	orig[1] = memfd;
	orig[2] = b[1];
	fda_msg(&m, &par, orig);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_FDS, 0, &m);
	self->s->go = 0;
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	before = assert_installed_on_read(_metadata, self, 3, &tr);
	ASSERT_EQ(2 * sizeof(binderlite_size_t), tr.offsets_size);
	assert_rx_fda(_metadata, &tr, orig, rx);
	assert_pipe_carries(_metadata, rx[0], a[0], 'a');
	assert_one_open_file(_metadata, rx[1], memfd);
	assert_pipe_carries(_metadata, rx[2], b[0], 'b');

	sg_assert_reply_free(_metadata, &self->r, &tr);
	for (i = 0; i < 3; i++)
		ASSERT_FALSE(sg_is_open(rx[i])) TH_LOG("fd #%d open after the free", i);
	ASSERT_EQ(before, sg_count_fds());
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
	EXPECT_EQ(0, close(a[1]));
	EXPECT_EQ(0, close(b[1]));
	EXPECT_EQ(0, sg_writers_gone(a[0], 5000));
	EXPECT_EQ(0, sg_writers_gone(b[0], 5000));
	close(a[0]);
	close(b[0]);
	close(memfd);
}

/*
 * BC_FREE_BUFFER alone, before the reply, closes the fd array's
 * descriptors and lets go of their files at once; an fd object of the
 * same transaction stays open.
 */
TEST_F(fd, fda_closed_on_free)
{
	struct binderlite_transaction_data tr;
	struct binderlite_fd_object obj;
	int p[2], q[2], sent[3], orig[3], rx[3], i;
	struct fda_parent par;
	struct ipc_event ev;
	struct sg_step *st;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	/* The test closes p[1]: the received fds are compared with p[0], the same pipe. */
	for (i = 0; i < 3; i++) {
		sent[i] = p[1];
		orig[i] = p[0];
	}
	fda_msg(&m, &par, sent);
	msg_fd(&m, q[1], COOKIE(3));
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_FDS, 0, &m);
	st->close_fd = p[1];
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, close(p[1]));

	sg_assert_call(_metadata, &self->r, &tr);
	/* The sender has closed its copy. */
	ASSERT_TRUE(ipc_wait_int(&self->s->sent, 1, 30000));
	ASSERT_EQ(3 * sizeof(binderlite_size_t), tr.offsets_size);
	assert_rx_fda(_metadata, &tr, orig, rx);
	ASSERT_EQ(0, ipc_obj_at(&tr, 2, &obj, sizeof(obj)));
	ASSERT_EQ(1, sg_same_file(obj.fd, q[1]));
	/* Only the fd array's descriptors hold the write end now. */
	ASSERT_EQ(1, sg_has_writer(p[0]));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, tr.data.ptr.buffer));
	for (i = 0; i < 3; i++)
		ASSERT_FALSE(sg_is_open(rx[i])) TH_LOG("fd #%d open after the free", i);
	ASSERT_EQ(0, sg_has_writer(p[0]));
	ASSERT_TRUE(sg_is_open(obj.fd));
	ASSERT_EQ(1, sg_same_file(obj.fd, q[1]));
	ASSERT_EQ(0, ipc_reply(self->dev.fd, 0, NULL, 0));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev));

	sg_reap_script(_metadata, self->s, pid, -1);
	SG_ASSERT_ANSWERED(&st->out);
	EXPECT_EQ(0, close(obj.fd));
	EXPECT_EQ(0, close(q[1]));
	EXPECT_EQ(0, sg_writers_gone(q[0], 5000));
	close(p[0]);
	close(q[0]);
}

/* A 32-byte parent of fds at 8-byte offsets, for the bad layouts. */
struct fda_any {
	uint32_t w[8];
};

/* Starts @m with the 8-byte header and the parent @buf of @len bytes: object 0. */
static void bad_start(struct obj_msg *m, const void *buf, uint64_t len)
{
	obj_msg_init(m);
	obj_msg_u64(m, 0x6864720a);
	obj_msg_ptr(m, buf, len, -1, 0);
}

/* Sends @m to the quiet manager and asserts it is refused with @param. */
#define ASSERT_FDA_REFUSED(m, param) do {						\
	struct sg_outcome __o;								\
											\
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION_SG, 0, CODE_FDS, 0,	\
			     m, &__o));							\
	SG_ASSERT_REFUSED(&__o, param);							\
} while (0)

/*
 * Bad layouts of fd arrays, each refused with -EINVAL before any fd is
 * taken for good: the parent not an earlier PTR, misaligned, past the
 * parent's end, sizes that overflow, a parent too small, fixups out of
 * order (binder_validate_fixup()'s rules); a bad fd inside the array is
 * -EBADF. The manager receives nothing and no file reference is left.
 */
TEST_F(fd, fda_bad_layouts)
{
	uint8_t raw[40] __attribute__((aligned(8)));
	struct fda_any par;
	struct obj_msg m;
	int p[2], i;
	pid_t pid;

	pid = sg_start_mgr(variant->path, BINDERLITE_FLAG_ACCEPTS_FDS, sg_quiet_mgr, NULL);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (i = 0; i < 8; i++)
		par.w[i] = p[1];

	/* No parent before it: itself, a later one, none at all. */
	obj_msg_init(&m);
	obj_msg_u64(&m, 0);
	obj_msg_fda(&m, 1, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	obj_msg_init(&m);
	obj_msg_u64(&m, 0);
	obj_msg_fda(&m, 1, 1, 0);
	obj_msg_ptr(&m, &par, sizeof(par), -1, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 1, 1, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 1, 7, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	/* A parent that is no buffer: an fd object. */
	obj_msg_init(&m);
	obj_msg_u64(&m, 0);
	msg_fd(&m, p[1], 0);
	obj_msg_fda(&m, 1, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);

	/* Misaligned in the parent, or in the sender's memory. */
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 1, 0, 2);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, (const uint8_t *)&par + 2, 16);
	obj_msg_fda(&m, 1, 0, 4);
	ASSERT_FDA_REFUSED(&m, -EINVAL);

	/* Past the parent's end; sizes that overflow; parents too small. */
	bad_start(&m, &par, 16);
	obj_msg_fda(&m, 3, 0, 8);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, 16);
	obj_msg_fda(&m, 1, 0, 16);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, 16);
	obj_msg_fda(&m, 1, 0, ~0ULL - 3);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 1ULL << 62, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, (1ULL << 62) + 2, 0, 8);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 1ULL << 32, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, 4);
	obj_msg_fda(&m, 2, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, 0);
	obj_msg_fda(&m, 1, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);

	/* Fixups out of order: decreasing, overlapping, inside a pointer fixup. */
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 2, 0, 16);
	obj_msg_fda(&m, 1, 0, 8);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 2, 0, 16);
	obj_msg_fda(&m, 1, 0, 20);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	bad_start(&m, &par, sizeof(par));
	obj_msg_ptr(&m, raw, 8, 0, 8);
	obj_msg_fda(&m, 1, 0, 12);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	/* Its parent is neither the last buffer nor an ancestor of it. */
	bad_start(&m, &par, sizeof(par));
	obj_msg_ptr(&m, raw, 8, -1, 0);
	obj_msg_fda(&m, 1, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);
	/* A parent at offset 0 of the data. */
	obj_msg_init(&m);
	obj_msg_ptr(&m, &par, sizeof(par), -1, 0);
	obj_msg_fda(&m, 1, 0, 0);
	ASSERT_FDA_REFUSED(&m, -EINVAL);

	/* A bad descriptor after a good one. */
	par.w[3] = UNUSED_FD;
	bad_start(&m, &par, sizeof(par));
	obj_msg_fda(&m, 2, 0, 8);
	ASSERT_FDA_REFUSED(&m, -EBADF);
	par.w[3] = p[1];

	sg_expect_pipe_gone(_metadata, p);
	ASSERT_EQ(0, sg_quit(&self->r, pid));
}

/*
 * Parent: a pointer to B at 0, two fds at 8, a pointer to C at 16, an fd
 * at 24; C: an fd at 0. In the order binder_validate_fixup() allows.
 */
struct tree_a {
	uint64_t b;
	uint32_t fds[2];
	uint64_t c;
	uint32_t fd3;
	uint32_t pad;
};

struct tree_c {
	uint32_t fd;
	uint32_t pad;
	uint64_t magic;
};

/*
 * Pointer and fd fixups mixed in one parent, in the order binder allows:
 * every pointer rewritten, every fd replaced, and all of them closed by
 * the free.
 */
TEST_F(fd, fda_with_pointers)
{
	struct binderlite_buffer_object bo[3];
	struct binderlite_transaction_data tr;
	uint64_t b_data = 0x4242424242424242ULL;
	struct tree_a a, ra;
	struct tree_c c, rc;
	int p[2], rx[4], i;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	a = (struct tree_a){
		.b = (uintptr_t)&b_data, .fds = { p[1], p[1] }, .c = (uintptr_t)&c, .fd3 = p[1],
	};
	c = (struct tree_c){ .fd = p[1], .magic = 0x4343434343434343ULL };
	obj_msg_init(&m);
	obj_msg_u64(&m, 0x6864720a);
	obj_msg_ptr(&m, &a, sizeof(a), -1, 0);
	obj_msg_ptr(&m, &b_data, sizeof(b_data), 0, offsetof(struct tree_a, b));
	obj_msg_fda(&m, 2, 0, offsetof(struct tree_a, fds));
	obj_msg_ptr(&m, &c, sizeof(c), 0, offsetof(struct tree_a, c));
	obj_msg_fda(&m, 1, 3, offsetof(struct tree_c, fd));
	obj_msg_fda(&m, 1, 0, offsetof(struct tree_a, fd3));
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_FDS, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	sg_assert_call(_metadata, &self->r, &tr);
	ASSERT_EQ(0, ipc_obj_at(&tr, 0, &bo[0], sizeof(bo[0])));
	ASSERT_EQ(0, ipc_obj_at(&tr, 1, &bo[1], sizeof(bo[1])));
	ASSERT_EQ(0, ipc_obj_at(&tr, 3, &bo[2], sizeof(bo[2])));
	ASSERT_EQ(sg_rx_sg_start(&tr), bo[0].buffer);
	ASSERT_EQ(bo[0].buffer + OBJ_ALIGN(sizeof(a)), bo[1].buffer);
	ASSERT_EQ(bo[1].buffer + 8, bo[2].buffer);
	memcpy(&ra, (const void *)(uintptr_t)bo[0].buffer, sizeof(ra));
	memcpy(&rc, (const void *)(uintptr_t)bo[2].buffer, sizeof(rc));
	ASSERT_EQ(bo[1].buffer, ra.b);
	ASSERT_EQ(bo[2].buffer, ra.c);
	ASSERT_EQ(0, memcmp((const void *)(uintptr_t)ra.b, &b_data, sizeof(b_data)));
	ASSERT_EQ(c.magic, rc.magic);
	rx[0] = ra.fds[0];
	rx[1] = ra.fds[1];
	rx[2] = rc.fd;
	rx[3] = ra.fd3;
	for (i = 0; i < 4; i++) {
		ASSERT_NE(p[1], rx[i]);
		ASSERT_EQ(1, sg_cloexec(rx[i]));
		ASSERT_EQ(1, sg_same_file(rx[i], p[1]));
	}
	sg_assert_reply_free(_metadata, &self->r, &tr);
	for (i = 0; i < 4; i++)
		ASSERT_FALSE(sg_is_open(rx[i])) TH_LOG("fd #%d open after the free", i);
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
	sg_expect_pipe_gone(_metadata, p);
}

/*
 * An fd array of no fds is accepted whatever its parent_offset (binder
 * checks the offset only when there are fds to place), and the parent
 * arrives untouched.
 */
TEST_F(fd, fda_of_no_fds)
{
	static const uint64_t offs[] = { 0, 6, 100, ~0ULL };
	struct binderlite_transaction_data tr;
	struct binderlite_buffer_object bo;
	uint64_t par[2] = { 0x1234, 0x5678 };
	struct obj_msg m;
	size_t i;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		bad_start(&m, par, sizeof(par));
		obj_msg_fda(&m, 0, 0, offs[i]);
		sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_FDS, 0, &m);
	}
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		sg_assert_call(_metadata, &self->r, &tr);
		ASSERT_EQ(0, ipc_obj_at(&tr, 0, &bo, sizeof(bo)));
		ASSERT_EQ(0, memcmp((const void *)(uintptr_t)bo.buffer, par, sizeof(par)));
		sg_assert_reply_free(_metadata, &self->r, &tr);
	}
	sg_reap_script(_metadata, self->s, pid, 0);
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		SG_ASSERT_ANSWERED(&self->s->steps[i].out);
}

/* Fd arrays need a target that accepts fds, as fd objects do. */
TEST_F(fd, fda_needs_accept_fds)
{
	struct fda_parent par;
	int p[2], orig[3], i;
	struct obj_msg m;
	pid_t pid;

	pid = sg_start_mgr(variant->path, 0, sg_quiet_mgr, NULL);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (i = 0; i < 3; i++)
		orig[i] = p[1];
	fda_msg(&m, &par, orig);
	ASSERT_FDA_REFUSED(&m, -EPERM);
	sg_expect_pipe_gone(_metadata, p);
	ASSERT_EQ(0, sg_quit(&self->r, pid));
}

/*
 * An fd array in a reply (BC_REPLY_SG): received in place by a caller that
 * said TF_ACCEPT_FDS and closed by its free; refused (-EPERM, to the
 * caller) for a caller that did not.
 */
TEST_F(fd, fda_in_reply)
{
	int p[2], orig[3], rx[3], i;
	struct fda_parent par;
	struct sg_outcome o;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (i = 0; i < 3; i++)
		orig[i] = p[1];
	fda_msg(&m, &par, orig);
	sg_step_add(self->s, BINDERLITE_BC_REPLY_SG, 0, 0, &m);
	sg_step_add(self->s, BINDERLITE_BC_REPLY_SG, 0, 0, &m);
	pid = sg_spawn_replier(variant->path, SG_PLAIN_MGR, self->s);
	ASSERT_LT(0, pid);

	obj_msg_init(&m);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN,
			     BINDERLITE_TF_ACCEPT_FDS, &m, &o));
	SG_ASSERT_ANSWERED(&o);
	ASSERT_EQ(2 * sizeof(binderlite_size_t), o.reply.offsets_size);
	assert_rx_fda(_metadata, &o.reply, orig, rx);
	assert_pipe_carries(_metadata, rx[1], p[0], 'r');
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, o.reply.data.ptr.buffer));
	for (i = 0; i < 3; i++)
		ASSERT_FALSE(sg_is_open(rx[i]));

	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN, 0, &m, &o));
	SG_ASSERT_OUTCOME(&o, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_FAILED_REPLY,
			  BINDERLITE_BR_FAILED_REPLY, -EPERM);
	sg_reap_script(_metadata, self->s, pid, 0);
	for (i = 0; i < 2; i++)
		SG_ASSERT_COMPLETED(&self->s->steps[i].out);
	sg_expect_pipe_gone(_metadata, p);
}

TEST_HARNESS_MAIN
