"""Revisions as users make them: a revised file ingested by its path (from
wherever it was saved) is a new version of the document of the same name;
`scrutiny history` lists the versions; the earlier file is kept; an edited
paragraph re-anchors with a visible "wording changed" notice; an orphan
still shows the words it cited. The fixture (test_anchor's V1 -> V2) covers
an edit, a move, a split, a merge and deletions."""

from __future__ import annotations

import hashlib
import json

import pytest
from test_anchor import V1, V2
from test_anchor_ingest import _markdown

from scrutiny.store import Store


@pytest.fixture
def project(project_on_engine):
    """These tests run on both engines (SQLite and PostgreSQL)."""
    return project_on_engine


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def revised(project, tmp_path, cli_runner):
    """v1 saved in one downloads folder, v2 (same name) in another, both ingested by path."""
    first, second = tmp_path / "downloads" / "march", tmp_path / "downloads" / "june"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    v1, v2 = first / "council-report.md", second / "council-report.md"
    v1.write_text(_markdown(V1), encoding="utf-8")
    v2.write_text(_markdown(V2), encoding="utf-8")
    res = cli_runner("ingest", str(v1), "--no-tag", "--title", "A Synthetic Council Report",
                     "--publisher", "Example Borough Council", "--date", "2024-03", root=project.root)
    assert res.exit_code == 0, res.output
    with Store(project.store_location, readonly=True) as store:
        old = store.passages("council-report")
    res = cli_runner("ingest", str(v2), "--no-tag", root=project.root)
    assert res.exit_code == 0, res.output
    return project, v1, v2, old, res


def _old(old, start):
    return next(p for p in old if p.text.startswith(start))


def test_a_revised_file_of_the_same_name_is_a_new_version(revised, cli_runner):
    project, v1, v2, old, res = revised
    assert "council-report: a new version of the document" in res.stdout
    from scrutiny.manifest import load_manifest

    manifest = load_manifest(project.manifest_path)
    assert list(manifest.documents) == ["council-report"]          # not council-report-2
    assert manifest.documents["council-report"].title == "A Synthetic Council Report"  # kept from --title
    res = cli_runner("history", "council-report", "--json", root=project.root)
    assert res.exit_code == 0, res.output
    versions = json.loads(res.stdout)
    assert [v["sha256"] for v in versions] == [_sha(v1), _sha(v2)]
    assert [v["current"] for v in versions] == [False, True]
    kept = project.root / versions[0]["kept_as"]
    assert kept.parent == project.sources_dir / "versions" and kept.read_bytes() == v1.read_bytes()
    assert (project.sources_dir / "council-report.md").read_bytes() == v2.read_bytes()
    assert versions[1]["passage_ids"] == {"re-anchored": 4, "orphaned": 4}
    text = cli_runner("history", "council-report", root=project.root).stdout
    assert _sha(v1)[:16] in text and _sha(v2)[:16] in text and "current" in text


def test_every_kind_of_revision_resolves(revised):
    project, v1, v2, old, _ = revised
    with Store(project.store_location, readonly=True) as store:
        methods = {" ".join(p.text.split()[:2]): store.resolve_passage(p.id)[1] for p in old}
    method = {k: (r.method if r else "same id") for k, r in methods.items()}
    assert method["The council"] == "same id"            # moved: the id does not change
    assert method["Peer support"] == "fuzzy"             # edited
    assert method["The board"] == "split"
    assert method["Rural clinics"] == "merged"
    assert method["The pilot"] == "orphan"               # deleted


def test_edited_wording_is_shown_old_and_new(revised, cli_runner):
    project, _, _, old, _ = revised
    edited = _old(old, "Peer support")
    res = cli_runner("show", edited.id, root=project.root)
    assert res.exit_code == 0, res.output
    assert "Wording changed since" in res.stdout
    assert f"< {edited.text}" in res.stdout                   # the words it was cited for
    with Store(project.store_location, readonly=True) as store:
        now = store.resolve_passage(edited.id)[0]
    assert f"> {now.text}" in res.stdout and now.text != edited.text
    res = cli_runner("cite", edited.id, "--quote", "--json", root=project.root)
    assert res.exit_code == 0, res.output
    assert "has changed" in res.stderr and edited.text in res.stderr and now.text in res.stderr
    assert json.loads(res.stdout)["redirect"]["old_text"] == edited.text


