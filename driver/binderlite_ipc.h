/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite IPC loop: BINDERLITE_WRITE_READ, poll(), and the end of a
 * thread or of a file. Its nouns: ipc.
 */
#ifndef _BINDERLITE_IPC_H
#define _BINDERLITE_IPC_H

#include <linux/poll.h>
#include <linux/types.h>

struct blite_proc;
struct blite_thread;
struct file;

int blite_ipc_ioctl_write_read(struct blite_thread *thread, struct file *filp,
			       void __user *ubuf);
int blite_ipc_ioctl_thread_exit(struct blite_thread *thread);
__poll_t blite_ipc_poll(struct file *filp, struct poll_table_struct *wait);
void blite_ipc_release_proc(struct blite_proc *proc);

#endif /* _BINDERLITE_IPC_H */
