"""The cross-references as the site shows them (read through :mod:`scrutiny.xref.queries`).

- critique -> passage links (markup in an essay, or TF-IDF suggestions with a
  score): shown under the policy passage ("discussed in the critique") and
  under the critique passage ("related passages");
- the same claim across documents (located, same figure, similar wording);
- stakeholders -> the documents that name them.

Cross-references that were never built are an explicit state: ``built`` is
False, every reader returns nothing, and every page says so
(``scrutiny.site.stages_pending``).
"""

from __future__ import annotations

from scrutiny.xref import queries
from scrutiny.xref.queries import ClaimPassage, EssayTarget, Link, StakeholderDocument


class SiteXrefs:
    def __init__(self, store):
        self.store = store
        self.built = store is not None and queries.built(store)

    def key(self):
        """A fingerprint of the cross-references (part of every page's inputs that shows them)."""
        return queries.key(self.store) if self.built else None

    def discussed(self, doc_id: str) -> dict[str, list[Link]]:
        """{policy passage id: [Link]}: what discusses the passages of one document."""
        return queries.links_to_document(self.store, doc_id) if self.built else {}

    def related(self, doc_id: str) -> dict[str, list[Link]]:
        """{critique passage id: [Link]}: what the passages of one (critique) document discuss."""
        return queries.links_from_document(self.store, doc_id) if self.built else {}

    def essay_passages(self, essay_id: str, limit: int = 40) -> list[EssayTarget]:
        return queries.essay_targets(self.store, essay_id, limit) if self.built else []

    def passage_links(self) -> list[Link]:
        return queries.passage_links(self.store) if self.built else []

    def recurrences(self, claim_id: str) -> list[ClaimPassage]:
        return queries.claim_recurrences(self.store, claim_id) if self.built else []

    def named_in(self, stakeholder_id: str) -> list[StakeholderDocument]:
        return queries.stakeholder_documents(self.store, stakeholder_id) if self.built else []
