// SPDX-License-Identifier: GPL-2.0
/*
 * The bad-input matrix: every ioctl and command with NULL, unmapped,
 * misaligned and huge pointers and sizes, bad offsets and objects, bogus
 * handles, replies without a call, bad and double frees, reference counts
 * below zero, acknowledgements and death commands nobody asked for, unknown
 * and retired commands, freeze-notification commands about nothing; fd
 * objects with bad or closed descriptors, fd arrays and buffer objects in
 * every bad layout (parents out of order, overlapping fixups, parents too
 * small), scatter-gather sizes that overflow and buffers that are not
 * mapped; the ioctls of freeze, node information and spam detection, and
 * the idle ioctls binder refuses. Each gets the answer binder gives: an
 * errno of the ioctl, a command ignored (binder logs it), or
 * BR_FAILED_REPLY with an extended error. And after each, a round trip
 * through the same file still works.
 *
 * The test is the context manager; a peer (binderlite_ipc_obj.h) answers
 * the round trips. Binder logs most user errors, so it gets a modest number
 * of them; binderlite gets the random ones in bulk. Every test runs against
 * /dev/binderlite and the reference /dev/binder.
 */
#include "binderlite_ipc_obj.h"
#include "binderlite_ipc_sg.h"

#define PEER_S		0x7000ULL
#define PEER_S2		0x7100ULL
/* A node of the peer's made from an object with BINDERLITE_FLAG_ACCEPTS_FDS. */
#define PEER_FDS	0x7200ULL
#define DEATH(i)	(0xdead0000ULL + (i))
#define KERNEL_ADDR	0xffff888000000000ULL

FIXTURE(bad) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct obj_peer s;
	/* a page of memory, then an inaccessible one: the hole */
	uint8_t *page, *hole;
	size_t page_size;
	uint32_t seed;
};

FIXTURE_VARIANT(bad) {
	BL_VARIANT_DEVICE;
	/* errno of VERSION, SET_MAX_THREADS, SET_CONTEXT_MGR_EXT for an unreadable argument */
	int bad_arg_errno;
	/*
	 * A command cut short by write_size is refused with EINVAL; binder
	 * reads the rest past write_size and carries it out.
	 */
	bool refuses_cut_commands;
	/*
	 * A write_size that makes the buffer wrap around the address space is
	 * ignored: binder computes the end of the buffer, which wraps below
	 * its start, and reads no command.
	 */
	bool ignores_wrapping_write;
	/*
	 * errno of a read into less than the 4 bytes of BR_NOOP, without
	 * blocking and with nothing to read: binderlite refuses it; binder
	 * writes BR_NOOP past read_size and has nothing to add (EAGAIN).
	 */
	int short_read_errno;
	/*
	 * extended error of offsets outside the data or out of order:
	 * binderlite validates offsets as such (-EINVAL); binder copies the
	 * data piecewise up to each object and fails that copy (-EFAULT)
	 */
	int order_param;
	/* rounds of random bad transactions, and of random bad commands */
	int fuzz_rounds;
};

BL_DEVICE_VARIANTS(bad,
		   (.bad_arg_errno = EFAULT,
		    .refuses_cut_commands = true,
		    .short_read_errno = EINVAL,
		    .order_param = -EINVAL,
		    .fuzz_rounds = 2000),
		   (.bad_arg_errno = EINVAL,
		    .ignores_wrapping_write = true,
		    .short_read_errno = EAGAIN,
		    .order_param = -EFAULT,
		    .fuzz_rounds = 10));

FIXTURE_SETUP(bad)
{
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	self->page_size = sysconf(_SC_PAGESIZE);
	self->page = mmap(NULL, 2 * self->page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->page);
	self->hole = self->page + self->page_size;
	ASSERT_EQ(0, mprotect(self->hole, self->page_size, PROT_NONE));
	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_S, OBJ_PEER_COOKIE(PEER_S),
				    &self->s));
}

FIXTURE_TEARDOWN(bad)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
	EXPECT_EQ(0, munmap(self->page, 2 * self->page_size));
}

/* A call to the peer and its reply, with a payload that checks itself. */
static void round_trip(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self)
{
	struct binderlite_transaction_data tr;
	uint8_t payload[48];
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

/* WRITE_READ with the pointer @arg, valid or not; returns 0 or -errno. */
static int write_read_at(int fd, const void *arg)
{
	return ipc_write_read(fd, (struct binderlite_write_read *)arg);
}

/* Makes reads of @fd fail with EAGAIN rather than block, or block again. */
static int set_nonblock(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -errno;
	flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags) ? -errno : 0;
}

/* Makes the test's thread have a return to read: BR_TRANSACTION_COMPLETE. */
static void pending_complete(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self)
{
	struct obj_msg m;

	obj_msg_init(&m);
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_ECHO, BINDERLITE_TF_ONE_WAY, &m));
}

TEST_F(bad, write_read_argument)
{
	uint8_t *bwr = self->hole - sizeof(struct binderlite_write_read) / 2;

	ASSERT_EQ(-EFAULT, write_read_at(self->dev.fd, NULL));
	round_trip(_metadata, self);
	ASSERT_EQ(-EFAULT, write_read_at(self->dev.fd, self->hole));
	round_trip(_metadata, self);
	/* Half of it readable. */
	memset(bwr, 0, self->hole - bwr);
	ASSERT_EQ(-EFAULT, write_read_at(self->dev.fd, bwr));
	round_trip(_metadata, self);
	ASSERT_EQ(-EFAULT, write_read_at(self->dev.fd, (void *)KERNEL_ADDR));
	round_trip(_metadata, self);
	/* Misaligned is fine. */
	memset(self->page + 1, 0, sizeof(struct binderlite_write_read));
	ASSERT_EQ(0, write_read_at(self->dev.fd, self->page + 1));
	round_trip(_metadata, self);
}

TEST_F(bad, write_buffer)
{
	const uint32_t enter = BINDERLITE_BC_ENTER_LOOPER;
	uint8_t *last = self->hole - sizeof(enter);
	uint64_t consumed = 0;

	ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, NULL, 4, &consumed));
	ASSERT_EQ(0ULL, consumed);
	ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, self->hole, 4, &consumed));
	ASSERT_EQ(0ULL, consumed);
	ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, (void *)KERNEL_ADDR, 4, &consumed));
	ASSERT_EQ(0ULL, consumed);
	round_trip(_metadata, self);

	/* A command, then the hole: the command is carried out. */
	memcpy(last, &enter, sizeof(enter));
	ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, last, 8, &consumed));
	ASSERT_EQ(4ULL, consumed);
	/* The same with huge sizes. */
	consumed = 0;
	ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, last, 1ULL << 63, &consumed));
	ASSERT_EQ(4ULL, consumed);
	consumed = 0;
	if (variant->ignores_wrapping_write) {
		ASSERT_EQ(0, ipc_write_at(self->dev.fd, last, ~0ULL, &consumed));
		ASSERT_EQ(0ULL, consumed);
	} else {
		ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, last, ~0ULL, &consumed));
		ASSERT_EQ(4ULL, consumed);
	}
	round_trip(_metadata, self);

	/* Misaligned is fine. */
	memcpy(self->page + 1, &enter, sizeof(enter));
	consumed = 0;
	ASSERT_EQ(0, ipc_write_at(self->dev.fd, self->page + 1, 4, &consumed));
	ASSERT_EQ(4ULL, consumed);
	/* Consumed beyond the size: nothing to do. */
	consumed = 8;
	ASSERT_EQ(0, ipc_write_at(self->dev.fd, self->page + 1, 4, &consumed));
	ASSERT_EQ(8ULL, consumed);
	round_trip(_metadata, self);
}

TEST_F(bad, failed_write_reads_nothing)
{
	struct binderlite_write_read bwr = {
		.write_size = 4, .write_buffer = (uintptr_t)self->hole,
		.read_size = 64, .read_consumed = 4, .read_buffer = (uintptr_t)self->page,
	};

	/* The read is not even tried, and reports nothing consumed. */
	ASSERT_EQ(-EFAULT, ipc_write_read(self->dev.fd, &bwr));
	ASSERT_EQ(0ULL, bwr.write_consumed);
	ASSERT_EQ(0ULL, bwr.read_consumed);
	round_trip(_metadata, self);
}

