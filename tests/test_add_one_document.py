"""Adding one document (``scrutiny ingest FILE``, then ``scrutiny build --no-site``) gives
the store a whole build of the same files gives: the same tags (mentions and their
stakeholders, claims, candidate ties), the same cross-references and the same search
hits. The new document names an organisation whose words the other documents write
in lower case ("Peer Support Works": "peer support works"), so the count of those uses is made for it on the
corpus already built: through the index, and by one scan of the store when the words
are in many passages (forced here)."""

from __future__ import annotations

import os

import pytest

from scrutiny.ingest import ingest
from scrutiny.init import init_project
from scrutiny.pipeline import build
from scrutiny.project import Project
from scrutiny.search import search
from scrutiny.store import Store

# our own synthetic text
PAPERS = {
    "harbour-plan": (
        "# Harbour Plan for Wellbeing\n\n"
        "The Harbour Wellbeing Board will fund 48 per cent of the new peer support posts by 2027.\n\n"
        "Ann Pellow, chair of the Harbour Wellbeing Board, said peer support works when it is paid.\n\n"
        "Waiting times for a first appointment rose by 12 per cent last year.\n"),
    "meadow-review": (
        "# Meadow Review of Talking Services\n\n"
        "The Meadow Trust commissioned the review. It found that 48 per cent of the new peer support posts "
        "were never filled.\n\n"
        "The review recommends that commissioners should publish waiting times every month.\n\n"
        "Volunteers in peer support groups lose out when funding stops. Staff said peer support works best "
        "in small groups.\n"),
    "lantern-note": (
        "# Lantern Note on Crisis Care\n\n"
        "Crisis lines answered 30,000 calls in 2025, and peer support was offered on 2,100 of them.\n\n"
        "The Lantern Foundation funded the evening service. Tom Reddy is its director.\n"),
}
NEW = ("# Orchard Briefing on Recovery\n\n"
       "Peer Support Works, a charity, says peer support posts should be permanent.\n\n"
       "The Harbour Wellbeing Board will fund 48 per cent of the new peer support posts by 2027.\n\n"
       "Ann Pellow, chair of the Harbour Wellbeing Board, met Lowmoor Peer Support in May.\n")

QUERIES = ['"peer support"', "waiting times", "Lowmoor", "fund NOT crisis", "heading:briefing", "permanent"]


def _tables(project) -> dict:
    """Every row of the tags and cross-references, without when they were written."""
    out = {}
    with Store(project.store_path) as store:
        db = store.db
        for table, cols in (
                ("nlp_mentions", "passage_id, start, end, text, kind, source, confidence, curated_id, stakeholder_id"),
                ("nlp_stakeholders", "id, name, kind, aliases, mentions, confidence"),
                ("nlp_claims", "id, passage_id, doc_id, page, start, end, text, kinds, details, confidence, source"),
                ("nlp_tie_candidates", "*"),
                ("nlp_acronyms", "*"),
                ("nlp_lower_grams", "*"),
                ("xref_links", "*"),
                ("xref_claims", "*"),
                ("xref_stakeholder_docs", "*"),
                ("xref_figure_sets", "*")):
            out[table] = sorted((tuple(r) for r in db.execute(f"SELECT {cols} FROM {table}")), key=repr)
        out["tagged"] = sorted(r[0] for r in db.execute("SELECT passage_id FROM nlp_tagged"))
    return out


def _hits(project) -> dict:
    return {q: [h["passage_id"] for h in search(project.index_location, q, limit=50)["hits"]] for q in QUERIES}


def _project(tmp_path, name, database=None) -> tuple[Project, list]:
    """The synthetic papers, each in a file of its own, and a new project for them
    (on PostgreSQL when ``database`` is given)."""
    project = Project(init_project(tmp_path / name, database=database))
    folder = tmp_path / f"{name}-in"
    folder.mkdir()
    files = []
    for doc_id, text in [*PAPERS.items(), ("orchard-briefing", NEW)]:
        f = folder / f"{doc_id}.md"
        f.write_text(text, encoding="utf-8")
        files.append(f)
    return project, files


def _built_and_one_to_add(tmp_path):
    """A project built whole from every file, and one built from all but the last
    (the file to add): (whole, added, the last file, the second's tables before it)."""
    whole, files = _project(tmp_path, "whole")
    assert ingest(whole, files).ok
    assert build(whole, fetch=False, site=False).ok
    added, files = _project(tmp_path, "added")
    assert ingest(added, files[:-1]).ok
    assert build(added, fetch=False, site=False).ok
    return whole, added, files[-1], _tables(added)


