"""The same claim across documents: curated claims' passages and their recurrences.

For every curated claim: the passages its locators find (``located``); then
passages in *other* documents that state one of the claim's figures (from its
statement, else from its located passages) however it is written (``figure``: 21,000 = 21k = twenty-one thousand) and share at
least ``MIN_SHARED`` content words with the claim's statement or its located
passages; and, for claims without a figure, passages of other documents whose
TF-IDF similarity to a located passage reaches the calibrated threshold
(``similar``). Figures found in several documents but in no curated claim are
grouped too (``q:<kind>:<value>``), when their sentences share content words.
"""

from __future__ import annotations

import re
from collections import defaultdict

from scrutiny.xref.numbers import quantities

MIN_SHARED = 2
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c(])")


def _content(text: str) -> set[str]:
    from scrutiny.xref.similarity import analyse

    return set(analyse(text))


def _sentence_at(text: str, start: int) -> str:
    pos = 0
    for sent in _SENTENCE.split(text):
        i = text.find(sent, pos)
        if i <= start < i + len(sent):
            return sent
        pos = i + len(sent)
    return text


def _significant(q) -> bool:
    """Figures worth matching across documents (not 'one', 'two', 'three'...)."""
    return q.kind == "percent" or q.currency is not None or q.value >= 10


def _locate(verifier_find, claim, store) -> list[dict]:
    out = []
    for cd in claim.documents:
        ids = list(cd.passages)
        if cd.search:
            try:
                ids += verifier_find(cd.search, cd.doc)[:3]
            except Exception:
                pass
        for pid in ids:
            p, _ = store.resolve_passage(pid)
            if p and p["doc_id"] == cd.doc and p not in out:
                out.append(p)
    return out


def claim_rows(kb, store, find, passages: list[dict], model=None, threshold: float | None = None) -> list[dict]:
    from scrutiny.xref.similarity import THRESHOLD, Similarity

    threshold = THRESHOLD if threshold is None else threshold
    figures = [(p, q) for p in passages for q in quantities(p["text"]) if _significant(q)]
    rows = []
    for claim in (kb.claims if kb else []):
        located = _locate(find, claim, store)
        docs = {p["doc_id"] for p in located} | {cd.doc for cd in claim.documents}
        for p in located:
            rows.append(_row(claim.id, claim.id, p, "located", None, 1.0))
        wanted = [q for q in quantities(claim.statement) if _significant(q)]
        if not wanted:  # the statement gives no figure: use the figures of its located passages
            wanted = [q for p in located for q in quantities(p["text"]) if _significant(q)]
        words = _content(claim.statement)
        for p in located:
            words |= _content(p["text"])
        seen = {p["id"] for p in located}
        for p, q in figures:
            if p["doc_id"] in docs or p["id"] in seen or not any(q.same(w) for w in wanted):
                continue
            shared = words & _content(_sentence_at(p["text"], q.start))
            if len(shared) >= MIN_SHARED:
                seen.add(p["id"])
                rows.append(_row(claim.id, claim.id, p, "figure", q, round(len(shared) / max(len(words), 1), 4)))
        if not wanted and located:
            others = [p for p in passages if p["doc_id"] not in docs and p["id"] not in seen]
            if others:
                m = Similarity([p["text"] for p in located + others])
                sims = m.cosine(list(range(len(located))), list(range(len(located), len(located) + len(others))))
                best = sims.max(axis=0)
                for j, p in enumerate(others):
                    if best[j] >= threshold:
                        rows.append(_row(claim.id, claim.id, p, "similar", None, round(float(best[j]), 4)))
    # uncurated figures stated in several documents
    curated = {r["passage_id"] for r in rows}
    by_value = defaultdict(list)
    anchor = None
    for p, q in sorted(((p, q) for p, q in figures if p["id"] not in curated),
                       key=lambda pq: (pq[1].kind, pq[1].value)):
        if anchor is None or not anchor.same(q):
            anchor = q  # figures within rounding of the first one form one group
        by_value[anchor.key].append((p, q))
    for key, found in by_value.items():
        if len({p["doc_id"] for p, _ in found}) < 2:
            continue
        sentences = {p["id"]: _content(_sentence_at(p["text"], q.start)) for p, q in found}
        keep = set()
        for i, (p1, _) in enumerate(found):
            for p2, _ in found[i + 1:]:
                if p1["doc_id"] != p2["doc_id"] and len(sentences[p1["id"]] & sentences[p2["id"]]) >= MIN_SHARED:
                    keep |= {p1["id"], p2["id"]}
        group = f"q:{key[0]}:{key[1]:g}"
        done = set()
        for p, q in found:
            if p["id"] in keep and p["id"] not in done:
                done.add(p["id"])
                rows.append(_row(group, None, p, "figure", q, None))
    return rows


def _row(group, claim_id, p, origin, q, score):
    return {
        "group_id": group, "claim_id": claim_id, "passage_id": p["id"], "doc_id": p["doc_id"],
        "origin": origin, "kind": q.kind if q else None, "value": q.value if q else None,
        "surface": q.text if q else None, "score": score,
    }
