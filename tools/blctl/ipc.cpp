// SPDX-License-Identifier: GPL-2.0

#include "ipc.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace blctl {

namespace bl = binderlite;

namespace {

std::string startManagerHint(std::string_view device)
{
	return fmt::format("start it (`blservicemanager -d {} &`)", device);
}

} // namespace

std::string errnoName(int errnum)
{
	const char *name = ::strerrorname_np(errnum);
	return name ? std::string{name} : fmt::format("error {}", errnum);
}

std::string errnoText(int errnum)
{
	const char *name = ::strerrorname_np(errnum);
	if (!name)
		return fmt::format("error {}", errnum);
	return fmt::format("{} ({})", name, std::strerror(errnum));
}

std::string remoteText(const bl::Error &e)
{
	const auto &status = e.remoteStatus();
	if (!status || status->exceptionCode() == bl::ExceptionCode::TransactionFailed) {
		const auto s = status ? status->transactionError() : -e.errnum();
		if (s == bl::kUnknownTransaction)
			return "UNKNOWN_TRANSACTION (EBADMSG): it has no call of that code";
		if (s == bl::kBadType)
			return "BAD_TYPE: not the interface token it expects (--descriptor, --raw)";
		return "an error: " + errnoText(e.errnum());
	}
	std::string text = "the exception " + bl::toString(status->exceptionCode());
	if (status->exceptionCode() == bl::ExceptionCode::ServiceSpecific)
		text += fmt::format(" {}", status->serviceSpecificErrorCode());
	if (!status->message().empty())
		text += fmt::format(" (\"{}\")", status->message());
	return text;
}

std::string openFailure(std::string_view device, const bl::Error &e)
{
	if (e.kind() == bl::ErrorKind::Protocol)
		return fmt::format("{} speaks another protocol than binder 8 ({}): use a "
				   "binderlite or binder device of this kernel", device, e.what());
	switch (e.errnum()) {
	case ENOENT:
		return fmt::format("device {} not present: load the module (`sudo modprobe "
				   "binderlite`; `blctl status` tells more) or name another "
				   "device with -d", device);
	case EACCES:
	case EPERM:
		return fmt::format("cannot open {}: permission denied: run blctl as root, or as "
				   "a user the device's mode allows", device);
	case ENXIO:
	case ENODEV:
		return fmt::format("device {} has no driver behind it: load the module (`sudo "
				   "modprobe binderlite`)", device);
	case ENOTTY:
	case EINVAL:
		if (e.kind() == bl::ErrorKind::System && std::string_view{e.what()}.find(
			"BINDERLITE_VERSION") != std::string_view::npos)
			return fmt::format("{} is not a binder device (it does not answer "
					   "BINDERLITE_VERSION): name /dev/binderlite or a binder "
					   "device with -d", device);
		break;
	default:
		break;
	}
	return fmt::format("cannot use {}: {}: is it a binderlite device? (`blctl status` "
			   "tells)", device, e.what());
}

std::string managerFailure(std::string_view device, const bl::Error &e)
{
	if (e.dead())
		return fmt::format("service manager not running on {}: {}", device,
				   startManagerHint(device));
	if (e.kind() == bl::ErrorKind::Remote)
		return fmt::format("the service manager on {} refused: {}: does it speak the same "
				   "dialect? (blctl --dialect; blservicemanager -D)", device,
				   remoteText(e));
	return fmt::format("talking to the service manager on {} failed: {}: is it "
			   "blservicemanager? (restart it: {})", device, e.what(),
			   startManagerHint(device));
}

std::string noSuchService(std::string_view device, std::string_view name)
{
	return fmt::format("no service named \"{}\" on {}: `blctl list` shows the "
			   "registered ones", name, device);
}

std::string callFailure(std::string_view device, std::string_view service, const bl::Error &e)
{
	const std::string who = service.empty() ? std::string{"the service manager"}
						: fmt::format("service \"{}\"", service);
	switch (e.kind()) {
	case bl::ErrorKind::DeadObject:
		return fmt::format("{} on {} is dead (its process is gone): restart it", who, device);
	case bl::ErrorKind::Remote:
		return fmt::format("{} answered with {}: check the code and the arguments it "
				   "expects", who, remoteText(e));
	case bl::ErrorKind::FailedReply:
		return fmt::format("the driver refused the call to {}: {}: `blctl stats` "
				   "counts failures by reason", who, e.what());
	case bl::ErrorKind::Parcel:
		return fmt::format("the reply of {} is malformed: {}", who, e.what());
	default:
		break;
	}
	return fmt::format("calling {} on {} failed: {}", who, device, e.what());
}

std::string freezeFailure(std::string_view device, std::string_view what, std::string_view who,
			   std::uint32_t timeoutMs, const bl::Error &e)
{
	if (e.kind() == bl::ErrorKind::System && e.errnum() == EINVAL)
		return fmt::format("process {} has no binder file of {}'s driver open (or does not "
				   "exist): only processes that use the driver can be frozen", who, device);
	if (e.kind() == bl::ErrorKind::System && e.errnum() == EAGAIN && what == "freeze")
		return fmt::format("process {} still had transactions in flight after {} ms, so the "
				   "driver thawed it again: try a longer --timeout, or later", who, timeoutMs);
	if (e.kind() == bl::ErrorKind::System && (e.errnum() == EPERM || e.errnum() == EACCES))
		return fmt::format("{} of process {} refused: {}: run blctl as root", what, who,
				   errnoText(e.errnum()));
	return fmt::format("{} of process {} on {} failed: {}", what, who, device, e.what());
}

bl::Dialect dialectOf(std::string_view text)
{
	try {
		if (text.empty())
			return bl::defaultDialect();
	} catch (const bl::Error &e) {
		throw Failure(fmt::format("{}: set it to 8 to 16, or unset it", e.what()));
	}
	const auto d = bl::parseDialect(text);
	if (!d)
		throw Failure(fmt::format("no dialect \"{}\": name an Android release, 8 to 16 "
					  "(android11, 13...)", text));
	return *d;
}

Session::Session(const Env &env) : device_(env.paths.device)
{
	const bl::Dialect dialect = dialectOf(env.paths.dialect);
	try {
		process_ = bl::Process::create(std::make_unique<bl::SystemDriver>(device_),
					       bl::Device::kDefaultPoolSize, dialect);
	} catch (const bl::Error &e) {
		throw Failure(openFailure(device_, e));
	}
	// Nobody else hears of what goes wrong in the library's destructors.
	process_->setErrorHandler([](std::string_view message) {
		fmt::print(stderr, "blctl: {}\n", message);
	});
}

bl::ServiceManagerClient &Session::client()
{
	if (!client_) {
		try {
			client_.emplace(process_);
		} catch (const bl::Error &e) {
			throw Failure(managerFailure(device_, e));
		}
	}
	return *client_;
}

std::vector<std::string> Session::listServices()
{
	auto &sm = client();
	try {
		return sm.listServices();
	} catch (const bl::Error &e) {
		throw Failure(managerFailure(device_, e));
	}
}

bl::Remote Session::findService(std::string_view name)
{
	auto &sm = client();
	std::optional<bl::Remote> service;
	try {
		service = sm.getService(name);
	} catch (const bl::Error &e) {
		throw Failure(managerFailure(device_, e));
	}
	if (!service)
		throw Failure(noSuchService(device_, name));
	return *service;
}

bl::Remote Session::manager()
{
	return client().manager();
}

} // namespace blctl
