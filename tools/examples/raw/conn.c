// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite-raw: the toolkit every role uses to talk to the driver.
 *
 * Everything but the set-up goes through one ioctl, BINDERLITE_WRITE_READ.
 * It takes two buffers: commands for the driver (BC_*), which it carries
 * out in order, then room for returns (BR_*), which it fills with what it
 * has for this thread, waiting for something if there is nothing yet. Each
 * command and each return is a 32-bit code followed by its argument, and
 * the code is an ioctl number that encodes the argument's size:
 * _IOC_SIZE(code) bytes.
 *
 * Every function here returns 0 on success, or -1 after saying why on
 * stderr, unless its comment says otherwise.
 */
#include "raw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Opens @path, checks the protocol version and maps the receive pool. */
int conn_open(struct conn *c, const char *who, const char *path)
{
	struct binderlite_version ver = { .protocol_version = -1 };

	memset(c, 0, sizeof(*c));
	c->who = who;
	c->fd = open(path, O_RDWR | O_CLOEXEC);
	if (c->fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", who, path, strerror(errno));
		return -1;
	}
	if (ioctl(c->fd, BINDERLITE_VERSION, &ver) < 0) {
		fprintf(stderr, "%s: BINDERLITE_VERSION: %s\n", who, strerror(errno));
		goto err_close;
	}
	if (ver.protocol_version != BINDERLITE_CURRENT_PROTOCOL_VERSION) {
		fprintf(stderr, "%s: %s speaks protocol %d, we speak %d\n", who,
			path, ver.protocol_version, BINDERLITE_CURRENT_PROTOCOL_VERSION);
		goto err_close;
	}
	/*
	 * The receive pool: the driver copies every payload sent to this
	 * process into it, and tells us where. It belongs to the driver, so
	 * we may only read it, and must give each buffer back when done
	 * (BC_FREE_BUFFER).
	 */
	c->pool = mmap(NULL, POOL_SIZE, PROT_READ, MAP_PRIVATE, c->fd, 0);
	if (c->pool == MAP_FAILED) {
		fprintf(stderr, "%s: mmap %u KiB pool: %s\n", who, POOL_SIZE >> 10,
			strerror(errno));
		goto err_close;
	}
	printf("%s: %s: protocol %d, %u KiB receive pool, pid %d\n", who, path,
	       ver.protocol_version, POOL_SIZE >> 10, (int)getpid());
	return 0;

err_close:
	close(c->fd);
	return -1;
}

/*
 * Closing the file also drops every reference, death notification and
 * buffer the process still held: nothing leaks when a process dies.
 */
void conn_close(struct conn *c)
{
	munmap(c->pool, POOL_SIZE);
	close(c->fd);
}

/*
 * Queues the command @cmd and its argument (_IOC_SIZE(cmd) bytes at @arg)
 * for the next write-read.
 */
void put_cmd(struct conn *c, __u32 cmd, const void *arg)
{
	size_t size = _IOC_SIZE(cmd);

	/* Between two write-reads we queue a few commands, never 256 bytes. */
	if (c->out_len + sizeof(cmd) + size > sizeof(c->out)) {
		fprintf(stderr, "%s: command queue overflow\n", c->who);
		abort();
	}
	memcpy(c->out + c->out_len, &cmd, sizeof(cmd));
	if (size)
		memcpy(c->out + c->out_len + sizeof(cmd), arg, size);
	c->out_len += sizeof(cmd) + size;
}

/*
 * One BINDERLITE_WRITE_READ: writes the queued commands and, if @read,
 * waits for returns and keeps them in c->in.
 */
static int write_read(struct conn *c, bool read)
{
	struct binderlite_write_read bwr = {
		.write_size = c->out_len,
		.write_buffer = (uintptr_t)c->out,
		.read_size = read ? sizeof(c->in) : 0,
		.read_buffer = (uintptr_t)c->in,
	};
	int ret, err;

	ret = ioctl(c->fd, BINDERLITE_WRITE_READ, &bwr);
	err = errno;
	/*
	 * The driver says how far it got, also when the ioctl failed. What it
	 * did not consume stays queued: a driver that has an error to report
	 * (in the returns) stops taking commands until it has reported it.
	 */
	memmove(c->out, c->out + bwr.write_consumed, c->out_len - bwr.write_consumed);
	c->out_len -= bwr.write_consumed;
	if (ret < 0) {
		fprintf(stderr, "%s: BINDERLITE_WRITE_READ: %s\n", c->who, strerror(err));
		return -1;
	}
	if (read) {
		c->in_len = bwr.read_consumed;
		c->in_pos = 0;
	}
	return 0;
}

/* Writes the queued commands now, without reading. */
int flush_cmds(struct conn *c)
{
	if (write_read(c, false))
		return -1;
	if (c->out_len) {
		fprintf(stderr, "%s: the driver left %zu bytes of commands\n",
			c->who, c->out_len);
		return -1;
	}
	return 0;
}

/*
 * The next return from the driver: its code in *@cmd, its argument copied
 * into *@arg. When every return of the last read has been handled, this is
 * where the program writes its queued commands and waits for more.
 */
