"""The tagger on the real government PDFs in ``../shared/real-documents``.

Labels refer to the text by reference, never by copy, and the text is
extracted at run time with pypdfium2 (page text joined, lines flattened),
independently of our own PDF reader:

- ``data/real_documents.tsv`` (claim kinds, :func:`eval_real_documents`):
  ``numbered`` rows name a numbered paragraph ("8.12.") of a document with the
  kinds its text must carry (every numbered recommendation:
  ``recommendation``); ``sentence`` rows name a sentence by the hash of its
  normalised text (``scrutiny.nlp.labels.text_hash``), with its kinds ("The
  Government agrees ..." responses: ``assessment`` and/or ``commitment``). A
  unit counts as tagged with a kind when any of its sentences is.
- ``data/names_real_documents.jsonl`` (names and ties,
  :func:`eval_real_names_ties`): the stakeholder names and ties of sentences
  named by hash, scored after ``tag_store`` ran on a scratch store with one
  passage per sentence (so that document-level acronym links are exercised).

Without the folder or the labels, each evaluation returns ``{"skipped": why}``.
"""

from __future__ import annotations

import re
from pathlib import Path

from scrutiny.evaluation.scores import key, prf, score_kinds
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


def _unit_texts(folder: Path, labels: list[dict]):
    """The text of each labelled unit, read from the PDFs at run time:
    ``(texts, golds, refs, scored, missing)``."""
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
    return texts, golds, refs, scored, missing


def _unit_kinds(tagger, model, text: str) -> dict[str, float]:
    """The kinds the tagger gives a unit, with their raw confidences (the highest of its sentences)."""
    from scrutiny.nlp.claim_model import combine, featurise
    from scrutiny.nlp.claim_rules import apply_shape
    from scrutiny.nlp.pipeline import claim_inputs

    sents = sentences(text) or [text]
    inputs = claim_inputs(tagger.nlp, sents)
    hits = [h for h, _p in inputs]
    parse = getattr(model, "parse", False)
    probs = model.predict_proba([featurise(s, h, p if parse else ()) for s, (h, p) in zip(sents, inputs)])
    kinds: dict[str, float] = {}
    for p, h, sent in zip(probs, hits, sents):
        for kind, (conf, _source) in apply_shape({"rules": h, "scores": p}, combine(p, h, model.thresholds),
                                                 sent).items():
            kinds[kind] = max(kinds.get(kind, 0.0), float(conf))
    return kinds


def claim_confidences(tagger, model) -> list[dict]:
    """Each labelled sentence (``sentence`` rows: every kind scored) with its gold kinds
    and the kinds the tagger gives it with their raw confidences: what the ``claims``
    calibration map is fitted on. [] without the documents or the labels."""
    folder = real_documents_dir()
    labels = [r for r in read_labels() if r["unit"] == "sentence"]
    if folder is None or not labels:
        return []
    texts, golds, refs, _scored, _missing = _unit_texts(folder, labels)
    return [{"ref": ref, "gold": gold, "kinds": _unit_kinds(tagger, model, text)}
            for text, gold, ref in zip(texts, golds, refs)]


def eval_real_documents(tagger, model=None) -> dict:
    folder = real_documents_dir()
    labels = read_labels()
    if folder is None or not labels:
        return {"skipped": "real documents not found (../shared/real-documents) or no labels"}
    texts, golds, refs, scored, missing = _unit_texts(folder, labels)
    preds = []
    docs = list(tagger.nlp.pipe(texts, batch_size=32)) if model is None else None
    if model is not None:
        # Each unit: its sentences through the rules, the trained model on each.
        preds = [set(_unit_kinds(tagger, model, text)) for text in texts]
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


