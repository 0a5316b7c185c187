"""The span group every name component writes to, and its extensions.

``doc.spans["stakeholders"]`` holds one span per stakeholder mention; the span
label is the stakeholder kind (person, organisation, document, programme) and
``span.kb_id_`` the curated stakeholder id when one is known. ``span._.source``
says which component found it (curated, model, rule), ``span._.confidence`` how
sure it is.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

GROUP = "stakeholders"
KINDS = ("person", "organisation", "document", "programme")

for _name, _default in (("source", None), ("confidence", 0.0)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
for _name in ("acronyms", "claims", "ties"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def stakeholder_spans(doc) -> list:
    return list(doc.spans[GROUP]) if GROUP in doc.spans else []


def set_stakeholder_spans(doc, spans) -> None:
    doc.spans[GROUP] = sorted(spans, key=lambda s: (s.start, s.end))


def overlaps(span, others) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


def make_span(doc, start, end, kind, source, confidence, kb_id=""):
    span = Span(doc, start, end, label=kind, kb_id=kb_id or "")
    span._.source = source
    span._.confidence = confidence
    return span
