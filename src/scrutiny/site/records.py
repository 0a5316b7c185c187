"""The site's records kept between builds, in one SQLite file of the cache folder
(``.scrutiny/site-records.sqlite``): what a build worked out document by document
(:mod:`.doc_cache`), the suggested ties by document and by tie
(:mod:`.suggested_ties`) and citeproc's texts (:mod:`.citations`).

A build reads the rows it needs and writes only the rows that moved, each record in
one transaction (WAL), so that a build stopped half way leaves the previous record
whole. The file is a cache: one that is missing, torn (not a database, or damaged)
or made by another version of this module is not an error; it is made again and
everything in it is worked out again.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

FILE = "site-records.sqlite"
VERSION = "2"     # of the tables below: another one makes the file again

_SCHEMA = """
CREATE TABLE IF NOT EXISTS site_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- one row per (record, document): the key the value was worked out under, and the value (JSON)
CREATE TABLE IF NOT EXISTS docs (
    name   TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (name, doc_id)
) WITHOUT ROWID;
-- the suggested ties (scrutiny.site.suggested_ties): each document's key, its part of each tie
-- it suggests, and each tie's listing made from all its parts
CREATE TABLE IF NOT EXISTS tie_docs (doc_id TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tie_parts (
    tie_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    part   TEXT NOT NULL,
    PRIMARY KEY (tie_id, doc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tie_parts_doc ON tie_parts(doc_id);
-- citeproc's texts (scrutiny.site.citations.Citer), by the key of the CSL item, style and code
CREATE TABLE IF NOT EXISTS citations (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tie_listings (
    tie_id   TEXT PRIMARY KEY,
    subject  TEXT NOT NULL,
    relation TEXT NOT NULL,
    object   TEXT NOT NULL,
    listing  TEXT NOT NULL
) WITHOUT ROWID;
"""


def dumps(value) -> str:
    """A record's value as it is kept (compact JSON)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def path_in(cache_dir) -> Path:
    return Path(cache_dir) / FILE


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'site_meta'").fetchone()
        row = db.execute("SELECT value FROM site_meta WHERE key = 'version'").fetchone() if has_meta else None
        if row is None or row[0] != VERSION:   # new, or made by another version: made again
            with transaction(db):
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{name}"')
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO site_meta (key, value) VALUES ('version', ?)", (VERSION,))
        db.execute("SELECT count(*) FROM docs WHERE 0").fetchone()   # a damaged file fails here or above
        return db
    except BaseException:
        db.close()
        raise


def connect(cache_dir) -> sqlite3.Connection:
    """The record file of ``cache_dir``, made (again) when missing, torn or older."""
    path = path_in(cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path)
    except sqlite3.DatabaseError:
        # torn or not a database: a cache, made again from nothing
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        return _open(path)


def memory() -> sqlite3.Connection:
    """A record that is not kept (no cache folder): everything is worked out."""
    return _open(Path(":memory:"))


@contextmanager
def transaction(db: sqlite3.Connection):
    """One transaction: all of it is written, or none of it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def version(db: sqlite3.Connection, name: str) -> str | None:
    row = db.execute("SELECT value FROM site_meta WHERE key = ?", ("record:" + name,)).fetchone()
    return row[0] if row else None


def set_version(db: sqlite3.Connection, name: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO site_meta (key, value) VALUES (?, ?)", ("record:" + name, value))
