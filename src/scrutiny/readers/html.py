"""HTML reader (trafilatura): the main text of a web page, as blocks.

trafilatura finds the main content and leaves out navigation, cookie banners,
asides, footers, scripts and styles. We ask it for its XML output, which
keeps the structure, and map ``<head>`` to headings (level from ``rend="hN"``),
``<p>`` and ``<quote>`` to paragraphs, ``<item>`` to list items and
``<table>`` to table blocks (cells joined with " | ", rows with " / ").

The page's encoding is taken from a byte-order mark, else the ``charset``
declared in the page, else UTF-8 if the bytes are valid UTF-8, else what
charset-normalizer detects. The title comes from og:title or ``<title>``.
A page over :data:`MAX_BYTES` is refused before it is parsed.
"""

from __future__ import annotations

import re
from pathlib import Path

from scrutiny.errors import ReaderError
from scrutiny.readers._clean import clean
from scrutiny.readers.base import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, ReadDocument

EXTENSIONS = (".html", ".htm", ".xhtml")
MAX_TABLE_CHARS = 1500  # longer tables are cut into several blocks at row boundaries
# Larger pages are refused: trafilatura's trees take about 20 times a page's
# size (a 50 MB page took 1.1 GB and 96 s); a long government page is ~3 MB.
MAX_BYTES = 16 * 1024 * 1024

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# labels browsers read as Windows-1252 (WHATWG Encoding Standard)
_WHATWG = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
           "ascii": "cp1252", "iso8859-1": "cp1252", "windows-1252": "cp1252"}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_OG_TITLE = re.compile(r"""<meta[^>]+property\s*=\s*["']og:title["'][^>]*>""", re.IGNORECASE)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of an HTML file's bytes."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    m = _CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        enc = _WHATWG.get(enc, enc)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    from scrutiny.readers.text import decode as decode_text

    return decode_text(data)


def _page_title(html: str) -> str | None:
    m = _OG_TITLE.search(html)
    if m:
        c = _CONTENT.search(m.group(0))
        if c and c.group(1).strip():
            import html as htmllib

            return clean(htmllib.unescape(c.group(1)))
    m = _TITLE.search(html)
    if m:
        import html as htmllib

        title = clean(htmllib.unescape(re.sub(r"<[^>]+>", " ", m.group(1))))
        return title or None
    return None


def _text(el) -> str:
    return clean(" ".join(el.itertext()))


def _blocks_from_xml(xml: str) -> tuple[list[Block], dict]:
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True, huge_tree=True))
    meta = {k: v for k, v in root.attrib.items() if k in ("title", "author", "date", "sitename", "url") and v}
    main = root.find("main")
    blocks: list[Block] = []

    def walk(el):
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "head":
                m = re.match(r"h(\d)", child.get("rend", "") or "")
                blocks.append(Block(HEADING, _text(child), level=int(m.group(1)) if m else 2))
            elif tag in ("p", "quote", "code"):
                text = _text(child)
                if text:
                    blocks.append(Block(PARAGRAPH, text))
            elif tag == "list":
                for item in child.iter("item"):
                    own = clean(" ".join(t for t in item.xpath("text()|*[not(self::list)]//text()")))
                    if own:
                        blocks.append(Block(LIST_ITEM, own))
            elif tag == "table":
                rows = [" | ".join(_text(c) for c in row.iter("cell") if _text(c)) for row in child.iter("row")]
                chunk: list[str] = []
                for row in (r for r in rows if r):
                    if chunk and len(" / ".join(chunk + [row])) > MAX_TABLE_CHARS:
                        blocks.append(Block(TABLE, " / ".join(chunk)))
                        chunk = []
                    chunk.append(row)
                if chunk:
                    blocks.append(Block(TABLE, " / ".join(chunk)))
            elif tag in ("div", "main", "body", "section"):
                walk(child)
            else:
                text = _text(child)
                if text:
                    blocks.append(Block(PARAGRAPH, text))

    if main is not None:
        walk(main)
    return blocks, meta


def read(path) -> ReadDocument:
    import trafilatura

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReaderError(path, f"refused: the page is {size / 1048576:.1f} MiB, over the "
                                f"{MAX_BYTES // 1048576} MiB cap for HTML (finding the main text of a page "
                                "takes about twenty times its size in memory); save it as PDF or split it")
    data = path.read_bytes()
    html, encoding = decode(data)
    if not html.strip():
        raise ReaderError(path, "the HTML file holds only white space")
    options = dict(output_format="xml", include_formatting=True, include_tables=True, include_comments=False,
                   include_images=False, include_links=False, with_metadata=True, deduplicate=False)
    xml = trafilatura.extract(html, **options)
    if not xml:  # short pages: ask for recall rather than precision
        xml = trafilatura.extract(html, favor_recall=True, **options)
    warnings: list[str] = []
    if xml:
        blocks, meta = _blocks_from_xml(xml)
    else:
        blocks, meta = [], {}
    if not blocks:
        _, text, _ = trafilatura.baseline(html)
        blocks = [Block(PARAGRAPH, clean(p)) for p in re.split(r"\n\s*\n|\n", text or "") if clean(p)]
        if blocks:
            warnings.append("no main content found; the page's whole text was taken instead")
    if not blocks:
        raise ReaderError(path, "no main text found in the HTML page (a login page, or a page built by "
                                "JavaScript? save the page from a browser and ingest that)")
    metadata: dict = {"encoding": encoding}
    title = _page_title(html) or meta.get("title")
    if title:
        metadata["title"] = title
    if meta.get("author"):
        metadata["authors"] = [a.strip() for a in re.split(r";|\band\b", meta["author"]) if a.strip()]
    if meta.get("date"):
        metadata["date"] = meta["date"]
    if meta.get("sitename"):
        metadata["publisher"] = meta["sitename"]
    return ReadDocument(blocks=blocks, pages=1, metadata=metadata, warnings=warnings)
