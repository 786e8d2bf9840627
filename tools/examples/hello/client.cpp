// SPDX-License-Identifier: GPL-2.0
//
// binderlite-hello-client [NAME [DEVICE]]: looks "hello" up at the service
// manager, calls SAY(NAME) (default "world") and prints the answer.

#include "hello.hpp"

#include <binderlite/binderlite.hpp>

#include <iostream>
#include <string>

namespace bl = binderlite;

int main(int argc, char *argv[])
{
	try {
		auto process = bl::Process::open({.device = argc > 2 ? argv[2] : "/dev/binderlite"});
		auto service = bl::ServiceManagerClient(process).getService(hello::kName);
		if (!service) {
			std::cerr << "hello-client: no service named \"" << hello::kName << "\"\n";
			return 1;
		}
		bl::Parcel request(process->dialect());
		request.writeInterfaceToken(hello::kDescriptor);
		request.writeString(argc > 1 ? argv[1] : "world");
		const bl::Parcel reply = service->transact(hello::kSay, request);
		auto in = reply.reader();
		in.readException();
		std::cout << in.readString() << '\n';
	} catch (const bl::Error &e) {
		std::cerr << "hello-client: " << e.what() << '\n';
		return 1;
	}
}
