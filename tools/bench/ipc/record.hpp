// SPDX-License-Identifier: GPL-2.0
//
// The raw results: one CSV line per figure of one cell of one repeat,
//
//   test,transport,cpus,size,count,repeat,metric,value
//
// test      latency, echo, oneway, clients, handles, memory, pages
// transport binderlite, binder, unix, pipe, memcpy, kcopy
// cpus      the CPUs the guest had
// size      the payload in bytes (0 where none)
// count     the clients, handles or processes (0 where none)
// repeat    1 ... the number of repeats
// metric    the figure's name (cells.hpp), "error" for a failed cell
//
// Lines starting with "#" are comments; "# meta KEY VALUE" lines describe
// the run (kernel, options).
#ifndef BLBENCH_RECORD_HPP
#define BLBENCH_RECORD_HPP

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blbench {

inline constexpr const char *kCsvHeader = "test,transport,cpus,size,count,repeat,metric,value";

struct Record {
	std::string test;
	std::string transport;
	unsigned cpus = 0;
	std::uint64_t size = 0;
	unsigned count = 0;
	unsigned repeat = 0;
	std::string metric;
	double value = 0;
};

std::string toCsv(const Record &r);
// A record from a CSV line; nothing for the header, comments and blank
// lines; throws a Failure for a malformed line.
std::optional<Record> parseRecord(const std::string &line);

struct RawResults {
	std::vector<Record> records;
	// The "# meta" lines: KEY -> VALUE (several runs: their values
	// joined by "; " when they differ).
	std::map<std::string, std::string> meta;
};

// Reads records and meta lines; throws a Failure, naming the line, for
// a malformed one.
void readResults(std::istream &in, const std::string &name, RawResults &out);

} // namespace blbench

#endif
