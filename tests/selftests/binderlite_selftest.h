/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every binderlite kselftest shares (prefix bl_, BL_):
 *
 * - BL_VARIANT_DEVICE, BL_DEVICE_VARIANTS(): a fixture's two variants, one
 *   per device: binderlite's /dev/binderlite and the reference /dev/binder;
 * - bl_fixture_present(), bl_fixture_open(): a fixture's setup skips the
 *   test on a kernel without the device;
 * - bl_sleep_ms(), bl_version();
 * - bl_module_*(): unloading and loading binderlite's module.
 *
 * The protocol (write-read, the context manager, the returns, debugfs)
 * is in binderlite_ipc.h, which includes this header.
 */
#ifndef _BINDERLITE_SELFTEST_H
#define _BINDERLITE_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/binderlite.h>

#include "kselftest_harness.h"

#define BL_BINDERLITE_PATH	"/dev/binderlite"
#define BL_BINDER_PATH		"/dev/binder"
#define BL_MODULE_NAME		"binderlite"

/*
 * The members a fixture's variant starts with: the device (BL_BINDERLITE_PATH
 * or BL_BINDER_PATH), and whether it is binderlite's, whose debugfs shows
 * every process and object and which knows every return of binder 6.12.
 */
#define BL_VARIANT_DEVICE	\
	const char *path;	\
	bool binderlite

/* Expands the parenthesised list @list to its members. */
#define BL_UNPAREN(...)		__VA_ARGS__

/**
 * BL_DEVICE_VARIANTS() - declare the variants "binderlite" and "binder" of
 * a fixture whose FIXTURE_VARIANT() starts with BL_VARIANT_DEVICE
 * @fixture:     the fixture
 * @lite_init:   the other members of the binderlite variant, as designated
 *               initializers in parentheses, e.g. (.bad_errno = EFAULT); ()
 *               for none
 * @binder_init: the same for the binder variant
 *
 * checkpatch reads this as an expression of two statements: it declares
 * two objects, as FIXTURE_VARIANT_ADD() itself does.
 */
#define BL_DEVICE_VARIANTS(fixture, lite_init, binder_init)		\
	FIXTURE_VARIANT_ADD(fixture, binderlite) {			\
		.path = BL_BINDERLITE_PATH,				\
		.binderlite = true,					\
		BL_UNPAREN lite_init					\
	};								\
	FIXTURE_VARIANT_ADD(fixture, binder) {				\
		.path = BL_BINDER_PATH,					\
		BL_UNPAREN binder_init					\
	}

/**
 * bl_fixture_present() - for a fixture's setup: skip the test if @path is
 * absent (binder on a kernel built without it)
 * @_metadata: the running test
 * @path:      the device
 *
 * Returns true if @path is present; false if the test is skipped: the
 * setup must then return at once.
 */
static inline bool bl_fixture_present(struct __test_metadata *_metadata, const char *path)
{
	if (access(path, F_OK))
		SKIP(return false, "%s is not present", path);
	return true;
}

/**
 * bl_fixture_open() - for a fixture's setup: skip the test if @path is
 * absent, else open it or fail the test
 * @_metadata: the running test
 * @path:      the device
 * @fd:        the file; -1 unless it is open
 *
 * Returns true once @fd is open, false if the test is skipped: the setup
 * must then return at once.
 */
static inline bool bl_fixture_open(struct __test_metadata *_metadata, const char *path, int *fd)
{
	*fd = -1;
	if (!bl_fixture_present(_metadata, path))
		return false;
	*fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *fd) TH_LOG("open %s: %s", path, strerror(errno));
	return true;
}

/**
 * bl_sleep_ms() - sleep for @ms milliseconds
 * @ms: how long
 */
static inline void bl_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/**
 * bl_version() - the protocol version a device reports
 * @fd: the device
 *
 * Returns the version, or -errno of the ioctl.
 */
static inline int bl_version(int fd)
{
	struct binderlite_version ver = { .protocol_version = -1 };

	if (ioctl(fd, BINDERLITE_VERSION, &ver))
		return -errno;
	return ver.protocol_version;
}

/**
 * bl_module_loaded() - whether binderlite's module is loaded
 */
static inline bool bl_module_loaded(void)
{
	return !access("/sys/module/" BL_MODULE_NAME, F_OK);
}

/**
 * bl_module_load() - load binderlite's module
 * @ko:     the module's file (the bench passes it in BINDERLITE_KO)
 * @params: its parameters, e.g. "devices=a,b"; "" for none
 *
 * Returns 0 or -errno of the open() or finit_module().
 */
static inline int bl_module_load(const char *ko, const char *params)
{
	int fd, ret;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/**
 * bl_module_unload() - unload binderlite's module, once, without waiting
 *
 * Returns 0, or -errno of delete_module(): -EAGAIN or -EBUSY while a file
 * of the module is open.
 */
static inline int bl_module_unload(void)
{
	return syscall(SYS_delete_module, BL_MODULE_NAME, O_NONBLOCK) ? -errno : 0;
}

/**
 * bl_module_unload_retry() - bl_module_unload(), retrying -EAGAIN and
 * -EBUSY for up to 5 s while a racing opener or a file being released
 * still holds the module
 */
static inline int bl_module_unload_retry(void)
{
	int i, ret = -EAGAIN;

	for (i = 0; i < 5000 && (ret == -EAGAIN || ret == -EBUSY); i++) {
		if (i)
			bl_sleep_ms(1);
		ret = bl_module_unload();
	}
	return ret;
}

#endif /* _BINDERLITE_SELFTEST_H */
