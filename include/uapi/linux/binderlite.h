/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * binderlite user-space API.
 *
 * The protocol is ABI-compatible with a subset of Android Binder protocol
 * version 8 (64-bit): the ioctl numbers, structure layouts and command codes
 * equal those of <linux/android/binder.h>, so a binder program talks to
 * /dev/binderlite by changing only the device path. Every name carries its
 * own prefix, so this header can be included next to binder's own; a test
 * (tests/abi) proves the two agree on every shared number and layout.
 *
 * Binder features outside the subset (file descriptors, scatter-gather,
 * security contexts, freezing) keep their numbers here so that the driver
 * can recognise them and refuse them cleanly (BR_FAILED_REPLY with an
 * extended error), never half-handle them.
 *
 * The header is self-contained and compiles as C99 and as C++.
 */
#ifndef _UAPI_LINUX_BINDERLITE_H
#define _UAPI_LINUX_BINDERLITE_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* The binder protocol version spoken: binder's 64-bit protocol. */
#define BINDERLITE_CURRENT_PROTOCOL_VERSION	8

/* Pointers and sizes are 64 bits wide in protocol 8, on every ABI. */
typedef __u64 binderlite_size_t;
typedef __u64 binderlite_uintptr_t;

#define BINDERLITE_PACK_CHARS(c1, c2, c3, c4) \
	((((__u32)(c1)) << 24) | (((__u32)(c2)) << 16) | \
	 (((__u32)(c3)) << 8) | ((__u32)(c4)))
#define BINDERLITE_TYPE_LARGE	0x85
/* An object type: three characters and BINDERLITE_TYPE_LARGE. */
#define BINDERLITE_TYPE(c1, c2, c3) \
	BINDERLITE_PACK_CHARS(c1, c2, c3, BINDERLITE_TYPE_LARGE)

/* Object types found in a transaction's offsets array. */
enum {
	BINDERLITE_TYPE_BINDER		= BINDERLITE_TYPE('s', 'b', '*'),
	BINDERLITE_TYPE_WEAK_BINDER	= BINDERLITE_TYPE('w', 'b', '*'),
	BINDERLITE_TYPE_HANDLE		= BINDERLITE_TYPE('s', 'h', '*'),
	BINDERLITE_TYPE_WEAK_HANDLE	= BINDERLITE_TYPE('w', 'h', '*'),
	/* Outside the subset: refused. */
	BINDERLITE_TYPE_FD		= BINDERLITE_TYPE('f', 'd', '*'),
	BINDERLITE_TYPE_FDA		= BINDERLITE_TYPE('f', 'd', 'a'),
	BINDERLITE_TYPE_PTR		= BINDERLITE_TYPE('p', 't', '*'),
};

/* Flags of a flat object. */
enum {
	BINDERLITE_FLAG_PRIORITY_MASK	= 0xff,
	BINDERLITE_FLAG_ACCEPTS_FDS	= 0x100,
	BINDERLITE_FLAG_TXN_SECURITY_CTX = 0x1000,
};

/**
 * struct binderlite_object_header - the start of every object in a payload
 * @type: one of the BINDERLITE_TYPE_* values
 */
struct binderlite_object_header {
	__u32 type;
};

/**
 * struct flat_binderlite_object - a binder or a handle inside a payload
 * @hdr:    its type
 * @flags:  BINDERLITE_FLAG_* values
 * @binder: for BINDER/WEAK_BINDER: the sender's local object
 * @handle: for HANDLE/WEAK_HANDLE: the sender's reference number
 * @cookie: for BINDER/WEAK_BINDER: extra data the owner associates with it
 *
 * Layout-identical to binder's struct flat_binder_object.
 */
struct flat_binderlite_object {
	struct binderlite_object_header hdr;
	__u32 flags;
	/* Anonymous, as in binder; __extension__ keeps C99 -pedantic quiet. */
	__extension__ union {
		binderlite_uintptr_t binder;
		__u32 handle;
	};
	binderlite_uintptr_t cookie;
};

