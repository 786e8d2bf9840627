// SPDX-License-Identifier: GPL-2.0
//
// Calls between processes: parcels of every type, 1 MiB each way, oneway
// calls, callbacks nested in calls, error statuses, objects passed through
// a third process, and references given back.
#include "itest.hpp"

#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <numbers>
#include <set>
#include <sys/syscall.h>
#include <thread>
#include <vector>

namespace itest {
namespace {

class Transact : public DeviceTest {};

pid_t gettid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

enum Code : std::uint32_t {
	kPing = 1,        // -> int32 pid, int32 sender pid, uint32 sender euid
	kCanonical,       // canonical() -> checked, then canonical() back
	kEcho,            // string types, items of those types -> the same items (see echo())
	kSum,             // bytes -> uint64 size, uint64 fnv1a
	kMake,            // uint64 seed, uint64 size -> bytes pattern(seed, size)
	kOneway,          // oneway: uint32 seq, bytes pattern(seq, ...); seq % 50 == 10 throws
	kOnewayStats,     // -> uint32 count, bool in order, uint32 bad, uint32 reports
	kFail,            // int32 errno -> throws Error::status(errno)
	kThrowRuntime,    // throws std::runtime_error
	kBadRead,         // reads a string, whatever came
	kCallFail,        // object, int32 errno -> calls its kFail(errno), lets it through
	kForwardPing,     // object -> calls its kPing: what it answers, and the object
	kBounce,          // object, int32 n -> trace (see Bouncer)
	kHold,            // object -> uint32 our handle count
	kCallHeld,        // -> what the held object answers to kPid
	kDrop,            // -> uint32 our handle count before, and after, dropping it
};

// The canonical parcel: a value of every type, with the edges of each.
const std::string kNulInside("nul\0inside", 10);
const std::string kLong(1000, 'L');

float floatBits(std::uint32_t u) { return std::bit_cast<float>(u); }
double doubleBits(std::uint64_t u) { return std::bit_cast<double>(u); }

void writeCanonical(bl::Parcel &p, const std::shared_ptr<bl::Binder> &mine)
{
	using L8 = std::numeric_limits<std::int8_t>;
	using L32 = std::numeric_limits<std::int32_t>;
	using L64 = std::numeric_limits<std::int64_t>;
	p.writeByte(L8::min());
	p.writeByte(L8::max());
	p.writeChar(u'\xffff');
	p.writeChar(u'\x20ac');
	p.writeInt32(L32::min());
	p.writeInt32(L32::max());
	p.writeUint32(0xffffffffu);
	p.writeInt64(L64::min());
	p.writeInt64(L64::max());
	p.writeUint64(~0ull);
	p.writeBool(true);
	p.writeBool(false);
	p.writeFloat(-0.0f);
	p.writeFloat(std::numeric_limits<float>::infinity());
	p.writeFloat(floatBits(0x7fc00123));      // a NaN with a payload
	p.writeFloat(floatBits(0x00000001));      // the smallest denormal
	p.writeDouble(-0.0);
	p.writeDouble(-std::numeric_limits<double>::infinity());
	p.writeDouble(doubleBits(0x7ff8000000000abcull));
	p.writeDouble(std::numbers::pi);
	for (const char *s : {"", "a", "ab", "abc", "abcd", "abcde", "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93"})
		p.writeString(s);
	p.writeString(kNulInside);
	p.writeString(kLong);
	p.writeString("\xf0\x9f\x98\x80"); // beyond the BMP: a surrogate pair
	p.writeString16(u"sixteen \xd83d\xde00");
	p.writeNullableString(std::nullopt);
	p.writeNullableString16(std::nullopt);
	for (std::size_t n = 0; n <= 7; n++)
		p.writeByteArray(pattern(n, n));
	p.writeByteArray(pattern(99, 4096));
	p.writeNullableByteArray(std::nullopt);
	const std::int32_t ints[] = {L32::min(), 0, L32::max()};
	p.writeInt32Array(ints);
	const std::int64_t longs[] = {L64::min(), -1};
	p.writeInt64Array(longs);
	const std::string names[] = {"one", "", "thr\xc3\xa9\xc3\xa9"};
	p.writeStringArray(names);
	p.writeNull();
	p.writeBinder(nullptr);
	p.writeBinder(mine);
	p.writeInt32(0x12345678);
}

// Reads the canonical parcel with typed reads; the object in it is
// returned. Throws CheckFailed naming the first value that differs.
bl::Remote readCanonical(bl::Parcel::Reader &in)
{
	using L8 = std::numeric_limits<std::int8_t>;
	using L32 = std::numeric_limits<std::int32_t>;
	using L64 = std::numeric_limits<std::int64_t>;
#define EQ(read, want) ITEST_CHECK((read) == (want), "at offset " << in.position())
	EQ(in.readByte(), L8::min());
	EQ(in.readByte(), L8::max());
	EQ(in.readChar(), u'\xffff');
	EQ(in.readChar(), u'\x20ac');
	EQ(in.readInt32(), L32::min());
	EQ(in.readInt32(), L32::max());
	EQ(in.readUint32(), 0xffffffffu);
	EQ(in.readInt64(), L64::min());
	EQ(in.readInt64(), L64::max());
	EQ(in.readUint64(), ~0ull);
	EQ(in.readBool(), true);
	EQ(in.readBool(), false);
	EQ(std::bit_cast<std::uint32_t>(in.readFloat()), 0x80000000u);
	EQ(std::bit_cast<std::uint32_t>(in.readFloat()), 0x7f800000u);
	EQ(std::bit_cast<std::uint32_t>(in.readFloat()), 0x7fc00123u);
	EQ(std::bit_cast<std::uint32_t>(in.readFloat()), 0x00000001u);
	EQ(std::bit_cast<std::uint64_t>(in.readDouble()), 0x8000000000000000ull);
	EQ(std::bit_cast<std::uint64_t>(in.readDouble()), 0xfff0000000000000ull);
	EQ(std::bit_cast<std::uint64_t>(in.readDouble()), 0x7ff8000000000abcull);
	EQ(in.readDouble(), std::numbers::pi);
	for (const char *s : {"", "a", "ab", "abc", "abcd", "abcde", "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93"})
		EQ(in.readString(), s);
	EQ(in.readString(), kNulInside);
	EQ(in.readString(), kLong);
	EQ(in.readString16(), u"\xd83d\xde00");
	EQ(in.readString(), "sixteen \xf0\x9f\x98\x80");
	EQ(in.readNullableString16().has_value(), false);
	EQ(in.readNullableString().has_value(), false);
	for (std::size_t n = 0; n <= 7; n++)
		EQ(in.readByteArray(), pattern(n, n));
	const auto big = in.readByteSpan();
	EQ(fnv1a(big), fnv1a(pattern(99, 4096)));
	EQ(in.readNullableByteArray().has_value(), false);
	EQ(in.readInt32Array(), (std::vector<std::int32_t>{L32::min(), 0, L32::max()}));
	EQ(in.readInt64Array(), (std::vector<std::int64_t>{L64::min(), -1}));
	EQ(in.readStringArray(), (std::vector<std::string>{"one", "", "thr\xc3\xa9\xc3\xa9"}));
	EQ(in.readOptionalRemote().has_value(), false);
	EQ(in.readBinder(), nullptr);
	bl::Remote obj = in.readRemote();
	EQ(in.readInt32(), 0x12345678);
	ITEST_CHECK(in.atEnd(), in.remaining() << " bytes left");
	in.expectEnd();
#undef EQ
	return obj;
}

// Echoes the items of @in into @out: a string says their types, one
// letter each: i int32, I uint32, l int64, L uint64, z bool, f float,
// d double, s string, a byte array, o object, n null object, w weak
// object, F file descriptor.
void echo(bl::Parcel::Reader &in, bl::Parcel &out)
{
	for (const char t : in.readString()) {
		switch (t) {
		case 'i': out.writeInt32(in.readInt32()); break;
		case 'I': out.writeUint32(in.readUint32()); break;
		case 'l': out.writeInt64(in.readInt64()); break;
		case 'L': out.writeUint64(in.readUint64()); break;
		case 'z': out.writeBool(in.readBool()); break;
		case 'f': out.writeFloat(in.readFloat()); break;
		case 'd': out.writeDouble(in.readDouble()); break;
		case 's': out.writeString(in.readString()); break;
		case 'a': out.writeByteArray(in.readByteSpan()); break;
		case 'o': out.writeRemote(in.readRemote()); break;
		case 'n':
			ITEST_CHECK(!in.readOptionalRemote(), "not a null object");
			out.writeNull();
			break;
		case 'w': out.writeWeakRemote(in.readWeakRemote()); break;
		case 'F': out.writeFileDescriptor(in.readFileDescriptor()); break;
		default: throw bl::Error::status(EINVAL, std::string("echo: no type ") + t);
		}
	}
	in.expectEnd();
}

// A trace of nested calls: uint32 count, then (string side, int32 tid)
// per hop, innermost first.
struct Hop {
	std::string side;
	pid_t tid;
};

std::vector<Hop> readTrace(bl::Parcel::Reader &in)
{
	std::vector<Hop> t(in.readUint32());
	for (auto &h : t) {
		h.side = in.readString();
		h.tid = in.readInt32();
	}
	return t;
}

void writeTrace(bl::Parcel &out, const std::vector<Hop> &t)
{
	out.writeUint32(static_cast<std::uint32_t>(t.size()));
	for (const auto &h : t) {
		out.writeString(h.side);
		out.writeInt32(h.tid);
	}
}

// kBounce(other, n): adds a hop for this side; while n > 0, first calls
// other's kBounce(this, n - 1), so that the calls nest back and forth.
class Bouncer : public bl::Binder {
public:
	static std::shared_ptr<Bouncer> make(std::string side)
	{
		auto b = std::make_shared<Bouncer>(std::move(side));
		b->self_ = b;
		return b;
	}
	explicit Bouncer(std::string side) : side_(std::move(side)) {}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		if (code != kBounce)
			throw bl::Error::unknownTransaction(code);
		const bl::Remote other = in.readRemote();
		const std::int32_t n = in.readInt32();
		in.expectEnd();
		std::vector<Hop> trace;
		if (n > 0) {
			bl::Parcel req;
			req.writeBinder(self_.lock());
			req.writeInt32(n - 1);
			bl::Parcel r = other.transact(kBounce, req);
			auto rd = r.reader();
			trace = readTrace(rd);
		}
		trace.push_back({side_, gettid()});
		{
			std::lock_guard g(mutex_);
			threads_.push_back(std::this_thread::get_id());
		}
		writeTrace(reply, trace);
	}

