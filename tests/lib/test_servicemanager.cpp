// SPDX-License-Identifier: GPL-2.0
// android.os.IServiceManager: names, codes, the codec's bytes in each
// dialect, and the client against blservicemanager's manager (the one
// service-manager test double, tools/servicemanager/manager.hpp), called
// in-process, and against the fake driver.
#include "fake_driver.hpp"
#include "manager.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace binderlite;
namespace sm = binderlite::servicemanager;
using fake::RawParcel;
using fake::Returns;
using fake::Nop;
using sm::Method;

namespace {

template <class F> const Error *remoteError(F &&f, std::optional<Error> &out)
{
	try {
		f();
	} catch (const Error &e) {
		out = e;
	}
	return out ? &*out : nullptr;
}

int remoteErrno(auto &&f)
{
	try {
		f();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Remote, e.kind()) << e.what();
		return e.errnum();
	}
	return 0;
}

std::vector<std::byte> bytes(const Parcel &p) { return {p.data().begin(), p.data().end()}; }
std::vector<binderlite_size_t> offsets(const Parcel &p) { return {p.offsets().begin(), p.offsets().end()}; }

} // namespace

TEST(ServiceManager, ValidNames)
{
	EXPECT_TRUE(sm::isValidName("a"));
	EXPECT_TRUE(sm::isValidName("vendor.audio/default-1_2"));
	EXPECT_TRUE(sm::isValidName(std::string(127, 'x')));
	EXPECT_FALSE(sm::isValidName(""));
	EXPECT_FALSE(sm::isValidName(std::string(128, 'x')));
	EXPECT_FALSE(sm::isValidName("with space"));
	EXPECT_FALSE(sm::isValidName(std::string("nul\0", 4)));
	EXPECT_FALSE(sm::isValidName("colon:"));
	EXPECT_FALSE(sm::isValidName("caf\xc3\xa9"));
}

TEST(ServiceManager, CodesOfEachDialect)
{
	struct Row {
		Dialect d;
		std::uint32_t get, check, add, list, reg, unreg, declared;
	};
	// 0: not in that release's manager.
	const Row rows[] = {
		{Dialect::Android8, 1, 2, 3, 4, 0, 0, 0},  {Dialect::Android9, 1, 2, 3, 4, 0, 0, 0},
		{Dialect::Android10, 1, 2, 3, 4, 0, 0, 0}, {Dialect::Android11, 1, 2, 3, 4, 5, 6, 7},
		{Dialect::Android12, 1, 2, 3, 4, 5, 6, 7}, {Dialect::Android13, 1, 2, 3, 4, 5, 6, 7},
		{Dialect::Android15, 1, 3, 4, 5, 6, 7, 8}, {Dialect::Android16, 1, 3, 5, 6, 7, 8, 9},
	};
	for (const auto &r : rows) {
		SCOPED_TRACE(toString(r.d));
		const auto code = [&](Method m) { return sm::codeOf(r.d, m).value_or(0); };
		EXPECT_EQ(r.get, code(Method::GetService));
		EXPECT_EQ(r.check, code(Method::CheckService));
		EXPECT_EQ(r.add, code(Method::AddService));
		EXPECT_EQ(r.list, code(Method::ListServices));
		EXPECT_EQ(r.reg, code(Method::RegisterForNotifications));
		EXPECT_EQ(r.unreg, code(Method::UnregisterForNotifications));
		EXPECT_EQ(r.declared, code(Method::IsDeclared));
		EXPECT_EQ(Method::AddService, sm::methodOf(r.d, r.add));
		EXPECT_EQ(r.d >= Dialect::Android11, sm::hasStatusReplies(r.d));
	}
	// Android 15's getService2 and 16's checkService2 are not ours.
	EXPECT_EQ(std::nullopt, sm::methodOf(Dialect::Android15, 2));
	EXPECT_EQ(std::nullopt, sm::methodOf(Dialect::Android16, 4));
	EXPECT_EQ(std::nullopt, sm::methodOf(Dialect::Android16, 99));
}

