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

import math
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


def featurise(text: str, hits: dict[str, list[str]], parse=()) -> str:
    """The classifier's input: shaped text, then ``||``, then one token per rule hit
    and the parse's tokens (:func:`scrutiny.nlp.claim_parse.parse_tokens`), if any."""
    text = text.lower().replace("||", " ")
    for rx, sub in _SUBS:
        text = rx.sub(sub, text)
    rule_tokens = [f"r_{kind}_{name}" for kind, names in sorted(hits.items()) for name in names]
    rule_tokens += [f"r_{kind}" for kind in sorted(hits)]
    rule_tokens += [t for t in parse if t and not any(c.isspace() for c in t)]
    return text + " || " + " ".join(rule_tokens)


def _split(feature: str) -> tuple[str, str]:
    text, _, rules = feature.rpartition(" || ")
    return text, rules


class ClaimModel:
    """Vectoriser + one logistic regression per kind (multi-label)."""

    def __init__(self, C: float = 4.0, rule_weight: float = 1.0, parse: bool = False):
        self.C = C
        self.rule_weight = rule_weight
        # whether its features carry the parse's tokens (the tagger must then give them too)
        self.parse = parse
        self.vectorizer = None
        self.rule_vectorizer = None
        self.models: dict[str, object] = {}
        self.thresholds: dict[str, float] = {k: DECISION_THRESHOLD for k in KINDS}

    def fit(self, features: list[str], labels: list[set[str]], calibrate: bool = True):
        """Fit one classifier per kind; with ``calibrate``, map its scores to calibrated
        probabilities (isotonic regression on 5-fold out-of-fold scores of the same
        data, folds drawn with a fixed seed). Every kind's threshold is
        :data:`DECISION_THRESHOLD` on that calibrated probability.

        The solver's vector arithmetic runs on one BLAS thread: its operations are
        small, and on a busy machine threads waiting for each other made a fit on a
        few thousand sentences many times slower (and one thread sums in one order)."""
        import sklearn.isotonic  # noqa: F401 - loaded first: only the BLAS libraries loaded are limited
        import sklearn.linear_model  # noqa: F401
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(features, labels, calibrate)

    def _fit(self, features, labels, calibrate):
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


_TEXT_TOKENS = re.compile(r"(?u)\b\w+\b")   # the text vectoriser's token_pattern
_RULE_TOKENS = re.compile(r"\S+")           # the rule vectoriser's


