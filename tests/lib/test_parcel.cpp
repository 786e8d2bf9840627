// SPDX-License-Identifier: GPL-2.0
// Parcel: round trips of every type, bounds and malformed values, objects
// and offsets, received parcels. The bytes of each type are in
// test_wire.cpp.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <limits>

using namespace binderlite;
using fake::RawParcel;
using fake::Nop;
using fake::parcelErrno;
using fake::received;

namespace {

std::vector<std::byte> bytesOf(std::initializer_list<int> v)
{
	std::vector<std::byte> out;
	for (int b : v)
		out.push_back(static_cast<std::byte>(b));
	return out;
}

// A parcel of @raw's bytes, as received.
} // namespace

TEST(Parcel, EmptyParcel)
{
	Parcel p;
	EXPECT_TRUE(p.empty());
	EXPECT_FALSE(p.isReceived());
	EXPECT_EQ(kNewestDialect, p.dialect());
	auto r = p.reader();
	EXPECT_TRUE(r.atEnd());
	EXPECT_NO_THROW(r.expectEnd());
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt32(); }));
}

TEST(Parcel, ScalarsRoundTrip)
{
	Parcel p;
	p.writeInt32(std::numeric_limits<std::int32_t>::min());
	p.writeUint32(0xdeadbeef);
	p.writeInt64(std::numeric_limits<std::int64_t>::min());
	p.writeUint64(0x0123456789abcdefULL);
	p.writeBool(true);
	p.writeBool(false);
	p.writeByte(-128);
	p.writeByte(127);
	p.writeChar(u'\xffff');
	p.writeFloat(1.5f);
	p.writeDouble(-2.25e300);
	p.writeDouble(std::numeric_limits<double>::quiet_NaN());
	auto r = p.reader();
	EXPECT_EQ(std::numeric_limits<std::int32_t>::min(), r.readInt32());
	EXPECT_EQ(0xdeadbeefU, r.readUint32());
	EXPECT_EQ(std::numeric_limits<std::int64_t>::min(), r.readInt64());
	EXPECT_EQ(0x0123456789abcdefULL, r.readUint64());
	EXPECT_TRUE(r.readBool());
	EXPECT_FALSE(r.readBool());
	EXPECT_EQ(-128, r.readByte());
	EXPECT_EQ(127, r.readByte());
	EXPECT_EQ(u'\xffff', r.readChar());
	EXPECT_EQ(1.5f, r.readFloat());
	EXPECT_EQ(-2.25e300, r.readDouble());
	EXPECT_TRUE(std::isnan(r.readDouble()));
	r.expectEnd();
}

TEST(Parcel, StringsRoundTrip)
{
	Parcel p;
	p.writeString("");
	p.writeString("a");
	p.writeString("four");
	p.writeString(std::string("nul\0inside", 10));
	p.writeString("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"); // été € U+1F600
	p.writeString16(u"sixteen");
	p.writeNullableString(std::nullopt);
	p.writeNullableString16(std::nullopt);
	p.writeNullableString("x");
	auto r = p.reader();
	EXPECT_EQ("", r.readString());
	EXPECT_EQ("a", r.readString());
	EXPECT_EQ(u"four", r.readString16());
	EXPECT_EQ(std::string("nul\0inside", 10), r.readString());
	EXPECT_EQ("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", r.readString());
	EXPECT_EQ("sixteen", r.readString());
	EXPECT_EQ(std::nullopt, r.readNullableString16());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readString(); })); // a null one
	EXPECT_EQ(std::nullopt, r.readNullableString());
	EXPECT_EQ(std::optional<std::string>("x"), r.readNullableString());
	r.expectEnd();
}

TEST(Parcel, InvalidUtf8IsRefusedAndNothingWritten)
{
	Parcel p;
	for (const char *bad : {"\xff", "\xc3", "\xc0\xaf" /* overlong */, "\xed\xa0\x80" /* a surrogate */,
				"\xf4\x90\x80\x80" /* past U+10FFFF */}) {
		try {
			p.writeString(bad);
			ADD_FAILURE() << "wrote " << bad;
		} catch (const Error &e) {
			EXPECT_EQ(ErrorKind::Parcel, e.kind());
			EXPECT_EQ(EILSEQ, e.errnum());
		}
	}
	const std::string names[] = {"good", "\xff"};
	EXPECT_THROW(p.writeStringArray(names), Error);
	EXPECT_THROW(p.writeInterfaceToken("\xff"), Error);
	EXPECT_TRUE(p.empty());
}