TEST(ServiceManager, AddRequestBytesInEachDialect)
{
	auto obj = std::make_shared<Nop>();
	const auto id = obj->id();
	{
		// Android 16: the token, the name, the object and its stability,
		// allowIsolated, the dump priority.
		Parcel add(Dialect::Android16);
		sm::encodeAddRequest(add, "svc", Remote(obj));
		RawParcel want;
		want.token("android.os.IServiceManager").str("svc").binder(id, id).i32(0).i32(8);
		EXPECT_EQ(want.data, bytes(add)) << fake::hexDump(add.data());
		EXPECT_EQ(want.offsets, offsets(add));
	}
	{
		// Android 12: a stability of {1, 0, 0, level}.
		Parcel add(Dialect::Android12);
		sm::encodeAddRequest(add, "svc", Remote(obj), true, sm::kDumpPriorityHigh);
		RawParcel want;
		want.stability = false;
		want.token("android.os.IServiceManager").str("svc").binder(id, id).u32(0x0c000001).i32(1).i32(2);
		EXPECT_EQ(want.data, bytes(add)) << fake::hexDump(add.data());
	}
	{
		// Android 10: the work source, no 'SYST', no stability.
		Parcel add(Dialect::Android10);
		sm::encodeAddRequest(add, "svc", Remote(obj));
		RawParcel want;
		want.stability = false;
		want.u32(0x80000000).i32(-1).str("android.os.IServiceManager").str("svc").binder(id, id).i32(0).i32(8);
		EXPECT_EQ(want.data, bytes(add)) << fake::hexDump(add.data());
	}
	{
		// Android 8: the old strict-mode bit, no dump priority.
		Parcel add(Dialect::Android8);
		sm::encodeAddRequest(add, "svc", Remote(obj));
		RawParcel want;
		want.stability = false;
		want.u32(0x00400000).str("android.os.IServiceManager").str("svc").binder(id, id).i32(0);
		EXPECT_EQ(want.data, bytes(add)) << fake::hexDump(add.data());
		EXPECT_EQ(want.offsets, offsets(add));
	}
}

TEST(ServiceManager, ListRequestBytesInEachDialect)
{
	const auto list = [](Dialect d) {
		Parcel p(d);
		sm::encodeListRequest(p, {.index = 3, .dumpPriority = sm::kDumpPriorityAll});
		return bytes(p);
	};
	RawParcel a8, a9, a10, a11;
	a8.u32(0x00400000).str("android.os.IServiceManager").i32(3);
	a9.u32(0x00400000).str("android.os.IServiceManager").i32(3).i32(15);
	a10.u32(0x80000000).i32(-1).str("android.os.IServiceManager").i32(3).i32(15);
	a11.token("android.os.IServiceManager").i32(15);
	EXPECT_EQ(a8.data, list(Dialect::Android8));
	EXPECT_EQ(a9.data, list(Dialect::Android9));
	EXPECT_EQ(a10.data, list(Dialect::Android10));
	EXPECT_EQ(a11.data, list(Dialect::Android11));
	EXPECT_EQ(a11.data, list(Dialect::Android16));
}

