// SPDX-License-Identifier: GPL-2.0
// libbinder's wire format, byte by byte, against bytes written by hand
// (little-endian, as every test machine is): each type, the interface
// token and the binder objects of every dialect, the status header both
// ways, and the example dump of Documentation/userspace.rst.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>

using namespace binderlite;
using fake::hexBytes;
using fake::hexDump;
using fake::RawParcel;
using fake::Nop;
using fake::parcelErrno;

namespace {

std::vector<std::byte> bytes(const Parcel &p) { return {p.data().begin(), p.data().end()}; }

// The 8 bytes of @v, little-endian, as hex.
std::string le64(std::uint64_t v)
{
	char s[17];
	std::snprintf(s, sizeof(s), "%016llx", static_cast<unsigned long long>(__builtin_bswap64(v)));
	return s;
}

#define EXPECT_BYTES(hex, parcel) EXPECT_EQ(hexBytes(hex), bytes(parcel)) << hexDump((parcel).data())

// A parcel of @hex's bytes, received by @f's process (in its dialect).
Parcel receivedHex(fake::Fixture &f, std::string_view hex, std::vector<binderlite_size_t> offsets = {})
{
	return fake::received(f, f.state->deliver(hexBytes(hex), offsets));
}

} // namespace

TEST(Wire, Scalars)
{
	Parcel p;
	p.writeInt32(-2);
	p.writeUint32(0xdeadbeef);
	p.writeInt64(-2);
	p.writeUint64(0x0123456789abcdefULL);
	p.writeFloat(1.5f);
	p.writeDouble(-2.0);
	p.writeBool(true);
	p.writeBool(false);
	p.writeByte(-1);   // sign-extended to an int32
	p.writeChar(u'\xe9');
	EXPECT_BYTES("feffffff efbeadde feffffff ffffffff efcdab89 67452301 0000c03f"
		     "00000000 000000c0 01000000 00000000 ffffffff e9000000",
		     p);
	EXPECT_TRUE(p.offsets().empty());
}

TEST(Wire, String16)
{
	// The length in UTF-16 units, the units, a NUL unit, zero padding.
	const auto one = [](auto &&write) {
		Parcel p;
		write(p);
		return p;
	};
	EXPECT_BYTES("00000000 00000000", one([](Parcel &p) { p.writeString(""); }));
	EXPECT_BYTES("02000000 68006900 00000000", one([](Parcel &p) { p.writeString("hi"); }));
	EXPECT_BYTES("03000000 61006200 63000000", one([](Parcel &p) { p.writeString("abc"); }));
	EXPECT_BYTES("01000000 e9000000", one([](Parcel &p) { p.writeString("\xc3\xa9"); }));        // é
	EXPECT_BYTES("01000000 ac200000", one([](Parcel &p) { p.writeString("\xe2\x82\xac"); }));    // €
	EXPECT_BYTES("02000000 3dd800de 00000000",                                                    // U+1F600
		     one([](Parcel &p) { p.writeString("\xf0\x9f\x98\x80"); }));
	EXPECT_BYTES("02000000 00006100 00000000", one([](Parcel &p) { p.writeString(std::string("\0a", 2)); }));
	EXPECT_BYTES("02000000 61006200 00000000", one([](Parcel &p) { p.writeString16(u"ab"); }));
	EXPECT_BYTES("ffffffff", one([](Parcel &p) { p.writeNullableString(std::nullopt); }));
	EXPECT_BYTES("ffffffff", one([](Parcel &p) { p.writeNullableString16(std::nullopt); }));
}

TEST(Wire, Arrays)
{
	const std::byte three[] = {std::byte{1}, std::byte{2}, std::byte{3}};
	const std::byte four[] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
	const std::int32_t ints[] = {1, -1};
	const std::int64_t longs[] = {1};
	const std::string strings[] = {"a", ""};
	Parcel p;
	p.writeByteArray(three);
	p.writeByteArray(four);
	p.writeByteArray({});
	p.writeNullableByteArray(std::nullopt);
	p.writeInt32Array(ints);
	p.writeInt64Array(longs);
	p.writeStringArray(strings);
	p.writeNullArray();
	EXPECT_BYTES("03000000 01020300"
		     "04000000 01020304"
		     "00000000"
		     "ffffffff"
		     "02000000 01000000 ffffffff"
		     "01000000 01000000 00000000"
		     "02000000 01000000 61000000 00000000 00000000"
		     "ffffffff",
		     p);
}

