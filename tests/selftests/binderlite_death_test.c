// SPDX-License-Identifier: GPL-2.0
/*
 * Death and dying: death notifications (BR_DEAD_BINDER to a looper,
 * BC_DEAD_BINDER_DONE, clearing before and after), calls to a dead node, a
 * server killed while it holds a call, a client killed while its reply is
 * on the way, the context manager dying and being replaced, and a process
 * killed with nodes, references, buffers and oneways in flight.
 *
 * Peers (binderlite_ipc_obj.h) are real processes, killed with SIGKILL.
 * Binder releases a dead process from a workqueue, binderlite when its file
 * is released: the tests wait for what the driver says, never for time.
 * Every test runs against /dev/binderlite and the reference /dev/binder.
 */
#include "binderlite_ipc_obj.h"

/* Peers' nodes; PEER_A2 is a second node of PEER_A, at a larger address. */
#define PEER_A		0x1000ULL
#define PEER_A2		0x2000ULL
#define PEER_B		0x3000ULL
/* The cookie of death notification @i. */
#define DEATH(i)	(0xdead0000ULL + (i))

FIXTURE(death) {
	struct ipc_dev dev;
	struct ipc_reader r;
};

FIXTURE_VARIANT(death) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(death, (), ());

FIXTURE_SETUP(death)
{
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
}

FIXTURE_TEARDOWN(death)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
}

/* SIGKILLs a child and reaps it. */
static void kill_child(struct __test_metadata *_metadata, pid_t pid)
{
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(pid, 30));
}

/* The test is the manager and a looper, with the peer PEER_A registered. */
static void hub_and_peer(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			 const char *path, struct obj_peer *a)
{
	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, path, PEER_A, OBJ_PEER_COOKIE(PEER_A), a));
}

/*
 * Watches @handle with the cookie DEATH(@i), kills @pid, which owns its
 * node, and hears of the death: BR_DEAD_BINDER, to the test's looper.
 */
static void watch_and_kill(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			   uint32_t handle, int i, pid_t pid)
{
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, handle,
			       DEATH(i)));
	IPC_ASSERT_IDLE(&self->r, 0);
	kill_child(_metadata, pid);
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_DEAD_BINDER, DEATH(i));
	ASSERT_EQ(0, obj_dead_done(self->dev.fd, DEATH(i)));
	IPC_ASSERT_IDLE(&self->r, 0);
}

/* Clears the notification (@handle, DEATH(@i)): done at once. */
static void clear_death(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			uint32_t handle, int i)
{
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, handle,
			       DEATH(i)));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, DEATH(i));
}

/* Drops the test's references to @handle, as obj_peer_accept() took them. */
static void release_handle(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			   uint32_t handle)
{
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, handle));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, handle));
}

TEST_F(death, owner_dies)
{
	struct obj_counts c;
	struct obj_peer a;

	hub_and_peer(_metadata, self, variant->path, &a);
	watch_and_kill(_metadata, self, a.handle, 1, a.pid);
	clear_death(_metadata, self, a.handle, 1);
	IPC_ASSERT_IDLE(&self->r, 0);

	/* The reference to the dead node lasts until the test drops it. */
	if (variant->binderlite) {
		ASSERT_EQ(-ENOENT, obj_proc_counts(a.pid, &c));
		ASSERT_EQ(0, obj_proc_counts(getpid(), &c));
		ASSERT_EQ(1, c.refs);
		ASSERT_EQ(0, c.deaths);
	}
	release_handle(_metadata, self, a.handle);
	if (variant->binderlite) {
		ASSERT_EQ(0, obj_proc_counts(getpid(), &c));
		ASSERT_EQ(0, c.refs);
	}
}

