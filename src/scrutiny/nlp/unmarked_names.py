"""Names the recogniser does not mark and no head noun vouches for, found by the words
around them (docs/tagging.md, "Fourteenth round").

- a charity named "... Minds" ("Student Minds"), unless an adjective opens it ("Stronger
  Minds" is as often a plan's or a service's title);
- a national body whose name is one word (``ONE_WORD_BODIES``: "Mind", "Samaritans",
  "Unison"), standing alone, and at the start of a sentence only when a verb or a
  comma follows it ("Mind provides ...", but not "Mind the gap");
- a body or service a reader is told to call: a capitalised run followed by "on" and a
  telephone number ("call Northway Advice on 0800 ..."), or "contact X on ...";
- a title "X at Work" or "X to Work" ("Carers at Work", "Access to Work"): a programme (a
  scheme or service as a rule; a plan's or an Act's name goes on to its head noun and is
  read by the rules that read head nouns);
- the title in a numbered note or reference ("[2] Tarn Institute (2023), Open Door, Shut Room:
  access to ...", "[1] Home Office, Migration Statistics, May 2025"): the cell after the author's
  (see :func:`reference_titles`, which the titles' rules read, since it overrides the
  recogniser's reading of the same words);
- a run of capitalised words joined by "and" that an acronym in brackets after it stands for
  whole ("Individual Placement and Support (IPS)"), which the recogniser cuts at "and";
- a given name and a surname before a bracket, "MP" or a post in title case ("Alex Drummond
  (Chair)", "Sponsors: Ffion Roe MP", "Jan Pryce, Chief Operating Officer, X Trust"): a
  person, where the recogniser saw nothing;
- the body a post is held at, where the recogniser read a place or nothing: "chief
  executive of Kindred", "Tom Aldous, Chief Executive, Kindred (lead partner)" (a post at
  a body, never at a town; a portfolio, "Director of Finance", is no body).

Each returns ``(Span, "rule", confidence)`` candidates for
:class:`scrutiny.nlp.extracted_names.ExtractedNames`, which filters them with its own.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from scrutiny.nlp.headwords import (
    GENERIC_SINGLE, NATIONS, NOT_STAKEHOLDER_FIRST, PLACES, PORTFOLIO_WORDS, ROLE_HEADS, kind_from_head,
)

# National bodies known by one word that is no head noun: charities and unions a policy
# text names without saying what they are. Only words that, capitalised in the middle of
# a sentence, name nothing else ("Crisis", "Scope", "Shelter" and "Age" are left out:
# each is as often a capitalised heading word).
ONE_WORD_BODIES = frozenset("""
Mind Samaritans Mencap Unison Unite Nacro Barnardo's Barnardos Turn2us Rethink
""".split())

# "on 0800 123 4567", "on 116 123", ": call 020 7946 0000"
_PHONE_AFTER = re.compile(r"^\s*(?:on|:\s*call|,\s*call)\s+\(?(?:0\d{2,4}\)?[ \d]{5,10}\d|1\d\d ?\d\d\d)\b")
_CALL_VERBS = frozenset("call contact ring phone text".split())


def unmarked_names(doc, taken) -> list:
    """The candidates of every shape above that no span of ``taken`` overlaps."""
    taken_tokens = {t.i for s in taken for t in s}
    out = []
    out.extend(_one_word_bodies(doc, taken_tokens))
    out.extend(_minds(doc, taken_tokens))
    out.extend(_called_bodies(doc, taken_tokens))
    out.extend(_at_work(doc, taken_tokens))
    out.extend(_defined_runs(doc))
    out.extend(_people_before_brackets(doc, taken_tokens))
    out.extend(_bodies_after_posts(doc, taken_tokens | {t.i for s, _, _ in out for t in s}))
    return out


def _capitalised(tok) -> bool:
    return tok.is_alpha and tok.text[:1].isupper()


def _one_word_bodies(doc, taken_tokens) -> list:
    out = []
    for tok in doc:
        if tok.text not in ONE_WORD_BODIES or tok.i in taken_tokens:
            continue
        before = doc[tok.i - 1] if tok.i > 0 else None
        after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if (before is not None and _capitalised(before) and not tok.is_sent_start) \
                or (after is not None and _capitalised(after)) \
                or (after is not None and after.lower_ in ("of", "in", "for") and tok.i + 2 < len(doc)
                    and _capitalised(doc[tok.i + 2])):
            continue  # a word of a longer name ("Esk Valley Mind", "Unite the Union", "Samaritans of Tarnby")
        if tok.is_sent_start and not (after is not None and (after.pos_ in ("VERB", "AUX") or after.text in (",", ":")
                                                             or after.lower_ in ("'s", "’s"))):
            continue  # "Mind the gap": a verb, not the charity
        out.append((Span(doc, tok.i, tok.i + 1, label="organisation"), "rule", 0.7))
    return out


def _minds(doc, taken_tokens) -> list:
    """"Student Minds", "Larchfield Minds": a run of capitalised words ending in "Minds"
    whose first word is no adjective ("Healthy Minds", "Stronger Minds": titles of plans
    and services as often as bodies)."""
    out = []
    for tok in doc:
        if tok.text != "Minds" or tok.i == 0 or tok.i in taken_tokens:
            continue
        start = tok.i
        # (a name the recogniser cut short, "Harbourlight" of "Harbourlight Minds", is taken in:
        # the longer candidate wins when the candidates are filtered)
        while start > 0 and _capitalised(doc[start - 1]) and not doc[start - 1].is_sent_start \
                and doc[start - 1].lower_ not in NOT_STAKEHOLDER_FIRST:
            start -= 1
        if start > 0 and _capitalised(doc[start - 1]) and doc[start - 1].is_sent_start \
                and doc[start - 1].pos_ in ("PROPN", "NOUN"):
            start -= 1  # the run opens the sentence
        if start == tok.i or doc[start].tag_ in ("JJ", "JJR", "JJS") or doc[start].pos_ == "ADJ":
            continue
        out.append((Span(doc, start, tok.i + 1, label="organisation"), "rule", 0.7))
    return out


def _called_bodies(doc, taken_tokens) -> list:
    """"... or Northway Advice on 0800 555 0100", "contact Northway Advice on ...":
    what a reader is told to call is a body or a service."""
    out = []
    n = len(doc)
    i = 0
    while i < n:
        if not _capitalised(doc[i]) or doc[i].lower_ in NOT_STAKEHOLDER_FIRST:
            i += 1
            continue
        j = i + 1
        while j < n and j - i < 5 and _capitalised(doc[j]):
            j += 1
        span = doc[i:j]
        rest = doc.text[span.end_char:span.end_char + 40]
        prev = doc[i - 1].lower_ if i > 0 else ""
        starts_sentence = doc[i].is_sent_start and prev not in _CALL_VERBS
        if _PHONE_AFTER.match(rest) and not any(k in taken_tokens for k in range(i, j)) \
                and not (starts_sentence and len(span) == 1 and doc[i].pos_ not in ("PROPN",)) \
                and kind_from_head([t.text for t in span]) not in ("document",):
            kind = kind_from_head([t.text for t in span]) or "organisation"
            out.append((Span(doc, i, j, label=kind), "rule", 0.65))
        i = j
    return out


_INITIAL_SKIP = frozenset("and of for the in on to &".split())


def _defined_runs(doc) -> list:
    """"Individual Placement and Support (IPS)": the words before "(ACR)" whose initials are the
    acronym's letters, one "and" among them (a name the recogniser cut in two at "and"; the
    longer candidate wins when the candidates are filtered)."""
    out = []
    n = len(doc)
    for tok in doc:
        if tok.text != "(" or tok.i + 2 >= n or doc[tok.i + 2].text != ")":
            continue
        short = doc[tok.i + 1].text
        if not (short.isupper() and short.isalpha() and 3 <= len(short) <= 8):
            continue
        for start in range(tok.i - 1, max(-1, tok.i - 2 * len(short) - 1), -1):
            words = [t for t in doc[start:tok.i]]
            if any(t.is_punct or t.is_space for t in words):
                break
            if not words[0].text[:1].isupper():
                continue  # "and Support": a joiner cannot open the name
            content = [t.text for t in words if t.lower_ not in _INITIAL_SKIP]
            if not all(w[:1].isupper() for w in content):
                break
            every = "".join(t.text[0] for t in words).upper()
            initials = "".join(w[0] for w in content).upper()
            if short in (every, initials) and any(t.lower_ in ("and", "&") for t in words):
                kind = kind_from_head([t.text for t in words]) or "organisation"
                out.append((Span(doc, start, tok.i, label=kind), "rule", 0.7))
                break
    return out


def _at_work(doc, taken_tokens) -> list:
    """"Thrive at Work", "Access to Work", "Minds at Work 2025": one to three capitalised
    words, "at" or "to", "Work" (and a year)."""
    out = []
    n = len(doc)
    for tok in doc:
        if tok.text != "Work" or tok.i < 2 or doc[tok.i - 1].lower_ not in ("at", "to") or not doc[tok.i - 1].is_lower:
            continue
        end = tok.i + 1
        if end < n and doc[end].is_title and kind_from_head([doc[end].text]) is not None:
            continue  # "the Health and Safety at Work Act": the head noun's rules read it
        if end < n and re.fullmatch(r"(?:19|20)\d\d", doc[end].text):
            end += 1
        start = tok.i - 1
        while start > 0 and tok.i - 1 - start < 3 and _capitalised(doc[start - 1]) \
                and doc[start - 1].lower_ not in NOT_STAKEHOLDER_FIRST:
            start -= 1
            if doc[start].is_sent_start:
                break
        if start == tok.i - 1 or tok.i in taken_tokens:
            continue  # (a name cut short before "at", "Carers" of "Carers at Work", is taken in: the longer wins)
        if start > 0 and (doc[start - 1].lower_ in ("of", "for", "on") and start > 1 and _capitalised(doc[start - 2])):
            continue  # "Group on Mental Health at Work": the end of a longer name
        out.append((Span(doc, start, end, label="programme"), "rule", 0.65))
    return out


# "[2] Tarn Institute (2023), Title, ..." / "3. Home Office, Title: subtitle, May 2025": the note's
# mark, its author's cell (no digits, no comma), an optional year, then the title up to a comma
# before a date or a link, a colon, a bracket or the end
_REFERENCE = re.compile(
    r"(?m)^[ \t]*(?:\[\d{1,3}\]|\d{1,3}\.)[ \t]*(?P<author>[A-Z][^,\n\d]{1,80}?)[ \t]*(?:\((?:19|20)\d\d\))?,[ \t]*"
    r"(?P<title>[A-Z][^,:\n()\[\]]{2,100}?(?:,[ \t]*[A-Z][a-z]+[^,:\n()\[\]]{0,40}?)??)"
    r"[ \t]*(?=:|\(|,[ \t]*(?:[A-Za-z]+[ \t]+)*(?:19|20)\d\d|,[ \t]*(?:https?://|www\.)|\.?[ \t]*$)")


_AUTHOR_JOINERS = frozenset("of and for the on in at & de van von".split())
_TRAILING_YEAR = re.compile(r"\s+(?:19|20)\d\d(?:[–-]\d{2,4})?$")


def reference_titles(doc) -> list:
    """Titles of documents cited in numbered notes: the cell after the author's."""
    out = []
    for m in _REFERENCE.finditer(doc.text):
        if any(w[:1].islower() and w not in _AUTHOR_JOINERS for w in m.group("author").split()):
            continue  # "1. Apologies were received from A, Director of Finance.": a sentence, no author
        end = m.start("title") + len(_TRAILING_YEAR.sub("", m.group("title")))
        span = doc.char_span(m.start("title"), end, alignment_mode="contract")
        if span is None or not len(span):
            continue
        words = [t.text for t in span if t.is_alpha]
        if not words or sum(w[:1].isupper() for w in words) < 2 and len(words) > 1:
            continue  # a sentence, not a title
        out.append((Span(doc, span.start, span.end, label="document"), "rule", 0.7))
        author = _reference_body(doc, m)
        if author is not None:
            out.append((author, "rule", 0.6))
    return out


