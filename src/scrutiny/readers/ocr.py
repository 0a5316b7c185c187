"""OCR for PDF pages without a text layer, with Tesseract (through pytesseract).

A page is rendered with pdfium at 300 dpi and read by Tesseract, which gives
each word with its box and its confidence (0-100). Words are grouped into the
lines Tesseract found, in PDF units, so that the PDF reader reads them like
any other page (headings by size, paragraphs by line gaps, running heads).
A page that has a text layer is never OCRed, even when it also holds images.
"""

from __future__ import annotations

import shutil

DPI = 300
INSTALL = "install tesseract-ocr, then `scrutiny ingest --ocr`"


def available() -> bool:
    """True when the ``tesseract`` program and its English data are installed."""
    return shutil.which("tesseract") is not None


def render(pdf_page, dpi: int = DPI):
    """The page as a greyscale PIL image."""
    bitmap = pdf_page.render(scale=dpi / 72, grayscale=True)
    return bitmap.to_pil()


def speck(text: str, confidence: float) -> bool:
    """A "line" Tesseract makes of a logo, a rule or a speck of dust: three
    letters or digits at most, read with under 30% confidence (", B" at 12%)."""
    return confidence < 30 and sum(ch.isalnum() for ch in text) <= 3


def read_image(image, dpi: int = DPI, page_height: float | None = None):
    """Lines of text on a page image: [(text, x0, y0, x1, size, confidence)] in
    PDF units (origin bottom-left; ``page_height`` in points), top to bottom,
    and the mean word confidence of the page."""
    import os

    import pytesseract

    # one thread: Tesseract's own threads make it several times slower on a busy machine
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(image, lang="eng", config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    scale = 72 / dpi
    height = page_height if page_height is not None else image.height * scale
    lines: dict[tuple, list] = {}
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if not word.strip() or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append((data["left"][i], data["top"][i], data["width"][i], data["height"][i],
                                          word, conf))
    out, confs = [], []
    for words in lines.values():
        words.sort()
        text = " ".join(w[4] for w in words)
        x0 = min(w[0] for w in words) * scale
        x1 = max(w[0] + w[2] for w in words) * scale
        bottom = max(w[1] + w[3] for w in words)
        # a line's height in the image is about its capitals' height: the
        # font's loose box (what pdfium reports as size) is about 1.4 times that
        tall = sorted(w[3] for w in words)[len(words) // 2]
        size = tall * scale * 1.4
        y0 = height - bottom * scale - 0.25 * size
        conf = sum(w[5] for w in words) / len(words)
        confs.extend(w[5] for w in words)
        out.append((text, x0, y0, x1, size, conf))
    # descenders and capitals make word boxes vary: a line near the page's usual
    # size is taken to be of that size (a heading stays clearly bigger)
    if out:
        usual = sorted(ln[4] for ln in out)[len(out) // 2]
        out = [(t, a, y, b, usual if 0.75 * usual <= size <= 1.3 * usual else size, c)
               for t, a, y, b, size, c in out]
    out.sort(key=lambda ln: -ln[2])
    return out, (sum(confs) / len(confs) if confs else 0.0)
