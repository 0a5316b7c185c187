"""`scrutiny watch`: a long-lived process that builds again when the project's files
change and adds the files put into its inbox, with the language model loaded once.

What it writes must be what `scrutiny build` writes: the tags of a watched project
are compared, row for row, with those of a project built in one go from the same
files, and a kept tagger given other curated names tags as a new one would. Our
own synthetic text throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from helpers_pipeline import fill_project
from scrutiny.errors import ScrutinyError
from scrutiny.init import init_project
from scrutiny.pipeline import build
from scrutiny.project import Project
from scrutiny.store import Store
from scrutiny.tags import write as tags_write
from scrutiny.watch import Watcher

FIRST = ("# Larch Briefing on Crisis Beds\n\n"
         "The Larch Mental Health Alliance will fund 60 new crisis beds by 2028.\n\n"
         "Dana Whitlow, director of the Larch Mental Health Alliance, said the beds are overdue.\n")
SECOND = ("# Rowan Note on Waiting Lists\n\n"
          "Waiting lists for talking therapies grew by 14 per cent in the Rowan area last year.\n\n"
          "The Larch Mental Health Alliance urges commissioners to publish waiting times monthly.\n")


def _drop(inbox: Path, name: str, text: str) -> Path:
    """Put a file into the inbox as a careful user does: written aside, then renamed in."""
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / f".{name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    path = inbox / name
    tmp.replace(path)
    return path


def _settled(watcher: Watcher):
    """Poll until a build runs (a change is built once it has stood still for one poll)."""
    for _ in range(3):
        r = watcher.step()
        if r is not None:
            return r
    raise AssertionError("no build ran")


def _tag_rows(project) -> dict:
    with Store(project.store_path) as store:
        db = store.db
        return {table: sorted((tuple(r) for r in db.execute(f"SELECT {cols} FROM {table}")), key=repr)
                for table, cols in (
                    ("nlp_mentions", "passage_id, start, end, text, kind, source, confidence, curated_id, stakeholder_id"),
                    ("nlp_stakeholders", "id, name, kind, aliases, mentions, confidence"),
                    ("nlp_claims", "id, passage_id, doc_id, page, start, end, text, kinds, details, confidence, source"),
                    ("nlp_tie_candidates", "*"))}


@pytest.fixture
def warm():
    tags_write.keep_tagger_warm(True)
    yield
    tags_write.keep_tagger_warm(False)


def _campaign(tmp_path, name) -> Project:
    root = tmp_path / name
    init_project(root)
    fill_project(root)
    return Project(root)


def _count_model_loads(monkeypatch) -> list:
    """Each build of a tagger (the model loaded) from here on, by the names it was given."""
    from scrutiny.nlp import pipeline

    built = []
    real = pipeline.build_tagger

    def counting(*args, **kwargs):
        built.append(kwargs.get("names"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_tagger", counting)
    return built


def test_inbox_files_are_added_with_the_model_loaded_once_and_tag_as_a_whole_build(tmp_path, monkeypatch, warm):
    built = _count_model_loads(monkeypatch)
    project = _campaign(tmp_path, "watched")
    watcher = Watcher(project, interval=0.0)
    first = watcher.step()
    assert first is not None and first.reason == "first build" and first.result.ok
    assert len(built) == 1                      # the campaign's policy document was tagged
    assert watcher.step() is None               # nothing changed: no build

    f1 = _drop(watcher.inbox, "larch-briefing.md", FIRST)
    r1 = _settled(watcher)
    assert r1.result.ok and r1.taken == [str(f1)] and not f1.exists()
    f2 = _drop(watcher.inbox, "rowan-note.md", SECOND)
    r2 = _settled(watcher)
    assert r2.result.ok and r2.taken == [str(f2)]
    # the model was not loaded again for the documents added (each is a curated name more)
    assert len(built) == 1
    sources = project.root / "corpus" / "sources"
    assert (sources / "larch-briefing.md").read_text(encoding="utf-8") == FIRST
    assert (sources / "rowan-note.md").read_text(encoding="utf-8") == SECOND
    for doc_id in ("larch-briefing", "rowan-note"):
        assert (project.root / "site" / "doc" / doc_id / "index.html").is_file()
    # the build after it (its own copies and manifest entry seen) has nothing to do
    again = _settled(watcher)
    assert again.result.ok and all(s.state != "ran" for s in again.result.stages)

    # the same files built in one go, in a new process's way (the model loaded for it)
    tags_write.keep_tagger_warm(False)
    cold = _campaign(tmp_path, "cold")
    aside = tmp_path / "aside"
    aside.mkdir()
    (aside / "larch-briefing.md").write_text(FIRST, encoding="utf-8")
    (aside / "rowan-note.md").write_text(SECOND, encoding="utf-8")
    assert build(cold, fetch=False).ok
    assert build(cold, fetch=False, files=[aside / "larch-briefing.md"]).ok
    assert build(cold, fetch=False, files=[aside / "rowan-note.md"]).ok
    watched_rows, cold_rows = _tag_rows(project), _tag_rows(cold)
    assert watched_rows["nlp_mentions"] and watched_rows["nlp_claims"]
    assert watched_rows == cold_rows


def test_a_kept_tagger_given_other_names_tags_as_a_new_one():
    from scrutiny.nlp.pipeline import build_tagger, with_names
    from scrutiny.nlp.spans import stakeholder_spans

    before = [("larch", "organisation", "Larch Mental Health Alliance")]
    after = before + [("rowan-note", "document", "Rowan Note on Waiting Lists"),
                      ("dana", "person", "Dana Whitlow")]
    texts = [FIRST, SECOND, "The Rowan Note on Waiting Lists was written for Dana Whitlow."]

    def seen(tagger):
        return [([(s.start_char, s.end_char, s.label_, s.kb_id_) for s in stakeholder_spans(doc)],
                 doc._.claims, doc._.ties) for doc in tagger.pipe(texts)]

    kept = build_tagger(names=before, warn=False)
    old_version = kept.version
    assert with_names(kept, after) is kept
    fresh = build_tagger(names=after, warn=False)
    assert kept.version == fresh.version != old_version
    assert kept.names == fresh.names
    found = seen(kept)
    assert found == seen(fresh)
    assert any(kb == "rowan-note" for spans, *_ in found for *_x, kb in spans)


def test_a_file_that_cannot_be_read_stays_in_the_inbox_until_it_changes(tmp_path, warm):
    project = _campaign(tmp_path, "broken")
    watcher = Watcher(project, interval=0.0)
    assert watcher.step().result.ok
    bad = watcher.inbox / "scan.pdf"
    bad.write_bytes(b"this is not a PDF")
    good = _drop(watcher.inbox, "larch-briefing.md", FIRST)
    r = _settled(watcher)
    assert r.taken == [str(good)] and r.refused == [str(bad)]
    assert bad.read_bytes() == b"this is not a PDF"          # nothing lost
    assert not r.result.ok and "scan.pdf" in r.result.final_line()
    assert (project.root / "site" / "doc" / "larch-briefing" / "index.html").is_file()   # the rest went through
    _settled(watcher)                                           # the good file's copy and entry, seen
    assert watcher.step() is None and watcher.step() is None    # the bad file is not read again as it is
    time.sleep(0.01)
    bad.write_bytes(b"still not a PDF, but changed")
    r = _settled(watcher)
    assert r.refused == [str(bad)]


def test_a_changed_source_is_built_again(tmp_path, warm):
    project = _campaign(tmp_path, "edited")
    watcher = Watcher(project, interval=0.0)
    assert watcher.step().result.ok
    plan = project.root / "corpus" / "sources" / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8") + "\nThe plan will be reviewed by the Kestrel Panel in 2029.\n",
                    encoding="utf-8")
    r = _settled(watcher)
    assert r.reason.startswith("changed: ") and "corpus/sources/plan.md" in r.reason
    assert r.result.ok and any(s.name == "ingest" and s.state == "ran" for s in r.result.stages)
    with Store(project.store_path) as store:
        assert any("Kestrel Panel" in p.text for p in store.passages("plan"))


def test_an_inbox_elsewhere_in_the_project_is_refused(tmp_path):
    project = _campaign(tmp_path, "odd")
    with pytest.raises(ScrutinyError, match="inbox"):
        Watcher(project, inbox=project.root / "corpus" / "drop")
    Watcher(project, inbox=tmp_path / "outside")                # a folder outside the project is fine


def test_the_command_adds_a_dropped_file_and_stops_on_a_signal(tmp_path):
    project = _campaign(tmp_path, "cli")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "watch.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scrutiny", "--root", str(project.root), "watch",
                                 "--interval", "0.2", "--licence", "OGL-UK-3.0"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        page = project.root / "site" / "doc" / "larch-briefing" / "index.html"
        deadline = time.monotonic() + 240
        # the first build tagged the campaign's document or the model is loaded while the
        # watch waits: either way the file dropped in does not wait for the model
        while not ("build: done" in log.read_text() and ("watch: language model loaded" in log.read_text()
                                                         or "tagged" in log.read_text())) \
                and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        dropped = _drop(project.root / "inbox", "larch-briefing.md", FIRST)
        while not page.is_file() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        assert page.is_file(), log.read_text()
        while dropped.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not dropped.exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    text = log.read_text()
    assert code == 0, text
    assert "watch: building (1 file in inbox/)" in text
    assert text.rstrip().endswith("watch: stopped")
    with open(project.root / "corpus" / "manifest.toml", "rb") as fh:   # --licence: republished, not withheld
        assert tomllib.load(fh)["documents"]["larch-briefing"]["licence"] == "OGL-UK-3.0"


def test_the_command_on_a_built_project_loads_the_model_while_it_waits(tmp_path):
    """The command passes its options (site, kind, licence) to the pipeline's own build,
    so the watch loads the model while idle (a build function of a caller's own would
    leave the model to it)."""
    project = _campaign(tmp_path, "cli-idle")
    assert build(project, fetch=False).ok
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "watch.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scrutiny", "--root", str(project.root), "watch",
                                 "--interval", "0.2", "--licence", "OGL-UK-3.0", "--no-site"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 240
        while "watch: language model loaded" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    text = log.read_text()
    assert code == 0, text
    assert "watch: language model loaded" in text and "ready for files in inbox/" in text


def test_an_idle_watch_loads_the_model_before_a_file_arrives(tmp_path, monkeypatch):
    """A project built already: the watch's first build tags nothing, so no model is
    loaded by it; the model is loaded while the watch waits, once, and the file dropped
    in afterwards is tagged by that tagger (the model is not loaded for it)."""
    import threading

    project = _campaign(tmp_path, "idle")
    assert build(project, fetch=False).ok            # built in one go, no tagger kept
    built = _count_model_loads(monkeypatch)
    rounds = []
    stop = threading.Event()
    watcher = Watcher(project, interval=0.05)
    thread = threading.Thread(target=watcher.run, kwargs={"stop": stop, "on_round": rounds.append})
    thread.start()
    try:
        deadline = time.monotonic() + 180
        while not (rounds and tags_write.tagger_is_warm(project)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rounds and rounds[0].reason == "first build"
        assert all(s.state != "ran" for s in rounds[0].result.stages if s.name == "ingest")
        assert tags_write.tagger_is_warm(project) and len(built) == 1     # loaded while idle
        f1 = _drop(watcher.inbox, "larch-briefing.md", FIRST)
        while not any(r.taken for r in rounds) and time.monotonic() < deadline:
            time.sleep(0.05)
        added = [r for r in rounds if r.taken]
        assert added and added[0].result.ok and added[0].taken == [str(f1)]
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()
    assert len(built) == 1                               # not loaded again for the file
    assert not tags_write.tagger_is_warm(project)        # let go of when the watch stops
    with Store(project.store_path) as store:
        n = store.db.execute("SELECT COUNT(*) FROM nlp_mentions m JOIN passages p ON p.id = m.passage_id "
                             "WHERE p.doc_id = 'larch-briefing'").fetchone()[0]
    assert n > 0                                         # and the file was tagged


@pytest.fixture
def recording():
    from scrutiny.atomic import record_writes

    record_writes(True)
    yield
    record_writes(False)


def test_a_build_s_own_writes_are_no_change_but_a_hand_edit_during_it_is(tmp_path, warm, recording):
    import functools

    project = _campaign(tmp_path, "own-writes")
    edits = []

    def build_then_edit(project, **kwargs):
        result = build(project, site=False, **kwargs)
        if edits:       # someone edits the manifest by hand while the build runs
            with open(project.manifest_path, "a", encoding="utf-8") as fh:
                fh.write(edits.pop())
        return result

    watcher = Watcher(project, interval=0.0, build=build_then_edit)
    assert watcher.step().reason == "first build"
    f1 = _drop(watcher.inbox, "larch-briefing.md", FIRST)
    r1 = _settled(watcher)
    assert r1.result.ok and r1.taken == [str(f1)]
    # its copy in corpus/sources/ and its manifest entry were written by that build: no echo
    assert watcher.step() is None and watcher.step() is None

    edits.append("\n# a note written by hand during a build\n")
    _drop(watcher.inbox, "rowan-note.md", SECOND)
    r2 = _settled(watcher)
    assert r2.result.ok and not edits
    again = _settled(watcher)                  # the hand edit is a change: built again
    assert again.reason.startswith("changed: corpus/manifest.toml")
    assert watcher.step() is None and watcher.step() is None


def test_a_file_moved_into_the_inbox_is_built_at_the_first_poll_a_fresh_one_at_the_second(tmp_path, warm, recording):
    import functools

    project = _campaign(tmp_path, "settle")
    watcher = Watcher(project, interval=30.0, build=functools.partial(build, site=False))
    assert watcher.step().reason == "first build"
    aside = tmp_path / "aside.md"
    aside.write_text(FIRST, encoding="utf-8")
    old = time.time() - 60
    os.utime(aside, (old, old))
    aside.rename(watcher.inbox / "larch-briefing.md")      # moved in: its time is a minute old
    r = watcher.step()
    assert r is not None and r.result.ok and len(r.taken) == 1

    _drop(watcher.inbox, "rowan-note.md", SECOND)          # just written: may still be growing
    assert watcher.step() is None
    r = watcher.step()                                       # stood still for one poll
    assert r is not None and r.result.ok and len(r.taken) == 1


def test_a_settled_file_is_built_within_a_moment_of_arriving_not_at_the_next_poll(tmp_path, warm):
    """A long interval between polls (each stats every source): a file moved into the
    inbox, its time a minute old, ends the wait at the next look at the inbox alone."""
    import functools
    import threading

    project = _campaign(tmp_path, "look")
    rounds = []
    stop = threading.Event()
    watcher = Watcher(project, interval=120.0, build=functools.partial(build, site=False))
    thread = threading.Thread(target=watcher.run, kwargs={"stop": stop, "on_round": rounds.append})
    thread.start()
    try:
        deadline = time.monotonic() + 180
        while not rounds and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rounds and rounds[0].reason == "first build"
        time.sleep(0.5)
        aside = tmp_path / "larch-briefing.md"
        aside.write_text(FIRST, encoding="utf-8")
        old = time.time() - 60
        os.utime(aside, (old, old))
        moved = time.monotonic()
        aside.rename(watcher.inbox / aside.name)
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(rounds) == 2 and rounds[1].taken and rounds[1].result.ok
        started = time.monotonic() - moved - rounds[1].seconds
        assert started < 5.0            # not the 120 s of the next poll
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()


def test_an_inbox_round_after_a_clean_build_ingests_the_files_alone(tmp_path, warm, recording, monkeypatch):
    """Only the inbox changed since a build that found every document current: the round
    ingests its files and takes the others as that build found them (no pass over the
    whole manifest), and its report counts the corpus as a whole pass would. Any other
    change seen with the files brings the whole pass back."""
    import re

    from scrutiny import ingest as ingest_module

    project = _campaign(tmp_path, "carry")
    watcher = Watcher(project, interval=0.0)
    assert watcher.step().result.ok
    calls = []
    real = ingest_module.ingest

    def counting(project, files=None, **kwargs):
        calls.append(sorted(Path(f).name for f in files) if files else "whole manifest")
        return real(project, files, **kwargs)

    monkeypatch.setattr(ingest_module, "ingest", counting)
    f1 = _drop(watcher.inbox, "larch-briefing.md", FIRST)
    r1 = _settled(watcher)
    assert r1.result.ok and r1.taken == [str(f1)]
    assert calls == [["larch-briefing.md"]]
    line = r1.result.stage("ingest").line
    assert line.startswith("ingest: 1 read, tagged, indexed: ")

    def counts(text):
        return re.search(r"\d+ documents?, \d+ passages?", text).group(0)

    calls.clear()
    whole = build(project, fetch=False, site=False)       # a one-off build: the whole pass
    assert calls == ["whole manifest"] and whole.stage("ingest").state == "up to date"
    assert counts(whole.stage("ingest").line) == counts(line)
    assert (project.root / "site" / "doc" / "larch-briefing" / "index.html").is_file()

    # a source edited by hand, seen with a file in the inbox: the whole pass runs again
    calls.clear()
    plan = project.root / "corpus" / "sources" / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8") + "\nThe Kestrel Panel will review the plan in 2029.\n",
                    encoding="utf-8")
    _drop(watcher.inbox, "rowan-note.md", SECOND)
    r2 = _settled(watcher)
    assert r2.result.ok and calls == [["rowan-note.md"], "whole manifest"]
    with Store(project.store_path) as store:
        assert any("Kestrel Panel" in p.text for p in store.passages("plan"))
