// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite receive pool: the page layer under the allocator.
 *
 * A process mmap()s /dev/binderlite read-only and so gives the driver a
 * receive pool in its address space. The allocator (binderlite_alloc.c)
 * carves buffers out of it; this file backs them with pages:
 *
 * - A page is allocated when a buffer first covers it (populate) and is
 *   written by the kernel through its own kernel address (kmap_local_page(),
 *   the direct map on 64-bit), one page at a time. The sender's payload is
 *   copied straight from its user memory into those pages: one copy, no
 *   bounce buffer. The whole pool is never mapped contiguously in the
 *   kernel, because the interfaces needed to unmap single pages of a kernel
 *   mapping are not exported to modules.
 * - The receiver's mapping gets the page on its first access, from the fault
 *   handler; a page the driver has not populated gets SIGBUS.
 * - A page that no in-use buffer covers any more stays resident and mapped,
 *   parked on a global list_lru, until the shrinker reclaims it under memory
 *   pressure: it zaps the user PTE and frees the page. Freeing a buffer and
 *   allocating the next one thus costs no page churn.
 *
 * Locks: this file's are the memory chain of the lock table in
 * binderlite.h. The shrinker starts with the innermost of them, the
 * list_lru lock, held, so it only trylocks the others; see
 * blite_pool_isolate().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/highmem.h>
#include <linux/list_lru.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/uaccess.h>

#include "binderlite_compat.h"
#include "binderlite_pool.h"
#include "binderlite_trace.h"

/* Resident pages that no in-use buffer covers, oldest first. */
static struct list_lru blite_lru;
static struct shrinker *blite_shrinker;
static atomic_long_t blite_pages_resident = ATOMIC_LONG_INIT(0);
static atomic_long_t blite_pages_reclaimed = ATOMIC_LONG_INIT(0);

static void blite_pool_page_used_alocked(void *ctx, unsigned long index)
{
	struct blite_pool *pool = ctx;

	lockdep_assert_held(&pool->alloc.lock);
	list_lru_del_obj(&blite_lru, &pool->pages[index].lru);
}

static void blite_pool_page_unused_alocked(void *ctx, unsigned long index)
{
	struct blite_pool *pool = ctx;

	lockdep_assert_held(&pool->alloc.lock);
	if (pool->pages[index].page)
		list_lru_add_obj(&blite_lru, &pool->pages[index].lru);
}

static const struct blite_alloc_ops blite_pool_alloc_ops = {
	.page_used = blite_pool_page_used_alocked,
	.page_unused = blite_pool_page_unused_alocked,
};

static vm_fault_t blite_vm_fault(struct vm_fault *vmf)
{
	struct blite_pool *pool = vmf->vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	struct page *page;
	int err;

	mutex_lock(&pool->mutex);
	if (pool->pages && vmf->pgoff < pool->alloc.nr_pages) {
		page = pool->pages[vmf->pgoff].page;
		if (page) {
			err = vm_insert_page(vmf->vma, vmf->address & PAGE_MASK, page);
			/* -EBUSY: another thread mapped it first. */
			ret = err && err != -EBUSY ? vmf_error(err) : VM_FAULT_NOPAGE;
		}
	}
	mutex_unlock(&pool->mutex);
	return ret;
}

static void blite_vm_close(struct vm_area_struct *vma)
{
	struct blite_pool *pool = vma->vm_private_data;

	mutex_lock(&pool->mutex);
	pool->vma = NULL;
	mutex_unlock(&pool->mutex);
}

/* A pool is one mapping at one address for its whole life. */
static int blite_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int blite_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct blite_vm_ops = {
	.close = blite_vm_close,
	.fault = blite_vm_fault,
	.may_split = blite_vm_may_split,
	.mremap = blite_vm_mremap,
};

