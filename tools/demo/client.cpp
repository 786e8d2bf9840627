// SPDX-License-Identifier: GPL-2.0
//
// binderlite-demo-client: the demo's client, in two roles.
//
//   binderlite-demo-client [-d DEVICE] checksum [SIZE]
//       sends SIZE bytes (default 1 MiB) to "demo" in one CHECKSUM call
//       and compares the service's FNV-1a 64 with ours;
//   binderlite-demo-client [-d DEVICE] [-r READY_FILE] watch NAME
//       asks for a death notification on the service NAME (linkToDeath,
//       delivered on a thread of the library's pool) and waits for it, at
//       most a minute; READY_FILE is created once the request is made.
//
// One line per step on stdout; exit 1 on any failure, 2 on a bad command
// line.

#include "demo.hpp"

#include <binderlite/binderlite.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace bl = binderlite;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start)
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
	bl::Parcel request;
	request.writeBytes(data);

	const auto start = Clock::now();
	const bl::Parcel reply = service.transact(demo::kChecksum, request);
	const double took = ms_since(start);
	auto in = reply.reader();
	const std::uint64_t theirs_size = in.readUint64();
	const std::uint64_t theirs = in.readUint64();
	(void)in.readUint64(); // the offset: the service says it
	in.expectEnd();

	if (theirs_size != size || theirs != ours) {
		std::printf("demo-client: CHECKSUM: we sent %zu bytes, fnv1a64 %016llx; the service "
			    "got %llu, fnv1a64 %016llx\n",
			    size, static_cast<unsigned long long>(ours),
			    static_cast<unsigned long long>(theirs_size),
			    static_cast<unsigned long long>(theirs));
		return 1;
	}
	std::printf("demo-client: CHECKSUM of %zu bytes (a %zu-byte request): fnv1a64 %016llx, the "
		    "same as ours (round trip %.1f ms)\n",
		    size, request.size(), static_cast<unsigned long long>(ours), took);
	return 0;
}

int watch(const std::shared_ptr<bl::Process> &process, const std::string &name,
	  const std::string &ready_file)
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
	if (!ready_file.empty())
		std::ofstream(ready_file) << ::getpid() << '\n';

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
		     "       binderlite-demo-client [-d DEVICE] [-r READY_FILE] watch NAME\n";
	std::exit(2);
}

} // namespace

int main(int argc, char *argv[])
{
	std::string device{bl::Device::kDefaultPath};
	std::string ready_file;
	for (int c; (c = ::getopt(argc, argv, "d:r:")) != -1;) {
		if (c == 'd')
			device = optarg;
		else if (c == 'r')
			ready_file = optarg;
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
		if (args[0] == "watch" && args.size() == 2)
			return watch(process, args[1], ready_file);
		usage();
	} catch (const std::exception &e) {
		std::cerr << "demo-client: " << device << ": " << e.what() << '\n';
		return 1;
	}
}
