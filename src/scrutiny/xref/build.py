"""Building the cross-references, in one transaction, by :func:`build_xrefs`: whole,
or for the documents that changed (:mod:`.update`); it records the fingerprint
of its inputs (:func:`pending` compares it) and what each document was."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scrutiny.xref.rows import (
    CLAIM_COLS, LINK_COLS, SH_COLS, insert, summary_counts, with_documents,
)
from scrutiny.xref.schema import ensure_schema

# the store's meta key where build_xrefs records the fingerprint of its inputs
INPUTS_KEY = "xref_inputs"

# the meta key of what they were made from, per document (see _state): the incremental build's record
STATE_KEY = "xref_state"

# the meta key of a number made new by every build that writes the cross-references
# (queries.key: what the site's pages showing them are keyed by, without reading them)
WRITTEN_KEY = "xref_written"


def _written(store) -> None:
    """Number this write of the cross-references (call inside its transaction)."""
    try:
        n = int(store.get_meta(WRITTEN_KEY, "0") or 0)
    except ValueError:
        n = 0
    store.set_meta(WRITTEN_KEY, n + 1)


@dataclass(frozen=True)
class XrefSummary:
    """What one :func:`build_xrefs` run made."""

    markup: int              # links written in the essays' markup
    suggested: int           # related-passage suggestions (TF-IDF)
    claim_passages: int      # passages where a curated claim is made
    figure_groups: int       # figures stated in several documents, in no curated claim
    stakeholder_docs: int    # (stakeholder, document) pairs
    seconds: float
    documents: list[str] | None = None   # the documents cross-referenced again (None: everything was)
    written: object = None               # rows deleted and inserted (update.Written)


def inputs_fingerprint(project, store, threshold: float | None = None) -> str:
    """A hash of what decides the cross-references: the store's content (its
    version, bumped by ingest and tagging, and each document's hash), kb/, and
    this package's code and data."""
    import scrutiny
    from scrutiny.fingerprint import Fingerprint

    pkg = Path(scrutiny.__file__).parent
    fp = Fingerprint().add("xref", threshold, store.content_version)
    fp.add([(doc_id, sha, n) for doc_id, (sha, n, _kind) in store.document_digests().items()])
    fp.add_files([project.manifest_path], project.root).add_tree(project.kb_dir)
    fp.add_tree(pkg / "xref", "*.py").add_files([pkg / "find.py", *sorted((pkg / "data").glob("*"))], pkg)
    return fp.hexdigest()


def pending(project, store) -> str | None:
    """Why the cross-references are behind the store and kb/, or None when they
    are current (or there is nothing to cross-reference yet)."""
    recorded = store.get_meta(INPUTS_KEY)
    if recorded is None:
        if not any(n for _sha, n, _kind in store.document_digests().values()):
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


def _state(project, store, threshold) -> dict:
    """What the cross-references were made from, in two parts: ``global`` (kb/,
    this package's code and data, the threshold, whether the store is tagged:
    when it moves, everything is built again) and ``docs`` (per document: its
    hash, passages and kind, and what its tags say; a document whose entry
    moved is cross-referenced again, alone)."""
    import scrutiny
    from scrutiny.fingerprint import Fingerprint
    from scrutiny.tags.queries import doc_fingerprints, last_run

    pkg = Path(scrutiny.__file__).parent
    tagged = last_run(store) is not None
    fp = Fingerprint().add("xref-global", threshold, tagged)
    if project.kb_dir.is_dir():
        fp.add_tree(project.kb_dir)
    fp.add_tree(pkg / "xref", "*.py").add_files([pkg / "find.py", *sorted((pkg / "data").glob("*"))], pkg)
    tags = doc_fingerprints(store) if tagged else {}
    docs = {doc_id: Fingerprint().add(sha, n, kind, tags.get(doc_id)).hexdigest()[:24]
            for doc_id, (sha, n, kind) in store.document_digests().items()}
    return {"global": fp.hexdigest(), "docs": docs}


def _recorded_state(store) -> dict | None:
    import json

    raw = store.get_meta(STATE_KEY)
    try:
        state = json.loads(raw) if raw else None
    except ValueError:
        return None
    return state if isinstance(state, dict) and isinstance(state.get("docs"), dict) else None


