// SPDX-License-Identifier: GPL-2.0
/*
 * The rest of binder 6.12's protocol:
 *
 * - BINDERLITE_GET_NODE_DEBUG_INFO: the caller's nodes, walked by address,
 *   with their cookies and whether the owner holds strong and weak
 *   references;
 * - BINDERLITE_GET_NODE_INFO_FOR_REF: the context manager's only (EPERM
 *   for others, after the check that every field but the handle is 0,
 *   EINVAL), a strong handle only (EINVAL), and the counts binder gives:
 *   strong_count is one per process with a strong reference plus the
 *   owner's own strong references (a transaction to the node whose
 *   buffer is held, the node's own handle sent back to it); weak_count is
 *   the owner's own weak references only: other processes' weak
 *   references count nowhere;
 * - oneway spam detection: BR_ONEWAY_SPAM_SUSPECT instead of
 *   BR_TRANSACTION_COMPLETE for the oneway that leaves the receiver's
 *   async space below a tenth of its pool while the sender holds more than
 *   a quarter of the pool in oneways, once, for a sender that asked for
 *   it, and again after the space came back;
 * - security contexts: a context manager whose node has
 *   FLAT_BINDER_FLAG_TXN_SECURITY_CTX receives BR_TRANSACTION_SEC_CTX with
 *   the sender's context, NUL-terminated, in the buffer after the offsets,
 *   where the LSM gives contexts (SELinux); with AppArmor, which gives
 *   none, the call fails with BR_FAILED_REPLY, extended error -EINVAL;
 *   both devices must agree;
 * - priority inheritance: a thread serving a sync call takes the caller's
 *   nice if it is below the node's minimum (flags & 0xff), else the
 *   minimum, and gets its own back with its reply; a oneway never lends
 *   the caller's; a looper waiting for process work takes the nice its
 *   process opened the device with;
 * - the refused codes: BC_ATTEMPT_ACQUIRE and BC_ACQUIRE_RESULT stop the
 *   write with EINVAL, SET_IDLE_TIMEOUT and SET_IDLE_PRIORITY are EINVAL;
 * - weak objects end to end.
 *
 * Every test runs against /dev/binderlite and the reference /dev/binder;
 * binderlite must end clean.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include "binderlite_ipc_freeze.h"

/* Nodes of the tests' peers. */
#define PEER_A		0x7a000ULL
#define PEER_B		0x7b000ULL
#define PEER_C		0x7c000ULL
#define PEER_D		0x7d000ULL
/* A second node of peer A. */
#define PEER_A2		0x7a800ULL

/* Methods of the server, a child that is the context manager. */
#define CODE_CALL	0x100U
#define CODE_ONEWAY	0x101U

#define SRV_LOG		64
#define SECCTX_MAX	256

/**
 * struct msrv_record - a transaction the server received
 * @cmd:         BR_TRANSACTION or BR_TRANSACTION_SEC_CTX
 * @code:        its code
 * @flags:       its flags
 * @value:       its payload's first u32
 * @data_size:   its data_size
 * @nice_serve:  the serving thread's nice when it read it
 * @nice_after:  its nice after its reply (after the BC_FREE_BUFFER of a
 *               oneway)
 * @secctx_off:  BR_TRANSACTION_SEC_CTX: where the context is, from the
 *               start of the buffer; -1 if outside the pool
 * @secctx_len:  its length up to the NUL, -1 if none within SECCTX_MAX
 * @secctx:      the context
 */
struct msrv_record {
	uint32_t cmd;
	uint32_t code;
	uint32_t flags;
	uint32_t value;
	uint64_t data_size;
	int nice_serve;
	int nice_after;
	int64_t secctx_off;
	int secctx_len;
	char secctx[SECCTX_MAX];
};

/**
 * struct msrv_shared - the server and the test
 * @flags:       the flags of the server's node (SET_CONTEXT_MGR_EXT)
 * @open_nice:   the server's nice when it opens the device
 * @thread_nice: its nice once it is the manager, before it reads
 * @ready:       the server is the manager; -1 if it failed
 * @serve:       the server reads only while this is set
 * @parked:      the server saw @serve cleared and reads no more
 * @n:           transactions received
 * @log:         the first SRV_LOG of them
 */
struct msrv_shared {
	uint32_t flags;
	int open_nice;
	int thread_nice;
	int ready;
	int serve;
	int parked;
	int n;
	struct msrv_record log[SRV_LOG];
};

static int my_nice(void)
{
	errno = 0;
	return getpriority(PRIO_PROCESS, syscall(SYS_gettid));
}

static int set_my_nice(int nice)
{
	return setpriority(PRIO_PROCESS, syscall(SYS_gettid), nice) ? -errno : 0;
}