TEST(Wire, InterfaceTokenOfEachDialect)
{
	const auto token = [](Dialect d) {
		Parcel p(d);
		p.writeInterfaceToken("a.B");
		return bytes(p);
	};
	// Android 8 and 9: the strict-mode policy with PENALTY_GATHER (0x40 << 16).
	EXPECT_EQ(hexBytes("00004000 03000000 61002e00 42000000"), token(Dialect::Android8));
	EXPECT_EQ(hexBytes("00004000 03000000 61002e00 42000000"), token(Dialect::Android9));
	// Android 10: PENALTY_GATHER moved to 1 << 31; the work source (-1, unset).
	EXPECT_EQ(hexBytes("00000080 ffffffff 03000000 61002e00 42000000"), token(Dialect::Android10));
	// Android 11 on: the header 'SYST' (B_PACK_CHARS, so "TSYS" in memory).
	for (const Dialect d : {Dialect::Android11, Dialect::Android12, Dialect::Android13, Dialect::Android15,
				Dialect::Android16})
		EXPECT_EQ(hexBytes("00000080 ffffffff 54535953 03000000 61002e00 42000000"), token(d)) << toString(d);
}

TEST(Wire, ReadingTheInterfaceToken)
{
	fake::Fixture f(1 << 20, Dialect::Android10);
	Parcel p = receivedHex(f, "00000080 05000000 03000000 61002e00 42000000");
	auto r = p.reader();
	const InterfaceToken t = r.readInterfaceToken();
	EXPECT_EQ(std::numeric_limits<std::int32_t>::min(), t.strictModePolicy);
	EXPECT_EQ(5, t.workSource);
	EXPECT_EQ("a.B", t.descriptor);
	EXPECT_TRUE(r.atEnd());

	fake::Fixture g;
	// A header that is not 'SYST' (a vendor process's 'VNDR'): refused.
	Parcel q = receivedHex(g, "00000080 ffffffff 52444e56 03000000 61002e00 42000000");
	auto s = q.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)s.readInterfaceToken(); }));
	EXPECT_EQ(0U, s.position());
	// enforceInterface(): BAD_TYPE, as AIDL code answers.
	try {
		s.enforceInterface("a.B");
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Remote, e.kind());
		ASSERT_TRUE(e.remoteStatus());
		EXPECT_EQ(kBadType, e.remoteStatus()->transactionError());
	}
	Parcel ok = receivedHex(g, "00000080 ffffffff 54535953 03000000 61002e00 42000000");
	auto t2 = ok.reader();
	EXPECT_THROW(t2.enforceInterface("a.C"), Error);
	EXPECT_EQ(0U, t2.position());
	t2.enforceInterface("a.B");
	EXPECT_TRUE(t2.atEnd());
}

TEST(Wire, BinderObjectsOfEachDialect)
{
	auto obj = std::make_shared<Nop>();
	const std::string id = le64(obj->id());
	struct Row {
		Dialect d;
		const char *stability; // of a system object; of a null one
		const char *nullStability;
	};
	const Row rows[] = {
		{Dialect::Android8, "", ""},
		{Dialect::Android10, "", ""},
		{Dialect::Android11, "0c000000", "00000000"},
		{Dialect::Android12, "0100000c", "01000000"}, // {version 1, 0, 0, level}
		{Dialect::Android13, "0c000000", "00000000"},
		{Dialect::Android16, "0c000000", "00000000"},
	};
	for (const auto &row : rows) {
		SCOPED_TRACE(toString(row.d));
		fake::Fixture f(1 << 20, row.d);
		const Remote handle = fake::remoteTo(f, 5);
		Parcel p(row.d);
		p.writeBinder(obj);
		p.writeRemote(handle);
		p.writeNull();
		const std::size_t object = 24 + std::string_view(row.stability).size() / 2;
		// BINDER: type 's','b','*',0x85; flags ACCEPTS_FDS | nice 19;
		// binder and cookie our id. HANDLE: flags 19, the handle. A null
		// object: a BINDER of 0, flags 19, not listed.
		EXPECT_BYTES("852a6273 13010000" + id + id + row.stability + "852a6873 13000000 05000000 00000000"
			     "00000000 00000000" + row.stability + "852a6273 13000000 00000000 00000000"
			     "00000000 00000000" + row.nullStability,
			     p);
		EXPECT_EQ((std::vector<binderlite_size_t>{0, object}),
			  std::vector<binderlite_size_t>(p.offsets().begin(), p.offsets().end()));
		auto r = p.reader();
		EXPECT_EQ(obj, r.readBinder());
		EXPECT_EQ(5U, r.readRemote().handle());
		EXPECT_FALSE(r.readOptionalRemote());
		r.expectEnd();
	}
}

