// SPDX-License-Identifier: GPL-2.0
/*
 * Nested calls and the end of one of their parties.
 *
 * A chain: process path[0] calls path[1] (T1), which, serving T1, calls
 * path[2] (T2), and so on to depth d; consecutive parties differ, a party
 * may come back (A->B->A->B: calls back and forth, each delivered to the
 * thread that waits in its own call). While path[d] serves Td, one party,
 * the victim, ends: it is SIGKILLed, it exits, or its thread leaves with
 * BINDERLITE_THREAD_EXIT. Then the top replies (unless it was the victim)
 * and every party that is left replies to what it serves once its own call
 * ended.
 *
 * Binder's rule, which every case asserts: a thread that goes fails only
 * the transaction on top of its stack, if it serves it; the deeper ones
 * are detached, and a reply that finds its caller gone gives its sender
 * BR_TRANSACTION_COMPLETE and walks down the chain (from_parent) to the
 * first caller still there, which gets BR_DEAD_REPLY. So each party's
 * call ends in BR_DEAD_REPLY if the callee was the victim and in BR_REPLY
 * otherwise; every reply is completed; and nobody waits forever. The
 * first case is the bug of issue 10: A calls B, B calls back into A, A
 * reads it, B is killed, A replies: A must get BR_TRANSACTION_COMPLETE
 * and then BR_DEAD_REPLY for its own call.
 *
 * Each party logs every return it reads into shared memory; the test
 * computes what binder gives each party (ch_simulate()) and compares,
 * event by event. Waits are bounded: a party still waiting when the round
 * ends fails it. After each round nothing may be left: debugfs
 * transactions_live on binderlite, the active transactions of binder's
 * own stats on binder. The parties find each other through a small
 * service manager, a child that is the context manager.
 */
#include "binderlite_ipc_freeze.h"

#define CH_MAX_DEPTH	5
#define CH_MAX_PROCS	(CH_MAX_DEPTH + 1)
#define CH_MAX_EVENTS	32
/* A party gives up waiting after this long. */
#define CH_TIMEOUT_MS	20000
/* The test gives up waiting for the parties to start after this long. */
#define CH_WAIT_MS	15000
/* And for the returns due once the victim is gone: a hang fails the round. */
#define CH_HANG_MS	5000
/* How many times each sweep runs. */
#define CH_ROUNDS	1

/* The code of every call of the chain; the payload is its level. */
#define CH_CODE		0x63680000U
/* The service manager's methods; the payload starts with a party's index. */
#define SM_REGISTER	0x100U
#define SM_LOOKUP	0x101U

#define CH_NODE(i)	(0x10000ULL + 0x100ULL * (i))
#define CH_COOKIE(i)	(CH_NODE(i) + 0xcULL)

/* Returned by the parties' helpers next to 0 and -errno. */
#define CH_ACTED	1	/* the victim's thread left: unwind */
#define CH_DONE		2	/* the round is over */

enum ch_action {
	CH_KILL,	/* SIGKILLed by the test */
	CH_EXIT,	/* closes its file and exits */
	CH_THREAD_EXIT,	/* BINDERLITE_THREAD_EXIT, then goes on */
};

static const char * const ch_action_name[] = {
	[CH_KILL] = "killed",
	[CH_EXIT] = "exits",
	[CH_THREAD_EXIT] = "thread exits",
};

/**
 * struct ch_event - a return a party read
 * @cmd:   the BR_* code
 * @level: BR_TRANSACTION and BR_REPLY: the level in the payload;
 *         BR_DEAD_REPLY and BR_FAILED_REPLY: the level of the call the
 *         party waited for; else 0
 */
struct ch_event {
	uint32_t cmd;
	int32_t level;
};

/**
 * struct ch_log - what a party read, in order
 * @n:  events
 * @ev: the events; more than CH_MAX_EVENTS are counted, not kept
 */
struct ch_log {
	int n;
	struct ch_event ev[CH_MAX_EVENTS];
};

