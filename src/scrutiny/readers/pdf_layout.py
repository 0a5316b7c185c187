"""What a PDF page shows besides running text: boxes, tables, charts, contents
pages and covers (used by :mod:`scrutiny.readers.pdf`).

Regions come from the page's vector graphics, read with pdfium in one pass
over the page objects: rectangles and rules that touch are merged into one
shape, and a shape that encloses text lines is a region:

- a **table** when a rule inside it has text on both sides (ruled cells), or
  when three or more rows of text stand in the same columns with short cells
  (an unruled table): its rows and cells are read with pdfplumber's table
  finder, on that page only (pdfminer parses a page in tens of milliseconds,
  which text-only pages never pay);
- a **figure** when its text is a chart's: mostly short labels and numbers
  among several drawn shapes; axis labels just outside the plot belong to it;
- a **box** otherwise (a call-out, a recommendation set in a shaded panel):
  its lines make their own blocks, placed where the box stands on the page
  and never joined with the paragraph it interrupts.

A caption line ("Table 3: ...", "Figure 2 ...") just above or below a table
or figure goes with it and gives its label.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

from scrutiny.readers._clean import CALL_CLOSE, CALL_OPEN

TABLE, FIGURE, BOX = "table", "figure", "box"
CAPTION = re.compile(r"^\s*(Table|Figure|Chart|Graph|Diagram|Exhibit)\s+([0-9]+[A-Za-z]?(?:\.[0-9]+)?)\b[.:\s\u2013\u2014-]*",
                     re.IGNORECASE)
_NUMBERISH = re.compile(r"^[\s£$€%.,()+\-\u2013\u2212/0-9kmbn]*$", re.IGNORECASE)
_CALLED = re.compile(CALL_OPEN + "[^" + CALL_CLOSE + "]*" + CALL_CLOSE)
MAX_SHAPES = 800  # pages drawn with more path objects than this are not searched for regions


@dataclass
class Region:
    kind: str
    x0: float
    y0: float
    x1: float
    y1: float
    lines: list = field(default_factory=list)
    rows: list | None = None      # a table's cells
    text_rows: list | None = None  # the same with note calls wrapped (for the text)
    caption: str | None = None
    label: str | None = None      # "Table 3"

    @property
    def top(self) -> float:
        return self.y1


def page_shapes(raw, page) -> list[tuple[float, float, float, float]]:
    """Bounds (x0, y0, x1, y1) of the page's vector shapes (path objects)."""
    n = raw.FPDFPage_CountObjects(page)
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    pl, pb, pr, pt = ctypes.byref(l), ctypes.byref(b), ctypes.byref(r), ctypes.byref(t)
    get, kind, bounds, path = raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetBounds, \
        raw.FPDF_PAGEOBJ_PATH
    shapes = []
    for k in range(n):
        obj = get(page, k)
        if kind(obj) == path and bounds(obj, pl, pb, pr, pt):
            shapes.append((l.value, b.value, r.value, t.value))
            if len(shapes) > MAX_SHAPES:
                return []
    return shapes


def _merge(shapes, gap: float = 1.5) -> list[list]:
    """Shapes that touch (within ``gap``) as groups: [x0, y0, x1, y1, members, inner x edges]."""
    groups: list[list] = []
    for x0, y0, x1, y1 in sorted(shapes):
        hit = None
        for g in groups:
            if x0 <= g[2] + gap and g[0] - gap <= x1 and y0 <= g[3] + gap and g[1] - gap <= y1:
                if hit is None:
                    g[0], g[1], g[2], g[3] = min(g[0], x0), min(g[1], y0), max(g[2], x1), max(g[3], y1)
                    g[4] += 1
                    g[5].append((x0, y0, x1, y1))
                    hit = g
                else:  # the shape joins two groups
                    hit[0], hit[1], hit[2], hit[3] = min(hit[0], g[0]), min(hit[1], g[1]), max(hit[2], g[2]), \
                        max(hit[3], g[3])
                    hit[4] += g[4]
                    hit[5].extend(g[5])
                    g[4] = 0
        groups = [g for g in groups if g[4]]
        if hit is None:
            groups.append([x0, y0, x1, y1, 1, [(x0, y0, x1, y1)]])
    return groups


