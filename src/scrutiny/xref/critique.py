"""Critique paragraphs -> what they discuss: explicit markup and TF-IDF suggestions."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from scrutiny.passages import normalise
from scrutiny.xref.similarity import suggest

_MD = re.compile(r"[*_`#>]+|!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)")


def _plain(markdown: str) -> str:
    """Essay markdown as a reader would extract it: markup labels, no emphasis marks."""
    from scrutiny.kb.markup import render_plain

    text = render_plain(markdown)
    text = _MD.sub(lambda m: m.group(1) or "", text)
    return " ".join(text.split())


def essay_paragraphs(essay) -> list[tuple[int, str]]:
    """(first line, text) of each blank-line-separated paragraph of an essay body."""
    out, buf, start = [], [], None
    for i, line in enumerate(essay.body.split("\n")):
        if line.strip():
            if start is None:
                start = essay.body_line + i
            buf.append(line)
        elif buf:
            out.append((start, "\n".join(buf)))
            buf, start = [], None
    if buf:
        out.append((start, "\n".join(buf)))
    return out


def _match_passage(paragraph: str, passages: list[dict]) -> str | None:
    """The ingested passage holding this essay paragraph (same text once the markup is read)."""
    target = normalise(_plain(paragraph))
    if not target:
        return None
    raw = normalise(paragraph)
    best, best_score = None, 0.0
    for p in passages:
        text = normalise(p["text"])
        if text in (target, raw):
            return p["id"]
        score = SequenceMatcher(None, target, text, autojunk=False).ratio()
        if score > best_score:
            best, best_score = p["id"], score
    return best if best_score >= 0.9 else None


def markup_links(kb, store) -> list[dict]:
    """Links written in the essays: [[passage:..]], [[claim:..]], [[stakeholder:..]], [[doc:..]]."""
    from scrutiny.kb.markup import find_refs

    rows = []
    for essay in kb.essays:
        passages = store.passages(essay.id) if essay.id else []
        for line, para in essay_paragraphs(essay):
            refs = find_refs(para, first_line=line)
            if not refs:
                continue
            pid = _match_passage(para, passages) if passages else None
            source_kind, source_id = ("passage", pid) if pid else ("essay", f"{essay.id}:L{line}")
            for ref in refs:
                rows.append({
                    "source_kind": source_kind, "source_id": source_id, "essay_id": essay.id,
                    "target_kind": ref.type, "target_id": ref.id, "method": "markup", "score": None,
                    "file": essay.path, "line": ref.line,
                })
    return rows


def similar_links(store, threshold: float | None = None) -> list[dict]:
    """TF-IDF suggestions: each critique paragraph's most similar policy paragraphs."""
    docs = {d["id"]: d for d in store.documents()}
    usable = ("paragraph", "list_item")
    sources, targets = [], []
    for p in store.passages():
        doc = docs.get(p["doc_id"])
        if not doc or p["kind"] not in usable:
            continue
        (sources if doc["kind"] == "critique" else targets).append(p)
    return [
        {"source_kind": "passage", "source_id": s, "essay_id": None, "target_kind": "passage",
         "target_id": t, "method": "tfidf", "score": score, "file": None, "line": None}
        for s, t, score in suggest(sources, targets, threshold=threshold)
    ]
