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


def check_filters(filters: SearchFilters, known_docs, names_stakeholder, holds_tag=None, has_doc=None) -> None:
    """Unknown filter values are errors, not silent empty results. The engine
    says what its index holds: ``known_docs()`` the set of document ids (asked
    only when a --doc filter needs it), ``names_stakeholder(id)`` whether a
    passage names that stakeholder id, and (optionally) ``holds_tag(kind)``
    whether a passage has that claim kind: such a tag needs no look at the
    vocabulary (whose YAML reader a `scrutiny search` does not load then).
    ``has_doc(id)`` (optional) says whether the index holds a document, so that
    ``known_docs()`` is asked only to name them in the error."""
    from scrutiny.errors import ScrutinyError

    if has_doc is None:
        docs = known_docs() if filters.doc else set()
        has_doc = docs.__contains__
    for d in filters.doc:
        if not has_doc(d):
            docs = known_docs()
            raise ScrutinyError(f"--doc {d}: no such document in the index (known: {', '.join(sorted(docs)) or 'none'})")
    if filters.kind:
        from scrutiny.readers.base import BLOCK_KINDS
    for k in filters.kind:
        if k not in BLOCK_KINDS:
            raise ScrutinyError(f"--kind {k}: not a passage kind (use one of {', '.join(BLOCK_KINDS)})")
    if any(not (holds_tag and holds_tag(t.lower())) for t in filters.tag):
        from scrutiny.schema import vocabulary

        kinds = list(vocabulary().claim_kinds)
        for t in filters.tag:
            if t.lower() not in kinds and not (holds_tag and holds_tag(t.lower())):
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

    reader = searcher.reader()

    def holds(field):   # a term looked up, not the field's words listed (10,000 documents' ids)
        return lambda value: (field, value) in reader

    check_filters(filters, lambda: lexicon("doc_id"), holds("stakeholders"), holds("tags"), has_doc=holds("doc_id"))


def _ranked(base):
    """``base`` (BM25F) with each passage's score multiplied by its ``rank``
    column (1 for body text, less for figures, contents pages and covers).

    A term's score in a passage is ``base``'s own formula (``_score(weight,
    field length)``) times the rank, the same arithmetic as
    ``base.scorer(...).score(matcher) * rank / 100``; the field lengths and
    ranks are read from each segment's columns once (:func:`_segment_columns`),
    not through Whoosh's column readers at every match."""
    from whoosh import scoring

    class Ranked(scoring.WeightingModel):
        def scorer(self, searcher, fieldname, text, qf=1):
            inner = base.scorer(searcher, fieldname, text, qf=qf)
            cols = _segment_columns(searcher.reader())
            if not cols.has_rank:
                return inner
            lengths = cols.lengths(fieldname) if isinstance(inner, scoring.WeightLengthScorer) else None
            return _RankScorer(inner, lambda d: cols.rank(d), lengths,
                               cols.raw(fieldname) if lengths is not None else None, lambda: cols.keyed(fieldname))

    class _RankScorer(scoring.BaseScorer):
        def __init__(self, inner, rank, lengths, raw=None, keyed=None):
            self.inner, self.rank, self.lengths, self.raw, self.keyed = inner, rank, lengths, raw, keyed
            self._keys = None   # (keyed(), {weight: its place x span}, the weights by place, {key: score})
            if lengths is not None:
                self.score = self._score_fast
                self.score_postings = self._score_postings

        def _score_postings(self, ids, weights, docs):
            """{passage: score} of a term's postings (``ids``, ``weights``) in ``docs``
            (None: all of them): _score_fast's arithmetic without a matcher
            (scrutiny.search_eval scores a posting list at a time), computed once for
            each (weight, length, rank)."""
            inner_score = self.inner._score
            if self.raw is None:
                lengths, rank = self.lengths, self.rank
                return {d: inner_score(w, lengths(d)) * (rank(d) or 100) / 100
                        for d, w in zip(ids, weights) if docs is None or d in docs}
            if not ids:
                return {}
            from operator import add, itemgetter

            codes, table, ranks, translate = self.raw
            # each posting's (weight, length byte, rank) as one integer, looked up in C: the
            # document's key (length byte x ranks + the rank's place, _SegmentColumns.keyed)
            # plus the weight's place x span; scored once per distinct one (kept for the
            # next postings of this term in this search)
            if self._keys is None:
                self._keys = (*self.keyed(), {}, [], {})
            per_doc, order, span, places, by_place, memo = self._keys
            for w in set(weights):
                if w not in places:
                    places[w] = len(by_place) * span
                    by_place.append(w)
            at = itemgetter(*ids)
            doc_keys = at(per_doc) if len(ids) > 1 else (per_doc[ids[0]],)
            keys = list(map(add, doc_keys, map(places.__getitem__, weights)))
            n = len(order)
            for key in set(keys).difference(memo):
                place, rest = divmod(key, span)
                code, r = divmod(rest, n)
                w, r = by_place[place], order[r]
                r = r if translate is None else translate(r)
                memo[key] = inner_score(w, table[code]) * (r or 100) / 100
            scored = dict(zip(ids, map(memo.__getitem__, keys)))
            if docs is None:
                return scored
            if len(docs) < len(scored):
                return {d: scored[d] for d in docs if d in scored}
            return scored if len(docs) == len(scored) and docs.issuperset(scored) else {
                d: s for d, s in scored.items() if d in docs}

        def supports_block_quality(self):
            return False

        def score(self, matcher):
            return self.inner.score(matcher) * (self.rank(matcher.id()) or 100) / 100

        def _score_fast(self, matcher):
            d = matcher.id()
            return self.inner._score(matcher.weight(), self.lengths(d)) * (self.rank(d) or 100) / 100


    return Ranked()


