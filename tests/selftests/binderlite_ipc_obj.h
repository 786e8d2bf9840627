/* SPDX-License-Identifier: GPL-2.0 */
/*
 * More helpers for the kselftests of objects, references, deaths, bad
 * input, fds and scatter-gather, on top of binderlite_ipc.h (include that
 * first):
 *
 * - struct obj_msg: a payload with objects in it (binders, handles, fds,
 *   fd arrays and buffers), and the room its buffers take in the receiver
 *   (buffers_size); obj_cmd_msg(), obj_msg_send(): its transaction or
 *   reply, scatter-gather or not;
 * - obj_write(), obj_refcount(), obj_node_done(), obj_death(),
 *   obj_dead_done(): one command each;
 * - obj_call(), obj_call_finish(), struct obj_reply, struct obj_view: a
 *   call with objects, and the objects of a reply;
 * - OBJ_ASSERT_*(), obj_assert_call_new_binders(): assertions of events;
 * - the peer: a child process that the test drives through calls, as the
 *   context manager the peer registered with (obj_hub(), obj_peer_spawn())
 *   or as a client of the peer that is the manager (obj_peer_spawn_mgr());
 * - obj_proc_counts(): a process's row of binderlite's debugfs "procs".
 *
 * As in binderlite_ipc.h, functions return 0 or a negative errno unless
 * said otherwise, and children report through their exit status.
 */
#ifndef _BINDERLITE_IPC_OBJ_H
#define _BINDERLITE_IPC_OBJ_H

#include <poll.h>

#include "binderlite_ipc.h"

/* The node of a test that is the context manager, see obj_hub(). */
#define OBJ_MGR_PTR		0x6d6772000ULL
#define OBJ_MGR_COOKIE		0x6d677200cULL

/* Objects of a test, and the cookie of a node, test's or peer's. */
#define OBJ_NODE(i)		(0x5100000ULL + 0x100 * (i))
#define OBJ_COOKIE(i)		(0xc0c1e0000ULL + (i))
#define OBJ_PEER_COOKIE(ptr)	((ptr) + 0xcULL)

/* Up to how many bytes and objects a message holds. */
#define OBJ_MSG_DATA		4096
#define OBJ_MSG_OBJS		80

/* What the driver rounds the data, the offsets and every buffer to. */
#define OBJ_ALIGN(x)		(((uint64_t)(x) + 7) & ~(uint64_t)7)

/**
 * struct obj_msg - a payload under construction, with objects
 * @size:         bytes of @data used
 * @nr_objs:      objects, at the @offsets in @data
 * @buffers_size: room the buffer (PTR) objects' buffers take, each rounded
 *                up to 8: what BC_TRANSACTION_SG and BC_REPLY_SG send
 * @overflow:     something did not fit; sending the message fails
 * @offsets:      where the objects are
 * @data:         the payload
 */
struct obj_msg {
	size_t size;
	size_t nr_objs;
	uint64_t buffers_size;
	bool overflow;
	binderlite_size_t offsets[OBJ_MSG_OBJS];
	uint8_t data[OBJ_MSG_DATA] __attribute__((aligned(8)));
};

/**
 * obj_msg_init() - an empty message
 * @m: the message
 */
static inline void obj_msg_init(struct obj_msg *m)
{
	m->size = 0;
	m->nr_objs = 0;
	m->buffers_size = 0;
	m->overflow = false;
}

/**
 * obj_msg_put() - append plain bytes
 * @m:    the message
 * @p:    the bytes, or NULL for zeroes
 * @size: how many
 *
 * Returns the offset they start at.
 */
static inline size_t obj_msg_put(struct obj_msg *m, const void *p, size_t size)
{
	size_t off = m->size;

	if (size > sizeof(m->data) - off) {
		m->overflow = true;
		return off;
	}
	if (p)
		memcpy(m->data + off, p, size);
	else
		memset(m->data + off, 0, size);
	m->size += size;
	return off;
}

/**
 * obj_msg_u64() - append a 64-bit value
 * @m: the message
 * @v: the value
 *
 * Returns its offset.
 */
static inline size_t obj_msg_u64(struct obj_msg *m, uint64_t v)
{
	return obj_msg_put(m, &v, sizeof(v));
}

/**
 * obj_msg_object() - append an object of any type, and its offset
 * @m:    the message
 * @obj:  the object, as it is to be sent
 * @size: its size
 *
 * Returns its index in the offsets array.
 */
static inline size_t obj_msg_object(struct obj_msg *m, const void *obj, size_t size)
{
	size_t off = obj_msg_put(m, obj, size);

	if (m->nr_objs == OBJ_MSG_OBJS) {
		m->overflow = true;
		return m->nr_objs - 1;
	}
	m->offsets[m->nr_objs] = off;
	return m->nr_objs++;
}

/**
 * obj_msg_binder_flags() - append a binder object with flags
 * @m:      the message
 * @type:   BINDERLITE_TYPE_BINDER or BINDERLITE_TYPE_WEAK_BINDER
 * @ptr:    the sender's object
 * @cookie: its cookie
 * @flags:  BINDERLITE_FLAG_* values, e.g. BINDERLITE_FLAG_ACCEPTS_FDS
 *
 * Returns its index.
 */
static inline size_t obj_msg_binder_flags(struct obj_msg *m, uint32_t type,
					  binderlite_uintptr_t ptr, binderlite_uintptr_t cookie,
					  uint32_t flags)
{
	struct flat_binderlite_object obj = {
		.hdr.type = type, .flags = flags, .binder = ptr, .cookie = cookie,
	};

	return obj_msg_object(m, &obj, sizeof(obj));
}

/**
 * obj_msg_binder() - append a binder object
 * @m:      the message
 * @type:   BINDERLITE_TYPE_BINDER or BINDERLITE_TYPE_WEAK_BINDER
 * @ptr:    the sender's object
 * @cookie: its cookie
 *
 * Returns its index.
 */
static inline size_t obj_msg_binder(struct obj_msg *m, uint32_t type, binderlite_uintptr_t ptr,
				    binderlite_uintptr_t cookie)
{
	return obj_msg_binder_flags(m, type, ptr, cookie, 0);
}

/**
 * obj_msg_handle() - append a handle object
 * @m:      the message
 * @type:   BINDERLITE_TYPE_HANDLE or BINDERLITE_TYPE_WEAK_HANDLE
 * @handle: the sender's handle
 *
 * Returns its index.
 */
