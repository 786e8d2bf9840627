// SPDX-License-Identifier: GPL-2.0
/*
 * The client:
 *
 *   1. GET(SERVICE_NAME) from handle 0. The reply holds a HANDLE object:
 *      our handle to the service. Take references on it.
 *   2. ECHO a short message: one round trip.
 *   3. CHECKSUM a payload of almost 1 MiB, and compare with our checksum.
 *   4. Ask for a death notification on the handle and wait for it: the
 *      driver says BR_DEAD_BINDER when the service's process is gone.
 *   5. Release our references.
 */
#include "raw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Almost 1 MiB: as much as libbinder's whole pool (1 MiB less 2 pages). */
#define LARGE_SIZE	((1u << 20) - 8192)

/* What we know of the service. */
struct remote {
	const char *name;
	__u32 handle;
};

static int get_service(struct conn *c, struct remote *svc)
{
	struct get_request req = { .name = SERVICE_NAME };
	struct binderlite_transaction_data reply;
	const struct get_reply *rep;
	struct timespec start;
	int status;
	double us;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (call(c, 0, MANAGER_GET, &req, sizeof(req), NULL, 0, &reply))
		return -1;
	us = us_since(&start);
	rep = tr_data(&reply);
	status = check_reply(&reply, sizeof(*rep));
	if (!status && (reply.offsets_size != sizeof(binderlite_size_t) ||
			tr_offsets(&reply)[0] != offsetof(struct get_reply, obj) ||
			rep->obj.hdr.type != BINDERLITE_TYPE_HANDLE))
		status = -EBADMSG;
	if (status) {
		free_buffer(c, &reply);
		fprintf(stderr, "client: GET \"%s\": %s\n", svc->name, strerror(-status));
		return -1;
	}
	svc->handle = rep->obj.handle;
	/*
	 * As in the manager: the reference the handle came with goes with
	 * the buffer, so take ours before giving the buffer back.
	 */
	put_cmd(c, BINDERLITE_BC_INCREFS, &svc->handle);
	put_cmd(c, BINDERLITE_BC_ACQUIRE, &svc->handle);
	free_buffer(c, &reply);
	printf("client: GET \"%s\" from handle 0: handle %u (round trip %.0f us)\n",
	       svc->name, svc->handle, us);
	return 0;
}

static int echo_round_trip(struct conn *c, const struct remote *svc)
{
	static const char msg[] = "hello, binder";
	const size_t len = sizeof(msg) - 1;
	struct binderlite_transaction_data reply;
	struct timespec start;
	double us;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (call(c, svc->handle, SERVICE_ECHO, msg, len, NULL, 0, &reply))
		return -1;
	us = us_since(&start);
	status = check_reply(&reply, sizeof(struct reply_status) + len);
	if (!status && memcmp((const struct reply_status *)tr_data(&reply) + 1, msg, len))
		status = -EBADMSG;
	free_buffer(c, &reply);
	if (status) {
		fprintf(stderr, "client: ECHO: %s\n", strerror(-status));
		return -1;
	}
	printf("client: ECHO \"%s\" (%zu bytes): the same back (round trip %.0f us)\n",
	       msg, len, us);
	return 0;
}

/* Bytes that differ from page to page: a misplaced page changes the sum. */
static void fill_payload(unsigned char *buf, size_t size)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < size; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x >> 56;
	}
}

