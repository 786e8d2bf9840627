// SPDX-License-Identifier: GPL-2.0
//
// What every blctl subcommand runs in: where the system's files are, where
// output goes, and how a failure is reported.

#ifndef BLCTL_ENV_HPP
#define BLCTL_ENV_HPP

#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace blctl {

// Exit statuses: documented in `blctl --help`.
enum ExitStatus : int {
	kExitOk = 0,		// the subcommand did its job
	kExitFailure = 1,	// it could not: the message says why and what to do
	kExitUsage = 2,		// the command line is wrong
};

// A failure a person can act on. what() is one sentence: what went wrong,
// then, after a colon, what to do about it. blctl prints it and exits 1.
class Failure : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Where blctl looks. Every absolute path is taken below root, which is "/"
// except in the unit tests, which build a fake system in a directory.
// Messages always show the path as seen from "/".
struct Paths {
	std::filesystem::path root{"/"};
	std::string device{"/dev/binderlite"};
	// --dialect: the Android release whose wire format list, ping and
	// call speak ("11", "android16"...); "": libbinderlite's default
	// ($BINDERLITE_DIALECT, else the newest).
	std::string dialect{};

	static constexpr std::string_view kModule = "/sys/module/binderlite";
	static constexpr std::string_view kMiscClass = "/sys/class/misc";
	static constexpr std::string_view kDebugfsMount = "/sys/kernel/debug";
	static constexpr std::string_view kDebugfsDir = "/sys/kernel/debug/binderlite";
	static constexpr std::string_view kMounts = "/proc/self/mounts";

	// The file an absolute path names, below root.
	[[nodiscard]] std::filesystem::path at(std::string_view absolute) const;
	// The device's misc device number file: /sys/class/misc/NAME/dev for
	// /dev/NAME (every context of binderlite is a misc device of its
	// own: /dev/binderlite, or another name of devices= or the control
	// device).
	[[nodiscard]] std::string miscDev() const;
};

struct Env {
	Paths paths;
	std::ostream &out;
	std::ostream &err;
	bool root = false;	// effective uid 0: debugfs is root's only
};

} // namespace blctl

#endif
