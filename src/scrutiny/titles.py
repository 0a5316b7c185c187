"""A document's title found in its own text, for a file registered by name.

Order: the file's metadata title; else the cover (the front matter of the
first page, when it is short enough to be a title and is not a copyright or
licence line), without a trailing command-paper number; else the first
heading that is not a generic section name ("Introduction", "Ministerial
Foreword", "Contents", ...). None when nothing qualifies: the file name stays.
"""

from __future__ import annotations

import re

# section names that head a chapter of many reports and name none of them
GENERIC_HEADINGS = frozenset({
    "abstract", "acknowledgements", "acknowledgments", "background", "contents",
    "executive summary", "foreword", "glossary", "introduction", "ministerial foreword",
    "overview", "preface", "summary", "table of contents", "about this document",
    "about this report", "key findings", "conclusion", "conclusions", "recommendations",
})
COVER_MAX_WORDS = 40
_SMALL_PRINT = re.compile(r"©|\bcopyright\b|\blicen[cs]e[ds]?\b|\bISBN\b|https?://|\bwww\.", re.I)
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.:)]?|[IVXivx]+[.:)])\s*")
_COMMAND_PAPER = re.compile(r"\s+(?:CP|Cm|Cmnd|HC)\s?\d+\s*$")


def _clean(text: str) -> str:
    return " ".join(text.split())


def is_generic_heading(text: str) -> bool:
    """A section name such as "Introduction" or "1. Ministerial foreword"."""
    words = _NUMBERING.sub("", _clean(text)).strip(" .:").casefold()
    return words in GENERIC_HEADINGS


def cover_title(blocks) -> str | None:
    """The first page's front matter when it reads as a title."""
    blocks = list(blocks)
    if not blocks:
        return None
    first_page = min((b.page for b in blocks if b.page is not None), default=None)
    for b in blocks:
        if b.kind != "front_matter" or b.page != first_page:
            continue
        text = _COMMAND_PAPER.sub("", _clean(b.text))
        words = text.split()
        if 2 <= len(words) <= COVER_MAX_WORDS and not _SMALL_PRINT.search(text) \
                and any(c.isalpha() for c in text):
            return text
    return None


def title_from_text(doc) -> str | None:
    """The title of a read document (:class:`scrutiny.readers.base.ReadDocument`)."""
    title = _clean(doc.metadata.get("title") or "")
    if title:
        return title
    cover = cover_title(doc.blocks)
    if cover:
        return cover
    return next((_clean(b.text) for b in doc.blocks
                 if b.kind == "heading" and _clean(b.text) and not is_generic_heading(b.text)), None)
