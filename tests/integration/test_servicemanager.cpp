// SPDX-License-Identifier: GPL-2.0
//
// blservicemanager and ServiceManagerClient between processes: add, get,
// list and wait; the protocol's error statuses; a service that dies is
// dropped and its name can be taken again; the manager restarted.
#include "itest.hpp"

#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>
#include <vector>

namespace itest {
namespace {

namespace sm = binderlite::servicemanager;

class ServiceManager : public DeviceTest {};

// A raw request to the manager: @fill writes the request.
bl::Parcel call(const bl::ServiceManagerClient &client, std::uint32_t code,
		const std::function<void(bl::Parcel &)> &fill)
{
	bl::Parcel req;
	fill(req);
	return client.manager().transact(code, req);
}

constexpr std::uint32_t kAdd = static_cast<std::uint32_t>(sm::Code::Add);
constexpr std::uint32_t kGet = static_cast<std::uint32_t>(sm::Code::Get);
constexpr std::uint32_t kList = static_cast<std::uint32_t>(sm::Code::List);

TEST_P(ServiceManager, AddGetListAndCall)
{
	startManager();
	// One object under three names, added out of order.
	Child &svc = spawnService({"itest.b", "itest.c", "itest.a"}, [](const auto &) { return makePidService(); });

	auto p = process();
	bl::ServiceManagerClient client(p);
	// The last name added: the others are there too.
	auto a = client.waitForService("itest.a", kWait);
	ASSERT_TRUE(a.has_value());
	EXPECT_FALSE(a->isLocal());
	EXPECT_EQ(pidOf(*a), svc.pid());

	EXPECT_EQ(client.listServices(), (std::vector<std::string>{"itest.a", "itest.b", "itest.c"}));
	auto b = client.getService("itest.b");
	auto c = client.getService("itest.c");
	ASSERT_TRUE(b && c);
	// One object is one handle in this process, whatever name found it.
	EXPECT_EQ(*a, *b);
	EXPECT_EQ(*a, *c);
	EXPECT_EQ(a->handle(), c->handle());
	EXPECT_EQ(pidOf(*c), svc.pid());
	// handle 0 and the service's.
	EXPECT_EQ(p->handleCount(), 2u);
}

TEST_P(ServiceManager, UnknownNames)
{
	startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	EXPECT_FALSE(client.getService("itest.nobody").has_value());
	EXPECT_FALSE(client.waitForService("itest.nobody", std::chrono::milliseconds(100)).has_value());
	EXPECT_TRUE(client.listServices().empty());
	// The raw answer behind nullopt.
	const auto get = [](bl::Parcel &r) { sm::encodeGetRequest(r, "itest.nobody"); };
	EXPECT_TRUE(failsWith([&] { (void)call(client, kGet, get); }, bl::ErrorKind::Remote, ENOENT));
}

TEST_P(ServiceManager, OwnObjectComesBackLocal)
{
	startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto mine = makePidService();
	client.addService("itest.mine", mine);
	auto r = client.getService("itest.mine");
	ASSERT_TRUE(r.has_value());
	// The manager holds a handle; our own node comes back as our object.
	EXPECT_TRUE(r->isLocal());
	EXPECT_EQ(r->local(), mine);
	EXPECT_EQ(pidOf(*r), ::getpid());
	EXPECT_EQ(p->nodeCount(), 1u);
}

TEST_P(ServiceManager, AddOfATakenNameIsEEXIST)
{
	startManager();
	Child &svc = spawnService({"itest.taken"}, [](const auto &) { return makePidService(); });
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto r = client.waitForService("itest.taken", kWait);
	ASSERT_TRUE(r.has_value());

	auto mine = makePidService();
	EXPECT_TRUE(failsWith([&] { client.addService("itest.taken", mine); }, bl::ErrorKind::Remote, EEXIST));
	// The first one keeps the name.
	auto again = client.getService("itest.taken");
	ASSERT_TRUE(again.has_value());
	EXPECT_EQ(pidOf(*again), svc.pid());
	EXPECT_EQ(client.listServices(), std::vector<std::string>{"itest.taken"});
}

TEST_P(ServiceManager, ProtocolErrors)
{
	startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto mine = makePidService();
	const bl::Remote me(mine);
	const auto status = [&](std::uint32_t code, const std::function<void(bl::Parcel &)> &fill, int err) {
		return failsWith([&] { (void)call(client, code, fill); }, bl::ErrorKind::Remote, err);
	};

	// Another protocol version.
	EXPECT_TRUE(status(kList, [](auto &r) { r.writeUint32(sm::kProtocolVersion + 1); }, EPROTONOSUPPORT));
	EXPECT_TRUE(status(kGet, [](auto &r) {
		r.writeUint32(0);
		r.writeString("itest.x");
	}, EPROTONOSUPPORT));
	// Names: a space, empty, too long; the longest valid one is taken.
	const auto add = [&](const std::string &name) {
		return [&me, name](bl::Parcel &r) {
			r.writeUint32(sm::kProtocolVersion);
			r.writeString(name);
			r.writeRemote(me);
		};
	};
	EXPECT_TRUE(status(kAdd, add("bad name"), EINVAL));
	EXPECT_TRUE(status(kAdd, add(""), EINVAL));
	EXPECT_TRUE(status(kAdd, add(std::string("nul\0", 4)), EINVAL));
	EXPECT_TRUE(status(kAdd, add(std::string(sm::kMaxNameLength + 1, 'x')), EINVAL));
	const std::string longest(sm::kMaxNameLength, 'y');
	EXPECT_NO_THROW((void)call(client, kAdd, add(longest)));
	// A null object.
	EXPECT_TRUE(status(kAdd, [](auto &r) {
		r.writeUint32(sm::kProtocolVersion);
		r.writeString("itest.null");
		r.writeNull();
	}, EINVAL));
	// Malformed: the wrong type, trailing items, nothing at all.
	EXPECT_TRUE(status(kGet, [](auto &r) {
		r.writeUint32(sm::kProtocolVersion);
		r.writeInt32(7);
	}, EBADMSG));
	EXPECT_TRUE(status(kGet, [&](auto &r) {
		sm::encodeGetRequest(r, longest);
		r.writeInt32(7);
	}, EBADMSG));
	// Truncated: EBADMSG too, not the parcel's ENODATA.
	EXPECT_TRUE(status(kList, [](auto &) {}, EBADMSG));
	EXPECT_TRUE(status(kGet, [](auto &r) { r.writeUint32(sm::kProtocolVersion); }, EBADMSG));
	// An unknown code.
	EXPECT_TRUE(status(99, [](auto &r) { r.writeUint32(sm::kProtocolVersion); }, EBADRQC));

	// The client refuses invalid names before sending them.
	EXPECT_TRUE(failsWith([&] { client.addService("bad name", mine); }, bl::ErrorKind::Remote, EINVAL));
	EXPECT_TRUE(failsWith([&] { (void)client.getService(""); }, bl::ErrorKind::Remote, EINVAL));

	// Only the valid one was added, and the manager still serves.
	EXPECT_EQ(client.listServices(), std::vector<std::string>{longest});
	auto r = client.getService(longest);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(r->local(), mine);
}

TEST_P(ServiceManager, WaitForServiceFindsALateService)
{
	startManager();
	Child &svc = spawn("late service", [dev = device()] {
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
		return serve(dev, {"itest.late"}, [](const auto &) { return makePidService(); });
	});
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto r = client.waitForService("itest.late", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), svc.pid());
}

// A client may come up before the manager: calls to handle 0 fail with
// DeadObject until it is there, which waitForService() waits out.
TEST_P(ServiceManager, ClientBeforeManager)
{
	auto p = process();
	std::optional<bl::ServiceManagerClient> client;
	ASSERT_NO_THROW(client.emplace(p));
	const auto e = errorOf([&] { (void)client->getService("itest.early"); });
	ASSERT_TRUE(e.has_value()) << "a call to a missing context manager returned";
	EXPECT_EQ(e->kind(), bl::ErrorKind::DeadObject) << e->what();
	EXPECT_EQ(e->errnum(), EPIPE) << e->what();
	// Why, as the driver says: no context manager.
	ASSERT_TRUE(e->extended().has_value()) << e->what();
	EXPECT_EQ(e->extended()->command, static_cast<std::uint32_t>(BINDERLITE_BR_DEAD_REPLY));
	EXPECT_EQ(e->extended()->param, -EINVAL);
	EXPECT_FALSE(client->waitForService("itest.early", std::chrono::milliseconds(100)).has_value());

	startManager();
	Child &svc = spawnService({"itest.early"}, [](const auto &) { return makePidService(); });
	auto r = client->waitForService("itest.early", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), svc.pid());
	EXPECT_EQ(client->listServices(), std::vector<std::string>{"itest.early"});
}

