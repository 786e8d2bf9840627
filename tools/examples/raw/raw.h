/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite-raw: what the three roles share.
 *
 * Two things live here: the little toolkit every role uses to talk to the
 * driver (struct conn and the functions of conn.c), and the "wire format"
 * of this example, that is, what our transactions carry. The driver does
 * not care about the latter: a payload is bytes to it, except for the
 * objects (struct flat_binderlite_object) that the offsets array points at.
 */
#ifndef RAW_H
#define RAW_H

#include <linux/binderlite.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The receive pool we map: 4 MiB, the most binder gives a process. */
#define POOL_SIZE		(4u << 20)

/* The name the service registers under, and the room for a name. */
#define SERVICE_NAME		"raw-example"
#define NAME_SIZE		32

/* Transaction codes of the context manager (handle 0). */
enum manager_code {
	MANAGER_ADD = 1,	/* struct add_request -> struct reply_status */
	MANAGER_GET = 2,	/* struct get_request -> struct get_reply */
};

/* Transaction codes of the service. */
enum service_code {
	SERVICE_ECHO = 1,	/* bytes -> struct reply_status, the same bytes */
	SERVICE_CHECKSUM = 2,	/* bytes -> struct checksum_reply */
};

/* ADD: register an object under a name. The object is at offset 0. */
struct add_request {
	struct flat_binderlite_object obj;
	char name[NAME_SIZE];
};

/* GET: look a name up. */
struct get_request {
	char name[NAME_SIZE];
};

/*
 * Every reply starts with a status: 0, or a negative errno. A failed call's
 * reply is the status alone.
 */
struct reply_status {
	__s32 status;
	__u32 reserved;		/* keeps what follows 8-byte aligned */
};

/* The reply to GET: the object (a handle) is at offset 8. */
struct get_reply {
	struct reply_status hdr;
	struct flat_binderlite_object obj;
};

/* The reply to CHECKSUM: what the service received, and its checksum. */
struct checksum_reply {
	struct reply_status hdr;
	__u64 size;
	__u64 fnv1a64;
};

/*
 * Our connection to the driver: the open device, the receive pool, and the
 * two buffers of BINDERLITE_WRITE_READ. Commands (BC_*) wait in @out until
 * the next write-read sends them; returns (BR_*) from the last read wait in
 * @in until the program has handled each one.
 */
struct conn {
	const char *who;		/* "manager", "service" or "client" */
	int fd;
	void *pool;
	unsigned char out[256];
	size_t out_len;
	unsigned char in[256];
	size_t in_len, in_pos;
};

/* The argument of a return; which member depends on the BR_* code. */
union ret_arg {
	struct binderlite_transaction_data tr;	/* BR_TRANSACTION, BR_REPLY */
	struct binderlite_ptr_cookie obj;	/* BR_INCREFS, BR_ACQUIRE, ... */
	binderlite_uintptr_t cookie;		/* BR_DEAD_BINDER */
	__s32 error;				/* BR_ERROR */
};

/* Handles a transaction a server received; see serve(). */
typedef int (*handler_fn)(struct conn *c,
			  const struct binderlite_transaction_data *tr);

int conn_open(struct conn *c, const char *who, const char *path);
void conn_close(struct conn *c);

void put_cmd(struct conn *c, __u32 cmd, const void *arg);
int flush_cmds(struct conn *c);
int next_return(struct conn *c, __u32 *cmd, union ret_arg *arg);
int handle_common_return(struct conn *c, __u32 cmd, const union ret_arg *arg);

int call(struct conn *c, __u32 handle, __u32 code, const void *data,
	 size_t size, const binderlite_size_t *offsets, size_t n_offsets,
	 struct binderlite_transaction_data *reply);
int check_reply(const struct binderlite_transaction_data *reply, size_t size);
void free_buffer(struct conn *c, const struct binderlite_transaction_data *tr);
int send_reply(struct conn *c, const struct binderlite_transaction_data *tr,
	       const void *data, size_t size,
	       const binderlite_size_t *offsets, size_t n_offsets);
int send_status(struct conn *c, const struct binderlite_transaction_data *tr,
		int status);
int serve(struct conn *c, const char *ready_file, handler_fn handler);

int create_ready_file(struct conn *c, const char *path);
uint64_t fnv1a64(const void *data, size_t size);
double us_since(const struct timespec *start);

/* The roles; each returns 0 on success. */
int run_manager(struct conn *c, const char *ready_file);
int run_service(struct conn *c, const char *ready_file);
int run_client(struct conn *c, const char *ready_file);

/* Where a received transaction's payload and offsets are: our pool. */
static inline const void *tr_data(const struct binderlite_transaction_data *tr)
{
	return (const void *)(uintptr_t)tr->data.ptr.buffer;
}

static inline const binderlite_size_t *
tr_offsets(const struct binderlite_transaction_data *tr)
{
	return (const binderlite_size_t *)(uintptr_t)tr->data.ptr.offsets;
}

#endif /* RAW_H */
