// SPDX-License-Identifier: GPL-2.0
/*
 * Scatter-gather: BC_TRANSACTION_SG and BC_REPLY_SG with buffer (PTR)
 * objects.
 *
 * Each buffer is copied into the receiver's pool after the data and the
 * offsets (each rounded up to 8 bytes), in object order, each taking its
 * length rounded up to 8, and the object's pointer becomes the receiver's
 * address. A child buffer (BINDERLITE_BUFFER_FLAG_HAS_PARENT) has the
 * pointer to it inside its parent rewritten, whatever the sender put there:
 * a tree of three levels as HIDL writes it is followed by its pointers in
 * the receiver. Binder's rules, asserted here: buffers_size a multiple of 8
 * and large enough, sizes that overflow refused (-EINVAL, or -ENOSPC for a
 * size that is merely too large), parents earlier and of buffer type,
 * pointers inside their parent, fixups in the order
 * binder_validate_fixup() allows, no parent at data offset 0; a buffer of
 * length 0 needs no room, even in a plain BC_TRANSACTION. On binderlite,
 * debugfs counts the buffers' bytes as sent and copied, once.
 *
 * Either the test is the context manager and a child sends it prepared
 * transactions (sg_spawn_sender()), or a child manager answers the test
 * (sg_spawn_replier()) or must receive nothing (sg_quiet_mgr()). Every
 * test runs against /dev/binderlite and the reference /dev/binder.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "binderlite_ipc_sg.h"

#define CODE_SG		0x200U
#define CODE_PLAIN	0x201U
/* The first 8 bytes of most payloads: no object at data offset 0. */
#define HDR		0x6864720aULL
/* What a sender may leave in a parent's pointer: the driver overwrites it. */
#define GARBAGE		0xdeadbeefdeadbeefULL

FIXTURE(sg) {
	struct ipc_dev dev;
	struct ipc_reader r;
	struct sg_script *s;
	/* descriptors the test had before its setup */
	int fds_before;
};

FIXTURE_VARIANT(sg) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(sg, (), ());

FIXTURE_SETUP(sg)
{
	sg_fixture_setup(_metadata, variant->path, &self->dev, &self->r, &self->s,
			 &self->fds_before);
}

FIXTURE_TEARDOWN(sg)
{
	sg_fixture_teardown(_metadata, &self->dev, self->s, self->fds_before, variant->binderlite);
}

/* Starts @m with the 8-byte header HDR: no object at data offset 0. */
static void hdr_msg(struct obj_msg *m)
{
	obj_msg_init(m);
	obj_msg_u64(m, HDR);
}

/* Asserts that step @i of the script was refused with @param. */
static void assert_step_refused(struct __test_metadata *_metadata, FIXTURE_DATA(sg) *self, int i,
				int param)
{
	TH_LOG("step %d", i);
	SG_ASSERT_REFUSED(&self->s->steps[i].out, param);
}

/* The buffer object @i of @tr. */
static struct binderlite_buffer_object rx_ptr(struct __test_metadata *_metadata,
					      const struct binderlite_transaction_data *tr,
					      size_t i)
{
	struct binderlite_buffer_object bo = { 0 };

	EXPECT_EQ(0, ipc_obj_at(tr, i, &bo, sizeof(bo)));
	EXPECT_EQ((uint32_t)BINDERLITE_TYPE_PTR, bo.hdr.type);
	return bo;
}

/* The 64-bit value at @addr + @off in the receiver's memory. */
static uint64_t peek64(uint64_t addr, uint64_t off)
{
	uint64_t v;

	memcpy(&v, (const void *)(uintptr_t)(addr + off), sizeof(v));
	return v;
}

/* The four buffers of the layout tests: lengths 5, 16, 0 and 13. */
struct layout {
	uint8_t b0[5], b1[16], b3[13];
	uint64_t b2;
};

static const uint64_t layout_len[4] = { 5, 16, 0, 13 };
/* Where each lands, from the start of the buffer area. */
static const uint64_t layout_at[4] = { 0, 8, 24, 24 };

