"""Is a name a person's? Given names, honorifics and the words around a name.

The statistical recogniser calls many bodies people ("Capita", a train
operator, "Carrick Buses"): without the knowledge base, a name is taken for a
person only on some evidence that it is one:

- an honorific before it ("Dr", "Councillor", "Baroness");
- a first word that is a given name (the ``gender-guesser`` package's list of
  about 40,000 given names from many countries);
- a surname shared with a person named in full elsewhere in the text;
- the words around it: a role in brackets ("Jo Wright (Chair)"), a role in
  apposition ("Jo Wright, chief executive of ..."), or a verb of speech
  ("Jo Wright said").
"""

from __future__ import annotations

import re
from functools import lru_cache

from scrutiny.nlp.normalise import HONORIFICS

SPEECH = frozenset("""
said says told tells argued argues added adds explained explains warned warns claimed claims wrote writes
asked asks noted notes insisted insists stressed stresses admitted admits believes believed thinks thought
""".split())
ROLE_WORDS = frozenset("""
chair chairman chairwoman chairperson chief executive director secretary minister councillor leader founder
head manager officer governor trustee president professor lecturer researcher fellow editor correspondent
commissioner member adviser advisor economist analyst convenor coordinator organiser spokesperson spokesman
spokeswoman mp mayor deputy vice dean principal nurse doctor consultant clinician treasurer clerk
chancellor comptroller auditor
""".split())


@lru_cache(maxsize=1)
def _detector():
    import gender_guesser.detector as gender

    return gender.Detector(case_sensitive=False)


@lru_cache(maxsize=20000)
def is_given_name(word: str) -> bool:
    word = word.strip(".,'’")
    if len(word) < 2 or not word[:1].isupper() or not word.isalpha() or word.isupper():
        return False
    return _detector().get_gender(word) != "unknown"


def has_honorific(words: list[str]) -> bool:
    return bool(words) and words[0].rstrip(".").casefold() in HONORIFICS


def context_says_person(span) -> bool:
    """The words around a span say it names a person: "(Chair)" after it, a role in
    apposition after it, or a verb of speech after it ("X said", "X told us")."""
    doc = span.doc
    end = span.end
    start = span.start
    if start >= 2 and doc[start - 1].text == "," and doc[start - 2].lower_ in ROLE_WORDS:
        return True  # "Harbour Housing's chair, Dev Patel", "Her MP, Liam Cole"
    nxt = doc[end] if end < len(doc) else None
    if nxt is None:
        return False
    if nxt.text == "(" and end + 1 < len(doc) and doc[end + 1].lower_ in ROLE_WORDS | {"minutes"}:
        return True
    if nxt.lower_ in SPEECH:
        return True
    if nxt.text == "," and end + 1 < len(doc):
        j = end + 1
        while j < len(doc) and j < end + 4 and doc[j].lower_ in ("a", "an", "the", "its", "their", "former", "then",
                                                                  "current", "interim", "acting", "deputy", "senior"):
            j += 1
        if j < len(doc) and doc[j].lower_ in ROLE_WORDS:
            return True
        if j < len(doc) and doc[j].lower_ in ("who",):
            return True
    return False


_SURNAME = re.compile(r"[A-Z][A-Za-z'’-]+$")


def person_evidence(span, known_surnames: set[str] = frozenset()) -> float:
    """How strongly the span is a person's name (0: no evidence)."""
    words = [t.text for t in span]
    if has_honorific(words):
        return 1.0
    if is_given_name(words[0]) and len(words) >= 2:
        return 0.9
    if len(words) == 1 and words[0] in known_surnames:
        return 0.8
    if context_says_person(span):
        return 0.7 if len(words) >= 2 or is_given_name(words[0]) else 0.6
    if len(words) == 1 and is_given_name(words[0]):
        return 0.5
    return 0.0
