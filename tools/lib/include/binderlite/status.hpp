// SPDX-License-Identifier: GPL-2.0
//
// Status: the outcome of a call as libbinder's binder::Status tells it.
//
// A call fails in one of two ways on the wire:
//
//   - a transaction error: the reply has TF_STATUS_CODE and carries one
//     int32, a status_t (0 or a negative errno, or one of libbinder's
//     special values below); Status::fromStatusT();
//   - an AIDL exception: an ordinary reply that starts with the exception
//     header (Parcel::writeStatus(), Documentation/userspace.rst, "Status
//     replies"): an ExceptionCode, a message, and for ServiceSpecific a
//     service-defined error code.
//
// A successful AIDL reply starts with the header of Status::ok(), int32 0
// (Parcel::writeNoException()). Error carries a Status for failures that
// came from (or go to) the other side (Error::remoteStatus()).
//
// Thread-safety: an immutable value.
#ifndef BINDERLITE_STATUS_HPP
#define BINDERLITE_STATUS_HPP

#include <cerrno>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace binderlite {

// libbinder's status_t values that are no negative errno.
inline constexpr std::int32_t kUnknownError = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int32_t kBadType = kUnknownError + 1;
inline constexpr std::int32_t kFailedTransaction = kUnknownError + 2;
inline constexpr std::int32_t kFdsNotAllowed = kUnknownError + 7;
inline constexpr std::int32_t kUnexpectedNull = kUnknownError + 8;
// And two that are: an unknown transaction code, a read past the end.
inline constexpr std::int32_t kUnknownTransaction = -EBADMSG;
inline constexpr std::int32_t kNotEnoughData = -ENODATA;

// binder::Status's exception codes (Java's Parcel.EX_*).
enum class ExceptionCode : std::int32_t {
	None = 0,
	Security = -1,
	BadParcelable = -2,
	IllegalArgument = -3,
	NullPointer = -4,
	IllegalState = -5,
	NetworkMainThread = -6,
	UnsupportedOperation = -7,
	ServiceSpecific = -8,
	Parcelable = -9,
	// Reply headers, never an exception of a Status: skipped when read.
	HasNotedAppOpsReplyHeader = -127,
	HasReplyHeader = -128,
	// Not on the wire: the call failed with a status_t.
	TransactionFailed = -129,
};

// "EX_SERVICE_SPECIFIC"; the number for an unknown code.
[[nodiscard]] std::string toString(ExceptionCode code);

class Status {
public:
	// Status::ok().
	Status() noexcept = default;

	[[nodiscard]] static Status ok() noexcept { return {}; }
	// An exception; ExceptionCode::None gives ok(), TransactionFailed a
	// FAILED_TRANSACTION, ServiceSpecific an error code of 0.
	[[nodiscard]] static Status fromExceptionCode(ExceptionCode code, std::string message = {});
	[[nodiscard]] static Status fromServiceSpecificError(std::int32_t errorCode, std::string message = {});
	// A transaction error: @status is a status_t; 0 gives ok().
	[[nodiscard]] static Status fromStatusT(std::int32_t status);

	[[nodiscard]] bool isOk() const noexcept { return exception_ == ExceptionCode::None; }
	[[nodiscard]] ExceptionCode exceptionCode() const noexcept { return exception_; }
	// ServiceSpecific: the service's code; otherwise 0.
	[[nodiscard]] std::int32_t serviceSpecificErrorCode() const noexcept
	{
		return exception_ == ExceptionCode::ServiceSpecific ? errorCode_ : 0;
	}
	// TransactionFailed: the status_t; otherwise 0.
	[[nodiscard]] std::int32_t transactionError() const noexcept
	{
		return exception_ == ExceptionCode::TransactionFailed ? errorCode_ : 0;
	}
	[[nodiscard]] const std::string &message() const noexcept { return message_; }

	// The errno a binderlite::Error made of this status has: the negative
	// errno of a status_t, EBADMSG for BAD_TYPE, EIO for
	// FAILED_TRANSACTION, EACCES for Security, EINVAL for
	// IllegalArgument, ... (Documentation/userspace.rst, "Errors"); 0 for
	// ok().
	[[nodiscard]] int errnum() const noexcept;
	// "Status(-8, EX_SERVICE_SPECIFIC): '42: message'", as libbinder says
	// it; "No error" for ok().
	[[nodiscard]] std::string toString() const;

	friend bool operator==(const Status &, const Status &) = default;

private:
	Status(ExceptionCode exception, std::int32_t errorCode, std::string message)
		: exception_(exception), errorCode_(errorCode), message_(std::move(message))
	{
	}

	ExceptionCode exception_ = ExceptionCode::None;
	std::int32_t errorCode_ = 0;
	std::string message_;
};

} // namespace binderlite

#endif
