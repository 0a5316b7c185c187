"""The seventeenth round's shapes, in our own invented sentences: a person named after
their post in one run of capitals, a body whose name joins its topics with "and the", a
title over a subtitle in sentence case and its byline, the lines under an official
paper's title, and a body's name joining two describing words over one head."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, named as _names


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


@pytest.mark.parametrize("sentence, person, post_word", [
    ("Minister for Rural Affairs Helen Marsh opened the new clinic on Friday.", "Helen Marsh", "Minister"),
    ("Chief Executive Officer Tom Baines told staff the ward would stay open.", "Tom Baines", "Officer"),
    ("Minister for Justice Sarah Kemp answered the question.", "Sarah Kemp", "Justice"),
])
def test_a_person_named_after_their_post_is_the_person_alone(tagger, sentence, person, post_word):
    names = _names(tagger.nlp(sentence))
    assert names.get(person) == "person"
    assert not [n for n in names if post_word in n]


def test_a_run_of_a_post_and_a_topic_alone_names_nobody(tagger):
    names = _names(tagger.nlp("The Minister for Mental Health said the plan was funded."))
    assert not [n for n, k in names.items() if k == "person"]


@pytest.mark.parametrize("sentence, name", [
    ("The Taskforce on Poverty and the Benefits System took evidence in Tarnby.",
     "Taskforce on Poverty and the Benefits System"),
    ("Members of the Commission on Housing and the Planning System met on Monday.",
     "Commission on Housing and the Planning System"),
])
def test_a_body_joining_its_topics_with_and_the_is_one_name(tagger, sentence, name):
    names = _names(tagger.nlp(sentence))
    assert names.get(name) == "organisation"
    assert not [n for n in names if n != name and n in name]


def test_two_bodies_joined_by_and_the_stay_two(tagger):
    names = _names(tagger.nlp("The Department of Health and the Home Office wrote to the trust."))
    assert {"Department of Health", "Home Office"} <= set(names)


def test_a_title_over_a_sentence_case_subtitle_and_its_byline_is_a_document(tagger):
    text = ("Nowhere Left to Turn\n"
            "Young carers' experiences of respite services in Wexley\n"
            "A report by Wexley Young Carers Forum, May 2026\n"
            "The forum spoke to 62 young carers over the winter.")
    names = _names(tagger.nlp(text))
    assert names.get("Nowhere Left to Turn") == "document"
    assert not [n for n in names if n.startswith("Young carers")]


def test_a_body_over_a_title_case_paper_and_its_statement_line_stays_a_body(tagger):
    text = ("Department for Transport\n"
            "Accessible Buses for Disabled Passengers\n"
            "Statement made by Priya Rowe, Minister for Buses, on 3 June 2026\n"
            "Today I am setting out our plans.")
    names = _names(tagger.nlp(text))
    assert names.get("Accessible Buses for Disabled Passengers") == "document"
    assert names.get("Department for Transport") == "organisation"


@pytest.mark.parametrize("text, title", [
    ("Falling through the gaps in crisis care\nReport by the Comptroller and Auditor General\n"
     "Ordered by the House of Commons to be printed on 2 March 2026", "Falling through the gaps in crisis care"),
    ("Fair Shares for Carers\nGovernment response to the Work and Pensions Committee's report\n"
     "Presented to Parliament by the Secretary of State, May 2027", "Fair Shares for Carers"),
    ("Closures of rural bus routes\nEarly day motion 218, tabled on 9 May 2026\nPrimary sponsor: Ann Hale MP",
     "Closures of rural bus routes"),
])
def test_the_lines_under_an_official_papers_title_make_it_a_document(tagger, text, title):
    assert _names(tagger.nlp(text)).get(title) == "document"


def test_two_describing_words_over_one_head_after_a_place_are_one_body(tagger):
    names = _names(tagger.nlp("Tenants will sit on the Harrow Vale Heat and Power Taskforce from June."))
    assert names.get("Harrow Vale Heat and Power Taskforce") == "organisation"


def test_the_body_in_brackets_after_a_person_in_a_list_is_a_body(tagger):
    text = ("Present: Cllr Ruth Ames (Dunholm East), Omar Sadiq (Dunholm Carers Link), "
            "Gail Frost (Head of Adult Services), Lee Dunn (Territorial Army Medics)")
    names = _names(tagger.nlp(text))
    assert names.get("Dunholm Carers Link") == "organisation"
    assert names.get("Territorial Army Medics") == "organisation"
    assert "Head of Adult Services" not in names
    assert names.get("Dunholm East") != "organisation"


@pytest.mark.parametrize("sentence", [
    "The council will fund the Safe Harbour hub for another two years.",
    "We will move the Safe Harbour hubs into the new health centres.",
])
def test_a_name_before_hub_is_a_programme(tagger, sentence):
    assert _names(tagger.nlp(sentence)).get("Safe Harbour") == "programme"


def test_a_bare_acronym_of_a_name_given_in_full_is_that_name(tagger):
    text = ("The Community Recovery Partnership, which pairs tenants with volunteers, cut evictions. "
            "We recommend that the council funds CRP for three more years.")
    names = _names(tagger.nlp(text))
    assert names.get("CRP") == names.get("Community Recovery Partnership") == "organisation"


def test_a_firm_before_contract_is_the_firm(tagger):
    names = _names(tagger.nlp("The cabinet agreed to end the Kestrel Logistics contract in March."))
    assert names.get("Kestrel Logistics") == "organisation"


def test_the_whole_name_joined_by_and_to_a_body_is_taken(tagger):
    names = _names(tagger.nlp("Harbourside Homes and Wexley Vale Housing have agreed to take part."))
    assert names.get("Wexley Vale Housing") == "organisation"
    assert "Wexley" not in names


@pytest.mark.parametrize("sentence, name", [
    ("The councillor met campaigners from the group Buses Not Cuts outside the town hall.", "Buses Not Cuts"),
    ("Leaflets came from the small local charity Open Hands last spring.", "Open Hands"),
])
def test_a_body_noun_before_capitalised_words_vouches_for_a_body(tagger, sentence, name):
    assert _names(tagger.nlp(sentence)).get(name) == "organisation"


def test_a_post_after_a_body_noun_is_no_body(tagger):
    assert _names(tagger.nlp("She wrote to the union Chair and the group Board.")) == {}


def test_a_select_committee_of_the_house_is_the_house_and_its_committee(tagger):
    names = _names(tagger.nlp("The House of Lords Rural Economy Committee took evidence in Kelby."))
    assert names.get("House of Lords") == "organisation"
    assert names.get("Rural Economy Committee") == "organisation"


def test_a_name_before_course_is_a_programme(tagger):
    names = _names(tagger.nlp("Of the 300 people who finished a Move and Mend course, most returned to work."))
    assert names.get("Move and Mend") == "programme"


@pytest.mark.parametrize("sentence, title", [
    ("In its 2025 briefing Left Out in the Rain the charity set out the costs.", "Left Out in the Rain"),
    ("The survey Empty Plates found that most staff skipped meals.", "Empty Plates"),
    ("The motion welcomes the report by Shelterwise, Nowhere to Sleep, which found long waits.", "Nowhere to Sleep"),
    ("As we argued in our 2024 report Full Wards, Empty Beds. Few listened.", "Full Wards, Empty Beds"),
])
def test_a_title_after_a_documents_noun_is_a_document(tagger, sentence, title):
    assert _names(tagger.nlp(sentence)).get(title) == "document"


def test_a_body_after_a_documents_noun_stays_a_body(tagger):
    names = _names(tagger.nlp("In its report NHS England said waits had fallen."))
    assert names.get("NHS England") == "organisation"


def test_the_author_of_a_numbered_note_is_a_body_unless_a_person(tagger):
    text = ("Notes\n[1] Homes for Carers, Care Home Census, October 2025.\n"
            "[2] Jane Whitlow, Long Shifts, 2024.")
    names = _names(tagger.nlp(text))
    assert names.get("Homes for Carers") == "organisation"
    assert names.get("Jane Whitlow") != "organisation"


@pytest.mark.parametrize("text, word", [
    ("The ICB said the new appointments would strengthen the board.", "ICB"),
    ("Report by the Comptroller and Auditor General\nThe office looked at waits.", "Comptroller"),
    ("Foreword by Councillor Amy Brook, Leader of Kelby Council\nThis plan is ours.", "Foreword"),
    ("The group has 64 registered members from both Houses.", "Houses"),
    ("We want more volunteers who identify as LGBT to join us.", "LGBT"),
])
def test_generic_bodies_posts_headings_and_groups_of_people_are_no_names(tagger, text, word):
    assert not [n for n in _names(tagger.nlp(text)) if n.startswith(word)]


def test_a_person_of_a_body_is_the_person_and_the_body(tagger):
    names = _names(tagger.nlp("The panel co-opted Ruth Adeyemi of Harbourne Carers Forum in June."))
    assert names.get("Ruth Adeyemi") == "person"
    assert names.get("Harbourne Carers Forum") == "organisation"


def test_a_line_of_authors_over_a_byline_is_no_title(tagger):
    text = ("Work and severe mental illness\nDr Ann Kowal and Ben Osei\nPublished by the Carrow Institute, May 2025")
    names = _names(tagger.nlp(text))
    assert not [n for n, k in names.items() if k == "document" and "Kowal" in n]


@pytest.mark.parametrize("sentence, title", [
    ("Their report, Heard but Not Heeded, asks us to name one case officer.", "Heard but Not Heeded"),
    ("The full report from the Royal College of Speech Therapists, Talking on Empty, is published today.",
     "Talking on Empty"),
])
def test_more_titles_after_a_documents_noun(tagger, sentence, title):
    assert _names(tagger.nlp(sentence)).get(title) == "document"


def test_limited_heads_a_firm_and_pay_a_benefit(tagger):
    names = _names(tagger.nlp("Ashgrove Care Limited said many staff cannot get Statutory Sick Pay."))
    assert names.get("Ashgrove Care Limited") == "organisation"
    assert names.get("Statutory Sick Pay") == "programme"


def test_the_cells_of_a_flattened_table_are_named_by_their_column(tagger):
    text = ("Project | Organisation | Amount\n"
            "Knit and Natter | Kelby Women's Institute | £4,800\n"
            "Walk Talk Tuesdays | Harbour Arts Trust | £9,750\n"
            "Total | | £14,550")
    names = _names(tagger.nlp(text))
    assert names.get("Knit and Natter") == "programme"
    assert names.get("Walk Talk Tuesdays") == "programme"
    assert names.get("Harbour Arts Trust") == "organisation"
    assert not [n for n in names if "|" in n or n.startswith("Total")]


def test_a_sentence_case_table_cell_is_no_name(tagger):
    names = _names(tagger.nlp("Service | Headcount | WTE\nCommunity mental health teams | 31 | 24.0"))
    assert names == {}


def test_the_body_after_a_post_in_a_present_line_is_a_body(tagger):
    text = ("Present:\nDr Omar Hale (Clinical Director, West Kelby Primary Care Network)\n"
            "Jo Bright (Head of Housing, Kelby Borough Council)")
    names = _names(tagger.nlp(text))
    assert names.get("West Kelby Primary Care Network") == "organisation"
    assert names.get("Kelby Borough Council") == "organisation"


def _ties(doc):
    return {(t["subject"]["text"], t["relation"], t["object"]["text"]) for t in doc._.ties}


def test_a_table_row_ties_its_organisation_to_its_project(tagger):
    doc = tagger.nlp("Project | Organisation | Amount\nKnit and Natter | Kelby Women's Institute | £4,800\n"
                     "Walk Talk Tuesdays | Harbour Arts Trust | £9,750")
    assert ("Harbour Arts Trust", "provides", "Walk Talk Tuesdays") in _ties(doc)
    assert ("Kelby Women's Institute", "provides", "Knit and Natter") in _ties(doc)


def test_a_table_without_a_project_column_ties_nothing(tagger):
    doc = tagger.nlp("Organisation | Amount\nHarbour Arts Trust | £9,750\nKelby Carers Forum | £4,000")
    assert not [t for t in _ties(doc) if t[1] == "provides"]


def test_a_funders_list_ties_each_funder_to_the_programme_in_its_brackets(tagger):
    doc = tagger.nlp("Thank you to our funders\nWe are grateful to the following for their support:\n"
                     "- The Marlowe Trust (Open Kitchen, two-year grant)\n- Kelby District Council (Market Mornings)\n"
                     "- Ashby Rotary Club")
    ties = _ties(doc)
    assert ("Marlowe Trust", "funded", "Open Kitchen") in ties
    assert ("Kelby District Council", "funded", "Market Mornings") in ties


def test_a_programme_which_a_body_funds(tagger):
    doc = tagger.nlp("Tenants can call the Homeline Advice Service, which Kelby Council funds, at any time.")
    assert ("Kelby Council", "funded", "Homeline Advice Service") in _ties(doc)


def test_the_nhs_standing_alone_is_a_body_but_not_as_a_modifier(tagger):
    assert _names(tagger.nlp("Delayed discharges cost the NHS £40 million last year.")).get("NHS") == "organisation"
    assert "NHS" not in _names(tagger.nlp("Most NHS staff said the wards were short of beds."))


def test_a_person_signing_a_letter_on_a_line_of_their_own_is_a_person(tagger):
    text = ("Please tell us if your claim is delayed.\nIn solidarity,\nMartin Okoro\n"
            "Branch Secretary, Kelby Health Branch")
    assert _names(tagger.nlp(text)).get("Martin Okoro") == "person"


@pytest.mark.parametrize("sentence, inner, outer", [
    ("The survey was overseen by the Pay Committee of the Society of Radiographers.",
     "Pay Committee", "Society of Radiographers"),
    ("She sits on the Scrutiny Panel of Kelby Borough Council.", "Scrutiny Panel", "Kelby Borough Council"),
])
def test_a_committee_of_a_body_is_the_committee_and_the_body(tagger, sentence, inner, outer):
    names = _names(tagger.nlp(sentence))
    assert names.get(inner) == "organisation" and names.get(outer) == "organisation"


def test_a_college_of_a_profession_stays_one_name(tagger):
    names = _names(tagger.nlp("The Royal College of General Practitioners wrote to the minister."))
    assert names.get("Royal College of General Practitioners") == "organisation"


def test_a_person_over_a_hyphenated_post_and_a_body_is_a_person(tagger):
    text = "Signed:\nJo Verity, Co-founder, Kelby Care Network\nAmir Shah, Head of Policy, Kelby Carers"
    names = _names(tagger.nlp(text))
    assert names.get("Jo Verity") == "person"


def test_a_pledge_is_a_programme(tagger):
    names = _names(tagger.nlp("She proposed a Kelby Healthy Workplaces Pledge for local employers."))
    assert names.get("Kelby Healthy Workplaces Pledge") == "programme"


def test_a_body_whose_first_word_is_a_given_name_stays_a_body(tagger):
    names = _names(tagger.nlp("The Astra Carta (a space initiative) and Trinity House (the lighthouse authority) replied."))
    assert names.get("Trinity House") == "organisation"
    assert names.get("Astra Carta") != "person"


def test_topics_joined_after_on_are_not_run_into_a_name(tagger):
    names = _names(tagger.nlp("It was the joint report on Behaviour Change and Energy Use)."))
    assert "Energy Use" not in names
