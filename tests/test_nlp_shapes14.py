"""The fourteenth round's shapes, each in our own invented sentences: names the
recogniser does not mark (a national body known by one word, a charity named "...
Minds", "Jobcentre Plus", a body a reader is told to call, a person before a bracket or
"MP"), and the guards that keep each from over-reaching."""

from __future__ import annotations

import pytest

from helpers_tagging import named as _names
from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


@pytest.mark.parametrize("text, name, kind", [
    # one-word national bodies, standing alone
    ("Mind runs peer support groups in forty towns across the region.", "Mind", "organisation"),
    ("Mind, Rethink Mental Illness and Tarn Advice signed the letter.", "Mind", "organisation"),
    ("Anyone in distress can ring Samaritans free at any hour.", "Samaritans", "organisation"),
    ("Samaritans: call 116 123 at any time.", "Samaritans", "organisation"),
    ("The branch in Corley Vale voted to affiliate to Unison last spring.", "Unison", "organisation"),
    # "... Mind", "... Minds": a charity, the recogniser's cut name taken in
    ("The board of Brookvale Minds meets four times a year.", "Brookvale Minds", "organisation"),
    ("Local referrals go to Tarnwick and District Mind, which holds the contract.", "Tarnwick and District Mind",
     "organisation"),
    # the employment service, and one of its offices
    ("We will:\nfund new advisers in Jobcentre Plus\npublish the figures", "Jobcentre Plus", "organisation"),
    ("Staff at Fenwick Lane Jobcentre said the queue had doubled.", "Fenwick Lane Jobcentre", "organisation"),
    # what a reader is told to call
    ("Help is at hand: contact Kindly Steps on 01632 960 123 for a chat.", "Kindly Steps", "organisation"),
    # a person before a bracket or "MP", where the recogniser saw nothing
    ("Present: Lowri Pengelly (Fenwick West), Tom Ash (Chair)", "Lowri Pengelly", "person"),
    ("The motion was signed by Ffion Tregarthen MP and eleven others.", "Ffion Tregarthen", "person"),
    # "X at Work", "X to Work": a programme, a name cut short before "at" taken in
    ("Employers can refer staff to Steady at Work for six free sessions.", "Steady at Work", "programme"),
    ("Tarnfield's Carers at Work programme has reached 300 firms.", "Carers at Work", "programme"),
    ("Few claimants had heard of Access to Work before the review.", "Access to Work", "programme"),
    # a body and a union joined by "and" are two names
    ("The Royal College of Podiatry and Unison both rejected the pay offer.", "Unison", "organisation"),
    ("The Royal College of Podiatry and Unison both rejected the pay offer.", "Royal College of Podiatry",
     "organisation"),
    # a member of parliament the recogniser read as a body
    ("Sponsors: Ffion Tregarthen MP, Bryn Aldous MP", "Bryn Aldous", "person"),
])
def test_names_never_marked(tagger, text, name, kind):
    names = _names(tagger.nlp(text))
    assert names.get(name) == kind, names


@pytest.mark.parametrize("text, not_name", [
    # a one-word body's word as a verb or inside a longer capitalised run
    ("Mind the gap between what is promised and what is funded.", "Mind"),
    ("The scheme is run by Tarnwick and District Mind.", "Mind"),
    ("The night line is run jointly with Samaritans of Tarnby.", "Samaritans"),
    # an adjective opening "... Minds" is a title as often as a body
    # a bare "Jobcentre" names no one office
    ("Jobcentre to close as services move online", "Jobcentre"),
    # a given name's word after a determiner, before a bracket: a thing, not a person
    ("The Will Return (form A) must be filed by June.", "Will Return"),
    # a telephone number with no name before it
    ("Table 3: call volumes on 0800 lines", "Table"),
])
def test_unmarked_names_guards(tagger, text, not_name):
    assert not_name not in _names(tagger.nlp(text))


def test_minds_opened_by_an_adjective_stays_a_title(tagger):
    names = _names(tagger.nlp("Stronger Minds: A Plan for Student Wellbeing\nThe plan sets out five aims."))
    assert names.get("Stronger Minds") == "document"