static inline size_t obj_msg_handle(struct obj_msg *m, uint32_t type, uint32_t handle)
{
	struct flat_binderlite_object obj = { .hdr.type = type, .handle = handle };

	return obj_msg_object(m, &obj, sizeof(obj));
}

/**
 * obj_fd() - an fd object
 * @fd:     the sender's descriptor
 * @cookie: passed through to the receiver
 */
static inline struct binderlite_fd_object obj_fd(int fd, uint64_t cookie)
{
	return (struct binderlite_fd_object){
		.hdr.type = BINDERLITE_TYPE_FD,
		.fd = fd,
		.cookie = cookie,
	};
}

/**
 * obj_msg_fd() - append an fd object
 * @m:      the message
 * @fd:     the sender's descriptor
 * @cookie: passed through to the receiver
 *
 * Returns its index.
 */
static inline size_t obj_msg_fd(struct obj_msg *m, int fd, uint64_t cookie)
{
	struct binderlite_fd_object obj = obj_fd(fd, cookie);

	return obj_msg_object(m, &obj, sizeof(obj));
}

/**
 * obj_msg_ptr() - append a buffer object; its room counts in buffers_size
 * @m:             the message
 * @buf:           the sender's buffer
 * @length:        its length
 * @parent:        the index of the parent buffer object, or -1 for none
 * @parent_offset: where in the parent the pointer to @buf is
 *
 * Returns its index.
 */
static inline size_t obj_msg_ptr(struct obj_msg *m, const void *buf, uint64_t length,
				 long parent, uint64_t parent_offset)
{
	struct binderlite_buffer_object obj = {
		.hdr.type = BINDERLITE_TYPE_PTR,
		.flags = parent >= 0 ? BINDERLITE_BUFFER_FLAG_HAS_PARENT : 0,
		.buffer = (uintptr_t)buf,
		.length = length,
		.parent = parent >= 0 ? (uint64_t)parent : 0,
		.parent_offset = parent >= 0 ? parent_offset : 0,
	};

	m->buffers_size += OBJ_ALIGN(length);
	return obj_msg_object(m, &obj, sizeof(obj));
}

/**
 * obj_msg_fda() - append an fd-array object
 * @m:             the message
 * @num_fds:       how many descriptors
 * @parent:        the index of the buffer object that holds them
 * @parent_offset: where in that buffer they are
 *
 * Returns its index.
 */
static inline size_t obj_msg_fda(struct obj_msg *m, uint64_t num_fds, uint64_t parent,
				 uint64_t parent_offset)
{
	struct binderlite_fd_array_object obj = {
		.hdr.type = BINDERLITE_TYPE_FDA,
		.num_fds = num_fds,
		.parent = parent,
		.parent_offset = parent_offset,
	};

	return obj_msg_object(m, &obj, sizeof(obj));
}

/**
 * obj_cmd_msg() - append a transaction or reply of @m, with its buffers_size
 * @c:      the stream; it overflows if @m did
 * @cmd:    BC_TRANSACTION, BC_REPLY, BC_TRANSACTION_SG or BC_REPLY_SG
 * @handle: the target of a transaction
 * @code:   the method
 * @flags:  BINDERLITE_TF_* values
 * @m:      the payload and its objects
 */
static inline void obj_cmd_msg(struct ipc_cmds *c, uint32_t cmd, uint32_t handle, uint32_t code,
			       uint32_t flags, const struct obj_msg *m)
{
	if (m->overflow)
		c->overflow = true;
	ipc_cmd_txn_sg(c, cmd, handle, code, flags, m->data, m->size, m->offsets,
		       m->nr_objs * sizeof(m->offsets[0]), m->buffers_size);
}

/**
 * obj_msg_send() - write one transaction or reply of @m, without reading
 * @fd:     the device
 * @cmd:    as for obj_cmd_msg()
 * @handle: the target of a transaction
 * @code:   the method
 * @flags:  BINDERLITE_TF_* values
 * @m:      the payload and its objects
 *
 * Returns what ipc_cmds_write() does: -ENOSPC if @m overflowed.
 */
static inline int obj_msg_send(int fd, uint32_t cmd, uint32_t handle, uint32_t code, uint32_t flags,
			       const struct obj_msg *m)
{
	struct ipc_cmds c = { 0 };

	obj_cmd_msg(&c, cmd, handle, code, flags, m);
	return ipc_cmds_write(fd, &c);
}

/**
 * obj_write() - write one command
 * @fd:   the device
 * @cmd:  a BINDERLITE_BC_* code
 * @arg:  what follows it
 * @size: its size
 */
static inline int obj_write(int fd, uint32_t cmd, const void *arg, size_t size)
{
	struct ipc_cmds c = { 0 };

	ipc_cmd(&c, cmd, arg, size);
	return ipc_cmds_write(fd, &c);
}

/**
 * obj_refcount() - BC_INCREFS, BC_ACQUIRE, BC_RELEASE or BC_DECREFS
 * @fd:     the device
 * @cmd:    which
 * @handle: on which handle
 */
static inline int obj_refcount(int fd, uint32_t cmd, uint32_t handle)
{
	return obj_write(fd, cmd, &handle, sizeof(handle));
}

/**
 * obj_node_done() - BC_INCREFS_DONE or BC_ACQUIRE_DONE
 * @fd:     the device
 * @cmd:    which
 * @ptr:    the node, as in the BR_INCREFS or BR_ACQUIRE
 * @cookie: its cookie
 */
static inline int obj_node_done(int fd, uint32_t cmd, binderlite_uintptr_t ptr,
				binderlite_uintptr_t cookie)
{
	struct binderlite_ptr_cookie pc = { .ptr = ptr, .cookie = cookie };

	return obj_write(fd, cmd, &pc, sizeof(pc));
}

/**
 * obj_death() - BC_REQUEST_DEATH_NOTIFICATION or BC_CLEAR_DEATH_NOTIFICATION
 * @fd:     the device
 * @cmd:    which
 * @handle: the handle watched
 * @cookie: the cookie of the notification
 */
static inline int obj_death(int fd, uint32_t cmd, uint32_t handle, binderlite_uintptr_t cookie)
{
	struct binderlite_handle_cookie hc = { .handle = handle, .cookie = cookie };

	return obj_write(fd, cmd, &hc, sizeof(hc));
}

