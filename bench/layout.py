"""Fixture PDFs for what a page shows besides running text: boxes, tables,
charts, contents pages, covers, note calls and printed page numbers.

All text is our own synthetic prose about imaginary widget services. Each
writer method draws with fpdf2 (A4, points, origin top-left) and records what
a reader must find, so that the tests compare the reader with the generator's
own record, never with the reader's output.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench.fixtures import (BODY_LEAD, BODY_SIZE, BOTTOM, LEFT, PAGE_H, PAGE_W, RIGHT, TOP, ReportWriter, Truth,
                              filler_sentences)

TEXT_W = PAGE_W - LEFT - RIGHT


def roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


class LayoutWriter(ReportWriter):
    """:class:`ReportWriter` with boxes, tables, charts, contents pages,
    covers and printed page numbers of our choosing.

    ``printed``: page number -> the number printed at the foot of that page
    (``None``: nothing printed); set with :meth:`number_pages`."""

    def __init__(self, **kw):
        kw.setdefault("header", None)
        kw.setdefault("footer", False)
        super().__init__(**kw)
        self.printed: dict[int, str | None] = {}
        self.tables: list[dict] = []
        self.figures: list[dict] = []

    # -- boxes -------------------------------------------------------------------
    def box(self, paragraphs: list[str], pad: float = 8.0) -> None:
        """Paragraphs in a ruled panel; a panel that reaches the foot of the
        page goes on in a second panel at the top of the next page."""
        width = TEXT_W - 2 * pad
        self.y += 12
        top = self.y
        y = top + pad
        start = None
        for k, text in enumerate(paragraphs):
            lines = self.wrap(text, width, BODY_SIZE)
            if k:
                y += 8
            first_page, turns = None, []
            for i, line in enumerate(lines):
                if y + BODY_LEAD > self._limit() - pad:
                    self.pdf.rect(LEFT, top, TEXT_W, y + pad - top)
                    self._new_page()
                    top = self.y
                    y = top + pad
                    if first_page is not None:
                        turns.append(i)
                if first_page is None:
                    first_page = self.page
                y += BODY_LEAD
                self.pdf.set_font(self.family, "", BODY_SIZE)
                self.pdf.text(LEFT + pad, y, line)
            breaks = [len(" ".join(lines[:i])) + 1 for i in turns]
            self.truth.append(Truth("paragraph", text, first_page, self.page, 0, breaks))
            start = start or first_page
        self.pdf.rect(LEFT, top, TEXT_W, y + pad + 4 - top)
        self.y = y + pad + 4

    # -- tables --------------------------------------------------------------------
    def table(self, caption: str | None, rows: list[list[str]], ruled: bool = True,
              widths: list[float] | None = None, size: float = 10.0) -> None:
        """A table of short cells: with ``ruled``, a grid of lines round every
        cell; else the cells stand in aligned columns with no rules at all. A
        cell given as (text, mark) carries a raised note call after its text."""
        cols = len(rows[0])
        widths = widths or [TEXT_W / cols] * cols
        lead = size * 1.9
        need = lead * (len(rows) + 2)
        if self.y + need > self._limit():
            self._new_page()
        self.y += 14
        if caption:
            self.y += BODY_LEAD
            self.pdf.set_font(self.family, "B", BODY_SIZE)
            self.pdf.text(LEFT, self.y, caption)
            self.y += 6
        top = self.y
        for r, row in enumerate(rows):
            x = LEFT
            for c, cell in enumerate(row):
                cell, mark = cell if isinstance(cell, tuple) else (cell, None)
                self.pdf.set_font(self.family, "B" if r == 0 else "", size)
                self.pdf.text(x + 4, self.y + lead - 0.55 * size, cell)
                if mark:
                    end = x + 4 + self.pdf.get_string_width(cell)
                    self.pdf.set_font(self.family, "", size * 0.6)
                    self.pdf.text(end + 0.3, self.y + lead - 0.55 * size - 0.36 * size, mark)
                x += widths[c]
            self.y += lead
        if ruled:
            self.pdf.set_line_width(0.6)
            for r in range(len(rows) + 1):
                self.pdf.line(LEFT, top + r * lead, LEFT + sum(widths), top + r * lead)
            x = LEFT
            for c in range(cols + 1):
                self.pdf.line(x, top, x, top + len(rows) * lead)
                x += widths[c] if c < cols else 0
        self.tables.append({"caption": caption, "rows": [[c[0] if isinstance(c, tuple) else c for c in row]
                                                         for row in rows], "page": self.page})
        self.y += 6

    # -- charts --------------------------------------------------------------------
    def bar_chart(self, caption: str, labels: list[str], values: list[int], axis_title: str) -> None:
        """A bar chart drawn with rectangles: a value over each bar, a
        category label under it, a scale of numbers up the left axis."""
        height, left = 170.0, LEFT + 50
        if self.y + height + 80 > self._limit():
            self._new_page()
        self.y += 14 + BODY_LEAD
        self.pdf.set_font(self.family, "B", BODY_SIZE)
        self.pdf.text(LEFT, self.y, caption)
        top = self.y + 16
        base = top + height
        top_value = max(values)
        step = (TEXT_W - 70) / len(values)
        self.pdf.set_line_width(0.8)
        self.pdf.line(left, top, left, base)
        self.pdf.line(left, base, left + step * len(values), base)
        scale = [round(top_value * k / 4) for k in range(5)]
        for v in scale:
            y = base - height * v / top_value
            self.pdf.line(left - 3, y, left, y)
            self.pdf.set_font(self.family, "", 8)
            self.pdf.text(left - 8 - self.pdf.get_string_width(str(v)), y + 3, str(v))
        self.pdf.set_fill_color(120, 140, 170)
        for k, (label, v) in enumerate(zip(labels, values)):
            x = left + step * k + step * 0.2
            h = height * v / top_value
            self.pdf.rect(x, base - h, step * 0.6, h, style="F")
            self.pdf.set_font(self.family, "", 8)
            self.pdf.text(x + step * 0.3 - self.pdf.get_string_width(str(v)) / 2, base - h - 4, str(v))
            self.pdf.text(x + step * 0.3 - self.pdf.get_string_width(label) / 2, base + 12, label)
        self.pdf.set_font(self.family, "", 8)
        self.pdf.text(left + step * len(values) / 2 - self.pdf.get_string_width(axis_title) / 2, base + 26,
                      axis_title)
        self.figures.append({"caption": caption, "labels": labels, "values": values, "scale": scale,
                             "axis_title": axis_title, "page": self.page})
        self.y = base + 34

    # -- contents, cover ------------------------------------------------------------
    def contents_page(self, entries: list[tuple[str, str]], title: str = "Contents") -> None:
        """A page listing entries with dot leaders to the page number printed."""
        self._new_page(plain=True) if self.y > TOP else None
        self.y = TOP + 20
        self.pdf.set_font(self.family, "B", 17)
        self.pdf.text(LEFT, self.y, title)
        self.y += 14
        right = PAGE_W - RIGHT
        for text, page in entries:
            self.y += 22
            self.pdf.set_font(self.family, "", BODY_SIZE)
            self.pdf.text(LEFT, self.y, text)
            w_text = self.pdf.get_string_width(text)
            w_page = self.pdf.get_string_width(page)
            dots = ""
            while self.pdf.get_string_width(dots + ". ") < right - LEFT - w_text - w_page - 16:
                dots += ". "
            self.pdf.text(LEFT + w_text + 6, self.y, dots)
            self.pdf.text(right - w_page, self.y, page)
        self.y = BOTTOM

    def cover(self, title: str, subtitle: str, date: str) -> None:
        """A cover: the title large, a subtitle, the date; nothing else."""
        self.y = 300
        for line in self.wrap(title, TEXT_W, 26, "B"):
            self.y += 34
            self.pdf.set_font(self.family, "B", 26)
            self.pdf.text(LEFT, self.y, line)
        self.y += 40
        self.pdf.set_font(self.family, "", 15)
        self.pdf.text(LEFT, self.y, subtitle)
        self.y += 30
        self.pdf.text(LEFT, self.y, date)
        self.y = BOTTOM

    # -- page numbers ------------------------------------------------------------------
    def number_pages(self, printed: dict[int, str | None], labels: bool = False) -> None:
        """Print each page's number at its foot (``printed``: page -> number as
        printed, None: no number); with ``labels`` the PDF also says them in
        its own /PageLabels (decimal or lower roman, with their starts)."""
        self.printed = dict(printed)
        self._label_pages = labels

    def save(self, path: Path, encrypt_password: str | None = None) -> list[Truth]:
        self._finish_page()
        for n, number in self.printed.items():
            if number is None:
                continue
            self.pdf.page = n
            self.pdf.set_font(self.family, "", 9)
            self.pdf.text(PAGE_W / 2 - self.pdf.get_string_width(number) / 2, 805, number)
        if getattr(self, "_label_pages", False):
            self._write_labels()
        self.pdf.output(str(path))
        return self.truth

    def _write_labels(self) -> None:
        """/PageLabels from ``printed``: a new range wherever numbering restarts."""
        from fpdf.enums import PageLabelStyle

        numbers = getattr(self, "_label_numbers", None) or self.printed
        prev = None
        for n in range(1, self.pdf.pages_count + 1):
            number = numbers.get(n)
            if number is None:
                continue
            style = PageLabelStyle.NUMBER if number.isdigit() else PageLabelStyle.LOWER_ROMAN
            value = int(number) if number.isdigit() else _from_roman(number)
            if prev is None or prev[0] != style or prev[1] + 1 != value or prev[2] + 1 != n:
                self.pdf.page = n
                self.pdf.set_page_label(label_style=style, label_start=value)
            prev = (style, value, n)


def _from_roman(text: str) -> int:
    return next(k for k in range(1, 40) if roman(k) == text)


# -- the fixtures -----------------------------------------------------------------------

BOX_PARAS = [
    "The panel recommends that every district publish the length of its repair queue each month, so that "
    "residents can see whether waiting times are rising or falling, and that the figures are checked by an "
    "auditor who does not work for any provider.",
    "The panel further recommends that the council consider whether its present arrangements for buying spare "
    "parts give value for money, and whether the depots could share one store, one catalogue and one delivery "
    "van between them; this should include an estimate of the savings made by each of those changes in "
    "every district taking part in the scheme over the next three years.",
]


def make_box_overleaf_pdf(path: Path) -> list[Truth]:
    """Body text, then a boxed recommendation whose second paragraph runs
    from the foot of page 1 into a box at the top of page 2, then body text."""
    rng = random.Random(17)
    w = LayoutWriter()
    w.heading("Widget depots: recommendations", 1)
    while w.y < BOTTOM - 15 * BODY_LEAD:
        w.paragraph(filler_sentences(rng, 4))
    w.y = BOTTOM - 9 * BODY_LEAD  # the box's second paragraph cannot fit on this page
    w.box(BOX_PARAS)
    w.paragraph(filler_sentences(rng, 4))
    w.paragraph(filler_sentences(rng, 3))
    return w.save(path)


NUMBERED_SENTENCES = [
    "The foreword thanks the volunteers who mended widgets in the flooded depot.",
    "The summary lists the three depots that ran out of spare springs in the winter.",
    "Chapter one counts the repairs booked by telephone in every district.",
    "Chapter two compares the cost of delivery vans with the cost of bicycles.",
    "Chapter three describes the new catalogue of spare parts and its prices.",
    "Chapter four sets out what the council will do in the next two years.",
]
# physical page -> the number printed at its foot: a cover, i and ii, then 1 to 4
NUMBERED_PRINTED = {1: None, 2: "i", 3: "ii", 4: "1", 5: "2", 6: "3", 7: "4"}
NUMBERED_LABELS = ["[1]", "i", "ii", "1", "2", "3", "4"]


def make_numbered_pdf(path: Path, labels: bool = False, printed: bool = True) -> dict[str, int]:
    """A cover, two front pages numbered i and ii, then four pages numbered 1
    to 4 at their foot (without ``printed``, no number on any page); with
    ``labels`` the PDF says so in its /PageLabels. Returns each page's own
    sentence -> the physical page it stands on."""
    rng = random.Random(23)
    w = LayoutWriter()
    w.cover("Widget Services Annual Review", "A report of an imaginary council", "March 2031")
    where = {}
    for k, sentence in enumerate(NUMBERED_SENTENCES):
        w.page_break()
        w.heading(["Foreword", "Summary", "Telephone repairs", "Delivery", "Catalogue", "Next steps"][k], 1)
        w.paragraph(sentence + " " + filler_sentences(rng, 4))
        w.paragraph(filler_sentences(rng, 5))
        where[sentence] = w.page
    w.number_pages(NUMBERED_PRINTED, labels=labels)
    if not printed:
        w.printed = {}  # /PageLabels only
        w._label_numbers = NUMBERED_PRINTED
    w.save(path)
    return where


# -- a report with a cover, a contents page, tables, a chart and note calls -------------------

LAYOUT_TITLE = "Widget Services in Numbers"
RULED_ROWS = [["District", "Repairs", "Waiting days"], ["North", "1,240", "12"], ["South", "980", "9"],
              ["East", "1,530", "15"], ["West", "760", "7"]]
UNRULED_ROWS = [["Depot", "Rent", "Staff", "Parts"], ["Harbour Road", "£12,000", "£48,000", "£9,500"],
                ["Mill Lane", "£8,400", "£31,000", "£6,200"], ["Station Yard", "£15,100", "£52,500", "£11,800"],
                ["Quarry Hill", "£6,900", "£27,300", "£4,100"]]
CHART_LABELS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
CHART_VALUES = [120, 340, 260, 410, 380, 150]
# (heading, printed page) of the body pages, in order; the contents page lists them
LAYOUT_SECTIONS = [("Summary of the year", "1"), ("Repairs by district", "2"), ("What the depots cost", "3"),
                   ("Repairs month by month", "4")]
LAYOUT_PRINTED = {1: None, 2: "i", 3: "1", 4: "2", 5: "3", 6: "4"}
# a paragraph with raised note calls glued to what they follow: (runs of each line, the text a
# reader must give, [(offset of the call in that text, its mark)])
CALLED_LINES = [
    [("The repair service answered 4,510 calls in the year.", False), ("1", True), (" Most widgets were", False)],
    [("mended within a fortnight, though the north depot closed for six weeks", False), ("2", True), (".", False)],
]
CALLED_TEXT = ("The repair service answered 4,510 calls in the year. Most widgets were mended within a "
               "fortnight, though the north depot closed for six weeks.")
CALLED_AT = [(CALLED_TEXT.index(" Most"), "1"), (len(CALLED_TEXT) - 1, "2")]
TABLE_NOTE = "Days from the booking to the repair, on the median job."
CALLED_NOTES = ["Calls to the evening line are counted with the daytime calls.",
                "The depot roof was replaced after a storm in the spring."]


def make_layout_report_pdf(path: Path) -> dict:
    """A cover; a contents page (printed i) whose dot-leader entries name the
    printed pages of the four sections; a page of prose with two raised note
    calls and their notes; a ruled table; an unruled table of aligned
    columns; a bar chart with a value over each bar, a month under it and a
    scale up its axis. Returns what the reader must find."""
    from bench.fixtures import FOOT_LEAD, FOOT_SIZE, write_runs

    rng = random.Random(31)
    w = LayoutWriter(title=LAYOUT_TITLE)
    w.cover(LAYOUT_TITLE, "Annual figures of an imaginary council", "June 2031")
    w.contents_page([(title, printed) for title, printed in LAYOUT_SECTIONS])
    # page 3: prose with note calls, notes at the foot
    w.page_break()
    w.heading(LAYOUT_SECTIONS[0][0], 1)
    w.paragraph(filler_sentences(rng, 4))
    w.y += 8
    for runs in CALLED_LINES:
        w.y += BODY_LEAD
        write_runs(w, w.y, runs)
    w.paragraph(filler_sentences(rng, 3))
    y = BOTTOM - FOOT_LEAD * len(CALLED_NOTES) + 6
    w.pdf.line(LEFT, y - 12, LEFT + 120, y - 12)
    for k, note in enumerate(CALLED_NOTES, start=1):
        write_runs(w, y, [(str(k), True), (note, False)], size=FOOT_SIZE)
        y += FOOT_LEAD
    # page 4: a ruled table
    w.page_break()
    w.heading(LAYOUT_SECTIONS[1][0], 1)
    w.paragraph(filler_sentences(rng, 3))
    rows = [list(r) for r in RULED_ROWS]
    rows[0][2] = (rows[0][2], "3")  # "Waiting days" + a raised note call
    w.table("Table 1: Repairs booked by district", rows, ruled=True)
    w.paragraph(filler_sentences(rng, 3))
    y = BOTTOM + 6
    w.pdf.line(LEFT, y - 12, LEFT + 120, y - 12)
    write_runs(w, y, [("3", True), (TABLE_NOTE, False)], size=FOOT_SIZE)
    # page 5: a table of aligned columns without rules
    w.page_break()
    w.heading(LAYOUT_SECTIONS[2][0], 1)
    w.paragraph(filler_sentences(rng, 3))
    w.table("Table 2: Yearly costs of each depot", UNRULED_ROWS, ruled=False)
    w.paragraph(filler_sentences(rng, 3))
    # page 6: a bar chart
    w.page_break()
    w.heading(LAYOUT_SECTIONS[3][0], 1)
    w.paragraph(filler_sentences(rng, 3))
    w.bar_chart("Figure 1: Repairs booked each month", CHART_LABELS, CHART_VALUES, "Month of booking")
    w.paragraph(filler_sentences(rng, 3))
    w.number_pages(LAYOUT_PRINTED)
    w.save(path)
    return {"tables": w.tables, "figures": w.figures, "sections": {t: 3 + i for i, (t, _) in enumerate(LAYOUT_SECTIONS)}}


def rasterised(tmp_path: Path, source: Path, first: int = 1, last: int = 1) -> Path:
    """Pages of a PDF as page images only (pdftoppm, then img2pdf): a scan, no text layer."""
    import subprocess

    import img2pdf

    out_dir = tmp_path / f"{source.stem}-pages"
    out_dir.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", str(first), "-l", str(last), str(source),
                    str(out_dir / "page")], check=True)
    images = sorted(out_dir.glob("page-*.png"))
    out = tmp_path / f"{source.stem}-scan.pdf"
    out.write_bytes(img2pdf.convert([str(p) for p in images]))
    return out