def read_name_labels() -> list[dict]:
    import json

    path = DATA / "names_real_documents.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def eval_real_names_ties(tagger, curated=None) -> dict:
    """Names and ties on the real PDFs, through ``tag_store`` on a scratch store
    (one passage per sentence, so document-level acronym links are exercised).
    A predicted name counts when its key, or its stakeholder's name or alias,
    matches a labelled name of that sentence."""
    import tempfile
    from types import SimpleNamespace

    from scrutiny.kb.view import Curated
    from scrutiny.passages import Passage, passage_id
    from scrutiny.store import Store
    from scrutiny.tags import queries
    from scrutiny.tags.write import tag_store

    folder = real_documents_dir()
    labels = read_name_labels()
    if folder is None or not labels:
        return {"skipped": "real documents not found (../shared/real-documents) or no labels"}
    curated = curated or Curated()
    with tempfile.TemporaryDirectory(prefix="scrutiny-eval-") as tmp:
        store = Store(f"{tmp}/store.db")
        wanted = {}
        with store.transaction():
            for file in sorted({r["file"] for r in labels}):
                if not (folder / file).is_file():
                    continue
                doc_id = file.rsplit(".", 1)[0]
                store.upsert_document({"id": doc_id, "title": doc_id, "kind": "policy"})
                seen, passages = set(), []
                for n, sentence in enumerate(sentences(pdf_text(folder / file))):
                    pid = passage_id(doc_id, sentence)
                    if pid in seen:
                        continue
                    seen.add(pid)
                    passages.append(Passage(id=pid, doc_id=doc_id, ord=len(passages), kind="paragraph",
                                            page=1, page_end=1, text=sentence))
                    wanted[(file, text_hash(sentence))] = pid
                store.replace_passages(doc_id, passages)
        tag_store(SimpleNamespace(spacy_model=None, index_location=None), store, tagger=tagger, curated=curated, n_process=1)
        names = {e.id: [e.name, *e.aliases] for e in queries.extracted_stakeholders(store)}
        for sid, s in curated.stakeholders.items():
            names[sid] = s.names
        tp = fp = fn = 0
        ttp = tfp = tfn = 0
        errors, missing = [], []
        for row in labels:
            pid = wanted.get((row["file"], row["sentence"]))
            if pid is None:
                missing.append(f"{row['file']}:{row['sentence']}")
                continue
            gold = {key(n) for n in row["names"]}
            pred = set()
            for m in queries.mentions(store, pid):
                if m.stakeholder_id is None:
                    continue
                forms = {key(m.text)} | {key(n) for n in names.get(m.stakeholder_id, [])}
                hit = forms & gold
                pred.add(next(iter(hit)) if hit else key(m.text))
            tp += len(pred & gold)
            fp += len(pred - gold)
            fn += len(gold - pred)
            errors += [("fp", row["sentence"], k) for k in pred - gold] + [("fn", row["sentence"], k) for k in gold - pred]
            if row.get("ties") is not None:
                sid_names = {sid: {key(n) for n in ns} for sid, ns in names.items()}
                cands = [c for c in queries.tie_candidates(store, pid) if c.tie_id is not None]
                gold_t = {(key(s), r, key(o)) for s, r, o in row["ties"]}
                pred_t = set()
                for c in cands:
                    s_forms = sid_names.get(c.subject_id, set())
                    o_forms = sid_names.get(c.object_id, set())
                    match = next(((s, r, o) for s, r, o in gold_t if s in s_forms and r == c.relation and o in o_forms), None)
                    pred_t.add(match or (c.subject_id, c.relation, c.object_id))
                ttp += len(pred_t & gold_t)
                tfp += len(pred_t - gold_t)
                tfn += len(gold_t - pred_t)
                errors += [("tie fp", row["sentence"], t) for t in pred_t - gold_t]
                errors += [("tie fn", row["sentence"], t) for t in gold_t - pred_t]
        store.close()
    names_res = prf(tp, fp, fn)
    names_res["sentences"] = len(labels) - len(missing)
    ties_res = prf(ttp, tfp, tfn)
    ties_res["sentences"] = names_res["sentences"]
    return {"names": names_res, "ties": ties_res, "missing": missing, "errors": errors[:40]}