def _inside(ln, x0, y0, x1, y1, slack: float = 1.0) -> bool:
    return ln.x0 >= x0 - slack and ln.x1 <= x1 + slack and ln.y >= y0 - slack and ln.y + 0.6 * ln.size <= y1 + slack


def _short(ln, width: float) -> bool:
    return len(ln.text.split()) <= 4 and ln.x1 - ln.x0 < 0.3 * width


def find_regions(lines, shapes, width: float, height: float) -> list[Region]:
    """Boxes, tables and figures on one page (see the module doc)."""
    regions: list[Region] = []
    if not lines:
        return regions
    text_w = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines) or width
    taken: set[int] = set()
    for g in sorted(_merge(shapes), key=lambda g: -g[3]) if shapes else []:
        x0, y0, x1, y1, count, members = g
        if x1 - x0 < 40 or y1 - y0 < 12 or (x1 - x0 > 0.97 * width and y1 - y0 > 0.9 * height):
            continue  # a rule, a bullet, or a frame round the whole page
        inside = [ln for ln in lines if id(ln) not in taken and _inside(ln, x0, y0, x1, y1)]
        grid = inside and _ruled_columns(members, inside, x0, x1) and _ruled_rows(members, x0, x1)
        chart = not grid and count >= 3 and len(inside) >= 3 \
            and sum(_short(ln, text_w) for ln in inside) >= 0.7 * len(inside)
        if chart:
            # axis labels stand just outside the plot: left of it and under it; the
            # value of the tallest bar just over it
            near = [ln for ln in lines if id(ln) not in taken and ln not in inside and _short(ln, text_w)
                    and not CAPTION.match(ln.text)
                    and (_inside(ln, x0 - 60, y0 - 30, x1 + 20, y1 + 4)
                         or (_NUMBERISH.match(ln.text) and _inside(ln, x0, y1, x1, y1 + 2.2 * ln.size)))]
            inside += near
            r = Region(FIGURE, min([x0] + [ln.x0 for ln in near]), min([y0] + [ln.y for ln in near]), x1,
                       max([y1] + [ln.y + 0.8 * ln.size for ln in near]), inside)
        elif not inside:
            continue
        elif grid or _ruled_columns(members, inside, x0, x1):
            r = Region(TABLE, x0, y0, x1, y1, inside)
        elif x1 - x0 >= 0.3 * text_w:
            r = Region(BOX, x0, y0, x1, y1, inside)
        else:
            continue
        taken.update(id(ln) for ln in inside)
        regions.append(r)
    free = [ln for ln in lines if id(ln) not in taken]
    contents = any(len(ln.text) <= 30 and CONTENTS_TITLE.match(ln.text) for ln in lines) \
        or sum(has_leader(ln.text) for ln in lines) >= 4
    for rows in _aligned_rows(free, text_w) if not contents else ():
        inside = [ln for row in rows for ln in row]
        regions.append(Region(TABLE, min(ln.x0 for ln in inside), min(ln.y for ln in inside),
                              max(ln.x1 for ln in inside), max(ln.y + ln.size for ln in inside), inside))
        taken.update(id(ln) for ln in inside)
    for r in regions:
        if r.kind in (TABLE, FIGURE):
            _caption(r, [ln for ln in lines if id(ln) not in taken], taken)
    return regions


def _ruled_columns(members, inside, x0, x1) -> bool:
    """A rule inside the shape (not at its edge) with text on both sides of it."""
    for mx0, my0, mx1, my1 in members:
        if mx1 - mx0 > 2.5 or my1 - my0 < 8:
            continue  # not a vertical rule
        x = (mx0 + mx1) / 2
        if x - x0 < 8 or x1 - x < 8:
            continue  # a side of the frame, or the padding of a one-cell panel
        if any(ln.x1 <= x + 1 for ln in inside) and any(ln.x0 >= x - 1 for ln in inside):
            return True
    return False


