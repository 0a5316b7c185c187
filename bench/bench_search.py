"""CLI search on the scale corpus's passages (index only): warm p95 and whole `scrutiny search` processes.

Not part of `make bench`: run it with ``make bench-search`` (``SCALE_DOCS``
documents of bench.scale_corpus, 500 by default). The passages are made in
memory by :func:`bench.scale_corpus.passages` (what ingest makes of the
corpus's files) and indexed directly, with facets from their words
(:func:`bench.scale_corpus.facets`), so that thousands of documents take
minutes instead of a build's hours of tagging. The index is built as a living
corpus's is: a fresh index of all but the last documents, then the last ones
added one at a time (each a new segment, small ones merged).

The queries (:data:`QUERIES`, shared with ``make bench-scale``) are the
query language's kinds: words, phrases, boolean, prefixes, heading: fields,
and the --doc, --kind, --tag, --stakeholder and --page filters. The figures
are the p95 of every query five times in one warm process (the CLI's
``scrutiny.search.search``) and of whole ``scrutiny search`` processes, each
against the issue's goal; the load average is printed beside them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import Result

DEFAULT = False     # not in a plain `make bench`
SIZE = int(os.environ.get("SCALE_DOCS", "500"))
ADDED = 10          # documents added one at a time after the first index

# (query, filters): every kind of query the CLI takes. Filters are the CLI's options.
QUERIES: list[tuple[str, dict]] = [
    ("waiting times", {}),
    ('"crisis care"', {}),
    ("workforce plan", {}),
    ('"peer support roles"', {}),
    ("therapi*", {}),
    ("recovery OR outcome", {}),
    ("training NOT budget", {}),
    ("heading:workforce", {}),
    ('"talking therapies" regions', {}),
    ("Northfield", {}),
    ("commissioned evaluation", {}),
    ("(housing OR school) advice", {}),
    ("assessment contracts 2021", {}),
    ("heading:(data OR digital) quality", {}),
    ("pension communications -consultation", {}),
    ("Okafor", {}),
    ("employment support", {"tag": ("commitment",)}),
    ("waiting times", {"tag": ("statistic",), "kind": ("paragraph",)}),
    ("evaluation", {"stakeholder": ("org-0",)}),
    ("appeals process", {"doc": ("d00003", "d00007", "d00011")}),
    ("recruit", {"kind": ("list_item",)}),
    ("budget", {"page": "2-6"}),
]


def argv(query: str, filters: dict) -> list[str]:
    """The ``scrutiny search`` arguments for a query and its filters."""
    out = ["search", query]
    for key in ("doc", "kind", "tag", "stakeholder"):
        for v in filters.get(key, ()):
            out += [f"--{key}", v]
    if filters.get("page"):
        out += ["--page", filters["page"]]
    return out


def search_filters(filters: dict):
    from scrutiny.search import SearchFilters

    lo = hi = None
    if filters.get("page"):
        a, _, b = filters["page"].partition("-")
        lo, hi = int(a), int(b or a)
    return SearchFilters(doc=filters.get("doc", ()), kind=filters.get("kind", ()), tag=filters.get("tag", ()),
                         stakeholder=filters.get("stakeholder", ()), page_min=lo, page_max=hi)


def p95(values) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def load_average() -> str:
    """The load averages (1, 5, 15 minutes): how busy the machine was."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class Times(list):
    """Wall seconds of each run, with the CPU seconds of each in ``cpu``."""

    def __init__(self):
        super().__init__()
        self.cpu: list[float] = []


def warm_times(index_location, repeat: int = 5, queries=QUERIES) -> Times:
    """Seconds of each query, ``repeat`` times, in this (warm) process: the wall
    time, and the CPU time of this process (``.cpu``: what the query costs on a
    quiet machine; the wall time also holds the waits of a busy one)."""
    from scrutiny.search import search

    for q, f in queries:
        search(index_location, q, search_filters(f))   # warm
    times = Times()
    for _ in range(repeat):
        for q, f in queries:
            t, c = time.perf_counter(), time.process_time()
            search(index_location, q, search_filters(f))
            times.append(time.perf_counter() - t)
            times.cpu.append(time.process_time() - c)
    return times


