"""Reading the tagging stage's output: the only way other stages see its tables.

    >>> run = last_run(store)              # None: not tagged yet
    >>> claim_spans(store, "fyfvmh")       # {passage id: [ClaimSpan]}: the site's highlights
    >>> list_ties(project, store, curated, status="suggested")

Every function returns dataclasses. An untagged store is an expected state:
:func:`last_run` says so (None), and the readers of per-passage tags raise
:class:`NotTagged` when called on such a store, so a caller that forgets to
check fails loudly instead of showing a page without its tags. The listings
that mix tags with the knowledge base (:func:`list_stakeholders`,
:func:`list_ties`) work on an untagged store too: curated entries, no mentions.

Passages (text, pages, reading order) come from the store's API, never from
its tables.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scrutiny.errors import ScrutinyError
from scrutiny.kb.model import SourceRef
from scrutiny.kb.view import Curated
from scrutiny.tags.schema import schema_state, tie_id


class NotTagged(ScrutinyError):
    """The store has no tags yet (tagging has not run)."""

    def __init__(self, store):
        super().__init__(f"{store.path}: not tagged yet: run `scrutiny tag` (or `scrutiny build`)")


# --- the state of the stage -----------------------------------------------------------

@dataclass(frozen=True)
class TagRun:
    """The last tagging run."""

    model: str | None
    rules_only: bool
    tagger_version: str | None
    at: str | None


def last_run(store) -> TagRun | None:
    """The last tagging run; None when the store was never tagged."""
    if not schema_state(store):
        return None
    row = store.db.execute("SELECT value FROM nlp_state WHERE key = 'last_run'").fetchone()
    if row is None:
        return None
    d = json.loads(row[0])
    return TagRun(model=d.get("model"), rules_only=bool(d.get("rules_only")),
                  tagger_version=d.get("tagger_version"), at=d.get("at"))


def untagged_passages(store) -> int:
    """How many of the store's passages have no tags yet (all of them when never tagged).

    From the documents a tagging run left whole (:mod:`scrutiny.tags.doc_tagged`):
    only the passages of the documents whose stamp moved since are looked at, unless
    the kept rows cannot say, when every passage id is read."""
    if not schema_state(store):
        return len(store.passage_ids())
    from scrutiny.tags import doc_tagged

    found = doc_tagged.read(store, most=UNTAGGED_FROM_STAMPS)
    if found is not None:
        n = 0
        for d in found.moved:
            ids = sorted(store.passage_ids([d]))
            tagged = {r[0] for r in store.db.execute(
                "SELECT passage_id FROM nlp_tagged WHERE passage_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),))} if ids else set()
            n += len(ids) - len(tagged)
        return n
    current = store.passage_ids()
    tagged = {r[0] for r in store.db.execute("SELECT passage_id FROM nlp_tagged")}
    return len(current - tagged)


# documents moved since the last tagging run: past this, every passage id is read
UNTAGGED_FROM_STAMPS = 200


def _require(store) -> None:
    if last_run(store) is None:
        raise NotTagged(store)


@dataclass(frozen=True)
class TagCounts:
    """How many rows the tagging stage holds (``scrutiny stats``)."""

    tagged_passages: int
    claims: int
    mentions: int
    tie_candidates: int
    extracted_stakeholders: int


def tag_counts(store) -> TagCounts | None:
    """Row counts of the tagging stage; None when the store has never been tagged."""
    if last_run(store) is None:
        return None
    q = store.db.execute
    return TagCounts(
        tagged_passages=q("SELECT count(*) FROM nlp_tagged").fetchone()[0],
        claims=q("SELECT count(*) FROM nlp_claims").fetchone()[0],
        mentions=q("SELECT count(*) FROM nlp_mentions").fetchone()[0],
        tie_candidates=q("SELECT count(*) FROM nlp_tie_candidates").fetchone()[0],
        extracted_stakeholders=q("SELECT count(*) FROM nlp_stakeholders").fetchone()[0],
    )


# --- per passage: the search index's facets and the site's highlights ------------------

@dataclass(frozen=True)
class PassageTags:
    """What the search index keeps of a passage's tags (its facets)."""

    tags: list[str]           # claim kinds of its sentences
    stakeholders: list[str]   # ids of the stakeholders it names


