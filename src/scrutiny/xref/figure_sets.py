"""The groups of uncurated figures kept by word set, so that one document's
change rewrites the rows of its own statements (and of groups renamed), not
every statement of the figures it states.

:func:`scrutiny.xref.claims.uncurated_rows` links two statements of a figure
(same :func:`~scrutiny.xref.claims.group_key`) in different documents when
their sentences' content words are alike; a group is a connected set of
links. The same relation read per distinct word set ("set") of a figure value:

- two sets A and B alike (``_similar_pairs``; a set is alike to itself when
  it has 3 words or more) connect every statement of both unless both are
  stated in one and the same document only;
- a set stated in two documents or more links its statements by itself.

So a group is a connected set of word sets, its statements are those of its
sets, and its name (``q:<kind>:<value>[:n]``, numbered by first statement)
is a function of the sets alone. ``xref_figure_sets`` keeps each set's
documents (how many, which one when one), first statement and group; an
incremental build recounts the sets the changed documents state or stated,
groups the sets of those figure values again from their stored groups
(:func:`regroup`: the k sets recounted against the n sets of their value, not
every pair of them; a group is compared within itself again only where a set
lost links), and writes the rows of the passages whose groups moved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from scrutiny.xref.claims import GROUP_MIN_SHARED, _similar_pairs

_CHUNK = 500


@dataclass
class FigureSet:
    words: str          # the content words of the sentence, sorted, space-separated
    ndocs: int          # documents stating the figure in such a sentence (curated passages aside)
    doc_id: str | None  # the document, when one
    first: tuple        # (doc id, passage ord, start) of its first statement
    group_id: str | None = None


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _marks(items) -> str:
    return ", ".join("?" * len(items)) or "NULL"


def words_key(words) -> str:
    return " ".join(sorted(words))


def group_sets(gkey: str, sets: list[FigureSet], work=None) -> list[str | None]:
    """The group of each set of the figure value ``gkey`` (None: in no group): every
    pair of sets compared (a whole build; :func:`regroup` after a change)."""
    import numpy as np

    n = len(sets)
    if n == 0:
        return []
    if work is not None:
        work.pairs += n * (n + 1) // 2
    first, second = _similar_pairs([frozenset(s.words.split()) for s in sets])
    links = _Links(sets)
    links.add(first, second)
    return links.names(gkey, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


class _Links:
    """The links between the sets of one value (the rule of the module's docstring) and
    their connected sets, named by first statement."""

    def __init__(self, sets: list[FigureSet]):
        import numpy as np

        self.sets = sets
        self.ndocs = np.array([s.ndocs for s in sets], dtype=np.int64)
        self.single = np.array([s.doc_id if s.ndocs == 1 else "" for s in sets], dtype=object)
        # a set alike to itself (3 words or more: every stored one) stated in two documents
        self.linked = (self.ndocs >= 2) & np.array([len(s.words.split()) >= GROUP_MIN_SHARED for s in sets], dtype=bool)
        self.ends_a: list = []
        self.ends_b: list = []

    def add(self, a, b) -> None:
        """The alike pairs ``(a[k], b[k])``: linked unless both sets are stated in one and the
        same document only (a set with itself is not a link: see ``linked``)."""
        other = a != b
        a, b = a[other], b[other]
        if len(a):
            nd = self.ndocs
            blocked = (nd[a] == 1) & (nd[b] == 1) & (self.single[a] == self.single[b])
            a, b = a[~blocked], b[~blocked]
        self.linked[a] = True
        self.linked[b] = True
        self.ends_a.append(a)
        self.ends_b.append(b)

    def names(self, gkey: str, same_a, same_b) -> list[str | None]:
        """The group of each set: the connected sets of the links, and of the pairs
        ``(same_a[k], same_b[k])`` known to be in one group (linked sets)."""
        import numpy as np
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n = len(self.sets)
        out: list[str | None] = [None] * n
        if not self.linked.any():
            return out
        a = np.concatenate([*self.ends_a, same_a]).astype(np.int64)
        b = np.concatenate([*self.ends_b, same_b]).astype(np.int64)
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
        _count, label = connected_components(graph, directed=False)
        comps: dict[int, list[int]] = defaultdict(list)
        for i in np.flatnonzero(self.linked).tolist():
            comps[int(label[i])].append(i)
        ordered = sorted(comps.values(), key=lambda members: min(self.sets[i].first for i in members))
        for k, members in enumerate(ordered, 1):
            name = f"q:{gkey}" + (f":{k}" if len(ordered) > 1 else "")
            for i in members:
                out[i] = name
        return out


def _grows(old: FigureSet | None, new: FigureSet | None) -> bool:
    """Whether a set keeps every link it had: it links to every set alike when stated in two
    documents or more, to those not stated in its document only when stated in one, to none
    when gone; so a set new, now in two documents or more, or still in the same one
    document keeps them (it may gain some)."""
    if old is None:
        return True
    if new is None:
        return False
    return new.ndocs >= 2 or (old.ndocs == 1 and old.doc_id == new.doc_id)


def regroup(gkey: str, stored: dict[str, FigureSet], counted: dict[str, FigureSet | None],
            work=None) -> dict[str, str | None]:
    """The group of each set of the value ``gkey`` after a change (what :func:`group_sets`
    gives on every set), from its stored sets and groups and the sets ``counted`` again
    (``{words: set, None when gone}``), without comparing every pair of sets:

    - a stored group none of whose sets lost a link (:func:`_grows`) is still connected (its
      links are between sets that kept theirs): its sets are one group, or part of a larger one;
    - a group where a set lost links may split: its other sets are compared with each other;
    - every set counted again is compared with every set of the value (k x n pairs), which
      finds every link a set gained; two other sets are linked as they were, so in one
      stored group.
    """
    import numpy as np

    from scrutiny.xref.claims import _alike_between

    present = {w: s for w, s in stored.items() if w not in counted}
    present.update({w: s for w, s in counted.items() if s is not None})
    order = sorted(present)
    index = {w: i for i, w in enumerate(order)}
    sets = [present[w] for w in order]
    old = {w: s.group_id for w, s in stored.items()}
    broken = {old.get(w) for w, s in counted.items() if not _grows(stored.get(w), s)} - {None}
    touched = [index[w] for w in sorted(counted) if counted[w] is not None]
    again = [index[w] for w in order if w not in counted and old.get(w) in broken]
    links = _Links(sets)
    same_a, same_b, first_of = [], [], {}
    for i, w in enumerate(order):
        g = old.get(w)
        if g is not None and g not in broken:
            links.linked[i] = True
            k = first_of.setdefault(g, i)
            if k != i:
                same_a.append(k)
                same_b.append(i)
    words = [frozenset(w.split()) for w in order]
    a, b = _alike_between([words[i] for i in touched], words)
    links.add(np.array(touched, dtype=np.int64)[a], b)
    if again:
        a, b = _similar_pairs([words[i] for i in again])
        idx = np.array(again, dtype=np.int64)
        links.add(idx[a], idx[b])
    if work is not None:
        work.pairs += len(touched) * len(order) + len(again) * (len(again) + 1) // 2
    names = links.names(gkey, np.array(same_a, dtype=np.int64), np.array(same_b, dtype=np.int64))
    return dict(zip(order, names))


# Both read the index xref_figure_values_count alone (schema.py), not the table's rows.
_SET_ROWS = ("FROM xref_figure_values WHERE gkey = ? AND words = ? "
             "AND passage_id NOT IN (SELECT value FROM json_each(?))")
COUNT_SQL = f"SELECT count(DISTINCT doc_id), min(doc_id) {_SET_ROWS}"
FIRST_SQL = f"SELECT doc_id, ord, start {_SET_ROWS} ORDER BY doc_id, ord, start LIMIT 1"


def _count(db, gkey: str, words: str, curated: str) -> FigureSet | None:
    """The documents stating the set ``words`` of the value ``gkey`` and its first
    statement, leaving out the passages ``curated`` (a JSON list), counted by the
    database: a value the corpus states in thousands of documents is not read row by row."""
    ndocs, doc_id = db.execute(COUNT_SQL, (gkey, words, curated)).fetchone()
    if not ndocs:
        return None
    first = db.execute(FIRST_SQL, (gkey, words, curated)).fetchone()
    return FigureSet(words, ndocs, doc_id if ndocs == 1 else None, (first[0], first[1], first[2]))


@dataclass
class Work:
    """What an incremental grouping read and wrote (the test of its cost reads it)."""
    values: int = 0          # figure values whose sets were grouped again (:func:`regroup`)
    sets_read: int = 0       # word sets read
    sets_written: int = 0    # word sets whose counts or group moved
    passages: int = 0        # passages whose rows were computed again
    pairs: int = 0           # pairs of word sets compared (cells of their products)


def update_sets(db, touched: dict[str, set[str]], curated: set, work: Work) -> set[str]:
    """Recount the sets ``touched`` (``{gkey: {words}}``), group the sets of
    those values again and store what moved; the passages whose rows may have
    moved besides those of the changed documents (the statements of the sets
    whose group moved)."""
    passages: set[str] = set()
    left_out = json.dumps(sorted(curated))
    for gkey in sorted(touched):
        counted = {w: _count(db, gkey, w, left_out) for w in sorted(touched[gkey])
                   if len(w.split()) >= GROUP_MIN_SHARED}
        stored = _stored(db, gkey, sorted(counted))
        work.sets_read += len(stored)
        if _same_groups(counted, stored):
            # every set recounted is in a group and stated in two documents or more, before and
            # after, with the same first statement: it links to the sets it linked to, and every
            # group keeps its sets and its name; only the counts move
            db.executemany("DELETE FROM xref_figure_sets WHERE gkey = ? AND words = ?", [(gkey, w) for w in counted])
            _insert(db, gkey, [FigureSet(w, s.ndocs, s.doc_id, s.first, stored[w].group_id)
                               for w, s in sorted(counted.items())])
            work.sets_written += len(counted)
            continue
        stored = _stored(db, gkey)
        work.values += 1
        work.sets_read += len(stored)
        groups = regroup(gkey, stored, counted, work)
        sets = {w: s for w, s in stored.items() if w not in counted}
        sets.update({w: s for w, s in counted.items() if s is not None})
        moved, renamed = set(touched[gkey]), set()
        for w, g in sorted(groups.items()):
            if w not in stored or stored[w].group_id != g:
                renamed.add(w)
            if w in renamed or w in counted:
                moved.add(w)
            sets[w] = FigureSet(sets[w].words, sets[w].ndocs, sets[w].doc_id, sets[w].first, g)
        gone = [w for w in stored if w not in sets]
        db.executemany("DELETE FROM xref_figure_sets WHERE gkey = ? AND words = ?", [(gkey, w) for w in gone])
        db.executemany("DELETE FROM xref_figure_sets WHERE gkey = ? AND words = ?",
                       [(gkey, w) for w in moved if w in sets and w in stored])
        _insert(db, gkey, [sets[w] for w in sorted(moved) if w in sets])
        work.sets_written += len(moved)
        for w in sorted(renamed):   # the changed documents' passages are the caller's
            passages.update(r[0] for r in db.execute(
                "SELECT passage_id FROM xref_figure_values WHERE gkey = ? AND words = ?", (gkey, w)))
    return passages


def _stored(db, gkey: str, words=None) -> dict[str, FigureSet]:
    """The stored sets of the value ``gkey`` (of the ``words`` only, when given)."""
    sql = ("SELECT words, ndocs, doc_id, first_doc, first_ord, first_start, group_id FROM xref_figure_sets "
           "WHERE gkey = ?")
    out = {}
    for part in ([None] if words is None else _chunks(words)):
        where = "" if part is None else f" AND words IN ({_marks(part)})"
        for w, nd, doc, fd, fo, fs, g in db.execute(sql + where, (gkey, *(part or ()))):
            out[w] = FigureSet(w, nd, doc, (fd, fo, fs), g)
    return out


def _same_groups(counted: dict, stored: dict) -> bool:
    return all(w in stored and s is not None and stored[w].group_id is not None and stored[w].ndocs >= 2
               and s.ndocs >= 2 and stored[w].first == s.first for w, s in counted.items())


def _insert(db, gkey: str, sets: list[FigureSet]) -> None:
    db.executemany(
        "INSERT INTO xref_figure_sets (gkey, words, ndocs, doc_id, first_doc, first_ord, first_start, group_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(gkey, s.words, s.ndocs, s.doc_id, s.first[0], s.first[1], s.first[2], s.group_id) for s in sets])


# statements of figures read at once by a whole build: the values are read a few at a time,
# so that it holds the statements of its most stated value (and a batch), not the corpus's
BATCH_STATEMENTS = 50_000


@dataclass
class Rebuilt:
    """What a whole build of the groups made, and the most statements it held at once."""
    values: int = 0
    sets: int = 0
    rows: int = 0            # rows of xref_claims written
    held: int = 0            # the most figure statements held at once
    passages_held: int = 0   # the most passages held at once reading the figures (rows.refresh_figures)


def rebuild_sets(db, curated: set, batch: int | None = None) -> Rebuilt:
    """Every set of every figure value from ``xref_figure_values``, and the rows of
    ``xref_claims`` of the uncurated groups (a whole build: both are emptied first), read a
    few values at a time (``batch`` statements, a value more stated than that alone)."""
    batch = BATCH_STATEMENTS if batch is None else batch
    out = Rebuilt()
    db.execute("DELETE FROM xref_figure_sets")
    db.execute("DELETE FROM xref_claims WHERE claim_id IS NULL")
    counts = sorted((g, n) for g, n in db.execute("SELECT gkey, count(*) FROM xref_figure_values GROUP BY gkey"))
    for part in _batches(counts, batch):
        held: dict[str, list] = defaultdict(list)
        for row in db.execute(
                "SELECT gkey, words, doc_id, ord, start, passage_id, kind, value, surface FROM xref_figure_values "
                f"WHERE gkey IN ({_marks(part)})", tuple(part)):
            held[row[0]].append(row[1:])
        out.held = max(out.held, sum(map(len, held.values())))
        for gkey in sorted(held):
            sets, rows = _whole_value(gkey, held.pop(gkey), curated)
            _insert(db, gkey, sets)
            db.executemany(
                "INSERT OR IGNORE INTO xref_claims (group_id, claim_id, passage_id, doc_id, origin, kind, value, "
                "surface, score) VALUES (?, NULL, ?, ?, 'figure', ?, ?, ?, NULL)", rows)
            out.values += 1
            out.sets += len(sets)
            out.rows += len(rows)
    return out


def _batches(counts: list[tuple[str, int]], batch: int):
    """The values ``counts`` (``(gkey, statements)``) a few at a time: ``batch`` statements
    or fewer (a value stated more alone), and at most _CHUNK values."""
    part, total = [], 0
    for gkey, n in counts:
        if part and (total + n > batch or len(part) >= _CHUNK):
            yield part
            part, total = [], 0
        part.append(gkey)
        total += n
    if part:
        yield part


def _whole_value(gkey: str, statements: list, curated: set) -> tuple[list[FigureSet], list[tuple]]:
    """The sets of one value, grouped, and the rows of its groups (per group and passage, its
    first statement there: as :func:`passage_rows` reads them back)."""
    by_words: dict[str, list] = {}
    for words, doc_id, ord_, start, pid, *_ in statements:
        if pid in curated or len(words.split()) < GROUP_MIN_SHARED:
            continue
        entry = by_words.setdefault(words, [set(), None])
        entry[0].add(doc_id)
        key = (doc_id, ord_, start)
        entry[1] = key if entry[1] is None or key < entry[1] else entry[1]
    order = sorted(by_words)
    sets = [FigureSet(w, len(by_words[w][0]), next(iter(by_words[w][0])) if len(by_words[w][0]) == 1 else None,
                      by_words[w][1]) for w in order]
    if len({d for w in order for d in by_words[w][0]}) < 2:
        return sets, []
    for s, g in zip(sets, group_sets(gkey, sets)):
        s.group_id = g
    group_of = {s.words: s.group_id for s in sets if s.group_id is not None}
    best: dict[tuple, tuple] = {}
    for words, doc_id, _ord, start, pid, kind, value, surface in statements:
        group = group_of.get(words)
        if group is None or pid in curated:
            continue
        k = (group, pid)
        if k not in best or start < best[k][0]:
            best[k] = (start, doc_id, kind, value, surface)
    return sets, [(g, pid, doc_id, kind, value, surface) for (g, pid), (_s, doc_id, kind, value, surface)
                  in sorted(best.items())]


def passage_rows(db, pids, curated: set) -> list[dict]:
    """The uncurated group rows of the passages ``pids``: per group, the first
    statement of each passage (from the stored groups of its sets)."""
    rows = []
    for part in _chunks(sorted(set(pids) - curated)):
        found = db.execute(
            "SELECT v.passage_id, v.doc_id, v.kind, v.value, v.surface, v.start, s.group_id "
            "FROM xref_figure_values v JOIN xref_figure_sets s ON s.gkey = v.gkey AND s.words = v.words "
            f"WHERE s.group_id IS NOT NULL AND v.passage_id IN ({_marks(part)})", tuple(part)).fetchall()
        best: dict[tuple, tuple] = {}
        for pid, doc_id, kind, value, surface, start, group in found:
            k = (group, pid)
            if k not in best or start < best[k][5]:
                best[k] = (pid, doc_id, kind, value, surface, start, group)
        for (group, pid), (_p, doc_id, kind, value, surface, _s, _g) in sorted(best.items()):
            rows.append({"group_id": group, "claim_id": None, "passage_id": pid, "doc_id": doc_id,
                         "origin": "figure", "kind": kind, "value": value, "surface": surface, "score": None})
    return rows
