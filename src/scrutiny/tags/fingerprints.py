"""Each document's tag fingerprints, kept in ``nlp_doc_fingerprints``: what changes
when a document's claims or resolved mentions change (the cross-references and the
site read :func:`scrutiny.tags.queries.doc_fingerprints`, the search index
:func:`scrutiny.tags.queries.facet_fingerprints`), and its resolved tie candidates
(the site's suggested ties read :func:`scrutiny.tags.queries.tie_fingerprints`).

A tagging run writes again the rows of the documents whose tags it touched
(:func:`refresh`), so that reading them is one small row per document instead
of an aggregate over every claim and mention of the corpus; a store whose rows
were never kept (``nlp_state`` has no ``doc_fingerprints``) is computed whole.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

VERSION = "1"


def _set_hash(joined: str | None, sep: str = ";") -> str:
    """A hash of the items an aggregate joined, whatever order the engine joined them in
    (neither SQLite nor PostgreSQL promises the order of a group's rows)."""
    return hashlib.sha256(sep.join(sorted((joined or "").split(sep))).encode()).hexdigest()


def compute(db, doc_ids=None) -> dict[str, dict]:
    """``{doc id: {"doc": [...], "facets": hash}}`` from the tag rows (of ``doc_ids``, or all)."""
    where, args = "", ()
    if doc_ids is not None:
        where, args = " WHERE doc_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(doc_ids)),)
    doc: dict[str, list] = defaultdict(list)
    facets: dict[str, list] = defaultdict(list)
    for doc_id, n, total, kinds in db.execute(
            "SELECT doc_id, count(*), total(start * 7 + end), "
            "group_concat(passage_id || ':' || start || ':' || kinds, ';') FROM nlp_claims" + where
            + " GROUP BY doc_id", args):
        doc[doc_id].append(["claims", n, total, _set_hash(kinds)])
    for doc_id, n, total, who in db.execute(
            "SELECT doc_id, count(*), total(start * 7 + end), "
            "group_concat(passage_id || ':' || start || ':' || coalesce(curated_id, stakeholder_id, ''), ';') "
            "FROM nlp_mentions" + where + " GROUP BY doc_id", args):
        doc[doc_id].append(["mentions", n, total, _set_hash(who)])
    for doc_id, joined in db.execute(
            "SELECT doc_id, group_concat(passage_id || ':' || kinds, ';') FROM nlp_claims" + where
            + " GROUP BY doc_id", args):
        facets[doc_id].append(_set_hash(joined))
    for doc_id, joined in db.execute(
            "SELECT doc_id, group_concat(passage_id || ':' || stakeholder_id, ';') FROM "
            "(SELECT DISTINCT doc_id, passage_id, stakeholder_id FROM nlp_mentions "
            "WHERE stakeholder_id IS NOT NULL" + where.replace(" WHERE", " AND") + ") AS m GROUP BY doc_id", args):
        facets[doc_id].append("|" + _set_hash(joined))
    # the resolved tie candidates (their ends and their sentences), by the document of their passage
    ties: dict[str, str] = {}
    for doc_id, n, joined in db.execute(
            "SELECT m.doc_id, count(*), group_concat(t.passage_id || ':' || t.sent_start || ':' || t.sent_end || ':' "
            "|| t.tie_id || ':' || t.confidence || ':' || coalesce(t.role, ''), ';') FROM nlp_tie_candidates t "
            "JOIN (SELECT DISTINCT passage_id, doc_id FROM nlp_mentions" + where + ") AS m "
            "ON m.passage_id = t.passage_id WHERE t.tie_id IS NOT NULL GROUP BY m.doc_id", args):
        ties[doc_id] = f"{n}:{_set_hash(joined)[:24]}"
    return {d: {"doc": doc.get(d), "facets": hashlib.sha256("\n".join(facets[d]).encode()).hexdigest()[:16]
                if d in facets else None, "ties": ties.get(d)}
            for d in set(doc) | set(facets) | set(ties)}


def kept(db) -> bool:
    row = db.execute("SELECT value FROM nlp_state WHERE key = 'doc_fingerprints'").fetchone()
    return row is not None and row[0] == VERSION


def read_ties(db) -> dict[str, str] | None:
    """The kept rows' tie hashes alone, ``{doc id: hash}`` (None when not kept)."""
    if not kept(db):
        return None
    return {r[0]: r[1] for r in db.execute("SELECT doc_id, ties FROM nlp_doc_fingerprints WHERE ties IS NOT NULL")}


def read_facets(db) -> dict[str, str] | None:
    """The kept rows' facet hashes alone, ``{doc id: hash}`` (None when not kept)."""
    if not kept(db):
        return None
    return {r[0]: r[1] for r in db.execute("SELECT doc_id, facets FROM nlp_doc_fingerprints WHERE facets IS NOT NULL")}


def read_doc_texts(db) -> dict[str, str] | None:
    """The kept rows' ``doc`` column alone, as it is kept (JSON, undecoded), of the
    documents that have one (None when the rows are not kept)."""
    if not kept(db):
        return None
    return {r[0]: r[1] for r in db.execute("SELECT doc_id, doc FROM nlp_doc_fingerprints WHERE doc IS NOT NULL")}


def read(db) -> dict[str, dict] | None:
    """The kept rows (None when they are not kept: compute them)."""
    if not kept(db):
        return None
    return {r[0]: {"doc": json.loads(r[1]) if r[1] else None, "facets": r[2], "ties": r[3]}
            for r in db.execute("SELECT doc_id, doc, facets, ties FROM nlp_doc_fingerprints")}


def refresh(db, doc_ids) -> int:
    """Write again the rows of ``doc_ids`` (all of them when none are kept yet); how many."""
    whole = not kept(db)
    if whole:
        db.execute("DELETE FROM nlp_doc_fingerprints")
        rows = compute(db)
        targets = set(rows)
    else:
        targets = set(doc_ids)
        if not targets:
            return 0
        rows = {}
        ids = sorted(targets)
        for i in range(0, len(ids), 500):
            rows.update(compute(db, ids[i:i + 500]))
        db.executemany("DELETE FROM nlp_doc_fingerprints WHERE doc_id = ?", [(d,) for d in ids])
    db.executemany("INSERT INTO nlp_doc_fingerprints (doc_id, doc, facets, ties) VALUES (?, ?, ?, ?)",
                   [(d, json.dumps(r["doc"]) if r["doc"] else None, r["facets"], r["ties"])
                    for d, r in sorted(rows.items())])
    db.execute("DELETE FROM nlp_state WHERE key = 'doc_fingerprints'")
    db.execute("INSERT INTO nlp_state (key, value) VALUES ('doc_fingerprints', ?)", (VERSION,))
    return len(targets)
