// SPDX-License-Identifier: GPL-2.0
//
// What blctl reads about the system outside debugfs: sysfs, /proc, the
// device node, user and group names. Parsers take text and are pure; the
// readers around them take Paths, so the unit tests can fake a system.

#ifndef BLCTL_SYSINFO_HPP
#define BLCTL_SYSINFO_HPP

#include "env.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blctl {

// A whole file, or nullopt with *err set to errno.
std::optional<std::string> readFile(const std::filesystem::path &path, int *err = nullptr);

// text without leading and trailing blanks and newlines.
std::string_view trim(std::string_view text);

// The file system type mounted at mountpoint according to a mounts table
// (/proc/self/mounts format: "device mountpoint fstype options 0 0", with
// blanks in paths escaped as \040); the last mount there wins, as it hides
// the earlier ones. nullopt if nothing is mounted there.
std::optional<std::string> mountFstype(std::string_view mounts, std::string_view mountpoint);

// A mounts-table field with its octal escapes (\040, \011, \012, \134)
// decoded.
std::string unescapeMountField(std::string_view field);

// The name for a numeric id in a passwd or group file ("name:x:id:...").
std::optional<std::string> idName(std::string_view table, std::uint32_t id);

// "crw-rw-rw-" for a st_mode, as ls -l shows it (set-id and sticky bits
// included).
std::string modeString(mode_t mode);

// Is binderlite loaded (or built in)? /sys/module/binderlite exists.
bool moduleLoaded(const Paths &paths);

// The module's parameters, sorted by name: (name, value), the value
// trimmed, or nullopt when the parameter is not readable.
std::vector<std::pair<std::string, std::optional<std::string>>> moduleParameters(const Paths &paths);

// The fstype mounted at /sys/kernel/debug, from /proc/self/mounts.
std::optional<std::string> debugfsFstype(const Paths &paths);

// A process's command name (/proc/PID/comm), made printable; nullopt if
// the process is gone.
std::optional<std::string> processName(const Paths &paths, std::int64_t pid);

// "name" for a uid or gid from /etc/passwd or /etc/group below the root,
// else the number. blctl is static, so it cannot ask NSS; the groups that
// own device nodes are local system groups anyway.
std::string userName(const Paths &paths, uid_t uid);
std::string groupName(const Paths &paths, gid_t gid);

// What a device answers to BINDERLITE_VERSION: the protocol version, or
// the step that failed ("open" or "BINDERLITE_VERSION") and its errno.
struct VersionAnswer {
	std::optional<int> version;
	std::string_view failedStep;
	int error = 0;
};
VersionAnswer askProtocolVersion(const std::filesystem::path &device);

} // namespace blctl

#endif