int next_return(struct conn *c, __u32 *cmd, union ret_arg *arg)
{
	size_t size;

	if (c->in_pos == c->in_len) {
		if (write_read(c, true))
			return -1;
		/* Binder starts every read with BR_NOOP: never empty. */
		if (!c->in_len) {
			fprintf(stderr, "%s: the driver returned nothing\n", c->who);
			return -1;
		}
	}
	if (c->in_len - c->in_pos < sizeof(*cmd))
		goto err_truncated;
	memcpy(cmd, c->in + c->in_pos, sizeof(*cmd));
	size = _IOC_SIZE(*cmd);
	if (size > sizeof(*arg)) {
		fprintf(stderr, "%s: unexpected return 0x%08x\n", c->who, *cmd);
		return -1;
	}
	if (c->in_len - c->in_pos - sizeof(*cmd) < size)
		goto err_truncated;
	memcpy(arg, c->in + c->in_pos + sizeof(*cmd), size);
	c->in_pos += sizeof(*cmd) + size;
	return 0;

err_truncated:
	fprintf(stderr, "%s: a return runs past the end of the read\n", c->who);
	return -1;
}

/*
 * Handles the returns that may come whatever a role is doing. Any other
 * return is one the caller did not expect: an error.
 */
int handle_common_return(struct conn *c, __u32 cmd, const union ret_arg *arg)
{
	switch (cmd) {
	case BINDERLITE_BR_NOOP:
		/* Every read starts with one. */
		return 0;
	case BINDERLITE_BR_TRANSACTION_COMPLETE:
		/* The driver has taken a transaction or a reply of ours. */
		return 0;
	case BINDERLITE_BR_SPAWN_LOOPER:
		/*
		 * A request for one more looper thread. The driver makes it only
		 * while the process started fewer than SET_MAX_THREADS of them
		 * (0 by default, and in serve()), so it never comes here; we
		 * serve on one thread and would ignore it anyway.
		 */
		return 0;
	case BINDERLITE_BR_INCREFS:
	case BINDERLITE_BR_ACQUIRE:
		/*
		 * Another process got a handle to an object of ours: a weak
		 * (INCREFS) or a strong (ACQUIRE) reference now exists. The
		 * driver took a reference in our name meanwhile; it drops it
		 * when we confirm that we keep the object alive, with the same
		 * ptr and cookie.
		 */
		put_cmd(c, cmd == BINDERLITE_BR_INCREFS ? BINDERLITE_BC_INCREFS_DONE :
			   BINDERLITE_BC_ACQUIRE_DONE, &arg->obj);
		printf("%s: %s on our object 0x%llx: answered %s\n", c->who,
		       cmd == BINDERLITE_BR_INCREFS ? "BR_INCREFS" : "BR_ACQUIRE",
		       (unsigned long long)arg->obj.ptr,
		       cmd == BINDERLITE_BR_INCREFS ? "BC_INCREFS_DONE" : "BC_ACQUIRE_DONE");
		return 0;
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		/*
		 * The last strong (RELEASE) or weak (DECREFS) reference from
		 * elsewhere is gone. Nothing to answer; our objects are static.
		 */
		printf("%s: %s on our object 0x%llx\n", c->who,
		       cmd == BINDERLITE_BR_RELEASE ? "BR_RELEASE" : "BR_DECREFS",
		       (unsigned long long)arg->obj.ptr);
		return 0;
	case BINDERLITE_BR_ERROR:
		fprintf(stderr, "%s: BR_ERROR %d\n", c->who, arg->error);
		return -1;
	default:
		fprintf(stderr, "%s: unexpected return 0x%08x\n", c->who, cmd);
		return -1;
	}
}

/* Says why the driver answered a call with BR_FAILED_REPLY. */
static void report_failed_reply(struct conn *c, __u32 handle, __u32 code)
{
	struct binderlite_extended_error ee = { 0 };

	ioctl(c->fd, BINDERLITE_GET_EXTENDED_ERROR, &ee);
	fprintf(stderr, "%s: call %u to handle %u: BR_FAILED_REPLY (%s)\n",
		c->who, code, handle, ee.param ? strerror(-ee.param) : "no reason given");
}

/*
 * Calls @handle: sends a transaction and waits for the reply. The driver
 * copies @data, and the offsets of the @n_offsets objects in it, straight
 * into the receiver's pool, translating each object on the way. On success
 * *@reply describes the reply, which is in our pool until free_buffer().
 */
int call(struct conn *c, __u32 handle, __u32 code, const void *data,
	 size_t size, const binderlite_size_t *offsets, size_t n_offsets,
	 struct binderlite_transaction_data *reply)
{
	struct binderlite_transaction_data tr = {
		.target.handle = handle,
		.code = code,
		.data_size = size,
		.offsets_size = n_offsets * sizeof(*offsets),
		.data.ptr.buffer = (uintptr_t)data,
		.data.ptr.offsets = (uintptr_t)offsets,
	};
	union ret_arg arg;
	__u32 cmd;

