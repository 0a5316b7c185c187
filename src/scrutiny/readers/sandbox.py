"""Run work on untrusted files in worker processes with a memory cap and a time limit.

A shared corpus can hold a file made to exhaust the machine: a zip bomb, a
PDF stream that inflates to gigabytes, a page that takes an hour. Each reader
has its own checks for the known tricks; this pool is the net under them.
Every job runs in a worker process whose address space is capped
(``RLIMIT_AS``, counted on top of what the worker inherits from its parent)
and which is killed, with its whole process group, when a job runs past its
time limit. A worker that runs out of memory, is killed or crashes costs only
its own job: the pool reports that job as a :class:`WorkerFailure` and starts
a fresh worker for the rest.

    pool = Pool(read_one, workers=2, limits=Limits(memory_mb=1024, seconds=600))
    for index, outcome in pool.run([(path_a,), (path_b,)]):
        ...   # outcome: what read_one returned, the exception it raised, or a WorkerFailure

Results stream back as each job finishes, in finishing order. ``fn`` must be
a module-level function and its arguments, results and exceptions picklable.
Workers are forked (no re-import per job), never touch what they inherit
beyond ``fn``'s own work, and leave with ``os._exit`` (an inherited SQLite
connection is never closed from a child).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

DEFAULT_MEMORY_MB = 1024     # per worker, beyond the memory it starts with
DEFAULT_SECONDS = 600.0      # per job

# Set in a worker process: the cap it runs under (for messages about MemoryError).
_ACTIVE_CAP_MB: int | None = None


@dataclass(frozen=True)
class Limits:
    memory_mb: int | None = DEFAULT_MEMORY_MB   # None: no memory cap
    seconds: float | None = DEFAULT_SECONDS     # None: no time limit


class WorkerFailure(Exception):
    """A job that ended its worker: ``kind`` is "memory", "time" or "crash"."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.kind, self.message))


def active_cap_mb() -> int | None:
    """The memory cap of the worker this code runs in (None outside a worker)."""
    return _ACTIVE_CAP_MB


def memory_message(cap_mb: int | None) -> str:
    if cap_mb is None:
        return "reading it needs more memory than this machine has; refused"
    return (f"reading it needed more than the {cap_mb} MiB memory cap for one file (a decompression "
            "bomb, or a file too large to read); refused (raise the cap with --max-memory if the file "
            "is genuine)")


def time_message(seconds: float) -> str:
    return (f"reading it took longer than the {seconds:g} s limit for one file; stopped and refused "
            "(raise the limit with --read-timeout if the file is genuine)")