/**
 * struct ch_shared - a round, in memory shared with the parties
 * @depth:      d: the calls T1 ... Td
 * @nprocs:     parties: 0 ... nprocs - 1
 * @victim:     the party that ends
 * @action:     how (enum ch_action)
 * @path:       path[k] serves Tk, path[k - 1] calls it
 * @registered: parties registered with the service manager
 * @lookup:     set by the test once every party registered
 * @looked_up:  parties that hold handles to every other
 * @start:      set by the test: path[0] calls
 * @top:        set by path[d] once it holds Td
 * @release:    set by the test: path[d] may reply
 * @act:        set by the test: the victim exits (CH_EXIT, CH_THREAD_EXIT)
 * @acted:      set by the victim once it did
 * @done:       set by the test: the round is over, the parties exit
 * @log:        each party's events
 */
struct ch_shared {
	int depth, nprocs, victim, action;
	int path[CH_MAX_DEPTH + 1];
	int registered, lookup, looked_up, start;
	int top, release, act, acted, done;
	struct ch_log log[CH_MAX_PROCS];
};

/* Set before the parties are forked. */
static struct ch_shared *ch_sh;

/* The service manager: a context manager that keeps a handle per party. */
struct sm_msg {
	uint32_t index;
	uint32_t pad;
	struct flat_binderlite_object obj;
};

static const binderlite_size_t sm_obj_offset = offsetof(struct sm_msg, obj);

static int sm_serve(int fd, const struct binderlite_transaction_data *tr, uint32_t *handles)
{
	struct sm_msg msg = { 0 };
	struct ipc_cmds c = { 0 };
	uint32_t old;

	if (tr->data_size < sizeof(msg.index))
		return -EBADMSG;
	memcpy(&msg, ipc_payload(tr), tr->data_size < sizeof(msg) ? tr->data_size : sizeof(msg));
	if (msg.index >= CH_MAX_PROCS)
		return -EBADMSG;
	if (tr->code == SM_REGISTER) {
		if (tr->data_size != sizeof(msg) || tr->offsets_size != sizeof(sm_obj_offset) ||
		    msg.obj.hdr.type != BINDERLITE_TYPE_HANDLE)
			return -EBADMSG;
		/* The buffer's references go with it: take our own first. */
		old = handles[msg.index];
		if (old) {
			ipc_cmd(&c, BINDERLITE_BC_RELEASE, &old, sizeof(old));
			ipc_cmd(&c, BINDERLITE_BC_DECREFS, &old, sizeof(old));
		}
		handles[msg.index] = msg.obj.handle;
		ipc_cmd(&c, BINDERLITE_BC_INCREFS, &msg.obj.handle, sizeof(msg.obj.handle));
		ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &msg.obj.handle, sizeof(msg.obj.handle));
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
	} else if (tr->code == SM_LOOKUP && handles[msg.index]) {
		msg.obj = ipc_obj_handle(handles[msg.index]);
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &msg, sizeof(msg), &sm_obj_offset,
			    sizeof(sm_obj_offset));
	} else {
		return -EBADMSG;
	}
	return ipc_cmds_write(fd, &c);
}

static int sm_main(struct ipc_dev *dev, void *arg)
{
	uint32_t handles[CH_MAX_PROCS] = { 0 };
	struct ipc_reader r;
	struct ipc_event ev;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	for (;;) {
		IPC_CHECK(ipc_next(&r, &ev) == 0);
		if (ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)
			continue;
		IPC_CHECK(ev.cmd == BINDERLITE_BR_TRANSACTION);
		IPC_CHECK(sm_serve(dev->fd, &ev.txn, handles) == 0);
	}
}

/**
 * struct ch_party - a party of the chain, in its own process
 * @r:       its reader (its file is O_NONBLOCK once the chain starts)
 * @index:   which party
 * @waiting: the level of the call it waits for, 0 if none
 * @acted:   it was the victim and did what it was told
 * @handle:  its handles to the other parties
 */
struct ch_party {
	struct ipc_reader r;
	int index;
	int waiting;
	bool acted;
	uint32_t handle[CH_MAX_PROCS];
};

static long long ch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The level in the payload of a BR_TRANSACTION or BR_REPLY, -1 if none. */
static int32_t ch_level(const struct binderlite_transaction_data *tr)
{
	int32_t level = -1;

	if (tr->data_size == sizeof(level))
		memcpy(&level, ipc_payload(tr), sizeof(level));
	return level;
}

