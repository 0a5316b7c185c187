"""Cross-references: critique -> passages, the same claim across documents,
stakeholders -> documents. Derived data: rebuilt whole by :func:`build_xrefs`.

    >>> summary = build_xrefs(project, store)         # an XrefSummary; `scrutiny build` / `scrutiny xref`
    >>> pending(project, store)                       # None, or why the cross-references are behind
    >>> related_passages(store, critique_passage_id)  # the site's "related passages"
    >>> claim_recurrences(store, "iapt-recovery-rate")
    >>> stakeholder_documents(store, "paul-farmer")

Modules: :mod:`.numbers` (the number normaliser), :mod:`.similarity` (TF-IDF and
the calibrated threshold), :mod:`.calibrate` (precision/recall on labelled
pairs), :mod:`.critique`, :mod:`.claims`, :mod:`.stakeholders`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scrutiny.xref.schema import XREF_MIGRATIONS

# the store's meta key where build_xrefs records the fingerprint of its inputs
INPUTS_KEY = "xref_inputs"


@dataclass
class XrefSummary:
    """What :func:`build_xrefs` made: counts of each kind of cross-reference."""
    markup: int            # critique -> passage/claim/stakeholder/doc links from essay markup
    suggested: int         # critique -> policy passage suggestions (TF-IDF)
    claim_passages: int    # passages where a curated claim is made
    figure_groups: int     # uncurated figures stated in several documents
    stakeholder_docs: int  # stakeholder -> document links
    seconds: float

_LINK_COLS = ("source_kind", "source_id", "essay_id", "target_kind", "target_id", "method", "score",
              "file", "line")
_CLAIM_COLS = ("group_id", "claim_id", "passage_id", "doc_id", "origin", "kind", "value", "surface", "score")
_SH_COLS = ("stakeholder_id", "doc_id", "mentions", "passages", "source")


def ensure_schema(store) -> None:
    store.ensure_schema("xref", XREF_MIGRATIONS)


def _load_kb(project):
    if not project.kb_dir.is_dir():
        return None
    from scrutiny.kb import load_with_problems

    kb, _problems = load_with_problems(project.kb_dir, project.manifest_path)
    return kb  # `scrutiny kb check` / `verify` report the problems; links use what is valid


def inputs_fingerprint(project, store, threshold: float | None = None) -> str:
    """A hash of what decides the cross-references: the store's content (its
    version, bumped by ingest and tagging, and each document's hash), kb/, and
    this package's code and data."""
    import scrutiny
    from scrutiny.fingerprint import Fingerprint

    pkg = Path(scrutiny.__file__).parent
    fp = Fingerprint().add("xref", threshold, store.content_version)
    fp.add([(d["id"], d["sha256"], d["passages"]) for d in store.documents()])
    fp.add_files([project.manifest_path], project.root).add_tree(project.kb_dir)
    fp.add_tree(pkg / "xref", "*.py").add_files([pkg / "verify.py", *sorted((pkg / "data").glob("*"))], pkg)
    return fp.hexdigest()


def pending(project, store) -> str | None:
    """Why the cross-references are behind the store and kb/, or None when they
    are current (or there is nothing to cross-reference yet)."""
    recorded = store.get_meta(INPUTS_KEY)
    if recorded is None:
        if not any(d["passages"] for d in store.documents()):
            return None
        return "cross-references are not built yet"
    if recorded != inputs_fingerprint(project, store):
        return "cross-references are older than the documents or the knowledge base"
    return None


def build_xrefs(project, store, *, kb=None, threshold: float | None = None) -> XrefSummary:
    """Rebuild every cross-reference table from the store and kb/ (one
    transaction), and record the fingerprint of the inputs (see :func:`pending`).
    """
    from scrutiny.verify import Verifier
    from scrutiny.xref.claims import claim_rows
    from scrutiny.xref.critique import markup_links, similar_links
    from scrutiny.xref.stakeholders import from_mentions, from_names

    t0 = time.perf_counter()
    ensure_schema(store)
    kb = kb if kb is not None else _load_kb(project)
    passages = store.passages()
    links = (markup_links(kb, store) if kb else []) + similar_links(store, threshold)
    finder = Verifier(project, store).find
    claims = claim_rows(kb, store, finder, passages, threshold=threshold)
    stakeholders = from_mentions(store)
    if stakeholders is None:
        stakeholders = from_names(kb, passages)
    with store.transaction():
        db = store.db
        for table in ("xref_links", "xref_claims", "xref_stakeholder_docs"):
            db.execute(f"DELETE FROM {table}")
        _insert(db, "xref_links", _LINK_COLS, links)
        _insert(db, "xref_claims", _CLAIM_COLS, claims)
        _insert(db, "xref_stakeholder_docs", _SH_COLS, stakeholders)
        # only the default threshold makes the cross-references the pipeline keeps
        store.set_meta(INPUTS_KEY, inputs_fingerprint(project, store) if threshold is None
                       else f"threshold {threshold}")
    return XrefSummary(
        markup=sum(1 for r in links if r["method"] == "markup"),
        suggested=sum(1 for r in links if r["method"] == "tfidf"),
        claim_passages=sum(1 for r in claims if r["claim_id"]),
        figure_groups=len({r["group_id"] for r in claims if not r["claim_id"]}),
        stakeholder_docs=len(stakeholders),
        seconds=round(time.perf_counter() - t0, 3),
    )


