// SPDX-License-Identifier: GPL-2.0
//
// The typed values of `blctl call`: its arguments, written into the
// request parcel, and the items of the reply, printed back the same way.
//
// A value is TYPE:VALUE, one item of the library's Parcel wire format:
//
//   i8 i16 i32 i64        a signed integer: decimal, or 0x hex (-0x10)
//   u8 u16 u32 u64        an unsigned integer: decimal, or 0x hex
//   bool                  true or false (1 or 0)
//   f32 f64               a floating-point number (1.5, -2e-3, inf, nan)
//   str                   the rest of the text as it is, colons included
//   bytes                 hex digits, two per byte (bytes:00ff10); may be empty
//   null                  a null object, with no value: "null"
//
// The long names of the library (int32, uint64, string, float, double...)
// are accepted too. Objects other than null cannot be written from the
// command line; a reply's objects are printed as object:handle N, its
// weak objects as weak:handle N, its file descriptors as fd:WHAT, what
// /proc/self/fd says the descriptor is (a path, pipe:[N], /memfd:NAME...).
//
// Everything here is pure (no device, no I/O) but describe_fd().

#pragma once

#include <binderlite/parcel.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace blctl {

using binderlite::Parcel;

// A command line that names a value blctl cannot write or expect. what()
// says which text, and why; blctl exits 2 with it.
class ArgumentError : public std::invalid_argument {
public:
	using std::invalid_argument::invalid_argument;
};

// One argument of `blctl call`, parsed.
struct CallArgument {
	Parcel::Tag type = Parcel::Tag::Null;
	// int64_t for the signed types, uint64_t for the unsigned ones, bool,
	// double for f32 and f64 (an f32 is exactly representable),
	// std::string for str, std::vector<std::byte> for bytes, monostate
	// for null.
	std::variant<std::monostate, std::int64_t, std::uint64_t, bool, double, std::string,
		     std::vector<std::byte>>
		value;

	friend bool operator==(const CallArgument &, const CallArgument &) = default;
};

// The type a name stands for ("i32", "int32", "str", "string", ...);
// nullopt if none. "object" is a type of replies only: allow_object says
// whether it is accepted.
std::optional<Parcel::Tag> parse_type(std::string_view name, bool allow_object = false);

// The short name of a type: "i32", "str", "object", ...
std::string_view type_name(Parcel::Tag type);

// Every short name, for messages: "i8 u8 ... bytes null".
std::string type_names();

// TYPE:VALUE (or "null"); throws ArgumentError.
CallArgument parse_argument(std::string_view text);

// A transaction code: decimal or 0x hex, 0 to 0xffffffff; throws
// ArgumentError.
std::uint32_t parse_code(std::string_view text);

// --reply: the types of the reply's items, comma-separated ("str",
// "i32,str"), or "none" for an empty reply. Throws ArgumentError.
std::vector<Parcel::Tag> parse_reply_types(std::string_view text);

// Appends the argument to a writable parcel.
void write_argument(Parcel &parcel, const CallArgument &argument);

// Reads the next item and formats it as TYPE:VALUE, as parse_argument()
// reads it: strings with control characters and backslashes escaped
// (\n, \t, \\, \xNN), bytes in hex (at most the first 64 bytes, then
// "... (N bytes)"), objects as "object:handle N" (or "object:local" for
// one of ours), weak ones as "weak:handle N" ("weak:local"), null objects
// as "null", file descriptors as "fd:" and describe_fd() (the descriptor
// is taken out of the parcel and closed). Throws the library's Error for a
// malformed item.
std::string format_item(Parcel::Reader &reader);

// The types of every item of a parcel, in order; throws the library's
// Error for a malformed parcel.
std::vector<Parcel::Tag> item_types(const Parcel &parcel);

// What a descriptor of ours refers to, from /proc/self/fd/FD: a path,
// "pipe:[1234]", "/memfd:name (deleted)"..., escaped as strings are.
std::string describe_fd(int fd);

// "(str, i32)"; "(nothing)" for no items.
std::string describe_types(const std::vector<Parcel::Tag> &types);

} // namespace blctl
