// SPDX-License-Identifier: GPL-2.0
#include <binderlite/error.hpp>
#include <binderlite/fd.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace binderlite {

UniqueFd::UniqueFd(UniqueFd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept
{
	if (this != &other)
		reset(std::exchange(other.fd_, -1));
	return *this;
}

UniqueFd::~UniqueFd() { reset(); }

UniqueFd UniqueFd::dup(int fd)
{
	const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		throw Error(ErrorKind::System, errno, "duplicating file descriptor " + std::to_string(fd));
	return UniqueFd(copy);
}

int UniqueFd::release() noexcept { return std::exchange(fd_, -1); }

void UniqueFd::reset(int fd) noexcept
{
	const int old = std::exchange(fd_, fd < 0 ? -1 : fd);
	// Linux closes the descriptor even when close() fails (EINTR
	// included): never retry, that could close somebody else's.
	if (old >= 0 && old != fd_)
		(void)::close(old);
}

} // namespace binderlite
