"""A document taken out of the manifest leaves the store, the index and the site
at the next ingest; its old permalinks stay, saying what became of them."""

from __future__ import annotations

import pytest
import tomlkit

from helpers_hostile import run_measured
from scrutiny.ingest import ingest
from scrutiny.search import search
from scrutiny.site import build_site
from scrutiny.site.linkcheck import check_site
from scrutiny.store import Store

KEPT = "# The Kept Plan\n\nThe council will publish waiting times for every clinic each month.\n"
GONE = ("# The Withdrawn Paper\n\nA paragraph about zeppelin maintenance budgets.\n\n"
        "A second paragraph on zeppelin hangar leases.\n")


@pytest.fixture
def project(project_on_engine):
    """These tests run on both engines (SQLite and PostgreSQL)."""
    return project_on_engine


def _drop_from_manifest(project, doc_id):
    doc = tomlkit.parse(project.manifest_path.read_text(encoding="utf-8"))
    del doc["documents"][doc_id]
    project.manifest_path.write_text(tomlkit.dumps(doc), encoding="utf-8")


def test_a_document_removed_from_the_manifest_leaves_store_index_and_site(project, tmp_path):
    kept, gone = tmp_path / "kept-plan.md", tmp_path / "withdrawn-paper.md"
    kept.write_text(KEPT, encoding="utf-8")
    gone.write_text(GONE, encoding="utf-8")
    first = ingest(project, [kept, gone], tag=False)
    assert not first.failed and first.removed == {}
    with Store(project.store_location, readonly=True) as store:
        old_ids = [p.id for p in store.passages("withdrawn-paper")]
    assert len(old_ids) == 3
    assert search(project.index_location, "zeppelin")["total"] == 2
    from scrutiny.manifest import update_documents

    update_documents(project.manifest_path, {d: {"licence": "CC-BY-4.0"} for d in ("kept-plan", "withdrawn-paper")})
    build_site(project)
    assert "zeppelin hangar" in (project.site_dir / "doc" / "withdrawn-paper" / "index.html").read_text()

    _drop_from_manifest(project, "withdrawn-paper")
    from scrutiny.ingest import pending

    with Store(project.store_location, readonly=True) as store:
        assert any("removed from the manifest are still in the store (withdrawn-paper)" in p
                   for p in pending(project, store))
    report = ingest(project, tag=False)
    assert report.removed == {"withdrawn-paper": 3}
    with Store(project.store_location, readonly=True) as store:
        assert [d["id"] for d in store.documents()] == ["kept-plan"]
        assert store.passages("withdrawn-paper") == []
        methods = {r["old_id"]: r["method"] for r in store.db.execute(
            "SELECT old_id, method, new_id FROM passage_redirects WHERE doc_id = 'withdrawn-paper'")}
    assert methods == {pid: "removed" for pid in old_ids}
    assert search(project.index_location, "zeppelin")["total"] == 0
    assert search(project.index_location, "waiting")["total"] == 1

    build_site(project)
    assert not (project.site_dir / "doc" / "withdrawn-paper").exists()
    for pid in old_ids:
        page = (project.site_dir / "p" / pid / "index.html").read_text(encoding="utf-8")
        assert "has been removed from this corpus" in page and "zeppelin" not in page
    for path in project.site_dir.rglob("*"):
        if path.is_file():
            assert b"zeppelin" not in path.read_bytes(), path
    assert check_site(project.site_dir)[0] == []

    # the CLI says what happened, in one line, on the next run and when citing an old id
    again = run_measured("ingest", "--no-tag", root=project.root)
    again.assert_clean()
    assert again.rc == 0 and "removed" not in again.out
    cite = run_measured("cite", old_ids[0], root=project.root)
    cite.assert_clean()
    assert cite.rc == 1 and "removed from the manifest" in cite.err


def test_the_cli_reports_the_removal(project, tmp_path):
    gone = tmp_path / "withdrawn-paper.md"
    gone.write_text(GONE, encoding="utf-8")
    assert run_measured("ingest", gone, "--no-tag", root=project.root).rc == 0
    _drop_from_manifest(project, "withdrawn-paper")
    res = run_measured("ingest", "--no-tag", root=project.root)
    res.assert_clean()
    assert res.rc == 0
    assert "withdrawn-paper: removed (no longer in the manifest): 3 passages left the store" in res.out
    listed = run_measured("documents", "--json", root=project.root)
    assert "withdrawn-paper" not in listed.out
