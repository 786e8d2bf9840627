// SPDX-License-Identifier: GPL-2.0
//
// The byte-stream transports the devices are compared with: AF_UNIX
// stream socket pairs and pipes. Every message is a header (a code and a
// size) and its payload; the server answers by code as binder::Server
// does: kCodePing with an empty reply (a bare header), kCodeEcho with the
// payload back, kCodeOneway not at all.
#ifndef BLBENCH_STREAM_HPP
#define BLBENCH_STREAM_HPP

#include "binder.hpp"
#include "sys.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace blbench::stream {

struct Header {
	std::uint32_t code;
	std::uint32_t pad;
	std::uint64_t size;
};

// The client's end of one connection.
class Client {
public:
	explicit Client(Duplex conn) : conn_(std::move(conn)) {}

	// A request, and its reply read whole (into reply()).
	void call(std::uint32_t code, std::span<const std::byte> data);
	// A message without reply.
	void send(std::uint32_t code, std::span<const std::byte> data);
	[[nodiscard]] std::span<const std::byte> reply() const noexcept { return {buf_.data(), replySize_}; }

private:
	Duplex conn_;
	std::vector<std::byte> buf_;
	std::size_t replySize_ = 0;
};

// Serves every connection, each on a thread of its own, until the process
// is killed; oneways are counted in @counters.
[[noreturn]] void serve(std::vector<Duplex> conns, binder::ServerCounters *counters);

} // namespace blbench::stream

#endif
