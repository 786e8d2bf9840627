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
	TextTable t{{{"PID", Align::right}, {"COMMAND", Align::left}, {"SIZE", Align::right}}};
	t.add_row({"156", "manager", "4 MiB"});
	t.add_row({"1024", "sh", "512 B"});
	EXPECT_EQ(print(t), " PID  COMMAND   SIZE\n"
			    " 156  manager  4 MiB\n"
			    "1024  sh       512 B\n");
}

TEST(TextTable, LeavesNoTrailingBlanks)
{
	TextTable t{{{"NAME", Align::left}, {"NOTE", Align::left}}};
	t.add_row({"a-long-name", "x"});
	t.add_row({"b", ""});
	const std::string text = print(t, "  ");
	EXPECT_EQ(text, "  NAME         NOTE\n"
			"  a-long-name  x\n"
			"  b\n");
	EXPECT_EQ(text.find(" \n"), std::string::npos);
}

TEST(TextTable, HasNoHeaderWhenNoColumnHasATitle)
{
	TextTable t{{Column{}, Column{"", Align::right}}};
	t.add_row({"threads", "4"});
	t.add_row({"bytes", "1,040,533"});
	EXPECT_EQ(print(t), "threads          4\n"
			    "bytes    1,040,533\n");
}

TEST(TextTable, EmptyTablePrintsOnlyItsHeader)
{
	TextTable t{{{"PID", Align::right}}};
	EXPECT_TRUE(t.empty());
	EXPECT_EQ(print(t), "PID\n");
}

TEST(TextTable, CountsCharactersNotBytes)
{
	TextTable t{{{"COMMAND", Align::left}, {"N", Align::right}}};
	t.add_row({"größe", "1"});
	t.add_row({"abcdefg", "2"});
	EXPECT_EQ(print(t), "COMMAND  N\n"
			    "größe    1\n"
			    "abcdefg  2\n");
}

TEST(TextTable, RejectsRowsOfTheWrongWidth)
{
	TextTable t{{{"A", Align::left}, {"B", Align::left}}};
	EXPECT_THROW(t.add_row({"1"}), std::invalid_argument);
	EXPECT_THROW(t.add_row({"1", "2", "3"}), std::invalid_argument);
	EXPECT_THROW(TextTable{{}}, std::invalid_argument);
}

TEST(DisplayWidth, CountsUtf8CodePoints)
{
	EXPECT_EQ(display_width(""), 0u);
	EXPECT_EQ(display_width("abc"), 3u);
	EXPECT_EQ(display_width("größe"), 5u);
	EXPECT_EQ(display_width("\xe2\x82\xac"), 1u);	// the euro sign
}

TEST(GroupDigits, PutsCommasBetweenThousands)
{
	EXPECT_EQ(group_digits(0), "0");
	EXPECT_EQ(group_digits(999), "999");
	EXPECT_EQ(group_digits(1000), "1,000");
	EXPECT_EQ(group_digits(1040533), "1,040,533");
	EXPECT_EQ(group_digits(-1234), "-1,234");
	EXPECT_EQ(group_digits(std::numeric_limits<std::int64_t>::max()),
		  "9,223,372,036,854,775,807");
	EXPECT_EQ(group_digits(std::numeric_limits<std::int64_t>::min()),
		  "-9,223,372,036,854,775,808");
}

TEST(HumanBytes, UsesBinaryUnitsAsPeopleReadThem)
{
	EXPECT_EQ(human_bytes(0), "0 B");
	EXPECT_EQ(human_bytes(1023), "1023 B");
	EXPECT_EQ(human_bytes(1024), "1 KiB");
	EXPECT_EQ(human_bytes(1536), "1.5 KiB");
	EXPECT_EQ(human_bytes(10 * 1024 - 1), "10 KiB");
	EXPECT_EQ(human_bytes(1040384), "1016 KiB");
	EXPECT_EQ(human_bytes(1048575), "1 MiB");
	EXPECT_EQ(human_bytes(4194304), "4 MiB");
	EXPECT_EQ(human_bytes(2097152 + 104858), "2.1 MiB");
	EXPECT_EQ(human_bytes(std::int64_t{1} << 30), "1 GiB");
	EXPECT_EQ(human_bytes(std::numeric_limits<std::int64_t>::max()), "8 EiB");
	EXPECT_EQ(human_bytes(-5), "-5 B");
}

TEST(Printable, ReplacesControlBytes)
{
	EXPECT_EQ(printable("binderlite-raw"), "binderlite-raw");
	EXPECT_EQ(printable("a\nb\tc\x1b[2J\x7f"), "a?b?c?[2J?");
	EXPECT_EQ(printable("größe"), "größe");
}

} // namespace
} // namespace blctl
