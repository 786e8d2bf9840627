// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite's coverage-guided fuzzer: a libFuzzer target whose coverage is
 * the driver's, through KCOV (Documentation/testing.rst, "Fuzzing").
 *
 * An input is a small program. Each op starts with one byte (the op, modulo
 * the number of ops); its arguments are the bytes that follow (0 once the
 * input is used up). The program plays several simulated processes, each an
 * open() of /dev/binderlite: binderlite, like binder, keeps one process
 * state per open file and one thread state per task that calls into that
 * file. The harness's worker threads are the tasks: the main thread hands
 * one op at a time to one of them and waits until it is done, so a run is
 * deterministic, and every file is opened O_NONBLOCK so that no read waits.
 *
 * Each worker (and the main thread, which cleans up) traces the kernel PCs
 * it runs with KCOV (/sys/kernel/debug/kcov, KCOV_TRACE_PC). Only binderlite
 * is instrumented in the debug kernel, so every PC is the driver's; after
 * each op its PCs become edges (pairs of consecutive PCs, hashed) counted in
 * libFuzzer's extra counters (the section __libfuzzer_extra_counters), and
 * the harness itself is not instrumented: the corpus grows with driver paths
 * only.
 *
 * After every input, every simulated process is closed (its pool unmapped
 * first, a frozen one thawed), every descriptor the driver installed is
 * closed, a round trip between two fresh processes must work, and
 * binderlite's debugfs stats must show no process, thread, node, reference,
 * buffer, death or freeze notification, transaction, file in flight or
 * resident pool page. A violation aborts, so that libFuzzer saves the input.
 *
 * Environment:
 *   BL_FUZZ_DRYRUN=1   no device and no KCOV needed (a host smoke test of
 *                      the decoder): the ops fail, nothing is checked
 *   BL_FUZZ_PCS=FILE   at exit, every distinct PC reached, one per line,
 *                      as "SECTION OFFSET" of the module's sections
 *   BL_FUZZ_DEVICE     the device (default /dev/binderlite)
 *   BL_FUZZ_FAULTS=1   under fault injection (tools/testing/faults.sh runs
 *                      the fuzzer with make-it-fail set): the workers keep
 *                      /proc/thread-self/make-it-fail at 1, so the ops may
 *                      be made to fail, and the main thread sets its own to
 *                      0, so the cleanup, the round trip and the checks
 *                      after each input run without injected failures:
 *                      whatever an injected failure did, the driver must
 *                      have undone it by then
 *
 * At exit it prints "bl-fuzz: inputs N ops N pcs N" on stderr.
 */
#include <linux/binderlite.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdarg>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace {

// KCOV's ABI (include/uapi/linux/kcov.h), spelled out: Debian 12's headers
// have it, but a host without them still builds the smoke test.
constexpr unsigned long kKcovInitTrace = _IOR('c', 1, unsigned long);
constexpr unsigned long kKcovEnable = _IO('c', 100);
constexpr unsigned long kKcovTracePc = 0;

constexpr int kProcs = 4;          // simulated processes
constexpr int kThreads = 3;        // worker tasks
constexpr int kMaxOps = 256;       // ops per input
constexpr size_t kKcovWords = 1 << 18;
constexpr size_t kCounters = 1 << 16;
constexpr const char *kStats = "/sys/kernel/debug/binderlite/stats";
constexpr const char *kReclaim = "/sys/kernel/debug/binderlite/reclaim";
// x86-64's __START_KERNEL: where _text is without KASLR.
constexpr uint64_t kStartKernel = 0xffffffff81000000ULL;

// What the debugfs stats must show once every process has gone.
constexpr std::array kCleanKeys = {
	"procs",	     "threads", "nodes",  "refs",	     "buffers",
	"deaths",	     "transactions_live", "freezes", "files_in_flight",
	"pages_resident",
};

} // namespace

// libFuzzer's extra counters: every byte is a feature, its value bucketed.
__attribute__((section("__libfuzzer_extra_counters"), used))
uint8_t blFuzzExtraCounters[kCounters];

namespace {

bool gDryRun = false;
bool gFaults = false;
std::string gDevice = "/dev/binderlite";
uint64_t gInputs = 0;
uint64_t gOps = 0;
uint64_t gKaslr = 0;
std::mutex gPcsMutex;
std::unordered_set<uint64_t> gPcs;
// A bit per byte of the module's text (from gTextBase, as KCOV reports
// addresses): a PC seen before costs a bit test, not a hash-set insert
// (which, a thousand times per op, was a good part of an op's time).
constexpr uint64_t kTextSpan = 4 << 20;
uint64_t gTextBase = 0;
std::vector<uint64_t> gSeen(kTextSpan / 64);

[[noreturn]] void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bl-fuzz: INVARIANT VIOLATED: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

// One task's KCOV trace.
class Kcov {
public:
	Kcov() = default;
	Kcov(const Kcov &) = delete;
	Kcov &operator=(const Kcov &) = delete;
	~Kcov()
	{
		if (area_)
			munmap(area_, kKcovWords * sizeof(uint64_t));
		if (fd_ >= 0)
			close(fd_);
	}

	// Opens and enables KCOV for the calling task.
	bool enable()
	{
		fd_ = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
		if (fd_ < 0)
			return false;
		if (ioctl(fd_, kKcovInitTrace, kKcovWords))
			return false;
		void *p = mmap(nullptr, kKcovWords * sizeof(uint64_t), PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd_, 0);
		if (p == MAP_FAILED)
			return false;
		area_ = static_cast<uint64_t *>(p);
		if (ioctl(fd_, kKcovEnable, kKcovTracePc))
			return false;
		__atomic_store_n(&area_[0], 0, __ATOMIC_RELAXED);
		return true;
	}

	void reset()
	{
		if (area_)
			__atomic_store_n(&area_[0], 0, __ATOMIC_RELAXED);
	}

	std::span<const uint64_t> pcs() const
	{
		if (!area_)
			return {};
		uint64_t n = __atomic_load_n(&area_[0], __ATOMIC_RELAXED);
		n = std::min<uint64_t>(n, kKcovWords - 1);
		return {area_ + 1, static_cast<size_t>(n)};
	}

private:
	int fd_ = -1;
	uint64_t *area_ = nullptr;
};

uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

// The PCs of one op: edges into the extra counters, PCs into the set.
void feedCoverage(const Kcov &kcov)
{
	uint64_t prev = 0;
	auto pcs = kcov.pcs();

	for (uint64_t pc : pcs) {
		uint64_t cur = mix(pc);
		uint8_t &c = blFuzzExtraCounters[(cur ^ prev) % kCounters];
		if (c != 0xff)
			c++;
		prev = cur >> 1;
	}
	std::lock_guard lock(gPcsMutex);
	for (uint64_t pc : pcs) {
		uint64_t off = pc - gTextBase;
		if (off < kTextSpan) {
			uint64_t &word = gSeen[off / 64];
			uint64_t bit = 1ULL << (off % 64);
			if (word & bit)
				continue;
			word |= bit;
		}
		gPcs.insert(pc);
	}
}

// Fault injection's task filter: whether the calling task's allocations
// (and the driver's injectable helpers it calls) may be made to fail.
void setMakeItFail(bool on)
{
	int fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, on ? "1" : "0", 1) != 1)
		fail("cannot set make-it-fail: %s (no CONFIG_FAULT_INJECTION?)", strerror(errno));
	close(fd);
}