/* A message: the header, four buffer objects, a 4-byte trailer. */
static void layout_msg(struct obj_msg *m, struct layout *l)
{
	uint32_t trailer = 0x7261696c;

	ipc_fill(l->b0, sizeof(l->b0), 1);
	ipc_fill(l->b1, sizeof(l->b1), 2);
	ipc_fill(l->b3, sizeof(l->b3), 3);
	l->b2 = GARBAGE;
	hdr_msg(m);
	obj_msg_ptr(m, l->b0, sizeof(l->b0), -1, 0);
	obj_msg_ptr(m, l->b1, sizeof(l->b1), -1, 0);
	obj_msg_ptr(m, &l->b2, 0, -1, 0);
	obj_msg_ptr(m, l->b3, sizeof(l->b3), -1, 0);
	obj_msg_put(m, &trailer, sizeof(trailer));
}

/* Asserts that @tr carries layout_msg()'s message, laid out in @pool as binder lays it out. */
static void assert_layout(struct __test_metadata *_metadata,
			  const struct binderlite_transaction_data *tr, const struct obj_msg *m,
			  const struct layout *l, const struct ipc_dev *pool)
{
	const uint8_t *sent[4] = { l->b0, l->b1, (const uint8_t *)&l->b2, l->b3 };
	uint64_t start = sg_rx_sg_start(tr), lo = (uintptr_t)pool->pool;
	struct binderlite_buffer_object bo;
	int i;

	ASSERT_EQ(m->size, tr->data_size);
	ASSERT_EQ(4 * sizeof(binderlite_size_t), tr->offsets_size);
	ASSERT_EQ(0ULL, tr->data.ptr.buffer % 8);
	ASSERT_EQ(tr->data.ptr.buffer + OBJ_ALIGN(m->size), tr->data.ptr.offsets);
	ASSERT_EQ(tr->data.ptr.offsets + 32, start);
	ASSERT_LE(lo, tr->data.ptr.buffer);
	ASSERT_GE(lo + pool->pool_size, start + m->buffers_size);
	/* The data is the sender's but for the buffer pointers. */
	ASSERT_EQ(HDR, peek64(tr->data.ptr.buffer, 0));
	ASSERT_EQ(0, memcmp((const uint8_t *)ipc_payload(tr) + m->size - 4,
			    m->data + m->size - 4, 4));
	for (i = 0; i < 4; i++) {
		bo = rx_ptr(_metadata, tr, i);
		ASSERT_EQ(0U, bo.flags);
		ASSERT_EQ(layout_len[i], bo.length);
		ASSERT_EQ(start + layout_at[i], bo.buffer) TH_LOG("buffer %d", i);
		ASSERT_EQ(0, memcmp((const void *)(uintptr_t)bo.buffer, sent[i], bo.length));
	}
}

/*
 * Buffers land after the data and the offsets, in object order, each at an
 * 8-byte boundary, a zero-length one taking no room; with room to spare in
 * buffers_size, the same.
 */
TEST_F(sg, layout)
{
	struct binderlite_transaction_data tr;
	struct sg_step *st;
	struct layout l;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	layout_msg(&m, &l);
	ASSERT_EQ(40ULL, m.buffers_size);
	ASSERT_EQ(172U, m.size);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	st->buffers_size += 64;
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	sg_assert_call(_metadata, &self->r, &tr);
	assert_layout(_metadata, &tr, &m, &l, &self->dev);
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_assert_call(_metadata, &self->r, &tr);
	assert_layout(_metadata, &tr, &m, &l, &self->dev);
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
	SG_ASSERT_ANSWERED(&self->s->steps[1].out);
}

/* The same in a reply: BC_REPLY_SG. */
TEST_F(sg, reply)
{
	struct sg_outcome o;
	struct layout l;
	struct obj_msg m;
	pid_t pid;

	layout_msg(&m, &l);
	sg_step_add(self->s, BINDERLITE_BC_REPLY_SG, 0, 0, &m);
	pid = sg_spawn_replier(variant->path, 0, self->s);
	ASSERT_LT(0, pid);
	obj_msg_init(&m);
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION, 0, CODE_PLAIN, 0, &m, &o));
	SG_ASSERT_ANSWERED(&o);
	layout_msg(&m, &l);
	assert_layout(_metadata, &o.reply, &m, &l, &self->dev);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, o.reply.data.ptr.buffer));
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_COMPLETED(&self->s->steps[0].out);
}

