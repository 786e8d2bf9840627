// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite's trace events (driver/binderlite_trace.h), read back through
 * tracefs: a round trip, a oneway, failed transactions, pool pages
 * populated and reclaimed, and a slow call found by its latency.
 *
 * Each test records the "binderlite" events in a tracing instance of its
 * own (instances/bl_trace_<pid>, with the global clock, so that the
 * timestamps of two CPUs compare; removed by the teardown, or else by the
 * next run's setup), then parses the instance's "trace" file
 * and asserts that the expected events are there with the right fields:
 * the debug ids of a call and of its reply, and every event that follows
 * one of them, name the same transaction; sizes, processes, threads and
 * codes are what was sent; the extended error's id names the failed
 * transaction.
 *
 * binderlite only: there is no binder variant. Binder's events are
 * binder_*, with other fields, and testing them is not this test's
 * business. A kernel without tracefs (or without CONFIG_TRACING) skips
 * every test, with the reason; tracefs is mounted at /sys/kernel/tracing
 * if nothing is mounted there yet.
 *
 * The server is a child that is the context manager. It frees each
 * buffer, answers each sync call with REPLY_SIZE bytes (CODE_SLOW after
 * SLOW_MS milliseconds), and counts what it received in shared memory.
 *
 * Under QEMU/TCG, a task that runs through a tracepoint while the kernel
 * rewrites its call site can die with "Oops: int3" (a kernel or QEMU
 * fault, not the driver's: binder's own tracepoints do the same;
 * Documentation/testing.rst, "Known faults of the bench"). So the test
 * changes no site that another task may be running through: its events
 * go on before the server starts and off after it has been reaped, and
 * its instance is made with the top-level option record-cmd off (the
 * instance keeps that copy), since recording command names hooks the
 * scheduler's own tracepoints, whose sites every CPU runs through all
 * the time. The trace then names tasks "<...>-pid"; the test reads only
 * the pid.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/binderlite.h>

#include "kselftest_harness.h"
#include "binderlite_ipc.h"

#define TRACEFS		"/sys/kernel/tracing"
#define TRACEFS_OLD	"/sys/kernel/debug/tracing"

/* Methods of the server. */
#define CODE_ECHO	0x100U
#define CODE_ONEWAY	0x101U
#define CODE_SLOW	0x102U
#define CODE_QUIT	0x103U

#define REPLY_SIZE	100
#define SLOW_MS		100

/* What the server counts. */
struct shared {
	int received;
	int oneways;
};

/* One line of the trace: an event. */
struct tev {
	char name[64];
	int pid;		/* the thread that hit it */
	double ts;		/* seconds, the instance's clock */
	char args[320];		/* what the event printed */
};

struct tlog {
	struct tev *ev;
	int n;
};

FIXTURE(trace) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct shared *sh;
	char inst[128];
	pid_t server;
	struct tlog log;
};

/* Writes @val to the file @dir/@file; 0 or -errno. */
static int write_file(const char *dir, const char *file, const char *val)
{
	char path[256];
	ssize_t len = strlen(val);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* The first character of the file @dir/@file, or -errno. */
static int read_char(const char *dir, const char *file)
{
	char path[256], c;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = read(fd, &c, 1) == 1 ? c : -EIO;
	close(fd);
	return ret;
}

/* Where tracefs is, mounting it if needed; NULL if it cannot be had. */
static const char *tracefs(void)
{
	if (!access(TRACEFS "/events", F_OK))
		return TRACEFS;
	if (!mount("nodev", TRACEFS, "tracefs", 0, NULL) && !access(TRACEFS "/events", F_OK))
		return TRACEFS;
	if (!access(TRACEFS_OLD "/events", F_OK))
		return TRACEFS_OLD;
	return NULL;
}

/*
 * Removes the instances of earlier runs of this test in @fs (a failed
 * ASSERT_*() skips the teardown, see testing.rst), so that none goes on
 * recording.
 */
static void remove_stale_instances(const char *fs)
{
	char path[256];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/instances", fs);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!strncmp(d->d_name, "bl_trace_", 9))
			unlinkat(dirfd(dir), d->d_name, AT_REMOVEDIR);
	}
	closedir(dir);
}

