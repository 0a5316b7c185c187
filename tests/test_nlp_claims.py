"""Claim kinds: rules, the classifier, and the hard cases. Our own sentences."""

from __future__ import annotations

import pytest

from helpers_tagging import kinds_of, shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


@pytest.mark.parametrize("text", [
    "In 2016 the board met in the old library.",
    "Section 4.2 sets out the consultation process.",
    "See paragraph 12 and Annex 3 for the definitions.",
    "The Act came into force on 1 October 2007.",
    "The 2020/21 business plan was approved in May.",
    "NHS 111 and Article 8 were both discussed on 14 June.",
    "8.3. The panel met in Leeds.",
])
def test_dates_years_and_section_numbers_are_not_statistics(tagger, text):
    assert "statistic" not in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "Some 42% of tenants waited more than a year for repairs.",
    "The council spent £3.4 million on agency staff.",
    "One in five pupils has a probable mental disorder.",
    "The trust employed 3,400 nurses, 210 fewer than a year earlier.",
])
def test_quantities_are_statistics(tagger, text):
    assert "statistic" in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "Publish the full evaluation before any further roll-out.",        # imperative, no "should"
    "We urge ministers to restore the grant.",
    "It is essential that tenants are consulted before any sale.",
    "The regulator should publish every inspection report.",
])
def test_recommendations_with_and_without_should(tagger, text):
    assert "recommendation" in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "We will open three new crisis cafes by 2025.",
    "The Department is committed to ending out-of-area placements.",
])
def test_commitments(tagger, text):
    assert "commitment" in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "Waiting lists grew because capacity did not keep pace with demand.",
])
def test_assessments(tagger, text):
    assert "assessment" in kinds_of(tagger, text)


def test_each_kind_has_confidence_and_source(tagger):
    doc = tagger.nlp("We will recruit 500 more therapists. The board met on Tuesday.")
    first, second = doc._.claims
    # a planned quantity is a commitment, not a statistic (issue 12's convention)
    assert set(first["kinds"]) == {"commitment"}
    for conf, source in first["kinds"].values():
        assert 0.0 < conf <= 1.0 and source in ("rule", "model")
    assert second["kinds"] == {}
    # Offsets are into the text: the sentence as it stands.
    assert doc.text[first["start"]:first["end"]] == "We will recruit 500 more therapists."


def test_numbered_paragraph_label_is_joined_to_its_sentence(tagger):
    doc = tagger.nlp("8.4. We recommend that the Cabinet Office reviews the guidance.")
    assert len(doc._.claims) == 1
    assert "recommendation" in doc._.claims[0]["kinds"]


def test_statistic_numbers_function():
    import spacy

    from scrutiny.nlp.claim_rules import statistic_numbers

    nlp = spacy.blank("en")
    assert statistic_numbers(nlp("In 2016 the board met.")[:]) == []
    assert statistic_numbers(nlp("Paragraphs 495-496 explain it.")[:]) == []
    assert statistic_numbers(nlp("We agree with these conclusions. 25.")[:]) == []
    assert statistic_numbers(nlp("The COVID-19 inquiry and the M25 works.")[:]) == []
    assert statistic_numbers(nlp("Around 1,200 staff left.")[:]) == ["1,200"]


def test_rules_alone_decide_clear_cases():
    import spacy

    from scrutiny.nlp.claim_rules import decide, rule_hits

    nlp = spacy.blank("en")
    assert "statistic" in decide(rule_hits(nlp("About 40% of claims failed.")[:]))
    assert "recommendation" in decide(rule_hits(nlp("We recommend that councils pool budgets.")[:]))
    assert decide(rule_hits(nlp("In 2016 the board met.")[:])) == {}


def test_table_of_contents_lines_make_no_claim():
    from helpers_tagging import shared_tagger

    tagger = shared_tagger()
    doc = tagger.nlp("Summary ........................................ 4\nBackground to the review ............ 12")
    assert not [c for c in doc._.claims if c.get("kinds")]


def test_note_marks_are_not_statistics_but_final_quantities_are():
    from helpers_tagging import shared_tagger

    nlp = shared_tagger().nlp

    def kinds(text):
        return {k for c in nlp(text)._.claims for k in c.get("kinds", {})}

    assert "statistic" not in kinds("This paper replaces part of the earlier response on bus services 1.")
    assert "statistic" not in kinds("4 Department for Transport, Annual bus statistics, March 2024.")
    assert "statistic" in kinds("The minimum age for the scheme rose to 66.")
    assert "statistic" in kinds("The council recruited 300 drivers.")
