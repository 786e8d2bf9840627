// SPDX-License-Identifier: GPL-2.0
//
// The system pieces every measurement uses, each owning what it holds:
// file descriptors, memory mappings, memory shared with forked processes,
// futex waits on it, and child processes that never outlive the bench.
#ifndef BLBENCH_SYS_HPP
#define BLBENCH_SYS_HPP

#include <binderlite/fd.hpp>

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace blbench {

// A measurement that could not be made; the message says why.
class Failure : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Throws a Failure naming @what and errno's text.
[[noreturn]] void throwErrno(const std::string &what);

// A file descriptor, closed exactly once: libbinderlite's.
using binderlite::UniqueFd;

// The two ends of a one-way byte stream (a pipe), or of one direction of
// a socket.
struct Duplex {
	UniqueFd in;
	UniqueFd out;
};

// A pipe: what is written to .out is read from .in.
Duplex makePipe();
// A connected AF_UNIX stream socket pair, each end a Duplex (its .in and
// .out are the same socket, duplicated).
std::pair<Duplex, Duplex> makeSocketPair();

// A memory mapping, unmapped exactly once.
class Mapping {
public:
	Mapping() noexcept = default;
	Mapping(void *addr, std::size_t size) noexcept : addr_(addr), size_(size) {}
	Mapping(Mapping &&other) noexcept
		: addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0))
	{
	}
	Mapping &operator=(Mapping &&other) noexcept
	{
		std::swap(addr_, other.addr_);
		std::swap(size_, other.size_);
		return *this;
	}
	Mapping(const Mapping &) = delete;
	Mapping &operator=(const Mapping &) = delete;
	~Mapping();

	[[nodiscard]] void *get() const noexcept { return addr_; }
	[[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
	void *addr_ = nullptr;
	std::size_t size_ = 0;
};

// Anonymous shared memory: survives fork() in parent and children alike.
Mapping mapShared(std::size_t size);

// One T in memory shared with every child forked after it was made. T
// holds only what may live in shared memory: plain values and lock-free
// atomics.
template <typename T> class Shared {
public:
	Shared() : mem_(mapShared(sizeof(T))), obj_(new (mem_.get()) T{}) {}
	Shared(const Shared &) = delete;
	Shared &operator=(const Shared &) = delete;
	~Shared() { obj_->~T(); }

	T *operator->() const noexcept { return obj_; }
	T &operator*() const noexcept { return *obj_; }

private:
	Mapping mem_;
	T *obj_;
};

// A futex word in shared memory; waits and wakes cross processes.
using FutexWord = std::atomic<std::uint32_t>;
static_assert(sizeof(FutexWord) == sizeof(std::uint32_t) && FutexWord::is_always_lock_free);

// Waits while @word holds @expected, at most @timeout.
void futexWait(FutexWord &word, std::uint32_t expected, std::chrono::nanoseconds timeout);
void futexWakeAll(FutexWord &word);

// Waits until @pred() is true, sleeping on @word between checks; false if
// @timeout passed first. Whoever makes @pred() true changes @word and
// wakes it.
bool waitFor(FutexWord &word, const std::function<bool()> &pred, std::chrono::milliseconds timeout);

// Sets @word to @value and wakes its waiters.
void publish(FutexWord &word, std::uint32_t value);

// A forked child process. Destroying it kills and reaps the child; a
// child dies with the bench (PR_SET_DEATHSIG).
class Child {
public:
	Child() noexcept = default;
	Child(Child &&other) noexcept
		: pid_(std::exchange(other.pid_, -1)), pidFd_(std::move(other.pidFd_))
	{
	}
	Child &operator=(Child &&other) noexcept
	{
		std::swap(pid_, other.pid_);
		std::swap(pidFd_, other.pidFd_);
		return *this;
	}
	Child(const Child &) = delete;
	Child &operator=(const Child &) = delete;
	~Child();

	// Forks; the child runs @body and exits with what it returns (1 and
	// the message on stderr when it throws), never returning here.
	static Child spawn(const std::function<int()> &body);

	[[nodiscard]] pid_t pid() const noexcept { return pid_; }
	// Waits for the child's end at most @timeout: its exit status, 128 +
	// the signal that killed it, or nothing when it still runs.
	std::optional<int> wait(std::chrono::milliseconds timeout);
	// SIGKILL and reap.
	void kill() noexcept;

private:
	pid_t pid_ = -1;
	UniqueFd pidFd_;
};

// Pins the calling thread (and what it creates or forks later) to @cpu.
void pinToCpu(int cpu);

// Monotonic nanoseconds.
std::uint64_t nowNs() noexcept;

// Keeps the compiler from dropping stores into @p (a memcpy it would
// otherwise see no one reads).
inline void clobber(const void *p) noexcept
{
	asm volatile("" : : "r"(p) : "memory");
}

// The whole of a small file (procfs, debugfs); throws if unreadable.
std::string readFile(const std::string &path);
// Writes @text to a file (procfs, debugfs); throws on failure.
void writeFile(const std::string &path, const std::string &text);

} // namespace blbench

#endif
