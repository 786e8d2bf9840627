// SPDX-License-Identifier: GPL-2.0
//
// The bench of the integration tests: libbinderlite against the real
// module (and the reference binder), between real processes.
//
// Every test is a TEST_P of a fixture derived from DeviceTest, run once per
// device (ITEST_DEVICES). The fixture
//
//   - skips when the device is absent;
//   - forks children (spawn()) that run a function and _exit() with what it
//     returned; they never use gtest assertions: they print what went wrong
//     (ITEST_CHECK throws CheckFailed, spawn() prints it) and exit non-zero,
//     and the test asserts their exit status;
//   - starts blservicemanager as a child (startManager()), retrying while
//     binder still holds the previous test's dead context manager (EBUSY);
//   - at the end kills and reaps every child still running, requires the
//     test's own Process to be closed, and, on binderlite, waits for debugfs
//     "stats" to show no process, thread, node, reference, buffer, death or
//     live transaction left.
//
// Children make their Process with openProcess() (Process::create(), with
// the pool size they ask for), independent of what the parent holds; one
// test checks that Process::open() in a child gives it its own as well.
//
// Waits for something that must happen are bounded by kWait only to turn a
// hang into a failure; no test asserts how long anything takes. A call that
// may never return is bounded by a Deadline, and a watchdog ends a program
// whose test runs longer than kTestLimit, as a failure of that test, so that
// a hang never costs the VM run its kselftests.
#ifndef BINDERLITE_ITEST_HPP
#define BINDERLITE_ITEST_HPP

#include <binderlite/binderlite.hpp>

#include <gtest/gtest.h>

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace itest {

namespace bl = binderlite;

inline constexpr const char *kBinderlite = "/dev/binderlite";
inline constexpr const char *kBinder = "/dev/binder";

// The bound on every wait for something that must happen.
inline constexpr std::chrono::milliseconds kWait{20000};
// The bound on Process::stopThreadPool(), which takes milliseconds.
inline constexpr std::chrono::milliseconds kStopWait{5000};

// A failed check in a child (or in code shared by children and tests).
class CheckFailed : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// ITEST_CHECK(cond, "what" << value): throws CheckFailed naming the file,
// the line, the condition and the message unless @cond holds.
#define ITEST_CHECK(cond, msg)                                                                   \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			std::ostringstream itest_s_;                                             \
			itest_s_ << __FILE__ << ':' << __LINE__ << ": " #cond ": " << msg;       \
			throw ::itest::CheckFailed(itest_s_.str());                              \
		}                                                                                \
	} while (0)

// "exited 0", "exited 3", "killed by SIGKILL".
[[nodiscard]] std::string describeStatus(int status);

// A forked child. Destroying a Child that still runs kills and reaps it.
class Child {
public:
	Child(std::string name, pid_t pid) : name_(std::move(name)), pid_(pid) {}
	~Child();
	Child(const Child &) = delete;
	Child &operator=(const Child &) = delete;

	[[nodiscard]] const std::string &name() const noexcept { return name_; }
	[[nodiscard]] pid_t pid() const noexcept { return pid_; }
	// Its wait status once reaped.
	[[nodiscard]] const std::optional<int> &status() const noexcept { return status_; }

	// Waits up to @timeout for it to end; its wait status, or nullopt if
	// it still runs.
	std::optional<int> wait(std::chrono::milliseconds timeout = kWait);
	// Reaps it if it has ended; true if it has.
	bool poll();
	// SIGKILL (or @sig) unless reaped; then waits for it.
	void kill(int sig = SIGKILL);

private:
	std::string name_;
	pid_t pid_;
	std::optional<int> status_;
};

// Whether @child ends (within kWait) with exit status 0.
[[nodiscard]] ::testing::AssertionResult exitsZero(Child &child);

// fork(): the child dies with the test process (PR_SET_PDEATHSIG), runs
// @body and _exit()s with what it returned, or 1 after printing what it
// threw. Call it on the test's main thread: the death signal follows the
// thread that forked.
[[nodiscard]] std::unique_ptr<Child> fork(const std::string &name, std::function<int()> body);

