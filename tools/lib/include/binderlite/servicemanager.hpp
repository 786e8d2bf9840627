// SPDX-License-Identifier: GPL-2.0
//
// The service manager: Android's android.os.IServiceManager, and a client
// for it.
//
// The service manager is the context manager (handle 0) of a device: a
// table of names and objects. Its protocol is Android's, in the dialect of
// the Process (Documentation/userspace.rst, "The service manager"):
//
//   - Android 8 to 10 (libgbinder's "aidl", "aidl2"): the C
//     servicemanager's: replies without a status header; a missing
//     service is the int32 0; a failure is a status reply of -1 (EPERM);
//     listServices(index) returns one name per call;
//   - Android 11 and later ("aidl3", "aidl5", "aidl6"): the AIDL
//     servicemanager's: every reply starts with a status header, failures
//     are AIDL exceptions, listServices() returns the whole list; the
//     codes shift in Android 15 (getService2) and 16 (checkService2).
//
// Every call starts with the interface token of kDescriptor. The codec
// functions in namespace servicemanager are what the client below and the
// daemon (blservicemanager) both use, so the two cannot drift apart; each
// works in the dialect of the parcel it writes or reads.
//
// Thread-safety: ServiceManagerClient may be used from any threads.
#ifndef BINDERLITE_SERVICEMANAGER_HPP
#define BINDERLITE_SERVICEMANAGER_HPP

#include <binderlite/binder.hpp>
#include <binderlite/parcel.hpp>
#include <binderlite/process.hpp>
#include <binderlite/remote.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binderlite {

namespace servicemanager {

inline constexpr std::string_view kDescriptor = "android.os.IServiceManager";
// IServiceCallback: oneway void onRegistration(String name, IBinder binder).
inline constexpr std::string_view kCallbackDescriptor = "android.os.IServiceCallback";
inline constexpr std::uint32_t kOnRegistration = kFirstCallTransaction;

// IServiceManager.DUMP_FLAG_*: the dump priorities a service is listed
// under, and those listServices() asks for.
inline constexpr std::int32_t kDumpPriorityCritical = 1 << 0;
inline constexpr std::int32_t kDumpPriorityHigh = 1 << 1;
inline constexpr std::int32_t kDumpPriorityNormal = 1 << 2;
inline constexpr std::int32_t kDumpPriorityDefault = 1 << 3;
inline constexpr std::int32_t kDumpPriorityAll = 0xf;

// The calls this library speaks.
enum class Method {
	GetService,
	CheckService,
	AddService,
	ListServices,
	RegisterForNotifications,
	UnregisterForNotifications,
	IsDeclared,
};

[[nodiscard]] const char *toString(Method method) noexcept;
// The transaction code of @method in @dialect's manager; nullopt if that
// manager has no such call (notifications and isDeclared came in 11).
[[nodiscard]] std::optional<std::uint32_t> codeOf(Dialect dialect, Method method) noexcept;
// The call a code stands for in @dialect, if one of the above.
[[nodiscard]] std::optional<Method> methodOf(Dialect dialect, std::uint32_t code) noexcept;
// Whether @dialect's manager is the AIDL one (Android 11 and later).
[[nodiscard]] bool hasStatusReplies(Dialect dialect) noexcept;

// Android's rule: 1 to 127 characters of [A-Za-z0-9_.-/].
[[nodiscard]] bool isValidName(std::string_view name) noexcept;

// A failure of a request, as @dialect's manager answers it: the AIDL
// exception @code (Android 11 and later), or the C servicemanager's
// status -1 (Error::status(EPERM)).
[[noreturn]] void fail(Dialect dialect, ExceptionCode code, const std::string &message);

// Requests. Every decode starts with in.enforceInterface(kDescriptor) and
// throws Error(ErrorKind::Parcel) for a request that does not parse.
struct AddRequest {
	std::string name;
	std::optional<Remote> service; // null if the caller sent a null object
	bool allowIsolated = false;
	std::int32_t dumpPriority = kDumpPriorityDefault; // not sent in Android 8
};
void encodeAddRequest(Parcel &out, std::string_view name, const Remote &service, bool allowIsolated = false,
		      std::int32_t dumpPriority = kDumpPriorityDefault);
[[nodiscard]] AddRequest decodeAddRequest(Parcel::Reader &in);
// getService, checkService, isDeclared: the name alone.
void encodeNameRequest(Parcel &out, std::string_view name);
[[nodiscard]] std::string decodeNameRequest(Parcel::Reader &in);
struct ListRequest {
	std::int32_t index = 0; // Android 8 to 10: one name per call
	std::int32_t dumpPriority = kDumpPriorityAll; // not sent in Android 8
};
void encodeListRequest(Parcel &out, const ListRequest &request);
[[nodiscard]] ListRequest decodeListRequest(Parcel::Reader &in);
// registerForNotifications, unregisterForNotifications.
struct NotificationRequest {
	std::string name;
	std::optional<Remote> callback;
};
void encodeNotificationRequest(Parcel &out, std::string_view name, const Remote &callback);
[[nodiscard]] NotificationRequest decodeNotificationRequest(Parcel::Reader &in);

// Replies. A decode throws Error(Remote) for an AIDL exception.
// getService, checkService: the object, or none.
void encodeServiceReply(Parcel &out, const std::optional<Remote> &service);
[[nodiscard]] std::optional<Remote> decodeServiceReply(Parcel::Reader &in);
// addService, registerForNotifications, unregisterForNotifications.
void encodeDoneReply(Parcel &out);
void decodeDoneReply(Parcel::Reader &in);
// listServices from Android 11 on: every name.
void encodeListReply(Parcel &out, const std::vector<std::string> &names);
[[nodiscard]] std::vector<std::string> decodeListReply(Parcel::Reader &in);
// listServices before: the name at the index asked for.
void encodeListEntryReply(Parcel &out, std::string_view name);
[[nodiscard]] std::string decodeListEntryReply(Parcel::Reader &in);
// isDeclared.
void encodeBoolReply(Parcel &out, bool value);
[[nodiscard]] bool decodeBoolReply(Parcel::Reader &in);

// IServiceCallback.onRegistration(): a oneway call to the callback.
struct Registration {
	std::string name;
	Remote service;
};
void encodeOnRegistration(Parcel &out, std::string_view name, const Remote &service);
[[nodiscard]] Registration decodeOnRegistration(Parcel::Reader &in);

} // namespace servicemanager