/**
 * obj_dead_done() - BC_DEAD_BINDER_DONE
 * @fd:     the device
 * @cookie: the cookie of the BR_DEAD_BINDER handled
 */
static inline int obj_dead_done(int fd, binderlite_uintptr_t cookie)
{
	return obj_write(fd, BINDERLITE_BC_DEAD_BINDER_DONE, &cookie, sizeof(cookie));
}

/* Asserts that the next event of @_r is @_cmd for the node (@_ptr, @_cookie). */
#define OBJ_ASSERT_NODE(_r, _cmd, _ptr, _cookie) do {				\
	struct ipc_event __ev = { 0 };							\
											\
	IPC_ASSERT_NEXT(_r, _cmd, &__ev);						\
	ASSERT_EQ((binderlite_uintptr_t)(_ptr), __ev.ref.ptr);			\
	ASSERT_EQ((binderlite_uintptr_t)(_cookie), __ev.ref.cookie);		\
} while (0)

/*
 * Asserts that the next event of @_r is @_cmd (BR_DEAD_BINDER, a
 * BR_CLEAR_*_NOTIFICATION_DONE) with @_cookie.
 */
#define OBJ_ASSERT_COOKIE(_r, _cmd, _cookie) do {					\
	struct ipc_event __ev = { 0 };							\
											\
	IPC_ASSERT_NEXT(_r, _cmd, &__ev);						\
	ASSERT_EQ((binderlite_uintptr_t)(_cookie), __ev.cookie);			\
} while (0)

/* Asserts the extended error of the thread of @_fd: @_cmd and @_param. */
#define OBJ_ASSERT_EE(_fd, _cmd, _param) do {					\
	struct binderlite_extended_error __ee = { 0 };				\
											\
	ASSERT_EQ(0, ipc_extended_error(_fd, &__ee));					\
	ASSERT_NE(0U, __ee.id);							\
	ASSERT_EQ((uint32_t)(_cmd), __ee.command);				\
	ASSERT_EQ((int32_t)(_param), __ee.param);				\
} while (0)

/* Up to how many bytes of a reply struct obj_reply keeps. */
#define OBJ_REPLY_MAX		2048

/**
 * struct obj_reply - how a call ended
 * @cmd:       BR_REPLY, BR_FAILED_REPLY or BR_DEAD_REPLY; the unexpected
 *             event if obj_call_finish() failed with -EBADMSG
 * @completes: BR_TRANSACTION_COMPLETEs read before it
 * @buffer:    the BR_REPLY's buffer, until obj_reply_free()
 * @size:      bytes of @data
 * @nr_objs:   objects of the reply, at @offsets in @data
 * @offsets:   their offsets
 * @data:      a copy of the reply's payload
 */
struct obj_reply {
	uint32_t cmd;
	int completes;
	binderlite_uintptr_t buffer;
	size_t size;
	size_t nr_objs;
	binderlite_size_t offsets[OBJ_MSG_OBJS];
	uint8_t data[OBJ_REPLY_MAX] __attribute__((aligned(8)));
};

/* What obj_call_finish() does with other events: 0 to go on. */
typedef int (*obj_event_fn)(void *ctx, const struct ipc_event *ev);

/**
 * obj_call_finish() - read until the call the thread of @r made ends
 * @r:     the caller's reader
 * @rep:   how it ended; a BR_REPLY is copied, its buffer left to
 *         obj_reply_free()
 * @other: called with any other event, or NULL to fail on it
 * @ctx:   its argument
 *
 * Returns 0, an error of ipc_next() or of @other, or -EBADMSG for an
 * unexpected event (@rep->cmd) or a reply too large for @rep.
 */
static inline int obj_call_finish(struct ipc_reader *r, struct obj_reply *rep, obj_event_fn other,
				  void *ctx)
{
	struct ipc_event ev;
	int ret;

	rep->completes = 0;
	rep->buffer = 0;
	rep->size = 0;
	rep->nr_objs = 0;
	for (;;) {
		ret = ipc_next(r, &ev);
		if (ret)
			return ret;
		rep->cmd = ev.cmd;
		switch (ev.cmd) {
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
			rep->completes++;
			continue;
		case BINDERLITE_BR_FAILED_REPLY:
		case BINDERLITE_BR_DEAD_REPLY:
			return 0;
		case BINDERLITE_BR_REPLY:
			break;
		default:
			if (!other)
				return -EBADMSG;
			ret = other(ctx, &ev);
			if (ret)
				return ret;
			continue;
		}
		rep->buffer = ev.txn.data.ptr.buffer;
		if (ev.txn.data_size > sizeof(rep->data) ||
		    ev.txn.offsets_size > sizeof(rep->offsets))
			return -EBADMSG;
		rep->size = ev.txn.data_size;
		rep->nr_objs = ev.txn.offsets_size / sizeof(rep->offsets[0]);
		memcpy(rep->data, ipc_payload(&ev.txn), rep->size);
		memcpy(rep->offsets, (const void *)(uintptr_t)ev.txn.data.ptr.offsets,
		       ev.txn.offsets_size);
		return 0;
	}
}

/**
 * obj_reply_free() - free the buffer of a BR_REPLY, if there is one
 * @fd:  the device
 * @rep: the reply
 */
static inline int obj_reply_free(int fd, struct obj_reply *rep)
{
	binderlite_uintptr_t buffer = rep->buffer;

	rep->buffer = 0;
	return buffer ? ipc_free_buffer(fd, buffer) : 0;
}

/**
 * obj_call() - a call that must be answered: one BR_TRANSACTION_COMPLETE,
 * then a BR_REPLY, whose buffer is freed at once
 * @r:      the caller's reader
 * @handle: the target
 * @code:   the method
 * @m:      the payload and its objects
 * @rep:    the reply; @rep->cmd says how the call ended if it failed
 *
 * Returns 0, an error of obj_msg_send() or obj_call_finish(), or -EBADMSG
 * if the call was not answered.
 */
static inline int obj_call(struct ipc_reader *r, uint32_t handle, uint32_t code,
			   const struct obj_msg *m, struct obj_reply *rep)
{
	int ret = obj_msg_send(r->fd, BINDERLITE_BC_TRANSACTION, handle, code, 0, m);

	rep->cmd = 0;
	if (!ret)
		ret = obj_call_finish(r, rep, NULL, NULL);
	if (!ret && (rep->cmd != BINDERLITE_BR_REPLY || rep->completes != 1))
		ret = -EBADMSG;
	if (!ret)
		ret = obj_reply_free(r->fd, rep);
	return ret;
}