def build_xrefs(project, store, *, kb=None, threshold: float | None = None, rebuild: bool = False) -> XrefSummary:
    """Bring every cross-reference table up to date with the store and kb/ (one
    transaction), and record the fingerprint of the inputs (see :func:`pending`).

    When only some documents were added, changed or removed since the last
    build (kb/ and the code unchanged), only what involves them is computed
    again and only the rows that differ are written (:mod:`.update`); the result
    is the one a whole build gives. ``rebuild`` (``scrutiny build --rebuild``),
    a first build, a changed kb/ or code, or a ``threshold`` (calibration)
    build everything again.
    """
    import json

    t0 = time.perf_counter()
    ensure_schema(store)
    kb = kb if kb is not None else _load_kb(project)
    state = _state(project, store, threshold)
    old = None if (rebuild or threshold is not None) else _recorded_state(store)
    if old is not None and old.get("global") == state["global"] and store.get_meta(INPUTS_KEY) is not None:
        from scrutiny.xref.update import update

        changed = {d for d in set(old["docs"]) | set(state["docs"]) if old["docs"].get(d) != state["docs"].get(d)}
        with store.transaction():
            done = update(project, store, kb, changed)
            if done is not None:
                _written(store)
                store.set_meta(INPUTS_KEY, inputs_fingerprint(project, store))
                store.set_meta(STATE_KEY, json.dumps(state, sort_keys=True, separators=(",", ":")))
        if done is not None:
            counts, written = done
            return XrefSummary(**counts, seconds=round(time.perf_counter() - t0, 3), documents=sorted(changed),
                               written=written)
    from scrutiny.xref.figure_sets import rebuild_sets
    from scrutiny.xref.rows import refresh_figures

    passages_held = refresh_figures(store)
    links, curated = _links_and_claims(project, store, kb, threshold)
    with store.transaction():
        db = store.db
        for table in ("xref_links", "xref_claims", "xref_stakeholder_docs"):
            db.execute(f"DELETE FROM {table}")
        insert(db, "xref_links", LINK_COLS, links)
        insert(db, "xref_claims", CLAIM_COLS, curated)
        stakeholders = _stakeholders(store, kb)
        rebuilt = rebuild_sets(db, {r["passage_id"] for r in curated if r["claim_id"]})
        rebuilt.passages_held = passages_held
        _written(store)
        # only the default threshold makes the cross-references the pipeline keeps
        store.set_meta(INPUTS_KEY, inputs_fingerprint(project, store) if threshold is None
                       else f"threshold {threshold}")
        store.set_meta(STATE_KEY, json.dumps(state, sort_keys=True, separators=(",", ":"))
                       if threshold is None else "")
        groups = db.execute("SELECT count(DISTINCT group_id) FROM xref_claims WHERE claim_id IS NULL").fetchone()[0]
    from scrutiny.xref.update import Written

    counts = summary_counts(links, curated, [])
    return XrefSummary(
        **{**counts, "figure_groups": groups, "stakeholder_docs": stakeholders},
        seconds=round(time.perf_counter() - t0, 3),
        documents=None,
        written=Written(inserted={"xref_links": len(links), "xref_claims": len(curated) + rebuilt.rows,
                                  "xref_stakeholder_docs": stakeholders}, work=rebuilt),
    )


# documents whose stakeholder rows a whole build computes at once
STAKEHOLDER_DOCS_AT_ONCE = 200


def _links_and_claims(project, store, kb, threshold):
    """The links and the curated claims' rows, from the whole store (the figure groups are
    :func:`scrutiny.xref.figure_sets.rebuild_sets`'s, a few values at a time)."""
    from scrutiny.find import PassageFinder
    from scrutiny.xref.claims import curated_rows
    from scrutiny.xref.critique import markup_links, similar_links
    from scrutiny.xref.update import StoreFigures

    links = (markup_links(kb, store) if kb else []) + similar_links(store, threshold)
    with_documents(store, links)
    curated = curated_rows(kb, store, PassageFinder(project, store).find, StoreFigures(store), threshold)
    return links, curated


def _stakeholders(store, kb) -> int:
    """Write the rows of ``xref_stakeholder_docs`` a few documents at a time; how many."""
    from scrutiny.tags.queries import last_run
    from scrutiny.xref.stakeholders import from_mentions, from_names

    docs = store.document_ids()
    parts = [docs[i:i + STAKEHOLDER_DOCS_AT_ONCE] for i in range(0, len(docs), STAKEHOLDER_DOCS_AT_ONCE)]
    written = 0
    # who is named where: the tagger's resolved mentions, else kb names matched in the text
    if last_run(store) is not None:
        for part in parts:
            rows = from_mentions(store, part)
            insert(store.db, "xref_stakeholder_docs", SH_COLS, rows)
            written += len(rows)
    if not written:
        for part in parts:
            rows = from_names(kb, (p for d in part for p in store.passages(d)))
            insert(store.db, "xref_stakeholder_docs", SH_COLS, rows)
            written += len(rows)
    return written
