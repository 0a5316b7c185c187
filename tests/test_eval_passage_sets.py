"""The scorer of labelled passage sets (the blind set and our dev set).

The scoring rules are checked on tagger output written by hand (no model), so
that the figures reported for the blind set mean what docs/tagging.md says.
"""

from __future__ import annotations

import json

import pytest

from scrutiny.evaluation.passage_sets import TaggedPassage, name_key, read_set, score_set

TEXT = ("Annual report 2030\n"
        "Dr Jo Marsh, chief executive of the Harbour Trust (HT), wrote the Review of Ferries. "
        "The review was funded by the Quay Fund. We will open 3 new piers.")


def _write(tmp_path, rows):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _row(**over):
    row = {
        "id": "p1", "doc": "d1", "style": "briefing", "text": TEXT,
        "names": {"Dr Jo Marsh": "person", "Harbour Trust": "organisation", "HT": "organisation",
                  "Review of Ferries": "document", "Quay Fund": "organisation"},
        "ties": [["Dr Jo Marsh", "position", "Harbour Trust"], ["Dr Jo Marsh", "authored", "Review of Ferries"],
                 ["Quay Fund", "funded", "Review of Ferries"]],
        "sentences": [
            {"text": "Annual report 2030", "kinds": []},
            {"text": "Dr Jo Marsh, chief executive of the Harbour Trust (HT), wrote the Review of Ferries.", "kinds": []},
            {"text": "The review was funded by the Quay Fund.", "kinds": []},
            {"text": "We will open 3 new piers.", "kinds": ["commitment", "statistic"]},
        ],
    }
    row.update(over)
    return row


def test_name_keys_ignore_honorifics_post_nominals_and_a_year_before_a_title():
    assert name_key("Dr Jo Marsh") == name_key("Jo Marsh") == name_key("Jo Marsh MP")
    assert name_key("Professor Marsh") == name_key("Marsh")
    assert name_key("2030 Review of Ferries") == name_key("the Review of Ferries") == name_key("Review of Ferries")
    assert name_key("HT") != name_key("Harbour Trust")  # an acronym is its own name


def test_read_set_checks_sentences_and_tie_ends(tmp_path):
    rows = read_set(_write(tmp_path, [_row()]))
    assert [s[:2] for s in rows[0]["_spans"]][0] == (0, len("Annual report 2030"))
    with pytest.raises(ValueError, match="set.jsonl:1: sentence not found"):
        read_set(_write(tmp_path, [_row(sentences=[{"text": "Not in the text.", "kinds": []}])]))
    with pytest.raises(ValueError, match="tie"):
        read_set(_write(tmp_path, [_row(ties=[["Nobody", "position", "Harbour Trust"]])]))


def _tagged(**over):
    t = TaggedPassage(
        names={name_key("Jo Marsh"): "person", name_key("Harbour Trust"): "organisation",
               name_key("HT"): "organisation", name_key("Review of Ferries"): "organisation",
               name_key("Annual"): "organisation"},
        ties={("jo-marsh", "position", "harbour-trust", 0.9), ("quay-fund", "funded", "review-of-ferries", 0.6),
              ("jo-marsh", "member_of", "harbour-trust", 0.4)},
        claims=[],
        forms={"jo-marsh": {"jo marsh"}, "harbour-trust": {"harbour trust", "ht"},
               "review-of-ferries": {"review of ferries"}, "quay-fund": {"quay fund"}},
    )
    for k, v in over.items():
        setattr(t, k, v)
    return t


def test_names_and_kinds(tmp_path):
    rows = read_set(_write(tmp_path, [_row()]))
    r = score_set(rows, {"p1": _tagged()})
    s = r["stakeholders"]
    # found: Jo Marsh, Harbour Trust, HT, Review of Ferries (kind wrong), Annual (not a name); missed: Quay Fund
    assert (s["tp"], s["fp"], s["fn"]) == (4, 1, 1)
    assert s["kind_accuracy"] == 0.75


def test_ties_match_through_the_names_a_stakeholder_goes_by(tmp_path):
    rows = read_set(_write(tmp_path, [_row()]))
    r = score_set(rows, {"p1": _tagged()})
    t = r["ties"]
    # position and funded found; member_of is wrong; authored missed
    assert (t["tp"], t["fp"], t["fn"]) == (2, 1, 1)
    # An acronym of the same stakeholder stands for it: the gold tie uses the full name.
    acr = _tagged(ties={("jo-marsh", "position", "harbour-trust", 0.9)},
                  forms={"jo-marsh": {"jo marsh"}, "harbour-trust": {"ht", "harbour trust"}})
    assert score_set(rows, {"p1": acr})["ties"]["tp"] == 1
    # A tie below the confidence asked for is left out.
    t = score_set(rows, {"p1": _tagged()}, min_confidence=0.5)["ties"]
    assert (t["tp"], t["fp"], t["fn"]) == (2, 0, 1)


def test_claims_go_to_the_gold_sentence_they_overlap_most(tmp_path):
    rows = read_set(_write(tmp_path, [_row()]))
    heading_end = len("Annual report 2030")
    last = TEXT.index("We will")
    review = TEXT.index("The review")
    claims = [
        # the heading glued to the next sentence: its kinds go to that sentence, not the heading
        (0, review - 1, {"assessment": 0.9}),
        (last, len(TEXT), {"commitment": 0.8, "statistic": 0.3}),
    ]
    r = score_set(rows, {"p1": _tagged(claims=claims)})
    c = r["claims"]
    assert (c["commitment"]["tp"], c["commitment"]["fp"]) == (1, 0)
    assert (c["statistic"]["tp"], c["statistic"]["fn"]) == (1, 0)
    assert (c["assessment"]["fp"], c["assessment"]["tp"]) == (1, 0)
    assert r["sentences"] == 4
    r = score_set(rows, {"p1": _tagged(claims=claims)}, min_confidence=0.5)
    assert r["claims"]["statistic"]["fn"] == 1
    assert heading_end < review


