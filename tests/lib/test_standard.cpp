// SPDX-License-Identifier: GPL-2.0
// The standard transactions every Binder answers, AIDL status replies both
// ways, and dialects: Status and its errno, the dialects' names, a
// Process's dialect, the check of a parcel's dialect when it is sent.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>

using namespace binderlite;
using fake::hexBytes;
using fake::RawParcel;
using fake::Returns;
using fake::caught;

namespace {

class Dumper : public Binder {
public:
	Dumper() : Binder("binderlite.test.IDumper") {}
	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override
	{
		switch (code) {
		case 1:
			in.enforceInterface(interfaceDescriptor());
			reply.writeNoException();
			reply.writeString("ok");
			return;
		case 2:
			reply.writeInt32(1); // dropped: the exception is the reply
			throw Error::exception(ExceptionCode::IllegalArgument, "no");
		case 3:
			throw Error::serviceSpecific(42, "x");
		default:
			throw Error::unknownTransaction(code);
		}
	}
	void dump(int fd, const std::vector<std::string> &args) override
	{
		std::string text;
		for (const auto &a : args)
			text += a + ";";
		(void)!::write(fd, text.data(), text.size());
		dumped = args;
	}
	std::vector<std::string> dumped;
};

std::int32_t statusOf(const fake::Command &c)
{
	std::int32_t st = 0;
	EXPECT_EQ(4U, c.data.size());
	std::memcpy(&st, c.data.data(), 4);
	return st;
}

} // namespace

TEST(Standard, TheCodes)
{
	EXPECT_EQ(0x5f504e47U, kPingTransaction);      // '_PNG'
	EXPECT_EQ(0x5f4e5446U, kInterfaceTransaction); // '_NTF'
	EXPECT_EQ(0x5f444d50U, kDumpTransaction);      // '_DMP'
	EXPECT_EQ(0x5f504944U, kDebugPidTransaction);  // '_PID'
	EXPECT_EQ(0x5f455854U, kExtensionTransaction); // '_EXT'
	EXPECT_EQ(0x5f535052U, kSyspropsTransaction);  // '_SPR'
}

TEST(Standard, LocalObject)
{
	auto d = std::make_shared<Dumper>();
	const Remote r(d);
	EXPECT_NO_THROW(r.ping());
	EXPECT_EQ("binderlite.test.IDumper", r.interfaceDescriptor());
	EXPECT_EQ(::getpid(), r.debugPid());
	EXPECT_FALSE(r.extension());
	auto ext = makeBinder("binderlite.test.IExt", [](std::uint32_t, Parcel::Reader &, Parcel &) {});
	d->setExtension(Remote(ext));
	ASSERT_TRUE(r.extension());
	EXPECT_EQ(ext, r.extension()->local());
	d->setExtension(std::nullopt);
	EXPECT_FALSE(r.extension());
	int p[2];
	ASSERT_EQ(0, ::pipe(p));
	r.dump(p[1], {"-a", "b\xc3\xa9"});
	::close(p[1]);
	char buf[64] = {};
	EXPECT_EQ(7, ::read(p[0], buf, sizeof(buf)));
	EXPECT_STREQ("-a;b\xc3\xa9;", buf);
	::close(p[0]);
	EXPECT_EQ((std::vector<std::string>{"-a", "b\xc3\xa9"}), d->dumped);
	// An object without a descriptor says "".
	EXPECT_EQ("", Remote(makeBinder([](std::uint32_t, Parcel::Reader &, Parcel &) {})).interfaceDescriptor());
}

TEST(Standard, LocalCallsMapStatusesAsRemoteOnes)
{
	auto d = std::make_shared<Dumper>();
	const Remote r(d);
	Parcel ok;
	ok.writeInterfaceToken("binderlite.test.IDumper");
	Parcel reply = r.transact(1, ok);
	auto in = reply.reader();
	in.readException();
	EXPECT_EQ("ok", in.readString());
	// An exception is the reply's content, not a failed call.
	Parcel ex = r.transact(2, Parcel());
	EXPECT_EQ(hexBytes("fdffffff 02000000 6e006f00 00000000 00000000"),
		  std::vector<std::byte>(ex.data().begin(), ex.data().end()));
	// A wrong token: BAD_TYPE; an unknown code: UNKNOWN_TRANSACTION.
	Parcel wrong;
	wrong.writeInterfaceToken("binderlite.test.IOther");
	Error e = caught([&] { (void)r.transact(1, wrong); });
	EXPECT_EQ(ErrorKind::Remote, e.kind());
	EXPECT_EQ(kBadType, e.remoteStatus()->transactionError());
	EXPECT_EQ(EBADMSG, e.errnum());
	e = caught([&] { (void)r.transact(9, Parcel()); });
	EXPECT_EQ(kUnknownTransaction, e.remoteStatus()->transactionError());
}