TEST_F(bad, command_cut_short)
{
	uint32_t cmds[3] = { BINDERLITE_BC_ENTER_LOOPER };
	uint64_t cookie = DEATH(0), consumed = 0;

	/* Half a command code. */
	if (variant->refuses_cut_commands) {
		ASSERT_EQ(-EINVAL, ipc_write_at(self->dev.fd, cmds, 2, &consumed));
		ASSERT_EQ(0ULL, consumed);
	} else {
		ASSERT_EQ(0, ipc_write_at(self->dev.fd, cmds, 2, &consumed));
		ASSERT_EQ(4ULL, consumed);
	}
	round_trip(_metadata, self);

	/* A command whose argument (an unknown cookie: ignored) is cut. */
	cmds[0] = BINDERLITE_BC_DEAD_BINDER_DONE;
	memcpy(&cmds[1], &cookie, sizeof(cookie));
	consumed = 0;
	if (variant->refuses_cut_commands) {
		ASSERT_EQ(-EINVAL, ipc_write_at(self->dev.fd, cmds, 8, &consumed));
		ASSERT_EQ(0ULL, consumed);
	} else {
		ASSERT_EQ(0, ipc_write_at(self->dev.fd, cmds, 8, &consumed));
		ASSERT_EQ(sizeof(cmds), consumed);
	}
	round_trip(_metadata, self);
}

TEST_F(bad, read_buffer)
{
	/* Room for BR_NOOP and the largest return, then the hole. */
	uint8_t *last = self->hole - 128;
	struct binderlite_write_read bwr;
	struct ipc_cmds c = { 0 };
	struct obj_reply rep;
	struct ipc_event ev;
	uint64_t consumed = 0;
	uint32_t cmd;

	ASSERT_EQ(-EFAULT, ipc_read_at(self->dev.fd, NULL, 64, &consumed));
	ASSERT_EQ(0ULL, consumed);
	ASSERT_EQ(-EFAULT, ipc_read_at(self->dev.fd, self->hole, 64, &consumed));
	ASSERT_EQ(-EFAULT, ipc_read_at(self->dev.fd, (void *)KERNEL_ADDR, 64, &consumed));
	/* The read-only receive pool. */
	ASSERT_EQ(-EFAULT, ipc_read_at(self->dev.fd, self->dev.pool, 64, &consumed));
	ASSERT_EQ(0ULL, consumed);
	round_trip(_metadata, self);

	/* A call is sent even though the read fails; nothing is lost. */
	ipc_cmd_txn(&c, BINDERLITE_BC_TRANSACTION, self->s.handle, OBJ_PEER_ECHO, 0, NULL, 0,
		    NULL, 0);
	bwr = (struct binderlite_write_read){
		.write_size = c.len, .write_buffer = (uintptr_t)c.buf, .read_size = 64,
	};
	ASSERT_EQ(-EFAULT, ipc_write_read(self->dev.fd, &bwr));
	ASSERT_EQ(c.len, bwr.write_consumed);
	ASSERT_EQ(0ULL, bwr.read_consumed);
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	ASSERT_EQ(1, rep.completes);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	round_trip(_metadata, self);

	/* Misaligned is fine; a huge size too, as long as the returns fit. */
	pending_complete(_metadata, self);
	consumed = 0;
	ASSERT_EQ(0, ipc_read_at(self->dev.fd, self->page + 1, 128, &consumed));
	ASSERT_EQ(8ULL, consumed);
	memcpy(&cmd, self->page + 5, sizeof(cmd));
	ASSERT_EQ(BINDERLITE_BR_TRANSACTION_COMPLETE, cmd);
	pending_complete(_metadata, self);
	consumed = 0;
	ASSERT_EQ(0, ipc_read_at(self->dev.fd, last, 1ULL << 63, &consumed));
	ASSERT_EQ(8ULL, consumed);
	round_trip(_metadata, self);

	/*
	 * Too little room for the largest return: the next one, however
	 * small, waits for the next read.
	 */
	pending_complete(_metadata, self);
	consumed = 0;
	ASSERT_EQ(0, ipc_read_at(self->dev.fd, last, 64, &consumed));
	ASSERT_EQ(4ULL, consumed);
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev));

	/* Nothing to read, without blocking: less than BR_NOOP, consumed beyond the size. */
	ASSERT_EQ(0, set_nonblock(self->dev.fd, true));
	consumed = 0;
	ASSERT_EQ(-variant->short_read_errno,
		  ipc_read_at(self->dev.fd, self->hole - 4, 2, &consumed));
	ASSERT_EQ(0ULL, consumed);
	consumed = 16;
	ASSERT_EQ(-EAGAIN, ipc_read_at(self->dev.fd, last, 8, &consumed));
	ASSERT_EQ(16ULL, consumed);
	ASSERT_EQ(0, set_nonblock(self->dev.fd, false));
	round_trip(_metadata, self);
}

/*
 * Writes @cmd with its argument @arg and asserts that the driver refuses
 * it with @ret (BR_FAILED_REPLY, BR_DEAD_REPLY) and the extended error
 * @param, before sending anything; then a round trip.
 */
static void assert_refused(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			   uint32_t cmd, const void *arg, size_t size, uint32_t ret, int param)
{
	struct ipc_event ev = { 0 };

	ASSERT_EQ(0, obj_write(self->dev.fd, cmd, arg, size));
	ASSERT_EQ(0, ipc_next(&self->r, &ev));
	ASSERT_EQ(ret, ev.cmd);
	OBJ_ASSERT_EE(self->dev.fd, ret, param);
	IPC_ASSERT_IDLE(&self->r, 0);
	round_trip(_metadata, self);
}

/* A BC_TRANSACTION of @tr to the peer, refused with BR_FAILED_REPLY, @param. */
static void assert_txn_refused(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			       const struct binderlite_transaction_data *tr, int param)
{
	assert_refused(_metadata, self, BINDERLITE_BC_TRANSACTION, tr, sizeof(*tr),
		       BINDERLITE_BR_FAILED_REPLY, param);
}

/* A transaction to the peer's echo. */
static struct binderlite_transaction_data to_peer(FIXTURE_DATA(bad) *self, const void *data,
						  uint64_t data_size, const void *offsets,
						  uint64_t offsets_size)
{
	return (struct binderlite_transaction_data){
		.target.handle = self->s.handle,
		.code = OBJ_PEER_ECHO,
		.data_size = data_size,
		.offsets_size = offsets_size,
		.data.ptr.buffer = (uintptr_t)data,
		.data.ptr.offsets = (uintptr_t)offsets,
	};
}

TEST_F(bad, transaction_pointers)
{
	const binderlite_size_t offsets[1] = { 0 };
	struct binderlite_transaction_data tr;
	uint8_t data[32] = { 0 };
	struct obj_reply rep;

	tr = to_peer(self, NULL, sizeof(data), NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -EFAULT);
	tr = to_peer(self, self->hole, sizeof(data), NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -EFAULT);
	tr = to_peer(self, self->hole - 8, sizeof(data), NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -EFAULT);
	tr = to_peer(self, (void *)KERNEL_ADDR, sizeof(data), NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -EFAULT);
	tr = to_peer(self, data, sizeof(data), NULL, sizeof(offsets));
	assert_txn_refused(_metadata, self, &tr, -EFAULT);
	tr = to_peer(self, data, sizeof(data), self->hole, sizeof(offsets));
	assert_txn_refused(_metadata, self, &tr, -EFAULT);
	/* Misaligned data is fine. */
	memset(self->page, 0, 32);
	ASSERT_EQ(0, ipc_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
			      OBJ_PEER_ECHO, 0, self->page + 1, 16, NULL, 0));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	round_trip(_metadata, self);
}

TEST_F(bad, transaction_sizes)
{
	const binderlite_size_t offsets[2] = { 0 };
	struct binderlite_transaction_data tr;

	/* More than the receiver's pool, or than any pool. */
	tr = to_peer(self, self->page, 2 * IPC_POOL_SIZE, NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -ENOSPC);
	tr = to_peer(self, self->page, 1ULL << 63, NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -ENOSPC);
	tr = to_peer(self, self->page, 0, offsets, 1ULL << 62);
	assert_txn_refused(_metadata, self, &tr, -ENOSPC);
	/* Sizes whose rounding overflows. */
	tr = to_peer(self, self->page, ~0ULL, NULL, 0);
	assert_txn_refused(_metadata, self, &tr, -EINVAL);
	tr = to_peer(self, self->page, ~0ULL - 7, offsets, 8);
	assert_txn_refused(_metadata, self, &tr, -EINVAL);
	/* Offsets that are not whole offsets. */
	tr = to_peer(self, self->page, 32, offsets, 4);
	assert_txn_refused(_metadata, self, &tr, -EINVAL);
	tr = to_peer(self, self->page, 32, offsets, 12);
	assert_txn_refused(_metadata, self, &tr, -EINVAL);
}

/* A payload of two handle objects, to the peer's own node, at 0 and 24. */
struct two_objects {
	struct flat_binderlite_object obj[2];
};

