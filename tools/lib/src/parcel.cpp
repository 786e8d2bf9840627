// SPDX-License-Identifier: GPL-2.0
//
// Parcel: libbinder's wire format, written and read; received buffers and
// the descriptors they carry. The format is described in parcel.hpp and
// Documentation/userspace.rst ("Parcel wire format", "Dialects").
#include "conversation.hpp"
#include "handles.hpp"
#include "nodes.hpp"

#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>
#include <binderlite/parcel.hpp>
#include <binderlite/process.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

namespace binderlite {

namespace {

constexpr std::size_t kObjectSize = sizeof(flat_binderlite_object);
static_assert(sizeof(binderlite_fd_object) == kObjectSize);
constexpr std::size_t kMaxLength = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());

// libbinder's flags: a node's minimum priority is nice 19 of SCHED_NORMAL
// (schedPolicyMask(SCHED_NORMAL, 19)) unless background scheduling is
// off; its own objects accept file descriptors.
constexpr std::uint32_t kSchedBits = 19;
constexpr std::uint32_t kLocalFlags = kSchedBits | BINDERLITE_FLAG_ACCEPTS_FDS;

// Stability levels (libbinder's Stability::Level).
constexpr std::int32_t kStabilityUndeclared = 0;
constexpr std::int32_t kStabilityVendor = 0x03;
constexpr std::int32_t kStabilitySystem = 0x0c;
constexpr std::int32_t kStabilityVintf = 0x3f;
// Android 12's Stability::Category: {version, reserved[2], level}.
constexpr std::int32_t kWireFormatVersion = 1;

// The interface token's fields.
constexpr std::int32_t kPenaltyGatherOld = 0x40 << 16;   // Android 9 and before
constexpr std::int32_t kPenaltyGather = std::numeric_limits<std::int32_t>::min(); // 1 << 31
constexpr std::int32_t kUnsetWorkSource = -1;
constexpr std::int32_t kSystemHeader = 'S' << 24 | 'Y' << 16 | 'S' << 8 | 'T';

constexpr std::size_t pad4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

bool hasStability(Dialect d) { return d >= Dialect::Android11; }

[[noreturn]] void badMessage(const std::string &what)
{
	throw Error(ErrorKind::Parcel, EBADMSG, what);
}

[[noreturn]] void noData(const std::string &what)
{
	throw Error(ErrorKind::Parcel, ENODATA, what);
}

bool isDeclared(std::int32_t level)
{
	return level == kStabilityVendor || level == kStabilitySystem || level == kStabilityVintf;
}

// UTF-8 to UTF-16, strictly (no overlong forms, no surrogates, nothing
// past U+10FFFF); Error(Parcel, EILSEQ) otherwise.
std::u16string toUtf16(std::string_view in)
{
	std::u16string out;
	out.reserve(in.size());
	for (std::size_t i = 0; i < in.size();) {
		const auto c = static_cast<unsigned char>(in[i]);
		std::size_t n;
		char32_t cp;
		if (c < 0x80) {
			n = 1;
			cp = c;
		} else if ((c & 0xe0) == 0xc0) {
			n = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4;
			cp = c & 0x07;
		} else {
			n = 0;
			cp = 0;
		}
		bool ok = n && in.size() - i >= n;
		for (std::size_t k = 1; ok && k < n; k++) {
			const auto cc = static_cast<unsigned char>(in[i + k]);
			ok = (cc & 0xc0) == 0x80;
			cp = cp << 6 | (cc & 0x3f);
		}
		static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
		if (!ok || cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			throw Error(ErrorKind::Parcel, EILSEQ,
				    "parcel: a string that is not UTF-8 (at byte " + std::to_string(i) + ")");
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out += static_cast<char16_t>(0xd800 + (cp >> 10));
			out += static_cast<char16_t>(0xdc00 + (cp & 0x3ff));
		} else {
			out += static_cast<char16_t>(cp);
		}
		i += n;
	}
	return out;
}

// UTF-16 to UTF-8; an unpaired surrogate is malformed data (EBADMSG).
std::string toUtf8(std::u16string_view in)
{
	std::string out;
	out.reserve(in.size());
	for (std::size_t i = 0; i < in.size(); i++) {
		char32_t cp = in[i];
		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < in.size() && in[i + 1] >= 0xdc00 && in[i + 1] <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (in[i + 1] - 0xdc00);
			i++;
		} else if (cp >= 0xd800 && cp <= 0xdfff) {
			badMessage("parcel: a String16 with an unpaired surrogate (unit " + std::to_string(i) + ")");
		}
		if (cp < 0x80) {
			out += static_cast<char>(cp);
		} else if (cp < 0x800) {
			out += static_cast<char>(0xc0 | cp >> 6);
			out += static_cast<char>(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out += static_cast<char>(0xe0 | cp >> 12);
			out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
			out += static_cast<char>(0x80 | (cp & 0x3f));
		} else {
			out += static_cast<char>(0xf0 | cp >> 18);
			out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
			out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
			out += static_cast<char>(0x80 | (cp & 0x3f));
		}
	}
	return out;
}

std::string hex(std::uint32_t v)
{
	std::ostringstream s;
	s << "0x" << std::hex << v;
	return s.str();
}

} // namespace

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
		Conversation::of(*owner_).freeBuffer(address_);
	owner_.reset();
	address_ = 0;
}

} // namespace detail

