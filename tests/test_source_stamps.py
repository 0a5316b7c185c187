"""An ingest of the whole manifest reads only the source files whose stamp (size,
modification and change times, inode) moved since they were last hashed, as
`git status` does; any change to a file's bytes is still seen, even one that keeps
its size and puts its modification time back."""

from __future__ import annotations

import os

import pytest

from scrutiny import stamps
from scrutiny.ingest import ingest, pending
from scrutiny.init import init_project
from scrutiny.project import Project
from scrutiny.store import Store


def _doc(n: int) -> str:
    return (f"# Stamp paper {n}\n\nThe Northfield Health Board will fund {n + 3} new advisers in every "
            f"district.\n\nWaiting lists for the service fell by a third in year {n}.\n")


@pytest.fixture
def hashed(monkeypatch):
    """The files hashed, by name (a list each test reads)."""
    read = []
    real = stamps.file_sha256

    def counting(path):
        read.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(stamps, "file_sha256", counting)
    return read


def _project(tmp_path, n: int = 3) -> Project:
    root = tmp_path / "p"
    init_project(root)
    project = Project(root)
    incoming = tmp_path / "in"
    incoming.mkdir()
    files = []
    for i in range(n):
        f = incoming / f"paper-{i}.md"
        f.write_text(_doc(i), encoding="utf-8")
        files.append(f)
    assert ingest(project, files, tag=False).ok
    return project


def test_unchanged_sources_are_not_read_again(tmp_path, monkeypatch, hashed):
    monkeypatch.setattr(stamps, "RACY_SECONDS", 0.0)
    project = _project(tmp_path)
    assert ingest(project, tag=False).ok
    assert sorted(hashed) == ["paper-0.md", "paper-1.md", "paper-2.md"]   # no stamp kept yet: read once
    hashed.clear()
    report = ingest(project, tag=False)
    assert hashed == [] and {d.status for d in report.documents} == {"unchanged"}
    with Store(project.store_path) as store:
        assert pending(project, store) == [] and hashed == []

    src = project.sources_dir / "paper-1.md"
    with src.open("a", encoding="utf-8") as fh:
        fh.write("\nA closing paragraph says the board will report again next year.\n")
    report = ingest(project, tag=False)
    assert hashed == ["paper-1.md"]
    assert {d.doc_id: d.status for d in report.documents}["paper-1"] == "ingested"


def test_a_change_that_keeps_the_size_and_the_modification_time_is_seen(tmp_path, monkeypatch, hashed):
    monkeypatch.setattr(stamps, "RACY_SECONDS", 0.0)
    project = _project(tmp_path)
    assert ingest(project, tag=False).ok
    src = project.sources_dir / "paper-2.md"
    before = src.stat()
    text = src.read_text(encoding="utf-8")
    src.write_text(text.replace("a third", "a fifth"), encoding="utf-8")      # the same length
    os.utime(src, ns=(before.st_atime_ns, before.st_mtime_ns))               # the old modification time
    assert src.stat().st_size == before.st_size and src.stat().st_mtime_ns == before.st_mtime_ns
    hashed.clear()
    with Store(project.store_path) as store:
        assert pending(project, store)                                          # its change time moved
    report = ingest(project, tag=False)
    assert "paper-2.md" in hashed
    assert {d.doc_id: d.status for d in report.documents}["paper-2"] == "ingested"
    with Store(project.store_path) as store:
        assert "a fifth" in " ".join(p.text for p in store.passages("paper-2"))


def test_a_file_hashed_just_after_it_changed_is_hashed_again_next_time(tmp_path, monkeypatch, hashed):
    """Its stamp is not kept: a second change in the same tick of the clock would not move it."""
    monkeypatch.setattr(stamps, "RACY_SECONDS", 3600.0)
    project = _project(tmp_path)
    assert ingest(project, tag=False).ok
    hashed.clear()
    assert ingest(project, tag=False).ok
    assert sorted(hashed) == ["paper-0.md", "paper-1.md", "paper-2.md"]


def test_a_removed_document_leaves_no_stamp(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "RACY_SECONDS", 0.0)
    project = _project(tmp_path)
    assert ingest(project, tag=False).ok
    text = project.manifest_path.read_text(encoding="utf-8")
    start = text.index("[documents.paper-0]")
    end = text.find("\n[", start + 1)
    project.manifest_path.write_text(text[:start] + (text[end + 1:] if end != -1 else ""), encoding="utf-8")
    (project.sources_dir / "paper-0.md").unlink()
    assert ingest(project, tag=False).ok
    with Store(project.store_path) as store:
        kept = stamps.SourceHashes(store).kept
    assert sorted(kept) == ["paper-1", "paper-2"]