// A worker task: runs the ops the main thread hands it, one at a time.
class Worker {
public:
	Worker() : thread_([this] { loop(); })
	{
		std::unique_lock lock(mutex_);
		cv_.wait(lock, [this] { return started_; });
	}
	Worker(const Worker &) = delete;
	Worker &operator=(const Worker &) = delete;

	bool kcovOk() const { return kcovOk_; }

	// Runs @job on this task and waits for it; then feeds its coverage.
	void run(const std::function<void()> &job)
	{
		std::unique_lock lock(mutex_);
		job_ = &job;
		cv_.notify_all();
		cv_.wait(lock, [this] { return job_ == nullptr; });
		feedCoverage(kcov_);
	}

	pid_t tid() const { return tid_; }

private:
	void loop()
	{
		{
			std::lock_guard lock(mutex_);
			tid_ = static_cast<pid_t>(syscall(SYS_gettid));
			if (gFaults)
				setMakeItFail(true);
			kcovOk_ = !gDryRun && kcov_.enable();
			started_ = true;
			cv_.notify_all();
		}
		for (;;) {
			std::unique_lock lock(mutex_);
			cv_.wait(lock, [this] { return job_ != nullptr; });
			kcov_.reset();
			(*job_)();
			job_ = nullptr;
			cv_.notify_all();
		}
	}

	std::mutex mutex_;
	std::condition_variable cv_;
	const std::function<void()> *job_ = nullptr;
	bool started_ = false;
	bool kcovOk_ = false;
	pid_t tid_ = 0;
	Kcov kcov_;
	std::thread thread_;
};

// The input, read a byte or a word at a time; zeros once it is used up.
class Reader {
public:
	Reader(const uint8_t *data, size_t size) : data_(data), size_(size) {}

	bool done() const { return pos_ >= size_; }

	uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }

	uint32_t u32()
	{
		uint32_t v = 0;

		for (int i = 0; i < 4; i++)
			v |= static_cast<uint32_t>(byte()) << (8 * i);
		return v;
	}

private:
	const uint8_t *data_;
	size_t size_;
	size_t pos_ = 0;
};

// What the harness remembers of one simulated process.
struct SimProc {
	int fd = -1;
	int epfd = -1;
	void *pool = nullptr;
	size_t poolSize = 0;
	std::vector<uint64_t> buffers;		// received, not yet freed
	std::vector<uint64_t> freed;		// freed: for a double free
	std::vector<std::pair<uint32_t, binderlite_ptr_cookie>> acks; // BC_*_DONE owed
	std::vector<uint64_t> deaths;		// BR_DEAD_BINDER cookies
	std::vector<uint64_t> freezeNotes;	// BR_FROZEN_BINDER cookies
	std::vector<uint32_t> handles;		// handles seen in payloads
	std::array<bool, kThreads> inCall{};	// a BR_TRANSACTION to answer
};

// Descriptors the harness keeps for the whole run, sent as FD objects.
struct FdPool {
	int pipeRd = -1;
	int pipeWr = -1;
	int memfd = -1;
	int null = -1;
};

// Never destroyed: the workers run until the process exits.
std::array<Worker *, kThreads> gWorkers;
Kcov *gMainKcov;
FdPool gFdPool;
std::array<SimProc, kProcs> gProcs;
// Pools still mapped after their process's file was closed, then reopened.
std::vector<std::pair<void *, size_t>> gOrphanPools;
bool gFrozen = false;

int writeRead(int fd, const void *wbuf, size_t wsize, void *rbuf, size_t rsize,
	      size_t *rconsumed = nullptr)
{
	binderlite_write_read wr{};

	wr.write_buffer = reinterpret_cast<uintptr_t>(wbuf);
	wr.write_size = wsize;
	wr.read_buffer = reinterpret_cast<uintptr_t>(rbuf);
	wr.read_size = rsize;
	int ret = ioctl(fd, BINDERLITE_WRITE_READ, &wr);
	if (rconsumed)
		*rconsumed = wr.read_consumed;
	return ret;
}

// A command stream under construction.
class Commands {
public:
	template <typename T> void put(const T &v)
	{
		const auto *p = reinterpret_cast<const uint8_t *>(&v);
		bytes_.insert(bytes_.end(), p, p + sizeof(v));
	}
	void cmd(uint32_t c) { put(c); }
	template <typename T> void cmd(uint32_t c, const T &arg)
	{
		put(c);
		put(arg);
	}
	void raw(const std::vector<uint8_t> &b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }
	int send(int fd) const { return writeRead(fd, bytes_.data(), bytes_.size(), nullptr, 0); }
	bool empty() const { return bytes_.empty(); }

private:
	std::vector<uint8_t> bytes_;
};

bool inPool(const SimProc &p, uint64_t addr, uint64_t len)
{
	auto base = reinterpret_cast<uint64_t>(p.pool);

	return p.pool && addr >= base && len <= p.poolSize && addr - base <= p.poolSize - len;
}

template <typename T> void remember(std::vector<T> &v, T x, size_t cap = 16)
{
	if (v.size() < cap)
		v.push_back(x);
}

// A received BR_TRANSACTION or BR_REPLY: its buffer, and the handles in it.
void noteReceived(SimProc &p, const binderlite_transaction_data &tr)
{
	uint64_t data = tr.data.ptr.buffer, offs = tr.data.ptr.offsets;

	if (tr.flags & BINDERLITE_TF_STATUS_CODE && !tr.data_size)
		return;
	remember(p.buffers, data, 64);
	if (!inPool(p, data, tr.data_size) || !inPool(p, offs, tr.offsets_size))
		return;
	for (uint64_t i = 0; i + 8 <= tr.offsets_size; i += 8) {
		uint64_t off;

		memcpy(&off, reinterpret_cast<const void *>(offs + i), sizeof(off));
		if (off > tr.data_size || tr.data_size - off < sizeof(flat_binderlite_object))
			continue;
		flat_binderlite_object fbo;
		memcpy(&fbo, reinterpret_cast<const void *>(data + off), sizeof(fbo));
		if (fbo.hdr.type == BINDERLITE_TYPE_HANDLE ||
		    fbo.hdr.type == BINDERLITE_TYPE_WEAK_HANDLE) {
			if (std::find(p.handles.begin(), p.handles.end(), fbo.handle) ==
			    p.handles.end())
				remember(p.handles, fbo.handle, 8);
		}
	}
}

