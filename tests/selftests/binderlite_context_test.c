// SPDX-License-Identifier: GPL-2.0
/*
 * Several contexts, each a device of its own with its own context manager
 * and handles.
 *
 * On both devices (binder: /dev/binder, /dev/hwbinder and /dev/vndbinder;
 * binderlite: /dev/binderlite and two contexts made through its control
 * device): a manager in each context, handle 0 reaching a different one in
 * each, a handle of one context meaning nothing in another, one process
 * using all three at once, and BINDERLITE_FREEZE freezing a process in
 * every context it uses.
 *
 * binderlite only (the binder variants skip): the control device
 * /dev/binderlite-control (BINDERLITE_CTL_ADD and _REMOVE with every error
 * of their contract), debugfs "contexts" and the "context" column of
 * "procs", and the module parameter devices=, for which the test unloads
 * and reloads the module as binderlite_module_test does, and leaves it
 * loaded with its defaults.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "binderlite_ipc_freeze.h"

#define CTL_PATH	"/dev/binderlite-control"
#define MAX_CONTEXTS	64

/* Names of the run-time contexts the tests make. */
#define CTX_HW		"blt-test-hw"
#define CTX_VND		"blt-test-vnd"

/* The managers' methods. */
#define CODE_WHO	0x100U	/* reply with struct who */
#define CODE_GIVE	0x101U	/* reply with a binder object of the manager's */

/* The node a manager hands out with CODE_GIVE. */
#define MGR_NODE(i)	(0x30000ULL + 0x1000ULL * (i))
#define MGR_COOKIE(i)	(MGR_NODE(i) + 0xcULL)

/**
 * struct who - a manager's answer to CODE_WHO
 * @pid:    the manager's pid
 * @index:  which context it serves
 * @target: the target.ptr of the call, as it arrived
 */
struct who {
	int32_t pid;
	int32_t index;
	uint64_t target;
};

static const binderlite_size_t first_object;

/* A context manager that says who it is, and hands out a node of its own. */
static int who_serve(int fd, int index, const struct binderlite_transaction_data *tr)
{
	struct who w = { .pid = getpid(), .index = index, .target = tr->target.ptr };
	struct flat_binderlite_object obj = ipc_obj_binder(MGR_NODE(index), MGR_COOKIE(index));
	struct ipc_cmds c = { 0 };

	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, tr->data.ptr.buffer);
	if (tr->code == CODE_GIVE)
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &obj, sizeof(obj), &first_object,
			    sizeof(first_object));
	else
		ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &w, sizeof(w), NULL, 0);
	return ipc_cmds_write(fd, &c);
}

static int who_main(struct ipc_dev *dev, void *arg)
{
	int index = (intptr_t)arg;
	struct ipc_reader r;
	struct ipc_event ev;
	int ret;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	for (;;) {
		IPC_CHECK(ipc_next(&r, &ev) == 0);
		ret = ipc_ack_ref(dev->fd, &ev);
		IPC_CHECK(ret >= 0);
		if (ret || ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)
			continue;
		IPC_CHECK(ev.cmd == BINDERLITE_BR_TRANSACTION);
		IPC_CHECK(who_serve(dev->fd, index, &ev.txn) == 0);
	}
}

/* BINDERLITE_CTL_ADD or _REMOVE of @name on the control device @fd. */
static int ctl(int fd, unsigned long cmd, const char *name, struct binderlite_ctl_device *out)
{
	struct binderlite_ctl_device d;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	if (ioctl(fd, cmd, &d))
		return -errno;
	if (out)
		*out = d;
	return 0;
}

/* Removes @name, retrying while a file of it is being released. */
static int ctl_remove_retry(int fd, const char *name)
{
	int i, ret = -EBUSY;

	for (i = 0; i < 500 && ret == -EBUSY; i++) {
		if (i)
			bl_sleep_ms(10);
		ret = ctl(fd, BINDERLITE_CTL_REMOVE, name, NULL);
	}
	return ret;
}

