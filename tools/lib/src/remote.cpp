// SPDX-License-Identifier: GPL-2.0
//
// Remote and WeakRemote: calls, the standard transactions, death links.
// Their reference counts are handles.hpp's.
#include "deaths.hpp"
#include "dispatch.hpp"
#include "handles.hpp"
#include "serve.hpp"

#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>
#include <binderlite/parcel.hpp>
#include <binderlite/process.hpp>

#include <cerrno>

namespace binderlite {

const char *toString(OnewayResult result) noexcept
{
	switch (result) {
	case OnewayResult::Sent: return "sent";
	case OnewayResult::PendingFrozen: return "pending (frozen)";
	case OnewayResult::SpamSuspect: return "spam suspect";
	}
	return "?";
}

namespace {

// A call to one of our own objects: served on this thread as the driver
// would deliver it, the outcome mapped as a remote caller would see it.
// Nobody else hears of failures: the caller gets them.
Parcel localTransact(Binder &b, std::uint32_t code, const Parcel &data, bool oneway)
{
	Parcel reply(data.dialect());
	Parcel::Reader in = data.reader();
	const std::int32_t status = detail::serve(b, code, in, reply, false, [](std::string_view) {});
	if (oneway)
		return Parcel(data.dialect());
	if (status != 0)
		throw Error(Status::fromStatusT(status), "local call " + std::to_string(code));
	return reply;
}

} // namespace

Remote::Remote(std::shared_ptr<Binder> local) : local_(std::move(local))
{
	if (!local_)
		throw Error(ErrorKind::Usage, EINVAL, "Remote: no object");
}

Remote::Remote(std::shared_ptr<detail::StrongRef> ref) : ref_(std::move(ref)) {}

Remote::~Remote() = default;

Parcel Remote::transact(std::uint32_t code, const Parcel &data) const
{
	if (local_)
		return localTransact(*local_, code, data, false);
	return detail::Dispatcher::of(*ref_->record->process).transact(ref_->record->handle, code, data, 0);
}

OnewayResult Remote::transactOneway(std::uint32_t code, const Parcel &data) const
{
	if (local_) {
		(void)localTransact(*local_, code, data, true);
		return OnewayResult::Sent;
	}
	OnewayResult how = OnewayResult::Sent;
	(void)detail::Dispatcher::of(*ref_->record->process)
		.transact(ref_->record->handle, code, data, BINDERLITE_TF_ONE_WAY, &how);
	return how;
}

void Remote::ping() const { (void)transact(kPingTransaction, Parcel()); }

std::string Remote::interfaceDescriptor() const
{
	if (local_)
		return local_->interfaceDescriptor();
	const Parcel reply = transact(kInterfaceTransaction, Parcel());
	Parcel::Reader in = reply.reader();
	return in.readString();
}

pid_t Remote::debugPid() const
{
	const Parcel reply = transact(kDebugPidTransaction, Parcel());
	Parcel::Reader in = reply.reader();
	return static_cast<pid_t>(in.readInt32());
}

std::optional<Remote> Remote::extension() const
{
	if (local_)
		return local_->extension();
	const Parcel reply = transact(kExtensionTransaction, Parcel());
	Parcel::Reader in = reply.reader();
	return in.readOptionalRemote();
}

void Remote::dump(int fd, const std::vector<std::string> &args) const
{
	Parcel data;
	data.writeFileDescriptor(fd);
	data.writeInt32(static_cast<std::int32_t>(args.size()));
	for (const auto &a : args)
		data.writeString(a);
	(void)transact(kDumpTransaction, data);
}

DeathToken Remote::linkToDeath(std::function<void()> callback) const
{
	if (!callback)
		throw Error(ErrorKind::Usage, EINVAL, "linkToDeath: no callback");
	if (local_)
		return DeathToken{0};
	const auto &record = ref_->record;
	// The death state, kept by the death table as a part of the record.
	const std::shared_ptr<detail::DeathState> death(record, &record->death);
	return detail::DeathTable::of(*record->process).link(death, record->handle, std::move(callback));
}

bool Remote::unlinkToDeath(DeathToken token) const
{
	if (local_)
		return token == DeathToken{0};
	return detail::DeathTable::of(*ref_->record->process).unlink(ref_->record->death, ref_->record->handle, token);
}

bool Remote::isDead() const noexcept
{
	if (local_)
		return false;
	return detail::DeathTable::of(*ref_->record->process).isDead(ref_->record->death);
}

std::uint32_t Remote::handle() const
{
	if (local_)
		throw Error(ErrorKind::Usage, EINVAL, "handle(): a local object has no handle");
	return ref_->record->handle;
}

std::shared_ptr<Process> Remote::process() const noexcept
{
	return local_ ? nullptr : ref_->record->process;
}

WeakRemote Remote::weak() const
{
	if (local_) {
		WeakRemote w(nullptr);
		w.local_ = local_;
		return w;
	}
	return WeakRemote(ref_->record);
}

bool operator==(const Remote &a, const Remote &b) noexcept
{
	if (a.local_ || b.local_)
		return a.local_ == b.local_;
	return a.ref_->record->process == b.ref_->record->process &&
	       a.ref_->record->handle == b.ref_->record->handle;
}

WeakRemote::WeakRemote(std::shared_ptr<detail::HandleRecord> record) : record_(std::move(record)) {}

WeakRemote::~WeakRemote() = default;

std::optional<Remote> WeakRemote::promote() const
{
	if (!record_) {
		if (auto b = local_.lock())
			return Remote(std::move(b));
		return std::nullopt;
	}
	return record_->table.promote(*record_);
}

std::uint32_t WeakRemote::handle() const
{
	if (!record_)
		throw Error(ErrorKind::Usage, EINVAL, "handle(): a local object has no handle");
	return record_->handle;
}

} // namespace binderlite
