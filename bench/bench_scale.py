"""A national corpus (`make bench-scale`): first ingest, one document added, no-change rebuild, memory, search.

Not part of `make bench` (it takes long): run it with ``make bench-scale``
(``SCALE_DOCS=500 make bench-scale`` for a smaller corpus). The corpus
(bench.scale_corpus) is generated once and cached under bench/out/; the built
project stays in ``bench/out/scale-run-<n>/`` so that ``SCALE_REUSE=1`` measures
everything after the first build again without re-ingesting.

Baselines are measured in the same run: raw ``nlp.pipe`` of the same model on
the corpus's own passages (1 and 2 processes), pdftotext on the corpus's PDFs,
the first build (for the no-change rebuild), SQLite (for PostgreSQL), the plain
2-process build (for Dask).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import Result

DEFAULT = False     # not in a plain `make bench`
HERE = Path(__file__).parent
SIZE = int(os.environ.get("SCALE_DOCS", "10000"))
REUSE = os.environ.get("SCALE_REUSE") == "1"
from bench.bench_search import QUERIES  # noqa: E402  (the CLI's queries, shared with `make bench-search`)

# the site's first query is measured on the words of the queries of the first runs (figures comparable)
SITE_QUERIES = [
    "waiting times", '"crisis care"', "workforce plan", "peer support roles", "therapi*",
    "recovery OR outcome", "training NOT budget", "heading:workforce", '"talking therapies" regions',
    "Northfield", "commissioned evaluation", "housing advice", "assessment contracts 2021",
    "digital referral", "pension communications", "school counselling", "employment support",
    "data quality", "appeals process", "Okafor",
]


def _exe() -> str:
    return str(Path(sys.executable).parent / "scrutiny")


def _run(root: Path, *args: str, env=None) -> tuple[float, dict | None, "TreeMemory"]:
    """Run ``scrutiny --root ROOT ARGS``: (seconds, its --json output or None, its memory)."""
    from bench.rss import TreeMemory

    argv = [_exe(), "--root", str(root), *args]
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate()
    seconds = time.perf_counter() - t
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and "--json" not in args):
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {err.decode()[-2000:]}")
    data = json.loads(out) if "--json" in args and out.strip() else None
    return seconds, data, mem


def _stage(data: dict, name: str) -> float:
    return next((s["seconds"] for s in data["stages"] if s["name"] == name), 0.0)


def _stages_note(data: dict) -> str:
    return ", ".join(f"{s['name']} {s['seconds']:.1f}s ({s['state']})" for s in data["stages"])


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (spaCy's workers)."""
    import resource

    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _raw_nlp(root: Path, words_wanted: int = 60000) -> dict:
    """Raw nlp.pipe (the project's model as spacy.load gives it) on the corpus's own
    passages, 1 and 2 processes: words per second of wall time and per CPU second
    (CPU time hardly moves with the other users' load, wall time does), the load
    average before and after, and the sample's words."""
    import spacy

    from scrutiny.project import Project
    from scrutiny.store import Store

    project = Project(root)
    texts, words = [], 0
    with Store(project.store_path, readonly=True) as store:
        for row in store.db.execute("SELECT text FROM passages WHERE kind != 'heading' ORDER BY random()"):
            texts.append(row[0])
            words += len(row[0].split())
            if words >= words_wanted:
                break
    from scrutiny.nlp.model import load_model

    _, name = load_model(project.spacy_model)   # the model the tagger resolves to
    nlp = spacy.load(name)                       # as spacy.load gives it: every component
    list(nlp.pipe(texts[:20]))
    out = {"words": words, "load": [_uptime()]}
    for n in (1, 2):
        t, c = time.perf_counter(), _cpu()
        for _ in nlp.pipe(texts, batch_size=64, n_process=n):
            pass
        out[f"wall{n}"] = words / (time.perf_counter() - t)
        out[f"cpu{n}"] = words / (_cpu() - c)
        out["load"].append(_uptime())
    return out