static int msrv_serve(int fd, struct msrv_shared *sh, const struct ipc_event *ev)
{
	const struct binderlite_transaction_data *tr = &ev->txn;
	struct msrv_record rec = {
		.cmd = ev->cmd, .code = tr->code, .flags = tr->flags,
		.data_size = tr->data_size, .nice_serve = my_nice(), .secctx_off = -1,
		.secctx_len = -1,
	};
	int i, ret;

	if (tr->data_size >= sizeof(rec.value))
		memcpy(&rec.value, ipc_payload(tr), sizeof(rec.value));
	if (ev->cmd == BINDERLITE_BR_TRANSACTION_SEC_CTX && ev->sec.secctx >= tr->data.ptr.buffer &&
	    ev->sec.secctx < tr->data.ptr.buffer + IPC_POOL_SIZE) {
		const char *p = (const char *)(uintptr_t)ev->sec.secctx;

		rec.secctx_off = ev->sec.secctx - tr->data.ptr.buffer;
		for (i = 0; i < SECCTX_MAX && rec.secctx_len < 0; i++) {
			if (!p[i])
				rec.secctx_len = i;
		}
		if (rec.secctx_len >= 0)
			memcpy(rec.secctx, p, rec.secctx_len + 1);
	}
	if (tr->flags & BINDERLITE_TF_ONE_WAY)
		ret = ipc_free_buffer(fd, tr->data.ptr.buffer);
	else
		ret = ipc_reply_free(fd, tr->data.ptr.buffer, &rec.value, sizeof(rec.value));
	rec.nice_after = my_nice();
	i = ipc_load(&sh->n);
	if (i < SRV_LOG)
		sh->log[i] = rec;
	ipc_store(&sh->n, i + 1);
	return ret;
}

/* The server: opens at sh->open_nice, becomes the manager, serves. */
static int msrv_main(const char *path, struct msrv_shared *sh)
{
	struct ipc_reader r;
	struct ipc_event ev;
	struct ipc_dev dev;

	if (set_my_nice(sh->open_nice) || ipc_open(&dev, path, IPC_POOL_SIZE) ||
	    ipc_become_mgr_ext(dev.fd, 0, 0, sh->flags) || set_my_nice(sh->thread_nice) ||
	    ipc_looper(dev.fd, BINDERLITE_BC_ENTER_LOOPER)) {
		ipc_store(&sh->ready, -1);
		return IPC_EXIT_SETUP;
	}
	ipc_reader_init(&r, dev.fd);
	ipc_store(&sh->ready, 1);
	for (;;) {
		IPC_CHECK(fz_serve_next(&r, &sh->serve, &sh->parked, &ev) == 0);
		IPC_CHECK(ev.cmd == BINDERLITE_BR_TRANSACTION ||
			  ev.cmd == BINDERLITE_BR_TRANSACTION_SEC_CTX);
		IPC_CHECK(msrv_serve(dev.fd, sh, &ev) == 0);
	}
}

/* Starts the server on @path as @sh says; returns its pid or -errno. */
static pid_t msrv_start(const char *path, struct msrv_shared *sh)
{
	pid_t pid = ipc_fork();

	if (pid == 0)
		_exit(msrv_main(path, sh));
	if (pid < 0)
		return -errno;
	if (!ipc_wait_int(&sh->ready, 1, 10000)) {
		ipc_wait(pid, 1);
		return -ECHILD;
	}
	return pid;
}

FIXTURE(misc) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct msrv_shared *sh;
};

FIXTURE_VARIANT(misc) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(misc, (), ());

FIXTURE_SETUP(misc)
{
	self->sh = MAP_FAILED;
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	self->sh = ipc_shared(sizeof(*self->sh));
	ASSERT_NE(MAP_FAILED, self->sh);
}

FIXTURE_TEARDOWN(misc)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
	if (self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
}

/* GET_NODE_DEBUG_INFO after @ptr; asserts the ioctl works. */
static struct binderlite_node_debug_info
debug_info(struct __test_metadata *_metadata, int fd, binderlite_uintptr_t ptr)
{
	struct binderlite_node_debug_info info = { .ptr = ptr, .cookie = 0xbad };

	EXPECT_EQ(0, ioctl(fd, BINDERLITE_GET_NODE_DEBUG_INFO, &info))
		TH_LOG("%s", strerror(errno));
	return info;
}

/* Asserts the node after @after: (@ptr, @cookie, @strong, @weak). */
static void assert_next_node(struct __test_metadata *_metadata, int fd,
			     binderlite_uintptr_t after, binderlite_uintptr_t ptr,
			     binderlite_uintptr_t cookie, uint32_t strong, uint32_t weak)
{
	struct binderlite_node_debug_info info = debug_info(_metadata, fd, after);

	ASSERT_EQ(ptr, info.ptr) TH_LOG("after %#llx", (unsigned long long)after);
	EXPECT_EQ(cookie, info.cookie);
	EXPECT_EQ(strong, info.has_strong_ref);
	EXPECT_EQ(weak, info.has_weak_ref);
}

/* Makes @peer write the commands @c; asserts they all went through. */
static void peer_writes(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self,
			const struct obj_peer *peer, const struct ipc_cmds *c)
{
	struct obj_peer_written w;

	ASSERT_EQ(0, obj_peer_do(&self->r, peer, c, &w));
	ASSERT_EQ(0, w.ret);
	ASSERT_EQ(c->len, w.consumed);
}

