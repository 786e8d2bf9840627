// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite objects: what a payload carries besides bytes.
 *
 * The offsets array names the objects in a payload. Each is one of:
 *
 * - BINDER / WEAK_BINDER: a local object of the sender, which becomes a
 *   HANDLE / WEAK_HANDLE of the receiver (binderlite_ref.c);
 * - HANDLE / WEAK_HANDLE: a reference of the sender, which becomes the
 *   receiver's handle for the same node, or its own BINDER;
 * - FD: a file descriptor of the sender; the receiver gets a descriptor of
 *   its own for the same open file;
 * - PTR: a scatter-gather buffer (BC_TRANSACTION_SG): the sender's buffer
 *   is copied into the receiver's pool, after the offsets array, and may
 *   be pointed at from an earlier PTR buffer (its parent), whose pointer
 *   is rewritten to the receiver's address;
 * - FDA: an array of file descriptors inside a PTR buffer, each replaced
 *   in place by the receiver's own; they are closed again when the
 *   receiver frees the buffer.
 *
 * The PTR buffers fill the extra section of the receiver's buffer (the
 * layout is in binderlite_alloc.h), each ALIGN(length, 8), in order,
 * followed by the security context (binderlite_txn.c).
 *
 * Objects are handled in two passes, so that no user memory is touched
 * with the graph lock held:
 *
 * 1. blite_objects_prepare(), with no lock held: every offset and object is
 *    validated in the receiver's buffer (which the receiver cannot write),
 *    PTR buffers are copied straight from the sender into the pool (the
 *    one copy) and their pointers fixed up, FDA layouts are checked;
 * 2. blite_objects_translate_locked(), under the graph lock: binders and
 *    handles are translated, taking references, and files are taken from
 *    the sender, to be installed when the receiver reads the transaction
 *    (&struct blite_fd_fixup), in the receiver's own context.
 *
 * The first object that fails decides the error, as in binder, which
 * handles them one by one: a validation failure found in pass 1 is
 * reported only if every earlier object translates. A failure undoes
 * exactly what was done.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>

#include "binderlite_compat.h"
#include "binderlite_object.h"
#include "binderlite_ref.h"

/* An object as found in a payload, whatever its type. */
union blite_object {
	struct binderlite_object_header hdr;
	struct flat_binderlite_object fbo;
	struct binderlite_fd_object fdo;
	struct binderlite_buffer_object bbo;
	struct binderlite_fd_array_object fdao;
};

/* The size of an object of @type, or 0 for an unknown type. */
static size_t blite_object_size(u32 type)
{
	switch (type) {
	case BINDERLITE_TYPE_BINDER:
	case BINDERLITE_TYPE_WEAK_BINDER:
	case BINDERLITE_TYPE_HANDLE:
	case BINDERLITE_TYPE_WEAK_HANDLE:
		return sizeof(struct flat_binderlite_object);
	case BINDERLITE_TYPE_FD:
		return sizeof(struct binderlite_fd_object);
	case BINDERLITE_TYPE_PTR:
		return sizeof(struct binderlite_buffer_object);
	case BINDERLITE_TYPE_FDA:
		return sizeof(struct binderlite_fd_array_object);
	default:
		return 0;
	}
}

/*
 * Reads the object at @off of @buf's data, from the pool or, with @from,
 * from the sender's copy of the data. Return: its size, or 0 if there is
 * no valid object there (misaligned, unknown type, past the data).
 */
static size_t blite_object_read(struct blite_pool *pool, struct blite_buffer *buf,
				u64 off, const void __user *from,
				union blite_object *obj)
{
	size_t len, size;

	if (off > buf->data_size || !IS_ALIGNED(off, sizeof(u32)))
		return 0;
	len = min_t(size_t, sizeof(*obj), buf->data_size - off);
	if (len < sizeof(obj->hdr))
		return 0;
	if (from ? copy_from_user(obj, from + off, len) :
		   blite_pool_read(pool, buf, off, obj, len))
		return 0;
	size = blite_object_size(obj->hdr.type);
	if (!size || size > buf->data_size - off)
		return 0;
	return size;
}