/* The pool's mapping in @mm, if it still exists. Needs mmap_lock. */
static struct vm_area_struct *blite_pool_vma(struct blite_pool *pool,
					     struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	vma = vma_lookup(mm, pool->user_base);
	if (vma && vma->vm_ops == &blite_vm_ops && vma->vm_private_data == pool)
		return vma;
	return NULL;
}

/*
 * list_lru walker: reclaims one page that no buffer covers. Called with the
 * list_lru lock held, so every other lock is only trylocked. The user PTE
 * must be gone before the page index can be populated again, or the
 * receiver could go on seeing the old page: so while the mapping exists,
 * the pool's mutex (which populating and faulting take) is held until the
 * zap is done. The pool cannot go away meanwhile: its mapping holds its
 * file, and the mmap_lock held here keeps the mapping. Without a mapping
 * there is no PTE to zap, and the pool is not touched after its lock is
 * dropped.
 */
static enum lru_status blite_pool_isolate(struct list_head *item,
					  struct list_lru_one *lru,
					  spinlock_t *lru_lock, void *cb_arg)
	__must_hold(lru_lock)
{
	struct blite_pool_page *pp = container_of(item, struct blite_pool_page, lru);
	struct blite_pool *pool = pp->pool;
	struct vm_area_struct *vma = NULL;
	struct mm_struct *mm = pool->mm;
	unsigned long index = pp - pool->pages;
	struct page *page;

	if (!mmget_not_zero(mm))
		mm = NULL;
	if (mm && !mmap_read_trylock(mm))
		goto err_mmput;
	if (mm)
		vma = blite_pool_vma(pool, mm);
	if (vma && !mutex_trylock(&pool->mutex))
		goto err_mmap_unlock;
	if (!spin_trylock(&pool->alloc.lock))
		goto err_mutex_unlock;

	list_lru_isolate(lru, item);
	page = pp->page;
	pp->page = NULL;
	pool->pages_resident--;
	/* Here: without a mapping, @pool may go once its lock is dropped. */
	trace_binderlite_page_reclaimed(pool, index, vma);
	spin_unlock(&pool->alloc.lock);
	spin_unlock(lru_lock);

	if (vma) {
		blite_zap_range(vma, pool->user_base + (index << PAGE_SHIFT), PAGE_SIZE);
		mutex_unlock(&pool->mutex);
	}
	if (mm) {
		mmap_read_unlock(mm);
		mmput_async(mm);
	}
	__free_page(page);
	atomic_long_dec(&blite_pages_resident);
	atomic_long_inc(&blite_pages_reclaimed);

	spin_lock(lru_lock);
	return LRU_REMOVED_RETRY;

err_mutex_unlock:
	if (vma)
		mutex_unlock(&pool->mutex);
err_mmap_unlock:
	if (mm)
		mmap_read_unlock(mm);
err_mmput:
	if (mm)
		mmput_async(mm);
	return LRU_SKIP;
}

static unsigned long blite_shrink_count(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	return list_lru_shrink_count(&blite_lru, sc);
}

static unsigned long blite_shrink_scan(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	return list_lru_shrink_walk(&blite_lru, sc, blite_pool_isolate, NULL);
}

/**
 * blite_pool_reclaim() - reclaim pages no buffer covers, as the shrinker would
 * @nr_to_scan: how many parked pages to look at
 *
 * Return: the number of pages freed.
 */
unsigned long blite_pool_reclaim(unsigned long nr_to_scan)
{
	return list_lru_walk(&blite_lru, blite_pool_isolate, NULL, nr_to_scan);
}

/**
 * blite_pool_get_totals() - the state of every pool together
 * @totals: the result
 */
void blite_pool_get_totals(struct blite_pool_totals *totals)
{
	totals->pages_resident = atomic_long_read(&blite_pages_resident);
	totals->pages_lru = list_lru_count(&blite_lru);
	totals->pages_reclaimed = atomic_long_read(&blite_pages_reclaimed);
}

