// SPDX-License-Identifier: GPL-2.0
//
// blctl status: is binderlite ready for use?

#include "subcommands.hpp"

#include "debugfs.hpp"
#include "sysinfo.hpp"
#include "table.hpp"

#include <linux/binderlite.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace blctl {

namespace {

namespace fs = std::filesystem;

struct ModuleState {
	bool loaded = false;
	std::optional<std::string> initstate;	// absent when built in
	std::optional<std::int64_t> usedBy;	// refcnt, as lsmod's "Used by"
	std::vector<std::pair<std::string, std::optional<std::string>>> parameters;
};

struct DeviceState {
	std::string path;
	int statError = 0;			// errno of stat(), 0 if it worked
	mode_t mode = 0;
	std::string owner, group;
	unsigned int major = 0, minor = 0;
	std::optional<std::string> miscDev;	// "MAJOR:MINOR" binderlite registered
	std::optional<int> protocol;
	std::optional<std::string> protocolError;
};

struct DebugfsState {
	std::optional<std::string> fstype;
	std::optional<bool> hasBinderlite;	// nullopt: cannot tell (not root)
	// From a newer module's debugfs, when it can be read: its contexts and
	// the processes it has frozen.
	std::optional<std::vector<Context>> contexts;
	std::optional<std::vector<FrozenProcess>> frozen;
};

struct Report {
	ModuleState module;
	DeviceState device;
	DebugfsState debugfs;
	std::vector<std::string> problems;	// each a Failure-style message
};

ModuleState moduleState(const Paths &paths)
{
	ModuleState m;
	m.loaded = moduleLoaded(paths);
	if (!m.loaded)
		return m;
	const fs::path dir = paths.at(Paths::kModule);
	if (const auto state = readFile(dir / "initstate"))
		m.initstate = std::string{trim(*state)};
	if (const auto refcnt = readFile(dir / "refcnt"))
		m.usedBy = parseInteger(trim(*refcnt));
	m.parameters = moduleParameters(paths);
	return m;
}

std::string octalMode(mode_t mode)
{
	return fmt::format("{:04o}", mode & 07777);
}

// Why the device cannot be opened, and what to do.
std::string openProblem(const DeviceState &d, int err)
{
	if (err != EACCES && err != EPERM)
		return fmt::format("cannot open {}: {}", d.path, std::strerror(err));
	const std::string what = fmt::format("cannot open {}: permission denied ({} {}:{})", d.path,
					     modeString(d.mode), d.owner, d.group);
	if ((d.mode & S_IRGRP) && (d.mode & S_IWGRP) && d.group != "root")
		return fmt::format("{}: join the group (sudo usermod -aG {} $USER, then log in "
				   "again) or run as root", what, d.group);
	return what + ": run as root, or install binderlite's udev rule (sudo make install)";
}

DeviceState deviceState(const Paths &paths, bool module, std::vector<std::string> &problems)
{
	DeviceState d;
	d.path = paths.device;
	if (module) {
		if (const auto dev = readFile(paths.at(paths.miscDev())))
			d.miscDev = std::string{trim(*dev)};
	}
	struct stat st {};
	if (::stat(paths.at(d.path).c_str(), &st) < 0) {
		d.statError = errno;
		// Without the module, the module is the problem, not the node.
		if (module && d.statError == ENOENT) {
			std::string number = d.miscDev.value_or("MAJOR:MINOR");
			std::replace(number.begin(), number.end(), ':', ' ');
			problems.push_back(fmt::format("{0} does not exist although binderlite is "
						       "loaded: is udev running? (by hand: mknod {0} c {1})",
						       d.path, number));
		}
		else if (module)
			problems.push_back(fmt::format("cannot look at {}: {}", d.path,
						       std::strerror(d.statError)));
		return d;
	}
	d.mode = st.st_mode;
	d.owner = userName(paths, st.st_uid);
	d.group = groupName(paths, st.st_gid);
	if (!S_ISCHR(st.st_mode)) {
		if (module)
			problems.push_back(fmt::format("{} is not a character device", d.path));
		return d;
	}
	d.major = ::major(st.st_rdev);
	d.minor = ::minor(st.st_rdev);
	const std::string rdev = fmt::format("{}:{}", d.major, d.minor);
	if (d.miscDev && *d.miscDev != rdev) {
		problems.push_back(fmt::format("{} is device {}, but binderlite is {}: a stale node; "
					       "remove it and reload the module", d.path, rdev, *d.miscDev));
		return d;
	}
	if (!module)
		return d;
	const VersionAnswer answer = askProtocolVersion(paths.at(d.path));
	d.protocol = answer.version;
	if (answer.version && *answer.version != BINDERLITE_CURRENT_PROTOCOL_VERSION)
		problems.push_back(fmt::format("{} speaks protocol {}, blctl speaks {}: use the blctl "
					       "built with this module", d.path, *answer.version,
					       BINDERLITE_CURRENT_PROTOCOL_VERSION));
	if (answer.version)
		return d;
	d.protocolError = fmt::format("{}: {}", answer.failedStep, std::strerror(answer.error));
	if (answer.failedStep == "open")
		problems.push_back(openProblem(d, answer.error));
	else
		problems.push_back(fmt::format("{} on {} failed: {}: is it binderlite's device?",
					       answer.failedStep, d.path, std::strerror(answer.error)));
	return d;
}

DebugfsState debugfsState(const Env &env, bool module)
{
	const Paths &paths = env.paths;
	DebugfsState s;
	s.fstype = debugfsFstype(paths);
	if (module && s.fstype == "debugfs") {
		// Not root: debugfs's top directory is 0700, so no telling.
		struct stat st {};
		if (::stat(paths.at(Paths::kDebugfsDir).c_str(), &st) == 0)
			s.hasBinderlite = S_ISDIR(st.st_mode);
		else if (errno == ENOENT)
			s.hasBinderlite = false;
	}
	if (!s.hasBinderlite.value_or(false))
		return s;
	// What a newer module tells; status says nothing of what it cannot
	// read (blctl stats does).
	const std::string dir{Paths::kDebugfsDir};
	try {
		if (const auto text = readOptionalDebugfsFile(env, "contexts"))
			s.contexts = parseContexts(parseColumns(*text, dir + "/contexts"));
		s.frozen = frozenProcesses(parseColumns(readDebugfsFile(env, "procs"), dir + "/procs"));
	} catch (const std::exception &) {
		// Left out.
	}
	return s;
}

Report collect(const Env &env)
{
	Report r;
	r.module = moduleState(env.paths);
	if (!r.module.loaded)
		r.problems.emplace_back("binderlite module is not loaded: try `sudo modprobe binderlite`");
	r.device = deviceState(env.paths, r.module.loaded, r.problems);
	r.debugfs = debugfsState(env, r.module.loaded);
	return r;
}

void printText(std::ostream &out, const Paths &paths, const Report &r)
{
	TextTable t{{Column{}, Column{}}};

	if (!r.module.loaded) {
		t.addRow({"module", fmt::format("not loaded ({} is missing)", Paths::kModule)});
	} else {
		std::string what = "loaded";
		if (!r.module.initstate)
			what = "built into the kernel";
		else if (*r.module.initstate != "live")
			what = fmt::format("loaded, {}", *r.module.initstate);
		if (r.module.usedBy)
			what += fmt::format(", used by {}", *r.module.usedBy);
		t.addRow({"module", what});
	}

	const DeviceState &d = r.device;
	if (d.statError)
		t.addRow({"device", fmt::format("{}: {}", d.path, d.statError == ENOENT
					? std::string{"missing"} : std::strerror(d.statError))});
	else if (!S_ISCHR(d.mode))
		t.addRow({"device", fmt::format("{}: {} {}:{}, not a character device", d.path,
						 modeString(d.mode), d.owner, d.group)});
	else
		t.addRow({"device", fmt::format("{}: {} ({}) {}:{}, device {}:{}", d.path,
						 modeString(d.mode), octalMode(d.mode), d.owner,
						 d.group, d.major, d.minor)});

	if (d.protocol)
		t.addRow({"protocol", fmt::format("{} (blctl speaks {})", *d.protocol,
						   BINDERLITE_CURRENT_PROTOCOL_VERSION)});
	else if (d.protocolError)
		t.addRow({"protocol", fmt::format("unknown ({})", *d.protocolError)});
	else
		t.addRow({"protocol", "unknown"});

	if (r.module.loaded) {
		if (r.module.parameters.empty())
			t.addRow({"parameters", "none"});
		bool first = true;
		for (const auto &[name, value] : r.module.parameters) {
			t.addRow({first ? "parameters" : "",
				   fmt::format("{} = {}", name, value ? *value : "(not readable)")});
			first = false;
		}
	}

	std::string dbg;
	if (!r.debugfs.fstype)
		dbg = fmt::format("not mounted at {0} (blctl stats needs it: "
				  "mount -t debugfs none {0})", Paths::kDebugfsMount);
	else if (*r.debugfs.fstype != "debugfs")
		dbg = fmt::format("{} holds {}, not debugfs", Paths::kDebugfsMount, *r.debugfs.fstype);
	else if (!r.module.loaded)
		dbg = fmt::format("mounted at {}", Paths::kDebugfsMount);
	else if (!r.debugfs.hasBinderlite)
		dbg = fmt::format("mounted at {} (readable by root only)", Paths::kDebugfsMount);
	else if (*r.debugfs.hasBinderlite)
		dbg = fmt::format("mounted; {} present", Paths::kDebugfsDir);
	else
		dbg = fmt::format("mounted at {}, but {} is missing", Paths::kDebugfsMount,
				  Paths::kDebugfsDir);
	t.addRow({"debugfs", dbg});

	if (r.debugfs.contexts) {
		if (r.debugfs.contexts->empty())
			t.addRow({"contexts", "none"});
		bool first = true;
		for (const Context &c : *r.debugfs.contexts) {
			std::string what = fmt::format("{} (/dev/{})", printable(c.name), printable(c.name));
			if (c.procs)
				what += fmt::format(": {} open file{}", *c.procs, *c.procs == 1 ? "" : "s");
			if (c.manager && *c.manager)
				what += fmt::format(", manager {} ({})", *c.manager,
						    processName(paths, *c.manager).value_or("?"));
			else if (c.manager)
				what += ", no manager";
			t.addRow({first ? "contexts" : "", what});
			first = false;
		}
	}
	if (r.debugfs.frozen) {
		if (r.debugfs.frozen->empty())
			t.addRow({"frozen", "none"});
		bool first = true;
		for (const FrozenProcess &f : *r.debugfs.frozen) {
			std::string what = fmt::format("{} ({})", f.pid, processName(paths, f.pid).value_or("?"));
			if (!f.context.empty())
				what += fmt::format(" on {}", printable(f.context));
			t.addRow({first ? "frozen" : "", what});
			first = false;
		}
	}
	t.print(out);
}

void printJson(std::ostream &out, const Paths &paths, const Report &r)
{
	using nlohmann::ordered_json;
	const auto opt = [](const auto &o) { return o ? ordered_json(*o) : ordered_json(nullptr); };

	ordered_json params = ordered_json::object();
	for (const auto &[name, value] : r.module.parameters)
		params[name] = opt(value);
	const DeviceState &d = r.device;
	ordered_json device{
		{"path", d.path},
		{"present", d.statError == 0},
		{"error", d.statError ? ordered_json(std::strerror(d.statError)) : ordered_json(nullptr)},
	};
	if (!d.statError) {
		device["character_device"] = S_ISCHR(d.mode);
		device["mode"] = octalMode(d.mode);
		device["permissions"] = modeString(d.mode);
		device["owner"] = d.owner;
		device["group"] = d.group;
		device["device_number"] = S_ISCHR(d.mode) ? ordered_json(fmt::format("{}:{}", d.major, d.minor))
							  : ordered_json(nullptr);
	}
	device["registered_number"] = opt(d.miscDev);
	device["protocol_version"] = opt(d.protocol);
	device["protocol_error"] = opt(d.protocolError);

	// null when this module (or this user) cannot tell.
	ordered_json contexts(nullptr), frozen(nullptr);
	if (r.debugfs.contexts) {
		contexts = ordered_json::array();
		for (const Context &c : *r.debugfs.contexts)
			contexts.push_back({{"name", c.name}, {"procs", opt(c.procs)}, {"manager", opt(c.manager)}});
	}
	if (r.debugfs.frozen) {
		frozen = ordered_json::array();
		for (const FrozenProcess &f : *r.debugfs.frozen)
			frozen.push_back({{"pid", f.pid}, {"comm", opt(processName(paths, f.pid))},
					  {"context", f.context}});
	}

	const ordered_json doc{
		{"module", {
			{"loaded", r.module.loaded},
			{"initstate", opt(r.module.initstate)},
			{"used_by", opt(r.module.usedBy)},
			{"parameters", params},
		}},
		{"device", device},
		{"blctl_protocol_version", BINDERLITE_CURRENT_PROTOCOL_VERSION},
		{"debugfs", {
			{"mountpoint", Paths::kDebugfsMount},
			{"fstype", opt(r.debugfs.fstype)},
			{"binderlite", opt(r.debugfs.hasBinderlite)},
			{"contexts", contexts},
			{"frozen", frozen},
		}},
		{"problems", r.problems},
	};
	out << doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) << '\n';
}

} // namespace

int runStatus(const Env &env, const StatusOptions &options)
{
	const Report r = collect(env);
	if (options.json)
		printJson(env.out, env.paths, r);
	else
		printText(env.out, env.paths, r);
	for (const auto &problem : r.problems)
		env.err << "blctl: " << problem << '\n';
	return r.problems.empty() ? kExitOk : kExitFailure;
}

} // namespace blctl