def _pdf_rates(corpus, docs) -> tuple[float, float, int]:
    """Pages per second of our PDF reader (in this process) and of ``pdftotext -layout``
    (a process per file) on the same PDFs, file by file one after the other, so that
    both meet the same load: (ours, pdftotext, pages)."""
    from scrutiny.readers import read

    pdfs = [d for d in docs if d["fmt"] == "pdf"]
    pages = sum(d["pages"] for d in pdfs)
    if pdfs:
        read(corpus.files / pdfs[0]["file"])  # imports and first-use costs paid once, not timed
    ours = ref = 0.0
    for d in pdfs:
        path = corpus.files / d["file"]
        t = time.perf_counter()
        read(path)
        ours += time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, stdout=subprocess.DEVNULL)
        ref += time.perf_counter() - t
    return pages / max(ours, 1e-9), pages / max(ref, 1e-9), pages


def _p95(values) -> float:
    from bench.bench_search import p95

    return p95(values)


PARITY_HITS = 50     # hits compared between PostgreSQL and Whoosh (every hit, highlighted, is hours at 10,000)


def _postgres_search(root: Path, sqlite_times: list[float]) -> list[Result]:
    from bench.postgres import Cluster, pg_bin

    try:
        import psycopg  # noqa: F401
    except ImportError:
        return [Result("PostgreSQL search", 0, "-", notes=["psycopg not installed: skipped"])]
    if pg_bin() is None:
        return [Result("PostgreSQL search", 0, "-", notes=["PostgreSQL not installed: skipped"])]
    from scrutiny import pgsearch
    from scrutiny.ingest import index_sources
    from scrutiny.project import Project
    from scrutiny.search import search
    from scrutiny.store import Store

    cluster = Cluster()
    try:
        url = cluster.new_database()
        with Store(Project(root).store_location, readonly=True) as lite, Store(url) as pg:
            t = time.perf_counter()
            summary = pgsearch.update_index(pg, index_sources(lite), content_version=1, rebuild=True)
            load = time.perf_counter() - t
        from bench.bench_search import search_filters, warm_times

        same, overlap, bounded = 0, [], 0
        lite_index = Project(root).index_path
        for q, f in QUERIES:     # the first page a reader sees; past it the two rank ties differently
            a = search(lite_index, q, search_filters(f), limit=PARITY_HITS)
            b = search(url, q, search_filters(f), limit=PARITY_HITS)
            if not a.get("total_exact", True):      # a phrase past 1,000 matches: a lower bound
                bounded += 1
                same += b["total"] >= a["total"]
            else:
                same += a["total"] == b["total"]
            ids_a, ids_b = {h["passage_id"] for h in a["hits"]}, {h["passage_id"] for h in b["hits"]}
            overlap.append(len(ids_a & ids_b) / max(1, len(ids_a | ids_b)))
        times = warm_times(url)
    finally:
        cluster.stop()
    return [Result("PostgreSQL search p95, warm", _p95(times) * 1000, "ms", "SQLite + Whoosh p95",
                   _p95(sqlite_times) * 1000, "report",
                   notes=[f"median {statistics.median(times) * 1000:.1f} ms; {same}/{len(QUERIES)} queries count the "
                          f"same matches as Whoosh ({bounded} against Whoosh's lower bound past 1,000 phrase matches); "
                          f"their first {PARITY_HITS} hits overlap {statistics.mean(overlap):.2f} on average "
                          f"(Jaccard); full-text index of {summary.passages} passages written in "
                          f"{load:.1f}s"])]


