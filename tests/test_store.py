import sqlite3

import pytest

from scrutiny.passages import make_passages
from scrutiny.readers.base import Block
from scrutiny.store import Redirect, Store


def _doc(doc_id="d1"):
    return {"id": doc_id, "title": "A title", "kind": "policy", "authors": ["X"], "sha256": "abc",
            "pages": 2, "passages": 2, "metadata": {"k": "v"}}


def test_schema_versions_and_foreign_keys(store_at, engine):
    store = Store(store_at("s"))
    versions = dict(store.db.execute("SELECT component, version FROM schema_versions").fetchall())
    assert versions["core"] == 6   # 6: documents.passages_seq (Store.passage_stamps)
    if engine == "sqlite":
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    ps = make_passages("nodoc", [Block("paragraph", "Orphan text")])
    errors = (sqlite3.IntegrityError,)
    if engine == "postgresql":
        import psycopg

        errors = (psycopg.errors.ForeignKeyViolation,)
    with pytest.raises(errors):
        with store.transaction():
            store.replace_passages("nodoc", ps)


def test_component_migrations_apply_once(store_at):
    store = Store(store_at("s"))
    migrations = ["CREATE TABLE extra (a INTEGER);", "ALTER TABLE extra ADD COLUMN b TEXT;"]
    store.ensure_schema("test", migrations[:1])
    store.ensure_schema("test", migrations)
    store.ensure_schema("test", migrations)  # no-op
    cols = list(store.db.execute("SELECT * FROM extra").description)
    cols = [c[0] if isinstance(c, tuple) else c.name for c in cols]
    assert cols == ["a", "b"]


def test_transaction_rolls_back_everything(store_at):
    store = Store(store_at("s"))
    with store.transaction():
        store.upsert_document(_doc())
        store.replace_passages("d1", make_passages("d1", [Block("paragraph", "Kept")]))
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.replace_passages("d1", make_passages("d1", [Block("paragraph", "Replaced")]))
            raise RuntimeError("killed half-way")
    assert [p.text for p in store.passages("d1")] == ["Kept"]
    reopened = Store(store_at("s"), readonly=True)
    assert reopened.document("d1")["metadata"] == {"k": "v"}
    assert reopened.document("d1")["authors"] == ["X"]


def test_resolve_passage_follows_redirects(store_at):
    store = Store(store_at("s"))
    with store.transaction():
        store.upsert_document(_doc())
        ps = make_passages("d1", [Block("paragraph", "New text")])
        store.replace_passages("d1", ps)
        store.save_redirect(Redirect("d1-old", "d1", ps[0].id, "fuzzy", 0.9, "Old text", 1, "now"))
        store.save_redirect(Redirect("d1-gone", "d1", None, "orphan", None, "Gone", 1, "now"))
    p, r = store.resolve_passage("d1-old")
    assert p.id == ps[0].id and r.method == "fuzzy"
    p, r = store.resolve_passage("d1-gone")
    assert p is None and r.new_id is None
    assert store.resolve_passage("nothing") == (None, None)
    assert store.stats()["orphans"] == 1


def test_readonly_store_requires_existing_file(tmp_path):
    from scrutiny.errors import ProjectError

    with pytest.raises(ProjectError, match="scrutiny ingest"):
        Store(tmp_path / "missing.db", readonly=True)


def test_page_breaks_round_trip(store_at):
    store = Store(store_at("s"))
    with store.transaction():
        store.upsert_document(_doc())
        store.replace_passages("d1", make_passages("d1", [Block("paragraph", "One page. Next page.", page=2, page_breaks=[10])]))
    p = store.passages("d1")[0]
    assert p.page_breaks == [10] and (p.page, p.page_end) == (2, 3)


def test_readonly_old_store_says_how_to_upgrade(tmp_path, monkeypatch):
    import scrutiny.store
    from scrutiny.errors import ProjectError

    full = scrutiny.store.CORE_MIGRATIONS
    monkeypatch.setattr(scrutiny.store, "CORE_MIGRATIONS", full[:-1])  # an older scrutiny made it
    Store(tmp_path / "s.db").close()
    monkeypatch.setattr(scrutiny.store, "CORE_MIGRATIONS", full)
    with pytest.raises(ProjectError, match="older scrutiny.*scrutiny ingest"):
        Store(tmp_path / "s.db", readonly=True)
    Store(tmp_path / "s.db").close()  # a writable open migrates...
    Store(tmp_path / "s.db", readonly=True).close()  # ...and then it reads


def test_not_a_store(tmp_path):
    from scrutiny.errors import ProjectError

    (tmp_path / "junk.db").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ProjectError, match="not a scrutiny store"):
        Store(tmp_path / "junk.db", readonly=True)


def test_passage_layout_round_trips_with_note_calls_linked(store_at):
    """A table's rows, a note call taken out of the text and the note it calls
    come back from the store as they went in; the call knows its note and the
    note its caller."""
    store = Store(store_at("s"))
    blocks = [
        Block("paragraph", "Depots reopened in 2024 after the winter.", page=3, calls=[(23, "6")]),
        Block("table", "Depot | Visits / North | 12", page=3, layout={"rows": [["Depot", "Visits"], ["North", "12"]]}),
        Block("footnote", "6 The reopening date moved twice.", page=3),
    ]
    ps = make_passages("d1", blocks)
    with store.transaction():
        store.upsert_document(_doc())
        store.replace_passages("d1", ps)
    para, table, note = store.passages("d1")
    assert para.text == "Depots reopened in 2024 after the winter."
    assert para.layout["calls"] == [{"at": 23, "mark": "6", "note": note.id}]
    assert para.text[:23] == "Depots reopened in 2024"
    assert note.layout == {"mark": "6", "called_by": [para.id]}
    assert table.layout == {"rows": [["Depot", "Visits"], ["North", "12"]]}


def test_documents_shown_are_the_documents_without_their_times(tmp_path):
    """What the site reads of every document (``Store.documents_shown``): each one as
    ``Store.documents`` gives it, less the time and bookkeeping of its storing."""
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            store.upsert_document({"id": "plain", "title": "A plain note", "kind": "policy", "pages": 1,
                                   "sha256": "0" * 64, "ingested_at": "2026-01-02T03:04:05"})
            store.upsert_document({"id": "fuller", "title": "A fuller paper", "kind": "critique", "pages": 3,
                                   "authors": ["Ann Example", "Bo Sample"], "metadata": {"csl_type": "report"},
                                   "page_labels": ["i", "ii", "1"], "ingested_at": "2026-01-02T03:04:06"})
        whole = store.documents()
        shown = store.documents_shown()
    assert [d["id"] for d in shown] == ["fuller", "plain"]
    assert shown == [{k: v for k, v in d.items() if k != "ingested_at"} for d in whole]
    assert shown[0]["authors"] == ["Ann Example", "Bo Sample"] and shown[0]["page_labels"] == ["i", "ii", "1"]
    assert shown[1]["authors"] == [] and shown[1]["metadata"] == {} and shown[1]["page_labels"] is None
