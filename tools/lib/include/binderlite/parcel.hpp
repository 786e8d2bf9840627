// SPDX-License-Identifier: GPL-2.0
//
// Parcel: the payload of a transaction, in libbinder's wire format.
//
// A Parcel is either written by this process (writable) or received from
// the driver. A received Parcel is a read-only view of a buffer in the
// receive pool, which it owns: it sends BC_FREE_BUFFER exactly once, when
// it is destroyed (or moved-over). Parcels are move-only.
//
// Wire format (Documentation/userspace.rst, "Parcel wire format"): what
// Android's Parcel.cpp writes and AIDL-generated code reads, untagged, in
// host byte order, every item a multiple of 4 bytes (zero padding):
//
//   int32, uint32, bool, byte, char   4 bytes (bool 0 or 1; byte and char
//                                     widened to int32)
//   int64, uint64, double             8 bytes;  float 4 bytes
//   String16                          int32 length in UTF-16 units (-1:
//                                     null), the units, a NUL unit,
//                                     padding; UTF-8 strings travel so
//   byte array                        int32 length (-1: null), the bytes,
//                                     padding
//   int32/int64/string arrays         int32 count (-1: null), the items
//   binder object                     struct flat_binderlite_object (24
//                                     bytes), listed in the offsets array
//                                     unless null; from Android 11 on an
//                                     int32 stability follows (Dialect)
//   file descriptor                   struct binderlite_fd_object, listed
//   interface token                   the dialect's header, String16
//   status header                     binder::Status (status.hpp)
//
// The dialect (dialect.hpp) is the Parcel's: a written Parcel's is given
// at construction (default: the newest), a received one's is its
// Process's. Remote::transact() refuses a parcel whose interface token or
// binder objects were written for another format (Error(Usage, EXDEV)).
//
// File descriptors: a received Parcel owns the descriptors the driver
// installed for its FD objects (new descriptors, O_CLOEXEC, of the
// sender's open files). Reader::readFileDescriptor() takes one out into a
// UniqueFd, once: taking it again throws Error(Usage, EBADF). Those not
// taken are closed when the Parcel is destroyed, exactly once. A written
// Parcel refers to the caller's descriptors (writeFileDescriptor(int),
// which must stay open until the parcel is sent) or owns them
// (writeFileDescriptor(UniqueFd)).
//
// Reading checks every bound and every value: a read past the end throws
// Error(ErrorKind::Parcel, ENODATA); a malformed value (a bool neither 0
// nor 1, a string without its NUL, a negative length, an unpaired
// surrogate, an object not listed in the offsets array or of the wrong
// type, plain data overlapping an object, a bad stability) throws
// Error(ErrorKind::Parcel, EBADMSG); writing a string that is not UTF-8
// throws EILSEQ. A failed read leaves the cursor where it was. Never UB.
// Padding is not checked: libgbinder pads an empty String16 with 0xffff.
//
// Thread-safety: none; a Parcel and its Readers belong to one thread at a
// time. A Reader refers to its Parcel, which must outlive it.
#ifndef BINDERLITE_PARCEL_HPP
#define BINDERLITE_PARCEL_HPP

#include <binderlite/dialect.hpp>
#include <binderlite/fd.hpp>
#include <binderlite/remote.hpp>
#include <binderlite/status.hpp>

#include <linux/binderlite.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace binderlite {

class Binder;
class Process;

namespace detail {
class Dispatcher;

// A buffer of a receive pool; BC_FREE_BUFFER on destruction, once.
class PoolBuffer {
public:
	PoolBuffer() noexcept = default;
	PoolBuffer(std::shared_ptr<Process> owner, binderlite_uintptr_t address) noexcept;
	PoolBuffer(PoolBuffer &&other) noexcept;
	PoolBuffer &operator=(PoolBuffer &&other) noexcept;
	PoolBuffer(const PoolBuffer &) = delete;
	PoolBuffer &operator=(const PoolBuffer &) = delete;
	~PoolBuffer();

	void reset() noexcept;
	[[nodiscard]] const std::shared_ptr<Process> &owner() const noexcept { return owner_; }
	[[nodiscard]] binderlite_uintptr_t address() const noexcept { return address_; }

private:
	std::shared_ptr<Process> owner_;
	binderlite_uintptr_t address_ = 0;
};
} // namespace detail

