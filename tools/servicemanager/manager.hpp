// SPDX-License-Identifier: GPL-2.0
//
// blservicemanager's service manager, as an object: Android's
// android.os.IServiceManager in the dialect of an Android release, written
// with the library's codec (<binderlite/servicemanager.hpp>). The daemon
// (main.cpp) makes it the context manager of a device; tests that need a
// service manager without a driver call the same object directly (a
// Remote to a local object), so that there is one manager to test against.
//
// As Android's manager: a service registered again under its name
// replaces the old one; a service is dropped when its process dies (death
// notification); registerForNotifications() callbacks hear of every
// registration of their name (Android 11 and later), and are dropped when
// they die. Before Android 11 (the C servicemanager) every failure is the
// status -1 (EPERM). No call ever blocks: getService() is checkService().
//
// Thread-safety: calls may come on any threads at once; the tables are
// guarded by one mutex, which death callbacks (on loopers) take as well.
#ifndef BLSERVICEMANAGER_MANAGER_HPP
#define BLSERVICEMANAGER_MANAGER_HPP

#include <binderlite/binderlite.hpp>

#include <functional>
#include <memory>
#include <set>
#include <string>

namespace blservicemanager {

struct ManagerOptions {
	binderlite::Dialect dialect = binderlite::kNewestDialect;
	// Told of every registration and death; empty: nothing is told.
	std::function<void(const std::string &line)> log;
	// The names isDeclared() answers true for, as a VINTF manifest would
	// list them. blservicemanager has no manifest: none.
	std::set<std::string> declared;
};

// A new manager, to serve with Process::becomeContextManager() or to call
// through Remote(manager).
[[nodiscard]] std::shared_ptr<binderlite::Binder> makeServiceManager(ManagerOptions options = {});

} // namespace blservicemanager

#endif
