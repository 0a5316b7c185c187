"""The benchmark's memory of a process tree: pages a forked child shares with its parent
count once in the PSS sum (what the tree takes from the machine) and twice in the RSS
sum (the upper bound reported beside it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
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


@contextmanager
def _parent_and_child():
    """The pid of a process holding 150 MB that it shares with its forked child."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGKILL)     # the parent and its forked child
        proc.wait()


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux /proc with smaps_rollup")
def test_pages_shared_by_a_forked_child_count_once_in_pss_and_twice_in_rss():
    with _parent_and_child() as pid:
        time.sleep(0.5)
        rss, single = tree_rss(pid)
        pss = tree_pss(pid)
    mb = 1 << 20
    assert single >= 150 * mb
    assert rss >= 300 * mb                 # the shared block in both processes
    assert 150 * mb <= pss <= rss - 120 * mb   # once, split between the two


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux /proc with smaps_rollup")
def test_the_sampler_slows_down_after_its_first_seconds_and_still_sees_the_peak():
    from bench.rss import TreeMemory

    with _parent_and_child() as pid, TreeMemory(pid, every=0.01, later=0.25, settle=0.3) as mem:
        time.sleep(1.3)
    # about 30 samples in the first 0.3 s at most, then one each quarter of a second:
    # never the 130 that sampling every 0.01 s for 1.3 s would take
    assert 3 <= mem.samples <= 45
    assert mem.peak_single_mb >= 150 and mem.peak_total_mb >= 300
    assert 150 <= mem.peak_pss_mb <= mem.peak_total_mb - 120
