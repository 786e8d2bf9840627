// SPDX-License-Identifier: GPL-2.0
/*
 * Each injectable helper of the driver (ALLOW_ERROR_INJECTION), made to
 * fail exactly once by fail_function, at this test's call: the
 * failure surfaces as a defined error (BR_FAILED_REPLY with the extended
 * error, or an ioctl error), the very next call works, and nothing is
 * left behind. Runs where the kernel has fail_function on ftrace-based
 * kprobes; skips elsewhere (see kprobes_on_ftrace()). tools/testing/faults.sh injects at random
 * points instead; this test pins each point down.
 */
#include <fcntl.h>
#include <stdio.h>

#include "binderlite_ipc.h"
#include "binderlite_ipc_obj.h"

#define FEI_DIR		"/sys/kernel/debug/fail_function"
#define CODE_ECHO	1
#define CODE_QUIT	2

/* Writes @s to the debugfs or procfs file @path; returns 0 or -errno. */
static int put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n != (ssize_t)strlen(s))
		ret = n < 0 ? -errno : -EIO;
	close(fd);
	return ret;
}

/* fail_function's "times": how many more failures it would inject. */
static long times_left(void)
{
	char buf[32] = "";
	long v = -1;
	FILE *f = fopen(FEI_DIR "/times", "re");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

/* No injection point; this task no longer chosen. */
static void disarm(void)
{
	put(FEI_DIR "/probability", "0");
	put(FEI_DIR "/inject", "\n");
}

/* @fn fails once, returning @retval: at its next call. */
static int arm(const char *fn, long retval)
{
	char val[32];
	int ret;

	snprintf(val, sizeof(val), "%#lx", (unsigned long)retval);
	disarm();
	ret = put(FEI_DIR "/inject", fn);
	if (!ret) {
		char path[128];

		snprintf(path, sizeof(path), FEI_DIR "/%s/retval", fn);
		ret = put(path, val);
	}
	/*
	 * No task filter: with int3 kprobes (BL_FORCE_FAIL_FUNCTION) the
	 * handler runs as in an NMI, where no task counts as chosen. The
	 * first call after arming is this test's: the server is blocked in
	 * its read until this call.
	 */
	if (!ret)
		ret = put(FEI_DIR "/task-filter", "N");
	if (!ret)
		ret = put(FEI_DIR "/interval", "1");
	if (!ret)
		ret = put(FEI_DIR "/times", "1");
	if (!ret)
		ret = put(FEI_DIR "/verbose", "1");
	if (!ret)
		ret = put(FEI_DIR "/probability", "100");
	if (ret)
		disarm();
	return ret;
}

/*
 * The context manager: echoes every call's payload until CODE_QUIT, then
 * exits 0.
 */
static int echo_server(struct ipc_dev *dev, void *arg)
{
	struct ipc_reader r;
	struct ipc_event ev;
	uint32_t code;

	ipc_reader_init(&r, dev->fd);
	IPC_CHECK(ipc_looper(dev->fd, BINDERLITE_BC_ENTER_LOOPER) == 0);
	do {
		IPC_CHECK(ipc_next(&r, &ev) == 0);
		if (ev.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE)
			continue;
		IPC_CHECK(ev.cmd == BINDERLITE_BR_TRANSACTION);
		code = ev.txn.code;
		IPC_CHECK(ipc_reply_free(dev->fd, ev.txn.data.ptr.buffer, ipc_payload(&ev.txn),
					 ev.txn.data_size) == 0);
	} while (code != CODE_QUIT);
	IPC_CHECK(ipc_expect(&r, BINDERLITE_BR_TRANSACTION_COMPLETE, &ev) == 0);
	return 0;
}

FIXTURE(inject) {
	struct ipc_dev dev;
	struct ipc_reader r;
	pid_t srv;
};

/*
 * Whether kprobes sit on ftrace here. With int3 kprobes (no
 * KPROBES_ON_FTRACE) fail_function's handler runs as in an NMI, and its
 * should_fail() takes crngs.lock there (get_random_u32_below()): lockdep
 * reports "inconsistent {INITIAL USE} -> {IN-NMI} usage" and turns itself
 * off. BL_FORCE_FAIL_FUNCTION=1 runs the tests all the same.
 */
static bool kprobes_on_ftrace(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " kprobe_ftrace_handler\n") != NULL;
	fclose(f);
	return found;
}

