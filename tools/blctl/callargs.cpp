// SPDX-License-Identifier: GPL-2.0

#include "callargs.hpp"

#include <binderlite/error.hpp>
#include <binderlite/remote.hpp>

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <span>
#include <system_error>

namespace blctl {

namespace {

using T = ValueType;

struct TypeName {
	std::string_view name;
	std::vector<std::string_view> aliases;
	ValueType type;
};

const std::array<TypeName, 13> kTypes{{
	{"i32", {"int32", "int"}, T::Int32},
	{"u32", {"uint32"}, T::UInt32},
	{"i64", {"int64", "long"}, T::Int64},
	{"u64", {"uint64"}, T::UInt64},
	{"byte", {"i8", "int8"}, T::Byte},
	{"bool", {"boolean"}, T::Bool},
	{"f32", {"float"}, T::Float},
	{"f64", {"double"}, T::Double},
	{"str", {"utf8", "string", "string16", "s16"}, T::String},
	{"bytes", {"byte[]"}, T::Bytes},
	{"binder", {"object"}, T::Binder},
	{"null", {}, T::Null},
	{"fd", {}, T::FileDescriptor},	// replies only
}};

// Types a reply may hold but the command line cannot write.
bool replyOnly(ValueType t)
{
	return t == T::FileDescriptor;
}

[[noreturn]] void fail(std::string_view text, std::string_view why)
{
	throw ArgumentError(fmt::format("\"{}\": {}", text, why));
}

bool isSigned(ValueType t)
{
	return t == T::Byte || t == T::Int32 || t == T::Int64;
}

bool isUnsigned(ValueType t)
{
	return t == T::UInt32 || t == T::UInt64;
}

// The range of an integer type, as int64 and uint64 bounds.
struct Range {
	std::int64_t min;
	std::uint64_t max;
};

Range rangeOf(ValueType t)
{
	switch (t) {
	case T::Byte: return {INT8_MIN, INT8_MAX};
	case T::Int32: return {INT32_MIN, INT32_MAX};
	case T::Int64: return {INT64_MIN, INT64_MAX};
	case T::UInt32: return {0, UINT32_MAX};
	default: return {0, UINT64_MAX};
	}
}

// A magnitude in decimal or 0x hex, the whole text: nullopt otherwise or
// on overflow.
std::optional<std::uint64_t> parseMagnitude(std::string_view digits)
{
	int base = 10;
	if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
		base = 16;
		digits.remove_prefix(2);
	}
	if (digits.empty())
		return std::nullopt;
	std::uint64_t value = 0;
	const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
	if (ec != std::errc{} || end != digits.data() + digits.size())
		return std::nullopt;
	return value;
}

CallArgument parseInteger(std::string_view text, ValueType type, std::string_view value)
{
	const Range r = rangeOf(type);
	const bool negative = !value.empty() && value.front() == '-';
	const auto magnitude = parseMagnitude(negative ? value.substr(1) : value);
	if (!magnitude)
		fail(text, fmt::format("{} wants an integer, decimal or 0x hex", typeName(type)));
	const std::string why = fmt::format("out of range for {} ({} to {})", typeName(type), r.min, r.max);
	if (isUnsigned(type)) {
		if (negative && *magnitude != 0)
			fail(text, why);
		if (*magnitude > r.max)
			fail(text, why);
		return {type, *magnitude};
	}
	// Signed: -min's magnitude is max + 1.
	if (negative ? *magnitude > r.max + 1 : *magnitude > r.max)
		fail(text, why);
	const std::int64_t v = negative ? static_cast<std::int64_t>(0 - *magnitude)
					: static_cast<std::int64_t>(*magnitude);
	return {type, v};
}

CallArgument parseFloat(std::string_view text, ValueType type, std::string_view value)
{
	// strtod, for the hex floats, inf and nan that from_chars spells
	// differently; the whole value must be the number.
	const std::string s{value};
	if (s.empty() || std::isspace(static_cast<unsigned char>(s.front())))
		fail(text, fmt::format("{} wants a number such as 1.5 or -2e-3", typeName(type)));
	char *end = nullptr;
	errno = 0;
	const double d = std::strtod(s.c_str(), &end);
	if (end != s.c_str() + s.size())
		fail(text, fmt::format("{} wants a number such as 1.5 or -2e-3", typeName(type)));
	const bool tooLarge = type == T::Float
		? std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()
		: errno == ERANGE && std::isinf(d);
	if (tooLarge)
		fail(text, fmt::format("out of range for {}", typeName(type)));
	return {type, type == T::Float ? static_cast<double>(static_cast<float>(d)) : d};
}

int hexDigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

CallArgument parseBytes(std::string_view text, std::string_view value)
{
	if (value.starts_with("0x") || value.starts_with("0X"))
		value.remove_prefix(2);
	if (value.size() % 2)
		fail(text, "bytes wants hex digits, two per byte (bytes:00ff10)");
	std::vector<std::byte> bytes;
	bytes.reserve(value.size() / 2);
	for (std::size_t i = 0; i < value.size(); i += 2) {
		const int hi = hexDigit(value[i]), lo = hexDigit(value[i + 1]);
		if (hi < 0 || lo < 0)
			fail(text, "bytes wants hex digits, two per byte (bytes:00ff10)");
		bytes.push_back(static_cast<std::byte>(hi << 4 | lo));
	}
	return {T::Bytes, std::move(bytes)};
}

std::string escape(std::string_view s)
{
	std::string out;
	out.reserve(s.size());
	for (const char c : s) {
		const auto u = static_cast<unsigned char>(c);
		if (c == '\\')
			out += "\\\\";
		else if (c == '\n')
			out += "\\n";
		else if (c == '\t')
			out += "\\t";
		else if (u < 0x20 || u == 0x7f)
			out += fmt::format("\\x{:02x}", u);
		else
			out += c;
	}
	return out;
}

std::string hex(std::span<const std::byte> bytes)
{
	constexpr std::size_t kShown = 64;
	std::string out;
	for (std::size_t i = 0; i < bytes.size() && i < kShown; i++)
		out += fmt::format("{:02x}", static_cast<unsigned>(bytes[i]));
	if (bytes.size() > kShown)
		out += fmt::format("... ({} bytes)", bytes.size());
	return out;
}

} // namespace

