"""A learned proposer of names the tagger never found, judged by leaving one writer out.

    .venv/bin/python -m bench.name_proposer [--thresholds 0.5,0.6,0.7] [--list]

Every run of capitalised words (or an all-capitals word) of a dev passage that no name
or back-reference of the tagger overlaps is a candidate. A logistic regression over the
candidate's shape, spaCy's part-of-speech, dependency and entity labels, the words either
side, whether the same words stand elsewhere in the passage (alone or inside a name the
tagger found) and the head-word lists of ``headwords.py`` scores it. Each writer's
passages (an id prefix) are scored by a model trained on the other writers' candidates
only. A candidate is right when its name key is a gold name of the passage that the
tagger did not find; added candidates are counted against each group's names figures of
one tagging run over the whole dev set (the figures ``scrutiny eval dev`` reports, split
by group). Only the dev set is read.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from scrutiny.evaluation.passage_sets import DEV, name_key, read_set, score_set, tag_set

JOINERS = frozenset("of and for & on in the".split())
LEADING = frozenset("""the a an this that these those our their its his her my your we i it they he she
however but and or if when while as so also then there here in on at for with by from to of after before
during under over new all each every some any both many most more other such no not yes""".split())


def _cap(tok) -> bool:
    t = tok.text
    return bool(t) and t[:1].isupper() and any(c.isalpha() for c in t)


def candidates(doc, taken) -> list[tuple[int, int]]:
    """(start, end) token ranges of capitalised runs that nothing in ``taken`` overlaps."""
    out = []
    i, n = 0, len(doc)
    while i < n:
        if not _cap(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            if _cap(doc[j]) and not doc[j - 1].is_space:
                j += 1
            elif doc[j].lower_ in JOINERS and j + 1 < n and _cap(doc[j + 1]) and doc[j].text.islower():
                j += 2
            else:
                break
        s, e = i, j
        while s < e and doc[s].lower_ in LEADING:
            s += 1
        while e > s and doc[e - 1].lower_ in JOINERS:
            e -= 1
        if e > s and e - s <= 8 and not any(s < b and a < e for a, b in taken):
            out.append((s, e))
        i = j
    return out


def _shape(text: str) -> str:
    if text.isupper():
        return "UPPER" if len(text) <= 6 else "UPPERLONG"
    if text[:1].isupper() and any(c.isupper() for c in text[1:]):
        return "camel"
    if text[:1].isupper():
        return "Title"
    return "lower"


def features(doc, s: int, e: int, found_texts: list[str]) -> dict:
    from scrutiny.nlp.headwords import GENERIC_SINGLE, kind_from_head
    from scrutiny.nlp.people import is_given_name

    span = doc[s:e]
    words = [t.text for t in span]
    text = span.text
    f = {
        "len": str(min(len(words), 4)),
        "shape_first": _shape(words[0]),
        "shape_last": _shape(words[-1]),
        "pos_first": doc[s].pos_,
        "pos_last": doc[e - 1].pos_,
        "tag_last": doc[e - 1].tag_,
        "dep_root": span.root.dep_,
        "head_pos": span.root.head.pos_,
        "head_lemma": span.root.head.lower_ if span.root.head.i not in range(s, e) else "(self)",
        "ent": span.root.ent_type_ or "O",
        "sent_start": doc[s].is_sent_start or False,
        "line_start": s == 0 or doc[s - 1].is_space or "\n" in doc[s - 1].text_with_ws,
        "prev": doc[s - 1].lower_ if s > 0 else "<s>",
        "prev_pos": doc[s - 1].pos_ if s > 0 else "<s>",
        "next": doc[e].lower_ if e < len(doc) else "</s>",
        "next_pos": doc[e].pos_ if e < len(doc) else "</s>",
        "head_kind": kind_from_head(words) or "none",
        "given_first": is_given_name(words[0]),
        "generic": len(words) == 1 and words[0].casefold() in GENERIC_SINGLE,
        "bracketed": s > 0 and doc[s - 1].text == "(" and e < len(doc) and doc[e].text == ")",
        "possessed": e < len(doc) and doc[e].lower_ in ("'s", "’s"),
    }
    f[f"prev_next={f['prev']}|{f['next']}"] = True
    from scrutiny.nlp.extracted_names import NATIONS, ROLE_ONLY, _acceptable
    from scrutiny.nlp.headwords import NOT_NAME_ACRONYMS, NOT_STAKEHOLDER_FIRST

    f["not_name_acronym"] = text in NOT_NAME_ACRONYMS or text.rstrip("s") in NOT_NAME_ACRONYMS
    f["all_roles"] = all(w.casefold() in ROLE_ONLY for w in words)
    f["nation"] = any(w in NATIONS for w in words)
    f["not_first"] = words[0].casefold() in NOT_STAKEHOLDER_FIRST
    f["acceptable"] = _acceptable(span)
    f["place_ent"] = span.root.ent_type_ in ("GPE", "LOC", "DATE", "NORP", "FAC")
    others = doc.text.count(text) - 1
    f["again"] = str(min(others, 2))
    f["inside_found"] = any(text in ft and text != ft for ft in found_texts)
    low = text.casefold()
    f["lower_elsewhere"] = any(t.lower_ == low and t.text.islower() for t in doc) if len(words) == 1 else False
    return f


def gather(rows, tagger):
    """Every candidate of every passage: (row id, key, features, label)."""
    from scrutiny.nlp.spans import stakeholder_spans

    tagged = tag_set(rows, tagger)
    out = []
    for row, doc in zip(rows, tagger.nlp.pipe([r["text"] for r in rows], batch_size=32)):
        found = set(tagged.get(row["id"]).names) if row["id"] in tagged else set()
        gold = {name_key(n) for n in row["names"]}
        spans = stakeholder_spans(doc)
        taken = [(sp.start, sp.end) for sp in spans]
        found_texts = [sp.text for sp in spans if sp._.source != "coref"]
        seen = set()
        for s, e in candidates(doc, taken):
            k = name_key(doc[s:e].text)
            if not k or k in found or (row["id"], k) in seen:
                continue
            seen.add((row["id"], k))
            out.append((row["id"], k, features(doc, s, e, found_texts), k in gold, doc[s:e].text))
    return tagged, out


def main(argv=None) -> int:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from scrutiny.nlp.pipeline import build_tagger

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--thresholds", default="0.4,0.5,0.6,0.7,0.8")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--weight", default=None, choices=[None, "balanced"])
    ap.add_argument("--list", action="store_true", help="list the candidates added at the first threshold")
    args = ap.parse_args(argv)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    rows = read_set(DEV)
    tagger = build_tagger(None, warn=False)
    tagged, cands = gather(rows, tagger)
    groups = sorted({r["id"][0] for r in rows})
    print(f"candidates {len(cands)}, of them a missed gold name {sum(c[3] for c in cands)}")
    pooled = defaultdict(lambda: [0, 0, 0, 0])
    for g in groups:
        g_rows = [r for r in rows if r["id"][0] == g]
        base = score_set(g_rows, tagged)["stakeholders"]
        train = [c for c in cands if c[0][0] != g]
        test = [c for c in cands if c[0][0] == g]
        vec = DictVectorizer()
        x = vec.fit_transform([c[2] for c in train])
        clf = LogisticRegression(C=args.C, max_iter=2000, random_state=0, class_weight=args.weight).fit(x, [c[3] for c in train])
        p = clf.predict_proba(vec.transform([c[2] for c in test]))[:, 1] if test else []
        line = [f"{g}: base P {base['precision']:.3f} R {base['recall']:.3f} (tp {base['tp']}, fp {base['fp']}, "
                f"fn {base['fn']}; {sum(c[3] for c in test)} of {len(test)} candidates right)"]
        for t in thresholds:
            add_r = sum(1 for c, q in zip(test, p) if q >= t and c[3])
            add_w = sum(1 for c, q in zip(test, p) if q >= t and not c[3])
            tp, fp, fn = base["tp"] + add_r, base["fp"] + add_w, base["fn"] - add_r
            pooled[t][0] += tp
            pooled[t][1] += fp
            pooled[t][2] += fn
            line.append(f"  at {t}: +{add_r} right +{add_w} wrong -> P {tp / max(1, tp + fp):.3f} "
                        f"R {tp / max(1, tp + fn):.3f}")
            if args.list and t == thresholds[0]:
                for c, q in sorted(zip(test, p), key=lambda z: -z[1]):
                    if q >= t:
                        print(f"    {'+' if c[3] else '-'} {q:.2f} {c[0]} {c[4]!r}")
        print("\n".join(line))
    for t in thresholds:
        tp, fp, fn, _ = pooled[t]
        print(f"pooled at {t}: P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
