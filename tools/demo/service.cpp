// SPDX-License-Identifier: GPL-2.0
//
// binderlite-demo-service [-d DEVICE]: registers "demo" with the service
// manager and serves demo.hpp's calls until it is killed. One line on
// stdout once registered, and one per CHECKSUM.

#include "demo.hpp"

#include <binderlite/binderlite.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <string>

namespace bl = binderlite;

namespace {

void checksum(bl::Process &process, bl::Parcel::Reader &in, bl::Parcel &reply)
{
	// A view of the payload in our receive pool, where the driver copied
	// it from the client's memory: no copy of ours.
	const auto payload = in.readByteSpan();
	in.expectEnd();
	const auto pool = process.device().pool();
	const auto offset = static_cast<std::uint64_t>(payload.data() - pool.data());
	const std::uint64_t sum = demo::fnv1a64(payload);
	std::printf("demo-service: CHECKSUM of %zu bytes from pid %d: fnv1a64 %016llx, read in "
		    "place at offset %llu of our %zu KiB pool\n",
		    payload.size(), static_cast<int>(in.parcel().senderPid()),
		    static_cast<unsigned long long>(sum), static_cast<unsigned long long>(offset),
		    pool.size() >> 10);
	std::fflush(stdout);
	reply.writeUint64(payload.size());
	reply.writeUint64(sum);
	reply.writeUint64(offset);
}

} // namespace

int main(int argc, char *argv[])
{
	std::string device{bl::Device::kDefaultPath};
	for (int c; (c = ::getopt(argc, argv, "d:")) != -1;) {
		if (c != 'd') {
			std::cerr << "usage: binderlite-demo-service [-d DEVICE]\n";
			return 2;
		}
		device = optarg;
	}

	try {
		auto process = bl::Process::open({.device = device, .poolSize = demo::kServicePool});
		bl::Process &self = *process;
		auto service = bl::makeBinder([&self](std::uint32_t code, bl::Parcel::Reader &in,
						      bl::Parcel &reply) {
			switch (code) {
			case demo::kPing:
				return;
			case demo::kChecksum:
				return checksum(self, in, reply);
			}
			throw bl::Error::status(EBADRQC);
		});
		bl::ServiceManagerClient(process).addService(demo::kName, service);
		std::printf("demo-service: \"%s\" registered (pid %d, %zu KiB receive pool); serving\n",
			    demo::kName, static_cast<int>(::getpid()), process->device().pool().size() >> 10);
		std::fflush(stdout);
		process->joinThreadPool();
	} catch (const bl::Error &e) {
		std::cerr << "demo-service: " << device << ": " << e.what() << '\n';
		return 1;
	}
}
