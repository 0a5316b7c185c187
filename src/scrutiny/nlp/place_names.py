"""Places the recogniser reads as bodies: one capitalised word, or a constituency.

A town, a district or a constituency is not a stakeholder, but the recogniser often
labels one word it has never seen ("Tamesford", "Lanhurst") an organisation, and the
tagger's own rules take a proper noun after "by" or "from" for a body. The words
around such a name usually say what it is:

- a **constituency**: the name after "Member for" or "MP for" ("the hon. Member for
  Ashby North", "the MP for Fenton and Hale": each name of the list);
- **a place preposition** before one word with no head noun ("people across
  Tamesford", "a client in Derby", "starting in Ashby and Fenton", "across Ashby,
  Fenton and the Tarn valley": the first member of a list decides); "in" hangs from
  a verb or noun of taking part ("take part in Copernicus") is no place;
- **a place's member of parliament**: "Halberton's MP", "Ashby's two MPs";
- **the first word of a longer name in the same passage**, with nothing else saying
  it is a body ("teams in Lanhurst and Dovesby" beside "Lanhurst College" and
  "Dovesby Integrated Care Board"): a place lends its name to the bodies in it.

Only one-word names that are no person, no acronym, no curated name and carry no
head noun are read this way (a constituency may be longer).
"""

from __future__ import annotations

from scrutiny.nlp.headwords import kind_from_head
from scrutiny.nlp.normalise import is_acronym

# Prepositions that put a place after them ("at" is left out: one works "at Oxfam").
PLACE_PREPOSITIONS = frozenset("in across throughout near around outside".split())
# What "in" may hang from when a body or a programme follows: "take part in X", "invest in X".
TAKING_PART = frozenset("""part participate participates participated participating participation involved
involvement invest invests invested investing investment enrol enrolled enrolment membership join
interest interested""".split())
CONSTITUENCY_BEFORE = frozenset("member members mp mps".split())


def _list_start(doc, i: int) -> int:
    """The first member of a list of proper nouns ending at token ``i``
    ("Corby, Daventry and Rugby": Corby's index for any of the three)."""
    k = i
    while k >= 2 and doc[k - 1].text in (",", "and", "&") and doc[k - 2].is_title and doc[k - 2].pos_ == "PROPN":
        k -= 2
    return k


def constituency(span) -> bool:
    """Does ``span`` stand where a constituency does: "Member for X", "MP for X and Y"?"""
    doc = span.doc
    k = _list_start(doc, span.start)
    while k >= 1 and doc[k - 1].is_title and doc[k - 1].pos_ == "PROPN" and k > span.start - 4:
        k -= 1  # "Member for Bramhope and Otley": the list's first member may be two words
    return k >= 2 and doc[k - 1].lower_ == "for" and doc[k - 2].lower_.rstrip(".") in CONSTITUENCY_BEFORE


def _one_word_candidate(span) -> bool:
    if len(span) != 1 or span.label_ == "person" or span._.source == "curated":
        return False
    word = span[0]
    return word.is_alpha and word.is_title and not is_acronym(word.text) and kind_from_head([word.text]) is None


def after_place_preposition(span) -> bool:
    """One word after "in", "across", ... (or in a list after one): "across Tamesford"."""
    doc = span.doc
    k = _list_start(doc, span.start)
    if k < 1 or doc[k - 1].lower_ not in PLACE_PREPOSITIONS:
        return False
    prep = doc[k - 1]
    if prep.lower_ == "in" and (prep.head.lower_ in TAKING_PART or (k >= 2 and doc[k - 2].lower_ in TAKING_PART)):
        return False  # "take part in Copernicus": a body or a programme
    return True


def lends_its_name(span, spans) -> bool:
    """Is this one word the first word of a longer name of the same passage, a body
    with a head noun of its own ("Lanhurst" beside "Lanhurst College")?"""
    word = span[0].text
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ in ("'s", "’s"):
        return False  # "Clearwater's funding": a body that owns, the short form of its longer name
    for other in spans:
        if other is span or len(other) < 2 or other.label_ == "person":
            continue
        words = [t.text for t in other if not t.is_punct]
        if len(words) >= 2 and words[0] == word and kind_from_head(words) is not None:
            return True
    return False


def has_an_mp(span) -> bool:
    """"Halberton's MP", "Ashby's two MPs": a place has a member of parliament, a body has none."""
    doc = span.doc
    k = span.end
    if k + 1 >= len(doc) or doc[k].lower_ not in ("'s", "’s"):
        return False
    k += 1
    if doc[k].like_num or doc[k].lower_ in ("local", "new", "former"):
        k += 1
    return k < len(doc) and doc[k].text in ("MP", "MPs", "MSP", "MSPs", "MS", "AM")


def is_place(span, spans) -> bool:
    """Is the name ``span`` (one of ``spans``, the passage's names) a place, not a stakeholder?"""
    if span.label_ != "person" and span._.source != "curated" and constituency(span):
        return True
    if not _one_word_candidate(span):
        return False
    return after_place_preposition(span) or has_an_mp(span) or lends_its_name(span, spans)
