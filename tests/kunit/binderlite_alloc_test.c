// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the binderlite best-fit allocator.
 *
 * The allocator is compiled into this test module from the driver's own
 * source, so these tests see its static helpers too. Every test checks the
 * allocator's invariants against an independent view of the pool:
 *
 * - the blocks tile the pool in address order, and no two free blocks are
 *   adjacent;
 * - the trees hold exactly the free and the in-use blocks;
 * - a page is reported used exactly when an in-use buffer covers it.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/random.h>

#include "../../driver/binderlite_alloc.c"

static unsigned int seed;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "Seed of the randomized test; 0 picks one (default 0)");

#define TEST_MAX_PAGES	64

/* An allocator with page hooks that record what they are told. */
struct test_pool {
	struct kunit *test;
	struct blite_alloc alloc;
	DECLARE_BITMAP(used, TEST_MAX_PAGES);
	bool hook_error;
};

static void test_page_used(void *ctx, unsigned long index)
{
	struct test_pool *tp = ctx;

	if (index >= TEST_MAX_PAGES || test_and_set_bit(index, tp->used))
		tp->hook_error = true;
}

static void test_page_unused(void *ctx, unsigned long index)
{
	struct test_pool *tp = ctx;

	if (index >= TEST_MAX_PAGES || !test_and_clear_bit(index, tp->used))
		tp->hook_error = true;
}

static const struct blite_alloc_ops test_ops = {
	.page_used = test_page_used,
	.page_unused = test_page_unused,
};

static void test_pool_exit(void *data)
{
	struct test_pool *tp = data;

	blite_alloc_destroy(&tp->alloc);
}

static struct test_pool *test_pool_create(struct kunit *test, size_t size)
{
	struct test_pool *tp;

	tp = kunit_kzalloc(test, sizeof(*tp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tp);
	tp->test = test;
	blite_alloc_early_init(&tp->alloc);
	KUNIT_ASSERT_EQ(test, 0, blite_alloc_init(&tp->alloc, size, &test_ops, tp));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, test_pool_exit, tp));
	return tp;
}

/* Reports a broken invariant; returns @ok so that callers can bail out. */
static __printf(3, 4) bool check(struct kunit *test, bool ok, const char *fmt, ...)
{
	char msg[128];
	va_list args;

	if (likely(ok))
		return true;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	KUNIT_FAIL(test, "pool invariant broken: %s", msg);
	return false;
}

/*
 * Checks the invariants of @tp's allocator: with @trees, the trees' too.
 * Returns false (after reporting) if one does not hold. Plain comparisons
 * rather than KUNIT_EXPECT keep it cheap enough for the exhaustive test.
 */
