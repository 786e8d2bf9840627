// SPDX-License-Identifier: GPL-2.0
//
// File descriptors between processes: a service hands the client a memfd
// with contents; descriptors in calls (a memfd to checksum, a pipe to write
// into, in a oneway too) and in replies; many at once both ways; parcels
// dropped without taking theirs; a descriptor that is not open. Leaks are
// counted in /proc/self/fd, in the client and in the service.
#include "itest.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace itest {
namespace {

class Fd : public DeviceTest {};

enum Code : std::uint32_t {
	kMemfd = 1,   // string text -> fd (a memfd holding text), uint64 size
	kSum,         // fd -> uint64 size, uint64 fnv1a of the file from offset 0
	kWrite,       // fd, string text -> writes text into fd (a pipe)
	kMany,        // uint32 n -> n fds, memfds holding "fd 0", "fd 1", ...
	kSumMany,     // uint32 n, n fds -> uint64 fnv1a of their contents in order
	kIgnore,      // anything -> nothing: the request's descriptors are not taken
	kFdCount,     // -> uint32 the service's open descriptors
	kOnewaySum,   // oneway: fd -> remembered: its fnv1a
	kLastSum,     // -> uint32 oneways seen, uint64 the last one's fnv1a
	kEchoFds,     // fds... -> the same files back, each taken and resent
};

std::size_t openFds()
{
	std::size_t n = 0;
	for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator("/proc/self/fd"))
		n++;
	return n;
}

bl::UniqueFd memfdWith(const std::string &name, std::span<const std::byte> contents)
{
	bl::UniqueFd fd(::memfd_create(name.c_str(), MFD_CLOEXEC));
	ITEST_CHECK(fd.valid(), "memfd_create: " << std::strerror(errno));
	std::size_t done = 0;
	while (done < contents.size()) {
		const ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
		ITEST_CHECK(n > 0, "write to a memfd: " << std::strerror(errno));
		done += static_cast<std::size_t>(n);
	}
	return fd;
}

std::span<const std::byte> bytesOf(std::string_view s) { return std::as_bytes(std::span(s)); }

// The whole file behind @fd, read from offset 0 (pread: the offset is
// shared with the sender's descriptor).
std::vector<std::byte> contentsOf(int fd)
{
	struct stat st {};
	ITEST_CHECK(::fstat(fd, &st) == 0, "fstat " << fd << ": " << std::strerror(errno));
	std::vector<std::byte> out(static_cast<std::size_t>(st.st_size));
	std::size_t done = 0;
	while (done < out.size()) {
		const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
		ITEST_CHECK(n > 0, "pread " << fd << ": " << (n < 0 ? std::strerror(errno) : "end of file"));
		done += static_cast<std::size_t>(n);
	}
	return out;
}

std::string textOf(int fd)
{
	const auto b = contentsOf(fd);
	return {reinterpret_cast<const char *>(b.data()), b.size()};
}

