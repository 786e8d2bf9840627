// SPDX-License-Identifier: GPL-2.0
//
// A whole run: every selected measurement, repeated, the transports
// interleaved cell by cell, the records written as they come.
#ifndef BLBENCH_RUN_HPP
#define BLBENCH_RUN_HPP

#include "options.hpp"

#include <ostream>

namespace blbench {

// Runs the benchmark; records to @out (record.hpp), progress to @log.
// Returns the number of cells that failed.
unsigned runBench(const RunOptions &opts, std::ostream &out, std::ostream &log);

} // namespace blbench

#endif
