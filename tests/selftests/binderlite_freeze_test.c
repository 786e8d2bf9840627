// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing a process (BINDERLITE_FREEZE) as binder 6.12 does it:
 *
 * - a sync call to a frozen process fails with BR_FROZEN_REPLY (extended
 *   error: that command, errno 0) and is never delivered;
 * - a oneway to it is queued: its sender reads
 *   BR_TRANSACTION_PENDING_FROZEN (binder >= 6.7; 6.1's binder says
 *   BR_TRANSACTION_COMPLETE), and it is delivered, in order, once the
 *   process reads; binder holds nothing back from a frozen process's
 *   thread that reads (Android's freezer stops the threads themselves);
 * - TF_UPDATE_TXN: a queued oneway of the same sender, node, code and
 *   flags is replaced, only while frozen;
 * - a freeze with a timeout waits for the process's transactions to drain,
 *   and fails with EAGAIN (the process thawed again) if a call is still
 *   being served or made;
 * - BINDERLITE_GET_FROZEN_INFO: sync_recv bit 0 (a sync call came while
 *   frozen), bit 1 (transactions in flight), async_recv (a oneway came
 *   while frozen); an unknown pid is EINVAL, for both ioctls;
 * - freeze notifications (binder 6.12: SKIP on older binders):
 *   BC_REQUEST_FREEZE_NOTIFICATION answered at once by BR_FROZEN_BINDER
 *   with the current state, then one per freeze or thaw, one at a time
 *   until BC_FREEZE_NOTIFICATION_DONE, BC_CLEAR_FREEZE_NOTIFICATION
 *   answered by BR_CLEAR_FREEZE_NOTIFICATION_DONE, and each bad command
 *   stopping the write with EINVAL.
 *
 * The server is a child, the context manager, that reads only while the
 * test lets it (struct srv_shared). Every test runs against /dev/binderlite
 * and the reference /dev/binder; binderlite must end clean.
 */
#include <pthread.h>

#include "binderlite_ipc_freeze.h"

/* The server's methods. */
#define CODE_ECHO	0x100U	/* answer with the payload */
#define CODE_HOLD	0x101U	/* answer once the test sets unhold */
#define CODE_X		0x200U	/* oneway methods */
#define CODE_Y		0x201U

/* Cookies of freeze notifications. */
#define FREEZE_COOKIE(i)	(0xf7ee0000ULL + (i))
#define DEATH_COOKIE		0xdead0001ULL

#define SRV_LOG		64

/**
 * struct srv_record - a transaction the server received
 * @code:  its code
 * @flags: its flags
 * @value: its payload, a u32
 * @pid:   its sender_pid
 */
struct srv_record {
	uint32_t code;
	uint32_t flags;
	uint32_t value;
	int32_t pid;
};

/**
 * struct srv_shared - the server and the test
 * @serve:   the server reads only while this is set
 * @holding: the server holds a CODE_HOLD call
 * @unhold:  the server may answer it
 * @n:       transactions the server received
 * @log:     the first SRV_LOG of them
 */
struct srv_shared {
	int serve;
	int holding;
	int unhold;
	int n;
	struct srv_record log[SRV_LOG];
};

static int srv_serve(int fd, struct srv_shared *sh, const struct binderlite_transaction_data *tr)
{
	struct srv_record rec = {
		.code = tr->code, .flags = tr->flags, .pid = tr->sender_pid,
	};
	int i;

	if (tr->data_size == sizeof(rec.value))
		memcpy(&rec.value, ipc_payload(tr), sizeof(rec.value));
	i = __atomic_load_n(&sh->n, __ATOMIC_SEQ_CST);
	if (i < SRV_LOG)
		sh->log[i] = rec;
	__atomic_store_n(&sh->n, i + 1, __ATOMIC_SEQ_CST);
	if (tr->flags & BINDERLITE_TF_ONE_WAY)
		return ipc_free_buffer(fd, tr->data.ptr.buffer);
	if (tr->code == CODE_HOLD) {
		ipc_store(&sh->holding, 1);
		if (!ipc_wait_int(&sh->unhold, 1, 30000))
			return -ETIMEDOUT;
		ipc_store(&sh->holding, 0);
	}
	return ipc_reply_free(fd, tr->data.ptr.buffer, &rec.value, sizeof(rec.value));
}

/* The server: the context manager, reading only while sh->serve is set. */
static int srv_main(struct ipc_dev *dev, void *arg)
{
	struct srv_shared *sh = arg;
	struct ipc_reader r;
	struct ipc_event ev;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	for (;;) {
		IPC_CHECK(fz_serve_next(&r, &sh->serve, NULL, &ev) == 0);
		IPC_CHECK(ev.cmd == BINDERLITE_BR_TRANSACTION);
		IPC_CHECK(srv_serve(dev->fd, sh, &ev.txn) == 0);
	}
}

/* A client in a child: one call to the manager, its outcome as exit status. */
static int client_hold(struct ipc_dev *dev, void *arg)
{
	struct ipc_reader r;
	struct ipc_result res;
	uint32_t v = 7;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_call(&r, 0, CODE_HOLD, &v, sizeof(v), &res) == 0);
	IPC_CHECK(res.cmd == BINDERLITE_BR_REPLY);
	IPC_CHECK(ipc_free_buffer(dev->fd, res.txn.data.ptr.buffer) == 0);
	return 0;
}

