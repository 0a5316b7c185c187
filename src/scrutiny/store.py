"""The SQLite store: documents, passages and (per component) derived tables.

Schema versions are kept per component in ``schema_versions`` so that each
stage (core, nlp, kb, xref...) can own and migrate its own tables without
touching anyone else's::

    store.ensure_schema("nlp", [MIGRATION_1_SQL, MIGRATION_2_SQL])

Foreign keys are on; WAL mode lets readers (search, site) go on while an
ingest writes; every ingest runs in one transaction (``with store.transaction():``),
so a killed process leaves the previous state intact.

This module owns the core tables (``documents``, ``passages``,
``passage_redirects``, ``meta``, ``schema_versions``): every other module reads
and writes them through :class:`Store`, whose passages are
:class:`scrutiny.passages.Passage` objects and whose redirects are
:class:`Redirect` objects.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from scrutiny.passages import Passage

CORE_MIGRATIONS = [
    """
    CREATE TABLE documents (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        short_title TEXT,
        kind        TEXT NOT NULL DEFAULT 'policy',
        publisher   TEXT,
        authors     TEXT NOT NULL DEFAULT '[]',   -- JSON list
        date        TEXT,
        url         TEXT,
        licence     TEXT,
        source      TEXT,                          -- path relative to the root
        sha256      TEXT,
        pages       INTEGER,
        passages    INTEGER,
        metadata    TEXT NOT NULL DEFAULT '{}',    -- JSON: what the reader found
        ingested_at TEXT
    );
    CREATE TABLE passages (
        id          TEXT PRIMARY KEY,
        doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ord         INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        page        INTEGER NOT NULL,
        page_end    INTEGER NOT NULL,
        heading     TEXT NOT NULL DEFAULT '',      -- heading path joined with ' > '
        heading_path TEXT NOT NULL DEFAULT '[]',   -- JSON list
        text        TEXT NOT NULL,
        char_start  INTEGER NOT NULL,
        char_end    INTEGER NOT NULL,
        UNIQUE (doc_id, ord)
    );
    CREATE INDEX passages_doc ON passages(doc_id, ord);
    -- Old passage ids and where they now point (re-anchoring after a revision).
    -- new_id NULL = orphan: the text is gone and no match was found.
    CREATE TABLE passage_redirects (
        old_id      TEXT PRIMARY KEY,
        doc_id      TEXT NOT NULL,
        new_id      TEXT,
        method      TEXT NOT NULL,                 -- exact | merged | split | fuzzy | orphan
        score       REAL,
        old_text    TEXT NOT NULL,
        old_page    INTEGER,
        created_at  TEXT NOT NULL
    );
    """,
    """
    -- Small key/value facts about the store, e.g. the content version the
    -- search index was last built from.
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    INSERT INTO meta(key, value) VALUES ('content_version', '0');
    """,
    """
    -- Offsets in a passage's text where a new page begins (JSON list), so
    -- that a sentence of a passage running overleaf gets its own page.
    ALTER TABLE passages ADD COLUMN page_breaks TEXT NOT NULL DEFAULT '[]';
    """,
    """
    -- What a passage's kind needs besides its text (JSON object): a table's
    -- rows and caption, a contents page's entries, note calls taken out of the
    -- text and the notes they call, a note's callers, OCR confidence.
    ALTER TABLE passages ADD COLUMN layout TEXT NOT NULL DEFAULT '{}';
    """,
    """
    -- The printed label of each physical page (JSON list: "i", "ii", "1"...),
    -- NULL when the labels are the physical numbers (scrutiny.pages).
    ALTER TABLE documents ADD COLUMN page_labels TEXT;
    """,
    """
    -- A number given to a document's passages each time they are written (from a
    -- counter of the store's), so that a later stage can tell that they were
    -- written again without reading them (Store.passage_stamps).
    ALTER TABLE documents ADD COLUMN passages_seq INTEGER;
    """,
]


@dataclass(frozen=True)
class Redirect:
    """Where an old passage id points after its document was revised
    (``new_id`` None: an orphan, its text is gone)."""

    old_id: str
    doc_id: str
    new_id: str | None
    method: str                 # exact | merged | split | fuzzy | orphan | removed (its document left)
    score: float | None
    old_text: str
    old_page: int | None
    created_at: str

    @classmethod
    def from_row(cls, row) -> "Redirect":
        return cls(old_id=row["old_id"], doc_id=row["doc_id"], new_id=row["new_id"], method=row["method"],
                   score=row["score"], old_text=row["old_text"], old_page=row["old_page"],
                   created_at=row["created_at"])

    def to_dict(self) -> dict:
        return {"old_id": self.old_id, "doc_id": self.doc_id, "new_id": self.new_id, "method": self.method,
                "score": self.score, "old_text": self.old_text, "old_page": self.old_page,
                "created_at": self.created_at}


class PassageRef(NamedTuple):
    """A passage without its text: what lists of every passage need (permalinks,
    fingerprints of a document's passages). A named tuple: tens of thousands are
    made on every site build."""

    id: str
    doc_id: str
    ord: int
    kind: str
    page: int
    page_end: int
    chars: int = 0      # the length of its text (the site splits long documents into parts by it)


def store_exists(project) -> bool:
    """Whether ``project`` has a store: its SQLite file, or the store's tables in
    its PostgreSQL database (made by the first writer: `scrutiny init
    --database`, or an ingest). A database that cannot be reached is a clear error."""
    if not project.database:
        return project.store_path.exists()
    from scrutiny.db import PgConnection

    conn = PgConnection(project.database, readonly=True)
    try:
        return bool(conn.execute("SELECT to_regclass('schema_versions') IS NOT NULL").fetchone()[0])
    finally:
        conn.close()


def store_shown(project) -> str:
    """Where ``project``'s store is, for messages: the SQLite file, or the
    database's address without its password."""
    if project.database:
        from scrutiny.db import shown

        return shown(project.database)
    return str(project.store_path)


class Store:
    """The store at ``path``: a SQLite file (the default), or a PostgreSQL
    database when ``path`` is a ``postgresql://`` address (:mod:`scrutiny.db`
    gives both the same face; every stage's SQL runs on either)."""

    def __init__(self, path, readonly: bool = False):
        from scrutiny.db import is_postgres

        self.dialect = "postgresql" if is_postgres(path) else "sqlite"
        if self.dialect == "postgresql":
            from scrutiny.db import PgConnection

            self.path = path
            self.db = PgConnection(path, readonly=readonly)
            self.readonly = readonly
            self._depth = 0
            if readonly:
                self._check_readonly_schema()
            else:
                self.ensure_schema("core", CORE_MIGRATIONS)
            return
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                from scrutiny.errors import ProjectError

                raise ProjectError(
                    f"no store at {self.path}: run `scrutiny ingest` first"
                )
            uri = f"file:{self.path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True)
            self._check_readonly_schema()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.readonly = readonly
        self._depth = 0
        if not readonly:
            self.ensure_schema("core", CORE_MIGRATIONS)

    # --- schema ------------------------------------------------------------
    def _check_readonly_schema(self) -> None:
        """A read-only store cannot be migrated: say how to upgrade it."""
        from scrutiny.errors import ProjectError

        if self.dialect == "postgresql" and not self.has_table("schema_versions"):
            raise ProjectError(f"no scrutiny store in {self.shown}: run `scrutiny ingest` first")
        try:
            row = self.db.execute("SELECT version FROM schema_versions WHERE component = 'core'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{self.path} is not a scrutiny store ({exc}); delete it and run `scrutiny ingest`") from None
        version = row[0] if row else 0
        if version < len(CORE_MIGRATIONS):
            raise ProjectError(
                f"the store {self.path} was made by an older scrutiny (schema {version}, now "
                f"{len(CORE_MIGRATIONS)}): run `scrutiny ingest` to upgrade it"
            )
        if version > len(CORE_MIGRATIONS):
            raise ProjectError(
                f"the store {self.path} was made by a newer scrutiny (schema {version}); upgrade scrutiny"
            )

    def ensure_schema(self, component: str, migrations: list[str]) -> None:
        """Apply the migrations of ``component`` not applied yet, in order."""
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        row = self.db.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ).fetchone()
        current = row[0] if row else 0
        if current >= len(migrations):
            return
        with self.transaction():
            for version in range(current, len(migrations)):
                for statement in _split_sql(migrations[version]):
                    self.db.execute(statement)
            self.db.execute(
                "INSERT INTO schema_versions(component, version) VALUES (?, ?) "
                "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                (component, len(migrations)),
            )

    def schema_version(self, component: str) -> int:
        """The number of migrations of ``component`` applied to this store (0: none)."""
        if not self.has_table("schema_versions"):
            return 0
        row = self.db.execute("SELECT version FROM schema_versions WHERE component = ?", (component,)).fetchone()
        return row[0] if row else 0

    def schema_current(self, component: str, migrations: list[str], *, made: tuple[str, str], again: str) -> bool:
        """Whether a later stage's tables are here at the current schema: False when
        the stage never ran; a ScrutinyError when another scrutiny made them.
        ``made`` is (what they are, the label of their version): ("the tags", "tag schema");
        ``again`` says how to make them again."""
        from scrutiny.errors import ScrutinyError

        version = self.schema_version(component)
        if version == 0:
            return False
        what, label = made
        if version < len(migrations):
            raise ScrutinyError(
                f"{what} in {self.path} were made by an older scrutiny ({label} {version}, now "
                f"{len(migrations)}): {again}")
        if version > len(migrations):
            raise ScrutinyError(f"{what} in {self.path} were made by a newer scrutiny; upgrade scrutiny")
        return True

    def has_table(self, name: str) -> bool:
        if self.dialect == "postgresql":
            return self.db.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]
        return self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        ).fetchone() is not None

    @property
    def shown(self) -> str:
        """Where the store is, for messages (a database address without its password)."""
        from scrutiny.db import shown

        return shown(self.path)

    # --- transactions --------------------------------------------------------
    @contextmanager
    def transaction(self):
        """Nestable: only the outermost level commits or rolls back."""
        if self._depth == 0:
            self.db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.db.rollback()
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self.db.commit()

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- documents -----------------------------------------------------------
    def document(self, doc_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def documents(self) -> list[dict]:
        return [_doc(r) for r in self.db.execute("SELECT * FROM documents ORDER BY id")]

    def documents_shown(self) -> list[dict]:
        """Every stored document as :meth:`documents` gives it, without the times and
        bookkeeping of its storing (``ingested_at``, ``passages_seq``): what the site shows
        of it (an empty author list or metadata not decoded: a build reads every document)."""
        cols = ("id", "title", "short_title", "kind", "publisher", "authors", "date", "url", "licence",
                "source", "sha256", "pages", "passages", "metadata", "page_labels")
        out = []
        for r in self.db.execute(f"SELECT {', '.join(cols)} FROM documents ORDER BY id"):
            d = dict(zip(cols, r))   # (by position: a row's lookup by name scans its columns)
            a, m, labels = d["authors"], d["metadata"], d["page_labels"]
            d["authors"] = json.loads(a) if a and a != "[]" else []
            d["metadata"] = json.loads(m) if m and m != "{}" else {}
            d["page_labels"] = json.loads(labels) if labels else None
            out.append(d)
        return out

    def upsert_document(self, doc: dict) -> None:
        cols = (
            "id", "title", "short_title", "kind", "publisher", "authors", "date", "url",
            "licence", "source", "sha256", "pages", "passages", "metadata", "ingested_at", "page_labels",
        )
        values = dict(doc)
        values["page_labels"] = json.dumps(values["page_labels"]) if values.get("page_labels") else None
        values["authors"] = json.dumps(values.get("authors") or [], ensure_ascii=False)
        values["metadata"] = json.dumps(values.get("metadata") or {}, ensure_ascii=False, sort_keys=True)
        row = [values.get(c) for c in cols]
        self.db.execute(
            f"INSERT INTO documents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in cols[1:]),
            row,
        )

    def delete_document(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def remove_document(self, doc_id: str, when: str) -> int:
        """Delete a document and its passages (call inside a transaction), keeping
        every passage id it had, current or old, as an orphan redirect with method
        ``removed``: old permalinks then say the document left the corpus instead
        of pointing nowhere. Returns the number of passages removed."""
        rows = self.db.execute("SELECT id, text, page FROM passages WHERE doc_id = ?", (doc_id,)).fetchall()
        self.db.executemany(
            "INSERT INTO passage_redirects(old_id, doc_id, new_id, method, score, old_text, old_page, created_at) "
            "VALUES (?, ?, NULL, 'removed', NULL, ?, ?, ?) ON CONFLICT(old_id) DO UPDATE SET new_id = NULL, "
            "method = 'removed', score = NULL, created_at = excluded.created_at",
            [(r["id"], doc_id, r["text"], r["page"], when) for r in rows])
        self.db.execute("UPDATE passage_redirects SET new_id = NULL, method = 'removed', score = NULL "
                        "WHERE doc_id = ?", (doc_id,))
        self.delete_document(doc_id)
        return len(rows)

    # --- passages ------------------------------------------------------------
    def replace_passages(self, doc_id: str, passages: list[Passage]) -> None:
        """Replace all passages of a document (call inside a transaction)."""
        self.db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        seq = int(self.get_meta("passages_seq", "0")) + 1
        self.set_meta("passages_seq", seq)
        self.db.execute("UPDATE documents SET passages_seq = ? WHERE id = ?", (seq, doc_id))
        self.db.executemany(
            "INSERT INTO passages (id, doc_id, ord, kind, page, page_end, heading, heading_path, "
            "text, char_start, char_end, page_breaks, layout) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    p.id, doc_id, p.ord, p.kind, p.page, p.page_end, p.heading,
                    json.dumps(p.heading_path, ensure_ascii=False), p.text, p.char_start, p.char_end,
                    json.dumps(list(p.page_breaks)),
                    json.dumps(p.layout, ensure_ascii=False, sort_keys=True),
                )
                for p in passages
            ],
        )

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        """Passages in reading order (of one document, or of all by document id)."""
        if doc_id:
            rows = self.db.execute("SELECT * FROM passages WHERE doc_id = ? ORDER BY ord", (doc_id,))
        else:
            rows = self.db.execute("SELECT * FROM passages ORDER BY doc_id, ord")
        return [Passage.from_row(r) for r in rows]

    def passage(self, passage_id: str) -> Passage | None:
        row = self.db.execute("SELECT * FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return Passage.from_row(row) if row else None

    def passages_by_id(self, ids) -> dict[str, Passage]:
        """{id: passage} for those of ``ids`` that exist."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        rows = self.db.execute("SELECT * FROM passages WHERE id IN (SELECT value FROM json_each(?))",
                               (json.dumps(ids),))
        return {r["id"]: Passage.from_row(r) for r in rows}

    def passages_from(self, passage: Passage, limit: int) -> list[Passage]:
        """``passage`` and the ones after it in its document, ``limit`` in all."""
        rows = self.db.execute("SELECT * FROM passages WHERE doc_id = ? AND ord >= ? ORDER BY ord LIMIT ?",
                               (passage.doc_id, passage.ord, limit))
        return [Passage.from_row(r) for r in rows]

    def passage_refs(self, doc_ids=None) -> list[PassageRef]:
        """Every passage without its text (of the documents ``doc_ids`` only, when
        given), by document and reading order."""
        if doc_ids is None:
            return list(map(PassageRef._make, self.db.execute(
                "SELECT id, doc_id, ord, kind, page, page_end, length(text) FROM passages ORDER BY doc_id, ord")))
        out: list[PassageRef] = []
        for doc_id in sorted(set(doc_ids)):
            out.extend(map(PassageRef._make, self.db.execute(
                "SELECT id, doc_id, ord, kind, page, page_end, length(text) FROM passages WHERE doc_id = ? "
                "ORDER BY ord", (doc_id,))))
        return out

    def passage_documents(self, ids) -> dict[str, str]:
        """{passage id: its document} for those of ``ids`` that exist (looked up by id,
        without reading every passage)."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        return dict(self.db.execute("SELECT id, doc_id FROM passages WHERE id IN (SELECT value FROM json_each(?))",
                                    (json.dumps(ids),)).fetchall())

    def document_stamps(self) -> dict[str, tuple]:
        """{id: (sha256, passages, ingested_at)} of every stored document: what
        changes when its passages are stored again (read without its metadata)."""
        return {r[0]: (r[1], r[2], r[3]) for r in self.db.execute(
            "SELECT id, sha256, passages, ingested_at FROM documents ORDER BY id")}

    def document_labels(self) -> list[dict]:
        """Every stored document's id, title, short title, pages, page labels, sha256,
        time of storing and passages, in id order: what the search index records of it
        (read without the metadata's JSON)."""
        out = []
        for r in self.db.execute("SELECT id, title, short_title, pages, page_labels, sha256, ingested_at, passages "
                                 "FROM documents ORDER BY id"):
            d = dict(r)
            d["page_labels"] = json.loads(d["page_labels"]) if d["page_labels"] else None
            out.append(d)
        return out

    def passage_stamps(self) -> dict[str, tuple]:
        """{id: (sha256, passages, ingested_at, passages_seq)} of every stored document:
        a tuple that is another whenever the document's passages were written again
        (``passages_seq`` is a new number at each write)."""
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in self.db.execute(
            "SELECT id, sha256, passages, ingested_at, passages_seq FROM documents ORDER BY id")}

    def document_digests(self) -> dict[str, tuple]:
        """{id: (sha256, passages, kind)} of every stored document, in id order (read
        without its metadata: a build asks several times, and 10,000 documents' JSON
        took 0.1 s each time)."""
        return {r[0]: (r[1], r[2], r[3]) for r in self.db.execute(
            "SELECT id, sha256, passages, kind FROM documents ORDER BY id")}

    def document_checks(self) -> dict[str, dict]:
        """{id: the stored document without its page labels and times} of every
        stored document: what an ingest compares with the manifest and the file to
        find a document unchanged (its metadata's JSON read, its authors' only when
        there are some)."""
        out = {}
        for r in self.db.execute("SELECT id, title, short_title, kind, publisher, authors, date, url, licence, "
                                 "sha256, pages, passages, metadata FROM documents"):
            d = dict(r)
            d["authors"] = json.loads(d["authors"]) if d["authors"] and d["authors"] != "[]" else []
            d["metadata"] = json.loads(d["metadata"] or "{}")
            out[d["id"]] = d
        return out

    def document_ids(self) -> list[str]:
        """Every stored document's id, in order."""
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def longest_passage(self, doc_ids=None) -> int:
        """The length in characters of the longest passage's text (of the documents
        ``doc_ids`` only, when given; 0: none)."""
        if doc_ids is None:
            return self.db.execute("SELECT coalesce(max(length(text)), 0) FROM passages").fetchone()[0]
        return self.db.execute("SELECT coalesce(max(length(text)), 0) FROM passages WHERE doc_id IN "
                               "(SELECT value FROM json_each(?))", (json.dumps(sorted(doc_ids)),)).fetchone()[0]

    def has_passages(self) -> bool:
        return self.db.execute("SELECT 1 FROM passages LIMIT 1").fetchone() is not None

    def passage_ids(self, doc_ids=None) -> set[str]:
        """Every passage id (of the documents ``doc_ids`` only, when given)."""
        if doc_ids is None:
            return {r[0] for r in self.db.execute("SELECT id FROM passages")}
        out: set[str] = set()
        for doc_id in sorted(set(doc_ids)):
            out.update(r[0] for r in self.db.execute("SELECT id FROM passages WHERE doc_id = ?", (doc_id,)))
        return out

    def passages_containing(self, needles: list[str], doc_id: str | None = None) -> Iterator[Passage]:
        """Passages (not headings) whose text holds every one of ``needles``
        (case-insensitive for ASCII: SQLite's LIKE), in reading order, read as the
        caller asks for them (it usually stops after a few). A coarse filter: the
        caller makes the exact test."""
        sql = "SELECT * FROM passages WHERE kind != 'heading'"
        args: list = []
        if doc_id:
            sql += " AND doc_id = ?"
            args.append(doc_id)
        for n in needles:
            sql += " AND text LIKE ? ESCAPE '\\'"
            args.append("%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        for row in self.db.execute(sql + " ORDER BY doc_id, ord", args):
            yield Passage.from_row(row)

    def texts_containing(self, needle: str, *more: str) -> Iterator[tuple[str, str]]:
        """(id, text) of every passage, headings included, whose text holds
        ``needle`` and each of ``more`` (case-insensitive for ASCII, as SQLite's
        LIKE; "" matches all). A coarse filter: the caller makes the exact test."""
        patterns = ["%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                    for n in (needle, *more)]
        where = " AND ".join(["text LIKE ? ESCAPE '\\'"] * len(patterns))
        for row in self.db.execute(f"SELECT id, text FROM passages WHERE {where}", patterns):
            yield row[0], row[1]

    def texts_holding(self, needles: list[str]) -> Iterator[tuple[str, str, str]]:
        """(id, doc_id, text) of every passage, headings included, whose text holds
        every one of ``needles`` as it is written (case-sensitive), in no particular
        order. A coarse filter over the whole store in one scan: the caller makes
        the exact test."""
        find = "strpos(text, ?) > 0" if self.dialect == "postgresql" else "instr(text, ?) > 0"
        where = " AND ".join([find] * len(needles)) or "1 = 1"
        for row in self.db.execute(f"SELECT id, doc_id, text FROM passages WHERE {where}", list(needles)):
            yield row[0], row[1], row[2]

    def neighbours(self, passage: Passage, n: int = 1) -> tuple[list[Passage], list[Passage]]:
        before = self.db.execute(
            "SELECT * FROM passages WHERE doc_id = ? AND ord < ? ORDER BY ord DESC LIMIT ?",
            (passage.doc_id, passage.ord, n),
        ).fetchall()
        after = self.db.execute(
            "SELECT * FROM passages WHERE doc_id = ? AND ord > ? ORDER BY ord LIMIT ?",
            (passage.doc_id, passage.ord, n),
        ).fetchall()
        return [Passage.from_row(r) for r in reversed(before)], [Passage.from_row(r) for r in after]

    def resolve_passage(self, passage_id: str) -> tuple[Passage | None, Redirect | None]:
        """(passage, redirect): follow a redirect when the id is an old one."""
        p = self.passage(passage_id)
        if p:
            return p, None
        redirect = self.redirect(passage_id)
        if redirect is None:
            return None, None
        return (self.passage(redirect.new_id) if redirect.new_id else None), redirect

    # --- redirects -----------------------------------------------------------
    def redirect(self, old_id: str) -> Redirect | None:
        row = self.db.execute("SELECT * FROM passage_redirects WHERE old_id = ?", (old_id,)).fetchone()
        return Redirect.from_row(row) if row else None

    def redirects(self, doc_id: str | None = None, *, pointing: bool = False) -> list[Redirect]:
        """Redirects (of one document), by document and old id; ``pointing``: only
        those that point somewhere (no orphans)."""
        sql = "SELECT * FROM passage_redirects WHERE 1 = 1"
        args: list = []
        if doc_id:
            sql += " AND doc_id = ?"
            args.append(doc_id)
        if pointing:
            sql += " AND new_id IS NOT NULL"
        return [Redirect.from_row(r) for r in self.db.execute(sql + " ORDER BY doc_id, old_id", args)]

    def save_redirect(self, redirect: Redirect) -> None:
        """Record where an old id points now (call inside a transaction). A second
        re-anchoring of the same old id keeps its first text and page."""
        r = redirect
        self.db.execute(
            "INSERT INTO passage_redirects(old_id, doc_id, new_id, method, score, old_text, old_page, created_at) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(old_id) DO UPDATE SET new_id=excluded.new_id, "
            "method=excluded.method, score=excluded.score, created_at=excluded.created_at",
            (r.old_id, r.doc_id, r.new_id, r.method, r.score, r.old_text, r.old_page, r.created_at),
        )

    def drop_redirects(self, old_ids) -> None:
        """Forget the redirects of ids that exist again (call inside a transaction)."""
        self.db.executemany("DELETE FROM passage_redirects WHERE old_id = ?", [(i,) for i in old_ids])

    # --- meta ----------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def bump_content_version(self) -> int:
        """Call inside a transaction whenever searchable content or tags change."""
        version = int(self.get_meta("content_version", "0")) + 1
        self.set_meta("content_version", version)
        return version

    @property
    def content_version(self) -> int:
        return int(self.get_meta("content_version", "0"))

    def stats(self) -> dict:
        q = self.db.execute
        out = {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "passages": q("SELECT count(*) FROM passages").fetchone()[0],
            "pages": q("SELECT coalesce(sum(pages), 0) FROM documents").fetchone()[0],
            "words": q(
                "SELECT coalesce(sum(length(text) - length(replace(text, ' ', '')) + 1), 0) FROM passages"
            ).fetchone()[0],
            "by_kind": {r[0]: r[1] for r in q("SELECT kind, count(*) FROM passages GROUP BY kind ORDER BY kind")},
            "redirects": q("SELECT count(*) FROM passage_redirects WHERE new_id IS NOT NULL").fetchone()[0],
            "orphans": q("SELECT count(*) FROM passage_redirects WHERE new_id IS NULL").fetchone()[0],
        }
        return out


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3 decides where each ends)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buf.splitlines()):
        statements.append(buf.strip())
    return statements


def _doc(row) -> dict:
    d = dict(row)
    d.pop("passages_seq", None)   # bookkeeping (Store.passage_stamps), not the document's
    d["authors"] = json.loads(d["authors"] or "[]")
    d["metadata"] = json.loads(d["metadata"] or "{}")
    if "page_labels" in d:
        d["page_labels"] = json.loads(d["page_labels"]) if d["page_labels"] else None
    return d
