"""Run a search a whole posting list at a time: every match counted and scored, the top N kept.

Whoosh finds the matches of a query with a tree of matchers that step from
one passage to the next, several Python calls per posting and per node
(``is_active``, ``id``, ``skip_to``, ``score``): at 2,000 documents most of
a search's time. Here each term's postings in a segment are read a block at a
time into lists, and the query is evaluated with sets and dicts:

* a term: ``{passage: score}``, each score Whoosh's (the weighting's scorer,
  :func:`scrutiny.search.weighting`, on the posting's weight, the field length
  and the rank);
* ``Or``: the union, scores added in the order of Whoosh's tree of union
  matchers (``make_binary_tree``); ``And``: the intersection, added in the
  order of its weighted tree (``make_weighted_tree`` by estimated size);
* ``Require(q, f)``: the passages of ``q`` also in ``f``, scored by ``q``
  (``f`` a filter or ``Not(...)``: passages left out);
* a phrase: the passages holding all its words, those where the words stand
  at consecutive positions (:func:`scrutiny.query._phrase_query`'s test),
  scored as the sum of the words' scores (Whoosh's intersection of them);
* a prefix: the union of the words it expands to, as Whoosh's ``Prefix``.

Anything else (a numeric range of a --page filter) is asked of Whoosh's own
matcher. The total is exact (every match is in the dict), and the top N are
ordered as Whoosh's ``TopCollector`` orders them: score, then the earlier
passage. ``tests/test_search_eval.py`` checks the hits and scores against
Whoosh's exhaustive search.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_right, insort
from itertools import accumulate
from operator import neg
from pickle import loads


# A query with a phrase counts its matches exactly up to this many passages
# holding the phrase's words; past it, the total is a lower bound (see top()).
EXACT_TOTAL = 1000
BATCH = 256   # passages whose phrases are checked at a time, best possible scores first


def top(searcher, q, fq, limit: int, exact_up_to: int | None = None):
    """(the top ``limit`` [(score, docnum)], the number of matches, whether that
    number is exact, the query's terms found in a matching passage (for
    highlighting)) of ``q`` within the filter query ``fq`` (None: no filter).

    In each segment the matching passages are found first (sets of passages),
    then only those are scored. A phrase is the costly part: the positions of
    its words in every passage holding them all. When more than
    ``exact_up_to`` (:data:`EXACT_TOTAL`) passages of a segment are candidates
    (they match if each phrase is taken as its words anywhere in the passage),
    their scores taken so are upper bounds of their true scores (a phrase
    scores as its words; a passage missing a phrase loses that part, and no
    part is negative), and the phrases are checked in the order of those
    bounds until the top ``limit`` are settled (no remaining bound beats the
    lowest of them) and ``exact_up_to`` matches have been found: the hits
    and their order are those of checking every candidate, and the total is
    the matches found, a lower bound ("at least").
    """
    bound = EXACT_TOTAL if exact_up_to is None else exact_up_to
    lazy = _phrases_only_positive(q)
    best: list = []
    total = 0
    exact = True
    found: set = set()
    for sub, offset in searcher.leaf_searchers():
        seg = _Segment(sub)
        seg.relaxed = lazy            # phrases as their words: the candidates
        docs = seg.match(q)
        if docs and fq is not None:
            docs = docs & seg.match(fq)
        if not docs:
            continue
        scores = None
        if lazy:
            seg.relaxed = False
            seg._matches.clear()
            if len(docs) <= bound:    # few enough: check every candidate
                seg.only = docs
                docs = seg.match(q) & docs
            else:
                docs, scores, settled = _settle(seg, q, docs, limit, bound)
                exact = exact and settled
        if scores is None:
            scores = seg.scores(q, docs)
        total += len(docs)
        for term, ids in seg.leaves.items():
            if term not in found and not docs.isdisjoint(ids):
                found.add(term)
        # the best of this segment, then of all: score first, then the lower docnum
        if len(scores) > limit:
            # the limit-th best score first (floats only), then the passages reaching it
            kth = heapq.nlargest(limit, scores.values())[-1]
            seg_best = heapq.nlargest(limit, [(s, -(d + offset)) for d, s in scores.items() if s >= kth])
        else:
            seg_best = [(s, -(d + offset)) for d, s in scores.items()]
        best = heapq.nlargest(limit, best + seg_best)
    return [(s, -nd) for s, nd in best], total, exact, found


def _settle(seg, q, candidates: set, limit: int, bound: int):
    """(matches found, their scores, whether every candidate was checked): the
    phrases of ``q`` checked in ``candidates`` a batch at a time, highest
    upper bound first (see :func:`top`)."""
    seg.relaxed = True
    upper = seg.scores(q, candidates)
    seg.relaxed = False
    cands = list(candidates)
    # by (-bound, passage), the keys made in C
    order = [d for _, d in sorted(zip(map(neg, map(upper.__getitem__, cands)), cands))]
    matched: set = set()
    scores: dict = {}
    heap: list = []     # the best ``limit`` (score, -docnum) so far
    i, n = 0, len(order)
    while i < n:
        batch = set(order[i:i + BATCH])
        i += BATCH
        seg._matches.clear()
        seg.only = batch
        found = seg.match(q) & batch
        if found:
            got = seg.scores(q, found)
            matched |= found
            scores.update(got)
            for d, s in got.items():
                if len(heap) < limit:
                    heapq.heappush(heap, (s, -d))
                elif (s, -d) > heap[0]:
                    heapq.heapreplace(heap, (s, -d))
        if i < n and len(matched) >= bound and len(heap) >= limit and upper[order[i]] < heap[0][0]:
            break   # no passage left can reach the top; enough counted
    seg._matches.clear()
    seg.only = None
    return matched, scores, i >= n


def _has_phrase(q) -> bool:
    from whoosh import query as Q

    if isinstance(q, _phrase_class()):
        return True
    if isinstance(q, Q.Not):
        return _has_phrase(q.query)
    if isinstance(q, Q.Require):
        return _has_phrase(q.a) or _has_phrase(q.b)
    if isinstance(q, Q.CompoundQuery):
        return any(_has_phrase(s) for s in q.subqueries)
    return False


def _phrases_only_positive(q) -> bool:
    """Does ``q`` hold a phrase, and none under a NOT (where taking a phrase as
    its words would leave out too much)?"""
    from whoosh import query as Q

    phrase = _phrase_class()
    seen = []

    def walk(x, negative):
        if isinstance(x, phrase):
            seen.append(negative)
        elif isinstance(x, Q.Not):
            walk(x.query, not negative)
        elif isinstance(x, Q.Require):
            walk(x.a, negative)
            walk(x.b, negative)
        elif isinstance(x, Q.CompoundQuery):
            for s in x.subqueries:
                walk(s, negative)

    walk(q, False)
    return bool(seen) and not any(seen)


class _Segment:
    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.deleted = self.reader.deleted_docs_set if self.reader.has_deletions() else None
        self.leaves: dict = {}      # (field, term bytes) -> docnums: the positive terms of the query
        self._postings: dict = {}
        self._matches: dict = {}    # id(query) -> (query, its matches): a query with a phrase
        self._stable: dict = {}     # the same, of a query without one
        self._weight_of: dict = {}  # (field, term bytes) -> {docnum: weight}
        self._phrase_words: dict = {}   # id(phrase) -> (phrase, passages holding every word, positions)
        self.relaxed = False        # a phrase matches where all its words are (its candidates)
        self.only = None            # a set: the passages whose phrases are checked (None: all)

    # --- postings -------------------------------------------------------------------------

    def postings(self, field: str, btext: bytes, values: bool = False):
        """(ids, weights, values or None) of a term in this segment, deleted passages left out.

        The values (a text field's positions) are read only for the postings asked
        for: ``values`` is then a sequence whose item ``i`` unpickles the block of
        posting ``i`` when first asked (a phrase checks the positions of a few
        candidates, not of every passage holding its words)."""
        key = (field, btext)
        kept = self._postings.get(key)
        if kept is None:
            # read for a phrase: the blocks' unpickled bytes kept for their positions
            kept = self._postings[key] = self._read_postings(field, btext, keep_bytes=values)
        ids, weights, vals = kept
        if values and vals is None:
            kept = self._postings[key] = self._read_postings(field, btext, eager_values=True)
            ids, weights, vals = kept
        return ids, weights, (vals if values else None)

    def _read_postings(self, field: str, btext: bytes, eager_values: bool = False, keep_bytes: bool = False):
        from whoosh.matching.wrappers import FilterMatcher

        m = self.reader.postings(field, btext)
        leaf = m.child if isinstance(m, FilterMatcher) else m
        ids: list = []
        weights: list = []
        vals = None
        if not eager_values and all(hasattr(leaf, a) for a in (
                "_read_data", "_read_weights", "_read_values", "_next_block", "_byteids", "_baseoffset",
                "_nextoffset", "_goto", "reset")):
            # Whoosh's W3 posting blocks, read whole (the ids as its _read_ids decodes
            # them), the values left in their blocks (_LazyValues)
            leaf.reset()    # at the first block (a filter of deleted passages may have moved it on)
            starts: list = []
            places: list = []
            kept_bytes: list | None = [] if keep_bytes else None
            place = leaf._baseoffset
            while leaf.is_active():
                starts.append(len(ids))
                places.append(place)
                if leaf._data is None:
                    block = _block_bytes(leaf)
                    data = _ids_and_weights(leaf, block)
                else:
                    block, data = None, leaf._data
                if kept_bytes is not None:
                    kept_bytes.append(block)
                raw, w = data[0], data[1]
                block_ids = raw if leaf._byteids else tuple(accumulate(raw))
                ids.extend(block_ids)
                if w is None or isinstance(w, float):
                    # every posting of the block weighs the same: the float32 value
                    # _read_weights gives each (made here once, not per posting)
                    weights.extend(array("f", (1.0 if w is None else w,)) * len(block_ids))
                else:
                    weights.extend(w)
                place = leaf._nextoffset
                leaf._next_block()
            vals = _LazyValues(leaf, starts, places, block_bytes=kept_bytes)
        else:
            vals = []
            while leaf.is_active():
                ids.append(leaf.id())
                weights.append(leaf.weight())
                vals.append(leaf.value())
                leaf.next()
        if self.deleted:
            keep = [i for i, d in enumerate(ids) if d not in self.deleted]
            ids = [ids[i] for i in keep]
            weights = [weights[i] for i in keep]
            vals = vals.only(keep) if isinstance(vals, _LazyValues) else [vals[i] for i in keep]
        return ids, weights, vals

    def _btext(self, field: str, text):
        schema = self.searcher.schema
        if field not in schema:
            return None
        try:
            btext = schema[field].to_bytes(text)
        except ValueError:
            return None
        return btext if (field, btext) in self.reader else None

    # --- which passages match -------------------------------------------------------------

    def match(self, q) -> set:
        """The docnums of this segment that ``q`` matches (with ``relaxed`` and
        ``only`` for its phrases)."""
        # a part without a phrase matches the same whatever the phrases' mode: kept apart
        cache = self._matches if _has_phrase(q) else self._stable
        kept = cache.get(id(q))
        if kept is not None and kept[0] is q:
            return kept[1]
        out = self._match(q)
        cache[id(q)] = (q, out)
        return out

    def _match(self, q) -> set:
        from whoosh import query as Q

        kind = type(q)
        if kind is Q.Term:
            btext = self._btext(q.fieldname, q.text)
            if btext is None:
                return set()
            ids = set(self.postings(q.fieldname, btext)[0])
            self.leaves.setdefault((q.fieldname, btext), set()).update(ids)
            return ids
        if kind is _phrase_class():
            return self._phrase_match(q)
        if kind is Q.Prefix and not q.constantscore:
            return self.match(self._expanded(q))
        if kind is Q.Or and not q.minmatch:
            out: set = set()
            for s in q.subqueries:
                out |= self.match(s)
            return out
        if kind is Q.And and q.subqueries:
            sets = sorted((self.match(s) for s in q.subqueries), key=len)
            out = sets[0]
            for s in sets[1:]:
                out = out & s
            return out
        if kind is Q.Require:
            a = self.match(q.a)
            if a and type(q.b) is Q.Not:
                return a - self.match(q.b.query)
            return a & self.match(q.b) if a else a
        if kind is Q.NullQuery.__class__:
            return set()
        m = q.matcher(self.searcher)   # a numeric range (--page), anything else: Whoosh's matcher
        return set(m.all_ids()) - (self.deleted or set())

    def _expanded(self, q):
        """A Prefix (scored) as Whoosh runs it: the Or of the words it expands to."""
        from whoosh import query as Q

        field = q.fieldname
        words = [w for w in q._btexts(self.reader) if w] if field in self.searcher.schema else []
        if not words:
            return Q.NullQuery
        if len(words) == 1:
            return Q.Term(field, words[0])
        return Q.Or([Q.Term(field, w) for w in words])

    def _phrase_match(self, q) -> set:
        words = self._phrase_words_of(q)
        if words is None:
            return set()
        btexts, common, first_word, rest_words, decode = words
        if self.relaxed:
            out = common
        else:
            check = common if self.only is None else common & self.only
            out = set()
            for d in check:
                rest = [frozenset(decode(bw[d])) for bw in rest_words]
                if any(all(p + i in pos for i, pos in enumerate(rest, 1)) for p in decode(first_word[d])):
                    out.add(d)
        for b in btexts:
            self.leaves.setdefault((q.fieldname, b), set()).update(out)
        return out

    def _phrase_words_of(self, q):
        """(the words' bytes, the passages holding them all, {passage: positions
        value} of the first word, of each other word, the positions decoder), or
        None when no passage of the segment can hold the phrase."""
        kept = self._phrase_words.get(id(q))
        if kept is not None and kept[0] is q:
            return kept[1]
        out = self._read_phrase_words(q)
        self._phrase_words[id(q)] = (q, out)
        return out

    def _read_phrase_words(self, q):
        field = q.fieldname
        schema = self.searcher.schema
        if field not in schema:
            return None
        btexts = []
        for word in q.words:
            b = self._btext(field, word)
            if b is None:
                return None   # a word not in this segment: no passage holds the phrase
            btexts.append(b)
        lists = [self.postings(field, b, values=True) for b in btexts]
        common = set(lists[0][0])
        for ids, _, _ in lists[1:]:
            common.intersection_update(ids)
        if not common:
            return None
        by_word = [_ValuesOf({d: i for i, d in enumerate(ids) if d in common}, vals) for ids, _, vals in lists]
        return btexts, common, by_word[0], by_word[1:], _positions_decoder(schema[field].format)

    # --- scores of matching passages ------------------------------------------------------

    def scores(self, q, docs: set) -> dict:
        """{docnum: score} of the passages in ``docs`` that ``q`` matches (``docs``
        being some of the passages that the query holding ``q`` matches)."""
        from whoosh import query as Q

        kind = type(q)
        if getattr(q, "boost", 1.0) != 1.0:
            return self._whoosh_scores(q, docs)
        if kind is Q.Term:
            btext = self._btext(q.fieldname, q.text)
            if btext is None:
                return {}
            ids, weights, _ = self.postings(q.fieldname, btext)
            return self._score(q.fieldname, btext, ids, weights, docs)
        if kind is _phrase_class():
            field = q.fieldname
            mine = docs & self.match(q)
            if not mine:
                return {}
            per_word = []
            for word in q.words:
                btext = self._btext(field, word)
                ids, weights, _ = self.postings(field, btext, values=True)
                per_word.append(self._score(field, btext, ids, weights, mine))
            return _tree(per_word, _intersection)
        if kind is Q.Prefix and not q.constantscore:
            return self.scores(self._expanded(q), docs)
        if kind is Q.Or and not q.minmatch and not q.scale and 0 < len(q.subqueries) < Q.Or.TOO_MANY_CLAUSES:
            # Whoosh's Or: a binary tree of union matchers (one subquery: itself)
            return _tree([self.scores(s, docs & self.match(s)) for s in q.subqueries], _union)
        if kind is Q.And and q.subqueries:
            subs = q.subqueries
            if len(subs) == 1:
                return self.scores(subs[0], docs)
            weighted = [(0 - s.estimate_size(self.reader), i) for i, s in enumerate(subs)]
            return _weighted_tree(weighted, [self.scores(s, docs) for s in subs])
        if kind is Q.Require:
            return self.scores(q.a, docs)
        if kind is Q.NullQuery.__class__:
            return {}
        return self._whoosh_scores(q, docs)

    def _score(self, field, btext, ids, weights, docs) -> dict:
        if len(docs) * 8 < len(ids):
            # a few of the term's passages (a batch of candidates, a narrow filter):
            # their postings looked up, not the whole list gone through
            key = (field, btext)
            weight_of = self._weight_of.get(key)
            if weight_of is None:
                weight_of = self._weight_of[key] = dict(zip(ids, weights))
            ids = [d for d in docs if d in weight_of]
            weights = [weight_of[d] for d in ids]
        s = self.searcher.weighting.scorer(self.searcher, field, btext)
        batch = getattr(s, "score_postings", None)
        if batch is not None:
            return batch(ids, weights, docs)

        class Posting:   # what a scorer asks of a matcher
            def __init__(self, d, w):
                self._d, self._w = d, w

            def id(self):
                return self._d

            def weight(self):
                return self._w

        return {d: s.score(Posting(d, w)) for d, w in zip(ids, weights) if d in docs}

    def _whoosh_scores(self, q, docs) -> dict:
        """Whoosh's matcher for ``q``, stepped through (a query not evaluated here)."""
        m = q.matcher(self.searcher)
        out = {}
        while m.is_active():
            d = m.id()
            if d in docs:
                out[d] = m.score()
            m.next()
        return out


