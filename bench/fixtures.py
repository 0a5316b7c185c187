"""Fixture generators shared by the reader tests and the PDF benchmark.

Every text here is our own synthetic prose. The PDF writer lays out lines
itself (fpdf2, A4, points) so that each fixture knows where every paragraph
landed: ``ReportWriter.save()`` returns the *truth* (kind, text, page, page_end,
level) that the tests compare the reader's blocks with.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 72.0, 72.0, 80.0, 770.0
BODY_SIZE, BODY_LEAD = 11.0, 14.0
HEADING_SIZES = {1: 17.0, 2: 13.5, 3: 12.0}
FOOT_SIZE, FOOT_LEAD = 8.0, 10.0

HEADER_TEXT = "Widget Services Review - Interim Report"
FONT_FILES = [
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


@dataclass
class Truth:
    kind: str
    text: str
    page: int
    page_end: int
    level: int = 0
    page_breaks: list | None = None  # offsets in text where each further page begins (None: unknown)


class ReportWriter:
    """A tiny typesetter on top of fpdf2 that records where text lands."""

    def __init__(self, header: str | None = HEADER_TEXT, footer: bool = True, title: str | None = None,
                 author: str | None = None, embed_font: bool = False):
        from fpdf import FPDF

        self.pdf = FPDF(unit="pt", format="A4")
        self.family = "Helvetica"
        if embed_font:  # published reports embed their fonts; use a TrueType one when there is one
            for regular, bold in FONT_FILES:
                if Path(regular).is_file() and Path(bold).is_file():
                    self.pdf.add_font("Body", "", regular)
                    self.pdf.add_font("Body", "B", bold)
                    self.family = "Body"
                    break
        self.pdf.core_fonts_encoding = "windows-1252"  # WinAnsi: bullets, curly quotes
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(LEFT, TOP, RIGHT)
        if title:
            self.pdf.set_title(title)
        if author:
            self.pdf.set_author(author)
        self.header, self.footer = header, footer
        self.truth: list[Truth] = []
        self.page = 0
        self.y = TOP
        self.footnotes: list[tuple[str, str]] = []   # (marker, text) for the current page
        self.footnote_no = 0
        self.plain_pages: set[int] = set()            # pages without running head/foot
        self._new_page()

    # -- pages ---------------------------------------------------------------
    def _new_page(self, plain: bool = False):
        if self.page:
            self._finish_page()
        self.pdf.add_page()
        self.page += 1
        self.y = TOP
        if plain:
            self.plain_pages.add(self.page)
        elif self.header:
            self.pdf.set_font(self.family, "", 9)
            self.pdf.text(LEFT, 40, self.header)

    def _finish_page(self):
        pdf = self.pdf
        if self.footnotes:
            y = BOTTOM - FOOT_LEAD * len(self.footnotes) + 6
            pdf.set_line_width(0.5)
            pdf.line(LEFT, y - 12, LEFT + 120, y - 12)
            for marker, text in self.footnotes:
                pdf.set_font(self.family, "", FOOT_SIZE)
                pdf.text(LEFT, y, f"{marker} {text}")
                y += FOOT_LEAD
            self.footnotes = []

    def _limit(self) -> float:
        return BOTTOM - (FOOT_LEAD * len(self.footnotes) + 24 if self.footnotes else 0)

    def page_break(self):
        self._new_page()

    # -- text ----------------------------------------------------------------
    def wrap(self, text: str, width: float, size: float, style: str = "") -> list[str]:
        """Greedy line breaking at spaces."""
        self.pdf.set_font(self.family, style, size)
        width_of = self.pdf.get_string_width
        lines, line = [], ""
        for word in text.split():
            trial = f"{line} {word}" if line else word
            if width_of(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
        return lines

    def _emit_lines(self, lines, size, style, lead, x=LEFT, kind="paragraph", text="", level=0,
                    gap_before=0.0, footnote: str | None = None, keep_together=False):
        if self.y + gap_before + lead > self._limit() or (keep_together and self.y + gap_before + lead * (len(lines) + 2) > self._limit()):
            self._new_page()
        else:
            self.y += gap_before
        start = None
        turns = []  # indices of the lines that begin a further page
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            if footnote and last:  # the note goes on the page of the line with its mark
                self.footnote_no += 1
                self.footnotes.append((str(self.footnote_no), footnote))
            if self.y + lead > self._limit():
                if footnote and last:
                    self.footnotes.pop()
                self._new_page()
                if start is not None:
                    turns.append(i)
                if footnote and last:
                    self.footnotes.append((str(self.footnote_no), footnote))
            if start is None:
                start = self.page
            self.y += lead
            self.pdf.set_font(self.family, style, size)
            self.pdf.text(x, self.y, line)
            if footnote and i == len(lines) - 1:
                end_x = x + self.pdf.get_string_width(line)
                self.pdf.set_font(self.family, "", 6.5)
                self.pdf.text(end_x + 0.5, self.y - 4, str(self.footnote_no))
        breaks = None
        if " ".join(lines) == text:  # lines broken at spaces: the offsets are known
            breaks = [len(" ".join(lines[:i])) + 1 for i in turns]
        self.truth.append(Truth(kind, text, start, self.page, level, breaks))
        if footnote:
            self.truth.append(Truth("footnote", f"{self.footnote_no} {footnote}", self.page, self.page))

    def heading(self, text: str, level: int = 1):
        size = HEADING_SIZES[level]
        lines = self.wrap(text, PAGE_W - LEFT - RIGHT, size, "B")
        self._emit_lines(lines, size, "B", size * 1.3, kind="heading", text=text, level=level,
                         gap_before=14 if level == 1 else 9, keep_together=True)

    def paragraph(self, text: str, lines: list[str] | None = None, footnote: str | None = None,
                  kind: str = "paragraph", indent: float = 0.0):
        """A body paragraph; ``lines`` forces the line breaks (e.g. hyphenated)."""
        lines = lines or self.wrap(text, PAGE_W - LEFT - RIGHT - indent, BODY_SIZE)
        self._emit_lines(lines, BODY_SIZE, "", BODY_LEAD, x=LEFT + indent, kind=kind, text=text,
                         gap_before=8, footnote=footnote)

    def bullet(self, text: str):
        lines = self.wrap(text, PAGE_W - LEFT - RIGHT - 18, BODY_SIZE)
        lines = [("\u2022 " if i == 0 else "") + line for i, line in enumerate(lines)]
        xs_lines = lines
        self._emit_lines(xs_lines, BODY_SIZE, "", BODY_LEAD, x=LEFT + 8, kind="list_item", text=text, gap_before=4)

    def dingbat_bullet(self, text: str, bold_lead: str = ""):
        """A list item as word processors write it: the bullet glyph in a
        symbol font, the text on a hanging indent, maybe a bold lead-in."""
        indent = 26
        lines = self.wrap(f"{bold_lead} {text}".strip(), PAGE_W - LEFT - RIGHT - indent, BODY_SIZE)
        if self.y + 4 + BODY_LEAD * len(lines) > self._limit():
            self._new_page()
        self.y += 4
        start = self.page
        for i, line in enumerate(lines):
            self.y += BODY_LEAD
            x = LEFT + indent
            if i == 0:
                self.pdf.set_font("ZapfDingbats", "", 7)
                self.pdf.text(LEFT + 10, self.y - 1, "l")  # a filled circle
                if bold_lead:
                    self.pdf.set_font(self.family, "B", BODY_SIZE)
                    self.pdf.text(x, self.y, bold_lead)
                    x += self.pdf.get_string_width(bold_lead + " ")
                    line = line[len(bold_lead):].lstrip()
            self.pdf.set_font(self.family, "", BODY_SIZE)
            self.pdf.text(x, self.y, line)
        self.truth.append(Truth("list_item", f"{bold_lead} {text}".strip(), start, self.page))

    def two_columns(self, left: list[str], right: list[str]):
        """Two columns written *interleaved* (left line, right line, ...), as
        some publishers do, so a reader must order them column by column."""
        gutter = 24
        col_w = (PAGE_W - LEFT - RIGHT - gutter) / 2

        def col_lines(paras):
            out = []
            for p in paras:
                if out:
                    out.append("")
                out.extend(self.wrap(p, col_w, BODY_SIZE))
            return out

        ll, rl = col_lines(left), col_lines(right)
        start = self.page
        self.pdf.set_font(self.family, "", BODY_SIZE)
        y = self.y + 8
        for i in range(max(len(ll), len(rl))):
            y += BODY_LEAD
            if i < len(ll) and ll[i]:
                self.pdf.text(LEFT, y, ll[i])
            if i < len(rl) and rl[i]:
                self.pdf.text(LEFT + col_w + gutter, y, rl[i])
        assert y < self._limit(), "two-column block does not fit on the page"
        self.y = y
        for p in left + right:
            self.truth.append(Truth("paragraph", p, start, start))

    def image_page(self):
        """A page holding only a picture: no text layer at all."""
        from PIL import Image

        self._new_page(plain=True)
        img = Image.new("RGB", (60, 40), (200, 200, 200))
        self.pdf.image(img, x=LEFT, y=TOP, w=300)
        self.y = BOTTOM  # nothing else on it

    def save(self, path: Path, encrypt_password: str | None = None) -> list[Truth]:
        self._finish_page()
        total = self.pdf.pages_count
        if self.footer:  # drawn last, when the page count is known
            for n in range(1, total + 1):
                if n in self.plain_pages:
                    continue
                self.pdf.page = n
                self.pdf.set_font(self.family, "", 9)
                self.pdf.text(PAGE_W / 2 - 25, 805, f"Page {n} of {total}")
        if encrypt_password:
            self.pdf.set_encryption(owner_password="owner-" + encrypt_password, user_password=encrypt_password)
        self.pdf.output(str(path))
        return self.truth


# -- the feature PDF used by tests/test_readers_pdf.py ---------------------------

INTRO = ("This interim report looks at how local widget services are planned, paid for and checked. "
         "It was written for an imaginary council so that the test suite has a realistic document to read.")
VISITS = ("The review team visited forty providers during the spring and heard a wide range of views "
          "about waiting lists, staffing and the cost of spare parts.")
VISITS_NOTE = "Visits took place between March and May of an invented year."
HYPHEN_PARA = ("The panel asked every provider for one recommendation and for examples of high-level "
               "planning that had worked well. Several non-clinical staff described evidence-based "
               "routines that kept the repair queue short.")
HYPHEN_LINES = [
    "The panel asked every provider for one recom-",
    "mendation and for examples of high-",
    "level planning that had worked well. Several non-",
    "clinical staff described evidence-",
    "based routines that kept the repair queue short.",
]
CONTEXT_PARA = ("A high-level summary of the findings follows. Clinical leads gave evidence in person, "
                "and most of the written submissions were based on local audits.")
DINGBAT_ITEM = ("Providers with a single depot answered on paper, and their answers were typed up by the "
                "review team before the panel met in the summer.")
LEAD_ITEM = "repairs stay free for residents, while businesses pay a flat fee that is reviewed each spring."
SECTION_2 = "2. Findings on waiting times"
FINDING_1 = "2.1 Most providers kept a single waiting list and reviewed it every week."
COLUMN_LEFT = [
    "Left column text begins here with a plain account of the north district and its three small workshops.",
    "The north district relies on volunteers for deliveries, which keeps costs low but makes the rota fragile.",
]
COLUMN_RIGHT = [
    "Right column text describes the south district, where one large depot serves every town on the coast.",
    "The south depot opens late on Thursdays so that people who work during the day can collect repairs.",
]


def filler_sentences(rng: random.Random, n: int) -> str:
    """Synthetic but readable sentences about widget services."""
    subjects = ["The council", "Each provider", "The review team", "Local managers", "The funding board",
                "Volunteer groups", "The repair service", "Most districts", "The regional office", "Staff"]
    verbs = ["reported", "measured", "reviewed", "published", "questioned", "planned", "funded", "compared",
             "tracked", "described"]
    objects = ["the waiting times for spare parts", "the number of repairs completed each month",
               "the cost of training new technicians", "the backlog of unanswered complaints",
               "the quality of telephone advice", "the use of shared workshops", "the budget for outreach",
               "the length of delivery routes", "the condition of depot buildings", "the results of the survey"]
    tails = ["during the last financial year", "across all districts", "in the spring and autumn",
             "with help from an independent auditor", "before the new contract began", "for the first time",
             "as part of the annual plan", "in every quarterly report", "without extra funding",
             "after a public consultation"]
    out = []
    for _ in range(n):
        out.append(f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} {rng.choice(tails)}.")
    return " ".join(out)


def make_feature_pdf(path: Path, encrypt_password: str | None = None) -> list[Truth]:
    """A six-page report exercising every layout feature the PDF reader handles."""
    rng = random.Random(7)
    w = ReportWriter(title="Widget Services Review", author="Imaginary Council")
    w.heading("Widget Services Review", 1)
    w.heading("1. Introduction", 2)
    w.paragraph(INTRO)
    w.paragraph(VISITS, footnote=VISITS_NOTE)
    w.heading("1.1 Method", 3)
    w.paragraph(HYPHEN_PARA, lines=HYPHEN_LINES)
    w.paragraph(CONTEXT_PARA)
    w.bullet("Every district was asked the same twelve questions.")
    w.bullet("Answers were checked against the published accounts of each provider.")
    w.dingbat_bullet(DINGBAT_ITEM)
    w.dingbat_bullet(LEAD_ITEM, bold_lead="Costs:")
    # fill the page so that the next paragraph runs over the page break
    while w.y < BOTTOM - 6 * BODY_LEAD:
        w.paragraph(filler_sentences(rng, 3))
    w.paragraph(filler_sentences(rng, 8))  # continues on page 2
    w.page_break()
    w.heading(SECTION_2, 2)
    w.paragraph(FINDING_1)
    w.paragraph(filler_sentences(rng, 5), footnote="Figures are rounded to the nearest week.")
    w.page_break()
    w.heading("3. District layouts", 2)
    w.two_columns(COLUMN_LEFT, COLUMN_RIGHT)
    w.image_page()
    w.page_break()
    w.heading("4. Next steps", 2)
    w.paragraph(filler_sentences(rng, 4))
    return w.save(path, encrypt_password)


PART_NAMES = ["Funding", "Staffing", "Premises", "Waiting times", "Complaints", "Training", "Outreach"]


def make_long_report_pdf(path: Path, pages: int = 150, seed: int = 11, embed_font: bool = False,
                         part_heads: bool = False) -> tuple[int, list[Truth]]:
    """A ~``pages``-page report for the benchmark: headings, numbered
    paragraphs, running heads, footnotes and some two-column pages. With
    ``part_heads`` the running head names the current part (five sections)."""
    rng = random.Random(seed)
    w = ReportWriter(header=f"Part 1: {PART_NAMES[0]}" if part_heads else HEADER_TEXT,
                     title="Synthetic Widget Report", author="Benchmark", embed_font=embed_font)
    section = 0
    while w.page < pages:
        if part_heads and section % 5 == 0:
            w.header = f"Part {section // 5 + 1}: {PART_NAMES[(section // 5) % len(PART_NAMES)]}"
        section += 1
        w.heading(f"{section}. Section about topic {section}", 1)
        for sub in range(1, 4):
            w.heading(f"{section}.{sub} Part {sub} of section {section}", 2)
            for para in range(1, 5):
                note = filler_sentences(rng, 1) if rng.random() < 0.15 else None
                w.paragraph(f"{section}.{sub}.{para} " + filler_sentences(rng, rng.randint(3, 7)), footnote=note)
        if section % 5 == 0 and w.page < pages - 1:
            w.page_break()
            w.two_columns([filler_sentences(rng, 4) for _ in range(2)], [filler_sentences(rng, 4) for _ in range(2)])
            w.page_break()
    truth = w.save(path)
    return w.pdf.pages_count, truth


# -- raised note references glued to numbers (tests/test_readers_pdf.py) ------------

SUP_SIZE, SUP_RISE = 6.5, 4.0


def write_runs(w: ReportWriter, y: float, runs, size: float = BODY_SIZE, x: float = LEFT) -> None:
    """One line of text runs on baseline ``y``: ``(text, raised)`` pairs, or
    ``(text, raised, gap)`` with ``gap`` points of blank space (no space
    character) before the run. A raised run is a note reference: smaller type
    set above the baseline, written straight after the text before it."""
    pdf = w.pdf
    for run in runs:
        text, raised, gap = (run + (0.0,))[:3]
        x += gap
        if raised:
            pdf.set_font(w.family, "", size * SUP_SIZE / BODY_SIZE)
            pdf.text(x + 0.3, y - SUP_RISE * size / BODY_SIZE, text)
            x += 0.3 + pdf.get_string_width(text)
        else:
            pdf.set_font(w.family, "", size)
            pdf.text(x, y, text)
            x += pdf.get_string_width(text)


NUMBERS_OPENING = "Widget depots in numbers"
# (runs of each line, the block's text as a reader must give it)
NUMBERS_PARAGRAPHS = [
    ([[("The north depot reopened on 3 March 2024", False), ("1", True), (" after a closure that", False)],
      [("lasted most of the winter, and about 17.8", False), ("2", True), (" thousand repairs", False)],
      [("were booked in its first year; the queue shrank by 3.5", False), ("14", True), (" per cent.", False)]],
     "The north depot reopened on 3 March 2024[^1] after a closure that lasted most of the winter, and "
     "about 17.8[^2] thousand repairs were booked in its first year; the queue shrank by 3.5[^14] per cent."),
    ([[("12.", False), ("27.4% of callers aged 50-63", False, 1.4), ("3", True),
       (" waited more than a week for a", False)],
      [("visit, against 9.1% in the year before.", False, 18.5)]],
     "12. 27.4% of callers aged 50-63[^3] waited more than a week for a visit, against 9.1% in the year before."),
    ([[("13.", False), ("The south depot kept its own waiting list for", False, 1.4)],
      [("spare parts, which made the two counts hard to compare.", False, 18.5)]],
     "13. The south depot kept its own waiting list for spare parts, which made the two counts hard to compare."),
]
NUMBERS_NOTES = [
    ([("1", True), ("The reopening date was moved twice.", False)], "1 The reopening date was moved twice."),
    ([("2", True), ("16 thousand of these were small jobs done on the day.", False)],
     "2 16 thousand of these were small jobs done on the day."),
    ([("3", True), ("Callers gave their age when they booked.", False)], "3 Callers gave their age when they booked."),
]


def with_calls(marked: str) -> tuple[str, list[tuple[int, str]]]:
    """Text written with note calls as "[^6]" -> (the text without them, the
    calls as (offset, mark)), as a reader gives a block's text and calls."""
    import re

    text, calls, pos = "", [], 0
    for m in re.finditer(r"\[\^([^\]]+)\]", marked):
        text += marked[pos:m.start()]
        calls.append((len(text), m.group(1)))
        pos = m.end()
    return text + marked[pos:], calls


