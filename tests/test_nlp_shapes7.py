"""The seventh round's shapes, each in our own invented sentences: names whose "and"
joins two words describing one head noun, places and venues that are not bodies, the
forms of a debate, author lines of academic papers, and lines that make no claim."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties, named as _names, sentence_kinds as _kinds


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


# --- names joined by "and" -----------------------------------------------------------

@pytest.mark.parametrize("sentence, name", [
    ("Appeals are heard by HM Courts and Tribunals Service in most regions.", "HM Courts and Tribunals Service"),
    ("The council will set up the Ashdown Flood and Drainage Taskforce next year.",
     "Ashdown Flood and Drainage Taskforce"),
    ("The Public and Commercial Services Union opposed the closures.", "Public and Commercial Services Union"),
])
def test_and_between_two_words_describing_one_head_keeps_one_name(tagger, sentence, name):
    names = _names(tagger.nlp(sentence))
    assert name in names
    assert not [n for n in names if n != name]


@pytest.mark.parametrize("sentence, expected", [
    ("Funding came from HM Treasury and Cabinet Office officials agreed.", {"HM Treasury", "Cabinet Office"}),
    ("Sue Okafor and Councillor Ian Reid spoke first.", {"Sue Okafor", "Councillor Ian Reid"}),
    ("Age Concern UK and Carers UK met the minister.", {"Age Concern UK", "Carers UK"}),
    ("DWP and Department of Health officials agreed.", {"DWP", "Department of Health"}),
])
def test_two_whole_names_joined_by_and_are_still_two(tagger, sentence, expected):
    assert expected <= set(_names(tagger.nlp(sentence)))


# --- places and venues --------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Volunteers visited 300 homes on the Ashby and Kelmore estates last spring.",
    "She came to the Kelmore community centre to meet residents.",
    
    "The office on Tanner Street will close in June.",
    "The meeting was held at Wexcombe Civic Centre on Monday.",
])
def test_places_and_venues_are_not_stakeholders(tagger, sentence):
    assert _names(tagger.nlp(sentence)) == {}


def test_bodies_named_after_places_are_still_bodies(tagger):
    names = _names(tagger.nlp("Staff at the Riverside Centre for Young Carers met Mind volunteers. "
                              "The Kelmore Community Trust agreed."))
    assert names.get("Riverside Centre for Young Carers") == "organisation"
    assert names.get("Kelmore Community Trust") == "organisation"


# --- the forms of a debate ------------------------------------------------------------

def test_a_debate_speakers_constituency_and_party_and_forms_of_address_name_nobody(tagger):
    doc = tagger.nlp("Jo Dale (Brackley North) (Lab)\nWill the hon. Lady give way? The House will note that.\n"
                     "Owen Pike (Tarrow East) (SNP)\nI thank my hon. Friend.")
    assert _names(doc) == {"Jo Dale": "person", "Owen Pike": "person"}


# --- author lines of papers -----------------------------------------------------------

def test_an_author_line_with_affiliations_in_brackets(tagger):
    doc = tagger.nlp("Sleep loss among night-shift porters: a cross-sectional survey in four hospitals\n"
                     "Marta Quell (University of Tarnby), Oskar Brandt (Wexley Institute of Health), "
                     "Professor Ruth Ainsley (University of Tarnby)\nMethods: We surveyed 812 porters in 2024.")
    names = _names(doc)
    assert names.get("Sleep loss among night-shift porters") == "document"
    assert names.get("Marta Quell") == "person" and names.get("Oskar Brandt") == "person"
    title = "Sleep loss among night-shift porters"
    assert {("Marta Quell", "authored", title), ("Oskar Brandt", "authored", title),
            ("Professor Ruth Ainsley", "authored", title), ("Marta Quell", "position", "University of Tarnby"),
            ("Oskar Brandt", "position", "Wexley Institute of Health"),
            ("Professor Ruth Ainsley", "position", "University of Tarnby")} <= _ties(doc)


def test_an_author_line_whose_people_share_a_centre_within_a_university(tagger):
    doc = tagger.nlp("Rent arrears and school absence: a linked data analysis\n"
                     "Daniel Oyelowo and Dr Kezia Marsh, Centre for Housing Studies, University of Carrow\n"
                     "We linked records for 9,000 pupils.")
    names = _names(doc)
    assert names.get("Centre for Housing Studies") == "organisation"
    assert names.get("University of Carrow") == "organisation"
    title = "Rent arrears and school absence"
    assert {("Daniel Oyelowo", "authored", title), ("Dr Kezia Marsh", "authored", title),
            ("Daniel Oyelowo", "position", "Centre for Housing Studies"),
            ("Dr Kezia Marsh", "position", "Centre for Housing Studies"),
            ("Centre for Housing Studies", "part_of", "University of Carrow")} <= _ties(doc)


def test_an_author_line_of_pairs_split_by_semicolons(tagger):
    doc = tagger.nlp("Loneliness in rural pharmacies: a qualitative study\n"
                     "Ifan Rhys, Bryncoed University; Mali Pugh, Rural Health Wales\nWe interviewed 40 pharmacists.")
    found = _ties(doc)
    assert {("Ifan Rhys", "position", "Bryncoed University"), ("Mali Pugh", "position", "Rural Health Wales"),
            ("Ifan Rhys", "authored", "Loneliness in rural pharmacies")} <= found
    assert ("Ifan Rhys", "position", "Rural Health Wales") not in found


def test_a_question_title_and_authors_on_behalf_of_a_network(tagger):
    doc = tagger.nlp("Does outreach reduce missed appointments? Evidence from a coastal trial\n"
                     "Helga Morrow and Sam Whitlock, on behalf of the Coastal Outreach Research Network\n"
                     "We randomised 1,200 patients.")
    title = "Does outreach reduce missed appointments?"
    assert _names(doc).get(title) == "document"
    assert {("Helga Morrow", "authored", title), ("Sam Whitlock", "member_of", "Coastal Outreach Research Network"),
            ("Coastal Outreach Research Network", "authored", title)} <= _ties(doc)


def test_a_news_byline_with_a_post_is_no_author_line(tagger):
    from scrutiny.nlp.author_lines import author_line

    line = "By Cara Dunne, Social Affairs Correspondent | Wexley Evening Star"
    assert author_line(line, 0, len(line)) is None
    line = "Present: Dame Ada Rook, Chair; Dr Ben Moss, Chief Executive"
    assert author_line(line, 0, len(line)) is None



# --- lines that make no claim -------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "I beg to move, That this House has considered the future of rural bus services.",
    "It is a pleasure to serve under your chairship, Mr Dane.",
    "I will give way.",
    "Question put and agreed to.",
    "RESOLVED: That the minutes of the meeting held on 3 May be approved as a correct record.",
    "The meeting closed at 9.14 pm.",
    "The authors would like to thank the reviewers for their comments on an earlier draft.",
    "Any errors remain the authors' own.",
    "Letters may be edited for length.",
    "Readers can send their stories to the newsdesk by email.",
])
def test_procedure_and_small_print_make_no_claim(tagger, sentence):
    assert _kinds(tagger.nlp(sentence)) == [set()]


@pytest.mark.parametrize("sentence", [
    "You will manage a team of six advisers across the region.",
    "Reporting to the Director, you will lead our policy work with councils.",
])
def test_a_jobs_duties_are_no_pledge(tagger, sentence):
    assert "commitment" not in set().union(*_kinds(tagger.nlp(sentence)))


def test_a_pledge_is_still_a_pledge(tagger):
    assert "commitment" in set().union(*_kinds(tagger.nlp("We will recruit 40 new wardens by March.")))


def test_an_item_that_makes_no_claim_keeps_the_list_going(tagger):
    doc = tagger.nlp("RESOLVED:\n(a) That the update be noted.\n(b) That the Director report back in June "
                     "with costed options for a night service.")
    kinds = _kinds(doc)
    assert kinds[1] == set()
    assert "commitment" in kinds[2]


def test_a_question_someone_asked_is_no_claim(tagger):
    assert _kinds(tagger.nlp("Councillor Hale asked whether the new rota had been agreed with the unions.")) == [set()]


@pytest.mark.parametrize("sentence", [
    "Kestrel Voices is a user-led charity that runs peer support groups across the county.",
    "The campaign is backed by Ashby Trades Council and the Kelmore Residents' Association.",
    "The service is delivered jointly by the council and Orbit Care, a social enterprise.",
])
def test_who_backs_or_delivers_what_is_no_assessment(tagger, sentence):
    assert "assessment" not in set().union(*_kinds(tagger.nlp(sentence)))


@pytest.mark.parametrize("sentence", [
    "Unemployment in Halberry rose last year.",
    "Focus groups were held at Tilby, Marchford and Oakhurst.",
    "Workload is the main reason nurses give for leaving.",
])
def test_one_word_places_and_common_words_are_not_bodies(tagger, sentence):
    assert _names(tagger.nlp(sentence)) == {}


def test_a_members_party_and_seat_in_one_bracket_name_nobody(tagger):
    doc = tagger.nlp("Ann Lee MP (Liberal Democrat, Tarrow)\nI agree with the Minister on this point.")
    assert set(_names(doc)) <= {"Ann Lee MP", "Ann Lee"}


# --- minutes: posts after commas, officers in attendance, membership lines ---------------

def test_board_minutes_with_posts_after_commas(tagger):
    doc = tagger.nlp("Wexcombe Community Hospitals NHS Trust\n"
                     "Minutes of the Board meeting held in public on Tuesday 3 March 2026\n"
                     "Present: Sir Alan Pike, Chair; Dr Ruth Mead, Chief Executive\n"
                     "In attendance: Kay Lowe, Company Secretary (minutes); Ben Orr, Lead Governor\n"
                     "1. Apologies\nApologies were received from Jan Hollis, Non-Executive Director.")
    trust = "Wexcombe Community Hospitals NHS Trust"
    assert {(p, "position", trust) for p in ("Sir Alan Pike", "Dr Ruth Mead", "Kay Lowe", "Ben Orr", "Jan Hollis")} \
        <= _ties(doc)
    assert "Non-Executive" not in _names(doc)


def test_officers_in_attendance_at_a_committee_work_for_the_council(tagger):
    doc = tagger.nlp("Brackley County Council\nChildren's Services Scrutiny Committee\n"
                     "Minutes of the meeting held on 2 May 2026\n"
                     "Present: Councillor Amy Fern (Chair), Councillor Bob Tate\n"
                     "Also in attendance: Dr Lee Park, Director of Children's Services; Sue Wray, Brackley Parent "
                     "Carer Forum.")
    found = _ties(doc)
    assert {("Dr Lee Park", "position", "Brackley County Council"),
            ("Sue Wray", "position", "Brackley Parent Carer Forum"),
            ("Councillor Amy Fern", "position", "Children's Services Scrutiny Committee")} <= found
    assert ("Dr Lee Park", "position", "Children's Services Scrutiny Committee") not in found


def test_a_committees_membership_line(tagger):
    doc = tagger.nlp("Housing Committee\nCurrent membership: Ruth Abel MP (Chair); Sam Nix MP; Ola Penn MP.")
    assert {("Ruth Abel", "member_of", "Housing Committee"), ("Ruth Abel", "position", "Housing Committee"),
            ("Sam Nix", "member_of", "Housing Committee"), ("Ola Penn", "member_of", "Housing Committee")} \
        <= _ties(doc)


# --- a person and where they work; a list read as one name ---------------------------

def test_a_person_of_a_university_is_a_person_and_a_university(tagger):
    doc = tagger.nlp("The group was chaired by Professor Ada Lyle of Tarnby University, and included "
                     "representatives of Mind, Citizens Advice Wexley and the Federation of Small Firms.")
    names = _names(doc)
    assert names.get("Professor Ada Lyle") == "person"
    assert names.get("Tarnby University") == "organisation"
    assert {"Mind", "Citizens Advice Wexley", "Federation of Small Firms"} <= set(names)
    assert ("Professor Ada Lyle", "position", "Tarnby University") in _ties(doc)


def test_a_ministry_with_a_list_of_portfolios_stays_one_name(tagger):
    names = _names(tagger.nlp("Funding came from the Ministry of Housing, Communities and Local Government."))
    assert "Ministry of Housing, Communities and Local Government" in names
    names = _names(tagger.nlp("It reported to the United Kingdom Department for Science, Innovation and Technology."))
    assert not [n for n in names if n.startswith("Innovation")]


def test_a_body_after_in_that_the_recogniser_calls_a_body_is_kept(tagger):
    assert "Copernicus" in _names(tagger.nlp("The UK will take part in Copernicus from 2026."))


# --- a campaign's name above "A campaign by ..." ---------------------------------------

def test_a_campaign_title_with_a_comma_and_who_runs_it(tagger):
    doc = tagger.nlp("Warm Rooms, Safe Streets\nA campaign by Kelmore Tenants' Union and the Ashby Health Alliance\n"
                     "Warm Rooms, Safe Streets is run jointly by Kelmore Tenants' Union and the Ashby Health Alliance.")
    names = _names(doc)
    assert names.get("Warm Rooms, Safe Streets") == "programme"
    assert "Warm Rooms" not in names and "Safe Streets" not in names
    assert {("Kelmore Tenants' Union", "provides", "Warm Rooms, Safe Streets"),
            ("Ashby Health Alliance", "provides", "Warm Rooms, Safe Streets")} <= _ties(doc)


def test_the_nhs_as_a_modifier_is_no_stakeholder_but_the_nhs_is(tagger):
    assert "NHS" not in _names(tagger.nlp("Waiting lists for NHS talking therapies grew, and the number of NHS staff fell."))
    assert "NHS" in _names(tagger.nlp("The NHS has lost 4,000 mental health nurses since 2020."))
