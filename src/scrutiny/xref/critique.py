"""Critique paragraphs -> what they discuss: explicit markup and TF-IDF suggestions."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from scrutiny.passages import Passage, normalise
from scrutiny.xref.similarity import LINKED_KINDS, suggest

_MD = re.compile(r"[*_`#>]+|!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)")


def _plain(markdown: str) -> str:
    """Essay markdown as a reader would extract it: markup labels, no emphasis marks."""
    from scrutiny.kb.markup import render_plain

    text = render_plain(markdown)
    text = _MD.sub(lambda m: m.group(1) or "", text)
    return " ".join(text.split())


_BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+]\s+|#{1,6}\s+)")
_ORDERED = re.compile(r"^\s{0,3}(\d{1,9})[.)]\s+")


def essay_paragraphs(essay) -> list[tuple[int, str]]:
    """(first line, text) of each block of an essay body: paragraphs (blank-line
    separated), and each list item and heading on its own, as the reader splits them."""
    out, buf, start = [], [], None
    in_ordered = False

    def flush():
        nonlocal buf, start
        if buf:
            out.append((start, "\n".join(buf)))
        buf, start = [], None

    for i, line in enumerate(essay.body.split("\n")):
        if not line.strip():
            flush()
            continue
        ordered = _ORDERED.match(line)
        # as in CommonMark, "2017. ..." inside a paragraph does not start a list; only
        # "1." does, or any number once a list has started
        starts_ordered = bool(ordered) and (not buf or in_ordered or ordered.group(1) == "1")
        heading = line.lstrip().startswith("#") and bool(_BLOCK_START.match(line))
        if _BLOCK_START.match(line) or starts_ordered:
            flush()
            in_ordered = starts_ordered
            line = _ORDERED.sub("", line) if starts_ordered else _BLOCK_START.sub("", line)
        elif not buf:
            in_ordered = False
        if start is None:
            start = essay.body_line + i
        buf.append(line)
        if heading:
            flush()  # a heading is one line
    flush()
    return out


def _match_passage(paragraph: str, passages: list[Passage]) -> str | None:
    """The ingested passage holding this essay paragraph (same text once the markup is read)."""
    target = normalise(_plain(paragraph))
    if not target:
        return None
    raw = normalise(paragraph)
    best, best_score = None, 0.0
    for p in passages:
        text = normalise(p.text)
        if text in (target, raw):
            return p.id
        score = SequenceMatcher(None, target, text, autojunk=False).ratio()
        if score > best_score:
            best, best_score = p.id, score
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
    kinds = {doc_id: kind for doc_id, (_sha, _n, kind) in store.document_digests().items()}
    if "critique" not in kinds.values():
        return []   # nothing to suggest links from
    sources, targets = [], []
    for p in store.passages():
        kind = kinds.get(p.doc_id)
        if p.doc_id not in kinds or p.kind not in LINKED_KINDS:
            continue
        (sources if kind == "critique" else targets).append(p)
    return [
        {"source_kind": "passage", "source_id": s, "essay_id": None, "target_kind": "passage",
         "target_id": t, "method": "tfidf", "score": score, "file": None, "line": None}
        for s, t, score in suggest(sources, targets, threshold=threshold)
    ]
