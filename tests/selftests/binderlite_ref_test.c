// SPDX-License-Identifier: GPL-2.0
/*
 * Objects and references between real processes: a binder object arrives
 * as a handle, and as the owner's own binder again when a handle goes back
 * to the owner; the owner is told on the sending thread when its object is
 * first referenced (BR_INCREFS, BR_ACQUIRE) and, once it confirmed, on a
 * looper when the last reference goes (BR_RELEASE, BR_DECREFS); handles are
 * the lowest free from 1, 0 being the context manager; a handle travels
 * across three processes; and a bad object fails the whole transaction
 * cleanly: the references taken for the objects before it are dropped
 * again, and no other.
 *
 * The test is the context manager and a looper; peers (binderlite_ipc_obj.h)
 * register with it and do what it asks. Every test runs against
 * /dev/binderlite and the reference /dev/binder.
 */
#include "binderlite_ipc_obj.h"

/* The peers' nodes. */
#define PEER_P		0x7000ULL
#define PEER_Q		0x7100ULL

FIXTURE(ref) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct obj_peer p;
};

FIXTURE_VARIANT(ref) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(ref, (), ());

FIXTURE_SETUP(ref)
{
	if (!ipc_fixture_open(_metadata, variant->path, &self->dev, &self->r))
		return;
	ASSERT_EQ(0, obj_hub(self->dev.fd));
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_P, OBJ_PEER_COOKIE(PEER_P),
				    &self->p));
}

FIXTURE_TEARDOWN(ref)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
}

/*
 * Asserts that object @i of what a peer reported is a handle of @type
 * with the number @handle, binder and cookie cleared.
 */
static void assert_handle(struct __test_metadata *_metadata, const struct obj_view *v, size_t i,
			  uint32_t type, uint32_t handle)
{
	struct flat_binderlite_object obj;

	ASSERT_EQ(0, obj_view_object(v, i, &obj)) TH_LOG("object %zu of %zu", i, v->nr_objs);
	ASSERT_EQ(type, obj.hdr.type);
	/* The whole union: the top half of the binder is cleared. */
	ASSERT_EQ((binderlite_uintptr_t)handle, obj.binder) TH_LOG("object %zu", i);
	ASSERT_EQ(0ULL, obj.cookie);
}

/* Asserts that object @i of @v is a binder of @type, (@ptr, @cookie). */
static void assert_binder(struct __test_metadata *_metadata, const struct obj_view *v, size_t i,
			  uint32_t type, binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	struct flat_binderlite_object obj;

	ASSERT_EQ(0, obj_view_object(v, i, &obj)) TH_LOG("object %zu of %zu", i, v->nr_objs);
	ASSERT_EQ(type, obj.hdr.type);
	ASSERT_EQ(ptr, obj.binder);
	ASSERT_EQ(cookie, obj.cookie);
}

/* The report of a peer in @rep: the transaction and payload it received. */
static void get_report(struct __test_metadata *_metadata, const struct obj_reply *rep,
		       struct binderlite_transaction_data *tr, struct obj_view *v)
{
	ASSERT_EQ(0, obj_report_view(rep->data, rep->size, tr, v)) TH_LOG("%zu bytes", rep->size);
}

/* Makes @peer write one BC_INCREFS ... BC_DECREFS on @handle. */
static void peer_refcount(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self,
			  const struct obj_peer *peer, uint32_t cmd, uint32_t handle)
{
	struct obj_peer_written w;
	struct ipc_cmds c = { 0 };

	ipc_cmd(&c, cmd, &handle, sizeof(handle));
	ASSERT_EQ(0, obj_peer_do(&self->r, peer, &c, &w));
	ASSERT_EQ(0, w.ret);
	ASSERT_EQ(c.len, w.consumed);
}

/* Makes @peer drop its references to @handle: BC_RELEASE if @strong, BC_DECREFS. */
static void peer_drops(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self,
		       const struct obj_peer *peer, uint32_t handle, bool strong)
{
	if (strong)
		peer_refcount(_metadata, self, peer, BINDERLITE_BC_RELEASE, handle);
	peer_refcount(_metadata, self, peer, BINDERLITE_BC_DECREFS, handle);
}

