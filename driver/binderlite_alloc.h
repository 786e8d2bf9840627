/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite best-fit allocator: hands out blocks of a receive pool.
 *
 * The allocator works on offsets into a pool of a given size and knows
 * nothing about memory management: it never touches the pool's memory. It
 * tells the page layer, through &struct blite_alloc_ops, when a page of the
 * pool starts or stops being covered by an in-use buffer. That keeps it
 * testable in isolation (tests/kunit). Its nouns: alloc, buffer (&struct
 * blite_buffer and its layout).
 */
#ifndef _BINDERLITE_ALLOC_H
#define _BINDERLITE_ALLOC_H

#include <linux/align.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/page.h>

/* Alignment of every buffer and of the data and offsets sections. */
#define BLITE_ALLOC_ALIGN	8

/* Block structures an allocator keeps for reuse instead of freeing them. */
#define BLITE_ALLOC_MAX_SPARES	4

/**
 * struct blite_buffer - one block of a pool, free or in use
 * @entry:        entry in &blite_alloc.buffers, which is in address order
 * @rb_node:      node in &blite_alloc.free_tree when @free, else in
 *                &blite_alloc.used_tree
 * @start:        offset of the block in the pool
 * @size:         size of the block; blocks tile the pool without gaps
 * @data_size:    bytes of payload data requested (in-use buffers only)
 * @offsets_size: bytes of the offsets array requested (in-use buffers only)
 * @extra_size:   bytes requested after the offsets array: scatter-gather
 *                buffers and a security context (in-use buffers only)
 * @pid:          thread-group id of the task that allocated the buffer (the
 *                sender), for oneway spam detection
 * @free:         the block is free
 * @async:        the buffer counts against the async (oneway) quota
 * @oneway_spam_suspect: allocating this async buffer made its sender look
 *                like a oneway spammer (see blite_alloc_new_buf())
 * @delivered:    the buffer was handed to user space and may be released
 *                with BC_FREE_BUFFER; cleared when user space claims it
 *
 * Protected by &blite_alloc.lock. The structure lives outside the pool;
 * user space never sees it. The allocator's user may embed it, first, in
 * a larger structure of its own (blite_alloc_set_buffer_size()): the
 * allocator then allocates that, and never touches the rest.
 */
struct blite_buffer {
	struct list_head entry;
	struct rb_node rb_node;
	size_t start;
	size_t size;
	size_t data_size;
	size_t offsets_size;
	size_t extra_size;
	pid_t pid;
	bool free;
	bool async;
	bool oneway_spam_suspect;
	bool delivered;
};

/**
 * blite_buffer_pages() - the pages a block covers
 * @buf:   the block
 * @first: index of its first page
 * @last:  index of its last page
 */
static inline void blite_buffer_pages(const struct blite_buffer *buf,
				      unsigned long *first, unsigned long *last)
{
	*first = buf->start >> PAGE_SHIFT;
	*last = (buf->start + buf->size - 1) >> PAGE_SHIFT;
}

/*
 * The layout of an in-use buffer, the one place it is computed (with
 * blite_alloc_buf_size(), which sizes it): three sections, each starting
 * at a multiple of %BLITE_ALLOC_ALIGN:
 *
 *   0        offsets_start          extra_start                 size
 *   | data | pad | offsets | pad | extra (scatter-gather, secctx) | pad |
 */

/**
 * blite_buffer_offsets_start() - where a buffer's offsets section starts
 * @buf: an in-use buffer
 *
 * Return: the offset in the buffer, past the data, aligned.
 */
static inline size_t blite_buffer_offsets_start(const struct blite_buffer *buf)
{
	return ALIGN(buf->data_size, BLITE_ALLOC_ALIGN);
}

/**
 * blite_buffer_extra_start() - where a buffer's extra section starts
 * @buf: an in-use buffer
 *
 * Return: the offset in the buffer, past the offsets section, aligned.
 */
static inline size_t blite_buffer_extra_start(const struct blite_buffer *buf)
{
	return blite_buffer_offsets_start(buf) +
	       ALIGN(buf->offsets_size, BLITE_ALLOC_ALIGN);
}

/**
 * struct blite_alloc_ops - page-layer hooks of an allocator
 * @page_used:   page @index became covered by an in-use buffer
 * @page_unused: page @index is covered by no in-use buffer any more
 *
 * Both are called with &blite_alloc.lock held and must not sleep.
 */