/**
 * struct obj_view - a payload and its objects, in memory of the test
 * @data:    the payload
 * @size:    its size
 * @offsets: where its objects are
 * @nr_objs: how many
 */
struct obj_view {
	const uint8_t *data;
	size_t size;
	const binderlite_size_t *offsets;
	size_t nr_objs;
};

/**
 * obj_reply_view() - the payload and objects of a reply
 * @rep: the reply, a BR_REPLY
 */
static inline struct obj_view obj_reply_view(const struct obj_reply *rep)
{
	return (struct obj_view){
		.data = rep->data, .size = rep->size,
		.offsets = rep->offsets, .nr_objs = rep->nr_objs,
	};
}

/**
 * obj_view_object() - copy out the object at offset number @i
 * @v:   the payload
 * @i:   which object
 * @obj: filled in
 *
 * Returns 0, or -EBADMSG if there is no such object.
 */
static inline int obj_view_object(const struct obj_view *v, size_t i,
				  struct flat_binderlite_object *obj)
{
	if (i >= v->nr_objs || v->offsets[i] > v->size || v->size - v->offsets[i] < sizeof(*obj))
		return -EBADMSG;
	memcpy(obj, v->data + v->offsets[i], sizeof(*obj));
	return 0;
}

/*
 * The peer: a child that registers with the test (the context manager) by
 * calling handle 0 with a binder object of its own, then serves calls to
 * that node by their code. It acknowledges BR_INCREFS, BR_ACQUIRE and
 * BR_DEAD_BINDER at once, as libbinder does, and records them and every
 * other event that is not about a call (struct obj_peer_event), for
 * OBJ_PEER_EVENTS. A peer spawned as the manager instead does not
 * register: the test calls it through handle 0.
 */
enum obj_peer_op {
	/* The registration call: one binder object, the peer's node. */
	OBJ_PEER_REGISTER = 0x100,
	/* Reply with a report of the call: see obj_report_view(). */
	OBJ_PEER_ECHO,
	/*
	 * The same, after taking references of its own on every handle
	 * received: BC_INCREFS and BC_ACQUIRE for a handle, BC_INCREFS for a
	 * weak handle.
	 */
	OBJ_PEER_KEEP,
	/* The same as ECHO but keep the buffer; then notify the test. */
	OBJ_PEER_HOLD,
	/* Leave the call unanswered and keep its buffer; notify the test. */
	OBJ_PEER_STALL,
	/* SIGKILL itself, holding the call. */
	OBJ_PEER_DIE,
	/* Write the payload as commands; reply with struct obj_peer_written. */
	OBJ_PEER_WRITE,
	/* Reply with the message of the payload (obj_msg_wrap()). */
	OBJ_PEER_SEND,
	/*
	 * Call as the message of the payload says (obj_msg_wrap()); reply
	 * with struct obj_peer_outcome and the reply's payload. Sent oneway,
	 * the outcome is recorded as an event instead, {cmd, 0, 0}.
	 */
	OBJ_PEER_CALL,
	/* Reply with the events recorded since the last OBJ_PEER_EVENTS. */
	OBJ_PEER_EVENTS,
};

/**
 * struct obj_peer - a peer, as the test knows it
 * @pid:    its process
 * @handle: the test's handle to the peer's node; 0 for the manager peer
 * @notify: read end of a pipe on which the peer writes a byte once it
 *          closed its copy of the test's file, once it is the manager (for
 *          the manager peer), and for every OBJ_PEER_HOLD or OBJ_PEER_STALL
 *          it received
 */
struct obj_peer {
	pid_t pid;
	uint32_t handle;
	int notify;
};

/**
 * struct obj_peer_event - an event a peer recorded
 * @cmd:    the BR_* code
 * @pad:    zero
 * @ptr:    the node of BR_INCREFS ... BR_DECREFS
 * @cookie: its cookie, or the cookie of a death notification
 */
struct obj_peer_event {
	uint32_t cmd;
	uint32_t pad;
	binderlite_uintptr_t ptr;
	binderlite_uintptr_t cookie;
};

/**
 * struct obj_peer_written - the reply to OBJ_PEER_WRITE
 * @ret:      the result of the peer's WRITE_READ
 * @pad:      zero
 * @consumed: its write_consumed
 */
struct obj_peer_written {
	int32_t ret;
	uint32_t pad;
	binderlite_size_t consumed;
};

/**
 * struct obj_peer_outcome - the start of the reply to OBJ_PEER_CALL
 * @cmd:  how the peer's call ended (see struct obj_reply)
 * @size: bytes of its reply's payload, which follow
 * @ee:   the peer's extended error after the call
 * @pad:  zero
 */
struct obj_peer_outcome {
	uint32_t cmd;
	uint32_t size;
	struct binderlite_extended_error ee;
	uint32_t pad;
};

/**
 * struct obj_peer_msg - a message in the payload of a call to a peer
 * @handle:    OBJ_PEER_CALL: the target
 * @code:      OBJ_PEER_CALL: the method
 * @data_size: bytes of payload, which follow the offsets
 * @nr_objs:   offsets, which follow
 */
struct obj_peer_msg {
	uint32_t handle;
	uint32_t code;
	uint32_t data_size;
	uint32_t nr_objs;
};

/**
 * obj_msg_wrap() - pack @inner into @outer as plain data, for
 * OBJ_PEER_SEND and OBJ_PEER_CALL
 * @outer:  the payload of the call to the peer
 * @handle: the target of the peer's call
 * @code:   its method
 * @inner:  the message the peer is to send
 */
static inline void obj_msg_wrap(struct obj_msg *outer, uint32_t handle, uint32_t code,
				const struct obj_msg *inner)
{
	struct obj_peer_msg hdr = {
		.handle = handle, .code = code,
		.data_size = inner->size, .nr_objs = inner->nr_objs,
	};

	obj_msg_init(outer);
	outer->overflow = inner->overflow;
	obj_msg_put(outer, &hdr, sizeof(hdr));
	obj_msg_put(outer, inner->offsets, inner->nr_objs * sizeof(inner->offsets[0]));
	obj_msg_put(outer, inner->data, inner->size);
}

