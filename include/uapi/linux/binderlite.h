/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * binderlite user-space API.
 *
 * The protocol is Android Binder protocol version 8 (64-bit), as Linux 6.12
 * speaks it: the ioctl numbers, structure layouts and command codes equal
 * those of <linux/android/binder.h>, so a binder program talks to
 * /dev/binderlite by changing only the device path. Every name carries its
 * own prefix, so this header can be included next to binder's own; a test
 * (tests/abi) proves the two agree on every shared number and layout.
 *
 * The few codes binder itself refuses (BC_ATTEMPT_ACQUIRE,
 * BC_ACQUIRE_RESULT, the idle ioctls) keep their numbers here and are
 * refused the same way. The control device's ioctls (BINDERLITE_CTL_*),
 * which create and remove contexts at run time, are binderlite's own;
 * BINDERLITE_CTL_ADD has binderfs's number and layout.
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
 * struct binderlite_fd_object - a file descriptor inside a payload
 * @hdr:        BINDERLITE_TYPE_FD
 * @pad_flags:  unused
 * @pad_binder: zeroed by the driver, except the low 32 bits (@fd)
 * @fd:         the sender's descriptor; the receiver reads its own, a new
 *              descriptor (O_CLOEXEC) of the same open file
 * @cookie:     passed through untouched
 *
 * Layout-identical to binder's struct binder_fd_object.
 */
struct binderlite_fd_object {
	struct binderlite_object_header hdr;
	__u32 pad_flags;
	/* Anonymous, as in binder. */
	__extension__ union {
		binderlite_uintptr_t pad_binder;
		__u32 fd;
	};
	binderlite_uintptr_t cookie;
};

/* Flags of a struct binderlite_buffer_object. */
enum {
	BINDERLITE_BUFFER_FLAG_HAS_PARENT = 0x01,
};

/**
 * struct binderlite_buffer_object - a scatter-gather buffer (BINDERLITE_TYPE_PTR)
 * @hdr:           BINDERLITE_TYPE_PTR
 * @flags:         BINDERLITE_BUFFER_FLAG_* values
 * @buffer:        the sender's buffer; the receiver reads the address of
 *                 its copy, in its own pool
 * @length:        bytes of @buffer
 * @parent:        with %BINDERLITE_BUFFER_FLAG_HAS_PARENT: the index, in the
 *                 offsets array, of an earlier PTR object that holds a
 *                 pointer to this buffer
 * @parent_offset: where in the parent's buffer that pointer is; the driver
 *                 rewrites it to the receiver's address of this buffer
 *
 * Sent with BC_TRANSACTION_SG or BC_REPLY_SG. Layout-identical to binder's
 * struct binder_buffer_object.
 */
struct binderlite_buffer_object {
	struct binderlite_object_header hdr;
	__u32 flags;
	binderlite_uintptr_t buffer;
	binderlite_size_t length;
	binderlite_size_t parent;
	binderlite_size_t parent_offset;
};

/**
 * struct binderlite_fd_array_object - file descriptors inside a PTR buffer
 * @hdr:           BINDERLITE_TYPE_FDA
 * @pad:           unused
 * @num_fds:       how many 32-bit descriptors
 * @parent:        the index, in the offsets array, of an earlier PTR object
 *                 whose buffer holds the array
 * @parent_offset: where in that buffer the array starts (4-byte aligned)
 *
 * The receiver reads its own descriptors in place; they are closed again
 * when it frees the transaction's buffer. Layout-identical to binder's
 * struct binder_fd_array_object.
 */