@pytest.mark.slow
def test_blind_report_holds_aggregates_only():
    """The blind set is looked at in aggregate only: no items behind the scores,
    no breakdown by relation or by kind confusion; its counts are the README's."""
    from helpers_tagging import shared_tagger

    from scrutiny.evaluation.passage_sets import eval_blind

    r = eval_blind(tagger=shared_tagger(()))
    assert "errors" not in r and "by_relation" not in r["ties"] and "kinds_wrong" not in r["stakeholders"]
    assert (r["passages"], r["sentences"], r["names_gold"], r["ties_gold"]) == (79, 227, 216, 92)
    for kind in ("statistic", "commitment", "recommendation", "assessment"):
        assert 0.0 <= r["claims"][kind]["f1"] <= 1.0
    assert r["claims"]["statistic"]["support"] + r["claims"]["assessment"]["support"] == 36 + 40


@pytest.mark.slow
def test_the_second_blind_set_is_scored_apart_in_aggregate_only():
    """Its counts are its own README's (the annotator's validator)."""
    from helpers_tagging import shared_tagger

    from scrutiny.evaluation.passage_sets import eval_blind

    r = eval_blind(tagger=shared_tagger(()), which="blind2")
    assert r["set"] == "blind2"
    assert "errors" not in r and "by_relation" not in r["ties"] and "kinds_wrong" not in r["stakeholders"]
    assert (r["passages"], r["sentences"], r["ties_gold"]) == (70, 259, 103)
    supports = {kind: r["claims"][kind]["support"] for kind in ("statistic", "commitment", "recommendation", "assessment")}
    assert supports == {"statistic": 46, "commitment": 37, "recommendation": 38, "assessment": 41}


def test_a_dev_subset_is_chosen_by_id_prefix(tmp_path):
    from scrutiny.evaluation.passage_sets import eval_set

    path = _write(tmp_path, [_row(), _row(id="e1"), _row(id="e2")])
    # tagged output given, so no model runs: only the passages asked for are scored
    r = eval_set(path, tagged={"e1": _tagged(), "e2": _tagged()}, ids="e")
    assert r["passages"] == 2
    with pytest.raises(ValueError, match="no passage id starts with 'x'"):
        eval_set(path, tagged={}, ids="x")


def test_the_dev_set_holds_the_third_annotators_passages_with_their_ids():
    from scrutiny.evaluation.passage_sets import DEV

    ids = [r["id"] for r in read_set(DEV)]
    assert sum(i.startswith("e") for i in ids) == 76 and "e001" in ids and "e076" in ids
    assert sum(i.startswith("d") for i in ids) == 121


def test_the_dev_set_holds_the_fourth_annotators_passages_with_their_ids():
    from scrutiny.evaluation.passage_sets import DEV

    rows = read_set(DEV)
    g = [r for r in rows if r["id"].startswith("g")]
    assert len(g) == 80 and g[0]["id"] == "g001" and g[-1]["id"] == "g080"
    assert sum(len(r["ties"]) for r in g) == 142 and sum(len(r["names"]) for r in g) == 324
    assert len({r["id"] for r in rows}) == len(rows)


def test_the_dev_set_holds_the_fifth_annotators_passages_with_their_ids():
    from scrutiny.evaluation.passage_sets import DEV

    rows = read_set(DEV)
    h = [r for r in rows if r["id"].startswith("h")]
    assert len(h) == 80 and h[0]["id"] == "h001" and h[-1]["id"] == "h080"
    assert sum(len(r["ties"]) for r in h) == 141 and sum(len(r["names"]) for r in h) == 351
    assert sum(len(r["sentences"]) for r in h) == 472


def test_the_dev_set_holds_the_sixth_annotators_passages_with_their_ids():
    from scrutiny.evaluation.passage_sets import DEV

    rows = read_set(DEV)
    k = [r for r in rows if r["id"].startswith("k")]
    assert len(k) == 80 and k[0]["id"] == "k001" and k[-1]["id"] == "k080"
    assert sum(len(r["ties"]) for r in k) == 151 and sum(len(r["names"]) for r in k) == 372
    assert sum(len(r["sentences"]) for r in k) == 436
    assert [r["id"][0] for r in rows] == sorted(r["id"][0] for r in rows)  # d, e, g, h, k, m, then n


def test_the_dev_set_holds_the_seventh_annotators_passages_with_their_ids():
    from scrutiny.evaluation.passage_sets import DEV

    rows = read_set(DEV)
    m = [r for r in rows if r["id"].startswith("m")]
    assert len(m) == 80 and m[0]["id"] == "m001" and m[-1]["id"] == "m080"
    assert sum(len(r["ties"]) for r in m) == 163 and sum(len(r["names"]) for r in m) == 346
    assert sum(len(r["sentences"]) for r in m) == 382
    assert len({r["doc"] for r in m}) == 16


def test_the_dev_set_holds_the_eighth_annotators_passages_with_their_ids():
    from scrutiny.evaluation.passage_sets import DEV

    rows = read_set(DEV)
    n = [r for r in rows if r["id"].startswith("n")]
    # the counts their README gives: 80 passages from 16 documents, 332 sentence entries, 397 names, 169 ties
    assert len(n) == 80 and n[0]["id"] == "n001" and n[-1]["id"] == "n080"
    assert sum(len(r["ties"]) for r in n) == 169 and sum(len(r["names"]) for r in n) == 397
    assert sum(len(r["sentences"]) for r in n) == 332
    assert len({r["doc"] for r in n}) == 16
