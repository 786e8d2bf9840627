// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite_fault: a deliberately faulty module for the test bench.
 *
 * On load it performs the faults named by the "faults" parameter: an
 * out-of-bounds read of a slab object (reported by KASAN), a WARN_ON(),
 * or both. The bench loads it and must then report failure, quoting the
 * kernel's report. It never ships: only the bench builds it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *faults = "oob,warn";
module_param(faults, charp, 0444);
MODULE_PARM_DESC(faults, "Comma-separated faults to commit on load: oob, warn");

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

static int __init blite_fault_init(void)
{
	if (strstr(faults, "oob"))
		blite_fault_oob();
	if (strstr(faults, "warn"))
		WARN_ON(1);
	return 0;
}

static void __exit blite_fault_exit(void)
{
}

module_init(blite_fault_init);
module_exit(blite_fault_exit);

MODULE_DESCRIPTION("binderlite test bench: deliberate kernel faults (never ship)");
MODULE_LICENSE("GPL");
