// SPDX-License-Identifier: GPL-2.0
//
// The bench of the integration tests (itest.hpp).
#include "itest.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

namespace itest {

namespace {

using Clock = std::chrono::steady_clock;

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string readFile(const std::string &path)
{
	std::ifstream f(path);
	return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

bool executable(const std::string &path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

} // namespace

std::string describeStatus(int status)
{
	std::ostringstream s;
	if (WIFEXITED(status))
		s << "exited " << WEXITSTATUS(status);
	else if (WIFSIGNALED(status)) {
		const char *abbrev = ::sigabbrev_np(WTERMSIG(status));
		s << "killed by "
		  << (abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(WTERMSIG(status)));
	}
	else
		s << "wait status 0x" << std::hex << status;
	return s.str();
}

// Child.

Child::~Child()
{
	if (!status_)
		kill();
}

bool Child::poll()
{
	if (status_)
		return true;
	int st;
	const pid_t r = ::waitpid(pid_, &st, WNOHANG);
	if (r == pid_) {
		status_ = st;
		return true;
	}
	if (r < 0 && errno == ECHILD) {
		// Reaped elsewhere: nothing more to learn.
		status_ = 0xffff;
		return true;
	}
	return false;
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout)
{
	const auto deadline = Clock::now() + timeout;
	int pause = 1;
	while (!poll()) {
		if (Clock::now() >= deadline)
			return std::nullopt;
		sleepMs(pause);
		pause = std::min(pause * 2, 20);
	}
	return status_;
}

void Child::kill(int sig)
{
	if (poll())
		return;
	::kill(pid_, sig);
	if (!wait() && sig != SIGKILL) {
		::kill(pid_, SIGKILL);
		(void)wait();
	}
}

::testing::AssertionResult exitsZero(Child &child)
{
	const auto st = child.wait();
	if (!st)
		return ::testing::AssertionFailure() << child.name() << " (pid " << child.pid() << ") still runs after "
						     << kWait.count() << " ms";
	if (WIFEXITED(*st) && WEXITSTATUS(*st) == 0)
		return ::testing::AssertionSuccess();
	return ::testing::AssertionFailure() << child.name() << " (pid " << child.pid() << ") "
					     << describeStatus(*st) << "; its output above says why";
}

std::unique_ptr<Child> fork(const std::string &name, std::function<int()> body)
{
	std::fflush(stdout);
	std::fflush(stderr);
	const pid_t parent = ::getpid();
	const pid_t pid = ::fork();
	if (pid < 0)
		throw std::system_error(errno, std::generic_category(), "fork");
	if (pid)
		return std::make_unique<Child>(name, pid);

	int rc = 1;
	::prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (::getppid() != parent)
		::_exit(1);
	try {
		rc = body();
	} catch (const std::exception &e) {
		std::fprintf(stderr, "child %s (pid %d): %s\n", name.c_str(), ::getpid(), e.what());
		rc = 1;
	} catch (...) {
		std::fprintf(stderr, "child %s (pid %d): an exception that is no std::exception\n", name.c_str(),
			     ::getpid());
		rc = 1;
	}
	std::fflush(stdout);
	std::fflush(stderr);
	// No destructors, no atexit: they belong to the parent's state.
	::_exit(rc);
}

std::shared_ptr<bl::Process> openProcess(const std::string &device, std::size_t poolSize, bl::Dialect dialect)
{
	return bl::Process::create(std::make_unique<bl::SystemDriver>(device), poolSize, dialect);
}

// The service manager.

std::string serviceManagerPath()
{
	std::vector<std::string> tried;
	if (const char *env = std::getenv("BL_SERVICEMANAGER")) {
		if (executable(env))
			return env;
		throw std::runtime_error(std::string("BL_SERVICEMANAGER=") + env + " is not executable");
	}
	char self[4096];
	const ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		std::string dir(self, static_cast<std::size_t>(n));
		dir.erase(dir.rfind('/') + 1);
		tried.push_back(dir + "blservicemanager");
	}
	tried.emplace_back("/extra/blservicemanager");
#ifdef ITEST_SERVICEMANAGER_BUILD_PATH
	tried.emplace_back(ITEST_SERVICEMANAGER_BUILD_PATH);
#endif
	for (const auto &t : tried)
		if (executable(t))
			return t;
	std::string list;
	for (const auto &t : tried)
		list += " " + t;
	throw std::runtime_error("blservicemanager not found (set BL_SERVICEMANAGER); tried" + list);
}

std::unique_ptr<Child> startServiceManager(const std::string &device, const std::function<void(int attempt)> &onBusy,
					   std::optional<bl::Dialect> dialect)
{
	const std::string dialectName = bl::toString(dialect.value_or(bl::kNewestDialect));
	static std::atomic<int> serial{0};
	const std::string path = serviceManagerPath();
	const auto deadline = Clock::now() + kWait;
	int attempts = 0;
	for (;;) {
		const std::string base = "/tmp/itest-sm-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
		const std::string ready = base + ".ready", log = base + ".log";
		::unlink(ready.c_str());
		std::fflush(stdout);
		std::fflush(stderr);
		const pid_t pid = ::fork();
		if (pid < 0)
			throw std::system_error(errno, std::generic_category(), "fork");
		if (!pid) {
			::prctl(PR_SET_PDEATHSIG, SIGKILL);
			const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd >= 0)
				::dup2(fd, STDERR_FILENO);
			::execl(path.c_str(), "blservicemanager", "-d", device.c_str(), "-r", ready.c_str(), "-t", "4",
				"-D", dialectName.c_str(), static_cast<char *>(nullptr));
			std::fprintf(stderr, "exec %s: %s\n", path.c_str(), std::strerror(errno));
			::_exit(127);
		}
		attempts++;
		auto child = std::make_unique<Child>("blservicemanager", pid);
		for (;;) {
			if (::access(ready.c_str(), F_OK) == 0) {
				::unlink(ready.c_str());
				::unlink(log.c_str());
				if (attempts > 1)
					std::printf("itest: blservicemanager serves %s at attempt %d (EBUSY before)\n",
						    device.c_str(), attempts);
				return child;
			}
			if (child->poll())
				break;
			if (Clock::now() >= deadline) {
				child->kill();
				break;
			}
			sleepMs(2);
		}
		const std::string err = readFile(log);
		::unlink(log.c_str());
		::unlink(ready.c_str());
		// The previous manager's release may still be pending.
		if (err.find(std::strerror(EBUSY)) != std::string::npos && Clock::now() < deadline) {
			if (onBusy)
				onBusy(attempts);
			sleepMs(10);
			continue;
		}
		throw std::runtime_error("blservicemanager on " + device + " did not start (" +
					 describeStatus(child->status().value_or(0)) + ", attempt " +
					 std::to_string(attempts) + "): " + err);
	}
}

int serve(const std::string &device, const std::vector<std::string> &names,
	  const std::function<std::shared_ptr<bl::Binder>(const std::shared_ptr<bl::Process> &)> &make,
	  const ServeOptions &opts)
{
	auto p = openProcess(device, opts.poolSize, opts.dialect);
	if (opts.maxThreads)
		p->setMaxThreads(opts.maxThreads);
	auto service = make(p);
	p->startThreadPool();
	{
		bl::ServiceManagerClient sm(p);
		for (const auto &n : names)
			sm.addService(n, service);
	}
	if (opts.join)
		p->joinThreadPool();
	else
		for (;;)
			::pause();
	std::fprintf(stderr, "service %s: the pool ended\n", names.empty() ? "?" : names[0].c_str());
	return 1;
}

std::shared_ptr<bl::Binder> makePidService()
{
	return bl::makeBinder([](std::uint32_t, bl::Parcel::Reader &, bl::Parcel &reply) {
		reply.writeInt32(::getpid());
	});
}

pid_t pidOf(const bl::Remote &remote)
{
	bl::Parcel req;
	bl::Parcel reply = remote.transact(kPid, req);
	auto in = reply.reader();
	return in.readInt32();
}

// debugfs.

std::map<std::string, long long> readStats()
{
	std::ifstream f("/sys/kernel/debug/binderlite/stats");
	if (!f)
		throw std::runtime_error("cannot open /sys/kernel/debug/binderlite/stats");
	std::map<std::string, long long> m;
	std::string key;
	long long v;
	while (f >> key >> v)
		m[key] = v;
	return m;
}

std::string waitForCleanStats(std::chrono::milliseconds timeout)
{
	static const char *const kKeys[] = {
		"procs", "threads", "nodes", "refs", "buffers", "deaths", "transactions_live",
		"freezes", "files_in_flight", // the same keys as ipc_clean_keys (selftests) and BL_CLEAN_KEYS
	};
	std::string left;
	eventually(
		[&] {
			try {
				const auto s = readStats();
				left.clear();
				for (const char *k : kKeys) {
					auto it = s.find(k);
					if (it == s.end())
						left += std::string(left.empty() ? "" : ", ") + "no \"" + k + "\"";
					else if (it->second)
						left += std::string(left.empty() ? "" : ", ") + k + " " +
							std::to_string(it->second);
				}
			} catch (const std::exception &e) {
				left = e.what();
			}
			return left.empty();
		},
		timeout);
	return left;
}

bool eventually(const std::function<bool()> &pred, std::chrono::milliseconds timeout)
{
	const auto deadline = Clock::now() + timeout;
	int pause = 1;
	for (;;) {
		if (pred())
			return true;
		if (Clock::now() >= deadline)
			return false;
		sleepMs(pause);
		pause = std::min(pause * 2, 20);
	}
}

std::uint64_t fnv1a(std::span<const std::byte> bytes)
{
	std::uint64_t h = 0xcbf29ce484222325ull;
	for (const std::byte b : bytes) {
		h ^= static_cast<std::uint8_t>(b);
		h *= 0x100000001b3ull;
	}
	return h;
}

std::vector<std::byte> pattern(std::uint64_t seed, std::size_t n)
{
	std::vector<std::byte> v(n);
	std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (std::size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[i] = static_cast<std::byte>(x >> 24);
	}
	return v;
}

void *mapShared(std::size_t size)
{
	void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		throw std::bad_alloc();
	return p;
}

void unmapShared(void *p, std::size_t size) noexcept { ::munmap(p, size); }

// The watchdog, and ending a test that cannot end.

namespace {

std::atomic<std::int64_t> g_testStart{0}; // steady_clock ms; 0: no test runs

std::int64_t nowMs()
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

class Watchdog : public ::testing::EmptyTestEventListener {
public:
	void OnTestProgramStart(const ::testing::UnitTest &) override
	{
		thread_ = std::thread([this] { run(); });
	}
	void OnTestProgramEnd(const ::testing::UnitTest &) override
	{
		{
			std::lock_guard g(mutex_);
			done_ = true;
		}
		cv_.notify_all();
		if (thread_.joinable())
			thread_.join();
	}
	void OnTestStart(const ::testing::TestInfo &) override { g_testStart = nowMs(); }
	void OnTestEnd(const ::testing::TestInfo &) override { g_testStart = 0; }

private:
	void run()
	{
		std::unique_lock lk(mutex_);
		while (!cv_.wait_for(lk, std::chrono::seconds(1), [this] { return done_; })) {
			const std::int64_t start = g_testStart;
			if (start && nowMs() - start > std::chrono::milliseconds(kTestLimit).count())
				abortTest("itest: the test did not end within " +
					  std::to_string(kTestLimit.count()) + " s");
		}
	}