class FdService : public bl::Binder {
public:
	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		switch (code) {
		case kMemfd: {
			const std::string text = in.readString();
			in.expectEnd();
			reply.writeFileDescriptor(memfdWith("itest-memfd", bytesOf(text)));
			reply.writeUint64(text.size());
			return;
		}
		case kSum: {
			const bl::UniqueFd fd = in.readFileDescriptor();
			in.expectEnd();
			const auto b = contentsOf(fd.get());
			reply.writeUint64(b.size());
			reply.writeUint64(fnv1a(b));
			return;
		}
		case kWrite: {
			const bl::UniqueFd fd = in.readFileDescriptor();
			const std::string text = in.readString();
			in.expectEnd();
			ITEST_CHECK(::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()),
				    "write to the caller's pipe: " << std::strerror(errno));
			return;
		}
		case kMany: {
			const std::uint32_t n = in.readUint32();
			for (std::uint32_t i = 0; i < n; i++)
				reply.writeFileDescriptor(memfdWith("itest-many", bytesOf("fd " + std::to_string(i))));
			return;
		}
		case kSumMany: {
			const std::uint32_t n = in.readUint32();
			std::vector<std::byte> all;
			for (std::uint32_t i = 0; i < n; i++) {
				const bl::UniqueFd fd = in.readFileDescriptor();
				const auto b = contentsOf(fd.get());
				all.insert(all.end(), b.begin(), b.end());
			}
			in.expectEnd();
			reply.writeUint64(fnv1a(all));
			return;
		}
		case kIgnore:
			return;
		case kFdCount:
			reply.writeUint32(static_cast<std::uint32_t>(openFds()));
			return;
		case kOnewaySum: {
			const bl::UniqueFd fd = in.readFileDescriptor();
			const auto sum = fnv1a(contentsOf(fd.get()));
			std::lock_guard g(mutex_);
			onewaySum_ = sum;
			oneways_++;
			return;
		}
		case kLastSum: {
			std::lock_guard g(mutex_);
			reply.writeUint32(oneways_);
			reply.writeUint64(onewaySum_);
			return;
		}
		case kEchoFds:
			while (!in.atEnd())
				reply.writeFileDescriptor(in.readFileDescriptor());
			return;
		default:
			throw bl::Error::unknownTransaction(code);
		}
	}

private:
	std::mutex mutex_;
	std::uint32_t oneways_ = 0;
	std::uint64_t onewaySum_ = 0;
};

std::shared_ptr<bl::Binder> makeFdService(const std::shared_ptr<bl::Process> &)
{
	return std::make_shared<FdService>();
}

bl::Remote getService(bl::ServiceManagerClient &client, const std::string &name)
{
	auto r = client.waitForService(name, kWait);
	if (!r)
		throw CheckFailed(name + " did not appear in the service manager");
	return *r;
}

std::uint32_t serviceFds(const bl::Remote &s)
{
	bl::Parcel req;
	bl::Parcel r = s.transact(kFdCount, req);
	return r.reader().readUint32();
}