/* A child that never opens the device. */
static void sleeper(void)
{
	for (;;)
		pause();
}

FIXTURE(freeze) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct srv_shared *sh;
	pid_t srv;
};

FIXTURE_VARIANT(freeze) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(freeze, (), ());

FIXTURE_SETUP(freeze)
{
	self->sh = MAP_FAILED;
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	self->sh = ipc_shared(sizeof(*self->sh));
	ASSERT_NE(MAP_FAILED, self->sh);
	self->srv = ipc_start(variant->path, true, srv_main, self->sh);
	ASSERT_LT(0, self->srv) TH_LOG("server: %s", strerror(-self->srv));
}

FIXTURE_TEARDOWN(freeze)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
	if (self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
}

/* What the sender of a oneway to a frozen process reads. */
static uint32_t pending_frozen(const FIXTURE_VARIANT(freeze) *variant)
{
	if (variant->binderlite || fz_kernel_at_least(6, 7))
		return BINDERLITE_BR_TRANSACTION_PENDING_FROZEN;
	return BINDERLITE_BR_TRANSACTION_COMPLETE;
}

/* Sends a oneway with @value as its payload; asserts what its sender reads. */
static void send_oneway(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
			uint32_t code, uint32_t flags, uint32_t value, uint32_t expect)
{
	struct ipc_event ev;

	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, code, BINDERLITE_TF_ONE_WAY | flags, &value,
				  sizeof(value)));
	IPC_ASSERT_NEXT(&self->r, expect, &ev);
}

/* A call to the server, which must be answered with @value. */
static void call_echo(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
		      uint32_t value)
{
	struct ipc_event ev;

	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ECHO, 0, &value, sizeof(value)));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev);
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_REPLY, &ev);
	ASSERT_EQ(sizeof(value), ev.txn.data_size);
	ASSERT_EQ(0, memcmp(&value, ipc_payload(&ev.txn), sizeof(value)));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, ev.txn.data.ptr.buffer));
}

/* Asserts the server's frozen info. */
static void assert_info(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
			uint32_t sync_recv, uint32_t async_recv)
{
	struct binderlite_frozen_status_info info;

	ASSERT_EQ(0, fz_frozen_info(self->dev.fd, self->srv, &info));
	ASSERT_EQ((uint32_t)self->srv, info.pid);
	EXPECT_EQ(sync_recv, info.sync_recv);
	EXPECT_EQ(async_recv, info.async_recv);
}

/* Who sent a transaction the server received, as it sees it. */
#define BY_ONEWAY	0	/* a oneway: sender_pid 0, as binder gives it */
#define BY_TEST		1	/* a call of the test's */
#define BY_CLIENT	2	/* a call of client_hold() */

/*
 * Asserts that the server received exactly @n transactions, each (code,
 * value, BY_*); @client is the pid of client_hold(), if any.
 */
static void assert_served(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
			  const uint32_t (*want)[3], int n, pid_t client)
{
	const struct srv_record *rec;
	pid_t pid;
	int i;

	ASSERT_TRUE(ipc_wait_int(&self->sh->n, n, 10000)) TH_LOG("served %d of %d", self->sh->n, n);
	/* Nothing more comes. */
	bl_sleep_ms(30);
	ASSERT_EQ(n, ipc_load(&self->sh->n));
	for (i = 0; i < n; i++) {
		rec = &self->sh->log[i];
		pid = want[i][2] == BY_TEST ? getpid() : want[i][2] == BY_CLIENT ? client : 0;
		EXPECT_EQ(want[i][0], rec->code) TH_LOG("transaction %d", i);
		EXPECT_EQ(want[i][1], rec->value) TH_LOG("transaction %d", i);
		EXPECT_EQ(pid, rec->pid) TH_LOG("transaction %d", i);
		EXPECT_EQ(!pid, !!(rec->flags & BINDERLITE_TF_ONE_WAY)) TH_LOG("transaction %d", i);
	}
}

