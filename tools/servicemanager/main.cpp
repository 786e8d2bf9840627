// SPDX-License-Identifier: GPL-2.0
//
// blservicemanager: the context manager (handle 0) of a binderlite device,
// a table of names and services. The protocol is
// <binderlite/servicemanager.hpp>; clients use ServiceManagerClient.
//
// A service is dropped when its process dies (death notification), so a
// restarted service can register its name again. Calls are served by the
// library's thread pool; the table is guarded by one mutex, and death
// callbacks (on pool threads too) take the same mutex.
//
//   blservicemanager [-d DEVICE] [-r READY_FILE] [-t THREADS] [-v]

#include <binderlite/binderlite.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace bl = binderlite;
namespace sm = binderlite::servicemanager;

struct Options {
	std::string device{bl::Device::kDefaultPath};
	std::string ready_file;
	std::uint32_t threads = 4;
	bool verbose = false;
};

void log(const Options &opts, const std::string &line)
{
	if (opts.verbose)
		std::cerr << "blservicemanager: " << line << '\n';
}

class ServiceManager : public bl::Binder {
public:
	explicit ServiceManager(const Options &opts) : opts_(opts) {}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		try {
			serve(code, in, reply);
		} catch (const bl::Error &e) {
			// A request that does not parse: EBADMSG, as the protocol says.
			if (e.kind() == bl::ErrorKind::Parcel)
				throw bl::Error::status(EBADMSG, e.what());
			throw;
		}
	}

private:
	void serve(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply)
	{
		switch (static_cast<sm::Code>(code)) {
		case sm::Code::Add: {
			auto req = sm::decodeAddRequest(in);
			add(req.name, std::move(req.service));
			return;
		}
		case sm::Code::Get: {
			const auto name = sm::decodeGetRequest(in);
			const auto service = get(name);
			if (!service)
				throw bl::Error::status(ENOENT, name);
			sm::encodeGetReply(reply, *service);
			return;
		}
		case sm::Code::List:
			sm::decodeListRequest(in);
			sm::encodeListReply(reply, names());
			return;
		}
		throw bl::Error::status(EBADRQC);
	}

	struct Entry {
		bl::Remote service;
		bl::DeathToken token;
	};

	void add(const std::string &name, bl::Remote service)
	{
		std::lock_guard lock(mutex_);
		auto it = services_.find(name);
		if (it != services_.end() && !it->second.service.isDead())
			throw bl::Error::status(EEXIST, name);
		if (it != services_.end())
			services_.erase(it);
		// The callback runs on a pool thread; it names the entry by its
		// name and handle, never by a Remote (that would pin it).
		const auto handle = service.isLocal() ? 0 : service.handle();
		const auto token = service.linkToDeath([self = self_, name, handle] {
			if (auto sm = self.lock())
				sm->died(name, handle);
		});
		services_.emplace(name, Entry{std::move(service), token});
		log(opts_, "added \"" + name + "\"");
	}

	void died(const std::string &name, std::uint32_t handle)
	{
		std::lock_guard lock(mutex_);
		auto it = services_.find(name);
		if (it == services_.end() || it->second.service.isLocal() ||
		    it->second.service.handle() != handle)
			return;
		services_.erase(it);
		log(opts_, "\"" + name + "\" died; dropped");
	}

	std::optional<bl::Remote> get(const std::string &name)
	{
		std::lock_guard lock(mutex_);
		auto it = services_.find(name);
		if (it == services_.end() || it->second.service.isDead())
			return std::nullopt;
		return it->second.service;
	}

	std::vector<std::string> names()
	{
		std::lock_guard lock(mutex_);
		std::vector<std::string> out;
		for (const auto &[name, entry] : services_)
			if (!entry.service.isDead())
				out.push_back(name);
		return out;
	}

	const Options &opts_;
	std::mutex mutex_;
	std::map<std::string, Entry> services_;
	std::weak_ptr<ServiceManager> self_; // for death callbacks

	friend std::shared_ptr<ServiceManager> make_manager(const Options &opts);
};

std::shared_ptr<ServiceManager> make_manager(const Options &opts)
{
	auto manager = std::make_shared<ServiceManager>(opts);
	manager->self_ = manager;
	return manager;
}

[[noreturn]] void usage(int status)
{
	(status ? std::cerr : std::cout)
		<< "usage: blservicemanager [-d DEVICE] [-r READY_FILE] [-t THREADS] [-v]\n"
		   "\n"
		   "Becomes the context manager (handle 0) of DEVICE (default "
		<< bl::Device::kDefaultPath
		<< ")\nand serves the service-manager protocol: add, get and list services.\n"
		   "\n"
		   "  -d DEVICE      the binder device\n"
		   "  -r READY_FILE  create this file once serving\n"
		   "  -t THREADS     most pool threads the driver may ask for (default 4)\n"
		   "  -v             log every registration and death to stderr\n";
	std::exit(status);
}

Options parse(int argc, char **argv)
{
	Options opts;
	int c;

	while ((c = getopt(argc, argv, "d:r:t:vh")) != -1) {
		switch (c) {
		case 'd':
			opts.device = optarg;
			break;
		case 'r':
			opts.ready_file = optarg;
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
		auto process = bl::Process::open({.device = opts.device});
		auto manager = make_manager(opts);
		process->becomeContextManager(manager);
		process->setMaxThreads(opts.threads);
		process->startThreadPool();
		if (!opts.ready_file.empty())
			std::ofstream(opts.ready_file) << getpid() << '\n';
		log(opts, "serving on " + opts.device);
		process->joinThreadPool();
	} catch (const bl::Error &e) {
		std::cerr << "blservicemanager: " << opts.device << ": " << e.what() << '\n';
		return 1;
	}
	return 0;
}