/* The server: answers every call, counts what it received. */
static int serve(struct ipc_dev *dev, void *arg)
{
	static uint8_t reply[REPLY_SIZE];
	struct shared *sh = arg;
	struct ipc_reader r;
	struct ipc_event ev;
	uint32_t code;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(!ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER));
	for (;;) {
		IPC_CHECK(!ipc_next(&r, &ev));
		if (ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)
			continue;
		IPC_CHECK(ev.cmd == BINDERLITE_BR_TRANSACTION);
		code = ev.txn.code;
		ipc_store(&sh->received, ipc_load(&sh->received) + 1);
		if (ev.txn.flags & BINDERLITE_TF_ONE_WAY) {
			IPC_CHECK(!ipc_free_buffer(dev->fd, ev.txn.data.ptr.buffer));
			ipc_store(&sh->oneways, ipc_load(&sh->oneways) + 1);
			continue;
		}
		if (code == CODE_SLOW)
			bl_sleep_ms(SLOW_MS);
		IPC_CHECK(!ipc_reply_free(dev->fd, ev.txn.data.ptr.buffer, reply, sizeof(reply)));
		if (code == CODE_QUIT)
			return 0;
	}
}

FIXTURE_SETUP(trace)
{
	int record_cmd, err;
	const char *fs;
	char path[256];

	self->sh = MAP_FAILED;
	self->inst[0] = 0;
	self->server = -1;
	self->log.ev = NULL;
	self->log.n = 0;
	if (!ipc_fixture_open(_metadata, BL_BINDERLITE_PATH, &self->dev, &self->r))
		return;
	fs = tracefs();
	if (!fs)
		SKIP(return, "no tracefs (at %s or %s)", TRACEFS, TRACEFS_OLD);
	snprintf(path, sizeof(path), "%s/events/binderlite", fs);
	if (access(path, F_OK))
		SKIP(return, "no binderlite events in %s/events", fs);
	remove_stale_instances(fs);
	snprintf(self->inst, sizeof(self->inst), "%s/instances/bl_trace_%d", fs, getpid());
	/* The instance copies record-cmd from the top: off, see the top. */
	record_cmd = read_char(fs, "options/record-cmd");
	if (record_cmd == '1')
		ASSERT_EQ(0, write_file(fs, "options/record-cmd", "0"));
	err = mkdir(self->inst, 0755) ? errno : 0;
	if (record_cmd == '1')
		ASSERT_EQ(0, write_file(fs, "options/record-cmd", "1"));
	if (err) {
		self->inst[0] = 0;
		SKIP(return, "no tracing instance: %s", strerror(err));
	}
	ASSERT_EQ(0, write_file(self->inst, "trace_clock", "global"));
	ASSERT_EQ(0, write_file(self->inst, "events/binderlite/enable", "1"));

	self->sh = ipc_shared(sizeof(*self->sh));
	ASSERT_NE(MAP_FAILED, self->sh);
	ASSERT_EQ(0, ipc_watch_children());
	self->server = ipc_start(BL_BINDERLITE_PATH, true, serve, self->sh);
	ASSERT_LT(0, self->server);
}

