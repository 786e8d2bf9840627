// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the binderlite page layer, with a real address space.
 *
 * Each test maps a pool through an anonymous-inode file whose mmap() is the
 * driver's, into the mm KUnit gives the test thread (kunit_vm_mmap()), and
 * then reads the pool the way its owner would: through user addresses.
 *
 * The pool is freed by the file's release, whenever the last reference
 * goes: the test's own, or the mapping's if an assertion ended the test
 * before it unmapped.
 */

#include "../../driver/binderlite_pool.c"

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#define POOL_PAGES	16
#define POOL_SIZE	(POOL_PAGES * PAGE_SIZE)
#define POOL_CAP	SZ_4M

static int test_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	return blite_pool_mmap(file->private_data, vma, POOL_CAP);
}

static int test_file_release(struct inode *inode, struct file *file)
{
	struct blite_pool *pool = file->private_data;

	blite_pool_release(pool);
	kfree(pool);
	return 0;
}

static const struct file_operations test_file_fops = {
	.owner = THIS_MODULE,
	.mmap = test_file_mmap,
	.release = test_file_release,
};

/**
 * struct pool_fixture - one test's pool
 * @pool:  the pool, owned by @file
 * @file:  the file whose mmap() creates the pool
 * @uaddr: where the pool is mapped, 0 if it is not
 * @len:   length of the mapping
 */
struct pool_fixture {
	struct blite_pool *pool;
	struct file *file;
	unsigned long uaddr;
	size_t len;
};

static void pool_fixture_put(void *data)
{
	struct pool_fixture *fx = data;

	fput(fx->file);
	/* Cleanup runs in a kernel thread: its fput()s are deferred. */
	flush_delayed_fput();
}

static struct pool_fixture *pool_fixture_create(struct kunit *test)
{
	struct pool_fixture *fx;
	struct blite_pool *pool;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	blite_pool_init(pool);
	fx->file = anon_inode_getfile("[binderlite-kunit]", &test_file_fops, pool, O_RDWR);
	if (IS_ERR(fx->file)) {
		kfree(pool);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fx->file);
	}
	fx->pool = pool;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, pool_fixture_put, fx));
	return fx;
}

static void pool_fixture_map(struct kunit *test, struct pool_fixture *fx, size_t len)
{
	fx->uaddr = kunit_vm_mmap(test, fx->file, 0, len, PROT_READ, MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(fx->uaddr) || !fx->uaddr,
			       "mmap: %ld", (long)fx->uaddr);
	fx->len = len;
}

static void pool_fixture_unmap(struct kunit *test, struct pool_fixture *fx)
{
	KUNIT_EXPECT_EQ(test, 0, vm_munmap(fx->uaddr, fx->len));
	fx->uaddr = 0;
}

/* Reads one byte of the pool as its owner would; false if that faults. */
static bool pool_readable(struct pool_fixture *fx, size_t offset, u8 *val)
{
	return !copy_from_user(val, (const void __user *)(fx->uaddr + offset), 1);
}

static unsigned long user_buffer(struct kunit *test, size_t len, u8 seed)
{
	unsigned long uaddr;
	u8 *pattern;
	size_t i;

	uaddr = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(uaddr) || !uaddr);
	pattern = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pattern);
	for (i = 0; i < len; i++)
		pattern[i] = (u8)(i * 7 + seed);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)uaddr, pattern, len));
	return uaddr;
}

static void pool_test_mmap_rules(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	struct vm_area_struct *vma;
	unsigned long addr;
	vm_flags_t flags = 0;

	addr = kunit_vm_mmap(test, fx->file, 0, POOL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, -EPERM);
	addr = kunit_vm_mmap(test, fx->file, 0, POOL_SIZE, PROT_READ, MAP_SHARED, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, (long)addr, -EINVAL);

	pool_fixture_map(test, fx, POOL_SIZE);
	addr = kunit_vm_mmap(test, fx->file, 0, POOL_SIZE, PROT_READ, MAP_SHARED, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, -EBUSY);

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, fx->uaddr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_TRUE(test, flags & VM_DONTCOPY);
	KUNIT_EXPECT_TRUE(test, flags & VM_DONTEXPAND);
	KUNIT_EXPECT_TRUE(test, flags & VM_IO);
	KUNIT_EXPECT_FALSE(test, flags & VM_MAYWRITE);
	KUNIT_EXPECT_FALSE(test, flags & VM_WRITE);

	/* Splitting the mapping is refused; it stays whole. */
	KUNIT_EXPECT_EQ(test, -EINVAL, vm_munmap(fx->uaddr + PAGE_SIZE, PAGE_SIZE));
	pool_fixture_unmap(test, fx);
}