static void ch_log(struct ch_party *p, const struct ipc_event *ev)
{
	struct ch_log *log = &ch_sh->log[p->index];
	struct ch_event e = { .cmd = ev->cmd };
	int i;

	switch (ev->cmd) {
	case BINDERLITE_BR_TRANSACTION:
	case BINDERLITE_BR_REPLY:
		e.level = ch_level(&ev->txn);
		break;
	case BINDERLITE_BR_DEAD_REPLY:
	case BINDERLITE_BR_FAILED_REPLY:
		e.level = p->waiting;
		break;
	}
	i = __atomic_load_n(&log->n, __ATOMIC_SEQ_CST);
	if (i < CH_MAX_EVENTS)
		log->ev[i] = e;
	__atomic_store_n(&log->n, i + 1, __ATOMIC_SEQ_CST);
}

/* The victim does what it is told: CH_ACTED, or never returns. */
static int ch_act(struct ch_party *p)
{
	int32_t unused = 0;

	p->acted = true;
	if (ch_sh->action == CH_EXIT) {
		ipc_store(&ch_sh->acted, 1);
		close(p->r.fd);
		_exit(0);
	}
	if (ch_sh->action != CH_THREAD_EXIT)
		return -EINVAL;
	if (ioctl(p->r.fd, BINDERLITE_THREAD_EXIT, &unused))
		return -errno;
	/* A new thread, for the driver: it reads what comes next, if anything. */
	p->r.len = 0;
	p->r.pos = 0;
	p->waiting = 0;
	if (ipc_looper(p->r.fd, BINDERLITE_BC_ENTER_LOOPER))
		return -EIO;
	ipc_store(&ch_sh->acted, 1);
	return CH_ACTED;
}

static bool ch_told_to_act(const struct ch_party *p)
{
	return !p->acted && p->index == ch_sh->victim && ipc_load(&ch_sh->act);
}

/*
 * The next event, logged. Returns 0, CH_ACTED, CH_DONE (only if @idle:
 * the round is over and nothing is left to read), -ETIMEDOUT (also when
 * the round ends while the party still waits), or -errno.
 */
static int ch_event(struct ch_party *p, struct ipc_event *ev, bool idle)
{
	struct pollfd pfd = { .fd = p->r.fd, .events = POLLIN };
	long long deadline = ch_now_ms() + CH_TIMEOUT_MS;
	int ret;

	for (;;) {
		ret = ipc_next(&p->r, ev);
		if (!ret)
			ch_log(p, ev);
		if (ret != -EAGAIN)
			return ret;
		if (ch_told_to_act(p))
			return ch_act(p);
		if (ipc_load(&ch_sh->done))
			return idle ? CH_DONE : -ETIMEDOUT;
		if (ch_now_ms() > deadline)
			return -ETIMEDOUT;
		poll(&pfd, 1, 10);
	}
}

static int ch_call(struct ch_party *p, int32_t level);

/* Serves a call of the chain: call deeper, or hold it at the top; reply. */
static int ch_serve(struct ch_party *p, const struct binderlite_transaction_data *tr)
{
	long long deadline = ch_now_ms() + CH_TIMEOUT_MS;
	int32_t level = ch_level(tr);
	int ret;

	if (tr->code != CH_CODE || level < 1 || level > ch_sh->depth ||
	    ch_sh->path[level] != p->index) {
		fprintf(stderr, "# party %d: unexpected call %#x level %d\n", p->index, tr->code,
			level);
		return -EBADMSG;
	}
	if (level == ch_sh->depth) {
		ipc_store(&ch_sh->top, 1);
		while (!ipc_load(&ch_sh->release)) {
			if (ch_told_to_act(p))
				return ch_act(p);
			if (ipc_load(&ch_sh->done) || ch_now_ms() > deadline)
				return -ETIMEDOUT;
			bl_sleep_ms(1);
		}
	} else {
		ret = ch_call(p, level + 1);
		if (ret)
			return ret;
	}
	return ipc_reply_free(p->r.fd, tr->data.ptr.buffer, &level, sizeof(level));
}

