// SPDX-License-Identifier: GPL-2.0
#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>

#include <atomic>
#include <cerrno>

namespace binderlite {

namespace {

// Ids are never reused, so that the driver's name for a node can never
// come to mean another object. 0 is left out (a null object).
std::atomic<std::uint64_t> g_nextId{1};

class FunctionBinder final : public Binder {
public:
	explicit FunctionBinder(TransactFunction fn) : fn_(std::move(fn)) {}
	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override { fn_(code, in, reply); }

private:
	TransactFunction fn_;
};

} // namespace

Binder::Binder() noexcept : id_(g_nextId.fetch_add(1, std::memory_order_relaxed)) {}

Binder::~Binder() = default;

std::shared_ptr<Binder> makeBinder(TransactFunction fn)
{
	if (!fn)
		throw Error(ErrorKind::Usage, EINVAL, "makeBinder: no function");
	return std::make_shared<FunctionBinder>(std::move(fn));
}

} // namespace binderlite