/* The offset of object @i, read from the buffer's offsets array. */
static u64 blite_object_offset(struct blite_pool *pool, struct blite_buffer *buf,
			       u64 i)
{
	u64 off = U64_MAX;

	blite_pool_read(pool, buf, blite_buffer_offsets_start(buf) + i * sizeof(off),
			&off, sizeof(off));
	return off;
}

/*
 * The PTR object at index @index of the offsets array, which must be one of
 * the first @nr_valid (already validated). Sets *@off to its offset.
 */
static bool blite_object_ptr(struct blite_pool *pool, struct blite_buffer *buf,
			     u64 index, size_t nr_valid, union blite_object *obj,
			     u64 *off)
{
	if (index >= nr_valid)
		return false;
	*off = blite_object_offset(pool, buf, index);
	return blite_object_read(pool, buf, *off, NULL, obj) &&
	       obj->hdr.type == BINDERLITE_TYPE_PTR;
}

/*
 * Whether a fixup at @fixup_off inside the buffer of the PTR object at
 * @parent_off keeps binder's order: fixups go into the last PTR object
 * validated or one of its ancestors, at increasing offsets within each.
 * @last_off is the last PTR object fixed up into (0: none yet, so that, as
 * in binder, a PTR object at offset 0 cannot be a parent), @last_min the
 * lowest offset still allowed in it.
 */
static bool blite_object_fixup_in_order(struct blite_pool *pool, struct blite_buffer *buf,
					u64 parent_off, u64 fixup_off, u64 last_off,
				 u64 last_min)
{
	union blite_object obj;

	if (!last_off)
		return false;
	while (last_off != parent_off) {
		if (blite_object_read(pool, buf, last_off, NULL, &obj) !=
		    sizeof(obj.bbo) || obj.hdr.type != BINDERLITE_TYPE_PTR ||
		    !(obj.bbo.flags & BINDERLITE_BUFFER_FLAG_HAS_PARENT))
			return false;
		last_min = obj.bbo.parent_offset + sizeof(u64);
		last_off = blite_object_offset(pool, buf, obj.bbo.parent);
	}
	return fixup_off >= last_min;
}

/* State of the first pass over a buffer's objects. */
struct blite_object_prepare {
	struct blite_pool *pool;
	struct blite_buffer *buf;
	unsigned long user_base;
	size_t sg_pos;
	size_t sg_end;
	u64 last_fixup_off;
	u64 last_fixup_min;
};

/* A PTR object: its buffer copied in, its pointer (and its parent's) fixed. */
static int blite_object_prepare_ptr(struct blite_txn_build *build, struct blite_object_prepare *p,
				    u64 off, size_t index, union blite_object *obj)
{
	struct binderlite_buffer_object *bbo = &obj->bbo;
	union blite_object parent;
	u64 parent_off, addr;

	if (bbo->length > p->sg_end - p->sg_pos)
		return -EINVAL;
	if (blite_pool_copy_from_user(p->pool, p->buf, p->sg_pos,
				      u64_to_user_ptr(bbo->buffer), bbo->length))
		build->sg_fault = true;
	build->sg_bytes += bbo->length;
	bbo->buffer = p->user_base + p->sg_pos;
	p->sg_pos += ALIGN(bbo->length, sizeof(u64));

	if (bbo->flags & BINDERLITE_BUFFER_FLAG_HAS_PARENT) {
		if (!blite_object_ptr(p->pool, p->buf, bbo->parent, index, &parent,
				      &parent_off) ||
		    !blite_object_fixup_in_order(p->pool, p->buf, parent_off,
					  bbo->parent_offset, p->last_fixup_off,
					  p->last_fixup_min) ||
		    parent.bbo.length < sizeof(u64) ||
		    bbo->parent_offset > parent.bbo.length - sizeof(u64))
			return -EINVAL;
		/*
		 * binder writes into a buffer only at 4-byte aligned offsets,
		 * and finds out when it copies, after every object.
		 */
		if (!IS_ALIGNED(bbo->parent_offset, sizeof(u32)))
			build->sg_fault = true;
		addr = bbo->buffer;
		blite_pool_write(p->pool, p->buf,
				 parent.bbo.buffer - p->user_base + bbo->parent_offset,
				 &addr, sizeof(addr));
	}
	blite_pool_write(p->pool, p->buf, off, bbo, sizeof(*bbo));
	p->last_fixup_off = off;
	p->last_fixup_min = 0;
	return 0;
}

