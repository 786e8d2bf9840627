// SPDX-License-Identifier: GPL-2.0
//
// Remote: a strong reference to an object, usually in another process.
//
// A Remote names an object by the driver's handle. Constructing the first
// Remote to a handle in a process sends BC_INCREFS and BC_ACQUIRE;
// destroying the last one sends BC_RELEASE and BC_DECREFS. Copies share
// one record per handle per process, so those counts are sent once per
// handle, however many copies exist. A WeakRemote holds only the weak
// count (BC_INCREFS/BC_DECREFS).
//
// A Remote can also stand for one of our own objects (Remote(binder), or
// an object of ours received back from another process): transact() then
// calls its onTransact() directly on the calling thread.
//
// Remotes come from Parcel::Reader::readRemote(), Process::contextManager()
// and ServiceManagerClient. They keep their Process alive.
//
// Thread-safety: a Remote is a value; distinct Remote objects (copies
// included) may be used from any threads concurrently. transact() runs on
// the calling thread, with that thread's own driver state.
#ifndef BINDERLITE_REMOTE_HPP
#define BINDERLITE_REMOTE_HPP

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace binderlite {

class Binder;
class Parcel;
class Process;
class WeakRemote;

namespace detail {
class HandleTable;
struct HandleRecord;
struct StrongRef;
} // namespace detail

// Names one death callback of one Remote (linkToDeath()).
enum class DeathToken : std::uint64_t {};

// How the driver took a oneway call (Remote::transactOneway()). Each is a
// success: the call is queued for the callee.
enum class OnewayResult {
	Sent,          // BR_TRANSACTION_COMPLETE
	PendingFrozen, // BR_TRANSACTION_PENDING_FROZEN: the callee's process
		       // is frozen; the call waits until it is thawed (binder
		       // before Linux 6.7 says Sent)
	SpamSuspect,   // BR_ONEWAY_SPAM_SUSPECT: queued, but this process has
		       // filled the callee's async space (only when oneway spam
		       // detection was enabled on the device)
};

// "sent", "pending (frozen)", "spam suspect".
[[nodiscard]] const char *toString(OnewayResult result) noexcept;

class Remote {
public:
	// A Remote to a local object: transact() calls it directly.
	explicit Remote(std::shared_ptr<Binder> local);

	Remote(const Remote &) = default;
	Remote(Remote &&) noexcept = default;
	Remote &operator=(const Remote &) = default;
	Remote &operator=(Remote &&) noexcept = default;
	~Remote();

	// Calls the object and waits for its reply. Incoming calls that the
	// driver routes to this thread meanwhile (callbacks nested in this
	// call) are served on this thread. Throws DeadObject if the object is
	// gone, Error(Frozen) if its process is frozen, Error(FailedReply) if
	// the driver refused the call, and Error(Remote) if the callee
	// answered with an error status. Calls accept file descriptors in the
	// reply (TF_ACCEPT_FDS).
	[[nodiscard]] Parcel transact(std::uint32_t code, const Parcel &data) const;
	// Sends a oneway call (TF_ONE_WAY): returns once the driver accepted
	// it, saying how (OnewayResult; Sent for a local object). Throws as
	// transact() does, never Error(Remote) or Error(Frozen).
	OnewayResult transactOneway(std::uint32_t code, const Parcel &data) const;

	// The standard transactions (binder.hpp), as libbinder's IBinder
	// offers them. ping(): PING_TRANSACTION, throws what transact()
	// throws; an object that answers it with an error status (not every
	// binder object implements PING) throws Error(Remote) too, although
	// it proves just as well that its process is alive.
	void ping() const;
	// INTERFACE_TRANSACTION: the object's interface descriptor.
	[[nodiscard]] std::string interfaceDescriptor() const;
	// DEBUG_PID_TRANSACTION: the pid of the object's process.
	[[nodiscard]] pid_t debugPid() const;
	// EXTENSION_TRANSACTION: the object's extension, or nullopt.
	[[nodiscard]] std::optional<Remote> extension() const;
	// DUMP_TRANSACTION: the object writes about itself to @fd (ours; the
	// callee gets its own descriptor of the file).
	void dump(int fd, const std::vector<std::string> &args = {}) const;

	// Calls @callback once when the object's process dies (BR_DEAD_BINDER).
	// It runs on a looper thread of this process (see Process): without
	// startThreadPool() or joinThreadPool() it never runs. It must not
	// capture this Remote (that would keep the reference forever);
	// capture a WeakRemote if it needs one. Throws DeadObject if the
	// object is already known dead. For a local object it never fires.
	[[nodiscard]] DeathToken linkToDeath(std::function<void()> callback) const;
	// Removes a callback: true if it was removed before it ran; false if
	// it ran, is running, or is unknown.
	bool unlinkToDeath(DeathToken token) const;
	// Whether BR_DEAD_BINDER has arrived for this object.
	[[nodiscard]] bool isDead() const noexcept;

	[[nodiscard]] bool isLocal() const noexcept { return local_ != nullptr; }
	// The local object, or nullptr for a remote one.
	[[nodiscard]] const std::shared_ptr<Binder> &local() const noexcept { return local_; }
	// The handle; Error(Usage, EINVAL) for a local object.
	[[nodiscard]] std::uint32_t handle() const;
	// The process whose handle this is; nullptr for a local object.
	[[nodiscard]] std::shared_ptr<Process> process() const noexcept;
	[[nodiscard]] WeakRemote weak() const;

	// The same object: the same handle of the same process, or the same
	// local object.
	friend bool operator==(const Remote &a, const Remote &b) noexcept;

private:
	// The library's handle table makes Remotes to handles and reads them.
	friend class detail::HandleTable;
	explicit Remote(std::shared_ptr<detail::StrongRef> ref);

	std::shared_ptr<detail::StrongRef> ref_;
	std::shared_ptr<Binder> local_;
};

// A weak reference to a handle: keeps the handle valid (BC_INCREFS) but not
// the object alive. Thread-safety as Remote.
class WeakRemote {
public:
	WeakRemote(const WeakRemote &) = default;
	WeakRemote(WeakRemote &&) noexcept = default;
	WeakRemote &operator=(const WeakRemote &) = default;
	WeakRemote &operator=(WeakRemote &&) noexcept = default;
	~WeakRemote();

	// A Remote if a strong reference to the handle still exists in this
	// process (the driver cannot revive a strong count from a weak one).
	[[nodiscard]] std::optional<Remote> promote() const;
	[[nodiscard]] std::uint32_t handle() const;

private:
	friend class Remote;
	friend class detail::HandleTable;
	explicit WeakRemote(std::shared_ptr<detail::HandleRecord> record);

	std::shared_ptr<detail::HandleRecord> record_;
	std::weak_ptr<Binder> local_;
};

} // namespace binderlite

#endif
