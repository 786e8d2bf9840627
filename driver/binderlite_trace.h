/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binderlite trace events: the life of a transaction, its buffer and the
 * pool pages under it, and the thread's ioctl, commands and returns. The
 * system is "binderlite" (/sys/kernel/tracing/events/binderlite/); events
 * are named and shaped after binder's (binder_transaction becomes
 * binderlite_transaction), so that binder's users find their way.
 * Documentation/performance.rst lists them with their fields.
 *
 * Events take the driver's own structures and read them only in
 * TP_fast_assign, which runs when the event is enabled: a disabled event
 * costs a static branch. The structures are only declared here; the one
 * file that defines the events (binderlite_trace.c, CREATE_TRACE_POINTS)
 * includes their headers. That file is the bottom layer of the driver: it
 * reads the other layers' types but calls no function of theirs.
 *
 * The layout follows checkpatch: each macro's arguments aligned with its
 * open parenthesis.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM binderlite

#if !defined(_BINDERLITE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BINDERLITE_TRACE_H

#include <linux/ioctl.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

struct blite_buffer;
struct blite_pool;
struct blite_proc;
struct blite_thread;
struct blite_transaction;
struct blite_txn_build;

/* The ioctl a thread enters with; binderlite_ioctl_done ends it. */
TRACE_EVENT(binderlite_ioctl,
	    TP_PROTO(unsigned int cmd, unsigned long arg),
	    TP_ARGS(cmd, arg),
	    TP_STRUCT__entry(__field(unsigned int, cmd)
			     __field(unsigned long, arg)),
	    TP_fast_assign(__entry->cmd = cmd;
			   __entry->arg = arg;),
	    TP_printk("cmd=0x%x arg=0x%lx", __entry->cmd, __entry->arg)
);

DECLARE_EVENT_CLASS(binderlite_ret_class,
		    TP_PROTO(int ret),
		    TP_ARGS(ret),
		    TP_STRUCT__entry(__field(int, ret)),
		    TP_fast_assign(__entry->ret = ret;),
		    TP_printk("ret=%d", __entry->ret)
);

/* The ioctl's result; the write and the read of BINDERLITE_WRITE_READ. */
DEFINE_EVENT(binderlite_ret_class, binderlite_ioctl_done,
	     TP_PROTO(int ret),
	     TP_ARGS(ret));

DEFINE_EVENT(binderlite_ret_class, binderlite_write_done,
	     TP_PROTO(int ret),
	     TP_ARGS(ret));

DEFINE_EVENT(binderlite_ret_class, binderlite_read_done,
	     TP_PROTO(int ret),
	     TP_ARGS(ret));

/*
 * A read about to wait for work: whether the thread may take its
 * process's work, whether it is in a transaction, whether work of its own
 * is queued.
 */
TRACE_EVENT(binderlite_wait_for_work,
	    TP_PROTO(const struct blite_thread *thread, bool proc_work),
	    TP_ARGS(thread, proc_work),
	    TP_STRUCT__entry(__field(bool, proc_work)
			     __field(bool, transaction_stack)
			     __field(bool, thread_todo)),
	    TP_fast_assign(__entry->proc_work = proc_work;
			   __entry->transaction_stack = READ_ONCE(thread->transaction_stack);
			   __entry->thread_todo = !list_empty(&thread->todo);),
	    TP_printk("proc_work=%d transaction_stack=%d thread_todo=%d",
		      __entry->proc_work, __entry->transaction_stack,
		      __entry->thread_todo)
);

/*
 * Commands and returns, printed with their names (by _IOC_NR(), which
 * user-space parsers of the format files evaluate; the numbers are checked
 * against the UAPI in binderlite_trace.c). The class prints commands.
 */
