// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite_fault: a deliberately faulty module for the test bench.
 *
 * On load it commits the faults named by the "faults" parameter:
 *
 *   oob      an out-of-bounds read of a slab object (KASAN)
 *   warn     a WARN_ON()
 *   lockdep  two locks taken in both orders (lockdep)
 *   leak     an object allocated and forgotten (kmemleak)
 *
 * The bench loads it and must then report failure, quoting the kernel's
 * report for each. It never ships: only the bench builds it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *faults = "oob,warn,lockdep,leak";
module_param(faults, charp, 0444);
MODULE_PARM_DESC(faults,
		 "Comma-separated faults to commit on load: oob, warn, lockdep, leak");

static DEFINE_MUTEX(blite_fault_a);
static DEFINE_MUTEX(blite_fault_b);

/* The only pointer to the object leaked on purpose, until overwritten. */
static void *blite_fault_leaked;

static noinline void blite_fault_oob(void)
{
	size_t size = 13;
	char *buf;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return;
	/* Hide the index from the compiler so the access really happens. */
	OPTIMIZER_HIDE_VAR(size);
	pr_info("reading one byte past a %zu-byte object: %d\n",
		size, READ_ONCE(buf[size + 3]));
	kfree(buf);
}

/* A before B, then B before A: an ABBA deadlock waiting to happen. */
static noinline void blite_fault_lock_inversion(void)
{
	mutex_lock(&blite_fault_a);
	mutex_lock(&blite_fault_b);
	mutex_unlock(&blite_fault_b);
	mutex_unlock(&blite_fault_a);

	mutex_lock(&blite_fault_b);
	mutex_lock(&blite_fault_a);
	mutex_unlock(&blite_fault_a);
	mutex_unlock(&blite_fault_b);
}

static noinline void blite_fault_leak(void)
{
	blite_fault_leaked = kmalloc(64, GFP_KERNEL);
	/* Forget it: the only pointer is overwritten. */
	WRITE_ONCE(blite_fault_leaked, NULL);
}

static int __init blite_fault_init(void)
{
	/*
	 * Lockdep first: a KASAN report taints the kernel in a way that
	 * switches lockdep off for good.
	 */
	if (strstr(faults, "lockdep"))
		blite_fault_lock_inversion();
	if (strstr(faults, "leak"))
		blite_fault_leak();
	if (strstr(faults, "warn"))
		WARN_ON(1);
	if (strstr(faults, "oob"))
		blite_fault_oob();
	return 0;
}

static void __exit blite_fault_exit(void)
{
}

module_init(blite_fault_init);
module_exit(blite_fault_exit);

MODULE_DESCRIPTION("binderlite test bench: deliberate kernel faults (never ship)");
MODULE_LICENSE("GPL");
