"""What every reader returns: pages of typed text blocks, plus metadata.

A reader turns one file into a :class:`ReadDocument`. It never writes anything,
and it reports a broken file by raising :class:`scrutiny.errors.ReaderError`
with a reason a campaigner can act on ("encrypted PDF: remove the password").
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Block kinds. Passages keep the same vocabulary.
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
FOOTNOTE = "footnote"
TABLE = "table"                # rows and cells in ``Block.layout["rows"]``
FIGURE = "figure"              # the text of a chart or diagram, with its caption
CONTENTS = "contents"          # a contents page: entries in ``Block.layout["entries"]``
FRONT_MATTER = "front_matter"  # covers, title and imprint pages
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, FOOTNOTE, TABLE, FIGURE, CONTENTS, FRONT_MATTER)


@dataclass
class Block:
    kind: str                 # one of BLOCK_KINDS
    text: str                 # normalised text (NFKC, no soft hyphens, joined lines)
    page: int = 1             # 1-based page the block starts on
    page_end: int | None = None  # page it ends on (None = same page)
    level: int = 0            # heading level (1 = top); 0 for non-headings
    # Offsets into ``text`` where a new page begins, for a block that runs on
    # overleaf: the text from page_breaks[i] on stands on page ``page + i + 1``.
    # Readers of paged formats (PDF) fill it so that a sentence can be given
    # its own page; len(page_breaks) == page_end - page.
    page_breaks: list[int] = field(default_factory=list)
    # Note calls taken out of ``text``: (offset in text, the mark as printed, "6").
    # The text a quotation uses has no call numbers in it; the mark stays here.
    calls: list[tuple[int, str]] = field(default_factory=list)
    # What the kind needs besides the text (JSON-serialisable): a table's
    # "rows" (lists of cell texts), "caption" and "label" ("Table 3"); a
    # contents page's "entries" ({"text", "page": the number printed}); a
    # footnote's "mark"; "ocr": {"confidence": mean word confidence, 0-100}
    # for text read from a page image.
    layout: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.page_end is None:
            self.page_end = self.page + len(self.page_breaks)


@dataclass
class ReadDocument:
    blocks: list[Block]
    pages: int                                  # number of pages (1 for flowing formats)
    metadata: dict = field(default_factory=dict)  # title, authors, date, language...
    warnings: list[str] = field(default_factory=list)
    # The printed label of each physical page ("iv", "12"), for paged formats
    # whose printed numbers differ from the physical ones (see scrutiny.pages)
    page_labels: list[str] | None = None

    @property
    def title(self) -> str | None:
        return self.metadata.get("title")
