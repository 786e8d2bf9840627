// SPDX-License-Identifier: GPL-2.0

#include "table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace blctl {
namespace {

std::string print(const TextTable &t, std::string_view indent = {})
{
	std::ostringstream out;
	t.print(out, indent);
	return out.str();
}

TEST(TextTable, AlignsColumnsTwoSpacesApart)
{
	TextTable t{{{"PID", Align::Right}, {"COMMAND", Align::Left}, {"SIZE", Align::Right}}};
	t.addRow({"156", "manager", "4 MiB"});
	t.addRow({"1024", "sh", "512 B"});
	EXPECT_EQ(print(t), " PID  COMMAND   SIZE\n"
			    " 156  manager  4 MiB\n"
			    "1024  sh       512 B\n");
}

TEST(TextTable, LeavesNoTrailingBlanks)
{
	TextTable t{{{"NAME", Align::Left}, {"NOTE", Align::Left}}};
	t.addRow({"a-long-name", "x"});
	t.addRow({"b", ""});
	const std::string text = print(t, "  ");
	EXPECT_EQ(text, "  NAME         NOTE\n"
			"  a-long-name  x\n"
			"  b\n");
	EXPECT_EQ(text.find(" \n"), std::string::npos);
}

TEST(TextTable, HasNoHeaderWhenNoColumnHasATitle)
{
	TextTable t{{Column{}, Column{"", Align::Right}}};
	t.addRow({"threads", "4"});
	t.addRow({"bytes", "1,040,533"});
	EXPECT_EQ(print(t), "threads          4\n"
			    "bytes    1,040,533\n");
}

TEST(TextTable, EmptyTablePrintsOnlyItsHeader)
{
	TextTable t{{{"PID", Align::Right}}};
	EXPECT_TRUE(t.empty());
	EXPECT_EQ(print(t), "PID\n");
}

TEST(TextTable, CountsCharactersNotBytes)
{
	TextTable t{{{"COMMAND", Align::Left}, {"N", Align::Right}}};
	t.addRow({"größe", "1"});
	t.addRow({"abcdefg", "2"});
	EXPECT_EQ(print(t), "COMMAND  N\n"
			    "größe    1\n"
			    "abcdefg  2\n");
}

TEST(TextTable, RejectsRowsOfTheWrongWidth)
{
	TextTable t{{{"A", Align::Left}, {"B", Align::Left}}};
	EXPECT_THROW(t.addRow({"1"}), std::invalid_argument);
	EXPECT_THROW(t.addRow({"1", "2", "3"}), std::invalid_argument);
	EXPECT_THROW(TextTable{{}}, std::invalid_argument);
}

TEST(DisplayWidth, CountsUtf8CodePoints)
{
	EXPECT_EQ(displayWidth(""), 0u);
	EXPECT_EQ(displayWidth("abc"), 3u);
	EXPECT_EQ(displayWidth("größe"), 5u);
	EXPECT_EQ(displayWidth("\xe2\x82\xac"), 1u);	// the euro sign
}

TEST(GroupDigits, PutsCommasBetweenThousands)
{
	EXPECT_EQ(groupDigits(0), "0");
	EXPECT_EQ(groupDigits(999), "999");
	EXPECT_EQ(groupDigits(1000), "1,000");
	EXPECT_EQ(groupDigits(1040533), "1,040,533");
	EXPECT_EQ(groupDigits(-1234), "-1,234");
	EXPECT_EQ(groupDigits(std::numeric_limits<std::int64_t>::max()),
		  "9,223,372,036,854,775,807");
	EXPECT_EQ(groupDigits(std::numeric_limits<std::int64_t>::min()),
		  "-9,223,372,036,854,775,808");
}

TEST(HumanBytes, UsesBinaryUnitsAsPeopleReadThem)
{
	EXPECT_EQ(humanBytes(0), "0 B");
	EXPECT_EQ(humanBytes(1023), "1023 B");
	EXPECT_EQ(humanBytes(1024), "1 KiB");
	EXPECT_EQ(humanBytes(1536), "1.5 KiB");
	EXPECT_EQ(humanBytes(10 * 1024 - 1), "10 KiB");
	EXPECT_EQ(humanBytes(1040384), "1016 KiB");
	EXPECT_EQ(humanBytes(1048575), "1 MiB");
	EXPECT_EQ(humanBytes(4194304), "4 MiB");
	EXPECT_EQ(humanBytes(2097152 + 104858), "2.1 MiB");
	EXPECT_EQ(humanBytes(std::int64_t{1} << 30), "1 GiB");
	EXPECT_EQ(humanBytes(std::numeric_limits<std::int64_t>::max()), "8 EiB");
	EXPECT_EQ(humanBytes(-5), "-5 B");
}

TEST(Printable, ReplacesControlBytes)
{
	EXPECT_EQ(printable("binderlite-raw"), "binderlite-raw");
	EXPECT_EQ(printable("a\nb\tc\x1b[2J\x7f"), "a?b?c?[2J?");
	EXPECT_EQ(printable("größe"), "größe");
}

} // namespace
} // namespace blctl
