"""The ties the tagger suggests (and a reviewer may have accepted), as the site shows
them: ``{stakeholder id: [tie]}`` for the stakeholder pages and for the passages of a
withheld document the site may quote.

A stakeholder page shows of each suggested tie its ends, relation, role, status,
confidence and first two sentences, so that is what a listing here holds
(``TieListing`` with ``evidence`` the first two sentences and no ``sources``; the
command line's ``scrutiny ties`` lists them whole, ``tags.queries.list_ties``).

Kept between builds in the site's record file (:mod:`.records`), by document and by
tie:

- each document's part of each tie it suggests (its sentences' confidences and roles
  in reading order, its first two sentences located), under the key of its resolved
  tie candidates (``tags.queries.tie_fingerprints``) and its passages and tags
  (``SiteContext.fingerprints``): a build reads the candidates of the documents whose
  key moved only (``tags.queries.tie_candidate_ends``);
- each tie's confidence, role and first two sentences, made again from its parts when
  one of its documents moved (the other documents' parts are read from the record,
  not from the corpus).

Names and statuses are not kept: each build names a tie's ends and matches the
reviewers' decisions (``tags.review``) again for every tie (one row per tie), so a
decision or a renamed stakeholder moves the pages of the tie's ends at once. The
result is the one :func:`whole` makes without a record (a test checks it against
``list_ties`` too).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from scrutiny.tags.queries import TieEvidence, TieListing

VERSION = "1"
SHOWN = 2    # sentences a stakeholder page shows of each tie
ORDER = {"curated": 0, "accepted": 1, "suggested": 2, "rejected": 3}   # as list_ties sorts


class Stats:
    """What the last call read (a test counts it)."""
    docs_located: list[str] = []     # documents whose candidates were read
    candidates_read: int = 0         # candidate rows read from the tagging stage
    ties_made: list[str] = []        # ties whose listing was made again from their parts


def suggested_ties(ctx) -> dict[str, list[TieListing]]:
    """``{stakeholder id: [tie]}`` of the suggested and accepted ties naming a
    stakeholder the site has a page for, each list in ``list_ties``'s order."""
    if ctx.store is None or ctx.tags is None or ctx.tags.run is None:
        return {}
    from scrutiny.site import records

    db = records.connect(ctx.cache_dir) if ctx.cache_dir is not None else records.memory()
    try:
        listings = _listings(ctx, db)
    finally:
        db.close()
    if ctx.cache_dir is not None:   # the whole-file record of the located sentences earlier versions kept
        (ctx.cache_dir / "site-tie-evidence.json").unlink(missing_ok=True)
    return _by_stakeholder(ctx, listings)


def _by_stakeholder(ctx, listings) -> dict[str, list[TieListing]]:
    from scrutiny.tags.queries import tie_names
    from scrutiny.tags.review import load_decisions, match_decision
    from scrutiny.tags.schema import tie_id

    names, aliases = tie_names(ctx.store, ctx.curated)
    decisions = load_decisions(ctx.project)
    curated = {tie_id(t.subject, t.relation, t.object) for t in ctx.curated.ties}
    out: dict[str, list[TieListing]] = defaultdict(list)
    for tid, subject, relation, obj, data in listings:
        if tid in curated:   # a curated tie is shown as such, its sentences merged in
            continue
        subject_name, object_name = names.get(subject, subject), names.get(obj, obj)
        decision = match_decision(decisions, tid, subject_name, relation, object_name,
                                  aliases.get(subject, ()), aliases.get(obj, ()))
        status = decision["decision"] if decision else "suggested"
        if status not in ("suggested", "accepted"):
            continue
        t = TieListing(id=tid, subject=subject, subject_name=subject_name, relation=relation, object=obj,
                       object_name=object_name, role=data[1], status=status, confidence=data[0],
                       evidence=[TieEvidence(pid, quote, doc, page, "pattern") for pid, quote, doc, page in data[2]],
                       sources=[])
        for end in (subject, obj):
            if end in ctx.stakeholders:
                out[end].append(t)
    for ties in out.values():
        ties.sort(key=lambda t: (ORDER.get(t.status, 9), -t.confidence, t.subject_name.casefold(), t.relation))
    return dict(out)


def _doc_keys(ctx) -> dict[str, str]:
    from scrutiny.tags.queries import tie_fingerprints

    fps = ctx.fingerprints
    return {d: hashlib.sha256(repr((VERSION, fps.get(d), h)).encode()).hexdigest()[:32]
            for d, h in tie_fingerprints(ctx.store).items()}


