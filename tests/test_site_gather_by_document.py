"""The site's corpus context and the stages' pending check after one document was
added, by document: each document's passage fingerprint and parts are kept in
the site's record file (``.scrutiny/site-records.sqlite``, the record
``site-passages``) under its stamp (``Store.passage_stamps``), its mentions counted
by stakeholder (the suggested stakeholders) in the record ``site-resolved`` under
its fingerprint, and the untagged passages are
counted from the tagging stage's record of the documents it left whole
(``nlp_doc_tagged``). Counted here: what one added document makes the site read,
and that the pending check says what reading every passage id says."""

from __future__ import annotations

import pytest
from helpers_site import kept_record
from test_add_one_document import _project
from test_site_add_tagged import _same_site

from conftest import ENGINES
from scrutiny.ingest import ingest
from scrutiny.pipeline import build
from scrutiny.store import Store


@pytest.fixture(params=ENGINES)
def database(request):
    """None (the embedded SQLite store) or a fresh PostgreSQL database's address."""
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else None


def _record_calls(monkeypatch):
    """Every ``doc_ids`` the store's passage references and ids, and the mentions counted
    by resolved stakeholder, were asked for (None: the whole corpus)."""
    import scrutiny.tags.queries as queries

    seen = {"refs": [], "ids": [], "resolved": []}
    real_refs, real_ids, real_resolved = Store.passage_refs, Store.passage_ids, queries.resolved_mentions

    def refs(self, doc_ids=None):
        seen["refs"].append(None if doc_ids is None else sorted(doc_ids))
        return real_refs(self, doc_ids)

    def ids(self, doc_ids=None):
        seen["ids"].append(None if doc_ids is None else sorted(doc_ids))
        return real_ids(self, doc_ids)

    def resolved(store, doc_ids=None):
        seen["resolved"].append(None if doc_ids is None else sorted(doc_ids))
        return real_resolved(store, doc_ids)

    monkeypatch.setattr(Store, "passage_refs", refs)
    monkeypatch.setattr(Store, "passage_ids", ids)
    monkeypatch.setattr(queries, "resolved_mentions", resolved)
    return seen


def test_one_document_added_reads_its_own_passages_and_mentions(tmp_path, monkeypatch, database):
    (tmp_path / "w").mkdir()
    (tmp_path / "a").mkdir()
    whole, files = _project(tmp_path / "w", "proj")
    assert ingest(whole, files).ok
    assert build(whole, fetch=False).ok

    # (on PostgreSQL too: the site is the SQLite whole build's, byte for byte)
    added, files = _project(tmp_path / "a", "proj", database)
    assert ingest(added, files[:-1]).ok
    assert build(added, fetch=False).ok
    kept = kept_record(added.data_dir, "site-passages")
    assert sorted(kept) == ["harbour-plan", "lantern-note", "meadow-review"]
    assert kept_record(added.data_dir, "site-resolved")
    assert ingest(added, files[-1:]).ok

    seen = _record_calls(monkeypatch)
    from scrutiny.site.doc_passages import DocPassages

    worked: list[list[str]] = []
    real_init = DocPassages.__init__

    def init(self, *a, **k):
        real_init(self, *a, **k)
        worked.append(sorted(self.worked_out))

    monkeypatch.setattr(DocPassages, "__init__", init)
    import scrutiny.site.context as context
    from scrutiny.site.doc_cache import Stats
    from scrutiny.site.tags import TotalsStats

    gathered = []
    real_gather = context.gather

    def gather(*a, **k):
        Stats.decoded.clear()
        ctx = real_gather(*a, **k)
        gathered.append((dict(Stats.decoded), TotalsStats.moved, set(ctx.suggested_stakeholders)))
        return ctx

    monkeypatch.setattr(context, "gather", gather)
    assert build(added, fetch=False).ok
    # the corpus context decodes no kept value of the documents that did not change (their
    # passage fingerprints read from the front of their rows), and moves the totals of the
    # new document's stakeholders only
    (decoded, moved, suggested), = gathered
    assert decoded == {}, decoded
    named = {sid for sid, _n, _p in kept_record(added.data_dir, "site-resolved")["orchard-briefing"][1]}
    assert named and moved == len(named), (named, moved)
    assert _same_site(added.site_dir, whole.site_dir) > 30
    # the passage references read are the new document's, never every passage's
    assert worked == [["orchard-briefing"]], worked
    assert seen["refs"] and None not in seen["refs"], seen["refs"]
    assert all(d == ["orchard-briefing"] for d in seen["refs"]), seen["refs"]
    # the mentions counted for the suggested stakeholders: the new document's only
    assert seen["resolved"] == [["orchard-briefing"]], seen["resolved"]
    # the kept records now hold the new document, as a whole build's do
    for name in ("site-passages", "site-resolved", "site-resolved-totals"):
        mine = kept_record(added.data_dir, name)
        theirs = kept_record(whole.data_dir, name)
        assert {d: v[1] for d, v in mine.items()} == {d: v[1] for d, v in theirs.items()}, name

    # nothing changed: no passage reference or mention read again
    for v in seen.values():
        v.clear()
    worked.clear()
    monkeypatch.setattr("scrutiny.site.uptodate.check", lambda *a, **k: None)   # go through the whole site stage
    assert build(added, fetch=False).ok
    assert worked == [[]] and seen["refs"] == [] and seen["resolved"] == [], (worked, seen)
    _same_site(added.site_dir, whole.site_dir)


