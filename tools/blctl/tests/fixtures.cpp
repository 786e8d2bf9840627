// SPDX-License-Identifier: GPL-2.0

#include "fixtures.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace blctl::test {

namespace fs = std::filesystem;

const std::string_view kStats =
	"procs 3\n"
	"threads 4\n"
	"nodes 2\n"
	"refs 3\n"
	"deaths 1\n"
	"transactions_live 0\n"
	"buffers 0\n"
	"transactions 14\n"
	"oneways 2\n"
	"replies 12\n"
	"failed 2\n"
	"bytes_sent 1040533\n"
	"bytes_copied 1040533\n"
	"failed_dead 1\n"
	"failed_bad_handle 0\n"
	"failed_protocol 0\n"
	"failed_no_space 1\n"
	"failed_fault 0\n"
	"failed_bad_offsets 0\n"
	"failed_bad_object 0\n"
	"failed_unsupported 0\n"
	"failed_no_memory 0\n"
	"pages_resident 256\n"
	"pages_lru 1\n"
	"pages_reclaimed 0\n";

const std::string_view kProcs =
	"pid threads nodes refs deaths buffers todo\n"
	"156 1 1 1 0 0 0\n"
	"158 2 1 1 0 0 0\n"
	"161 1 0 1 1 0 0\n";

const std::string_view kPools =
	"pid size used free largest_free buffers free_blocks high_watermark async_free pages_used pages_resident pages_high\n"
	"156 4194304 0 4194304 4194304 0 1 64 2097152 0 1 1\n"
	"158 4194304 0 4194304 4194304 0 1 1040384 2097152 0 254 254\n"
	"161 4194304 0 4194304 4194304 0 1 40 2097152 0 1 1\n";

const std::string_view kStatsContexts =
	"procs 4\n"
	"threads 5\n"
	"nodes 2\n"
	"refs 3\n"
	"deaths 1\n"
	"transactions_live 0\n"
	"buffers 0\n"
	"transactions 14\n"
	"oneways 2\n"
	"replies 12\n"
	"failed 1\n"
	"bytes_sent 1040533\n"
	"bytes_copied 1040533\n"
	"failed_frozen 1\n"
	"pages_resident 256\n"
	"pages_lru 1\n"
	"pages_reclaimed 0\n"
	"freezes 0\n"
	"files_in_flight 2\n";

const std::string_view kProcsContexts =
	"pid threads nodes refs deaths buffers todo frozen context\n"
	"156 1 1 1 0 0 0 0 binderlite\n"
	"158 2 1 1 0 0 0 1 binderlite\n"
	"161 1 0 1 1 0 0 0 binderlite\n"
	"170 1 0 0 0 0 0 0 vendor\n";

const std::string_view kPoolsContexts =
	"pid size used free largest_free buffers free_blocks high_watermark async_free pages_used pages_resident pages_high\n"
	"156 4194304 0 4194304 4194304 0 1 64 2097152 0 1 1\n"
	"158 4194304 0 4194304 4194304 0 1 1040384 2097152 0 254 254\n"
	"161 4194304 0 4194304 4194304 0 1 40 2097152 0 1 1\n"
	"170 1048576 0 1048576 1048576 0 1 0 524288 0 0 0\n";

const std::string_view kContexts =
	"name procs manager\n"
	"binderlite 3 156\n"
	"vendor 1 0\n";

const std::string_view kMountsWithDebugfs =
	"sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	"debugfs /sys/kernel/debug debugfs rw,nosuid,nodev,noexec,relatime 0 0\n";

const std::string_view kMountsWithoutDebugfs =
	"sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n";

FakeSystem::FakeSystem()
{
	std::string tmpl = (fs::temp_directory_path() / "blctl-test.XXXXXX").string();
	if (!::mkdtemp(tmpl.data()))
		throw std::runtime_error("mkdtemp failed");
	root_ = tmpl;
	write("/proc/self/mounts", kMountsWithoutDebugfs);
	write("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	write("/etc/group", "root:x:0:\nbinderlite:x:997:\n");
}

FakeSystem::~FakeSystem()
{
	std::error_code ec;
	fs::remove_all(root_, ec);
}

void FakeSystem::write(std::string_view absolute, std::string_view text) const
{
	const fs::path path = root_ / absolute.substr(absolute.find_first_not_of('/'));
	fs::create_directories(path.parent_path());
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	out << text;
	if (!out)
		throw std::runtime_error("cannot write " + path.string());
}

void FakeSystem::remove(std::string_view absolute) const
{
	fs::remove_all(root_ / absolute.substr(absolute.find_first_not_of('/')));
}

void FakeSystem::loadModule() const
{
	write("/sys/module/binderlite/initstate", "live\n");
	write("/sys/module/binderlite/refcnt", "3\n");
	write("/sys/module/binderlite/parameters/max_pool_size", "4194304\n");
	write("/sys/module/binderlite/parameters/debug_mask", "0\n");
	write("/sys/class/misc/binderlite/dev", "10:125\n");
	write("/proc/self/mounts", kMountsWithDebugfs);
	write("/sys/kernel/debug/binderlite/stats", kStats);
	write("/sys/kernel/debug/binderlite/procs", kProcs);
	write("/sys/kernel/debug/binderlite/pools", kPools);
	write("/proc/156/comm", "binderlite-raw\n");
	write("/proc/158/comm", "binderlite-raw\n");
	write("/proc/161/comm", "client\n");
}

void FakeSystem::loadModuleWithContexts() const
{
	loadModule();
	write("/sys/module/binderlite/parameters/devices", "binderlite,vendor\n");
	write("/sys/kernel/debug/binderlite/stats", kStatsContexts);
	write("/sys/kernel/debug/binderlite/procs", kProcsContexts);
	write("/sys/kernel/debug/binderlite/pools", kPoolsContexts);
	write("/sys/kernel/debug/binderlite/contexts", kContexts);
	write("/proc/170/comm", "vendor-client\n");
}

Env FakeSystem::env(bool asRoot)
{
	return Env{
		.paths = Paths{.root = root_, .device = "/dev/binderlite"},
		.out = out,
		.err = err,
		.root = asRoot,
	};
}

} // namespace blctl::test