// Move: the moved-from parcel is empty and writable, and owns nothing; it
// keeps its dialect.
Parcel::Parcel(Parcel &&other) noexcept
	: dialect_(other.dialect_), dialectBound_(std::exchange(other.dialectBound_, false)), data_(std::move(other.data_)), offsets_(std::move(other.offsets_)),
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
		dialect_ = tmp.dialect_;
		dialectBound_ = tmp.dialectBound_;
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

// Writing.

void Parcel::checkWritable() const
{
	if (received_)
		throw Error(ErrorKind::Usage, EROFS, "a received parcel is read-only");
}

// Appends @n bytes and zero padding to a multiple of 4.
void Parcel::put(const void *p, std::size_t n)
{
	const std::size_t at = data_.size();
	data_.resize(at + pad4(n));
	if (n)
		std::memcpy(data_.data() + at, p, n);
}

template <class T> void Parcel::putValue(T v)
{
	static_assert(sizeof(T) == 4 || sizeof(T) == 8);
	checkWritable();
	put(&v, sizeof(v));
}

void Parcel::putLength(std::size_t n)
{
	if (n > kMaxLength)
		throw Error(ErrorKind::Parcel, EMSGSIZE, "parcel: " + std::to_string(n) + " items are too many");
	putValue(static_cast<std::int32_t>(n));
}

// A String16: the length, the units, a NUL unit, padding.
void Parcel::putUtf16(std::u16string_view s)
{
	putLength(s.size());
	const std::size_t at = data_.size();
	data_.resize(at + pad4((s.size() + 1) * sizeof(char16_t)));
	if (!s.empty())
		std::memcpy(data_.data() + at, s.data(), s.size() * sizeof(char16_t));
}

void Parcel::writeInt32(std::int32_t v) { putValue(v); }
void Parcel::writeUint32(std::uint32_t v) { putValue(v); }
void Parcel::writeInt64(std::int64_t v) { putValue(v); }
void Parcel::writeUint64(std::uint64_t v) { putValue(v); }
void Parcel::writeFloat(float v) { putValue(v); }
void Parcel::writeDouble(double v) { putValue(v); }
void Parcel::writeBool(bool v) { putValue<std::int32_t>(v ? 1 : 0); }
void Parcel::writeByte(std::int8_t v) { putValue<std::int32_t>(v); }
void Parcel::writeChar(char16_t v) { putValue<std::int32_t>(v); }
void Parcel::writeNullArray() { putValue<std::int32_t>(-1); }

void Parcel::writeString16(std::u16string_view s)
{
	checkWritable();
	putUtf16(s);
}

void Parcel::writeNullableString16(std::optional<std::u16string_view> s)
{
	if (s)
		writeString16(*s);
	else
		writeNullArray();
}

void Parcel::writeString(std::string_view utf8)
{
	checkWritable();
	putUtf16(toUtf16(utf8));
}

void Parcel::writeNullableString(std::optional<std::string_view> utf8)
{
	if (utf8)
		writeString(*utf8);
	else
		writeNullArray();
}

void Parcel::writeByteArray(std::span<const std::byte> bytes)
{
	checkWritable();
	putLength(bytes.size());
	put(bytes.data(), bytes.size());
}

void Parcel::writeNullableByteArray(std::optional<std::span<const std::byte>> bytes)
{
	if (bytes)
		writeByteArray(*bytes);
	else
		writeNullArray();
}

void Parcel::writeInt32Array(std::span<const std::int32_t> values)
{
	checkWritable();
	putLength(values.size());
	put(values.data(), values.size_bytes());
}

void Parcel::writeInt64Array(std::span<const std::int64_t> values)
{
	checkWritable();
	putLength(values.size());
	put(values.data(), values.size_bytes());
}

void Parcel::writeStringArray(std::span<const std::string> values)
{
	checkWritable();
	// Every string is converted first: a bad one writes nothing.
	std::vector<std::u16string> converted;
	converted.reserve(values.size());
	for (const auto &v : values)
		converted.push_back(toUtf16(v));
	putLength(converted.size());
	for (const auto &v : converted)
		putUtf16(v);
}

