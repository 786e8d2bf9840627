// SPDX-License-Identifier: GPL-2.0
/*
 * Kill storms: many processes dying at any instant while transactions of
 * every kind are in flight, under memory pressure.
 *
 * The cast: a context manager with a thread pool that also serves as a
 * registry (servers register their node with it, senders look servers up);
 * STORM_SERVERS servers with STORM_SERVER_THREADS looper threads each;
 * STORM_SENDERS senders; a pressure process that makes the shrinkers
 * reclaim pool pages (drop_caches 2 and 3, and binderlite's debugfs
 * "reclaim") while payloads arrive. Where the kernel has a memory cgroup
 * controller, the storm's processes run in a cgroup whose memory.high
 * (below their peak) makes the kernel reclaim and throttle them, under a
 * memory.max.
 *
 * The senders share BL_STORM_TXNS tickets (default STORM_DEFAULT_TXNS):
 * each ticket is one transaction to the manager or a server, a call (3 in
 * 4) or a oneway, with a plain self-checking payload, with a binder object
 * of the sender, or with fds (an fd object and an fd array) and
 * scatter-gather buffers. The test SIGKILLs a random sender, server or
 * manager every few dozen tickets and starts another.
 *
 * Accounting, through shared memory, per sender incarnation: every ticket
 * ends in exactly one outcome (a call: BR_REPLY, BR_DEAD_REPLY or
 * BR_FAILED_REPLY; a oneway: BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY or
 * BR_FAILED_REPLY), or is "lost": taken by a sender SIGKILLed before its
 * outcome came, at most one per killed sender (a lost oneway may still be
 * delivered: the driver loses nothing it accepted). Every reply carries the
 * call's sequence number and the checksum of its payload, which the
 * receiver checked byte by byte as well; the servers count the oneways
 * they received. A BR_FAILED_REPLY must be explained by its extended
 * error: a full pool (-ENOSPC) or no memory (-ENOMEM); a BR_DEAD_REPLY is
 * explained by the kills. At the end every sender still alive holds the
 * descriptors it had, so does the last manager, nobody holds the pipe end
 * that travelled, and on binderlite debugfs shows nothing left, resident
 * pool pages included. Runs against /dev/binderlite and /dev/binder.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "binderlite_ipc_sg.h"

#define STORM_SENDERS		12
#define STORM_SERVERS		3
#define STORM_SERVER_THREADS	3
#define STORM_MGR_THREADS	2
/* Tickets between two kills: 1 to 2 * STORM_KILL_EVERY, at random. */
#define STORM_KILL_EVERY	25
/* Sender incarnations the accounting has room for. */
#define STORM_SLOTS		8192
#define STORM_DEFAULT_TXNS	1200
/* A storm that completes no ticket for this long is hung. */
#define STORM_STALL_MS		(300 * 1000)

#define STORM_CGROUP_ROOT	"/sys/fs/cgroup"
#define STORM_CGROUP		STORM_CGROUP_ROOT "/binderlite-storm"
#define STORM_MEM_MAX		"16M"
/* Above it the group's memory is reclaimed and its tasks throttled. */
#define STORM_MEM_HIGH		"3M"

/* Methods. */
#define STORM_CODE_HASH		1
#define STORM_CODE_REGISTER	2
#define STORM_CODE_LOOKUP	3
#define STORM_CODE_SG		0x53544f52U

/* The nodes of servers and senders. */
#define STORM_SERVER_NODE(i)	(0x5700000ULL + 0x100 * (i))
#define STORM_SENDER_NODE	0x5800000ULL

#define OBJ_SIZE		sizeof(struct flat_binderlite_object)
/* The largest plain payload, after its object and sequence number. */
#define STORM_PLAIN_MAX		250000

/* Errnos the accounting of BR_FAILED_REPLY tells apart. */
#define STORM_ERRNOS		140

/* Exit codes of children that saw something wrong. */
#define EXIT_CORRUPT	1
#define EXIT_PROTOCOL	2
/* A survivor's descriptors are not what they were. */
#define EXIT_LEAK	3

enum storm_kind { STORM_CALL, STORM_ONEWAY, STORM_KINDS };
enum storm_end { STORM_REPLY, STORM_DEAD, STORM_FAILED, STORM_COMPLETE, STORM_ENDS };

/**
 * struct storm_slot - one sender incarnation's tickets
 * @drawn:  tickets it took
 * @done:   of those, how many ended, by kind and outcome
 * @killed: the test SIGKILLed it
 */
struct storm_slot {
	long drawn;
	long done[STORM_KINDS][STORM_ENDS];
	int killed;
};

/**
 * struct storm_shared - what the storm's processes share
 * @total:         tickets to send
 * @tickets:       tickets taken so far (may pass @total)
 * @mgr_gen:       bumped when a new manager is up: servers register again
 * @stop:          the pressure process stops
 * @received:      oneways the servers and managers received and checked
 * @served:        calls they answered
 * @reply_errors:  replies that could not be delivered (BR_DEAD_REPLY or
 *                 BR_FAILED_REPLY to the replier)
 * @lookups:       registry lookups by senders
 * @found:         of those, answered with a server's handle
 * @lookup_ends:   their outcomes
 * @why_failed:    BR_FAILED_REPLYs by their extended error's errno (the
 *                 last entry: any larger one)
 * @handed:        lookups the manager answered with a handle
 * @registrations: servers' registrations that the manager accepted
 * @drops:         drop_caches writes
 * @reclaims:      binderlite "reclaim" writes
 * @nslots:        sender incarnations so far
 * @slot:          their accounting
 */
struct storm_shared {
	long total;
	long tickets;
	int mgr_gen;
	int stop;
	long received;
	long served;
	long reply_errors;
	long lookups;
	long found;
	long lookup_ends[STORM_ENDS];
	long why_failed[STORM_ERRNOS];
	long handed;
	long registrations;
	long drops;
	long reclaims;
	int nslots;
	struct storm_slot slot[STORM_SLOTS];
};

/**
 * struct storm_cg - the memory cgroup of the storm
 * @on:      the storm's processes join STORM_CGROUP
 * @mounted: the test mounted cgroup2 on STORM_CGROUP_ROOT
 */
struct storm_cg {
	bool on;
	bool mounted;
};