static bool __check_pool(struct kunit *test, struct test_pool *tp, bool trees)
{
	struct blite_alloc *alloc = &tp->alloc;
	unsigned int users[TEST_MAX_PAGES] = { 0 };
	struct blite_buffer *buf, *prev = NULL;
	size_t expect = 0, used = 0;
	unsigned int nr_free = 0, nr_used = 0, count;
	struct rb_node *n;
	unsigned long i;
	bool is_used;

	list_for_each_entry(buf, &alloc->buffers, entry) {
		if (!check(test, buf->start == expect && buf->size &&
			   IS_ALIGNED(buf->start, BLITE_ALLOC_ALIGN),
			   "block %zu+%zu, expected one at %zu",
			   buf->start, buf->size, expect))
			return false;
		if (!check(test, !prev || !prev->free || !buf->free,
			   "adjacent free blocks at %zu", buf->start))
			return false;
		if (buf->free) {
			nr_free++;
		} else {
			nr_used++;
			used += buf->size;
			for (i = buf->start >> PAGE_SHIFT;
			     i <= (buf->start + buf->size - 1) >> PAGE_SHIFT; i++)
				users[i]++;
		}
		expect += buf->size;
		prev = buf;
	}
	if (!check(test, expect == alloc->size, "blocks cover %zu bytes", expect) ||
	    !check(test, nr_free == alloc->nr_free, "%u free blocks", nr_free) ||
	    !check(test, nr_used == alloc->nr_used, "%u in-use buffers", nr_used) ||
	    !check(test, used == alloc->bytes_used, "%zu bytes in use", used) ||
	    !check(test, alloc->nr_spares <= BLITE_ALLOC_MAX_SPARES, "%u spares",
		   alloc->nr_spares))
		return false;
	if (!trees)
		goto pages;

	/* The free tree is in (size, start) order and holds the free blocks. */
	prev = NULL;
	nr_free = 0;
	for (n = rb_first(&alloc->free_tree); n; n = rb_next(n), nr_free++) {
		buf = rb_entry(n, struct blite_buffer, rb_node);
		if (!check(test, buf->free && (!prev || blite_free_less(prev, buf)),
			   "free tree at %zu", buf->start))
			return false;
		prev = buf;
	}
	prev = NULL;
	nr_used = 0;
	for (n = rb_first(&alloc->used_tree); n; n = rb_next(n), nr_used++) {
		buf = rb_entry(n, struct blite_buffer, rb_node);
		if (!check(test, !buf->free && (!prev || prev->start < buf->start),
			   "used tree at %zu", buf->start))
			return false;
		prev = buf;
	}
	if (!check(test, nr_free == alloc->nr_free, "free tree holds %u", nr_free) ||
	    !check(test, nr_used == alloc->nr_used, "used tree holds %u", nr_used))
		return false;

pages:
	/* Pages are used exactly where in-use buffers are. */
	if (!check(test, !tp->hook_error, "a page hook repeated itself"))
		return false;
	nr_used = 0;
	for (i = 0; i < alloc->nr_pages; i++) {
		/* No counts before the first allocation: no page is used. */
		count = alloc->page_users ? alloc->page_users[i] : 0;
		is_used = users[i] > 0;
		if (!check(test, count == users[i] && test_bit(i, tp->used) == is_used,
			   "page %lu: %u users, expected %u, reported %d",
			   i, count, users[i], test_bit(i, tp->used)))
			return false;
		nr_used += is_used;
	}
	return check(test, nr_used == alloc->nr_pages_used, "%u pages used", nr_used);
}

static bool check_pool(struct kunit *test, struct test_pool *tp)
{
	return __check_pool(test, tp, true);
}

/* The pool is back to one free block covering everything. */
static void check_empty(struct kunit *test, struct test_pool *tp)
{
	struct blite_buffer *buf;

	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_used, 0);
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_free, 1);
	buf = list_first_entry(&tp->alloc.buffers, struct blite_buffer, entry);
	KUNIT_EXPECT_EQ(test, buf->size, tp->alloc.size);
	KUNIT_EXPECT_EQ(test, tp->alloc.free_async_space, tp->alloc.size / 2);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(tp->used, TEST_MAX_PAGES));
}

static struct blite_buffer *alloc_ok(struct kunit *test, struct test_pool *tp,
				     size_t size, bool async)
{
	struct blite_buffer *buf = blite_alloc_new_buf(&tp->alloc, size, 0, 0, async);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	return buf;
}

/*
 * Exhaustive layouts. Five buffers are allocated back to back; the end of
 * each falls into one of five classes relative to the page grid, which
 * decides whether it shares its last page with the next buffer:
 *
 *   0  inside the page it starts in          (shares it)
 *   1  exactly on the next page boundary     (shares nothing)
 *   2  just past the next page boundary      (shares the new page)
 *   3  on the boundary one page further      (shares nothing)
 *   4  in the middle of the page after that  (shares it)
 *
 * For each of the 5^5 layouts the buffers are freed in one of the 5! orders
 * (the test's parameter), and after every step the invariants are checked;
 * the last free must merge everything back into one block.
 */
#define EX_BUFS		5
#define EX_CLASSES	5
#define EX_LAYOUTS	(5 * 5 * 5 * 5 * 5)
#define EX_ORDERS	(5 * 4 * 3 * 2 * 1)

static size_t ex_end(size_t off, unsigned int class)
{
	size_t next = round_up(off + 1, PAGE_SIZE);

	switch (class) {
	case 0:
		return off + 16 <= next ? off + 16 : off + 8;
	case 1:
		return next;
	case 2:
		return next + 16;
	case 3:
		return next + PAGE_SIZE;
	default:
		return next + PAGE_SIZE + PAGE_SIZE / 2;
	}
}

/* The @index-th permutation of 0..EX_BUFS-1 in lexicographic order. */
static void ex_order(unsigned int index, unsigned int *order)
{
	unsigned int left[EX_BUFS], n = EX_BUFS, i, f, k;

	for (i = 0; i < EX_BUFS; i++)
		left[i] = i;
	for (i = 0; i < EX_BUFS; i++) {
		for (f = 1, k = 2; k < n; k++)
			f *= k;
		k = index / f;
		index %= f;
		order[i] = left[k];
		memmove(&left[k], &left[k + 1], (n - k - 1) * sizeof(left[0]));
		n--;
	}
}

