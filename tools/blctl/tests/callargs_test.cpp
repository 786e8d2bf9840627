// SPDX-License-Identifier: GPL-2.0
//
// blctl call's typed values: parsing, writing into a Parcel, and printing
// a parcel's items back.

#include "callargs.hpp"

#include <binderlite/binder.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace blctl {
namespace {

using Tag = Parcel::Tag;

// The text of the ArgumentError that parsing text throws ("" if none).
template <class Parse>
std::string error_of(Parse parse, std::string_view text)
{
	try {
		(void)parse(text);
	} catch (const ArgumentError &e) {
		return e.what();
	}
	return "";
}

std::string argument_error(std::string_view text)
{
	return error_of([](std::string_view t) { return parse_argument(t); }, text);
}

// Writes the arguments into a parcel and prints its items back.
std::vector<std::string> round_trip(std::initializer_list<std::string_view> texts)
{
	Parcel parcel;
	for (const auto text : texts)
		write_argument(parcel, parse_argument(text));
	std::vector<std::string> items;
	Parcel::Reader reader = parcel.reader();
	while (!reader.atEnd())
		items.push_back(format_item(reader));
	return items;
}

TEST(CallArgs, IntegersOfEachWidth)
{
	EXPECT_EQ(parse_argument("i8:-128"), (CallArgument{Tag::Int8, std::int64_t{-128}}));
	EXPECT_EQ(parse_argument("u8:255"), (CallArgument{Tag::UInt8, std::uint64_t{255}}));
	EXPECT_EQ(parse_argument("i16:32767"), (CallArgument{Tag::Int16, std::int64_t{32767}}));
	EXPECT_EQ(parse_argument("u16:0xffff"), (CallArgument{Tag::UInt16, std::uint64_t{65535}}));
	EXPECT_EQ(parse_argument("i32:5"), (CallArgument{Tag::Int32, std::int64_t{5}}));
	EXPECT_EQ(parse_argument("u32:7"), (CallArgument{Tag::UInt32, std::uint64_t{7}}));
	EXPECT_EQ(parse_argument("i64:-9223372036854775808"),
		  (CallArgument{Tag::Int64, std::numeric_limits<std::int64_t>::min()}));
	EXPECT_EQ(parse_argument("u64:18446744073709551615"),
		  (CallArgument{Tag::UInt64, std::numeric_limits<std::uint64_t>::max()}));
	EXPECT_EQ(parse_argument("i32:-0x10"), (CallArgument{Tag::Int32, std::int64_t{-16}}));
	EXPECT_EQ(parse_argument("u32:-0"), (CallArgument{Tag::UInt32, std::uint64_t{0}}));
}

TEST(CallArgs, TheLibrarysLongTypeNames)
{
	EXPECT_EQ(parse_argument("int32:5"), parse_argument("i32:5"));
	EXPECT_EQ(parse_argument("uint64:5"), parse_argument("u64:5"));
	EXPECT_EQ(parse_argument("string:x"), parse_argument("str:x"));
	EXPECT_EQ(parse_argument("float:1"), parse_argument("f32:1"));
	EXPECT_EQ(parse_argument("double:1"), parse_argument("f64:1"));
	EXPECT_EQ(parse_argument("boolean:true"), parse_argument("bool:true"));
}

TEST(CallArgs, IntegersOutOfRangeOrMalformed)
{
	EXPECT_EQ(argument_error("i8:128"), "\"i8:128\": out of range for i8 (-128 to 127)");
	EXPECT_EQ(argument_error("i8:-129"), "\"i8:-129\": out of range for i8 (-128 to 127)");
	EXPECT_EQ(argument_error("u8:256"), "\"u8:256\": out of range for u8 (0 to 255)");
	EXPECT_EQ(argument_error("u32:-1"), "\"u32:-1\": out of range for u32 (0 to 4294967295)");
	EXPECT_NE(argument_error("i64:9223372036854775808"), "");
	EXPECT_NE(argument_error("u64:18446744073709551616"), "");
	for (const char *bad : {"i32:", "i32:x", "i32:5x", "i32: 5", "i32:+5", "i32:0x", "i32:--5",
				"u16:1.5"})
		EXPECT_NE(argument_error(bad).find("wants an integer, decimal or 0x hex"),
			  std::string::npos) << bad;
}

TEST(CallArgs, BoolsFloatsStringsBytesAndNull)
{
	EXPECT_EQ(parse_argument("bool:true"), (CallArgument{Tag::Bool, true}));
	EXPECT_EQ(parse_argument("bool:0"), (CallArgument{Tag::Bool, false}));
	EXPECT_EQ(argument_error("bool:yes"), "\"bool:yes\": bool wants true or false");
	EXPECT_EQ(parse_argument("f64:1.5"), (CallArgument{Tag::Double, 1.5}));
	EXPECT_EQ(parse_argument("f64:-2e-3"), (CallArgument{Tag::Double, -2e-3}));
	EXPECT_EQ(parse_argument("f32:0.1"),
		  (CallArgument{Tag::Float, static_cast<double>(0.1f)}));
	EXPECT_TRUE(std::isinf(std::get<double>(parse_argument("f64:-inf").value)));
	EXPECT_EQ(argument_error("f32:1e39"), "\"f32:1e39\": out of range for f32");
	EXPECT_EQ(argument_error("f64:1e999"), "\"f64:1e999\": out of range for f64");
	EXPECT_NE(argument_error("f64:1.5x").find("wants a number"), std::string::npos);
	EXPECT_NE(argument_error("f64:").find("wants a number"), std::string::npos);
	// A string is the rest of the text, colons and spaces included.
	EXPECT_EQ(parse_argument("str:hello, world: 1"),
		  (CallArgument{Tag::String, std::string{"hello, world: 1"}}));
	EXPECT_EQ(parse_argument("str:"), (CallArgument{Tag::String, std::string{}}));
	EXPECT_EQ(parse_argument("bytes:00ff10"),
		  (CallArgument{Tag::Bytes, std::vector<std::byte>{std::byte{0}, std::byte{0xff},
								   std::byte{0x10}}}));
	EXPECT_EQ(parse_argument("bytes:0xAB"),
		  (CallArgument{Tag::Bytes, std::vector<std::byte>{std::byte{0xab}}}));
	EXPECT_EQ(parse_argument("bytes:"), (CallArgument{Tag::Bytes, std::vector<std::byte>{}}));
	EXPECT_NE(argument_error("bytes:abc").find("two per byte"), std::string::npos);
	EXPECT_NE(argument_error("bytes:zz").find("two per byte"), std::string::npos);
	EXPECT_EQ(parse_argument("null"), (CallArgument{Tag::Null, std::monostate{}}));
	EXPECT_EQ(argument_error("null:x"), "\"null:x\": null has no value: write \"null\"");
}

TEST(CallArgs, WhatIsNotAnArgumentSaysWhy)
{
	EXPECT_EQ(argument_error("5"), "\"5\": want TYPE:VALUE, such as i32:5 or str:hello");
	EXPECT_EQ(argument_error("hello"), "\"hello\": want TYPE:VALUE, such as i32:5 or str:hello");
	EXPECT_EQ(argument_error("int:5"),
		  "\"int:5\": unknown type \"int\" (types: i8 u8 i16 u16 i32 u32 i64 u64 bool f32 "
		  "f64 str bytes null)");
	EXPECT_EQ(argument_error(":5").find("unknown type \"\""), 6u);
	EXPECT_EQ(argument_error("object:1"),
		  "\"object:1\": objects cannot be written from the command line (null can)");
	EXPECT_EQ(argument_error("weak:1"),
		  "\"weak:1\": objects cannot be written from the command line (null can)");
	EXPECT_EQ(argument_error("fd:0"),
		  "\"fd:0\": file descriptors cannot be written from the command line");
}

TEST(CallArgs, Codes)
{
	EXPECT_EQ(parse_code("1"), 1u);
	EXPECT_EQ(parse_code("0"), 0u);
	EXPECT_EQ(parse_code("0x5f504e47"), 0x5f504e47u);
	EXPECT_EQ(parse_code("4294967295"), 0xffffffffu);
	const auto code_error = [](std::string_view t) { return error_of(parse_code, t); };
	EXPECT_EQ(code_error("4294967296"),
		  "\"4294967296\": a code is 32 bits: 0 to 4294967295 (0xffffffff)");
	for (const char *bad : {"", "-1", "SAY", "1.0", "0x", " 1"})
		EXPECT_EQ(code_error(bad), std::string{"\""} + bad +
						   "\": a code is a number, decimal or 0x hex (1, "
						   "0x5f504e47)") << bad;
}

TEST(CallArgs, ReplyTypes)
{
	EXPECT_EQ(parse_reply_types("str"), std::vector<Tag>{Tag::String});
	EXPECT_EQ(parse_reply_types("i32,string,object,null"),
		  (std::vector<Tag>{Tag::Int32, Tag::String, Tag::Object, Tag::Null}));
	EXPECT_EQ(parse_reply_types("fd,weak,str"), (std::vector<Tag>{Tag::FileDescriptor, Tag::WeakObject,
								   Tag::String}));
	EXPECT_EQ(parse_reply_types("none"), std::vector<Tag>{});
	const auto types_error = [](std::string_view t) { return error_of(parse_reply_types, t); };
	EXPECT_EQ(types_error("i32,"), "\"\" is not a type (types: i8 u8 i16 u16 i32 u32 i64 u64 bool "
				       "f32 f64 str bytes null object weak fd; none for an empty reply)");
	EXPECT_NE(types_error("str,int"), "");
	EXPECT_NE(types_error("str i32"), "");
	EXPECT_NE(types_error(""), "");
}

TEST(CallArgs, ItemsPrintAsTheyAreWritten)
{
	const std::vector<std::string> expected{
		"i8:-5", "u8:200", "i16:-300", "u16:65535", "i32:-70000", "u32:4000000000",
		"i64:-9223372036854775808", "u64:18446744073709551615", "bool:true", "bool:false",
		"f32:0.1", "f64:1.5", "f64:-inf", "str:hello, world", "str:", "bytes:00ff10", "bytes:",
		"null",
	};
	std::vector<std::string_view> in(expected.begin(), expected.end());
	Parcel parcel;
	for (const auto text : in)
		write_argument(parcel, parse_argument(text));
	std::vector<std::string> out;
	Parcel::Reader reader = parcel.reader();
	while (!reader.atEnd())
		out.push_back(format_item(reader));
	EXPECT_EQ(out, expected);
	EXPECT_EQ(round_trip({"u16:0x10", "i32:-0x10", "bytes:0xAB"}),
		  (std::vector<std::string>{"u16:16", "i32:-16", "bytes:ab"}));
}

TEST(CallArgs, StringsAreEscapedAndLongBytesCut)
{
	Parcel parcel;
	parcel.writeString("a\nb\tc\\d\x01\x7f\xc3\xa9");
	parcel.writeBytes(std::vector<std::byte>(100, std::byte{0xaa}));
	Parcel::Reader reader = parcel.reader();
	EXPECT_EQ(format_item(reader), "str:a\\nb\\tc\\\\d\\x01\\x7f\xc3\xa9");
	EXPECT_EQ(format_item(reader), "bytes:" + std::string(128, 'a') + "... (100 bytes)");
	EXPECT_TRUE(reader.atEnd());
}

TEST(CallArgs, ItemTypesOfAParcel)
{
	Parcel parcel;
	EXPECT_EQ(item_types(parcel), std::vector<Tag>{});
	EXPECT_EQ(describe_types({}), "(nothing)");
	parcel.writeString("x");
	parcel.writeInt32(1);
	parcel.writeNull();
	const auto types = item_types(parcel);
	EXPECT_EQ(types, (std::vector<Tag>{Tag::String, Tag::Int32, Tag::Null}));
	EXPECT_EQ(describe_types(types), "(str, i32, null)");
}

TEST(CallArgs, FileDescriptorsPrintWhatTheyAre)
{
	int p[2];
	ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
	const int memfd = ::memfd_create("callargs-test", MFD_CLOEXEC);
	ASSERT_GE(memfd, 0);
	Parcel parcel;
	parcel.writeFileDescriptor(p[0]);
	parcel.writeFileDescriptor(binderlite::UniqueFd(memfd));
	EXPECT_EQ(item_types(parcel), (std::vector<Tag>{Tag::FileDescriptor, Tag::FileDescriptor}));
	EXPECT_EQ(describe_types(item_types(parcel)), "(fd, fd)");
	Parcel::Reader reader = parcel.reader();
	const std::string pipe = format_item(reader);
	EXPECT_TRUE(pipe.starts_with("fd:pipe:[")) << pipe;
	EXPECT_EQ(format_item(reader), "fd:/memfd:callargs-test (deleted)");
	EXPECT_TRUE(reader.atEnd());
	::close(p[0]);
	::close(p[1]);
	EXPECT_EQ(describe_fd(-1).find("-1 (unknown: "), 0u) << describe_fd(-1);
}

TEST(CallArgs, WeakObjectsPrintTheirHandle)
{
	auto object = binderlite::makeBinder([](std::uint32_t, Parcel::Reader &, Parcel &) {});
	Parcel parcel;
	const auto weak = binderlite::Remote(object).weak();
	parcel.writeWeakRemote(weak); // the parcel keeps the object
	object.reset();
	auto gone = binderlite::makeBinder([](std::uint32_t, Parcel::Reader &, Parcel &) {});
	const auto dangling = binderlite::Remote(gone).weak();
	gone.reset();
	parcel.writeWeakRemote(dangling); // its object is gone: a null object
	Parcel::Reader reader = parcel.reader();
	EXPECT_EQ(format_item(reader), "weak:local");
	EXPECT_EQ(format_item(reader), "null");
	EXPECT_TRUE(reader.atEnd());
}

TEST(CallArgs, TypeNames)
{
	EXPECT_EQ(type_name(Tag::String), "str");
	EXPECT_EQ(type_name(Tag::Object), "object");
	EXPECT_EQ(parse_type("object"), std::nullopt);
	EXPECT_EQ(parse_type("object", true), Tag::Object);
	EXPECT_EQ(type_name(Tag::FileDescriptor), "fd");
	EXPECT_EQ(type_name(Tag::WeakObject), "weak");
	EXPECT_EQ(parse_type("fd"), std::nullopt);
	EXPECT_EQ(parse_type("fd", true), Tag::FileDescriptor);
	EXPECT_EQ(parse_type("weak-object", true), Tag::WeakObject);
	EXPECT_EQ(parse_type("i33"), std::nullopt);
	for (const Tag t : {Tag::Int8, Tag::UInt8, Tag::Int16, Tag::UInt16, Tag::Int32, Tag::UInt32,
			    Tag::Int64, Tag::UInt64, Tag::Bool, Tag::Float, Tag::Double,
			    Tag::String, Tag::Bytes, Tag::Null})
		EXPECT_EQ(parse_type(type_name(t)), t) << type_name(t);
}

} // namespace
} // namespace blctl