/* Makes @peer reply with @inner; @rep keeps its buffer for obj_reply_free(). */
static void peer_sends(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self,
		       const struct obj_peer *peer, const struct obj_msg *inner,
		       struct obj_reply *rep)
{
	int ret = obj_peer_send(&self->r, peer, inner, rep);

	ASSERT_EQ(0, ret) TH_LOG("%s, event %#x", strerror(-ret), rep->cmd);
}

/* Asserts that a transaction the test sends fails with BR_FAILED_REPLY, -EINVAL. */
static void assert_refused(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self,
			   uint32_t handle, const struct obj_msg *m)
{
	struct obj_reply rep;

	ASSERT_EQ(0, obj_msg_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, handle, OBJ_PEER_ECHO,
				  0, m));
	ASSERT_EQ(0, obj_call_finish(&self->r, &rep, NULL, NULL)) TH_LOG("event %#x", rep.cmd);
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, rep.cmd);
	/* Refused before it was sent: no BR_TRANSACTION_COMPLETE. */
	ASSERT_EQ(0, rep.completes);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_F(ref, binder_becomes_handle)
{
	static const char head[] = "header!", tail[] = "tail";
	struct flat_binderlite_object obj = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.flags = 0x13,
		.binder = OBJ_NODE(0),
		.cookie = OBJ_COOKIE(0),
	};
	struct binderlite_transaction_data tr;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;

	obj_msg_init(&m);
	obj_msg_put(&m, head, sizeof(head));
	obj_msg_object(&m, &obj, sizeof(obj));
	obj_msg_put(&m, tail, sizeof(tail));
	obj_assert_call_new_binders(_metadata, &self->r, self->p.handle, OBJ_PEER_KEEP, &m, &rep);

	get_report(_metadata, &rep, &tr, &v);
	ASSERT_EQ(m.size, tr.data_size);
	ASSERT_EQ(sizeof(binderlite_size_t), tr.offsets_size);
	ASSERT_EQ(sizeof(head), v.offsets[0]);
	/* The peer's first handle; the data around the object is intact. */
	assert_handle(_metadata, &v, 0, BINDERLITE_TYPE_HANDLE, 1);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	ASSERT_EQ(0x13U, obj.flags);
	ASSERT_EQ(0, memcmp(v.data, head, sizeof(head)));
	ASSERT_EQ(0, memcmp(v.data + sizeof(head) + sizeof(obj), tail, sizeof(tail)));

	/* The peer holds references of its own: nothing to release. */
	IPC_ASSERT_IDLE(&self->r, 0);
	peer_drops(_metadata, self, &self->p, 1, true);
	/* The last references went: a looper of the owner hears it. */
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(0), OBJ_COOKIE(0));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(0), OBJ_COOKIE(0));
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_F(ref, weak_binder_becomes_weak_handle)
{
	const struct obj_peer_outcome *out;
	struct binderlite_transaction_data tr;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m, call;

	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	/* BR_INCREFS only. */
	obj_assert_call_new_binders(_metadata, &self->r, self->p.handle, OBJ_PEER_KEEP, &m, &rep);
	get_report(_metadata, &rep, &tr, &v);
	assert_handle(_metadata, &v, 0, BINDERLITE_TYPE_WEAK_HANDLE, 1);
	IPC_ASSERT_IDLE(&self->r, 0);

	/* A weak handle is no target: the peer's call through it fails. */
	obj_msg_init(&m);
	obj_msg_wrap(&call, 1, OBJ_PEER_ECHO, &m);
	ASSERT_EQ(0, obj_call(&self->r, self->p.handle, OBJ_PEER_CALL, &call, &rep));
	ASSERT_EQ(sizeof(*out), rep.size);
	out = (const struct obj_peer_outcome *)rep.data;
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, out->cmd);
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, out->ee.command);
	ASSERT_EQ(-EINVAL, out->ee.param);

	peer_drops(_metadata, self, &self->p, 1, false);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(0), OBJ_COOKIE(0));
	IPC_ASSERT_IDLE(&self->r, 0);
}

