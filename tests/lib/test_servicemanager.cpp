// SPDX-License-Identifier: GPL-2.0
// The service-manager protocol: names, the codec, and the client against a
// reference manager written here with the codec (as blservicemanager would
// be), called in-process, and against the fake driver.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>

using namespace binderlite;
namespace sm = binderlite::servicemanager;
using fake::RawParcel;
using fake::Returns;

namespace {

class Nop : public Binder {
public:
	void onTransact(std::uint32_t, Parcel::Reader &, Parcel &) override {}
};

// A complete manager in a few lines.
class TestManager : public Binder {
public:
	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override
	{
		switch (static_cast<sm::Code>(code)) {
		case sm::Code::Add: {
			auto req = sm::decodeAddRequest(in);
			if (!services.emplace(req.name, req.service).second)
				throw Error::status(EEXIST);
			return;
		}
		case sm::Code::Get: {
			auto it = services.find(sm::decodeGetRequest(in));
			if (it == services.end())
				throw Error::status(ENOENT);
			sm::encodeGetReply(reply, it->second);
			return;
		}
		case sm::Code::List: {
			sm::decodeListRequest(in);
			std::vector<std::string> names;
			for (const auto &kv : services)
				names.push_back(kv.first);
			sm::encodeListReply(reply, names);
			return;
		}
		}
		throw Error::status(EBADRQC);
	}
	std::map<std::string, Remote> services;
};

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

} // namespace

TEST(ServiceManager, ValidNames)
{
	EXPECT_TRUE(sm::isValidName("a"));
	EXPECT_TRUE(sm::isValidName("vendor.audio/default-1"));
	EXPECT_TRUE(sm::isValidName(std::string(255, 'x')));
	EXPECT_FALSE(sm::isValidName(""));
	EXPECT_FALSE(sm::isValidName(std::string(256, 'x')));
	EXPECT_FALSE(sm::isValidName("with space"));
	EXPECT_FALSE(sm::isValidName(std::string("nul\0", 4)));
	EXPECT_FALSE(sm::isValidName("tab\t"));
	EXPECT_FALSE(sm::isValidName("caf\xc3\xa9"));
}

TEST(ServiceManager, WireFormatOfRequests)
{
	auto obj = std::make_shared<Nop>();
	Parcel add;
	sm::encodeAddRequest(add, "svc", Remote(obj));
	RawParcel want;
	want.u32(1).str("svc").binder(obj->id(), obj->id());
	EXPECT_TRUE(std::equal(want.data.begin(), want.data.end(), add.data().begin(), add.data().end()));
	EXPECT_EQ(want.offsets, std::vector<binderlite_size_t>(add.offsets().begin(), add.offsets().end()));

	Parcel get;
	sm::encodeGetRequest(get, "svc");
	RawParcel wantGet;
	wantGet.u32(1).str("svc");
	EXPECT_EQ(wantGet.data, std::vector<std::byte>(get.data().begin(), get.data().end()));

	Parcel list;
	sm::encodeListRequest(list);
	EXPECT_EQ(8U, list.size());
	EXPECT_EQ(1U, static_cast<std::uint32_t>(sm::Code::Add));
	EXPECT_EQ(2U, static_cast<std::uint32_t>(sm::Code::Get));
	EXPECT_EQ(3U, static_cast<std::uint32_t>(sm::Code::List));
}

TEST(ServiceManager, CodecRoundTrips)
{
	auto obj = std::make_shared<Nop>();
	Parcel add;
	sm::encodeAddRequest(add, "a.b", Remote(obj));
	auto in = add.reader();
	auto req = sm::decodeAddRequest(in);
	EXPECT_EQ("a.b", req.name);
	EXPECT_EQ(obj, req.service.local());

	Parcel list;
	sm::encodeListReply(list, {"x", "y"});
	auto lr = list.reader();
	EXPECT_EQ((std::vector<std::string>{"x", "y"}), sm::decodeListReply(lr));
}