FIXTURE(ctx) {
	const char *path[3];
	struct ipc_dev dev[3];
	struct ipc_reader r[3];
	pid_t mgr[3];
	int ctl;
	bool made[3];
};

FIXTURE_VARIANT(ctx) {
	BL_VARIANT_DEVICE;
	/* The two other contexts; binderlite makes them at run time. */
	const char *more[2];
};

BL_DEVICE_VARIANTS(ctx,
		   (.more = { "/dev/" CTX_HW, "/dev/" CTX_VND }),
		   (.more = { "/dev/hwbinder", "/dev/vndbinder" }));

FIXTURE_SETUP(ctx)
{
	int i, ret;

	self->ctl = -1;
	for (i = 0; i < 3; i++) {
		self->dev[i].fd = -1;
		self->dev[i].pool = MAP_FAILED;
		self->path[i] = i ? variant->more[i - 1] : variant->path;
	}
	if (variant->binderlite) {
		if (!bl_fixture_present(_metadata, variant->path))
			return;
		self->ctl = open(CTL_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, self->ctl) TH_LOG("%s: %s", CTL_PATH, strerror(errno));
		for (i = 1; i < 3; i++) {
			ret = ctl(self->ctl, BINDERLITE_CTL_ADD, self->path[i] + 5, NULL);
			/* Left over by a test that failed: made anew. */
			if (ret == -EEXIST) {
				ctl_remove_retry(self->ctl, self->path[i] + 5);
				ret = ctl(self->ctl, BINDERLITE_CTL_ADD, self->path[i] + 5, NULL);
			}
			ASSERT_EQ(0, ret) TH_LOG("%s: %s", self->path[i], strerror(-ret));
			self->made[i] = true;
		}
	}
	for (i = 0; i < 3; i++) {
		if (!bl_fixture_present(_metadata, self->path[i]))
			return;
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ipc_open(&self->dev[i], self->path[i], IPC_POOL_SIZE));
		ipc_reader_init(&self->r[i], self->dev[i].fd);
	}
}

FIXTURE_TEARDOWN(ctx)
{
	int i;

	ipc_kill_children();
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, ipc_close(&self->dev[i]));
	for (i = 0; i < 3; i++) {
		if (self->made[i])
			EXPECT_EQ(0, ctl_remove_retry(self->ctl, self->path[i] + 5));
	}
	if (self->ctl >= 0)
		close(self->ctl);
	if (variant->binderlite)
		ipc_expect_clean(_metadata);
}

/* Calls CODE_WHO on context @i through @handle; returns the answer. */
static struct who who_is(struct __test_metadata *_metadata, FIXTURE_DATA(ctx) *self, int i,
			 uint32_t handle)
{
	struct ipc_result res = { 0 };
	struct who w = { .pid = -1, .index = -1 };

	EXPECT_EQ(0, ipc_call(&self->r[i], handle, CODE_WHO, NULL, 0, &res));
	EXPECT_EQ(BINDERLITE_BR_REPLY, res.cmd) TH_LOG("%s handle %u", self->path[i], handle);
	if (res.cmd == BINDERLITE_BR_REPLY) {
		EXPECT_EQ(sizeof(w), res.txn.data_size);
		if (res.txn.data_size == sizeof(w))
			memcpy(&w, ipc_payload(&res.txn), sizeof(w));
		EXPECT_EQ(0, ipc_free_buffer(self->r[i].fd, res.txn.data.ptr.buffer));
	}
	return w;
}

/* Asserts that a call on context @i through @handle fails: BR_FAILED_REPLY, EINVAL. */
static void assert_no_such_handle(struct __test_metadata *_metadata, FIXTURE_DATA(ctx) *self,
				  int i, uint32_t handle)
{
	struct ipc_result res = { 0 };

	ASSERT_EQ(0, ipc_call(&self->r[i], handle, CODE_WHO, NULL, 0, &res));
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, res.cmd)
		TH_LOG("%s handle %u", self->path[i], handle);
	OBJ_ASSERT_EE(self->r[i].fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);
}

