"""The site's search index of the scale corpus without a build: the bytes of a first query at 10,000 documents.

A full build of 10,000 documents tags for hours; the site's search index needs
only the passages, their headings and their facets. This writes the index of
the first N documents of the scale corpus (:func:`bench.scale_corpus.passages`,
no file read or written), a search page with the real page's form, and the
site's scripts, then measures in Chromium the largest first query over the
scale benchmark's queries (:data:`bench.bench_scale.SITE_QUERIES`), as
``make bench-scale`` does on a built site::

    .venv/bin/python -m bench.synth_index 10000 [OUT] [--reuse] [--added=N]

(--reuse: measure the index already in OUT; --added=N: N of the documents in their buckets'
delta layers, as a site grown by documents added one by one has them) prints {"docs", "passages", "bytes", "query", "seconds"} as JSON (KB = bytes / 1024).
With --each it prints, as well, every query's bytes and what they went to (``per_query``: {query:
{"bytes", "files", "by_kind": {kind of file: bytes}}}), the worst and the median, and the
index's files and bytes (``index``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
STATIC = HERE.parent / "src" / "scrutiny" / "site" / "theme" / "static"

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Search</title>
<script src="../static/site.js" defer></script><script src="../static/query.js" defer></script>
<script src="../static/search.js" defer></script></head><body data-root="../">
<form id="search-form" action="./index.html" method="get" role="search">
<input id="q" name="q" type="search"><button type="submit">Search</button>
<select name="doc"><option value="">all documents</option></select>
<select name="kind"><option value="">any</option></select>
<select name="sh"><option value="">any</option></select></form>
<p id="search-status" role="status"></p><button type="button" id="count-all" hidden>Count every match</button>
<section id="other-box" hidden><ol id="other-results"></ol><button type="button" id="more-others" hidden>Show all</button></section>
<ol id="results"></ol><button type="button" id="more-results" hidden>Show more</button>
</body></html>
"""


def _add_docs(builder, which) -> int:
    from bench.scale_corpus import facets, passages
    from scrutiny.index import search_headings
    from scrutiny.site.search_index import passage_record

    n = 0
    for i in which:
        s, ps = passages(i)
        if not builder.wants(s.doc_id):
            continue
        doc = {"id": s.doc_id, "label": s.title, "pages": max(p.page for p in ps)}
        headings = search_headings(ps)
        for p in ps:
            kinds, who = facets(p)
            rec = passage_record(doc, p, f"documents/{s.doc_id}/index.html#p-{p.id}")
            builder.add_passage(rec, p, headings[p.id], kinds=kinds, stakeholders=who)
            n += 1
    return n


