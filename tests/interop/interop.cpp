// SPDX-License-Identifier: GPL-2.0
//
// binderlite-interop: the libbinderlite side of the interoperability tests
// with libgbinder (tests/interop/interop.sh), written against
// libbinderlite's public API only. Its counterpart is gbinder-interop
// (gbinder-interop.c); both speak the interfaces of libgbinder's test
// tools (binder-service, binder-client), extended by a callback:
//
//   binderlite.interop.IEcho (or any name given with -i)
//     1      ECHO(String16 s) -> String16 s        (no status header, as
//                                                   binder-service)
//     2      CALL_BACK(IBinder cb, String16 s) -> String16:
//            calls cb's ICallback.CALLED(s) and returns its answer
//     '_DMP' (fd, int32 argc, String16 args): writes DUMP_TEXT into fd
//   binderlite.interop.ICallback
//     1      CALLED(String16 s) -> String16 "called back: " + s
//
// Roles, one process each, one line per step, exit status 0 when every
// check passed (1 otherwise, 2 for a bad command line):
//
//   call DEVICE NAME TEXT [-i IFACE]   ECHO(TEXT); prints the request and
//                                      the reply ("request HEX", "reply
//                                      HEX") and checks the reply is TEXT
//   callback DEVICE NAME TEXT          CALL_BACK(an object of ours, TEXT)
//   serve DEVICE NAME [-i IFACE] [-r READY]
//                                      registers an IEcho object as NAME
//                                      and serves; logs each request
//   watch DEVICE NAME [-r READY]       links to NAME's death, waits for it
//   dump DEVICE NAME                   DUMP with a pipe's write end;
//                                      prints what came through the pipe
//   standard DEVICE NAME [-i IFACE]    PING (prints the reply's bytes) and
//                                      INTERFACE, which must answer IFACE
//
// The dialect is the Process's default: $BINDERLITE_DIALECT, else the
// newest.

#include <binderlite/binderlite.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace bl = binderlite;
using namespace std::chrono_literals;

constexpr const char *kEchoIface = "binderlite.interop.IEcho";
constexpr const char *kCallbackIface = "binderlite.interop.ICallback";
constexpr std::uint32_t kEcho = 1;
constexpr std::uint32_t kCallBack = 2;
constexpr std::uint32_t kCalled = 1;
constexpr const char *kCalledPrefix = "called back: ";
constexpr const char *kDumpText = "binderlite-interop: nothing to dump\n";
constexpr auto kWait = 20s;

std::string g_role = "binderlite-interop";

void say(const std::string &line)
{
	std::cout << g_role << ": " << line << std::endl;
}

std::string hex(std::span<const std::byte> bytes)
{
	static const char kDigits[] = "0123456789abcdef";
	std::string s;
	for (auto b : bytes) {
		s += kDigits[std::to_integer<unsigned>(b) >> 4];
		s += kDigits[std::to_integer<unsigned>(b) & 15];
	}
	return s;
}

void printHex(const std::string &what, std::span<const std::byte> bytes)
{
	say(what + " " + hex(bytes) + " (" + std::to_string(bytes.size()) + " bytes)");
}

struct Options {
	std::string device;
	std::string name;
	std::string text;
	std::string iface = kEchoIface;
	std::string ready;
};

void makeReady(const Options &o)
{
	if (o.ready.empty())
		return;
	std::ofstream f(o.ready);
	if (!f)
		throw std::runtime_error("cannot create " + o.ready);
}

bl::Remote lookup(const std::shared_ptr<bl::Process> &proc, const Options &o)
{
	auto remote = bl::ServiceManagerClient(proc).waitForService(o.name, kWait);
	if (!remote)
		throw std::runtime_error("no service \"" + o.name + "\" on " + o.device);
	return *remote;
}

int roleCall(const Options &o)
{
	auto proc = bl::Process::open({.device = o.device});
	const bl::Remote remote = lookup(proc, o);
	bl::Parcel request(proc->dialect());
	request.writeInterfaceToken(o.iface);
	request.writeString(o.text);
	printHex("request", request.data());
	const bl::Parcel reply = remote.transact(kEcho, request);
	printHex("reply", reply.data());
	auto in = reply.reader();
	const std::string s = in.readString();
	in.expectEnd();
	if (s != o.text) {
		say("ECHO answered \"" + s + "\", not \"" + o.text + "\"");
		return 1;
	}
	say("ECHO answered \"" + s + "\"");
	return 0;
}

