"""A registered file's title from its own text (scrutiny.titles): the cover
before a generic first heading, small print and command-paper numbers left out.
Our own synthetic blocks; the real reports are checked when ../shared is there."""

from pathlib import Path

import pytest

from scrutiny.readers.base import Block, ReadDocument
from scrutiny.titles import cover_title, is_generic_heading, title_from_text


def doc(*blocks, metadata=None):
    return ReadDocument(blocks=list(blocks), pages=max(b.page for b in blocks), metadata=metadata or {})


def test_metadata_title_first():
    d = doc(Block("front_matter", "Harbour Towns Review of Crisis Lines", page=1),
            metadata={"title": "  The  Harbour Review "})
    assert title_from_text(d) == "The Harbour Review"


def test_cover_before_a_generic_first_heading():
    d = doc(Block("front_matter", "Response to the Northfield Panel on Peer Support CP 4411", page=1),
            Block("front_matter", "© Crown copyright 2031", page=2),
            Block("heading", "Introduction", page=4, level=1),
            Block("paragraph", "The panel met four times.", page=4))
    assert title_from_text(d) == "Response to the Northfield Panel on Peer Support"


def test_generic_headings_are_skipped_without_a_cover():
    d = doc(Block("heading", "1. Ministerial Foreword", page=1, level=1),
            Block("paragraph", "Text.", page=1),
            Block("heading", "Contents", page=2, level=1),
            Block("heading", "Crisis lines in coastal towns", page=3, level=1))
    assert title_from_text(d) == "Crisis lines in coastal towns"


def test_small_print_and_later_pages_are_no_cover():
    assert cover_title([Block("front_matter", "© Crown copyright 2030, licensed under the OGL", page=1)]) is None
    assert cover_title([Block("paragraph", "x", page=1),
                        Block("front_matter", "A cover on the second page", page=2)]) is None
    assert cover_title([Block("front_matter", " ".join(["word"] * 60), page=1)]) is None


def test_nothing_qualifies():
    d = doc(Block("heading", "Introduction", page=1, level=1), Block("paragraph", "Some text.", page=1))
    assert title_from_text(d) is None


@pytest.mark.parametrize("text,generic", [
    ("Introduction", True), ("2. Executive summary", True), ("IV. Foreword:", True),
    ("Introduction to peer support", False), ("Summary of responses from unions", False)])
def test_generic(text, generic):
    assert is_generic_heading(text) is generic


SHARED = Path(__file__).resolve().parents[2] / "shared" / "real-documents"


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared real documents are not on this machine")
def test_real_reports_take_their_cover_not_their_first_section():
    from scrutiny.readers import read

    for name in ("space-economy-government-response.pdf", "covid-inquiry-module-1-government-response.pdf"):
        title = title_from_text(read(SHARED / name))
        assert title and not is_generic_heading(title), (name, title)
        assert title.lower().startswith(("government response", "uk government response")), (name, title)
