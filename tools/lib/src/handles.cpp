// SPDX-License-Identifier: GPL-2.0
//
// HandleTable: the reference counts we hold on handles, taken and dropped
// (the protocol is described in handles.hpp).
#include "handles.hpp"

#include "conversation.hpp"
#include "report.hpp"

#include <binderlite/process.hpp>

#include <algorithm>
#include <string>

namespace binderlite::detail {

HandleRecord::~HandleRecord() { table.release(*this); }

StrongRef::~StrongRef() { record->table.release(*this); }

std::shared_ptr<HandleRecord> HandleTable::recordLocked(std::uint32_t handle, protocol::CommandWriter &cmds)
{
	auto &slot = records_[handle];
	auto record = slot.lock();
	if (!record) {
		record = std::make_shared<HandleRecord>(self_.shared_from_this(), *this, handle);
		slot = record;
		cmds.increfs(handle);
	}
	return record;
}

void HandleTable::keepStability(HandleRecord &record, std::int32_t stability) noexcept
{
	if (stability) {
		std::int32_t unknown = 0;
		record.stability.compare_exchange_strong(unknown, stability);
	}
}

Remote HandleTable::remoteFor(std::uint32_t handle, std::int32_t stability)
{
	std::shared_ptr<HandleRecord> record; // dropped after unlocking
	std::shared_ptr<StrongRef> strong;
	std::lock_guard g(mutex_);
	protocol::CommandWriter cmds;
	record = recordLocked(handle, cmds);
	strong = record->strong.lock();
	if (!strong) {
		strong = std::make_shared<StrongRef>(record);
		record->strong = strong;
		cmds.acquire(handle);
	}
	if (!cmds.empty()) {
		conversation_.writeNow(cmds);
		record->counted = true;
		strong->counted = true;
	}
	keepStability(*record, stability);
	return Remote(strong);
}

WeakRemote HandleTable::weakRemoteFor(std::uint32_t handle, std::int32_t stability)
{
	std::shared_ptr<HandleRecord> record; // dropped after unlocking
	std::lock_guard g(mutex_);
	protocol::CommandWriter cmds;
	record = recordLocked(handle, cmds);
	if (!cmds.empty()) {
		conversation_.writeNow(cmds);
		record->counted = true;
	}
	keepStability(*record, stability);
	return WeakRemote(record);
}

std::optional<Remote> HandleTable::promote(const HandleRecord &record)
{
	std::shared_ptr<StrongRef> strong; // dropped after unlocking
	std::lock_guard g(mutex_);
	strong = record.strong.lock();
	if (!strong)
		return std::nullopt;
	return Remote(strong);
}

// The last strong reference: drop the strong count. The record (and its
// weak count) may go right after.
void HandleTable::release(StrongRef &ref) noexcept
{
	try {
		std::lock_guard g(mutex_);
		if (ref.counted) {
			protocol::CommandWriter cmds;
			cmds.release(ref.record->handle);
			conversation_.writeNow(cmds);
		}
	} catch (const std::exception &e) {
		reporter_.report("releasing handle " + std::to_string(ref.record->handle) + ": " + e.what());
	}
}

// The last reference of any kind: clear a pending death notification,
// then drop the weak count.
void HandleTable::release(HandleRecord &record) noexcept
{
	try {
		std::lock_guard g(mutex_);
		auto it = records_.find(record.handle);
		if (it != records_.end() && it->second.expired())
			records_.erase(it);
		protocol::CommandWriter cmds;
		deaths_.forgetLocked(record.death, record.handle, cmds);
		if (record.counted)
			cmds.decrefs(record.handle);
		if (!cmds.empty())
			conversation_.writeNow(cmds);
	} catch (const std::exception &e) {
		reporter_.report("releasing handle " + std::to_string(record.handle) + ": " + e.what());
	}
}

std::size_t HandleTable::count() const
{
	std::lock_guard g(mutex_);
	return static_cast<std::size_t>(
		std::count_if(records_.begin(), records_.end(), [](const auto &kv) { return !kv.second.expired(); }));
}

const HandleRecord &HandleTable::recordOf(const Remote &remote) noexcept { return *remote.ref_->record; }

const HandleRecord *HandleTable::recordOf(const WeakRemote &weak) noexcept { return weak.record_.get(); }

WeakRemote HandleTable::weakToLocal(const std::shared_ptr<Binder> &binder)
{
	WeakRemote w(nullptr);
	w.local_ = binder;
	return w;
}

} // namespace binderlite::detail
