/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite debugfs: /sys/kernel/debug/binderlite/. Its nouns: debugfs.
 */
#ifndef _BINDERLITE_DEBUGFS_H
#define _BINDERLITE_DEBUGFS_H

int blite_debugfs_init(void);
void blite_debugfs_exit(void);

#endif /* _BINDERLITE_DEBUGFS_H */
