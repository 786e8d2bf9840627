// SPDX-License-Identifier: GPL-2.0
//
// Process: the composition of its parts, and its public functions.
//
//   conversation.hpp  each thread's command and return buffers
//   dispatch.hpp      our calls, and the loops that handle returns
//   handles.hpp       the handles we hold: the reference-count protocol
//   deaths.hpp        death notifications of those handles
//   nodes.hpp         our objects the driver references
//   pool.hpp          the looper threads
//   registry.hpp      Process::open()'s one Process per device
//   report.hpp        the error handler
//
// Locks, never nested in one another: the reference lock (handles and
// deaths), the node table's, the pool's, the reporter's, the registry's.
#include "conversation.hpp"
#include "deaths.hpp"
#include "dispatch.hpp"
#include "handles.hpp"
#include "nodes.hpp"
#include "pool.hpp"
#include "registry.hpp"
#include "report.hpp"

#include <binderlite/error.hpp>
#include <binderlite/process.hpp>

#include <cerrno>

namespace binderlite {

struct Process::Impl {
	Impl(Process &self, std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect)
		: device(std::move(driver), poolSize), dialect(dialect), conversation(self, device, reporter),
		  deaths(referenceLock, conversation, reporter),
		  handles(self, referenceLock, conversation, deaths, reporter), nodes(reporter),
		  pool(self, device, reporter,
		       [this](bool spawned, std::uint64_t epoch) { dispatcher.serveLooper(spawned, epoch); }),
		  dispatcher(self, dialect, conversation, nodes, deaths, pool, reporter)
	{
	}

	static Impl &of(Process &process) noexcept { return *process.impl_; }

	Device device;
	const Dialect dialect;
	detail::Reporter reporter;
	// Orders the reference commands; guards the handle and death tables.
	std::mutex referenceLock;
	detail::Conversation conversation;
	detail::DeathTable deaths;
	detail::HandleTable handles;
	detail::NodeTable nodes;
	detail::ThreadPool pool;
	detail::Dispatcher dispatcher;
};

namespace detail {

Conversation &Conversation::of(Process &process) noexcept { return Process::Impl::of(process).conversation; }
DeathTable &DeathTable::of(Process &process) noexcept { return Process::Impl::of(process).deaths; }
Dispatcher &Dispatcher::of(Process &process) noexcept { return Process::Impl::of(process).dispatcher; }
HandleTable &HandleTable::of(Process &process) noexcept { return Process::Impl::of(process).handles; }
NodeTable &NodeTable::of(Process &process) noexcept { return Process::Impl::of(process).nodes; }

} // namespace detail

Process::Process(Private, std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect)
	: impl_(std::make_unique<Impl>(*this, std::move(driver), poolSize, dialect))
{
}

Process::~Process()
{
	// Pool threads keep us alive while they run; the last one to go may
	// be the one destroying us.
	impl_->pool.joinThreads();
	detail::forgetOpened(*this);
}

std::shared_ptr<Process> Process::create(std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect)
{
	return std::make_shared<Process>(Private{}, std::move(driver), poolSize, dialect);
}

Device &Process::device() noexcept { return impl_->device; }

Dialect Process::dialect() const noexcept { return impl_->dialect; }

void Process::setMaxThreads(std::uint32_t n) { impl_->pool.setMaxThreads(n); }

std::uint32_t Process::maxThreads() const noexcept { return impl_->pool.maxThreads(); }

void Process::startThreadPool() { impl_->pool.start(); }

void Process::joinThreadPool() { impl_->dispatcher.serveLooper(false, impl_->pool.epoch()); }

void Process::stopThreadPool() { impl_->pool.stop(impl_->conversation.thread().looper); }

std::size_t Process::looperCount() const { return impl_->pool.looperCount(); }

void Process::becomeContextManager(std::shared_ptr<Binder> binder)
{
	if (!binder)
		throw Error(ErrorKind::Usage, EINVAL, "becomeContextManager: no object");
	impl_->device.setContextManager(binder->id(), binder->id());
	impl_->nodes.setContextManager(std::move(binder));
}

bool Process::isContextManager() const noexcept { return impl_->nodes.hasContextManager(); }

Remote Process::contextManager()
{
	if (isContextManager())
		throw Error(ErrorKind::Usage, EINVAL,
			    "contextManager(): this process is the context manager; it cannot hold handle 0");
	return impl_->handles.remoteFor(0);
}

void Process::freeze(pid_t pid, std::chrono::milliseconds timeout) { impl_->device.freeze(pid, true, timeout); }

void Process::thaw(pid_t pid) { impl_->device.freeze(pid, false, std::chrono::milliseconds{0}); }

FrozenInfo Process::frozenInfo(pid_t pid)
{
	const auto info = impl_->device.frozenInfo(pid);
	return {
		.syncReceived = (info.sync_recv & 1) != 0,
		.asyncReceived = info.async_recv != 0,
		.transactionsPending = (info.sync_recv & 2) != 0,
	};
}

void Process::setErrorHandler(std::function<void(std::string_view)> handler)
{
	impl_->reporter.setHandler(std::move(handler));
}

std::size_t Process::handleCount() const { return impl_->handles.count(); }

std::size_t Process::nodeCount() const { return impl_->nodes.count(); }

} // namespace binderlite
