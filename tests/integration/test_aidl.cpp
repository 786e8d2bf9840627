// SPDX-License-Identifier: GPL-2.0
//
// libbinder's conventions between processes: the standard transactions
// every object answers (PING, INTERFACE, DEBUG_PID, DUMP, EXTENSION),
// AIDL calls with their interface token and status replies (exceptions,
// service-specific errors, transaction errors), and the older dialects'
// parcels, binder objects included, through blservicemanager speaking
// them.
#include "itest.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace itest {
namespace {

class Aidl : public DeviceTest {};

namespace sm = binderlite::servicemanager;

constexpr const char *kDescriptor = "binderlite.itest.IAidl";

enum Code : std::uint32_t {
	kGreet = bl::kFirstCallTransaction, // String name -> String "hi NAME"
	kServiceSpecific,                   // int32 code -> EX_SERVICE_SPECIFIC code, "asked"
	kSecurity,                          // -> EX_SECURITY "denied"
	kStatusT,                           // int32 errno -> the transaction error -errno
	kCallBack,                          // IBinder cb -> the pid cb answers, +1 (AIDL both ways)
};

// An AIDL service, written as AIDL-generated code would be: the token
// checked first, the status header first in every reply.
class AidlService : public bl::Binder {
public:
	AidlService() : Binder(kDescriptor) {}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		if (code < kGreet || code > kCallBack)
			throw bl::Error::unknownTransaction(code);
		in.enforceInterface(kDescriptor);
		switch (code) {
		case kGreet: {
			const std::string name = in.readString();
			reply.writeNoException();
			reply.writeString("hi " + name);
			return;
		}
		case kServiceSpecific:
			throw bl::Error::serviceSpecific(in.readInt32(), "asked");
		case kSecurity:
			throw bl::Error::exception(bl::ExceptionCode::Security, "denied");
		case kStatusT:
			throw bl::Error::status(in.readInt32());
		case kCallBack: {
			const bl::Remote cb = in.readRemote();
			reply.writeNoException();
			reply.writeInt32(pidOf(cb) + 1);
			return;
		}
		}
	}

	void dump(int fd, const std::vector<std::string> &args) override
	{
		std::string text = "dump of " + std::to_string(::getpid()) + ":";
		for (const auto &a : args)
			text += " " + a;
		(void)!::write(fd, text.data(), text.size());
	}
};

std::shared_ptr<bl::Binder> makeAidlService(const std::shared_ptr<bl::Process> &)
{
	auto s = std::make_shared<AidlService>();
	s->setExtension(bl::Remote(makePidService()));
	return s;
}

bl::Remote getService(bl::ServiceManagerClient &client, const std::string &name)
{
	auto r = client.waitForService(name, kWait);
	if (!r)
		throw CheckFailed(name + " did not appear in the service manager");
	return *r;
}

// Calls @code with the token and @fill's arguments; the reply.
bl::Parcel call(const bl::Remote &s, std::uint32_t code, bl::Dialect d,
		const std::function<void(bl::Parcel &)> &fill = {})
{
	bl::Parcel req(d);
	req.writeInterfaceToken(kDescriptor);
	if (fill)
		fill(req);
	return s.transact(code, req);
}