static void two_objects(FIXTURE_DATA(bad) *self, struct two_objects *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 2; i++) {
		p->obj[i].hdr.type = BINDERLITE_TYPE_HANDLE;
		p->obj[i].handle = self->s.handle;
	}
}

/* The transaction of @p to the peer, with @n offsets, refused with @param. */
static void assert_offsets_refused(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
				   const struct two_objects *p, size_t size,
				   const binderlite_size_t *offsets, size_t n, int param)
{
	struct binderlite_transaction_data tr;

	tr = to_peer(self, p, size, offsets, n * sizeof(*offsets));
	assert_txn_refused(_metadata, self, &tr, param);
}

TEST_F(bad, offsets_outside_the_data)
{
	const size_t size = sizeof(struct two_objects);
	const binderlite_size_t outside[] = { size + 8 }, huge[] = { 1ULL << 63 };
	struct two_objects p;

	two_objects(self, &p);
	assert_offsets_refused(_metadata, self, &p, size, outside, 1, variant->order_param);
	assert_offsets_refused(_metadata, self, &p, size, huge, 1, variant->order_param);
}

TEST_F(bad, offsets_out_of_order)
{
	const size_t size = sizeof(struct two_objects);
	const binderlite_size_t decreasing[] = { 24, 0 }, overlapping[] = { 0, 8 };
	const binderlite_size_t twice[] = { 0, 0 };
	struct two_objects p;

	/* The first object is taken, then the second is refused. */
	two_objects(self, &p);
	assert_offsets_refused(_metadata, self, &p, size, decreasing, 2, variant->order_param);
	assert_offsets_refused(_metadata, self, &p, size, overlapping, 2, variant->order_param);
	assert_offsets_refused(_metadata, self, &p, size, twice, 2, variant->order_param);
}

TEST_F(bad, objects_that_do_not_fit)
{
	const size_t size = sizeof(struct two_objects);
	const binderlite_size_t at_end[] = { size }, misaligned[] = { 2 }, second[] = { 24 };
	struct two_objects p;

	two_objects(self, &p);
	assert_offsets_refused(_metadata, self, &p, size, at_end, 1, -EINVAL);
	assert_offsets_refused(_metadata, self, &p, size, misaligned, 1, -EINVAL);
	/* The second object overlaps the end of the data. */
	assert_offsets_refused(_metadata, self, &p, size - 8, second, 1, -EINVAL);
}

/* A transaction to the peer with @obj alone at offset 0, refused with @param. */
static void assert_object_refused(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
				  const void *obj, size_t size, int param)
{
	static const binderlite_size_t offsets[] = { 0 };
	struct binderlite_transaction_data tr;

	tr = to_peer(self, obj, size, offsets, sizeof(offsets));
	assert_txn_refused(_metadata, self, &tr, param);
}

TEST_F(bad, transaction_objects)
{
	struct flat_binderlite_object obj = { .hdr.type = 0x12345678 };
	struct binderlite_fd_object fd = { .hdr.type = BINDERLITE_TYPE_FD, .fd = 0 };
	struct binderlite_fd_array_object fda = { .hdr.type = BINDERLITE_TYPE_FDA, .num_fds = 1 };
	struct binderlite_buffer_object ptr = {
		.hdr.type = BINDERLITE_TYPE_PTR,
		.buffer = (uintptr_t)self->page,
		.length = 8,
	};

	assert_object_refused(_metadata, self, &obj, sizeof(obj), -EINVAL);
	obj.hdr.type = 0;
	assert_object_refused(_metadata, self, &obj, sizeof(obj), -EINVAL);
	/* Handles the test does not have. */
	obj = (struct flat_binderlite_object){ .hdr.type = BINDERLITE_TYPE_HANDLE, .handle = 999 };
	assert_object_refused(_metadata, self, &obj, sizeof(obj), -EINVAL);
	obj.hdr.type = BINDERLITE_TYPE_WEAK_HANDLE;
	assert_object_refused(_metadata, self, &obj, sizeof(obj), -EINVAL);
	/*
	 * The peer's node does not accept fds; an fd array has no parent
	 * buffer; a buffer does not fit in a transaction with no room.
	 */
	assert_object_refused(_metadata, self, &fd, sizeof(fd), -EPERM);
	assert_object_refused(_metadata, self, &fda, sizeof(fda), -EINVAL);
	assert_object_refused(_metadata, self, &ptr, sizeof(ptr), -EINVAL);
}

TEST_F(bad, scatter_gather)
{
	struct binderlite_transaction_data_sg sg = {
		.transaction_data = to_peer(self, self->page, 16, NULL, 0),
	};
	struct obj_reply rep;

	/* Without buffers, a transaction like any other. */
	ASSERT_EQ(0, obj_write(self->dev.fd, BINDERLITE_BC_TRANSACTION_SG, &sg, sizeof(sg)));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	assert_refused(_metadata, self, BINDERLITE_BC_REPLY_SG, &sg, sizeof(sg),
		       BINDERLITE_BR_FAILED_REPLY, -EPROTO);
}

TEST_F(bad, targets_and_replies)
{
	struct binderlite_transaction_data tr = to_peer(self, self->page, 8, NULL, 0);

	/* No such handle; and the manager calling itself. */
	tr.target.handle = 999;
	assert_txn_refused(_metadata, self, &tr, -EINVAL);
	tr.target.handle = 0;
	assert_txn_refused(_metadata, self, &tr, -EINVAL);
	/* A reply without a call, also as a oneway. */
	assert_refused(_metadata, self, BINDERLITE_BC_REPLY, &tr, sizeof(tr),
		       BINDERLITE_BR_FAILED_REPLY, -EPROTO);
	tr.flags = BINDERLITE_TF_ONE_WAY;
	assert_refused(_metadata, self, BINDERLITE_BC_REPLY, &tr, sizeof(tr),
		       BINDERLITE_BR_FAILED_REPLY, -EPROTO);
}

/* Writes BC_FREE_BUFFER of @addr, which the driver ignores; then a round trip. */
static void free_ignored(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			 binderlite_uintptr_t addr)
{
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, addr));
	IPC_ASSERT_IDLE(&self->r, 0);
	round_trip(_metadata, self);
}

/* Asserts how many buffers binderlite's debugfs shows in the pool of @pid. */
static void assert_buffers(struct __test_metadata *_metadata, const FIXTURE_VARIANT(bad) *variant,
			   pid_t pid, long long n)
{
	struct obj_counts c;

	if (!variant->binderlite)
		return;
	ASSERT_EQ(0, obj_proc_counts(pid, &c));
	ASSERT_EQ(n, c.buffers) TH_LOG("buffers of %d", pid);
}

TEST_F(bad, free_buffer)
{
	struct binderlite_transaction_data tr;
	struct obj_peer_written w;
	struct ipc_cmds c = { 0 };
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	uint8_t *buf;

	free_ignored(_metadata, self, 0);
	free_ignored(_metadata, self, 0xdead0000);
	free_ignored(_metadata, self, (uintptr_t)self->dev.pool + self->dev.pool_size);

	/* Inside a buffer, not at its start: the buffer stays. */
	obj_msg_init(&m);
	obj_msg_put(&m, self->page, 64);
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_ECHO, 0, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	buf = (uint8_t *)(uintptr_t)rep.buffer;
	free_ignored(_metadata, self, rep.buffer + 8);
	assert_buffers(_metadata, variant, getpid(), 1);
	ASSERT_EQ(0, memcmp(buf, rep.data, rep.size));
	/* Freed, then again. */
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, rep.buffer));
	assert_buffers(_metadata, variant, getpid(), 0);
	free_ignored(_metadata, self, rep.buffer);

	/* Another process's buffer: the peer holds one, the test has none. */
	ASSERT_EQ(0, obj_call(&self->r, self->s.handle, OBJ_PEER_HOLD, &m, &rep));
	ASSERT_EQ(0, obj_peer_wait(&self->s, 30));
	ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	free_ignored(_metadata, self, tr.data.ptr.buffer);
	assert_buffers(_metadata, variant, self->s.pid, 1);
	/* Only its owner frees it. */
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
	ASSERT_EQ(0, obj_peer_do(&self->r, &self->s, &c, &w));
	ASSERT_EQ(0, w.ret);
	ASSERT_EQ(c.len, w.consumed);
	assert_buffers(_metadata, variant, self->s.pid, 0);
	round_trip(_metadata, self);
}

/* Writes @cmd on @handle, which the driver ignores; then a round trip. */
static void refcount_ignored(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			     uint32_t cmd, uint32_t handle)
{
	ASSERT_EQ(0, obj_refcount(self->dev.fd, cmd, handle));
	IPC_ASSERT_IDLE(&self->r, 0);
	round_trip(_metadata, self);
}