def _ruled_rows(members, x0, x1) -> bool:
    """Two horizontal rules or more across most of the shape: the rows of a grid."""
    return sum(1 for mx0, my0, mx1, my1 in members
               if my1 - my0 <= 2.5 and mx1 - mx0 >= 0.8 * (x1 - x0)) >= 2


def _aligned_rows(lines, text_w: float) -> list[list[list]]:
    """Runs of three or more rows (lines on one baseline) of two or more cells
    that start in the same columns, with a short cell in each row: tables
    set without rules."""
    rows: dict[float, list] = {}
    for ln in lines:
        rows.setdefault(round(ln.y), []).append(ln)
    if sum(len(r) >= 2 for r in rows.values()) < 3:
        return []  # fewer than three baselines hold two lines: no table (most pages)
    ordered = [sorted(r, key=lambda ln: ln.x0) for _, r in sorted(rows.items(), key=lambda kv: -kv[0])]
    out, run, cols = [], [], None
    for row in ordered + [[]]:
        ok = len(row) >= 2 and any(_short(ln, text_w) for ln in row)
        starts = [ln.x0 for ln in row]
        if ok and run and cols is not None:
            prev = run[-1][0]
            close = prev.y - row[0].y < 2.6 * row[0].size
            aligned = sum(any(abs(s - c) < 4 for c in cols) for s in starts) >= 2
            if close and aligned:
                run.append(row)
                cols = sorted(set(cols) | set(starts))
                continue
        if len(run) >= 3:
            out.append(run)
        run, cols = ([row], starts) if ok else ([], None)
    return out


def _caption(region: Region, free, taken: set) -> None:
    """A "Table 3: ..." or "Figure 2 ..." line just above or below the region."""
    best = None
    for ln in free:
        if not CAPTION.match(ln.text) or ln.x1 < region.x0 or ln.x0 > region.x1:
            continue
        d = ln.y - region.y1 if ln.y >= region.y1 else region.y0 - (ln.y + ln.size)
        if -2 <= d < 3.5 * ln.size and (best is None or d < best[0]):
            best = (d, ln)
    if best is None:
        return
    ln = best[1]
    m = CAPTION.match(ln.text)
    region.caption = ln.text
    region.label = f"{m.group(1).capitalize()} {m.group(2)}"
    region.lines.insert(0, ln)
    taken.add(id(ln))


def read_tables(path, page_index: int, height: float, regions: list[Region]) -> None:
    """Rows and cells of the page's table regions, with pdfplumber (in place);
    a region where it finds no table of two columns or more is read as a box."""
    import pdfplumber

    with pdfplumber.open(str(path), pages=[page_index + 1]) as pdf:
        page = pdf.pages[0]
        for r in regions:
            if r.kind != TABLE:
                continue
            body = [ln for ln in r.lines if ln.text != r.caption]
            top = max(ln.y + ln.size for ln in body) if body else r.y1
            bbox = (max(0, r.x0 - 2), max(0, height - max(r.y1, top) - 2), min(page.width, r.x1 + 2),
                    min(page.height, height - r.y0 + 2))
            crop = page.crop(bbox)
            _mark_calls(crop.chars)
            ruled = any(True for _ in crop.edges)
            settings = {} if ruled else {"vertical_strategy": "text", "horizontal_strategy": "text"}
            rows, marked = [], []
            for table in crop.extract_tables(settings):
                for row in table:
                    cells = [" ".join((c or "").split()) for c in row]
                    if any(cells):
                        marked.append(cells)
                        rows.append([_CALLED.sub("", c) for c in cells])
            width = max((sum(1 for c in row if c) for row in rows), default=0)
            if width >= 2 and len(rows) >= 2:
                # columns empty in every row are the padding of the cells, not columns
                keep = [i for i in range(max(len(r_) for r_ in rows)) if any(i < len(r_) and r_[i] for r_ in rows)]
                r.rows = [[row[i] if i < len(row) else "" for i in keep] for row in rows]
                r.text_rows = [[row[i] if i < len(row) else "" for i in keep] for row in marked]
            else:
                r.kind = BOX


