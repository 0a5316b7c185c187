"""The sixteenth round's shapes, in our own invented sentences: bodies named by a head noun
of the courts and the police, posts that end in "Coroner" or "Clerk", and the NHS's area
bodies, whose names join two places with "and"."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, named as _names


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


@pytest.mark.parametrize("sentence, name", [
    ("The clerk may publish the ruling on the Courts and Tribunals Judiciary website.",
     "Courts and Tribunals Judiciary"),
    ("Officers from Tarnside Police attended the meeting.", "Tarnside Police"),
    ("Our peer worker runs a drop-in at the Kelby Hub every second Thursday.", "Kelby Hub"),
])
def test_head_nouns_of_courts_police_and_hubs_make_bodies(tagger, sentence, name):
    assert _names(tagger.nlp(sentence)).get(name) == "organisation"


@pytest.mark.parametrize("sentence, post", [
    ("The Chief Coroner may publish the report next month.", "Chief Coroner"),
    ("Apologies were received from the Town Clerk and two members.", "Town Clerk"),
])
def test_posts_ending_in_coroner_or_clerk_are_no_bodies(tagger, sentence, post):
    assert post not in _names(tagger.nlp(sentence))


def test_the_police_or_the_tribunal_alone_is_no_name(tagger):
    assert _names(tagger.nlp("The Police said the Tribunal would sit in March.")) == {}


@pytest.mark.parametrize("sentence, name", [
    ("The programme is funded by NHS Kelby and Dunmoor Integrated Care Board and the council.",
     "NHS Kelby and Dunmoor Integrated Care Board"),
    ("This report is being sent to the Chief Executive, NHS Tarn Valley and West Wexley Integrated Care Board.",
     "NHS Tarn Valley and West Wexley Integrated Care Board"),
    ("Referrals rose after NHS Ashby and Orme Clinical Commissioning Group closed two clinics.",
     "NHS Ashby and Orme Clinical Commissioning Group"),
])
def test_an_nhs_area_body_joining_two_places_is_one_name(tagger, sentence, name):
    names = _names(tagger.nlp(sentence))
    assert names.get(name) == "organisation"
    assert not [n for n in names if n != name and n in name]


def test_two_nhs_bodies_joined_by_and_stay_two(tagger):
    names = _names(tagger.nlp("NHS England and NHS Improvement wrote to the trust."))
    assert {"NHS England", "NHS Improvement"} <= set(names)


@pytest.mark.parametrize("sentence, name", [
    ("The trust, which runs the Royal Kelby Infirmary and a day unit, employs 9,000 staff.", "Royal Kelby Infirmary"),
    ("The service is provided by Tarnvale Community Health CIC and funded by the council.",
     "Tarnvale Community Health CIC"),
])
def test_an_infirmary_or_a_community_interest_company_is_a_body(tagger, sentence, name):
    assert _names(tagger.nlp(sentence)).get(name) == "organisation"


def test_a_year_after_a_documents_head_leaves_it_a_document(tagger):
    names = _names(tagger.nlp("The association will launch its Workforce Census 2025 there."))
    assert names.get("Workforce Census 2025") == "document"