/* Makes @peer write one BC_INCREFS ... BC_DECREFS on @handle. */
static void peer_refcount(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self,
			  const struct obj_peer *peer, uint32_t cmd, uint32_t handle)
{
	struct ipc_cmds c = { 0 };

	ipc_cmd(&c, cmd, &handle, sizeof(handle));
	peer_writes(_metadata, self, peer, &c);
}

/* Calls @peer with @m and code @code; returns its report of the call. */
static void peer_report(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self,
			const struct obj_peer *peer, uint32_t code, const struct obj_msg *m,
			struct obj_reply *rep, struct binderlite_transaction_data *tr,
			struct obj_view *v)
{
	ASSERT_EQ(0, obj_call(&self->r, peer->handle, code, m, rep));
	ASSERT_EQ(0, obj_report_view(rep->data, rep->size, tr, v));
}

TEST_F(misc, node_debug_info_walks_the_callers_nodes)
{
	struct obj_reply rep;
	struct ipc_dev other;
	struct obj_peer a;
	struct obj_msg m;

	/* A process with no node: all zero. */
	{
		struct binderlite_node_debug_info info = debug_info(_metadata, self->dev.fd, 0);

		EXPECT_EQ(0ULL, info.ptr);
		EXPECT_EQ(0ULL, info.cookie);
		EXPECT_EQ(0U, info.has_strong_ref);
		EXPECT_EQ(0U, info.has_weak_ref);
	}
	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));
	/* The manager's node holds both references from the start. */
	assert_next_node(_metadata, self->dev.fd, 0, OBJ_MGR_PTR, OBJ_MGR_COOKIE, 1, 1);

	/* Three nodes below it, the second weak only; the peer keeps them. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(3), OBJ_COOKIE(3));
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, OBJ_NODE(2), OBJ_COOKIE(2));
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(1), OBJ_COOKIE(1));
	obj_assert_call_new_binders(_metadata, &self->r, a.handle, OBJ_PEER_KEEP, &m, &rep);

	assert_next_node(_metadata, self->dev.fd, 0, OBJ_NODE(1), OBJ_COOKIE(1), 1, 1);
	assert_next_node(_metadata, self->dev.fd, OBJ_NODE(1), OBJ_NODE(2), OBJ_COOKIE(2), 0, 1);
	assert_next_node(_metadata, self->dev.fd, OBJ_NODE(2), OBJ_NODE(3), OBJ_COOKIE(3), 1, 1);
	assert_next_node(_metadata, self->dev.fd, OBJ_NODE(3), OBJ_MGR_PTR, OBJ_MGR_COOKIE, 1, 1);
	/* Any address: the first node above it. */
	assert_next_node(_metadata, self->dev.fd, OBJ_NODE(1) + 1, OBJ_NODE(2), OBJ_COOKIE(2), 0,
			 1);
	assert_next_node(_metadata, self->dev.fd, OBJ_NODE(1) - 1, OBJ_NODE(1), OBJ_COOKIE(1), 1,
			 1);
	assert_next_node(_metadata, self->dev.fd, OBJ_MGR_PTR, 0, 0, 0, 0);
	assert_next_node(_metadata, self->dev.fd, ~0ULL, 0, 0, 0, 0);

	/* Another file of the same process has nodes of its own: none. */
	ASSERT_EQ(0, ipc_open(&other, variant->path, IPC_POOL_SIZE));
	assert_next_node(_metadata, other.fd, 0, 0, 0, 0, 0);
	ASSERT_EQ(0, ipc_close(&other));

	/*
	 * The peer drops node 1 (its handle 3: the objects came in reverse):
	 * the test hears BR_RELEASE and BR_DECREFS, and the node is gone.
	 */
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_RELEASE, 3);
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_DECREFS, 3);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(1), OBJ_COOKIE(1));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(1), OBJ_COOKIE(1));
	assert_next_node(_metadata, self->dev.fd, 0, OBJ_NODE(2), OBJ_COOKIE(2), 0, 1);
	/* Node 3 loses its strong reference only. */
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_RELEASE, 1);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(3), OBJ_COOKIE(3));
	assert_next_node(_metadata, self->dev.fd, OBJ_NODE(2), OBJ_NODE(3), OBJ_COOKIE(3), 0, 1);
	IPC_ASSERT_IDLE(&self->r, 0);
}

/* GET_NODE_INFO_FOR_REF of @handle; returns 0 or -errno. */
static int node_info(int fd, uint32_t handle, struct binderlite_node_info_for_ref *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(fd, BINDERLITE_GET_NODE_INFO_FOR_REF, info) ? -errno : 0;
}

/* Asserts the counts of the node of @handle. */
static void assert_counts(struct __test_metadata *_metadata, int fd, uint32_t handle,
			  uint32_t strong, uint32_t weak, const char *what)
{
	struct binderlite_node_info_for_ref info;

	ASSERT_EQ(0, node_info(fd, handle, &info)) TH_LOG("%s", what);
	EXPECT_EQ(handle, info.handle) TH_LOG("%s", what);
	EXPECT_EQ(strong, info.strong_count) TH_LOG("%s", what);
	EXPECT_EQ(weak, info.weak_count) TH_LOG("%s", what);
	EXPECT_EQ(0U, info.reserved1);
	EXPECT_EQ(0U, info.reserved2);
	EXPECT_EQ(0U, info.reserved3);
}

