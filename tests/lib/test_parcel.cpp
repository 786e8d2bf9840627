// SPDX-License-Identifier: GPL-2.0
// Parcel: round trips of every type, the wire format, bounds and type
// errors, objects and offsets, received parcels.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <limits>

using namespace binderlite;
using fake::RawParcel;

namespace {

template <class F> int parcelErrno(F &&f)
{
	try {
		f();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Parcel, e.kind()) << e.what();
		return e.errnum();
	}
	return 0;
}

std::vector<std::byte> bytesOf(std::initializer_list<int> v)
{
	std::vector<std::byte> out;
	for (int b : v)
		out.push_back(static_cast<std::byte>(b));
	return out;
}

class Nop : public Binder {
public:
	void onTransact(std::uint32_t, Parcel::Reader &, Parcel &) override {}
};

} // namespace

TEST(Parcel, EmptyParcel)
{
	Parcel p;
	EXPECT_TRUE(p.empty());
	EXPECT_FALSE(p.isReceived());
	auto r = p.reader();
	EXPECT_TRUE(r.atEnd());
	EXPECT_NO_THROW(r.expectEnd());
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt32(); }));
}

TEST(Parcel, IntegersRoundTrip)
{
	Parcel p;
	p.writeInt8(-128);
	p.writeInt8(127);
	p.writeUint8(255);
	p.writeInt16(-32768);
	p.writeUint16(65535);
	p.writeInt32(std::numeric_limits<std::int32_t>::min());
	p.writeUint32(0xdeadbeef);
	p.writeInt64(std::numeric_limits<std::int64_t>::min());
	p.writeUint64(0x0123456789abcdefULL);
	auto r = p.reader();
	EXPECT_EQ(-128, r.readInt8());
	EXPECT_EQ(127, r.readInt8());
	EXPECT_EQ(255, r.readUint8());
	EXPECT_EQ(-32768, r.readInt16());
	EXPECT_EQ(65535, r.readUint16());
	EXPECT_EQ(std::numeric_limits<std::int32_t>::min(), r.readInt32());
	EXPECT_EQ(0xdeadbeefU, r.readUint32());
	EXPECT_EQ(std::numeric_limits<std::int64_t>::min(), r.readInt64());
	EXPECT_EQ(0x0123456789abcdefULL, r.readUint64());
	EXPECT_TRUE(r.atEnd());
}

TEST(Parcel, BoolFloatDoubleRoundTrip)
{
	Parcel p;
	p.writeBool(true);
	p.writeBool(false);
	p.writeFloat(1.5f);
	p.writeDouble(-2.25e300);
	p.writeDouble(std::numeric_limits<double>::quiet_NaN());
	auto r = p.reader();
	EXPECT_TRUE(r.readBool());
	EXPECT_FALSE(r.readBool());
	EXPECT_EQ(1.5f, r.readFloat());
	EXPECT_EQ(-2.25e300, r.readDouble());
	EXPECT_TRUE(std::isnan(r.readDouble()));
	r.expectEnd();
}

TEST(Parcel, StringsAndBytesRoundTrip)
{
	Parcel p;
	p.writeString("");
	p.writeString("a");
	p.writeString("four");
	p.writeString(std::string("nul\0inside", 10));
	const auto blob = bytesOf({1, 2, 3, 4, 5});
	p.writeBytes(blob);
	p.writeBytes({});
	auto r = p.reader();
	EXPECT_EQ("", r.readString());
	EXPECT_EQ("a", r.readStringView());
	EXPECT_EQ("four", r.readString());
	EXPECT_EQ(std::string("nul\0inside", 10), r.readString());
	EXPECT_EQ(blob, r.readBytes());
	EXPECT_TRUE(r.readByteSpan().empty());
	r.expectEnd();
}

TEST(Parcel, LargeBytes)
{
	std::vector<std::byte> big(100000);
	for (std::size_t i = 0; i < big.size(); i++)
		big[i] = static_cast<std::byte>(i * 7);
	Parcel p;
	p.writeBytes(big);
	auto r = p.reader();
	auto s = r.readByteSpan();
	EXPECT_TRUE(std::equal(s.begin(), s.end(), big.begin(), big.end()));
}

// The wire format as documented: tag words, 4-byte items, 8-byte values,
// length-prefixed strings padded with zeros.
TEST(Parcel, WireFormat)
{
	Parcel p;
	p.writeInt8(-1);
	p.writeUint16(0xbeef);
	p.writeInt64(-2);
	p.writeBool(true);
	p.writeString("abcde");
	RawParcel raw;
	raw.tag(1).word(0xffffffff);
	raw.tag(4).word(0xbeef);
	raw.tag(7).word(0xfffffffe).word(0xffffffff);
	raw.tag(9).word(1);
	raw.str("abcde");
	ASSERT_EQ(raw.data.size(), p.size());
	EXPECT_TRUE(std::equal(raw.data.begin(), raw.data.end(), p.data().begin()));
	EXPECT_EQ(0U, p.size() % 4);
}

TEST(Parcel, ReadPastTheEnd)
{
	Parcel p;
	p.writeInt32(1);
	auto r = p.reader();
	(void)r.readInt32();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt32(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readString(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.peekTag(); }));
	EXPECT_EQ(ENODATA, parcelErrno([&] { r.skip(); }));
}

