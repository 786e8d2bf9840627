// SPDX-License-Identifier: GPL-2.0
#include <binderlite/device.hpp>
#include <binderlite/error.hpp>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>

namespace binderlite {

SystemDriver::SystemDriver(std::string path) : path_(std::move(path))
{
	fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
	if (fd_ < 0)
		throw Error(ErrorKind::System, errno, "open " + path_);
}

SystemDriver::~SystemDriver()
{
	if (pool_)
		::munmap(pool_, poolSize_);
	::close(fd_);
}

int SystemDriver::ioctl(unsigned long request, void *arg) noexcept
{
	return ::ioctl(fd_, request, arg) < 0 ? -errno : 0;
}

std::span<const std::byte> SystemDriver::map(std::size_t size)
{
	if (pool_)
		throw Error(ErrorKind::Usage, EBUSY, path_ + ": the pool is mapped already");
	void *p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd_, 0);
	if (p == MAP_FAILED) {
		std::ostringstream s;
		s << "mmap " << (size >> 10) << " KiB receive pool of " << path_;
		throw Error(ErrorKind::System, errno, s.str());
	}
	pool_ = p;
	poolSize_ = size;
	return {static_cast<const std::byte *>(p), size};
}

void SystemDriver::wakeAll() noexcept
{
	// Closing any descriptor of the file flushes it: blocked reads return.
	const int dupFd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
	if (dupFd >= 0)
		::close(dupFd);
}

Device::Device(std::unique_ptr<Driver> driver, std::size_t poolSize) : driver_(std::move(driver))
{
	if (!driver_)
		throw Error(ErrorKind::Usage, EINVAL, "Device: no driver");
	binderlite_version ver{.protocol_version = -1};
	check(driver_->ioctl(BINDERLITE_VERSION, &ver), "BINDERLITE_VERSION");
	version_ = ver.protocol_version;
	if (version_ != BINDERLITE_CURRENT_PROTOCOL_VERSION) {
		std::ostringstream s;
		s << driver_->name() << " speaks binder protocol " << version_
		  << "; libbinderlite speaks protocol " << BINDERLITE_CURRENT_PROTOCOL_VERSION
		  << " (64-bit binder)";
		throw Error(ErrorKind::Protocol, EPROTONOSUPPORT, s.str());
	}
	pool_ = driver_->map(poolSize);
}

Device Device::open(std::string_view path, std::size_t poolSize)
{
	return Device(std::make_unique<SystemDriver>(std::string(path)), poolSize);
}

void Device::check(int ret, const char *what) const
{
	if (ret < 0)
		throw Error(ErrorKind::System, -ret, driver_->name() + ": " + what);
}

bool Device::inPool(std::uint64_t addr, std::uint64_t size) const noexcept
{
	const auto base = reinterpret_cast<std::uintptr_t>(pool_.data());
	return addr >= base && addr - base <= pool_.size() && size <= pool_.size() - (addr - base);
}

void Device::writeRead(binderlite_write_read &bwr)
{
	int ret;
	do {
		ret = driver_->ioctl(BINDERLITE_WRITE_READ, &bwr);
	} while (ret == -EINTR);
	check(ret, "BINDERLITE_WRITE_READ");
}

void Device::setMaxThreads(std::uint32_t n)
{
	check(driver_->ioctl(BINDERLITE_SET_MAX_THREADS, &n), "BINDERLITE_SET_MAX_THREADS");
}

void Device::setContextManager(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie, std::uint32_t flags)
{
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_BINDER;
	obj.flags = flags;
	obj.binder = ptr;
	obj.cookie = cookie;
	check(driver_->ioctl(BINDERLITE_SET_CONTEXT_MGR_EXT, &obj), "BINDERLITE_SET_CONTEXT_MGR_EXT");
}

void Device::freeze(pid_t pid, bool enable, std::chrono::milliseconds timeout)
{
	if (pid <= 0)
		throw Error(ErrorKind::Usage, EINVAL, "freeze: no such process " + std::to_string(pid));
	const auto ms = std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, UINT32_MAX);
	binderlite_freeze_info info{};
	info.pid = static_cast<std::uint32_t>(pid);
	info.enable = enable ? 1 : 0;
	info.timeout_ms = static_cast<std::uint32_t>(ms);
	const int ret = driver_->ioctl(BINDERLITE_FREEZE, &info);
	if (ret < 0)
		throw Error(ErrorKind::System, -ret,
			    driver_->name() + ": BINDERLITE_FREEZE " + (enable ? "freezing" : "thawing") +
				    " pid " + std::to_string(pid));
}

binderlite_frozen_status_info Device::frozenInfo(pid_t pid)
{
	if (pid <= 0)
		throw Error(ErrorKind::Usage, EINVAL, "frozenInfo: no such process " + std::to_string(pid));
	binderlite_frozen_status_info info{};
	info.pid = static_cast<std::uint32_t>(pid);
	const int ret = driver_->ioctl(BINDERLITE_GET_FROZEN_INFO, &info);
	if (ret < 0)
		throw Error(ErrorKind::System, -ret,
			    driver_->name() + ": BINDERLITE_GET_FROZEN_INFO of pid " + std::to_string(pid));
	return info;
}

binderlite_extended_error Device::extendedError()
{
	binderlite_extended_error ee{};
	check(driver_->ioctl(BINDERLITE_GET_EXTENDED_ERROR, &ee), "BINDERLITE_GET_EXTENDED_ERROR");
	return ee;
}

void Device::threadExit() noexcept
{
	std::int32_t unused = 0;
	(void)driver_->ioctl(BINDERLITE_THREAD_EXIT, &unused);
}

} // namespace binderlite