/* An FDA object: its array must lie, aligned, inside an earlier PTR buffer. */
static int blite_object_prepare_fda(struct blite_txn_build *build, struct blite_object_prepare *p,
				    size_t index, union blite_object *obj)
{
	struct binderlite_fd_array_object *fda = &obj->fdao;
	union blite_object parent, sender_parent;
	u64 parent_off, fda_off, len;

	if (!blite_object_ptr(p->pool, p->buf, fda->parent, index, &parent, &parent_off) ||
	    !blite_object_fixup_in_order(p->pool, p->buf, parent_off, fda->parent_offset,
				  p->last_fixup_off, p->last_fixup_min))
		return -EINVAL;
	/* The sender's own parent object has the address it filled the array at. */
	if (blite_object_read(p->pool, p->buf, parent_off,
			      u64_to_user_ptr(build->tr->data.ptr.buffer),
			      &sender_parent) != sizeof(sender_parent.bbo))
		return -EINVAL;
	if (fda->num_fds) {
		if (fda->num_fds >= SIZE_MAX / sizeof(u32))
			return -EINVAL;
		len = fda->num_fds * sizeof(u32);
		if (len > parent.bbo.length || fda->parent_offset > parent.bbo.length - len)
			return -EINVAL;
		fda_off = parent.bbo.buffer - p->user_base + fda->parent_offset;
		if (!IS_ALIGNED(fda_off, sizeof(u32)) ||
		    !IS_ALIGNED(sender_parent.bbo.buffer + fda->parent_offset, sizeof(u32)))
			return -EINVAL;
	}
	p->last_fixup_off = parent_off;
	p->last_fixup_min = fda->parent_offset + fda->num_fds * sizeof(u32);
	return 0;
}

/**
 * blite_objects_prepare() - first pass over a payload's objects, unlocked
 * @build: the transaction; its buffer holds the data and offsets
 *
 * Validates each object in turn and copies the scatter-gather buffers.
 * Stops at the first invalid object, recording its error (@build->bad_*);
 * @build->nr_valid counts the objects before it. A scatter-gather buffer
 * that cannot be read, or a pointer fixup at an offset binder could not
 * write, sets @build->sg_fault and the pass goes on.
 */
void blite_objects_prepare(struct blite_txn_build *build)
{
	struct blite_object_prepare p = {
		.pool = &build->target_proc->pool,
		.buf = build->buf,
	};
	size_t i, size, count = build->buf->offsets_size / sizeof(u64);
	union blite_object obj;
	u64 off, min = 0;
	int ret = 0;

	p.user_base = blite_pool_user_addr(p.pool, p.buf);
	p.sg_pos = blite_buffer_extra_start(p.buf);
	p.sg_end = p.sg_pos + build->extra_size;
	for (i = 0; i < count; i++) {
		off = blite_object_offset(p.pool, p.buf, i);
		size = blite_object_read(p.pool, p.buf, off, NULL, &obj);
		if (!size || off < min) {
			/* An unknown type is a bad object; the rest, bad offsets. */
			build->bad_stat = BLITE_STAT_FAILED_OFFSETS;
			if (off >= min && IS_ALIGNED(off, sizeof(u32)) &&
			    off <= p.buf->data_size &&
			    p.buf->data_size - off >= sizeof(obj.hdr) &&
			    !blite_object_size(obj.hdr.type))
				build->bad_stat = BLITE_STAT_FAILED_OBJECT;
			ret = -EINVAL;
			break;
		}
		min = off + size;
		if (obj.hdr.type == BINDERLITE_TYPE_PTR)
			ret = blite_object_prepare_ptr(build, &p, off, i, &obj);
		else if (obj.hdr.type == BINDERLITE_TYPE_FDA)
			ret = blite_object_prepare_fda(build, &p, i, &obj);
		if (ret) {
			build->bad_stat = BLITE_STAT_FAILED_OBJECT;
			break;
		}
	}
	build->nr_valid = i;
	if (ret) {
		build->bad_object = true;
		build->bad_param = ret;
	}
}

