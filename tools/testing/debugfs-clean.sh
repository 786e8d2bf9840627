# SPDX-License-Identifier: GPL-2.0
# What binderlite's debugfs "stats" shows when no file of the device is
# open: nothing of any process is left behind. Sourced by the test scripts
# that run in the VM (busybox sh; vm.sh puts this file in the guest's
# /bench), such as tests/interop/interop.sh. The kselftests keep the same
# list in C (ipc_clean_keys in tests/selftests/binderlite_ipc.h) and the
# integration tests in C++ (waitForCleanStats in tests/integration/itest.cpp).

BL_CLEAN_KEYS="procs threads nodes refs buffers deaths transactions_live freezes files_in_flight"
BL_STATS=/sys/kernel/debug/binderlite/stats

# bl_stats_clean: succeeds when every key of BL_CLEAN_KEYS is in the stats
# file and 0; else prints the keys that are not.
bl_stats_clean() {
	awk -v keys="$BL_CLEAN_KEYS" '
		BEGIN { n = split(keys, k) }
		{ v[$1] = $2 }
		END {
			bad = 0
			for (i = 1; i <= n; i++)
				if (!(k[i] in v)) { print "no " k[i]; bad = 1 }
				else if (v[k[i]] != "0") { print k[i] " " v[k[i]]; bad = 1 }
			exit bad
		}' "$BL_STATS"
}
