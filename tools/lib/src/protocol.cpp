// SPDX-License-Identifier: GPL-2.0
#include <binderlite/error.hpp>
#include <binderlite/protocol.hpp>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace binderlite::protocol {

void CommandWriter::put(std::uint32_t code, const void *arg)
{
	const std::size_t size = _IOC_SIZE(code);
	const std::size_t at = buf_.size();

	buf_.resize(at + sizeof(code) + size);
	std::memcpy(buf_.data() + at, &code, sizeof(code));
	if (size)
		std::memcpy(buf_.data() + at + sizeof(code), arg, size);
}

void CommandWriter::transaction(const binderlite_transaction_data &tr)
{
	put(BINDERLITE_BC_TRANSACTION, &tr);
}

void CommandWriter::reply(const binderlite_transaction_data &tr)
{
	put(BINDERLITE_BC_REPLY, &tr);
}

void CommandWriter::freeBuffer(binderlite_uintptr_t buffer)
{
	put(BINDERLITE_BC_FREE_BUFFER, &buffer);
}

void CommandWriter::increfs(std::uint32_t handle) { put(BINDERLITE_BC_INCREFS, &handle); }
void CommandWriter::acquire(std::uint32_t handle) { put(BINDERLITE_BC_ACQUIRE, &handle); }
void CommandWriter::release(std::uint32_t handle) { put(BINDERLITE_BC_RELEASE, &handle); }
void CommandWriter::decrefs(std::uint32_t handle) { put(BINDERLITE_BC_DECREFS, &handle); }

void CommandWriter::increfsDone(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	const binderlite_ptr_cookie pc{.ptr = ptr, .cookie = cookie};
	put(BINDERLITE_BC_INCREFS_DONE, &pc);
}

void CommandWriter::acquireDone(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	const binderlite_ptr_cookie pc{.ptr = ptr, .cookie = cookie};
	put(BINDERLITE_BC_ACQUIRE_DONE, &pc);
}

void CommandWriter::registerLooper() { put(BINDERLITE_BC_REGISTER_LOOPER, nullptr); }
void CommandWriter::enterLooper() { put(BINDERLITE_BC_ENTER_LOOPER, nullptr); }
void CommandWriter::exitLooper() { put(BINDERLITE_BC_EXIT_LOOPER, nullptr); }

void CommandWriter::requestDeathNotification(std::uint32_t handle, binderlite_uintptr_t cookie)
{
	binderlite_handle_cookie hc{};
	hc.handle = handle;
	hc.cookie = cookie;
	put(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION, &hc);
}

void CommandWriter::clearDeathNotification(std::uint32_t handle, binderlite_uintptr_t cookie)
{
	binderlite_handle_cookie hc{};
	hc.handle = handle;
	hc.cookie = cookie;
	put(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION, &hc);
}

void CommandWriter::deadBinderDone(binderlite_uintptr_t cookie)
{
	put(BINDERLITE_BC_DEAD_BINDER_DONE, &cookie);
}

void CommandWriter::consume(std::size_t n)
{
	if (n >= buf_.size())
		buf_.clear();
	else
		buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
}

void CommandWriter::truncate(std::size_t n) noexcept
{
	if (n < buf_.size())
		buf_.resize(n);
}

std::optional<std::size_t> returnArgSize(std::uint32_t cmd) noexcept
{
	switch (cmd) {
	case BINDERLITE_BR_NOOP:
	case BINDERLITE_BR_OK:
	case BINDERLITE_BR_TRANSACTION_COMPLETE:
	case BINDERLITE_BR_DEAD_REPLY:
	case BINDERLITE_BR_FAILED_REPLY:
	case BINDERLITE_BR_SPAWN_LOOPER:
	case BINDERLITE_BR_FROZEN_REPLY:
	case BINDERLITE_BR_ONEWAY_SPAM_SUSPECT:
	case BINDERLITE_BR_TRANSACTION_PENDING_FROZEN:
		return 0;
	case BINDERLITE_BR_ERROR:
		return sizeof(std::int32_t);
	case BINDERLITE_BR_TRANSACTION:
	case BINDERLITE_BR_REPLY:
		return sizeof(binderlite_transaction_data);
	case BINDERLITE_BR_INCREFS:
	case BINDERLITE_BR_ACQUIRE:
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		return sizeof(binderlite_ptr_cookie);
	case BINDERLITE_BR_DEAD_BINDER:
	case BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE:
	case BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE:
		return sizeof(binderlite_uintptr_t);
	case BINDERLITE_BR_FROZEN_BINDER:
		return sizeof(binderlite_frozen_state_info);
	}
	return std::nullopt;
}

Return decodeReturn(std::span<const std::byte> stream, std::size_t &pos)
{
	Return r;

	if (pos > stream.size() || stream.size() - pos < sizeof(r.cmd)) {
		pos = stream.size();
		throw Error(ErrorKind::Protocol, EPROTO, "return stream cut inside a code");
	}
	std::memcpy(&r.cmd, stream.data() + pos, sizeof(r.cmd));
	const auto size = returnArgSize(r.cmd);
	if (!size) {
		pos = stream.size();
		std::ostringstream s;
		s << "unknown return 0x" << std::hex << r.cmd;
		throw Error(ErrorKind::Protocol, EPROTO, s.str());
	}
	if (stream.size() - pos - sizeof(r.cmd) < *size) {
		pos = stream.size();
		throw Error(ErrorKind::Protocol, EPROTO,
			    std::string(returnName(r.cmd)) + " cut by the end of the read");
	}
	const std::byte *arg = stream.data() + pos + sizeof(r.cmd);
	switch (r.cmd) {
	case BINDERLITE_BR_TRANSACTION:
	case BINDERLITE_BR_REPLY:
		std::memcpy(&r.txn, arg, sizeof(r.txn));
		break;
	case BINDERLITE_BR_INCREFS:
	case BINDERLITE_BR_ACQUIRE:
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		std::memcpy(&r.ref, arg, sizeof(r.ref));
		break;
	case BINDERLITE_BR_DEAD_BINDER:
	case BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE:
	case BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE:
		std::memcpy(&r.cookie, arg, sizeof(r.cookie));
		break;
	case BINDERLITE_BR_FROZEN_BINDER:
		std::memcpy(&r.frozen, arg, sizeof(r.frozen));
		break;
	case BINDERLITE_BR_ERROR:
		std::memcpy(&r.error, arg, sizeof(r.error));
		break;
	default:
		break;
	}
	pos += sizeof(r.cmd) + *size;
	return r;
}