/**
 * obj_report_view() - parse a peer's report of a call it received: the
 * struct binderlite_transaction_data as received, then its payload padded
 * to 8 bytes, then its offsets
 * @buf:  the report
 * @size: its size
 * @tr:   filled with the transaction as the peer received it
 * @v:    filled with the payload and objects as the peer received them
 *
 * Returns 0, or -EBADMSG if @buf does not hold a report.
 */
static inline int obj_report_view(const void *buf, size_t size,
				  struct binderlite_transaction_data *tr, struct obj_view *v)
{
	const uint8_t *p = buf;
	size_t data;

	if (size < sizeof(*tr))
		return -EBADMSG;
	memcpy(tr, p, sizeof(*tr));
	data = (tr->data_size + 7) & ~(size_t)7;
	if (tr->data_size > OBJ_REPLY_MAX || tr->offsets_size > OBJ_REPLY_MAX ||
	    size != sizeof(*tr) + data + tr->offsets_size)
		return -EBADMSG;
	v->data = p + sizeof(*tr);
	v->size = tr->data_size;
	v->offsets = (const binderlite_size_t *)(p + sizeof(*tr) + data);
	v->nr_objs = tr->offsets_size / sizeof(binderlite_size_t);
	return 0;
}

#define OBJ_PEER_EVENTS_MAX	128

/**
 * struct obj_peer_state - what a peer works with
 * @r:         its reader
 * @notify:    write end of its notification pipe
 * @nr_events: events recorded
 * @events:    the events
 * @in:        a message unpacked from a call
 * @out:       the reply being built
 * @rep:       the reply to a call of its own
 */
struct obj_peer_state {
	struct ipc_reader r;
	int notify;
	size_t nr_events;
	struct obj_peer_event events[OBJ_PEER_EVENTS_MAX];
	struct obj_msg in;
	struct obj_msg out;
	struct obj_reply rep;
};

static inline int obj_peer_notify(struct obj_peer_state *p)
{
	return write(p->notify, "n", 1) == 1 ? 0 : -EPIPE;
}

static inline int obj_peer_record(struct obj_peer_state *p, uint32_t cmd,
				  binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	if (p->nr_events == OBJ_PEER_EVENTS_MAX)
		return -ENOSPC;
	p->events[p->nr_events++] = (struct obj_peer_event){
		.cmd = cmd, .ptr = ptr, .cookie = cookie,
	};
	return 0;
}

/* Acknowledges and records an event that is not a call; an obj_event_fn. */
static inline int obj_peer_note(void *ctx, const struct ipc_event *ev)
{
	struct obj_peer_state *p = ctx;
	int fd = p->r.fd, ret = 0;

	switch (ev->cmd) {
	case BINDERLITE_BR_TRANSACTION_COMPLETE:
		/* Of a reply or oneway of the peer's. */
		return 0;
	case BINDERLITE_BR_INCREFS:
		ret = obj_node_done(fd, BINDERLITE_BC_INCREFS_DONE, ev->ref.ptr, ev->ref.cookie);
		break;
	case BINDERLITE_BR_ACQUIRE:
		ret = obj_node_done(fd, BINDERLITE_BC_ACQUIRE_DONE, ev->ref.ptr, ev->ref.cookie);
		break;
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		break;
	case BINDERLITE_BR_DEAD_BINDER:
		ret = obj_dead_done(fd, ev->cookie);
		/* fall through */
	case BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE:
		return ret ? ret : obj_peer_record(p, ev->cmd, 0, ev->cookie);
	case BINDERLITE_BR_FAILED_REPLY:
	case BINDERLITE_BR_DEAD_REPLY:
		return obj_peer_record(p, ev->cmd, 0, 0);
	default:
		return -EBADMSG;
	}
	return ret ? ret : obj_peer_record(p, ev->cmd, ev->ref.ptr, ev->ref.cookie);
}

/* Unpacks the obj_msg_wrap() message of @tr into @p->in. */
static inline int obj_peer_unpack(struct obj_peer_state *p,
				  const struct binderlite_transaction_data *tr,
				  struct obj_peer_msg *hdr)
{
	const uint8_t *in = ipc_payload(tr);
	size_t offsets_size;

	if (tr->data_size < sizeof(*hdr))
		return -EBADMSG;
	memcpy(hdr, in, sizeof(*hdr));
	offsets_size = hdr->nr_objs * sizeof(p->in.offsets[0]);
	if (hdr->nr_objs > OBJ_MSG_OBJS || hdr->data_size > OBJ_MSG_DATA ||
	    tr->data_size != sizeof(*hdr) + offsets_size + hdr->data_size)
		return -EBADMSG;
	obj_msg_init(&p->in);
	memcpy(p->in.offsets, in + sizeof(*hdr), offsets_size);
	p->in.nr_objs = hdr->nr_objs;
	obj_msg_put(&p->in, in + sizeof(*hdr) + offsets_size, hdr->data_size);
	return 0;
}

/* The report of a call, into @p->out. */
static inline void obj_peer_report(struct obj_peer_state *p,
				   const struct binderlite_transaction_data *tr)
{
	static const uint8_t zeros[8];

	obj_msg_put(&p->out, tr, sizeof(*tr));
	obj_msg_put(&p->out, ipc_payload(tr), tr->data_size);
	obj_msg_put(&p->out, zeros, -tr->data_size & 7);
	obj_msg_put(&p->out, (const void *)(uintptr_t)tr->data.ptr.offsets, tr->offsets_size);
}

