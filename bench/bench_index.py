"""Whoosh index build (50,000 passages) and a whole `scrutiny search` process vs bare Whoosh."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench import Result
from bench.synth import heading, paragraph

N_PASSAGES = int(os.environ.get("BENCH_PASSAGES", "50000"))
QUERY = '"waiting times" therapies'

BARE = """
import sys
from whoosh import index
from whoosh.qparser import MultifieldParser
ix = index.open_dir(sys.argv[1])
q = MultifieldParser(["text", "heading"], schema=ix.schema).parse(sys.argv[2])
with ix.searcher() as s:
    r = s.search(q, limit=10, terms=True)
    for h in r:
        print(h["passage_id"], h["page"], h.highlights("text", top=2))
"""


def make_passages(n: int):
    from scrutiny.passages import Passage

    rng = random.Random(42)
    docs = max(1, n // 500)
    out = []
    for i in range(n):
        doc = f"doc-{i % docs:03d}"
        text = heading(rng, i % 40) if i % 12 == 0 else paragraph(rng)
        out.append(Passage(id=f"{doc}-{i:06d}", doc_id=doc, ord=i, kind="heading" if i % 12 == 0 else "paragraph",
                           page=1 + (i % 500) // 4, page_end=1 + (i % 500) // 4, text=text))
    return out, {f"doc-{d:03d}": f"Document {d}" for d in range(docs)}


def _time_process(argv, repeat=7, env=None):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]  # median


def run(workdir: Path) -> list[Result]:
    from scrutiny.index import build_index
    from scrutiny.init import init_project
    from scrutiny.project import Project

    root = init_project(workdir / "proj")
    project = Project(root)
    project.ensure_data_dir()
    passages, labels = make_passages(N_PASSAGES)

    t = time.perf_counter()
    one = build_index(project.index_path, labels, passages, procs=1)
    single = time.perf_counter() - t
    t = time.perf_counter()
    two = build_index(project.index_path, labels, passages, procs=2)
    multi = time.perf_counter() - t

    results = [
        Result(f"index build, {N_PASSAGES} passages, 2 procs", two.rate, "passages/s",
               "1 proc", one.rate, target="report; use both cores",
               notes=[f"1 proc {single:.1f}s, 2 procs {multi:.1f}s"]),
    ]

    bindir = Path(sys.executable).parent
    scrutiny_exe = bindir / "scrutiny"
    env = dict(os.environ)
    index_dir = str(project.index_path.resolve())
    # warm the OS cache once
    subprocess.run([sys.executable, "-c", BARE, index_dir, QUERY], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(scrutiny_exe), "--root", str(root), "search", QUERY], check=True, stdout=subprocess.DEVNULL)
    bare = _time_process([sys.executable, "-c", BARE, index_dir, QUERY], env=env)
    ours = _time_process([str(scrutiny_exe), "--root", str(root), "search", QUERY], env=env)
    results.append(Result(f"`scrutiny search` process, {N_PASSAGES} passages", ours, "s",
                          "bare python + whoosh query", bare, target="ratio <= 1.3",
                          ok=ours / bare <= 1.3))
    return results
