"""Tie shapes read from the dependency parse (``scrutiny.nlp.tie_parse``) and a few
phrase shapes beside them, each in our own words with invented names: a seat on a
body's board after a relative clause, a post after an adverb or a relative clause, a
post "of" a subject ("head of research at"), a role whose holder stands in apposition
to the subject, "its former chief executive, X", "whose chair, X", "a member
organisation of", a body hosted by another, a hospital run by a trust."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


@pytest.mark.parametrize("text,tie", [
    # a seat "on the board of" a body, after a relative clause holding another name
    ("Maya Brennock, who was made treasurer of the Kestle Valley Housing Trust in 2019, sits on the board of the "
     "Orrin Wells Foundation.",
     ("Maya Brennock", "member_of", "Orrin Wells Foundation")),
    ("Tobias Wren now serves on the board of the Harlan Grove Society.",
     ("Tobias Wren", "member_of", "Harlan Grove Society")),
    # a member of a body, said of a role whose holder stands in apposition
    ("The Fenmoor Institute studies tides. Its research director, Dr Ivo Partridge, is a member of the Coastal "
     "Engineering Guild.",
     ("Dr Ivo Partridge", "member_of", "Coastal Engineering Guild")),
])
def test_seats_and_memberships_from_the_parse(tagger, text, tie):
    assert tie in _ties(tagger.nlp(text))


@pytest.mark.parametrize("text,tie", [
    # an adverb before the verb and a role "of" a subject
    ("Dr Nadia Ferrow was previously head of research at the Harlow Street Foundation.",
     ("Dr Nadia Ferrow", "position", "Harlow Street Foundation")),
    # a relative clause between the name and the verb, a role the phrase list does not hold
    ("Professor Jonas Weald, who sits on the review's advisory group, was appointed as chief officer of "
     "Lanford Hospitals NHS Trust in March.",
     ("Professor Jonas Weald", "position", "Lanford Hospitals NHS Trust")),
    # "served as ... at" said of a role whose holder is in apposition
    ("The Brackley Centre is a charity. Its chair, Dr Hana Voss, earlier served as treasurer at the "
     "Office for Coastal Affairs.",
     ("Dr Hana Voss", "position", "Office for Coastal Affairs")),
])
def test_posts_from_the_parse(tagger, text, tie):
    assert tie in _ties(tagger.nlp(text))


def test_its_former_chief_executive_stands_for_the_body_named_before(tagger):
    doc = tagger.nlp("Corvell Care Services is a large provider. Its former chief executive, Adam Strand, "
                     "now sits on the board of the Home Care Federation.")
    found = _ties(doc)
    assert ("Adam Strand", "member_of", "Home Care Federation") in found
    # the post is at the body "Its" stands for (the back-reference is a tie end)
    assert ("Adam Strand", "position", "Corvell Care Services") in found


def test_the_college_stands_for_the_college_named_before(tagger):
    found = _ties(tagger.nlp("We will work with the Royal College of Surveyors to widen Routes into Surveying, "
                             "the mentoring scheme run by the College."))
    assert ("Royal College of Surveyors", "provides", "Routes into Surveying") in found


def test_whose_chief_executive(tagger):
    found = _ties(tagger.nlp("Rowan Mill Hospital is run by the Tarnside Health Trust, whose chief executive, "
                             "Petra Lind, took up the post in May."))
    assert ("Petra Lind", "position", "Tarnside Health Trust") in found
    # a hospital run by a trust is part of it, not a service the trust provides
    assert ("Rowan Mill Hospital", "part_of", "Tarnside Health Trust") in found
    assert ("Tarnside Health Trust", "provides", "Rowan Mill Hospital") not in found


def test_a_member_organisation_of(tagger):
    found = _ties(tagger.nlp("Fieldwork went to Larch Insight, a member organisation of the Survey Standards "
                             "Council, after a tender."))
    assert ("Larch Insight", "member_of", "Survey Standards Council") in found


def test_a_body_hosted_by_another_is_provided_by_it(tagger):
    found = _ties(tagger.nlp("The Westbay Skills Hub, hosted by Coastline Health Partners, opens in June."))
    assert ("Coastline Health Partners", "provides", "Westbay Skills Hub") in found
    assert ("Westbay Skills Hub", "part_of", "Coastline Health Partners") not in found


@pytest.mark.parametrize("text,not_a_tie", [
    # a seat on another body's panel named by a possessive is not a seat on a named body
    ("Dr Rhea Tallis, who sits on the inquiry's expert panel, spoke to the Marsh Lane Forum.",
     ("Dr Rhea Tallis", "member_of", "Marsh Lane Forum")),
    # a role noun with no body after it
    ("Owen Gale was previously a nurse and now writes for the Harbour Gazette.",
     ("Owen Gale", "position", "Harbour Gazette")),
])
def test_the_parse_does_not_invent_ties(tagger, text, not_a_tie):
    assert not_a_tie not in _ties(tagger.nlp(text))


def test_a_relative_clause_after_a_list_is_said_of_its_last_member(tagger):
    found = _ties(tagger.nlp("Advisers included Dr Lena Hart of the Quarry Institute and Omar Sayed, who sits on "
                             "the board of the Tidewater Alliance."))
    assert ("Omar Sayed", "member_of", "Tidewater Alliance") in found
    assert ("Dr Lena Hart", "member_of", "Tidewater Alliance") not in found
