"""PDF extraction: scrutiny's PDF reader vs Poppler's pdftotext on a ~150-page report.

The report is generated from our own synthetic text (bench/fixtures.py):
headings, numbered paragraphs, running heads and page numbers, footnotes and
some two-column pages. It is made twice: with an embedded TrueType font, as
published reports are (when the machine has Liberation Sans or DejaVu Sans),
and with the standard Helvetica that PDF viewers supply (not embedded).

Timings are interleaved (pdftotext, our reader, pdftotext, ...) and the best
of five of each is kept, so that load from other processes hits both sides
alike. The pdftotext figure includes its process start, as a user sees it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench import Result

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5
REPEAT = 5


def _best_interleaved(fns: dict, repeat: int = REPEAT) -> dict:
    best = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def _measure(path: Path, label: str, workdir: Path) -> Result:
    import pypdfium2 as pdfium

    from scrutiny.readers import pdf as pdf_reader

    pdftotext = shutil.which("pdftotext")
    out = workdir / "out.txt"

    def raw_text():
        d = pdfium.PdfDocument(str(path))
        try:
            for page in d:
                page.get_textpage().get_text_range()
        finally:
            d.close()

    def workers(n: str):
        def run():
            os.environ["SCRUTINY_PDF_WORKERS"] = n
            try:
                return pdf_reader.read(path)
            finally:
                del os.environ["SCRUTINY_PDF_WORKERS"]
        return run

    def without_layout():
        """The reader without its layout pass (drawing objects, boxes, tables, charts)."""
        from scrutiny.readers import pdf_layout

        shapes, regions = pdf_layout.page_shapes, pdf_reader._find_regions
        pdf_layout.page_shapes, pdf_reader._find_regions = (lambda raw, page: []), (lambda *a: None)
        os.environ["SCRUTINY_PDF_WORKERS"] = "1"
        try:
            return pdf_reader.read(path)
        finally:
            pdf_layout.page_shapes, pdf_reader._find_regions = shapes, regions
            del os.environ["SCRUTINY_PDF_WORKERS"]

    doc = pdf_reader.read(path)  # warm up (imports, font caches) before timing
    best = _best_interleaved({
        "pdftotext": lambda: subprocess.run([pdftotext, str(path), str(out)], check=True),
        "ours": lambda: pdf_reader.read(path),
        "serial": workers("1"),
        "two": workers("2"),
        "raw": raw_text,
        "no_layout": without_layout,
    })
    base = best["pdftotext"]
    ratio = best["ours"] / base
    return Result(
        name=f"PDF reader, {doc.pages} pages, {label}",
        value=best["ours"], unit="s", baseline_name="pdftotext", baseline=base,
        target=f"ratio <= {TARGET}", ok=ratio <= TARGET,
        notes=[f"{len(doc.blocks)} blocks; raw pypdfium2 get_text_range of all pages: {best['raw']:.3f} s "
               f"({best['raw'] / base:.2f}x pdftotext)",
               f"our reader in one process (SCRUTINY_PDF_WORKERS=1): {best['serial']:.3f} s "
               f"({best['serial'] / base:.2f}x); in two processes (SCRUTINY_PDF_WORKERS=2, forced): "
               f"{best['two']:.3f} s ({best['two'] / base:.2f}x); reader as run: second process "
               f"{'used' if pdf_reader._workers(doc.pages) == 2 else 'not used (load too high)'}",
               f"layout pass (drawing objects; boxes, tables, charts found): one process with it "
               f"{best['serial']:.3f} s, without it {best['no_layout']:.3f} s: "
               f"{1000 * (best['serial'] - best['no_layout']) / doc.pages:.2f} ms a page "
               f"({(best['serial'] - best['no_layout']) / best['serial']:.0%} of the reader's time)"],
    )


def run(workdir: Path) -> list[Result]:
    from bench.fixtures import FONT_FILES, make_long_report_pdf

    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed: no baseline to compare with")
    results = []
    if any(Path(regular).is_file() for regular, _ in FONT_FILES):
        path = workdir / "synthetic report embedded.pdf"
        make_long_report_pdf(path, pages=150, embed_font=True)
        results.append(_measure(path, "embedded TrueType font", workdir))
    path = workdir / "synthetic report helvetica.pdf"
    make_long_report_pdf(path, pages=150)
    results.append(_measure(path, "standard Helvetica, not embedded", workdir))
    real = sorted((REPO.parent / "shared" / "real-documents").glob("*.pdf"))
    if real:  # the government PDFs of ../shared, when present: the same comparison, as notes
        from scrutiny.readers import pdf as pdf_reader

        pdftotext = shutil.which("pdftotext")
        for doc_path in real:
            pdf_reader.read(doc_path)
            best = _best_interleaved({
                "pdftotext": lambda p=doc_path: subprocess.run([pdftotext, str(p), str(workdir / "real.txt")], check=True),
                "ours": lambda p=doc_path: pdf_reader.read(p),
            }, repeat=3)
            results[-1].notes.append(f"real PDF {doc_path.name}: ours {best['ours']:.3f} s vs pdftotext "
                                     f"{best['pdftotext']:.3f} s ({best['ours'] / best['pdftotext']:.2f}x)")
    load = os.getloadavg()[0]
    for r in results:
        r.notes.append(f"cores: {os.cpu_count()}, load average {load:.2f} at {time.strftime('%H:%M:%S')}")
    return results
