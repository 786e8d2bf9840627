// SPDX-License-Identifier: GPL-2.0
//
// The two ends of every measurement, the same for each transport: a
// server process (the binder context manager, or a stream server with a
// thread per connection) and callers that make one round trip at a time.
#ifndef BLBENCH_ENDPOINTS_HPP
#define BLBENCH_ENDPOINTS_HPP

#include "binder.hpp"
#include "options.hpp"
#include "sys.hpp"
#include "transport.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace blbench {

// The device path of a device transport.
const std::string &devicePath(const RunOptions &opts, Transport t);

// A running server and, for a stream transport, the clients' ends of its
// connections (one per client, each to be moved into its client).
struct ServerProcess {
	Child child;
	std::vector<Duplex> clientEnds;
};

// Starts the server of @t (a device or stream transport) and waits until
// it serves: @connections stream connections; a pool of @maxThreads
// threads besides the main one; oneways counted in @counters (shared
// memory, may be null); pinned to opts.pinCpu if set.
ServerProcess startServer(const RunOptions &opts, Transport t, unsigned connections,
			  unsigned maxThreads, binder::ServerCounters *counters);

// One round trip at a time.
class Caller {
public:
	virtual ~Caller() = default;
	// A request of @payload and its reply: empty, or the payload back
	// when @echo.
	virtual void call(std::span<const std::byte> payload, bool echo) = 0;
	// The last echo's reply equals @payload.
	[[nodiscard]] virtual bool echoed(std::span<const std::byte> payload) const = 0;
};

// A caller of @t, made in the client process: a device's handle 0, a
// stream connection's client end (@end), or a copy bound for payloads up
// to @maxSize.
std::unique_ptr<Caller> makeCaller(const RunOptions &opts, Transport t, Duplex *end,
				   std::size_t maxSize);

// A payload of @size bytes, a pattern that shows where a byte came from.
std::vector<std::byte> makePayload(std::size_t size);

} // namespace blbench

#endif