def _chunks(items, n=500):
    items = list(items)
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _listings(ctx, db) -> list[tuple]:
    """``[(tie id, subject, relation, object, [confidence, role, first sentences])]`` in
    the order of the ties' ids, the record brought up to date first."""
    from scrutiny.site import records
    from scrutiny.tags.queries import located_evidence, reading_order, tie_candidate_ends

    keys = _doc_keys(ctx)
    whole = records.version(db, "ties") != VERSION
    kept = {} if whole else dict(db.execute("SELECT doc_id, key FROM tie_docs").fetchall())
    moved = sorted(d for d, k in keys.items() if kept.get(d) != k)
    gone = sorted(d for d in kept if d not in keys)
    Stats.docs_located, Stats.candidates_read, Stats.ties_made = moved, 0, []
    if not (whole or moved or gone):
        return _kept_listings(db)
    rows, ends = tie_candidate_ends(ctx.store, moved) if moved else ([], {})
    Stats.candidates_read = len(rows)
    # each (tie, document)'s sentences in reading order: its confidences and roles, its first sentences
    parts: dict[tuple[str, str], dict] = {}
    for tid, doc, _, _, pid, quote, page, confidence, role in sorted(located_evidence(ctx.store, rows),
                                                                      key=reading_order):
        part = parts.setdefault((tid, doc), {"cr": [], "ev": []})
        part["cr"].append([confidence, role])
        if len(part["ev"]) < SHOWN:
            part["ev"].append([pid, quote, doc, page])
    with records.transaction(db):
        if whole:
            for table in ("tie_docs", "tie_parts", "tie_listings"):
                db.execute(f"DELETE FROM {table}")
            records.set_version(db, "ties", VERSION)
        affected = {tid for tid, _ in parts}
        for chunk in _chunks(moved + gone):
            args = json.dumps(chunk)
            affected.update(r[0] for r in db.execute(
                "SELECT DISTINCT tie_id FROM tie_parts WHERE doc_id IN (SELECT value FROM json_each(?))", (args,)))
            db.execute("DELETE FROM tie_parts WHERE doc_id IN (SELECT value FROM json_each(?))", (args,))
            db.execute("DELETE FROM tie_docs WHERE doc_id IN (SELECT value FROM json_each(?))", (args,))
        db.executemany("INSERT INTO tie_parts (tie_id, doc_id, part) VALUES (?, ?, ?)",
                       [(tid, doc, records.dumps(p)) for (tid, doc), p in sorted(parts.items())])
        db.executemany("INSERT INTO tie_docs (doc_id, key) VALUES (?, ?)", [(d, keys[d]) for d in moved])
        # the ties whose parts moved: made again from all their parts, the other documents' from the record
        known = {r[0]: r[1:] for chunk in _chunks(sorted(affected)) for r in db.execute(
            "SELECT tie_id, subject, relation, object FROM tie_listings WHERE tie_id IN "
            "(SELECT value FROM json_each(?))", (json.dumps(chunk),))}
        Stats.ties_made = sorted(affected)
        for tid in sorted(affected):
            found = db.execute("SELECT part FROM tie_parts WHERE tie_id = ? ORDER BY doc_id", (tid,)).fetchall()
            db.execute("DELETE FROM tie_listings WHERE tie_id = ?", (tid,))
            if not found:    # no document suggests it any more
                continue
            subject, relation, obj = ends.get(tid) or known[tid]
            db.execute("INSERT INTO tie_listings (tie_id, subject, relation, object, listing) VALUES (?, ?, ?, ?, ?)",
                       (tid, subject, relation, obj, records.dumps(_listing([json.loads(p) for (p,) in found]))))
    return _kept_listings(db)


def _kept_listings(db) -> list[tuple]:
    return [tuple(r[:4]) + (json.loads(r[4]),) for r in db.execute(
        "SELECT tie_id, subject, relation, object, listing FROM tie_listings ORDER BY tie_id")]


def _listing(parts: list[dict]) -> list:
    """``[confidence, role, first sentences]`` of a tie from its documents' parts, in
    the documents' order (``tags.queries.suggestion_score``, as ``list_ties``)."""
    from scrutiny.tags.queries import suggestion_score

    found = [tuple(cr) for p in parts for cr in p["cr"]]
    confidence, role = suggestion_score(found)
    first = [e for p in parts for e in p["ev"]][:SHOWN]
    return [confidence, role, first]