/* A HIDL-like tree: a string is a pointer and a length, a vector a pointer and a count. */
struct hstr {
	uint64_t ptr;
	uint64_t len;
};

struct helem {
	uint64_t id;
	struct hstr label;
};

struct hroot {
	uint64_t magic;
	struct hstr name;
	uint64_t vec;
	uint64_t count;
};

#define ROOT_MAGIC	0x726f6f74726f6f74ULL

/* The sender's tree: the root, its name, its vector of two labelled elements. */
struct tree {
	struct hroot root;
	struct helem elems[2];
	char name[11], label0[6], label1[7];
};

/*
 * The message of @t, as HIDL writes it: the root, then each buffer after
 * its parent, with the parent's pointers to its children as the sender
 * has them (@garbage: something else, which the driver overwrites anyway).
 */
static void tree_msg(struct obj_msg *m, struct tree *t, bool garbage)
{
	memcpy(t->name, "binderlite", sizeof(t->name));
	memcpy(t->label0, "first", sizeof(t->label0));
	memcpy(t->label1, "second", sizeof(t->label1));
	t->root = (struct hroot){
		.magic = ROOT_MAGIC,
		.name = { garbage ? GARBAGE : (uintptr_t)t->name, sizeof(t->name) },
		.vec = garbage ? GARBAGE : (uintptr_t)t->elems,
		.count = 2,
	};
	t->elems[0] = (struct helem){
		.id = 100, .label = { garbage ? 0 : (uintptr_t)t->label0, sizeof(t->label0) },
	};
	t->elems[1] = (struct helem){
		.id = 101, .label = { garbage ? 1 : (uintptr_t)t->label1, sizeof(t->label1) },
	};
	hdr_msg(m);
	obj_msg_ptr(m, &t->root, sizeof(t->root), -1, 0);
	obj_msg_ptr(m, t->name, sizeof(t->name), 0, offsetof(struct hroot, name.ptr));
	obj_msg_ptr(m, t->elems, sizeof(t->elems), 0, offsetof(struct hroot, vec));
	obj_msg_ptr(m, t->label0, sizeof(t->label0), 2, offsetof(struct helem, label.ptr));
	obj_msg_ptr(m, t->label1, sizeof(t->label1), 2,
		    sizeof(struct helem) + offsetof(struct helem, label.ptr));
}

/* Whether [@p, @p + @len) lies inside the buffer area of @tr. */
static bool in_area(const struct binderlite_transaction_data *tr, uint64_t area, uint64_t p,
		    uint64_t len)
{
	uint64_t start = sg_rx_sg_start(tr);

	return p >= start && p <= start + area && len <= start + area - p;
}

/*
 * Follows the tree from its root in the receiver, by its pointers only,
 * each of which must lie in the transaction's buffer area and be the
 * address the corresponding buffer object names.
 */
static void assert_tree(struct __test_metadata *_metadata,
			const struct binderlite_transaction_data *tr, uint64_t area)
{
	static const char * const labels[2] = { "first", "second" };
	const struct helem *elems;
	const struct hroot *root;
	const char *s;
	uint64_t i;

	root = (const void *)(uintptr_t)rx_ptr(_metadata, tr, 0).buffer;
	ASSERT_TRUE(in_area(tr, area, (uintptr_t)root, sizeof(*root)));
	ASSERT_EQ(0ULL, (uintptr_t)root % 8);
	ASSERT_EQ(ROOT_MAGIC, root->magic);
	ASSERT_EQ(11ULL, root->name.len);
	ASSERT_EQ(rx_ptr(_metadata, tr, 1).buffer, root->name.ptr);
	ASSERT_TRUE(in_area(tr, area, root->name.ptr, root->name.len));
	s = (const char *)(uintptr_t)root->name.ptr;
	ASSERT_STREQ("binderlite", s);
	ASSERT_EQ(2ULL, root->count);
	ASSERT_EQ(rx_ptr(_metadata, tr, 2).buffer, root->vec);
	ASSERT_TRUE(in_area(tr, area, root->vec, root->count * sizeof(*elems)));
	elems = (const void *)(uintptr_t)root->vec;
	for (i = 0; i < root->count; i++) {
		ASSERT_EQ(100 + i, elems[i].id);
		ASSERT_EQ(rx_ptr(_metadata, tr, 3 + i).buffer, elems[i].label.ptr);
		ASSERT_TRUE(in_area(tr, area, elems[i].label.ptr, elems[i].label.len));
		s = (const char *)(uintptr_t)elems[i].label.ptr;
		ASSERT_STREQ(labels[i], s);
	}
}

