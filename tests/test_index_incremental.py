"""The search index is updated document by document: adding, changing or removing
one document writes that document's passages to a new segment (and deletes its
old ones), leaves every other segment file untouched, and never builds a fresh
index; `--rebuild` (ingest force) still builds one."""

from __future__ import annotations

import os
from pathlib import Path

from scrutiny.ingest import ingest
from scrutiny.search import search
from scrutiny.store import Store


def _doc(n: int, extra: str = "") -> str:
    words = ["harbour", "meadow", "lantern", "orchard", "quarry", "willow", "beacon", "thistle"]
    return (f"# Synthetic paper {n}\n\n## Section one\n\nThe {words[n % 8]} programme will fund {n + 3} new "
            f"advisers in every district.\n\nProviders reported that waiting lists for the {words[n % 8]} "
            f"service fell in {2010 + n}.\n\n## Section two\n\nThe board should review the {words[n % 8]} "
            f"budget each year.{extra}\n")


def _files(index_link: Path) -> dict[str, tuple[int, int]]:
    """Every segment file of the live index: name -> (inode, mtime)."""
    target = index_link.resolve()
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in target.iterdir()
            if p.suffix in (".seg", ".trm", ".pst", ".fdt", ".fdi", ".vps", ".pos", ".lns", ".col") or
            p.name.endswith(".seg")}


def _stored(project) -> int:
    with Store(project.store_path) as store:
        return sum(d["passages"] for d in store.documents())


def test_one_document_added_changed_removed_rewrites_only_that_document(project, tmp_path):
    incoming = tmp_path / "in"
    incoming.mkdir()
    first = []
    for n in range(6):
        path = incoming / f"paper-{n}.md"
        path.write_text(_doc(n), encoding="utf-8")
        first.append(path)
    report = ingest(project, first, tag=False)
    assert report.index.mode == "rebuilt" and report.index.passages == _stored(project)
    target = project.index_path.resolve()
    before = _files(project.index_path)
    assert before, "no segment files found"

    # add one document: only its passages are written, to a new segment of the same index
    new = incoming / "paper-new.md"
    new.write_text(_doc(11), encoding="utf-8")
    report = ingest(project, [new], tag=False)
    with Store(project.store_path) as store:
        new_passages = store.document("paper-new")["passages"]
    assert report.index.mode == "updated"
    assert report.index.documents_added == 1 and report.index.documents_deleted == 0
    assert report.index.passages == new_passages          # what was written: that document only
    assert project.index_path.resolve() == target           # no fresh index swapped in
    after = _files(project.index_path)
    assert all(after.get(name) == stamp for name, stamp in before.items()), "an old segment file was rewritten"
    assert set(after) - set(before)                          # a new segment
    hits = search(project.index_path, "orchard")["hits"]     # 11 % 8 == 3: the new paper and paper-3
    assert {h["doc_id"] for h in hits} == {"paper-new", "paper-3"}
    assert search(project.index_path, "meadow")["total"] >= 1  # the old documents still answer

    # change one document: its old passages are deleted, its new ones written
    (project.root / "corpus" / "sources" / "paper-new.md").write_text(
        _doc(11, " A sentence about the kestrel survey was added."), encoding="utf-8")
    report = ingest(project, tag=False)
    assert report.index.mode == "updated"
    assert report.index.documents_added == 1 and report.index.documents_deleted == 1
    with Store(project.store_path) as store:
        assert report.index.passages == store.document("paper-new")["passages"]
    assert [h["doc_id"] for h in search(project.index_path, "kestrel")["hits"]] == ["paper-new"]
    total = search(project.index_path, "programme")["total"]
    assert total == 7                                         # one passage per document, no duplicates

    # remove one document from the manifest: its passages leave the index
    manifest = project.manifest_path.read_text(encoding="utf-8")
    start = manifest.index("[documents.paper-new]")
    end = manifest.find("\n[", start + 1)
    project.manifest_path.write_text(manifest[:start] + (manifest[end + 1:] if end != -1 else ""), encoding="utf-8")
    report = ingest(project, tag=False)
    assert report.index.mode == "updated" and report.index.passages == 0
    assert report.index.documents_deleted == 1
    assert search(project.index_path, "kestrel")["total"] == 0
    assert search(project.index_path, "programme")["total"] == 6
    assert project.index_path.resolve() == target

    # nothing changed: nothing written
    report = ingest(project, tag=False)
    assert report.index is None

    # --rebuild (force): a fresh index, swapped in
    report = ingest(project, tag=False, force=True)
    assert report.index.mode == "rebuilt" and report.index.passages == _stored(project)
    assert project.index_path.resolve() != target
    assert search(project.index_path, "programme")["total"] == 6


def test_many_small_additions_keep_few_segments(project, tmp_path):
    """Whoosh's MERGE_SMALL folds small segments together as they come: twelve
    documents added one by one do not leave twelve segments."""
    incoming = tmp_path / "in"
    incoming.mkdir()
    for n in range(12):
        path = incoming / f"p{n}.md"
        path.write_text(_doc(n), encoding="utf-8")
        report = ingest(project, [path], tag=False)
    assert report.index.mode == "updated"
    assert report.index.segments <= 6
    assert search(project.index_path, "programme")["total"] == 12
    assert os.path.islink(project.index_path)
