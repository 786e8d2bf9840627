// SPDX-License-Identifier: GPL-2.0
#include "fake_driver.hpp"

#include "dispatch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

namespace fake {

namespace {

template <class T> std::uint64_t addr(const T *p) { return reinterpret_cast<std::uintptr_t>(p); }
} // namespace

Returns &Returns::put(std::uint32_t code, const void *arg, std::size_t size)
{
	const auto *c = reinterpret_cast<const std::byte *>(&code);
	bytes_.insert(bytes_.end(), c, c + sizeof(code));
	const auto *a = static_cast<const std::byte *>(arg);
	if (size)
		bytes_.insert(bytes_.end(), a, a + size);
	return *this;
}

Returns &Returns::ref(std::uint32_t code, std::uint64_t ptr, std::uint64_t cookie)
{
	const binderlite_ptr_cookie pc{.ptr = ptr, .cookie = cookie};
	return put(code, &pc, sizeof(pc));
}

RawParcel &RawParcel::word(std::uint32_t w)
{
	const auto *p = reinterpret_cast<const std::byte *>(&w);
	data.insert(data.end(), p, p + 4);
	return *this;
}

RawParcel &RawParcel::u64(std::uint64_t v)
{
	const auto *p = reinterpret_cast<const std::byte *>(&v);
	data.insert(data.end(), p, p + 8);
	return *this;
}

RawParcel &RawParcel::str(std::string_view s)
{
	// UTF-8 of the BMP (1 to 3 bytes a character) to UTF-16 units.
	std::vector<char16_t> units;
	for (std::size_t i = 0; i < s.size();) {
		const auto c = static_cast<unsigned char>(s[i]);
		if (c < 0x80) {
			units.push_back(c);
			i += 1;
		} else if ((c & 0xe0) == 0xc0) {
			units.push_back(static_cast<char16_t>((c & 0x1f) << 6 | (s[i + 1] & 0x3f)));
			i += 2;
		} else {
			units.push_back(static_cast<char16_t>((c & 0x0f) << 12 | (s[i + 1] & 0x3f) << 6 |
							      (s[i + 2] & 0x3f)));
			i += 3;
		}
	}
	word(static_cast<std::uint32_t>(units.size()));
	units.push_back(0);
	const auto *p = reinterpret_cast<const std::byte *>(units.data());
	data.insert(data.end(), p, p + units.size() * 2);
	data.resize((data.size() + 3) & ~std::size_t{3});
	return *this;
}

RawParcel &RawParcel::bytes(std::span<const std::byte> b)
{
	word(static_cast<std::uint32_t>(b.size()));
	data.insert(data.end(), b.begin(), b.end());
	data.resize((data.size() + 3) & ~std::size_t{3});
	return *this;
}

RawParcel &RawParcel::token(std::string_view descriptor)
{
	return word(0x80000000).word(0xffffffff).word(0x53595354).str(descriptor);
}

RawParcel &RawParcel::object(const flat_binderlite_object &obj, bool listed)
{
	if (listed)
		offsets.push_back(data.size());
	const auto *p = reinterpret_cast<const std::byte *>(&obj);
	data.insert(data.end(), p, p + sizeof(obj));
	return *this;
}

RawParcel &RawParcel::handle(std::uint32_t h, std::uint32_t l)
{
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_HANDLE;
	obj.flags = 19;
	obj.handle = h;
	return object(obj).level(l);
}

RawParcel &RawParcel::binder(std::uint64_t ptr, std::uint64_t cookie, std::uint32_t flags)
{
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_BINDER;
	obj.flags = flags;
	obj.binder = ptr;
	obj.cookie = cookie;
	return object(obj).level(0x0c);
}

RawParcel &RawParcel::null()
{
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_BINDER;
	obj.flags = 19;
	return object(obj, false).level(0);
}

RawParcel &RawParcel::fd(int fd, std::uint64_t cookie)
{
	binderlite_fd_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_FD;
	obj.pad_binder = 0;
	obj.fd = static_cast<std::uint32_t>(fd);
	obj.cookie = cookie;
	offsets.push_back(data.size());
	const auto *p = reinterpret_cast<const std::byte *>(&obj);
	data.insert(data.end(), p, p + sizeof(obj));
	return *this;
}

RawParcel &RawParcel::weakHandle(std::uint32_t h)
{
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_WEAK_HANDLE;
	obj.flags = 19;
	obj.handle = h;
	return object(obj).level(0x0c);
}

RawParcel &RawParcel::weakBinder(std::uint64_t ptr, std::uint64_t cookie)
{
	flat_binderlite_object obj{};
	obj.hdr.type = BINDERLITE_TYPE_WEAK_BINDER;
	obj.flags = BINDERLITE_FLAG_ACCEPTS_FDS | 19;
	obj.binder = ptr;
	obj.cookie = cookie;
	return object(obj).level(0x0c);
}

std::vector<std::byte> hexBytes(std::string_view hex)
{
	std::vector<std::byte> out;
	int hi = -1;
	for (const char c : hex) {
		int v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out.push_back(static_cast<std::byte>(hi << 4 | v));
			hi = -1;
		}
	}
	return out;
}

