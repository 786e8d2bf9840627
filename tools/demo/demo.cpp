// SPDX-License-Identifier: GPL-2.0
//
// binderlite-demo: what `make demo` runs inside the VM.
//
// Today binderlite speaks only the version handshake, so that is the story:
// the device appears, answers the binder VERSION ioctl with protocol 8 just
// as the reference /dev/binder does, refuses what it does not know, and
// shows its module parameters.

#include <linux/binderlite.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace {

// An owned file descriptor, closed exactly once.
class UniqueFd {
public:
	explicit UniqueFd(int fd = -1) noexcept : fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		std::swap(fd_, other.fd_);
		return *this;
	}
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	[[nodiscard]] int get() const noexcept { return fd_; }

private:
	int fd_;
};

std::error_code last_error() { return {errno, std::generic_category()}; }

UniqueFd open_device(const std::string &path)
{
	UniqueFd fd{::open(path.c_str(), O_RDWR | O_CLOEXEC)};
	if (fd.get() < 0)
		throw std::system_error(last_error(), "open " + path);
	return fd;
}

int protocol_version(const UniqueFd &fd)
{
	binderlite_version ver{.protocol_version = -1};
	if (::ioctl(fd.get(), BINDERLITE_VERSION, &ver) < 0)
		throw std::system_error(last_error(), "BINDERLITE_VERSION");
	return ver.protocol_version;
}

std::optional<std::string> read_line(const std::filesystem::path &path)
{
	std::ifstream in(path);
	std::string line;
	if (!in || !std::getline(in, line))
		return std::nullopt;
	return line;
}

void handshake(const std::string &path)
{
	const UniqueFd fd = open_device(path);
	std::cout << "  " << path << ": protocol version " << protocol_version(fd) << '\n';
}

} // namespace

int main()
{
	try {
		utsname uts{};
		::uname(&uts);
		std::cout << "== binderlite on Linux " << uts.release << ": the version handshake ==\n";
		handshake("/dev/binderlite");
		if (std::filesystem::exists("/dev/binder"))
			handshake("/dev/binder");
		else
			std::cout << "  /dev/binder: not present on this kernel\n";

		const UniqueFd fd = open_device("/dev/binderlite");
		errno = 0;
		const int rc = ::ioctl(fd.get(), _IOWR('b', 200, binderlite_version), nullptr);
		std::cout << "  an unknown ioctl: " << rc << " (" << std::strerror(errno)
			  << "), as binder answers\n";

		std::cout << "== module parameters (/sys/module/binderlite/parameters) ==\n";
		const std::filesystem::path params{"/sys/module/binderlite/parameters"};
		for (const auto &entry : std::filesystem::directory_iterator(params))
			std::cout << "  " << entry.path().filename().string() << " = "
				  << read_line(entry.path()).value_or("?") << '\n';

		const int version = protocol_version(fd);
		if (version != BINDERLITE_CURRENT_PROTOCOL_VERSION) {
			std::cerr << "unexpected protocol version " << version << '\n';
			return 1;
		}
		std::cout << "== handshake OK: binderlite speaks binder protocol " << version << " ==\n";
		return 0;
	} catch (const std::exception &e) {
		std::cerr << "binderlite-demo: " << e.what() << '\n';
		return 1;
	}
}
