// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite_bench: numbers behind Documentation/pool.rst.
 *
 * On load, in the context of the process that loads it, it measures
 *
 * - the allocator: one free plus one allocation with N buffers live;
 * - the copy of a payload from user memory into pool pages, three ways:
 *   page by page through kmap_local_page() (what binderlite does), into a
 *   contiguous vmalloc() area (what a contiguous kernel view of the pool
 *   would give), and that plus the vmap()/vunmap() a view built per buffer
 *   would cost; with an in-kernel memcpy() of the same size as reference.
 *
 * Every figure is printed as one "binderlite_bench: key=value ..." line.
 * The module holds nothing afterwards; the bench unloads it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../../../driver/binderlite_alloc.c"

static int blite_bench_alloc(void)
{
	static const unsigned int live_counts[] = { 10, 100, 1000, 10000 };
	const unsigned int rounds = 200000;
	struct blite_buffer **live;
	struct blite_alloc *alloc;
	struct rnd_state rnd;
	unsigned int c, i;
	int ret = 0;

	alloc = kzalloc(sizeof(*alloc), GFP_KERNEL);
	live = kcalloc(10000, sizeof(*live), GFP_KERNEL);
	if (!alloc || !live) {
		ret = -ENOMEM;
		goto out_free;
	}
	prandom_seed_state(&rnd, 1);

	for (c = 0; c < ARRAY_SIZE(live_counts) && !ret; c++) {
		unsigned int n = live_counts[c];
		u64 start, ns;

		blite_alloc_early_init(alloc);
		ret = blite_alloc_init(alloc, SZ_8M, NULL, NULL);
		if (ret)
			break;
		for (i = 0; i < n && !ret; i++) {
			size_t size = prandom_u32_state(&rnd) % 256;

			live[i] = blite_alloc_new_buf(alloc, size, 0, 0, false);
			if (IS_ERR(live[i]))
				ret = PTR_ERR(live[i]);
		}
		start = ktime_get_ns();
		for (i = 0; i < rounds && !ret; i++) {
			unsigned int victim = prandom_u32_state(&rnd) % n;
			size_t size = prandom_u32_state(&rnd) % 256;

			blite_alloc_free_buf(alloc, live[victim]);
			live[victim] = blite_alloc_new_buf(alloc, size, 0, 0, false);
			if (IS_ERR(live[victim]))
				ret = PTR_ERR(live[victim]);
		}
		ns = ktime_get_ns() - start;
		if (!ret)
			pr_info("alloc live=%u ns=%llu blocks=%u\n", n, div_u64(ns, rounds),
				alloc->nr_used + alloc->nr_free);
		blite_alloc_destroy(alloc);
	}
out_free:
	kfree(live);
	kfree(alloc);
	return ret;
}

/* Median of @n samples; sorts them. */
static u64 blite_bench_median(u64 *v, int n)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--)
			swap(v[j - 1], v[j]);
	return v[n / 2];
}

#define COPY_RUNS	15

static int blite_bench_copy_one(size_t size, const void __user *src, struct page **pages,
				void *contig, void *ksrc)
{
	unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE), i;
	u64 t[4][COPY_RUNS], start;
	int run, ret = 0;

	for (run = 0; run < COPY_RUNS && !ret; run++) {
		size_t left, chunk;
		void *kaddr, *view;

		/* Page by page, through each page's kernel address. */
		start = ktime_get_ns();
		for (i = 0, left = size; i < nr; i++, left -= chunk) {
			chunk = min_t(size_t, left, PAGE_SIZE);
			kaddr = kmap_local_page(pages[i]);
			if (copy_from_user(kaddr, src + i * PAGE_SIZE, chunk))
				ret = -EFAULT;
			kunmap_local(kaddr);
		}
		t[0][run] = ktime_get_ns() - start;

		/* Into a contiguous kernel area. */
		start = ktime_get_ns();
		if (copy_from_user(contig, src, size))
			ret = -EFAULT;
		t[1][run] = ktime_get_ns() - start;

		/* A contiguous view built and torn down for this buffer. */
		start = ktime_get_ns();
		view = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
		if (!view) {
			ret = -ENOMEM;
			break;
		}
		if (copy_from_user(view, src, size))
			ret = -EFAULT;
		vunmap(view);
		t[2][run] = ktime_get_ns() - start;

		/* Reference: a kernel memcpy() of the same size. */
		start = ktime_get_ns();
		memcpy(contig, ksrc, size);
		t[3][run] = ktime_get_ns() - start;
	}
	if (ret)
		return ret;
	pr_info("copy size=%zu per_page_ns=%llu contiguous_ns=%llu vmap_per_buffer_ns=%llu memcpy_ns=%llu\n",
		size, blite_bench_median(t[0], COPY_RUNS),
		blite_bench_median(t[1], COPY_RUNS),
		blite_bench_median(t[2], COPY_RUNS),
		blite_bench_median(t[3], COPY_RUNS));
	return 0;
}

static int blite_bench_copy(void)
{
	static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_512K, SZ_1M };
	const size_t max = SZ_1M;
	unsigned int nr = max / PAGE_SIZE, i;
	struct page **pages;
	void *contig, *ksrc;
	unsigned long uaddr;
	int ret = -ENOMEM;

	pages = kcalloc(nr, sizeof(*pages), GFP_KERNEL);
	contig = vmalloc(max);
	ksrc = vmalloc(max);
	if (!pages || !contig || !ksrc)
		goto out_free;
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i])
			goto out_free;
	}
	memset(ksrc, 0x5a, max);

	/* The sender's payload, in the loading process's memory. */
	uaddr = vm_mmap(NULL, 0, max, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(uaddr)) {
		ret = (int)uaddr;
		goto out_free;
	}
	ret = copy_to_user((void __user *)uaddr, ksrc, max) ? -EFAULT : 0;
	for (i = 0; i < ARRAY_SIZE(sizes) && !ret; i++)
		ret = blite_bench_copy_one(sizes[i], (const void __user *)uaddr,
					   pages, contig, ksrc);
	vm_munmap(uaddr, max);

out_free:
	for (i = 0; pages && i < nr; i++)
		if (pages[i])
			__free_page(pages[i]);
	vfree(ksrc);
	vfree(contig);
	kfree(pages);
	return ret;
}

static int __init blite_bench_init(void)
{
	int ret;

	ret = blite_bench_alloc();
	if (!ret)
		ret = blite_bench_copy();
	if (ret) {
		pr_err("benchmark failed: %d\n", ret);
		return ret;
	}
	pr_info("done\n");
	return 0;
}

static void __exit blite_bench_exit(void)
{
}

module_init(blite_bench_init);
module_exit(blite_bench_exit);

MODULE_DESCRIPTION("binderlite pool benchmarks (never ships)");
MODULE_LICENSE("GPL");