FIXTURE_SETUP(inject)
{
	self->srv = -1;
	self->dev.fd = -1;
	if (access(FEI_DIR "/inject", W_OK))
		SKIP(return, "no " FEI_DIR ": the kernel has no fail_function");
	if (!kprobes_on_ftrace() && !getenv("BL_FORCE_FAIL_FUNCTION"))
		SKIP(return, "int3 kprobes (no KPROBES_ON_FTRACE): fail_function would make lockdep report");
	if (access(BL_BINDERLITE_PATH, F_OK))
		SKIP(return, "no " BL_BINDERLITE_PATH);
	disarm();
	self->srv = ipc_start(BL_BINDERLITE_PATH, true, echo_server, NULL);
	ASSERT_LT(0, self->srv);
	ASSERT_EQ(0, ipc_open(&self->dev, BL_BINDERLITE_PATH, IPC_POOL_SIZE));
	ipc_reader_init(&self->r, self->dev.fd);
}

FIXTURE_TEARDOWN(inject)
{
	struct ipc_result res = { 0 };

	disarm();
	if (self->srv > 0) {
		EXPECT_EQ(0, ipc_call(&self->r, 0, CODE_QUIT, NULL, 0, &res));
		if (res.cmd == BINDERLITE_BR_REPLY)
			EXPECT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
		EXPECT_EQ(0, ipc_wait(self->srv, 30));
	}
	if (self->dev.fd >= 0) {
		EXPECT_EQ(0, ipc_close(&self->dev));
		ipc_expect_clean(_metadata);
	}
}

/* A call with @value, answered with it: the path works (again). */
static void assert_echo(struct __test_metadata *_metadata, FIXTURE_DATA(inject) *self, int value)
{
	struct ipc_result res = { 0 };
	int got = -1;

	ASSERT_EQ(0, ipc_call_objs(&self->r, 0, CODE_ECHO, 0, &value, sizeof(value), NULL, 0,
				   &res));
	ASSERT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	ASSERT_EQ(sizeof(value), res.txn.data_size);
	memcpy(&got, ipc_payload(&res.txn), sizeof(got));
	EXPECT_EQ(value, got);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
}

/*
 * Arms @fn, makes a call (with a new local object if @object), and
 * expects BR_FAILED_REPLY with @param as the extended error; then a plain
 * call works.
 */
static void assert_call_fails(struct __test_metadata *_metadata, FIXTURE_DATA(inject) *self,
			      const char *fn, long retval, bool object, int param)
{
	struct flat_binderlite_object obj = ipc_obj_binder(0x1000, 0x2000);
	binderlite_size_t off = 0;
	struct ipc_result res = { 0 };
	int value = 7;
	int ret;

	assert_echo(_metadata, self, 1);
	ASSERT_EQ(0, arm(fn, retval)) TH_LOG("arming %s", fn);
	if (object)
		ret = ipc_call_objs(&self->r, 0, CODE_ECHO, 0, &obj, sizeof(obj), &off,
				    sizeof(off), &res);
	else
		ret = ipc_call_objs(&self->r, 0, CODE_ECHO, 0, &value, sizeof(value), NULL, 0,
				    &res);
	disarm();
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, times_left()) TH_LOG("%s was not made to fail", fn);
	ASSERT_EQ(BINDERLITE_BR_FAILED_REPLY, res.cmd) TH_LOG("%s", fn);
	OBJ_ASSERT_EE(self->dev.fd, BINDERLITE_BR_FAILED_REPLY, param);
	assert_echo(_metadata, self, 2);
}

TEST_F(inject, alloc_new_buf)
{
	assert_call_fails(_metadata, self, "blite_alloc_new_buf", -ENOMEM, false, -ENOMEM);
}

TEST_F(inject, pool_populate)
{
	assert_call_fails(_metadata, self, "blite_pool_populate", -ENOMEM, false, -ENOMEM);
}

TEST_F(inject, pool_copy_from_user)
{
	assert_call_fails(_metadata, self, "blite_pool_copy_from_user", -EFAULT, false, -EFAULT);
}

TEST_F(inject, node_new)
{
	assert_call_fails(_metadata, self, "blite_node_new_locked", 0, true, -ENOMEM);
}

TEST_F(inject, ref_inc_for_node)
{
	assert_call_fails(_metadata, self, "blite_ref_inc_for_node_locked", -ENOMEM, true,
			  -ENOMEM);
}

/*
 * The calling thread's state cannot be had (as if a new thread found no
 * memory for it): the ioctl fails with ENOMEM.
 */
TEST_F(inject, thread_get)
{
	int ret;

	assert_echo(_metadata, self, 1);
	ASSERT_EQ(0, arm("blite_thread_get", 0));
	ret = bl_version(self->dev.fd);
	disarm();
	ASSERT_EQ(0, times_left()) TH_LOG("blite_thread_get was not made to fail");
	EXPECT_EQ(-ENOMEM, ret);
	assert_echo(_metadata, self, 2);
}

TEST_HARNESS_MAIN