int roleCallback(const Options &o)
{
	auto proc = bl::Process::open({.device = o.device});
	// libgbinder serves CALL_BACK on its main thread, not on the thread
	// that received it: its call back is not nested in our call, and
	// comes to a looper of ours.
	proc->startThreadPool();
	const bl::Remote remote = lookup(proc, o);
	std::atomic<int> calls{0};
	auto callback = bl::makeBinder(kCallbackIface, [&](std::uint32_t code, bl::Parcel::Reader &in,
							 bl::Parcel &reply) {
		if (code != kCalled)
			throw bl::Error::unknownTransaction(code);
		in.enforceInterface(kCallbackIface);
		const std::string s = in.readString();
		in.expectEnd();
		++calls;
		say("our object was called back from pid " + std::to_string(in.parcel().senderPid()) +
		    " with \"" + s + "\"");
		reply.writeString(kCalledPrefix + s);
	});
	bl::Parcel request(proc->dialect());
	request.writeInterfaceToken(o.iface);
	request.writeBinder(callback);
	request.writeString(o.text);
	const bl::Parcel reply = remote.transact(kCallBack, request);
	auto in = reply.reader();
	const std::string s = in.readString();
	in.expectEnd();
	const std::string want = kCalledPrefix + o.text;
	int rc = 1;
	if (calls != 1)
		say("our object was called " + std::to_string(calls) + " times, not once");
	else if (s != want)
		say("CALL_BACK answered \"" + s + "\", not \"" + want + "\"");
	else
		rc = 0;
	if (!rc)
		say("CALL_BACK answered \"" + s + "\": our object was called back");
	proc->stopThreadPool();
	return rc;
}

class EchoService : public bl::Binder {
public:
	explicit EchoService(std::shared_ptr<bl::Process> proc, std::string iface)
		: Binder(iface), proc_(std::move(proc)), iface_(std::move(iface))
	{
	}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		if (code == kEcho) {
			// The whole request, the interface token included.
			printHex("request", in.parcel().data());
			in.enforceInterface(iface_);
			const std::string s = in.readString();
			in.expectEnd();
			say("ECHO \"" + s + "\" from pid " + std::to_string(in.parcel().senderPid()));
			reply.writeString(s);
		} else if (code == kCallBack) {
			// The binder object as the driver translated it (a
			// handle), and the dialect's stability field after it.
			printHex("request", in.parcel().data());
			in.enforceInterface(iface_);
			const bl::Remote callback = in.readRemote();
			const std::string s = in.readString();
			in.expectEnd();
			bl::Parcel request(proc_->dialect());
			request.writeInterfaceToken(kCallbackIface);
			request.writeString(s);
			// On this thread: the caller's thread that waits for
			// our reply receives it (a nested call).
			const bl::Parcel answer = callback.transact(kCalled, request);
			auto a = answer.reader();
			const std::string got = a.readString();
			a.expectEnd();
			say("CALL_BACK: the caller's object answered \"" + got + "\"");
			reply.writeString(got);
		} else {
			throw bl::Error::unknownTransaction(code);
		}
	}

	void dump(int fd, const std::vector<std::string> &args) override
	{
		const std::size_t n = std::strlen(kDumpText);
		if (::write(fd, kDumpText, n) != static_cast<ssize_t>(n))
			throw bl::Error::status(errno, "writing the dump");
		say("DUMP with " + std::to_string(args.size()) + " arguments: written into the caller's descriptor");
	}

private:
	std::shared_ptr<bl::Process> proc_;
	std::string iface_;
};

int roleServe(const Options &o)
{
	auto proc = bl::Process::open({.device = o.device});
	proc->setMaxThreads(4);
	auto service = std::make_shared<EchoService>(proc, o.iface);
	bl::ServiceManagerClient(proc).addService(o.name, service);
	say("\"" + o.name + "\" (" + o.iface + ") registered on " + o.device + " in the " +
	    bl::toString(proc->dialect()) + " dialect; serving");
	makeReady(o);
	proc->joinThreadPool();
	return 0;
}

