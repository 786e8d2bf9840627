// SPDX-License-Identifier: GPL-2.0
//
// DeathTable: death notifications, asked for, cleared, delivered.
#include "deaths.hpp"

#include "conversation.hpp"
#include "report.hpp"

#include <binderlite/error.hpp>

#include <algorithm>
#include <string>

namespace binderlite::detail {

DeathToken DeathTable::link(const std::shared_ptr<DeathState> &state, std::uint32_t handle,
			    std::function<void()> callback)
{
	std::lock_guard g(mutex_);
	if (state->dead)
		throw DeadObject("linkToDeath: handle " + std::to_string(handle) + " is dead");
	if (!state->cookie) {
		const binderlite_uintptr_t cookie = nextCookie_++;
		protocol::CommandWriter cmds;
		cmds.requestDeathNotification(handle, cookie);
		conversation_.writeNow(cmds);
		state->cookie = cookie;
		byCookie_[cookie] = state;
	}
	const std::uint64_t token = nextToken_++;
	state->links.push_back({token, std::move(callback)});
	return DeathToken{token};
}

bool DeathTable::unlink(DeathState &state, std::uint32_t handle, DeathToken token)
{
	std::function<void()> dropped; // destroyed after unlocking
	std::string failure;           // reported after unlocking
	{
		std::lock_guard g(mutex_);
		auto it = std::find_if(state.links.begin(), state.links.end(),
				       [&](const auto &l) { return l.token == static_cast<std::uint64_t>(token); });
		if (it == state.links.end())
			return false;
		dropped = std::move(it->callback);
		state.links.erase(it);
		if (state.links.empty() && state.cookie && !state.dead) {
			protocol::CommandWriter cmds;
			cmds.clearDeathNotification(handle, state.cookie);
			try {
				conversation_.writeNow(cmds);
				// BR_CLEAR_DEATH_NOTIFICATION_DONE needs nothing from us.
				byCookie_.erase(state.cookie);
				state.cookie = 0;
			} catch (const std::exception &e) {
				// Left asked for; cleared with the reference.
				failure = std::string("BC_CLEAR_DEATH_NOTIFICATION: ") + e.what();
			}
		}
	}
	if (!failure.empty())
		reporter_.report(failure);
	return true;
}

bool DeathTable::isDead(const DeathState &state) const
{
	std::lock_guard g(mutex_);
	return state.dead;
}

void DeathTable::onDeadBinder(ThreadState &ts, binderlite_uintptr_t cookie)
{
	std::shared_ptr<DeathState> state; // dropped after unlocking: it holds the record
	std::vector<DeathLink> links;
	{
		std::lock_guard g(mutex_);
		auto it = byCookie_.find(cookie);
		if (it != byCookie_.end()) {
			state = it->second.lock();
			byCookie_.erase(it);
		}
		if (state && state->cookie == cookie) {
			state->dead = true;
			links.swap(state->links);
		}
	}
	ts.out.deadBinderDone(cookie);
	try {
		conversation_.flush(ts);
	} catch (const std::exception &e) {
		reporter_.report(std::string("BC_DEAD_BINDER_DONE: ") + e.what());
	}
	for (auto &l : links) {
		try {
			l.callback();
		} catch (const std::exception &e) {
			reporter_.report(std::string("death callback: ") + e.what());
		} catch (...) {
			reporter_.report("death callback: an exception that is no std::exception");
		}
	}
}

void DeathTable::onClearDone(binderlite_uintptr_t cookie)
{
	std::shared_ptr<DeathState> state; // dropped after unlocking
	std::lock_guard g(mutex_);
	auto it = byCookie_.find(cookie);
	if (it != byCookie_.end()) {
		state = it->second.lock();
		byCookie_.erase(it);
	}
}

void DeathTable::forgetLocked(DeathState &state, std::uint32_t handle, protocol::CommandWriter &cmds)
{
	if (!state.cookie)
		return;
	byCookie_.erase(state.cookie);
	if (!state.dead)
		cmds.clearDeathNotification(handle, state.cookie);
}

} // namespace binderlite::detail