def test_called_body_needs_a_number(tagger):
    # "call" alone, with no number after the name, vouches for nothing new
    names = _names(tagger.nlp("Residents should call Harrow Moneywise if the letter is unclear."))
    assert "Harrow Moneywise" not in names or names["Harrow Moneywise"] != "document"


def test_jobcentre_plus_kind_from_the_word_before():
    from scrutiny.nlp.headwords import kind_from_head

    assert kind_from_head(["Jobcentre", "Plus"]) == "organisation"
    assert kind_from_head(["Carers", "Plus"]) is None
    assert kind_from_head(["Plus"]) is None


def _ties(tagger, text):
    from helpers_tagging import tie_triples

    return tie_triples(tagger.nlp(text))


def test_second_relative_clause_shares_the_antecedent(tagger):
    # "P, a service that X runs with Y and that is funded by Z": Z funds P, not Y
    ties = _ties(tagger, "Holmbury Community Trust offers its tenants Open Hours, a free advice service that it runs "
                         "jointly with Tarn Valley Advice Centre and that is funded by the Corley Foundation until 2029.")
    assert ("Corley Foundation", "funded", "Open Hours") in ties
    assert ("Corley Foundation", "funded", "Tarn Valley Advice Centre") not in ties


def test_joined_at_an_event_is_company_not_membership(tagger):
    ties = _ties(tagger, "Tarn Advice and the Holm Tenants Union joined Brightwater Housing Trust at the spring "
                         "launch event.")
    assert not any(rel == "member_of" for _, rel, _ in ties), ties


def test_joined_a_body_is_still_membership(tagger):
    ties = _ties(tagger, "Tarn Advice joined the Coastal Housing Alliance in 2024.")
    assert ("Tarn Advice", "member_of", "Coastal Housing Alliance") in ties


def test_a_bodys_programme_is_not_part_of_it(tagger):
    ties = _ties(tagger, "Tarnfield's Carers at Work programme, funded by the Corley Foundation, has reached 300 firms.")
    assert ("Corley Foundation", "funded", "Carers at Work") in ties
    assert not any(rel == "part_of" for _, rel, _ in ties), ties


def test_at_work_guards(tagger):
    names = _names(tagger.nlp("The Health and Safety at Work Act applies to every employer."))
    assert "Safety at Work" not in names
    names = _names(tagger.nlp("The All-Party Parliamentary Group on Wellbeing at Work met in March."))
    assert "Wellbeing at Work" not in names


@pytest.mark.parametrize("text, tie", [
    # a guest in an attendance list holds a post in the body in brackets after their name
    ("Tarn Valley Health Board\nIn attendance: Rhoda Penhale (Corley Carers Network), Tom Ash (minute taker)",
     ("Rhoda Penhale", "position", "Corley Carers Network")),
    ("Tarn Valley Health Board\nPresent: Councillor Jo Abbott (Chair), Dr Sam Quarrie (Holm Valley NHS Foundation Trust)",
     ("Dr Sam Quarrie", "position", "Holm Valley NHS Foundation Trust")),
    # a post, then a body, in brackets
    ("Speakers: Ada Penrose (Head of Wellbeing, Marlow Freight Services); Ben Tull (Policy Lead, Holm Advice Trust)",
     ("Ada Penrose", "position", "Marlow Freight Services")),
    ("Speakers: Ada Penrose (Head of Wellbeing, Marlow Freight Services); Ben Tull (Policy Lead, Holm Advice Trust)",
     ("Ben Tull", "position", "Holm Advice Trust")),
])
def test_bracketed_bodies(tagger, text, tie):
    assert tie in _ties(tagger, text)


def test_bracketed_body_is_not_a_post_in_the_meeting(tagger):
    ties = _ties(tagger, "Tarn Valley Health Board\nPresent: Councillor Jo Abbott (Chair), "
                         "Dr Sam Quarrie (Holm Valley NHS Foundation Trust)")
    assert ("Dr Sam Quarrie", "position", "Tarn Valley Health Board") not in ties
    assert ("Councillor Jo Abbott", "position", "Tarn Valley Health Board") in ties


