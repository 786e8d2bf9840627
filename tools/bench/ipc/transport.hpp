// SPDX-License-Identifier: GPL-2.0
//
// What is measured: the two devices, the byte streams they are compared
// with, and the copy bounds (one user-space memcpy; one kernel copy, a
// pwrite into a memfd).
#ifndef BLBENCH_TRANSPORT_HPP
#define BLBENCH_TRANSPORT_HPP

#include <array>
#include <optional>
#include <string_view>

namespace blbench {

enum class Transport {
	Binderlite,
	Binder,
	Unix,
	Pipe,
	Memcpy,
	KernelCopy,
};

inline constexpr std::array kAllTransports = {
	Transport::Binderlite, Transport::Binder, Transport::Unix,
	Transport::Pipe,       Transport::Memcpy, Transport::KernelCopy,
};

// The name in records and on the command line: binderlite, binder, unix,
// pipe, memcpy, kcopy.
std::string_view keyOf(Transport t);
// The name in tables: binderlite, binder, AF_UNIX, pipe, memcpy, kernel copy.
std::string_view labelOf(Transport t);
std::optional<Transport> transportOf(std::string_view key);

// A binder device (binderlite's or the reference).
constexpr bool isDevice(Transport t)
{
	return t == Transport::Binderlite || t == Transport::Binder;
}
// A copy bound: no second process, no IPC.
constexpr bool isBound(Transport t)
{
	return t == Transport::Memcpy || t == Transport::KernelCopy;
}

} // namespace blbench

#endif
