/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims for binderlite.
 *
 * binderlite is built against every kernel in the test matrix (Debian's 6.1
 * and 6.12 LTS kernels and a 6.12 debug kernel). Every difference between
 * those kernels' interfaces is papered over here and nowhere else: the rest
 * of the driver is written against the newest interface and carries no
 * version checks of its own. driver/binderlite_compat.mk probes the
 * kernel's headers and exports and defines the BLITE_HAVE_* macros tested
 * here.
 */
#ifndef _BINDERLITE_COMPAT_H
#define _BINDERLITE_COMPAT_H

#include <linux/fdtable.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

/* 6.3: vm_flags became read-only; writers use vm_flags_set/clear(). */
#ifndef BLITE_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/**
 * blite_zap_range() - remove the user PTEs of a range of a mapping
 * @vma:  the mapping; its mm's mmap_lock is held
 * @addr: start of the range
 * @size: length of the range
 *
 * 6.1 exports only zap_page_range(); 6.3 replaced it with
 * zap_page_range_single().
 */
static inline void blite_zap_range(struct vm_area_struct *vma,
				   unsigned long addr, unsigned long size)
{
#ifdef BLITE_HAVE_ZAP_PAGE_RANGE_SINGLE
	zap_page_range_single(vma, addr, size, NULL);
#else
	zap_page_range(vma, addr, size);
#endif
}

/* 6.8: list_lru_add/del() grew node and memcg arguments. */
#ifndef BLITE_HAVE_LIST_LRU_OBJ
static inline bool list_lru_add_obj(struct list_lru *lru, struct list_head *item)
{
	return list_lru_add(lru, item);
}

static inline bool list_lru_del_obj(struct list_lru *lru, struct list_head *item)
{
	return list_lru_del(lru, item);
}
#endif

/**
 * blite_shrinker_create() - allocate and register a shrinker
 * @count: its count_objects callback
 * @scan:  its scan_objects callback
 * @name:  its name, as debugfs shows it
 *
 * 6.7 moved shrinkers to shrinker_alloc() and shrinker_register().
 *
 * Return: the shrinker, or NULL.
 */
static inline struct shrinker *
blite_shrinker_create(unsigned long (*count)(struct shrinker *, struct shrink_control *),
		      unsigned long (*scan)(struct shrinker *, struct shrink_control *),
		      const char *name)
{
	struct shrinker *shrinker;

#ifdef BLITE_HAVE_SHRINKER_ALLOC
	shrinker = shrinker_alloc(0, "%s", name);
#else
	shrinker = kzalloc(sizeof(*shrinker), GFP_KERNEL);
#endif
	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker->seeks = DEFAULT_SEEKS;
#ifdef BLITE_HAVE_SHRINKER_ALLOC
	shrinker_register(shrinker);
#else
	if (register_shrinker(shrinker, "%s", name)) {
		kfree(shrinker);
		return NULL;
	}
#endif
	return shrinker;
}

/**
 * blite_shrinker_destroy() - unregister and free a shrinker
 * @shrinker: from blite_shrinker_create()
 */
static inline void blite_shrinker_destroy(struct shrinker *shrinker)
{
#ifdef BLITE_HAVE_SHRINKER_ALLOC
	shrinker_free(shrinker);
#else
	unregister_shrinker(shrinker);
	kfree(shrinker);
#endif
}

/**
 * blite_file_close_fd() - take a descriptor out of the current task's table
 * @fd: the descriptor
 *
 * 6.8 renamed close_fd_get_file() to file_close_fd().
 *
 * Return: its file, whose reference the table held, or NULL.
 */
static inline struct file *blite_file_close_fd(unsigned int fd)
{
#ifdef BLITE_HAVE_FILE_CLOSE_FD
	return file_close_fd(fd);
#else
	return close_fd_get_file(fd);
#endif
}

#endif /* _BINDERLITE_COMPAT_H */
