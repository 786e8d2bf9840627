// SPDX-License-Identifier: GPL-2.0
#include <binderlite/error.hpp>
#include <binderlite/protocol.hpp>

#include <cerrno>
#include <sstream>

namespace binderlite {

const char *toString(ErrorKind kind) noexcept
{
	switch (kind) {
	case ErrorKind::System: return "system call";
	case ErrorKind::FailedReply: return "failed reply";
	case ErrorKind::DeadObject: return "dead object";
	case ErrorKind::Remote: return "remote status";
	case ErrorKind::Parcel: return "parcel";
	case ErrorKind::Protocol: return "protocol";
	case ErrorKind::Usage: return "usage";
	case ErrorKind::Frozen: return "frozen";
	}
	return "?";
}

namespace {

std::string describe(const std::string &what, const std::optional<binderlite_extended_error> &ext)
{
	if (!ext)
		return what;
	std::ostringstream s;
	s << what << " (transaction " << ext->id << ", " << protocol::returnName(ext->command)
	  << ", param " << ext->param << ")";
	return s.str();
}

// The errno of a Status, never 0: system_error's what() appends its text.
int errnumOf(const Status &status)
{
	const int e = status.errnum();
	return e > 0 ? e : EREMOTEIO;
}

} // namespace

Error::Error(ErrorKind kind, int errnum, const std::string &what,
	     std::optional<binderlite_extended_error> extended)
	: std::system_error(errnum, std::generic_category(), describe(what, extended)),
	  kind_(kind), extended_(extended)
{
	if (kind == ErrorKind::Remote)
		status_ = Status::fromStatusT(errnum > 0 ? -errnum : kUnknownError);
}

Error::Error(const Status &status, const std::string &what)
	: std::system_error(errnumOf(status), std::generic_category(),
			    (what.empty() ? std::string() : what + ": ") + status.toString()),
	  kind_(ErrorKind::Remote), status_(status)
{
}

Error Error::status(int errnum, const std::string &what)
{
	return Error(ErrorKind::Remote, errnum, what.empty() ? "error status" : what);
}

Error Error::unknownTransaction(std::uint32_t code)
{
	return Error(Status::fromStatusT(kUnknownTransaction), "unknown transaction code " + std::to_string(code));
}

Error Error::exception(ExceptionCode code, const std::string &message)
{
	return fromStatus(Status::fromExceptionCode(code, message));
}

Error Error::serviceSpecific(std::int32_t errorCode, const std::string &message)
{
	return fromStatus(Status::fromServiceSpecificError(errorCode, message));
}

Error Error::fromStatus(Status status, const std::string &what)
{
	if (status.isOk())
		throw Error(ErrorKind::Usage, EINVAL, "Error::fromStatus: the status is ok");
	return Error(status, what);
}

DeadObject::DeadObject(const std::string &what, std::optional<binderlite_extended_error> extended)
	: Error(ErrorKind::DeadObject, EPIPE, what, extended)
{
}

} // namespace binderlite
