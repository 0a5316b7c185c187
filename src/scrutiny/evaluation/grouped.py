"""Grouped cross-validation on the dev passages (``scrutiny eval dev --grouped``).

The claim model trains on the dev passages' sentence entries (besides our own
sentences), so scoring the dev set with the shipped model would score it on its
own training data. Here each group of passages (an id prefix: one writer each) is
scored by a tagger whose claim model was trained on everything else the shipped
model trains on *but that group*: our training sentences, the reference article's
training half and the other groups' passages. The scoring is :mod:`.passage_sets`'
(the same as ``scrutiny eval dev --ids PREFIX``), one group at a time.

The held-out sets of :mod:`scrutiny.nlp.labels` are never trained on here either.
"""

from __future__ import annotations

from pathlib import Path

from scrutiny.evaluation.passage_sets import DEV, _curated_from, confidence_pairs, read_set, reliability, score_set, \
    tag_set


def fold_indices(examples, group: str) -> list[int]:
    """The training examples of the fold that scores ``group`` (their indices): every
    example but that group's."""
    from scrutiny.nlp.labels import example_group

    return [i for i, e in enumerate(examples) if example_group(e) != group]


def grouped_cv(model: str | None = None, path: Path | None = None, groups=None, errors: bool = False,
               parse: bool | None = None, tagger=None, fit=None) -> dict:
    """Score each group of the passage set at ``path`` (default: the dev set) with a claim
    model trained without it. ``groups``: which id prefixes (default: every prefix of the
    set). ``parse``: whether the claim model reads the parse's tokens (default: as the
    tagger ships). ``fit(examples, inputs, parse)`` fits the model (tests watch it).

    Returns ``{"groups": {prefix: scores}, "pooled": scores over the groups scored,
    "trained_on": {prefix: number of training sentences}}``."""
    from scrutiny.nlp.labels import dev_group, training_examples
    from scrutiny.nlp.pipeline import build_tagger, claim_inputs, fit_claim_model

    path = Path(path) if path is not None else DEV
    rows = read_set(path)
    present = sorted({dev_group(r["id"]) for r in rows})
    groups = list(groups) if groups else present
    unknown = [g for g in groups if g not in present]
    if unknown:
        raise ValueError(f"{path}: no passage id starts with {', '.join(map(repr, unknown))}")
    tagger = tagger or build_tagger(model, names=[], warn=True, train=False)
    fit = fit or fit_claim_model
    examples = training_examples(dev_path=path)
    inputs = claim_inputs(tagger.nlp, [e.text for e in examples])
    classifier = tagger.nlp.get_pipe("scrutiny_claim_classifier")
    kept = classifier.model
    curated = _curated_from(tagger.names)
    out, trained_on, tagged_all, scored_rows = {}, {}, {}, []
    try:
        for group in groups:
            idx = fold_indices(examples, group)
            train = [examples[i] for i in idx]
            trained_on[group] = len(train)
            classifier.model = fit(train, [inputs[i] for i in idx], parse)
            group_rows = [r for r in rows if dev_group(r["id"]) == group]
            tagged = tag_set(group_rows, tagger, curated)
            result = score_set(group_rows, tagged, errors=errors)
            result["reliability"] = {what: reliability(pairs)
                                     for what, pairs in confidence_pairs(group_rows, tagged).items()}
            result["model"], result["curated_names"] = tagger.model_name, len(tagger.names)
            out[group] = result
            tagged_all.update(tagged)
            scored_rows += group_rows
    finally:
        classifier.model = kept
    pooled = score_set(scored_rows, tagged_all)
    return {"set": "dev", "grouped": True, "model": tagger.model_name, "groups": out, "pooled": pooled,
            "trained_on": trained_on}
