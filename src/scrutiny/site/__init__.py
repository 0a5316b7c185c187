"""The published site: readers of the store and kb -> generators -> writer.

    from scrutiny.site import build_site
    stats = build_site(project)      # {"pages_written", "pages_unchanged", "seconds", ...}

Stages, each a module named after what it does:

- :mod:`.context`      gathers documents, passages, the knowledge base and tags
- :mod:`.generators`   one function per page type
- :mod:`.render`       the Jinja2 environment and render-or-skip per page
- :mod:`.writer`       atomic writes, only when content changed; stale files removed
- :mod:`.search_index` the sharded client-side search index
- :mod:`.netmap`       the networkx layout behind the SVG network map
- :mod:`.citations`    the cite control's texts, made with ``scrutiny.cite``
- :mod:`.linkcheck`    walks the built site for broken links and anchors
"""

from __future__ import annotations

import time
from pathlib import Path


def build_site(project, out_dir=None, *, kb=None, store=None, cache_dir=None) -> dict:
    """Build the static site into ``out_dir`` (default ``<root>/site``).

    Returns ``{"pages_written", "pages_unchanged", "pages_rendered", "files_removed",
    "pages", "seconds", "notes"}``. Pages whose inputs did not change since the
    last build are not rendered again; files whose bytes did not change are not
    rewritten. The record of what was built from which inputs is kept in
    ``cache_dir`` (default: the project's ``.scrutiny/``).
    """
    from scrutiny.site import generators as g
    from scrutiny.site.citations import Citer
    from scrutiny.site.context import gather
    from scrutiny.site.render import Renderer, fingerprint, make_env, template_dirs
    from scrutiny.site.search_index import SearchIndexBuilder
    from scrutiny.site.static import copy_static
    from scrutiny.site.writer import Writer, input_key

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    out = Path(out_dir) if out_dir else Path(project.site_dir)
    out.mkdir(parents=True, exist_ok=True)
    own_store = store is None
    cache_root = Path(cache_dir or project.data_dir)
    ctx = gather(project, kb=kb, store=store, cache_dir=cache_root)
    try:
        dirs = template_dirs(project)
        env = make_env(dirs)
        fp = fingerprint(dirs)
        cache = cache_root / f"site-cache-{input_key(str(out.resolve()))[:12]}.json"
        writer = Writer(out, cache)
        common = {"site_name": ctx.name, "base_url": ctx.base_url}
        r = Renderer(env, writer, common, fp)
        citer = Citer(ctx.base_url, cache_root / "site-citations.json")
        dv = g.Derived(ctx, citer)
        kb_key = input_key([(d["id"], d["label"], d["title"], d["kind"], d["ingested"], d.get("passages"), d["republished"])
                            for d in ctx.documents],
                           ctx.stakeholders, ctx.ties, ctx.claims, ctx.sources, ctx.essays, ctx.conflicts)
        meta = {
            "docs": [[d["id"], d["label"]] for d in ctx.documents if d["ingested"]],
            "kinds": {k: v["label"] for k, v in ctx.vocab.claim_kinds.items()},
            "stakeholders": [[sid, st.get("name") or sid] for sid, st in ctx.stakeholders.items()],
        }
        search_key = input_key(fp, kb_key, ctx.store_key, meta, "search")
        # the search page itself (search/index.html) is a page with a key of its own
        fresh = writer.fresh_group("search/", search_key, exclude=("search/index.html",))
        search = None if fresh else SearchIndexBuilder()
        timings["gather"] = time.perf_counter() - t0

        def stage(name, fn, *args):
            t = time.perf_counter()
            fn(*args)
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t

        stage("static", copy_static, dirs, writer)
        stage("home", g.home, r, ctx, dv, kb_key)
        stage("documents", g.documents_index, r, ctx, dv, kb_key)
        stage("document pages", g.document_pages, r, ctx, dv, kb_key, search)
        stage("permalinks", g.permalink_stubs, r, ctx, dv)
        stage("claims", g.claim_pages, r, ctx, dv, kb_key, search)
        stage("stakeholders", g.stakeholder_pages, r, ctx, dv, kb_key, search)
        stage("network", g.network_page, r, ctx, dv, kb_key)
        stage("critique", g.essay_pages, r, ctx, dv, kb_key)
        stage("method", g.method_page, r, ctx, dv, kb_key)
        stage("search page", g.search_page, r, ctx, dv, kb_key)
        t = time.perf_counter()
        if search is not None:
            for rel, text in search.files(meta).items():
                r.data(f"search/{rel}", text, search_key)
        timings["search index"] = time.perf_counter() - t
        ctx.notes.extend(g.build_notes(ctx, dv))
        removed = writer.finish()
        citer.save()
    finally:
        if own_store and ctx.store is not None:
            ctx.store.close()
    stats = {
        "pages_written": writer.written,
        "pages_unchanged": writer.unchanged,
        "pages_rendered": r.rendered,
        "files_removed": removed,
        "pages": len(writer.produced),
        "search_records": len(search.records) if search is not None else None,
        "citeproc_calls": citer.calls,
        "citeproc_seconds": round(citer.seconds, 3),
        "seconds": round(time.perf_counter() - t0, 3),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "out": str(out),
        "notes": list(ctx.notes) + citer.notes,
    }
    return stats


__all__ = ["build_site"]
