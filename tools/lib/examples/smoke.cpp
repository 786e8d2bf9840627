// SPDX-License-Identifier: GPL-2.0
//
// binderlite-smoke: libbinderlite against a real driver.
//
//   binderlite-smoke [DEVICE]      (default /dev/binderlite)
//
// Forks a context manager (a small service manager speaking the protocol
// of binderlite/servicemanager.hpp) and a service, then, as the client:
// looks the service up, makes a round trip, a call that calls back into
// the client (served on the calling thread), an error status, a 256 KiB
// round trip, then kills the service and waits for its death notification.
// Prints what it checks; exits 0 when every check passed.
#include <binderlite/binderlite.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

using namespace binderlite;
namespace sm = binderlite::servicemanager;
using namespace std::chrono_literals;

namespace {

enum : std::uint32_t { kEcho = 1, kCallMeBack = 2, kFail = 3, kSize = 4 };

int failures = 0;

void check(bool ok, const std::string &what)
{
	std::cout << "smoke: " << (ok ? "ok   " : "FAIL ") << what << std::endl;
	failures += !ok;
}

// The manager: names to services, forgetting a service when it dies; the
// part of android.os.IServiceManager the test needs, in the newest dialect.
class Manager : public Binder {
public:
	Manager() : Binder(std::string(sm::kDescriptor)) {}

	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override
	{
		std::lock_guard g(m_);
		switch (sm::methodOf(kNewestDialect, code).value_or(sm::Method::IsDeclared)) {
		case sm::Method::AddService: {
			auto req = sm::decodeAddRequest(in);
			if (!req.service)
				throw Error::exception(ExceptionCode::IllegalArgument, "Null binder");
			const std::string name = req.name;
			if (!req.service->isLocal())
				(void)req.service->linkToDeath([this, name] {
					std::lock_guard g(m_);
					services_.erase(name);
				});
			services_.insert_or_assign(name, *req.service);
			sm::encodeDoneReply(reply);
			return;
		}
		case sm::Method::GetService:
		case sm::Method::CheckService: {
			auto it = services_.find(sm::decodeNameRequest(in));
			sm::encodeServiceReply(reply, it == services_.end() ? std::nullopt
									    : std::optional<Remote>(it->second));
			return;
		}
		case sm::Method::ListServices: {
			(void)sm::decodeListRequest(in);
			std::vector<std::string> names;
			for (const auto &kv : services_)
				names.push_back(kv.first);
			sm::encodeListReply(reply, names);
			return;
		}
		default:
			throw Error::unknownTransaction(code);
		}
	}

private:
	std::mutex m_;
	std::map<std::string, Remote> services_;
};

class Echo : public Binder {
public:
	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override
	{
		switch (code) {
		case kEcho:
			reply.writeString(in.readString());
			return;
		case kCallMeBack: {
			// A call back into our caller, who waits for this reply:
			// the driver hands it to the waiting thread.
			Remote cb = in.readRemote();
			Parcel req;
			req.writeInt32(in.readInt32());
			Parcel r = cb.transact(1, req);
			reply.writeInt32(r.reader().readInt32() + 1);
			return;
		}
		case kFail:
			throw Error::status(ENOENT, "nothing here");
		case kSize:
			reply.writeUint64(in.readByteSpan().size());
			return;
		}
		throw Error::unknownTransaction(code);
	}
};

void ready(int fd)
{
	const char c = 1;
	(void)!::write(fd, &c, 1);
	::close(fd);
}

bool waitReady(int fd)
{
	char c;
	const bool ok = ::read(fd, &c, 1) == 1;
	::close(fd);
	return ok;
}

[[noreturn]] void runManager(const std::string &dev, int readyFd)
{
	try {
		auto proc = Process::open({.device = dev});
		for (int i = 0;; i++) {
			try {
				proc->becomeContextManager(std::make_shared<Manager>());
				break;
			} catch (const Error &e) {
				// binder frees a dead manager's slot a little later.
				if (e.errnum() != EBUSY || i == 200)
					throw;
				std::this_thread::sleep_for(10ms);
			}
		}
		ready(readyFd);
		proc->joinThreadPool();
	} catch (const std::exception &e) {
		std::cerr << "smoke manager: " << e.what() << std::endl;
	}
	std::_Exit(1);
}

[[noreturn]] void runService(const std::string &dev, int readyFd)
{
	try {
		auto proc = Process::open({.device = dev});
		proc->setMaxThreads(2);
		ServiceManagerClient(proc).addService("smoke.echo", std::make_shared<Echo>());
		ready(readyFd);
		proc->joinThreadPool();
	} catch (const std::exception &e) {
		std::cerr << "smoke service: " << e.what() << std::endl;
	}
	std::_Exit(1);
}

pid_t spawn(void (*role)(const std::string &, int), const std::string &dev)
{
	int fds[2];
	if (::pipe(fds))
		throw std::system_error(errno, std::generic_category(), "pipe");
	const pid_t pid = ::fork();
	if (pid < 0)
		throw std::system_error(errno, std::generic_category(), "fork");
	if (pid == 0) {
		::close(fds[0]);
		role(dev, fds[1]);
	}
	::close(fds[1]);
	if (!waitReady(fds[0]))
		throw std::runtime_error("a child died before it was ready");
	return pid;
}

void runClient(const std::string &dev, pid_t service)
{
	auto proc = Process::open({.device = dev});
	proc->startThreadPool(); // death notifications need a looper
	ServiceManagerClient manager(proc);

	auto echo = manager.waitForService("smoke.echo", 5s);
	check(echo.has_value(), "GET smoke.echo from the service manager");
	if (!echo)
		return;
	check(!echo->isLocal() && echo->handle() > 0, "a handle: " + std::to_string(echo->handle()));
	auto names = manager.listServices();
	check(names == std::vector<std::string>{"smoke.echo"}, "LIST: " + std::to_string(names.size()) + " name(s)");
	check(!manager.getService("smoke.none"), "GET of a missing name: nullopt");

	Parcel req;
	req.writeString("hello, binder");
	Parcel rep = echo->transact(kEcho, req);
	check(rep.reader().readString() == "hello, binder", "ECHO round trip");

	std::thread::id servedOn;
	auto callback = makeBinder([&](std::uint32_t, Parcel::Reader &in, Parcel &reply) {
		servedOn = std::this_thread::get_id();
		reply.writeInt32(in.readInt32() * 10);
	});
	Parcel cbReq;
	cbReq.writeBinder(callback);
	cbReq.writeInt32(4);
	Parcel cbRep = echo->transact(kCallMeBack, cbReq);
	check(cbRep.reader().readInt32() == 41, "nested call: the service called us back (4 * 10 + 1)");
	check(servedOn == std::this_thread::get_id(), "the callback ran on the calling thread");

	try {
		(void)echo->transact(kFail, Parcel());
		check(false, "error status");
	} catch (const Error &e) {
		check(e.kind() == ErrorKind::Remote && e.errnum() == ENOENT,
		      std::string("error status: ") + e.what());
	}

	std::vector<std::byte> big(256 * 1024, std::byte{0x5a});
	Parcel bigReq;
	bigReq.writeByteArray(big);
	check(echo->transact(kSize, bigReq).reader().readUint64() == big.size(), "256 KiB payload");

	try {
		(void)proc->contextManager().transact(77, Parcel());
		check(false, "unknown code");
	} catch (const Error &e) {
		check(e.errnum() == EBADMSG, std::string("unknown code: ") + e.what());
	}

	std::promise<std::thread::id> died;
	(void)echo->linkToDeath([&] { died.set_value(std::this_thread::get_id()); });
	::kill(service, SIGKILL);
	::waitpid(service, nullptr, 0);
	auto fut = died.get_future();
	const bool fired = fut.wait_for(5s) == std::future_status::ready;
	check(fired, "death notification after SIGKILL of the service");
	if (fired)
		check(fut.get() != std::this_thread::get_id(), "it ran on a pool thread");
	check(echo->isDead(), "isDead()");
	try {
		(void)echo->transact(kEcho, req);
		check(false, "call to the dead service");
	} catch (const Error &e) {
		check(e.dead(), std::string("call to the dead service: ") + e.what());
	}
	// The manager forgets dead services (it linked to their death).
	bool forgotten = false;
	for (int i = 0; i < 100 && !forgotten; i++) {
		forgotten = !manager.getService("smoke.echo");
		if (!forgotten)
			std::this_thread::sleep_for(10ms);
	}
	check(forgotten, "the manager dropped the dead service");
	proc->stopThreadPool();
	check(proc->looperCount() == 0, "pool stopped");
}

} // namespace

int main(int argc, char **argv)
{
	const std::string dev = argc > 1 ? argv[1] : std::string(Device::kDefaultPath);
	std::cout << "smoke: libbinderlite on " << dev << std::endl;
	pid_t manager = -1, service = -1;
	try {
		manager = spawn(runManager, dev);
		service = spawn(runService, dev);
		runClient(dev, service);
	} catch (const std::exception &e) {
		check(false, std::string("unexpected: ") + e.what());
	}
	for (pid_t p : {service, manager})
		if (p > 0) {
			::kill(p, SIGKILL);
			::waitpid(p, nullptr, 0);
		}
	std::cout << "smoke: " << (failures ? "FAILED" : "passed") << " on " << dev << std::endl;
	return failures ? 1 : 0;
}
