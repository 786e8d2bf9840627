// SPDX-License-Identifier: GPL-2.0
//
// blctl's command line: the options every subcommand shares, the table of
// subcommands (subcommands.hpp), exit statuses, and error messages.

#ifndef BLCTL_CLI_HPP
#define BLCTL_CLI_HPP

#include "env.hpp"

#include <string>

namespace blctl {

// "blctl 0.1 (binderlite protocol 8)"
std::string versionString();

// Parses argv (argv[0] is the program), runs the subcommand it names with
// env, and returns the exit status: help and version print to env.out,
// errors to env.err.
int runCli(int argc, const char *const argv[], Env env);

} // namespace blctl

#endif