// The service hands us a memfd; we read what it wrote, by read() and by
// mmap(), from a descriptor of our own.
TEST_P(Fd, ServiceHandsTheClientAMemfd)
{
	startManager();
	spawnService({"itest.fd"}, makeFdService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.fd");

	const std::string text = "a memfd from the service, " + std::string(5000, 'x') + " and its end";
	bl::Parcel req;
	req.writeString(text);
	bl::Parcel reply = s.transact(kMemfd, req);
	auto in = reply.reader();
	bl::UniqueFd fd = in.readFileDescriptor();
	EXPECT_EQ(in.readUint64(), text.size());
	EXPECT_TRUE(in.atEnd());
	ASSERT_TRUE(fd.valid());
	EXPECT_TRUE(::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) << "the driver's descriptor is O_CLOEXEC";
	EXPECT_EQ(textOf(fd.get()), text);
	void *map = ::mmap(nullptr, text.size(), PROT_READ, MAP_SHARED, fd.get(), 0);
	ASSERT_NE(map, MAP_FAILED) << std::strerror(errno);
	EXPECT_EQ(std::string_view(static_cast<const char *>(map), text.size()), text);
	::munmap(map, text.size());
	char link[256] = {};
	ASSERT_GT(::readlink(("/proc/self/fd/" + std::to_string(fd.get())).c_str(), link, sizeof(link) - 1), 0);
	EXPECT_EQ(std::string(link), "/memfd:itest-memfd (deleted)");
	// Taken once: not twice.
	auto again = reply.reader();
	EXPECT_TRUE(failsWith([&] { (void)again.readFileDescriptor(); }, bl::ErrorKind::Usage, EBADF));
}

// Descriptors in calls: a memfd the service reads, a pipe it writes into,
// and a oneway carrying one.
TEST_P(Fd, DescriptorsInCalls)
{
	startManager();
	spawnService({"itest.fd"}, makeFdService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.fd");

	const auto data = pattern(7, 100000);
	{
		const bl::UniqueFd mem = memfdWith("itest-call", data);
		bl::Parcel req;
		req.writeFileDescriptor(mem.get()); // lent: still ours afterwards
		bl::Parcel r = s.transact(kSum, req);
		auto in = r.reader();
		EXPECT_EQ(in.readUint64(), data.size());
		EXPECT_EQ(in.readUint64(), fnv1a(data));
		EXPECT_EQ(contentsOf(mem.get()), data);
	}
	{
		int fds[2];
		ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
		bl::UniqueFd readEnd(fds[0]);
		bl::Parcel req;
		req.writeFileDescriptor(bl::UniqueFd(fds[1])); // given: the parcel closes ours
		req.writeString("written by the service");
		(void)s.transact(kWrite, req);
		req = bl::Parcel(); // our write end goes; the service's went with its call
		std::string got;
		char buf[64];
		for (ssize_t n; (n = ::read(readEnd.get(), buf, sizeof(buf))) > 0;)
			got.append(buf, static_cast<std::size_t>(n));
		EXPECT_EQ(got, "written by the service") << "a writer left open would hang read() here";
	}
	{
		const auto small = pattern(8, 333);
		bl::Parcel req;
		req.writeFileDescriptor(memfdWith("itest-oneway", small));
		EXPECT_EQ(s.transactOneway(kOnewaySum, req), bl::OnewayResult::Sent);
		std::uint32_t seen = 0;
		std::uint64_t sum = 0;
		EXPECT_TRUE(eventually([&] {
			bl::Parcel q;
			bl::Parcel r = s.transact(kLastSum, q);
			auto in = r.reader();
			seen = in.readUint32();
			sum = in.readUint64();
			return seen == 1;
		}));
		EXPECT_EQ(sum, fnv1a(small));
	}
}

// Many descriptors in one reply and in one call; each arrives as a
// descriptor of its own, for the right file, in order.
TEST_P(Fd, ManyDescriptors)
{
	constexpr std::uint32_t kCount = 200;
	startManager();
	spawnService({"itest.fd"}, makeFdService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.fd");
	const std::size_t before = openFds();
	{
		bl::Parcel req;
		req.writeUint32(kCount);
		bl::Parcel r = s.transact(kMany, req);
		auto in = r.reader();
		std::vector<bl::UniqueFd> fds;
		std::set<int> numbers;
		for (std::uint32_t i = 0; i < kCount; i++) {
			fds.push_back(in.readFileDescriptor());
			numbers.insert(fds.back().get());
			EXPECT_EQ(textOf(fds.back().get()), "fd " + std::to_string(i));
		}
		EXPECT_TRUE(in.atEnd());
		EXPECT_EQ(numbers.size(), kCount);
		EXPECT_EQ(openFds(), before + kCount);

		// And all of them back in one call, lent.
		bl::Parcel back;
		back.writeUint32(kCount);
		std::vector<std::byte> all;
		for (const auto &fd : fds) {
			back.writeFileDescriptor(fd.get());
			const auto b = contentsOf(fd.get());
			all.insert(all.end(), b.begin(), b.end());
		}
		bl::Parcel sum = s.transact(kSumMany, back);
		EXPECT_EQ(sum.reader().readUint64(), fnv1a(all));
	}
	EXPECT_EQ(openFds(), before) << "descriptors left open";
}

// Parcels dropped without taking their descriptors close them: in the
// client (replies) and in the service (requests it does not read).
TEST_P(Fd, UntakenDescriptorsAreClosedWithTheirParcel)
{
	startManager();
	spawnService({"itest.fd"}, makeFdService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.fd");
	// Warm up: the service's first calls may open what it keeps.
	(void)serviceFds(s);
	const std::uint32_t serviceBefore = serviceFds(s);
	const std::size_t before = openFds();

	for (int round = 0; round < 20; round++) {
		bl::Parcel req;
		req.writeUint32(5);
		bl::Parcel r = s.transact(kMany, req); // never read
		ASSERT_EQ(openFds(), before + 5) << "round " << round;
	}
	EXPECT_EQ(openFds(), before) << "a reply's descriptors outlived it";
	{
		bl::Parcel req;
		req.writeUint32(3);
		bl::Parcel r = s.transact(kMany, req);
		auto in = r.reader();
		(void)in.readFileDescriptor(); // taken, and closed at once
		bl::UniqueFd second = in.readFileDescriptor();
		r = bl::Parcel(); // the third closes; the second is ours
		EXPECT_EQ(openFds(), before + 1);
	}
	EXPECT_EQ(openFds(), before);

	const auto data = pattern(9, 64);
	const bl::UniqueFd mem = memfdWith("itest-ignored", data);
	for (int round = 0; round < 20; round++) {
		bl::Parcel req;
		for (int i = 0; i < 4; i++)
			req.writeFileDescriptor(mem.get());
		req.writeString("ignored");
		(void)s.transact(kIgnore, req);
	}
	EXPECT_EQ(serviceFds(s), serviceBefore) << "the service kept the descriptors of requests it ignored";
	EXPECT_EQ(openFds(), before + 1);
}

// Echoed both ways: a descriptor taken out of a request and written into
// the reply reaches the caller as the same file.
TEST_P(Fd, DescriptorsComeBackAsTheSameFile)
{
	startManager();
	spawnService({"itest.fd"}, makeFdService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.fd");
	const std::size_t before = openFds();
	{
		const bl::UniqueFd a = memfdWith("itest-a", bytesOf("A"));
		int fds[2];
		ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
		const bl::UniqueFd r(fds[0]), w(fds[1]);
		bl::Parcel req;
		req.writeFileDescriptor(a.get());
		req.writeFileDescriptor(w.get());
		bl::Parcel reply = s.transact(kEchoFds, req);
		auto in = reply.reader();
		const bl::UniqueFd a2 = in.readFileDescriptor(), w2 = in.readFileDescriptor();
		struct stat sa {}, sb {};
		ASSERT_EQ(::fstat(a.get(), &sa), 0);
		ASSERT_EQ(::fstat(a2.get(), &sb), 0);
		EXPECT_EQ(sa.st_ino, sb.st_ino);
		EXPECT_NE(a.get(), a2.get());
		ASSERT_EQ(::write(w2.get(), "z", 1), 1);
		char c = 0;
		ASSERT_EQ(::read(r.get(), &c, 1), 1);
		EXPECT_EQ(c, 'z');
	}
	EXPECT_EQ(openFds(), before);
}

// A descriptor that is not open: the driver refuses the call (-EBADF),
// and the next one works.
TEST_P(Fd, ADescriptorThatIsNotOpenIsRefused)
{
	startManager();
	spawnService({"itest.fd"}, makeFdService);
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.fd");
	(void)serviceFds(s);
	const std::uint32_t serviceBefore = serviceFds(s);
	const std::size_t before = openFds();
	int closed;
	{
		const bl::UniqueFd fd = memfdWith("itest-closed", bytesOf("gone"));
		closed = fd.get();
	}
	bl::Parcel req;
	req.writeFileDescriptor(closed);
	const auto e = errorOf([&] { (void)s.transact(kSum, req); });
	ASSERT_TRUE(e.has_value()) << "a call with a descriptor that is not open was delivered";
	EXPECT_EQ(e->kind(), bl::ErrorKind::FailedReply) << e->what();
	EXPECT_EQ(e->errnum(), EBADF) << e->what();
	ASSERT_TRUE(e->extended().has_value()) << e->what();
	EXPECT_EQ(e->extended()->param, -EBADF);
	EXPECT_EQ(serviceFds(s), serviceBefore);
	EXPECT_EQ(openFds(), before);
	const bl::UniqueFd ok = memfdWith("itest-ok", bytesOf("fine"));
	bl::Parcel good;
	good.writeFileDescriptor(ok.get());
	bl::Parcel r = s.transact(kSum, good);
	EXPECT_EQ(r.reader().readUint64(), 4u);
}

ITEST_DEVICES(Fd);

} // namespace
} // namespace itest
