"""Scoring the tagger on sets of labelled passages (the blind set and our dev set).

A passage set is a JSON Lines file, one passage a line:

``{"id", "doc", "style", "text", "names": {surface: kind}, "ties": [[subject,
relation, object]], "sentences": [{"text", "kinds"}], "note"?}``

- ``sentences`` lists every piece of the passage in order (headings, bullets,
  URL lines included), each an exact substring of ``text``, with its claim
  kinds (``[]``: no claim).
- ``names`` keys are surface forms as they stand in the passage (an acronym is
  its own key); honorifics are kept in the keys, post-nominals ("MP") are not.
- ``ties`` use full names, never an acronym; a back-reference ("the review")
  is resolved to the name it stands for earlier in the same passage.

The passages go through the whole tagging stage as a user's documents would:
one scratch store, one document per ``doc``, one passage per line in order,
:func:`scrutiny.tags.write.tag_store` (so document-wide acronyms and the
corpus-wide resolution of names are exercised), no curated names unless asked.

How each is scored (the same for every set):

- **claims**: each of the tagger's claim sentences gives its kinds to the gold
  sentence it overlaps most (by characters); precision, recall and F1 per kind
  over the gold sentences. A tagger sentence running over two gold sentences
  thus counts for one of them only.
- **stakeholders**: per passage, the set of name keys (:func:`name_key`: case,
  articles, possessives, honorifics, a post-nominal "MP" and a year before a
  title do not count) of the names the tagger found, against the gold keys.
  A back-reference the tagger resolved ("the review") is not a name.
  **Kind accuracy**: of the names found, how many have the gold kind (the kind
  of the stakeholder the name was resolved to, as the site shows it).
- **ties**: per passage, the tagger's ties between resolved stakeholders; a
  tie end matches a gold end when the gold name is one of the names the
  tagger resolved to that stakeholder (its name and aliases: an acronym of the
  same stakeholder counts). Each distinct (subject, relation, object) counts once.

``errors=True`` returns the items behind the scores; the blind set's scorer
never asks for them (its items are never looked at one by one).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.evaluation.scores import KINDS, key, prf

DATA = Path(__file__).parent / "data"
BLIND = DATA / "blind" / "passages.jsonl"
BLIND2 = DATA / "blind2" / "passages.jsonl"
# The blind sets, each written by someone who never saw the tagger, frozen
# before any tuning and reported apart: name -> (file, what to call it).
BLIND_SETS = {
    "blind": (BLIND, "BLIND SET 1 (frozen 2026-11-29; written without seeing the tagger; never tuned on)"),
    "blind2": (BLIND2, "BLIND SET 2 (frozen 2026-11-30; a second annotator, written without seeing the tagger; "
                       "never tuned on)"),
}
DEV = DATA / "dev" / "passages.jsonl"

NAME_KINDS = ("person", "organisation", "document", "programme")
RELATIONS = ("position", "member_of", "authored", "commissioned", "published", "funded", "provides", "part_of")

_POST_NOMINAL = re.compile(r"\s+(?:MP|MSP|MS|AM|QC|KC|OBE|MBE|CBE|DBE|FRS)\.?$")
_YEAR_FIRST = re.compile(r"^(?:the\s+)?(?:19|20)\d\d\s+(?=[A-Z])")


def name_key(text: str) -> str:
    """The key a name is scored by: "Dr Ann Lee", "Ann Lee MP" and "ann lee" are one."""
    text = re.sub(r"\s+", " ", text).strip()
    text = _POST_NOMINAL.sub("", text)
    text = _YEAR_FIRST.sub("", text)
    return key(text)


def read_set(path: Path) -> list[dict]:
    """The passages of a set, checked: every sentence an exact substring in order,
    every tie end a name. A malformed line names itself."""
    rows = []
    seen = set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}: not JSON ({e})") from None
        for f in ("id", "doc", "text", "names", "ties", "sentences"):
            if f not in row:
                raise ValueError(f"{where}: no {f!r}")
        if row["id"] in seen:
            raise ValueError(f"{where}: id {row['id']!r} twice")
        seen.add(row["id"])
        pos = 0
        spans = []
        for s in row["sentences"]:
            at = row["text"].find(s["text"], pos)
            if at < 0:
                raise ValueError(f"{where}: sentence not found in order in the text: {s['text'][:60]!r}")
            if set(s["kinds"]) - set(KINDS):
                raise ValueError(f"{where}: unknown claim kinds {sorted(set(s['kinds']) - set(KINDS))}")
            spans.append((at, at + len(s["text"]), frozenset(s["kinds"])))
            pos = at + len(s["text"])
        for name, kind in row["names"].items():
            if kind not in NAME_KINDS:
                raise ValueError(f"{where}: name {name!r} has unknown kind {kind!r}")
        for t in row["ties"]:
            if len(t) != 3 or t[1] not in RELATIONS or t[0] not in row["names"] or t[2] not in row["names"]:
                raise ValueError(f"{where}: tie {t!r}: ends must be names of the passage, relation one of {RELATIONS}")
        row["_spans"] = spans
        rows.append(row)
    return rows


@dataclass
class TaggedPassage:
    """What the tagging stage left for one passage of the set."""

    names: dict = field(default_factory=dict)        # name key -> kind shown (the stakeholder's)
    name_confidence: dict = field(default_factory=dict)  # name key -> the highest confidence of its mentions
    ties: set = field(default_factory=set)           # (subject id, relation, object id, confidence)
    claims: list = field(default_factory=list)       # (start, end, {kind: confidence})
    forms: dict = field(default_factory=dict)        # stakeholder id -> name keys it goes by


def tag_set(rows: list[dict], tagger, curated=None) -> dict[str, TaggedPassage]:
    """Run the tagging stage over the set on a scratch store; ``{passage id: TaggedPassage}``."""
    import tempfile
    from types import SimpleNamespace

    from scrutiny.kb.view import Curated
    from scrutiny.passages import Passage, passage_id
    from scrutiny.store import Store
    from scrutiny.tags import queries
    from scrutiny.tags.write import tag_store

    curated = curated or Curated()
    out: dict[str, TaggedPassage] = {}
    with tempfile.TemporaryDirectory(prefix="scrutiny-eval-") as tmp:
        store = Store(f"{tmp}/store.db")
        ids = {}
        with store.transaction():
            by_doc = defaultdict(list)
            for row in rows:
                by_doc[row["doc"]].append(row)
            for doc_id, doc_rows in by_doc.items():
                store.upsert_document({"id": doc_id, "title": doc_id, "kind": "policy"})
                passages = []
                for row in doc_rows:
                    pid = f"{passage_id(doc_id, row['text'])}-{len(passages)}"
                    ids[pid] = row["id"]
                    passages.append(Passage(id=pid, doc_id=doc_id, ord=len(passages), kind="paragraph",
                                            page=1, page_end=1, text=row["text"]))
                store.replace_passages(doc_id, passages)
        tag_store(SimpleNamespace(spacy_model=None, index_location=None), store, tagger=tagger, curated=curated, n_process=1)
        kinds = {e.id: e.kind for e in queries.extracted_stakeholders(store)}
        forms = {e.id: {name_key(n) for n in [e.name, *e.aliases]} for e in queries.extracted_stakeholders(store)}
        for sid, s in curated.stakeholders.items():
            kinds[sid] = s.kind
            forms[sid] = {name_key(n) for n in s.names}
        claims = defaultdict(list)
        for c in queries.list_claims(store):
            claims[c.passage_id].append(c)
        for pid, rid in ids.items():
            tp = out.setdefault(rid, TaggedPassage())
            for m in queries.mentions(store, pid):
                sid = m.stakeholder_id or m.curated_id
                if sid is not None:
                    tp.forms.setdefault(sid, set()).add(name_key(m.text))
                if m.source == "coref" or sid is None:
                    continue  # a back-reference ("the review") is not a name
                tp.names.setdefault(name_key(m.text), kinds.get(sid, m.kind))
                k = name_key(m.text)
                tp.name_confidence[k] = max(tp.name_confidence.get(k, 0.0), float(m.confidence))
            for c in queries.tie_candidates(store, pid):
                if c.tie_id is not None:
                    tp.ties.add((c.subject_id, c.relation, c.object_id, c.confidence))
            for c in claims.get(pid, []):
                tp.claims.append((c.start, c.end, {k: float(d.get("confidence", c.confidence))
                                                   for k, d in c.details.items()}))
            for sid in list(tp.forms):
                tp.forms[sid] |= forms.get(sid, set())
        store.close()
    return out


def _assign_claims(spans, claims, min_confidence: float) -> list[set]:
    """Kinds per gold sentence: each tagger sentence to the gold sentence it overlaps most."""
    pred = [set() for _ in spans]
    for start, end, kinds in claims:
        kinds = {k for k, c in kinds.items() if c >= min_confidence}
        if not kinds:
            continue
        overlaps = [max(0, min(end, b) - max(start, a)) for a, b, _ in spans]
        best = max(overlaps, default=0)
        if best <= 0:
            continue
        pred[overlaps.index(best)] |= kinds
    return pred


def score_set(rows: list[dict], tagged: dict[str, TaggedPassage], min_confidence: float = 0.0,
              errors: bool = False) -> dict:
    """Scores of a tagged set (see the module's docstring for what each means)."""
    gold_kinds, pred_kinds, claim_items = [], [], []
    ntp = nfp = nfn = 0
    kind_ok = kind_n = 0
    kind_confusion = defaultdict(int)
    ttp = tfp = tfn = 0
    per_rel = defaultdict(lambda: [0, 0, 0])
    name_items, tie_items = [], []
    for row in rows:
        tp_ = tagged.get(row["id"]) or TaggedPassage()
        spans = row["_spans"]
        pred = _assign_claims(spans, tp_.claims, min_confidence)
        for (a, b, gold), p in zip(spans, pred):
            gold_kinds.append(set(gold))
            pred_kinds.append(p)
            if errors and set(gold) != p:
                claim_items.append((row["id"], row["text"][a:b], sorted(gold), sorted(p)))
        gold_names = {name_key(n): k for n, k in row["names"].items()}
        for k, kind in tp_.names.items():
            if k in gold_names:
                ntp += 1
                kind_n += 1
                kind_ok += kind == gold_names[k]
                if kind != gold_names[k]:
                    kind_confusion[f"{gold_names[k]}->{kind}"] += 1
                    if errors:
                        name_items.append(("kind", row["id"], k, gold_names[k], kind))
            else:
                nfp += 1
                if errors:
                    name_items.append(("fp", row["id"], k, kind))
        for k in gold_names:
            if k not in tp_.names:
                nfn += 1
                if errors:
                    name_items.append(("fn", row["id"], k, gold_names[k]))
        gold_ties = {(name_key(s), r, name_key(o)) for s, r, o in row["ties"]}
        pred_ties = {}
        for sid, rel, oid, conf in tp_.ties:
            if conf < min_confidence:
                continue
            s_forms, o_forms = tp_.forms.get(sid, set()), tp_.forms.get(oid, set())
            match = next((g for g in sorted(gold_ties) if g[1] == rel and g[0] in s_forms and g[2] in o_forms), None)
            pred_ties.setdefault(match or (sid, rel, oid), rel)
        for t, rel in pred_ties.items():
            if t in gold_ties:
                ttp += 1
                per_rel[rel][0] += 1
            else:
                tfp += 1
                per_rel[rel][1] += 1
                if errors:
                    tie_items.append(("fp", row["id"], t))
        for t in gold_ties - set(pred_ties):
            tfn += 1
            per_rel[t[1]][2] += 1
            if errors:
                tie_items.append(("fn", row["id"], t))
    from scrutiny.evaluation.scores import score_kinds

    claims = score_kinds(gold_kinds, pred_kinds)
    names = prf(ntp, nfp, nfn)
    names["kind_accuracy"] = round(kind_ok / kind_n, 3) if kind_n else 0.0
    names["kinds_wrong"] = dict(sorted(kind_confusion.items()))
    ties = prf(ttp, tfp, tfn)
    ties["by_relation"] = {rel: prf(*v) for rel, v in sorted(per_rel.items())}
    out = {
        "passages": len(rows),
        "sentences": len(gold_kinds),
        "names_gold": sum(len(r["names"]) for r in rows),
        "ties_gold": sum(len(r["ties"]) for r in rows),
        "min_confidence": min_confidence,
        "claims": claims,
        "stakeholders": names,
        "ties": ties,
    }
    if errors:
        out["errors"] = {"claims": claim_items, "names": name_items, "ties": tie_items}
    return out


def confidence_pairs(rows: list[dict], tagged: dict[str, TaggedPassage]) -> dict[str, list[tuple[float, bool]]]:
    """(confidence, right?) of every machine tag of a set: each claim kind of each
    tagger sentence, each name, each tie (for calibration and reliability tables)."""
    out = {"claims": [], "names": [], "ties": []}
    for row in rows:
        tp_ = tagged.get(row["id"]) or TaggedPassage()
        spans = row["_spans"]
        for start, end, kinds in (tp_.claims if spans else []):
            overlaps = [max(0, min(end, b) - max(start, a)) for a, b, _ in spans]
            best = max(overlaps, default=0)
            gold = spans[overlaps.index(best)][2] if best > 0 else frozenset()
            for kind, conf in kinds.items():
                out["claims"].append((conf, kind in gold))
        gold_names = {name_key(n) for n in row["names"]}
        for k, conf in tp_.name_confidence.items():
            out["names"].append((conf, k in gold_names))
        gold_ties = {(name_key(s), r, name_key(o)) for s, r, o in row["ties"]}
        for sid, rel, oid, conf in tp_.ties:
            s_forms, o_forms = tp_.forms.get(sid, set()), tp_.forms.get(oid, set())
            right = any(g[1] == rel and g[0] in s_forms and g[2] in o_forms for g in gold_ties)
            out["ties"].append((conf, right))
    return out


def reliability(pairs: list[tuple[float, bool]], edges=(0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[dict]:
    """Tags grouped by confidence: how many, their mean confidence, how many were right."""
    out = []
    for lo, hi in zip(edges, edges[1:]):
        sel = [(c, r) for c, r in pairs if lo <= c < hi]
        if sel:
            out.append({"from": lo, "to": min(hi, 1.0), "n": len(sel),
                        "mean_confidence": round(sum(c for c, _ in sel) / len(sel), 3),
                        "right": round(sum(r for _, r in sel) / len(sel), 3)})
    return out


def eval_set(path: Path, tagger=None, model: str | None = None, names=(), min_confidence: float = 0.0,
             errors: bool = False, tagged=None, ids: str = "") -> dict:
    """Tag the set at ``path`` and score it. Without ``tagger``, one is built
    with ``names`` as its only curated names (none: as for text the knowledge
    base has never seen). ``ids``: only the passages whose id starts with it."""
    from scrutiny.nlp.pipeline import build_tagger

    rows = [r for r in read_set(path) if r["id"].startswith(ids)]
    if not rows:
        raise ValueError(f"{path}: no passage id starts with {ids!r}")
    if tagged is None:
        tagger = tagger or build_tagger(model, names=list(names), warn=True)
        curated = _curated_from(tagger.names)
        tagged = tag_set(rows, tagger, curated)
    result = score_set(rows, tagged, min_confidence=min_confidence, errors=errors)
    result["reliability"] = {what: reliability(pairs) for what, pairs in confidence_pairs(rows, tagged).items()}
    result["model"] = tagger.model_name if tagger is not None else None
    result["curated_names"] = len(tagger.names) if tagger is not None else 0
    return result


def eval_blind(tagger=None, model: str | None = None, min_confidence: float = 0.0, which: str = "blind") -> dict:
    """A frozen blind set's aggregate scores (``which``: a key of :data:`BLIND_SETS`).
    Never the items behind them: a blind set is only ever looked at in
    aggregate, so that nothing is tuned on it."""
    path, _title = BLIND_SETS[which]
    result = eval_set(path, tagger=tagger, model=model, min_confidence=min_confidence, errors=False)
    # The headline figures only: no breakdown small enough to point at single items.
    result["ties"].pop("by_relation", None)
    result["stakeholders"].pop("kinds_wrong", None)
    result["set"] = which
    return result


def eval_dev(tagger=None, model: str | None = None, min_confidence: float = 0.0, errors: bool = False,
             ids: str = "") -> dict:
    """Our own development set, written in the blind set's styles and format
    (``ids``: only the passages whose id starts with it, e.g. "e" for the third
    annotator's passages)."""
    if not DEV.is_file():
        return {"skipped": f"no dev set at {DEV}"}
    result = eval_set(DEV, tagger=tagger, model=model, min_confidence=min_confidence, errors=errors, ids=ids)
    result["set"] = "dev"
    return result


def _curated_from(names):
    """A plain view holding the curated names a tagger was given (so that their ids resolve)."""
    from scrutiny.kb.model import KnowledgeBase, Stakeholder
    from scrutiny.kb.view import Curated

    stakeholders: dict[str, Stakeholder] = {}
    for sid, kind, surface in names:
        entry = stakeholders.setdefault(sid, Stakeholder(id=sid, name=surface, kind=kind))
        if surface != entry.name:
            entry.aliases.append(surface)
    return Curated(kb=KnowledgeBase(stakeholders=stakeholders))