/**
 * blite_pool_global_init() - set up the reclaim machinery of all pools
 *
 * Return: 0 or a negative errno.
 */
int blite_pool_global_init(void)
{
	int ret;

	ret = list_lru_init(&blite_lru);
	if (ret)
		return ret;
	blite_shrinker = blite_shrinker_create(blite_shrink_count,
					       blite_shrink_scan, "binderlite");
	if (!blite_shrinker)
		goto err_destroy_lru;
	return 0;

err_destroy_lru:
	list_lru_destroy(&blite_lru);
	return -ENOMEM;
}

/**
 * blite_pool_global_exit() - tear down what blite_pool_global_init() set up
 *
 * Every pool must have been released.
 */
void blite_pool_global_exit(void)
{
	blite_shrinker_destroy(blite_shrinker);
	WARN_ON(list_lru_count(&blite_lru));
	list_lru_destroy(&blite_lru);
}

/**
 * blite_pool_init() - initialize an unmapped pool
 * @pool: the pool, of the current process
 */
void blite_pool_init(struct blite_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->pid = task_tgid_nr(current);
	mutex_init(&pool->mutex);
	blite_alloc_early_init(&pool->alloc);
}

/**
 * blite_pool_set_buffer_size() - let a structure of the user hold each buffer
 * @pool:        the pool, initialized and not mapped yet
 * @buffer_size: see blite_alloc_set_buffer_size()
 */
void blite_pool_set_buffer_size(struct blite_pool *pool, size_t buffer_size)
{
	blite_alloc_set_buffer_size(&pool->alloc, buffer_size);
}

/**
 * blite_pool_mmap() - turn a new read-only mapping into the pool
 * @pool:     the pool
 * @vma:      the mapping; its mmap_lock is held for writing
 * @max_size: the pool size cap; a larger mapping is used up to the cap and
 *            its tail gets SIGBUS, as with binder
 *
 * The mapping may never become writable, is not inherited across fork (and
 * madvise(MADV_DOFORK) cannot change that), and can be neither split, moved
 * nor grown.
 *
 * Return: 0, -EPERM for a writable mapping, -EINVAL for a non-zero offset
 * or a mapping smaller than a page, -EBUSY if the pool is mapped already,
 * -ENOMEM.
 */
int blite_pool_mmap(struct blite_pool *pool, struct vm_area_struct *vma,
		    size_t max_size)
{
	size_t size;
	int ret;

	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	if (vma->vm_pgoff)
		return -EINVAL;
	size = min_t(size_t, vma->vm_end - vma->vm_start, max_size) & PAGE_MASK;
	if (!size)
		return -EINVAL;

	mutex_lock(&pool->mutex);
	if (pool->mapped) {
		ret = -EBUSY;
		goto err_unlock;
	}
	ret = blite_alloc_init(&pool->alloc, size, &blite_pool_alloc_ops, pool);
	if (ret)
		goto err_unlock;
	pool->user_base = vma->vm_start;
	pool->vma = vma;
	pool->mm = vma->vm_mm;
	mmgrab(pool->mm);
	/* Publishes user_base to blite_pool_claim_user_buf(). */
	smp_store_release(&pool->mapped, true);

	/*
	 * VM_IO as well as VM_DONTCOPY: madvise(MADV_DOFORK) refuses to
	 * clear VM_DONTCOPY on VM_IO mappings, so no child can ever share
	 * the pool's pages, and nothing can pin them with GUP.
	 */
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP | VM_IO);
	vm_flags_clear(vma, VM_MAYWRITE);
	vma->vm_ops = &blite_vm_ops;
	vma->vm_private_data = pool;
	mutex_unlock(&pool->mutex);
	return 0;

err_unlock:
	mutex_unlock(&pool->mutex);
	return ret;
}

/**
 * blite_pool_release() - free everything a pool holds
 * @pool: the pool; its mapping is gone and nobody else uses it
 */