class _LazyValues:
    """The values of a term's postings in a segment, item ``i`` that of the ``i``-th
    posting: each block unpickled whole (Whoosh's ``_read_data``, ``_read_values``)
    the first time one of its postings is asked for."""

    def __init__(self, leaf, starts: list, places: list, kept: list | None = None, block_bytes=None):
        self.leaf, self.starts, self.places, self.kept = leaf, starts, places, kept
        self.block_bytes = block_bytes   # each block's pickle (decompressed), or None: read again
        self.blocks: dict = {}

    def only(self, keep: list) -> "_LazyValues":
        """These values for the postings ``keep`` (indices of this sequence)."""
        kept = keep if self.kept is None else [self.kept[i] for i in keep]
        out = _LazyValues(self.leaf, self.starts, self.places, kept, self.block_bytes)
        out.blocks = self.blocks
        return out

    def __getitem__(self, i: int):
        if self.kept is not None:
            i = self.kept[i]
        b = bisect_right(self.starts, i) - 1
        block = self.blocks.get(b)
        if block is None:
            leaf = self.leaf
            raw = self.block_bytes[b] if self.block_bytes is not None else None
            if raw is None:
                leaf._goto(self.places[b])
                leaf._read_data()
            else:   # the block's pickle as _read_data would unpickle it
                leaf._goto(self.places[b])
                leaf._data = loads(raw)
            leaf._read_values()
            block = self.blocks[b] = leaf._values
        return block[i - self.starts[b]]