def test_an_orphan_still_shows_the_words_it_cited(revised, cli_runner):
    project, v1, _, old, _ = revised
    gone = _old(old, "The pilot")
    res = cli_runner("show", gone.id, root=project.root)
    assert res.exit_code == 0, res.output
    assert f"< {gone.text}" in res.stdout
    assert "corpus/sources/versions/council-report." in res.stdout and _sha(v1)[:16] in res.stdout
    res = cli_runner("cite", gone.id, root=project.root)
    assert res.exit_code == 1 and "orphaned" in res.output and "kept as corpus/sources/versions/" in res.output


def test_new_and_as(project, tmp_path, cli_runner):
    a, b = tmp_path / "a" / "notes.md", tmp_path / "b" / "notes.md"
    for path, words in ((a, "First synthetic note about clinics."), (b, "Second synthetic note about rotas.")):
        path.parent.mkdir(parents=True)
        path.write_text(f"# Notes\n\n{words}\n", encoding="utf-8")
    assert cli_runner("ingest", str(a), "--no-tag", root=project.root).exit_code == 0
    res = cli_runner("ingest", str(b), "--no-tag", "--new", root=project.root)
    assert res.exit_code == 0, res.output
    from scrutiny.manifest import load_manifest

    docs = load_manifest(project.manifest_path).documents
    assert sorted(docs) == ["notes", "notes-2"] and docs["notes-2"].source == "notes-2.md"
    # --as: a file of another name is a version of the named document
    c = tmp_path / "c" / "renamed.md"
    c.parent.mkdir()
    c.write_text("# Notes\n\nFirst synthetic note about clinics, revised.\n", encoding="utf-8")
    res = cli_runner("ingest", str(c), "--no-tag", "--as", "notes", root=project.root)
    assert res.exit_code == 0, res.output
    docs = load_manifest(project.manifest_path).documents
    assert sorted(docs) == ["notes", "notes-2"]
    assert (project.sources_dir / "notes.md").read_bytes() == c.read_bytes()
    res = cli_runner("ingest", str(c), "--no-tag", "--as", "notes", "--new", root=project.root)
    assert res.exit_code == 1 and "contradict" in res.output


def test_a_file_at_the_project_top_ingested_twice_is_one_document(project, cli_runner):
    path = project.root / "report.md"
    path.write_text("# Report\n\nA synthetic paragraph about waiting lists.\n", encoding="utf-8")
    assert cli_runner("ingest", str(path), "--no-tag", root=project.root).exit_code == 0
    path.write_text("# Report\n\nA synthetic paragraph about waiting lists and rotas.\n", encoding="utf-8")
    res = cli_runner("ingest", str(path), "--no-tag", root=project.root)
    assert res.exit_code == 0, res.output
    from scrutiny.manifest import load_manifest

    assert list(load_manifest(project.manifest_path).documents) == ["report"]


def test_the_version_an_old_id_was_on_within_the_same_second(project):
    """Two ingests in one second (timestamps are to the second): the version a
    revision replaced is found by when it was replaced, not by comparing times."""
    from scrutiny import versions

    with Store(project.store_location) as store:
        with store.transaction():
            versions.record(store, "doc", "a" * 64, "doc.pdf", 3, 10, "2026-01-01T10:00:00",
                            page_labels=["i", "ii", "1"])
            versions.record(store, "doc", "b" * 64, "doc.pdf", 3, 11, "2026-01-01T10:00:00",
                            kept_as="corpus/sources/versions/doc.2026-01-01.aaaaaaaa.pdf")
        found = versions.version_at(store, "doc", "2026-01-01T10:00:00")
        assert found.sha256 == "a" * 64 and found.kept_as.endswith("aaaaaaaa.pdf")
        assert found.page_labels == ["i", "ii", "1"]
