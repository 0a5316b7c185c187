"""A hostile or careless manifest: paths that leave the project, values of the
wrong type, text that is not UTF-8, long and odd file names. Every case is one
clear line, no traceback, and 0 files read or written outside the project."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import httpx
import pytest

from conftest import run_cli
from helpers_fetch import Web, pdf
from scrutiny.errors import ProjectError
from scrutiny.fetch import FetchSettings, fetch_all
from scrutiny.fetch.download import download
from scrutiny.manifest import ID_RE, load_manifest
from scrutiny.names import NAME_MAX, part_path, safe_file_name, shown

HEADER = '[project]\nname = "t"\n\n[documents]\n\n'


@pytest.fixture(scope="module")
def server():
    web = Web()
    yield web
    web.close()


@pytest.fixture
def web(server, monkeypatch):
    server.reset()
    s = server.settings()
    for key, value in (("SCRUTINY_GOVUK_URL", s.govuk_url), ("SCRUTINY_UKGWA_URL", s.ukgwa_url),
                       ("SCRUTINY_WAYBACK_URL", s.wayback_url), ("SCRUTINY_WAYBACK_API_URL", s.wayback_api_url),
                       ("NO_PROXY", "127.0.0.1,localhost"), ("SCRUTINY_FETCH_ARCHIVES", "0")):
        monkeypatch.setenv(key, value)
    yield server
    server.reset()


@pytest.fixture
def outside(tmp_path):
    """A folder beside the project with a file a hostile manifest would like to
    overwrite or read; ``snapshot()`` is its exact state."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.pdf").write_bytes(b"%PDF-1.4 the victim's own file\n")
    (folder / "secret.txt").write_text("a secret that must not be copied\n")

    return Outside(folder)


class Outside(type(Path())):
    def snapshot(self):
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(self.iterdir())}


def set_manifest(project, body: str):
    project.manifest_path.write_text(HEADER + body, encoding="utf-8")


def no_traceback(res):
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)


def secret_copied(project) -> bool:
    return any(b"a secret" in p.read_bytes() for p in project.root.rglob("*") if p.is_file() and not p.is_symlink())


# --- paths leaving the project ------------------------------------------------------

@pytest.mark.parametrize("source", ["../../outside/victim.pdf", "../outside/victim.pdf",
                                    "ABSOLUTE", "corpus/../../outside/victim.pdf", ".scrutiny/store.db"])
def test_a_source_leaving_the_project_is_refused(project, outside, web, source, cli_runner):
    web.route("/doc.pdf", pdf("attacker's bytes"))
    if source == "ABSOLUTE":
        source = str(outside / "victim.pdf")
    before = outside.snapshot()
    set_manifest(project, f'[documents.x]\ntitle = "X"\nurl = "{web.url("/doc.pdf")}"\nsource = "{source}"\n')
    for command in (["fetch", "--force"], ["ingest"], ["documents"]):
        res = cli_runner(*command, "--root", project.root)
        assert res.exit_code == 1, res.output
        assert "manifest.toml:9:" in res.output and "refused" in res.output
        assert len(res.output.strip().splitlines()) == 1
        no_traceback(res)
    assert outside.snapshot() == before
    assert web.requested("/doc.pdf") == 0


def test_a_symlinked_sources_folder_is_not_written_through(project, outside, web, cli_runner):
    web.route("/doc.pdf", pdf("attacker's bytes"))
    before = outside.snapshot()
    sources = project.sources_dir
    sources.rmdir()
    sources.symlink_to(outside, target_is_directory=True)
    set_manifest(project, f'[documents.victim]\ntitle = "V"\nurl = "{web.url("/doc.pdf")}"\nsource = "victim.pdf"\n')
    res = cli_runner("fetch", "--force", "--root", project.root)
    assert res.exit_code == 1
    assert "symbolic link" in res.output and "outside the project" in res.output
    no_traceback(res)
    assert outside.snapshot() == before