static struct storm_shared *storm_sh;
/* The pipe whose write end travels, made before any child. */
static int storm_pipe[2];
static bool storm_in_cg;

static void storm_add(long *p, long n)
{
	__atomic_add_fetch(p, n, __ATOMIC_RELAXED);
}

static long storm_get(const long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Ends a child (any of its threads) that saw something wrong. */
static void __noreturn storm_die(int code, const char *what)
{
	fprintf(stderr, "# storm: process %d: %s\n", getpid(), what);
	_exit(code);
}

static int storm_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int storm_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* A child of the storm moves itself into the memory cgroup. */
static void storm_join_cg(void)
{
	if (storm_in_cg && storm_write_file(STORM_CGROUP "/cgroup.procs", "0"))
		storm_die(EXIT_PROTOCOL, "cannot join the memory cgroup");
}

/* Whether @fd is a descriptor of the pipe. */
static bool storm_fd_ok(int fd)
{
	return sg_same_file(fd, storm_pipe[0]) == 1;
}

/* The reply to a plain call: its sequence number and its payload's checksum. */
struct storm_answer {
	uint64_t seq;
	uint32_t hash;
	uint32_t pad;
};

/*
 * Checks a plain payload: [a handle object] sequence number, then
 * ipc_fill()'s pattern for it. Returns 0 with @ans filled in, or EXIT_CORRUPT.
 */
static int storm_plain_check(const struct binderlite_transaction_data *tr,
			     struct storm_answer *ans)
{
	size_t skip = tr->offsets_size ? OBJ_SIZE : 0;
	const uint8_t *p = ipc_payload(tr);
	struct flat_binderlite_object obj;

	if ((tr->offsets_size && tr->offsets_size != sizeof(binderlite_size_t)) ||
	    tr->data_size < skip + sizeof(ans->seq))
		return EXIT_CORRUPT;
	if (skip && (ipc_obj_at(tr, 0, &obj, sizeof(obj)) ||
		     obj.hdr.type != BINDERLITE_TYPE_HANDLE))
		return EXIT_CORRUPT;
	p += skip;
	memcpy(&ans->seq, p, sizeof(ans->seq));
	p += sizeof(ans->seq);
	if (ipc_check_fill(p, tr->data_size - skip - sizeof(ans->seq), ans->seq) != -1)
		return EXIT_CORRUPT;
	ans->hash = ipc_hash(p, tr->data_size - skip - sizeof(ans->seq));
	ans->pad = 0;
	return 0;
}

/*
 * The fd and scatter-gather payload: after 8 bytes of sequence number, an
 * fd object of the pipe's write end, a root buffer (struct storm_root) with
 * a pointer to a blob and an fd array of two more, and the blob. The
 * reply: the blob's checksum, then an fd object of the pipe at offset 8.
 */
struct storm_root {
	uint64_t blob;
	uint32_t fds[2];
};

struct storm_sg_reply {
	uint32_t hash;
	uint32_t pad;
	struct binderlite_fd_object fd;
};

/* Checks an fd/SG payload; returns 0 or EXIT_CORRUPT; *@fd is its fd object's fd. */
static int storm_sg_check(const struct binderlite_transaction_data *tr, uint32_t *hash, int *fd)
{
	struct binderlite_fd_array_object fda;
	struct binderlite_buffer_object root, blob;
	struct binderlite_fd_object fo;
	struct storm_root r;
	uint64_t seed;

	*fd = -1;
	if (tr->offsets_size != 4 * sizeof(binderlite_size_t) ||
	    ipc_obj_at(tr, 0, &fo, sizeof(fo)) || ipc_obj_at(tr, 1, &root, sizeof(root)) ||
	    ipc_obj_at(tr, 2, &blob, sizeof(blob)) || ipc_obj_at(tr, 3, &fda, sizeof(fda)) ||
	    fo.hdr.type != BINDERLITE_TYPE_FD || root.length != sizeof(r) || fda.num_fds != 2)
		return EXIT_CORRUPT;
	*fd = fo.fd;
	memcpy(&seed, ipc_payload(tr), sizeof(seed));
	memcpy(&r, (const void *)(uintptr_t)root.buffer, sizeof(r));
	if (fo.cookie != seed || r.blob != blob.buffer || !storm_fd_ok(fo.fd) ||
	    !storm_fd_ok(r.fds[0]) || !storm_fd_ok(r.fds[1]) || r.fds[0] == r.fds[1] ||
	    ipc_check_fill((const void *)(uintptr_t)blob.buffer, blob.length, seed) != -1)
		return EXIT_CORRUPT;
	*hash = ipc_hash((const void *)(uintptr_t)blob.buffer, blob.length);
	return 0;
}

/**
 * struct storm_server - a server or manager process's shared state
 * @fd:  its device
 * @mgr: it is the context manager (the registry)
 * @fds: the manager's descriptors when it started serving
 */
struct storm_server {
	int fd;
	bool mgr;
	int fds;
};

/* The registry, the manager's: each server's handle, under storm_lock. */
static pthread_mutex_t storm_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t storm_handles[STORM_SERVERS];
static bool storm_registered[STORM_SERVERS];

/* The manager: a server registers the node it sends; hold it, drop the last. */
static int storm_register(struct storm_server *s, const struct binderlite_transaction_data *tr)
{
	struct flat_binderlite_object obj;
	struct ipc_cmds c = { 0 };
	uint64_t idx;
	int ret;

	if (tr->data_size != sizeof(idx) + OBJ_SIZE ||
	    tr->offsets_size != sizeof(binderlite_size_t) ||
	    ipc_obj_at(tr, 0, &obj, sizeof(obj)) || obj.hdr.type != BINDERLITE_TYPE_HANDLE)
		return EXIT_CORRUPT;
	memcpy(&idx, ipc_payload(tr), sizeof(idx));
	if (idx >= STORM_SERVERS)
		return EXIT_CORRUPT;
	pthread_mutex_lock(&storm_lock);
	/* The handle outlives the buffer once acquired. */
	if (!storm_registered[idx] || storm_handles[idx] != obj.handle)
		ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
	if (storm_registered[idx] && storm_handles[idx] != obj.handle)
		ipc_cmd(&c, BINDERLITE_BC_RELEASE, &storm_handles[idx], sizeof(uint32_t));
	/*
	 * The reply comes last: when it fails (the server died), the driver,
	 * as binder, consumes no command after it.
	 */
	ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
	storm_handles[idx] = obj.handle;
	storm_registered[idx] = true;
	ret = ipc_cmds_write(s->fd, &c);
	pthread_mutex_unlock(&storm_lock);
	storm_add(&storm_sh->registrations, 1);
	if (ret)
		fprintf(stderr, "# storm: the manager: a registration: %s\n", strerror(-ret));
	return ret ? EXIT_PROTOCOL : 0;
}

/* The manager: the handle of a server, or an empty reply if none registered. */
static int storm_lookup_reply(struct storm_server *s, const struct binderlite_transaction_data *tr)
{
	const binderlite_size_t offsets[1] = { 0 };
	struct ipc_cmds c = { 0 };
	uint64_t idx;
	int ret;

	if (tr->data_size != sizeof(idx) || tr->offsets_size)
		return EXIT_CORRUPT;
	memcpy(&idx, ipc_payload(tr), sizeof(idx));
	if (idx >= STORM_SERVERS)
		return EXIT_CORRUPT;
	pthread_mutex_lock(&storm_lock);
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
	if (storm_registered[idx]) {
		struct flat_binderlite_object obj = ipc_obj_handle(storm_handles[idx]);

		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &obj, sizeof(obj), offsets,
			    sizeof(offsets));
		storm_add(&storm_sh->handed, 1);
	} else {
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
	}
	ret = ipc_cmds_write(s->fd, &c);
	pthread_mutex_unlock(&storm_lock);
	if (ret)
		fprintf(stderr, "# storm: the manager: a lookup: %s\n", strerror(-ret));
	return ret ? EXIT_PROTOCOL : 0;
}