std::string describeFd(int fd)
{
	std::array<char, 4096> target{};
	const std::string link = fmt::format("/proc/self/fd/{}", fd);
	const ssize_t n = ::readlink(link.c_str(), target.data(), target.size() - 1);
	if (n < 0)
		return fmt::format("{} (unknown: {})", fd, std::strerror(errno));
	return escape(std::string_view{target.data(), static_cast<std::size_t>(n)});
}

std::optional<ValueType> parseType(std::string_view name, bool allowReplyOnly)
{
	for (const TypeName &t : kTypes) {
		if (name != t.name && std::find(t.aliases.begin(), t.aliases.end(), name) == t.aliases.end())
			continue;
		if (replyOnly(t.type) && !allowReplyOnly)
			return std::nullopt;
		return t.type;
	}
	return std::nullopt;
}

std::string_view typeName(ValueType type)
{
	for (const TypeName &t : kTypes)
		if (t.type == type)
			return t.name;
	return "?";
}

std::string typeNames()
{
	std::string out;
	for (const TypeName &t : kTypes) {
		if (replyOnly(t.type))
			continue;
		if (!out.empty())
			out += ' ';
		out += t.name;
	}
	return out;
}

CallArgument parseArgument(std::string_view text)
{
	const auto colon = text.find(':');
	const std::string_view name = text.substr(0, colon);
	const auto type = parseType(name);
	if (colon == std::string_view::npos && type != T::Null)
		fail(text, "want TYPE:VALUE, such as i32:5 or str:hello");
	if (!type) {
		if (parseType(name, true) == T::FileDescriptor)
			fail(text, "file descriptors cannot be written from the command line");
		fail(text, fmt::format("unknown type \"{}\" (types: {})", name, typeNames()));
	}
	const std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);

	if (isSigned(*type) || isUnsigned(*type))
		return parseInteger(text, *type, value);
	switch (*type) {
	case T::Bool:
		if (value == "true" || value == "1")
			return {T::Bool, true};
		if (value == "false" || value == "0")
			return {T::Bool, false};
		fail(text, "bool wants true or false");
	case T::Float:
	case T::Double:
		return parseFloat(text, *type, value);
	case T::String:
		return {T::String, std::string{value}};
	case T::Bytes:
		return parseBytes(text, value);
	case T::Binder:
		if (value.empty())
			fail(text, "binder wants the name of a service (binder:NAME), or write \"null\"");
		return {T::Binder, std::string{value}};
	case T::Null:
		if (!value.empty())
			fail(text, "null has no value: write \"null\"");
		return {T::Null, std::monostate{}};
	default:
		break;
	}
	fail(text, "cannot be written");
}

