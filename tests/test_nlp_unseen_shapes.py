"""The sentence shapes issue 12 found missed or invented on documents we did not
write, each in our own words: ties from the parse and back-references, claims only
where there is a claim, names without the knowledge base."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def _kinds(doc) -> list[tuple[str, list[str]]]:
    return [(doc.text[c["start"]:c["end"]], sorted(c.get("kinds") or {})) for c in doc._.claims or []]


def test_a_review_carried_out_by_two_people_with_appositions(tagger):
    doc = tagger.nlp("The Westfield Foundation commissioned the Fair Care Review. The review was carried out by "
                     "Ruth Mensah, a former chair of Eastmoor Council, and Colin Hart, the chief executive of the "
                     "Redbridge Housing Association.")
    found = _ties(doc)
    assert ("Westfield Foundation", "commissioned", "Fair Care Review") in found
    # "the review" is the report named a sentence before; both people in the list authored it,
    # the place one of them held (a name the tagger may not know) does not stop the list
    assert {("Ruth Mensah", "authored", "Fair Care Review"), ("Colin Hart", "authored", "Fair Care Review")} <= found
    assert ("Colin Hart", "position", "Redbridge Housing Association") in found


def test_prepared_by_with_funding_from(tagger):
    found = _ties(tagger.nlp("The Open Doors Report was prepared by Ashdown Consulting with funding from "
                             "the Pemberton Foundation."))
    assert {("Ashdown Consulting", "authored", "Open Doors Report"),
            ("Pemberton Foundation", "funded", "Open Doors Report")} <= found


def test_a_unit_jointly_run_by_two_departments_is_part_of_each(tagger):
    found = _ties(tagger.nlp("The Coastal Data Unit, which is jointly run by the Department for Rural Affairs and "
                             "the Department for Transport, publishes the counts."))
    assert {("Coastal Data Unit", "part_of", "Department for Rural Affairs"),
            ("Coastal Data Unit", "part_of", "Department for Transport")} <= found


def test_a_centre_at_a_university(tagger):
    found = _ties(tagger.nlp("The Centre for Carer Studies at the University of Eastmoor runs the survey."))
    assert ("Centre for Carer Studies", "part_of", "University of Eastmoor") in found


def test_member_of_the_coalition_named_before(tagger):
    found = _ties(tagger.nlp("The Fair Wages Coalition was founded in 2019. Bright Futures is a member of the coalition."))
    assert ("Bright Futures", "member_of", "Fair Wages Coalition") in found


def test_no_tie_invented_from_what_a_body_provides(tagger):
    assert _ties(tagger.nlp("Safe Harbour provides workplace wellbeing programmes.")) == set()


def test_planned_quantities_without_will_are_commitments(tagger):
    claims = _kinds(tagger.nlp("A further 3,700 posts are planned for community care. "
                               "These include 1,500 additional posts in rural areas."))
    # a planned count of posts is a pledge (and, as a count, may also be a statistic)
    assert [("commitment" in kinds and set(kinds) <= {"commitment", "statistic"}) for _, kinds in claims] == [True, True]


def test_wants_is_a_recommendation_not_a_statistic(tagger):
    assert _kinds(tagger.nlp("The coalition wants the NHS to offer a named worker to every carer.")) == [
        ("The coalition wants the NHS to offer a named worker to every carer.", ["recommendation"])]


@pytest.mark.parametrize("text", ["We will:", "https://www.example.org/report-2024.pdf", "42", "Contents"])
def test_lead_ins_addresses_and_bare_numbers_are_no_claims(tagger, text):
    assert all(not kinds for _, kinds in _kinds(tagger.nlp(text)))


def test_an_operator_is_not_a_person_and_a_scale_is_not_a_body(tagger):
    from scrutiny.nlp.spans import stakeholder_spans

    doc = tagger.nlp("Northern Rail apologised for the delays. "
                     "The council used its Severity of Harm scale to rank complaints.")
    names = {s.text: s.label_ for s in stakeholder_spans(doc)}
    assert names.get("Northern Rail") in (None, "organisation")
    assert "Severity of Harm" not in names


@pytest.mark.parametrize("text,start_of,cut", [
    ("The storm closed every road in the county. It led", "It led", True),          # cut by a page break
    ("which can be rapidly triggered. The plan names a lead body for each risk.", "which", True),
    ("The storm closed every road in the county. It led to a review.", "It led", False),
    ("Minutes of the board\nAgreed to fund two posts", "Agreed", False),            # a line of its own
    ("The storm closed every road in the county and it led the board to act quickly", "The storm", False),
])
def test_words_a_page_break_cut_off_are_no_claim(text, start_of, cut):
    from scrutiny.tags.write import _cut_fragment

    start = text.index(start_of)
    end = len(text) if start_of != "which" else text.index(".") + 1
    if start_of == "It led" and not cut:
        end = len(text)
    assert _cut_fragment(text, start, end) is cut


def test_a_doc_made_in_another_process_reads_the_same(tagger):
    """Two-process tagging sends each doc back through msgpack: its tags must survive
    the trip (a back-reference map keyed by tuples once made `scrutiny tag` on a large
    corpus fail, and spaCy's workers then hang)."""
    import json

    from spacy.tokens import Doc

    doc = tagger.nlp("The Fair Wages Coalition was founded in 2019. Bright Futures is a member of the coalition.")
    assert doc._.coref
    back = Doc(tagger.nlp.vocab).from_bytes(doc.to_bytes())
    for ext in ("coref", "claims", "ties", "acronyms"):
        assert json.dumps(getattr(back._, ext), sort_keys=True) == json.dumps(getattr(doc._, ext), sort_keys=True)
    assert _ties(back) == _ties(doc)


def test_a_name_does_not_stop_inside_its_brackets(tagger):
    from scrutiny.nlp.spans import stakeholder_spans

    doc = tagger.nlp("The National Security Council (Resilience) met twice. The Harbour Agency funded the "
                     "Rocketry Research Teaching and Training (RRTT) programme.")
    names = {s.text for s in stakeholder_spans(doc)}
    assert "National Security Council (Resilience)" in names
    assert "Rocketry Research Teaching and Training" in names
    assert not [n for n in names if n.count("(") != n.count(")")]


def test_a_display_name_keeps_its_closing_bracket():
    from scrutiny.nlp.normalise import strip_name

    assert strip_name("the National Security Council (Resilience)") == "National Security Council (Resilience)"
    assert strip_name("(CDU)") == "CDU" and strip_name("the Harbour Trust's") == "Harbour Trust"
