"""PDF reader (pypdfium2): pages of headings, paragraphs, list items and footnotes.

How a page is read, cheaply (a few pdfium calls per *line*, never per character):

1. pdfium gives the page text in content order with ``\\r\\n`` between lines;
   it already joins a line that ends in a hyphen to the next one, marking the
   place with U+FFFE, which :mod:`scrutiny.readers._clean` resolves later with
   the document's own vocabulary.
2. For each line we sample the first and last character: origin, box, font
   size and font name/weight. A line that is much wider than its characters
   explain holds two columns side by side; only such lines are split, at the
   wide gap, by looking at the characters around their spaces. The last digit
   of each number is sampled too: a note reference set in raised, smaller
   type gets a space before it ("2025" + "6" -> "2025 6"), so that a
   quotation never shows a number the document does not print.
3. Running heads and feet are lines in the top or bottom margin whose text
   (but for the page's own number) recurs at the same height on several pages,
   plus bare page numbers ("7", "Page 3 of 19", "- 3 -"). They are dropped.
4. A page with a vertical gutter crossed by no line, with several wide lines
   on either side, is read column by column (full-width lines stay in place).
5. Lines become blocks: a bigger or bolder font than the body text makes a
   heading (levels by size), small text below the body at the foot of the page
   makes footnotes, bullets and outdented numbers start list items and
   numbered paragraphs, and a vertical gap larger than the line pitch starts a
   new paragraph.
6. A paragraph that ends a page without closing punctuation (or whose
   continuation starts in lower case) is joined with the first paragraph of
   the next page: ``page`` is where it starts, ``page_end`` where it ends, and
   ``page_breaks`` where in its final text each further page begins.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.errors import ReaderError
from scrutiny.readers._clean import CALL_CLOSE, CALL_OPEN, HYPHEN_MARK, PAGE_MARK, Dehyphenator, clean, take_marks
from scrutiny.readers import pdf_layout
from scrutiny.readers.base import (CONTENTS, FIGURE, FOOTNOTE, FRONT_MATTER, HEADING, LIST_ITEM, PARAGRAPH, TABLE,
                                   Block, ReadDocument)

BOX = pdf_layout.BOX  # a region kind only: its lines make ordinary blocks

EXTENSIONS = (".pdf",)
PARALLEL_MIN_PAGES = 40  # below this a second process costs more than it saves

NO_TEXT_LAYER = "no text layer: the PDF is scanned images and needs OCR ({how})"

_BULLET = re.compile(r"^\s*([\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2219\u00b7\u2043\u25cb\u2013\u2014\uf0b7\uf0a7\uf076\uf0d8-]|o(?=\s))\s*")
_NUMBERED = re.compile(r"^\s*(?:\(?([0-9]{1,3}(?:\.[0-9]{1,3})*|[a-z]|[ivx]{1,5})[.)]|[0-9]{1,3}(?:\.[0-9]{1,3})+)\s+\S")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.?)\s*)?[-\u2013\u2014(]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-\u2013\u2014)]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;\"\u201d\u2019)\]](?:\s?[0-9*\u2020\u2021]{1,3}|\ue000[0-9]{1,3}\ue001)?\s*$")  # a note mark may follow
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_TOKEN = re.compile(r"\w+")
_URLISH = re.compile(r"(?:https?://|www\.)\S*$")
# digits glued to the end of a word or a closing mark may be a raised footnote reference
_ANY_DIGIT = re.compile(r"[0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")
_LABEL_RUN = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.")  # "35." or "4.2." opening a line
# a section number before a capitalised word ("2.3.1 The council"): no label is glued on there
_SECTION_START = re.compile(r"\d{1,3}(?:\.\d{1,3})+\.? (?=[A-Z])")
_WORD_CHAR = re.compile(r"\w")
_MARKER = re.compile(r"[0-9*\u2020\u2021]{1,3}")
_TOC_LINE = re.compile(r"(?:\.\s*){4,}\s*\d+\s*$")
_FOOTNOTE_START = re.compile(r"^\s*(\d{1,3}|[*\u2020\u2021\u00a7])(?:\s+|$|(?=[A-Z\u201c\"'h]))")


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    y: float          # baseline of the first character (PDF units, origin bottom-left)
    y_end: float      # baseline of the last character (differs when pdfium joined hyphenated lines)
    size: float
    bold: bool
    page: int
    kind: str = ""    # set by the classifier
    level: int = 0
    mark: bool = False  # opens with a raised, smaller number (a footnote's own marker)
    region: int = -1    # index of the box, table or figure it stands in (pdf_layout), -1: none
    conf: float | None = None  # read by OCR: the mean confidence of its words (0-100)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    image_only: bool = False
    outer: list | None = None   # candidates for running heads and feet (see _outer_lines)
    numbers: tuple = ()         # how the page may number itself: "7", and its label ("vii")
    regions: list = field(default_factory=list)  # boxes, tables, figures (pdf_layout.Region)
    printed: str | None = None  # the page number printed on it (a dropped page-number line)
    columns: bool = False       # read column by column (_order_columns)
    ocr: float | None = None    # read by OCR: the mean word confidence (0-100)


# -- low level: pdfium -------------------------------------------------------------

def _open(path: Path):
    import pypdfium2 as pdfium

    try:
        head = path.open("rb").read(1024)
    except OSError as exc:
        raise ReaderError(path, f"cannot open: {exc.strerror or exc}") from None
    if b"%PDF-" not in head and re.search(rb"<!doctype html|<html|<head|<body", head, re.IGNORECASE):
        raise ReaderError(path, "not a valid PDF (damaged or truncated): this is an HTML page saved under a "
                                ".pdf name (an error or login page?); download the PDF itself")
    if b"%PDF-" not in head:
        raise ReaderError(path, "not a valid PDF (damaged or truncated): the file does not start with a PDF "
                                "header; check that the download really is a PDF")
    from scrutiny.readers.pdf_streams import check_streams

    check_streams(path)  # a decompression bomb is refused before pdfium inflates it
    try:
        doc = pdfium.PdfDocument(str(path))
        doc._scrutiny_path = path
    except pdfium.PdfiumError as exc:
        raise ReaderError(path, _load_error(exc)) from None
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        doc.close()
        raise ReaderError(path, "not a valid PDF (damaged or truncated): the file ends before the PDF's "
                                "end-of-file marker, so pages may be missing; download it again")
    return doc


def _load_error(exc) -> str:
    """The reason to give for a PDF that pdfium refuses to open: one clean
    sentence that says what to do, never pdfium's own message."""
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD or (code is None and "password" in str(exc).lower()):
        return ("encrypted PDF: it needs a password to open; save an unencrypted copy "
                "(e.g. qpdf --decrypt) and ingest that")
    if code == raw.FPDF_ERR_SECURITY:
        return ("encrypted PDF: it uses a security scheme that cannot be opened; save an unencrypted copy "
                "(e.g. qpdf --decrypt) and ingest that")
    reason = {raw.FPDF_ERR_FILE: "the file cannot be read as a whole",
              raw.FPDF_ERR_FORMAT: "its internal structure cannot be parsed",
              raw.FPDF_ERR_PAGE: "a page or its content cannot be read"}.get(code, "the PDF library cannot open it")
    return f"not a valid PDF (damaged or truncated): {reason}; download it again"


