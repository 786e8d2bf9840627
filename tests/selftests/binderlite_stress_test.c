// SPDX-License-Identifier: GPL-2.0
/*
 * Processes dying at any instant: senders and the context manager are
 * SIGKILLed at random moments while calls, oneways and objects are in
 * flight, and restarted. Every reply that arrives must carry the right
 * checksum, nobody may hang, and on binderlite debugfs must show nothing
 * left at the end. Runs against /dev/binderlite and the reference
 * /dev/binder.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "binderlite_ipc.h"

#define NR_SENDERS	4
#define ROUNDS		40
#define CODE_HASH	1
#define OBJ_SIZE	sizeof(struct flat_binderlite_object)

/* Exit codes of children that saw something wrong. */
#define EXIT_CORRUPT	1
#define EXIT_PROTOCOL	2

FIXTURE(stress) {
	struct ipc_dev dev;
};

FIXTURE_VARIANT(stress) {
	const char *path;
	bool debugfs;
};

FIXTURE_VARIANT_ADD(stress, binderlite) {
	.path = "/dev/binderlite",
	.debugfs = true,
};

FIXTURE_VARIANT_ADD(stress, binder) {
	.path = "/dev/binder",
};

FIXTURE_SETUP(stress)
{
	if (access(variant->path, F_OK))
		SKIP(return, "%s is not present", variant->path);
}

FIXTURE_TEARDOWN(stress)
{
	ipc_kill_children();
	if (variant->debugfs)
		ipc_expect_clean(_metadata);
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

	replies = mmap(NULL, sizeof(*replies), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, replies);
	mgr = spawn_manager(variant->path);
	ASSERT_LT(0, mgr);
	for (i = 0; i < NR_SENDERS; i++) {
		senders[i] = spawn_sender(variant->path, i + 1, replies);
		ASSERT_LT(0, senders[i]);
	}

	for (round = 0; round < ROUNDS; round++) {
		ipc_sleep_ms(20 + rand_r(&seed) % 80);
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

TEST_HARNESS_MAIN