FIXTURE_TEARDOWN(trace)
{
	/* The server is gone before the events go off: see the top. */
	ipc_fixture_close(_metadata, &self->dev, true);
	if (self->inst[0]) {
		write_file(self->inst, "events/binderlite/enable", "0");
		EXPECT_EQ(0, rmdir(self->inst)) TH_LOG("rmdir %s: %s", self->inst,
						       strerror(errno));
	}
	free(self->log.ev);
	if (self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
}

/*
 * Parses one line of a trace file:
 *   "   comm-1234    [001] .....   12.345678: binderlite_x: args"
 * (the flags column differs between kernels). Returns 0, or -1 for a line
 * that is no event.
 */
static int tev_parse(char *line, struct tev *e)
{
	char *cpu, *dash, *colon, *name, *p;

	if (line[0] == '#')
		return -1;
	cpu = strstr(line, " [");
	name = strstr(line, ": binderlite_");
	if (!cpu || !name || name < cpu)
		return -1;
	*cpu = 0;
	dash = strrchr(line, '-');
	if (!dash)
		return -1;
	e->pid = atoi(dash + 1);
	/* The timestamp ends where the name's ": " starts. */
	*name = 0;
	p = strrchr(cpu + 1, ' ');
	if (!p)
		return -1;
	e->ts = strtod(p + 1, NULL);
	name += 2;
	colon = strchr(name, ':');
	if (!colon || colon - name >= (long)sizeof(e->name))
		return -1;
	memcpy(e->name, name, colon - name);
	e->name[colon - name] = 0;
	snprintf(e->args, sizeof(e->args), "%s", colon + (colon[1] == ' ' ? 2 : 1));
	return 0;
}

/* Reads the instance's trace into @log (which it replaces); 0 or -errno. */
static int trace_read(const char *inst, struct tlog *log)
{
	char path[256], line[512];
	int cap = 0;
	struct tev e, *grown;
	FILE *f;

	free(log->ev);
	log->ev = NULL;
	log->n = 0;
	snprintf(path, sizeof(path), "%s/trace", inst);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (tev_parse(line, &e))
			continue;
		if (log->n == cap) {
			cap = cap ? 2 * cap : 256;
			grown = realloc(log->ev, cap * sizeof(*grown));
			if (!grown) {
				fclose(f);
				return -ENOMEM;
			}
			log->ev = grown;
		}
		log->ev[log->n++] = e;
	}
	fclose(f);
	return 0;
}

/* The value of "@key=..." in @e's arguments (decimal or 0x...). */
static bool tev_val(const struct tev *e, const char *key, long long *val)
{
	size_t len = strlen(key);
	const char *p = e->args;

	while ((p = strstr(p, key))) {
		if ((p == e->args || p[-1] == ' ') && p[len] == '=') {
			*val = strtoll(p + len + 1, NULL, 0);
			return true;
		}
		p += len;
	}
	return false;
}

/* Whether @e's "@key" is @val. */
static bool tev_is(const struct tev *e, const char *key, long long val)
{
	long long v;

	return tev_val(e, key, &v) && v == val;
}

/*
 * The index of the first event from @from on that is named @name, was hit
 * by thread @pid (0: any) and whose @key is @val (@key NULL: any); -1 if
 * none.
 */
static int tev_find(const struct tlog *log, int from, const char *name, int pid,
		    const char *key, long long val)
{
	int i;

	for (i = from; i < log->n; i++) {
		const struct tev *e = &log->ev[i];

		if (strcmp(e->name, name) || (pid && e->pid != pid))
			continue;
		if (key && !tev_is(e, key, val))
			continue;
		return i;
	}
	return -1;
}

/* binderlite_txn_latency_free's "from P:T to P:T"; false if absent. */
static bool tev_ends(const struct tev *e, int *from_proc, int *from_thread, int *to_proc,
		     int *to_thread)
{
	const char *p = strstr(e->args, " from ");

	return p && sscanf(p, " from %d:%d to %d:%d", from_proc, from_thread, to_proc,
			   to_thread) == 4;
}

/* Logs the events of a trace, for a failing test. */
static void tlog_dump(struct __test_metadata *_metadata, const struct tlog *log)
{
	int i;

	for (i = 0; i < log->n; i++)
		TH_LOG("%12.6f %6d %s: %s", log->ev[i].ts, log->ev[i].pid, log->ev[i].name,
		       log->ev[i].args);
}

/* Reads the trace into self->log; each test's first look. */
#define TRACE_READ() ASSERT_EQ(0, trace_read(self->inst, &self->log))

