// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite contexts: the devices, each an independent binder context.
 *
 * A context is what binder calls a device: a misc device /dev/NAME with
 * its own context manager (handle 0) and its own handle space; nothing
 * crosses from one context to another. Android opens three: binder,
 * hwbinder and vndbinder. The module parameter ``devices=`` names the
 * contexts created at load (default "binderlite"); the control device
 * /dev/binderlite-control creates more at run time and removes unused
 * ones (BINDERLITE_CTL_ADD, BINDERLITE_CTL_REMOVE), as binderfs does for
 * binder, for containers that want instances of their own.
 *
 * Every context device carries a sysfs attribute, ``binderlite_context``
 * (its name), so that one udev rule can give all of them, and none of the
 * system's other misc devices, to a group (packaging/udev).
 *
 * The list of contexts is protected by blite_procs_lock, which also counts
 * each context's open files. misc_register() and misc_deregister() take
 * the misc core's own mutex, which is held around our open(), so they are
 * never called with blite_procs_lock held (the lock table is in
 * binderlite.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "binderlite_context.h"

/* Contexts created through the control device, at most. */
#define BLITE_MAX_RUNTIME_CONTEXTS	64

static char *blite_devices_param = "binderlite";
module_param_named(devices, blite_devices_param, charp, 0444);
MODULE_PARM_DESC(devices,
		 "Comma-separated names of the contexts to create at load, each a device /dev/NAME (default \"binderlite\")");

/* The lists of open files and of contexts; see the lock table. */
DEFINE_MUTEX(blite_procs_lock);

/* Every context, in creation order; protected by blite_procs_lock. */
LIST_HEAD(blite_contexts);
static unsigned int blite_nr_runtime_contexts;
/* The operations of every context's device (binderlite_main.c). */
static const struct file_operations *blite_context_fops;

static ssize_t binderlite_context_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", misc->name);
}
static DEVICE_ATTR_RO(binderlite_context);

static struct attribute *blite_context_attrs[] = {
	&dev_attr_binderlite_context.attr,
	NULL,
};
ATTRIBUTE_GROUPS(blite_context);

static void blite_context_free(struct kref *kref)
{
	kfree(container_of(kref, struct blite_context, kref));
}

/**
 * blite_context_put() - drop a reference to a context
 * @ctx: the context; freed by the last reference, once deregistered
 */
void blite_context_put(struct blite_context *ctx)
{
	kref_put(&ctx->kref, blite_context_free);
}

/*
 * A context name becomes a device name: letters, digits, '_', '.', '-',
 * and not "." or "..". @len is its length, without the NUL.
 */
static bool blite_context_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > BINDERLITE_MAX_NAME || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/* The context named @name, or NULL. */
static struct blite_context *blite_context_find_plocked(const char *name)
	__must_hold(&blite_procs_lock)
{
	struct blite_context *ctx;

	lockdep_assert_held(&blite_procs_lock);
	list_for_each_entry(ctx, &blite_contexts, entry)
		if (!strcmp(ctx->name, name))
			return ctx;
	return NULL;
}

static struct miscdevice blite_control_dev;

/*
 * Whether a device of the misc class (any driver's) has the name @name.
 * Asked before registering, because registering a duplicate name makes
 * sysfs complain with a stack dump. The class is found through the
 * control device, registered first.
 */
static bool blite_misc_name_taken(const char *name)
{
	struct device *dev;

	dev = class_find_device_by_name(blite_control_dev.this_device->class, name);
	if (!dev)
		return false;
	put_device(dev);
	return true;
}

/*
 * Creates, registers and lists the context @name. Returns it, or an
 * ERR_PTR(): -EINVAL for a bad name, -EEXIST if the name is taken (by a
 * context or by any other misc device), -ENOSPC past the run-time limit,
 * -ENOMEM.
 */
static struct blite_context *blite_context_create(const char *name, bool runtime)
{
	struct blite_context *ctx;
	int ret;

	if (!blite_context_name_valid(name, strnlen(name, BINDERLITE_MAX_NAME + 1)))
		return ERR_PTR(-EINVAL);
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->kref);
	strscpy(ctx->name, name, sizeof(ctx->name));
	ctx->runtime = runtime;
	ctx->mgr_uid = INVALID_UID;
	ctx->miscdev.minor = MISC_DYNAMIC_MINOR;
	ctx->miscdev.name = ctx->name;
	ctx->miscdev.fops = blite_context_fops;
	ctx->miscdev.groups = blite_context_groups;

	/* Reserve the name, so that two creators cannot both register it. */
	mutex_lock(&blite_procs_lock);
	if (blite_context_find_plocked(name)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	if (runtime && blite_nr_runtime_contexts >= BLITE_MAX_RUNTIME_CONTEXTS) {
		ret = -ENOSPC;
		goto err_unlock;
	}
	ctx->removed = true;	/* not usable until registered */
	list_add_tail(&ctx->entry, &blite_contexts);
	if (runtime)
		blite_nr_runtime_contexts++;
	mutex_unlock(&blite_procs_lock);

	if (blite_misc_name_taken(name)) {
		ret = -EEXIST;
		goto err_unlist;
	}
	ret = misc_register(&ctx->miscdev);
	if (ret)
		goto err_unlist;
	mutex_lock(&blite_procs_lock);
	ctx->removed = false;
	mutex_unlock(&blite_procs_lock);
	return ctx;

err_unlist:
	mutex_lock(&blite_procs_lock);
	list_del(&ctx->entry);
	if (runtime)
		blite_nr_runtime_contexts--;
err_unlock:
	mutex_unlock(&blite_procs_lock);
	blite_context_put(ctx);
	return ERR_PTR(ret);
}

