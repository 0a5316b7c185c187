"""Page numbers as a document prints them.

A passage's ``page`` is its *physical* page: the PDF's page index plus one,
what a viewer opens with ``#page=N``. A reader of the printed report sees
another number: a cover and a contents page often come before page 1, and
front matter may be numbered i, ii, iii. Citations, ``scrutiny show``,
search results and the site give the printed number; links into the PDF
keep the physical one.

The PDF reader decides each page's printed label once (:func:`decide`) and
ingest stores the list with the document (``page_labels``, None when the
labels are the physical numbers). :func:`label` is the one mapping from a
physical page to its printed label; everything that shows a page goes
through it (:func:`locator`, :func:`page_ref`).
"""

from __future__ import annotations

import re

_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
RANGE_DASH = "\u2013"  # between two labels that hold a hyphen themselves ("C-1–C-2")


def roman_value(text: str) -> int | None:
    """The value of a lower-case roman numeral ("iv" -> 4), else None."""
    if not text or not _ROMAN.match(text):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for a, b in zip(text, text[1:] + " "):
        v = values[a]
        total += -v if b != " " and values[b] > v else v
    return total


def to_roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


def decide(n_pages: int, pdf_labels=None, printed: dict | None = None) -> list[str] | None:
    """The printed label of each physical page (a list of ``n_pages``), or None
    when they are the physical numbers.

    1. The PDF's own page labels (/PageLabels), when it has them and they are
       not just 1, 2, 3 ...; a page they leave without a label is "[n]".
    2. Else the page numbers printed on the pages (``printed``: physical page
       -> the number the reader found at its head or foot), when they are
       consistent across the document: every arabic number at one distance
       from its physical page, on three pages or more, and roman numbers, if
       any, at one distance of their own and all before the arabic ones.
       Pages that print no number get theirs by counting on from the others
       (a chapter opener is counted but not numbered); pages before the
       counting starts (a cover before page i or page 1) are "[n]", the
       physical number in brackets, as bibliographies give a page that
       prints no number.
    3. Else None: the physical numbers are the labels.
    """
    labels = [(label or "").strip() for label in (pdf_labels or ())][:n_pages]
    if any(labels) and any(label != str(i + 1) for i, label in enumerate(labels) if label):
        labels += [""] * (n_pages - len(labels))
        return [label or f"[{i + 1}]" for i, label in enumerate(labels)]
    arabic: dict[int, int] = {}
    roman: dict[int, int] = {}
    for n, text in (printed or {}).items():
        text = (text or "").strip().lower()
        if text.isdigit():
            arabic[n] = int(text)
        elif roman_value(text):
            roman[n] = roman_value(text)
    offsets = {n - v for n, v in arabic.items()}
    if len(offsets) != 1 or len(arabic) < 3:
        return None
    a = offsets.pop()
    r = None
    if roman:
        roman_offsets = {n - v for n, v in roman.items()}
        if len(roman_offsets) != 1 or max(roman) >= min(arabic):
            return None  # numbers that do not count one way: do not guess
        r = roman_offsets.pop()
    if a == 0 and r is None:
        return None
    out = []
    for n in range(1, n_pages + 1):
        if r is not None and (n <= max(roman) or n - a < 1) and n - r >= 1:
            out.append(to_roman(n - r))
        elif n - a >= 1 and (r is None or n > max(roman)):
            out.append(str(n - a))
        else:
            out.append(f"[{n}]")
    return out


def label(labels, page: int | None) -> str | None:
    """The printed label of physical page ``page`` (``labels``: a document's
    ``page_labels``, or the document itself). The one mapping."""
    if page is None:
        return None
    if isinstance(labels, dict):
        labels = labels.get("page_labels")
    if labels and 1 <= page <= len(labels) and labels[page - 1]:
        return labels[page - 1]
    return str(page)


def locator(labels, page: int | None, page_end: int | None = None) -> str | None:
    """A page span as printed: "12", "12-13", "iv-vi", "C-1–C-2"."""
    first = label(labels, page)
    if first is None:
        return None
    last = label(labels, page_end) if page_end is not None and page_end != page else None
    if not last or last == first:
        return first
    dash = RANGE_DASH if "-" in first or "-" in last else "-"
    return f"{first}{dash}{last}"


def split(loc: str) -> tuple[str, str | None]:
    """A locator's first and last label ("12-13" -> ("12", "13"); "C-1" -> ("C-1", None))."""
    if RANGE_DASH in loc:
        first, _, last = loc.partition(RANGE_DASH)
        return first, last
    first, sep, last = loc.partition("-")
    if sep and "-" not in last and ((first.isdigit() and last.isdigit())
                                    or (roman_value(first) and roman_value(last))):
        return first, last
    return loc, None


def page_ref(labels, page: int | None, page_end: int | None = None, words: bool = False) -> str:
    """"p. 12" or "pp. 12–13" (printed labels), as the CLI and the site show a
    span; with ``words``, "page 12" or "pages 12–13" (for a sentence)."""
    if page is None:
        return ""
    return span_ref(label(labels, page), label(labels, page_end if page_end is not None else page), words)


def span_ref(first: str, last: str | None, words: bool = False) -> str:
    """"p. 12" or "pp. 12–13" from two printed labels (see :func:`page_ref`)."""
    one, many = ("page", "pages") if words else ("p.", "pp.")
    return f"{many} {first}\u2013{last}" if last and last != first else f"{one} {first}"


def printed_number(labels, page: int | None) -> int | None:
    """The printed page as a number, for a ``--page`` filter (None for "iv", "C-1", "[1]")."""
    text = label(labels, page)
    return int(text) if text and text.isdigit() else None
