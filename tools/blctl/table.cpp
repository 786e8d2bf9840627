// SPDX-License-Identifier: GPL-2.0

#include "table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace blctl {

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns))
{
	if (columns_.empty())
		throw std::invalid_argument("a table needs at least one column");
}

void TextTable::addRow(std::vector<std::string> cells)
{
	if (cells.size() != columns_.size())
		throw std::invalid_argument(fmt::format("a row of {} cells in a table of {} columns",
							cells.size(), columns_.size()));
	rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream &out, std::string_view indent) const
{
	const bool header = std::any_of(columns_.begin(), columns_.end(),
					[](const Column &c) { return !c.title.empty(); });
	std::vector<std::size_t> widths(columns_.size(), 0);
	for (std::size_t i = 0; i < columns_.size(); i++) {
		if (header)
			widths[i] = displayWidth(columns_[i].title);
		for (const auto &row : rows_)
			widths[i] = std::max(widths[i], displayWidth(row[i]));
	}
	if (header) {
		std::vector<std::string> titles;
		for (const auto &c : columns_)
			titles.push_back(c.title);
		printLine(out, indent, titles, widths);
	}
	for (const auto &row : rows_)
		printLine(out, indent, row, widths);
}

void TextTable::printLine(std::ostream &out, std::string_view indent,
			   const std::vector<std::string> &cells,
			   const std::vector<std::size_t> &widths) const
{
	std::string line{indent};
	std::size_t pending = 0;	// blanks owed before the next text
	for (std::size_t i = 0; i < cells.size(); i++) {
		const std::size_t pad = widths[i] - displayWidth(cells[i]);
		if (i > 0)
			pending += 2;
		if (columns_[i].align == Align::Right)
			pending += pad;
		if (!cells[i].empty()) {
			line.append(pending, ' ');
			line += cells[i];
			pending = 0;
		}
		if (columns_[i].align == Align::Left)
			pending += pad;
	}
	// Left-aligned last cells, and empty ones, leave no trailing blanks.
	out << line << '\n';
}

std::size_t displayWidth(std::string_view text)
{
	return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
		return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
	}));
}

std::string groupDigits(std::int64_t value)
{
	// Through the unsigned magnitude: -INT64_MIN does not fit an int64.
	const bool negative = value < 0;
	const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value)
						 : static_cast<std::uint64_t>(value);
	const std::string digits = fmt::format("{}", magnitude);
	std::string grouped;
	for (std::size_t i = 0; i < digits.size(); i++) {
		if (i > 0 && (digits.size() - i) % 3 == 0)
			grouped += ',';
		grouped += digits[i];
	}
	return negative ? "-" + grouped : grouped;
}

std::string humanBytes(std::int64_t bytes)
{
	static constexpr std::array<const char *, 7> kUnits{"B", "KiB", "MiB", "GiB",
							   "TiB", "PiB", "EiB"};
	if (bytes < 1024)
		return fmt::format("{} B", bytes);
	double value = static_cast<double>(bytes);
	std::size_t unit = 0;
	while (value >= 1024 && unit + 1 < kUnits.size()) {
		value /= 1024;
		unit++;
	}
	if (value < 10) {
		const double tenths = std::round(value * 10) / 10;
		if (tenths < 10) {
			if (tenths == std::floor(tenths))
				return fmt::format("{:.0f} {}", tenths, kUnits[unit]);
			return fmt::format("{:.1f} {}", tenths, kUnits[unit]);
		}
	}
	double whole = std::round(value);
	// 1023.6 KiB is "1 MiB", not "1024 KiB".
	if (whole >= 1024 && unit + 1 < kUnits.size()) {
		whole = 1;
		unit++;
	}
	return fmt::format("{:.0f} {}", whole, kUnits[unit]);
}

std::string printable(std::string_view text)
{
	std::string out{text};
	for (char &c : out) {
		const auto u = static_cast<unsigned char>(c);
		if (u < 0x20 || u == 0x7f)
			c = '?';
	}
	return out;
}

} // namespace blctl
