"""Tagging over the store: mentions, stakeholders, claims and candidate ties.

    >>> from scrutiny.tagging import tag_store, passage_facets
    >>> summary = tag_store(project, store)          # tags what is not tagged yet
    >>> passage_facets(store)["doc-abc"]              # {"tags": [...], "stakeholders": [...]}

Only passages with no row in ``nlp_tagged`` for the current tagger version are
tagged: passage ids are content hashes, so an edited paragraph gets a new id
and is tagged again while the rest are left alone; rows of passages that no
longer exist are deleted. Changing the curated names, the labelled data, the
model or our components changes the tagger version and re-tags everything.

Tables (component ``nlp`` of the store): ``nlp_tagged``, ``nlp_mentions``,
``nlp_acronyms``, ``nlp_stakeholders`` (names nobody has curated),
``nlp_claims``, ``nlp_tie_candidates``. After tagging, every mention is
resolved to a stakeholder id across the whole corpus (aliases, possessives,
defined acronyms, "Lord X" = "Y X").

This module imports spaCy and scikit-learn only inside functions.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

NLP_MIGRATIONS = [
    """
    CREATE TABLE nlp_tagged (
        passage_id     TEXT PRIMARY KEY,
        tagger_version TEXT NOT NULL,
        tagged_at      TEXT NOT NULL
    );
    CREATE TABLE nlp_mentions (
        passage_id     TEXT NOT NULL,
        start          INTEGER NOT NULL,
        end            INTEGER NOT NULL,
        text           TEXT NOT NULL,
        kind           TEXT NOT NULL,
        source         TEXT NOT NULL,              -- curated | model | rule
        confidence     REAL NOT NULL,
        curated_id     TEXT,                       -- set by the curated-names component
        stakeholder_id TEXT,                       -- set by resolution over the corpus
        PRIMARY KEY (passage_id, start, end)
    );
    CREATE INDEX nlp_mentions_sid ON nlp_mentions(stakeholder_id);
    CREATE TABLE nlp_acronyms (
        passage_id TEXT NOT NULL,
        short      TEXT NOT NULL,
        long       TEXT NOT NULL
    );
    CREATE INDEX nlp_acronyms_pid ON nlp_acronyms(passage_id);
    CREATE TABLE nlp_stakeholders (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        kind      TEXT NOT NULL,
        aliases   TEXT NOT NULL DEFAULT '[]',      -- JSON list
        mentions  INTEGER NOT NULL DEFAULT 0,
        confidence REAL NOT NULL DEFAULT 0
    );
    CREATE TABLE nlp_claims (
        id         TEXT PRIMARY KEY,               -- <passage id>@<start>
        passage_id TEXT NOT NULL,
        doc_id     TEXT NOT NULL,
        page       INTEGER,
        start      INTEGER NOT NULL,
        end        INTEGER NOT NULL,
        text       TEXT NOT NULL,                  -- the sentence as it stands in the passage
        kinds      TEXT NOT NULL,                  -- JSON list
        details    TEXT NOT NULL,                  -- JSON {kind: {confidence, source}}
        confidence REAL NOT NULL,
        source     TEXT NOT NULL
    );
    CREATE INDEX nlp_claims_pid ON nlp_claims(passage_id);
    CREATE INDEX nlp_claims_doc ON nlp_claims(doc_id);
    CREATE TABLE nlp_tie_candidates (
        passage_id    TEXT NOT NULL,
        sent_start    INTEGER NOT NULL,
        sent_end      INTEGER NOT NULL,
        relation      TEXT NOT NULL,
        role          TEXT,
        confidence    REAL NOT NULL,
        pattern       TEXT NOT NULL,
        subject_start INTEGER NOT NULL,
        subject_end   INTEGER NOT NULL,
        subject_text  TEXT NOT NULL,
        subject_kind  TEXT NOT NULL,
        object_start  INTEGER NOT NULL,
        object_end    INTEGER NOT NULL,
        object_text   TEXT NOT NULL,
        object_kind   TEXT NOT NULL,
        subject_id    TEXT,
        object_id     TEXT,
        tie_id        TEXT
    );
    CREATE INDEX nlp_ties_pid ON nlp_tie_candidates(passage_id);
    CREATE INDEX nlp_ties_tid ON nlp_tie_candidates(tie_id);
    CREATE TABLE nlp_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
]

TAG_TABLES = ("nlp_mentions", "nlp_acronyms", "nlp_claims", "nlp_tie_candidates", "nlp_tagged")
PARALLEL_THRESHOLD = 2000   # passages: above this, use two processes


def ensure_schema(store) -> None:
    store.ensure_schema("nlp", NLP_MIGRATIONS)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def build_project_tagger(project, warn: bool = True, curated=None):
    from scrutiny.nlp.kb_adapter import load_curated
    from scrutiny.nlp.pipeline import build_tagger

    curated = curated if curated is not None else load_curated(project)
    cache = project.data_dir / "nlp"
    return build_tagger(project.spacy_model, names=curated.names(), warn=warn, cache_dir=cache), curated


