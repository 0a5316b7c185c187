"""Tagging on two processes (scrutiny.tags.parallel): the same rows as one process,
in the same order; a failing worker fails the run loudly and stores nothing."""

from __future__ import annotations

import pytest

from scrutiny.init import init_project
from scrutiny.project import Project
from scrutiny.store import Store
from scrutiny.tags.write import tag_store

from helpers_tagging import add_document, shared_tagger

TEXTS = [
    "Tomas Reyes, chair of the Coastal Care Alliance (CCA), said 31% of referrals were late.",
    "The CCA will publish a workforce plan by 2027.",
    "Local councils should fund two more advice centres.",
    "The review was commissioned by the Northern Housing Board.",
    "Services have improved since the new contract began.",
]
TABLES = {
    "nlp_mentions": "passage_id, start, end, text, kind, source, confidence, curated_id, stakeholder_id",
    "nlp_acronyms": "passage_id, short, long",
    "nlp_sentences": "passage_id, start, end",
    "nlp_claims": "id, page, start, end, text, kinds, details, confidence, source",
    "nlp_tie_candidates": "passage_id, sent_start, relation, role, confidence, pattern, subject_id, object_id, tie_id",
    "nlp_stakeholders": "id, name, kind, aliases, mentions",
}


def _tag(root, n_process):
    project = Project(init_project(root))
    store = Store(project.store_location)
    try:
        texts = [f"{t} Item {i}." for i, t in enumerate(TEXTS * 14)]   # 70 passages: two chunks
        with store.transaction():
            add_document(store, "coast", texts[:40])
            add_document(store, "north", texts[40:])
        summary = tag_store(project, store, tagger=shared_tagger(), n_process=n_process)
        # rowid order too: the rows are written in the same order as by one process
        rows = {t: [tuple(r) for r in store.db.execute(f"SELECT {cols} FROM {t} ORDER BY rowid")]
                for t, cols in TABLES.items()}
        return summary, rows
    finally:
        store.close()


def test_two_processes_write_the_same_rows_in_the_same_order(tmp_path):
    one, rows1 = _tag(tmp_path / "one", 1)
    two, rows2 = _tag(tmp_path / "two", 2)
    assert all(rows1[t] for t in ("nlp_mentions", "nlp_claims", "nlp_tie_candidates", "nlp_acronyms"))
    for table in TABLES:
        assert rows1[table] == rows2[table], table
    assert (one.passages, one.mentions, one.claims, one.tie_candidates) == \
        (two.passages, two.mentions, two.claims, two.tie_candidates)
    # the workers' CPU time is counted: the run cannot have cost less than the tagging itself
    assert two.cpu_seconds > 0 and one.cpu_seconds > 0


def test_a_failing_worker_fails_the_run_and_stores_nothing(tmp_path, monkeypatch):
    import scrutiny.tags.write as write

    def broken(passage, doc, lead=None):
        raise RuntimeError(f"broken component on {passage.id}")

    project = Project(init_project(tmp_path / "p"))
    store = Store(project.store_location)
    try:
        with store.transaction():
            add_document(store, "coast", [f"{t} Item {i}." for i, t in enumerate(TEXTS * 3)])
        monkeypatch.setattr(write, "passage_rows", broken)   # inherited by the forked workers
        with pytest.raises(RuntimeError, match="broken component"):
            tag_store(project, store, tagger=shared_tagger(), n_process=2)
        assert store.db.execute("SELECT count(*) FROM nlp_tagged").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM nlp_mentions").fetchone()[0] == 0
    finally:
        store.close()


def test_a_short_run_is_shared_in_small_tasks():
    from scrutiny.tags.parallel import CHUNK, MIN_CHUNK, chunk_size

    assert chunk_size(None, 2) == CHUNK                  # a stream of unknown length
    assert chunk_size(100_000, 2) == CHUNK               # a corpus
    assert chunk_size(120, 2) == 30                      # one long document: two tasks a worker
    assert chunk_size(20, 2) == MIN_CHUNK