TEST_F(bad, refcounts)
{
	static const uint32_t cmds[] = {
		BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE,
		BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS,
	};
	const struct obj_peer_event events[] = {
		{ BINDERLITE_BR_INCREFS, 0, PEER_S2, OBJ_PEER_COOKIE(PEER_S2) },
		{ BINDERLITE_BR_ACQUIRE, 0, PEER_S2, OBJ_PEER_COOKIE(PEER_S2) },
		{ BINDERLITE_BR_RELEASE, 0, PEER_S2, OBJ_PEER_COOKIE(PEER_S2) },
		{ BINDERLITE_BR_DECREFS, 0, PEER_S2, OBJ_PEER_COOKIE(PEER_S2) },
	};
	struct flat_binderlite_object obj;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	size_t i;
	uint32_t h;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		refcount_ignored(_metadata, self, cmds[i], 999);

	/* A handle to a second node of the peer: one strong, one weak count. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, PEER_S2, OBJ_PEER_COOKIE(PEER_S2));
	ASSERT_EQ(0, obj_peer_send(&self->r, &self->s, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	h = obj.handle;
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_INCREFS, h));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, h));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	/*
	 * The peer reads that S2 is referenced, strongly, before it serves
	 * the next call: what the owner is told depends on when it reads.
	 */
	round_trip(_metadata, self);

	/* Below zero: ignored, and the handle is as it was. */
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, h));
	refcount_ignored(_metadata, self, BINDERLITE_BC_RELEASE, h);
	/* A weak count cannot become strong again. */
	refcount_ignored(_metadata, self, BINDERLITE_BC_ACQUIRE, h);
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, h));
	refcount_ignored(_metadata, self, BINDERLITE_BC_DECREFS, h);
	ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &self->s, events,
					ARRAY_SIZE(events)));
}

TEST_F(bad, manager_takes_handle_0)
{
	uint32_t buf[4] = { BINDERLITE_BC_ENTER_LOOPER, BINDERLITE_BC_ACQUIRE, 0,
			    BINDERLITE_BC_ENTER_LOOPER };
	uint64_t consumed = 0;

	/* Handle 0 is no reference its manager can take: an error of the write. */
	ASSERT_EQ(-EINVAL, ipc_write_at(self->dev.fd, buf, sizeof(buf), &consumed));
	ASSERT_EQ(4ULL, consumed);
	buf[1] = BINDERLITE_BC_INCREFS;
	consumed = 0;
	ASSERT_EQ(-EINVAL, ipc_write_at(self->dev.fd, buf, sizeof(buf), &consumed));
	ASSERT_EQ(4ULL, consumed);
	round_trip(_metadata, self);
	/* It has none to drop either: ignored. */
	refcount_ignored(_metadata, self, BINDERLITE_BC_RELEASE, 0);
	refcount_ignored(_metadata, self, BINDERLITE_BC_DECREFS, 0);
}

TEST_F(bad, node_done)
{
	struct ipc_cmds c = { 0 };
	struct obj_peer_written w;
	struct obj_reply rep;
	struct obj_msg m;
	uint32_t handle = 1;
	int i;

	/* Nothing asked for. */
	for (i = 0; i < 2; i++) {
		uint32_t cmd = i ? BINDERLITE_BC_ACQUIRE_DONE : BINDERLITE_BC_INCREFS_DONE;

		ASSERT_EQ(0, obj_node_done(self->dev.fd, cmd, OBJ_NODE(0), OBJ_COOKIE(0)));
		ASSERT_EQ(0, obj_node_done(self->dev.fd, cmd, OBJ_MGR_PTR, OBJ_MGR_COOKIE));
		IPC_ASSERT_IDLE(&self->r, 0);
		round_trip(_metadata, self);
	}

	/* A node of the test's the peer keeps; the test does not confirm yet. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, self->s.handle,
				  OBJ_PEER_KEEP, 0, &m));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_INCREFS, OBJ_NODE(0), OBJ_COOKIE(0));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_ACQUIRE, OBJ_NODE(0), OBJ_COOKIE(0));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	/* Wrong cookies and unknown nodes confirm nothing. */
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_INCREFS_DONE, OBJ_NODE(0),
				   OBJ_COOKIE(1)));
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_ACQUIRE_DONE, OBJ_NODE(0),
				   OBJ_COOKIE(1)));
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_ACQUIRE_DONE, OBJ_NODE(1),
				   OBJ_COOKIE(0)));
	/* So the node outlives the peer's references, until confirmed. */
	ipc_cmd(&c, BINDERLITE_BC_RELEASE, &handle, sizeof(handle));
	ipc_cmd(&c, BINDERLITE_BC_DECREFS, &handle, sizeof(handle));
	ASSERT_EQ(0, obj_peer_do(&self->r, &self->s, &c, &w));
	ASSERT_EQ(0, w.ret);
	IPC_ASSERT_IDLE(&self->r, 0);
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_INCREFS_DONE, OBJ_NODE(0),
				   OBJ_COOKIE(0)));
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_ACQUIRE_DONE, OBJ_NODE(0),
				   OBJ_COOKIE(0)));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(0), OBJ_COOKIE(0));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(0), OBJ_COOKIE(0));
	round_trip(_metadata, self);

	/* Confirmed once too often: ignored, the counts are right. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(1), OBJ_COOKIE(1));
	obj_assert_call_new_binders(_metadata, &self->r, self->s.handle, OBJ_PEER_KEEP, &m, &rep);
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_INCREFS_DONE, OBJ_NODE(1),
				   OBJ_COOKIE(1)));
	ASSERT_EQ(0, obj_node_done(self->dev.fd, BINDERLITE_BC_ACQUIRE_DONE, OBJ_NODE(1),
				   OBJ_COOKIE(1)));
	ASSERT_EQ(0, obj_peer_do(&self->r, &self->s, &c, &w));
	ASSERT_EQ(0, w.ret);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(1), OBJ_COOKIE(1));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(1), OBJ_COOKIE(1));
	round_trip(_metadata, self);
}

/* Writes the death command @cmd, which the driver ignores; then a round trip. */
static void death_ignored(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			  uint32_t cmd, uint32_t handle, binderlite_uintptr_t cookie)
{
	ASSERT_EQ(0, obj_death(self->dev.fd, cmd, handle, cookie));
	IPC_ASSERT_IDLE(&self->r, 0);
	round_trip(_metadata, self);
}

/* Asserts how many death notifications binderlite shows for the test. */
static void assert_deaths(struct __test_metadata *_metadata, const FIXTURE_VARIANT(bad) *variant,
			  long long n)
{
	struct obj_counts c;

	if (!variant->binderlite)
		return;
	ASSERT_EQ(0, obj_proc_counts(getpid(), &c));
	ASSERT_EQ(n, c.deaths);
}

TEST_F(bad, death_commands)
{
	const uint32_t request = BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION;
	const uint32_t clear = BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION;
	uint32_t h = self->s.handle;

	ASSERT_EQ(0, obj_dead_done(self->dev.fd, DEATH(0)));
	IPC_ASSERT_IDLE(&self->r, 0);
	death_ignored(_metadata, self, clear, h, DEATH(0));
	death_ignored(_metadata, self, request, 999, DEATH(0));
	death_ignored(_metadata, self, clear, 999, DEATH(0));

	/* Asked for twice: the second is ignored, the first stays. */
	ASSERT_EQ(0, obj_death(self->dev.fd, request, h, DEATH(1)));
	death_ignored(_metadata, self, request, h, DEATH(2));
	assert_deaths(_metadata, variant, 1);
	death_ignored(_metadata, self, clear, h, DEATH(2));
	/* Nothing delivered: nothing to be done with. */
	ASSERT_EQ(0, obj_dead_done(self->dev.fd, DEATH(1)));
	IPC_ASSERT_IDLE(&self->r, 0);
	ASSERT_EQ(0, obj_death(self->dev.fd, clear, h, DEATH(1)));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, DEATH(1));
	assert_deaths(_metadata, variant, 0);
	death_ignored(_metadata, self, clear, h, DEATH(1));
}

