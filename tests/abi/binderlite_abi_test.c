// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite's UAPI must be binder's, number for number and byte for byte.
 *
 * This file includes both <linux/binderlite.h> and Linux 6.12's
 * <linux/android/binder.h> and <linux/android/binderfs.h> (make check puts
 * the linux-source tree's copies first on the include path, since Debian
 * 12's own are older) in one translation unit, which also proves that the
 * two can be used together, and checks at compile time that every shared
 * constant is equal and every shared structure has the same size,
 * alignment and field offsets. It compiles as C and as C++; compiling is
 * the test.
 */
#include <stddef.h>

#include <linux/android/binder.h>
#include <linux/android/binderfs.h>
#include <linux/binderlite.h>

#ifdef __cplusplus
#define STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#define ALIGNOF(t) alignof(t)
#else
#define STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define ALIGNOF(t) _Alignof(t)
#endif

/* A binderlite constant equals binder's. */
#define SAME(ours, theirs) \
	STATIC_ASSERT((unsigned long long)(ours) == (unsigned long long)(theirs), \
		      #ours " != " #theirs)

/* A structure has binder's size and alignment. */
#define SAME_STRUCT(ours, theirs) \
	STATIC_ASSERT(sizeof(struct ours) == sizeof(struct theirs), \
		      "sizeof " #ours); \
	STATIC_ASSERT(ALIGNOF(struct ours) == ALIGNOF(struct theirs), \
		      "alignof " #ours)

/* A field sits where binder's does and is as wide. */
#define SAME_FIELD(ours, theirs, field) \
	STATIC_ASSERT(offsetof(struct ours, field) == offsetof(struct theirs, field), \
		      "offsetof " #ours "." #field); \
	STATIC_ASSERT(sizeof(((struct ours *)0)->field) == \
		      sizeof(((struct theirs *)0)->field), "sizeof " #ours "." #field)

SAME(BINDERLITE_CURRENT_PROTOCOL_VERSION, BINDER_CURRENT_PROTOCOL_VERSION);
SAME(sizeof(binderlite_size_t), sizeof(binder_size_t));
SAME(sizeof(binderlite_uintptr_t), sizeof(binder_uintptr_t));

SAME(BINDERLITE_TYPE_BINDER, BINDER_TYPE_BINDER);
SAME(BINDERLITE_TYPE_WEAK_BINDER, BINDER_TYPE_WEAK_BINDER);
SAME(BINDERLITE_TYPE_HANDLE, BINDER_TYPE_HANDLE);
SAME(BINDERLITE_TYPE_WEAK_HANDLE, BINDER_TYPE_WEAK_HANDLE);
SAME(BINDERLITE_TYPE_FD, BINDER_TYPE_FD);
SAME(BINDERLITE_TYPE_FDA, BINDER_TYPE_FDA);
SAME(BINDERLITE_TYPE_PTR, BINDER_TYPE_PTR);
SAME(BINDERLITE_FLAG_PRIORITY_MASK, FLAT_BINDER_FLAG_PRIORITY_MASK);
SAME(BINDERLITE_FLAG_ACCEPTS_FDS, FLAT_BINDER_FLAG_ACCEPTS_FDS);
SAME(BINDERLITE_FLAG_TXN_SECURITY_CTX, FLAT_BINDER_FLAG_TXN_SECURITY_CTX);

SAME_STRUCT(binderlite_object_header, binder_object_header);
SAME_FIELD(binderlite_object_header, binder_object_header, type);
SAME_STRUCT(flat_binderlite_object, flat_binder_object);
SAME_FIELD(flat_binderlite_object, flat_binder_object, hdr);
SAME_FIELD(flat_binderlite_object, flat_binder_object, flags);
SAME_FIELD(flat_binderlite_object, flat_binder_object, binder);
SAME_FIELD(flat_binderlite_object, flat_binder_object, handle);
SAME_FIELD(flat_binderlite_object, flat_binder_object, cookie);

SAME_STRUCT(binderlite_fd_object, binder_fd_object);
SAME_FIELD(binderlite_fd_object, binder_fd_object, hdr);
SAME_FIELD(binderlite_fd_object, binder_fd_object, pad_flags);
SAME_FIELD(binderlite_fd_object, binder_fd_object, pad_binder);
SAME_FIELD(binderlite_fd_object, binder_fd_object, fd);
SAME_FIELD(binderlite_fd_object, binder_fd_object, cookie);
SAME(BINDERLITE_BUFFER_FLAG_HAS_PARENT, BINDER_BUFFER_FLAG_HAS_PARENT);
SAME_STRUCT(binderlite_buffer_object, binder_buffer_object);
SAME_FIELD(binderlite_buffer_object, binder_buffer_object, hdr);
SAME_FIELD(binderlite_buffer_object, binder_buffer_object, flags);
SAME_FIELD(binderlite_buffer_object, binder_buffer_object, buffer);
SAME_FIELD(binderlite_buffer_object, binder_buffer_object, length);
SAME_FIELD(binderlite_buffer_object, binder_buffer_object, parent);
SAME_FIELD(binderlite_buffer_object, binder_buffer_object, parent_offset);
SAME_STRUCT(binderlite_fd_array_object, binder_fd_array_object);
SAME_FIELD(binderlite_fd_array_object, binder_fd_array_object, hdr);
SAME_FIELD(binderlite_fd_array_object, binder_fd_array_object, pad);
SAME_FIELD(binderlite_fd_array_object, binder_fd_array_object, num_fds);
SAME_FIELD(binderlite_fd_array_object, binder_fd_array_object, parent);
SAME_FIELD(binderlite_fd_array_object, binder_fd_array_object, parent_offset);

SAME_STRUCT(binderlite_node_debug_info, binder_node_debug_info);
SAME_FIELD(binderlite_node_debug_info, binder_node_debug_info, ptr);
SAME_FIELD(binderlite_node_debug_info, binder_node_debug_info, cookie);
SAME_FIELD(binderlite_node_debug_info, binder_node_debug_info, has_strong_ref);
SAME_FIELD(binderlite_node_debug_info, binder_node_debug_info, has_weak_ref);
SAME_STRUCT(binderlite_node_info_for_ref, binder_node_info_for_ref);
SAME_FIELD(binderlite_node_info_for_ref, binder_node_info_for_ref, handle);
SAME_FIELD(binderlite_node_info_for_ref, binder_node_info_for_ref, strong_count);
SAME_FIELD(binderlite_node_info_for_ref, binder_node_info_for_ref, weak_count);
SAME_FIELD(binderlite_node_info_for_ref, binder_node_info_for_ref, reserved1);
SAME_FIELD(binderlite_node_info_for_ref, binder_node_info_for_ref, reserved2);
SAME_FIELD(binderlite_node_info_for_ref, binder_node_info_for_ref, reserved3);
SAME_STRUCT(binderlite_freeze_info, binder_freeze_info);
SAME_FIELD(binderlite_freeze_info, binder_freeze_info, pid);
SAME_FIELD(binderlite_freeze_info, binder_freeze_info, enable);
SAME_FIELD(binderlite_freeze_info, binder_freeze_info, timeout_ms);
SAME_STRUCT(binderlite_frozen_status_info, binder_frozen_status_info);
SAME_FIELD(binderlite_frozen_status_info, binder_frozen_status_info, pid);
SAME_FIELD(binderlite_frozen_status_info, binder_frozen_status_info, sync_recv);
SAME_FIELD(binderlite_frozen_status_info, binder_frozen_status_info, async_recv);
SAME_STRUCT(binderlite_frozen_state_info, binder_frozen_state_info);
SAME_FIELD(binderlite_frozen_state_info, binder_frozen_state_info, cookie);
SAME_FIELD(binderlite_frozen_state_info, binder_frozen_state_info, is_frozen);
SAME_FIELD(binderlite_frozen_state_info, binder_frozen_state_info, reserved);

SAME_STRUCT(binderlite_write_read, binder_write_read);
SAME_FIELD(binderlite_write_read, binder_write_read, write_size);
SAME_FIELD(binderlite_write_read, binder_write_read, write_consumed);
SAME_FIELD(binderlite_write_read, binder_write_read, write_buffer);
SAME_FIELD(binderlite_write_read, binder_write_read, read_size);
SAME_FIELD(binderlite_write_read, binder_write_read, read_consumed);
SAME_FIELD(binderlite_write_read, binder_write_read, read_buffer);

SAME_STRUCT(binderlite_version, binder_version);
SAME_FIELD(binderlite_version, binder_version, protocol_version);

SAME_STRUCT(binderlite_extended_error, binder_extended_error);
SAME_FIELD(binderlite_extended_error, binder_extended_error, id);
SAME_FIELD(binderlite_extended_error, binder_extended_error, command);
SAME_FIELD(binderlite_extended_error, binder_extended_error, param);

SAME(BINDERLITE_WRITE_READ, BINDER_WRITE_READ);
SAME(BINDERLITE_SET_IDLE_TIMEOUT, BINDER_SET_IDLE_TIMEOUT);
SAME(BINDERLITE_SET_MAX_THREADS, BINDER_SET_MAX_THREADS);
SAME(BINDERLITE_SET_IDLE_PRIORITY, BINDER_SET_IDLE_PRIORITY);
SAME(BINDERLITE_SET_CONTEXT_MGR, BINDER_SET_CONTEXT_MGR);
SAME(BINDERLITE_THREAD_EXIT, BINDER_THREAD_EXIT);
SAME(BINDERLITE_VERSION, BINDER_VERSION);
SAME(BINDERLITE_GET_NODE_DEBUG_INFO, BINDER_GET_NODE_DEBUG_INFO);
SAME(BINDERLITE_GET_NODE_INFO_FOR_REF, BINDER_GET_NODE_INFO_FOR_REF);
SAME(BINDERLITE_SET_CONTEXT_MGR_EXT, BINDER_SET_CONTEXT_MGR_EXT);
SAME(BINDERLITE_FREEZE, BINDER_FREEZE);
SAME(BINDERLITE_GET_FROZEN_INFO, BINDER_GET_FROZEN_INFO);
SAME(BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION, BINDER_ENABLE_ONEWAY_SPAM_DETECTION);
SAME(BINDERLITE_GET_EXTENDED_ERROR, BINDER_GET_EXTENDED_ERROR);

SAME(BINDERLITE_MAX_NAME, BINDERFS_MAX_NAME);
SAME_STRUCT(binderlite_ctl_device, binderfs_device);
SAME_FIELD(binderlite_ctl_device, binderfs_device, name);
SAME_FIELD(binderlite_ctl_device, binderfs_device, major);
SAME_FIELD(binderlite_ctl_device, binderfs_device, minor);
SAME(BINDERLITE_CTL_ADD, BINDER_CTL_ADD);

SAME(BINDERLITE_TF_ONE_WAY, TF_ONE_WAY);
SAME(BINDERLITE_TF_ROOT_OBJECT, TF_ROOT_OBJECT);
SAME(BINDERLITE_TF_STATUS_CODE, TF_STATUS_CODE);
SAME(BINDERLITE_TF_ACCEPT_FDS, TF_ACCEPT_FDS);
SAME(BINDERLITE_TF_CLEAR_BUF, TF_CLEAR_BUF);
SAME(BINDERLITE_TF_UPDATE_TXN, TF_UPDATE_TXN);

SAME_STRUCT(binderlite_transaction_data, binder_transaction_data);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, target);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, target.handle);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, target.ptr);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, cookie);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, code);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, flags);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, sender_pid);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, sender_euid);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, data_size);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, offsets_size);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, data);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, data.ptr.buffer);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, data.ptr.offsets);
SAME_FIELD(binderlite_transaction_data, binder_transaction_data, data.buf);

