// SPDX-License-Identifier: GPL-2.0
//
// libbinderlite: Binder-style IPC over /dev/binderlite (or /dev/binder),
// in C++20. The guide is Documentation/userspace.rst.
#ifndef BINDERLITE_BINDERLITE_HPP
#define BINDERLITE_BINDERLITE_HPP

#include <binderlite/binder.hpp>
#include <binderlite/device.hpp>
#include <binderlite/dialect.hpp>
#include <binderlite/error.hpp>
#include <binderlite/fd.hpp>
#include <binderlite/parcel.hpp>
#include <binderlite/process.hpp>
#include <binderlite/protocol.hpp>
#include <binderlite/remote.hpp>
#include <binderlite/servicemanager.hpp>
#include <binderlite/status.hpp>

#endif
