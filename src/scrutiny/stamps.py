"""The sha256 of each document's source file, without reading every file on every run.

    >>> hashes = SourceHashes(store)                 # the stamps kept in the store
    >>> hashes.sha256("report", path)                # read only when its stamp moved
    >>> hashes.save(keep=manifest_ids)               # inside a transaction

As ``git status`` does with its index: a file's stamp (its size, its
modification and change times in nanoseconds, its inode) is kept in
``source_stamps`` with the sha256 the file had when it was read. A file whose
stamp is the one kept is not read again; any change to it moves the stamp (its
change time moves with every write, whatever the writer does to the
modification time), and the file is hashed again. A file changed within
:data:`RACY_SECONDS` of being hashed could change again within the same tick
of the clock without moving its stamp: its stamp is not kept (it is hashed
again next time), as git treats a "racily clean" entry.

A cache of facts about files, not content: keeping it or losing it changes
no result, only how many files are read.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

MIGRATIONS = [
    """
    CREATE TABLE source_stamps (
        doc_id  TEXT PRIMARY KEY,
        path    TEXT NOT NULL,        -- the file the stamp and hash are of
        stamp   TEXT NOT NULL,        -- size:mtime_ns:ctime_ns:inode
        sha256  TEXT NOT NULL
    );
    """,
]

RACY_SECONDS = 2.0


def stamp_of(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class SourceHashes:
    """The sha256 of documents' source files, read only when a file's stamp moved.
    ``write=False``: the kept stamps are used but none is written (a read-only store;
    without the table every file is read)."""

    def __init__(self, store, write: bool = True):
        self.store, self.write = store, write
        if write:
            store.ensure_schema("stamps", MIGRATIONS)
        self.kept: dict[str, tuple[str, str, str]] = {}   # doc id -> (path, stamp, sha256)
        if write or store.schema_version("stamps") == len(MIGRATIONS):
            self.kept = {r[0]: (r[1], r[2], r[3]) for r in store.db.execute(
                "SELECT doc_id, path, stamp, sha256 FROM source_stamps")}
        self.fresh: dict[str, tuple[str, str, str]] = {}
        self.hashed = 0    # files read (a test counts them)

    def sha256(self, doc_id: str, path: Path, st: os.stat_result | None = None) -> str:
        """The sha256 of ``path``, the source of ``doc_id`` (``st``: its stat, when taken)."""
        st = st if st is not None else path.stat()
        stamp = stamp_of(st)
        kept = self.kept.get(doc_id)
        if kept is not None and kept[0] == str(path) and kept[1] == stamp:
            return kept[2]
        sha = file_sha256(path)
        self.hashed += 1
        try:
            still = stamp_of(path.stat()) == stamp      # not changed while it was read
        except OSError:
            still = False
        racy = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_SECONDS * 1e9
        if still and not racy:
            self.fresh[doc_id] = (str(path), stamp, sha)
        return sha

    def save(self, keep=None) -> None:
        """Write the stamps taken (call inside a transaction); ``keep``: the ids of the
        documents that still exist (the stamps of the others are dropped)."""
        if not self.write:
            return
        db = self.store.db
        db.executemany("INSERT INTO source_stamps (doc_id, path, stamp, sha256) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(doc_id) DO UPDATE SET path = excluded.path, stamp = excluded.stamp, "
                       "sha256 = excluded.sha256", [(d, *v) for d, v in sorted(self.fresh.items())])
        if keep is not None:
            keep = set(keep)
            dropped = sorted(d for d in self.kept if d not in keep)
            db.executemany("DELETE FROM source_stamps WHERE doc_id = ?", [(d,) for d in dropped])
            for d in dropped:
                del self.kept[d]
        self.kept.update(self.fresh)
        self.fresh = {}

    @property
    def pending(self) -> bool:
        return bool(self.fresh)
