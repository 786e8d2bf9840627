// SPDX-License-Identifier: GPL-2.0
//
// The service manager: its wire protocol, and a client for it.
//
// The service manager is the context manager (handle 0) of a device: a
// table of names and objects. This header defines its protocol completely,
// for the client below and for the daemon (blservicemanager) alike; the
// codec functions in namespace servicemanager are what both sides use, so
// the two cannot drift apart.
//
// Protocol version 1. Every request starts with the protocol version
// (uint32, kProtocolVersion); items use the Parcel wire format.
//
//   code      request                         reply (on success)
//   ADD  = 1  uint32 version, string name,    (empty)
//             object service
//   GET  = 2  uint32 version, string name     object service
//   LIST = 3  uint32 version                  uint32 count, count x string
//                                             (sorted by name)
//
// Failures are error statuses (the library's error reply: TF_STATUS_CODE
// with a negative errno, see Documentation/userspace.rst):
//
//   EPROTONOSUPPORT  another protocol version
//   EBADMSG          a request that does not parse, or has trailing items
//   EINVAL           an invalid name (isValidName()), or a null object
//   EEXIST           ADD of a name whose service is alive
//   ENOENT           GET of a name nobody added (or whose service died)
//   EBADRQC          an unknown code
//
// The manager drops a service when it dies (it asks for death
// notifications), so that a restarted service can ADD its name again.
// There is no blocking "wait" call: a manager thread blocked in one would
// serve nobody else. waitForService() polls GET instead.
//
// Thread-safety: ServiceManagerClient may be used from any threads.
#ifndef BINDERLITE_SERVICEMANAGER_HPP
#define BINDERLITE_SERVICEMANAGER_HPP

#include <binderlite/parcel.hpp>
#include <binderlite/process.hpp>
#include <binderlite/remote.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binderlite {

namespace servicemanager {

inline constexpr std::uint32_t kProtocolVersion = 1;
inline constexpr std::size_t kMaxNameLength = 255;

enum class Code : std::uint32_t {
	Add = 1,
	Get = 2,
	List = 3,
};

// 1 to kMaxNameLength bytes of printable ASCII (0x21 to 0x7e): no
// spaces, no control characters.
[[nodiscard]] bool isValidName(std::string_view name) noexcept;

// A request as the manager decodes it; every decode throws
// Error(ErrorKind::Parcel) for a malformed request, Error::status(
// EPROTONOSUPPORT) for another version, and Error::status(EINVAL) for an
// invalid name. Each consumes the whole request.
struct AddRequest {
	std::string name;
	Remote service;
};

void encodeAddRequest(Parcel &out, std::string_view name, const Remote &service);
[[nodiscard]] AddRequest decodeAddRequest(Parcel::Reader &in);
void encodeGetRequest(Parcel &out, std::string_view name);
[[nodiscard]] std::string decodeGetRequest(Parcel::Reader &in);
void encodeListRequest(Parcel &out);
void decodeListRequest(Parcel::Reader &in);

void encodeGetReply(Parcel &out, const Remote &service);
[[nodiscard]] Remote decodeGetReply(Parcel::Reader &in);
void encodeListReply(Parcel &out, const std::vector<std::string> &names);
[[nodiscard]] std::vector<std::string> decodeListReply(Parcel::Reader &in);

} // namespace servicemanager

class ServiceManagerClient {
public:
	// Talks to handle 0 of @process, holding a Remote to it.
	explicit ServiceManagerClient(std::shared_ptr<Process> process);
	// Talks to @manager: any object that speaks the protocol.
	explicit ServiceManagerClient(Remote manager);

	// Registers @service as @name. Error::status codes as in the table.
	void addService(std::string_view name, const std::shared_ptr<Binder> &service);
	void addService(std::string_view name, const Remote &service);
	// The service registered as @name, or nullopt.
	[[nodiscard]] std::optional<Remote> getService(std::string_view name);
	[[nodiscard]] std::vector<std::string> listServices();
	// getService() until it finds @name or @timeout passes (then
	// nullopt), polling at 1 ms, doubling up to 50 ms between tries. A
	// missing context manager (DeadObject) counts as "not yet".
	[[nodiscard]] std::optional<Remote> waitForService(std::string_view name,
							   std::chrono::milliseconds timeout);

	[[nodiscard]] const Remote &manager() const noexcept { return manager_; }

private:
	Remote manager_;
};

} // namespace binderlite

#endif