/*
 * The manager: SG_CODE_QUIT, once every sender is gone. Answers once its
 * descriptors are as many as when it started (oneways still being handled
 * by other threads may hold some for a moment), then exits: 0, or
 * EXIT_LEAK if they never are.
 */
static int storm_quit(struct storm_server *s, const struct binderlite_transaction_data *tr)
{
	struct ipc_cmds c = { 0 };
	int i, fds = -1;

	for (i = 0; i < 1000; i++) {
		fds = sg_count_fds();
		if (fds == s->fds)
			break;
		bl_sleep_ms(10);
	}
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
	ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
	if (ipc_cmds_write(s->fd, &c))
		storm_die(EXIT_PROTOCOL, "the manager could not answer SG_CODE_QUIT");
	if (fds != s->fds) {
		fprintf(stderr, "# storm: the manager holds %d descriptors, not %d\n", fds, s->fds);
		_exit(EXIT_LEAK);
	}
	_exit(0);
}

/* A transaction to a server or the manager; returns 0 or an exit code. */
static int storm_handle(struct storm_server *s, const struct binderlite_transaction_data *tr)
{
	struct storm_sg_reply rep = { .fd.hdr.type = BINDERLITE_TYPE_FD };
	const binderlite_size_t offsets[1] = { offsetof(struct storm_sg_reply, fd) };
	bool oneway = tr->flags & BINDERLITE_TF_ONE_WAY;
	struct storm_answer ans;
	struct ipc_cmds c = { 0 };
	int ret, fd = -1;

	if (s->mgr && !oneway) {
		if (tr->code == STORM_CODE_REGISTER)
			return storm_register(s, tr);
		if (tr->code == STORM_CODE_LOOKUP)
			return storm_lookup_reply(s, tr);
		if (tr->code == SG_CODE_QUIT)
			return storm_quit(s, tr);
	}
	if (tr->code == STORM_CODE_HASH) {
		ret = storm_plain_check(tr, &ans);
		if (ret)
			return ret;
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
		if (!oneway)
			ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &ans, sizeof(ans), NULL, 0);
	} else if (tr->code == STORM_CODE_SG) {
		ret = storm_sg_check(tr, &rep.hash, &fd);
		if (ret)
			return ret;
		/* The free closes the fd array's descriptors; the reply sends ours. */
		rep.fd.fd = fd;
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
		if (!oneway)
			ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &rep, sizeof(rep), offsets,
				    sizeof(offsets));
	} else {
		fprintf(stderr, "# storm: process %d: code %#x\n", getpid(), tr->code);
		return EXIT_PROTOCOL;
	}
	storm_add(oneway ? &storm_sh->received : &storm_sh->served, 1);
	ret = ipc_cmds_write(s->fd, &c);
	if (ret) {
		fprintf(stderr, "# storm: process %d: answering code %#x: %s\n", getpid(),
			tr->code, strerror(-ret));
		return EXIT_PROTOCOL;
	}
	if (fd >= 0 && close(fd)) {
		fprintf(stderr, "# storm: process %d: closing the fd received: %s\n", getpid(),
			strerror(errno));
		return EXIT_PROTOCOL;
	}
	return 0;
}

/* A looper thread of a server or the manager: serves until the process dies. */
static void *storm_serve(void *arg)
{
	struct storm_server *s = arg;
	struct ipc_reader r;
	struct ipc_event ev;
	int ret;

	ipc_reader_init(&r, s->fd);
	for (;;) {
		if (ipc_next(&r, &ev))
			storm_die(EXIT_PROTOCOL, "a server thread could not read");
		ret = ipc_ack_ref(s->fd, &ev);
		if (ret < 0)
			storm_die(EXIT_PROTOCOL, "a server thread could not acknowledge");
		if (ret)
			continue;
		switch (ev.cmd) {
		case BINDERLITE_BR_TRANSACTION:
			ret = storm_handle(s, &ev.txn);
			if (ret)
				storm_die(ret, "a server thread received a bad transaction");
			break;
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
		case BINDERLITE_BR_SPAWN_LOOPER:
			break;
		case BINDERLITE_BR_DEAD_REPLY:
		case BINDERLITE_BR_FAILED_REPLY:
			/* A reply whose caller is gone, or whose pool is full. */
			storm_add(&storm_sh->reply_errors, 1);
			break;
		default:
			storm_die(EXIT_PROTOCOL, "a server thread received an unexpected return");
		}
	}
	return NULL;
}

/* A looper thread that the process started: enters the loop, then serves. */
static void *storm_looper(void *arg)
{
	struct storm_server *s = arg;

	if (ipc_looper(s->fd, BINDERLITE_BC_ENTER_LOOPER))
		storm_die(EXIT_PROTOCOL, "BC_ENTER_LOOPER failed");
	return storm_serve(s);
}

