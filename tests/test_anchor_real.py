"""Re-anchoring on a real government PDF revised at random (seeded): small
wording edits re-anchor to the edited paragraph, changed figures and deleted
paragraphs become orphans, and nothing points at other text."""

from __future__ import annotations

import copy
import random
import re

from scrutiny.anchor import OldText, reanchor
from scrutiny.passages import make_passages, normalise


def test_random_revision_of_a_real_document(real_pdfs):
    from scrutiny.readers import read

    doc = read(real_pdfs[-1])
    old = make_passages("real", doc.blocks)
    rng = random.Random(20261126)
    expected = {}  # old text -> "edited text" | "orphan"
    blocks = []
    for block in doc.blocks:
        b = copy.copy(b0 := block)
        r = rng.random()
        if r < 0.08 and " the " in b.text and len(b.text.split()) >= 12:
            b.text = b.text.replace(" the ", " this ", 1)              # a harmless edit
            expected[" ".join(b0.text.split())] = " ".join(b.text.split())
        elif r < 0.12 and re.search(r"\b\d{2,}\b", b.text):
            b.text = re.sub(r"\b(\d{2,})\b", lambda m: str(int(m.group(1)) + 1), b.text, count=1)
            expected[" ".join(b0.text.split())] = "orphan"             # a figure changed
        elif r < 0.16:
            expected[" ".join(b0.text.split())] = "orphan"             # deleted
            continue
        blocks.append(b)
    new = make_passages("real", blocks)
    new_ids = {p.id for p in new}
    gone = [
        OldText(id=p.id, text=p.text, ord=p.ord, kind=p.kind,
                prefix=old[i - 1].text if i else "", suffix=old[i + 1].text if i + 1 < len(old) else "")
        for i, p in enumerate(old) if p.id not in new_ids
    ]
    results = reanchor(gone, new, existing_ids={p.id for p in old} & new_ids)
    by_new = {p.id: p for p in new}
    by_old = {p.id: p for p in old}
    checked = {"fuzzy": 0, "orphan": 0}
    for r in results:
        text = by_old[r.old_id].text
        want = expected.get(text)
        if want is None or any(normalise(p.text) == normalise(text) for p in new):
            continue  # a duplicate (ids compare normalised text) whose twin survived: exact, not checked here
        if want == "orphan":
            assert r.new_id is None, (text[:80], by_new[r.new_id].text[:80])
            checked["orphan"] += 1
        else:
            assert r.method == "fuzzy" and by_new[r.new_id].text == want, (r, text[:80])
            checked["fuzzy"] += 1
    assert checked["fuzzy"] >= 10 and checked["orphan"] >= 10, checked