// A flat object, listed in the offsets array unless it is a null object.
void Parcel::putObject(const void *obj, bool listed)
{
	data_.reserve(data_.size() + kObjectSize + sizeof(std::int32_t));
	if (listed) {
		offsets_.push_back(data_.size());
	}
	put(obj, kObjectSize);
	dialectBound_ = true;
}

// What libbinder's finishFlattenBinder() appends from Android 11 on.
void Parcel::putStability(std::int32_t level, bool null)
{
	if (!hasStability(dialect_))
		return;
	if (null)
		level = kStabilityUndeclared;
	if (dialect_ == Dialect::Android12)
		putValue(static_cast<std::int32_t>(static_cast<std::uint32_t>(level) << 24 | kWireFormatVersion));
	else
		putValue(level);
}

void Parcel::writeNull()
{
	checkWritable();
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_BINDER;
	obj.flags = kSchedBits;
	putObject(&obj, false);
	putStability(kStabilityUndeclared, true);
}

void Parcel::writeBinder(const std::shared_ptr<Binder> &binder)
{
	checkWritable();
	if (!binder) {
		writeNull();
		return;
	}
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_BINDER;
	obj.flags = kLocalFlags;
	obj.binder = binder->id();
	obj.cookie = binder->id();
	binders_.reserve(binders_.size() + 1);
	offsets_.reserve(offsets_.size() + 1);
	putObject(&obj, true);
	putStability(kStabilitySystem, false);
	binders_.push_back(binder);
}

namespace {

// What we say of a handle's stability: what it came with, else system.
std::int32_t stabilityOf(const detail::HandleRecord &record)
{
	const std::int32_t s = record.stability.load(std::memory_order_relaxed);
	return s ? s : kStabilitySystem;
}

} // namespace

void Parcel::writeRemote(const Remote &remote)
{
	checkWritable();
	if (remote.isLocal()) {
		writeBinder(remote.local());
		return;
	}
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_HANDLE;
	obj.flags = kSchedBits;
	obj.handle = remote.handle();
	remotes_.reserve(remotes_.size() + 1);
	offsets_.reserve(offsets_.size() + 1);
	putObject(&obj, true);
	putStability(stabilityOf(detail::HandleTable::recordOf(remote)), false);
	remotes_.push_back(remote);
}

void Parcel::writeWeakRemote(const WeakRemote &remote)
{
	checkWritable();
	flat_binderlite_object obj{};
	const detail::HandleRecord *record = detail::HandleTable::recordOf(remote);
	if (!record) {
		// One of ours: a WEAK_BINDER while the object lives.
		const auto strong = remote.promote();
		std::shared_ptr<Binder> binder = strong ? strong->local() : nullptr;
		if (!binder) {
			writeNull();
			return;
		}
		obj.hdr.type = BINDERLITE_TYPE_WEAK_BINDER;
		obj.flags = kLocalFlags;
		obj.binder = binder->id();
		obj.cookie = binder->id();
		binders_.reserve(binders_.size() + 1);
		offsets_.reserve(offsets_.size() + 1);
		putObject(&obj, true);
		putStability(kStabilitySystem, false);
		binders_.push_back(std::move(binder));
		return;
	}
	obj.hdr.type = BINDERLITE_TYPE_WEAK_HANDLE;
	obj.flags = kSchedBits;
	obj.handle = remote.handle();
	weakRemotes_.reserve(weakRemotes_.size() + 1);
	offsets_.reserve(offsets_.size() + 1);
	putObject(&obj, true);
	putStability(stabilityOf(*record), false);
	weakRemotes_.push_back(remote);
}

// libbinder's writeFileDescriptor(): flags 0, and a cookie of 1 when the
// parcel owns the descriptor. No stability follows a descriptor.
void Parcel::writeFileDescriptor(int fd)
{
	checkWritable();
	if (fd < 0)
		throw Error(ErrorKind::Usage, EBADF, "writeFileDescriptor: no descriptor (" + std::to_string(fd) + ")");
	binderlite_fd_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_FD;
	obj.fd = static_cast<std::uint32_t>(fd);
	offsets_.reserve(offsets_.size() + 1);
	data_.reserve(data_.size() + kObjectSize);
	offsets_.push_back(data_.size());
	put(&obj, kObjectSize);
}

void Parcel::writeFileDescriptor(UniqueFd fd)
{
	checkWritable();
	fds_.reserve(fds_.size() + 1);
	writeFileDescriptor(fd.get());
	const binderlite_size_t at = offsets_.back();
	const std::uint64_t owned = 1;
	std::memcpy(data_.data() + at + offsetof(binderlite_fd_object, cookie), &owned, sizeof(owned));
	fds_.push_back({at, std::move(fd)});
}

