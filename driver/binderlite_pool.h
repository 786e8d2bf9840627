/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite receive pool: the page layer under the allocator. Its nouns:
 * pool.
 */
#ifndef _BINDERLITE_POOL_H
#define _BINDERLITE_POOL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "binderlite_alloc.h"

struct mm_struct;
struct page;
struct vm_area_struct;

/**
 * struct blite_pool_page - one page of a pool
 * @lru:  entry in the global list_lru while the page is resident but no
 *        in-use buffer covers it (reclaimable)
 * @page: the page, or NULL when not resident. Written with &blite_pool.mutex
 *        and &blite_alloc.lock both held, so either one suffices to read it;
 *        stable without either while an in-use buffer covers the page
 * @pool: the pool the page belongs to
 */
struct blite_pool_page {
	struct list_head lru;
	struct page *page;
	struct blite_pool *pool;
};

/**
 * struct blite_pool - the receive pool of one open file
 * @mutex:          serializes populating pages, inserting them into the
 *                  user mapping (the fault handler) and zapping them
 *                  (reclaim); protects @vma and @pages
 * @alloc:          the best-fit allocator of the pool's blocks
 * @pages:          @alloc.nr_pages entries; NULL until the pool's first
 *                  buffer, so that an idle process pays nothing per page.
 *                  Set with @mutex and @alloc.lock both held, once
 * @user_base:      start of the user mapping
 * @vma:            the user mapping, NULL before mmap and after munmap
 * @mm:             the address space of the mapping (a mm_count reference)
 * @mapped:         mmap succeeded once; a pool is mapped at most once
 * @pages_resident: pages allocated to the pool; protected by @alloc.lock
 * @pages_high:     the largest @pages_resident seen; protected by @alloc.lock
 * @pid:            thread-group id of the task that created the pool (the
 *                  opener of the file), for trace events
 *
 * The lock order (@mutex, @alloc.lock and their neighbours) is in the lock
 * table of binderlite.h.
 */
struct blite_pool {
	struct mutex mutex;	/* see the kernel-doc above */
	struct blite_alloc alloc;
	struct blite_pool_page *pages;
	unsigned long user_base;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	bool mapped;
	unsigned long pages_resident;
	unsigned long pages_high;
	pid_t pid;
};

/**
 * struct blite_pool_stats - a snapshot of a pool
 * @alloc:          the allocator's state
 * @pages_resident: pages allocated to the pool
 * @pages_high:     the most pages ever resident at once
 */
struct blite_pool_stats {
	struct blite_alloc_stats alloc;
	unsigned long pages_resident;
	unsigned long pages_high;
};

/**
 * struct blite_pool_totals - every pool together
 * @pages_resident:  pages allocated to pools
 * @pages_lru:       resident pages no buffer covers (reclaimable)
 * @pages_reclaimed: pages given back through the shrinker since load
 */
struct blite_pool_totals {
	long pages_resident;
	unsigned long pages_lru;
	unsigned long pages_reclaimed;
};

int blite_pool_global_init(void);
void blite_pool_global_exit(void);
void blite_pool_get_totals(struct blite_pool_totals *totals);
unsigned long blite_pool_reclaim(unsigned long nr_to_scan);

void blite_pool_init(struct blite_pool *pool);
void blite_pool_set_buffer_size(struct blite_pool *pool, size_t buffer_size);
int blite_pool_mmap(struct blite_pool *pool, struct vm_area_struct *vma,
		    size_t max_size);
void blite_pool_release(struct blite_pool *pool);
struct blite_buffer *blite_pool_alloc_buf(struct blite_pool *pool,
					  size_t data_size, size_t offsets_size,
					  size_t extra_size, bool is_async);
void blite_pool_free_buf(struct blite_pool *pool, struct blite_buffer *buf);
int blite_pool_copy_from_user(struct blite_pool *pool, struct blite_buffer *buf,
			      size_t offset, const void __user *from,
			      size_t bytes);
int blite_pool_read(struct blite_pool *pool, struct blite_buffer *buf,
		    size_t offset, void *dst, size_t bytes);
int blite_pool_write(struct blite_pool *pool, struct blite_buffer *buf,
		     size_t offset, const void *src, size_t bytes);
void blite_pool_clear(struct blite_pool *pool, struct blite_buffer *buf);
unsigned long blite_pool_user_addr(struct blite_pool *pool,
				   struct blite_buffer *buf);
void blite_pool_mark_delivered(struct blite_pool *pool, struct blite_buffer *buf);
struct blite_buffer *blite_pool_claim_user_buf(struct blite_pool *pool,
					       unsigned long uaddr);
void blite_pool_get_stats(struct blite_pool *pool,
			  struct blite_pool_stats *stats);

#endif /* _BINDERLITE_POOL_H */
