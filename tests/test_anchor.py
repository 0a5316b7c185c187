"""Re-anchoring after a revision: old ids resolve to the right new passage or
become orphans; none points at text that says something else."""

from __future__ import annotations

from helpers_cite import blocks

from scrutiny.anchor import QUOTE_THRESHOLD, Anchoring, OldText, reanchor
from scrutiny.passages import make_passages
from scrutiny.readers.base import HEADING, PARAGRAPH

P, H = PARAGRAPH, HEADING

# Version 1 of a synthetic report (our own text).
V1 = [
    (H, 1, "Introduction"),
    (P, 1, "The council reviewed how people in the county reach talking therapy services."),
    (P, 1, "Waiting lists grew steadily between the two surveys the council commissioned."),
    (H, 2, "Findings"),
    (P, 2, "We will recruit 21,000 new staff by 2021, including 11,000 in clinical roles."),
    (P, 2, "Providers will be paid partly according to the outcomes they report to commissioners."),
    (P, 3, "Peer support workers bring lived experience into the teams that deliver care."),
    (P, 3, "The pilot in the northern district ended early because the contractor withdrew."),
    (P, 3, "Rural clinics opened on two evenings a week to serve people who work during the day."),
    (P, 4, "Referral letters were often lost between the surgery and the therapy team."),
    (P, 4, "Training places for new therapists doubled in the second year of the programme."),
    (H, 5, "Next steps"),
    (P, 5, "The board will publish a progress report each spring, with the figures broken down by district."),
]

# Version 2: moved, edited, split, merged and deleted passages.
V2 = [
    (H, 1, "Introduction"),
    (P, 1, "The council reviewed how people in the county reach talking therapy services."),
    # "Waiting lists ..." moved to the end (unchanged text)
    (H, 2, "Findings"),
    # number changed: must NOT be re-anchored
    (P, 2, "We will recruit 12,000 new staff by 2021, including 11,000 in clinical roles."),
    # quantifier changed: must NOT be re-anchored
    (P, 2, "Providers will be paid entirely according to the outcomes they report to commissioners."),
    # small wording edit (typo-level): fuzzy
    (P, 3, "Peer support workers bring their lived experience into the teams which deliver care."),
    # deleted: "The pilot in the northern district ..."
    # merged with the next paragraph: exact (contained)
    (P, 3, "Rural clinics opened on two evenings a week to serve people who work during the day. "
           "Referral letters were often lost between the surgery and the therapy team."),
    # rewritten to say something else: orphan
    (P, 4, "Training places for new therapists were cut after the first year of the programme."),
    (H, 5, "Next steps"),
    # split into two passages: exact (spanning)
    (P, 5, "The board will publish a progress report each spring,"),
    (P, 5, "with the figures broken down by district."),
    (P, 6, "Waiting lists grew steadily between the two surveys the council commissioned."),
]


def _with_context(passages):
    out = []
    for i, p in enumerate(passages):
        out.append(OldText(
            id=p.id, text=p.text, ord=p.ord, page=p.page, kind=p.kind,
            prefix=passages[i - 1].text if i > 0 else "",
            suffix=passages[i + 1].text if i + 1 < len(passages) else "",
        ))
    return out


def _revise():
    old = make_passages("rep", blocks(V1))
    new = make_passages("rep", blocks(V2))
    new_ids = {p.id for p in new}
    gone = [p for p in _with_context(old) if p.id not in new_ids]
    results = reanchor(gone, new, existing_ids={p.id for p in old} & new_ids)
    return old, new, {r.old_id: r for r in results}


def _old(old, start):
    return next(p for p in old if p.text.startswith(start))


def _target(new, result):
    return next(p for p in new if p.id == result.new_id)


def test_unchanged_and_moved_passages_keep_their_ids():
    old, new, results = _revise()
    moved = _old(old, "Waiting lists")
    assert moved.id in {p.id for p in new}
    assert moved.id not in results


def test_changed_numbers_and_quantifiers_are_orphans():
    old, new, results = _revise()
    for start in ("We will recruit 21,000", "Providers will be paid partly"):
        r = results[_old(old, start).id]
        assert r.method == "orphan" and r.new_id is None, r
        assert "changes" in r.reason


def test_rewritten_and_deleted_passages_are_orphans():
    old, new, results = _revise()
    for start in ("Training places", "The pilot in the northern district"):
        r = results[_old(old, start).id]
        assert r.method == "orphan" and r.new_id is None, r