def _page_lines(raw, page, textpage, number: int, bold_cache: dict) -> list[Line]:
    n_chars = raw.FPDFText_CountChars(textpage)
    if n_chars <= 0:
        return []
    buffer = (ctypes.c_ushort * (n_chars + 1))()
    n_out = raw.FPDFText_GetText(textpage, 0, n_chars, buffer)
    text = bytes(memoryview(buffer).cast("B")[: max(0, n_out - 1) * 2]).decode("utf-16-le", "replace")
    identity = len(text) == n_chars

    def char_index(t: int) -> int:
        return t if identity else raw.FPDFText_GetCharIndexFromTextIndex(textpage, t)

    rect = raw.FS_RECTF()
    prect = ctypes.byref(rect)
    fbuf = (ctypes.c_ubyte * 128)()
    fview = memoryview(fbuf)
    flags = ctypes.c_int()
    pflags = ctypes.byref(flags)
    get_loose, get_info, count_rects = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontInfo, raw.FPDFText_CountRects
    get_weight = raw.FPDFText_GetFontWeight
    lines: list[Line] = []
    pos = 0
    # when the page has no more text rectangles than lines, no line can hold a gap
    multi_rect = count_rects(textpage, 0, -1) > text.count("\r\n") + 1
    for seg in text.split("\r\n"):
        seg_len = len(seg)
        lead = seg.lstrip()
        todo = [(pos + seg_len - len(lead), lead.rstrip())] if lead else []
        while todo:  # a pdfium line, or the parts of one that held two baselines
            a, stripped = todo.pop()
            b = a + len(stripped) - 1
            ca, cb = (a, b) if identity else (char_index(a), char_index(b))
            # The loose box of a character spans its font's ascent to descent: its bottom
            # is a stand-in for the baseline and its height for the font size (scaled by
            # the text matrix), in one call instead of three.
            get_loose(textpage, ca, prect)
            x0, y0, size = rect.left, rect.bottom, rect.top - rect.bottom
            if not stripped[0].isalnum():  # a bullet or a quote mark: size and font from the first word
                m = _WORD_CHAR.search(stripped)
                if m:
                    ca = char_index(a + m.start())
                    get_loose(textpage, ca, prect)
                    y0, size = rect.bottom, rect.top - rect.bottom
            get_loose(textpage, cb, prect)
            if HYPHEN_MARK not in stripped and y0 - rect.bottom > 0.6 * max(size, rect.top - rect.bottom) \
                    and " " in stripped:
                # pdfium ran two lines together (a note's raised number reaching up into
                # the line above: "... her 65th birthday 26 Public awareness ..."):
                # read them as two lines, split where the lower one begins
                k = _lower_start(stripped, a, y0 - 0.3 * size, char_index, get_loose, textpage, prect, rect)
                left, right = stripped[:k].rstrip(), stripped[k:].lstrip()
                if left and right:
                    todo.append((a + len(stripped) - len(right), right))
                    todo.append((a, left))
                    continue
                get_loose(textpage, cb, prect)
            x1 = rect.right
            y1 = rect.bottom if HYPHEN_MARK in stripped else y0
            cuts: list[int] = []
            fix = None
            section = _SECTION_START.match(stripped) if stripped[0].isdigit() else None
            if section:
                cuts_from = section.end()
            elif stripped[0].isdigit():
                # a raised note number opening the line (a footnote's own marker), told
                # by its smaller type: apart from what follows, and size and baseline
                # from the text itself
                if size < 0.8 * (rect.top - rect.bottom):
                    fix = _leading_mark(stripped, a, char_index, get_loose, textpage, prect, rect)
                if fix is not None:
                    cut, size, y0, r = fix
                    y1 = y1 if HYPHEN_MARK in stripped else y0
                    ca = char_index(a + r)
                    if cut:
                        cuts.append(cut)
                else:
                    cut = _label_gap(stripped, a, size, char_index, get_loose, textpage, prect, rect)
                    if cut:
                        cuts.append(cut)
                cuts_from = max(cuts, default=0)
            else:
                cuts_from = 0
            weight = get_weight(textpage, ca)
            if weight > 0:  # embedded fonts say their weight
                bold = weight >= 600
            else:  # the standard 14 fonts do not: the name tells ("Helvetica-Bold")
                n = get_info(textpage, ca, fbuf, 128, pflags)
                key = (fview[: n - 1].tobytes() if n > 1 else b"", flags.value)
                bold = bold_cache.get(key)
                if bold is None:
                    bold = bold_cache[key] = bool(_BOLD_NAME.search(key[0].decode("latin-1", "replace"))) \
                        or bool(flags.value & (1 << 18))
            if size <= 0:
                size = 10.0
            calls = _raised_marks(stripped, a, size, cuts_from, char_index, get_loose, textpage, prect, rect) \
                if _ANY_DIGIT.search(stripped) else ()
            line = Line(_spaced(stripped, cuts, 0, calls) if cuts or calls else stripped, x0, x1, y0, y1, size,
                        bold, number, mark=fix is not None)
            # two columns (or table cells) side by side on one baseline: pdfium puts
            # them on one line; its text rectangles show the gap
            if multi_rect and " " in stripped and count_rects(textpage, char_index(a), cb - char_index(a) + 1) > 1:
                lines.extend(_split_at_gaps(raw, textpage, line, a, b, text, identity, [a + c for c in cuts],
                                            [a + c for c in calls]))
            else:
                lines.append(line)
        pos += seg_len + 2
    return lines


def _lower_start(line: str, a: int, limit: float, char_index, get_loose, textpage, prect, rect) -> int:
    """Where the lower of two lines that pdfium ran together begins: the first
    offset whose character stands below ``limit`` (a binary search; the upper
    line's characters all stand above it)."""
    lo, hi = 1, len(line) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        j = mid
        while j < hi and line[j] == " ":  # generated spaces have no box of their own
            j += 1
        get_loose(textpage, char_index(a + j), prect)
        if rect.bottom < limit:
            hi = mid
        else:
            lo = j + 1
    return lo


def _spaced(text: str, cuts, start: int = 0, calls=()) -> str:
    """``text`` with a space put before each offset in ``cuts``, and the run of
    digits at each offset in ``calls`` (a raised note call) wrapped in
    :data:`CALL_OPEN` ... :data:`CALL_CLOSE` (offsets into the page text,
    ``start`` being where ``text`` begins in it)."""
    calls = {c - start for c in calls}
    for k in sorted({c - start for c in cuts} | calls, reverse=True):
        if not 0 < k < len(text):
            continue
        if k in calls:
            e = k
            while e < len(text) and text[e].isdigit():
                e += 1
            if e > k:
                text = text[:k] + CALL_OPEN + text[k:e] + CALL_CLOSE + text[e:]
        elif text[k - 1] != " ":
            text = text[:k] + " " + text[k:]
    return text


def _leading_mark(line: str, a: int, char_index, get_loose, textpage, prect, rect):
    """A line that opens with a raised, smaller note number ("⁵¹16 million is ..."):
    (offset where the mark ends, the text's size and baseline, the offset of the
    character they come from), else None. The first offset is 0 when a space
    already follows the mark."""
    e = 0
    while e < len(line) and line[e].isdigit():
        e += 1
    r = e
    while r < len(line) and line[r] == " ":
        r += 1
    if r >= len(line):
        return None
    get_loose(textpage, char_index(a + r), prect)
    ref_h, ref_bottom = rect.top - rect.bottom, rect.bottom
    if ref_h <= 0:
        return None
    end = 0
    for k in range(e):
        get_loose(textpage, char_index(a + k), prect)
        h = rect.top - rect.bottom
        if not (0 < h < 0.8 * ref_h and rect.bottom > ref_bottom + 0.1 * ref_h):
            break
        end = k + 1
    if not end or end > 3:
        return None
    return (end if line[end] != " " else 0), ref_h, ref_bottom, r


