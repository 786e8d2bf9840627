// SPDX-License-Identifier: GPL-2.0
//
// blctl: binderlite's command-line tool. See cli.cpp and subcommands.hpp.

#include "cli.hpp"

#include <unistd.h>

#include <iostream>

int main(int argc, char *argv[])
{
	const blctl::Env env{
		.paths = {},
		.out = std::cout,
		.err = std::cerr,
		.root = ::geteuid() == 0,
	};
	return blctl::runCli(argc, argv, env);
}
