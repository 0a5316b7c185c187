"""Conflicts of interest are derived from chains of ties, never typed in."""

from __future__ import annotations

from helpers_kb import write_project
from scrutiny.kb import load_kb
from scrutiny.kb.conflicts import find_conflicts


def sub(old, new):
    return lambda text: text.replace(old, new)


def conflicts_for(tmp_path, **breakers):
    return find_conflicts(load_kb(write_project(tmp_path / "proj", **breakers) / "kb"))


def test_chair_of_authoring_panel_who_runs_a_provider(tmp_path):
    (c,) = conflicts_for(tmp_path)
    assert c.document == "widget-review"
    assert c.stakeholder == "ada-example"
    assert c.via == ["ada-chairs-panel", "panel-wrote-review", "ada-runs-hh",
                     "hh-provides-scheme", "review-recommends-scheme"]
    # the explanation is generated from the chain, naming each link and its tie id
    for part in ("Ada Example holds a position in The Widget Panel (chair)",
                 "The Widget Panel authored The Widget Review",
                 "Helping Hands provides Wellbeing Scheme",
                 "The Widget Review recommends Wellbeing Scheme", "[hh-provides-scheme]"):
        assert part in c.explanation
    assert c.to_dict()["via"] == c.via


def test_no_recommendation_no_conflict(tmp_path):
    extra = """  - id: review-recommends-scheme
    subject: widget-review
    relation: recommends
    object: wellbeing-scheme
    sources: [{source: src-report, locator: p. 9}]
"""
    assert conflicts_for(tmp_path, ties=sub(extra, "")) == []


def test_no_position_in_the_provider_no_conflict(tmp_path):
    assert conflicts_for(tmp_path, ties=sub("    object: helping-hands\n", "    object: widget-panel\n")) == []


def test_direct_author_who_is_the_provider(tmp_path):
    extra = """  - id: hh-wrote-review
    subject: helping-hands
    relation: authored
    object: widget-review
    role: co-author
    sources: [{source: src-page}]
"""
    found = conflicts_for(tmp_path, ties=lambda t: t + extra)
    direct = [c for c in found if c.stakeholder == "helping-hands"]
    assert [c.via for c in direct] == [["hh-wrote-review", "hh-provides-scheme", "review-recommends-scheme"]]
    assert "Helping Hands authored The Widget Review (co-author)" in direct[0].explanation


def test_provider_of_a_part_of_the_recommended_programme(tmp_path):
    # Helping Hands now provides a sub-scheme that is part of what the review recommends.
    stakeholders = lambda t: t + """  - id: sub-scheme
    name: Sub Scheme
    kind: programme
    sources: [{source: src-report}]
"""
    ties = lambda t: t.replace("    object: wellbeing-scheme\n    sources: [{source: src-page}]",
                               "    object: sub-scheme\n    sources: [{source: src-page}]") + """  - id: sub-part-of-scheme
    subject: sub-scheme
    relation: part_of
    object: wellbeing-scheme
    sources: [{source: src-report}]
"""
    (c,) = conflicts_for(tmp_path, stakeholders=stakeholders, ties=ties)
    assert c.via[-3:] == ["hh-provides-scheme", "sub-part-of-scheme", "review-recommends-scheme"]


def test_panel_member_organisation(tmp_path):
    extra = """  - id: hh-on-panel
    subject: helping-hands
    relation: member_of
    object: widget-panel
    role: represented on the panel
    sources: [{source: src-report}]
"""
    found = conflicts_for(tmp_path, ties=lambda t: t + extra)
    assert {c.stakeholder for c in found} == {"ada-example", "helping-hands"}
    (hh,) = [c for c in found if c.stakeholder == "helping-hands"]
    assert hh.via == ["hh-on-panel", "panel-wrote-review", "hh-provides-scheme", "review-recommends-scheme"]


def test_a_position_not_held_when_the_document_was_written_breaks_the_chain(tmp_path):
    dated = sub("    relation: authored\n    object: widget-review\n",
                "    relation: authored\n    object: widget-review\n    start: 2020-03\n")
    # Ada ran Helping Hands from 2010: still a conflict in 2020.
    assert len(conflicts_for(tmp_path / "a", ties=dated)) == 1
    # Ada left Helping Hands in 2015, five years before the review.
    left = lambda t: dated(t).replace("    start: 2010-05-01\n", "    start: 2010-05-01\n    end: 2015\n")
    assert conflicts_for(tmp_path / "b", ties=left) == []
    # Ada only chaired the panel from 2021, after the review.
    late = lambda t: dated(t).replace("    start: 2019\n    end: 2020-03\n", "    start: 2021\n")
    assert conflicts_for(tmp_path / "c", ties=late) == []


def test_a_tie_used_twice_in_a_chain_is_listed_once(tmp_path):
    """The chair's position in the panel leads both to the document (the panel wrote
    it) and to the provider (the panel itself provides the scheme): the chain must
    not list the position twice, and the explanation must not repeat it."""
    extra = """  - id: panel-provides-scheme
    subject: widget-panel
    relation: provides
    object: wellbeing-scheme
    sources: [{source: src-report}]
"""
    found = conflicts_for(tmp_path, ties=lambda t: t + extra)
    for c in found:
        assert len(c.via) == len(set(c.via)), c.via
        assert c.explanation.count("[ada-chairs-panel]") <= 1, c.explanation
    chair = [c for c in found if c.stakeholder == "ada-example" and "panel-provides-scheme" in c.via]
    assert [c.via for c in chair] == [
        ["ada-chairs-panel", "panel-wrote-review", "panel-provides-scheme", "review-recommends-scheme"]]
    assert chair[0].explanation == (
        "Possible conflict of interest in The Widget Review: "
        "Ada Example holds a position in The Widget Panel (chair), 2019 to 2020-03 [ada-chairs-panel]; "
        "The Widget Panel authored The Widget Review [panel-wrote-review]; "
        "The Widget Panel provides Wellbeing Scheme [panel-provides-scheme]; "
        "The Widget Review recommends Wellbeing Scheme [review-recommends-scheme].")
    # the panel's own conflict is found too, and the chair's other one (through Helping Hands)
    assert {c.stakeholder for c in found} == {"ada-example", "widget-panel"}
    assert len(found) == 3