static void pool_test_populate_and_copy(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	size_t size = 3 * PAGE_SIZE - 100;
	struct blite_pool_stats st;
	struct blite_buffer *buf;
	unsigned long src;
	u8 *back, *expect, val;
	size_t i;

	pool_fixture_map(test, fx, POOL_SIZE);
	src = user_buffer(test, size, 3);

	/* Nothing is resident yet: every page of the pool faults. */
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, 0);
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, 0, &val));

	/* A buffer that starts mid-page and covers parts of four pages. */
	buf = blite_pool_alloc_buf(fx->pool, PAGE_SIZE - 64, 0, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf->start, 0);
	buf = blite_pool_alloc_buf(fx->pool, size, 8, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf->start, PAGE_SIZE - 64);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, 4);
	KUNIT_EXPECT_EQ(test, st.alloc.pages_used, 4);

	/* One copy from user memory, read back through the owner's mapping. */
	KUNIT_ASSERT_EQ(test, 0, blite_pool_copy_from_user(fx->pool, buf, 0,
							   (const void __user *)src, size));
	back = kunit_kmalloc(test, size, GFP_KERNEL);
	expect = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, back);
	KUNIT_ASSERT_NOT_NULL(test, expect);
	for (i = 0; i < size; i++)
		expect[i] = (u8)(i * 7 + 3);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(back, (const void __user *)
						(blite_pool_user_addr(fx->pool, buf)), size));
	KUNIT_EXPECT_EQ(test, 0, memcmp(back, expect, size));

	/* Pages no buffer reached are still not there. */
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, 4 * PAGE_SIZE, &val));
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, POOL_SIZE - 1, &val));

	/* Copies are bounded by the buffer, and a bad source fails cleanly. */
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_pool_copy_from_user(fx->pool, buf, 8,
								 (const void __user *)src,
								 buf->size));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_pool_copy_from_user(fx->pool, buf, SIZE_MAX,
								 (const void __user *)src, 1));
	KUNIT_EXPECT_EQ(test, -EFAULT, blite_pool_copy_from_user(fx->pool, buf, 0,
								 (const void __user *)8, 16));
	pool_fixture_unmap(test, fx);
}

static unsigned long pool_lru_count(void)
{
	struct blite_pool_totals totals;

	blite_pool_get_totals(&totals);
	return totals.pages_lru;
}

static void pool_test_reclaim(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = 0 };
	struct blite_pool_stats st;
	struct blite_buffer *buf;
	unsigned long src, before;
	u8 val;

	pool_fixture_map(test, fx, POOL_SIZE);
	src = user_buffer(test, 2 * PAGE_SIZE, 9);
	before = pool_lru_count();

	buf = blite_pool_alloc_buf(fx->pool, 2 * PAGE_SIZE, 0, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, 0, blite_pool_copy_from_user(fx->pool, buf, 0,
							   (const void __user *)src,
							   2 * PAGE_SIZE));
	/* Fault the pages into the owner's mapping. */
	KUNIT_ASSERT_TRUE(test, pool_readable(fx, 0, &val));
	KUNIT_EXPECT_EQ(test, val, 9);
	KUNIT_ASSERT_TRUE(test, pool_readable(fx, PAGE_SIZE, &val));
	/* In use: nothing to reclaim. */
	KUNIT_EXPECT_EQ(test, pool_lru_count(), before);

	/* Freed: the pages stay resident and mapped, parked for reclaim. */
	blite_pool_free_buf(fx->pool, buf);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, 2);
	KUNIT_EXPECT_EQ(test, st.alloc.pages_used, 0);
	KUNIT_EXPECT_EQ(test, pool_lru_count(), before + 2);
	KUNIT_EXPECT_TRUE(test, pool_readable(fx, 0, &val));

	/* The shrinker sees them and gives them back. */
	sc.nr_to_scan = blite_shrink_count(NULL, &sc);
	KUNIT_EXPECT_GE(test, sc.nr_to_scan, 2);
	KUNIT_EXPECT_GE(test, blite_shrink_scan(NULL, &sc), 2);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, 0);
	KUNIT_EXPECT_EQ(test, st.pages_high, 2);
	KUNIT_EXPECT_EQ(test, pool_lru_count(), before);
	/* The user PTEs went with them. */
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, 0, &val));
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, PAGE_SIZE, &val));

	/* Populated again: fresh zeroed pages, not the old ones. */
	buf = blite_pool_alloc_buf(fx->pool, 16, 0, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_TRUE(test, pool_readable(fx, 0, &val));
	KUNIT_EXPECT_EQ(test, val, 0);
	blite_pool_free_buf(fx->pool, buf);
	pool_fixture_unmap(test, fx);
}

