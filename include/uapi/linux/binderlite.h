/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * binderlite user-space API.
 *
 * The protocol is ABI-compatible with a subset of Android Binder protocol
 * version 8 (64-bit): the ioctl numbers, structure layouts and command codes
 * equal those of <linux/android/binder.h>, so a binder program talks to
 * /dev/binderlite by changing only the device path. Every name carries its
 * own prefix, so this header can be included next to binder's own.
 *
 * The header is self-contained and compiles as C99 and as C++.
 */
#ifndef _UAPI_LINUX_BINDERLITE_H
#define _UAPI_LINUX_BINDERLITE_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* The binder protocol version spoken: binder's 64-bit protocol. */
#define BINDERLITE_CURRENT_PROTOCOL_VERSION	8

/**
 * struct binderlite_version - argument of %BINDERLITE_VERSION
 * @protocol_version: filled in by the driver with
 *                    %BINDERLITE_CURRENT_PROTOCOL_VERSION
 *
 * Layout-identical to binder's struct binder_version.
 */
struct binderlite_version {
	__s32 protocol_version;
};

/* Same number as binder's BINDER_VERSION. */
#define BINDERLITE_VERSION	_IOWR('b', 9, struct binderlite_version)

#endif /* _UAPI_LINUX_BINDERLITE_H */
