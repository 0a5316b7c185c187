"""The benchmark's memory of a process tree: pages a forked child shares with its parent
count once in the PSS sum (what the tree takes from the machine) and twice in the RSS
sum (the upper bound reported beside it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.rss import tree_pss, tree_rss

CHILD = """
import os, sys, time
block = bytearray(os.urandom(1 << 20) * 150)   # 150 MB of pages written by the parent
if os.fork() == 0:                               # the child shares them, copy on write
    time.sleep(60); os._exit(0)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux /proc with smaps_rollup")
def test_pages_shared_by_a_forked_child_count_once_in_pss_and_twice_in_rss():
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        rss, single = tree_rss(proc.pid)
        pss = tree_pss(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)     # the parent and its forked child
        proc.wait()
    mb = 1 << 20
    assert single >= 150 * mb
    assert rss >= 300 * mb                 # the shared block in both processes
    assert 150 * mb <= pss <= rss - 120 * mb   # once, split between the two
