"""The same claim across documents: curated claims' passages and their recurrences.

For every curated claim: the passages its locators find (``located``); then
passages in *other* documents that state one of the claim's figures (from its
statement, else from its located passages) however it is written (``figure``: 21,000 = 21k = twenty-one thousand) and share at
least ``MIN_SHARED`` content words (figures aside) with the claim's statement,
or with the statement and the located sentence the figure was taken from, and
at least a fifth of them; a figure that fits several claims goes to the one it
shares most words with; and, for claims without a figure, passages of other documents whose
TF-IDF similarity to a located passage reaches the calibrated threshold
(``similar``). Figures found in several documents but in no curated claim are
grouped too (``q:<kind>:<value>[:n]``, the value to three significant
figures: :func:`group_key`) when their sentences are about the same thing (3+
shared content words, Jaccard >= 0.15); the same figure used for different
things makes separate groups. A group depends only on the figures of its own
value, so that the incremental build (:mod:`.update`) recomputes the values a
changed document states or stated, and nothing else.
"""

from __future__ import annotations

import re
from collections import defaultdict

from scrutiny.errors import ScrutinyError
from scrutiny.passages import Passage
from scrutiny.xref.numbers import quantities

MIN_SHARED = 2             # content words a recurrence shares with the claim...
MIN_SHARE_FRACTION = 0.2   # ...and at least this share of the claim's words
GROUP_MIN_SHARED = 3       # an uncurated figure in two documents: sentences sharing 3+ words
GROUP_MIN_JACCARD = 0.15   # and 15% of their words
PAIR_BLOCK_CELLS = 4_000_000   # cells of the word-set product computed at once (rows x sets)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c(])")


def _content_words(text: str) -> set[str]:
    """Content words without the figures themselves ("half", "million", "per", "cent"...)."""
    from scrutiny.xref.similarity import analyse

    spans = [(q.start, q.end) for q in quantities(text)]
    if spans:
        out, pos = [], 0
        for a, b in spans:
            out.append(text[pos:a])
            pos = b
        out.append(text[pos:])
        text = " ".join(out)
    return set(analyse(text))


def _sentence_at(text: str, start: int) -> str:
    pos = 0
    for sent in _SENTENCE.split(text):
        i = text.find(sent, pos)
        if i <= start < i + len(sent):
            return sent
        pos = i + len(sent)
    return text


def _significant(q) -> bool:
    """Figures worth matching across documents (not 'one', 'two', 'three'...)."""
    return q.kind == "percent" or q.currency is not None or q.value >= 10


def _locate(verifier_find, claim, store) -> list[dict]:
    out = []
    for cd in claim.documents:
        ids = list(cd.passages)
        if cd.search:
            try:
                ids += verifier_find(cd.search, cd.doc)[:3]
            except ScrutinyError:  # a search the index cannot parse: `scrutiny verify` reports it
                pass
        for pid in ids:
            p, _ = store.resolve_passage(pid)
            if p and p.doc_id == cd.doc and p not in out:
                out.append(p)
    return out


def passage_figures(passage: Passage) -> list[tuple]:
    """The significant figures of a passage, each with the content words of its
    sentence: ``(quantity, words)``."""
    return [(q, _content_words(_sentence_at(passage.text, q.start)))
            for q in quantities(passage.text) if _significant(q)]


def group_key(q) -> tuple[str, float]:
    """The group an uncurated figure belongs to: its kind and its value to three
    significant figures (two thirds, 66.7% and 66.67% are one figure). A pure
    function of the figure, so that a document added or removed changes the
    groups of its own figures' values only."""
    return (q.kind, float(f"{q.value:.3g}"))


def _order(it) -> tuple:
    """Passages in the store's order (document, then reading order), figures left to right."""
    p, q, _ = it
    return (p.doc_id, p.ord, q.start)