TEST_P(ServiceManager, DeadServiceIsDroppedAndItsNameTakenAgain)
{
	startManager();
	Child &first = spawnService({"itest.phoenix", "itest.other"}, [](const auto &) { return makePidService(); });
	auto p = process();
	bl::ServiceManagerClient client(p);
	{
		auto r = client.waitForService("itest.phoenix", kWait);
		ASSERT_TRUE(r.has_value());
		EXPECT_EQ(pidOf(*r), first.pid());
	}
	EXPECT_EQ(client.listServices(), (std::vector<std::string>{"itest.other", "itest.phoenix"}));

	first.kill();
	// Both of its names go.
	EXPECT_TRUE(eventually([&] { return client.listServices().empty(); }))
		<< "the manager still lists a dead service";
	EXPECT_FALSE(client.getService("itest.phoenix").has_value());

	Child &second = spawnService({"itest.phoenix"}, [](const auto &) { return makePidService(); });
	auto r = client.waitForService("itest.phoenix", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), second.pid());
	EXPECT_EQ(client.listServices(), std::vector<std::string>{"itest.phoenix"});
}

// The library reports a taken context manager slot as Error(System, EBUSY).
TEST_P(ServiceManager, SecondContextManagerIsEBUSY)
{
	startManager();
	auto p = process();
	auto obj = makePidService();
	EXPECT_TRUE(failsWith([&] { p->becomeContextManager(obj); }, bl::ErrorKind::System, EBUSY));
	EXPECT_FALSE(p->isContextManager());
	// Still a client of the real one.
	bl::ServiceManagerClient client(p);
	EXPECT_TRUE(client.listServices().empty());
}

