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

} // namespace

Error::Error(ErrorKind kind, int errnum, const std::string &what,
	     std::optional<binderlite_extended_error> extended)
	: std::system_error(errnum, std::generic_category(), describe(what, extended)),
	  kind_(kind), extended_(extended)
{
}

Error Error::status(int errnum, const std::string &what)
{
	return Error(ErrorKind::Remote, errnum, what.empty() ? "error status" : what);
}

DeadObject::DeadObject(const std::string &what, std::optional<binderlite_extended_error> extended)
	: Error(ErrorKind::DeadObject, EPIPE, what, extended)
{
}

} // namespace binderlite