def _dask_build(corpus, docs, workdir: Path, n: int = int(os.environ.get("SCALE_DASK_DOCS", "60"))) -> list[Result]:
    """The first build (no site) of the first ``n`` documents: two local processes
    against a LocalCluster of two worker processes."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return [Result("Dask build", 0, "-", notes=["distributed not installed: skipped"])]
    from bench.scale_corpus import install
    from scrutiny.init import init_project

    sub = docs[:n]
    plain_root = workdir / "plain"
    init_project(plain_root)
    install(corpus, plain_root, sub)
    plain, data_plain, _ = _run(plain_root, "build", "--offline", "--no-site", "--json")
    dask_root = workdir / "dask"
    init_project(dask_root)
    install(corpus, dask_root, sub)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="2GiB",
                           host="127.0.0.1", dashboard_address=None)
    try:
        dask_s, data_dask, _ = _run(dask_root, "build", "--offline", "--no-site", "--json",
                                    "--scheduler", cluster.scheduler_address)
    finally:
        cluster.close()
    words = sum(d["words"] for d in sub)
    return [Result(f"Dask LocalCluster, 2 workers ({n} documents, no site)", dask_s, "s",
                   "plain 2-process build", plain, "report",
                   notes=[f"{words:,} words; ok={data_dask['ok']}/{data_plain['ok']}; "
                          f"plain: {_stages_note(data_plain)}", f"dask: {_stages_note(data_dask)}"])]


WATCH_ADDS = int(os.environ.get("SCALE_WATCH_ADDS", "4"))


def _watch_adds(root: Path, workdir: Path, n: int = WATCH_ADDS) -> list[Result]:
    """One document at a time through ``scrutiny watch``: the watch started on the built
    corpus and left to load the model, then ``n`` documents of the generator's own
    (``spec(i)`` past the corpus and the document the step above added), each written
    aside and moved into ``inbox/`` as a user moves a finished file (its time a minute
    old), timed from the move to the line that ends its build."""
    import queue
    import signal
    import threading

    from bench.scale_corpus import _write, spec

    aside = workdir / "watch-aside"
    aside.mkdir()
    argv = [_exe(), "--root", str(root), "watch", "--licence", "OGL-UK-3.0", "--interval", "1"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.perf_counter(), l.rstrip())) for l in proc.stdout],
                     daemon=True).start()

    def until(pred, timeout=1800.0):
        seen = []
        while True:
            t, line = lines.get(timeout=timeout)
            seen.append(line)
            if pred(line):
                return t, seen

    times, stages = [], []
    try:
        until(lambda l: l.startswith("watch: language model loaded"))
        first = int(os.environ.get("SCALE_WATCH_FIRST", SIZE + 2))   # past them on a reused project
        for i in range(first, first + n):
            d = spec(i)
            f = aside / d.file
            _write(d, f)
            old = time.time() - 60
            os.utime(f, (old, old))
            t0 = time.perf_counter()
            os.rename(f, root / "inbox" / d.file)
            t, seen = until(lambda l: l.startswith(("build: done", "Error")))
            if not seen[-1].startswith("build: done") or not any(
                    l.startswith("ingest: 1 read") for l in seen):
                raise RuntimeError(f"the watch did not read {d.file} as a new document: {' | '.join(seen)}")
            times.append(t - t0)
            stages.append(f"{d.file} ({d.fmt}, {d.words} words) {t - t0:.2f}s: " + "; ".join(
                l.split(":")[0] + " " + (l.rsplit("(", 1)[-1].rstrip(")") if l.endswith("s)") else "-")
                for l in seen if l.startswith(("ingest:", "xref:", "site:"))))
            time.sleep(2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    return [Result("add one document through `scrutiny watch` (moved into inbox/ to its build's end), median",
                   statistics.median(times), "s", "goal", 5.0, "<= 5 s", ok=max(times) <= 5.0,
                   notes=[f"{n} documents, {min(times):.2f}-{max(times):.2f} s"] + stages)]


BUILD_ADDS = int(os.environ.get("SCALE_BUILD_ADDS", "4"))


def _build_adds(root: Path, workdir: Path, n: int = BUILD_ADDS) -> list[Result]:
    """One document at a time with the one command a user types, ``scrutiny build --offline
    FILE`` (registered, read, tagged, indexed, cross-referenced and published in one process
    that loads the model itself): ``n`` documents of the generator's own, past the corpus,
    the watch's and this step's earlier runs (``SCALE_BUILD_FIRST``), each timed from the
    start of the process to its end."""
    from bench.scale_corpus import _write, spec

    aside = workdir / "build-aside"
    aside.mkdir()
    first = int(os.environ.get("SCALE_BUILD_FIRST", SIZE + 1000))
    times, notes = [], []
    for i in range(first, first + n):
        d = spec(i)
        f = aside / d.file
        _write(d, f)
        # as a user types it: the report in text (--json would add the encoding of every
        # document's entry), each stage's line ending in its seconds when it ran
        t = time.perf_counter()
        proc = subprocess.run([_exe(), "--root", str(root), "build", "--offline", "--licence", "OGL-UK-3.0", str(f)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t
        lines = proc.stdout.splitlines()
        ingest = next((line for line in lines if line.startswith("ingest:")), "")
        if proc.returncode != 0 or not ingest.startswith("ingest: 1 read"):
            raise RuntimeError(f"build {d.file} did not read it as a new document: {proc.stdout[-2000:]}"
                               f"{proc.stderr[-2000:]}")
        times.append(seconds)
        stages = "; ".join(line.split(":")[0] + " " + line.rsplit("(", 1)[-1].rstrip(")") for line in lines
                           if line.startswith(("ingest:", "xref:", "site:")) and line.endswith("s)"))
        notes.append(f"{d.file} ({d.fmt}, {d.words} words) {seconds:.2f}s: {stages}")
    return [Result("add one document (`scrutiny build FILE`: one new process), median",
                   statistics.median(times), "s", "goal", 5.0, "<= 5 s", ok=max(times) <= 5.0,
                   notes=[f"{n} documents, {min(times):.2f}-{max(times):.2f} s"] + notes)]


def _site_query_bytes(site: Path) -> tuple[int, str]:
    """The largest bytes a first query downloads in Chromium (scripts and index files),
    over the bench's queries (bench_site.browser_bytes, the site's own code)."""
    from urllib.parse import quote

    from bench.bench_site import browser_bytes

    # bytes, not speed, are measured: a loaded machine may take minutes to settle a
    # page at 10,000 documents (the second 10k run timed out at 30 s per step)
    measured = browser_bytes(site, lambda q: f"search/index.html?q={quote(q)}", SITE_QUERIES,
                             timeout_ms=600000)
    if measured is None:
        raise RuntimeError("/usr/bin/chromium is missing: the site's first query cannot be measured")
    return measured


def _uptime() -> str:
    """The load averages (1, 5, 15 minutes): how busy the machine was."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _first_build_results(root, corpus, docs, summary, first, data) -> list[Result]:
    ingest_s = _stage(data, "ingest")
    tag_s = (data["ingest"].get("tagging") or {}).get("seconds") or 0.0
    index_s = (data["ingest"].get("index") or {}).get("seconds") or 0.0
    read_pdf = [d for d in data["ingest"]["documents"] if d["path"].endswith(".pdf") and d["status"] == "ingested"]
    pdf_read_s = sum(d["seconds"] for d in read_pdf)
    raw = _raw_nlp(root)
    words = summary["words"]
    bench = data.get("bench", {})
    tagging = data["ingest"].get("tagging") or {}
    tag_cpu = tagging.get("cpu_seconds") or 0.0
    results = [
        Result(f"first build, {SIZE} documents", first, "s", "goal", 3600.0, "<= 1 h on 2 cores",
               ok=first <= 3600 and data["ok"],
               notes=[_stages_note(data), f"ok={data['ok']}; tagging {tag_s:.0f}s, index {index_s:.1f}s; "
                      f"load average at its start {bench.get('uptime_start', '?')}, "
                      f"at its end {bench.get('uptime', '?')}"]),
        Result("ingest words/s (read, store, tag, index)", words / ingest_s, "words/s",
               "raw nlp.pipe, 2 processes", raw["wall2"], "report",
               notes=[f"raw nlp.pipe 1 process {raw['wall1']:,.0f} words/s, 2 processes {raw['wall2']:,.0f} words/s "
                      f"(sample of {raw['words']:,} words of the corpus's passages, measured after the build; "
                      f"load average before, between and after: {' | '.join(raw['load'])})",
                      f"tagging alone: {words / tag_s:,.0f} words/s" if tag_s else "tagging: not run",
                      "wall-time ratios move with the other users' load: see the CPU figure below"]),
    ]
    if tag_cpu:
        # The same work per CPU second: what the tagger costs against raw nlp.pipe,
        # whatever the load was during the build and during the baseline.
        results.append(Result("tagging words per CPU second (all tagging processes)",
                              words / tag_cpu, "words/cpu-s",
                              "raw nlp.pipe, 1 process", raw["cpu1"], "ratio >= 1.0",
                              ok=words / tag_cpu >= raw["cpu1"],
                              notes=[f"tagging: {tag_cpu:,.0f} CPU seconds in {tag_s:,.0f} s of wall time "
                                     f"({tag_cpu / max(tag_s, 1e-9):.2f} cores busy on average)",
                                     f"raw nlp.pipe on 2 processes: {raw['cpu2']:,.0f} words/cpu-s"]))
    if bench.get("peak_pss_mb"):
        # what the tree takes from the machine: each shared page (the model the tagging
        # workers inherit by fork, the libraries) counted once, split between its sharers
        results.append(Result("peak memory, first build (process tree, PSS)", bench["peak_pss_mb"], "MB", "goal",
                              2048.0, "<= 2 GB", ok=bench["peak_pss_mb"] <= 2048,
                              notes=[f"largest single process {bench['peak_single_mb']:.0f} MB (RSS); the tree's "
                                     f"RSS summed {bench['peak_total_mb']:.0f} MB (shared pages counted in "
                                     "every process that maps them: an upper bound)"]))
    elif bench.get("peak_total_mb") is not None:
        results.append(Result("peak memory, first build (process tree)", bench["peak_total_mb"], "MB", "goal",
                              2048.0, "<= 2 GB", ok=bench["peak_total_mb"] <= 2048,
                              notes=[f"largest single process {bench['peak_single_mb']:.0f} MB"]))
    pdf_docs = [d for d in docs if d["fmt"] == "pdf"]
    if pdf_docs:
        ours, ref, pages = _pdf_rates(corpus, pdf_docs)
        in_build = pages / pdf_read_s if pdf_read_s else 0.0
        results.append(Result("PDF reading", ours, "pages/s", "pdftotext -layout", ref, "report",
                              notes=[f"{len(pdf_docs)} PDFs, {pages} pages, read one after the other with "
                                     f"pdftotext, file by file (same load); in the build's reader workers, "
                                     f"storing included and under the build's own load: {in_build:,.0f} pages/s"]))
    return results


