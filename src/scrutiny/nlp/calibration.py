"""Calibrated confidences for the taggers' names and ties.

The patterns and the recogniser give each name and each tie a raw confidence
(a pattern's prior: 0.85 for "X, chief executive of Y", 0.6 for "X at Y").
``data/calibration.json`` maps a raw confidence to the share of such tags that
were right on our labelled data (our dev passages and labelled sentences, never
the blind set), fitted by ``scrutiny eval calibrate --write``: isotonic, with
each raw level's share pulled towards the raw value by a few pseudo-counts so
that a level seen rarely keeps its prior. Claim kinds are calibrated twice: the
claim model's probability of a kind is calibrated on our own training sentences
(isotonic, out of fold, :mod:`.claim_model`) and decides whether the kind is
given; the confidence stored and shown is that probability mapped by the
``claims`` map, fitted on our labelled sentences of the real government PDFs
(``real_documents.tsv``): the share of such tags that were right on government
prose. Without the file, confidences stay raw.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).parent / "data" / "calibration.json"
_OFF = {"off": False}


@lru_cache(maxsize=1)
def _maps() -> dict:
    if not PATH.is_file():
        return {}
    return json.loads(PATH.read_text(encoding="utf-8"))


@contextmanager
def raw_confidences():
    """Within this block, confidences are left raw (to fit the calibration)."""
    _OFF["off"] = True
    try:
        yield
    finally:
        _OFF["off"] = False


def calibrated(what: str, raw: float) -> float:
    """The calibrated confidence of a ``what`` ("ties", "names", "claims") tag of raw confidence ``raw``."""
    points = None if _OFF["off"] else _maps().get(what)
    if not points:
        return round(float(raw), 3)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if raw <= xs[0]:
        return round(ys[0], 3)
    if raw >= xs[-1]:
        return round(ys[-1], 3)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= raw <= x1:
            return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1, 3)
    return round(float(raw), 3)


def fit_points(pairs: list[tuple[float, bool]], prior_weight: float = 5.0) -> list[list[float]]:
    """Isotonic map from raw confidence to the share right, each level smoothed
    towards its raw value by ``prior_weight`` pseudo-counts."""
    from collections import defaultdict

    levels = defaultdict(lambda: [0, 0])
    for raw, right in pairs:
        lv = levels[round(float(raw), 2)]
        lv[0] += 1
        lv[1] += bool(right)
    xs = sorted(levels)
    if not xs:
        return []
    means = [(levels[x][1] + prior_weight * x) / (levels[x][0] + prior_weight) for x in xs]
    weights = [levels[x][0] + prior_weight for x in xs]
    # pool adjacent violators: the share right never falls as the raw confidence rises
    blocks = [[m, w, [x]] for m, w, x in zip(means, weights, xs)]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0]:
            m = (blocks[i][0] * blocks[i][1] + blocks[i + 1][0] * blocks[i + 1][1]) / (blocks[i][1] + blocks[i + 1][1])
            blocks[i] = [m, blocks[i][1] + blocks[i + 1][1], blocks[i][2] + blocks[i + 1][2]]
            del blocks[i + 1]
            i = max(0, i - 1)
        else:
            i += 1
    return [[x, round(b[0], 3)] for b in blocks for x in b[2]]
