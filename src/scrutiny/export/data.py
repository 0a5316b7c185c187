"""What every export draws on: the store's tables and the knowledge base, as plain dicts.

Derived tables (tagging, cross-references) are read only when they exist, so
an export works at every stage of the pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from scrutiny.passages import Passage
from scrutiny.store import Redirect


@dataclass
class ExportData:
    documents: list[dict]
    passages: list[Passage]
    redirects: list[Redirect]
    kb: object | None = None
    mentions: list[dict] = field(default_factory=list)
    tagged_claims: list[dict] = field(default_factory=list)
    tie_candidates: list[dict] = field(default_factory=list)
    xref_links: list[dict] = field(default_factory=list)
    xref_claims: list[dict] = field(default_factory=list)
    stakeholder_docs: list[dict] = field(default_factory=list)

    def passage(self, pid: str) -> Passage | None:
        if not hasattr(self, "_by_id"):
            self._by_id = {p.id: p for p in self.passages}
        return self._by_id.get(pid)


def _rows(store, sql: str, table: str) -> list[dict]:
    if not store.has_table(table):
        return []
    return [dict(r) for r in store.db.execute(sql)]


def collect(project, store) -> ExportData:
    kb = None
    if project.kb_dir.is_dir():
        from scrutiny.kb import load_with_problems

        kb, _ = load_with_problems(project.kb_dir, project.manifest_path)
    claims = _rows(store, "SELECT * FROM nlp_claims ORDER BY doc_id, passage_id, start", "nlp_claims")
    for c in claims:
        c["kinds"] = json.loads(c.get("kinds") or "[]")
        c["details"] = json.loads(c.get("details") or "{}")
    return ExportData(
        documents=store.documents(),
        passages=store.passages(),
        redirects=store.redirects(),
        kb=kb,
        mentions=_rows(store, "SELECT * FROM nlp_mentions ORDER BY passage_id, start", "nlp_mentions"),
        tagged_claims=claims,
        tie_candidates=_rows(store, "SELECT * FROM nlp_tie_candidates ORDER BY passage_id, sent_start",
                             "nlp_tie_candidates"),
        xref_links=_rows(store, "SELECT * FROM xref_links ORDER BY source_id, target_kind, target_id", "xref_links"),
        xref_claims=_rows(store, "SELECT * FROM xref_claims ORDER BY group_id, doc_id, passage_id", "xref_claims"),
        stakeholder_docs=_rows(store, "SELECT * FROM xref_stakeholder_docs ORDER BY stakeholder_id, doc_id",
                               "xref_stakeholder_docs"),
    )
