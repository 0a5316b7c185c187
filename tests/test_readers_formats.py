"""HTML, DOCX, Markdown and plain-text readers, and the generic checks of
scrutiny.readers.read() (extension, empty file, size cap, missing file)."""

from __future__ import annotations

import os
import zipfile

import pytest

from bench.fixtures import make_docx, random_bytes
from scrutiny.errors import ReaderError
from scrutiny.readers import read
from scrutiny.readers.base import HEADING, LIST_ITEM, PARAGRAPH, TABLE

# -- HTML ----------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">
<title>Widget depots | Imaginary Council</title>
<meta property="og:title" content="Widget depots: hours and charges">
<script>var tracking = "TRACKING-SCRIPT-TEXT";</script><style>body {{ color: red }}</style></head>
<body>
<div id="cookie-banner" class="cookie-consent">COOKIE-BANNER-TEXT: we use cookies. Accept all cookies</div>
<nav><ul><li><a href="/">NAV-HOME</a></li><li><a href="/news">NAV-NEWS</a></li></ul></nav>
<main><article>
<h1>Widget depots: hours and charges</h1>
<p>The council runs four widget depots in the {place} district. Each depot repairs household widgets free of
charge for residents who bring proof of address.</p>
<h2>Opening hours</h2>
<p>Depots open at nine in the morning and close at five in the afternoon from Monday to Friday, and the
coastal depot also opens on Saturday mornings for people who work in the week.</p>
<ul><li>Bring the broken widget and its receipt if you still have it.</li>
<li>Ask at the front desk for a numbered repair ticket.</li></ul>
<h3>Charges for businesses</h3>
<table><tr><th>Service</th><th>Fee</th></tr><tr><td>Basic repair</td><td>Twelve pounds</td></tr></table>
<p>Business customers pay a flat fee that the council reviews every April after consulting local traders.</p>
</article>
<aside><h2>ASIDE-HEADING</h2><p>ASIDE-TEXT about bins and parking permits and other news.</p></aside>
</main>
<footer><p>FOOTER-TEXT Copyright Imaginary Council. Privacy policy. Accessibility statement.</p></footer>
<script>document.write("SCRIPT-BODY-TEXT")</script>
</body></html>"""


def _html(tmp_path, name="page.html", charset="utf-8", place="Caf\u00e9 Quay", encoding=None):
    path = tmp_path / name
    path.write_bytes(PAGE.format(charset=charset, place=place).encode(encoding or charset))
    return path


def test_html_keeps_main_text_and_structure_only(tmp_path):
    doc = read(_html(tmp_path))
    text = " ".join(b.text for b in doc.blocks)
    for junk in ("TRACKING", "COOKIE-BANNER", "NAV-HOME", "NAV-NEWS", "ASIDE", "FOOTER-TEXT", "SCRIPT-BODY", "color: red"):
        assert junk not in text
    kinds = [(b.kind, b.level) for b in doc.blocks]
    assert kinds == [(HEADING, 1), (PARAGRAPH, 0), (HEADING, 2), (PARAGRAPH, 0), (LIST_ITEM, 0), (LIST_ITEM, 0),
                     (HEADING, 3), (TABLE, 0), (PARAGRAPH, 0)]
    assert doc.blocks[1].text.startswith("The council runs four widget depots in the Caf\u00e9 Quay district.")
    assert "\n" not in doc.blocks[1].text and "  " not in doc.blocks[1].text
    assert doc.blocks[7].text == "Service | Fee / Basic repair | Twelve pounds"
    assert doc.metadata["title"] == "Widget depots: hours and charges"


def test_html_title_falls_back_to_the_title_element(tmp_path):
    path = tmp_path / "t.html"
    path.write_text(PAGE.format(charset="utf-8", place="north").replace(
        '<meta property="og:title" content="Widget depots: hours and charges">', ""), encoding="utf-8")
    assert read(path).metadata["title"] == "Widget depots | Imaginary Council"


def test_html_encoding_is_detected(tmp_path):
    # declared in the page
    doc = read(_html(tmp_path, "latin.html", charset="iso-8859-1", place="Caf\u00e9 Gar\u00e7on"))
    assert "Caf\u00e9 Gar\u00e7on" in doc.blocks[1].text
    # not declared: cp1252 bytes with a (wrong) utf-8 declaration removed
    path = tmp_path / "nodecl.html"
    path.write_bytes(PAGE.replace('<meta charset="{charset}">', "").format(place="Caf\u00e9 na\u00efve \u2013 r\u00e9sum\u00e9").encode("cp1252"))
    assert "Caf\u00e9 na\u00efve \u2013 r\u00e9sum\u00e9" in read(path).blocks[1].text


def test_malformed_html_does_not_crash(tmp_path):
    path = tmp_path / "broken.htm"
    path.write_bytes(b"<html><head><title>Broken page</title><body><div><p>An unclosed paragraph about widget "
                     b"repairs in the market district <b>bold <i>crossed</b></i><table><tr><td>cell one<td>cell two"
                     b"</table><p>Another paragraph that never ends and has no closing tags at all <<>>& ;")
    doc = read(path)
    text = " ".join(b.text for b in doc.blocks)
    assert "unclosed paragraph about widget repairs" in text and "cell one" in text
    assert doc.metadata["title"] == "Broken page"


def test_html_without_any_text_is_an_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var a = 1;</script></head><body><div></div></body></html>")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert str(path) in str(err.value)


# -- DOCX ----------------------------------------------------------------------------

def test_docx_headings_lists_tables_and_properties(tmp_path):
    path = tmp_path / "handbook \u00e9t\u00e9.docx"
    make_docx(path)
    doc = read(path)
    got = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert got == [
        (HEADING, 1, "Widget Services Handbook"),
        (HEADING, 2, "Opening hours"),
        (PARAGRAPH, 0, "Depots open at nine and close at five on weekdays."),
        (LIST_ITEM, 0, "Bring the widget and its receipt."),
        (LIST_ITEM, 0, "Ask for a repair ticket at the desk."),
        (HEADING, 3, "Charges"),
        (TABLE, 0, "Service | Fee / Basic repair | Free"),
        (PARAGRAPH, 0, "Fees are reviewed every April."),
    ]
    assert doc.metadata["title"] == "Widget Services Handbook"
    assert doc.metadata["authors"] == ["Imaginary Council"]
    assert "date" not in doc.metadata  # the blank template's stamp is not a date of this document


def test_docx_date_from_core_properties(tmp_path):
    import datetime

    import docx

    path = tmp_path / "dated.docx"
    d = docx.Document()
    d.core_properties.created = datetime.datetime(2024, 3, 5, 10, 0)
    d.add_paragraph("Depots open at nine.")
    d.save(str(path))
    assert read(path).metadata["date"] == "2024-03-05"


@pytest.mark.parametrize("damage", ["truncated", "garbage", "not-word", "old-doc"])
def test_broken_docx_is_refused(tmp_path, damage):
    good = tmp_path / "good.docx"
    make_docx(good)
    path = tmp_path / f"{damage}.docx"
    data = good.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(data[:30] + random_bytes(len(data) - 30))
    elif damage == "not-word":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "not a word document")
    else:
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random_bytes(2000))
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason.startswith("not a valid DOCX (damaged zip): ")
    assert str(path) in str(err.value)


# -- Markdown ------------------------------------------------------------------------

ESSAY = """---
title: What the widget plan leaves out
author: A. Campaigner
date: 2024-05-01
tags: [widgets, funding]
---

