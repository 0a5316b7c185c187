"""Claim precision judged by hand: a random sample of a project's machine-tagged
claim sentences, written as a table a person fills in, and the score of the
filled-in copy.

``sample_claims`` draws the sample (seeded, so the same store and seed give the
same rows) from the tags of the project's store: the sentence column is the
text ingested at run time, never typed. ``write_sample`` writes it as
tab-separated values with the columns of :data:`COLUMNS` and an empty
``judge`` column. A judge writes ``yes`` in it when the sentence really is a
claim of every kind in ``kind`` (``no`` otherwise); ``score_judged`` reads the
copy back and gives precision overall, per kind and per document.
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

from scrutiny.errors import ScrutinyError

COLUMNS = ("id", "document", "page", "kind", "confidence", "sentence")
JUDGE = "judge"
YES = frozenset({"yes", "y"})
NO = frozenset({"no", "n"})


class JudgedFileError(ScrutinyError):
    """A judged copy that cannot be scored (names the file, the line and why)."""


def _key(document: str, sentence: str) -> tuple[str, str]:
    return (document, " ".join(sentence.split()).casefold())


def _sample_reader(path: Path, needed: tuple[str, ...]) -> csv.DictReader:
    """The rows of a sample file (judged or not), refusing one that cannot be read or
    lacks a column in ``needed``, with its name and the reason."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise JudgedFileError(f"{path}: cannot be read ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        raise JudgedFileError(f"{path}: no column {', '.join(missing)} in its header line "
                              f"(expected tab-separated {', '.join([*COLUMNS, JUDGE])})")
    return reader


def read_exclusions(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Ids and (document, sentence) pairs of an earlier sample (judged or not), to be
    left out of a new one: a sentence is left out even when re-tagging gave it a new id."""
    path = Path(path)
    reader = _sample_reader(path, ("id",))
    ids, sentences = set(), set()
    for row in reader:
        ids.add(row["id"])
        if row.get("document") and row.get("sentence"):
            sentences.add(_key(row["document"], row["sentence"]))
    return ids, sentences


def sample_claims(store, n: int = 100, seed: int = 0, doc_ids: list[str] | None = None,
                  min_confidence: float = 0.0, exclude: list[Path] | None = None) -> list[dict]:
    """``n`` machine-tagged claim sentences drawn at random (all of them when fewer), in
    reading order, as rows with the keys of :data:`COLUMNS`. Sentences of the samples in
    ``exclude`` (by id, or by document and sentence) are never drawn."""
    from scrutiny.tags.queries import list_claims

    ids, sentences = set(), set()
    for path in exclude or []:
        more_ids, more_sentences = read_exclusions(path)
        ids |= more_ids
        sentences |= more_sentences
    claims = []
    for doc_id in doc_ids or [None]:
        claims += [c for c in list_claims(store, doc_id=doc_id, min_confidence=min_confidence)
                   if c.source != "curated" and c.id not in ids and _key(c.doc_id, c.text) not in sentences]
    # reading order is the store's (documents by id, passages in order): the same tags and seed, the same rows
    picked = sorted(random.Random(seed).sample(range(len(claims)), min(n, len(claims))))
    chosen = [claims[k] for k in picked]
    return [{"id": c.id, "document": c.doc_id, "page": c.page, "kind": ",".join(c.kinds),
             "confidence": f"{c.confidence:.2f}", "sentence": " ".join(c.text.split())} for c in chosen]


def sample_tsv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow([*COLUMNS, JUDGE])
    for r in rows:
        writer.writerow([r[c] for c in COLUMNS] + [""])
    return out.getvalue()


def write_sample(rows: list[dict], path: Path) -> None:
    from scrutiny.atomic import write_text

    write_text(Path(path), sample_tsv(rows))


def _interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (95%) of a proportion k/n."""
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3))


def _share(yes: int, n: int) -> dict:
    return {"judged": n, "yes": yes, "precision": round(yes / n, 3) if n else 0.0, "interval_95": _interval(yes, n)}


def score_judged(path: Path, min_confidence: float = 0.0) -> dict:
    """Precision of a judged copy: the share of judged rows marked yes, overall, per
    kind, per document, per confidence band (with the band's mean confidence: are the
    confidences calibrated?) and among rows at or above ``min_confidence`` (what a site
    with that threshold shows unfolded). Rows with an empty ``judge`` cell are counted as unjudged;
    any other value than yes/no is an error naming its line."""
    path = Path(path)
    reader = _sample_reader(path, ("id", "document", "kind", JUDGE))
    judged, unjudged, seen = [], 0, set()
    for row in reader:
        line = reader.line_num
        value = (row.get(JUDGE) or "").strip().casefold()
        if row["id"] in seen:
            raise JudgedFileError(f"{path}:{line}: row {row['id']} appears twice")
        seen.add(row["id"])
        if not value:
            unjudged += 1
            continue
        if value not in YES | NO:
            raise JudgedFileError(f"{path}:{line}: judge is {row.get(JUDGE)!r}; write yes or no")
        judged.append((row, value in YES))
    by_kind, by_doc, by_band = {}, {}, {}
    shown = []
    for row, ok in judged:
        confidence = _confidence(row, path)
        by_band.setdefault(_band(confidence), []).append((confidence, ok))
        if confidence >= min_confidence:
            shown.append(ok)
        for kind in [k for k in row["kind"].split(",") if k]:
            by_kind.setdefault(kind, []).append(ok)
        by_doc.setdefault(row["document"], []).append(ok)
    yes = sum(ok for _, ok in judged)
    return {"file": str(path), **_share(yes, len(judged)), "unjudged": unjudged,
            "by_kind": {k: _share(sum(v), len(v)) for k, v in sorted(by_kind.items())},
            "by_document": {d: _share(sum(v), len(v)) for d, v in sorted(by_doc.items())},
            "min_confidence": min_confidence, "at_or_above_min_confidence": _share(sum(shown), len(shown)),
            "by_confidence": {band: {**_share(sum(ok for _, ok in v), len(v)),
                                     "mean_confidence": round(sum(c for c, _ in v) / len(v), 3)}
                              for band, v in sorted(by_band.items())}}


BANDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def _band(confidence: float) -> str:
    lo = max((b for b in BANDS if confidence >= b), default=0.0)
    hi = min((b for b in BANDS if b > confidence), default=1.0)
    return f"{lo:.1f}-{hi:.1f}"


def _confidence(row: dict, path: Path) -> float:
    try:
        return float(row.get("confidence") or 0.0)
    except ValueError:
        raise JudgedFileError(f"{path}: row {row['id']}: confidence is {row.get('confidence')!r}, not a number") from None
