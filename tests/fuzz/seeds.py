#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The hand-written seeds of the fuzzer's corpus (tests/fuzz/corpus/seed-*).

Each seed is a program in the harness's format (binderlite_fuzz.cpp): an
op byte, a "who" byte (process = who % 4, thread = who / 4 % 3), then the
op's arguments. The rest of the corpus is what fuzzing found, merged and
curated (Documentation/testing.rst, "Fuzzing").

  seeds.py DIR    writes the seeds into DIR
"""

import os
import sys

(OPEN, MMAP, MUNMAP, CLOSE, CTXMGR, TXN, REPLY, READ, SERVE, FREEBUF, REFS,
 ACKS, DEATH, THREAD_EXIT, FREEZE, FREEZE_NOTE, LOOPER, QUERY, RAW, EPOLL,
 RECLAIM, FORK_KILL) = range(22)


def who(proc, thread=0):
    return proc + 4 * thread


def setup(n=2):
    """n processes opened with 128 KiB pools; process 0 the manager."""
    prog = []
    for p in range(n):
        prog += [OPEN, who(p), MMAP, who(p), 2]
    return prog + [CTXMGR, who(0), 0]


def txn(p, t=0, flags=0, handle=0, objs=(), corrupt=0, reply=False):
    """objs: (kind, a[, extra...]) tuples, as buildPayload reads them."""
    prog = [REPLY if reply else TXN, who(p, t), flags, handle, len(objs) | 8]
    for o in objs:
        prog += list(o)
    return prog + [0, corrupt]


BINDER = (0, 1)
LEARNED = 200          # pickHandle: the first handle seen in a payload

SEEDS = {
    "round-trip": setup() + txn(1) + [SERVE, who(0), 0, SERVE, who(1), 0],
    "oneway": setup() + txn(1, flags=1) + txn(1, flags=1) +
    [SERVE, who(0), 0, SERVE, who(0), 0, SERVE, who(1), 0],
    "binder-callback": setup() + txn(1, objs=[BINDER]) + [SERVE, who(0), 0] +
    txn(0, t=1, handle=LEARNED) + [SERVE, who(1, 1), 0, SERVE, who(0, 1), 0],
    "nested": setup() + txn(1, objs=[BINDER]) + [READ, who(0), 2] +
    txn(0, handle=LEARNED) + [SERVE, who(1), 0, SERVE, who(0), 0,
                              SERVE, who(0), 0, SERVE, who(1), 0],
    "fd-and-sg": setup() + txn(1, flags=8 | 2, objs=[(4, 0), (5, 0x04), (5, 0x82, 0),
                                                     (6, 2, 1, 0, 2)]) +
    [SERVE, who(0), 0, SERVE, who(1), 0],
    "fd-array-bad-parent": setup() + txn(1, flags=8, objs=[(5, 4), (6, 3, 0x85, 1, 2, 3)]) +
    [SERVE, who(0), 0],
    "death": setup() + txn(1, objs=[BINDER]) + [SERVE, who(0), 0, DEATH, who(0), 0, LEARNED,
                                                  CLOSE, who(1), READ, who(0), 2,
                                                  DEATH, who(0), 3, 0],
    "death-clear": setup() + txn(1, objs=[BINDER]) +
    [SERVE, who(0), 0, DEATH, who(0), 0, LEARNED, DEATH, who(0), 2, LEARNED, READ, who(0), 2],
    "refs": setup() + txn(1, objs=[BINDER]) +
    [SERVE, who(0), 0, REFS, who(0), 0xc0, LEARNED, READ, who(1), 2, ACKS, who(1), 0,
     REFS, who(0), 0xc2, LEARNED, READ, who(1), 2],
    "freeze": setup() + [FREEZE, who(0), 1] + txn(1) + txn(1, flags=1) +
    [FREEZE, who(0), 2, FREEZE, who(0), 0, SERVE, who(0), 0, SERVE, who(1), 0],
    "freeze-notification": setup() + txn(1, objs=[BINDER]) +
    [SERVE, who(0), 0, FREEZE_NOTE, who(0), 0, LEARNED, READ, who(0), 2, FREEZE, who(1), 1,
     READ, who(0), 2, FREEZE_NOTE, who(0), 3, 0, FREEZE_NOTE, who(0), 2, LEARNED,
     FREEZE, who(1), 0, READ, who(0), 2],
    "thread-exit-in-call": setup() + txn(1) + [READ, who(0), 2, THREAD_EXIT, who(0),
                                               READ, who(1), 2],
    "server-dies-in-call": setup() + txn(1) + [READ, who(0), 2, CLOSE, who(0), READ, who(1), 2],
    "client-dies-in-call": setup() + txn(1) + [READ, who(0), 2, CLOSE, who(1),
                                               SERVE, who(0), 0],
    "munmap-then-call": setup() + [MUNMAP, who(0)] + txn(1) + [READ, who(1), 2],
    "close-before-munmap": setup() + txn(1, flags=1) + [CLOSE, who(0), MUNMAP, who(0)],
    "epoll-thread-exit": setup() + [EPOLL, who(0), 0, THREAD_EXIT, who(0), EPOLL, who(0), 0,
                                    EPOLL, who(0), 1],
    "fork-kill": setup() + [FORK_KILL, who(1), 0, SERVE, who(0), 0, FORK_KILL, who(1), 5,
                            SERVE, who(0), 0],
    "bad-offsets": setup() + txn(1, objs=[BINDER, BINDER], corrupt=8 + 16) +
    txn(1, objs=[BINDER], corrupt=9) + txn(1, objs=[BINDER], corrupt=10) +
    txn(1, corrupt=11) + txn(1, objs=[BINDER], corrupt=12) + [READ, who(1), 3],
    "looper": setup() + [LOOPER, who(0), 0, LOOPER, who(0, 1), 1, LOOPER, who(0), 3 + 16,
                         LOOPER, who(0), 4, LOOPER, who(0), 2, READ, who(0), 2],
    "queries": setup() + txn(1, objs=[BINDER]) +
    [SERVE, who(0), 0, QUERY, who(1), 0, QUERY, who(0), 1, LEARNED, QUERY, who(0), 2,
     QUERY, who(0), 3, QUERY, who(0), 6, QUERY, who(0), 7, QUERY, who(0), 8],
    "raw-and-reclaim": setup() + [RAW, who(1), 0x84, RAW, who(1), 2, 0, 0] + txn(1) +
    [SERVE, who(0), 1, RECLAIM, who(0), 63, FREEBUF, who(0), 0, FREEBUF, who(0), 170],
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, prog in SEEDS.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(bytes(b & 0xff for b in prog))


if __name__ == "__main__":
    main()
