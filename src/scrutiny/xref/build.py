"""Building the cross-references: rebuilt whole, in one transaction, by :func:`build_xrefs`,
which records the fingerprint of its inputs (:func:`pending` compares it)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scrutiny.xref.schema import ensure_schema

# the store's meta key where build_xrefs records the fingerprint of its inputs
INPUTS_KEY = "xref_inputs"

_LINK_COLS = ("source_kind", "source_id", "essay_id", "target_kind", "target_id", "method", "score",
              "file", "line", "source_doc", "target_doc")
_CLAIM_COLS = ("group_id", "claim_id", "passage_id", "doc_id", "origin", "kind", "value", "surface", "score")
_SH_COLS = ("stakeholder_id", "doc_id", "mentions", "passages", "source")


@dataclass(frozen=True)
class XrefSummary:
    """What one :func:`build_xrefs` run made."""

    markup: int              # links written in the essays' markup
    suggested: int           # related-passage suggestions (TF-IDF)
    claim_passages: int      # passages where a curated claim is made
    figure_groups: int       # figures stated in several documents, in no curated claim
    stakeholder_docs: int    # (stakeholder, document) pairs
    seconds: float


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
    fp.add_tree(pkg / "xref", "*.py").add_files([pkg / "find.py", *sorted((pkg / "data").glob("*"))], pkg)
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


def _load_kb(project):
    if not project.kb_dir.is_dir():
        return None
    from scrutiny.kb import load_with_problems

    kb, _problems = load_with_problems(project.kb_dir, project.manifest_path)
    return kb  # `scrutiny kb check` / `verify` report the problems; links use what is valid


def build_xrefs(project, store, *, kb=None, threshold: float | None = None) -> XrefSummary:
    """Rebuild every cross-reference table from the store and kb/ (one
    transaction), and record the fingerprint of the inputs (see :func:`pending`)."""
    from scrutiny.find import PassageFinder
    from scrutiny.tags.queries import last_run
    from scrutiny.xref.claims import claim_rows
    from scrutiny.xref.critique import markup_links, similar_links
    from scrutiny.xref.stakeholders import from_mentions, from_names

    t0 = time.perf_counter()
    ensure_schema(store)
    kb = kb if kb is not None else _load_kb(project)
    passages = store.passages()
    doc_of = {p.id: p.doc_id for p in passages}
    links = (markup_links(kb, store) if kb else []) + similar_links(store, threshold)
    for r in links:
        r["source_doc"] = doc_of.get(r["source_id"]) if r["source_kind"] == "passage" else None
        r["target_doc"] = doc_of.get(r["target_id"]) if r["target_kind"] == "passage" else None
    claims = claim_rows(kb, store, PassageFinder(project, store).find, passages, threshold=threshold,
                        figures_of=lambda ps: _cached_figures(store, ps))
    # who is named where: the tagger's resolved mentions, else kb names matched in the text
    stakeholders = from_mentions(store) if last_run(store) is not None else []
    if not stakeholders:
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


def _cached_figures(store, passages) -> dict[str, list]:
    """``{passage id: [(quantity, sentence words)]}`` from ``xref_figures``; the
    passages not there yet (new or changed text: a new id) are read and added,
    the rows of passages that are gone are deleted."""
    import json

    from scrutiny.xref.claims import passage_figures
    from scrutiny.xref.numbers import Quantity

    db = store.db
    cached = {pid: figures for pid, figures in db.execute("SELECT passage_id, figures FROM xref_figures")}
    out, new = {}, []
    for p in passages:
        raw = cached.pop(p.id, None)
        if raw is None:
            found = passage_figures(p)
            new.append((p.id, json.dumps([[q.value, q.kind, q.currency, q.start, q.end, q.text, sorted(w)]
                                          for q, w in found], ensure_ascii=False)))
            out[p.id] = found
        else:
            out[p.id] = [(Quantity(value=v, kind=k, currency=c, start=a, end=b, text=t), set(w))
                         for v, k, c, a, b, t, w in json.loads(raw)]
    if new or cached:
        with store.transaction():
            db.executemany("DELETE FROM xref_figures WHERE passage_id = ?", [(pid,) for pid in cached])
            db.executemany("INSERT OR REPLACE INTO xref_figures (passage_id, figures) VALUES (?, ?)", new)
    return out


def _insert(db, table, cols, rows):
    db.executemany(
        f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [tuple(r.get(c) for c in cols) for r in rows],
    )