def _label_gap(line: str, a: int, size: float, char_index, get_loose, textpage, prect, rect) -> int:
    """A paragraph label set apart by a tab or a gap but with no space character
    ("35." + "27.4% of ..."): the offset of the text after the label, else 0."""
    m = _LABEL_RUN.match(line)
    if not m:
        return 0
    for k in range(m.end() - 1, 0, -1):  # the longest label first: "1.2." before "1."
        if line[k] == "." and k + 1 < len(line) and line[k + 1] != " " and line[k - 1].isdigit():
            get_loose(textpage, char_index(a + k), prect)
            right = rect.right
            get_loose(textpage, char_index(a + k + 1), prect)
            if rect.left - right > 0.05 * size:
                return k + 1
    return 0


def _raised_marks(line: str, a: int, size: float, skip: int, char_index, get_loose, textpage, prect, rect) -> list[int]:
    """Offsets where a footnote reference set as raised smaller digits is glued to
    what comes before it: a word ("million45"), a closing mark ("report.3") or a
    number ("2025" + "6", "17.8" + "51"). The call becomes a mark, not text
    (see :data:`CALL_OPEN`), so that it never reads as part of a number or a word.
    One pdfium call per run of digits (those ending before ``skip`` are not
    looked at), more only for the raised ones."""
    cuts = []
    end = len(line)
    for m in _DIGIT_RUN.finditer(line):
        i, j = m.start(), m.end()
        if j <= skip or (j + 1 < end and line[j] in ".," and line[j + 1].isdigit()):
            continue  # done, or not the end of a number ("1" and "2" in "1.2.3", "4" in "4,200")
        get_loose(textpage, char_index(a + j - 1), prect)
        h, bottom = rect.top - rect.bottom, rect.bottom
        if not 0 < h < 0.8 * size:
            continue
        s = j - 1
        while s > i:  # the raised part of the run: "2025" + "6"
            get_loose(textpage, char_index(a + s - 1), prect)
            if not 0 < rect.top - rect.bottom < 0.8 * size:
                break
            s -= 1
        if s == 0 or line[s - 1] == " " or j - s > 3:
            continue
        get_loose(textpage, char_index(a + s - 1), prect)  # what the mark is glued to
        ref_h = rect.top - rect.bottom
        if h < 0.8 * ref_h and bottom > rect.bottom + 0.1 * ref_h:
            cuts.append(s)
    return cuts


def _split_at_gaps(raw, textpage, line: Line, a: int, b: int, text: str, identity: bool,
                   spaces=(), calls=()) -> list[Line]:
    """Split a line where its text rectangles leave a gap wider than 1.5 line
    heights (``line.size`` is the height of the font's loose box, about 1.2-1.4 em):
    a gutter between columns, not the tab after a heading's number."""
    l, t, r, btm = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    ca, cb = (a, b) if identity else (raw.FPDFText_GetCharIndexFromTextIndex(textpage, a),
                                      raw.FPDFText_GetCharIndexFromTextIndex(textpage, b))
    n = raw.FPDFText_CountRects(textpage, ca, cb - ca + 1)
    cuts, prev = [], None
    for k in range(n):
        raw.FPDFText_GetRect(textpage, k, ctypes.byref(l), ctypes.byref(t), ctypes.byref(r), ctypes.byref(btm))
        rect = (l.value, t.value, r.value, btm.value)
        if prev is not None:
            same_band = rect[3] < prev[1] and prev[3] < rect[1]
            if same_band and rect[0] - prev[2] > 1.5 * line.size:
                ci = raw.FPDFText_GetCharIndexAtPos(textpage, rect[0] + 0.5, (rect[1] + rect[3]) / 2, 2.0, 2.0)
                if ci >= 0:
                    ti = ci if identity else raw.FPDFText_GetTextIndexFromCharIndex(textpage, ci)
                    if a < ti <= b:
                        cuts.append((ti, prev[2], rect[0]))
        prev = rect
    if not cuts:
        return [line]
    out, start, x0 = [], a, line.x0
    for ti, right, next_left in cuts:
        piece = _spaced(text[start:ti], spaces, start, calls).strip()
        if piece:
            out.append(Line(piece, x0, right, line.y, line.y, line.size, line.bold, line.page))
        start, x0 = ti, next_left
    piece = _spaced(text[start:b + 1], spaces, start, calls).strip()
    if piece:
        out.append(Line(piece, x0, line.x1, line.y, line.y_end, line.size, line.bold, line.page))
    return out


def _page_numbers(raw, pdf, index: int) -> tuple[str, ...]:
    """The page's number, and its label when the PDF gives pages labels ("vii")."""
    numbers = (str(index + 1),)
    n = raw.FPDF_GetPageLabel(pdf, index, None, 0)
    if n > 2:
        buf = (ctypes.c_ubyte * n)()
        raw.FPDF_GetPageLabel(pdf, index, buf, n)
        label = bytes(buf)[:n - 2].decode("utf-16-le", "replace").strip().lower()
        if label and label not in numbers and _PAGE_TOKEN.fullmatch(label):
            numbers += (label,)
    return numbers


def _pdf_labels(doc, n: int) -> list[str]:
    """The PDF's own page labels (/PageLabels), "" for a page without one."""
    import pypdfium2.raw as raw

    out = []
    for index in range(n):
        size = raw.FPDF_GetPageLabel(doc.raw, index, None, 0)
        if size > 2:
            buf = (ctypes.c_ubyte * size)()
            raw.FPDF_GetPageLabel(doc.raw, index, buf, size)
            out.append(bytes(buf)[:size - 2].decode("utf-16-le", "replace").strip())
        else:
            out.append("")
    return out