TEST_F(bad, unknown_commands)
{
	static const uint32_t codes[] = {
		0, 0xffffffff, BINDERLITE_BR_NOOP, BINDERLITE_BR_TRANSACTION,
		/* binder's BC_ATTEMPT_ACQUIRE and BC_ACQUIRE_RESULT, retired */
		_IOW('c', 10, uint64_t), _IOW('c', 2, int32_t),
		/* known numbers with the wrong size */
		_IOW('c', 0, uint64_t), _IO('c', 3),
	};
	uint32_t buf[3] = { BINDERLITE_BC_ENTER_LOOPER, 0, BINDERLITE_BC_ENTER_LOOPER };
	uint64_t consumed;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		buf[1] = codes[i];
		consumed = 0;
		ASSERT_EQ(-EINVAL, ipc_write_at(self->dev.fd, buf, sizeof(buf), &consumed))
			TH_LOG("code %#x", codes[i]);
		ASSERT_EQ(4ULL, consumed);
		/* Resuming after it works. */
		consumed = 8;
		ASSERT_EQ(0, ipc_write_at(self->dev.fd, buf, sizeof(buf), &consumed));
		ASSERT_EQ(sizeof(buf), consumed);
		round_trip(_metadata, self);
	}
}

TEST_F(bad, ioctl_arguments)
{
	struct flat_binderlite_object fbo = { .hdr.type = BINDERLITE_TYPE_BINDER };
	struct binderlite_extended_error ee = { 1, 2, 3 };
	struct binderlite_transaction_data tr;
	void *const bad[] = { NULL, self->hole, (void *)KERNEL_ADDR };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_VERSION, bad[i]));
		ASSERT_EQ(variant->bad_arg_errno, errno);
		ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_SET_MAX_THREADS, bad[i]));
		ASSERT_EQ(variant->bad_arg_errno, errno);
		ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_SET_CONTEXT_MGR_EXT, bad[i]));
		ASSERT_EQ(variant->bad_arg_errno, errno);
		ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_GET_EXTENDED_ERROR, bad[i]));
		ASSERT_EQ(EFAULT, errno);
		round_trip(_metadata, self);
	}
	/* Misaligned arguments are fine. */
	memset(self->page, 0, 64);
	ASSERT_EQ(0, ioctl(self->dev.fd, BINDERLITE_SET_MAX_THREADS, self->page + 1));
	ASSERT_EQ(0, ioctl(self->dev.fd, BINDERLITE_VERSION, self->page + 1));
	ASSERT_EQ(0, memcmp(self->page + 1, &(int32_t){ BINDERLITE_CURRENT_PROTOCOL_VERSION }, 4));
	memcpy(self->page + 1, &fbo, sizeof(fbo));
	ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_SET_CONTEXT_MGR_EXT, self->page + 1));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, ioctl(self->dev.fd, BINDERLITE_GET_EXTENDED_ERROR, self->page + 1));

	/* An extended error is cleared even when it cannot be copied out. */
	tr = to_peer(self, self->page, 8, NULL, 0);
	tr.target.handle = 999;
	ASSERT_EQ(0, obj_write(self->dev.fd, BINDERLITE_BC_TRANSACTION, &tr, sizeof(tr)));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_FAILED_REPLY, &(struct ipc_event){}));
	ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_GET_EXTENDED_ERROR, NULL));
	ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
	ASSERT_EQ(0U, ee.id);
	ASSERT_EQ(BINDERLITE_BR_OK, ee.command);
	ASSERT_EQ(0, ee.param);
	round_trip(_metadata, self);
}

/*
 * Writes @cmd with its argument @arg (@size bytes) between two
 * BC_ENTER_LOOPERs: the write stops at it with EINVAL, write_consumed
 * pointing at it; resuming after the argument works. Then nothing is to
 * be read, and a round trip.
 */
static void assert_write_stops_at(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
				  uint32_t cmd, const void *arg, size_t size)
{
	struct ipc_cmds c = { 0 };
	uint64_t consumed = 0;
	size_t at;

	ipc_cmd(&c, BINDERLITE_BC_ENTER_LOOPER, NULL, 0);
	at = c.len;
	ipc_cmd(&c, cmd, arg, size);
	ipc_cmd(&c, BINDERLITE_BC_ENTER_LOOPER, NULL, 0);
	ASSERT_EQ(-EINVAL, ipc_write_at(self->dev.fd, c.buf, c.len, &consumed))
		TH_LOG("command %#x", cmd);
	ASSERT_EQ(at, consumed);
	consumed = at + sizeof(uint32_t) + size;
	ASSERT_EQ(0, ipc_write_at(self->dev.fd, c.buf, c.len, &consumed));
	ASSERT_EQ(c.len, consumed);
	IPC_ASSERT_IDLE(&self->r, 0);
	round_trip(_metadata, self);
}

/*
 * Binder's retired BC_ATTEMPT_ACQUIRE and BC_ACQUIRE_RESULT, with their
 * arguments: the write stops at them with EINVAL, write_consumed pointing
 * at them; resuming after the argument works.
 */
TEST_F(bad, retired_commands)
{
	struct binderlite_pri_desc pd = { .priority = 0, .desc = 0 };
	int32_t result = 0;

	assert_write_stops_at(_metadata, self, BINDERLITE_BC_ATTEMPT_ACQUIRE, &pd, sizeof(pd));
	assert_write_stops_at(_metadata, self, BINDERLITE_BC_ACQUIRE_RESULT, &result,
			      sizeof(result));
}

/*
 * Freeze-notification commands about nothing: a handle the test does not
 * have, one it has but never asked about, a cookie never delivered. The
 * write stops at each with EINVAL, as at a command binder 6.1 does not
 * know; resuming after the argument works.
 */
TEST_F(bad, freeze_notification_commands)
{
	struct binderlite_handle_cookie none = { .handle = 999, .cookie = DEATH(5) };
	struct binderlite_handle_cookie unasked = { .handle = self->s.handle, .cookie = DEATH(6) };
	uint64_t cookie = DEATH(7);

	assert_write_stops_at(_metadata, self, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, &none,
			      sizeof(none));
	assert_write_stops_at(_metadata, self, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, &none,
			      sizeof(none));
	assert_write_stops_at(_metadata, self, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, &unasked,
			      sizeof(unasked));
	assert_write_stops_at(_metadata, self, BINDERLITE_BC_FREEZE_NOTIFICATION_DONE, &cookie,
			      sizeof(cookie));
}