@pytest.mark.parametrize("many", [None, 0], ids=["through-the-index", "by-a-scan-of-the-store"])
def test_one_document_added_equals_a_whole_build(tmp_path, monkeypatch, many):
    import scrutiny.tags.write as write

    if many is not None:
        monkeypatch.setattr(write, "MANY_PASSAGES", many)
    whole, added, last, before = _built_and_one_to_add(tmp_path)
    assert ingest(added, [last]).ok
    result = build(added, fetch=False, site=False)
    assert result.ok

    got, want = _tables(added), _tables(whole)
    assert got["tagged"] == want["tagged"] and len(got["tagged"]) > len(before["tagged"])
    for table in want:
        assert got[table] == want[table], table
    # what was compared holds what the test is about
    # the new name's words, counted in the documents built before it came
    assert [r[1:] for r in got["nlp_lower_grams"] if r[0] == "peer support works"] == \
        [("harbour-plan", 1), ("meadow-review", 1)]
    assert any("Lowmoor" in r[3] for r in want["nlp_mentions"])
    assert want["nlp_claims"] and want["xref_stakeholder_docs"] and want["xref_claims"]
    hits = _hits(added)
    assert hits == _hits(whole)
    assert hits["Lowmoor"] and hits['"peer support"']


def test_build_with_the_file_equals_a_whole_build(tmp_path):
    """`scrutiny build FILE` (the file ingested and every stage after it run in one
    process) leaves the store and the index as a whole build of the same files does."""
    from click.testing import CliRunner

    from scrutiny.cli import cli

    whole, added, last, before = _built_and_one_to_add(tmp_path)
    out = CliRunner().invoke(cli, ["--root", str(added.root), "build", "--offline", "--no-site", "--json",
                                   str(last)])
    assert out.exit_code == 0, out.output
    import json

    data = json.loads(out.output)
    status = {d["doc_id"]: d["status"] for d in data["ingest"]["documents"]}
    assert status == {"orchard-briefing": "ingested", "harbour-plan": "unchanged", "meadow-review": "unchanged",
                      "lantern-note": "unchanged"}
    assert data["ingest"]["tagging"]["passages"] > 0 and data["xref"] is not None

    got, want = _tables(added), _tables(whole)
    assert len(got["tagged"]) > len(before["tagged"])
    for table in want:
        assert got[table] == want[table], table
    assert _hits(added) == _hits(whole)


def _counting_tagger_builds(monkeypatch, fail_in_helper: bool = False) -> list:
    """Each tagger built in this process (a helper forked from it counts in its own
    memory, not here); ``fail_in_helper``: a helper's own build of the tagger fails."""
    import os

    from scrutiny.nlp import pipeline

    here, built, real = os.getpid(), [], pipeline.build_tagger

    def counting(*args, **kwargs):
        if os.getpid() != here:
            if fail_in_helper:
                raise OSError("no model in this process")
            return real(*args, **kwargs)
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_tagger", counting)
    return built


