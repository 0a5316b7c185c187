"""The claim model is applied without scikit-learn (its fitted numbers, with numpy):
the probabilities are the fitted model's, to the last bit, on every labelled sentence
(trained on or held out) and on the evaluation sets' sentences it never saw; and a
tagger loaded from the cache does not import scikit-learn or SciPy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scrutiny.nlp.claim_model import AppliedClaimModel, ClaimModel, featurise
from scrutiny.nlp.labels import claim_examples
from scrutiny.nlp.pipeline import rule_features

from helpers_tagging import shared_tagger


@pytest.fixture(scope="module")
def fitted():
    tagger = shared_tagger()
    examples = claim_examples()
    train = [e for e in examples if e.split == "train"]
    hits = rule_features(tagger.nlp, [e.text for e in train])
    model = ClaimModel().fit([featurise(e.text, h) for e, h in zip(train, hits)], [set(e.kinds) for e in train])

    from scrutiny.evaluation.passage_sets import BLIND, BLIND2, DEV, read_set

    texts = [e.text for e in examples]
    for path in (DEV, BLIND, BLIND2):
        texts += [s["text"] for row in read_set(path) for s in row["sentences"]]
    features = [featurise(t, h) for t, h in zip(texts, rule_features(tagger.nlp, texts))]
    # and what no sentence of theirs is: nothing, words the vocabulary has never seen, rules alone
    features += [featurise("", {}), featurise("zyzzyva quux blorf", {}), " || r_statistic r_statistic_pct",
                 featurise("12% 12% 12% of the the the budget budget", {"statistic": ["pct"]})]
    return model, features


def test_the_applied_model_gives_the_fitted_models_probabilities_bit_for_bit(fitted):
    model, features = fitted
    assert len(features) > 1000 and model.calibrators, "calibrated, on enough sentences to mean something"
    applied = AppliedClaimModel(model)
    want = model.predict_proba(features)
    got = applied.predict_proba(features)
    assert len(got) == len(want)
    differ = [(f, w, g) for f, w, g in zip(features, want, got) if w != g]
    assert not differ, f"{len(differ)} sentences differ, the first: {differ[0]}"
    # the same in batches of one (a document of one sentence) as in one batch
    assert [applied.predict_proba([f])[0] for f in features[:200]] == want[:200]
    assert applied.thresholds == model.thresholds
    # what was compared is not trivially equal: every kind is given, with many values
    for kind in model.models:
        assert len({round(p[kind], 6) for p in got}) > 20


def test_a_model_fitted_otherwise_is_refused(fitted):
    model, _features = fitted
    import copy

    other = copy.deepcopy(model)
    other.vectorizer.set_params(ngram_range=(1, 3))
    with pytest.raises(ValueError, match="ngram_range"):
        AppliedClaimModel(other)


def test_a_tagger_loaded_from_the_cache_does_not_import_scikit_learn(tmp_path):
    """The first build trains (with scikit-learn) and keeps the applied model; the next
    process loads it and tags with spaCy and numpy alone."""
    code = (
        "import json, sys\n"
        "from scrutiny.nlp.pipeline import build_tagger\n"
        f"tagger = build_tagger(cache_dir={str(tmp_path)!r}, warn=False)\n"
        "doc = tagger.nlp('The trust will cut waiting times by 20% by 2027. It should publish its figures.')\n"
        "kinds = [sorted(c['kinds']) for c in doc._.claims]\n"
        "print(json.dumps({'kinds': kinds, 'sklearn': 'sklearn' in sys.modules, 'scipy': 'scipy' in sys.modules,"
        " 'model': type(tagger.nlp.get_pipe('scrutiny_claim_classifier').model).__name__}))\n"
    )
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert runs[0]["kinds"] == runs[1]["kinds"] and any(runs[1]["kinds"])
    assert runs[1]["model"] == "AppliedClaimModel"
    assert runs[1]["sklearn"] is False and runs[1]["scipy"] is False