/**
 * struct binderlite_write_read - argument of %BINDERLITE_WRITE_READ
 * @write_size:     bytes of commands in @write_buffer
 * @write_consumed: bytes the driver consumed, also on error
 * @write_buffer:   commands (BC_*) for the driver
 * @read_size:      room in @read_buffer
 * @read_consumed:  bytes the driver filled, also on error
 * @read_buffer:    returns (BR_*) from the driver
 */
struct binderlite_write_read {
	binderlite_size_t write_size;
	binderlite_size_t write_consumed;
	binderlite_uintptr_t write_buffer;
	binderlite_size_t read_size;
	binderlite_size_t read_consumed;
	binderlite_uintptr_t read_buffer;
};

/**
 * struct binderlite_version - argument of %BINDERLITE_VERSION
 * @protocol_version: filled in by the driver with
 *                    %BINDERLITE_CURRENT_PROTOCOL_VERSION
 */
struct binderlite_version {
	__s32 protocol_version;
};

/**
 * struct binderlite_extended_error - argument of %BINDERLITE_GET_EXTENDED_ERROR
 * @id:      the failed transaction's debug id
 * @command: the BR_* command the failure was reported with
 * @param:   a negative errno saying why, 0 if nothing failed
 */
struct binderlite_extended_error {
	__u32 id;
	__u32 command;
	__s32 param;
};

#define BINDERLITE_WRITE_READ		_IOWR('b', 1, struct binderlite_write_read)
#define BINDERLITE_SET_MAX_THREADS	_IOW('b', 5, __u32)
#define BINDERLITE_SET_CONTEXT_MGR	_IOW('b', 7, __s32)
#define BINDERLITE_THREAD_EXIT		_IOW('b', 8, __s32)
/* Same number as binder's BINDER_VERSION. */
#define BINDERLITE_VERSION		_IOWR('b', 9, struct binderlite_version)
#define BINDERLITE_SET_CONTEXT_MGR_EXT	_IOW('b', 13, struct flat_binderlite_object)
#define BINDERLITE_GET_EXTENDED_ERROR	_IOWR('b', 17, struct binderlite_extended_error)

/* Transaction flags. */
enum {
	BINDERLITE_TF_ONE_WAY		= 0x01,
	BINDERLITE_TF_ROOT_OBJECT	= 0x04,
	BINDERLITE_TF_STATUS_CODE	= 0x08,
	BINDERLITE_TF_ACCEPT_FDS	= 0x10,
	BINDERLITE_TF_CLEAR_BUF		= 0x20,
	BINDERLITE_TF_UPDATE_TXN	= 0x40,
};

/**
 * struct binderlite_transaction_data - a transaction or a reply
 * @target:       the receiver: @target.handle when sending,
 *                @target.ptr (the local object) when received
 * @cookie:       the receiving object's cookie, when received
 * @code:         the method, chosen by the program
 * @flags:        BINDERLITE_TF_* values
 * @sender_pid:   filled in by the driver
 * @sender_euid:  filled in by the driver
 * @data_size:    bytes of payload
 * @offsets_size: bytes of the offsets array (8 bytes per object)
 * @data:         where the payload and the offsets array are: the sender's
 *                memory when sending, the receiver's pool when received
 *
 * Layout-identical to binder's struct binder_transaction_data.
 */
struct binderlite_transaction_data {
	union {
		__u32 handle;
		binderlite_uintptr_t ptr;
	} target;
	binderlite_uintptr_t cookie;
	__u32 code;
	__u32 flags;
	__kernel_pid_t sender_pid;
	__kernel_uid32_t sender_euid;
	binderlite_size_t data_size;
	binderlite_size_t offsets_size;
	union {
		struct {
			binderlite_uintptr_t buffer;
			binderlite_uintptr_t offsets;
		} ptr;
		__u8 buf[8];
	} data;
};

/**
 * struct binderlite_transaction_data_sg - a scatter-gather transaction
 * @transaction_data: the transaction
 * @buffers_size:     bytes of extra buffers
 *
 * Outside the subset: only its size matters, for the command code.
 */
struct binderlite_transaction_data_sg {
	struct binderlite_transaction_data transaction_data;
	binderlite_size_t buffers_size;
};

/**
 * struct binderlite_transaction_data_secctx - a transaction with a
 * security context; outside the subset, never returned by binderlite
 * @transaction_data: the transaction
 * @secctx:           the sender's security context
 */
