"""The fifteenth round's claim shapes, each in our own invented sentences: agreement with
a recommendation that does not say what it asks (no claim, as the annotators' guide
has it for "agrees with this recommendation"), and a figure taken as an assumption or a
test's threshold (not a statistic); with the guards that keep both from over-reaching."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def _kinds(tagger, text):
    return [set(c.get("kinds") or {}) for c in tagger.nlp(text)._.claims]


@pytest.mark.parametrize("sentence", [
    "The Government agrees with the Committee's recommendation.",
    "The Government agrees with the Committee\u2019s recommendations.",
    "We accept the Panel's recommendation.",
    "The Department accepts the recommendations of the Tarnwick review.",
    "The Department welcomes the proposal.",
    # nor with a conclusion or a finding whose content is not said (the annotators' brief)
    "The Government agrees with the Committee's conclusion.",
    "We agree with the Panel’s findings.",
])
def test_agreeing_with_a_recommendation_not_said_makes_no_claim(tagger, sentence):
    assert _kinds(tagger, sentence) == [set()]


@pytest.mark.parametrize("sentence", [
    # what is agreed is said: an endorsement of a judgement, an assessment
    "We agree with the Panel's finding that early help reduces later costs.",
    # a conclusion rejected: a judgement
    "We note the Committee's concerns but do not agree with its conclusion.",
    # a count of recommendations accepted: a figure and a pledge
    "We have accepted 9 of the Panel's 12 recommendations in full.",
])
def test_agreement_that_says_what_or_how_many_is_still_a_claim(tagger, sentence):
    kinds = _kinds(tagger, sentence)
    assert kinds and kinds[0], kinds


@pytest.mark.parametrize("sentence", [
    "For illustration only, we have assumed a take-up of 50% among those eligible.",
    "The modelling assumes that 60% of eligible carers apply in the first year.",
    "Differences between the two groups were statistically significant at the 5% level.",
])
def test_an_assumed_figure_or_a_threshold_is_no_statistic(tagger, sentence):
    kinds = _kinds(tagger, sentence)
    assert all("statistic" not in k for k in kinds), kinds


@pytest.mark.parametrize("sentence", [
    "Around 40% of claimants in Tarnwick were assessed within 16 weeks.",
    "We estimate that around 1 in 9 adults in the borough are affected.",
    "The survey found that 62% of carers had not taken a break in a year.",
])
def test_counted_and_estimated_figures_are_still_statistics(tagger, sentence):
    assert "statistic" in _kinds(tagger, sentence)[0]


# --- the body a post is held at, where the recogniser read a place or nothing ----------

def _names(tagger, text):
    from helpers_tagging import named

    return named(tagger.nlp(text))


@pytest.mark.parametrize("text, body", [
    ("Tom Aldous, Chief Executive, Kindred (lead voluntary sector partner)", "Kindred"),
    ("The meeting heard from Paula Grey, chief executive of Kindred, and from Ola Ade.", "Kindred"),
    ("In attendance: Ravi Mehta, Chair, Lanterns", "Lanterns"),
])
def test_a_post_at_a_body_names_the_body(tagger, text, body):
    assert _names(tagger, text).get(body) == "organisation"


@pytest.mark.parametrize("text, not_a_body", [
    ("Contact officer: Liam Doyle, Head of Commissioning, Eastmoor City Council", "Commissioning"),
    ("Panellists: Femi Oduya (Head of Wellbeing, Harrowgate Logistics)", "Wellbeing"),
    ("She was appointed Director of Finance at the trust in May.", "Finance"),
    ("The Secretary of State wrote to the chair of Governors about the audit.", "Governors"),
])
def test_a_portfolio_after_a_post_is_no_body(tagger, text, not_a_body):
    assert not_a_body not in _names(tagger, text)


def test_the_post_ties_the_person_to_the_body(tagger):
    doc = tagger.nlp("Tom Aldous, Chief Executive, Kindred (lead voluntary sector partner)")
    ties = {(t["subject"]["text"], t["relation"], t["object"]["text"]) for t in doc._.ties}
    assert ("Tom Aldous", "position", "Kindred") in ties