def _insert(db, table, cols, rows):
    db.executemany(
        f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [tuple(r.get(c) for c in cols) for r in rows],
    )


# --- reading (the site and the CLI) -------------------------------------------------
def _ready(store) -> bool:
    return store.has_table("xref_links")


def related_passages(store, passage_id: str, *, min_score: float | None = None) -> list[dict]:
    """Policy passages a critique passage discusses: markup first, then suggestions by score."""
    if not _ready(store):
        return []
    rows = store.db.execute(
        "SELECT x.target_id, x.method, x.score, p.doc_id, p.page, p.text FROM xref_links x "
        "JOIN passages p ON p.id = x.target_id "
        "WHERE x.source_id = ? AND x.target_kind = 'passage' "
        "ORDER BY x.method = 'tfidf', x.score DESC", (passage_id,)).fetchall()
    return [{"passage_id": r[0], "method": r[1], "score": r[2], "doc_id": r[3], "page": r[4], "text": r[5]}
            for r in rows if min_score is None or r[2] is None or r[2] >= min_score]


def discussed_by(store, target_id: str, target_kind: str = "passage") -> list[dict]:
    """The critique paragraphs (or essay lines) that link to a passage, claim, stakeholder or doc."""
    if not _ready(store):
        return []
    rows = store.db.execute(
        "SELECT source_kind, source_id, essay_id, method, score, file, line FROM xref_links "
        "WHERE target_kind = ? AND target_id = ? ORDER BY method, score DESC", (target_kind, target_id))
    return [dict(zip(("source_kind", "source_id", "essay_id", "method", "score", "file", "line"), r))
            for r in rows]


def claim_recurrences(store, claim_or_group: str) -> list[dict]:
    """Where a claim (or an uncurated figure group) is made: passages by document."""
    if not store.has_table("xref_claims"):
        return []
    rows = store.db.execute(
        "SELECT x.*, p.page, p.text FROM xref_claims x JOIN passages p ON p.id = x.passage_id "
        "WHERE x.group_id = ? ORDER BY x.origin = 'located' DESC, x.doc_id, p.ord", (claim_or_group,))
    return [dict(r) for r in rows]


def figure_groups(store) -> list[dict]:
    """Uncurated figures stated in several documents: [{group_id, kind, value, documents, passages}]."""
    if not store.has_table("xref_claims"):
        return []
    rows = store.db.execute(
        "SELECT group_id, kind, value, count(DISTINCT doc_id), count(*) FROM xref_claims "
        "WHERE claim_id IS NULL GROUP BY group_id ORDER BY count(DISTINCT doc_id) DESC, group_id")
    return [{"group_id": r[0], "kind": r[1], "value": r[2], "documents": r[3], "passages": r[4]} for r in rows]


def stakeholder_documents(store, stakeholder_id: str | None = None) -> list[dict]:
    """[{stakeholder_id, doc_id, mentions, passages, source}], most mentions first."""
    if not store.has_table("xref_stakeholder_docs"):
        return []
    sql = "SELECT * FROM xref_stakeholder_docs"
    args = ()
    if stakeholder_id:
        sql += " WHERE stakeholder_id = ?"
        args = (stakeholder_id,)
    return [dict(r) for r in store.db.execute(sql + " ORDER BY stakeholder_id, mentions DESC, doc_id", args)]


__all__ = [
    "XrefSummary", "build_xrefs", "pending", "inputs_fingerprint", "ensure_schema", "related_passages", "discussed_by", "claim_recurrences",
    "figure_groups", "stakeholder_documents",
]
