// SPDX-License-Identifier: GPL-2.0
/* Scatter-gather: being written. */
#include "binderlite_ipc_sg.h"

TEST_HARNESS_MAIN
