// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite: Binder-style IPC as an out-of-tree module.
 *
 * This file is the character device, the top of the driver's stack:
 * module init and exit, open, release, flush, poll, mmap and the ioctl
 * dispatcher. The devices themselves, one per context, are in
 * binderlite_context.c; the write-read loop in binderlite_ipc.c
 * (Documentation/protocol.rst), the receive pool in binderlite_pool.c and
 * its allocator in binderlite_alloc.c (Documentation/pool.rst). The
 * layers, the lock table and the naming rules are in binderlite.h, and
 * Documentation/architecture.rst walks through them. The user-space API
 * is include/uapi/linux/binderlite.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <linux/binderlite.h>

#include "binderlite_context.h"
#include "binderlite_debugfs.h"
#include "binderlite_freeze.h"
#include "binderlite_ipc.h"
#include "binderlite_ref.h"
#include "binderlite_stats.h"
#include "binderlite_trace.h"

/* The variable is binderlite_stats.c's, with the messages it selects. */
module_param_named(debug_mask, blite_debug_mask, uint, 0644);
MODULE_PARM_DESC(debug_mask,
		 "Bitmask of debug messages: 1=open/release, 2=ioctl, 4=failed transactions (default 0)");

/* Pool size cap: binder's fixed 4 MiB by default, up to 1 GiB. */
#define BLITE_POOL_CAP_MAX	SZ_1G
static unsigned long blite_max_pool_size = SZ_4M;

static int blite_set_max_pool_size(const char *val, const struct kernel_param *kp)
{
	unsigned long size;
	int ret;

	ret = kstrtoul(val, 0, &size);
	if (ret)
		return ret;
	if (size < PAGE_SIZE || size > BLITE_POOL_CAP_MAX || !PAGE_ALIGNED(size))
		return -EINVAL;
	WRITE_ONCE(blite_max_pool_size, size);
	return 0;
}

static const struct kernel_param_ops blite_max_pool_size_ops = {
	.set = blite_set_max_pool_size,
	.get = param_get_ulong,
};

module_param_cb(max_pool_size, &blite_max_pool_size_ops, &blite_max_pool_size, 0644);
__MODULE_PARM_TYPE(max_pool_size, "ulong");
MODULE_PARM_DESC(max_pool_size,
		 "Largest receive pool in bytes; a larger mapping is used up to it. Page-aligned, 4096..1073741824 (default 4194304, as binder)");

static int blite_open(struct inode *inode, struct file *filp)
{
	struct blite_proc *proc;

	proc = blite_proc_create(filp);
	if (IS_ERR(proc))
		return PTR_ERR(proc);
	filp->private_data = proc;

	blite_debug(BLITE_DEBUG_OPEN_CLOSE, "%d: open\n", proc->pid);
	return 0;
}

static int blite_release(struct inode *inode, struct file *filp)
{
	struct blite_proc *proc = filp->private_data;

	blite_debug(BLITE_DEBUG_OPEN_CLOSE, "%d: release\n", proc->pid);
	blite_proc_unlink(proc);
	blite_ipc_release_proc(proc);
	blite_proc_put(proc);
	return 0;
}

static int blite_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct blite_proc *proc = filp->private_data;
	int ret;

	/* The pool belongs to the process that opened the file. */
	if (proc->tsk_pid != task_pid(current->group_leader))
		return -EPERM;

	ret = blite_pool_mmap(&proc->pool, vma, READ_ONCE(blite_max_pool_size));
	blite_debug(BLITE_DEBUG_OPEN_CLOSE, "%d: mmap %lu bytes at %#lx -> %d\n",
		    proc->pid, vma->vm_end - vma->vm_start, vma->vm_start, ret);
	return ret;
}

static int blite_ioctl_version(struct binderlite_version __user *uver)
{
	if (put_user(BINDERLITE_CURRENT_PROTOCOL_VERSION,
		     &uver->protocol_version))
		return -EFAULT;
	return 0;
}

static int blite_ioctl_set_context_mgr_ext(struct blite_proc *proc, void __user *ubuf)
{
	struct flat_binderlite_object fbo;

	if (copy_from_user(&fbo, ubuf, sizeof(fbo)))
		return -EFAULT;
	return blite_node_ioctl_set_context_mgr(proc, &fbo);
}