// A Process of our own over @device, with a pool of @poolSize, in
// @dialect: Process::create().
[[nodiscard]] std::shared_ptr<bl::Process> openProcess(const std::string &device,
						       std::size_t poolSize = bl::Device::kDefaultPoolSize,
						       bl::Dialect dialect = bl::kNewestDialect);

// Where blservicemanager is: $BL_SERVICEMANAGER, else next to this
// program, else /extra/blservicemanager (the VM bench), else the build
// tree's. Throws if none is executable.
[[nodiscard]] std::string serviceManagerPath();

// Starts blservicemanager -d @device -r READY (-D @dialect, if given:
// else the newest) and returns once it serves. Binder releases a dead
// context manager from a workqueue, so while the daemon fails with EBUSY
// it is started again, up to kWait; @onBusy, if given, is called with the
// attempt's number after each such failure. Throws (with the daemon's
// stderr) if it cannot be started.
[[nodiscard]] std::unique_ptr<Child> startServiceManager(const std::string &device,
							 const std::function<void(int attempt)> &onBusy = {},
							 std::optional<bl::Dialect> dialect = std::nullopt);

// How a service child serves.
struct ServeOptions {
	std::uint32_t maxThreads = 0;              // setMaxThreads(), if not 0
	std::size_t poolSize = bl::Device::kDefaultPoolSize;
	bool join = true;                          // the main thread joins the pool too
	bl::Dialect dialect = bl::kNewestDialect;  // of its Process
};

// The body of a service child: opens @device, starts the pool, registers
// the object @make returns under each of @names with the service manager
// and serves until killed. Returns only on failure.
int serve(const std::string &device, const std::vector<std::string> &names,
	  const std::function<std::shared_ptr<bl::Binder>(const std::shared_ptr<bl::Process> &)> &make,
	  const ServeOptions &opts = {});

// A service that answers every code with its process's pid (int32).
[[nodiscard]] std::shared_ptr<bl::Binder> makePidService();
inline constexpr std::uint32_t kPid = 1;
// Calls @remote with kPid; the pid it answers.
[[nodiscard]] pid_t pidOf(const bl::Remote &remote);

// binderlite's debugfs "stats": every "key value" line.
[[nodiscard]] std::map<std::string, long long> readStats();
// Waits up to @timeout for "stats" to show nothing left behind; "" if so,
// else what is left (e.g. "refs 2") or why it could not be read.
[[nodiscard]] std::string waitForCleanStats(std::chrono::milliseconds timeout = kWait);

// Polls @pred every few milliseconds until it holds or @timeout passes.
bool eventually(const std::function<bool()> &pred, std::chrono::milliseconds timeout = kWait);

// FNV-1a, 64 bits.
[[nodiscard]] std::uint64_t fnv1a(std::span<const std::byte> bytes);
// @n bytes of a pseudo-random pattern from @seed.
[[nodiscard]] std::vector<std::byte> pattern(std::uint64_t seed, std::size_t n);

// What @fn throws as a binderlite::Error, or nullopt if it returns.
template <class F> std::optional<bl::Error> errorOf(F &&fn)
{
	try {
		fn();
	} catch (const bl::Error &e) {
		return e;
	}
	return std::nullopt;
}

// Whether @fn throws a binderlite::Error of @kind with @errnum.
template <class F>
::testing::AssertionResult failsWith(F &&fn, bl::ErrorKind kind, int errnum)
{
	try {
		fn();
	} catch (const bl::Error &e) {
		if (e.kind() == kind && e.errnum() == errnum &&
		    e.code() == std::error_code(errnum, std::generic_category()))
			return ::testing::AssertionSuccess() << e.what();
		return ::testing::AssertionFailure()
		       << "threw " << bl::toString(e.kind()) << " errno " << e.errnum() << " (" << e.what()
		       << "), expected " << bl::toString(kind) << " errno " << errnum;
	} catch (const std::exception &e) {
		return ::testing::AssertionFailure() << "threw a non-binderlite exception: " << e.what();
	}
	return ::testing::AssertionFailure() << "returned, expected " << bl::toString(kind) << " errno " << errnum;
}

