"""The claims register as data: what ``scrutiny kb claims`` lists."""

from __future__ import annotations

from scrutiny.kb.model import KnowledgeBase


def claims_register(kb: KnowledgeBase, status: str | None = None, kind: str | None = None,
                    doc: str | None = None) -> list[dict]:
    """The claims of ``kb`` as records, optionally filtered by status, kind or document.

    Each record is ``{id, statement, kinds, status, documents, critique,
    evidence, sources}``; a document is ``{doc, locate: {search, passages}}``.
    """
    out = []
    for claim in kb.claims:
        if status and claim.status != status:
            continue
        if kind and kind not in claim.kinds:
            continue
        if doc and doc not in {d.doc for d in claim.documents}:
            continue
        out.append(claim.to_dict())
    return out
