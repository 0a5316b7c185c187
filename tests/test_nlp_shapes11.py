"""The eleventh round's shapes, each in our own invented sentences: names that were no
candidate at all (capitalised words before a lower-case head noun, a given name standing
alone, a phrase ending in a particle that the words around it vouch for, a title with a
subtitle in sentence case) and ties told over two sentences."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties, named as _names


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


# --- capitalised words before a lower-case head noun ---------------------------------

@pytest.mark.parametrize("sentence, name, kind", [
    ("Marsh End Advice, a member of the Blue Heron group, employs twelve advisers.", "Blue Heron", "organisation"),
    ("Each food bank in the county belongs to the Full Larder network.", "Full Larder", "organisation"),
    ("The council adopted the Fairer Streets strategy in March.", "Fairer Streets", "document"),
    ("Rates are set out in the annual Northmoor Vital Signs bulletin.", "Northmoor Vital Signs", "document"),
    ("Referrals rose after the Quiet Harbour outreach service opened.", "Quiet Harbour", "programme"),
    ("Young people are seen within a week through the First Light pathway.", "First Light", "programme"),
    ("Four hundred students signed up to the SoundMind programme.", "SoundMind", "programme"),
])
def test_capitalised_words_before_a_head_noun_are_a_name(tagger, sentence, name, kind):
    assert _names(tagger.nlp(sentence)).get(name) == kind


@pytest.mark.parametrize("sentence, not_a_name", [
    ("Resolved: that the Director of Housing report back in June.", "Director of Housing"),
    ("Funding for the North East network ends in 2027.", "North East"),
])
def test_a_post_or_a_place_before_a_head_noun_is_no_name(tagger, sentence, not_a_name):
    assert not_a_name not in _names(tagger.nlp(sentence))


# --- a given name standing alone -------------------------------------------------------

@pytest.mark.parametrize("sentence, name", [
    ("Priya has waited eleven months for an assessment.", "Priya"),
    ("My constituent, whom I will call Daniel, lost his job in the spring.", "Daniel"),
    ("Tomas Berg chairs the residents' forum. Last week Tomas wrote to every councillor.", "Tomas"),
])
def test_a_given_name_alone_is_a_person(tagger, sentence, name):
    assert _names(tagger.nlp(sentence)).get(name) == "person"


@pytest.mark.parametrize("sentence, not_a_name", [
    ("In May the board agreed the budget.", "May"),
    ("The Bill was amended at report stage.", "Bill"),
    ("Grace periods for repayment were extended.", "Grace"),
])
def test_a_month_or_a_word_after_a_determiner_is_no_person(tagger, sentence, not_a_name):
    assert _names(tagger.nlp(sentence)).get(not_a_name) != "person"


# --- a phrase ending in a particle that the words around it vouch for ------------------

@pytest.mark.parametrize("sentence, name, kind", [
    ("The app was built and is run by the charity Speak Up, with a grant from the council.", "Speak Up",
     "organisation"),
    ("Families are referred to Moving On, a service run by Westbury Carers Centre.", "Moving On", "programme"),
])
def test_a_name_ending_in_a_particle_that_the_text_vouches_for(tagger, sentence, name, kind):
    assert _names(tagger.nlp(sentence)).get(name) == kind


def test_a_service_in_apposition_is_a_programme_its_runner_provides(tagger):
    doc = tagger.nlp("Quiet Line, a peer-led text service for students, is run by Harbour Youth Trust.")
    assert _names(doc).get("Quiet Line") == "programme"
    assert ("Harbour Youth Trust", "provides", "Quiet Line") in _ties(doc)


# --- a title with a subtitle in sentence case ------------------------------------------

def test_a_title_with_a_subtitle_in_sentence_case_is_a_document(tagger):
    doc = tagger.nlp("Hidden Costs: A review of unpaid care in coastal towns\n"
                     "One in six adults in the towns we studied looks after someone.")
    assert _names(doc).get("Hidden Costs") == "document"


@pytest.mark.parametrize("text, not_a_name", [
    ("Submitted by: Professor Ann Lowe and Dr Ben Carr\nWe welcome the consultation.", "Submitted by"),
    ("Outreach Worker | Salary: £27,000 to £29,000 a year\nThe post is fixed term.", "Outreach Worker | Salary"),
])
def test_a_label_or_a_table_row_with_a_colon_is_no_title(tagger, text, not_a_name):
    assert _names(tagger.nlp(text)).get(not_a_name) != "document"


def test_a_body_named_above_the_notes_of_its_meeting_stays_a_body(tagger):
    doc = tagger.nlp("Kirkby Against Closures: notes of the steering meeting\n"
                     "Present: Ann Lowe (chair), Ben Carr.")
    assert _names(doc).get("Kirkby Against Closures") != "document"


# --- ties the layout of a cover states --------------------------------------------------

def test_an_affiliation_line_under_the_authors(tagger):
    doc = tagger.nlp("Sleep, screens and low mood in sixth-form pupils: a survey of four schools\n"
                     "Rhian Bowen, Tariq Sollis and Professor Gwen Ashby\n"
                     "School of Nursing, University of Carmoor, UK\n"
                     "Background: Little is known about how sleep changes during the exam year.")
    ties = _ties(doc)
    for who in ("Rhian Bowen", "Tariq Sollis", "Professor Gwen Ashby"):
        assert (who, "position", "School of Nursing") in ties
    assert ("School of Nursing", "part_of", "University of Carmoor") in ties


def test_the_cells_of_a_cover_line(tagger):
    doc = tagger.nlp("Open Water: Inland drowning and what councils can do\n"
                     "Ferncliffe Institute | Authors: Dr Ada Quist and Milo Dunne\n"
                     "Summary\nDrowning in rivers and lakes rose for the third year running.")
    ties = _ties(doc)
    assert {("Ferncliffe Institute", "authored", "Open Water"), ("Dr Ada Quist", "authored", "Open Water"),
            ("Milo Dunne", "authored", "Open Water")} <= ties


def test_a_cover_line_naming_who_commissioned_the_review(tagger):
    doc = tagger.nlp("Holding Fast: Independent Review of Support for Cadet Instructors\n"
                     "Chair: Dame Orla Mensah | Commissioned by the Ministry of Defence | March 2028\n"
                     "Foreword\nInstructors give their evenings to the cadets.")
    ties = _ties(doc)
    assert ("Dame Orla Mensah", "authored", "Holding Fast") in ties
    assert ("Ministry of Defence", "commissioned", "Holding Fast") in ties


def test_a_body_printed_above_a_title_wrote_it_or_published_it(tagger):
    doc = tagger.nlp("Coastal Care Inspectorate\nSafe at Home: A review of home visits in seaside towns\n"
                     "Published 3 March 2027\nThis review looks at 140 agencies.")
    assert ("Coastal Care Inspectorate", "authored", "Safe at Home") in _ties(doc)
    doc = tagger.nlp("Institute for Rural Health\nLong Roads, Late Help: The cost of distance in rural care\n"
                     "By Dr Ines Varga and Colm Reilly | May 2027\nThis paper asks why help comes late.")
    ties = _ties(doc)
    assert ("Institute for Rural Health", "published", "Long Roads, Late Help") in ties
    assert ("Institute for Rural Health", "authored", "Long Roads, Late Help") not in ties


def test_a_membership_list_after_a_sentence_on_the_same_line(tagger):
    doc = tagger.nlp("Rural Affairs Committee\nThe Rural Affairs Committee is appointed by the House of Commons to examine "
                     "farming policy. Current membership: Alys Pryor MP (Chair); Owen Tanner MP; Nia Ellard MP.")
    ties = _ties(doc)
    for who in ("Alys Pryor", "Owen Tanner", "Nia Ellard"):
        assert (who, "member_of", "Rural Affairs Committee") in ties
    assert ("Alys Pryor", "position", "Rural Affairs Committee") in ties


# --- ties told over two sentences ---------------------------------------------------------

def test_she_is_the_person_of_the_sentence_before(tagger):
    doc = tagger.nlp("Dr Ann Lowe leads the Bellfield Institute. She sits on the board of the Heron Alliance.")
    assert ("Dr Ann Lowe", "member_of", "Heron Alliance") in _ties(doc)


@pytest.mark.parametrize("text", [
    "Tom Reed chairs the Heron Alliance. She sits on the board of the Kestrel Trust.",
    "Dr Ann Lowe leads the Bellfield Institute. The institute opened in 1990. She sits on the board of the "
    "Kestrel Trust.",
])
def test_she_is_no_man_and_no_one_further_back(tagger, text):
    assert not [t for t in _ties(tagger.nlp(text)) if t[2] == "Kestrel Trust"]


def test_its_in_an_apposition_is_the_body_of_the_sentence_before(tagger):
    doc = tagger.nlp("The housing charity Kestrel Aid said the cuts were deep. Ann Lowe, its chief executive, "
                     "said the council should think again.")
    assert ("Ann Lowe", "position", "Kestrel Aid") in _ties(doc)
    assert _names(doc).get("Kestrel Aid") == "organisation"


def test_its_before_a_body_name_makes_that_body_a_part(tagger):
    doc = tagger.nlp("The Royal College of Tides will:\nask its Coastal Faculty, chaired by Dr Ann Lowe, to report "
                     "each year.")
    assert ("Coastal Faculty", "part_of", "Royal College of Tides") in _ties(doc)


def test_by_its_head_of_research_still_names_the_author(tagger):
    doc = tagger.nlp("Open Doors, a new paper from the Bellfield Foundation, was written by its head of research, "
                     "Kamal Idris.")
    assert ("Kamal Idris", "authored", "Open Doors") in _ties(doc)


def test_a_support_line_is_a_programme_the_helpline_stands_for(tagger):
    doc = tagger.nlp("Calls to the Dale Farming Support Line rose by a third. The helpline is run by the Upper "
                     "Fell Rural Trust.")
    assert _names(doc).get("Dale Farming Support Line") == "programme"
    assert ("Upper Fell Rural Trust", "provides", "Dale Farming Support Line") in _ties(doc)


# --- single sentences: bodies of bodies, members this round, brackets, a speaker's post --------

def test_a_network_that_includes_bodies(tagger):
    doc = tagger.nlp("We met members of the Harbour Employers Network, which includes Tarnby Borough Council, "
                     "Wexcombe Water and Pell & Rowe Solicitors.")
    ties = _ties(doc)
    for body in ("Tarnby Borough Council", "Wexcombe Water", "Pell & Rowe Solicitors"):
        assert (body, "member_of", "Harbour Employers Network") in ties


def test_a_panel_whose_members_this_round_included(tagger):
    doc = tagger.nlp("Grants follow the advice of the Seed Awards Panel, whose members this round included "
                     "Professor Ann Lowe and Dr Ravi Patel.")
    ties = _ties(doc)
    assert ("Professor Ann Lowe", "member_of", "Seed Awards Panel") in ties
    assert ("Dr Ravi Patel", "member_of", "Seed Awards Panel") in ties


def test_a_person_and_their_body_in_brackets(tagger):
    doc = tagger.nlp("Members: Professor Ann Lowe (Centre for Coastal Studies, Tarnby University); "
                     "Dr Ravi Patel (Royal College of Nursing).")
    ties = _ties(doc)
    assert ("Professor Ann Lowe", "position", "Centre for Coastal Studies") in ties
    assert ("Dr Ravi Patel", "position", "Royal College of Nursing") in ties


def test_a_post_in_brackets_is_no_body(tagger):
    doc = tagger.nlp("In attendance: Sara Quinn (Town Clerk); Owen Tanner (Parish Clerk)")
    assert not [t for t in _ties(doc) if t[1] == "position"]


def test_a_speaker_who_speaks_as_chair_of_a_group(tagger):
    doc = tagger.nlp("Owen Tanner (Tarrow East) (LD): As chair of the All-Party Parliamentary Group on Sleep, "
                     "I have heard from many families.")
    assert ("Owen Tanner", "position", "All-Party Parliamentary Group on Sleep") in _ties(doc)


def test_a_fund_administered_by_a_department(tagger):
    doc = tagger.nlp("The council applied to the Coastal Homes Fund, which is administered by the Department for "
                     "Levelling Up.")
    assert ("Department for Levelling Up", "provides", "Coastal Homes Fund") in _ties(doc)


def test_a_named_service_run_by_a_trust_is_what_the_trust_provides(tagger):
    doc = tagger.nlp("The Harbour Adult Memory Service, run by Tarnby Healthcare NHS Trust, has a waiting list "
                     "of 300 people.")
    ties = _ties(doc)
    assert ("Tarnby Healthcare NHS Trust", "provides", "Harbour Adult Memory Service") in ties
    assert ("Harbour Adult Memory Service", "part_of", "Tarnby Healthcare NHS Trust") not in ties


def test_a_report_published_and_a_study_commissioned_with_their_titles_in_apposition(tagger):
    doc = tagger.nlp("The Rural Affairs Committee published its report, Keeping Warm, on 9 March 2027.")
    ties = _ties(doc)
    assert ("Rural Affairs Committee", "published", "Keeping Warm") in ties
    assert ("Rural Affairs Committee", "authored", "Keeping Warm") in ties
    doc = tagger.nlp("The Department for Transport has commissioned a study, Miles Apart, from the Institute for "
                     "Rural Research.")
    ties = _ties(doc)
    assert ("Department for Transport", "commissioned", "Miles Apart") in ties
    assert ("Institute for Rural Research", "authored", "Miles Apart") in ties


def test_a_programme_funded_by_a_capital_grant_from_a_body(tagger):
    doc = tagger.nlp("Tenants moved in through the Safe Steps programme, which is funded by a capital grant from "
                     "the Harbour Housing Trust.")
    assert ("Harbour Housing Trust", "funded", "Safe Steps") in _ties(doc)


# --- names cut where the recogniser ran on --------------------------------------------------

@pytest.mark.parametrize("sentence, name, not_a_name", [
    ("Answered by Tom Ashby, Minister for Employment, Department for Work and Pensions, 11 February 2027.",
     "Department for Work and Pensions", "Employment, Department for Work and Pensions"),
    ("We wrote to the Secretary of State and the Chief Executive of NHS England last week.", "NHS England",
     "Chief Executive of NHS England"),
])
def test_a_post_or_a_person_before_a_body_is_cut_from_its_name(tagger, sentence, name, not_a_name):
    names = _names(tagger.nlp(sentence))
    assert name in names and not_a_name not in names


def test_a_command_paper_formula_is_no_body(tagger):
    doc = tagger.nlp("Presented to Parliament by the Secretary of State for Work and Skills by Command of "
                     "His Majesty, July 2027")
    assert not [n for n in _names(tagger.nlp(doc.text)) if "Command" in n]