// Reads what the driver has for (proc, thread), never waiting; notes it.
void readReturns(SimProc &p, int t, size_t size)
{
	std::vector<uint8_t> buf(size);
	size_t got = 0;

	writeRead(p.fd, nullptr, 0, buf.data(), buf.size(), &got);
	got = std::min(got, buf.size());
	size_t pos = 0;
	while (pos + 4 <= got) {
		uint32_t cmd;

		memcpy(&cmd, &buf[pos], 4);
		pos += 4;
		size_t len = _IOC_SIZE(cmd);
		if (pos + len > got)
			break;
		const uint8_t *arg = &buf[pos];
		pos += len;
		switch (cmd) {
		case BINDERLITE_BR_TRANSACTION_SEC_CTX:
		case BINDERLITE_BR_TRANSACTION:
		case BINDERLITE_BR_REPLY: {
			binderlite_transaction_data tr;
			memcpy(&tr, arg, sizeof(tr));
			noteReceived(p, tr);
			if (cmd != BINDERLITE_BR_REPLY && !(tr.flags & BINDERLITE_TF_ONE_WAY))
				p.inCall[t] = true;
			if (cmd == BINDERLITE_BR_REPLY)
				p.inCall[t] = false;
			break;
		}
		case BINDERLITE_BR_INCREFS:
		case BINDERLITE_BR_ACQUIRE: {
			binderlite_ptr_cookie pc;
			memcpy(&pc, arg, sizeof(pc));
			remember(p.acks, {cmd == BINDERLITE_BR_INCREFS ? BINDERLITE_BC_INCREFS_DONE
								       : BINDERLITE_BC_ACQUIRE_DONE, pc});
			break;
		}
		case BINDERLITE_BR_DEAD_BINDER: {
			uint64_t cookie;
			memcpy(&cookie, arg, sizeof(cookie));
			remember(p.deaths, cookie);
			break;
		}
		case BINDERLITE_BR_FROZEN_BINDER: {
			binderlite_frozen_state_info fs;
			memcpy(&fs, arg, sizeof(fs));
			remember(p.freezeNotes, static_cast<uint64_t>(fs.cookie));
			break;
		}
		default:
			break;
		}
	}
}

// The descriptors an FD object or an FD array may name.
int pickFd(uint8_t b)
{
	switch (b % 7) {
	case 0: return gFdPool.pipeRd;
	case 1: return gFdPool.pipeWr;
	case 2: return gFdPool.memfd;
	case 3: return gFdPool.null;
	case 4: return -1;
	case 5: return 1 << 20;
	default: return 0; // stdin: /dev/null in the VM
	}
}

uint32_t pickHandle(const SimProc &p, uint8_t b)
{
	if (b < 128)
		return b % 4;
	if (b < 240 && !p.handles.empty())
		return p.handles[b % p.handles.size()];
	return b < 248 ? b : 0xffffffffU - (b & 7);
}

// A transaction's payload: objects laid out, the offsets array, maybe
// corrupted; the PTR objects' buffers. Built from the input.
struct Payload {
	std::vector<uint8_t> data;
	std::vector<uint64_t> offsets;
	std::array<std::array<uint64_t, 16>, 8> sg{};	// PTR buffers, 128 bytes each
	uint64_t buffersSize = 0;
	uint64_t dataPtr = 0;
	uint64_t offsetsPtr = 0;
	uint64_t dataSize = 0;
	uint64_t offsetsSize = 0;
};

template <typename T> void append(std::vector<uint8_t> &v, const T &obj)
{
	const auto *p = reinterpret_cast<const uint8_t *>(&obj);
	v.insert(v.end(), p, p + sizeof(obj));
}

void buildPayload(Reader &in, const SimProc &p, Payload &pl)
{
	uint8_t shape = in.byte();
	int nobj = shape % 6;
	int nptr = 0;
	std::vector<int> ptrIndex;		// index in offsets of each PTR

	pl.data.resize((shape >> 3) % 4 * 8, 0x5a);
	for (int i = 0; i < nobj; i++) {
		uint8_t kind = in.byte(), a = in.byte();
		pl.offsets.push_back(pl.data.size());
		switch (kind % 8) {
		case 0:
		case 1: {
			flat_binderlite_object fbo{};
			fbo.hdr.type = kind % 8 ? BINDERLITE_TYPE_WEAK_BINDER : BINDERLITE_TYPE_BINDER;
			fbo.flags = (a & 0x80 ? BINDERLITE_FLAG_ACCEPTS_FDS : 0) |
				    (a & 0x40 ? BINDERLITE_FLAG_TXN_SECURITY_CTX : 0);
			fbo.binder = 0x1000 * (1 + a % 4);
			fbo.cookie = 0xc0 + a % 4;
			append(pl.data, fbo);
			break;
		}
		case 2:
		case 3: {
			flat_binderlite_object fbo{};
			fbo.hdr.type = kind % 8 == 2 ? BINDERLITE_TYPE_HANDLE
						     : BINDERLITE_TYPE_WEAK_HANDLE;
			fbo.handle = pickHandle(p, a);
			append(pl.data, fbo);
			break;
		}
		case 4: {
			binderlite_fd_object fo{};
			fo.hdr.type = BINDERLITE_TYPE_FD;
			fo.fd = pickFd(a);
			fo.cookie = a;
			append(pl.data, fo);
			break;
		}
		case 5: {
			binderlite_buffer_object bo{};
			int slot = nptr < 8 ? nptr : 7;
			bo.hdr.type = BINDERLITE_TYPE_PTR;
			bo.buffer = reinterpret_cast<uintptr_t>(pl.sg[slot].data());
			bo.length = 8 * (a % 17);
			if (a & 0x80 && !ptrIndex.empty()) {
				uint8_t b = in.byte();
				bo.flags = BINDERLITE_BUFFER_FLAG_HAS_PARENT;
				bo.parent = b & 0x80 ? b % 8 : ptrIndex[b % ptrIndex.size()];
				bo.parent_offset = 8 * (b % 17);
			}
			ptrIndex.push_back(i);
			pl.buffersSize += (bo.length + 7) & ~7ULL;
			nptr++;
			append(pl.data, bo);
			break;
		}
		case 6: {
			binderlite_fd_array_object fa{};
			uint8_t b = in.byte();
			fa.hdr.type = BINDERLITE_TYPE_FDA;
			fa.num_fds = a % 4;
			fa.parent = ptrIndex.empty() || b & 0x80 ? b % 8 : ptrIndex[b % ptrIndex.size()];
			fa.parent_offset = 4 * (b % 8);
			// The parent's buffer holds the descriptors.
			int slot = std::min<int>(std::max(nptr - 1, 0), 7);
			auto *fds = reinterpret_cast<int32_t *>(pl.sg[slot].data());
			for (uint64_t k = 0; k < fa.num_fds && fa.parent_offset / 4 + k < 32; k++)
				fds[fa.parent_offset / 4 + k] = pickFd(in.byte());
			append(pl.data, fa);
			break;
		}
		default: {
			// An object of no known type, or a short one.
			uint32_t type = a & 1 ? in.u32() : BINDERLITE_TYPE_BINDER;
			append(pl.data, type);
			break;
		}
		}
	}
	pl.data.resize(pl.data.size() + in.byte() % 3 * 4, 0xa5);
	pl.dataPtr = reinterpret_cast<uintptr_t>(pl.data.data());
	pl.offsetsPtr = reinterpret_cast<uintptr_t>(pl.offsets.data());
	pl.dataSize = pl.data.size();
	pl.offsetsSize = pl.offsets.size() * 8;

	// Corruptions, one at most: most inputs stay valid.
	uint8_t c = in.byte();
	switch (c % 16) {
	case 8:
		if (!pl.offsets.empty())
			pl.offsets[c / 16 % pl.offsets.size()] += 1 + c / 16 % 7;
		break;
	case 9:
		if (!pl.offsets.empty())
			pl.offsets[c / 16 % pl.offsets.size()] = c & 0x80 ? pl.dataSize : ~0ULL - 3;
		break;
	case 10:
		pl.offsetsSize += 4;
		break;
	case 11:
		pl.dataPtr = c & 0x80 ? 0 : 0xffff888000000000ULL;
		break;
	case 12:
		pl.offsetsPtr = c & 0x80 ? 8 : 0xffffffff81000000ULL;
		break;
	case 13:
		pl.buffersSize = c & 0x80 ? pl.buffersSize + 8 * (c % 8 + 1)
					  : (pl.buffersSize >= 8 ? pl.buffersSize - 8 : 0);
		break;
	case 14:
		pl.dataSize = c & 0x80 ? (pl.dataSize > 4 ? pl.dataSize - 4 : 0) : 1ULL << 40;
		break;
	case 15:
		if (pl.offsets.size() >= 2)
			std::swap(pl.offsets[0], pl.offsets[1]);
		break;
	default:
		break;
	}
}