def passage_facets(store, doc_id: str | None = None) -> dict[str, PassageTags]:
    """``{passage id: PassageTags}`` for tagged passages (of one document, or all;
    empty when never tagged: the search index is built before and after tagging)."""
    if last_run(store) is None:
        return {}
    where, args = (" WHERE doc_id = ?", (doc_id,)) if doc_id else ("", ())
    tags: dict[str, set] = defaultdict(set)
    for pid, kinds in store.db.execute("SELECT passage_id, kinds FROM nlp_claims" + where, args):
        tags[pid].update(json.loads(kinds))
    people: dict[str, set] = defaultdict(set)
    for pid, sid in store.db.execute(
        "SELECT DISTINCT passage_id, stakeholder_id FROM nlp_mentions WHERE stakeholder_id IS NOT NULL"
        + (" AND doc_id = ?" if doc_id else ""), args
    ):
        people[pid].add(sid)
    return {pid: PassageTags(tags=sorted(tags.get(pid, ())), stakeholders=sorted(people.get(pid, ())))
            for pid in set(tags) | set(people)}


@dataclass(frozen=True)
class ClaimSpan:
    """A tagged claim sentence with one of its kinds (a sentence of two kinds is two spans)."""

    passage_id: str
    start: int
    end: int
    kind: str
    confidence: float | None
    source: str


def claim_spans(store, doc_id: str) -> dict[str, list[ClaimSpan]]:
    """``{passage id: [ClaimSpan]}`` of one document, by offset."""
    _require(store)
    out: dict[str, list[ClaimSpan]] = defaultdict(list)
    rows = store.db.execute(
        "SELECT passage_id, start, end, kinds, details, confidence, source FROM nlp_claims "
        "WHERE doc_id = ? ORDER BY passage_id, start, end", (doc_id,))
    for pid, start, end, kinds, details, conf, source in rows:
        details = json.loads(details)
        for kind in sorted(json.loads(kinds)):
            d = details.get(kind) or {}
            c = d.get("confidence", conf)
            out[pid].append(ClaimSpan(pid, int(start), int(end), str(kind),
                                      None if c is None else round(float(c), 2), d.get("source", source)))
    return dict(out)


@dataclass(frozen=True)
class MentionSpan:
    """A name in a passage, resolved to a stakeholder."""

    passage_id: str
    start: int
    end: int
    stakeholder: str


def mention_spans(store, doc_id: str) -> dict[str, list[MentionSpan]]:
    """``{passage id: [MentionSpan]}`` of one document (curated ids first), by offset."""
    _require(store)
    out: dict[str, list[MentionSpan]] = defaultdict(list)
    rows = store.db.execute(
        "SELECT passage_id, start, end, coalesce(curated_id, stakeholder_id) FROM nlp_mentions "
        "WHERE doc_id = ? AND coalesce(curated_id, stakeholder_id) IS NOT NULL ORDER BY passage_id, start, end",
        (doc_id,))
    for pid, start, end, sid in rows:
        out[pid].append(MentionSpan(pid, int(start), int(end), str(sid)))
    return dict(out)


def _fingerprints(store) -> dict[str, dict]:
    from scrutiny.tags import fingerprints

    kept = fingerprints.read(store.db)
    return kept if kept is not None else fingerprints.compute(store.db)


def doc_fingerprints(store) -> dict[str, list]:
    """``{doc id: [claims part, mentions part]}``: what changes when a document's tags change
    (part of the inputs of its page). Kept per document by the tagging run
    (:mod:`scrutiny.tags.fingerprints`): one row per document is read."""
    _require(store)
    return {d: r["doc"] for d, r in _fingerprints(store).items() if r["doc"]}


def doc_fingerprint_texts(store) -> dict[str, str]:
    """``{doc id: text}``: :func:`doc_fingerprints` as one string per document (its kept
    JSON, not decoded), for a reader that only compares or hashes them (the site's page
    keys): one column of one small row per document."""
    _require(store)
    from scrutiny.tags import fingerprints

    kept = fingerprints.read_doc_texts(store.db)
    if kept is not None:
        return {d: t for d, t in kept.items() if t and t != "null"}
    return {d: json.dumps(r["doc"]) for d, r in fingerprints.compute(store.db).items() if r["doc"]}


def tie_fingerprints(store) -> dict[str, str]:
    """``{doc id: hash}`` of each document's resolved tie candidates (their ends, their
    sentences, confidences and roles): a reader that keeps what it made of a document's
    candidates (the site's suggested ties) reads again those whose hash moved. A document
    without resolved candidates has no entry. Empty when never tagged."""
    if last_run(store) is None:
        return {}
    from scrutiny.tags import fingerprints

    kept = fingerprints.read_ties(store.db)    # (the column alone: no other part decoded)
    if kept is not None:
        return {d: h for d, h in kept.items() if h}
    return {d: r["ties"] for d, r in fingerprints.compute(store.db).items() if r.get("ties")}


def facet_fingerprints(store) -> dict[str, str]:
    """``{doc id: hash}`` of what :func:`passage_facets` gives for each document's
    passages (claim kinds and resolved stakeholders): the search index rewrites
    a document whose hash moved. Empty when never tagged."""
    if last_run(store) is None:
        return {}
    from scrutiny.tags import fingerprints

    kept = fingerprints.read_facets(store.db)    # (the column alone: no other part decoded)
    if kept is not None:
        return {d: h for d, h in kept.items() if h}
    return {d: r["facets"] for d, r in fingerprints.compute(store.db).items() if r["facets"]}