/* A process that is not the manager: EINVAL for a bad argument, else EPERM. */
static int not_manager(struct ipc_dev *dev, void *arg)
{
	struct binderlite_node_info_for_ref info = { 0 };

	IPC_CHECK(ioctl(dev->fd, BINDERLITE_GET_NODE_INFO_FOR_REF, &info) < 0 && errno == EPERM);
	info.weak_count = 1;
	IPC_CHECK(ioctl(dev->fd, BINDERLITE_GET_NODE_INFO_FOR_REF, &info) < 0 && errno == EINVAL);
	return 0;
}

TEST_F(misc, node_info_for_ref_refusals)
{
	struct binderlite_node_info_for_ref info;
	struct flat_binderlite_object obj;
	struct obj_reply rep;
	struct obj_peer a;
	struct obj_view v;
	struct obj_msg m;
	uint32_t *field[] = {
		&info.strong_count, &info.weak_count, &info.reserved1, &info.reserved2,
		&info.reserved3,
	};
	uint32_t weak;
	size_t i;
	pid_t pid;

	/* Before anyone is the manager: EPERM. */
	ASSERT_EQ(-EPERM, node_info(self->dev.fd, 0, &info));
	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));
	pid = ipc_start(variant->path, false, not_manager, NULL);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, ipc_wait(pid, 30));

	/* Only the handle may be set: checked before anything else. */
	for (i = 0; i < ARRAY_SIZE(field); i++) {
		memset(&info, 0, sizeof(info));
		info.handle = a.handle;
		*field[i] = 1;
		ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_GET_NODE_INFO_FOR_REF, &info));
		ASSERT_EQ(EINVAL, errno) TH_LOG("field %zu", i);
	}
	/* No such handle, and handle 0 (the manager's own node): EINVAL. */
	ASSERT_EQ(-EINVAL, node_info(self->dev.fd, 99, &info));
	ASSERT_EQ(-EINVAL, node_info(self->dev.fd, 0, &info));

	/* A weak handle: EINVAL. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, PEER_A2, OBJ_PEER_COOKIE(PEER_A2));
	ASSERT_EQ(0, obj_peer_send(&self->r, &a, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_WEAK_HANDLE, obj.hdr.type);
	weak = obj.handle;
	ASSERT_EQ(-EINVAL, node_info(self->dev.fd, weak, &info));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	/* Gone with the buffer: still EINVAL. */
	ASSERT_EQ(-EINVAL, node_info(self->dev.fd, weak, &info));
	assert_counts(_metadata, self->dev.fd, a.handle, 1, 0, "the test's reference");
}

/*
 * Hands the test's handle @h to @peer, which keeps a strong reference
 * (@type HANDLE) or a weak one (WEAK_HANDLE).
 */
static void give_handle(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self,
			const struct obj_peer *peer, uint32_t type, uint32_t h)
{
	struct binderlite_transaction_data tr;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;

	obj_msg_init(&m);
	obj_msg_handle(&m, type, h);
	peer_report(_metadata, self, peer, OBJ_PEER_KEEP, &m, &rep, &tr, &v);
}

TEST_F(misc, node_info_for_ref_counts)
{
	struct binderlite_node_info_for_ref info;
	struct binderlite_transaction_data tr;
	struct obj_peer a, b, c, d;
	struct ipc_cmds cmds = { 0 };
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	int i;

	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_B, OBJ_PEER_COOKIE(PEER_B), &b));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_C, OBJ_PEER_COOKIE(PEER_C), &c));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_D, OBJ_PEER_COOKIE(PEER_D), &d));

	/* A's node, strongly referenced by 1, 2, 3 processes. */
	assert_counts(_metadata, self->dev.fd, a.handle, 1, 0, "the test");
	give_handle(_metadata, self, &b, BINDERLITE_TYPE_HANDLE, a.handle);
	assert_counts(_metadata, self->dev.fd, a.handle, 2, 0, "the test and B");
	give_handle(_metadata, self, &c, BINDERLITE_TYPE_HANDLE, a.handle);
	assert_counts(_metadata, self->dev.fd, a.handle, 3, 0, "the test, B and C");
	/* A weak reference of D's counts nowhere. */
	give_handle(_metadata, self, &d, BINDERLITE_TYPE_WEAK_HANDLE, a.handle);
	assert_counts(_metadata, self->dev.fd, a.handle, 3, 0, "3 strong, D weak");
	/* More strong references of one process count once. */
	peer_refcount(_metadata, self, &b, BINDERLITE_BC_ACQUIRE, 1);
	assert_counts(_metadata, self->dev.fd, a.handle, 3, 0, "B twice");
	peer_refcount(_metadata, self, &b, BINDERLITE_BC_RELEASE, 1);
	/* B goes weak: it counts no more. */
	peer_refcount(_metadata, self, &b, BINDERLITE_BC_RELEASE, 1);
	assert_counts(_metadata, self->dev.fd, a.handle, 2, 0, "B weak");
	peer_refcount(_metadata, self, &b, BINDERLITE_BC_DECREFS, 1);
	assert_counts(_metadata, self->dev.fd, a.handle, 2, 0, "B gone");

	/*
	 * The owner's own references: a transaction to the node, while A
	 * holds its buffer, and A's node sent back to it as a weak handle,
	 * which A receives as its weak binder.
	 */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, a.handle);
	peer_report(_metadata, self, &a, OBJ_PEER_HOLD, &m, &rep, &tr, &v);
	ASSERT_EQ(0, obj_peer_wait(&a, 10));
	assert_counts(_metadata, self->dev.fd, a.handle, 3, 1, "A holds a call with its own node");
	ipc_cmd_u64(&cmds, BINDERLITE_BC_FREE_BUFFER, tr.data.ptr.buffer);
	peer_writes(_metadata, self, &a, &cmds);
	assert_counts(_metadata, self->dev.fd, a.handle, 2, 0, "A freed it");

	/* C's process dies: its reference goes (binder: from a workqueue). */
	ASSERT_EQ(0, kill(c.pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(c.pid, 10));
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, node_info(self->dev.fd, a.handle, &info));
		if (info.strong_count == 1)
			break;
		bl_sleep_ms(10);
	}
	assert_counts(_metadata, self->dev.fd, a.handle, 1, 0, "C dead");
}

