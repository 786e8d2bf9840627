// SPDX-License-Identifier: GPL-2.0
//
// android.os.IServiceManager (servicemanager.hpp): its codec in every
// dialect, and its client.
#include <binderlite/error.hpp>
#include <binderlite/servicemanager.hpp>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace binderlite {

namespace servicemanager {

namespace {

bool aidl(Dialect d) { return hasStatusReplies(d); }

// Android 8's C servicemanager takes no dump priority.
bool hasDumpPriority(Dialect d) { return d >= Dialect::Android9; }

} // namespace

const char *toString(Method method) noexcept
{
	switch (method) {
	case Method::GetService: return "getService";
	case Method::CheckService: return "checkService";
	case Method::AddService: return "addService";
	case Method::ListServices: return "listServices";
	case Method::RegisterForNotifications: return "registerForNotifications";
	case Method::UnregisterForNotifications: return "unregisterForNotifications";
	case Method::IsDeclared: return "isDeclared";
	}
	return "?";
}

bool hasStatusReplies(Dialect dialect) noexcept { return dialect >= Dialect::Android11; }

std::optional<std::uint32_t> codeOf(Dialect dialect, Method method) noexcept
{
	// The calls in the order of each release's IServiceManager: Android
	// 15 puts getService2 after getService, 16 checkService2 after
	// checkService (libgbinder's aidl5, aidl6).
	const std::uint32_t get2 = dialect >= Dialect::Android15 ? 1 : 0;
	const std::uint32_t check2 = dialect >= Dialect::Android16 ? 1 : 0;
	switch (method) {
	case Method::GetService: return 1;
	case Method::CheckService: return 2 + get2;
	case Method::AddService: return 3 + get2 + check2;
	case Method::ListServices: return 4 + get2 + check2;
	default: break;
	}
	if (!aidl(dialect))
		return std::nullopt;
	switch (method) {
	case Method::RegisterForNotifications: return 5 + get2 + check2;
	case Method::UnregisterForNotifications: return 6 + get2 + check2;
	case Method::IsDeclared: return 7 + get2 + check2;
	default: return std::nullopt;
	}
}

std::optional<Method> methodOf(Dialect dialect, std::uint32_t code) noexcept
{
	for (const Method m : {Method::GetService, Method::CheckService, Method::AddService, Method::ListServices,
			       Method::RegisterForNotifications, Method::UnregisterForNotifications,
			       Method::IsDeclared})
		if (codeOf(dialect, m) == code)
			return m;
	return std::nullopt;
}

bool isValidName(std::string_view name) noexcept
{
	return !name.empty() && name.size() <= 127 && std::all_of(name.begin(), name.end(), [](char c) {
		       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '_' || c == '-' || c == '.' || c == '/';
	       });
}

void fail(Dialect dialect, ExceptionCode code, const std::string &message)
{
	if (aidl(dialect))
		throw Error::exception(code, message);
	throw Error::status(EPERM, "service manager: " + message);
}

// Requests.

void encodeAddRequest(Parcel &out, std::string_view name, const Remote &service, bool allowIsolated,
		      std::int32_t dumpPriority)
{
	out.writeInterfaceToken(kDescriptor);
	out.writeString(name);
	out.writeRemote(service);
	out.writeBool(allowIsolated);
	if (hasDumpPriority(out.dialect()))
		out.writeInt32(dumpPriority);
}

AddRequest decodeAddRequest(Parcel::Reader &in)
{
	in.enforceInterface(kDescriptor);
	AddRequest req;
	req.name = in.readString();
	req.service = in.readOptionalRemote();
	// The C servicemanager reads a uint32: any non-zero is true.
	req.allowIsolated = in.readInt32() != 0;
	if (hasDumpPriority(in.parcel().dialect()))
		req.dumpPriority = in.readInt32();
	return req;
}

void encodeNameRequest(Parcel &out, std::string_view name)
{
	out.writeInterfaceToken(kDescriptor);
	out.writeString(name);
}

std::string decodeNameRequest(Parcel::Reader &in)
{
	in.enforceInterface(kDescriptor);
	return in.readString();
}

void encodeListRequest(Parcel &out, const ListRequest &request)
{
	out.writeInterfaceToken(kDescriptor);
	if (!aidl(out.dialect()))
		out.writeInt32(request.index);
	if (hasDumpPriority(out.dialect()))
		out.writeInt32(request.dumpPriority);
}

ListRequest decodeListRequest(Parcel::Reader &in)
{
	in.enforceInterface(kDescriptor);
	ListRequest req;
	const Dialect d = in.parcel().dialect();
	if (!aidl(d))
		req.index = in.readInt32();
	if (hasDumpPriority(d))
		req.dumpPriority = in.readInt32();
	return req;
}

void encodeNotificationRequest(Parcel &out, std::string_view name, const Remote &callback)
{
	out.writeInterfaceToken(kDescriptor);
	out.writeString(name);
	out.writeRemote(callback);
}

NotificationRequest decodeNotificationRequest(Parcel::Reader &in)
{
	in.enforceInterface(kDescriptor);
	NotificationRequest req;
	req.name = in.readString();
	req.callback = in.readOptionalRemote();
	return req;
}

// Replies.

void encodeServiceReply(Parcel &out, const std::optional<Remote> &service)
{
	if (aidl(out.dialect())) {
		out.writeNoException();
		if (service)
			out.writeRemote(*service);
		else
			out.writeNull();
		return;
	}
	// The C servicemanager: the object, or a bare 0.
	if (service)
		out.writeRemote(*service);
	else
		out.writeInt32(0);
}

std::optional<Remote> decodeServiceReply(Parcel::Reader &in)
{
	if (aidl(in.parcel().dialect())) {
		in.readException();
		return in.readOptionalRemote();
	}
	if (in.atEnd() || (in.remaining() == sizeof(std::int32_t) && in.readInt32() == 0))
		return std::nullopt;
	return in.readOptionalRemote();
}

void encodeDoneReply(Parcel &out)
{
	// The C servicemanager answers a successful ADD with a 0 too.
	out.writeNoException();
}

void decodeDoneReply(Parcel::Reader &in)
{
	// An empty reply will do (old managers of other kinds send one).
	if (!in.atEnd())
		in.readException();
}

void encodeListReply(Parcel &out, const std::vector<std::string> &names)
{
	out.writeNoException();
	out.writeStringArray(names);
}

std::vector<std::string> decodeListReply(Parcel::Reader &in)
{
	in.readException();
	return in.readStringArray();
}

void encodeListEntryReply(Parcel &out, std::string_view name) { out.writeString(name); }

std::string decodeListEntryReply(Parcel::Reader &in) { return in.readString(); }

void encodeBoolReply(Parcel &out, bool value)
{
	out.writeNoException();
	out.writeBool(value);
}

bool decodeBoolReply(Parcel::Reader &in)
{
	in.readException();
	return in.readBool();
}

void encodeOnRegistration(Parcel &out, std::string_view name, const Remote &service)
{
	out.writeInterfaceToken(kCallbackDescriptor);
	out.writeString(name);
	out.writeRemote(service);
}

Registration decodeOnRegistration(Parcel::Reader &in)
{
	in.enforceInterface(kCallbackDescriptor);
	std::string name = in.readString();
	Remote service = in.readRemote();
	return {std::move(name), std::move(service)};
}

} // namespace servicemanager

