"""The site build's notes name a few documents and count the rest: at 10,000
documents "long documents shown in parts" listed 80 of them on one line."""

from __future__ import annotations

from types import SimpleNamespace

from scrutiny.site.generators import NOTE_LISTED, build_notes


def _ctx(n_docs):
    docs = [{"id": f"doc{i:03d}", "ingested": True} for i in range(n_docs)]
    return SimpleNamespace(redirects=[], documents=docs, docs_by_id={d["id"]: d for d in docs},
                           claims=[1], stakeholders={"a": 1}, essays=[1])


def _dv(split_docs, withheld=()):
    parts = {f"doc{i:03d}": ["p1", "p2"] if i < split_docs else ["p1"] for i in range(40)}
    return SimpleNamespace(withheld=set(withheld), parts=parts, shown_ids=lambda: {})


def test_a_few_long_documents_are_all_named():
    notes = build_notes(_ctx(40), _dv(3))
    assert notes == ["long documents shown in parts: doc000 (2 parts), doc001 (2 parts), doc002 (2 parts)"]


def test_many_long_or_withheld_documents_are_counted():
    n = NOTE_LISTED + 7
    notes = build_notes(_ctx(40), _dv(n, withheld=[f"doc{i:03d}" for i in range(n)]))
    parts = next(x for x in notes if x.startswith("long documents shown in parts: "))
    assert parts.count("(2 parts)") == NOTE_LISTED and parts.endswith(" and 7 more")
    assert f"doc{NOTE_LISTED - 1:03d} (2 parts)" in parts and f"doc{NOTE_LISTED:03d}" not in parts
    withheld = next(x for x in notes if x.startswith("full text not republished"))
    assert withheld.count("cited passages shown") == NOTE_LISTED and withheld.endswith(" and 7 more")
