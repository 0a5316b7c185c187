"""The worker pool readers run in: a memory cap, a time limit, crashes contained."""

from __future__ import annotations

import os
import time

from scrutiny.errors import ReaderError
from scrutiny.readers.sandbox import Limits, Pool, WorkerFailure


def square(n):
    return n * n


def job(kind, arg=None):
    if kind == "ok":
        return ("done", arg, os.getpid())
    if kind == "greedy":
        blocks = []
        while True:  # about 64 MiB a step, until the cap stops it
            blocks.append(bytearray(64 << 20))
    if kind == "sleep":
        time.sleep(arg)
        return "woke"
    if kind == "abort":
        os.abort()
    if kind == "raise":
        raise ReaderError("some/file.pdf", "not a valid PDF")
    if kind == "child":   # a grandchild that outlives the job unless the group is killed
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        with open(arg, "w") as fh:
            fh.write(str(pid))
        time.sleep(60)
    raise AssertionError(kind)


def _run(jobs, **kw):
    return dict(Pool(job, **kw).run(jobs))


def test_results_stream_back_in_finishing_order():
    seen = list(Pool(job, workers=2, limits=Limits(seconds=30)).run([("sleep", 1.0), ("ok", 1), ("ok", 2)]))
    assert [i for i, _ in seen][-1] == 0  # the slow job finishes last
    assert dict(seen)[0] == "woke" and dict(seen)[2][:2] == ("done", 2)


def test_memory_cap_costs_only_that_job():
    out = _run([("ok", 1), ("greedy",), ("ok", 3), ("ok", 4)], workers=1, limits=Limits(memory_mb=256, seconds=60))
    assert isinstance(out[1], WorkerFailure) and out[1].kind == "memory"
    assert "256 MiB memory cap" in out[1].message
    assert [out[i][:2] for i in (0, 2, 3)] == [("done", 1), ("done", 3), ("done", 4)]
    assert out[0][2] != out[2][2]  # a fresh worker after the failure


def test_time_limit_kills_the_worker_and_what_it_started(tmp_path):
    marker = tmp_path / "grandchild.pid"
    t = time.perf_counter()
    out = _run([("child", str(marker)), ("ok", 2)], workers=1, limits=Limits(seconds=1.5))
    assert time.perf_counter() - t < 10
    assert isinstance(out[0], WorkerFailure) and out[0].kind == "time" and "1.5 s limit" in out[0].message
    assert out[1][:2] == ("done", 2)
    grandchild = int(marker.read_text())
    for _ in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the job's own child outlived the time limit")


def test_a_crash_is_reported_and_the_rest_go_on():
    out = _run([("abort",), ("ok", 2)], workers=1, limits=Limits(memory_mb=None, seconds=30))
    assert isinstance(out[0], WorkerFailure) and out[0].kind == "crash" and "SIGABRT" in out[0].message
    assert out[1][:2] == ("done", 2)


def test_exceptions_come_back_as_they_were_raised():
    out = _run([("raise",), ("ok", 2)], workers=2)
    assert isinstance(out[0], ReaderError) and out[0].reason == "not a valid PDF"


def test_many_jobs_few_workers():
    out = dict(Pool(square, workers=2).run([(n,) for n in range(40)]))
    assert out == {n: n * n for n in range(40)}


PARENT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from test_sandbox import job
from scrutiny.readers.sandbox import Pool
pool = Pool(job, workers=2)
for index, outcome in pool.run([("sleep", 60), ("sleep", 60), ("sleep", 60)]):
    pass
"""


def _workers_of(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


def test_workers_die_with_a_killed_parent():
    """A worker is in a process group of its own (a timeout kills what it
    started): a kill of the parent's group does not reach it, yet it must not
    outlive the parent (a killed ingest left workers running for ever,
    holding its output pipes open)."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    if not os.path.isdir("/proc"):
        import pytest

        pytest.skip("needs /proc to find the workers")
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(Path(__file__).parent)], start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len(_workers_of(parent.pid)) < 2:
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    workers = _workers_of(parent.pid)
    os.killpg(parent.pid, signal.SIGKILL)
    out, err = parent.communicate(timeout=30)   # returns only once no worker holds the pipes
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{w}") and open(f"/proc/{w}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
              for w in workers):
        assert time.monotonic() < deadline, f"workers {workers} outlived their parent"
        time.sleep(0.05)
