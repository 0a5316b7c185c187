"""Flat tables for CSV (spreadsheets) and the JSON dump."""

from __future__ import annotations

import json
from dataclasses import asdict


def tables(data, base_url: str = "") -> dict[str, list[dict]]:
    from scrutiny.cite.csl import permalink

    kb = data.kb
    t: dict[str, list[dict]] = {}
    t["documents"] = [
        {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
         for k, v in d.items() if k != "metadata"} for d in data.documents]
    t["passages"] = [
        {"id": p.id, "doc_id": p.doc_id, "ord": p.ord, "kind": p.kind, "page": p.page,
         "page_end": p.page_end, "heading": p.heading, "permalink": permalink(p.id, base_url),
         "text": p.text} for p in data.passages]
    t["redirects"] = [
        {"old_id": r.old_id, "doc_id": r.doc_id, "new_id": r.new_id, "method": r.method, "score": r.score,
         "old_page": r.old_page, "created_at": r.created_at}
        for r in data.redirects]
    t["stakeholders"] = [
        {"id": s.id, "name": s.name, "kind": s.kind, "sector": s.sector, "aliases": "; ".join(s.aliases),
         "doc_id": s.doc_id, "sources": "; ".join(r.source for r in s.sources)}
        for s in (kb.stakeholders.values() if kb else [])]
    t["ties"] = [
        {"id": x.id, "subject": x.subject, "relation": x.relation, "object": x.object, "role": x.role,
         "start": x.start, "end": x.end, "status": "curated",
         "sources": "; ".join(r.source + (f" ({r.locator})" if r.locator else "") for r in x.sources),
         "passages": "; ".join(x.passages)} for x in (kb.ties if kb else [])]
    t["claims"] = [
        {"id": c.id, "statement": c.statement, "kinds": "; ".join(c.kinds), "status": c.status,
         "documents": "; ".join(d.doc for d in c.documents), "critique": c.critique,
         "sources": "; ".join(r.source for r in c.sources)} for c in (kb.claims if kb else [])]
    t["tagged_claims"] = [
        {"id": c.id, "passage_id": c.passage_id, "doc_id": c.doc_id,
         **_pages(data, c.passage_id, c.start, c.end, c.page),
         "kinds": "; ".join(c.kinds), "confidence": c.confidence, "source": c.source, "text": c.text}
        for c in data.tagged_claims]
    t["mentions"] = [
        {"passage_id": m.passage_id, "start": m.start, "end": m.end,
         "page": _pages(data, m.passage_id, m.start, m.end, None)["page"], "text": m.text,
         "kind": m.kind, "stakeholder_id": m.stakeholder_id or m.curated_id,
         "source": m.source, "confidence": m.confidence} for m in data.mentions]
    t["xrefs"] = [asdict(r) for r in data.xref_links]
    t["claim_recurrences"] = [asdict(r) for r in data.xref_claims]
    t["stakeholder_documents"] = [asdict(r) for r in data.stakeholder_docs]
    return t


def _pages(data, passage_id: str, start: int, end: int, stored) -> dict:
    """The page (and last page) of characters start..end of a passage: a sentence of
    a passage that runs overleaf stands on its own page (the passage's page_breaks)."""
    p = data.passage(passage_id)
    if p is None:
        return {"page": stored, "page_end": stored}
    return {"page": p.page_at(start), "page_end": p.page_at(max(end - 1, start), end=True)}
