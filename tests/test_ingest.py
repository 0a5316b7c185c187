"""Ingest end to end: registering files, skipping unchanged ones, bad input,
atomicity (a failure or a kill half-way leaves the previous store and index)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import run_cli
from scrutiny.ingest import ingest
from scrutiny.search import search
from scrutiny.store import Store

MD_A = """\
---
title: Waiting Well
author: Synthetic Health Forum
---
# Waiting Well

## Access

The forum counted 4,200 people waiting more than eighteen weeks for talking therapy.

Commissioners should publish waiting times for every service each quarter.

## Workforce

The plan will recruit 300 community link workers by 2026.
"""

MD_B = """\
# Rail Fares Review

Ticket offices will stay open in every staffed station.

The review found that fares rose faster than wages for a decade.
"""


@pytest.fixture
def project(project_on_engine):
    """The ingest tests run on both engines: a fresh project on the embedded
    store, and one whose store is a PostgreSQL database (`init --database`)."""
    return project_on_engine


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def test_ingest_files_registers_and_searches(project, tmp_path):
    a = write(tmp_path / "in" / "waiting well.md", MD_A)
    b = write(tmp_path / "in" / "rail-fares.md", MD_B)
    r = run_cli("ingest", a, b, "--kind", "policy", root=project.root)
    assert r.exit_code == 0, r.output
    assert "waiting-well:" in r.output and "passages" in r.output
    docs = json.loads(run_cli("documents", "--json", root=project.root).output)
    by_id = {d["id"]: d for d in docs}
    assert set(by_id) == {"waiting-well", "rail-fares"}
    assert by_id["waiting-well"]["title"] == "Waiting Well"
    assert by_id["waiting-well"]["passages"] >= 5
    assert len(by_id["rail-fares"]["sha256"]) == 64
    # copied into corpus/sources and recorded in the manifest
    assert (project.sources_dir / "waiting well.md").is_file()
    manifest = project.manifest_path.read_text()
    assert "[documents.waiting-well]" in manifest and by_id["waiting-well"]["sha256"] in manifest

    res = json.loads(run_cli("search", "waiting times", "--json", root=project.root).output)
    assert res["total"] >= 1
    top = res["hits"][0]
    assert top["doc_id"] == "waiting-well" and "publish waiting times" in top["text"]
    assert "**waiting**" in top["snippet"].lower()
    assert set(top) >= {"passage_id", "doc_id", "page", "score", "text", "snippet"}

    # phrase, boolean and filters
    assert json.loads(run_cli("search", '"ticket offices"', "--json", root=project.root).output)["total"] == 1
    assert json.loads(run_cli("search", "fares OR therapy", "--json", root=project.root).output)["total"] >= 2
    only_b = json.loads(run_cli("search", "fares OR therapy", "--doc", "rail-fares", "--json", root=project.root).output)
    assert {h["doc_id"] for h in only_b["hits"]} == {"rail-fares"}
    headings = json.loads(run_cli("search", "workforce", "--kind", "heading", "--json", root=project.root).output)
    assert headings["hits"] and all(h["kind"] == "heading" for h in headings["hits"])

    # show: neighbours and metadata
    shown = json.loads(run_cli("show", top["passage_id"], "--json", root=project.root).output)
    assert shown["passage"]["text"] == top["text"]
    assert shown["document"]["id"] == "waiting-well"
    assert shown["before"] and shown["after"]

    stats = json.loads(run_cli("stats", "--json", root=project.root).output)
    assert stats["documents"] == 2 and stats["index_current"] is True


def test_ingest_prints_its_tagging_summary_and_stats_counts_tags(project, tmp_path):
    """Two bugs: ingest tested a key tagging never returned, so its summary was never
    printed; stats counted tables that do not exist, so it never showed tag counts."""
    a = write(tmp_path / "a.md", MD_A)
    r = run_cli("ingest", a, root=project.root)
    assert r.exit_code == 0, r.output
    passages = json.loads(run_cli("documents", "--json", root=project.root).output)[0]["passages"]
    assert f"tagged {passages} passages in " in r.output
    stats = json.loads(run_cli("stats", "--json", root=project.root).output)
    tags = stats["tags"]
    assert tags["tagged_passages"] == passages
    # the fixture states a count and a pledge: the tagger finds claim sentences
    assert tags["claims"] >= 2 and tags["mentions"] >= 1
    assert set(tags) == {"tagged_passages", "claims", "mentions", "tie_candidates", "extracted_stakeholders"}
    text = run_cli("stats", root=project.root).output
    assert f"tagged passages {passages}" in text and f"claims {tags['claims']}" in text
    # unchanged: nothing tagged, nothing claimed
    again = run_cli("ingest", root=project.root)
    assert again.exit_code == 0 and "tagged" not in again.output


def test_stats_says_when_nothing_is_tagged(project, tmp_path):
    ingest(project, [write(tmp_path / "a.md", MD_A)], tag=False)
    stats = json.loads(run_cli("stats", "--json", root=project.root).output)
    assert stats["tags"] is None
    assert "not tagged yet: run `scrutiny tag`" in run_cli("stats", root=project.root).output


def test_stemming_finds_inflected_forms(project, tmp_path):
    write(tmp_path / "x.md", "# Title\n\nThe boards recruited nurses quickly.\n")
    assert run_cli("ingest", tmp_path / "x.md", root=project.root).exit_code == 0
    res = search(project.index_location, "recruiting nurse")
    assert res["total"] == 1


def test_reingest_unchanged_is_skipped_and_ids_stable(project, tmp_path):
    a = write(tmp_path / "a.md", MD_A)
    ingest(project, [a], tag=False)
    ids1 = [p.id for p in Store(project.store_location).passages("a")]
    report = ingest(project, tag=False)
    assert [d.status for d in report.documents] == ["unchanged"]
    assert report.index is None  # nothing to rebuild
    report = ingest(project, tag=False, force=True)
    assert [d.status for d in report.documents] == ["ingested"]
    assert [p.id for p in Store(project.store_location).passages("a")] == ids1


def test_missing_sources_are_listed(project):
    from scrutiny.manifest import update_documents

    update_documents(project.manifest_path, {"ghost": {"title": "Ghost report", "source": "ghost.pdf"}})
    r = run_cli("ingest", root=project.root)
    assert r.exit_code == 0
    assert "ghost: missing" in r.output and "corpus/sources/ghost.pdf" in r.output


BAD_INPUTS = {
    "empty.txt": b"",
    "random bytes.pdf": os.urandom(2048),
    "truncated.pdf": None,  # made below from a real PDF
    "broken.docx": b"PK\x03\x04 this is not really a zip archive",
    "notes.xyz": b"an unsupported extension",
}


def _small_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "A small synthetic report page about local bus services. " * 8)
    pdf.output(str(path))
    return path


def test_bad_files_fail_clearly_and_others_go_through(project, tmp_path):
    good = write(tmp_path / "in" / "good.md", MD_B)
    # a latin-1 file with a non-ASCII name must go through too
    nonascii = tmp_path / "in" / "café budget é.txt"
    nonascii.write_bytes("Caf\xe9 budgets were cut by 5 per cent in the year to March.\n\nThe council will review them.\n".encode("cp1252"))
    bad = []
    for name, data in BAD_INPUTS.items():
        p = tmp_path / "in" / name
        if data is None:
            full = _small_pdf(tmp_path / "full.pdf").read_bytes()
            data = full[: len(full) // 2]
        p.write_bytes(data)
        bad.append(p)
    r = run_cli("ingest", good, nonascii, *bad, root=project.root)
    assert r.exit_code == 1
    err = r.stderr if hasattr(r, "stderr") else r.output
    for p in bad:
        assert p.name in err, f"{p.name} not named in:\n{err}"
    assert "Traceback" not in r.output
    assert "unsupported file type '.xyz'" in err
    assert "empty" in err
    docs = {d["id"]: d for d in json.loads(run_cli("documents", "--json", root=project.root).output)}
    assert docs["good"]["passages"] >= 2
    cafe = [d for d in docs.values() if d["id"].startswith("cafe")]
    assert cafe and cafe[0]["passages"] >= 1
    hits = search(project.index_location, "budgets")["hits"]
    assert hits and "Café" in hits[0]["text"]


def test_failure_keeps_previous_store(project, tmp_path, monkeypatch):
    a = write(tmp_path / "a.md", MD_A)
    ingest(project, [a], tag=False)
    before = Store(project.store_location).passages("a")
    write(tmp_path / "a.md", MD_A.replace("4,200", "5,100"))
    import scrutiny.store

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(scrutiny.store.Store, "replace_passages", boom)
    with pytest.raises(RuntimeError):
        ingest(project, [tmp_path / "a.md"], tag=False)
    monkeypatch.undo()
    assert Store(project.store_location).passages("a") == before
    # the revised file replaced the copy of the same document (no "a-2")
    assert "[documents.a-2]" not in project.manifest_path.read_text()
    assert search(project.index_location, "4,200")["total"] == 1


def test_killed_during_index_build_leaves_store_and_index_usable(project, tmp_path):
    a = write(tmp_path / "a.md", MD_A)
    ingest(project, [a], tag=False)
    write(tmp_path / "b.md", MD_B)
    script = textwrap.dedent(f"""
        import os, signal
        import scrutiny.index as idx
        def dying(link, *a, **k):
            os.kill(os.getpid(), signal.SIGKILL)
        idx.update_index = dying
        import scrutiny.pgsearch as pgs      # the full-text index of a PostgreSQL store
        pgs.update_index = dying
        from scrutiny.ingest import ingest
        from scrutiny.project import Project
        ingest(Project({str(project.root)!r}), [{str(tmp_path / 'b.md')!r}], tag=False)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    # the old index still answers, the store is consistent...
    assert search(project.index_location, "waiting")["total"] >= 1
    store = Store(project.store_location)
    assert {d["id"] for d in store.documents()} == {"a", "b"}
    # ...and the next run notices the stale index and rebuilds it
    report = ingest(project, tag=False)
    assert report.index is not None
    assert search(project.index_location, '"ticket offices"')["total"] == 1


