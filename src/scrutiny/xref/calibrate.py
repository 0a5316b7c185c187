"""Calibrate the "related passages" threshold on labelled pairs (scrutiny/data/xref_pairs.yaml).

The rule evaluated is exactly the one ``build_xrefs`` applies: for each
critique paragraph, its ``TOP_K`` most similar policy paragraphs that score at
least the threshold. Precision = suggested pairs that are labelled related /
suggested pairs; recall = related pairs suggested / related pairs.

Two measures. On the labelled document alone (``rows``, ``best``: the
threshold that maximises F0.5). And as a site sees it (``mixed``): the
labelled paragraphs among paragraphs of documents related to none of them
(``unrelated`` in the labels: other government responses, and a critique of
another field), the model fitted on all of them, every suggestion that crosses
to an unrelated document counted wrong. A site shows a "similar wording"
suggestion only above the threshold (``chosen``) at which that precision
reaches :data:`MIN_PRECISION`: a wrong "related passage" misleads a reader, a
missing one only costs a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scrutiny.errors import ScrutinyError
from scrutiny.passages import Passage
from scrutiny.xref.similarity import LINKED_KINDS, MIN_WORDS, TOP_K, Similarity, word_count

MIN_PRECISION = 0.85   # of the suggestions a site shows, measured with unrelated documents among them


@dataclass
class Unit:
    id: str
    group: int
    text: str


def load_pairs_spec(path=None) -> dict:
    from scrutiny import safeyaml

    text = Path(path).read_text(encoding="utf-8") if path else (
        resources.files("scrutiny") / "data" / "xref_pairs.yaml").read_text(encoding="utf-8")
    return safeyaml.load(text)


def label_document(doc_key: str, spec: dict, passages: list[Passage]) -> tuple[list[Unit], list[Unit]]:
    """(recommendations, responses) of one document, each tagged with its section."""
    heading = spec["section_heading"]
    rec_re = re.compile(spec["recommendation"])
    attach = set(spec.get("recommendation_kinds_after") or [])
    recs: list[Unit] = []
    responses: list[Unit] = []
    found: list[list[str]] = []
    group = -1
    last_was_rec = False
    for p in passages:
        kind, text = p.kind, p.text
        if kind == "heading" and text.strip() == heading:
            group += 1
            found.append([])
            last_was_rec = False
            continue
        if group < 0 or kind not in LINKED_KINDS:
            continue  # the passages build_xrefs links, no others
        m = rec_re.match(text)
        if m:
            found[group].append(m.group(1))
            recs.append(Unit(p.id, group, text))
            last_was_rec = True
        elif last_was_rec and kind in attach:
            recs[-1].text += " " + text
        else:
            last_was_rec = False
            if word_count(text) >= MIN_WORDS:
                responses.append(Unit(p.id, group, text))
    expected = [list(g) for g in spec["groups"]]
    if found != expected:
        raise ScrutinyError(
            f"xref_pairs.yaml, {doc_key}: the ingested text shows the sections {found}, "
            f"but the labels were made for {expected}; re-check the labels against the document"
        )
    return [r for r in recs if word_count(r.text) >= MIN_WORDS], responses


def evaluate(recs: list[Unit], responses: list[Unit], thresholds=None, top_k: int = TOP_K) -> dict:
    """Precision, recall and F-scores of the suggestion rule at each threshold."""
    model = Similarity([u.text for u in recs + responses])
    sims = model.cosine(list(range(len(recs))), list(range(len(recs), len(recs) + len(responses))))
    positives = sum(1 for r in recs for p in responses if r.group == p.group)
    thresholds = thresholds or [round(0.01 * i, 2) for i in range(5, 71)]
    rows = []
    for t in thresholds:
        tp = fp = 0
        for i, r in enumerate(recs):
            order = sims[i].argsort()[::-1][:top_k]
            for j in order:
                if sims[i][j] >= t:
                    if responses[j].group == r.group:
                        tp += 1
                    else:
                        fp += 1
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
        rows.append({"threshold": t, "suggested": tp + fp, "correct": tp, "precision": round(precision, 3),
                     "recall": round(recall, 3), "f1": round(f1, 3), "f0_5": round(f05, 3)})
    best = max(rows, key=lambda r: (r["f0_5"], r["threshold"]))
    return {"pairs": len(recs) * len(responses), "related_pairs": positives,
            "critique_paragraphs": len(recs), "policy_paragraphs": len(responses),
            "top_k": top_k, "rows": rows, "best": best}


def calibrate(shared_dir, spec_path=None) -> dict:
    """Read the labelled documents from ``shared_dir`` and evaluate every threshold."""
    from scrutiny.passages import make_passages
    from scrutiny.readers import read

    spec = load_pairs_spec(spec_path)
    recs: list[Unit] = []
    responses: list[Unit] = []
    offset = 0
    for key, doc in spec["documents"].items():
        path = Path(shared_dir) / doc["file"]
        if not path.is_file():
            raise ScrutinyError(f"{path}: labelled document not found (pass --shared DIR, the folder "
                                "holding real-documents/)")
        passages = make_passages(key, read(path).blocks)
        r, p = label_document(key, doc, passages)
        for u in r + p:
            u.group += offset  # sections of different documents never share a label
        offset += 10_000
        recs += r
        responses += p
    result = evaluate(recs, responses)
    result["cross_validated"] = cross_validate(recs, responses)
    # among unrelated documents: every pair with one of their paragraphs is unrelated
    more_critique, more_policy, names = [], [], []
    for side, units in (("critique", more_critique), ("policy", more_policy)):
        for name in (spec.get("unrelated") or {}).get(side, []):
            path = Path(shared_dir) / name
            if not path.is_file():
                raise ScrutinyError(f"{path}: unrelated document of the labels not found (pass --shared DIR)")
            names.append(name)
            for p in make_passages(path.stem, read(path).blocks):
                if p.kind in LINKED_KINDS and word_count(p.text) >= MIN_WORDS:
                    offset += 1
                    units.append(Unit(p.id, offset, p.text))   # a group of its own: related to nothing
    mixed = evaluate(recs + more_critique, responses + more_policy)
    mixed["unrelated"] = {"documents": names, "critique_paragraphs": len(more_critique),
                          "policy_paragraphs": len(more_policy)}
    result["mixed"] = mixed
    result["chosen"] = choose(mixed["rows"])
    return result


def choose(rows: list[dict]) -> dict:
    """The lowest threshold from which on every threshold's suggestions reach
    MIN_PRECISION (precision is not monotonic on a few dozen suggestions)."""
    rows = sorted(rows, key=lambda r: r["threshold"])
    for i, r in enumerate(rows):
        if r["suggested"] and all(x["precision"] >= MIN_PRECISION for x in rows[i:]):
            return r
    raise ScrutinyError(f"no threshold reaches a precision of {MIN_PRECISION} on the labelled pairs")


def cross_validate(recs: list[Unit], responses: list[Unit]) -> list[dict]:
    """Two folds by section (even / odd): choose the threshold on one, measure on the other."""
    out = []
    for fold in (0, 1):
        train = [u for u in recs if u.group % 2 == fold]
        test = [u for u in recs if u.group % 2 != fold]
        t = evaluate(train, responses)["best"]["threshold"]
        row = evaluate(test, responses, thresholds=[t])["rows"][0]
        out.append({"fold": fold, **row})
    return out

