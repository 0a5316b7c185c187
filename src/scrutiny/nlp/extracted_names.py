"""spaCy component ``scrutiny_extracted_names``: names nobody has listed.

Two sources, so that documents the knowledge base has never seen still get
their stakeholders:

- the statistical NER of the loaded model (PERSON, ORG, WORK_OF_ART, LAW and,
  with a document head noun, EVENT/PRODUCT), mapped to stakeholder kinds;
- capitalised phrases ending in a generic head noun ("... Taskforce",
  "... Review", "... Programme") and honorific + name ("Professor X Y"),
  which work without any model.

Places, dates, quantities, section references and lower-case runs are never
stakeholders. Spans are trimmed of articles and possessive endings ("the
Taskforce's" -> "Taskforce"). Curated spans already in the group are kept.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Span
from spacy.util import filter_spans

from scrutiny.nlp.headwords import (
    FUNDERS_LEAD, GENERIC_SINGLE, NAME_JOINERS, NATIONS, NOT_NAME_ACRONYMS, NOT_STAKEHOLDER_FIRST, PLACES, PORTFOLIO_WORDS, PROGRAMME,
    ROLE_HEADS, kind_from_head,
)
from scrutiny.nlp.normalise import key
from scrutiny.nlp.normalise import is_acronym
from scrutiny.nlp.normalise import HONORIFICS
from scrutiny.nlp.place_names import is_place
from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans
from scrutiny.nlp.unmarked_names import ONE_WORD_BODIES, post_follows, reference_titles, unmarked_names

NER_KINDS = {"PERSON": "person", "ORG": "organisation", "WORK_OF_ART": "document", "LAW": "document"}
NER_IF_HEADWORD = ("EVENT", "PRODUCT", "FAC", "NORP", "GPE")


@Language.factory(
    "scrutiny_extracted_names",
    default_config={"use_ner": True, "use_rules": True, "ner_confidence": 0.75, "rule_confidence": 0.7},
)
def make_extracted_names(nlp, name, use_ner: bool, use_rules: bool, ner_confidence: float,
                         rule_confidence: float):
    return ExtractedNames(name, use_ner, use_rules, ner_confidence, rule_confidence)


_LEADING = frozenset("""
the a an since as while when if in for with by on at although though because after before during
under over from to of and but or so yet it this that these those its their our his her we they
according given unlike like despite following including heads head
only even also both however meanwhile whereas about
""".split())


def _trim(doc, start, end):
    """Drop leading articles, conjunctions and prepositions ("As the Committee"),
    and trailing possessives/punctuation."""
    while start < end and (doc[start].lower_ in _LEADING or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "'", "’s", "’", "‘s", "‘") or doc[end - 1].is_punct
                           or doc[end - 1].lower_ in NAME_JOINERS
                           or doc[end - 1].lower_ in ("from", "to", "in", "by", "with", "at", "as")):
        end -= 1
    return start, end


def _extend(doc, end: int, start: int | None = None) -> int:
    """Grow a name over "for Carers", "of Eastfield" and a trailing year ("Strategy 2030"),
    and a department's list of portfolios ("Department for Science, Innovation and Technology")."""
    n = len(doc)
    if start is not None and doc[start].lower_ in ("department", "ministry") and start + 1 < n \
            and doc[start + 1].lower_ in ("for", "of"):
        j = end
        while j + 1 < n and doc[j].text == "," and doc[j + 1].is_title and not doc[j + 1].is_sent_start:
            j += 2
        if j > end and j + 1 < n and doc[j].lower_ == "and" and doc[j + 1].is_title:
            j += 2
            while j < n and doc[j].is_title and not doc[j].is_sent_start:
                j += 1
            end = j
    while end + 1 < n and doc[end].lower_ in ("for", "of", "on", "&") \
            and doc[end + 1].is_title and not doc[end + 1].is_sent_start \
            and doc[end + 1].lower_ not in NOT_STAKEHOLDER_FIRST:
        j = end + 1
        while j < n and doc[j].is_title and not _has_digit(doc[j].text) and doc[j].lower_ not in NOT_STAKEHOLDER_FIRST:
            j += 1
        end = j
    if end < n and kind_from_head([doc[end - 1].text]) == "document" and doc[end].is_digit \
            and len(doc[end].text) == 4:
        end += 1
    return end


def _balanced(doc, start: int, end: int) -> tuple[int, int]:
    """A name does not stop inside its brackets: "National Security Council (Resilience"
    takes its closing bracket; "Training for Teachers (TFT" is the name without the
    acronym (the acronym is a name of its own)."""
    opened = [i for i in range(start, end) if doc[i].text == "("]
    if len(opened) <= sum(1 for i in range(start, end) if doc[i].text == ")"):
        return start, end
    last = opened[-1]
    inside = doc[last + 1:end]
    acronym = len(inside) == 1 and inside[0].text.upper() == inside[0].text and any(c.isalpha() for c in inside[0].text)
    if not acronym and end < len(doc) and doc[end].text == ")":
        return start, end + 1
    return _trim(doc, start, last)


def _name_like(words: list[str], whole: bool) -> bool:
    """Do these words make a name on their own? A head noun ("... Trust"), an
    honorific or a given name first ("Councillor Ian Reid", "Sue Okafor"), an
    acronym first ("NHS England")."""
    from scrutiny.nlp.people import has_honorific, is_given_name

    if not words:
        return False
    if kind_from_head(words) is not None and (len(words) > 1 or not whole):
        return True
    if has_honorific(words) and len(words) >= 2:
        return True
    if is_given_name(words[0]) and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
        return True
    if is_acronym(words[0]) and all(w[:1].isupper() for w in words):
        return True
    from scrutiny.nlp.people import ROLE_WORDS

    for k in range(min(len(words) - 2, 3)):
        if words[k].casefold() in ROLE_WORDS and is_given_name(words[k + 1]) and 2 <= len(words) - k - 1 <= 3:
            return True  # "Health Secretary Dora Penhale": a post before a person's name
    return False


# A nation or a place at the end of a body's name ("Carers UK", "Sport Wales").
NATION_TAILS = frozenset("uk england scotland wales ireland cymru britain international".split())


def _shared_head(left: list[str], right: list[str]) -> bool:
    """Do both sides of "and" describe one head noun ("HM Courts and Tribunals Service",
    "Ashdown Flood and Drainage Taskforce")? The right side is one describing word
    and the head; the left has no head of its own, is no person and ends in no nation."""
    from scrutiny.nlp.people import has_honorific, is_given_name

    if len(right) != 2 or not left or kind_from_head(right) is None or kind_from_head(left) is not None:
        return False
    word = right[0]
    if not word[:1].isupper() or is_acronym(word) or is_given_name(word) or word in NATIONS:
        return False
    if left[-1].casefold() in NATION_TAILS or is_acronym(left[-1]) or has_honorific(left) \
            or (is_given_name(left[0]) and not is_acronym(left[0])
                and (len(left) == 2 or (len(left) == 3 and is_given_name(left[1])))):
        return False  # "Sue Okafor and Care Partnership", "Mary Ann Lee and ...": a person first
    return all(w[:1].isupper() for w in left)


# Words that head a body's name but also a topic a body's name is about ("Commission on
# Mental Health and the Justice System": the justice system is its subject, no second body).
TOPIC_HEADS = frozenset(("system",))


def _topics_joined(left: list[str], right: list[str]) -> bool:
    """Is "and" joining two topics inside one body's name ("Centre for Work and Wellbeing
    Policy", "Commission on Mental Health and the Justice System")? The left side is a body's
    head word and "of", "for" or "on"; the right side is two words or more with no body's
    head word of its own, no nation and no person ("... and HM Treasury", "... and NHS Wales",
    "... and Councillor Ian Reid" are two names)."""
    from scrutiny.nlp.people import has_honorific, is_given_name

    if len(left) < 3 or left[1].casefold() not in ("of", "for", "on") or kind_from_head(left[:1]) != "organisation":
        return False
    if len(right) < 2 or (kind_from_head(right) == "organisation" and right[-1].casefold() not in TOPIC_HEADS) \
            or right[-1] in NATIONS \
            or right[-1].casefold() in NATION_TAILS or is_acronym(right[0]) or has_honorific(right) \
            or (is_given_name(right[0]) and right[-1].casefold() not in TOPIC_HEADS):
        return False
    return all(w[:1].isupper() for w in right)


def _topic_after_the(doc, start: int, end: int) -> int:
    """Where a body's name joining its topics with "and the" ends ("Commission on Mental
    Health and the Justice System"): past the second topic when ``_topics_joined`` holds."""
    if end + 3 > len(doc) or doc[end].lower_ != "and" or doc[end + 1].lower_ != "the":
        return end
    k = end + 2
    while k < len(doc) and doc[k].is_title and doc[k].is_alpha and k - end - 2 < 4:
        k += 1
    left = [t.text for t in doc[start:end] if not t.is_punct]
    if left and left[0].casefold() == "the":
        left = left[1:]
    right = [t.text for t in doc[end + 2:k]]
    if right and right[-1].casefold() in TOPIC_HEADS and _topics_joined(left, right):
        return k
    return end


# The tails of the names of the NHS's area bodies, whose names join their places with "and"
# after "NHS" ("NHS Kelby and Dunmoor Integrated Care Board").
NHS_AREA_TAILS = (("integrated", "care", "board"), ("integrated", "care", "system"),
                  ("integrated", "care", "partnership"), ("clinical", "commissioning", "group"))


def _nhs_area_body(left: list[str], right: list[str]) -> bool:
    """Is "and" joining the places of one NHS area body ("NHS Kelby and Dunmoor Integrated
    Care Board", "NHS Tarn Valley and Wexley Clinical Commissioning Group")? The left side is
    "NHS" and one or two place words, the right side one or two place words and the tail."""
    if not (2 <= len(left) <= 3 and left[0] == "NHS") or len(right) < 4:
        return False
    tail = tuple(w.casefold() for w in right[-3:])
    places = left[1:] + right[:-3]
    return tail in NHS_AREA_TAILS and 1 <= len(right) - 3 <= 2 and all(
        w[:1].isupper() and not is_acronym(w) for w in places)


# Plural nouns ending a firm's name ("X Health Assessments", "Y Care Homes").
FIRM_PLURALS = frozenset("""assessments homes solutions partners associates consultants systems resources
holdings enterprises industries ventures networks""".split())


def _two_firms(left: list[str], right: list[str]) -> bool:
    """Two bodies' names joined by "and", the left one ending in a plural a firm's name
    ends in ("X Health Assessments", "Y Care Homes") with no joiner of its own, the right
    one a whole name with a body's head ("Z Assessment Services"). One word on the left
    ("Kingsmere and Wealdbrook Integrated Care Board") or a place ending it ("St Helens and
    Knowsley Teaching Hospitals NHS Trust") is one name."""
    if len(left) < 2 or len(right) < 3 or kind_from_head(right) != "organisation":
        return False
    if not all(w[:1].isupper() for w in left + right) or any(w.casefold() in NAME_JOINERS for w in left + right):
        return False
    return left[-1].casefold() in FIRM_PLURALS


def _defined_whole(doc, start: int, end: int) -> bool:
    """Is the span followed by "(ACR)" whose letters are the initials of its words, "and" and
    "of" included or not ("Individual Placement and Support (IPS)", "Black and Minority Ethnic
    (BAME)")?"""
    if end + 2 >= len(doc) or doc[end].text != "(" or doc[end + 2].text != ")":
        return False
    short = doc[end + 1].text
    if not (short.isupper() and short.isalpha() and 2 <= len(short) <= 8):
        return False
    words = [t.text for t in doc[start:end] if t.is_alpha]
    every = "".join(w[0] for w in words).upper()
    content = "".join(w[0] for w in words if w.casefold() not in ("and", "of", "for", "the", "in", "on", "to")).upper()
    return short in (every, content) and any(t.lower_ in ("and", "&") for t in doc[start:end])


