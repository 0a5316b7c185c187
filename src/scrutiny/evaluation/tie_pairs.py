"""A learned scorer of candidate tie pairs, measured by grouped cross-validation
(``scrutiny eval dev --tie-scorer``; docs/tagging.md, "Tenth round").

Every pair of stakeholder mentions in one sentence of a dev passage that the rules
(``doc._.ties``) did not tie is a candidate. Its features come from the parse: the
dependency path between the two mentions' heads (deps and the word where they meet),
the words between them (each, each pair, the whole run when short), the words either
side, the mentions' kinds, the distance and how many mentions stand between. A
multinomial logistic regression (class_weight balanced, fixed seed) with one class per
relation and direction ("position>": the first mention holds a post at the second,
"provides<": the second provides the first) and a "none" class is trained on the
other groups' pairs and applied to the group scored. A pair is positive when the
passage's gold has (first, relation, second) for the names of its mentions (a
back-reference stands for the name it was resolved to).

What it would add is counted against the rules' own ties on the same passages
(a tie counts once per passage, as :mod:`.passage_sets` scores them), at each
threshold on the model's probability. It was measured and not added to the tagger:
the pairs it is surest of are right about half the time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.evaluation.passage_sets import DEV, RELATIONS, name_key, read_set

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Pair:
    """Two stakeholder mentions of one sentence, in text order, by their name keys."""

    passage: str
    group: str
    first: str
    second: str
    features: dict = field(default_factory=dict)
    label: str = "none"   # "<relation>>" (first to second), "<relation><" (second to first) or "none"
    ruled: bool = False   # the rules tied the two (in any relation)


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1-2" if n <= 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def pair_features(doc, first, second, spans) -> dict:
    """Features of the mentions ``first`` and ``second`` (spans of ``doc``, ``first``
    before ``second``); ``spans``: every stakeholder mention of the doc."""
    between = doc[first.end:second.start]
    words = [t.lower_ for t in between]
    f = {f"kinds={first.label_}_{second.label_}": 1, f"first={first.label_}": 1, f"second={second.label_}": 1,
         f"distance={_bucket(len(words))}": 1}
    for w in words:
        f[f"between={w}"] = 1
    for u, v in zip(words, words[1:]):
        f[f"between2={u}_{v}"] = 1
    if len(words) <= 4:
        f["run=" + " ".join(words)] = 1
    others = sum(1 for s in spans if s.start >= first.end and s.end <= second.start)
    f[f"mentions_between={min(others, 3)}"] = 1
    if first.start > 0:
        f["before=" + doc[first.start - 1].lower_] = 1
    if second.end < len(doc):
        f["after=" + doc[second.end].lower_] = 1
    up = [first.root, *first.root.ancestors]
    down = [second.root, *second.root.ancestors]
    where = {t.i: k for k, t in enumerate(down)}
    meet = next((k for k, t in enumerate(up) if t.i in where), None)
    if meet is not None:
        up, down = up[:meet + 1], down[:where[up[meet].i] + 1]
        path = [t.dep_ for t in up[:-1]] + ["^" + up[-1].lower_] + [t.dep_ for t in reversed(down[:-1])]
        f["path=" + "/".join(path)] = 1
        f["path_deps=" + "/".join(t.dep_ for t in up[:-1]) + "|" + "/".join(t.dep_ for t in down[:-1])] = 1
        for t in up[1:] + down[1:]:
            f["path_word=" + t.lower_] = 1
        f[f"path_length={min(len(up) + len(down) - 2, 6)}"] = 1
    return f


def doc_pairs(doc, passage: str = "", group: str = "", gold=()) -> tuple[list[Pair], set, set]:
    """The candidate pairs of a tagged doc, the rules' ties as (subject key, relation,
    object key) and the keys of every name mentioned; ``gold``: (subject, relation,
    object) names labelling the pairs."""
    from scrutiny.nlp.claim_rules import sentences
    from scrutiny.nlp.coreference import antecedent
    from scrutiny.nlp.spans import stakeholder_spans

    def key_at(start, end, text):
        found = antecedent(doc, start, end)
        return name_key(doc.text[found[0]:found[1]]) if found else name_key(text)

    gold = {(name_key(s), r, name_key(o)) for s, r, o in gold}
    rule = {(key_at(t["subject"]["start"], t["subject"]["end"], t["subject"]["text"]), t["relation"],
             key_at(t["object"]["start"], t["object"]["end"], t["object"]["text"])) for t in doc._.ties or []}
    tied = {(s, o) for s, _r, o in rule} | {(o, s) for s, _r, o in rule}
    spans = stakeholder_spans(doc)
    sents = [(c["start"], c["end"]) for c in (doc._.claims or [])] or [
        (s.start_char, s.end_char) for s in sentences(doc)]
    out = []
    for a, b in sents:
        within = [s for s in spans if s.start_char >= a and s.end_char <= b]
        for i, first in enumerate(within):
            for second in within[i + 1:]:
                k1, k2 = key_at(first.start_char, first.end_char, first.text), \
                    key_at(second.start_char, second.end_char, second.text)
                if k1 == k2:
                    continue
                label = next((f"{r}>" for r in RELATIONS if (k1, r, k2) in gold), None) or \
                    next((f"{r}<" for r in RELATIONS if (k2, r, k1) in gold), "none")
                out.append(Pair(passage, group, k1, k2, pair_features(doc, first, second, spans), label,
                                (k1, k2) in tied))
    return out, rule, {key_at(s.start_char, s.end_char, s.text) for s in spans}


def dev_pairs(tagger, path: Path | None = None) -> tuple[list[Pair], dict]:
    """Every candidate pair of the passage set at ``path`` (default: the dev set), and
    per passage its gold ties, the rules' ties and the names mentioned (``{id: (group,
    gold, rule, mentioned)}``)."""
    from scrutiny.nlp.labels import dev_group

    rows = read_set(Path(path) if path is not None else DEV)
    pairs, ties = [], {}
    for row, doc in zip(rows, tagger.nlp.pipe([r["text"] for r in rows], batch_size=32)):
        found, rule, mentioned = doc_pairs(doc, row["id"], dev_group(row["id"]), row["ties"])
        pairs += found
        ties[row["id"]] = (dev_group(row["id"]), {(name_key(s), r, name_key(o)) for s, r, o in row["ties"]}, rule,
                           mentioned)
    return pairs, ties


def fold_pairs(pairs: list[Pair], group: str) -> list[Pair]:
    """The training pairs of the fold that scores ``group``: the unruled pairs of every
    other group."""
    return [p for p in pairs if p.group != group and not p.ruled]


def fit_pair_scorer(pairs: list[Pair], c: float = 1.0):
    """(vectoriser, logistic regression) fitted on ``pairs``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform([p.features for p in pairs])
    with threadpool_limits(1):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=0)
        model.fit(x, [p.label for p in pairs])
    return vectoriser, model