TEST(Wire, AStabilityReceivedIsPassedOn)
{
	// A VINTF object passed on keeps its level; Android 12's too.
	for (const Dialect d : {Dialect::Android16, Dialect::Android12}) {
		fake::Fixture f(1 << 20, d);
		RawParcel raw;
		raw.handle(9, d == Dialect::Android12 ? 0x3f000001 : 0x3f);
		Parcel in = fake::received(f, f.state->deliver(raw));
		const Remote vintf = in.reader().readRemote();
		Parcel out(d);
		out.writeRemote(vintf);
		EXPECT_BYTES(std::string("852a6873 13000000 09000000 00000000 00000000 00000000") +
				     (d == Dialect::Android12 ? "0100003f" : "3f000000"),
			     out);
	}
}

TEST(Wire, Android12Stability)
{
	fake::Fixture f(1 << 20, Dialect::Android12);
	// Version 1 and a declared level; a null object's level is 0.
	RawParcel good;
	good.stability = false;
	good.handle(3).u32(0x0c000001).null().u32(0x00000001);
	Parcel p = fake::received(f, f.state->deliver(good));
	auto r = p.reader();
	EXPECT_EQ(3U, r.readRemote().handle());
	EXPECT_FALSE(r.readOptionalRemote());
	r.expectEnd();
	// Another wire format version, or Android 13's plain level: refused.
	for (const std::uint32_t bad : {0x0c000002u, 0x0000000cu, 0x0c010001u}) {
		RawParcel raw;
		raw.stability = false;
		raw.handle(4).u32(bad);
		Parcel q = fake::received(f, f.state->deliver(raw));
		auto s = q.reader();
		EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)s.readRemote(); })) << std::hex << bad;
	}
}

TEST(Wire, FileDescriptors)
{
	int p[2];
	ASSERT_EQ(0, ::pipe(p));
	Parcel parcel;
	parcel.writeFileDescriptor(p[0]);         // borrowed: cookie 0
	parcel.writeFileDescriptor(UniqueFd(p[1])); // owned: cookie 1
	char fd0[9], fd1[9];
	std::snprintf(fd0, sizeof(fd0), "%08x", __builtin_bswap32(static_cast<std::uint32_t>(p[0])));
	std::snprintf(fd1, sizeof(fd1), "%08x", __builtin_bswap32(static_cast<std::uint32_t>(p[1])));
	// FD: type 'f','d','*',0x85; flags 0; the descriptor; no stability.
	EXPECT_BYTES(std::string("852a6466 00000000") + fd0 + "00000000 00000000 00000000" + "852a6466 00000000" +
			     fd1 + "00000000 01000000 00000000",
		     parcel);
	EXPECT_EQ((std::vector<binderlite_size_t>{0, 24}),
		  std::vector<binderlite_size_t>(parcel.offsets().begin(), parcel.offsets().end()));
	::close(p[0]);
}

TEST(Wire, StatusHeaders)
{
	const auto status = [](const Status &s) {
		Parcel p;
		p.writeStatus(s);
		return bytes(p);
	};
	// The code; then the message (a String16), an empty remote stack trace
	// header, and the service-specific code or an empty parcelable.
	EXPECT_EQ(hexBytes("00000000"), status(Status::ok()));
	EXPECT_EQ(hexBytes("fdffffff 03000000 62006100 64000000 00000000"),
		  status(Status::fromExceptionCode(ExceptionCode::IllegalArgument, "bad")));
	EXPECT_EQ(hexBytes("f8ffffff 01000000 78000000 00000000 2a000000"),
		  status(Status::fromServiceSpecificError(42, "x")));
	EXPECT_EQ(hexBytes("f7ffffff 00000000 00000000 00000000 00000000"),
		  status(Status::fromExceptionCode(ExceptionCode::Parcelable)));
	Parcel p;
	p.writeNoException();
	EXPECT_BYTES("00000000", p);
	try {
		p.writeStatus(Status::fromStatusT(-EPERM));
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Usage, e.kind());
	}
}