TEST_F(freeze, sync_call_to_frozen_process)
{
	struct binderlite_extended_error ee;
	static const uint32_t want[][3] = { { CODE_ECHO, 2, BY_TEST } };
	struct ipc_event ev;
	uint32_t v = 1;

	ipc_store(&self->sh->serve, 1);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	/* Freezing twice is no error. */
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	assert_info(_metadata, self, 0, 0);
	if (variant->binderlite) {
		long long frozen = -1;

		ASSERT_EQ(0, ipc_table_value("procs", self->srv, "frozen", &frozen));
		EXPECT_EQ(1, frozen);
	}

	/* Refused at once, without BR_TRANSACTION_COMPLETE, and never delivered. */
	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ECHO, 0, &v, sizeof(v)));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FROZEN_REPLY, &ev);
	ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
	EXPECT_NE(0U, ee.id);
	EXPECT_EQ(BINDERLITE_BR_FROZEN_REPLY, ee.command);
	EXPECT_EQ(0, ee.param);
	IPC_ASSERT_IDLE(&self->r, 20);
	assert_info(_metadata, self, 1, 0);

	/* Thawed: the bits are cleared, and calls go through. */
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	assert_info(_metadata, self, 0, 0);
	if (variant->binderlite) {
		long long frozen = -1;

		ASSERT_EQ(0, ipc_table_value("procs", self->srv, "frozen", &frozen));
		EXPECT_EQ(0, frozen);
	}
	call_echo(_metadata, self, 2);
	assert_served(_metadata, self, want, 1, 0);
}

/*
 * Oneways to a frozen process that does not read: queued, reported as
 * pending, and delivered in order once it reads after the thaw.
 */
TEST_F(freeze, oneways_wait_for_the_thaw)
{
	static const uint32_t want[][3] = {
		{ CODE_X, 1, BY_ONEWAY }, { CODE_X, 2, BY_ONEWAY }, { CODE_Y, 3, BY_ONEWAY },
	};
	uint32_t pending = pending_frozen(variant);

	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 100));
	send_oneway(_metadata, self, CODE_X, 0, 1, pending);
	send_oneway(_metadata, self, CODE_X, 0, 2, pending);
	send_oneway(_metadata, self, CODE_Y, 0, 3, pending);
	/* A oneway came (async_recv); they are in flight (bit 1). */
	assert_info(_metadata, self, 2, 1);

	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	/* The thaw clears what came while frozen; still in flight. */
	assert_info(_metadata, self, 2, 0);
	ipc_store(&self->sh->serve, 1);
	assert_served(_metadata, self, want, 3, 0);
	assert_info(_metadata, self, 0, 0);
	/* Thawed: a oneway is completed again. */
	send_oneway(_metadata, self, CODE_X, 0, 4, BINDERLITE_BR_TRANSACTION_COMPLETE);
}

/*
 * Binder holds nothing back from a frozen process: a thread of it that
 * reads gets the oneway at once (what stops an Android app is the cgroup
 * freezer, not binder). Its sender still reads it as pending.
 */
TEST_F(freeze, frozen_reader_gets_oneways)
{
	static const uint32_t want[][3] = { { CODE_X, 1, BY_ONEWAY }, { CODE_X, 2, BY_ONEWAY } };

	ipc_store(&self->sh->serve, 1);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	send_oneway(_metadata, self, CODE_X, 0, 1, pending_frozen(variant));
	send_oneway(_metadata, self, CODE_X, 0, 2, pending_frozen(variant));
	assert_served(_metadata, self, want, 2, 0);
	/* Delivered, and so no longer in flight: only async_recv is left. */
	assert_info(_metadata, self, 0, 1);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	assert_info(_metadata, self, 0, 0);
}

/*
 * TF_UPDATE_TXN while frozen: a oneway replaces the last queued oneway of
 * the same node, code, flags and sender; the first of a node, which is not
 * queued behind another, is never replaced; another code is kept.
 */