/* A manager in each context; returns with them ready. */
static void start_managers(struct __test_metadata *_metadata, FIXTURE_DATA(ctx) *self)
{
	int i;

	for (i = 0; i < 3; i++) {
		self->mgr[i] = ipc_start(self->path[i], true, who_main, (void *)(intptr_t)i);
		ASSERT_LT(0, self->mgr[i]) TH_LOG("manager of %s", self->path[i]);
	}
}

/* Gets a handle to manager @i's own node, on context @i, and keeps it. */
static uint32_t take_node(struct __test_metadata *_metadata, FIXTURE_DATA(ctx) *self, int i)
{
	struct flat_binderlite_object obj = { 0 };
	struct ipc_cmds c = { 0 };
	struct ipc_result res = { 0 };

	EXPECT_EQ(0, ipc_call(&self->r[i], 0, CODE_GIVE, NULL, 0, &res));
	EXPECT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	if (res.cmd != BINDERLITE_BR_REPLY)
		return 0;
	EXPECT_EQ(0, ipc_obj_at(&res.txn, 0, &obj, sizeof(obj)));
	EXPECT_EQ((uint32_t)BINDERLITE_TYPE_HANDLE, obj.hdr.type);
	ipc_cmd(&c, BINDERLITE_BC_INCREFS, &obj.handle, sizeof(obj.handle));
	ipc_cmd(&c, BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
	ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, res.txn.data.ptr.buffer);
	EXPECT_EQ(0, ipc_cmds_write(self->r[i].fd, &c));
	return obj.handle;
}

static void drop_node(struct __test_metadata *_metadata, FIXTURE_DATA(ctx) *self, int i,
		      uint32_t h)
{
	ASSERT_EQ(0, obj_refcount(self->r[i].fd, BINDERLITE_BC_RELEASE, h));
	ASSERT_EQ(0, obj_refcount(self->r[i].fd, BINDERLITE_BC_DECREFS, h));
}

TEST_F(ctx, a_manager_in_each_context)
{
	struct who w;
	int i, j;

	start_managers(_metadata, self);
	/* One process, three contexts: handle 0 is another manager in each. */
	for (i = 0; i < 3; i++) {
		w = who_is(_metadata, self, i, 0);
		EXPECT_EQ(self->mgr[i], w.pid) TH_LOG("%s", self->path[i]);
		EXPECT_EQ(i, w.index);
		EXPECT_EQ(0ULL, w.target);
		for (j = 0; j < i; j++)
			EXPECT_NE(self->mgr[j], self->mgr[i]);
	}
	/* Interleaved, again. */
	for (i = 2; i >= 0; i--)
		EXPECT_EQ(self->mgr[i], who_is(_metadata, self, i, 0).pid);
}

TEST_F(ctx, handles_are_per_context)
{
	struct ipc_result res = { 0 };
	struct obj_msg m;
	uint32_t h0, h1;
	struct who w;

	start_managers(_metadata, self);
	/* A handle in the first context: nothing in the other two. */
	h0 = take_node(_metadata, self, 0);
	ASSERT_NE(0U, h0);
	w = who_is(_metadata, self, 0, h0);
	EXPECT_EQ(self->mgr[0], w.pid);
	EXPECT_EQ(MGR_NODE(0), w.target);
	assert_no_such_handle(_metadata, self, 1, h0);
	assert_no_such_handle(_metadata, self, 2, h0);

	/* The same number in the second context is another node. */
	h1 = take_node(_metadata, self, 1);
	ASSERT_EQ(h0, h1);
	w = who_is(_metadata, self, 1, h1);
	EXPECT_EQ(self->mgr[1], w.pid);
	EXPECT_EQ(MGR_NODE(1), w.target);
	w = who_is(_metadata, self, 0, h0);
	EXPECT_EQ(MGR_NODE(0), w.target);

	/* Nor can it travel as an object where it means nothing. */
	obj_msg_init(&m);
	obj_msg_handle(&m, BINDERLITE_TYPE_HANDLE, h0);
	ASSERT_EQ(0, obj_msg_send(self->dev[2].fd, BINDERLITE_BC_TRANSACTION, 0, CODE_WHO, 0, &m));
	ASSERT_EQ(0, ipc_call_result(&self->r[2], false, &res));
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, res.cmd);
	OBJ_ASSERT_EE(self->dev[2].fd, BINDERLITE_BR_FAILED_REPLY, -EINVAL);

	drop_node(_metadata, self, 0, h0);
	drop_node(_metadata, self, 1, h1);
}

