// SPDX-License-Identifier: GPL-2.0
//
// Sockets and pipes: see stream.hpp.
#include "stream.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace blbench::stream {

namespace {

// Writes every byte of @iov (modified as it goes).
void writeAll(int fd, iovec *iov, int n)
{
	while (n > 0) {
		ssize_t done = ::writev(fd, iov, n);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			throwErrno("writev");
		}
		while (n > 0 && static_cast<std::size_t>(done) >= iov->iov_len) {
			done -= static_cast<ssize_t>(iov->iov_len);
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = static_cast<char *>(iov->iov_base) + done;
			iov->iov_len -= static_cast<std::size_t>(done);
		}
	}
}

void writeMessage(int fd, std::uint32_t code, std::span<const std::byte> data)
{
	Header h{.code = code, .pad = 0, .size = data.size()};
	iovec iov[2] = {
		{.iov_base = &h, .iov_len = sizeof(h)},
		{.iov_base = const_cast<std::byte *>(data.data()), .iov_len = data.size()},
	};
	writeAll(fd, iov, data.empty() ? 1 : 2);
}

// Reads exactly @n bytes; false at end of file before the first.
bool readAll(int fd, void *dst, std::size_t n)
{
	auto *p = static_cast<char *>(dst);
	std::size_t got = 0;
	while (got < n) {
		const ssize_t r = ::read(fd, p + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			throwErrno("read");
		}
		if (r == 0) {
			if (got == 0)
				return false;
			throw Failure("read: end of file inside a message");
		}
		got += static_cast<std::size_t>(r);
	}
	return true;
}

void serveOne(const Duplex &conn, binder::ServerCounters *counters)
{
	std::vector<std::byte> buf;
	Header h{};
	while (readAll(conn.in.get(), &h, sizeof(h))) {
		if (buf.size() < h.size)
			buf.resize(h.size);
		if (h.size && !readAll(conn.in.get(), buf.data(), h.size))
			throw Failure("read: end of file inside a message");
		switch (h.code) {
		case binder::kCodeOneway:
			if (counters) {
				counters->onewayBytes.fetch_add(h.size, std::memory_order_relaxed);
				counters->oneways.fetch_add(1);
			}
			break;
		case binder::kCodeEcho:
			writeMessage(conn.out.get(), h.code, {buf.data(), h.size});
			break;
		default:
			writeMessage(conn.out.get(), h.code, {});
			break;
		}
	}
}

} // namespace

void Client::call(std::uint32_t code, std::span<const std::byte> data)
{
	writeMessage(conn_.out.get(), code, data);
	Header h{};
	if (!readAll(conn_.in.get(), &h, sizeof(h)))
		throw Failure("the stream server hung up");
	if (buf_.size() < h.size)
		buf_.resize(h.size);
	if (h.size && !readAll(conn_.in.get(), buf_.data(), h.size))
		throw Failure("the stream server hung up");
	replySize_ = h.size;
}

void Client::send(std::uint32_t code, std::span<const std::byte> data)
{
	writeMessage(conn_.out.get(), code, data);
}

void serve(std::vector<Duplex> conns, binder::ServerCounters *counters)
{
	std::vector<std::thread> threads;
	auto body = [counters](const Duplex *conn) {
		try {
			serveOne(*conn, counters);
		} catch (const std::exception &e) {
			std::cerr << "# stream server: " << e.what() << '\n';
			std::_Exit(1);
		}
	};
	for (std::size_t i = 1; i < conns.size(); i++)
		threads.emplace_back(body, &conns[i]);
	if (!conns.empty())
		body(&conns[0]);
	// The first client hung up; the others are served until the kill.
	for (;;)
		::pause();
}

} // namespace blbench::stream
