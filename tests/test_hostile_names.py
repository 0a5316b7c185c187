"""Odd file names and links: a newline in a name cannot forge an output line, a
symbolic link is refused for what it is, and a run that fails or is killed
leaves no unregistered copy in corpus/sources/."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers_hostile import markdown_good, run_measured
from scrutiny.errors import printable
from scrutiny.fetch import sha256_file


def _sources(project):
    return sorted(p.name for p in project.sources_dir.iterdir())


def test_a_newline_in_a_file_name_cannot_forge_a_line(project, tmp_path):
    forged = tmp_path / "evil\nreport.pdf: ingested, 3 pages.pdf"
    forged.write_bytes(b"%PDF-1.4 not really a PDF")
    bidi = tmp_path / "invoice\u202etxt.pdf"
    bidi.write_bytes(b"%PDF-1.4 nor this")
    res = run_measured("ingest", forged, bidi, "--no-tag", root=project.root)
    res.assert_clean()
    lines = res.err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(str(tmp_path) + "/evil\\nreport.pdf: ingested, 3 pages.pdf: not a valid PDF")
    assert lines[1].startswith(str(tmp_path) + "/invoice\\u202etxt.pdf: ")


def test_printable_escapes_only_what_would_act_on_a_terminal():
    assert printable("Café résumé (2019).pdf") == "Café résumé (2019).pdf"
    assert printable("a\nb\rc\td\x1b[31m\x7f\u2028\u202e\u200b") == "a\\nb\\rc\\td\\x1b[31m\\x7f\\u2028\\u202e\\u200b"
    assert printable(os.fsdecode(b"bad\xff.txt")) == "bad\\xff.txt"   # the byte, not a crash on output


def test_a_file_name_that_is_not_utf8(project, tmp_path):
    name = os.fsdecode(b"notes-\xff.txt")
    (tmp_path / name).write_text("Plain words about pensions.\n\nAnother paragraph here.\n")
    broken = tmp_path / os.fsdecode(b"broken-\xfe.pdf")
    broken.write_bytes(b"%PDF-1.4 truncated")
    res = run_measured("ingest", tmp_path / name, broken, "--no-tag", root=project.root)
    res.assert_clean()
    assert res.rc == 1
    assert res.err.splitlines() == [l for l in res.err.splitlines() if "broken-\\xfe.pdf: not a valid PDF" in l]
    assert "notes: 1 pages" in res.out
    assert _sources(project) == ["notes-\ufffd.txt"]


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:secret words nobody should publish\n")
    return secret


def test_a_symlinked_file_is_refused_as_a_link(project, outside, tmp_path):
    inside = project.sources_dir / "notes.txt"
    inside.symlink_to(outside)
    elsewhere = tmp_path / "report.txt"
    elsewhere.symlink_to(outside)
    res = run_measured("ingest", inside, elsewhere, "--no-tag", root=project.root)
    res.assert_clean()
    assert res.rc == 1
    for link in (inside, elsewhere):
        assert f"{link}: refused: this is a symbolic link (to {outside}), not a file" in res.err
    assert "extension" not in res.err
    assert _sources(project) == ["notes.txt"] and inside.is_symlink()  # the link itself is left alone
    assert "nobody should publish" not in project.manifest_path.read_text()


def test_a_manifest_source_that_is_a_link_is_refused(project, outside):
    """Out of the project (the confinement check) or within it (the reader): refused
    as a link either way, and nothing of the target is read."""
    (project.sources_dir / "linked.txt").symlink_to(outside)
    (project.root / "notes").mkdir()
    (project.root / "notes" / "draft.txt").write_text("Private draft words, never to be published.\n")
    (project.sources_dir / "draft.txt").symlink_to(project.root / "notes" / "draft.txt")
    with project.manifest_path.open("a") as fh:
        for doc in ("linked", "draft"):
            fh.write(f'\n[documents.{doc}]\ntitle = "{doc}"\nkind = "policy"\nsource = "{doc}.txt"\n')
    res = run_measured("ingest", "--no-tag", root=project.root)
    res.assert_clean()
    assert res.rc == 1
    assert f"leads through a symbolic link to {outside}, outside the project: refused" in res.err
    assert (f"corpus/sources/draft.txt: refused: this is a symbolic link (to {project.root}/notes/draft.txt), "
            "not a file") in res.err
    for word in ("nobody", "draft"):
        assert run_measured("search", word, "--json", root=project.root).out.count('"passage_id"') == 0


def test_a_failed_run_leaves_no_unregistered_copy(project, tmp_path, monkeypatch):
    from scrutiny import ingest as ingest_mod
    from scrutiny.store import Store

    good = markdown_good(tmp_path / "good-note.md")
    manifest_before = project.manifest_path.read_text()

    def locked(self):
        raise RuntimeError("database is locked (simulated)")

    monkeypatch.setattr(Store, "transaction", locked)
    with pytest.raises(RuntimeError):
        ingest_mod.ingest(project, [good], tag=False)
    assert _sources(project) == []
    assert project.manifest_path.read_text() == manifest_before


def test_a_killed_run_is_settled_by_the_next(project, tmp_path):
    """A run killed after registering its files but before putting them in place
    leaves hidden parts: the next run puts a registered one in place and removes
    an unregistered one."""
    from scrutiny.ingest import _part_path

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    good = markdown_good(tmp_path / "kept-note.md")
    assert run_measured("ingest", good, "--no-tag", root=project.root).rc == 0
    placed = project.sources_dir / "kept-note.md"
    part = _part_path(placed, pid)
    placed.replace(part)                      # registered, but still a part when the run died
    stray = _part_path(project.sources_dir / "never-registered.md", pid)
    stray.write_text("# Never registered\n\nA copy nobody registered.\n")
    mine = _part_path(project.sources_dir / "in-use.md", os.getpid())   # a live run's part: untouched
    mine.write_text("# In use\n")
    res = run_measured("ingest", "--no-tag", root=project.root)
    res.assert_clean()
    assert res.rc == 0, res.err
    assert "corpus/sources/kept-note.md: put in place" in res.out
    assert f"corpus/sources/{stray.name}: removed" in res.out
    assert placed.is_file() and sha256_file(placed) == sha256_file(good)
    assert not stray.exists() and mine.exists()
    assert "kept-note: unchanged" in res.out
