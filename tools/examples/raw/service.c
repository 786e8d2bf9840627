// SPDX-License-Identifier: GPL-2.0
/*
 * The service: an object in this process that other processes call through
 * a handle. It registers with the context manager as SERVICE_NAME, then
 * serves two calls on it:
 *
 *   ECHO      returns the payload it was sent;
 *   CHECKSUM  returns the size and the FNV-1a 64 checksum of the payload
 *             (the client sends one of almost 1 MiB).
 */
#include "raw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Our object. An object is whatever the process says it is: the driver
 * knows it by the 64-bit value we give as "binder" (here its address), and
 * hands that value back in target.ptr of every call to it.
 */
static const char object[] = "the " SERVICE_NAME " service";

static int echo(struct conn *c, const struct binderlite_transaction_data *tr)
{
	size_t size = sizeof(struct reply_status) + tr->data_size;
	struct reply_status *reply;
	int ret;

	if (tr->offsets_size)
		return send_status(c, tr, -EINVAL);
	/* The request's buffer goes back before the reply goes out: copy. */
	reply = calloc(1, size);
	if (!reply) {
		fprintf(stderr, "service: ECHO: out of memory\n");
		return send_status(c, tr, -ENOMEM);
	}
	memcpy(reply + 1, tr_data(tr), tr->data_size);
	printf("service: ECHO %llu bytes from pid %d\n",
	       (unsigned long long)tr->data_size, tr->sender_pid);
	ret = send_reply(c, tr, reply, size, NULL, 0);
	free(reply);
	return ret;
}

static int checksum(struct conn *c, const struct binderlite_transaction_data *tr)
{
	struct checksum_reply reply = {
		.size = tr->data_size,
		.fnv1a64 = fnv1a64(tr_data(tr), tr->data_size),
	};

	if (tr->offsets_size)
		return send_status(c, tr, -EINVAL);
	printf("service: CHECKSUM %llu bytes from pid %d: fnv1a64 %016llx\n",
	       (unsigned long long)reply.size, tr->sender_pid,
	       (unsigned long long)reply.fnv1a64);
	return send_reply(c, tr, &reply, sizeof(reply), NULL, 0);
}

static int service_handler(struct conn *c, const struct binderlite_transaction_data *tr)
{
	/* We have one object: every call is to it. */
	if (tr->target.ptr != (uintptr_t)object)
		return send_status(c, tr, -EINVAL);
	switch (tr->code) {
	case SERVICE_ECHO:
		return echo(c, tr);
	case SERVICE_CHECKSUM:
		return checksum(c, tr);
	default:
		return send_status(c, tr, -EINVAL);
	}
}

int run_service(struct conn *c, const char *ready_file)
{
	/*
	 * ADD(SERVICE_NAME, our object). The object is a BINDER: an object
	 * of the sending process. The offsets array lists where the payload
	 * holds objects, so that the driver can translate them.
	 */
	static const binderlite_size_t offsets[] = { offsetof(struct add_request, obj) };
	struct add_request req = {
		.obj = {
			.hdr.type = BINDERLITE_TYPE_BINDER,
			.binder = (uintptr_t)object,
		},
		.name = SERVICE_NAME,
	};
	struct binderlite_transaction_data reply;
	struct timespec start;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (call(c, 0, MANAGER_ADD, &req, sizeof(req), offsets, 1, &reply))
		return -1;
	status = check_reply(&reply, sizeof(struct reply_status));
	free_buffer(c, &reply);
	if (status) {
		fprintf(stderr, "service: ADD \"%s\": %s\n", SERVICE_NAME, strerror(-status));
		return -1;
	}
	printf("service: ADD \"%s\" (object 0x%llx) to handle 0: done in %.0f us; serving\n",
	       SERVICE_NAME, (unsigned long long)req.obj.binder, us_since(&start));
	return serve(c, ready_file, service_handler);
}
