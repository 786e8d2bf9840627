// SPDX-License-Identifier: GPL-2.0
/*
 * Processes dying at any instant: senders and the context manager are
 * SIGKILLed at random moments while calls, oneways and objects are in
 * flight, and restarted. Every reply that arrives must carry the right
 * checksum, nobody may hang, and on binderlite debugfs must show nothing
 * left at the end. A second storm sends file descriptors (an fd object and
 * an fd array) and scatter-gather buffers, and gets an fd back in each
 * reply: afterwards the survivors hold exactly the descriptors they had,
 * and nobody at all, the driver included, holds the pipe end that
 * travelled. Runs against /dev/binderlite and the reference /dev/binder.
 */
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "binderlite_ipc_sg.h"

#define NR_SENDERS	4
#define ROUNDS		40
#define CODE_HASH	1
#define OBJ_SIZE	sizeof(struct flat_binderlite_object)

/* Exit codes of children that saw something wrong. */
#define EXIT_CORRUPT	1
#define EXIT_PROTOCOL	2
/* A survivor's descriptors are not what they were. */
#define EXIT_LEAK	3

FIXTURE(stress) {
	struct ipc_dev dev;
};

FIXTURE_VARIANT(stress) {
	BL_VARIANT_DEVICE;
};

BL_DEVICE_VARIANTS(stress, (), ());

FIXTURE_SETUP(stress)
{
	bl_fixture_present(_metadata, variant->path);
}

FIXTURE_TEARDOWN(stress)
{
	ipc_fixture_close(_metadata, NULL, variant->binderlite);
}

/* The bytes a checksum covers: the payload after its object, if any. */
static uint32_t payload_hash(const void *data, size_t size, size_t offsets_size)
{
	size_t skip = offsets_size ? OBJ_SIZE : 0;

	return ipc_hash((const uint8_t *)data + skip, size - skip);
}

/* The context manager: answers every call with the payload's checksum. */
static int manager(const char *path)
{
	struct ipc_reader r;
	struct ipc_event ev;
	struct ipc_dev dev;
	uint32_t hash;

	if (ipc_open(&dev, path, IPC_POOL_SIZE) || ipc_become_mgr(dev.fd) ||
	    ipc_looper(dev.fd, BINDERLITE_BC_ENTER_LOOPER))
		return EXIT_PROTOCOL;
	ipc_reader_init(&r, dev.fd);
	while (!ipc_next(&r, &ev)) {
		if (ev.cmd != BINDERLITE_BR_TRANSACTION)
			continue;
		hash = payload_hash(ipc_payload(&ev.txn), ev.txn.data_size,
				    ev.txn.offsets_size);
		if (ev.txn.flags & BINDERLITE_TF_ONE_WAY) {
			if (ipc_free_buffer(dev.fd, ev.txn.data.ptr.buffer))
				return EXIT_PROTOCOL;
		} else if (ipc_reply_free(dev.fd, ev.txn.data.ptr.buffer, &hash,
					  sizeof(hash))) {
			return EXIT_PROTOCOL;
		}
	}
	return EXIT_PROTOCOL;
}

/*
 * One call or oneway with payload @data, which carries a binder object of
 * ours when @objects; waits for its outcome. Returns 1 for a correct
 * reply, 0 for another outcome the kills explain (a dead or missing
 * manager), or an exit code.
 */
