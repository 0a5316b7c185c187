"""Tie shapes and name noise found on the third annotator's dev passages and the real
PDFs, each in our own words with invented names: membership shared
"alongside" others, a subsidiary, "prepared for X by Y", a coalition "whose members
include", "affiliated to", a second membership sharing its subject; a post, a lone
given name, a generic body and a title-case phrase are not names."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def test_a_member_alongside_others(tagger):
    found = _ties(tagger.nlp("Harbourlight is a member of the Fair Rents Coalition, alongside Shelterwise "
                             "and the Tenants Union."))
    assert {("Harbourlight", "member_of", "Fair Rents Coalition"),
            ("Shelterwise", "member_of", "Fair Rents Coalition"),
            ("Tenants Union", "member_of", "Fair Rents Coalition")} <= found


def test_a_subsidiary_of_a_group(tagger):
    found = _ties(tagger.nlp("Brightpath Care Services is a subsidiary of the Dutch-based Verhoven Group."))
    assert ("Brightpath Care Services", "part_of", "Verhoven Group") in found


def test_prepared_for_a_body_by_another(tagger):
    found = _ties(tagger.nlp("The Westmere Housing Needs Study, prepared for the Westmere Housing Board by "
                             "Kestrel Research, was published in May."))
    assert {("Kestrel Research", "authored", "Westmere Housing Needs Study"),
            ("Westmere Housing Board", "commissioned", "Westmere Housing Needs Study")} <= found


def test_a_coalition_whose_members_include(tagger):
    found = _ties(tagger.nlp("The campaign is run with the Fair Fares Alliance, a coalition whose members include "
                             "the Passenger Voice Trust and the Rural Transport Network."))
    assert {("Passenger Voice Trust", "member_of", "Fair Fares Alliance"),
            ("Rural Transport Network", "member_of", "Fair Fares Alliance")} <= found


def _names(tagger, text):
    from scrutiny.nlp.spans import stakeholder_spans

    return {s.text: s.label_ for s in stakeholder_spans(tagger.nlp(text))}


@pytest.mark.parametrize("text,not_a_name", [
    ("The Chancellor announced the budget on Wednesday.", "Chancellor"),
    ("The Advisory Board met twice before the launch.", "Advisory Board"),
    ("Women Who Lose Out\nMany women lose out when the rules change.", "Lose Out"),
])
def test_posts_generic_bodies_and_title_case_phrases_are_not_names(tagger, text, not_a_name):
    assert not_a_name not in _names(tagger, text)


def test_a_given_name_alone_is_not_a_person(tagger):
    names = _names(tagger, "Orlando will provide timing signals to ships from 2031.")
    assert names.get("Orlando") != "person"
    # but a given name with a role beside it is
    assert _names(tagger, "Orlando, the chair of the panel, said the plan was late.").get("Orlando") == "person"


def test_a_phrase_the_corpus_writes_in_lower_case_is_not_a_stakeholder(tmp_path):
    from scrutiny.tags.write import strip_one

    assert strip_one("the Lose Out") == "lose out" and strip_one("Convention") == "convention"
    assert strip_one("NHS England") == "" and strip_one("Department for Work and Pensions") == ""


@pytest.mark.parametrize("text,tie", [
    ("The Northfield Tenants Union is affiliated to the National Housing Federation.",
     ("Northfield Tenants Union", "member_of", "National Housing Federation")),
    ("Harbour Carers is formally affiliated with Carers Together.",
     ("Harbour Carers", "member_of", "Carers Together")),
])
def test_affiliated_to_a_body(tagger, text, tie):
    assert tie in _ties(tagger.nlp(text))


def test_a_second_membership_shares_the_subject(tagger):
    found = _ties(tagger.nlp("The Riverside Food Bank is part of the Trussell Network and is also a member "
                             "of the Northfield Poverty Alliance."))
    assert ("Riverside Food Bank", "member_of", "Northfield Poverty Alliance") in found
