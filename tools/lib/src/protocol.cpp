// SPDX-License-Identifier: GPL-2.0
#include <binderlite/error.hpp>
#include <binderlite/protocol.hpp>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace binderlite::protocol {

namespace {

// Every return of the UAPI header. A return's argument is _IOC_SIZE(code)
// bytes, as its code says; decoded: binder protocol 8 sends it to us (the
// others, and BR_TRANSACTION_SEC_CTX, which comes only to a node that
// asked for security contexts, are unknown to decodeReturn()).
struct ReturnInfo {
	std::uint32_t code;
	const char *name;
	bool decoded;
};

constexpr ReturnInfo kReturns[] = {
	{BINDERLITE_BR_ERROR, "BR_ERROR", true},
	{BINDERLITE_BR_OK, "BR_OK", true},
	{BINDERLITE_BR_TRANSACTION_SEC_CTX, "BR_TRANSACTION_SEC_CTX", false},
	{BINDERLITE_BR_TRANSACTION, "BR_TRANSACTION", true},
	{BINDERLITE_BR_REPLY, "BR_REPLY", true},
	{BINDERLITE_BR_ACQUIRE_RESULT, "BR_ACQUIRE_RESULT", false},
	{BINDERLITE_BR_DEAD_REPLY, "BR_DEAD_REPLY", true},
	{BINDERLITE_BR_TRANSACTION_COMPLETE, "BR_TRANSACTION_COMPLETE", true},
	{BINDERLITE_BR_INCREFS, "BR_INCREFS", true},
	{BINDERLITE_BR_ACQUIRE, "BR_ACQUIRE", true},
	{BINDERLITE_BR_RELEASE, "BR_RELEASE", true},
	{BINDERLITE_BR_DECREFS, "BR_DECREFS", true},
	{BINDERLITE_BR_ATTEMPT_ACQUIRE, "BR_ATTEMPT_ACQUIRE", false},
	{BINDERLITE_BR_NOOP, "BR_NOOP", true},
	{BINDERLITE_BR_SPAWN_LOOPER, "BR_SPAWN_LOOPER", true},
	{BINDERLITE_BR_FINISHED, "BR_FINISHED", false},
	{BINDERLITE_BR_DEAD_BINDER, "BR_DEAD_BINDER", true},
	{BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, "BR_CLEAR_DEATH_NOTIFICATION_DONE", true},
	{BINDERLITE_BR_FAILED_REPLY, "BR_FAILED_REPLY", true},
	{BINDERLITE_BR_FROZEN_REPLY, "BR_FROZEN_REPLY", true},
	{BINDERLITE_BR_ONEWAY_SPAM_SUSPECT, "BR_ONEWAY_SPAM_SUSPECT", true},
	{BINDERLITE_BR_TRANSACTION_PENDING_FROZEN, "BR_TRANSACTION_PENDING_FROZEN", true},
	{BINDERLITE_BR_FROZEN_BINDER, "BR_FROZEN_BINDER", true},
	{BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, "BR_CLEAR_FREEZE_NOTIFICATION_DONE", true},
};

const ReturnInfo *findReturn(std::uint32_t code) noexcept
{
	for (const ReturnInfo &r : kReturns)
		if (r.code == code)
			return &r;
	return nullptr;
}

// decodeReturn() copies each argument into the member of Return of its
// type: the sizes the codes carry must be those members' sizes.
static_assert(_IOC_SIZE(BINDERLITE_BR_ERROR) == sizeof(Return::error));
static_assert(_IOC_SIZE(BINDERLITE_BR_TRANSACTION) == sizeof(Return::txn));
static_assert(_IOC_SIZE(BINDERLITE_BR_REPLY) == sizeof(Return::txn));
static_assert(_IOC_SIZE(BINDERLITE_BR_INCREFS) == sizeof(Return::ref));
static_assert(_IOC_SIZE(BINDERLITE_BR_ACQUIRE) == sizeof(Return::ref));
static_assert(_IOC_SIZE(BINDERLITE_BR_RELEASE) == sizeof(Return::ref));
static_assert(_IOC_SIZE(BINDERLITE_BR_DECREFS) == sizeof(Return::ref));
static_assert(_IOC_SIZE(BINDERLITE_BR_DEAD_BINDER) == sizeof(Return::cookie));
static_assert(_IOC_SIZE(BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE) == sizeof(Return::cookie));
static_assert(_IOC_SIZE(BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE) == sizeof(Return::cookie));
static_assert(_IOC_SIZE(BINDERLITE_BR_FROZEN_BINDER) == sizeof(Return::frozen));

} // namespace

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
	const ReturnInfo *r = findReturn(cmd);
	if (!r || !r->decoded)
		return std::nullopt;
	return _IOC_SIZE(cmd);
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
	const ReturnInfo *r = findReturn(code);
	return r ? r->name : "BR_?";
}

} // namespace binderlite::protocol