def _reference_body(doc, m):
    """The author's cell of a numbered note when it names a body ("[1] Skills for Care,
    Care Workforce Pulse, ..."): two words or more, capitalised but for joiners, no person
    (no given name first, no initials) and no place alone."""
    from scrutiny.nlp.people import is_given_name

    words = m.group("author").split()
    if len(words) < 2 or is_given_name(words[0]) or any(len(w.rstrip(".")) == 1 for w in words) \
            or kind_from_head(words) not in (None, "organisation") \
            or all(w in NATIONS or w in PLACES or w.casefold() in _AUTHOR_JOINERS for w in words):
        return None
    span = doc.char_span(m.start("author"), m.start("author") + len(m.group("author").rstrip()),
                         alignment_mode="contract")
    if span is None or len(span) < 2 or any(t.ent_type_ == "PERSON" for t in span):
        return None
    return Span(doc, span.start, span.end, label="organisation")


_POST_JOINERS = frozenset("of for and the & to".split())


def post_follows(doc, end: int) -> bool:
    """Does ", Chief Operating Officer," or ", Head of Programmes," (a post in title case,
    then a comma or the line's end) follow token ``end``?"""
    from scrutiny.nlp.people import ROLE_WORDS as ROLE_ONLY

    if end >= len(doc) or doc[end].text != ",":
        return False
    words = []
    for tok in doc[end + 1:end + 9]:
        if tok.text in (",", ";", ")") or tok.is_space or "\n" in tok.text:
            break
        words.append(tok)
    else:
        return False
    if not words or not all(t.text[:1].isupper() or t.lower_ in _POST_JOINERS
                            or (t.text == "-" and not t.whitespace_) or (t.i > 0 and doc[t.i - 1].text == "-")
                            for t in words):
        return False
    roles = [k for k, t in enumerate(words) if t.lower_ in ROLE_ONLY or t.lower_ in ROLE_HEADS]
    if not roles:
        return False
    if words[-1].lower_ in ROLE_ONLY | ROLE_HEADS | {"programmes", "operating", "clerk", "chair", "editor"}:
        return True
    # "Cabinet Secretary for Economy and Skills", "Co-founder": a post and its portfolio, or a
    # hyphenated post, ending the line
    last = roles[-1]
    return (last + 1 < len(words) and words[last + 1].lower_ in ("for", "of") and len(words) - last <= 6) \
        or words[-1].lower_ in ROLE_ONLY


