"""Resolution after one document added, changed or removed works from what that
document reaches, and gives what resolving every mention gives: the stakeholder
of every mention, the extracted stakeholders and the tie candidates' ends are
those of a whole resolution (``full=True``) and of the Resolver run over every
mention of the corpus; and the mentions it reads do not grow with the corpus."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from scrutiny.ingest import ingest
from scrutiny.init import init_project
from scrutiny.kb.view import load_curated
from scrutiny.project import Project
from scrutiny.store import Store
from scrutiny.tags import resolution
from scrutiny.tags.write import resolve

WORDS = ["harbour", "meadow", "lantern", "orchard", "quarry", "willow", "beacon", "thistle"]


def _doc(n: int) -> str:
    w = WORDS[n % len(WORDS)]
    people = ["Ann Pellow", "Ben Arlott", "Cara Dunmore", "Dev Oakes"][n % 4]
    return (f"# Synthetic paper {n}\n\n## Section one\n\nThe {w.title()} Trust (HT{n % 3}) will fund {n + 3} new "
            f"advisers, {people} of the Northfield Health Board said.\n\nThe HT{n % 3} reported that waiting "
            f"lists for the {w} service fell by a third, and {people.split()[1]} welcomed it.\n\n"
            f"## Section two\n\nThe Northfield Health Board should review the {w} budget each year, the "
            f"Kestrel Institute said.\n")


NEW = ("# Estuary audit\n\nMira Quell of the Estuary Panel (EP) said the Kestrel Institute will publish the "
       "audit every spring.\n\nQuell chairs the EP, which advises the Northfield Health Board.\n")
CHANGED = NEW + "\nProfessor Pellow of the Estuary Panel said the audit will report again next year.\n"
FRESH = ("# Tern survey\n\nOrla Venn of the Tern Survey Group said the count will be repeated.\n\n"
         "Venn chairs the Tern Survey Group.\n")


def _project(tmp_path, name: str, n: int) -> Project:
    root = tmp_path / name
    init_project(root)
    project = Project(root)
    incoming = tmp_path / f"{name}-in"
    incoming.mkdir()
    files = []
    for i in range(n):
        f = incoming / f"paper-{i}.md"
        f.write_text(_doc(i), encoding="utf-8")
        files.append(f)
    assert ingest(project, files).ok
    return project


def _state(store) -> dict:
    db = store.db
    return {
        "mentions": sorted(tuple(r) for r in db.execute(
            "SELECT passage_id, start, end, text, source, stakeholder_id FROM nlp_mentions")),
        "stakeholders": sorted(tuple(r) for r in db.execute(
            "SELECT id, name, kind, aliases, mentions, confidence FROM nlp_stakeholders")),
        "ties": sorted(tuple(r) for r in db.execute(
            "SELECT passage_id, sent_start, relation, subject_id, object_id, tie_id FROM nlp_tie_candidates")),
    }


def _oracle(project, store) -> tuple[dict, list]:
    """The Resolver over every mention of the corpus (the whole computation, from scratch)."""
    import json

    from scrutiny.tags.resolve import Resolver

    db = store.db
    rows = [dict(r) for r in db.execute(
        "SELECT rowid, passage_id, doc_id, start, end, text, kind, source, confidence, curated_id, refers_start, "
        "refers_end FROM nlp_mentions")]
    names = [r for r in rows if r["source"] != "coref"]
    acronyms = [(a["short"], a["long"], a["doc_id"]) for a in db.execute("SELECT short, long, doc_id FROM nlp_acronyms")]
    assignment, extracted = Resolver(load_curated(project)).resolve(names, acronyms)
    at = {(r["passage_id"], r["start"], r["end"]): assignment.get(r["rowid"]) for r in names}
    by_place = {}
    for r in rows:
        sid = at.get((r["passage_id"], r["refers_start"], r["refers_end"])) if r["source"] == "coref" \
            else assignment.get(r["rowid"])
        by_place[(r["passage_id"], r["start"], r["end"])] = sid
    stakeholders = sorted((e["id"], e["name"], e["kind"], json.dumps(e["aliases"], ensure_ascii=False),
                           e["mentions"], e["confidence"]) for e in extracted)
    return by_place, stakeholders


def _check_against_whole(project) -> None:
    from scrutiny.tags import fingerprints

    with Store(project.store_path) as store:
        # each document's tag fingerprints, kept row by row, are those computed from every row
        assert fingerprints.read(store.db) == fingerprints.compute(store.db)
        after_steps = _state(store)
        by_place, stakeholders = _oracle(project, store)
        assert {(m[0], m[1], m[2]): m[5] for m in after_steps["mentions"]} == by_place
        assert after_steps["stakeholders"] == stakeholders
        with store.transaction():
            read = resolution.Read()
            resolve(store, load_curated(project), project.index_location, full=True, read=read)
            assert read.full
            whole = _state(store)
            store.db.rollback()
            store._depth = 0
    assert after_steps == whole


def _add(project, tmp_path, name: str, text: str):
    f = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}" / f"{name}.md"
    f.parent.mkdir()
    f.write_text(text, encoding="utf-8")
    report = ingest(project, [f])
    assert report.ok and report.tagging is not None
    return report


def test_one_document_at_a_time_resolves_as_the_whole_corpus(tmp_path):
    project = _project(tmp_path, "steps", 6)
    _check_against_whole(project)
    _add(project, tmp_path, "estuary-audit", NEW)                      # added
    _check_against_whole(project)
    src = project.sources_dir / "estuary-audit.md"
    src.write_text(CHANGED, encoding="utf-8")                          # changed
    assert ingest(project).ok
    _check_against_whole(project)
    manifest = project.manifest_path.read_text(encoding="utf-8")      # removed
    start = manifest.index("[documents.estuary-audit]")
    end = manifest.find("\n[", start + 1)
    project.manifest_path.write_text(manifest[:start] + (manifest[end + 1:] if end != -1 else ""), encoding="utf-8")
    src.unlink()
    assert ingest(project).ok
    _check_against_whole(project)


@contextmanager
def _counting_reads(mp: pytest.MonkeyPatch):
    """Every resolution.Read made while inside, in a list (``mp`` is undone by the caller)."""
    reads = []

    class Counting(resolution.Read):
        def __init__(self):
            super().__init__()
            reads.append(self)

    mp.setattr(resolution, "Read", Counting)
    yield reads


def test_a_store_resolved_before_is_resolved_whole_once(tmp_path):
    project = _project(tmp_path, "upgrade", 3)
    with Store(project.store_path) as store:
        with store.transaction():
            store.db.execute("DELETE FROM nlp_state WHERE key = 'resolution'")
    mp = pytest.MonkeyPatch()
    try:
        with _counting_reads(mp) as reads:
            _add(project, tmp_path, "estuary-audit", NEW)
    finally:
        mp.undo()
    assert reads and reads[-1].full
    _check_against_whole(project)


def _reads_of_adding_one(project, tmp_path, text: str = FRESH) -> tuple[resolution.Read, int]:
    """What the resolution read, and how many documents' tag fingerprints were written again."""
    from scrutiny.tags import fingerprints

    refreshed = []
    refresh = fingerprints.refresh

    def counting_refresh(db, doc_ids):
        n = refresh(db, doc_ids)
        refreshed.append(n)
        return n

    mp = pytest.MonkeyPatch()
    mp.setattr(fingerprints, "refresh", counting_refresh)
    try:
        with _counting_reads(mp) as reads:
            _add(project, tmp_path, "tern-survey", text)
    finally:
        mp.undo()
    assert len(reads) == 1 and not reads[0].full
    return reads[0], sum(refreshed)


