"""The blind evaluation set is frozen: written by someone who never saw the
tagger, committed before any tuning, and never edited afterwards."""

import hashlib
import json
from pathlib import Path

import scrutiny

BLIND = Path(scrutiny.__file__).parent / "evaluation" / "data" / "blind" / "passages.jsonl"
FROZEN_SHA256 = "acabbe81d6eab49a3a289be5fdf0512c3d0b1934247a47f3c54e347493fdef68"

RELATIONS = {"position", "member_of", "authored", "commissioned", "published", "funded", "provides", "part_of"}
KINDS = {"statistic", "commitment", "recommendation", "assessment"}
NAME_KINDS = {"person", "organisation", "document", "programme"}


def test_blind_set_is_unchanged():
    assert hashlib.sha256(BLIND.read_bytes()).hexdigest() == FROZEN_SHA256, (
        "the frozen blind set changed: write a new blind set instead of editing this one"
    )


def test_blind_set_is_well_formed():
    rows = [json.loads(line) for line in BLIND.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 40
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