/* Payload of each oneway of the spam test: 1/26 of a 1 MiB pool's async half. */
#define SPAM_SIZE	40000
/* The first oneway that leaves less than a tenth of the pool for oneways. */
#define SPAM_NTH	11
/* How many fit in the async half of the pool. */
#define SPAM_FIT	13

/*
 * Sends @n oneways of SPAM_SIZE to the manager; asserts that the one
 * number @suspect (from 1, 0 for none) reads BR_ONEWAY_SPAM_SUSPECT and
 * every other BR_TRANSACTION_COMPLETE.
 */
static void spam(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self, int n,
		 int suspect)
{
	static uint8_t payload[SPAM_SIZE];
	struct ipc_event ev;
	int i;

	for (i = 1; i <= n; i++) {
		ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ONEWAY, BINDERLITE_TF_ONE_WAY,
					  payload, sizeof(payload)));
		ASSERT_EQ(0, ipc_next(&self->r, &ev));
		EXPECT_EQ(i == suspect ? BINDERLITE_BR_ONEWAY_SPAM_SUSPECT :
			  BINDERLITE_BR_TRANSACTION_COMPLETE, ev.cmd) TH_LOG("oneway %d", i);
	}
}

/*
 * Lets the server take and free every oneway sent so far (@total in all),
 * and waits until it reads no more.
 */
static void drain(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self, int total)
{
	ipc_store(&self->sh->serve, 1);
	ASSERT_TRUE(ipc_wait_int(&self->sh->n, total, 10000))
		TH_LOG("%d of %d", self->sh->n, total);
	/* The server frees before it logs: the space is back. */
	ipc_store(&self->sh->serve, 0);
	ASSERT_TRUE(ipc_wait_int(&self->sh->parked, 1, 10000));
}

TEST_F(misc, oneway_spam_detection)
{
	uint32_t on = 1, off = 0;
	struct ipc_event ev;

	ASSERT_LT(0, msrv_start(variant->path, self->sh));
	/* Not asked for: never a suspect. */
	spam(_metadata, self, SPAM_FIT, 0);
	/* The async space is full now. */
	{
		static uint8_t more[SPAM_SIZE];

		ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ONEWAY, BINDERLITE_TF_ONE_WAY,
					  more, sizeof(more)));
	}
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -ENOSPC);
	drain(_metadata, self, SPAM_FIT);

	/* Asked for: once, at the threshold. */
	ASSERT_EQ(0, ioctl(self->dev.fd, BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION, &on));
	spam(_metadata, self, SPAM_FIT, SPAM_NTH);
	drain(_metadata, self, 2 * SPAM_FIT);
	/* And again once the space came back. */
	spam(_metadata, self, SPAM_NTH, SPAM_NTH);
	drain(_metadata, self, 2 * SPAM_FIT + SPAM_NTH);
	/* Asked for no more. */
	ASSERT_EQ(0, ioctl(self->dev.fd, BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION, &off));
	spam(_metadata, self, SPAM_NTH, 0);
	drain(_metadata, self, 2 * SPAM_FIT + 2 * SPAM_NTH);
}

/* What the LSM gives binder for a task's security context. */
enum lsm_contexts {
	LSM_CONTEXTS,	/* a context: SELinux ("kernel" without a policy) */
	LSM_APPARMOR,	/* none: AppArmor has no secid to context (-EINVAL) */
	LSM_NONE,	/* none: no LSM that knows contexts */
};

