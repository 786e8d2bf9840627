// SPDX-License-Identifier: GPL-2.0
//
// Parcel: writing, reading and owning received buffers. The wire format is
// described in parcel.hpp and Documentation/userspace.rst.
#include "internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

namespace binderlite {

namespace {

constexpr std::size_t kTagSize = sizeof(std::uint32_t);
constexpr std::size_t kObjectSize = sizeof(flat_binderlite_object);
static_assert(sizeof(binderlite_fd_object) == kObjectSize);

constexpr std::size_t pad4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

[[noreturn]] void badMessage(const std::string &what)
{
	throw Error(ErrorKind::Parcel, EBADMSG, what);
}

} // namespace

const char *toString(Parcel::Tag tag) noexcept
{
	switch (tag) {
	case Parcel::Tag::Int8: return "int8";
	case Parcel::Tag::UInt8: return "uint8";
	case Parcel::Tag::Int16: return "int16";
	case Parcel::Tag::UInt16: return "uint16";
	case Parcel::Tag::Int32: return "int32";
	case Parcel::Tag::UInt32: return "uint32";
	case Parcel::Tag::Int64: return "int64";
	case Parcel::Tag::UInt64: return "uint64";
	case Parcel::Tag::Bool: return "bool";
	case Parcel::Tag::Float: return "float";
	case Parcel::Tag::Double: return "double";
	case Parcel::Tag::String: return "string";
	case Parcel::Tag::Bytes: return "bytes";
	case Parcel::Tag::Object: return "object";
	case Parcel::Tag::Null: return "null";
	case Parcel::Tag::FileDescriptor: return "fd";
	case Parcel::Tag::WeakObject: return "weak object";
	}
	return "unknown";
}

namespace detail {

PoolBuffer::PoolBuffer(std::shared_ptr<Process> owner, binderlite_uintptr_t address) noexcept
	: owner_(std::move(owner)), address_(address)
{
}

PoolBuffer::PoolBuffer(PoolBuffer &&other) noexcept
	: owner_(std::move(other.owner_)), address_(std::exchange(other.address_, 0))
{
}

PoolBuffer &PoolBuffer::operator=(PoolBuffer &&other) noexcept
{
	if (this != &other) {
		reset();
		owner_ = std::move(other.owner_);
		address_ = std::exchange(other.address_, 0);
	}
	return *this;
}

PoolBuffer::~PoolBuffer() { reset(); }

void PoolBuffer::reset() noexcept
{
	if (owner_)
		Access::impl(*owner_).freeBuffer(address_);
	owner_.reset();
	address_ = 0;
}

} // namespace detail

// Move: the moved-from parcel is empty and writable, and owns nothing.
Parcel::Parcel(Parcel &&other) noexcept
	: data_(std::move(other.data_)), offsets_(std::move(other.offsets_)),
	  binders_(std::move(other.binders_)), remotes_(std::move(other.remotes_)),
	  weakRemotes_(std::move(other.weakRemotes_)), fds_(std::move(other.fds_)),
	  buffer_(std::move(other.buffer_)), view_(std::exchange(other.view_, {})),
	  viewOffsets_(std::exchange(other.viewOffsets_, {})),
	  received_(std::exchange(other.received_, false)), flags_(std::exchange(other.flags_, 0)),
	  senderPid_(std::exchange(other.senderPid_, 0)), senderEuid_(std::exchange(other.senderEuid_, 0))
{
	other.data_.clear();
	other.offsets_.clear();
	other.binders_.clear();
	other.remotes_.clear();
	other.weakRemotes_.clear();
	other.fds_.clear();
}

Parcel &Parcel::operator=(Parcel &&other) noexcept
{
	if (this != &other) {
		// Close our descriptors and free our buffer first; then take
		// the other's state.
		fds_.clear();
		buffer_.reset();
		Parcel tmp(std::move(other));
		data_ = std::move(tmp.data_);
		offsets_ = std::move(tmp.offsets_);
		binders_ = std::move(tmp.binders_);
		remotes_ = std::move(tmp.remotes_);
		weakRemotes_ = std::move(tmp.weakRemotes_);
		fds_ = std::move(tmp.fds_);
		buffer_ = std::move(tmp.buffer_);
		view_ = std::exchange(tmp.view_, {});
		viewOffsets_ = std::exchange(tmp.viewOffsets_, {});
		received_ = std::exchange(tmp.received_, false);
		flags_ = tmp.flags_;
		senderPid_ = tmp.senderPid_;
		senderEuid_ = tmp.senderEuid_;
	}
	return *this;
}

Parcel::~Parcel() = default;

std::span<const std::byte> Parcel::data() const noexcept
{
	return received_ ? view_ : std::span<const std::byte>(data_);
}

std::span<const binderlite_size_t> Parcel::offsets() const noexcept
{
	return received_ ? viewOffsets_ : std::span<const binderlite_size_t>(offsets_);
}

void Parcel::checkWritable() const
{
	if (received_)
		throw Error(ErrorKind::Usage, EROFS, "a received parcel is read-only");
}

void Parcel::put(const void *p, std::size_t n)
{
	const std::size_t at = data_.size();
	data_.resize(at + pad4(n));
	if (n)
		std::memcpy(data_.data() + at, p, n);
}

void Parcel::putTag(Tag tag)
{
	const auto t = static_cast<std::uint32_t>(tag);
	put(&t, sizeof(t));
}

template <class T> void Parcel::putScalar(Tag tag, T v)
{
	checkWritable();
	data_.reserve(data_.size() + kTagSize + sizeof(T));
	putTag(tag);
	put(&v, sizeof(v));
}

void Parcel::writeInt8(std::int8_t v) { putScalar<std::int32_t>(Tag::Int8, v); }
void Parcel::writeUint8(std::uint8_t v) { putScalar<std::uint32_t>(Tag::UInt8, v); }
void Parcel::writeInt16(std::int16_t v) { putScalar<std::int32_t>(Tag::Int16, v); }
void Parcel::writeUint16(std::uint16_t v) { putScalar<std::uint32_t>(Tag::UInt16, v); }
void Parcel::writeInt32(std::int32_t v) { putScalar(Tag::Int32, v); }
void Parcel::writeUint32(std::uint32_t v) { putScalar(Tag::UInt32, v); }
void Parcel::writeInt64(std::int64_t v) { putScalar(Tag::Int64, v); }
void Parcel::writeUint64(std::uint64_t v) { putScalar(Tag::UInt64, v); }
void Parcel::writeBool(bool v) { putScalar<std::uint32_t>(Tag::Bool, v ? 1 : 0); }
void Parcel::writeFloat(float v) { putScalar(Tag::Float, v); }
void Parcel::writeDouble(double v) { putScalar(Tag::Double, v); }

void Parcel::putSized(Tag tag, std::span<const std::byte> bytes)
{
	checkWritable();
	if (bytes.size() > std::numeric_limits<std::uint32_t>::max())
		throw Error(ErrorKind::Parcel, EMSGSIZE, std::string(toString(tag)) + " too long for a parcel");
	const auto len = static_cast<std::uint32_t>(bytes.size());
	data_.reserve(data_.size() + kTagSize + sizeof(len) + pad4(bytes.size()));
	putTag(tag);
	put(&len, sizeof(len));
	put(bytes.data(), bytes.size());
}

void Parcel::writeString(std::string_view s) { putSized(Tag::String, std::as_bytes(std::span(s))); }
void Parcel::writeBytes(std::span<const std::byte> bytes) { putSized(Tag::Bytes, bytes); }

void Parcel::putObject(Tag tag, const void *obj)
{
	data_.reserve(data_.size() + kTagSize + kObjectSize);
	offsets_.reserve(offsets_.size() + 1);
	putTag(tag);
	offsets_.push_back(data_.size());
	put(obj, kObjectSize);
}

void Parcel::writeNull()
{
	checkWritable();
	putTag(Tag::Null);
}

void Parcel::writeBinder(const std::shared_ptr<Binder> &binder)
{
	checkWritable();
	if (!binder) {
		putTag(Tag::Null);
		return;
	}
	// Our objects accept file descriptors, as libbinder's do.
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_BINDER;
	obj.flags = BINDERLITE_FLAG_ACCEPTS_FDS;
	obj.binder = binder->id();
	obj.cookie = binder->id();
	binders_.reserve(binders_.size() + 1);
	putObject(Tag::Object, &obj);
	binders_.push_back(binder);
}

void Parcel::writeRemote(const Remote &remote)
{
	checkWritable();
	if (remote.isLocal()) {
		writeBinder(remote.local());
		return;
	}
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_HANDLE;
	obj.handle = remote.handle();
	remotes_.reserve(remotes_.size() + 1);
	putObject(Tag::Object, &obj);
	remotes_.push_back(remote);
}

void Parcel::writeWeakRemote(const WeakRemote &remote)
{
	checkWritable();
	flat_binderlite_object obj{};
	const auto &record = detail::Access::record(remote);
	if (!record) {
		// One of ours: a WEAK_BINDER while the object lives.
		auto binder = detail::Access::local(remote);
		if (!binder) {
			putTag(Tag::Null);
			return;
		}
		obj.hdr.type = BINDERLITE_TYPE_WEAK_BINDER;
		obj.flags = BINDERLITE_FLAG_ACCEPTS_FDS;
		obj.binder = binder->id();
		obj.cookie = binder->id();
		binders_.reserve(binders_.size() + 1);
		putObject(Tag::WeakObject, &obj);
		binders_.push_back(std::move(binder));
		return;
	}
	obj.hdr.type = BINDERLITE_TYPE_WEAK_HANDLE;
	obj.handle = remote.handle();
	weakRemotes_.reserve(weakRemotes_.size() + 1);
	putObject(Tag::WeakObject, &obj);
	weakRemotes_.push_back(remote);
}

void Parcel::writeFileDescriptor(int fd)
{
	checkWritable();
	if (fd < 0)
		throw Error(ErrorKind::Usage, EBADF, "writeFileDescriptor: no descriptor (" + std::to_string(fd) + ")");
	binderlite_fd_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_FD;
	obj.pad_binder = 0;
	obj.fd = static_cast<std::uint32_t>(fd);
	putObject(Tag::FileDescriptor, &obj);
}

void Parcel::writeFileDescriptor(UniqueFd fd)
{
	checkWritable();
	fds_.reserve(fds_.size() + 1);
	writeFileDescriptor(fd.get());
	fds_.push_back({offsets_.back(), std::move(fd)});
}

// A received buffer: the parcel owns it from the first line on, so that it
// is freed also when the checks below throw.
Parcel detail::Access::receive(std::shared_ptr<Process> owner, const binderlite_transaction_data &txn)
{
	Parcel p;
	const Device &dev = owner->device();
	p.buffer_ = PoolBuffer(std::move(owner), txn.data.ptr.buffer);
	p.received_ = true;
	p.flags_ = txn.flags;
	p.senderPid_ = txn.sender_pid;
	p.senderEuid_ = txn.sender_euid;

	const auto fail = [&](const char *why) {
		std::ostringstream s;
		s << "received buffer 0x" << std::hex << txn.data.ptr.buffer << std::dec << " ("
		  << txn.data_size << " bytes, " << txn.offsets_size << " bytes of offsets): " << why;
		throw Error(ErrorKind::Protocol, EPROTO, s.str());
	};
	if (!dev.inPool(txn.data.ptr.buffer, txn.data_size))
		fail("data outside the receive pool");
	if (txn.offsets_size % sizeof(binderlite_size_t))
		fail("offsets size not a multiple of 8");
	if (txn.offsets_size && (!dev.inPool(txn.data.ptr.offsets, txn.offsets_size) ||
				 txn.data.ptr.offsets % alignof(binderlite_size_t)))
		fail("offsets outside the receive pool or misaligned");
	p.view_ = {reinterpret_cast<const std::byte *>(static_cast<std::uintptr_t>(txn.data.ptr.buffer)),
		   static_cast<std::size_t>(txn.data_size)};
	if (txn.offsets_size)
		p.viewOffsets_ = {reinterpret_cast<const binderlite_size_t *>(
					  static_cast<std::uintptr_t>(txn.data.ptr.offsets)),
				  static_cast<std::size_t>(txn.offsets_size / sizeof(binderlite_size_t))};
	// Objects: aligned, inside the data, increasing, not overlapping.
	std::uint64_t min = 0;
	for (const binderlite_size_t off : p.viewOffsets_) {
		if (off % 4 || off < min || off > txn.data_size || txn.data_size - off < kObjectSize)
			fail("bad object offset");
		min = off + kObjectSize;
	}
	// The descriptors the driver installed for us are the parcel's from
	// here on, closed with it unless taken out.
	for (const binderlite_size_t off : p.viewOffsets_) {
		binderlite_fd_object obj;
		std::memcpy(&obj, p.view_.data() + off, sizeof(obj));
		if (obj.hdr.type != BINDERLITE_TYPE_FD)
			continue;
		if (obj.fd > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
			fail("a file descriptor object without a descriptor");
		p.fds_.push_back({off, UniqueFd(static_cast<int>(obj.fd))});
	}
	return p;
}

// Reading.

Parcel::Reader::Item Parcel::Reader::begin(Tag tag, std::size_t valueSize) const
{
	const Tag got = peekTag();
	if (got != tag)
		badMessage(std::string("parcel: expected ") + toString(tag) + ", found " + toString(got) +
			   " at offset " + std::to_string(pos_));
	const std::size_t value = pos_ + kTagSize;
	if (parcel_->size() - value < valueSize)
		throw Error(ErrorKind::Parcel, ENODATA,
			    std::string("parcel: ") + toString(tag) + " cut by the end of the data");
	const std::size_t end = value + pad4(valueSize);
	if (end > parcel_->size())
		throw Error(ErrorKind::Parcel, ENODATA, "parcel: padding cut by the end of the data");
	// No value may cover an object, except an object.
	const auto offsets = parcel_->offsets();
	const bool object = tag == Tag::Object || tag == Tag::WeakObject || tag == Tag::FileDescriptor;
	if (!object && nextObject_ < offsets.size() && offsets[nextObject_] < end)
		badMessage(std::string("parcel: an object where ") + toString(tag) + " was expected");
	return {value, end};
}

Parcel::Tag Parcel::Reader::peekTag() const
{
	const auto data = parcel_->data();
	if (data.size() - pos_ < kTagSize)
		throw Error(ErrorKind::Parcel, ENODATA,
			    pos_ == data.size() ? "parcel: read past the end" : "parcel: tag cut by the end");
	std::uint32_t t;
	std::memcpy(&t, data.data() + pos_, sizeof(t));
	if (t < static_cast<std::uint32_t>(Tag::Int8) || t > static_cast<std::uint32_t>(Tag::WeakObject))
		badMessage("parcel: unknown tag " + std::to_string(t) + " at offset " + std::to_string(pos_));
	return static_cast<Tag>(t);
}

template <class T, class Wire> T Parcel::Reader::readScalar(Tag tag)
{
	const Item item = begin(tag, sizeof(Wire));
	Wire w;
	std::memcpy(&w, parcel_->data().data() + item.value, sizeof(w));
	if constexpr (std::is_same_v<T, bool>) {
		if (w > 1)
			badMessage("parcel: bool neither 0 nor 1");
	} else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, Wire>) {
		if (w < static_cast<Wire>(std::numeric_limits<T>::min()) ||
		    w > static_cast<Wire>(std::numeric_limits<T>::max()))
			badMessage(std::string("parcel: ") + toString(tag) + " out of range");
	}
	finish(item);
	return static_cast<T>(w);
}

std::int8_t Parcel::Reader::readInt8() { return readScalar<std::int8_t, std::int32_t>(Tag::Int8); }
std::uint8_t Parcel::Reader::readUint8() { return readScalar<std::uint8_t, std::uint32_t>(Tag::UInt8); }
std::int16_t Parcel::Reader::readInt16() { return readScalar<std::int16_t, std::int32_t>(Tag::Int16); }
std::uint16_t Parcel::Reader::readUint16() { return readScalar<std::uint16_t, std::uint32_t>(Tag::UInt16); }
std::int32_t Parcel::Reader::readInt32() { return readScalar<std::int32_t, std::int32_t>(Tag::Int32); }
std::uint32_t Parcel::Reader::readUint32() { return readScalar<std::uint32_t, std::uint32_t>(Tag::UInt32); }
std::int64_t Parcel::Reader::readInt64() { return readScalar<std::int64_t, std::int64_t>(Tag::Int64); }
std::uint64_t Parcel::Reader::readUint64() { return readScalar<std::uint64_t, std::uint64_t>(Tag::UInt64); }
bool Parcel::Reader::readBool() { return readScalar<bool, std::uint32_t>(Tag::Bool); }
float Parcel::Reader::readFloat() { return readScalar<float, float>(Tag::Float); }
double Parcel::Reader::readDouble() { return readScalar<double, double>(Tag::Double); }

std::span<const std::byte> Parcel::Reader::readSized(Tag tag)
{
	const Item head = begin(tag, sizeof(std::uint32_t));
	const auto data = parcel_->data();
	std::uint32_t len;
	std::memcpy(&len, data.data() + head.value, sizeof(len));
	const std::size_t start = head.end;
	if (data.size() - start < len || data.size() - start < pad4(len))
		throw Error(ErrorKind::Parcel, ENODATA,
			    std::string("parcel: ") + toString(tag) + " of " + std::to_string(len) +
				    " bytes cut by the end of the data");
	const std::size_t end = start + pad4(len);
	const auto offsets = parcel_->offsets();
	if (nextObject_ < offsets.size() && offsets[nextObject_] < end)
		badMessage(std::string("parcel: an object inside a ") + toString(tag));
	for (std::size_t i = start + len; i < end; i++)
		if (data[i] != std::byte{0})
			badMessage("parcel: non-zero padding");
	pos_ = end;
	return data.subspan(start, len);
}

std::string_view Parcel::Reader::readStringView()
{
	const auto bytes = readSized(Tag::String);
	return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
}

std::string Parcel::Reader::readString() { return std::string(readStringView()); }

std::span<const std::byte> Parcel::Reader::readByteSpan() { return readSized(Tag::Bytes); }

std::vector<std::byte> Parcel::Reader::readBytes()
{
	const auto bytes = readSized(Tag::Bytes);
	return {bytes.begin(), bytes.end()};
}

Parcel::Reader::Item Parcel::Reader::objectItem(Tag tag) const
{
	const Item item = begin(tag, kObjectSize);
	const auto offsets = parcel_->offsets();
	if (nextObject_ >= offsets.size() || offsets[nextObject_] != item.value)
		badMessage("parcel: an object not listed in the offsets array");
	return item;
}

std::optional<flat_binderlite_object> Parcel::Reader::readFlat(Tag tag)
{
	if (peekTag() == Tag::Null) {
		const Item item = begin(Tag::Null, 0);
		finish(item);
		return std::nullopt;
	}
	const Item item = objectItem(tag);
	flat_binderlite_object obj;
	std::memcpy(&obj, parcel_->data().data() + item.value, sizeof(obj));
	const bool weak = tag == Tag::WeakObject;
	const bool ok = weak ? obj.hdr.type == BINDERLITE_TYPE_WEAK_BINDER || obj.hdr.type == BINDERLITE_TYPE_WEAK_HANDLE
			     : obj.hdr.type == BINDERLITE_TYPE_BINDER || obj.hdr.type == BINDERLITE_TYPE_HANDLE;
	if (!ok) {
		std::ostringstream s;
		s << "parcel: " << toString(tag) << " of unsupported type 0x" << std::hex << obj.hdr.type;
		badMessage(s.str());
	}
	// Committed only by the caller, once the object is resolved.
	return obj;
}

Remote Parcel::Reader::toRemote(const flat_binderlite_object &obj) const
{
	const Parcel &p = *parcel_;
	if (p.received_) {
		Process::Impl &impl = detail::Access::impl(*p.buffer_.owner());
		if (obj.hdr.type == BINDERLITE_TYPE_HANDLE)
			return impl.remoteFor(obj.handle);
		return Remote(impl.localFor(obj.binder, obj.cookie));
	}
	// A parcel of ours: the objects are the ones it keeps.
	if (obj.hdr.type == BINDERLITE_TYPE_HANDLE) {
		for (const Remote &r : p.remotes_)
			if (r.handle() == obj.handle)
				return r;
	} else {
		for (const auto &b : p.binders_)
			if (b->id() == obj.binder)
				return Remote(b);
	}
	badMessage("parcel: an object this parcel does not hold");
}

WeakRemote Parcel::Reader::toWeakRemote(const flat_binderlite_object &obj) const
{
	const Parcel &p = *parcel_;
	const bool handle = obj.hdr.type == BINDERLITE_TYPE_HANDLE || obj.hdr.type == BINDERLITE_TYPE_WEAK_HANDLE;
	if (p.received_) {
		Process::Impl &impl = detail::Access::impl(*p.buffer_.owner());
		if (handle)
			return impl.weakRemoteFor(obj.handle);
		// One of ours, maybe gone: a weak reference to nothing.
		return detail::Access::makeLocalWeak(impl.findLocal(obj.binder, obj.cookie));
	}
	if (handle) {
		for (const WeakRemote &w : p.weakRemotes_)
			if (detail::Access::record(w) && w.handle() == obj.handle)
				return w;
		for (const Remote &r : p.remotes_)
			if (r.handle() == obj.handle)
				return r.weak();
	} else {
		for (const auto &b : p.binders_)
			if (b->id() == obj.binder)
				return detail::Access::makeLocalWeak(b);
	}
	badMessage("parcel: an object this parcel does not hold");
}

std::optional<WeakRemote> Parcel::Reader::readOptionalWeakRemote()
{
	const std::size_t start = pos_;
	// A strong object will do: its weak reference is kept.
	const Tag tag = peekTag() == Tag::Object ? Tag::Object : Tag::WeakObject;
	const auto obj = readFlat(tag);
	if (!obj)
		return std::nullopt;
	pos_ = start; // until resolved
	WeakRemote w = toWeakRemote(*obj);
	pos_ = start + kTagSize + kObjectSize;
	nextObject_++;
	return w;
}

WeakRemote Parcel::Reader::readWeakRemote()
{
	if (peekTag() == Tag::Null)
		badMessage("parcel: a null object where a weak object was expected");
	return *readOptionalWeakRemote();
}

UniqueFd Parcel::Reader::readFileDescriptor()
{
	const Item item = objectItem(Tag::FileDescriptor);
	binderlite_fd_object obj;
	std::memcpy(&obj, parcel_->data().data() + item.value, sizeof(obj));
	if (obj.hdr.type != BINDERLITE_TYPE_FD) {
		std::ostringstream s;
		s << "parcel: fd object of type 0x" << std::hex << obj.hdr.type;
		badMessage(s.str());
	}
	UniqueFd fd;
	if (parcel_->received_) {
		auto it = std::find_if(parcel_->fds_.begin(), parcel_->fds_.end(),
				       [&](const OwnedFd &o) { return o.offset == item.value; });
		if (it == parcel_->fds_.end() || !it->fd)
			throw Error(ErrorKind::Usage, EBADF,
				    "parcel: the file descriptor at offset " + std::to_string(item.value) +
					    " was taken out already");
		fd = std::move(it->fd);
	} else {
		// Ours: the receiver's own descriptor of the same file.
		fd = UniqueFd::dup(static_cast<int>(obj.fd));
	}
	finish(item);
	nextObject_++;
	return fd;
}

std::optional<Remote> Parcel::Reader::readOptionalRemote()
{
	const std::size_t start = pos_;
	const auto obj = readFlat(Tag::Object);
	if (!obj)
		return std::nullopt;
	pos_ = start; // until resolved
	Remote r = toRemote(*obj);
	pos_ = start + kTagSize + kObjectSize;
	nextObject_++;
	return r;
}

Remote Parcel::Reader::readRemote()
{
	if (peekTag() == Tag::Null)
		badMessage("parcel: a null object where an object was expected");
	return *readOptionalRemote();
}

std::shared_ptr<Binder> Parcel::Reader::readBinder()
{
	const Reader saved = *this;
	auto r = readOptionalRemote();
	if (!r)
		return nullptr;
	if (!r->isLocal()) {
		*this = saved;
		badMessage("parcel: a handle to another process's object, not one of ours");
	}
	return r->local();
}

void Parcel::Reader::skip()
{
	switch (peekTag()) {
	case Tag::String:
	case Tag::Bytes:
		(void)readSized(peekTag());
		break;
	case Tag::Object:
	case Tag::WeakObject:
	case Tag::FileDescriptor: {
		const Item item = objectItem(peekTag());
		nextObject_++;
		finish(item);
		break;
	}
	case Tag::Null:
		finish(begin(Tag::Null, 0));
		break;
	case Tag::Int64:
	case Tag::UInt64:
	case Tag::Double:
		finish(begin(peekTag(), 8));
		break;
	default:
		finish(begin(peekTag(), 4));
		break;
	}
}

void Parcel::Reader::expectEnd() const
{
	if (!atEnd())
		badMessage("parcel: " + std::to_string(remaining()) + " bytes left unread");
}

} // namespace binderlite
