"""The blind evaluation sets are frozen: each written by someone who never saw
the tagger, committed before any tuning, and never edited afterwards."""

import hashlib
import json
from pathlib import Path

import pytest

import scrutiny

DATA = Path(scrutiny.__file__).parent / "evaluation" / "data"
FROZEN = {  # file -> its SHA-256 when it was frozen
    DATA / "blind" / "passages.jsonl": "acabbe81d6eab49a3a289be5fdf0512c3d0b1934247a47f3c54e347493fdef68",
    DATA / "blind2" / "passages.jsonl": "a438eb3074add3a048f215ca949b89d756f1eb8c63d0760fdb1b3a1bc5b3411f",
}

RELATIONS = {"position", "member_of", "authored", "commissioned", "published", "funded", "provides", "part_of"}
KINDS = {"statistic", "commitment", "recommendation", "assessment"}
NAME_KINDS = {"person", "organisation", "document", "programme"}


@pytest.mark.parametrize("path", list(FROZEN), ids=lambda p: p.parent.name)
def test_blind_set_is_unchanged(path):
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FROZEN[path], (
        f"the frozen blind set {path.parent.name} changed: write a new blind set instead of editing this one"
    )


@pytest.mark.parametrize("path", list(FROZEN), ids=lambda p: p.parent.name)
def test_blind_set_is_well_formed(path):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 40
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        text = row["text"]
        pos = 0
        for s in row["sentences"]:
            at = text.find(s["text"], pos)
            assert at >= 0, (row["id"], s["text"])
            pos = at + len(s["text"])
            assert set(s["kinds"]) <= KINDS
        assert set(row["names"].values()) <= NAME_KINDS
        for subj, rel, obj in row["ties"]:
            assert rel in RELATIONS and subj in row["names"] and obj in row["names"], (row["id"], subj, rel, obj)
