"""The suggested ties as the site keeps them (``scrutiny.site.suggested_ties``): by
document and by tie in ``.scrutiny/site-records.sqlite``. Checked here: they are what
the command line's ``list_ties`` lists (the first two sentences of each), a reviewer
accepting or rejecting a tie moves the pages of its two ends and no other, one
document removed reads no candidate at all, and a torn or older record gives the same
site; on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import sqlite3

import pytest
from helpers_site import same_site
from test_add_one_document import _project

from conftest import ENGINES
from scrutiny.ingest import ingest
from scrutiny.pipeline import build


@pytest.fixture(params=ENGINES)
def database(request):
    """None (the embedded SQLite store) or a fresh PostgreSQL database's address."""
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else None


STAKEHOLDERS = """stakeholders:
  - id: ann-pellow
    name: Ann Pellow
    kind: person
    sources:
      - {source: register, locator: "para 1"}
  - id: harbour-wellbeing-board
    name: Harbour Wellbeing Board
    kind: organisation
    sources:
      - {source: register, locator: "para 1"}
"""


def _papers(tmp_path, name, database=None):
    """The synthetic papers (``test_add_one_document``) with the two ends of the tie they
    suggest curated, so that each has a page showing it."""
    import json

    project, files = _project(tmp_path, name, database)
    (project.root / "kb" / "stakeholders.yaml").write_text(STAKEHOLDERS, encoding="utf-8")
    (project.root / "kb" / "sources.json").write_text(json.dumps([{"id": "register", "type": "report",
                                                                   "title": "A register of our own"}]),
                                                       encoding="utf-8")
    return project, files


def _context(project):
    from scrutiny.site.context import gather

    return gather(project, cache_dir=project.data_dir)


def _suggested(project):
    from scrutiny.site.suggested_ties import suggested_ties

    ctx = _context(project)
    try:
        return suggested_ties(ctx)
    finally:
        ctx.store.close()


def _pages(project) -> dict[str, bytes]:
    out = {}
    for d, _, fs in os.walk(project.site_dir / "stakeholders"):
        for f in fs:
            if f == "index.html":
                p = os.path.join(d, f)
                out[os.path.relpath(p, project.site_dir)] = open(p, "rb").read()
    return out


def _whole(project, tmp_path, name):
    """The site a whole build makes of the project now: into a new folder, with no record."""
    from scrutiny.site import build_site

    out, cache = tmp_path / f"{name}-site", tmp_path / f"{name}-cache"
    build_site(project, out_dir=out, cache_dir=cache)
    return out


def test_the_kept_listings_are_those_list_ties_gives(tmp_path, database):
    from scrutiny.store import Store
    from scrutiny.tags.queries import list_ties

    project, files = _papers(tmp_path, "proj", database)
    assert ingest(project, files).ok
    assert build(project, fetch=False).ok
    got = _suggested(project)
    assert got, "the synthetic papers suggest ties between stakeholders with pages"
    from scrutiny.kb.view import load_curated

    with Store(project.store_location, readonly=True) as store:
        want = list_ties(project, store, load_curated(project))
    stakeholders = set(_context_stakeholders(project))
    expected: dict[str, list] = {}
    for t in want:
        if t.status in ("suggested", "accepted"):
            for end in (t.subject, t.object):
                if end in stakeholders:
                    expected.setdefault(end, []).append(
                        (t.id, t.status, t.confidence, t.role, t.subject_name, t.object_name,
                         [(e.passage_id, e.quote, e.doc_id, e.page) for e in t.evidence[:2]]))
    assert {sid: [(t.id, t.status, t.confidence, t.role, t.subject_name, t.object_name,
                   [(e.passage_id, e.quote, e.doc_id, e.page) for e in t.evidence])
                  for t in ties] for sid, ties in got.items()} == expected


def _context_stakeholders(project):
    ctx = _context(project)
    try:
        return list(ctx.stakeholders)
    finally:
        ctx.store.close()


def test_a_reviewer_accepting_or_rejecting_a_tie_moves_its_ends_pages_only(tmp_path, database):
    from scrutiny.site.suggested_ties import Stats
    from scrutiny.tags.review import record

    project, files = _papers(tmp_path, "proj", database)
    assert ingest(project, files).ok
    assert build(project, fetch=False).ok
    suggested = _suggested(project)
    tie = next(t for ties in suggested.values() for t in ties if t.status == "suggested")
    ends = {f"stakeholders/{e}/index.html" for e in (tie.subject, tie.object) if e in suggested}
    assert ends
    before = _pages(project)
    assert all(b"confidence" in before[p] for p in ends)

    record(project, tie, "accepted")
    assert build(project, fetch=False).ok
    assert Stats.candidates_read == 0        # no tie candidate read: only the decision moved
    after = _pages(project)
    moved = {p for p in after if after[p] != before.get(p)}
    assert moved == ends, moved
    assert all(b">accepted<" in after[p] for p in ends)
    assert same_site(project.site_dir, _whole(project, tmp_path, "accepted")) > 10

    record(project, tie, "rejected")
    assert build(project, fetch=False).ok
    rejected = _pages(project)
    assert {p for p in rejected if rejected[p] != after.get(p)} == ends
    assert not any(t.id == tie.id for ties in _suggested(project).values() for t in ties)
    assert same_site(project.site_dir, _whole(project, tmp_path, "rejected")) > 10


def test_a_document_removed_reads_no_candidate_and_a_torn_record_gives_the_same_site(tmp_path, database, monkeypatch):
    from scrutiny.site.suggested_ties import Stats

    added, files = _papers(tmp_path, "proj", database)
    assert ingest(added, files).ok
    assert build(added, fetch=False).ok
    # the last document taken out of the manifest and the store: its ties' listings made again
    # from the other documents' kept parts, without reading a candidate
    import tomlkit

    manifest = tomlkit.parse(added.manifest_path.read_text(encoding="utf-8"))
    del manifest["documents"]["orchard-briefing"]
    added.manifest_path.write_text(tomlkit.dumps(manifest), encoding="utf-8")
    assert build(added, fetch=False).ok
    assert Stats.candidates_read == 0 and Stats.docs_located == [] and Stats.ties_made
    assert "orchard-briefing" not in str(_suggested(added))
    # (a document removed leaves its old passage ids behind as orphans: the whole build to
    # compare with is the same project's now, into a new folder)
    reference = _whole(added, tmp_path, "removed")
    assert same_site(added.site_dir, reference) > 30

    # a torn record: everything worked out again, the same site
    (added.data_dir / "site-records.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x03" * 500)
    for extra in ("-wal", "-shm"):
        (added.data_dir / f"site-records.sqlite{extra}").unlink(missing_ok=True)
    from scrutiny.site import build_site

    monkeypatch.setattr("scrutiny.site.uptodate.check", lambda *a, **k: None)   # go through the whole site stage
    build_site(added)
    assert Stats.candidates_read > 0
    assert same_site(added.site_dir, reference) > 30
    # an older version of the ties' record: the same
    db = sqlite3.connect(added.data_dir / "site-records.sqlite")
    db.execute("UPDATE site_meta SET value = 'older' WHERE key = 'record:ties'")
    db.commit()
    db.close()
    build_site(added)
    assert Stats.candidates_read > 0 and same_site(added.site_dir, reference) > 30
