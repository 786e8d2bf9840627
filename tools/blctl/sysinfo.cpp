// SPDX-License-Identifier: GPL-2.0

#include "sysinfo.hpp"

#include "table.hpp"

#include <linux/binderlite.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>

namespace blctl {

namespace fs = std::filesystem;

fs::path Paths::at(std::string_view absolute) const
{
	while (!absolute.empty() && absolute.front() == '/')
		absolute.remove_prefix(1);
	return root / absolute;
}

std::string Paths::miscDev() const
{
	const std::string name = fs::path(device).filename().string();
	return fmt::format("{}/{}/dev", kMiscClass, name.empty() ? std::string{"binderlite"} : name);
}

std::optional<std::string> readFile(const fs::path &path, int *err)
{
	// Plain read(): sysfs and debugfs files report a size of 4096 or 0,
	// so the file is read until its end rather than by its size.
	const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (err)
			*err = errno;
		return std::nullopt;
	}
	std::string text;
	char buf[4096];
	for (;;) {
		const ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (err)
				*err = errno;
			::close(fd);
			return std::nullopt;
		}
		if (n == 0)
			break;
		text.append(buf, static_cast<std::size_t>(n));
	}
	::close(fd);
	return text;
}

std::string_view trim(std::string_view text)
{
	const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
	while (!text.empty() && blank(text.front()))
		text.remove_prefix(1);
	while (!text.empty() && blank(text.back()))
		text.remove_suffix(1);
	return text;
}

std::string unescapeMountField(std::string_view field)
{
	std::string out;
	for (std::size_t i = 0; i < field.size(); i++) {
		if (field[i] == '\\' && i + 3 < field.size()) {
			const std::string_view oct = field.substr(i + 1, 3);
			if (std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
				out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
				i += 3;
				continue;
			}
		}
		out += field[i];
	}
	return out;
}

std::optional<std::string> mountFstype(std::string_view mounts, std::string_view mountpoint)
{
	std::optional<std::string> found;
	std::istringstream in{std::string{mounts}};
	std::string line;
	while (std::getline(in, line)) {
		std::istringstream words{line};
		std::string device, where, type;
		if (!(words >> device >> where >> type))
			continue;
		if (unescapeMountField(where) == mountpoint)
			found = type;
	}
	return found;
}

std::optional<std::string> idName(std::string_view table, std::uint32_t id)
{
	std::istringstream in{std::string{table}};
	std::string line;
	while (std::getline(in, line)) {
		// name:password:id:...
		const auto c1 = line.find(':');
		if (c1 == std::string::npos || c1 == 0 || line[0] == '#')
			continue;
		const auto c2 = line.find(':', c1 + 1);
		if (c2 == std::string::npos)
			continue;
		const auto c3 = line.find(':', c2 + 1);
		const std::string_view field = std::string_view{line}.substr(
			c2 + 1, (c3 == std::string::npos ? line.size() : c3) - c2 - 1);
		std::uint32_t value = 0;
		const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
		if (ec == std::errc{} && end == field.data() + field.size() && value == id)
			return line.substr(0, c1);
	}
	return std::nullopt;
}

std::string modeString(mode_t mode)
{
	std::string s(10, '-');
	switch (mode & S_IFMT) {
	case S_IFCHR: s[0] = 'c'; break;
	case S_IFBLK: s[0] = 'b'; break;
	case S_IFDIR: s[0] = 'd'; break;
	case S_IFLNK: s[0] = 'l'; break;
	case S_IFIFO: s[0] = 'p'; break;
	case S_IFSOCK: s[0] = 's'; break;
	default: break;
	}
	static constexpr char kRwx[] = "rwx";
	for (int i = 0; i < 9; i++)
		if (mode & (1u << (8 - i)))
			s[static_cast<std::size_t>(i) + 1] = kRwx[i % 3];
	const auto special = [&](mode_t bit, std::size_t pos, char withX, char withoutX) {
		if (mode & bit)
			s[pos] = s[pos] == 'x' ? withX : withoutX;
	};
	special(S_ISUID, 3, 's', 'S');
	special(S_ISGID, 6, 's', 'S');
	special(S_ISVTX, 9, 't', 'T');
	return s;
}

bool moduleLoaded(const Paths &paths)
{
	std::error_code ec;
	return fs::is_directory(paths.at(Paths::kModule), ec);
}

std::vector<std::pair<std::string, std::optional<std::string>>> moduleParameters(const Paths &paths)
{
	std::vector<std::pair<std::string, std::optional<std::string>>> params;
	std::error_code ec;
	const fs::path dir = paths.at(Paths::kModule) / "parameters";
	for (fs::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
		std::optional<std::string> value = readFile(it->path());
		if (value)
			value = std::string{trim(*value)};
		params.emplace_back(it->path().filename().string(), std::move(value));
	}
	std::sort(params.begin(), params.end());
	return params;
}

std::optional<std::string> debugfsFstype(const Paths &paths)
{
	const auto mounts = readFile(paths.at(Paths::kMounts));
	if (!mounts)
		return std::nullopt;
	return mountFstype(*mounts, Paths::kDebugfsMount);
}

std::optional<std::string> processName(const Paths &paths, std::int64_t pid)
{
	auto comm = readFile(paths.at("/proc") / std::to_string(pid) / "comm");
	if (!comm)
		return std::nullopt;
	if (!comm->empty() && comm->back() == '\n')
		comm->pop_back();
	return printable(*comm);
}

std::string userName(const Paths &paths, uid_t uid)
{
	const auto table = readFile(paths.at("/etc/passwd"));
	auto name = table ? idName(*table, uid) : std::nullopt;
	return name ? *name : std::to_string(uid);
}

std::string groupName(const Paths &paths, gid_t gid)
{
	const auto table = readFile(paths.at("/etc/group"));
	auto name = table ? idName(*table, gid) : std::nullopt;
	return name ? *name : std::to_string(gid);
}

VersionAnswer askProtocolVersion(const fs::path &device)
{
	const int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return {.version = std::nullopt, .failedStep = "open", .error = errno};
	binderlite_version ver{.protocol_version = -1};
	const int ret = ::ioctl(fd, BINDERLITE_VERSION, &ver);
	const int err = errno;
	::close(fd);
	if (ret < 0)
		return {.version = std::nullopt, .failedStep = "BINDERLITE_VERSION", .error = err};
	return {.version = ver.protocol_version, .failedStep = {}, .error = 0};
}

} // namespace blctl