static int send_one(struct ipc_reader *r, uint8_t *data, size_t size, bool oneway,
		    bool objects, uint32_t seed)
{
	binderlite_size_t offsets[1] = { 0 };
	struct flat_binderlite_object obj = {
		.hdr.type = BINDERLITE_TYPE_BINDER,
		.binder = 0x1000 + (seed & 3) * 0x10,
		.cookie = 0x2000 + (seed & 3),
	};
	struct ipc_event ev;
	uint32_t hash;
	int ret;

	ipc_fill(data, size, seed);
	if (objects)
		memcpy(data, &obj, sizeof(obj));
	hash = payload_hash(data, size, objects ? sizeof(offsets) : 0);
	if (ipc_send(r->fd, BINDERLITE_BC_TRANSACTION, 0, CODE_HASH,
		     oneway ? BINDERLITE_TF_ONE_WAY : 0, data, size, offsets,
		     objects ? sizeof(offsets) : 0))
		return EXIT_PROTOCOL;
	for (;;) {
		if (ipc_next(r, &ev))
			return EXIT_PROTOCOL;
		ret = ipc_ack_ref(r->fd, &ev);
		if (ret < 0)
			return EXIT_PROTOCOL;
		if (ret)
			continue;
		switch (ev.cmd) {
		case BINDERLITE_BR_SPAWN_LOOPER:
			break;
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
			if (oneway)
				return 0;
			break;
		case BINDERLITE_BR_DEAD_REPLY:
		case BINDERLITE_BR_FAILED_REPLY:
			return 0;
		case BINDERLITE_BR_REPLY:
			if (ev.txn.data_size != sizeof(hash) ||
			    memcmp(ipc_payload(&ev.txn), &hash, sizeof(hash)))
				return EXIT_CORRUPT;
			if (ipc_free_buffer(r->fd, ev.txn.data.ptr.buffer))
				return EXIT_PROTOCOL;
			return 1;
		default:
			return EXIT_PROTOCOL;
		}
	}
}

/* Calls the manager until killed; counts correct replies in @replies. */
static int sender(const char *path, unsigned int seed, volatile long *replies)
{
	static const size_t sizes[] = { 0, 8, 100, 4096 + 13, 70000, 250000 };
	struct ipc_reader r;
	struct ipc_dev dev;
	uint8_t *data;
	unsigned int i;
	size_t size;
	bool objects;
	int ret;

	data = malloc(sizes[sizeof(sizes) / sizeof(sizes[0]) - 1]);
	if (!data || ipc_open(&dev, path, IPC_POOL_SIZE))
		return EXIT_PROTOCOL;
	ipc_reader_init(&r, dev.fd);
	for (i = 0; ; i++) {
		size = sizes[rand_r(&seed) % (sizeof(sizes) / sizeof(sizes[0]))];
		objects = size >= OBJ_SIZE && rand_r(&seed) % 3 == 0;
		ret = send_one(&r, data, size, rand_r(&seed) % 4 == 0, objects, i);
		if (ret > 1)
			return ret;
		if (ret == 1)
			__atomic_add_fetch(replies, 1, __ATOMIC_RELAXED);
	}
}

static pid_t spawn_manager(const char *path)
{
	pid_t pid = ipc_fork();

	if (pid == 0)
		_exit(manager(path));
	return pid;
}

static pid_t spawn_sender(const char *path, unsigned int seed, volatile long *replies)
{
	pid_t pid = ipc_fork();

	if (pid == 0)
		_exit(sender(path, seed, replies));
	return pid;
}

/* A child the test killed ends with SIGKILL; anything else is a failure. */
static int reap(pid_t pid)
{
	kill(pid, SIGKILL);
	return ipc_wait(pid, 30);
}

TEST_F_TIMEOUT(stress, kill_storm, 300)
{
	pid_t senders[NR_SENDERS], mgr;
	volatile long *replies;
	unsigned int seed = 1;
	int i, round;

	replies = ipc_shared(sizeof(*replies));
	ASSERT_NE(MAP_FAILED, replies);
	mgr = spawn_manager(variant->path);
	ASSERT_LT(0, mgr);
	for (i = 0; i < NR_SENDERS; i++) {
		senders[i] = spawn_sender(variant->path, i + 1, replies);
		ASSERT_LT(0, senders[i]);
	}

	for (round = 0; round < ROUNDS; round++) {
		bl_sleep_ms(20 + rand_r(&seed) % 80);
		i = rand_r(&seed) % NR_SENDERS;
		ASSERT_EQ(128 + SIGKILL, reap(senders[i])) TH_LOG("sender %d", i);
		senders[i] = spawn_sender(variant->path, round * NR_SENDERS + i + 1,
					  replies);
		ASSERT_LT(0, senders[i]);
		if (round % 8 == 7) {
			ASSERT_EQ(128 + SIGKILL, reap(mgr)) TH_LOG("manager");
			mgr = spawn_manager(variant->path);
			ASSERT_LT(0, mgr);
		}
	}

	for (i = 0; i < NR_SENDERS; i++)
		EXPECT_EQ(128 + SIGKILL, reap(senders[i])) TH_LOG("sender %d", i);
	EXPECT_EQ(128 + SIGKILL, reap(mgr)) TH_LOG("manager");
	TH_LOG("%ld correct replies", *replies);
	EXPECT_LT(0, *replies);
	munmap((void *)replies, sizeof(*replies));
}

