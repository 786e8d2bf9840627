// SPDX-License-Identifier: GPL-2.0
//
// The per-thread command conversation with the driver. The driver tells
// threads apart, so every thread that talks to a Process keeps its own
// command and return buffers (ThreadState, thread_local, one per Process;
// libbinder's IPCThreadState). Conversation moves them through
// BINDERLITE_WRITE_READ: commands queued in a thread's `out` go with its
// next write, returns are read into its `in` and decoded one by one.
// Commands that must reach the driver in the order they were decided
// (reference commands) go at once instead (writeNow()). What the returns
// mean is dispatch.hpp's business. Not installed.
#ifndef BINDERLITE_SRC_CONVERSATION_HPP
#define BINDERLITE_SRC_CONVERSATION_HPP

#include <binderlite/device.hpp>
#include <binderlite/protocol.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace binderlite {

class Process;

namespace detail {

class Conversation;
class Reporter;

// A pointer as the protocol carries it.
template <class T> binderlite_uintptr_t addressOf(const T *p)
{
	return static_cast<binderlite_uintptr_t>(reinterpret_cast<std::uintptr_t>(p));
}

// What one thread says to the driver of one Process.
struct ThreadState {
	std::weak_ptr<Process> process;
	Conversation *conversation = nullptr;
	protocol::CommandWriter out;
	alignas(8) std::array<std::byte, 512> in{};
	std::size_t inLen = 0;
	std::size_t inPos = 0;
	// Bytes of commands the driver consumed, ever: where `out` starts.
	std::uint64_t written = 0;
	// Inside a loop that writes `out` before it next blocks: commands
	// queued meanwhile need no write of their own.
	unsigned depth = 0;
	// A looper (pool.hpp), and the pool epoch it serves.
	bool looper = false;
	std::uint64_t looperEpoch = 0;

	ThreadState() = default;
	ThreadState(const ThreadState &) = delete;
	ThreadState &operator=(const ThreadState &) = delete;
	// The thread is ending: writes what is queued, then
	// BINDERLITE_THREAD_EXIT, if the Process still lives.
	~ThreadState();
};

class Conversation {
public:
	Conversation(Process &self, Device &device, Reporter &reporter) noexcept
		: self_(self), device_(device), reporter_(reporter)
	{
	}
	Conversation(const Conversation &) = delete;
	Conversation &operator=(const Conversation &) = delete;

	[[nodiscard]] static Conversation &of(Process &process) noexcept;

	// The calling thread's state, made on its first use.
	ThreadState &thread();
	// Writes all of @ts's queued commands.
	void flush(ThreadState &ts);
	// The next return for @ts, reading (and writing what is queued) when
	// none is left; Error(Protocol) for a read of nothing or a malformed
	// return.
	protocol::Return next(ThreadState &ts);
	// Writes @cmds now, on their own, all of them or Error(Protocol).
	void writeNow(const protocol::CommandWriter &cmds);
	// BC_FREE_BUFFER from a received parcel's destruction: queued if the
	// thread is inside a loop that writes before it blocks, written at
	// once otherwise. Failures are reported.
	void freeBuffer(binderlite_uintptr_t buffer) noexcept;

	[[nodiscard]] Device &device() noexcept { return device_; }

private:
	// One BINDERLITE_WRITE_READ: writes `out`, and reads into `in` if @read.
	void talk(ThreadState &ts, bool read);

	Process &self_;
	Device &device_;
	Reporter &reporter_;
};

} // namespace detail
} // namespace binderlite

#endif