TEST(Parcel, ArraysRoundTrip)
{
	Parcel p;
	const auto blob = bytesOf({1, 2, 3, 4, 5});
	p.writeByteArray(blob);
	p.writeByteArray({});
	p.writeNullableByteArray(std::nullopt);
	p.writeNullableByteArray(std::span<const std::byte>(blob));
	const std::int32_t ints[] = {1, -2, 3};
	p.writeInt32Array(ints);
	const std::int64_t longs[] = {-1, 1LL << 40};
	p.writeInt64Array(longs);
	const std::string names[] = {"a", "", "\xc3\xa9"};
	p.writeStringArray(names);
	p.writeNullArray();
	auto r = p.reader();
	EXPECT_EQ(blob, r.readByteArray());
	EXPECT_TRUE(r.readByteSpan().empty());
	EXPECT_EQ(std::nullopt, r.readNullableByteArray());
	EXPECT_EQ(std::optional(blob), r.readNullableByteArray());
	EXPECT_EQ((std::vector<std::int32_t>{1, -2, 3}), r.readInt32Array());
	EXPECT_EQ((std::vector<std::int64_t>{-1, 1LL << 40}), r.readInt64Array());
	EXPECT_EQ((std::vector<std::string>{"a", "", "\xc3\xa9"}), r.readStringArray());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readInt32Array(); })); // null
	EXPECT_EQ(-1, r.readInt32());
	r.expectEnd();
}

TEST(Parcel, LargeByteArray)
{
	std::vector<std::byte> big(100001);
	for (std::size_t i = 0; i < big.size(); i++)
		big[i] = static_cast<std::byte>(i * 7);
	Parcel p;
	p.writeByteArray(big);
	EXPECT_EQ(4U + 100004U, p.size());
	auto r = p.reader();
	const auto view = r.readByteSpan();
	EXPECT_TRUE(std::equal(view.begin(), view.end(), big.begin(), big.end()));
	r.expectEnd();
}

TEST(Parcel, ReadPastTheEnd)
{
	Parcel p;
	p.writeInt32(1);
	auto r = p.reader();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt64(); }));
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(1, r.readInt32());
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt32(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readString(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readFileDescriptor(); }));
}

TEST(Parcel, LengthsPastTheEndOrNegative)
{
	fake::Fixture f;
	RawParcel raw;
	raw.word(1000).word(0x00410041); // a String16 of 1000 units, 2 there
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readString(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readByteArray(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readStringArray(); }));
	EXPECT_EQ(0U, r.position());

	RawParcel neg;
	neg.i32(-2).i32(0x7fffffff);
	Parcel q = received(f, neg);
	auto s = q.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)s.readString(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)s.readNullableByteArray(); }));
	EXPECT_EQ(-2, s.readInt32());
	// 0x7fffffff units: never allocated, never read.
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)s.readNullableString16(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)s.readInt64Array(); }));
}

TEST(Parcel, MalformedValues)
{
	fake::Fixture f;
	RawParcel raw;
	raw.word(2);                       // bool 2
	raw.word(0x1ff);                   // byte 511
	raw.word(0x10000);                 // char 65536
	raw.word(1).word(0x00000041 | 0x00410000); // String16 "A" whose NUL is 'A'
	raw.word(1).word(0x0000d800);      // an unpaired surrogate
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readBool(); }));
	EXPECT_EQ(2, r.readInt32());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readByte(); }));
	EXPECT_EQ(0x1ff, r.readInt32());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readChar(); }));
	EXPECT_EQ(0x10000, r.readInt32());
	const auto at = r.position();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readString(); }));
	EXPECT_EQ(at, r.position());
	EXPECT_EQ(1, r.readInt32());
	EXPECT_EQ(0x00410041, r.readInt32());
	EXPECT_EQ(u"\xd800", r.readString16()); // as UTF-16 it is fine
	r.expectEnd();
	auto again = p.reader();
	for (int i = 0; i < 5; i++)
		(void)again.readInt32();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)again.readString(); })); // not as UTF-8
}

TEST(Parcel, ZeroExtendedBytesAreRead)
{
	// libgbinder writes a byte zero-extended: 0xff for -1.
	fake::Fixture f;
	RawParcel raw;
	raw.word(0xff).word(0xffffffff).word(0x80);
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ(-1, r.readByte());
	EXPECT_EQ(-1, r.readByte());
	EXPECT_EQ(-128, r.readByte());
}

TEST(Parcel, PaddingIsNotChecked)
{
	// libgbinder pads an empty String16 with 0xffff; libbinder reads
	// whatever is there.
	fake::Fixture f;
	RawParcel raw;
	raw.word(0).word(0xffff0000).word(1).word(0xaaaaaaaa);
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ("", r.readString());
	EXPECT_EQ(bytesOf({0xaa}), r.readByteArray());
	r.expectEnd();
}

