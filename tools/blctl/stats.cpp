// SPDX-License-Identifier: GPL-2.0
//
// blctl stats: binderlite's debugfs counters and each open file's share,
// as tables for people (or one JSON document).

#include "subcommands.hpp"

#include "debugfs.hpp"
#include "sysinfo.hpp"
#include "table.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace blctl {

namespace {

enum class Unit { Count, Bytes, Pages };

struct Counter {
	std::string_view key;	// the name in stats
	std::string_view label;
	Unit unit = Unit::Count;
};

struct Group {
	std::string_view title;
	std::vector<Counter> counters;
	std::string_view failurePrefix;	// also every key starting with this
};

// The stats keys of Documentation/protocol.rst and pool.rst, grouped.
// Keys a newer module adds land under "Other".
const std::vector<Group> &groups()
{
	static const std::vector<Group> kGroups{
		{"Live objects", {
			{"procs", "open files"},
			{"threads", "threads"},
			{"nodes", "nodes (dead ones included)"},
			{"refs", "references"},
			{"deaths", "death notifications"},
			{"transactions_live", "transactions in flight"},
			{"buffers", "buffers in use"},
			{"files_in_flight", "fds sent, not yet received"},
			{"freezes", "freeze notifications"},
		}, {}},
		{"Transactions since load", {
			{"transactions", "calls (oneways included)"},
			{"oneways", "oneway calls"},
			{"replies", "replies"},
			{"failed", "failed"},
		}, "failed_"},
		{"Bytes since load", {
			{"bytes_sent", "sent (data and offsets)", Unit::Bytes},
			{"bytes_copied", "copied into pools", Unit::Bytes},
		}, {}},
		{"Pool pages", {
			{"pages_resident", "resident", Unit::Pages},
			{"pages_lru", "parked, reclaimable", Unit::Pages},
			{"pages_reclaimed", "reclaimed since load", Unit::Pages},
		}, {}},
	};
	return kGroups;
}

std::int64_t pageSize()
{
	const long size = ::sysconf(_SC_PAGESIZE);
	return size > 0 ? size : 4096;
}

// "1,040,384" and, for sizes, "(1016 KiB)".
std::pair<std::string, std::string> show(const Record &stats, std::string_view key, Unit unit)
{
	const std::string &text = *stats.text(key);
	const auto n = stats.number(key);
	if (!n)
		return {text, ""};
	switch (unit) {
	case Unit::Bytes:
		return {groupDigits(*n), *n >= 1024 ? fmt::format("({})", humanBytes(*n)) : ""};
	case Unit::Pages:
		return {groupDigits(*n), *n > 0 ? fmt::format("({})", humanBytes(*n * pageSize())) : ""};
	case Unit::Count:
		break;
	}
	return {groupDigits(*n), ""};
}

void printCounters(std::ostream &out, const Record &stats)
{
	TextTable t{{Column{}, Column{"", Align::Right}, Column{}}};
	std::set<std::string, std::less<>> shown;
	const auto row = [&](std::string label, std::string_view key, Unit unit) {
		auto [value, note] = show(stats, key, unit);
		t.addRow({std::move(label), std::move(value), std::move(note)});
		shown.emplace(key);
	};
	for (const Group &g : groups()) {
		const bool any = std::any_of(g.counters.begin(), g.counters.end(),
					     [&](const Counter &c) { return stats.has(c.key); });
		if (!any)
			continue;
		if (!t.empty())
			t.addRow({"", "", ""});
		t.addRow({std::string{g.title}, "", ""});
		for (const Counter &c : g.counters) {
			if (!stats.has(c.key))
				continue;
			row(fmt::format("  {}", c.label), c.key, c.unit);
			if (c.key != "failed" || g.failurePrefix.empty())
				continue;
			// The reasons that occurred, under "failed".
			for (const auto &[key, value] : stats.fields()) {
				if (!key.starts_with(g.failurePrefix))
					continue;
				shown.insert(key);
				if (stats.number(key) == 0)
					continue;
				std::string reason = key.substr(g.failurePrefix.size());
				std::replace(reason.begin(), reason.end(), '_', ' ');
				row(fmt::format("    {}", reason), key, Unit::Count);
			}
		}
	}
	bool other = false;
	for (const auto &[key, value] : stats.fields()) {
		if (shown.contains(key))
			continue;
		if (!other) {
			if (!t.empty())
				t.addRow({"", "", ""});
			t.addRow({"Other", "", ""});
			other = true;
		}
		row(fmt::format("  {}", key), key, Unit::Count);
	}
	t.print(out);
}

void printProcesses(std::ostream &out, const Env &env, const std::vector<ProcessRow> &rows,
		     bool bytes)
{
	struct Cell {
		std::string_view title;
		bool pool;		// from pools, else procs
		std::string_view key;
		bool size;
		bool optional = false;	// shown only when some row has it
	};
	static constexpr Cell kAllCells[] = {
		{"THREADS", false, "threads", false},
		{"NODES", false, "nodes", false},
		{"REFS", false, "refs", false},
		{"DEATHS", false, "deaths", false},
		{"BUFFERS", false, "buffers", false},
		{"TODO", false, "todo", false},
		{"POOL", true, "size", true},
		{"USED", true, "used", true},
		{"FREE", true, "free", true},
		{"LARGEST FREE", true, "largest_free", true},
		{"PAGES", true, "pages_resident", false},
		{"FROZEN", false, "frozen", false, true},
		{"CONTEXT", false, "context", false, true},
	};
	// The columns of a newer module only when it has them.
	std::vector<Cell> cells;
	for (const Cell &c : kAllCells) {
		const bool any = std::any_of(rows.begin(), rows.end(), [&](const ProcessRow &row) {
			return row.procs && row.procs->has(c.key);
		});
		if (!c.optional || any)
			cells.push_back(c);
	}
	std::vector<Column> columns{{"PID", Align::Right}, {"COMMAND", Align::Left}};
	for (const Cell &c : cells)
		columns.push_back({std::string{c.title}, c.key == "context" ? Align::Left : Align::Right});
	TextTable t{std::move(columns)};

	for (const ProcessRow &row : rows) {
		std::vector<std::string> line{std::to_string(row.pid),
					      processName(env.paths, row.pid).value_or("?")};
		for (const Cell &c : cells) {
			const auto &record = c.pool ? row.pool : row.procs;
			const std::string *text = record ? record->text(c.key) : nullptr;
			const auto n = text ? parseInteger(*text) : std::nullopt;
			if (!text)
				line.emplace_back("-");
			else if (!n)
				line.push_back(*text);
			else if (c.key == "frozen")
				line.emplace_back(n.value() ? "yes" : "no");
			else if (c.size && !bytes)
				line.push_back(humanBytes(n.value()));
			else
				line.push_back(*text);
		}
		t.addRow(std::move(line));
	}
	out << fmt::format("Open files of the device ({}/procs, pools)\n", Paths::kDebugfsDir);
	if (t.empty()) {
		out << "  none\n";
		return;
	}
	t.print(out, "  ");
	out << "  (POOL: the receive pool's size; USED, FREE, LARGEST FREE: its space; "
	       "PAGES: its pages in memory)\n";
}

// "154 (blservicemanage)", or "none" for 0.
std::string managerText(const Env &env, const std::optional<std::int64_t> &manager)
{
	if (!manager)
		return "-";
	if (*manager == 0)
		return "none";
	return fmt::format("{} ({})", *manager, processName(env.paths, *manager).value_or("?"));
}

void printContexts(std::ostream &out, const Env &env, const std::vector<Context> &contexts)
{
	TextTable t{{{"NAME", Align::Left}, {"DEVICE", Align::Left}, {"FILES", Align::Right},
		     {"CONTEXT MANAGER", Align::Left}}};
	for (const Context &c : contexts)
		t.addRow({printable(c.name), fmt::format("/dev/{}", printable(c.name)),
			   c.procs ? std::to_string(*c.procs) : "-", managerText(env, c.manager)});
	out << fmt::format("Contexts ({}/contexts)\n", Paths::kDebugfsDir);
	if (t.empty()) {
		out << "  none\n";
		return;
	}
	t.print(out, "  ");
	out << "  (FILES: the open files of the context's device; CONTEXT MANAGER: its handle 0's process)\n";
}

nlohmann::ordered_json contextsJson(const Env &env, const std::vector<Context> &contexts)
{
	using nlohmann::ordered_json;
	auto out = ordered_json::array();
	for (const Context &c : contexts) {
		const auto comm = c.manager && *c.manager ? processName(env.paths, *c.manager) : std::nullopt;
		out.push_back({
			{"name", c.name},
			{"device", fmt::format("/dev/{}", c.name)},
			{"procs", c.procs ? ordered_json(*c.procs) : ordered_json(nullptr)},
			{"manager", c.manager ? ordered_json(*c.manager) : ordered_json(nullptr)},
			{"manager_comm", comm ? ordered_json(*comm) : ordered_json(nullptr)},
		});
	}
	return out;
}

nlohmann::ordered_json toJson(const Record &record)
{
	auto obj = nlohmann::ordered_json::object();
	for (const auto &[key, value] : record.fields()) {
		if (const auto n = parseInteger(value))
			obj[key] = *n;
		else
			obj[key] = value;
	}
	return obj;
}

void printJson(std::ostream &out, const Env &env, const Record &stats,
		const std::vector<ProcessRow> &rows, const std::optional<std::vector<Context>> &contexts)
{
	using nlohmann::ordered_json;
	auto processes = ordered_json::array();
	for (const ProcessRow &row : rows) {
		const auto comm = processName(env.paths, row.pid);
		processes.push_back({
			{"pid", row.pid},
			{"comm", comm ? ordered_json(*comm) : ordered_json(nullptr)},
			{"procs", row.procs ? toJson(*row.procs) : ordered_json(nullptr)},
			{"pool", row.pool ? toJson(*row.pool) : ordered_json(nullptr)},
		});
	}
	const ordered_json doc{
		{"debugfs", Paths::kDebugfsDir},
		{"page_size", pageSize()},
		{"stats", toJson(stats)},
		{"processes", processes},
		{"contexts", contexts ? contextsJson(env, *contexts) : ordered_json(nullptr)},
	};
	out << doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) << '\n';
}

} // namespace

int runStats(const Env &env, const StatsOptions &options)
{
	const std::string dir{Paths::kDebugfsDir};
	const Record stats = parseKeyValues(readDebugfsFile(env, "stats"), dir + "/stats");
	const ColumnFile procs = parseColumns(readDebugfsFile(env, "procs"), dir + "/procs");
	const ColumnFile pools = parseColumns(readDebugfsFile(env, "pools"), dir + "/pools");
	const std::vector<ProcessRow> rows = joinByPid(procs, pools);
	// Several contexts: a newer module's file.
	std::optional<std::vector<Context>> contexts;
	if (const auto text = readOptionalDebugfsFile(env, "contexts"))
		contexts = parseContexts(parseColumns(*text, dir + "/contexts"));

	if (options.json) {
		printJson(env.out, env, stats, rows, contexts);
		return kExitOk;
	}
	printCounters(env.out, stats);
	env.out << '\n';
	printProcesses(env.out, env, rows, options.bytes);
	if (contexts) {
		env.out << '\n';
		printContexts(env.out, env, *contexts);
	}
	return kExitOk;
}

} // namespace blctl
