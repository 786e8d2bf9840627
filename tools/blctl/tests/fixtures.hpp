// SPDX-License-Identifier: GPL-2.0
//
// Test fixtures: debugfs files as binderlite prints them, and a fake
// system (sysfs, procfs, debugfs, /etc) in a temporary directory.

#ifndef BLCTL_TESTS_FIXTURES_HPP
#define BLCTL_TESTS_FIXTURES_HPP

#include "env.hpp"

#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>

namespace blctl::test {

// binderlite_debugfs.c's formats, with the values of a small story: a
// context manager (156), a service (158) and a client (161) after a call
// of almost 1 MiB. Two calls failed.
extern const std::string_view kStats;
extern const std::string_view kProcs;
extern const std::string_view kPools;
// The same story on a module with several contexts and freezing (issue
// 10): procs with its "frozen" and "context" columns (the service, 158,
// is frozen; a second process, 170, uses the context "vendor"), the
// contexts file, and stats with freezes and files_in_flight.
extern const std::string_view kStatsContexts;
extern const std::string_view kProcsContexts;
extern const std::string_view kPoolsContexts;
extern const std::string_view kContexts;
// /proc/self/mounts with debugfs at /sys/kernel/debug.
extern const std::string_view kMountsWithDebugfs;
extern const std::string_view kMountsWithoutDebugfs;

// A directory that looks like a system with binderlite loaded (or not),
// removed when the fake goes.
class FakeSystem {
public:
	FakeSystem();
	~FakeSystem();
	FakeSystem(const FakeSystem &) = delete;
	FakeSystem &operator=(const FakeSystem &) = delete;

	// Writes an absolute path's file below the root, making directories.
	void write(std::string_view absolute, std::string_view text) const;
	void remove(std::string_view absolute) const;
	// The module loaded with its parameters, debugfs mounted and filled
	// with the fixtures above, the three processes' comm files.
	void loadModule() const;
	// loadModule(), then the newer module's files above, and a comm file
	// for 170.
	void loadModuleWithContexts() const;

	[[nodiscard]] const std::filesystem::path &root() const { return root_; }

	// An Env on this system, printing to out and err below.
	[[nodiscard]] Env env(bool asRoot = true);
	std::ostringstream out, err;

private:
	std::filesystem::path root_;
};

} // namespace blctl::test

#endif
