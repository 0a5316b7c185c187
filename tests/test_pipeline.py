"""scrutiny.pipeline.build and `scrutiny build`: fetch -> ingest -> xref -> site,
each stage skipped when its inputs did not change, one line per stage, a
failed stage fails the build; `scrutiny site` never silently leaves a stage
that is behind out of the site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_pipeline import POLICY, fill_project, seed_claim_model

from scrutiny.fetch import FetchReport
from scrutiny.ingest import IngestReport
from scrutiny.pipeline import CURRENT, FAILED, NOT_RUN, OFF, OFF_LINES, RAN, STAGES, build
from scrutiny.project import Project
from scrutiny.site import SiteSummary
from scrutiny.xref import XrefSummary

REPO = Path(__file__).resolve().parents[1]
DISCUSSES = "Passages this essay discusses"     # the critique page's cross-reference section
BEHIND = "This site is behind its sources"      # the banner of a site whose stages are behind


def scrutiny(*args, root, check=True):
    """The real command in its own process (see test_site_cli.run_cli)."""
    proc = subprocess.run([sys.executable, "-m", "scrutiny", "--root", str(root), *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def page(project, rel):
    return (project.site_dir / rel / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def campaign(project):
    """A fresh `scrutiny init` root with our synthetic campaign in it, not built yet."""
    fill_project(project.root)
    return project


@pytest.fixture
def first_build(built_campaign):
    return built_campaign


@pytest.fixture
def built(first_build, tmp_path):
    """A copy of the built campaign (store, index, caches, site) to change."""
    import shutil

    shutil.copytree(first_build[0].root, tmp_path / "copy", symlinks=True)
    return Project(tmp_path / "copy")


def states(result):
    return {s.name: s.state for s in result.stages}


def test_init_creates_every_folder_the_project_uses(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrutiny", "init", str(tmp_path / "new")],
                          capture_output=True, text=True, check=True)
    assert "scrutiny build" in proc.stdout
    project = Project(tmp_path / "new")
    for folder in (project.sources_dir, project.kb_dir, project.kb_dir / "critique", project.templates_dir,
                   project.templates_dir / "static"):
        assert folder.is_dir(), folder
    assert project.manifest_path.is_file()


def test_fresh_init_root_through_scrutiny_build_has_cross_references(campaign, tmp_path, first_build):
    seed_claim_model(first_build[0], campaign.root)
    proc = scrutiny("build", "--offline", root=campaign.root)
    lines = proc.stdout.splitlines()
    heads = [line.split(":", 1)[0] for line in lines if not line.startswith(" ")]
    assert heads == [*STAGES, "build"], proc.stdout          # one line per stage, in order, then the total
    assert lines[0].startswith("fetch: off (offline)")
    assert next(l for l in lines if l.startswith("ingest:")).startswith("ingest: 2 read, tagged, indexed")
    assert "2 from essay markup" in next(l for l in lines if l.startswith("xref:"))
    assert lines[-1].startswith("build: done in")
    assert DISCUSSES in page(campaign, "critique/plan-critique")
    assert "six weeks by 2027" in page(campaign, "doc/plan")
    assert BEHIND not in page(campaign, "doc/plan")

    # the same, unchanged, as JSON into another folder: only the site is written
    out = tmp_path / "elsewhere"
    data = json.loads(scrutiny("build", "--offline", "--out", out, "--json", root=campaign.root).stdout)
    assert data["ok"] is True and [s["state"] for s in data["stages"]] == [OFF, CURRENT, CURRENT, RAN]
    assert Path(data["site"]["out"]) == out and (out / "index.html").is_file()


def test_typed_results_and_an_unchanged_project_does_no_work(first_build):
    project, first = first_build
    assert first.ok and first.exit_code == 0
    assert states(first) == {"fetch": OFF, "ingest": RAN, "xref": RAN, "site": RAN}
    assert isinstance(first.ingest, IngestReport) and isinstance(first.xref, XrefSummary)
    assert isinstance(first.site, SiteSummary) and first.fetch is None
    assert first.xref.markup == 2 and first.xref.suggested >= 1 and first.xref.stakeholder_docs == 2
    # the campaign has stakeholders and essays but no claims yet: the maintainers are told, not the public
    assert first.site.pending == [] and first.site.notes == ["the knowledge base has no claims (kb/claims.yaml) yet"]
    assert first.site.pages_written == first.site.pages

    again = build(project, fetch=False)
    assert states(again) == {"fetch": OFF, "ingest": CURRENT, "xref": CURRENT, "site": CURRENT}
    assert again.xref is None                                   # not even built
    assert [d.status for d in again.ingest.documents] == ["unchanged", "unchanged"]
    assert again.ingest.tagging is None and again.ingest.index is None
    assert again.site.pages_written == 0 and again.site.pages_rendered == 0
    assert again.stage("ingest").line == "ingest: up to date (2 documents, 8 passages)"


def test_a_changed_essay_is_read_again_and_cross_referenced(built):
    essay = built.kb_dir / "critique" / "plan-critique.md"
    essay.write_text(essay.read_text(encoding="utf-8") + "\nA closing paragraph of our own about the budget.\n",
                     encoding="utf-8")
    result = build(built, fetch=False)
    assert states(result) == {"fetch": OFF, "ingest": RAN, "xref": RAN, "site": RAN}
    assert [d.status for d in result.ingest.documents] == ["unchanged", "ingested"]
    assert "about the budget" in page(built, "doc/plan-critique")


def test_a_moved_project_is_up_to_date_and_no_site_writes_no_site(built):
    """`built` is a copy in another folder: fingerprints do not depend on where the project is."""
    import shutil

    shutil.rmtree(built.site_dir)
    result = build(built, fetch=False, site=False)
    assert states(result) == {"fetch": OFF, "ingest": CURRENT, "xref": CURRENT, "site": OFF}
    assert result.site is None and not built.site_dir.exists()


def test_ingest_then_site_brings_the_cross_references_up_to_date(built):
    essay = built.kb_dir / "critique" / "plan-critique.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("The [[doc:plan]] names", "The plan names"),
                     encoding="utf-8")
    scrutiny("ingest", root=built.root)
    proc = scrutiny("site", root=built.root)
    assert proc.stdout.splitlines()[0].startswith("xref: 1 from essay markup"), proc.stdout
    assert DISCUSSES in page(built, "critique/plan-critique")
    assert BEHIND not in page(built, "critique/plan-critique")
    again = scrutiny("site", root=built.root)
    assert again.stdout.splitlines()[0] == "xref: up to date"
    assert "0 written" in again.stdout


def test_site_says_when_documents_changed_since_ingest(built):
    source = built.sources_dir / "plan.md"
    source.write_text(POLICY + "\nA new closing paragraph of our own on the budget for next year.\n",
                      encoding="utf-8")
    proc = scrutiny("site", root=built.root)
    assert "behind: 1 document(s) changed or added since the last ingest (plan): run `scrutiny build`" in proc.stderr
    for rel in ("", "doc/plan", "critique/plan-critique", "stakeholders/northfield"):
        assert BEHIND in page(built, rel), rel
        assert "1 document(s) changed or added since the last ingest (plan)" in page(built, rel)
    assert "next year" not in page(built, "doc/plan")        # the stored text, honestly labelled

    result = build(built, fetch=False)
    assert result.site.pending == []
    assert BEHIND not in page(built, "doc/plan") and "next year" in page(built, "doc/plan")


def test_site_says_when_tags_are_older_than_the_knowledge_base(built):
    from scrutiny.site import build_site

    stakeholders = built.kb_dir / "stakeholders.yaml"
    stakeholders.write_text(stakeholders.read_text(encoding="utf-8").replace(
        "    kind: organisation\n", "    kind: organisation\n    aliases: [Northfield Trust]\n"), encoding="utf-8")
    summary = build_site(built)
    assert summary.pending == ["tags are older than the passages, the knowledge base or the tagger",
                               "cross-references are older than the documents or the knowledge base"]
    assert BEHIND in page(built, "stakeholders/northfield")
    assert build(built, fetch=False).site.pending == []
    assert BEHIND not in page(built, "stakeholders/northfield")


def test_a_failed_stage_stops_the_build_with_one_clear_line(built):
    campaign = built
    stakeholders = campaign.kb_dir / "stakeholders.yaml"
    stakeholders.write_text(stakeholders.read_text(encoding="utf-8").replace("nhs_body", "hospital"),
                            encoding="utf-8")
    result = build(campaign, fetch=False)
    assert states(result) == {"fetch": OFF, "ingest": FAILED, "xref": NOT_RUN, "site": NOT_RUN}
    assert result.exit_code == 1 and result.site is None
    proc = scrutiny("build", "--offline", root=campaign.root, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ingest: the knowledge base has 1 problem(s)"), proc.stderr
    assert "unknown sector 'hospital'" in proc.stderr and "Traceback" not in proc.stderr
    # no cascade of "failed" and "not run" lines: the error says it
    assert proc.stdout.splitlines() == [OFF_LINES["fetch"]], proc.stdout

    # a manifest that cannot be read: one line, nothing run
    campaign.manifest_path.write_text('[documents.x]\ntitle = "X"\nurl = 5\n', encoding="utf-8")
    proc = scrutiny("build", "--offline", root=campaign.root, check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("Error: ") and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "manifest.toml:3" in proc.stderr


def test_an_unreadable_document_fails_ingest_but_the_rest_is_published(built):
    (built.sources_dir / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    with built.manifest_path.open("a", encoding="utf-8") as fh:
        fh.write('\n[documents.broken]\ntitle = "A broken file"\nsource = "broken.pdf"\n')
    result = build(built, fetch=False)
    assert states(result) == {"fetch": OFF, "ingest": FAILED, "xref": RAN, "site": RAN}
    assert result.exit_code == 1
    assert result.final_line().startswith("Error: ingest: 1 document could not be read: corpus/sources/broken.pdf: ")
    assert "2 documents, 8 passages; 1 failed" in result.stage("ingest").line
    assert DISCUSSES in page(built, "critique/plan-critique")   # xref and site still ran
    assert "six weeks by 2027" in page(built, "doc/plan")


def test_a_document_the_builds_ingest_could_not_read_is_still_behind_on_the_site(built):
    # the site takes the documents this build's ingest found current without checking
    # their sources again; the one it could not read is checked, and said to be behind
    (built.sources_dir / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    with built.manifest_path.open("a", encoding="utf-8") as fh:
        fh.write('\n[documents.broken]\ntitle = "A broken file"\nsource = "broken.pdf"\n')
    result = build(built, fetch=False)
    assert result.site.pending == ["1 document(s) changed or added since the last ingest (broken)"]
    assert BEHIND in page(built, "doc/plan")


def test_the_site_does_not_check_again_the_sources_the_builds_ingest_found_current(built, monkeypatch):
    import scrutiny.ingest as ingest_mod

    checked, hashed, inside = [], [], []
    real_pending, real_sha = ingest_mod.pending, ingest_mod.SourceHashes.sha256

    def pending(project, store, current=frozenset()):
        checked.append(set(current))
        inside.append(1)
        try:
            return real_pending(project, store, current)
        finally:
            inside.pop()

    def sha256(self, doc_id, *args):
        if inside:                 # a source checked by the site's look at the earlier stages
            hashed.append(doc_id)
        return real_sha(self, doc_id, *args)

    monkeypatch.setattr(ingest_mod, "pending", pending)
    monkeypatch.setattr(ingest_mod.SourceHashes, "sha256", sha256)
    (built.sources_dir / "later.md").write_text("# Later\n\nOur own short note on the plan's staffing.\n",
                                                encoding="utf-8")
    result = build(built, fetch=False, files=[built.sources_dir / "later.md"])
    assert result.exit_code == 0 and result.site.pending == []
    stored = {d.doc_id for d in result.ingest.documents}
    assert checked == [stored] and {"plan", "later"} <= stored
    assert hashed == []            # no source hashed (nor its stamp read) a second time by the site
    # the site alone (no ingest in its process) checks every source, and finds them current
    from scrutiny.site import build_site

    hashed.clear()
    assert build_site(built).pending == [] and set(hashed) == stored


def test_fetch_stage_fetches_what_is_missing_from_a_local_server(built):
    campaign = built
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    served = campaign.root.parent / "publisher"
    served.mkdir()
    (served / "notes.txt").write_text("Our own short note about the recovery plan and its waiting times.\n",
                                      encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with campaign.manifest_path.open("a", encoding="utf-8") as fh:
            fh.write(f'\n[documents.notes]\ntitle = "Notes"\nsource = "notes.txt"\n'
                     f'url = "http://127.0.0.1:{server.server_address[1]}/notes.txt"\n')
        first = build(campaign, site=False)
        assert states(first)["fetch"] == RAN and first.stage("fetch").line.startswith("fetch: 1 fetched")
        assert isinstance(first.fetch, FetchReport)
        assert [(r.doc_id, r.status) for r in first.fetch.results] == [("notes", "downloaded")]
        assert (campaign.sources_dir / "notes.txt").is_file()
        assert 'sha256 = "' in campaign.manifest_path.read_text(encoding="utf-8").split("[documents.notes]")[1]
        again = build(campaign, site=False)
        assert states(again) == {"fetch": CURRENT, "ingest": CURRENT, "xref": CURRENT, "site": OFF}
        assert again.stage("fetch").line == "fetch: up to date (3 documents present)"
    finally:
        server.shutdown()


def test_build_py_is_a_thin_call_without_sys_path_edits():
    text = (REPO / "build.py").read_text(encoding="utf-8")
    assert "sys.path" not in text and "scrutiny.pipeline import build" in text
    assert "$(PY) build.py" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_a_valid_manifest_loads_without_looking_up_table_lines(tmp_path, monkeypatch):
    """Every stage loads the manifest; finding a table's line scans the whole text,
    and doing it for every document made a load quadratic (4 s for 1,000 documents).
    Lines are looked up only to place a problem."""
    from scrutiny import manifest as m

    calls = []
    real = m._Lines.table
    monkeypatch.setattr(m._Lines, "table", lambda self, *names: calls.append(names) or real(self, *names))
    path = tmp_path / "manifest.toml"
    path.write_text("[project]\nname = 'Many'\n\n" + "".join(
        f'[documents.doc-{i}]\ntitle = "Report {i}"\nsource = "doc-{i}.pdf"\n\n' for i in range(300)),
        encoding="utf-8")
    assert len(m.load_manifest(path).documents) == 300
    assert calls == []
    path.write_text(path.read_text(encoding="utf-8") + '[documents.untitled]\nsource = "u.pdf"\n', encoding="utf-8")
    with pytest.raises(m.ProjectError, match=r"manifest.toml:1204: \[documents.untitled\] needs a title"):
        m.load_manifest(path)
