// SPDX-License-Identifier: GPL-2.0
//
// Transport names: see transport.hpp.
#include "transport.hpp"

namespace blbench {

std::string_view keyOf(Transport t)
{
	switch (t) {
	case Transport::Binderlite: return "binderlite";
	case Transport::Binder: return "binder";
	case Transport::Unix: return "unix";
	case Transport::Pipe: return "pipe";
	case Transport::Memcpy: return "memcpy";
	case Transport::KernelCopy: return "kcopy";
	}
	return "?";
}

std::string_view labelOf(Transport t)
{
	switch (t) {
	case Transport::Unix: return "AF_UNIX";
	case Transport::KernelCopy: return "kernel copy";
	default: return keyOf(t);
	}
}

std::optional<Transport> transportOf(std::string_view key)
{
	for (Transport t : kAllTransports)
		if (keyOf(t) == key)
			return t;
	return std::nullopt;
}

} // namespace blbench
