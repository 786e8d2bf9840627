// SPDX-License-Identifier: GPL-2.0
//
// Reporter: the error handler of a Process.
#include "report.hpp"

#include <iostream>

namespace binderlite::detail {

Reporter::Reporter() : handler_([](std::string_view message) { std::cerr << "binderlite: " << message << '\n'; }) {}

void Reporter::setHandler(Handler handler)
{
	std::lock_guard g(mutex_);
	handler_ = std::move(handler);
}

void Reporter::report(std::string_view message) noexcept
{
	try {
		Handler h;
		{
			std::lock_guard g(mutex_);
			h = handler_;
		}
		if (h)
			h(message);
	} catch (...) {
		// An error handler that fails has nowhere to go.
	}
}

} // namespace binderlite::detail