std::string hexDump(std::span<const std::byte> bytes)
{
	static const char kDigits[] = "0123456789abcdef";
	std::string out;
	for (std::size_t i = 0; i < bytes.size(); i++) {
		if (i && i % 16 == 0)
			out += '\n';
		else if (i && i % 4 == 0)
			out += ' ';
		const auto b = static_cast<unsigned>(bytes[i]);
		out += kDigits[b >> 4];
		out += kDigits[b & 15];
	}
	return out;
}

void State::script(const Returns &r)
{
	std::lock_guard g(m);
	reads.push_back(r.bytes());
	cv.notify_all();
}

binderlite_transaction_data State::deliver(const std::vector<std::byte> &data,
					   const std::vector<binderlite_size_t> &offs, std::uint32_t code,
					   std::uint32_t flags, std::uint64_t target, std::uint64_t cookie)
{
	std::lock_guard g(m);
	const std::size_t need = ((data.size() + 7) & ~std::size_t{7}) + offs.size() * 8;
	auto *base = reinterpret_cast<std::byte *>(poolStorage.data());
	const std::size_t size = poolStorage.size() * 8;
	if (poolUsed + need > size)
		poolUsed = 0; // wrap: tests never hold that much
	std::byte *d = base + poolUsed;
	if (!data.empty())
		std::memcpy(d, data.data(), data.size());
	std::byte *o = d + ((data.size() + 7) & ~std::size_t{7});
	if (!offs.empty())
		std::memcpy(o, offs.data(), offs.size() * 8);
	poolUsed += need ? need : 8;

	binderlite_transaction_data t{};
	t.target.ptr = target;
	t.cookie = cookie;
	t.code = code;
	t.flags = flags;
	t.sender_pid = (flags & BINDERLITE_TF_ONE_WAY) ? 0 : 4242;
	t.sender_euid = 1000;
	t.data_size = data.size();
	t.offsets_size = offs.size() * 8;
	t.data.ptr.buffer = addr(d);
	t.data.ptr.offsets = addr(o);
	return t;
}

binderlite_transaction_data State::statusReply(std::int32_t status)
{
	std::vector<std::byte> d(4);
	std::memcpy(d.data(), &status, 4);
	return deliver(d, {}, 0, BINDERLITE_TF_STATUS_CODE);
}

std::vector<Command> State::only(std::uint32_t code)
{
	std::lock_guard g(m);
	std::vector<Command> out;
	std::copy_if(commands.begin(), commands.end(), std::back_inserter(out),
		     [&](const Command &c) { return c.code == code; });
	return out;
}

std::vector<std::uint32_t> State::codes()
{
	std::lock_guard g(m);
	std::vector<std::uint32_t> out;
	for (const auto &c : commands)
		out.push_back(c.code);
	return out;
}

std::vector<std::uint32_t> State::refCodes()
{
	std::lock_guard g(m);
	std::vector<std::uint32_t> out;
	for (const auto &c : commands)
		if (c.code == BINDERLITE_BC_INCREFS || c.code == BINDERLITE_BC_ACQUIRE ||
		    c.code == BINDERLITE_BC_RELEASE || c.code == BINDERLITE_BC_DECREFS)
			out.push_back(c.code);
	return out;
}

void State::clearLog()
{
	std::lock_guard g(m);
	commands.clear();
	ioctls.clear();
}

std::vector<std::uint64_t> State::freed()
{
	std::vector<std::uint64_t> out;
	for (const auto &c : only(BINDERLITE_BC_FREE_BUFFER))
		out.push_back(c.u64());
	return out;
}