@pytest.mark.parametrize("text, tie", [
    # a second verb of the sentence's subject: "P is delivered by A ... and is funded by C"
    ("Safe Start Holm is delivered by Tarn Housing on behalf of Holm City Council and is funded by the "
     "Corley Integrated Care Board.", ("Corley Integrated Care Board", "funded", "Safe Start Holm")),
    # an adjective before "funding from"
    ("Holm Carers Voice receives core funding from Tarnside Borough Council and runs two drop-ins.",
     ("Tarnside Borough Council", "funded", "Holm Carers Voice")),
    # "With a grant from X, Y ...": the body after the comma
    ("With a small grant from the Penrith Ashdown Foundation, Holm Carers Voice held four listening events.",
     ("Penrith Ashdown Foundation", "funded", "Holm Carers Voice")),
    # "X has awarded grants ... to A and B"
    ("Tarnside Borough Council has awarded grants totalling £90,000 to 12 groups, including Holm Carers Voice "
     "and the Corley Men's Shed.", ("Tarnside Borough Council", "funded", "Holm Carers Voice")),
    ("Tarnside Borough Council has awarded grants totalling £90,000 to 12 groups, including Holm Carers Voice "
     "and the Corley Men's Shed.", ("Tarnside Borough Council", "funded", "Corley Men's Shed")),
])
def test_funded_shapes(tagger, text, tie):
    assert tie in _ties(tagger, text)


def test_funded_guards(tagger):
    ties = _ties(tagger, "Safe Start Holm is delivered by Tarn Housing on behalf of Holm City Council and is funded by "
                         "the Corley Integrated Care Board.")
    assert ("Corley Integrated Care Board", "funded", "Holm City Council") not in ties
    # awarding a contract is no grant
    ties = _ties(tagger, "Tarnside Borough Council has awarded the cleaning contract to Holm Facilities Ltd.")
    assert not any(rel == "funded" for _, rel, _ in ties), ties
    # a grant's number is no body
    assert "NIHR135092" not in _names(tagger.nlp("The trial was funded by the Tarn Research Council (grant NIHR135092)."))


NOTES = ("Notes\n[1] Tarn Skills Council, Care Workforce Census, October 2025.\n"
         "[2] Home Office, Migration Flow Statistics, year ending September 2025.\n"
         "[3] Marlow Institute (2023), Open Door, Shut Room: access to therapy in poor places, https://marlow.example/x\n"
         "[4] Holm Health Agency, Holm Waiting Times Report 2023–24, https://holm.example/report")


@pytest.mark.parametrize("tie", [
    ("Tarn Skills Council", "authored", "Care Workforce Census"),
    ("Home Office", "authored", "Migration Flow Statistics"),
    ("Marlow Institute", "authored", "Open Door, Shut Room"),
    ("Holm Health Agency", "authored", "Holm Waiting Times Report"),
])
def test_numbered_references(tagger, tie):
    assert tie in _ties(tagger, NOTES)


def test_numbered_minutes_are_no_references(tagger):
    names = _names(tagger.nlp("1. Apologies were received from Tom Bellamy, Director of Finance.\n"
                              "2. The minutes were approved."))
    assert names.get("Director of Finance") != "document"


@pytest.mark.parametrize("text, tie", [
    # people in brackets with a year after a title
    ("Open Doors Shut: why waits are rising (Callum Reddy and Aisha Bello, 2024)",
     ("Aisha Bello", "authored", "Open Doors Shut")),
    # the body printed under a title, with a date
    ("Missed Chances: Learning from complaints about crisis care\nTarnside Health Ombudsman, case digest, January 2026\n"
     "This digest sets out ten cases.", ("Tarnside Health Ombudsman", "authored", "Missed Chances")),
])
def test_authored_layouts(tagger, text, tie):
    assert tie in _ties(tagger, text)


@pytest.mark.parametrize("text, tie", [
    # a sentence boundary the parser put inside a name is no boundary for the ties
    ("Patients go to the Weir Valley Eating Disorder Service, a specialist team within Tarnside Partnership NHS "
     "Foundation Trust.", ("Weir Valley Eating Disorder Service", "part_of", "Tarnside Partnership NHS Foundation Trust")),
    # "X is a (statutory) committee of Y", "X is a research centre within Y"
    ("The Holm Wellbeing Board noted that it is a statutory committee of Holm Borough Council.",
     ("Holm Wellbeing Board", "part_of", "Holm Borough Council")),
    ("The Tarn Centre for Later Life is a research centre within the School of Social Sciences at the University "
     "of Corley.", ("Tarn Centre for Later Life", "part_of", "School of Social Sciences")),
])
def test_part_of_shapes(tagger, text, tie):
    assert tie in _ties(tagger, text)