namespace {

namespace sm = servicemanager;

Remote managerOf(const std::shared_ptr<Process> &process)
{
	if (!process)
		throw Error(ErrorKind::Usage, EINVAL, "ServiceManagerClient: no process");
	return process->contextManager();
}

Dialect dialectOf(const Remote &manager)
{
	const auto p = manager.process();
	return p ? p->dialect() : kNewestDialect;
}

void checkName(std::string_view name)
{
	if (!sm::isValidName(name))
		throw Error(ErrorKind::Usage, EINVAL,
			    "service manager: \"" + std::string(name) +
				    "\" is no valid service name (1 to 127 of A-Z a-z 0-9 _ - . /)");
}

} // namespace

ServiceManagerClient::ServiceManagerClient(std::shared_ptr<Process> process)
	: manager_(managerOf(process)), dialect_(process->dialect())
{
}

ServiceManagerClient::ServiceManagerClient(Remote manager)
	: manager_(std::move(manager)), dialect_(dialectOf(manager_))
{
}

ServiceManagerClient::ServiceManagerClient(Remote manager, Dialect dialect)
	: manager_(std::move(manager)), dialect_(dialect)
{
}

std::uint32_t ServiceManagerClient::code(sm::Method method) const
{
	const auto c = sm::codeOf(dialect_, method);
	if (!c)
		throw Error(ErrorKind::Usage, EOPNOTSUPP,
			    std::string("service manager: ") + sm::toString(method) + " is not part of the " +
				    toString(dialect_) + " service manager");
	return *c;
}

Parcel ServiceManagerClient::call(sm::Method method, const Parcel &request)
{
	return manager_.transact(code(method), request);
}

