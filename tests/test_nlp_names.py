"""Stakeholder names: curated names win, statistical and rule names, acronyms, aliases.

All sentences and names are our own inventions.
"""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger

CURATED = (
    ("mindful", "organisation", "Mindful"),
    ("mindful", "organisation", "MINDFUL"),
    ("ada-quill", "person", "Ada Quill"),
    ("ada-quill", "person", "Baroness Quill"),
    ("harbour-trust", "organisation", "Harbourside Health Trust"),
    ("hht", "organisation", "HHT"),
)


def names(doc):
    from scrutiny.nlp.spans import stakeholder_spans

    return {(s.text, s.label_, s._.source, s.kb_id_) for s in stakeholder_spans(doc)}


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(CURATED)


def test_curated_names_match_case_variants_and_possessives(tagger):
    doc = tagger.nlp("MINDFUL said that Mindful's staff and mindful managers agreed with Ada Quill.")
    found = names(doc)
    assert ("MINDFUL", "organisation", "curated", "mindful") in found
    assert ("Mindful", "organisation", "curated", "mindful") in found  # "Mindful's" -> Mindful
    # the ordinary word "mindful" is not the organisation
    assert not any(text == "mindful" for text, *_ in found)
    assert ("Ada Quill", "person", "curated", "ada-quill") in found


def test_curated_names_win_over_the_model(tagger):
    doc = tagger.nlp("The Harbourside Health Trust's chair spoke to Baroness Quill yesterday.")
    spans = {s.text: s for s in doc.spans["stakeholders"]}
    assert spans["Harbourside Health Trust"]._.source == "curated"
    assert spans["Harbourside Health Trust"].kb_id_ == "harbour-trust"
    assert spans["Baroness Quill"].kb_id_ == "ada-quill"


def test_names_nobody_listed_are_found(tagger):
    doc = tagger.nlp("Tomas Lindqvist, director of the Northern Alliance for Carers, wrote to the Fairweather Review.")
    found = {(t, k) for t, k, *_ in names(doc)}
    assert ("Tomas Lindqvist", "person") in found
    assert ("Northern Alliance for Carers", "organisation") in found
    assert ("Fairweather Review", "document") in found


def test_places_dates_and_quantities_are_not_stakeholders(tagger):
    doc = tagger.nlp("In March 2019 families in Cornwall, Leeds and Wales waited 14 weeks, 40% longer than in 2016.")
    texts = {t for t, *_ in names(doc)}
    for not_a_stakeholder in ("March 2019", "Cornwall", "Leeds", "Wales", "14 weeks", "40%", "2016"):
        assert not_a_stakeholder not in texts


def test_section_references_are_not_stakeholders(tagger):
    doc = tagger.nlp("Section 4 of Chapter 2 and Annex B describe the Open Doors Programme.")
    texts = {t for t, *_ in names(doc)}
    assert not any(t.startswith(("Section", "Chapter", "Annex")) for t in texts)
    assert "Open Doors Programme" in texts


def test_acronym_definition_links_both_forms(tagger):
    doc = tagger.nlp("The Department for Rural Affairs (DRA) will fund the scheme; the DRA has said so.")
    assert ("DRA", "Department for Rural Affairs") in doc._.acronyms
    dra = [s for s in doc.spans["stakeholders"] if s.text == "DRA"]
    assert len(dra) == 2 and all(s.label_ == "organisation" for s in dra)


def test_curated_acronym_keeps_its_id(tagger):
    doc = tagger.nlp("The Harbourside Health Trust (HHT) published figures; HHT later revised them.")
    hht = [s for s in doc.spans["stakeholders"] if s.text == "HHT"]
    assert hht and all(s.kb_id_ for s in hht)


def test_resolver_joins_aliases_acronyms_and_people():
    from scrutiny.kb.model import KnowledgeBase, Stakeholder
    from scrutiny.kb.view import Curated
    from scrutiny.tags.resolve import Resolver

    curated = Curated(kb=KnowledgeBase(stakeholders={
        "mindful": Stakeholder("mindful", "Mindful", "organisation", aliases=["MINDFUL"])}))
    mentions = [
        {"rowid": 1, "text": "Mindful's", "kind": "person", "confidence": 0.6, "curated_id": None, "doc_id": "a"},
        {"rowid": 2, "text": "Department for Rural Affairs", "kind": "organisation", "confidence": 0.8, "curated_id": None, "doc_id": "a"},
        {"rowid": 3, "text": "DRA", "kind": "organisation", "confidence": 0.8, "curated_id": None, "doc_id": "b"},
        {"rowid": 4, "text": "Lord Pennick", "kind": "person", "confidence": 0.7, "curated_id": None, "doc_id": "a"},
        {"rowid": 5, "text": "Arthur Pennick", "kind": "person", "confidence": 0.8, "curated_id": None, "doc_id": "b"},
        {"rowid": 6, "text": "Professor Arthur Pennick", "kind": "person", "confidence": 0.8, "curated_id": None, "doc_id": "c"},
        {"rowid": 7, "text": "the Northern Alliance", "kind": "organisation", "confidence": 0.8, "curated_id": None, "doc_id": "c"},
        {"rowid": 8, "text": "Northern Alliance's", "kind": "organisation", "confidence": 0.8, "curated_id": None, "doc_id": "a"},
    ]
    acronyms = [("DRA", "Department for Rural Affairs", "a")]
    assigned, extracted = Resolver(curated).resolve(mentions, acronyms)
    assert assigned[1] == "mindful"
    assert assigned[2] == assigned[3]                      # DRA defined in doc a, used in doc b
    assert assigned[4] == assigned[5] == assigned[6]       # Lord Pennick = Arthur Pennick
    assert assigned[7] == assigned[8]
    by_id = {e["id"]: e for e in extracted}
    assert by_id[assigned[5]]["name"] == "Arthur Pennick" and by_id[assigned[5]]["kind"] == "person"
    assert by_id[assigned[2]]["name"] == "Department for Rural Affairs"
    assert "DRA" in by_id[assigned[2]]["aliases"]
    assert "mindful" not in by_id  # curated ids are never reused for extracted names


def test_empty_knowledge_base_and_unseen_documents():
    tagger = shared_tagger(())
    doc = tagger.nlp("Kestrel Health runs the helpline for the Brightwater Group.")
    texts = {s.text for s in doc.spans["stakeholders"]}
    assert {"Kestrel Health", "Brightwater Group"} <= texts