def _people_before_brackets(doc, taken_tokens) -> list:
    """"Alex Drummond (Chair, ...)", "Ffion Roe MP": a given name, a surname, then a bracket
    or "MP", where the recogniser marked nothing."""
    from scrutiny.nlp.people import is_given_name

    out = []
    n = len(doc)
    for tok in doc[:-2] if n > 2 else []:
        i = tok.i
        first, last, after = doc[i], doc[i + 1], doc[i + 2]
        if i in taken_tokens or i + 1 in taken_tokens:
            continue
        if not (first.is_title and first.is_alpha and last.is_title and last.is_alpha and first.whitespace_):
            continue
        if first.lower_ in NOT_STAKEHOLDER_FIRST or not is_given_name(first.text) \
                or first.pos_ in ("DET", "PRON", "ADP", "CCONJ", "SCONJ", "AUX", "ADV"):
            continue
        if kind_from_head([last.text]) is not None or last.lower_ in ROLE_HEADS or last.ent_type_ in ("GPE", "LOC", "DATE"):
            continue
        if i > 0 and _capitalised(doc[i - 1]) and not doc[i - 1].is_sent_start:
            continue  # a longer capitalised run
        if i > 0 and doc[i - 1].pos_ == "DET":
            continue  # "the Will Return (form A)": a thing, not a person
        if not (after.text == "(" or after.text == "MP" or post_follows(doc, i + 2)):
            continue
        out.append((Span(doc, i, i + 2, label="person"), "rule", 0.7))
    return out


