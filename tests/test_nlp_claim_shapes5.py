"""Statistics and calls that are not what they look like, in the shapes government
responses take: planned spending, thresholds and figures referred back to (no
measure stated); a "should" that is a condition, a call word in an "as" clause,
a "need to" describing what something covers, past encouragement, where to send
enquiries; what a scheme will do (a prediction, not a pledge); a sentence whose start
was cut off, and a definition. All sentences are our own inventions."""

from __future__ import annotations

import pytest

from helpers_tagging import kinds_of, shared_tagger


@pytest.fixture(scope="module")
def tagger():
    return shared_tagger(())


# --- statistics --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "We have made provision to spend up to £640 million on regional flood defences between 2027/28 and 2030/31.",
    "The authority has set aside funds and plans to invest £18m in new depots over the next three years.",
    "The ministry has made provision to spend £75 million on bridge repairs (those costing more than £2 million).",
])
def test_planned_spending_is_a_commitment_not_a_statistic(tagger, text):
    kinds = kinds_of(tagger, text)
    assert "statistic" not in kinds
    assert "commitment" in kinds


@pytest.mark.parametrize("text", [
    "We cannot tell from those 41%, 57% and 66% uptake figures which families kept using the service.",
    "Nothing in these £30m and £45m estimates says how many homes were insulated.",
])
def test_figures_referred_back_to_are_not_a_statistic(tagger, text):
    assert "statistic" not in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "Households earning less than £21,000 may apply to the hardship fund.",
    "Firms employing more than 250 people must publish their pay gap.",
])
def test_a_threshold_that_defines_who_is_covered_is_not_a_statistic(tagger, text):
    assert "statistic" not in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "Schemes costing over £2 million accounted for 64% of the capital budget last year.",
    "In 2025 the fund made 3,200 awards to households earning less than £21,000.",
    "Since 2023 the regional board has spent £9.5 million on agency staff.",
])
def test_a_measure_beside_a_threshold_stays_a_statistic(tagger, text):
    assert "statistic" in kinds_of(tagger, text)


# --- calls that call on nobody -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The rota sets out how cover will be arranged for each ward should staff fall ill.",
    "The agency's influence over the market may be much reduced should the regulator adopt the new rules.",
    "The plan provides standby buses for each route should they be needed at short notice.",
])
def test_a_should_followed_by_its_subject_is_a_condition(tagger, text):
    assert "recommendation" not in kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "The council should publish its repair times every quarter.",
    "Should the council publish its repair times every quarter?",
    "Landlords should this year register every property with the scheme.",
])
def test_a_call_with_should_is_still_a_call(tagger, text):
    kinds = kinds_of(tagger, text)
    if text.endswith("?"):
        assert "recommendation" not in kinds
    else:
        assert "recommendation" in kinds


@pytest.mark.parametrize("text", [
    "Extending the deadline again would undermine the closure of the fund to late claims, as urged in Recommendation 9.",
    "This settlement balances fairness to claimants against the cost to taxpayers, as any government must do.",
])
def test_a_call_word_in_an_as_clause_is_not_a_call(tagger, text):
    assert "recommendation" not in kinds_of(tagger, text)


def test_a_need_inside_a_description_of_what_something_covers_is_not_a_call(tagger):
    text = ("The training standard applies to paid and volunteer staff and lists the skills that "
            "wardens need to carry out their duties safely.")
    assert "recommendation" not in kinds_of(tagger, text)


def test_a_need_that_calls_is_still_a_call(tagger):
    assert "recommendation" in kinds_of(tagger, "The department needs to publish its figures for each region.")


def test_past_encouragement_is_a_description_not_a_call(tagger):
    text = "Since the spring, libraries and youth clubs have been encouraged to share a single booking system."
    assert "recommendation" not in kinds_of(tagger, text)


def test_encouragement_that_should_happen_is_still_a_call(tagger):
    assert "recommendation" in kinds_of(tagger, "Libraries should be encouraged to share a single booking system.")


@pytest.mark.parametrize("text", [
    "Until then, any queries about the panel's appointment should be directed to its secretariat, using the following email",
    "Questions about this consultation should be sent to the policy team at the address below.",
])
def test_where_to_send_enquiries_is_no_claim(tagger, text):
    assert kinds_of(tagger, text) == set()


# --- a pledge or a prediction -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The Warm Homes Grant, which opened in March, will also help tenants and landlords to fit heat pumps.",
    "These reforms will allow smaller charities to bid for local contracts.",
])
def test_what_a_scheme_will_do_is_not_a_pledge(tagger, text):
    assert "commitment" not in kinds_of(tagger, text)


def test_what_a_body_will_do_is_still_a_pledge(tagger):
    assert "commitment" in kinds_of(tagger, "The council will help tenants apply for the new grant.")


# --- pieces and definitions ---------------------------------------------------------

def test_a_sentence_whose_start_was_cut_off_is_no_claim(tagger):
    text = ", the regulator accepted that a “large share of tenants had already been warned.”"
    assert kinds_of(tagger, text) == set()


@pytest.mark.parametrize("text", [
    "14 Persistent absence means missing one school day in ten or more.",
    "The term 'digital exclusion' refers to people who cannot use online services.",
    "Low income is defined as below 60% of the median household income.",
])
def test_a_definition_is_no_claim(tagger, text):
    assert kinds_of(tagger, text) == set()


def test_a_sentence_saying_what_something_means_for_people_is_still_a_claim(tagger):
    assert "assessment" in kinds_of(tagger, "The cut means that many families will be worse off this winter.")


# --- a figure reported is a statistic, not a judgement --------------------------------

@pytest.mark.parametrize("text", [
    "The head of the service told the committee that waiting lists had doubled.",
    "Its finance director said spending on agency nurses had risen by 35 per cent.",
])
def test_a_reported_figure_is_a_statistic_not_an_assessment(tagger, text):
    kinds = kinds_of(tagger, text)
    assert "statistic" in kinds
    assert "assessment" not in kinds


def test_a_reported_figure_with_a_judgement_keeps_its_assessment(tagger):
    text = "The inspectors said waiting lists had doubled, which is unacceptable for children in pain."
    assert {"statistic", "assessment"} <= kinds_of(tagger, text)


@pytest.mark.parametrize("text", [
    "The views expressed are those of the authors and not of the Marlow Trust, which paid for the study.",
    "Tidewater Voices was produced with funding from the Alder Foundation.",
])
def test_small_print_and_who_funded_what_are_no_assessment(tagger, text):
    assert "assessment" not in kinds_of(tagger, text)