static int checksum_round_trip(struct conn *c, const struct remote *svc)
{
	struct binderlite_transaction_data reply;
	struct checksum_reply theirs = { 0 };
	unsigned char *payload;
	struct timespec start;
	uint64_t ours;
	int ret = -1;
	int status;
	double us;

	payload = malloc(LARGE_SIZE);
	if (!payload) {
		fprintf(stderr, "client: out of memory\n");
		return -1;
	}
	fill_payload(payload, LARGE_SIZE);
	ours = fnv1a64(payload, LARGE_SIZE);

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (call(c, svc->handle, SERVICE_CHECKSUM, payload, LARGE_SIZE, NULL, 0, &reply))
		goto out_free;
	us = us_since(&start);
	status = check_reply(&reply, sizeof(theirs));
	if (!status)
		memcpy(&theirs, tr_data(&reply), sizeof(theirs));
	free_buffer(c, &reply);
	if (status) {
		fprintf(stderr, "client: CHECKSUM: %s\n", strerror(-status));
		goto out_free;
	}
	if (theirs.size != LARGE_SIZE || theirs.fnv1a64 != ours) {
		fprintf(stderr, "client: CHECKSUM: sent %u bytes, fnv1a64 %016llx\n",
			LARGE_SIZE, (unsigned long long)ours);
		fprintf(stderr, "client: CHECKSUM: the service got %llu, fnv1a64 %016llx\n",
			(unsigned long long)theirs.size, (unsigned long long)theirs.fnv1a64);
		goto out_free;
	}
	printf("client: CHECKSUM %u bytes: fnv1a64 %016llx, the same as ours (round trip %.1f ms)\n",
	       LARGE_SIZE, (unsigned long long)ours, us / 1e3);
	ret = 0;
out_free:
	free(payload);
	return ret;
}

static int wait_for_death(struct conn *c, const struct remote *svc, const char *ready_file)
{
	/*
	 * The cookie is ours to choose; it comes back with BR_DEAD_BINDER.
	 * Like libbinder, we make it the address of what we know of the
	 * object.
	 */
	struct binderlite_handle_cookie death = {
		.handle = svc->handle,
		.cookie = (uintptr_t)svc,
	};
	const struct remote *dead;
	union ret_arg arg;
	__u32 cmd;

	put_cmd(c, BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, &death);
	/*
	 * The driver queues BR_DEAD_BINDER to the process, not to a thread,
	 * and only a looper thread takes work from the process's queue.
	 */
	put_cmd(c, BINDERLITE_BC_ENTER_LOOPER, NULL);
	if (flush_cmds(c))
		return -1;
	printf("client: death notification requested on handle %u; waiting\n", svc->handle);
	if (create_ready_file(c, ready_file))
		return -1;

	for (;;) {
		if (next_return(c, &cmd, &arg))
			return -1;
		if (cmd == BINDERLITE_BR_DEAD_BINDER)
			break;
		if (handle_common_return(c, cmd, &arg))
			return -1;
	}
	if (arg.cookie != death.cookie) {
		fprintf(stderr, "client: BR_DEAD_BINDER with a cookie we never gave: 0x%llx\n",
			(unsigned long long)arg.cookie);
		return -1;
	}
	dead = (const struct remote *)(uintptr_t)arg.cookie;
	/* The driver keeps the notification until we say we are done with it. */
	put_cmd(c, BINDERLITE_BC_DEAD_BINDER_DONE, &arg.cookie);
	put_cmd(c, BINDERLITE_BC_EXIT_LOOPER, NULL);
	printf("client: BR_DEAD_BINDER: \"%s\" (handle %u) is dead; answered BC_DEAD_BINDER_DONE\n",
	       dead->name, dead->handle);
	return 0;
}

int run_client(struct conn *c, const char *ready_file)
{
	struct remote svc = { .name = SERVICE_NAME };
	int ret = -1;

	if (get_service(c, &svc))
		return -1;
	if (echo_round_trip(c, &svc) || checksum_round_trip(c, &svc) ||
	    wait_for_death(c, &svc, ready_file))
		goto out_release;
	ret = 0;
out_release:
	/*
	 * A handle to a dead object stays valid until released: drop our
	 * references, which also drops the death notification.
	 */
	put_cmd(c, BINDERLITE_BC_RELEASE, &svc.handle);
	put_cmd(c, BINDERLITE_BC_DECREFS, &svc.handle);
	if (flush_cmds(c))
		return -1;
	if (!ret)
		printf("client: released handle %u; done\n", svc.handle);
	return ret;
}
