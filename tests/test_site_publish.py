"""The site is published whole: built in a fresh folder beside site/ and swapped
in, so that a reader or a kill sees the old complete site or the new one. A
symbolic link planted inside site/ never makes the build read or write outside
it; leftovers of a stopped build are cleaned by the next; `--check` lists what
the build did not make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers_site import build, make_kb, make_store
from scrutiny.errors import ScrutinyError
from scrutiny.site import build_site, stray_files
from scrutiny.site.linkcheck import check_site


def tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "index.html").write_text("the victim's own page\n")
    (folder / "secret.txt").write_text("a secret that must not be published\n")
    return folder


def snapshot(folder: Path):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def run_cli(*args, root):
    proc = subprocess.run([sys.executable, "-m", "scrutiny", "--root", str(root), *map(str, args)],
                          capture_output=True, text=True)
    return proc


def test_a_change_publishes_only_the_changed_files_in_place(project):
    """The folder as the last build left it: the changed files are renamed into it
    (a journaled patch), every other file is untouched, nothing is left beside it."""
    stats, passages, kb = build(project)
    site = project.site_dir
    first = os.stat(site)
    unchanged_before = os.stat(site / "static" / "site.css")
    page = site / "stakeholders" / "northfield" / "index.html"
    page_before = os.stat(page)
    # a change that touches some pages
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    again = build_site(project, curated=kb)
    assert again.pages_written > 0 and again.pages_written < again.pages
    assert os.stat(site).st_ino == first.st_ino                  # the same folder, patched
    assert os.stat(page).st_ino != page_before.st_ino            # a changed page: a new file renamed in
    css = os.stat(site / "static" / "site.css")
    assert css.st_ino == unchanged_before.st_ino                 # an unchanged file is the same file
    assert "Northfield Trust (renamed)" in page.read_text()
    assert check_site(site)[0] == []
    assert stray_files(project) == []
    assert [p for p in project.root.iterdir() if p.name.startswith(".site.")] == []
    _same_as_a_whole_build(project, kb)


def test_a_folder_touched_since_the_last_build_is_published_whole(project):
    """A file put at the top of the site by hand (its folder's time moved): the
    build walks the folder, links the unchanged files into a new one and swaps it in."""
    stats, passages, kb = build(project)
    site = project.site_dir
    first = os.stat(site)
    unchanged_before = os.stat(site / "static" / "site.css")
    (site / "notes.txt").write_text("ours\n")
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    again = build_site(project, curated=kb)
    assert again.pages_written > 0 and again.pages_written < again.pages
    assert os.stat(site).st_ino != first.st_ino                  # a new folder was swapped in
    assert os.stat(site / "static" / "site.css").st_ino == unchanged_before.st_ino   # linked
    assert (site / "notes.txt").read_text() == "ours\n" and again.stray == ["notes.txt"]
    gone_soon(project)


def test_a_publish_stopped_half_way_is_completed_by_the_next_build(project, monkeypatch):
    """Killed while renaming the changed files in: the next build finishes the
    journal first (the site is never left half patched)."""
    from scrutiny.site import publish

    stats, passages, kb = build(project)
    site = project.site_dir
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    real_rename = os.rename
    calls = []

    def dies_after_one(src, dst, *a, **k):
        if k.get("dst_dir_fd") is not None:
            calls.append(dst)
            if len(calls) == 2:
                raise KeyboardInterrupt("killed")
        return real_rename(src, dst, *a, **k)

    monkeypatch.setattr(publish.os, "rename", dies_after_one)
    with pytest.raises(KeyboardInterrupt):
        build_site(project, curated=kb)
    monkeypatch.setattr(publish.os, "rename", real_rename)
    journaled = [p for p in project.root.iterdir() if p.name.startswith(".site.build-")]
    assert len(journaled) == 1 and (journaled[0] / publish.JOURNAL).is_file()
    # the journal belongs to a process that is gone (a kill): the next build completes it
    monkeypatch.setattr(publish, "leftovers", lambda out, real=publish.leftovers: [
        p for p in journaled if p.exists()] + [p for p in real(out) if p not in journaled])
    again = build_site(project, curated=kb)
    assert any("stopped while publishing" in n for n in again.notes), again.notes
    assert not journaled[0].exists()
    assert "Northfield Trust (renamed)" in (site / "stakeholders" / "northfield" / "index.html").read_text()
    _same_as_a_whole_build(project, kb)


def _same_as_a_whole_build(project, kb):
    whole = project.root / "whole"
    build_site(project, whole, curated=kb, cache_dir=project.root / "whole-cache")
    assert tree(project.site_dir) == tree(whole)
    import shutil

    shutil.rmtree(whole)


def gone_soon(project, seconds=60):
    """The replaced site is removed by a process of its own: soon nothing is left beside site/."""
    import time

    deadline = time.monotonic() + seconds
    while [p for p in project.root.iterdir() if p.name.startswith(".site.")]:
        assert time.monotonic() < deadline, list(project.root.iterdir())
        time.sleep(0.1)


def test_a_build_that_changes_nothing_publishes_nothing(project):
    kb = build(project)[2]
    ino = os.stat(project.site_dir).st_ino
    again = build_site(project, curated=kb)
    assert again.pages_written == 0 and again.files_removed == 0
    assert os.stat(project.site_dir).st_ino == ino


def test_a_symlink_planted_inside_the_site_is_never_written_through(project, outside):
    kb = build(project)[2]
    site = project.site_dir
    before = snapshot(outside)
    # a planted page and a planted folder, both leading out of the site
    (site / "index.html").unlink()
    (site / "index.html").symlink_to(outside / "index.html")
    import shutil

    shutil.rmtree(site / "claims")
    (site / "claims").symlink_to(outside, target_is_directory=True)
    (site / "secret.txt").symlink_to(outside / "secret.txt")
    stats = build_site(project, curated=kb)
    assert snapshot(outside) == before                                  # nothing written outside
    assert not (site / "index.html").is_symlink() and "victim" not in (site / "index.html").read_text()
    assert (site / "claims").is_dir() and not (site / "claims").is_symlink()
    assert not os.path.lexists(site / "secret.txt")                     # a link is never carried over
    assert not any(p.is_symlink() for p in site.rglob("*"))
    assert not any(b"a secret" in p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert any("symbolic link" in n for n in stats.notes)
    assert check_site(site)[0] == []


def test_a_symlinked_site_folder_is_refused(project, outside):
    project.site_dir.symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    with pytest.raises(ScrutinyError, match="symbolic link: refused"):
        build(project)
    assert snapshot(outside) == before
    proc = run_cli("site", root=project.root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "symbolic link: refused" in proc.stderr


@pytest.mark.parametrize("where", ["ROOT", "PARENT", ".scrutiny/site", "kb"])
def test_the_site_is_never_written_over_the_project(project, where):
    out = {"ROOT": project.root, "PARENT": project.root.parent}.get(where, project.root / where)
    kb = make_kb(make_store(project))
    before = sorted(p.name for p in project.root.iterdir())
    with pytest.raises(ScrutinyError, match="cannot be written there"):
        build_site(project, out, curated=kb)
    assert sorted(p.name for p in project.root.iterdir()) == before


def test_a_folder_of_other_files_is_not_taken_over(project, tmp_path):
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("my own notes\n")
    with pytest.raises(ScrutinyError, match="not a site scrutiny built"):
        build(project, other)
    assert (other / "todo.txt").read_text() == "my own notes\n"


def test_files_put_there_by_hand_are_kept_and_listed_as_stray(project):
    kb = build(project)[2]
    site = project.site_dir
    (site / "CNAME").write_text("campaign.example.org\n")
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:someone@example.org\n")
    # a change, so that a new folder is published
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed again)"
    stats = build_site(project, curated=kb)
    assert (site / "CNAME").read_text() == "campaign.example.org\n"
    assert (site / ".well-known" / "security.txt").is_file()
    assert sorted(stats.stray) == [".well-known/security.txt", "CNAME"]
    assert sorted(stray_files(project)) == ["site/.well-known/security.txt: not made by the build",
                                            "site/CNAME: not made by the build"]


def test_leftovers_of_a_stopped_build_are_cleaned_and_check_reports_them(project):
    build(project)
    site = project.site_dir
    # what the page-by-page writer left when killed, and a build folder of a dead process
    (site / "doc" / ".index.html.ab12cd34.tmp").write_text("half a page")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = project.root / f".site.build-{dead}-x1y2z3"
    stale.mkdir()
    (stale / "index.html").write_text("an unfinished site")
    lines = stray_files(project)
    assert "site/doc/.index.html.ab12cd34.tmp: a temporary file left by a build that was stopped" in lines
    assert f"{stale.name}/: left beside site/ by a build that was stopped" in lines
    proc = run_cli("site", "--check", root=project.root)
    assert proc.returncode == 0, proc.stderr                 # the build cleaned both before the check
    assert "0 broken; 0 stray file(s)" in proc.stdout
    assert not stale.exists() and not (site / "doc" / ".index.html.ab12cd34.tmp").exists()


def test_check_fails_on_a_stray_file(project):
    make_store(project)
    assert run_cli("site", root=project.root).returncode == 0
    (project.site_dir / "stray.html").write_text("<p>hand-made</p>")
    proc = run_cli("site", "--check", root=project.root)
    assert proc.returncode == 1
    assert "site/stray.html: not made by the build" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_swap_killed_between_two_renames_is_repaired(project, monkeypatch):
    """Where the system cannot exchange two folders in one step, two renames
    are used; a kill between them leaves no site/, which the next build puts back."""
    from scrutiny.site import publish

    kb = build(project)[2]
    site = project.site_dir
    before = tree(site)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    os.rename(site, project.root / f".site.old-{dead}-abcdefgh")
    assert not site.exists()
    again = build_site(project, curated=kb)
    assert any("put back" in n for n in again.notes)
    assert tree(site) == before
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    kb.stakeholders["northfield"].name = "Northfield (two renames)"
    build_site(project, curated=kb)
    assert "two renames" in (site / "stakeholders" / "northfield" / "index.html").read_text()
    gone_soon(project)


def test_serve_follows_the_swap(project):
    """`scrutiny serve` serves site/ by its name: after a swap it serves the new site."""
    import functools
    import threading
    import urllib.request
    from http.server import ThreadingHTTPServer

    from scrutiny.site.headers import handler_class

    kb = build(project)[2]
    # the server `scrutiny serve` runs: the site's handler given site/ by its name
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler_class(),
                                                                     directory=str(project.site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/stakeholders/northfield/"
    try:
        first = urllib.request.urlopen(url, timeout=30).read().decode()
        kb.stakeholders["northfield"].name = "Northfield served anew"
        build_site(project, curated=kb)
        second = urllib.request.urlopen(url, timeout=30).read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert "Northfield served anew" not in first and "Northfield served anew" in second


def test_the_published_folder_is_readable_by_others(project):
    """The build folder is private while it is built; published, it has the usual modes."""
    old = os.umask(0o022)
    try:
        build(project)
    finally:
        os.umask(old)
    assert os.stat(project.site_dir).st_mode & 0o777 == 0o755
    assert os.stat(project.site_dir / "doc").st_mode & 0o777 == 0o755
    for p in [project.site_dir / "index.html", project.site_dir / "static" / "site.css"]:
        assert os.stat(p).st_mode & 0o777 == 0o644


def test_the_build_reads_the_store_as_one_snapshot(project):
    """The site build holds one read transaction: a write committed while it
    runs (by a process outside the lock) is seen whole or not at all."""
    from scrutiny.site.context import gather
    from scrutiny.store import Store

    make_store(project)
    ctx = gather(project, curated=make_kb())
    try:
        assert ctx.store.db.in_transaction
        before = ctx.store.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        with Store(project.store_path) as writer, writer.transaction():
            writer.delete_document("evil")
        assert ctx.store.db.execute("SELECT count(*) FROM passages").fetchone()[0] == before
    finally:
        ctx.store.close()


# --- the record's changes, saved beside it ------------------------------------------------------

def _record_files(project):
    from scrutiny.site.writer import record_file

    whole = record_file(project.data_dir, project.site_dir)
    return whole, whole.with_name(whole.stem + "-delta.json")


def _written_by(monkeypatch):
    from scrutiny.site.writer import Writer

    seen = []
    real = Writer.write
    monkeypatch.setattr(Writer, "write", lambda self, rel, *a, **k: seen.append(rel) or real(self, rel, *a, **k))
    return seen


def test_a_patched_build_saves_its_changes_beside_the_record_and_the_next_build_reads_them(project, monkeypatch):
    """A build that publishes a few changed files saves those changes, not the record of
    every file; the build after it takes them as its record (the pages they name are
    not rendered again), and the site is the one a whole build makes."""
    import json

    kb = build(project)[2]
    whole, delta = _record_files(project)
    whole_before = whole.stat().st_mtime_ns
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    assert build_site(project, curated=kb).pages_written > 0
    assert whole.stat().st_mtime_ns == whole_before                 # not saved whole again
    saved = json.loads(delta.read_text(encoding="utf-8"))
    assert saved["gen"] == json.loads(whole.read_text(encoding="utf-8"))["gen"]
    assert "stakeholders/northfield/index.html" in saved["set"]

    # the next build's writer takes the saved changes as its record
    from scrutiny.site.writer import Writer, _record_pages, read_record

    rel = "stakeholders/northfield/index.html"
    base = _record_pages(json.loads(whole.read_text(encoding="utf-8")))
    merged = read_record(whole)[1]
    assert merged[rel] != base[rel] and merged[rel][1] == (project.site_dir / rel).stat().st_size
    w = Writer(project.site_dir, whole)
    assert w.patching and w._old == merged and w.fresh(rel, merged[rel][0])
    w.abandon()

    rendered = _written_by(monkeypatch)
    kb.stakeholders["bob-sample"].name = "Bob Sample-Renamed"
    third = build_site(project, curated=kb)
    assert third.pages_written > 0 and "stakeholders/bob-sample/index.html" in rendered
    saved = json.loads(delta.read_text(encoding="utf-8"))
    assert {rel, "stakeholders/bob-sample/index.html"} <= set(saved["set"])
    assert whole.stat().st_mtime_ns == whole_before
    assert stray_files(project) == []
    _same_as_a_whole_build(project, kb)


def test_many_changes_save_the_whole_record_again(project, monkeypatch):
    import json

    import scrutiny.site.writer as writer

    kb = build(project)[2]
    whole, delta = _record_files(project)
    gen = json.loads(whole.read_text(encoding="utf-8"))["gen"]
    monkeypatch.setattr(writer, "DELTA_MIN", 1)
    monkeypatch.setattr(writer, "DELTA_SHARE", 10 ** 9)
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    assert build_site(project, curated=kb).pages_written > 1
    assert json.loads(whole.read_text(encoding="utf-8"))["gen"] != gen and not delta.exists()
    _same_as_a_whole_build(project, kb)


@pytest.mark.parametrize("damage", ["torn", "wrong shape", "older generation"])
def test_damaged_or_older_changes_never_make_a_stale_page_fresh(project, damage):
    """Changes that cannot be read, or that belong to an older record, are not applied:
    the pages they would have vouched for are checked again, nothing is taken for a
    file put there by hand, and the site is the one a whole build makes."""
    import json

    kb = build(project)[2]
    whole, delta = _record_files(project)
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    build_site(project, curated=kb)
    saved = json.loads(delta.read_text(encoding="utf-8"))
    if damage == "torn":
        delta.write_text(delta.read_text(encoding="utf-8")[: len(delta.read_text(encoding="utf-8")) // 2])
    elif damage == "wrong shape":
        delta.write_text(json.dumps({**saved, "set": {rel: 7 for rel in saved["set"]}}))
    else:
        delta.write_text(json.dumps({**saved, "gen": "0" * 16}))
    kb.stakeholders["northfield"].name = "Northfield Trust (renamed again)"
    build_site(project, curated=kb)
    page = (project.site_dir / "stakeholders" / "northfield" / "index.html").read_text(encoding="utf-8")
    assert "renamed again" in page
    assert stray_files(project) == []
    _same_as_a_whole_build(project, kb)


def test_a_long_lived_process_reads_the_whole_record_once_then_its_changes(project, monkeypatch):
    """With the record kept (``scrutiny watch``), the builds after the first parse only the
    changes saved beside the whole record; the record they start from is what a fresh read
    of the files gives, and one saved whole again (a new file) is parsed again."""
    import scrutiny.site.writer as writer

    kb = build(project)[2]
    whole, delta = _record_files(project)
    parsed = []
    real = writer._record_pages
    monkeypatch.setattr(writer, "_record_pages", lambda data: parsed.append(1) or real(data))
    writer.keep_records(True)
    try:
        kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
        assert build_site(project, curated=kb).pages_written > 0
        assert len(parsed) == 1 and delta.exists()      # the first build parsed the whole record
        kb.stakeholders["northfield"].name = "Northfield Trust (renamed again)"
        assert build_site(project, curated=kb).pages_written > 0
        assert len(parsed) == 1                         # the second read the changes only
        kept = writer.read_record(whole)
        assert len(parsed) == 1
        writer.keep_records(False)
        assert kept == writer.read_record(whole) and len(parsed) == 2   # as a fresh read gives it
        # a record saved whole again is another file: parsed again, not taken from memory
        writer.keep_records(True)
        writer.read_record(whole)
        monkeypatch.setattr(writer, "DELTA_MIN", 1)
        monkeypatch.setattr(writer, "DELTA_SHARE", 10 ** 9)
        kb.stakeholders["northfield"].name = "Northfield Trust (renamed a third time)"
        parsed.clear()
        build_site(project, curated=kb)
        assert parsed == [] and not delta.exists()     # started from memory, saved whole
        assert writer.read_record(whole)[1] is not None and parsed == [1]
        page = (project.site_dir / "stakeholders" / "northfield" / "index.html").read_text(encoding="utf-8")
        assert "renamed a third time" in page
    finally:
        writer.keep_records(False)
    _same_as_a_whole_build(project, kb)