TEST_F(freeze, update_txn_replaces_a_queued_oneway)
{
	static const uint32_t want[][3] = {
		{ CODE_X, 1, BY_ONEWAY }, { CODE_Y, 10, BY_ONEWAY }, { CODE_X, 4, BY_ONEWAY },
	};
	const uint32_t upd = BINDERLITE_TF_UPDATE_TXN;
	uint32_t pending = pending_frozen(variant);

	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	send_oneway(_metadata, self, CODE_X, upd, 1, pending);
	send_oneway(_metadata, self, CODE_X, upd, 2, pending);
	send_oneway(_metadata, self, CODE_X, upd, 3, pending);	/* replaces 2 */
	send_oneway(_metadata, self, CODE_Y, upd, 10, pending);
	send_oneway(_metadata, self, CODE_X, upd, 4, pending);	/* replaces 3 */
	if (variant->binderlite) {
		long long buffers = -1;

		/* The replaced ones gave their buffers back. */
		ASSERT_EQ(0, ipc_table_value("procs", self->srv, "buffers", &buffers));
		EXPECT_EQ(3, buffers);
	}
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	ipc_store(&self->sh->serve, 1);
	assert_served(_metadata, self, want, 3, 0);
}

/* Without a freeze, TF_UPDATE_TXN replaces nothing. */
TEST_F(freeze, update_txn_needs_a_freeze)
{
	static const uint32_t want[][3] = {
		{ CODE_X, 1, BY_ONEWAY }, { CODE_X, 2, BY_ONEWAY }, { CODE_X, 3, BY_ONEWAY },
	};
	const uint32_t upd = BINDERLITE_TF_UPDATE_TXN;
	int i;

	for (i = 1; i <= 3; i++)
		send_oneway(_metadata, self, CODE_X, upd, i, BINDERLITE_BR_TRANSACTION_COMPLETE);
	ipc_store(&self->sh->serve, 1);
	assert_served(_metadata, self, want, 3, 0);
}

struct freezer {
	int fd;
	pid_t pid;
	uint32_t timeout_ms;
	int ret;
};

static void *freeze_thread(void *arg)
{
	struct freezer *f = arg;

	f->ret = fz_freeze(f->fd, f->pid, true, f->timeout_ms);
	return NULL;
}

/*
 * A freeze while the process serves a call: EAGAIN after the timeout (or
 * at once with none), and the process is thawed again; a freeze whose
 * timeout outlasts the call succeeds once it is answered.
 */
TEST_F(freeze, timeout_while_serving)
{
	struct freezer f = { .fd = self->dev.fd, .pid = self->srv, .timeout_ms = 10000 };
	static const uint32_t want[][3] = { { CODE_HOLD, 7, BY_CLIENT }, { CODE_X, 1, BY_ONEWAY } };
	struct ipc_event ev;
	pthread_t thread;
	pid_t client;
	uint32_t v = 5;

	ipc_store(&self->sh->serve, 1);
	client = ipc_start(variant->path, false, client_hold, NULL);
	ASSERT_LT(0, client);
	ASSERT_TRUE(ipc_wait_int(&self->sh->holding, 1, 10000));
	/* In flight to it: bit 1. */
	assert_info(_metadata, self, 2, 0);

	ASSERT_EQ(-EAGAIN, fz_freeze(self->dev.fd, self->srv, true, 100));
	ASSERT_EQ(-EAGAIN, fz_freeze(self->dev.fd, self->srv, true, 0));
	/* Thawed again: a oneway is completed, not pending. */
	send_oneway(_metadata, self, CODE_X, 0, 1, BINDERLITE_BR_TRANSACTION_COMPLETE);
	/* A process whose own call is in flight cannot be frozen either. */
	ASSERT_EQ(-EAGAIN, fz_freeze(self->dev.fd, client, true, 0));

	/* A freeze that waits long enough: the call is answered meanwhile. */
	ASSERT_EQ(0, pthread_create(&thread, NULL, freeze_thread, &f));
	bl_sleep_ms(100);
	ipc_store(&self->sh->unhold, 1);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(0, f.ret);
	EXPECT_EQ(0, ipc_wait(client, 30));
	assert_served(_metadata, self, want, 2, client);
	/* It is frozen now. */
	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ECHO, 0, &v, sizeof(v)));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FROZEN_REPLY, &ev);
	assert_info(_metadata, self, 1, 0);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
}

