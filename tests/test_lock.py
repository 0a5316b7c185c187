"""The project lock: one writer at a time, a clear line when busy, stale locks
cleared, readers never blocked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import click
import pytest

from scrutiny.lock import Busy, holder, project_lock

HOLD = textwrap.dedent("""
    import sys, time
    from scrutiny.lock import project_lock
    from scrutiny.project import Project
    project = Project(sys.argv[1])
    with project_lock(project, sys.argv[2], wait=0):
        if sys.argv[3] == "fork":
            import os
            ready, told = os.pipe()
            if os.fork() == 0:      # a worker that outlives its parent
                os.write(told, b"x")   # after fork's handlers ran (they drop the lock in the child)
                time.sleep(30)
                os._exit(0)
            os.read(ready, 1)       # "held" only once the worker runs: else a kill can come first
        print("held", flush=True)
        time.sleep(float(sys.argv[4]))
""")


def hold(project, command="ingest", seconds=60.0, fork=False) -> subprocess.Popen:
    """Another process holding the lock (as a running ingest would)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(project.root), command, "fork" if fork else "-",
                             str(seconds)], stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def scrutiny(project, *args):
    return subprocess.run([sys.executable, "-m", "scrutiny", "--root", str(project.root), *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_a_second_writer_is_told_who_holds_the_project(project):
    other = hold(project, "ingest")
    try:
        with pytest.raises(Busy) as err:
            with project_lock(project, "build", wait=0.3, say=lambda line: None):
                pass
        text = str(err.value)
        assert text.startswith(f"busy: another ingest (pid {other.pid} on this machine, started ")
        assert "holds the project" in text and "--wait" in text
        assert err.value.holder.pid == other.pid and err.value.holder.command == "ingest"
        h = holder(project)
        assert h is not None and h.pid == other.pid
    finally:
        stop(other)


def test_the_lock_is_reentrant_and_released(project):
    with project_lock(project, "build", wait=0):
        with project_lock(project, "ingest", wait=0):
            assert holder(project).command == "build"
        assert holder(project).pid == os.getpid()
    assert holder(project) is None


def test_a_killed_holder_leaves_a_stale_lock_that_is_cleared(project):
    other = hold(project, "ingest")
    stop(other)
    said = []
    with project_lock(project, "build", wait=0, say=said.append):
        pass
    assert said == [f"cleared a stale lock: {said[0].split(': ', 1)[1].split(' is no')[0]} is no longer running"]
    assert f"ingest (pid {other.pid} on this machine" in said[0]


def test_a_worker_that_outlives_its_parent_does_not_keep_the_lock(project):
    other = hold(project, "ingest", fork=True)
    os.kill(other.pid, signal.SIGKILL)   # the parent only: its forked worker sleeps on
    other.wait()
    try:
        os.killpg(other.pid, 0)          # the worker is still there
        with project_lock(project, "build", wait=0, say=lambda line: None):
            pass
    finally:
        stop(other)


def test_waiting_then_going_on(project):
    other = hold(project, "ingest", seconds=1.0)
    said = []
    t = time.monotonic()
    with project_lock(project, "site", wait=30, say=said.append):
        waited = time.monotonic() - t
    other.wait()
    assert 0.3 < waited < 20
    assert said and said[0].startswith(f"waiting for another ingest (pid {other.pid}") and "up to 30 s" in said[0]


@pytest.mark.parametrize("command", [["ingest"], ["build", "--offline"], ["site"], ["fetch"], ["tag"], ["xref"],
                                     ["review", "accept", "tie-x"]])
def test_every_writing_command_waits_then_says_busy_in_one_line(project, command):
    other = hold(project, "ingest")
    try:
        res = scrutiny(project, *command, "--wait", "0.5")
    finally:
        stop(other)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert lines[0].startswith(f"waiting for another ingest (pid {other.pid}")
    assert lines[-1].startswith(f"Error: busy: another ingest (pid {other.pid} on this machine, started ")
    assert len(lines) == 2


def test_nothing_is_copied_into_the_sources_before_the_lock(project, tmp_path):
    incoming = tmp_path / "new.md"
    incoming.write_text("# A new paper\n\nSome words of our own about bus routes.\n")
    manifest = project.manifest_path.read_text()
    other = hold(project, "ingest")
    try:
        res = scrutiny(project, "ingest", incoming, "--wait", "0")
    finally:
        stop(other)
    assert res.returncode == 1 and "busy: another ingest" in res.stderr
    assert list(project.sources_dir.iterdir()) == []
    assert project.manifest_path.read_text() == manifest


def test_readers_never_take_the_lock(project, tmp_path):
    doc = tmp_path / "paper.md"
    doc.write_text("# Paper\n\nThe council will widen bus lanes by next spring.\n")
    assert scrutiny(project, "ingest", doc, "--no-tag").returncode == 0
    other = hold(project, "ingest")
    try:
        for args in (["search", "bus"], ["documents"], ["stats"], ["passages"]):
            res = scrutiny(project, *args)
            assert res.returncode == 0, (args, res.stderr)
            assert "busy" not in res.stderr and "waiting" not in res.stderr
    finally:
        stop(other)


def test_manifest_edits_and_exports_into_the_project_are_writers(project, tmp_path):
    """`documents --edit` writes the manifest and `export --out` inside the project
    writes the project: both wait for the lock; an export elsewhere only reads."""
    doc = tmp_path / "paper.md"
    doc.write_text("# Paper\n\nThe council will widen bus lanes by next spring.\n")
    assert scrutiny(project, "ingest", doc, "--no-tag").returncode == 0
    manifest = project.manifest_path.read_text()
    inside = project.root / "exports" / "all.json"
    outside = tmp_path / "all.json"
    other = hold(project, "ingest")
    try:
        for args in (["documents", "--edit", "paper", "--title", "Another title"],
                     ["export", "--format", "json", "--out", inside]):
            res = scrutiny(project, *args, "--wait", "0.5")
            assert res.returncode == 1, (args, res.stderr)
            lines = [line for line in res.stderr.splitlines() if line.strip()]
            assert lines[-1].startswith(f"Error: busy: another ingest (pid {other.pid} "), (args, res.stderr)
            assert "Traceback" not in res.stderr
        res = scrutiny(project, "export", "--format", "json", "--out", outside, "--wait", "0")
        assert res.returncode == 0, res.stderr
        assert "busy" not in res.stderr and "waiting" not in res.stderr
    finally:
        stop(other)
    assert project.manifest_path.read_text() == manifest
    assert not inside.exists()
    assert outside.stat().st_size > 0
    res = scrutiny(project, "documents", "--edit", "paper", "--title", "Another title")
    assert res.returncode == 0, res.stderr
    assert "Another title" in project.manifest_path.read_text()
    assert scrutiny(project, "export", "--format", "json", "--out", inside).returncode == 0
    assert inside.stat().st_size > 0


def test_a_locked_store_is_one_clear_line():
    """A writer outside the lock (another tool) holding the store: SQLite's
    "database is locked" reaches the user as one line, not a traceback."""
    import sqlite3

    from click.testing import CliRunner

    from scrutiny.cli.common import Group

    @click.group(cls=Group)
    def group():
        pass

    @group.command()
    def write():
        raise sqlite3.OperationalError("database is locked")

    @group.command()
    def other():
        raise sqlite3.OperationalError("no such table: passages")

    res = CliRunner().invoke(group, ["write"])
    assert res.exit_code == 1
    assert res.output.startswith("Error: busy: the store (.scrutiny/store.db) is being written by another process")
    assert len(res.output.strip().splitlines()) == 1
    res = CliRunner().invoke(group, ["other"])
    assert res.exit_code == 1 and "a bug in scrutiny: OperationalError: no such table" in res.output


def test_ingest_asks_its_question_with_the_lock_released(project):
    """At a terminal, ingest asks whether to record what a file says about itself;
    while a person thinks, other writers are not held up. The answer is recorded."""
    import pty
    import select

    from scrutiny.manifest import load_manifest

    (project.root / "plan.md").write_text(
        "---\ntitle: Synthetic Plan\nauthor: Jane Roe\ndate: 2021-04-01\n---\n# Synthetic Plan\n\n"
        "The plan sets out three aims for local services in plain words.\n", encoding="utf-8")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scrutiny", "--root", str(project.root), "ingest", "--no-tag",
                             str(project.root / "plan.md")], stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while b"Record them in the manifest?" not in seen:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            if select.select([master], [], [], 1.0)[0]:
                seen += os.read(master, 4096)
        with project_lock(project, "build", wait=0):   # free while the question waits
            assert holder(project) is not None and holder(project).command == "build"
        os.write(master, b"y\n")
        assert proc.wait(timeout=60) == 0
    finally:
        stop(proc)
        os.close(master)
    entry = load_manifest(project.manifest_path).documents["plan"]
    assert entry.authors == ["Jane Roe"] and str(entry.date) == "2021-04-01"


@pytest.mark.postgres
def test_two_folders_on_one_database_take_turns(tmp_path, pg_url):
    """Two people, two machines (here two folders), one shared database: the
    second writer is told which command holds the database, and goes in once
    the first is gone (a killed writer's session ends, and its hold with it)."""
    from scrutiny.init import init_project
    from scrutiny.project import Project

    first = Project(init_project(tmp_path / "first", database=pg_url))
    second = Project(init_project(tmp_path / "second", database=pg_url))
    other = hold(first, "build")
    try:
        said = []
        with pytest.raises(Busy) as caught:
            with project_lock(second, "ingest", wait=0.5, say=said.append):
                pass
        message = str(caught.value)
        assert "scrutiny build pid" in message and f"pid {other.pid}" in message, message
        assert "database" in message and said and "waiting for another writer" in said[0]
    finally:
        stop(other)
    with project_lock(second, "ingest", wait=10):
        with pytest.raises(Busy):   # and now the first folder waits for the second
            with project_lock(first, "build", wait=0.2, say=lambda line: None):
                pass