/* A server in two contexts: the manager of the second, a client of the first. */
static int two_contexts(struct ipc_dev *dev, void *arg)
{
	const char *second = arg;
	struct ipc_dev other;
	int ret;

	IPC_CHECK(ipc_open(&other, second, IPC_POOL_SIZE) == 0);
	IPC_CHECK(ipc_become_mgr(other.fd) == 0);
	ret = who_main(&other, (void *)(intptr_t)1);
	ipc_close(&other);
	return ret;
}

TEST_F(ctx, freeze_applies_to_every_context)
{
	struct binderlite_frozen_status_info info;
	struct ipc_result res = { 0 };
	struct ipc_event ev;
	pid_t srv;
	int i;

	srv = ipc_start(self->path[0], false, two_contexts, (void *)self->path[1]);
	ASSERT_LT(0, srv);
	/* It is the manager of the second context once its calls are answered. */
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, ipc_call(&self->r[1], 0, CODE_WHO, NULL, 0, &res));
		if (res.cmd == BINDERLITE_BR_REPLY)
			break;
		bl_sleep_ms(10);
	}
	ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	ASSERT_EQ(0, ipc_free_buffer(self->dev[1].fd, res.txn.data.ptr.buffer));

	/* Frozen through the first context: frozen in the second. */
	ASSERT_EQ(0, fz_freeze(self->dev[0].fd, srv, true, 1000));
	ASSERT_EQ(0, ipc_transact(self->dev[1].fd, 0, CODE_WHO, 0, NULL, 0));
	IPC_ASSERT_NEXT(&self->r[1], BINDERLITE_BR_FROZEN_REPLY, &ev);
	/* Its info gathers every context, asked through any. */
	ASSERT_EQ(0, fz_frozen_info(self->dev[2].fd, srv, &info));
	EXPECT_EQ(1U, info.sync_recv);
	EXPECT_EQ(0U, info.async_recv);
	if (variant->binderlite) {
		long long frozen = -1;

		ASSERT_EQ(0, ipc_table_value("procs", srv, "frozen", &frozen));
		EXPECT_EQ(1, frozen);
	}
	/* Thawed through the third, where it has no file. */
	ASSERT_EQ(0, fz_freeze(self->dev[2].fd, srv, false, 0));
	EXPECT_EQ(srv, who_is(_metadata, self, 1, 0).pid);
}

/* binderlite's debugfs: "contexts" and the "context" column of "procs". */
TEST_F(ctx, debugfs_shows_contexts)
{
	char cell[64], pid[16];
	int i;

	if (!variant->binderlite)
		SKIP(return, "binderlite's debugfs");
	start_managers(_metadata, self);
	for (i = 0; i < 3; i++) {
		const char *name = self->path[i] + 5;

		ASSERT_EQ(0, ipc_table_string("contexts", name, "manager", cell, sizeof(cell)))
			TH_LOG("%s", name);
		EXPECT_EQ(self->mgr[i], atoi(cell)) TH_LOG("%s", name);
		/* The manager and the test. */
		ASSERT_EQ(0, ipc_table_string("contexts", name, "procs", cell, sizeof(cell)));
		EXPECT_EQ(2, atoi(cell)) TH_LOG("%s", name);
		snprintf(pid, sizeof(pid), "%d", self->mgr[i]);
		ASSERT_EQ(0, ipc_table_string("procs", pid, "context", cell, sizeof(cell)));
		EXPECT_STREQ(name, cell);
	}
	/* Without a manager: 0. */
	ipc_kill_children();
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, ipc_table_string("contexts", CTX_HW, "manager", cell, sizeof(cell)));
		if (!strcmp(cell, "0"))
			break;
		bl_sleep_ms(10);
	}
	EXPECT_STREQ("0", cell);
	ASSERT_EQ(0, ipc_table_string("contexts", CTX_HW, "procs", cell, sizeof(cell)));
	EXPECT_STREQ("1", cell);
}