/* Both bits of sync_recv and async_recv at once. */
TEST_F(freeze, frozen_info_bits)
{
	static const uint32_t want[][3] = { { CODE_X, 2, BY_ONEWAY } };
	struct ipc_event ev;
	uint32_t v = 1;

	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ECHO, 0, &v, sizeof(v)));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FROZEN_REPLY, &ev);
	assert_info(_metadata, self, 1, 0);
	send_oneway(_metadata, self, CODE_X, 0, 2, pending_frozen(variant));
	assert_info(_metadata, self, 3, 1);
	/* Another process's info is its own: the test's is clear. */
	{
		struct binderlite_frozen_status_info info;

		ASSERT_EQ(0, fz_frozen_info(self->dev.fd, getpid(), &info));
		EXPECT_EQ(0U, info.sync_recv);
		EXPECT_EQ(0U, info.async_recv);
	}
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	ipc_store(&self->sh->serve, 1);
	assert_served(_metadata, self, want, 1, 0);
}

/* No such process, or one that never opened the device: EINVAL. */
TEST_F(freeze, unknown_pid)
{
	struct binderlite_frozen_status_info info;
	pid_t other;

	other = ipc_fork();
	ASSERT_LE(0, other);
	if (!other)
		sleeper();
	ASSERT_EQ(-EINVAL, fz_freeze(self->dev.fd, other, true, 0));
	ASSERT_EQ(-EINVAL, fz_freeze(self->dev.fd, other, false, 0));
	ASSERT_EQ(-EINVAL, fz_frozen_info(self->dev.fd, other, &info));
	ASSERT_EQ(-EINVAL, fz_freeze(self->dev.fd, 0, true, 0));
	ASSERT_EQ(-EINVAL, fz_frozen_info(self->dev.fd, 0, &info));
	/* A dead process is unknown too. */
	ASSERT_EQ(0, kill(other, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(other, 10));
	ASSERT_EQ(-EINVAL, fz_freeze(self->dev.fd, other, true, 0));
	/* The server is known. */
	ASSERT_EQ(0, fz_frozen_info(self->dev.fd, self->srv, &info));
}

/* Freeze notifications are binder 6.12's. */
static bool has_freeze_notifications(const FIXTURE_VARIANT(freeze) *variant)
{
	return variant->binderlite || fz_kernel_at_least(6, 12);
}

/* One command with a handle and a cookie. */
static int hc_cmd(int fd, uint32_t cmd, uint32_t handle, binderlite_uintptr_t cookie)
{
	return obj_death(fd, cmd, handle, cookie);
}

static int freeze_done(int fd, binderlite_uintptr_t cookie)
{
	return obj_write(fd, BINDERLITE_BC_FREEZE_NOTIFICATION_DONE, &cookie, sizeof(cookie));
}

/* Asserts the next event: BR_FROZEN_BINDER for @cookie in state @frozen. */
static void assert_frozen_binder(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
				 binderlite_uintptr_t cookie, uint32_t frozen)
{
	struct ipc_event ev;

	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FROZEN_BINDER, &ev);
	EXPECT_EQ(cookie, ev.frozen.cookie);
	EXPECT_EQ(frozen, ev.frozen.is_frozen);
	EXPECT_EQ(0U, ev.frozen.reserved);
}

/* The same, acknowledged with BC_FREEZE_NOTIFICATION_DONE. */
static void assert_frozen_binder_done(struct __test_metadata *_metadata,
				      FIXTURE_DATA(freeze) *self, binderlite_uintptr_t cookie,
				      uint32_t frozen)
{
	assert_frozen_binder(_metadata, self, cookie, frozen);
	ASSERT_EQ(0, freeze_done(self->dev.fd, cookie));
}

/* Clears the freeze notification @cookie of handle 0: answered at once. */
static void clear_notification(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
			       binderlite_uintptr_t cookie)
{
	ASSERT_EQ(0, hc_cmd(self->dev.fd, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, 0, cookie));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, cookie);
}

/*
 * The test as a looper with a strong reference to handle 0; false if the
 * test is skipped (it must return).
 */
static bool notification_setup(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
			       const FIXTURE_VARIANT(freeze) *variant)
{
	if (!has_freeze_notifications(variant))
		SKIP(return false, "binder before 6.12 has no freeze notifications");
	ASSERT_EQ(0, ipc_looper(self->dev.fd, BINDERLITE_BC_ENTER_LOOPER));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_INCREFS, 0));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, 0));
	return true;
}

