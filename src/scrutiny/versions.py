"""The versions of a document's source file: kept files and their history.

When a revised file replaces a document's source (``scrutiny ingest FILE``
with the same name, or ``scrutiny fetch`` finding a new file), the earlier
file is kept in ``corpus/sources/versions/`` as
``<stem>.<date>.<first 8 hex digits of its sha256><suffix>``, so that what an
old citation quoted can be checked against the file it came from.

This module owns the ``document_versions`` table (component ``versions``):
one row per file a document was ingested from, with its sha256, when it was
ingested, and where the file is kept once a later version replaced it.
``scrutiny history DOC`` lists them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scrutiny.names import copy_new, part_path, safe_file_name
from scrutiny.paths import SOURCES, check_inside, source_path_rel

MIGRATIONS = [
    """
    CREATE TABLE document_versions (
        doc_id       TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        source       TEXT,                 -- the source path it was ingested from (relative to the root)
        kept_as      TEXT,                 -- where the file is kept once replaced (relative), NULL: not kept
        pages        INTEGER,
        passages     INTEGER,
        page_labels  TEXT,                 -- JSON: the printed label of each page (NULL: the physical numbers)
        ingested_at  TEXT NOT NULL,
        replaced_at  TEXT,                 -- when a later version replaced it (NULL: the current one)
        PRIMARY KEY (doc_id, sha256, ingested_at)
    );
    CREATE INDEX document_versions_doc ON document_versions(doc_id, ingested_at);
    """,
]
VERSIONS_FOLDER = "versions"


@dataclass(frozen=True)
class Version:
    doc_id: str
    sha256: str
    source: str | None
    kept_as: str | None
    pages: int | None
    passages: int | None
    page_labels: list | None
    ingested_at: str
    replaced_at: str | None

    @property
    def current(self) -> bool:
        return self.replaced_at is None

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "sha256": self.sha256, "source": self.source, "kept_as": self.kept_as,
                "pages": self.pages, "passages": self.passages, "page_labels": self.page_labels,
                "ingested_at": self.ingested_at,
                "replaced_at": self.replaced_at, "current": self.current}


def ensure(store) -> None:
    store.ensure_schema("versions", MIGRATIONS)


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def record(store, doc_id: str, sha256: str, source: str | None, pages: int | None, passages: int | None,
           when: str, kept_as: str | None = None, page_labels: list | None = None) -> None:
    """A document was ingested from a file with this sha256 (call inside a
    transaction). The version it replaces, if different, is marked replaced
    (and where its file is kept); the same file again changes nothing."""
    ensure(store)
    db = store.db
    current = db.execute("SELECT sha256 FROM document_versions WHERE doc_id = ? AND replaced_at IS NULL",
                         (doc_id,)).fetchone()
    labels = json.dumps(page_labels) if page_labels else None
    if current is not None and current[0] == sha256:
        db.execute("UPDATE document_versions SET pages = ?, passages = ?, source = ?, page_labels = ? "
                   "WHERE doc_id = ? AND replaced_at IS NULL", (pages, passages, source, labels, doc_id))
        return
    db.execute("UPDATE document_versions SET replaced_at = ?, kept_as = coalesce(?, kept_as) "
               "WHERE doc_id = ? AND replaced_at IS NULL", (when, kept_as, doc_id))
    db.execute("INSERT OR REPLACE INTO document_versions(doc_id, sha256, source, kept_as, pages, passages, "
               "page_labels, ingested_at, replaced_at) VALUES (?,?,?,?,?,?,?,?,NULL)",
               (doc_id, sha256, source, None, pages, passages, labels, when))


def history(store, doc_id: str) -> list[Version]:
    """The versions of a document, oldest first (empty when none was recorded)."""
    if not store.has_table("document_versions"):
        return []
    rows = store.db.execute("SELECT * FROM document_versions WHERE doc_id = ? ORDER BY ingested_at, rowid",
                            (doc_id,))
    out = []
    for r in rows:
        row = {k: r[k] for k in r.keys()}
        row["page_labels"] = json.loads(row["page_labels"]) if row["page_labels"] else None
        out.append(Version(**row))
    return out


def version_at(store, doc_id: str, when: str) -> Version | None:
    """The version a document had just before ``when`` (the one a revision at
    that time replaced), or None."""
    versions = history(store, doc_id)
    replaced = [v for v in versions if v.replaced_at == when]   # the revision at ``when`` replaced it
    if replaced:
        return replaced[-1]
    before = [v for v in versions if v.ingested_at < when]
    return before[-1] if before else None


def old_page_label(store, redirect) -> str | None:
    """The printed label of the page an old passage stood on, in the version it
    was cited from (its page labels are kept with the version; a store made
    before histories were kept uses the document's current labels); None for
    a document without pages (HTML, Markdown...)."""
    from scrutiny.pages import label

    if redirect is None or redirect.old_page is None:
        return None
    version = version_at(store, redirect.doc_id, redirect.created_at)
    if version is not None:
        return label(version.page_labels, redirect.old_page) if (version.pages or 0) > 1 else None
    doc = store.document(redirect.doc_id) or {}
    return label(doc, redirect.old_page) if (doc.get("pages") or 0) > 1 else None


def keep_file(root: Path, path: Path, sha256: str, stamp: str | None = None, folder: Path | None = None) -> str:
    """Keep a copy of ``path`` (about to be replaced) as a dated version;
    returns its path relative to the root. ``folder`` defaults to
    ``corpus/sources/versions/``; ``stamp`` (YYYY-MM-DD) to the file's
    modification day."""
    root = Path(root)
    if not stamp or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp):
        stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d")
    folder = folder if folder is not None else root / SOURCES / VERSIONS_FOLDER
    target = folder / safe_file_name(f"{path.stem}.{stamp}.{sha256[:8]}{path.suffix}")
    check_inside(root, target, "the old version's place")
    folder.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or not target.is_file() or _sha256(target) != sha256:
        tmp = part_path(target, tag=str(os.getpid()))
        try:
            copy_new(path, tmp)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
    return source_path_rel(root, target)


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
