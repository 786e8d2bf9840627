// SPDX-License-Identifier: GPL-2.0
//
// Process::open() and its registry; the default dialect.
#include "registry.hpp"

#include <binderlite/error.hpp>
#include <binderlite/process.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>

namespace binderlite {

namespace {

struct Opened {
	std::weak_ptr<Process> process;
	const Process *address; // to forget it by, once expired
	pid_t pid;              // a binder file belongs to the process that opened it
};

std::mutex g_registryMutex;
std::map<std::string, Opened> g_registry;

} // namespace

Dialect defaultDialect()
{
	const char *env = std::getenv("BINDERLITE_DIALECT");
	if (!env || !*env)
		return kNewestDialect;
	const auto d = parseDialect(env);
	if (!d)
		throw Error(ErrorKind::Usage, EINVAL,
			    std::string("BINDERLITE_DIALECT=") + env + ": no such dialect (android8 to android16)");
	return *d;
}

std::shared_ptr<Process> Process::open(const ProcessOptions &options)
{
	const Dialect dialect = options.dialect ? *options.dialect : defaultDialect();
	// Released after unlocking: it may be the last reference, and
	// ~Process takes the registry's lock.
	std::shared_ptr<Process> found;
	std::lock_guard g(g_registryMutex);
	auto it = g_registry.find(options.device);
	if (it != g_registry.end()) {
		found = it->second.process.lock();
		// Not the parent's, in a child of fork().
		if (found && it->second.pid == ::getpid()) {
			if (found->dialect() != dialect)
				throw Error(ErrorKind::Usage, EINVAL,
					    options.device + " is open in the " + toString(found->dialect()) +
						    " dialect already, not " + toString(dialect));
			return found;
		}
	}
	auto p = create(std::make_unique<SystemDriver>(options.device), options.poolSize, dialect);
	g_registry.insert_or_assign(options.device, Opened{p, p.get(), ::getpid()});
	return p;
}

void detail::forgetOpened(const Process &process) noexcept
{
	std::lock_guard g(g_registryMutex);
	std::erase_if(g_registry, [&](const auto &kv) {
		return kv.second.address == &process && kv.second.process.expired();
	});
}

} // namespace binderlite
