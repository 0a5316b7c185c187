"""The claims register as data: what ``scrutiny kb claims`` lists."""

from __future__ import annotations

from scrutiny.kb.model import Claim, KnowledgeBase


def claim_record(claim: Claim) -> dict:
    """``{id, statement, kinds, status, documents, critique, sources}`` plus evidence."""
    return claim.to_dict()


def claims_register(kb: KnowledgeBase, status: str | None = None, kind: str | None = None,
                    doc: str | None = None) -> list[dict]:
    """The claims of ``kb`` as records, optionally filtered by status, kind or document."""
    out = []
    for claim in kb.claims:
        if status and claim.status != status:
            continue
        if kind and kind not in claim.kinds:
            continue
        if doc and doc not in {d.doc for d in claim.documents}:
            continue
        out.append(claim_record(claim))
    return out