def _peak_address_space() -> int | None:
    """The largest address space this process has had (Linux), in bytes."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _hit_cap(limit: int | None) -> bool:
    """Whether this process has reached its cap: a library that turns a failed
    allocation into its own error (lxml's "XPathEvalError: unknown error")
    then failed for want of memory, not because of the file's content."""
    if limit is None:
        return False
    peak = _peak_address_space()
    return peak is not None and peak >= limit - 64 * 1048576


def _cap_address_space(extra_mb: int) -> int | None:
    """Cap this process's address space at what it has now plus ``extra_mb``;
    returns the cap in bytes (None where it cannot be set)."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None  # no /proc (macOS, which does not enforce RLIMIT_AS anyway): time limit only
    limit = current + extra_mb * 1048576
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return None
    return limit


def _die_with_parent(parent: int) -> None:
    """A worker is in a process group of its own, so a kill of the parent's
    group does not reach it: on Linux the kernel kills it when the parent
    dies; elsewhere the wait for the next job notices (see ``_next_job``)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


def _next_job(conn, parent: int):
    """The next job, or None when the parent is done or gone (never waits
    for ever on a pipe that a later worker also holds open)."""
    while not conn.poll(1.0):
        if os.getppid() != parent:
            return None
    return conn.recv()


def _worker(conn, fn, memory_mb: int | None, parent: int | None = None) -> None:
    global _ACTIVE_CAP_MB
    try:
        os.setpgid(0, 0)  # its own group: a timeout kills anything it started too
    except OSError:
        pass
    parent = parent or os.getppid()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if hasattr(signal, "SIGTTOU"):
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a library's warning never stops a background group
    import faulthandler

    faulthandler.disable()  # a crash is reported by the parent in one line, not as a stack dump
    limit = None
    if memory_mb is not None:
        limit = _cap_address_space(memory_mb)
        _ACTIVE_CAP_MB = memory_mb if limit is not None else None
    while True:
        try:
            job = _next_job(conn, parent)
        except (EOFError, OSError):
            break
        if job is None:
            break
        index, args = job
        out_of_memory = False
        try:
            reply = (index, "ok", fn(*args))
        except MemoryError:
            out_of_memory = True
            reply = (index, "memory", None)
        except BaseException as exc:  # the job's own failure: the caller judges it
            if _hit_cap(limit):
                out_of_memory = True
                reply = (index, "memory", None)
            else:
                reply = (index, "error", exc)
        try:
            conn.send(reply)
        except MemoryError:
            out_of_memory = True
            reply = (index, "memory", None)
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            conn.send((index, "error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        if out_of_memory:
            break  # a fresh worker takes the next job: this heap may be in pieces
    conn.close()


class _Slot:
    __slots__ = ("proc", "conn", "job", "started")

    def __init__(self, proc, conn):
        self.proc, self.conn, self.job, self.started = proc, conn, None, 0.0


class Pool:
    def __init__(self, fn: Callable, workers: int = 2, limits: Limits = Limits()):
        self.fn = fn
        self.workers = max(1, workers)
        self.limits = limits

    def _start(self, ctx) -> _Slot:
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_worker, args=(child, self.fn, self.limits.memory_mb, os.getpid()), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    @staticmethod
    def _kill(slot: _Slot) -> None:
        pid = slot.proc.pid
        for target in ((lambda: os.killpg(pid, signal.SIGKILL)), (lambda: os.kill(pid, signal.SIGKILL))):
            try:
                target()
                break
            except (ProcessLookupError, PermissionError, OSError):
                continue
        slot.proc.join(5)
        slot.conn.close()

    def _failure(self, slot: _Slot) -> WorkerFailure:
        slot.proc.join(1)
        code = slot.proc.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if self.limits.memory_mb is not None and -code in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS,
                                                                 signal.SIGTRAP, signal.SIGKILL):
                return WorkerFailure("memory", f"the reader process died ({name}), most likely over the "
                                               f"{self.limits.memory_mb} MiB memory cap for one file (a "
                                               "decompression bomb, or a damaged file); refused (raise the "
                                               "cap with --max-memory if the file is genuine)")
            return WorkerFailure("crash", f"the reader process died ({name}); the file may be damaged")
        return WorkerFailure("crash", f"the reader process stopped unexpectedly (exit status {code}); "
                                      "the file may be damaged")

    def run(self, jobs: Iterable[tuple], on_start: Callable[[int], None] | None = None) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, outcome)`` for each job as it finishes; ``on_start(index)``
        is called as each job is handed to a worker."""
        import multiprocessing
        from multiprocessing.connection import wait

        pending = deque(enumerate(jobs))
        if not pending:
            return
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        slots: list[_Slot] = []
        try:
            while pending or any(s.job is not None for s in slots):
                # give every idle worker a job, starting workers as needed
                while pending and len(slots) < min(self.workers, len(pending) + sum(s.job is not None for s in slots)):
                    slots.append(self._start(ctx))
                for i, slot in enumerate(slots):
                    if slot.job is None and pending and not slot.proc.is_alive():
                        slot.conn.close()   # an idle worker that died (killed from outside): replace it
                        slot = slots[i] = self._start(ctx)
                    if slot.job is None and pending:
                        slot.job = pending.popleft()
                        slot.started = time.monotonic()
                        if on_start is not None:
                            on_start(slot.job[0])
                        try:
                            slot.conn.send(slot.job)
                        except (OSError, ValueError):
                            pass  # a dead worker: its sentinel reports it below
                busy = [s for s in slots if s.job is not None]
                timeout = None
                if self.limits.seconds is not None:
                    now = time.monotonic()
                    timeout = max(0.0, min(s.started + self.limits.seconds - now for s in busy))
                ready = set(wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout))
                finished: list[_Slot] = []
                for slot in busy:
                    if slot.conn in ready:
                        try:
                            index, status, value = slot.conn.recv()
                        except (EOFError, OSError):
                            yield slot.job[0], self._failure(slot)
                            finished.append(slot)
                            continue
                        slot.job = None
                        if status == "ok":
                            yield index, value
                        elif status == "error":
                            yield index, value
                        else:
                            yield index, WorkerFailure("memory", memory_message(self.limits.memory_mb))
                            finished.append(slot)
                    elif slot.proc.sentinel in ready:
                        yield slot.job[0], self._failure(slot)
                        finished.append(slot)
                    elif (self.limits.seconds is not None
                          and time.monotonic() - slot.started >= self.limits.seconds):
                        self._kill(slot)
                        yield slot.job[0], WorkerFailure("time", time_message(self.limits.seconds))
                        finished.append(slot)
                for slot in finished:
                    slot.job = None
                    if slot.proc.is_alive():
                        self._kill(slot)
                    else:
                        slot.proc.join(1)
                        slot.conn.close()
                    slots.remove(slot)
        finally:
            for slot in slots:
                if slot.job is None:
                    try:
                        slot.conn.send(None)
                    except (OSError, ValueError):
                        pass
            for slot in slots:
                if slot.job is not None:
                    self._kill(slot)
                    continue
                slot.proc.join(5)
                if slot.proc.is_alive():
                    self._kill(slot)
                else:
                    slot.conn.close()
