// SPDX-License-Identifier: GPL-2.0
//
// The system pieces: see sys.hpp.
#include "sys.hpp"

#include <fcntl.h>
#include <sched.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace blbench {

void throwErrno(const std::string &what)
{
	throw Failure(what + ": " + std::strerror(errno));
}

Duplex makePipe()
{
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) < 0)
		throwErrno("pipe2");
	return Duplex{.in = UniqueFd(fds[0]), .out = UniqueFd(fds[1])};
}

std::pair<Duplex, Duplex> makeSocketPair()
{
	int fds[2];
	if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		throwErrno("socketpair");
	UniqueFd a(fds[0]), b(fds[1]);
	UniqueFd a2(::fcntl(a.get(), F_DUPFD_CLOEXEC, 0));
	UniqueFd b2(::fcntl(b.get(), F_DUPFD_CLOEXEC, 0));
	if (!a2.valid() || !b2.valid())
		throwErrno("fcntl(F_DUPFD_CLOEXEC)");
	return {Duplex{.in = std::move(a), .out = std::move(a2)},
		Duplex{.in = std::move(b), .out = std::move(b2)}};
}

Mapping::~Mapping()
{
	if (addr_)
		::munmap(addr_, size_);
}

Mapping mapShared(std::size_t size)
{
	void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		throwErrno("mmap(MAP_SHARED)");
	return Mapping(p, size);
}

void futexWait(FutexWord &word, std::uint32_t expected, std::chrono::nanoseconds timeout)
{
	const auto ns = timeout.count();
	timespec ts{.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	// Shared (not FUTEX_PRIVATE_FLAG): the word is in memory other
	// processes map. EAGAIN, EINTR and ETIMEDOUT all mean "look again".
	::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT, expected, &ts,
		  nullptr, 0);
}

void futexWakeAll(FutexWord &word)
{
	::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE, INT32_MAX,
		  nullptr, nullptr, 0);
}

bool waitFor(FutexWord &word, const std::function<bool()> &pred, std::chrono::milliseconds timeout)
{
	const std::uint64_t deadline = nowNs() + static_cast<std::uint64_t>(
		std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count());
	for (;;) {
		const std::uint32_t seen = word.load();
		if (pred())
			return true;
		const std::uint64_t now = nowNs();
		if (now >= deadline)
			return false;
		futexWait(word, seen, std::min(std::chrono::nanoseconds(deadline - now),
					       std::chrono::nanoseconds(std::chrono::milliseconds(50))));
	}
}

void publish(FutexWord &word, std::uint32_t value)
{
	word.store(value);
	futexWakeAll(word);
}

Child::~Child()
{
	kill();
}

Child Child::spawn(const std::function<int()> &body)
{
	// Whatever is buffered would be written twice, once by each process.
	std::cout.flush();
	std::cerr.flush();
	std::fflush(nullptr);
	const pid_t parent = ::getpid();
	const pid_t pid = ::fork();
	if (pid < 0)
		throwErrno("fork");
	if (pid == 0) {
		int status = 1;
		::prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (::getppid() != parent)
			::_exit(1);
		try {
			status = body();
		} catch (const std::exception &e) {
			std::cerr << "# child " + std::to_string(::getpid()) + ": " + e.what() + "\n";
		} catch (...) {
			std::cerr << "# child " << ::getpid() << ": unknown exception\n";
		}
		std::cout.flush();
		std::cerr.flush();
		std::fflush(nullptr);
		// No destructor of the parent's objects may run here.
		::_exit(status);
	}
	Child child;
	child.pid_ = pid;
	child.pidFd_ = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
	if (!child.pidFd_.valid())
		throwErrno("pidfd_open");
	return child;
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout)
{
	if (pid_ < 0)
		return 0;
	pollfd p{.fd = pidFd_.get(), .events = POLLIN, .revents = 0};
	int rc;
	do
		rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return std::nullopt;
	int status = 0;
	while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
	}
	pid_ = -1;
	pidFd_ = UniqueFd();
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void Child::kill() noexcept
{
	if (pid_ < 0)
		return;
	::kill(pid_, SIGKILL);
	int status;
	while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
	}
	pid_ = -1;
	pidFd_ = UniqueFd();
}

void pinToCpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (::sched_setaffinity(0, sizeof(set), &set) < 0)
		throwErrno("sched_setaffinity to CPU " + std::to_string(cpu));
}

std::uint64_t nowNs() noexcept
{
	timespec ts;
	::clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string readFile(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throwErrno("open " + path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

void writeFile(const std::string &path, const std::string &text)
{
	UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
	if (!fd.valid())
		throwErrno("open " + path);
	if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
		throwErrno("write " + path);
}

} // namespace blbench