/* A binder of the sender: becomes a handle of the receiver. */
static int blite_object_translate_binder_locked(struct blite_txn_build *build,
						struct flat_binderlite_object *obj)
	__must_hold(&blite_graph_lock)
{
	bool strong = obj->hdr.type == BINDERLITE_TYPE_BINDER;
	struct blite_node *node;
	u32 desc;
	int ret;

	lockdep_assert_held(&blite_graph_lock);
	node = blite_node_find_locked(build->proc, obj->binder);
	if (!node) {
		node = blite_node_new_locked(build->proc, obj);
		if (!node)
			return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -ENOMEM,
					      BLITE_STAT_FAILED_NOMEM);
	}
	if (node->cookie != obj->cookie) {
		ret = blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				     BLITE_STAT_FAILED_OBJECT);
		goto out_release;
	}
	if (security_binder_transfer_binder(build->proc->cred, build->target_proc->cred)) {
		ret = blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPERM,
				     BLITE_STAT_FAILED_SECURITY);
		goto out_release;
	}
	/* The sending thread learns at once that its object is referenced. */
	ret = blite_ref_inc_for_node_locked(build->target_proc, node, strong,
					    build->thread, &desc);
	if (ret) {
		ret = blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, ret,
				     ret == -ENOMEM ? BLITE_STAT_FAILED_NOMEM :
						      BLITE_STAT_FAILED_OBJECT);
		goto out_release;
	}
	obj->hdr.type = strong ? BINDERLITE_TYPE_HANDLE : BINDERLITE_TYPE_WEAK_HANDLE;
	obj->binder = 0;
	obj->handle = desc;
	obj->cookie = 0;
	return 0;

out_release:
	/* A node created for nothing goes again. */
	blite_node_count_dropped_locked(node);
	return ret;
}

/*
 * A handle of the sender: a handle of the receiver, or the receiver's own
 * binder if it owns the node.
 */
static int blite_object_translate_handle_locked(struct blite_txn_build *build,
						struct flat_binderlite_object *obj)
	__must_hold(&blite_graph_lock)
{
	bool strong = obj->hdr.type == BINDERLITE_TYPE_HANDLE;
	struct blite_node *node;
	struct blite_ref *ref;
	u32 desc;
	int ret;

	lockdep_assert_held(&blite_graph_lock);
	ref = blite_ref_find_locked(build->proc, obj->handle, strong);
	if (!ref)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EINVAL,
				      BLITE_STAT_FAILED_HANDLE);
	node = ref->node;
	if (security_binder_transfer_binder(build->proc->cred, build->target_proc->cred))
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPERM,
				      BLITE_STAT_FAILED_SECURITY);
	if (node->proc == build->target_proc) {
		ret = blite_node_inc_locked(node, strong, false, NULL);
		if (ret)
			return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, ret,
					      BLITE_STAT_FAILED_OBJECT);
		obj->hdr.type = strong ? BINDERLITE_TYPE_BINDER :
					 BINDERLITE_TYPE_WEAK_BINDER;
		obj->binder = node->ptr;
		obj->cookie = node->cookie;
		return 0;
	}
	ret = blite_ref_inc_for_node_locked(build->target_proc, node, strong, NULL, &desc);
	if (ret)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, ret,
				      ret == -ENOMEM ? BLITE_STAT_FAILED_NOMEM :
						       BLITE_STAT_FAILED_OBJECT);
	obj->binder = 0;
	obj->handle = desc;
	obj->cookie = 0;
	return 0;
}

