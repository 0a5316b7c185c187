"""Two writers on one project: the second waits for the first (or says it is
busy, in one line), readers go on undisturbed, and nothing is lost or left
behind. `make kill` runs 20 concurrent pairs on a 5,000-passage corpus
(SCRUTINY_WRITER_PAIRS, SCRUTINY_CONCURRENCY_PASSAGES)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers_concurrency import (NEW_WORD, integrity, no_traceback, run, search_state, start, wait_group_gone,
                                 write_corpus)
from scrutiny.lock import holder
from scrutiny.project import Project

PAIRS = int(os.environ.get("SCRUTINY_WRITER_PAIRS", "2"))
PASSAGES = int(os.environ.get("SCRUTINY_CONCURRENCY_PASSAGES", "300"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A project holding a corpus of PASSAGES passages, ingested and tagged once."""
    from scrutiny.init import init_project

    root = tmp_path_factory.mktemp("writers") / "proj"
    init_project(root)
    write_corpus(root, PASSAGES)
    res = run(root, "ingest", timeout=1800)
    assert res.returncode == 0, res.stderr
    return Project(root)


def wait_for_holder(project, pid, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        h = holder(project)
        if h is not None and h.pid == pid:
            return
        time.sleep(0.02)
    raise AssertionError(f"pid {pid} never took the lock")


def settled(project) -> None:
    """What every run must leave: a sound store, no hidden copies in the
    sources, at most two index folders (the live one and the one it replaced)."""
    root = project.root
    assert integrity(root) == "ok"
    assert [p.name for p in project.sources_dir.iterdir() if p.name.startswith(".")] == []
    indexes = [p.name for p in project.data_dir.glob("index-*")]
    assert 1 <= len(indexes) <= 2, indexes
    assert (project.data_dir / "index").resolve().name in indexes
    assert holder(project) is None


def add_paragraph(project, word: str) -> None:
    path = project.sources_dir / "paper-000.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\nA paragraph about the {word} of the canal.\n",
                    encoding="utf-8")


def test_a_second_ingest_waits_and_readers_see_old_or_new(corpus, tmp_path):
    project = corpus
    before = search_state(project.root, "canal")
    add_paragraph(project, "towpath")
    incoming = tmp_path / "late paper.md"
    incoming.write_text("# A late paper\n\nThe council will audit the lamplighters of the towpath by next spring.\n")
    a = start(project.root, "ingest", "--force")
    wait_for_holder(project, a.pid)
    b = start(project.root, "ingest", incoming, "--wait", "600")
    seen = set()
    while a.poll() is None:
        state = search_state(project.root, "canal")     # a reader, never blocked, never a half state
        assert not isinstance(state, str), state
        seen.add(state)
    a_out, a_err = a.communicate()
    b_out, b_err = b.communicate(timeout=900)
    no_traceback(a_out, a_err, b_out, b_err)
    assert a.returncode == 0, a_err
    assert b.returncode == 0, b_err
    assert f"waiting for another ingest (pid {a.pid} on this machine" in b_err
    after = search_state(project.root, "canal")
    assert after[0] == before[0] + 1
    assert seen <= {before, after}
    assert search_state(project.root, "lamplighters")[0] == 1     # the file the second one registered
    assert "[documents.late-paper]" in project.manifest_path.read_text()
    assert [p.name for p in project.sources_dir.glob("late*")] == ["late paper.md"]
    settled(project)


def test_a_second_ingest_told_not_to_wait_says_busy_and_copies_nothing(corpus, tmp_path):
    project = corpus
    incoming = tmp_path / "other.md"
    incoming.write_text("# Another paper\n\nVolunteers will track the repair backlog in each ward.\n")
    manifest = project.manifest_path.read_text()
    sources = sorted(p.name for p in project.sources_dir.iterdir())
    a = start(project.root, "ingest", "--force")
    wait_for_holder(project, a.pid)
    b = run(project.root, "ingest", incoming, "--wait", "0")
    a_out, a_err = a.communicate()
    no_traceback(a_out, a_err, b.stdout, b.stderr)
    assert a.returncode == 0, a_err
    assert b.returncode == 1
    assert b.stderr.strip().splitlines() == [b.stderr.strip()]
    assert b.stderr.startswith(f"Error: busy: another ingest (pid {a.pid} on this machine, started ")
    assert project.manifest_path.read_text() == manifest
    assert sorted(p.name for p in project.sources_dir.iterdir()) == sources
    settled(project)


def test_ingest_and_site_at_once(corpus):
    project = corpus
    add_paragraph(project, "lock keeper")
    # both wait for the other (a loaded machine can hold the lock past the default 5 s)
    a = start(project.root, "ingest", "--wait", "600")
    b = start(project.root, "site", "--wait", "600")
    outs = [p.communicate(timeout=900) for p in (a, b)]
    no_traceback(*[t for pair in outs for t in pair])
    assert a.returncode == 0 and b.returncode == 0, outs
    assert (project.site_dir / "index.html").is_file()
    settled(project)


def test_concurrent_ingest_pairs(corpus):
    """PAIRS pairs of `ingest --force` started together (random offsets): each
    ends cleanly, the second after the first, and the store, the index and the
    search results are right after every pair."""
    project = corpus
    rng = random.Random(16)
    failures = []
    for pair in range(PAIRS):
        word = f"{NEW_WORD}{pair}x"
        add_paragraph(project, word)
        a = start(project.root, "ingest", "--force", "--wait", "900")
        time.sleep(rng.uniform(0, 1.5))
        b = start(project.root, "ingest", "--force", "--wait", "900")
        results = []
        for p in (a, b):
            try:
                out, err = p.communicate(timeout=1200)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                failures.append(f"pair {pair}: pid {p.pid} hung")
            results.append((p.returncode, out, err))
        for p in (a, b):
            wait_group_gone(p.pid)
        for rc, out, err in results:
            if rc != 0 or "Traceback" in out + err:
                failures.append(f"pair {pair}: exit {rc}: {err.strip()[-500:]}")
        state = search_state(project.root, word)
        if isinstance(state, str) or state[0] != 1:
            failures.append(f"pair {pair}: search {word}: {state}")
        if integrity(project.root) != "ok":
            failures.append(f"pair {pair}: integrity_check: {integrity(project.root)}")
    print(f"{PAIRS} concurrent ingest pairs on {PASSAGES} passages: {len(failures)} failures")
    assert failures == []
    settled(project)


def test_an_index_folder_of_a_live_process_is_never_removed(tmp_path):
    from scrutiny.index import build_index
    from scrutiny.passages import Passage

    link = tmp_path / ".scrutiny" / "index"
    link.parent.mkdir()
    passages = [Passage(id="d-1", doc_id="d", ord=0, kind="paragraph", page=1, page_end=1,
                        text="Words of our own about canal locks.")]
    build_index(link, {"d": "D"}, passages)
    first = link.resolve().name
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    try:
        building = link.parent / f"index-20240101000000-{sleeper.pid}-abcdefgh"   # another ingest, building
        building.mkdir()
        killed = link.parent / f"index-20240101000000-{dead}-ijklmnop"            # one that was killed
        killed.mkdir()
        build_index(link, {"d": "D"}, passages)
        second = link.resolve().name
        build_index(link, {"d": "D"}, passages)
        names = {p.name for p in link.parent.glob("index-*")}
        assert building.name in names              # never removed by another process
        assert killed.name not in names            # a dead process's: removed
        assert second in names and first not in names   # the one replaced is kept, the one before removed
    finally:
        sleeper.kill()
        sleeper.wait()