# --- stakeholders and documents -----------------------------------------------------------

@dataclass(frozen=True)
class DocumentMentions:
    """How often a stakeholder is named in a document."""

    stakeholder_id: str
    doc_id: str
    mentions: int
    passages: int


def stakeholder_documents(store, doc_ids=None) -> list[DocumentMentions]:
    """Every (stakeholder, document) pair with the stakeholder's mentions there, by
    stakeholder then document (of the documents ``doc_ids`` only, when given).
    Mentions of passages that are gone are not counted."""
    _require(store)
    sql = ("SELECT coalesce(stakeholder_id, curated_id), doc_id, passage_id FROM nlp_mentions "
           "WHERE coalesce(stakeholder_id, curated_id) IS NOT NULL")
    args: tuple = ()
    if doc_ids is None:
        current = store.passage_ids()
    else:
        doc_ids = sorted(doc_ids)
        current = {p.id for d in doc_ids for p in store.passages(d)}
        sql += f" AND doc_id IN ({', '.join('?' * len(doc_ids))})"
        args = tuple(doc_ids)
    counts: dict[tuple[str, str], list] = {}
    for sid, doc_id, pid in store.db.execute(sql, args):
        if pid not in current:
            continue
        c = counts.setdefault((sid, doc_id), [0, set()])
        c[0] += 1
        c[1].add(pid)
    return [DocumentMentions(sid, doc_id, n, len(pids)) for (sid, doc_id), (n, pids) in sorted(counts.items())]


def mention_counts(store, stakeholder: str) -> list[DocumentMentions]:
    """The documents naming ``stakeholder`` (curated id first), most mentions first."""
    _require(store)
    current = store.passage_ids()
    counts: dict[str, list] = {}
    for doc_id, pid in store.db.execute(
            "SELECT doc_id, passage_id FROM nlp_mentions WHERE coalesce(curated_id, stakeholder_id) = ?",
            (stakeholder,)):
        if pid in current:
            c = counts.setdefault(doc_id, [0, set()])
            c[0] += 1
            c[1].add(pid)
    rows = [DocumentMentions(stakeholder, d, n, len(p)) for d, (n, p) in counts.items()]
    return sorted(rows, key=lambda r: (-r.mentions, r.doc_id))


# --- the rows themselves (exports, evaluation) -------------------------------------------------

@dataclass(frozen=True)
class Mention:
    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    kind: str
    source: str                 # curated | model | rule
    confidence: float
    curated_id: str | None      # set by the curated-names component
    stakeholder_id: str | None  # set by resolution over the corpus


def mentions(store, passage_id: str | None = None) -> list[Mention]:
    """Every mention (of one passage), by passage and offset."""
    _require(store)
    sql = ("SELECT passage_id, doc_id, start, end, text, kind, source, confidence, curated_id, stakeholder_id "
           "FROM nlp_mentions")
    args: tuple = ()
    if passage_id is not None:
        sql += " WHERE passage_id = ?"
        args = (passage_id,)
    return [Mention(*r) for r in store.db.execute(sql + " ORDER BY passage_id, start", args)]


@dataclass(frozen=True)
class TieCandidate:
    """A tie a pattern found in one sentence, its ends resolved to stakeholders when they could be."""

    passage_id: str
    sent_start: int
    sent_end: int
    relation: str
    role: str | None
    confidence: float
    pattern: str
    subject_start: int
    subject_end: int
    subject_text: str
    subject_kind: str
    object_start: int
    object_end: int
    object_text: str
    object_kind: str
    subject_id: str | None
    object_id: str | None
    tie_id: str | None          # None when the ends are not both resolved, or the relation does not fit them


def tie_candidates(store, passage_id: str | None = None) -> list[TieCandidate]:
    """Every tie candidate (of one passage), by passage and sentence."""
    _require(store)
    cols = ", ".join(TieCandidate.__dataclass_fields__)
    sql = f"SELECT {cols} FROM nlp_tie_candidates"
    args: tuple = ()
    if passage_id is not None:
        sql += " WHERE passage_id = ?"
        args = (passage_id,)
    return [TieCandidate(*r) for r in store.db.execute(sql + " ORDER BY passage_id, sent_start", args)]