TEST(Parcel, TruncatedValues)
{
	// A tag whose value runs past the end, through a received buffer.
	fake::Fixture f;
	RawParcel raw;
	raw.tag(7).word(1); // int64 cut in half
	auto t = f.state->deliver(raw);
	Parcel p = detail::Access::receive(f.process, t);
	auto r = p.reader();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readInt64(); }));
	EXPECT_EQ(0U, r.position());
}

TEST(Parcel, StringLengthPastTheEnd)
{
	fake::Fixture f;
	RawParcel raw;
	raw.tag(12).word(1000).word(0x41414141);
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(ENODATA, parcelErrno([&] { (void)r.readString(); }));
	EXPECT_EQ(0U, r.position());
}

TEST(Parcel, WrongTypeThrowsAndKeepsPosition)
{
	Parcel p;
	p.writeInt32(7);
	p.writeString("x");
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readUint32(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readInt64(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readString(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readBool(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(7, r.readInt32());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readBytes(); }));
	EXPECT_EQ("x", r.readString());
}

TEST(Parcel, OutOfRangeValuesAreTypeErrors)
{
	fake::Fixture f;
	RawParcel raw;
	raw.tag(1).word(200);   // int8 200
	raw.tag(2).word(256);   // uint8 256
	raw.tag(9).word(2);     // bool 2
	raw.tag(99).word(0);    // unknown tag
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readInt8(); }));
	r.skip();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readUint8(); }));
	r.skip();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readBool(); }));
	r.skip();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.peekTag(); }));
}

TEST(Parcel, NonZeroPaddingIsMalformed)
{
	fake::Fixture f;
	RawParcel raw;
	raw.tag(12).word(1).word(0x41414141); // "A" then 3 bytes of padding 'A'
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readString(); }));
}

TEST(Parcel, PeekAndSkipEveryType)
{
	auto b = std::make_shared<Nop>();
	Parcel p;
	p.writeInt8(1);
	p.writeUint64(2);
	p.writeDouble(3);
	p.writeString("four");
	p.writeBytes(bytesOf({5}));
	p.writeBinder(b);
	p.writeNull();
	p.writeFloat(8);
	auto r = p.reader();
	const Parcel::Tag want[] = {Parcel::Tag::Int8, Parcel::Tag::UInt64, Parcel::Tag::Double,
				    Parcel::Tag::String, Parcel::Tag::Bytes, Parcel::Tag::Object,
				    Parcel::Tag::Null, Parcel::Tag::Float};
	for (auto t : want) {
		EXPECT_EQ(t, r.peekTag());
		r.skip();
	}
	EXPECT_TRUE(r.atEnd());
	EXPECT_STREQ("object", toString(Parcel::Tag::Object));
}

TEST(Parcel, ExpectEndWithLeftovers)
{
	Parcel p;
	p.writeInt32(1);
	auto r = p.reader();
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
	ASSERT_EQ(2U, p.offsets().size());
	EXPECT_EQ(12U, p.offsets()[0]); // int32 item (8), then the object's tag (4)
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
	auto r = p.reader();
	EXPECT_FALSE(r.readOptionalRemote().has_value());
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(nullptr, r.readBinder());
	EXPECT_FALSE(r.readOptionalRemote());
}

TEST(Parcel, ValueOverlappingAnObjectIsATypeError)
{
	// An offset pointing into the middle of an int64's value: the driver
	// would have rewritten those bytes.
	fake::Fixture f;
	RawParcel raw;
	raw.u64(1);
	raw.offsets.push_back(4);
	raw.data.resize(raw.data.size() + 24);
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readUint64(); }));
}

TEST(Parcel, ObjectNotListedInOffsets)
{
	fake::Fixture f;
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_HANDLE;
	obj.handle = 3;
	RawParcel raw;
	raw.object(obj, false);
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
	EXPECT_EQ(EBADMSG, parcelErrno([&] { r.skip(); }));
	EXPECT_EQ(0U, f.process->handleCount());
}

TEST(Parcel, UnsupportedObjectTypes)
{
	fake::Fixture f;
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_WEAK_HANDLE;
	RawParcel raw;
	raw.object(obj);
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, parcelErrno([&] { (void)r.readRemote(); }));
}

TEST(Parcel, ReceivedParcelIsReadOnly)
{
	fake::Fixture f;
	RawParcel raw;
	raw.i32(5);
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw, 0, BINDERLITE_TF_ONE_WAY));
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
		Parcel a = detail::Access::receive(f.process, t);
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
	Parcel a = detail::Access::receive(f.process, t1);
	a = detail::Access::receive(f.process, t2);
	EXPECT_EQ(std::vector<std::uint64_t>{t1.data.ptr.buffer}, f.state->freed());
	a = Parcel();
	EXPECT_EQ((std::vector<std::uint64_t>{t1.data.ptr.buffer, t2.data.ptr.buffer}), f.state->freed());
}

TEST(Parcel, ReceivedBufferOutsideThePoolIsRefusedAndFreed)
{
	fake::Fixture f;
	static const std::int32_t outside[2] = {5, 1};
	binderlite_transaction_data t{};
	t.data_size = sizeof(outside);
	t.data.ptr.buffer = reinterpret_cast<std::uintptr_t>(outside);
	try {
		Parcel p = detail::Access::receive(f.process, t);
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
		Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
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
	Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
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
		Parcel p = detail::Access::receive(f.process, f.state->deliver(raw));
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
