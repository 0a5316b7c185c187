"""spaCy component ``scrutiny_lines``: a line of its own is a sentence of its own.

A passage read from Markdown, plain text, HTML or DOCX can hold several lines:
a title above its byline, "Present:" lists, "We will:" and the bullets that
complete it. The parser would read "Maternity unit to close\\nThe trust
said ..." as one sentence; this component, placed before the parser (or the
sentencizer), starts a sentence after every line break, and leaves every
other boundary to the parser.

:func:`line_of` tells, for a sentence, whether it stands on a line of its own
(nothing but white space between it and the line breaks or the passage's
edges on either side).
"""

from __future__ import annotations

import re

from spacy.language import Language


@Language.factory("scrutiny_lines")
def make_lines(nlp, name):
    return Lines(name)


class Lines:
    def __init__(self, name):
        self.name = name

    def __call__(self, doc):
        after_break = False
        for tok in doc:
            if tok.is_space:
                if "\n" in tok.text:
                    after_break = True
                continue
            if after_break:
                tok.is_sent_start = True
            elif tok.i > 0 and "\n" in doc[tok.i - 1].whitespace_:
                tok.is_sent_start = True
            after_break = "\n" in tok.whitespace_
        return doc


def line_of(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a line of its own (line breaks or the edges around it)?"""
    before = text[:start]
    after = text[end:]
    left = before.rstrip(" \t")
    right = after.lstrip(" \t")
    return (not left or left.endswith("\n")) and (not right or right.startswith("\n"))


def text_lines(text: str):
    """Each line of ``text`` as ``(start, end, line)``, by character offsets."""
    pos = 0
    for raw in text.split("\n"):
        yield pos, pos + len(raw), raw
        pos += len(raw) + 1


def table_rows(text: str):
    """The rows of tables flattened into lines with "|" under a heading row whose columns
    say what their cells name (``headwords.TABLE_COLUMNS``: "Project | Organisation |
    Amount"): ``(start, end, cells, kinds)``, ``cells`` the character ranges of the row's
    cells and ``kinds`` their columns' kinds (None for a column that names nothing)."""
    from scrutiny.nlp.headwords import TABLE_COLUMNS

    kinds = None
    for a, b, raw in text_lines(text):
        if "|" not in raw:
            kinds = None
            continue
        cells, at = [], a
        for cell in raw.split("|"):
            cells.append((at, at + len(cell)))
            at += len(cell) + 1
        heads = [TABLE_COLUMNS.get(text[x:y].strip().casefold()) for x, y in cells]
        if any(heads) and all(len(text[x:y].split()) <= 3 for x, y in cells):
            kinds = heads
            continue
        if kinds is not None and len(cells) == len(kinds):
            yield a, b, cells, kinds


_BULLET = re.compile(r"\s*[-•*–]\s+")


def funder_lines(text: str):
    """The bullets of a list of funders under a line thanking them ("We are grateful to the
    following for their support:" / "- The X Trust (Kitchen Table, three-year grant)"):
    ``(start, end, where the bullet's text starts)`` of each."""
    from scrutiny.nlp.headwords import FUNDERS_LEAD

    under = False
    for a, b, raw in text_lines(text):
        if FUNDERS_LEAD.search(raw):
            under = True
            continue
        bullet = _BULLET.match(raw)
        if bullet is None:
            under = False
        elif under:
            yield a, b, a + bullet.end()
