"""A tagging run after a few documents moved finds what to tag from the documents'
stamps (``scrutiny.tags.write._DocPlan``), without reading every passage id of the
corpus, and tags exactly what a run that reads them all would tag; when the tables
do not keep their promise it reads them all. Our own synthetic text."""

from __future__ import annotations

import pytest

from scrutiny.init import init_project
from scrutiny.project import Project
from scrutiny.store import Store
from scrutiny.tags.write import tag_store

from helpers_tagging import add_document, shared_tagger

DOCS = {
    "harbour": ["The Harbour Wellbeing Board will fund 48 per cent of the new peer support posts by 2027.",
                "Ann Pellow, chair of the Harbour Wellbeing Board, said peer support works when it is paid."],
    "meadow": ["The Meadow Trust commissioned the review.",
               "Commissioners should publish waiting times every month."],
    "harbour-plan": ["Crisis lines answered 30,000 calls in 2025.",
                     "The Lantern Foundation funded the evening service."],
}
NEW = ["Peer Support Works, a charity, says peer support posts should be permanent.",
       "The Harbour Wellbeing Board met Lowmoor Peer Support in May."]


def _rows(store) -> dict:
    db = store.db
    return {
        "tagged": sorted(r[0] for r in db.execute("SELECT passage_id FROM nlp_tagged")),
        "mentions": sorted(tuple(r) for r in db.execute(
            "SELECT passage_id, start, end, text, kind, stakeholder_id FROM nlp_mentions")),
        "claims": sorted(tuple(r) for r in db.execute("SELECT id, text, kinds FROM nlp_claims")),
        "ties": sorted(tuple(r) for r in db.execute(
            "SELECT passage_id, relation, subject_text, object_text FROM nlp_tie_candidates")),
    }


def _count_full_reads(monkeypatch) -> list:
    reads = []
    real = Store.passage_ids

    def counted(self):
        reads.append(1)
        return real(self)

    monkeypatch.setattr(Store, "passage_ids", counted)
    return reads


def _built(tmp_path, name, docs) -> tuple[Project, Store]:
    init_project(tmp_path / name)
    project = Project(tmp_path / name)
    project.ensure_data_dir()
    store = Store(project.store_location)
    with store.transaction():
        for doc_id, texts in docs.items():
            add_document(store, doc_id, texts)
    return project, store


@pytest.mark.parametrize("change", ["added", "revised", "removed"])
def test_a_few_documents_moved_are_planned_from_their_stamps(tmp_path, monkeypatch, change):
    tagger = shared_tagger()
    project, store = _built(tmp_path, "a", DOCS)
    tag_store(project, store, tagger=tagger)        # the first run reads every passage id, and keeps the stamps
    reads = _count_full_reads(monkeypatch)
    with store.transaction():
        if change == "added":
            add_document(store, "orchard", NEW)
        elif change == "revised":   # "harbour" revised: one passage kept, one new ("harbour-plan" shares its prefix)
            add_document(store, "harbour", DOCS["harbour"][:1] + NEW[1:])
        else:
            store.delete_document("harbour")
    summary = tag_store(project, store, tagger=tagger)
    assert reads == []                           # no passage id of the corpus read
    assert summary.passages == (0 if change == "removed" else len(NEW) if change == "added" else 1)
    assert summary.skipped + summary.passages == sum(1 for _ in store.db.execute("SELECT id FROM passages"))
    if change != "added":
        assert summary.removed >= 1

    # the same tags as a store tagged whole from the same passages
    docs = dict(DOCS)
    if change == "added":
        docs["orchard"] = NEW
    elif change == "revised":
        docs["harbour"] = DOCS["harbour"][:1] + NEW[1:]
    else:
        del docs["harbour"]
    other, whole = _built(tmp_path, "b", docs)
    tag_store(other, whole, tagger=tagger)
    assert _rows(store) == _rows(whole)
    assert _rows(store)["tagged"] and _rows(store)["mentions"]
    # and a run with nothing moved does nothing, still without reading every id
    reads.clear()              # (the whole store's first run read its own)
    again = tag_store(project, store, tagger=tagger)
    assert again.passages == 0 and reads == []
    store.close()
    whole.close()


def test_rows_gone_behind_its_back_are_tagged_again(tmp_path, monkeypatch):
    tagger = shared_tagger()
    project, store = _built(tmp_path, "a", DOCS)
    tag_store(project, store, tagger=tagger)
    want = _rows(store)
    with store.transaction():   # another program deleted tags: the stamps no longer tell the truth
        store.db.execute("DELETE FROM nlp_tagged WHERE passage_id LIKE 'meadow-%'")
        store.db.execute("DELETE FROM nlp_claims WHERE passage_id LIKE 'meadow-%'")
        store.db.execute("DELETE FROM nlp_mentions WHERE passage_id LIKE 'meadow-%'")
    reads = _count_full_reads(monkeypatch)
    summary = tag_store(project, store, tagger=tagger)
    assert reads                                  # the count did not match: every passage id read
    assert summary.passages == len(DOCS["meadow"])
    assert _rows(store) == want
    store.close()


def test_passages_written_again_move_the_stamp(tmp_path):
    """A document stored again with the same hash, count and time (as a test's store
    does) still moves: its passages were written again."""
    project, store = _built(tmp_path, "a", DOCS)
    before = store.passage_stamps()
    with store.transaction():
        add_document(store, "meadow", DOCS["meadow"][::-1])
    after = store.passage_stamps()
    assert before["meadow"] != after["meadow"]
    assert before["harbour"] == after["harbour"]
    store.close()


def test_the_plan_is_used_on_both_engines(project_on_engine, monkeypatch):
    """On PostgreSQL too (whose collation of the database's language would sort "-" and
    "." out of a key range) a document added is planned from the stamps."""
    project = project_on_engine
    tagger = shared_tagger()
    store = Store(project.store_location)
    try:
        with store.transaction():
            for doc_id, texts in DOCS.items():
                add_document(store, doc_id, texts)
        tag_store(project, store, tagger=tagger)
        reads = _count_full_reads(monkeypatch)
        with store.transaction():
            ids = add_document(store, "harbour", DOCS["harbour"][:1] + NEW[1:])
        summary = tag_store(project, store, tagger=tagger)
        assert reads == [] and summary.passages == 1 and summary.removed >= 1
        tagged = {r[0] for r in store.db.execute("SELECT passage_id FROM nlp_tagged")}
        assert tagged == {r[0] for r in store.db.execute("SELECT id FROM passages")} and set(ids) <= tagged
    finally:
        store.close()