SAME_STRUCT(binderlite_transaction_data_sg, binder_transaction_data_sg);
SAME_FIELD(binderlite_transaction_data_sg, binder_transaction_data_sg, transaction_data);
SAME_FIELD(binderlite_transaction_data_sg, binder_transaction_data_sg, buffers_size);
SAME_STRUCT(binderlite_transaction_data_secctx, binder_transaction_data_secctx);
SAME_FIELD(binderlite_transaction_data_secctx, binder_transaction_data_secctx, secctx);

SAME_STRUCT(binderlite_ptr_cookie, binder_ptr_cookie);
SAME_FIELD(binderlite_ptr_cookie, binder_ptr_cookie, ptr);
SAME_FIELD(binderlite_ptr_cookie, binder_ptr_cookie, cookie);
SAME_STRUCT(binderlite_handle_cookie, binder_handle_cookie);
SAME_FIELD(binderlite_handle_cookie, binder_handle_cookie, handle);
SAME_FIELD(binderlite_handle_cookie, binder_handle_cookie, cookie);
SAME_STRUCT(binderlite_pri_desc, binder_pri_desc);
SAME_FIELD(binderlite_pri_desc, binder_pri_desc, priority);
SAME_FIELD(binderlite_pri_desc, binder_pri_desc, desc);
SAME_STRUCT(binderlite_pri_ptr_cookie, binder_pri_ptr_cookie);
SAME_FIELD(binderlite_pri_ptr_cookie, binder_pri_ptr_cookie, priority);
SAME_FIELD(binderlite_pri_ptr_cookie, binder_pri_ptr_cookie, ptr);
SAME_FIELD(binderlite_pri_ptr_cookie, binder_pri_ptr_cookie, cookie);