// The bench's restart: a manager started while the slot is still taken
// fails with EBUSY and is started again once it is free.
TEST_P(ServiceManager, StartRetriesWhileTheSlotIsTaken)
{
	Child &first = startManager();
	int busy = 0;
	startManager([&](int) {
		busy++;
		first.kill();
	});
	EXPECT_GE(busy, 1);
	ASSERT_TRUE(first.status().has_value());
	Child &svc = spawnService({"itest.second"}, [](const auto &) { return makePidService(); });
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto r = client.waitForService("itest.second", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), svc.pid());
}

// Handle 0 always names the current manager: a client keeps working
// across a restart, and the services' own handles stay valid.
TEST_P(ServiceManager, ManagerRestarted)
{
	Child &manager = startManager();
	Child &svc = spawnService({"itest.before"}, [](const auto &) { return makePidService(); });
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto before = client.waitForService("itest.before", kWait);
	ASSERT_TRUE(before.has_value());

	manager.kill();
	EXPECT_TRUE(failsWith([&] { (void)client.listServices(); }, bl::ErrorKind::DeadObject, EPIPE));
	EXPECT_FALSE(client.waitForService("itest.before", std::chrono::milliseconds(50)).has_value());

	// On binder this start may meet EBUSY while the old manager is released.
	startManager();
	EXPECT_TRUE(client.listServices().empty());
	Child &after = spawnService({"itest.after"}, [](const auto &) { return makePidService(); });
	auto r = client.waitForService("itest.after", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), after.pid());
	EXPECT_FALSE(client.getService("itest.before").has_value());
	EXPECT_EQ(pidOf(*before), svc.pid());
}

ITEST_DEVICES(ServiceManager);

} // namespace
} // namespace itest