/* Asserts that event @idx exists (dumping the trace if not). */
#define ASSERT_EVENT(idx, what) do {						\
	if ((idx) < 0)								\
		tlog_dump(_metadata, &self->log);				\
	ASSERT_LE(0, (idx)) TH_LOG("no %s", what);				\
} while (0)

/*
 * A call and its reply: sent, buffer allocated in the server's pool,
 * received by the server, the reply sent back to the calling thread,
 * allocated in our pool, received; both buffers released by their
 * owners; the latency of both; the commands and returns around them.
 */
TEST_F(trace, round_trip)
{
	uint8_t data[40] = { 1, 2, 3 };
	int me = gettid(), us = getpid(), srv = self->server;
	int sent, alloc, recv, rsent, ralloc, rrecv, rel, rrel, lat, i;
	int fp, ft, tp, tt;
	long long id, rid, offset, v;
	struct ipc_result res;
	const struct tev *e;

	ASSERT_EQ(0, ipc_call(&self->r, 0, CODE_ECHO, data, sizeof(data), &res));
	ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	ASSERT_EQ((binderlite_size_t)REPLY_SIZE, res.txn.data_size);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
	TRACE_READ();

	/* The call. */
	sent = tev_find(&self->log, 0, "binderlite_transaction", me, "code", CODE_ECHO);
	ASSERT_EVENT(sent, "binderlite_transaction for the call");
	e = &self->log.ev[sent];
	ASSERT_TRUE(tev_val(e, "transaction", &id));
	EXPECT_TRUE(tev_is(e, "reply", 0));
	EXPECT_TRUE(tev_is(e, "dest_proc", srv));
	EXPECT_TRUE(tev_is(e, "dest_thread", 0));
	EXPECT_TRUE(tev_is(e, "dest_node", 0));	/* the manager's node: ptr 0 */
	EXPECT_TRUE(tev_is(e, "flags", 0));

	alloc = tev_find(&self->log, sent, "binderlite_transaction_alloc_buf", me,
			 "transaction", id);
	ASSERT_EVENT(alloc, "binderlite_transaction_alloc_buf for the call");
	e = &self->log.ev[alloc];
	EXPECT_TRUE(tev_is(e, "proc", srv));
	EXPECT_TRUE(tev_is(e, "data_size", sizeof(data)));
	EXPECT_TRUE(tev_is(e, "offsets_size", 0));
	EXPECT_TRUE(tev_is(e, "extra_buffers_size", 0));
	ASSERT_TRUE(tev_val(e, "size", &v));
	EXPECT_LE((long long)sizeof(data), v);
	ASSERT_TRUE(tev_val(e, "offset", &offset));

	/* The server's pool was empty: its first page came with this call. */
	i = tev_find(&self->log, 0, "binderlite_pages_populated", me, "proc", srv);
	ASSERT_EVENT(i, "binderlite_pages_populated in the server's pool");
	EXPECT_LT(i, alloc);
	EXPECT_TRUE(tev_is(&self->log.ev[i], "nr", 1));

	recv = tev_find(&self->log, alloc, "binderlite_transaction_received", srv,
			"transaction", id);
	ASSERT_EVENT(recv, "binderlite_transaction_received for the call");

	/* The reply, to this thread, read by this thread. */
	rsent = tev_find(&self->log, recv, "binderlite_transaction", srv, "reply", 1);
	ASSERT_EVENT(rsent, "binderlite_transaction for the reply");
	e = &self->log.ev[rsent];
	ASSERT_TRUE(tev_val(e, "transaction", &rid));
	EXPECT_LT(id, rid);
	EXPECT_TRUE(tev_is(e, "dest_proc", us));
	EXPECT_TRUE(tev_is(e, "dest_thread", me));
	ralloc = tev_find(&self->log, rsent, "binderlite_transaction_alloc_buf", srv,
			  "transaction", rid);
	ASSERT_EVENT(ralloc, "binderlite_transaction_alloc_buf for the reply");
	EXPECT_TRUE(tev_is(&self->log.ev[ralloc], "proc", us));
	EXPECT_TRUE(tev_is(&self->log.ev[ralloc], "data_size", REPLY_SIZE));
	rrecv = tev_find(&self->log, ralloc, "binderlite_transaction_received", me,
			 "transaction", rid);
	ASSERT_EVENT(rrecv, "binderlite_transaction_received for the reply");
	EXPECT_LE(self->log.ev[sent].ts, self->log.ev[recv].ts);
	EXPECT_LE(self->log.ev[recv].ts, self->log.ev[rsent].ts);
	EXPECT_LE(self->log.ev[rsent].ts, self->log.ev[rrecv].ts);

	/* Each buffer released by its owner, where it was allocated. */
	rel = tev_find(&self->log, recv, "binderlite_transaction_buffer_release", srv,
		       "transaction", id);
	ASSERT_EVENT(rel, "binderlite_transaction_buffer_release for the call");
	EXPECT_TRUE(tev_is(&self->log.ev[rel], "proc", srv));
	EXPECT_TRUE(tev_is(&self->log.ev[rel], "offset", offset));
	EXPECT_TRUE(tev_is(&self->log.ev[rel], "data_size", sizeof(data)));
	rrel = tev_find(&self->log, rrecv, "binderlite_transaction_buffer_release", me,
			"transaction", rid);
	ASSERT_EVENT(rrel, "binderlite_transaction_buffer_release for the reply");
	EXPECT_TRUE(tev_is(&self->log.ev[rrel], "proc", us));

	/* The call ends with the reply; the reply once read. */
	lat = tev_find(&self->log, recv, "binderlite_txn_latency_free", srv, "transaction", id);
	ASSERT_EVENT(lat, "binderlite_txn_latency_free for the call");
	e = &self->log.ev[lat];
	ASSERT_TRUE(tev_ends(e, &fp, &ft, &tp, &tt));
	EXPECT_EQ(us, fp);
	EXPECT_EQ(me, ft);
	EXPECT_EQ(srv, tp);
	EXPECT_EQ(srv, tt);
	EXPECT_TRUE(tev_is(e, "reply", 0));
	EXPECT_TRUE(tev_is(e, "code", CODE_ECHO));
	ASSERT_TRUE(tev_val(e, "latency_ns", &v));
	EXPECT_LT(0, v);
	lat = tev_find(&self->log, rrecv, "binderlite_txn_latency_free", me, "transaction", rid);
	ASSERT_EVENT(lat, "binderlite_txn_latency_free for the reply");
	ASSERT_TRUE(tev_ends(&self->log.ev[lat], &fp, &ft, &tp, &tt));
	EXPECT_EQ(srv, fp);
	EXPECT_EQ(srv, ft);
	EXPECT_EQ(us, tp);
	EXPECT_EQ(me, tt);
	EXPECT_TRUE(tev_is(&self->log.ev[lat], "reply", 1));

	/* The thread's ioctl, command and returns, and the server's wait. */
	i = tev_find(&self->log, 0, "binderlite_ioctl", me, "cmd", BINDERLITE_WRITE_READ);
	ASSERT_EVENT(i, "binderlite_ioctl BINDERLITE_WRITE_READ");
	EXPECT_LE(0, tev_find(&self->log, i, "binderlite_ioctl_done", me, "ret", 0));
	i = tev_find(&self->log, 0, "binderlite_command", me, "cmd", BINDERLITE_BC_TRANSACTION);
	ASSERT_EVENT(i, "binderlite_command BC_TRANSACTION");
	EXPECT_NE(NULL, strstr(self->log.ev[i].args, " BC_TRANSACTION"));
	EXPECT_LT(i, sent);
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_command", srv, "cmd",
			      BINDERLITE_BC_REPLY));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_command", srv, "cmd",
			      BINDERLITE_BC_FREE_BUFFER));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_return", me, "cmd",
			      BINDERLITE_BR_TRANSACTION_COMPLETE));
	i = tev_find(&self->log, 0, "binderlite_return", me, "cmd", BINDERLITE_BR_REPLY);
	ASSERT_EVENT(i, "binderlite_return BR_REPLY");
	EXPECT_NE(NULL, strstr(self->log.ev[i].args, " BR_REPLY"));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_return", srv, "cmd",
			      BINDERLITE_BR_TRANSACTION));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_wait_for_work", srv, "proc_work", 1));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_write_done", me, "ret", 0));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_read_done", me, "ret", 0));
}