# Posts held at a body, never at a place ("Mayor", "MP" and "Bishop" are left out: a town or
# a see follows them).
BODY_POSTS = frozenset("""
executive chair chairman chairwoman chairperson director founder co-founder cofounder head manager secretary
treasurer trustee president officer coordinator co-ordinator lead ceo clerk convenor organiser organizer
""".split())
# What follows "of" after a post and names a portfolio or a post, not a body.
_NOT_BODIES = frozenset("""
state trustees governors directors services operations programmes policy strategy finance communications
people nursing research development partnerships engagement delivery fundraising campaigns membership
""".split())


def _post_before_comma(doc, comma: int) -> bool:
    """Is there a post in title case between a person and the comma at ``comma``
    ("Tom Aldous, Chief Executive, ...")?"""
    from scrutiny.nlp.people import ROLE_WORDS as ROLE_ONLY

    words = []
    k = comma - 1
    while k >= 0 and doc[k].text not in (",", ";", ":", "(", ")") and "\n" not in doc[k].text and len(words) < 8:
        words.append(doc[k])
        k -= 1
    if not words or k < 1 or doc[k].text != ",":
        return False
    words.reverse()
    if not (all(t.text[:1].isupper() or t.lower_ in _POST_JOINERS for t in words)
            and words[-1].lower_ in BODY_POSTS | ROLE_ONLY and words[-1].lower_ not in ("mp", "mayor", "councillor")):
        return False
    return doc[k - 1].ent_type_ == "PERSON"