/* Makes the call at @level and reads until it ends, serving calls back. */
static int ch_call(struct ch_party *p, int32_t level)
{
	int prev = p->waiting, ret;
	struct ipc_event ev;

	ret = ipc_transact(p->r.fd, p->handle[ch_sh->path[level]], CH_CODE, 0, &level,
			   sizeof(level));
	if (ret)
		return ret;
	p->waiting = level;
	for (;;) {
		ret = ch_event(p, &ev, false);
		if (ret)
			break;
		if (ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)
			continue;
		if (ev.cmd == BINDERLITE_BR_TRANSACTION) {
			ret = ch_serve(p, &ev.txn);
			if (ret)
				break;
			continue;
		}
		if (ev.cmd == BINDERLITE_BR_REPLY)
			ret = ipc_free_buffer(p->r.fd, ev.txn.data.ptr.buffer);
		else if (ev.cmd != BINDERLITE_BR_DEAD_REPLY && ev.cmd != BINDERLITE_BR_FAILED_REPLY)
			ret = -EBADMSG;
		break;
	}
	if (ret < 0)
		fprintf(stderr, "# party %d: call at level %d: %s\n", p->index, level,
			strerror(-ret));
	p->waiting = prev;
	return ret;
}

/* Reads and serves until the round is over. */
static int ch_idle(struct ch_party *p)
{
	struct ipc_event ev;
	int ret;

	for (;;) {
		ret = ch_event(p, &ev, true);
		if (ret == CH_DONE)
			return 0;
		if (ret == CH_ACTED)
			continue;
		if (ret)
			return ret;
		if (ev.cmd == BINDERLITE_BR_TRANSACTION) {
			ret = ch_serve(p, &ev.txn);
			if (ret < 0)
				return ret;
		} else if (ev.cmd == BINDERLITE_BR_REPLY) {
			/* Unexpected, and logged: the buffer goes back. */
			ret = ipc_free_buffer(p->r.fd, ev.txn.data.ptr.buffer);
			if (ret)
				return ret;
		}
	}
}