def test_a_lost_or_torn_record_is_made_again_with_the_same_site(tmp_path):
    project, files = _project(tmp_path, "proj")
    assert ingest(project, files).ok
    assert build(project, fetch=False).ok
    before = {rel: (project.site_dir / rel).read_bytes() for rel in ("doc/harbour-plan/index.html", "index.html")}
    (project.data_dir / "site-records.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x05" * 200)   # torn
    from scrutiny.site import build_site

    build_site(project)
    assert {rel: (project.site_dir / rel).read_bytes() for rel in before} == before
    kept = kept_record(project.data_dir, "site-passages")
    assert sorted(kept) == sorted(f.stem for f in files)


# --- the stages' pending check ------------------------------------------------------------

def _untagged_by_sql(project) -> int:
    """What every passage id against every tagged one says (the check made the slow way)."""
    with Store(project.store_location) as store:
        return store.db.execute(
            "SELECT count(*) FROM passages WHERE id NOT IN (SELECT passage_id FROM nlp_tagged)").fetchone()[0]


def _pending(project):
    from scrutiny.site import stages_pending

    with Store(project.store_location, readonly=True) as store:
        return stages_pending(project, store)


def _built(tmp_path, database=None):
    project, files = _project(tmp_path, "proj", database)
    assert ingest(project, files[:-1]).ok
    assert build(project, fetch=False, site=False).ok
    assert _pending(project) == []
    return project, files


def test_pending_counts_untagged_passages_from_the_moved_documents(tmp_path, monkeypatch, database):
    import scrutiny.tags.doc_tagged as doc_tagged

    project, files = _built(tmp_path, database)
    # a new document stored without its tags, and another document's text changed (one
    # passage more: the others keep their ids, and their tags)
    assert ingest(project, files[-1:], tag=False).ok
    meadow = project.root.parent / "proj-in" / "meadow-review.md"
    meadow.write_text(meadow.read_text(encoding="utf-8") + "\nA sentence we added for this test, with 7 words.\n",
                      encoding="utf-8")
    assert ingest(project, [meadow], tag=False).ok
    untagged = _untagged_by_sql(project)
    with Store(project.store_location) as store:
        new = store.db.execute("SELECT count(*) FROM passages WHERE doc_id = 'orchard-briefing'").fetchone()[0]
    assert untagged == new + 1 and new > 1

    seen = _record_calls(monkeypatch)
    pending = _pending(project)
    assert f"{untagged} passages are not tagged yet" in pending, pending
    assert "tags are older than the passages, the knowledge base or the tagger" in pending
    # the passage ids read: the two moved documents', never every passage's
    assert None not in seen["ids"] and sorted(d for ids in seen["ids"] for d in ids) == \
        ["meadow-review", "orchard-briefing"], seen["ids"]

    # without the tagging stage's record the same answer, from every passage id
    seen["ids"].clear()
    monkeypatch.setattr(doc_tagged, "read", lambda store, most: None)
    assert _pending(project) == pending
    assert None in seen["ids"]

    # tagged: nothing pending about tags
    monkeypatch.undo()
    assert build(project, fetch=False, site=False).ok
    assert _untagged_by_sql(project) == 0
    assert not [line for line in _pending(project) if "tag" in line]


def test_pending_says_a_source_changed_since_ingest(tmp_path, database):
    from scrutiny.manifest import load_manifest
    from scrutiny.paths import source_path

    project, files = _built(tmp_path, database)
    lantern = source_path(project.root, load_manifest(project.manifest_path).documents["lantern-note"])
    lantern.write_text(lantern.read_text(encoding="utf-8") + "\nOne more sentence of our own.\n", encoding="utf-8")
    assert _pending(project) == ["1 document(s) changed or added since the last ingest (lantern-note)"]
    assert ingest(project, doc_ids=["lantern-note"]).ok
    assert build(project, fetch=False, site=False).ok
    assert _pending(project) == []