class _ValuesOf:
    """{passage: its value} of a term, through the posting's place (``index``) in ``values``."""

    __slots__ = ("index", "values")

    def __init__(self, index: dict, values):
        self.index, self.values = index, values

    def __getitem__(self, d):
        return self.values[self.index[d]]


def _block_bytes(leaf) -> bytes:
    """The pickle of the W3 posting block ``leaf`` is on, decompressed (what its ``_read_data`` unpickles)."""
    raw = leaf._postfile.get(leaf._dataoffset, leaf._nextoffset - leaf._dataoffset)
    if leaf._compression:
        from zlib import decompress

        raw = decompress(raw)
    return raw


def _ids_and_weights(leaf, raw: bytes | None = None):
    """(ids, weights) of the W3 posting block ``leaf`` is on, as its ``_read_data``
    gives them, without unpickling the block's values (a text field's positions:
    each a bytes object pickled as a call, most of a block's unpickling time).

    The block is the pickle of (ids, weights, values). The pickle is cut where
    the values start and closed as a 2-tuple; the cut is found by the memo put
    that follows the weights' tuple (or the ids' tuple followed by None or a
    single float), and what the cut pickle gives is used only when it is what
    a whole block holds there (a tuple of the block's length of ids, weights
    of that length or one value for all): else the whole pickle is read."""
    if raw is None:
        raw = _block_bytes(leaf)
    n = leaf._blocklength
    cut = -1
    at = raw.find(b"tq\x01")          # the weights' tuple (MARK ... TUPLE), memo 1
    if at > 0:
        cut = at + 3
    else:
        at = raw.find(b"tq\x00")      # the ids' tuple, memo 0: then None or one float
        if at > 0 and raw[at + 3:at + 4] == b"N":
            cut = at + 4
        elif at > 0 and raw[at + 3:at + 4] == b"G":
            cut = at + 12
    if cut > 0:
        try:
            got = loads(raw[:cut] + b"\x86.")    # TUPLE2, STOP
        except Exception:  # noqa: BLE001 - a cut in the wrong place: the whole pickle is read
            got = None
        if (type(got) is tuple and len(got) == 2 and type(got[0]) is tuple and len(got[0]) == n
                and (got[1] is None or type(got[1]) is float
                     or (type(got[1]) is tuple and len(got[1]) == n))):
            return got
    return loads(raw)