def tag_store(project, store, progress=None, tagger=None, curated=None, n_process: int | None = None) -> dict:
    """Tag every passage not yet tagged by the current tagger, in one transaction.

    ``progress``, when given, is called as ``progress(done, total)`` after each batch.
    Returns ``{"passages": tagged, "skipped": already tagged, "removed": stale rows
    deleted, "mentions", "claims", "tie_candidates", "stakeholders", "seconds",
    "model", "rules_only", "tagger_version"}``.
    """
    t0 = time.perf_counter()
    ensure_schema(store)
    if tagger is None:
        tagger, curated = build_project_tagger(project, curated=curated)
    elif curated is None:
        from scrutiny.nlp.kb_adapter import load_curated

        curated = load_curated(project)
    db = store.db
    todo = db.execute(
        "SELECT p.id, p.doc_id, p.page, p.text FROM passages p "
        "LEFT JOIN nlp_tagged t ON t.passage_id = p.id AND t.tagger_version = ? "
        "WHERE t.passage_id IS NULL ORDER BY p.doc_id, p.ord",
        (tagger.version,),
    ).fetchall()
    total_passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
    counts = Counter()
    with store.transaction():
        removed = 0
        for table in TAG_TABLES:
            removed += db.execute(
                f"DELETE FROM {table} WHERE passage_id NOT IN (SELECT id FROM passages)"
            ).rowcount
        ids = [(r["id"],) for r in todo]
        for table in TAG_TABLES:
            db.executemany(f"DELETE FROM {table} WHERE passage_id = ?", ids)
        if n_process is None:
            n_process = 2 if len(todo) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) >= 2 else 1
        texts = ((r["text"], i) for i, r in enumerate(todo))
        done = 0
        stamp = _now()
        for doc, i in tagger.nlp.pipe(texts, as_tuples=True, batch_size=64, n_process=n_process):
            row = todo[i]
            _store_doc(db, row, doc, counts)
            db.execute(
                "INSERT OR REPLACE INTO nlp_tagged (passage_id, tagger_version, tagged_at) VALUES (?,?,?)",
                (row["id"], tagger.version, stamp),
            )
            done += 1
            if progress is not None and (done % 64 == 0 or done == len(todo)):
                progress(done, len(todo))
        resolved = resolve(store, curated)
        db.execute(
            "INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('last_run', ?)",
            (json.dumps({"model": tagger.model_name, "rules_only": tagger.rules_only,
                         "tagger_version": tagger.version, "at": stamp}),),
        )
    return {
        "passages": len(todo),
        "skipped": total_passages - len(todo),
        "removed": removed,
        "mentions": counts["mentions"],
        "claims": counts["claims"],
        "tie_candidates": counts["ties"],
        "stakeholders": resolved["stakeholders"],
        "seconds": round(time.perf_counter() - t0, 3),
        "model": tagger.model_name,
        "rules_only": tagger.rules_only,
        "tagger_version": tagger.version,
    }