// BC_TRANSACTION(_SG) or BC_REPLY(_SG), built from the input.
void opTransact(Reader &in, SimProc &p, int t, bool reply)
{
	uint8_t f = in.byte();
	uint32_t handle = pickHandle(p, in.byte());
	Payload pl;

	buildPayload(in, p, pl);
	binderlite_transaction_data_sg sg{};
	auto &tr = sg.transaction_data;
	tr.target.handle = handle;
	tr.code = f >> 4;
	tr.flags = (f & 1 ? BINDERLITE_TF_ONE_WAY : 0) | (f & 2 ? BINDERLITE_TF_ACCEPT_FDS : 0) |
		   (f & 4 && reply ? BINDERLITE_TF_STATUS_CODE : 0) |
		   (f & 0x80 ? BINDERLITE_TF_CLEAR_BUF : 0);
	tr.data_size = pl.dataSize;
	tr.offsets_size = pl.offsetsSize;
	tr.data.ptr.buffer = pl.dataPtr;
	tr.data.ptr.offsets = pl.offsetsPtr;
	sg.buffers_size = pl.buffersSize;
	bool useSg = f & 8;

	Commands cmds;
	if (useSg)
		cmds.cmd(reply ? BINDERLITE_BC_REPLY_SG : BINDERLITE_BC_TRANSACTION_SG, sg);
	else
		cmds.cmd(reply ? BINDERLITE_BC_REPLY : BINDERLITE_BC_TRANSACTION, tr);
	cmds.send(p.fd);
	if (reply)
		p.inCall[t] = false;
}

// One step of a service loop: owed acknowledgments, a read, a reply to a
// call received, the buffers freed. Reaches deep states in few ops.
void opServe(Reader &in, SimProc &p, int t)
{
	uint8_t m = in.byte();
	Commands cmds;

	for (auto &[cmd, pc] : p.acks)
		cmds.cmd(cmd, pc);
	p.acks.clear();
	if (!cmds.empty())
		cmds.send(p.fd);
	readReturns(p, t, 256);
	Commands tail;
	if (!(m & 1)) {
		for (uint64_t b : p.buffers) {
			tail.cmd(BINDERLITE_BC_FREE_BUFFER, b);
			remember(p.freed, b, 8);
		}
		p.buffers.clear();
	}
	if (p.inCall[t]) {
		binderlite_transaction_data tr{};
		uint32_t status = 0;

		if (m & 2) {
			tr.flags = BINDERLITE_TF_STATUS_CODE;
			tr.data_size = sizeof(status);
			tr.data.ptr.buffer = reinterpret_cast<uintptr_t>(&status);
		}
		tail.cmd(BINDERLITE_BC_REPLY, tr);
		p.inCall[t] = false;
	}
	if (!tail.empty())
		tail.send(p.fd);
}

void opFreeBuffer(Reader &in, SimProc &p)
{
	uint8_t b = in.byte();
	uint64_t addr;

	if (b < 160 && !p.buffers.empty()) {
		size_t i = b % p.buffers.size();
		addr = p.buffers[i];
		p.buffers.erase(p.buffers.begin() + static_cast<long>(i));
		remember(p.freed, addr, 8);
	} else if (b < 208 && !p.freed.empty()) {
		addr = p.freed[b % p.freed.size()];	// a double free
	} else {
		addr = reinterpret_cast<uint64_t>(p.pool) + 8 * (b % 64);	// no buffer
	}
	Commands cmds;
	cmds.cmd(BINDERLITE_BC_FREE_BUFFER, addr);
	cmds.send(p.fd);
}

void opRefs(Reader &in, SimProc &p)
{
	static constexpr std::array kCmds = {BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE,
					     BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS};
	uint8_t k = in.byte();
	uint32_t handle = pickHandle(p, in.byte());
	Commands cmds;

	// One to four of them, on one handle.
	for (int i = 0; i <= k >> 6; i++)
		cmds.cmd(kCmds[(k + i) % 4], handle);
	cmds.send(p.fd);
}

void opAcks(Reader &in, SimProc &p)
{
	uint8_t b = in.byte();
	Commands cmds;

	if (b & 1 || p.acks.empty()) {
		// Owed or not: an acknowledgment of a node that may not exist.
		binderlite_ptr_cookie pc{0x1000ULL * (1 + b / 2 % 4), 0xc0ULL + b / 8 % 4};
		cmds.cmd(b & 2 ? BINDERLITE_BC_ACQUIRE_DONE : BINDERLITE_BC_INCREFS_DONE, pc);
	} else {
		for (auto &[cmd, pc] : p.acks)
			cmds.cmd(cmd, pc);
		p.acks.clear();
	}
	cmds.send(p.fd);
}

