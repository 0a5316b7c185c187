"""Pledges stated without "we will", read from the dependency parse
(scrutiny.nlp.claim_rules.parse_commitments), each shape in our own words, and the
shapes that look like them but pledge nothing."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def _kinds(tagger, text):
    doc = tagger.nlp(text)
    return [(doc.text[c["start"]:c["end"]], set(c.get("kinds") or {})) for c in doc._.claims or []]


def _rules(tagger, text):
    from scrutiny.nlp.claim_rules import parse_commitments

    return parse_commitments(tagger.nlp(text)[:])


@pytest.mark.parametrize("text,rule", [
    ("A further 2,600 places are planned for adult learners.", "planned_quantity"),
    ("£31 million is being invested in the coastal bus network over three years.", "planned_quantity"),
    ("Funding has been allocated for three new youth hubs.", "planned_quantity"),
    ("The library service is to move into the old town hall next spring.", "is_to"),
    ("Community nurses are to increase to 900 posts by the end of the decade.", "is_to"),
    ("The ferry company plans to add a winter timetable.", "intends"),
    ("The Westvale Fire Authority will publish response times for every station.", "agent_will"),
    ("Officers will report back to the panel in June.", "agent_will"),
    ("The inspector said the agency would return within a month.", "reported_pledge"),
    ("These include 400 additional beds in the two community hospitals.", "new_quantity"),
])
def test_a_pledge_without_we_will_is_read_from_the_parse(tagger, text, rule):
    assert rule in _rules(tagger, text)
    assert "commitment" in _kinds(tagger, text)[0][1]


@pytest.mark.parametrize("text", [
    "Demand for school places will rise sharply after 2030.",
    "The challenge is to keep experienced teachers in the profession.",
    "This is to be expected in the first winter of any scheme.",
    "£4 million was allocated to the scheme in 2019.",
    "The report said the new bridge would cost far more than planned.",
])
def test_predictions_tasks_and_past_allocations_are_no_pledges(tagger, text):
    assert _rules(tagger, text) == []


def test_a_figure_against_a_target_is_a_measure_not_a_pledge(tagger):
    (text, kinds), = _kinds(tagger, "By the end of May, 730 homes had been insulated, against a target of 950.")
    assert "commitment" not in kinds and "statistic" in kinds


def test_lines_under_a_lead_in_that_ends_a_line_take_its_kind(tagger):
    # "We will:" follows another sentence on its line; the bullets below it complete it
    claims = _kinds(tagger, "Staff leave when they are not supported. We will:\n"
                            "- introduce a mentoring scheme for new drivers;\n"
                            "- review the rota at the Eastgate depot.")
    assert [k for t, k in claims if t.startswith("-")] == [{"commitment"}, {"commitment"}]


def test_items_under_resolved_are_commitments(tagger):
    claims = _kinds(tagger, "Resolved:\n(1) that the draft parking strategy be adopted;\n"
                            "(2) that the Head of Transport report back in six months.")
    assert [k for t, k in claims if t.startswith("(")] == [{"commitment"}, {"commitment"}]
