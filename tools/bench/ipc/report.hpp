// SPDX-License-Identifier: GPL-2.0
//
// The report of one or more runs' raw records (the 2-vCPU run and the
// 4-vCPU one): every figure the median of its repeats' values (each
// itself a median where the cell measured many calls), in Markdown
// tables that state the ratio binderlite / binder, the same tables as CSV,
// the aggregated figures as CSV, gnuplot data and a script that plots
// them, and a short summary table against issue 14's targets.
#ifndef BLBENCH_REPORT_HPP
#define BLBENCH_REPORT_HPP

#include <ostream>
#include <string>
#include <vector>

namespace blbench {

struct ReportOptions {
	std::vector<std::string> inputs;
	std::string outDir;
	// Check that every measurement ran on every transport it is made
	// for, without error, and that the report was written; print the
	// checks as TAP (make check's smoke pass) instead of the summary.
	bool tap = false;
	// The measurements the check expects (default: all).
	std::vector<std::string> expect;
};

// Writes the report into outDir; prints the summary table (or the TAP)
// to @out. Returns the exit status: 0, or 1 when a check failed or the
// input was malformed.
int runReport(const ReportOptions &opts, std::ostream &out, std::ostream &err);

} // namespace blbench

#endif
