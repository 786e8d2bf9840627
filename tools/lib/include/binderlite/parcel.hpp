// SPDX-License-Identifier: GPL-2.0
//
// Parcel: the payload of a transaction, written and read with types.
//
// A Parcel is either written by this process (writable) or received from
// the driver. A received Parcel is a read-only view of a buffer in the
// receive pool, which it owns: it sends BC_FREE_BUFFER exactly once, when
// it is destroyed (or moved-over). Parcels are move-only.
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
// Wire format (Documentation/userspace.rst, "Parcel wire format"): a
// sequence of items, each a 32-bit tag (Parcel::Tag) and its value, every
// item a multiple of 4 bytes, host byte order:
//
//   int8..uint32, bool, float  tag, 4 bytes (sign- or zero-extended)
//   int64, uint64, double      tag, 8 bytes
//   string, bytes              tag, u32 length, the bytes, zero padding to 4
//   object                     tag, struct flat_binderlite_object (24 bytes),
//                              its offset listed in the offsets array
//   null                       tag alone: a null object
//   fd                         tag, struct binderlite_fd_object (24 bytes),
//                              listed in the offsets array
//   weak object                as object, of a WEAK_BINDER or WEAK_HANDLE
//
// Reading checks the tag, the bounds and the value: a read past the end
// throws Error(ErrorKind::Parcel, ENODATA), a read of the wrong type (or of
// any value overlapping an object, or of an object not listed in the
// offsets array) throws Error(ErrorKind::Parcel, EBADMSG). Never UB.
//
// Thread-safety: none; a Parcel and its Readers belong to one thread at a
// time. A Reader refers to its Parcel, which must outlive it.
#ifndef BINDERLITE_PARCEL_HPP
#define BINDERLITE_PARCEL_HPP

#include <binderlite/fd.hpp>
#include <binderlite/remote.hpp>

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
	// The type tags of the wire format.
	enum class Tag : std::uint32_t {
		Int8 = 1, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64,
		Bool, Float, Double, String, Bytes, Object, Null,
		FileDescriptor, WeakObject,
	};

	class Reader;

	// An empty writable parcel.
	Parcel() noexcept = default;
	Parcel(Parcel &&other) noexcept;
	Parcel &operator=(Parcel &&other) noexcept;
	Parcel(const Parcel &) = delete;
	Parcel &operator=(const Parcel &) = delete;
	~Parcel();

	// Writing; a received parcel is read-only (Error(Usage, EROFS)).
	void writeInt8(std::int8_t v);
	void writeUint8(std::uint8_t v);
	void writeInt16(std::int16_t v);
	void writeUint16(std::uint16_t v);
	void writeInt32(std::int32_t v);
	void writeUint32(std::uint32_t v);
	void writeInt64(std::int64_t v);
	void writeUint64(std::uint64_t v);
	void writeBool(bool v);
	void writeFloat(float v);
	void writeDouble(double v);
	void writeString(std::string_view s);
	void writeBytes(std::span<const std::byte> bytes);
	// One of our objects (a BINDER object), or a null object for nullptr.
	// The parcel keeps the object alive until it is destroyed.
	void writeBinder(const std::shared_ptr<Binder> &binder);
	// A reference (a HANDLE object), or a local Remote's object. The
	// parcel keeps the reference until it is destroyed.
	void writeRemote(const Remote &remote);
	// A null object.
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
	friend struct detail::Access;
	friend class Reader;

	void checkWritable() const;
	void put(const void *p, std::size_t n);
	void putTag(Tag tag);
	template <class T> void putScalar(Tag tag, T v);
	void putSized(Tag tag, std::span<const std::byte> bytes);
	void putObject(Tag tag, const void *obj);

	// A descriptor the parcel owns: one the driver installed for the FD
	// object at @offset of a received parcel (invalid once taken), or
	// one given to writeFileDescriptor(UniqueFd).
	struct OwnedFd {
		binderlite_size_t offset;
		UniqueFd fd;
	};

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

// A cursor over a Parcel. Cheap to copy; valid while its parcel lives and
// is not written to. Every read either returns the next item of the
// asked-for type or throws and leaves the cursor where it was.
class Parcel::Reader {
public:
	explicit Reader(const Parcel &parcel) noexcept : parcel_(&parcel) {}

	[[nodiscard]] std::int8_t readInt8();
	[[nodiscard]] std::uint8_t readUint8();
	[[nodiscard]] std::int16_t readInt16();
	[[nodiscard]] std::uint16_t readUint16();
	[[nodiscard]] std::int32_t readInt32();
	[[nodiscard]] std::uint32_t readUint32();
	[[nodiscard]] std::int64_t readInt64();
	[[nodiscard]] std::uint64_t readUint64();
	[[nodiscard]] bool readBool();
	[[nodiscard]] float readFloat();
	[[nodiscard]] double readDouble();
	[[nodiscard]] std::string readString();
	// A view into the parcel: valid while the parcel lives.
	[[nodiscard]] std::string_view readStringView();
	[[nodiscard]] std::vector<std::byte> readBytes();
	// A view into the parcel: valid while the parcel lives.
	[[nodiscard]] std::span<const std::byte> readByteSpan();
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

	// The tag of the next item; ENODATA at the end.
	[[nodiscard]] Tag peekTag() const;
	// Steps over the next item, whatever its type.
	void skip();
	[[nodiscard]] bool atEnd() const noexcept { return pos_ == parcel_->size(); }
	[[nodiscard]] std::size_t position() const noexcept { return pos_; }
	[[nodiscard]] std::size_t remaining() const noexcept { return parcel_->size() - pos_; }
	// Throws EBADMSG unless every item has been read.
	void expectEnd() const;
	[[nodiscard]] const Parcel &parcel() const noexcept { return *parcel_; }

private:
	struct Item {
		std::size_t value;  // offset of the value, after the tag
		std::size_t end;    // offset after the item
	};
	Item begin(Tag tag, std::size_t valueSize) const;
	void finish(const Item &item) noexcept { pos_ = item.end; }
	template <class T, class Wire> T readScalar(Tag tag);
	std::span<const std::byte> readSized(Tag tag);
	// An object item with @tag at the cursor, listed in the offsets
	// array: its value's offset.
	Item objectItem(Tag tag) const;
	// Reads an object item of @tag: the flat object, or nullopt for a
	// null one.
	std::optional<flat_binderlite_object> readFlat(Tag tag);
	Remote toRemote(const flat_binderlite_object &obj) const;
	WeakRemote toWeakRemote(const flat_binderlite_object &obj) const;

	const Parcel *parcel_;
	std::size_t pos_ = 0;
	std::size_t nextObject_ = 0; // index into offsets()
};

inline Parcel::Reader Parcel::reader() const noexcept { return Reader(*this); }

[[nodiscard]] const char *toString(Parcel::Tag tag) noexcept;

} // namespace binderlite

#endif