	std::thread thread_;
	std::mutex mutex_;
	std::condition_variable cv_;
	bool done_ = false;
};

// Listeners are appended before main() runs: gtest owns and deletes it.
const bool kWatchdogInstalled = [] {
	::testing::UnitTest::GetInstance()->listeners().Append(new Watchdog);
	return true;
}();

} // namespace

void abortTest(const std::string &why)
{
	const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
	const std::int64_t start = g_testStart;
	std::fflush(stdout);
	std::fprintf(stdout,
		     "%s\n[  FAILED  ] %s.%s (%lld ms)\n"
		     "itest: ending the program here; the tests after it were not run\n",
		     why.c_str(), info ? info->test_suite_name() : "?", info ? info->name() : "?",
		     static_cast<long long>(start ? nowMs() - start : 0));
	std::fflush(stdout);
	std::fflush(stderr);
	::_exit(1);
}

struct Deadline::State {
	std::string what;
	std::chrono::milliseconds timeout;
	std::mutex mutex;
	std::condition_variable cv;
	bool done = false;
	bool expired = false;
	std::string note;
};

Deadline::Deadline(std::string what, std::chrono::milliseconds timeout, std::function<std::string()> rescue)
	: state_(std::make_shared<State>())
{
	state_->what = std::move(what);
	state_->timeout = timeout;
	thread_ = std::thread([st = state_, rescue = std::move(rescue)] {
		std::unique_lock lk(st->mutex);
		if (st->cv.wait_for(lk, st->timeout, [&] { return st->done; }))
			return;
		const std::string late =
			"itest: " + st->what + " has not returned after " + std::to_string(st->timeout.count()) + " ms";
		if (!rescue)
			abortTest(late);
		st->expired = true;
		lk.unlock();
		std::string note = rescue();
		lk.lock();
		st->note = std::move(note);
		if (!st->cv.wait_for(lk, st->timeout, [&] { return st->done; }))
			abortTest(late + "; " + st->note + ", in vain");
	});
}

Deadline::~Deadline()
{
	{
		std::lock_guard g(state_->mutex);
		state_->done = true;
	}
	state_->cv.notify_all();
	thread_.join();
	if (state_->expired)
		ADD_FAILURE() << state_->what << " has not returned after " << state_->timeout.count() << " ms; "
			      << state_->note;
}

std::function<std::string()> rescueStop(const std::shared_ptr<bl::Process> &p)
{
	return [p] {
		const std::size_t loopers = p->looperCount();
		p->stopThreadPool();
		return std::to_string(loopers) + " looper(s) were still serving; it returned once a second "
		       "stopThreadPool() (from another thread) made them leave";
	};
}

void stopThreadPool(const std::shared_ptr<bl::Process> &p)
{
	Deadline d("Process::stopThreadPool()", kStopWait, rescueStop(p));
	p->stopThreadPool();
}

// The fixture.

void DeviceTest::SetUp()
{
	if (::access(device().c_str(), R_OK | W_OK) != 0)
		GTEST_SKIP() << device() << " is absent: " << std::strerror(errno);
	if (isBinderlite()) {
		const std::string left = waitForCleanStats();
		ASSERT_EQ(left, "") << "binderlite is not clean before the test: something earlier left this behind";
	}
}

void DeviceTest::TearDown()
{
	if (IsSkipped())
		return;
	for (auto it = children_.rbegin(); it != children_.rend(); ++it)
		(*it)->kill();
	children_.clear();
	if (opened_) {
		EXPECT_TRUE(process_.expired()) << "the test's Process is still open: " << process_.use_count()
						<< " references to it are left";
	}
	if (isBinderlite()) {
		const std::string left = waitForCleanStats();
		EXPECT_EQ(left, "") << "every process is gone, yet binderlite's debugfs stats show this left behind";
	}
}

Child &DeviceTest::spawn(const std::string &name, std::function<int()> body)
{
	children_.push_back(itest::fork(name, std::move(body)));
	return *children_.back();
}

Child &DeviceTest::spawnService(const std::vector<std::string> &names,
				std::function<std::shared_ptr<bl::Binder>(const std::shared_ptr<bl::Process> &)> make,
				const ServeOptions &opts)
{
	return spawn("service " + (names.empty() ? std::string("?") : names[0]),
		     [dev = device(), names, make = std::move(make), opts] { return serve(dev, names, make, opts); });
}

Child &DeviceTest::startManager(const std::function<void(int attempt)> &onBusy, std::optional<bl::Dialect> dialect)
{
	children_.push_back(startServiceManager(device(), onBusy, dialect));
	return *children_.back();
}

std::shared_ptr<bl::Process> DeviceTest::process(std::size_t poolSize)
{
	auto p = bl::Process::open({.device = device(), .poolSize = poolSize, .dialect = bl::kNewestDialect});
	process_ = p;
	opened_ = true;
	return p;
}

std::string deviceName(const ::testing::TestParamInfo<const char *> &info)
{
	std::string n = info.param;
	return n.substr(n.rfind('/') + 1);
}

} // namespace itest
