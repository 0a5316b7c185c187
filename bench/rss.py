"""Peak memory of a process tree (Linux /proc), sampled while it runs.

    with TreeMemory(proc.pid) as mem:
        proc.wait()
    mem.peak_total_mb, mem.peak_single_mb, mem.peak_pss_mb

Two sums over the tree: resident set sizes (RSS), which count a page shared by
several processes (the language model a tagging worker inherits from the process
that forked it, the libraries) once in each of them, an upper bound; and
proportional set sizes (PSS, ``/proc/PID/smaps_rollup``), which split each shared
page between the processes sharing it, so that their sum is the memory the tree
takes from the machine.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def _rss(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree(root: int) -> list[int]:
    kids = _children()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def tree_pss(root: int, pids: list[int] | None = None) -> int:
    """Sum of PSS over ``root`` and its descendants (``pids``, when already listed), bytes."""
    return sum(_pss(pid) for pid in (_tree(root) if pids is None else pids))


def tree_rss(root: int, pids: list[int] | None = None) -> tuple[int, int]:
    """(sum of RSS over ``root`` and its descendants (``pids``, when already listed),
    largest single RSS), bytes."""
    sizes = [_rss(pid) for pid in (_tree(root) if pids is None else pids)]
    return sum(sizes), max(sizes, default=0)


class TreeMemory:
    """Samples the tree every ``every`` seconds for the first ``settle`` seconds, then
    every ``later`` seconds: a sample walks /proc once and reads each process's
    smaps_rollup, which the kernel makes by walking the process's page tables, so
    that sampling a 45-minute build four times a second took a fifth of a core
    from the two it measured (and the page-table walks slow the processes walked)."""

    def __init__(self, pid: int, every: float = 0.25, later: float = 2.0, settle: float = 30.0):
        self.pid, self.every, self.later, self.settle = pid, every, later, settle
        self.peak_total = self.peak_single = self.peak_pss = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import time

        start = time.monotonic()
        while not self._stop.is_set():
            pids = _tree(self.pid)
            total, single = tree_rss(self.pid, pids)
            self.peak_total = max(self.peak_total, total)
            self.peak_single = max(self.peak_single, single)
            self.peak_pss = max(self.peak_pss, tree_pss(self.pid, pids))
            self.samples += 1
            self._stop.wait(self.every if time.monotonic() - start < self.settle else self.later)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_total_mb(self) -> float:
        return self.peak_total / 1048576

    @property
    def peak_pss_mb(self) -> float:
        return self.peak_pss / 1048576

    @property
    def peak_single_mb(self) -> float:
        return self.peak_single / 1048576
