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
	std::optional<std::int64_t> used_by;	// refcnt, as lsmod's "Used by"
	std::vector<std::pair<std::string, std::optional<std::string>>> parameters;
};

struct DeviceState {
	std::string path;
	int stat_error = 0;			// errno of stat(), 0 if it worked
	mode_t mode = 0;
	std::string owner, group;
	unsigned int major = 0, minor = 0;
	std::optional<std::string> misc_dev;	// "MAJOR:MINOR" binderlite registered
	std::optional<int> protocol;
	std::optional<std::string> protocol_error;
};

struct DebugfsState {
	std::optional<std::string> fstype;
	std::optional<bool> has_binderlite;	// nullopt: cannot tell (not root)
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

ModuleState module_state(const Paths &paths)
{
	ModuleState m;
	m.loaded = module_loaded(paths);
	if (!m.loaded)
		return m;
	const fs::path dir = paths.at(Paths::kModule);
	if (const auto state = read_file(dir / "initstate"))
		m.initstate = std::string{trim(*state)};
	if (const auto refcnt = read_file(dir / "refcnt"))
		m.used_by = parse_integer(trim(*refcnt));
	m.parameters = module_parameters(paths);
	return m;
}

std::string octal_mode(mode_t mode)
{
	return fmt::format("{:04o}", mode & 07777);
}

// Why the device cannot be opened, and what to do.
std::string open_problem(const DeviceState &d, int err)
{
	if (err != EACCES && err != EPERM)
		return fmt::format("cannot open {}: {}", d.path, std::strerror(err));
	const std::string what = fmt::format("cannot open {}: permission denied ({} {}:{})", d.path,
					     mode_string(d.mode), d.owner, d.group);
	if ((d.mode & S_IRGRP) && (d.mode & S_IWGRP) && d.group != "root")
		return fmt::format("{}: join the group (sudo usermod -aG {} $USER, then log in "
				   "again) or run as root", what, d.group);
	return what + ": run as root, or install binderlite's udev rule (sudo make install)";
}

DeviceState device_state(const Paths &paths, bool module, std::vector<std::string> &problems)
{
	DeviceState d;
	d.path = paths.device;
	if (module) {
		if (const auto dev = read_file(paths.at(paths.misc_dev())))
			d.misc_dev = std::string{trim(*dev)};
	}
	struct stat st {};
	if (::stat(paths.at(d.path).c_str(), &st) < 0) {
		d.stat_error = errno;
		// Without the module, the module is the problem, not the node.
		if (module && d.stat_error == ENOENT) {
			std::string number = d.misc_dev.value_or("MAJOR:MINOR");
			std::replace(number.begin(), number.end(), ':', ' ');
			problems.push_back(fmt::format("{0} does not exist although binderlite is "
						       "loaded: is udev running? (by hand: mknod {0} c {1})",
						       d.path, number));
		}
		else if (module)
			problems.push_back(fmt::format("cannot look at {}: {}", d.path,
						       std::strerror(d.stat_error)));
		return d;
	}
	d.mode = st.st_mode;
	d.owner = user_name(paths, st.st_uid);
	d.group = group_name(paths, st.st_gid);
	if (!S_ISCHR(st.st_mode)) {
		if (module)
			problems.push_back(fmt::format("{} is not a character device", d.path));
		return d;
	}
	d.major = ::major(st.st_rdev);
	d.minor = ::minor(st.st_rdev);
	const std::string rdev = fmt::format("{}:{}", d.major, d.minor);
	if (d.misc_dev && *d.misc_dev != rdev) {
		problems.push_back(fmt::format("{} is device {}, but binderlite is {}: a stale node; "
					       "remove it and reload the module", d.path, rdev, *d.misc_dev));
		return d;
	}
	if (!module)
		return d;
	const VersionAnswer answer = ask_protocol_version(paths.at(d.path));
	d.protocol = answer.version;
	if (answer.version && *answer.version != BINDERLITE_CURRENT_PROTOCOL_VERSION)
		problems.push_back(fmt::format("{} speaks protocol {}, blctl speaks {}: use the blctl "
					       "built with this module", d.path, *answer.version,
					       BINDERLITE_CURRENT_PROTOCOL_VERSION));
	if (answer.version)
		return d;
	d.protocol_error = fmt::format("{}: {}", answer.failed_step, std::strerror(answer.error));
	if (answer.failed_step == "open")
		problems.push_back(open_problem(d, answer.error));
	else
		problems.push_back(fmt::format("{} on {} failed: {}: is it binderlite's device?",
					       answer.failed_step, d.path, std::strerror(answer.error)));
	return d;
}

DebugfsState debugfs_state(const Env &env, bool module)
{
	const Paths &paths = env.paths;
	DebugfsState s;
	s.fstype = debugfs_fstype(paths);
	if (module && s.fstype == "debugfs") {
		// Not root: debugfs's top directory is 0700, so no telling.
		struct stat st {};
		if (::stat(paths.at(Paths::kDebugfsDir).c_str(), &st) == 0)
			s.has_binderlite = S_ISDIR(st.st_mode);
		else if (errno == ENOENT)
			s.has_binderlite = false;
	}
	if (!s.has_binderlite.value_or(false))
		return s;
	// What a newer module tells; status says nothing of what it cannot
	// read (blctl stats does).
	const std::string dir{Paths::kDebugfsDir};
	try {
		if (const auto text = read_optional_debugfs_file(env, "contexts"))
			s.contexts = parse_contexts(parse_columns(*text, dir + "/contexts"));
		s.frozen = frozen_processes(parse_columns(read_debugfs_file(env, "procs"), dir + "/procs"));
	} catch (const std::exception &) {
		// Left out.
	}
	return s;
}

Report collect(const Env &env)
{
	Report r;
	r.module = module_state(env.paths);
	if (!r.module.loaded)
		r.problems.emplace_back("binderlite module is not loaded: try `sudo modprobe binderlite`");
	r.device = device_state(env.paths, r.module.loaded, r.problems);
	r.debugfs = debugfs_state(env, r.module.loaded);
	return r;
}

void print_text(std::ostream &out, const Paths &paths, const Report &r)
{
	TextTable t{{Column{}, Column{}}};

	if (!r.module.loaded) {
		t.add_row({"module", fmt::format("not loaded ({} is missing)", Paths::kModule)});
	} else {
		std::string what = "loaded";
		if (!r.module.initstate)
			what = "built into the kernel";
		else if (*r.module.initstate != "live")
			what = fmt::format("loaded, {}", *r.module.initstate);
		if (r.module.used_by)
			what += fmt::format(", used by {}", *r.module.used_by);
		t.add_row({"module", what});
	}

	const DeviceState &d = r.device;
	if (d.stat_error)
		t.add_row({"device", fmt::format("{}: {}", d.path, d.stat_error == ENOENT
					? std::string{"missing"} : std::strerror(d.stat_error))});
	else if (!S_ISCHR(d.mode))
		t.add_row({"device", fmt::format("{}: {} {}:{}, not a character device", d.path,
						 mode_string(d.mode), d.owner, d.group)});
	else
		t.add_row({"device", fmt::format("{}: {} ({}) {}:{}, device {}:{}", d.path,
						 mode_string(d.mode), octal_mode(d.mode), d.owner,
						 d.group, d.major, d.minor)});

	if (d.protocol)
		t.add_row({"protocol", fmt::format("{} (blctl speaks {})", *d.protocol,
						   BINDERLITE_CURRENT_PROTOCOL_VERSION)});
	else if (d.protocol_error)
		t.add_row({"protocol", fmt::format("unknown ({})", *d.protocol_error)});
	else
		t.add_row({"protocol", "unknown"});

	if (r.module.loaded) {
		if (r.module.parameters.empty())
			t.add_row({"parameters", "none"});
		bool first = true;
		for (const auto &[name, value] : r.module.parameters) {
			t.add_row({first ? "parameters" : "",
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
	else if (!r.debugfs.has_binderlite)
		dbg = fmt::format("mounted at {} (readable by root only)", Paths::kDebugfsMount);
	else if (*r.debugfs.has_binderlite)
		dbg = fmt::format("mounted; {} present", Paths::kDebugfsDir);
	else
		dbg = fmt::format("mounted at {}, but {} is missing", Paths::kDebugfsMount,
				  Paths::kDebugfsDir);
	t.add_row({"debugfs", dbg});

	if (r.debugfs.contexts) {
		if (r.debugfs.contexts->empty())
			t.add_row({"contexts", "none"});
		bool first = true;
		for (const Context &c : *r.debugfs.contexts) {
			std::string what = fmt::format("{} (/dev/{})", printable(c.name), printable(c.name));
			if (c.procs)
				what += fmt::format(": {} open file{}", *c.procs, *c.procs == 1 ? "" : "s");
			if (c.manager && *c.manager)
				what += fmt::format(", manager {} ({})", *c.manager,
						    process_name(paths, *c.manager).value_or("?"));
			else if (c.manager)
				what += ", no manager";
			t.add_row({first ? "contexts" : "", what});
			first = false;
		}
	}
	if (r.debugfs.frozen) {
		if (r.debugfs.frozen->empty())
			t.add_row({"frozen", "none"});
		bool first = true;
		for (const FrozenProcess &f : *r.debugfs.frozen) {
			std::string what = fmt::format("{} ({})", f.pid, process_name(paths, f.pid).value_or("?"));
			if (!f.context.empty())
				what += fmt::format(" on {}", printable(f.context));
			t.add_row({first ? "frozen" : "", what});
			first = false;
		}
	}
	t.print(out);
}

void print_json(std::ostream &out, const Paths &paths, const Report &r)
{
	using nlohmann::ordered_json;
	const auto opt = [](const auto &o) { return o ? ordered_json(*o) : ordered_json(nullptr); };

	ordered_json params = ordered_json::object();
	for (const auto &[name, value] : r.module.parameters)
		params[name] = opt(value);
	const DeviceState &d = r.device;
	ordered_json device{
		{"path", d.path},
		{"present", d.stat_error == 0},
		{"error", d.stat_error ? ordered_json(std::strerror(d.stat_error)) : ordered_json(nullptr)},
	};
	if (!d.stat_error) {
		device["character_device"] = S_ISCHR(d.mode);
		device["mode"] = octal_mode(d.mode);
		device["permissions"] = mode_string(d.mode);
		device["owner"] = d.owner;
		device["group"] = d.group;
		device["device_number"] = S_ISCHR(d.mode) ? ordered_json(fmt::format("{}:{}", d.major, d.minor))
							  : ordered_json(nullptr);
	}
	device["registered_number"] = opt(d.misc_dev);
	device["protocol_version"] = opt(d.protocol);
	device["protocol_error"] = opt(d.protocol_error);

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
			frozen.push_back({{"pid", f.pid}, {"comm", opt(process_name(paths, f.pid))},
					  {"context", f.context}});
	}

	const ordered_json doc{
		{"module", {
			{"loaded", r.module.loaded},
			{"initstate", opt(r.module.initstate)},
			{"used_by", opt(r.module.used_by)},
			{"parameters", params},
		}},
		{"device", device},
		{"blctl_protocol_version", BINDERLITE_CURRENT_PROTOCOL_VERSION},
		{"debugfs", {
			{"mountpoint", Paths::kDebugfsMount},
			{"fstype", opt(r.debugfs.fstype)},
			{"binderlite", opt(r.debugfs.has_binderlite)},
			{"contexts", contexts},
			{"frozen", frozen},
		}},
		{"problems", r.problems},
	};
	out << doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) << '\n';
}

} // namespace

int run_status(const Env &env, const StatusOptions &options)
{
	const Report r = collect(env);
	if (options.json)
		print_json(env.out, env.paths, r);
	else
		print_text(env.out, env.paths, r);
	for (const auto &problem : r.problems)
		env.err << "blctl: " << problem << '\n';
	return r.problems.empty() ? kExitOk : kExitFailure;
}

} // namespace blctl
