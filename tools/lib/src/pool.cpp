// SPDX-License-Identifier: GPL-2.0
//
// ThreadPool: pool threads started, counted, stopped and joined.
#include "pool.hpp"

#include "conversation.hpp"
#include "report.hpp"

#include <binderlite/device.hpp>
#include <binderlite/process.hpp>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>

namespace binderlite::detail {

void ThreadPool::setMaxThreads(std::uint32_t n)
{
	device_.setMaxThreads(n);
	std::lock_guard g(mutex_);
	maxThreads_ = n;
}

std::uint32_t ThreadPool::maxThreads() const
{
	std::lock_guard g(mutex_);
	return maxThreads_;
}

void ThreadPool::start()
{
	std::lock_guard g(mutex_);
	if (started_)
		return;
	started_ = true;
	spawnLocked(false);
}

void ThreadPool::stop(bool callerIsLooper)
{
	epoch_++;
	std::vector<std::thread> done;
	{
		std::unique_lock lk(mutex_);
		started_ = false;
		while (loopers_ > (callerIsLooper ? 1u : 0u)) {
			// A looper may have looked at the epoch just before it
			// changed, and blocked after the wake: wake again.
			lk.unlock();
			device_.wakeAll();
			lk.lock();
			cv_.wait_for(lk, std::chrono::milliseconds(20));
		}
		auto mine = std::partition(threads_.begin(), threads_.end(), [](const std::thread &t) {
			return t.get_id() == std::this_thread::get_id();
		});
		std::move(mine, threads_.end(), std::back_inserter(done));
		threads_.erase(mine, threads_.end());
	}
	for (auto &t : done)
		t.join();
}

std::size_t ThreadPool::looperCount() const
{
	std::lock_guard g(mutex_);
	return loopers_;
}

void ThreadPool::joinThreads()
{
	std::vector<std::thread> threads;
	{
		std::lock_guard g(mutex_);
		threads.swap(threads_);
	}
	for (auto &t : threads) {
		if (t.get_id() == std::this_thread::get_id())
			t.detach();
		else if (t.joinable())
			t.join();
	}
}

void ThreadPool::onSpawnLooper(const ThreadState &ts)
{
	std::lock_guard g(mutex_);
	if (started_ && ts.looper && ts.looperEpoch == epoch_.load() && spawned_ < maxThreads_) {
		spawned_++;
		spawnLocked(true);
	}
}

void ThreadPool::enter()
{
	std::lock_guard g(mutex_);
	loopers_++;
}

void ThreadPool::leave(bool spawned)
{
	std::lock_guard g(mutex_);
	loopers_--;
	if (spawned && spawned_)
		spawned_--;
	cv_.notify_all();
}

void ThreadPool::spawnLocked(bool spawned)
{
	// The epoch is read now, under the mutex: a thread that runs only
	// after stop() moved the epoch on must see itself as stopped.
	threads_.emplace_back([p = self_.shared_from_this(), this, spawned, myEpoch = epoch_.load()] {
		try {
			loop_(spawned, myEpoch);
		} catch (const std::exception &e) {
			reporter_.report(std::string("pool thread: ") + e.what());
		}
	});
}

} // namespace binderlite::detail
