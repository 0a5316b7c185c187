"""--licence and --publisher for several files at once: `scrutiny ingest`, `scrutiny
build FILE...` (and `scrutiny watch`, whose command test is in test_watch.py) record
them in every new document's manifest entry; the fields that describe one document
(--title, --author, --date, --url) still refuse several files, and change nothing.

The manifest is read back with the standard library's TOML parser, not ours."""

from __future__ import annotations

import tomllib

from conftest import run_cli
from scrutiny.init import init_project

NOTE_A = ("# Alder Note on Crisis Lines\n\n"
          "The Alder Trust will answer 90 per cent of crisis calls within one minute by 2027.\n")
NOTE_B = ("# Birch Note on Peer Support\n\n"
          "Peer support workers in the Birch area rose from 12 to 30 over two years.\n")


def _files(tmp_path):
    a, b = tmp_path / "alder-note.md", tmp_path / "birch-note.md"
    a.write_text(NOTE_A, encoding="utf-8")
    b.write_text(NOTE_B, encoding="utf-8")
    return a, b


def _documents(root):
    with open(root / "corpus" / "manifest.toml", "rb") as fh:
        return tomllib.load(fh).get("documents", {})


def test_ingest_records_a_licence_and_publisher_for_every_file(tmp_path):
    root = tmp_path / "p"
    init_project(root)
    a, b = _files(tmp_path)
    r = run_cli("ingest", "--no-tag", "--licence", "OGL-UK-3.0", "--publisher", "Example Health Board",
                str(a), str(b), root=root)
    assert r.exit_code == 0, r.output
    docs = _documents(root)
    assert set(docs) == {"alder-note", "birch-note"}
    for d in docs.values():
        assert d["licence"] == "OGL-UK-3.0"
        assert d["publisher"] == "Example Health Board"


def test_fields_of_one_document_still_refuse_several_files_and_register_nothing(tmp_path):
    root = tmp_path / "p"
    init_project(root)
    before = (root / "corpus" / "manifest.toml").read_bytes()
    a, b = _files(tmp_path)
    r = run_cli("ingest", "--no-tag", "--title", "One Title", "--licence", "OGL-UK-3.0", str(a), str(b), root=root)
    assert r.exit_code != 0
    assert "--title" in r.output and "one FILE" in r.output
    assert "--licence" not in r.output.split("describe one document")[0]   # the licence is not the problem
    assert (root / "corpus" / "manifest.toml").read_bytes() == before
    assert not (root / "corpus" / "sources" / "alder-note.md").exists()


def test_build_files_records_the_licence_so_the_site_republishes_them(tmp_path):
    from scrutiny.manifest import may_republish

    root = tmp_path / "p"
    init_project(root)
    a, b = _files(tmp_path)
    r = run_cli("build", "--offline", "--no-site", "--licence", "CC-BY-4.0", str(a), str(b), root=root)
    assert r.exit_code == 0, r.output
    docs = _documents(root)
    assert {d: v.get("licence") for d, v in docs.items()} == {"alder-note": "CC-BY-4.0", "birch-note": "CC-BY-4.0"}
    assert all(may_republish(v) for v in docs.values())
    assert "publisher" not in docs["alder-note"]     # only what was given is recorded

    # without FILES there is nothing for them to describe
    r = run_cli("build", "--offline", "--no-site", "--licence", "CC-BY-4.0", root=root)
    assert r.exit_code == 2 and "describe the FILES given" in r.output
    assert _documents(root) == docs


def test_files_registered_without_a_licence_are_withheld(tmp_path):
    from scrutiny.manifest import may_republish

    root = tmp_path / "p"
    init_project(root)
    a, _b = _files(tmp_path)
    r = run_cli("build", "--offline", "--no-site", str(a), root=root)
    assert r.exit_code == 0, r.output
    entry = _documents(root)["alder-note"]
    assert "licence" not in entry and not may_republish(entry)