class AppliedClaimModel:
    """A fitted :class:`ClaimModel`'s numbers, applied without scikit-learn or SciPy.

    Tagging one document needs only the fitted vocabularies, weights and calibration
    points; importing scikit-learn (with SciPy) to apply them cost more than a second of
    every ``scrutiny ingest FILE``. The arithmetic is scikit-learn's own, step by step
    and in its order, so the probabilities are the same floating-point numbers
    (``tests/test_claim_model_applied.py`` compares them with the fitted model's): word
    1-2 grams of the lower-cased text counted per vocabulary entry, sorted by column;
    ``log(count) + 1`` (numpy's log, over every sentence's counts at once) times the
    idf, divided by the row's L2 norm (its squares summed in column order); the rule
    hits as binary columns after the text's, times ``rule_weight``; per kind the dot
    product with the coefficients summed in column order from zero, plus the
    intercept, through the logistic function; then the isotonic calibration
    (``numpy.interp`` on the clipped score, as scikit-learn's does through SciPy)."""

    def __init__(self, model: ClaimModel):
        import numpy as np

        if model.vectorizer is None:
            raise ValueError("the claim model is not fitted")
        v = model.vectorizer
        expected = {"ngram_range": (1, 2), "sublinear_tf": True, "lowercase": True, "norm": "l2", "use_idf": True,
                    "analyzer": "word", "stop_words": None, "strip_accents": None, "preprocessor": None,
                    "tokenizer": None, "binary": False, "token_pattern": _TEXT_TOKENS.pattern}
        rv = model.rule_vectorizer
        rule_expected = {"binary": True, "lowercase": False, "token_pattern": _RULE_TOKENS.pattern,
                         "ngram_range": (1, 1), "analyzer": "word", "preprocessor": None, "tokenizer": None,
                         "stop_words": None}
        for vec, want in ((v, expected), (rv, rule_expected)):
            got = vec.get_params()
            wrong = {k: got.get(k) for k, w in want.items() if got.get(k) != w}
            if wrong:
                raise ValueError(f"the claim model's vectoriser is not the one applied here: {wrong}")
        self.vocabulary = dict(v.vocabulary_)
        self.idf = np.asarray(v.idf_, dtype=np.float64)
        self.rule_vocabulary = dict(rv.vocabulary_)
        self.rule_weight = float(model.rule_weight)
        self.parse = bool(getattr(model, "parse", False))
        self.thresholds = dict(model.thresholds)
        calibrators = getattr(model, "calibrators", {})
        # kind: (coefficients as floats, intercept, (x points, y points, x min, x max) or None)
        self.kinds: dict[str, tuple] = {}
        for kind, clf in model.models.items():
            if len(clf.classes_) != 2 or clf.coef_.shape[0] != 1:
                raise ValueError(f"the claim model of {kind} is not one binary logistic regression")
            iso = calibrators.get(kind)
            cal = None
            if iso is not None:
                cal = (np.asarray(iso.X_thresholds_, dtype=np.float64), np.asarray(iso.y_thresholds_, dtype=np.float64),
                       float(iso.X_min_), float(iso.X_max_))
            self.kinds[kind] = ([float(c) for c in clf.coef_[0]], float(clf.intercept_[0]), cal)

    def _rows(self, features: list[str]):
        """Each sentence's stored columns and values, as scikit-learn's hstacked CSR row holds them."""
        import numpy as np

        text_rows, counts_all = [], []
        rule_rows = []
        for feature in features:
            text, rules = _split(feature)
            toks = _TEXT_TOKENS.findall(text.lower())
            grams = toks + [" ".join(toks[i:i + 2]) for i in range(len(toks) - 1)]
            counter: dict[int, int] = {}
            for g in grams:
                j = self.vocabulary.get(g)
                if j is not None:
                    counter[j] = counter.get(j, 0) + 1
            cols = sorted(counter)
            text_rows.append(cols)
            counts_all.extend(counter[j] for j in cols)
            hits = {self.rule_vocabulary[t] for t in _RULE_TOKENS.findall(rules or "r_none")
                    if t in self.rule_vocabulary}
            rule_rows.append(sorted(hits))
        data = np.asarray(counts_all, dtype=np.float64)
        np.log(data, data)
        data += 1.0
        flat = [j for cols in text_rows for j in cols]
        if flat:
            data *= self.idf[np.asarray(flat, dtype=np.int64)]
        values = data.tolist()
        rule_value = 1.0 * self.rule_weight
        offset = len(self.vocabulary)
        at = 0
        for cols, rule_cols in zip(text_rows, rule_rows):
            row = values[at:at + len(cols)]
            at += len(cols)
            total = 0.0
            for x in row:
                total += x * x
            if total != 0.0:
                norm = math.sqrt(total)
                row = [x / norm for x in row]
            yield list(zip(cols, row)) + [(offset + j, rule_value) for j in rule_cols]

    def predict_proba(self, features: list[str]) -> list[dict[str, float]]:
        import numpy as np

        if not features:
            return []
        rows = list(self._rows(features))
        out = [dict() for _ in features]
        for kind, (coef, intercept, cal) in self.kinds.items():
            scores = []
            for row in rows:
                s = 0.0
                for j, x in row:
                    s += x * coef[j]
                s = s + intercept
                try:
                    scores.append(1.0 / (1.0 + math.exp(-s)))
                except OverflowError:   # exp(-s) is infinite: SciPy's expit gives 0
                    scores.append(0.0)
            probs = np.asarray(scores, dtype=np.float64)
            if cal is not None:
                xs, ys, lo, hi = cal
                probs = np.interp(np.clip(probs, lo, hi), xs, ys)
            for o, p in zip(out, probs.tolist()):
                o[kind] = float(p)
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
        if getattr(self.model, "parse", False):
            from scrutiny.nlp.claim_parse import parse_tokens

            feats = [featurise(texts[id(doc)][c["start"]:c["end"]], c["rules"],
                               parse_tokens(doc.char_span(c["start"], c["end"], alignment_mode="expand") or doc[0:0]))
                     for doc, c in rows]
        else:
            feats = [featurise(texts[id(doc)][c["start"]:c["end"]], c["rules"]) for doc, c in rows]
        for (doc, c), probs in zip(rows, self.model.predict_proba(feats)):
            c["scores"] = probs
            c["model_kinds"] = combine(probs, c["rules"], self.model.thresholds)
            c["kinds"] = apply_shape(c, c["model_kinds"], texts[id(doc)][c["start"]:c["end"]])
        return docs