/* OBJ_PEER_KEEP: references of its own on the handles of @tr, into @c. */
static inline void obj_peer_keep(struct ipc_cmds *c, const struct binderlite_transaction_data *tr)
{
	const binderlite_size_t *offsets = (const void *)(uintptr_t)tr->data.ptr.offsets;
	struct flat_binderlite_object obj;
	size_t i;

	for (i = 0; i < tr->offsets_size / sizeof(*offsets); i++) {
		/* The driver validated the offsets. */
		memcpy(&obj, (const uint8_t *)ipc_payload(tr) + offsets[i], sizeof(obj));
		if (obj.hdr.type == BINDERLITE_TYPE_HANDLE ||
		    obj.hdr.type == BINDERLITE_TYPE_WEAK_HANDLE)
			ipc_cmd(c, BINDERLITE_BC_INCREFS, &obj.handle, sizeof(obj.handle));
		if (obj.hdr.type == BINDERLITE_TYPE_HANDLE)
			ipc_cmd(c, BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
	}
}

/* OBJ_PEER_WRITE: the payload of @tr as commands; the result into @p->out. */
static inline void obj_peer_write(struct obj_peer_state *p,
				  const struct binderlite_transaction_data *tr)
{
	struct binderlite_write_read bwr = { .write_size = tr->data_size };
	struct obj_peer_written w;

	obj_msg_init(&p->in);
	obj_msg_put(&p->in, ipc_payload(tr), tr->data_size);
	bwr.write_buffer = (uintptr_t)p->in.data;
	w = (struct obj_peer_written){
		.ret = p->in.overflow ? -ENOSPC : ipc_write_read(p->r.fd, &bwr),
		.consumed = bwr.write_consumed,
	};
	obj_msg_put(&p->out, &w, sizeof(w));
}

/* OBJ_PEER_CALL: the call @p->in describes; its outcome into @p->out. */
static inline int obj_peer_call(struct obj_peer_state *p, const struct obj_peer_msg *hdr,
				bool oneway)
{
	struct obj_peer_outcome out = { 0 };
	int ret;

	ret = obj_msg_send(p->r.fd, BINDERLITE_BC_TRANSACTION, hdr->handle, hdr->code, 0, &p->in);
	if (!ret)
		ret = obj_call_finish(&p->r, &p->rep, obj_peer_note, p);
	if (!ret)
		ret = ipc_extended_error(p->r.fd, &out.ee);
	if (ret)
		return ret;
	if (oneway)
		return obj_reply_free(p->r.fd, &p->rep) ?: obj_peer_record(p, p->rep.cmd, 0, 0);
	out.cmd = p->rep.cmd;
	out.size = p->rep.size;
	obj_msg_put(&p->out, &out, sizeof(out));
	obj_msg_put(&p->out, p->rep.data, p->rep.size);
	return obj_reply_free(p->r.fd, &p->rep);
}

/* Serves the call @tr by its code. */
static inline int obj_peer_serve(struct obj_peer_state *p,
				 const struct binderlite_transaction_data *tr)
{
	bool oneway = tr->flags & BINDERLITE_TF_ONE_WAY;
	const struct obj_msg *reply = &p->out;
	struct ipc_cmds c = { 0 };
	struct obj_peer_msg hdr;
	int ret = 0;

	obj_msg_init(&p->out);
	switch (tr->code) {
	case OBJ_PEER_KEEP:
		obj_peer_keep(&c, tr);
		/* fall through */
	case OBJ_PEER_ECHO:
	case OBJ_PEER_HOLD:
		obj_peer_report(p, tr);
		break;
	case OBJ_PEER_STALL:
		return obj_peer_notify(p);
	case OBJ_PEER_DIE:
		raise(SIGKILL);
		return -EINTR;
	case OBJ_PEER_WRITE:
		obj_peer_write(p, tr);
		break;
	case OBJ_PEER_SEND:
		ret = obj_peer_unpack(p, tr, &hdr);
		reply = &p->in;
		break;
	case OBJ_PEER_CALL:
		ret = obj_peer_unpack(p, tr, &hdr);
		if (!ret)
			ret = obj_peer_call(p, &hdr, oneway);
		break;
	case OBJ_PEER_EVENTS:
		obj_msg_put(&p->out, p->events, p->nr_events * sizeof(p->events[0]));
		p->nr_events = 0;
		break;
	default:
		ret = -EBADMSG;
	}
	if (ret)
		return ret;
	if (tr->code != OBJ_PEER_HOLD)
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
	if (!oneway)
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, reply->data, reply->size,
			    reply->offsets, reply->nr_objs * sizeof(reply->offsets[0]));
	ret = reply->overflow ? -ENOSPC : ipc_cmds_write(p->r.fd, &c);
	if (!ret && tr->code == OBJ_PEER_HOLD)
		ret = obj_peer_notify(p);
	return ret;
}

/* Registers with the manager: a call with the peer's node (@ptr, @cookie). */
static inline int obj_peer_register(struct obj_peer_state *p, binderlite_uintptr_t ptr,
				    binderlite_uintptr_t cookie)
{
	int ret;

	obj_msg_init(&p->in);
	obj_msg_binder(&p->in, BINDERLITE_TYPE_BINDER, ptr, cookie);
	ret = obj_msg_send(p->r.fd, BINDERLITE_BC_TRANSACTION, 0, OBJ_PEER_REGISTER, 0, &p->in);
	if (!ret)
		ret = obj_call_finish(&p->r, &p->rep, obj_peer_note, p);
	if (!ret && p->rep.cmd != BINDERLITE_BR_REPLY)
		ret = -EBADMSG;
	if (!ret)
		ret = obj_reply_free(p->r.fd, &p->rep);
	/* Its BR_INCREFS and BR_ACQUIRE are no news to the test. */
	p->nr_events = 0;
	return ret;
}

/*
 * The peer's process: returns its exit status, 0 never (it serves until
 * it is killed or its device fails).
 */
static inline int obj_peer_main(const char *path, int inherited, bool mgr,
				binderlite_uintptr_t ptr, binderlite_uintptr_t cookie, int notify)
{
	static struct obj_peer_state p;
	struct ipc_event ev;
	struct ipc_dev dev;
	int ret;

	/*
	 * The test's file is the test's: a peer has a file of its own. The
	 * close flushes the test's file (its readers return at once), so the
	 * test waits for it to be done.
	 */
	close(inherited);
	p.notify = notify;
	if (obj_peer_notify(&p) || ipc_open(&dev, path, IPC_POOL_SIZE))
		return 10;
	ipc_reader_init(&p.r, dev.fd);
	if (ipc_looper(dev.fd, BINDERLITE_BC_ENTER_LOOPER))
		return 11;
	if (mgr)
		ret = ipc_become_mgr_ext(dev.fd, ptr, cookie, 0) ?: obj_peer_notify(&p);
	else
		ret = obj_peer_register(&p, ptr, cookie);
	if (ret)
		return 12;
	for (;;) {
		ret = ipc_next(&p.r, &ev);
		if (!ret)
			ret = ev.cmd == BINDERLITE_BR_TRANSACTION ? obj_peer_serve(&p, &ev.txn) :
								    obj_peer_note(&p, &ev);
		if (ret)
			return 13;
	}
}

/**
 * obj_peer_wait() - wait for a notification of @peer
 * @peer:      the peer
 * @timeout_s: for how long
 *
 * Returns 0, -ETIMEDOUT, or -EPIPE if the peer died.
 */
