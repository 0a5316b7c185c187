"""Claim kinds on the real government PDFs in ``../shared/real-documents``.

Labels live in ``data/real_documents.tsv`` and refer to the text by reference,
never by copy:

- ``numbered`` rows: a numbered paragraph ("8.12.") of a document, with the
  kinds its text must carry (every numbered recommendation: ``recommendation``);
- ``sentence`` rows: a sentence identified by the hash of its normalised text
  (``scrutiny.nlp.labels.text_hash``), with its kinds ("The Government agrees
  ..." responses: ``assessment`` and/or ``commitment``).

The text is extracted at run time with ``scrutiny.readers.read`` when it is
available, else with pypdfium2 directly. A unit counts as tagged with a kind
when any of its sentences is.
"""

from __future__ import annotations

import re
from pathlib import Path

from scrutiny.nlp.labels import DATA, real_documents_dir, text_hash

_NUMBERED = re.compile(r"(?m)^\s*(\d{1,2}\.\d{1,2})\.\s")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z])")


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    text = "\n".join(pages).replace("\r\n", "\n").replace("\r", "\n")
    return text


def flatten(text: str) -> str:
    """Join lines (and words hyphenated across them) into running text."""
    text = text.replace("\ufffe", "-").replace("\u00ad", "")
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def numbered_units(text: str) -> dict[str, str]:
    """Numbered paragraphs ("8.3.") up to the next number or a blank line break."""
    units = {}
    matches = list(_NUMBERED.finditer(text))
    for m, nxt in zip(matches, matches[1:] + [None]):
        end = nxt.start() if nxt else len(text)
        chunk = text[m.end():end]
        # The recommendation ends where the response begins: "(paragraph N.N)." closes it.
        close = re.search(r"\(paragraphs? [\d.\s,and-]+\)\.?", chunk)
        if close:
            chunk = chunk[:close.end()]
        units[m.group(1)] = flatten(chunk)
    return units


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(flatten(text)) if s.strip()]


def read_labels() -> list[dict]:
    path = DATA / "real_documents.tsv"
    rows = []
    if not path.is_file():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        file, unit, ref, kinds = line.split("\t")[:4]
        rows.append({"file": file, "unit": unit, "ref": ref,
                     "kinds": set() if kinds == "-" else set(kinds.split(","))})
    return rows


def eval_real_documents(tagger, model=None) -> dict:
    from scrutiny.nlp.claim_model import combine, featurise
    from scrutiny.nlp.evaluate import score_kinds
    from scrutiny.nlp.pipeline import rule_features

    folder = real_documents_dir()
    labels = read_labels()
    if folder is None or not labels:
        return {"skipped": "real documents not found (../shared/real-documents) or no labels"}
    texts, golds, missing, refs, scored = [], [], [], [], []
    cache = {}
    for row in labels:
        path = folder / row["file"]
        if not path.is_file():
            missing.append(row["file"])
            continue
        if row["file"] not in cache:
            raw = pdf_text(path)
            cache[row["file"]] = (numbered_units(raw), {text_hash(s): s for s in sentences(raw)})
        units, by_hash = cache[row["file"]]
        text = units.get(row["ref"]) if row["unit"] == "numbered" else by_hash.get(row["ref"])
        if text is None:
            missing.append(f"{row['file']}:{row['ref']}")
            continue
        texts.append(text)
        golds.append(row["kinds"])
        refs.append(f"{row['file']}:{row['unit']}:{row['ref']}")
        scored.append({"recommendation"} if row["unit"] == "numbered" else None)
    preds = []
    docs = list(tagger.nlp.pipe(texts, batch_size=32)) if model is None else None
    if model is not None:
        # Each unit: its sentences through the rules, the trained model on each.
        for text in texts:
            sents = sentences(text) or [text]
            hits = rule_features(tagger.nlp, sents)
            probs = model.predict_proba([featurise(s, h) for s, h in zip(sents, hits)])
            kinds = set()
            for p, h in zip(probs, hits):
                kinds |= set(combine(p, h, model.thresholds))
            preds.append(kinds)
    else:
        for doc in docs:
            kinds = set()
            for c in doc._.claims or []:
                kinds |= set(c.get("kinds") or {})
            preds.append(kinds)
    preds = [p & only if only else p for p, only in zip(preds, scored)]
    result = score_kinds(golds, preds)
    result["_units"] = len(texts)
    result["_missing"] = missing
    result["_errors"] = [
        {"ref": ref, "gold": sorted(g), "pred": sorted(p)}
        for ref, g, p in zip(refs, golds, preds) if g != p
    ][:30]
    return result