/* Sends the peer a new binder OBJ_NODE(@i); it must arrive as @handle. */
static void send_one(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self, int i,
		     uint32_t handle)
{
	struct binderlite_transaction_data tr;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;

	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(i), OBJ_COOKIE(i));
	obj_assert_call_new_binders(_metadata, &self->r, self->p.handle, OBJ_PEER_KEEP, &m, &rep);
	get_report(_metadata, &rep, &tr, &v);
	assert_handle(_metadata, &v, 0, BINDERLITE_TYPE_HANDLE, handle);
}

TEST_F(ref, handle_numbers)
{
	static const uint32_t handles[] = { 1, 2, 3, 1 };
	struct binderlite_transaction_data tr;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	size_t i;

	/* Three nodes and the first again: the same node, the same handle. */
	obj_msg_init(&m);
	for (i = 0; i < 4; i++)
		obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(i % 3), OBJ_COOKIE(i % 3));
	obj_assert_call_new_binders(_metadata, &self->r, self->p.handle, OBJ_PEER_KEEP, &m, &rep);
	get_report(_metadata, &rep, &tr, &v);
	for (i = 0; i < 4; i++)
		assert_handle(_metadata, &v, i, BINDERLITE_TYPE_HANDLE, handles[i]);

	/* Handle 2 is free again, and is the next one given. */
	peer_drops(_metadata, self, &self->p, 2, true);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(1), OBJ_COOKIE(1));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(1), OBJ_COOKIE(1));
	send_one(_metadata, self, 3, 2);
	send_one(_metadata, self, 4, 4);

	/* A node the peer has a handle to: that handle, and no news for the owner. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	ASSERT_EQ(0, obj_call(&self->r, self->p.handle, OBJ_PEER_ECHO, &m, &rep));
	get_report(_metadata, &rep, &tr, &v);
	assert_handle(_metadata, &v, 0, BINDERLITE_TYPE_HANDLE, 1);
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_F(ref, handle_back_to_its_owner)
{
	struct obj_view v;
	struct obj_reply rep;
	struct obj_msg m;

	send_one(_metadata, self, 0, 1);
	/* The peer sends its handle back: the owner gets its own binder. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 1);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, 1);
	peer_sends(_metadata, self, &self->p, &m, &rep);
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(2U, v.nr_objs);
	assert_binder(_metadata, &v, 0, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	assert_binder(_metadata, &v, 1, BINDERLITE_TYPE_WEAK_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	IPC_ASSERT_IDLE(&self->r, 0);

	/* The reply's buffer holds the node as long as it is not freed. */
	peer_drops(_metadata, self, &self->p, 1, true);
	IPC_ASSERT_IDLE(&self->r, 0);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(0), OBJ_COOKIE(0));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(0), OBJ_COOKIE(0));
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_F(ref, three_processes)
{
	static const char hello[] = "from b to a";
	const struct obj_peer_outcome *out;
	struct binderlite_transaction_data tr;
	struct obj_reply rep;
	struct obj_peer b;
	struct obj_view v;
	struct obj_msg m, call;

	/* P, "A", registered its node with the manager; B does too. */
	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_Q, OBJ_PEER_COOKIE(PEER_Q), &b));
	/* B gets A's node from the manager: its first handle. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, self->p.handle);
	ASSERT_EQ(0, obj_call(&self->r, b.handle, OBJ_PEER_KEEP, &m, &rep));
	get_report(_metadata, &rep, &tr, &v);
	assert_handle(_metadata, &v, 0, BINDERLITE_TYPE_HANDLE, 1);

	/* B calls A through it. */
	obj_msg_init(&m);
	obj_msg_put(&m, hello, sizeof(hello));
	obj_msg_wrap(&call, 1, OBJ_PEER_ECHO, &m);
	ASSERT_EQ(0, obj_call(&self->r, b.handle, OBJ_PEER_CALL, &call, &rep));
	ASSERT_LE(sizeof(*out), rep.size);
	out = (const struct obj_peer_outcome *)rep.data;
	ASSERT_EQ(BINDERLITE_BR_REPLY, out->cmd);
	ASSERT_EQ(rep.size - sizeof(*out), out->size);
	/* A's report: its node was called, by B. */
	ASSERT_EQ(0, obj_report_view(out + 1, out->size, &tr, &v));
	ASSERT_EQ(PEER_P, tr.target.ptr);
	ASSERT_EQ(OBJ_PEER_COOKIE(PEER_P), tr.cookie);
	ASSERT_EQ((uint32_t)OBJ_PEER_ECHO, tr.code);
	ASSERT_EQ(b.pid, tr.sender_pid);
	ASSERT_EQ(geteuid(), tr.sender_euid);
	ASSERT_EQ(sizeof(hello), tr.data_size);
	ASSERT_EQ(0, memcmp(v.data, hello, sizeof(hello)));

	/* A's node was referenced all along: no news for A. */
	ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &self->p, NULL, 0));
	peer_drops(_metadata, self, &b, 1, true);
	ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &self->p, NULL, 0));
}