std::uint32_t parseCode(std::string_view text)
{
	const auto code = parseMagnitude(text);
	if (!code)
		fail(text, "a code is a number, decimal or 0x hex (1, 0x5f504e47)");
	if (*code > UINT32_MAX)
		fail(text, "a code is 32 bits: 0 to 4294967295 (0xffffffff)");
	return static_cast<std::uint32_t>(*code);
}

std::vector<ValueType> parseReplyTypes(std::string_view text)
{
	std::vector<ValueType> types;
	if (text == "none")
		return types;
	std::size_t start = 0;
	for (;;) {
		const auto comma = text.find(',', start);
		const auto name = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
		const auto type = parseType(name, true);
		if (!type)
			throw ArgumentError(fmt::format("\"{}\" is not a type (types: {} fd; none for an "
							"empty reply)", name, typeNames()));
		types.push_back(*type);
		if (comma == std::string_view::npos)
			return types;
		start = comma + 1;
	}
}

void writeArgument(Parcel &parcel, const CallArgument &argument, const BinderResolver &resolve)
{
	const auto sv = [&] { return std::get<std::int64_t>(argument.value); };
	const auto uv = [&] { return std::get<std::uint64_t>(argument.value); };
	switch (argument.type) {
	case T::Int32: parcel.writeInt32(static_cast<std::int32_t>(sv())); return;
	case T::UInt32: parcel.writeUint32(static_cast<std::uint32_t>(uv())); return;
	case T::Int64: parcel.writeInt64(sv()); return;
	case T::UInt64: parcel.writeUint64(uv()); return;
	case T::Byte: parcel.writeByte(static_cast<std::int8_t>(sv())); return;
	case T::Bool: parcel.writeBool(std::get<bool>(argument.value)); return;
	case T::Float:
		parcel.writeFloat(static_cast<float>(std::get<double>(argument.value)));
		return;
	case T::Double: parcel.writeDouble(std::get<double>(argument.value)); return;
	case T::String: parcel.writeString(std::get<std::string>(argument.value)); return;
	case T::Bytes: parcel.writeByteArray(std::get<std::vector<std::byte>>(argument.value)); return;
	case T::Null: parcel.writeNull(); return;
	case T::Binder:
		if (!resolve)
			throw ArgumentError("binder arguments need a service manager to look services up in");
		parcel.writeRemote(resolve(std::get<std::string>(argument.value)));
		return;
	case T::FileDescriptor:
		break;
	}
	throw ArgumentError(fmt::format("cannot write a value of type {}", typeName(argument.type)));
}

std::string formatItem(Parcel::Reader &reader, ValueType type)
{
	const auto item = [&](const auto &value) { return fmt::format("{}:{}", typeName(type), value); };
	switch (type) {
	case T::Int32: return item(reader.readInt32());
	case T::UInt32: return item(reader.readUint32());
	case T::Int64: return item(reader.readInt64());
	case T::UInt64: return item(reader.readUint64());
	case T::Byte: return item(static_cast<int>(reader.readByte()));
	case T::Bool: return item(reader.readBool() ? "true" : "false");
	// The shortest text that reads back as the same number.
	case T::Float: return item(reader.readFloat());
	case T::Double: return item(reader.readDouble());
	case T::String: {
		const auto s = reader.readNullableString();
		return s ? item(escape(*s)) : "null";
	}
	case T::Bytes: {
		const auto b = reader.readNullableByteArray();
		return b ? item(hex(*b)) : "null";
	}
	case T::Binder:
	case T::Null: {
		const auto weak = reader.readOptionalWeakRemote();
		if (!weak)
			return "null";
		try {
			return fmt::format("binder:handle {}", weak->handle());
		} catch (const binderlite::Error &) {
			return "binder:local";	// one of ours: it has no handle
		}
	}
	case T::FileDescriptor: {
		// Ours now: say what it is, then close it.
		const binderlite::UniqueFd fd = reader.readFileDescriptor();
		return item(describeFd(fd.get()));
	}
	}
	return "?";
}

std::string formatRest(Parcel::Reader &reader)
{
	const auto data = reader.parcel().data().subspan(reader.position());
	return "hex:" + hex(data);
}

std::string describeTypes(const std::vector<ValueType> &types)
{
	if (types.empty())
		return "(nothing)";
	std::string out = "(";
	for (std::size_t i = 0; i < types.size(); i++) {
		if (i)
			out += ", ";
		out += typeName(types[i]);
	}
	return out + ")";
}

} // namespace blctl