void Parcel::writeInterfaceToken(std::string_view descriptor)
{
	checkWritable();
	const std::u16string name = toUtf16(descriptor);
	if (dialect_ >= Dialect::Android10) {
		putValue(kPenaltyGather);
		putValue(kUnsetWorkSource);
	} else {
		putValue(kPenaltyGatherOld);
	}
	if (dialect_ >= Dialect::Android11)
		putValue(kSystemHeader);
	putUtf16(name);
	dialectBound_ = true;
}

void Parcel::writeNoException() { putValue<std::int32_t>(0); }

// binder::Status::writeToParcel(): the code; then the message, an empty
// remote stack trace header, and the service-specific code (or an empty
// parcelable for EX_PARCELABLE).
void Parcel::writeStatus(const Status &status)
{
	checkWritable();
	if (status.exceptionCode() == ExceptionCode::TransactionFailed)
		throw Error(ErrorKind::Usage, EINVAL,
			    "writeStatus: a transaction error is no reply content; throw Error::fromStatus()");
	if (status.isOk()) {
		writeNoException();
		return;
	}
	const std::u16string message = toUtf16(status.message());
	putValue(static_cast<std::int32_t>(status.exceptionCode()));
	putUtf16(message);
	putValue<std::int32_t>(0);
	if (status.exceptionCode() == ExceptionCode::ServiceSpecific)
		putValue(status.serviceSpecificErrorCode());
	else if (status.exceptionCode() == ExceptionCode::Parcelable)
		putValue<std::int32_t>(0);
}

