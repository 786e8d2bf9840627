// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite best-fit allocator.
 *
 * A pool of N bytes is tiled by blocks (&struct blite_buffer) kept in
 * address order. Free blocks are also in an rbtree keyed by (size, start),
 * in-use buffers in an rbtree keyed by start. Allocating takes the first
 * free block in (size, start) order that is large enough (best fit, ties to
 * the lowest address) and splits off the rest; freeing merges the block
 * with its free neighbours, so two free blocks are never adjacent.
 * Allocation, free and lookup are O(log n) in the number of blocks, plus the
 * pages the buffer covers.
 *
 * Locking: one spinlock per allocator, &blite_alloc.lock; functions named
 * *_alocked need it held (the lock table and the suffixes are in
 * binderlite.h). A block split needs a new &struct blite_buffer. It comes
 * from a small cache of structures that merges gave back; only when that
 * is empty is one allocated, before the lock is taken. The per-page counts
 * (&blite_alloc.page_users) are allocated the same way, by the first
 * allocation, so that a pool nobody has sent to costs nothing per page.
 * Nothing here allocates memory or sleeps under the lock. The page-layer
 * hooks run under the lock (see &struct blite_alloc_ops).
 */

#include <linux/bug.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "binderlite_alloc.h"

/**
 * blite_alloc_early_init() - make an allocator safe to destroy and query
 * @alloc: the allocator
 *
 * After this, @alloc is a valid empty allocator of size 0: every
 * allocation fails with -ESRCH until blite_alloc_init() gives it a size.
 */
void blite_alloc_early_init(struct blite_alloc *alloc)
{
	memset(alloc, 0, sizeof(*alloc));
	spin_lock_init(&alloc->lock);
	INIT_LIST_HEAD(&alloc->buffers);
	INIT_LIST_HEAD(&alloc->spares);
	alloc->free_tree = RB_ROOT;
	alloc->used_tree = RB_ROOT;
	alloc->buffer_size = sizeof(struct blite_buffer);
}

/**
 * blite_alloc_set_buffer_size() - let the user's structure hold each block
 * @alloc:       the allocator, after blite_alloc_early_init() and before
 *               blite_alloc_init()
 * @buffer_size: the size of a structure that begins with &struct
 *               blite_buffer; the allocator allocates one per block and
 *               never touches anything after the &struct blite_buffer, so
 *               the user initializes the rest of each buffer it gets
 */
void blite_alloc_set_buffer_size(struct blite_alloc *alloc, size_t buffer_size)
{
	if (WARN_ON(buffer_size < sizeof(struct blite_buffer) || alloc->size))
		return;
	alloc->buffer_size = buffer_size;
}

/* Free blocks are ordered by size, then by address. */
static bool blite_free_less(const struct blite_buffer *a,
			    const struct blite_buffer *b)
{
	return a->size < b->size || (a->size == b->size && a->start < b->start);
}

static bool blite_free_node_less(struct rb_node *a, const struct rb_node *b)
{
	return blite_free_less(rb_entry(a, struct blite_buffer, rb_node),
			       rb_entry(b, struct blite_buffer, rb_node));
}

/* In-use buffers are ordered by address. */
static bool blite_used_node_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct blite_buffer, rb_node)->start <
	       rb_entry(b, struct blite_buffer, rb_node)->start;
}

static int blite_used_node_cmp(const void *key, const struct rb_node *n)
{
	size_t start = *(const size_t *)key;
	size_t cur = rb_entry(n, struct blite_buffer, rb_node)->start;

	return start < cur ? -1 : start > cur;
}

static void blite_insert_free_alocked(struct blite_alloc *alloc,
				      struct blite_buffer *buf)
	__must_hold(&alloc->lock)
{
	lockdep_assert_held(&alloc->lock);
	buf->free = true;
	rb_add(&buf->rb_node, &alloc->free_tree, blite_free_node_less);
	alloc->nr_free++;
}

static void blite_erase_free_alocked(struct blite_alloc *alloc,
				     struct blite_buffer *buf)
	__must_hold(&alloc->lock)
{
	lockdep_assert_held(&alloc->lock);
	rb_erase(&buf->rb_node, &alloc->free_tree);
	alloc->nr_free--;
}

static void blite_insert_used_alocked(struct blite_alloc *alloc,
				      struct blite_buffer *buf)
	__must_hold(&alloc->lock)
{
	lockdep_assert_held(&alloc->lock);
	buf->free = false;
	rb_add(&buf->rb_node, &alloc->used_tree, blite_used_node_less);
	alloc->nr_used++;
}