/* The parameter is an element of this array; its index is the free order. */
static const unsigned int ex_params[EX_ORDERS];

static const void *ex_gen_params(const void *prev, char *desc)
{
	unsigned int index = prev ? (const unsigned int *)prev - ex_params + 1 : 0;
	unsigned int order[EX_BUFS];

	if (index >= EX_ORDERS)
		return NULL;
	ex_order(index, order);
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "free order %u%u%u%u%u",
		 order[0], order[1], order[2], order[3], order[4]);
	return &ex_params[index];
}

static void alloc_test_exhaustive(struct kunit *test)
{
	unsigned int order_index = (const unsigned int *)test->param_value - ex_params;
	struct blite_buffer *bufs[EX_BUFS];
	unsigned int order[EX_BUFS], layout, i;
	struct test_pool *tp;
	size_t off;

	ex_order(order_index, order);
	/* Five buffers of class 4 need at most 3 pages each. */
	tp = test_pool_create(test, 3 * EX_BUFS * PAGE_SIZE);
	for (layout = 0; layout < EX_LAYOUTS; layout++) {
		unsigned int l = layout;

		off = 0;
		for (i = 0; i < EX_BUFS; i++) {
			size_t end = ex_end(off, l % EX_CLASSES);

			l /= EX_CLASSES;
			bufs[i] = alloc_ok(test, tp, end - off, false);
			/* Best fit from an empty pool packs buffers back to back. */
			KUNIT_ASSERT_EQ(test, bufs[i]->start, off);
			off = end;
		}
		if (!check_pool(test, tp))
			KUNIT_FAIL_AND_ABORT(test, "layout %u after allocating", layout);
		for (i = 0; i < EX_BUFS; i++) {
			blite_alloc_free_buf(&tp->alloc, bufs[order[i]]);
			if (!__check_pool(test, tp, false))
				KUNIT_FAIL_AND_ABORT(test, "layout %u, free step %u", layout, i);
		}
		check_empty(test, tp);
	}
}

/*
 * A long random run against a reference model: the model is a plain array
 * of blocks in address order, searched linearly for the best fit. Every
 * allocation must land exactly where the model says.
 */
#define RND_PAGES	32
#define RND_OPS		20000
#define RND_MAX_LIVE	256

struct model_block {
	size_t start, size;
	bool free;
};

struct model {
	struct model_block b[2 * RND_MAX_LIVE + 2];
	unsigned int n;
};

static long model_alloc(struct model *m, size_t size)
{
	unsigned int i, best = m->n;

	for (i = 0; i < m->n; i++)
		if (m->b[i].free && m->b[i].size >= size &&
		    (best == m->n || m->b[i].size < m->b[best].size))
			best = i;
	if (best == m->n)
		return -1;
	if (m->b[best].size > size) {
		memmove(&m->b[best + 2], &m->b[best + 1], (m->n - best - 1) * sizeof(m->b[0]));
		m->b[best + 1] = (struct model_block){ m->b[best].start + size,
						       m->b[best].size - size, true };
		m->b[best].size = size;
		m->n++;
	}
	m->b[best].free = false;
	return m->b[best].start;
}

static void model_free(struct model *m, size_t start)
{
	unsigned int i;

	for (i = 0; i < m->n && m->b[i].start != start; i++)
		;
	m->b[i].free = true;
	if (i + 1 < m->n && m->b[i + 1].free) {
		m->b[i].size += m->b[i + 1].size;
		memmove(&m->b[i + 1], &m->b[i + 2], (m->n - i - 2) * sizeof(m->b[0]));
		m->n--;
	}
	if (i > 0 && m->b[i - 1].free) {
		m->b[i - 1].size += m->b[i].size;
		memmove(&m->b[i], &m->b[i + 1], (m->n - i - 1) * sizeof(m->b[0]));
		m->n--;
	}
}