class Parcel {
public:
	class Reader;

	// An empty writable parcel in @dialect's format.
	explicit Parcel(Dialect dialect = kNewestDialect) noexcept : dialect_(dialect) {}
	Parcel(Parcel &&other) noexcept;
	Parcel &operator=(Parcel &&other) noexcept;
	Parcel(const Parcel &) = delete;
	Parcel &operator=(const Parcel &) = delete;
	~Parcel();

	[[nodiscard]] Dialect dialect() const noexcept { return dialect_; }

	// Writing; a received parcel is read-only (Error(Usage, EROFS)). A
	// value too large for the format throws Error(Parcel, EMSGSIZE).
	void writeInt32(std::int32_t v);
	void writeUint32(std::uint32_t v);
	void writeInt64(std::int64_t v);
	void writeUint64(std::uint64_t v);
	void writeFloat(float v);
	void writeDouble(double v);
	void writeBool(bool v);
	// AIDL's byte and char, each an int32 (sign- and zero-extended).
	void writeByte(std::int8_t v);
	void writeChar(char16_t v);
	// A String16; the null one is writeNullableString16(std::nullopt).
	void writeString16(std::u16string_view s);
	void writeNullableString16(std::optional<std::u16string_view> s);
	// UTF-8 carried as a String16, as libbinder's writeUtf8AsUtf16()
	// (AIDL's @utf8InCpp String); Error(Parcel, EILSEQ) if not UTF-8.
	void writeString(std::string_view utf8);
	void writeNullableString(std::optional<std::string_view> utf8);
	// byte[]; a null one is writeNullableByteArray(std::nullopt).
	void writeByteArray(std::span<const std::byte> bytes);
	void writeNullableByteArray(std::optional<std::span<const std::byte>> bytes);
	// int[], long[], @utf8InCpp String[]: a count and the items.
	void writeInt32Array(std::span<const std::int32_t> values);
	void writeInt64Array(std::span<const std::int64_t> values);
	void writeStringArray(std::span<const std::string> values);
	// A null array (or string) of any type: int32 -1.
	void writeNullArray();

	// One of our objects (a BINDER object), or a null object for nullptr.
	// The parcel keeps the object alive until it is destroyed.
	void writeBinder(const std::shared_ptr<Binder> &binder);
	// A reference (a HANDLE object), or a local Remote's object. The
	// parcel keeps the reference until it is destroyed.
	void writeRemote(const Remote &remote);
	// A null object (a BINDER object of ptr 0, not listed in the offsets).
	void writeNull();
	// A weak reference (a WEAK_HANDLE object), or a WEAK_BINDER for a
	// local WeakRemote whose object lives (a null object if it is gone).
	// The parcel keeps the weak reference, or the local object, until it
	// is destroyed.
	void writeWeakRemote(const WeakRemote &remote);
	// A file descriptor (an FD object): the receiver gets a descriptor of
	// its own for the same open file. @fd is the caller's and must stay
	// open until the parcel is sent (Error(Usage, EBADF) if negative).
	// The receiver must accept descriptors: the library's objects do, and
	// its calls accept them in replies; the driver refuses them otherwise
	// (Error(FailedReply, EPERM)), and a descriptor that is not open
	// (Error(FailedReply, EBADF)).
	void writeFileDescriptor(int fd);
	// The same, and the parcel owns @fd: closed when it is destroyed.
	void writeFileDescriptor(UniqueFd fd);

	// The RPC header of an AIDL call (libbinder's writeInterfaceToken()):
	// the dialect's header fields, then @descriptor as a String16.
	void writeInterfaceToken(std::string_view descriptor);
	// The header of an AIDL reply: Status::ok() (int32 0).
	void writeNoException();
	// An AIDL reply's status header. A TransactionFailed status has no
	// header (it is a TF_STATUS_CODE reply): Error(Usage, EINVAL).
	void writeStatus(const Status &status);

	// A reader at the start of the parcel.
	[[nodiscard]] Reader reader() const noexcept;