TEST(ServiceManager, ReplyBytes)
{
	auto obj = std::make_shared<Nop>();
	const auto id = obj->id();
	Parcel found(Dialect::Android13), none(Dialect::Android13), oldFound(Dialect::Android9),
		oldNone(Dialect::Android9), list(Dialect::Android16), declared(Dialect::Android16);
	sm::encodeServiceReply(found, Remote(obj));
	sm::encodeServiceReply(none, std::nullopt);
	sm::encodeServiceReply(oldFound, Remote(obj));
	sm::encodeServiceReply(oldNone, std::nullopt);
	sm::encodeListReply(list, {"a", "bc"});
	sm::encodeBoolReply(declared, true);
	RawParcel wFound, wNone, wOldFound, wOldNone, wList, wDeclared;
	wFound.i32(0).binder(id, id);
	wNone.i32(0).null();
	wOldFound.stability = false;
	wOldFound.binder(id, id);
	wOldNone.i32(0);
	wList.i32(0).i32(2).str("a").str("bc");
	wDeclared.i32(0).i32(1);
	EXPECT_EQ(wFound.data, bytes(found));
	EXPECT_EQ(wNone.data, bytes(none));
	EXPECT_TRUE(none.offsets().empty());
	EXPECT_EQ(wOldFound.data, bytes(oldFound));
	EXPECT_EQ(wOldNone.data, bytes(oldNone));
	EXPECT_EQ(wList.data, bytes(list));
	EXPECT_EQ(wDeclared.data, bytes(declared));
	auto r = oldNone.reader();
	EXPECT_EQ(std::nullopt, sm::decodeServiceReply(r));
}

TEST(ServiceManager, CodecRoundTrips)
{
	auto obj = std::make_shared<Nop>();
	for (const Dialect d : kDialects) {
		SCOPED_TRACE(toString(d));
		Parcel add(d);
		sm::encodeAddRequest(add, "a.b", Remote(obj), true, sm::kDumpPriorityCritical);
		auto in = add.reader();
		auto req = sm::decodeAddRequest(in);
		in.expectEnd();
		EXPECT_EQ("a.b", req.name);
		ASSERT_TRUE(req.service);
		EXPECT_EQ(obj, req.service->local());
		EXPECT_TRUE(req.allowIsolated);
		EXPECT_EQ(d == Dialect::Android8 ? sm::kDumpPriorityDefault : sm::kDumpPriorityCritical,
			  req.dumpPriority);

		Parcel reg(d);
		sm::encodeNotificationRequest(reg, "x", Remote(obj));
		auto rr = reg.reader();
		const auto nreq = sm::decodeNotificationRequest(rr);
		EXPECT_EQ("x", nreq.name);
		EXPECT_EQ(Remote(obj), nreq.callback);

		Parcel cb(d);
		sm::encodeOnRegistration(cb, "x", Remote(obj));
		auto cr = cb.reader();
		const auto registration = sm::decodeOnRegistration(cr);
		EXPECT_EQ("x", registration.name);
		EXPECT_EQ(obj, registration.service.local());
	}
	Parcel list(Dialect::Android11);
	sm::encodeListReply(list, {"x", "y"});
	auto lr = list.reader();
	EXPECT_EQ((std::vector<std::string>{"x", "y"}), sm::decodeListReply(lr));
}

TEST(ServiceManager, DecodeRejectsBadRequests)
{
	fake::Fixture f;
	// Another interface: BAD_TYPE, as AIDL code answers.
	RawParcel other;
	other.token("android.os.IOther").str("svc");
	Parcel p = fake::received(f, f.state->deliver(other));
	auto in = p.reader();
	std::optional<Error> e;
	ASSERT_TRUE(remoteError([&] { (void)sm::decodeNameRequest(in); }, e));
	ASSERT_TRUE(e->remoteStatus());
	EXPECT_EQ(kBadType, e->remoteStatus()->transactionError());

	// Another dialect's token (no 'SYST').
	RawParcel old;
	old.u32(0x80000000).i32(-1).str("android.os.IServiceManager").str("svc");
	Parcel q = fake::received(f, f.state->deliver(old));
	auto in2 = q.reader();
	e.reset();
	ASSERT_TRUE(remoteError([&] { (void)sm::decodeNameRequest(in2); }, e));
	EXPECT_EQ(kBadType, e->remoteStatus()->transactionError());

	// A request cut short.
	RawParcel cut;
	cut.token("android.os.IServiceManager").str("svc");
	Parcel c = fake::received(f, f.state->deliver(cut));
	auto in3 = c.reader();
	try {
		(void)sm::decodeAddRequest(in3);
		FAIL();
	} catch (const Error &err) {
		EXPECT_EQ(ErrorKind::Parcel, err.kind());
		EXPECT_EQ(ENODATA, err.errnum());
	}

	// A null object is the manager's to refuse.
	RawParcel nullAdd;
	nullAdd.token("android.os.IServiceManager").str("svc").null().i32(0).i32(8);
	Parcel n = fake::received(f, f.state->deliver(nullAdd));
	auto in4 = n.reader();
	EXPECT_FALSE(sm::decodeAddRequest(in4).service);
}

