// SPDX-License-Identifier: GPL-2.0
//
// The demo service's interface, shared by binderlite-demo-service and
// binderlite-demo-client (what `make demo` runs after the hello example).
// Its calls are AIDL calls, in libbinder's wire format: each request
// starts with the interface token of kDescriptor, each reply with a
// status header; PING and the other standard transactions are the
// library's.
//
//   CHECKSUM  1: request byte[] payload; reply long size, long fnv1a64 of
//             the payload, long offset of the payload in the service's
//             receive pool (it reads the payload where the driver put it)
//   MEMFD     2: request String the caller's name; reply a file descriptor
//             (a memfd, sealed against changes, holding the service's
//             message), long the message's size. The file itself never
//             crosses the driver, only its descriptor: the client reads
//             the service's memory.
#ifndef BINDERLITE_DEMO_HPP
#define BINDERLITE_DEMO_HPP

#include <cstddef>
#include <cstdint>
#include <span>

namespace demo {

inline constexpr const char *kName = "demo";
inline constexpr const char *kDescriptor = "binderlite.demo.IDemo";
inline constexpr std::uint32_t kChecksum = 1;
inline constexpr std::uint32_t kMemfd = 2;

// The name of the service's memfds (/proc/PID/fd shows "/memfd:NAME").
inline constexpr const char *kMemfdName = "demo-message";

// The service's receive pool: room for a payload of 1 MiB and more (the
// library's default pool is 1 MiB, binderlite's largest 4 MiB).
inline constexpr std::size_t kServicePool = std::size_t{4} << 20;

// FNV-1a, 64 bits: the checksum binderlite-raw uses too.
inline std::uint64_t fnv1a64(std::span<const std::byte> data)
{
	std::uint64_t h = 0xcbf29ce484222325ULL;
	for (const std::byte b : data) {
		h ^= static_cast<std::uint8_t>(b);
		h *= 0x100000001b3ULL;
	}
	return h;
}

} // namespace demo

#endif