struct binderlite_fd_array_object {
	struct binderlite_object_header hdr;
	__u32 pad;
	binderlite_size_t num_fds;
	binderlite_size_t parent;
	binderlite_size_t parent_offset;
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

/**
 * struct binderlite_node_debug_info - argument of %BINDERLITE_GET_NODE_DEBUG_INFO
 * @ptr:            in: 0 or the last node returned; out: the caller's next
 *                  node (by address), 0 when there is none
 * @cookie:         out: its cookie
 * @has_strong_ref: out: the owner was told to hold a strong reference
 * @has_weak_ref:   out: the owner was told to hold a weak reference
 */
struct binderlite_node_debug_info {
	binderlite_uintptr_t ptr;
	binderlite_uintptr_t cookie;
	__u32 has_strong_ref;
	__u32 has_weak_ref;
};

/**
 * struct binderlite_node_info_for_ref - argument of
 * %BINDERLITE_GET_NODE_INFO_FOR_REF (the context manager only)
 * @handle:       in: a strong handle of the caller
 * @strong_count: out: strong references to its node; must be 0 in
 * @weak_count:   out: the node's driver-held weak count; must be 0 in
 * @reserved1:    must be 0
 * @reserved2:    must be 0
 * @reserved3:    must be 0
 */
struct binderlite_node_info_for_ref {
	__u32 handle;
	__u32 strong_count;
	__u32 weak_count;
	__u32 reserved1;
	__u32 reserved2;
	__u32 reserved3;
};

/**
 * struct binderlite_freeze_info - argument of %BINDERLITE_FREEZE
 * @pid:        the process (thread-group id) to freeze or thaw
 * @enable:     1 to freeze, 0 to thaw
 * @timeout_ms: how long to wait for its transactions to drain
 */
struct binderlite_freeze_info {
	__u32 pid;
	__u32 enable;
	__u32 timeout_ms;
};

/**
 * struct binderlite_frozen_status_info - argument of %BINDERLITE_GET_FROZEN_INFO
 * @pid:        in: the process
 * @sync_recv:  bit 0: it received a sync call while frozen; bit 1: it
 *              has transactions in flight
 * @async_recv: it received a oneway call while frozen
 */
struct binderlite_frozen_status_info {
	__u32 pid;
	__u32 sync_recv;
	__u32 async_recv;
};

/**
 * struct binderlite_frozen_state_info - payload of %BINDERLITE_BR_FROZEN_BINDER
 * @cookie:    the cookie of the freeze notification
 * @is_frozen: the node's owner is frozen now
 * @reserved:  0
 */
struct binderlite_frozen_state_info {
	binderlite_uintptr_t cookie;
	__u32 is_frozen;
	__u32 reserved;
};

#define BINDERLITE_WRITE_READ		_IOWR('b', 1, struct binderlite_write_read)
/* Refused with EINVAL, as binder refuses it. */
#define BINDERLITE_SET_IDLE_TIMEOUT	_IOW('b', 3, __s64)
#define BINDERLITE_SET_MAX_THREADS	_IOW('b', 5, __u32)
/* Refused with EINVAL, as binder refuses it. */
#define BINDERLITE_SET_IDLE_PRIORITY	_IOW('b', 6, __s32)
#define BINDERLITE_SET_CONTEXT_MGR	_IOW('b', 7, __s32)
#define BINDERLITE_THREAD_EXIT		_IOW('b', 8, __s32)
/* Same number as binder's BINDER_VERSION. */
#define BINDERLITE_VERSION		_IOWR('b', 9, struct binderlite_version)
#define BINDERLITE_GET_NODE_DEBUG_INFO	_IOWR('b', 11, struct binderlite_node_debug_info)
#define BINDERLITE_GET_NODE_INFO_FOR_REF _IOWR('b', 12, struct binderlite_node_info_for_ref)
#define BINDERLITE_SET_CONTEXT_MGR_EXT	_IOW('b', 13, struct flat_binderlite_object)
#define BINDERLITE_FREEZE		_IOW('b', 14, struct binderlite_freeze_info)
#define BINDERLITE_GET_FROZEN_INFO	_IOWR('b', 15, struct binderlite_frozen_status_info)
#define BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION _IOW('b', 16, __u32)
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
 * @buffers_size:     room for the PTR objects' buffers, a multiple of 8:
 *                    each takes its length rounded up to 8 bytes
 */
struct binderlite_transaction_data_sg {
	struct binderlite_transaction_data transaction_data;
	binderlite_size_t buffers_size;
};

/**
 * struct binderlite_transaction_data_secctx - a transaction with the
 * sender's security context (BR_TRANSACTION_SEC_CTX)
 * @transaction_data: the transaction
 * @secctx:           where the sender's security context (a NUL-terminated
 *                    string) is, in the receiver's pool, inside the buffer
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

/**
 * struct binderlite_pri_desc - argument of the refused BC_ATTEMPT_ACQUIRE
 * @priority: unused
 * @desc:     unused
 */
struct binderlite_pri_desc {
	__s32 priority;
	__u32 desc;
};

/**
 * struct binderlite_pri_ptr_cookie - argument of BR_ATTEMPT_ACQUIRE,
 * which neither binder nor binderlite sends
 * @priority: unused
 * @ptr:      unused
 * @cookie:   unused
 */
struct binderlite_pri_ptr_cookie {
	__s32 priority;
	binderlite_uintptr_t ptr;
	binderlite_uintptr_t cookie;
};

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
/* Never sent, as in binder. */
#define BINDERLITE_BR_ACQUIRE_RESULT	_IOR('r', 4, __s32)
#define BINDERLITE_BR_DEAD_REPLY	_IO('r', 5)
#define BINDERLITE_BR_TRANSACTION_COMPLETE _IO('r', 6)
#define BINDERLITE_BR_INCREFS		_IOR('r', 7, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_ACQUIRE		_IOR('r', 8, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_RELEASE		_IOR('r', 9, struct binderlite_ptr_cookie)
#define BINDERLITE_BR_DECREFS		_IOR('r', 10, struct binderlite_ptr_cookie)
/* Never sent, as in binder. */
#define BINDERLITE_BR_ATTEMPT_ACQUIRE	_IOR('r', 11, struct binderlite_pri_ptr_cookie)
#define BINDERLITE_BR_NOOP		_IO('r', 12)
#define BINDERLITE_BR_SPAWN_LOOPER	_IO('r', 13)
/* Never sent, as in binder. */
#define BINDERLITE_BR_FINISHED		_IO('r', 14)
#define BINDERLITE_BR_DEAD_BINDER	_IOR('r', 15, binderlite_uintptr_t)
#define BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE _IOR('r', 16, binderlite_uintptr_t)
#define BINDERLITE_BR_FAILED_REPLY	_IO('r', 17)
#define BINDERLITE_BR_FROZEN_REPLY	_IO('r', 18)
#define BINDERLITE_BR_ONEWAY_SPAM_SUSPECT _IO('r', 19)
#define BINDERLITE_BR_TRANSACTION_PENDING_FROZEN _IO('r', 20)
#define BINDERLITE_BR_FROZEN_BINDER	_IOR('r', 21, struct binderlite_frozen_state_info)
#define BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE _IOR('r', 22, binderlite_uintptr_t)

/* Commands: what the program writes into the write buffer. */
#define BINDERLITE_BC_TRANSACTION	_IOW('c', 0, struct binderlite_transaction_data)
#define BINDERLITE_BC_REPLY		_IOW('c', 1, struct binderlite_transaction_data)
/* Refused: the write stops with EINVAL, as in binder. */
#define BINDERLITE_BC_ACQUIRE_RESULT	_IOW('c', 2, __s32)
#define BINDERLITE_BC_FREE_BUFFER	_IOW('c', 3, binderlite_uintptr_t)
#define BINDERLITE_BC_INCREFS		_IOW('c', 4, __u32)
#define BINDERLITE_BC_ACQUIRE		_IOW('c', 5, __u32)
#define BINDERLITE_BC_RELEASE		_IOW('c', 6, __u32)
#define BINDERLITE_BC_DECREFS		_IOW('c', 7, __u32)
#define BINDERLITE_BC_INCREFS_DONE	_IOW('c', 8, struct binderlite_ptr_cookie)
#define BINDERLITE_BC_ACQUIRE_DONE	_IOW('c', 9, struct binderlite_ptr_cookie)
/* Refused: the write stops with EINVAL, as in binder. */
#define BINDERLITE_BC_ATTEMPT_ACQUIRE	_IOW('c', 10, struct binderlite_pri_desc)
#define BINDERLITE_BC_REGISTER_LOOPER	_IO('c', 11)
#define BINDERLITE_BC_ENTER_LOOPER	_IO('c', 12)
#define BINDERLITE_BC_EXIT_LOOPER	_IO('c', 13)
#define BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION \
	_IOW('c', 14, struct binderlite_handle_cookie)
#define BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION \
	_IOW('c', 15, struct binderlite_handle_cookie)
#define BINDERLITE_BC_DEAD_BINDER_DONE	_IOW('c', 16, binderlite_uintptr_t)
#define BINDERLITE_BC_TRANSACTION_SG	_IOW('c', 17, struct binderlite_transaction_data_sg)
#define BINDERLITE_BC_REPLY_SG		_IOW('c', 18, struct binderlite_transaction_data_sg)
#define BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION \
	_IOW('c', 19, struct binderlite_handle_cookie)
#define BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION \
	_IOW('c', 20, struct binderlite_handle_cookie)
#define BINDERLITE_BC_FREEZE_NOTIFICATION_DONE _IOW('c', 21, binderlite_uintptr_t)

/*
 * The control device, /dev/binderlite-control: contexts created and
 * removed at run time, each a device of its own (/dev/NAME) with its own
 * context manager and handles, as binderfs gives binder.
 */

/* The longest context name; names use [A-Za-z0-9_.-] only. */
#define BINDERLITE_MAX_NAME		255

/**
 * struct binderlite_ctl_device - argument of %BINDERLITE_CTL_ADD and
 * %BINDERLITE_CTL_REMOVE
 * @name:  the context's name, NUL-terminated: its device is /dev/@name
 * @major: out (ADD): the device's major number
 * @minor: out (ADD): the device's minor number
 *
 * Layout-identical to binderfs's struct binderfs_device.
 */
struct binderlite_ctl_device {
	char name[BINDERLITE_MAX_NAME + 1];
	__u32 major;
	__u32 minor;
};

/* Same number and layout as binderfs's BINDER_CTL_ADD. */
#define BINDERLITE_CTL_ADD		_IOWR('b', 1, struct binderlite_ctl_device)
#define BINDERLITE_CTL_REMOVE		_IOW('b', 2, struct binderlite_ctl_device)

#endif /* _UAPI_LINUX_BINDERLITE_H */
