"""A document's files kept as one group of the writer's record: its pages, its permalink
stubs and each search bucket are recorded under one key (``Writer.group``), so that a
build after one document is added keeps every other document's files by one comparison
of that key each (``Writer.keep``), looks at the record's entry of the new document's
files only, and reads no bucket's published statistics (they are kept in the search
state). Counted here, with the site the one a whole build makes; and the groups follow
the record's trust: in its saved changes, not taken when the changes are damaged or
the folder was touched."""

from __future__ import annotations

import json

from test_add_one_document import _project
from test_site_add_tagged import _same_site

from scrutiny.ingest import ingest
from scrutiny.pipeline import build
from scrutiny.store import Store

NEW = "orchard-briefing"


def _ingest(project, files) -> bool:
    """Under an open licence: the search index holds every passage (a bucket per document)."""
    return ingest(project, files, metadata={"licence": "OGL-UK-3.0"}).ok


def _looked_at(monkeypatch):
    """The files whose record entry the writer looked at one by one, the groups kept
    whole, the prefixes walked for a group and the published files read."""
    from scrutiny.site.writer import Writer

    seen = {"files": [], "kept": [], "walked": [], "read": []}
    stale, keep, fresh_group, read = Writer.stale, Writer.keep, Writer.fresh_group, Writer.read_published

    def stale_(self, rels, key):
        rels = list(rels)
        seen["files"].extend(rels)
        return stale(self, rels, key)

    def keep_(self, group, key, files=None):
        done = keep(self, group, key, files)
        if done:
            seen["kept"].append(group)
        return done

    def fresh_group_(self, prefix, *a, **k):
        seen["walked"].append(prefix)
        return fresh_group(self, prefix, *a, **k)

    def read_(self, rel):
        seen["read"].append(rel)
        return read(self, rel)

    monkeypatch.setattr(Writer, "stale", stale_)
    monkeypatch.setattr(Writer, "keep", keep_)
    monkeypatch.setattr(Writer, "fresh_group", fresh_group_)
    monkeypatch.setattr(Writer, "read_published", read_)
    return seen


def _built_whole_and_all_but_one(tmp_path):
    """Two copies of one project: ``whole`` built with every file, ``added`` built with all
    but the last (``files``, the latter's, to add it)."""
    (tmp_path / "w").mkdir()
    (tmp_path / "a").mkdir()
    whole, files = _project(tmp_path / "w", "proj")
    assert _ingest(whole, files)
    assert build(whole, fetch=False).ok
    added, files = _project(tmp_path / "a", "proj")
    assert _ingest(added, files[:-1])
    assert build(added, fetch=False).ok
    return whole, added, files


def test_one_document_added_looks_at_its_own_files_only(tmp_path, monkeypatch):
    whole, added, files = _built_whole_and_all_but_one(tmp_path)
    assert _ingest(added, files[-1:])
    with Store(added.store_path) as store:
        docs = [r[0] for r in store.db.execute("SELECT id FROM documents ORDER BY id")]
        mine = {r[0] for r in store.db.execute("SELECT id FROM passages WHERE doc_id = ?", (NEW,))}
        others = store.db.execute("SELECT count(*) FROM passages WHERE doc_id != ?", (NEW,)).fetchone()[0]
    assert len(docs) >= 4 and mine and others > len(mine)

    seen = _looked_at(monkeypatch)
    assert build(added, fetch=False).ok
    assert _same_site(added.site_dir, whole.site_dir) > 30

    # every other document's pages and stubs are kept as groups, whole
    kept = set(seen["kept"])
    for d in docs:
        if d != NEW:
            assert f"doc:{d}" in kept and f"stubs:{d}" in kept, d
    assert f"doc:{NEW}" not in kept and f"stubs:{NEW}" not in kept
    # the record's entries looked at one by one: the new document's files, and pages
    # that are not a document's own (the home page, the lists naming it...)
    docs_looked = {rel.split("/")[1] for rel in seen["files"] if rel.startswith("doc/")}
    assert docs_looked <= {NEW}, docs_looked
    stubs = [rel.split("/")[1] for rel in seen["files"] if rel.startswith("p/")]
    assert stubs and set(stubs) <= mine, sorted(set(stubs) - mine)[:5]
    # no search bucket's files walked one by one, no bucket's statistics read from the site
    assert seen["walked"] == [] and not [rel for rel in seen["read"] if rel.endswith("/s.js")], seen
    assert any(g.startswith("search:") for g in kept)


def _record(project):
    from scrutiny.site.writer import record_file

    whole = record_file(project.data_dir, project.site_dir)
    return whole, whole.with_name(whole.stem + "-delta.json")


def test_groups_are_saved_with_the_record_and_its_changes(tmp_path, monkeypatch):
    """The groups are in the whole record, their changes in the changes saved beside it;
    damaged changes, or a folder touched since the last build, keep no group: every
    file is looked at again, and the site is still the one a whole build makes."""
    whole, added, files = _built_whole_and_all_but_one(tmp_path)
    record, delta = _record(added)
    groups = json.loads(record.read_text(encoding="utf-8"))["groups"]
    assert any(g.startswith("doc:") for g in groups) and any(g.startswith("stubs:") for g in groups)
    assert all(isinstance(v, list) and len(v[0]) == 64 for v in groups.values())
    assert all(len(v) == 2 and all(f.startswith("search/") for f in v[1])
               for g, v in groups.items() if g.startswith("search:"))

    assert _ingest(added, files[-1:])
    assert build(added, fetch=False).ok
    moved = json.loads(delta.read_text(encoding="utf-8"))["groups"]
    assert f"doc:{NEW}" in moved and f"stubs:{NEW}" in moved
    assert not any(g.startswith("doc:") and g != f"doc:{NEW}" for g in moved)   # the others kept theirs
    assert _same_site(added.site_dir, whole.site_dir) > 30

    # damaged changes: no group is kept (the record is not trusted), every file is looked at
    saved = json.loads(delta.read_text(encoding="utf-8"))
    delta.write_text(json.dumps({**saved, "groups": 7}), encoding="utf-8")
    seen = _looked_at(monkeypatch)
    _build_again(added)
    assert seen["kept"] == [] and any(rel.startswith("doc/") for rel in seen["files"])
    assert _same_site(added.site_dir, whole.site_dir) > 30

    # the next build trusts the record it saved again
    seen["kept"].clear()
    _build_again(added)
    assert f"doc:{NEW}" in seen["kept"]

    # a folder touched by hand: no group is kept, the files are checked one by one
    seen["kept"].clear()
    seen["files"].clear()
    page = added.site_dir / "doc" / NEW / "index.html"
    page.write_text("damaged", encoding="utf-8")
    (added.site_dir / "by-hand.txt").write_text("put there by hand", encoding="utf-8")
    _build_again(added)
    assert seen["kept"] == [] and f"doc/{NEW}/index.html" in seen["files"]
    assert page.read_text(encoding="utf-8") != "damaged"
    (added.site_dir / "by-hand.txt").unlink()
    assert _same_site(added.site_dir, whole.site_dir) > 30


def _build_again(project):
    """A build of the site although nothing changed (its stamp removed)."""
    from scrutiny.site.uptodate import stamp_file

    stamp_file(_record(project)[0]).unlink(missing_ok=True)
    assert build(project, fetch=False).ok
