"""Claims only where there is a claim, in the shapes government responses take:
allocated sums, an inquiry's "shall" quoted in a response, small print, words that
look like a call and are not one, sentences cut by a page break, bare welcomes; and
two kinds of name noise (a piece of a longer capitalised phrase, a title ending in a
particle). All sentences are our own inventions."""

from __future__ import annotations

import pytest

from helpers_tagging import kinds_of, shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def last_kinds(tagger, text):
    doc = tagger.nlp(text)
    return set(doc._.claims[-1]["kinds"])


@pytest.mark.parametrize("text", [
    "That is why we have confirmed a £250m programme to help councils replace ageing boilers.",
    "Since 2021 the department has funded these pilots through the £90m Healthy Towns Fund.",
    "The agency is providing £12 million of new funding to rural bus routes.",
])
def test_an_allocated_sum_is_a_commitment_not_a_statistic(tagger, text):
    kinds = kinds_of(tagger, text)
    assert "statistic" not in kinds
    assert "commitment" in kinds


@pytest.mark.parametrize("text", [
    "The council spent £3.4 million on day services last year.",
    "The fund's £20m budget was underspent by 15%.",
    "Average rents rose by £40 a month across the county.",
])
def test_a_sum_spent_or_measured_stays_a_statistic(tagger, text):
    assert "statistic" in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "The regulator shall publish a plain-English account of how the redress scheme calculates awards.",
    "The ministry and the operator shall ensure that every claimant receives a written decision.",
    "An independent adjudicator shall be appointed to the scheme within three months.",
])
def test_an_inquirys_shall_is_a_call_not_a_pledge(tagger, text):
    kinds = kinds_of(tagger, text)
    assert "commitment" not in kinds
    assert "assessment" not in kinds
    assert "recommendation" in kinds


def test_we_shall_is_still_a_pledge(tagger):
    assert "commitment" in kinds_of(tagger, "We shall publish the revised guidance in the spring.")


@pytest.mark.parametrize("text", [
    "Permission to reuse any third-party material must be obtained from the copyright holders concerned.",
    "This document is licensed under the terms of the Open Government Licence v3.0 except where otherwise stated.",
    "Any enquiries regarding this publication should be sent to the department's correspondence unit.",
    "Crown copyright 2031.",
])
def test_small_print_makes_no_claim(tagger, text):
    assert kinds_of(tagger, text) == set()


@pytest.mark.parametrize("text", [
    "Should the panel decide to award compensation, the department would draw up eligibility rules.",
    "Ministers are expected to lead the national response, working with local partners, should a major incident occur.",
    "It should be noted that the survey excluded people living in care homes.",
    "Awards could be a single fixed payment for every eligible claim.",
    "The new rules also give local authorities the power to recommend additional labelling formats.",
    "We have been considering how we can encourage people to take up walking through gentler measures.",
    "The ombudsman recognised the cost to the public purse, and that departments need to weigh redress against "
    "available resources.",
])
def test_words_that_look_like_a_call_but_call_on_nobody(tagger, text):
    assert "recommendation" not in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "We recommend that the department publish its data every quarter.",
    "The council should publish its waiting list figures.",
    "Ministers need to set out a timetable for the new duty.",
    "If the pilot works, the scheme should be extended to every county.",
])
def test_calls_are_still_calls(tagger, text):
    assert "recommendation" in kinds_of(tagger, text)


def test_a_sentence_cut_off_by_a_page_break_makes_no_claim(tagger):
    text = "Awareness varied widely across the groups surveyed. 41% of respondents with some knowledge of the scheme,"
    assert last_kinds(tagger, text) == set()


def test_a_bare_welcome_of_a_report_makes_no_claim(tagger):
    text = ("The Government welcomes the Housing Committee's report on temporary accommodation, and agrees with "
            "most of its conclusions and recommendations.")
    assert kinds_of(tagger, text) == set()


def test_accepting_a_count_of_recommendations_is_still_a_claim(tagger):
    kinds = kinds_of(tagger, "We have accepted 9 of the Panel's 12 recommendations in full.")
    assert {"statistic", "commitment"} <= kinds


def test_a_welcome_that_says_what_is_agreed_is_a_judgement(tagger):
    assert "assessment" in kinds_of(tagger, "We welcome the Committee's finding that early help reduces later costs.")


def _names(tagger, text):
    from scrutiny.nlp.spans import stakeholder_spans

    return {s.text for s in stakeholder_spans(tagger.nlp(text))}


def test_a_piece_of_a_longer_capitalised_phrase_is_not_a_name(tagger):
    found = _names(tagger, "Claimants may accept the Standard Lump Offer of £20,000 or ask for a full assessment "
                           "of their losses by the Redress Panel.")
    assert "Lump Offer" not in found


def test_a_title_ending_in_a_particle_is_not_a_name(tagger):
    found = _names(tagger, "The committee's report, Start Early or Drop Out, was published in May by the Tidewater "
                           "Housing Trust.")
    assert not {n for n in found if n.endswith("Drop Out")}
    assert "Tidewater Housing Trust" in found


def test_a_post_or_honorific_before_a_name_does_not_cut_it(tagger):
    found = _names(tagger, "Councillor Ian Reid and Health Secretary Dora Penhale met the Tidewater Housing Trust.")
    assert "Ian Reid" in found or "Councillor Ian Reid" in found
    assert "Tidewater Housing Trust" in found


@pytest.mark.parametrize("text", [
    "Under this option we would need to trace every eligible claimant and check each claim by hand.",
    "Fuel duty is also used to encourage drivers to switch to cleaner vehicles.",
])
def test_what_an_option_would_take_or_a_measure_is_for_is_no_call(tagger, text):
    assert "recommendation" not in kinds_of(tagger, text)


def test_investment_of_a_sum_is_a_commitment(tagger):
    kinds = kinds_of(tagger, "Continued investment of £14.5m in the northern rail upgrade.")
    assert "statistic" not in kinds


def test_a_quoted_title_on_a_cover_gives_no_names(tagger):
    # a cover flattened to one line: a committee's title in quotes, glued to what follows
    found = _names(tagger, "Rivers Committee Third Report 'Plan Ahead or Miss Out' Government Response to the "
                           "Committee's report, published by the Tidewater Housing Trust.")
    assert not {n for n in found if "Miss" in n or "Out" in n or "Plan" in n or "'" in n}
    assert "Tidewater Housing Trust" in found


def test_a_quoted_name_with_a_head_noun_is_still_a_name(tagger):
    found = _names(tagger, "The charity runs the 'Warm Homes Programme' with local councils.")
    assert any("Warm Homes Programme" in n for n in found)