GRANTS = ("Selected grants made by the Harwood Foundation in 2025\n"
          "£450,000 over three years to the Tarn Carers Network for its Back to Work Pals scheme.\n"
          "£95,000 to Tarnside Minds for a listening line.")
AWARDS = ("Employment\nThe Harwood Foundation made the following awards:\n"
          "Tarnside Minds, £120,000 over three years, towards its evening helpline\n"
          "Corley Advice Centre, £18,500, for a peer-led consultation")
THEME = ("Psychosis\nThe Harwood Trust will fund two projects under this theme:\n"
         "£410,000 to Holm and Fenwick Partnership NHS Trust to test the PsyText service, a text-message relapse "
         "prevention service.")


@pytest.mark.parametrize("text, tie", [
    (GRANTS, ("Harwood Foundation", "funded", "Tarn Carers Network")),
    (GRANTS, ("Tarn Carers Network", "provides", "Back to Work Pals")),
    (GRANTS, ("Harwood Foundation", "funded", "Tarnside Minds")),
    (AWARDS, ("Harwood Foundation", "funded", "Tarnside Minds")),
    (AWARDS, ("Harwood Foundation", "funded", "Corley Advice Centre")),
    (THEME, ("Harwood Trust", "funded", "PsyText")),
    (THEME, ("Holm and Fenwick Partnership NHS Trust", "provides", "PsyText")),
])
def test_grant_lists(tagger, text, tie):
    assert tie in _ties(tagger, text)


def test_no_grant_list_without_a_funders_line(tagger):
    ties = _ties(tagger, "Spending\n£95,000 to Tarnside Minds for a listening line.\n£40,000 to Corley Advice Centre.")
    assert not any(rel == "funded" for _, rel, _ in ties), ties


MINUTES = ("Tarn Valley Provider Collaborative\nMinutes of the Collaborative Board, held on 9 January 2026\n"
           "Present: Dr Ruth Amesbury (Chair), Chief Executive, Holm Healthcare NHS Trust\n"
           "Jan Pryce, Chief Operating Officer, Corley Partnership NHS Foundation Trust\n"
           "In attendance: Nell Rahim, Head of Programmes, NHS Fenwick Integrated Care Board (for item 4)")


@pytest.mark.parametrize("tie", [
    ("Dr Ruth Amesbury", "position", "Holm Healthcare NHS Trust"),
    ("Jan Pryce", "position", "Corley Partnership NHS Foundation Trust"),
    ("Nell Rahim", "position", "NHS Fenwick Integrated Care Board"),
])
def test_present_lists_with_a_post_and_a_body(tagger, tie):
    assert tie in _ties(tagger, MINUTES)


def test_present_list_post_in_own_body_not_the_meetings(tagger):
    ties = _ties(tagger, MINUTES)
    assert not [t for t in ties if t[0] == "Nell Rahim" and t[2] != "NHS Fenwick Integrated Care Board"], ties
    assert _names(tagger.nlp(MINUTES)).get("Jan Pryce") == "person"


def test_membership_heading_then_a_list(tagger):
    ties = _ties(tagger, "Membership of the Holm Affairs Committee\nSir Roger Dane (Chair); Ayo Rahim; Dr Kofi Menson\n"
                         "The committee met twice.")
    assert {("Ayo Rahim", "member_of", "Holm Affairs Committee"), ("Dr Kofi Menson", "member_of", "Holm Affairs Committee"),
            ("Sir Roger Dane", "position", "Holm Affairs Committee")} <= ties


def test_committee_appointed_by_the_house(tagger):
    ties = _ties(tagger, "The Holm Affairs Committee is appointed by the House of Commons to examine the work of the "
                         "Home Office.")
    assert ("Holm Affairs Committee", "part_of", "House of Commons") in ties
    # a body appointed by a minister is no part of the minister's department
    ties = _ties(tagger, "The Tarn Advisory Committee is appointed by the Department for Rural Affairs.")
    assert not any(rel == "part_of" for _, rel, _ in ties), ties
