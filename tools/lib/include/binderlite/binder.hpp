// SPDX-License-Identifier: GPL-2.0
//
// Binder: a local object that other processes can call.
//
// Derive from Binder, implement onTransact(), and hand a
// std::shared_ptr to it out in a Parcel (writeBinder()), to
// ServiceManagerClient::addService() or to Process::becomeContextManager().
// The driver's references to it keep it alive: from the first BR_INCREFS/
// BR_ACQUIRE until the matching BR_RELEASE and BR_DECREFS, the Process
// holds a std::shared_ptr to it; so does every Parcel it is written to.
//
// The standard transactions every libbinder object answers are answered
// here, before onTransact() sees a call (Documentation/userspace.rst,
// "Standard transactions"), with libbinder's replies:
//
//   PING       '_PNG'  an empty reply
//   INTERFACE  '_NTF'  the interface descriptor, a String16
//   DEBUG_PID  '_PID'  int32, this process's pid
//   DUMP       '_DMP'  request: a file descriptor, int32 count, as many
//                      String16 arguments; dump() writes to the descriptor;
//                      an empty reply
//   EXTENSION  '_EXT'  the extension object (setExtension()), or null
//   SYSPROPS   '_SPR'  an empty reply
//
// onTransact() runs on a looper thread of the Process (startThreadPool(),
// joinThreadPool()), or on a thread of ours that is blocked in
// Remote::transact() when the call is nested in that call (a callback).
// It may run on several threads at once. It reads the request from @in
// (an AIDL call starts with in.enforceInterface(descriptor)) and writes
// the answer to @reply (an AIDL reply starts with reply.writeNoException()).
// To fail the call it throws an Error:
//
//   - Error::exception() or Error::serviceSpecific(): an AIDL exception,
//     written as the reply's status header (what was written is dropped);
//   - Error::status(errno), Error::unknownTransaction(code), or any other
//     Error: a transaction error, a TF_STATUS_CODE reply with the
//     status_t (-errno; a malformed request gives libbinder's status for
//     it, such as NOT_ENOUGH_DATA);
//
// the caller gets Error(ErrorKind::Remote) with the same Status. Any other
// exception fails the call with EREMOTEIO and is reported to the
// Process's error handler. For a oneway call the reply is discarded and
// exceptions only reported. Unknown codes: throw Error::unknownTransaction().
//
// The Reader and the request parcel are valid only until onTransact()
// returns: the request's buffer is freed before the reply is sent.
//
// Thread-safety: onTransact() and dump() must be safe to run concurrently
// (or run one looper thread); the rest may be called from any thread.
#ifndef BINDERLITE_BINDER_HPP
#define BINDERLITE_BINDER_HPP

#include <binderlite/parcel.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binderlite {

// B_PACK_CHARS('_', 'P', 'N', 'G') and the others: libbinder's codes.
inline constexpr std::uint32_t kFirstCallTransaction = 0x00000001;
inline constexpr std::uint32_t kLastCallTransaction = 0x00ffffff;
inline constexpr std::uint32_t kPingTransaction = 0x5f504e47;      // '_PNG'
inline constexpr std::uint32_t kDumpTransaction = 0x5f444d50;      // '_DMP'
inline constexpr std::uint32_t kShellCommandTransaction = 0x5f434d44; // '_CMD'
inline constexpr std::uint32_t kInterfaceTransaction = 0x5f4e5446; // '_NTF'
inline constexpr std::uint32_t kSyspropsTransaction = 0x5f535052;  // '_SPR'
inline constexpr std::uint32_t kExtensionTransaction = 0x5f455854; // '_EXT'
inline constexpr std::uint32_t kDebugPidTransaction = 0x5f504944;  // '_PID'

class Binder {
public:
	// An object of the interface @descriptor ("" for none), as
	// INTERFACE_TRANSACTION tells it.
	explicit Binder(std::string descriptor = {});
	virtual ~Binder();
	Binder(const Binder &) = delete;
	Binder &operator=(const Binder &) = delete;

	virtual void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) = 0;
	// DUMP_TRANSACTION: write a description of the object to @fd (the
	// caller's descriptor, valid during the call; the library closes
	// it). Default: nothing.
	virtual void dump(int fd, const std::vector<std::string> &args);

	[[nodiscard]] const std::string &interfaceDescriptor() const noexcept { return descriptor_; }
	// EXTENSION_TRANSACTION's answer: an object that extends this one's
	// interface (libbinder's setExtension()); nullopt clears it.
	void setExtension(std::optional<Remote> extension);
	[[nodiscard]] std::optional<Remote> extension() const;

	// The number the driver knows this object by (the ptr and cookie of
	// its BINDER objects): unique in this process, never reused.
	[[nodiscard]] std::uint64_t id() const noexcept { return id_; }

private:
	const std::uint64_t id_;
	const std::string descriptor_;
	mutable std::mutex mutex_;
	std::optional<Remote> extension_;
};

using TransactFunction = std::function<void(std::uint32_t code, Parcel::Reader &in, Parcel &reply)>;

// A Binder whose onTransact() is @fn.
[[nodiscard]] std::shared_ptr<Binder> makeBinder(TransactFunction fn);
// The same, of the interface @descriptor.
[[nodiscard]] std::shared_ptr<Binder> makeBinder(std::string descriptor, TransactFunction fn);

} // namespace binderlite

#endif
