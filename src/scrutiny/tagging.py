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
from dataclasses import dataclass
from datetime import datetime, timezone

from scrutiny.passages import NO_CLAIM_KINDS  # figures, contents pages, covers: no claims

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
    """
    -- Every sentence's span, so that a curated tie can show the sentences naming both ends.
    CREATE TABLE nlp_sentences (
        passage_id TEXT NOT NULL,
        start      INTEGER NOT NULL,
        end        INTEGER NOT NULL
    );
    CREATE INDEX nlp_sentences_pid ON nlp_sentences(passage_id);
    -- Tag rows written before sentences were recorded are re-tagged.
    DELETE FROM nlp_tagged;
    """,
]

TAG_TABLES = ("nlp_mentions", "nlp_acronyms", "nlp_claims", "nlp_tie_candidates", "nlp_sentences", "nlp_tagged")
PARALLEL_THRESHOLD = 2000   # passages: above this, use two processes


@dataclass(frozen=True)
class TagSummary:
    """What one :func:`tag_store` run did."""

    passages: int            # passages tagged in this run
    skipped: int             # passages already tagged by the same tagger
    removed: int             # tag rows of passages that no longer exist, deleted
    mentions: int
    claims: int              # claim sentences
    tie_candidates: int
    stakeholders: int        # extracted (uncurated) stakeholders after resolution
    seconds: float
    model: str | None
    rules_only: bool
    tagger_version: str | None


@dataclass(frozen=True)
class PassageTags:
    """What the search index keeps of a passage's tags (its facets)."""

    tags: list[str]           # claim kinds of its sentences
    stakeholders: list[str]   # ids of the stakeholders it names


@dataclass(frozen=True)
class TagCounts:
    """How many rows the tagging stage holds (``scrutiny stats``)."""

    tagged_passages: int
    claims: int
    mentions: int
    tie_candidates: int
    extracted_stakeholders: int


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


