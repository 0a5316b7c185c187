"""Blocks -> passages with stable ids, page spans, heading paths and offsets.

A passage id depends on the document id and the passage's *normalised* text,
never on its position: re-ingesting an unchanged file gives identical ids, and
editing one paragraph changes only that paragraph's id. The same text twice in
one document gets a deterministic suffix (``-2``, ``-3``...) in reading order.

Offsets are into the document's *full text*: the passages' texts joined by a
blank line (``PASSAGE_SEPARATOR``), which is what :func:`full_text` returns.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field

from scrutiny.readers.base import CONTENTS, FIGURE, FOOTNOTE, FRONT_MATTER, HEADING, Block

# Kinds of passage that show what a page is, not what the document says:
# the tagger finds no claims in them (a chart's axis labels are not statistics,
# a contents line is not a commitment) ...
NO_CLAIM_KINDS = frozenset({FIGURE, CONTENTS, FRONT_MATTER})
# ... and search ranks them below the body text (score multiplied by this).
KIND_RANK = {FIGURE: 0.35, CONTENTS: 0.25, FRONT_MATTER: 0.3}

PASSAGE_SEPARATOR = "\n\n"
_ws = re.compile(r"\s+")
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u00ad": None,
})


def normalise(text: str) -> str:
    """The form a passage id is computed from: NFKC, plain quotes and dashes,
    case-folded, white space collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return _ws.sub(" ", text).strip().casefold()


def passage_id(doc_id: str, text: str) -> str:
    digest = hashlib.sha256(f"{doc_id}\x00{normalise(text)}".encode("utf-8")).digest()
    return f"{doc_id}-{base64.b32encode(digest[:7]).decode('ascii').lower().rstrip('=')}"


@dataclass
class Passage:
    """One passage: what ``make_passages`` produces, the store keeps and every
    later stage reads (``Store.passages``, ``Store.passage``...).

    ``span`` and ``reanchored`` are set only on a passage that stands for an old
    id's text after a revision (``scrutiny.anchor.Span.as_passage``): ``span``
    lists the current passages that text runs across, ``reanchored`` says how it
    relates to them (None when it is the same text).
    """

    id: str
    doc_id: str
    ord: int
    kind: str
    page: int
    page_end: int
    text: str
    heading_path: list[str] = field(default_factory=list)
    char_start: int = 0
    char_end: int = 0
    page_breaks: list[int] = field(default_factory=list)  # offsets in text where a page begins
    # What the kind needs besides its text (see Block.layout), and the note
    # calls: layout["calls"] = [{"at": offset, "mark": "6", "note": note passage id}];
    # a footnote's layout["called_by"] lists the passages that call it.
    layout: dict = field(default_factory=dict)
    span: list[str] = field(default_factory=list)
    reanchored: str | None = None

    @property
    def calls(self) -> list[dict]:
        return self.layout.get("calls") or []

    @property
    def ocr(self) -> dict | None:
        return self.layout.get("ocr")

    @classmethod
    def from_row(cls, row) -> "Passage":
        """A passage from a row of the store's ``passages`` table."""
        return cls(
            id=row["id"], doc_id=row["doc_id"], ord=row["ord"], kind=row["kind"], page=row["page"],
            page_end=row["page_end"], text=row["text"], heading_path=json.loads(row["heading_path"] or "[]"),
            char_start=row["char_start"], char_end=row["char_end"],
            page_breaks=json.loads(row["page_breaks"] or "[]"), layout=json.loads(row["layout"] or "{}"),
        )

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)

    def page_at(self, offset: int, *, end: bool = False) -> int:
        """The page on which character ``offset`` of the text stands: a sentence of
        a passage running overleaf gets its own page, never its passage's first.

        A passage stored before page breaks were recorded that runs over pages
        gives its first page (``end=False``) or its last (``end=True``, for the
        last character of a range): a range that holds the true page, never a
        single wrong one."""
        if not self.page_breaks and self.page_end != self.page:
            return self.page_end if end else self.page
        page = self.page
        for brk in self.page_breaks:
            if offset >= brk:
                page += 1
            else:
                break
        return page

    def to_dict(self) -> dict:
        """The passage as JSON (``scrutiny show --json``...): the stored fields (its
        layout when it has one), and ``span``/``reanchored`` when it stands for an
        old id's text."""
        out = {
            "id": self.id, "doc_id": self.doc_id, "ord": self.ord, "kind": self.kind, "page": self.page,
            "page_end": self.page_end, "heading": self.heading, "heading_path": list(self.heading_path),
            "text": self.text, "char_start": self.char_start, "char_end": self.char_end,
            "page_breaks": list(self.page_breaks),
        }
        if self.layout:
            out["layout"] = self.layout
        if self.span:
            out["span"] = list(self.span)
        if self.reanchored:
            out["reanchored"] = self.reanchored
        return out