static void notification_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self)
{
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, 0));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, 0));
}

TEST_F(freeze, notification_on_each_freeze_and_thaw)
{
	if (!notification_setup(_metadata, self, variant))
		return;
	ASSERT_EQ(0, hc_cmd(self->dev.fd, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, 0,
			    FREEZE_COOKIE(1)));
	/* At once, with the current state. */
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 0);
	IPC_ASSERT_IDLE(&self->r, 20);
	if (variant->binderlite) {
		struct ipc_stats s;
		long long live = -1;

		ASSERT_EQ(0, ipc_stats_read(&s));
		ASSERT_EQ(0, ipc_stats_get(&s, "freezes", &live));
		EXPECT_EQ(1, live);
	}

	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 1);
	IPC_ASSERT_IDLE(&self->r, 20);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 0);
	IPC_ASSERT_IDLE(&self->r, 20);

	/* A failed freeze (EAGAIN) sends nothing. */
	ipc_store(&self->sh->serve, 1);
	ASSERT_LT(0, ipc_start(variant->path, false, client_hold, NULL));
	ASSERT_TRUE(ipc_wait_int(&self->sh->holding, 1, 10000));
	ASSERT_EQ(-EAGAIN, fz_freeze(self->dev.fd, self->srv, true, 0));
	IPC_ASSERT_IDLE(&self->r, 20);
	ipc_store(&self->sh->unhold, 1);

	/* A thaw of a thawed process, and a freeze of a frozen one, notify too. */
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 0);
	/* Waits for the held call to be answered. */
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 10000));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 1);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 1);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(1), 0);

	clear_notification(_metadata, self, FREEZE_COOKIE(1));
	IPC_ASSERT_IDLE(&self->r, 20);
	notification_teardown(_metadata, self);
}

/*
 * One at a time: until BC_FREEZE_NOTIFICATION_DONE, changes are folded
 * into one more notification of the latest state, sent after the DONE
 * (even when the state came back to what was sent).
 */
TEST_F(freeze, notifications_one_at_a_time)
{
	if (!notification_setup(_metadata, self, variant))
		return;
	ASSERT_EQ(0, hc_cmd(self->dev.fd, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, 0,
			    FREEZE_COOKIE(2)));
	assert_frozen_binder(_metadata, self, FREEZE_COOKIE(2), 0);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	IPC_ASSERT_IDLE(&self->r, 20);
	ASSERT_EQ(0, freeze_done(self->dev.fd, FREEZE_COOKIE(2)));
	assert_frozen_binder(_metadata, self, FREEZE_COOKIE(2), 1);
	IPC_ASSERT_IDLE(&self->r, 20);

	/* Frozen, then thawed back to what was sent: sent again anyway. */
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, true, 0));
	IPC_ASSERT_IDLE(&self->r, 20);
	ASSERT_EQ(0, freeze_done(self->dev.fd, FREEZE_COOKIE(2)));
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(2), 1);
	IPC_ASSERT_IDLE(&self->r, 20);
	ASSERT_EQ(0, fz_freeze(self->dev.fd, self->srv, false, 0));
	assert_frozen_binder(_metadata, self, FREEZE_COOKIE(2), 0);

	/* Cleared before the DONE: BR_CLEAR_FREEZE_NOTIFICATION_DONE follows it. */
	ASSERT_EQ(0, hc_cmd(self->dev.fd, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, 0,
			    FREEZE_COOKIE(2)));
	IPC_ASSERT_IDLE(&self->r, 20);
	ASSERT_EQ(0, freeze_done(self->dev.fd, FREEZE_COOKIE(2)));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, FREEZE_COOKIE(2));
	IPC_ASSERT_IDLE(&self->r, 20);

	/* Requested and cleared in one write: only the clear is answered. */
	{
		struct binderlite_handle_cookie hc = { .handle = 0, .cookie = FREEZE_COOKIE(3) };
		struct ipc_cmds c = { 0 };

		ipc_cmd(&c, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, &hc, sizeof(hc));
		ipc_cmd(&c, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, &hc, sizeof(hc));
		ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
	}
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, FREEZE_COOKIE(3));
	IPC_ASSERT_IDLE(&self->r, 20);
	notification_teardown(_metadata, self);
}