TEST(Wire, ReadingStatusHeaders)
{
	fake::Fixture f;
	struct Case {
		const char *hex;
		Status want;
		std::size_t rest; // bytes after the header
	};
	const Case cases[] = {
		{"00000000", Status::ok(), 0},
		{"fdffffff 03000000 62006100 64000000 00000000",
		 Status::fromExceptionCode(ExceptionCode::IllegalArgument, "bad"), 0},
		{"f8ffffff 01000000 78000000 00000000 2a000000", Status::fromServiceSpecificError(42, "x"), 0},
		// Java's null message.
		{"f8ffffff ffffffff 00000000 07000000", Status::fromServiceSpecificError(7), 0},
		// A remote stack trace header of 8 bytes (its size field included).
		{"fcffffff 00000000 00000000 08000000 deadbeef 2a000000",
		 Status::fromExceptionCode(ExceptionCode::NullPointer), 4},
		// An EX_PARCELABLE with a parcelable of 12 bytes.
		{"f7ffffff 00000000 00000000 00000000 0c000000 aaaaaaaa bbbbbbbb",
		 Status::fromExceptionCode(ExceptionCode::Parcelable), 0},
		// StrictMode's fat reply header: the call succeeded.
		{"80ffffff 0c000000 aaaaaaaa bbbbbbbb 2a000000", Status::ok(), 4},
		{"80ffffff 00000000 2a000000", Status::ok(), 4},
		// Noted app-ops: a count, entries of a String16 and two int64,
		// then the real code.
		{"81ffffff 01000000 01000000 70000000 01000000 00000000 02000000 00000000 00000000 2a000000",
		 Status::ok(), 4},
		{"81ffffff 00000000 fbffffff 00000000 00000000 00000000",
		 Status::fromExceptionCode(ExceptionCode::IllegalState), 0},
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.hex);
		Parcel p = receivedHex(f, c.hex);
		auto r = p.reader();
		EXPECT_EQ(c.want, r.readStatus());
		EXPECT_EQ(c.rest, r.remaining());
	}
	// Malformed: a header size below 4, past the end; a cut message.
	for (const char *hex : {"80ffffff 02000000 00000000", "fdffffff 00000000 00000000 10000000",
				"f7ffffff 00000000 00000000 00000000 08000000"}) {
		Parcel p = receivedHex(f, hex);
		auto r = p.reader();
		EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readStatus(); })) << hex;
		EXPECT_EQ(0U, r.position());
	}
	Parcel cut = receivedHex(f, "fdffffff 05000000 62006100");
	auto rc = cut.reader();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)rc.readStatus(); }));
	// readException() throws the status, as an Error of kind Remote.
	Parcel ex = receivedHex(f, "f8ffffff 01000000 78000000 00000000 2a000000");
	auto re = ex.reader();
	try {
		re.readException();
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Remote, e.kind());
		EXPECT_EQ(EREMOTEIO, e.errnum());
		ASSERT_TRUE(e.remoteStatus());
		EXPECT_EQ(42, e.remoteStatus()->serviceSpecificErrorCode());
		EXPECT_EQ("x", e.remoteStatus()->message());
	}
}

// The example of Documentation/userspace.rst ("Parcel wire format"): the
// hello service's registration with the service manager, Android 16.
TEST(Wire, TheDocumentationsExample)
{
	auto hello = std::make_shared<Nop>();
	Parcel p;
	servicemanager::encodeAddRequest(p, "hello", Remote(hello));
	const std::string id = le64(hello->id());
	const std::string dump = "00000080 ffffffff 54535953 1a000000"   // token: policy, work source, 'SYST', 26 units
				 "61006e00 64007200 6f006900 64002e00"   // android.
				 "6f007300 2e004900 53006500 72007600"   // os.IServ
				 "69006300 65004d00 61006e00 61006700"   // iceManag
				 "65007200 00000000"                     // er, NUL, padding
				 "05000000 68006500 6c006c00 6f000000"   // "hello" and NUL
				 "852a6273 13010000" +                   // BINDER, flags 0x113
				 id + id +                               // binder, cookie
				 "0c000000 00000000 08000000";           // stability, allowIsolated, dump priority
	EXPECT_BYTES(dump, p);
	EXPECT_EQ(124U, p.size());
	ASSERT_EQ(1U, p.offsets().size());
	EXPECT_EQ(88U, p.offsets()[0]);
}