static inline int obj_peer_wait(const struct obj_peer *peer, int timeout_s)
{
	struct pollfd pfd = { .fd = peer->notify, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, timeout_s * 1000) != 1)
		return -ETIMEDOUT;
	return read(peer->notify, &c, 1) == 1 ? 0 : -EPIPE;
}

/**
 * obj_peer_fork() - start a peer
 * @r:      the test's reader; the peer closes its copy of the file
 * @path:   the device
 * @mgr:    the peer becomes the context manager instead of registering
 * @ptr:    the peer's node
 * @cookie: its cookie
 * @peer:   filled in, @peer->handle 0 (@peer->pid -1 on failure)
 *
 * Returns once the peer has closed its copy of the test's file. A peer
 * that is not the manager then registers: the test serves that call with
 * obj_peer_accept(), or otherwise.
 */
static inline int obj_peer_fork(struct ipc_reader *r, const char *path, bool mgr,
				binderlite_uintptr_t ptr, binderlite_uintptr_t cookie,
				struct obj_peer *peer)
{
	int fds[2], ret;
	pid_t pid;

	peer->pid = -1;
	peer->handle = 0;
	peer->notify = -1;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = ipc_fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(obj_peer_main(path, r->fd, mgr, ptr, cookie, fds[1]));
	}
	ret = pid < 0 ? -errno : 0;
	close(fds[1]);
	if (ret) {
		close(fds[0]);
		return ret;
	}
	peer->pid = pid;
	peer->notify = fds[0];
	/* The peer has closed its copy of the test's file. */
	return obj_peer_wait(peer, 30);
}

/**
 * obj_peer_accept() - serve the registration of @peer
 * @r:    the reader of the test, the context manager and a looper, with
 *        nothing else to read
 * @peer: the peer; @peer->handle becomes the test's handle to its node,
 *        on which the test keeps a weak and a strong reference
 */
static inline int obj_peer_accept(struct ipc_reader *r, struct obj_peer *peer)
{
	struct flat_binderlite_object obj;
	struct ipc_cmds c = { 0 };
	struct ipc_event ev;
	int ret;

	ret = ipc_expect(r, BINDERLITE_BR_TRANSACTION, &ev);
	if (ret)
		return ret;
	if (ev.txn.code != OBJ_PEER_REGISTER || ev.txn.sender_pid != peer->pid ||
	    ev.txn.data_size != sizeof(obj) || ev.txn.offsets_size != sizeof(binderlite_size_t))
		return -EBADMSG;
	memcpy(&obj, ipc_payload(&ev.txn), sizeof(obj));
	if (obj.hdr.type != BINDERLITE_TYPE_HANDLE)
		return -EBADMSG;
	peer->handle = obj.handle;
	ipc_cmd(&c, BINDERLITE_BC_INCREFS, &obj.handle, sizeof(obj.handle));
	ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, ev.txn.data.ptr.buffer);
	ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
	ret = ipc_cmds_write(r->fd, &c);
	return ret ?: ipc_expect(r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev);
}

/**
 * obj_hub() - make the test the context manager, with the node
 * (OBJ_MGR_PTR, OBJ_MGR_COOKIE), and a looper, so that peers can register
 * @fd: the device
 */
static inline int obj_hub(int fd)
{
	return ipc_become_mgr_ext(fd, OBJ_MGR_PTR, OBJ_MGR_COOKIE, 0) ?:
	       ipc_looper(fd, BINDERLITE_BC_ENTER_LOOPER);
}

/**
 * obj_peer_spawn() - start a peer, serve its registration, and make sure
 * it serves (it has freed its registration's reply, too)
 * @r:      the reader of the test, see obj_peer_accept()
 * @path:   the device
 * @ptr:    the peer's node
 * @cookie: its cookie
 * @peer:   filled in
 */
static inline int obj_peer_spawn(struct ipc_reader *r, const char *path, binderlite_uintptr_t ptr,
				 binderlite_uintptr_t cookie, struct obj_peer *peer)
{
	struct obj_reply rep;
	struct obj_msg m;

	obj_msg_init(&m);
	return obj_peer_fork(r, path, false, ptr, cookie, peer) ?: obj_peer_accept(r, peer) ?:
	       obj_call(r, peer->handle, OBJ_PEER_ECHO, &m, &rep);
}

/**
 * obj_peer_spawn_mgr() - start a peer that becomes the context manager,
 * with the node (@ptr, @cookie), and wait until it is
 * @r:      the reader of the test
 * @path:   the device
 * @ptr:    the manager's node
 * @cookie: its cookie
 * @peer:   filled in
 */
static inline int obj_peer_spawn_mgr(struct ipc_reader *r, const char *path,
				     binderlite_uintptr_t ptr, binderlite_uintptr_t cookie,
				     struct obj_peer *peer)
{
	/* ipc_become_mgr_ext() waits up to 5 s for a dead predecessor. */
	return obj_peer_fork(r, path, true, ptr, cookie, peer) ?: obj_peer_wait(peer, 30);
}

/**
 * obj_peer_do() - make @peer write the commands @c (OBJ_PEER_WRITE)
 * @r:    the reader of the test
 * @peer: the peer
 * @c:    the commands
 * @w:    the result of the peer's WRITE_READ
 *
 * Returns the result of the call to the peer.
 */
static inline int obj_peer_do(struct ipc_reader *r, const struct obj_peer *peer,
			      const struct ipc_cmds *c, struct obj_peer_written *w)
{
	struct obj_reply rep;
	struct obj_msg m;
	int ret;

	obj_msg_init(&m);
	m.overflow = c->overflow;
	obj_msg_put(&m, c->buf, c->len);
	ret = obj_call(r, peer->handle, OBJ_PEER_WRITE, &m, &rep);
	if (!ret && rep.size != sizeof(*w))
		ret = -EBADMSG;
	if (!ret)
		memcpy(w, rep.data, sizeof(*w));
	return ret;
}

/**
 * obj_peer_send() - make @peer reply with @inner (OBJ_PEER_SEND)
 * @r:     the reader of the test
 * @peer:  the peer
 * @inner: the payload and objects, from the peer's point of view
 * @rep:   the reply; its buffer is left to obj_reply_free()
 *
 * Returns 0 if the call ended after one BR_TRANSACTION_COMPLETE (in
 * @rep->cmd: BR_REPLY, or BR_FAILED_REPLY if the peer's reply failed), an
 * error of obj_msg_send() or obj_call_finish(), or -EBADMSG.
 */
