// SPDX-License-Identifier: GPL-2.0
//
// Status: libbinder's binder::Status as a value; its wire format is in
// parcel.cpp (Parcel::writeStatus(), Parcel::Reader::readStatus()).
#include <binderlite/status.hpp>

#include <cerrno>
#include <cstring>

namespace binderlite {

std::string toString(ExceptionCode code)
{
	switch (code) {
	case ExceptionCode::None: return "EX_NONE";
	case ExceptionCode::Security: return "EX_SECURITY";
	case ExceptionCode::BadParcelable: return "EX_BAD_PARCELABLE";
	case ExceptionCode::IllegalArgument: return "EX_ILLEGAL_ARGUMENT";
	case ExceptionCode::NullPointer: return "EX_NULL_POINTER";
	case ExceptionCode::IllegalState: return "EX_ILLEGAL_STATE";
	case ExceptionCode::NetworkMainThread: return "EX_NETWORK_MAIN_THREAD";
	case ExceptionCode::UnsupportedOperation: return "EX_UNSUPPORTED_OPERATION";
	case ExceptionCode::ServiceSpecific: return "EX_SERVICE_SPECIFIC";
	case ExceptionCode::Parcelable: return "EX_PARCELABLE";
	case ExceptionCode::HasNotedAppOpsReplyHeader: return "EX_HAS_NOTED_APPOPS_REPLY_HEADER";
	case ExceptionCode::HasReplyHeader: return "EX_HAS_REPLY_HEADER";
	case ExceptionCode::TransactionFailed: return "EX_TRANSACTION_FAILED";
	}
	return std::to_string(static_cast<std::int32_t>(code));
}

Status Status::fromExceptionCode(ExceptionCode code, std::string message)
{
	switch (code) {
	case ExceptionCode::None:
		return ok();
	case ExceptionCode::TransactionFailed:
		return Status(code, kFailedTransaction, std::move(message));
	default:
		return Status(code, 0, std::move(message));
	}
}

Status Status::fromServiceSpecificError(std::int32_t errorCode, std::string message)
{
	return Status(ExceptionCode::ServiceSpecific, errorCode, std::move(message));
}

Status Status::fromStatusT(std::int32_t status)
{
	if (status == 0)
		return ok();
	return Status(ExceptionCode::TransactionFailed, status, {});
}

int Status::errnum() const noexcept
{
	switch (exception_) {
	case ExceptionCode::None: return 0;
	case ExceptionCode::Security: return EACCES;
	case ExceptionCode::BadParcelable: return EBADMSG;
	case ExceptionCode::IllegalArgument: return EINVAL;
	case ExceptionCode::NullPointer: return EFAULT;
	case ExceptionCode::IllegalState: return EBUSY;
	case ExceptionCode::NetworkMainThread: return EAGAIN;
	case ExceptionCode::UnsupportedOperation: return EOPNOTSUPP;
	case ExceptionCode::TransactionFailed:
		switch (errorCode_) {
		case kBadType: return EBADMSG;
		case kFailedTransaction: return EIO;
		case kFdsNotAllowed: return EPERM;
		case kUnexpectedNull: return EINVAL;
		default:
			// A negative errno, as most status_t values are.
			if (errorCode_ < 0 && errorCode_ > -4096)
				return -errorCode_;
			return EREMOTEIO;
		}
	default:
		// ServiceSpecific (its code is the service's own), Parcelable,
		// and exception codes libbinder does not know.
		return EREMOTEIO;
	}
}

namespace {

// libbinder's statusToString() names for the status_t values that are not
// a plain errno.
std::string statusTName(std::int32_t s)
{
	switch (s) {
	case kUnknownError: return "UNKNOWN_ERROR";
	case kBadType: return "BAD_TYPE";
	case kFailedTransaction: return "FAILED_TRANSACTION";
	case kFdsNotAllowed: return "FDS_NOT_ALLOWED";
	case kUnexpectedNull: return "UNEXPECTED_NULL";
	case kUnknownTransaction: return "UNKNOWN_TRANSACTION";
	default: break;
	}
	if (s < 0 && s > -4096) {
		const char *name = ::strerrorname_np(-s);
		return std::string("-") + (name ? name : std::to_string(-s));
	}
	return std::to_string(s);
}

} // namespace

std::string Status::toString() const
{
	if (isOk())
		return "No error";
	std::string s = "Status(" + std::to_string(static_cast<std::int32_t>(exception_)) + ", " +
			binderlite::toString(exception_) + "): '";
	if (exception_ == ExceptionCode::ServiceSpecific)
		s += std::to_string(errorCode_) + ": ";
	else if (exception_ == ExceptionCode::TransactionFailed)
		s += statusTName(errorCode_) + ": ";
	return s + message_ + "'";
}

} // namespace binderlite