def _collapse(text: str, breaks: list[int], calls: int = 0) -> tuple[str, list[int]]:
    """Collapse white space and strip, moving the offsets in ``breaks`` with
    it; the last ``calls`` of them are note calls, which stay after the text
    before them (a page break moves on to the text after a space)."""
    if not breaks:
        return _ws.sub(" ", text).strip(), []
    out, mapping, prev_space = [], [], True  # leading space is dropped
    for ch in text:
        mapping.append(len(out))
        if ch.isspace():
            if not prev_space:
                out.append(" ")
            prev_space = True
        else:
            out.append(ch)
            prev_space = False
    mapping.append(len(out))
    if out and out[-1] == " ":
        out.pop()
    collapsed = "".join(out)
    moved = []
    for i, b in enumerate(breaks):
        b = min(max(b, 0), len(text))
        m = mapping[b]
        if i < len(breaks) - calls:
            # a break that lands on a space belongs to the first character after it
            while m < len(collapsed) and collapsed[m] == " ":
                m += 1
        elif 0 < b <= len(text) and text[b - 1].isspace():
            m = mapping[len(text[:b].rstrip())]  # a call after "2024 " stays after "2024"
        moved.append(min(m, len(collapsed)))
    return collapsed, moved


def make_passages(doc_id: str, blocks: list[Block]) -> list[Passage]:
    """Turn a reader's blocks into passages (one per block), in reading order;
    note calls are linked to their notes (see :func:`link_notes`)."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    headings: list[tuple[int, str]] = []  # (level, text) stack
    offset = 0
    for block in blocks:
        breaks = list(block.page_breaks or ())
        calls = list(block.calls or ())
        text, moved = _collapse(block.text, breaks + [at for at, _ in calls], len(calls))
        breaks, call_at = moved[:len(breaks)], moved[len(breaks):]
        if not text:
            continue
        if block.kind == HEADING:
            level = block.level or 1
            while headings and headings[-1][0] >= level:
                headings.pop()
            path = [h for _, h in headings]  # a heading's path is its parents
            # a title repeated as the first heading inside (a cover page, then
            # the same title over the text) does not nest under itself
            if not headings or normalise(headings[-1][1]) != normalise(text):
                headings.append((level, text))
        else:
            path = [h for _, h in headings]
        base = passage_id(doc_id, text)
        n = seen.get(base, 0) + 1
        seen[base] = n
        pid = base if n == 1 else f"{base}-{n}"
        if passages:
            offset += len(PASSAGE_SEPARATOR)
        layout = dict(block.layout or {})
        if calls:
            layout["calls"] = [{"at": at, "mark": mark} for at, (_, mark) in zip(call_at, calls)]
        passages.append(
            Passage(
                id=pid, doc_id=doc_id, ord=len(passages), kind=block.kind,
                page=block.page, page_end=block.page_end or block.page, text=text,
                heading_path=path, char_start=offset, char_end=offset + len(text),
                page_breaks=breaks, layout=layout,
            )
        )
        offset += len(text)
    link_notes(passages)
    return passages


_NOTE_MARK = re.compile(r"^\s*([0-9]{1,3}|[*\u2020\u2021\u00a7])(?=\s|$)")


def note_mark(passage: Passage) -> str | None:
    """The mark a footnote opens with ("6" in "6 See the annual report")."""
    if passage.layout.get("mark"):
        return passage.layout["mark"]
    m = _NOTE_MARK.match(passage.text)
    return m.group(1) if m else None


def link_notes(passages: list[Passage]) -> None:
    """Point each note call at its note, and each note at the passages that
    call it (in place). A call's note is the footnote with the same mark on
    the page of the call; else the first one after it (notes at the end of a
    chapter or document); else the nearest one before it."""
    notes: dict[str, list[Passage]] = {}
    for p in passages:
        if p.kind == FOOTNOTE:
            mark = note_mark(p)
            if mark:
                p.layout["mark"] = mark
                notes.setdefault(mark, []).append(p)
    for p in passages:
        for call in p.calls:
            found = notes.get(call["mark"]) or []
            if not found:
                continue
            page = p.page_at(call["at"])
            same = [n for n in found if n.page == page]
            after = [n for n in found if n.ord > p.ord]
            note = (same or after or sorted(found, key=lambda n: -n.ord))[0]
            call["note"] = note.id
            called_by = note.layout.setdefault("called_by", [])
            if p.id not in called_by:
                called_by.append(p.id)


def ocr_confidence(passage: Passage) -> int | None:
    """The OCR confidence of a passage read from a page image (0-100, rounded), else None."""
    ocr = passage.ocr
    return round(ocr["confidence"]) if ocr and ocr.get("confidence") is not None else None


def ocr_note(passage: Passage) -> str | None:
    """What every place that shows or cites a passage read by OCR says of it."""
    confidence = ocr_confidence(passage)
    return None if confidence is None else f"Text recognised by OCR, confidence {confidence}%."


def full_text(passages: list[Passage]) -> str:
    """The document text the offsets refer to."""
    return PASSAGE_SEPARATOR.join(p.text for p in passages)