/* The control device: binderlite only. */
FIXTURE(ctl) {
	int fd;
	int made;
	char names[MAX_CONTEXTS + 2][BINDERLITE_MAX_NAME + 1];
};

FIXTURE_VARIANT(ctl) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(ctl, (), ());

FIXTURE_SETUP(ctl)
{
	self->fd = -1;
	self->made = 0;
	if (!variant->binderlite)
		SKIP(return, "binderlite's control device (binder's contexts come from binderfs)");
	if (!bl_fixture_present(_metadata, variant->path))
		return;
	self->fd = open(CTL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", CTL_PATH, strerror(errno));
}

FIXTURE_TEARDOWN(ctl)
{
	int i;

	for (i = 0; i < self->made; i++) {
		if (self->names[i][0])
			EXPECT_EQ(0, ctl_remove_retry(self->fd, self->names[i]))
				TH_LOG("%s", self->names[i]);
	}
	if (self->fd >= 0)
		close(self->fd);
	if (variant->binderlite)
		ipc_expect_clean(_metadata);
}

/* Adds @name, to be removed by the teardown unless removed before. */
static int add(FIXTURE_DATA(ctl) *self, const char *name, struct binderlite_ctl_device *out)
{
	int ret = ctl(self->fd, BINDERLITE_CTL_ADD, name, out);

	if (!ret && self->made < MAX_CONTEXTS + 2)
		snprintf(self->names[self->made++], sizeof(self->names[0]), "%s", name);
	return ret;
}

/* Removes @name, and forgets it. */
static int del(FIXTURE_DATA(ctl) *self, const char *name)
{
	int i, ret = ctl(self->fd, BINDERLITE_CTL_REMOVE, name, NULL);

	for (i = 0; !ret && i < self->made; i++) {
		if (!strcmp(self->names[i], name))
			self->names[i][0] = 0;
	}
	return ret;
}

/* A call to handle 0 of @path from a fresh file: how it ended. */
static uint32_t call_manager(struct __test_metadata *_metadata, const char *path,
			     struct who *w)
{
	struct ipc_result res = { 0 };
	struct ipc_reader r;
	struct ipc_dev dev;

	EXPECT_EQ(0, ipc_open(&dev, path, IPC_POOL_SIZE)) TH_LOG("%s", path);
	if (dev.fd < 0)
		return 0;
	ipc_reader_init(&r, dev.fd);
	EXPECT_EQ(0, ipc_call(&r, 0, CODE_WHO, NULL, 0, &res));
	if (res.cmd == BINDERLITE_BR_REPLY) {
		if (res.txn.data_size == sizeof(*w))
			memcpy(w, ipc_payload(&res.txn), sizeof(*w));
		EXPECT_EQ(0, ipc_free_buffer(dev.fd, res.txn.data.ptr.buffer));
	}
	EXPECT_EQ(0, ipc_close(&dev));
	return res.cmd;
}

TEST_F(ctl, add_makes_a_working_context)
{
	struct binderlite_ctl_device d;
	char cell[64], pid[16];
	struct who w = { 0 };
	struct stat st;
	pid_t mgr;

	ASSERT_EQ(0, add(self, "blt-test-a", &d));
	EXPECT_STREQ("blt-test-a", d.name);
	ASSERT_EQ(0, stat("/dev/blt-test-a", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(d.major, major(st.st_rdev));
	EXPECT_EQ(d.minor, minor(st.st_rdev));
	ASSERT_EQ(0, ipc_table_string("contexts", "blt-test-a", "manager", cell, sizeof(cell)));
	EXPECT_STREQ("0", cell);
	ASSERT_EQ(0, ipc_table_string("contexts", "blt-test-a", "procs", cell, sizeof(cell)));
	EXPECT_STREQ("0", cell);

	/* Its own manager; /dev/binderlite has none. */
	mgr = ipc_start("/dev/blt-test-a", true, who_main, (void *)(intptr_t)7);
	ASSERT_LT(0, mgr);
	ASSERT_EQ(BINDERLITE_BR_REPLY, call_manager(_metadata, "/dev/blt-test-a", &w));
	EXPECT_EQ(mgr, w.pid);
	EXPECT_EQ(7, w.index);
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, call_manager(_metadata, "/dev/binderlite", &w));
	ASSERT_EQ(0, ipc_table_string("contexts", "blt-test-a", "manager", cell, sizeof(cell)));
	EXPECT_EQ(mgr, atoi(cell));
	ASSERT_EQ(0, ipc_table_string("contexts", "binderlite", "manager", cell, sizeof(cell)));
	EXPECT_STREQ("0", cell);
	snprintf(pid, sizeof(pid), "%d", mgr);
	ASSERT_EQ(0, ipc_table_string("procs", pid, "context", cell, sizeof(cell)));
	EXPECT_STREQ("blt-test-a", cell);

	/* Busy while its manager lives; gone once removed. */
	ASSERT_EQ(-EBUSY, del(self, "blt-test-a"));
	ASSERT_EQ(0, kill(mgr, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(mgr, 10));
	ASSERT_EQ(0, ctl_remove_retry(self->fd, "blt-test-a"));
	self->names[0][0] = 0;
	ASSERT_EQ(-1, access("/dev/blt-test-a", F_OK));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(-ENOENT, ipc_table_string("contexts", "blt-test-a", "manager", cell,
					    sizeof(cell)));
	/* And may be made again. */
	ASSERT_EQ(0, add(self, "blt-test-a", NULL));
	ASSERT_EQ(BINDERLITE_BR_DEAD_REPLY, call_manager(_metadata, "/dev/blt-test-a", &w));
}

TEST_F(ctl, add_refuses_bad_names)
{
	static const char * const bad[] = {
		"", ".", "..", "a/b", "a b", "tab\t", "star*", "colon:", "caf\xc3\xa9", "new\nline",
	};
	struct binderlite_ctl_device d;
	char misc[BINDERLITE_MAX_NAME + 1] = "";
	FILE *f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, add(self, bad[i], NULL)) TH_LOG("bad name %zu", i);
	/* Not NUL-terminated within the name. */
	memset(&d, 'x', sizeof(d.name));
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_CTL_ADD, &d));
	EXPECT_EQ(EINVAL, errno);
	/* The longest name there may be, and every character allowed. */
	memset(misc, 'n', BINDERLITE_MAX_NAME);
	misc[BINDERLITE_MAX_NAME] = 0;
	EXPECT_EQ(0, add(self, misc, NULL));
	EXPECT_EQ(0, add(self, "Az09_.-", NULL));
	EXPECT_EQ(0, add(self, "...", NULL));

	/* Taken: a context, the contexts from devices=, any misc device. */
	EXPECT_EQ(-EEXIST, add(self, "Az09_.-", NULL));
	EXPECT_EQ(-EEXIST, add(self, "binderlite", NULL));
	EXPECT_EQ(-EEXIST, add(self, "binderlite-control", NULL));
	f = popen("ls /sys/class/misc", "r");
	ASSERT_NE(NULL, f);
	misc[0] = 0;
	while (fscanf(f, "%255s", misc) == 1 && !strncmp(misc, "binder", 6))
		;
	pclose(f);
	if (misc[0] && strncmp(misc, "binder", 6))
		EXPECT_EQ(-EEXIST, add(self, misc, NULL)) TH_LOG("misc device %s", misc);

	/* Bad pointers. */
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_CTL_ADD, NULL));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_CTL_ADD, (void *)1));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_CTL_REMOVE, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(ctl, at_most_64_contexts)
{
	char name[32];
	int i;

	for (i = 0; i < MAX_CONTEXTS; i++) {
		snprintf(name, sizeof(name), "blt-test-%d", i);
		ASSERT_EQ(0, add(self, name, NULL)) TH_LOG("%s", name);
	}
	ASSERT_EQ(-ENOSPC, add(self, "blt-test-one-more", NULL));
	ASSERT_EQ(-1, access("/dev/blt-test-one-more", F_OK));
	/* One removed: room for one. */
	ASSERT_EQ(0, del(self, "blt-test-17"));
	ASSERT_EQ(0, add(self, "blt-test-one-more", NULL));
	ASSERT_EQ(-ENOSPC, add(self, "blt-test-17", NULL));
	/* Each of them works. */
	for (i = 0; i < MAX_CONTEXTS; i += 21) {
		struct ipc_dev dev;

		snprintf(name, sizeof(name), "/dev/blt-test-%d", i);
		ASSERT_EQ(0, ipc_open(&dev, name, IPC_POOL_SIZE)) TH_LOG("%s", name);
		ASSERT_EQ(0, ipc_close(&dev));
	}
}

