"""What a document page needs to show a passage as the page showed it: a
table's rows, a chart folded away, a contents page whose entries link to the
pages they name, note calls that link to their notes and notes that link
back (from the passage's ``layout``, see scrutiny.passages.Passage)."""

from __future__ import annotations

from scrutiny.passages import Passage


def call_anchor(pid: str, i: int) -> str:
    """The id of the ``i``-th note call of passage ``pid`` on the document page."""
    return f"call-{pid}-{i}"


def _here(fragment: str) -> str:
    return f"#{fragment}"


def with_calls(segs: list[dict], passage: Passage, shown: set, link=_here) -> list[dict]:
    """``segs`` (site.tags.segments of the passage text) with each note call
    put in where it stands: a segment {"call": {"mark", "href", "id"}}. A call
    whose note is not shown keeps its mark, without a link. ``link(fragment)``
    makes the address of an anchor (in the part of a long document it is on)."""
    calls = passage.calls
    if not calls:
        return segs
    out: list[dict] = []
    todo = sorted(((c["at"], i, c) for i, c in enumerate(calls)), key=lambda t: (t[0], t[1]))
    pos = 0
    k = 0
    for seg in segs:
        text, start = seg["text"], pos
        end = start + len(text)
        while k < len(todo) and todo[k][0] <= end:
            at, i, c = todo[k]
            cut = max(0, at - start)
            if cut:
                out.append(dict(seg, text=text[:cut]))
            text, start = text[cut:], at
            note = c.get("note")
            out.append({"text": "", "kinds": (), "stakeholder": None, "title": "",
                        "call": {"mark": c["mark"], "id": call_anchor(passage.id, i),
                                 "href": link(f"p-{note}") if note and note in shown else None}})
            k += 1
        if text:
            out.append(dict(seg, text=text))
        pos = end
    for at, i, c in todo[k:]:  # past the end of the text (never, but never lose a call)
        out.append({"text": "", "kinds": (), "stakeholder": None, "title": "",
                    "call": {"mark": c["mark"], "id": call_anchor(passage.id, i), "href": None}})
    return out


def note_backlinks(passages: list[Passage], link=_here) -> dict[str, list[dict]]:
    """Note passage id -> the calls of ``passages`` (those shown) that call it,
    in reading order: [{"href", "mark"}]."""
    out: dict[str, list[dict]] = {}
    for p in passages:
        for i, c in enumerate(p.calls):
            if c.get("note"):
                out.setdefault(c["note"], []).append({"href": link(call_anchor(p.id, i)), "mark": c["mark"]})
    return out


def contents_links(entries: list[dict], marker_pages: list[int], link=_here) -> list[dict]:
    """A contents page's entries with the page marker each links to: the one
    of the page it names (a physical page), or of the next page that has
    text when that one has none; no link when the entry names no page."""
    ordered = sorted(marker_pages)
    out = []
    for e in entries:
        target = e.get("target")
        page = next((n for n in ordered if target and n >= target), None)
        out.append({"text": e["text"], "page": e["page"], "href": link(f"page-{page}") if page else None})
    return out


def table_rows(passage: Passage) -> tuple[list[str] | None, list[list[str]]] | None:
    """(header row or None, body rows) of a table passage that kept its cells,
    else None. The first row is a header when its cells are all short (a few
    words each): the first row of a table that goes on from the page before
    is a row of data ("1998 | Multi-channel campaign ...")."""
    rows = passage.layout.get("rows")
    if not rows or len(rows) < 2:
        return None
    width = max(len(r) for r in rows)
    rows = [list(r) + [""] * (width - len(r)) for r in rows]
    if all(len(cell.split()) <= 6 for cell in rows[0]):
        return rows[0], rows[1:]
    return None, rows


def figure_text(passage: Passage) -> str:
    """A figure's text without its caption (the caption is the summary)."""
    text = passage.text
    caption = passage.layout.get("caption")
    if caption and text.startswith(caption):
        text = text[len(caption):].lstrip(" /")
    return text