struct blite_alloc_ops {
	void (*page_used)(void *ctx, unsigned long index);
	void (*page_unused)(void *ctx, unsigned long index);
};

/**
 * struct blite_alloc - the allocator of one pool
 * @lock:             protects everything below, and the buffers
 * @size:             pool size in bytes, a multiple of PAGE_SIZE; 0 until
 *                    blite_alloc_init() succeeds
 * @buffers:          every block, free or in use, in address order
 * @spares:           unused block structures kept for the next split, so
 *                    that steady traffic allocates no metadata at all
 * @nr_spares:        entries on @spares, at most %BLITE_ALLOC_MAX_SPARES
 * @free_tree:        free blocks by (size, start): best fit is the first
 *                    block not smaller than the request
 * @used_tree:        in-use buffers by start
 * @free_async_space: what remains of the async quota (half the pool)
 * @oneway_spam_detected: a spammer was reported since the async space last
 *                    went low; reported once per episode
 * @bytes_used:       bytes in in-use buffers
 * @high_watermark:   the largest @bytes_used seen
 * @nr_used:          number of in-use buffers
 * @nr_free:          number of free blocks
 * @nr_pages:         pages in the pool
 * @nr_pages_used:    pages covered by at least one in-use buffer
 * @page_users:       per page, how many in-use buffers cover it; NULL
 *                    until the first allocation, when no page is used
 * @ops:              page-layer hooks
 * @ops_ctx:          their first argument
 * @buffer_size:      bytes of the structure each block lives in: &struct
 *                    blite_buffer, or a larger one of the allocator's user
 *                    that begins with it (blite_alloc_set_buffer_size())
 */
struct blite_alloc {
	spinlock_t lock;	/* see the kernel-doc above */
	size_t size;
	struct list_head buffers;
	struct list_head spares;
	unsigned int nr_spares;
	struct rb_root free_tree;
	struct rb_root used_tree;
	size_t free_async_space;
	bool oneway_spam_detected;
	size_t bytes_used;
	size_t high_watermark;
	unsigned int nr_used;
	unsigned int nr_free;
	unsigned long nr_pages;
	unsigned long nr_pages_used;
	unsigned int *page_users;
	const struct blite_alloc_ops *ops;
	void *ops_ctx;
	size_t buffer_size;
};

/**
 * struct blite_alloc_stats - a snapshot of an allocator's state
 * @size:             pool size in bytes
 * @bytes_used:       bytes in in-use buffers
 * @bytes_free:       bytes in free blocks
 * @largest_free:     size of the largest free block
 * @nr_used:          number of in-use buffers
 * @nr_free:          number of free blocks
 * @high_watermark:   the largest @bytes_used seen
 * @free_async_space: what remains of the async quota
 * @pages_used:       pages covered by at least one in-use buffer
 */
struct blite_alloc_stats {
	size_t size;
	size_t bytes_used;
	size_t bytes_free;
	size_t largest_free;
	unsigned int nr_used;
	unsigned int nr_free;
	size_t high_watermark;
	size_t free_async_space;
	unsigned long pages_used;
};

void blite_alloc_early_init(struct blite_alloc *alloc);
void blite_alloc_set_buffer_size(struct blite_alloc *alloc, size_t buffer_size);
int blite_alloc_init(struct blite_alloc *alloc, size_t size,
		     const struct blite_alloc_ops *ops, void *ops_ctx);
void blite_alloc_destroy(struct blite_alloc *alloc);
int blite_alloc_buf_size(size_t data_size, size_t offsets_size,
			 size_t extra_size, size_t *size);
struct blite_buffer *blite_alloc_new_buf(struct blite_alloc *alloc,
					 size_t data_size, size_t offsets_size,
					 size_t extra_size, bool is_async);
void blite_alloc_free_buf(struct blite_alloc *alloc, struct blite_buffer *buf);
void blite_alloc_mark_delivered(struct blite_alloc *alloc,
				struct blite_buffer *buf);
struct blite_buffer *blite_alloc_claim_delivered(struct blite_alloc *alloc,
						 size_t start);
void blite_alloc_get_stats(struct blite_alloc *alloc,
			   struct blite_alloc_stats *stats);

#endif /* _BINDERLITE_ALLOC_H */