def _store_doc(db, row, doc, counts) -> None:
    from scrutiny.nlp.spans import stakeholder_spans

    pid = row["id"]
    mentions = []
    for s in stakeholder_spans(doc):
        mentions.append((pid, s.start_char, s.end_char, s.text, s.label_, s._.source or "model",
                         float(s._.confidence or 0.0), s.kb_id_ or None))
    db.executemany(
        "INSERT OR REPLACE INTO nlp_mentions (passage_id, start, end, text, kind, source, confidence, curated_id) "
        "VALUES (?,?,?,?,?,?,?,?)", mentions)
    counts["mentions"] += len(mentions)
    db.executemany("INSERT INTO nlp_acronyms (passage_id, short, long) VALUES (?,?,?)",
                   [(pid, short, long) for short, long in (doc._.acronyms or [])])
    claims = []
    for c in doc._.claims or []:
        kinds = c.get("kinds") or {}
        if not kinds:
            continue
        details = {k: {"confidence": float(v[0]), "source": v[1]} for k, v in kinds.items()}
        ordered = sorted(kinds)
        conf = min(d["confidence"] for d in details.values())
        sources = {d["source"] for d in details.values()}
        source = "rule" if sources == {"rule"} else "model"
        claims.append((f"{pid}@{c['start']}", pid, row["doc_id"], row["page"], c["start"], c["end"],
                       doc.text[c["start"]:c["end"]], json.dumps(ordered), json.dumps(details),
                       round(conf, 3), source))
    db.executemany(
        "INSERT OR REPLACE INTO nlp_claims (id, passage_id, doc_id, page, start, end, text, kinds, details, "
        "confidence, source) VALUES (?,?,?,?,?,?,?,?,?,?,?)", claims)
    counts["claims"] += len(claims)
    ties = []
    for t in doc._.ties or []:
        s, o = t["subject"], t["object"]
        ties.append((pid, t["sent_start"], t["sent_end"], t["relation"], t.get("role"), t["confidence"],
                     t["pattern"], s["start"], s["end"], s["text"], s["kind"],
                     o["start"], o["end"], o["text"], o["kind"]))
    db.executemany(
        "INSERT INTO nlp_tie_candidates (passage_id, sent_start, sent_end, relation, role, confidence, pattern, "
        "subject_start, subject_end, subject_text, subject_kind, object_start, object_end, object_text, object_kind) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ties)
    counts["ties"] += len(ties)


# --- resolution across the corpus ------------------------------------------------

def tie_id(subject: str, relation: str, obj: str) -> str:
    digest = hashlib.sha1(f"{subject}\x00{relation}\x00{obj}".encode("utf-8")).hexdigest()[:10]
    return f"tie-{digest}"


def resolve(store, curated) -> dict:
    """Give every mention a stakeholder id; rebuild ``nlp_stakeholders``; resolve tie ends."""
    from scrutiny.nlp.resolve import Resolver

    db = store.db
    rows = db.execute(
        "SELECT m.rowid AS rowid, m.passage_id, m.start, m.end, m.text, m.kind, m.source, m.confidence, "
        "m.curated_id, p.doc_id FROM nlp_mentions m JOIN passages p ON p.id = m.passage_id"
    ).fetchall()
    acronyms = db.execute(
        "SELECT a.short, a.long, p.doc_id FROM nlp_acronyms a JOIN passages p ON p.id = a.passage_id"
    ).fetchall()
    resolver = Resolver(curated)
    assignment, extracted = resolver.resolve(
        [dict(r) for r in rows], [(a["short"], a["long"], a["doc_id"]) for a in acronyms])
    db.executemany("UPDATE nlp_mentions SET stakeholder_id = ? WHERE rowid = ?",
                   [(sid, rowid) for rowid, sid in assignment.items()])
    db.execute("DELETE FROM nlp_stakeholders")
    db.executemany(
        "INSERT INTO nlp_stakeholders (id, name, kind, aliases, mentions, confidence) VALUES (?,?,?,?,?,?)",
        [(e["id"], e["name"], e["kind"], json.dumps(e["aliases"], ensure_ascii=False), e["mentions"],
          e["confidence"]) for e in extracted],
    )
    # Tie ends: the mention at the same offsets in the same passage.
    db.execute(
        "UPDATE nlp_tie_candidates SET "
        "subject_id = (SELECT stakeholder_id FROM nlp_mentions m WHERE m.passage_id = nlp_tie_candidates.passage_id "
        "  AND m.start = nlp_tie_candidates.subject_start AND m.end = nlp_tie_candidates.subject_end), "
        "object_id = (SELECT stakeholder_id FROM nlp_mentions m WHERE m.passage_id = nlp_tie_candidates.passage_id "
        "  AND m.start = nlp_tie_candidates.object_start AND m.end = nlp_tie_candidates.object_end)"
    )
    kinds = stakeholder_kinds(store, curated)
    from scrutiny.schema import vocabulary

    vocab = vocabulary()
    updates = []
    for r in db.execute("SELECT rowid, subject_id, relation, object_id FROM nlp_tie_candidates").fetchall():
        tid = None
        if r["subject_id"] and r["object_id"] and r["subject_id"] != r["object_id"]:
            sk, ok = kinds.get(r["subject_id"]), kinds.get(r["object_id"])
            if sk and ok and r["relation"] in vocab.relations and vocab.relation_allows(r["relation"], sk, ok):
                tid = tie_id(r["subject_id"], r["relation"], r["object_id"])
        updates.append((tid, r["rowid"]))
    db.executemany("UPDATE nlp_tie_candidates SET tie_id = ? WHERE rowid = ?", updates)
    return {"stakeholders": len(extracted)}


def stakeholder_kinds(store, curated) -> dict[str, str]:
    kinds = {sid: s["kind"] for sid, s in curated.stakeholders.items()}
    for doc_id in curated.documents:
        kinds.setdefault(doc_id, "document")
    if store.has_table("nlp_stakeholders"):
        for r in store.db.execute("SELECT id, kind FROM nlp_stakeholders"):
            kinds.setdefault(r["id"], r["kind"])
    return kinds


# --- facets for the search index ---------------------------------------------------

def passage_facets(store) -> dict[str, dict]:
    """``{passage_id: {"tags": [claim kinds], "stakeholders": [ids]}}`` for tagged passages."""
    out: dict[str, dict] = defaultdict(lambda: {"tags": [], "stakeholders": []})
    if not store.has_table("nlp_claims"):
        return {}
    tags: dict[str, set] = defaultdict(set)
    for pid, kinds in store.db.execute("SELECT passage_id, kinds FROM nlp_claims"):
        tags[pid].update(json.loads(kinds))
    people: dict[str, set] = defaultdict(set)
    for pid, sid in store.db.execute(
        "SELECT DISTINCT passage_id, stakeholder_id FROM nlp_mentions WHERE stakeholder_id IS NOT NULL"
    ):
        people[pid].add(sid)
    for pid in set(tags) | set(people):
        out[pid] = {"tags": sorted(tags.get(pid, ())), "stakeholders": sorted(people.get(pid, ()))}
    return dict(out)
