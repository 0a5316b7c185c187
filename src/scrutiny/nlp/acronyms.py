"""spaCy component ``scrutiny_acronyms``: acronyms the text defines.

"Department for Work and Pensions (DWP)" defines DWP: the pair is recorded in
``doc._.acronyms`` as ``(short, long)``, the bracketed acronym becomes a
mention of the same kind, and every later bare "DWP" in the same text too.
Links across passages are made when the store is tagged (see
:mod:`scrutiny.tags.write`), from the recorded pairs.
"""

from __future__ import annotations

from spacy.language import Language

from scrutiny.nlp.normalise import acronym_matches, acronym_of, is_acronym
from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans

@Language.factory("scrutiny_acronyms", default_config={"confidence": 0.8})
def make_acronyms(nlp, name, confidence: float):
    return Acronyms(name, confidence)


_QUOTES = {'"', "'", "“", "”", "‘", "’", "``", "''"}


def _bracketed(doc, i: int):
    """The acronym token of "( ACR )" or "( “ACR” )" starting at token ``i``, or None."""
    if doc[i].text != "(":
        return None
    j = i + 1
    while j < len(doc) and doc[j].text in _QUOTES:
        j += 1
    if j >= len(doc) or not is_acronym(doc[j].text):
        return None
    k = j + 1
    while k < len(doc) and doc[k].text in _QUOTES:
        k += 1
    if k >= len(doc) or doc[k].text != ")":
        return None
    return doc[j]


_SKIP = frozenset("and of the for in to a an on or &".split())


def _lowercase_definition(doc, i: int, short: str) -> list[str] | None:
    """The lower-case words an acronym abbreviates ("high fat, sugar and salt (HFSS)"), or None."""
    content = []
    j = i - 1
    while j >= 0 and len(content) < len(short) and i - j <= len(short) * 3:
        t = doc[j]
        j -= 1
        if t.is_punct or t.lower_ in _SKIP:
            continue
        if not t.is_alpha or not t.is_lower:
            return None
        content.append(t.text)
    content.reverse()
    if len(content) == len(short) and "".join(w[0] for w in content).upper() == short.upper():
        return content
    return None


_PROGRAMME_NOUNS = frozenset("programme program scheme campaign initiative project pilot service fund grant "
                             "helpline".split())


def _attributive_definition(doc, i: int, short: str) -> list[str] | None:
    """The capitalised words an acronym abbreviates when they describe the lower-case
    noun after it ("Earth Observation (EO) data", "Active Debris Removal (ADR) mission"):
    a field or an activity, not a body; lower-cased, or None."""
    close = i + 2
    while close < len(doc) and doc[close].text != ")":
        close += 1
    after = doc[close + 1] if close + 1 < len(doc) else None
    if after is None or not (after.is_lower and after.pos_ == "NOUN") or after.lower_ in _PROGRAMME_NOUNS:
        return None  # "the Rocketry Research and Training (RRTT) programme": a programme's name
    content = []
    j = i - 1
    while j >= 0 and len(content) < len(short) and i - j <= len(short) * 3:
        t = doc[j]
        j -= 1
        if t.lower_ in _SKIP and t.is_lower:
            continue
        if not (t.is_alpha and t.is_title):
            return None
        content.append(t.text.lower())
    content.reverse()
    if len(content) == len(short) and "".join(w[0] for w in content).upper() == short.upper():
        return content
    return None


class Acronyms:
    def __init__(self, name, confidence=0.8):
        self.name = name
        self.confidence = confidence

    def __call__(self, doc):
        spans = stakeholder_spans(doc)
        pairs = []
        defined: dict[str, object] = {}
        by_end = {s.end: s for s in spans}
        added = []
        common = set()  # acronyms of ordinary words: "high fat, sugar, salt (HFSS)"
        for tok in doc:
            # <long span> ( ACR ), also with quotes: ("ACR")
            short = _bracketed(doc, tok.i)
            if short is None:
                continue
            long = by_end.get(tok.i)
            if long is None:
                words = _lowercase_definition(doc, tok.i, short.text) or _attributive_definition(doc, tok.i, short.text)
                if words:
                    common.add(short.text)
                    pairs.append((short.text, " ".join(words)))
                continue
            if not acronym_matches(short.text, long.text):
                continue
            pairs.append((short.text, long.text))
            defined[short.text] = long
            new = make_span(doc, short.i, short.i + 1, long.label_, "rule", self.confidence, long.kb_id_)
            added.append(new)
        if common:
            spans = [s for s in stakeholder_spans(doc) if s.text not in common]
            set_stakeholder_spans(doc, spans)
        if defined:
            for tok in doc:
                long = defined.get(tok.text)
                if long is not None and not any(a.start == tok.i for a in added):
                    added.append(make_span(doc, tok.i, tok.i + 1, long.label_, "rule",
                                           self.confidence, long.kb_id_))
            keep = [s for s in spans if not overlaps(s, added)]
            set_stakeholder_spans(doc, keep + added)
        self._initials_of_names(doc, {short for short, _ in pairs})
        doc._.acronyms = pairs
        return doc

    def _initials_of_names(self, doc, seen: set[str]) -> None:
        """A bare acronym the text never defines but whose letters are exactly the
        initials of a name it gives in full ("Individual Placement and Support ... makes
        IPS available"): a mention of the same name, less sure than a defined one. Three
        letters at least, every capitalised word's initial or every word's."""
        from scrutiny.nlp.headwords import NOT_NAME_ACRONYMS

        spans = stakeholder_spans(doc)
        longs = {}
        for s in spans:
            if len(s) < 3 or s.label_ == "person":
                continue
            for short in {acronym_of(s.text).upper(), "".join(w[0] for w in s.text.split() if w[:1].isalpha()).upper()}:
                if len(short) >= 3:
                    longs.setdefault(short, s)
        if not longs:
            return
        added = []
        for tok in doc:
            if tok.text in seen or tok.text in NOT_NAME_ACRONYMS or not (tok.is_upper and tok.is_alpha and is_acronym(tok.text)):
                continue
            long = longs.get(tok.text)
            if long is None or any(s.start <= tok.i < s.end for s in spans):
                continue
            added.append(make_span(doc, tok.i, tok.i + 1, long.label_, "rule", self.confidence - 0.1, long.kb_id_))
        if added:
            set_stakeholder_spans(doc, spans + added)