/*
 * A tree of three levels, as HIDL writes it (a struct with a string and a
 * vector of structs with strings): the receiver follows its pointers to
 * every part; also when the sender's pointer fields hold garbage.
 */
TEST_F(sg, tree)
{
	struct binderlite_transaction_data tr;
	struct obj_msg m;
	struct tree t;
	uint64_t area;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	tree_msg(&m, &t, false);
	area = m.buffers_size;
	ASSERT_EQ(OBJ_ALIGN(sizeof(t.root)) + 16 + OBJ_ALIGN(sizeof(t.elems)) + 8 + 8, area);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	sg_assert_call(_metadata, &self->r, &tr);
	assert_tree(_metadata, &tr, area);
	sg_assert_reply_free(_metadata, &self->r, &tr);
	ASSERT_EQ(0, ipc_wait(pid, 30));
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);

	/* The pointers the driver writes do not depend on what the sender had. */
	self->s->n = 0;
	tree_msg(&m, &t, true);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	sg_assert_call(_metadata, &self->r, &tr);
	assert_tree(_metadata, &tr, area);
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
}

/*
 * A buffer object at data offset 0 can be no parent: binder's fixup check
 * takes offset 0 for "no buffer yet" and refuses the child (-EINVAL). The
 * same buffer alone, or after 8 bytes of data, is fine.
 */
TEST_F(sg, parent_at_data_offset_0)
{
	struct binderlite_transaction_data tr;
	uint64_t a[2] = { 1, 2 }, b = 3;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	obj_msg_init(&m);
	obj_msg_ptr(&m, a, sizeof(a), -1, 0);
	obj_msg_ptr(&m, &b, sizeof(b), 0, 8);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	obj_msg_init(&m);
	obj_msg_ptr(&m, a, sizeof(a), -1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	obj_msg_ptr(&m, a, sizeof(a), -1, 0);
	obj_msg_ptr(&m, &b, sizeof(b), 0, 8);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	sg_assert_call(_metadata, &self->r, &tr);
	ASSERT_EQ(1U * sizeof(binderlite_size_t), tr.offsets_size);
	ASSERT_EQ(1ULL, peek64(rx_ptr(_metadata, &tr, 0).buffer, 0));
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_assert_call(_metadata, &self->r, &tr);
	ASSERT_EQ(rx_ptr(_metadata, &tr, 1).buffer, peek64(rx_ptr(_metadata, &tr, 0).buffer, 8));
	ASSERT_EQ(3ULL, peek64(rx_ptr(_metadata, &tr, 1).buffer, 0));
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_reap_script(_metadata, self->s, pid, 0);
	assert_step_refused(_metadata, self, 0, -EINVAL);
	SG_ASSERT_ANSWERED(&self->s->steps[1].out);
	SG_ASSERT_ANSWERED(&self->s->steps[2].out);
}

/* Sends @m with @buffers_size to the quiet manager; asserts it is refused with @param. */
static void assert_sg_refused(struct __test_metadata *_metadata, FIXTURE_DATA(sg) *self,
			      const struct obj_msg *m, uint64_t buffers_size, int param)
{
	struct ipc_cmds c = { 0 };
	struct sg_outcome o;

	ipc_cmd_txn_sg(&c, BINDERLITE_BC_TRANSACTION_SG, 0, CODE_SG, 0, m->data, m->size,
		       m->offsets, m->nr_objs * sizeof(m->offsets[0]), buffers_size);
	ASSERT_EQ(0, ipc_cmds_write(self->dev.fd, &c));
	ASSERT_EQ(0, sg_finish(&self->r, true, &o));
	TH_LOG("buffers_size %#llx", (unsigned long long)buffers_size);
	SG_ASSERT_REFUSED(&o, param);
}

/*
 * Sizes: buffers_size not a multiple of 8 (-EINVAL); a buffer larger than
 * the room left (-EINVAL, its length unrounded against the rounded room);
 * sizes whose sum or rounding overflows (-EINVAL) and sizes too large for
 * any pool (-ENOSPC). No crash, nothing delivered.
 */
TEST_F(sg, sizes_refused)
{
	uint8_t buf[64] = { 0 };
	struct obj_msg m;
	pid_t pid;

	pid = sg_start_mgr(variant->path, 0, sg_quiet_mgr, NULL);
	ASSERT_LT(0, pid);

	/* Unaligned, with and without a buffer. */
	hdr_msg(&m);
	assert_sg_refused(_metadata, self, &m, 4, -EINVAL);
	obj_msg_ptr(&m, buf, 8, -1, 0);
	assert_sg_refused(_metadata, self, &m, 12, -EINVAL);
	assert_sg_refused(_metadata, self, &m, 9, -EINVAL);

	/* No room: too little, none left for the second, none at all. */
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, 24, -1, 0);
	assert_sg_refused(_metadata, self, &m, 16, -EINVAL);
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, 8, -1, 0);
	obj_msg_ptr(&m, buf, 16, -1, 0);
	assert_sg_refused(_metadata, self, &m, 16, -EINVAL);
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, 13, -1, 0);
	obj_msg_ptr(&m, buf, 3, -1, 0);
	assert_sg_refused(_metadata, self, &m, 16, -EINVAL);
	assert_sg_refused(_metadata, self, &m, 0, -EINVAL);

	/* Huge lengths. */
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, 1ULL << 63, -1, 0);
	assert_sg_refused(_metadata, self, &m, 16, -EINVAL);
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, ~0ULL, -1, 0);
	assert_sg_refused(_metadata, self, &m, 16, -EINVAL);

	/* Huge buffers_size: overflowing when rounded or added, or just too large. */
	hdr_msg(&m);
	assert_sg_refused(_metadata, self, &m, ~0ULL, -EINVAL);
	assert_sg_refused(_metadata, self, &m, ~0ULL - 7, -EINVAL);
	assert_sg_refused(_metadata, self, &m, 1ULL << 63, -ENOSPC);
	assert_sg_refused(_metadata, self, &m, IPC_POOL_SIZE, -ENOSPC);
	obj_msg_init(&m);
	assert_sg_refused(_metadata, self, &m, ~0ULL - 7, -ENOSPC);
	/* Data so large that adding the buffers overflows. */
	m.size = ~0ULL - 7;
	assert_sg_refused(_metadata, self, &m, 16, -EINVAL);
	m.size = 0;

	ASSERT_EQ(0, sg_quit(&self->r, pid));
}

