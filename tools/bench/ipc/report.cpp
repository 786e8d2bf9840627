// SPDX-License-Identifier: GPL-2.0
//
// The report: see report.hpp.
#include "report.hpp"

#include "options.hpp"
#include "record.hpp"
#include "stats.hpp"
#include "sys.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace blbench {

namespace {

namespace fs = std::filesystem;

using Value = std::optional<double>;

struct Key {
	std::string test;
	std::string transport;
	unsigned cpus = 0;
	std::uint64_t size = 0;
	unsigned count = 0;
	std::string metric;

	auto operator<=>(const Key &) const = default;
};

// One figure over the repeats.
struct Figure {
	double median = 0;
	double min = 0;
	double max = 0;
	std::size_t repeats = 0;
};

class Results {
public:
	explicit Results(const std::vector<Record> &records);

	[[nodiscard]] Value get(const std::string &test, const std::string &transport, unsigned cpus,
				std::uint64_t size, unsigned count, const std::string &metric) const;
	[[nodiscard]] const std::map<Key, Figure> &figures() const noexcept { return figures_; }
	// The CPU counts, sizes and counts @test was measured with, in order.
	[[nodiscard]] std::vector<unsigned> cpus(const std::string &test) const;
	[[nodiscard]] std::vector<std::uint64_t> sizes(const std::string &test, unsigned cpus) const;
	[[nodiscard]] std::vector<unsigned> counts(const std::string &test, unsigned cpus) const;
	// Cells of @test on @transport: with figures, and failed.
	[[nodiscard]] unsigned measured(const std::string &test, const std::string &transport) const;
	[[nodiscard]] unsigned failed(const std::string &test, const std::string &transport) const;
	[[nodiscard]] unsigned failed() const;
	[[nodiscard]] unsigned repeats() const noexcept { return repeats_; }

private:
	std::map<Key, Figure> figures_;
	std::map<std::pair<std::string, std::string>, unsigned> measured_;
	std::map<std::pair<std::string, std::string>, unsigned> failed_;
	unsigned repeats_ = 0;
};

Results::Results(const std::vector<Record> &records)
{
	std::map<Key, std::vector<double>> values;
	for (const Record &r : records) {
		repeats_ = std::max(repeats_, r.repeat);
		if (r.metric == "error") {
			failed_[{r.test, r.transport}]++;
			continue;
		}
		measured_[{r.test, r.transport}]++;
		values[Key{r.test, r.transport, r.cpus, r.size, r.count, r.metric}].push_back(r.value);
	}
	// A slab cache is recorded only where it grew: in the other repeats
	// of its cell it grew by nothing.
	for (auto &[key, v] : values) {
		if (!key.metric.starts_with("slab:"))
			continue;
		Key cell = key;
		cell.metric = "memfree";
		const auto all = values.find(cell);
		if (all != values.end() && all->second.size() > v.size())
			v.resize(all->second.size(), 0.0);
	}
	for (auto &[key, v] : values) {
		const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
		figures_[key] = Figure{.median = median(v), .min = *lo, .max = *hi, .repeats = v.size()};
	}
}

Value Results::get(const std::string &test, const std::string &transport, unsigned cpus,
		   std::uint64_t size, unsigned count, const std::string &metric) const
{
	const auto it = figures_.find(Key{test, transport, cpus, size, count, metric});
	if (it == figures_.end())
		return std::nullopt;
	return it->second.median;
}

std::vector<unsigned> Results::cpus(const std::string &test) const
{
	std::set<unsigned> s;
	for (const auto &[k, f] : figures_)
		if (k.test == test)
			s.insert(k.cpus);
	return {s.begin(), s.end()};
}

std::vector<std::uint64_t> Results::sizes(const std::string &test, unsigned cpus) const
{
	std::set<std::uint64_t> s;
	for (const auto &[k, f] : figures_)
		if (k.test == test && k.cpus == cpus)
			s.insert(k.size);
	return {s.begin(), s.end()};
}

std::vector<unsigned> Results::counts(const std::string &test, unsigned cpus) const
{
	std::set<unsigned> s;
	for (const auto &[k, f] : figures_)
		if (k.test == test && k.cpus == cpus)
			s.insert(k.count);
	return {s.begin(), s.end()};
}

unsigned Results::measured(const std::string &test, const std::string &transport) const
{
	const auto it = measured_.find({test, transport});
	return it == measured_.end() ? 0 : it->second;
}

unsigned Results::failed(const std::string &test, const std::string &transport) const
{
	const auto it = failed_.find({test, transport});
	return it == failed_.end() ? 0 : it->second;
}

unsigned Results::failed() const
{
	unsigned n = 0;
	for (const auto &[k, v] : failed_)
		n += v;
	return n;
}

// Formatting. A missing value is a dash.
constexpr const char *kNone = "—";

std::string fixed(Value v, int decimals)
{
	return v ? fmt::format("{:.{}f}", *v, decimals) : kNone;
}

// Three significant digits or so, never in exponent form.
std::string sig(Value v)
{
	if (!v)
		return kNone;
	const double a = std::fabs(*v);
	return fixed(v, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

std::string micros(Value ns)
{
	return ns ? sig(*ns / 1e3) : kNone;
}

std::string grouped(Value v)
{
	if (!v)
		return kNone;
	std::string s = fmt::format("{:.0f}", *v);
	for (int i = static_cast<int>(s.size()) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3)
		s.insert(static_cast<std::size_t>(i), ",");
	return s;
}

Value divide(Value a, Value b)
{
	if (!a || !b || *b == 0)
		return std::nullopt;
	return *a / *b;
}

std::string ratio(Value a, Value b)
{
	return fixed(divide(a, b), 2);
}

std::string sizeLabel(std::uint64_t size)
{
	if (size >= 1048576 && size % 1048576 == 0)
		return fmt::format("{} MiB", size / 1048576);
	if (size >= 1024 && size % 1024 == 0)
		return fmt::format("{} KiB", size / 1024);
	return fmt::format("{} B", size);
}

// The short label of a plot's x axis.
std::string tickLabel(std::uint64_t size)
{
	if (size >= 1048576 && size % 1048576 == 0)
		return fmt::format("{}M", size / 1048576);
	if (size >= 1024 && size % 1024 == 0)
		return fmt::format("{}K", size / 1024);
	return fmt::format("{}", size);
}

struct Table {
	std::string name;
	std::string title;
	std::vector<std::string> notes;
	std::vector<std::string> header;
	std::vector<std::vector<std::string>> rows;
};

std::string markdown(const Table &t)
{
	std::string s = "### " + t.title + "\n\n";
	for (const std::string &n : t.notes)
		s += n + "\n";
	if (!t.notes.empty())
		s += "\n";
	auto line = [](const std::vector<std::string> &cells) {
		std::string l = "|";
		for (const std::string &c : cells)
			l += " " + c + " |";
		return l + "\n";
	};
	s += line(t.header);
	s += "|";
	for (std::size_t i = 0; i < t.header.size(); i++)
		s += i == 0 ? "---|" : "---:|";
	s += "\n";
	for (const auto &r : t.rows)
		s += line(r);
	return s + "\n";
}

std::string csvCell(const std::string &c)
{
	if (c == kNone)
		return "";
	if (c.find_first_of(",\"") == std::string::npos)
		return c;
	std::string q = "\"";
	for (char ch : c)
		q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
	return q + "\"";
}

std::string csv(const Table &t)
{
	std::string s;
	auto line = [&](const std::vector<std::string> &cells) {
		for (std::size_t i = 0; i < cells.size(); i++) {
			std::string c = cells[i];
			// Numbers without their thousands separators.
			if (i > 0 && !c.empty() && (std::isdigit(static_cast<unsigned char>(c[0])) || c[0] == '-'))
				std::erase(c, ',');
			s += (i ? "," : "") + csvCell(c);
		}
		s += "\n";
	};
	line(t.header);
	for (const auto &r : t.rows)
		line(r);
	return s;
}

class Report {
public:
	Report(const Results &r, const std::map<std::string, std::string> &meta) : r_(r), meta_(meta) {}

	std::vector<Table> tables() const;
	Table summary() const;
	// gnuplot: data files by name, and the script.
	std::map<std::string, std::string> plotData() const;
	std::string plotScript() const;

private:
	// The CPU count of the single-client measurements (the first run's).
	[[nodiscard]] unsigned mainCpus() const;
	Table latency(const std::string &test, unsigned cpus) const;
	Table throughput(const std::string &test, unsigned cpus) const;
	Table oneway(unsigned cpus) const;
	Table clients(unsigned cpus) const;
	Table handles(unsigned cpus) const;
	Table memory(unsigned cpus) const;
	Table pages(unsigned cpus) const;
	std::string cpusNote(unsigned cpus) const;

	const Results &r_;
	const std::map<std::string, std::string> &meta_;
};

unsigned Report::mainCpus() const
{
	for (const std::string &test : kAllTests)
		if (test != "clients" && !r_.cpus(test).empty())
			return r_.cpus(test).front();
	const auto c = r_.cpus("clients");
	return c.empty() ? 0 : c.front();
}

std::string Report::cpusNote(unsigned cpus) const
{
	return fmt::format("{} vCPUs; each figure is the median of {} repeats, the devices interleaved.{}",
			   cpus, r_.repeats(),
			   meta_.contains("pinned")
				   ? fmt::format(" The single-client cells ran pinned to CPU {} (client and "
						 "server): every wake-up local.",
						 meta_.at("pinned"))
				   : "");
}

Table Report::latency(const std::string &test, unsigned cpus) const
{
	const bool echo = test == "echo";
	Table t;
	t.name = echo ? "echo" : "latency";
	t.title = echo ? "Sync round trip, echo (the payload back): latency, µs"
		       : "Sync round trip, request only (an empty reply): latency, µs";
	t.notes = {cpusNote(cpus) + " Median of each cell's calls, and its 99th percentile. "
				    "memcpy and kernel copy: one copy of the payload (two for an echo), "
				    "a memcpy and a pwrite into a memfd (a pread back), the bounds of a "
				    "one-copy transport."};
	t.header = {"payload", "binderlite", "binder", "binderlite ÷ binder", "binderlite p99",
		    "binder p99", "p99 ratio", "AF_UNIX", "pipe", "memcpy", "kernel copy"};
	for (const std::uint64_t size : r_.sizes(test, cpus)) {
		auto g = [&](const char *tr, const char *m) { return r_.get(test, tr, cpus, size, 0, m); };
		t.rows.push_back({sizeLabel(size), micros(g("binderlite", "median_ns")),
				  micros(g("binder", "median_ns")),
				  ratio(g("binderlite", "median_ns"), g("binder", "median_ns")),
				  micros(g("binderlite", "p99_ns")), micros(g("binder", "p99_ns")),
				  ratio(g("binderlite", "p99_ns"), g("binder", "p99_ns")),
				  micros(g("unix", "median_ns")), micros(g("pipe", "median_ns")),
				  micros(g("memcpy", "median_ns")), micros(g("kcopy", "median_ns"))});
	}
	return t;
}

Table Report::throughput(const std::string &test, unsigned cpus) const
{
	const bool echo = test == "echo";
	Table t;
	t.name = echo ? "echo-throughput" : "latency-throughput";
	t.title = echo ? "Sync round trip, echo: throughput, MB/s (twice the payload per median round trip)"
		       : "Sync round trip, request only: throughput, MB/s (the payload per median round trip)";
	t.notes = {cpusNote(cpus)};
	t.header = {"payload",	    "binderlite", "binder", "binderlite ÷ binder", "AF_UNIX",
		    "binderlite ÷ AF_UNIX", "pipe", "memcpy", "kernel copy"};
	for (const std::uint64_t size : r_.sizes(test, cpus)) {
		if (size == 0)
			continue;
		auto g = [&](const char *tr) { return r_.get(test, tr, cpus, size, 0, "mb_per_s"); };
		t.rows.push_back({sizeLabel(size), sig(g("binderlite")), sig(g("binder")),
				  ratio(g("binderlite"), g("binder")), sig(g("unix")),
				  ratio(g("binderlite"), g("unix")), sig(g("pipe")), sig(g("memcpy")),
				  sig(g("kcopy"))});
	}
	return t;
}

Table Report::oneway(unsigned cpus) const
{
	Table t;
	t.name = "oneway";
	t.title = "Oneway messages to a server that frees each as it comes: messages/s and MB/s";
	t.notes = {cpusNote(cpus) +
		   " One sender, one server thread. A device sender keeps as many messages in flight "
		   "as fit in three quarters of the server's async space (at most 64); "
		   "a socket or pipe sender blocks when its buffer is full."};
	t.header = {"payload",	      "binderlite msgs/s", "binder msgs/s", "binderlite ÷ binder",
		    "AF_UNIX msgs/s", "pipe msgs/s",	   "binderlite MB/s", "binder MB/s",
		    "AF_UNIX MB/s",   "pipe MB/s"};
	double refused[2] = {0, 0};
	for (const std::uint64_t size : r_.sizes("oneway", cpus)) {
		auto g = [&](const char *tr, const char *m) { return r_.get("oneway", tr, cpus, size, 0, m); };
		t.rows.push_back({sizeLabel(size), grouped(g("binderlite", "msgs_per_s")),
				  grouped(g("binder", "msgs_per_s")),
				  ratio(g("binderlite", "msgs_per_s"), g("binder", "msgs_per_s")),
				  grouped(g("unix", "msgs_per_s")), grouped(g("pipe", "msgs_per_s")),
				  size ? sig(g("binderlite", "mb_per_s")) : kNone,
				  size ? sig(g("binder", "mb_per_s")) : kNone,
				  size ? sig(g("unix", "mb_per_s")) : kNone,
				  size ? sig(g("pipe", "mb_per_s")) : kNone});
		refused[0] += g("binderlite", "refused").value_or(0);
		refused[1] += g("binder", "refused").value_or(0);
	}
	if (refused[0] || refused[1])
		t.notes.push_back(fmt::format("Calls refused for want of async space (then sent again), "
					      "medians summed over the sizes: binderlite {:.0f}, binder {:.0f}.",
					      refused[0], refused[1]));
	return t;
}

Table Report::clients(unsigned cpus) const
{
	Table t;
	t.name = fmt::format("clients-{}cpu", cpus);
	t.title = fmt::format("Concurrent client processes, one server, {} vCPUs: aggregate calls/s", cpus);
	t.notes = {cpusNote(cpus) +
		   " Sync calls, request only. The device server has a thread pool (BR_SPAWN_LOOPER, "
		   "SET_MAX_THREADS as given); the socket and pipe server a thread per client. p99: "
		   "the 99th percentile of every call's latency (a histogram, within about 6 %)."};
	t.header = {"payload",	"clients",	    "binderlite calls/s", "binder calls/s",
		    "binderlite ÷ binder", "AF_UNIX calls/s", "pipe calls/s", "binderlite p99 µs",
		    "binder p99 µs",	"p99 ratio"};
	for (const std::uint64_t size : r_.sizes("clients", cpus))
		for (const unsigned n : r_.counts("clients", cpus)) {
			auto g = [&](const char *tr, const char *m) {
				return r_.get("clients", tr, cpus, size, n, m);
			};
			if (!g("binderlite", "calls_per_s") && !g("binder", "calls_per_s") &&
			    !g("unix", "calls_per_s"))
				continue;
			t.rows.push_back({sizeLabel(size), std::to_string(n), grouped(g("binderlite", "calls_per_s")),
					  grouped(g("binder", "calls_per_s")),
					  ratio(g("binderlite", "calls_per_s"), g("binder", "calls_per_s")),
					  grouped(g("unix", "calls_per_s")), grouped(g("pipe", "calls_per_s")),
					  micros(g("binderlite", "p99_ns")), micros(g("binder", "p99_ns")),
					  ratio(g("binderlite", "p99_ns"), g("binder", "p99_ns"))});
		}
	return t;
}

Table Report::handles(unsigned cpus) const
{
	Table t;
	t.name = "handles";
	t.title = "Round trips through many handles: latency, µs";
	t.notes = {cpusNote(cpus) +
		   " The server hands the client that many binder objects (a node each); the client "
		   "keeps a strong reference to each (BC_ACQUIRE) and calls them in random order, "
		   "0-byte requests. setup: receiving and acquiring them all."};
	t.header = {"handles",	     "binderlite", "binder",	      "binderlite ÷ binder",
		    "binderlite p99", "binder p99", "binderlite setup ms", "binder setup ms"};
	const auto counts = r_.counts("handles", cpus);
	for (const unsigned n : counts) {
		auto g = [&](const char *tr, const char *m) { return r_.get("handles", tr, cpus, 0, n, m); };
		t.rows.push_back({grouped(static_cast<double>(n)), micros(g("binderlite", "median_ns")),
				  micros(g("binder", "median_ns")),
				  ratio(g("binderlite", "median_ns"), g("binder", "median_ns")),
				  micros(g("binderlite", "p99_ns")), micros(g("binder", "p99_ns")),
				  sig(g("binderlite", "setup_ms")), sig(g("binder", "setup_ms"))});
	}
	if (counts.size() >= 2) {
		const unsigned lo = counts.front(), hi = counts.back();
		auto g = [&](const char *tr, unsigned n) { return r_.get("handles", tr, cpus, 0, n, "median_ns"); };
		t.rows.push_back({fmt::format("{} ÷ {}", grouped(static_cast<double>(hi)),
					      grouped(static_cast<double>(lo))),
				  ratio(g("binderlite", hi), g("binderlite", lo)),
				  ratio(g("binder", hi), g("binder", lo)), kNone, kNone, kNone, kNone, kNone});
	}
	return t;
}

Table Report::memory(unsigned cpus) const
{
	Table t;
	t.name = "memory";
	const auto counts = r_.counts("memory", cpus);
	const unsigned procs = counts.empty() ? 0 : counts.front();
	t.title = "Kernel memory per idle process (open + mmap of the device), bytes";
	t.notes = {cpusNote(cpus) +
		   fmt::format(" {} idle processes, forked first, then each opens the device and maps "
			       "its pool; the difference, divided by {}. Kernel memory: the drop of free "
			       "memory (the zones' free pages and the per-CPU free lists, /proc/zoneinfo, "
			       "after vm/stat_refresh), whole-page allocations included; the rest from "
			       "/proc/meminfo and /proc/slabinfo. SLUB counts in whole slabs, so slab "
			       "figures are coarse; the caches listed grew by 32 bytes per process or "
			       "more (SLUB merges caches of like size: a name may stand for several).",
			       procs, procs)};
	t.header = {"figure", "binderlite", "binder", "binderlite ÷ binder"};
	auto row = [&](const std::string &label, const std::string &metric) {
		// A slab cache not recorded for a device measured grew by nothing.
		auto get = [&](const char *tr) {
			const Value v = r_.get("memory", tr, cpus, 0, procs, metric);
			if (!v && metric.starts_with("slab:") && r_.get("memory", tr, cpus, 0, procs, "memfree"))
				return Value(0.0);
			return v;
		};
		const Value a = get("binderlite"), b = get("binder");
		t.rows.push_back({label, grouped(a), grouped(b), ratio(a, b)});
	};
	row("kernel memory (free memory's drop)", "memfree");
	row("slab (Slab)", "slab");
	row("unreclaimable slab (SUnreclaim)", "sunreclaim");
	row("page tables (PageTables)", "pagetables");
	row("vmalloc (VmallocUsed)", "vmalloc");
	std::map<std::string, double> caches;
	for (const auto &[k, f] : r_.figures())
		if (k.test == "memory" && k.cpus == cpus && k.metric.starts_with("slab:"))
			caches[k.metric] = std::max(caches[k.metric], f.median);
	std::vector<std::pair<std::string, double>> top(caches.begin(), caches.end());
	std::sort(top.begin(), top.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
	if (top.size() > 10)
		top.resize(10);
	for (const auto &[metric, v] : top)
		row("slab cache " + metric.substr(5), metric);
	return t;
}

Table Report::pages(unsigned cpus) const
{
	Table t;
	t.name = "pages";
	const auto sizes = r_.sizes("pages", cpus);
	const std::uint64_t burst = sizes.empty() ? 0 : sizes.front();
	t.title = "Resident pool pages of a receiver";
	t.notes = {cpusNote(cpus) +
		   fmt::format(" A context manager with Android's pool (1 MiB less two pages); a client "
			       "sends a burst of {} oneways, queued while the server does not read "
			       "(three quarters of its async space), then the server reads and frees "
			       "them all. Reclaim: drop_caches (every shrinker, binder's and "
			       "binderlite's), then binderlite's debugfs reclaim file. Pages as the "
			       "drivers' debugfs tell them (binderlite's pools, binder's stats: active "
			       "and lru).",
			       sizeLabel(burst))};
	t.header = {"stage", "binderlite", "binder"};
	auto row = [&](const std::string &label, const char *metric) {
		t.rows.push_back({label, grouped(r_.get("pages", "binderlite", cpus, burst, 0, metric)),
				  grouped(r_.get("pages", "binder", cpus, burst, 0, metric))});
	};
	row("server, idle (open, mmap, context manager)", "idle");
	row("client, idle (open, mmap)", "client_idle");
	row("messages in the burst", "burst_messages");
	row("server, the burst queued", "burst_held");
	row("server, the burst read and freed", "after_burst");
	row("server, after drop_caches", "after_drop_caches");
	row("server, after binderlite's reclaim file", "after_reclaim");
	return t;
}

std::vector<Table> Report::tables() const
{
	std::vector<Table> ts;
	const unsigned cpus = mainCpus();
	for (const char *test : {"latency", "echo"})
		if (!r_.sizes(test, cpus).empty()) {
			ts.push_back(latency(test, cpus));
			ts.push_back(throughput(test, cpus));
		}
	if (!r_.sizes("oneway", cpus).empty())
		ts.push_back(oneway(cpus));
	for (const unsigned c : r_.cpus("clients"))
		ts.push_back(clients(c));
	if (!r_.counts("handles", cpus).empty())
		ts.push_back(handles(cpus));
	if (!r_.counts("memory", cpus).empty())
		ts.push_back(memory(cpus));
	if (!r_.sizes("pages", cpus).empty())
		ts.push_back(pages(cpus));
	return ts;
}

Table Report::summary() const
{
	const unsigned cpus = mainCpus();
	Table t;
	t.name = "summary";
	t.title = "Summary: issue 14's targets";
	t.notes = {"ratio: binderlite ÷ the figure it is compared with."};
	t.header = {"figure", "binderlite", "compared with", "ratio", "target", "met"};
	// A row; @better is how the ratio is judged: "<=" or ">=" @target.
	auto row = [&](const std::string &figure, Value a, Value b, const std::string &bText,
		       const std::string &better, double target, const std::function<std::string(Value)> &show) {
		const Value q = divide(a, b);
		std::string met = kNone;
		if (q && !better.empty())
			met = (better == "<=" ? *q <= target : *q >= target) ? "yes" : "no";
		t.rows.push_back({figure, show(a), bText.empty() ? show(b) : bText + " " + show(b), fixed(q, 2),
				  better.empty() ? kNone : fmt::format("{} {:.2f}", better == "<=" ? "≤" : "≥", target),
				  met});
	};
	auto lat = [&](std::uint64_t size, const char *tr, const char *m) {
		return r_.get("latency", tr, cpus, size, 0, m);
	};
	for (const std::uint64_t size : {0u, 4096u})
		row(fmt::format("{} round trip, median µs", sizeLabel(size)), lat(size, "binderlite", "median_ns"),
		    lat(size, "binder", "median_ns"), "binder", "<=", 0.85, micros);
	row("1 MiB round trip, MB/s", lat(1048576, "binderlite", "mb_per_s"),
	    lat(1048576, "binder", "mb_per_s"), "binder", ">=", 1.05, sig);
	row("1 MiB round trip, MB/s", lat(1048576, "binderlite", "mb_per_s"), lat(1048576, "unix", "mb_per_s"),
	    "AF_UNIX", ">=", 1.7, sig);
	row("oneway 4 KiB, messages/s", r_.get("oneway", "binderlite", cpus, 4096, 0, "msgs_per_s"),
	    r_.get("oneway", "binder", cpus, 4096, 0, "msgs_per_s"), "binder", ">=", 1.2, grouped);
	for (const unsigned c : r_.cpus("clients")) {
		const bool judged = c >= 4;
		row(fmt::format("16 clients, {} vCPUs, 0 B, calls/s", c),
		    r_.get("clients", "binderlite", c, 0, 16, "calls_per_s"),
		    r_.get("clients", "binder", c, 0, 16, "calls_per_s"), "binder", judged ? ">=" : "",
		    1.2, grouped);
	}
	const auto hc = r_.counts("handles", cpus);
	if (hc.size() >= 2) {
		const unsigned lo = hc.front(), hi = hc.back();
		for (const char *tr : {"binderlite", "binder"})
			row(fmt::format("{}: {} handles, median µs", tr, grouped(static_cast<double>(hi))),
			    r_.get("handles", tr, cpus, 0, hi, "median_ns"),
			    r_.get("handles", tr, cpus, 0, lo, "median_ns"),
			    fmt::format("{} handles", grouped(static_cast<double>(lo))),
			    std::string(tr) == "binderlite" ? "<=" : "", 1.1, micros);
	}
	const auto ps = r_.sizes("pages", cpus);
	if (!ps.empty()) {
		const Value a = r_.get("pages", "binderlite", cpus, ps.front(), 0, "idle");
		const Value b = r_.get("pages", "binder", cpus, ps.front(), 0, "idle");
		t.rows.push_back({"resident pool pages, idle process", grouped(a), "binder " + grouped(b), kNone,
				  "0", a ? (*a == 0 ? "yes" : "no") : kNone});
	}
	const auto mc = r_.counts("memory", cpus);
	if (!mc.empty())
		row("kernel memory per idle process, bytes",
		    r_.get("memory", "binderlite", cpus, 0, mc.front(), "memfree"),
		    r_.get("memory", "binder", cpus, 0, mc.front(), "memfree"), "binder", "<=", 1.0, grouped);
	return t;
}

// A data file: one row per x, NaN where a value is missing.
std::string nanOr(Value v)
{
	return v ? fmt::format("{:.6g}", *v) : "NaN";
}

std::map<std::string, std::string> Report::plotData() const
{
	std::map<std::string, std::string> files;
	const unsigned cpus = mainCpus();
	const std::vector<std::string> all = {"binderlite", "binder", "unix", "pipe", "memcpy", "kcopy"};
	for (const char *test : {"latency", "echo"}) {
		std::string lat = "# size label, median µs: binderlite binder AF_UNIX pipe memcpy kcopy\n";
		std::string tput = "# size label, MB/s: binderlite binder AF_UNIX pipe memcpy kcopy\n";
		for (const std::uint64_t size : r_.sizes(test, cpus)) {
			lat += tickLabel(size);
			for (const auto &tr : all) {
				const Value v = r_.get(test, tr, cpus, size, 0, "median_ns");
				lat += " " + nanOr(v ? Value(*v / 1e3) : std::nullopt);
			}
			lat += "\n";
			if (size == 0)
				continue;
			tput += tickLabel(size);
			for (const auto &tr : all)
				tput += " " + nanOr(r_.get(test, tr, cpus, size, 0, "mb_per_s"));
			tput += "\n";
		}
		files[std::string(test) + ".dat"] = lat;
		files[std::string(test) + "-throughput.dat"] = tput;
	}
	std::string ow = "# size label, MB/s: binderlite binder AF_UNIX pipe; msgs/s: the same\n";
	for (const std::uint64_t size : r_.sizes("oneway", cpus)) {
		if (size == 0)
			continue;
		ow += tickLabel(size);
		for (const char *m : {"mb_per_s", "msgs_per_s"})
			for (const char *tr : {"binderlite", "binder", "unix", "pipe"})
				ow += " " + nanOr(r_.get("oneway", tr, cpus, size, 0, m));
		ow += "\n";
	}
	files["oneway.dat"] = ow;
	const auto clientCpus = r_.cpus("clients");
	std::set<std::uint64_t> clientSizes;
	std::set<unsigned> clientCounts;
	for (const unsigned c : clientCpus) {
		for (const auto s : r_.sizes("clients", c))
			clientSizes.insert(s);
		for (const auto n : r_.counts("clients", c))
			clientCounts.insert(n);
	}
	for (const std::uint64_t size : clientSizes) {
		std::string d = "# clients, calls/s: binderlite binder AF_UNIX pipe, for each CPU count:";
		for (const unsigned c : clientCpus)
			d += fmt::format(" {}", c);
		d += "\n";
		for (const unsigned n : clientCounts) {
			d += std::to_string(n);
			for (const unsigned c : clientCpus)
				for (const char *tr : {"binderlite", "binder", "unix", "pipe"})
					d += " " + nanOr(r_.get("clients", tr, c, size, n, "calls_per_s"));
			d += "\n";
		}
		files[fmt::format("clients-{}.dat", size)] = d;
	}
	return files;
}

std::string Report::plotScript() const
{
	const unsigned cpus = mainCpus();
	const std::string kernel = meta_.contains("kernel") ? meta_.at("kernel") : "?";
	const std::string where = fmt::format("Linux {}, QEMU/TCG, {} vCPUs", kernel, cpus);
	std::string s = "# The plots of the IPC benchmark (binderlite-bench report); run in its folder.\n"
			"set terminal pngcairo size 900,540 noenhanced\n"
			"set datafile missing \"NaN\"\n"
			"set grid\n"
			"set key top left\n";
	const std::vector<std::pair<std::string, std::string>> series = {
		{"binderlite", "lw 2 lc rgb '#d62728'"}, {"binder", "lw 2 lc rgb '#1f77b4'"},
		{"AF_UNIX", "lw 1 lc rgb '#2ca02c'"},	 {"pipe", "lw 1 lc rgb '#9467bd'"},
		{"memcpy", "lw 1 dt 2 lc rgb '#7f7f7f'"}, {"kernel copy", "lw 1 dt 3 lc rgb '#000000'"},
	};
	auto lines = [&](const std::string &file, std::size_t n, int firstCol) {
		std::string p = "plot ";
		for (std::size_t i = 0; i < n; i++)
			p += fmt::format("{}\"{}\" using 0:{}{} with linespoints {} title \"{}\"", i ? ", \\\n     " : "",
					 i ? "" : file, firstCol + static_cast<int>(i), i ? "" : ":xtic(1)",
					 series[i].second, series[i].first);
		return p + "\n";
	};
	for (const char *test : {"latency", "echo"}) {
		if (r_.sizes(test, cpus).empty())
			continue;
		const std::string what = std::string(test) == "echo" ? "echo" : "request only";
		s += fmt::format("set output \"{}.png\"\n", test);
		s += fmt::format("set title \"Sync round trip ({}), median latency ({})\"\n", what, where);
		s += "set xlabel \"payload (bytes)\"\nset ylabel \"microseconds\"\nset logscale y\n";
		s += lines(std::string(test) + ".dat", 6, 2);
		s += fmt::format("set output \"{}-throughput.png\"\n", test);
		s += fmt::format("set title \"Sync round trip ({}), throughput ({})\"\n", what, where);
		s += "set ylabel \"MB/s\"\n";
		s += lines(std::string(test) + "-throughput.dat", 6, 2);
		s += "unset logscale y\n";
	}
	if (!r_.sizes("oneway", cpus).empty()) {
		s += "set output \"oneway.png\"\n";
		s += fmt::format("set title \"Oneway messages, throughput ({})\"\n", where);
		s += "set xlabel \"payload (bytes)\"\nset ylabel \"MB/s\"\nset logscale y\n";
		s += lines("oneway.dat", 4, 2);
		s += "unset logscale y\n";
	}
	const auto clientCpus = r_.cpus("clients");
	std::set<std::uint64_t> clientSizes;
	for (const unsigned c : clientCpus)
		for (const auto sz : r_.sizes("clients", c))
			clientSizes.insert(sz);
	for (const std::uint64_t size : clientSizes) {
		s += fmt::format("set output \"clients-{}.png\"\n", size);
		s += fmt::format("set title \"Concurrent clients, {} requests: aggregate calls/s (Linux {}, "
				 "QEMU/TCG)\"\n",
				 sizeLabel(size), kernel);
		s += "set xlabel \"client processes\"\nset ylabel \"calls/s\"\nset logscale x 2\nset yrange [0:*]\n";
		std::string p = "plot ";
		for (std::size_t ci = 0; ci < clientCpus.size(); ci++)
			for (std::size_t i = 0; i < 4; i++) {
				const int col = 2 + static_cast<int>(ci * 4 + i);
				p += fmt::format("{}\"clients-{}.dat\" using 1:{} with linespoints {}{} title \"{}, {} "
						 "vCPUs\"",
						 ci || i ? ", \\\n     " : "", size, col, series[i].second,
						 ci ? " dt 2" : "", series[i].first, clientCpus[ci]);
			}
		s += p + "\nunset logscale x\nset yrange [*:*]\n";
	}
	return s;
}

void writeText(const fs::path &path, const std::string &text)
{
	std::ofstream f(path);
	f << text;
	if (!f.flush())
		throw Failure("cannot write " + path.string());
}

// The transports each measurement is made for.
std::vector<std::string> expectedTransports(const std::string &test)
{
	if (test == "latency" || test == "echo")
		return {"binderlite", "binder", "unix", "pipe", "memcpy", "kcopy"};
	if (test == "oneway" || test == "clients")
		return {"binderlite", "binder", "unix", "pipe"};
	return {"binderlite", "binder"};
}

} // namespace

int runReport(const ReportOptions &opts, std::ostream &out, std::ostream &err)
{
	// Each check: passed, its name (the same every run), what was seen.
	std::vector<std::tuple<bool, std::string, std::string>> checks;
	RawResults raw;
	try {
		for (const std::string &in : opts.inputs) {
			std::ifstream f(in);
			if (!f)
				throw Failure("cannot read " + in);
			readResults(f, in, raw);
		}
		if (raw.records.empty())
			throw Failure("no records");
		checks.emplace_back(true, "the raw results are well-formed",
				    fmt::format("{} records", raw.records.size()));
	} catch (const Failure &e) {
		if (!opts.tap) {
			err << "binderlite-bench report: " << e.what() << '\n';
			return 1;
		}
		checks.emplace_back(false, "the raw results are well-formed", e.what());
	}

	const Results results(raw.records);
	const Report report(results, raw.meta);
	if (opts.tap) {
		const std::vector<std::string> expect = opts.expect.empty() ? kAllTests : opts.expect;
		for (const std::string &test : expect)
			for (const std::string &tr : expectedTransports(test)) {
				const unsigned ok = results.measured(test, tr), bad = results.failed(test, tr);
				checks.emplace_back(ok > 0 && bad == 0, fmt::format("{} {}", test, tr),
						    fmt::format("{} figures, {} failed cells", ok, bad));
			}
	}

	std::string written;
	try {
		const fs::path dir(opts.outDir);
		fs::create_directories(dir);
		const std::vector<Table> tables = report.tables();
		const Table summary = report.summary();
		std::string md = "## IPC benchmark\n\n";
		for (const auto &[k, v] : raw.meta)
			md += fmt::format("- {}: {}\n", k, v);
		md += "\n" + markdown(summary);
		for (const Table &t : tables) {
			md += markdown(t);
			writeText(dir / (t.name + ".csv"), csv(t));
		}
		writeText(dir / "ipc.md", md);
		writeText(dir / "summary.md", markdown(summary));
		writeText(dir / "summary.csv", csv(summary));
		std::string agg = "test,transport,cpus,size,count,metric,median,min,max,repeats\n";
		for (const auto &[k, f] : results.figures())
			agg += fmt::format("{},{},{},{},{},{},{:.6g},{:.6g},{:.6g},{}\n", k.test, k.transport, k.cpus,
					   k.size, k.count, k.metric, f.median, f.min, f.max, f.repeats);
		writeText(dir / "figures.csv", agg);
		for (const auto &[name, text] : report.plotData())
			writeText(dir / name, text);
		writeText(dir / "plots.gp", report.plotScript());
		for (const char *f : {"ipc.md", "summary.md", "summary.csv", "figures.csv", "plots.gp"})
			if (fs::file_size(dir / f) == 0)
				throw Failure(std::string(f) + " is empty");
		checks.emplace_back(true, "the report is written",
				    fmt::format("{}: {} tables", opts.outDir, tables.size() + 1));
		written = markdown(summary);
	} catch (const std::exception &e) {
		checks.emplace_back(false, "the report is written", fmt::format("{}: {}", opts.outDir, e.what()));
	}

	bool ok = true;
	for (const auto &[pass, name, what] : checks)
		ok = ok && pass;
	if (opts.tap) {
		out << "TAP version 13\n1.." << checks.size() << '\n';
		std::size_t i = 0;
		for (const auto &[pass, name, what] : checks)
			out << "# " << name << ": " << what << '\n'
			    << (pass ? "ok " : "not ok ") << ++i << ' ' << name << '\n';
		return ok ? 0 : 1;
	}
	if (!ok) {
		for (const auto &[pass, name, what] : checks)
			if (!pass)
				err << "binderlite-bench report: " << name << ": " << what << '\n';
		return 1;
	}
	out << written;
	if (results.failed())
		out << results.failed() << " cells failed: see the run's log.\n";
	return 0;
}

} // namespace blbench
