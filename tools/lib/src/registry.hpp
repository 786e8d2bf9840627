// SPDX-License-Identifier: GPL-2.0
//
// The registry of Process::open(): the one Process of each device path in
// this process (a child of fork() gets its own). Not installed.
#ifndef BINDERLITE_SRC_REGISTRY_HPP
#define BINDERLITE_SRC_REGISTRY_HPP

namespace binderlite {

class Process;

namespace detail {

// ~Process: drops its entry, if open() made it.
void forgetOpened(const Process &process) noexcept;

} // namespace detail
} // namespace binderlite

#endif