/*
 * A buffer object in a plain BC_TRANSACTION has no room: one with a length
 * is refused (-EINVAL); one of length 0 is accepted, its pointer at the
 * end of the offsets, even with no memory behind the sender's pointer.
 */
TEST_F(sg, ptr_in_plain_transaction)
{
	struct binderlite_transaction_data tr;
	struct binderlite_buffer_object bo;
	uint64_t x = 0x78;
	struct obj_msg m;
	pid_t pid;
	int i;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	hdr_msg(&m);
	obj_msg_ptr(&m, &x, sizeof(x), -1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_PLAIN, 0, &m);
	hdr_msg(&m);
	obj_msg_ptr(&m, &x, 0, -1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_PLAIN, 0, &m);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	obj_msg_ptr(&m, NULL, 0, -1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION, CODE_PLAIN, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	for (i = 1; i < 4; i++) {
		sg_assert_call(_metadata, &self->r, &tr);
		bo = rx_ptr(_metadata, &tr, 0);
		ASSERT_EQ(0ULL, bo.length);
		ASSERT_EQ(sg_rx_sg_start(&tr), bo.buffer);
		ASSERT_EQ(tr.data.ptr.offsets + tr.offsets_size, bo.buffer);
		sg_assert_reply_free(_metadata, &self->r, &tr);
	}
	sg_reap_script(_metadata, self->s, pid, 0);
	assert_step_refused(_metadata, self, 0, -EINVAL);
	for (i = 1; i < 4; i++)
		SG_ASSERT_ANSWERED(&self->s->steps[i].out);
}

/*
 * A zero-length child takes no room: its address is where the next buffer
 * starts, and its parent points there.
 */
TEST_F(sg, zero_length_child)
{
	struct binderlite_transaction_data tr;
	uint64_t a[2] = { GARBAGE, 0xa1 }, b = 0xb1;
	struct binderlite_buffer_object ra, rz, rb;
	struct obj_msg m;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	hdr_msg(&m);
	obj_msg_ptr(&m, a, sizeof(a), -1, 0);
	obj_msg_ptr(&m, &b, 0, 0, 0);
	obj_msg_ptr(&m, &b, sizeof(b), -1, 0);
	ASSERT_EQ(24ULL, m.buffers_size);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	sg_assert_call(_metadata, &self->r, &tr);
	ra = rx_ptr(_metadata, &tr, 0);
	rz = rx_ptr(_metadata, &tr, 1);
	rb = rx_ptr(_metadata, &tr, 2);
	ASSERT_EQ(ra.buffer + 16, rz.buffer);
	ASSERT_EQ(rz.buffer, rb.buffer);
	ASSERT_EQ(rz.buffer, peek64(ra.buffer, 0));
	ASSERT_EQ(0xa1ULL, peek64(ra.buffer, 8));
	ASSERT_EQ(0xb1ULL, peek64(rb.buffer, 0));
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
}

/* Appends buffer @len bytes of @buf with parent @parent at @off; see obj_msg_ptr(). */
#define P(m, buf, len, parent, off)	obj_msg_ptr(m, buf, len, parent, off)

/*
 * binder_validate_fixup()'s rules: fixups only inside the last buffer or
 * one of its ancestors, at increasing offsets, each past the previous
 * pointer in that parent. Its allowed example (A; B in A at 0; C in A at
 * 16; D in C at 0; E in A at 32) arrives with every pointer rewritten, and
 * so does E at 24, the least it may be; decreasing offsets, a parent that
 * is neither the last buffer nor its ancestor, overlapping or repeated
 * offsets, a parent that is the object itself, a later one, one that is no
 * buffer, or no object at all, are refused (-EINVAL).
 */
TEST_F(sg, fixup_order)
{
	uint64_t a[6] = { 0 }, b = 0xb, c[2] = { 0, 0xc }, d = 0xd, e = 0xe;
	struct binderlite_transaction_data tr;
	struct binderlite_buffer_object r[5];
	uint64_t e_at[2] = { 32, 24 };
	struct obj_msg m;
	int p[2], i;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, BINDERLITE_FLAG_ACCEPTS_FDS));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (i = 0; i < 2; i++) {
		hdr_msg(&m);
		P(&m, a, sizeof(a), -1, 0);
		P(&m, &b, 8, 0, 0);
		P(&m, c, sizeof(c), 0, 16);
		P(&m, &d, 8, 2, 0);
		P(&m, &e, 8, 0, e_at[i]);
		sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	}
	/* 2: decreasing offsets in A. */
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, c, sizeof(c), 0, 16);
	P(&m, &b, 8, 0, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	/* 3: D in B, after C: B is neither C nor an ancestor of it. */
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, &b, 8, 0, 0);
	P(&m, c, sizeof(c), 0, 16);
	P(&m, &d, 8, 1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	/* 4: C overlapping B's pointer; 5: at the same offset; 6: E before C's end. */
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, &b, 8, 0, 0);
	P(&m, c, sizeof(c), 0, 4);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, &b, 8, 0, 8);
	P(&m, c, sizeof(c), 0, 8);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, c, sizeof(c), 0, 16);
	P(&m, &d, 8, 1, 0);
	P(&m, &e, 8, 0, 20);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	/* 7: its own parent; 8: a later one; 9: an fd object; 10: no such object. */
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, &b, 8, 1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	P(&m, &b, 8, 1, 0);
	P(&m, a, sizeof(a), -1, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	obj_msg_fd(&m, p[1], 0);
	P(&m, &b, 8, 0, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	P(&m, a, sizeof(a), -1, 0);
	P(&m, &b, 8, 1ULL << 40, 0);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);

	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	for (i = 0; i < 2; i++) {
		int j;

		sg_assert_call(_metadata, &self->r, &tr);
		for (j = 0; j < 5; j++)
			r[j] = rx_ptr(_metadata, &tr, j);
		ASSERT_EQ(r[1].buffer, peek64(r[0].buffer, 0));
		ASSERT_EQ(r[2].buffer, peek64(r[0].buffer, 16));
		ASSERT_EQ(r[3].buffer, peek64(r[2].buffer, 0));
		ASSERT_EQ(0xcULL, peek64(r[2].buffer, 8));
		ASSERT_EQ(r[4].buffer, peek64(r[0].buffer, e_at[i]));
		ASSERT_EQ(0xbULL, peek64(r[1].buffer, 0));
		ASSERT_EQ(0xdULL, peek64(r[3].buffer, 0));
		ASSERT_EQ(0xeULL, peek64(r[4].buffer, 0));
		sg_assert_reply_free(_metadata, &self->r, &tr);
	}
	sg_reap_script(_metadata, self->s, pid, 0);
	for (i = 0; i < 2; i++)
		SG_ASSERT_ANSWERED(&self->s->steps[i].out);
	for (i = 2; i < self->s->n; i++)
		assert_step_refused(_metadata, self, i, -EINVAL);
	sg_expect_pipe_gone(_metadata, p);
}