def build(out: Path, ndocs: int, added: int = 0) -> int:
    """Write the search index of the first ``ndocs`` scale-corpus documents and a search
    page under ``out``; returns the number of passages. ``added``: that many of them
    (every ndocs // added-th) are in their buckets' delta layers, as when they were added
    one by one to a site built without them (site/search_delta.py)."""
    from bench.scale_corpus import ORGANISATIONS, spec
    from scrutiny.site import search_index as si
    from scrutiny.site.search_delta import insert_places

    late = set(range(0, ndocs, max(1, ndocs // added))[:added]) if added else set()
    builder = si.SearchIndexBuilder()
    n = _add_docs(builder, [i for i in range(ndocs) if i not in late])
    for k, name in enumerate(ORGANISATIONS):
        builder.add({"t": "s", "u": f"stakeholders/org-{k}/index.html", "h": name, "x": "organisation"},
                    "organisation", title=name, stakeholders=[f"org-{k}"])
    meta = {"kinds": {k: k for k in ("statistic", "commitment", "recommendation", "assessment")},
            "stakeholders": [[f"org-{k}", name] for k, name in enumerate(ORGANISATIONS)]}
    files, stats = builder.bucket_files()
    if late:
        ids = {i: spec(i).doc_id for i in range(ndocs)}
        layers = {}
        for b in sorted({si.bucket_of(ids[i]) for i in late}):
            in_b = [ids[i] for i in range(ndocs) if si.bucket_of(ids[i]) == b]
            own = set(in_b) - {ids[i] for i in late}
            layers[b] = (stats[b]["n"], insert_places(in_b, own, stats[b]["ranges"]))
        delta = si.SearchIndexBuilder({si.layer_of(b) for b in layers}, layers)
        n += _add_docs(delta, sorted(late))
        more, more_stats = delta.bucket_files()
        files.update(more)
        stats.update(more_stats)
    files.update(si.meta_files(stats, meta))
    if out.exists():
        shutil.rmtree(out)
    for rel, text in files.items():
        path = out / "search" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (out / "static").mkdir()
    for name in ("site.js", "query.js", "search.js"):
        shutil.copy(STATIC / name, out / "static" / name)
    (out / "search" / "index.html").write_text(PAGE, encoding="utf-8")
    return n


def _kind(path: str) -> str:
    """What a downloaded file is, for the breakdown: "static", "meta", or the folder of a
    bucket's file (i, x, r, t, tx, h, hx, p, px...)."""
    parts = path.split("?")[0].split("/")
    if "static" in parts:
        return "static"
    if parts[-1] == "meta.js":
        return "meta"
    return parts[-2] if len(parts) >= 3 else parts[-1]


def each_query(root: Path, queries, timeout_ms: float = 600000) -> dict[str, dict]:
    """{query: {"bytes", "files", "by_kind"}}: what a first query downloads in Chromium
    (scripts and index files, as :func:`bench.bench_site.browser_bytes` counts them)."""
    from urllib.parse import quote

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM_ARGS, serve

    out = {}
    with serve(root) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for q in queries:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            sizes: dict[str, int] = {}

            def count(resp):
                if resp.url.split("?")[0].endswith((".html", ".css", "/")):
                    return
                try:
                    sizes[resp.url[len(server.url):]] = len(resp.body())
                except Exception:
                    pass

            page.on("response", count)
            page.goto(server.url + f"search/index.html?q={quote(q)}")
            try:
                page.wait_for_function("document.body.dataset.searched || document.querySelector('#search-status:not(:empty)')",
                                       timeout=timeout_ms)
                page.wait_for_load_state("networkidle")
                said = page.inner_text("#search-status")
            except PlaywrightTimeout:   # a loaded machine: say so, with what was downloaded by then
                said = f"timed out after {timeout_ms / 1000:.0f} s"
            by_kind: dict[str, int] = {}
            for f, n in sizes.items():
                by_kind[_kind(f)] = by_kind.get(_kind(f), 0) + n
            out[q] = {"bytes": sum(sizes.values()), "files": len(sizes), "by_kind": by_kind, "said": said}
            context.close()
        browser.close()
    return out


def main(argv: list[str]) -> None:
    from urllib.parse import quote

    from bench.bench_scale import SITE_QUERIES
    from bench.bench_site import browser_bytes

    reuse = "--reuse" in argv
    each = "--each" in argv
    added = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--added=")), "0"))
    argv = [a for a in argv if a not in ("--reuse", "--each") and not a.startswith("--added=")]
    ndocs = int(argv[0]) if argv else 2000
    out = Path(argv[1]) if len(argv) > 1 else HERE / "out" / f"synth-index-{ndocs}"
    t = time.perf_counter()
    n = None if reuse else build(out, ndocs, added)
    built = time.perf_counter() - t
    if each:
        import statistics

        per = each_query(out, SITE_QUERIES, timeout_ms=float(os.environ.get("SYNTH_TIMEOUT_S", "600")) * 1000)
        files = [f for f in (out / "search").rglob("*") if f.is_file()]
        worst = max(per, key=lambda q: per[q]["bytes"])
        print(json.dumps({"docs": ndocs, "passages": n, "build_seconds": round(built),
                          "index": {"files": len(files), "bytes": sum(f.stat().st_size for f in files)},
                          "worst": [worst, per[worst]["bytes"]],
                          "median": statistics.median(v["bytes"] for v in per.values()),
                          "per_query": per}, indent=1))
        return
    # as bench_scale._site_query_bytes, waiting longer: this runs on loaded machines
    worst, query = browser_bytes(out, lambda q: f"search/index.html?q={quote(q)}", SITE_QUERIES, timeout_ms=600000)
    print(json.dumps({"docs": ndocs, "passages": n, "bytes": worst, "kb": round(worst / 1024),
                      "query": query, "build_seconds": round(built)}))


if __name__ == "__main__":
    main(sys.argv[1:])
