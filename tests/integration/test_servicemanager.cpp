// SPDX-License-Identifier: GPL-2.0
//
// blservicemanager and ServiceManagerClient between processes: add, get,
// list and wait; the protocol's error statuses; a service that dies is
// dropped and its name can be taken again; the manager restarted.
#include "itest.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace itest {
namespace {

namespace sm = binderlite::servicemanager;
using sm::Method;

class ServiceManager : public DeviceTest {};

// A raw request to the manager: @fill writes the request after the
// interface token (unless @token is false).
bl::Parcel call(const bl::ServiceManagerClient &client, Method method,
		const std::function<void(bl::Parcel &)> &fill, bool token = true)
{
	bl::Parcel req(client.dialect());
	if (token)
		req.writeInterfaceToken(sm::kDescriptor);
	fill(req);
	return client.manager().transact(*sm::codeOf(client.dialect(), method), req);
}

// The status of the reply to a raw request: its exception, or the
// transaction error it failed with.
bl::Status statusOf(const bl::ServiceManagerClient &client, Method method,
		    const std::function<void(bl::Parcel &)> &fill, bool token = true)
{
	try {
		const bl::Parcel reply = call(client, method, fill, token);
		auto in = reply.reader();
		return in.readStatus();
	} catch (const bl::Error &e) {
		if (e.kind() != bl::ErrorKind::Remote || !e.remoteStatus())
			throw;
		return *e.remoteStatus();
	}
}

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
	// The raw answer behind nullopt: no exception, a null object.
	const bl::Parcel reply = call(client, Method::CheckService, [](bl::Parcel &r) { r.writeString("itest.nobody"); });
	auto in = reply.reader();
	EXPECT_TRUE(in.readStatus().isOk());
	EXPECT_FALSE(in.readOptionalRemote().has_value());
	EXPECT_TRUE(in.atEnd());
	EXPECT_TRUE(reply.offsets().empty());
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

// As Android's manager: a name registered again is the new service's; the
// old one's death then leaves it alone.
TEST_P(ServiceManager, AddOfATakenNameReplacesIt)
{
	startManager();
	Child &svc = spawnService({"itest.taken"}, [](const auto &) { return makePidService(); });
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto r = client.waitForService("itest.taken", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), svc.pid());

	auto mine = makePidService();
	client.addService("itest.taken", mine);
	auto again = client.getService("itest.taken");
	ASSERT_TRUE(again.has_value());
	EXPECT_EQ(again->local(), mine);
	svc.kill();
	std::this_thread::sleep_for(std::chrono::milliseconds(200));
	EXPECT_EQ(client.listServices(), std::vector<std::string>{"itest.taken"});
	EXPECT_EQ(client.getService("itest.taken")->local(), mine);
}