	// The payload and the offsets of its objects, as sent or received.
	[[nodiscard]] std::span<const std::byte> data() const noexcept;
	[[nodiscard]] std::span<const binderlite_size_t> offsets() const noexcept;
	[[nodiscard]] std::size_t size() const noexcept { return data().size(); }
	[[nodiscard]] bool empty() const noexcept { return data().empty(); }

	// Received parcels: what the driver said about the transaction.
	[[nodiscard]] bool isReceived() const noexcept { return received_; }
	[[nodiscard]] std::uint32_t flags() const noexcept { return flags_; }
	[[nodiscard]] bool isOneway() const noexcept { return flags_ & BINDERLITE_TF_ONE_WAY; }
	// The caller's pid for a synchronous call, 0 for oneways and replies.
	[[nodiscard]] pid_t senderPid() const noexcept { return senderPid_; }
	[[nodiscard]] uid_t senderEuid() const noexcept { return senderEuid_; }
	// The address of the pool buffer (0 if none), for diagnostics.
	[[nodiscard]] binderlite_uintptr_t bufferAddress() const noexcept { return buffer_.address(); }

private:
	// The library's dispatcher makes received parcels and reads the
	// objects of those it sends.
	friend class detail::Dispatcher;
	friend class Reader;

	// A received parcel: the buffer of a BR_TRANSACTION or BR_REPLY.
	Parcel(std::shared_ptr<Process> owner, const binderlite_transaction_data &txn);

	void checkWritable() const;
	void put(const void *p, std::size_t n);
	template <class T> void putValue(T v);
	void putLength(std::size_t n);
	void putUtf16(std::u16string_view s);
	void putObject(const void *obj, bool listed);
	void putStability(std::int32_t level, bool null);

	// A descriptor the parcel owns: one the driver installed for the FD
	// object at @offset of a received parcel (invalid once taken), or
	// one given to writeFileDescriptor(UniqueFd).
	struct OwnedFd {
		binderlite_size_t offset;
		UniqueFd fd;
	};

	Dialect dialect_;
	// An interface token or a binder object was written: the bytes are
	// the dialect's.
	bool dialectBound_ = false;
	std::vector<std::byte> data_;
	std::vector<binderlite_size_t> offsets_;
	std::vector<std::shared_ptr<Binder>> binders_;
	std::vector<Remote> remotes_;
	std::vector<WeakRemote> weakRemotes_;
	// Taken from by Reader::readFileDescriptor() of a received parcel.
	mutable std::vector<OwnedFd> fds_;

	detail::PoolBuffer buffer_;
	std::span<const std::byte> view_;
	std::span<const binderlite_size_t> viewOffsets_;
	bool received_ = false;
	std::uint32_t flags_ = 0;
	pid_t senderPid_ = 0;
	uid_t senderEuid_ = 0;
};

// What Reader::readInterfaceToken() found.
struct InterfaceToken {
	std::int32_t strictModePolicy = 0;
	std::int32_t workSource = -1; // Android 10 and later; -1: unset
	std::string descriptor;
};

// A cursor over a Parcel. Cheap to copy; valid while its parcel lives and
// is not written to. Every read either returns the next item of the
// asked-for type or throws and leaves the cursor where it was.
class Parcel::Reader {
public:
	explicit Reader(const Parcel &parcel) noexcept : parcel_(&parcel) {}

	[[nodiscard]] std::int32_t readInt32();
	[[nodiscard]] std::uint32_t readUint32();
	[[nodiscard]] std::int64_t readInt64();
	[[nodiscard]] std::uint64_t readUint64();
	[[nodiscard]] float readFloat();
	[[nodiscard]] double readDouble();
	// 0 or 1; anything else is EBADMSG.
	[[nodiscard]] bool readBool();
	// An int32 holding a byte, sign- or zero-extended (libgbinder writes
	// the latter); a char, 0 to 0xffff.
	[[nodiscard]] std::int8_t readByte();
	[[nodiscard]] char16_t readChar();
	// A String16; EBADMSG for a null one, which the Nullable reads return
	// as nullopt.
	[[nodiscard]] std::u16string readString16();
	[[nodiscard]] std::optional<std::u16string> readNullableString16();
	// A String16 as UTF-8 (libbinder's readUtf8FromUtf16()).
	[[nodiscard]] std::string readString();
	[[nodiscard]] std::optional<std::string> readNullableString();
	[[nodiscard]] std::vector<std::byte> readByteArray();
	// A view into the parcel: valid while the parcel lives.
	[[nodiscard]] std::span<const std::byte> readByteSpan();
	[[nodiscard]] std::optional<std::vector<std::byte>> readNullableByteArray();
	[[nodiscard]] std::vector<std::int32_t> readInt32Array();
	[[nodiscard]] std::vector<std::int64_t> readInt64Array();
	[[nodiscard]] std::vector<std::string> readStringArray();

