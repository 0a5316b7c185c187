"""The sixth round's shapes, each in our own invented sentences: titles with subtitles
and bylines of names alone, names whose first word or "for ..." the recogniser drops,
titles in two halves, capitalised activities and assessments that are not bodies,
descriptions that say what a name is, funding that goes with what a verb acts on,
posts that are not bodies, and claims that names' own words do not make."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties, named as _names, sentence_kinds as _kinds


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


# --- titles ------------------------------------------------------------------------

def test_a_title_with_a_subtitle_names_the_document_by_its_main_title(tagger):
    doc = tagger.nlp("Safer Streets: A Delivery Plan for Neighbourhood Policing in Kesterfield\n"
                     "Foreword by the Police and Crime Commissioner\n"
                     "Crime in the town centre fell last year. This plan has been prepared by Kesterfield "
                     "Borough Council and the Kesterfield Community Safety Partnership.")
    names = _names(doc)
    assert names.get("Safer Streets") == "document"
    assert not [n for n in names if "Delivery Plan" in n or "Neighbourhood Policing" in n]
    found = _ties(doc)
    assert {("Kesterfield Borough Council", "authored", "Safer Streets"),
            ("Kesterfield Community Safety Partnership", "authored", "Safer Streets")} <= found


def test_a_byline_of_names_alone_and_the_body_under_it(tagger):
    doc = tagger.nlp("Running on Empty: Why Fuel Costs Are Emptying Rural Surgeries\n"
                     "Dr Lena Morrow and Tobias Quill\n"
                     "Centre for Rural Futures\n"
                     "Rural surgeries paid twice as much for heating in 2024 as in 2020.")
    names = _names(doc)
    assert names.get("Running on Empty") == "document"
    assert not [n for n in names if "Fuel Costs" in n or "Rural Surgeries" in n]
    found = _ties(doc)
    assert {("Dr Lena Morrow", "authored", "Running on Empty"), ("Tobias Quill", "authored", "Running on Empty"),
            ("Centre for Rural Futures", "published", "Running on Empty")} <= found


def test_a_label_before_a_colon_is_no_title(tagger):
    doc = tagger.nlp("Members present: Ruth Penrose, in the Chair; Omar Lyle; Kit Danby. Draft Report "
                     "(Open Doors: Housing for Care Leavers), proposed by the Chair, brought up and read.")
    names = _names(doc)
    assert {"Ruth Penrose", "Omar Lyle", "Kit Danby"} <= set(names)
    assert "Members present" not in names


def test_a_title_in_two_halves(tagger):
    doc = tagger.nlp("Wexley Borough Council commissioned Warm Rooms, Safe Streets, an independent evaluation of "
                     "the pilot, from the Centre for Housing Evidence at Ardmore University.")
    assert _names(doc).get("Warm Rooms, Safe Streets") == "document"
    found = _ties(doc)
    assert ("Wexley Borough Council", "commissioned", "Warm Rooms, Safe Streets") in found
    assert ("Centre for Housing Evidence", "authored", "Warm Rooms, Safe Streets") in found


def test_a_programme_named_in_apposition_after_its_head_noun(tagger):
    doc = tagger.nlp("The board is spending £3 million on a new retention programme, Stay and Grow, to be "
                     "delivered by Carewell Partners.")
    assert _names(doc).get("Stay and Grow") == "programme"
    assert ("Carewell Partners", "provides", "Stay and Grow") in _ties(doc)


def test_a_title_produced_with_funding(tagger):
    doc = tagger.nlp("Lives on Hold was produced with funding from the Ashgrove Trust.")
    assert _names(doc).get("Lives on Hold") == "document"
    assert ("Ashgrove Trust", "funded", "Lives on Hold") in _ties(doc)


# --- names the recogniser cuts short ------------------------------------------------

def test_a_name_keeps_its_first_word(tagger):
    doc = tagger.nlp("Commuter Voice South criticised the operator.")
    names = _names(doc)
    assert "Commuter Voice South" in names and "Voice South" not in names


def test_members_include_bodies_of_the_body_just_named(tagger):
    doc = tagger.nlp("Fair Fares Now is run by the Dunmore Transport Alliance, a network of 20 groups. "
                     "Members include Hillside Residents Association, Unison and the Dunmore Pensioners Forum.")
    found = _ties(doc)
    assert {("Hillside Residents Association", "member_of", "Dunmore Transport Alliance"),
            ("Dunmore Pensioners Forum", "member_of", "Dunmore Transport Alliance")} <= found


# --- capitalised activities, assessments and offers -----------------------------------

def test_an_activity_described_by_its_acronym_is_no_stakeholder(tagger):
    doc = tagger.nlp("The agency is widening access to Ocean Floor Mapping (OFM) data for researchers. "
                     "Its procurement for a Satellite Orbit Clearance (SOC) mission continues.")
    names = _names(doc)
    assert not [n for n in names if "Mapping" in n or "Clearance" in n or n in ("OFM", "SOC")]


def test_an_assessment_is_a_document_and_an_offer_a_programme(tagger):
    doc = tagger.nlp("The main framework is the National Flood Risk Assessment (NFRA). "
                     "Claimants may accept the Standard Settlement Offer within three months.")
    names = _names(doc)
    assert names.get("National Flood Risk Assessment") == "document"
    assert names.get("Standard Settlement Offer") == "programme"
    assert not [k for n, k in names.items() if k in ("organisation", "person")]


# --- what a name is, and what funding is for -------------------------------------------

def test_a_description_gives_the_kind_over_the_head_noun(tagger):
    doc = tagger.nlp("The Coastal Care Inquiry is an independent commission chaired by Dame Irene Salt and "
                     "hosted by the Marram Institute. Its work was funded by a grant from the Tidewater Foundation.")
    names = _names(doc)
    assert names.get("Coastal Care Inquiry") == "organisation"
    found = _ties(doc)
    assert {("Dame Irene Salt", "position", "Coastal Care Inquiry"),
            ("Marram Institute", "provides", "Coastal Care Inquiry"),
            ("Tidewater Foundation", "funded", "Coastal Care Inquiry")} <= found


def test_funding_goes_with_what_the_verb_acts_on(tagger):
    doc = tagger.nlp("Heat Smart Ellerby is delivered by Northfield Energy on behalf of Ellerby District Council, "
                     "with funding from the Department for Energy Security and Net Zero.")
    found = _ties(doc)
    assert ("Department for Energy Security and Net Zero", "funded", "Heat Smart Ellerby") in found
    assert ("Department for Energy Security and Net Zero", "funded", "Ellerby District Council") not in found
    doc = tagger.nlp("Brackley Occupational Health also delivers the Back to Work Wessex service with a grant "
                     "from the Wessex Enterprise Partnership.")
    found = _ties(doc)
    assert ("Wessex Enterprise Partnership", "funded", "Back to Work Wessex") in found
    assert ("Wessex Enterprise Partnership", "funded", "Brackley Occupational Health") not in found


def test_commissioned_by_the_board_of_a_body(tagger):
    doc = tagger.nlp("Caring for Carers: Harbour Freight Staff Wellbeing Review\n"
                     "This review was commissioned by the board of Harbour Freight and carried out by Linden "
                     "Workplace Health in the spring.")
    found = _ties(doc)
    assert ("Harbour Freight", "commissioned", "Caring for Carers") in found
    assert ("Linden Workplace Health", "authored", "Caring for Carers") in found


# --- posts -------------------------------------------------------------------------

def test_a_post_is_not_a_body_and_a_body_after_a_post_is(tagger):
    doc = tagger.nlp("The Medical Director of Brookvale Hospitals NHS Trust said beds were full. The Director of "
                     "Adult Social Services agreed. Dana Hume, Health Correspondent, reported it.")
    names = _names(doc)
    assert "Brookvale Hospitals NHS Trust" in names
    assert not [n for n in names if n.startswith(("Medical Director", "Director of")) or "Correspondent" in n]


# --- claims ------------------------------------------------------------------------

def test_the_words_of_a_name_make_no_judgement(tagger):
    doc = tagger.nlp("The panel is led by Dr Ruth Said. Families in Crisis was produced with funding from "
                     "the Gatley Trust.")
    assert all("assessment" not in k for k in _kinds(doc))


def test_a_resolution_proposed_to_a_cabinet_is_a_call(tagger):
    doc = tagger.nlp("2.1 That Cabinet approves the Warm Homes Ellerby strategy.")
    kinds = _kinds(doc)
    assert kinds and "recommendation" in kinds[0] and "assessment" not in kinds[0]


def test_a_count_reported_is_a_statistic_not_a_judgement(tagger):
    for text in ("It found that one in four older tenants had an unmet repair need.",
                 "Eight in ten porters in our latest survey said they had considered leaving the trust."):
        kinds = _kinds(tagger.nlp(text))
        assert kinds and "statistic" in kinds[0] and "assessment" not in kinds[0], text
    kinds = _kinds(tagger.nlp("Young carers are around half as likely to go to university as their peers."))
    assert kinds and "statistic" in kinds[0]


def test_a_sum_being_invested_is_a_pledge_not_a_statistic(tagger):
    kinds = _kinds(tagger.nlp("£40 million is being invested in the Better Starts programme in 2027/28."))
    assert kinds and "commitment" in kinds[0] and "statistic" not in kinds[0]


def test_an_acronym_read_alone_does_not_decide_the_kind_of_what_it_stands_for():
    from scrutiny.tags.resolve import cluster_kind

    mentions = [("Coastal Flood Risk Assessment", "document", 0.7)] * 2 + [("CFRA", "organisation", 0.75)] * 9
    assert cluster_kind(mentions) == "document"
    assert cluster_kind([("CFRA", "organisation", 0.75), ("CFRA", "document", 0.7)]) == "organisation"
