"""One writer at a time: the project lock.

Every command that writes the project (``ingest``, ``build``, ``site``,
``fetch``, ``tag``, ``xref``, ``review accept/reject``, ``documents --edit``,
``export`` into the project) holds the lock
``.scrutiny/lock`` while it runs; a second writer waits for it, saying so,
and gives up after ``wait`` seconds with one clear line::

    busy: another ingest (pid 4242 on this machine, started 2024-05-01 10:00:03, 2 min ago) holds the project

Readers (``search``, ``show``, ``cite``, ``documents``...) never take it:
the store is written in transactions (SQLite WAL: a reader sees the state
before a write or after it) and the index and the site are swapped in whole.

    with project_lock(project, "ingest", wait=5):
        ...

The lock is an ``flock`` on the file, so it goes with the process that holds
it: a killed writer leaves no lock behind (the file then names a holder that
is gone, which the next writer reports as a stale lock it cleared). The file
holds the holder's pid, host, command and start time, for the message. The
lock is re-entrant within a process (``scrutiny build`` holds it and calls
ingest, which asks for it again), and processes forked while it is held (the
reader pool, the index writer's workers) do not keep it.

A project whose store is a shared PostgreSQL database (``scrutiny init
--database``) may be written from several folders on several machines: the
writer then also holds a PostgreSQL advisory lock, on a connection of its own
named after the command, so a writer on another machine waits for it, told
which command holds the database from where. A killed writer's connection
ends with it, and so does its hold on the database.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scrutiny.errors import ScrutinyError

LOCK_NAME = "lock"
DEFAULT_WAIT = 5.0       # seconds a writer waits for another before giving up
POLL = 0.1               # seconds between two tries


class Busy(ScrutinyError):
    """Another writer holds the project; ``holder`` says who (None: unknown)."""

    def __init__(self, message: str, holder: "Holder | None" = None):
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    command: str
    started: str            # ISO 8601, UTC

    def alive(self) -> bool | None:
        """Whether the holder process still runs (None: on another host, unknown)."""
        if self.host != socket.gethostname():
            return None
        return pid_alive(self.pid)

    def describe(self) -> str:
        """``ingest (pid 4242 on this machine, started 2024-05-01 10:00:03, 2 min ago)``"""
        where = "this machine" if self.host == socket.gethostname() else self.host
        when = ""
        try:
            t = datetime.fromisoformat(self.started)
            ago = max(0, int((datetime.now(timezone.utc) - t).total_seconds()))
            when = f", started {t.astimezone().strftime('%Y-%m-%d %H:%M:%S')}, {_ago(ago)}"
        except ValueError:
            pass
        return f"{self.command} (pid {self.pid} on {where}{when})"

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "host": self.host, "command": self.command,
                           "started": self.started}, sort_keys=True)

    @classmethod
    def parse(cls, text: str) -> "Holder | None":
        try:
            d = json.loads(text)
            return cls(int(d["pid"]), str(d["host"]), str(d["command"]), str(d["started"]))
        except (ValueError, TypeError, KeyError):
            return None


def _ago(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# lock path -> [fd, depth] for the locks this process holds
_held: dict[str, list[int]] = {}
# lock path -> the connection holding the project database's advisory lock
_db_held: dict[str, object] = {}
# The advisory lock's key: one per database (each project has its own database).
DB_LOCK_KEY = 0x5C27_7140_0C4B


def _forget_in_child() -> None:
    """After a fork: the child does not hold the parent's locks (flock follows
    the open file, which the child shares; closing its copy keeps the lock
    the parent's alone, and a child that outlives a killed parent holds nothing)."""
    for fd, _ in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()
    # The database connection's socket: its number now points at /dev/null in
    # the child, so nothing the child does (or leaves at exit) reaches the
    # parent's session, and the hold ends when the parent's connection does.
    for conn in _db_held.values():
        try:
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, conn.fileno())
            os.close(null)
        except (OSError, ValueError):
            pass
    _db_held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def lock_path(project) -> Path:
    return Path(project.data_dir) / LOCK_NAME


def holder(project) -> Holder | None:
    """Who holds the project's lock now (None: nobody)."""
    path = lock_path(project)
    if str(path) in _held:
        return Holder.parse(path.read_text(encoding="utf-8"))
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    try:
        if _try_lock(fd, path):
            _unlock(fd)
            return None
        return Holder.parse(_read(fd))
    finally:
        os.close(fd)


