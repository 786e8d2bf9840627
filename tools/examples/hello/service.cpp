// SPDX-License-Identifier: GPL-2.0
//
// binderlite-hello-service [DEVICE]: registers "hello" with the service
// manager (blservicemanager) and answers SAY(name) with "hello, NAME",
// until it is killed.

#include "hello.hpp"

#include <binderlite/binderlite.hpp>

#include <cerrno>
#include <iostream>

namespace bl = binderlite;

int main(int argc, char *argv[])
{
	try {
		auto process = bl::Process::open({.device = argc > 1 ? argv[1] : "/dev/binderlite"});
		auto service = bl::makeBinder([](std::uint32_t code, bl::Parcel::Reader &in,
						 bl::Parcel &reply) {
			if (code != hello::kSay)
				throw bl::Error::status(EBADRQC);
			reply.writeString("hello, " + in.readString());
		});
		bl::ServiceManagerClient(process).addService(hello::kName, service);
		std::cout << "hello-service: \"" << hello::kName << "\" registered; serving" << std::endl;
		process->joinThreadPool();
	} catch (const bl::Error &e) {
		std::cerr << "hello-service: " << e.what() << '\n';
		return 1;
	}
}