// A T in memory shared with the children forked after it.
template <class T> class Shared {
public:
	Shared();
	~Shared();
	Shared(const Shared &) = delete;
	Shared &operator=(const Shared &) = delete;
	T *operator->() const noexcept { return p_; }
	T &operator*() const noexcept { return *p_; }

private:
	T *p_;
};

void *mapShared(std::size_t size);
void unmapShared(void *p, std::size_t size) noexcept;

template <class T> Shared<T>::Shared() : p_(new (mapShared(sizeof(T))) T()) {}
template <class T> Shared<T>::~Shared()
{
	p_->~T();
	unmapShared(p_, sizeof(T));
}

// Ends the program at once as a failure of the running test: prints @why
// and the test's "[  FAILED  ]" line (which the VM bench counts), then
// _exit(1); the children die with it, the tests after it do not run. For
// a test stuck beyond repair, such as a thread that never returns. A
// watchdog does the same for a test still running after kTestLimit.
[[noreturn]] void abortTest(const std::string &why);
inline constexpr std::chrono::seconds kTestLimit{120};

// A bound on a call that may never return: unless destroyed within
// @timeout, either abortTest(), or, given a @rescue, calls it (on another
// thread) to make the call return; if it does within another @timeout, the
// test goes on and the destructor records the failure, with the note the
// rescue returned. Else abortTest().
class Deadline {
public:
	explicit Deadline(std::string what, std::chrono::milliseconds timeout = kWait,
			  std::function<std::string()> rescue = {});
	~Deadline();
	Deadline(const Deadline &) = delete;
	Deadline &operator=(const Deadline &) = delete;

private:
	struct State;
	std::shared_ptr<State> state_;
	std::thread thread_;
};

// @p->stopThreadPool(), under a Deadline of kStopWait whose rescue is a second
// stopThreadPool() (which also ends loopers that missed the first).
void stopThreadPool(const std::shared_ptr<bl::Process> &p);
[[nodiscard]] std::function<std::string()> rescueStop(const std::shared_ptr<bl::Process> &p);

// stopThreadPool() at the end of a scope.
class PoolGuard {
public:
	explicit PoolGuard(std::shared_ptr<bl::Process> p) : p_(std::move(p)) {}
	~PoolGuard() { stopThreadPool(p_); }
	PoolGuard(const PoolGuard &) = delete;
	PoolGuard &operator=(const PoolGuard &) = delete;

private:
	std::shared_ptr<bl::Process> p_;
};

// The fixture of every test: the parameter is the device.
class DeviceTest : public ::testing::TestWithParam<const char *> {
protected:
	void SetUp() override;
	void TearDown() override;

	[[nodiscard]] std::string device() const { return GetParam(); }
	[[nodiscard]] bool isBinderlite() const { return device() == kBinderlite; }

	// A child owned by the test: killed and reaped at its end if still
	// running.
	Child &spawn(const std::string &name, std::function<int()> body);
	// A service child: serve(device(), names, make, opts).
	Child &spawnService(const std::vector<std::string> &names,
			    std::function<std::shared_ptr<bl::Binder>(const std::shared_ptr<bl::Process> &)> make,
			    const ServeOptions &opts = {});
	// Starts the service manager (startServiceManager()); it is owned by
	// the test like the other children.
	Child &startManager(const std::function<void(int attempt)> &onBusy = {},
			    std::optional<bl::Dialect> dialect = std::nullopt);
	// The test process's own Process, from Process::open() as programs
	// get it; the test must let go of it before it ends.
	std::shared_ptr<bl::Process> process(std::size_t poolSize = bl::Device::kDefaultPoolSize);

private:
	std::vector<std::unique_ptr<Child>> children_;
	std::weak_ptr<bl::Process> process_;
	bool opened_ = false;
};

// "binderlite" or "binder", for the case names.
std::string deviceName(const ::testing::TestParamInfo<const char *> &info);

} // namespace itest

// Every test of @fixture on both devices: Device/Fixture.Test/binderlite
// and Device/Fixture.Test/binder.
#define ITEST_DEVICES(fixture)                                                                   \
	INSTANTIATE_TEST_SUITE_P(Device, fixture, ::testing::Values(::itest::kBinderlite, ::itest::kBinder), \
				 ::itest::deviceName)

#endif