/*
 * The fd and scatter-gather storm. Every call carries, after 8 bytes of
 * seed: an fd object of the pipe's write end, a root buffer (struct
 * storm_root) with a pointer to a blob and an fd array of two more, and
 * the blob; the manager checks all of it, closes what it received, and
 * answers with the blob's checksum and an fd object of the pipe.
 */
struct storm_root {
	uint64_t blob;
	uint32_t fds[2];
};

/* The reply: the checksum, then an fd object at offset 8. */
struct storm_reply {
	uint32_t hash;
	uint32_t pad;
	struct binderlite_fd_object fd;
};

#define STORM_CODE	0x53544f52U

/* The pipe whose write end travels, made before any child. */
static int storm_pipe[2];

/* Whether @fd is a descriptor of the pipe. */
static bool storm_fd_ok(int fd)
{
	return sg_same_file(fd, storm_pipe[0]) == 1;
}

/* Checks a storm call; returns 0 or an exit code; *@fd is its fd object's fd. */
static int storm_check(const struct binderlite_transaction_data *tr, uint32_t *hash, int *fd)
{
	struct binderlite_fd_array_object fda;
	struct binderlite_buffer_object root, blob;
	struct binderlite_fd_object fo;
	struct storm_root r;
	uint64_t seed;

	*fd = -1;
	if (tr->offsets_size != 4 * sizeof(binderlite_size_t) ||
	    ipc_obj_at(tr, 0, &fo, sizeof(fo)) || ipc_obj_at(tr, 1, &root, sizeof(root)) ||
	    ipc_obj_at(tr, 2, &blob, sizeof(blob)) || ipc_obj_at(tr, 3, &fda, sizeof(fda)) ||
	    fo.hdr.type != BINDERLITE_TYPE_FD || root.length != sizeof(r) || fda.num_fds != 2)
		return EXIT_CORRUPT;
	*fd = fo.fd;
	memcpy(&seed, ipc_payload(tr), sizeof(seed));
	memcpy(&r, (const void *)(uintptr_t)root.buffer, sizeof(r));
	if (fo.cookie != seed || r.blob != blob.buffer || !storm_fd_ok(fo.fd) ||
	    !storm_fd_ok(r.fds[0]) || !storm_fd_ok(r.fds[1]) || r.fds[0] == r.fds[1] ||
	    ipc_check_fill((const void *)(uintptr_t)blob.buffer, blob.length, seed) != -1)
		return EXIT_CORRUPT;
	*hash = ipc_hash((const void *)(uintptr_t)blob.buffer, blob.length);
	return 0;
}

/*
 * The storm's manager: serves until SG_CODE_QUIT, which it answers once its
 * descriptors are as many as when it started (else EXIT_LEAK).
 */
static int storm_manager(struct ipc_dev *dev, void *arg)
{
	struct storm_reply rep = { .fd.hdr.type = BINDERLITE_TYPE_FD };
	const binderlite_size_t offsets[1] = { offsetof(struct storm_reply, fd) };
	struct ipc_reader r;
	struct ipc_event ev;
	struct ipc_cmds c;
	int fds, fd, ret;

	close(storm_pipe[1]);
	fds = sg_count_fds();
	ipc_reader_init(&r, dev->fd);
	while (!ipc_next(&r, &ev)) {
		if (ev.cmd != BINDERLITE_BR_TRANSACTION)
			continue;
		c = (struct ipc_cmds){ 0 };
		ipc_cmd_u64(&c, BINDERLITE_BC_FREE_BUFFER, ev.txn.data.ptr.buffer);
		if (ev.txn.code == SG_CODE_QUIT) {
			ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
			if (ipc_cmds_write(dev->fd, &c))
				return EXIT_PROTOCOL;
			return sg_count_fds() == fds ? 0 : EXIT_LEAK;
		}
		ret = storm_check(&ev.txn, &rep.hash, &fd);
		if (ret)
			return ret;
		/* The free closes the fd array's descriptors; the reply sends ours. */
		rep.fd.fd = fd;
		if (!(ev.txn.flags & BINDERLITE_TF_ONE_WAY))
			ipc_cmd_txn(&c, BINDERLITE_BC_REPLY, 0, 0, 0, &rep, sizeof(rep), offsets,
				    sizeof(offsets));
		if (ipc_cmds_write(dev->fd, &c) || close(fd))
			return EXIT_PROTOCOL;
	}
	return EXIT_PROTOCOL;
}