/* Registers with the service manager, then looks every other party up. */
static int ch_setup(struct ch_party *p)
{
	struct sm_msg msg = {
		.index = p->index,
		.obj = ipc_obj_binder(CH_NODE(p->index), CH_COOKIE(p->index)),
	};
	struct flat_binderlite_object obj;
	struct ipc_cmds c = { 0 };
	struct ipc_result res;
	uint32_t i;

	IPC_CHECK(ipc_call_objs(&p->r, 0, SM_REGISTER, 0, &msg, sizeof(msg), &sm_obj_offset,
				sizeof(sm_obj_offset), &res) == 0);
	IPC_CHECK(res.cmd == BINDERLITE_BR_REPLY);
	IPC_CHECK(ipc_free_buffer(p->r.fd, res.txn.data.ptr.buffer) == 0);
	__atomic_fetch_add(&ch_sh->registered, 1, __ATOMIC_SEQ_CST);
	IPC_CHECK(ipc_wait_int(&ch_sh->lookup, 1, CH_TIMEOUT_MS));
	for (i = 0; i < (uint32_t)ch_sh->nprocs; i++) {
		if (i == (uint32_t)p->index)
			continue;
		IPC_CHECK(ipc_call_objs(&p->r, 0, SM_LOOKUP, 0, &i, sizeof(i), NULL, 0, &res) == 0);
		IPC_CHECK(res.cmd == BINDERLITE_BR_REPLY);
		IPC_CHECK(ipc_obj_at(&res.txn, 0, &obj, sizeof(obj)) == 0);
		IPC_CHECK(obj.hdr.type == BINDERLITE_TYPE_HANDLE);
		p->handle[i] = obj.handle;
		ipc_cmd(&c, BINDERLITE_BC_INCREFS, &obj.handle, sizeof(obj.handle));
		ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, res.txn.data.ptr.buffer);
		IPC_CHECK(ipc_cmds_write(p->r.fd, &c) == 0);
	}
	__atomic_fetch_add(&ch_sh->looked_up, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int ch_main(struct ipc_dev *dev, void *arg)
{
	static struct ch_party p;
	int flags, ret;

	p.index = (intptr_t)arg;
	ipc_reader_init(&p.r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	if (ch_setup(&p))
		return 1;
	IPC_CHECK(ipc_wait_int(&ch_sh->start, 1, CH_TIMEOUT_MS));
	/* From here on the party polls, so that it can act and give up. */
	flags = fcntl(dev->fd, F_GETFL);
	IPC_CHECK(flags >= 0 && !fcntl(dev->fd, F_SETFL, flags | O_NONBLOCK));
	ret = 0;
	if (ch_sh->path[0] == p.index)
		ret = ch_call(&p, 1);
	if (ret >= 0)
		ret = ch_idle(&p);
	if (ret < 0) {
		fprintf(stderr, "# party %d: %s (waiting for level %d)\n", p.index,
			strerror(-ret), p.waiting);
		return 1;
	}
	return 0;
}

/**
 * struct ch_expect - what binder gives each party
 * @n:       events of each party
 * @forward: of which before the victim acts
 * @ev:      the events
 */
struct ch_expect {
	int n[CH_MAX_PROCS];
	int forward[CH_MAX_PROCS];
	struct ch_event ev[CH_MAX_PROCS][CH_MAX_EVENTS];
};

static void ch_emit(struct ch_expect *x, bool *pending, int p, uint32_t cmd, int level)
{
	/* A call's BR_TRANSACTION_COMPLETE waits for the next return. */
	if (pending[p] && x->n[p] < CH_MAX_EVENTS) {
		x->ev[p][x->n[p]++] = (struct ch_event){ BINDERLITE_BR_TRANSACTION_COMPLETE, 0 };
		pending[p] = false;
	}
	if (x->n[p] < CH_MAX_EVENTS)
		x->ev[p][x->n[p]++] = (struct ch_event){ cmd, level };
}

/*
 * Binder's outcome of a round, party by party: see the comment at the top.
 * A reply's BR_TRANSACTION_COMPLETE comes at once, a call's with the next
 * return of its thread.
 */
static void ch_simulate(const struct ch_shared *sh, struct ch_expect *x)
{
	bool pending[CH_MAX_PROCS] = { false };
	int d = sh->depth, v = sh->victim, k, caller, callee;

	memset(x, 0, sizeof(*x));
	for (k = 1; k <= d; k++) {
		pending[sh->path[k - 1]] = true;
		ch_emit(x, pending, sh->path[k], BINDERLITE_BR_TRANSACTION, k);
	}
	memcpy(x->forward, x->n, sizeof(x->forward));
	if (sh->path[d] != v)
		ch_emit(x, pending, sh->path[d], BINDERLITE_BR_TRANSACTION_COMPLETE, 0);
	for (k = d; k >= 1; k--) {
		caller = sh->path[k - 1];
		callee = sh->path[k];
		if (caller == v)
			continue;
		ch_emit(x, pending, caller,
			callee == v ? BINDERLITE_BR_DEAD_REPLY : BINDERLITE_BR_REPLY, k);
		/* The caller replies to what it serves: completed, always. */
		if (k > 1)
			ch_emit(x, pending, caller, BINDERLITE_BR_TRANSACTION_COMPLETE, 0);
	}
}

static const char *ch_cmd_name(uint32_t cmd)
{
	switch (cmd) {
	case BINDERLITE_BR_TRANSACTION:
		return "TRANSACTION";
	case BINDERLITE_BR_REPLY:
		return "REPLY";
	case BINDERLITE_BR_TRANSACTION_COMPLETE:
		return "COMPLETE";
	case BINDERLITE_BR_DEAD_REPLY:
		return "DEAD_REPLY";
	case BINDERLITE_BR_FAILED_REPLY:
		return "FAILED_REPLY";
	}
	return "?";
}

static void ch_format(char *buf, size_t size, const struct ch_event *ev, int n)
{
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < n && i < CH_MAX_EVENTS && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s(%d)", i ? " " : "",
				ch_cmd_name(ev[i].cmd), ev[i].level);
	if (n > CH_MAX_EVENTS && len < size)
		snprintf(buf + len, size - len, " ... %d in all", n);
}

/* Whether party @p logged exactly the first @n events of @x. */
static bool ch_log_is(struct __test_metadata *_metadata, const char *what, int p,
		      const struct ch_expect *x, int n)
{
	const struct ch_log *log = &ch_sh->log[p];
	int got = ipc_load(&log->n);
	char a[512], b[512];

	if (got == n && !memcmp(log->ev, x->ev[p], n * sizeof(log->ev[0])))
		return true;
	ch_format(a, sizeof(a), x->ev[p], n);
	ch_format(b, sizeof(b), log->ev, got);
	TH_LOG("%s: party %d expected: %s", what, p, a);
	TH_LOG("%s: party %d got:      %s", what, p, b);
	return false;
}

FIXTURE(nested) {
	struct ch_shared *sh;
	pid_t sm;
	pid_t pid[CH_MAX_PROCS];
};

FIXTURE_VARIANT(nested) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(nested, (), ());

FIXTURE_SETUP(nested)
{
	self->sh = MAP_FAILED;
	if (!bl_fixture_present(_metadata, variant->path))
		return;
	self->sh = ipc_shared(sizeof(*self->sh));
	ASSERT_NE(MAP_FAILED, self->sh);
	ch_sh = self->sh;
	self->sm = ipc_start(variant->path, true, sm_main, NULL);
	ASSERT_LT(0, self->sm) TH_LOG("service manager: %s", strerror(-self->sm));
}

FIXTURE_TEARDOWN(nested)
{
	ipc_fixture_close(_metadata, NULL, variant->binderlite);
	if (self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
}

/*
 * Nothing of the round may be left: no transaction, and no process or
 * thread but the service manager's one.
 */
static void ch_assert_nothing_left(struct __test_metadata *_metadata,
				   const FIXTURE_VARIANT(nested) *variant, const char *what)
{
	static const char * const lite[] = { "transactions_live", "procs", "threads" };
	static const char * const ref[] = { "transaction", "proc", "thread" };
	static const long long want[] = { 0, 1, 1 };
	long long last;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (variant->binderlite) {
			ret = ipc_stats_wait(lite[i], want[i], 5000, &last);
			ASSERT_EQ(0, ret) TH_LOG("%s: stats %s %lld", what, lite[i], last);
		} else if (!access(FZ_BINDER_STATS, R_OK)) {
			ret = fz_binder_active_wait(ref[i], want[i], 5000, &last);
			ASSERT_EQ(0, ret) TH_LOG("%s: binder has %lld of %s", what, last, ref[i]);
		}
	}
}

/*
 * One round: the chain @path of @depth calls, @victim ends by @action
 * while the top serves. Asserts every party's events, that the parties
 * left exit cleanly, and that nothing is left.
 */
static void ch_round(struct __test_metadata *_metadata, FIXTURE_DATA(nested) *self,
		     const FIXTURE_VARIANT(nested) *variant, int depth, const int *path,
		     int victim, enum ch_action action)
{
	struct ch_shared *sh = self->sh;
	int i, k, top = path[depth];
	struct ch_expect x;
	char what[128];
	size_t len;

	memset(sh, 0, sizeof(*sh));
	sh->depth = depth;
	sh->victim = victim;
	sh->action = action;
	len = snprintf(what, sizeof(what), "path");
	for (k = 0; k <= depth; k++) {
		sh->path[k] = path[k];
		if (path[k] >= sh->nprocs)
			sh->nprocs = path[k] + 1;
		len += snprintf(what + len, sizeof(what) - len, " %d", path[k]);
	}
	snprintf(what + len, sizeof(what) - len, ", party %d %s", victim,
		 ch_action_name[action]);
	ch_simulate(sh, &x);

	for (i = 0; i < sh->nprocs; i++) {
		self->pid[i] = ipc_start(variant->path, false, ch_main, (void *)(intptr_t)i);
		ASSERT_LT(0, self->pid[i]) TH_LOG("%s: party %d: %s", what, i,
						  strerror(-self->pid[i]));
	}
	ASSERT_TRUE(ipc_wait_int(&sh->registered, sh->nprocs, CH_WAIT_MS)) TH_LOG("%s", what);
	ipc_store(&sh->lookup, 1);
	ASSERT_TRUE(ipc_wait_int(&sh->looked_up, sh->nprocs, CH_WAIT_MS)) TH_LOG("%s", what);
	ipc_store(&sh->start, 1);
	ASSERT_TRUE(ipc_wait_int(&sh->top, 1, CH_WAIT_MS))
		TH_LOG("%s: the calls never reached the top", what);
	for (i = 0; i < sh->nprocs; i++)
		ASSERT_TRUE(ch_log_is(_metadata, what, i, &x, x.forward[i]));

	switch (action) {
	case CH_KILL:
		ASSERT_EQ(0, kill(self->pid[victim], SIGKILL));
		ASSERT_EQ(128 + SIGKILL, ipc_wait(self->pid[victim], 30)) TH_LOG("%s", what);
		break;
	case CH_EXIT:
		ipc_store(&sh->act, 1);
		ASSERT_EQ(0, ipc_wait(self->pid[victim], 30)) TH_LOG("%s", what);
		break;
	case CH_THREAD_EXIT:
		ipc_store(&sh->act, 1);
		ASSERT_TRUE(ipc_wait_int(&sh->acted, 1, CH_WAIT_MS)) TH_LOG("%s", what);
		break;
	}
	if (victim != top) {
		/* Deeper transactions are detached: nothing happens before the top replies. */
		bl_sleep_ms(30);
		for (i = 0; i < sh->nprocs; i++)
			ASSERT_TRUE(ch_log_is(_metadata, what, i, &x, x.forward[i]));
		ipc_store(&sh->release, 1);
	}
	/* Nobody hangs: each party gets all it is due. */
	for (i = 0; i < sh->nprocs; i++)
		ipc_wait_int(&sh->log[i].n, x.n[i], CH_HANG_MS);
	/* A little time for anything more to show. */
	bl_sleep_ms(20);
	for (i = 0; i < sh->nprocs; i++)
		EXPECT_TRUE(ch_log_is(_metadata, what, i, &x, x.n[i]));
	ipc_store(&sh->done, 1);
	for (i = 0; i < sh->nprocs; i++) {
		if (i == victim && action != CH_THREAD_EXIT)
			continue;
		EXPECT_EQ(0, ipc_wait(self->pid[i], 30)) TH_LOG("%s: party %d", what, i);
	}
	ASSERT_EQ(0, _metadata->exit_code) TH_LOG("%s", what);
	ch_assert_nothing_left(_metadata, variant, what);
}

/* The shapes of a chain: who serves level k. */
enum ch_shape { CH_DISTINCT, CH_BACK_AND_FORTH, CH_ROUND_THREE };

static void ch_path(enum ch_shape shape, int depth, int *path)
{
	int k;

	for (k = 0; k <= depth; k++)
		path[k] = shape == CH_DISTINCT ? k : shape == CH_BACK_AND_FORTH ? k % 2 : k % 3;
}

static int ch_parties(enum ch_shape shape, int depth)
{
	return shape == CH_DISTINCT ? depth + 1 : shape == CH_BACK_AND_FORTH ? 2 : 3;
}

/*
 * Every depth from 2 to CH_MAX_DEPTH of @shape, each party of it in turn
 * the victim (only the parties in the middle, neither the first caller
 * nor the top, if @middle).
 */
static void ch_sweep(struct __test_metadata *_metadata, FIXTURE_DATA(nested) *self,
		     const FIXTURE_VARIANT(nested) *variant, enum ch_shape shape,
		     enum ch_action action, bool middle)
{
	int path[CH_MAX_DEPTH + 1], depth, v;

	for (depth = 2; depth <= CH_MAX_DEPTH; depth++) {
		if (shape == CH_ROUND_THREE && depth < 3)
			continue;
		ch_path(shape, depth, path);
		for (v = 0; v < ch_parties(shape, depth); v++) {
			if (middle && (v == path[0] || v == path[depth]))
				continue;
			ch_round(_metadata, self, variant, depth, path, v, action);
		}
	}
}

/*
 * Issue 10's bug: A calls B (T1); B, serving T1, calls back into A (T2),
 * which A's waiting thread reads; B is killed; A replies to T2. A's reply
 * is completed, and A's own call ends with BR_DEAD_REPLY.
 */
TEST_F(nested, callback_then_server_killed)
{
	static const int path[] = { 0, 1, 0 };
	static const struct ch_event a[] = {
		{ BINDERLITE_BR_TRANSACTION_COMPLETE, 0 },	/* of T1 */
		{ BINDERLITE_BR_TRANSACTION, 2 },		/* T2 */
		{ BINDERLITE_BR_TRANSACTION_COMPLETE, 0 },	/* of the reply to T2 */
		{ BINDERLITE_BR_DEAD_REPLY, 1 },		/* T1 */
	};
	int round;

	for (round = 0; round < 5; round++) {
		ch_round(_metadata, self, variant, 2, path, 1, CH_KILL);
		ASSERT_EQ((int)ARRAY_SIZE(a), self->sh->log[0].n);
		ASSERT_EQ(0, memcmp(a, self->sh->log[0].ev, sizeof(a)));
	}
}

/* The same with B's thread leaving (BINDERLITE_THREAD_EXIT): B lives on. */
TEST_F(nested, callback_then_server_thread_exits)
{
	static const int path[] = { 0, 1, 0 };
	int round;

	for (round = 0; round < 3; round++)
		ch_round(_metadata, self, variant, 2, path, 1, CH_THREAD_EXIT);
}

/* ch_sweep() of every shape, CH_ROUNDS times: each party in turn ends by @action. */
static void ch_sweep_shapes(struct __test_metadata *_metadata, FIXTURE_DATA(nested) *self,
			    const FIXTURE_VARIANT(nested) *variant, enum ch_action action)
{
	int round;

	for (round = 0; round < CH_ROUNDS; round++) {
		ch_sweep(_metadata, self, variant, CH_DISTINCT, action, false);
		ch_sweep(_metadata, self, variant, CH_BACK_AND_FORTH, action, false);
		ch_sweep(_metadata, self, variant, CH_ROUND_THREE, action, false);
	}
}

/*
 * Every party of every chain killed in turn, at depths 2 to 5: 35 chains,
 * which in the debug kernel beside two other VMs outlast the harness's
 * default 30 s, for either device.
 */
TEST_F_TIMEOUT(nested, killed_at_each_depth, 180)
{
	ch_sweep_shapes(_metadata, self, variant, CH_KILL);
}

/* The same with the victim's thread leaving, its process living on. */
TEST_F_TIMEOUT(nested, thread_exit_at_each_depth, 180)
{
	ch_sweep_shapes(_metadata, self, variant, CH_THREAD_EXIT);
}

/* A caller in the middle closes its file and exits. */
TEST_F(nested, caller_in_the_middle_exits)
{
	int round;

	for (round = 0; round < CH_ROUNDS; round++) {
		ch_sweep(_metadata, self, variant, CH_DISTINCT, CH_EXIT, true);
		ch_sweep(_metadata, self, variant, CH_ROUND_THREE, CH_EXIT, true);
	}
}

/*
 * The top's caller is killed, then the top replies: the reply is
 * completed, and BR_DEAD_REPLY goes to the caller's caller, at depths 2
 * to 5, between distinct processes and back and forth.
 */
TEST_F(nested, reply_to_a_dead_caller)
{
	int path[CH_MAX_DEPTH + 1], depth, round, i;
	enum ch_shape shape;
	const struct ch_log *log;

	for (round = 0; round < CH_ROUNDS; round++) {
		for (depth = 2; depth <= CH_MAX_DEPTH; depth++) {
			for (shape = CH_DISTINCT; shape <= CH_BACK_AND_FORTH; shape++) {
				ch_path(shape, depth, path);
				ch_round(_metadata, self, variant, depth, path, path[depth - 1],
					 CH_KILL);
				/* The top: its call, then its completed reply. */
				log = &self->sh->log[path[depth]];
				for (i = 0; i + 1 < log->n; i++) {
					if (log->ev[i].cmd == BINDERLITE_BR_TRANSACTION &&
					    log->ev[i].level == depth)
						break;
				}
				ASSERT_GT(log->n, i + 1);
				EXPECT_EQ(BINDERLITE_BR_TRANSACTION_COMPLETE, log->ev[i + 1].cmd);
			}
		}
	}
}

TEST_HARNESS_MAIN