def _steps(results: list, *steps) -> None:
    """Run each measuring step; one that fails is reported (with its traceback)
    and the others still run."""
    import traceback

    for name, fn in steps:
        try:
            results += fn()
        except Exception as exc:
            traceback.print_exc()
            results.append(Result(f"{name}: FAILED", 0, "-", notes=[f"{type(exc).__name__}: {exc}"], ok=False))


def run(workdir: Path) -> list[Result]:
    from bench.scale_corpus import ensure_corpus, install
    from scrutiny.init import init_project

    corpus = ensure_corpus(SIZE + 1)       # one more: the document added to the built corpus
    docs, extra = corpus.docs[:SIZE], corpus.docs[SIZE]
    summary = {k: sum(d[k] for d in docs) for k in ("words", "bytes")}
    pdf_docs = [d for d in docs if d["fmt"] == "pdf"]
    print(f"   corpus: {len(docs)} documents, {summary['words']:,} words, {summary['bytes'] / 1e6:.0f} MB, "
          f"{len(pdf_docs)} PDFs ({sum(d['pages'] for d in pdf_docs)} pages)", flush=True)
    root = HERE / "out" / f"scale-run-{SIZE}"
    results: list[Result] = []

    # 1. the first build of the whole corpus (its report, wall time and memory are kept
    #    beside the run, so that SCALE_REUSE=1 reports them again without rebuilding)
    saved = HERE / "out" / f"scale-first-build-{SIZE}.json"
    if not (REUSE and (root / ".scrutiny" / "store.db").is_file() and saved.is_file()):
        if root.exists():
            shutil.rmtree(root)
        init_project(root, name=f"Scale benchmark ({SIZE} documents)")
        install(corpus, root, docs)
        start_load = _uptime()
        first, data, mem = _run(root, "build", "--offline", "--json")
        data["bench"] = {"wall": first, "peak_total_mb": mem.peak_total_mb, "peak_single_mb": mem.peak_single_mb,
                         "peak_pss_mb": mem.peak_pss_mb, "uptime": _uptime(), "uptime_start": start_load}
        saved.write_text(json.dumps(data, indent=1, default=str))
    else:
        data = json.loads(saved.read_text())
        data.setdefault("bench", {})
        first = data["bench"].get("wall") or data["seconds"]
        print(f"   reusing {root} (SCALE_REUSE=1): first build reported from {saved.name}, not run again",
              flush=True)
    results += _first_build_results(root, corpus, docs, summary, first, data)

    # 2. a build with nothing changed
    def no_change():
        again, data, _ = _run(root, "build", "--offline", "--json")
        return [Result("no-change rebuild", again, "s", "first build", first, "ratio <= 0.05",
                       ok=(again <= 0.05 * first) if first else None, notes=[_stages_note(data)])]

    # 3. one document added, changed, removed: end to end, site included
    def one_document():
        out = []
        incoming = workdir / "incoming"
        incoming.mkdir()
        new_file = incoming / extra["file"]
        shutil.copyfile(corpus.files / extra["file"], new_file)
        t = time.perf_counter()
        _run(root, "ingest", str(new_file))
        _s, data, _ = _run(root, "build", "--offline", "--json")
        added = time.perf_counter() - t
        out.append(Result("add one document (ingest FILE + build)", added, "s", "goal", 5.0, "<= 5 s",
                          ok=added <= 5.0, notes=[f"{extra['fmt']}, {extra['words']} words", _stages_note(data)]))
        from scrutiny.manifest import load_manifest
        from scrutiny.project import Project

        project = Project(root)
        entry = next(e for e in load_manifest(project.manifest_path).documents.values()
                     if e.source == extra["file"] or (e.source or "").endswith(extra["file"]))
        src = project.source_path(entry)
        with src.open("a", encoding="utf-8") as fh:
            fh.write("\nA closing paragraph added in a revision says the review will report again next year.\n")
        changed, data, _ = _run(root, "build", "--offline", "--json")
        out.append(Result("change one document (build)", changed, "s", "goal", 5.0, "<= 5 s",
                          ok=changed <= 5.0, notes=[_stages_note(data)]))
        text = project.manifest_path.read_text(encoding="utf-8")
        start = text.index(f"[documents.{entry.id}]")
        end = text.find("\n[", start + 1)
        project.manifest_path.write_text(text[:start] + (text[end + 1:] if end != -1 else ""), encoding="utf-8")
        removed, data, _ = _run(root, "build", "--offline", "--json")
        src.unlink(missing_ok=True)
        out.append(Result("remove one document (build)", removed, "s", "goal", 5.0, "<= 5 s",
                          ok=removed <= 5.0, notes=[_stages_note(data)]))
        return out

    # 4. search: the CLI's search warm in one process, and a whole `scrutiny search` process
    from bench.bench_search import Times

    warm = Times()

    def cli_search():
        from bench.bench_search import process_times, search_results, warm_times
        from scrutiny.project import Project

        times = warm_times(Project(root).index_location)
        warm.extend(times)
        warm.cpu.extend(times.cpu)
        return search_results(warm, process_times(root), f"{SIZE} documents")

    # 7. the site's first search query
    def site_query():
        qbytes, worst_q = _site_query_bytes(root / "site")
        return [Result("site first search query", qbytes / 1024, "KB", "goal", 300.0, "<= 300 KB",
                       ok=qbytes <= 300 * 1024, notes=[f"largest for {worst_q!r}, in Chromium: scripts, meta, shards, records"])]

    _steps(results,
           ("no-change rebuild", no_change),
           ("one document", one_document),
           ("one document, one command", lambda: _build_adds(root, workdir)),
           ("one document through scrutiny watch", lambda: _watch_adds(root, workdir)),
           ("CLI search", cli_search),
           # 5. the same queries on PostgreSQL's full-text index (the same passages and facets,
           #    written by scrutiny.pgsearch from this store), p95 against SQLite's
           ("PostgreSQL search", lambda: _postgres_search(root, warm)),
           # 6. a Dask LocalCluster of two workers against the plain two-process build
           ("Dask build", lambda: _dask_build(corpus, docs, workdir)),
           ("site first query", site_query))
    return results