static long blite_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct blite_proc *proc = filp->private_data;
	void __user *ubuf = (void __user *)arg;
	struct blite_thread *thread;
	int ret;

	trace_binderlite_ioctl(cmd, arg);
	thread = blite_thread_get(proc);
	if (!thread) {
		trace_binderlite_ioctl_done(-ENOMEM);
		return -ENOMEM;
	}

	switch (cmd) {
	case BINDERLITE_WRITE_READ:
		ret = blite_ipc_ioctl_write_read(thread, filp, ubuf);
		break;
	case BINDERLITE_SET_MAX_THREADS:
		ret = blite_proc_ioctl_set_max_threads(proc, ubuf);
		break;
	case BINDERLITE_SET_CONTEXT_MGR:
		/* The argument is unused, as in binder. */
		ret = blite_node_ioctl_set_context_mgr(proc,
						       &(struct flat_binderlite_object){});
		break;
	case BINDERLITE_SET_CONTEXT_MGR_EXT:
		ret = blite_ioctl_set_context_mgr_ext(proc, ubuf);
		break;
	case BINDERLITE_THREAD_EXIT:
		ret = blite_ipc_ioctl_thread_exit(thread);
		thread = NULL;
		break;
	case BINDERLITE_VERSION:
		ret = blite_ioctl_version(ubuf);
		break;
	case BINDERLITE_GET_EXTENDED_ERROR:
		ret = blite_thread_ioctl_get_extended_error(thread, ubuf);
		break;
	case BINDERLITE_GET_NODE_DEBUG_INFO:
		ret = blite_node_ioctl_get_debug_info(proc, ubuf);
		break;
	case BINDERLITE_GET_NODE_INFO_FOR_REF:
		ret = blite_ref_ioctl_get_node_info(proc, ubuf);
		break;
	case BINDERLITE_FREEZE:
		ret = blite_freeze_ioctl_freeze(ubuf);
		break;
	case BINDERLITE_GET_FROZEN_INFO:
		ret = blite_freeze_ioctl_get_info(ubuf);
		break;
	case BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION:
		ret = blite_proc_ioctl_enable_oneway_spam_detection(proc, ubuf);
		break;
	default:
		/* What binder answers to a command it does not know. */
		ret = -EINVAL;
		break;
	}

	if (thread)
		blite_thread_ioctl_done(thread);
	blite_debug(BLITE_DEBUG_IOCTL, "%d:%d ioctl %#x -> %d\n",
		    proc->pid, current->pid, cmd, ret);
	trace_binderlite_ioctl_done(ret);
	return ret;
}

static int blite_flush(struct file *filp, fl_owner_t id)
{
	blite_proc_flush(filp->private_data);
	return 0;
}

/* The operations of every context's device (binderlite_context.c). */
static const struct file_operations blite_fops = {
	.owner = THIS_MODULE,
	.open = blite_open,
	.release = blite_release,
	.flush = blite_flush,
	.poll = blite_ipc_poll,
	.mmap = blite_mmap,
	.unlocked_ioctl = blite_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int __init blite_init(void)
{
	int ret;

	ret = blite_pool_global_init();
	if (ret)
		return ret;
	/* debugfs is optional: the driver works without it. */
	blite_debugfs_init();
	ret = blite_context_init(&blite_fops);
	if (ret)
		goto err_debugfs_exit;

	pr_info("protocol %d ready\n", BINDERLITE_CURRENT_PROTOCOL_VERSION);
	return 0;

err_debugfs_exit:
	blite_debugfs_exit();
	blite_pool_global_exit();
	return ret;
}

static void __exit blite_exit(void)
{
	blite_context_exit();
	/* Every open file holds a module reference, so none can be left. */
	WARN_ON(!list_empty(&blite_procs));
	blite_debugfs_exit();
	blite_pool_global_exit();
}

module_init(blite_init);
module_exit(blite_exit);

MODULE_DESCRIPTION("binderlite: Binder-compatible IPC with driver-managed receive pools");
MODULE_AUTHOR("The binderlite developers");
MODULE_LICENSE("GPL");
