// SPDX-License-Identifier: GPL-2.0

#include "callargs.hpp"

#include <binderlite/error.hpp>
#include <binderlite/remote.hpp>

#include <unistd.h>

#include <fmt/format.h>

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

using Tag = Parcel::Tag;

struct TypeName {
	std::string_view name;
	std::string_view long_name;	// the library's name for it
	Tag type;
};

constexpr std::array<TypeName, 17> kTypes{{
	{"i8", "int8", Tag::Int8},
	{"u8", "uint8", Tag::UInt8},
	{"i16", "int16", Tag::Int16},
	{"u16", "uint16", Tag::UInt16},
	{"i32", "int32", Tag::Int32},
	{"u32", "uint32", Tag::UInt32},
	{"i64", "int64", Tag::Int64},
	{"u64", "uint64", Tag::UInt64},
	{"bool", "boolean", Tag::Bool},
	{"f32", "float", Tag::Float},
	{"f64", "double", Tag::Double},
	{"str", "string", Tag::String},
	{"bytes", "bytes", Tag::Bytes},
	{"null", "null", Tag::Null},
	{"object", "object", Tag::Object},	// replies only
	{"weak", "weak-object", Tag::WeakObject},	// replies only
	{"fd", "fd", Tag::FileDescriptor},	// replies only
}};

// Types a reply may hold but the command line cannot write.
bool reply_only(Tag t)
{
	return t == Tag::Object || t == Tag::WeakObject || t == Tag::FileDescriptor;
}

[[noreturn]] void fail(std::string_view text, std::string_view why)
{
	throw ArgumentError(fmt::format("\"{}\": {}", text, why));
}

bool is_signed(Tag t)
{
	return t == Tag::Int8 || t == Tag::Int16 || t == Tag::Int32 || t == Tag::Int64;
}

bool is_unsigned(Tag t)
{
	return t == Tag::UInt8 || t == Tag::UInt16 || t == Tag::UInt32 || t == Tag::UInt64;
}

// The range of an integer type, as int64 and uint64 bounds.
struct Range {
	std::int64_t min;
	std::uint64_t max;
};

Range range_of(Tag t)
{
	switch (t) {
	case Tag::Int8: return {INT8_MIN, INT8_MAX};
	case Tag::Int16: return {INT16_MIN, INT16_MAX};
	case Tag::Int32: return {INT32_MIN, INT32_MAX};
	case Tag::Int64: return {INT64_MIN, INT64_MAX};
	case Tag::UInt8: return {0, UINT8_MAX};
	case Tag::UInt16: return {0, UINT16_MAX};
	case Tag::UInt32: return {0, UINT32_MAX};
	default: return {0, UINT64_MAX};
	}
}

// A magnitude in decimal or 0x hex, the whole text: nullopt otherwise or
// on overflow.
std::optional<std::uint64_t> parse_magnitude(std::string_view digits)
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