TEST_F(death, request_on_a_dead_node)
{
	struct obj_peer a;

	hub_and_peer(_metadata, self, variant->path, &a);
	watch_and_kill(_metadata, self, a.handle, 1, a.pid);
	clear_death(_metadata, self, a.handle, 1);

	/* Asked for once the node is dead: BR_DEAD_BINDER at once. */
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, a.handle,
			       DEATH(2)));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_DEAD_BINDER, DEATH(2));
	ASSERT_EQ(0, obj_dead_done(self->dev.fd, DEATH(2)));
	clear_death(_metadata, self, a.handle, 2);

	/* Cleared while delivered and not yet done: done follows BC_DEAD_BINDER_DONE. */
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, a.handle,
			       DEATH(3)));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_DEAD_BINDER, DEATH(3));
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, a.handle,
			       DEATH(3)));
	IPC_ASSERT_IDLE(&self->r, 0);
	ASSERT_EQ(0, obj_dead_done(self->dev.fd, DEATH(3)));
	OBJ_ASSERT_COOKIE(&self->r, BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, DEATH(3));
	IPC_ASSERT_IDLE(&self->r, 0);
	release_handle(_metadata, self, a.handle);
}

TEST_F(death, cleared_before_death)
{
	struct flat_binderlite_object obj;
	struct obj_reply rep;
	struct obj_peer a;
	struct obj_view v;
	struct obj_msg m;
	uint32_t a2;

	hub_and_peer(_metadata, self, variant->path, &a);
	/* A second node of A, at a larger address: released after A's first. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, PEER_A2, OBJ_PEER_COOKIE(PEER_A2));
	ASSERT_EQ(0, obj_peer_send(&self->r, &a, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	a2 = obj.handle;
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, a2));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));

	/* Asked for and cleared: done at once, and nothing when A dies. */
	ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, a.handle,
			       DEATH(1)));
	clear_death(_metadata, self, a.handle, 1);
	IPC_ASSERT_IDLE(&self->r, 0);
	watch_and_kill(_metadata, self, a2, 2, a.pid);
	clear_death(_metadata, self, a2, 2);
	IPC_ASSERT_IDLE(&self->r, 0);
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, a2));
}

TEST_F(death, call_to_a_dead_node)
{
	struct obj_reply rep;
	struct obj_peer a;
	struct obj_msg m;

	hub_and_peer(_metadata, self, variant->path, &a);
	watch_and_kill(_metadata, self, a.handle, 1, a.pid);
	obj_msg_init(&m);
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, a.handle,
				  OBJ_PEER_ECHO, 0, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL)) TH_LOG("event %#x", rep.cmd);
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, rep.cmd);
	ASSERT_EQ(0, rep.completes);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_DEAD_REPLY, -EINVAL);
	/* A oneway too. */
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, a.handle,
				  OBJ_PEER_ECHO, BINDERLITE_TF_ONE_WAY, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL)) TH_LOG("event %#x", rep.cmd);
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, rep.cmd);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_DEAD_REPLY, -EINVAL);
	IPC_ASSERT_IDLE(&self->r, 0);
	clear_death(_metadata, self, a.handle, 1);
	release_handle(_metadata, self, a.handle);
}

TEST_F(death, server_killed_holding_a_call)
{
	struct obj_peer a, b;
	struct obj_reply rep;
	struct obj_msg m;

	hub_and_peer(_metadata, self, variant->path, &a);
	/* A receives the call and SIGKILLs itself. */
	obj_msg_init(&m);
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, a.handle,
				  OBJ_PEER_DIE, 0, &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL)) TH_LOG("event %#x", rep.cmd);
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, rep.cmd);
	/* The call was delivered: sent, then answered by the death. */
	ASSERT_EQ(1, rep.completes);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_OK, 0);
	ASSERT_EQ(128 + SIGKILL, ipc_wait(a.pid, 30));
	IPC_ASSERT_IDLE(&self->r, 0);

	/* Nothing is stuck: another server serves. */
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_B, OBJ_PEER_COOKIE(PEER_B), &b));
	ASSERT_EQ(0, obj_call(&self->r, b.handle, OBJ_PEER_ECHO, &m, &rep));
}

/*
 * The test serves the registration of @c, which died meanwhile: the reply
 * finds nobody, and binder tells the replier that all went well.
 */