_PHRASE = None


def _phrase_class():
    global _PHRASE
    if _PHRASE is None:
        from scrutiny.query import _phrase_query

        _PHRASE = _phrase_query()
    return _PHRASE


def _positions_decoder(fmt):
    """The positions of a posting's value: Whoosh's ``Positions.decode_positions``
    (a pickled list of gaps after a 4-byte count), summed by itertools."""
    from whoosh import formats
    from whoosh.system import _INT_SIZE

    if type(fmt) is not formats.Positions:
        return fmt.decoder("positions")

    def decode(value: bytes):
        if not value.endswith(b"."):
            value += b"."
        return accumulate(loads(value[_INT_SIZE:]))

    return decode


def _union(a: dict, b: dict) -> dict:
    """Whoosh's UnionMatcher: a passage in either; in both, a's score + b's."""
    if not a:
        return b
    if not b:
        return a
    out = dict(a)
    get = out.get
    for d, s in b.items():
        x = get(d)
        out[d] = s if x is None else x + s
    return out


def _intersection(a: dict, b: dict) -> dict:
    """Whoosh's IntersectionMatcher: a passage in both, a's score + b's."""
    if len(b) < len(a):
        return {d: a[d] + s for d, s in b.items() if d in a}
    return {d: s + b[d] for d, s in a.items() if d in b}


def _tree(results: list, combine):
    """``combine`` over ``results`` as Whoosh's make_binary_tree nests its matchers."""
    if len(results) == 1:
        return results[0]
    half = len(results) // 2
    return combine(_tree(results[:half], combine), _tree(results[half:], combine))


def _weighted_tree(weighted: list, results: list) -> dict:
    """The intersection of ``results`` as Whoosh's make_weighted_tree nests an And's
    matchers: the two of least weight (minus the estimated size) joined first
    (equal weights in the order of the query)."""
    items = [(w, (i,), results[i]) for w, i in sorted(weighted)]
    while len(items) > 1:
        (wa, ka, a), (wb, kb, b) = items.pop(0), items.pop(0)
        insort(items, (wa + wb, ka + kb, _intersection(a, b)), key=lambda x: (x[0], x[1]))
    return items[0][2]
