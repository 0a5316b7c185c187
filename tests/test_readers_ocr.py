"""OCR of pages without a text layer (Tesseract): our own page rasterised, and
two pages of the scanned Post Office response in ../shared, against a
transcription made by reading the page images (tests/data)."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import IN_CI, REAL_DOCS_DIR
from scrutiny.errors import ReaderError
from scrutiny.readers import read

TESSERACT = shutil.which("tesseract")
SCANNED = REAL_DOCS_DIR / "scanned" / "post-office-horizon-inquiry-government-response-scanned.pdf"
TRANSCRIPT = Path(__file__).parent / "data" / "post-office-scanned-pages-4-5.txt"


@pytest.fixture
def tesseract():
    if TESSERACT is None:
        if IN_CI:
            pytest.fail("tesseract is required in CI (tesseract-ocr, tesseract-ocr-eng)")
        pytest.skip("tesseract (tesseract-ocr) is not installed")
    return TESSERACT


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.lower().replace("\u2019", "'"))


def _accuracy(reference: str, got: str) -> float:
    ref, hyp = _words(reference), _words(got)
    matched = sum(b.size for b in difflib.SequenceMatcher(None, ref, hyp, autojunk=False).get_matching_blocks())
    return matched / len(ref)


def _rasterised(tmp_path, source: Path, first: int, last: int) -> Path:
    from bench.layout import rasterised

    return rasterised(tmp_path, source, first, last)


def test_our_page_rasterised_reads_back_by_ocr(tmp_path, tesseract):
    from bench.fixtures import CONTEXT_PARA, ReportWriter

    w = ReportWriter(header=None, footer=False)
    w.heading("Widget depots after the winter", 1)
    w.paragraph(CONTEXT_PARA)
    src = tmp_path / "typed.pdf"
    w.save(src)
    scan = _rasterised(tmp_path, src, 1, 1)
    with pytest.raises(ReaderError) as err:
        read(scan)  # no --ocr: refused, saying how
    assert "needs OCR (run `scrutiny ingest --ocr`)" in err.value.reason
    doc = read(scan, ocr=True)
    assert [b.page for b in doc.blocks] == [1] * len(doc.blocks)
    text = " ".join(b.text for b in doc.blocks)
    assert _accuracy("Widget depots after the winter " + CONTEXT_PARA, text) >= 0.97
    assert all(b.layout["ocr"]["confidence"] > 80 for b in doc.blocks)
    assert doc.blocks[0].kind == "heading"


def test_without_tesseract_a_scan_gets_the_install_advice(tmp_path, monkeypatch, tesseract):
    from bench.fixtures import CONTEXT_PARA, ReportWriter
    from scrutiny.readers import ocr

    w = ReportWriter(header=None, footer=False)
    w.paragraph(CONTEXT_PARA)
    src = tmp_path / "typed.pdf"
    w.save(src)
    scan = _rasterised(tmp_path, src, 1, 1)
    monkeypatch.setattr(ocr, "available", lambda: False)
    for flag in (False, True):
        with pytest.raises(ReaderError) as err:
            read(scan, ocr=flag)
        assert err.value.reason == ("no text layer: the PDF is scanned images and needs OCR "
                                    "(install tesseract-ocr, then `scrutiny ingest --ocr`)")


def test_a_page_with_text_and_a_picture_keeps_its_text_layer(tmp_path, tesseract, monkeypatch):
    from bench.fixtures import CONTEXT_PARA, ReportWriter
    from scrutiny.readers import ocr

    w = ReportWriter(header=None, footer=False)
    w.paragraph(CONTEXT_PARA)
    w.image_page()
    path = tmp_path / "mixed.pdf"
    w.save(path)
    calls = []
    real = ocr.read_image
    monkeypatch.setattr(ocr, "read_image", lambda *a, **k: calls.append(1) or real(*a, **k))
    doc = read(path, ocr=True)
    assert doc.blocks[0].text == CONTEXT_PARA and "ocr" not in doc.blocks[0].layout
    assert len(calls) == 1  # the picture page only


def test_scanned_post_office_pages_by_ocr_match_a_transcription(tmp_path, tesseract):
    """Pages 4 and 5 of the scanned response: 95% of the transcription's words
    in order, and its recommendations as headings on their pages."""
    if not SCANNED.is_file():
        pytest.skip(f"scanned PDF not found at {SCANNED} (../shared is absent)")
    import pypdfium2 as pdfium

    part = tmp_path / "pages-4-5.pdf"
    src, out = pdfium.PdfDocument(str(SCANNED)), pdfium.PdfDocument.new()
    out.import_pages(src, [3, 4])
    out.save(str(part))
    doc = read(part, ocr=True)
    reference = TRANSCRIPT.read_text(encoding="utf-8").split("\n== page ")
    pages = {int(chunk.split("\n", 1)[0]): chunk.split("\n", 1)[1] for chunk in reference[1:]}
    got = " ".join(b.text for b in doc.blocks)
    accuracy = _accuracy(pages[4] + "\n" + pages[5], got)
    assert accuracy >= 0.95, (accuracy, got[:300])
    for original, page in ((4, 1), (5, 2)):  # each page's words on that page
        assert _accuracy(pages[original], " ".join(b.text for b in doc.blocks if b.page <= page <= b.page_end)) \
            >= 0.9, original
    headings = [(b.text, b.page + 3) for b in doc.blocks if b.text.startswith("Recommendation ")
                and b.text[15:].isdigit()]
    assert headings == [("Recommendation 1", 4), ("Recommendation 2", 4), ("Recommendation 3", 4),
                        ("Recommendation 4", 5)]
    # each passage says how sure the reading of its own words is: the page's text
    # above 85%, the browser's print footer (a long URL, and the page of 16) below
    assert all(0 < b.layout["ocr"]["confidence"] <= 100 for b in doc.blocks)
    assert all(b.layout["ocr"]["confidence"] > 85 for b in doc.blocks if not b.text.startswith("https://"))
    assert min(b.layout["ocr"]["confidence"] for b in doc.blocks) < 85
    assert not any("GOV.UK" in b.text and b.text.startswith("1/30/26") for b in doc.blocks)


def test_specks_read_with_little_confidence_are_not_text():
    from scrutiny.readers.ocr import speck

    assert speck(", B", 12) and speck("~", 5)
    assert not speck(", B", 60) and not speck("Policy paper", 20)


def test_a_scanned_cover_is_front_matter_marked_as_ocr(tmp_path, tesseract):
    import random

    from bench.fixtures import filler_sentences
    from bench.layout import LayoutWriter

    w = LayoutWriter()
    w.cover("Widget Depots Review", "A report of an imaginary council", "June 2031")
    w.page_break()
    w.paragraph(filler_sentences(random.Random(3), 6))
    src = tmp_path / "cover.pdf"
    w.save(src)
    doc = read(_rasterised(tmp_path, src, 1, 2), ocr=True)
    (cover,) = [b for b in doc.blocks if b.page == 1]
    assert cover.kind == "front_matter" and cover.layout["ocr"]["confidence"] > 80
    assert all("ocr" in b.layout for b in doc.blocks)