TEST(ServiceManager, DecodeRejectsBadRequests)
{
	RawParcel v2;
	v2.u32(2).str("svc");
	fake::Fixture f;
	Parcel p = detail::Access::receive(f.process, f.state->deliver(v2));
	auto in = p.reader();
	EXPECT_EQ(EPROTONOSUPPORT, remoteErrno([&] { (void)sm::decodeGetRequest(in); }));

	RawParcel bad;
	bad.u32(1).str("has space");
	Parcel q = detail::Access::receive(f.process, f.state->deliver(bad));
	auto in2 = q.reader();
	EXPECT_EQ(EINVAL, remoteErrno([&] { (void)sm::decodeGetRequest(in2); }));

	RawParcel trailing;
	trailing.u32(1).i32(0);
	Parcel t = detail::Access::receive(f.process, f.state->deliver(trailing));
	auto in3 = t.reader();
	try {
		sm::decodeListRequest(in3);
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(EBADMSG, e.errnum());
	}

	RawParcel nullAdd;
	nullAdd.u32(1).str("svc").null();
	Parcel n = detail::Access::receive(f.process, f.state->deliver(nullAdd));
	auto in4 = n.reader();
	EXPECT_EQ(EINVAL, remoteErrno([&] { (void)sm::decodeAddRequest(in4); }));
}

TEST(ServiceManager, ClientAgainstAReferenceManager)
{
	auto manager = std::make_shared<TestManager>();
	ServiceManagerClient client{Remote(manager)};
	auto svc = std::make_shared<Nop>();
	client.addService("echo", svc);
	EXPECT_EQ(EEXIST, remoteErrno([&] { client.addService("echo", svc); }));
	client.addService("b.second", Remote(std::make_shared<Nop>()));
	auto got = client.getService("echo");
	ASSERT_TRUE(got);
	EXPECT_EQ(svc, got->local());
	EXPECT_FALSE(client.getService("missing"));
	EXPECT_EQ((std::vector<std::string>{"b.second", "echo"}), client.listServices());
	EXPECT_EQ(EBADRQC, remoteErrno([&] { (void)client.manager().transact(99, Parcel()); }));
	EXPECT_THROW(client.addService("bad name", svc), Error);
}

TEST(ServiceManager, WaitForServicePollsUntilFound)
{
	auto manager = std::make_shared<TestManager>();
	int gets = 0;
	auto counting = makeBinder([&](std::uint32_t code, Parcel::Reader &in, Parcel &reply) {
		if (code == static_cast<std::uint32_t>(sm::Code::Get) && ++gets == 3)
			manager->services.emplace("late", Remote(std::make_shared<Nop>()));
		manager->onTransact(code, in, reply);
	});
	ServiceManagerClient client{Remote(counting)};
	EXPECT_TRUE(client.waitForService("late", std::chrono::seconds(5)));
	EXPECT_EQ(3, gets);
	const auto start = std::chrono::steady_clock::now();
	EXPECT_FALSE(client.waitForService("never", std::chrono::milliseconds(30)));
	EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
}

TEST(ServiceManager, ClientThroughTheDriver)
{
	fake::Fixture f;
	ServiceManagerClient client(f.process);
	EXPECT_EQ(0U, client.manager().handle());
	f.state->clearLog();
	RawParcel rep;
	rep.handle(4);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(rep)));
	auto svc = client.getService("svc");
	ASSERT_TRUE(svc);
	EXPECT_EQ(4U, svc->handle());
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	EXPECT_EQ(0U, tx.txn().target.handle);
	EXPECT_EQ(2U, tx.txn().code);
	RawParcel want;
	want.u32(1).str("svc");
	EXPECT_EQ(want.data, tx.data);

	f.state->script(Returns().noop().complete().reply(f.state->statusReply(-ENOENT)));
	EXPECT_FALSE(client.getService("nope"));

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
	f.state->script(Returns().noop().complete().reply(f.state->deliver(RawParcel())));
	client.addService("mine", obj);
	auto add = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	EXPECT_EQ(1U, add.txn().code);
	RawParcel wantAdd;
	wantAdd.u32(1).str("mine").binder(id, id);
	EXPECT_EQ(wantAdd.data, add.data);
	EXPECT_EQ(wantAdd.offsets, add.offsets);
}