TEST_P(Aidl, StandardTransactions)
{
	startManager();
	Child &svc = spawnService({"itest.aidl"}, makeAidlService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.aidl");

	EXPECT_NO_THROW(s.ping());
	EXPECT_EQ(s.interfaceDescriptor(), kDescriptor);
	EXPECT_EQ(s.debugPid(), svc.pid());
	const auto ext = s.extension();
	ASSERT_TRUE(ext.has_value());
	EXPECT_EQ(pidOf(*ext), svc.pid());

	const bl::UniqueFd mem(::memfd_create("itest-dump", MFD_CLOEXEC));
	ASSERT_TRUE(mem.valid());
	s.dump(mem.get(), {"-a", "--proto"});
	char buf[128] = {};
	ASSERT_GT(::pread(mem.get(), buf, sizeof(buf) - 1, 0), 0);
	EXPECT_EQ(std::string(buf), "dump of " + std::to_string(svc.pid()) + ": -a --proto");
}

TEST_P(Aidl, CallsAndStatusReplies)
{
	startManager();
	spawnService({"itest.aidl"}, makeAidlService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.aidl");
	const bl::Dialect d = p->dialect();

	{
		bl::Parcel reply = call(s, kGreet, d, [](bl::Parcel &r) { r.writeString("w\xc3\xb6rld"); });
		auto in = reply.reader();
		in.readException();
		EXPECT_EQ(in.readString(), "hi w\xc3\xb6rld");
		EXPECT_TRUE(in.atEnd());
	}
	// An exception is the reply: the call succeeds, readException() throws.
	{
		bl::Parcel reply = call(s, kServiceSpecific, d, [](bl::Parcel &r) { r.writeInt32(42); });
		auto in = reply.reader();
		const auto e = errorOf([&] { in.readException(); });
		ASSERT_TRUE(e.has_value());
		EXPECT_EQ(e->kind(), bl::ErrorKind::Remote);
		ASSERT_TRUE(e->remoteStatus().has_value());
		EXPECT_EQ(e->remoteStatus()->exceptionCode(), bl::ExceptionCode::ServiceSpecific);
		EXPECT_EQ(e->remoteStatus()->serviceSpecificErrorCode(), 42);
		EXPECT_EQ(e->remoteStatus()->message(), "asked");
	}
	{
		bl::Parcel reply = call(s, kSecurity, d);
		auto in = reply.reader();
		const bl::Status st = in.readStatus();
		EXPECT_EQ(st.exceptionCode(), bl::ExceptionCode::Security);
		EXPECT_EQ(st.message(), "denied");
		EXPECT_EQ(st.errnum(), EACCES);
	}
	// A transaction error fails the call itself.
	EXPECT_TRUE(failsWith([&] { (void)call(s, kStatusT, d, [](bl::Parcel &r) { r.writeInt32(ENOENT); }); },
			      bl::ErrorKind::Remote, ENOENT));
	// Another interface, or none: BAD_TYPE.
	{
		bl::Parcel req(d);
		req.writeInterfaceToken("binderlite.itest.IOther");
		const auto e = errorOf([&] { (void)s.transact(kGreet, req); });
		ASSERT_TRUE(e.has_value());
		EXPECT_EQ(e->remoteStatus()->transactionError(), bl::kBadType);
		bl::Parcel bare(d);
		bare.writeString("x");
		EXPECT_TRUE(failsWith([&] { (void)s.transact(kGreet, bare); }, bl::ErrorKind::Remote, EBADMSG));
	}
	// An unknown code: UNKNOWN_TRANSACTION.
	const auto unknown = errorOf([&] { (void)call(s, 99, d); });
	ASSERT_TRUE(unknown.has_value());
	EXPECT_EQ(unknown->remoteStatus()->transactionError(), bl::kUnknownTransaction);
	// The service is still serving.
	EXPECT_NO_THROW(s.ping());
}

// Each dialect end to end: a manager, a service and a client speaking it,
// an object of the client's passed in an AIDL call and called back.
TEST_P(Aidl, EveryDialectEndToEnd)
{
	for (const bl::Dialect d : bl::kDialects) {
		SCOPED_TRACE(bl::toString(d));
		Child &manager = startManager({}, d);
		Child &svc = spawnService({"itest.dialect"}, makeAidlService, {.dialect = d});
		{
			auto p = openProcess(device(), bl::Device::kDefaultPoolSize, d);
			bl::ServiceManagerClient client(p);
			const bl::Remote s = getService(client, "itest.dialect");
			EXPECT_EQ(s.interfaceDescriptor(), kDescriptor);
			auto mine = makePidService();
			bl::Parcel reply = call(s, kCallBack, d, [&](bl::Parcel &r) { r.writeBinder(mine); });
			auto in = reply.reader();
			in.readException();
			EXPECT_EQ(in.readInt32(), ::getpid() + 1);
			bl::Parcel greet = call(s, kGreet, d, [](bl::Parcel &r) { r.writeString("d"); });
			auto g = greet.reader();
			g.readException();
			EXPECT_EQ(g.readString(), "hi d");
			EXPECT_EQ(client.listServices(), std::vector<std::string>{"itest.dialect"});
		}
		svc.kill();
		manager.kill();
	}
}

ITEST_DEVICES(Aidl);

} // namespace
} // namespace itest