/* The in-use buffer starting at @start, or NULL. */
static struct blite_buffer *blite_find_used_alocked(struct blite_alloc *alloc,
						    size_t start)
	__must_hold(&alloc->lock)
{
	struct rb_node *n;

	lockdep_assert_held(&alloc->lock);
	n = rb_find(&start, &alloc->used_tree, blite_used_node_cmp);
	return n ? rb_entry(n, struct blite_buffer, rb_node) : NULL;
}

/* The smallest free block of at least @size bytes, lowest address first. */
static struct blite_buffer *blite_best_fit_alocked(struct blite_alloc *alloc,
						   size_t size)
	__must_hold(&alloc->lock)
{
	struct rb_node *n = alloc->free_tree.rb_node;
	struct blite_buffer *best = NULL;

	lockdep_assert_held(&alloc->lock);
	while (n) {
		struct blite_buffer *cur = rb_entry(n, struct blite_buffer, rb_node);

		if (cur->size >= size) {
			best = cur;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

/*
 * Keeps @buf for a later split if the cache has room. Returns @buf if the
 * caller must free it after dropping the lock, else NULL.
 */
static struct blite_buffer *blite_put_spare_alocked(struct blite_alloc *alloc,
						    struct blite_buffer *buf)
	__must_hold(&alloc->lock)
{
	lockdep_assert_held(&alloc->lock);
	if (!buf || alloc->nr_spares >= BLITE_ALLOC_MAX_SPARES)
		return buf;
	list_add(&buf->entry, &alloc->spares);
	alloc->nr_spares++;
	return NULL;
}

/* A block structure from the cache, else @*spare; NULL if neither. */
static struct blite_buffer *blite_get_spare_alocked(struct blite_alloc *alloc,
						    struct blite_buffer **spare)
	__must_hold(&alloc->lock)
{
	struct blite_buffer *buf;

	lockdep_assert_held(&alloc->lock);
	if (alloc->nr_spares) {
		buf = list_first_entry(&alloc->spares, struct blite_buffer, entry);
		list_del(&buf->entry);
		alloc->nr_spares--;
	} else {
		buf = *spare;
		*spare = NULL;
	}
	if (buf)
		memset(buf, 0, alloc->buffer_size);
	return buf;
}

/* Counts @buf as a user of the pages it covers. */
static void blite_pages_get_alocked(struct blite_alloc *alloc,
				    const struct blite_buffer *buf)
	__must_hold(&alloc->lock)
{
	unsigned long i, first, last;

	lockdep_assert_held(&alloc->lock);
	blite_buffer_pages(buf, &first, &last);
	for (i = first; i <= last; i++) {
		if (alloc->page_users[i]++)
			continue;
		alloc->nr_pages_used++;
		if (alloc->ops)
			alloc->ops->page_used(alloc->ops_ctx, i);
	}
}

static void blite_pages_put_alocked(struct blite_alloc *alloc,
				    const struct blite_buffer *buf)
	__must_hold(&alloc->lock)
{
	unsigned long i, first, last;

	lockdep_assert_held(&alloc->lock);
	blite_buffer_pages(buf, &first, &last);
	for (i = first; i <= last; i++) {
		if (WARN_ON_ONCE(!alloc->page_users[i]))
			continue;
		if (--alloc->page_users[i])
			continue;
		alloc->nr_pages_used--;
		if (alloc->ops)
			alloc->ops->page_unused(alloc->ops_ctx, i);
	}
}

/**
 * blite_alloc_init() - give an allocator its pool
 * @alloc:   the allocator, after blite_alloc_early_init()
 * @size:    pool size in bytes: a non-zero multiple of PAGE_SIZE
 * @ops:     page-layer hooks, or NULL
 * @ops_ctx: first argument of the hooks
 *
 * The whole pool starts as one free block; half of it is the async quota.
 * The per-page counts come with the first allocation (blite_alloc_new_buf()).
 * Must not be called on an allocator that already has a pool.
 *
 * Return: 0, -EINVAL for a bad size, -EBUSY if @alloc has a pool already,
 * or -ENOMEM.
 */
int blite_alloc_init(struct blite_alloc *alloc, size_t size,
		     const struct blite_alloc_ops *ops, void *ops_ctx)
{
	struct blite_buffer *buf;

	if (!size || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (alloc->size)
		return -EBUSY;

	buf = kzalloc(alloc->buffer_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	spin_lock(&alloc->lock);
	alloc->ops = ops;
	alloc->ops_ctx = ops_ctx;
	alloc->nr_pages = size >> PAGE_SHIFT;
	alloc->free_async_space = size / 2;
	buf->start = 0;
	buf->size = size;
	list_add(&buf->entry, &alloc->buffers);
	blite_insert_free_alocked(alloc, buf);
	/* Last: a non-zero size makes the pool usable. */
	alloc->size = size;
	spin_unlock(&alloc->lock);
	return 0;
}

/**
 * blite_alloc_destroy() - free every block of an allocator
 * @alloc: the allocator; nobody else may use it any more
 *
 * In-use buffers are dropped without calling the page hooks: the page layer
 * tears its pages down on its own. Afterwards @alloc is empty, of size 0,
 * and keeps its buffer size.
 */
void blite_alloc_destroy(struct blite_alloc *alloc)
{
	size_t buffer_size = alloc->buffer_size;
	struct blite_buffer *buf, *tmp;

	list_for_each_entry_safe(buf, tmp, &alloc->buffers, entry) {
		list_del(&buf->entry);
		kfree(buf);
	}
	list_for_each_entry_safe(buf, tmp, &alloc->spares, entry) {
		list_del(&buf->entry);
		kfree(buf);
	}
	kvfree(alloc->page_users);
	blite_alloc_early_init(alloc);
	alloc->buffer_size = buffer_size;
}

/* Rounds @n up to BLITE_ALLOC_ALIGN into *@res; false if that overflows. */
static bool blite_alloc_align(size_t n, size_t *res)
{
	if (check_add_overflow(n, (size_t)BLITE_ALLOC_ALIGN - 1, res))
		return false;
	*res &= ~((size_t)BLITE_ALLOC_ALIGN - 1);
	return true;
}

/**
 * blite_alloc_buf_size() - the block size a request needs
 * @data_size:    bytes of payload
 * @offsets_size: bytes of the offsets array
 * @extra_size:   bytes after the offsets array
 * @size:         the result
 *
 * Every section is rounded up to %BLITE_ALLOC_ALIGN, as the layout of
 * binderlite_alloc.h has them (blite_buffer_offsets_start(),
 * blite_buffer_extra_start()), and every buffer takes at least
 * %BLITE_ALLOC_ALIGN bytes, so that even an empty one has an address of
 * its own.
 *
 * Return: 0, or -EINVAL if the size overflows.
 */
int blite_alloc_buf_size(size_t data_size, size_t offsets_size,
			 size_t extra_size, size_t *size)
{
	size_t data, offsets, extra;

	if (!blite_alloc_align(data_size, &data) ||
	    !blite_alloc_align(offsets_size, &offsets) ||
	    !blite_alloc_align(extra_size, &extra) ||
	    check_add_overflow(data, offsets, size) ||
	    check_add_overflow(*size, extra, size))
		return -EINVAL;
	*size = max_t(size_t, *size, BLITE_ALLOC_ALIGN);
	return 0;
}

/*
 * Oneway spam detection, as binder does it. Once an async allocation has
 * left less than a tenth of the pool as async space (a fifth of the async
 * quota), the sender that now holds more than 50 async buffers, or more
 * than a quarter of the pool in them, is reported, once, until the async
 * space recovers.
 */
static bool blite_alloc_spam_suspect_alocked(struct blite_alloc *alloc, pid_t pid)
	__must_hold(&alloc->lock)
{
	struct blite_buffer *buf;
	size_t bytes = 0, count = 0;
	struct rb_node *n;

	lockdep_assert_held(&alloc->lock);
	if (alloc->free_async_space >= alloc->size / 10) {
		alloc->oneway_spam_detected = false;
		return false;
	}
	for (n = rb_first(&alloc->used_tree); n; n = rb_next(n)) {
		buf = rb_entry(n, struct blite_buffer, rb_node);
		if (buf->pid != pid || !buf->async)
			continue;
		bytes += buf->size;
		count++;
	}
	if ((count > 50 || bytes > alloc->size / 4) && !alloc->oneway_spam_detected) {
		alloc->oneway_spam_detected = true;
		return true;
	}
	return false;
}

static struct blite_buffer *
blite_alloc_new_buf_alocked(struct blite_alloc *alloc, size_t size,
			    size_t data_size, size_t offsets_size, size_t extra_size,
			   bool is_async, struct blite_buffer **spare)
	__must_hold(&alloc->lock)
{
	struct blite_buffer *buf, *rest;

	lockdep_assert_held(&alloc->lock);
	if (!alloc->size)
		return ERR_PTR(-ESRCH);
	if (is_async && size > alloc->free_async_space)
		return ERR_PTR(-ENOSPC);
	/* The first allocation brings the per-page counts. */
	if (!alloc->page_users)
		return ERR_PTR(-EAGAIN);

	buf = blite_best_fit_alocked(alloc, size);
	if (!buf)
		return ERR_PTR(-ENOSPC);

	if (buf->size > size) {
		rest = blite_get_spare_alocked(alloc, spare);
		if (!rest)
			return ERR_PTR(-EAGAIN);
		blite_erase_free_alocked(alloc, buf);
		rest->start = buf->start + size;
		rest->size = buf->size - size;
		buf->size = size;
		list_add(&rest->entry, &buf->entry);
		blite_insert_free_alocked(alloc, rest);
	} else {
		blite_erase_free_alocked(alloc, buf);
	}
	*spare = blite_put_spare_alocked(alloc, *spare);

	buf->data_size = data_size;
	buf->offsets_size = offsets_size;
	buf->extra_size = extra_size;
	buf->pid = current->tgid;
	buf->async = is_async;
	buf->delivered = false;
	blite_insert_used_alocked(alloc, buf);
	blite_pages_get_alocked(alloc, buf);

	buf->oneway_spam_suspect = false;
	if (is_async) {
		alloc->free_async_space -= size;
		buf->oneway_spam_suspect = blite_alloc_spam_suspect_alocked(alloc, buf->pid);
	}
	alloc->bytes_used += size;
	alloc->high_watermark = max(alloc->high_watermark, alloc->bytes_used);
	return buf;
}

/**
 * blite_alloc_new_buf() - allocate a buffer by best fit
 * @alloc:        the allocator
 * @data_size:    bytes of payload
 * @offsets_size: bytes of the offsets array, which follows the payload at
 *                the next %BLITE_ALLOC_ALIGN boundary
 * @extra_size:   bytes after the offsets array, at the next boundary
 * @is_async:     charge the buffer to the async (oneway) quota
 *
 * The buffer records the calling task's thread-group id, and, for an async
 * buffer, whether the allocation makes that sender a suspected oneway
 * spammer (&blite_buffer.oneway_spam_suspect).
 *
 * Injectable (ALLOW_ERROR_INJECTION, ERRNO): fail_function can make it fail
 * as if memory ran out. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: the buffer, or an ERR_PTR(): -EINVAL if the size overflows,
 * -ENOSPC if no free block (or not enough async quota) is left, -ESRCH if
 * the allocator has no pool, -ENOMEM.
 */
noinline __noclone struct blite_buffer *blite_alloc_new_buf(struct blite_alloc *alloc,
							    size_t data_size, size_t offsets_size,
							    size_t extra_size, bool is_async)
{
	struct blite_buffer *buf, *spare = NULL;
	unsigned int *page_users = NULL;
	unsigned long nr_pages;
	size_t size;
	int ret;

	ret = blite_alloc_buf_size(data_size, offsets_size, extra_size, &size);
	if (ret)
		return ERR_PTR(ret);

	for (;;) {
		spin_lock(&alloc->lock);
		if (!alloc->page_users && page_users) {
			alloc->page_users = page_users;
			page_users = NULL;
		}
		buf = blite_alloc_new_buf_alocked(alloc, size, data_size, offsets_size,
						  extra_size, is_async, &spare);
		nr_pages = alloc->page_users ? 0 : alloc->nr_pages;
		spin_unlock(&alloc->lock);
		if (buf != ERR_PTR(-EAGAIN))
			break;
		if (nr_pages) {
			/* The pool's first allocation. */
			page_users = kvcalloc(nr_pages, sizeof(*page_users), GFP_KERNEL);
			if (!page_users) {
				buf = ERR_PTR(-ENOMEM);
				break;
			}
			continue;
		}
		/* A split needs a block structure and the cache had none. */
		spare = kzalloc(alloc->buffer_size, GFP_KERNEL);
		if (!spare) {
			buf = ERR_PTR(-ENOMEM);
			break;
		}
	}

	kvfree(page_users);
	kfree(spare);
	return buf;
}
ALLOW_ERROR_INJECTION(blite_alloc_new_buf, ERRNO);

/* Merges @next, a free block right after @buf, into @buf. */
static struct blite_buffer *blite_merge_alocked(struct blite_alloc *alloc,
						struct blite_buffer *buf,
					       struct blite_buffer *next)
	__must_hold(&alloc->lock)
{
	lockdep_assert_held(&alloc->lock);
	blite_erase_free_alocked(alloc, next);
	buf->size += next->size;
	list_del(&next->entry);
	return next;
}

static void blite_alloc_free_buf_alocked(struct blite_alloc *alloc,
					 struct blite_buffer *buf,
					struct blite_buffer **dead)
	__must_hold(&alloc->lock)
{
	struct blite_buffer *prev, *next;

	lockdep_assert_held(&alloc->lock);
	blite_pages_put_alocked(alloc, buf);
	if (buf->async)
		alloc->free_async_space += buf->size;
	alloc->bytes_used -= buf->size;
	rb_erase(&buf->rb_node, &alloc->used_tree);
	alloc->nr_used--;
	buf->delivered = false;
	buf->async = false;
	buf->data_size = 0;
	buf->offsets_size = 0;
	buf->extra_size = 0;

	if (!list_is_last(&buf->entry, &alloc->buffers)) {
		next = list_next_entry(buf, entry);
		if (next->free)
			dead[0] = blite_merge_alocked(alloc, buf, next);
	}
	if (!list_is_first(&buf->entry, &alloc->buffers)) {
		prev = list_prev_entry(buf, entry);
		if (prev->free) {
			blite_erase_free_alocked(alloc, prev);
			dead[1] = buf;
			prev->size += buf->size;
			list_del(&buf->entry);
			buf = prev;
		}
	}
	blite_insert_free_alocked(alloc, buf);
}

/**
 * blite_alloc_free_buf() - return a buffer to the pool
 * @alloc: the allocator
 * @buf:   an in-use buffer of @alloc; invalid afterwards
 *
 * The block is merged with its free neighbours. Pages no in-use buffer
 * covers any more are reported to the page layer.
 */
void blite_alloc_free_buf(struct blite_alloc *alloc, struct blite_buffer *buf)
{
	struct blite_buffer *dead[2] = { NULL, NULL };

	spin_lock(&alloc->lock);
	blite_alloc_free_buf_alocked(alloc, buf, dead);
	dead[0] = blite_put_spare_alocked(alloc, dead[0]);
	dead[1] = blite_put_spare_alocked(alloc, dead[1]);
	spin_unlock(&alloc->lock);

	kfree(dead[0]);
	kfree(dead[1]);
}

/**
 * blite_alloc_mark_delivered() - hand a buffer to user space
 * @alloc: the allocator
 * @buf:   an in-use buffer of @alloc
 *
 * From now on, user space may claim it with blite_alloc_claim_delivered().
 */
void blite_alloc_mark_delivered(struct blite_alloc *alloc,
				struct blite_buffer *buf)
{
	spin_lock(&alloc->lock);
	buf->delivered = true;
	spin_unlock(&alloc->lock);
}

/**
 * blite_alloc_claim_delivered() - look up a buffer user space wants freed
 * @alloc: the allocator
 * @start: offset of the buffer in the pool, as user space gave it
 *
 * Only a buffer that was delivered to user space and not claimed since is
 * found. Claiming it clears &blite_buffer.delivered, so a second claim of
 * the same buffer (a double free) fails, as does an address that is not
 * the start of an in-use buffer (a foreign free). The caller then releases
 * the buffer with blite_alloc_free_buf().
 *
 * Return: the buffer, or NULL.
 */
struct blite_buffer *blite_alloc_claim_delivered(struct blite_alloc *alloc,
						 size_t start)
{
	struct blite_buffer *buf;

	spin_lock(&alloc->lock);
	buf = blite_find_used_alocked(alloc, start);
	if (buf && buf->delivered)
		buf->delivered = false;
	else
		buf = NULL;
	spin_unlock(&alloc->lock);
	return buf;
}

/**
 * blite_alloc_get_stats() - snapshot an allocator's state
 * @alloc: the allocator
 * @stats: the result
 */
void blite_alloc_get_stats(struct blite_alloc *alloc,
			   struct blite_alloc_stats *stats)
{
	struct rb_node *last;

	memset(stats, 0, sizeof(*stats));
	spin_lock(&alloc->lock);
	stats->size = alloc->size;
	stats->bytes_used = alloc->bytes_used;
	stats->bytes_free = alloc->size - alloc->bytes_used;
	last = rb_last(&alloc->free_tree);
	if (last)
		stats->largest_free = rb_entry(last, struct blite_buffer, rb_node)->size;
	stats->nr_used = alloc->nr_used;
	stats->nr_free = alloc->nr_free;
	stats->high_watermark = alloc->high_watermark;
	stats->free_async_space = alloc->free_async_space;
	stats->pages_used = alloc->nr_pages_used;
	spin_unlock(&alloc->lock);
}