CallArgument parse_integer(std::string_view text, Tag type, std::string_view value)
{
	const Range r = range_of(type);
	const bool negative = !value.empty() && value.front() == '-';
	const auto magnitude = parse_magnitude(negative ? value.substr(1) : value);
	if (!magnitude)
		fail(text, fmt::format("{} wants an integer, decimal or 0x hex", type_name(type)));
	const std::string why = fmt::format("out of range for {} ({} to {})", type_name(type), r.min, r.max);
	if (is_unsigned(type)) {
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

CallArgument parse_float(std::string_view text, Tag type, std::string_view value)
{
	// strtod, for the hex floats, inf and nan that from_chars spells
	// differently; the whole value must be the number.
	const std::string s{value};
	if (s.empty() || std::isspace(static_cast<unsigned char>(s.front())))
		fail(text, fmt::format("{} wants a number such as 1.5 or -2e-3", type_name(type)));
	char *end = nullptr;
	errno = 0;
	const double d = std::strtod(s.c_str(), &end);
	if (end != s.c_str() + s.size())
		fail(text, fmt::format("{} wants a number such as 1.5 or -2e-3", type_name(type)));
	const bool too_large = type == Tag::Float
		? std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()
		: errno == ERANGE && std::isinf(d);
	if (too_large)
		fail(text, fmt::format("out of range for {}", type_name(type)));
	return {type, type == Tag::Float ? static_cast<double>(static_cast<float>(d)) : d};
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

CallArgument parse_bytes(std::string_view text, std::string_view value)
{
	if (value.starts_with("0x") || value.starts_with("0X"))
		value.remove_prefix(2);
	if (value.size() % 2)
		fail(text, "bytes wants hex digits, two per byte (bytes:00ff10)");
	std::vector<std::byte> bytes;
	bytes.reserve(value.size() / 2);
	for (std::size_t i = 0; i < value.size(); i += 2) {
		const int hi = hex_digit(value[i]), lo = hex_digit(value[i + 1]);
		if (hi < 0 || lo < 0)
			fail(text, "bytes wants hex digits, two per byte (bytes:00ff10)");
		bytes.push_back(static_cast<std::byte>(hi << 4 | lo));
	}
	return {Tag::Bytes, std::move(bytes)};
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

std::string describe_fd(int fd)
{
	std::array<char, 4096> target{};
	const std::string link = fmt::format("/proc/self/fd/{}", fd);
	const ssize_t n = ::readlink(link.c_str(), target.data(), target.size() - 1);
	if (n < 0)
		return fmt::format("{} (unknown: {})", fd, std::strerror(errno));
	return escape(std::string_view{target.data(), static_cast<std::size_t>(n)});
}

std::optional<Parcel::Tag> parse_type(std::string_view name, bool allow_object)
{
	for (const TypeName &t : kTypes) {
		if (name != t.name && name != t.long_name)
			continue;
		if (reply_only(t.type) && !allow_object)
			return std::nullopt;
		return t.type;
	}
	return std::nullopt;
}

std::string_view type_name(Parcel::Tag type)
{
	for (const TypeName &t : kTypes)
		if (t.type == type)
			return t.name;
	return "?";
}

std::string type_names()
{
	std::string out;
	for (const TypeName &t : kTypes) {
		if (reply_only(t.type))
			continue;
		if (!out.empty())
			out += ' ';
		out += t.name;
	}
	return out;
}

CallArgument parse_argument(std::string_view text)
{
	const auto colon = text.find(':');
	const std::string_view name = text.substr(0, colon);
	const auto type = parse_type(name);
	if (colon == std::string_view::npos && type != Tag::Null)
		fail(text, "want TYPE:VALUE, such as i32:5 or str:hello");
	if (!type) {
		if (const auto t = parse_type(name, true); t == Tag::FileDescriptor)
			fail(text, "file descriptors cannot be written from the command line");
		else if (t)
			fail(text, "objects cannot be written from the command line (null can)");
		fail(text, fmt::format("unknown type \"{}\" (types: {})", name, type_names()));
	}
	const std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);

	if (is_signed(*type) || is_unsigned(*type))
		return parse_integer(text, *type, value);
	switch (*type) {
	case Tag::Bool:
		if (value == "true" || value == "1")
			return {Tag::Bool, true};
		if (value == "false" || value == "0")
			return {Tag::Bool, false};
		fail(text, "bool wants true or false");
	case Tag::Float:
	case Tag::Double:
		return parse_float(text, *type, value);
	case Tag::String:
		return {Tag::String, std::string{value}};
	case Tag::Bytes:
		return parse_bytes(text, value);
	case Tag::Null:
		if (!value.empty())
			fail(text, "null has no value: write \"null\"");
		return {Tag::Null, std::monostate{}};
	default:
		break;
	}
	fail(text, "cannot be written");
}

std::uint32_t parse_code(std::string_view text)
{
	const auto code = parse_magnitude(text);
	if (!code)
		fail(text, "a code is a number, decimal or 0x hex (1, 0x5f504e47)");
	if (*code > UINT32_MAX)
		fail(text, "a code is 32 bits: 0 to 4294967295 (0xffffffff)");
	return static_cast<std::uint32_t>(*code);
}

std::vector<Parcel::Tag> parse_reply_types(std::string_view text)
{
	std::vector<Parcel::Tag> types;
	if (text == "none")
		return types;
	std::size_t start = 0;
	for (;;) {
		const auto comma = text.find(',', start);
		const auto name = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
		const auto type = parse_type(name, true);
		if (!type)
			throw ArgumentError(fmt::format("\"{}\" is not a type (types: {} object weak "
							"fd; none for an empty reply)", name, type_names()));
		types.push_back(*type);
		if (comma == std::string_view::npos)
			return types;
		start = comma + 1;
	}
}

void write_argument(Parcel &parcel, const CallArgument &argument)
{
	const auto sv = [&] { return std::get<std::int64_t>(argument.value); };
	const auto uv = [&] { return std::get<std::uint64_t>(argument.value); };
	switch (argument.type) {
	case Tag::Int8: parcel.writeInt8(static_cast<std::int8_t>(sv())); return;
	case Tag::UInt8: parcel.writeUint8(static_cast<std::uint8_t>(uv())); return;
	case Tag::Int16: parcel.writeInt16(static_cast<std::int16_t>(sv())); return;
	case Tag::UInt16: parcel.writeUint16(static_cast<std::uint16_t>(uv())); return;
	case Tag::Int32: parcel.writeInt32(static_cast<std::int32_t>(sv())); return;
	case Tag::UInt32: parcel.writeUint32(static_cast<std::uint32_t>(uv())); return;
	case Tag::Int64: parcel.writeInt64(sv()); return;
	case Tag::UInt64: parcel.writeUint64(uv()); return;
	case Tag::Bool: parcel.writeBool(std::get<bool>(argument.value)); return;
	case Tag::Float:
		parcel.writeFloat(static_cast<float>(std::get<double>(argument.value)));
		return;
	case Tag::Double: parcel.writeDouble(std::get<double>(argument.value)); return;
	case Tag::String: parcel.writeString(std::get<std::string>(argument.value)); return;
	case Tag::Bytes: parcel.writeBytes(std::get<std::vector<std::byte>>(argument.value)); return;
	case Tag::Null: parcel.writeNull(); return;
	case Tag::Object:
	case Tag::WeakObject:
	case Tag::FileDescriptor:
		break;
	}
	throw ArgumentError(fmt::format("cannot write a value of type {}", type_name(argument.type)));
}

std::string format_item(Parcel::Reader &reader)
{
	const Tag type = reader.peekTag();
	const auto item = [&](const auto &value) { return fmt::format("{}:{}", type_name(type), value); };
	switch (type) {
	case Tag::Int8: return item(reader.readInt8());
	case Tag::UInt8: return item(reader.readUint8());
	case Tag::Int16: return item(reader.readInt16());
	case Tag::UInt16: return item(reader.readUint16());
	case Tag::Int32: return item(reader.readInt32());
	case Tag::UInt32: return item(reader.readUint32());
	case Tag::Int64: return item(reader.readInt64());
	case Tag::UInt64: return item(reader.readUint64());
	case Tag::Bool: return item(reader.readBool() ? "true" : "false");
	// The shortest text that reads back as the same number.
	case Tag::Float: return item(reader.readFloat());
	case Tag::Double: return item(reader.readDouble());
	case Tag::String: return item(escape(reader.readStringView()));
	case Tag::Bytes: return item(hex(reader.readByteSpan()));
	case Tag::Object:
	case Tag::Null: {
		const auto remote = reader.readOptionalRemote();
		if (!remote)
			return "null";
		if (remote->isLocal())
			return "object:local";
		return item(fmt::format("handle {}", remote->handle()));
	}
	case Tag::WeakObject: {
		const auto weak = reader.readOptionalWeakRemote();
		if (!weak)
			return "null";
		try {
			return item(fmt::format("handle {}", weak->handle()));
		} catch (const binderlite::Error &) {
			return "weak:local";	// one of ours: it has no handle
		}
	}
	case Tag::FileDescriptor: {
		// Ours now: say what it is, then close it.
		const binderlite::UniqueFd fd = reader.readFileDescriptor();
		return item(describe_fd(fd.get()));
	}
	}
	// peekTag() returns only known tags; skip() would throw for others.
	reader.skip();
	return "?";
}

std::vector<Parcel::Tag> item_types(const Parcel &parcel)
{
	std::vector<Parcel::Tag> types;
	for (Parcel::Reader r = parcel.reader(); !r.atEnd(); r.skip())
		types.push_back(r.peekTag());
	return types;
}

std::string describe_types(const std::vector<Parcel::Tag> &types)
{
	if (types.empty())
		return "(nothing)";
	std::string out = "(";
	for (std::size_t i = 0; i < types.size(); i++) {
		if (i)
			out += ", ";
		out += type_name(types[i]);
	}
	return out + ")";
}

} // namespace blctl