class _SegmentColumns:
    """One segment's ``rank`` column and field lengths as plain Python
    sequences, read once per segment reader (the values Whoosh's
    ``column_reader("rank")[doc]`` and ``doc_field_length(doc, field, 1)`` give)."""

    def __init__(self, reader):
        from scrutiny.best_postings import for_reader

        self.reader = reader
        self.has_rank = reader.has_column("rank")
        self._lengths: dict = {}
        self._length_functions: dict = {}
        self._raw_lengths: dict = {}   # field -> (length byte of every document, byte -> length)
        self._raw_rank = None          # (rank value of every document, its translation or None)
        self._keyed: dict = {}         # field -> keyed(field)
        self._rank = None
        # the segment's best-first file keeps each passage's key (scrutiny.best_postings):
        # Whoosh's columns are then read only if a matcher asks for a rank or a length
        self.best = for_reader(reader) if self.has_rank else None

    @property
    def rank(self):
        """doc number -> its rank (read from the column when first asked for)."""
        if self._rank is None:
            self._rank = self._numeric(self.reader.column_reader("rank"))
        return self._rank

    @staticmethod
    def _raw(col):
        """(values, count, default) of a fixed-width numeric column, or None when
        this Whoosh keeps its columns otherwise (then its reader is asked per document)."""
        import struct

        try:
            dbfile, base, count, width = col._dbfile, col._basepos, col._count, col._fixedlen
            code, default = col._typecode, col._default
        except AttributeError:
            return None
        data = dbfile.get(base, count * width)
        return struct.unpack(f"!{count}{code}", data), count, default

    def _numeric(self, col):
        raw_col = col.raw_column() if hasattr(col, "raw_column") else col
        translate = getattr(col, "_translate", None) if raw_col is not col else None
        raw = self._raw(raw_col)
        if raw is None:
            return col.__getitem__
        values, count, default = raw
        self._raw_rank = (self._padded(values, count, default), translate)
        if translate is None:
            return lambda d: values[d] if d < count else default
        memo: dict = {}

        def value(d):
            v = values[d] if d < count else default
            try:
                return memo[v]
            except KeyError:
                memo[v] = out = translate(v)
                return out

        return value

    def lengths(self, fieldname):
        """doc number -> the field's length in it, as ``doc_field_length(doc, field, 1)``
        (the column read when first asked for)."""
        if fieldname not in self._lengths:
            def length(d):
                return self._length_function(fieldname)(d)

            self._lengths[fieldname] = length
        return self._lengths[fieldname]

    def _length_function(self, fieldname):
        fn = self._length_functions.get(fieldname)
        if fn is None:
            fn = self._length_functions[fieldname] = self._field_lengths(fieldname)
        return fn

    def _field_lengths(self, fieldname):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        perdoc = getattr(self.reader, "_perdoc", None)
        col = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
        raw = self._raw(col) if col is not None else None
        if raw is None:
            reader = self.reader
            return lambda d: reader.doc_field_length(d, fieldname, 1)
        values, count, default = raw
        table = [None] + [byte_to_length(b) for b in range(1, 256)]   # a zero byte: no length (None)
        self._raw_lengths[fieldname] = (self._padded(values, count, default), table)
        default = table[default]
        return lambda d: table[values[d]] if d < count else default

    def _padded(self, values, count, default):
        """``values`` with ``default`` for the documents past the column's end."""
        n = self.reader.doc_count_all()
        return values + (default,) * (n - count) if n > count else values

    def keyed(self, fieldname):
        """(every document's key: its length byte x the number of distinct ranks + its
        rank's place among them; the distinct ranks; 256 x their number, the span of
        the keys) for :meth:`_RankScorer._score_postings`, made once per segment and field."""
        kept = self._keyed.get(fieldname)
        if kept is None and self.best is not None and self.best.has_columns(fieldname):
            per_doc, order = self.best.columns(fieldname)
            kept = self._keyed[fieldname] = (per_doc, order, 256 * len(order))
        if kept is None:
            from itertools import repeat
            from operator import add, mul

            codes, _, ranks, _ = self.raw(fieldname)
            order = list(set(ranks))
            place = {r: i for i, r in enumerate(order)}
            per_doc = list(map(add, map(mul, codes, repeat(len(order))), map(place.__getitem__, ranks)))
            kept = self._keyed[fieldname] = (per_doc, order, 256 * len(order))
        return kept

    def raw(self, fieldname):
        """(length bytes, byte -> length, ranks, rank translation or None) of every
        document, for :meth:`_RankScorer._score_postings`; None when this Whoosh
        keeps its columns otherwise."""
        if self.best is not None and self.best.has_columns(fieldname):
            # the keys of the best-first file: ranks as they are (no translation)
            return None, _LENGTH_TABLE(), None, None
        self._length_function(fieldname)
        self.rank
        lengths = self._raw_lengths.get(fieldname)
        if lengths is None or self._raw_rank is None:
            return None
        return (*lengths, *self._raw_rank)