def test_resolving_one_new_document_reads_as_much_in_a_small_corpus_as_in_a_larger_one(tmp_path):
    small = _project(tmp_path, "small", 3)
    large = _project(tmp_path, "large", 12)
    a, docs_a = _reads_of_adding_one(small, tmp_path)
    b, docs_b = _reads_of_adding_one(large, tmp_path)
    assert docs_a == docs_b == 1          # the new document's fingerprints only
    with Store(large.store_path) as store:
        own = store.db.execute("SELECT count(*) FROM nlp_mentions WHERE doc_id = 'tern-survey'").fetchone()[0]
    assert own > 0
    assert (a.mentions, a.clusters) == (b.mentions, b.clusters), (a, b)
    with Store(large.store_path) as store:
        total = store.db.execute("SELECT count(*) FROM nlp_mentions").fetchone()[0]
    assert b.mentions < total / 2


def test_a_store_resolved_by_older_rules_is_resolved_again_with_nothing_else_to_tag(tmp_path):
    from scrutiny.tags.write import tag_store

    project = _project(tmp_path, "older", 2)
    with Store(project.store_path) as store:
        with store.transaction():
            store.db.execute("UPDATE nlp_state SET value = '1' WHERE key = 'resolution'")
        mp = pytest.MonkeyPatch()
        try:
            with _counting_reads(mp) as reads:
                summary = tag_store(project, store)
        finally:
            mp.undo()
        assert summary.passages == 0 and reads and reads[-1].full
        value = store.db.execute("SELECT value FROM nlp_state WHERE key = 'resolution'").fetchone()[0]
        assert value == resolution.VERSION


KNOWN = ("# Tern survey\n\nAnn Pellow of the Tern Survey Group said the count will be repeated.\n\n"
         "Pellow chairs the Tern Survey Group.\n")


def test_a_new_document_naming_a_known_person_reads_no_other_surname_alone(tmp_path):
    """A full name the corpus already lends to its surname ("Ann Pellow") moves no
    other document's "Pellow": only the new document's own surname-alone mentions are
    read again, however many documents name Pellow."""
    small = _project(tmp_path, "small", 3)
    large = _project(tmp_path, "large", 12)
    with Store(large.store_path) as store:
        pellows = store.db.execute("SELECT count(*) FROM nlp_mentions WHERE surname = 'pellow'").fetchone()[0]
    assert pellows >= 3
    a, _docs = _reads_of_adding_one(small, tmp_path, KNOWN)
    b, _docs = _reads_of_adding_one(large, tmp_path, KNOWN)
    assert a.alone == b.alone <= 1, (a, b)
    _check_against_whole(large)


def test_a_surname_is_looked_up_by_an_index_seek_in_its_document(tmp_path):
    """A surname a large corpus names in every document: its mentions in one document, and
    whether any mention lends it a full name, are found by an index on (surname, ...), not by
    reading every mention of it (the plan SQLite makes for both queries)."""
    project = _project(tmp_path, "idx", 3)
    with Store(project.store_path) as store:
        for sql, args, index in ((resolution.ALONE_IN_DOC_SQL, ("pellow", "paper-0"), "nlp_mentions_surname_doc"),
                                 (resolution.LENDING_SQL, ("pellow", "Ann Pellow"), "nlp_mentions_surname_lends")):
            plan = " ".join(str(r[-1]) for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, args))
            assert f"INDEX {index} (surname=? AND" in plan, plan
