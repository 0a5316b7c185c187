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
        self._links: list[Link] | None = None
        self._by_doc: tuple[dict, dict] | None = None

    def key(self):
        """A fingerprint of the cross-references (part of every page's inputs that shows them)."""
        return queries.key(self.store) if self.built else None

    def discussed(self, doc_id: str) -> dict[str, list[Link]]:
        """{policy passage id: [Link]}: what discusses the passages of one document
        (as ``queries.links_to_document`` orders them)."""
        return self._documents()[0].get(doc_id, {}) if self.built else {}

    def related(self, doc_id: str) -> dict[str, list[Link]]:
        """{critique passage id: [Link]}: what the passages of one (critique) document
        discuss (as ``queries.links_from_document`` orders them)."""
        return self._documents()[1].get(doc_id, {}) if self.built else {}

    def _documents(self) -> tuple[dict, dict]:
        """Every link to a passage, by the document at each end, read in one query:
        the document pages ask for every document's, and most have none (two
        queries a document were a tenth of the document pages at 10,000 documents)."""
        if self._by_doc is None:
            to: dict[str, dict[str, list[Link]]] = {}
            of: dict[str, dict[str, list[Link]]] = {}
            for x in self.passage_links():
                if x.target_doc is not None:
                    to.setdefault(x.target_doc, {}).setdefault(x.target_id, []).append(x)
                if x.source_doc is not None:
                    of.setdefault(x.source_doc, {}).setdefault(x.source_id, []).append(x)

            def score(x):   # higher first, none last
                return (x.score is None, -(x.score or 0.0))

            for doc in to.values():
                for pid in doc:
                    doc[pid].sort(key=lambda x: (x.method, *score(x), x.source_id))
            for doc in of.values():
                for pid in doc:
                    doc[pid].sort(key=lambda x: (x.method == "tfidf", *score(x), x.target_id))
            self._by_doc = ({d: dict(sorted(v.items())) for d, v in to.items()},
                            {d: dict(sorted(v.items())) for d, v in of.items()})
        return self._by_doc

    def essay_passages(self, essay_id: str, limit: int = 40) -> list[EssayTarget]:
        return queries.essay_targets(self.store, essay_id, limit) if self.built else []

    def passage_links(self) -> list[Link]:
        if not self.built:
            return []
        if self._links is None:
            self._links = queries.passage_links(self.store)
        return self._links

    def recurrences(self, claim_id: str) -> list[ClaimPassage]:
        return queries.claim_recurrences(self.store, claim_id) if self.built else []

    def named_in(self, stakeholder_id: str) -> list[StakeholderDocument]:
        return queries.stakeholder_documents(self.store, stakeholder_id) if self.built else []
