// SPDX-License-Identifier: GPL-2.0
// Device: the version check, the pool, the ioctls; SystemDriver errors.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace binderlite;

TEST(Device, OpensChecksVersionAndMapsThePool)
{
	auto s = std::make_shared<fake::State>();
	Device d(std::make_unique<fake::FakeDriver>(s), 64 * 1024);
	EXPECT_EQ(8, d.protocolVersion());
	EXPECT_EQ(64U * 1024, d.pool().size());
	EXPECT_EQ(s->poolStorage.size() * 8, d.pool().size());
	EXPECT_EQ(static_cast<unsigned long>(BINDERLITE_VERSION), s->ioctls.at(0));
	const auto base = reinterpret_cast<std::uintptr_t>(d.pool().data());
	EXPECT_TRUE(d.inPool(base, 64 * 1024));
	EXPECT_TRUE(d.inPool(base + 100, 0));
	EXPECT_FALSE(d.inPool(base + 1, 64 * 1024));
	EXPECT_FALSE(d.inPool(base - 1, 1));
	EXPECT_FALSE(d.inPool(base + 10, ~std::uint64_t{0}));
}

TEST(Device, VersionMismatchIsAClearError)
{
	auto s = std::make_shared<fake::State>();
	s->version = 7;
	try {
		Device d(std::make_unique<fake::FakeDriver>(s));
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Protocol, e.kind());
		EXPECT_EQ(EPROTONOSUPPORT, e.errnum());
		EXPECT_NE(std::string(e.what()).find("protocol 7"), std::string::npos) << e.what();
	}
	EXPECT_TRUE(s->poolStorage.empty()); // never mapped
}

TEST(Device, MapFailure)
{
	auto s = std::make_shared<fake::State>();
	s->mapError = ENOMEM;
	try {
		Device d(std::make_unique<fake::FakeDriver>(s));
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::System, e.kind());
		EXPECT_EQ(ENOMEM, e.errnum());
	}
}

TEST(Device, IoctlsReachTheDriver)
{
	auto s = std::make_shared<fake::State>();
	Device d(std::make_unique<fake::FakeDriver>(s));
	d.setMaxThreads(4);
	EXPECT_EQ(4U, s->maxThreads);
	d.setContextManager(0x10, 0x20);
	ASSERT_TRUE(s->contextManager);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_BINDER), s->contextManager->hdr.type);
	EXPECT_EQ(0x10U, s->contextManager->binder);
	EXPECT_EQ(0x20U, s->contextManager->cookie);
	s->ext = {12, BINDERLITE_BR_FAILED_REPLY, -22};
	const auto ee = d.extendedError();
	EXPECT_EQ(12U, ee.id);
	EXPECT_EQ(-22, ee.param);
	d.threadExit();
	EXPECT_EQ(1, s->threadExits);
	d.wakeAll();
	EXPECT_EQ(1, s->wakes);
}

TEST(Device, WriteReadRetriesEintrAndReportsErrors)
{
	auto s = std::make_shared<fake::State>();
	Device d(std::make_unique<fake::FakeDriver>(s));
	binderlite_write_read bwr{};
	s->writeReadError = EINTR;
	EXPECT_NO_THROW(d.writeRead(bwr));
	s->writeReadError = EFAULT;
	try {
		d.writeRead(bwr);
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::System, e.kind());
		EXPECT_EQ(EFAULT, e.errnum());
		EXPECT_EQ(e.code(), std::errc::bad_address);
	}
}

TEST(Device, ContextManagerBusy)
{
	auto s = std::make_shared<fake::State>();
	s->contextManagerError = EBUSY;
	Device d(std::make_unique<fake::FakeDriver>(s));
	try {
		d.setContextManager(1, 1);
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(EBUSY, e.errnum());
		EXPECT_NE(std::string(e.what()).find("SET_CONTEXT_MGR_EXT"), std::string::npos);
	}
}

TEST(SystemDriver, MissingDevice)
{
	try {
		SystemDriver d("/nonexistent/binderlite");
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::System, e.kind());
		EXPECT_EQ(ENOENT, e.errnum());
		EXPECT_NE(std::string(e.what()).find("/nonexistent/binderlite"), std::string::npos);
	}
}

TEST(SystemDriver, NotABinderDevice)
{
	// /dev/null opens, but knows no binder ioctl.
	try {
		Device d = Device::open("/dev/null");
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::System, e.kind());
		EXPECT_NE(std::string(e.what()).find("BINDERLITE_VERSION"), std::string::npos);
	}
}

TEST(Error, KindsAndCodes)
{
	Error e(ErrorKind::FailedReply, EINVAL, "call", binderlite_extended_error{3, BINDERLITE_BR_FAILED_REPLY, -EINVAL});
	EXPECT_FALSE(e.dead());
	EXPECT_EQ(std::errc::invalid_argument, e.code());
	ASSERT_TRUE(e.extended());
	EXPECT_EQ(3U, e.extended()->id);
	EXPECT_NE(std::string(e.what()).find("BR_FAILED_REPLY"), std::string::npos) << e.what();
	DeadObject d("gone");
	EXPECT_TRUE(d.dead());
	EXPECT_EQ(EPIPE, d.errnum());
	const Error &base = d;
	EXPECT_EQ(ErrorKind::DeadObject, base.kind());
	const std::system_error &sys = d;
	EXPECT_EQ(std::errc::broken_pipe, sys.code());
	EXPECT_EQ(ErrorKind::Remote, Error::status(ENOENT).kind());
	EXPECT_STREQ("failed reply", toString(ErrorKind::FailedReply));
}

TEST(Process, OpenOfAMissingDeviceThrowsAndCanBeRetried)
{
	ProcessOptions o;
	o.device = "/nonexistent/binderlite";
	for (int i = 0; i < 2; i++) {
		try {
			(void)Process::open(o);
			FAIL();
		} catch (const Error &e) {
			EXPECT_EQ(ENOENT, e.errnum());
		}
	}
}

TEST(Process, CreateGivesIndependentProcesses)
{
	fake::Fixture a, b;
	EXPECT_NE(a.process, b.process);
	EXPECT_EQ(Device::kDefaultPoolSize, a.process->device().pool().size());
	fake::Fixture small(64 * 1024);
	EXPECT_EQ(64U * 1024, small.process->device().pool().size());
}