def test_pending_says_the_cross_references_are_behind(tmp_path, database):
    project, files = _built(tmp_path, database)
    with Store(project.store_location) as store:
        key = store.get_meta("xref_written")
    assert ingest(project, files[-1:]).ok           # tagged, not cross-referenced
    assert _pending(project) == ["cross-references are older than the documents or the knowledge base"]
    assert build(project, fetch=False, site=False).ok
    assert _pending(project) == []
    # the cross-references' key (the site's pages that show them) moved with them
    with Store(project.store_location) as store:
        from scrutiny.xref.queries import key as xref_key

        assert store.get_meta("xref_written") != key and xref_key(store)[:2] == ["written", store.get_meta("xref_written")]


def test_suggested_stakeholders_from_kept_counts_are_those_of_every_mention(tmp_path, database):
    """The counts the site keeps by document give the suggested stakeholders that one
    pass over every mention gives (the join this read made before it took counts)."""
    from scrutiny.tags import queries

    project, files = _project(tmp_path, "proj", database)
    assert ingest(project, files).ok
    assert build(project, fetch=False).ok
    kept = kept_record(project.data_dir, "site-resolved")
    counts = {d: rows for d, (_key, rows) in kept.items()}
    with Store(project.store_location, readonly=True) as store:
        by_join: dict[tuple, list] = {}
        for sid, doc_id, pid in store.db.execute(
                "SELECT m.stakeholder_id, m.doc_id, m.passage_id FROM nlp_mentions m "
                "JOIN nlp_stakeholders s ON s.id = m.stakeholder_id "
                "JOIN passages p ON p.id = m.passage_id"):
            c = by_join.setdefault((sid, doc_id), [0, set()])
            c[0] += 1
            c[1].add(pid)
        extracted = {e.id for e in queries.extracted_stakeholders(store)}
        assert by_join and {(sid, d): [n, p] for d, rows in counts.items() for sid, n, p in rows
                            if sid in extracted} == {k: [n, len(p)] for k, (n, p) in by_join.items()}
        assert project.stakeholder_min_mentions in (1, 2, 3)
        for least in (1, 2, 3):
            assert queries.suggested_stakeholders(store, least, counts=counts) == \
                queries.suggested_stakeholders(store, least)
            # without their documents (as the site asks): the same stakeholders and totals
            full = queries.suggested_stakeholders(store, least)
            bare = queries.suggested_stakeholders(store, least, counts=counts, documents=False)
            assert [(e.id, e.name, e.kind, e.mentions, e.confidence) for e in bare] == \
                [(e.id, e.name, e.kind, e.mentions, e.confidence) for e in full]
            assert all(e.documents == [] for e in bare)
            # from totals by stakeholder (what the site keeps): the same again
            totals: dict[str, list] = {}
            for rows in counts.values():
                for sid, n, _p in rows:
                    t = totals.setdefault(sid, [0, 0])
                    t[0] += n
                    t[1] += n >= least
            assert queries.suggested_stakeholders(store, least, totals=totals) == bare
            if least == project.stakeholder_min_mentions:    # the site's kept totals
                assert {sid: v for sid, (_k, v) in kept_record(project.data_dir, "site-resolved-totals").items()} \
                    == totals
            assert all(e.mentions == sum(r.mentions for r in e.documents) for e in full)
        assert queries.suggested_stakeholders(store, 1, counts=counts)


def test_source_paths_as_text_are_those_of_source_path(tmp_path):
    """The site lists every source's path as text (a plain file name joined, the others
    through ``source_path`` and its checks): the same paths, the same refusals."""
    from types import SimpleNamespace

    from scrutiny.errors import ProjectError
    from scrutiny.paths import source_path, source_path_texts

    entries = [SimpleNamespace(id=f"d{i}", source=name, url=None)
               for i, name in enumerate(["a-plan.pdf", "notes_2.md", "kb/essays/e.md", "sub\\x.txt", "./y.md",
                                         "Z.HTML", None, "a..b.pdf"])]
    entries[6].url = "https://example.org/report.PDF"
    assert source_path_texts(tmp_path, entries) == [str(source_path(tmp_path, e)) for e in entries]
    for bad in ("../out.pdf", ".scrutiny/store.db", "/etc/x"):
        with pytest.raises(ProjectError):
            source_path_texts(tmp_path, [SimpleNamespace(id="bad", source=bad, url=None)])


def test_a_document_stamp_is_written_as_json_writes_it():
    """``nlp_doc_tagged`` keeps each stamp as ``json.dumps`` writes it; the plain ones are
    written without the encoder, to the same text."""
    import json

    from scrutiny.tags.doc_tagged import doc_stamp

    for stamp in [("ab12" * 16, 10, "2026-11-30T22:45:29+00:00", 1), ("ab", 0, "2026-01-01", 12345),
                  ("ab", None, "2026-01-01", 1), (None, 3, None, None), ("a\"b", 1, "x", 2),
                  ("é", 1, "t", 2), ("ab", True, "t", 2), ("ab", 1, "t"), ("ab", 1.5, "t", 2)]:
        assert doc_stamp(stamp) == json.dumps(list(stamp)), stamp
