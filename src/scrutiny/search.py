"""Search the passage index: BM25F, filters, phrase and boolean queries, snippets.

The query language is :mod:`scrutiny.query` (the site's search box parses the
same one, in ``query.js``): words are ANDed; ``"exact phrase"``; ``OR``,
``NOT`` and parentheses; ``heading:word`` to search headings only; ``word*``
prefix. Filters narrow by document, passage kind, page range, claim tag and
stakeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.index import open_index


@dataclass
class SearchFilters:
    doc: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    page_min: int | None = None
    page_max: int | None = None
    tag: tuple[str, ...] = ()
    stakeholder: tuple[str, ...] = ()


class _MarkFormatter:
    """Wraps matched terms in ``start``/``end`` markers (plain text, no HTML)."""

    def __init__(self, start: str = "**", end: str = "**", between: str = " … "):
        from whoosh.highlight import Formatter

        class F(Formatter):
            def format_token(self, text, token, replace=False):
                return f"{start}{text[token.startchar:token.endchar]}{end}"

        self._f = F()
        self._f.between = between

    def get(self):
        return self._f


def _filter_query(filters: SearchFilters):
    from whoosh import query as Q

    parts = []

    def any_of(field, values):
        values = [v for v in values if v]
        if values:
            parts.append(Q.Or([Q.Term(field, v.lower() if field in ("tags", "stakeholders") else v) for v in values]))

    any_of("doc_id", filters.doc)
    any_of("kind", filters.kind)
    any_of("tags", filters.tag)
    any_of("stakeholders", filters.stakeholder)
    if filters.page_min is not None or filters.page_max is not None:
        # the page as printed (what results show), not the PDF's page index
        parts.append(Q.NumericRange("printed", filters.page_min, filters.page_max))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def check_filters(filters: SearchFilters, known_docs, names_stakeholder) -> None:
    """Unknown filter values are errors, not silent empty results. The engine
    says what its index holds: ``known_docs()`` the set of document ids (asked
    only when a --doc filter needs it), ``names_stakeholder(id)`` whether a
    passage names that stakeholder id."""
    from scrutiny.errors import ScrutinyError
    from scrutiny.readers.base import BLOCK_KINDS

    docs = known_docs() if filters.doc else set()
    for d in filters.doc:
        if d not in docs:
            raise ScrutinyError(f"--doc {d}: no such document in the index (known: {', '.join(sorted(docs)) or 'none'})")
    for k in filters.kind:
        if k not in BLOCK_KINDS:
            raise ScrutinyError(f"--kind {k}: not a passage kind (use one of {', '.join(BLOCK_KINDS)})")
    if filters.tag:
        from scrutiny.schema import vocabulary

        kinds = list(vocabulary().claim_kinds)
        for t in filters.tag:
            if t.lower() not in kinds:
                raise ScrutinyError(f"--tag {t}: not a claim kind (use one of {', '.join(kinds)})")
    for sid in filters.stakeholder:
        if not names_stakeholder(sid.lower()):
            raise ScrutinyError(
                f"--stakeholder {sid}: no passage names this stakeholder id "
                "(list ids with `scrutiny stakeholders`)")


def _check_filters(searcher, filters: SearchFilters) -> None:
    """:func:`check_filters` on a Whoosh index."""
    def lexicon(field):
        return {t.decode() if isinstance(t, bytes) else t for t in searcher.lexicon(field)}

    stakeholders: set[str] = set()
    if filters.stakeholder:
        stakeholders = lexicon("stakeholders")
    check_filters(filters, lambda: lexicon("doc_id"), stakeholders.__contains__)


def _ranked(base):
    """``base`` (BM25F) with each passage's score multiplied by its ``rank``
    column (1 for body text, less for figures, contents pages and covers)."""
    from whoosh import scoring

    class Ranked(scoring.WeightingModel):
        def scorer(self, searcher, fieldname, text, qf=1):
            inner = base.scorer(searcher, fieldname, text, qf=qf)
            reader = searcher.reader()
            ranks = reader.column_reader("rank") if reader.has_column("rank") else None
            return _RankScorer(inner, ranks) if ranks is not None else inner

    class _RankScorer(scoring.BaseScorer):
        def __init__(self, inner, ranks):
            self.inner, self.ranks = inner, ranks

        def supports_block_quality(self):
            return False

        def score(self, matcher):
            return self.inner.score(matcher) * (self.ranks[matcher.id()] or 100) / 100

    return Ranked()


def weighting():
    """BM25F with the index's parameters, each passage's score multiplied by its rank."""
    from whoosh import scoring

    from scrutiny.index import B, K1

    return _ranked(scoring.BM25F(B=B, K1=K1))


def search(index_link, query: str, filters: SearchFilters | None = None, limit: int = 10,
           marks: tuple[str, str] = ("**", "**")) -> dict:
    """Run ``query``; returns {query, total, hits: [{passage_id, doc_id, ...}]}."""
    if isinstance(index_link, str) and index_link.startswith(("postgresql://", "postgres://")):
        from scrutiny.pgsearch import search as pg_search  # a shared store: its full-text index

        filters = filters or SearchFilters()
        return pg_search(index_link, query, filters, _filter_query(filters), limit, _MarkFormatter(*marks).get(),
                         _lead, check_filters)
    from whoosh import highlight

    from scrutiny.query import NO_WORDS, parse, to_whoosh

    filters = filters or SearchFilters()
    ix = open_index(index_link)
    node = parse(query)   # a QueryError (a ScrutinyError) says what is wrong with it
    if node is None:      # only small words ("the", "of"): nothing to look for
        return {"query": query, "total": 0, "hits": [], "note": NO_WORDS}
    q = to_whoosh(node)
    hits_out = []
    with ix.searcher(weighting=weighting()) as searcher:
        _check_filters(searcher, filters)
        results = _collect(searcher, q, _filter_query(filters), limit)
        results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        results.formatter = _MarkFormatter(*marks).get()
        total = len(results)
        for hit in results:
            text = hit["text"]
            snippet = hit.highlights("text", top=2) or hit.highlights("heading") or _lead(text)
            hits_out.append({
                "passage_id": hit["passage_id"],
                "doc_id": hit["doc_id"],
                "doc_label": hit.get("doc_label") or hit["doc_id"],
                "paged": hit.get("paged", True),
                "page": hit["page"],   # physical (the PDF's page index + 1)
                "page_end": hit.get("page_end", hit["page"]),
                "page_label": hit.get("page_label") or str(hit["page"]),  # as printed
                "page_end_label": hit.get("page_end_label") or str(hit.get("page_end", hit["page"])),
                "kind": hit["kind"],
                "heading": hit.get("heading", ""),
                "score": round(float(hit.score), 4),
                "text": text,
                "snippet": snippet,
                "tags": [t for t in (hit.get("tags") or "").split(",") if t],
                **({"ocr": hit["layout"]["ocr"]} if (hit.get("layout") or {}).get("ocr") else {}),
            })
    return {"query": query, "total": total, "hits": hits_out}


def _collect(searcher, q, fq, limit: int):
    """The top ``limit`` hits and the exact number of matches, in one pass.

    Whoosh's default top-N collector swaps in cheaper matchers as the heap
    fills (every ``replace`` matches) and skips blocks that cannot reach the
    top N, so the documents it never visits are not counted: the total of
    ``pension`` was 209 with ``-n 5`` and 501 with ``-n 1000``. Both are off
    here; every match (after the filter) is visited and counted.
    """
    from whoosh import collectors

    c = collectors.TopCollector(max(1, limit), usequality=False, replace=0)
    c = collectors.TermsCollector(c)
    if fq is not None:
        c = collectors.FilterCollector(c, fq)
    searcher.search_with_collector(q, c)
    return c.results()


def _lead(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"
