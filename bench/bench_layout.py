"""Reading real publications as a person reads them: words kept, page furniture left out, contents linked, tables and OCR timed.

On every real PDF of ../shared/real-documents (read at run time):

- the share of pdftotext's body words (running heads, feet and page numbers
  left out, the same comparison as tests/test_readers_pdf.py) found in the
  passages (target >= 99%);
- passages that are bare numbers outside tables and figures (target 0);
- passages that are running heads or feet (a line pdftotext prints at the
  edge of 30% of the pages), page numbers or chapter numerals (target 0);
- contents entries linked to the page they name (target: all).

Then the cost of what the layout pass adds: the time pdfplumber's table
finder takes per table page (against pdftotext reading that one page), and
OCR seconds per page (render and Tesseract, through the reader) against the
`tesseract` program alone on the same page image, both with one thread.
The reader's speed on text-only pages is in the pdf benchmark.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from bench import Result

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "real-documents"
SCANNED = REAL / "scanned" / "post-office-horizon-inquiry-government-response-scanned.pdf"
_BARE = re.compile(r"[\d\s.,%£$€()\-\u2013\u2212/]+")
_NUMERAL = re.compile(r"(?:chapter|part|section)?\s*(?:\d{1,2}|[ivxlc]{1,6})\.?", re.IGNORECASE)
_PAGE = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*of\s*\d{1,4})?", re.IGNORECASE)


def _furniture(passages, pages: list[str]) -> list[str]:
    """Passages that are running heads or feet, page numbers or chapter numerals."""
    from bench.pdftext import _page_key, _running_lines

    running = _running_lines(pages) - {""}
    out = []
    for p in passages:
        if p.kind in ("table", "figure", "contents", "front_matter"):
            continue
        text = p.text.strip()
        if _page_key(text, p.page) in running or _PAGE.fullmatch(text) or _NUMERAL.fullmatch(text):
            out.append(text)
    return out


def _real_pdf_measures(path: Path) -> list[Result]:
    from bench.pdftext import body_word_coverage, pdftotext_pages

    from scrutiny.passages import make_passages
    from scrutiny.readers import read

    doc = read(path)
    passages = make_passages("doc", doc.blocks)
    pages = pdftotext_pages(path)
    found, total = body_word_coverage(pages, doc.blocks)
    bare = [p.text for p in passages if p.kind not in ("table", "figure") and _BARE.fullmatch(p.text)]
    furniture = _furniture(passages, pages)
    entries = [e for p in passages if p.kind == "contents" for e in p.layout.get("entries", [])]
    linked = [e for e in entries if e.get("target")]
    kinds = {}
    for p in passages:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    name = path.stem.split("-")[0]
    return [
        Result(f"{name}: body words kept", 100 * found / total, "%", "pdftotext body words", 100.0,
               target=">= 99%", ok=found / total >= 0.99,
               notes=[f"{found} of {total} words; {len(passages)} passages: "
                      + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))]),
        Result(f"{name}: bare-number passages", len(bare), "passages", target="0", ok=not bare,
               notes=[f"e.g. {bare[:5]}"] if bare else []),
        Result(f"{name}: running heads, page numbers, numerals", len(furniture), "passages", target="0",
               ok=not furniture, notes=[f"e.g. {furniture[:5]}"] if furniture else []),
        Result(f"{name}: contents entries linked", len(linked), "entries", "entries", len(entries),
               target="all", ok=len(linked) == len(entries),
               notes=[] if entries else ["no contents page"]),
    ]


def _table_cost(workdir: Path) -> Result:
    """Seconds pdfplumber's table finder takes per table page, against
    pdftotext reading the same single page."""
    from bench.layout import make_layout_report_pdf

    from scrutiny.readers import pdf as pdf_reader
    from scrutiny.readers import pdf_layout

    fixture = workdir / "layout-report.pdf"
    make_layout_report_pdf(fixture)
    docs = [fixture] + [p for p in sorted(REAL.glob("*.pdf"))]
    calls: list[tuple[Path, int, float]] = []
    real_read_tables = pdf_layout.read_tables

    def timed_read_tables(path, page_index, *args, **kwargs):
        t = time.perf_counter()
        try:
            return real_read_tables(path, page_index, *args, **kwargs)
        finally:
            calls.append((Path(path), page_index, time.perf_counter() - t))

    os.environ["SCRUTINY_PDF_WORKERS"] = "1"  # the timing wrapper lives in this process
    pdf_layout.read_tables = timed_read_tables
    try:
        for path in docs:
            pdf_reader.read(path)
    finally:
        pdf_layout.read_tables = real_read_tables
        del os.environ["SCRUTINY_PDF_WORKERS"]
    if not calls:
        raise RuntimeError("no table page found")
    pdftotext = shutil.which("pdftotext")
    base = []
    for path, index, _ in calls:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([pdftotext, "-f", str(index + 1), "-l", str(index + 1), str(path), os.devnull], check=True)
            best = min(best, time.perf_counter() - t)
        base.append(best)
    per_page = sum(c[2] for c in calls) / len(calls)
    return Result("table detection per table page (pdfplumber)", per_page, "s", "pdftotext, that page",
                  sum(base) / len(base), target="report",
                  notes=[f"{len(calls)} table pages: " + ", ".join(f"{p.name} p.{i + 1} {s:.3f} s"
                                                                   for p, i, s in calls)])


def _ocr_cost(workdir: Path) -> Result:
    """OCR seconds per page: the reader (render at 300 dpi, Tesseract, layout)
    against the tesseract program alone on the same page image."""
    import pypdfium2 as pdfium

    from scrutiny.readers import ocr, read

    if shutil.which("tesseract") is None:
        raise RuntimeError("tesseract (tesseract-ocr) is not installed")
    if SCANNED.is_file():
        src, part = pdfium.PdfDocument(str(SCANNED)), pdfium.PdfDocument.new()
        part.import_pages(src, [3, 4])
        path = workdir / "scanned-pages-4-5.pdf"
        part.save(str(path))
        label = "scanned Post Office response, pages 4-5"
    else:  # our own page, rasterised
        from bench.fixtures import CONTEXT_PARA, ReportWriter
        from bench.layout import rasterised

        w = ReportWriter(header=None, footer=False)
        w.paragraph(CONTEXT_PARA)
        typed = workdir / "typed.pdf"
        w.save(typed)
        path = rasterised(workdir, typed)
        label = "our page, rasterised"
    doc = pdfium.PdfDocument(str(path))
    n = len(doc)
    images = []
    for i in range(n):
        image = workdir / f"ocr-page-{i + 1}.png"
        ocr.render(doc[i]).save(image)
        images.append(image)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # as the reader runs it
    t = time.perf_counter()
    read(path, ocr=True)
    ours = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for image in images:
        subprocess.run(["tesseract", str(image), str(workdir / "tess"), "-l", "eng", "--psm", "3"], check=True,
                       env=env, capture_output=True)
    theirs = (time.perf_counter() - t) / n
    return Result("OCR per page (render + Tesseract + layout)", ours, "s/page", "tesseract alone", theirs,
                  target="report", notes=[f"{label}, {n} pages at {ocr.DPI} dpi, one thread each"])


def run(workdir: Path) -> list[Result]:
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed: no baseline to compare with")
    results: list[Result] = []
    for path in sorted(REAL.glob("*.pdf")):
        results += _real_pdf_measures(path)
    if not results:
        print("   (no real PDFs in ../shared/real-documents: only the fixture's timings)")
    results.append(_table_cost(workdir))
    results.append(_ocr_cost(workdir))
    load = os.getloadavg()[0]
    results[-1].notes.append(f"cores: {os.cpu_count()}, load average {load:.2f} at {time.strftime('%H:%M:%S')}")
    return results