@dataclass(frozen=True)
class ExtractedStakeholder:
    """A name nobody curated, resolved across the corpus."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    mentions: int
    confidence: float


def extracted_stakeholders(store) -> list[ExtractedStakeholder]:
    """The stakeholders the tagger found that the knowledge base does not hold (none when never tagged)."""
    if last_run(store) is None:
        return []
    return [ExtractedStakeholder(r["id"], r["name"], r["kind"], json.loads(r["aliases"]), r["mentions"],
                                 r["confidence"])
            for r in store.db.execute("SELECT * FROM nlp_stakeholders ORDER BY id")]


@dataclass(frozen=True)
class SuggestedStakeholder:
    """An extracted stakeholder a document names often: it gets a page on the site and a
    row in the exports, marked machine-suggested until someone reviews it (by adding it
    to kb/stakeholders.yaml, where it becomes curated)."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    mentions: int                      # in the whole corpus
    confidence: float                  # calibrated, of its surest mention
    documents: list[DocumentMentions]  # the documents naming it, most mentions first
    status: str = "machine-suggested"


def resolved_mentions(store, doc_ids=None) -> list[DocumentMentions]:
    """Every (stakeholder, document) pair counted from the mentions' resolved
    stakeholder (``stakeholder_id``: what :func:`suggested_stakeholders` counts), of
    the documents ``doc_ids`` only when given, by document then stakeholder.
    Mentions of passages that are gone are not counted."""
    _require(store)
    sql = "SELECT stakeholder_id, doc_id, passage_id FROM nlp_mentions WHERE stakeholder_id IS NOT NULL"
    args: tuple = ()
    if doc_ids is None:
        current = store.passage_ids()
    else:
        doc_ids = sorted(set(doc_ids))
        current = store.passage_ids(doc_ids)
        sql += " AND doc_id IN (SELECT value FROM json_each(?))"
        args = (json.dumps(doc_ids),)
    counts: dict[tuple[str, str], list] = {}
    for sid, doc_id, pid in store.db.execute(sql, args):
        if pid not in current:
            continue
        c = counts.setdefault((doc_id, sid), [0, set()])
        c[0] += 1
        c[1].add(pid)
    return [DocumentMentions(sid, doc_id, n, len(pids)) for (doc_id, sid), (n, pids) in sorted(counts.items())]


def suggested_stakeholders(store, min_mentions: int = 3, min_confidence: float = 0.0,
                           counts=None, documents: bool = True, totals=None) -> list[SuggestedStakeholder]:
    """Extracted stakeholders named at least ``min_mentions`` times in one document and
    at least ``min_confidence`` sure, by name (none when never tagged). The read API the
    site and the exports share. ``counts``: every document's :func:`resolved_mentions`
    as ``{doc id: [[stakeholder id, mentions, passages], ...]}``, when the caller keeps
    them (the site keeps them by document between builds); else every mention of the
    corpus is read. ``documents=False``: without the list of the documents naming each
    (the site lists them from the cross-references; at 10,000 documents a stakeholder
    named in each is 10,000 rows made for nothing). ``totals``: instead of ``counts``,
    ``{stakeholder id: (its mentions, the documents naming it at least min_mentions
    times)}`` as the caller keeps them (the site, by stakeholder): the stakeholders are
    then listed without their documents, whatever ``documents`` says."""
    if last_run(store) is None:
        return []
    extracted = extracted_stakeholders(store)
    if totals is not None:
        out = [SuggestedStakeholder(e.id, e.name, e.kind, list(e.aliases), totals[e.id][0],
                                    round(float(e.confidence), 3), [])
               for e in extracted
               if e.id in totals and totals[e.id][1] > 0 and e.confidence >= min_confidence]
        return sorted(out, key=lambda s: (s.name.casefold(), s.id))
    ids = {e.id for e in extracted}
    if counts is None:
        counts = defaultdict(list)
        for r in resolved_mentions(store):
            counts[r.doc_id].append((r.stakeholder_id, r.mentions, r.passages))
    per_doc: dict[str, dict[str, tuple]] = defaultdict(dict)
    for doc_id, rows in counts.items():
        for sid, n, p in rows:
            if sid in ids:
                per_doc[sid][doc_id] = (n, p)
    out = []
    for e in extracted:
        docs = per_doc.get(e.id, {})
        if not docs or max(n for n, _ in docs.values()) < min_mentions or e.confidence < min_confidence:
            continue
        rows = sorted((DocumentMentions(e.id, d, n, p) for d, (n, p) in docs.items()),
                      key=lambda r: (-r.mentions, r.doc_id)) if documents else []
        out.append(SuggestedStakeholder(e.id, e.name, e.kind, list(e.aliases), sum(n for n, _ in docs.values()),
                                        round(float(e.confidence), 3), rows))
    return sorted(out, key=lambda s: (s.name.casefold(), s.id))


# --- listings for the CLI and the site -----------------------------------------------------------

@dataclass(frozen=True)
class StakeholderListing:
    id: str
    name: str
    kind: str
    aliases: list[str]
    mentions: int
    source: str          # curated (knowledge base or manifest title) | extracted
    confidence: float = 1.0   # extracted: the calibrated confidence of its surest mention