def test_strict_stores_nothing_when_one_fails(project, tmp_path):
    good = write(tmp_path / "good.md", MD_B)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    r = run_cli("ingest", "--strict", good, empty, root=project.root)
    assert r.exit_code == 1
    assert not Store(project.store_location).documents()


def test_over_size_cap_is_refused_without_reading(project, tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: nothing to read anyway
    r = run_cli("ingest", "--max-size", "1", big, root=project.root)
    assert r.exit_code == 1
    assert "huge.txt" in r.output and "cap" in r.output


def test_no_project_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner

    from scrutiny.cli import _load_commands, cli

    _load_commands()
    r = CliRunner().invoke(cli, ["documents"])
    assert r.exit_code == 1
    assert "no scrutiny project found" in r.output and "scrutiny init" in r.output


def test_broken_revision_keeps_the_good_copy_and_failed_files_are_not_registered(project, tmp_path):
    good = _small_pdf(tmp_path / "report.pdf")
    assert run_cli("ingest", good, root=project.root).exit_code == 0
    copy = project.sources_dir / "report.pdf"
    before = copy.read_bytes()
    passages_before = Store(project.store_location).passages("report")
    # the publisher's "revision" arrives truncated
    good.write_bytes(before[: len(before) // 3])
    r = run_cli("ingest", good, root=project.root)
    assert r.exit_code == 1 and str(good) in r.output
    assert copy.read_bytes() == before  # the good copy is untouched
    assert Store(project.store_location).passages("report") == passages_before
    # a bad new file is not registered, so the next plain ingest is clean
    bad = tmp_path / "junk.pdf"
    bad.write_bytes(b"not a pdf at all")
    assert run_cli("ingest", bad, root=project.root).exit_code == 1
    assert "junk" not in project.manifest_path.read_text()
    assert not (project.sources_dir / "junk.pdf").exists()
    again = run_cli("ingest", root=project.root)
    assert again.exit_code == 0, again.output


def test_kb_check_is_remembered_only_while_its_inputs_are_unchanged(project, tmp_path):
    from scrutiny.errors import ScrutinyError

    a = write(tmp_path / "a.md", MD_B)
    ingest(project, [a], tag=False)
    assert (project.data_dir / "kb-check.ok").is_file()
    ingest(project, tag=False)  # unchanged: passes from the remembered check
    ties = project.kb_dir / "ties.yaml"
    ties.write_text("ties:\n  - id: bad\n    subject: nobody\n    relation: supplies\n    object: nothing\n")
    with pytest.raises(ScrutinyError, match="knowledge base"):
        ingest(project, tag=False)