void opDeath(Reader &in, SimProc &p)
{
	uint8_t k = in.byte();
	binderlite_handle_cookie hc{};
	Commands cmds;

	hc.handle = pickHandle(p, in.byte());
	hc.cookie = 0xd0 + k / 4 % 4;
	switch (k % 4) {
	case 0:
	case 1:
		cmds.cmd(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, hc);
		break;
	case 2:
		cmds.cmd(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, hc);
		break;
	default: {
		uint64_t cookie = p.deaths.empty() ? hc.cookie : p.deaths.back();
		if (!p.deaths.empty())
			p.deaths.pop_back();
		cmds.cmd(BINDERLITE_BC_DEAD_BINDER_DONE, cookie);
		break;
	}
	}
	cmds.send(p.fd);
}

void opFreezeNotification(Reader &in, SimProc &p)
{
	uint8_t k = in.byte();
	binderlite_handle_cookie hc{};
	Commands cmds;

	hc.handle = pickHandle(p, in.byte());
	hc.cookie = 0xf0 + k / 4 % 4;
	switch (k % 4) {
	case 0:
	case 1:
		cmds.cmd(BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION, hc);
		break;
	case 2:
		cmds.cmd(BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION, hc);
		break;
	default: {
		uint64_t cookie = p.freezeNotes.empty() ? hc.cookie : p.freezeNotes.back();
		if (!p.freezeNotes.empty())
			p.freezeNotes.pop_back();
		cmds.cmd(BINDERLITE_BC_FREEZE_NOTIFICATION_DONE, cookie);
		break;
	}
	}
	cmds.send(p.fd);
}

void opLooper(Reader &in, SimProc &p)
{
	uint8_t k = in.byte();
	Commands cmds;

	switch (k % 5) {
	case 0: cmds.cmd(BINDERLITE_BC_ENTER_LOOPER); break;
	case 1: cmds.cmd(BINDERLITE_BC_REGISTER_LOOPER); break;
	case 2: cmds.cmd(BINDERLITE_BC_EXIT_LOOPER); break;
	case 3: {
		uint32_t max = k / 8 % 4;
		ioctl(p.fd, BINDERLITE_SET_MAX_THREADS, &max);
		return;
	}
	default: {
		binderlite_pri_desc pd{};
		cmds.cmd(BINDERLITE_BC_ATTEMPT_ACQUIRE, pd);
		cmds.cmd(BINDERLITE_BC_ACQUIRE_RESULT, static_cast<int32_t>(0));
		break;
	}
	}
	cmds.send(p.fd);
}

void readDebugfs(const char *name)
{
	std::string path = std::string("/sys/kernel/debug/binderlite/") + name;
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	char buf[4096];

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0) {
	}
	close(fd);
}

void opQuery(Reader &in, SimProc &p)
{
	uint8_t k = in.byte();

	switch (k % 10) {
	case 0: {
		binderlite_node_debug_info di{};
		for (int i = 0; i < 8; i++) {
			if (ioctl(p.fd, BINDERLITE_GET_NODE_DEBUG_INFO, &di) || !di.ptr)
				break;
		}
		break;
	}
	case 1: {
		binderlite_node_info_for_ref ni{};
		ni.handle = pickHandle(p, in.byte());
		ni.reserved1 = k & 0x80 ? 1 : 0;
		ioctl(p.fd, BINDERLITE_GET_NODE_INFO_FOR_REF, &ni);
		break;
	}
	case 2: {
		binderlite_extended_error ee{};
		ioctl(p.fd, BINDERLITE_GET_EXTENDED_ERROR, &ee);
		break;
	}
	case 3: {
		uint32_t on = k >> 7;
		ioctl(p.fd, BINDERLITE_ENABLE_ONEWAY_SPAM_DETECTION, &on);
		break;
	}
	case 4: {
		binderlite_version v{};
		ioctl(p.fd, BINDERLITE_VERSION, &v);
		break;
	}
	case 5: {
		int64_t timeout = k;
		int32_t prio = k % 40 - 20;
		ioctl(p.fd, BINDERLITE_SET_IDLE_TIMEOUT, &timeout);
		ioctl(p.fd, BINDERLITE_SET_IDLE_PRIORITY, &prio);
		break;
	}
	case 6:
		// A command of no kind the driver knows, or a known one too short.
		ioctl(p.fd, _IOWR('b', 100 + k % 20, uint64_t), nullptr);
		ioctl(p.fd, BINDERLITE_WRITE_READ, nullptr);
		break;
	case 7:
		readDebugfs("procs");
		break;
	case 8:
		readDebugfs("pools");
		break;
	default:
		readDebugfs(k & 0x80 ? "contexts" : "stats");
		break;
	}
}

// A raw command stream: what the decoder never builds.
void opRaw(Reader &in, SimProc &p)
{
	static constexpr std::array kCmds = {
		BINDERLITE_BC_TRANSACTION, BINDERLITE_BC_REPLY, BINDERLITE_BC_FREE_BUFFER,
		BINDERLITE_BC_INCREFS, BINDERLITE_BC_INCREFS_DONE,
		BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, BINDERLITE_BC_TRANSACTION_SG,
		BINDERLITE_BC_DEAD_BINDER_DONE,
	};
	uint8_t k = in.byte();
	std::vector<uint8_t> bytes;
	uint32_t cmd = k & 0x80 ? in.u32() : kCmds[k % kCmds.size()];

	append(bytes, cmd);
	// Part of the argument, or all of it with garbage: truncated and
	// unknown commands.
	int n = k % 32;
	for (int i = 0; i < n; i++)
		bytes.push_back(in.byte());
	writeRead(p.fd, bytes.data(), bytes.size(), nullptr, 0);
}

void opEpoll(Reader &in, SimProc &p)
{
	uint8_t k = in.byte();

	if (k & 1) {
		pollfd pfd{p.fd, POLLIN, 0};
		poll(&pfd, 1, 0);
		return;
	}
	if (p.epfd < 0) {
		p.epfd = epoll_create1(EPOLL_CLOEXEC);
		if (p.epfd < 0)
			return;
		epoll_event ev{};
		ev.events = EPOLLIN;
		epoll_ctl(p.epfd, EPOLL_CTL_ADD, p.fd, &ev);
	}
	epoll_event out[4];
	epoll_wait(p.epfd, out, 4, 0);
	if (k & 2) {
		close(p.epfd);
		p.epfd = -1;
	}
}