/*
 * A oneway: sent with TF_ONE_WAY, received by the server, done once read
 * (its latency event), its buffer released by the server; no reply.
 */
TEST_F(trace, oneway)
{
	uint8_t data[24] = { 7 };
	int me = gettid(), us = getpid(), srv = self->server;
	int sent, recv, lat, fp, ft, tp, tt;
	struct ipc_event ev;
	long long id, v;

	ASSERT_EQ(0, ipc_transact(self->dev.fd, 0, CODE_ONEWAY, BINDERLITE_TF_ONE_WAY,
				  data, sizeof(data)));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev);
	ASSERT_TRUE(ipc_wait_int(&self->sh->oneways, 1, 5000));
	/* The server's BC_FREE_BUFFER came before it counted the oneway. */
	TRACE_READ();

	sent = tev_find(&self->log, 0, "binderlite_transaction", me, "code", CODE_ONEWAY);
	ASSERT_EVENT(sent, "binderlite_transaction for the oneway");
	ASSERT_TRUE(tev_val(&self->log.ev[sent], "transaction", &id));
	ASSERT_TRUE(tev_val(&self->log.ev[sent], "flags", &v));
	EXPECT_EQ(BINDERLITE_TF_ONE_WAY, v & BINDERLITE_TF_ONE_WAY);
	EXPECT_TRUE(tev_is(&self->log.ev[sent], "reply", 0));
	EXPECT_LE(0, tev_find(&self->log, sent, "binderlite_transaction_alloc_buf", me,
			      "transaction", id));
	recv = tev_find(&self->log, sent, "binderlite_transaction_received", srv,
			"transaction", id);
	ASSERT_EVENT(recv, "binderlite_transaction_received for the oneway");
	lat = tev_find(&self->log, recv, "binderlite_txn_latency_free", srv, "transaction", id);
	ASSERT_EVENT(lat, "binderlite_txn_latency_free for the oneway");
	ASSERT_TRUE(tev_ends(&self->log.ev[lat], &fp, &ft, &tp, &tt));
	EXPECT_EQ(us, fp);
	EXPECT_EQ(me, ft);
	EXPECT_EQ(srv, tp);
	EXPECT_EQ(srv, tt);
	EXPECT_LE(0, tev_find(&self->log, recv, "binderlite_transaction_buffer_release", srv,
			      "transaction", id));
	EXPECT_GT(0, tev_find(&self->log, 0, "binderlite_transaction", srv, "reply", 1));
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_return", me, "cmd",
			      BINDERLITE_BR_TRANSACTION_COMPLETE));
}

