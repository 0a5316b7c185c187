"""Measure the taggers against the labelled data (``scrutiny eval ...``).

- :func:`eval_claims`: cross-validated precision/recall/F1 per claim kind on the
  training split, and the same figures on the held-out split (our own held-out
  sentences, the held-out part of the reference article, and the real
  government documents when ``../shared/real-documents`` is present), with a
  model trained on the training split only.
- :func:`eval_stakeholders`: name precision/recall on ``names_ties.jsonl``
  (and the reference article's labelled names when present).
- :func:`eval_ties`: tie precision/recall on ``names_ties.jsonl``.

Everything here is measured through the same components the tagger uses.
"""

from __future__ import annotations

from collections import defaultdict

from scrutiny.evaluation.scores import key, prf, score_kinds


def _base_nlp(model=None):
    from scrutiny.nlp.pipeline import build_tagger

    return build_tagger(model, warn=True, train=False)


def _predict(model, feats, hits, texts=None, min_confidence: float = 0.0):
    """The kinds the tagger gives each sentence: the model's, then the same
    sentence-level rules the tagger applies (``apply_shape``); with
    ``min_confidence``, only the kinds whose stored (calibrated) confidence reaches it."""
    from scrutiny.nlp.calibration import calibrated
    from scrutiny.nlp.claim_model import combine
    from scrutiny.nlp.claim_rules import apply_shape

    texts = texts or [""] * len(feats)
    return [{k for k, (c, _s) in apply_shape({"rules": h, "scores": p}, combine(p, h, model.thresholds), t).items()
             if not min_confidence or calibrated("claims", c) >= min_confidence}
            for p, h, t in zip(model.predict_proba(feats), hits, texts)]


def eval_claims(model: str | None = None, folds: int = 5, tagger=None, real_documents: bool = True,
                min_confidence: float = 0.0) -> dict:
    from sklearn.model_selection import KFold

    from scrutiny.nlp.claim_model import ClaimModel, featurise
    from scrutiny.nlp.claim_rules import decide
    from scrutiny.nlp.labels import claim_examples, dev_claim_examples
    from scrutiny.nlp.pipeline import CLAIM_MODEL_PARSE, claim_inputs

    tagger = tagger or _base_nlp(model)
    # the dev passages' sentences train as the tagger's model does (their own figures
    # come from grouped cross-validation: scrutiny eval dev --grouped)
    examples = claim_examples() + dev_claim_examples()
    inputs = claim_inputs(tagger.nlp, [e.text for e in examples])
    hits = [h for h, _p in inputs]
    feats = [featurise(e.text, h, p if CLAIM_MODEL_PARSE else ()) for e, (h, p) in zip(examples, inputs)]
    train_idx = [i for i, e in enumerate(examples) if e.split == "train"]
    held_idx = [i for i, e in enumerate(examples) if e.split == "heldout"]

    # Cross-validation on the training split.
    gold_cv, pred_cv = [], []
    kf = KFold(n_splits=folds, shuffle=True, random_state=13)
    for tr, te in kf.split(train_idx):
        tr_i = [train_idx[i] for i in tr]
        te_i = [train_idx[i] for i in te]
        m = ClaimModel(parse=CLAIM_MODEL_PARSE).fit([feats[i] for i in tr_i], [set(examples[i].kinds) for i in tr_i])
        pred_cv += _predict(m, [feats[i] for i in te_i], [hits[i] for i in te_i], [examples[i].text for i in te_i])
        gold_cv += [set(examples[i].kinds) for i in te_i]

    final = ClaimModel(parse=CLAIM_MODEL_PARSE).fit([feats[i] for i in train_idx], [set(examples[i].kinds) for i in train_idx])
    groups = defaultdict(list)
    for i in held_idx:
        groups[examples[i].origin].append(i)
        groups["all"].append(i)
    heldout = {}
    for name, idx in groups.items():
        pred = _predict(final, [feats[i] for i in idx], [hits[i] for i in idx], [examples[i].text for i in idx])
        heldout[name] = score_kinds([set(examples[i].kinds) for i in idx], pred)
        heldout[name]["_sentences"] = len(idx)
        if min_confidence:
            shown = _predict(final, [feats[i] for i in idx], [hits[i] for i in idx], [examples[i].text for i in idx],
                             min_confidence=min_confidence)
            heldout[f"{name}, shown at >= {min_confidence:.2f}"] = {
                **score_kinds([set(examples[i].kinds) for i in idx], shown), "_sentences": len(idx)}
    rules_only = score_kinds([set(examples[i].kinds) for i in held_idx],
                             [set(decide(hits[i])) for i in held_idx])
    result = {
        "model": tagger.model_name,
        "train_sentences": len(train_idx),
        "heldout_sentences": len(held_idx),
        "by_origin": dict(sorted(_count_origins(examples).items())),
        "cross_validated": score_kinds(gold_cv, pred_cv),
        "heldout": heldout,
        "heldout_rules_only": rules_only,
    }
    if real_documents:
        from scrutiny.evaluation.real_documents import eval_real_documents

        result["real_documents"] = eval_real_documents(tagger, final)
    return result


def _count_origins(examples):
    counts = defaultdict(int)
    for e in examples:
        counts[f"{e.origin}/{e.split}"] += 1
    return counts