TEST(Parcel, FailedReadsKeepThePosition)
{
	Parcel p;
	p.writeInt32(3);
	p.writeInt32(7);
	auto r = p.reader();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt32Array(); })); // 3 items, 1 there
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readStringArray(); }));
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(3, r.readInt32());
	EXPECT_EQ(7, r.readInt32());
}

TEST(Parcel, ExpectEndWithLeftovers)
{
	Parcel p;
	p.writeInt32(1);
	p.writeInt32(2);
	auto r = p.reader();
	(void)r.readInt32();
	EXPECT_EQ(4U, r.remaining());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { r.expectEnd(); }));
}

TEST(Parcel, BinderObjectsAndOffsets)
{
	auto a = std::make_shared<Nop>();
	auto b = std::make_shared<Nop>();
	Parcel p;
	p.writeInt32(1);
	p.writeBinder(a);
	p.writeString("between");
	p.writeBinder(b);
	p.writeBinder(nullptr);
	// Objects are listed; a null one is not.
	ASSERT_EQ(2U, p.offsets().size());
	EXPECT_EQ(4U, p.offsets()[0]);
	EXPECT_EQ(4U + 24 + 4 + 4 + 16, p.offsets()[1]); // int32, object, stability, "between"
	flat_binderlite_object obj;
	std::memcpy(&obj, p.data().data() + p.offsets()[0], sizeof(obj));
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_BINDER), obj.hdr.type);
	EXPECT_EQ(a->id(), obj.binder);
	EXPECT_EQ(a->id(), obj.cookie);
	std::memcpy(&obj, p.data().data() + p.offsets()[1], sizeof(obj));
	EXPECT_EQ(b->id(), obj.binder);
	// The parcel keeps its objects alive.
	std::weak_ptr<Nop> wa = a;
	a.reset();
	EXPECT_FALSE(wa.expired());

	auto r = p.reader();
	EXPECT_EQ(1, r.readInt32());
	EXPECT_EQ(wa.lock(), r.readBinder());
	EXPECT_EQ("between", r.readString());
	auto rb = r.readRemote();
	EXPECT_TRUE(rb.isLocal());
	EXPECT_EQ(b, rb.local());
	EXPECT_EQ(nullptr, r.readBinder());
	r.expectEnd();
}

TEST(Parcel, NullObjects)
{
	Parcel p;
	p.writeNull();
	p.writeNull();
	p.writeNull();
	EXPECT_TRUE(p.offsets().empty());
	EXPECT_EQ(3U * 28, p.size());
	auto r = p.reader();
	EXPECT_FALSE(r.readOptionalRemote().has_value());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(nullptr, r.readBinder());
	EXPECT_FALSE(r.readOptionalWeakRemote());
	r.expectEnd();
}

TEST(Parcel, ValueOverlappingAnObjectIsMalformed)
{
	// An offset pointing into the middle of an int64's value: the driver
	// would have rewritten those bytes.
	fake::Fixture f;
	RawParcel raw;
	raw.u64(1);
	raw.offsets.push_back(4);
	raw.data.resize(raw.data.size() + 24);
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readUint64(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readByteArray(); }));
}

TEST(Parcel, ObjectNotListedInOffsets)
{
	fake::Fixture f;
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_HANDLE;
	obj.handle = 3;
	RawParcel raw;
	raw.object(obj, false).word(0x0c);
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readOptionalWeakRemote(); }));
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(0U, f.process->handleCount());
}

TEST(Parcel, WrongObjectTypes)
{
	fake::Fixture f;
	RawParcel raw;
	raw.weakHandle(4);
	Parcel p = received(f, raw);
	auto r = p.reader();
	// A weak reference where a strong one is expected.
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readFileDescriptor(); }));
	EXPECT_EQ(0U, r.position());
}

TEST(Parcel, StabilityIsChecked)
{
	fake::Fixture f;
	// A handle with an undeclared stability, a null object with one.
	RawParcel bad;
	bad.handle(3, 0);
	Parcel p = received(f, bad);
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(0U, f.process->handleCount());

	RawParcel badNull;
	flat_binderlite_object null{};
	null.hdr.type = BINDERLITE_TYPE_BINDER;
	badNull.object(null, false).word(0x0c);
	Parcel q = received(f, badNull);
	auto s = q.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)s.readOptionalRemote(); }));

	// Vendor and VINTF will do.
	RawParcel good;
	good.handle(3, 0x03).handle(4, 0x3f);
	Parcel g = received(f, good);
	auto t = g.reader();
	EXPECT_EQ(3U, t.readRemote().handle());
	EXPECT_EQ(4U, t.readRemote().handle());
	t.expectEnd();
}