/*
 * Failed transactions: a handle that does not exist fails before any
 * buffer (no binderlite_transaction, no buffer); offsets of a size that is
 * no multiple of 8 fail after the buffer was allocated, which is given
 * back (binderlite_transaction_failed_buffer_release). Each failure's
 * debug id is the one the extended error reports.
 */
TEST_F(trace, failed)
{
	binderlite_size_t offsets[1] = { 0 };
	struct binderlite_extended_error ee;
	uint8_t data[16] = { 0 };
	int me = gettid(), srv = self->server, i;
	struct ipc_result res;
	struct ipc_event ev;
	long long id1, id2;

	ASSERT_EQ(0, ipc_call(&self->r, 99, CODE_ECHO, data, sizeof(data), &res));
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, res.cmd);
	ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, ee.command);
	ASSERT_EQ(-EINVAL, ee.param);
	id1 = ee.id;

	ASSERT_EQ(0, ipc_send(self->dev.fd, BINDERLITE_BC_TRANSACTION, 0, CODE_ECHO, 0,
			      data, sizeof(data), offsets, 4));
	IPC_ASSERT_NEXT(&self->r, BINDERLITE_BR_FAILED_REPLY, &ev);
	ASSERT_EQ(0, ipc_extended_error(self->dev.fd, &ee));
	ASSERT_EQ(-EINVAL, ee.param);
	id2 = ee.id;
	ASSERT_LT(id1, id2);
	TRACE_READ();

	i = tev_find(&self->log, 0, "binderlite_transaction_failed", me, "transaction", id1);
	ASSERT_EVENT(i, "binderlite_transaction_failed for the bad handle");
	EXPECT_TRUE(tev_is(&self->log.ev[i], "cmd", BINDERLITE_BR_FAILED_REPLY));
	EXPECT_NE(NULL, strstr(self->log.ev[i].args, " BR_FAILED_REPLY"));
	EXPECT_TRUE(tev_is(&self->log.ev[i], "param", -EINVAL));
	EXPECT_TRUE(tev_is(&self->log.ev[i], "reply", 0));
	EXPECT_GT(0, tev_find(&self->log, 0, "binderlite_transaction", 0, "transaction", id1));
	EXPECT_GT(0, tev_find(&self->log, 0, "binderlite_transaction_alloc_buf", 0,
			      "transaction", id1));

	/* Resolved, allocated in the server's pool, given back, failed. */
	EXPECT_LE(0, tev_find(&self->log, 0, "binderlite_transaction", me, "transaction", id2));
	i = tev_find(&self->log, 0, "binderlite_transaction_alloc_buf", me, "transaction", id2);
	ASSERT_EVENT(i, "binderlite_transaction_alloc_buf for the bad offsets");
	EXPECT_TRUE(tev_is(&self->log.ev[i], "proc", srv));
	EXPECT_TRUE(tev_is(&self->log.ev[i], "offsets_size", 4));
	i = tev_find(&self->log, i, "binderlite_transaction_failed_buffer_release", me,
		     "transaction", id2);
	ASSERT_EVENT(i, "binderlite_transaction_failed_buffer_release");
	EXPECT_TRUE(tev_is(&self->log.ev[i], "proc", srv));
	i = tev_find(&self->log, i, "binderlite_transaction_failed", me, "transaction", id2);
	ASSERT_EVENT(i, "binderlite_transaction_failed for the bad offsets");
	EXPECT_TRUE(tev_is(&self->log.ev[i], "param", -EINVAL));
	EXPECT_LE(0, tev_find(&self->log, i, "binderlite_return", me, "cmd",
			      BINDERLITE_BR_FAILED_REPLY));
	/* Never queued: the server saw neither. */
	EXPECT_GT(0, tev_find(&self->log, 0, "binderlite_transaction_received", 0,
			      "transaction", id2));
	EXPECT_EQ(0, ipc_load(&self->sh->received));
}