TEST(ServiceManager, ClientAgainstAReferenceManagerInEachDialect)
{
	for (const Dialect d : kDialects) {
		SCOPED_TRACE(toString(d));
		auto manager = blservicemanager::makeServiceManager({.dialect = d, .log = {}, .declared = {"echo"}});
		ServiceManagerClient client{Remote(manager), d};
		EXPECT_EQ(d, client.dialect());
		auto svc = std::make_shared<Nop>();
		client.addService("echo", svc);
		client.addService("b.second", Remote(std::make_shared<Nop>()), false, sm::kDumpPriorityHigh);
		auto got = client.getService("echo");
		ASSERT_TRUE(got);
		EXPECT_EQ(svc, got->local());
		EXPECT_FALSE(client.getService("missing"));
		EXPECT_EQ((std::vector<std::string>{"b.second", "echo"}), client.listServices());
		if (d > Dialect::Android8) {
			EXPECT_EQ(std::vector<std::string>{"b.second"}, client.listServices(sm::kDumpPriorityHigh));
		}
		// A service registered again replaces the old one.
		auto svc2 = std::make_shared<Nop>();
		client.addService("echo", svc2);
		EXPECT_EQ(svc2, client.getService("echo")->local());
		// Names are checked before they are sent.
		try {
			client.addService("bad name", svc);
			FAIL();
		} catch (const Error &err) {
			EXPECT_EQ(ErrorKind::Usage, err.kind());
		}
		// The manager's failures: an exception from 11 on (the reply's
		// status header), -1 before (a status reply).
		std::optional<Error> e;
		ASSERT_TRUE(remoteError(
			[&] {
				Parcel req(d);
				sm::encodeAddRequest(req, "bad name", Remote(svc));
				const Parcel reply = client.manager().transact(*sm::codeOf(d, Method::AddService), req);
				auto in = reply.reader();
				sm::decodeDoneReply(in);
			},
			e));
		ASSERT_TRUE(e->remoteStatus());
		if (d >= Dialect::Android11) {
			EXPECT_EQ(ExceptionCode::IllegalArgument, e->remoteStatus()->exceptionCode());
			EXPECT_EQ("Invalid service name", e->remoteStatus()->message());
			EXPECT_EQ(EINVAL, e->errnum());
			EXPECT_TRUE(client.isDeclared("echo"));
		} else {
			EXPECT_EQ(-EPERM, e->remoteStatus()->transactionError());
			EXPECT_THROW((void)client.isDeclared("echo"), Error);
		}
		// An unknown code: UNKNOWN_TRANSACTION from 11 on, -1 before.
		EXPECT_EQ(d >= Dialect::Android11 ? EBADMSG : EPERM,
			  remoteErrno([&] { (void)client.manager().transact(99, Parcel(d)); }));
	}
}

TEST(ServiceManager, WaitForServicePollsUntilFound)
{
	auto manager = blservicemanager::makeServiceManager();
	int checks = 0;
	auto counting = makeBinder([&](std::uint32_t code, Parcel::Reader &in, Parcel &reply) {
		if (code == sm::codeOf(kNewestDialect, Method::CheckService) && ++checks == 3)
			ServiceManagerClient{Remote(manager)}.addService("late", std::make_shared<Nop>());
		manager->onTransact(code, in, reply);
	});
	ServiceManagerClient client{Remote(counting)};
	EXPECT_TRUE(client.waitForService("late", std::chrono::seconds(5)));
	EXPECT_EQ(3, checks);
	const auto start = std::chrono::steady_clock::now();
	EXPECT_FALSE(client.waitForService("never", std::chrono::milliseconds(30)));
	EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
}

