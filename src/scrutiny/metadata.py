"""A document's bibliographic metadata: the manifest entry is its one source.

Title, authors, publisher, date, licence and URL are what a person decided in
``corpus/manifest.toml`` (written by hand, by ``scrutiny ingest FILE --title
... --date ...`` or by ``scrutiny documents --edit ID ...``). Every output
reads them from there: ``scrutiny cite``, the site's Cite control, the pages'
``citation_*``, Dublin Core and schema.org tags, and every export.

What a file says about itself (PDF properties, HTML meta tags, DOCX core
properties, Markdown front matter) is never used silently: a PDF's creation
date is not its publication date, and its "Author" is often a clerk's login.
``scrutiny ingest`` prints it as a suggestion (:func:`suggestions`) and asks
before recording it.
"""

from __future__ import annotations

import datetime as _dt
import re

from scrutiny.errors import ScrutinyError

# The fields a person curates; the store's copy of them is only a cache.
BIBLIOGRAPHIC = ("title", "short_title", "publisher", "authors", "date", "url", "licence")
# Where a reader found each suggested field, for the message.
_WHERE = {
    ".pdf": "the PDF's document properties",
    ".docx": "the Word file's properties",
    ".html": "the page's meta tags", ".htm": "the page's meta tags",
    ".md": "the Markdown front matter", ".markdown": "the Markdown front matter",
}
DATE_RE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")


class MetadataError(ScrutinyError):
    pass


def check_date(value: str) -> str:
    """A publication date as the manifest keeps it: YYYY, YYYY-MM or YYYY-MM-DD."""
    text = str(value).strip()
    m = DATE_RE.match(text)
    if not m:
        raise MetadataError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        _dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise MetadataError(f"date {text!r} is not a real date ({exc})") from None
    return text


def scholar_date(value) -> str | None:
    """The date in one of Google Scholar's forms for ``citation_publication_date``:
    "2016/02/01" for a full date, the year alone otherwise ("2016-02" -> "2016":
    Scholar has no year-and-month form)."""
    if not value:
        return None
    m = DATE_RE.match(str(value).strip()) or re.match(r"\A(\d{4})", str(value).strip())
    if not m:
        return None
    parts = [g for g in m.groups() if g]
    return "/".join(parts) if len(parts) == 3 else parts[0]


def merged(entry: dict | None, stored: dict | None) -> dict:
    """One document record: the manifest entry's fields, and the store's for
    what the manifest does not hold (pages, passages, sha256, page labels...).
    A bibliographic field comes from the manifest alone, even when the store
    still has an older copy of it (``scrutiny documents --edit`` changes the
    manifest, and the next ingest refreshes the copy)."""
    out = dict(stored or {})
    if entry:
        for key, value in entry.items():
            if key in BIBLIOGRAPHIC or value not in (None, "", [], {}) or key not in out:
                out[key] = value
    return out


def suggestions(entry, file_metadata: dict, source: str | None = None) -> dict:
    """What the file says about itself that the manifest entry lacks:
    {field: value} for authors, date, publisher (and title when the entry's
    is still the file name)."""
    out: dict = {}
    meta = file_metadata or {}
    authors = meta.get("authors") or ([meta["author"]] if isinstance(meta.get("author"), str) else [])
    authors = [str(a).strip() for a in authors if str(a).strip()]
    if authors and not entry.authors:
        out["authors"] = authors
    date = str(meta.get("date") or "").strip()
    if date and not entry.date:
        try:
            out["date"] = check_date(date[:10])
        except MetadataError:
            pass
    publisher = str(meta.get("publisher") or "").strip()
    if publisher and not entry.publisher:
        out["publisher"] = publisher
    return out


def where(source: str | None) -> str:
    """Where a reader found a file's own metadata, for messages."""
    from pathlib import PurePosixPath

    return _WHERE.get(PurePosixPath(source or "").suffix.lower(), "the file's own metadata")


def describe_suggestions(doc_id: str, found: dict, source: str | None) -> list[str]:
    """The lines ``scrutiny ingest`` prints for a suggestion, ending with the
    command that records it."""
    if not found:
        return []
    shown = []
    for key, value in found.items():
        shown.append(f"{key} {'; '.join(value) if isinstance(value, list) else value!s}")
    lines = [f"{doc_id}: {where(source)} suggest {', '.join(shown)} (not recorded: check them first"
             + ("; a PDF's creation date is often not its publication date" if "date" in found
                and (source or "").lower().endswith(".pdf") else "") + ")"]
    lines.append("  to record them: " + edit_command(doc_id, found))
    return lines


def edit_command(doc_id: str, fields: dict) -> str:
    import shlex

    parts = ["scrutiny", "documents", "--edit", doc_id]
    for key, value in fields.items():
        flag = "--author" if key == "authors" else f"--{key}"
        for v in (value if isinstance(value, list) else [value]):
            parts += [flag, str(v)]
    return " ".join(shlex.quote(p) for p in parts)


# Fields one command may give several files at once (`scrutiny ingest --licence OGL-UK-3.0 a.pdf b.pdf`,
# `scrutiny watch --licence ...`): a batch from one publisher under one licence is common; a title,
# an author list, a date or an address describe one document.
SHARED_FIELDS = ("licence", "publisher")


def edits(title=None, publisher=None, authors=(), date=None, licence=None, url=None, short_title=None) -> dict:
    """Manifest fields from command-line options (only those given), checked."""
    from scrutiny.urls import scheme

    out: dict = {}
    for key, value in (("title", title), ("short_title", short_title), ("publisher", publisher),
                       ("licence", licence)):
        if value is not None:
            value = " ".join(str(value).split())
            if key == "title" and not value:
                raise MetadataError("--title cannot be empty")
            out[key] = value
    if authors:
        out["authors"] = [" ".join(a.split()) for a in authors if a.strip()]
    if date is not None:
        out["date"] = check_date(date) if date.strip() else ""
    if url is not None:
        url = url.strip()
        if url and scheme(url) not in ("http", "https"):
            raise MetadataError(f"--url {url!r} is not an http(s) address")
        out["url"] = url
    return out
