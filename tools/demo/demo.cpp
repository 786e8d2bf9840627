// SPDX-License-Identifier: GPL-2.0
//
// binderlite-demo: what `make demo` runs inside the VM.
//
// Today the story is the version handshake and the receive pool: the device
// answers the binder VERSION ioctl with protocol 8 just as the reference
// /dev/binder does, refuses what it does not know, and gives a process a
// read-only receive pool whose pages appear only when the driver puts a
// buffer there.

#include <binderlite/fd.hpp>
#include <linux/binderlite.h>

#include <fcntl.h>
#include <csetjmp>
#include <csignal>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

namespace {

using binderlite::UniqueFd;

std::error_code lastError() { return {errno, std::generic_category()}; }

UniqueFd openDevice(const std::string &path)
{
	UniqueFd fd{::open(path.c_str(), O_RDWR | O_CLOEXEC)};
	if (fd.get() < 0)
		throw std::system_error(lastError(), "open " + path);
	return fd;
}

int protocolVersion(const UniqueFd &fd)
{
	binderlite_version ver{.protocol_version = -1};
	if (::ioctl(fd.get(), BINDERLITE_VERSION, &ver) < 0)
		throw std::system_error(lastError(), "BINDERLITE_VERSION");
	return ver.protocol_version;
}

std::optional<std::string> readLine(const std::filesystem::path &path)
{
	std::ifstream in(path);
	std::string line;
	if (!in || !std::getline(in, line))
		return std::nullopt;
	return line;
}

// A read-only mapping of a device's receive pool, unmapped exactly once.
class PoolMapping {
public:
	PoolMapping(const UniqueFd &fd, std::size_t size) : size_(size)
	{
		addr_ = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
		if (addr_ == MAP_FAILED)
			throw std::system_error(lastError(), "mmap");
	}
	PoolMapping(const PoolMapping &) = delete;
	PoolMapping &operator=(const PoolMapping &) = delete;
	~PoolMapping() { ::munmap(addr_, size_); }
	[[nodiscard]] const volatile char *data() const noexcept
	{
		return static_cast<const volatile char *>(addr_);
	}

private:
	void *addr_;
	std::size_t size_;
};

sigjmp_buf g_faultEnv;

// Reads one byte; returns the signal the read raised, or 0.
int probe(const volatile char *addr)
{
	struct sigaction sa{}, old{};
	sa.sa_handler = [](int sig) { siglongjmp(g_faultEnv, sig); };
	sigemptyset(&sa.sa_mask);
	::sigaction(SIGBUS, &sa, &old);
	volatile int sig = sigsetjmp(g_faultEnv, 1);
	if (!sig)
		(void)*addr;
	::sigaction(SIGBUS, &old, nullptr);
	return sig;
}

// This process's line of /sys/kernel/debug/binderlite/pools, as name=value.
std::string poolState()
{
	std::ifstream in("/sys/kernel/debug/binderlite/pools");
	std::string header, line;
	std::getline(in, header);
	while (std::getline(in, line)) {
		std::istringstream fields(line), names(header);
		std::string pid, name, value, out;
		fields >> pid;
		names >> name;
		if (pid != std::to_string(::getpid()))
			continue;
		while (names >> name && fields >> value)
			if (name == "size" || name == "free" || name == "largest_free" ||
			    name == "buffers" || name == "async_free" || name == "pages_resident")
				out += name + "=" + value + " ";
		return out;
	}
	return "(no pool)";
}

void handshake(const std::string &path)
{
	const UniqueFd fd = openDevice(path);
	std::cout << "  " << path << ": protocol version " << protocolVersion(fd) << '\n';
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

		const UniqueFd fd = openDevice("/dev/binderlite");
		errno = 0;
		const int rc = ::ioctl(fd.get(), _IOWR('b', 200, binderlite_version), nullptr);
		std::cout << "  an unknown ioctl: " << rc << " (" << std::strerror(errno)
			  << "), as binder answers\n";

		std::cout << "== module parameters (/sys/module/binderlite/parameters) ==\n";
		const std::filesystem::path params{"/sys/module/binderlite/parameters"};
		for (const auto &entry : std::filesystem::directory_iterator(params))
			std::cout << "  " << entry.path().filename().string() << " = "
				  << readLine(entry.path()).value_or("?") << '\n';

		std::cout << "== the receive pool ==\n";
		constexpr std::size_t kPoolSize = 1 << 20;
		errno = 0;
		void *writable = ::mmap(nullptr, kPoolSize, PROT_READ | PROT_WRITE, MAP_PRIVATE,
					fd.get(), 0);
		std::cout << "  mmap PROT_WRITE: " << (writable == MAP_FAILED ? std::strerror(errno)
				: "mapped?!") << " (the pool is the driver's)\n";
		const PoolMapping pool(fd, kPoolSize);
		std::cout << "  mmap 1 MiB read-only: " << poolState() << '\n';
		const int sig = probe(pool.data());
		std::cout << "  reading a page no buffer covers: "
			  << (sig == SIGBUS ? "SIGBUS" : sig ? "another signal?!" : "no fault?!")
			  << " (pages appear only when a payload arrives)\n";

		const int version = protocolVersion(fd);
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
