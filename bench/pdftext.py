"""Comparing the PDF reader with Poppler's pdftotext: the body lines pdftotext
prints (running heads, feet and page numbers left out), word tokens, and a
block's text as the page prints it. Used by tests/test_readers_pdf.py and by
the layout benchmark (bench/bench_layout.py)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path


def pdftotext_pages(path: Path, pdftotext: str = "pdftotext") -> list[str]:
    """The text pdftotext prints, page by page (as `pdftotext -f N -l N` would)."""
    out = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    pages = out.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _page_key(line: str, page: int) -> str:
    """A line as a running head or foot repeats it: its text with each number
    taken relative to the page's own number ("Report 7" on page 9 -> "report
    #-2"), so that a head carrying the page number recurs, and lines that
    merely differ by a number ("Recommendation 2", "Recommendation 3" opening
    successive pages) do not."""
    return re.sub(r"\d+", lambda m: f"#{int(m.group()) - page}", " ".join(line.split()).lower())


_PAGE_NUMBER_KEYS = {"#", "page #", "page # of #"}


def _running_lines(pages: list[str]) -> set[str]:
    """Lines pdftotext prints among the first/last three of a page that recur on
    30% of the pages (exactly, or but for a number that follows the page
    number; see _page_key): not body text. Bare page numbers are told apart by
    _is_running."""
    counts: Counter = Counter()
    for number, page in enumerate(pages, start=1):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        counts.update({_page_key(ln, number) for ln in lines[:3] + lines[-3:]})
    limit = max(2, int(0.3 * len(pages) + 0.5))
    return {k for k, n in counts.items() if n >= limit}


def _is_running(line: str, page: int, running: set[str]) -> bool:
    return _key(line) in _PAGE_NUMBER_KEYS or _page_key(line, page) in running


def _body_lines(page: str, running: set[str], number: int) -> list[str]:
    lines = [ln for ln in page.splitlines() if ln.strip()]
    edge = set(range(3)) | set(range(len(lines) - 3, len(lines)))
    return [ln for i, ln in enumerate(lines) if not (i in edge and _is_running(ln, number, running))]


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(\w)[-\u00ad]\s*\n\s*(\w)", r"\1\2", text)  # line-end hyphenation
    text = re.sub(r"(\w)-(\w)", r"\1\2", text)  # compounds compare joined on both sides
    return re.findall(r"[0-9a-z]+", text)


def _printed(b, sep: str = "") -> tuple[str, list[int]]:
    """A block's text as the page prints it: its note calls put back where
    they stand (``sep`` before each), and its page breaks moved with them.
    The reader takes calls out of the text (a quotation must not carry them);
    pdftotext prints them glued to the word before."""
    text, breaks = b.text, list(b.page_breaks)
    for at, mark in sorted(b.calls, reverse=True):
        text = text[:at] + sep + mark + text[at:]
        breaks = [k + (len(sep + mark) if k > at else 0) for k in breaks]
    return text, breaks


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"[^0-9a-z]", "", text)


def body_word_coverage(pages: list[str], blocks) -> tuple[int, int]:
    """(pdftotext body words found in the blocks, pdftotext body words), counted
    with multiplicity; note calls count where the page prints them."""
    running = _running_lines(pages)
    theirs = Counter()
    for number, page in enumerate(pages, start=1):
        theirs.update(_tokens("\n".join(_body_lines(page, running, number))))
    ours = Counter()
    for b in blocks:
        ours.update(_tokens(_printed(b)[0]))
    return sum(min(n, ours[w]) for w, n in theirs.items()), sum(theirs.values())