/*
 * A descriptor of the sender: its file is taken now, and installed in the
 * receiver, at @offset of the buffer, when the receiver reads it.
 */
static int blite_object_translate_fd_locked(struct blite_txn_build *build, u32 fd, size_t offset)
	__must_hold(&blite_graph_lock)
{
	struct blite_fd_fixup *fixup;
	struct file *file;

	lockdep_assert_held(&blite_graph_lock);
	if (!build->accept_fds)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPERM,
				      BLITE_STAT_FAILED_FD);
	file = fget(fd);
	if (!file)
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EBADF,
				      BLITE_STAT_FAILED_FD);
	if (security_binder_transfer_file(build->proc->cred, build->target_proc->cred,
					  file) < 0) {
		fput(file);
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -EPERM,
				      BLITE_STAT_FAILED_SECURITY);
	}
	fixup = kzalloc(sizeof(*fixup), GFP_KERNEL);
	if (!fixup) {
		fput(file);
		return blite_txn_fail(build, BINDERLITE_BR_FAILED_REPLY, -ENOMEM,
				      BLITE_STAT_FAILED_NOMEM);
	}
	fixup->file = file;
	fixup->offset = offset;
	fixup->fd = -1;
	list_add_tail(&fixup->entry, &build->t->fd_fixups);
	blite_stats_live_inc(BLITE_LIVE_FILES);
	return 0;
}