TEST_P(ServiceManager, ProtocolErrors)
{
	startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto mine = makePidService();
	const bl::Remote me(mine);
	const auto exception = [&](Method m, const std::function<void(bl::Parcel &)> &fill) {
		return statusOf(client, m, fill).exceptionCode();
	};
	const auto failed = [&](Method m, const std::function<void(bl::Parcel &)> &fill, bool token = true) {
		return statusOf(client, m, fill, token).transactionError();
	};

	// Names: a space, empty, too long, a NUL; the longest valid one is taken.
	const auto add = [&](const std::string &name) {
		return [&me, name](bl::Parcel &r) {
			r.writeString(name);
			r.writeRemote(me);
			r.writeBool(false);
			r.writeInt32(sm::kDumpPriorityDefault);
		};
	};
	EXPECT_EQ(exception(Method::AddService, add("bad name")), bl::ExceptionCode::IllegalArgument);
	EXPECT_EQ(exception(Method::AddService, add("")), bl::ExceptionCode::IllegalArgument);
	EXPECT_EQ(exception(Method::AddService, add(std::string("nul\0", 4))), bl::ExceptionCode::IllegalArgument);
	EXPECT_EQ(exception(Method::AddService, add(std::string(128, 'x'))), bl::ExceptionCode::IllegalArgument);
	const std::string longest(127, 'y');
	EXPECT_TRUE(statusOf(client, Method::AddService, add(longest)).isOk());
	// A null object.
	const auto nullAdd = statusOf(client, Method::AddService, [](auto &r) {
		r.writeString("itest.null");
		r.writeNull();
		r.writeBool(false);
		r.writeInt32(sm::kDumpPriorityDefault);
	});
	EXPECT_EQ(nullAdd.exceptionCode(), bl::ExceptionCode::IllegalArgument);
	EXPECT_EQ(nullAdd.message(), "Null binder");
	// Another interface, or none: BAD_TYPE.
	EXPECT_EQ(failed(Method::CheckService, [](auto &r) {
		r.writeInterfaceToken("android.os.IOther");
		r.writeString("itest.x");
	}, false), bl::kBadType);
	EXPECT_EQ(failed(Method::CheckService, [](auto &r) { r.writeString("itest.x"); }, false), bl::kBadType);
	// Truncated: NOT_ENOUGH_DATA; a binder where the name should be: the
	// parcel's EBADMSG.
	EXPECT_EQ(failed(Method::AddService, [](auto &r) { r.writeString("itest.cut"); }), bl::kNotEnoughData);
	EXPECT_EQ(failed(Method::CheckService, [&](auto &r) { r.writeRemote(me); }), -EBADMSG);
	// An unknown code: UNKNOWN_TRANSACTION.
	EXPECT_TRUE(failsWith([&] { (void)client.manager().transact(99, bl::Parcel()); }, bl::ErrorKind::Remote,
			      EBADMSG));
	// Unregistering what was never registered.
	EXPECT_EQ(exception(Method::UnregisterForNotifications, [&](auto &r) {
		r.writeString("itest.x");
		r.writeRemote(me);
	}), bl::ExceptionCode::IllegalState);

	// The client refuses invalid names before sending them.
	EXPECT_TRUE(failsWith([&] { client.addService("bad name", mine); }, bl::ErrorKind::Usage, EINVAL));
	EXPECT_TRUE(failsWith([&] { (void)client.getService(""); }, bl::ErrorKind::Usage, EINVAL));

	// Only the valid one was added, and the manager still serves.
	EXPECT_EQ(client.listServices(), std::vector<std::string>{longest});
	auto r = client.getService(longest);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(r->local(), mine);
	EXPECT_FALSE(client.isDeclared(longest));
}

// The standard transactions, answered by the manager as by any object.
TEST_P(ServiceManager, AnswersTheStandardTransactions)
{
	Child &manager = startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	EXPECT_NO_THROW(client.manager().ping());
	EXPECT_EQ(client.manager().interfaceDescriptor(), "android.os.IServiceManager");
	EXPECT_EQ(client.manager().debugPid(), manager.pid());
	EXPECT_FALSE(client.manager().extension().has_value());
}

TEST_P(ServiceManager, DumpPriorities)
{
	startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	client.addService("itest.critical", makePidService(), false, sm::kDumpPriorityCritical);
	client.addService("itest.normal", makePidService(), true, sm::kDumpPriorityNormal | sm::kDumpPriorityHigh);
	client.addService("itest.default", makePidService());
	EXPECT_EQ(client.listServices(), (std::vector<std::string>{"itest.critical", "itest.default", "itest.normal"}));
	EXPECT_EQ(client.listServices(sm::kDumpPriorityCritical), std::vector<std::string>{"itest.critical"});
	EXPECT_EQ(client.listServices(sm::kDumpPriorityHigh), std::vector<std::string>{"itest.normal"});
	EXPECT_EQ(client.listServices(sm::kDumpPriorityDefault), std::vector<std::string>{"itest.default"});
}