SAME(BINDERLITE_BR_ERROR, BR_ERROR);
SAME(BINDERLITE_BR_OK, BR_OK);
SAME(BINDERLITE_BR_TRANSACTION_SEC_CTX, BR_TRANSACTION_SEC_CTX);
SAME(BINDERLITE_BR_TRANSACTION, BR_TRANSACTION);
SAME(BINDERLITE_BR_REPLY, BR_REPLY);
SAME(BINDERLITE_BR_ACQUIRE_RESULT, BR_ACQUIRE_RESULT);
SAME(BINDERLITE_BR_DEAD_REPLY, BR_DEAD_REPLY);
SAME(BINDERLITE_BR_TRANSACTION_COMPLETE, BR_TRANSACTION_COMPLETE);
SAME(BINDERLITE_BR_INCREFS, BR_INCREFS);
SAME(BINDERLITE_BR_ACQUIRE, BR_ACQUIRE);
SAME(BINDERLITE_BR_RELEASE, BR_RELEASE);
SAME(BINDERLITE_BR_DECREFS, BR_DECREFS);
SAME(BINDERLITE_BR_ATTEMPT_ACQUIRE, BR_ATTEMPT_ACQUIRE);
SAME(BINDERLITE_BR_NOOP, BR_NOOP);
SAME(BINDERLITE_BR_SPAWN_LOOPER, BR_SPAWN_LOOPER);
SAME(BINDERLITE_BR_FINISHED, BR_FINISHED);
SAME(BINDERLITE_BR_DEAD_BINDER, BR_DEAD_BINDER);
SAME(BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, BR_CLEAR_DEATH_NOTIFICATION_DONE);
SAME(BINDERLITE_BR_FAILED_REPLY, BR_FAILED_REPLY);
SAME(BINDERLITE_BR_FROZEN_REPLY, BR_FROZEN_REPLY);
SAME(BINDERLITE_BR_ONEWAY_SPAM_SUSPECT, BR_ONEWAY_SPAM_SUSPECT);
SAME(BINDERLITE_BR_TRANSACTION_PENDING_FROZEN, BR_TRANSACTION_PENDING_FROZEN);
SAME(BINDERLITE_BR_FROZEN_BINDER, BR_FROZEN_BINDER);
SAME(BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, BR_CLEAR_FREEZE_NOTIFICATION_DONE);