static void reply_to_the_dead(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			      const struct binderlite_transaction_data *tr)
{
	struct ipc_event ev;

	ASSERT_EQ((uint32_t)OBJ_PEER_REGISTER, tr->code);
	ASSERT_EQ(0, ipc_reply_free(self->dev.fd, tr->data.ptr.buffer, "late", 4));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev))
		TH_LOG("event %#x", ev.cmd);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_OK, 0);
	IPC_ASSERT_IDLE(&self->r, 0);
}

/* The test still serves: a peer registers, and answers a call. */
static void serve_another(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			  const char *path)
{
	struct obj_peer b;

	ASSERT_EQ(0, obj_peer_spawn(&self->r, path, PEER_B, OBJ_PEER_COOKIE(PEER_B), &b));
}

TEST_F(death, client_killed_awaiting_its_reply)
{
	struct ipc_event ev;
	struct obj_peer c;

	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_fork(&self->r, variant->path, false, PEER_A, OBJ_PEER_COOKIE(PEER_A),
				   &c));
	/* The client's call is being served when the client is killed. */
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION, &ev));
	ASSERT_EQ(c.pid, ev.txn.sender_pid);
	kill_child(_metadata, c.pid);
	reply_to_the_dead(_metadata, self, &ev.txn);
	serve_another(_metadata, self, variant->path);
}

TEST_F(death, client_killed_before_its_call_is_read)
{
	struct pollfd pfd = { .fd = self->dev.fd, .events = POLLIN };
	struct binderlite_write_read nothing = { 0 };
	struct ipc_event ev;
	struct obj_peer c;

	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_fork(&self->r, variant->path, false, PEER_A, OBJ_PEER_COOKIE(PEER_A),
				   &c));
	/* An ioctl forgets the flush of the client's close: poll waits for work. */
	ASSERT_EQ(0, ipc_write_read(self->dev.fd, &nothing));
	/* The client's call waits for the test, which kills it first. */
	ASSERT_EQ(1, poll(&pfd, 1, 20 * 1000));
	kill_child(_metadata, c.pid);
	/* The call is still delivered, from a sender that may be gone already. */
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION, &ev))
		TH_LOG("event %#x", ev.cmd);
	ASSERT_TRUE(ev.txn.sender_pid == c.pid || ev.txn.sender_pid == 0)
		TH_LOG("sender %d, client %d", ev.txn.sender_pid, c.pid);
	reply_to_the_dead(_metadata, self, &ev.txn);
	serve_another(_metadata, self, variant->path);
}

TEST_F(death, context_manager_dies)
{
	struct binderlite_transaction_data tr;
	struct obj_peer mgr, next;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;

	/* The test is a client of the manager, and watches it through handle 0. */
	ASSERT_EQ(0, ipc_looper(self->dev.fd, BINDERLITE_BC_ENTER_LOOPER));
	ASSERT_EQ(0, obj_peer_spawn_mgr(&self->r, variant->path, PEER_A, OBJ_PEER_COOKIE(PEER_A),
					&mgr));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, 0));
	obj_msg_init(&m);
	ASSERT_EQ(0, obj_call(&self->r, 0, OBJ_PEER_ECHO, &m, &rep));
	watch_and_kill(_metadata, self, 0, 1, mgr.pid);

	/* No manager: calls to handle 0 die. */
	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, 0, OBJ_PEER_ECHO, 0,
				  &m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL)) TH_LOG("event %#x", rep.cmd);
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, rep.cmd);
	ASSERT_EQ(0, rep.completes);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_DEAD_REPLY, -EINVAL);

	/* A new manager takes the slot (binder frees it from a workqueue). */
	ASSERT_EQ(0, obj_peer_spawn_mgr(&self->r, variant->path, PEER_B, OBJ_PEER_COOKIE(PEER_B),
					&next));
	ASSERT_EQ(0, obj_call(&self->r, 0, OBJ_PEER_ECHO, &m, &rep));
	ASSERT_EQ(0, obj_report_view(rep.data, rep.size, &tr, &v));
	ASSERT_EQ(PEER_B, tr.target.ptr);
	ASSERT_EQ(OBJ_PEER_COOKIE(PEER_B), tr.cookie);
	ASSERT_EQ(getpid(), tr.sender_pid);

	/* The test's handle 0 still names the dead manager's node. */
	clear_death(_metadata, self, 0, 1);
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, 0));
	IPC_ASSERT_IDLE(&self->r, 0);
}