def list_stakeholders(store, curated: Curated, doc_id: str | None = None,
                      min_confidence: float = 0.0) -> list[StakeholderListing]:
    """Curated and extracted stakeholders, most mentioned first.

    With ``doc_id``, only stakeholders named in that document, mentions counted
    there. On a store never tagged: the curated ones, with no mentions.
    """
    tagged = last_run(store) is not None
    counts: Counter = Counter()
    if tagged:
        if doc_id:
            rows = store.db.execute(
                "SELECT stakeholder_id, count(*) FROM nlp_mentions WHERE doc_id = ? AND stakeholder_id IS NOT NULL "
                "GROUP BY stakeholder_id", (doc_id,))
        else:
            rows = store.db.execute(
                "SELECT stakeholder_id, count(*) FROM nlp_mentions WHERE stakeholder_id IS NOT NULL "
                "GROUP BY stakeholder_id")
        counts.update({sid: n for sid, n in rows})
    out = []
    for sid, s in curated.stakeholders.items():
        out.append(StakeholderListing(sid, s.name, s.kind, list(s.aliases), counts.get(sid, 0), "curated"))
    for doc, d in curated.documents.items():
        if doc not in curated.stakeholders and counts.get(doc):
            aliases = [d.short_title] if d.short_title and d.short_title != d.title else []
            out.append(StakeholderListing(doc, d.title, "document", aliases, counts.get(doc, 0), "curated"))
    for e in extracted_stakeholders(store):
        if e.confidence < min_confidence:
            continue
        out.append(StakeholderListing(e.id, e.name, e.kind, e.aliases, counts.get(e.id, 0), "extracted",
                                      round(float(e.confidence), 3)))
    if doc_id:
        out = [s for s in out if s.mentions > 0]
    out.sort(key=lambda s: (-s.mentions, s.source != "curated", s.name.casefold()))
    return out


@dataclass(frozen=True)
class TieEvidence:
    """A sentence (or passage) that evidences a tie."""

    passage_id: str
    quote: str           # the text as it stands in the passage
    doc_id: str
    page: int
    how: str             # pattern (the tagger's sentence) | kb (a curated passage) | co-mention


@dataclass(frozen=True)
class TieListing:
    id: str
    subject: str
    subject_name: str
    relation: str
    object: str
    object_name: str
    role: str | None
    status: str                    # curated | suggested | accepted | rejected
    confidence: float
    evidence: list[TieEvidence]
    sources: list[SourceRef]       # a suggestion's: the documents whose sentences suggest it
    start: str | None = None
    end: str | None = None

    @property
    def sentence(self) -> str:
        """The tie as an English sentence, subject first: "Robert Devereux holds a
        position at the Department for Work and Pensions (permanent secretary)"."""
        from scrutiny.schema import vocabulary

        return vocabulary().tie_sentence(self.subject_name, self.relation, self.object_name, self.role)


def _names(curated: Curated, extracted: list[ExtractedStakeholder]) -> dict[str, str]:
    names = {sid: s.name for sid, s in curated.stakeholders.items()}
    for doc, d in curated.documents.items():
        names.setdefault(doc, d.title)
    for e in extracted:
        names.setdefault(e.id, e.name)
    return names


@dataclass(frozen=True)
class _Pattern:
    """A tie candidate's sentence, located (internal to the listings)."""

    evidence: TieEvidence
    confidence: float
    role: str | None


def tie_candidate_rows(store) -> list[tuple]:
    """Every resolved tie candidate as ``(tie id, passage id, sentence start, sentence
    end, confidence, role)``, without its passage: a reader that keeps the located
    sentences of unchanged documents (the site) locates only the others'
    (:func:`located_evidence`) and passes them all to :func:`list_ties`."""
    _require(store)
    return [tuple(r) for r in store.db.execute(
        "SELECT tie_id, passage_id, sent_start, sent_end, confidence, role FROM nlp_tie_candidates "
        "WHERE tie_id IS NOT NULL")]


def tie_candidate_ends(store, doc_ids) -> tuple[list[tuple], dict[str, tuple[str, str, str]]]:
    """The resolved tie candidates of the passages of ``doc_ids`` only, as
    :func:`tie_candidate_rows` gives them, and ``{tie id: (subject, relation, object)}``
    of their ties: one document added reads its own candidates, not the corpus's."""
    _require(store)
    rows, ends = [], {}
    ids = sorted(set(doc_ids))
    for i in range(0, len(ids), 500):
        for r in store.db.execute(
                "SELECT tie_id, passage_id, sent_start, sent_end, confidence, role, subject_id, relation, object_id "
                "FROM nlp_tie_candidates WHERE tie_id IS NOT NULL AND passage_id IN (SELECT DISTINCT passage_id "
                "FROM nlp_mentions WHERE doc_id IN (SELECT value FROM json_each(?)))",
                (json.dumps(ids[i:i + 500]),)):
            r = tuple(r)
            rows.append(r[:6])
            ends.setdefault(r[0], (r[6], r[7], r[8]))
    return rows, ends