	put_cmd(c, BINDERLITE_BC_TRANSACTION, &tr);
	for (;;) {
		if (next_return(c, &cmd, &arg))
			return -1;
		switch (cmd) {
		case BINDERLITE_BR_REPLY:
			*reply = arg.tr;
			return 0;
		case BINDERLITE_BR_DEAD_REPLY:
			fprintf(stderr, "%s: call %u to handle %u: BR_DEAD_REPLY (nobody there)\n",
				c->who, code, handle);
			return -1;
		case BINDERLITE_BR_FAILED_REPLY:
			report_failed_reply(c, handle, code);
			return -1;
		default:
			if (handle_common_return(c, cmd, &arg))
				return -1;
		}
	}
}

/*
 * The status a reply of this example carries: 0 (and then the reply is
 * @size bytes long), the callee's negative errno, or -EBADMSG if the reply
 * is malformed. Says nothing on stderr.
 */
int check_reply(const struct binderlite_transaction_data *reply, size_t size)
{
	const struct reply_status *st = tr_data(reply);

	if (reply->data_size < sizeof(*st))
		return -EBADMSG;
	if (st->status)
		return st->status < 0 ? st->status : -EBADMSG;
	return reply->data_size == size ? 0 : -EBADMSG;
}

/* Gives a buffer the driver put in our pool back; it must not be read after. */
void free_buffer(struct conn *c, const struct binderlite_transaction_data *tr)
{
	put_cmd(c, BINDERLITE_BC_FREE_BUFFER, &tr->data.ptr.buffer);
}

/*
 * Answers the transaction @tr. Its buffer goes back first: the caller may
 * call again as soon as it has the reply, and its next payload needs the
 * room in our pool. Both commands are written before this returns, so
 * @data may go away afterwards; it must not point into @tr's buffer.
 * There is no target: the driver knows which call this thread answers.
 */
int send_reply(struct conn *c, const struct binderlite_transaction_data *tr,
	       const void *data, size_t size,
	       const binderlite_size_t *offsets, size_t n_offsets)
{
	struct binderlite_transaction_data reply = {
		.data_size = size,
		.offsets_size = n_offsets * sizeof(*offsets),
		.data.ptr.buffer = (uintptr_t)data,
		.data.ptr.offsets = (uintptr_t)offsets,
	};

	free_buffer(c, tr);
	put_cmd(c, BINDERLITE_BC_REPLY, &reply);
	return flush_cmds(c);
}

/* Answers @tr with a bare status. */
int send_status(struct conn *c, const struct binderlite_transaction_data *tr,
		int status)
{
	struct reply_status st = { .status = status };

	return send_reply(c, tr, &st, sizeof(st), NULL, 0);
}

/*
 * A server's loop: declares this thread a looper, creates @ready_file
 * (unless NULL), then hands every incoming transaction to @handler, which
 * must answer it with send_reply() or send_status(). Returns only on error.
 */
int serve(struct conn *c, const char *ready_file, handler_fn handler)
{
	__u32 max_threads = 0;
	union ret_arg arg;
	__u32 cmd;

	/* We serve on this one thread: the driver is not to ask for more. */
	if (ioctl(c->fd, BINDERLITE_SET_MAX_THREADS, &max_threads) < 0) {
		fprintf(stderr, "%s: BINDERLITE_SET_MAX_THREADS: %s\n", c->who,
			strerror(errno));
		return -1;
	}
	/*
	 * Calls to our objects are queued to the process, not to a thread,
	 * and only a looper thread takes work from the process's queue.
	 */
	put_cmd(c, BINDERLITE_BC_ENTER_LOOPER, NULL);
	if (flush_cmds(c) || create_ready_file(c, ready_file))
		return -1;
	for (;;) {
		if (next_return(c, &cmd, &arg))
			return -1;
		if (cmd != BINDERLITE_BR_TRANSACTION) {
			if (handle_common_return(c, cmd, &arg))
				return -1;
			continue;
		}
		if (arg.tr.flags & BINDERLITE_TF_ONE_WAY) {
			/* Nobody waits for a reply; none of our calls are one-way. */
			printf("%s: one-way call %u from pid %d ignored\n", c->who,
			       arg.tr.code, arg.tr.sender_pid);
			free_buffer(c, &arg.tr);
			continue;
		}
		if (handler(c, &arg.tr))
			return -1;
	}
}

/* Creates the empty file @path, if there is one, to tell a script we are ready. */
int create_ready_file(struct conn *c, const char *path)
{
	int fd;

	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: create %s: %s\n", c->who, path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* FNV-1a, 64 bits: a simple checksum, not a cryptographic one. */
uint64_t fnv1a64(const void *data, size_t size)
{
	const unsigned char *p = data;
	uint64_t hash = 0xcbf29ce484222325ULL;

	while (size--) {
		hash ^= *p++;
		hash *= 0x100000001b3ULL;
	}
	return hash;
}

/* Microseconds since @start, on the monotonic clock. */
double us_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1e6 + (now.tv_nsec - start->tv_nsec) / 1e3;
}