	std::vector<std::thread::id> threads()
	{
		std::lock_guard g(mutex_);
		return threads_;
	}

private:
	std::string side_;
	std::weak_ptr<Bouncer> self_;
	std::mutex mutex_;
	std::vector<std::thread::id> threads_;
};

// The service of most tests.
class TestService : public bl::Binder {
public:
	explicit TestService(std::shared_ptr<bl::Process> p) : process_(std::move(p))
	{
		// Counted, for the oneway test, and shown.
		process_->setErrorHandler([this](std::string_view msg) {
			reports_++;
			std::fprintf(stderr, "service %d: %.*s\n", ::getpid(), static_cast<int>(msg.size()),
				     msg.data());
		});
	}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		switch (code) {
		case kPing:
			reply.writeInt32(::getpid());
			reply.writeInt32(in.parcel().senderPid());
			reply.writeUint32(in.parcel().senderEuid());
			return;
		case kCanonical: {
			const bl::Remote theirs = readCanonical(in);
			ITEST_CHECK(!theirs.isLocal(), "the caller's object arrived as ours");
			// A call back into the caller, on its waiting thread.
			const pid_t pid = pidOf(theirs);
			ITEST_CHECK(pid == in.parcel().senderPid(), "the caller's object answers pid " << pid);
			writeCanonical(reply, pinger_);
			return;
		}
		case kEcho:
			if (!in.atEnd())
				echo(in, reply);
			return;
		case kSum: {
			const auto b = in.readByteSpan();
			in.expectEnd();
			reply.writeUint64(b.size());
			reply.writeUint64(fnv1a(b));
			return;
		}
		case kMake: {
			const auto seed = in.readUint64();
			const auto size = in.readUint64();
			reply.writeByteArray(pattern(seed, size));
			return;
		}
		case kOneway: {
			const auto seq = in.readUint32();
			const auto b = in.readByteSpan();
			std::lock_guard g(mutex_);
			if (!in.parcel().isOneway() || in.parcel().senderPid() != 0 ||
			    fnv1a(b) != fnv1a(pattern(seq, b.size())) || b.size() != seq * 7 % 1024)
				bad_++;
			if (seq != count_)
				inOrder_ = false;
			count_++;
			if (seq % 50 == 10)
				throw bl::Error::status(EIO, "a oneway that fails");
			return;
		}
		case kOnewayStats: {
			std::lock_guard g(mutex_);
			reply.writeUint32(count_);
			reply.writeBool(inOrder_);
			reply.writeUint32(bad_);
			reply.writeUint32(reports_.load());
			return;
		}
		case kFail:
			throw bl::Error::status(in.readInt32(), "asked to fail");
		case kThrowRuntime:
			throw std::runtime_error("not a binderlite::Error");
		case kBadRead:
			(void)in.readString();
			return;
		case kCallFail: {
			const bl::Remote target = in.readRemote();
			bl::Parcel req;
			req.writeInt32(in.readInt32());
			(void)target.transact(kFail, req);
			return;
		}
		case kForwardPing: {
			const bl::Remote target = in.readRemote();
			bl::Parcel req;
			bl::Parcel r = target.transact(kPing, req);
			auto rd = r.reader();
			reply.writeInt32(rd.readInt32());
			reply.writeInt32(rd.readInt32());
			reply.writeUint32(rd.readUint32());
			reply.writeRemote(target);
			return;
		}
		case kHold: {
			std::lock_guard g(mutex_);
			held_ = in.readRemote();
			reply.writeUint32(static_cast<std::uint32_t>(process_->handleCount()));
			return;
		}
		case kCallHeld: {
			std::optional<bl::Remote> h;
			{
				std::lock_guard g(mutex_);
				h = held_;
			}
			ITEST_CHECK(h.has_value(), "nothing held");
			reply.writeInt32(pidOf(*h));
			return;
		}
		case kDrop: {
			std::optional<bl::Remote> h;
			{
				std::lock_guard g(mutex_);
				h.swap(held_);
			}
			reply.writeUint32(static_cast<std::uint32_t>(process_->handleCount()));
			h.reset();
			reply.writeUint32(static_cast<std::uint32_t>(process_->handleCount()));
			return;
		}
		default:
			throw bl::Error::unknownTransaction(code);
		}
	}

private:
	std::shared_ptr<bl::Process> process_;
	std::shared_ptr<bl::Binder> pinger_ = makePidService();
	std::mutex mutex_;
	std::uint32_t count_ = 0;
	std::uint32_t bad_ = 0;
	bool inOrder_ = true;
	std::atomic<std::uint32_t> reports_{0};
	std::optional<bl::Remote> held_;
};