static void alloc_test_random(struct kunit *test)
{
	struct blite_buffer **live;
	struct rnd_state rnd;
	struct test_pool *tp;
	unsigned int nlive = 0, op, s = seed ? seed : get_random_u32();
	struct model *m;

	kunit_info(test, "seed %u (reproduce with seed=%u)\n", s, s);
	prandom_seed_state(&rnd, s);
	tp = test_pool_create(test, RND_PAGES * PAGE_SIZE);
	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	live = kunit_kcalloc(test, RND_MAX_LIVE, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, live);
	m->b[0] = (struct model_block){ 0, tp->alloc.size, true };
	m->n = 1;

	for (op = 0; op < RND_OPS; op++) {
		u32 r = prandom_u32_state(&rnd);

		if (nlive < RND_MAX_LIVE && (nlive == 0 || r % 100 < 55)) {
			/* Mostly small, sometimes pages long, sometimes empty. */
			size_t data = r % 7 == 0 ? 0 : prandom_u32_state(&rnd) %
				      (r % 5 == 0 ? 3 * PAGE_SIZE : 512);
			size_t offs = r % 3 == 0 ? 8 * (prandom_u32_state(&rnd) % 8) : 0;
			size_t size;
			struct blite_buffer *buf;
			long want;

			KUNIT_ASSERT_EQ(test, 0, blite_alloc_buf_size(data, offs, 0, &size));
			want = model_alloc(m, size);
			buf = blite_alloc_new_buf(&tp->alloc, data, offs, 0, false);
			if (want < 0) {
				KUNIT_ASSERT_EQ_MSG(test, PTR_ERR(buf), -ENOSPC, "op %u", op);
				continue;
			}
			KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, buf, "op %u", op);
			KUNIT_ASSERT_EQ_MSG(test, buf->start, (size_t)want,
					    "op %u: best fit for %zu bytes", op, size);
			live[nlive++] = buf;
		} else {
			unsigned int victim = prandom_u32_state(&rnd) % nlive;

			model_free(m, live[victim]->start);
			blite_alloc_free_buf(&tp->alloc, live[victim]);
			live[victim] = live[--nlive];
		}
		if (op % 64 == 0 && !check_pool(test, tp))
			KUNIT_FAIL_AND_ABORT(test, "op %u, seed %u", op, s);
	}
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));
	while (nlive)
		blite_alloc_free_buf(&tp->alloc, live[--nlive]);
	check_empty(test, tp);
}

static void alloc_test_exhaustion(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 8 * PAGE_SIZE);
	struct blite_buffer *bufs[8], *buf;
	size_t start;
	int i;

	for (i = 0; i < 8; i++)
		bufs[i] = alloc_ok(test, tp, PAGE_SIZE, false);
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_free, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, 0, 0, 0, false)), -ENOSPC);
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	/* A freed block is reused in place. */
	start = bufs[5]->start;
	blite_alloc_free_buf(&tp->alloc, bufs[5]);
	bufs[5] = alloc_ok(test, tp, PAGE_SIZE, false);
	KUNIT_EXPECT_EQ(test, bufs[5]->start, start);
	/* An exact fit leaves no free block behind. */
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_free, 0);

	for (i = 0; i < 8; i++)
		blite_alloc_free_buf(&tp->alloc, bufs[i]);
	check_empty(test, tp);

	/* The whole pool in one buffer, and one byte more. */
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(blite_alloc_new_buf(&tp->alloc, 8 * PAGE_SIZE + 1, 0, 0, false)),
			-ENOSPC);
	buf = alloc_ok(test, tp, 8 * PAGE_SIZE, false);
	KUNIT_EXPECT_EQ(test, tp->alloc.high_watermark, 8 * PAGE_SIZE);
	blite_alloc_free_buf(&tp->alloc, buf);
	check_empty(test, tp);
}

static void alloc_test_fragmentation(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 4 * PAGE_SIZE);
	struct blite_buffer *bufs[16], *buf;
	struct blite_alloc_stats st;
	int i;

	for (i = 0; i < 16; i++)
		bufs[i] = alloc_ok(test, tp, PAGE_SIZE / 4, false);
	for (i = 0; i < 16; i += 2)
		blite_alloc_free_buf(&tp->alloc, bufs[i]);
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	/* Half the pool is free, in eight holes of a quarter page each. */
	blite_alloc_get_stats(&tp->alloc, &st);
	KUNIT_EXPECT_EQ(test, st.bytes_free, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, st.largest_free, PAGE_SIZE / 4);
	KUNIT_EXPECT_EQ(test, st.nr_free, 8);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(blite_alloc_new_buf(&tp->alloc, PAGE_SIZE / 4 + 8, 0, 0, false)),
			-ENOSPC);

	/* Best fit: a small request takes the lowest of the equal holes. */
	buf = alloc_ok(test, tp, 8, false);
	KUNIT_EXPECT_EQ(test, buf->start, 0);
	blite_alloc_free_buf(&tp->alloc, buf);

	for (i = 1; i < 16; i += 2)
		blite_alloc_free_buf(&tp->alloc, bufs[i]);
	check_empty(test, tp);
}