SAME(BINDERLITE_BC_TRANSACTION, BC_TRANSACTION);
SAME(BINDERLITE_BC_REPLY, BC_REPLY);
SAME(BINDERLITE_BC_ACQUIRE_RESULT, BC_ACQUIRE_RESULT);
SAME(BINDERLITE_BC_FREE_BUFFER, BC_FREE_BUFFER);
SAME(BINDERLITE_BC_INCREFS, BC_INCREFS);
SAME(BINDERLITE_BC_ACQUIRE, BC_ACQUIRE);
SAME(BINDERLITE_BC_RELEASE, BC_RELEASE);
SAME(BINDERLITE_BC_DECREFS, BC_DECREFS);
SAME(BINDERLITE_BC_INCREFS_DONE, BC_INCREFS_DONE);
SAME(BINDERLITE_BC_ACQUIRE_DONE, BC_ACQUIRE_DONE);
SAME(BINDERLITE_BC_ATTEMPT_ACQUIRE, BC_ATTEMPT_ACQUIRE);
SAME(BINDERLITE_BC_REGISTER_LOOPER, BC_REGISTER_LOOPER);
SAME(BINDERLITE_BC_ENTER_LOOPER, BC_ENTER_LOOPER);
SAME(BINDERLITE_BC_EXIT_LOOPER, BC_EXIT_LOOPER);
SAME(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, BC_REQUEST_DEATH_NOTIFICATION);
SAME(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, BC_CLEAR_DEATH_NOTIFICATION);
SAME(BINDERLITE_BC_DEAD_BINDER_DONE, BC_DEAD_BINDER_DONE);
SAME(BINDERLITE_BC_TRANSACTION_SG, BC_TRANSACTION_SG);
SAME(BINDERLITE_BC_REPLY_SG, BC_REPLY_SG);
SAME(BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, BC_REQUEST_FREEZE_NOTIFICATION);
SAME(BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, BC_CLEAR_FREEZE_NOTIFICATION);
SAME(BINDERLITE_BC_FREEZE_NOTIFICATION_DONE, BC_FREEZE_NOTIFICATION_DONE);