/* Every descriptor of an FDA object, read from the parent's copy. */
static int blite_object_translate_fda_locked(struct blite_txn_build *build, size_t index,
					     const struct binderlite_fd_array_object *fda)
	__must_hold(&blite_graph_lock)
{
	struct blite_pool *pool = &build->target_proc->pool;
	union blite_object parent;
	u64 i, parent_off, off;
	u32 fd;
	int ret;

	lockdep_assert_held(&blite_graph_lock);
	if (!fda->num_fds)
		return 0;
	blite_object_ptr(pool, build->buf, fda->parent, index, &parent, &parent_off);
	off = parent.bbo.buffer - blite_pool_user_addr(pool, build->buf) +
	      fda->parent_offset;
	for (i = 0; i < fda->num_fds; i++, off += sizeof(fd)) {
		blite_pool_read(pool, build->buf, off, &fd, sizeof(fd));
		ret = blite_object_translate_fd_locked(build, fd, off);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * blite_objects_translate_locked() - second pass: translate the objects
 * @build: the transaction, whose first @build->nr_valid objects are valid
 *
 * Translated objects are written back into the receiver's buffer;
 * @build->objects_done counts those whose references are taken.
 *
 * Return: 0, or -1 with the failure recorded in @build.
 */
int blite_objects_translate_locked(struct blite_txn_build *build)
	__must_hold(&blite_graph_lock)
{
	struct blite_pool *pool = &build->target_proc->pool;
	struct blite_buffer *buf = build->buf;
	union blite_object obj;
	size_t i;
	int ret;
	u64 off;

	lockdep_assert_held(&blite_graph_lock);
	for (i = 0; i < build->nr_valid; i++) {
		off = blite_object_offset(pool, buf, i);
		blite_object_read(pool, buf, off, NULL, &obj);
		switch (obj.hdr.type) {
		case BINDERLITE_TYPE_BINDER:
		case BINDERLITE_TYPE_WEAK_BINDER:
			ret = blite_object_translate_binder_locked(build, &obj.fbo);
			if (!ret)
				blite_pool_write(pool, buf, off, &obj.fbo, sizeof(obj.fbo));
			break;
		case BINDERLITE_TYPE_HANDLE:
		case BINDERLITE_TYPE_WEAK_HANDLE:
			ret = blite_object_translate_handle_locked(build, &obj.fbo);
			if (!ret)
				blite_pool_write(pool, buf, off, &obj.fbo, sizeof(obj.fbo));
			break;
		case BINDERLITE_TYPE_FD:
			ret = blite_object_translate_fd_locked(build, obj.fdo.fd, off +
							offsetof(struct binderlite_fd_object, fd));
			/* The receiver's descriptor is written when it reads. */
			obj.fdo.pad_binder = 0;
			if (!ret)
				blite_pool_write(pool, buf, off, &obj.fdo, sizeof(obj.fdo));
			break;
		case BINDERLITE_TYPE_FDA:
			ret = blite_object_translate_fda_locked(build, i, &obj.fdao);
			break;
		default:
			ret = 0;
			break;
		}
		if (ret)
			return ret;
		build->objects_done = i + 1;
	}
	return 0;
}

/**
 * struct blite_object_fd_close - a descriptor closed by BC_FREE_BUFFER
 * @entry: entry in the list of files to close once the graph lock is gone
 * @twork: drops the last reference when the task returns to user space
 * @file:  the file, taken out of the descriptor table
 */
struct blite_object_fd_close {
	struct list_head entry;
	struct callback_head twork;
	struct file *file;
};

static void blite_object_fd_close_work(struct callback_head *twork)
{
	struct blite_object_fd_close *c = container_of(twork, struct blite_object_fd_close, twork);

	fput(c->file);
	kfree(c);
}

/*
 * Takes the receiver's descriptors of a delivered FDA object out of the
 * current task's table, onto @closing; blite_objects_close_fds() finishes.
 */
static void blite_object_fda_detach(struct blite_pool *pool, struct blite_buffer *buf,
				    size_t index, const struct binderlite_fd_array_object *fda,
			     struct list_head *closing)
{
	struct blite_object_fd_close *c;
	union blite_object parent;
	u64 i, parent_off, off;
	u32 fd;

	if (!blite_object_ptr(pool, buf, fda->parent, index, &parent, &parent_off))
		return;
	off = parent.bbo.buffer - blite_pool_user_addr(pool, buf) + fda->parent_offset;
	for (i = 0; i < fda->num_fds; i++, off += sizeof(fd)) {
		if (blite_pool_read(pool, buf, off, &fd, sizeof(fd)))
			return;
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c)
			return;
		c->file = blite_file_close_fd(fd);
		if (!c->file) {
			kfree(c);
			continue;
		}
		list_add_tail(&c->entry, closing);
	}
}

/**
 * blite_objects_close_fds() - close the descriptors blite_objects_release_locked()
 *                     took out of the current task's table
 * @closing: the list; emptied
 *
 * Called with no lock held: closing a file flushes it, which may wait on
 * anything, a FUSE server using binder included. The last reference to
 * each file is dropped only when the task returns to user space, because
 * the file closed may be the very device file this ioctl runs on, as
 * binder notes.
 */
void blite_objects_close_fds(struct list_head *closing)
{
	struct blite_object_fd_close *c, *tmp;

	list_for_each_entry_safe(c, tmp, closing, entry) {
		list_del(&c->entry);
		get_file(c->file);
		filp_close(c->file, current->files);
		init_task_work(&c->twork, blite_object_fd_close_work);
		if (task_work_add(current, &c->twork, TWA_RESUME)) {
			/* The task is exiting: nothing runs after this ioctl anyway. */
			fput(c->file);
			kfree(c);
		}
	}
}

/**
 * blite_objects_release_locked() - drop what the objects of a buffer hold
 * @proc:    the owner of the buffer
 * @buf:     the buffer, holding its objects in their translated form
 * @count:   how many of its objects to release, from the first
 * @closing: for a delivered buffer the owner frees (BC_FREE_BUFFER, run
 *           by the owner): where the descriptors of its FDA objects go, out
 *           of the owner's table, for blite_objects_close_fds(); NULL for a buffer
 *           never delivered, whose descriptors were never installed
 */
void blite_objects_release_locked(struct blite_proc *proc, struct blite_buffer *buf,
				  size_t count, struct list_head *closing)
	__must_hold(&blite_graph_lock)
{
	struct blite_pool *pool = &proc->pool;
	union blite_object obj;
	struct blite_node *node;
	struct blite_ref *ref;
	size_t i;

	lockdep_assert_held(&blite_graph_lock);
	for (i = 0; i < count; i++) {
		if (!blite_object_read(pool, buf, blite_object_offset(pool, buf, i),
				       NULL, &obj))
			continue;	/* validated when sent: never happens */
		switch (obj.hdr.type) {
		case BINDERLITE_TYPE_BINDER:
		case BINDERLITE_TYPE_WEAK_BINDER:
			node = blite_node_find_locked(proc, obj.fbo.binder);
			if (node)
				blite_node_dec_locked(node,
						      obj.hdr.type == BINDERLITE_TYPE_BINDER);
			break;
		case BINDERLITE_TYPE_HANDLE:
		case BINDERLITE_TYPE_WEAK_HANDLE:
			ref = blite_ref_find_locked(proc, obj.fbo.handle, false);
			if (ref)
				blite_ref_dec_locked(ref,
						     obj.hdr.type == BINDERLITE_TYPE_HANDLE);
			break;
		case BINDERLITE_TYPE_FDA:
			if (closing)
				blite_object_fda_detach(pool, buf, i, &obj.fdao, closing);
			break;
		}
	}
}

/**
 * blite_fd_fixups_reserve() - reserve the receiver's descriptors
 * @proc: the receiver, reading @t in its own context
 * @t:    the transaction
 *
 * Each file gets a descriptor (O_CLOEXEC, as in binder), written into the
 * buffer, but not installed yet: blite_fd_fixups_install() does that once
 * the transaction reached user space, blite_fd_fixups_unreserve() undoes
 * it if it did not.
 *
 * Injectable (ALLOW_ERROR_INJECTION, ERRNO): fail_function can make it fail
 * as if no descriptor was left. noinline and __noclone, so that every caller
 * calls this one copy (Documentation/testing.rst, "Fault injection").
 *
 * Return: 0, or -ENOMEM (binder's answer) if a descriptor cannot be had;
 * nothing stays reserved then.
 */
noinline __noclone int blite_fd_fixups_reserve(struct blite_proc *proc, struct blite_transaction *t)
{
	struct blite_fd_fixup *fixup;
	int fd;

	list_for_each_entry(fixup, &t->fd_fixups, entry) {
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0) {
			blite_fd_fixups_unreserve(t);
			return -ENOMEM;
		}
		fixup->fd = fd;
		blite_pool_write(&proc->pool, t->buffer, fixup->offset, &fd, sizeof(u32));
	}
	return 0;
}
ALLOW_ERROR_INJECTION(blite_fd_fixups_reserve, ERRNO);