/* Deregisters and unlists @ctx, marked removed; drops the list's reference. */
static void blite_context_destroy(struct blite_context *ctx)
{
	misc_deregister(&ctx->miscdev);
	mutex_lock(&blite_procs_lock);
	list_del(&ctx->entry);
	if (ctx->runtime)
		blite_nr_runtime_contexts--;
	mutex_unlock(&blite_procs_lock);
	blite_context_put(ctx);
}

/*
 * BINDERLITE_CTL_REMOVE: only an unused context created at run time can
 * go. Marking it removed under the lock that open() takes closes the race
 * with a concurrent open.
 */
static int blite_context_remove(const char *name)
{
	struct blite_context *ctx;
	int ret = 0;

	mutex_lock(&blite_procs_lock);
	ctx = blite_context_find_plocked(name);
	if (!ctx || ctx->removed)
		ret = -ENOENT;
	else if (!ctx->runtime)
		ret = -EPERM;
	else if (ctx->nr_procs)
		ret = -EBUSY;
	else
		ctx->removed = true;
	mutex_unlock(&blite_procs_lock);
	if (!ret)
		blite_context_destroy(ctx);
	return ret;
}

static long blite_control_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg)
{
	struct binderlite_ctl_device __user *ubuf = (void __user *)arg;
	struct binderlite_ctl_device dev;
	struct blite_context *ctx;

	switch (cmd) {
	case BINDERLITE_CTL_ADD:
	case BINDERLITE_CTL_REMOVE:
		break;
	default:
		return -EINVAL;
	}
	if (copy_from_user(&dev, ubuf, sizeof(dev)))
		return -EFAULT;
	if (strnlen(dev.name, sizeof(dev.name)) == sizeof(dev.name))
		return -EINVAL;
	if (cmd == BINDERLITE_CTL_REMOVE)
		return blite_context_remove(dev.name);

	ctx = blite_context_create(dev.name, true);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	dev.major = MISC_MAJOR;
	dev.minor = ctx->miscdev.minor;
	if (copy_to_user(ubuf, &dev, sizeof(dev))) {
		/* Nobody learns of it: take it back, unless in use already. */
		blite_context_remove(dev.name);
		return -EFAULT;
	}
	return 0;
}

static const struct file_operations blite_control_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = blite_control_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice blite_control_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "binderlite-control",
	.fops = &blite_control_fops,
};

/**
 * blite_context_open() - the context of a device being opened
 * @filp: the file; its private_data is the misc device (misc_open())
 *
 * Return: the context, with a reference and its open files counted, or
 * ERR_PTR(-ENODEV) if it is being removed.
 */
struct blite_context *blite_context_open(struct file *filp)
{
	struct blite_context *ctx;

	ctx = container_of(filp->private_data, struct blite_context, miscdev);
	mutex_lock(&blite_procs_lock);
	if (ctx->removed) {
		mutex_unlock(&blite_procs_lock);
		return ERR_PTR(-ENODEV);
	}
	kref_get(&ctx->kref);
	ctx->nr_procs++;
	mutex_unlock(&blite_procs_lock);
	return ctx;
}

/**
 * blite_context_close_plocked() - an open file of a context is released
 * @ctx: the context; the file's reference is dropped later, with the file's
 *       state (blite_context_put())
 */
void blite_context_close_plocked(struct blite_context *ctx)
	__must_hold(&blite_procs_lock)
{
	lockdep_assert_held(&blite_procs_lock);
	ctx->nr_procs--;
}

/* Destroys every context; the module is going or failed to load. */
static void blite_context_destroy_all(void)
{
	struct blite_context *ctx;

	for (;;) {
		mutex_lock(&blite_procs_lock);
		ctx = list_first_entry_or_null(&blite_contexts,
					       struct blite_context, entry);
		if (ctx)
			ctx->removed = true;
		mutex_unlock(&blite_procs_lock);
		if (!ctx)
			return;
		blite_context_destroy(ctx);
	}
}

/**
 * blite_context_init() - create the contexts of ``devices=`` and the
 *                        control device
 * @fops: the operations of every context's device
 *
 * Return: 0, or a negative errno (a bad or duplicate name: -EINVAL,
 * -EEXIST), having created nothing.
 */
int blite_context_init(const struct file_operations *fops)
{
	char *names, *p, *name;
	struct blite_context *ctx;
	int ret = 0;

	blite_context_fops = fops;
	ret = misc_register(&blite_control_dev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", blite_control_dev.name, ret);
		return ret;
	}
	names = kstrdup(blite_devices_param, GFP_KERNEL);
	if (!names) {
		ret = -ENOMEM;
		goto err_deregister_control;
	}
	p = names;
	while ((name = strsep(&p, ","))) {
		ctx = blite_context_create(name, false);
		if (IS_ERR(ctx)) {
			ret = PTR_ERR(ctx);
			pr_err("cannot create context \"%s\": %d\n", name, ret);
			goto err_destroy_contexts;
		}
	}
	kfree(names);
	pr_info("contexts: %s; control device /dev/%s\n", blite_devices_param,
		blite_control_dev.name);
	return 0;

err_destroy_contexts:
	kfree(names);
	blite_context_destroy_all();
err_deregister_control:
	misc_deregister(&blite_control_dev);
	return ret;
}

/**
 * blite_context_exit() - remove every context and the control device
 *
 * No file of any context is open: each holds a module reference.
 */
void blite_context_exit(void)
{
	blite_context_destroy_all();
	misc_deregister(&blite_control_dev);
}
