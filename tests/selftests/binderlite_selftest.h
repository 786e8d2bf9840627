/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the binderlite kselftests.
 */
#ifndef _BINDERLITE_SELFTEST_H
#define _BINDERLITE_SELFTEST_H

#include <errno.h>
#include <sys/ioctl.h>

#include <linux/binderlite.h>

/* The protocol version a device reports, or -errno. */
static inline int get_version(int fd)
{
	struct binderlite_version ver = { .protocol_version = -1 };

	if (ioctl(fd, BINDERLITE_VERSION, &ver))
		return -errno;
	return ver.protocol_version;
}

#endif /* _BINDERLITE_SELFTEST_H */