/*
 * A child's pointer must fit in its parent: parent_offset + 8 <= the
 * parent's length, else -EINVAL, also for a parent shorter than a pointer.
 * It must be 4-byte aligned (8 is not needed): binder copies into a buffer
 * only at 4-byte aligned offsets, and its copy of the parent fails
 * (-EINVAL) at a pointer that is not.
 */
TEST_F(sg, parent_offset_bounds)
{
	static const uint64_t ok[] = { 8, 4, 0 };
	static const uint64_t bad[][2] = {
		{ 16, 12 }, { 16, 9 }, { 16, 16 }, { 16, ~0ULL }, { 16, ~0ULL - 6 }, { 4, 0 },
		{ 0, 0 }, { 16, 2 }, { 16, 6 }, { 16, 1 },
	};
	struct binderlite_transaction_data tr;
	uint64_t a[2] = { 0x1111, 0x2222 }, b = 0xb;
	struct obj_msg m;
	size_t i;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		hdr_msg(&m);
		P(&m, a, sizeof(a), -1, 0);
		P(&m, &b, 8, 0, ok[i]);
		sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		hdr_msg(&m);
		P(&m, a, bad[i][0], -1, 0);
		P(&m, &b, 8, 0, bad[i][1]);
		sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	}
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		uint64_t ra, rb;

		sg_assert_call(_metadata, &self->r, &tr);
		ra = rx_ptr(_metadata, &tr, 0).buffer;
		rb = rx_ptr(_metadata, &tr, 1).buffer;
		ASSERT_EQ(rb, peek64(ra, ok[i]));
		ASSERT_EQ(0xbULL, peek64(rb, 0));
		if (ok[i] == 8)
			ASSERT_EQ(0x1111ULL, peek64(ra, 0));
		if (ok[i] == 0)
			ASSERT_EQ(0x2222ULL, peek64(ra, 8));
		sg_assert_reply_free(_metadata, &self->r, &tr);
	}
	sg_reap_script(_metadata, self->s, pid, 0);
	for (i = 0; i < ARRAY_SIZE(ok); i++)
		SG_ASSERT_ANSWERED(&self->s->steps[i].out);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_step_refused(_metadata, self, ARRAY_SIZE(ok) + i, -EINVAL);
}