std::shared_ptr<bl::Binder> makeTestService(const std::shared_ptr<bl::Process> &p)
{
	return std::make_shared<TestService>(p);
}

bl::Remote getService(bl::ServiceManagerClient &client, const std::string &name)
{
	auto r = client.waitForService(name, kWait);
	if (!r)
		throw CheckFailed(name + " did not appear in the service manager");
	return *r;
}

TEST_P(Transact, EveryParcelType)
{
	startManager();
	Child &svc = spawnService({"itest.svc"}, makeTestService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.svc");

	{
		bl::Parcel req;
		bl::Parcel r = s.transact(kPing, req);
		auto in = r.reader();
		EXPECT_EQ(in.readInt32(), svc.pid());
		EXPECT_EQ(in.readInt32(), ::getpid());
		EXPECT_EQ(in.readUint32(), ::geteuid());
		EXPECT_TRUE(r.isReceived());
		EXPECT_FALSE(r.isOneway());
	}
	// Typed reads both ways; each side calls the other's object.
	auto mine = makePidService();
	{
		bl::Parcel req;
		writeCanonical(req, mine);
		bl::Parcel r = s.transact(kCanonical, req);
		auto in = r.reader();
		bl::Remote theirs(mine);
		ASSERT_NO_THROW(theirs = readCanonical(in));
		EXPECT_FALSE(theirs.isLocal());
		EXPECT_EQ(pidOf(theirs), svc.pid());
	}
	// Echo: our object comes back as ours, the service's own as the
	// handle we sent.
	{
		bl::Parcel req;
		req.writeString("isonoLa");
		req.writeInt32(7);
		req.writeString("x");
		req.writeBinder(mine);
		req.writeNull();
		req.writeRemote(s);
		req.writeUint64(9);
		req.writeByteArray(pattern(5, 33));
		bl::Parcel r = s.transact(kEcho, req);
		auto in = r.reader();
		EXPECT_EQ(in.readInt32(), 7);
		EXPECT_EQ(in.readString(), "x");
		EXPECT_EQ(in.readBinder(), mine);
		EXPECT_FALSE(in.readOptionalRemote().has_value());
		const bl::Remote back = in.readRemote();
		EXPECT_FALSE(back.isLocal());
		EXPECT_EQ(back, s);
		EXPECT_EQ(in.readUint64(), 9u);
		EXPECT_EQ(in.readByteArray(), pattern(5, 33));
		EXPECT_NO_THROW(in.expectEnd());

		// Reading a received parcel wrongly fails here and leaves the
		// cursor alone.
		auto again = r.reader();
		// 7 read as a string's length: 16 bytes, over the object.
		EXPECT_TRUE(failsWith([&] { (void)again.readString(); }, bl::ErrorKind::Parcel, EBADMSG));
		EXPECT_TRUE(failsWith([&] { (void)again.readBool(); }, bl::ErrorKind::Parcel, EBADMSG));
		// 7 int64s: 56 bytes from offset 4, inside the data but over the object.
		EXPECT_TRUE(failsWith([&] { (void)again.readInt64Array(); }, bl::ErrorKind::Parcel, EBADMSG));
		EXPECT_EQ(again.readInt32(), 7);
		(void)again.readString();
		// Plain data over an object, an object not listed.
		EXPECT_TRUE(failsWith([&] { (void)again.readInt32(); }, bl::ErrorKind::Parcel, EBADMSG));
		EXPECT_TRUE(failsWith([&] { (void)again.readByteArray(); }, bl::ErrorKind::Parcel, EBADMSG));
		EXPECT_EQ(again.readBinder(), mine);
		// A null object is no object.
		EXPECT_TRUE(failsWith([&] { (void)again.readRemote(); }, bl::ErrorKind::Parcel, EBADMSG));
		(void)again.readOptionalRemote();
		(void)again.readRemote();
		(void)again.readUint64();
		(void)again.readByteSpan();
		EXPECT_TRUE(failsWith([&] { (void)again.readInt32(); }, bl::ErrorKind::Parcel, ENODATA));
		EXPECT_TRUE(failsWith([&] { r.writeInt32(1); }, bl::ErrorKind::Usage, EROFS));
	}
	// An empty call and reply.
	{
		bl::Parcel req;
		bl::Parcel r = s.transact(kEcho, req);
		EXPECT_TRUE(r.empty());
	}
	// The service reading what is not there: its Parcel error is our
	// status (a string of 1000 units in 4 bytes: NOT_ENOUGH_DATA).
	{
		bl::Parcel req;
		req.writeInt32(1000);
		EXPECT_TRUE(failsWith([&] { (void)s.transact(kBadRead, req); }, bl::ErrorKind::Remote, ENODATA));
		bl::Parcel bad;
		bad.writeInt32(-5);
		EXPECT_TRUE(failsWith([&] { (void)s.transact(kBadRead, bad); }, bl::ErrorKind::Remote, EBADMSG));
	}
}

TEST_P(Transact, OneMiBEachWay)
{
	constexpr std::size_t kMiB = std::size_t{1} << 20;
	constexpr std::size_t kPool = 2 * kMiB;
	startManager();
	spawnService({"itest.big"}, makeTestService, {.poolSize = kPool});
	auto p = process(kPool);
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.big");

	{
		const auto data = pattern(1, kMiB);
		bl::Parcel req;
		req.writeByteArray(data);
		bl::Parcel r = s.transact(kSum, req);
		auto in = r.reader();
		EXPECT_EQ(in.readUint64(), kMiB);
		EXPECT_EQ(in.readUint64(), fnv1a(data));
	}
	{
		bl::Parcel req;
		req.writeUint64(2);
		req.writeUint64(kMiB);
		bl::Parcel r = s.transact(kMake, req);
		auto in = r.reader();
		const auto got = in.readByteSpan();
		EXPECT_EQ(got.size(), kMiB);
		EXPECT_EQ(fnv1a(got), fnv1a(pattern(2, kMiB)));
		EXPECT_GT(r.size(), kMiB);
	}
	// More than the service's whole pool: the driver refuses it.
	{
		bl::Parcel req;
		req.writeByteArray(pattern(3, kPool));
		const auto e = errorOf([&] { (void)s.transact(kSum, req); });
		ASSERT_TRUE(e.has_value()) << "a payload larger than the receiver's pool was delivered";
		EXPECT_EQ(e->kind(), bl::ErrorKind::FailedReply) << e->what();
		EXPECT_EQ(e->errnum(), ENOSPC) << e->what();
		ASSERT_TRUE(e->extended().has_value()) << e->what();
		EXPECT_EQ(e->extended()->command, static_cast<std::uint32_t>(BINDERLITE_BR_FAILED_REPLY));
		EXPECT_EQ(e->extended()->param, -ENOSPC);
	}
	// A reply larger than our pool: the driver refuses it, and we hear so.
	{
		bl::Parcel req;
		req.writeUint64(5);
		req.writeUint64(kPool);
		const auto e = errorOf([&] { (void)s.transact(kMake, req); });
		ASSERT_TRUE(e.has_value()) << "a reply larger than the caller's pool was delivered";
		EXPECT_EQ(e->kind(), bl::ErrorKind::FailedReply) << e->what();
		EXPECT_EQ(e->errnum(), ENOSPC) << e->what();
	}
	// And the next call is served as before.
	{
		const auto data = pattern(4, kMiB - 64);
		bl::Parcel req;
		req.writeByteArray(data);
		bl::Parcel r = s.transact(kSum, req);
		auto in = r.reader();
		EXPECT_EQ(in.readUint64(), data.size());
		EXPECT_EQ(in.readUint64(), fnv1a(data));
	}
}

TEST_P(Transact, OnewayCallsArriveInOrder)
{
	constexpr std::uint32_t kCalls = 200;
	startManager();
	spawnService({"itest.oneway"}, makeTestService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.oneway");

	for (std::uint32_t seq = 0; seq < kCalls; seq++) {
		bl::Parcel req;
		req.writeUint32(seq);
		req.writeByteArray(pattern(seq, seq * 7 % 1024));
		// Those that fail in the service fail there only.
		ASSERT_NO_THROW(s.transactOneway(kOneway, req)) << "oneway " << seq;
	}
	std::uint32_t count = 0, bad = 0, reports = 0;
	bool inOrder = false;
	const auto stats = [&] {
		bl::Parcel req;
		bl::Parcel r = s.transact(kOnewayStats, req);
		auto in = r.reader();
		count = in.readUint32();
		inOrder = in.readBool();
		bad = in.readUint32();
		reports = in.readUint32();
		return count == kCalls;
	};
	EXPECT_TRUE(eventually(stats)) << count << " of " << kCalls << " oneways arrived";
	EXPECT_TRUE(inOrder);
	EXPECT_EQ(bad, 0u) << "oneways with a wrong payload, flags or sender pid";
	// One report per failed oneway (seq % 50 == 10), to the error handler.
	EXPECT_EQ(reports, kCalls / 50);
}

// A calls B, B calls back into A: the callback runs on A's thread that waits
// for B, and A's call nested in it back to B on B's thread that waits for
// A; whether or not A has a pool of its own.
TEST_P(Transact, NestedCallbacksRunOnTheWaitingThread)
{
	constexpr int kDepth = 6;
	startManager();
	spawnService({"itest.bouncer"}, [](const auto &) { return Bouncer::make("B"); }, {.maxThreads = 2});
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote b = getService(client, "itest.bouncer");

	for (const bool pool : {false, true}) {
		SCOPED_TRACE(pool ? "A has a thread pool" : "A has no thread pool");
		std::optional<PoolGuard> guard;
		if (pool) {
			p->startThreadPool();
			guard.emplace(p);
			ASSERT_TRUE(eventually([&] { return p->looperCount() == 1; }));
		}
		auto a = Bouncer::make("A");
		bl::Parcel req;
		req.writeBinder(a);
		req.writeInt32(kDepth);
		bl::Parcel r = b.transact(kBounce, req);
		auto in = r.reader();
		const auto trace = readTrace(in);
		ASSERT_EQ(trace.size(), static_cast<std::size_t>(kDepth + 1));
		std::set<pid_t> bTids;
		for (std::size_t i = 0; i < trace.size(); i++) {
			// Innermost first: B(0), A(1), B(2), ...
			EXPECT_EQ(trace[i].side, i % 2 ? "A" : "B") << "hop " << i;
			if (trace[i].side == "A")
				EXPECT_EQ(trace[i].tid, gettid()) << "a callback ran on another thread of A";
			else
				bTids.insert(trace[i].tid);
		}
		EXPECT_EQ(bTids.size(), 1u) << "B served the nested calls on several threads";
		for (const auto &t : a->threads())
			EXPECT_EQ(t, std::this_thread::get_id());
		EXPECT_EQ(p->looperCount(), pool ? 1u : 0u);
	}
}

TEST_P(Transact, ErrorStatusReachesTheCaller)
{
	startManager();
	spawnService({"itest.b"}, makeTestService);
	spawnService({"itest.c"}, makeTestService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote b = getService(client, "itest.b");
	const bl::Remote c = getService(client, "itest.c");

	for (const int err : {EPERM, ENOENT, EACCES, EINVAL, ENOSPC, ETIMEDOUT, ENOTRECOVERABLE, EHWPOISON}) {
		bl::Parcel req;
		req.writeInt32(err);
		EXPECT_TRUE(failsWith([&] { (void)b.transact(kFail, req); }, bl::ErrorKind::Remote, err))
			<< "errno " << err;
	}
	// Two hops: C's status passes through B untouched.
	{
		bl::Parcel req;
		req.writeRemote(c);
		req.writeInt32(ENOENT);
		EXPECT_TRUE(failsWith([&] { (void)b.transact(kCallFail, req); }, bl::ErrorKind::Remote, ENOENT));
	}
	bl::Parcel empty;
	EXPECT_TRUE(failsWith([&] { (void)b.transact(kThrowRuntime, empty); }, bl::ErrorKind::Remote, EREMOTEIO));
	EXPECT_TRUE(failsWith([&] { (void)b.transact(kBadRead, empty); }, bl::ErrorKind::Remote, ENODATA));
	// An unknown code: libbinder's UNKNOWN_TRANSACTION.
	const auto unknown = errorOf([&] { (void)b.transact(0xbad, empty); });
	ASSERT_TRUE(unknown.has_value());
	EXPECT_EQ(unknown->errnum(), EBADMSG);
	ASSERT_TRUE(unknown->remoteStatus().has_value());
	EXPECT_EQ(unknown->remoteStatus()->transactionError(), bl::kUnknownTransaction);
	// A oneway's failure stays in the callee.
	{
		bl::Parcel req;
		req.writeInt32(EACCES);
		EXPECT_NO_THROW(b.transactOneway(kFail, req));
	}
	// Errors leave the service serving.
	bl::Parcel req;
	bl::Parcel r = b.transact(kPing, req);
	auto in = r.reader();
	EXPECT_GT(in.readInt32(), 0);
}

// A gets C from the manager and hands it to B, which calls it: C sees B as
// its caller, and C's handle comes back to A as the same handle.
TEST_P(Transact, HandlesTravelBetweenProcesses)
{
	startManager();
	Child &bChild = spawnService({"itest.b"}, makeTestService);
	Child &cChild = spawnService({"itest.c"}, makeTestService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote b = getService(client, "itest.b");
	const bl::Remote c = getService(client, "itest.c");

	for (int i = 0; i < 3; i++) {
		bl::Parcel req;
		req.writeRemote(c);
		bl::Parcel r = b.transact(kForwardPing, req);
		auto in = r.reader();
		EXPECT_EQ(in.readInt32(), cChild.pid());
		EXPECT_EQ(in.readInt32(), bChild.pid()) << "C's caller";
		EXPECT_EQ(in.readUint32(), ::geteuid()) << "C's caller's euid";
		const bl::Remote back = in.readRemote();
		EXPECT_EQ(back, c);
		EXPECT_EQ(back.handle(), c.handle());
	}
	// handle 0, B and C.
	EXPECT_EQ(p->handleCount(), 3u);
}

// An object given to another process is held while that process holds it,
// and given back when it lets go: the node leaves our table, the object is
// destroyed, the handles go.
TEST_P(Transact, ReferencesAreReleased)
{
	startManager();
	spawnService({"itest.holder"}, makeTestService);
	auto p = process();
	p->startThreadPool(); // BR_RELEASE and BR_DECREFS come to loopers
	PoolGuard guard(p);
	std::optional<bl::ServiceManagerClient> client(std::in_place, p);
	std::optional<bl::Remote> s = getService(*client, "itest.holder");
	EXPECT_EQ(p->handleCount(), 2u);
	EXPECT_EQ(p->nodeCount(), 0u);

	auto mine = makePidService();
	const std::weak_ptr<bl::Binder> watch = mine;
	{
		bl::Parcel req;
		req.writeBinder(mine);
		bl::Parcel r = s->transact(kHold, req);
		auto in = r.reader();
		EXPECT_GE(in.readUint32(), 1u) << "the holder's handle count";
	}
	// The driver's counts arrive with the call.
	EXPECT_EQ(p->nodeCount(), 1u);
	mine.reset();
	EXPECT_FALSE(watch.expired()) << "the object died while another process holds it";
	{
		bl::Parcel req;
		bl::Parcel r = s->transact(kCallHeld, req);
		auto in = r.reader();
		EXPECT_EQ(in.readInt32(), ::getpid());
	}
	{
		bl::Parcel req;
		bl::Parcel r = s->transact(kDrop, req);
		auto in = r.reader();
		// Measured around the drop itself: the service's handle to the
		// manager may go meanwhile, as its registration ends on another
		// thread while it already serves.
		const std::uint32_t before = in.readUint32();
		EXPECT_EQ(in.readUint32() + 1, before) << "the holder's handle count";
	}
	EXPECT_TRUE(eventually([&] { return watch.expired() && p->nodeCount() == 0; }))
		<< "the object given back is still alive; nodeCount " << p->nodeCount();

	s.reset();
	EXPECT_EQ(p->handleCount(), 1u);
	client.reset();
	EXPECT_EQ(p->handleCount(), 0u);
}

// Weak references travel too: a weak handle to C and a weak reference to
// one of our objects, echoed by B (which reads them as weak and sends them
// back), come back as C's handle and as our object; B holds only weak
// counts meanwhile, and gives them back.
TEST_P(Transact, WeakObjectsTravel)
{
	startManager();
	spawnService({"itest.b"}, makeTestService);
	Child &cChild = spawnService({"itest.c"}, makeTestService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote b = getService(client, "itest.b");
	const bl::Remote c = getService(client, "itest.c");
	auto mine = makePidService();

	for (int i = 0; i < 3; i++) {
		bl::Parcel req;
		req.writeString("wwi");
		req.writeWeakRemote(c.weak());
		req.writeWeakRemote(bl::Remote(mine).weak());
		req.writeInt32(i);
		bl::Parcel r = b.transact(kEcho, req);
		auto in = r.reader();
		const bl::WeakRemote wc = in.readWeakRemote();
		EXPECT_EQ(wc.handle(), c.handle());
		const auto pc = wc.promote(); // we hold C strongly
		ASSERT_TRUE(pc.has_value());
		EXPECT_EQ(*pc, c);
		EXPECT_EQ(pidOf(*pc), cChild.pid());
		const auto pm = in.readWeakRemote().promote();
		ASSERT_TRUE(pm.has_value()) << "our object did not come back as ours";
		EXPECT_TRUE(pm->isLocal());
		EXPECT_EQ(pm->local(), mine);
		EXPECT_EQ(in.readInt32(), i);
		EXPECT_TRUE(in.atEnd());
	}
	// A strong object may be read as a weak one.
	{
		bl::Parcel req;
		req.writeString("o");
		req.writeRemote(c);
		bl::Parcel r = b.transact(kEcho, req);
		EXPECT_EQ(r.reader().readWeakRemote().handle(), c.handle());
	}
	// handle 0, B and C: the weak references added none.
	EXPECT_EQ(p->handleCount(), 3u);
}

// A child of fork() that calls Process::open() gets a Process of its own,
// not its parent's (which holds the parent's file): a service it registers
// is served by the child.
TEST_P(Transact, ForkedChildOpensItsOwnProcess)
{
	startManager();
	auto p = process();
	bl::ServiceManagerClient client(p);
	Child &child = spawn("forked service", [dev = device(), parent = p.get()] {
		auto own = bl::Process::open({.device = dev});
		ITEST_CHECK(own.get() != parent, "Process::open() in a child returned its parent's Process");
		own->startThreadPool();
		bl::ServiceManagerClient(own).addService("itest.forked", makePidService());
		own->joinThreadPool();
		return 1;
	});
	auto r = client.waitForService("itest.forked", kWait);
	ASSERT_TRUE(r.has_value());
	EXPECT_EQ(pidOf(*r), child.pid());
}

ITEST_DEVICES(Transact);

} // namespace
} // namespace itest