def _split_on_and(doc, start: int, end: int) -> list[tuple[int, int]]:
    """Cut "X and Y" in two when both sides are names in their own right
    ("DWP and Department of Health", "Sue Okafor and Councillor Ian Reid",
    "Age Concern UK and Carers UK"), not when "and" is inside one name ("Department
    for Work and Pensions"). The last "and" is tried first, since an "and" inside a
    name comes early in it ("Department of Health and Social Care and HM Treasury"),
    and the span is cut once. Never when the acronym in brackets after the span stands for
    all of it ("Individual Placement and Support (IPS)")."""
    if _defined_whole(doc, start, end):
        return [(start, end)]
    for i in range(end - 2, start, -1):
        if doc[i].lower_ not in ("and", "&"):
            continue
        left = [t.text for t in doc[start:i] if not t.is_punct]
        if left and left[0].casefold() == "the":
            left = left[1:]  # "The Public and Commercial Services Union": "The" is no given name
        right = [t.text for t in doc[i + 1:end]]
        if right and right[0].casefold() == "the":
            right = right[1:]
        if _shared_head(left, right) or _topics_joined(left, right) or _nhs_area_body(left, right):
            continue
        left_ok = _name_like(left, whole=False) or (len(left) == 1 and left[0].isupper() and len(left[0]) > 1)
        right_ok = _name_like(right, whole=True) or (
            len(left) >= 2 and left[-1].casefold() in MEMBER_BODIES and len(right) >= 2
            and not any(t.text == "," for t in doc[start:i])
            and all(w[:1].isupper() for w in right))  # "Cleaners Union and Workers First"
        if not (left_ok and right_ok) and len(left) >= 2 and len(right) >= 2 \
                and left[-1].casefold() in NATION_TAILS and right[-1].casefold() in NATION_TAILS \
                and all(w[:1].isupper() for w in left + right):
            left_ok = right_ok = True   # "NHS Wales and Health Education Wales": two bodies of a nation
        if not (left_ok and right_ok) and _two_firms(left, right) and not any(t.text == "," for t in doc[start:i]):
            left_ok = right_ok = True   # "Ardent Health Assessments and Meridian Assessment Services"
        if not (left_ok and right_ok) and len(right) == 1 and right[0] in ONE_WORD_BODIES and len(left) >= 2 \
                and kind_from_head(left) == "organisation":
            left_ok = right_ok = True  # "The Royal College of Nursing and Unison": a body and a union
        if left_ok and right_ok:
            # one cut: the left side may be a name with an "and" of its own ("HM Prison and
            # Probation Service and NHS England")
            return [(start, i), (i + 1 + (doc[i + 1].lower_ == "the"), end)]
    return [(start, end)]


def _first_word_dropped(doc, start: int, end: int) -> bool:
    """Is the capitalised word before ``doc[start:end]`` the first word of the same name
    ("Passenger Focus North", the recogniser having kept "Focus North")? It must be
    joined to the name in the parse (a compound or modifier whose head is inside it),
    with nothing between, and be no article, post, honorific, month or label."""
    from scrutiny.nlp.people import ROLE_WORDS

    prev = doc[start - 1]
    if not (prev.is_alpha and prev.is_title) or prev.whitespace_ != " " or prev.ent_type_:
        return False
    if prev.dep_ not in ("compound", "amod", "nmod") or not (start <= prev.head.i < end):
        return False
    low = prev.lower_
    return not (low in _LEADING or low in ROLE_WORDS or low in ROLE_ONLY or low.rstrip(".") in HONORIFICS
                or low in NOT_STAKEHOLDER_FIRST or low in _DAYS_MONTHS or low in COMPASS
                or prev.text in NATIONS or prev.text in PLACES or low in GENERIC_SINGLE)


def _after_post(doc, start: int, end: int) -> int:
    """Where a body's name starts after a post held in it ("Medical Director of Harrowfield
    NHS Trust", "Chief Executive of the X Alliance"): a post is words of posts and
    portfolios, then "of", "for" or "at"."""
    from scrutiny.nlp.people import ROLE_WORDS

    for k in range(start + 1, min(start + 6, end - 1)):
        if doc[k].lower_ in ("of", "for", "at"):
            words = [t.lower_ for t in doc[start:k]]
            if any(w in ROLE_WORDS or w in ROLE_ONLY for w in words) and all(
                    w in ROLE_WORDS or w in ROLE_ONLY or w in PORTFOLIO_WORDS or w in POST_MODIFIERS for w in words):
                j = k + 1 + (doc[k + 1].lower_ == "the")
                if j < end and (doc[j].is_title or (doc[j].is_upper and doc[j].is_alpha)):
                    return j  # ("Chief Executive of NHS England")
            break
    return start


def _person_after_post(doc, start: int, end: int) -> int | None:
    """Where a person's name starts at the end of a run that opens with their post
    ("Minister for Mental Health Caroline Dunmore", "Chief Executive Officer Ann Lee"): a
    post word, then a given name and one or two capitalised words that head no body. The
    last given name with a surname after it is taken ("Minister for Justice Sarah Kemp")."""
    from scrutiny.nlp.people import ROLE_WORDS, is_given_name

    if end - start < 3 or not any(t.lower_ in ROLE_WORDS for t in doc[start:end - 2]):
        return None
    for m in range(end - 2, start, -1):
        if not is_given_name(doc[m].text):
            continue
        rest = doc[m:end]
        if not 2 <= len(rest) <= 3 or not all(t.is_title and t.is_alpha for t in rest) \
                or doc[m - 1].lower_ in NAME_JOINERS or doc[m - 1].lower_ in ROLE_WORDS and m - 1 == start \
                or kind_from_head([t.text for t in rest]) is not None \
                or not any(t.lower_ in ROLE_WORDS for t in doc[start:m]):
            return None
        return m
    return None


BOARD_SEATS = frozenset("board trustees governors".split())
# The head nouns of a body inside another, named "X Committee of the Y" ("Workforce Committee
# of the Association of Psychological Therapists").
SUB_BODY_HEADS = frozenset("committee sub-committee subcommittee panel board executive group unit team taskforce "
                           "branch secretariat".split())
POST_MODIFIERS = frozenset("medical clinical executive non-executive financial operating nursing acting interim".split())


def _prepositional_tail(doc, end: int) -> int:
    """Grow a name over a prepositional phrase with a capitalised object that the parse
    attaches to it ("Mums for Lungs", "Friends of the Earth")."""
    n = len(doc)
    if end + 1 < n and doc[end].lower_ in ("for", "of", "against") and doc[end].head.i == end - 1:
        j = end + 1
        if j < n and doc[j].lower_ == "the":
            j += 1
        k = j
        while k < n and doc[k].is_title and not doc[k].is_sent_start and not _has_digit(doc[k].text) \
                and doc[k].lower_ not in NOT_STAKEHOLDER_FIRST and doc[k].ent_type_ not in ("DATE", "GPE", "LOC"):
            k += 1
        if k > j and any(doc[m].dep_ == "pobj" and doc[m].head.i == end for m in range(j, k)):
            return k
    return end


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _attributive(span) -> bool:
    """A name used to describe a lower-case thing ("their Severity of Injustice scale",
    "Labour market overview") without a head noun of its own is not a stakeholder there."""
    words = [t.text for t in span]
    if kind_from_head(words) is not None or len(span) < 2 or is_acronym(words[0]) or words[-1] in NATIONS:
        return False
    doc = span.doc
    end = _past_acronym(doc, span.end)
    if end < len(doc) and doc[end].is_lower and doc[end].pos_ == "NOUN" \
            and not (end > span.end and doc[end].lower_ in LOWER_PROGRAMME_HEADS) \
            and not (end == span.end and doc[end].lower_ in BODY_NOUNS_AFTER and span[0].ent_type_ == "ORG"):
        return True  # (but "the Rocketry Research and Training (RRTT) programme" names a programme)
    return False


# Lower-case nouns after a firm's name that say it is a party, not a description ("the
# Greenbridge Energy contract", "Harbour Homes staff").
BODY_NOUNS_AFTER = frozenset("contract contracts contractor staff employees spokesperson spokesman spokeswoman".split())


def _past_acronym(doc, end: int) -> int:
    """The token after a bracketed acronym at ``end`` ("Earth Observation (EO) data"), or ``end``."""
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and is_acronym(doc[end + 1].text):
        return end + 3
    return end


def _acceptable(span, number_word_ok: bool = False, vouched: bool = False) -> bool:
    """Can ``span`` be a stakeholder's name? ``vouched``: the words around it say what it
    is ("the charity Talk It Through", "Steps Forward, a service ..."), so a title-case
    phrase ending in a particle may be one."""
    from scrutiny.nlp.people import ROLE_WORDS

    text = span.text
    if "|" in text:
        return False  # "Project | Organisation": the cells of a table's row, not one name
    if all(t.text in NATIONS or t.lower_ in ("and", "the", "of") or t.text in PLACES for t in span):
        return False  # "England and Wales": places
    if text in NOT_NAME_ACRONYMS or text.rstrip("s") in NOT_NAME_ACRONYMS:
        return False
    if len(text) < 2 or not any(c.isupper() for c in text):
        return False
    if not any(c.isalpha() for c in text):
        return False
    first = span[0].lower_
    if first in NOT_STAKEHOLDER_FIRST:
        return False
    if span[0].text[:1].isdigit() or (span[0].like_num and not (number_word_ok and span[0].is_alpha)):
        return False  # "2016 Act"; but "Change4Life" is a name
    if len(span) == 1 and re.fullmatch(r"[A-Z]{2,}[-/]?\d{4,}", text):
        return False  # "NIHR135092", "ISRCTN48213377": a grant's or a register's number
    if len(span) == 2 and _has_digit(span[1].text) and kind_from_head([span[0].text]) is None:
        return False  # "Item 12", "Phase 2": labels, not names
    words = key(text).split(" ")
    if len(words) == 1 and words[0] in GENERIC_SINGLE:
        return False  # "the Government", "the Committee's": which one is not said
    if len(words) == 1 and (words[0] in ROLE_WORDS or words[0] in ROLE_ONLY):
        return False  # "the Chancellor", "the Minister": a post alone names nobody
    if len(words) >= 2 and words[-1] in GENERIC_SINGLE and all(w in GENERIC_MODIFIERS for w in words[:-1]):
        return False  # "the Advisory Board", "the Steering Group": which one is not said
    if span[-1].is_title and len(span) >= 2 and not vouched and (span[-1].tag_ in ("RP", "IN") or (
            span[-1].lower_ in PARTICLES and len(span) <= 3 and kind_from_head(words) is None)):
        return False  # "Lose Out", "Opting In": a title-case phrase ending in a particle is not a name
    from scrutiny.nlp.people import is_given_name

    if _across_quote_mark(span) or (_inside_quotes(span) and kind_from_head(words) is None
                                     and not is_given_name(span[0].text)):
        return False  # "Lose Out' Government", "Lose" of a title in quotes ('Act Early or Lose Out')
    if _inside_capitalised_run(span):
        return False  # "Sum Offer" cut out of "Fixed Sum Offer": a piece of a longer capitalised phrase
    if words[-1] in ROLE_HEADS and not _body_before_of(words):
        return False  # "Chief Social Scientist": a post, not a body (but "Royal College of General Practitioners")
    if all(w in ROLE_ONLY or w in POST_MODIFIERS for w in words):
        return False  # "Chief Executive", "Director of Finance": posts
    if len(words) >= 3 and (words[0] in ROLE_ONLY or words[0] in ROLE_WORDS) and words[1] in ("of", "for") \
            and all(w in PORTFOLIO_WORDS for w in words[2:]):
        return False  # "Director of Adult Social Services": a post
    if " ".join(words) in GENERIC_BODIES:
        return False  # "the Board of Directors": which board is not said
    if "command of his majesty" in " ".join(words) or "command of her majesty" in " ".join(words):
        return False  # "Presented to Parliament ... by Command of His Majesty": a formula, not a body
    if len(span) == 1 and span[0].is_sent_start and span[0].pos_ in ("NOUN", "ADJ", "ADV", "VERB") \
            and not is_acronym(span.text):
        return False  # "Workload is the main reason ...": a common word opening a sentence
    if span.text == "NHS" and span.end < len(span.doc) and span.doc[span.end].is_lower \
            and (span.doc[span.end].pos_ in ("NOUN", "ADJ", "PROPN") or span.doc[span.end].tag_ == "VBG"):
        return False  # "NHS staff", "NHS mental health services": the health service as a modifier
    if _venue_or_place(span, words):
        return False  # "Tanner Street", "Kelmore Library", "the Ashby and Kelmore estates": places
    if _speaker_tag(span) or (len(words) == 1 and words[0] in DEBATE_FORMS):
        return False  # "Jo Dale (Brackley North) (Lab)", "the hon. Lady", "the House": a debate's forms
    start = span.start
    if start >= 2 and span.doc[start - 1].lower_ in ("of", "for") and span.doc[start - 2].lower_ in ROLE_ONLY \
            and (words[0] in ROLE_ONLY or all(w in ROLE_ONLY or w in PORTFOLIO_WORDS for w in words)):
        return False  # "Finance" in "Director of Finance", "State for Education"; not "director of Aire Valley Water"
    return True