/**
 * blite_fd_fixups_unreserve() - give back the descriptors reserved
 * @t: the transaction
 */
void blite_fd_fixups_unreserve(struct blite_transaction *t)
{
	struct blite_fd_fixup *fixup;

	list_for_each_entry(fixup, &t->fd_fixups, entry) {
		if (fixup->fd >= 0)
			put_unused_fd(fixup->fd);
		fixup->fd = -1;
	}
}

/**
 * blite_fd_fixups_install() - install the reserved descriptors
 * @t: the transaction, whose files the receiver now owns
 */
void blite_fd_fixups_install(struct blite_transaction *t)
{
	struct blite_fd_fixup *fixup, *tmp;

	list_for_each_entry_safe(fixup, tmp, &t->fd_fixups, entry) {
		fd_install(fixup->fd, fixup->file);
		list_del(&fixup->entry);
		kfree(fixup);
		blite_stats_live_dec(BLITE_LIVE_FILES);
	}
}

/**
 * blite_fd_fixups_free() - drop the files of a transaction not delivered
 * @t: the transaction
 */
void blite_fd_fixups_free(struct blite_transaction *t)
{
	struct blite_fd_fixup *fixup, *tmp;

	blite_fd_fixups_unreserve(t);
	list_for_each_entry_safe(fixup, tmp, &t->fd_fixups, entry) {
		fput(fixup->file);
		list_del(&fixup->entry);
		kfree(fixup);
		blite_stats_live_dec(BLITE_LIVE_FILES);
	}
}