static void pool_test_unmapped(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	struct blite_buffer *buf, *late;

	/* No pool before mmap. */
	late = blite_pool_alloc_buf(fx->pool, 16, 0, 0, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR(late), -ESRCH);

	pool_fixture_map(test, fx, POOL_SIZE);
	buf = blite_pool_alloc_buf(fx->pool, 100, 0, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	blite_alloc_mark_delivered(&fx->pool->alloc, buf);
	pool_fixture_unmap(test, fx);

	/* After munmap nothing new arrives, but buffers can still be freed. */
	late = blite_pool_alloc_buf(fx->pool, 16, 0, 0, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR(late), -ESRCH);
	KUNIT_EXPECT_PTR_EQ(test, blite_pool_claim_user_buf(fx->pool, fx->pool->user_base), buf);
	blite_pool_free_buf(fx->pool, buf);
	KUNIT_EXPECT_NULL(test, blite_pool_claim_user_buf(fx->pool, fx->pool->user_base));
}

static void pool_test_size_cap(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	struct blite_pool_stats st;
	struct blite_buffer *buf;
	u8 val;

	pool_fixture_map(test, fx, POOL_CAP + POOL_SIZE);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.alloc.size, POOL_CAP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_pool_alloc_buf(fx->pool, POOL_CAP + 1, 0, 0, false)),
			-ENOSPC);
	buf = blite_pool_alloc_buf(fx->pool, POOL_CAP - 8, 0, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_TRUE(test, pool_readable(fx, POOL_CAP - 1, &val));
	/* The tail past the cap never gets a page. */
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, POOL_CAP, &val));
	KUNIT_EXPECT_FALSE(test, pool_readable(fx, POOL_CAP + POOL_SIZE - 1, &val));
	blite_pool_free_buf(fx->pool, buf);
	pool_fixture_unmap(test, fx);
}

/*
 * Not a pass/fail test of speed: reports how many pages a pool holds idle,
 * during a burst of traffic and after it, and checks that they all come
 * back. The figures go to Documentation/pool.rst.
 */
#define BURST_BUFS	200

static void pool_test_resident_after_burst(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	struct blite_buffer **bufs;
	struct blite_pool_stats st;
	struct rnd_state rnd;
	size_t bytes = 0;
	unsigned long idle, peak;
	int i;

	bufs = kunit_kcalloc(test, BURST_BUFS, sizeof(*bufs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bufs);
	prandom_seed_state(&rnd, 42);
	pool_fixture_map(test, fx, POOL_CAP);
	blite_pool_get_stats(fx->pool, &st);
	idle = st.pages_resident;
	KUNIT_EXPECT_EQ(test, idle, 0);

	for (i = 0; i < BURST_BUFS; i++) {
		size_t size = prandom_u32_state(&rnd) % (2 * PAGE_SIZE);

		bufs[i] = blite_pool_alloc_buf(fx->pool, size, 0, 0, false);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bufs[i]);
		bytes += bufs[i]->size;
	}
	blite_pool_get_stats(fx->pool, &st);
	peak = st.pages_resident;
	KUNIT_EXPECT_EQ(test, peak, DIV_ROUND_UP(bytes, PAGE_SIZE));
	for (i = 0; i < BURST_BUFS; i++)
		blite_pool_free_buf(fx->pool, bufs[i]);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, peak);
	KUNIT_EXPECT_EQ(test, st.pages_high, peak);
	kunit_info(test, "resident pages: idle %lu; burst of %d buffers (%zu KiB): %lu; after the burst: %lu\n",
		   idle, BURST_BUFS, bytes / 1024, peak, st.pages_resident);

	blite_pool_reclaim(ULONG_MAX);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, 0);
	kunit_info(test, "resident pages after reclaim: %lu of %lu\n",
		   st.pages_resident, POOL_CAP / PAGE_SIZE);
	pool_fixture_unmap(test, fx);
}

/*
 * Everything at once: a sender thread allocates, populates, copies into and
 * frees buffers; a reclaimer walks the LRU as the shrinker would; the owner
 * reads the pool through its mapping (faulting pages in, or getting SIGBUS
 * where nothing is). Lockdep, KASAN and the pool's own accounting judge
 * the outcome.
 */
struct stress_ctx {
	struct blite_pool *pool;
	struct mm_struct *mm;
	unsigned long src;
	atomic_long_t copies;
	atomic_long_t reclaimed;
	atomic_t errors;
};

#define STRESS_HELD	8