DECLARE_EVENT_CLASS(binderlite_cmd_class,
		    TP_PROTO(u32 cmd),
		    TP_ARGS(cmd),
		    TP_STRUCT__entry(__field(u32, cmd)),
		    TP_fast_assign(__entry->cmd = cmd;),
		    TP_printk("cmd=0x%x %s", __entry->cmd,
			      __print_symbolic(_IOC_NR(__entry->cmd),
					       { 0, "BC_TRANSACTION" },
					       { 1, "BC_REPLY" },
					       { 2, "BC_ACQUIRE_RESULT" },
					       { 3, "BC_FREE_BUFFER" },
					       { 4, "BC_INCREFS" },
					       { 5, "BC_ACQUIRE" },
					       { 6, "BC_RELEASE" },
					       { 7, "BC_DECREFS" },
					       { 8, "BC_INCREFS_DONE" },
					       { 9, "BC_ACQUIRE_DONE" },
					       { 10, "BC_ATTEMPT_ACQUIRE" },
					       { 11, "BC_REGISTER_LOOPER" },
					       { 12, "BC_ENTER_LOOPER" },
					       { 13, "BC_EXIT_LOOPER" },
					       { 14, "BC_REQUEST_DEATH_NOTIFICATION" },
					       { 15, "BC_CLEAR_DEATH_NOTIFICATION" },
					       { 16, "BC_DEAD_BINDER_DONE" },
					       { 17, "BC_TRANSACTION_SG" },
					       { 18, "BC_REPLY_SG" },
					       { 19, "BC_REQUEST_FREEZE_NOTIFICATION" },
					       { 20, "BC_CLEAR_FREEZE_NOTIFICATION" },
					       { 21, "BC_FREEZE_NOTIFICATION_DONE" }))
);

/* A command (BC_*) the thread wrote, before it is carried out. */
DEFINE_EVENT(binderlite_cmd_class, binderlite_command,
	     TP_PROTO(u32 cmd),
	     TP_ARGS(cmd));

/*
 * A return (BR_*) written to the thread's read buffer.
 * BR_TRANSACTION_SEC_CTX shares its number with BR_TRANSACTION; the cmd
 * printed beside the name tells them apart.
 */
DEFINE_EVENT_PRINT(binderlite_cmd_class, binderlite_return,
		   TP_PROTO(u32 cmd),
		   TP_ARGS(cmd),
		   TP_printk("cmd=0x%x %s", __entry->cmd,
			     __print_symbolic(_IOC_NR(__entry->cmd),
					      { 0, "BR_ERROR" },
					      { 1, "BR_OK" },
					      { 2, "BR_TRANSACTION" },
					      { 3, "BR_REPLY" },
					      { 4, "BR_ACQUIRE_RESULT" },
					      { 5, "BR_DEAD_REPLY" },
					      { 6, "BR_TRANSACTION_COMPLETE" },
					      { 7, "BR_INCREFS" },
					      { 8, "BR_ACQUIRE" },
					      { 9, "BR_RELEASE" },
					      { 10, "BR_DECREFS" },
					      { 11, "BR_ATTEMPT_ACQUIRE" },
					      { 12, "BR_NOOP" },
					      { 13, "BR_SPAWN_LOOPER" },
					      { 14, "BR_FINISHED" },
					      { 15, "BR_DEAD_BINDER" },
					      { 16, "BR_CLEAR_DEATH_NOTIFICATION_DONE" },
					      { 17, "BR_FAILED_REPLY" },
					      { 18, "BR_FROZEN_REPLY" },
					      { 19, "BR_ONEWAY_SPAM_SUSPECT" },
					      { 20, "BR_TRANSACTION_PENDING_FROZEN" },
					      { 21, "BR_FROZEN_BINDER" },
					      { 22, "BR_CLEAR_FREEZE_NOTIFICATION_DONE" }))
);

/*
 * A transaction or reply sent, once its receiver is known and before its
 * buffer is allocated. dest_node is the node's address in its owner
 * (target.ptr of BR_TRANSACTION), 0 for a reply; dest_thread is the
 * caller for a reply, 0 for a call (binderlite_transaction_received
 * names the thread that reads it).
 */
