// SPDX-License-Identifier: GPL-2.0
//
// Raw records: see record.hpp.
#include "record.hpp"

#include "sys.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <sstream>

namespace blbench {

std::string toCsv(const Record &r)
{
	return fmt::format("{},{},{},{},{},{},{},{:.6g}", r.test, r.transport, r.cpus, r.size, r.count,
			   r.repeat, r.metric, r.value);
}

namespace {

template <typename T> T number(const std::string &s, const std::string &line)
{
	T v{};
	const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || end != s.data() + s.size())
		throw Failure("not a number: \"" + s + "\" in \"" + line + "\"");
	return v;
}

} // namespace

std::optional<Record> parseRecord(const std::string &line)
{
	if (line.empty() || line[0] == '#' || line == kCsvHeader)
		return std::nullopt;
	std::vector<std::string> f;
	std::istringstream in(line);
	std::string field;
	while (std::getline(in, field, ','))
		f.push_back(field);
	if (f.size() != 8)
		throw Failure("not 8 fields: \"" + line + "\"");
	for (const std::string &s : {f[0], f[1], f[6]})
		if (s.empty() || s.find_first_of(" \t\"") != std::string::npos)
			throw Failure("a bad name in \"" + line + "\"");
	Record r;
	r.test = f[0];
	r.transport = f[1];
	r.cpus = number<unsigned>(f[2], line);
	r.size = number<std::uint64_t>(f[3], line);
	r.count = number<unsigned>(f[4], line);
	r.repeat = number<unsigned>(f[5], line);
	r.metric = f[6];
	r.value = number<double>(f[7], line);
	if (!std::isfinite(r.value))
		throw Failure("not a finite value in \"" + line + "\"");
	return r;
}

void readResults(std::istream &in, const std::string &name, RawResults &out)
{
	std::string line;
	for (unsigned n = 1; std::getline(in, line); n++) {
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (line.starts_with("# meta ")) {
			std::istringstream l(line.substr(7));
			std::string key, value;
			l >> key;
			std::getline(l >> std::ws, value);
			auto &slot = out.meta[key];
			if (slot.empty())
				slot = value;
			else if (slot.find(value) == std::string::npos)
				slot += "; " + value;
			continue;
		}
		try {
			if (auto r = parseRecord(line))
				out.records.push_back(std::move(*r));
		} catch (const Failure &e) {
			throw Failure(name + ":" + std::to_string(n) + ": " + e.what());
		}
	}
}

} // namespace blbench