TEST_F(ref, context_manager_reference)
{
	struct obj_counts before, after;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;

	if (variant->binderlite)
		ASSERT_EQ(0, obj_proc_counts(self->p.pid, &before));
	/* Calling handle 0 needs no reference, but sending it does. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, 0);
	peer_sends(_metadata, self, &self->p, &m, &rep);
	/* The peer's reply failed: its caller learns why. */
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, rep.cmd);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);

	/* BC_INCREFS on handle 0 creates a weak reference to the manager. */
	peer_refcount(_metadata, self, &self->p, BINDERLITE_BC_INCREFS, 0);
	if (variant->binderlite) {
		ASSERT_EQ(0, obj_proc_counts(self->p.pid, &after));
		ASSERT_EQ(before.refs + 1, after.refs);
	}
	peer_sends(_metadata, self, &self->p, &m, &rep);
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	assert_binder(_metadata, &v, 0, BINDERLITE_TYPE_WEAK_BINDER, OBJ_MGR_PTR, OBJ_MGR_COOKIE);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));
	/* Weak only: not as a strong handle. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 0);
	peer_sends(_metadata, self, &self->p, &m, &rep);
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, rep.cmd);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);

	/* BC_ACQUIRE on handle 0 makes it strong. */
	peer_refcount(_metadata, self, &self->p, BINDERLITE_BC_ACQUIRE, 0);
	peer_sends(_metadata, self, &self->p, &m, &rep);
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	assert_binder(_metadata, &v, 0, BINDERLITE_TYPE_BINDER, OBJ_MGR_PTR, OBJ_MGR_COOKIE);
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));

	/* Other nodes still get handles from 1. */
	send_one(_metadata, self, 0, 1);
	/* The manager's node was held all along: no news for its owner. */
	IPC_ASSERT_IDLE(&self->r, 0);
	peer_drops(_metadata, self, &self->p, 0, true);
	if (variant->binderlite) {
		ASSERT_EQ(0, obj_proc_counts(self->p.pid, &after));
		ASSERT_EQ(before.refs + 1, after.refs);
	}
}

TEST_F(ref, cookie_mismatch)
{
	struct obj_msg m;

	send_one(_metadata, self, 0, 1);
	/* A known object with another cookie. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(1));
	assert_refused(_metadata, self, self->p.handle, &m);
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, OBJ_NODE(0), OBJ_COOKIE(1));
	assert_refused(_metadata, self, self->p.handle, &m);
	/* The node is as it was: the peer's references are the last. */
	peer_drops(_metadata, self, &self->p, 1, true);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(0), OBJ_COOKIE(0));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(0), OBJ_COOKIE(0));
}