/* ioctl(@fd, @cmd, @arg): 0 or -errno. */
static int ioctl_at(int fd, unsigned long cmd, const void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/*
 * The ioctls of node information, freeze and spam detection with NULL,
 * unmapped, half-readable and kernel pointers: EFAULT, as binder answers
 * them (it copies their arguments with copy_from_user()). The idle ioctls
 * binder refuses: EINVAL, whatever the pointer. Misaligned arguments are
 * fine and answered; an argument that cannot be written back: EFAULT.
 */
TEST_F(bad, new_ioctls)
{
	static const unsigned long with_args[] = {
		BINDERLITE_GET_NODE_DEBUG_INFO, BINDERLITE_GET_NODE_INFO_FOR_REF,
		BINDERLITE_FREEZE, BINDERLITE_GET_FROZEN_INFO,
		BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION,
	};
	static const unsigned long refused[] = {
		BINDERLITE_SET_IDLE_TIMEOUT, BINDERLITE_SET_IDLE_PRIORITY,
	};
	/* The third is half readable, for every argument's size. */
	void *const bad[] = {
		NULL, self->hole, self->hole - 2, (void *)KERNEL_ADDR,
	};
	struct binderlite_node_info_for_ref nir;
	struct binderlite_node_debug_info ndi;
	struct binderlite_frozen_status_info fsi;
	struct binderlite_freeze_info fi;
	uint8_t *arg = self->page + 1;
	uint32_t one = 1, zero = 0;
	void *ro;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (j = 0; j < ARRAY_SIZE(with_args); j++)
			ASSERT_EQ(-EFAULT, ioctl_at(self->dev.fd, with_args[j], bad[i]))
				TH_LOG("ioctl %#lx, pointer %zu", with_args[j], i);
		for (j = 0; j < ARRAY_SIZE(refused); j++)
			ASSERT_EQ(-EINVAL, ioctl_at(self->dev.fd, refused[j], bad[i]));
		round_trip(_metadata, self);
	}
	memset(self->page, 0, 64);
	for (j = 0; j < ARRAY_SIZE(refused); j++)
		ASSERT_EQ(-EINVAL, ioctl_at(self->dev.fd, refused[j], self->page));

	/* Misaligned: the test's one node is the manager's, held by the driver. */
	ndi = (struct binderlite_node_debug_info){ .ptr = 0 };
	memcpy(arg, &ndi, sizeof(ndi));
	ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_GET_NODE_DEBUG_INFO, arg));
	memcpy(&ndi, arg, sizeof(ndi));
	ASSERT_EQ(OBJ_MGR_PTR, ndi.ptr);
	ASSERT_EQ(OBJ_MGR_COOKIE, ndi.cookie);
	ASSERT_EQ(1U, ndi.has_strong_ref);
	ASSERT_EQ(1U, ndi.has_weak_ref);
	memcpy(arg, &ndi, sizeof(ndi));
	ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_GET_NODE_DEBUG_INFO, arg));
	memcpy(&ndi, arg, sizeof(ndi));
	ASSERT_EQ(0ULL, ndi.ptr);
	ASSERT_EQ(0ULL, ndi.cookie);
	ASSERT_EQ(0U, ndi.has_strong_ref);
	ASSERT_EQ(0U, ndi.has_weak_ref);

	/* The test, the manager, holds one strong reference to the peer's node. */
	nir = (struct binderlite_node_info_for_ref){ .handle = self->s.handle };
	memcpy(arg, &nir, sizeof(nir));
	ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_GET_NODE_INFO_FOR_REF, arg));
	memcpy(&nir, arg, sizeof(nir));
	ASSERT_EQ(self->s.handle, nir.handle);
	ASSERT_EQ(1U, nir.strong_count);
	ASSERT_EQ(0U, nir.weak_count);
	nir = (struct binderlite_node_info_for_ref){ .handle = self->s.handle, .reserved3 = 1 };
	ASSERT_EQ(-EINVAL, ioctl_at(self->dev.fd, BINDERLITE_GET_NODE_INFO_FOR_REF, &nir));
	nir = (struct binderlite_node_info_for_ref){ .handle = 999 };
	ASSERT_EQ(-EINVAL, ioctl_at(self->dev.fd, BINDERLITE_GET_NODE_INFO_FOR_REF, &nir));
	round_trip(_metadata, self);

	/* Thawing a process that is not frozen; no such process. */
	fi = (struct binderlite_freeze_info){ .pid = self->s.pid, .enable = 0 };
	memcpy(arg, &fi, sizeof(fi));
	ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_FREEZE, arg));
	fi.pid = 0;
	ASSERT_EQ(-EINVAL, ioctl_at(self->dev.fd, BINDERLITE_FREEZE, &fi));
	/*
	 * Bit 1 of sync_recv says the process has transactions pending.
	 * binder wakes the caller with the reply before it frees the call,
	 * which counts as pending for the server until then, so right after
	 * a round trip the bit may still be set for a moment: wait for it to
	 * clear, for at most a second.
	 */
	for (i = 0; i < 100; i++) {
		fsi = (struct binderlite_frozen_status_info){ .pid = self->s.pid };
		memcpy(arg, &fsi, sizeof(fsi));
		ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_GET_FROZEN_INFO, arg));
		memcpy(&fsi, arg, sizeof(fsi));
		if (!(fsi.sync_recv & 2))
			break;
		usleep(10000);
	}
	ASSERT_EQ((uint32_t)self->s.pid, fsi.pid);
	ASSERT_EQ(0U, fsi.sync_recv);
	ASSERT_EQ(0U, fsi.async_recv);
	fsi = (struct binderlite_frozen_status_info){ .pid = 0 };
	ASSERT_EQ(-EINVAL, ioctl_at(self->dev.fd, BINDERLITE_GET_FROZEN_INFO, &fsi));
	memcpy(arg, &one, sizeof(one));
	ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION, arg));
	memcpy(arg, &zero, sizeof(zero));
	ASSERT_EQ(0, ioctl_at(self->dev.fd, BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION, arg));
	round_trip(_metadata, self);

	/* Readable but not writable. */
	ro = mmap(NULL, self->page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-EFAULT, ioctl_at(self->dev.fd, BINDERLITE_GET_NODE_DEBUG_INFO, ro));
	EXPECT_EQ(0, munmap(ro, self->page_size));
	round_trip(_metadata, self);
}

/* What binderlite's debugfs shows of the test and the peer. */
struct counts {
	struct obj_counts test, peer;
};

static void take_counts(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			const FIXTURE_VARIANT(bad) *variant, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	if (!variant->binderlite)
		return;
	ASSERT_EQ(0, obj_proc_counts(getpid(), &c->test));
	ASSERT_EQ(0, obj_proc_counts(self->s.pid, &c->peer));
}

/* Asserts that bad input changed nothing binderlite's debugfs shows. */
static void assert_counts(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			  const FIXTURE_VARIANT(bad) *variant, const struct counts *before)
{
	struct counts now;

	take_counts(_metadata, self, variant, &now);
	EXPECT_EQ(before->test.nodes, now.test.nodes);
	EXPECT_EQ(before->test.refs, now.test.refs);
	EXPECT_EQ(before->test.deaths, now.test.deaths);
	EXPECT_EQ(before->test.buffers, now.test.buffers);
	ASSERT_EQ(0, memcmp(before, &now, sizeof(now))) TH_LOG("the peer's counts changed");
}

/*
 * A second node of the peer's, made from an object with
 * BINDERLITE_FLAG_ACCEPTS_FDS (the peer replies with it), on which the test
 * keeps a strong reference; the peer serves calls to it as to its first.
 * Returns the test's handle.
 */
static uint32_t fds_node(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self)
{
	struct flat_binderlite_object obj;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	uint32_t h;

	obj_msg_init(&m);
	obj_msg_binder_flags(&m, BINDERLITE_TYPE_BINDER, PEER_FDS, OBJ_PEER_COOKIE(PEER_FDS),
			     BINDERLITE_FLAG_ACCEPTS_FDS);
	ASSERT_EQ(0, obj_peer_send(&self->r, &self->s, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_HANDLE, obj.hdr.type);
	h = obj.handle;
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_INCREFS, h));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, h));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	/* The peer reads that the node is referenced before the next call. */
	round_trip(_metadata, self);
	return h;
}

/* A BC_TRANSACTION of @m to @handle, refused with BR_FAILED_REPLY, @param; a round trip. */
static void assert_msg_refused(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			       uint32_t handle, const struct obj_msg *m, int param)
{
	struct binderlite_transaction_data tr;

	tr = to_peer(self, m->data, m->size, m->offsets, m->nr_objs * sizeof(m->offsets[0]));
	tr.target.handle = handle;
	assert_txn_refused(_metadata, self, &tr, param);
}

/*
 * A BC_TRANSACTION_SG of @m with @buffers_size to @handle, refused with
 * BR_FAILED_REPLY, @param; a round trip.
 */
static void assert_sg_refused(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			      uint32_t handle, const struct obj_msg *m, uint64_t buffers_size,
			      int param)
{
	struct binderlite_transaction_data_sg sg = {
		.transaction_data = to_peer(self, m->data, m->size, m->offsets,
					    m->nr_objs * sizeof(m->offsets[0])),
		.buffers_size = buffers_size,
	};

	sg.transaction_data.target.handle = handle;
	assert_refused(_metadata, self, BINDERLITE_BC_TRANSACTION_SG, &sg, sizeof(sg),
		       BINDERLITE_BR_FAILED_REPLY, param);
}

/* An fd object of @fd after 8 bytes of data. */
static void fd_msg(struct obj_msg *m, int fd)
{
	obj_msg_init(m);
	obj_msg_u64(m, 0);
	obj_msg_fd(m, fd, 0);
}

/*
 * Fd objects to a node that accepts them: no such descriptor, a closed one,
 * a good one before a bad one or before a bad object; to one that does not
 * (-EPERM, whatever the flags). Nothing is delivered, no reference to the
 * good file is left, the counts are as they were.
 */
TEST_F(bad, fd_objects)
{
	static const uint32_t flags[] = { 0, BINDERLITE_TF_ONE_WAY, BINDERLITE_TF_ACCEPT_FDS };
	uint32_t h = fds_node(_metadata, self), junk[6] = { 0x12345678 };
	struct counts before;
	struct obj_msg m;
	int p[2], q[2];
	size_t i;

	take_counts(_metadata, self, variant, &before);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	EXPECT_EQ(0, close(q[1]));
	fd_msg(&m, -1);
	assert_msg_refused(_metadata, self, h, &m, -EBADF);
	fd_msg(&m, 999);
	assert_msg_refused(_metadata, self, h, &m, -EBADF);
	/* The number of a file just closed. */
	fd_msg(&m, q[1]);
	assert_msg_refused(_metadata, self, h, &m, -EBADF);
	fd_msg(&m, p[1]);
	obj_msg_fd(&m, 999, 0);
	assert_msg_refused(_metadata, self, h, &m, -EBADF);
	fd_msg(&m, p[1]);
	obj_msg_object(&m, junk, sizeof(junk));
	assert_msg_refused(_metadata, self, h, &m, -EINVAL);
	fd_msg(&m, p[1]);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		struct binderlite_transaction_data tr;

		tr = to_peer(self, m.data, m.size, m.offsets, sizeof(m.offsets[0]));
		tr.flags = flags[i];
		assert_txn_refused(_metadata, self, &tr, -EPERM);
	}
	EXPECT_EQ(0, close(p[1]));
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
	EXPECT_EQ(0, close(q[0]));
	assert_counts(_metadata, self, variant, &before);
}