class ServiceManagerClient {
public:
	// Talks to handle 0 of @process, in its dialect, holding a Remote.
	explicit ServiceManagerClient(std::shared_ptr<Process> process);
	// Talks to @manager, any object that speaks the protocol, in the
	// dialect of its process (the newest for a local object) or @dialect.
	explicit ServiceManagerClient(Remote manager);
	ServiceManagerClient(Remote manager, Dialect dialect);

	// Registers @service as @name (addService); a service of that name
	// is replaced, as Android's manager does. Failures are Error(Remote):
	// EINVAL (IllegalArgument) for an invalid name, EPERM before Android
	// 11.
	void addService(std::string_view name, const std::shared_ptr<Binder> &service, bool allowIsolated = false,
			std::int32_t dumpPriority = servicemanager::kDumpPriorityDefault);
	void addService(std::string_view name, const Remote &service, bool allowIsolated = false,
			std::int32_t dumpPriority = servicemanager::kDumpPriorityDefault);
	// The service registered as @name, or nullopt (checkService: it does
	// not wait).
	[[nodiscard]] std::optional<Remote> getService(std::string_view name);
	// The names of the services registered with one of @dumpPriority's
	// priorities, sorted.
	[[nodiscard]] std::vector<std::string>
	listServices(std::int32_t dumpPriority = servicemanager::kDumpPriorityAll);
	// getService() until it finds @name or @timeout passes (then
	// nullopt), polling at 1 ms, doubling up to 50 ms between tries. A
	// missing context manager (DeadObject) counts as "not yet".
	[[nodiscard]] std::optional<Remote> waitForService(std::string_view name,
							   std::chrono::milliseconds timeout);
	// Android 11 and later (Error(Usage, EOPNOTSUPP) before): whether
	// @name is declared (in a VINTF manifest; blservicemanager has none).
	[[nodiscard]] bool isDeclared(std::string_view name);
	// Android 11 and later: @callback runs (on a looper thread of this
	// process: start a pool) with the name and the object whenever a
	// service is registered as @name, at once if one is. Returns the
	// callback object; keep it to unregister.
	std::shared_ptr<Binder> registerForNotifications(
		std::string_view name, std::function<void(const std::string &name, const Remote &service)> callback);
	void unregisterForNotifications(std::string_view name, const std::shared_ptr<Binder> &callback);

	[[nodiscard]] const Remote &manager() const noexcept { return manager_; }
	[[nodiscard]] Dialect dialect() const noexcept { return dialect_; }

private:
	Parcel call(servicemanager::Method method, const Parcel &request);
	std::uint32_t code(servicemanager::Method method) const;

	Remote manager_;
	Dialect dialect_;
};

} // namespace binderlite

#endif