/* X's nodes the test watches, and the test's nodes X holds. */
#define X_NODES		12
#define X_HELD		6
#define PEER_X		0xf000ULL
#define X_NODE(i)	(0x8000ULL + 0x10 * (i))
#define X_ONEWAYS	5

/*
 * Makes X send the test X_NODES nodes of its own, which the test keeps
 * (@handles) and watches (DEATH(i)), with X's own node last, at
 * @handles[X_NODES].
 */
static void watch_nodes_of(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			   const struct obj_peer *x, uint32_t *handles)
{
	struct flat_binderlite_object obj;
	struct ipc_cmds c = { 0 };
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	int i;

	obj_msg_init(&m);
	for (i = 0; i < X_NODES; i++)
		obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, X_NODE(i), OBJ_PEER_COOKIE(X_NODE(i)));
	ASSERT_EQ(0, obj_peer_send(&self->r, x, &m, &rep));
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ((size_t)X_NODES, v.nr_objs);
	for (i = 0; i < X_NODES; i++) {
		ASSERT_EQ(0, obj_view_object(&v, i, &obj));
		ASSERT_EQ((uint32_t)BINDERLITE_TYPE_HANDLE, obj.hdr.type);
		handles[i] = obj.handle;
		ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &handles[i], sizeof(handles[i]));
	}
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, rep.buffer);
	ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
	handles[X_NODES] = x->handle;
	for (i = 0; i <= X_NODES; i++)
		ASSERT_EQ(0, obj_death(self->dev.fd, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION,
				       handles[i], DEATH(i)));
}

/* Sends a oneway to @handle; the sender learns at once that it is sent. */
static void send_oneway(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			uint32_t handle, uint32_t code, const struct obj_msg *m)
{
	struct ipc_event ev;

	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, handle, code,
				  BINDERLITE_TF_ONE_WAY, m));
	ASSERT_EQ(0, ipc_expect(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev))
		TH_LOG("event %#x", ev.cmd);
}

/* Makes @y call X's node (@y's handle 1) with @code, from a oneway. */
static void make_call_x(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self,
			const struct obj_peer *y, uint32_t code)
{
	struct obj_msg m, call;

	obj_msg_init(&m);
	obj_msg_wrap(&call, 1, code, &m);
	send_oneway(_metadata, self, y->handle, OBJ_PEER_CALL, &call);
}

/*
 * Reads what X's death tells the test: BR_DEAD_BINDER for each node it
 * watched, acknowledged, and BR_RELEASE then BR_DECREFS for each of its
 * nodes X held, in any order.
 */
