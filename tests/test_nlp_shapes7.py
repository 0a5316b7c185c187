"""The seventh round's shapes, each in our own invented sentences: names whose "and"
joins two words describing one head noun, places and venues that are not bodies, the
forms of a debate, author lines of academic papers, and lines that make no claim."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


def _names(doc) -> dict:
    from scrutiny.nlp.spans import stakeholder_spans

    return {s.text: s.label_ for s in stakeholder_spans(doc) if s._.source != "coref"}


def _kinds(doc) -> list[set]:
    return [set(c["kinds"]) for c in doc._.claims]


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
    "The next meeting is at 7 pm in Kelmore Library.",
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