	// An object: a Remote for a handle, a local Remote for one of our
	// objects. Throws EBADMSG for a null object.
	[[nodiscard]] Remote readRemote();
	// An object, or nullopt for a null object.
	[[nodiscard]] std::optional<Remote> readOptionalRemote();
	// One of our objects, or nullptr for a null object; EBADMSG for a
	// handle to another process's object.
	[[nodiscard]] std::shared_ptr<Binder> readBinder();
	// A weak object (or a strong one, of which the weak reference is
	// kept): a WeakRemote to a handle, or a local WeakRemote for one of
	// our objects (which promote() yields while the object lives).
	// EBADMSG for a null object.
	[[nodiscard]] WeakRemote readWeakRemote();
	// The same, or nullopt for a null object.
	[[nodiscard]] std::optional<WeakRemote> readOptionalWeakRemote();
	// A file descriptor. From a received parcel: the descriptor the
	// parcel owns, taken out of it; reading it again throws
	// Error(Usage, EBADF). From a parcel of ours (a local call): a new
	// descriptor of the same file (F_DUPFD_CLOEXEC), as a receiver gets.
	[[nodiscard]] UniqueFd readFileDescriptor();

	// An interface token in the parcel's dialect; EBADMSG if its header
	// is not the dialect's ('SYST' from Android 11 on).
	[[nodiscard]] InterfaceToken readInterfaceToken();
	// Reads the interface token and checks its descriptor, as AIDL code
	// does first: on any mismatch it throws the Error libbinder answers
	// with, a transaction error BAD_TYPE (kBadType).
	void enforceInterface(std::string_view descriptor);
	// An AIDL reply's status header (fat reply headers skipped).
	[[nodiscard]] Status readStatus();
	// The same; throws Error(status) unless it is ok().
	void readException();

	[[nodiscard]] bool atEnd() const noexcept { return pos_ == parcel_->size(); }
	[[nodiscard]] std::size_t position() const noexcept { return pos_; }
	[[nodiscard]] std::size_t remaining() const noexcept { return parcel_->size() - pos_; }
	// Throws EBADMSG unless every byte has been read.
	void expectEnd() const;
	[[nodiscard]] const Parcel &parcel() const noexcept { return *parcel_; }

private:
	class Rewind;
	// The next @n bytes (padded to 4) of plain data: bounds and objects
	// checked, the cursor moved past them.
	const std::byte *take(std::size_t n, const char *what);
	template <class T> T readValue(const char *what);
	// -1 (nullopt) or a length of at most @max items of @itemSize bytes.
	std::optional<std::size_t> readLength(std::size_t itemSize, const char *what);
	std::optional<std::u16string_view> readUtf16(const char *what);
	// Moves the cursor to @pos, past the objects before it.
	void skipTo(std::size_t pos);
	struct Object {
		flat_binderlite_object flat;
		std::int32_t stability; // its level; 0 before Android 11
	};
	// A binder object of the kinds @weak allows, and its stability,
	// the cursor moved past them; nullopt for a null object.
	std::optional<Object> readObject(bool weak, const char *what);
	Remote toRemote(const Object &obj) const;
	WeakRemote toWeakRemote(const Object &obj) const;

	const Parcel *parcel_;
	std::size_t pos_ = 0;
	std::size_t nextObject_ = 0; // index into offsets()
};

inline Parcel::Reader Parcel::reader() const noexcept { return Reader(*this); }

} // namespace binderlite

#endif