def _has_images(raw, page) -> bool:
    """A page without text that shows something: a picture, or many drawn
    shapes (a page "printed" as the outlines of its letters)."""
    n = raw.FPDFPage_CountObjects(page)
    paths = 0
    for k in range(n):
        obj = raw.FPDFPage_GetObject(page, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            return True
        if kind == raw.FPDF_PAGEOBJ_FORM:
            return True  # scanners often wrap the picture in a form XObject
        if kind == raw.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths >= 200:
                return True
    return False


# -- phase 1: lines, columns and document statistics, page by page -------------------------

def _size_key(size: float) -> float:
    return round(size * 2) / 2


def _style(ln: Line) -> tuple[float, bool]:
    return (_size_key(ln.size), ln.bold)


def _norm_key(text: str, numbers: tuple[str, ...]) -> str:
    """A line's text for finding running heads: lower case, with the page's own
    number (``numbers``: the page's position, and its printed label when the PDF
    has page labels) as "#". Other numbers stay: "Recommendation 4" at the top
    of one page and "Recommendation 5" at the top of the next are not a
    running head, and neither is a footnote number."""
    text = " ".join(text.lower().split())
    return _PAGE_TOKEN.sub(lambda m: "#" if m.group() in numbers else m.group(), text)


def _outer_lines(page: _Page) -> list[tuple[Line, tuple]]:
    """Lines that may be running heads or feet: among the three outermost at the
    top or bottom, inside the top or bottom 12% of the page; with their keys
    (text, height): the exact text first, then the text with the page's number
    as "#" when that differs ("Part 1: Funding" on page 1 is both)."""
    if page.outer is not None:
        return page.outer
    if not page.lines:
        return []
    margin = page.height * 0.12
    by_y = sorted(page.lines, key=lambda ln: ln.y)
    outer = by_y[:3] + by_y[-3:] if len(by_y) > 6 else by_y
    page.outer = []
    for ln in outer:
        if ln.y >= page.height - margin or ln.y <= margin:
            exact = _norm_key(ln.text, ())
            numbered = _norm_key(ln.text, page.numbers)
            height = round(ln.y / 6)
            page.outer.append((ln, ((exact, height),) if numbered == exact else ((exact, height), (numbered, height))))
    return page.outer


@dataclass
class _Stats:
    """What the second phase needs to know about the whole document."""
    sizes: Counter = field(default_factory=Counter)     # size -> characters
    pitches: Counter = field(default_factory=Counter)   # (size, distance between baselines) -> count
    running: Counter = field(default_factory=Counter)   # outer-line key -> pages
    running_pages: dict = field(default_factory=dict)   # outer-line text key -> page numbers
    lefts: Counter = field(default_factory=Counter)     # where lines start (2 pt steps) -> count
    rights: Counter = field(default_factory=Counter)    # where lines end (2 pt steps) -> count
    bottoms: Counter = field(default_factory=Counter)   # a page's lowest line above the foot margin -> pages
    text_pages: int = 0
    image_pages: list = field(default_factory=list)

    def add(self, other: "_Stats") -> None:
        self.sizes.update(other.sizes)
        self.pitches.update(other.pitches)
        self.running.update(other.running)
        for key, numbers in other.running_pages.items():
            self.running_pages.setdefault(key, []).extend(numbers)
        self.lefts.update(other.lefts)
        self.rights.update(other.rights)
        self.bottoms.update(other.bottoms)
        self.text_pages += other.text_pages
        self.image_pages.extend(other.image_pages)


def _find_regions(page: _Page, shapes, path) -> None:
    """The page's boxes, tables and figures (see :mod:`pdf_layout`); the lines
    in each are marked with its index. Tables are read here (pdfplumber)."""
    if not shapes and len(page.lines) < 6:
        return
    regions = pdf_layout.find_regions(page.lines, shapes, page.width, page.height)
    if any(r.kind == pdf_layout.TABLE for r in regions):
        pdf_layout.read_tables(path, page.number - 1, page.height, regions)
    for i, r in enumerate(regions):
        for ln in r.lines:
            ln.region = i
        r.lines = []  # the page keeps its lines; a region knows them by index
    page.regions = regions


def _ocr_lines(doc, index: int, number: int, height: float) -> tuple[list[Line], float]:
    from scrutiny.readers import ocr

    image = ocr.render(doc[index])
    found, confidence = ocr.read_image(image, page_height=height)
    return [Line(text, x0, x1, y0, y0, size, False, number, conf=conf) for text, x0, y0, x1, size, conf in found
            if not ocr.speck(text, conf)], confidence


def _analyse_range(doc, start: int, stop: int, ocr: bool = False) -> tuple[list[_Page], _Stats]:
    import pypdfium2.raw as raw

    pages: list[_Page] = []
    stats = _Stats()
    bold_cache: dict = {}
    pdf = doc.raw
    for index in range(start, stop):
        # the raw pdfium calls: the helper objects cost more than the work on short pages
        page = raw.FPDF_LoadPage(pdf, index)
        if not page:
            raise ReaderError(doc._scrutiny_path, f"not a valid PDF (damaged or truncated): page {index + 1} "
                                                  "cannot be loaded; download the file again")
        try:
            textpage = raw.FPDFText_LoadPage(page)
            try:
                width, height = raw.FPDF_GetPageWidthF(page), raw.FPDF_GetPageHeightF(page)
                lines = _page_lines(raw, page, textpage, index + 1, bold_cache) if textpage else []
                image_only = not lines and _has_images(raw, page)
                shapes = pdf_layout.page_shapes(raw, page) if lines else []
            finally:
                if textpage:
                    raw.FPDFText_ClosePage(textpage)
        finally:
            raw.FPDF_ClosePage(page)
        p = _Page(index + 1, width, height, lines, image_only, None, _page_numbers(raw, pdf, index))
        if image_only and ocr:  # a page that is only a picture: read it with Tesseract
            p.lines, p.ocr = _ocr_lines(doc, index, p.number, height)
            p.image_only = image_only = False
            lines = p.lines
        pages.append(p)
        if image_only:
            stats.image_pages.append(p.number)
        if not lines:
            continue
        stats.text_pages += 1
        _order_columns(p)
        _find_regions(p, shapes, doc._scrutiny_path)
        prev_key, prev_y = None, 0.0
        sizes, pitches, lefts, rights = stats.sizes, stats.pitches, stats.lefts, stats.rights
        for ln in p.lines:  # (the hottest loop in Python: _size_key inlined)
            key = round(ln.size * 2) / 2
            sizes[key] += len(ln.text)
            lefts[round(ln.x0 / 2) * 2] += 1
            rights[round(ln.x1 / 2) * 2] += 1
            if key == prev_key:
                d = prev_y - ln.y
                if 0.8 * key < d < 2.5 * key:
                    pitches[(key, round(d * 2) / 2)] += 1
            prev_key, prev_y = key, ln.y_end
        keys = {key for _, line_keys in _outer_lines(p) for key in line_keys}
        stats.running.update(keys)
        for key in keys:
            stats.running_pages.setdefault(key[0], []).append(p.number)
        low = min((ln.y for ln in p.lines if ln.y > p.height * 0.12), default=None)
        if low is not None:
            stats.bottoms[round(low / 2) * 2] += 1
    return pages, stats


@dataclass
class _Layout:
    """Document-wide facts, decided once from the merged statistics."""
    body: float
    pitch: float
    running: frozenset
    full: float      # a line ending right of this reaches the right margin
    bottom: float    # the foot of the text area on a full page

    @classmethod
    def from_stats(cls, stats: _Stats) -> "_Layout":
        body = stats.sizes.most_common(1)[0][0] if stats.sizes else 10.0
        pitches = Counter()
        for (size, d), n in stats.pitches.items():
            if abs(size - body) < 0.6:
                pitches[d] += n
        pitch = pitches.most_common(1)[0][0] if pitches else body * 1.25
        threshold = max(2, int(0.3 * stats.text_pages + 0.5))
        counts = stats.running
        chapter_heads = {text for text, numbers in stats.running_pages.items() if _dense(sorted(set(numbers)))}
        running = frozenset(
            key for key in counts
            if stats.text_pages >= 2
            and (counts[key] + counts[(key[0], key[1] - 1)] + counts[(key[0], key[1] + 1)] >= threshold
                 or (key[0] in chapter_heads and counts[key] >= 2)))
        left = stats.lefts.most_common(1)[0][0] if stats.lefts else 0.0
        right, seen, total = left, 0, sum(stats.rights.values())
        for x in sorted(stats.rights):  # the 90th percentile of line ends
            seen += stats.rights[x]
            right = x
            if seen >= 0.9 * total:
                break
        bottom, seen, total = 0.0, 0, sum(stats.bottoms.values())
        for y in sorted(stats.bottoms):  # the 10th percentile of the pages' lowest lines
            seen += stats.bottoms[y]
            bottom = y
            if seen >= 0.1 * total:
                break
        return cls(body, pitch, running, right - 0.15 * max(0.0, right - left), bottom)


# -- phase 2: blocks, page by page ----------------------------------------------------------

def _dense(numbers: list[int], run: int = 4, window: int = 8) -> bool:
    """True when ``run`` of the page numbers fall within ``window`` consecutive pages."""
    return any(numbers[i + run - 1] - numbers[i] < window for i in range(len(numbers) - run + 1))


def _remove_running(page: _Page, layout: "_Layout") -> None:
    """Drop running heads/feet and page numbers (in place).

    A running line sits in the top or bottom 12% of the page, among the three
    outermost lines, and its text recurs at the same height on at least 30% of
    the pages (2 pages for short documents), or on 4 pages out of 8
    consecutive ones (a chapter's running head): exactly, or but for the page's
    own number ("Page 7 of 19", "Annual report | 7"). A line that recurs only
    thanks to its page number and reads on into the body text below it (same
    size, a line's distance) is body text ("Left column page 7 begins ...").
    A bare page number ("7", "Page 3 of 19", "- iv -") is dropped when it is
    the outermost line left at the top or the bottom of its page.
    """
    running = layout.running
    drop = {id(ln) for ln, keys in _outer_lines(page) if keys[0] in running
            or (len(keys) > 1 and keys[1] in running and not _reads_on(page, ln, layout, running))}
    if drop:
        for ln in page.lines:
            if id(ln) in drop and page.printed is None and _PAGE_NUMBER.match(ln.text):
                m = re.search(r"\d{1,4}|[ivxlcdm]{1,7}", ln.text, re.IGNORECASE)
                page.printed = m.group().lower() if m else None
        page.lines = [ln for ln in page.lines if id(ln) not in drop]
    margin = page.height * 0.12
    for _ in range(2):  # "3" and "Page 3 of 19" may both be there
        if not page.lines:
            break
        low = min(page.lines, key=lambda ln: ln.y)
        high = max(page.lines, key=lambda ln: ln.y)
        gone = {id(ln) for ln in (low, high) if (ln.y <= margin or ln.y >= page.height - margin)
                and _PAGE_NUMBER.match(ln.text)}
        if not gone:
            break
        for ln in (low, high):
            if id(ln) in gone and page.printed is None:
                m = re.search(r"\d{1,4}|[ivxlcdm]{1,7}", ln.text, re.IGNORECASE)
                page.printed = m.group().lower() if m else None
        page.lines = [ln for ln in page.lines if id(ln) not in gone]


def _reads_on(page: _Page, line: Line, layout: "_Layout", running: frozenset) -> bool:
    """True when the nearest line on the page's inner side of ``line`` (under a
    line at the top, over one at the foot) is in the same size and a line's
    distance away, and is not itself a running line: ``line`` is the first or
    last line of a paragraph, not a running head or foot."""
    top = line.y > page.height / 2
    best = None
    for ln in page.lines:
        d = (line.y - ln.y) if top else (ln.y - line.y)
        if d > 0.5 * line.size and ln.x0 < line.x1 and line.x0 < ln.x1 and (best is None or d < best[0]):
            best = (d, ln)
    if best is None:
        return False
    d, ln = best
    if abs(ln.size - line.size) > 0.08 * layout.body or d > layout.pitch * max(1.0, line.size / layout.body) * 1.3:
        return False
    return not any(o is ln and any(key in running for key in keys) for o, keys in _outer_lines(page))


def _classify(page: _Page, body: float) -> None:
    if page.ocr is not None:  # sizes measured on a picture: only a clearly bigger line is a heading
        for ln in page.lines:
            ln.kind = HEADING if ln.size >= body * 1.35 and len(ln.text) <= 120 else PARAGRAPH
        return
    body_lines = [ln for ln in page.lines if ln.size >= body * 0.9]
    lowest_body = min((ln.y_end for ln in body_lines), default=page.height)
    for ln in page.lines:
        if ln.size < body * 0.88 and ln.y < lowest_body and ln.y < page.height * 0.5:
            ln.kind = FOOTNOTE
        elif (ln.size >= body * 1.15 or (ln.bold and ln.size >= body * 0.95)) and len(ln.text) <= 200 \
                and not _BULLET.match(ln.text):  # a list item may open with a bold phrase
            ln.kind = HEADING
        else:
            ln.kind = PARAGRAPH


def _blocks_range(pages: list[_Page], layout: _Layout) -> list[tuple[list["_Draft"], list["_Draft"]]]:
    out = []
    for page in pages:
        _remove_running(page, layout)
        _classify(page, layout.body)
        inside = [ln for ln in page.lines if ln.region >= 0]
        if inside:
            page.lines = [ln for ln in page.lines if ln.region < 0]
        blocks, notes = _page_blocks(page, layout)
        _numbered_headings(blocks)
        if not page.columns:
            # top to bottom: some layout programs write a page's blocks out of order
            blocks.sort(key=lambda b: -(b.first.y + b.first.size) if b.first is not None else 0.0)
        if inside:
            blocks = _with_regions(page, blocks, inside, layout)
        if page.ocr is not None:
            for d in blocks + notes:
                # the mean confidence of its own lines' words (the page's, if unknown)
                d.layout["ocr"] = {"confidence": round(sum(d.confs) / len(d.confs) if d.confs else page.ocr, 1)}
        for d in blocks + notes:
            d.parts = [t for t in (clean(part) for part in d.parts) if t]
            d.first = d.last = None  # lines stay here; the drafts may cross a process boundary
        out.append(([d for d in blocks if d.parts], [d for d in notes if d.parts], page.printed))
        page.lines = []
        page.regions = []
    return out


def _with_regions(page: _Page, blocks: list["_Draft"], inside: list[Line], layout: "_Layout") -> list["_Draft"]:
    """The page's blocks with those of its boxes, tables and figures put in
    where each region stands (before the first block that starts below its top)."""
    by_region: dict[int, list[Line]] = {}
    for ln in inside:
        by_region.setdefault(ln.region, []).append(ln)
    placed: list[tuple[float, list[_Draft]]] = []
    for i, lines in sorted(by_region.items()):
        r = page.regions[i]
        drafts: list[_Draft]
        if r.kind == pdf_layout.TABLE and r.rows:
            text = pdf_layout.table_text(r)
            lay = {"rows": r.rows} | ({"caption": r.caption, "label": r.label} if r.caption else {})
            drafts = [_Draft(TABLE, [text], page.number, page.number, region=TABLE, layout=lay)]
        elif r.kind == pdf_layout.FIGURE:
            ordered = sorted(lines, key=lambda ln: (ln.text != r.caption, -round(ln.y), ln.x0))
            lay = {"caption": r.caption, "label": r.label} if r.caption else {}
            drafts = [_Draft(FIGURE, [ln.text for ln in ordered], page.number, page.number, region=FIGURE,
                             layout=lay)]
        else:  # a box: its own blocks, read like a small page
            for ln in lines:
                if ln.kind == FOOTNOTE:
                    ln.kind = PARAGRAPH  # small print in a box is the box's text, not a note
            sub = _Page(page.number, page.width, page.height, lines)
            drafts, _ = _page_blocks(sub, layout)
            _numbered_headings(drafts)
            for d in drafts:
                d.region = BOX
        placed.append((r.top, drafts))
    out: list[_Draft] = []
    pending = sorted(placed, key=lambda t: -t[0])
    for b in blocks:
        y = b.first.y if b.first is not None else 0.0
        while pending and pending[0][0] > y + (b.first.size if b.first is not None else 0):
            out.extend(pending.pop(0)[1])
        out.append(b)
    for _, drafts in pending:
        out.extend(drafts)
    return out


# -- one or two processes ---------------------------------------------------------------------

def _workers(n_pages: int) -> int:
    try:
        wanted = int(os.environ.get("SCRUTINY_PDF_WORKERS", "2"))
    except ValueError:
        wanted = 2
    cores = os.cpu_count() or 1
    if wanted < 2 or n_pages < PARALLEL_MIN_PAGES or cores < 2 or sys.platform == "win32":
        return 1
    if "SCRUTINY_PDF_WORKERS" not in os.environ:
        import multiprocessing

        if multiprocessing.parent_process() is not None:
            return 1  # already a worker of a pool (e.g. ingest reading several files at once)
        try:  # a second process only pays when a core is free for it
            if os.getloadavg()[0] > cores - 0.75:
                return 1
        except OSError:
            pass
    return 2


def _child(conn, path: str, start: int, stop: int) -> None:
    """The second half of a long document: phase 1, then (told the layout) phase 2."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
        doc._scrutiny_path = path
        pages, stats = _analyse_range(doc, start, stop)
        doc.close()
        conn.send_bytes(pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL))
        layout = pickle.loads(conn.recv_bytes())
        conn.send_bytes(pickle.dumps(_blocks_range(pages, layout), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent reads these pages itself (and meets any bug there)
        try:
            conn.send_bytes(b"")
        except (OSError, ValueError):  # the parent has gone: nobody to tell
            pass
    finally:
        conn.close()


def _read_pages(path: Path, ocr: bool = False):
    """(per-page drafts, statistics, number of pages, PDF metadata)."""
    import pypdfium2 as pdfium

    doc = _open(path)
    try:
        n = len(doc)
        try:
            meta = doc.get_metadata_dict(skip_empty=True)
        except (pdfium.PdfiumError, UnicodeDecodeError):  # unreadable properties: the text still counts
            meta = {}
        meta["page_labels"] = _pdf_labels(doc, n)
        if _workers(n) == 1 or ocr:
            pages, stats = _analyse_range(doc, 0, n, ocr)
            return _blocks_range(pages, _Layout.from_stats(stats)), stats, n, meta
        import multiprocessing

        mid = int(n * 0.46)  # the parent also joins the pages at the end
        ctx = multiprocessing.get_context("fork")
        conn, child_conn = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_child, args=(child_conn, str(path), mid, n), daemon=True)
        try:
            proc.start()
        except (AssertionError, OSError):  # e.g. inside a daemonic worker: read it all here
            conn.close()
            child_conn.close()
            pages, stats = _analyse_range(doc, 0, n)
            return _blocks_range(pages, _Layout.from_stats(stats)), stats, n, meta
        child_conn.close()
        try:
            pages, stats = _analyse_range(doc, 0, mid)
            rest = None
            try:
                data = conn.recv_bytes()
            except (EOFError, OSError):
                data = b""
            if data:
                stats.add(pickle.loads(data))
            else:  # the child failed: read its half here
                rest, rest_stats = _analyse_range(doc, mid, n)
                stats.add(rest_stats)
            layout = _Layout.from_stats(stats)
            if rest is None:
                try:
                    conn.send_bytes(pickle.dumps(layout, protocol=pickle.HIGHEST_PROTOCOL))
                except OSError:
                    pass
            per_page = _blocks_range(pages, layout)
            if rest is None:
                try:
                    data = conn.recv_bytes()
                except (EOFError, OSError):
                    data = b""
                if data:
                    return per_page + pickle.loads(data), stats, n, meta
                rest, _ = _analyse_range(doc, mid, n)
            return per_page + _blocks_range(rest, layout), stats, n, meta
        finally:
            conn.close()
            proc.join()
    finally:
        doc.close()


def _order_columns(page: _Page) -> None:
    """Read a two-column page column by column (in place)."""
    lines = page.lines
    if len(lines) < 6:
        return
    xs0 = min(ln.x0 for ln in lines)
    xs1 = max(ln.x1 for ln in lines)
    width = xs1 - xs0
    if width <= 0:
        return
    wide = [ln for ln in lines if ln.x1 - ln.x0 > 0.25 * width]
    if len(wide) < 6:
        return
    spans = sorted((ln.x0, ln.x1) for ln in wide)
    gaps, reach = [], spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > reach:
            gaps.append((reach + x0) / 2)
        reach = max(reach, x1)
    best = None
    for x in gaps:
        if xs0 + 0.3 * width < x < xs0 + 0.7 * width:
            left = sum(1 for ln in wide if ln.x1 <= x)
            right = len(wide) - left
            if left >= 3 and right >= 3 and (best is None or min(left, right) > best[0]):
                best = (min(left, right), x)
    if best is None:
        return
    page.columns = True
    gutter = best[1]
    # bands: runs of column lines between full-width lines, top to bottom
    ordered = sorted(lines, key=lambda ln: -ln.y)
    out, band = [], []

    def flush():
        band_left = [ln for ln in band if ln.x1 <= gutter]
        band_right = [ln for ln in band if ln.x1 > gutter]
        out.extend(band_left)
        out.extend(band_right)
        band.clear()

    for ln in ordered:
        if ln.x0 < gutter < ln.x1:
            flush()
            out.append(ln)
        else:
            band.append(ln)
    flush()
    page.lines = out


@dataclass
class _Draft:
    kind: str
    parts: list[str]
    page: int
    page_end: int
    style: tuple | None = None   # (size, bold) of a heading's lines; levels are given at the end
    first: Line | None = None
    last: Line | None = None
    full_end: bool = False       # its last line runs to the right margin (so it may go on overleaf)
    breaks: list[int] = field(default_factory=list)  # indices of the parts that begin a new page
    # from a box, a table or a figure (pdf_layout.BOX, TABLE, FIGURE), else "": never
    # joined with the text around it (a box's paragraph may go on in the box overleaf)
    region: str = ""
    layout: dict = field(default_factory=dict)  # Block.layout
    confs: list = field(default_factory=list)   # read by OCR: its lines' confidences

    def text(self, marks: bool = False) -> str:
        """The parts joined into one text; with ``marks``, a :data:`PAGE_MARK`
        before the first part of each further page (see :func:`_page_breaks`)."""
        pieces: list[str] = []
        prev = ""
        for i, part in enumerate(self.parts):
            if marks and self.breaks:
                part = PAGE_MARK * self.breaks.count(i) + part
            if not pieces:
                pieces.append(part)
            elif len(prev) > 1 and prev[-1] == "-" and prev[-2].isalpha() and part.lstrip(PAGE_MARK)[:1].islower():
                pieces[-1] = prev[:-1] + HYPHEN_MARK  # a hyphen at a line end: resolved later
                pieces.append(part)
            elif prev.endswith(HYPHEN_MARK):
                pieces.append(part)
            elif prev[-1:] in "-/_" and (prev[-2:-1].isdigit() or _URLISH.search(prev)) \
                    and part.lstrip(PAGE_MARK)[:1].isalnum():
                pieces.append(part)  # "1991-" + "2013", a URL broken at a line end
            else:
                pieces.append(" " + part)
            prev = part
        return "".join(pieces)


def _page_blocks(page: _Page, layout: _Layout) -> tuple[list[_Draft], list[_Draft]]:
    """Blocks of one page: (body blocks in reading order, footnotes)."""
    body, pitch = layout.body, layout.pitch
    blocks: list[_Draft] = []
    notes: list[_Draft] = []
    body_lines = [ln for ln in page.lines if ln.kind != FOOTNOTE]
    col_right = max((ln.x1 for ln in body_lines), default=page.width)
    col_left = min((ln.x0 for ln in page.lines), default=0.0)
    short_line = col_right - 0.2 * (col_right - col_left)
    cur: _Draft | None = None
    pending = None  # the OCR confidence of the line before, for the draft that took it
    for ln in body_lines:
        if pending is not None and cur is not None:
            cur.confs.append(pending)
        pending = ln.conf
        new = True
        kind = ln.kind
        bullet = _BULLET.match(ln.text) if kind != HEADING else None
        text = ln.text
        if bullet and len(text) > bullet.end():
            kind = LIST_ITEM
            text = text[bullet.end():]
        if cur is not None and cur.last is not None:
            prev = cur.last
            if kind == PARAGRAPH and len(text) <= 3 and _MARKER.fullmatch(text) and ln.size < body * 0.85 \
                    and ln.y >= prev.y_end - 1 and ln.x0 >= prev.x1 - 3:
                # a raised footnote reference that pdfium put on a line of its own: a
                # call, so that "17.8" + "5" never reads as "17.85"
                cur.parts[-1] += CALL_OPEN + text + CALL_CLOSE if text.isdigit() else " " + text
                continue
            if kind == PARAGRAPH and not bullet and abs(ln.y - prev.y_end) < 0.25 * ln.size \
                    and prev.x1 - 1 <= ln.x0 < prev.x1 + ln.size:
                # the rest of the line after a raised note call, which pdfium puts on a
                # line of its own ("weeks" + raised "2" + "."): no space unless one stands there
                cur.parts[-1] += ("" if ln.x0 - prev.x1 < 0.12 * ln.size else " ") + text
                cur.last = Line(prev.text, prev.x0, ln.x1, prev.y, ln.y_end, prev.size, prev.bold, prev.page)
                continue
            gap = prev.y_end - ln.y
            if kind == HEADING:
                new = not (cur.kind == HEADING and cur.style == _style(ln) and 0 < gap < ln.size * (1.6 if ln.text[:1].islower() else 1.3))
            elif bullet:
                new = True
            elif cur.kind == HEADING:
                new = True
            else:
                new = False
                if gap < 0 or gap > pitch * max(1.0, prev.size / body) * 1.3:
                    new = True  # a blank line, or a jump to another column
                elif _NUMBERED.match(text) and (ln.x0 < prev.x0 - 3
                                                or (ln.x0 <= cur.first.x0 + 1 and _TERMINAL.search(prev.text[-8:]))):
                    new = True
                elif cur.kind == LIST_ITEM and ln.x0 < cur.first.x0 - 2:
                    new = True  # back to the margin after an indented list item
                elif prev.x1 < short_line and abs(ln.x0 - prev.x0) > 8 and ln.text[:1].isupper() \
                        and _TERMINAL.search(prev.text[-8:]):
                    new = True
                elif abs(ln.size - prev.size) > 0.08 * body:
                    new = True
        if new:
            cur = _Draft(kind if kind != LIST_ITEM or bullet else PARAGRAPH, [text], page.number, page.number,
                         _style(ln) if kind == HEADING else None, ln, ln)
            blocks.append(cur)
        else:
            cur.parts.append(text)
            cur.last = ln
    if pending is not None and cur is not None:
        cur.confs.append(pending)
    # the last paragraph may go on overleaf when its last line is full and the page
    # has no room left below it (down to the footnotes or the foot of the text area)
    foot = max((ln.y for ln in page.lines if ln.kind == FOOTNOTE), default=layout.bottom)
    for b in blocks:
        b.full_end = b.last is not None and b.last.x1 >= layout.full and b.last.y_end - foot < 3.5 * pitch
    # footnotes: a new note starts at a marker; continuation lines are appended
    expected = None
    for ln in (ln for ln in page.lines if ln.kind == FOOTNOTE):
        m = _FOOTNOTE_START.match(ln.text)
        marker = m.group(1) if m else None
        starts = False
        if marker is not None:
            if not notes or (ln.mark and marker.isdigit()):  # a raised number opens a note
                starts = True
            elif marker.isdigit() and expected is not None and int(marker) == expected:
                starts = True
            elif not marker.isdigit():
                starts = True
            elif notes[-1].parts and re.fullmatch(r"\d{1,3}", notes[-1].parts[-1] or ""):
                starts = False
        if notes and re.fullmatch(r"\d{1,3}", notes[-1].text()):
            notes[-1].parts.append(ln.text)  # a marker on its own line, then the note
            notes[-1].last = ln
            continue
        if starts or not notes:
            notes.append(_Draft(FOOTNOTE, [ln.text], page.number, page.number, None, ln, ln))
            if marker and marker.isdigit():
                expected = int(marker) + 1
        else:
            notes[-1].parts.append(ln.text)
            notes[-1].last = ln
    return blocks, notes


def _numbered_headings(blocks: list[_Draft]) -> None:
    """A short numbered line standing alone ("3.2 Waiting times") is a heading."""
    for b in blocks:
        if b.kind == PARAGRAPH and len(b.parts) == 1 and not b.full_end:
            t = b.parts[0]
            if len(t) <= 80 and re.match(r"^\d{1,2}(\.\d{1,2})*\.?\s+[A-Z]", t) and not _TERMINAL.search(t) \
                    and not re.search(r"\d\s*$", t):
                b.kind = HEADING


def _join_pages(per_page: list[tuple[list[_Draft], list[_Draft]]]) -> list[_Draft]:
    out: list[_Draft] = []
    pending_notes: list[_Draft] = []
    open_para: _Draft | None = None
    for blocks, notes, *_ in per_page:
        if open_para is not None and open_para.region:
            # a box that runs on overleaf goes on in the box at the top of the next page
            lead = 0 if blocks and blocks[0].region == BOX else None
        else:
            lead = next((i for i, b in enumerate(blocks) if not b.region), None)
        if open_para is not None and lead is not None:
            first = blocks[lead]
            last_text = open_para.text()
            # a paragraph goes on overleaf when it stops mid-sentence, when the next page
            # starts in lower case, or when its last line is full (a last line rarely is)
            if first.kind == PARAGRAPH and not _NUMBERED.match(first.parts[0]) and not _TOC_LINE.search(last_text) \
                    and (not _TERMINAL.search(last_text) or first.parts[0][:1].islower() or open_para.full_end):
                # one break per page turned (an empty page between them holds none of its text)
                open_para.breaks.extend([len(open_para.parts)] * (first.page - open_para.page_end))
                open_para.breaks.extend(len(open_para.parts) + i for i in first.breaks)
                open_para.parts.extend(first.parts)
                open_para.page_end = first.page_end
                open_para.full_end = first.full_end
                blocks = blocks[:lead] + blocks[lead + 1:]
        if blocks or open_para is None:
            if open_para is not None:
                out.append(open_para)
            out.extend(pending_notes)
            pending_notes = []
            out.extend(blocks[:-1])
            open_para = blocks[-1] if blocks and blocks[-1].kind in (PARAGRAPH, LIST_ITEM) \
                and blocks[-1].region in ("", BOX) else None
            if blocks and open_para is None:
                out.append(blocks[-1])
        pending_notes.extend(notes)
    if open_para is not None:
        out.append(open_para)
    out.extend(pending_notes)
    return out


def _words(drafts) -> int:
    return sum(len(part.split()) for d in drafts for part in d.parts)


def _front_and_contents(per_page: list, n_pages: int, page_labels: list[str] | None = None) -> None:
    """Covers, title and imprint pages become one ``front_matter`` block each,
    and a contents page one ``contents`` block whose entries name the page
    each points to (in place).

    Front matter is every page before the first page of body text (a
    paragraph of 40 words or more that is not an imprint notice), within the
    first six pages, and a short last or next-to-last page (a back cover).
    A contents entry's page is found by the heading of the same words, else
    through the page numbers printed on the pages, else taken as printed."""
    pages = [entry[0] + entry[1] for entry in per_page]
    if page_labels:  # the printed labels the document's pages were given (scrutiny.pages.decide)
        printed = {i + 1: v.lower() for i, v in enumerate(page_labels) if not v.startswith("[")}
    else:
        printed = {i + 1: entry[2] for i, entry in enumerate(per_page) if len(entry) > 2 and entry[2]}
    contents = set()
    for i, drafts in enumerate(pages):
        heading = next((d.text() for d in drafts if d.kind == HEADING), None)
        parts = [part for d in drafts for part in d.parts]
        if parts and pdf_layout.is_contents(parts, heading) and pdf_layout.contents_entries(parts):
            contents.add(i)
    body = next((i for i, drafts in enumerate(pages) if i not in contents and sum(
        len(d.text().split()) for d in drafts
        if d.kind in (PARAGRAPH, LIST_ITEM, TABLE) and not pdf_layout.IMPRINT.search(d.text())) >= 40), None)
    if body is None:  # no page of body text: nothing to tell the front matter by
        return
    front = {i for i in range(min(body, 6)) if i not in contents and pages[i]}
    for i in range(max(body + 1, len(pages) - 2), len(pages)):
        words = _words(pages[i])
        if pages[i] and ((words <= 40 and not _has_sentence(pages[i]))
                         or (words <= 150 and any(pdf_layout.IMPRINT.search(p) for d in pages[i] for p in d.parts))):
            front.add(i)
    for i in sorted(front):
        drafts = pages[i]
        parts = [part for d in drafts for part in d.parts]
        per_page[i] = ([_Draft(FRONT_MATTER, parts, i + 1, i + 1, layout=_ocr_of(drafts))], [], *per_page[i][2:])
    headings = [(d.page, pdf_layout.normalise_entry(d.text())) for drafts in pages for d in drafts
                if d.kind == HEADING]
    offsets = [n - int(v) for n, v in printed.items() if v.isdigit()]
    offset = sorted(offsets)[len(offsets) // 2] if offsets else None
    for i in sorted(contents):
        parts = [part for d in pages[i] for part in d.parts]
        entries = pdf_layout.contents_entries(parts)
        after = i + 2
        for e in entries:
            e["target"] = _entry_target(e, after, headings, printed, offset, n_pages)
            after = e["target"] or after
        title = next((d.text() for d in pages[i] if d.kind == HEADING
                      and pdf_layout.CONTENTS_TITLE.match(d.text())), "Contents")
        text = " / ".join([title] + [f"{e['text']} {e['page']}" for e in entries])
        per_page[i] = ([_Draft(CONTENTS, [text], i + 1, i + 1, layout={"entries": entries} | _ocr_of(pages[i]))], [],
                       *per_page[i][2:])


_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)]?\s*$")


def _has_sentence(drafts) -> bool:
    """A paragraph of eight words or more ending as a sentence ends: the end
    of the text on a short last page, not a back cover (ISBN, print codes)."""
    return any(d.kind in (PARAGRAPH, LIST_ITEM) and len(d.text().split()) >= 8 and _SENTENCE_END.search(d.text())
               for d in drafts)


def _ocr_of(drafts) -> dict:
    """{"ocr": {"confidence"}} for a block made of drafts read by OCR (their mean), else {}."""
    confs = [d.layout["ocr"]["confidence"] for d in drafts if "ocr" in d.layout]
    return {"ocr": {"confidence": round(sum(confs) / len(confs), 1)}} if confs else {}


def _entry_target(entry: dict, after: int, headings, printed: dict, offset, n_pages: int) -> int | None:
    """The page a contents entry points to: where the page numbers printed
    on the pages put it, else its number plus the usual difference between
    printed and actual page numbers; a heading of the same words on that page
    or the next ones (entries come in order, from ``after`` on) corrects it."""
    label = entry["page"].lower()
    guess = next((n for n, v in sorted(printed.items()) if v == label and n >= after), None)
    if guess is None and label.isdigit():
        n = int(label) + (offset or 0)
        guess = n if after <= n <= n_pages else None
    want = pdf_layout.normalise_entry(entry["text"])
    lo = guess - 1 if guess else after
    for page, text in headings:
        if page >= max(lo, after) and (guess is None or page <= guess + 2) and want \
                and (text == want or (len(want) >= 12 and text.startswith(want))):
            return page
    return guess


_NUMERAL = re.compile(r"(?:\d{1,2}|[IVX]{1,5}|(?:chapter|part|section)\s+(?:\d{1,2}|[ivx]{1,5}|one|two|three|four|five|six|seven|eight|nine|ten))\.?",
                      re.IGNORECASE)


def _chapter_numerals(drafts: list[_Draft]) -> list[_Draft]:
    """A chapter or section number standing alone ("1", "IV", "Chapter 6")
    set before a heading is part of that heading, not a passage of its own."""
    out: list[_Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        if prev is not None and d.kind == HEADING and prev.kind in (HEADING, PARAGRAPH) and not prev.region \
                and len(prev.parts) == 1 and _NUMERAL.fullmatch(prev.parts[0].strip()) and prev.page == d.page:
            d.parts = [prev.parts[0].strip()] + d.parts
            out[-1] = d
            continue
        out.append(d)
    return out


def _meaningful(value: str | None, path: Path) -> str | None:
    if not value:
        return None
    value = clean(value)
    low = value.lower()
    if not value or len(value) < 3 or low in ("untitled", "title", "document", "unknown", "author", "user"):
        return None
    if low.startswith("microsoft word") or re.search(r"\.(docx?|pdf|rtf|odt|indd|qxd)$", low) or low == path.stem.lower():
        return None
    return value


def read(path, ocr: bool = False) -> ReadDocument:
    """Read a PDF; with ``ocr``, pages that are only a picture (no text layer)
    are read by Tesseract (see :mod:`scrutiny.readers.ocr`)."""
    from scrutiny.readers import ocr as ocr_module

    path = Path(path)
    if ocr and not ocr_module.available():
        ocr = False
        how = ocr_module.INSTALL
    else:
        how = ocr_module.INSTALL if not ocr_module.available() else "run `scrutiny ingest --ocr`"
    per_page, stats, n_pages, meta = _read_pages(path, ocr)
    if not n_pages:
        raise ReaderError(path, "the PDF has no pages")
    if not stats.text_pages:
        raise ReaderError(path, NO_TEXT_LAYER.format(how=how))
    warnings = [f"page {n} has no text layer (a scanned image?); its text is missing until it is "
                f"OCRed ({how})" for n in sorted(stats.image_pages)]
    from scrutiny.pages import decide

    printed = {i + 1: entry[2] for i, entry in enumerate(per_page) if entry[2]}
    page_labels = decide(n_pages, meta.pop("page_labels", None), printed)
    _front_and_contents(per_page, n_pages, page_labels)
    drafts = _chapter_numerals(_join_pages(per_page))
    texts = [d.text(marks=True) for d in drafts]
    dehyphen = Dehyphenator(texts)
    # heading levels: bigger first, bold before regular at the same size; numbered
    # headings found by their shape alone come below all of those
    styles = sorted({d.style for d in drafts if d.kind == HEADING and d.style}, key=lambda s: (-s[0], not s[1]))
    level_of = {s: min(i + 1, 6) for i, s in enumerate(styles)}
    deepest = min(len(styles) + 1, 6)
    blocks = []
    for d, text in zip(drafts, texts):
        text, breaks, calls = take_marks(dehyphen.resolve(text))
        if not text.strip():
            continue
        level = level_of.get(d.style, deepest) if d.kind == HEADING else 0
        blocks.append(Block(d.kind, text, d.page, d.page_end, level, breaks, calls, d.layout))
    metadata: dict = {}
    title = _meaningful(meta.get("Title"), path)
    if title:
        metadata["title"] = title
    author = _meaningful(meta.get("Author"), path)
    if author:
        metadata["authors"] = [author]
    if meta.get("CreationDate"):
        m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", meta["CreationDate"])
        if m:
            metadata["date"] = "-".join(g for g in m.groups() if g)
    return ReadDocument(blocks=blocks, pages=n_pages, metadata=metadata, warnings=warnings,
                        page_labels=page_labels)