TRACE_EVENT(binderlite_transaction,
	    TP_PROTO(const struct blite_txn_build *build),
	    TP_ARGS(build),
	    TP_STRUCT__entry(__field(u32, debug_id)
			     __field(u64, target_node)
			     __field(int, to_proc)
			     __field(int, to_thread)
			     __field(int, reply)
			     __field(u32, code)
			     __field(u32, flags)),
	    TP_fast_assign(__entry->debug_id = build->debug_id;
			   __entry->target_node = build->target_node ?
						  build->target_node->ptr : 0;
			   __entry->to_proc = build->target_proc->pid;
			   __entry->to_thread = build->reply ?
						build->in_reply_to->from->pid : 0;
			   __entry->reply = build->reply;
			   __entry->code = build->tr->code;
			   __entry->flags = build->tr->flags;),
	    TP_printk("transaction=%u dest_node=0x%llx dest_proc=%d dest_thread=%d reply=%d flags=0x%x code=0x%x",
		      __entry->debug_id, __entry->target_node, __entry->to_proc,
		      __entry->to_thread, __entry->reply, __entry->flags,
		      __entry->code)
);

/* The receiver read the transaction (BR_TRANSACTION or BR_REPLY). */
TRACE_EVENT(binderlite_transaction_received,
	    TP_PROTO(const struct blite_transaction *t),
	    TP_ARGS(t),
	    TP_STRUCT__entry(__field(u32, debug_id)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;),
	    TP_printk("transaction=%u", __entry->debug_id)
);

/*
 * A transaction failed: a thread reads the return cmd (BR_FAILED_REPLY,
 * BR_DEAD_REPLY or BR_FROZEN_REPLY; the sender, or for a reply the
 * caller), with param as the extended error's errno (0 when there is
 * none). A call that will not be answered fails back to its
 * caller the same way.
 */
TRACE_EVENT(binderlite_transaction_failed,
	    TP_PROTO(u32 debug_id, bool reply, u32 cmd, int param),
	    TP_ARGS(debug_id, reply, cmd, param),
	    TP_STRUCT__entry(__field(u32, debug_id)
			     __field(int, reply)
			     __field(u32, cmd)
			     __field(int, param)),
	    TP_fast_assign(__entry->debug_id = debug_id;
			   __entry->reply = reply;
			   __entry->cmd = cmd;
			   __entry->param = param;),
	    TP_printk("transaction=%u reply=%d cmd=0x%x %s param=%d",
		      __entry->debug_id, __entry->reply, __entry->cmd,
		      __print_symbolic(_IOC_NR(__entry->cmd),
				       { 5, "BR_DEAD_REPLY" },
				       { 17, "BR_FAILED_REPLY" },
				       { 18, "BR_FROZEN_REPLY" }),
		      __entry->param)
);

/*
 * A buffer of a process's pool: the transaction it holds, its owner
 * (proc), where it is in the pool (offset, size) and the sizes asked for.
 */
DECLARE_EVENT_CLASS(binderlite_buffer_class,
		    TP_PROTO(const struct blite_proc *proc, struct blite_buffer *buf),
		    TP_ARGS(proc, buf),
		    TP_STRUCT__entry(__field(u32, debug_id)
				     __field(int, proc)
				     __field(size_t, offset)
				     __field(size_t, size)
				     __field(size_t, data_size)
				     __field(size_t, offsets_size)
				     __field(size_t, extra_buffers_size)),
		    TP_fast_assign(__entry->debug_id = blite_proc_buffer_of(buf)->debug_id;
				   __entry->proc = proc->pid;
				   __entry->offset = buf->start;
				   __entry->size = buf->size;
				   __entry->data_size = buf->data_size;
				   __entry->offsets_size = buf->offsets_size;
				   __entry->extra_buffers_size = buf->extra_size;),
		    TP_printk("transaction=%u proc=%d offset=%zu size=%zu data_size=%zu offsets_size=%zu extra_buffers_size=%zu",
			      __entry->debug_id, __entry->proc, __entry->offset,
			      __entry->size, __entry->data_size,
			      __entry->offsets_size, __entry->extra_buffers_size)
);

/* Allocated in the receiver's pool, its pages populated, before the copy. */
DEFINE_EVENT(binderlite_buffer_class, binderlite_transaction_alloc_buf,
	     TP_PROTO(const struct blite_proc *proc, struct blite_buffer *buf),
	     TP_ARGS(proc, buf));

/*
 * Given back to the pool once used: BC_FREE_BUFFER, or a transaction
 * dropped or replaced (TF_UPDATE_TXN) before it was read.
 */
