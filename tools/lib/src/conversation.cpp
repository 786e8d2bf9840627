// SPDX-License-Identifier: GPL-2.0
//
// Conversation: the per-thread command and return buffers, and the
// BINDERLITE_WRITE_READ calls that move them.
#include "conversation.hpp"

#include "report.hpp"

#include <binderlite/error.hpp>
#include <binderlite/process.hpp>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace binderlite::detail {

namespace {

// Each thread's state, one per Process it talked to.
thread_local std::vector<std::unique_ptr<ThreadState>> g_threadStates;

} // namespace

ThreadState::~ThreadState()
{
	auto p = process.lock();
	if (!p)
		return;
	try {
		if (!out.empty())
			conversation->flush(*this);
	} catch (...) {
		// The thread is going; nothing to tell.
	}
	conversation->device().threadExit();
}

ThreadState &Conversation::thread()
{
	std::erase_if(g_threadStates, [](const auto &s) { return s->process.expired(); });
	for (auto &s : g_threadStates)
		if (s->conversation == this)
			return *s;
	auto s = std::make_unique<ThreadState>();
	s->process = self_.weak_from_this();
	s->conversation = this;
	g_threadStates.push_back(std::move(s));
	return *g_threadStates.back();
}

void Conversation::talk(ThreadState &ts, bool read)
{
	binderlite_write_read bwr{};
	bwr.write_size = ts.out.size();
	bwr.write_buffer = addressOf(ts.out.data());
	if (read) {
		bwr.read_size = ts.in.size();
		bwr.read_buffer = addressOf(ts.in.data());
	}
	const auto consumed = [&] {
		const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bwr.write_consumed, ts.out.size()));
		ts.out.consume(n);
		ts.written += n;
	};
	try {
		device_.writeRead(bwr);
	} catch (...) {
		consumed();
		throw;
	}
	consumed();
	if (read) {
		ts.inLen = static_cast<std::size_t>(std::min<std::uint64_t>(bwr.read_consumed, ts.in.size()));
		ts.inPos = 0;
	}
}

void Conversation::flush(ThreadState &ts)
{
	while (!ts.out.empty()) {
		const std::size_t before = ts.out.size();
		talk(ts, false);
		if (ts.out.size() == before)
			throw Error(ErrorKind::Protocol, EPROTO,
				    device_.name() + ": the driver consumed none of our commands");
	}
}

protocol::Return Conversation::next(ThreadState &ts)
{
	if (ts.inPos >= ts.inLen) {
		talk(ts, true);
		if (ts.inLen == 0)
			throw Error(ErrorKind::Protocol, EPROTO, device_.name() + ": a read returned nothing");
	}
	return protocol::decodeReturn({ts.in.data(), ts.inLen}, ts.inPos);
}

void Conversation::writeNow(const protocol::CommandWriter &cmds)
{
	binderlite_write_read bwr{};
	bwr.write_size = cmds.size();
	bwr.write_buffer = addressOf(cmds.data());
	device_.writeRead(bwr);
	if (bwr.write_consumed != cmds.size())
		throw Error(ErrorKind::Protocol, EPROTO, device_.name() + ": reference commands left unconsumed");
}

void Conversation::freeBuffer(binderlite_uintptr_t buffer) noexcept
{
	try {
		ThreadState &ts = thread();
		ts.out.freeBuffer(buffer);
		if (!ts.depth)
			flush(ts);
	} catch (const std::exception &e) {
		reporter_.report(std::string("BC_FREE_BUFFER: ") + e.what());
	}
}

} // namespace binderlite::detail
