/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite: the map of the driver. No code: the layers, the lock table
 * and the naming rules every file follows. Documentation/architecture.rst
 * explains them at length and walks one transaction through the layers.
 */
#ifndef _BINDERLITE_H
#define _BINDERLITE_H

/**
 * DOC: Layers
 *
 * The driver is a stack: each file calls only files below it, never one
 * above, so there is no cycle. tools/testing/layers.sh reads this order
 * from the line below and checks it against the object files' symbols.
 * Top first:
 *
 * LAYERS: main debugfs ipc freeze death txn object ref node proc context stats pool alloc trace
 *
 * ========  ===============================================================
 * main      the module, the device's file operations, the ioctl dispatch
 * debugfs   /sys/kernel/debug/binderlite/
 * ipc       BINDERLITE_WRITE_READ (the command and read loops), poll(),
 *           and the end of a thread or of a file
 * freeze    BINDERLITE_FREEZE, frozen info, freeze notifications
 * death     death notifications
 * txn       a transaction's whole life: send (resolve, copy, commit),
 *           deliver, the transaction stacks, unwind, BC_FREE_BUFFER
 * object    the objects of a payload and the files they carry (the lower
 *           half of txn, sharing binderlite_txn.h's types)
 * ref       references (handles) and their counts
 * node      nodes, their counts, the context manager's node
 * proc      an open file's state, its threads, work items and lists
 * context   the devices, one per context, and the control device
 * stats     the counters of debugfs ``stats``, the debug mask
 * pool      the receive pool's pages: mapping, populate, the one copy,
 *           reclaim
 * alloc     the best-fit allocator of a pool's blocks, and their layout
 * trace     the trace events (binderlite_trace.h): it reads the types of
 *           the layers above, and calls none of them
 * ========  ===============================================================
 *
 * Each file has a header of its own (binderlite_NOUN.h) that declares what
 * it offers to the files above, and defines the types it owns. A type is
 * owned by the lowest file that needs it, so headers, too, include only
 * headers below them (binderlite_object.h includes binderlite_txn.h, its
 * own layer's). binderlite_compat.h holds every kernel-version shim.
 */

/**
 * DOC: Lock table
 *
 * Every lock the driver takes or runs under, outermost first. A lock may
 * be taken while holding only locks above it in its chain. Two chains
 * meet at the allocator's spinlock: the IPC chain (the graph) and the
 * memory chain (the mapping); nothing of either chain is ever taken while
 * holding a lock of the other chain above that meeting point.
 *
 * IPC chain::
 *
 *   misc core's misc_mtx        held by misc_open() around blite_open()
 *     blite_procs_lock          mutex: the lists of open files (blite_procs)
 *                               and of contexts (blite_contexts), each
 *                               context's nr_procs and removed flag, the
 *                               count of contexts made at run time
 *       blite_graph_lock        mutex: nodes, references, death and freeze
 *                               notifications, transactions and their
 *                               stacks, the context managers, proc->dead,
 *                               the IPC side of buffers (blite_proc_buffer)
 *         blite_proc.inner_lock spinlock: one process's work lists, thread
 *                               state, thread-pool counters, freeze state,
 *                               outstanding_txns; its trees change under
 *                               it and the graph lock together
 *         blite_alloc.lock      (memory chain) a buffer freed or delivered
 *       blite_alloc.lock        (memory chain) debugfs's pool statistics
 *
 * Memory chain::
 *
 *   mm->mmap_lock (or a VMA lock) page faults, mmap(), munmap()
 *     blite_pool.mutex          populating, inserting (fault) and zapping
 *                               (reclaim) a pool's pages; its vma
 *       blite_alloc.lock        spinlock: the allocator, the allocator's
 *                               fields of each buffer, the pool's page
 *                               pointers (with the mutex) and page counts
 *         list_lru lock         the global list of parked pages, taken by
 *                               the page hooks under blite_alloc.lock
 *
 * Never nested:
 *
 * - two inner locks (at most one process's at a time);
 * - an inner lock and blite_alloc.lock;
 * - blite_pool.mutex or the mmap_lock under blite_procs_lock, the graph
 *   lock or an inner lock; the graph chain under blite_pool.mutex;
 * - misc_register()/misc_deregister() (misc_mtx) under blite_procs_lock.
 *
 * The shrinker's walker starts with the list_lru lock held, below
 * everything, so it only trylocks the mmap_lock, the pool's mutex and
 * blite_alloc.lock (blite_pool_isolate()).
 *
 * Taken under the graph lock, and harmless there: the receiver's file
 * table (reserving, installing and closing descriptors), fget(), the LSM
 * hooks, wait-queue locks (wake-ups of notifications and pollers; also
 * under inner locks), GFP_KERNEL allocations (whose reclaim may run the
 * shrinker, which only trylocks). Kept out of it, since every transaction
 * waits for it: a transaction's wake-up of its receiver (after the
 * unlock, under an RCU read lock taken before it, blite_txn_send()) and
 * priority changes (set_user_nice(), blite_thread_defer_nice()). The
 * graph lock is never held while a thread waits for work, across a fault
 * on user memory (returns are copied with page faults disabled,
 * blite_work_copy_out_locked()), or while a file is closed. The read
 * loop takes it only for work that needs it: an empty list and a
 * completion (BR_TRANSACTION_COMPLETE, which only its sender thread takes
 * off its list) are read under the inner lock alone.
 *
 * Run outside every IPC lock: the one copy (blite_pool_copy_from_user() of
 * data, offsets and scatter-gather buffers), allocating and populating a
 * buffer (blite_pool_alloc_buf(), the pool's own locks only), asking the
 * LSM for a security context, blite_proc_put() (the last put frees the
 * pool), closing files (blite_objects_close_fds()), waiting for work or
 * for a freeze to drain, and copying ioctl arguments.
 */

/**
 * DOC: Names
 *
 * Every function a header declares is blite_NOUN_VERB[_OBJECT][_SUFFIX]:
 * NOUN is one its file owns (each header lists its nouns), the verb comes
 * after it (blite_node_find_locked(), blite_thread_enqueue_work_ilocked()),
 * ioctl handlers are blite_NOUN_ioctl_IOCTL and deliveries of work items
 * blite_NOUN_deliver_locked. Static functions start with blite_ and never
 * with another file's noun.
 *
 * A suffix says which locks the caller holds, and means nothing else:
 *
 * ===========  ===========================================================
 * _locked      blite_graph_lock
 * _ilocked     the inner lock of the process named (the argument's, or
 *              its thread's), and nothing else required
 * _gilocked    both: blite_graph_lock, then that inner lock
 * _plocked     blite_procs_lock
 * _alocked     the allocator's spinlock, blite_alloc.lock
 * ===========  ===========================================================
 *
 * Every function with a suffix asserts it with lockdep_assert_held() and
 * says so to sparse with __must_hold(); functions without a suffix take
 * the locks they need.
 */

#endif /* _BINDERLITE_H */