void ServiceManagerClient::addService(std::string_view name, const std::shared_ptr<Binder> &service,
				      bool allowIsolated, std::int32_t dumpPriority)
{
	if (!service)
		throw Error(ErrorKind::Usage, EINVAL, "addService: no object");
	addService(name, Remote(service), allowIsolated, dumpPriority);
}

void ServiceManagerClient::addService(std::string_view name, const Remote &service, bool allowIsolated,
				      std::int32_t dumpPriority)
{
	checkName(name);
	Parcel req(dialect_);
	sm::encodeAddRequest(req, name, service, allowIsolated, dumpPriority);
	const Parcel reply = call(sm::Method::AddService, req);
	Parcel::Reader in = reply.reader();
	sm::decodeDoneReply(in);
}

std::optional<Remote> ServiceManagerClient::getService(std::string_view name)
{
	checkName(name);
	Parcel req(dialect_);
	sm::encodeNameRequest(req, name);
	const Parcel reply = call(sm::Method::CheckService, req);
	Parcel::Reader in = reply.reader();
	return sm::decodeServiceReply(in);
}

std::vector<std::string> ServiceManagerClient::listServices(std::int32_t dumpPriority)
{
	std::vector<std::string> names;
	if (sm::hasStatusReplies(dialect_)) {
		Parcel req(dialect_);
		sm::encodeListRequest(req, {.index = 0, .dumpPriority = dumpPriority});
		const Parcel reply = call(sm::Method::ListServices, req);
		Parcel::Reader in = reply.reader();
		names = sm::decodeListReply(in);
	} else {
		// One name per call, until the manager answers with a failure.
		for (std::int32_t i = 0;; i++) {
			Parcel req(dialect_);
			sm::encodeListRequest(req, {.index = i, .dumpPriority = dumpPriority});
			std::optional<Parcel> reply;
			try {
				reply = call(sm::Method::ListServices, req);
			} catch (const Error &e) {
				if (e.kind() == ErrorKind::Remote)
					break;
				throw;
			}
			Parcel::Reader in = reply->reader();
			names.push_back(sm::decodeListEntryReply(in));
		}
	}
	std::sort(names.begin(), names.end());
	return names;
}

std::optional<Remote> ServiceManagerClient::waitForService(std::string_view name,
							   std::chrono::milliseconds timeout)
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	auto pause = std::chrono::milliseconds(1);
	for (;;) {
		try {
			if (auto r = getService(name))
				return r;
		} catch (const Error &e) {
			if (!e.dead())
				throw;
		}
		const auto now = std::chrono::steady_clock::now();
		if (now >= deadline)
			return std::nullopt;
		std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
		pause = std::min(pause * 2, std::chrono::milliseconds(50));
	}
}

bool ServiceManagerClient::isDeclared(std::string_view name)
{
	checkName(name);
	Parcel req(dialect_);
	sm::encodeNameRequest(req, name);
	const auto c = code(sm::Method::IsDeclared);
	const Parcel reply = manager_.transact(c, req);
	Parcel::Reader in = reply.reader();
	return sm::decodeBoolReply(in);
}

std::shared_ptr<Binder> ServiceManagerClient::registerForNotifications(
	std::string_view name, std::function<void(const std::string &name, const Remote &service)> callback)
{
	checkName(name);
	if (!callback)
		throw Error(ErrorKind::Usage, EINVAL, "registerForNotifications: no callback");
	const auto c = code(sm::Method::RegisterForNotifications);
	auto binder = makeBinder(std::string(sm::kCallbackDescriptor),
				 [fn = std::move(callback)](std::uint32_t code, Parcel::Reader &in, Parcel &) {
					 if (code != sm::kOnRegistration)
						 throw Error::unknownTransaction(code);
					 const auto reg = sm::decodeOnRegistration(in);
					 fn(reg.name, reg.service);
				 });
	Parcel req(dialect_);
	sm::encodeNotificationRequest(req, name, Remote(binder));
	const Parcel reply = manager_.transact(c, req);
	Parcel::Reader in = reply.reader();
	sm::decodeDoneReply(in);
	return binder;
}

void ServiceManagerClient::unregisterForNotifications(std::string_view name, const std::shared_ptr<Binder> &callback)
{
	checkName(name);
	if (!callback)
		throw Error(ErrorKind::Usage, EINVAL, "unregisterForNotifications: no callback");
	const auto c = code(sm::Method::UnregisterForNotifications);
	Parcel req(dialect_);
	sm::encodeNotificationRequest(req, name, Remote(callback));
	const Parcel reply = manager_.transact(c, req);
	Parcel::Reader in = reply.reader();
	sm::decodeDoneReply(in);
}

} // namespace binderlite