@contextmanager
def project_lock(project, command: str, wait: float | None = None, say=None):
    """Hold the project's write lock for the body of the ``with``.

    ``wait``: seconds to wait for another writer (None: :data:`DEFAULT_WAIT`;
    ``float('inf')``: as long as it takes). ``say`` receives one line when
    this process has to wait, and one when it clears a stale lock. Raises
    :class:`Busy` when the wait runs out.
    """
    from scrutiny.paths import check_inside

    path = lock_path(project)
    key = str(path)
    if key in _held:  # re-entrant: this process already holds it
        _held[key][1] += 1
        try:
            yield
        finally:
            _held[key][1] -= 1
        return
    wait = DEFAULT_WAIT if wait is None else wait
    say = say or _stderr
    data_dir = Path(project.data_dir)
    check_inside(Path(project.root), data_dir, "the project's data folder")
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise ScrutinyError(f"cannot open the project lock {path}: {exc.strerror or exc} "
                            "(a writer needs a writable .scrutiny/ folder)") from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while not _try_lock(fd, path):
            other = Holder.parse(_read(fd))
            who = _who(other)
            if time.monotonic() >= deadline:
                raise Busy(f"busy: another {who} holds the project; try again when it has finished, "
                           "or let this one wait for it with --wait SECONDS", other)
            if not told:
                told = True
                span = "as long as it takes" if wait == float("inf") else f"up to {wait:g} s"
                say(f"waiting for another {who} to finish ({span})")
            time.sleep(POLL)
        stale = Holder.parse(_read(fd))
        if stale is not None and stale.alive() is False and stale.pid != os.getpid():
            say(f"cleared a stale lock: {stale.describe()} is no longer running")
        me = Holder(os.getpid(), socket.gethostname(), command,
                    datetime.now(timezone.utc).replace(microsecond=0).isoformat())
        os.ftruncate(fd, 0)
        os.pwrite(fd, (me.to_json() + "\n").encode("utf-8"), 0)
        conn = _lock_database(project, me, deadline, wait, say, told)
    except BaseException:
        os.close(fd)
        raise
    _held[key] = [fd, 1]
    if conn is not None:
        _db_held[key] = conn
    try:
        yield
    finally:
        del _held[key]
        try:
            if _db_held.pop(key, None) is not None:
                conn.close()   # the session ends, and its advisory lock with it
            os.ftruncate(fd, 0)
        finally:
            _unlock(fd)
            os.close(fd)


def _lock_database(project, me: Holder, deadline: float, wait: float, say, told: bool):
    """The shared database's advisory lock, for a project on PostgreSQL (None otherwise):
    a connection of its own, named after this writer, holding the lock until closed."""
    from scrutiny.db import is_postgres, shown

    url = project.database
    if not url or not is_postgres(url):
        return None
    import psycopg

    name = f"scrutiny {me.command} pid {me.pid} on {me.host}"[:63]
    try:
        conn = psycopg.connect(url, autocommit=True, application_name=name)
    except psycopg.OperationalError as exc:
        raise ScrutinyError(f"cannot connect to the database {shown(url)} to lock it: "
                            f"{str(exc).strip().splitlines()[0]}") from None
    try:
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (DB_LOCK_KEY,)).fetchone()[0]:
            who = _database_holder(conn)
            if time.monotonic() >= deadline:
                raise Busy(f"busy: another writer ({who}) holds the project's database {shown(url)}; try again "
                           "when it has finished, or let this one wait for it with --wait SECONDS")
            if not told:
                told = True
                span = "as long as it takes" if wait == float("inf") else f"up to {wait:g} s"
                say(f"waiting for another writer ({who}) to finish with the project's database ({span})")
            time.sleep(POLL)
    except BaseException:
        conn.close()
        raise
    return conn


def _database_holder(conn) -> str:
    """Who holds the database's advisory lock: its connection's name, address and start."""
    row = conn.execute(
        "SELECT a.application_name, coalesce(host(a.client_addr), 'a local socket'), "
        "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s", (DB_LOCK_KEY,)).fetchone()
    if row is None:
        return "a writer that has just finished"
    name, where, since = row
    return f"{name or 'an unnamed connection'}, connected from {where} since {since} UTC"


def locked(command: str):
    """Decorator for a library function ``fn(project, ...)`` that writes the
    project: it runs holding the lock (re-entrant; a caller that holds it
    already goes straight in) and takes an extra keyword ``wait`` (seconds,
    see :func:`project_lock`)."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(project, *args, wait: float | None = None, **kwargs):
            with project_lock(project, command, wait=wait):
                return fn(project, *args, **kwargs)

        return wrapper

    return deco


def _who(other: Holder | None) -> str:
    if other is None:
        return "scrutiny command"
    who = other.describe()
    if other.alive() is False:
        who += "; that process is gone but one it started still holds the lock"
    return who


def _try_lock(fd: int, path: Path) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise ScrutinyError(f"cannot lock {path}: {exc.strerror} (the file system of the project does not "
                            "support file locks; move the project to a local disk)") from None


def _unlock(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


__all__ = ["Busy", "DEFAULT_WAIT", "Holder", "holder", "lock_path", "locked", "pid_alive", "project_lock"]
