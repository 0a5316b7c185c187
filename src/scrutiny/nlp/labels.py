"""The labelled data in ``scrutiny/nlp/data`` (our own writing, plus references).

Claim kinds:

- ``claims_train.tsv`` - our own policy-style sentences (``kinds<TAB>sentence``,
  kinds comma-separated or ``-`` for none). These train the classifier.
- ``claims_heldout.tsv`` - our own sentences written separately, never used for
  training nor for writing rules: the held-out evaluation set.
- ``claims_reference.tsv`` - sentences of the reference article, referenced by
  character offsets into ``../shared/reference/<file>`` with a hash of the text
  to check the offsets still hold; the ``split`` column says train or heldout.
  The article is read at load time; without it these rows are skipped.

Names and ties: ``names_ties.jsonl``, one of our own sentences per line with the
stakeholder names it contains (``{name: kind}``) and its ties
(``[subject, relation, object]``); ``split`` is ``dev`` (seen while writing
the rules) or ``heldout``.

``names_reference.jsonl`` labels the stakeholder names (and a few ties) of
reference-article sentences by offsets, like ``claims_reference.tsv``; it is an
evaluation set only.

The dev passages (``scrutiny/evaluation/data/dev/passages.jsonl``, five groups
of passages by id prefix, four written by independent annotators) train the claim
model too: every sentence entry with its gold kinds (:func:`dev_claim_examples`).
Their figures are then reported by grouped cross-validation (one group left out,
``scrutiny eval dev --grouped``). The blind sets beside them are never read here.

Real documents: ``real_documents.tsv`` refers to units of the government PDFs in
``../shared/real-documents/`` by numbered-paragraph label or by a hash of the
normalised sentence (never by copying), with their kinds.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
# The dev passages (never the blind sets beside them): their sentence entries train the claim model.
DEV_PASSAGES = Path(__file__).resolve().parent.parent / "evaluation" / "data" / "dev" / "passages.jsonl"
REFERENCE_NAME = "cotton-soundings-futures-mental-health.txt"


@dataclass(frozen=True)
class Example:
    text: str
    kinds: frozenset
    origin: str        # own | reference
    split: str         # train | heldout
    ref: str           # file:line or file:start-end


def text_hash(text: str) -> str:
    norm = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


def _kinds(field: str) -> frozenset:
    field = field.strip()
    if field in ("", "-"):
        return frozenset()
    return frozenset(k.strip() for k in field.split(",") if k.strip())


def read_tsv_claims(path: Path, split: str) -> list[Example]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kinds, _, text = line.partition("\t")
        if not text.strip():
            raise ValueError(f"{path}:{n}: expected 'kinds<TAB>sentence'")
        out.append(Example(text.strip(), _kinds(kinds), "own", split, f"{path.name}:{n}"))
    return out


def reference_dir() -> Path | None:
    """../shared/reference beside the checkout, when present."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "shared" / "reference"
        if (cand / REFERENCE_NAME).is_file():
            return cand
        cand = parent.parent / "shared" / "reference"
        if (cand / REFERENCE_NAME).is_file():
            return cand
    return None


def real_documents_dir() -> Path | None:
    ref = reference_dir()
    if ref is not None and (ref.parent / "real-documents").is_dir():
        return ref.parent / "real-documents"
    return None


def read_reference_claims(path: Path, reference_text: str | None) -> list[Example]:
    if reference_text is None:
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        start, end, kinds, split, check = line.split("\t")[:5]
        text = reference_text[int(start):int(end)]
        if text_hash(text) != check.strip():
            continue  # the article changed: the offsets no longer hold
        out.append(Example(text, _kinds(kinds), "reference", split.strip(), f"{REFERENCE_NAME}:{start}-{end}"))
    return out


def claim_examples(include_reference: bool = True) -> list[Example]:
    examples = read_tsv_claims(DATA / "claims_train.tsv", "train")
    examples += read_tsv_claims(DATA / "claims_heldout.tsv", "heldout")
    if include_reference:
        ref = reference_dir()
        if ref is not None and (DATA / "claims_reference.tsv").is_file():
            text = (ref / REFERENCE_NAME).read_text(encoding="utf-8")
            examples += read_reference_claims(DATA / "claims_reference.tsv", text)
    return examples


def dev_group(passage_id: str) -> str:
    """The group a dev passage belongs to: the first letter of its id (one writer each)."""
    return passage_id[:1]


def dev_claim_examples(path: Path | None = None) -> list[Example]:
    """Every sentence entry of the dev passages with its gold kinds (``[]``: no claim),
    origin ``dev``, ref ``dev:<passage id>`` (its group is :func:`dev_group` of the id).
    A line that is not a passage names the file and line."""
    path = Path(path) if path is not None else DEV_PASSAGES
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pid = row["id"]
            entries = row["sentences"]
            for s in entries:
                text = s["text"].strip()
                if text:
                    out.append(Example(text, frozenset(s["kinds"]), "dev", "train", f"dev:{pid}"))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{n}: not a labelled passage ({e.__class__.__name__}: {e})") from None
    return out


def example_group(example: Example) -> str | None:
    """The dev group a training example comes from, or None (our sentences, the article)."""
    if example.origin == "dev" and example.ref.startswith("dev:"):
        return dev_group(example.ref[4:])
    return None


def training_examples(leave_out: str | None = None, dev_path: Path | None = None) -> list[Example]:
    """What the claim model trains on: our training sentences, the reference article's
    training half, and every dev passage's sentence entries; with ``leave_out`` (a dev
    group, e.g. "g"), without that group's (grouped cross-validation)."""
    examples = [e for e in claim_examples() if e.split == "train"]
    examples += [e for e in dev_claim_examples(dev_path) if leave_out is None or example_group(e) != leave_out]
    return examples


def names_ties_examples() -> list[dict]:
    path = DATA / "names_ties.jsonl"
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            row = json.loads(line)
            row["ref"] = f"{path.name}:{n}"
            out.append(row)
    return out


def reference_names_ties() -> list[dict]:
    """Labelled names and ties of reference-article sentences (by offsets), or [] without the article."""
    path = DATA / "names_reference.jsonl"
    ref = reference_dir()
    if ref is None or not path.is_file():
        return []
    text = (ref / REFERENCE_NAME).read_text(encoding="utf-8")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        sentence = text[row["start"]:row["end"]]
        if text_hash(sentence) != row["check"]:
            continue  # the article changed: the offsets no longer hold
        # Long names (seven words or more) are given as "@start-end" within the sentence.
        names = {}
        for name, kind in row["names"].items():
            if name.startswith("@"):
                a, b = (int(x) for x in name[1:].split("-"))
                name = sentence[a:b]
            names[name] = kind
        out.append({"text": sentence, "names": names, "ties": row.get("ties", []),
                    "split": "reference", "ref": f"{REFERENCE_NAME}:{row['start']}-{row['end']}"})
    return out


def data_fingerprint() -> str:
    h = hashlib.sha1()
    for path in sorted(DATA.glob("claims_*.tsv")) + sorted(DATA.glob("calibration.json")) + [DEV_PASSAGES]:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]