TEST(Standard, IncomingStandardTransactions)
{
	fake::Fixture f;
	auto d = std::make_shared<Dumper>();
	f.process->becomeContextManager(d);
	const auto id = d->id();
	const auto replyTo = [&](std::uint32_t code, const RawParcel &req) {
		f.state->clearLog();
		serveOne(f, f.state->deliver(req, code, 0, id, id));
		return f.state->only(BINDERLITE_BC_REPLY).at(0);
	};
	// PING and SYSPROPS: an empty reply.
	auto ping = replyTo(kPingTransaction, RawParcel());
	EXPECT_EQ(0U, ping.txn().flags & BINDERLITE_TF_STATUS_CODE);
	EXPECT_TRUE(ping.data.empty());
	EXPECT_TRUE(replyTo(kSyspropsTransaction, RawParcel()).data.empty());
	// INTERFACE: the descriptor, a String16.
	RawParcel iface;
	iface.str("binderlite.test.IDumper");
	EXPECT_EQ(iface.data, replyTo(kInterfaceTransaction, RawParcel()).data);
	// DEBUG_PID: our pid.
	RawParcel pid;
	pid.i32(::getpid());
	EXPECT_EQ(pid.data, replyTo(kDebugPidTransaction, RawParcel()).data);
	// EXTENSION: a null object, or the extension.
	RawParcel none;
	none.null();
	EXPECT_EQ(none.data, replyTo(kExtensionTransaction, RawParcel()).data);
	d->setExtension(fake::remoteTo(f, 8));
	RawParcel eight;
	eight.handle(8);
	const auto ext = replyTo(kExtensionTransaction, RawParcel());
	EXPECT_EQ(eight.data, ext.data);
	EXPECT_EQ(eight.offsets, ext.offsets);
	d->setExtension(std::nullopt);
	// DUMP: the descriptor, a count, the arguments; an empty reply.
	int p[2];
	ASSERT_EQ(0, ::pipe(p));
	RawParcel dump;
	dump.fd(::dup(p[1])).i32(2).str("x").str("y");
	::close(p[1]);
	EXPECT_TRUE(replyTo(kDumpTransaction, dump).data.empty());
	EXPECT_EQ((std::vector<std::string>{"x", "y"}), d->dumped);
	char buf[16] = {};
	EXPECT_EQ(4, ::read(p[0], buf, sizeof(buf)));
	EXPECT_STREQ("x;y;", buf);
	::close(p[0]);
	EXPECT_TRUE(f.errors->empty());
}

TEST(Standard, IncomingStatusReplies)
{
	fake::Fixture f;
	auto d = std::make_shared<Dumper>();
	f.process->becomeContextManager(d);
	const auto id = d->id();
	const auto replyTo = [&](std::uint32_t code, const RawParcel &req) {
		f.state->clearLog();
		serveOne(f, f.state->deliver(req, code, 0, id, id));
		return f.state->only(BINDERLITE_BC_REPLY).at(0);
	};
	// An AIDL call and its reply: a status header, then the result.
	RawParcel call;
	call.token("binderlite.test.IDumper");
	auto ok = replyTo(1, call);
	RawParcel want;
	want.i32(0).str("ok");
	EXPECT_EQ(want.data, ok.data);
	// Exceptions: an ordinary reply holding the status header.
	auto ex = replyTo(2, RawParcel());
	EXPECT_EQ(0U, ex.txn().flags & BINDERLITE_TF_STATUS_CODE);
	EXPECT_EQ(hexBytes("fdffffff 02000000 6e006f00 00000000 00000000"), ex.data);
	auto ss = replyTo(3, RawParcel());
	EXPECT_EQ(hexBytes("f8ffffff 01000000 78000000 00000000 2a000000"), ss.data);
	// Transaction errors: TF_STATUS_CODE and the status_t.
	RawParcel wrong;
	wrong.token("binderlite.test.IOther");
	auto bad = replyTo(1, wrong);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TF_STATUS_CODE), bad.txn().flags);
	EXPECT_EQ(kBadType, statusOf(bad));
	EXPECT_EQ(kUnknownTransaction, statusOf(replyTo(7, RawParcel())));
	EXPECT_TRUE(f.errors->empty());
}

