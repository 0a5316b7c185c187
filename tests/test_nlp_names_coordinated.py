"""Two bodies joined by "and" are two names, and a name with an "and" of its own stays
whole. All sentences and names are our own inventions."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def name_texts(doc):
    from scrutiny.nlp.spans import stakeholder_spans

    return {s.text for s in stakeholder_spans(doc)}


@pytest.mark.parametrize("text, expected", [
    ("The plan was written by NHS Wales and Health Education Wales over the summer.",
     {"NHS Wales", "Health Education Wales"}),
    ("Both Older Voices UK and Carers Together UK signed the joint letter.",
     {"Older Voices UK", "Carers Together UK"}),
])
def test_two_bodies_joined_by_and_are_two_names(tagger, text, expected):
    found = name_texts(tagger.nlp(text))
    assert expected <= found
    assert not any(" and " in f and f not in expected for f in found)


def test_a_name_with_an_and_of_its_own_stays_whole(tagger):
    found = name_texts(tagger.nlp("Officials from the Department for Work and Pensions met the panel on Tuesday."))
    assert "Department for Work and Pensions" in found
    assert "Pensions" not in found