/*
 * Pages: a call of three pages populates three pages of the server's
 * pool; once its buffer is freed, debugfs reclaim takes them back, each
 * zapped from the server's mapping.
 */
TEST_F(trace, reclaim)
{
	size_t size = 3 * 4096 - 64;
	uint8_t *data = calloc(1, size);
	int me = gettid(), srv = self->server, i, n, tries;
	struct ipc_result res;
	long long v;

	ASSERT_NE(NULL, data);
	if (access(IPC_DEBUGFS "/reclaim", W_OK)) {
		free(data);
		SKIP(return, "no %s/reclaim", IPC_DEBUGFS);
	}
	ASSERT_EQ(0, ipc_call(&self->r, 0, CODE_ECHO, data, size, &res));
	free(data);
	ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));

	/* Reclaim trylocks: a page it skips is tried again. */
	for (tries = 0, n = 0; tries < 50 && n < 3; tries++) {
		if (tries)
			bl_sleep_ms(20);
		ASSERT_EQ(0, write_file(IPC_DEBUGFS, "reclaim", "100000"));
		TRACE_READ();
		for (n = 0, i = 0; (i = tev_find(&self->log, i, "binderlite_page_reclaimed", 0,
						 "proc", srv)) >= 0; i++)
			n++;
	}

	i = tev_find(&self->log, 0, "binderlite_pages_populated", me, "proc", srv);
	ASSERT_EVENT(i, "binderlite_pages_populated in the server's pool");
	EXPECT_TRUE(tev_is(&self->log.ev[i], "nr", 3));
	EXPECT_TRUE(tev_is(&self->log.ev[i], "resident", 3));
	if (n < 3)
		tlog_dump(_metadata, &self->log);
	ASSERT_EQ(3, n) TH_LOG("%d of the server's 3 pages reclaimed", n);
	for (n = 3, i = 0; (i = tev_find(&self->log, i, "binderlite_page_reclaimed", 0,
					 "proc", srv)) >= 0; i++) {
		n--;
		EXPECT_TRUE(tev_is(&self->log.ev[i], "resident", n));
		EXPECT_TRUE(tev_is(&self->log.ev[i], "zapped", 1));
		ASSERT_TRUE(tev_val(&self->log.ev[i], "page", &v));
		EXPECT_GT(3, v);
	}
}