/*
 * Writes @bad after a good request (cookie FREEZE_COOKIE(9)): the write
 * stops at @bad with EINVAL, the request before it took effect.
 */
static void assert_write_stops(struct __test_metadata *_metadata, FIXTURE_DATA(freeze) *self,
			       uint32_t bad, const void *arg, size_t size, const char *what)
{
	struct binderlite_handle_cookie hc = { .handle = 0, .cookie = FREEZE_COOKIE(9) };
	struct binderlite_write_read bwr = { 0 };
	struct ipc_cmds c = { 0 };
	size_t good;

	ipc_cmd(&c, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, &hc, sizeof(hc));
	good = c.len;
	ipc_cmd(&c, bad, arg, size);
	bwr.write_size = c.len;
	bwr.write_buffer = (uintptr_t)c.buf;
	ASSERT_EQ(-EINVAL, ipc_write_read(self->dev.fd, &bwr)) TH_LOG("%s", what);
	ASSERT_EQ(good, bwr.write_consumed) TH_LOG("%s", what);
	assert_frozen_binder_done(_metadata, self, FREEZE_COOKIE(9), 0);
	clear_notification(_metadata, self, FREEZE_COOKIE(9));
}

TEST_F(freeze, notification_errors)
{
	struct binderlite_handle_cookie hc;
	binderlite_uintptr_t cookie;

	if (!has_freeze_notifications(variant))
		SKIP(return, "binder before 6.12 has no freeze notifications");
	ASSERT_EQ(0, ipc_looper(self->dev.fd, BINDERLITE_BC_ENTER_LOOPER));
	/* Handle 0 is no reference until one is taken. */
	hc = (struct binderlite_handle_cookie){ .handle = 0, .cookie = FREEZE_COOKIE(1) };
	ASSERT_EQ(-EINVAL, hc_cmd(self->dev.fd, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, 0,
				  FREEZE_COOKIE(1)));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_INCREFS, 0));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, 0));

	hc = (struct binderlite_handle_cookie){ .handle = 99, .cookie = FREEZE_COOKIE(1) };
	assert_write_stops(_metadata, self, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, &hc,
			   sizeof(hc), "request on a bogus handle");
	hc = (struct binderlite_handle_cookie){ .handle = 0, .cookie = FREEZE_COOKIE(1) };
	assert_write_stops(_metadata, self, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, &hc,
			   sizeof(hc), "second request on the same handle");
	hc = (struct binderlite_handle_cookie){ .handle = 99, .cookie = FREEZE_COOKIE(9) };
	assert_write_stops(_metadata, self, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, &hc,
			   sizeof(hc), "clear on a bogus handle");
	hc = (struct binderlite_handle_cookie){ .handle = 0, .cookie = FREEZE_COOKIE(8) };
	assert_write_stops(_metadata, self, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, &hc,
			   sizeof(hc), "clear with another cookie");
	cookie = FREEZE_COOKIE(7);
	assert_write_stops(_metadata, self, BINDERLITE_BC_FREEZE_NOTIFICATION_DONE, &cookie,
			   sizeof(cookie), "done for an unknown cookie");
	/* Clear with none requested, and done for one already done. */
	ASSERT_EQ(-EINVAL, hc_cmd(self->dev.fd, BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, 0,
				  FREEZE_COOKIE(9)));
	ASSERT_EQ(-EINVAL, freeze_done(self->dev.fd, FREEZE_COOKIE(9)));
	IPC_ASSERT_IDLE(&self->r, 20);
	notification_teardown(_metadata, self);
}

/* A dead node sends no BR_FROZEN_BINDER; the request can still be cleared. */
TEST_F(freeze, notification_on_a_dead_node)
{
	if (!notification_setup(_metadata, self, variant))
		return;
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, 0,
			       DEATH_COOKIE));
	ASSERT_EQ(0, kill(self->srv, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(self->srv, 10));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_DEAD_BINDER, DEATH_COOKIE);
	ASSERT_EQ(0, obj_dead_done(self->dev.fd, DEATH_COOKIE));
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, 0,
			       DEATH_COOKIE));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, DEATH_COOKIE);

	ASSERT_EQ(0, hc_cmd(self->dev.fd, BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, 0,
			    FREEZE_COOKIE(4)));
	IPC_ASSERT_IDLE(&self->r, 50);
	clear_notification(_metadata, self, FREEZE_COOKIE(4));
	notification_teardown(_metadata, self);
}

TEST_HARNESS_MAIN
