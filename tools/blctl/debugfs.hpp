// SPDX-License-Identifier: GPL-2.0
//
// binderlite's debugfs files (/sys/kernel/debug/binderlite/), parsed by
// key and by column name, never by position: the driver may add keys and
// columns (Documentation/protocol.rst, pool.rst), and blctl must keep
// working, showing what it does not know as it is.
//
//   stats     "name value" lines
//   procs     a header line of column names ("pid threads ..."), then one
//   pools     line per open file of the device, values separated by blanks
//   contexts  the same layout, a line per context ("name procs manager")
//
// Columns and files of newer modules are optional: procs's "frozen" and
// "context" columns and the contexts file came with several contexts and
// freezing; without them blctl shows what there is.

#ifndef BLCTL_DEBUGFS_HPP
#define BLCTL_DEBUGFS_HPP

#include "env.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blctl {

// A file blctl cannot make sense of. what() names the file and the line.
class ParseError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Named values in the file's order. Values are kept as text: every value
// binderlite prints today is a decimal integer, read with number().
class Record {
public:
	using Field = std::pair<std::string, std::string>;

	// false if the name is already there (the record is left unchanged).
	bool add(std::string name, std::string value);

	[[nodiscard]] const std::string *text(std::string_view name) const;
	// The value as a number; nullopt if absent, not a decimal integer, or
	// out of the range of int64.
	[[nodiscard]] std::optional<std::int64_t> number(std::string_view name) const;
	[[nodiscard]] bool has(std::string_view name) const { return text(name) != nullptr; }
	[[nodiscard]] const std::vector<Field> &fields() const noexcept { return fields_; }

private:
	std::vector<Field> fields_;
};

// A decimal integer (optional '-'), nothing else; nullopt otherwise.
std::optional<std::int64_t> parseInteger(std::string_view text);

// "name value" lines, as in stats. Blank lines are skipped; a line that is
// not exactly two words, or a name seen twice, is a ParseError. source is
// the file's name for messages.
Record parseKeyValues(std::string_view text, std::string_view source);

// A header line of unique column names, then rows of as many values.
// A file with no header line, or a row of another width, is a ParseError.
struct ColumnFile {
	std::vector<std::string> header;
	std::vector<Record> rows;
};
ColumnFile parseColumns(std::string_view text, std::string_view source);

// One open file of the device: its line in procs and its line in pools.
// Either may be missing, since the files are read one after the other
// while files are opened and closed.
struct ProcessRow {
	std::int64_t pid = 0;
	std::optional<Record> procs;
	std::optional<Record> pool;
};

// Joins procs and pools on their "pid" column. A process that opened the
// device more than once has a line per file in each: the n-th line of a pid
// in procs goes with the n-th line of that pid in pools (both files list the
// open files in the same order). Rows come out sorted by pid, then by that
// order. A file without a "pid" column, or a pid that is not a number, is a
// ParseError.
std::vector<ProcessRow> joinByPid(const ColumnFile &procs, const ColumnFile &pools);

// What blctl knows about the system when reading debugfs fails.
struct DebugfsFacts {
	bool moduleLoaded = false;
	std::optional<std::string> fstype;	// mounted at /sys/kernel/debug
	bool root = false;			// effective uid 0
};

// The message for a debugfs file that could not be read (errno err): the
// cause a person can fix, and how, rather than the bare errno.
std::string explainDebugfsError(std::string_view path, int err, const DebugfsFacts &facts);

// The facts above, gathered from the system.
DebugfsFacts debugfsFacts(const Env &env);

// Reads /sys/kernel/debug/binderlite/NAME; throws Failure, explained as
// above, when it cannot.
std::string readDebugfsFile(const Env &env, std::string_view name);

// The same, or nullopt if binderlite's debugfs directory is there but NAME
// is not: a file an older module does not have.
std::optional<std::string> readOptionalDebugfsFile(const Env &env, std::string_view name);

// A process procs marks frozen ("frozen" is 1), with its context's name
// ("" without a "context" column).
struct FrozenProcess {
	std::int64_t pid = 0;
	std::string context;

	friend bool operator==(const FrozenProcess &, const FrozenProcess &) = default;
};

// The frozen processes of procs, by pid, each once per context; nullopt
// if procs has no "frozen" column (an older module).
std::optional<std::vector<FrozenProcess>> frozenProcesses(const ColumnFile &procs);

// One context of the contexts file.
struct Context {
	std::string name;
	std::optional<std::int64_t> procs;	// open files
	std::optional<std::int64_t> manager;	// the context manager's pid, 0 if none

	friend bool operator==(const Context &, const Context &) = default;
};

// The contexts file's rows; a file without a "name" column is a
// ParseError, other columns may be missing (nullopt).
std::vector<Context> parseContexts(const ColumnFile &contexts);

} // namespace blctl

#endif
