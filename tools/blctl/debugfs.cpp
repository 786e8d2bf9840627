// SPDX-License-Identifier: GPL-2.0

#include "debugfs.hpp"

#include "sysinfo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <map>

namespace blctl {

namespace {

// The blank-separated words of a line.
std::vector<std::string_view> words(std::string_view line)
{
	std::vector<std::string_view> out;
	std::size_t i = 0;
	while (i < line.size()) {
		while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		const std::size_t start = i;
		while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		if (i > start)
			out.push_back(line.substr(start, i - start));
	}
	return out;
}

// Calls fn(line number, words) for each line that has any.
template <typename Fn>
void forEachLine(std::string_view text, Fn fn)
{
	std::size_t number = 0;
	while (!text.empty()) {
		const std::size_t eol = text.find('\n');
		const std::string_view line = text.substr(0, eol);
		text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
		number++;
		const auto w = words(line);
		if (!w.empty())
			fn(number, w);
	}
}

} // namespace

bool Record::add(std::string name, std::string value)
{
	if (has(name))
		return false;
	fields_.emplace_back(std::move(name), std::move(value));
	return true;
}

const std::string *Record::text(std::string_view name) const
{
	for (const auto &[n, v] : fields_)
		if (n == name)
			return &v;
	return nullptr;
}

std::optional<std::int64_t> Record::number(std::string_view name) const
{
	const std::string *value = text(name);
	return value ? parseInteger(*value) : std::nullopt;
}

std::optional<std::int64_t> parseInteger(std::string_view text)
{
	std::int64_t value = 0;
	if (text.empty())
		return std::nullopt;
	const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
	if (ec != std::errc{} || end != text.data() + text.size())
		return std::nullopt;
	return value;
}

Record parseKeyValues(std::string_view text, std::string_view source)
{
	Record record;
	forEachLine(text, [&](std::size_t line, const std::vector<std::string_view> &w) {
		if (w.size() != 2)
			throw ParseError(fmt::format("{}: line {}: expected \"name value\", found {} words",
						     source, line, w.size()));
		if (!record.add(std::string{w[0]}, std::string{w[1]}))
			throw ParseError(fmt::format("{}: line {}: \"{}\" appears twice", source,
						     line, w[0]));
	});
	return record;
}

ColumnFile parseColumns(std::string_view text, std::string_view source)
{
	ColumnFile file;
	bool haveHeader = false;
	forEachLine(text, [&](std::size_t line, const std::vector<std::string_view> &w) {
		if (!haveHeader) {
			for (const auto name : w) {
				if (std::find(file.header.begin(), file.header.end(), name) !=
				    file.header.end())
					throw ParseError(fmt::format("{}: line {}: column \"{}\" appears twice",
								     source, line, name));
				file.header.emplace_back(name);
			}
			haveHeader = true;
			return;
		}
		if (w.size() != file.header.size())
			throw ParseError(fmt::format("{}: line {}: {} values under {} column names",
						     source, line, w.size(), file.header.size()));
		Record row;
		for (std::size_t i = 0; i < w.size(); i++)
			row.add(file.header[i], std::string{w[i]});
		file.rows.push_back(std::move(row));
	});
	if (!haveHeader)
		throw ParseError(fmt::format("{}: no header line", source));
	return file;
}

std::vector<ProcessRow> joinByPid(const ColumnFile &procs, const ColumnFile &pools)
{
	// pid -> its rows, in file order.
	std::map<std::int64_t, std::vector<ProcessRow>> byPid;
	const auto each = [&](const ColumnFile &file, std::string_view source, auto &&put) {
		if (std::find(file.header.begin(), file.header.end(), "pid") == file.header.end())
			throw ParseError(fmt::format("{}: no \"pid\" column", source));
		std::map<std::int64_t, std::size_t> seen;
		for (std::size_t i = 0; i < file.rows.size(); i++) {
			const auto pid = file.rows[i].number("pid");
			if (!pid)
				throw ParseError(fmt::format("{}: row {}: pid \"{}\" is not a number",
							     source, i + 1, *file.rows[i].text("pid")));
			auto &rows = byPid[*pid];
			const std::size_t nth = seen[*pid]++;
			if (rows.size() <= nth)
				rows.resize(nth + 1, ProcessRow{.pid = *pid, .procs = {}, .pool = {}});
			put(rows[nth], file.rows[i]);
		}
	};
	each(procs, "procs", [](ProcessRow &row, const Record &r) { row.procs = r; });
	each(pools, "pools", [](ProcessRow &row, const Record &r) { row.pool = r; });

	std::vector<ProcessRow> out;
	for (auto &[pid, rows] : byPid)
		for (auto &row : rows)
			out.push_back(std::move(row));
	return out;
}

std::string explainDebugfsError(std::string_view path, int err, const DebugfsFacts &facts)
{
	if (!facts.moduleLoaded)
		return "binderlite module is not loaded: try `sudo modprobe binderlite`";
	if (!facts.fstype)
		return fmt::format("debugfs is not mounted at {0}: mount -t debugfs none {0}",
				   Paths::kDebugfsMount);
	if (*facts.fstype != "debugfs")
		return fmt::format("{0} holds a {1} file system, not debugfs: "
				   "mount -t debugfs none {0}", Paths::kDebugfsMount, *facts.fstype);
	switch (err) {
	case EACCES:
	case EPERM:
		if (!facts.root)
			return fmt::format("cannot read {}: permission denied: debugfs is readable "
					   "by root only; run blctl as root (sudo)", path);
		return fmt::format("cannot read {}: {}, even as root: is the kernel locked down? "
				   "(cat /sys/kernel/security/lockdown)", path, std::strerror(err));
	case ENOENT:
		return fmt::format("{} does not exist, although binderlite is loaded and debugfs "
				   "is mounted: is this binderlite older than blctl?", path);
	default:
		return fmt::format("cannot read {}: {}", path, std::strerror(err));
	}
}

DebugfsFacts debugfsFacts(const Env &env)
{
	return {
		.moduleLoaded = moduleLoaded(env.paths),
		.fstype = debugfsFstype(env.paths),
		.root = env.root,
	};
}

std::optional<std::vector<FrozenProcess>> frozenProcesses(const ColumnFile &procs)
{
	const auto has = [&](std::string_view column) {
		return std::find(procs.header.begin(), procs.header.end(), column) != procs.header.end();
	};
	if (!has("frozen"))
		return std::nullopt;
	std::vector<FrozenProcess> out;
	for (const Record &row : procs.rows) {
		const auto pid = row.number("pid");
		if (!pid || row.number("frozen").value_or(0) == 0)
			continue;
		const std::string *context = row.text("context");
		FrozenProcess p{.pid = *pid, .context = context ? *context : std::string{}};
		if (std::find(out.begin(), out.end(), p) == out.end())
			out.push_back(std::move(p));
	}
	std::sort(out.begin(), out.end(), [](const FrozenProcess &a, const FrozenProcess &b) {
		return a.pid != b.pid ? a.pid < b.pid : a.context < b.context;
	});
	return out;
}

std::vector<Context> parseContexts(const ColumnFile &contexts)
{
	if (std::find(contexts.header.begin(), contexts.header.end(), "name") == contexts.header.end())
		throw ParseError("contexts: no \"name\" column");
	std::vector<Context> out;
	for (const Record &row : contexts.rows)
		out.push_back({.name = *row.text("name"), .procs = row.number("procs"),
			       .manager = row.number("manager")});
	return out;
}

std::string readDebugfsFile(const Env &env, std::string_view name)
{
	const std::string path = fmt::format("{}/{}", Paths::kDebugfsDir, name);
	int err = 0;
	auto text = readFile(env.paths.at(path), &err);
	if (!text)
		throw Failure(explainDebugfsError(path, err, debugfsFacts(env)));
	return std::move(*text);
}

std::optional<std::string> readOptionalDebugfsFile(const Env &env, std::string_view name)
{
	const std::string path = fmt::format("{}/{}", Paths::kDebugfsDir, name);
	int err = 0;
	auto text = readFile(env.paths.at(path), &err);
	if (text)
		return text;
	std::error_code ec;
	if (err == ENOENT && std::filesystem::is_directory(env.paths.at(Paths::kDebugfsDir), ec))
		return std::nullopt;
	throw Failure(explainDebugfsError(path, err, debugfsFacts(env)));
}

} // namespace blctl
