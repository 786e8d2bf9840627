// SPDX-License-Identifier: GPL-2.0
//
// The service-manager protocol (servicemanager.hpp) and its client.
#include <binderlite/error.hpp>
#include <binderlite/servicemanager.hpp>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace binderlite {

namespace servicemanager {

bool isValidName(std::string_view name) noexcept
{
	return !name.empty() && name.size() <= kMaxNameLength &&
	       std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

namespace {

void checkName(std::string_view name)
{
	if (!isValidName(name))
		throw Error::status(EINVAL, "service manager: invalid name");
}

void beginRequest(Parcel &out) { out.writeUint32(kProtocolVersion); }

void checkVersion(Parcel::Reader &in)
{
	const std::uint32_t v = in.readUint32();
	if (v != kProtocolVersion)
		throw Error::status(EPROTONOSUPPORT,
				    "service manager: protocol version " + std::to_string(v) + ", want " +
					    std::to_string(kProtocolVersion));
}

} // namespace

void encodeAddRequest(Parcel &out, std::string_view name, const Remote &service)
{
	checkName(name);
	beginRequest(out);
	out.writeString(name);
	out.writeRemote(service);
}

AddRequest decodeAddRequest(Parcel::Reader &in)
{
	checkVersion(in);
	std::string name = in.readString();
	checkName(name);
	auto service = in.readOptionalRemote();
	if (!service)
		throw Error::status(EINVAL, "service manager: ADD of a null object");
	in.expectEnd();
	return {std::move(name), std::move(*service)};
}

void encodeGetRequest(Parcel &out, std::string_view name)
{
	checkName(name);
	beginRequest(out);
	out.writeString(name);
}

std::string decodeGetRequest(Parcel::Reader &in)
{
	checkVersion(in);
	std::string name = in.readString();
	checkName(name);
	in.expectEnd();
	return name;
}

void encodeListRequest(Parcel &out) { beginRequest(out); }

void decodeListRequest(Parcel::Reader &in)
{
	checkVersion(in);
	in.expectEnd();
}

void encodeGetReply(Parcel &out, const Remote &service) { out.writeRemote(service); }

Remote decodeGetReply(Parcel::Reader &in)
{
	Remote r = in.readRemote();
	in.expectEnd();
	return r;
}

void encodeListReply(Parcel &out, const std::vector<std::string> &names)
{
	out.writeUint32(static_cast<std::uint32_t>(names.size()));
	for (const auto &n : names)
		out.writeString(n);
}

std::vector<std::string> decodeListReply(Parcel::Reader &in)
{
	const std::uint32_t count = in.readUint32();
	std::vector<std::string> names;
	// Each name takes at least 8 bytes: never trust a count to reserve.
	names.reserve(std::min<std::size_t>(count, in.remaining() / 8));
	for (std::uint32_t i = 0; i < count; i++)
		names.push_back(in.readString());
	in.expectEnd();
	return names;
}

} // namespace servicemanager

namespace {

Remote managerOf(const std::shared_ptr<Process> &process)
{
	if (!process)
		throw Error(ErrorKind::Usage, EINVAL, "ServiceManagerClient: no process");
	return process->contextManager();
}

} // namespace

ServiceManagerClient::ServiceManagerClient(std::shared_ptr<Process> process) : manager_(managerOf(process)) {}

ServiceManagerClient::ServiceManagerClient(Remote manager) : manager_(std::move(manager)) {}

void ServiceManagerClient::addService(std::string_view name, const std::shared_ptr<Binder> &service)
{
	if (!service)
		throw Error(ErrorKind::Usage, EINVAL, "addService: no object");
	addService(name, Remote(service));
}

void ServiceManagerClient::addService(std::string_view name, const Remote &service)
{
	Parcel req;
	servicemanager::encodeAddRequest(req, name, service);
	(void)manager_.transact(static_cast<std::uint32_t>(servicemanager::Code::Add), req);
}

std::optional<Remote> ServiceManagerClient::getService(std::string_view name)
{
	Parcel req;
	servicemanager::encodeGetRequest(req, name);
	try {
		Parcel reply = manager_.transact(static_cast<std::uint32_t>(servicemanager::Code::Get), req);
		Parcel::Reader in = reply.reader();
		return servicemanager::decodeGetReply(in);
	} catch (const Error &e) {
		if (e.kind() == ErrorKind::Remote && e.errnum() == ENOENT)
			return std::nullopt;
		throw;
	}
}

std::vector<std::string> ServiceManagerClient::listServices()
{
	Parcel req;
	servicemanager::encodeListRequest(req);
	Parcel reply = manager_.transact(static_cast<std::uint32_t>(servicemanager::Code::List), req);
	Parcel::Reader in = reply.reader();
	return servicemanager::decodeListReply(in);
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

} // namespace binderlite