/* Reads @path into @buf, up to a newline; returns its length, or -1. */
static int read_attr(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	buf[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	/* SELinux ends the context with a NUL, AppArmor with a newline. */
	buf[strcspn(buf, "\n")] = 0;
	return strlen(buf);
}

/*
 * Which LSM answers for contexts. /proc/self/attr/current alone does not
 * say: AppArmor, which Debian's stock kernels run, answers it
 * ("unconfined") but gives binder no context (its secid is 0); it is
 * AppArmor when its own attribute says the same.
 */
static enum lsm_contexts lsm_contexts(char *ctx, size_t size)
{
	char aa[256];

	if (read_attr("/proc/self/attr/current", ctx, size) <= 0)
		return LSM_NONE;
	if (read_attr("/proc/self/attr/apparmor/current", aa, sizeof(aa)) >= 0 &&
	    !strcmp(aa, ctx))
		return LSM_APPARMOR;
	return LSM_CONTEXTS;
}

/**
 * struct secctx_outcome - a call to a manager that asked for contexts
 * @cmd:    how the call ended: BR_REPLY or BR_FAILED_REPLY
 * @ee:     the caller's extended error afterwards
 * @served: transactions the manager received
 * @rec:    the first of them
 */
struct secctx_outcome {
	uint32_t cmd;
	struct binderlite_extended_error ee;
	int served;
	struct msrv_record rec;
};

/* A call of 13 bytes to a manager on @path with TXN_SECURITY_CTX. */
static void secctx_call(struct __test_metadata *_metadata, struct msrv_shared *sh,
			const char *path, struct secctx_outcome *out)
{
	static const char payload[13] = "security ctx";
	struct ipc_result res;
	struct ipc_reader r;
	struct ipc_dev dev;
	struct ipc_event ev;
	pid_t srv;

	memset(sh, 0, sizeof(*sh));
	memset(out, 0, sizeof(*out));
	sh->flags = BINDERLITE_FLAG_TXN_SECURITY_CTX;
	sh->serve = 1;
	srv = msrv_start(path, sh);
	ASSERT_LT(0, srv) TH_LOG("%s: the manager", path);
	ASSERT_EQ(0, ipc_open(&dev, path, IPC_POOL_SIZE));
	ipc_reader_init(&r, dev.fd);
	ASSERT_EQ(0, ipc_transact(dev.fd, 0, CODE_CALL, 0, payload, sizeof(payload)));
	do {
		ASSERT_EQ(0, ipc_next(&r, &ev));
	} while (ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE);
	out->cmd = ev.cmd;
	ASSERT_EQ(0, ipc_extended_error(dev.fd, &out->ee));
	if (ev.cmd == BINDERLITE_BR_REPLY)
		ASSERT_EQ(0, ipc_free_buffer(dev.fd, ev.txn.data.ptr.buffer));
	/* A second call ends the same way. */
	ASSERT_EQ(0, ipc_call(&r, 0, CODE_CALL, payload, sizeof(payload), &res));
	bl_sleep_ms(20);
	out->served = ipc_load(&sh->n);
	out->rec = sh->log[0];
	if (res.cmd == BINDERLITE_BR_REPLY)
		ASSERT_EQ(0, ipc_free_buffer(dev.fd, res.txn.data.ptr.buffer));
	ASSERT_EQ(out->cmd, res.cmd);
	ASSERT_EQ(0, ipc_close(&dev));
	ASSERT_EQ(0, kill(srv, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(srv, 10));
}

TEST_F(misc, security_context)
{
	struct secctx_outcome out, ref;
	enum lsm_contexts lsm;
	char ctx[256];

	secctx_call(_metadata, self->sh, variant->path, &out);
	lsm = lsm_contexts(ctx, sizeof(ctx));
	if (lsm == LSM_CONTEXTS) {
		/* BR_TRANSACTION_SEC_CTX, the context after the data. */
		ASSERT_EQ(BINDERLITE_BR_REPLY, out.cmd);
		ASSERT_EQ(2, out.served);
		EXPECT_EQ(BINDERLITE_BR_TRANSACTION_SEC_CTX, out.rec.cmd);
		EXPECT_EQ(13U, out.rec.data_size);
		EXPECT_EQ(16, out.rec.secctx_off);
		ASSERT_LE(0, out.rec.secctx_len);
		EXPECT_STREQ(ctx, out.rec.secctx);
	} else {
		/* No context to give: refused, with the LSM's error. */
		TH_LOG("the LSM gives no security contexts (\"%s\")", ctx);
		ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, out.cmd);
		EXPECT_EQ(0, out.served);
		EXPECT_NE(0U, out.ee.id);
		EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, out.ee.command);
		/* AppArmor: -EINVAL; no LSM with contexts: its errno. */
		EXPECT_TRUE(lsm == LSM_APPARMOR ? out.ee.param == -EINVAL : out.ee.param < 0)
			TH_LOG("extended error %d", out.ee.param);
	}
	/* Both devices agree. */
	if (variant->binderlite && !access("/dev/binder", F_OK)) {
		secctx_call(_metadata, self->sh, "/dev/binder", &ref);
		EXPECT_EQ(ref.cmd, out.cmd);
		EXPECT_EQ(ref.ee.command, out.ee.command);
		EXPECT_EQ(ref.ee.param, out.ee.param);
		EXPECT_EQ(ref.served, out.served);
		EXPECT_EQ(ref.rec.cmd, out.rec.cmd);
		EXPECT_EQ(ref.rec.secctx_off, out.rec.secctx_off);
		EXPECT_STREQ(ref.rec.secctx, out.rec.secctx);
	}
}

