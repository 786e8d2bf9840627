// SPDX-License-Identifier: GPL-2.0
//
// blctl's IPC subcommands (list, ping, call) talk to the device through
// libbinderlite (tools/lib). A Session is one such conversation: the
// device opened, the service manager at handle 0, the services it names.
// Every failure of the library comes out as a Failure a person can act on:
// "device not present", "service manager not running", "no service
// named X", rather than an errno.

#ifndef BLCTL_IPC_HPP
#define BLCTL_IPC_HPP

#include "env.hpp"

#include <binderlite/binderlite.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blctl {

// blctl ping sends Android's PING_TRANSACTION ('_PNG', no data). Every
// libbinder, libgbinder and libbinderlite object answers it with an empty
// reply; an object that answers with an error status instead proves just
// as well that its process is alive and serving calls.
inline constexpr std::uint32_t kPingCode = binderlite::kPingTransaction;

class Session {
public:
	// Opens env.paths.device (the real one: the IPC subcommands ignore
	// the test root) with the library's default receive pool (1 MiB, of
	// which only the pages a reply lands on are ever populated), in the
	// dialect env.paths.dialect names.
	explicit Session(const Env &env);

	[[nodiscard]] const std::string &device() const noexcept { return device_; }

	// The names the service manager knows, sorted.
	[[nodiscard]] std::vector<std::string> listServices();
	// The service registered as name.
	[[nodiscard]] binderlite::Remote findService(std::string_view name);
	// The service manager itself, handle 0.
	[[nodiscard]] binderlite::Remote manager();
	// The device's Process (freeze, thaw, frozen info need no manager).
	[[nodiscard]] binderlite::Process &process() noexcept { return *process_; }
	[[nodiscard]] binderlite::Dialect dialect() const noexcept { return process_->dialect(); }

private:
	binderlite::ServiceManagerClient &client();

	std::string device_;
	std::shared_ptr<binderlite::Process> process_;
	std::optional<binderlite::ServiceManagerClient> client_;
};

// The dialect a --dialect text names (parseDialect()); "" is the
// library's default. Throws Failure for an unknown one.
binderlite::Dialect dialectOf(std::string_view text);

// "EBADRQC"; "error 4242" for a number that is no errno.
std::string errnoName(int errnum);
// "EBADRQC (Invalid request code)"; "error 4242" for a number that is no
// errno.
std::string errnoText(int errnum);

// What a callee answered with: "the exception EX_ILLEGAL_ARGUMENT
// (\"Invalid service name\")", "UNKNOWN_TRANSACTION (EBADMSG): ...",
// "an error: ENOENT (No such file or directory)".
std::string remoteText(const binderlite::Error &e);

// The messages of the Failures above, for a library Error e, each "what
// went wrong: what to do". device names the device; service the service
// called, or "" for the service manager.
std::string openFailure(std::string_view device, const binderlite::Error &e);
std::string managerFailure(std::string_view device, const binderlite::Error &e);
std::string noSuchService(std::string_view device, std::string_view name);
std::string callFailure(std::string_view device, std::string_view service,
			 const binderlite::Error &e);
// For BINDERLITE_FREEZE (what: "freeze" or "thaw") and GET_FROZEN_INFO
// ("frozen") of process pid, called who ("169 (demo-service)").
std::string freezeFailure(std::string_view device, std::string_view what, std::string_view who,
			   std::uint32_t timeoutMs, const binderlite::Error &e);

} // namespace blctl

#endif