struct binderlite_transaction_data_secctx {
	struct binderlite_transaction_data transaction_data;
	binderlite_uintptr_t secctx;
};

/**
 * struct binderlite_ptr_cookie - a local object and its cookie
 * @ptr:    the object
 * @cookie: its cookie
 */
struct binderlite_ptr_cookie {
	binderlite_uintptr_t ptr;
	binderlite_uintptr_t cookie;
};

/**
 * struct binderlite_handle_cookie - a reference and a cookie
 * @handle: the reference
 * @cookie: chosen by the program, returned with the notification
 *
 * Packed, as binder's struct binder_handle_cookie: 12 bytes.
 */
struct binderlite_handle_cookie {
	__u32 handle;
	binderlite_uintptr_t cookie;
} __attribute__((__packed__));

/*
 * Returns: what the driver writes into the read buffer. Defines rather
 * than an enum: _IOR() values do not fit in an int, which C forbids for
 * enumerators.
 */
#define BINDERLITE_BR_ERROR		_IOR('r', 0, __s32)
#define BINDERLITE_BR_OK		_IO('r', 1)
#define BINDERLITE_BR_TRANSACTION_SEC_CTX \
	_IOR('r', 2, struct binderlite_transaction_data_secctx)
#define BINDERLITE_BR_TRANSACTION	_IOR('r', 2, struct binderlite_transaction_data)
#define BINDERLITE_BR_REPLY		_IOR('r', 3, struct binderlite_transaction_data)
#define BINDERLITE_BR_DEAD_REPLY	_IO('r', 5)
#define BINDERLITE_BR_TRANSACTION_COMPLETE _IO('r', 6)
#define BINDERLITE_BR_INCREFS		_IOR('r', 7, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_ACQUIRE		_IOR('r', 8, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_RELEASE		_IOR('r', 9, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_DECREFS		_IOR('r', 10, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_NOOP		_IO('r', 12)
#define BINDERLITE_BR_SPAWN_LOOPER	_IO('r', 13)
#define BINDERLITE_BR_DEAD_BINDER	_IOR('r', 15, binderlite_uintptr_t)
#define BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE _IOR('r', 16, binderlite_uintptr_t)
#define BINDERLITE_BR_FAILED_REPLY	_IO('r', 17)

/* Commands: what the program writes into the write buffer. */
#define BINDERLITE_BC_TRANSACTION	_IOW('c', 0, struct binderlite_transaction_data)
#define BINDERLITE_BC_REPLY		_IOW('c', 1, struct binderlite_transaction_data)
#define BINDERLITE_BC_FREE_BUFFER	_IOW('c', 3, binderlite_uintptr_t)
#define BINDERLITE_BC_INCREFS		_IOW('c', 4, __u32)
#define BINDERLITE_BC_ACQUIRE		_IOW('c', 5, __u32)
#define BINDERLITE_BC_RELEASE		_IOW('c', 6, __u32)
#define BINDERLITE_BC_DECREFS		_IOW('c', 7, __u32)
#define BINDERLITE_BC_INCREFS_DONE	_IOW('c', 8, struct binderlite_ptr_cookie)
#define BINDERLITE_BC_ACQUIRE_DONE	_IOW('c', 9, struct binderlite_ptr_cookie)
#define BINDERLITE_BC_REGISTER_LOOPER	_IO('c', 11)
#define BINDERLITE_BC_ENTER_LOOPER	_IO('c', 12)
#define BINDERLITE_BC_EXIT_LOOPER	_IO('c', 13)
#define BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION \
	_IOW('c', 14, struct binderlite_handle_cookie)
#define BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION \
	_IOW('c', 15, struct binderlite_handle_cookie)
#define BINDERLITE_BC_DEAD_BINDER_DONE	_IOW('c', 16, binderlite_uintptr_t)
/* Outside the subset: refused with BR_FAILED_REPLY. */
#define BINDERLITE_BC_TRANSACTION_SG	_IOW('c', 17, struct binderlite_transaction_data_sg)
#define BINDERLITE_BC_REPLY_SG		_IOW('c', 18, struct binderlite_transaction_data_sg)

#endif /* _UAPI_LINUX_BINDERLITE_H */
