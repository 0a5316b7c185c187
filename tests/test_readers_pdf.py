"""The PDF reader, on PDFs the tests generate (fpdf2) and on the real
government PDFs in ../shared/real-documents (read at run time)."""

from __future__ import annotations

import os
import random
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bench.pdftext import (_body_lines, _page_key, _printed, _running_lines, _squash, _tokens,
                             pdftotext_pages)
from bench.fixtures import (
    COLUMN_LEFT, COLUMN_RIGHT, CONTEXT_PARA, DINGBAT_ITEM, HEADER_TEXT, LEAD_ITEM, HYPHEN_PARA, ReportWriter, filler_sentences,
    make_feature_pdf, random_bytes,
)
from scrutiny.errors import ReaderError
from scrutiny.readers import read
from scrutiny.readers._clean import HYPHEN_MARK, Dehyphenator, clean
from scrutiny.readers.base import FOOTNOTE, HEADING, LIST_ITEM, PARAGRAPH

PDFTOTEXT = shutil.which("pdftotext") or ("/usr/bin/pdftotext" if Path("/usr/bin/pdftotext").exists() else None)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _ws(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def feature(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "feature report.pdf"
    truth = make_feature_pdf(path)
    return path, truth, read(path)


# -- the generated feature PDF ----------------------------------------------------------

def test_every_paragraph_heading_and_footnote_is_found_with_its_kind_and_pages(feature):
    _, truth, doc = feature
    for t in truth:
        matches = [b for b in doc.blocks if b.text == t.text
                   or (t.kind == PARAGRAPH and re.fullmatch(re.escape(t.text) + r" ?\d", b.text))]
        assert len(matches) == 1, f"{t.kind} {t.text[:60]!r} found {len(matches)} times"
        block = matches[0]
        assert block.kind == t.kind, t.text
        assert (block.page, block.page_end) == (t.page, t.page_end), t.text


def test_blocks_come_in_reading_order(feature):
    _, truth, doc = feature
    wanted = [t.text for t in truth if t.kind != FOOTNOTE]
    got = [b.text for b in doc.blocks if b.kind != FOOTNOTE]
    positions = []
    for text in wanted:
        positions.append(next(i for i, g in enumerate(got) if g == text or g.startswith(text)))
    assert positions == sorted(positions)


def test_heading_levels_follow_font_sizes(feature):
    _, truth, doc = feature
    level = {b.text: b.level for b in doc.blocks if b.kind == HEADING}
    assert level["Widget Services Review"] < level["1. Introduction"] < level["1.1 Method"]
    assert level["1. Introduction"] == level["2. Findings on waiting times"] == level["4. Next steps"]
    assert all(b.level == 0 for b in doc.blocks if b.kind != HEADING)


def test_running_heads_and_page_numbers_are_removed(feature):
    _, _, doc = feature
    for b in doc.blocks:
        assert HEADER_TEXT not in b.text
        assert not re.search(r"Page \d+ of \d+", b.text)
        assert not re.fullmatch(r"\d+", b.text)


def test_line_end_hyphens_are_joined_and_real_hyphens_kept(feature):
    _, _, doc = feature
    para = next(b for b in doc.blocks if b.text.startswith("The panel asked"))
    assert para.text == HYPHEN_PARA
    assert "recommendation" in para.text and "high-level" in para.text
    assert "non-clinical" in para.text and "evidence-based" in para.text
    assert HYPHEN_MARK not in " ".join(b.text for b in doc.blocks)


def test_paragraph_across_a_page_break_is_one_block(feature):
    _, truth, doc = feature
    spanning = [t for t in truth if t.page_end > t.page]
    assert spanning, "the fixture must have a paragraph that runs over a page"
    for t in spanning:
        block = next(b for b in doc.blocks if b.text == t.text)
        assert (block.page, block.page_end) == (t.page, t.page_end)


def test_page_breaks_say_where_the_text_goes_on_overleaf(feature):
    """A block joined across a page break records the offset where the next
    page's text begins; every other block (footnotes too) records none."""
    from scrutiny.passages import Passage

    def page_at(page, breaks, offset):  # a block's page lookup is its passage's
        return Passage("b", "d", 0, "paragraph", page, page, "", page_breaks=list(breaks)).page_at(offset)

    _, truth, doc = feature
    for t in (t for t in truth if t.page_end > t.page):
        block = next(b for b in doc.blocks if b.text == t.text)
        assert t.page_breaks and block.page_breaks == t.page_breaks
        brk = block.page_breaks[0]
        assert page_at(block.page, block.page_breaks, brk - 1) == t.page
        assert page_at(block.page, block.page_breaks, brk) == t.page + 1
    for b in doc.blocks:
        assert len(b.page_breaks) == b.page_end - b.page
        if b.page_end == b.page:
            assert b.page_breaks == []


def test_page_break_inside_a_word_split_at_the_page_end(tmp_path):
    """A word hyphenated at the foot of a page ("recom-" / "mendation") is
    joined, and the break falls inside it, after the part on the first page."""
    from bench.fixtures import BODY_LEAD, BOTTOM, ReportWriter

    w = ReportWriter(header=None, footer=False)
    rng = random.Random(4)
    while w.y < BOTTOM - 8 * BODY_LEAD:
        w.paragraph(filler_sentences(rng, 3))
    # every line but the last ends in a split word: wherever the page ends, one is split
    lines = ["The panel asked for one recom-"] + [f"mendation per district in round {k}, and one recom-"
                                                    for k in range(24)] + ["mendation in all."]
    w.paragraph("", lines=lines)
    path = tmp_path / "split.pdf"
    truth = w.save(path)
    assert truth[-1].page_end == 2
    block = next(b for b in read(path).blocks if b.page_end == 2)
    assert "recom-" not in block.text and len(block.page_breaks) == 1
    brk = block.page_breaks[0]
    head, tail = block.text[:brk], block.text[brk:]
    assert head.endswith(" one recom") and tail.startswith("mendation per district in round ")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:  # the first line pdfium reads on page 2 is where the break must fall
        first_line = re.split(r"\r\n|[-\ufffe]", pdf[1].get_textpage().get_text_range())[0].strip()
    finally:
        pdf.close()
    assert first_line.startswith("mendation per district in round ") and tail.startswith(first_line)


def test_two_columns_are_read_column_by_column(feature):
    _, _, doc = feature
    texts = [b.text for b in doc.blocks]
    order = [texts.index(p) for p in COLUMN_LEFT + COLUMN_RIGHT]
    assert order == sorted(order) and order == list(range(order[0], order[0] + 4))


def test_footnotes_are_small_print_at_the_page_foot(feature):
    _, _, doc = feature
    notes = [b for b in doc.blocks if b.kind == FOOTNOTE]
    assert [n.text for n in notes] == ["1 Visits took place between March and May of an invented year.",
                                       "2 Figures are rounded to the nearest week."]
    assert [n.page for n in notes] == [1, 3]


def test_bullets_become_list_items(feature):
    _, _, doc = feature
    items = [b.text for b in doc.blocks if b.kind == LIST_ITEM]
    assert items == ["Every district was asked the same twelve questions.",
                     "Answers were checked against the published accounts of each provider.",
                     DINGBAT_ITEM, "Costs: " + LEAD_ITEM]


def test_image_only_page_gives_a_warning_naming_it(feature):
    _, _, doc = feature
    assert len(doc.warnings) == 1 and "page 5" in doc.warnings[0] and "OCR" in doc.warnings[0]
    assert doc.pages == 6
    assert not [b for b in doc.blocks if b.page == 5]


def test_metadata_title_and_author(feature):
    _, _, doc = feature
    assert doc.metadata["title"] == "Widget Services Review"
    assert doc.metadata["authors"] == ["Imaginary Council"]


def test_file_name_with_spaces_and_non_ascii(tmp_path):
    path = tmp_path / "rapport d'été – n°2.pdf"
    w = ReportWriter(header=None, footer=False)
    w.heading("Résumé of the widget review", 1)
    w.paragraph(CONTEXT_PARA)
    w.save(path)
    doc = read(path)
    assert [b.text for b in doc.blocks] == ["Résumé of the widget review", CONTEXT_PARA]


def test_metadata_title_left_out_when_meaningless(tmp_path):
    path = tmp_path / "meta.pdf"
    w = ReportWriter(header=None, footer=False, title="Microsoft Word - draft7.docx")
    w.paragraph(CONTEXT_PARA)
    w.save(path)
    assert "title" not in read(path).metadata


# -- bad input ----------------------------------------------------------------------------

def test_encrypted_pdf_is_refused_with_a_clear_reason(tmp_path):
    path = tmp_path / "locked.pdf"
    w = ReportWriter()
    w.paragraph(CONTEXT_PARA)
    w.save(path, encrypt_password="secret")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason.startswith("encrypted PDF: ")
    assert str(path) in str(err.value)


def test_truncated_pdf_is_refused(tmp_path, feature):
    src, _, _ = feature
    data = src.read_bytes()
    for cut in (len(data) // 2, len(data) - 300):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        with pytest.raises(ReaderError) as err:
            read(path)
        assert err.value.reason.startswith("not a valid PDF (damaged or truncated): ")


# the reason, then the advice: plain words, no brackets, no full stop before the semicolon
_CLEAN_DAMAGED = re.compile(r"not a valid PDF \(damaged or truncated\): [a-z][^().;]*[A-Za-z]; [a-z][^().;]*[A-Za-z]")


def test_random_bytes_named_pdf_are_refused(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(random_bytes(5000))
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason.startswith("not a valid PDF (damaged or truncated): ")
    assert _CLEAN_DAMAGED.fullmatch(err.value.reason), err.value.reason
    # random bytes after a PDF header: pdfium itself must refuse them, and its own
    # wording ("Failed to load document (PDFium: Data format error).") stays out
    path.write_bytes(b"%PDF-1.7\n" + random_bytes(5000) + b"\n%%EOF\n")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason == ("not a valid PDF (damaged or truncated): its internal structure cannot be "
                                "parsed; download it again")
    assert str(err.value) == f"{path}: {err.value.reason}"


def test_pdf_cut_short_at_many_points_gets_a_clean_reason(tmp_path, feature):
    """Wherever a download stops, the reason is one clean sentence: no pdfium
    wording, no stray brackets or full stops before the advice."""
    src, _, _ = feature
    data = src.read_bytes()
    reasons = set()
    for cut in (40, 200, 1000, len(data) // 3, len(data) // 2, len(data) - 2000, len(data) - 30):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        with pytest.raises(ReaderError) as err:
            read(path)
        reasons.add(err.value.reason)
        assert _CLEAN_DAMAGED.fullmatch(err.value.reason), err.value.reason
        assert "PDFium" not in err.value.reason and ".;" not in err.value.reason
    assert any("structure cannot be parsed" in r for r in reasons), reasons


def test_html_page_saved_as_pdf_is_named_as_such(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason.startswith("not a valid PDF (damaged or truncated): this is an HTML page")


def test_scanned_pdf_without_text_layer_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    w = ReportWriter(header=None, footer=False)
    w.image_page()
    w.image_page()
    w.save(path)
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason.startswith("no text layer: ") and "OCR" in err.value.reason


# -- clean-up rules -----------------------------------------------------------------------

def test_clean_normalises_ligatures_soft_hyphens_and_spaces_but_keeps_curly_quotes():
    assert clean("e\ufb00ective \ufb01nance") == "effective finance"
    assert clean("recom\u00admendation") == "recommendation"
    assert clean("a\u00a0b \t\n c") == "a b c"
    assert clean("\u201cquoted\u201d and \u2018single\u2019") == "\u201cquoted\u201d and \u2018single\u2019"
    assert clean("ctrl\x07char") == "ctrlchar"


def test_dehyphenation_rule_uses_the_document_vocabulary():
    texts = ["We plan carefully and keep planning simple.", "A well-known long-term plan; clinical staff and evidence.",
             f"plan{HYPHEN_MARK}ning", f"long{HYPHEN_MARK}term", f"recom{HYPHEN_MARK}mendation",
             f"non{HYPHEN_MARK}clinical staff", f"evidence{HYPHEN_MARK}staff", f"COVID{HYPHEN_MARK}19",
             f"non{HYPHEN_MARK}EU"]
    d = Dehyphenator(texts)
    assert d.resolve(texts[2]) == "planning"          # joined word used elsewhere
    assert d.resolve(texts[3]) == "long-term"         # hyphenated form used elsewhere
    assert d.resolve(texts[4]) == "recommendation"    # fragments are not words
    assert d.resolve(texts[5]) == "non-clinical staff"  # compounding prefix
    assert d.resolve(texts[6]) == "evidence-staff"    # both parts are words of the document
    assert d.resolve(texts[7]) == "COVID-19"
    assert d.resolve(texts[8]) == "non-EU"


# -- real government PDFs -----------------------------------------------------------------

def _pdftotext_pages(path: Path) -> list[str]:
    if PDFTOTEXT is None:
        if IN_CI:
            pytest.fail("pdftotext is required in CI (poppler-utils)")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return pdftotext_pages(path, PDFTOTEXT)


def test_running_line_keys_follow_the_page_number_not_any_number():
    """The comparison's own rules: a head carrying the page number recurs, a
    heading that differs by another number on each page does not."""
    pages = [f"Widget report {n + 2}\nRecommendation {n * 2}\nBody text {chr(64 + n)}.\n{n}" for n in range(1, 11)]
    running = _running_lines(pages)
    assert _page_key("Widget report 7", 5) in running
    assert _page_key("Recommendation 2", 1) not in running and _page_key("Recommendation 10", 5) not in running
    assert [ln for ln in _body_lines(pages[4], running, 5)] == ["Recommendation 10", "Body text E."]


def test_a_call_glued_by_pdftotext_is_explained_only_by_a_note_on_the_page():
    note_page = "sector in 2024/251.\nWidget text.\n1 Annual report of 2025\n"
    ours, theirs = Counter(["2024", "25", "1", "2025"]), _numbers(note_page)  # the note's own "1"
    over, missing = ours - theirs, theirs - ours
    assert over == Counter(["25"]) and missing == Counter(["251"])
    ours["1"] += 1  # the reader's call "2024/25 1"
    over, missing = ours - theirs, theirs - ours
    assert _glued_calls(over, missing, note_page) == Counter(["25", "1"])
    assert not _glued_calls(over, missing, note_page.replace("1 Annual", "Annual"))  # no such note
    # the reader gluing a call to a number is never explained away
    assert not _glued_calls(Counter(["20256"]), Counter(["2025", "6"]), "in 2025 6\n6 A note\n")


def test_real_pdfs_keep_97_percent_of_body_words(real_pdfs, capsys):
    for path in real_pdfs:
        pages = _pdftotext_pages(path)
        running = _running_lines(pages)
        theirs = Counter()
        for number, page in enumerate(pages, start=1):
            theirs.update(_tokens("\n".join(_body_lines(page, running, number))))
        ours = Counter()
        for b in read(path).blocks:
            ours.update(_tokens(_printed(b)[0]))
        found = sum(min(n, ours[w]) for w, n in theirs.items())
        total = sum(theirs.values())
        coverage = found / total
        with capsys.disabled():
            print(f"\n{path.name}: {coverage:.2%} of {total} pdftotext body words found in the blocks")
        assert coverage >= 0.97, f"{path.name}: only {coverage:.2%} of pdftotext's body words"


def test_real_pdfs_have_no_running_heads_or_page_numbers(real_pdfs):
    for path in real_pdfs:
        pages = _pdftotext_pages(path)
        running = _running_lines(pages) - {""}  # bare numbers: checked first
        for b in read(path).blocks:
            m = re.fullmatch(r"(?:page\s*)?(\d{1,4})(\s*of\s*\d{1,4})?", b.text, re.I)
            # a bare number near the page's own number is a page number (table cells such as
            # years are not)
            assert not (m and (m.group(2) or b.page - 4 <= int(m.group(1)) <= b.page + 1)), (path.name, b)
            assert _page_key(b.text, b.page) not in running, (path.name, b)


def test_real_pdfs_sampled_sentences_sit_on_their_true_page(real_pdfs):
    for path in real_pdfs:
        pages = _pdftotext_pages(path)
        running = _running_lines(pages)
        doc = read(path)
        candidates = []
        for number, page in enumerate(pages, start=1):
            text = "\n".join(_body_lines(page, running, number))
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
            for s in sentences[1:-1]:  # the first and last may run over from/to another page
                if 8 <= len(s.split()) <= 60 and "\n\n" not in s:
                    candidates.append((number, s))
        assert len(candidates) >= 20, path.name
        sample = random.Random(path.name).sample(candidates, 20)
        missing = []
        for number, sentence in sample:
            on_page = "".join(_squash(_printed(b)[0]) for b in doc.blocks if b.page <= number <= b.page_end)
            if _squash(sentence) not in on_page:
                missing.append((number, " ".join(sentence.split())[:90]))
        assert not missing, f"{path.name}: sentences not found on their page: {missing}"


@pytest.mark.parametrize("case", ["recommendations", "columns"])
def test_lines_at_the_page_top_differing_by_a_number_are_not_running_heads(tmp_path, case):
    """"Recommendation 1", "Recommendation 2", ... opening successive pages, and
    a first body line "Left column page N begins here ..." that reads on into
    its paragraph, are the document's text; the real running head and the
    "Page N of M" foot still go."""
    from bench.fixtures import make_numbered_tops_pdf

    path = tmp_path / f"{case}.pdf"
    truth = make_numbered_tops_pdf(path, case)
    doc = read(path)
    got = [(b.kind, b.text, b.page, b.page_end) for b in doc.blocks]
    assert got == [(t.kind, t.text, t.page, t.page_end) for t in truth]
    assert not any(HEADER_TEXT in b.text or re.search(r"Page \d+ of", b.text) for b in doc.blocks)


def test_real_pdfs_sentences_of_blocks_over_a_page_break_get_their_own_page(real_pdfs):
    """For blocks that run over a page break, the page that ``page_breaks``
    gives each sentence (``scrutiny.passages.Passage.page_at``) is the page where
    pdftotext prints it; so are the text just before and just after each break."""
    from scrutiny.passages import Passage

    def page_at(page, breaks, offset):  # a block's page lookup is its passage's
        return Passage("b", "d", 0, "paragraph", page, page, "", page_breaks=list(breaks)).page_at(offset)

    for path in real_pdfs:
        pages = [_squash(p) for p in _pdftotext_pages(path)]
        checked, wrong = 0, []
        for b in read(path).blocks:
            assert len(b.page_breaks) == b.page_end - b.page, (path.name, b)
            if b.page_end == b.page:
                continue
            text, page_breaks = _printed(b)
            edges = [0] + page_breaks + [len(text)]
            probes = []
            for m in re.finditer(r"(?:^|(?<=[.!?;:] ))\S", text):  # sentence (and clause) starts
                probes.append((m.start(), min(m.start() + 60, next(e for e in edges if e > m.start()))))
            for brk in page_breaks:  # either side of each break
                probes += [(max(0, brk - 40), brk), (brk, min(brk + 40, len(text)))]
            for start, end in probes:
                piece = _squash(text[start:end])
                if len(piece) < 12:
                    continue
                checked += 1
                page = page_at(b.page, page_breaks, start)
                if piece not in pages[page - 1]:
                    wrong.append((page, text[start:end]))
        assert checked >= 20, f"{path.name}: only {checked} checks (the PDF should have paragraphs over page breaks)"
        assert not wrong, f"{path.name}: text not on the page page_breaks gives: {wrong[:5]}"


# -- numbers: a quotation never shows a number the document does not print ---------------

@pytest.mark.parametrize("embed_font", [False, True], ids=["helvetica", "embedded"])
def test_raised_note_references_after_numbers_stay_apart(tmp_path, embed_font):
    """A note reference set as raised small digits straight after a number
    ("2024" + raised "1") is a call, a mark beside the text and not in it, so
    that a quotation never reads "20241" (nor "2024 1"); a note whose raised
    number is glued to a figure reads "2 16 thousand"; a paragraph label set
    apart by a gap reads "12. 27.4%"."""
    from bench.fixtures import make_numbers_pdf

    path = tmp_path / "numbers.pdf"
    expected = make_numbers_pdf(path, embed_font=embed_font)
    got = [(b.kind, b.text, b.calls) for b in read(path).blocks]
    assert got == expected
    assert any(calls for _, _, calls in expected)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> Counter:
    text = unicodedata.normalize("NFKC", text)
    # pdftotext drops a hyphen at a line end even between digits ("2008-" + "11" ->
    # "200811"), where the reader keeps the document's "2008-11": compare such ranges joined
    return Counter(_NUMBER.findall(re.sub(r"(?<=\d)-\s*(?=\d)", "", text)))


_NOTE_MARKER = re.compile(r"^\s*(\d{1,3})\b", re.MULTILINE)


def _glued_calls(extra: Counter, missing: Counter, page_text: str) -> Counter:
    """The numbers in ``extra`` that are pdftotext's own glued reading of a
    number and its raised note call: pdftotext prints "2024/25" + raised "1"
    as "2024/251", where the reader gives "2024/25 1". A pair counts only when
    the call is the marker of a note printed on the same page (a line opening
    with that number) and the two written together are a number pdftotext
    prints there and the reader does not."""
    markers = set(_NOTE_MARKER.findall(page_text))
    explained: Counter = Counter()
    left = extra.copy()
    for glued, times in missing.items():
        for _ in range(times):
            for call in sorted(markers, key=len, reverse=True):
                head = glued[: -len(call)]
                if glued.endswith(call) and head and left[head] > 0 and left[call] > 0 \
                        and (head != call or left[head] > 1):
                    left[head] -= 1
                    left[call] -= 1
                    explained.update([head, call])
                    break
    return explained


def test_real_pdfs_numbers_are_the_numbers_pdftotext_prints(real_pdfs):
    """Every number in the blocks is a number pdftotext prints on the same page
    (multisets): a footnote reference glued to a number ("2025" + "6" ->
    "20256") or a paragraph label glued to a figure ("35." + "27.4%") would be a
    number the document never printed, inside a quotation. Where pdftotext
    itself glues a raised note call to the number before it, the reader's
    "2025 6" is the document's print, and counts as such (_glued_calls)."""
    for path in real_pdfs:
        texts = _pdftotext_pages(path)
        pages = [_numbers(p) for p in texts]
        ours: dict = {}
        for b in read(path).blocks:  # a block over a page break: each page's part on its page
            text, page_breaks = _printed(b, " ")  # the calls too: the page prints them
            edges = [0] + page_breaks + [len(text)]
            for i in range(len(edges) - 1):
                ours.setdefault(b.page + i, Counter()).update(_numbers(text[edges[i]:edges[i + 1]]))
        extra = []
        for page, counts in sorted(ours.items()):
            over = counts - pages[page - 1]
            over -= _glued_calls(over, pages[page - 1] - counts, texts[page - 1])
            extra += [(page, n) for n in over]
        assert not extra, f"{path.name}: numbers pdftotext does not print on that page: {extra}"


def test_real_pdfs_footnotes_are_one_block_per_note_in_order(real_pdfs):
    """Footnotes come one note per block, in the order of their numbers: a
    note opening with a raised number starts a block even when an earlier note
    was missed, and no footnote number is taken for a running foot."""
    for path in real_pdfs:
        notes = [b for b in read(path).blocks if b.kind == FOOTNOTE]
        numbers = [int(m.group()) for b in notes if (m := re.match(r"\d{1,3}(?= )", b.text))]
        if not numbers:
            continue
        assert numbers == sorted(set(numbers)), f"{path.name}: footnote numbers out of order: {numbers}"
        assert len(numbers) >= 0.95 * max(numbers), f"{path.name}: notes merged: {numbers}"


# -- two processes for long documents ---------------------------------------------------------

@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    from bench.fixtures import make_long_report_pdf

    path = tmp_path_factory.mktemp("long") / "long.pdf"
    _, truth = make_long_report_pdf(path, pages=60)
    return path, truth


def _as_tuples(doc):
    return [(b.kind, b.level, b.page, b.page_end, b.text, b.page_breaks) for b in doc.blocks]


def test_long_pdf_reads_the_same_in_one_or_two_processes(long_pdf, monkeypatch):
    from scrutiny.readers import pdf

    long_pdf, _ = long_pdf
    monkeypatch.setenv("SCRUTINY_PDF_WORKERS", "2")  # even on a busy machine
    assert pdf._workers(60) == 2 or (os.cpu_count() or 1) < 2
    two = read(long_pdf)
    monkeypatch.setenv("SCRUTINY_PDF_WORKERS", "1")
    one = read(long_pdf)
    assert _as_tuples(one) == _as_tuples(two)
    assert one.pages == two.pages == 60
    covered = {n for b in one.blocks for n in range(b.page, b.page_end + 1)}
    assert covered == set(range(1, 61))
    assert not any(HEADER_TEXT in b.text or re.search(r"Page \d+ of", b.text) for b in one.blocks)


def test_long_pdf_survives_a_failing_second_process(long_pdf, monkeypatch):
    from scrutiny.readers import pdf

    long_pdf, _ = long_pdf
    monkeypatch.setenv("SCRUTINY_PDF_WORKERS", "2")
    expected = _as_tuples(read(long_pdf))

    def broken_child(conn, *args):
        conn.send_bytes(b"")
        conn.close()

    monkeypatch.setattr(pdf, "_child", broken_child)
    assert _as_tuples(read(long_pdf)) == expected


def test_long_pdf_every_block_where_the_generator_put_it(long_pdf):
    long_pdf, truth = long_pdf
    doc = read(long_pdf)
    by_text: dict = {}
    for b in doc.blocks:
        by_text.setdefault(re.sub(r" ?\d+$", "", b.text) if b.kind == PARAGRAPH else b.text, []).append(b)
    wrong = []
    for t in truth:
        found = by_text.get(t.text, [])
        if len(found) != 1 or (found[0].kind, found[0].page, found[0].page_end) != (t.kind, t.page, t.page_end) \
                or (t.page_breaks is not None and found[0].page_breaks != t.page_breaks):
            wrong.append((t.kind, t.page, t.page_end, t.text[:50],
                          [(b.kind, b.page, b.page_end, b.page_breaks) for b in found], t.page_breaks))
    assert not wrong, wrong[:5]
    assert len(doc.blocks) == len(truth)


def test_long_pdf_inside_a_daemonic_worker_is_read_in_one_process(long_pdf):
    import multiprocessing

    path, truth = long_pdf
    ctx = multiprocessing.get_context("fork")
    os.environ["SCRUTINY_PDF_WORKERS"] = "2"  # forced, so that the reader tries to start a child
    try:
        with ctx.Pool(1) as pool:  # Pool workers are daemonic: they may not start children
            blocks = pool.apply(_count_blocks, (str(path),))
    finally:
        del os.environ["SCRUTINY_PDF_WORKERS"]
    assert blocks == len(truth)


def _count_blocks(path: str) -> int:
    return len(read(path).blocks)


def test_running_heads_that_change_with_each_part_are_removed(tmp_path):
    from bench.fixtures import PART_NAMES, make_long_report_pdf

    path = tmp_path / "parts.pdf"
    _, truth = make_long_report_pdf(path, pages=45, part_heads=True)
    doc = read(path)
    heads = [b.text for b in doc.blocks if re.match(r"Part \d+: (%s)$" % "|".join(PART_NAMES), b.text)]
    assert not heads
    assert len(doc.blocks) == len(truth)
