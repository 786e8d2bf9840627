// SPDX-License-Identifier: GPL-2.0
//
// The one table printer of blctl, and the number formats it shows.

#ifndef BLCTL_TABLE_HPP
#define BLCTL_TABLE_HPP

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace blctl {

enum class Align { Left, Right };

struct Column {
	std::string title;	// "" for every column: no header line
	Align align = Align::Left;
};

// Text in aligned columns, two spaces apart, with no trailing blanks.
// Widths count characters (UTF-8 code points), not bytes.
class TextTable {
public:
	explicit TextTable(std::vector<Column> columns);

	// A row has exactly one cell per column (std::invalid_argument else).
	void addRow(std::vector<std::string> cells);
	[[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
	[[nodiscard]] bool empty() const noexcept { return rows_.empty(); }

	// Prints the header (if any column has a title), then the rows, each
	// line starting with indent.
	void print(std::ostream &out, std::string_view indent = {}) const;

private:
	void printLine(std::ostream &out, std::string_view indent,
			const std::vector<std::string> &cells,
			const std::vector<std::size_t> &widths) const;

	std::vector<Column> columns_;
	std::vector<std::vector<std::string>> rows_;
};

// Characters in a UTF-8 string (continuation bytes do not count).
std::size_t displayWidth(std::string_view text);

// 1234567 -> "1,234,567"; -1234 -> "-1,234".
std::string groupDigits(std::int64_t value);

// A size in binary units, as people read them: "512 B", "1.5 KiB",
// "1016 KiB", "4 MiB". One decimal below 10, none above; exact values
// lose their ".0". Negative sizes are printed as plain numbers of bytes.
std::string humanBytes(std::int64_t bytes);

// The text with every control byte replaced by '?': names that processes
// choose (comm) must not move the cursor or break a line.
std::string printable(std::string_view text);

} // namespace blctl

#endif
