

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
