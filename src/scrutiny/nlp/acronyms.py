"""spaCy component ``scrutiny_acronyms``: acronyms the text defines.

"Department for Work and Pensions (DWP)" defines DWP: the pair is recorded in
``doc._.acronyms`` as ``(short, long)``, the bracketed acronym becomes a
mention of the same kind, and every later bare "DWP" in the same text too.
Links across passages are made when the store is tagged (see
:mod:`scrutiny.tagging`), from the recorded pairs.
"""

from __future__ import annotations

import re

from spacy.language import Language

from scrutiny.nlp.normalise import acronym_matches
from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans

_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]*[A-Z]$|^[A-Z]{2,}s?$")


@Language.factory("scrutiny_acronyms", default_config={"confidence": 0.8})
def make_acronyms(nlp, name, confidence: float):
    return Acronyms(name, confidence)


def is_acronym(text: str) -> bool:
    return 2 <= len(text) <= 8 and bool(_ACRONYM.match(text)) and sum(c.isupper() for c in text) >= 2


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
        for tok in doc:
            # <long span> ( ACR )
            if tok.text != "(" or tok.i + 2 >= len(doc) or doc[tok.i + 2].text != ")":
                continue
            short = doc[tok.i + 1]
            if not is_acronym(short.text):
                continue
            long = by_end.get(tok.i)
            if long is None or not acronym_matches(short.text, long.text):
                continue
            pairs.append((short.text, long.text))
            defined[short.text] = long
            new = make_span(doc, short.i, short.i + 1, long.label_, "rule", self.confidence, long.kb_id_)
            added.append(new)
        if defined:
            for tok in doc:
                long = defined.get(tok.text)
                if long is not None and not any(a.start == tok.i for a in added):
                    added.append(make_span(doc, tok.i, tok.i + 1, long.label_, "rule",
                                           self.confidence, long.kb_id_))
            keep = [s for s in spans if not overlaps(s, added)]
            set_stakeholder_spans(doc, keep + added)
        doc._.acronyms = pairs
        return doc