void blite_pool_release(struct blite_pool *pool)
{
	struct blite_pool_page *pp;
	struct page *page;
	unsigned long i;

	for (i = 0; pool->pages && i < pool->alloc.nr_pages; i++) {
		pp = &pool->pages[i];
		spin_lock(&pool->alloc.lock);
		list_lru_del_obj(&blite_lru, &pp->lru);
		page = pp->page;
		pp->page = NULL;
		if (page)
			pool->pages_resident--;
		spin_unlock(&pool->alloc.lock);
		if (page) {
			__free_page(page);
			atomic_long_dec(&blite_pages_resident);
		}
	}
	blite_alloc_destroy(&pool->alloc);
	kvfree(pool->pages);
	pool->pages = NULL;
	if (pool->mm)
		mmdrop(pool->mm);
	pool->mm = NULL;
	mutex_destroy(&pool->mutex);
}

/*
 * Backs every page of @buf with memory. Injectable (ALLOW_ERROR_INJECTION,
 * ERRNO): fail_function can make it fail as if the pages ran out, and
 * blite_pool_alloc_buf() gives the buffer back. noinline and __noclone, so
 * that the caller calls this one copy.
 */
static noinline __noclone int
blite_pool_populate(struct blite_pool *pool, struct blite_buffer *buf)
{
	unsigned long i, first, last, nr = 0;
	struct page *page;
	int ret = 0;

	blite_buffer_pages(buf, &first, &last);
	mutex_lock(&pool->mutex);
	if (!pool->vma) {
		ret = -ESRCH;
		goto out_unlock;
	}
	for (i = first; i <= last; i++) {
		if (pool->pages[i].page)
			continue;
		page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO);
		if (!page) {
			ret = -ENOMEM;
			break;
		}
		spin_lock(&pool->alloc.lock);
		pool->pages[i].page = page;
		pool->pages_resident++;
		pool->pages_high = max(pool->pages_high, pool->pages_resident);
		spin_unlock(&pool->alloc.lock);
		atomic_long_inc(&blite_pages_resident);
		nr++;
	}
	if (nr)
		trace_binderlite_pages_populated(pool, first, last, nr);
out_unlock:
	mutex_unlock(&pool->mutex);
	return ret;
}
ALLOW_ERROR_INJECTION(blite_pool_populate, ERRNO);

/*
 * Gives @pool its page array, at its first buffer: a pool nobody has sent
 * to costs no memory per page. Before the allocator's page hooks, which
 * use the array, can run: they run only for buffers. failslab reaches its
 * allocation.
 */
static int blite_pool_alloc_pages(struct blite_pool *pool)
{
	struct blite_pool_page *pages;
	unsigned long i, nr_pages;
	int ret = 0;

	mutex_lock(&pool->mutex);
	/* Not mapped: the allocator refuses the buffer (-ESRCH). */
	if (pool->pages || !pool->mapped)
		goto out_unlock;
	nr_pages = pool->alloc.nr_pages;
	pages = kvcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	for (i = 0; i < nr_pages; i++) {
		INIT_LIST_HEAD(&pages[i].lru);
		pages[i].pool = pool;
	}
	spin_lock(&pool->alloc.lock);
	WRITE_ONCE(pool->pages, pages);
	spin_unlock(&pool->alloc.lock);
out_unlock:
	mutex_unlock(&pool->mutex);
	return ret;
}

/**
 * blite_pool_alloc_buf() - allocate a buffer and back it with pages
 * @pool:         the pool of the receiving process
 * @data_size:    bytes of payload
 * @offsets_size: bytes of the offsets array
 * @extra_size:   bytes after the offsets array
 * @is_async:     charge the buffer to the async (oneway) quota
 *
 * Return: the buffer, or an ERR_PTR() as from blite_alloc_new_buf(), or
 * -ESRCH if the pool is not mapped (any more).
 */
