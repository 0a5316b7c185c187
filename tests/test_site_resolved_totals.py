"""The suggested stakeholders' totals the site keeps by stakeholder
(``SiteTags.resolved_totals``, the record ``site-resolved-totals``): moved by the
counts of the documents whose rows moved only, and always what adding up every
document's counts gives."""

from __future__ import annotations

import pytest

from scrutiny.site.tags import SiteTags, TotalsStats
from scrutiny.tags import queries
from scrutiny.tags.queries import DocumentMentions


def _tags(monkeypatch, corpus: dict, asked: list):
    """A SiteTags reading ``corpus`` ({doc id: [(stakeholder id, mentions, passages)]})
    as the tagging stage's resolved mentions."""
    def resolved(store, doc_ids=None):
        asked.append(None if doc_ids is None else sorted(doc_ids))
        return [DocumentMentions(sid, d, n, p) for d, rows in sorted(corpus.items())
                if doc_ids is None or d in doc_ids for sid, n, p in rows]

    monkeypatch.setattr(queries, "resolved_mentions", resolved)
    tags = SiteTags(None)
    tags.run = object()
    return tags


def _by_hand(corpus: dict, least: int) -> dict:
    """The totals of the stakeholders some document names at least ``least`` times."""
    out: dict = {}
    for rows in corpus.values():
        for sid, n, _p in rows:
            t = out.setdefault(sid, [0, 0])
            t[0] += n
            t[1] += n >= least
    return {sid: tuple(t) for sid, t in out.items() if t[1] > 0}


@pytest.mark.parametrize("least", [1, 3])
def test_totals_move_with_the_documents_that_moved_only(tmp_path, monkeypatch, least):
    corpus = {f"d{i:03d}": [("heron", 1 + i % 4, 1), ("osprey", 3, 2)] for i in range(120)}
    corpus["d000"].append(("kestrel", 5, 3))
    asked: list = []
    tags = _tags(monkeypatch, corpus, asked)
    cache = tmp_path / "site-resolved.json"
    fps = {d: ["p" + d, "t1"] for d in corpus}
    assert tags.resolved_totals(fps, cache, least) == _by_hand(corpus, least)
    assert asked == [None]

    # one document added, one changed (a stakeholder it no longer names), one removed
    corpus["d500"] = [("heron", 7, 4), ("plover", 2, 1)]
    corpus["d001"] = [("osprey", 1, 1)]
    del corpus["d000"]
    fps = {d: ["p" + d, "t2" if d == "d001" else "t1"] for d in corpus}
    got = SiteTags.resolved_totals(_tags(monkeypatch, corpus, asked), fps, cache, least)
    assert got == _by_hand(corpus, least) and "kestrel" not in got
    assert asked[-1] == ["d001", "d500"]
    # the stakeholders of the moved documents, before or after: not every stakeholder's totals
    assert TotalsStats.moved == 4     # heron, osprey, plover and kestrel (d000's, gone)

    # nothing moved: nothing read, no total moved
    assert tags.resolved_totals(fps, cache, least) == _by_hand(corpus, least)
    assert asked[-1] == ["d001", "d500"] and len(asked) == 2 and TotalsStats.moved == 0

    # another threshold: the totals made again from every kept count, none read
    other = 2 if least != 2 else 1
    assert tags.resolved_totals(fps, cache, other) == _by_hand(corpus, other)
    assert len(asked) == 2
