// SPDX-License-Identifier: GPL-2.0
//
// The hello service's interface, shared by its service and its client: its
// name at the service manager and its one call.
//
//   SAY  request: string name    reply: string "hello, NAME"
#ifndef BINDERLITE_EXAMPLES_HELLO_HPP
#define BINDERLITE_EXAMPLES_HELLO_HPP

#include <cstdint>

namespace hello {

inline constexpr const char *kName = "hello";
inline constexpr std::uint32_t kSay = 1;

} // namespace hello

#endif
