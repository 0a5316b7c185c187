"""Helpers for the tagging tests: a store filled with our own synthetic passages."""

from __future__ import annotations

from scrutiny.passages import Passage, passage_id


def add_document(store, doc_id: str, texts: list[str], title: str = "A synthetic report") -> list[str]:
    """Insert (or replace) a document with one paragraph passage per text; returns the ids."""
    store.upsert_document({"id": doc_id, "title": title, "kind": "policy", "pages": 1,
                           "passages": len(texts)})
    passages, seen = [], {}
    for n, text in enumerate(texts):
        pid = passage_id(doc_id, text)
        seen[pid] = seen.get(pid, 0) + 1
        if seen[pid] > 1:
            pid = f"{pid}-{seen[pid]}"
        passages.append(Passage(id=pid, doc_id=doc_id, ord=n, kind="paragraph", page=n + 1,
                                page_end=n + 1, text=text))
    store.replace_passages(doc_id, passages)
    return [p.id for p in passages]


_TAGGERS = {}


def shared_tagger(names=(), model=None):
    """Build a tagger once per set of names (the model load is the slow part)."""
    from scrutiny.nlp.pipeline import build_tagger

    k = (tuple(sorted(names)), model)
    if k not in _TAGGERS:
        _TAGGERS[k] = build_tagger(model, names=list(names), warn=False)
    return _TAGGERS[k]


def write_tags(store, *, claims=(), mentions=(), ties=()):
    """Rows as a tagging run leaves them, without running the tagger (for tests of the
    readers): ``claims`` as nlp_claims tuples (id, passage_id, doc_id, page, start, end,
    text, kinds JSON, details JSON, confidence, source); ``mentions`` as (passage_id,
    doc_id, start, end, text, kind, source, confidence, curated_id, stakeholder_id);
    ``ties`` as nlp_tie_candidates tuples in column order (subject_id, object_id,
    tie_id last). Every passage of the store is marked tagged."""
    import json

    from scrutiny.tags.schema import ensure_schema

    ensure_schema(store)
    with store.transaction():
        store.db.executemany(
            "INSERT INTO nlp_claims (id, passage_id, doc_id, page, start, end, text, kinds, details, confidence, "
            "source) VALUES (?,?,?,?,?,?,?,?,?,?,?)", claims)
        store.db.executemany(
            "INSERT INTO nlp_mentions (passage_id, doc_id, start, end, text, kind, source, confidence, curated_id, "
            "stakeholder_id) VALUES (?,?,?,?,?,?,?,?,?,?)", mentions)
        store.db.executemany(
            "INSERT INTO nlp_tie_candidates (passage_id, sent_start, sent_end, relation, role, confidence, pattern, "
            "subject_start, subject_end, subject_text, subject_kind, object_start, object_end, object_text, "
            "object_kind, subject_id, object_id, tie_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ties)
        store.db.executemany("INSERT OR REPLACE INTO nlp_tagged (passage_id, tagger_version, tagged_at) "
                             "VALUES (?, 'test', 'now')", [(pid,) for pid in store.passage_ids()])
        store.db.execute("INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('last_run', ?)",
                         (json.dumps({"model": "test", "rules_only": False, "tagger_version": "test", "at": "now"}),))


def kinds_of(tagger, text) -> set:
    """Every claim kind the tagger gives the sentences of ``text``."""
    doc = tagger.nlp(text)
    out = set()
    for c in doc._.claims:
        out |= set(c["kinds"])
    return out


def named(doc) -> dict:
    """A tagged Doc's stakeholder names as written, with their kinds (back-references left out)."""
    from scrutiny.nlp.spans import stakeholder_spans

    return {s.text: s.label_ for s in stakeholder_spans(doc) if s._.source != "coref"}


def sentence_kinds(doc) -> list[set]:
    """Each claim sentence's kinds, in order."""
    return [set(c["kinds"]) for c in doc._.claims]


def tie_triples(doc) -> set:
    """A tagged Doc's ties as (subject, relation, object), a back-reference read as the
    name it stands for."""
    from scrutiny.nlp.coreference import antecedent

    def name(end):
        ante = antecedent(doc, end["start"], end["end"])
        return doc.text[ante[0]:ante[1]] if ante else end["text"]

    return {(name(t["subject"]), t["relation"], name(t["object"])) for t in doc._.ties or []}