def curated_rows(kb, store, find, figures, threshold: float | None = None) -> list[dict]:
    """The rows of the curated claims: their located passages, the passages of
    other documents stating their figures, and (claims without a figure) the
    passages of other documents worded like a located one."""
    from scrutiny.xref.similarity import THRESHOLD, Similarity

    threshold = THRESHOLD if threshold is None else threshold
    rows = []
    figure_rows = []  # (figure start, row): one figure is given to the claim it fits best
    for claim in (kb.claims if kb else []):
        located = _locate(find, claim, store)
        docs = {p.doc_id for p in located} | {cd.doc for cd in claim.documents}
        for p in located:
            rows.append(_row(claim.id, claim.id, p, "located", None, 1.0))
        # each wanted figure carries the words that must come with it: the statement's,
        # plus (for a figure taken from a located passage) that sentence's
        statement_words = _content_words(claim.statement)
        wanted = [(q, statement_words) for q in quantities(claim.statement) if _significant(q)]
        if not wanted:  # the statement gives no figure: use the figures of its located passages
            wanted = [(q, statement_words | _content_words(_sentence_at(p.text, q.start)))
                      for p in located for q in quantities(p.text) if _significant(q)]
        seen = {p.id for p in located}
        candidates = {}
        for w, _ in wanted:
            for it in figures.matching(w):
                candidates[(it[0].id, it[1].start)] = it
        for p, q, here in sorted(candidates.values(), key=_order):
            if p.doc_id in docs or p.id in seen:
                continue
            best = max((len(words & here) / max(len(words), 1), len(words & here))
                       for w, words in wanted if q.same(w)) if any(q.same(w) for w, _ in wanted) else None
            if best and best[1] >= MIN_SHARED and best[0] >= MIN_SHARE_FRACTION:
                seen.add(p.id)
                figure_rows.append((q.start, _row(claim.id, claim.id, p, "figure", q, round(best[0], 4))))
        if not wanted and located:
            others = [p for p in figures.passages() if p.doc_id not in docs and p.id not in seen]
            if others:
                m = Similarity([p.text for p in located + others])
                sims = m.cosine(list(range(len(located))), list(range(len(located), len(located) + len(others))))
                best = sims.max(axis=0)
                for j, p in enumerate(others):
                    if best[j] >= threshold:
                        rows.append(_row(claim.id, claim.id, p, "similar", None, round(float(best[j]), 4)))
    best_for = {}
    for start, row in figure_rows:
        key = (row["passage_id"], start)
        if key not in best_for or row["score"] > best_for[key]["score"]:
            best_for[key] = row
    rows += sorted(best_for.values(), key=lambda r: (r["group_id"], r["doc_id"], r["passage_id"]))
    return rows


def uncurated_rows(items, curated: set) -> list[dict]:
    """The rows of the figures stated in several documents but in no curated
    claim, for the figures ``items`` (``(passage, quantity, sentence words)``;
    every figure of each :func:`group_key` they hold), leaving out the passages
    of ``curated``: the definition, statement by statement and in memory. The
    build computes the same rows from the distinct word sets of each value, a
    value at a time (:mod:`.figure_sets`); the tests compare the two."""
    by_value = defaultdict(list)
    for p, q, words in sorted((it for it in items if it[0].id not in curated), key=_order):
        by_value[group_key(q)].append((p, q, words))
    rows = []
    for key in sorted(by_value):
        rows += _group_rows(key, by_value[key])
    return rows


def _group_rows(key, found) -> list[dict]:
    if len({p.doc_id for p, _, _ in found}) < 2:
        return []
    sentences = [frozenset(w) for _, _, w in found]
    # link two statements of the figure in different documents when their sentences
    # are about the same thing; each connected set of links is one group. Statements
    # with the same words in the same document link to the same others: they are one
    # node, and the words of two nodes are compared once (a figure stated thousands of
    # times in a national corpus is mostly the same few sentences)
    node_of: dict[tuple, int] = {}
    node_members: list[list[int]] = []
    for i, (p, _q, _w) in enumerate(found):
        node = (sentences[i], p.doc_id)
        if node not in node_of:
            node_of[node] = len(node_members)
            node_members.append([])
        node_members[node_of[node]].append(i)
    nodes = list(node_of)
    # nodes by their words: two word sets are compared once, then their nodes linked
    # (nodes of different documents): the links between the nodes of two sets form a
    # complete bipartite graph less the pairs in the same document, which is one
    # component of the nodes that have a partner, except for two documents on each side
    by_words: dict[frozenset, dict[str, int]] = defaultdict(dict)
    for n, (words, doc) in enumerate(nodes):
        by_words[words][doc] = n
    word_sets = list(by_words)
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    first, second = _similar_pairs(word_sets)
    # the common case, at numpy's speed: two sets each stated in one document, different ones
    one = np.array([len(by_words[w]) == 1 for w in word_sets], dtype=bool)
    doc_index = {d: k for k, d in enumerate(sorted({d for _, d in nodes}))}
    only_node = np.array([next(iter(by_words[w].values())) if len(by_words[w]) == 1 else -1 for w in word_sets])
    only_doc = np.array([doc_index[next(iter(by_words[w]))] if len(by_words[w]) == 1 else -1 for w in word_sets])
    simple = one[first] & one[second]
    link = simple & (first != second) & (only_doc[first] != only_doc[second])
    ends_a, ends_b = [only_node[first[link]]], [only_node[second[link]]]
    more_a, more_b = [], []

    def join(ns):
        ns = list(ns)
        more_a.extend(ns[:1] * (len(ns) - 1))
        more_b.extend(ns[1:])

    for i, j in zip(first[~simple].tolist(), second[~simple].tolist()):
        a, b = word_sets[i], word_sets[j]
        na, nb = by_words[a], by_words[b]
        if i == j:
            if len(na) >= 2:
                join(na.values())
            continue
        da, db = set(na), set(nb)
        if da == db and len(da) == 2:
            d1, d2 = sorted(da)
            join((na[d1], nb[d2]))
            join((na[d2], nb[d1]))
            continue
        side_a = [na[d] for d in da if db - {d}]
        side_b = [nb[d] for d in db if da - {d}]
        if side_a and side_b:
            join(side_a + side_b)
    ends_a.append(np.array(more_a, dtype=np.int64))
    ends_b.append(np.array(more_b, dtype=np.int64))
    ea, eb = np.concatenate(ends_a).astype(np.int64), np.concatenate(ends_b).astype(np.int64)
    graph = coo_matrix((np.ones(len(ea), dtype=np.int8), (ea, eb)), shape=(len(nodes), len(nodes)))
    _count, label = connected_components(graph, directed=False)
    linked_nodes = set(ea.tolist()) | set(eb.tolist())

    def root(n):
        return int(label[n])

    components = defaultdict(list)
    for node in sorted(linked_nodes, key=lambda n: node_members[n][0]):
        components[root(node)].extend(node_members[node])
    for c in components.values():
        c.sort()
    rows = []
    for n, members in enumerate(sorted(components.values(), key=lambda m: m[0]), 1):
        if len({found[i][0].doc_id for i in members}) < 2:
            continue
        group = f"q:{key[0]}:{key[1]:g}" + (f":{n}" if len(components) > 1 else "")
        done = set()
        for i in members:
            p, q, _ = found[i]
            if p.id not in done:
                done.add(p.id)
                rows.append(_row(group, None, p, "figure", q, None))
    return rows


