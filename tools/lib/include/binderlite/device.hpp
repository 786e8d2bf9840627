// SPDX-License-Identifier: GPL-2.0
//
// The seam between libbinderlite and the kernel.
//
// Driver is the only code that makes system calls on the device: ioctl(),
// mmap() and the flush that wakes blocked readers. SystemDriver is the real
// one (open/mmap/ioctl/close); the unit tests substitute a fake that
// records command streams and plays scripted return streams.
//
// Device is an open device with its receive pool mapped and its protocol
// version checked: RAII, move-only. Process owns one; it is public for
// programs that want to speak the raw protocol with less ceremony.
//
// Thread-safety: Driver implementations must allow concurrent calls from
// any thread (the kernel does). Device's member functions may be called
// concurrently; moving or destroying it may not.
#ifndef BINDERLITE_DEVICE_HPP
#define BINDERLITE_DEVICE_HPP

#include <linux/binderlite.h>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace binderlite {

class Driver {
public:
	virtual ~Driver() = default;
	// One ioctl() on the device: 0, or a negative errno. Never throws.
	virtual int ioctl(unsigned long request, void *arg) noexcept = 0;
	// Maps @size bytes of receive pool, read-only; called once. Throws
	// Error on failure.
	virtual std::span<const std::byte> map(std::size_t size) = 0;
	// Wakes every thread blocked reading the device, as closing any
	// descriptor of the file does (a "flush").
	virtual void wakeAll() noexcept = 0;
	// The device's name for messages, e.g. "/dev/binderlite".
	[[nodiscard]] virtual std::string name() const = 0;
};

// open(path, O_RDWR | O_CLOEXEC); mmap(PROT_READ, MAP_PRIVATE); munmap()
// and close() on destruction.
class SystemDriver final : public Driver {
public:
	// Throws Error(ErrorKind::System) if the device cannot be opened.
	explicit SystemDriver(std::string path);
	~SystemDriver() override;
	SystemDriver(const SystemDriver &) = delete;
	SystemDriver &operator=(const SystemDriver &) = delete;

	int ioctl(unsigned long request, void *arg) noexcept override;
	std::span<const std::byte> map(std::size_t size) override;
	void wakeAll() noexcept override;
	[[nodiscard]] std::string name() const override { return path_; }
	[[nodiscard]] int fd() const noexcept { return fd_; }

private:
	std::string path_;
	int fd_ = -1;
	void *pool_ = nullptr;
	std::size_t poolSize_ = 0;
};

class Device {
public:
	static constexpr std::string_view kDefaultPath = "/dev/binderlite";
	// libbinder's size is 1 MiB less two pages; binder allows up to 4 MiB.
	static constexpr std::size_t kDefaultPoolSize = std::size_t{1} << 20;

	// Checks BINDERLITE_VERSION (Error(ErrorKind::Protocol,
	// EPROTONOSUPPORT) unless it is 8), then maps @poolSize bytes of pool.
	explicit Device(std::unique_ptr<Driver> driver, std::size_t poolSize = kDefaultPoolSize);
	// Device(std::make_unique<SystemDriver>(path), poolSize).
	[[nodiscard]] static Device open(std::string_view path = kDefaultPath,
					 std::size_t poolSize = kDefaultPoolSize);

	Device(Device &&) noexcept = default;
	Device &operator=(Device &&) noexcept = default;
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;
	~Device() = default;

	[[nodiscard]] Driver &driver() const noexcept { return *driver_; }
	[[nodiscard]] std::string name() const { return driver_->name(); }
	[[nodiscard]] int protocolVersion() const noexcept { return version_; }
	[[nodiscard]] std::span<const std::byte> pool() const noexcept { return pool_; }
	// Whether [@addr, @addr + @size) lies inside the pool.
	[[nodiscard]] bool inPool(std::uint64_t addr, std::uint64_t size) const noexcept;

	// BINDERLITE_WRITE_READ, retried while it fails with EINTR. @bwr's
	// consumed counts are updated also when it throws Error(System).
	void writeRead(binderlite_write_read &bwr);
	// BINDERLITE_SET_MAX_THREADS.
	void setMaxThreads(std::uint32_t n);
	// BINDERLITE_SET_CONTEXT_MGR_EXT with a BINDER object (@ptr, @cookie,
	// @flags: by default it accepts file descriptors, as every object of
	// the library does).
	void setContextManager(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie,
			       std::uint32_t flags = BINDERLITE_FLAG_ACCEPTS_FDS);
	// BINDERLITE_FREEZE: freezes (@enable) or thaws every open file of
	// process @pid on every context of the driver, waiting up to @timeout
	// for its transactions to drain. Error(System): EAGAIN if some stay
	// (it is thawed again), EINVAL if @pid has no such file.
	void freeze(pid_t pid, bool enable, std::chrono::milliseconds timeout);
	// BINDERLITE_GET_FROZEN_INFO of process @pid (Error(System, EINVAL) if
	// it has no open file of the driver).
	[[nodiscard]] binderlite_frozen_status_info frozenInfo(pid_t pid);
	// BINDERLITE_GET_EXTENDED_ERROR of the calling thread (then cleared).
	[[nodiscard]] binderlite_extended_error extendedError();
	// BINDERLITE_THREAD_EXIT: the driver forgets the calling thread.
	void threadExit() noexcept;
	// Wakes every blocked reader (Driver::wakeAll()).
	void wakeAll() noexcept { driver_->wakeAll(); }

private:
	void check(int ret, const char *what) const;

	std::unique_ptr<Driver> driver_;
	std::span<const std::byte> pool_;
	int version_ = 0;
};

} // namespace binderlite

#endif