/*
 * One storm call or oneway with a blob of @size bytes; waits for its
 * outcome. Returns 1 for a correct reply (its fd checked and closed), 0
 * for another outcome the kills explain, or an exit code.
 */
static int storm_send(struct ipc_reader *r, uint8_t *blob, size_t size, bool oneway,
		      uint32_t seed)
{
	struct storm_root root = { .blob = (uintptr_t)blob };
	struct binderlite_fd_object fo;
	struct storm_reply rep;
	struct sg_outcome o;
	struct obj_msg m;
	int ret;

	ipc_fill(blob, size, seed);
	root.fds[0] = storm_pipe[1];
	root.fds[1] = storm_pipe[1];
	obj_msg_init(&m);
	obj_msg_u64(&m, seed);
	obj_msg_fd(&m, storm_pipe[1], seed);
	obj_msg_ptr(&m, &root, sizeof(root), -1, 0);
	obj_msg_ptr(&m, blob, size, 1, offsetof(struct storm_root, blob));
	obj_msg_fda(&m, 2, 1, offsetof(struct storm_root, fds));
	if (sg_call(r, BINDERLITE_BC_TRANSACTION_SG, 0, STORM_CODE,
		    BINDERLITE_TF_ACCEPT_FDS | (oneway ? BINDERLITE_TF_ONE_WAY : 0), &m, &o))
		return EXIT_PROTOCOL;
	if (!o.n || o.cmds[o.n - 1] != BINDERLITE_BR_REPLY)
		return 0;
	ret = 1;
	if (o.reply.data_size != sizeof(rep) || o.reply.offsets_size != sizeof(binderlite_size_t))
		ret = EXIT_CORRUPT;
	if (ret == 1) {
		memcpy(&rep, ipc_payload(&o.reply), sizeof(rep));
		if (ipc_obj_at(&o.reply, 0, &fo, sizeof(fo)) || fo.hdr.type != BINDERLITE_TYPE_FD ||
		    rep.hash != ipc_hash(blob, size) || !storm_fd_ok(fo.fd) || close(fo.fd))
			ret = EXIT_CORRUPT;
	}
	if (ipc_free_buffer(r->fd, o.reply.data.ptr.buffer))
		ret = EXIT_PROTOCOL;
	return ret;
}

/*
 * A storm sender: calls the manager until killed, or, with @stop, until
 * *@stop is set; then its descriptors must be as many as when it started.
 */
static int storm_sender(const char *path, unsigned int seed, volatile long *replies,
			const int *stop)
{
	static const size_t sizes[] = { 0, 8, 100, 4096 + 13, 20000, 60000 };
	struct ipc_reader r;
	struct ipc_dev dev;
	unsigned int i;
	uint8_t *blob;
	int fds, ret;

	blob = malloc(sizes[ARRAY_SIZE(sizes) - 1]);
	if (!blob || ipc_open(&dev, path, IPC_POOL_SIZE))
		return EXIT_PROTOCOL;
	fds = sg_count_fds();
	ipc_reader_init(&r, dev.fd);
	for (i = 0; !stop || !__atomic_load_n(stop, __ATOMIC_ACQUIRE); i++) {
		ret = storm_send(&r, blob, sizes[rand_r(&seed) % ARRAY_SIZE(sizes)],
				 rand_r(&seed) % 4 == 0, seed + i);
		if (ret > 1)
			return ret;
		if (ret == 1)
			__atomic_add_fetch(replies, 1, __ATOMIC_RELAXED);
	}
	return sg_count_fds() == fds ? 0 : EXIT_LEAK;
}

