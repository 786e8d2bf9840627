// SPDX-License-Identifier: GPL-2.0
//
// The typed values of `blctl call`: its arguments, written into the
// request parcel in libbinder's wire format, and the items of the reply,
// read back by the types --reply names and printed the same way.
//
// A value is TYPE:VALUE:
//
//   i32 i64               a signed integer: decimal, or 0x hex (-0x10)
//   u32 u64               an unsigned integer: decimal, or 0x hex
//   byte                  AIDL's byte, -128 to 127 (an int32 on the wire)
//   bool                  true or false (1 or 0)
//   f32 f64               a floating-point number (1.5, -2e-3, inf, nan)
//   str                   the rest of the text as it is, colons included:
//                         a String16 (UTF-8 as UTF-16, as AIDL's String)
//   bytes                 hex digits, two per byte (bytes:00ff10): byte[]
//   binder                binder:NAME, the service NAME of the service
//                         manager, passed on; in a reply, any object
//   null                  a null object, with no value: "null"
//
// Other names are accepted: int32, int64, uint32, uint64, boolean, float,
// double, utf8 and string16 (and s16, string: a String16 either way).
// A reply's file descriptors are type fd, printed as fd:WHAT, what
// /proc/self/fd says the descriptor is (a path, pipe:[N], /memfd:NAME...).
//
// Everything here is pure (no device, no I/O) but describeFd().

#ifndef BLCTL_CALLARGS_HPP
#define BLCTL_CALLARGS_HPP

#include <binderlite/parcel.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
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

enum class ValueType {
	Int32,
	UInt32,
	Int64,
	UInt64,
	Byte,
	Bool,
	Float,
	Double,
	String,
	Bytes,
	Binder,
	Null,
	FileDescriptor, // replies only
};

// One argument of `blctl call`, parsed.
struct CallArgument {
	ValueType type = ValueType::Null;
	// int64_t for the signed types, uint64_t for the unsigned ones, bool,
	// double for f32 and f64 (an f32 is exactly representable),
	// std::string for str and binder (the service's name),
	// std::vector<std::byte> for bytes, monostate for null.
	std::variant<std::monostate, std::int64_t, std::uint64_t, bool, double, std::string,
		     std::vector<std::byte>>
		value;

	friend bool operator==(const CallArgument &, const CallArgument &) = default;
};

// The type a name stands for ("i32", "int32", "str", "utf8", ...);
// nullopt if none. "fd" is a type of replies only: allowReplyOnly says
// whether it is accepted.
std::optional<ValueType> parseType(std::string_view name, bool allowReplyOnly = false);

// The short name of a type: "i32", "str", "binder", ...
std::string_view typeName(ValueType type);

// Every short name an argument may have, for messages: "i32 u32 ... null".
std::string typeNames();

// TYPE:VALUE (or "null"); throws ArgumentError.
CallArgument parseArgument(std::string_view text);

// A transaction code: decimal or 0x hex, 0 to 0xffffffff; throws
// ArgumentError.
std::uint32_t parseCode(std::string_view text);

// --reply: the types of the reply's items, comma-separated ("str",
// "i32,str"), or "none" for an empty reply. Throws ArgumentError.
std::vector<ValueType> parseReplyTypes(std::string_view text);

// The object a binder:NAME argument passes (the service NAME).
using BinderResolver = std::function<binderlite::Remote(std::string_view name)>;

// Appends the argument to a writable parcel; a binder argument needs
// @resolve (ArgumentError without it).
void writeArgument(Parcel &parcel, const CallArgument &argument, const BinderResolver &resolve = {});

// Reads the next item as @type and formats it as TYPE:VALUE, as
// parseArgument() reads it: strings with control characters and
// backslashes escaped (\n, \t, \\, \xNN), bytes in hex (at most the
// first 64 bytes, then "... (N bytes)"), objects as "binder:handle N" (or
// "binder:local" for one of ours), null objects as "null", file
// descriptors as "fd:" and describeFd() (the descriptor is taken out of
// the parcel and closed). Throws the library's Error for an item that is
// not of that type.
std::string formatItem(Parcel::Reader &reader, ValueType type);

// The rest of a parcel, unread, as "hex:" and its bytes (at most 64, then
// "... (N bytes)").
std::string formatRest(Parcel::Reader &reader);

// What a descriptor of ours refers to, from /proc/self/fd/FD: a path,
// "pipe:[1234]", "/memfd:name (deleted)"..., escaped as strings are.
std::string describeFd(int fd);

// "(str, i32)"; "(nothing)" for no items.
std::string describeTypes(const std::vector<ValueType> &types);

} // namespace blctl

#endif
