"""OCR through the command line: `scrutiny ingest --ocr`, the manifest's
`ocr = true`, and a passage read by OCR marked as such with its confidence
wherever it is shown or cited (show, cite, search, the site)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import IN_CI, run_cli
from bench.fixtures import CONTEXT_PARA, ReportWriter
from bench.layout import rasterised

OCR_NOTE = re.compile(r"Text recognised by OCR, confidence (\d{1,3})%\.")


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    if shutil.which("tesseract") is None:
        if IN_CI:
            pytest.fail("tesseract is required in CI (tesseract-ocr, tesseract-ocr-eng)")
        pytest.skip("tesseract (tesseract-ocr) is not installed")
    tmp = tmp_path_factory.mktemp("scan")
    w = ReportWriter(header=None, footer=False)
    w.heading("Widget depots after the winter", 1)
    w.paragraph(CONTEXT_PARA)
    typed = tmp / "depot-letter.pdf"
    w.save(typed)
    return rasterised(tmp, typed)


def _new_project(tmp_path):
    from scrutiny.init import init_project

    root = tmp_path / "proj"
    init_project(root)
    return root


def test_a_scan_without_ocr_is_refused_naming_the_fix_and_registers_nothing(tmp_path, scan):
    root = _new_project(tmp_path)
    result = run_cli("ingest", scan, "--no-tag", root=root)
    assert result.exit_code != 0
    assert scan.name in result.output and "needs OCR (run `scrutiny ingest --ocr`)" in result.output
    from scrutiny.manifest import load_manifest

    assert load_manifest(root / "corpus" / "manifest.toml").documents == {}


@pytest.fixture(scope="module")
def ocr_project(tmp_path_factory, scan):
    root = _new_project(tmp_path_factory.mktemp("ocr"))
    result = run_cli("ingest", scan, "--ocr", "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    return root


def _hit(root, words: str) -> dict:
    result = run_cli("search", words, "--json", root=root)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["hits"][0]


def test_ingest_ocr_reads_the_scan_and_every_output_says_so(ocr_project):
    root = ocr_project
    hit = _hit(root, "clinical leads evidence")
    confidence = round(hit["ocr"]["confidence"])
    assert 80 <= confidence <= 100 and hit["page"] == 1
    note = f"Text recognised by OCR, confidence {confidence}%."
    plain = run_cli("search", "clinical leads evidence", root=root).output
    assert f"(text recognised by OCR, confidence {confidence}%)" in plain
    assert note in run_cli("show", hit["passage_id"], root=root).output
    for style in ("harvard", "apa", "chicago"):
        assert run_cli("cite", hit["passage_id"], "--style", style, root=root).output.rstrip().endswith(note)
    assert f"annote = {{{note.replace('%', chr(92) + '%')}}}" in run_cli(
        "cite", hit["passage_id"], "--style", "bibtex", root=root).output
    assert f"N1  - {note}" in run_cli("cite", hit["passage_id"], "--style", "ris", root=root).output
    item = json.loads(run_cli("cite", hit["passage_id"], "--style", "csl-json", "--base-url", "https://example.org",
                              root=root).output)[0]
    assert item["annote"] == note


def test_the_site_marks_ocr_text(ocr_project):
    from scrutiny.manifest import update_documents
    from scrutiny.project import Project
    from scrutiny.site import build_site

    root = ocr_project
    update_documents(root / "corpus" / "manifest.toml", {"depot-letter-scan": {"licence": "OGL-UK-3.0"}})
    project = Project(root)
    build_site(project)
    hit = _hit(root, "clinical leads evidence")
    confidence = round(hit["ocr"]["confidence"])
    html = (project.site_dir / "doc" / hit["doc_id"] / "index.html").read_text(encoding="utf-8")
    block = html[html.index(f'id="p-{hit["passage_id"]}"'):]
    block = block[:block.index("</div>")]
    assert f'data-ocr="Text recognised by OCR, confidence {confidence}%."' in block
    assert f'<span class="badge badge-ocr"' in block and f">OCR {confidence}%</span>" in block
    records = "".join(f.read_text(encoding="utf-8") for f in (project.site_dir / "search").rglob("r/*.js"))
    assert f'"o":{confidence}' in records.replace(" ", "")


def test_manifest_ocr_flag_reads_a_registered_scan(tmp_path, scan):
    from scrutiny.manifest import update_documents

    root = _new_project(tmp_path)
    shutil.copy(scan, root / "corpus" / "sources" / "letter.pdf")
    update_documents(root / "corpus" / "manifest.toml", {"letter": {
        "title": "A letter about depots", "kind": "policy", "source": "letter.pdf"}})
    result = run_cli("ingest", "--no-tag", root=root)
    assert result.exit_code != 0 and "needs OCR" in result.output  # the flag is what makes it read
    update_documents(root / "corpus" / "manifest.toml", {"letter": {"ocr": True}})
    result = run_cli("ingest", "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    hit = _hit(root, "clinical leads evidence")
    assert hit["doc_id"] == "letter" and hit["ocr"]["confidence"] >= 80


def test_a_scan_read_with_ocr_is_read_so_again_after_its_manifest_changes(tmp_path, scan):
    """`ingest FILE --ocr` records ocr = true: editing the document's table (which
    makes the next ingest read it again) does not make it an unreadable scan."""
    from scrutiny.manifest import load_manifest, update_documents

    root = _new_project(tmp_path)
    assert run_cli("ingest", scan, "--ocr", "--no-tag", root=root).exit_code == 0
    (entry,) = load_manifest(root / "corpus" / "manifest.toml").documents.values()
    assert entry.extra.get("ocr") is True
    update_documents(root / "corpus" / "manifest.toml", {entry.id: {"licence": "OGL-UK-3.0"}})
    result = run_cli("ingest", "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    assert _hit(root, "clinical leads evidence")["ocr"]["confidence"] >= 80