TEST_F(ctl, remove_errors)
{
	struct ipc_dev dev;
	int fd;

	ASSERT_EQ(-ENOENT, del(self, "blt-test-none"));
	/* The contexts of devices= stay. */
	ASSERT_EQ(-EPERM, del(self, "binderlite"));
	ASSERT_EQ(0, access("/dev/binderlite", F_OK));

	/* Busy while a file of it is open, however reached. */
	ASSERT_EQ(0, add(self, "blt-test-b", NULL));
	fd = open("/dev/blt-test-b", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EBUSY, del(self, "blt-test-b"));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, ipc_open(&dev, "/dev/blt-test-b", IPC_POOL_SIZE));
	ASSERT_EQ(-EBUSY, del(self, "blt-test-b"));
	/* The mapping of its pool keeps the file. */
	ASSERT_EQ(0, close(dev.fd));
	dev.fd = -1;
	ASSERT_EQ(-EBUSY, del(self, "blt-test-b"));
	ASSERT_EQ(0, ipc_close(&dev));
	ASSERT_EQ(0, ctl_remove_retry(self->fd, "blt-test-b"));
	self->names[0][0] = 0;
	ASSERT_EQ(-1, access("/dev/blt-test-b", F_OK));
	ASSERT_EQ(-ENOENT, del(self, "blt-test-b"));
}

