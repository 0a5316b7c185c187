"""The thirteenth round's shapes, each in our own invented sentences: a body running a
list of programmes, "X is a charity that delivers P", "we" running a service, a
secretariat, a programme led by a body, agents written as a list with descriptors or as a
body's part, and an "About ..." heading."""

from __future__ import annotations

import pytest

from helpers_tagging import shared_tagger, tie_triples as _ties, named as _names


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


@pytest.mark.parametrize("text, tie", [
    # a list of programmes after "runs": one tie each, an apposition between them
    ("Harbourside Aid runs the Night Owl Line, a free phone service for shift workers, and the Hospital Friends scheme.",
     ("Harbourside Aid", "provides", "Night Owl Line")),
    ("Harbourside Aid runs the Night Owl Line, a free phone service for shift workers, and the Hospital Friends scheme.",
     ("Harbourside Aid", "provides", "Hospital Friends")),
    ("The Penwith Trust runs three small programmes, including the Tide Turners scheme.",
     ("Penwith Trust", "provides", "Tide Turners")),
    ("Tarnfield Works is a user-led charity that delivers the Ready for Work Programme across the county.",
     ("Tarnfield Works", "provides", "Ready for Work Programme")),
    # "we" before a verb of running a service: the body the passage speaks for
    ("About the Lindale Institute\nThe Lindale Institute is an independent research body. "
     "We provide the secretariat to the All-Party Parliamentary Group on Coastal Towns.",
     ("Lindale Institute", "provides", "All-Party Parliamentary Group on Coastal Towns")),
    ("Corfe Valley Trust employed 300 staff last year. We will recruit nurses through the Bright Start Pathway, "
     "which we run jointly with the University of Holm.",
     ("Corfe Valley Trust", "provides", "Bright Start Pathway")),
    ("Corfe Valley Trust employed 300 staff last year. We will recruit nurses through the Bright Start Pathway, "
     "which we run jointly with the University of Holm.",
     ("University of Holm", "provides", "Bright Start Pathway")),
    # the secretariat in the sentence after the body it serves
    ("The Fenwick Forum on Ageing has five officers. The secretariat is provided by the Holm Centre for Later Life.",
     ("Holm Centre for Later Life", "provides", "Fenwick Forum on Ageing")),
    # agents: a list with a descriptor, a body's part
    ("The Bright Steps programme is delivered by Corfe Housing Trust and the charity Tarn Care.",
     ("Tarn Care", "provides", "Bright Steps")),
    ("The Bright Steps programme is delivered by Corfe Housing Trust and the charity Tarn Care.",
     ("Corfe Housing Trust", "provides", "Bright Steps")),
    ("Nurses will complete the Crisis Care Programme, which is run by the University of Holmbury's School of Nursing.",
     ("School of Nursing", "provides", "Crisis Care Programme")),
    ("The Holm Carers service is a partnership between Corfe Housing Trust and the charity Tarn Care.",
     ("Tarn Care", "provides", "Holm Carers")),
    # a relative clause with no "that": "a programme the Trust has run since 2015"
    ("The Penwith Trust gave £2 million to the Tide Turners Awards, a programme the Trust has run since 2015.",
     ("Penwith Trust", "provides", "Tide Turners Awards")),
    # an apposition naming another body between the body and what it runs
    ("The Tarnside Digital Unit, a team within the Department for Rural Affairs, runs the Connect Together scheme.",
     ("Tarnside Digital Unit", "provides", "Connect Together")),
])
def test_provides_shapes(tagger, text, tie):
    assert tie in _ties(tagger.nlp(text))


def test_a_pilot_led_by_a_body_is_provided_by_it(tagger):
    ties = _ties(tagger.nlp("The trust was chosen as a site for the Coastal Recovery Pilot, which is led by NHS England."))
    assert ("NHS England", "provides", "Coastal Recovery Pilot") in ties


