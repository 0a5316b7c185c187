from scrutiny.passages import Passage, full_text, make_passages, normalise, passage_id
from scrutiny.readers.base import Block


def blocks(*texts, kind="paragraph"):
    return [Block(kind, t, page=i + 1) for i, t in enumerate(texts)]


def test_ids_depend_on_text_not_position():
    a = make_passages("doc", blocks("Alpha paragraph.", "Beta paragraph.", "Gamma paragraph."))
    b = make_passages("doc", blocks("New opening paragraph.", "Alpha paragraph.", "Beta paragraph.", "Gamma paragraph."))
    assert [p.id for p in a] == [p.id for p in b[1:]]
    assert b[0].id not in {p.id for p in a}


def test_reingest_gives_identical_ids():
    bl = blocks("One.", "Two.", "Three.")
    assert [p.id for p in make_passages("d", bl)] == [p.id for p in make_passages("d", bl)]


def test_editing_one_paragraph_changes_only_its_id():
    a = make_passages("doc", blocks("First.", "Second.", "Third."))
    b = make_passages("doc", blocks("First.", "Second, edited.", "Third."))
    assert a[0].id == b[0].id and a[2].id == b[2].id
    assert a[1].id != b[1].id


def test_duplicate_text_gets_deterministic_suffix():
    ps = make_passages("doc", blocks("Same words.", "Other.", "Same words."))
    assert ps[2].id == ps[0].id + "-2"
    assert [p.id for p in ps] == [p.id for p in make_passages("doc", blocks("Same words.", "Other.", "Same words."))]


def test_ids_differ_between_documents():
    assert passage_id("a", "Text") != passage_id("b", "Text")


def test_normalisation_ignores_whitespace_case_quotes_and_dashes():
    assert normalise("The  \u201cGovernment\u201d \u2013 agrees") == normalise('the "government" - agrees')
    assert passage_id("d", "It\u2019s here") == passage_id("d", "It's  here")


def test_heading_paths_and_offsets():
    bl = [
        Block("heading", "Part One", level=1),
        Block("paragraph", "Intro text."),
        Block("heading", "Section A", level=2),
        Block("paragraph", "Body of A."),
        Block("heading", "Part Two", level=1),
        Block("paragraph", "Body two.", page=3, page_end=4),
    ]
    ps = make_passages("doc", bl)
    assert ps[3].heading_path == ["Part One", "Section A"]
    assert ps[3].heading == "Part One > Section A"
    assert ps[5].heading_path == ["Part Two"]
    assert (ps[5].page, ps[5].page_end) == (3, 4)
    text = full_text(ps)
    for p in ps:
        assert text[p.char_start:p.char_end] == p.text
    assert [p.ord for p in ps] == list(range(6))


def test_page_breaks_give_each_sentence_its_page():
    text = "First sentence on page four.  Second sentence\n starts on page five."
    brk = text.index("starts")
    ps = make_passages("doc", [Block("paragraph", text, page=4, page_breaks=[brk])])
    p = ps[0]
    assert (p.page, p.page_end) == (4, 5)
    # offsets moved with the white space that was collapsed
    assert p.text[p.page_breaks[0]:].startswith("starts on page five")
    assert p.page_at(p.text.index("First")) == 4
    assert p.page_at(p.text.index("Second")) == 4
    assert p.page_at(p.text.index("five")) == 5
    # a passage stored before page breaks were recorded gives a range holding the true page
    old = Passage(p.id, "doc", 0, "paragraph", 4, 5, p.text)
    assert old.page_at(p.text.index("five")) == 4 and old.page_at(p.text.index("five"), end=True) == 5


def test_repeated_title_does_not_nest_under_itself():
    bl = [
        Block("heading", "Annual Review", level=1, page=1),
        Block("heading", "Annual Review", level=2, page=2),
        Block("paragraph", "Body.", page=2),
    ]
    ps = make_passages("doc", bl)
    assert ps[2].heading_path == ["Annual Review"]