def make_numbers_pdf(path: Path, embed_font: bool = False) -> list[tuple[str, str, list]]:
    """A one-page report whose note references are raised digits written
    straight after numbers ("2024" + raised "1"), whose notes open with a raised
    number glued to a figure, and whose numbered paragraphs are set apart from
    their label by a gap with no space character. Returns (kind, text, calls)
    of every block, as a reader must give it."""
    rng = random.Random(5)
    w = ReportWriter(header=None, footer=False, embed_font=embed_font)
    w.heading(NUMBERS_OPENING, 1)
    w.paragraph(filler_sentences(rng, 3))
    out = [("heading", NUMBERS_OPENING, []), ("paragraph", w.truth[-1].text, [])]
    for lines, text in NUMBERS_PARAGRAPHS:
        w.y += 8
        for runs in lines:
            w.y += BODY_LEAD
            write_runs(w, w.y, runs)
        out.append(("paragraph", *with_calls(text)))
    w.paragraph(filler_sentences(rng, 4))
    out.append(("paragraph", w.truth[-1].text, []))
    y = BOTTOM - FOOT_LEAD * len(NUMBERS_NOTES) + 6
    w.pdf.line(LEFT, y - 12, LEFT + 120, y - 12)
    for runs, text in NUMBERS_NOTES:
        write_runs(w, y, runs, size=FOOT_SIZE)
        y += FOOT_LEAD
        out.append(("footnote", text, []))
    w.save(path)
    return out


