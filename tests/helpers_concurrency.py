"""A corpus of our own synthetic text for the two-writer and kill tests, and
the checks they share: the store's integrity, search results, the site's files.

The corpus is Markdown (read in milliseconds), in the manifest with an open
licence so that the site republishes the text. ``version`` changes the
corpus in a way every check can see: state "new" adds a paragraph with a word
no other has (``zebrafish``), rewrites one paragraph and renames the project
(every page of the site changes).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

SUBJECTS = ["The council", "The review", "Local teams", "The board", "Inspectors", "The trust", "Employers",
            "The panel", "Volunteers", "The agency"]
VERBS = ["will widen", "should audit", "has cut", "must report", "plans to merge", "hopes to fund",
         "agreed to track", "intends to staff", "will publish"]
OBJECTS = ["bus timetables", "library hours", "the repair backlog", "school meals", "flood defences",
           "allotment waiting lists", "the tree survey", "street lighting", "the grants scheme",
           "recycling rounds", "pension advice"]
TAILS = ["by next spring", "in each ward", "within budget", "for 3,000 more homes", "after a pilot", ""]

NEW_WORD = "zebrafish"
SCRUTINY = [sys.executable, "-m", "scrutiny"]


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{' ' + tail if tail else ''}."


def write_corpus(root: Path, passages: int, version: str = "old", docs: int | None = None) -> None:
    """Write ``docs`` Markdown documents holding about ``passages`` passages in all,
    and a manifest listing them (overwrites both)."""
    docs = docs or max(2, min(20, passages // 100))
    per_doc = max(4, passages // docs)
    rng = random.Random(2024)
    sources = root / "corpus" / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    name = "Synthetic town hall papers" + (" (revised)" if version == "new" else "")
    manifest = [f'[project]\nname = "{name}"\n\n[documents]\n']
    for d in range(docs):
        lines = [f"# Town paper {d}\n"]
        for i in range(per_doc - 1):
            if i % 10 == 0:
                lines.append(f"## Section {i // 10 + 1}: {rng.choice(OBJECTS)}\n")
            else:
                text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
                if version == "new" and d == 0 and i == 5:
                    text = "This paragraph was rewritten in the revision: the panel will publish flood maps."
                lines.append(text + "\n")
        if version == "new" and d == docs - 1:
            lines.append(f"The revision adds that a {NEW_WORD} survey of the river will start in May.\n")
        (sources / f"paper-{d:03d}.md").write_text("\n".join(lines), encoding="utf-8")
        manifest.append(f'[documents.paper-{d:03d}]\ntitle = "Town paper {d}"\nkind = "policy"\n'
                        f'publisher = "Example Borough"\ndate = "2024-0{1 + d % 9}"\nlicence = "CC-BY-4.0"\n'
                        f'source = "paper-{d:03d}.md"\n')
    (root / "corpus" / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")


def run(root: Path, *args, timeout: float = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRUTINY, "--root", str(root), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def start(root: Path, *args) -> subprocess.Popen:
    """A scrutiny command in its own process group (killed with everything it started)."""
    return subprocess.Popen([*SCRUTINY, "--root", str(root), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill_group(proc: subprocess.Popen) -> tuple[str, str]:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    out, err = proc.communicate()
    return out, err


def wait_group_gone(pgid: int, seconds: float = 30) -> None:
    """Wait until no process of the group is left (forked workers included)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {pgid} still running after {seconds} s")


def integrity(root: Path) -> str:
    store = root / ".scrutiny" / "store.db"
    if not store.exists():
        return "ok"
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def search_state(root: Path, query: str) -> tuple[int, tuple[str, ...]] | str:
    """(total, passage ids) of a search, or the error text when it fails."""
    res = run(root, "search", query, "-n", "100000", "--json")
    if res.returncode != 0:
        return f"exit {res.returncode}: {res.stderr.strip()}"
    data = json.loads(res.stdout)
    return data["total"], tuple(sorted(h["passage_id"] for h in data["hits"]))


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed): rel -> sha256 (or 'LINK')."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                out[rel] = "LINK"
            else:
                with open(path, "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def copy_project(src: Path, dst: Path) -> Path:
    """A copy of a project folder, links kept as links (the index link is relative)."""
    while dst.exists():   # a replaced site may be being removed inside it by a process of its own
        shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    return dst


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in (text or ""), text
