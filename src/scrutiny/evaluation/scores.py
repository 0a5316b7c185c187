"""Scores shared by the evaluations: precision/recall/F1 and the key names are compared by."""

from __future__ import annotations

KINDS = ("statistic", "commitment", "recommendation", "assessment")


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def score_kinds(gold: list[set], pred: list[set]) -> dict:
    out = {}
    for kind in KINDS:
        tp = sum(1 for g, p in zip(gold, pred) if kind in g and kind in p)
        fp = sum(1 for g, p in zip(gold, pred) if kind not in g and kind in p)
        fn = sum(1 for g, p in zip(gold, pred) if kind in g and kind not in p)
        out[kind] = prf(tp, fp, fn)
    return out


def key(text: str) -> str:
    """Name key for scoring: honorifics are not part of a name."""
    from scrutiny.nlp.normalise import HONORIFICS
    from scrutiny.nlp.normalise import key as base_key

    words = base_key(text).split(" ")
    while len(words) > 1 and words[0].rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(words)
