"""Atomic file writes: write to a temporary file beside the target, then rename.

A reader of the target sees either the old content or the new, never a torn
file, even if the process is killed half-way.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


_UMASK: int | None = None


def _file_mode(path: Path) -> int:
    """The mode the new file gets: the old file's, else 0666 less the umask
    (mkstemp alone would leave it 0600, unreadable to a web server)."""
    global _UMASK
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        if _UMASK is None:
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
        return 0o666 & ~_UMASK


@contextmanager
def atomic_open(path, mode: str = "w", encoding: str | None = "utf-8", fsync: bool = True):
    """Open a temporary file beside ``path``; on success it replaces ``path``.

    ``fsync=False`` skips the flush to disk: for derived files (the site) that
    the next build rewrites anyway, where one fsync per file would dominate.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, _file_mode(path))
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as fh:
            yield fh
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        if _WRITTEN is not None:
            note_written(path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# The files this process wrote, with their stamps (mtime in ns, size) as written, while a
# long-lived process asks for them (``scrutiny watch``: what its own build wrote among the
# build's inputs is no change to build again). None: not recorded.
_WRITTEN: dict[str, tuple[int, int]] | None = None


def record_writes(on: bool) -> None:
    """Start (or stop, forgetting them) recording the stamps of the files written."""
    global _WRITTEN
    _WRITTEN = {} if on else None


def note_written(path) -> None:
    """Record ``path``'s stamp as this process wrote it (when recording)."""
    if _WRITTEN is None:
        return
    try:
        st = os.stat(path)
    except OSError:
        return
    if len(_WRITTEN) > 10000:      # a long watch: keep the record small
        _WRITTEN.clear()
    _WRITTEN[os.path.abspath(path)] = (st.st_mtime_ns, st.st_size)


def written_stamp(path) -> tuple[int, int] | None:
    """The stamp ``path`` had when this process last wrote it, or None."""
    if _WRITTEN is None:
        return None
    return _WRITTEN.get(os.path.abspath(path))


def write_text(path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes(path, data: bytes, fsync: bool = True) -> None:
    with atomic_open(path, "wb", fsync=fsync) as fh:
        fh.write(data)


def write_if_changed(path, data: bytes | str) -> bool:
    """Write atomically only when the content differs. Returns True if written."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
    except FileNotFoundError:
        pass
    write_bytes(path, raw)
    return True