def test_small_edit_is_a_fuzzy_match_to_the_edited_passage():
    old, new, results = _revise()
    r = results[_old(old, "Peer support").id]
    assert r.method == "fuzzy"
    assert _target(new, r).text.startswith("Peer support workers bring their lived")
    assert r.quote >= QUOTE_THRESHOLD


def test_merged_paragraphs_are_matched_inside_the_merged_passage():
    old, new, results = _revise()
    for start in ("Rural clinics", "Referral letters"):
        p = _old(old, start)
        r = results[p.id]
        # word for word, but not "the same text": the new passage says more
        assert r.method == "merged" and r.score == 1.0
        assert r.span == [r.new_id]
        assert p.text in _target(new, r).text


def test_split_paragraph_records_every_passage_it_now_spans():
    """A paragraph split in two: the redirect points at the first half and says the
    old text runs on into the second (it used to be an "exact" match to the first
    half alone, and `cite --quote` quoted only that half as "the same text")."""
    old, new, results = _revise()
    p = _old(old, "The board will publish")
    r = results[p.id]
    assert r.method == "split"
    halves = [q for q in new if q.text.startswith(("The board will publish", "with the figures"))]
    assert r.span == [q.id for q in halves] and r.new_id == halves[0].id
    assert " ".join(q.text for q in halves) == p.text


def test_exact_only_when_the_new_passage_is_the_old_text():
    """'exact' is what the CLI and the site call "the same text"."""
    from scrutiny.passages import normalise

    old, new, results = _revise()
    by_id = {p.id: p for p in old}
    exact = [r for r in results.values() if r.method == "exact"]
    for r in exact:
        assert normalise(_target(new, r).text) == normalise(by_id[r.old_id].text)
    moved = make_passages("rep", blocks([(P, 1, "Opening words of the moved report here."),
                                          (P, 2, "The board will publish a progress report each spring, "
                                                 "with the figures broken down by district.")]))
    (r,) = reanchor([OldText("rep-old", text=moved[1].text.upper())], moved)
    assert r.method == "exact" and r.span == [moved[1].id]


def test_no_redirect_points_at_text_that_says_something_else():
    """Every non-orphan target contains the old text, or differs from it only in
    words that change no number, negation, modality, quantity or direction."""
    from scrutiny.anchor import _significant, _tokens

    from scrutiny.passages import normalise

    old, new, results = _revise()
    by_id = {p.id: p for p in old}
    new_by_id = {p.id: p for p in new}
    for old_id, r in results.items():
        if r.new_id is None:
            continue
        assert r.new_id in r.span
        spanned = " ".join(new_by_id[i].text for i in r.span)
        if r.method in ("exact", "merged", "split"):
            assert normalise(by_id[old_id].text) in normalise(spanned)
            continue
        before, after = set(_tokens(by_id[old_id].text)), set(_tokens(spanned))
        assert not {w for w in before ^ after if _significant(w)}, (before ^ after)


def test_short_heading_is_not_anchored_inside_a_paragraph():
    old = make_passages("d", blocks([(H, 1, "Outcomes"), (P, 1, "A paragraph about money.")]))
    new = make_passages("d", blocks([(P, 1, "Outcomes were measured in a new way this year.")]))
    (r,) = reanchor([OldText(old[0].id, text=old[0].text)], new)
    assert r.method == "orphan"


def test_duplicate_text_chooses_the_occurrence_with_matching_context():
    para = "Each district team meets once a month to review the waiting list."
    new = make_passages("d", blocks([
        (H, 1, "North"), (P, 1, para), (H, 1, "South"), (P, 2, para), (P, 2, "Closing words."),
    ]))
    old = OldText("d-old", text=para, prefix="South", suffix="Something else.")
    # the same text twice (the second gets a -2 id suffix); the context "South" decides
    (r,) = reanchor([old], new)
    assert r.method == "exact"
    target = next(p for p in new if p.id == r.new_id)
    assert new[target.ord - 1].text == "South"


def test_fuzzy_never_lands_on_a_passage_that_existed_before():
    kept = "Clinics in the west will stay open on Saturday mornings, the organization said."
    old_text = "Clinics in the west will stay open on Saturday mornings, the organisation said."
    new = make_passages("d", blocks([(P, 1, kept)]))
    assert reanchor([OldText("d-x", text=old_text)], new)[0].method == "fuzzy"
    (r,) = reanchor([OldText("d-x", text=old_text)], new, existing_ids={new[0].id})
    assert r.method == "orphan"


