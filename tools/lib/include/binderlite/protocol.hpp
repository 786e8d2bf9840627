// SPDX-License-Identifier: GPL-2.0
//
// The command and return streams of BINDERLITE_WRITE_READ, as bytes.
//
// The low layer of libbinderlite, public for tools, tracers and tests:
// CommandWriter builds a command stream (BC_*), decodeReturn() parses a
// return stream (BR_*). Each command and return is a 32-bit code followed
// by an argument of _IOC_SIZE(code) bytes, in host byte order, with no
// padding (Documentation/protocol.rst, "Commands and returns").
//
// Thread-safety: a CommandWriter is a plain value (one thread at a time);
// the free functions are pure.
#ifndef BINDERLITE_PROTOCOL_HPP
#define BINDERLITE_PROTOCOL_HPP

#include <linux/binderlite.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace binderlite::protocol {

class CommandWriter {
public:
	void transaction(const binderlite_transaction_data &tr);
	void reply(const binderlite_transaction_data &tr);
	void freeBuffer(binderlite_uintptr_t buffer);
	void increfs(std::uint32_t handle);
	void acquire(std::uint32_t handle);
	void release(std::uint32_t handle);
	void decrefs(std::uint32_t handle);
	void increfsDone(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie);
	void acquireDone(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie);
	void registerLooper();
	void enterLooper();
	void exitLooper();
	void requestDeathNotification(std::uint32_t handle, binderlite_uintptr_t cookie);
	void clearDeathNotification(std::uint32_t handle, binderlite_uintptr_t cookie);
	void deadBinderDone(binderlite_uintptr_t cookie);

	// Appends any command and its argument (_IOC_SIZE(code) bytes).
	void put(std::uint32_t code, const void *arg);

	[[nodiscard]] std::span<const std::byte> bytes() const noexcept { return buf_; }
	[[nodiscard]] const std::byte *data() const noexcept { return buf_.data(); }
	[[nodiscard]] std::size_t size() const noexcept { return buf_.size(); }
	[[nodiscard]] bool empty() const noexcept { return buf_.empty(); }
	// Drops the first @n bytes: what the driver consumed.
	void consume(std::size_t n);
	// Keeps the first @n bytes: drops commands that must not be written.
	void truncate(std::size_t n) noexcept;
	void clear() noexcept { buf_.clear(); }

private:
	std::vector<std::byte> buf_;
};

// One return; which member is valid depends on cmd.
struct Return {
	std::uint32_t cmd = 0;
	binderlite_transaction_data txn{}; // BR_TRANSACTION, BR_REPLY
	binderlite_ptr_cookie ref{};       // BR_INCREFS, _ACQUIRE, _RELEASE, _DECREFS
	binderlite_uintptr_t cookie = 0;   // BR_DEAD_BINDER, BR_CLEAR_DEATH_NOTIFICATION_DONE,
					   // BR_CLEAR_FREEZE_NOTIFICATION_DONE
	binderlite_frozen_state_info frozen{}; // BR_FROZEN_BINDER
	std::int32_t error = 0;            // BR_ERROR
};

// The size of the argument after return code @cmd (_IOC_SIZE(cmd), as the
// UAPI header defines the code), or nullopt if binder protocol 8 has no
// such return (BR_TRANSACTION_SEC_CTX, which comes only to a node that
// asked for security contexts, and the returns binder never sends count
// as unknown).
[[nodiscard]] std::optional<std::size_t> returnArgSize(std::uint32_t cmd) noexcept;

// Decodes the return at @pos of @stream and advances @pos past it. Throws
// Error(ErrorKind::Protocol, EPROTO) for an unknown code or a return cut
// short by the end of @stream; @pos is then left at the end.
[[nodiscard]] Return decodeReturn(std::span<const std::byte> stream, std::size_t &pos);

// "BC_TRANSACTION", "BR_REPLY", ...; "BC_?"/"BR_?" for unknown codes.
[[nodiscard]] const char *commandName(std::uint32_t code) noexcept;
[[nodiscard]] const char *returnName(std::uint32_t code) noexcept;

} // namespace binderlite::protocol

#endif