static void hear_x_die(struct __test_metadata *_metadata, FIXTURE_DATA(death) *self)
{
	bool dead[X_NODES + 1] = { false }, released[X_HELD] = { false };
	bool decreffed[X_HELD] = { false };
	int left = X_NODES + 1 + 2 * X_HELD, i;
	struct ipc_event ev;

	while (left--) {
		ASSERT_EQ(0, ipc_next(&self->r, &ev));
		if (ev.cmd == BINDERLITE_BR_DEAD_BINDER) {
			i = ev.cookie - DEATH(0);
			ASSERT_TRUE(i >= 0 && i <= X_NODES && !dead[i])
				TH_LOG("BR_DEAD_BINDER %#llx", (unsigned long long)ev.cookie);
			dead[i] = true;
			ASSERT_EQ(0, obj_dead_done(self->dev.fd, ev.cookie));
			continue;
		}
		ASSERT_TRUE(ev.cmd == BINDERLITE_BR_RELEASE || ev.cmd == BINDERLITE_BR_DECREFS)
			TH_LOG("event %#x", ev.cmd);
		i = (ev.ref.ptr - OBJ_NODE(0)) / (OBJ_NODE(1) - OBJ_NODE(0));
		ASSERT_TRUE(i >= 0 && i < X_HELD && ev.ref.ptr == OBJ_NODE(i) &&
			    ev.ref.cookie == OBJ_COOKIE(i))
			TH_LOG("%#x for %#llx", ev.cmd, (unsigned long long)ev.ref.ptr);
		if (ev.cmd == BINDERLITE_BR_RELEASE) {
			ASSERT_FALSE(released[i]);
			released[i] = true;
		} else {
			ASSERT_TRUE(released[i] && !decreffed[i]);
			decreffed[i] = true;
		}
	}
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_F_TIMEOUT(death, process_killed_with_everything_in_flight, 120)
{
	static const struct obj_peer_event dead_reply = { .cmd = BINDERLITE_BR_DEAD_REPLY };
	uint32_t handles[X_NODES + 1];
	struct obj_peer x, y[2];
	struct obj_reply rep;
	struct ipc_stats st;
	struct obj_counts c;
	struct obj_msg m;
	long long val;
	int i;

	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_X, OBJ_PEER_COOKIE(PEER_X), &x));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_A + i,
					    OBJ_PEER_COOKIE(PEER_A + i), &y[i]));

	/* X's nodes, watched by the test; the test's nodes, held by X. */
	watch_nodes_of(_metadata, self, &x, handles);
	obj_msg_init(&m);
	for (i = 0; i < X_HELD; i++)
		obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(i), OBJ_COOKIE(i));
	obj_assert_call_new_binders(_metadata, &self->r, x.handle, OBJ_PEER_KEEP, &m, &rep);

	/* Oneways to X's first node: one X holds, the others queued behind it. */
	obj_msg_init(&m);
	obj_msg_put(&m, "oneway", 7);
	send_oneway(_metadata, self, handles[0], OBJ_PEER_HOLD, &m);
	ASSERT_EQ(0, obj_peer_wait(&x, 30));
	for (i = 1; i < X_ONEWAYS; i++)
		send_oneway(_metadata, self, handles[0], OBJ_PEER_ECHO, &m);

	/* Calls from Y0 and Y1 to X's second node: X stalls Y0's, Y1's waits. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, handles[1]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, obj_call(&self->r, y[i].handle, OBJ_PEER_KEEP, &m, &rep));
	make_call_x(_metadata, self, &y[0], OBJ_PEER_STALL);
	ASSERT_EQ(0, obj_peer_wait(&x, 30));
	make_call_x(_metadata, self, &y[1], OBJ_PEER_ECHO);
	if (variant->binderlite) {
		ASSERT_EQ(0, obj_proc_counts(x.pid, &c));
		ASSERT_EQ(X_NODES + 1, c.nodes);
		ASSERT_EQ(X_HELD, c.refs);
		ASSERT_LE(2, c.buffers);
	}

	kill_child(_metadata, x.pid);
	hear_x_die(_metadata, self);
	/* Both calls died with X. */
	for (i = 0; i < 2; i++)
		ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &y[i], &dead_reply, 1));
	if (variant->binderlite) {
		/* Nothing of X is left but its dead nodes, still referenced. */
		ASSERT_EQ(-ENOENT, obj_proc_counts(x.pid, &c));
		ASSERT_EQ(0, ipc_stats_read(&st));
		ASSERT_EQ(0, ipc_stats_get(&st, "transactions_live", &val));
		ASSERT_EQ(0, val);
		ASSERT_EQ(0, ipc_stats_get(&st, "buffers", &val));
		ASSERT_EQ(0, val);
	}
	for (i = 0; i <= X_NODES; i++)
		clear_death(_metadata, self, handles[i], i);
	for (i = 0; i < X_NODES; i++)
		ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_RELEASE, handles[i]));
	release_handle(_metadata, self, x.handle);
	IPC_ASSERT_IDLE(&self->r, 0);
	if (variant->binderlite) {
		/* The test holds its references to Y0 and Y1 alone. */
		ASSERT_EQ(0, obj_proc_counts(getpid(), &c));
		ASSERT_EQ(2, c.refs);
		ASSERT_EQ(0, c.deaths);
	}
}

TEST_HARNESS_MAIN
