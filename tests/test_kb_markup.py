"""The essay cross-reference markup: [[type:id]] and [[type:id|label]]."""

from __future__ import annotations

from scrutiny.kb.markup import find_refs, render, render_plain

TEXT = "Intro line.\nSee [[claim:rate-a]] and [[stakeholder:ada-example|Dr Example]].\n\n[[doc:widget-review]] [[passage:p-1]]\n"


def test_find_refs_with_lines_and_labels():
    refs = find_refs(TEXT)
    assert [(r.type, r.id, r.label, r.line) for r in refs] == [
        ("claim", "rate-a", None, 2),
        ("stakeholder", "ada-example", "Dr Example", 2),
        ("doc", "widget-review", None, 4),
        ("passage", "p-1", None, 4),
    ]
    assert TEXT[refs[1].start:refs[1].end] == "[[stakeholder:ada-example|Dr Example]]"


def test_first_line_offset_for_essays_after_front_matter():
    assert [r.line for r in find_refs(TEXT, first_line=8)] == [9, 9, 11, 11]


def test_render_plain_uses_label_then_lookup_then_id():
    assert render_plain(TEXT) == "Intro line.\nSee rate-a and Dr Example.\n\nwidget-review p-1\n"
    names = {"widget-review": "The Widget Review"}
    out = render_plain(TEXT, labels=lambda r: names.get(r.id))
    assert "The Widget Review p-1" in out


def test_render_with_links():
    out = render("a [[doc:x|X]] b", lambda r: f"<a href='/{r.type}/{r.id}'>{r.text}</a>")
    assert out == "a <a href='/doc/x'>X</a> b"


def test_not_a_reference():
    assert find_refs("[[no colon]] and [single:bracket] and [[doc:a\nb]]") == []


def test_label_may_wrap_within_a_paragraph_only():
    (ref,) = find_refs("See [[doc:x|The long\n  title]] here.")
    assert (ref.id, ref.label, ref.line) == ("x", "The long title", 1)
    assert find_refs("[[doc:x|open label\n\nnext paragraph]]") == []


def test_malformed_openings_are_found():
    from scrutiny.kb.markup import malformed

    text = "ok [[doc:x]]\nbroken [[doc:y|no close\n\nand [[claim z]]\n"
    assert malformed(text, first_line=10) == [11, 13]