static void alloc_test_best_fit(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 4 * PAGE_SIZE);
	struct blite_buffer *a, *b, *c, *d, *e, *buf;

	/* Holes of 512 at 0, 128 at 768 and 256 at 1024, with the tail free. */
	a = alloc_ok(test, tp, 512, false);
	b = alloc_ok(test, tp, 256, false);
	c = alloc_ok(test, tp, 128, false);
	d = alloc_ok(test, tp, 128, false);
	e = alloc_ok(test, tp, 256, false);
	buf = alloc_ok(test, tp, 64, false);
	blite_alloc_free_buf(&tp->alloc, a);
	blite_alloc_free_buf(&tp->alloc, c);
	blite_alloc_free_buf(&tp->alloc, e);
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	/* 100 bytes: the 128-byte hole, not the first or the largest. */
	a = alloc_ok(test, tp, 100, false);
	KUNIT_EXPECT_EQ(test, a->start, 768);
	/* 200 bytes: the 256-byte hole. */
	c = alloc_ok(test, tp, 200, false);
	KUNIT_EXPECT_EQ(test, c->start, 1024);
	/* 300 bytes: the 512-byte hole at 0. */
	e = alloc_ok(test, tp, 300, false);
	KUNIT_EXPECT_EQ(test, e->start, 0);
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	blite_alloc_free_buf(&tp->alloc, a);
	blite_alloc_free_buf(&tp->alloc, b);
	blite_alloc_free_buf(&tp->alloc, c);
	blite_alloc_free_buf(&tp->alloc, d);
	blite_alloc_free_buf(&tp->alloc, e);
	blite_alloc_free_buf(&tp->alloc, buf);
	check_empty(test, tp);
}