def tag_store(project, store, progress=None, tagger=None, curated=None,
              n_process: int | None = None) -> TagSummary:
    """Tag every passage not yet tagged by the current tagger, in one transaction.

    ``progress``, when given, is called as ``progress(done, total)`` after each batch.
    """
    t0 = time.perf_counter()
    ensure_schema(store)
    if tagger is None:
        from scrutiny.nlp.kb_adapter import load_curated
        from scrutiny.nlp.pipeline import expected_version

        curated = curated if curated is not None else load_curated(project)
        version = expected_version(project.spacy_model, curated.names())
        if version is not None and _nothing_to_do(store, version):
            last = last_run(store) or {}
            total = store.db.execute("SELECT count(*) FROM passages").fetchone()[0]
            return TagSummary(
                passages=0, skipped=total, removed=0, mentions=0, claims=0, tie_candidates=0,
                stakeholders=store.db.execute("SELECT count(*) FROM nlp_stakeholders").fetchone()[0],
                seconds=round(time.perf_counter() - t0, 3), model=last.get("model"),
                rules_only=bool(last.get("rules_only")), tagger_version=version)
        tagger, curated = build_project_tagger(project, curated=curated)
    elif curated is None:
        from scrutiny.nlp.kb_adapter import load_curated

        curated = load_curated(project)
    db = store.db
    todo = db.execute(
        "SELECT p.id, p.doc_id, p.page, p.page_breaks, p.kind, p.text FROM passages p "
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
            if os.environ.get("SCRUTINY_TAG_PROCESSES", "").isdigit():
                n_process = max(1, int(os.environ["SCRUTINY_TAG_PROCESSES"]))
        longest = max((len(r["text"]) for r in todo), default=0)
        if longest >= tagger.nlp.max_length:
            tagger.nlp.max_length = longest + 1  # a very long passage is still tagged, not refused
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
        counts["mentions"] += propagate_acronyms(store)
        resolved = resolve(store, curated)
        db.execute(
            "INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('last_run', ?)",
            (json.dumps({"model": tagger.model_name, "rules_only": tagger.rules_only,
                         "tagger_version": tagger.version, "at": stamp}),),
        )
    return TagSummary(
        passages=len(todo),
        skipped=total_passages - len(todo),
        removed=removed,
        mentions=counts["mentions"],
        claims=counts["claims"],
        tie_candidates=counts["ties"],
        stakeholders=resolved["stakeholders"],
        seconds=round(time.perf_counter() - t0, 3),
        model=tagger.model_name,
        rules_only=tagger.rules_only,
        tagger_version=tagger.version,
    )


def _nothing_to_do(store, version: str) -> bool:
    db = store.db
    untagged = db.execute(
        "SELECT 1 FROM passages p LEFT JOIN nlp_tagged t ON t.passage_id = p.id AND t.tagger_version = ? "
        "WHERE t.passage_id IS NULL LIMIT 1", (version,)).fetchone()
    if untagged:
        return False
    stale = db.execute("SELECT 1 FROM nlp_tagged WHERE passage_id NOT IN (SELECT id FROM passages) LIMIT 1").fetchone()
    return stale is None


def _store_doc(db, row, doc, counts) -> None:
    from scrutiny.nlp.spans import stakeholder_spans

    pid = row["id"]
    mentions = []
    heading = row["kind"] == "heading"
    for s in stakeholder_spans(doc):
        if heading and s._.source != "curated":
            continue  # headings are in title case: only listed names are trusted there
        mentions.append((pid, s.start_char, s.end_char, s.text, s.label_, s._.source or "model",
                         float(s._.confidence or 0.0), s.kb_id_ or None))
    db.executemany(
        "INSERT OR REPLACE INTO nlp_mentions (passage_id, start, end, text, kind, source, confidence, curated_id) "
        "VALUES (?,?,?,?,?,?,?,?)", mentions)
    counts["mentions"] += len(mentions)
    db.executemany("INSERT INTO nlp_acronyms (passage_id, short, long) VALUES (?,?,?)",
                   [(pid, short, long) for short, long in (doc._.acronyms or [])])
    db.executemany("INSERT INTO nlp_sentences (passage_id, start, end) VALUES (?,?,?)",
                   [(pid, c["start"], c["end"]) for c in doc._.claims or []])
    claims = []
    text = row["text"]  # the passage text the doc was made from (Doc.text would rebuild it)
    for c in doc._.claims if row["kind"] not in NO_CLAIM_KINDS and doc._.claims else []:
        kinds = c.get("kinds") or {}
        if not kinds:
            continue
        details = {k: {"confidence": float(v[0]), "source": v[1]} for k, v in kinds.items()}
        ordered = sorted(kinds)
        conf = min(d["confidence"] for d in details.values())
        sources = {d["source"] for d in details.values()}
        source = "rule" if sources == {"rule"} else "model"
        claims.append((f"{pid}@{c['start']}", pid, row["doc_id"], _page(row, c["start"]), c["start"], c["end"],
                       text[c["start"]:c["end"]], json.dumps(ordered), json.dumps(details),
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

def propagate_acronyms(store) -> int:
    """An acronym a document defines ("Parliamentary and Health Service Ombudsman
    (PHSO)") is a mention wherever it stands in that document, in every passage,
    whether or not the model saw it there. Returns the number of mentions added."""
    import re

    db = store.db
    defined = db.execute(
        "SELECT DISTINCT p.doc_id, a.short, a.long FROM nlp_acronyms a JOIN passages p ON p.id = a.passage_id"
    ).fetchall()
    by_doc: dict[str, dict[str, str]] = defaultdict(dict)
    for r in defined:
        if not r["long"].islower():
            by_doc[r["doc_id"]].setdefault(r["short"], r["long"])
    added = 0
    for doc_id, acronyms in by_doc.items():
        # The kind of each acronym: that of its long form's mentions in the document.
        kinds = {}
        for short, long in acronyms.items():
            row = db.execute(
                "SELECT m.kind FROM nlp_mentions m JOIN passages p ON p.id = m.passage_id "
                "WHERE p.doc_id = ? AND (m.text = ? OR m.text = ?) GROUP BY m.kind ORDER BY count(*) DESC LIMIT 1",
                (doc_id, long, short)).fetchone()
            kinds[short] = row["kind"] if row else "organisation"
        rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(acronyms, key=len, reverse=True))
                        + r")(?![\w-])")
        for p in db.execute("SELECT id, text FROM passages WHERE doc_id = ?", (doc_id,)).fetchall():
            found = [(m.start(), m.end(), m.group(1)) for m in rx.finditer(p["text"])]
            if not found:
                continue
            taken = db.execute("SELECT start, end FROM nlp_mentions WHERE passage_id = ?", (p["id"],)).fetchall()
            for start, end, short in found:
                if any(start < t["end"] and t["start"] < end for t in taken):
                    continue
                db.execute(
                    "INSERT OR IGNORE INTO nlp_mentions (passage_id, start, end, text, kind, source, confidence) "
                    "VALUES (?,?,?,?,?,?,?)", (p["id"], start, end, short, kinds[short], "rule", 0.75))
                added += 1
    return added

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

def passage_facets(store) -> dict[str, PassageTags]:
    """``{passage_id: PassageTags}`` for tagged passages."""
    out: dict[str, PassageTags] = {}
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
        out[pid] = PassageTags(tags=sorted(tags.get(pid, ())), stakeholders=sorted(people.get(pid, ())))
    return out


# --- queries for the CLI and the site ------------------------------------------------

def _has_tags(store) -> bool:
    return store.has_table("nlp_mentions")


def list_stakeholders(store, curated, doc_id: str | None = None) -> list[dict]:
    """``[{id, name, kind, aliases, mentions, source}]``, most mentioned first.

    ``source`` is ``curated`` (knowledge base or manifest title) or ``extracted``.
    With ``doc_id``, only stakeholders named in that document, mentions counted there.
    """
    counts: Counter = Counter()
    if _has_tags(store):
        if doc_id:
            rows = store.db.execute(
                "SELECT m.stakeholder_id, count(*) FROM nlp_mentions m JOIN passages p ON p.id = m.passage_id "
                "WHERE p.doc_id = ? AND m.stakeholder_id IS NOT NULL GROUP BY m.stakeholder_id", (doc_id,))
        else:
            rows = store.db.execute(
                "SELECT stakeholder_id, count(*) FROM nlp_mentions WHERE stakeholder_id IS NOT NULL "
                "GROUP BY stakeholder_id")
        counts.update({sid: n for sid, n in rows})
    out = []
    for sid, s in curated.stakeholders.items():
        out.append({"id": sid, "name": s["name"], "kind": s["kind"], "aliases": list(s.get("aliases") or []),
                    "mentions": counts.get(sid, 0), "source": "curated"})
    for doc, d in curated.documents.items():
        if doc not in curated.stakeholders and counts.get(doc):
            aliases = [d["short_title"]] if d.get("short_title") and d["short_title"] != d["title"] else []
            out.append({"id": doc, "name": d["title"], "kind": "document", "aliases": aliases,
                        "mentions": counts.get(doc, 0), "source": "curated"})
    if store.has_table("nlp_stakeholders"):
        for r in store.db.execute("SELECT id, name, kind, aliases FROM nlp_stakeholders"):
            out.append({"id": r["id"], "name": r["name"], "kind": r["kind"], "aliases": json.loads(r["aliases"]),
                        "mentions": counts.get(r["id"], 0), "source": "extracted"})
    if doc_id:
        out = [s for s in out if s["mentions"] > 0]
    out.sort(key=lambda s: (-s["mentions"], s["source"] != "curated", s["name"].casefold()))
    return out


def _names(store, curated) -> dict[str, str]:
    names = {sid: s["name"] for sid, s in curated.stakeholders.items()}
    for doc, d in curated.documents.items():
        names.setdefault(doc, d["title"])
    if store.has_table("nlp_stakeholders"):
        for r in store.db.execute("SELECT id, name FROM nlp_stakeholders"):
            names.setdefault(r["id"], r["name"])
    return names


def _page(row, offset: int) -> int:
    """The page of character ``offset`` of a passage (a row or dict with
    ``page`` and ``page_breaks``, the latter JSON text or a list): a sentence of
    a passage running overleaf gets its own page, never its passage's first."""
    from scrutiny.passages import Passage

    breaks = row["page_breaks"]
    if isinstance(breaks, str):
        breaks = json.loads(breaks or "[]")
    return Passage("", "", 0, "", row["page"], row["page"], "", page_breaks=breaks).page_at(offset)


def _evidence(store, where: str = "", params=()) -> dict[str, list[dict]]:
    """tie id -> evidence rows of its candidates (quote = the sentence as stored)."""
    out: dict[str, list[dict]] = defaultdict(list)
    if not store.has_table("nlp_tie_candidates"):
        return out
    rows = store.db.execute(
        "SELECT c.tie_id, c.passage_id, c.sent_start, c.sent_end, c.confidence, c.role, c.pattern, "
        "p.text, p.doc_id, p.page, p.page_breaks FROM nlp_tie_candidates c JOIN passages p ON p.id = c.passage_id "
        "WHERE c.tie_id IS NOT NULL " + where + " ORDER BY p.doc_id, p.ord, c.sent_start", params)
    for r in rows:
        out[r["tie_id"]].append({
            "passage_id": r["passage_id"], "doc_id": r["doc_id"], "page": _page(r, r["sent_start"]),
            "quote": r["text"][r["sent_start"]:r["sent_end"]],
            "confidence": r["confidence"], "role": r["role"], "pattern": r["pattern"],
        })
    return out


def list_ties(project, store, curated, status: str | None = None, stakeholder: str | None = None,
              doc_id: str | None = None) -> list[dict]:
    """Curated, suggested, accepted and rejected ties in the issue's JSON shape.

    Curated ties (kb/) win over suggestions of the same subject, relation and
    object (their evidence is merged in). Rejected suggestions are listed only
    with ``status="rejected"``.
    """
    from scrutiny.nlp.review import load_decisions, match_decision
    from scrutiny.pages import page_ref  # the page as the document prints it

    names = _names(store, curated)
    aliases = {sid: s.get("aliases") or [] for sid, s in curated.stakeholders.items()}
    if store.has_table("nlp_stakeholders"):
        for r in store.db.execute("SELECT id, aliases FROM nlp_stakeholders"):
            aliases[r["id"]] = json.loads(r["aliases"])
    decisions = load_decisions(project)
    evidence = _evidence(store)
    out = []
    curated_keys = {}
    for t in curated.ties:
        tid = tie_id(t["subject"], t["relation"], t["object"])
        curated_keys[tid] = t
        ev = [{"passage_id": e["passage_id"], "quote": e["quote"], "doc_id": e["doc_id"], "page": e["page"],
               "how": "pattern"} for e in evidence.get(tid, [])]
        for pid in t.get("passages") or []:
            p = store.passage(pid) if store.has_table("passages") else None
            if p is not None and not any(e["passage_id"] == pid for e in ev):
                ev.insert(0, {"passage_id": pid, "quote": p.text, "doc_id": p.doc_id, "page": p.page,
                              "how": "kb"})
        if not ev:
            ev = co_mentions(store, t["subject"], t["object"])
        out.append({
            "id": t["id"], "subject": t["subject"], "subject_name": names.get(t["subject"], t["subject"]),
            "relation": t["relation"], "object": t["object"], "object_name": names.get(t["object"], t["object"]),
            "role": t.get("role"), "status": "curated", "confidence": 1.0, "evidence": ev,
            "sources": t.get("sources") or [], "start": t.get("start"), "end": t.get("end"),
        })
    if store.has_table("nlp_tie_candidates"):
        rows = store.db.execute(
            "SELECT tie_id, subject_id, relation, object_id, max(confidence) AS conf, count(*) AS n "
            "FROM nlp_tie_candidates WHERE tie_id IS NOT NULL GROUP BY tie_id").fetchall()
        for r in rows:
            tid = r["tie_id"]
            if tid in curated_keys:
                continue
            ev = evidence.get(tid, [])
            roles = Counter(e["role"] for e in ev if e["role"])
            subject_name = names.get(r["subject_id"], r["subject_id"])
            object_name = names.get(r["object_id"], r["object_id"])
            decision = match_decision(decisions, tid, subject_name, r["relation"], object_name,
                                      aliases.get(r["subject_id"], ()), aliases.get(r["object_id"], ()))
            # More independent sentences make a suggestion surer (noisy-or, capped).
            conf = 1.0
            for e in ev:
                conf *= 1.0 - float(e["confidence"])
            conf = round(min(0.99, 1.0 - conf), 3)
            out.append({
                "id": tid, "subject": r["subject_id"], "subject_name": subject_name,
                "relation": r["relation"], "object": r["object_id"], "object_name": object_name,
                "role": roles.most_common(1)[0][0] if roles else None,
                "status": decision["decision"] if decision else "suggested",
                "confidence": conf,
                "evidence": [{"passage_id": e["passage_id"], "quote": e["quote"], "doc_id": e["doc_id"],
                              "page": e["page"], "how": "pattern"} for e in ev],
                # the documents whose sentences suggest it, in the curated ties' shape
                "sources": [{"source": d, "locator": page_ref(store.document(d) or {},
                                                              min(e['page'] for e in ev if e['doc_id'] == d))}
                            for d in sorted({e["doc_id"] for e in ev})],
            })
    if status:
        out = [t for t in out if t["status"] == status]
    else:
        out = [t for t in out if t["status"] != "rejected"]
    if stakeholder:
        out = [t for t in out if stakeholder in (t["subject"], t["object"])]
    if doc_id:
        out = [t for t in out if any(e.get("doc_id") == doc_id for e in t["evidence"])
               or any(doc_id in ((s.get("doc"), s.get("source")) if isinstance(s, dict) else (s,))
                      for s in t["sources"])]
    order = {"curated": 0, "accepted": 1, "suggested": 2, "rejected": 3}
    out.sort(key=lambda t: (order.get(t["status"], 9), -t["confidence"], t["subject_name"].casefold(), t["relation"]))
    return out


def co_mentions(store, a: str, b: str, limit: int = 5) -> list[dict]:
    """Sentences naming both ``a`` and ``b`` (evidence for a curated tie the patterns missed)."""
    if not store.has_table("nlp_sentences"):
        return []
    rows = store.db.execute(
        "SELECT DISTINCT s.passage_id, s.start, s.end, p.text, p.doc_id, p.page, p.page_breaks, p.ord "
        "FROM nlp_mentions m1 JOIN nlp_mentions m2 ON m2.passage_id = m1.passage_id "
        "JOIN nlp_sentences s ON s.passage_id = m1.passage_id "
        "  AND m1.start >= s.start AND m1.end <= s.end AND m2.start >= s.start AND m2.end <= s.end "
        "JOIN passages p ON p.id = s.passage_id "
        "WHERE m1.stakeholder_id = ? AND m2.stakeholder_id = ? "
        "ORDER BY p.doc_id, p.ord, s.start LIMIT ?", (a, b, limit)).fetchall()
    return [{"passage_id": r["passage_id"], "quote": r["text"][r["start"]:r["end"]], "doc_id": r["doc_id"],
             "page": _page(r, r["start"]), "how": "co-mention"} for r in rows]


def list_claims(store, doc_id: str | None = None, kind: str | None = None, curated=None) -> list[dict]:
    """``[{id, passage_id, doc_id, page, text, kinds, confidence, source, details}]`` in reading order.

    With ``curated``, the claims register of ``kb/claims.yaml`` is folded in: in a
    passage a curated claim is located in (its passage ids, or the ``xref``
    stage's located passages), the sentences the tagger tagged with one of the
    claim's kinds, or else the sentence holding most of its search words, carry
    the claim's kinds with source ``curated`` and its ``claim_id``.
    """
    if not store.has_table("nlp_claims"):
        return []
    sql = ("SELECT c.*, p.ord, p.page AS p_page, p.page_breaks FROM nlp_claims c JOIN passages p ON p.id = c.passage_id "
           + ("WHERE c.doc_id = ? " if doc_id else "") + "ORDER BY c.doc_id, p.ord, c.start")
    rows = []
    for r in store.db.execute(sql, (doc_id,) if doc_id else ()):
        rows.append({"id": r["id"], "passage_id": r["passage_id"], "doc_id": r["doc_id"],
                     "page": _page({"page": r["p_page"], "page_breaks": r["page_breaks"]}, r["start"]),
                     "text": r["text"], "kinds": json.loads(r["kinds"]), "confidence": r["confidence"],
                     "source": r["source"], "start": r["start"], "end": r["end"],
                     "details": json.loads(r["details"]), "_ord": r["ord"]})
    if curated is not None and curated.claims:
        rows = _fold_curated_claims(store, rows, curated, doc_id)
    out = []
    for r in sorted(rows, key=lambda r: (r["doc_id"], r["_ord"], r["start"])):
        r.pop("_ord", None)
        if kind and kind not in r["kinds"]:
            continue
        out.append(r)
    return out


def _located_passages(store, curated) -> dict[str, list[str]]:
    """claim id -> passage ids it is located in (kb passage ids, then xref's located rows)."""
    located: dict[str, list[str]] = defaultdict(list)
    for c in curated.claims:
        for d in c["documents"]:
            located[c["id"]].extend(d.get("passages") or [])
    if store.has_table("xref_claims"):
        for r in store.db.execute("SELECT claim_id, passage_id FROM xref_claims WHERE origin = 'located' "
                                  "AND claim_id IS NOT NULL"):
            if r["passage_id"] not in located[r["claim_id"]]:
                located[r["claim_id"]].append(r["passage_id"])
    return located


def _fold_curated_claims(store, rows, curated, doc_id):
    import re

    by_passage: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_passage[r["passage_id"]].append(r)
    located = _located_passages(store, curated)
    for c in curated.claims:
        kinds = [k for k in c["kinds"] if k]
        words = set()
        for d in c["documents"]:
            words |= {w.casefold() for w in re.findall(r"[\w']+", d.get("search") or "")}
        for pid in located.get(c["id"], []):
            p = store.passage(pid)
            if p is None or (doc_id and p.doc_id != doc_id):
                continue
            # One sentence per located passage: the one holding most of the claim's
            # search words, preferring sentences the tagger gave one of its kinds.
            def score(a, b, text=p.text):
                return sum(w in text[a:b].casefold() for w in words)

            tagged = [r for r in by_passage.get(pid, []) if set(r["kinds"]) & set(kinds)]
            spans = [(s["start"], s["end"]) for s in store.db.execute(
                "SELECT start, end FROM nlp_sentences WHERE passage_id = ? ORDER BY start", (pid,))] \
                if store.has_table("nlp_sentences") else []
            spans = spans or [(0, len(p.text))]
            best_tagged = max(tagged, key=lambda r: score(r["start"], r["end"]), default=None)
            best_span = max(spans, key=lambda se: score(*se))
            if best_tagged is not None and score(best_tagged["start"], best_tagged["end"]) >= score(*best_span):
                targets = [best_tagged]
            else:
                start, end = best_span
                existing = next((r for r in by_passage.get(pid, []) if r["start"] == start), None)
                if existing is None:
                    existing = {"id": f"{pid}@{start}", "passage_id": pid, "doc_id": p.doc_id,
                                "page": p.page_at(start),
                                "text": p.text[start:end], "kinds": [], "confidence": 1.0, "source": "curated",
                                "start": start, "end": end, "details": {}, "_ord": p.ord}
                    rows.append(existing)
                    by_passage[pid].append(existing)
                targets = [existing]
            for r in targets:
                r["kinds"] = sorted(set(r["kinds"]) | set(kinds))
                for k in kinds:
                    r["details"][k] = {"confidence": 1.0, "source": "curated"}
                r["source"] = "curated"
                r["confidence"] = 1.0
                r.setdefault("claim_ids", [])
                if c["id"] not in r["claim_ids"]:
                    r["claim_ids"].append(c["id"])
    return rows


def tag_counts(store) -> TagCounts | None:
    """Row counts of the tagging stage; None when the store has never been tagged."""
    if not store.has_table("nlp_tagged"):
        return None
    q = store.db.execute
    return TagCounts(
        tagged_passages=q("SELECT count(*) FROM nlp_tagged").fetchone()[0],
        claims=q("SELECT count(*) FROM nlp_claims").fetchone()[0],
        mentions=q("SELECT count(*) FROM nlp_mentions").fetchone()[0],
        tie_candidates=q("SELECT count(*) FROM nlp_tie_candidates").fetchone()[0],
        extracted_stakeholders=q("SELECT count(*) FROM nlp_stakeholders").fetchone()[0],
    )


def last_run(store) -> dict | None:
    if not store.has_table("nlp_state"):
        return None
    row = store.db.execute("SELECT value FROM nlp_state WHERE key = 'last_run'").fetchone()
    return json.loads(row[0]) if row else None