/* Calls the manager at @nice (sync or oneway); returns to nice 0. */
static void call_at(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self, int nice,
		    bool oneway, uint32_t value)
{
	struct ipc_result res;
	struct ipc_event ev;
	int n = ipc_load(&self->sh->n);

	ASSERT_EQ(0, set_my_nice(nice));
	ASSERT_EQ(nice, my_nice());
	if (oneway) {
		ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ONEWAY, BINDERLITE_TF_ONE_WAY,
					  &value, sizeof(value)));
		IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev);
	} else {
		ASSERT_EQ(0, ipc_call(&self->r, 0, CODE_CALL, &value, sizeof(value), &res));
		ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
		ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
	}
	ASSERT_EQ(0, set_my_nice(0));
	ASSERT_TRUE(ipc_wait_int(&self->sh->n, n + 1, 10000));
	ASSERT_EQ(value, self->sh->log[n].value);
}

/*
 * Starts the server: its node's minimum priority @min, opened at
 * @open_nice, then at @thread_nice until it first waits for work.
 */
static void prio_server(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self,
			const char *path, int min, int open_nice, int thread_nice)
{
	self->sh->flags = min & BINDERLITE_FLAG_PRIORITY_MASK;
	self->sh->open_nice = open_nice;
	self->sh->thread_nice = thread_nice;
	self->sh->serve = 1;
	ASSERT_LT(0, msrv_start(path, self->sh));
}

/* Asserts how the server's nice was while serving @i and after. */
static void assert_nice(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self, int i,
			int serve, int after)
{
	EXPECT_EQ(serve, self->sh->log[i].nice_serve) TH_LOG("transaction %d", i);
	EXPECT_EQ(after, self->sh->log[i].nice_after) TH_LOG("transaction %d", i);
}

/**
 * struct prio_step - a call of a priority test, and the server's nice
 * @nice:   the caller's nice
 * @oneway: a oneway rather than a sync call
 * @serve:  the server's nice while it serves it
 * @after:  its nice after its reply
 */
struct prio_step {
	int nice;
	bool oneway;
	int serve;
	int after;
};

/* Makes the calls @steps, the i-th with the value i + 1; asserts each one's nice. */
static void prio_steps(struct __test_metadata *_metadata, FIXTURE_DATA(misc) *self,
		       const struct prio_step *steps, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		call_at(_metadata, self, steps[i].nice, steps[i].oneway, i + 1);
		assert_nice(_metadata, self, i, steps[i].serve, steps[i].after);
	}
}

/* Node minimum 0 (no flags), server at nice 0. */
TEST_F(misc, priority_inheritance)
{
	static const struct prio_step steps[] = {
		{ 5, false, 0, 0 },	/* bounded by the minimum */
		{ -5, false, -5, 0 },	/* the caller's, then its own */
		{ 0, false, 0, 0 },
		{ -5, true, 0, 0 },	/* a oneway lends nothing */
		{ -3, false, -3, 0 },
	};

	prio_server(_metadata, self, variant->path, 0, 0, 0);
	prio_steps(_metadata, self, steps, ARRAY_SIZE(steps));
}

/* Node minimum 10: the serving thread goes down to it, even below its own. */
TEST_F(misc, priority_node_minimum)
{
	static const struct prio_step steps[] = {
		{ 5, false, 5, 0 }, { -5, false, -5, 0 }, { 15, false, 10, 0 }, { 15, true, 0, 0 },
	};

	prio_server(_metadata, self, variant->path, 10, 0, 0);
	prio_steps(_metadata, self, steps, ARRAY_SIZE(steps));
}

/*
 * A server that opened the device at nice 5: waiting for work, a looper
 * takes that nice again (not the 7 it set itself); a oneway brings it to
 * the node's minimum when that is below, and leaves it there until it
 * waits again; a sync call from a caller above the minimum, too.
 */
TEST_F(misc, priority_default_of_the_looper)
{
	static const struct prio_step steps[] = {
		{ -5, true, 0, 0 }, { 10, false, 0, 5 }, { 3, false, 0, 5 },
	};

	prio_server(_metadata, self, variant->path, 0, 5, 7);
	prio_steps(_metadata, self, steps, ARRAY_SIZE(steps));
}

/* Node minimum 19, server opened at 5 and then at 7: the oneway leaves it at 5. */
TEST_F(misc, priority_oneway_above_the_minimum)
{
	static const struct prio_step steps[] = { { -5, true, 5, 5 }, { -5, false, -5, 5 } };

	prio_server(_metadata, self, variant->path, 19, 5, 7);
	prio_steps(_metadata, self, steps, ARRAY_SIZE(steps));
}

