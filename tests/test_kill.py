"""Kill `scrutiny ingest` and `scrutiny site` at random moments (SIGKILL to the
whole process group, workers included) and check what a reader sees: a sound
store (PRAGMA integrity_check), search results of before or after the run,
never a mix, and a site that is the old one or the new one byte for byte, with
no broken link. The next run then finishes the job and leaves nothing behind.

`make test` runs a few kills of each; `make kill` runs 20 of ingest and 40 of
the site build on a 5,000-passage corpus (SCRUTINY_KILL_RUNS,
SCRUTINY_SITE_KILL_RUNS, SCRUTINY_KILL_PASSAGES).
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest

from helpers_concurrency import (NEW_WORD, copy_project, integrity, kill_group, run, search_state, start, tree,
                                 wait_group_gone, write_corpus)
from scrutiny.site.linkcheck import check_site

RUNS = int(os.environ.get("SCRUTINY_KILL_RUNS", "3"))
SITE_RUNS = int(os.environ.get("SCRUTINY_SITE_KILL_RUNS", "3"))
PASSAGES = int(os.environ.get("SCRUTINY_KILL_PASSAGES", "300"))
QUERIES = (NEW_WORD, "flood")   # one only the new corpus has, one whose hits change


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """``master/``: a project at the old state, ingested, tagged and with its
    site built, made at ``proj/`` (each run copies it back there, so that every
    path it recorded is right)."""
    from scrutiny.init import init_project

    base = tmp_path_factory.mktemp("kill")
    proj = base / "proj"
    init_project(proj)
    write_corpus(proj, PASSAGES)
    for args in (["ingest"], ["site"]):
        res = run(proj, *args, timeout=3600)
        assert res.returncode == 0, res.stderr
    shutil.move(proj, base / "master")
    return base


def fresh_copy(work: Path) -> Path:
    return copy_project(work / "master", work / "proj")


def states(proj: Path):
    return tuple(search_state(proj, q) for q in QUERIES)


def killed_runs(work: Path, command: list[str], runs: int, check_run, seed: int):
    """Measure one uninterrupted run, then ``runs`` runs killed at random times
    within its duration; ``check_run(proj, out, err)`` returns a list of problems."""
    proj = fresh_copy(work)
    write_corpus(proj, PASSAGES, "new")
    t = time.monotonic()
    res = run(proj, *command, timeout=3600)
    duration = time.monotonic() - t
    assert res.returncode == 0, res.stderr
    rng = random.Random(seed)
    problems = []
    for i in range(runs):
        proj = fresh_copy(work)
        write_corpus(proj, PASSAGES, "new")
        proc = start(proj, *command)
        at = rng.uniform(0.0, duration)
        time.sleep(at)
        out, err = kill_group(proc)
        wait_group_gone(proc.pid)
        problems += [f"run {i} (killed at {at:.2f}s of {duration:.2f}s): {p}" for p in check_run(proj, out, err)]
    return duration, problems


def test_ingest_killed_at_random_moments(work):
    # what a reader sees before and after an uninterrupted run
    proj = fresh_copy(work)
    old = states(proj)
    write_corpus(proj, PASSAGES, "new")
    assert run(proj, "ingest").returncode == 0
    new = states(proj)
    assert old != new and old[0][0] == 0 and new[0][0] == 1

    outcomes = {"old": 0, "new": 0}

    def check(proj, out, err):
        problems = []
        if "Traceback" in out + err:
            problems.append(f"traceback: {err[-400:]}")
        if integrity(proj) != "ok":
            problems.append(f"integrity_check: {integrity(proj)}")
        seen = states(proj)
        if seen in (old, new):
            outcomes["old" if seen == old else "new"] += 1
        else:
            problems.append(f"search neither old nor new: {seen}")
        again = run(proj, "ingest")            # the next run finishes the job
        if again.returncode != 0 or "Traceback" in again.stdout + again.stderr:
            problems.append(f"next ingest: exit {again.returncode}: {again.stderr[-400:]}")
        if states(proj) != new:
            problems.append(f"after the next ingest, search is not new: {states(proj)}")
        if integrity(proj) != "ok":
            problems.append("integrity_check after the next ingest")
        hidden = [p.name for p in (proj / "corpus" / "sources").iterdir() if p.name.startswith(".")]
        if hidden:
            problems.append(f"left in the sources: {hidden}")
        return problems

    duration, problems = killed_runs(work, ["ingest"], RUNS, check, seed=1)
    print(f"ingest killed {RUNS} times within {duration:.1f}s on {PASSAGES} passages: {len(problems)} problems "
          f"(search gave the old results after {outcomes['old']}, the new after {outcomes['new']})")
    assert problems == []


def test_site_build_killed_at_random_moments(work):
    proj = fresh_copy(work)
    old = tree(proj / "site")
    assert check_site(proj / "site")[0] == []
    write_corpus(proj, PASSAGES, "new")          # the project is renamed: every page changes
    assert run(proj, "site").returncode == 0
    new = tree(proj / "site")
    assert check_site(proj / "site")[0] == []
    assert old.keys() == new.keys() and old != new
    outcomes = {"old": 0, "new": 0}

    def check(proj, out, err):
        problems = []
        if "Traceback" in out + err:
            problems.append(f"traceback: {err[-400:]}")
        if integrity(proj) != "ok":
            problems.append(f"integrity_check: {integrity(proj)}")
        seen = tree(proj / "site")
        if seen in (old, new):
            outcomes["old" if seen == old else "new"] += 1
        else:
            mixed = sum(1 for k in new if seen.get(k) == new[k])
            problems.append(f"a mixed site: {mixed} of {len(new)} files new, "
                            f"{sum(1 for k in old if seen.get(k) == old[k])} old, {len(seen)} in all")
        again = run(proj, "site", "--check")     # the next build finishes the job and cleans up
        if again.returncode != 0 or "Traceback" in again.stdout + again.stderr:
            problems.append(f"next site --check: exit {again.returncode}: {again.stderr[-400:]}")
        if tree(proj / "site") != new:
            problems.append("after the next build, the site is not the new one")
        left = [p.name for p in proj.iterdir() if p.name.startswith(".site.") and ".trash-" not in p.name]
        if left:
            problems.append(f"left beside the site: {left}")
        return problems

    duration, problems = killed_runs(work, ["site"], SITE_RUNS, check, seed=2)
    print(f"site build killed {SITE_RUNS} times within {duration:.1f}s on {PASSAGES} passages: "
          f"{len(problems)} problems (the old site after {outcomes['old']}, the new after {outcomes['new']}, "
          "0 mixed)" if not problems else f"{len(problems)} problems")
    assert problems == []