TEST(Parcel, ReceivedParcelIsReadOnly)
{
	fake::Fixture f;
	RawParcel raw;
	raw.i32(5);
	Parcel p = fake::received(f, f.state->deliver(raw, 0, BINDERLITE_TF_ONE_WAY));
	EXPECT_TRUE(p.isReceived());
	EXPECT_TRUE(p.isOneway());
	try {
		p.writeInt32(1);
		FAIL() << "wrote to a received parcel";
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Usage, e.kind());
		EXPECT_EQ(EROFS, e.errnum());
	}
	EXPECT_EQ(5, p.reader().readInt32());
}

TEST(Parcel, ReceivedParcelFreesOnceAndMoves)
{
	fake::Fixture f;
	RawParcel raw;
	raw.i32(5);
	const auto t = f.state->deliver(raw, 0, 0);
	{
		Parcel a = fake::received(f, t);
		EXPECT_EQ(4242, a.senderPid());
		EXPECT_EQ(1000U, a.senderEuid());
		Parcel b = std::move(a);
		EXPECT_FALSE(a.isReceived());
		EXPECT_TRUE(a.empty());
		Parcel c;
		c = std::move(b);
		EXPECT_EQ(5, c.reader().readInt32());
		EXPECT_TRUE(f.state->freed().empty());
	}
	EXPECT_EQ(std::vector<std::uint64_t>{t.data.ptr.buffer}, f.state->freed());
}

TEST(Parcel, MoveAssignOverReceivedFreesTheOldBuffer)
{
	fake::Fixture f;
	RawParcel raw;
	raw.i32(1);
	const auto t1 = f.state->deliver(raw);
	const auto t2 = f.state->deliver(raw);
	Parcel a = fake::received(f, t1);
	a = fake::received(f, t2);
	EXPECT_EQ(std::vector<std::uint64_t>{t1.data.ptr.buffer}, f.state->freed());
	a = Parcel();
	EXPECT_EQ((std::vector<std::uint64_t>{t1.data.ptr.buffer, t2.data.ptr.buffer}), f.state->freed());
}

TEST(Parcel, ReceivedBufferOutsideThePoolIsRefusedAndFreed)
{
	fake::Fixture f;
	static const std::int32_t kOutside[2] = {5, 1};
	binderlite_transaction_data t{};
	t.data_size = sizeof(kOutside);
	t.data.ptr.buffer = reinterpret_cast<std::uintptr_t>(kOutside);
	try {
		Parcel p = fake::received(f, t);
		FAIL() << "accepted a buffer outside the pool";
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Protocol, e.kind());
	}
	EXPECT_EQ(1U, f.state->freed().size());
}

TEST(Parcel, ReceivedBadOffsetsRefused)
{
	fake::Fixture f;
	RawParcel raw;
	raw.i32(1);
	raw.offsets.push_back(2); // misaligned, and the object would not fit
	try {
		Parcel p = fake::received(f, f.state->deliver(raw));
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Protocol, e.kind());
		EXPECT_EQ(EPROTO, e.errnum());
	}
	EXPECT_EQ(1U, f.state->freed().size());
}

TEST(Parcel, ReceivedHandleBecomesRemote)
{
	fake::Fixture f;
	RawParcel raw;
	raw.handle(7).i32(9);
	Parcel p = fake::received(f, f.state->deliver(raw));
	auto r = p.reader();
	Remote rem = r.readRemote();
	EXPECT_FALSE(rem.isLocal());
	EXPECT_EQ(7U, rem.handle());
	EXPECT_EQ(f.process, rem.process());
	EXPECT_EQ(9, r.readInt32());
	// References taken before the buffer goes.
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE}), f.state->codes());
}

TEST(Parcel, WriteRemoteKeepsTheReference)
{
	fake::Fixture f;
	RawParcel raw;
	raw.handle(3);
	Parcel out;
	{
		Parcel p = fake::received(f, f.state->deliver(raw));
		Remote rem = p.reader().readRemote();
		out.writeRemote(rem);
	}
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_RELEASE));
	flat_binderlite_object obj;
	ASSERT_EQ(1U, out.offsets().size());
	std::memcpy(&obj, out.data().data() + out.offsets()[0], sizeof(obj));
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_HANDLE), obj.hdr.type);
	EXPECT_EQ(3U, obj.handle);
	EXPECT_EQ(3U, out.reader().readRemote().handle());
	out = Parcel();
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_RELEASE));
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_DECREFS));
}
