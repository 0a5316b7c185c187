"""Citations of passages and documents, in CSL styles and bibliography formats.

Library first: the site calls :func:`cite_passage` at build time, the CLI's
``scrutiny cite`` calls :func:`cite` after resolving the id (redirects
included). Every format starts from one CSL-JSON item (:func:`csl_item`).

    >>> cite_passage(passage, document, "harvard", base_url="https://example.org")
    'Example Taskforce (2016) A Plan. Example Department, p. 12. Available at: ...'
"""

from __future__ import annotations

import datetime as _dt
import json

from scrutiny.cite.csl import csl_date, csl_item, csl_name, page_locator, permalink
from scrutiny.cite.styles import CSL_STYLES, CitationError
from scrutiny.passages import Passage

FORMATS = ("bibtex", "ris", "csl-json")
STYLES = (*CSL_STYLES, *FORMATS)

__all__ = [
    "STYLES", "FORMATS", "CSL_STYLES", "CitationError", "cite_passage", "cite_document",
    "in_text", "format_item", "completed", "csl_item", "csl_only", "csl_name", "csl_date", "permalink", "page_locator",
]


def format_item(item: dict, style: str, *, html: bool = False) -> str:
    """Render one CSL-JSON item: a CSL style's reference, or a BibTeX/RIS/CSL-JSON record."""
    if style == "bibtex":
        from scrutiny.cite.bibtex import to_bibtex

        return to_bibtex(item)
    if style == "ris":
        from scrutiny.cite.ris import to_ris

        return to_ris(item)
    if style == "csl-json":
        return json.dumps([csl_only(item)], ensure_ascii=False, indent=2) + "\n"
    from scrutiny.cite.styles import render

    reference, _ = render(item, style, html=html)
    return reference


def cite_passage(
    passage: Passage,
    document: dict,
    style: str = "harvard",
    base_url: str | None = "",
    accessed: _dt.date | None = None,
    *,
    quote: bool = False,
    html: bool = False,
) -> str:
    """The citation of one passage: its document, its page(s) and its permalink.

    ``style`` is harvard, apa, chicago (CSL styles rendered by citeproc-py), or
    bibtex, ris, csl-json. With ``quote=True`` the passage's stored text is
    included exactly: before the reference for CSL styles (in double quotes),
    in the note field of BibTeX, RIS and CSL-JSON.
    """
    item = csl_item(document, passage, base_url=base_url, accessed=accessed,
                    quote=quote and style in FORMATS)
    if style in FORMATS:
        text = format_item(item, style, html=html)
    else:
        from scrutiny.cite.styles import render

        text = completed(*render(item, style, html=html), item, document, style, html=html)
    if quote and style not in FORMATS:
        if html:
            from html import escape

            return f"\u201c{escape(passage.text)}\u201d {text}"
        return f"\u201c{passage.text}\u201d {text}"
    return text


def completed(reference: str, short: str, item: dict, document: dict, style: str, *, html: bool = False) -> str:
    """A CSL style's ``reference`` to a passage (``item``) with what the style leaves
    out and a passage's citation needs: a web page's original address, the in-text
    form when it alone says where the passage is, and an OCR note. The site's Cite
    control makes its texts with this too."""
    from scrutiny.cite.styles import shows_page

    text = reference
    original = web_original(document)
    if original:   # a web page: where it was published, beside our permalink to the passage
        text = f"{text} Original: {escape(original) if html else original}."
    if (item.get("page") and not shows_page(style, item["type"])) or item.get("x-section"):
        # the style keeps the page (Chicago author-date), or a section of a document
        # without pages, for the in-text citation: a passage's citation must still
        # say where the passage is
        text = f"{text} In text: {short}"
    if item.get("annote"):  # text read by OCR: the styles print no annote, so we do
        text = f"{text} {item['annote']}"
    return text


def escape(text: str) -> str:
    from html import escape as _escape

    return _escape(text, quote=False)


def web_original(document: dict) -> str | None:
    """The address a web document (a page without page numbers) was published
    at, which a citation of one of its passages gives beside the permalink."""
    from scrutiny.cite.csl import paginated

    url = document.get("url") or ""
    return url if url.startswith(("http://", "https://")) and not paginated(document) else None


def csl_only(item: dict) -> dict:
    """The item without our own rendering hints (``x-part``, ``x-section``):
    valid CSL-JSON."""
    return {k: v for k, v in item.items() if not k.startswith("x-")}


def in_text(passage: Passage, document: dict, style: str = "harvard") -> str:
    """The short in-text form, e.g. ``(Example Taskforce, 2016, p. 12)``."""
    from scrutiny.cite.styles import render

    if style in FORMATS:
        raise CitationError(f"{style} has no in-text form: use harvard, apa or chicago")
    return render(csl_item(document, passage), style)[1]


def cite_document(document: dict, style: str = "harvard", *, html: bool = False) -> str:
    """The citation of a whole document (its official URL, no page)."""
    return format_item(csl_item(document), style, html=html)
