// SPDX-License-Identifier: GPL-2.0
//
// Where a Process sends the failures nobody else can hear of
// (Process::setErrorHandler()): an exception out of a oneway call or a
// death callback, a failed free or release in a destructor, a pool
// thread's fatal error. Not installed.
#ifndef BINDERLITE_SRC_REPORT_HPP
#define BINDERLITE_SRC_REPORT_HPP

#include <functional>
#include <mutex>
#include <string_view>

namespace binderlite::detail {

class Reporter {
public:
	using Handler = std::function<void(std::string_view message)>;

	// The default handler writes a line to stderr.
	Reporter();
	Reporter(const Reporter &) = delete;
	Reporter &operator=(const Reporter &) = delete;

	// nullptr: failures are dropped.
	void setHandler(Handler handler);
	// Calls the handler on this thread, outside the lock; a handler that
	// throws is ignored.
	void report(std::string_view message) noexcept;

private:
	std::mutex mutex_;
	Handler handler_;
};

} // namespace binderlite::detail

#endif