/* Starts @n looper threads on @s. */
static int storm_start_loopers(struct storm_server *s, int n)
{
	pthread_t t;
	int i;

	for (i = 0; i < n; i++) {
		if (pthread_create(&t, NULL, storm_looper, s))
			return EXIT_PROTOCOL;
	}
	return 0;
}

/*
 * The outcome of what the thread of @r just sent: a enum storm_end, with
 * a BR_REPLY in @reply (the caller frees its buffer), or minus an exit
 * code. Reference-count events are acknowledged on the way; anything
 * else, a second BR_TRANSACTION_COMPLETE or a reply to a oneway, is a
 * protocol error.
 */
static int storm_outcome(struct ipc_reader *r, bool oneway, struct ipc_event *reply)
{
	struct binderlite_extended_error ee;
	struct ipc_event ev;
	int ret, completes = 0;

	for (;;) {
		if (ipc_next(r, &ev))
			return -EXIT_PROTOCOL;
		ret = ipc_ack_ref(r->fd, &ev);
		if (ret < 0)
			return -EXIT_PROTOCOL;
		if (ret)
			continue;
		switch (ev.cmd) {
		case BINDERLITE_BR_SPAWN_LOOPER:
			continue;
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
			if (oneway)
				return STORM_COMPLETE;
			if (completes++)
				return -EXIT_PROTOCOL;
			continue;
		case BINDERLITE_BR_REPLY:
			if (oneway)
				return -EXIT_PROTOCOL;
			*reply = ev;
			return STORM_REPLY;
		case BINDERLITE_BR_DEAD_REPLY:
			return STORM_DEAD;
		case BINDERLITE_BR_FAILED_REPLY:
			if (ipc_extended_error(r->fd, &ee))
				return -EXIT_PROTOCOL;
			storm_add(&storm_sh->why_failed[ee.param > -STORM_ERRNOS && ee.param <= 0 ?
							-ee.param : STORM_ERRNOS - 1], 1);
			return STORM_FAILED;
		default:
			return -EXIT_PROTOCOL;
		}
	}
}

/*
 * A server: registers its node (which accepts fds) with every new manager
 * while @STORM_SERVER_THREADS loopers serve, until it is killed.
 */
static int storm_server_main(struct ipc_dev *dev, void *arg)
{
	struct storm_server s = { .fd = dev->fd };
	uint64_t idx = (uintptr_t)arg;
	struct ipc_event reply;
	struct ipc_reader r;
	struct obj_msg m;
	int gen, done = 0, ret;

	storm_join_cg();
	close(storm_pipe[1]);
	if (storm_start_loopers(&s, STORM_SERVER_THREADS))
		return EXIT_PROTOCOL;
	ipc_reader_init(&r, dev->fd);
	obj_msg_init(&m);
	obj_msg_u64(&m, idx);
	obj_msg_binder_flags(&m, BINDERLITE_TYPE_BINDER, STORM_SERVER_NODE(idx),
			     STORM_SERVER_NODE(idx) + 1, BINDERLITE_FLAG_ACCEPTS_FDS);
	for (;;) {
		gen = ipc_load(&storm_sh->mgr_gen);
		if (gen == done) {
			bl_sleep_ms(2);
			continue;
		}
		if (obj_msg_send(dev->fd, BINDERLITE_BC_TRANSACTION, 0, STORM_CODE_REGISTER, 0, &m))
			return EXIT_PROTOCOL;
		ret = storm_outcome(&r, false, &reply);
		if (ret < 0)
			return -ret;
		if (ret != STORM_REPLY)
			continue;
		if (ipc_free_buffer(dev->fd, reply.txn.data.ptr.buffer))
			return EXIT_PROTOCOL;
		done = gen;
	}
}

/* The manager (and registry): its main thread and the others serve. */
static int storm_mgr_main(struct ipc_dev *dev, void *arg)
{
	static struct storm_server s;

	storm_join_cg();
	close(storm_pipe[1]);
	s.fd = dev->fd;
	s.mgr = true;
	s.fds = sg_count_fds();
	if (storm_start_loopers(&s, STORM_MGR_THREADS - 1))
		return EXIT_PROTOCOL;
	storm_serve(&s);
	return EXIT_PROTOCOL;
}

/**
 * struct storm_peer - a sender's handle of a server
 * @handle: the handle, acquired
 * @held:   the sender holds one
 */
struct storm_peer {
	uint32_t handle;
	bool held;
};

/* Looks server @idx up in the registry; @p holds its handle if it is known. */
static int storm_lookup(struct ipc_reader *r, uint64_t idx, struct storm_peer *p)
{
	struct flat_binderlite_object obj;
	struct ipc_cmds c = { 0 };
	struct ipc_event ev;
	int ret;

	if (ipc_send(r->fd, BINDERLITE_BC_TRANSACTION, 0, STORM_CODE_LOOKUP, 0, &idx, sizeof(idx),
		     NULL, 0))
		return -EXIT_PROTOCOL;
	ret = storm_outcome(r, false, &ev);
	if (ret < 0)
		return ret;
	storm_add(&storm_sh->lookups, 1);
	storm_add(&storm_sh->lookup_ends[ret], 1);
	if (ret != STORM_REPLY)
		return 0;
	if (ev.txn.offsets_size) {
		if (ev.txn.offsets_size != sizeof(binderlite_size_t) ||
		    ipc_obj_at(&ev.txn, 0, &obj, sizeof(obj)) ||
		    obj.hdr.type != BINDERLITE_TYPE_HANDLE)
			return -EXIT_CORRUPT;
		/* The handle outlives the reply's buffer once acquired. */
		ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
		p->handle = obj.handle;
		p->held = true;
		storm_add(&storm_sh->found, 1);
	} else if (ev.txn.data_size) {
		return -EXIT_CORRUPT;
	}
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, ev.txn.data.ptr.buffer);
	return ipc_cmds_write(r->fd, &c) ? -EXIT_PROTOCOL : 0;
}

/*
 * A plain transaction: [a binder object of ours] @seq, then @size bytes of
 * ipc_fill()'s pattern for it. Returns its enum storm_end, or minus an
 * exit code.
 */
