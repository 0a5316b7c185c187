"""The incremental build: the cross-references of the documents that changed.

When documents were added, changed or removed and nothing else moved (kb/,
this package, the threshold), :func:`update` computes again only what may
involve them, and writes only the rows that differ; the tables end as a whole
build (:func:`scrutiny.xref.build_xrefs` with ``rebuild=True``) leaves them:

- stakeholders -> documents: the rows of the changed documents;
- figures stated in several documents (no curated claim): the word sets of
  the values (:func:`scrutiny.xref.claims.group_key`) the changed documents
  state or stated are grouped again (:mod:`.figure_sets`: the distinct
  sentences of those values, not their statements), and the rows of the
  passages whose groups moved are written again, never the whole corpus;
- curated claims (a few, from kb/): every claim again, its figures found
  through the same index, its located passages through the search index;
- links: the essays' markup again, and the TF-IDF suggestions between critique
  and policy passages when the store has critique documents (a TF-IDF model's
  weights are the corpus's: any document moves every score).

Returns None when the change reaches everything (the stakeholders' source
turned from the tagger's mentions to kb names or back): the caller builds whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrutiny.xref.rows import (
    CLAIM_COLS, LINK_COLS, SH_COLS, decode_figures, encode_figures, value_rows, with_documents,
)
from scrutiny.xref.claims import curated_rows, passage_figures

_CHUNK = 500
_PK = {"xref_links": ("source_id", "target_kind", "target_id", "method"),
       "xref_claims": ("group_id", "passage_id", "origin"),
       "xref_stakeholder_docs": ("stakeholder_id", "doc_id")}
_COLS = {"xref_links": LINK_COLS, "xref_claims": CLAIM_COLS, "xref_stakeholder_docs": SH_COLS}


@dataclass
class Written:
    """Rows an incremental build deleted and inserted, per table (a whole build: inserted only)."""
    inserted: dict = field(default_factory=dict)
    deleted: dict = field(default_factory=dict)
    work: object = None     # the figure groups' work: figure_sets.Work (incremental), figure_sets.Rebuilt (whole)


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


class StoreFigures:
    """The figures of the store's passages, read by value from ``xref_figure_values``
    and ``xref_figures`` (what :func:`scrutiny.xref.claims.curated_rows` reads:
    ``matching(q)``, the figures :meth:`Quantity.same` as ``q``, and ``passages()``,
    for the TF-IDF matches of claims without a figure)."""

    def __init__(self, store):
        self.store = store
        self._found: dict[str, tuple] = {}     # passage id -> (Passage, [(quantity, words)])

    def _load(self, pids) -> None:
        missing = sorted(set(pids) - set(self._found))
        db = self.store.db
        for part in _chunks(missing):
            passages = self.store.passages_by_id(part)
            marks = ", ".join("?" * len(part))
            for pid, raw in db.execute(f"SELECT passage_id, figures FROM xref_figures WHERE passage_id IN ({marks})",
                                       tuple(part)):
                if pid in passages:
                    self._found[pid] = (passages[pid], decode_figures(raw))

    def _items(self, pids, keep):
        self._load(pids)
        out = []
        for pid in sorted(set(pids)):
            if pid not in self._found:
                continue
            p, found = self._found[pid]
            out += [(p, q, w) for q, w in found if keep(q)]
        return out

    def matching(self, q) -> list[tuple]:
        pids = [r[0] for r in self.store.db.execute(
            "SELECT DISTINCT passage_id FROM xref_figure_values WHERE kind = ? AND value BETWEEN ? AND ?",
            (q.kind, q.value * 0.99, q.value * 1.01))]
        return self._items(pids, lambda other: other.same(q))

    def passages(self):
        return self.store.passages()


def update(project, store, kb, changed: set[str], threshold=None):
    """Bring the tables up to date after the documents ``changed`` (added, changed
    or removed) moved; inside the caller's transaction. Returns ``(summary
    counts, Written)``, or None when everything must be built again."""
    from scrutiny.find import PassageFinder
    from scrutiny.tags.queries import last_run
    from scrutiny.xref.rows import summary_counts
    from scrutiny.xref.critique import markup_links, similar_links
    from scrutiny.xref.stakeholders import from_mentions, from_names

    db = store.db
    written = Written()
    docs = set(store.document_ids())
    present = sorted(changed & docs)
    gone_or_changed = sorted(changed)

    # 1. who is named where: the changed documents' rows (the source stays the one of the others)
    others_source = _other_sources(db, gone_or_changed) if gone_or_changed else set()
    tagged = last_run(store) is not None
    sh_rows = from_mentions(store, present) if (tagged and present) else []
    by_mentions = tagged and ("nlp_mentions" in others_source or bool(sh_rows))
    if others_source and others_source != {"nlp_mentions" if by_mentions else "names"}:
        return None   # the source of every row changes: a whole build
    if not by_mentions:
        if tagged and not others_source and len(docs) > len(present):
            return None   # no row anywhere else to tell the source by: a whole build
        sh_rows = from_names(kb, [p for d in present for p in store.passages(d)])
    _replace(db, written, "xref_stakeholder_docs", sh_rows,
             f"doc_id IN ({_marks(gone_or_changed)})", tuple(gone_or_changed))

    # 2. the figures of the changed documents: their cache and their index by value
    from scrutiny.xref.figure_sets import Work, passage_rows, update_sets
    from scrutiny.xref.rows import VALUE_INSERT

    touched: dict[str, set[str]] = {}
    pids: set[str] = set()
    for part in _chunks(gone_or_changed):
        marks = _marks(part)
        for gkey, words in db.execute(
                f"SELECT DISTINCT gkey, words FROM xref_figure_values WHERE doc_id IN ({marks})", tuple(part)):
            touched.setdefault(gkey, set()).add(words)
        pids.update(r[0] for r in db.execute(
            f"SELECT DISTINCT passage_id FROM xref_claims WHERE claim_id IS NULL AND doc_id IN ({marks})", tuple(part)))
        db.execute(f"DELETE FROM xref_figure_values WHERE doc_id IN ({marks})", tuple(part))
        db.execute(f"DELETE FROM xref_figures WHERE doc_id IN ({marks})", tuple(part))
    cache, values = [], []
    for d in present:
        for p in store.passages(d):
            found = passage_figures(p)
            cache.append((p.id, encode_figures(found), p.doc_id))
            values += value_rows(p, found)
    db.executemany("INSERT OR REPLACE INTO xref_figures (passage_id, figures, doc_id) VALUES (?, ?, ?)", cache)
    db.executemany(VALUE_INSERT, values)
    for r in values:
        touched.setdefault(r[2], set()).add(r[5])
        pids.add(r[3])

    # 3. the curated claims, every one (a few); the passages they take or leave
    #    out of the uncurated groups touch the sets of those passages too
    figures = StoreFigures(store)
    curated = _dedupe("xref_claims", curated_rows(kb, store, PassageFinder(project, store).find, figures, threshold))
    # (from the index of the curated rows alone: not DISTINCT, which SQLite reads in passage order, every row)
    old_curated = {r[0] for r in db.execute("SELECT passage_id FROM xref_claims WHERE claim_id IS NOT NULL")}
    now_curated = {r["passage_id"] for r in curated}
    moved = sorted(old_curated ^ now_curated)
    for part in _chunks(moved):
        for gkey, words in db.execute(
                f"SELECT DISTINCT gkey, words FROM xref_figure_values WHERE passage_id IN ({_marks(part)})", tuple(part)):
            touched.setdefault(gkey, set()).add(words)
    pids.update(moved)
    _replace(db, written, "xref_claims", curated, "claim_id IS NOT NULL", ())

    # 4. the uncurated groups: the word sets of the values touched grouped again
    #    (figure_sets.py), the rows of the passages whose groups moved written again
    work = Work()
    pids |= update_sets(db, touched, now_curated, work)
    work.passages = len(pids)
    for part in _chunks(sorted(pids)):
        _replace(db, written, "xref_claims", passage_rows(db, part, now_curated),
                 f"claim_id IS NULL AND passage_id IN ({_marks(part)})", tuple(part))
    written.work = work

    # 5. links: the essays' markup, and the TF-IDF suggestions (the corpus's weights)
    links = (markup_links(kb, store) if kb else []) + similar_links(store, threshold)
    with_documents(store, links)
    links = _dedupe("xref_links", links)
    _replace(db, written, "xref_links", links, "1 = 1", ())

    counts = summary_counts(links, curated, [])
    counts["figure_groups"] = db.execute(
        "SELECT count(DISTINCT group_id) FROM xref_claims WHERE claim_id IS NULL").fetchone()[0]
    counts["stakeholder_docs"] = db.execute("SELECT count(*) FROM xref_stakeholder_docs").fetchone()[0]
    return counts, written


def _other_sources(db, doc_ids) -> set[str]:
    """The sources of the rows of who is named where of the documents not in ``doc_ids``:
    each source (there are one or two) found by a seek of the index on (source, doc_id),
    then looked up there with the documents left out, not by a pass over every row."""
    found: set[str] = set()
    last = None
    while True:
        row = db.execute("SELECT min(source) FROM xref_stakeholder_docs"
                         + ("" if last is None else " WHERE source > ?"), () if last is None else (last,)).fetchone()
        if row is None or row[0] is None:
            return found
        last = row[0]
        if db.execute(f"SELECT 1 FROM xref_stakeholder_docs WHERE source = ? AND doc_id NOT IN ({_marks(doc_ids)}) "
                      "LIMIT 1", (last, *doc_ids)).fetchone():
            found.add(last)


def _marks(items) -> str:
    return ", ".join("?" * len(items)) or "NULL"


def _dedupe(table, rows) -> list[dict]:
    """As INSERT OR IGNORE keeps them: the first row of each primary key."""
    pk = _PK[table]
    seen, out = set(), []
    for r in rows:
        k = tuple(r.get(c) for c in pk)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def _replace(db, written: Written, table: str, rows: list[dict], where: str, args: tuple) -> None:
    """Make the rows of ``table`` matching ``where`` be ``rows``: delete those that
    differ, insert the new ones; the rows that are the same are not touched."""
    cols = _COLS[table]
    pk = _PK[table]
    old = {tuple(r): None for r in db.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE {where}", args)}
    new = {tuple(r.get(c) for c in cols): None for r in rows}
    drop = [r for r in old if r not in new]
    add = [r for r in new if r not in old]
    idx = [cols.index(c) for c in pk]
    db.executemany(f"DELETE FROM {table} WHERE {' AND '.join(f'{c} = ?' for c in pk)}",
                   [tuple(r[i] for i in idx) for r in drop])
    db.executemany(f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", add)
    written.deleted[table] = written.deleted.get(table, 0) + len(drop)
    written.inserted[table] = written.inserted.get(table, 0) + len(add)
