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
// onTransact() runs on a looper thread of the Process (startThreadPool(),
// joinThreadPool()), or on a thread of ours that is blocked in
// Remote::transact() when the call is nested in that call (a callback).
// It may run on several threads at once. It reads the request from @in
// and writes the answer to @reply; to fail the call, throw an Error (the
// caller gets Error(ErrorKind::Remote) with its errnum; Error::status()
// builds one). Any other exception fails the call with EREMOTEIO and is
// reported to the Process's error handler. For a oneway call the reply is
// discarded and exceptions only reported. Unknown codes: throw
// Error::status(EBADRQC).
//
// The Reader and the request parcel are valid only until onTransact()
// returns: the request's buffer is freed before the reply is sent.
//
// Thread-safety: Binder itself holds no mutable state; a subclass must
// make onTransact() safe to run concurrently (or run one looper thread).
#ifndef BINDERLITE_BINDER_HPP
#define BINDERLITE_BINDER_HPP

#include <binderlite/parcel.hpp>

#include <cstdint>
#include <functional>
#include <memory>

namespace binderlite {

class Binder {
public:
	Binder() noexcept;
	virtual ~Binder();
	Binder(const Binder &) = delete;
	Binder &operator=(const Binder &) = delete;

	virtual void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) = 0;

	// The number the driver knows this object by (the ptr and cookie of
	// its BINDER objects): unique in this process, never reused.
	[[nodiscard]] std::uint64_t id() const noexcept { return id_; }

private:
	const std::uint64_t id_;
};

using TransactFunction = std::function<void(std::uint32_t code, Parcel::Reader &in, Parcel &reply)>;

// A Binder whose onTransact() is @fn.
[[nodiscard]] std::shared_ptr<Binder> makeBinder(TransactFunction fn);

} // namespace binderlite

#endif