def test_one_long_document_is_tagged_on_two_processes_with_the_same_rows(tmp_path, monkeypatch):
    """From PARALLEL_THRESHOLD passages on (a long document added), a machine of two
    cores tags on two forked processes without being asked; the rows are those of one."""
    import scrutiny.tags.parallel as parallel
    import scrutiny.tags.write as write

    monkeypatch.setattr(write.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_TAG_PROCESSES", raising=False)
    used = []
    real = parallel.tag_in_processes

    def recording(*args, **kwargs):
        used.append((args[3], kwargs.get("total")))
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "tag_in_processes", recording)
    assert write.PARALLEL_THRESHOLD <= 70
    auto, rows_auto = _tag(tmp_path / "auto", None)
    assert used == [(2, 70)]
    _one, rows_one = _tag(tmp_path / "one", 1)
    assert rows_auto == rows_one and auto.passages == 70


def _alive_in_group(pgid: int, wait: float = 5.0) -> list[int]:
    """The processes of group ``pgid`` still running (not zombies), after up to ``wait``
    seconds for those just killed to end (read from /proc)."""
    import time
    from pathlib import Path

    deadline = time.monotonic() + wait
    while True:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                alive.append(int(stat.parent.name))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def test_a_long_run_through_the_helper_never_waits_on_itself(tmp_path, monkeypatch):
    """More passages than the run sends ahead of the rows it has back (tags.early): the
    helper's workers take several tasks before the first rows come, and the run must
    have sent them; 500 passages on two processes go through, in the rows one process
    writes (a deadlock here hung a real report's ingest once)."""
    import threading

    import scrutiny.tags.write as write
    from scrutiny.tags.early import window

    monkeypatch.setattr(write.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_EARLY_TAGGER", raising=False)
    monkeypatch.delenv("SCRUTINY_TAG_PROCESSES", raising=False)
    texts = [f"{t} Item {i}." for i, t in enumerate(TEXTS * 100)]
    assert len(texts) > window(len(texts), 2) - 64      # more than the helper buffers before its first rows
    project = Project(init_project(tmp_path / "helper"))
    with Store(project.store_location) as store, store.transaction():
        add_document(store, "long", texts)
    out = {}

    def run():
        with write.model_loading_aside(project) as helper:
            out["helper"] = helper
            store = Store(project.store_location)
            try:
                out["summary"] = write.tag_store(project, store)
                out["rows"] = [tuple(r) for r in store.db.execute(
                    f"SELECT {TABLES['nlp_claims']} FROM nlp_claims ORDER BY rowid")]
            finally:
                store.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(300)
    if thread.is_alive():
        out["helper"].close()
        pytest.fail("the run and its helper waited on each other")
    assert out["helper"] is not None and out["summary"].passages == 500
    assert not _alive_in_group(out["helper"].process.pid)    # the helper and its workers are gone
    one = Project(init_project(tmp_path / "one"))
    with Store(one.store_location) as store:
        with store.transaction():
            add_document(store, "long", texts)
        tag_store(one, store, tagger=shared_tagger(), n_process=1)
        assert out["rows"] == [tuple(r) for r in store.db.execute(
            f"SELECT {TABLES['nlp_claims']} FROM nlp_claims ORDER BY rowid")]


def test_a_helper_stopped_in_the_middle_leaves_no_worker_behind(tmp_path, monkeypatch):
    """The run ends while the helper's two workers tag (here: the run stops reading its
    rows): closing the helper stops its whole process group, workers included."""
    import scrutiny.tags.write as write

    monkeypatch.setattr(write.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_EARLY_TAGGER", raising=False)
    monkeypatch.delenv("SCRUTINY_TAG_PROCESSES", raising=False)
    project = Project(init_project(tmp_path / "stopped"))
    with Store(project.store_location) as store, store.transaction():
        add_document(store, "long", [f"{t} Item {i}." for i, t in enumerate(TEXTS * 40)])
    real = write._write_rows
    calls = []

    def stop_after_some(db, rows, counts):
        calls.append(1)
        if len(calls) == 40:
            raise KeyboardInterrupt("stopped by the user")
        return real(db, rows, counts)

    monkeypatch.setattr(write, "_write_rows", stop_after_some)
    with pytest.raises(KeyboardInterrupt):
        with write.model_loading_aside(project) as helper, Store(project.store_location) as store:
            write.tag_store(project, store)
    assert helper is not None
    assert not _alive_in_group(helper.process.pid)
    with Store(project.store_location) as store:      # nothing of the run was kept
        assert store.db.execute("SELECT count(*) FROM nlp_tagged").fetchone()[0] == 0
