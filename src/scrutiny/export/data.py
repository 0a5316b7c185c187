"""What every export draws on: the store, the knowledge base, and the tags and
cross-references through their stages' read APIs.

The tags and cross-references are read only when their stages have run, so an
export works at every stage of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrutiny.kb.model import KnowledgeBase
from scrutiny.passages import Passage
from scrutiny.store import Redirect
from scrutiny.tags.queries import Mention, TaggedClaim, TieCandidate
from scrutiny.xref.queries import ClaimPassage, Link, StakeholderDocument


@dataclass
class ExportData:
    documents: list[dict]
    passages: list[Passage]
    redirects: list[Redirect]
    kb: KnowledgeBase | None = None
    mentions: list[Mention] = field(default_factory=list)
    tagged_claims: list[TaggedClaim] = field(default_factory=list)
    tie_candidates: list[TieCandidate] = field(default_factory=list)
    xref_links: list[Link] = field(default_factory=list)
    xref_claims: list[ClaimPassage] = field(default_factory=list)
    stakeholder_docs: list[StakeholderDocument] = field(default_factory=list)

    def passage(self, pid: str) -> Passage | None:
        if not hasattr(self, "_by_id"):
            self._by_id = {p.id: p for p in self.passages}
        return self._by_id.get(pid)


def collect(project, store) -> ExportData:
    """Everything the store and kb/ hold; the tags and cross-references when those stages have run."""
    from scrutiny.tags import queries as tags
    from scrutiny.xref import queries as xref

    kb = None
    if project.kb_dir.is_dir():
        from scrutiny.kb import load_with_problems

        kb, _ = load_with_problems(project.kb_dir, project.manifest_path)
    data = ExportData(documents=store.documents(), passages=store.passages(), redirects=store.redirects(), kb=kb)
    if tags.last_run(store) is not None:
        data.mentions = tags.mentions(store)
        data.tagged_claims = tags.list_claims(store)
        data.tie_candidates = tags.tie_candidates(store)
    if xref.built(store):
        data.xref_links = xref.links(store)
        data.xref_claims = xref.claim_passages(store)
        data.stakeholder_docs = xref.stakeholder_documents(store)
    return data
