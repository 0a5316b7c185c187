"""The corpus manifest: ``corpus/manifest.toml``, one table per document.

    [project]
    name = "..."
    base_url = "https://example.org/scrutiny/"

    [documents.fyfvmh]
    title = "The Five Year Forward View for Mental Health"
    short_title = "Five Year Forward View"
    kind = "policy"            # or "critique"
    publisher = "NHS England"
    authors = ["Mental Health Taskforce"]
    date = "2016-02"
    url = "https://..."
    licence = "OGL-UK-3.0"
    source = "fyfvmh.pdf"      # file name under corpus/sources/
    sha256 = "..."             # recorded by fetch / ingest

Reading uses the standard library's ``tomllib``; edits go through ``tomlkit``
so that comments and layout written by people survive.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.errors import ProjectError

DOC_KINDS = ("policy", "critique")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FIELDS = (
    "title", "short_title", "kind", "publisher", "authors", "date", "url",
    "licence", "source", "sha256", "language", "notes",
)


@dataclass
class DocumentEntry:
    id: str
    title: str
    kind: str = "policy"
    short_title: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    licence: str | None = None
    source: str | None = None
    sha256: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.short_title or self.title

    def to_dict(self) -> dict:
        d = {
            "id": self.id, "title": self.title, "short_title": self.short_title,
            "kind": self.kind, "publisher": self.publisher, "authors": list(self.authors),
            "date": self.date, "url": self.url, "licence": self.licence,
            "source": self.source, "sha256": self.sha256,
        }
        d.update(self.extra)
        return d


@dataclass
class Manifest:
    path: Path
    project: dict
    documents: dict[str, DocumentEntry]

    def get(self, doc_id: str) -> DocumentEntry:
        try:
            return self.documents[doc_id]
        except KeyError:
            known = ", ".join(sorted(self.documents)) or "none"
            raise ProjectError(f"{self.path}: no document with id {doc_id!r} (known: {known})") from None


def _str_date(value):
    # TOML dates load as datetime.date; keep them as ISO strings.
    return value.isoformat() if hasattr(value, "isoformat") else value


def load_manifest(path) -> Manifest:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path}: manifest not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: invalid TOML: {exc}") from None
    docs = {}
    for doc_id, table in (data.get("documents") or {}).items():
        if not ID_RE.match(doc_id):
            raise ProjectError(
                f"{path}: document id {doc_id!r} must be lower-case letters, digits and hyphens"
            )
        if not isinstance(table, dict) or not table.get("title"):
            raise ProjectError(f"{path}: [documents.{doc_id}] needs a title")
        kind = table.get("kind", "policy")
        if kind not in DOC_KINDS:
            raise ProjectError(
                f"{path}: [documents.{doc_id}] kind {kind!r} is not one of {', '.join(DOC_KINDS)}"
            )
        authors = table.get("authors") or []
        if isinstance(authors, str):
            authors = [authors]
        known = {"title", "short_title", "kind", "publisher", "authors", "date", "url",
                 "licence", "source", "sha256"}
        docs[doc_id] = DocumentEntry(
            id=doc_id,
            title=table["title"],
            kind=kind,
            short_title=table.get("short_title"),
            publisher=table.get("publisher"),
            authors=list(authors),
            date=_str_date(table.get("date")),
            url=table.get("url"),
            licence=table.get("licence"),
            source=table.get("source"),
            sha256=table.get("sha256"),
            extra={k: _str_date(v) for k, v in table.items() if k not in known},
        )
    return Manifest(path=path, project=dict(data.get("project") or {}), documents=docs)


def update_documents(path, updates: dict[str, dict]) -> None:
    """Add or update document tables, keeping comments and layout (atomic write)."""
    import tomlkit

    from scrutiny.atomic import write_text

    path = Path(path)
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    if "documents" not in doc:
        doc["documents"] = tomlkit.table(is_super_table=True)
    documents = doc["documents"]
    for doc_id, fields in updates.items():
        if doc_id not in documents:
            documents[doc_id] = tomlkit.table()
        table = documents[doc_id]
        for key, value in fields.items():
            if value is None or value == []:
                continue
            table[key] = value
    write_text(path, tomlkit.dumps(doc))


# --- licences -------------------------------------------------------------------------

_OPEN_LICENCE = re.compile(
    r"""^\s*(?:
        ogl\b | open\s+government\s+licen[cs]e            # Open Government Licence, any version
      | cc[-\s]?by\b | creative\s+commons\s+attribution   # CC-BY and its NC/ND/SA variants
      | cc[-\s]?0\b | cc[-\s]?zero\b | creative\s+commons\s+zero
      | public\s+domain\b | (?:odc[-\s]?)?pddl\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def may_republish(doc: dict) -> bool:
    """Whether the site may republish a document's full text.

    ``doc`` is a manifest or store dict. An explicit boolean ``republish`` field
    (from the document's manifest table) wins; otherwise the ``licence`` decides:
    True for open licences (Open Government Licence / OGL*, CC-BY* including the
    NC, ND and SA variants, CC0, public domain, PDDL), False for anything else
    (all rights reserved, an unknown licence, none recorded).
    """
    explicit = (doc or {}).get("republish")
    if isinstance(explicit, bool):
        return explicit
    licence = (doc or {}).get("licence")
    if not isinstance(licence, str) or not licence.strip():
        return False
    return bool(_OPEN_LICENCE.match(licence))
