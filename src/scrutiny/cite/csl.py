"""Documents and passages as CSL-JSON items (the data every citation is rendered from).

One function builds the item; every output format (CSL styles through
citeproc-py, BibTeX, RIS, CSL-JSON) starts from it, so that a Harvard reference
and a BibTeX entry for the same passage can never disagree.

Authors are parsed by :mod:`scrutiny.cite.people` (people split into family and
given names, organisations kept whole). Every value comes from the manifest
entry (the one source of a document's metadata): what a file says about itself
is only a suggestion that ``scrutiny ingest`` prints (:mod:`scrutiny.metadata`).
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import PurePosixPath

from scrutiny.cite.people import csl_name
from scrutiny.passages import Passage

_FLOWING_SUFFIXES = {".html", ".htm", ".md", ".markdown", ".txt", ".docx"}


def csl_date(value) -> dict | None:
    """'2016', '2016-02', '2016-02-01' (or a date) as a CSL date; None when unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return {"date-parts": [[value.year, value.month, value.day]]}
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(value))
    if not m:
        return {"literal": str(value)}
    parts = [int(p) for p in m.groups() if p]
    return {"date-parts": [parts]}


def permalink(passage_id: str, base_url: str | None = "") -> str:
    """The passage's permanent address on the published site: ``<base_url>/p/<id>/``.

    Without a base URL the link is site-relative (``/p/<id>/``).
    """
    base = (base_url or "").rstrip("/")
    return f"{base}/p/{passage_id}/"


def page_locator(passage: Passage, document: dict | None = None) -> str | None:
    """'12' or '12-13' for a passage of a paginated source, the pages as the
    document prints them (``document["page_labels"]``, see scrutiny.pages);
    None for flowing text (HTML, Markdown, plain text, DOCX), where page 1
    would mean nothing."""
    from scrutiny.pages import locator

    if document is not None and not paginated(document):
        return None
    return locator(document or {}, passage.page, passage.page_end)


def part_label(passage: Passage) -> str | None:
    """A table's or a figure's own label ("Table 3"), cited before its page."""
    if passage.kind not in ("table", "figure"):
        return None
    label = " ".join(str((passage.layout or {}).get("label") or "").split())
    return label or None


def paginated(document: dict) -> bool:
    """Whether the document's pages are pages of a source (a PDF, say), that a
    citation should give."""
    source = document.get("source") or ""
    suffix = PurePosixPath(source).suffix.lower()
    if suffix == ".pdf":
        return True
    if suffix in _FLOWING_SUFFIXES:
        return False
    return (document.get("pages") or 0) > 1


def described(document: dict, key: str):
    """A document's title, authors, publisher or date, as its manifest entry
    gives them (the store keeps a copy made at ingest; ``scrutiny documents
    --edit`` changes the manifest). What the source file says about itself is
    never used here: ``scrutiny ingest`` prints it as a suggestion to confirm.
    Authors come back as a list; an empty value as None."""
    value = document.get(key)
    if not value:
        return None
    if key == "authors":
        if isinstance(value, (str, dict)):
            value = [value]
        return [a for a in value if a and (isinstance(a, dict) or str(a).strip())] or None
    return value if isinstance(value, (str, _dt.date)) else str(value)


def csl_type(document: dict) -> str:
    explicit = document.get("csl_type") or (document.get("metadata") or {}).get("csl_type")
    if explicit:
        return str(explicit)
    if document.get("container_title"):
        return "article-journal"
    # a critique is published on the web (a blog post, an essay on this site); CSL's
    # "article" would be rendered as a preprint
    return "report" if document.get("kind", "policy") == "policy" else "webpage"


def csl_item(
    document: dict,
    passage: Passage | None = None,
    *,
    base_url: str | None = "",
    accessed: _dt.date | None = None,
    quote: bool = False,
) -> dict:
    """The CSL-JSON item for a document, or for one passage of it.

    For a passage the item's ``id`` is the passage id, ``page`` its page span,
    ``URL`` its permalink and ``accessed`` the given date (default: today);
    with ``quote=True`` the passage text, exactly as stored, goes in ``note``;
    a passage read by OCR says so, with its confidence, in ``annote``.
    For a whole document ``URL`` is the document's official address.
    """
    item: dict = {"id": passage.id if passage else document["id"], "type": csl_type(document)}
    item["title"] = described(document, "title") or document["id"]
    if document.get("short_title"):
        item["title-short"] = document["short_title"]
    authors = [csl_name(a) for a in described(document, "authors") or []]
    authors = [a for a in authors if a]
    publisher = described(document, "publisher")
    if authors:
        item["author"] = authors
    elif publisher:
        # No named author: the publisher is the corporate author (as Harvard and APA advise).
        item["author"] = [{"literal": publisher}]
    if publisher:
        item["publisher"] = publisher
    for key in ("publisher_place", "container_title", "volume", "issue", "DOI", "ISBN", "ISSN"):
        value = document.get(key)
        if value:
            item[key.replace("_", "-")] = str(value)
    issued = csl_date(described(document, "date"))
    if issued:
        item["issued"] = issued
    if passage is None:
        if document.get("url"):
            item["URL"] = document["url"]
        if document.get("licence"):
            item["x-license"] = document["licence"]  # not in the published csl-data schema: csl_only drops it
        return item
    locator = page_locator(passage, document)
    if locator:
        item["page"] = locator
        part = part_label(passage)
        if part:
            item["x-part"] = part
    elif passage.heading_path and not paginated(document) and passage.kind != "heading":
        item["x-section"] = passage.heading_path[-1]
    item["URL"] = permalink(passage.id, base_url)
    when = accessed or _dt.date.today()
    item["accessed"] = {"date-parts": [[when.year, when.month, when.day]]}
    if quote:
        item["note"] = passage.text
    from scrutiny.passages import ocr_note

    if ocr_note(passage):  # the words were recognised in a page image, not extracted
        item["annote"] = ocr_note(passage)
    return item
