"""DOCX reader (python-docx): paragraphs and tables in document order.

Headings come from paragraph styles ("Title", "Heading 1".."Heading 9"; when
the document has a Title, Heading N becomes level N+1 below it), list
paragraphs (a "List ..." style or Word numbering) become list items, and each
table becomes table blocks (cells joined with " | ", rows with " / ", cut at
row boundaries past 1,500 characters). Title, author and date come from the
document's core properties. A DOCX whose parts would expand past
:data:`MAX_XML_BYTES` of XML or :data:`MAX_UNZIPPED_BYTES` in all (a zip
bomb) is refused before anything is inflated.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

from scrutiny.errors import ReaderError
from scrutiny.readers._clean import clean
from scrutiny.readers.base import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, ReadDocument

EXTENSIONS = (".docx",)
MAX_TABLE_CHARS = 1500
# What a DOCX may expand to when unzipped (its XML parts are parsed into trees
# several times their size; a 1,000-page report's document.xml is ~30 MiB).
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
# python-docx's blank template carries this creation time: not the document's date
_TEMPLATE_STAMP = datetime.datetime(2013, 12, 23, 23, 15)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(path: Path):
    import docx

    head = path.open("rb").read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReaderError(path, "not a valid DOCX (damaged zip): this is an old binary Word .doc file; "
                                "save it as .docx (or PDF) and ingest that")
    if not zipfile.is_zipfile(path):
        raise ReaderError(path, "not a valid DOCX (damaged zip): the file is not a zip archive; "
                                "it may be truncated, so download it again")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_expansion(path, zf.infolist())
            bad = zf.testzip()
            if bad:
                raise ReaderError(path, f"not a valid DOCX (damaged zip): the member {bad} is corrupt; "
                                        "download the file again")
        return docx.Document(str(path))
    except ReaderError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise ReaderError(path, f"not a valid DOCX (damaged zip): {exc}; download the file again") from None
    except Exception as exc:  # python-docx on a zip that is not a Word document
        raise ReaderError(path, f"not a valid DOCX (damaged zip): {type(exc).__name__}: {exc}") from None


def _check_expansion(path: Path, members) -> None:
    """Refuse a zip bomb before anything inflates it: the sizes the archive
    declares bound what zipfile will ever inflate (it stops a member at its
    declared size and checks its CRC), so they are checked up front. The XML
    parts become lxml trees several times their size; media are only copied."""
    xml = sum(m.file_size for m in members if m.filename.lower().endswith((".xml", ".rels")))
    total = sum(m.file_size for m in members)
    if xml > MAX_XML_BYTES or total > MAX_UNZIPPED_BYTES:
        biggest = max(members, key=lambda m: m.file_size)
        cap = MAX_XML_BYTES if xml > MAX_XML_BYTES else MAX_UNZIPPED_BYTES
        what = "its XML parts expand" if xml > MAX_XML_BYTES else "it expands"
        raise ReaderError(path, f"refused: {what} to {_mib(xml if cap == MAX_XML_BYTES else total)} when "
                                f"unzipped ({biggest.filename} alone: {_mib(biggest.file_size)}), over the "
                                f"{_mib(cap)} cap for a DOCX (a zip bomb?); a genuine document this large "
                                "can be split or saved as PDF")


def _mib(n: int) -> str:
    return f"{n / 1048576:,.0f} MiB" if n >= 1048576 else f"{n / 1024:,.0f} KiB"


def _is_list(paragraph) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower().startswith("list"):
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find(f"{_W}numPr") is not None


def _table_blocks(table) -> list[Block]:
    rows = []
    for row in table.rows:
        seen, cells = set(), []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue  # merged cells repeat
            seen.add(id(cell._tc))
            text = clean(cell.text)
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    blocks, chunk = [], []
    for row in rows:
        if chunk and len(" / ".join(chunk + [row])) > MAX_TABLE_CHARS:
            blocks.append(Block(TABLE, " / ".join(chunk)))
            chunk = []
        chunk.append(row)
    if chunk:
        blocks.append(Block(TABLE, " / ".join(chunk)))
    return blocks


def read(path) -> ReadDocument:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    path = Path(path)
    document = _open(path)
    body = document.element.body
    items = []
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            items.append(Paragraph(child, document))
        elif child.tag == f"{_W}tbl":
            items.append(Table(child, document))
    has_title = any(isinstance(i, Paragraph) and i.style is not None and (i.style.name or "").lower() == "title"
                    for i in items)
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Table):
            blocks.extend(_table_blocks(item))
            continue
        text = clean(item.text)
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        m = _HEADING_STYLE.match(style.strip())
        if style.lower() == "title":
            blocks.append(Block(HEADING, text, level=1))
        elif m:
            blocks.append(Block(HEADING, text, level=int(m.group(1)) + (1 if has_title else 0)))
        elif _is_list(item):
            blocks.append(Block(LIST_ITEM, text))
        else:
            blocks.append(Block(PARAGRAPH, text))
    props = document.core_properties
    metadata: dict = {}
    if props.title and clean(props.title):
        metadata["title"] = clean(props.title)
    elif blocks and blocks[0].kind == HEADING:
        metadata["title"] = blocks[0].text
    if props.author and clean(props.author):
        metadata["authors"] = [clean(props.author)]
    date = props.created or props.modified
    if date is not None and date.replace(tzinfo=None) != _TEMPLATE_STAMP:
        metadata["date"] = date.date().isoformat()
    if props.subject and clean(props.subject):
        metadata["subject"] = clean(props.subject)
    return ReadDocument(blocks=blocks, pages=1, metadata=metadata)
