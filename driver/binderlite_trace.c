// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite trace events: the one file that defines them
 * (binderlite_trace.h lists them; Documentation/performance.rst tells how
 * to use them).
 *
 * The bottom layer of the driver: the events read the structures of the
 * layers they trace, so this file includes those layers' headers for
 * their types, but it calls no function of any layer (layers.sh checks
 * that no symbol of another file is used here).
 */

#include <linux/build_bug.h>
#include <linux/ioctl.h>
#include <linux/ktime.h>
#include <linux/list.h>

#include <linux/binderlite.h>

#include "binderlite_node.h"
#include "binderlite_pool.h"
#include "binderlite_proc.h"
#include "binderlite_txn.h"

#define CREATE_TRACE_POINTS
#include "binderlite_trace.h"

/* The names the events print, against the UAPI's numbers. */
static_assert(_IOC_NR(BINDERLITE_BC_TRANSACTION) == 0);
static_assert(_IOC_NR(BINDERLITE_BC_REPLY) == 1);
static_assert(_IOC_NR(BINDERLITE_BC_ACQUIRE_RESULT) == 2);
static_assert(_IOC_NR(BINDERLITE_BC_FREE_BUFFER) == 3);
static_assert(_IOC_NR(BINDERLITE_BC_INCREFS) == 4);
static_assert(_IOC_NR(BINDERLITE_BC_ACQUIRE) == 5);
static_assert(_IOC_NR(BINDERLITE_BC_RELEASE) == 6);
static_assert(_IOC_NR(BINDERLITE_BC_DECREFS) == 7);
static_assert(_IOC_NR(BINDERLITE_BC_INCREFS_DONE) == 8);
static_assert(_IOC_NR(BINDERLITE_BC_ACQUIRE_DONE) == 9);
static_assert(_IOC_NR(BINDERLITE_BC_ATTEMPT_ACQUIRE) == 10);
static_assert(_IOC_NR(BINDERLITE_BC_REGISTER_LOOPER) == 11);
static_assert(_IOC_NR(BINDERLITE_BC_ENTER_LOOPER) == 12);
static_assert(_IOC_NR(BINDERLITE_BC_EXIT_LOOPER) == 13);
static_assert(_IOC_NR(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION) == 14);
static_assert(_IOC_NR(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION) == 15);
static_assert(_IOC_NR(BINDERLITE_BC_DEAD_BINDER_DONE) == 16);
static_assert(_IOC_NR(BINDERLITE_BC_TRANSACTION_SG) == 17);
static_assert(_IOC_NR(BINDERLITE_BC_REPLY_SG) == 18);
static_assert(_IOC_NR(BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION) == 19);
static_assert(_IOC_NR(BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION) == 20);
static_assert(_IOC_NR(BINDERLITE_BC_FREEZE_NOTIFICATION_DONE) == 21);

static_assert(_IOC_NR(BINDERLITE_BR_ERROR) == 0);
static_assert(_IOC_NR(BINDERLITE_BR_OK) == 1);
static_assert(_IOC_NR(BINDERLITE_BR_TRANSACTION) == 2);
static_assert(_IOC_NR(BINDERLITE_BR_TRANSACTION_SEC_CTX) == 2);
static_assert(_IOC_NR(BINDERLITE_BR_REPLY) == 3);
static_assert(_IOC_NR(BINDERLITE_BR_ACQUIRE_RESULT) == 4);
static_assert(_IOC_NR(BINDERLITE_BR_DEAD_REPLY) == 5);
static_assert(_IOC_NR(BINDERLITE_BR_TRANSACTION_COMPLETE) == 6);
static_assert(_IOC_NR(BINDERLITE_BR_INCREFS) == 7);
static_assert(_IOC_NR(BINDERLITE_BR_ACQUIRE) == 8);
static_assert(_IOC_NR(BINDERLITE_BR_RELEASE) == 9);
static_assert(_IOC_NR(BINDERLITE_BR_DECREFS) == 10);
static_assert(_IOC_NR(BINDERLITE_BR_ATTEMPT_ACQUIRE) == 11);
static_assert(_IOC_NR(BINDERLITE_BR_NOOP) == 12);
static_assert(_IOC_NR(BINDERLITE_BR_SPAWN_LOOPER) == 13);
static_assert(_IOC_NR(BINDERLITE_BR_FINISHED) == 14);
static_assert(_IOC_NR(BINDERLITE_BR_DEAD_BINDER) == 15);
static_assert(_IOC_NR(BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE) == 16);
static_assert(_IOC_NR(BINDERLITE_BR_FAILED_REPLY) == 17);
static_assert(_IOC_NR(BINDERLITE_BR_FROZEN_REPLY) == 18);
static_assert(_IOC_NR(BINDERLITE_BR_ONEWAY_SPAM_SUSPECT) == 19);
static_assert(_IOC_NR(BINDERLITE_BR_TRANSACTION_PENDING_FROZEN) == 20);
static_assert(_IOC_NR(BINDERLITE_BR_FROZEN_BINDER) == 21);
static_assert(_IOC_NR(BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE) == 22);
