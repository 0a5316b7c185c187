"""Long documents in parts: a page of a few hundred kilobytes is slow on a phone.

A paginated document whose text runs over :data:`PART_CHARS` characters is
split at page breaks into parts of about that size: ``doc/<id>/index.html``
(the first, with the document's details), then ``part-2.html``,
``part-3.html``... Every passage keeps its anchor ``#p-<id>`` in the part it
is on; links made by the site (permalinks ``p/<id>/``, search results,
cross-references, contents entries) name that part. A link made before the
split, or before a revision moved a passage to another part, still lands: each
part forwards a ``#p-<id>`` or ``#page-<n>`` it does not hold to the part that
does (``parts.js``, loaded only then, by ``document.js``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PART_CHARS = 30_000   # characters of passage text per part at most: about 120 KB of HTML


@dataclass
class Part:
    number: int                 # 1, 2, ...
    file: str                   # "index.html", "part-2.html"...
    first_page: int             # physical pages
    last_page: int
    ids: list[str] = field(default_factory=list)


def part_file(number: int) -> str:
    return "index.html" if number == 1 else f"part-{number}.html"


def split(refs, paginated: bool, limit: int | None = None) -> list[Part]:
    """The parts of one document, from its passages (anything with ``id``,
    ``page``, ``page_end`` and ``chars``) in reading order. A document without
    pages, or shorter than ``limit``, is one part."""
    limit = PART_CHARS if limit is None else limit
    refs = list(refs)
    if not refs:
        return [Part(1, part_file(1), 1, 1)]
    if not paginated or sum(r.chars for r in refs) <= limit:
        return [Part(1, part_file(1), refs[0].page, max(r.page_end for r in refs), [r.id for r in refs])]
    # pages in reading order, each with its passages (a passage belongs to the page it starts on)
    pages: list[list] = []
    for r in refs:
        if not pages or r.page != pages[-1][0].page:
            pages.append([])
        pages[-1].append(r)
    # as many parts as the limit needs, of about the same size: a page goes to the
    # next part when its middle would fall past this part's share
    total = sum(r.chars for r in refs)
    target = total / -(-total // limit)
    parts: list[Part] = []
    size = 0
    for group in pages:
        chars = sum(r.chars for r in group)
        if not parts or (size > 0 and size + chars / 2 > target):
            parts.append(Part(len(parts) + 1, part_file(len(parts) + 1), group[0].page, group[0].page))
            size = 0
        part = parts[-1]
        part.ids.extend(r.id for r in group)
        part.last_page = max(part.last_page, max(r.page_end for r in group))
        size += chars
    return parts
