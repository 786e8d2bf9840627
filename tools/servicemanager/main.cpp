// SPDX-License-Identifier: GPL-2.0
//
// blservicemanager: the context manager (handle 0) of a binderlite (or
// binder) device: Android's android.os.IServiceManager (manager.hpp), in
// the dialect of an Android release (the newest by default). Clients use
// ServiceManagerClient, libgbinder, or libbinder. Calls are served by the
// library's thread pool.
//
//   blservicemanager [-d DEVICE] [-D DIALECT] [-r READY_FILE] [-t THREADS] [-v]

#include "manager.hpp"

#include <binderlite/binderlite.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

namespace {

namespace bl = binderlite;

struct Options {
	std::string device{bl::Device::kDefaultPath};
	std::optional<bl::Dialect> dialect;
	std::string readyFile;
	std::uint32_t threads = 4;
	bool verbose = false;
};

void log(const Options &opts, const std::string &line)
{
	if (opts.verbose)
		std::cerr << "blservicemanager: " << line << '\n';
}

[[noreturn]] void usage(int status)
{
	(status ? std::cerr : std::cout)
		<< "usage: blservicemanager [-d DEVICE] [-D DIALECT] [-r READY_FILE] [-t THREADS] [-v]\n"
		   "\n"
		   "Becomes the context manager (handle 0) of DEVICE (default "
		<< bl::Device::kDefaultPath
		<< ")\nand serves Android's android.os.IServiceManager: add, get, check and list\n"
		   "services, registration callbacks, isDeclared.\n"
		   "\n"
		   "  -d DEVICE      the binder device\n"
		   "  -D DIALECT     the Android release whose protocol to speak: 8, 9, 10, 11,\n"
		   "                 12, 13 (13 and 14), 15 or 16 (default: $BINDERLITE_DIALECT,\n"
		   "                 else 16); libgbinder calls them aidl to aidl6\n"
		   "  -r READY_FILE  create this file once serving\n"
		   "  -t THREADS     most pool threads the driver may ask for (default 4)\n"
		   "  -v             log every registration and death to stderr\n";
	std::exit(status);
}

Options parse(int argc, char **argv)
{
	Options opts;
	int c;

	while ((c = getopt(argc, argv, "d:D:r:t:vh")) != -1) {
		switch (c) {
		case 'd':
			opts.device = optarg;
			break;
		case 'D':
			opts.dialect = bl::parseDialect(optarg);
			if (!opts.dialect) {
				std::cerr << "blservicemanager: no dialect \"" << optarg << "\"\n";
				usage(2);
			}
			break;
		case 'r':
			opts.readyFile = optarg;
			break;
		case 't':
			opts.threads = static_cast<std::uint32_t>(std::strtoul(optarg, nullptr, 0));
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	return opts;
}

} // namespace

int main(int argc, char **argv)
{
	const Options opts = parse(argc, argv);

	try {
		auto process = bl::Process::open({.device = opts.device, .dialect = opts.dialect});
		const bl::Dialect dialect = process->dialect();
		auto manager = blservicemanager::makeServiceManager(
			{.dialect = dialect, .log = [&opts](const std::string &line) { log(opts, line); }, .declared = {}});
		process->becomeContextManager(manager);
		process->setMaxThreads(opts.threads);
		process->startThreadPool();
		if (!opts.readyFile.empty())
			std::ofstream(opts.readyFile) << getpid() << '\n';
		log(opts, "serving on " + opts.device + " as Android " + bl::androidReleases(dialect) +
				  "'s service manager (libgbinder: " + bl::gbinderServiceManager(dialect) + ")");
		process->joinThreadPool();
	} catch (const bl::Error &e) {
		std::cerr << "blservicemanager: " << opts.device << ": " << e.what() << '\n';
		return 1;
	}
	return 0;
}
