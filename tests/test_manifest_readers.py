"""A process parses its project's manifest once; the stages that only read it share
that parse (:func:`scrutiny.manifest.read_manifest`), the ones that edit it get a copy
(:func:`scrutiny.manifest.load_manifest`). Sharing is only safe while no reader
changes what it was handed: after a project is built through every stage in one
process, documents edited and exported, the remembered manifest must still be what
its file parses to, compared here with a parse of the file by the standard
library's TOML reader."""

from __future__ import annotations

import tomllib

from conftest import run_cli
from scrutiny import manifest as manifest_mod
from scrutiny.init import init_project

NOTE_A = ("# Rowan Note on Crisis Cafes\n\n"
          "Rowan Mind will open four crisis cafes in the county by 2028.\n\n"
          "Visits to the two existing cafes rose from 900 to 1,400 last year.\n")
NOTE_B = ("# Sorrel Review of Waiting Times\n\n"
          "The review was written by Dr Anna Field, chair of the Sorrel Health Forum.\n\n"
          "Median waits for a first appointment fell from 14 to 9 weeks.\n")


def _remembered(root):
    path = root / "corpus" / "manifest.toml"
    raw, manifest = manifest_mod._LOADED[str(path)]
    assert raw == path.read_bytes()        # it is the file as it stands
    return manifest


def _as_toml(root) -> dict:
    with open(root / "corpus" / "manifest.toml", "rb") as fh:
        return tomllib.load(fh)


def _entry_fields(entry) -> dict:
    """An entry as the TOML table it came from (fields left empty are not written)."""
    d = {k: v for k, v in entry.to_dict().items() if v not in (None, "", [], {})}
    d.pop("id")
    return d


def test_readers_share_one_parse_and_editors_get_copies(tmp_path):
    root = tmp_path / "p"
    init_project(root)
    path = root / "corpus" / "manifest.toml"
    first = manifest_mod.read_manifest(path)
    assert manifest_mod.read_manifest(path) is first          # no copy for a reader
    copy = manifest_mod.load_manifest(path)
    assert copy is not first and copy == first
    copy.project["name"] = "changed in a copy"
    assert manifest_mod.read_manifest(path).project.get("name") != "changed in a copy"


def test_a_whole_build_in_one_process_leaves_the_shared_manifest_as_its_file(tmp_path):
    root = tmp_path / "p"
    init_project(root)
    a, b = tmp_path / "rowan-note.md", tmp_path / "sorrel-review.md"
    a.write_text(NOTE_A, encoding="utf-8")
    b.write_text(NOTE_B, encoding="utf-8")
    steps = [
        ("build", "--offline", "--licence", "OGL-UK-3.0", str(a), str(b)),
        ("documents", "--edit", "sorrel-review", "--date", "2025-03-01"),
        ("build", "--offline"),
        ("export", "--format", "csl-json", "--out", str(tmp_path / "refs.json")),
        ("search", "crisis cafes", "--json"),
    ]
    for step in steps:
        r = run_cli(*step, root=root)
        assert r.exit_code == 0, (step, r.output)
        remembered = _remembered(root)
        on_disk = _as_toml(root)
        assert set(remembered.documents) == set(on_disk["documents"]) == {"rowan-note", "sorrel-review"}, step
        for doc_id, entry in remembered.documents.items():
            assert _entry_fields(entry) == on_disk["documents"][doc_id], (step, doc_id)
        assert remembered.project == on_disk.get("project", {}), step
        assert remembered.site == on_disk.get("site", {}), step
    assert _remembered(root).documents["sorrel-review"].date == "2025-03-01"
    # a citation reads the shared entry too, and changes nothing in it
    import json

    hit = json.loads(run_cli("search", "crisis cafes", "--json", root=root).output)
    pid = hit["hits"][0]["passage_id"]
    r = run_cli("cite", pid, "--style", "harvard", "--accessed", "2026-12-01", root=root)
    assert r.exit_code == 0 and "Rowan Note on Crisis Cafes" in r.output, r.output
    entry = _remembered(root).documents["rowan-note"]
    assert _entry_fields(entry) == _as_toml(root)["documents"]["rowan-note"]