const char *commandName(std::uint32_t code) noexcept
{
	switch (code) {
	case BINDERLITE_BC_TRANSACTION: return "BC_TRANSACTION";
	case BINDERLITE_BC_REPLY: return "BC_REPLY";
	case BINDERLITE_BC_FREE_BUFFER: return "BC_FREE_BUFFER";
	case BINDERLITE_BC_INCREFS: return "BC_INCREFS";
	case BINDERLITE_BC_ACQUIRE: return "BC_ACQUIRE";
	case BINDERLITE_BC_RELEASE: return "BC_RELEASE";
	case BINDERLITE_BC_DECREFS: return "BC_DECREFS";
	case BINDERLITE_BC_INCREFS_DONE: return "BC_INCREFS_DONE";
	case BINDERLITE_BC_ACQUIRE_DONE: return "BC_ACQUIRE_DONE";
	case BINDERLITE_BC_REGISTER_LOOPER: return "BC_REGISTER_LOOPER";
	case BINDERLITE_BC_ENTER_LOOPER: return "BC_ENTER_LOOPER";
	case BINDERLITE_BC_EXIT_LOOPER: return "BC_EXIT_LOOPER";
	case BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION: return "BC_REQUEST_DEATH_NOTIFICATION";
	case BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION: return "BC_CLEAR_DEATH_NOTIFICATION";
	case BINDERLITE_BC_DEAD_BINDER_DONE: return "BC_DEAD_BINDER_DONE";
	case BINDERLITE_BC_TRANSACTION_SG: return "BC_TRANSACTION_SG";
	case BINDERLITE_BC_REPLY_SG: return "BC_REPLY_SG";
	case BINDERLITE_BC_ACQUIRE_RESULT: return "BC_ACQUIRE_RESULT";
	case BINDERLITE_BC_ATTEMPT_ACQUIRE: return "BC_ATTEMPT_ACQUIRE";
	case BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION: return "BC_REQUEST_FREEZE_NOTIFICATION";
	case BINDERLITE_BC_CLEAR_FREEZE_NOTIFICATION: return "BC_CLEAR_FREEZE_NOTIFICATION";
	case BINDERLITE_BC_FREEZE_NOTIFICATION_DONE: return "BC_FREEZE_NOTIFICATION_DONE";
	}
	return "BC_?";
}

const char *returnName(std::uint32_t code) noexcept
{
	switch (code) {
	case BINDERLITE_BR_ERROR: return "BR_ERROR";
	case BINDERLITE_BR_OK: return "BR_OK";
	case BINDERLITE_BR_TRANSACTION: return "BR_TRANSACTION";
	case BINDERLITE_BR_REPLY: return "BR_REPLY";
	case BINDERLITE_BR_DEAD_REPLY: return "BR_DEAD_REPLY";
	case BINDERLITE_BR_TRANSACTION_COMPLETE: return "BR_TRANSACTION_COMPLETE";
	case BINDERLITE_BR_INCREFS: return "BR_INCREFS";
	case BINDERLITE_BR_ACQUIRE: return "BR_ACQUIRE";
	case BINDERLITE_BR_RELEASE: return "BR_RELEASE";
	case BINDERLITE_BR_DECREFS: return "BR_DECREFS";
	case BINDERLITE_BR_NOOP: return "BR_NOOP";
	case BINDERLITE_BR_SPAWN_LOOPER: return "BR_SPAWN_LOOPER";
	case BINDERLITE_BR_DEAD_BINDER: return "BR_DEAD_BINDER";
	case BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE: return "BR_CLEAR_DEATH_NOTIFICATION_DONE";
	case BINDERLITE_BR_FAILED_REPLY: return "BR_FAILED_REPLY";
	case BINDERLITE_BR_TRANSACTION_SEC_CTX: return "BR_TRANSACTION_SEC_CTX";
	case BINDERLITE_BR_ACQUIRE_RESULT: return "BR_ACQUIRE_RESULT";
	case BINDERLITE_BR_ATTEMPT_ACQUIRE: return "BR_ATTEMPT_ACQUIRE";
	case BINDERLITE_BR_FINISHED: return "BR_FINISHED";
	case BINDERLITE_BR_FROZEN_REPLY: return "BR_FROZEN_REPLY";
	case BINDERLITE_BR_ONEWAY_SPAM_SUSPECT: return "BR_ONEWAY_SPAM_SUSPECT";
	case BINDERLITE_BR_TRANSACTION_PENDING_FROZEN: return "BR_TRANSACTION_PENDING_FROZEN";
	case BINDERLITE_BR_FROZEN_BINDER: return "BR_FROZEN_BINDER";
	case BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE: return "BR_CLEAR_FREEZE_NOTIFICATION_DONE";
	}
	return "BR_?";
}

} // namespace binderlite::protocol