def located_evidence(store, rows) -> list[tuple]:
    """The sentences of candidate ``rows`` (:func:`tie_candidate_rows`), located, in
    the rows' order: ``(tie id, doc id, passage's place in its document, sentence
    start, passage id, quote, page, confidence, role)``; rows of passages that are
    gone are left out. JSON-able, for a reader that keeps them."""
    passages = store.passages_by_id({r[1] for r in rows})
    out = []
    for tid, pid, start, end, confidence, role in rows:
        p = passages.get(pid)
        if p is not None:
            out.append((tid, p.doc_id, p.ord, start, p.id, p.text[start:end], p.page_at(start), confidence, role))
    return out


def reading_order(f: tuple) -> tuple:
    """The sort key of a located sentence (:func:`located_evidence`): its document, its
    passage's place, its start; then its quote, confidence and role, so that the order
    (and a tie's role where two are given as often) does not hang on the rows' order."""
    return f[1], f[2], f[3], f[5], f[7], f[8] or ""


def evidence_by_tie(located) -> dict[str, list[_Pattern]]:
    """tie id -> the sentences of its candidates in reading order, from
    :func:`located_evidence` (of every document, in any order of documents)."""
    out: dict[str, list[_Pattern]] = defaultdict(list)
    for tid, doc_id, _, _, pid, quote, page, confidence, role in sorted(located, key=reading_order):
        out[tid].append(_Pattern(TieEvidence(pid, quote, doc_id, page, "pattern"), confidence, role))
    return out


def _evidence(store) -> dict[str, list[_Pattern]]:
    """tie id -> the sentences of its candidates, in reading order."""
    return evidence_by_tie(located_evidence(store, tie_candidate_rows(store)))


def suggestion_score(found) -> tuple[float, str | None]:
    """A suggested tie's confidence and role from its sentences' ``(confidence, role)``
    in reading order (:func:`evidence_by_tie`): more independent sentences make a
    suggestion surer (noisy-or, capped at 0.99); the role most of them give."""
    conf = 1.0
    roles = Counter()
    for confidence, role in found:
        conf *= 1.0 - float(confidence)
        if role:
            roles[role] += 1
    return round(min(0.99, 1.0 - conf), 3), (roles.most_common(1)[0][0] if roles else None)


def tie_names(store, curated: Curated) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``({stakeholder id: name}, {stakeholder id: aliases})`` of the curated and the
    extracted stakeholders, as :func:`list_ties` names a tie's ends and matches a
    reviewer's decision (``tags.review.match_decision``)."""
    extracted = extracted_stakeholders(store)
    aliases = {sid: list(s.aliases) for sid, s in curated.stakeholders.items()}
    for e in extracted:
        aliases[e.id] = e.aliases
    return _names(curated, extracted), aliases