# -- lines at the top of each page that differ by a number (not running heads) ------

def make_numbered_tops_pdf(path: Path, case: str, pages: int = 6) -> list[Truth]:
    """Pages whose first line differs from page to page only by a number, as
    running heads do ("Page 3"), but which are the document's own text.

    ``case="recommendations"``: from page 2 on, each page opens with a heading
    "Recommendation N" (N = page - 1) at the very top. ``case="columns"``: each
    page opens with two columns, the left one starting "Left column page N
    begins here ..." (N = the page number, the rest of the line the same on
    every page). Running heads and "Page N of M" feet are there too."""
    rng = random.Random(13)
    w = ReportWriter()
    if case == "recommendations":
        w.heading("Recommendations of the widget review", 1)
        w.paragraph(filler_sentences(rng, 4))
        for k in range(1, pages):
            w.page_break()
            w.y = 45  # the heading stands at the very top of the page, inside its top eighth
            w.heading(f"Recommendation {k}", 2)
            w.paragraph(filler_sentences(rng, 5))
            w.paragraph(filler_sentences(rng, 3))
    elif case == "columns":
        for k in range(1, pages + 1):
            if k > 1:
                w.page_break()
            w.y = 45
            left = [f"Left column page {k} begins here with a plain account of the north district and its "
                    "three small workshops.", filler_sentences(rng, 2)]
            # the right column ends in a short line: the page's last paragraph is complete
            w.two_columns(left, [filler_sentences(rng, 2), filler_sentences(rng, 2), "No more for now."])
    else:
        raise ValueError(case)
    return w.save(path)


# -- other formats ----------------------------------------------------------------

def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Widget Services Handbook"
    d.core_properties.author = "Imaginary Council"
    d.add_heading("Widget Services Handbook", 0)
    d.add_heading("Opening hours", 1)
    d.add_paragraph("Depots open at nine and close at five on weekdays.")
    d.add_paragraph("Bring the widget and its receipt.", style="List Bullet")
    d.add_paragraph("Ask for a repair ticket at the desk.", style="List Number")
    d.add_heading("Charges", 2)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Service"
    table.cell(0, 1).text = "Fee"
    table.cell(1, 0).text = "Basic repair"
    table.cell(1, 1).text = "Free"
    d.add_paragraph("Fees are reviewed every April.")
    d.save(str(path))


def random_bytes(n: int, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(n))


def crc(data: bytes) -> int:
    return zlib.crc32(data)