static void alloc_test_sizes(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 4 * PAGE_SIZE);
	struct blite_buffer *z1, *z2, *buf;
	size_t size;

	/* Empty buffers still get addresses of their own. */
	z1 = alloc_ok(test, tp, 0, false);
	z2 = alloc_ok(test, tp, 0, false);
	KUNIT_EXPECT_NE(test, z1->start, z2->start);
	KUNIT_EXPECT_EQ(test, z1->size, BLITE_ALLOC_ALIGN);

	/* Data and offsets are each rounded up to 8 bytes. */
	KUNIT_EXPECT_EQ(test, 0, blite_alloc_buf_size(13, 5, 0, &size));
	KUNIT_EXPECT_EQ(test, size, 24);
	buf = blite_alloc_new_buf(&tp->alloc, 13, 5, 0, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf->size, 24);
	KUNIT_EXPECT_EQ(test, buf->data_size, 13);
	KUNIT_EXPECT_EQ(test, buf->offsets_size, 5);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(buf->start, BLITE_ALLOC_ALIGN));

	/* Sizes that overflow are refused, not wrapped. */
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_buf_size(SIZE_MAX, 0, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_buf_size(SIZE_MAX - 6, 0, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_buf_size(0, SIZE_MAX, 0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_buf_size(SIZE_MAX / 2 + 8, SIZE_MAX / 2 + 8,
							    0, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_buf_size(0, 0, SIZE_MAX - 6, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_buf_size(SIZE_MAX / 2, 0, SIZE_MAX / 2 + 8,
							    &size));
	/* Each section is aligned on its own: 13 -> 16, 5 -> 8, 1 -> 8. */
	KUNIT_EXPECT_EQ(test, 0, blite_alloc_buf_size(13, 5, 1, &size));
	KUNIT_EXPECT_EQ(test, size, 32);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, SIZE_MAX, 8, 0, false)),
			-EINVAL);
	/* Absurd but representable sizes find no room. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, SIZE_MAX / 4, 0, 0, false)),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, 0, 1UL << 40, 0, false)),
			-ENOSPC);
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	blite_alloc_free_buf(&tp->alloc, z2);
	blite_alloc_free_buf(&tp->alloc, buf);
	blite_alloc_free_buf(&tp->alloc, z1);
	check_empty(test, tp);
}

/*
 * Oneway spam detection: reported once the async space left is below a
 * tenth of the pool and the sender holds more than 50 async buffers (or a
 * quarter of the pool), once per episode of low space.
 */
static void alloc_test_spam_suspect(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 64 * PAGE_SIZE);
	size_t low = tp->alloc.size / 10;
	struct blite_buffer *filler, *sync, *b[60];
	int i, suspects = 0, first = -1;

	/* Another sender's buffer brings the async space down to the mark. */
	filler = alloc_ok(test, tp, round_down(tp->alloc.free_async_space - low,
					       BLITE_ALLOC_ALIGN), true);
	KUNIT_EXPECT_FALSE(test, filler->oneway_spam_suspect);
	filler->pid = -1;
	/* Ours are small: the count, not the bytes, trips the detector. */
	for (i = 0; i < ARRAY_SIZE(b); i++) {
		b[i] = alloc_ok(test, tp, 8, true);
		if (b[i]->oneway_spam_suspect && first < 0)
			first = i;
		suspects += b[i]->oneway_spam_suspect;
	}
	KUNIT_EXPECT_EQ(test, first, 50);	/* the 51st */
	KUNIT_EXPECT_EQ(test, suspects, 1);	/* once per episode */

	/* Space back above the mark: the episode ends. */
	blite_alloc_free_buf(&tp->alloc, filler);
	filler = alloc_ok(test, tp, 8, true);
	KUNIT_EXPECT_FALSE(test, filler->oneway_spam_suspect);
	KUNIT_EXPECT_FALSE(test, tp->alloc.oneway_spam_detected);
	/* A sync buffer is never a suspect. */
	sync = alloc_ok(test, tp, 8, false);
	KUNIT_EXPECT_FALSE(test, sync->oneway_spam_suspect);

	blite_alloc_free_buf(&tp->alloc, sync);
	blite_alloc_free_buf(&tp->alloc, filler);
	for (i = 0; i < ARRAY_SIZE(b); i++)
		blite_alloc_free_buf(&tp->alloc, b[i]);
	check_empty(test, tp);
}

static void alloc_test_async_quota(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 8 * PAGE_SIZE);
	struct blite_buffer *a[4], *sync;
	int i;

	KUNIT_EXPECT_EQ(test, tp->alloc.free_async_space, 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		a[i] = alloc_ok(test, tp, PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, tp->alloc.free_async_space, 0);
	/* The quota is spent: async fails, sync still fits. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, 0, 0, 0, true)), -ENOSPC);
	sync = alloc_ok(test, tp, PAGE_SIZE, false);
	KUNIT_EXPECT_EQ(test, tp->alloc.free_async_space, 0);

	/* Freeing an async buffer gives its quota back. */
	blite_alloc_free_buf(&tp->alloc, a[2]);
	KUNIT_EXPECT_EQ(test, tp->alloc.free_async_space, PAGE_SIZE);
	a[2] = alloc_ok(test, tp, PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, PAGE_SIZE, 0, 0, true)),
			-ENOSPC);
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	blite_alloc_free_buf(&tp->alloc, sync);
	for (i = 0; i < 4; i++)
		blite_alloc_free_buf(&tp->alloc, a[i]);
	check_empty(test, tp);
}

static void alloc_test_claim(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 4 * PAGE_SIZE);
	struct blite_buffer *a, *b;

	a = alloc_ok(test, tp, 100, false);
	b = alloc_ok(test, tp, 100, false);

	/* Not delivered yet: user space cannot free it. */
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&tp->alloc, a->start));
	blite_alloc_mark_delivered(&tp->alloc, a);
	blite_alloc_mark_delivered(&tp->alloc, b);

	/* Foreign addresses: inside a buffer, in free space, past the end. */
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&tp->alloc, a->start + 8));
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&tp->alloc, 2 * PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&tp->alloc, 1UL << 40));

	/* One claim per delivery: the second is a double free. */
	KUNIT_EXPECT_PTR_EQ(test, blite_alloc_claim_delivered(&tp->alloc, a->start), a);
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&tp->alloc, a->start));
	blite_alloc_free_buf(&tp->alloc, a);
	/* Freed: its address is free space now. */
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&tp->alloc, 0));
	KUNIT_ASSERT_TRUE(test, check_pool(test, tp));

	KUNIT_EXPECT_PTR_EQ(test, blite_alloc_claim_delivered(&tp->alloc, b->start), b);
	blite_alloc_free_buf(&tp->alloc, b);
	check_empty(test, tp);
}

