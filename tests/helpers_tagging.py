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
