"""Markdown reader (markdown-it-py, CommonMark plus tables).

* YAML front matter (between ``---`` lines at the top) becomes metadata and is
  never text; it is parsed with ruamel.yaml's safe loader within the bounds
  of :mod:`scrutiny.safeyaml` (size, depth, alias expansion), and broken or
  refused YAML is an error naming the line.
* Headings, paragraphs, list items and tables become blocks; block quotes and
  code blocks become paragraphs. Inline formatting is reduced to plain text
  (a link keeps its text, an image its alt text).
* The critique essays' cross-reference markup ``[[type:id]]`` and
  ``[[type:id|label]]`` (type: claim, stakeholder, doc, passage) is shown as
  its label, or without one as the id with hyphens turned to spaces. The
  references themselves are listed in ``metadata["xrefs"]`` (type, id, label)
  in reading order.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from scrutiny.errors import ReaderError
from scrutiny.readers._clean import clean
from scrutiny.readers.base import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, ReadDocument

from scrutiny.refs import REF_RE, REF_TYPES, plain_label

EXTENSIONS = (".md", ".markdown")
_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


def split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    """(metadata, body, number of lines the front matter took)."""
    m = _FRONT.match(text)
    if not m:
        return {}, text, 0
    from ruamel.yaml.error import YAMLError

    from scrutiny import safeyaml

    try:
        data = safeyaml.load(m.group(1), max_bytes=safeyaml.FRONT_MATTER_BYTES) or {}
    except safeyaml.InputLimitError as exc:
        line = exc.line + 1 if exc.line else 2  # +1 for the opening ---
        raise ReaderError(path, f"line {line}: front matter refused: {exc.reason}") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1  # +1 for the opening ---, +1 for 1-based
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ReaderError(path, f"line {line}: the front matter is not valid YAML ({problem}); "
                                "fix it or remove the --- block") from None
    if not isinstance(data, dict):
        raise ReaderError(path, "line 2: the front matter must be a YAML mapping (key: value lines)")
    return _plain(data), text[m.end():], m.group(0).count("\n")


def _plain(value):
    """YAML values as plain JSON-friendly Python (dates as ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        t = child.type
        if t in ("text", "code_inline"):
            parts.append(child.content)
        elif t in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif t == "image":
            parts.append(child.content or "")
    return "".join(parts)


def read(path) -> ReadDocument:
    from markdown_it import MarkdownIt

    path = Path(path)
    from scrutiny.readers.text import decode

    source, encoding = decode(path.read_bytes())
    metadata, body, _ = split_front_matter(source, path)
    xrefs = []

    def replace(m: re.Match) -> str:
        kind, ident = m.group(1).lower(), m.group(2).strip()
        if kind not in REF_TYPES:
            return m.group(0)  # not ours: `scrutiny kb check` reports it
        label = " ".join((m.group(3) or "").split()) or None
        xrefs.append({"type": kind, "id": ident, "label": label})
        # escape characters that would otherwise start markup inside the label
        return re.sub(r"([\\`*_\[\]|<>])", r"\\\1", plain_label(kind, ident, label))

    body = REF_RE.sub(replace, body)
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = md.parse(body)
    blocks: list[Block] = []
    stack: list[str] = []   # enclosing containers: "list", "quote"
    in_table = False
    row: list[str] = []
    rows: list[str] = []
    heading_level = 0
    for tok in tokens:
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            stack.append("list")
        elif t == "blockquote_open":
            stack.append("quote")
        elif t in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            if stack:
                stack.pop()
        elif t == "heading_open":
            heading_level = int(tok.tag[1:])
        elif t == "heading_close":
            heading_level = 0
        elif t == "table_open":
            in_table, rows = True, []
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            cells = [c for c in row if c]
            if cells:
                rows.append(" | ".join(cells))
        elif t == "table_close":
            in_table = False
            if rows:
                blocks.append(Block(TABLE, " / ".join(rows)))
        elif t == "inline":
            text = clean(_inline_text(tok))
            if in_table:
                row.append(text)
            elif not text:
                continue
            elif heading_level:
                blocks.append(Block(HEADING, text, level=heading_level))
            elif stack and stack[-1] == "list":
                blocks.append(Block(LIST_ITEM, text))
            else:
                blocks.append(Block(PARAGRAPH, text))
        elif t in ("fence", "code_block"):
            text = clean(tok.content)
            if text:
                blocks.append(Block(PARAGRAPH, text))
    meta = dict(metadata)
    meta["encoding"] = encoding
    if xrefs:
        meta["xrefs"] = xrefs
    title = metadata.get("title")
    if isinstance(title, str) and clean(title):
        meta["title"] = clean(title)
    else:
        meta.pop("title", None)
        first_h1 = next((b.text for b in blocks if b.kind == HEADING and b.level == 1), None)
        if first_h1:
            meta["title"] = first_h1
    if isinstance(metadata.get("author"), str) and "authors" not in meta:
        meta["authors"] = [metadata["author"]]
    return ReadDocument(blocks=blocks, pages=1, metadata=meta)

