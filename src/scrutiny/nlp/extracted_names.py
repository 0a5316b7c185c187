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

from spacy.language import Language
from spacy.tokens import Span
from spacy.util import filter_spans

from scrutiny.nlp.headwords import (
    GENERIC_SINGLE, NAME_JOINERS, NOT_STAKEHOLDER_FIRST, ROLE_HEADS, kind_from_head,
)
from scrutiny.nlp.normalise import key
from scrutiny.nlp.acronyms import is_acronym
from scrutiny.nlp.normalise import HONORIFICS
from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans

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
""".split())


def _trim(doc, start, end):
    """Drop leading articles, conjunctions and prepositions ("As the Committee"),
    and trailing possessives/punctuation."""
    while start < end and (doc[start].lower_ in _LEADING or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "'", "’s", "’", "‘s", "‘") or doc[end - 1].is_punct
                           or doc[end - 1].lower_ in NAME_JOINERS):
        end -= 1
    return start, end


def _extend(doc, end: int) -> int:
    """Grow a name over "for Carers", "of Eastfield" and a trailing year ("Strategy 2030")."""
    n = len(doc)
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


def _split_on_and(doc, start: int, end: int) -> list[tuple[int, int]]:
    """Cut "X and Y" in two when both sides are names in their own right
    ("DWP and Department of Health"), not when "and" is inside one name
    ("Department for Work and Pensions")."""
    for i in range(start + 1, end - 1):
        if doc[i].lower_ not in ("and", "&"):
            continue
        left = [t.text for t in doc[start:i]]
        right = [t.text for t in doc[i + 1:end]]
        if right and right[0].casefold() == "the":
            right = right[1:]
        left_ok = kind_from_head(left) is not None or (len(left) == 1 and left[0].isupper() and len(left[0]) > 1)
        right_ok = kind_from_head(right) is not None and len(right) > 1
        if left_ok and right_ok:
            return [(start, i)] + _split_on_and(doc, i + 1, end)
    return [(start, end)]


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _acceptable(span) -> bool:
    text = span.text
    if len(text) < 2 or not any(c.isupper() for c in text):
        return False
    if not any(c.isalpha() for c in text):
        return False
    first = span[0].lower_
    if first in NOT_STAKEHOLDER_FIRST:
        return False
    if span[0].text[:1].isdigit() or span[0].like_num:
        return False  # "2016 Act"; but "Change4Life" is a name
    if len(span) == 2 and _has_digit(span[1].text) and kind_from_head([span[0].text]) is None:
        return False  # "Item 12", "Phase 2": labels, not names
    words = key(text).split(" ")
    if len(words) == 1 and words[0] in GENERIC_SINGLE:
        return False  # "the Government", "the Committee's": which one is not said
    if words[-1] in ROLE_HEADS:
        return False  # "Chief Social Scientist": a post, not a body
    return True


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
        # Candidates are plain Spans; source and confidence are set on the kept ones only
        # (span extensions are stored by offsets, so a dropped twin would overwrite them).
        kept = [s for s in filter_spans([c[0] for c in found]) if not overlaps(s, existing)]
        meta = {(c[0].start, c[0].end): c for c in found}
        spans = [make_span(doc, s.start, s.end, s.label_, meta[(s.start, s.end)][1],
                           meta[(s.start, s.end)][2]) for s in kept]
        if spans:
            set_stakeholder_spans(doc, existing + spans)
        return doc

    def _from_ner(self, doc):
        out = []
        for ent in doc.ents:
            start, end = ent.start, ent.end
            # Line breaks and runs of spaces end a name: keep what follows the last one.
            for i in range(end - 1, start - 1, -1):
                if doc[i].is_space:
                    start = i + 1
                    break
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
                end = _extend(doc, end)
            span = doc[start:end]
            words = [t.text for t in span]
            head_kind = kind_from_head(words)
            kind = NER_KINDS.get(ent.label_)
            if kind is None:
                if ent.label_ in NER_IF_HEADWORD and head_kind:
                    kind = head_kind
                else:
                    continue
            elif head_kind and kind == "person":
                kind = head_kind  # "Mental Health Foundation" is not a person
            elif head_kind and kind == "organisation" and head_kind in ("document", "programme"):
                kind = head_kind
            if not _acceptable(span):
                continue
            if kind == "person" and len(span) == 1 and is_acronym(span.text):
                kind = "organisation"  # "DfT", "BASW": acronyms name bodies, not people
            conf = self.ner_confidence
            if kind == "person" and len(span) == 1 and not span.text.isupper():
                conf -= 0.15  # a lone capitalised word is often not a person
            out.append((Span(doc, start, end, label=kind), "model", conf))
        return out

    def _from_rules(self, doc):
        out = []
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if not (tok.is_title or tok.is_upper) or tok.is_punct or tok.is_digit:
                i += 1
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
                elif t.lower_ in NAME_JOINERS and j + 1 < n and (doc[j + 1].is_title or doc[j + 1].is_upper) \
                        and doc[j + 1].lower_ not in NOT_STAKEHOLDER_FIRST:
                    j += 1
                else:
                    break
            start, end = i, last_cap + 1
            for seg_start, seg_end in _split_on_and(doc, start, end):
                span = self._rule_span(doc, seg_start, seg_end)
                if span is not None:
                    out.append(span)
            i = end
        return out

    def _rule_span(self, doc, start, end):
        # Honorific + capitalised name -> person.
        if doc[start].lower_.rstrip(".") in HONORIFICS and end - start >= 2:
            return (Span(doc, start, end, label="person"), "rule", self.rule_confidence)
        start, end = _trim(doc, start, end)
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
        if kind is None or end - start < 2:
            return None
        end = _extend(doc, end)
        span = doc[start:end]
        if not _acceptable(span):
            return None
        return (Span(doc, start, end, label=kind), "rule", self.rule_confidence)
