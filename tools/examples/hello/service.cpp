// SPDX-License-Identifier: GPL-2.0
//
// binderlite-hello-service [DEVICE]: registers "hello" with the service
// manager (blservicemanager) and answers SAY(name) with "hello, NAME",
// until it is killed. PING, the interface descriptor and the rest of the
// standard transactions are the library's.

#include "hello.hpp"

#include <binderlite/binderlite.hpp>

#include <iostream>
#include <string>

namespace bl = binderlite;

int main(int argc, char *argv[])
{
	try {
		auto process = bl::Process::open({.device = argc > 1 ? argv[1] : "/dev/binderlite"});
		auto service = bl::makeBinder(hello::kDescriptor, [](std::uint32_t code,
								     bl::Parcel::Reader &in, bl::Parcel &reply) {
			if (code != hello::kSay)
				throw bl::Error::unknownTransaction(code);
			in.enforceInterface(hello::kDescriptor);
			const std::string name = in.readString();
			reply.writeNoException();
			reply.writeString("hello, " + name);
		});
		bl::ServiceManagerClient(process).addService(hello::kName, service);
		std::cout << "hello-service: \"" << hello::kName << "\" registered; serving" << std::endl;
		process->joinThreadPool();
	} catch (const bl::Error &e) {
		std::cerr << "hello-service: " << e.what() << '\n';
		return 1;
	}
}