// A received buffer (Dispatcher::receive()): the parcel owns it from the
// first line on, so that it is freed (and the descriptors taken so far
// closed) also when the checks below throw.
Parcel::Parcel(std::shared_ptr<Process> owner, const binderlite_transaction_data &txn)
	: dialect_(owner->dialect()), received_(true), flags_(txn.flags), senderPid_(txn.sender_pid),
	  senderEuid_(txn.sender_euid)
{
	const Device &dev = owner->device();
	buffer_ = detail::PoolBuffer(std::move(owner), txn.data.ptr.buffer);

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
	view_ = {reinterpret_cast<const std::byte *>(static_cast<std::uintptr_t>(txn.data.ptr.buffer)),
		   static_cast<std::size_t>(txn.data_size)};
	if (txn.offsets_size)
		viewOffsets_ = {reinterpret_cast<const binderlite_size_t *>(
					  static_cast<std::uintptr_t>(txn.data.ptr.offsets)),
				  static_cast<std::size_t>(txn.offsets_size / sizeof(binderlite_size_t))};
	// Objects: aligned, inside the data, increasing, not overlapping.
	std::uint64_t min = 0;
	for (const binderlite_size_t off : viewOffsets_) {
		if (off % 4 || off < min || off > txn.data_size || txn.data_size - off < kObjectSize)
			fail("bad object offset");
		min = off + kObjectSize;
	}
	// The descriptors the driver installed for us are the parcel's from
	// here on, closed with it unless taken out.
	for (const binderlite_size_t off : viewOffsets_) {
		binderlite_fd_object obj;
		std::memcpy(&obj, view_.data() + off, sizeof(obj));
		if (obj.hdr.type != BINDERLITE_TYPE_FD)
			continue;
		if (obj.fd > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
			fail("a file descriptor object without a descriptor");
		fds_.push_back({off, UniqueFd(static_cast<int>(obj.fd))});
	}
}

// Reading.

// Puts the cursor back unless the read it guards commits.
class Parcel::Reader::Rewind {
public:
	explicit Rewind(Reader &r) noexcept : r_(r), pos_(r.pos_), next_(r.nextObject_) {}
	~Rewind()
	{
		if (!done_) {
			r_.pos_ = pos_;
			r_.nextObject_ = next_;
		}
	}
	Rewind(const Rewind &) = delete;
	Rewind &operator=(const Rewind &) = delete;
	void commit() noexcept { done_ = true; }

private:
	Reader &r_;
	std::size_t pos_;
	std::size_t next_;
	bool done_ = false;
};

const std::byte *Parcel::Reader::take(std::size_t n, const char *what)
{
	const std::size_t padded = pad4(n);
	if (remaining() < padded) {
		if (atEnd())
			noData(std::string("parcel: read past the end (") + what + ")");
		noData(std::string("parcel: ") + what + " cut by the end of the data (" + std::to_string(padded) +
		       " bytes at offset " + std::to_string(pos_) + ", " + std::to_string(remaining()) + " left)");
	}
	const std::size_t end = pos_ + padded;
	// No plain value may cover an object.
	const auto offsets = parcel_->offsets();
	if (nextObject_ < offsets.size() && offsets[nextObject_] < end)
		badMessage(std::string("parcel: an object (at offset ") + std::to_string(offsets[nextObject_]) +
			   ") where " + what + " was expected at offset " + std::to_string(pos_));
	const std::byte *p = parcel_->data().data() + pos_;
	pos_ = end;
	return p;
}

template <class T> T Parcel::Reader::readValue(const char *what)
{
	T v;
	std::memcpy(&v, take(sizeof(T), what), sizeof(T));
	return v;
}

std::int32_t Parcel::Reader::readInt32() { return readValue<std::int32_t>("int32"); }
std::uint32_t Parcel::Reader::readUint32() { return readValue<std::uint32_t>("uint32"); }
std::int64_t Parcel::Reader::readInt64() { return readValue<std::int64_t>("int64"); }
std::uint64_t Parcel::Reader::readUint64() { return readValue<std::uint64_t>("uint64"); }
float Parcel::Reader::readFloat() { return readValue<float>("float"); }
double Parcel::Reader::readDouble() { return readValue<double>("double"); }

bool Parcel::Reader::readBool()
{
	Rewind r(*this);
	const auto v = readValue<std::int32_t>("bool");
	if (v != 0 && v != 1)
		badMessage("parcel: a bool neither 0 nor 1 (" + std::to_string(v) + ")");
	r.commit();
	return v == 1;
}

std::int8_t Parcel::Reader::readByte()
{
	Rewind r(*this);
	const auto v = readValue<std::int32_t>("byte");
	if (v < -128 || v > 255)
		badMessage("parcel: a byte out of range (" + std::to_string(v) + ")");
	r.commit();
	return static_cast<std::int8_t>(static_cast<std::uint8_t>(v & 0xff));
}

char16_t Parcel::Reader::readChar()
{
	Rewind r(*this);
	const auto v = readValue<std::int32_t>("char");
	if (v < 0 || v > 0xffff)
		badMessage("parcel: a char out of range (" + std::to_string(v) + ")");
	r.commit();
	return static_cast<char16_t>(v);
}

std::optional<std::size_t> Parcel::Reader::readLength(std::size_t itemSize, const char *what)
{
	const auto n = readValue<std::int32_t>(what);
	if (n == -1)
		return std::nullopt;
	if (n < 0)
		badMessage(std::string("parcel: ") + what + " of negative length " + std::to_string(n));
	// Never trust a length to allocate: the items must be there.
	if (static_cast<std::size_t>(n) > remaining() / itemSize)
		noData(std::string("parcel: ") + what + " of " + std::to_string(n) + " items cut by the end of the data");
	return static_cast<std::size_t>(n);
}

std::optional<std::u16string_view> Parcel::Reader::readUtf16(const char *what)
{
	Rewind r(*this);
	const auto n = readLength(sizeof(char16_t), what);
	if (!n) {
		r.commit();
		return std::nullopt;
	}
	const std::byte *p = take((*n + 1) * sizeof(char16_t), what);
	char16_t nul;
	std::memcpy(&nul, p + *n * sizeof(char16_t), sizeof(nul));
	if (nul != 0)
		badMessage(std::string("parcel: ") + what + " without its NUL");
	r.commit();
	// Units are 2-byte aligned: the data is 4-aligned (pool, or vector).
	return std::u16string_view(reinterpret_cast<const char16_t *>(p), *n);
}

std::optional<std::u16string> Parcel::Reader::readNullableString16()
{
	const auto s = readUtf16("String16");
	if (!s)
		return std::nullopt;
	return std::u16string(*s);
}

std::u16string Parcel::Reader::readString16()
{
	Rewind r(*this);
	auto s = readNullableString16();
	if (!s)
		badMessage("parcel: a null String16 where a string was expected");
	r.commit();
	return std::move(*s);
}

std::optional<std::string> Parcel::Reader::readNullableString()
{
	Rewind r(*this);
	const auto s = readUtf16("String16");
	std::optional<std::string> out;
	if (s)
		out = toUtf8(*s);
	r.commit();
	return out;
}

std::string Parcel::Reader::readString()
{
	Rewind r(*this);
	auto s = readNullableString();
	if (!s)
		badMessage("parcel: a null String16 where a string was expected");
	r.commit();
	return std::move(*s);
}

std::span<const std::byte> Parcel::Reader::readByteSpan()
{
	Rewind r(*this);
	const auto n = readLength(1, "byte array");
	if (!n)
		badMessage("parcel: a null byte array where one was expected");
	const std::byte *p = take(*n, "byte array");
	r.commit();
	return {p, *n};
}

std::vector<std::byte> Parcel::Reader::readByteArray()
{
	const auto bytes = readByteSpan();
	return {bytes.begin(), bytes.end()};
}

std::optional<std::vector<std::byte>> Parcel::Reader::readNullableByteArray()
{
	Rewind r(*this);
	const auto n = readLength(1, "byte array");
	std::optional<std::vector<std::byte>> out;
	if (n) {
		const std::byte *p = take(*n, "byte array");
		out.emplace(p, p + *n);
	}
	r.commit();
	return out;
}

std::vector<std::int32_t> Parcel::Reader::readInt32Array()
{
	Rewind r(*this);
	const auto n = readLength(sizeof(std::int32_t), "int32 array");
	if (!n)
		badMessage("parcel: a null int32 array where one was expected");
	std::vector<std::int32_t> out(*n);
	if (*n)
		std::memcpy(out.data(), take(*n * sizeof(std::int32_t), "int32 array"), *n * sizeof(std::int32_t));
	r.commit();
	return out;
}

std::vector<std::int64_t> Parcel::Reader::readInt64Array()
{
	Rewind r(*this);
	const auto n = readLength(sizeof(std::int64_t), "int64 array");
	if (!n)
		badMessage("parcel: a null int64 array where one was expected");
	std::vector<std::int64_t> out(*n);
	if (*n)
		std::memcpy(out.data(), take(*n * sizeof(std::int64_t), "int64 array"), *n * sizeof(std::int64_t));
	r.commit();
	return out;
}

std::vector<std::string> Parcel::Reader::readStringArray()
{
	Rewind r(*this);
	// Each string takes 4 bytes at least (a null one).
	const auto n = readLength(sizeof(std::int32_t), "string array");
	if (!n)
		badMessage("parcel: a null string array where one was expected");
	std::vector<std::string> out;
	out.reserve(*n);
	for (std::size_t i = 0; i < *n; i++)
		out.push_back(readString());
	r.commit();
	return out;
}

void Parcel::Reader::skipTo(std::size_t pos)
{
	if (pos < pos_ || pos > parcel_->size())
		badMessage("parcel: a header whose size leads outside the data");
	const auto offsets = parcel_->offsets();
	while (nextObject_ < offsets.size() && offsets[nextObject_] < pos) {
		if (offsets[nextObject_] + kObjectSize > pos)
			badMessage("parcel: a header that ends inside an object");
		nextObject_++;
	}
	pos_ = pos;
}

std::optional<Parcel::Reader::Object> Parcel::Reader::readObject(bool weak, const char *what)
{
	Rewind r(*this);
	if (remaining() < kObjectSize)
		noData(std::string("parcel: ") + what + (atEnd() ? ": read past the end" : " cut by the end of the data"));
	const std::size_t at = pos_;
	const auto offsets = parcel_->offsets();
	const bool listed = nextObject_ < offsets.size() && offsets[nextObject_] == at;
	Object obj{};
	std::memcpy(&obj.flat, parcel_->data().data() + at, sizeof(obj.flat));
	const bool null = obj.flat.hdr.type == BINDERLITE_TYPE_BINDER && obj.flat.binder == 0 && obj.flat.cookie == 0;
	if (!listed) {
		// Only a null object is left out of the offsets array.
		if (!null)
			badMessage(std::string("parcel: ") + what + " at offset " + std::to_string(at) +
				   " is not listed in the offsets array");
		if (nextObject_ < offsets.size() && offsets[nextObject_] < at + kObjectSize)
			badMessage(std::string("parcel: ") + what + " overlapping an object");
	}
	const auto type = obj.flat.hdr.type;
	const bool strongType = type == BINDERLITE_TYPE_BINDER || type == BINDERLITE_TYPE_HANDLE;
	const bool weakType = type == BINDERLITE_TYPE_WEAK_BINDER || type == BINDERLITE_TYPE_WEAK_HANDLE;
	if (!strongType && !(weak && weakType))
		badMessage(std::string("parcel: ") + what + " of type " + hex(type) +
			   (weakType ? " (a weak reference where a strong one was expected)" : ""));
	pos_ = at + kObjectSize;
	if (listed)
		nextObject_++;
	const Dialect d = parcel_->dialect();
	if (hasStability(d)) {
		const auto s = readValue<std::int32_t>("stability");
		std::int32_t level = s;
		bool ok;
		if (d == Dialect::Android12) {
			// {version, reserved[2], level}
			const auto u = static_cast<std::uint32_t>(s);
			level = static_cast<std::int32_t>(u >> 24);
			const bool reservedZero = (u & 0x00ffff00) == 0;
			ok = reservedZero && (null ? level == 0 : (u & 0xff) == kWireFormatVersion && isDeclared(level));
		} else {
			ok = null ? level == kStabilityUndeclared : isDeclared(level);
		}
		if (!ok)
			badMessage(std::string("parcel: ") + (null ? "a null object" : what) + " with stability " +
				   hex(static_cast<std::uint32_t>(s)));
		obj.stability = level;
	}
	r.commit();
	if (null)
		return std::nullopt;
	return obj;
}

Remote Parcel::Reader::toRemote(const Object &obj) const
{
	const Parcel &p = *parcel_;
	const auto &flat = obj.flat;
	if (p.received_) {
		Process &owner = *p.buffer_.owner();
		if (flat.hdr.type == BINDERLITE_TYPE_HANDLE)
			return detail::HandleTable::of(owner).remoteFor(flat.handle, obj.stability);
		return Remote(detail::NodeTable::of(owner).get(flat.binder, flat.cookie));
	}
	// A parcel of ours: the objects are the ones it keeps.
	if (flat.hdr.type == BINDERLITE_TYPE_HANDLE) {
		for (const Remote &r : p.remotes_)
			if (r.handle() == flat.handle)
				return r;
	} else {
		for (const auto &b : p.binders_)
			if (b->id() == flat.binder)
				return Remote(b);
	}
	badMessage("parcel: an object this parcel does not hold");
}

WeakRemote Parcel::Reader::toWeakRemote(const Object &obj) const
{
	const Parcel &p = *parcel_;
	const auto &flat = obj.flat;
	const bool handle = flat.hdr.type == BINDERLITE_TYPE_HANDLE || flat.hdr.type == BINDERLITE_TYPE_WEAK_HANDLE;
	if (p.received_) {
		Process &owner = *p.buffer_.owner();
		if (handle)
			return detail::HandleTable::of(owner).weakRemoteFor(flat.handle, obj.stability);
		// One of ours, maybe gone: a weak reference to nothing.
		return detail::HandleTable::weakToLocal(detail::NodeTable::of(owner).find(flat.binder, flat.cookie));
	}
	if (handle) {
		for (const WeakRemote &w : p.weakRemotes_)
			if (detail::HandleTable::recordOf(w) && w.handle() == flat.handle)
				return w;
		for (const Remote &r : p.remotes_)
			if (r.handle() == flat.handle)
				return r.weak();
	} else {
		for (const auto &b : p.binders_)
			if (b->id() == flat.binder)
				return detail::HandleTable::weakToLocal(b);
	}
	badMessage("parcel: an object this parcel does not hold");
}

std::optional<Remote> Parcel::Reader::readOptionalRemote()
{
	Rewind r(*this);
	const auto obj = readObject(false, "a binder object");
	std::optional<Remote> out;
	if (obj)
		out = toRemote(*obj);
	r.commit();
	return out;
}

Remote Parcel::Reader::readRemote()
{
	Rewind r(*this);
	auto out = readOptionalRemote();
	if (!out)
		badMessage("parcel: a null object where an object was expected");
	r.commit();
	return std::move(*out);
}

std::shared_ptr<Binder> Parcel::Reader::readBinder()
{
	Rewind r(*this);
	auto remote = readOptionalRemote();
	if (remote && !remote->isLocal())
		badMessage("parcel: a handle to another process's object, not one of ours");
	r.commit();
	return remote ? remote->local() : nullptr;
}

std::optional<WeakRemote> Parcel::Reader::readOptionalWeakRemote()
{
	Rewind r(*this);
	const auto obj = readObject(true, "a binder object");
	std::optional<WeakRemote> out;
	if (obj)
		out = toWeakRemote(*obj);
	r.commit();
	return out;
}

WeakRemote Parcel::Reader::readWeakRemote()
{
	Rewind r(*this);
	auto out = readOptionalWeakRemote();
	if (!out)
		badMessage("parcel: a null object where a weak object was expected");
	r.commit();
	return std::move(*out);
}

UniqueFd Parcel::Reader::readFileDescriptor()
{
	if (remaining() < kObjectSize)
		noData(atEnd() ? "parcel: read past the end (a file descriptor)"
			       : "parcel: a file descriptor cut by the end of the data");
	const auto offsets = parcel_->offsets();
	if (nextObject_ >= offsets.size() || offsets[nextObject_] != pos_)
		badMessage("parcel: a file descriptor at offset " + std::to_string(pos_) +
			   " is not listed in the offsets array");
	binderlite_fd_object obj;
	std::memcpy(&obj, parcel_->data().data() + pos_, sizeof(obj));
	if (obj.hdr.type != BINDERLITE_TYPE_FD)
		badMessage("parcel: an object of type " + hex(obj.hdr.type) + " where a file descriptor was expected");
	UniqueFd fd;
	if (parcel_->received_) {
		auto it = std::find_if(parcel_->fds_.begin(), parcel_->fds_.end(),
				       [&](const OwnedFd &o) { return o.offset == pos_; });
		if (it == parcel_->fds_.end() || !it->fd)
			throw Error(ErrorKind::Usage, EBADF,
				    "parcel: the file descriptor at offset " + std::to_string(pos_) +
					    " was taken out already");
		fd = std::move(it->fd);
	} else {
		// Ours: the receiver's own descriptor of the same file.
		fd = UniqueFd::dup(static_cast<int>(obj.fd));
	}
	pos_ += kObjectSize;
	nextObject_++;
	return fd;
}

InterfaceToken Parcel::Reader::readInterfaceToken()
{
	Rewind r(*this);
	InterfaceToken token;
	const Dialect d = parcel_->dialect();
	token.strictModePolicy = readValue<std::int32_t>("interface token");
	if (d >= Dialect::Android10)
		token.workSource = readValue<std::int32_t>("interface token");
	if (d >= Dialect::Android11) {
		const auto header = readValue<std::int32_t>("interface token");
		if (header != kSystemHeader)
			badMessage("parcel: an interface token with the header " +
				   hex(static_cast<std::uint32_t>(header)) + ", not 'SYST' (" + toString(d) + ")");
	}
	token.descriptor = readString();
	r.commit();
	return token;
}

void Parcel::Reader::enforceInterface(std::string_view descriptor)
{
	Rewind r(*this);
	std::string found;
	try {
		found = readInterfaceToken().descriptor;
	} catch (const Error &e) {
		throw Error(Status::fromStatusT(kBadType), std::string("interface token: ") + e.what());
	}
	if (found != descriptor)
		throw Error(Status::fromStatusT(kBadType),
			    "interface token \"" + found + "\", not \"" + std::string(descriptor) + "\"");
	r.commit();
}

// binder::Status::readFromParcel(), and the reply headers Java writes
// before it: noted app-ops (-127: a count and as many entries of a
// String16 and two int64) and StrictMode's (-128: its size, which
// counts the size field; the call succeeded).
Status Parcel::Reader::readStatus()
{
	Rewind r(*this);
	auto code = readValue<std::int32_t>("status");
	if (code == static_cast<std::int32_t>(ExceptionCode::HasNotedAppOpsReplyHeader)) {
		const auto n = readLength(3 * sizeof(std::int32_t), "noted app-ops header");
		for (std::size_t i = 0; n && i < *n; i++) {
			(void)readUtf16("noted app-op");
			(void)readValue<std::int64_t>("noted app-op");
			(void)readValue<std::int64_t>("noted app-op");
		}
		code = readValue<std::int32_t>("status");
	}
	if (code == static_cast<std::int32_t>(ExceptionCode::HasReplyHeader)) {
		const std::size_t start = pos_;
		const auto size = readValue<std::int32_t>("reply header");
		if (size != 0) {
			if (size < 4)
				badMessage("parcel: a reply header of size " + std::to_string(size));
			skipTo(start + static_cast<std::size_t>(size));
		}
		r.commit();
		return Status::ok();
	}
	if (code == 0) {
		r.commit();
		return Status::ok();
	}
	// Java may send a null message.
	std::string message = readNullableString().value_or("");
	const auto skipHeader = [this](const char *what) {
		const std::size_t start = pos_;
		const auto size = readValue<std::int32_t>(what);
		if (size == 0)
			return;
		if (size < 4)
			badMessage(std::string("parcel: a ") + what + " of size " + std::to_string(size));
		skipTo(start + static_cast<std::size_t>(size));
	};
	skipHeader("remote stack trace header");
	Status status;
	const auto exception = static_cast<ExceptionCode>(code);
	if (exception == ExceptionCode::ServiceSpecific) {
		status = Status::fromServiceSpecificError(readValue<std::int32_t>("service-specific error"),
							  std::move(message));
	} else {
		if (exception == ExceptionCode::Parcelable)
			skipHeader("parcelable exception");
		status = Status::fromExceptionCode(exception, std::move(message));
	}
	r.commit();
	return status;
}

void Parcel::Reader::readException()
{
	Rewind r(*this);
	const Status status = readStatus();
	if (!status.isOk())
		throw Error(status, "the call failed");
	r.commit();
}

void Parcel::Reader::expectEnd() const
{
	if (!atEnd())
		badMessage("parcel: " + std::to_string(remaining()) + " bytes left unread");
}

} // namespace binderlite
