// SPDX-License-Identifier: GPL-2.0
//
// How one call to one of our objects is served, for the dispatcher (a call
// the driver delivers) and for Remote (a call to a local object). Not
// installed.
#ifndef BINDERLITE_SRC_SERVE_HPP
#define BINDERLITE_SRC_SERVE_HPP

#include <binderlite/parcel.hpp>

#include <cstdint>
#include <functional>
#include <string_view>

namespace binderlite {

class Binder;

namespace detail {

// Serves one call to @b: the standard transactions, else onTransact().
// Returns 0 with @reply written (an AIDL exception included), or the
// status_t of a transaction error. Failures nobody else hears of go to
// @report.
std::int32_t serve(Binder &b, std::uint32_t code, Parcel::Reader &in, Parcel &reply, bool oneway,
		   const std::function<void(std::string_view)> &report);

} // namespace detail
} // namespace binderlite

#endif
