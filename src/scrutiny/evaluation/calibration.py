"""Fitting and checking the calibration of names and ties (``scrutiny eval calibrate``).

Fitted on our own labelled data only: the dev passages and the labelled
sentences of ``names_ties.jsonl`` (both splits), tagged with raw confidences.
Claim kinds are calibrated inside the claim model; their reliability is shown
too. The blind set is never fitted on: its reliability table is printed by
``scrutiny eval blind`` beside its other aggregate figures.
"""

from __future__ import annotations

import json

from scrutiny.evaluation.passage_sets import DEV, confidence_pairs, read_set, reliability, tag_set


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
    return {"maps": maps, "raw": before, "calibrated": after,
            "fitted_on": f"{len(read_set(DEV))} dev passages and {len(rows) - len(read_set(DEV))} labelled sentences"}
