"""Candidate ties from phrase and dependency patterns. Our own sentences and names."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def ties(tagger, text):
    doc = tagger.nlp(text)
    return {(t["subject"]["text"], t["relation"], t["object"]["text"]) for t in doc._.ties}, doc


@pytest.mark.parametrize("text,expected", [
    ("Maria Okafor, chief executive of the Harbourside Health Trust, gave evidence.",
     ("Maria Okafor", "position", "Harbourside Health Trust")),
    # A tie stated across a relative clause.
    ("Tomas Lindqvist, who chairs the Northern Alliance for Carers, criticised the plan.",
     ("Tomas Lindqvist", "position", "Northern Alliance for Carers")),
    ("Professor Helen Marsh, who leads the Centre for Workforce Research, gave evidence.",
     ("Professor Helen Marsh", "position", "Centre for Workforce Research")),
    ("The Harbourside Health Trust's chair, Jonathan Pike, resigned in June.",
     ("Jonathan Pike", "position", "Harbourside Health Trust")),
    ("The Steady Minds Taskforce, chaired by Professor Helen Marsh, reported in 2017.",
     ("Professor Helen Marsh", "position", "Steady Minds Taskforce")),
    ("Priya Raman is a member of the Wellbeing at Work Taskforce.",
     ("Priya Raman", "member_of", "Wellbeing at Work Taskforce")),
    ("The Rural Data Unit, which is part of the Department for Rural Affairs, publishes the figures.",
     ("Rural Data Unit", "part_of", "Department for Rural Affairs")),
    ("The Carers Strategy 2030 was published by the Department for Rural Affairs in March.",
     ("Department for Rural Affairs", "published", "Carers Strategy 2030")),
    ("The Care Quality Board commissioned the Safe Staffing Review.",
     ("Care Quality Board", "commissioned", "Safe Staffing Review")),
    ("Westmoor Assessments Ltd delivers disability assessments for the Department for Rural Affairs.",
     ("Westmoor Assessments Ltd", "provides", "Department for Rural Affairs")),
])
def test_patterns(tagger, text, expected):
    found, _ = ties(tagger, text)
    assert expected in found


def test_prepared_by_with_funding_from(tagger):
    found, _ = ties(tagger, "The Open Doors Review was prepared by Ashdown Consulting with funding from the Pemberton Foundation.")
    assert ("Ashdown Consulting", "authored", "Open Doors Review") in found
    assert ("Pemberton Foundation", "funded", "Open Doors Review") in found
    # The funder did not fund the consultancy.
    assert ("Pemberton Foundation", "funded", "Ashdown Consulting") not in found


def test_evidence_is_the_sentence_span(tagger):
    text = "The panel met twice. Maria Okafor, chief executive of the Harbourside Health Trust, spoke first."
    _, doc = ties(tagger, text)
    (t,) = [t for t in doc._.ties if t["relation"] == "position"]
    assert text[t["sent_start"]:t["sent_end"]].startswith("Maria Okafor, chief executive")
    assert t["role"] == "chief executive" and 0.5 <= t["confidence"] <= 1.0


def test_relations_respect_the_vocabulary(tagger):
    from scrutiny.schema import vocabulary

    vocab = vocabulary()
    _, doc = ties(tagger, "Maria Okafor, chief executive of the Harbourside Health Trust, published the Fair Start Review "
                          "with funding from the Pemberton Foundation.")
    assert doc._.ties
    for t in doc._.ties:
        assert vocab.relation_allows(t["relation"], t["subject"]["kind"], t["object"]["kind"])


def test_no_tie_without_two_stakeholders(tagger):
    found, _ = ties(tagger, "The chief executive resigned in June after the report was published.")
    assert found == set()