static pid_t spawn_storm_sender(const char *path, unsigned int seed, volatile long *replies,
				const int *stop)
{
	pid_t pid = ipc_fork();

	if (pid == 0)
		_exit(storm_sender(path, seed, replies, stop));
	return pid;
}

struct storm_shared {
	long replies;
	int stop;
};

/*
 * Senders pass fds and scatter-gather buffers to the manager while the test
 * SIGKILLs a random sender every 20-100 ms and the manager every eighth
 * round; one sender is never killed. At the end the survivors (that
 * sender, the last manager, the test) hold the descriptors they had, and
 * once everyone else is gone nobody holds the pipe's write end.
 */
TEST_F_TIMEOUT(stress, fd_sg_kill_storm, 300)
{
	pid_t senders[NR_SENDERS], mgr;
	struct ipc_result res;
	struct storm_shared *sh;
	unsigned int seed = 7;
	struct ipc_reader r;
	int i, round, fds;

	fds = sg_count_fds();
	sh = ipc_shared(sizeof(*sh));
	ASSERT_NE(MAP_FAILED, sh);
	ASSERT_EQ(0, pipe2(storm_pipe, O_CLOEXEC));
	mgr = sg_start_mgr(variant->path, BINDERLITE_FLAG_ACCEPTS_FDS, storm_manager, NULL);
	ASSERT_LT(0, mgr);
	/* Sender 0 survives; the others are killed. */
	senders[0] = spawn_storm_sender(variant->path, 1, &sh->replies, &sh->stop);
	ASSERT_LT(0, senders[0]);
	for (i = 1; i < NR_SENDERS; i++) {
		senders[i] = spawn_storm_sender(variant->path, i + 1, &sh->replies, NULL);
		ASSERT_LT(0, senders[i]);
	}

	for (round = 0; round < ROUNDS; round++) {
		bl_sleep_ms(20 + rand_r(&seed) % 80);
		i = 1 + rand_r(&seed) % (NR_SENDERS - 1);
		ASSERT_EQ(128 + SIGKILL, reap(senders[i])) TH_LOG("sender %d", i);
		senders[i] = spawn_storm_sender(variant->path, round * NR_SENDERS + i + 1,
						&sh->replies, NULL);
		ASSERT_LT(0, senders[i]);
		if (round % 8 == 7) {
			ASSERT_EQ(128 + SIGKILL, reap(mgr)) TH_LOG("manager");
			mgr = sg_start_mgr(variant->path, BINDERLITE_FLAG_ACCEPTS_FDS,
					   storm_manager, NULL);
			ASSERT_LT(0, mgr);
		}
	}

	for (i = 1; i < NR_SENDERS; i++)
		EXPECT_EQ(128 + SIGKILL, reap(senders[i])) TH_LOG("sender %d", i);
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(0, ipc_wait(senders[0], 60)) TH_LOG("the surviving sender");
	/* The manager answers SG_CODE_QUIT once it holds no more than it started with. */
	ASSERT_EQ(0, ipc_open(&self->dev, variant->path, IPC_POOL_SIZE));
	ipc_reader_init(&r, self->dev.fd);
	ASSERT_EQ(0, ipc_call(&r, 0, SG_CODE_QUIT, NULL, 0, &res));
	EXPECT_EQ(BINDERLITE_BR_REPLY, res.cmd);
	if (res.cmd == BINDERLITE_BR_REPLY)
		EXPECT_EQ(0, ipc_free_buffer(self->dev.fd, res.txn.data.ptr.buffer));
	EXPECT_EQ(0, ipc_wait(mgr, 30)) TH_LOG("the last manager");
	EXPECT_EQ(0, ipc_close(&self->dev));
	TH_LOG("%ld correct replies", sh->replies);
	EXPECT_LT(0, sh->replies);

	/* Every other holder of the write end is dead: binder lets go of it too. */
	EXPECT_EQ(0, close(storm_pipe[1]));
	EXPECT_EQ(0, sg_writers_gone(storm_pipe[0], 10000));
	EXPECT_EQ(0, close(storm_pipe[0]));
	EXPECT_EQ(fds, sg_count_fds());
	munmap(sh, sizeof(*sh));
}

TEST_HARNESS_MAIN
