// SPDX-License-Identifier: GPL-2.0
//
// Our objects the driver knows (nodes), by the number it knows them by
// (Binder::id(), the ptr and cookie of their BINDER objects).
//
//   - An object is entered when a parcel carrying it goes out (add()), or
//     when it becomes the context manager (kept for the Process's life).
//   - BR_INCREFS/BR_ACQUIRE: the driver references it; the table holds
//     the object (pin) and BC_INCREFS_DONE/BC_ACQUIRE_DONE is queued.
//     BR_RELEASE/BR_DECREFS: the counts drop; at zero the pin is let go,
//     outside the lock (it may run ~Binder).
//   - An entry neither counted nor alive is pruned when objects are next
//     added.
//
// Its own mutex guards the table; nothing else is taken under it. Not
// installed.
#ifndef BINDERLITE_SRC_NODES_HPP
#define BINDERLITE_SRC_NODES_HPP

#include <binderlite/protocol.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace binderlite {

class Binder;
class Process;

namespace detail {

class Reporter;
struct ThreadState;

class NodeTable {
public:
	explicit NodeTable(Reporter &reporter) noexcept : reporter_(reporter) {}
	NodeTable(const NodeTable &) = delete;
	NodeTable &operator=(const NodeTable &) = delete;

	[[nodiscard]] static NodeTable &of(Process &process) noexcept;

	// The objects of a parcel about to go out: from now on the driver's
	// counts and calls find them.
	void add(const std::vector<std::shared_ptr<Binder>> &binders);
	// Our object (ptr, cookie), or nullptr if unknown or gone.
	[[nodiscard]] std::shared_ptr<Binder> find(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie) const;
	// The same, or Error(Parcel, EBADMSG): an object read from a parcel.
	[[nodiscard]] std::shared_ptr<Binder> get(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie) const;
	// BR_INCREFS, BR_ACQUIRE, BR_RELEASE, BR_DECREFS, read by @ts.
	void onCount(const protocol::Return &r, ThreadState &ts);

	// Process::becomeContextManager(), once the driver agreed.
	void setContextManager(std::shared_ptr<Binder> binder);
	[[nodiscard]] bool hasContextManager() const;
	// Objects the driver references.
	[[nodiscard]] std::size_t count() const;

private:
	struct Node {
		std::weak_ptr<Binder> binder;
		std::shared_ptr<Binder> pin; // while the driver holds counts
		std::uint32_t weak = 0;      // BR_INCREFS less BR_DECREFS
		std::uint32_t strong = 0;    // BR_ACQUIRE less BR_RELEASE
	};

	// Forgets nodes the driver does not reference and nobody keeps alive.
	void pruneLocked();

	Reporter &reporter_;
	mutable std::mutex mutex_;
	std::map<binderlite_uintptr_t, Node> nodes_;
	std::shared_ptr<Binder> contextManager_;
};

} // namespace detail
} // namespace binderlite

#endif