static int storm_plain(struct ipc_reader *r, uint8_t *buf, uint32_t handle, bool oneway,
		       bool object, uint64_t seq, size_t size)
{
	/* One of four nodes, each always with the same cookie. */
	binderlite_uintptr_t node = STORM_SENDER_NODE + 0x10 * (seq & 3);
	struct flat_binderlite_object obj = ipc_obj_binder(node, node + 1);
	binderlite_size_t offsets[1] = { 0 };
	size_t skip = object ? OBJ_SIZE : 0;
	struct storm_answer ans;
	struct ipc_event ev;
	uint32_t hash;
	int ret;

	if (object)
		memcpy(buf, &obj, sizeof(obj));
	memcpy(buf + skip, &seq, sizeof(seq));
	ipc_fill(buf + skip + sizeof(seq), size, seq);
	hash = ipc_hash(buf + skip + sizeof(seq), size);
	if (ipc_send(r->fd, BINDERLITE_BC_TRANSACTION, handle, STORM_CODE_HASH,
		     oneway ? BINDERLITE_TF_ONE_WAY : 0, buf, skip + sizeof(seq) + size, offsets,
		     object ? sizeof(offsets) : 0))
		return -EXIT_PROTOCOL;
	ret = storm_outcome(r, oneway, &ev);
	if (ret != STORM_REPLY)
		return ret;
	if (ev.txn.data_size != sizeof(ans) || ev.txn.offsets_size) {
		ret = -EXIT_CORRUPT;
	} else {
		memcpy(&ans, ipc_payload(&ev.txn), sizeof(ans));
		if (ans.seq != seq || ans.hash != hash)
			ret = -EXIT_CORRUPT;
	}
	if (ipc_free_buffer(r->fd, ev.txn.data.ptr.buffer))
		ret = -EXIT_PROTOCOL;
	return ret;
}

/*
 * An fd and scatter-gather transaction with a blob of @size bytes; a
 * reply's checksum and fd are checked (and the fd closed). Returns its
 * enum storm_end, or minus an exit code.
 */
static int storm_sg(struct ipc_reader *r, uint8_t *blob, uint32_t handle, bool oneway,
		    uint64_t seq, size_t size)
{
	struct storm_root root = { .blob = (uintptr_t)blob };
	struct binderlite_fd_object fo;
	struct storm_sg_reply rep;
	struct ipc_event ev;
	struct obj_msg m;
	int ret;

	ipc_fill(blob, size, seq);
	root.fds[0] = storm_pipe[1];
	root.fds[1] = storm_pipe[1];
	obj_msg_init(&m);
	obj_msg_u64(&m, seq);
	obj_msg_fd(&m, storm_pipe[1], seq);
	obj_msg_ptr(&m, &root, sizeof(root), -1, 0);
	obj_msg_ptr(&m, blob, size, 1, offsetof(struct storm_root, blob));
	obj_msg_fda(&m, 2, 1, offsetof(struct storm_root, fds));
	if (obj_msg_send(r->fd, BINDERLITE_BC_TRANSACTION_SG, handle, STORM_CODE_SG,
			 BINDERLITE_TF_ACCEPT_FDS | (oneway ? BINDERLITE_TF_ONE_WAY : 0), &m))
		return -EXIT_PROTOCOL;
	ret = storm_outcome(r, oneway, &ev);
	if (ret != STORM_REPLY)
		return ret;
	if (ev.txn.data_size != sizeof(rep) || ev.txn.offsets_size != sizeof(binderlite_size_t))
		ret = -EXIT_CORRUPT;
	if (ret >= 0) {
		memcpy(&rep, ipc_payload(&ev.txn), sizeof(rep));
		if (ipc_obj_at(&ev.txn, 0, &fo, sizeof(fo)) || fo.hdr.type != BINDERLITE_TYPE_FD ||
		    rep.hash != ipc_hash(blob, size) || !storm_fd_ok(fo.fd) || close(fo.fd))
			ret = -EXIT_CORRUPT;
	}
	if (ipc_free_buffer(r->fd, ev.txn.data.ptr.buffer))
		ret = -EXIT_PROTOCOL;
	return ret;
}

/*
 * A sender: takes tickets until none is left, each one transaction of a
 * random kind to the manager or a server, and accounts for it in its slot.
 * At the end nothing may be left to read but reference-count events, and
 * its descriptors must be as many as when it started.
 */
static int storm_sender(const char *path, int slot, unsigned int seed)
{
	static const size_t plain_sizes[] = { 0, 8, 100, 4096 + 13, 70000, STORM_PLAIN_MAX };
	static const size_t sg_sizes[] = { 0, 8, 100, 4096 + 13, 20000, 60000 };
	struct storm_slot *s = &storm_sh->slot[slot];
	struct storm_peer peers[STORM_SERVERS] = { 0 };
	struct storm_peer *p;
	struct ipc_reader r;
	struct ipc_event ev;
	struct ipc_dev dev;
	bool oneway;
	uint32_t handle;
	int fds, ret, kind, i;
	uint8_t *buf;
	long t;

	storm_join_cg();
	buf = malloc(OBJ_SIZE + sizeof(uint64_t) + STORM_PLAIN_MAX);
	if (!buf || ipc_open(&dev, path, IPC_POOL_SIZE))
		return EXIT_PROTOCOL;
	fds = sg_count_fds();
	ipc_reader_init(&r, dev.fd);
	for (;;) {
		t = __atomic_fetch_add(&storm_sh->tickets, 1, __ATOMIC_SEQ_CST);
		if (t >= storm_sh->total)
			break;
		__atomic_store_n(&s->drawn, s->drawn + 1, __ATOMIC_RELEASE);
		oneway = rand_r(&seed) % 4 == 0;
		kind = rand_r(&seed) % 3;
		i = rand_r(&seed) % (STORM_SERVERS + 1);
		p = i ? &peers[i - 1] : NULL;
		if (p && !p->held) {
			ret = storm_lookup(&r, i - 1, p);
			if (ret < 0)
				return -ret;
		}
		/* The manager when the registry knows no such server. */
		if (p && !p->held)
			p = NULL;
		handle = p ? p->handle : 0;
		if (kind == 2)
			ret = storm_sg(&r, buf, handle, oneway, t,
				       sg_sizes[rand_r(&seed) % ARRAY_SIZE(sg_sizes)]);
		else
			ret = storm_plain(&r, buf, handle, oneway, kind == 1, t,
					  plain_sizes[rand_r(&seed) % ARRAY_SIZE(plain_sizes)]);
		if (ret < 0)
			return -ret;
		if (ret == STORM_DEAD && p) {
			/* The server is gone: look it up again next time. */
			if (obj_refcount(dev.fd, BINDERLITE_BC_RELEASE, p->handle))
				return EXIT_PROTOCOL;
			p->held = false;
		}
		__atomic_add_fetch(&s->done[oneway][ret], 1, __ATOMIC_RELEASE);
	}
	/* A second outcome of any transaction would be waiting now. */
	while (!(ret = ipc_next_nonblock(&r, &ev))) {
		ret = ipc_ack_ref(dev.fd, &ev);
		if (ret <= 0) {
			fprintf(stderr, "# storm: sender %d: a return %#x after its last outcome\n",
				getpid(), ev.cmd);
			return EXIT_PROTOCOL;
		}
	}
	if (ret != -EAGAIN)
		return EXIT_PROTOCOL;
	for (i = 0; i < STORM_SERVERS; i++) {
		if (peers[i].held && obj_refcount(dev.fd, BINDERLITE_BC_RELEASE, peers[i].handle))
			return EXIT_PROTOCOL;
	}
	ret = sg_count_fds();
	if (ret != fds) {
		fprintf(stderr, "# storm: sender %d holds %d descriptors, not %d\n", getpid(), ret,
			fds);
		return EXIT_LEAK;
	}
	free(buf);
	return ipc_close(&dev) ? EXIT_PROTOCOL : 0;
}