def _mark_calls(chars) -> None:
    """Raised small digits (note calls) in a table's characters wrapped as
    calls (see scrutiny.readers._clean.CALL_OPEN), in place."""
    sizes = sorted(c["size"] for c in chars if c["text"].strip())
    if not sizes:
        return
    body = sizes[len(sizes) // 2]
    for c in chars:
        if c["text"].isdigit() and c["size"] < 0.8 * body:
            c["text"] = CALL_OPEN + c["text"] + CALL_CLOSE


def table_text(region: Region) -> str:
    """A table as searchable, quotable text: its caption, then its rows, cells
    joined by " | " and rows by " / " (as the DOCX and HTML readers give them).
    Note calls stay wrapped (the reader takes them out as marks)."""
    rows = " / ".join(" | ".join(c for c in row if c) for row in region.text_rows or region.rows or [])
    return f"{region.caption} / {rows}" if region.caption else rows


# -- contents pages -------------------------------------------------------------------------

_ENTRY = re.compile(r"^(?P<text>.*?\S)[\s.\u2026_\u00b7]*?\s*(?:\.{2,}|\u2026+|\s)\s*(?P<page>\d{1,4}|x{0,3}(?:ix|iv|v?i{1,3}|v|x))\s*$")
_LEADER = re.compile(r"(?:\.\s*){4,}|\u2026{2,}|_{4,}")


def has_leader(text: str) -> bool:
    """Dot leaders ("Summary ........ 3"); a cheap test first, as most lines have none."""
    return (text.count(".") >= 4 or "\u2026\u2026" in text or "____" in text) and _LEADER.search(text) is not None

CONTENTS_TITLE = re.compile(r"^\s*(table of )?contents(\s+page)?\s*$", re.IGNORECASE)


def contents_entries(parts: list[str]) -> list[dict]:
    """Entries of a contents page from its lines, in order: {"text", "page"}.
    A line with no page number at its end runs on into the next entry."""
    entries, pending = [], ""
    for part in parts:
        line = " ".join(part.split())
        if not line or CONTENTS_TITLE.match(line):
            continue
        if pending and re.fullmatch(r"\d{1,4}|x{0,3}(?:ix|iv|v?i{1,3}|v|x)", line):  # the number set apart from its entry
            line = f"{pending} {line}"
            pending = ""
        m = _ENTRY.match(line)
        if m:
            text = _LEADER.sub(" ", f"{pending} {m.group('text')}").strip(" .\u2026")
            entries.append({"text": " ".join(text.split()), "page": m.group("page")})
            pending = ""
        else:
            pending = f"{pending} {line}".strip()
    return entries


def normalise_entry(text: str) -> str:
    """A contents entry or heading as compared: letters and digits, lower case."""
    return " ".join(re.findall(r"[0-9a-z]+", text.lower()))


def is_contents(parts: list[str], first_heading: str | None) -> bool:
    """A contents page: titled "Contents", or most of its lines are entries with leaders."""
    if first_heading and CONTENTS_TITLE.match(first_heading):
        return True
    lines = [p for p in parts if p.strip()]
    led = sum(1 for p in lines if has_leader(p) and _ENTRY.match(p))
    return len(lines) >= 4 and led >= 0.6 * len(lines)


# -- covers and imprint pages ---------------------------------------------------------------

IMPRINT = re.compile(r"\u00a9|crown copyright|\bISBN\b|open government licen[cs]e v|all rights reserved|"
                     r"printed (?:in|on) ", re.IGNORECASE)
