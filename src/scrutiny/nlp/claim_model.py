"""spaCy component ``scrutiny_claim_classifier``: the scikit-learn claim model.

A TF-IDF (word 1-2 grams) + logistic-regression classifier per claim kind,
trained on the labelled sentence set in ``scrutiny/nlp/data`` (never on the
held-out part). Its input is the sentence with numbers replaced by their shape
(``_pct_``, ``_money_``, ``_year_``, ``_secnum_``, ``_num_``) plus one token per
rule of :mod:`.claim_rules` that fired, so the patterns and the statistics of
the labelled set are combined in one calibrated probability.

The component batches: its ``pipe`` method vectorises every sentence of a batch
of docs at once. Each kind it assigns carries ``(confidence, source)``; the
source is ``rule`` when a strong pattern of that kind fired, ``model`` otherwise.
"""

from __future__ import annotations

import re

from spacy.language import Language

from scrutiny.nlp.claim_rules import apply_shape, decide

KINDS = ("statistic", "commitment", "recommendation", "assessment")
# A kind is given when its calibrated probability is at least this: more likely than
# not. A fixed cut-off on a calibrated probability, not one searched for the best F1
# on the training sentences (that search moved between 0.20 and 0.43 as a few
# training sentences came and went).
DECISION_THRESHOLD = 0.5
# When a strong pattern of a kind fired, the model needs less to agree.
STRONG_THRESHOLD = 0.35

_SUBS = [
    (re.compile(r"[£$€]\s?\d[\d,.]*\s?(?:bn|m|k|million|billion)?\b", re.I), " _money_ "),
    (re.compile(r"\d[\d,.]*\s?(?:%|per ?cent\b|percent\b)", re.I), " _pct_ "),
    (re.compile(r"\b(?:19|20)\d\d[/-]\d\d(?:\d\d)?\b"), " _finyear_ "),
    (re.compile(r"\b(?:1[89]|20)\d\d\b"), " _year_ "),
    (re.compile(r"\b\d+(?:\.\d+)+\.?"), " _secnum_ "),
    (re.compile(r"\d[\d,]*(?:\.\d+)?"), " _num_ "),
]


def featurise(text: str, hits: dict[str, list[str]]) -> str:
    """The classifier's input: shaped text, then ``||``, then one token per rule hit."""
    text = text.lower().replace("||", " ")
    for rx, sub in _SUBS:
        text = rx.sub(sub, text)
    rule_tokens = [f"r_{kind}_{name}" for kind, names in sorted(hits.items()) for name in names]
    rule_tokens += [f"r_{kind}" for kind in sorted(hits)]
    return text + " || " + " ".join(rule_tokens)


def _split(feature: str) -> tuple[str, str]:
    text, _, rules = feature.rpartition(" || ")
    return text, rules


