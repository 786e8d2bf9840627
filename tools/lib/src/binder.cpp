// SPDX-License-Identifier: GPL-2.0
//
// Binder: the standard transactions, and how a call's outcome becomes a
// reply (detail::serve()).
#include "serve.hpp"

#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>
#include <binderlite/status.hpp>

#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace binderlite {

namespace {

// Ids are never reused, so that the driver's name for a node can never
// come to mean another object. 0 is left out (a null object).
std::atomic<std::uint64_t> g_nextId{1};

class FunctionBinder final : public Binder {
public:
	FunctionBinder(std::string descriptor, TransactFunction fn)
		: Binder(std::move(descriptor)), fn_(std::move(fn))
	{
	}
	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override { fn_(code, in, reply); }

private:
	TransactFunction fn_;
};

// DUMP_TRANSACTION as libbinder's BBinder::onTransact() reads it: the
// descriptor, a count, and the arguments while there is data.
void serveDump(Binder &b, Parcel::Reader &in)
{
	const UniqueFd fd = in.readFileDescriptor();
	const std::int32_t count = in.readInt32();
	std::vector<std::string> args;
	for (std::int32_t i = 0; i < count && !in.atEnd(); i++)
		args.push_back(in.readString());
	b.dump(fd.get(), args);
}

// Replaces whatever was written with an AIDL exception header.
void writeException(Parcel &reply, const Status &status)
{
	reply = Parcel(reply.dialect());
	try {
		reply.writeStatus(status);
	} catch (const Error &) {
		// A message that is not UTF-8: the status without it.
		reply = Parcel(reply.dialect());
		reply.writeStatus(status.exceptionCode() == ExceptionCode::ServiceSpecific
					  ? Status::fromServiceSpecificError(status.serviceSpecificErrorCode())
					  : Status::fromExceptionCode(status.exceptionCode()));
	}
}

} // namespace

Binder::Binder(std::string descriptor)
	: id_(g_nextId.fetch_add(1, std::memory_order_relaxed)), descriptor_(std::move(descriptor))
{
}

Binder::~Binder() = default;

void Binder::dump(int, const std::vector<std::string> &) {}

void Binder::setExtension(std::optional<Remote> extension)
{
	std::optional<Remote> old; // released after unlocking
	std::lock_guard g(mutex_);
	old = std::exchange(extension_, std::move(extension));
}

std::optional<Remote> Binder::extension() const
{
	std::lock_guard g(mutex_);
	return extension_;
}

std::shared_ptr<Binder> makeBinder(TransactFunction fn) { return makeBinder({}, std::move(fn)); }

std::shared_ptr<Binder> makeBinder(std::string descriptor, TransactFunction fn)
{
	if (!fn)
		throw Error(ErrorKind::Usage, EINVAL, "makeBinder: no function");
	return std::make_shared<FunctionBinder>(std::move(descriptor), std::move(fn));
}

std::int32_t detail::serve(Binder &b, std::uint32_t code, Parcel::Reader &in, Parcel &reply, bool oneway,
			   const std::function<void(std::string_view)> &report)
{
	const auto describe = [&] { return std::string(oneway ? "oneway " : "") + "call " + std::to_string(code); };
	try {
		switch (code) {
		case kPingTransaction:
		case kSyspropsTransaction:
			return 0;
		case kInterfaceTransaction:
			reply.writeString(b.interfaceDescriptor());
			return 0;
		case kDebugPidTransaction:
			reply.writeInt32(static_cast<std::int32_t>(::getpid()));
			return 0;
		case kExtensionTransaction:
			if (auto ext = b.extension())
				reply.writeRemote(*ext);
			else
				reply.writeNull();
			return 0;
		case kDumpTransaction:
			serveDump(b, in);
			return 0;
		default:
			b.onTransact(code, in, reply);
			return 0;
		}
	} catch (const Error &e) {
		if (oneway || e.kind() != ErrorKind::Remote)
			report(describe() + ": " + e.what());
		const auto &status = e.remoteStatus();
		if (status && status->exceptionCode() != ExceptionCode::TransactionFailed) {
			writeException(reply, *status);
			return 0;
		}
		if (status)
			return status->transactionError();
		return e.errnum() > 0 ? -e.errnum() : kUnknownError;
	} catch (const std::exception &e) {
		report(describe() + ": " + e.what());
	} catch (...) {
		report(describe() + ": an exception that is no std::exception");
	}
	return -EREMOTEIO;
}

} // namespace binderlite