def test_a_symlinked_source_file_is_neither_read_nor_replaced(project, outside, web, cli_runner):
    web.route("/doc.pdf", pdf("attacker's bytes"))
    before = outside.snapshot()
    link = project.sources_dir / "victim.pdf"
    link.symlink_to(outside / "victim.pdf")
    set_manifest(project, f'[documents.victim]\ntitle = "V"\nurl = "{web.url("/doc.pdf")}"\nsource = "victim.pdf"\n')
    for command in (["fetch", "--force"], ["ingest"]):
        res = cli_runner(*command, "--root", project.root)
        assert res.exit_code == 1, res.output
        assert "outside the project: refused" in res.output
        no_traceback(res)
    assert outside.snapshot() == before
    assert link.is_symlink()  # left as it is, for the user to look at
    assert not project.store_path.exists() or b"victim's own" not in project.store_path.read_bytes()


def test_a_symlink_inside_the_project_is_followed(project, cli_runner):
    (project.root / "notes").mkdir()
    (project.root / "notes" / "real.txt").write_text("Our own note, kept in the project.\n")
    (project.sources_dir / "note.txt").symlink_to(project.root / "notes" / "real.txt")
    set_manifest(project, '[documents.note]\ntitle = "Note"\nsource = "note.txt"\n')
    res = cli_runner("fetch", "--root", project.root)
    assert res.exit_code == 0 and "note: present" in res.output


@pytest.mark.parametrize("mirror", ["../outside/secret.txt", "ABSOLUTE", "LINK"])
def test_mirrors_outside_the_project_are_never_copied(project, outside, mirror, cli_runner):
    if mirror == "ABSOLUTE":
        mirror = str(outside / "secret.txt")
    elif mirror == "LINK":
        (project.root / "mirrors").mkdir()
        (project.root / "mirrors" / "secret.txt").symlink_to(outside / "secret.txt")
        mirror = "mirrors/secret.txt"
    set_manifest(project, f'[documents.s]\ntitle = "S"\nsource = "s.txt"\nmirrors = ["{mirror}"]\n')
    res = cli_runner("fetch", "--root", project.root)
    assert res.exit_code == 1
    assert "outside the project: refused" in res.output and "--mirror-dir" in res.output
    no_traceback(res)
    assert not (project.sources_dir / "s.txt").exists()
    assert not secret_copied(project)


def test_a_trusted_mirror_folder_outside_the_project(project, outside, cli_runner):
    set_manifest(project, '[documents.s]\ntitle = "S"\nsource = "s.txt"\nmirrors = ["../outside/secret.txt"]\n')
    res = cli_runner("fetch", "--mirror-dir", outside, "--root", project.root)
    assert res.exit_code == 0, res.output
    assert (project.sources_dir / "s.txt").read_text() == "a secret that must not be copied\n"
    entry = load_manifest(project.manifest_path).get("s")
    assert entry.sha256 == hashlib.sha256(b"a secret that must not be copied\n").hexdigest()
    assert "retrieved" not in entry.extra  # a local copy: no retrieval to record


# --- values of the wrong type ---------------------------------------------------------

@pytest.mark.parametrize("line, words", [
    ("url = 5", "url must be text in quotes, not the number 5"),
    ("title = 42", "title must be text in quotes, not the number 42"),
    ('source = ["a.pdf", "b.pdf"]', "source must be text in quotes, not a list"),
    ("authors = [1, 2]", "authors must be a list of texts in quotes, not a list holding the number 1"),
    ('url_checked = "yes"', "url_checked must be true or false"),
    ('sha256 = "abc"', "sha256 must be 64 lower-case hexadecimal digits"),
    ("retrieved = 3", "retrieved must be a table"),
    ('source = "a\\nError: forged.pdf"', "contains a control character"),
])
@pytest.mark.parametrize("command", [["documents"], ["ingest"], ["site"], ["fetch"]])
def test_a_wrong_value_is_one_line_with_file_and_line(project, line, words, command, cli_runner):
    body = f'[documents.x]\ntitle = "X"\n{line}\n'.replace('title = "X"\ntitle = 42', "title = 42")
    set_manifest(project, body)
    res = cli_runner(*command, "--root", project.root)
    assert res.exit_code == 1, res.output
    out = res.output.strip()
    assert len(out.splitlines()) == 1, out
    assert out.startswith("Error: ") and "manifest.toml:" in out and words in out
    assert "\nError: forged" not in res.output
    no_traceback(res)


def test_every_wrong_value_names_its_own_line(project):
    set_manifest(project, '[documents.x]\ntitle = "X"\n\n[documents.y]\ntitle = "Y"\npublisher = 7\n')
    with pytest.raises(ProjectError) as err:
        load_manifest(project.manifest_path)
    text = project.manifest_path.read_text().splitlines()
    line = int(str(err.value).split(":")[1])
    assert text[line - 1] == "publisher = 7"


