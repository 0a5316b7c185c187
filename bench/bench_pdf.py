"""PDF extraction: scrutiny's PDF reader vs Poppler's pdftotext on a ~150-page report.

The report is generated from our own synthetic text (tests/helpers_fixtures.py):
headings, numbered paragraphs, running heads and page numbers, footnotes and
some two-column pages. Both sides are timed as the best of three runs; the
pdftotext figure includes its process start, as a user running it would see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import Result, timed

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5


def run(workdir: Path) -> list[Result]:
    sys.path.insert(0, str(REPO / "tests"))
    from helpers_fixtures import make_long_report_pdf

    from scrutiny.readers import pdf as pdf_reader

    path = workdir / "synthetic report.pdf"
    pages, _ = make_long_report_pdf(path, pages=150)
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed: no baseline to compare with")

    ours, doc = timed(pdf_reader.read, path, repeat=3)
    base, _ = timed(subprocess.run, [pdftotext, str(path), str(workdir / "out.txt")], check=True, repeat=3)

    import pypdfium2 as pdfium

    def raw_text():
        d = pdfium.PdfDocument(str(path))
        try:
            for page in d:
                page.get_textpage().get_text_range()
        finally:
            d.close()

    raw, _ = timed(raw_text, repeat=3)
    os.environ["SCRUTINY_PDF_WORKERS"] = "1"
    try:
        serial, _ = timed(pdf_reader.read, path, repeat=3)
    finally:
        del os.environ["SCRUTINY_PDF_WORKERS"]
    ratio = ours / base
    return [Result(
        name=f"PDF reader, {pages} pages -> {len(doc.blocks)} blocks",
        value=ours, unit="s", baseline_name="pdftotext", baseline=base,
        target=f"ratio <= {TARGET}", ok=ratio <= TARGET,
        notes=[f"raw pypdfium2 get_text_range, all pages: {raw:.3f} s ({raw / base:.2f}x pdftotext)",
               f"our reader in one process (SCRUTINY_PDF_WORKERS=1): {serial:.3f} s ({serial / base:.2f}x)",
               f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, measured {time.strftime('%H:%M:%S')}"],
    )]
