// SPDX-License-Identifier: GPL-2.0
//
// blservicemanager's android.os.IServiceManager (manager.hpp).
#include "manager.hpp"

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace blservicemanager {

namespace bl = binderlite;
namespace sm = binderlite::servicemanager;
using sm::Method;

namespace {

class ServiceManager : public bl::Binder {
public:
	explicit ServiceManager(ManagerOptions options)
		: Binder(std::string(sm::kDescriptor)), dialect_(options.dialect), options_(std::move(options))
	{
	}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		const auto method = sm::methodOf(dialect_, code);
		if (!method) {
			// The C servicemanager fails anything it does not know
			// with -1; the AIDL one says UNKNOWN_TRANSACTION.
			if (!sm::hasStatusReplies(dialect_))
				throw bl::Error::status(EPERM, "unknown code " + std::to_string(code));
			throw bl::Error::unknownTransaction(code);
		}
		try {
			serve(*method, in, reply, static_cast<pid_t>(in.parcel().senderPid()));
		} catch (const bl::Error &e) {
			// The C servicemanager answers every failure with -1.
			if (!sm::hasStatusReplies(dialect_))
				throw bl::Error::status(EPERM, e.what());
			throw;
		}
	}

private:
	void serve(Method method, bl::Parcel::Reader &in, bl::Parcel &reply, pid_t caller)
	{
		switch (method) {
		case Method::GetService:
		case Method::CheckService: {
			const auto name = sm::decodeNameRequest(in);
			sm::encodeServiceReply(reply, get(name));
			return;
		}
		case Method::AddService: {
			auto req = sm::decodeAddRequest(in);
			add(std::move(req), caller);
			sm::encodeDoneReply(reply);
			return;
		}
		case Method::ListServices: {
			const auto req = sm::decodeListRequest(in);
			const auto all = names(req.dumpPriority);
			if (sm::hasStatusReplies(dialect_)) {
				sm::encodeListReply(reply, all);
				return;
			}
			if (req.index < 0 || static_cast<std::size_t>(req.index) >= all.size())
				sm::fail(dialect_, bl::ExceptionCode::IllegalArgument, "no service at that index");
			sm::encodeListEntryReply(reply, all[static_cast<std::size_t>(req.index)]);
			return;
		}
		case Method::RegisterForNotifications: {
			auto req = sm::decodeNotificationRequest(in);
			registerCallback(std::move(req));
			sm::encodeDoneReply(reply);
			return;
		}
		case Method::UnregisterForNotifications: {
			const auto req = sm::decodeNotificationRequest(in);
			unregisterCallback(req);
			sm::encodeDoneReply(reply);
			return;
		}
		case Method::IsDeclared: {
			// No VINTF manifest: only the names the options declare.
			const auto name = sm::decodeNameRequest(in);
			sm::encodeBoolReply(reply, options_.declared.count(name) != 0);
			return;
		}
		}
	}

	void log(const std::string &line) const
	{
		if (options_.log)
			options_.log(line);
	}

	struct Entry {
		bl::Remote service;
		bl::DeathToken token;
		bool allowIsolated;
		std::int32_t dumpPriority;
	};
	struct Callback {
		bl::Remote callback;
		bl::DeathToken token;
	};

	void checkName(const std::string &name)
	{
		if (!sm::isValidName(name))
			sm::fail(dialect_, bl::ExceptionCode::IllegalArgument, "Invalid service name");
	}

	// Links to the death of a remote object; the callback names what
	// died by its handle, never by a Remote (that would pin it).
	bl::DeathToken watch(const bl::Remote &object, std::string name, bool callback)
	{
		if (object.isLocal())
			return bl::DeathToken{0};
		const auto handle = object.handle();
		return object.linkToDeath([self = self_, name = std::move(name), handle, callback] {
			if (auto manager = self.lock())
				manager->died(name, handle, callback);
		});
	}

	void add(sm::AddRequest req, pid_t caller)
	{
		checkName(req.name);
		if (!req.service)
			sm::fail(dialect_, bl::ExceptionCode::IllegalArgument, "Null binder");
		std::vector<bl::Remote> notify;
		std::optional<Entry> old; // released after unlocking
		{
			std::lock_guard lock(mutex_);
			const auto token = watch(*req.service, req.name, false);
			if (auto it = services_.find(req.name); it != services_.end()) {
				old = std::move(it->second);
				services_.erase(it);
			}
			services_.emplace(req.name, Entry{*req.service, token, req.allowIsolated, req.dumpPriority});
			if (auto it = callbacks_.find(req.name); it != callbacks_.end())
				for (const auto &cb : it->second)
					notify.push_back(cb.callback);
		}
		if (old)
			(void)old->service.unlinkToDeath(old->token);
		log("added \"" + req.name + "\" (pid " + std::to_string(caller) + ")" +
				   (old ? ", replacing the one before" : ""));
		for (const auto &cb : notify)
			onRegistration(cb, req.name, *req.service);
	}

	void onRegistration(const bl::Remote &callback, const std::string &name, const bl::Remote &service)
	{
		try {
			bl::Parcel p(dialect_);
			sm::encodeOnRegistration(p, name, service);
			(void)callback.transactOneway(sm::kOnRegistration, p);
		} catch (const bl::Error &e) {
			log("notifying a callback of \"" + name + "\": " + e.what());
		}
	}

	void registerCallback(sm::NotificationRequest req)
	{
		checkName(req.name);
		if (!req.callback)
			sm::fail(dialect_, bl::ExceptionCode::NullPointer, "Null callback");
		std::optional<bl::Remote> now;
		{
			std::lock_guard lock(mutex_);
			const auto token = watch(*req.callback, req.name, true);
			callbacks_[req.name].push_back({*req.callback, token});
			if (auto it = services_.find(req.name); it != services_.end())
				now = it->second.service;
		}
		log("a callback registered for \"" + req.name + "\"");
		if (now)
			onRegistration(*req.callback, req.name, *now);
	}

	// Takes the callbacks of @name that @match out of the table (the name
	// goes with its last one); mutex held. The caller lets them go after
	// unlocking.
	template <class Match> std::vector<Callback> takeCallbacksLocked(const std::string &name, Match match)
	{
		std::vector<Callback> taken;
		auto it = callbacks_.find(name);
		if (it == callbacks_.end())
			return taken;
		auto &list = it->second;
		for (auto c = list.begin(); c != list.end();) {
			if (match(c->callback)) {
				taken.push_back(std::move(*c));
				c = list.erase(c);
			} else {
				++c;
			}
		}
		if (list.empty())
			callbacks_.erase(it);
		return taken;
	}

	void unregisterCallback(const sm::NotificationRequest &req)
	{
		std::vector<Callback> removed; // released after unlocking
		{
			std::lock_guard lock(mutex_);
			if (req.callback)
				removed = takeCallbacksLocked(
					req.name, [&](const bl::Remote &cb) { return cb == *req.callback; });
		}
		if (removed.empty())
			sm::fail(dialect_, bl::ExceptionCode::IllegalState, "no such callback");
		for (auto &c : removed)
			(void)c.callback.unlinkToDeath(c.token);
	}

	void died(const std::string &name, std::uint32_t handle, bool callback)
	{
		std::vector<Callback> dropped;
		std::optional<Entry> entry;
		{
			std::lock_guard lock(mutex_);
			if (callback) {
				dropped = takeCallbacksLocked(name, [&](const bl::Remote &cb) {
					return !cb.isLocal() && cb.handle() == handle;
				});
			} else {
				auto it = services_.find(name);
				if (it == services_.end() || it->second.service.isLocal() ||
				    it->second.service.handle() != handle)
					return;
				entry = std::move(it->second);
				services_.erase(it);
			}
		}
		if (entry)
			log("\"" + name + "\" died; dropped");
	}

	std::optional<bl::Remote> get(const std::string &name)
	{
		checkName(name);
		std::lock_guard lock(mutex_);
		auto it = services_.find(name);
		if (it == services_.end() || it->second.service.isDead())
			return std::nullopt;
		return it->second.service;
	}

	std::vector<std::string> names(std::int32_t dumpPriority)
	{
		std::lock_guard lock(mutex_);
		std::vector<std::string> out;
		for (const auto &[name, entry] : services_)
			if ((entry.dumpPriority & dumpPriority) && !entry.service.isDead())
				out.push_back(name);
		return out;
	}

	const bl::Dialect dialect_;
	const ManagerOptions options_;
	std::mutex mutex_;
	std::map<std::string, Entry> services_;
	std::map<std::string, std::vector<Callback>> callbacks_;
	std::weak_ptr<ServiceManager> self_; // for death callbacks

	friend std::shared_ptr<bl::Binder> blservicemanager::makeServiceManager(ManagerOptions options);
};

} // namespace

std::shared_ptr<bl::Binder> makeServiceManager(ManagerOptions options)
{
	auto manager = std::make_shared<ServiceManager>(std::move(options));
	manager->self_ = manager;
	return manager;
}

} // namespace blservicemanager