/* Starts @m: 8 bytes of data, then the parent buffer @buf of @len bytes (object 0). */
static void parent_msg(struct obj_msg *m, const void *buf, uint64_t len)
{
	obj_msg_init(m);
	obj_msg_u64(m, 0);
	obj_msg_ptr(m, buf, len, -1, 0);
}

/*
 * Fd arrays in every bad layout, to a node that accepts fds: no parent
 * before it, a parent that is no buffer, misaligned, past the parent's end,
 * a number of fds that overflows, a parent too small, fixups out of order;
 * -EINVAL, before any fd is taken for good. A bad descriptor inside the
 * array: -EBADF. The peer's own node does not accept them: -EPERM.
 */
TEST_F(bad, fd_array_objects)
{
	uint32_t h = fds_node(_metadata, self), par[8];
	struct counts before;
	struct obj_msg m;
	int p[2], i;

	take_counts(_metadata, self, variant, &before);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (i = 0; i < 8; i++)
		par[i] = p[1];
	obj_msg_init(&m);
	obj_msg_u64(&m, 0);
	obj_msg_fda(&m, 1, 0, 0);
	assert_sg_refused(_metadata, self, h, &m, 0, -EINVAL);
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 1, 1, 0);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	fd_msg(&m, p[1]);
	obj_msg_fda(&m, 1, 0, 0);
	assert_sg_refused(_metadata, self, h, &m, 0, -EINVAL);
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 1, 0, 2);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, (const uint8_t *)par + 2, 16);
	obj_msg_fda(&m, 1, 0, 4);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, par, 16);
	obj_msg_fda(&m, 3, 0, 8);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 1ULL << 62, 0, 0);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 1, 0, ~0ULL - 3);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	/* The parent too small, in a transaction with no room for it. */
	parent_msg(&m, par, 4);
	obj_msg_fda(&m, 2, 0, 0);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, par, 0);
	obj_msg_fda(&m, 1, 0, 0);
	assert_msg_refused(_metadata, self, h, &m, -EINVAL);
	/* Decreasing, overlapping. */
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 2, 0, 16);
	obj_msg_fda(&m, 1, 0, 8);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 2, 0, 16);
	obj_msg_fda(&m, 1, 0, 20);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	/* A bad descriptor after a good one; the peer's own node. */
	par[3] = 999;
	parent_msg(&m, par, sizeof(par));
	obj_msg_fda(&m, 2, 0, 8);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EBADF);
	par[3] = p[1];
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EPERM);
	EXPECT_EQ(0, close(p[1]));
	EXPECT_EQ(0, sg_writers_gone(p[0], 5000));
	EXPECT_EQ(0, close(p[0]));
	assert_counts(_metadata, self, variant, &before);
}

/*
 * Buffer objects in bad layouts: parents out of order (itself, a later
 * one, one that is no buffer, none), overlapping and decreasing fixups, a
 * pointer past its parent or misaligned in it, a parent at data offset 0;
 * buffers larger than the room, a buffer in a plain transaction. -EINVAL.
 */
TEST_F(bad, buffer_objects)
{
	uint32_t h = fds_node(_metadata, self);
	uint64_t a[4] = { 0 }, b = 0;
	struct counts before;
	struct obj_msg m;

	take_counts(_metadata, self, variant, &before);
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 1, 0);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	obj_msg_init(&m);
	obj_msg_u64(&m, 0);
	obj_msg_ptr(&m, &b, 8, 1, 0);
	obj_msg_ptr(&m, a, sizeof(a), -1, 0);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 9, 0);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	fd_msg(&m, 0);
	obj_msg_ptr(&m, &b, 8, 0, 0);
	assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	/* Decreasing; overlapping; the same offset; a parent at offset 0. */
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 0, 16);
	obj_msg_ptr(&m, &b, 8, 0, 0);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 0, 0);
	obj_msg_ptr(&m, &b, 8, 0, 4);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 0, 8);
	obj_msg_ptr(&m, &b, 8, 0, 8);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	obj_msg_init(&m);
	obj_msg_ptr(&m, a, sizeof(a), -1, 0);
	obj_msg_ptr(&m, &b, 8, 0, 0);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	/* Past the parent, a parent too small, misaligned in it. */
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 0, sizeof(a) - 4);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, a, 4);
	obj_msg_ptr(&m, &b, 8, 0, 0);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	parent_msg(&m, a, sizeof(a));
	obj_msg_ptr(&m, &b, 8, 0, 2);
	assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
	/* Larger than the room; with no room at all. */
	parent_msg(&m, a, sizeof(a));
	assert_sg_refused(_metadata, self, self->s.handle, &m, 16, -EINVAL);
	assert_msg_refused(_metadata, self, self->s.handle, &m, -EINVAL);
	assert_counts(_metadata, self, variant, &before);
}

/*
 * Scatter-gather sizes: buffers_size not a multiple of 8, or so large that
 * rounding or adding it overflows (-EINVAL), or larger than any pool
 * (-ENOSPC); buffer lengths that overflow (-EINVAL).
 */
TEST_F(bad, scatter_gather_sizes)
{
	static const struct {
		uint64_t buffers_size;
		int param;
	} sizes[] = {
		{ 4, -EINVAL }, { 12, -EINVAL }, { ~0ULL, -EINVAL }, { ~0ULL - 7, -EINVAL },
		{ 1ULL << 63, -ENOSPC }, { 2 * IPC_POOL_SIZE, -ENOSPC },
	};
	uint64_t lengths[] = { 1ULL << 63, ~0ULL, ~0ULL - 6 };
	uint64_t a = 0;
	struct counts before;
	struct obj_msg m;
	size_t i;

	take_counts(_metadata, self, variant, &before);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		obj_msg_init(&m);
		obj_msg_u64(&m, 0);
		assert_sg_refused(_metadata, self, self->s.handle, &m, sizes[i].buffers_size,
				  sizes[i].param);
	}
	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		obj_msg_init(&m);
		obj_msg_u64(&m, 0);
		obj_msg_ptr(&m, &a, lengths[i], -1, 0);
		assert_sg_refused(_metadata, self, self->s.handle, &m, 64, -EINVAL);
	}
	assert_counts(_metadata, self, variant, &before);
}

/*
 * BC_TRANSACTION_SG with memory that is not there: the data or the
 * offsets (-EFAULT, as for BC_TRANSACTION), a buffer or a parent holding an
 * fd array (binder finds out when it copies the buffers, after the
 * objects: -EINVAL), the command itself cut by the hole (EFAULT of the
 * ioctl, nothing consumed).
 */
TEST_F(bad, scatter_gather_unmapped)
{
	void *const bad[] = { NULL, self->hole, self->hole - 4, (void *)KERNEL_ADDR };
	uint32_t h = fds_node(_metadata, self);
	struct binderlite_transaction_data_sg sg;
	uint64_t consumed = 0;
	struct counts before;
	struct obj_msg m;
	uint8_t *cmd;
	size_t i;

	take_counts(_metadata, self, variant, &before);
	obj_msg_init(&m);
	obj_msg_u64(&m, 0);
	sg = (struct binderlite_transaction_data_sg){
		.transaction_data = to_peer(self, self->hole, 8, NULL, 0),
		.buffers_size = 8,
	};
	assert_refused(_metadata, self, BINDERLITE_BC_TRANSACTION_SG, &sg, sizeof(sg),
		       BINDERLITE_BR_FAILED_REPLY, -EFAULT);
	sg.transaction_data = to_peer(self, m.data, m.size, self->hole, 8);
	assert_refused(_metadata, self, BINDERLITE_BC_TRANSACTION_SG, &sg, sizeof(sg),
		       BINDERLITE_BR_FAILED_REPLY, -EFAULT);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parent_msg(&m, bad[i], 8);
		assert_sg_refused(_metadata, self, self->s.handle, &m, m.buffers_size, -EINVAL);
		parent_msg(&m, bad[i], 8);
		obj_msg_fda(&m, 1, 0, 0);
		assert_sg_refused(_metadata, self, h, &m, m.buffers_size, -EINVAL);
	}

	/* The command's last bytes in the hole. */
	cmd = self->hole - sizeof(uint32_t) - sizeof(sg) + 4;
	memcpy(cmd, &(uint32_t){ BINDERLITE_BC_TRANSACTION_SG }, sizeof(uint32_t));
	memcpy(cmd + 4, &sg, sizeof(sg) - 4);
	ASSERT_EQ(-EFAULT, ipc_write_at(self->dev.fd, cmd, 4 + sizeof(sg), &consumed));
	ASSERT_EQ(0ULL, consumed);
	IPC_ASSERT_IDLE(&self->r, 0);
	round_trip(_metadata, self);
	assert_counts(_metadata, self, variant, &before);
}