TEST(Standard, OutgoingStandardTransactions)
{
	fake::Fixture f;
	const Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(RawParcel())));
	r.ping();
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	EXPECT_EQ(kPingTransaction, tx.txn().code);
	EXPECT_TRUE(tx.data.empty());

	RawParcel iface;
	iface.str("a.b.IC");
	f.state->script(Returns().noop().complete().reply(f.state->deliver(iface)));
	EXPECT_EQ("a.b.IC", r.interfaceDescriptor());

	RawParcel pid;
	pid.i32(77);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(pid)));
	EXPECT_EQ(77, r.debugPid());

	RawParcel ext;
	ext.handle(6);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(ext)));
	const auto e = r.extension();
	ASSERT_TRUE(e);
	EXPECT_EQ(6U, e->handle());

	f.state->clearLog();
	f.state->script(Returns().noop().complete().reply(f.state->deliver(RawParcel())));
	r.dump(STDERR_FILENO, {"-h"});
	tx = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	EXPECT_EQ(kDumpTransaction, tx.txn().code);
	RawParcel dump;
	dump.fd(STDERR_FILENO).i32(1).str("-h");
	EXPECT_EQ(dump.data, tx.data);
	EXPECT_EQ(dump.offsets, tx.offsets);

	// A libbinder object answering with a status_t of its own kind.
	f.state->script(Returns().noop().complete().reply(f.state->statusReply(kBadType)));
	Error err = caught([&] { r.ping(); });
	EXPECT_EQ(ErrorKind::Remote, err.kind());
	EXPECT_EQ(EBADMSG, err.errnum());
	EXPECT_EQ(kBadType, err.remoteStatus()->transactionError());
	f.state->script(Returns().noop().complete().reply(f.state->statusReply(kUnknownError)));
	err = caught([&] { r.ping(); });
	EXPECT_EQ(EREMOTEIO, err.errnum());
	EXPECT_EQ(kUnknownError, err.remoteStatus()->transactionError());
}

TEST(Status, ErrnoOfEachStatus)
{
	EXPECT_EQ(0, Status::ok().errnum());
	EXPECT_EQ(EACCES, Status::fromExceptionCode(ExceptionCode::Security).errnum());
	EXPECT_EQ(EBADMSG, Status::fromExceptionCode(ExceptionCode::BadParcelable).errnum());
	EXPECT_EQ(EINVAL, Status::fromExceptionCode(ExceptionCode::IllegalArgument).errnum());
	EXPECT_EQ(EFAULT, Status::fromExceptionCode(ExceptionCode::NullPointer).errnum());
	EXPECT_EQ(EBUSY, Status::fromExceptionCode(ExceptionCode::IllegalState).errnum());
	EXPECT_EQ(EOPNOTSUPP, Status::fromExceptionCode(ExceptionCode::UnsupportedOperation).errnum());
	EXPECT_EQ(EREMOTEIO, Status::fromServiceSpecificError(3).errnum());
	EXPECT_EQ(EIO, Status::fromExceptionCode(ExceptionCode::TransactionFailed).errnum());
	EXPECT_EQ(kFailedTransaction, Status::fromExceptionCode(ExceptionCode::TransactionFailed).transactionError());
	EXPECT_EQ(ENOENT, Status::fromStatusT(-ENOENT).errnum());
	EXPECT_EQ(EBADMSG, Status::fromStatusT(kBadType).errnum());
	EXPECT_EQ(EPERM, Status::fromStatusT(kFdsNotAllowed).errnum());
	EXPECT_EQ(EINVAL, Status::fromStatusT(kUnexpectedNull).errnum());
	EXPECT_EQ(EREMOTEIO, Status::fromStatusT(kUnknownError).errnum());
	EXPECT_TRUE(Status::fromStatusT(0).isOk());
	EXPECT_TRUE(Status::fromExceptionCode(ExceptionCode::None, "ignored").isOk());
	EXPECT_EQ(0, Status::fromExceptionCode(ExceptionCode::Security).serviceSpecificErrorCode());
}

TEST(Status, AsLibbinderSaysIt)
{
	EXPECT_EQ("No error", Status::ok().toString());
	EXPECT_EQ("Status(-3, EX_ILLEGAL_ARGUMENT): 'Null binder'",
		  Status::fromExceptionCode(ExceptionCode::IllegalArgument, "Null binder").toString());
	EXPECT_EQ("Status(-8, EX_SERVICE_SPECIFIC): '42: x'", Status::fromServiceSpecificError(42, "x").toString());
	EXPECT_EQ("Status(-129, EX_TRANSACTION_FAILED): 'UNKNOWN_TRANSACTION: '",
		  Status::fromStatusT(kUnknownTransaction).toString());
	EXPECT_EQ("Status(-129, EX_TRANSACTION_FAILED): '-ENOENT: '", Status::fromStatusT(-ENOENT).toString());
	EXPECT_EQ("-42", toString(static_cast<ExceptionCode>(-42)));
}

