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
import sys
from array import array
from bisect import bisect_left, bisect_right, insort
from itertools import accumulate, compress, repeat
from operator import eq, neg, sub
from pickle import loads

from scrutiny import best_postings


# A query with a phrase counts its matches exactly up to this many passages
# holding the phrase's words; past it, the total is a lower bound (see top()).
EXACT_TOTAL = 1000
BATCH = 256   # passages whose phrases are checked at a time, best possible scores first
# More matches than this in a segment: the top found from the best-first blocks (see _best_first)
BEST_FIRST_FROM = 2000
SLACK = 1 + 1e-9   # an upper bound made a little larger: sums of floats in another order


def _int_of(ids) -> int:
    """The bitmap (bit ``d`` set for each passage ``d``) of a few passages."""
    if not ids:
        return 0
    out = bytearray((max(ids) >> 3) + 1)
    for d in ids:
        out[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(out, "little")


_BYTE_BITS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]


def _ids_of(bits: int) -> list:
    """The passages (bits set) of a bitmap, in order: its bytes that are not zero
    found in C, then each one's bits."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    out: list = []
    table = _BYTE_BITS
    for at in compress(range(len(data)), data):
        base = at << 3
        out += [base + i for i in table[data[at]]]
    return out


class _Bits:
    """The passages a query matches in a segment, as a bitmap: counted without a set
    (``len``), and asked about a few passages at a time (:meth:`intersection`, as a
    set's); :meth:`ids` lists them all."""

    __slots__ = ("value", "n", "_bytes")

    def __init__(self, value: int, n: int | None = None):
        self.value = value
        self.n = value.bit_count() if n is None else n
        self._bytes = None

    def __len__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0

    def intersection(self, ids) -> set:
        """The passages of ``ids`` that are set."""
        b = self._bytes
        if b is None:
            b = self._bytes = self.value.to_bytes((self.value.bit_length() + 7) // 8 + 1, "little")
        top = len(b) * 8
        return {d for d in ids if d < top and b[d >> 3] >> (d & 7) & 1}

    def ids(self) -> set:
        return set(_ids_of(self.value))

    def iter_ids(self):
        """The passages set, in order, found as they are asked for."""
        data = self.value.to_bytes((self.value.bit_length() + 7) // 8, "little")
        table = _BYTE_BITS
        for at in compress(range(len(data)), data):
            base = at << 3
            for i in table[data[at]]:
                yield base + i


def top(searcher, q, fq, limit: int, exact_up_to: int | None = None, stats: dict | None = None):
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

    A segment with more than :data:`BEST_FIRST_FROM` matches (or phrase
    candidates) and a best-first file (:mod:`scrutiny.best_postings`) scores
    only the passages that can reach the top (:func:`_best_first`): the same
    hits in the same order; the total of a query without a phrase is still
    exact (its matches are sets of passage numbers read from that file).
    ``stats``, a dict, is given the postings read from best-first blocks
    (``read``) and how many postings the query's scored terms hold (``postings``).
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
        docs = seg.match_bits(q, fq, bound if lazy else BEST_FIRST_FROM)
        if docs is None:              # a query or filter not taken as bitmaps here: sets
            docs = seg.match(q)
            if docs and fq is not None:
                docs = seg.within(fq, docs)
        if not docs:
            continue
        scores = None
        floor = best[-1][0] if len(best) >= limit else None   # the score to beat from earlier segments
        if lazy:
            seg.relaxed = False
            seg._matches.clear()
            if len(docs) <= bound:    # few enough: check every candidate
                seg.only = docs
                docs = seg.match(q) & docs
            else:
                ranked = _best_first(seg, q, docs, limit, floor, check=True, count_to=max(0, bound - total))
                if ranked is None:
                    ranked = _settle(seg, q, _as_set(docs), limit, bound)
                docs, scores, settled = ranked
                exact = exact and settled
        elif len(docs) > BEST_FIRST_FROM:
            ranked = _best_first(seg, q, docs, limit, floor)
            if ranked is not None:
                scores = ranked[1]    # the passages that could reach the top; every match counted
        if scores is None:
            docs = _as_set(docs)
            scores = seg.scores(q, docs)
        if stats is not None:
            leaves: list = []
            _scoring_leaves(seg, q, leaves)
            stats["read"] = stats.get("read", 0) + seg.read
            stats["postings"] = stats.get("postings", 0) + sum(
                len(seg.best_term(f, b).ids) if seg.best_term(f, b) is not None else 0 for f, b in leaves)
        total += len(docs)
        seg.found_terms(docs, found)
        # the best of this segment, then of all: score first, then the lower docnum
        if len(scores) > limit:
            # the limit-th best score first (floats only), then the passages reaching it
            kth = heapq.nlargest(limit, scores.values())[-1]
            seg_best = heapq.nlargest(limit, [(s, -(d + offset)) for d, s in scores.items() if s >= kth])
        else:
            seg_best = [(s, -(d + offset)) for d, s in scores.items()]
        best = heapq.nlargest(limit, best + seg_best)
    return [(s, -nd) for s, nd in best], total, exact, found


def _as_set(docs) -> set:
    """``docs`` as a set of passages (a bitmap's listed)."""
    return docs.ids() if type(docs) is _Bits else docs


def _scoring_leaves(seg, q, out: list, units: list | None = None) -> bool:
    """Put in ``out`` the (field, term bytes) whose scores add up to a passage's score
    for ``q`` (each term the passage holds, at most: an Or scores the parts that
    match, a phrase its words where it matches, Require its first part); False
    when ``q`` holds a part scored otherwise (a boost, a part Whoosh's matcher scores).
    ``units`` (a list) is given the places in ``out`` of the terms that score together
    or not at all: a term alone, a phrase's words."""
    from whoosh import query as Q

    kind = type(q)
    if getattr(q, "boost", 1.0) != 1.0:
        return False
    if kind is Q.Term:
        btext = seg._btext(q.fieldname, q.text)
        if btext is not None:
            if units is not None:
                units.append([len(out)])
            out.append((q.fieldname, btext))
        return True
    if kind is _phrase_class():
        words = [seg._btext(q.fieldname, w) for w in q.words]
        if all(b is not None for b in words):    # else it matches nothing here
            if units is not None and words:
                units.append(list(range(len(out), len(out) + len(words))))
            out.extend((q.fieldname, b) for b in words)
        return True
    if kind is Q.Prefix and not q.constantscore:
        return _scoring_leaves(seg, seg._expanded(q), out, units)
    if (kind is Q.Or and not q.minmatch and not q.scale and 0 < len(q.subqueries) < Q.Or.TOO_MANY_CLAUSES) or (
            kind is Q.And and q.subqueries):
        return all(_scoring_leaves(seg, sub, out, units) for sub in q.subqueries)
    if kind is Q.Require:
        return _scoring_leaves(seg, q.a, out, units)
    return kind is Q.NullQuery.__class__


def _block_bounds(t, inner) -> list:
    """Each best-first block's bound: the best score of its skyline's points."""
    sky = t.sky
    points = list(zip(sky[0::3], sky[1::3], sky[2::3]))
    memo = {p: inner._score(p[0], p[1]) * p[2] / 100 for p in set(points)}
    scores = list(map(memo.__getitem__, points))
    starts = t.sky_starts.tolist()
    return [max(scores[a:b]) for a, b in zip(starts, starts[1:])]


def _dangerous(bounds: list, beats) -> list:
    """The sets of terms (indices) whose bounds together could still reach the top
    (``beats`` their sum): every such set holds one of these."""
    order = sorted((i for i, b in enumerate(bounds) if b > 0), key=bounds.__getitem__, reverse=True)
    rest = [0.0] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        rest[k] = rest[k + 1] + bounds[order[k]]
    out: list = []

    def walk(k, chosen, total):
        if chosen and beats(total * SLACK):
            out.append(list(chosen))
            return
        if k == len(order) or not beats(rest[k] * SLACK + total * SLACK):
            return
        chosen.append(order[k])
        walk(k + 1, chosen, total + bounds[order[k]])
        chosen.pop()
        walk(k + 1, chosen, total)

    walk(0, [], 0.0)
    return out


TAIL = 4000      # passages left that could still reach the top: scored at once, the reading stops
RANK_FROM = 256  # more passages than this looked up in a term: their places counted in its bitmap
_LITTLE = sys.byteorder == "little"   # a bitmap's bytes read as 64-bit words (array "Q") in this order
MAX_TERMS = 10   # more scored terms than this: no look for the passages left (2**terms sets)


def _best_first(seg, q, eligible: set, limit: int, floor=None, check: bool = False, count_to: int = 0):
    """(the passages found to match, {passage: score} of those scored, whether every
    passage of ``eligible`` was looked at) of ``q`` in this segment, reading its
    terms' best-first blocks (:mod:`scrutiny.best_postings`) highest bound first,
    or None when the segment has no such blocks for every term of ``q``.

    A term's blocks are read in the order of their bound (the best score of
    their skyline, with this search's idf and average length); each passage of
    a block that is in ``eligible`` and new is scored exactly (``seg.scores``:
    the same floats as an exhaustive search). A passage not seen yet scores at
    most the sum of the next bounds of the terms it holds (a term whose blocks
    have all been read adds nothing). It could still reach the top if that sum
    reaches the ``limit``-th best score found (a tie is enough: it may have the
    lower number) and is above ``floor`` (the score to beat of earlier
    segments, whose passages win ties). The reading stops when no passage
    could (the sum of every term's next bound does not), or when those that
    could are few (:data:`TAIL`: found with set operations on the terms'
    passages, then scored at once). With ``check``, a new passage is checked
    first (``eligible`` holds the candidates of a phrase: its words anywhere),
    and the reading goes on until ``count_to`` matches are found.
    """
    leaves: list = []
    units: list = []
    if seg.best is None or not _scoring_leaves(seg, q, leaves, units) or not leaves:
        return None
    lists = []
    for field, btext in leaves:
        t = seg.best_term(field, btext)
        scorer = seg.scorer(field, btext)
        inner = getattr(scorer, "inner", None)
        if t is None or t.sky_starts is None or inner is None or getattr(scorer, "lengths", None) is None:
            return None
        bounds = _block_bounds(t, inner)
        order = sorted(range(len(bounds)), key=bounds.__getitem__, reverse=True)
        lists.append((t.best_ids, order, bounds))
    size = seg.best.block
    at = [0] * len(lists)
    nexts = [b[o[0]] for _, o, b in lists]     # each term's next bound (-1: every block read)
    heap: list = []           # the best ``limit`` (score, -passage) so far
    seen: set = set()
    matched: set = set()
    scores: dict = {}
    live = len(lists)
    blocks = 0
    look_at = 4               # blocks read when the passages left are next looked for
    skipped = False           # passages left whose phrases were not checked (the count is then not exact)

    def beats(x):
        return (len(heap) < limit or x >= heap[0][0]) and (floor is None or x > floor)

    def take(new):
        if check:   # the phrases of these passages checked (their words' positions read)
            seg._matches.clear()
            seg.only = new
            new = seg.match(q) & new
        got = seg.scores(q, new) if new else {}
        if check:
            seg.only = None
            seg._matches.clear()
        matched.update(new)
        scores.update(got)
        for d, sc in got.items():
            if len(heap) < limit:
                heapq.heappush(heap, (sc, -d))
            elif (sc, -d) > heap[0]:
                heapq.heapreplace(heap, (sc, -d))

    while live:
        if check or len(matched) >= count_to:     # (phrases: matches counted after the top is settled)
            if not beats(sum(x for x in nexts if x > 0) * SLACK):
                break
            if blocks >= look_at and len(heap) >= limit and len(leaves) <= MAX_TERMS:
                look_at *= 2
                left = _left(seg, leaves, nexts, beats, eligible, seen, units)
                if left is not None:
                    seen |= left
                    if check:
                        skipped = _take_by_bound(seg, q, left, take, beats)
                    else:
                        take(left)
                    break
        j = max(range(len(lists)), key=nexts.__getitem__)
        ids, order, bounds = lists[j]
        b = order[at[j]]
        at[j] += 1
        blocks += 1
        if at[j] < len(order):
            nexts[j] = bounds[order[at[j]]]
        else:
            nexts[j] = -1.0
            live -= 1
        block = ids[b * size:(b + 1) * size]
        seg.read += len(block)
        new = eligible.intersection(block)
        new -= seen
        if not new:
            continue
        seen |= new
        take(new)
    if check and len(matched) < count_to:
        # the top is settled: more phrases checked (not scored), in passage order, until
        # count_to matches are counted
        batch: set = set()
        for d in (eligible.iter_ids() if type(eligible) is _Bits else sorted(eligible)):
            if d in seen:
                continue
            batch.add(d)
            if len(batch) == BATCH:
                seen |= batch
                matched |= _checked(seg, q, batch)
                batch = set()
                if len(matched) >= count_to:
                    break
        if batch:
            seen |= batch
            matched |= _checked(seg, q, batch)
    return matched, scores, len(seen) >= len(eligible) and not skipped


def _checked(seg, q, candidates: set) -> set:
    """The passages of ``candidates`` that ``q`` matches, its phrases checked."""
    seg._matches.clear()
    seg.only = candidates
    out = seg.match(q) & candidates
    seg.only = None
    seg._matches.clear()
    return out


def _take_by_bound(seg, q, left: set, take, beats) -> bool:
    """Check the phrases of the passages ``left`` a batch at a time (``take``), highest
    upper bound first (their scores with each phrase taken as its words, as
    :func:`_settle` does), until no passage left can reach the top (``beats``).
    Whether some were left unchecked."""
    seg._matches.clear()
    seg.relaxed = True
    upper = seg.scores(q, left)
    seg.relaxed = False
    seg._matches.clear()
    cands = list(left)
    order = [d for _, d in sorted(zip(map(neg, map(upper.get, cands, repeat(0.0))), cands))]
    i, n = 0, len(order)
    while i < n:
        if not beats(upper.get(order[i], 0.0) * SLACK):
            return True
        take(set(order[i:i + BATCH]))
        i += BATCH
    return False


def _left(seg, leaves, nexts, beats, eligible, seen, units=None):
    """The passages of ``eligible`` not yet seen that could still reach the top (those
    holding a set of terms whose next bounds together could), or None when they are
    more than :data:`TAIL`. With ``units`` (see :func:`_scoring_leaves`), a phrase's
    words are taken together: a passage not seen yet scores a phrase's part only
    if it holds every word, and none if a word's blocks have all been read."""
    left: set = set()
    if type(eligible) is _Bits:
        # the groups' terms' bitmaps and the matches' together: counted, then listed if few
        if units is None:
            units = [[i] for i in range(len(leaves))]
        unit_bounds = [0.0 if any(nexts[i] < 0 for i in u) else sum(nexts[i] for i in u) for u in units]
        any_group = 0
        for unit_group in _dangerous(unit_bounds, beats):
            group = [i for k in unit_group for i in units[k]]
            terms = [seg.term_bits(*leaves[i]) for i in group]
            if len(group) == 1 and terms[0].bit_count() > 4 * TAIL:
                return None
            both = eligible.value
            for b in terms:
                both &= b
            any_group |= both
            if any_group.bit_count() > TAIL + len(seen):     # more than TAIL of them not seen
                return None
        left = set(_ids_of(any_group))
        left -= seen
        return None if len(left) > TAIL else left
    for group in _dangerous([max(x, 0.0) for x in nexts], beats):
        sets = sorted((seg.id_set(*leaves[i]) for i in group), key=len)
        if len(sets[0]) > 4 * TAIL and len(group) == 1:
            return None
        found = eligible.intersection(sets[0])
        for other in sets[1:]:
            if not found:
                break
            found &= other
        found -= seen
        left |= found
        if len(left) > TAIL:
            return None
    return left


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
        self.best = _best_file(self.reader)   # the segment's best-first file (None: Whoosh's postings)
        self._btexts: dict = {}     # (field, text) -> its bytes in this segment, or None
        self._scorers: dict = {}    # (field, term bytes) -> the weighting's scorer
        self._id_sets: dict = {}    # (field, term bytes) -> its passages (id_set)
        self._weighted: dict = {}   # id(And) -> (the And, its parts' weights for _weighted_tree)
        self.read = 0               # postings read from best-first blocks (a count for the tests)
        self.leaf_bits: dict = {}   # (field, term bytes) -> its bitmap: the query's terms, when matched by bitmaps
        self._term_bits: dict = {}  # (field, term bytes) -> its passages' bitmap, deleted ones left out
        self._deleted_bits = None
        self._bit_sets: dict = {}   # (field, term bytes) -> _Bits of term_bits (a few passages looked up)
        self._ranks: dict = {}      # (field, term bytes) -> _rank's function

    # --- matches as bitmaps -----------------------------------------------------------------

    def match_bits(self, q, fq, small: int):
        """The passages of this segment that ``q`` matches within the filter ``fq``,
        found with the terms' bitmaps (:meth:`scrutiny.best_postings.Term.bits`): a
        :class:`_Bits` when more than ``small`` (counted, not listed), else a set; None
        when they are not found so (no bitmaps in the segment's best-first file, a
        part of the query or filter that is not a term, a word list, AND, OR or NOT:
        a checked phrase, a page range): then :meth:`match` finds them."""
        if self.best is None or not self.best.current:
            return None
        out = self.bits(q)
        if out is not None and fq is not None:
            allowed = self.bits(fq)
            out = None if allowed is None else out & allowed
        if out is None:
            return None
        n = out.bit_count()
        return _Bits(out, n) if n > small else set(_ids_of(out))

    def bits(self, q):
        """The bitmap of the passages ``q`` matches (phrases as their words when
        ``relaxed``), or None (see :meth:`match_bits`)."""
        from whoosh import query as Q

        kind = type(q)
        if kind is Q.Term:
            if type(q.text) is bytes:     # a numeric range's term, as Whoosh compiles it
                btext = q.text if (q.fieldname, q.text) in self.reader else None
            else:
                btext = self._btext(q.fieldname, q.text)
            if btext is None:
                return 0
            out = self.term_bits(q.fieldname, btext)
            if out is not None:
                self.leaf_bits[(q.fieldname, btext)] = out
            return out
        if kind is Q.NumericRange:        # a --page filter: the page numbers' terms in the range
            return self.bits(q.simplify(self.reader))
        if kind is Q.ConstantScoreQuery:
            return self.bits(q.child)
        if kind is Q.TermRange:
            out = 0
            for btext in q._btexts(self.reader):
                got = self.term_bits(q.fieldname, btext)
                if got is None:
                    return None
                out |= got
            return out
        if kind is _phrase_class():
            if not self.relaxed or not q.words:
                return None
            out = -1
            for word in q.words:
                btext = self._btext(q.fieldname, word)
                if btext is None:
                    return 0
                got = self.term_bits(q.fieldname, btext)
                if got is None:
                    return None
                out &= got
            return out
        if kind is Q.Prefix and not q.constantscore:
            return self.bits(self._expanded(q))
        if (kind is Q.Or and not q.minmatch) or (kind is Q.And and q.subqueries):
            parts = []
            for sub in q.subqueries:
                got = self.bits(sub)
                if got is None:
                    return None
                parts.append(got)
            if not parts:
                return 0
            out = parts[0]
            for got in parts[1:]:
                out = out | got if kind is Q.Or else out & got
            return out
        if kind is Q.Require:
            a = self.bits(q.a)
            if a is None:
                return None
            if type(q.b) is Q.Not:
                b = self.bits(q.b.query)
                return None if b is None else a & ~b
            b = self.bits(q.b)
            return None if b is None else a & b
        if kind is Q.NullQuery.__class__:
            return 0
        return None

    def term_bits(self, field: str, btext: bytes):
        """The bitmap of a term's passages, deleted ones left out (from the best-first
        file's bitmap, or made from its ids for a rare term); None: not in the file."""
        key = (field, btext)
        out = self._term_bits.get(key)
        if out is None:
            t = self.best_term(field, btext)
            if t is None:
                return None
            out = t.bits()
            if out is None:
                out = _int_of(t.ids)
            if self.deleted:
                if self._deleted_bits is None:
                    self._deleted_bits = _int_of(self.deleted)
                out &= ~self._deleted_bits
            self._term_bits[key] = out
        return out

    def _rank(self, field: str, btext: bytes, t):
        """passages -> their places in the term's ids (every posting, deleted ones too),
        counted in its bitmap: the bits set before each, a 64-bit word at a time."""
        key = (field, btext)
        out = self._ranks.get(key)
        if out is None:
            raw = bytes(t.bits_view)
            words = array("Q")
            words.frombytes(raw + b"\0" * (-len(raw) % 8))
            before = list(accumulate(map(int.bit_count, words), initial=0))

            def out(docs):
                return [before[d >> 6] + (words[d >> 6] & ((1 << (d & 63)) - 1)).bit_count() for d in docs]

            self._ranks[key] = out
        return out

    def _present(self, field: str, btext: bytes, t):
        """The :class:`_Bits` of a term whose best-first file keeps its bitmap (each
        passage looked up in it), or None."""
        key = (field, btext)
        bits = self._bit_sets.get(key)
        if bits is None and t.bits() is not None:
            bits = self._bit_sets[key] = _Bits(self.term_bits(field, btext), 1)
        return bits

    def found_terms(self, docs, found: set) -> None:
        """Put in ``found`` the query's terms (noted when matching) that a passage of
        ``docs`` (a set or a :class:`_Bits`) holds: the words a snippet marks."""
        as_bits = docs.value if type(docs) is _Bits else None
        for term, ids in self.leaves.items():
            if term in found:
                continue
            if as_bits is None:
                if not docs.isdisjoint(ids):
                    found.add(term)
            elif docs.intersection(ids):
                found.add(term)
        for term, bits in self.leaf_bits.items():
            if term in found:
                continue
            if as_bits is None:
                if _Bits(bits, 1).intersection(docs):
                    found.add(term)
            elif as_bits & bits:
                found.add(term)

    def best_term(self, field: str, btext: bytes):
        return self.best.term(field, btext) if self.best is not None else None

    def id_set(self, field: str, btext: bytes) -> set:
        """The passages of a term in this segment, deleted ones left out (kept: not to be changed)."""
        key = (field, btext)
        ids = self._id_sets.get(key)
        if ids is None:
            t = self.best_term(field, btext)
            ids = set(t.ids) if t is not None else set(self.postings(field, btext)[0])
            if t is not None and self.deleted:
                ids -= self.deleted
            self._id_sets[key] = ids
        return ids

    # --- postings -------------------------------------------------------------------------

    def postings(self, field: str, btext: bytes, values: bool = False):
        """(ids, weights, values or None) of a term in this segment, deleted passages left out.

        The values (a text field's positions) are read only for the postings asked
        for: ``values`` is then a sequence whose item ``i`` unpickles the block of
        posting ``i`` when first asked (a phrase checks the positions of a few
        candidates, not of every passage holding its words)."""
        key = (field, btext)
        kept = self._postings.get(key)
        if kept is None and self.best is not None:
            t = self.best.term(field, btext)
            if t is not None and (not values or t.starts is not None):
                kept = self._postings[key] = self._best_postings(field, btext, t)
        if kept is None:
            # read for a phrase: the blocks' unpickled bytes kept for their positions
            kept = self._postings[key] = self._read_postings(field, btext, keep_bytes=values)
        ids, weights, vals = kept
        if values and vals is None:
            kept = self._postings[key] = self._read_postings(field, btext, eager_values=True)
            ids, weights, vals = kept
        return ids, weights, (vals if values else None)

    def _best_postings(self, field: str, btext: bytes, t):
        """(ids, weights, values) of a term from the segment's best-first file; the
        values (positions) unpickled a Whoosh block at a time when asked for."""
        from whoosh.matching.wrappers import FilterMatcher

        ids, weights = t.ids.tolist(), t.weights()
        vals = None
        if t.starts is not None:
            m = self.reader.postings(field, btext)
            vals = _LazyValues(m.child if isinstance(m, FilterMatcher) else m, t.starts, t.places)
        if self.deleted:
            keep = [i for i, d in enumerate(ids) if d not in self.deleted]
            ids = [ids[i] for i in keep]
            weights = [weights[i] for i in keep]
            vals = vals.only(keep) if vals is not None else None
        return ids, weights, vals

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
        key = (field, text)
        try:
            return self._btexts[key]
        except KeyError:
            out = self._btexts[key] = self._find_btext(field, text)
            return out

    def scorer(self, field: str, btext: bytes):
        """The weighting's scorer of a term (made once per search: its idf and average length)."""
        key = (field, btext)
        s = self._scorers.get(key)
        if s is None:
            s = self._scorers[key] = self.searcher.weighting.scorer(self.searcher, field, btext)
        return s

    def _find_btext(self, field: str, text):
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
            ids = self.id_set(q.fieldname, btext)
            self._leaf(q.fieldname, btext, ids)
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
            # the smallest part's passages, narrowed by each other part in turn (a term's
            # postings gone through against them, not made into a set of their own)
            subs = sorted(q.subqueries, key=self._size)
            out = self.match(subs[0])
            for sub in subs[1:]:
                if not out:
                    break
                out = self.within(sub, out)
            return out
        if kind is Q.Require:
            a = self.match(q.a)
            if a and type(q.b) is Q.Not:
                return a - self.within(q.b.query, a)
            return self.within(q.b, a) if a else a
        if kind is Q.NullQuery.__class__:
            return set()
        m = q.matcher(self.searcher)   # a numeric range (--page), anything else: Whoosh's matcher
        return set(m.all_ids()) - (self.deleted or set())

    def _size(self, q) -> int:
        """About how many passages ``q`` matches here (a term: its postings)."""
        from whoosh import query as Q

        if type(q) is Q.Term:
            btext = self._btext(q.fieldname, q.text)
            if btext is None:
                return 0
            t = self.best_term(q.fieldname, btext)
            if t is not None:
                return len(t.ids)
        return q.estimate_size(self.reader)

    def within(self, q, among: set, record: bool = True) -> set:
        """The passages of ``among`` (passages no other search mode excludes: not deleted)
        that ``q`` matches, as ``self.match(q) & among``; a term's postings are gone
        through (or looked up, for a few passages) without making a set of them all.
        ``record``: note the terms found (for highlighting)."""
        from whoosh import query as Q

        kind = type(q)
        if not among:
            return set()
        if kind is Q.Term:
            btext = self._btext(q.fieldname, q.text)
            if btext is None:
                return set()
            out = self._term_within(q.fieldname, btext, among, again=not record)
            if record:
                self._leaf(q.fieldname, btext, out)
            return out
        if kind is Q.Prefix and not q.constantscore:
            return self.within(self._expanded(q), among, record)
        if kind is Q.Or and not q.minmatch:
            out = set()
            for sub in q.subqueries:
                out |= self.within(sub, among, record)
            return out
        if kind is Q.And and q.subqueries:
            out = among
            for sub in sorted(q.subqueries, key=self._size):
                out = self.within(sub, out, record)
                if not out:
                    break
            return out
        if kind is Q.Require:
            a = self.within(q.a, among, record)
            if a and type(q.b) is Q.Not:
                return a - self.within(q.b.query, a, record)
            return self.within(q.b, a, record) if a else a
        if kind is _phrase_class() and self.relaxed:
            return self._phrase_in(q, among)
        return self.match(q) & among

    def _phrase_in(self, q, docs: set) -> set:
        """The passages of ``docs`` that the phrase ``q`` matches (``relaxed``: that hold its words)."""
        if not self.relaxed:
            return docs & self.match(q)
        words = self._phrase_words_of(q)
        if words is None:
            return set()
        common = words[1]
        return common.intersection(docs) if type(common) is _Bits else docs & common

    def _term_within(self, field: str, btext: bytes, among: set, again: bool = False) -> set:
        """The passages of ``among`` holding the term: a few looked up by bisection of
        its ids, more by going through its ids, or (``again``: asked many times in one
        search, as scoring does) by the set of its passages, made once."""
        kept = self._id_sets.get((field, btext))
        if kept is not None:
            return among & kept
        t = self.best_term(field, btext)
        if t is None:
            return among & self.id_set(field, btext)
        bits = self._present(field, btext, t)
        if len(among) * 16 < len(t.ids) or (again and bits is not None and len(among) * 4 < len(t.ids)):
            # a few passages: looked up in the term's bitmap, or by bisection of its ids
            return bits.intersection(among) if bits is not None else set(_lookup(t.ids, list(among))[0])
        if again:
            return among & self.id_set(field, btext)
        return among.intersection(t.ids)

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
        if type(common) is _Bits:
            common = common.ids() if self.only is None else common.intersection(self.only)
        elif self.only is not None:
            common = common & self.only
        if self.relaxed:
            out = common
        else:
            check = common
            out = set()
            shifts = list(enumerate(rest_words, 1))
            for d in check:
                # a first word's position p with the i-th word at p + i: the first word's
                # positions that are in every (positions of the i-th word - i), in C
                starts = set(decode(first_word[d]))
                for i, bw in shifts:
                    starts.intersection_update(map(sub, decode(bw[d]), repeat(i)))
                    if not starts:
                        break
                if starts:
                    out.add(d)
        for b in btexts:
            self._leaf(q.fieldname, b, out)
        return out

    def _leaf(self, field: str, btext: bytes, ids: set) -> None:
        """Note that the term (field, btext) is found in ``ids`` (for highlighting)."""
        key = (field, btext)
        kept = self.leaves.get(key)
        if kept is None:
            self.leaves[key] = ids    # never changed: a new set when more are found
        elif kept is not ids and not ids <= kept:
            self.leaves[key] = kept | ids

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
        terms = [self.best_term(field, b) for b in btexts]
        if all(t is not None and t.starts is not None for t in terms):
            # the passages holding every word from the ids; a passage's positions found
            # by bisection of the word's ids (every posting, deleted ones too, as Whoosh's blocks)
            from whoosh.matching.wrappers import FilterMatcher

            by_size = sorted(zip(btexts, terms), key=lambda bt: len(bt[1].ids))
            if self.best.current:      # the words' bitmaps together (listed only when asked for)
                both = -1
                for b in btexts:
                    both &= self.term_bits(field, b)
                common = _Bits(both)
            else:
                common = self.id_set(field, by_size[0][0])
                for b, _ in by_size[1:]:    # narrowed by each other word's postings (a new set)
                    if not common:
                        break
                    common = self._term_within(field, b, common)
            if not common:
                return None
            if all(t.positions is not None for t in terms):   # positions in the file
                by_word = [_PositionsAt(t) for t in terms]
                return btexts, common, by_word[0], by_word[1:], _as_they_are
            by_word = []
            for b, t in zip(btexts, terms):
                m = self.reader.postings(field, b)
                vals = _LazyValues(m.child if isinstance(m, FilterMatcher) else m, t.starts, t.places)
                by_word.append(_ValuesAt(t.ids, vals))
            return btexts, common, by_word[0], by_word[1:], _positions_decoder(schema[field].format)
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
            return self._score_term(q.fieldname, btext, docs)
        if kind is _phrase_class():
            field = q.fieldname
            mine = self._phrase_in(q, docs)
            if not mine:
                return {}
            per_word = []
            for word in q.words:
                btext = self._btext(field, word)
                per_word.append(self._score_term(field, btext, mine))
            return _tree(per_word, _intersection)
        if kind is Q.Prefix and not q.constantscore:
            return self.scores(self._expanded(q), docs)
        if kind is Q.Or and not q.minmatch and not q.scale and 0 < len(q.subqueries) < Q.Or.TOO_MANY_CLAUSES:
            # Whoosh's Or: a binary tree of union matchers (one subquery: itself); a term's
            # scores are only of the passages holding it
            return _tree([self.scores(s, docs if type(s) is Q.Term else self.within(s, docs, record=False))
                          for s in q.subqueries], _union)
        if kind is Q.And and q.subqueries:
            subs = q.subqueries
            if len(subs) == 1:
                return self.scores(subs[0], docs)
            kept = self._weighted.get(id(q))
            if kept is None or kept[0] is not q:
                kept = self._weighted[id(q)] = (q, [(0 - s.estimate_size(self.reader), i) for i, s in enumerate(subs)])
            return _weighted_tree(kept[1], [self.scores(s, docs) for s in subs])
        if kind is Q.Require:
            return self.scores(q.a, docs)
        if kind is Q.NullQuery.__class__:
            return {}
        return self._whoosh_scores(q, docs)

    def _score_term(self, field, btext, docs) -> dict:
        """{passage: the term's score} for the passages of ``docs`` holding it."""
        t = self.best_term(field, btext)
        if t is None:
            ids, weights, _ = self.postings(field, btext)
            return self._score(field, btext, ids, weights, docs)
        all_ids = t.ids
        if len(docs) * 8 < len(all_ids):
            # a few passages: each posting found by bisection of the term's ids (in C), only
            # for those holding the term (looked up in its bitmap first, when it has one)
            bits = self._present(field, btext, t)
            if bits is not None and len(docs) > RANK_FROM and _LITTLE:
                # many: each posting's place counted in the term's bitmap (the bits before it)
                present = list(bits.intersection(docs))
                at = self._rank(field, btext, t)(present)
            else:
                present, at = _lookup(all_ids, list(docs) if bits is None else list(bits.intersection(docs)))
            weights = list(map(t.table.__getitem__, map(t.codes.__getitem__, at)))
            return self._scored(field, btext, present, weights, None)
        return self._scored(field, btext, all_ids.tolist(), t.weights(), docs)

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
        return self._scored(field, btext, ids, weights, docs)

    def _scored(self, field, btext, ids, weights, docs) -> dict:
        """{passage: score} of the postings (``ids``, ``weights``) whose passage is in ``docs``
        (None: every one)."""
        s = self.scorer(field, btext)
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

        return {d: s.score(Posting(d, w)) for d, w in zip(ids, weights) if docs is None or d in docs}

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


class _ValuesAt:
    """{passage: its value} of a term, the posting found by bisection of the term's
    ids (every posting of the segment, in order, as ``values`` counts them)."""

    __slots__ = ("ids", "values")

    def __init__(self, ids, values):
        self.ids, self.values = ids, values

    def __getitem__(self, d):
        return self.values[bisect_left(self.ids, d)]


def _lookup(ids, docs: list) -> tuple[list, list]:
    """(the passages of ``docs`` that ``ids`` (sorted) holds, their places in ``ids``):
    bisections and comparisons in C, no set of ``ids`` made."""
    last = len(ids) - 1
    if last < 0:
        return [], []
    at = list(map(min, map(bisect_left, repeat(ids), docs), repeat(last)))
    hits = list(map(eq, map(ids.__getitem__, at), docs))
    return list(compress(docs, hits)), list(compress(at, hits))


class _PositionsAt:
    """{passage: its positions} of a term, from the segment's best-first file."""

    __slots__ = ("term",)

    def __init__(self, term):
        self.term = term

    def __getitem__(self, d):
        t = self.term
        return t.positions_at(bisect_left(t.ids, d))


def _as_they_are(positions):
    return positions


def _best_file(reader):
    return best_postings.for_reader(reader)


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
