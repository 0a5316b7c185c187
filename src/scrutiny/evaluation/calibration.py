"""Fitting and checking the calibration of names and ties (``scrutiny eval calibrate``).

Fitted on our own labelled data only: the dev passages and the labelled
sentences of ``names_ties.jsonl`` (both splits), tagged with raw confidences.
Claim kinds: the claim model's calibrated probability (fitted on our training
sentences inside the model) is mapped by the ``claims`` map, fitted on our
labelled sentences of the real government PDFs (``real_documents.tsv``,
``sentence`` rows; never a judged sample, never the blind set), so that a
confidence of 0.9 on government prose means about nine in ten right.
:func:`shown_precision` gives, per threshold, the share of sentences shown at
that threshold whose every shown kind is right (what a judge of a sample
checks): the project's default threshold is chosen from it. The blind set is
never fitted on: its reliability table is printed by ``scrutiny eval blind``
beside its other aggregate figures.
"""

from __future__ import annotations

import json

from scrutiny.evaluation.passage_sets import DEV, confidence_pairs, read_set, reliability, tag_set

THRESHOLDS = tuple(round(0.5 + 0.05 * n, 2) for n in range(10))  # 0.50 ... 0.95


def claim_pairs(rows: list[dict]) -> list[tuple[float, bool]]:
    """(raw confidence, right) of each kind the tagger gave each labelled sentence."""
    return [(conf, kind in r["gold"]) for r in rows for kind, conf in r["kinds"].items()]


def shown_precision(rows: list[dict], mapping, thresholds=THRESHOLDS) -> list[dict]:
    """Per threshold: sentences shown (a kind at or above it), the share whose every
    shown kind is right, and the share of the labelled kinds shown (recall)."""
    out = []
    gold_kinds = sum(len(r["gold"]) for r in rows)
    for t in thresholds:
        shown = right = found = 0
        for r in rows:
            kinds = {k for k, c in r["kinds"].items() if mapping(c) >= t}
            if not kinds:
                continue
            shown += 1
            right += kinds <= r["gold"]
            found += len(kinds & r["gold"])
        out.append({"threshold": t, "shown": shown, "right": right,
                    "precision": round(right / shown, 3) if shown else 0.0,
                    "recall": round(found / gold_kinds, 3) if gold_kinds else 0.0})
    return out


def lowest_threshold(table: list[dict], precision: float = 0.90) -> float | None:
    """The lowest threshold at and above which every threshold that shows anything keeps
    ``precision`` (a threshold above every confidence shows nothing: no tag is wrong there,
    and it neither holds nor breaks the run); None when none does."""
    ok = None
    for row in reversed(table):
        if not row["shown"]:
            continue
        if row["precision"] >= precision:
            ok = row["threshold"]
        else:
            break
    return ok




def _labelled_sentences() -> list[dict]:
    from scrutiny.nlp.labels import names_ties_examples

    rows = []
    for n, r in enumerate(names_ties_examples()):
        text = r["text"]
        rows.append({"id": f"nt{n}", "doc": f"names-ties-{n // 10}", "text": text, "names": r["names"],
                     "ties": r.get("ties", []), "sentences": [], "_spans": []})
    return rows


def fit(tagger=None, write: bool = False) -> dict:
    from scrutiny.nlp import calibration
    from scrutiny.nlp.pipeline import build_tagger

    tagger = tagger or build_tagger(None, names=[], warn=True)
    rows = read_set(DEV) + _labelled_sentences()
    with calibration.raw_confidences():
        tagged = tag_set(rows, tagger)
    pairs = confidence_pairs(rows, tagged)
    maps = {what: calibration.fit_points(pairs[what]) for what in ("ties", "names")}
    from scrutiny.evaluation.real_documents import claim_confidences

    classifier = tagger.nlp.get_pipe("scrutiny_claim_classifier").model
    real = claim_confidences(tagger, classifier) if classifier is not None else []
    if real:
        pairs["claims"] = claim_pairs(real)
        maps["claims"] = calibration.fit_points(pairs["claims"])
    elif calibration._maps().get("claims"):
        maps["claims"] = calibration._maps()["claims"]  # no real documents here: keep the fitted map
    before = {what: reliability(p) for what, p in pairs.items()}
    after = {}
    for what, p in pairs.items():
        if what in maps and maps[what]:
            old = calibration._OFF["off"]
            calibration._OFF["off"] = False
            calibration._maps.cache_clear()
            saved = calibration._maps
            try:
                calibration._maps = lambda: maps  # noqa: E731 - the fitted maps, not the file's
                after[what] = reliability([(calibration.calibrated(what, c), r) for c, r in p])
            finally:
                calibration._maps = saved
                calibration._OFF["off"] = old
        else:
            after[what] = before[what]
    if write:
        from scrutiny.atomic import write_text

        write_text(calibration.PATH, json.dumps(maps, indent=1) + "\n")
        calibration._maps.cache_clear()
    result_claims = {}
    if real:
        table_raw = shown_precision(real, lambda c: c)
        table = shown_precision(real, lambda c: _map(maps["claims"], c))
        result_claims = {"sentences": len(real), "shown_raw": table_raw, "shown": table,
                         "threshold_for_0.90": lowest_threshold(table)}
    return {"maps": maps, "raw": before, "calibrated": after, "claims": result_claims,
            "fitted_on": f"{len(read_set(DEV))} dev passages and {len(rows) - len(read_set(DEV))} labelled sentences"
                         + (f"; claims on {len(real)} labelled sentences of the real government documents" if real else "")}


def _map(points, raw: float) -> float:
    from scrutiny.nlp import calibration

    saved = calibration._maps
    try:
        calibration._maps = lambda: {"claims": points}  # noqa: E731 - the fitted map, not the file's
        return calibration.calibrated("claims", raw)
    finally:
        calibration._maps = saved
