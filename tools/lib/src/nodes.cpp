// SPDX-License-Identifier: GPL-2.0
//
// NodeTable: our objects, held while the driver references them.
#include "nodes.hpp"

#include "conversation.hpp"
#include "report.hpp"

#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace binderlite::detail {

void NodeTable::pruneLocked()
{
	std::erase_if(nodes_, [](const auto &kv) {
		return !kv.second.weak && !kv.second.strong && kv.second.binder.expired();
	});
}

void NodeTable::add(const std::vector<std::shared_ptr<Binder>> &binders)
{
	if (binders.empty())
		return;
	std::lock_guard g(mutex_);
	pruneLocked();
	for (const auto &b : binders) {
		Node &n = nodes_[b->id()];
		if (n.binder.expired())
			n.binder = b;
	}
}

std::shared_ptr<Binder> NodeTable::find(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie) const
{
	std::lock_guard g(mutex_);
	auto it = nodes_.find(ptr);
	if (it != nodes_.end() && cookie == ptr)
		return it->second.binder.lock();
	return nullptr;
}

std::shared_ptr<Binder> NodeTable::get(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie) const
{
	std::shared_ptr<Binder> b = find(ptr, cookie);
	if (!b) {
		std::ostringstream s;
		s << "parcel: our object 0x" << std::hex << ptr << " (cookie 0x" << cookie << ") is unknown";
		throw Error(ErrorKind::Parcel, EBADMSG, s.str());
	}
	return b;
}

// Hold the object, then confirm (BC_*_DONE); or let go.
void NodeTable::onCount(const protocol::Return &r, ThreadState &ts)
{
	std::shared_ptr<Binder> drop; // released after unlocking: may run ~Binder
	bool known = false;
	{
		std::lock_guard g(mutex_);
		auto it = nodes_.find(r.ref.ptr);
		if (it != nodes_.end() && r.ref.cookie == r.ref.ptr) {
			Node &n = it->second;
			known = true;
			switch (r.cmd) {
			case BINDERLITE_BR_INCREFS:
			case BINDERLITE_BR_ACQUIRE:
				(r.cmd == BINDERLITE_BR_INCREFS ? n.weak : n.strong)++;
				if (!n.pin)
					n.pin = n.binder.lock();
				known = n.pin != nullptr;
				break;
			case BINDERLITE_BR_RELEASE:
				known = n.strong > 0;
				n.strong -= known;
				break;
			default:
				known = n.weak > 0;
				n.weak -= known;
				break;
			}
			if (!n.weak && !n.strong) {
				drop = std::move(n.pin);
				n.pin.reset();
				// Nobody else can take it from the table now.
				if (!drop || drop.use_count() == 1)
					nodes_.erase(it);
			}
		}
	}
	if (r.cmd == BINDERLITE_BR_INCREFS)
		ts.out.increfsDone(r.ref.ptr, r.ref.cookie);
	else if (r.cmd == BINDERLITE_BR_ACQUIRE)
		ts.out.acquireDone(r.ref.ptr, r.ref.cookie);
	if (!known) {
		std::ostringstream s;
		s << protocol::returnName(r.cmd) << " for an object we do not know: 0x" << std::hex << r.ref.ptr;
		reporter_.report(s.str());
	}
}

void NodeTable::setContextManager(std::shared_ptr<Binder> binder)
{
	std::lock_guard g(mutex_);
	nodes_[binder->id()].binder = binder;
	contextManager_ = std::move(binder);
}

bool NodeTable::hasContextManager() const
{
	std::lock_guard g(mutex_);
	return contextManager_ != nullptr;
}

std::size_t NodeTable::count() const
{
	std::lock_guard g(mutex_);
	return static_cast<std::size_t>(
		std::count_if(nodes_.begin(), nodes_.end(), [](const auto &kv) { return kv.second.weak || kv.second.strong; }));
}

} // namespace binderlite::detail