def process_env() -> dict:
    """The environment of the measured processes: Python may keep compiled bytecode
    (``__pycache__``), as an installed package has it; a ``PYTHONDONTWRITEBYTECODE``
    of the shell would make every process compile scrutiny's modules again."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def process_times(root: Path, queries=QUERIES) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) of a whole ``scrutiny search`` process for each
    query, after one to warm the OS cache and write the bytecode. The CPU time
    (user + system, of the child) is what the process costs on a quiet machine;
    the wall time also holds the waits of a busy one."""
    import resource

    exe = str(Path(sys.executable).parent / "scrutiny")
    env = process_env()
    subprocess.run([exe, "--root", str(root), *argv(*queries[0])], check=True, stdout=subprocess.DEVNULL, env=env)
    walls, cpus = [], []
    for q, f in queries:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([exe, "--root", str(root), *argv(q, f)], check=True, stdout=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def search_results(warm: list[float], procs: tuple[list[float], list[float]], label: str) -> list[Result]:
    walls, cpus = procs
    return [
        Result(f"CLI search p95, warm ({label})", p95(warm) * 1000, "ms", "goal", 100.0, "<= 100 ms",
               ok=p95(warm) <= 0.1,
               notes=[f"{len(QUERIES)} queries x {len(warm) // len(QUERIES)}; median "
                      f"{statistics.median(warm) * 1000:.1f} ms, max {max(warm) * 1000:.0f} ms; "
                      + (f"CPU time p95 {p95(warm.cpu) * 1000:.0f} ms, median {statistics.median(warm.cpu) * 1000:.0f}"
                         f" ms; " if getattr(warm, "cpu", None) else "") + f"load average {load_average()}"]),
        Result(f"`scrutiny search` process p95 ({label})", p95(walls), "s", "goal", 0.5, "<= 0.5 s",
               ok=p95(walls) <= 0.5,
               notes=[f"median {statistics.median(walls):.2f}s over {len(walls)} queries; CPU time (user + "
                      f"system) p95 {p95(cpus):.2f}s, median {statistics.median(cpus):.2f}s; "
                      f"load average {load_average()}"]),
    ]


def build(root: Path, size: int = SIZE, progress=print) -> dict:
    """A project at ``root`` whose search index holds the first ``size`` documents'
    passages (no store: the CLI's search reads only the index)."""
    from bench.scale_corpus import facets, passages
    from scrutiny.index import DocumentSource, update_index
    from scrutiny.init import init_project
    from scrutiny.project import Project
    from scrutiny.tags.queries import PassageTags

    init_project(root, name=f"Search benchmark ({size} documents)")
    project = Project(root)
    project.ensure_data_dir()

    from functools import lru_cache

    from bench.scale_corpus import spec

    made = lru_cache(maxsize=2)(lambda i: passages(i)[1])   # a document's passages, made when the index asks

    def source(i):
        s = spec(i)
        return DocumentSource(
            doc_id=s.doc_id, label=s.title, paged=s.fmt == "pdf", page_labels=None, fingerprint="1",
            passages=lambda: made(i),
            facets=lambda: {p.id: PassageTags(*facets(p)) for p in made(i)})

    t = time.perf_counter()
    docs = {}
    first = max(1, size - ADDED)
    for i in range(first):
        d = source(i)
        docs[d.doc_id] = d
    summary = update_index(project.index_path, docs, content_version=1, rebuild=True)
    first_s = time.perf_counter() - t
    passages_n = summary.passages
    for i in range(first, size):          # then one document at a time, as a living corpus grows
        d = source(i)
        docs[d.doc_id] = d
        s = update_index(project.index_path, docs, content_version=2 + i)
        passages_n += s.passages
    info = {"passages": passages_n, "first_index_s": first_s, "segments": s.segments if size > first else
            summary.segments, "total_s": time.perf_counter() - t}
    progress(f"   index: {size} documents, {passages_n:,} passages; first {first} documents in {first_s:.0f}s, "
             f"{size - first} added one at a time; {info['segments']} segments", flush=True)
    return info


def run(workdir: Path) -> list[Result]:
    root = Path(os.environ.get("SEARCH_ROOT") or workdir / f"search-{SIZE}")
    from scrutiny.project import Project

    if not (root / ".scrutiny" / "index").exists():
        info = build(root)
        built = f"{info['passages']:,} passages, {info['segments']} segments"
    else:
        built = f"index reused from {root}"
    warm = warm_times(Project(root).index_location)
    procs = process_times(root)
    return search_results(warm, procs, f"{SIZE} documents, {built}")