/*
 * A slow call among fast ones, found as Documentation/performance.rst
 * shows: the largest latency of the calls names it; its own events show
 * where the time went (answered SLOW_MS after it was received). Only
 * what the server's sleep guarantees is asserted: under TCG, any call
 * may be slow for other reasons.
 */
TEST_F(trace, slow_call)
{
	int me = gettid(), srv = self->server, i, slow = -1, sent, recv, rsent;
	long long v, max = 0, slow_id = 0;
	uint32_t codes[] = { CODE_ECHO, CODE_ECHO, CODE_SLOW, CODE_ECHO };
	uint32_t data = 0;
	struct ipc_result res;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(codes); k++) {
		ASSERT_EQ(0, ipc_call(&self->r, 0, codes[k], &data, sizeof(data), &res));
		ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
		ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
	}
	TRACE_READ();

	for (i = 0; (i = tev_find(&self->log, i, "binderlite_txn_latency_free", 0,
				  "reply", 0)) >= 0; i++) {
		ASSERT_TRUE(tev_val(&self->log.ev[i], "latency_ns", &v));
		if (v > max) {
			max = v;
			slow = i;
		}
	}
	ASSERT_EVENT(slow, "binderlite_txn_latency_free");
	ASSERT_TRUE(tev_val(&self->log.ev[slow], "transaction", &slow_id));
	EXPECT_TRUE(tev_is(&self->log.ev[slow], "code", CODE_SLOW));
	EXPECT_LE(SLOW_MS * 1000000LL, max);

	sent = tev_find(&self->log, 0, "binderlite_transaction", me, "transaction", slow_id);
	ASSERT_EVENT(sent, "binderlite_transaction for the slow call");
	recv = tev_find(&self->log, sent, "binderlite_transaction_received", srv,
			"transaction", slow_id);
	ASSERT_EVENT(recv, "binderlite_transaction_received for the slow call");
	rsent = tev_find(&self->log, recv, "binderlite_transaction", srv, "reply", 1);
	ASSERT_EVENT(rsent, "binderlite_transaction for the slow call's reply");
	EXPECT_LE(SLOW_MS / 1000.0, self->log.ev[rsent].ts - self->log.ev[recv].ts);
	TH_LOG("slowest call: transaction %lld, %lld ns; sent %.6f, received %.6f, answered %.6f",
	       slow_id, max, self->log.ev[sent].ts, self->log.ev[recv].ts,
	       self->log.ev[rsent].ts);
}

TEST_HARNESS_MAIN
