"""Reading the cross-references: the only way other stages see the ``xref`` tables.

    >>> built(store)                                   # False: `scrutiny xref` has not run
    >>> related_passages(store, critique_passage_id)   # [RelatedPassage]
    >>> claim_recurrences(store, "iapt-recovery-rate") # [ClaimPassage]

Every function returns dataclasses. Cross-references that were never built are
an expected state: :func:`built` says so, and the readers raise
:class:`NotBuilt` when called on such a store (a caller that forgot to check
fails loudly instead of publishing a page without its links). Passages
(pages, text, reading order) come from the store's API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scrutiny.errors import ScrutinyError
from scrutiny.xref.schema import schema_state


class NotBuilt(ScrutinyError):
    """The cross-references have not been built in this store."""

    def __init__(self, store):
        super().__init__(f"{store.path}: no cross-references yet: run `scrutiny xref` (or `scrutiny build`)")


def built(store) -> bool:
    """Whether the cross-references were built in this store (a ScrutinyError when an
    older scrutiny built them). Whether they are current: :func:`scrutiny.xref.pending`."""
    from scrutiny.xref.build import INPUTS_KEY

    return schema_state(store) and store.get_meta(INPUTS_KEY) is not None


def _require(store) -> None:
    if not built(store):
        raise NotBuilt(store)


def key(store) -> list:
    """A fingerprint of every cross-reference (part of the inputs of the pages that show them).

    Every build that writes them numbers its write (``build.WRITTEN_KEY``): that number
    stands for them without reading their tables. The rows are summed only when no
    number is recorded (cross-references written by an earlier version)."""
    from scrutiny.xref.build import WRITTEN_KEY

    _require(store)
    written = store.get_meta(WRITTEN_KEY)
    if written is not None:
        return ["written", written, store.schema_version("xref")]
    q = store.db.execute
    return [round(q(f"SELECT {cols} FROM {table}").fetchone()[0], 6) for table, cols in (
        ("xref_links", "total(coalesce(score, 0)) + count(*)"),
        ("xref_claims", "total(coalesce(score, 0)) + count(*)"),
        ("xref_stakeholder_docs", "total(mentions) + count(*)"))]


# --- links: critique -> passages, claims, stakeholders, documents ------------------------

@dataclass(frozen=True)
class Link:
    source_kind: str          # passage (an ingested critique passage) | essay (a kb essay line)
    source_id: str            # passage id, or <essay id>:L<line>
    essay_id: str | None      # the kb essay, when the link comes from one
    target_kind: str          # passage | claim | stakeholder | doc
    target_id: str
    method: str               # markup | tfidf
    score: float | None       # cosine similarity for tfidf; None for markup
    file: str | None          # where the markup is (kb/critique/x.md)
    line: int | None
    source_doc: str | None    # the documents of source and target passages
    target_doc: str | None


_LINK = "source_kind, source_id, essay_id, target_kind, target_id, method, score, file, line, source_doc, target_doc"


def links(store) -> list[Link]:
    """Every link, by source and target."""
    _require(store)
    return [Link(*r) for r in store.db.execute(
        f"SELECT {_LINK} FROM xref_links ORDER BY source_id, target_kind, target_id")]


def passage_links(store) -> list[Link]:
    """Every link to a passage, by target and source."""
    _require(store)
    return [Link(*r) for r in store.db.execute(
        f"SELECT {_LINK} FROM xref_links WHERE target_kind = 'passage' ORDER BY target_id, source_id")]


def discussed_by(store, target_id: str, target_kind: str = "passage") -> list[Link]:
    """The critique paragraphs (or essay lines) that link to a passage, claim, stakeholder or doc."""
    _require(store)
    return [Link(*r) for r in store.db.execute(
        f"SELECT {_LINK} FROM xref_links WHERE target_kind = ? AND target_id = ? ORDER BY method, score DESC",
        (target_kind, target_id))]


def links_to_document(store, doc_id: str) -> dict[str, list[Link]]:
    """``{passage id: [Link]}``: what discusses the passages of one (policy) document."""
    _require(store)
    out: dict[str, list[Link]] = defaultdict(list)
    for r in store.db.execute(
            f"SELECT {_LINK} FROM xref_links WHERE target_kind = 'passage' AND target_doc = ? "
            "ORDER BY target_id, method, score DESC, source_id", (doc_id,)):
        link = Link(*r)
        out[link.target_id].append(link)
    return dict(out)


def links_from_document(store, doc_id: str) -> dict[str, list[Link]]:
    """``{passage id: [Link]}``: the passages the passages of one (critique) document
    discuss or resemble, markup first, then suggestions by score."""
    _require(store)
    out: dict[str, list[Link]] = defaultdict(list)
    for r in store.db.execute(
            f"SELECT {_LINK} FROM xref_links WHERE target_kind = 'passage' AND source_doc = ? "
            "ORDER BY source_id, method = 'tfidf', score DESC, target_id", (doc_id,)):
        link = Link(*r)
        out[link.source_id].append(link)
    return dict(out)


@dataclass(frozen=True)
class EssayTarget:
    passage_id: str
    method: str               # markup | tfidf
    score: float | None       # the best score of the essay's suggestions for this passage


def essay_targets(store, essay_id: str, limit: int = 40) -> list[EssayTarget]:
    """The passages an essay points at (its markup first, then suggestions by score);
    passages that are gone are left out."""
    _require(store)
    rows = store.db.execute(
        "SELECT target_id, method, max(score) FROM xref_links WHERE target_kind = 'passage' "
        "AND (essay_id = ? OR source_doc = ?) GROUP BY target_id, method "
        "ORDER BY method = 'tfidf', max(score) DESC, target_id", (essay_id, essay_id)).fetchall()
    present = store.passages_by_id({r[0] for r in rows})
    seen, out = set(), []
    for pid, method, score in rows:
        if pid in present and pid not in seen:
            seen.add(pid)
            out.append(EssayTarget(pid, method, score))
    return out[:limit]


@dataclass(frozen=True)
class RelatedPassage:
    passage_id: str
    doc_id: str
    page: int
    text: str
    method: str
    score: float | None


def related_passages(store, passage_id: str, *, min_score: float | None = None) -> list[RelatedPassage]:
    """Policy passages a critique passage discusses: markup first, then suggestions by score."""
    _require(store)
    rows = store.db.execute(
        "SELECT target_id, method, score FROM xref_links WHERE source_id = ? AND target_kind = 'passage' "
        "ORDER BY method = 'tfidf', score DESC", (passage_id,)).fetchall()
    passages = store.passages_by_id({r[0] for r in rows})
    return [RelatedPassage(p.id, p.doc_id, p.page, p.text, method, score)
            for pid, method, score in rows if (p := passages.get(pid)) is not None
            and (min_score is None or score is None or score >= min_score)]


# --- the same claim across documents ---------------------------------------------------

@dataclass(frozen=True)
class ClaimPassage:
    group_id: str             # a curated claim id, or q:<kind>:<value> for an uncurated figure
    claim_id: str | None      # the curated claim, when there is one
    passage_id: str
    doc_id: str
    origin: str               # located (kb locator) | figure (same number) | similar (tfidf)
    kind: str | None          # number | percent (for figure matches)
    value: float | None
    surface: str | None       # the figure as written in the passage
    score: float | None


_CLAIM = "group_id, claim_id, passage_id, doc_id, origin, kind, value, surface, score"


def claim_passages(store) -> list[ClaimPassage]:
    """Every claim row, by group, document and passage."""
    _require(store)
    return [ClaimPassage(*r) for r in store.db.execute(
        f"SELECT {_CLAIM} FROM xref_claims ORDER BY group_id, doc_id, passage_id")]


def claim_recurrences(store, claim_or_group: str) -> list[ClaimPassage]:
    """Where a claim (or an uncurated figure group) is made: located passages first,
    then by document and reading order; passages that are gone are left out."""
    _require(store)
    rows = [ClaimPassage(*r) for r in store.db.execute(
        f"SELECT {_CLAIM} FROM xref_claims WHERE group_id = ?", (claim_or_group,))]
    passages = store.passages_by_id({r.passage_id for r in rows})
    rows = [r for r in rows if r.passage_id in passages]
    return sorted(rows, key=lambda r: (r.origin != "located", r.doc_id, passages[r.passage_id].ord))


def located_claim_passages(store) -> dict[str, list[str]]:
    """``{claim id: [passage id]}``: where the locators of curated claims found them
    (empty when the cross-references were never built)."""
    if not built(store):
        return {}
    out: dict[str, list[str]] = defaultdict(list)
    for claim_id, pid in store.db.execute(
            "SELECT claim_id, passage_id FROM xref_claims WHERE origin = 'located' AND claim_id IS NOT NULL "
            "ORDER BY rowid"):
        out[claim_id].append(pid)
    return dict(out)


@dataclass(frozen=True)
class FigureGroup:
    group_id: str
    kind: str
    value: float
    documents: int
    passages: int


def figure_groups(store) -> list[FigureGroup]:
    """Uncurated figures stated in several documents, most documents first."""
    _require(store)
    return [FigureGroup(*r) for r in store.db.execute(
        "SELECT group_id, min(kind), min(value), count(DISTINCT doc_id), count(*) FROM xref_claims "   # q:<kind>:<value>
        "WHERE claim_id IS NULL GROUP BY group_id ORDER BY count(DISTINCT doc_id) DESC, group_id")]


# --- stakeholders -> documents -------------------------------------------------------------

@dataclass(frozen=True)
class StakeholderDocument:
    stakeholder_id: str
    doc_id: str
    mentions: int
    passages: int
    source: str               # nlp_mentions (the tagger's) | names (kb names matched in the text)


def stakeholder_documents(store, stakeholder_id: str | None = None,
                          doc_ids=None) -> list[StakeholderDocument]:
    """The documents naming a stakeholder (or every stakeholder), most mentions first
    (of the documents ``doc_ids`` only, when given)."""
    _require(store)
    sql = "SELECT stakeholder_id, doc_id, mentions, passages, source FROM xref_stakeholder_docs"
    where, args = [], []
    if stakeholder_id:
        where.append("stakeholder_id = ?")
        args.append(stakeholder_id)
    if doc_ids is not None:
        doc_ids = sorted(doc_ids)
        where.append(f"doc_id IN ({', '.join('?' * len(doc_ids))})")
        args += doc_ids
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [StakeholderDocument(*r) for r in store.db.execute(
        sql + " ORDER BY stakeholder_id, mentions DESC, doc_id", tuple(args))]


def document_states(store) -> tuple[str, dict[str, str]] | None:
    """What the cross-references were last built from: ``(the part every document
    shares, {doc id: the document's own part})``, as the build recorded it with its
    rows (``build.STATE_KEY``); None when no build recorded it. A document's rows
    of ``xref_stakeholder_docs`` are a function of these two parts: a reader that
    keeps them by document (the site) reads again only those whose part moved."""
    import json

    from scrutiny.xref.build import STATE_KEY

    _require(store)
    raw = store.get_meta(STATE_KEY)
    try:
        state = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(state, dict) or not isinstance(state.get("docs"), dict):
        return None
    # the rows' source (the tagger's mentions, or kb names) is the whole table's: when it
    # changes, a build rewrites every document's rows
    sources = sorted(r[0] for r in store.db.execute("SELECT DISTINCT source FROM xref_stakeholder_docs"))
    return json.dumps([state.get("global"), sources]), state["docs"]