def list_ties(project, store, curated: Curated, status: str | None = None, stakeholder: str | None = None,
              doc_id: str | None = None, min_confidence: float = 0.0, evidence=None) -> list[TieListing]:
    """Curated, suggested, accepted and rejected ties.

    Curated ties (kb/) win over suggestions of the same subject, relation and
    object (their evidence is merged in). Rejected suggestions are listed only
    with ``status="rejected"``. On a store never tagged: the curated ties, with
    the passages the knowledge base gives as evidence. ``evidence``: the
    candidates' sentences (:func:`evidence_by_tie`) when the caller has them.
    """
    from scrutiny.pages import page_ref  # the page as the document prints it
    from scrutiny.tags.review import load_decisions, match_decision

    tagged = last_run(store) is not None
    names, aliases = tie_names(store, curated)
    decisions = load_decisions(project)
    if not tagged:
        evidence = {}
    elif evidence is None:
        evidence = _evidence(store)
    kb_passages = store.passages_by_id({pid for t in curated.ties for pid in t.passages})
    documents: dict[str, dict] = {}

    def document(doc_id):
        """A document's row, read once per listing (a document suggests many ties)."""
        if doc_id not in documents:
            documents[doc_id] = store.document(doc_id) or {}
        return documents[doc_id]

    out = []
    curated_keys = set()
    for t in curated.ties:
        tid = tie_id(t.subject, t.relation, t.object)
        curated_keys.add(tid)
        ev = [e.evidence for e in evidence.get(tid, [])]
        for pid in t.passages:
            p = kb_passages.get(pid)
            if p is not None and not any(e.passage_id == pid for e in ev):
                ev.insert(0, TieEvidence(pid, p.text, p.doc_id, p.page, "kb"))
        if not ev and tagged:
            ev = co_mentions(store, t.subject, t.object)
        out.append(TieListing(
            id=t.id, subject=t.subject, subject_name=names.get(t.subject, t.subject), relation=t.relation,
            object=t.object, object_name=names.get(t.object, t.object), role=t.role, status="curated",
            confidence=1.0, evidence=ev, sources=list(t.sources), start=t.start, end=t.end))
    # tie_id names all three of subject, relation and object: min() picks them on either engine
    rows = store.db.execute(
        "SELECT tie_id, min(subject_id) AS subject_id, min(relation) AS relation, min(object_id) AS object_id "
        "FROM nlp_tie_candidates WHERE tie_id IS NOT NULL GROUP BY tie_id").fetchall() if tagged else []
    for r in rows:
        tid = r["tie_id"]
        if tid in curated_keys:
            continue
        found = evidence.get(tid, [])
        conf, role = suggestion_score([(e.confidence, e.role) for e in found])
        subject_name = names.get(r["subject_id"], r["subject_id"])
        object_name = names.get(r["object_id"], r["object_id"])
        decision = match_decision(decisions, tid, subject_name, r["relation"], object_name,
                                  aliases.get(r["subject_id"], ()), aliases.get(r["object_id"], ()))
        ev = [e.evidence for e in found]
        first_page: dict[str, int] = {}   # each document's first page among the sentences
        for e in ev:
            if e.doc_id not in first_page or e.page < first_page[e.doc_id]:
                first_page[e.doc_id] = e.page
        out.append(TieListing(
            id=tid, subject=r["subject_id"], subject_name=subject_name, relation=r["relation"],
            object=r["object_id"], object_name=object_name,
            role=role, status=decision["decision"] if decision else "suggested", confidence=conf, evidence=ev,
            # the documents whose sentences suggest it, in the curated ties' shape
            sources=[SourceRef(d, page_ref(document(d), first_page[d])) for d in sorted(first_page)]))
    if min_confidence:
        out = [t for t in out if t.status in ("curated", "accepted") or t.confidence >= min_confidence]
    if status:
        out = [t for t in out if t.status == status]
    else:
        out = [t for t in out if t.status != "rejected"]
    if stakeholder:
        out = [t for t in out if stakeholder in (t.subject, t.object)]
    if doc_id:
        out = [t for t in out if any(e.doc_id == doc_id for e in t.evidence)
               or any(s.source == doc_id for s in t.sources)]
    order = {"curated": 0, "accepted": 1, "suggested": 2, "rejected": 3}
    out.sort(key=lambda t: (order.get(t.status, 9), -t.confidence, t.subject_name.casefold(), t.relation))
    return out


def co_mentions(store, a: str, b: str, limit: int = 5) -> list[TieEvidence]:
    """Sentences naming both ``a`` and ``b`` (evidence for a curated tie the patterns missed)."""
    _require(store)
    rows = store.db.execute(
        "SELECT DISTINCT s.passage_id, s.start, s.end FROM nlp_mentions m1 "
        "JOIN nlp_mentions m2 ON m2.passage_id = m1.passage_id "
        "JOIN nlp_sentences s ON s.passage_id = m1.passage_id "
        "  AND m1.start >= s.start AND m1.end <= s.end AND m2.start >= s.start AND m2.end <= s.end "
        "WHERE m1.stakeholder_id = ? AND m2.stakeholder_id = ?", (a, b)).fetchall()
    passages = store.passages_by_id({r["passage_id"] for r in rows})
    found = sorted((p.doc_id, p.ord, r["start"], r["end"], p) for r in rows
                   if (p := passages.get(r["passage_id"])) is not None)
    return [TieEvidence(p.id, p.text[start:end], p.doc_id, p.page_at(start), "co-mention")
            for _, _, start, end, p in found[:limit]]


@dataclass
class TaggedClaim:
    """A sentence carrying claim kinds: tagged, or located by a curated claim (``claim_ids``)."""

    id: str                        # <passage id>@<start>
    passage_id: str
    doc_id: str
    page: int
    text: str                      # the sentence as it stands in the passage
    kinds: list[str]
    confidence: float
    source: str                    # rule | model | curated
    start: int
    end: int
    details: dict                  # {kind: {confidence, source}}
    claim_ids: list[str] = field(default_factory=list)