# The last words of a place or a venue's name ("Tanner Street", "Kelmore Library", "Wexcombe Civic
# Centre"), and lower-case nouns a place's name describes ("the Kelmore estate", "the Ashby ward").
VENUE_TAILS = (("street",), ("road",), ("lane",), ("avenue",), ("square",), ("estate",),
               ("civic", "centre"), ("community", "centre"), ("leisure", "centre"), ("town", "hall"),
               ("village", "hall"), ("shopping", "centre"))
PLACE_NOUNS = frozenset("""estate estates ward wards neighbourhood neighbourhoods village villages town towns
area areas district districts borough suburb high community library park parks station""".split())
# Before one word naming a place ("in Halberton"); after "at", only in a list ("at Corby,
# Daventry and Rugby") or after a noun ("the depot at Corby"): one works "at Oxfam".
PLACE_PREPOSITIONS = frozenset("in at near across around outside throughout".split())
# How a debate names its members and the chamber: "the hon. Lady", "my hon. Friend", "the House".
DEBATE_FORMS = frozenset("lady gentleman friend member house chamber".split())


# A post held at a body: "policy manager at Mind", "a researcher at Demos" (not "a rota at Corby").
ROLE_NOUNS_AT = frozenset("""manager director officer researcher fellow lead adviser advisor economist analyst
coordinator worker volunteer trustee chair head nurse psychologist psychiatrist consultant lecturer professor
scientist campaigner organiser spokesperson spokesman spokeswoman executive partner""".split())


def _venue_or_place(span, words: list[str]) -> bool:
    """A venue ("Tanner Street", "Kelmore Library", "Wexcombe Civic Centre"), or one word
    naming the place a lower-case noun is in ("the Kelmore community centre", "the Ashby
    and Kelmore estates"). An acronym ("NHS") or a head noun ("... Trust") is no place."""
    if any(tuple(words[-len(tail):]) == tail for tail in VENUE_TAILS if len(words) > len(tail)):
        return True
    if len(span) != 1 or is_acronym(span.text) or kind_from_head(words) is not None:
        return False
    doc = span.doc
    k = span.start - 1
    while k >= 2 and doc[k].text in (",", "and") and doc[k - 1].is_title and doc[k - 1].pos_ == "PROPN":
        k -= 2  # "at Corby, Daventry and Rugby": the list's first member decides
    if k >= 0 and doc[k].lower_ in PLACE_PREPOSITIONS:
        if k == span.start - 1 and span[0].ent_type_ == "ORG" and doc[k].lower_ != "at":
            return False  # "take part in Copernicus": the recogniser reads a body or a programme
        if doc[k].lower_ != "at" or k < span.start - 1 or (k > 0 and doc[k - 1].pos_ == "NOUN"
                                                           and doc[k - 1].lower_ not in ROLE_NOUNS_AT):
            return True  # "unemployment in Halberton", "held at Corby, Daventry and Rugby", "a rota at Corby"
        # (but "she worked at Oxfam": a body)
    j = span.end
    if j + 1 < len(doc) and doc[j].lower_ == "and" and doc[j + 1].is_title:
        j += 2  # "the Ashby and Kelmore estates"
    return j < len(doc) and doc[j].is_lower and doc[j].lower_ in PLACE_NOUNS


def _speaker_tag(span) -> bool:
    """Brackets after a speaker's name at the start of a line of a debate ("Jo Dale
    (Brackley North) (Lab)", "Ann Lee MP (Liberal Democrat, Tarrow)") hold a
    constituency and a party, not stakeholders; the speech may follow a colon on the same line."""
    doc = span.doc
    k = span.start - 1
    while k >= 0 and doc[k].text not in ("(", ")") and "\n" not in doc[k].text:
        k -= 1
    if k < 0 or doc[k].text != "(":
        return False
    if kind_from_head([t.text for t in span]) == "organisation":
        return False  # "Dr A (Clinical Director, North Kelby Primary Care Network)": a body, no constituency
    close = span.end
    while close < len(doc) and doc[close].text not in ("(", ")", "):") and "\n" not in doc[close].text:
        close += 1
    if close >= len(doc) or doc[close].text not in (")", "):"):
        return False
    if doc[close].text == "):":
        close_colon = True  # "(LD):" read as one token
    else:
        close_colon = False
    while k >= 3 and doc[k - 1].text == ")":  # "(Brackley North) (Lab)": the second bracket
        k = next((m for m in range(k - 2, -1, -1) if doc[m].text == "("), 0)
    line_start = k
    while line_start > 0 and "\n" not in doc[line_start - 1].text_with_ws:
        line_start -= 1
    before = doc[line_start:k]
    after = close + 1
    while after < len(doc) and doc[after].text == "(":  # a second bracket after it
        after = next((m for m in range(after, len(doc)) if doc[m].text == ")"), len(doc) - 1) + 1
    return 2 <= len(before) <= 5 and all(t.is_title or t.text in (".", "-", "MP") for t in before) \
        and all("\n" not in t.text for t in doc[k:close]) \
        and (after >= len(doc) or "\n" in doc[after - 1].text_with_ws or "\n" in doc[after].text
             or doc[after].text == ":" or close_colon)  # "A B (Tarrow East) (LD): I thank ...": the speech on the same line


# Words ending a phrasal verb ("Lose Out", "Sign Up"), whatever the tagger makes of them in title case.
PARTICLES = frozenset("out in up down off on over back away through about forward".split())
_DAYS_MONTHS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                         "june july august september october november december".split())


_QUOTES = frozenset("' \" \u2018 \u2019 \u201c \u201d".split())


def _closing_quote(tok) -> bool:
    """A quote mark closing a quotation ("Out'"), not a plural possessive ("Workers'")."""
    if tok.text not in _QUOTES or tok.i == 0:
        return False
    prev = tok.doc[tok.i - 1]
    return not prev.whitespace_ and not (tok.text in ("'", "\u2019") and prev.text[-1:] in ("s", "S"))


def _across_quote_mark(span) -> bool:
    """Does the span run over a quote mark ("Lose Out' Government", "Report 'Plan Ahead")?"""
    for tok in span:
        if tok.text in ("\u201c", "\u201d", '"', "\u2018"):
            return True
        if tok.text in ("'", "\u2019") and (_closing_quote(tok) or tok.i + 1 < len(tok.doc) and not tok.whitespace_
                                           and (tok.i == 0 or tok.doc[tok.i - 1].whitespace_)):
            return True
    return False


def _inside_quotes(span) -> bool:
    """Is the span inside a quotation on its line ("the report 'Act Early or Lose Out'"):
    a quote mark opens before it and one closes after it?"""
    doc = span.doc
    opened = closed = False
    for i in range(span.start - 1, max(span.start - 13, -1), -1):
        t = doc[i]
        if t.is_space or "\n" in t.whitespace_ or _closing_quote(t):
            break
        if t.text in _QUOTES and (i + 1 < len(doc) and not t.whitespace_):
            opened = True
            break
    if not opened:
        return False
    for j in range(span.end, min(span.end + 12, len(doc))):
        t = doc[j]
        if t.is_space or "\n" in doc[j - 1].whitespace_:
            break
        if _closing_quote(t):
            closed = True
            break
    return closed


def _inside_capitalised_run(span) -> bool:
    """Does the span start inside a longer capitalised phrase that it leaves out ("Sum
    Offer" of "the Fixed Sum Offer")? Not after a post, an honorific, a place, a month
    or the start of a sentence or line ("Councillor Ian Reid", "Health Secretary Jo
    Bloggs", "In March Eastfield Council")."""
    from scrutiny.nlp.people import ROLE_WORDS

    start = span.start
    if start == 0:
        return False
    prev = span.doc[start - 1]
    if not (prev.is_alpha and prev.is_title) or prev.is_sent_start or prev.whitespace_ != " ":
        return False
    low = prev.lower_
    if low in _LEADING or low in ROLE_WORDS or low in ROLE_ONLY or low in HONORIFICS or low.rstrip(".") in HONORIFICS \
            or low in _DAYS_MONTHS or prev.text in NATIONS or prev.text in PLACES or low in COMPASS:
        return False
    if start >= 2 and "\n" in span.doc[start - 2].whitespace_ + span.doc[start - 2].text:
        return False
    return prev.pos_ in ("PROPN", "ADJ", "VERB", "NOUN") and kind_from_head([prev.text]) is None


def _body_before_of(words: list[str]) -> bool:
    """"royal college of general practitioners": a body's head noun before "of" or "for"."""
    for i, w in enumerate(words[1:], 1):
        if w in ("of", "for") and kind_from_head(words[:i]) == "organisation":
            return True
    return False


# Words that only describe a generic body ("Advisory Board", "Independent Panel").
GENERIC_MODIFIERS = frozenset("""
advisory steering expert independent joint national regional local executive scientific technical special select
standing working oversight management leadership delivery implementation reference programme project new interim
main central senior strategic
""".split())
ROLE_ONLY = frozenset("""
chief executive executives director directors deputy assistant head chair chairman chairwoman vice
secretary secretaries state minister ministers officer officers finance operations nursing people
commissioning strategy policy communications governor governors lead clerk treasurer member members
""".split())
MEMBER_BODIES = frozenset("union trust council foundation association society alliance network group coalition "
                          "charity institute partnership forum federation".split())
GENERIC_BODIES = frozenset({
    "board of directors", "council of governors", "board of governors", "board of trustees", "executive team",
    "senior leadership team", "cabinet member", "full council", "leadership team", "governing body",
})


COMPASS = frozenset("north south east west northern southern eastern western central greater rural urban".split())
LOWER_PROGRAMME_HEADS = frozenset("programme program scheme campaign initiative project pilot service fund grant trial "
                                  "helpline".split())
# Lower-case head nouns after a name ("the Harvest Share network") and the kind they give it.
LOWER_HEADS = {**{w: "organisation" for w in "group network partnership coalition alliance consortium charity "
                  "collective".split()},
               **{w: "document" for w in "strategy report review plan bulletin framework toolkit briefing".split()},
               **{w: "programme" for w in "programme scheme campaign initiative project pilot service fund grant "
                  "helpline pathway trial stall hub hubs course courses".split()}}
# Verbs whose subject is a person (the pipeline has no lemmatizer: the forms are listed).
PERSON_VERBS = frozenset("""
say says said tell tells told write writes wrote ask asks asked talk talks talked meet meets met speak speaks spoke
send sends sent draft drafts drafted explain explains explained add adds added join joins joined live lives lived
care cares cared wait waits waited feel feels felt think thinks thought want wants wanted hope hopes hoped
describe describes described recall recalls recalled remember remembers remembered agree agrees agreed argue
argues argued warn warns warned welcome welcomes welcomed visit visits visited leave leaves left reporting
""".split())
# Lower-case nouns that say the name after them is a body's ("the housing charity X").
BODY_NOUNS_BEFORE = frozenset("charity company firm trust organisation network union consultancy".split())
HEADED_DETERMINERS = frozenset("the its our their his her a an".split())
# Lower-case nouns that vouch for the capitalised words after them as a body's name ("the
# charity Open Arms", "the campaign group Waiting Too Long", "the local network Kin").
VOUCHING_BODY_NOUNS = frozenset("charity group coalition network union organisation company firm consultancy "
                                "alliance collective".split())


def _after_body_noun(doc, i: int) -> bool:
    """Does a body noun stand right before ``doc[i]``, after "the" or "a" and at most two
    lower-case words ("the charity X", "the campaign group X", "a small local charity X")?"""
    if i < 2 or doc[i - 1].lower_ not in VOUCHING_BODY_NOUNS or not doc[i - 1].is_lower:
        return False
    for k in range(i - 2, max(-1, i - 5), -1):
        if doc[k].lower_ in ("the", "a", "an"):
            return True
        if not (doc[k].is_lower and doc[k].is_alpha):
            return False
    return False