def best_guesses(scorer, pairs: list[Pair]) -> list[tuple[str, float]]:
    """Each pair's likeliest relation and direction other than "none", with its probability."""
    vectoriser, model = scorer
    if not pairs:
        return []
    probs = model.predict_proba(vectoriser.transform([p.features for p in pairs]))
    classes = list(model.classes_)
    out = []
    for row in probs:
        best = max((k for k, c in enumerate(classes) if c != "none"), key=lambda k: row[k])
        out.append((classes[best], float(row[best])))
    return out


def _as_tie(pair: Pair, guess: str) -> tuple[str, str, str]:
    relation, arrow = guess[:-1], guess[-1]
    return (pair.first, relation, pair.second) if arrow == ">" else (pair.second, relation, pair.first)


def grouped_pair_cv(pairs: list[Pair], ties: dict, groups=None, c: float = 1.0, thresholds=THRESHOLDS,
                    fit=None) -> dict:
    """Score each group's unruled pairs with a scorer trained without that group and count,
    per group and pooled, the rules' ties and what the scorer would add at each
    threshold. ``fit(pairs, c)`` fits the scorer (tests watch it)."""
    from scrutiny.evaluation.scores import prf

    fit = fit or fit_pair_scorer
    groups = list(groups) if groups else sorted({t[0] for t in ties.values()})
    guesses = {}
    trained_on = {}
    for group in groups:
        train = fold_pairs(pairs, group)
        trained_on[group] = len(train)
        scored = [p for p in pairs if p.group == group and not p.ruled]
        for p, guess in zip(scored, best_guesses(fit(train, c), scored)):
            guesses.setdefault(p.passage, []).append((p, *guess))
    out = {"groups": {}, "pooled": {}, "trained_on": trained_on, "c": c}
    for th in (0.0, *thresholds):
        pooled = Counter()
        for group in groups:
            n = Counter()
            for pid, (g, gold, rule, _mentioned) in ties.items():
                if g != group:
                    continue
                added = {_as_tie(p, guess) for p, guess, prob in guesses.get(pid, []) if th and prob >= th} - rule
                predicted = rule | added
                n["tp"] += len(predicted & gold)
                n["fp"] += len(predicted - gold)
                n["fn"] += len(gold - predicted)
                n["added_right"] += len(added & gold)
                n["added_wrong"] += len(added - gold)
            pooled.update(n)
            out["groups"].setdefault(group, {})[th] = {**prf(n["tp"], n["fp"], n["fn"]),
                                                      "added_right": n["added_right"], "added_wrong": n["added_wrong"]}
        out["pooled"][th] = {**prf(pooled["tp"], pooled["fp"], pooled["fn"]),
                             "added_right": pooled["added_right"], "added_wrong": pooled["added_wrong"]}
    return out


def missed_ties(pairs: list[Pair], ties: dict) -> Counter:
    """Where the rules' missed gold ties stand: both ends mentioned in one sentence (what a
    pair scorer could recover), both mentioned but never in one sentence, one end
    mentioned, neither."""
    together = {(p.passage, p.first, p.second) for p in pairs} | {(p.passage, p.second, p.first) for p in pairs}
    out = Counter()
    for pid, (_g, gold, rule, mentioned) in ties.items():
        for s, _r, o in gold - rule:
            if (pid, s, o) in together:
                out["both ends in one sentence"] += 1
            elif s in mentioned and o in mentioned:
                out["both ends mentioned, never in one sentence"] += 1
            elif s in mentioned or o in mentioned:
                out["one end mentioned"] += 1
            else:
                out["no end mentioned"] += 1
    return out