/*
 * One buffer that fills the receiver's whole pool with the data and the
 * offsets: it arrives intact; 8 bytes more: -ENOSPC.
 */
TEST_F_TIMEOUT(sg, fills_pool, 120)
{
	struct binderlite_transaction_data tr;
	struct binderlite_buffer_object bo;
	const uint64_t head = 8 + sizeof(bo) + sizeof(binderlite_size_t);
	const uint64_t len = IPC_POOL_SIZE - head;
	struct sg_step *st;
	struct obj_msg m;
	uint8_t *buf;
	pid_t pid;

	ASSERT_EQ(0, sg_become_mgr(self->dev.fd, 0));
	buf = malloc(len + 8);
	ASSERT_NE(NULL, buf);
	ipc_fill(buf, len + 8, 77);
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, len, -1, 0);
	ASSERT_EQ((uint64_t)IPC_POOL_SIZE, OBJ_ALIGN(m.size) + 8 + m.buffers_size);
	sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	hdr_msg(&m);
	obj_msg_ptr(&m, buf, len + 8, -1, 0);
	st = sg_step_add(self->s, BINDERLITE_BC_TRANSACTION_SG, CODE_SG, 0, &m);
	pid = sg_spawn_sender(variant->path, self->s);
	ASSERT_LT(0, pid);

	sg_assert_call(_metadata, &self->r, &tr);
	bo = rx_ptr(_metadata, &tr, 0);
	ASSERT_EQ(len, bo.length);
	ASSERT_EQ((uintptr_t)self->dev.pool, tr.data.ptr.buffer);
	ASSERT_EQ((uintptr_t)self->dev.pool + IPC_POOL_SIZE, bo.buffer + len);
	ASSERT_EQ(-1, ipc_check_fill((const void *)(uintptr_t)bo.buffer, len, 77));
	sg_assert_reply_free(_metadata, &self->r, &tr);
	sg_reap_script(_metadata, self->s, pid, 0);
	SG_ASSERT_ANSWERED(&self->s->steps[0].out);
	SG_ASSERT_REFUSED(&st->out, -ENOSPC);
	free(buf);
}