struct blite_buffer *blite_pool_alloc_buf(struct blite_pool *pool,
					  size_t data_size, size_t offsets_size,
					  size_t extra_size, bool is_async)
{
	struct blite_buffer *buf;
	int ret;

	if (unlikely(!READ_ONCE(pool->pages))) {
		ret = blite_pool_alloc_pages(pool);
		if (ret)
			return ERR_PTR(ret);
	}
	buf = blite_alloc_new_buf(&pool->alloc, data_size, offsets_size,
				  extra_size, is_async);
	if (IS_ERR(buf))
		return buf;
	ret = blite_pool_populate(pool, buf);
	if (ret) {
		blite_alloc_free_buf(&pool->alloc, buf);
		return ERR_PTR(ret);
	}
	return buf;
}

/**
 * blite_pool_free_buf() - return a buffer to its pool
 * @pool: the pool
 * @buf:  an in-use buffer of @pool; invalid afterwards
 *
 * Pages no buffer covers any more stay resident until reclaimed.
 */
void blite_pool_free_buf(struct blite_pool *pool, struct blite_buffer *buf)
{
	blite_alloc_free_buf(&pool->alloc, buf);
}

/*
 * The operations blite_pool_access() performs on each piece of a buffer.
 * A piece never crosses a page; @kaddr is its kernel address.
 */
enum blite_pool_op {
	BLITE_POOL_FROM_USER,
	BLITE_POOL_READ,
	BLITE_POOL_WRITE,
	BLITE_POOL_CLEAR,
};

/*
 * Walks @bytes of @buf from @offset page by page through the kernel
 * addresses of its pages. An in-use buffer's pages are never reclaimed, so
 * they are stable without a lock.
 */
static int blite_pool_access(struct blite_pool *pool, struct blite_buffer *buf,
			     size_t offset, size_t bytes, enum blite_pool_op op,
			     const void __user *from, void *kbuf)
{
	size_t pos, chunk, pgoff;
	unsigned long left = 0;
	void *kaddr;

	if (offset > buf->size || bytes > buf->size - offset)
		return -EINVAL;

	pos = buf->start + offset;
	while (bytes) {
		pgoff = offset_in_page(pos);
		chunk = min_t(size_t, bytes, PAGE_SIZE - pgoff);
		kaddr = kmap_local_page(pool->pages[pos >> PAGE_SHIFT].page) + pgoff;
		switch (op) {
		case BLITE_POOL_FROM_USER:
			left = copy_from_user(kaddr, from, chunk);
			from += chunk;
			break;
		case BLITE_POOL_READ:
			memcpy(kbuf, kaddr, chunk);
			kbuf += chunk;
			break;
		case BLITE_POOL_WRITE:
			memcpy(kaddr, kbuf, chunk);
			kbuf += chunk;
			break;
		case BLITE_POOL_CLEAR:
			memset(kaddr, 0, chunk);
			break;
		}
		kunmap_local(kaddr);
		if (left)
			return -EFAULT;
		pos += chunk;
		bytes -= chunk;
	}
	return 0;
}

/**
 * blite_pool_copy_from_user() - the one copy: user memory into a buffer
 * @pool:   the pool of @buf
 * @buf:    an in-use buffer, populated by blite_pool_alloc_buf()
 * @offset: where in @buf to write
 * @from:   the sender's user memory
 * @bytes:  how much to copy
 *
 * Copies straight into the pool's pages through their kernel addresses,
 * page by page, without an intermediate buffer.
 *
 * Injectable (ALLOW_ERROR_INJECTION, ERRNO): fail_function can make it fail
 * as if the sender's memory faulted. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: 0, -EINVAL if the range does not fit in @buf, -EFAULT.
 */