static inline int obj_peer_send(struct ipc_reader *r, const struct obj_peer *peer,
				const struct obj_msg *inner, struct obj_reply *rep)
{
	struct obj_msg m;
	int ret;

	obj_msg_wrap(&m, 0, 0, inner);
	ret = obj_msg_send(r->fd, BINDERLITE_BC_TRANSACTION, peer->handle, OBJ_PEER_SEND, 0, &m);
	if (!ret)
		ret = obj_call_finish(r, rep, NULL, NULL);
	if (!ret && rep->completes != 1)
		ret = -EBADMSG;
	return ret;
}

/**
 * obj_peer_events_are() - whether @peer recorded exactly the events @want
 * since the last look (OBJ_PEER_EVENTS); logs the difference
 * @_metadata: the running test
 * @r:         the reader of the test
 * @peer:      the peer
 * @want:      the events expected, in order
 * @n:         how many
 */
static inline bool obj_peer_events_are(struct __test_metadata *_metadata, struct ipc_reader *r,
				       const struct obj_peer *peer,
				       const struct obj_peer_event *want, size_t n)
{
	struct obj_peer_event got;
	struct obj_reply rep;
	struct obj_msg m;
	size_t i;
	int ret;

	obj_msg_init(&m);
	ret = obj_call(r, peer->handle, OBJ_PEER_EVENTS, &m, &rep);
	if (ret) {
		TH_LOG("asking peer %d for its events: %s (%#x)", peer->pid, strerror(-ret),
		       rep.cmd);
		return false;
	}
	if (rep.size == n * sizeof(*want) && (!n || !memcmp(rep.data, want, rep.size)))
		return true;
	TH_LOG("peer %d: %zu events, expected %zu", peer->pid, rep.size / sizeof(got), n);
	for (i = 0; i < rep.size / sizeof(got); i++) {
		memcpy(&got, rep.data + i * sizeof(got), sizeof(got));
		TH_LOG("  event %zu: %#x %#llx %#llx", i, got.cmd, (unsigned long long)got.ptr,
		       (unsigned long long)got.cookie);
	}
	return false;
}

/* Whether object @i of @m is a binder an object before it is already. */
static inline bool obj_msg_repeats(const struct obj_msg *m, size_t i)
{
	struct flat_binderlite_object a, b;
	size_t j;

	memcpy(&a, m->data + m->offsets[i], sizeof(a));
	for (j = 0; j < i; j++) {
		memcpy(&b, m->data + m->offsets[j], sizeof(b));
		if (b.binder == a.binder)
			return true;
	}
	return false;
}

/**
 * obj_assert_call_new_binders() - call with binders new to the driver, and
 * assert how the owner is told
 * @_metadata: the running test
 * @r:         the reader of the test
 * @handle:    the target
 * @code:      the method; the call must be answered
 * @m:         the payload; its binder objects are the test's, new to the
 *             driver (a repeated one counts once)
 * @rep:       the reply, its buffer freed
 *
 * The sending thread, waiting for its reply, must be told that each object
 * is referenced now: BR_INCREFS, then BR_ACQUIRE for a strong one, object
 * by object, before BR_TRANSACTION_COMPLETE and the reply. The test then
 * confirms them (BC_INCREFS_DONE, BC_ACQUIRE_DONE).
 */
static inline void obj_assert_call_new_binders(struct __test_metadata *_metadata,
					       struct ipc_reader *r, uint32_t handle,
					       uint32_t code, const struct obj_msg *m,
					       struct obj_reply *rep)
{
	struct flat_binderlite_object obj;
	size_t i;
	int ret;

	ASSERT_EQ(0, obj_msg_send(r->fd, BINDERLITE_BC_TRANSACTION, handle, code, 0, m));
	for (i = 0; i < m->nr_objs; i++) {
		memcpy(&obj, m->data + m->offsets[i], sizeof(obj));
		if (obj_msg_repeats(m, i))
			continue;
		OBJ_ASSERT_NODE(r, BINDERLITE_BR_INCREFS, obj.binder, obj.cookie);
		if (obj.hdr.type == BINDERLITE_TYPE_BINDER)
			OBJ_ASSERT_NODE(r, BINDERLITE_BR_ACQUIRE, obj.binder, obj.cookie);
	}
	ret = obj_call_finish(r, rep, NULL, NULL);
	ASSERT_EQ(0, ret) TH_LOG("%s, event %#x", strerror(-ret), rep->cmd);
	ASSERT_EQ(BINDERLITE_BR_REPLY, rep->cmd);
	ASSERT_EQ(1, rep->completes);
	ASSERT_EQ(0, obj_reply_free(r->fd, rep));
	for (i = 0; i < m->nr_objs; i++) {
		memcpy(&obj, m->data + m->offsets[i], sizeof(obj));
		if (obj_msg_repeats(m, i))
			continue;
		ASSERT_EQ(0, obj_node_done(r->fd, BINDERLITE_BC_INCREFS_DONE, obj.binder,
					   obj.cookie));
		if (obj.hdr.type == BINDERLITE_TYPE_BINDER)
			ASSERT_EQ(0, obj_node_done(r->fd, BINDERLITE_BC_ACQUIRE_DONE, obj.binder,
						   obj.cookie));
	}
}

/**
 * struct obj_counts - a process's row of IPC_DEBUGFS "/procs"
 * @nodes:   nodes it owns
 * @refs:    references it holds
 * @deaths:  death notifications it asked for
 * @buffers: buffers allocated in its pool
 */
struct obj_counts {
	long long nodes, refs, deaths, buffers;
};

/**
 * obj_proc_counts() - read the row of @pid in IPC_DEBUGFS "/procs"
 * @pid: the process, with one file of the device open
 * @c:   filled in
 *
 * Returns 0, or an error of ipc_table_value() (-ENOENT: no such row).
 */
static inline int obj_proc_counts(pid_t pid, struct obj_counts *c)
{
	return ipc_table_value("procs", pid, "nodes", &c->nodes) ?:
	       ipc_table_value("procs", pid, "refs", &c->refs) ?:
	       ipc_table_value("procs", pid, "deaths", &c->deaths) ?:
	       ipc_table_value("procs", pid, "buffers", &c->buffers);
}

#endif /* _BINDERLITE_IPC_OBJ_H */
