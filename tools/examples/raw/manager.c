// SPDX-License-Identifier: GPL-2.0
/*
 * The context manager: the process behind handle 0, the one handle every
 * process can call without having been given it. Ours keeps a table of
 * names and handles, as Android's servicemanager does:
 *
 *   ADD(name, object)  a server registers one of its objects under a name;
 *   GET(name)          a client looks the name up and gets a handle.
 *
 * A handle is a number that means something only in the process that holds
 * it. Objects travel inside payloads, at the offsets the sender lists, and
 * the driver translates each on its way: a BINDER object (the sender's own
 * object) or a HANDLE (the sender's handle to someone's object) arrives as
 * the receiver's handle to that object. The driver counts references per
 * handle; the manager holds references on every handle in its table.
 *
 * Entries stay until the manager exits, even when their server dies. A
 * real manager would request death notifications (see client.c) and drop
 * the entries of dead servers.
 */
#include "raw.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#define TABLE_SIZE	8

static struct entry {
	char name[NAME_SIZE];
	__u32 handle;
} table[TABLE_SIZE];
static size_t table_len;

static struct entry *lookup(const char *name)
{
	size_t i;

	for (i = 0; i < table_len; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/* A name in a request: not empty, and NUL-terminated within NAME_SIZE. */
static bool valid_name(const char name[NAME_SIZE])
{
	return name[0] && memchr(name, '\0', NAME_SIZE);
}

static int handle_add(struct conn *c, const struct binderlite_transaction_data *tr)
{
	const struct add_request *req = tr_data(tr);
	const binderlite_size_t *offsets = tr_offsets(tr);
	struct entry *e;

	/*
	 * One object, at offset 0. The service sent a BINDER, its object; we
	 * receive a HANDLE, our handle to that object.
	 */
	if (tr->data_size != sizeof(*req) || tr->offsets_size != sizeof(*offsets) ||
	    offsets[0] != offsetof(struct add_request, obj) ||
	    req->obj.hdr.type != BINDERLITE_TYPE_HANDLE || !valid_name(req->name))
		return send_status(c, tr, -EINVAL);
	if (lookup(req->name))
		return send_status(c, tr, -EEXIST);
	if (table_len == TABLE_SIZE)
		return send_status(c, tr, -ENOSPC);

	e = &table[table_len++];
	memcpy(e->name, req->name, NAME_SIZE);
	e->handle = req->obj.handle;
	/*
	 * The reference that came with the handle belongs to the buffer: it
	 * goes when send_status() frees the buffer, and with it the handle,
	 * unless we hold references of our own by then. Commands are carried
	 * out in order, so queue ours first. A strong one (BC_ACQUIRE) keeps
	 * the object alive and lets us hand the handle on as a HANDLE; a weak
	 * one (BC_INCREFS) only keeps the handle valid. Strong alone would
	 * do; we take both, as libbinder does.
	 */
	put_cmd(c, BINDERLITE_BC_INCREFS, &e->handle);
	put_cmd(c, BINDERLITE_BC_ACQUIRE, &e->handle);
	printf("manager: ADD \"%s\" from pid %d: our handle %u, weak and strong references taken\n",
	       e->name, tr->sender_pid, e->handle);
	return send_status(c, tr, 0);
}

static int handle_get(struct conn *c, const struct binderlite_transaction_data *tr)
{
	static const binderlite_size_t offsets[] = { offsetof(struct get_reply, obj) };
	const struct get_request *req = tr_data(tr);
	struct get_reply reply = { .obj.hdr.type = BINDERLITE_TYPE_HANDLE };
	const struct entry *e;

	if (tr->data_size != sizeof(*req) || tr->offsets_size || !valid_name(req->name))
		return send_status(c, tr, -EINVAL);
	e = lookup(req->name);
	if (!e) {
		printf("manager: GET \"%.*s\" from pid %d: no such name\n", NAME_SIZE,
		       req->name, tr->sender_pid);
		return send_status(c, tr, -ENOENT);
	}
	/*
	 * Our handle, as a HANDLE object: the client receives a handle of its
	 * own to the same object, with a reference held by the reply's buffer.
	 */
	reply.obj.handle = e->handle;
	printf("manager: GET \"%s\" from pid %d: sending our handle %u\n",
	       e->name, tr->sender_pid, e->handle);
	return send_reply(c, tr, &reply, sizeof(reply), offsets, 1);
}

static int manager_handler(struct conn *c, const struct binderlite_transaction_data *tr)
{
	switch (tr->code) {
	case MANAGER_ADD:
		return handle_add(c, tr);
	case MANAGER_GET:
		return handle_get(c, tr);
	default:
		return send_status(c, tr, -EINVAL);
	}
}

int run_manager(struct conn *c, const char *ready_file)
{
	/*
	 * The _EXT form names the object that handle 0 stands for, as a
	 * BINDER object: calls to handle 0 arrive with its binder and cookie
	 * (target.ptr and cookie), as calls to any object do.
	 */
	struct flat_binderlite_object obj = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.binder = (uintptr_t)table,
	};

	if (ioctl(c->fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &obj) < 0) {
		fprintf(stderr, "manager: BINDERLITE_SET_CONTEXT_MGR_EXT: %s%s\n",
			strerror(errno), errno == EBUSY ? " (there is one already)" : "");
		return -1;
	}
	printf("manager: context manager: handle 0 of every process reaches us; serving\n");
	return serve(c, ready_file, manager_handler);
}
