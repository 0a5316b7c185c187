"""The dev passages' names the tagger misses, grouped by shape and by what (if anything)
the tagger or the recogniser made of the words.

    .venv/bin/python -m bench.dev_name_misses [--ids PREFIX] [--list]

For every gold name of a dev passage whose key is not among the names the tagging
stage found (as ``scrutiny eval dev`` scores them), the first place the name stands in
the passage is read from the tagged doc:

- ``found-other``: a name the tagger found overlaps it (a name cut short or run on, or
  another name over the same words);
- ``coref``: only a back-reference the tagger resolved overlaps it;
- ``entity``: only an entity of the recogniser overlaps it (a candidate the tagger
  dropped);
- ``none``: nothing overlaps it: no candidate at all.

Each miss also gets the shapes it has (one word, a first name alone, an acronym, a
joiner inside, quoted, at the start of a line or sentence, ...). Only the dev set is
read (never a blind set).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict

from scrutiny.evaluation.passage_sets import DEV, name_key, read_set, score_set, tag_set

JOINERS = frozenset("of and for in at the to on with & by".split())
QUOTES = "'\"‘’“”"


def shapes(text: str, surface: str, start: int, doc, kind: str) -> list[str]:
    """The shapes of the gold name ``surface`` standing at ``start`` of ``text``."""
    from scrutiny.nlp.people import is_given_name

    words = surface.split()
    out = []
    if len(words) == 1:
        if surface.isupper() or re.fullmatch(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*", surface):
            out.append("acronym")
        elif kind == "person" and is_given_name(surface):
            out.append("first-name-alone")
        else:
            out.append("one-word")
    if any(w.casefold() in JOINERS for w in words[1:-1]):
        out.append("joiner-inside")
    if any(w[:1].islower() for w in words if w.casefold() not in JOINERS):
        out.append("lower-case-word")
    if "," in surface or "?" in surface:
        out.append("comma-or-question")
    if any(c.isdigit() for c in surface):
        out.append("digits")
    before = text[max(0, start - 2):start]
    if any(q in before for q in QUOTES):
        out.append("quoted")
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() == "":
        out.append("line-start")
    elif re.search(r"[.!?:]\s*$", text[line_start:start]):
        out.append("sentence-start")
    if "\n" in text[start:start + len(surface)]:
        out.append("line-break")
    if kind == "document" and text[line_start:start].strip() == "" and \
            text[start + len(surface):].split("\n", 1)[0].strip() in ("", ":"):
        out.append("title-line")
    return out or ["other"]


def where(doc, start: int, end: int) -> str:
    from scrutiny.nlp.spans import stakeholder_spans

    spans = stakeholder_spans(doc)
    over = [s for s in spans if s.start_char < end and s.end_char > start and s._.source != "coref"]
    if over:
        return "found-other"
    if any(s.start_char < end and s.end_char > start for s in spans):
        return "coref"
    if any(e.start_char < end and e.end_char > start for e in doc.ents):
        return "entity"
    return "none"


def find(text: str, surface: str) -> int:
    at = text.find(surface)
    if at < 0:
        at = text.casefold().find(surface.casefold())
    if at < 0:  # a line break or runs of spaces inside the name
        m = re.search(r"\s+".join(re.escape(w) for w in surface.split()), text, re.I)
        at = m.start() if m else -1
    return at


def main(argv=None) -> int:
    from scrutiny.nlp.pipeline import build_tagger

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ids", default="", help="only the passages whose id starts with this")
    ap.add_argument("--list", action="store_true", help="list every miss")
    args = ap.parse_args(argv)
    rows = [r for r in read_set(DEV) if r["id"].startswith(args.ids)]
    tagger = build_tagger(None, warn=False)
    tagged = tag_set(rows, tagger)
    scores = score_set(rows, tagged, errors=True)
    missed = defaultdict(list)
    for what, rid, k, *rest in scores["errors"]["names"]:
        if what == "fn":
            missed[rid].append(k)
    by_where, by_shape, by_kind = Counter(), Counter(), Counter()
    shape_where = defaultdict(Counter)
    items = []
    for row in rows:
        if row["id"] not in missed:
            continue
        doc = tagger.nlp(row["text"])
        for surface, kind in row["names"].items():
            if name_key(surface) not in missed[row["id"]]:
                continue
            at = find(row["text"], surface)
            w = where(doc, at, at + len(surface)) if at >= 0 else "not-in-text"
            sh = shapes(row["text"], surface, at, doc, kind) if at >= 0 else ["not-in-text"]
            by_where[w] += 1
            by_kind[kind] += 1
            for s in sh:
                by_shape[s] += 1
                shape_where[s][w] += 1
            if w == "found-other":
                from scrutiny.nlp.spans import stakeholder_spans

                over = [f"{s.text}|{s.label_}|{s._.source}" for s in stakeholder_spans(doc)
                        if s.start_char < at + len(surface) and s.end_char > at]
                sh = sh + ["over=" + ";".join(over)]
            items.append((row["id"], surface, kind, w, sh, row["text"][max(0, at - 50):at + len(surface) + 50]))
    st = scores["stakeholders"]
    print(f"names P {st['precision']} R {st['recall']} (found {st['tp']}, wrong {st['fp']}, missed {st['fn']})")
    print("missed, by what overlaps them:", dict(by_where.most_common()))
    print("missed, by gold kind:", dict(by_kind.most_common()))
    print("missed, by shape (a miss may have several):")
    for s, n in by_shape.most_common():
        print(f"  {s:<20} {n:>4}  {dict(shape_where[s].most_common())}")
    if args.list:
        for rid, surface, kind, w, sh, ctx in items:
            print(f"{rid}\t{kind}\t{w}\t{','.join(sh)}\t{surface!r}\t{ctx!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
