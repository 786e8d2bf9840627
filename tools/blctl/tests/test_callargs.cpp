// SPDX-License-Identifier: GPL-2.0
//
// blctl call's typed values: parsing, writing into a Parcel in libbinder's
// wire format, and reading a parcel's items back by type.

#include "callargs.hpp"

#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace blctl {
namespace {

using T = ValueType;

// The text of the ArgumentError that parsing text throws ("" if none).
template <class Parse>
std::string errorOf(Parse parse, std::string_view text)
{
	try {
		(void)parse(text);
	} catch (const ArgumentError &e) {
		return e.what();
	}
	return "";
}

std::string argumentError(std::string_view text)
{
	return errorOf([](std::string_view t) { return parseArgument(t); }, text);
}

// Writes the arguments into a parcel and prints its items back, read as
// the types they were written with.
std::vector<std::string> roundTrip(std::initializer_list<std::string_view> texts)
{
	Parcel parcel;
	std::vector<ValueType> types;
	for (const auto text : texts) {
		const auto a = parseArgument(text);
		writeArgument(parcel, a);
		types.push_back(a.type);
	}
	std::vector<std::string> items;
	Parcel::Reader reader = parcel.reader();
	for (const auto t : types)
		items.push_back(formatItem(reader, t));
	EXPECT_TRUE(reader.atEnd());
	return items;
}

std::vector<std::byte> bytesOf(const Parcel &p) { return {p.data().begin(), p.data().end()}; }

TEST(CallArgs, IntegersOfEachWidth)
{
	EXPECT_EQ(parseArgument("byte:-128"), (CallArgument{T::Byte, std::int64_t{-128}}));
	EXPECT_EQ(parseArgument("i32:5"), (CallArgument{T::Int32, std::int64_t{5}}));
	EXPECT_EQ(parseArgument("u32:7"), (CallArgument{T::UInt32, std::uint64_t{7}}));
	EXPECT_EQ(parseArgument("i64:-9223372036854775808"),
		  (CallArgument{T::Int64, std::numeric_limits<std::int64_t>::min()}));
	EXPECT_EQ(parseArgument("u64:18446744073709551615"),
		  (CallArgument{T::UInt64, std::numeric_limits<std::uint64_t>::max()}));
	EXPECT_EQ(parseArgument("i32:-0x10"), (CallArgument{T::Int32, std::int64_t{-16}}));
	EXPECT_EQ(parseArgument("u32:-0"), (CallArgument{T::UInt32, std::uint64_t{0}}));
}

TEST(CallArgs, OtherTypeNames)
{
	EXPECT_EQ(parseArgument("int32:5"), parseArgument("i32:5"));
	EXPECT_EQ(parseArgument("int64:5"), parseArgument("i64:5"));
	EXPECT_EQ(parseArgument("uint64:5"), parseArgument("u64:5"));
	EXPECT_EQ(parseArgument("utf8:x"), parseArgument("str:x"));
	EXPECT_EQ(parseArgument("string16:x"), parseArgument("str:x"));
	EXPECT_EQ(parseArgument("s16:x"), parseArgument("str:x"));
	EXPECT_EQ(parseArgument("float:1"), parseArgument("f32:1"));
	EXPECT_EQ(parseArgument("double:1"), parseArgument("f64:1"));
	EXPECT_EQ(parseArgument("boolean:true"), parseArgument("bool:true"));
}

TEST(CallArgs, IntegersOutOfRangeOrMalformed)
{
	EXPECT_EQ(argumentError("byte:128"), "\"byte:128\": out of range for byte (-128 to 127)");
	EXPECT_EQ(argumentError("i32:2147483648"),
		  "\"i32:2147483648\": out of range for i32 (-2147483648 to 2147483647)");
	EXPECT_EQ(argumentError("u32:-1"), "\"u32:-1\": out of range for u32 (0 to 4294967295)");
	EXPECT_NE(argumentError("i64:9223372036854775808"), "");
	EXPECT_NE(argumentError("u64:18446744073709551616"), "");
	for (const char *bad : {"i32:", "i32:x", "i32:5x", "i32: 5", "i32:+5", "i32:0x", "i32:--5",
				"u32:1.5"})
		EXPECT_NE(argumentError(bad).find("wants an integer, decimal or 0x hex"),
			  std::string::npos) << bad;
}

TEST(CallArgs, BoolsFloatsStringsBytesBindersAndNull)
{
	EXPECT_EQ(parseArgument("bool:true"), (CallArgument{T::Bool, true}));
	EXPECT_EQ(parseArgument("bool:0"), (CallArgument{T::Bool, false}));
	EXPECT_EQ(argumentError("bool:yes"), "\"bool:yes\": bool wants true or false");
	EXPECT_EQ(parseArgument("f64:1.5"), (CallArgument{T::Double, 1.5}));
	EXPECT_EQ(parseArgument("f64:-2e-3"), (CallArgument{T::Double, -2e-3}));
	EXPECT_EQ(parseArgument("f32:0.1"), (CallArgument{T::Float, static_cast<double>(0.1f)}));
	EXPECT_TRUE(std::isinf(std::get<double>(parseArgument("f64:-inf").value)));
	EXPECT_EQ(argumentError("f32:1e39"), "\"f32:1e39\": out of range for f32");
	EXPECT_EQ(argumentError("f64:1e999"), "\"f64:1e999\": out of range for f64");
	EXPECT_NE(argumentError("f64:1.5x").find("wants a number"), std::string::npos);
	// A string is the rest of the text, colons and spaces included.
	EXPECT_EQ(parseArgument("str:hello, world: 1"),
		  (CallArgument{T::String, std::string{"hello, world: 1"}}));
	EXPECT_EQ(parseArgument("str:"), (CallArgument{T::String, std::string{}}));
	EXPECT_EQ(parseArgument("bytes:00ff10"),
		  (CallArgument{T::Bytes, std::vector<std::byte>{std::byte{0}, std::byte{0xff}, std::byte{0x10}}}));
	EXPECT_EQ(parseArgument("bytes:0xAB"), (CallArgument{T::Bytes, std::vector<std::byte>{std::byte{0xab}}}));
	EXPECT_EQ(parseArgument("bytes:"), (CallArgument{T::Bytes, std::vector<std::byte>{}}));
	EXPECT_NE(argumentError("bytes:abc").find("two per byte"), std::string::npos);
	EXPECT_EQ(parseArgument("binder:hello"), (CallArgument{T::Binder, std::string{"hello"}}));
	EXPECT_NE(argumentError("binder:").find("binder:NAME"), std::string::npos);
	EXPECT_EQ(parseArgument("null"), (CallArgument{T::Null, std::monostate{}}));
	EXPECT_EQ(argumentError("null:x"), "\"null:x\": null has no value: write \"null\"");
}

TEST(CallArgs, WhatIsNotAnArgumentSaysWhy)
{
	EXPECT_EQ(argumentError("5"), "\"5\": want TYPE:VALUE, such as i32:5 or str:hello");
	EXPECT_EQ(argumentError("hello"), "\"hello\": want TYPE:VALUE, such as i32:5 or str:hello");
	EXPECT_EQ(argumentError("i16:5"),
		  "\"i16:5\": unknown type \"i16\" (types: i32 u32 i64 u64 byte bool f32 f64 str bytes "
		  "binder null)");
	EXPECT_EQ(argumentError(":5").find("unknown type \"\""), 6u);
	EXPECT_EQ(argumentError("fd:0"),
		  "\"fd:0\": file descriptors cannot be written from the command line");
}

TEST(CallArgs, Codes)
{
	EXPECT_EQ(parseCode("1"), 1u);
	EXPECT_EQ(parseCode("0"), 0u);
	EXPECT_EQ(parseCode("0x5f504e47"), 0x5f504e47u);
	EXPECT_EQ(parseCode("4294967295"), 0xffffffffu);
	const auto codeError = [](std::string_view t) { return errorOf(parseCode, t); };
	EXPECT_EQ(codeError("4294967296"), "\"4294967296\": a code is 32 bits: 0 to 4294967295 (0xffffffff)");
	for (const char *bad : {"", "-1", "SAY", "1.0", "0x", " 1"})
		EXPECT_EQ(codeError(bad), std::string{"\""} + bad +
						   "\": a code is a number, decimal or 0x hex (1, "
						   "0x5f504e47)") << bad;
}

TEST(CallArgs, ReplyTypes)
{
	EXPECT_EQ(parseReplyTypes("str"), std::vector<T>{T::String});
	EXPECT_EQ(parseReplyTypes("i32,utf8,binder,null"), (std::vector<T>{T::Int32, T::String, T::Binder, T::Null}));
	EXPECT_EQ(parseReplyTypes("fd,str"), (std::vector<T>{T::FileDescriptor, T::String}));
	EXPECT_EQ(parseReplyTypes("none"), std::vector<T>{});
	const auto typesError = [](std::string_view t) { return errorOf(parseReplyTypes, t); };
	EXPECT_EQ(typesError("i32,"), "\"\" is not a type (types: i32 u32 i64 u64 byte bool f32 f64 str "
				       "bytes binder null fd; none for an empty reply)");
	EXPECT_NE(typesError("str,int16"), "");
	EXPECT_NE(typesError("str i32"), "");
	EXPECT_NE(typesError(""), "");
}

TEST(CallArgs, ArgumentsAreLibbindersWireFormat)
{
	Parcel parcel;
	for (const char *text : {"i32:-2", "byte:-1", "bool:true", "str:hi", "bytes:0102", "null"})
		writeArgument(parcel, parseArgument(text));
	const std::vector<std::uint32_t> words{
		0xfffffffe,             // i32 -2
		0xffffffff,             // byte -1, sign-extended
		1,                      // bool
		2, 0x00690068, 0,       // String16 "hi": length, h i, NUL and padding
		2, 0x0201,              // byte[]: length, 01 02 and padding
		0x73622a85, 19, 0, 0, 0, 0, // a null object: BINDER, flags 19, all 0
		0,                      // its stability
	};
	std::vector<std::byte> want(words.size() * 4);
	std::memcpy(want.data(), words.data(), want.size());
	EXPECT_EQ(want, bytesOf(parcel));
	EXPECT_TRUE(parcel.offsets().empty());
}

TEST(CallArgs, BinderArgumentsAreLookedUp)
{
	auto object = binderlite::makeBinder([](std::uint32_t, Parcel::Reader &, Parcel &) {});
	Parcel parcel;
	EXPECT_THROW(writeArgument(parcel, parseArgument("binder:x")), ArgumentError);
	std::string asked;
	writeArgument(parcel, parseArgument("binder:svc"), [&](std::string_view name) {
		asked = name;
		return binderlite::Remote(object);
	});
	EXPECT_EQ(asked, "svc");
	ASSERT_EQ(1u, parcel.offsets().size());
	Parcel::Reader reader = parcel.reader();
	EXPECT_EQ(formatItem(reader, T::Binder), "binder:local");
}

TEST(CallArgs, ItemsPrintAsTheyAreWritten)
{
	const std::vector<std::string> expected{
		"i32:-70000", "u32:4000000000", "i64:-9223372036854775808", "u64:18446744073709551615",
		"byte:-5", "bool:true", "bool:false", "f32:0.1", "f64:1.5", "f64:-inf",
		"str:hello, world", "str:", "bytes:00ff10", "bytes:", "null",
	};
	std::vector<std::string_view> in(expected.begin(), expected.end());
	Parcel parcel;
	std::vector<ValueType> types;
	for (const auto text : in) {
		const auto a = parseArgument(text);
		writeArgument(parcel, a);
		types.push_back(a.type);
	}
	std::vector<std::string> out;
	Parcel::Reader reader = parcel.reader();
	for (const auto t : types)
		out.push_back(formatItem(reader, t));
	EXPECT_TRUE(reader.atEnd());
	EXPECT_EQ(out, expected);
	EXPECT_EQ(roundTrip({"i32:0x10", "i32:-0x10", "bytes:0xAB"}),
		  (std::vector<std::string>{"i32:16", "i32:-16", "bytes:ab"}));
}

TEST(CallArgs, NullStringsAndArraysPrintAsNull)
{
	Parcel parcel;
	parcel.writeNullArray();
	parcel.writeNullArray();
	Parcel::Reader reader = parcel.reader();
	EXPECT_EQ(formatItem(reader, T::String), "null");
	EXPECT_EQ(formatItem(reader, T::Bytes), "null");
}

TEST(CallArgs, StringsAreEscapedAndLongBytesCut)
{
	Parcel parcel;
	parcel.writeString("a\nb\tc\\d\x01\x7f\xc3\xa9");
	parcel.writeByteArray(std::vector<std::byte>(100, std::byte{0xaa}));
	Parcel::Reader reader = parcel.reader();
	EXPECT_EQ(formatItem(reader, T::String), "str:a\\nb\\tc\\\\d\\x01\\x7f\xc3\xa9");
	EXPECT_EQ(formatItem(reader, T::Bytes), "bytes:" + std::string(128, 'a') + "... (100 bytes)");
	EXPECT_TRUE(reader.atEnd());
}

TEST(CallArgs, TheRestInHex)
{
	Parcel parcel;
	parcel.writeInt32(1);
	parcel.writeInt32(0x0a0b0c0d);
	Parcel::Reader reader = parcel.reader();
	(void)reader.readInt32();
	EXPECT_EQ(formatRest(reader), "hex:0d0c0b0a");
	EXPECT_EQ(describeTypes({}), "(nothing)");
	EXPECT_EQ(describeTypes({T::String, T::Int32, T::Null}), "(str, i32, null)");
}

TEST(CallArgs, AnItemOfAnotherTypeIsAnError)
{
	Parcel parcel;
	parcel.writeInt32(2);
	Parcel::Reader reader = parcel.reader();
	EXPECT_THROW((void)formatItem(reader, T::Bool), binderlite::Error);
	EXPECT_THROW((void)formatItem(reader, T::Binder), binderlite::Error);
	EXPECT_EQ(formatItem(reader, T::Int32), "i32:2");
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
	Parcel::Reader reader = parcel.reader();
	const std::string pipe = formatItem(reader, T::FileDescriptor);
	EXPECT_TRUE(pipe.starts_with("fd:pipe:[")) << pipe;
	EXPECT_EQ(formatItem(reader, T::FileDescriptor), "fd:/memfd:callargs-test (deleted)");
	EXPECT_TRUE(reader.atEnd());
	::close(p[0]);
	::close(p[1]);
	EXPECT_EQ(describeFd(-1).find("-1 (unknown: "), 0u) << describeFd(-1);
}

TEST(CallArgs, WeakObjectsPrintAsBinders)
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
	EXPECT_EQ(formatItem(reader, T::Binder), "binder:local");
	EXPECT_EQ(formatItem(reader, T::Binder), "null");
	EXPECT_TRUE(reader.atEnd());
}

TEST(CallArgs, TypeNames)
{
	EXPECT_EQ(typeName(T::String), "str");
	EXPECT_EQ(typeName(T::Binder), "binder");
	EXPECT_EQ(typeName(T::FileDescriptor), "fd");
	EXPECT_EQ(parseType("fd"), std::nullopt);
	EXPECT_EQ(parseType("fd", true), T::FileDescriptor);
	EXPECT_EQ(parseType("object"), T::Binder);
	EXPECT_EQ(parseType("i33"), std::nullopt);
	for (const T t : {T::Int32, T::UInt32, T::Int64, T::UInt64, T::Byte, T::Bool, T::Float, T::Double,
			  T::String, T::Bytes, T::Binder, T::Null})
		EXPECT_EQ(parseType(typeName(t)), t) << typeName(t);
}

} // namespace
} // namespace blctl