TEST_F(ref, weak_handle_is_not_strong)
{
	const uint64_t weak_node = PEER_P + 0x10;
	struct binderlite_transaction_data tr;
	struct flat_binderlite_object obj;
	struct obj_reply rep;
	struct obj_view v;
	struct obj_msg m;
	uint32_t h;

	/* The peer sends a weak binder of its own; the test keeps a weak reference. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, weak_node, OBJ_PEER_COOKIE(weak_node));
	peer_sends(_metadata, self, &self->p, &m, &rep);
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	ASSERT_EQ(0, obj_view_object(&v, 0, &obj));
	ASSERT_EQ((uint32_t)BINDERLITE_TYPE_WEAK_HANDLE, obj.hdr.type);
	h = obj.handle;
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_INCREFS, h));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));

	/* Neither as a strong object nor as a target. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, h);
	assert_refused(_metadata, self, self->p.handle, &m);
	obj_msg_init(&m);
	assert_refused(_metadata, self, h, &m);
	/* BC_ACQUIRE cannot make it strong: it is ignored. */
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_ACQUIRE, h));
	assert_refused(_metadata, self, h, &m);

	/* As a weak object it goes back to its owner as its weak binder. */
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, h);
	ASSERT_EQ(0, obj_call(&self->r, self->p.handle, OBJ_PEER_ECHO, &m, &rep));
	get_report(_metadata, &rep, &tr, &v);
	assert_binder(_metadata, &v, 0, BINDERLITE_TYPE_WEAK_BINDER, weak_node,
		      OBJ_PEER_COOKIE(weak_node));
	ASSERT_EQ(0, obj_refcount(self->dev.fd, BINDERLITE_BC_DECREFS, h));
}

TEST_F(ref, bogus_handle_object)
{
	struct obj_msg m;

	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 77);
	assert_refused(_metadata, self, self->p.handle, &m);
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, 77);
	assert_refused(_metadata, self, self->p.handle, &m);
	/* The test's own handle 0 is no reference: the manager holds none. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 0);
	assert_refused(_metadata, self, self->p.handle, &m);
}

/* What binderlite's debugfs shows of the test, P and Q, and in total. */
struct snapshot {
	struct obj_counts procs[3];
	struct ipc_stats stats;
};

static void take_snapshot(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self,
			  const struct obj_peer *q, struct snapshot *s)
{
	const pid_t pids[] = { getpid(), self->p.pid, q->pid };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pids); i++)
		ASSERT_EQ(0, obj_proc_counts(pids[i], &s->procs[i]));
	ASSERT_EQ(0, ipc_stats_read(&s->stats));
}

/* Asserts that nothing changed since @before. */
static void assert_snapshot(struct __test_metadata *_metadata, FIXTURE_DATA(ref) *self,
			    const struct obj_peer *q, const struct snapshot *before)
{
	static const char * const keys[] = {
		"nodes", "refs", "deaths", "buffers", "transactions_live",
	};
	struct snapshot now;
	size_t i;

	take_snapshot(_metadata, self, q, &now);
	for (i = 0; i < ARRAY_SIZE(now.procs); i++) {
		EXPECT_EQ(before->procs[i].nodes, now.procs[i].nodes) TH_LOG("process %zu", i);
		EXPECT_EQ(before->procs[i].refs, now.procs[i].refs) TH_LOG("process %zu", i);
		EXPECT_EQ(before->procs[i].deaths, now.procs[i].deaths) TH_LOG("process %zu", i);
		EXPECT_EQ(before->procs[i].buffers, now.procs[i].buffers) TH_LOG("process %zu", i);
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		long long delta = ipc_stats_delta(_metadata, &before->stats, &now.stats, keys[i]);

		EXPECT_EQ(0, delta) TH_LOG("stats: %s changed", keys[i]);
	}
}