# --- stakeholders and ties ----------------------------------------------------------

def _identity(tagger):
    """With curated names, a name is scored by the stakeholder it stands for
    ("IAPT services" and "IAPT" are one curated programme); otherwise by its key."""
    alias = {}
    for sid, _kind, surface in tagger.names:
        alias.setdefault(key(surface), sid)

    def ident(text, kb_id=""):
        if kb_id:
            return "id:" + kb_id
        k = key(text)
        return "id:" + alias[k] if k in alias else k

    return ident


def _tag_sentences(tagger, texts):
    return list(tagger.nlp.pipe(texts, batch_size=64))


def _real(tagger, names, what: str):
    from scrutiny.evaluation.real_documents import eval_real_names_ties
    from scrutiny.kb.model import KnowledgeBase, Stakeholder
    from scrutiny.kb.view import Curated

    # The curated names the tagger was given, so that their ids resolve to names.
    stakeholders: dict[str, Stakeholder] = {}
    for sid, kind, surface in tagger.names:
        entry = stakeholders.setdefault(sid, Stakeholder(id=sid, name=surface, kind=kind))
        if surface != entry.name:
            entry.aliases.append(surface)
    r = eval_real_names_ties(tagger, Curated(kb=KnowledgeBase(stakeholders=stakeholders)))
    if "skipped" in r:
        return {"skipped": r["skipped"]}
    out = dict(r[what])
    out["errors"] = [e for e in r["errors"] if e[0].startswith("tie") == (what == "ties")]
    return out


def eval_stakeholders(model: str | None = None, tagger=None, names=(), real_documents: bool = True) -> dict:
    """Name P/R: a predicted name counts when its key equals a labelled name's key."""
    from scrutiny.nlp.labels import names_ties_examples, reference_names_ties
    from scrutiny.nlp.pipeline import build_tagger
    from scrutiny.nlp.spans import stakeholder_spans

    tagger = tagger or build_tagger(model, names=names, warn=True)
    rows = names_ties_examples() + reference_names_ties()
    out = {"model": tagger.model_name, "curated_names": len(tagger.names)}
    ident = _identity(tagger)

    for split in ("dev", "heldout", "reference"):
        sel = [r for r in rows if r["split"] == split]
        if not sel:
            out[split] = {"skipped": "reference article not found"} if split == "reference" else {}
            continue
        tp = fp = fn = 0
        kind_ok = kind_n = 0
        errors = []
        for row, doc in zip(sel, _tag_sentences(tagger, [r["text"] for r in sel])):
            gold = {ident(n): k for n, k in row["names"].items()}
            pred = {}
            for s in stakeholder_spans(doc):
                pred.setdefault(ident(s.text, s.kb_id_), s.label_)
            for k in pred:
                if k in gold:
                    tp += 1
                    kind_n += 1
                    kind_ok += pred[k] == gold[k]
                else:
                    fp += 1
                    errors.append(("fp", row["ref"], k))
            for k in gold:
                if k not in pred:
                    fn += 1
                    errors.append(("fn", row["ref"], k))
        res = prf(tp, fp, fn)
        res["kind_accuracy"] = round(kind_ok / kind_n, 3) if kind_n else 0.0
        res["sentences"] = len(sel)
        res["errors"] = errors[:40]
        out[split] = res
    if real_documents:
        out["real_documents"] = _real(tagger, names, "names")
    return out


def eval_ties(model: str | None = None, tagger=None, names=(), real_documents: bool = True) -> dict:
    """Tie P/R: (subject key, relation, object key) triples per sentence."""
    from scrutiny.nlp.labels import names_ties_examples, reference_names_ties
    from scrutiny.nlp.pipeline import build_tagger

    tagger = tagger or build_tagger(model, names=names, warn=True)
    rows = names_ties_examples() + reference_names_ties()
    out = {"model": tagger.model_name, "curated_names": len(tagger.names)}
    ident = _identity(tagger)
    for split in ("dev", "heldout", "reference"):
        sel = [r for r in rows if r["split"] == split]
        if not sel:
            out[split] = {"skipped": "reference article not found"} if split == "reference" else {}
            continue
        tp = fp = fn = 0
        errors = []
        per_rel = defaultdict(lambda: [0, 0, 0])
        for row, doc in zip(sel, _tag_sentences(tagger, [r["text"] for r in sel])):
            gold = {(ident(s), r, ident(o)) for s, r, o in row.get("ties", [])}
            pred = {(ident(t["subject"]["text"], t["subject"]["kb_id"]), t["relation"],
                     ident(t["object"]["text"], t["object"]["kb_id"])) for t in doc._.ties or []}
            for t in pred:
                if t in gold:
                    tp += 1
                    per_rel[t[1]][0] += 1
                else:
                    fp += 1
                    per_rel[t[1]][1] += 1
                    errors.append(("fp", row["ref"], t))
            for t in gold - pred:
                fn += 1
                per_rel[t[1]][2] += 1
                errors.append(("fn", row["ref"], t))
        res = prf(tp, fp, fn)
        res["by_relation"] = {rel: prf(*v) for rel, v in sorted(per_rel.items())}
        res["sentences"] = len(sel)
        res["errors"] = errors[:40]
        out[split] = res
    if real_documents:
        out["real_documents"] = _real(tagger, names, "ties")
    return out