void opReclaim(Reader &in)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", in.byte() % 64);
	int fd = open(kReclaim, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, buf, static_cast<size_t>(n)) < 0) {
	}
	close(fd);
}

/*
 * A real process dying: a child calls into the driver (on a file of its
 * own, or on the simulated process's, which it inherited) and is killed
 * with SIGKILL while it waits in a blocking read. The child only makes
 * system calls (the parent has threads; no allocation after fork()).
 */
void opForkKill(Reader &in, SimProc &p)
{
	uint8_t k = in.byte();
	int ready[2];

	if (pipe2(ready, O_CLOEXEC))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = p.fd;

		close(ready[0]);
		if (!(k & 1) || fd < 0) {
			fd = open(gDevice.c_str(), O_RDWR | O_CLOEXEC);
			if (fd >= 0)
				mmap(nullptr, 65536, PROT_READ, MAP_PRIVATE, fd, 0);
		}
		if (fd >= 0) {
			struct {
				uint32_t cmd;
				binderlite_transaction_data tr;
			} __attribute__((packed)) w{};
			flat_binderlite_object fbo{};
			uint64_t off = 0;

			fbo.hdr.type = BINDERLITE_TYPE_BINDER;
			fbo.binder = 0x7000;
			w.cmd = BINDERLITE_BC_TRANSACTION;
			w.tr.target.handle = k >> 4 & 3;
			w.tr.flags = k & 2 ? BINDERLITE_TF_ONE_WAY : 0;
			w.tr.data_size = k & 4 ? sizeof(fbo) : 0;
			w.tr.offsets_size = k & 4 ? sizeof(off) : 0;
			w.tr.data.ptr.buffer = reinterpret_cast<uintptr_t>(&fbo);
			w.tr.data.ptr.offsets = reinterpret_cast<uintptr_t>(&off);
			writeRead(fd, &w, sizeof(w), nullptr, 0);
			if (write(ready[1], "r", 1) < 0) {
			}
			// Blocking: unless the file is the inherited O_NONBLOCK one.
			uint8_t rbuf[256];
			for (;;)
				if (writeRead(fd, nullptr, 0, rbuf, sizeof(rbuf)) && errno != EAGAIN &&
				    errno != EINTR)
					break;
		}
		if (write(ready[1], "r", 1) < 0) {
		}
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid > 0) {
		char c;
		if (read(ready[0], &c, 1) < 0) {
		}
		kill(pid, SIGKILL);
		while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
		}
	}
	close(ready[0]);
}

// The process's file closed; its pool, if mapped, stays until munmap.
void closeProc(SimProc &p)
{
	void *pool = p.pool;
	size_t poolSize = p.poolSize;

	if (p.epfd >= 0)
		close(p.epfd);
	if (p.fd >= 0)
		close(p.fd);
	p = SimProc{};
	p.pool = pool;
	p.poolSize = poolSize;
}

// The op table. Each op names its process and thread first.
enum Op : uint8_t {
	kOpOpen,
	kOpMmap,
	kOpMunmap,
	kOpClose,
	kOpContextMgr,
	kOpTransact,
	kOpReply,
	kOpRead,
	kOpServe,
	kOpFreeBuffer,
	kOpRefs,
	kOpAcks,
	kOpDeath,
	kOpThreadExit,
	kOpFreeze,
	kOpFreezeNotification,
	kOpLooper,
	kOpQuery,
	kOpRaw,
	kOpEpoll,
	kOpReclaim,
	kOpForkKill,
	kOpCount,
};

void runOp(Reader &in)
{
	Op op = static_cast<Op>(in.byte() % kOpCount);
	uint8_t who = in.byte();
	SimProc &p = gProcs[who % kProcs];
	int t = who / kProcs % kThreads;

	// Ops on a process that is not open do nothing, except opening it.
	if (p.fd < 0 && op != kOpOpen && op != kOpFreeze && op != kOpReclaim && op != kOpMunmap)
		return;
	gOps++;
	gWorkers[t]->run([&] {
		switch (op) {
		case kOpOpen:
			if (p.fd >= 0)
				break;
			if (p.pool)
				gOrphanPools.emplace_back(p.pool, p.poolSize);
			p = SimProc{};
			p.fd = open(gDevice.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
			break;
		case kOpMmap: {
			static constexpr std::array<size_t, 4> kSizes = {4096, 16384, 131072,
									 1 << 20};
			uint8_t b = in.byte();
			if (p.pool)
				break;
			size_t size = kSizes[b % 4];
			void *m = mmap(nullptr, size, b & 4 ? PROT_READ | PROT_WRITE : PROT_READ,
				       MAP_PRIVATE, p.fd, 0);
			if (m != MAP_FAILED) {
				p.pool = m;
				p.poolSize = size;
			}
			break;
		}
		case kOpMunmap:
			if (p.pool)
				munmap(p.pool, p.poolSize);
			p.pool = nullptr;
			p.poolSize = 0;
			break;
		case kOpClose:
			closeProc(p);
			break;
		case kOpContextMgr: {
			uint8_t b = in.byte();
			if (b & 1) {
				flat_binderlite_object fbo{};
				fbo.hdr.type = BINDERLITE_TYPE_BINDER;
				fbo.flags = (b & 2 ? BINDERLITE_FLAG_ACCEPTS_FDS : 0) |
					    (b & 4 ? BINDERLITE_FLAG_TXN_SECURITY_CTX : 0);
				fbo.binder = b & 8 ? 0x1000 : 0;
				ioctl(p.fd, BINDERLITE_SET_CONTEXT_MGR_EXT, &fbo);
			} else {
				int32_t unused = 0;
				ioctl(p.fd, BINDERLITE_SET_CONTEXT_MGR, &unused);
			}
			break;
		}
		case kOpTransact:
			opTransact(in, p, t, false);
			break;
		case kOpReply:
			opTransact(in, p, t, true);
			break;
		case kOpRead: {
			static constexpr std::array<size_t, 4> kSizes = {4, 24, 256, 1024};
			readReturns(p, t, kSizes[in.byte() % 4]);
			break;
		}
		case kOpServe:
			opServe(in, p, t);
			break;
		case kOpFreeBuffer:
			opFreeBuffer(in, p);
			break;
		case kOpRefs:
			opRefs(in, p);
			break;
		case kOpAcks:
			opAcks(in, p);
			break;
		case kOpDeath:
			opDeath(in, p);
			break;
		case kOpThreadExit: {
			int32_t unused = 0;
			ioctl(p.fd, BINDERLITE_THREAD_EXIT, &unused);
			p.inCall[t] = false;
			break;
		}
		case kOpFreeze: {
			uint8_t b = in.byte();
			binderlite_freeze_info fi{};
			fi.pid = static_cast<uint32_t>(getpid());
			fi.enable = b & 1;
			if (b & 2) {
				binderlite_frozen_status_info si{};
				si.pid = fi.pid;
				int fd = p.fd >= 0 ? p.fd : gProcs[0].fd;
				if (fd >= 0)
					ioctl(fd, BINDERLITE_GET_FROZEN_INFO, &si);
				break;
			}
			int fd = p.fd;
			for (int i = 0; fd < 0 && i < kProcs; i++)
				fd = gProcs[i].fd;
			if (fd >= 0 && !ioctl(fd, BINDERLITE_FREEZE, &fi))
				gFrozen = fi.enable;
			break;
		}
		case kOpFreezeNotification:
			opFreezeNotification(in, p);
			break;
		case kOpLooper:
			opLooper(in, p);
			break;
		case kOpQuery:
			opQuery(in, p);
			break;
		case kOpRaw:
			opRaw(in, p);
			break;
		case kOpEpoll:
			opEpoll(in, p);
			break;
		case kOpReclaim:
			opReclaim(in);
			break;
		case kOpForkKill:
			opForkKill(in, p);
			break;
		case kOpCount:
			break;
		}
	});
}

std::set<int> openFds()
{
	std::set<int> fds;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return fds;
	int self = dirfd(d);
	while (dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != self)
			fds.insert(fd);
	}
	closedir(d);
	return fds;
}