def test_a_manifest_that_is_not_utf8_names_the_byte(project, cli_runner):
    raw = (HEADER + '[documents.x]\ntitle = "Caf').encode() + b"\xe9" + b'"\n'
    project.manifest_path.write_bytes(raw)
    for command in (["documents"], ["fetch"], ["ingest"]):
        res = cli_runner(*command, "--root", project.root)
        assert res.exit_code == 1
        assert f"byte 0xe9 at byte offset {raw.index(bytes([0xe9]))}" in res.output and "UTF-8" in res.output
        assert "manifest.toml:7:" in res.output
        no_traceback(res)


def test_ids_anchor_at_the_very_end():
    assert ID_RE.match("fyfvmh-2")
    assert not ID_RE.match("evil\n") and not ID_RE.match("evil\nmore") and not ID_RE.match("Evil")


def test_an_id_with_a_newline_is_refused(project, cli_runner):
    set_manifest(project, '[documents."evil\\n"]\ntitle = "X"\n')
    res = cli_runner("documents", "--root", project.root)
    assert res.exit_code == 1 and "'evil\\n'" in res.output
    assert len(res.output.strip().splitlines()) == 1


# --- long and odd file names ----------------------------------------------------------

def test_names_helpers():
    assert shown("a\nb\x1b[31m") == "a\\nb\\x1b[31m"
    assert safe_file_name("report.pdf") == "report.pdf"
    long = "x" * 300 + ".pdf"
    safe = safe_file_name(long)
    assert len(safe.encode()) <= NAME_MAX and safe.endswith(".pdf")
    assert safe_file_name("y" + long) != safe  # two long names stay distinct
    assert safe_file_name("ré" * 200 + ".pdf").encode("utf-8").decode("utf-8")  # no split character
    assert "\n" not in safe_file_name("a\nb.pdf") and "/" not in safe_file_name("a/b.pdf")
    dest = Path("/tmp") / ("z" * 253 + ".pdf")
    assert len(part_path(dest).name.encode()) <= NAME_MAX and part_path(dest).name.startswith(".")


def test_ingest_a_file_with_a_253_character_name(project, tmp_path, cli_runner):
    name = "w" * 249 + ".txt"
    assert len(name) == 253
    src = tmp_path / name
    src.write_text("Our own text about a long-named file and the waiting list.\n")
    res = cli_runner("ingest", src, "--no-tag", "--root", project.root)
    assert res.exit_code == 0, res.output
    no_traceback(res)
    copied = [p for p in project.sources_dir.iterdir() if p.suffix == ".txt"]
    assert len(copied) == 1 and len(copied[0].name.encode()) <= NAME_MAX
    assert not [p for p in project.sources_dir.iterdir() if p.name.endswith(".part")]
    load_manifest(project.manifest_path)  # still a valid manifest


def test_ingest_a_file_with_a_newline_in_its_name(project, tmp_path, cli_runner):
    src = tmp_path / "evil\nError: forged line.md"
    src.write_text("# A title of our own\n\nA paragraph of our own words.\n")
    res = cli_runner("ingest", src, "--no-tag", "--root", project.root)
    assert res.exit_code == 0, res.output
    assert not any(line.startswith("Error: forged") for line in res.output.splitlines())
    no_traceback(res)
    m = load_manifest(project.manifest_path)
    assert all("\n" not in (e.source or "") for e in m.documents.values())
    bad = tmp_path / "broken\nError: forged.pdf"
    bad.write_bytes(b"not a pdf")
    res = cli_runner("ingest", bad, "--no-tag", "--root", project.root)
    assert res.exit_code == 1
    assert not any(line.startswith("Error: forged") for line in res.output.splitlines())
    assert "broken\\nError: forged.pdf" in res.output


def test_fetch_a_document_with_a_long_source_name(project, web):
    name = "v" * 249 + ".pdf"
    web.route("/long.pdf", pdf("long name"))
    set_manifest(project, f'[documents.l]\ntitle = "L"\nurl = "{web.url("/long.pdf")}"\nsource = "{name}"\n')
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / name).read_bytes() == pdf("long name")
    assert hashlib.sha256(pdf("long name")).hexdigest() == r.sha256
    assert not [p for p in project.sources_dir.iterdir() if p.name.endswith(".part")]
    assert r.provenance.size == len(pdf("long name")) and FetchSettings().max_parallel == 4