TEST_F(ctl, other_ioctls_refused)
{
	struct binderlite_version ver = { .protocol_version = -1 };
	struct binderlite_write_read bwr = { 0 };
	uint32_t max = 1;

	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_VERSION, &ver));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ver.protocol_version);
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_WRITE_READ, &bwr));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(self->fd, BINDERLITE_SET_MAX_THREADS, &max));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(self->fd, _IO('b', 99)));
	EXPECT_EQ(EINVAL, errno);
}

/* The module parameter devices=: binderlite only, with a module reload. */
FIXTURE(param) {
	const char *ko;
};

FIXTURE_VARIANT(param) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(param, (), ());

FIXTURE_SETUP(param)
{
	self->ko = getenv("BINDERLITE_KO");
	if (!variant->binderlite)
		SKIP(return, "binderlite's module parameter");
	if (!self->ko)
		SKIP(return, "BINDERLITE_KO is not set");
	/* Nothing may hold the module: the other tests are done with it. */
	ASSERT_EQ(0, bl_module_unload_retry());
}

FIXTURE_TEARDOWN(param)
{
	/* Leave the module as the bench loaded it: no parameters. */
	if (!self->ko || !variant->binderlite)
		return;
	if (bl_module_loaded())
		EXPECT_EQ(0, bl_module_unload_retry());
	EXPECT_EQ(0, bl_module_load(self->ko, ""));
	EXPECT_EQ(0, access("/dev/binderlite", F_OK));
}