@pytest.mark.parametrize("text, subject, obj", [
    # the last of a list that may open a clause of its own is not run by the first body
    ("Harbourside Aid runs the Hospital Friends scheme and Corfe District Council pays for it.",
     "Harbourside Aid", "Corfe District Council"),
    ("Harbourside Aid runs the Hospital Friends scheme and the Tarn Valley Trust runs the Night Owl Line.",
     "Harbourside Aid", "Tarn Valley Trust"),
    ("Harbourside Aid runs the Hospital Friends scheme and the Tarn Valley Trust runs the Night Owl Line.",
     "Harbourside Aid", "Night Owl Line"),
    # the apposition's body does not run it
    ("The Tarnside Digital Unit, a team within the Department for Rural Affairs, runs the Connect Together scheme.",
     "Department for Rural Affairs", "Connect Together"),
])
def test_provides_not_given(tagger, text, subject, obj):
    assert (subject, "provides", obj) not in _ties(tagger.nlp(text))


def test_we_without_running_gives_no_tie(tagger):
    ties = _ties(tagger.nlp("Corfe Valley Trust employed 300 staff last year. We welcome the Bright Start Pathway."))
    assert not any(rel == "provides" for _, rel, _ in ties)


def test_a_person_leading_a_pilot_provides_nothing(tagger):
    ties = _ties(tagger.nlp("The Coastal Recovery Pilot is led by Dr Ann Hale of the Holm Centre."))
    assert not any(rel == "provides" and s == "Ann Hale" for s, rel, _ in ties)


def test_a_secretariat_sentence_naming_no_provider_gives_no_tie(tagger):
    ties = _ties(tagger.nlp("The Fenwick Forum on Ageing has five officers. The secretariat will close in May."))
    assert not any(rel == "provides" for _, rel, _ in ties)


def test_an_about_heading_is_not_part_of_the_name(tagger):
    names = _names(tagger.nlp("About the Tarn Valley Mental Health Partnership\n"
                              "The partnership was set up in 2022 by four charities."))
    assert "Tarn Valley Mental Health Partnership" in names
    assert not any(n.startswith("About") for n in names)


# --- two firms' names joined by "and" -------------------------------------------------

@pytest.mark.parametrize("text, parts", [
    ("Checks are made by Halden Health Assessments and Corbel Review Services for the department.",
     ["Halden Health Assessments", "Corbel Review Services"]),
    ("Beds are supplied by Tarn Care Homes and Holm Valley Housing Association.",
     ["Tarn Care Homes", "Holm Valley Housing Association"]),
])
def test_two_firms_joined_by_and_are_two_names(tagger, text, parts):
    names = _names(tagger.nlp(text))
    for part in parts:
        assert part in names


@pytest.mark.parametrize("text, whole", [
    ("Staff at Kingsmere and Wealdbrook Integrated Care Board agreed the plan.", "Kingsmere and Wealdbrook Integrated Care Board"),
    ("Staff at St Tarrens and Holmby Teaching Hospitals NHS Trust agreed the plan.",
     "St Tarrens and Holmby Teaching Hospitals NHS Trust"),
])
def test_one_name_with_and_stays_whole(tagger, text, whole):
    names = _names(tagger.nlp(text))
    assert whole in names


@pytest.mark.parametrize("text, name", [
    ("Volunteers from Carnmoor Foodbank handed out 400 parcels in December.", "Carnmoor Foodbank"),
    ("The lunches are run by the council with St Aldhelm's Church every Thursday.", "St Aldhelm's Church"),
    ("Patients registered at Tarnside Surgery and Holm Valley Health Partnership were invited.", "Tarnside Surgery"),
])
def test_a_foodbank_a_church_a_surgery_are_bodies(tagger, text, name):
    assert _names(tagger.nlp(text)).get(name) == "organisation"


def test_assessments_carried_out_under_contract_are_provided(tagger):
    ties = _ties(tagger.nlp("Assessments for Carer Support Payment are carried out under contract by Halden Health "
                            "Assessments and Corbel Review Services on behalf of the Department for Work and Pensions."))
    for firm in ("Halden Health Assessments", "Corbel Review Services"):
        assert any(s == firm and rel == "provides" and o.endswith("Carer Support Payment") for s, rel, o in ties)


def test_a_review_carried_out_by_a_body_is_authored_not_provided(tagger):
    ties = _ties(tagger.nlp("The Holm Review of Rural Care was carried out by the Tarn Institute."))
    assert ("Tarn Institute", "authored", "Holm Review of Rural Care") in ties
    assert not any(rel == "provides" for _, rel, _ in ties)