# What the widget plan leaves out

The plan promises shorter queues ([[claim:shorter-queues]]) but says nothing about
who pays, as [[stakeholder:imaginary-council|the council]] admits in [[doc:widget-plan|its plan]].

## The funding gap

- Depots need **new** benches, says the [depot survey](https://example.org/survey).
- Staff want *training*, see [[passage:widget-plan-abc123|the passage on training]].

> A quoted view from a depot manager, in our own words.

| Year | Budget |
|------|--------|
| 2023 | [[claim:budget-cut]] |

Some `code` and an ![alt text of a chart](chart.png) image.
"""


def test_markdown_front_matter_is_metadata_not_text(tmp_path):
    path = tmp_path / "essay.md"
    path.write_text(ESSAY, encoding="utf-8")
    doc = read(path)
    text = " ".join(b.text for b in doc.blocks)
    assert "A. Campaigner" not in text and "tags" not in text and "---" not in text
    assert doc.metadata["title"] == "What the widget plan leaves out"
    assert doc.metadata["author"] == "A. Campaigner"
    assert doc.metadata["authors"] == ["A. Campaigner"]
    assert doc.metadata["date"] == "2024-05-01"
    assert doc.metadata["tags"] == ["widgets", "funding"]


def test_markdown_blocks_and_cross_reference_markup(tmp_path):
    path = tmp_path / "essay.md"
    path.write_text(ESSAY, encoding="utf-8")
    doc = read(path)
    got = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert got == [
        (HEADING, 1, "What the widget plan leaves out"),
        (PARAGRAPH, 0, "The plan promises shorter queues (shorter queues) but says nothing about who pays, "
                       "as the council admits in its plan."),
        (HEADING, 2, "The funding gap"),
        (LIST_ITEM, 0, "Depots need new benches, says the depot survey."),
        (LIST_ITEM, 0, "Staff want training, see the passage on training."),
        (PARAGRAPH, 0, "A quoted view from a depot manager, in our own words."),
        (TABLE, 0, "Year | Budget / 2023 | budget cut"),
        (PARAGRAPH, 0, "Some code and an alt text of a chart image."),
    ]
    assert "[[" not in " ".join(b.text for b in doc.blocks)
    assert doc.metadata["xrefs"][:2] == [{"type": "claim", "id": "shorter-queues", "label": None},
                                         {"type": "stakeholder", "id": "imaginary-council", "label": "the council"}]


def test_markdown_broken_front_matter_names_the_line(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: ok\nauthor: [unclosed\n---\n\nBody text.\n", encoding="utf-8")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert "line " in err.value.reason and "front matter" in err.value.reason


def test_markdown_without_front_matter_takes_title_from_first_heading(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("# Notes on depots\n\nA short paragraph.\n\n---\n\nAfter a rule.\n", encoding="utf-8")
    doc = read(path)
    assert doc.metadata["title"] == "Notes on depots"
    assert [b.text for b in doc.blocks] == ["Notes on depots", "A short paragraph.", "After a rule."]


# -- plain text ------------------------------------------------------------------------

TEXT = ("Widget services in the caf\u00e9 quarter\n\n"
        "The na\u00efve plan for the r\u00e9sum\u00e9 desk was dropped \u2013 nobody could say who would staff it.\n"
        "A second line of the same paragraph continues here.\n\n"
        "\u201cWe need more benches,\u201d said a d\u00e9p\u00f4t manager.\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / f"notes {encoding} \u00e9.txt"
    path.write_bytes(TEXT.encode(encoding))
    doc = read(path)
    assert [b.text for b in doc.blocks] == [
        "Widget services in the caf\u00e9 quarter",
        "The na\u00efve plan for the r\u00e9sum\u00e9 desk was dropped \u2013 nobody could say who would staff it. "
        "A second line of the same paragraph continues here.",
        "\u201cWe need more benches,\u201d said a d\u00e9p\u00f4t manager.",
    ]
    assert doc.metadata["title"] == "Widget services in the caf\u00e9 quarter"
    assert not doc.blocks[0].text.startswith("\ufeff")


def test_text_latin1(tmp_path):
    path = tmp_path / "latin.txt"
    body = "Le caf\u00e9 de la gare \u00e9tait ferm\u00e9. Les r\u00e9parations co\u00fbtent cher \u00e0 No\u00ebl.\n\n" * 3
    path.write_bytes(body.encode("latin-1"))
    doc = read(path)
    assert doc.blocks[0].text == "Le caf\u00e9 de la gare \u00e9tait ferm\u00e9. Les r\u00e9parations co\u00fbtent cher \u00e0 No\u00ebl."


def test_text_long_lines_are_split_into_paragraphs_of_reasonable_size(tmp_path):
    sentences = [f"Sentence number {i} describes depot {i % 7} and its repair queue in some detail." for i in range(120)]
    line = " ".join(sentences[:40]) + "   " + "The staffing questionWho decides " + " ".join(sentences[40:])
    path = tmp_path / "scraped.txt"
    path.write_text(line + "\n", encoding="utf-8")
    doc = read(path)
    assert all(len(b.text) <= 1500 for b in doc.blocks)
    assert any(b.kind == HEADING and b.text == "The staffing question" for b in doc.blocks)
    joined = " ".join(b.text for b in doc.blocks)
    assert joined.replace("The staffing question ", "The staffing question") == " ".join(line.split())
    assert "title" not in doc.metadata


def test_reference_article_reads_into_sized_passages(reference_article):
    doc = read(reference_article)
    assert len(doc.blocks) > 30
    assert all(len(b.text) <= 1500 or "." not in b.text[:-1] for b in doc.blocks)
    headings = [b.text for b in doc.blocks if b.kind == HEADING]
    assert "The policy framework" in headings and "What is wrong with IAPT?" in headings


# -- generic checks in scrutiny.readers.read ---------------------------------------------

def test_unsupported_extension(tmp_path):
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"x")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert "unsupported file type '.pptx'" in err.value.reason and ".pdf" in err.value.reason


@pytest.mark.parametrize("name", ["empty.pdf", "empty.txt", "empty.md", "empty.docx", "empty.html"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason == "the file is empty (0 bytes)"


def test_missing_file(tmp_path):
    with pytest.raises(ReaderError) as err:
        read(tmp_path / "nowhere.pdf")
    assert err.value.reason == "file not found"


def test_file_over_the_size_cap_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge report.pdf"
    with path.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: 300 MB that take no disk
    opened = []
    real_open = open

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_open)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read_bytes called"))
    with pytest.raises(ReaderError) as err:
        read(path, max_bytes=10 * 1024 * 1024)
    assert "over the 10 MiB cap" in err.value.reason and "300.0 MiB" in err.value.reason
    assert str(path) not in opened
    assert os.path.getsize(path) == 300 * 1024 * 1024


def test_whitespace_only_text_file(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("   \n\n\t\n")
    with pytest.raises(ReaderError):
        read(path)


def test_folder_with_a_reader_extension(tmp_path):
    path = tmp_path / "looks like.pdf"
    path.mkdir()
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason == "this is a folder, not a file"


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("Some text.")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(ReaderError) as err:
        read(path)
    assert err.value.reason == "cannot read the file: Permission denied"


def test_markdown_reference_label_wrapping_onto_next_line_reads_as_plain_text(tmp_path):
    """The same syntax as the knowledge base (scrutiny.refs): a label may wrap."""
    from scrutiny.readers import read

    p = tmp_path / "essay.md"
    p.write_text("# Essay\n\nThe claim by [[stakeholder:jo-bloggs|Jo\nBloggs]] about [[claim:bus-fares]] is weak.\n",
                 encoding="utf-8")
    doc = read(p)
    body = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert body == ["The claim by Jo Bloggs about bus fares is weak."]
    assert [x["id"] for x in doc.metadata["xrefs"]] == ["jo-bloggs", "bus-fares"]
