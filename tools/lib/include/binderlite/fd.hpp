// SPDX-License-Identifier: GPL-2.0
//
// UniqueFd: a file descriptor with exactly one owner.
//
// A UniqueFd closes its descriptor exactly once: when it is destroyed,
// reset() or assigned over. It is move-only; a moved-from UniqueFd holds
// nothing (get() == -1). release() hands the descriptor over to code that
// closes it itself.
//
// File descriptors travel in parcels (Parcel::writeFileDescriptor(),
// Parcel::Reader::readFileDescriptor()): a received Parcel owns the
// descriptors the driver installed for it until they are taken out, each
// into one UniqueFd, and closes those left when it is destroyed.
//
// Thread-safety: a UniqueFd is a plain value (one thread at a time).
#ifndef BINDERLITE_FD_HPP
#define BINDERLITE_FD_HPP

namespace binderlite {

class UniqueFd {
public:
	UniqueFd() noexcept = default;
	// Takes ownership of @fd (-1: nothing).
	explicit UniqueFd(int fd) noexcept : fd_(fd < 0 ? -1 : fd) {}
	UniqueFd(UniqueFd &&other) noexcept;
	UniqueFd &operator=(UniqueFd &&other) noexcept;
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd();

	// A new descriptor (F_DUPFD_CLOEXEC) of the file @fd refers to;
	// Error(System) on failure (EBADF for a descriptor that is not open).
	[[nodiscard]] static UniqueFd dup(int fd);

	[[nodiscard]] int get() const noexcept { return fd_; }
	[[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
	explicit operator bool() const noexcept { return valid(); }
	// Gives the descriptor up without closing it; -1 if none.
	[[nodiscard]] int release() noexcept;
	// Closes the descriptor held, if any, and takes @fd.
	void reset(int fd = -1) noexcept;

private:
	int fd_ = -1;
};

} // namespace binderlite

#endif
