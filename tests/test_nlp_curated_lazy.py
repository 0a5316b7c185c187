"""The curated-names matcher takes a name in only when a text may hold it (tokenising
10,000 titles for a few passages was most of loading the tagger): what it finds is
what a matcher holding every name at once finds, the same spans with the same ids,
names listed twice and names that are not ASCII included."""

from __future__ import annotations

import spacy

from scrutiny.nlp import curated_names
from scrutiny.nlp.pipeline import _register
from scrutiny.nlp.spans import stakeholder_spans

NAMES = sorted([
    ("acme-trust", "organisation", "Acme Trust"),
    ("acme-again", "organisation", "ACME trust"),          # the same words: listed twice
    ("kestrel-review", "document", "Review of the Kestrel Estuary (2019)"),
    ("mind", "organisation", "Mind"),                      # shorter than a gram: in at once
    ("cafe-nord", "organisation", "Café Nord"),            # not ASCII: in at once
    ("nhs-england", "organisation", "NHS England"),
    ("nhs-england-doc", "document", "NHS  England"),       # the same tokens, other spacing
    ("harbour", "programme", "Harbour Fund"),
    ("unheard", "organisation", "Unheard Of Council"),     # in no text: never tokenised
])
TEXTS = [
    "The Acme Trust published the Review of the Kestrel Estuary (2019) with NHS England.",
    "MIND and Café Nord met the ACME TRUST about the harbour fund.",
    "The Harbour Fund, NHS England and Mind.",
    "Nothing here names anyone.",
]


def _found(monkeypatch, gram: int):
    monkeypatch.setattr(curated_names, "GRAM", gram)
    _register()
    nlp = spacy.blank("en")
    nlp.add_pipe("scrutiny_curated_names")
    component = nlp.get_pipe("scrutiny_curated_names")
    component.add_names(NAMES)
    found = [[(s.start_char, s.end_char, s.label_, s.kb_id_) for s in stakeholder_spans(doc)]
             for doc in nlp.pipe(TEXTS)]
    return found, component


def test_a_name_taken_in_when_needed_is_found_as_at_once(monkeypatch):
    eager, all_in = _found(monkeypatch, 10 ** 6)      # no name waits: every one in the matcher
    assert not all_in.waiting and len(all_in.matcher) == len(NAMES)
    lazy, some_in = _found(monkeypatch, 4)
    assert lazy == eager
    assert {kb for spans in eager for *_x, kb in spans} >= {"acme-again", "kestrel-review", "nhs-england",
                                                           "cafe-nord", "harbour"}
    waiting = {key for group in some_in.waiting.values() for keys in group.values() for key in keys}
    assert [some_in.entries[k][0] for k in waiting] == ["unheard"]