TEST(ServiceManager, ClientThroughTheDriver)
{
	fake::Fixture f;
	ServiceManagerClient client(f.process);
	EXPECT_EQ(0U, client.manager().handle());
	EXPECT_EQ(kNewestDialect, client.dialect());
	f.state->clearLog();
	RawParcel rep;
	rep.i32(0).handle(4);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(rep)));
	auto svc = client.getService("svc");
	ASSERT_TRUE(svc);
	EXPECT_EQ(4U, svc->handle());
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	EXPECT_EQ(0U, tx.txn().target.handle);
	EXPECT_EQ(3U, tx.txn().code); // checkService in Android 16
	RawParcel want;
	want.token("android.os.IServiceManager").str("svc");
	EXPECT_EQ(want.data, tx.data);

	RawParcel none;
	none.i32(0).null();
	f.state->script(Returns().noop().complete().reply(f.state->deliver(none)));
	EXPECT_FALSE(client.getService("nope"));

	// An exception: the client throws it.
	RawParcel ex;
	ex.i32(-1).str("SELinux denial").i32(0);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(ex)));
	std::optional<Error> e;
	ASSERT_TRUE(remoteError([&] { (void)client.getService("secret"); }, e));
	EXPECT_EQ(ExceptionCode::Security, e->remoteStatus()->exceptionCode());
	EXPECT_EQ(EACCES, e->errnum());

	// Nobody is the context manager yet: dead, and waitForService waits.
	f.state->script(Returns().noop().deadReply());
	f.state->script(Returns().noop().complete().reply(f.state->deliver(rep)));
	auto late = client.waitForService("svc", std::chrono::seconds(5));
	ASSERT_TRUE(late);
	EXPECT_EQ(4U, late->handle());

	// Adding sends our object as a BINDER.
	auto obj = std::make_shared<Nop>();
	const auto id = obj->id();
	f.state->clearLog();
	f.state->script(Returns().noop().increfs(id, id).acquire(id, id));
	RawParcel ok;
	ok.i32(0);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(ok)));
	client.addService("mine", obj);
	auto add = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	EXPECT_EQ(5U, add.txn().code);
	RawParcel wantAdd;
	wantAdd.token("android.os.IServiceManager").str("mine").binder(id, id).i32(0).i32(8);
	EXPECT_EQ(wantAdd.data, add.data);
	EXPECT_EQ(wantAdd.offsets, add.offsets);
}

TEST(ServiceManager, OldListOneNamePerCall)
{
	// Android 9: listServices(index, priority), one name a call, until -1.
	fake::Fixture f(1 << 20, Dialect::Android9);
	ServiceManagerClient client(f.process);
	f.state->clearLog();
	RawParcel b, a;
	b.str("b");
	a.str("a");
	f.state->script(Returns().noop().complete().reply(f.state->deliver(b)));
	f.state->script(Returns().noop().complete().reply(f.state->deliver(a)));
	f.state->script(Returns().noop().complete().reply(f.state->statusReply(-EPERM)));
	EXPECT_EQ((std::vector<std::string>{"a", "b"}), client.listServices());
	const auto txs = f.state->only(BINDERLITE_BC_TRANSACTION);
	ASSERT_EQ(3U, txs.size());
	RawParcel second;
	second.u32(0x00400000).str("android.os.IServiceManager").i32(1).i32(15);
	EXPECT_EQ(4U, txs[1].txn().code);
	EXPECT_EQ(second.data, txs[1].data);

	// A missing service is a bare 0.
	RawParcel zero;
	zero.i32(0);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(zero)));
	EXPECT_FALSE(client.getService("nope"));
}