DEFINE_EVENT(binderlite_buffer_class, binderlite_transaction_buffer_release,
	     TP_PROTO(const struct blite_proc *proc, struct blite_buffer *buf),
	     TP_ARGS(proc, buf));

/* Given back because the transaction failed before it was queued. */
DEFINE_EVENT(binderlite_buffer_class, binderlite_transaction_failed_buffer_release,
	     TP_PROTO(const struct blite_proc *proc, struct blite_buffer *buf),
	     TP_ARGS(proc, buf));

/*
 * Pages first..last of a pool back a new buffer; nr of them were not
 * resident and were allocated now. resident: the pool's pages after.
 */
TRACE_EVENT(binderlite_pages_populated,
	    TP_PROTO(const struct blite_pool *pool, unsigned long first,
		     unsigned long last, unsigned long nr),
	    TP_ARGS(pool, first, last, nr),
	    TP_STRUCT__entry(__field(int, proc)
			     __field(unsigned long, first)
			     __field(unsigned long, last)
			     __field(unsigned long, nr)
			     __field(unsigned long, resident)),
	    TP_fast_assign(__entry->proc = pool->pid;
			   __entry->first = first;
			   __entry->last = last;
			   __entry->nr = nr;
			   __entry->resident = READ_ONCE(pool->pages_resident);),
	    TP_printk("proc=%d first=%lu last=%lu nr=%lu resident=%lu",
		      __entry->proc, __entry->first, __entry->last, __entry->nr,
		      __entry->resident)
);

/*
 * The shrinker (or debugfs reclaim) took page @index of a pool, which no
 * buffer covered; zapped: its user mapping was removed too. resident: the pool's
 * pages after.
 */
TRACE_EVENT(binderlite_page_reclaimed,
	    TP_PROTO(const struct blite_pool *pool, unsigned long index, bool zapped),
	    TP_ARGS(pool, index, zapped),
	    TP_STRUCT__entry(__field(int, proc)
			     __field(unsigned long, page)
			     __field(unsigned long, resident)
			     __field(bool, zapped)),
	    TP_fast_assign(__entry->proc = pool->pid;
			   __entry->page = index;
			   __entry->resident = pool->pages_resident;
			   __entry->zapped = zapped;),
	    TP_printk("proc=%d page=%lu resident=%lu zapped=%d",
		      __entry->proc, __entry->page, __entry->resident,
		      __entry->zapped)
);

/*
 * A transaction is freed: a call once answered (or failed), a oneway or a
 * reply once read (or dropped). latency_ns: since its sender's command.
 * Only transactions sent while this event was enabled are reported: the
 * send time is taken only then (binderlite_txn.c). A thread or process
 * that is unknown or gone is 0.
 */
TRACE_EVENT(binderlite_txn_latency_free,
	    TP_PROTO(const struct blite_transaction *t),
	    TP_ARGS(t),
	    TP_STRUCT__entry(__field(u32, debug_id)
			     __field(int, from_proc)
			     __field(int, from_thread)
			     __field(int, to_proc)
			     __field(int, to_thread)
			     __field(int, reply)
			     __field(u32, code)
			     __field(u32, flags)
			     __field(u64, latency_ns)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->from_proc = t->from_pid;
			   __entry->from_thread = t->from_tid;
			   __entry->to_proc = t->to_proc ? t->to_proc->pid : 0;
			   __entry->to_thread = t->to_tid;
			   __entry->reply = t->is_reply;
			   __entry->code = t->code;
			   __entry->flags = t->flags;
			   __entry->latency_ns = ktime_get_ns() - t->start_ns;),
	    TP_printk("transaction=%u from %d:%d to %d:%d reply=%d flags=0x%x code=0x%x latency_ns=%llu",
		      __entry->debug_id, __entry->from_proc, __entry->from_thread,
		      __entry->to_proc, __entry->to_thread, __entry->reply,
		      __entry->flags, __entry->code, __entry->latency_ns)
);

#endif /* _BINDERLITE_TRACE_H */

/* Out of tree: Kbuild adds driver/ to binderlite_trace.o's include path. */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE binderlite_trace
#include <trace/define_trace.h>
