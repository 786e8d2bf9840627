// SPDX-License-Identifier: GPL-2.0
//
// The hello service's interface, shared by its service and its client: its
// name at the service manager, its interface descriptor and its one call,
// as AIDL would declare it:
//
//   interface IHello { @utf8InCpp String say(@utf8InCpp String name); }
//
// SAY (code 1) takes the interface token and the name, and answers with
// a status header and "hello, NAME", in libbinder's wire format: any
// binder library can call it (libgbinder's binder-call, for one).
#ifndef BINDERLITE_EXAMPLES_HELLO_HPP
#define BINDERLITE_EXAMPLES_HELLO_HPP

#include <cstdint>

namespace hello {

inline constexpr const char *kName = "hello";
inline constexpr const char *kDescriptor = "binderlite.example.IHello";
inline constexpr std::uint32_t kSay = 1;

} // namespace hello

#endif