/*
 * binderlite's debugfs: a scatter-gather call counts its buffers' bytes
 * in bytes_sent and bytes_copied, which grow alike (one copy).
 */
TEST_F(sg, stats_count_buffers)
{
	uint8_t b0[64], b1[1024], b2[13];
	struct ipc_stats before, after;
	long long sent, copied;
	struct sg_outcome o;
	struct obj_msg m, e;
	uint64_t base;
	pid_t pid;

	if (!variant->binderlite)
		SKIP(return, "%s has no debugfs statistics", variant->path);
	obj_msg_init(&e);
	sg_step_add(self->s, BINDERLITE_BC_REPLY, 0, 0, &e);
	sg_step_add(self->s, BINDERLITE_BC_REPLY, 0, 0, &e);
	pid = sg_spawn_replier(variant->path, 0, self->s);
	ASSERT_LT(0, pid);

	/* Buffers of whole 8-byte words: exactly their lengths. */
	hdr_msg(&m);
	obj_msg_ptr(&m, b0, sizeof(b0), -1, 0);
	obj_msg_ptr(&m, b1, sizeof(b1), -1, 0);
	base = m.size + m.nr_objs * sizeof(binderlite_size_t);
	ASSERT_EQ(0, ipc_stats_read(&before));
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION_SG, 0, CODE_SG, 0, &m, &o));
	ASSERT_EQ(0, ipc_stats_read(&after));
	SG_ASSERT_ANSWERED(&o);
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, o.reply.data.ptr.buffer));
	EXPECT_EQ((long long)(base + sizeof(b0) + sizeof(b1)),
		  ipc_stats_delta(_metadata, &before, &after, "bytes_sent"));
	EXPECT_EQ((long long)(base + sizeof(b0) + sizeof(b1)),
		  ipc_stats_delta(_metadata, &before, &after, "bytes_copied"));

	/* An odd length: at least the bytes, at most their room; alike. */
	hdr_msg(&m);
	obj_msg_ptr(&m, b2, sizeof(b2), -1, 0);
	base = m.size + m.nr_objs * sizeof(binderlite_size_t);
	ASSERT_EQ(0, ipc_stats_read(&before));
	ASSERT_EQ(0, sg_call(&self->r, BINDERLITE_BC_TRANSACTION_SG, 0, CODE_SG, 0, &m, &o));
	ASSERT_EQ(0, ipc_stats_read(&after));
	ASSERT_EQ(0, ipc_free_buffer(self->dev.fd, o.reply.data.ptr.buffer));
	sent = ipc_stats_delta(_metadata, &before, &after, "bytes_sent");
	copied = ipc_stats_delta(_metadata, &before, &after, "bytes_copied");
	EXPECT_EQ(sent, copied);
	EXPECT_LE((long long)(base + sizeof(b2)), sent);
	EXPECT_GE((long long)(base + OBJ_ALIGN(sizeof(b2))), sent);
	sg_reap_script(_metadata, self->s, pid, 0);
}

TEST_HARNESS_MAIN