def _camel(text: str) -> bool:
    """A word with a capital inside it, as brands are written ("MindStep", "CalmPath")."""
    return re.fullmatch(r"[A-Z][a-z]+[A-Z][A-Za-z]*", text) is not None


def _capitalised(tok) -> bool:
    return tok.is_alpha and (tok.is_title or (tok.is_upper and len(tok.text) > 1) or _camel(tok.text))


TITLE_JOINERS = frozenset("the of and for to our a in on by at with from into under without after but &".split())
DOCUMENT_PARTICIPLES = frozenset("written prepared produced authored co-authored drafted compiled published released "
                                 "issued commissioned edited".split())
PROGRAMME_PARTICIPLES = frozenset("run delivered organised organized coordinated launched funded".split())
DOCUMENT_VERBS = frozenset("wrote write writes published publish publishes co-authored authored drafted compiled "
                           "released issued".split())
# Lower-case nouns naming a document before its title ("the survey Hidden Costs").
DOCUMENT_NOUNS_BEFORE_TITLE = frozenset("report review study paper briefing guide book pamphlet toolkit survey "
                                        "evaluation petition manifesto booklet".split())
DOCUMENT_BEFORE = frozenset("report review study paper briefing plan strategy guide guidance book "
                            "pamphlet toolkit".split())


def _joins(doc, j: int, blocked) -> bool:
    """Lower-case words inside a title ("Caring at the Coast"): at most two, then a capital."""
    m = j
    while m < len(doc) and m < j + 2 and doc[m].lower_ in TITLE_JOINERS and not doc[m].is_title:
        m += 1
    return m > j and m < len(doc) and doc[m].is_title and m not in blocked


def _described_kind(doc, j: int) -> str | None:
    """The kind an apposition or a copula right after a name gives it ("X, an independent
    review of ...", "X is an independent commission chaired by ..."), or None."""
    n = len(doc)
    k = j
    if k < n and (doc[k].text == "," or doc[k].lower_ in ("is", "was")):
        k += 1
        if k < n and doc[k].lower_ in ("a", "an"):
            k += 1
            for m in range(k, min(k + 6, n)):
                w = doc[m].lower_
                if not doc[m].is_alpha and doc[m].text != "-":
                    return None
                head = APPOSITION_HEADS.get(w)
                if w == "group" and m > k and doc[m - 1].lower_ == "support":
                    head = "programme"  # "a weekly peer support group": what a body runs, not a body
                if head and (m + 1 >= n or doc[m + 1].lower_ not in APPOSITION_HEADS or doc[m + 1].is_punct):
                    return head
                if (not doc[m].is_lower and doc[m].text != "-") \
                        or w in ("of", "for", "at", "in", "to", "by", "with", "on", "from"):
                    return None
    return None


def _author_before(doc, i: int) -> int:
    """"the report by Mind, Too Long to Wait", "the report from the Royal College of X,
    Training on Empty": where the noun before "by" or "from" stands, when a capitalised
    author (joiners between) and a comma stand before ``doc[i]``; else -1."""
    k = i - 1
    if k < 1 or doc[k].text != ",":
        return -1
    m = k - 1
    while m >= 0 and k - m <= 8 and doc[m].is_alpha and (
            doc[m].is_title or doc[m].is_upper
            or (doc[m].is_lower and doc[m].lower_ in TITLE_JOINERS and doc[m].lower_ not in ("by", "from"))):
        m -= 1
    return m - 1 if m < k - 1 and m >= 1 and doc[m].lower_ in ("by", "from") else -1


# Second words of a body's or a building's name after a word that is also a given name
# ("Trinity House", "Victoria Hall"): no surname.
BUILDING_WORDS = frozenset("house hall court place lodge gardens park square street road way centre center".split())


def _second_half(doc, j: int, blocked) -> int:
    """Where a title with a comma ends when its first half ends at ``j`` ("Open Door,
    Closed Room."): past a second run of two to five capitalised words (joiners between)
    that a full stop, comma, semicolon or bracket ends; else ``j``."""
    n = len(doc)
    if j + 2 >= n or doc[j].text != ",":
        return j
    k = j + 1
    while k < n and k - j <= 6 and k not in blocked and (doc[k].is_title or (
            doc[k].lower_ in TITLE_JOINERS and doc[k].is_lower and k + 1 < n and doc[k + 1].is_title)):
        k += 1
    if k - j - 1 >= 2 and doc[k - 1].is_title and (k >= n or doc[k].text in (".", ",", ";", "(")):
        return k
    return j


def _first_half(doc, i: int, blocked) -> int:
    """Where a title in two halves starts ("Cold Homes, Warm Hearts", "Working Well,
    Living Well"): a run of two or three capitalised words without a head noun just
    before the comma before ``i``, itself after no comma (not a member of a list)."""
    if i < 3 or doc[i - 1].text != "," or doc[i - 1].whitespace_ != " ":
        return i
    h = i - 1
    while h > 0 and i - 1 - h < 3 and doc[h - 1].is_title and doc[h - 1].is_alpha and doc[h - 1].i not in blocked \
            and doc[h - 1].lower_ not in _LEADING:
        h -= 1
    if not 2 <= i - 1 - h <= 3 or kind_from_head([t.text for t in doc[h:i - 1]]) is not None:
        return i
    if h > 0 and (doc[h - 1].text in (",", ";") or doc[h - 1].is_title):
        return i
    if any(t.ent_type_ == "PERSON" for t in doc[h:i - 1]) or doc[h].is_sent_start and i - 1 - h < 2:
        return i
    return h


def _apposition_heads() -> dict[str, str]:
    from scrutiny.nlp.coreference import DOCUMENT_HEADS, ORGANISATION_HEADS, PROGRAMME_HEADS

    out = {w: "organisation" for w in ORGANISATION_HEADS | {"operator", "provider", "charity", "company", "firm",
                                                             "tank", "campaigners", "regulator", "watchdog",
                                                             "contractor", "consultancy", "college", "school",
                                                             "university", "hospital", "cooperative", "co-operative"}}
    out.update({w: "document" for w in DOCUMENT_HEADS | {"book", "pamphlet", "toolkit", "manifesto"}})
    out.update({w: "programme" for w in PROGRAMME_HEADS | {"helpline", "service", "course"}})
    for w in ("white", "green"):
        out.pop(w, None)  # "a white paper": the head is the next word
    out["service"] = "programme"  # "Lumen, a peer-led online therapy service": what a body runs
    return out


APPOSITION_HEADS = _apposition_heads()
# The lines under an official paper's title that say what it is and who presents it
# ("Report by the Comptroller and Auditor General", "Statement made by X, Minister for Y",
# "Government response to the X Committee's report", "Presented to Parliament by ...",
# "Early day motion 412", "Briefing for Members of Parliament ahead of ...").
OFFICIAL_LINE = (r"report by|statement (?:made )?by|(?:the )?government(?:'s|’s)? response to|presented to parliament|"
                 r"ordered by the house|early day motion|briefing for")
BYLINE = re.compile(
    r"^(?:by|written by|published by|report of|a report (?:by|of|from)|an? (?:briefing|report|paper|review|study|guide|"
    r"campaign|project|programme|initiative)"
    r"(?: [a-z]+)? (?:by|from|of)|briefing by|prepared by|edited by|" + OFFICIAL_LINE + r")\s+\S", re.I)
# A byline that says what the line above is ("Report of the ...", "A briefing by ..."):
# the line above is a title even in sentence case.
REPORT_BYLINE = re.compile(r"^(?:report of|a report (?:by|of|from)|an? (?:briefing|report|paper|review|study|guide)"
                           r"(?: [a-z]+)? (?:by|from|of)|briefing by|" + OFFICIAL_LINE + r")\s+\S", re.I)
_FINAL_STOP = re.compile(r"[.!?]$")
# A byline saying that the title above it names a campaign or a programme, not a document.
CAMPAIGN_BYLINE = re.compile(r"^an? (?:[a-z]+ )?(?:campaign|project|programme|initiative) (?:by|from|of)\b", re.I)


SUBTITLE_HEADS = frozenset("report review response study paper plan strategy briefing inquiry evaluation assessment "
                           "analysis guide framework consultation".split())


def _document_subtitle(sub: str) -> bool:
    """Does a subtitle say that what it follows is a document ("A Workforce Plan for ...",
    "Report of the X Inquiry", "Greystone Logistics Workplace Wellbeing Review")?"""
    words = [w.strip(",;") for w in sub.split() if w.strip(",;")]
    if not words or not words[0][:1].isupper() or len(words) > 14 or ";" in sub or _FINAL_STOP.search(sub):
        return False
    content = [w for w in words if len(w) > 3]
    if content and sum(w[:1].isupper() for w in content) / len(content) < 0.5:
        return False  # a sentence after a label ("Members present: ..."), not a subtitle
    return kind_from_head(words) == "document" or kind_from_head(words[1:]) == "document" \
        or any(w[:1].isupper() and w.casefold() in SUBTITLE_HEADS for w in words)


def _sentence_case(line: str) -> bool:
    """Is a line in sentence case: a capital first, then fewer than half of its longer
    words capitalised ("Parents' experiences of perinatal mental health support in X")?"""
    words = line.split()
    content = [w for w in words[1:] if len(w) > 3]
    return bool(words) and words[0][:1].isupper() and (
        not content or sum(w[:1].isupper() for w in content) / len(content) < 0.5)


def _described_subtitle(main: str, sub: str) -> bool:
    """A title in title case of two words or more with a subtitle in sentence case, among
    a passage's first lines ("Home Truths: A review of home care in ...", "Losing
    Streak: Gambling, debt and mental health"): a phrase of three words or more, not a
    sentence, after a title that is no label ("Moved by:", "Submitted by:"), no form's
    heading ("Cabinet Decision Notice:") nor a row of a table ("Post | Salary:")."""
    words = main.split()
    last = words[-1].casefold() if words else ""
    return len(words) >= 2 and last not in ("notice", "form") and last not in TITLE_JOINERS \
        and "|" not in main + sub and len(sub.split()) >= 3 and not _FINAL_STOP.search(sub) \
        and not MEETING_RECORD.match(sub)


# What a body's meeting leaves ("Kirkby Against Closures: notes of the steering meeting").
MEETING_RECORD = re.compile(r"(?i)(?:notes|minutes|agenda|actions|decisions|summary)\b(?! of evidence)")


def _people_line(doc, taken, a: int, b: int) -> bool:
    """Is the line ``a:b`` a byline of people's names alone ("Dame Helen Okafor",
    "Dr Owen Pryce and Sara Lindqvist")?"""
    people = [s for s in taken if s.label_ == "person" and s.start_char >= a and s.end_char <= b]
    if not people:
        return False
    rest = doc.text[a:b]
    for s in sorted(people, key=lambda s: -s.start_char):
        rest = rest[:s.start_char - a] + rest[s.end_char - a:]
    return re.fullmatch(r"[\s,&]*(?:(?:and|with)[\s,&]*)*(?:MP|OBE|CBE|MBE|[\s,&]|and)*", rest) is not None