/* Merges give block structures back to a cache that the next split uses. */
static void alloc_test_spares(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 4 * PAGE_SIZE);
	struct blite_buffer *bufs[8];
	int i;

	KUNIT_EXPECT_EQ(test, tp->alloc.nr_spares, 0);
	bufs[0] = alloc_ok(test, tp, 64, false);
	blite_alloc_free_buf(&tp->alloc, bufs[0]);
	/* The merge freed the split-off block's structure into the cache. */
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_spares, 1);
	bufs[0] = alloc_ok(test, tp, 64, false);
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_spares, 0);

	for (i = 1; i < 8; i++)
		bufs[i] = alloc_ok(test, tp, 64, false);
	for (i = 0; i < 8; i++)
		blite_alloc_free_buf(&tp->alloc, bufs[i]);
	/* The cache is bounded; the rest went back to the slab. */
	KUNIT_EXPECT_EQ(test, tp->alloc.nr_spares, BLITE_ALLOC_MAX_SPARES);
	check_empty(test, tp);
}

static void alloc_test_no_pool(struct kunit *test)
{
	struct blite_alloc alloc;
	struct blite_alloc_stats st;

	blite_alloc_early_init(&alloc);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&alloc, 8, 0, 0, false)), -ESRCH);
	KUNIT_EXPECT_NULL(test, blite_alloc_claim_delivered(&alloc, 0));
	blite_alloc_get_stats(&alloc, &st);
	KUNIT_EXPECT_EQ(test, st.size, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_init(&alloc, 0, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, blite_alloc_init(&alloc, PAGE_SIZE + 8, NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, blite_alloc_init(&alloc, PAGE_SIZE, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EBUSY, blite_alloc_init(&alloc, PAGE_SIZE, NULL, NULL));
	blite_alloc_destroy(&alloc);
	KUNIT_EXPECT_EQ(test, alloc.size, 0);
}

/*
 * A pool nobody has sent to has no per-page counts; the first allocation
 * brings them, whatever its outcome, and they stay until the pool goes.
 */
static void alloc_test_lazy_page_counts(struct kunit *test)
{
	struct test_pool *tp = test_pool_create(test, 4 * PAGE_SIZE);
	struct blite_buffer *buf;

	KUNIT_EXPECT_NULL(test, tp->alloc.page_users);
	/* Refused before it needs pages: still none. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(blite_alloc_new_buf(&tp->alloc, SIZE_MAX, 0, 0,
							  false)), -EINVAL);
	KUNIT_EXPECT_NULL(test, tp->alloc.page_users);
	buf = blite_alloc_new_buf(&tp->alloc, PAGE_SIZE + 8, 0, 0, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_EXPECT_NOT_NULL(test, tp->alloc.page_users);
	KUNIT_EXPECT_TRUE(test, check_pool(test, tp));
	blite_alloc_free_buf(&tp->alloc, buf);
	KUNIT_EXPECT_NOT_NULL(test, tp->alloc.page_users);
	check_empty(test, tp);
}

static struct kunit_case blite_alloc_cases[] = {
	KUNIT_CASE(alloc_test_sizes),
	KUNIT_CASE(alloc_test_best_fit),
	KUNIT_CASE(alloc_test_exhaustion),
	KUNIT_CASE(alloc_test_fragmentation),
	KUNIT_CASE(alloc_test_async_quota),
	KUNIT_CASE(alloc_test_claim),
	KUNIT_CASE(alloc_test_spares),
	KUNIT_CASE(alloc_test_no_pool),
	KUNIT_CASE(alloc_test_lazy_page_counts),
	KUNIT_CASE(alloc_test_spam_suspect),
	KUNIT_CASE_SLOW(alloc_test_random),
	KUNIT_CASE_PARAM(alloc_test_exhaustive, ex_gen_params),
	{}
};

static struct kunit_suite blite_alloc_suite = {
	.name = "binderlite_alloc",
	.test_cases = blite_alloc_cases,
};

kunit_test_suite(blite_alloc_suite);

MODULE_DESCRIPTION("binderlite KUnit tests");
MODULE_LICENSE("GPL");