@pytest.mark.parametrize("helper_fails", [False, True], ids=["loaded-aside", "helper-failed"])
def test_build_with_the_file_loads_the_model_aside_and_tags_as_a_whole_build(tmp_path, monkeypatch, helper_fails):
    """A new process adding a file loads the model in a helper forked as the build starts
    (tags.early), on the other core while the file is read and stored; the rows it tags
    are those of a whole build. A helper that cannot load the model costs nothing: the
    build loads it itself."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_EARLY_TAGGER", raising=False)
    whole, added, last, before = _built_and_one_to_add(tmp_path)
    built = _counting_tagger_builds(monkeypatch, fail_in_helper=helper_fails)
    result = build(added, fetch=False, site=False, files=[last])
    assert result.ok and result.ingest.tagging.passages > 0
    assert built == ([1] if helper_fails else [])      # loaded here only when the helper could not
    got, want = _tables(added), _tables(whole)
    assert len(got["tagged"]) > len(before["tagged"])
    for table in want:
        assert got[table] == want[table], table
    import multiprocessing

    assert not multiprocessing.active_children()      # the helper is stopped with the build


def test_a_helper_that_dies_while_tagging_fails_the_build_loudly_and_stores_nothing(tmp_path, monkeypatch):
    """The helper is killed after its first rows: the ingest stage fails with one clear
    line, no tag of the run is stored, and the next build tags what was left."""
    import os
    import signal

    import scrutiny.tags.early as early

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_EARLY_TAGGER", raising=False)
    monkeypatch.setattr(early, "SEND", 1)        # one passage a message: rows come back before the end
    _whole, added, last, before = _built_and_one_to_add(tmp_path)
    real = early.EarlyTagger._stream

    def dying(self, items, *args):
        for i, rows in enumerate(real(self, items, *args)):
            if i == 0:
                os.kill(self.process.pid, signal.SIGKILL)
            yield rows

    monkeypatch.setattr(early.EarlyTagger, "_stream", dying)
    result = build(added, fetch=False, site=False, files=[last])
    assert not result.ok and result.stage("ingest").state == "failed"
    assert "helper process that held the language model ended" in result.final_line()
    assert _tables(added) == before              # no tag of the run was stored
    monkeypatch.setattr(early.EarlyTagger, "_stream", real)
    again = build(added, fetch=False, site=False)   # the next build tags the passages
    assert again.ok and again.ingest.tagging.passages > 0
    got, want = _tables(added), _tables(_whole)
    for table in want:
        assert got[table] == want[table], table


def test_a_new_process_adding_a_file_never_imports_spacy_itself(tmp_path):
    """`scrutiny build FILE` in a new process: the helper imports spaCy and loads the model;
    the process itself does not (a second and a half it would spend on the same core)."""
    import subprocess
    import sys

    _whole, added, last, _before = _built_and_one_to_add(tmp_path)
    code = ("import sys\n"
            "from scrutiny.cli import cli\n"
            "try:\n"
            f"    cli.main(['--root', {str(added.root)!r}, 'build', '--offline', '--no-site', {str(last)!r}],"
            " standalone_mode=False)\n"
            "finally:\n"
            "    print('spacy imported:', 'spacy' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != "SCRUTINY_EARLY_TAGGER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ingest: 1 read, tagged" in out.stdout
    assert "spacy imported: False" in out.stdout


def test_while_the_model_loads_the_build_reads_its_site_record_ahead(tmp_path, monkeypatch):
    """A build that adds a file waits for its helper's model: meanwhile it reads the site's
    record (440,000 names at 10,000 documents), which its site stage then finds read; the
    process keeps no record after the build."""
    import time

    import scrutiny.site.writer as writer
    from scrutiny.nlp import pipeline as nlp_pipeline

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_EARLY_TAGGER", raising=False)
    _whole, added, last, _before = _built_and_one_to_add(tmp_path)
    assert build(added, fetch=False).ok                 # a site, and its record
    here, real = os.getpid(), nlp_pipeline.build_tagger

    def slow(*args, **kwargs):          # the helper's model takes a while to load
        if os.getpid() != here:
            time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(nlp_pipeline, "build_tagger", slow)
    parsed, real_pages = [], writer._record_pages
    monkeypatch.setattr(writer, "_record_pages", lambda data: parsed.append(1) or real_pages(data))
    waited = []
    real_ahead = writer.read_ahead
    monkeypatch.setattr(writer, "read_ahead", lambda path: waited.append(path) or real_ahead(path))
    result = build(added, fetch=False, files=[last])
    assert result.ok and result.stage("site").state == "ran"
    assert len(waited) == 1 and parsed == [1]           # read once, ahead, not again by the site stage
    assert not writer._KEEP and not writer._KEPT
    assert (added.root / "site" / "doc" / "orchard-briefing" / "index.html").is_file()


def test_no_process_for_a_helper_and_the_build_loads_the_model_itself(tmp_path, monkeypatch):
    import scrutiny.tags.early as early

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("SCRUTINY_EARLY_TAGGER", raising=False)
    whole, added, last, _before = _built_and_one_to_add(tmp_path)

    def no_process(self, project, while_waiting=()):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(early.EarlyTagger, "__init__", no_process)
    built = _counting_tagger_builds(monkeypatch)
    result = build(added, fetch=False, site=False, files=[last])
    assert result.ok and built == [1]
    got, want = _tables(added), _tables(whole)
    for table in want:
        assert got[table] == want[table], table