class ExtractedNames:
    def __init__(self, name, use_ner=True, use_rules=True, ner_confidence=0.75, rule_confidence=0.7):
        self.name = name
        self.use_ner = use_ner
        self.use_rules = use_rules
        self.ner_confidence = ner_confidence
        self.rule_confidence = rule_confidence

    def __call__(self, doc):
        existing = stakeholder_spans(doc)
        found = []
        if self.use_ner:
            found.extend(self._from_ner(doc))
        if self.use_rules:
            found.extend(self._from_rules(doc))
            found.extend(self._from_syntax(doc, existing + [c[0] for c in found]))
            found.extend(self._described_runs(doc, existing + [c[0] for c in found]))
            found.extend(self._headed_runs(doc, existing + [c[0] for c in found]))
            found.extend(self._given_names_alone(doc, existing + [c[0] for c in found]))
            found.extend(self._bracketed_bodies(doc, existing + [c[0] for c in found]))
            found.extend(self._the_nhs(doc, existing + [c[0] for c in found]))
            found.extend(unmarked_names(doc, existing + [c[0] for c in found]))
            titles = self._title_runs(doc, existing + [c[0] for c in found]) + reference_titles(doc) \
                + self._table_cells(doc) + self._funded_in_brackets(doc)
            # a title the words around it vouch for wins over the recogniser's reading of the
            # same words ("Home Truths was written by ...": a document, not an ORG)
            strong = {(c[0].start, c[0].end) for c in titles if c[2] >= 0.65}
            found = [c for c in found if (c[0].start, c[0].end) not in strong] + titles
            authors = self._author_lines(doc)
            if authors:
                # an author line is read by its punctuation: it replaces what the recogniser made of it
                ranges = [(a, b) for a, b, _ in authors]
                found = [c for c in found if not any(c[0].start_char < b and c[0].end_char > a for a, b in ranges)]
                found.extend(c for _, _, cands in authors for c in cands)
            bylines, subtitles = self._titles(doc, existing + [c[0] for c in found],
                                              {a for a, _, _ in authors})
            under = {(c[0].start, c[0].end) for c in bylines}
            found = [c for c in found if (c[0].start, c[0].end) not in under
                     and not any(c[0].start < e and c[0].end > st for st, e in under)
                     and not (c[0].label_ != "person"
                              and any(c[0].start_char >= a and c[0].end_char <= b for a, b in subtitles))] + bylines
        # Candidates are plain Spans; source and confidence are set on the kept ones only
        # (span extensions are stored by offsets, so a dropped twin would overwrite them).
        found = [c for part in found for c in self._split_inside(doc, part)]
        kept = [s for s in filter_spans([c[0] for c in found]) if not overlaps(s, existing)]
        meta = {(c[0].start, c[0].end): c for c in found}
        spans = []
        for s in kept:
            kind = s.label_
            nxt = doc[s.end] if s.end < len(doc) else None
            if nxt is not None and nxt.lower_ in LOWER_PROGRAMME_HEADS and kind in ("organisation", "document"):
                kind = "programme"  # "the Later Life Support programme", "the Home First service"
            if kind == "person" and s.start > 0 and doc[s.start - 1].lower_ in BODY_NOUNS_BEFORE:
                kind = "organisation"  # "the local disability charity Access Halberton"
            if kind == "organisation" and len(s) <= 4 and s[0].lower_.rstrip(".") in HONORIFICS \
                    and all(t.is_title for t in s) and kind_from_head([t.text for t in s]) is None:
                kind = "person"  # "Councillor Mark Doherty", "Dr Adeyemi": the recogniser's ORG, an honorific's person
            if kind == "organisation" and len(s) in (2, 3) and nxt is not None \
                    and (nxt.text == "MP" or post_follows(doc, s.end)) \
                    and all(t.is_title for t in s) and kind_from_head([t.text for t in s]) is None:
                from scrutiny.nlp.people import is_given_name

                if is_given_name(s[0].text):
                    kind = "person"  # "Bryn Aldous MP": a member of parliament, whatever the recogniser said
            described = _described_kind(doc, s.end) if kind != "person" else None
            if described:
                kind = described  # "The Health Workforce Inquiry is an independent commission ..."
            start, end = _balanced(doc, s.start, s.end)
            if end > start:
                spans.append(make_span(doc, start, end, kind, meta[(s.start, s.end)][1], meta[(s.start, s.end)][2]))
        # a town or a constituency the recogniser or the rules read as a body ("across Tamesford",
        # "the hon. Member for Ashby North", "Lanhurst" beside "Lanhurst College")
        spans = [s for s in spans if not is_place(s, existing + spans)]
        if spans:
            set_stakeholder_spans(doc, existing + spans)
        return doc

    def _split_inside(self, doc, cand):
        """"Institute of Psychiatry at Carlow University", "Eastmoor Council's Planning
        Committee": two names when both sides are names in their own right; "Carer's
        Allowance" stays one."""
        span, source, conf = cand
        if span.label_ == "person" or len(span) < 3:
            return [cand]
        low = [t.lower_ for t in span]
        if low[:3] in (["house", "of", "commons"], ["house", "of", "lords"]) and len(span) >= 5 \
                and kind_from_head([t.text for t in span[3:]]) == "organisation" and span[3].is_title:
            # "House of Commons Health and Social Care Committee": the House, and its committee
            return [(Span(doc, span.start, span.start + 3, label="organisation"), source, conf),
                    (Span(doc, span.start + 3, span.end, label="organisation"), source, conf)]
        from scrutiny.nlp.people import is_given_name

        of = next((k for k in range(span.start + 2, min(span.start + 4, span.end - 1)) if doc[k].lower_ == "of"), None)
        if of is not None and is_given_name(doc[span.start].text) and all(t.is_title for t in doc[span.start:of]) \
                and kind_from_head([t.text for t in doc[span.start:of]]) is None \
                and kind_from_head([t.text for t in doc[of + 1:span.end] if t.lower_ != "the"]) == "organisation":
            # "Ruth Adeyemi of Harbourne Carers Forum": a person and the body they are from
            return [(Span(doc, span.start, of, label="person"), source, conf),
                    (Span(doc, of + 1 + (doc[of + 1].lower_ == "the"), span.end, label="organisation"), source, conf)]
        for i in range(span.start + 2, span.end - 1):
            # "Workforce Committee of the Association of X", "Health Service Group Executive of
            # Unison": a committee, panel or board of a body, and the body
            if doc[i].lower_ != "of" or doc[i - 1].lower_ not in SUB_BODY_HEADS:
                continue
            left = [t.text for t in doc[span.start:i]]
            right = [t.text for t in doc[i + 1:span.end] if t.lower_ != "the"]
            if len(left) >= 2 and right and (kind_from_head(right) == "organisation"
                                             or (len(right) == 1 and (right[0] in ONE_WORD_BODIES or is_acronym(right[0])))):
                return [(Span(doc, span.start, i, label="organisation"), source, conf),
                        (Span(doc, i + 1 + (doc[i + 1].lower_ == "the"), span.end, label="organisation"), source, conf)]
            break
        for i in range(span.start + 1, span.end - 1):
            tok = doc[i]
            if tok.lower_ not in ("at", "'s", "’s", "within"):
                continue
            left = [t.text for t in doc[span.start:i]]
            right = [t.text for t in doc[i + 1:span.end] if t.lower_ != "the"]
            lk, rk = kind_from_head(left), kind_from_head(right)
            if lk and rk and len(right) >= 2:
                return [(Span(doc, span.start, i, label=lk), source, conf),
                        (Span(doc, i + 1 + (doc[i + 1].lower_ == "the"), span.end, label=rk), source, conf)]
        return [cand]

    def _author_lines(self, doc):
        """The author lines under a title among a passage's first lines ("Ann Lee (University
        of X), Bo Chen (Y Institute)"): (start, end, candidates) of each."""
        from scrutiny.nlp.author_lines import author_line

        text = doc.text
        if "\n" not in text:
            return []
        out = []
        pos = 0
        for n, raw in enumerate(text.split("\n")[:4]):
            a, b = pos, pos + len(raw)
            pos = b + 1
            pieces = author_line(text, a, b) if n else None
            if not pieces:
                continue
            cands = []
            for p in pieces:
                span = doc.char_span(p.start, p.end, alignment_mode="contract")
                if span is not None and len(span):
                    cands.append((Span(doc, span.start, span.end, label=p.kind), "rule", 0.75))
            out.append((a, b, cands))
        return out

    def _titles(self, doc, taken, author_starts=frozenset()):
        """A title line: above a byline ("By ...", "A briefing by ...", "Report of the ...",
        "Published by ...", or a line holding only people's names), or a title with a
        subtitle that says it is a document ("Holding On: Report of the X Inquiry",
        "Stronger Minds: A Workforce Plan for ..."). The title before any colon names the
        document. Returns the candidates and the character ranges of the subtitles, whose
        words describe the title and name nobody of their own."""
        from scrutiny.nlp.lines import line_of

        out, subtitles = [], []
        under_title = set()
        text = doc.text
        lines = []
        pos = 0
        for raw in text.split("\n"):
            lines.append((pos, pos + len(raw), raw))
            pos += len(raw) + 1
        for n, (a, b, raw) in enumerate(lines):
            title = raw.strip()
            nxt = lines[n + 1] if n + 1 < len(lines) else None
            below = nxt[2].strip() if nxt else ""
            if not title or _FINAL_STOP.search(title) or BYLINE.match(title) \
                    or title.split()[0].rstrip(".").casefold() in HONORIFICS:
                continue  # ("Dr Ann Lee and Ben Osei" over "Published by ...": the authors, no title)
            authors = nxt is not None and nxt[0] in author_starts
            # a title, a subtitle in sentence case, then its byline ("Nobody Asked How I Was" /
            # "Parents' experiences of ..." / "A report by ..."): the byline vouches for the title
            below2 = lines[n + 2][2].strip() if n + 2 < len(lines) else ""
            if n <= 1 and BYLINE.match(below2) and not BYLINE.match(below) and not _FINAL_STOP.search(below) \
                    and 3 <= len(below.split()) <= 16 and "|" not in below and not MEETING_RECORD.match(below) \
                    and _sentence_case(below) and kind_from_head(title.split()) in (None, "document"):
                below = below2
                under_title.add(n + 1)
            if n in under_title:
                continue  # the subtitle of the title above
            main, colon, sub = title.partition(":")
            if not colon and (authors or BYLINE.match(below)) and "? " in title:
                main, sub = title[:title.index("? ") + 1], title[title.index("? ") + 2:]
                colon = "?"  # "Does X harm Y? Evidence from ...": a question and its subtitle
            main, sub = main.strip(), sub.strip()
            words = main.split()
            if not (1 <= len(words) <= 12) or not main[:1].isupper():
                continue
            byline = bool(BYLINE.match(below))
            people = nxt is not None and (_people_line(doc, taken, nxt[0], nxt[1]) or authors)
            title_case = all(w[:1].isupper() for w in words if len(w) > 3)
            subtitled = bool(colon and sub and n <= 2 and title_case and _document_subtitle(sub))
            if not subtitled and colon and sub and n <= 2 and title_case and _described_subtitle(main, sub):
                # a subtitle that does not say what the title is: only words nobody named yet
                at = a + raw.index(main)
                subtitled = not any(t.start_char >= at and t.end_char <= at + len(main) and t.label_ != "document"
                                    for t in taken)  # ("Leeds Against Cuts: notes of the meeting": a body)
            if not (byline or people or subtitled):
                continue
            if words[0].casefold() in NOT_STAKEHOLDER_FIRST or any(_has_digit(w) for w in words) \
                    or (not (byline or people) and kind_from_head(words) not in (None, "document")):
                continue  # "Chapter 2: ...", "Item 8: ...", "Eastmoor Council: Cabinet Report"
            content = [w for w in words if len(w) > 3]
            if content and sum(w[:1].isupper() for w in content) / len(content) < 0.5 \
                    and not REPORT_BYLINE.match(below) and not authors:
                continue  # a headline in sentence case, not a title (unless "Report of the ..." is under it)
            start_char = a + raw.index(main)
            span = doc.char_span(start_char, start_char + len(main), alignment_mode="contract")
            if span is None or not line_of(text, a, b) or overlaps(span, [t for t in taken if t.label_ == "document"]):
                continue
            kind = "programme" if byline and CAMPAIGN_BYLINE.match(below) else "document"
            out.append((Span(doc, span.start, span.end, label=kind), "rule", 0.75))
            if "," in main:
                # "Warm Rooms, Safe Streets": a title with a comma, named again in the passage's text
                for m in re.finditer(re.escape(main), text[b:]):
                    again = doc.char_span(b + m.start(), b + m.end(), alignment_mode="contract")
                    if again is not None and len(again):
                        out.append((Span(doc, again.start, again.end, label=kind), "rule", 0.75))
            if colon and sub:
                sub_start = a + raw.index(sub, raw.index(colon))
                subtitles.append((sub_start, sub_start + len(sub)))
        return out, subtitles

    def _from_ner(self, doc):
        from scrutiny.nlp.people import person_evidence

        surnames = self._surnames(doc)
        out = []
        for ent in doc.ents:
            start, end = ent.start, ent.end
            if end > start and doc[end - 1].is_space:
                # "By A, Health Correspondent, Northgate Echo\n": a name ending its line (the line
                # break is no part of it); a whole line read as one ORG is a heading, left to the
                # rules that read headings and titles
                words = ent.text.split()
                if not doc.text[doc.text.rfind("\n", 0, ent.start_char) + 1:ent.start_char].strip() \
                        and not (ent.label_ == "PERSON" and 2 <= len(words) <= 3 and self._given(words[0])
                                 and all(w[:1].isupper() for w in words)):
                    continue  # (but a person's name alone on its line, as a letter is signed, is the person)
                while end > start and doc[end - 1].is_space:
                    end -= 1
            # Line breaks and runs of spaces end a name: keep what follows the last one.
            for i in range(end - 1, start - 1, -1):
                if doc[i].is_space:
                    start = i + 1
                    break
            if ent.label_ != "PERSON":
                while start > 0 and _first_word_dropped(doc, start, end):
                    start -= 1  # "Passenger Focus North": the recogniser left out the name's first word
            # "Mind's Paul Farmer": the possessor and the person are two names.
            if ent.label_ == "PERSON":
                for i in range(start + 1, end - 1):
                    if doc[i].lower_ in ("'s", "’s"):
                        head = doc[start:i]
                        if head.text[:1].isupper():
                            out.append((Span(doc, start, i, label=kind_from_head([head[-1].text]) or "organisation"),
                                        "model", self.ner_confidence - 0.1))
                        start = i + 1
                        break
            start, end = _trim(doc, start, end)
            if start >= end:
                continue
            if ent.label_ != "PERSON":
                start = _after_post(doc, start, end)  # "Medical Director of X Trust": the body is X Trust
                verb = max((k for k in range(start, end - 1) if doc[k].is_lower and doc[k].pos_ == "VERB"),
                           default=None)
                if verb is not None:
                    start = verb + 1  # "Government welcomes the Work and Pensions Committee": the last name
                of = next((k for k in range(start + 2, min(start + 4, end - 1)) if doc[k].lower_ == "of"), None)
                if ent.label_ == "ORG" and of is not None and self._given(doc[start].text) \
                        and all(t.is_title for t in doc[start:of]) and kind_from_head([t.text for t in doc[start:of]]) is None:
                    # "Paul Ingram of Coastline Refugee Action": a person and the body they are from
                    out.append((Span(doc, start, of, label="person"), "model", self.ner_confidence))
                    start = of + 1
            lower_head = None
            if end - start >= 2 and doc[end - 1].is_lower and doc[end - 1].lower_ in LOWER_PROGRAMME_HEADS:
                lower_head, end = "programme", end - 1  # "the Night Line helpline": the name is before the noun
            if ent.label_ != "PERSON":
                end = _extend(doc, end, start)
            if ent.label_ == "ORG":
                # "Mind, Citizens Advice Wexley": a list the recogniser read as one name (but not
                # "Ministry of Housing, Communities and Local Government", a list of portfolios, nor
                # "Data, Analytics and Situational Awareness Hub", words listed before one head)
                commas = [k for k in range(start + 1, end - 1) if doc[k].text == "," and doc[k + 1].is_title]
                if commas and (any(doc[k].lower_ in ("department", "ministry") for k in range(start, commas[0]))
                               or any(doc[k].lower_ in ("and", "&") for k in range(commas[-1], end))) \
                        and doc[commas[-1] + 1].lower_ not in ("department", "ministry"):
                    commas = []  # (but "Minister for Employment, Department for Work and Pensions": a post, a body)
                if commas:
                    for seg_start, seg_end in zip([start] + [k + 1 for k in commas], commas):
                        seg_start, seg_end = _trim(doc, seg_start, seg_end)
                        if seg_end > seg_start and _acceptable(doc[seg_start:seg_end]):
                            seg = doc[seg_start:seg_end]
                            out.append((Span(doc, seg_start, seg_end,
                                             label=kind_from_head([t.text for t in seg]) or "organisation"),
                                        "model", self.ner_confidence))
                    start = commas[-1] + 1
            for seg_start, seg_end in _split_on_and(doc, start, end)[:-1]:
                seg = doc[seg_start:seg_end]
                seg_kind = kind_from_head([t.text for t in seg]) or NER_KINDS.get(ent.label_) or "organisation"
                if _acceptable(seg):
                    out.append((Span(doc, seg_start, seg_end, label=seg_kind), "model", self.ner_confidence))
                start = _split_on_and(doc, start, end)[-1][0]
            start, end = _trim(doc, start, end)
            if start >= end:
                continue
            span = doc[start:end]
            words = [t.text for t in span]
            head_kind = kind_from_head(words)
            kind = NER_KINDS.get(ent.label_)
            if kind is None:
                if ent.label_ in NER_IF_HEADWORD and head_kind:
                    kind = head_kind
                else:
                    continue
            if lower_head:
                kind = lower_head
            elif head_kind and not (kind == "person" and head_kind in ("programme", "document") and len(words) in (2, 3)
                                    and self._given(words[0])):
                kind = head_kind  # the head noun says: "Mental Health Foundation" is not a person (but "Fiona Grant" is)
            cut = next((k for k in range(start + 1, end - 1) if doc[k].lower_ in ("'s", "’s")), None)
            if kind != "person" and cut is not None and _attributive(doc[cut + 1:end]):
                # "the PHSO's Severity of Injustice scale": the body is a name, what it owns
                # (a scale, a method) is not
                h_start, h_end = _trim(doc, start, cut)
                if h_end > h_start and _acceptable(doc[h_start:h_end]):
                    out.append((Span(doc, h_start, h_end, label=kind_from_head([t.text for t in doc[h_start:h_end]])
                                     or "organisation"), "model", self.ner_confidence))
                continue
            if not _acceptable(span) or (kind != "person" and _attributive(span)):
                continue
            if kind == "person" and len(span) == 1 and is_acronym(span.text):
                kind = "organisation"  # "DfT", "BASW": acronyms name bodies, not people
            if kind == "organisation" and ent.label_ == "ORG" and len(span) == 2 and not head_kind \
                    and self._given(words[0]) and span[1].is_title and span[1].is_alpha \
                    and words[1] not in PLACES and words[1] not in NATIONS and not is_place(span, []) \
                    and (start == 0 or doc[start - 1].lower_ not in ("the", "a", "an")) \
                    and words[1].casefold() not in BUILDING_WORDS:
                kind = "person"  # "Grace Obi (Employment Service Manager, ...)": a given name and a surname
            conf = self.ner_confidence
            if kind == "person":
                evidence = person_evidence(span, surnames)
                if evidence == 0.0:
                    # No given name, honorific or personal context: a company, an
                    # operator, a network ("Capita", "Carrick Buses"), or no name at all.
                    kind, conf = "organisation", conf - 0.25
                elif evidence <= 0.5 and len(span) == 1:
                    continue  # a given name alone, nothing else saying it is a person ("Galileo")
                elif evidence < 0.7:
                    conf -= 0.15
            if ent.label_ in ("GPE", "NORP", "FAC") and kind == "organisation" and not head_kind:
                conf -= 0.2
            out.append((Span(doc, start, end, label=kind), "model", conf))
        return out

    @staticmethod
    def _given(word: str) -> bool:
        from scrutiny.nlp.people import is_given_name

        return is_given_name(word)

    @staticmethod
    def _surnames(doc) -> set[str]:
        """Surnames of people named in full with a given name or an honorific."""
        from scrutiny.nlp.people import has_honorific, is_given_name

        out = set()
        for ent in doc.ents:
            words = [t.text for t in ent if not t.is_punct]
            if len(words) >= 2 and (has_honorific(words) or is_given_name(words[0])):
                out.add(words[-1])
        for i, tok in enumerate(doc[:-1]):
            if tok.lower_.rstrip(".") in HONORIFICS and doc[i + 1].is_title:
                out.add(doc[i + 1].text)
        return out

    def _title_runs(self, doc, taken):
        """A run of capitalised words with no head noun, named where a document or a
        campaign stands: the object of "published", "launched", "wrote" (a document),
        the subject of "was written by", "is run by", "was launched" (a document, a
        programme), or a name its apposition describes ("Caring at the Coast, an
        independent review", "End Hunger Now is a coalition of ...")."""
        out = []
        if not doc.has_annotation("DEP"):
            return out
        # A run may swallow what the recogniser made of part of a title ("the Waiting
        # List" in "Beyond the Waiting List"), never a person or a curated name.
        blocked = {t.i for s in taken for t in s if (s.label_ == "person" and len(s) > 1) or s._.source == "curated"}
        covered = {t.i for s in taken for t in s}
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if not tok.is_title or tok.i in blocked or tok.lower_ in _LEADING or tok.lower_ in NOT_STAKEHOLDER_FIRST:
                i += 1
                continue
            j = i + 1
            while j < n and doc[j].i not in blocked and not doc[j].is_space and (
                    (doc[j].is_title and doc[j].lower_ not in NOT_STAKEHOLDER_FIRST)
                    or _joins(doc, j, blocked)
                    or (doc[j].lower_ in ("by", "to", "in") and j + 1 < n and doc[j + 1].is_digit
                        and len(doc[j + 1].text) == 4 and doc[j - 1].is_title)
                    or (doc[j].is_digit and len(doc[j].text) == 4 and doc[j - 1].lower_ in ("by", "to", "in")
                        and j - 1 > i)):
                j += 1
            if j - i >= 2 and kind_from_head([t.text for t in doc[i:j]]) is None:
                span = doc[i:j]
                kind, strong = self._title_kind(doc, i, j)
                inside_taken = [s for s in taken if s.start >= i and s.end <= j]
                if kind and inside_taken and not strong:
                    kind = None  # a name already found, and nothing says this run is a title
                if kind and any(s.start == i and s.end == j and (s.label_ == kind or not strong or s.label_ == "person")
                                for s in inside_taken):
                    kind = None
                if kind and any(t.i in covered for t in span) and not inside_taken:
                    kind = None  # overlaps a name at its edge
                if kind and _acceptable(span) and (strong or not tok.is_sent_start or j - i >= 3):
                    if strong and kind == "document":
                        j = _second_half(doc, j, blocked)  # "our report Open Door, Closed Room."
                    if strong and kind in ("document", "programme") and _author_before(doc, i) < 0:
                        i = _first_half(doc, i, blocked)  # "Cold Homes, Warm Hearts, an independent evaluation"
                    out.append((Span(doc, i, j, label=kind), "rule", 0.65 if strong else 0.6))
            i = j
        return out

    @staticmethod
    def _title_kind(doc, i, j):
        """(kind, strong?) the words around the run ``doc[i:j]`` give it, or (None, False)."""
        n = len(doc)
        # An apposition or a copula naming what it is: ", an independent review", "is a coalition of"
        k = j
        if k < n and (doc[k].text == "," or doc[k].lower_ in ("is", "was")):
            k += 1
            if k < n and doc[k].lower_ in ("a", "an", "the", "its", "their", "our", "this"):
                k += 1
                for m in range(k, min(k + 4, n)):
                    w = doc[m].lower_
                    if not doc[m].is_alpha and doc[m].text != "-":
                        break
                    head = APPOSITION_HEADS.get(w)
                    if head and (m + 1 >= n or doc[m + 1].lower_ not in APPOSITION_HEADS or doc[m + 1].is_punct):
                        return head, True
                    if not doc[m].is_lower or w in ("of", "for", "at", "in", "to", "by", "with", "on", "from"):
                        break
        # A passive whose agent makes documents: "X was written by", "X, published by ..."
        k = j
        if k < n and doc[k].text == ",":
            k += 1
        if k < n and doc[k].lower_ in ("was", "were", "is", "has", "had"):
            k += 1
            if k < n and doc[k].lower_ == "been":
                k += 1
        if k + 1 < n and doc[k].lower_ in DOCUMENT_PARTICIPLES and (doc[k + 1].lower_ == "by" or (
                doc[k + 1].lower_ in ("with", "for") and doc[k].lower_ != "commissioned")):
            return "document", True  # "was written by", "was produced with funding from", "was prepared for"
        # "Save Our Buses is run by the ...": a campaign or a scheme
        k = j
        if k + 2 < n and doc[k].lower_ in ("is", "was", "are", "will") and doc[k + 1].lower_ == "be":
            k += 1
        if k + 2 < n and doc[k].lower_ in ("is", "was", "be", "are") and doc[k + 1].lower_ in PROGRAMME_PARTICIPLES \
                and doc[k + 2].lower_ == "by" and k + 3 < n and (doc[k + 3].is_title or doc[k + 3].lower_ == "the"):
            return "programme", True
        # The object of a verb that makes documents: "wrote Beyond the Waiting List"
        k = i - 1
        if k >= 0 and doc[k].lower_ in ("the", "a", "an", "new", "its", "their", "our"):
            k -= 1
        if k >= 0 and doc[k].lower_ in DOCUMENT_VERBS:
            return "document", True
        # "its report, Clean Rivers by 2040", "a national retention programme, Stay and Thrive,":
        # a document's or a programme's head noun just before, the run in apposition to it
        if i >= 2 and doc[i - 1].text == "," and (doc[i - 2].lower_ in DOCUMENT_BEFORE or (
                APPOSITION_HEADS.get(doc[i - 2].lower_) in ("document", "programme") and doc[i - 2].is_lower
                and doc[i - 2].pos_ == "NOUN")):
            return ("document" if doc[i - 2].lower_ in DOCUMENT_BEFORE else APPOSITION_HEADS[doc[i - 2].lower_]), True
        # "our 2023 report Open Door", "the survey Hidden Costs": a document's head noun and its
        # determiner (a year between them) just before; "the report by Mind, Too Long to Wait":
        # the same with its author between
        k = i - 1
        if k >= 0 and doc[k].text == ",":
            k = _author_before(doc, i)
        if k >= 1 and doc[k].is_lower and doc[k].lower_ in DOCUMENT_NOUNS_BEFORE_TITLE:
            m = k - 1
            if m >= 1 and doc[m].is_digit and len(doc[m].text) == 4:
                m -= 1  # "our 2023 report"
            elif m >= 1 and doc[m].is_lower and doc[m].pos_ == "ADJ":
                m -= 1  # "the full report", "a joint briefing"
            if doc[m].lower_ in ("the", "a", "an", "its", "their", "our", "his", "her", "this", "new", "latest"):
                return "document", True
        # The syntax: the object of "published", "launched"; the subject of "is run by"
        span = doc[i:j]
        kind = None
        heads = {t.head for t in span if t.head.i < i or t.head.i >= j}
        for h in heads:
            lemma = h.lemma_.lower()
            if h.pos_ == "VERB" and lemma in ("publish", "launch", "write", "produce", "release", "issue"):
                kind = "document" if any(t.dep_ == "dobj" for t in span) else "programme" if lemma == "launch" else None
            if h.pos_ in ("VERB", "AUX") and any(t.dep_ in ("nsubjpass", "nsubj") for t in span) \
                    and lemma in ("run", "deliver", "fund", "launch", "lead", "organise", "back", "support"):
                kind = kind or "programme"
        return kind, False

    def _from_syntax(self, doc, taken):
        """Capitalised words the recogniser missed that stand where a body acts or is
        acted on ("Shelter welcomed ...", "Defra will fund ...", "... and Ofwat"):
        a proper noun as subject or object of a verb, or joined by "and" to a name."""
        from scrutiny.nlp.people import ROLE_WORDS, context_says_person, is_given_name

        out = []
        if not doc.has_annotation("DEP"):
            return out
        spans_by_token = {}
        for s in taken:
            for t in s:
                spans_by_token[t.i] = s
        for tok in doc:
            if tok.i in spans_by_token or tok.pos_ != "PROPN" or not (tok.is_title or tok.is_upper):
                continue
            if tok.dep_ == "compound" and tok.head.pos_ == "PROPN":
                continue  # the head of the chain decides
            if tok.lower_ in NOT_STAKEHOLDER_FIRST or tok.lower_ in GENERIC_SINGLE or tok.lower_ in _LEADING \
                    or tok.lower_ in ROLE_WORDS or tok.lower_ in ROLE_ONLY:
                continue  # "the Director of Finance": a post
            head = tok.head
            ok = False
            if tok.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
                ok = True
            elif tok.dep_ == "dobj" and head.pos_ == "VERB":
                ok = True
            elif tok.dep_ == "pobj" and head.lower_ in ("by", "from", "with", "for", "to", "of"):
                ok = head.lower_ in ("by", "from") or tok.is_upper
            elif tok.dep_ == "conj" and head.i in spans_by_token:
                ok = True
            elif tok.dep_ == "poss" and head.lower_ in ROLE_WORDS and tok.i + 1 < len(doc) \
                    and doc[tok.i + 1].lower_ in ("'s", "’s"):
                ok = True  # "Brightside's regional manager"
            if not ok:
                continue
            start = tok.i
            while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN" \
                    and doc[start - 1].head.i == tok.i and doc[start - 1].i not in spans_by_token:
                start -= 1
            end = tok.i + 1
            if tok.dep_ == "conj" and not (head.i in spans_by_token and spans_by_token[head.i].start > 0
                                           and doc[spans_by_token[head.i].start - 1].lower_ in ("on", "about", "into")):
                # "Calderford Homes and Pennine Vale Housing": the parser may hang the name's
                # later words elsewhere; the capitalised run after the joined word is its name
                while end < len(doc) and end not in spans_by_token and doc[end].is_title and doc[end].is_alpha \
                        and not doc[end].is_sent_start and doc[end].lower_ not in ROLE_WORDS \
                        and doc[end].lower_ not in ROLE_ONLY and doc[end].lower_ not in NOT_STAKEHOLDER_FIRST \
                        and not is_given_name(doc[end].text):
                    end += 1
            end = _prepositional_tail(doc, end)
            if end > tok.i + 1 and (is_given_name(doc[start].text)
                                    or (start > 0 and doc[start - 1].lower_.rstrip(".") in HONORIFICS)):
                end = tok.i + 1  # "Ada Lyle of Tarnby University": a person and where they work, not one name
            if any(k in spans_by_token for k in range(tok.i + 1, end)):
                end = tok.i + 1
            while start > 0 and start - 1 not in spans_by_token and _first_word_dropped(doc, start, end):
                start -= 1  # "Fair Pay for Care" opening a sentence
            if start > 0 and doc[start - 1].lower_ in ("in", "at", "near", "across", "around", "outside"):
                continue  # a place
            if tok.is_sent_start and start == tok.i and tok.text.endswith("s") and not tok.is_upper:
                continue  # "Referrals rose ...": a plural noun starting the sentence
            if tok.dep_ == "compound" or (tok.i + 1 < len(doc) and doc[tok.i + 1].is_lower
                                          and doc[tok.i + 1].pos_ == "NOUN" and doc[tok.i + 1].dep_ != "dobj") \
                    or (end > tok.i + 1 and end < len(doc) and doc[end].is_lower and doc[end].pos_ == "NOUN"):
                continue  # "Storm overflows", "Levy funds", "Severity of Harm scale": words describing the next
            span = doc[start:end]
            if any(t.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "LOC") for t in span):
                continue
            if not _acceptable(span):
                continue
            if len(span) == 1 and is_given_name(span[0].text) and not context_says_person(span):
                continue  # a given name alone, nothing saying it is a person's ("Galileo will provide ...")
            if is_given_name(span[0].text) and (len(span) == 1 or len(span) == 2):
                kind, conf = "person", 0.55
            else:
                kind, conf = "organisation", 0.55
            out.append((Span(doc, start, end, label=kind), "rule", conf))
        return out

    def _described_runs(self, doc, taken):
        """Capitalised words the text itself says are a name: a run followed by an
        apposition whose head noun says what it is ("Second Wind, a peer-led programme
        for ...", "Pathfinder, a weekly course"), or after "the charity" ("the charity
        Open Arms", "The charity, Open Arms,"). The kind is the apposition's."""
        out = []
        taken_tokens = {t.i for s in taken for t in s}
        n = len(doc)
        for i, tok in enumerate(doc):
            if i in taken_tokens or not (tok.text[:1].isupper() and tok.is_alpha and not tok.is_upper) \
                    or (i > 0 and doc[i - 1].is_title
                                                                          and doc[i - 1].i not in taken_tokens
                                                                          and not doc[i - 1].is_sent_start):
                continue
            # the run: capitalised words, joiners and possessives between them (at most six tokens)
            j, last = i + 1, i
            while j < n and j - i < 7 and j not in taken_tokens:
                t = doc[j]
                if (t.is_title or t.is_upper) and t.is_alpha:
                    last = j
                elif not ((t.lower_ in TITLE_JOINERS or t.lower_ in ("'s", "’s", "'", "’")) and j + 1 < n
                          and (doc[j + 1].is_title or t.lower_ in ("'", "’", "'s", "’s"))):
                    break
                j += 1
            end = last + 1
            if any(k in taken_tokens for k in range(i, end)):
                continue
            after_charity = _after_body_noun(doc, i) or (
                i >= 3 and doc[i - 1].text == "," and doc[i - 2].lower_ == "charity"
                and doc[i - 3].lower_ == "the")
            kind = "organisation" if after_charity else _described_kind(doc, end) if end < n and doc[end].text == "," \
                else None
            if kind is None or (kind == "document" and not after_charity):
                continue
            if tok.is_sent_start and end - i == 1 and tok.pos_ != "PROPN":
                continue  # "Today, a ...": a common word opening the sentence
            if tok.lower_ in _LEADING or tok.lower_ in NOT_STAKEHOLDER_FIRST or tok.lower_ in ROLE_ONLY \
                    or doc[i:end].text.casefold() in GENERIC_SINGLE:
                continue
            if any(t.ent_type_ in ("PERSON", "GPE", "LOC", "DATE", "NORP") for t in doc[i:end]) and not after_charity:
                continue  # "Leeds, a city ...", "Ann, a mother of two": a place or a person, not a name here
            span = Span(doc, i, end, label=kind)
            if _acceptable(span, number_word_ok=len(span) >= 2, vouched=True):
                out.append((span, "rule", 0.65))  # "Second Front, a ... programme": a number word may open it
        return out

    def _headed_runs(self, doc, taken):
        """Capitalised words between a determiner and a lower-case head noun that says what
        they name: "the Harvest Share network", "a subsidiary of the Brightwater Health
        group" (bodies), "the Opening Doors strategy", "the annual Health and Disability
        Statistics bulletin" (documents), "the Early Step pathway", "the Night Route
        outreach service", "the MindStep programme" (programmes). One describing word may
        stand after the determiner ("annual") and one or two lower-case nouns before the head
        ("outreach", "peer support"); a run of one word must be written with a capital inside it
        ("MindStep"): "the Labour group" is a party's group, not a name."""
        out = []
        taken_tokens = {t.i for s in taken for t in s}
        n = len(doc)
        i = 0
        while i < n:
            if not _capitalised(doc[i]) or i in taken_tokens or (i > 0 and _capitalised(doc[i - 1])):
                i += 1
                continue
            j, last = i + 1, i
            while j < n and j - i < 8 and j not in taken_tokens:
                if _capitalised(doc[j]):
                    last = j
                elif not (doc[j].lower_ in TITLE_JOINERS and doc[j].is_lower and j + 1 < n
                          and _capitalised(doc[j + 1])):
                    break
                j += 1
            start, end = i, last + 1
            i = end
            before = start - 1
            if before >= 1 and doc[before].is_lower and doc[before].pos_ == "ADJ":
                before -= 1  # "the annual ..."
            if before < 0 or doc[before].lower_ not in HEADED_DETERMINERS:
                continue
            m = end
            while m < n and m - end < 2 and doc[m].is_lower and doc[m].pos_ == "NOUN" and doc[m].lower_ not in LOWER_HEADS:
                m += 1  # "the Night Route outreach service", "the Ward Friends peer support scheme"
            if m >= n or doc[m].lower_ not in LOWER_HEADS:
                m = end
            if m >= n or not doc[m].is_lower or doc[m].lower_ not in LOWER_HEADS or not (
                    doc[m].pos_ == "NOUN" or doc[m].dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "appos", "attr")):
                # (the small model may tag "bulletin" a verb; "that the Director of Housing report back" is one)
                continue
            if end - start == 1 and not _camel(doc[start].text):
                continue
            span = Span(doc, start, end, label=LOWER_HEADS[doc[m].lower_])
            if any(t.ent_type_ in ("PERSON", "DATE") for t in span) or all(t.ent_type_ in ("GPE", "LOC") for t in span) \
                    or not _acceptable(span, number_word_ok=True):
                continue  # "the North East network": a place's network ("the First Light pathway": a name)
            out.append((span, "rule", 0.6))
        return out

    def _table_cells(self, doc):
        """The cells of a table flattened into lines with "|" under a column whose heading
        says what they name ("Project | Organisation | Amount", "Service | Provider |
        Contract"): a cell in title case is a name of the column's kind (or of its own head
        noun's); cells in sentence case ("Inpatient wards"), figures and totals are none."""
        from scrutiny.nlp.lines import table_rows

        out = []
        text = doc.text
        if "|" not in text:
            return out
        for _a, _b, cells, kinds in table_rows(text):
            for (x, y), kind in zip(cells, kinds):
                cell = text[x:y]
                start = x + (len(cell) - len(cell.lstrip()))
                name = cell.strip().split(",")[0].strip()
                words = name.split()
                if kind is None or not words or len(words) > 8 or words[0].casefold() in ("total", "other", "all") \
                        or not all(w[:1].isupper() or w.casefold() in TITLE_JOINERS or not w[:1].isalpha()
                                   for w in words):
                    continue
                span = doc.char_span(start, start + len(name), alignment_mode="contract")
                if span is None or not len(span) or not _acceptable(span):
                    continue
                out.append((Span(doc, span.start, span.end, label=kind_from_head(words) or kind), "rule", 0.65))
        return out

    def _funded_in_brackets(self, doc):
        """Under a line thanking funders, "- The X Trust (Kitchen Table, three-year grant)":
        the words in title case opening the brackets name what the funder paid for, a
        programme (or what their own head noun says)."""
        from scrutiny.nlp.lines import funder_lines

        out = []
        text = doc.text
        if "\n" not in text or not FUNDERS_LEAD.search(text):
            return out
        for a, b, _start in funder_lines(text):
            m = re.search(r"\(([^(),;]+)[),;]", text[a:b])
            if m is None:
                continue
            name = m.group(1).strip()
            words = name.split()
            if not words or len(words) > 6 or not all(w[:1].isupper() or w.casefold() in TITLE_JOINERS for w in words):
                continue
            start = a + m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
            span = doc.char_span(start, start + len(name), alignment_mode="contract")
            # (no constituency in a debate's speaker tag: the line under the funders' lead says so)
            if span is not None and len(span) and words[0].casefold() not in NOT_STAKEHOLDER_FIRST \
                    and not all(w in PLACES or w in NATIONS for w in words):
                out.append((Span(doc, span.start, span.end, label=kind_from_head(words) or "programme"), "rule", 0.65))
        return out

    def _bracketed_bodies(self, doc, taken):
        """The body in brackets after a person's name in a list of people ("Bill Hardacre
        (Ashcombe Age Concern)", "Jo Price (Army Reserve)"): two to six capitalised words
        (joiners between them) that hold no post ("(Town Clerk)", "(Director of Public
        Health)"), name no place alone ("(Kelby North)", a councillor's ward) and head no
        document or programme."""
        from scrutiny.nlp.people import ROLE_WORDS

        out = []
        for p in taken:
            if p.label_ != "person" or p.end + 3 >= len(doc) or doc[p.end].text != "(":
                continue
            close = next((k for k in range(p.end + 1, min(p.end + 9, len(doc))) if doc[k].text == ")"), None)
            if close is None or not 2 <= close - p.end - 1 <= 6:
                continue
            inner = doc[p.end + 1:close]
            words = [t.text for t in inner]
            if not (_capitalised(inner[0]) and _capitalised(inner[-1])) or any(
                    not (_capitalised(t) or (t.is_lower and t.lower_ in TITLE_JOINERS)) for t in inner):
                continue
            if any(t.lower_ in ROLE_WORDS or t.lower_ in ROLE_ONLY or t.lower_ in PORTFOLIO_WORDS for t in inner) \
                    or inner[-1].lower_ in COMPASS or any(s.start <= inner.start and s.end >= inner.end for s in taken) \
                    or all(t.ent_type_ in ("GPE", "LOC") for t in inner) \
                    or kind_from_head(words) not in (None, "organisation"):
                continue
            span = Span(doc, inner.start, inner.end, label="organisation")
            if _acceptable(span):
                out.append((span, "rule", 0.6))
        return out

    def _the_nhs(self, doc, taken):
        """"the NHS" standing alone as a noun ("cost the NHS £312 million", "the NHS is under
        pressure"): the health service, a body, wherever the recogniser saw nothing; never as a
        modifier ("NHS staff", "NHS mental health services") nor inside a longer name."""
        out = []
        covered = {t.i for s in taken for t in s}
        for tok in doc:
            if tok.text != "NHS" or tok.i in covered or tok.i == 0 or doc[tok.i - 1].lower_ != "the":
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and (nxt.is_title or nxt.is_upper or nxt.like_num
                                    or (nxt.is_lower and (nxt.pos_ in ("NOUN", "ADJ", "PROPN") or nxt.tag_ == "VBG"))
                                    or nxt.text in ("'s", "’s")):
                continue  # "the NHS Confederation", "the NHS mental health workforce", "the NHS's own figures"
            out.append((Span(doc, tok.i, tok.i + 1, label="organisation"), "rule", 0.7))
        return out

    def _given_names_alone(self, doc, taken):
        """A given name standing alone for a person: the subject of a verb ("Jodie has
        waited ...", "Leyla talks to ..."), the name someone is called by ("whom I will
        call Sarah"), or the first name of a person the passage names in full ("Ellie
        Marchant ... Ellie"). The verb must be one that people do ("Orlando will provide
        timing signals" names a system). Never a month, a day, a word after a determiner
        ("the Bill"), nor a word next to another capitalised word (part of a longer name)."""
        from scrutiny.nlp.people import is_given_name

        out = []
        taken_tokens = {t.i for s in taken for t in s}
        full = {s[0].text for s in taken if s.label_ == "person" and len(s) >= 2}
        n = len(doc)
        for tok in doc:
            if tok.i in taken_tokens or tok.lower_ in _DAYS_MONTHS or not is_given_name(tok.text):
                continue
            if (tok.i > 0 and (doc[tok.i - 1].is_title and not doc[tok.i - 1].is_sent_start
                               or doc[tok.i - 1].lower_ in HEADED_DETERMINERS)) \
                    or (tok.i + 1 < n and (doc[tok.i + 1].is_title or doc[tok.i + 1].lower_ in ("'s", "’s")
                                           and tok.text not in full)):
                continue
            if any(c.dep_ == "det" for c in tok.children):
                continue
            said = (tok.dep_ == "nsubj" and tok.head.lower_ in PERSON_VERBS
                    and (tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON")) or (
                tok.dep_ in ("dobj", "oprd") and tok.head.lower_ in ("call", "calls", "called", "name", "named"))
            if said or tok.text in full:
                out.append((Span(doc, tok.i, tok.i + 1, label="person"), "rule", 0.55))
        return out

    def _from_rules(self, doc):
        out = []
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if not (tok.is_title or tok.is_upper) or tok.is_punct or tok.is_digit \
                    or (tok.lower_ in NOT_STAKEHOLDER_FIRST and not tok.is_upper):
                i += 1  # "In May the Riverside Trust": a month does not start a name
                continue
            # Grow a run of capitalised words, allowing joiners between them.
            j = i + 1
            last_cap = i
            while j < n:
                t = doc[j]
                if (t.is_title or t.is_upper) and not t.is_punct and not _has_digit(t.text) and t.text not in ("I",) \
                        and t.lower_ not in NOT_STAKEHOLDER_FIRST:
                    last_cap = j
                    j += 1
                elif (t.lower_ in NAME_JOINERS or t.lower_ in ("'s", "’s")
                      or (t.text in ("'", "’") and doc[j - 1].lower_.endswith("s")
                          and doc[j - 1].whitespace_ == "")  # "the Prison Officers' Forum"
                      or (t.lower_ == "into" and doc[j - 1].lower_ in ("inquiry", "review", "investigation", "commission"))
                      or (t.lower_ == "to" and not doc[i].lower_.endswith("ed"))) and j + 1 < n \
                        and (doc[j + 1].is_title or doc[j + 1].is_upper) \
                        and doc[j + 1].lower_ not in NOT_STAKEHOLDER_FIRST:
                    j += 1
                else:
                    break
            start, end = i, last_cap + 1
            end = _topic_after_the(doc, start, end)
            seat = start + (doc[start].lower_ == "the")
            if end - seat > 3 and doc[seat].lower_ in BOARD_SEATS and doc[seat + 1].lower_ == "of" \
                    and kind_from_head([t.text for t in doc[seat + 2:end]]) == "organisation":
                start = seat + 2 + (doc[seat + 2].lower_ == "the")  # "The Board of X and Y NHS Trust": the trust
            for seg_start, seg_end in _split_on_and(doc, start, end):
                span = self._rule_span(doc, seg_start, seg_end)
                if span is not None:
                    out.append(span)
            i = end
        return out

    def _rule_span(self, doc, start, end):
        # Honorific + capitalised name -> person.
        if doc[start].lower_.rstrip(".") in HONORIFICS and end - start >= 2:
            if doc[end - 1].lower_ in PARTICLES or _across_quote_mark(doc[start:end]):
                return None  # "Miss Out" of a title: a phrasal verb, not a person
            for k in range(start + 2, end - 1):
                if doc[k].lower_ in ("of", "at") and (kind_from_head([t.text for t in doc[k + 1:end]
                                                                      if t.lower_ != "the"]) == "organisation"
                                                       or (k + 2 == end and is_acronym(doc[k + 1].text)
                                                           and doc[k + 1].text not in NOT_NAME_ACRONYMS)):
                    end = k  # "Professor Ada Lyle of Tarnby University", "Councillor A B of COSLA": the person, then where
                    # they work
                    break
            return (Span(doc, start, end, label="person"), "rule", self.rule_confidence)
        person = _person_after_post(doc, start, end)
        if person is not None:
            return (Span(doc, person, end, label="person"), "rule", self.rule_confidence)
        start, end = _trim(doc, start, end)
        start = _after_post(doc, start, end)  # "Medical Director of X Trust": the body is X Trust
        # Head nouns decide: a run of capitalised words without one is not taken.
        words = [t.text for t in doc[start:end]]
        kind = kind_from_head(words)
        if kind is None:
            # "Five Year Forward View for Mental Health": the head is inside the run.
            for i in range(len(words) - 2, 0, -1):
                kind = kind_from_head(words[:i + 1])
                if kind is not None and doc[start + i + 1].lower_ in ("for", "of", "on"):
                    break
                kind = None
        if kind is None and end < len(doc) and doc[end].lower_ in LOWER_PROGRAMME_HEADS and end - start >= 1 \
                and not doc[start].is_sent_start:
            kind = "programme"  # "the Later Life Support programme", "the Access to Work scheme"
            if end - start == 1 and (start == 0 or doc[start - 1].lower_ not in ("the", "its", "our", "their", "his", "her")):
                return None
            while end - start > 1 and any(doc[k].lower_ in ("'s", "’s") for k in range(start, end)):
                cut = next(k for k in range(start, end) if doc[k].lower_ in ("'s", "’s"))
                if doc[start:cut].text.casefold() in GENERIC_SINGLE:
                    start = cut + 1  # "the Foundation's Digital Readiness programme"
                else:
                    break
        elif kind is None and end - start >= 2 and words[-1] in NATIONS and words[0].casefold() not in COMPASS:
            kind = "organisation"  # "Homes England", "Age UK"
        elif kind is None and end - start >= 2 and is_acronym(words[0]) and words[0] not in NOT_NAME_ACRONYMS \
                and not any(w in ("'s", "’s") for w in words):  # "the PHSO's Severity of Injustice scale": not a body
            kind = "organisation"  # "NHS Digital"
        if kind is None or (end - start < 2 and kind != "programme"):
            return None
        if any(t.lower_ in ("'s", "’s") for t in doc[start:end]) and kind == "organisation":
            pass
        end = _extend(doc, end)
        span = doc[start:end]
        if not _acceptable(span):
            return None
        return (Span(doc, start, end, label=kind), "rule", self.rule_confidence)
