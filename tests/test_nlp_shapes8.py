"""The eighth round's shapes, each in our own invented sentences: names that an
apposition says are names ("X, a peer-led programme"), programmes a body runs said in
a relative clause, a post written between a person and a body, and sentences that are
no assessment (a bare answer to one recommendation, a pledge reported without a
judgement, whom a job advert wants)."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties, named as _names, sentence_kinds as _kinds


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


# --- names an apposition vouches for -------------------------------------------------

@pytest.mark.parametrize("sentence, name, kind", [
    ("The charity, Home Ahead, runs Second Chances, a peer-led programme for care leavers.", "Second Chances",
     "programme"),
    ("Between 2021 and 2023, 900 people joined StepUp, a self-guided online programme offered by the college.",
     "StepUp", "programme"),
    ("Families attended Living Apart, a course for carers that is delivered by Westbury Carers Centre.",
     "Living Apart", "programme"),
    ("Young carers can join Tea Break Club, a weekly support group for siblings.", "Tea Break Club", "programme"),
    ("Volunteers from the charity Open Arms Together staffed the stall.", "Open Arms Together", "organisation"),
])
def test_a_name_the_apposition_after_it_says_what_it_is(tagger, sentence, name, kind):
    assert _names(tagger.nlp(sentence)).get(name) == kind


@pytest.mark.parametrize("sentence", [
    "Today, a new scheme opens in the borough.",
    "Ann, a mother of two, joined the panel in May.",
    "Leeds, a city of 800,000 people, has one scheme.",
])
def test_a_common_word_a_person_or_a_place_before_an_apposition_is_no_new_name(tagger, sentence):
    names = _names(tagger.nlp(sentence))
    assert not [n for n, k in names.items() if k == "programme"]
    assert "Today" not in names and "Leeds" not in names


# --- programmes a body runs, said in a relative clause ---------------------------------

def test_a_programme_that_a_body_has_run(tagger):
    doc = tagger.nlp("Harbour Steps, the mentoring scheme that Brightline Youth has run since 2020, "
                     "now covers six towns.")
    assert ("Brightline Youth", "provides", "Harbour Steps") in _ties(doc)


def test_a_group_the_team_runs_with_a_charity(tagger):
    doc = tagger.nlp("Young carers can join Tea Break Club, a weekly support group that the team runs with "
                     "the charity Open Arms Together.")
    assert ("Open Arms Together", "provides", "Tea Break Club") in _ties(doc)


def test_the_charity_in_apposition_to_the_subject_runs_the_programme(tagger):
    doc = tagger.nlp("The charity, Home Ahead, runs Second Chances, a peer-led programme for care leavers.")
    assert ("Home Ahead", "provides", "Second Chances") in _ties(doc)


def test_a_programme_run_jointly_with_a_second_body(tagger):
    doc = tagger.nlp("Calm Rooms, a drop-in service which Tarn Valley Trust runs jointly with Fellside Mind, "
                     "opens at weekends.")
    ties = _ties(doc)
    assert ("Tarn Valley Trust", "provides", "Calm Rooms") in ties
    assert ("Fellside Mind", "provides", "Calm Rooms") in ties


# --- a post between a person and a body ------------------------------------------------

@pytest.mark.parametrize("line, person, body", [
    ("Answered by Ann Vale, Minister for Skills, Department for Education, 3 March 2025", "Ann Vale",
     "Department for Education"),
    ("By Tom Reed, Senior Fellow, Harcourt Institute | 4 June 2025", "Tom Reed", "Harcourt Institute"),
])
def test_a_post_written_between_a_person_and_a_body(tagger, line, person, body):
    assert (person, "position", body) in _ties(tagger.nlp(line))


def test_a_post_between_two_bodies_is_no_tie(tagger):
    doc = tagger.nlp("Funding came from Tarn Council, Public Health Lead, Fellside Trust and others.")
    assert not {t for t in _ties(doc) if t[1] == "position"}


def test_a_post_at_a_body_described_by_what_it_is(tagger):
    doc = tagger.nlp("Dr Maria Lane, chief executive of the housing charity Kettle Homes Trust, spoke first.")
    assert ("Dr Maria Lane", "position", "Kettle Homes Trust") in _ties(doc)


# --- sentences that are no assessment ---------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "The Government does not accept this recommendation.",
    "We do not accept this recommendation.",
])
def test_a_bare_answer_to_one_recommendation_makes_no_claim(tagger, sentence):
    assert _kinds(tagger.nlp(sentence)) in ([], [set()])


def test_a_reason_given_for_not_accepting_is_still_a_judgement(tagger):
    kinds = _kinds(tagger.nlp("The Government does not accept that the scheme has failed."))
    assert kinds and "assessment" in kinds[0]


def test_a_pledge_reported_without_a_judgement_is_a_commitment_alone(tagger):
    kinds = _kinds(tagger.nlp("The college has said it will use the results to redesign its induction and will "
                              "pilot a travel fund from May."))
    assert kinds == [{"commitment"}]


@pytest.mark.parametrize("sentence", [
    "We are looking for someone who can turn hard evidence into arguments that councillors cannot ignore.",
    "We are looking for an experienced nurse who enjoys working with families.",
    "We are seeking a finance officer to join our small team.",
])
def test_whom_a_job_advert_wants_is_no_claim(tagger, sentence):
    assert _kinds(tagger.nlp(sentence)) in ([], [set()])


def test_looking_for_ways_to_fix_a_failing_system_still_judges(tagger):
    kinds = _kinds(tagger.nlp("We are looking for ways to cut waiting times, because the current system is failing."))
    assert kinds and "assessment" in kinds[0]


# --- members of a consortium, a joint unit, the body whose minutes these are -------------

def test_the_members_of_a_consortium_named_in_apposition(tagger):
    doc = tagger.nlp("Cabinet agreed to award the contract to the Eastgate Care Partnership, a consortium of the "
                     "Dunmore Trust and Kelsey Housing Association, for three years.")
    ties = _ties(doc)
    assert ("Dunmore Trust", "member_of", "Eastgate Care Partnership") in ties
    assert ("Kelsey Housing Association", "member_of", "Eastgate Care Partnership") in ties


def test_a_joint_unit_of_two_universities_is_part_of_each(tagger):
    doc = tagger.nlp("The grant will fund the Centre for Ageing Research, a joint unit of Tarnby University and "
                     "Wexley University, for five years.")
    ties = _ties(doc)
    assert ("Centre for Ageing Research", "part_of", "Tarnby University") in ties
    assert ("Centre for Ageing Research", "part_of", "Wexley University") in ties


def test_minutes_of_a_committee_under_its_councils_heading(tagger):
    doc = tagger.nlp("Kelsey Town Council\nMinutes of the Community Safety Committee held at the Town Hall on "
                     "Monday 3 May 2027 at 6pm\nPresent: Councillor Ann Reid (Chair), Councillor Tom Vale")
    ties = _ties(doc)
    assert ("Community Safety Committee", "part_of", "Kelsey Town Council") in ties
    assert ("Councillor Ann Reid", "position", "Community Safety Committee") in ties
    assert ("Councillor Tom Vale", "member_of", "Community Safety Committee") in ties
    assert not {t for t in ties if t[0] == "Councillor Ann Reid" and t[2] == "Kelsey Town Council"}


def test_a_committees_name_then_extract_from_the_minutes(tagger):
    doc = tagger.nlp("Kelsey Town Council\nCommunity Safety Committee - extract from the minutes, 3 May 2027\n"
                     "Present: Councillor Ann Reid (Chair)")
    assert ("Councillor Ann Reid", "position", "Community Safety Committee") in _ties(doc)


def test_the_helpline_stands_for_the_helpline_named_before(tagger):
    doc = tagger.nlp("Calls to the Tarnside Carers Helpline rose by a fifth last year. The helpline is run by the "
                     "Tarn Valley Trust.")
    assert ("Tarn Valley Trust", "provides", "Tarnside Carers Helpline") in _ties(doc)


# --- lists a resolution leads into, a job's requirements, a courteous welcome --------------

def test_the_items_a_conference_resolves_are_commitments(tagger):
    kinds = _kinds(tagger.nlp("The Branch Delegates Conference therefore resolves:\n"
                              "to instruct the Executive to open talks with the employers on a pay framework;\n"
                              "to publish a guide for branches by the end of 2028;\n"
                              "to support branches in local disputes."))
    assert kinds[0] == set() and kinds[1:] == [{"commitment"}] * 3


@pytest.mark.parametrize("sentence", [
    "You must have experience of caring for a relative and be willing to use it in your work.",
    "You do not need a degree, but you will need to work towards maths at Level 2.",
])
def test_a_jobs_requirements_are_no_claim(tagger, sentence):
    assert _kinds(tagger.nlp(sentence)) in ([], [set()])


def test_you_must_said_to_a_minister_is_still_a_call(tagger):
    kinds = _kinds(tagger.nlp("You must act now, Minister, before more families are harmed."))
    assert kinds and "recommendation" in kinds[0]


@pytest.mark.parametrize("sentence", [
    "The Government welcomes the Transport Committee's report, Roads to Nowhere, and thanks the Committee and all "
    "who gave evidence to it.",
    "The Government welcomes the Transport Committee's report, Roads to Nowhere, and is grateful to the many "
    "drivers who gave evidence to its inquiry.",
])
def test_a_welcome_of_a_report_with_thanks_makes_no_claim(tagger, sentence):
    assert _kinds(tagger.nlp(sentence)) in ([], [set()])


# --- a debate's speaker tags before a colon, a conference alone -------------------------------

def test_a_speakers_constituency_and_party_before_the_speech_on_the_same_line_name_nobody(tagger):
    doc = tagger.nlp("Ann Dale (Tarrow East) (LD): I thank the Minister for her answer.\n"
                     "Owen Pike (Marsh Vale) (Con): Does she agree that the service is failing?")
    assert _names(doc) == {"Ann Dale": "person", "Owen Pike": "person"}


def test_conference_alone_names_no_body(tagger):
    names = _names(tagger.nlp("Conference welcomes the new scheme. The Annual Conference of the Care Workers Union "
                              "met in May."))
    assert "Conference" not in names
    assert "Annual Conference of the Care Workers Union" in names