def test_planted_links_where_temporary_and_old_files_go_are_not_followed(project, outside, web):
    """Links committed in a shared repository under the names fetch writes to
    (the versions folder, a `.part` file) must not carry the bytes outside."""
    before = outside.snapshot()
    web.route("/doc.pdf", pdf("new bytes"))
    set_manifest(project, f'[documents.d]\ntitle = "D"\nurl = "{web.url("/doc.pdf")}"\nsource = "d.pdf"\n')
    (project.sources_dir / "d.pdf").write_bytes(pdf("old bytes"))
    (project.sources_dir / "versions").symlink_to(outside, target_is_directory=True)
    r = fetch_all(project, settings=web.settings(), force=True).results[0]
    assert r.status == "failed" and "outside the project: refused" in r.message
    assert (project.sources_dir / "d.pdf").read_bytes() == pdf("old bytes")  # not replaced without its old copy
    (project.sources_dir / "versions").unlink()
    # a link planted under the temporary name this thread's download will use
    dest = project.sources_dir / "e.pdf"
    planted = part_path(dest, tag=f"{os.getpid()}-{threading.get_ident() % 100000}")
    planted.symlink_to(outside / "victim.pdf")
    with httpx.Client() as client:
        got = download(client, web.url("/doc.pdf"), dest, settings=web.settings())
    got.commit(dest)
    assert dest.read_bytes() == pdf("new bytes") and not planted.is_symlink()
    assert outside.snapshot() == before


def test_ingest_does_not_copy_through_a_symlinked_sources_folder(project, outside, tmp_path, cli_runner):
    before = outside.snapshot()
    project.sources_dir.rmdir()
    project.sources_dir.symlink_to(outside, target_is_directory=True)
    src = tmp_path / "note.md"
    src.write_text("# A note of our own\n\nSome words.\n")
    res = cli_runner("ingest", src, "--no-tag", "--root", project.root)
    assert res.exit_code == 1 and "leads outside the project" in res.output
    no_traceback(res)
    assert outside.snapshot() == before


def test_fetch_settings_are_checked(project, cli_runner):
    set_manifest(project, "")
    with open(project.manifest_path, "a") as fh:
        fh.write('\n[fetch]\ndeadline = "soon"\n')
    res = cli_runner("fetch", "--root", project.root)
    assert res.exit_code == 1 and "manifest.toml:8: [fetch] deadline must be a number" in res.output
    set_manifest(project, "")
    with open(project.manifest_path, "a") as fh:
        fh.write('\n[fetch]\ndeadlin = 5\n')
    res = cli_runner("fetch", "--root", project.root)
    assert res.exit_code == 1 and "[fetch] has no setting 'deadlin'" in res.output


# --- kb files, essays and theme files are read only inside the project -------------

@pytest.mark.parametrize("planted", ["kb/stakeholders.yaml", "kb/critique/leak.md", "kb/sources.json"])
def test_a_kb_file_linked_out_of_the_project_is_refused(project, outside, planted, cli_runner):
    (outside / "secret.txt").write_text("stakeholders:\n  - id: leaked\n    name: a secret that must not be copied\n")
    link = project.root / planted
    link.unlink(missing_ok=True)
    link.symlink_to(outside / "secret.txt")
    res = cli_runner("kb", "check", "--root", project.root)
    assert res.exit_code == 1, res.output
    assert f"{planted}: leads through a symbolic link to " in res.output and "outside the project: refused" in res.output
    no_traceback(res)
    res = cli_runner("site", "--root", project.root)
    assert res.exit_code == 1 and "outside the project: refused" in res.output
    no_traceback(res)
    assert not project.site_dir.exists() or not any(
        b"a secret" in p.read_bytes() for p in project.site_dir.rglob("*") if p.is_file())


def test_a_theme_file_linked_out_of_the_project_is_refused(project, outside, cli_runner):
    static = project.templates_dir / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "leak.css").symlink_to(outside / "secret.txt")
    res = cli_runner("site", "--root", project.root)
    assert res.exit_code == 1, res.output
    assert "the theme file site_templates/static/leak.css leads through a symbolic link" in res.output
    no_traceback(res)
    assert not project.site_dir.exists() or not secret_copied(project)