static int stress_sender(void *data)
{
	struct blite_buffer *held[STRESS_HELD] = { NULL };
	struct stress_ctx *ctx = data;
	struct rnd_state rnd;
	unsigned int slot = 0, i;

	prandom_seed_state(&rnd, 7);
	kthread_use_mm(ctx->mm);
	while (!kthread_should_stop()) {
		size_t size = prandom_u32_state(&rnd) % (3 * PAGE_SIZE);
		struct blite_buffer *buf;

		if (held[slot]) {
			blite_pool_free_buf(ctx->pool, held[slot]);
			held[slot] = NULL;
		}
		buf = blite_pool_alloc_buf(ctx->pool, size, 0, 0, false);
		if (IS_ERR(buf)) {
			if (PTR_ERR(buf) != -ENOSPC)
				atomic_inc(&ctx->errors);
			continue;
		}
		if (blite_pool_copy_from_user(ctx->pool, buf, 0,
					      (const void __user *)ctx->src, size))
			atomic_inc(&ctx->errors);
		atomic_long_inc(&ctx->copies);
		held[slot] = buf;
		slot = (slot + 1) % STRESS_HELD;
		cond_resched();
	}
	for (i = 0; i < STRESS_HELD; i++)
		if (held[i])
			blite_pool_free_buf(ctx->pool, held[i]);
	kthread_unuse_mm(ctx->mm);
	return 0;
}

static int stress_reclaimer(void *data)
{
	struct stress_ctx *ctx = data;

	while (!kthread_should_stop()) {
		atomic_long_add(blite_pool_reclaim(4), &ctx->reclaimed);
		cond_resched();
	}
	return 0;
}

static void pool_test_concurrent(struct kunit *test)
{
	struct pool_fixture *fx = pool_fixture_create(test);
	struct task_struct *sender, *reclaimer;
	struct stress_ctx *ctx;
	struct blite_pool_stats st;
	unsigned long reads = 0, faults = 0, deadline;
	u8 val;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	pool_fixture_map(test, fx, 8 * PAGE_SIZE);
	ctx->pool = fx->pool;
	ctx->src = user_buffer(test, 3 * PAGE_SIZE, 1);
	ctx->mm = current->mm;
	mmget(ctx->mm);

	sender = kthread_run(stress_sender, ctx, "blite-sender");
	reclaimer = kthread_run(stress_reclaimer, ctx, "blite-reclaim");
	if (IS_ERR(sender) || IS_ERR(reclaimer)) {
		if (!IS_ERR(sender))
			kthread_stop(sender);
		if (!IS_ERR(reclaimer))
			kthread_stop(reclaimer);
		mmput(ctx->mm);
		KUNIT_FAIL_AND_ABORT(test, "cannot start the stress threads");
	}

	deadline = jiffies + 2 * HZ;
	while (time_before(jiffies, deadline)) {
		if (pool_readable(fx, (reads * 1237) % (8 * PAGE_SIZE), &val))
			reads++;
		else
			faults++;
		cond_resched();
	}
	kthread_stop(sender);
	kthread_stop(reclaimer);
	mmput(ctx->mm);

	kunit_info(test, "%ld copies, %ld pages reclaimed, %lu reads, %lu SIGBUS\n",
		   atomic_long_read(&ctx->copies), atomic_long_read(&ctx->reclaimed),
		   reads, faults);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->errors), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&ctx->copies), 0);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.alloc.nr_used, 0);
	KUNIT_EXPECT_EQ(test, st.alloc.pages_used, 0);
	KUNIT_EXPECT_EQ(test, st.alloc.largest_free, 8 * PAGE_SIZE);
	blite_pool_reclaim(ULONG_MAX);
	blite_pool_get_stats(fx->pool, &st);
	KUNIT_EXPECT_EQ(test, st.pages_resident, 0);
	pool_fixture_unmap(test, fx);
}

static int pool_suite_init(struct kunit_suite *suite)
{
	return blite_pool_global_init();
}

static void pool_suite_exit(struct kunit_suite *suite)
{
	flush_delayed_fput();
	blite_pool_global_exit();
}

static struct kunit_case blite_pool_cases[] = {
	KUNIT_CASE(pool_test_mmap_rules),
	KUNIT_CASE(pool_test_populate_and_copy),
	KUNIT_CASE(pool_test_reclaim),
	KUNIT_CASE(pool_test_unmapped),
	KUNIT_CASE(pool_test_size_cap),
	KUNIT_CASE(pool_test_resident_after_burst),
	KUNIT_CASE_SLOW(pool_test_concurrent),
	{}
};

static struct kunit_suite blite_pool_suite = {
	.name = "binderlite_pool",
	.suite_init = pool_suite_init,
	.suite_exit = pool_suite_exit,
	.test_cases = blite_pool_cases,
};

kunit_test_suite(blite_pool_suite);
