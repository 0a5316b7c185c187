"""Find the passages of a document that a search names: a claim locator's words.

    >>> PassageFinder(project, store).find("recovery rate", "fyfvmh")
    ['fyfvmh-abc...', ...]

With a search index (``scrutiny ingest`` builds one), the query is run as
``scrutiny search`` runs it; without, a passage matches when it holds every
word (a prefix of each, so that "recover" finds "recovery"). Used by the
cross-references (locating curated claims) and by ``scrutiny verify``.
"""

from __future__ import annotations

import re


class PassageFinder:
    def __init__(self, project, store):
        self.project = project
        self.store = store
        self._index_ok: bool | None = None

    def find(self, query: str, doc_id: str, limit: int = 3) -> list[str]:
        """Ids of passages of ``doc_id`` that ``query`` finds, best first."""
        if self._index_ok is None:
            if self.project.database:      # the full-text index lives in the database
                from scrutiny.pgsearch import content_version

                self._index_ok = content_version(self.store) is not None
            else:
                from scrutiny.index import index_exists

                self._index_ok = index_exists(self.project.index_path)
        if self._index_ok:
            from scrutiny.search import SearchFilters, search

            result = search(self.project.index_location, query, SearchFilters(doc=(doc_id,)), limit=limit)
            return [h["passage_id"] for h in result["hits"]]
        from scrutiny.passages import normalise

        words = [w for w in re.findall(r"\w+", normalise(query)) if w not in ("and", "or", "not")]
        out = []
        for p in self.store.passages(doc_id):
            text = normalise(p.text)
            if all(re.search(r"\b" + re.escape(w[: max(4, len(w) - 2)]), text) for w in words):
                out.append(p.id)
        return out
