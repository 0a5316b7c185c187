"""Claims on government prose (issue 12, a judged sample of the real PDFs): an
assessment judges, a description does not; fragments, questions and
cross-references make no claim; predictions are assessments, not pledges or
calls; an age limit is not a statistic; a quoted "should" is a call. Each shape in
our own words, written apart from the training sentences."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def _kinds(tagger, text: str) -> list[list[str]]:
    doc = tagger.nlp(text)
    return [sorted(c.get("kinds") or {}) for c in doc._.claims or []]


@pytest.mark.parametrize("text", [
    "The oversight board was established in 2026 to monitor the new licensing scheme.",
    "The minister commissioned a review of the grant conditions last spring.",
    "The guidance was amended to include boarding schools.",
    "The case was referred to the regulator, which investigated the firm's conduct.",
    "Four councils were selected to run the first phase.",
    "The inspectorate engages with providers through regional meetings.",
    "Compensation can include the cost of repairs and a payment for distress.",
    "Records from the pilot would flow into the department's reporting system.",
    "The fund is a national programme that pays for insulation in rented homes.",
])
def test_a_description_is_not_an_assessment(tagger, text):
    assert all("assessment" not in kinds for kinds in _kinds(tagger, text)), text


@pytest.mark.parametrize("text", [
    "The review recognised that tenants had been let down by slow repairs.",
    "The regulator is clear that the current rules leave buyers exposed.",
    "Household debt is expected to rise over the coming winter.",
])
def test_a_reported_judgement_or_a_forecast_is_an_assessment(tagger, text):
    assert ["assessment"] in _kinds(tagger, text) or any("assessment" in k for k in _kinds(tagger, text)), text


@pytest.mark.parametrize("text", [
    "Demand for places will be very high in the first year.",
    "It will be very difficult to find enough foster carers in rural areas.",
])
def test_a_prediction_is_an_assessment_not_a_pledge_or_a_call(tagger, text):
    assert _kinds(tagger, text) == [["assessment"]], text


def test_a_pledge_to_refer_to_something_is_a_commitment_not_a_call(tagger):
    assert _kinds(tagger, "The Government will reference the revised standard in its advice to schools.") == [
        ["commitment"]]


@pytest.mark.parametrize("text", [
    "3. How does the proposal affect people on low incomes?",
    "This is covered later in this response.",
    "to widen access to free legal advice;",
    "and the support offered to families while they wait.",
    "The scheme will be funded by the",
])
def test_fragments_questions_and_cross_references_are_no_claims(tagger, text):
    assert all(not kinds for kinds in _kinds(tagger, text)), (text, _kinds(tagger, text))


def test_bullets_completing_a_lead_in_keep_its_kind(tagger):
    kinds = _kinds(tagger, "We will:\n- publish the data every quarter;\n- review the charge in 2028.")
    assert kinds[1:] == [["commitment"], ["commitment"]]


@pytest.mark.parametrize("text", [
    "Pupils can stay in the programme up to the age of 19.",
    "The service is for children aged 11 and over.",
])
def test_an_age_limit_is_not_a_statistic(tagger, text):
    assert all("statistic" not in kinds for kinds in _kinds(tagger, text)), text


def test_a_quoted_should_is_a_call_and_not_a_judgement(tagger):
    kinds = _kinds(tagger, "One parent told the panel, \u201cthe council should reply within a week.\u201d")
    assert kinds == [["recommendation"]]


# Issue 12, claims only where there is a claim: each shape in our own words, apart
# from the training sentences.

@pytest.mark.parametrize("text", [
    "A further 900 school counsellors are planned for the coming year.",
    "These include 400 extra places at specialist colleges.",
    "Funding of £12 million has been set aside for bus shelters in 2027.",
])
def test_a_planned_or_funded_quantity_without_will_is_a_commitment(tagger, text):
    assert any("commitment" in kinds for kinds in _kinds(tagger, text)), (text, _kinds(tagger, text))


@pytest.mark.parametrize("text", [
    "The network wants the department to fund respite breaks for young carers.",
    "The inquiry calls for a register of private landlords.",
    "The federation urges ministers to reopen the rural post offices.",
    "The board asks that the council publishes its repair times each month.",
])
def test_wants_calls_for_urges_and_asks_that_are_recommendations(tagger, text):
    kinds = _kinds(tagger, text)
    assert any("recommendation" in k for k in kinds) and all("statistic" not in k for k in kinds), (text, kinds)


@pytest.mark.parametrize("text", [
    "Chapter 5: Paying for the new service",
    "Figure 2. Waiting times by month, 2021 to 2025",
    "Annex C List of respondents",
    "https://www.example.org/data/waiting-times-2025",
    "We will:",
])
def test_headings_figure_text_urls_and_lead_ins_alone_are_no_claims(tagger, text):
    assert all(not kinds for kinds in _kinds(tagger, text)), (text, _kinds(tagger, text))