int roleWatch(const Options &o)
{
	auto proc = bl::Process::open({.device = o.device});
	// Death notifications come to loopers.
	proc->startThreadPool();
	const bl::Remote remote = lookup(proc, o);
	std::mutex m;
	std::condition_variable cv;
	bool dead = false;
	const auto token = remote.linkToDeath([&] {
		const std::lock_guard lock(m);
		dead = true;
		cv.notify_all();
	});
	say("watching \"" + o.name + "\" on " + o.device);
	makeReady(o);
	bool died;
	{
		std::unique_lock lock(m);
		died = cv.wait_for(lock, kWait, [&] { return dead; });
	}
	int rc = 1;
	if (!died)
		say("\"" + o.name + "\" did not die within 20 s");
	else if (!remote.isDead())
		say("the death callback ran, yet isDead() is false");
	else
		rc = 0;
	if (!rc)
		say("\"" + o.name + "\" died: libbinderlite's death callback ran");
	(void)remote.unlinkToDeath(token);
	proc->stopThreadPool();
	return rc;
}

int roleDump(const Options &o)
{
	auto proc = bl::Process::open({.device = o.device});
	const bl::Remote remote = lookup(proc, o);
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) != 0)
		throw bl::Error(bl::ErrorKind::System, errno, "pipe2");
	bl::UniqueFd readEnd(fds[0]);
	{
		bl::Parcel request(proc->dialect());
		request.writeFileDescriptor(bl::UniqueFd(fds[1]));
		request.writeInt32(0);
		const bl::Parcel reply = remote.transact(bl::kDumpTransaction, request);
		printHex("reply", reply.data());
	}
	// The service wrote before it answered; its copy of the descriptor
	// may stay open, so read what is there.
	std::string text;
	char buf[256];
	pollfd p{readEnd.get(), POLLIN, 0};
	while (::poll(&p, 1, 1000) > 0) {
		const ssize_t n = ::read(readEnd.get(), buf, sizeof(buf));
		if (n <= 0)
			break;
		text.append(buf, static_cast<std::size_t>(n));
	}
	std::cout << text;
	say("DUMP: " + std::to_string(text.size()) + " bytes came through our descriptor");
	return text.empty() ? 1 : 0;
}

// PING and INTERFACE, as libbinder's IBinder sends them, to any object.
int roleStandard(const Options &o)
{
	auto proc = bl::Process::open({.device = o.device});
	const bl::Remote remote = lookup(proc, o);
	const bl::Parcel pong = remote.transact(bl::kPingTransaction, bl::Parcel(proc->dialect()));
	printHex("PING reply", pong.data());
	remote.ping();
	const std::string descriptor = remote.interfaceDescriptor();
	if (descriptor != o.iface) {
		say("INTERFACE answered \"" + descriptor + "\", not \"" + o.iface + "\"");
		return 1;
	}
	say("PING answered; INTERFACE answered \"" + descriptor + "\"");
	return 0;
}

int usage()
{
	std::cerr << "usage: binderlite-interop call DEVICE NAME TEXT [-i IFACE]\n"
		     "       binderlite-interop callback DEVICE NAME TEXT [-i IFACE]\n"
		     "       binderlite-interop serve DEVICE NAME [-i IFACE] [-r READY]\n"
		     "       binderlite-interop watch DEVICE NAME [-r READY]\n"
		     "       binderlite-interop dump DEVICE NAME\n"
		     "       binderlite-interop standard DEVICE NAME [-i IFACE]\n";
	return 2;
}

} // namespace

int main(int argc, char *argv[])
{
	Options o;
	std::vector<std::string> pos;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (a == "-i" && i + 1 < argc)
			o.iface = argv[++i];
		else if (a == "-r" && i + 1 < argc)
			o.ready = argv[++i];
		else if (!a.empty() && a[0] == '-')
			return usage();
		else
			pos.push_back(a);
	}
	if (pos.size() < 3)
		return usage();
	const std::string &cmd = pos[0];
	g_role = "binderlite-interop " + cmd;
	o.device = pos[1];
	o.name = pos[2];
	if (pos.size() == 4)
		o.text = pos[3];
	const bool withText = cmd == "call" || cmd == "callback";
	if (pos.size() != (withText ? 4u : 3u))
		return usage();
	try {
		if (cmd == "call")
			return roleCall(o);
		if (cmd == "callback")
			return roleCallback(o);
		if (cmd == "serve")
			return roleServe(o);
		if (cmd == "watch")
			return roleWatch(o);
		if (cmd == "dump")
			return roleDump(o);
		if (cmd == "standard")
			return roleStandard(o);
		return usage();
	} catch (const std::exception &e) {
		say(std::string("failed: ") + e.what());
		return 1;
	}
}
