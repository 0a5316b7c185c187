"""The twelfth round's shapes, each in our own invented sentences: places the recogniser
reads as bodies, the body a passage speaks for ("our"), lines signing for a body, a
study's funding line, trustees and boards listed under a body, and a few more tie
phrasings."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties, named as _names


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


# --- places read as bodies -------------------------------------------------------------

@pytest.mark.parametrize("text, place", [
    ("The charity's outreach workers visit families across Brackenmoor and the nearby villages.", "Brackenmoor"),
    ("A support worker helps a tenant with her forms in Thornwick.", "Thornwick"),
    ("I congratulate the hon. Member for Ashvale and Fenley on securing this debate.", "Ashvale"),
    ("I congratulate the hon. Member for Ashvale and Fenley on securing this debate.", "Fenley"),
    ("The closure of the unit worries many. Wexcombe's MP, Ruth Dale, has written to the minister.", "Wexcombe"),
    ("Posts are based in community teams, Lowbridge and Carnford\nLowbridge College trains "
     "every apprentice, and Carnford Integrated Care Board pays for the posts.", "Lowbridge"),
])
def test_a_place_is_no_stakeholder(tagger, text, place):
    assert place not in _names(tagger.nlp(text))


@pytest.mark.parametrize("text, name", [
    ("The scheme was run by Oxley, and Oxley Mutual Insurance paid for it. Oxley's funding ends in May.", "Oxley"),
    ("Staff from Unison met the chief executive on Tuesday.", "Unison"),
    ("The chief executive of Brightway Trust takes part in Copernicus each year.", "Brightway Trust"),
])
def test_a_body_is_still_a_name(tagger, text, name):
    assert name in _names(tagger.nlp(text))


def test_the_board_of_a_trust_named_with_and_is_the_trust(tagger):
    doc = tagger.nlp("The Board of Amberley and Rowe NHS Foundation Trust accepts every recommendation.")
    names = _names(doc)
    assert names.get("Amberley and Rowe NHS Foundation Trust") == "organisation"
    assert "Board of Amberley" not in names


# --- the body a passage speaks for -----------------------------------------------------

def test_our_work_is_funded_by_names_the_funders_of_the_body_the_passage_is_about(tagger):
    doc = tagger.nlp("Hillside Carers Network is a founding member of the Carers Coalition. Our work is funded "
                     "by the Marlow Lottery Fund, the Dene Trust and many small donors.")
    ties = _ties(doc)
    assert ("Marlow Lottery Fund", "funded", "Hillside Carers Network") in ties
    assert ("Dene Trust", "funded", "Hillside Carers Network") in ties
    assert not any(t[2] == "Carers Coalition" and t[1] == "funded" for t in ties)


def test_our_post_is_a_post_in_the_body_the_passage_is_about(tagger):
    doc = tagger.nlp("Larkfield Community Health NHS Trust accepts all six recommendations, and the plan will be "
                     "overseen by our Chief People Officer, Anne Colby.")
    assert ("Anne Colby", "position", "Larkfield Community Health NHS Trust") in _ties(doc)


def test_our_is_left_alone_when_no_body_is_put_forward(tagger):
    doc = tagger.nlp("We asked every reader about waiting times. Our Chief Executive, Anne Colby, thanks them.")
    assert not any(t[0] == "Anne Colby" for t in _ties(doc))


def test_which_we_run_jointly_with(tagger):
    doc = tagger.nlp("Lakeside Care Trust employed 900 staff. We will train 40 nurses through the Lakeside "
                     "Nursing Pathway, which we run jointly with the University of Dunmore.")
    assert ("University of Dunmore", "provides", "Lakeside Nursing Pathway") in _ties(doc)


# --- lines signing for a body, funding lines -------------------------------------------

def test_a_signed_line_gives_each_signatory_a_post_in_the_body(tagger):
    doc = tagger.nlp("Riverbank Housing Trust accepts all six recommendations.\n"
                     "Signed: Professor Amy Lin, Chair, and Tom Field, Chief Executive")
    ties = _ties(doc)
    assert ("Professor Amy Lin", "position", "Riverbank Housing Trust") in ties
    assert ("Tom Field", "position", "Riverbank Housing Trust") in ties


def test_co_chairs_on_behalf_of_a_network(tagger):
    doc = tagger.nlp("Dear Minister,\nWe write about crisis care.\n"
                     "Sam Oduya and Bea Ross, co-chairs, on behalf of the Northside Carers Network\n")
    ties = _ties(doc)
    assert ("Sam Oduya", "position", "Northside Carers Network") in ties
    assert ("Bea Ross", "position", "Northside Carers Network") in ties


def test_a_byline_with_a_post_and_no_body_gives_no_tie(tagger):
    doc = tagger.nlp("Eastmere Borough Council cut the grant last year.\nMaria Stone, Director")
    assert not any(t[0] == "Maria Stone" for t in _ties(doc))


def test_a_funding_line_under_a_studys_title(tagger):
    doc = tagger.nlp("Walking Together: a pilot study of peer walking groups for older men\n"
                     "Methods: We recruited 84 men from six clubs.\n"
                     "Funding: Weston Charitable Trust")
    assert ("Weston Charitable Trust", "funded", "Walking Together") in _ties(doc)


# --- trustees and boards listed under a body --------------------------------------------

def test_trustees_listed_under_the_charity(tagger):
    doc = tagger.nlp("Governance\nOakbridge Youth Trust is a charity governed by a board of seven trustees. "
                     "Trustees who served during the year were Paul Reid (Chair), Dr Nia Holt (until March 2025), "
                     "Sam Kerr (Treasurer) and Lena Ford.")
    ties = _ties(doc)
    for person in ("Paul Reid", "Dr Nia Holt", "Sam Kerr", "Lena Ford"):
        assert (person, "position", "Oakbridge Youth Trust") in ties


def test_directors_listed_under_the_board_of_a_trust(tagger):
    doc = tagger.nlp("Board of Directors\nThe Board of Amberley and Rowe NHS Foundation Trust met nine times.\n"
                     "Non-executive directors: Helen Marsh (Chair); Professor Tom Reid.\nChief Executive: Dr Ann Patel")
    ties = _ties(doc)
    for person in ("Helen Marsh", "Professor Tom Reid", "Dr Ann Patel"):
        assert (person, "position", "Amberley and Rowe NHS Foundation Trust") in ties


def test_a_list_with_no_body_gives_no_tie(tagger):
    doc = tagger.nlp("Trustees: Paul Reid, Sam Kerr and Lena Ford.")
    assert not any(t[1] == "position" for t in _ties(doc))


# --- more phrasings of posts, funding and running ----------------------------------------

def test_an_interest_declared_as_a_trustee(tagger):
    doc = tagger.nlp("Councillor Okoro declared an interest in item 7 as a trustee of Oakfield Carers' Centre.")
    assert ("Councillor Okoro", "position", "Oakfield Carers' Centre") in _ties(doc)


def test_a_body_which_funds_a_programme(tagger):
    doc = tagger.nlp("We thank the Marsh Fund and Eastfold Borough Council, which funds our Family Helpline.")
    ties = _ties(doc)
    assert ("Eastfold Borough Council", "funded", "Family Helpline") in ties
    assert ("Marsh Fund", "funded", "Family Helpline") not in ties


def test_a_programme_run_jointly_with_a_charity(tagger):
    doc = tagger.nlp("Staff also teach at the Recovery College, which is run jointly with the charity Riverside Mind.")
    assert ("Riverside Mind", "provides", "Recovery College") in _ties(doc)


def test_the_trustees_of_a_body_listed_one_a_line(tagger):
    doc = tagger.nlp("Harwood Grants Trust\nThe trustees of the Harwood Grants Trust are:\n"
                     "Dr Ruth Kaye, formerly chief executive of the Lyle Trust\nPaul Grant, partner at Bell Morgan LLP\n"
                     "How to apply")
    ties = _ties(doc)
    assert ("Dr Ruth Kaye", "position", "Harwood Grants Trust") in ties
    assert ("Paul Grant", "position", "Harwood Grants Trust") in ties
    assert ("Paul Grant", "position", "Lyle Trust") not in ties


def test_posts_written_as_labels_under_the_body(tagger):
    doc = tagger.nlp("The Calder Institute for Ageing has 20 staff and 6 doctoral students.\n"
                     "Director: Professor Ruth Amadi\nResearch Fellow: Dr Hana Obi")
    ties = _ties(doc)
    assert ("Professor Ruth Amadi", "position", "Calder Institute for Ageing") in ties
    assert ("Dr Hana Obi", "position", "Calder Institute for Ageing") in ties


def test_a_post_label_on_a_cover_line_is_left_to_the_title(tagger):
    doc = tagger.nlp("Marsh Institute\nSafe at Home: An Independent Review of Care at Home\n"
                     "Chair: Dame Ann Porter | Commissioned by the Department for Health | May 2027")
    assert ("Dame Ann Porter", "position", "Marsh Institute") not in _ties(doc)


def test_an_inquiry_chaired_by_under_its_title(tagger):
    doc = tagger.nlp("Left Behind: Rural Bus Services and Isolation\nInquiry chaired by Tom Eld MP\n"
                     "The inquiry heard from 40 witnesses.")
    assert ("Tom Eld", "authored", "Left Behind") in _ties(doc)


def test_a_named_trial_is_a_programme(tagger):
    doc = tagger.nlp("The StepWise trial, jointly run by the Hale Institute and Brook Talking Therapies, "
                     "tests a new approach.")
    assert _names(doc).get("StepWise") == "programme"
    assert ("Hale Institute", "provides", "StepWise") in _ties(doc)


# --- names cut short, run on or mistaken for a place or a body -----------------------------

@pytest.mark.parametrize("sentence, name", [
    ("Written evidence from the Prison Officers' Forum estimated that most people needed help.",
     "Prison Officers' Forum"),
    ("Members of the Hill Vale Tenants' Panel said residents had noticed a difference.", "Hill Vale Tenants' Panel"),
])
def test_a_plurals_apostrophe_inside_a_name(tagger, sentence, name):
    assert _names(tagger.nlp(sentence)).get(name) == "organisation"


def test_and_joining_two_topics_inside_one_name(tagger):
    doc = tagger.nlp("The secretariat is provided by the Institute for Housing and Community Policy, a charity.")
    names = _names(doc)
    assert names.get("Institute for Housing and Community Policy") == "organisation"
    assert "Community Policy" not in names


def test_and_between_a_body_and_another_body_still_cuts(tagger):
    doc = tagger.nlp("The report was welcomed by the Department of Health and Social Care and HM Treasury.")
    names = _names(doc)
    assert "HM Treasury" in names and "Department of Health and Social Care" in names


def test_a_post_at_a_one_word_body(tagger):
    doc = tagger.nlp("Priya Raman is policy manager at Mind and a member of the Crisis Care Group.")
    assert _names(doc).get("Mind") == "organisation"
    assert ("Priya Raman", "position", "Mind") in _ties(doc)


@pytest.mark.parametrize("sentence, person", [
    ("The panel, chaired by Councillor Mark Doyle, reviewed the scheme at its meeting on 4 June.", "Councillor Mark Doyle"),
    ("Lead member: Councillor Priya Sandford, Cabinet Member for Health", "Councillor Priya Sandford"),
    ("Councillor Rees said the council must act.", "Councillor Rees"),
])
def test_an_honorific_makes_a_person_whatever_the_recogniser_says(tagger, sentence, person):
    assert _names(tagger.nlp(sentence)).get(person) == "person"


def test_a_name_ending_its_line_is_kept(tagger):
    doc = tagger.nlp("By Sarah Kent, Health Correspondent, Northgate Echo\n"
                     "Northgate Teaching Hospitals NHS Trust is to cut 300 posts.")
    assert _names(doc).get("Northgate Echo") == "organisation"
    assert ("Sarah Kent", "position", "Northgate Echo") in _ties(doc)


def test_two_nouns_between_a_name_and_its_head(tagger):
    doc = tagger.nlp("Seaview Minds delivers the Ward Friends peer support scheme on our acute wards.")
    assert _names(doc).get("Ward Friends") == "programme"