// registerForNotifications(): a callback hears of a service registered
// already, at once, and of each later registration of its name; one that
// dies is dropped.
TEST_P(ServiceManager, RegistrationNotifications)
{
	startManager();
	auto p = process();
	p->startThreadPool(); // the callbacks are oneway calls to us
	PoolGuard pool(p);
	bl::ServiceManagerClient client(p);
	std::mutex m;
	std::vector<std::pair<std::string, pid_t>> heard;
	const auto record = [&](const std::string &name, const bl::Remote &service) {
		const pid_t pid = pidOf(service);
		std::lock_guard g(m);
		heard.emplace_back(name, pid);
	};
	const auto count = [&] {
		std::lock_guard g(m);
		return heard.size();
	};
	auto mine = makePidService();
	client.addService("itest.early", mine);
	auto early = client.registerForNotifications("itest.early", record);
	ASSERT_TRUE(eventually([&] { return count() == 1; }));
	auto late = client.registerForNotifications("itest.late", record);
	Child &svc = spawnService({"itest.late"}, [](const auto &) { return makePidService(); });
	ASSERT_TRUE(eventually([&] { return count() == 2; }));
	{
		std::lock_guard g(m);
		EXPECT_EQ(heard[0], std::make_pair(std::string("itest.early"), ::getpid()));
		EXPECT_EQ(heard[1], std::make_pair(std::string("itest.late"), svc.pid()));
	}
	client.unregisterForNotifications("itest.late", late);
	client.addService("itest.late", mine);
	client.addService("itest.early", mine);
	ASSERT_TRUE(eventually([&] { return count() == 3; }));
	std::this_thread::sleep_for(std::chrono::milliseconds(100));
	EXPECT_EQ(count(), 3u);
	EXPECT_TRUE(failsWith([&] { client.unregisterForNotifications("itest.late", late); }, bl::ErrorKind::Remote,
			      EBUSY)); // IllegalState: not registered any more
	client.unregisterForNotifications("itest.early", early);
}

// The older protocols, as blservicemanager -D speaks them: the C
// servicemanager's (Android 8 to 10), and Android 12's parcels.
TEST_P(ServiceManager, OlderDialects)
{
	for (const bl::Dialect d : {bl::Dialect::Android8, bl::Dialect::Android10, bl::Dialect::Android12}) {
		SCOPED_TRACE(bl::toString(d));
		Child &manager = startManager({}, d);
		{
			auto p = openProcess(device(), bl::Device::kDefaultPoolSize, d);
			bl::ServiceManagerClient client(p);
			EXPECT_EQ(client.dialect(), d);
			auto mine = makePidService();
			client.addService("itest.old.b", mine);
			client.addService("itest.old.a", mine);
			EXPECT_EQ(client.listServices(), (std::vector<std::string>{"itest.old.a", "itest.old.b"}));
			auto r = client.getService("itest.old.a");
			ASSERT_TRUE(r.has_value());
			EXPECT_EQ(r->local(), mine);
			EXPECT_FALSE(client.getService("itest.old.none").has_value());
			if (d < bl::Dialect::Android11) {
				// The C servicemanager fails with -1, EPERM.
				EXPECT_TRUE(failsWith([&] { (void)call(client, Method::AddService, [](auto &r) {
							      r.writeString("bad name");
						      }); }, bl::ErrorKind::Remote, EPERM));
				EXPECT_THROW((void)client.isDeclared("itest.old.a"), bl::Error);
			} else {
				EXPECT_FALSE(client.isDeclared("itest.old.a"));
			}
			// A client of another dialect is refused.
			auto other = openProcess(device());
			bl::ServiceManagerClient newest(other);
			EXPECT_THROW((void)newest.listServices(), bl::Error);
		}
		manager.kill();
	}
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
		// The names are added in order: once the last is there, both are.
		ASSERT_TRUE(client.waitForService("itest.other", kWait).has_value());
		auto r = client.getService("itest.phoenix");
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
	// A service that says when its addService() has returned: the manager
	// makes a service visible (to a checkService() on another of its
	// threads, to a notification) before it replies, and killing it
	// before the reply would fail the service's own call.
	Shared<std::atomic<bool>> registered;
	Child &svc = spawn("service itest.before", [dev = device(), flag = &*registered] {
		auto sp = openProcess(dev);
		auto service = makePidService();
		sp->startThreadPool();
		bl::ServiceManagerClient(sp).addService("itest.before", service);
		*flag = true;
		sp->joinThreadPool();
		return 1;
	});
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto before = client.waitForService("itest.before", kWait);
	ASSERT_TRUE(before.has_value());
	ASSERT_TRUE(eventually([&] { return registered->load(); }));

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