/*
 * Memory pressure: the shrinkers reclaim (drop_caches 2 frees slab
 * objects, binder's and binderlite's pool pages included; 3 page cache as
 * well), and on binderlite "reclaim" does so directly, every 1-10 ms until
 * told to stop.
 */
static int storm_pressure(bool binderlite, unsigned int seed)
{
	while (!ipc_load(&storm_sh->stop)) {
		if (storm_write_file("/proc/sys/vm/drop_caches", rand_r(&seed) % 2 ? "2" : "3"))
			storm_die(EXIT_PROTOCOL, "cannot write /proc/sys/vm/drop_caches");
		storm_add(&storm_sh->drops, 1);
		if (binderlite) {
			if (storm_write_file(IPC_DEBUGFS "/reclaim", "100000"))
				storm_die(EXIT_PROTOCOL, "cannot write " IPC_DEBUGFS "/reclaim");
			storm_add(&storm_sh->reclaims, 1);
		}
		bl_sleep_ms(1 + rand_r(&seed) % 10);
	}
	return 0;
}

static pid_t storm_spawn_sender(const char *path)
{
	int slot = storm_sh->nslots++;
	pid_t pid = ipc_fork();

	if (pid == 0)
		_exit(storm_sender(path, slot, 0x5eed + slot));
	return pid;
}

static pid_t storm_spawn_server(const char *path, long idx)
{
	return ipc_start_with(path, NULL, 0, storm_server_main, (void *)(uintptr_t)idx);
}

static pid_t storm_spawn_mgr(const char *path)
{
	pid_t pid = sg_start_mgr(path, BINDERLITE_FLAG_ACCEPTS_FDS, storm_mgr_main, NULL);

	/* Servers register with the new manager. */
	if (pid > 0)
		ipc_store(&storm_sh->mgr_gen, ipc_load(&storm_sh->mgr_gen) + 1);
	return pid;
}

/* A child the test killed ends with SIGKILL; anything else is a failure. */
static int reap(pid_t pid)
{
	kill(pid, SIGKILL);
	return ipc_wait(pid, 30);
}

/* BL_STORM_TXNS, else STORM_DEFAULT_TXNS; -1 if it is no positive number. */
static long storm_txns(void)
{
	const char *v = getenv("BL_STORM_TXNS");
	char *end;
	long n;

	if (!v || !*v)
		return STORM_DEFAULT_TXNS;
	n = strtol(v, &end, 10);
	return *end || n <= 0 ? -1 : n;
}

/*
 * The memory cgroup: cgroup2 mounted if it is not, STORM_CGROUP made with
 * memory.max STORM_MEM_MAX. Without a memory controller the storm runs
 * without one, and says why.
 */