std::map<std::string, long long> readStats()
{
	std::map<std::string, long long> stats;
	std::ifstream f(kStats);
	std::string key;
	long long val;

	while (f >> key >> val)
		stats[key] = val;
	return stats;
}

// The first key of kCleanKeys that is missing or not 0, or "".
std::string unclean(const std::map<std::string, long long> &stats)
{
	for (const char *k : kCleanKeys) {
		auto it = stats.find(k);
		if (it == stats.end() || it->second)
			return k;
	}
	return "";
}

std::string statsText()
{
	std::ifstream f(kStats);
	std::stringstream ss;

	ss << f.rdbuf();
	return ss.str();
}

// Two fresh processes: a context manager and a client; one call and its
// reply, with a binder object; both closed again.
void roundTrip()
{
	int mgr = open(gDevice.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int cli = open(gDevice.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (mgr < 0 || cli < 0)
		fail("round trip: open %s: %s", gDevice.c_str(), strerror(errno));
	void *mpool = mmap(nullptr, 65536, PROT_READ, MAP_PRIVATE, mgr, 0);
	void *cpool = mmap(nullptr, 65536, PROT_READ, MAP_PRIVATE, cli, 0);
	if (mpool == MAP_FAILED || cpool == MAP_FAILED)
		fail("round trip: mmap: %s", strerror(errno));
	int32_t unused = 0;
	uint32_t enter = BINDERLITE_BC_ENTER_LOOPER;
	writeRead(mgr, &enter, sizeof(enter), nullptr, 0);
	if (ioctl(mgr, BINDERLITE_SET_CONTEXT_MGR, &unused))
		fail("round trip: BINDER_SET_CONTEXT_MGR: %s (a context manager left over?)",
		     strerror(errno));

	flat_binderlite_object fbo{};
	fbo.hdr.type = BINDERLITE_TYPE_BINDER;
	fbo.binder = 0x4242;
	fbo.cookie = 0x99;
	uint64_t off = 0;
	binderlite_transaction_data tr{};
	tr.target.handle = 0;
	tr.code = 7;
	tr.data_size = sizeof(fbo);
	tr.offsets_size = sizeof(off);
	tr.data.ptr.buffer = reinterpret_cast<uintptr_t>(&fbo);
	tr.data.ptr.offsets = reinterpret_cast<uintptr_t>(&off);
	Commands call;
	call.cmd(BINDERLITE_BC_TRANSACTION, tr);
	if (call.send(cli))
		fail("round trip: BC_TRANSACTION: %s", strerror(errno));

	// The manager's side: BR_TRANSACTION, then its reply.
	uint8_t buf[512];
	size_t got = 0;
	bool gotTxn = false;
	uint64_t mbuf = 0;
	uint32_t handle = ~0U;
	if (writeRead(mgr, nullptr, 0, buf, sizeof(buf), &got))
		fail("round trip: the manager's read: %s", strerror(errno));
	for (size_t pos = 0; pos + 4 <= got;) {
		uint32_t cmd;
		memcpy(&cmd, buf + pos, 4);
		pos += 4;
		if (cmd == BINDERLITE_BR_TRANSACTION || cmd == BINDERLITE_BR_TRANSACTION_SEC_CTX) {
			binderlite_transaction_data in;
			memcpy(&in, buf + pos, sizeof(in));
			gotTxn = in.code == 7 && in.data_size == sizeof(fbo) &&
				 in.offsets_size == sizeof(off);
			mbuf = in.data.ptr.buffer;
			if (gotTxn) {
				flat_binderlite_object rx;
				memcpy(&rx, reinterpret_cast<const void *>(mbuf), sizeof(rx));
				gotTxn = rx.hdr.type == BINDERLITE_TYPE_HANDLE;
				handle = rx.handle;
			}
		}
		pos += _IOC_SIZE(cmd);
	}
	if (!gotTxn)
		fail("round trip: the manager read no BR_TRANSACTION with a handle (%zu bytes)",
		     got);
	uint32_t answer = 0x600d;
	binderlite_transaction_data rep{};
	rep.data_size = sizeof(answer);
	rep.data.ptr.buffer = reinterpret_cast<uintptr_t>(&answer);
	Commands reply;
	reply.cmd(BINDERLITE_BC_FREE_BUFFER, mbuf);
	reply.cmd(BINDERLITE_BC_REPLY, rep);
	if (reply.send(mgr))
		fail("round trip: BC_REPLY: %s", strerror(errno));

	// The client's side: BR_REPLY with the answer.
	bool gotReply = false;
	uint64_t cbuf = 0;
	for (int tries = 0; tries < 4 && !gotReply; tries++) {
		got = 0;
		if (writeRead(cli, nullptr, 0, buf, sizeof(buf), &got) && errno != EAGAIN)
			fail("round trip: the client's read: %s", strerror(errno));
		for (size_t pos = 0; pos + 4 <= got;) {
			uint32_t cmd;
			memcpy(&cmd, buf + pos, 4);
			pos += 4;
			if (cmd == BINDERLITE_BR_REPLY) {
				binderlite_transaction_data in;
				memcpy(&in, buf + pos, sizeof(in));
				cbuf = in.data.ptr.buffer;
				uint32_t v = 0;
				if (in.data_size == sizeof(v))
					memcpy(&v, reinterpret_cast<const void *>(cbuf), sizeof(v));
				gotReply = v == answer;
			}
			if (cmd == BINDERLITE_BR_DEAD_REPLY || cmd == BINDERLITE_BR_FAILED_REPLY)
				fail("round trip: the call failed (BR %#x)", cmd);
			pos += _IOC_SIZE(cmd);
		}
	}
	if (!gotReply)
		fail("round trip: the client read no BR_REPLY");
	Commands done;
	done.cmd(BINDERLITE_BC_FREE_BUFFER, cbuf);
	done.send(cli);
	(void)handle;
	munmap(mpool, 65536);
	munmap(cpool, 65536);
	close(cli);
	close(mgr);
}

// Every simulated process gone, then the invariants.
void finish(const std::set<int> &before)
{
	if (gFrozen) {
		binderlite_freeze_info fi{static_cast<uint32_t>(getpid()), 0, 0};
		for (auto &p : gProcs)
			if (p.fd >= 0 && !ioctl(p.fd, BINDERLITE_FREEZE, &fi))
				break;
		gFrozen = false;
	}
	for (auto &p : gProcs) {
		if (p.pool)
			munmap(p.pool, p.poolSize);
		closeProc(p);
		p = SimProc{};
	}
	for (auto &[pool, size] : gOrphanPools)
		munmap(pool, size);
	gOrphanPools.clear();
	// Descriptors the driver installed in this process (FD objects,
	// FD arrays received) are the receivers' to close.
	for (int fd : openFds())
		if (!before.count(fd))
			close(fd);
	if (gDryRun)
		return;
	roundTrip();
	// A file's release can finish after close() returns (a reference a
	// transaction in flight held); wait for it, within reason.
	std::string bad;
	for (int i = 0; i < 2000; i++) {
		bad = unclean(readStats());
		if (bad.empty())
			return;
		usleep(1000);
	}
	fail("debugfs stats show '%s' left behind after every process closed:\n%s", bad.c_str(),
	     statsText().c_str());
}

// The module's sections: KCOV's PCs map to "SECTION OFFSET".
std::vector<std::pair<uint64_t, std::string>> moduleSections()
{
	std::vector<std::pair<uint64_t, std::string>> secs;
	DIR *d = opendir("/sys/module/binderlite/sections");

	if (!d)
		return secs;
	while (dirent *e = readdir(d)) {
		std::string name = e->d_name;
		if (name.rfind(".text", 0) && name.rfind(".init.text", 0) &&
		    name.rfind(".exit.text", 0))
			continue;
		std::ifstream f("/sys/module/binderlite/sections/" + name);
		std::string addr;
		if (f >> addr)
			secs.emplace_back(std::stoull(addr, nullptr, 16), name);
	}
	closedir(d);
	std::sort(secs.begin(), secs.end());
	return secs;
}

// KCOV's PCs have the KASLR offset taken off; _text says what it is.
uint64_t kaslrOffset()
{
	std::ifstream f("/proc/kallsyms");
	std::string addr, type, name;

	while (f >> addr >> type >> name) {
		if (name == "_text") {
			uint64_t a = std::stoull(addr, nullptr, 16);
			return a ? a - kStartKernel : 0;
		}
		std::getline(f, name);
	}
	return 0;
}

void writePcs()
{
	const char *path = getenv("BL_FUZZ_PCS");

	if (!path || gDryRun)
		return;
	auto secs = moduleSections();
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	std::lock_guard lock(gPcsMutex);
	std::vector<uint64_t> pcs(gPcs.begin(), gPcs.end());
	std::sort(pcs.begin(), pcs.end());
	for (uint64_t pc : pcs) {
		uint64_t real = pc + gKaslr;
		const std::pair<uint64_t, std::string> *sec = nullptr;
		for (auto &s : secs)
			if (s.first <= real)
				sec = &s;
		if (sec)
			fprintf(f, "%s %#llx\n", sec->second.c_str(),
				static_cast<unsigned long long>(real - sec->first));
		else
			fprintf(f, "? %#llx\n", static_cast<unsigned long long>(real));
	}
	fclose(f);
}

void atExit()
{
	fprintf(stderr, "bl-fuzz: inputs %llu ops %llu pcs %zu\n",
		static_cast<unsigned long long>(gInputs), static_cast<unsigned long long>(gOps),
		gPcs.size());
	writePcs();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	gDryRun = getenv("BL_FUZZ_DRYRUN") && *getenv("BL_FUZZ_DRYRUN") == '1';
	if (const char *dev = getenv("BL_FUZZ_DEVICE"))
		gDevice = dev;
	gFaults = !gDryRun && getenv("BL_FUZZ_FAULTS") && *getenv("BL_FUZZ_FAULTS") == '1';
	if (gFaults)
		setMakeItFail(false);
	// A child killed by the fork op, or a pipe whose reader went.
	signal(SIGPIPE, SIG_IGN);

	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
		gFdPool.pipeRd = fds[0];
		gFdPool.pipeWr = fds[1];
	}
	gFdPool.memfd = static_cast<int>(syscall(SYS_memfd_create, "bl-fuzz", 1U /* cloexec */));
	gFdPool.null = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (auto &w : gWorkers) {
		w = new Worker();
		if (!gDryRun && !w->kcovOk())
			fail("KCOV: cannot trace a worker (/sys/kernel/debug/kcov: %s); the fuzzer "
			     "needs the debug kernel (CONFIG_KCOV)",
			     strerror(errno));
	}
	gMainKcov = new Kcov();
	if (!gDryRun) {
		if (!gMainKcov->enable())
			fail("KCOV: cannot trace the main thread: %s", strerror(errno));
		gKaslr = kaslrOffset();
		for (auto &[addr, name] : moduleSections())
			if (name == ".text")
				gTextBase = addr - gKaslr;
		// The module must report its PCs: one call into it must.
		int fd = open(gDevice.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			fail("cannot open %s: %s", gDevice.c_str(), strerror(errno));
		binderlite_version v{};
		gMainKcov->reset();
		ioctl(fd, BINDERLITE_VERSION, &v);
		size_t n = gMainKcov->pcs().size();
		close(fd);
		if (!n)
			fail("KCOV reported no PC for a binderlite ioctl: the module is not "
			     "instrumented (KCOV_INSTRUMENT in Kbuild, CONFIG_KCOV)");
		fprintf(stderr, "bl-fuzz: KCOV traces binderlite (%zu PCs for one ioctl), "
				"KASLR offset %#llx\n",
			n, static_cast<unsigned long long>(gKaslr));
		std::string bad = unclean(readStats());
		if (!bad.empty())
			fail("debugfs stats are not clean before the first input ('%s'):\n%s",
			     bad.c_str(), statsText().c_str());
	}
	atexit(atExit);
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Reader in(data, size);
	std::set<int> before = openFds();

	gInputs++;
	for (int i = 0; i < kMaxOps && !in.done(); i++)
		runOp(in);
	gMainKcov->reset();
	finish(before);
	feedCoverage(*gMainKcov);
	return 0;
}