def _bodies_after_posts(doc, taken_tokens) -> list:
    """"chief executive of Kindred", "Tom Aldous, Chief Executive, Kindred": a capitalised
    run after a post at a body is the body, whatever the recogniser made of it."""

    out = []
    n = len(doc)
    i = 0
    while i < n:
        tok = doc[i]
        if i in taken_tokens or i < 2 or not (tok.is_alpha and tok.text[:1].isupper()) \
                or tok.ent_type_ in ("PERSON", "DATE", "NORP"):
            i += 1
            continue
        before = doc[i - 1]
        after_of_post = before.lower_ == "of" and doc[i - 2].lower_ in BODY_POSTS
        after_titled_post = before.text == "," and _post_before_comma(doc, i - 1)
        if not (after_of_post or after_titled_post):
            i += 1
            continue
        start, j, last = i, i + 1, i
        while j < n and j - start < 6 and j not in taken_tokens:
            t = doc[j]
            if t.is_alpha and t.text[:1].isupper() and t.ent_type_ not in ("PERSON", "DATE"):
                last = j
            elif not (t.lower_ in ("and", "of", "for") and j + 1 < n and doc[j + 1].text[:1].isupper()
                      and doc[j + 1].is_alpha):
                break
            j += 1
        end = last + 1
        i = end
        nxt = doc[end] if end < n else None
        if after_titled_post and nxt is not None and not (nxt.is_punct or nxt.is_space or "\n" in nxt.text):
            continue  # "..., Chief Executive, Tarn said": not a line of who is who
        if after_of_post and nxt is not None and nxt.text == "," and end + 1 < n \
                and doc[end + 1].text[:1].isupper():
            continue  # "Head of Commissioning, Eastmoor City Council": a portfolio, then the body
        words = [t.lower_ for t in doc[start:end]]
        if len(words) == 1 and words[0].endswith("ing"):
            continue  # "Head of Wellbeing", "Director of Commissioning": a portfolio
        if any(w in _NOT_BODIES or w in PORTFOLIO_WORDS for w in words if w not in ("and", "of", "for")) \
                or " ".join(words) in GENERIC_SINGLE or words[0] in NOT_STAKEHOLDER_FIRST:
            continue  # "Director of Finance", "Chair of Trustees", "Secretary of State": posts
        if any(t.text in NATIONS or t.text in PLACES for t in doc[start:end]):
            continue  # "head of Wales ...": a place
        kind = kind_from_head([t.text for t in doc[start:end]]) or "organisation"
        if kind == "person":
            continue
        out.append((Span(doc, start, end, label=kind), "rule", 0.65))
    return out
