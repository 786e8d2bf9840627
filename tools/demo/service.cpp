// SPDX-License-Identifier: GPL-2.0
//
// binderlite-demo-service [-d DEVICE]: registers "demo" with the service
// manager and serves demo.hpp's calls until it is killed. One line on
// stdout once registered, and one per CHECKSUM and MEMFD.

#include "demo.hpp"

#include <binderlite/binderlite.hpp>

#include <fcntl.h>
#include <sys/mman.h>
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
	in.enforceInterface(demo::kDescriptor);
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
	reply.writeNoException();
	reply.writeUint64(payload.size());
	reply.writeUint64(sum);
	reply.writeUint64(offset);
}

// A memfd holding a message for @who, sealed: the client can read it,
// nobody can change it any more. The reply owns the descriptor and closes
// ours once it is sent; the client gets a descriptor of its own.
void memfd(bl::Parcel::Reader &in, bl::Parcel &reply)
{
	in.enforceInterface(demo::kDescriptor);
	const std::string who = in.readString();
	in.expectEnd();
	const std::string message = "hello " + who + ", from the demo service (pid " +
				    std::to_string(::getpid()) +
				    "): these bytes stay in its memfd; only the descriptor travelled.";
	bl::UniqueFd fd(::memfd_create(demo::kMemfdName, MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!fd)
		throw bl::Error(bl::ErrorKind::System, errno, "memfd_create");
	if (::write(fd.get(), message.data(), message.size()) != static_cast<ssize_t>(message.size()))
		throw bl::Error(bl::ErrorKind::System, errno, "writing the memfd");
	if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		throw bl::Error(bl::ErrorKind::System, errno, "sealing the memfd");
	std::printf("demo-service: MEMFD for pid %d (\"%s\"): a %zu-byte sealed memfd, sent as a "
		    "file descriptor\n",
		    static_cast<int>(in.parcel().senderPid()), who.c_str(), message.size());
	std::fflush(stdout);
	reply.writeNoException();
	reply.writeFileDescriptor(std::move(fd));
	reply.writeUint64(message.size());
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
		auto service = bl::makeBinder(demo::kDescriptor, [&self](std::uint32_t code,
									 bl::Parcel::Reader &in,
									 bl::Parcel &reply) {
			switch (code) {
			case demo::kChecksum:
				return checksum(self, in, reply);
			case demo::kMemfd:
				return memfd(in, reply);
			}
			throw bl::Error::unknownTransaction(code);
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
