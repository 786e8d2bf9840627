/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite objects: what a payload carries besides bytes (binders,
 * handles, file descriptors, scatter-gather buffers, fd arrays). The lower
 * half of the transaction layer: binderlite_txn.c calls it, and it shares
 * that file's types. Its nouns: objects (of a buffer), fd_fixups (of a
 * transaction).
 */
#ifndef _BINDERLITE_OBJECT_H
#define _BINDERLITE_OBJECT_H

#include <linux/list.h>
#include <linux/types.h>

#include "binderlite_txn.h"

void blite_objects_prepare(struct blite_txn_build *build);
int blite_objects_translate_locked(struct blite_txn_build *build);
void blite_objects_release_locked(struct blite_proc *proc, struct blite_buffer *buf,
				  size_t count, struct list_head *closing);
void blite_objects_close_fds(struct list_head *closing);
int blite_fd_fixups_reserve(struct blite_proc *proc, struct blite_transaction *t);
void blite_fd_fixups_unreserve(struct blite_transaction *t);
void blite_fd_fixups_install(struct blite_transaction *t);
void blite_fd_fixups_free(struct blite_transaction *t);

#endif /* _BINDERLITE_OBJECT_H */
