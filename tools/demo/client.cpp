// SPDX-License-Identifier: GPL-2.0
//
// binderlite-demo-client: the demo's client, in two roles.
//
//   binderlite-demo-client [-d DEVICE] checksum [SIZE]
//       sends SIZE bytes (default 1 MiB) to "demo" in one CHECKSUM call
//       and compares the service's FNV-1a 64 with ours;
//   binderlite-demo-client [-d DEVICE] memfd
//       asks "demo" for a memfd (MEMFD) and prints what the service wrote
//       into it, read through a descriptor of our own, mapped;
//   binderlite-demo-client [-d DEVICE] [-r READY_FILE] watch NAME
//       asks for a death notification on the service NAME (linkToDeath,
//       delivered on a thread of the library's pool) and waits for it, at
//       most a minute; READY_FILE is created once the request is made.
//
// One line per step on stdout; exit 1 on any failure, 2 on a bad command
// line.

#include "demo.hpp"

#include <binderlite/binderlite.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace bl = binderlite;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
	return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bl::Remote find(const std::shared_ptr<bl::Process> &process, const std::string &name)
{
	auto service = bl::ServiceManagerClient(process).getService(name);
	if (!service)
		throw std::runtime_error("no service named \"" + name + "\"");
	return *service;
}

// Bytes that differ from page to page: a misplaced page changes the sum.
std::vector<std::byte> payload(std::size_t size)
{
	std::vector<std::byte> data(size);
	std::uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (auto &b : data) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b = static_cast<std::byte>(x >> 56);
	}
	return data;
}

int checksum(const std::shared_ptr<bl::Process> &process, std::size_t size)
{
	const bl::Remote service = find(process, demo::kName);
	const auto data = payload(size);
	const std::uint64_t ours = demo::fnv1a64(data);
	bl::Parcel request(process->dialect());
	request.writeInterfaceToken(demo::kDescriptor);
	request.writeByteArray(data);

	const auto start = Clock::now();
	const bl::Parcel reply = service.transact(demo::kChecksum, request);
	const double took = msSince(start);
	auto in = reply.reader();
	in.readException();
	const std::uint64_t theirsSize = in.readUint64();
	const std::uint64_t theirs = in.readUint64();
	(void)in.readUint64(); // the offset: the service says it
	in.expectEnd();

	if (theirsSize != size || theirs != ours) {
		std::printf("demo-client: CHECKSUM: we sent %zu bytes, fnv1a64 %016llx; the service "
			    "got %llu, fnv1a64 %016llx\n",
			    size, static_cast<unsigned long long>(ours),
			    static_cast<unsigned long long>(theirsSize),
			    static_cast<unsigned long long>(theirs));
		return 1;
	}
	std::printf("demo-client: CHECKSUM of %zu bytes (a %zu-byte request): fnv1a64 %016llx, the "
		    "same as ours (round trip %.1f ms)\n",
		    size, request.size(), static_cast<unsigned long long>(ours), took);
	return 0;
}

// The target of one of our descriptors: "/memfd:demo-message (deleted)".
std::string describe(int fd)
{
	char target[256] = {};
	const std::string link = "/proc/self/fd/" + std::to_string(fd);
	const ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
	return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string("?");
}

int memfd(const std::shared_ptr<bl::Process> &process)
{
	const bl::Remote service = find(process, demo::kName);
	bl::Parcel request(process->dialect());
	request.writeInterfaceToken(demo::kDescriptor);
	request.writeString("demo-client");
	bl::Parcel reply = service.transact(demo::kMemfd, request);
	auto in = reply.reader();
	in.readException();
	// Ours now: closed when `fd` goes, whatever happens.
	const bl::UniqueFd fd = in.readFileDescriptor();
	const std::uint64_t size = in.readUint64();
	in.expectEnd();
	reply = bl::Parcel(process->dialect());

	struct stat st {};
	if (::fstat(fd.get(), &st) < 0 || static_cast<std::uint64_t>(st.st_size) != size) {
		std::printf("demo-client: MEMFD: descriptor %d is not the %llu-byte file the service "
			    "sent\n", fd.get(), static_cast<unsigned long long>(size));
		return 1;
	}
	const int seals = ::fcntl(fd.get(), F_GET_SEALS);
	void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
	if (map == MAP_FAILED) {
		std::printf("demo-client: MEMFD: mmap of descriptor %d: %s\n", fd.get(), std::strerror(errno));
		return 1;
	}
	const std::string text(static_cast<const char *>(map), size);
	::munmap(map, size);
	std::printf("demo-client: MEMFD: our descriptor %d is %s, %llu bytes%s; mapped, it says:\n"
		    "  \"%s\"\n",
		    fd.get(), describe(fd.get()).c_str(), static_cast<unsigned long long>(size),
		    seals > 0 && (seals & F_SEAL_WRITE) ? ", sealed against writes" : "", text.c_str());
	if (text.rfind("hello demo-client, from the demo service", 0) != 0) {
		std::printf("demo-client: MEMFD: not the service's message\n");
		return 1;
	}
	return 0;
}

int watch(const std::shared_ptr<bl::Process> &process, const std::string &name,
	  const std::string &readyFile)
{
	// Death notifications arrive on looper threads: start the pool.
	process->startThreadPool();
	const bl::Remote service = find(process, name);
	auto died = std::make_shared<std::promise<void>>();
	auto dead = died->get_future();
	(void)service.linkToDeath([died] { died->set_value(); });
	std::printf("demo-client: death notification requested for \"%s\" (handle %u); waiting\n",
		    name.c_str(), service.handle());
	std::fflush(stdout);
	if (!readyFile.empty())
		std::ofstream(readyFile) << ::getpid() << '\n';

	if (dead.wait_for(std::chrono::minutes(1)) != std::future_status::ready) {
		std::printf("demo-client: no death notification for \"%s\" in a minute\n", name.c_str());
		return 1;
	}
	std::printf("demo-client: \"%s\" is dead: BR_DEAD_BINDER came, our callback ran on a "
		    "pool thread (isDead() = %s)\n",
		    name.c_str(), service.isDead() ? "true" : "false");
	process->stopThreadPool();
	return 0;
}

[[noreturn]] void usage()
{
	std::cerr << "usage: binderlite-demo-client [-d DEVICE] checksum [SIZE]\n"
		     "       binderlite-demo-client [-d DEVICE] memfd\n"
		     "       binderlite-demo-client [-d DEVICE] [-r READY_FILE] watch NAME\n";
	std::exit(2);
}

} // namespace

int main(int argc, char *argv[])
{
	std::string device{bl::Device::kDefaultPath};
	std::string readyFile;
	for (int c; (c = ::getopt(argc, argv, "d:r:")) != -1;) {
		if (c == 'd')
			device = optarg;
		else if (c == 'r')
			readyFile = optarg;
		else
			usage();
	}
	const std::vector<std::string> args(argv + optind, argv + argc);
	if (args.empty())
		usage();

	try {
		auto process = bl::Process::open({.device = device});
		if (args[0] == "checksum" && args.size() <= 2)
			return checksum(process, args.size() == 2 ? std::stoul(args[1]) : 1u << 20);
		if (args[0] == "memfd" && args.size() == 1)
			return memfd(process);
		if (args[0] == "watch" && args.size() == 2)
			return watch(process, args[1], readyFile);
		usage();
	} catch (const std::exception &e) {
		std::cerr << "demo-client: " << device << ": " << e.what() << '\n';
		return 1;
	}
}