static void storm_cg_setup(struct __test_metadata *_metadata, struct storm_cg *cg)
{
	char ctl[512];
	int ret = 0;

	if (access(STORM_CGROUP_ROOT "/cgroup.controllers", F_OK)) {
		if (mount("cgroup2", STORM_CGROUP_ROOT, "cgroup2", 0, NULL)) {
			TH_LOG("no memory cgroup: cgroup2 cannot be mounted on %s: %s",
			       STORM_CGROUP_ROOT, strerror(errno));
			return;
		}
		cg->mounted = true;
	}
	if (storm_read_file(STORM_CGROUP_ROOT "/cgroup.controllers", ctl, sizeof(ctl)) ||
	    !strstr(ctl, "memory")) {
		TH_LOG("no memory cgroup: this kernel has no memory controller (CONFIG_MEMCG)");
		return;
	}
	ret = storm_write_file(STORM_CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	if (!ret && mkdir(STORM_CGROUP, 0755) && errno != EEXIST)
		ret = -errno;
	if (!ret)
		ret = storm_write_file(STORM_CGROUP "/memory.max", STORM_MEM_MAX);
	if (!ret)
		ret = storm_write_file(STORM_CGROUP "/memory.high", STORM_MEM_HIGH);
	ASSERT_EQ(0, ret) TH_LOG("setting up %s: %s", STORM_CGROUP, strerror(-ret));
	cg->on = true;
	storm_in_cg = true;
}

/* Reports what the memory cgroup saw. */
static void storm_cg_report(struct __test_metadata *_metadata)
{
	char peak[64] = "?", events[512] = "", *p;

	storm_read_file(STORM_CGROUP "/memory.peak", peak, sizeof(peak));
	storm_read_file(STORM_CGROUP "/memory.events", events, sizeof(events));
	peak[strcspn(peak, "\n")] = 0;
	for (p = events; (p = strchr(p, '\n')); )
		*p = ',';
	TH_LOG("memory cgroup: memory.high %s, memory.max %s, memory.peak %s", STORM_MEM_HIGH,
	       STORM_MEM_MAX, peak);
	TH_LOG("memory cgroup: memory.events %s", events);
}

/* Removes the memory cgroup, once every process in it is gone. */
static void storm_cg_remove(struct __test_metadata *_metadata, struct storm_cg *cg)
{
	int i, ret = 0;

	if (cg->on) {
		for (i = 0; i < 500; i++) {
			ret = rmdir(STORM_CGROUP) ? -errno : 0;
			if (ret != -EBUSY)
				break;
			bl_sleep_ms(10);
		}
		EXPECT_EQ(0, ret) TH_LOG("rmdir %s: %s", STORM_CGROUP, strerror(-ret));
	}
	if (cg->mounted)
		EXPECT_EQ(0, umount(STORM_CGROUP_ROOT));
	cg->on = false;
	cg->mounted = false;
	storm_in_cg = false;
}

FIXTURE(storm) {
	struct ipc_dev dev;
	struct storm_cg cg;
};

FIXTURE_VARIANT(storm) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(storm, (), ());

FIXTURE_SETUP(storm)
{
	self->dev.fd = -1;
	self->dev.pool = MAP_FAILED;
	bl_fixture_present(_metadata, variant->path);
}

FIXTURE_TEARDOWN(storm)
{
	ipc_fixture_close(_metadata, &self->dev, variant->binderlite);
	storm_cg_remove(_metadata, &self->cg);
	if (storm_sh && storm_sh != MAP_FAILED)
		munmap(storm_sh, sizeof(*storm_sh));
	storm_sh = NULL;
}

/* The storm's processes, the sender incarnation of each sender, and the kills. */
struct storm_cast {
	pid_t mgr;
	pid_t servers[STORM_SERVERS];
	pid_t senders[STORM_SENDERS];
	int slots[STORM_SENDERS];
	long kills[3];
};

TEST_F_TIMEOUT(storm, kill_storm, 7200)
{
	long sum[STORM_KINDS][STORM_ENDS] = { { 0 } };
	long total, t, last, next, drawn = 0, executed = 0, lost, pending;
	long long reclaimed0 = 0, reclaimed1 = 0;
	char why[1024];
	struct timespec start, end;
	struct storm_cast c = { 0 };
	struct ipc_result res;
	struct ipc_reader r;
	struct ipc_stats st;
	unsigned int seed = 7;
	int i, k, e, fds, waited, status;
	pid_t pressure;
	double secs;

	total = storm_txns();
	ASSERT_LT(0, total) TH_LOG("BL_STORM_TXNS must be a positive number");
	fds = sg_count_fds();
	storm_sh = ipc_shared(sizeof(*storm_sh));
	ASSERT_NE(MAP_FAILED, storm_sh);
	storm_sh->total = total;
	ASSERT_EQ(0, pipe2(storm_pipe, O_CLOEXEC));
	storm_cg_setup(_metadata, &self->cg);
	if (variant->binderlite) {
		ASSERT_EQ(0, ipc_stats_read(&st));
		ASSERT_EQ(0, ipc_stats_get(&st, "pages_reclaimed", &reclaimed0));
	}
	clock_gettime(CLOCK_MONOTONIC, &start);

	c.mgr = storm_spawn_mgr(variant->path);
	ASSERT_LT(0, c.mgr);
	for (i = 0; i < STORM_SERVERS; i++) {
		c.servers[i] = storm_spawn_server(variant->path, i);
		ASSERT_LT(0, c.servers[i]);
	}
	pressure = ipc_fork();
	if (pressure == 0)
		_exit(storm_pressure(variant->binderlite, 99));
	ASSERT_LT(0, pressure);
	for (i = 0; i < STORM_SENDERS; i++) {
		c.slots[i] = storm_sh->nslots;
		c.senders[i] = storm_spawn_sender(variant->path);
		ASSERT_LT(0, c.senders[i]);
	}

	while ((t = storm_get(&storm_sh->tickets)) < total) {
		/* Wait for some tickets; a storm that stops moving is hung. */
		next = t + 1 + rand_r(&seed) % (2 * STORM_KILL_EVERY);
		last = t;
		for (waited = 0; ; waited++) {
			t = storm_get(&storm_sh->tickets);
			if (t >= next || t >= total)
				break;
			if (t != last) {
				last = t;
				waited = 0;
			}
			ASSERT_LT(waited, STORM_STALL_MS)
				TH_LOG("hung: no ticket taken for %d s, %ld of %ld",
				       STORM_STALL_MS / 1000, t, total);
			bl_sleep_ms(1);
		}
		if (t >= total)
			break;
		k = rand_r(&seed) % 10;
		if (k < 7 && storm_sh->nslots < STORM_SLOTS) {
			i = rand_r(&seed) % STORM_SENDERS;
			status = reap(c.senders[i]);
			/* It may have run out of tickets just now. */
			if (status || storm_get(&storm_sh->tickets) < total) {
				ASSERT_EQ(128 + SIGKILL, status) TH_LOG("sender %d", c.senders[i]);
				storm_sh->slot[c.slots[i]].killed = 1;
				c.kills[0]++;
			}
			c.slots[i] = storm_sh->nslots;
			c.senders[i] = storm_spawn_sender(variant->path);
			ASSERT_LT(0, c.senders[i]);
		} else if (k < 9) {
			i = rand_r(&seed) % STORM_SERVERS;
			ASSERT_EQ(128 + SIGKILL, reap(c.servers[i])) TH_LOG("server %d", i);
			c.kills[1]++;
			c.servers[i] = storm_spawn_server(variant->path, i);
			ASSERT_LT(0, c.servers[i]);
		} else {
			ASSERT_EQ(128 + SIGKILL, reap(c.mgr)) TH_LOG("manager");
			c.kills[2]++;
			c.mgr = storm_spawn_mgr(variant->path);
			ASSERT_LT(0, c.mgr);
		}
	}

	/* The senders run out of tickets; each checks its descriptors. */
	for (i = 0; i < STORM_SENDERS; i++) {
		pid_t pid = c.senders[i];

		EXPECT_EQ(0, ipc_wait(pid, 600)) TH_LOG("sender %d", pid);
	}
	/* The manager answers SG_CODE_QUIT once it holds what it started with. */
	ASSERT_EQ(0, ipc_open(&self->dev, variant->path, IPC_POOL_SIZE));
	ipc_reader_init(&r, self->dev.fd);
	ASSERT_EQ(0, ipc_call(&r, 0, SG_CODE_QUIT, NULL, 0, &res));
	EXPECT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	if (res.cmd == BINDERLITE_BR_REPLY)
		EXPECT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
	EXPECT_EQ(0, ipc_wait(c.mgr, 60)) TH_LOG("the last manager");
	EXPECT_EQ(0, ipc_close(&self->dev));
	ipc_store(&storm_sh->stop, 1);
	EXPECT_EQ(0, ipc_wait(pressure, 60)) TH_LOG("the pressure process");
	for (i = 0; i < STORM_SERVERS; i++)
		EXPECT_EQ(128 + SIGKILL, reap(c.servers[i])) TH_LOG("server %d", i);
	clock_gettime(CLOCK_MONOTONIC, &end);
	secs = end.tv_sec - start.tv_sec + (end.tv_nsec - start.tv_nsec) / 1e9;

	/*
	 * Every ticket taken ended in exactly one outcome, except at most one
	 * per sender killed while it waited for it.
	 */
	for (i = 0; i < storm_sh->nslots; i++) {
		struct storm_slot *s = &storm_sh->slot[i];
		long done = 0;

		for (k = 0; k < STORM_KINDS; k++) {
			for (e = 0; e < STORM_ENDS; e++) {
				done += s->done[k][e];
				sum[k][e] += s->done[k][e];
			}
		}
		EXPECT_LE(done, s->drawn)
			TH_LOG("sender incarnation %d: outcomes without a ticket", i);
		EXPECT_LE(s->drawn, done + s->killed)
			TH_LOG("sender incarnation %d: %ld tickets, %ld outcomes", i, s->drawn,
			       done);
		drawn += s->drawn;
		executed += done;
	}
	lost = total - executed;
	pending = drawn - executed;
	TH_LOG("storm: %ld transactions asked for, %ld executed, %ld lost with killed senders",
	       total, executed, lost);
	TH_LOG("storm: %.1f s, kills: %ld senders, %ld servers, %ld managers", secs,
	       c.kills[0], c.kills[1], c.kills[2]);
	TH_LOG("storm: calls: %ld replies, %ld dead, %ld failed",
	       sum[STORM_CALL][STORM_REPLY], sum[STORM_CALL][STORM_DEAD],
	       sum[STORM_CALL][STORM_FAILED]);
	TH_LOG("storm: oneways: %ld sent, %ld dead, %ld failed; %ld received",
	       sum[STORM_ONEWAY][STORM_COMPLETE], sum[STORM_ONEWAY][STORM_DEAD],
	       sum[STORM_ONEWAY][STORM_FAILED], storm_sh->received);
	TH_LOG("storm: lookups: %ld replies (%ld with a server), %ld dead, %ld failed",
	       storm_sh->lookup_ends[STORM_REPLY], storm_sh->found,
	       storm_sh->lookup_ends[STORM_DEAD], storm_sh->lookup_ends[STORM_FAILED]);
	why[0] = 0;
	for (i = 0; i < STORM_ERRNOS; i++) {
		if (storm_sh->why_failed[i])
			snprintf(why + strlen(why), sizeof(why) - strlen(why), " %s%s %ld",
				 i ? "-" : "", i ? strerrorname_np(i) ?: "?" : "0",
				 storm_sh->why_failed[i]);
	}
	TH_LOG("storm: BR_FAILED_REPLY of any transaction, by extended error:%s",
	       why[0] ? why : " none");
	/* A full pool, or memory the kernel could not find: nothing else. */
	for (i = 0; i < STORM_ERRNOS; i++) {
		if (i != ENOSPC && i != ENOMEM)
			EXPECT_EQ(0, storm_sh->why_failed[i]) TH_LOG("errno %d", i);
	}
	TH_LOG("storm: %d sender incarnations, %ld registrations, %ld replies undeliverable",
	       storm_sh->nslots, storm_sh->registrations, storm_sh->reply_errors);
	EXPECT_EQ(0, sum[STORM_CALL][STORM_COMPLETE]);
	EXPECT_EQ(0, sum[STORM_ONEWAY][STORM_REPLY]);
	EXPECT_LE(drawn, total);
	EXPECT_LE(0, lost);
	EXPECT_LE(lost, c.kills[0]);
	EXPECT_LE(pending, lost);
	EXPECT_LE(total - c.kills[0], executed);
	EXPECT_LT(0, sum[STORM_CALL][STORM_REPLY]);
	EXPECT_LT(0, storm_sh->received);
	/*
	 * A lost oneway may have been delivered: its sender died after the
	 * driver took it, before reading BR_TRANSACTION_COMPLETE.
	 */
	EXPECT_LE(storm_sh->received, sum[STORM_ONEWAY][STORM_COMPLETE] + lost);
	EXPECT_LE(sum[STORM_CALL][STORM_REPLY], storm_sh->served);

	if (variant->binderlite) {
		ASSERT_EQ(0, ipc_stats_read(&st));
		ASSERT_EQ(0, ipc_stats_get(&st, "pages_reclaimed", &reclaimed1));
	}
	TH_LOG("storm: pressure: %ld drop_caches, %ld reclaim writes, %lld pool pages reclaimed",
	       storm_sh->drops, storm_sh->reclaims, reclaimed1 - reclaimed0);
	EXPECT_LT(0, storm_sh->drops);
	if (self->cg.on)
		storm_cg_report(_metadata);

	/* Every other holder of the write end is dead: the driver lets go of it too. */
	EXPECT_EQ(0, close(storm_pipe[1]));
	EXPECT_EQ(0, sg_writers_gone(storm_pipe[0], 10000));
	EXPECT_EQ(0, close(storm_pipe[0]));
	EXPECT_EQ(fds, sg_count_fds());
	if (variant->binderlite) {
		long long val;

		ipc_expect_clean(_metadata);
		EXPECT_EQ(0, ipc_stats_wait("pages_resident", 0, 5000, &val))
			TH_LOG("pages_resident %lld", val);
		EXPECT_EQ(0, ipc_stats_wait("pages_lru", 0, 5000, &val))
			TH_LOG("pages_lru %lld", val);
	}
}

TEST_HARNESS_MAIN