def test_a_replaced_content_word_is_an_orphan_but_a_respelling_is_not():
    old = OldText("d-x", text="Clinics in the east will stay open on Saturday mornings for working families.")
    west = make_passages("d", blocks([(P, 1, old.text.replace("east", "west"))]))
    (r,) = reanchor([old], west)
    assert r.method == "orphan" and "east->west" in r.reason
    swapped = make_passages("d", blocks([(P, 1, old.text.replace("in the east", "in this east").replace(
        "families", "familys"))]))
    assert reanchor([old], swapped)[0].method == "fuzzy"


def test_negation_is_never_fuzzy_matched():
    new = make_passages("d", blocks([(P, 1, "The trust did not meet the target for recovery in the final year.")]))
    (r,) = reanchor([OldText("d-x", text="The trust did meet the target for recovery in the final year.")], new)
    assert r.method == "orphan"


def test_empty_new_document_orphans_everything():
    (r,) = reanchor([OldText("d-x", text="Some words here.")], [])
    assert r == Anchoring(old_id="d-x", new_id=None, method="orphan", score=None, span=[],
                          reason="the document is empty")


def test_long_heading_is_not_anchored_inside_a_paragraph():
    title = "Awareness of the changes to the regional therapy service"
    new = make_passages("d", blocks([(P, 1, f"Surveys measured {title.lower()} twice a year.")]))
    (r,) = reanchor([OldText("d-h", text=title, kind="heading")], new)
    assert r.method == "orphan"


def test_text_inside_an_unchanged_passage_is_not_its_successor():
    deleted = "Clinics will open on two evenings a week for people in work."
    box = f"Summary of the plan. {deleted} Funding follows in the spring."
    new = make_passages("d", blocks([(P, 1, box)]))
    old = OldText("d-x", text=deleted, kind="paragraph")
    assert reanchor([old], new)[0].method == "merged"         # the box is new: a merge
    (r,) = reanchor([old], new, existing_ids={new[0].id})       # the box was there before
    assert r.method == "orphan"


def test_a_redirect_without_neighbours_is_scored_on_its_quote():
    text = "Peer support workers bring lived experience into the teams that deliver care."
    new = make_passages("d", blocks([(H, 1, "Teams"), (P, 1, text.replace("that", "which"))]))
    # a stale redirect: old text, empty context, no position (as ingest passes it)
    (r,) = reanchor([OldText("d-old", text=text, prefix="", suffix="")], new)
    assert r.method == "fuzzy" and r.score == r.quote


def test_split_and_edited_is_fuzzy_over_both_passages():
    first = "Clinics will open on two evenings a week for people who work in the day."
    second = "Waiting times for a first appointment fell in every district after the change."
    new = make_passages("d", blocks([(P, 1, "Opening words of the revised report."),
                                     (P, 1, first.replace("who work", "that work")), (P, 2, second),
                                     (P, 2, "Closing words.")]))
    (r,) = reanchor([OldText(id="d-x", text=f"{first} {second}")], new)
    assert r.method == "fuzzy" and r.span == [new[1].id, new[2].id]


def test_stale_redirects_include_a_split_whose_second_half_changed():
    from scrutiny.anchor import stale_redirects
    from scrutiny.store import Redirect

    first = "Clinics will open on two evenings a week for people who work in the day."
    second = "Waiting times for a first appointment fell in every district after the change."
    v2 = make_passages("d", blocks([(P, 1, first), (P, 2, second)]))
    rows = [Redirect("d-old", "d", v2[0].id, "split", 1.0, f"{first} {second}", 1, "2026-01-01"),
            Redirect("d-gone", "d", None, "orphan", None, "x", 1, "2026-01-01")]
    assert stale_redirects(rows, v2) == []
    v3 = make_passages("d", blocks([(P, 1, first), (P, 2, second.replace("fell", "rose"))]))
    assert [r.old_id for r in stale_redirects(rows, v3)] == ["d-old"]
    v4 = make_passages("d", blocks([(P, 2, second)]))
    assert [r.old_id for r in stale_redirects(rows, v4)] == ["d-old"]
