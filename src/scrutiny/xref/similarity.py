"""TF-IDF similarity between passages (scikit-learn), and the calibrated threshold.

The vectoriser: Porter-stemmed words (Whoosh's stemmer, the one the search
index uses) without English stop words, sub-linear term frequency, and -- on
corpora of 50 passages or more -- words found in over 30% of passages dropped
(in a government response "government" and "committee" say nothing); cosine
similarity of the L2-normalised vectors. Stemmed unigrams beat word bigrams
and unstemmed unigrams on the labelled pairs (F0.5 0.61 against 0.57 and 0.57). ``THRESHOLD`` was calibrated on the labelled pairs in
``scrutiny/data/xref_pairs.yaml`` among paragraphs of unrelated documents
(``scrutiny xref --calibrate``; figures in docs/cite.md): the lowest score from
which on the suggestions' measured precision is at least 0.85.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrutiny.passages import Passage

THRESHOLD = 0.37       # calibrated: see calibrate.py and docs/cite.md
MIN_WORDS = 12         # shorter passages ("The Government agrees.") say too little to match
TOP_K = 5              # suggestions kept per critique passage
# Passages that take part: running text only (a heading, a note, a table, a
# chart's labels, a contents page or a cover is never a "related passage").
LINKED_KINDS = frozenset({"paragraph", "list_item"})

_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


_TOKEN = re.compile(r"(?u)\b[^\W\d_][\w'-]*\b")
MAX_DF = 0.3
MAX_DF_MIN_TEXTS = 50


def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its module without importing
    scikit-learn (seconds on a busy machine: an incremental build reads the
    figures of one document and needs no model)."""
    global _STOP_WORDS
    if _STOP_WORDS is None:
        import importlib.util
        from pathlib import Path

        spec = importlib.util.find_spec("sklearn")
        path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction" / "_stop_words.py"
        mod_spec = importlib.util.spec_from_file_location("scrutiny_sklearn_stop_words", path)
        module = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(module)
        _STOP_WORDS = frozenset(module.ENGLISH_STOP_WORDS)
    return _STOP_WORDS


_STOP_WORDS: frozenset[str] | None = None


def analyse(text: str) -> list[str]:
    """Lower-cased, stop words dropped, Porter-stemmed word tokens."""
    from whoosh.lang.porter import stem

    stop = stop_words()
    return [stem(w) for w in _TOKEN.findall(text.lower()) if w not in stop]


class Similarity:
    """A TF-IDF model fitted on a set of texts; cosine similarity between any two groups."""

    def __init__(self, texts: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(
            analyzer=analyse, sublinear_tf=True,
            max_df=MAX_DF if len(texts) >= MAX_DF_MIN_TEXTS else 1.0,
        )
        self.matrix = self.vectorizer.fit_transform(texts) if texts else None

    def cosine(self, rows_a: list[int], rows_b: list[int]):
        """Dense array [len(a), len(b)] of cosine similarities."""
        import numpy as np

        if self.matrix is None or not rows_a or not rows_b:
            return np.zeros((len(rows_a), len(rows_b)))
        a = self.matrix[rows_a]
        b = self.matrix[rows_b]
        return (a @ b.T).toarray()  # rows are L2-normalised: the dot product is the cosine

    def transform(self, texts: list[str]):
        return self.vectorizer.transform(texts)


def suggest(sources: list[Passage], targets: list[Passage], *, threshold: float = None, top_k: int = TOP_K,
            model: Similarity | None = None) -> list[tuple[str, str, float]]:
    """(source id, target id, score) for each source's best targets above the threshold."""
    threshold = THRESHOLD if threshold is None else threshold
    sources = [s for s in sources if word_count(s.text) >= MIN_WORDS]
    targets = [t for t in targets if word_count(t.text) >= MIN_WORDS]
    if not sources or not targets:
        return []
    if model is None:
        model = Similarity([p.text for p in sources + targets])
        rows_s = list(range(len(sources)))
        rows_t = list(range(len(sources), len(sources) + len(targets)))
        sims = model.cosine(rows_s, rows_t)
    else:
        sims = (model.transform([s.text for s in sources]) @ model.transform([t.text for t in targets]).T).toarray()
    out = []
    for i, s in enumerate(sources):
        row = sims[i]
        order = row.argsort()[::-1][:top_k]
        for j in order:
            if row[j] >= threshold:
                out.append((s.id, targets[j].id, round(float(row[j]), 4)))
    return out