TEST_F(param, devices_makes_each_context)
{
	static const char * const names[] = { "blt-a", "blt-b", "blt-c" };
	char path[64], cell[64];
	struct who w = { 0 };
	int fd;
	size_t i;
	pid_t mgr;

	ASSERT_EQ(0, bl_module_load(self->ko, "devices=blt-a,blt-b,blt-c"));
	/* No default context next to them; the control device all the same. */
	EXPECT_NE(0, access("/dev/binderlite", F_OK));
	EXPECT_EQ(0, access(CTL_PATH, F_OK));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/dev/%s", names[i]);
		ASSERT_EQ(0, access(path, F_OK)) TH_LOG("%s", path);
		EXPECT_EQ(BINDERLITE_BR_DEAD_REPLY, call_manager(_metadata, path, &w));
		EXPECT_EQ(0, ipc_table_string("contexts", names[i], "manager", cell, sizeof(cell)));
	}
	/* A manager in one is in that one only. */
	mgr = ipc_start("/dev/blt-b", true, who_main, (void *)(intptr_t)2);
	ASSERT_LT(0, mgr);
	EXPECT_EQ(BINDERLITE_BR_REPLY, call_manager(_metadata, "/dev/blt-b", &w));
	EXPECT_EQ(mgr, w.pid);
	EXPECT_EQ(BINDERLITE_BR_DEAD_REPLY, call_manager(_metadata, "/dev/blt-a", &w));
	EXPECT_EQ(BINDERLITE_BR_DEAD_REPLY, call_manager(_metadata, "/dev/blt-c", &w));
	ASSERT_EQ(0, kill(mgr, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, ipc_wait(mgr, 10));

	/* They are the module's: not removable. */
	fd = open(CTL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EPERM, ctl(fd, BINDERLITE_CTL_REMOVE, "blt-a", NULL));
	EXPECT_EQ(-EEXIST, ctl(fd, BINDERLITE_CTL_ADD, "blt-c", NULL));
	close(fd);
	ipc_expect_clean(_metadata);
	ASSERT_EQ(0, bl_module_unload_retry());
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/dev/%s", names[i]);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s outlived the module", path);
	}
}

TEST_F(param, devices_refuses_bad_values)
{
	static const char * const bad[] = {
		"devices=", "devices=a/b", "devices=blt-a,,blt-b", "devices=blt-a,",
		/* Quoted: unquoted, the kernel would split off "b" as a parameter. */
		"devices=.", "devices=..", "devices=\"a b\"",
	};
	static const char * const taken[] = {
		"devices=blt-a,blt-a", "devices=binderlite-control",
	};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = bl_module_load(self->ko, bad[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s", bad[i]);
		if (!ret)
			ASSERT_EQ(0, bl_module_unload_retry());
		EXPECT_FALSE(bl_module_loaded()) TH_LOG("%s", bad[i]);
	}
	for (i = 0; i < ARRAY_SIZE(taken); i++) {
		ret = bl_module_load(self->ko, taken[i]);
		EXPECT_TRUE(ret == -EEXIST || ret == -EINVAL) TH_LOG("%s: %d", taken[i], ret);
		if (!ret)
			ASSERT_EQ(0, bl_module_unload_retry());
	}
	EXPECT_NE(0, access("/dev/blt-a", F_OK));
	/* A good value still loads. */
	ASSERT_EQ(0, bl_module_load(self->ko, "devices=binderlite"));
	EXPECT_EQ(0, access("/dev/binderlite", F_OK));
}

TEST_HARNESS_MAIN
