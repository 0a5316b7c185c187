"""Plain-text reader: encoding detected, paragraphs split sensibly.

Encoding: a byte-order mark decides (UTF-8, UTF-16, UTF-32; the mark is
removed); else the bytes are UTF-8 if they decode as UTF-8; else
charset-normalizer detects the code page (Western text that it finds to be
one of the Latin-1 family is read as cp1252, which agrees with Latin-1 on
every printable character and adds curly quotes and dashes).

Paragraphs: blank lines separate paragraphs and the lines inside one are
joined. Text scraped from the web often comes as very long lines that hold
several paragraphs; there, a run of two or more spaces after a sentence end
is a paragraph break, and a heading glued to its paragraph without a space
("...frameworkOne striking...") is split off as a heading. Paragraphs longer
than :data:`MAX_CHARS` are cut at sentence ends into passages of reasonable
size. A short first line without closing punctuation is the title.
"""

from __future__ import annotations

import re
from pathlib import Path

from scrutiny.errors import ReaderError
from scrutiny.readers._clean import clean
from scrutiny.readers.base import HEADING, LIST_ITEM, PARAGRAPH, Block, ReadDocument

EXTENSIONS = (".txt", ".text")
MAX_CHARS = 1500      # longer paragraphs are cut at sentence ends
LONG_LINE = 2000      # a line this long holds several paragraphs

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_LATIN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp850", "mac_roman", "iso8859_9", "cp1254"}
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"\u201d\u2019')\]]?)\s+(?=[\"\u201c\u2018(\[]?[A-Z0-9])")
_SPACED_BREAK = re.compile(r"(?<=[.!?\"\u201d\u2019)])\s{2,}(?=\S)|\s+\.(?=[A-Z])")
_GLUED_HEADING = re.compile(r"^([A-Z][^.!]{3,110}?(?:[a-z)]{3}|\?))[\"\u201c]?(?=[A-Z\"\u201c][a-z ])")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d{1,3}[.)])\s+")
_TITLEISH = re.compile(r"^[^.!;:,]{1,150}[?]?$")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes; never assumes UTF-8 blindly."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return data.decode("cp1252", errors="replace"), "cp1252"
    encoding = best.encoding
    if encoding in _LATIN or any(r.encoding in ("cp1252", "latin_1") for r in results if r.chaos <= best.chaos + 0.05):
        # the Latin-1 family: cp1252 unless it holds bytes cp1252 leaves undefined
        if any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")):
            return data.decode("latin-1"), "latin-1"
        return data.decode("cp1252"), "cp1252"
    return str(best), encoding


def split_sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group(1))
        out.append(text[start:end])
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def cap_size(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut a long paragraph at sentence ends into pieces of at most ``limit``
    characters (a single longer sentence stays whole)."""
    if len(text) <= limit:
        return [text]
    pieces, cur = [], ""
    for sentence in split_sentences(text):
        if cur and len(cur) + 1 + len(sentence) > limit:
            pieces.append(cur)
            cur = sentence
        else:
            cur = f"{cur} {sentence}" if cur else sentence
    if cur:
        pieces.append(cur)
    return pieces


def _paragraph_groups(text: str) -> list[str]:
    """Paragraphs: blank-line separated; very long lines split at spaced breaks."""
    groups = []
    for chunk in re.split(r"\n[ \t]*\n+", text):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if any(len(ln) > LONG_LINE for ln in lines):
            for ln in lines:
                groups.extend(p for p in _SPACED_BREAK.split(ln) if p.strip())
        elif len(lines) > 1 and all(_BULLET.match(ln) for ln in lines):
            groups.extend(lines)
        else:
            groups.append(" ".join(ln.strip() for ln in lines))
    return groups


def read(path) -> ReadDocument:
    path = Path(path)
    text, encoding = decode(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReaderError(path, "the text file holds only white space")
    first_line = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    blocks: list[Block] = []
    title = None
    for i, group in enumerate(_paragraph_groups(text)):
        group = clean(group)
        if not group:
            continue
        if i == 0 and group == clean(first_line) and len(group) <= 150 and _TITLEISH.match(group):
            title = group
            blocks.append(Block(HEADING, group, level=1))
            continue
        m = _GLUED_HEADING.match(group)
        if m and len(m.group(1).split()) >= 2 and len(group) > len(m.group(0)) + 40:
            blocks.append(Block(HEADING, clean(m.group(1)), level=2))
            group = clean(group[len(m.group(1)):])
        bullet = _BULLET.match(group)
        if bullet:
            blocks.append(Block(LIST_ITEM, group[bullet.end():].strip()))
            continue
        if len(group) <= 80 and not re.search(r"[.,;:!]$", group) and group[:1].isupper() and blocks:
            blocks.append(Block(HEADING, group, level=2))
            continue
        blocks.extend(Block(PARAGRAPH, piece) for piece in cap_size(group))
    metadata: dict = {"encoding": encoding}
    if title:
        metadata["title"] = title
    return ReadDocument(blocks=blocks, pages=1, metadata=metadata)