noinline __noclone int blite_pool_copy_from_user(struct blite_pool *pool, struct blite_buffer *buf,
						 size_t offset, const void __user *from,
						 size_t bytes)
{
	return blite_pool_access(pool, buf, offset, bytes, BLITE_POOL_FROM_USER,
				 from, NULL);
}
ALLOW_ERROR_INJECTION(blite_pool_copy_from_user, ERRNO);

/**
 * blite_pool_read() - read part of a buffer in the kernel
 * @pool:   the pool of @buf
 * @buf:    an in-use buffer
 * @offset: where in @buf to read
 * @dst:    kernel memory to fill
 * @bytes:  how much to read
 *
 * Return: 0, or -EINVAL if the range does not fit in @buf.
 */
int blite_pool_read(struct blite_pool *pool, struct blite_buffer *buf,
		    size_t offset, void *dst, size_t bytes)
{
	return blite_pool_access(pool, buf, offset, bytes, BLITE_POOL_READ,
				 NULL, dst);
}

/**
 * blite_pool_write() - write part of a buffer from the kernel
 * @pool:   the pool of @buf
 * @buf:    an in-use buffer
 * @offset: where in @buf to write
 * @src:    kernel memory to copy
 * @bytes:  how much to write
 *
 * Return: 0, or -EINVAL if the range does not fit in @buf.
 */
int blite_pool_write(struct blite_pool *pool, struct blite_buffer *buf,
		     size_t offset, const void *src, size_t bytes)
{
	return blite_pool_access(pool, buf, offset, bytes, BLITE_POOL_WRITE,
				 NULL, (void *)src);
}

/**
 * blite_pool_clear() - zero a whole buffer (TF_CLEAR_BUF)
 * @pool: the pool of @buf
 * @buf:  an in-use buffer
 */
void blite_pool_clear(struct blite_pool *pool, struct blite_buffer *buf)
{
	blite_pool_access(pool, buf, 0, buf->size, BLITE_POOL_CLEAR, NULL, NULL);
}

/**
 * blite_pool_user_addr() - where user space sees a buffer
 * @pool: the pool
 * @buf:  a buffer of @pool
 *
 * Return: the buffer's address in the owner's mapping.
 */
unsigned long blite_pool_user_addr(struct blite_pool *pool,
				   struct blite_buffer *buf)
{
	return pool->user_base + buf->start;
}

/**
 * blite_pool_mark_delivered() - hand a buffer to its owner's user space
 * @pool: the pool
 * @buf:  an in-use buffer of @pool, now delivered
 *
 * From now on the owner may free it: blite_pool_claim_user_buf() finds it.
 */
void blite_pool_mark_delivered(struct blite_pool *pool, struct blite_buffer *buf)
{
	blite_alloc_mark_delivered(&pool->alloc, buf);
}

/**
 * blite_pool_claim_user_buf() - validate a buffer address from user space
 * @pool:  the pool
 * @uaddr: the address user space asks to free (BC_FREE_BUFFER)
 *
 * Return: the buffer, now claimed (see blite_alloc_claim_delivered()), or
 * NULL if @uaddr is not a delivered, unclaimed buffer of @pool.
 */
struct blite_buffer *blite_pool_claim_user_buf(struct blite_pool *pool,
					       unsigned long uaddr)
{
	/* An offset past the pool matches no buffer. */
	if (!smp_load_acquire(&pool->mapped) || uaddr < pool->user_base)
		return NULL;
	return blite_alloc_claim_delivered(&pool->alloc, uaddr - pool->user_base);
}

/**
 * blite_pool_get_stats() - snapshot a pool
 * @pool:  the pool
 * @stats: the result
 */
void blite_pool_get_stats(struct blite_pool *pool, struct blite_pool_stats *stats)
{
	blite_alloc_get_stats(&pool->alloc, &stats->alloc);
	spin_lock(&pool->alloc.lock);
	stats->pages_resident = pool->pages_resident;
	stats->pages_high = pool->pages_high;
	spin_unlock(&pool->alloc.lock);
}