def list_claims(store, doc_id: str | None = None, kind: str | None = None, curated: Curated | None = None,
                located: dict[str, list[str]] | None = None, min_confidence: float = 0.0) -> list[TaggedClaim]:
    """Claim sentences in reading order.

    With ``curated``, the claims register of ``kb/claims.yaml`` is folded in: in a
    passage a curated claim is located in (its passage ids in the knowledge base,
    and the ones ``located`` gives: ``{claim id: [passage id]}``, which the
    cross-references find), the sentences the tagger tagged with one of the
    claim's kinds, or else the sentence holding most of its search words, carry
    the claim's kinds with source ``curated`` and its ``claim_ids``.
    """
    _require(store)
    passages = {p.id: p for p in store.passages(doc_id)}
    sql = "SELECT * FROM nlp_claims" + (" WHERE doc_id = ?" if doc_id else "")
    rows: list[TaggedClaim] = []
    for r in store.db.execute(sql, (doc_id,) if doc_id else ()):
        p = passages.get(r["passage_id"])
        if p is None:
            continue
        rows.append(TaggedClaim(
            id=r["id"], passage_id=r["passage_id"], doc_id=r["doc_id"], page=p.page_at(r["start"]),
            text=r["text"], kinds=json.loads(r["kinds"]), confidence=r["confidence"], source=r["source"],
            start=r["start"], end=r["end"], details=json.loads(r["details"])))
    if curated is not None and curated.claims:
        rows = _fold_curated_claims(store, rows, curated, located or {}, doc_id)
    ords = {pid: p.ord for pid, p in passages.items()}
    missing = {r.passage_id for r in rows} - set(ords)
    ords.update({pid: p.ord for pid, p in store.passages_by_id(missing).items()})
    out = []
    for r in sorted(rows, key=lambda r: (r.doc_id, ords[r.passage_id], r.start)):
        if min_confidence:
            keep = [k for k in r.kinds if float((r.details.get(k) or {}).get("confidence", r.confidence)) >= min_confidence
                    or (r.details.get(k) or {}).get("source") == "curated"]
            if not keep:
                continue
            if keep != r.kinds:
                r.kinds = keep
                r.details = {k: v for k, v in r.details.items() if k in keep}
                r.confidence = round(min(float(v.get("confidence", 1.0)) for v in r.details.values()), 3)
        if kind and kind not in r.kinds:
            continue
        out.append(r)
    return out


def _fold_curated_claims(store, rows: list[TaggedClaim], curated: Curated, located: dict[str, list[str]],
                         doc_id: str | None) -> list[TaggedClaim]:
    by_passage: dict[str, list[TaggedClaim]] = defaultdict(list)
    for r in rows:
        by_passage[r.passage_id].append(r)
    where: dict[str, list[str]] = defaultdict(list)   # claim id -> passage ids, kb's first
    for c in curated.claims:
        for d in c.documents:
            where[c.id].extend(d.passages)
        for pid in located.get(c.id, []):
            if pid not in where[c.id]:
                where[c.id].append(pid)
    passages = store.passages_by_id({pid for pids in where.values() for pid in pids})
    sentences: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pid, start, end in store.db.execute(
            "SELECT passage_id, start, end FROM nlp_sentences WHERE passage_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY passage_id, start", (json.dumps(sorted(passages)),)):
        sentences[pid].append((start, end))
    for c in curated.claims:
        kinds = [k for k in c.kinds if k]
        words = set()
        for d in c.documents:
            words |= {w.casefold() for w in re.findall(r"[\w']+", d.search or "")}
        for pid in where.get(c.id, []):
            p = passages.get(pid)
            if p is None or (doc_id and p.doc_id != doc_id):
                continue
            # One sentence per located passage: the one holding most of the claim's
            # search words, preferring sentences the tagger gave one of its kinds.
            def score(a, b, text=p.text):
                return sum(w in text[a:b].casefold() for w in words)

            tagged = [r for r in by_passage.get(pid, []) if set(r.kinds) & set(kinds)]
            spans = sentences.get(pid) or [(0, len(p.text))]
            best_tagged = max(tagged, key=lambda r: score(r.start, r.end), default=None)
            best_span = max(spans, key=lambda se: score(*se))
            if best_tagged is not None and score(best_tagged.start, best_tagged.end) >= score(*best_span):
                target = best_tagged
            else:
                start, end = best_span
                target = next((r for r in by_passage.get(pid, []) if r.start == start), None)
                if target is None:
                    target = TaggedClaim(
                        id=f"{pid}@{start}", passage_id=pid, doc_id=p.doc_id, page=p.page_at(start),
                        text=p.text[start:end], kinds=[], confidence=1.0, source="curated",
                        start=start, end=end, details={})
                    rows.append(target)
                    by_passage[pid].append(target)
            target.kinds = sorted(set(target.kinds) | set(kinds))
            for k in kinds:
                target.details[k] = {"confidence": 1.0, "source": "curated"}
            target.source = "curated"
            target.confidence = 1.0
            if c.id not in target.claim_ids:
                target.claim_ids.append(c.id)
    return rows