TEST(Status, Errors)
{
	const Error a = Error::exception(ExceptionCode::Security, "SELinux denial");
	EXPECT_EQ(ErrorKind::Remote, a.kind());
	EXPECT_EQ(EACCES, a.errnum());
	EXPECT_EQ("SELinux denial", a.remoteStatus()->message());
	const Error b = Error::status(ENOENT);
	EXPECT_EQ(-ENOENT, b.remoteStatus()->transactionError());
	const Error c(ErrorKind::Parcel, EBADMSG, "x");
	EXPECT_FALSE(c.remoteStatus());
	EXPECT_THROW((void)Error::fromStatus(Status::ok()), Error);
	EXPECT_EQ(EREMOTEIO, Error::serviceSpecific(5).errnum());
}

TEST(Dialects, NamesAndLibgbindersNames)
{
	struct Row {
		Dialect d;
		const char *name, *releases, *protocol, *manager;
	};
	const Row rows[] = {
		{Dialect::Android8, "android8", "8 and 8.1", "aidl", "aidl"},
		{Dialect::Android9, "android9", "9", "aidl", "aidl2"},
		{Dialect::Android10, "android10", "10", "aidl2", "aidl2"},
		{Dialect::Android11, "android11", "11", "aidl3", "aidl3"},
		{Dialect::Android12, "android12", "12 and 12L", "aidl4", "aidl3"},
		{Dialect::Android13, "android13", "13 and 14", "aidl3", "aidl3"},
		{Dialect::Android15, "android15", "15", "aidl3", "aidl5"},
		{Dialect::Android16, "android16", "16", "aidl3", "aidl6"},
	};
	ASSERT_EQ(std::size(rows), kDialects.size());
	for (const auto &r : rows) {
		EXPECT_STREQ(r.name, toString(r.d));
		EXPECT_STREQ(r.releases, androidReleases(r.d));
		EXPECT_STREQ(r.protocol, gbinderProtocol(r.d));
		EXPECT_STREQ(r.manager, gbinderServiceManager(r.d));
		EXPECT_EQ(r.d, parseDialect(r.name));
	}
	EXPECT_EQ(Dialect::Android16, kNewestDialect);
	EXPECT_EQ(Dialect::Android11, parseDialect("11"));
	EXPECT_EQ(Dialect::Android13, parseDialect("Android14"));
	EXPECT_EQ(Dialect::Android12, parseDialect("12L"));
	EXPECT_EQ(std::nullopt, parseDialect("7"));
	EXPECT_EQ(std::nullopt, parseDialect("aidl3"));
	EXPECT_TRUE(sameParcelFormat(Dialect::Android11, Dialect::Android16));
	EXPECT_TRUE(sameParcelFormat(Dialect::Android8, Dialect::Android9));
	EXPECT_FALSE(sameParcelFormat(Dialect::Android11, Dialect::Android12));
	EXPECT_FALSE(sameParcelFormat(Dialect::Android9, Dialect::Android10));
}

TEST(Dialects, OfAProcess)
{
	fake::Fixture f(1 << 20, Dialect::Android12);
	EXPECT_EQ(Dialect::Android12, f.process->dialect());
	RawParcel raw;
	raw.i32(1);
	Parcel p = fake::received(f, f.state->deliver(raw));
	EXPECT_EQ(Dialect::Android12, p.dialect());

	::setenv("BINDERLITE_DIALECT", "android11", 1);
	EXPECT_EQ(Dialect::Android11, defaultDialect());
	::setenv("BINDERLITE_DIALECT", "7", 1);
	EXPECT_EQ(EINVAL, caught([] { (void)defaultDialect(); }).errnum());
	::unsetenv("BINDERLITE_DIALECT");
	EXPECT_EQ(kNewestDialect, defaultDialect());
}

TEST(Dialects, AParcelOfAnotherFormatIsNotSent)
{
	fake::Fixture f(1 << 20, Dialect::Android9);
	const Remote r = fake::remoteTo(f, 5);
	f.state->clearLog();
	// An interface token of Android 16's format.
	Parcel token;
	token.writeInterfaceToken("a.B");
	Error e = caught([&] { r.transactOneway(1, token); });
	EXPECT_EQ(ErrorKind::Usage, e.kind());
	EXPECT_EQ(EXDEV, e.errnum());
	// An object of Android 16's format.
	Parcel object;
	object.writeNull();
	EXPECT_EQ(EXDEV, caught([&] { r.transactOneway(1, object); }).errnum());
	EXPECT_TRUE(f.state->only(BINDERLITE_BC_TRANSACTION).empty());
	// Plain data is the same in every dialect.
	f.state->script(Returns().noop().complete());
	Parcel plain;
	plain.writeInt32(1);
	plain.writeString("x");
	EXPECT_NO_THROW(r.transactOneway(1, plain));
	// A parcel of the same format will do (Android 8's is 9's).
	f.state->script(Returns().noop().complete());
	Parcel same(Dialect::Android8);
	same.writeInterfaceToken("a.B");
	EXPECT_NO_THROW(r.transactOneway(1, same));
}