int FakeDriver::ioctl(unsigned long request, void *arg) noexcept
{
	std::unique_lock g(s_->m);
	s_->ioctls.push_back(request);
	switch (request) {
	case BINDERLITE_VERSION:
		static_cast<binderlite_version *>(arg)->protocol_version = s_->version;
		return 0;
	case BINDERLITE_WRITE_READ:
		return writeRead(*static_cast<binderlite_write_read *>(arg));
	case BINDERLITE_SET_MAX_THREADS:
		s_->maxThreads = *static_cast<std::uint32_t *>(arg);
		return 0;
	case BINDERLITE_SET_CONTEXT_MGR_EXT:
		if (s_->contextManagerError)
			return -s_->contextManagerError;
		s_->contextManager = *static_cast<flat_binderlite_object *>(arg);
		return 0;
	case BINDERLITE_GET_EXTENDED_ERROR:
		*static_cast<binderlite_extended_error *>(arg) = s_->ext;
		s_->ext = {0, BINDERLITE_BR_OK, 0};
		return 0;
	case BINDERLITE_THREAD_EXIT:
		s_->threadExits++;
		return 0;
	case BINDERLITE_FREEZE:
		s_->freezes.push_back(*static_cast<binderlite_freeze_info *>(arg));
		return -std::exchange(s_->freezeError, 0);
	case BINDERLITE_GET_FROZEN_INFO: {
		auto *info = static_cast<binderlite_frozen_status_info *>(arg);
		if (s_->frozenInfoError)
			return -s_->frozenInfoError;
		const std::uint32_t pid = info->pid;
		*info = s_->frozenInfo;
		info->pid = pid;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

// Lock held.
int FakeDriver::writeRead(binderlite_write_read &bwr)
{
	if (s_->writeReadError) {
		const int e = std::exchange(s_->writeReadError, 0);
		return -e;
	}
	const auto *w = reinterpret_cast<const std::byte *>(static_cast<std::uintptr_t>(bwr.write_buffer));
	while (bwr.write_consumed < bwr.write_size) {
		Command c;
		if (bwr.write_size - bwr.write_consumed < 4)
			return -EINVAL;
		std::memcpy(&c.code, w + bwr.write_consumed, 4);
		const std::size_t size = _IOC_SIZE(c.code);
		if (bwr.write_size - bwr.write_consumed - 4 < size)
			return -EINVAL;
		const std::byte *a = w + bwr.write_consumed + 4;
		c.arg.assign(a, a + size);
		if (c.code == BINDERLITE_BC_TRANSACTION || c.code == BINDERLITE_BC_REPLY) {
			const auto t = c.txn();
			const auto *d = reinterpret_cast<const std::byte *>(static_cast<std::uintptr_t>(t.data.ptr.buffer));
			if (t.data_size)
				c.data.assign(d, d + t.data_size);
			const auto *o = reinterpret_cast<const binderlite_size_t *>(
				static_cast<std::uintptr_t>(t.data.ptr.offsets));
			if (t.offsets_size)
				c.offsets.assign(o, o + t.offsets_size / 8);
		}
		bwr.write_consumed += 4 + size;
		s_->commands.push_back(c);
		if (s_->onCommand)
			s_->onCommand(*s_, s_->commands.back());
	}
	if (!bwr.read_size)
		return 0;
	s_->readsDone++;
	const std::uint64_t gen = s_->wakeGen;
	std::unique_lock lk(s_->m, std::adopt_lock);
	if (s_->blocking)
		s_->cv.wait(lk, [&] { return !s_->reads.empty() || s_->wakeGen != gen; });
	lk.release();
	auto *r = reinterpret_cast<std::byte *>(static_cast<std::uintptr_t>(bwr.read_buffer));
	if (s_->reads.empty()) {
		if (!s_->blocking) {
			ADD_FAILURE() << "fake driver: a read with nothing scripted";
			return -ENOMSG;
		}
		// Woken by a flush: only BR_NOOP.
		const std::uint32_t noop = BINDERLITE_BR_NOOP;
		std::memcpy(r, &noop, 4);
		bwr.read_consumed = 4;
		return 0;
	}
	auto chunk = std::move(s_->reads.front());
	s_->reads.pop_front();
	if (chunk.size() > bwr.read_size) {
		ADD_FAILURE() << "fake driver: scripted read larger than the read buffer";
		return -EINVAL;
	}
	std::memcpy(r, chunk.data(), chunk.size());
	bwr.read_consumed = chunk.size();
	return 0;
}

std::span<const std::byte> FakeDriver::map(std::size_t size)
{
	std::lock_guard g(s_->m);
	if (s_->mapError)
		throw binderlite::Error(binderlite::ErrorKind::System, s_->mapError, "fake: mmap");
	s_->poolStorage.assign((size + 7) / 8, 0);
	return {reinterpret_cast<const std::byte *>(s_->poolStorage.data()), size};
}

void FakeDriver::wakeAll() noexcept
{
	std::lock_guard g(s_->m);
	s_->wakes++;
	s_->wakeGen++;
	s_->cv.notify_all();
}

Fixture::Fixture(std::size_t poolSize, binderlite::Dialect dialect)
{
	process = binderlite::Process::create(std::make_unique<FakeDriver>(state), poolSize, dialect);
	process->setErrorHandler([e = errors](std::string_view msg) { e->add(msg); });
}

binderlite::Parcel received(Fixture &f, const binderlite_transaction_data &txn)
{
	return binderlite::detail::Dispatcher::receive(f.process, txn);
}

binderlite::Parcel received(Fixture &f, const RawParcel &raw) { return received(f, f.state->deliver(raw)); }

void serveOne(Fixture &f, const binderlite_transaction_data &call, bool expectReply)
{
	binderlite::Remote r = remoteTo(f, 5);
	f.state->script(Returns().noop().transaction(call));
	if (expectReply)
		f.state->script(Returns().noop().complete());
	f.state->script(Returns().noop().complete());
	r.transactOneway(100, binderlite::Parcel());
}

binderlite::Remote remoteTo(Fixture &f, std::uint32_t handle)
{
	RawParcel raw;
	raw.stability = f.process->dialect() >= binderlite::Dialect::Android11;
	if (f.process->dialect() == binderlite::Dialect::Android12)
		raw.handle(handle, 0x0c000001);
	else
		raw.handle(handle);
	binderlite::Parcel p = received(f, raw);
	binderlite::Remote r = p.reader().readRemote();
	p = binderlite::Parcel();
	f.state->clearLog();
	return r;
}

} // namespace fake