/* Random bytes that are never a valid object type (whose low byte is 0x85). */
static void fuzz_fill(uint8_t *p, size_t size, uint32_t seed)
{
	size_t i;

	ipc_fill(p, size, seed);
	for (i = 0; i < size; i++)
		if (p[i] == BINDERLITE_TYPE_LARGE)
			p[i]--;
}

/*
 * Puts one of the invalid objects at @off of @data: a handle the test does
 * not have, an fd (the peer's node accepts none), an fd array of more fds
 * than its parent holds, a buffer at address 0, or one of unknown type.
 */
static void fuzz_object(uint8_t *data, size_t off, uint32_t kind, uint32_t value)
{
	struct flat_binderlite_object obj = { .handle = 1000 + value % 1000 };
	struct binderlite_fd_array_object fda = {
		.hdr.type = BINDERLITE_TYPE_FDA, .num_fds = 1000, .parent = value % 4,
	};
	/* At address 0: a copy from it fails, whatever the layout. */
	struct binderlite_buffer_object ptr = {
		.hdr.type = BINDERLITE_TYPE_PTR,
		.flags = value & BINDERLITE_BUFFER_FLAG_HAS_PARENT,
		.length = 1000,
		.parent = value % 4,
		.parent_offset = value % 64,
	};
	struct binderlite_fd_object fd = { .hdr.type = BINDERLITE_TYPE_FD, .fd = value };

	switch (kind % 6) {
	case 0:
		obj.hdr.type = BINDERLITE_TYPE_HANDLE;
		break;
	case 1:
		obj.hdr.type = BINDERLITE_TYPE_WEAK_HANDLE;
		break;
	case 2:
		memcpy(data + off, &fd, sizeof(fd));
		return;
	case 3:
		memcpy(data + off, &fda, sizeof(fda));
		return;
	case 4:
		memcpy(data + off, &ptr, sizeof(ptr));
		return;
	default:
		obj.hdr.type = value & ~0xffU;
		break;
	}
	memcpy(data + off, &obj, sizeof(obj));
}

TEST_F_TIMEOUT(bad, fuzz_transactions, 300)
{
	static const uint32_t flags[] = {
		0, BINDERLITE_TF_ONE_WAY, BINDERLITE_TF_ACCEPT_FDS, BINDERLITE_TF_CLEAR_BUF,
	};
	static const int params[] = { -EINVAL, -EFAULT, -EPERM, -ENOSPC };
	/* Half the rounds are BC_TRANSACTION_SG, with one of these buffers_size. */
	static const uint64_t buffers_sizes[] = { 0, 16, 1024, 12, ~0ULL, 1ULL << 63 };
	struct ipc_cmds c;
	binderlite_size_t offsets[4];
	struct binderlite_extended_error ee;
	struct ipc_event ev = { 0 };
	struct counts before;
	uint8_t data[256 + 16 + sizeof(struct binderlite_buffer_object)];
	uint32_t rnd[8];
	size_t size, n, i;
	int round;

	take_counts(_metadata, self, variant, &before);
	for (round = 0; round < variant->fuzz_rounds; round++) {
		ipc_fill(rnd, sizeof(rnd), round);
		size = 24 + rnd[0] % 232;
		n = 1 + rnd[1] % ARRAY_SIZE(offsets);
		fuzz_fill(data, sizeof(data), round);
		for (i = 0; i < n; i++) {
			/* Mostly at or near multiples of 4, in or near the data. */
			offsets[i] = rnd[2 + i] % (size + 16);
			if (rnd[2 + i] & 0x100000)
				offsets[i] &= ~3ULL;
			fuzz_object(data, offsets[i], rnd[6] >> (4 * i), rnd[7] + i);
		}
		c = (struct ipc_cmds){ 0 };
		ipc_cmd_txn_sg(&c, rnd[5] & 0x10000 ? BINDERLITE_BC_TRANSACTION_SG :
						   BINDERLITE_BC_TRANSACTION,
			   self->s.handle, OBJ_PEER_ECHO, flags[rnd[6] % ARRAY_SIZE(flags)],
			   rnd[7] % 64 ? data : (void *)self->hole, size, offsets,
			   n * sizeof(offsets[0]) - (rnd[5] % 16 ? 0 : 4),
			   buffers_sizes[(rnd[5] >> 20) % ARRAY_SIZE(buffers_sizes)]);
		ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
		ASSERT_EQ(0, ipc_next(&self->r, &ev)) TH_LOG("round %d", round);
		ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, ev.cmd) TH_LOG("round %d", round);
		ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
		for (i = 0; i < ARRAY_SIZE(params) && ee.param != params[i]; i++)
			;
		ASSERT_LT(i, ARRAY_SIZE(params)) TH_LOG("round %d: %d", round, ee.param);
		if (round % 16 == 15)
			round_trip(_metadata, self);
	}
	round_trip(_metadata, self);
	assert_counts(_metadata, self, variant, &before);
}

/*
 * Appends a random command that concerns nothing the test has: handles it
 * does not hold, nodes and cookies nobody asked about, addresses of no
 * buffer; now and then a code that does not exist.
 */
static void fuzz_command(FIXTURE_DATA(bad) *self, struct ipc_cmds *c, const uint32_t *rnd)
{
	const uint32_t handle = 100 + rnd[1] % 100;
	const uint64_t value = (uint64_t)rnd[2] << 32 | rnd[3];
	struct binderlite_handle_cookie hc = { .handle = handle, .cookie = value };
	struct binderlite_ptr_cookie pc = { .ptr = value, .cookie = rnd[4] };
	static const uint32_t refcounts[] = {
		BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE,
		BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS,
	};

	switch (rnd[0] % 8) {
	case 0:
		ipc_cmd(c, refcounts[rnd[4] % 4], &handle, sizeof(handle));
		break;
	case 1:
		ipc_cmd(c, rnd[4] % 2 ? BINDERLITE_BC_INCREFS_DONE : BINDERLITE_BC_ACQUIRE_DONE,
			&pc, sizeof(pc));
		break;
	case 2:
		ipc_cmd(c, rnd[4] % 2 ? BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION :
					BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, &hc, sizeof(hc));
		break;
	case 3:
		ipc_cmd_u64(c, BINDERLITE_BC_DEAD_BINDER_DONE, value);
		break;
	case 4:
		/* The test holds no buffer. */
		ipc_cmd_u64(c, BINDERLITE_BC_FREE_BUFFER,
			    (uintptr_t)self->dev.pool + rnd[2] % (self->dev.pool_size + 64));
		break;
	case 5:
		ipc_cmd(c, BINDERLITE_BC_ENTER_LOOPER, NULL, 0);
		break;
	case 6:
		ipc_cmd_u64(c, BINDERLITE_BC_FREE_BUFFER, value);
		break;
	default:
		/* Unknown unless it happens to be a command's code, which is unlikely. */
		ipc_cmd(c, rnd[5] | 0x40000000, NULL, 0);
		break;
	}
}

TEST_F_TIMEOUT(bad, fuzz_commands, 300)
{
	struct ipc_cmds c;
	struct counts before;
	uint64_t consumed;
	uint32_t rnd[6];
	int round, i, ret;

	take_counts(_metadata, self, variant, &before);
	for (round = 0; round < variant->fuzz_rounds; round++) {
		c = (struct ipc_cmds){ 0 };
		for (i = 0; i < 8; i++) {
			ipc_fill(rnd, sizeof(rnd), round * 8 + i);
			fuzz_command(self, &c, rnd);
		}
		ASSERT_FALSE(c.overflow);
		consumed = 0;
		ret = ipc_write_at(self->dev.fd, c.buf, c.len, &consumed);
		/* Ignored, or stopped at an unknown code. */
		ASSERT_TRUE(ret == 0 || ret == -EINVAL) TH_LOG("round %d: %d", round, ret);
		ASSERT_TRUE(ret ? consumed < c.len : consumed == c.len)
			TH_LOG("round %d: %llu of %zu", round, (unsigned long long)consumed, c.len);
		IPC_ASSERT_IDLE(&self->r, 0);
		if (round % 16 == 15)
			round_trip(_metadata, self);
	}
	round_trip(_metadata, self);
	assert_counts(_metadata, self, variant, &before);
}

TEST_HARNESS_MAIN