/* Writes @cmd (@size bytes of argument) between two harmless commands. */
static void assert_refused_cmd(struct __test_metadata *_metadata, int fd, uint32_t cmd,
			       const void *arg, size_t size)
{
	struct binderlite_write_read bwr = { 0 };
	struct ipc_cmds c = { 0 };

	ipc_cmd(&c, BINDERLITE_BC_ENTER_LOOPER, NULL, 0);
	ipc_cmd(&c, cmd, arg, size);
	ipc_cmd(&c, BINDERLITE_BC_ENTER_LOOPER, NULL, 0);
	bwr.write_size = c.len;
	bwr.write_buffer = (uintptr_t)c.buf;
	ASSERT_EQ(-EINVAL, ipc_write_read(fd, &bwr)) TH_LOG("command %#x", cmd);
	ASSERT_EQ(sizeof(uint32_t), bwr.write_consumed) TH_LOG("command %#x", cmd);
	ASSERT_EQ(0U, bwr.read_consumed);
}

TEST_F(misc, refused_codes)
{
	struct binderlite_pri_desc pd = { .priority = 0, .desc = 0 };
	int32_t result = 0, prio = 0;
	int64_t timeout = 1000;

	assert_refused_cmd(_metadata, self->dev.fd, BINDERLITE_BC_ATTEMPT_ACQUIRE, &pd,
			   sizeof(pd));
	assert_refused_cmd(_metadata, self->dev.fd, BINDERLITE_BC_ACQUIRE_RESULT, &result,
			   sizeof(result));
	ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_SET_IDLE_TIMEOUT, &timeout));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_SET_IDLE_PRIORITY, &prio));
	ASSERT_EQ(EINVAL, errno);
	/* Nothing to read, and the file works on. */
	IPC_ASSERT_IDLE(&self->r, 20);
	ASSERT_EQ(0, ipc_looper(self->dev.fd, BINDERLITE_BC_ENTER_LOOPER));
	ASSERT_EQ(-1, ioctl(self->dev.fd, BINDERLITE_SET_IDLE_TIMEOUT, NULL));
	ASSERT_EQ(EINVAL, errno);
}

/*
 * A weak binder sent arrives as a weak handle; the receiver counts it up
 * and down with BC_INCREFS and BC_DECREFS; sent back to its owner it is
 * the owner's weak binder again; it is no target; its owner hears
 * BR_DECREFS when the last weak reference goes.
 */
TEST_F(misc, weak_objects_end_to_end)
{
	const struct obj_peer_outcome *out;
	struct binderlite_transaction_data tr;
	struct flat_binderlite_object obj;
	struct obj_reply rep;
	struct obj_peer a;
	struct obj_view v;
	struct obj_msg m, call;
	uint32_t h;

	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A), &a));

	/* Sent weak: the owner is told BR_INCREFS only. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, OBJ_NODE(7), OBJ_COOKIE(7));
	obj_assert_call_new_binders(_metadata, &self->r, a.handle, OBJ_PEER_KEEP, &m, &rep);
	ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_WEAK_HANDLE, obj.hdr.type);
	ASSERT_EQ(0ULL, obj.cookie);
	h = obj.handle;
	ASSERT_NE(0U, h);
	assert_next_node(_metadata, self->dev.fd, 0, OBJ_NODE(7), OBJ_COOKIE(7), 0, 1);

	/* Counted up and down: the owner hears nothing. */
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_INCREFS, h);
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_INCREFS, h);
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_DECREFS, h);
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_DECREFS, h);
	IPC_ASSERT_IDLE(&self->r, 0);

	/* Back to its owner: the owner's weak binder, its cookie with it. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, h);
	ASSERT_EQ(0, obj_peer_send(&self->r, &a, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	EXPECT_EQ((uint32_t)BINDERLITE_TYPE_WEAK_BINDER, obj.hdr.type);
	EXPECT_EQ(OBJ_NODE(7), obj.binder);
	EXPECT_EQ(OBJ_COOKIE(7), obj.cookie);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));

	/* No target: the peer's call through it fails, EINVAL. */
	obj_msg_init(&m);
	obj_msg_wrap(&call, h, OBJ_PEER_ECHO, &m);
	ASSERT_EQ(0, obj_call(&self->r, a.handle, OBJ_PEER_CALL, &call, &rep));
	ASSERT_EQ(sizeof(*out), rep.size);
	out = (const struct obj_peer_outcome *)rep.data;
	EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, out->cmd);
	EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, out->ee.command);
	EXPECT_EQ(-EINVAL, out->ee.param);
	/* Nor a strong object: the peer's reply with it fails. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, h);
	ASSERT_EQ(0, obj_peer_send(&self->r, &a, &m, &rep));
	EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, rep.cmd);
	IPC_ASSERT_IDLE(&self->r, 0);

	/* The last weak reference goes: BR_DECREFS, and the node is gone. */
	peer_refcount(_metadata, self, &a, BINDERLITE_BC_DECREFS, h);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(7), OBJ_COOKIE(7));
	assert_next_node(_metadata, self->dev.fd, 0, OBJ_MGR_PTR, OBJ_MGR_COOKIE, 1, 1);
	/* The handle is gone with it. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, h);
	ASSERT_EQ(0, obj_peer_send(&self->r, &a, &m, &rep));
	EXPECT_EQ(BINDERLITE_BR_FAILED_REPLY, rep.cmd);
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_HARNESS_MAIN
