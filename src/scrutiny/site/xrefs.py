"""Read the cross-references (``scrutiny.xref``) for the site, when they exist.

- critique -> passage links (markup in an essay, or TF-IDF suggestions with a
  score): shown under the policy passage ("discussed in the critique") and
  under the critique passage ("related passages");
- the same claim across documents (located, same figure, similar wording);
- stakeholders -> the documents that name them.

Without the xref tables (or the module) every method returns nothing.
"""

from __future__ import annotations

from collections import defaultdict

from scrutiny.site.guard import guarded


class XrefReader:
    def __init__(self, store):
        self.store = store
        has = (lambda t: store is not None and store.has_table(t))
        self.links = has("xref_links")
        self.claims = has("xref_claims")
        self.stakeholders = has("xref_stakeholder_docs")

    @guarded(list)
    def key(self):
        """A fingerprint of the cross-references (part of every page's inputs that shows them)."""
        if self.store is None:
            return None
        out = []
        for table, cols in (("xref_links", "total(coalesce(score, 0)) + count(*)"),
                            ("xref_claims", "total(coalesce(score, 0)) + count(*)"),
                            ("xref_stakeholder_docs", "total(mentions) + count(*)")):
            if self.store.has_table(table):
                out.append(round(self.store.db.execute(f"SELECT {cols} FROM {table}").fetchone()[0], 6))
        return out

    @guarded(dict)
    def discussed(self, doc_id: str) -> dict[str, list[dict]]:
        """{policy passage id: [{essay_id, source_id, source_doc, method, score}]} for one document."""
        out = defaultdict(list)
        if not self.links:
            return {}
        rows = self.store.db.execute(
            "SELECT x.target_id, x.essay_id, x.source_id, x.method, x.score, p.doc_id FROM xref_links x "
            "LEFT JOIN passages p ON p.id = x.source_id "
            "WHERE x.target_kind = 'passage' AND x.target_id IN (SELECT id FROM passages WHERE doc_id = ?) "
            "ORDER BY x.target_id, x.method, x.score DESC, x.source_id", (doc_id,))
        for target, essay, source, method, score, source_doc in rows:
            out[target].append({"essay_id": essay, "source_id": source, "source_doc": source_doc,
                                "method": method, "score": None if score is None else round(score, 2)})
        return dict(out)

    @guarded(dict)
    def related(self, doc_id: str) -> dict[str, list[dict]]:
        """{critique passage id: [{passage_id, doc_id, page, method, score}]} for one (critique) document."""
        out = defaultdict(list)
        if not self.links:
            return {}
        rows = self.store.db.execute(
            "SELECT x.source_id, x.target_id, p.doc_id, p.page, x.method, x.score FROM xref_links x "
            "JOIN passages p ON p.id = x.target_id "
            "WHERE x.target_kind = 'passage' AND x.source_id IN (SELECT id FROM passages WHERE doc_id = ?) "
            "ORDER BY x.source_id, x.method = 'tfidf', x.score DESC, x.target_id", (doc_id,))
        for source, target, tdoc, page, method, score in rows:
            out[source].append({"passage_id": target, "doc_id": tdoc, "page": page, "method": method,
                                "score": None if score is None else round(score, 2)})
        return dict(out)

    @guarded(list)
    def essay_passages(self, essay_id: str, limit: int = 40) -> list[dict]:
        """The passages an essay points at (its markup first, then suggestions by score)."""
        if not self.links:
            return []
        rows = self.store.db.execute(
            "SELECT x.target_id, x.method, max(x.score) FROM xref_links x JOIN passages p ON p.id = x.target_id "
            "WHERE x.target_kind = 'passage' AND (x.essay_id = ? OR x.source_id IN "
            "(SELECT id FROM passages WHERE doc_id = ?)) GROUP BY x.target_id, x.method "
            "ORDER BY x.method = 'tfidf', max(x.score) DESC, x.target_id LIMIT ?", (essay_id, essay_id, limit))
        seen, out = set(), []
        for pid, method, score in rows:
            if pid not in seen:
                seen.add(pid)
                out.append({"passage_id": pid, "method": method, "score": None if score is None else round(score, 2)})
        return out

    @guarded(list)
    def passage_links(self) -> list[tuple[str, str, str]]:
        """[(target passage id, source id, method)] of every link to a passage."""
        if not self.links:
            return []
        return [tuple(r) for r in self.store.db.execute(
            "SELECT target_id, source_id, method FROM xref_links WHERE target_kind = 'passage' "
            "ORDER BY target_id, source_id")]

    @guarded(list)
    def recurrences(self, claim_id: str) -> list[dict]:
        """[{passage_id, doc_id, origin, surface, score}] where a curated claim is made."""
        if not self.claims:
            return []
        rows = self.store.db.execute(
            "SELECT x.passage_id, x.doc_id, x.origin, x.surface, x.score FROM xref_claims x "
            "JOIN passages p ON p.id = x.passage_id WHERE x.claim_id = ? "
            "ORDER BY x.origin != 'located', x.doc_id, p.ord", (claim_id,))
        return [{"passage_id": r[0], "doc_id": r[1], "origin": r[2], "surface": r[3],
                 "score": None if r[4] is None else round(r[4], 2)} for r in rows]

    @guarded(list)
    def named_in(self, stakeholder_id: str) -> list[dict]:
        """[{doc, count, passages}] of the documents naming a stakeholder, most first."""
        if not self.stakeholders:
            return []
        rows = self.store.db.execute(
            "SELECT doc_id, mentions, passages FROM xref_stakeholder_docs WHERE stakeholder_id = ? "
            "ORDER BY mentions DESC, doc_id", (stakeholder_id,))
        return [{"doc": r[0], "count": r[1], "passages": r[2]} for r in rows]