TEST_F(ref, refused_transaction_drops_what_it_took)
{
	static const uint32_t types[] = {
		BINDERLITE_TYPE_BINDER, BINDERLITE_TYPE_WEAK_BINDER, BINDERLITE_TYPE_BINDER,
	};
	struct binderlite_transaction_data tr;
	struct snapshot before;
	struct obj_reply rep;
	struct obj_peer q;
	struct obj_view v;
	struct obj_msg m;
	uint32_t i;

	ASSERT_EQ(0, obj_peer_spawn(&self->r, variant->path, PEER_Q, OBJ_PEER_COOKIE(PEER_Q), &q));
	/* The peer P has handle 1 to OBJ_NODE(0); the test has q.handle to Q's node. */
	send_one(_metadata, self, 0, 1);
	if (variant->binderlite)
		take_snapshot(_metadata, self, &q, &before);

	/* Every kind of object taken, then a bogus handle: refused. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(1), OBJ_COOKIE(1));
	obj_msg_binder(&m, BINDERLITE_TYPE_WEAK_BINDER, OBJ_NODE(2), OBJ_COOKIE(2));
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, q.handle);
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, q.handle);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 77);
	assert_refused(_metadata, self, self->p.handle, &m);
	if (variant->binderlite)
		assert_snapshot(_metadata, self, &q, &before);

	/* The bad object first, good ones after it: nothing to drop for those. */
	obj_msg_init(&m);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(1), OBJ_COOKIE(1));
	obj_msg_handle(&m, BINDERLITE_TYPE_WEAK_HANDLE, 77);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, q.handle);
	obj_msg_binder(&m, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	assert_refused(_metadata, self, self->p.handle, &m);
	if (variant->binderlite)
		assert_snapshot(_metadata, self, &q, &before);

	/* Q heard nothing; P's handle 1 and the test's handle to Q still work. */
	ASSERT_TRUE(obj_peer_events_are(_metadata, &self->r, &q, NULL, 0));
	obj_msg_init(&m);
	ASSERT_EQ(0, obj_call(&self->r, q.handle, OBJ_PEER_ECHO, &m, &rep));
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, 1);
	peer_sends(_metadata, self, &self->p, &m, &rep);
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep.cmd);
	v = obj_reply_view(&rep);
	assert_binder(_metadata, &v, 0, BINDERLITE_TYPE_BINDER, OBJ_NODE(0), OBJ_COOKIE(0));
	ASSERT_EQ(0, obj_reply_free(self->dev.fd, &rep));

	/*
	 * P holds nothing else: new nodes get its next handles (a leftover
	 * reference would hold a number, or the node itself), and go again
	 * as soon as P's references do.
	 */
	for (i = 0; i < 3; i++) {
		obj_msg_init(&m);
		obj_msg_binder(&m, types[i], OBJ_NODE(i + 1), OBJ_COOKIE(i + 1));
		obj_assert_call_new_binders(_metadata, &self->r, self->p.handle, OBJ_PEER_KEEP, &m,
					    &rep);
		get_report(_metadata, &rep, &tr, &v);
		assert_handle(_metadata, &v, 0, types[i] == BINDERLITE_TYPE_BINDER ?
				BINDERLITE_TYPE_HANDLE : BINDERLITE_TYPE_WEAK_HANDLE, i + 2);
	}
	for (i = 0; i < 3; i++) {
		peer_drops(_metadata, self, &self->p, i + 2, types[i] == BINDERLITE_TYPE_BINDER);
		if (types[i] == BINDERLITE_TYPE_BINDER)
			OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(i + 1),
					OBJ_COOKIE(i + 1));
		OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(i + 1),
				OBJ_COOKIE(i + 1));
	}
	/* And OBJ_NODE(0) is held by P's handle 1 alone. */
	peer_drops(_metadata, self, &self->p, 1, true);
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_RELEASE, OBJ_NODE(0), OBJ_COOKIE(0));
	OBJ_ASSERT_NODE(&self->r, BINDERLITE_BR_DECREFS, OBJ_NODE(0), OBJ_COOKIE(0));
	IPC_ASSERT_IDLE(&self->r, 0);
}

TEST_HARNESS_MAIN