def _LENGTH_TABLE():
    """byte -> field length, as Whoosh stores lengths (a zero byte: no length, None)."""
    global _TABLE
    if _TABLE is None:
        from whoosh.util.numeric import byte_to_length

        _TABLE = [None] + [byte_to_length(b) for b in range(1, 256)]
    return _TABLE


_TABLE = None


def _segment_columns(reader) -> _SegmentColumns:
    cols = reader.__dict__.get("_scrutiny_columns")
    if cols is None:
        cols = reader.__dict__["_scrutiny_columns"] = _SegmentColumns(reader)
    return cols


def weighting():
    """BM25F with the index's parameters, each passage's score multiplied by its rank."""
    from whoosh import scoring

    from scrutiny.index import B, K1

    return _ranked(scoring.BM25F(B=B, K1=K1))


def search(index_link, query: str, filters: SearchFilters | None = None, limit: int = 10,
           marks: tuple[str, str] = ("**", "**")) -> dict:
    """Run ``query``; returns {query, total, hits: [{passage_id, doc_id, ...}]}."""
    from scrutiny.whoosh_import import prepare

    prepare()   # Whoosh without urllib.request and asyncio: a `scrutiny search` process starts faster
    if isinstance(index_link, str) and index_link.startswith(("postgresql://", "postgres://")):
        from scrutiny.pgsearch import search as pg_search  # a shared store: its full-text index

        filters = filters or SearchFilters()
        return pg_search(index_link, query, filters, _filter_query(filters), limit, _MarkFormatter(*marks).get(),
                         _lead, check_filters)
    from whoosh import highlight

    from scrutiny.query import NO_WORDS, parse, to_whoosh

    filters = filters or SearchFilters()
    node = parse(query)   # a QueryError (a ScrutinyError) says what is wrong with it
    if node is None:      # only small words ("the", "of"): nothing to look for
        return {"query": query, "total": 0, "total_exact": True, "hits": [], "note": NO_WORDS}
    q = to_whoosh(node)
    hits_out = []
    with _searcher(index_link) as searcher:
        _check_filters(searcher, filters)
        results, total, exact = _collect(searcher, q, _filter_query(filters), limit)
        results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        results.formatter = _MarkFormatter(*marks).get()
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
    return {"query": query, "total": total, "total_exact": exact, "hits": hits_out}


_OPEN: dict = {}   # {"searcher": (index directory, generation, index, searcher)}: the last index searched


class _Kept:
    """The searcher of the last index searched, kept open for the next search in
    this process (a long-lived process, such as the benchmark's or a server's,
    opens the segments once); reopened when the index link points elsewhere (a
    rebuild) or the index has a new generation (an update)."""

    def __init__(self, searcher):
        self.searcher = searcher

    def __enter__(self):
        return self.searcher

    def __exit__(self, *exc):
        return False


def _searcher(index_link) -> _Kept:
    from pathlib import Path

    target = Path(index_link).resolve()
    kept = _OPEN.get("searcher")
    if kept is not None:
        kept_target, generation, ix, searcher = kept
        if kept_target == target and target.is_dir() and ix.latest_generation() == generation:
            return _Kept(searcher)
        searcher.close()
        del _OPEN["searcher"]
    ix = open_index(index_link)
    searcher = ix.searcher(weighting=weighting())
    _OPEN["searcher"] = (target, ix.latest_generation(), ix, searcher)
    return _Kept(searcher)


def _collect(searcher, q, fq, limit: int):
    """(Whoosh's Results of the top ``limit`` hits, the number of matches, whether
    it is exact (else a lower bound: a query with a phrase, see search_eval.top))
    of ``q`` within the filter ``fq``: :func:`scrutiny.search_eval.top` (every
    match counted and scored, a posting list at a time), with the query's terms
    found in the matching passages for highlighting (what Whoosh's
    ``TermsCollector`` gives as ``results.matched_terms()``)."""
    from array import array

    from whoosh.searching import Results

    from scrutiny.search_eval import top

    items, total, exact, found = top(searcher, q, fq, max(1, limit))
    results = Results(searcher, q, items)
    results.termdocs = {term: array("I") for term in found}
    results.docterms = {}
    return results, total, exact


def _lead(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"