class ClaimModel:
    """Vectoriser + one logistic regression per kind (multi-label)."""

    def __init__(self, C: float = 4.0, rule_weight: float = 1.0):
        self.C = C
        self.rule_weight = rule_weight
        self.vectorizer = None
        self.rule_vectorizer = None
        self.models: dict[str, object] = {}
        self.thresholds: dict[str, float] = {k: DECISION_THRESHOLD for k in KINDS}

    def fit(self, features: list[str], labels: list[set[str]], calibrate: bool = True):
        """Fit one classifier per kind; with ``calibrate``, map its scores to calibrated
        probabilities (isotonic regression on 5-fold out-of-fold scores of the same
        data, folds drawn with a fixed seed). Every kind's threshold is
        :data:`DECISION_THRESHOLD` on that calibrated probability."""
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                          token_pattern=r"(?u)\b\w+\b")
        # Rule hits: a binary block, not diluted by the length of the sentence.
        self.rule_vectorizer = CountVectorizer(binary=True, token_pattern=r"\S+", lowercase=False)
        X = self._matrix(features, fit=True)
        for kind in KINDS:
            y = [1 if kind in lab else 0 for lab in labels]
            if len(set(y)) < 2:
                continue
            clf = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
            clf.fit(X, y)
            self.models[kind] = clf
        self.calibrators = {}
        if calibrate and len(features) >= 50:
            self._calibrate(X, labels)
        return self

    def _calibrate(self, X, labels):
        import numpy as np
        from sklearn.isotonic import IsotonicRegression
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        for kind in self.models:
            y = np.array([1 if kind in lab else 0 for lab in labels])
            oof = np.zeros(len(y))
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
            for tr, te in folds.split(X, y):
                clf = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
                clf.fit(X[tr], y[tr])
                oof[te] = clf.predict_proba(X[te])[:, 1]
            iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof, y)
            self.calibrators[kind] = iso

    def _matrix(self, features, fit: bool = False):
        from scipy.sparse import hstack

        texts, rules = zip(*(_split(f) for f in features))
        rules = [r or "r_none" for r in rules]
        if fit:
            a = self.vectorizer.fit_transform(texts)
            b = self.rule_vectorizer.fit_transform(rules)
        else:
            a = self.vectorizer.transform(texts)
            b = self.rule_vectorizer.transform(rules)
        return hstack([a, b * self.rule_weight]).tocsr()

    def predict_proba(self, features: list[str]) -> list[dict[str, float]]:
        if not features:
            return []
        X = self._matrix(features)
        out = [dict() for _ in features]
        calibrators = getattr(self, "calibrators", {})
        for kind, clf in self.models.items():
            probs = clf.predict_proba(X)[:, 1]
            if kind in calibrators:
                probs = calibrators[kind].predict(probs)
            for row, p in zip(out, probs):
                row[kind] = float(p)
        return out


def combine(probs: dict[str, float], hits: dict[str, list[str]], thresholds) -> dict[str, tuple[float, str]]:
    """Final kinds of one sentence: ``{kind: (confidence, source)}``."""
    from scrutiny.nlp.claim_rules import strong as is_strong

    kinds = {}
    for kind, p in probs.items():
        strong = is_strong(kind, hits)
        threshold = thresholds.get(kind, 0.5)
        if strong:
            threshold = min(threshold, STRONG_THRESHOLD)
        if p < threshold:
            continue
        if kind == "statistic" and "statistic" not in hits:
            continue  # no quantity in the sentence: never a statistic
        kinds[kind] = (round(p, 3), "rule" if strong else "model")
    return kinds


@Language.factory("scrutiny_claim_classifier", default_config={"batch_size": 256})
def make_claim_classifier(nlp, name, batch_size: int):
    return ClaimClassifier(name, batch_size)


class ClaimClassifier:
    def __init__(self, name, batch_size=256):
        self.name = name
        self.batch_size = batch_size
        self.model: ClaimModel | None = None  # set by the pipeline assembly

    def __call__(self, doc):
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int | None = None):
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= (batch_size or self.batch_size):
                yield from self._process(batch)
                batch = []
        if batch:
            yield from self._process(batch)

    def _process(self, docs):
        rows = [(doc, c) for doc in docs for c in (doc._.claims or [])]
        if self.model is None:
            for doc, c in rows:
                c["kinds"] = apply_shape(c, {k: (p, "rule") for k, p in decide(c["rules"]).items()},
                                     doc.text[c["start"]:c["end"]])
            return docs
        texts = {id(doc): doc.text for doc in docs}  # Doc.text joins every token: once per doc
        feats = [featurise(texts[id(doc)][c["start"]:c["end"]], c["rules"]) for doc, c in rows]
        for (doc, c), probs in zip(rows, self.model.predict_proba(feats)):
            c["scores"] = probs
            c["model_kinds"] = combine(probs, c["rules"], self.model.thresholds)
            c["kinds"] = apply_shape(c, c["model_kinds"], texts[id(doc)][c["start"]:c["end"]])
        return docs