def _similar_pairs(word_sets: list[frozenset]):
    """The pairs ``(i, j)`` (two arrays), ``i <= j``, of word sets sharing GROUP_MIN_SHARED words or
    more and GROUP_MIN_JACCARD of their words, ordered by (i, j): the shared counts
    of every pair, a block of rows at a time, as the product of the sets' word matrix with itself (scipy.sparse),
    instead of comparing the sets pair by pair in Python."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, words in enumerate(word_sets):
        for w in words:
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    total = len(word_sets)
    m = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(total, len(vocab)))
    sizes = np.array([len(w) for w in word_sets], dtype=np.float64)
    # a block of rows at a time against the rows from the block on (i <= j): the product
    # of a figure stated in thousands of distinct sentences that share common words is
    # nearly dense, so the whole of it at once held gigabytes (8 GB at 10,000 documents)
    step = max(64, PAIR_BLOCK_CELLS // max(total, 1))
    out_i, out_j = [], []
    for a in range(0, total, step):
        shared = (m[a:a + step] @ m[a:].T).tocoo()
        i, j = shared.row.astype(np.int64) + a, shared.col.astype(np.int64) + a
        keep = (i <= j) & (shared.data >= GROUP_MIN_SHARED)
        i, j, n = i[keep], j[keep], shared.data[keep].astype(np.float64)
        union = np.maximum(sizes[i] + sizes[j] - n, 1)
        ok = n / union >= GROUP_MIN_JACCARD
        order = np.lexsort((j[ok], i[ok]))
        out_i.append(i[ok][order])
        out_j.append(j[ok][order])
    return np.concatenate(out_i), np.concatenate(out_j)


def _alike_between(rows: list[frozenset], cols: list[frozenset]):
    """The pairs ``(i, j)`` (two arrays, ordered by (i, j)) of a word set of ``rows`` and one of
    ``cols`` alike as :func:`_similar_pairs` tells (GROUP_MIN_SHARED words shared or more, and
    GROUP_MIN_JACCARD of their words): every one of the ``len(rows) * len(cols)`` cells, a block of
    rows at a time (the sets a change touched against every set of their figure, not every pair)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    if not rows or not cols:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    vocab: dict[str, int] = {}

    def matrix(word_sets):
        r, c = [], []
        for i, words in enumerate(word_sets):
            for w in words:
                r.append(i)
                c.append(vocab.setdefault(w, len(vocab)))
        return r, c

    ra, ca = matrix(rows)
    rb, cb = matrix(cols)
    a = csr_matrix((np.ones(len(ra), dtype=np.int32), (ra, ca)), shape=(len(rows), len(vocab)))
    b = csr_matrix((np.ones(len(rb), dtype=np.int32), (rb, cb)), shape=(len(cols), len(vocab))).T.tocsr()
    size_a = np.array([len(w) for w in rows], dtype=np.float64)
    size_b = np.array([len(w) for w in cols], dtype=np.float64)
    step = max(64, PAIR_BLOCK_CELLS // len(cols))
    out_i, out_j = [], []
    for start in range(0, len(rows), step):
        shared = (a[start:start + step] @ b).tocoo()
        i, j = shared.row.astype(np.int64) + start, shared.col.astype(np.int64)
        keep = shared.data >= GROUP_MIN_SHARED
        i, j, n = i[keep], j[keep], shared.data[keep].astype(np.float64)
        ok = n / np.maximum(size_a[i] + size_b[j] - n, 1) >= GROUP_MIN_JACCARD
        order = np.lexsort((j[ok], i[ok]))
        out_i.append(i[ok][order])
        out_j.append(j[ok][order])
    return np.concatenate(out_i), np.concatenate(out_j)


def _row(group, claim_id, p, origin, q, score):
    return {
        "group_id": group, "claim_id": claim_id, "passage_id": p.id, "doc_id": p.doc_id,
        "origin": origin, "kind": q.kind if q else None, "value": q.value if q else None,
        "surface": q.text if q else None, "score": score,
    }
