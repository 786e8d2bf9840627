// SPDX-License-Identifier: GPL-2.0
//
// binderlite::Error: the one exception type of libbinderlite.
//
// Every failure is reported by throwing an Error (or its subtype
// DeadObject); no function returns an error code. code() is always an
// errno value in std::generic_category(), so
//
//     catch (const binderlite::Error &e) {
//             if (e.dead()) ...                       // the peer is gone
//             if (e.code() == std::errc::no_such_file_or_directory) ...
//     }
//
// works for every kind. kind() says where the failure came from,
// extended() carries the driver's extended error (BINDERLITE_GET_EXTENDED_
// ERROR) when the driver refused a transaction, and remoteStatus() the
// callee's binder::Status (status.hpp) when the callee answered with a
// transaction error or an AIDL exception. The table of kinds and codes is
// in Documentation/userspace.rst ("Errors").
//
// Thread-safety: an Error is an immutable value.
#ifndef BINDERLITE_ERROR_HPP
#define BINDERLITE_ERROR_HPP

#include <binderlite/status.hpp>

#include <linux/binderlite.h>

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

namespace binderlite {

// Where a failure came from.
enum class ErrorKind {
	System,      // a system call failed; code() is its errno
	FailedReply, // BR_FAILED_REPLY: the driver refused the call;
		     // code() is -extended()->param, or EIO if it gave none
	DeadObject,  // BR_DEAD_REPLY: the target (or the context manager)
		     // is gone; code() is EPIPE; always a DeadObject
	Remote,      // the callee answered with a transaction error or an
		     // AIDL exception (remoteStatus()); code() is
		     // remoteStatus()->errnum()
	Parcel,      // ENODATA: read past the end; EBADMSG: wrong type or
		     // malformed data; EMSGSIZE: a value too large to write
	Protocol,    // the driver said something unexpected (EPROTO), or
		     // speaks another protocol version (EPROTONOSUPPORT)
	Usage,       // the API was misused (EINVAL, EXDEV, EROFS, EDEADLK,
		     // EBADF for a file descriptor taken twice...)
	Frozen,      // BR_FROZEN_REPLY: the callee's process is frozen
		     // (Process::freeze()) and refused the call; code() is
		     // EAGAIN: the same call may work once it is thawed
};

// The name of a kind, e.g. "failed reply".
[[nodiscard]] const char *toString(ErrorKind kind) noexcept;

class Error : public std::system_error {
public:
	// what() becomes "<what>: <strerror(errnum)>", with the extended
	// error appended when there is one. An Error of kind Remote made so
	// has the remoteStatus() of the status_t -@errnum.
	Error(ErrorKind kind, int errnum, const std::string &what,
	      std::optional<binderlite_extended_error> extended = std::nullopt);
	// ErrorKind::Remote with @status (not ok()), errnum() status.errnum();
	// what() is "<what>: <status.toString()>".
	Error(const Status &status, const std::string &what);

	// What a service throws from Binder::onTransact() to fail a call;
	// the caller's transact() throws Error(ErrorKind::Remote) with the
	// same Status (what() is only local):
	//
	// a transaction error: a TF_STATUS_CODE reply with the status_t
	// -@errnum, as libbinder's onTransact() returning it;
	[[nodiscard]] static Error status(int errnum, const std::string &what = {});
	// an unknown code: UNKNOWN_TRANSACTION (-EBADMSG), libbinder's answer;
	[[nodiscard]] static Error unknownTransaction(std::uint32_t code);
	// an AIDL exception, written into the reply (Parcel::writeStatus());
	[[nodiscard]] static Error exception(ExceptionCode code, const std::string &message = {});
	[[nodiscard]] static Error serviceSpecific(std::int32_t errorCode, const std::string &message = {});
	// any Status but ok() (Error(Usage, EINVAL) for it).
	[[nodiscard]] static Error fromStatus(Status status, const std::string &what = {});

	[[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
	// The errno value, i.e. code().value().
	[[nodiscard]] int errnum() const noexcept { return code().value(); }
	// True for DeadObject: the object or process called is gone.
	[[nodiscard]] bool dead() const noexcept { return kind_ == ErrorKind::DeadObject; }
	// True for Frozen: the callee's process is frozen.
	[[nodiscard]] bool frozen() const noexcept { return kind_ == ErrorKind::Frozen; }
	// What the driver said about a refused transaction, if it said
	// anything (BR_FAILED_REPLY, BR_DEAD_REPLY and BR_FROZEN_REPLY only).
	[[nodiscard]] const std::optional<binderlite_extended_error> &extended() const noexcept
	{
		return extended_;
	}
	// ErrorKind::Remote: the status the callee answered with (or, thrown
	// by a service, the one to answer with); nullopt for other kinds.
	[[nodiscard]] const std::optional<Status> &remoteStatus() const noexcept { return status_; }

private:
	ErrorKind kind_;
	std::optional<binderlite_extended_error> extended_;
	std::optional<Status> status_;
};

// BR_DEAD_REPLY, or an operation on an object known to be dead. Its
// kind() is ErrorKind::DeadObject and its code() EPIPE.
class DeadObject : public Error {
public:
	explicit DeadObject(const std::string &what,
			    std::optional<binderlite_extended_error> extended = std::nullopt);
};

} // namespace binderlite

#endif
