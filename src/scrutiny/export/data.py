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
from scrutiny.tags.queries import ExtractedStakeholder, Mention, TaggedClaim, TieCandidate
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
    extracted_stakeholders: list[ExtractedStakeholder] = field(default_factory=list)
    old_page_labels: dict[str, str | None] = field(default_factory=dict)   # old id -> page as printed then

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
    from scrutiny.manifest import read_manifest
    from scrutiny.metadata import merged
    from scrutiny.versions import old_page_label

    entries = read_manifest(project.manifest_path).documents
    documents = []
    for d in store.documents():  # described by the manifest, the one source of their metadata
        entry = entries.get(d["id"])
        documents.append(merged({k: v for k, v in entry.to_dict().items() if k not in ("source", "sha256")}
                                if entry else None, d))
    redirects = store.redirects()
    data = ExportData(documents=documents, passages=store.passages(), redirects=redirects, kb=kb,
                      old_page_labels={r.old_id: old_page_label(store, r) for r in redirects})
    if tags.last_run(store) is not None:
        data.extracted_stakeholders = tags.extracted_stakeholders(store)
        data.mentions = tags.mentions(store)
        data.tagged_claims = tags.list_claims(store)
        data.tie_candidates = tags.tie_candidates(store)
    if xref.built(store):
        data.xref_links = xref.links(store)
        data.xref_claims = xref.claim_passages(store)
        data.stakeholder_docs = xref.stakeholder_documents(store)
    return data
