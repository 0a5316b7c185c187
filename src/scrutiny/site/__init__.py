"""The published site: readers of the store and kb -> generators -> writer.

    from scrutiny.site import build_site
    summary = build_site(project)    # a SiteSummary: pages written, unchanged, notes, pending...

Stages, each a module named after what it does:

- :mod:`.context`      gathers documents, passages, the knowledge base and tags
- :mod:`.generators`   one function per page type
- :mod:`.render`       the Jinja2 environment and render-or-skip per page
- :mod:`.writer`       writes only what changed, into a new folder published whole
- :mod:`.publish`      the folder swap, and what a killed build left behind
- :mod:`.uptodate`     the stamp that tells a build with nothing changed, without reading the corpus
- :mod:`.search_index` the sharded client-side search index
- :mod:`.netmap`       the networkx layout behind the SVG network map
- :mod:`.citations`    the cite control's texts, made with ``scrutiny.cite``
- :mod:`.linkcheck`    walks the built site for broken links and anchors
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SiteSummary:
    """What :func:`build_site` did."""
    out: Path                   # the folder the site was written to
    pages: int                  # files the site has (HTML pages, stubs, static, search index)
    pages_written: int          # files whose bytes changed
    pages_unchanged: int
    pages_rendered: int         # templates rendered (pages whose inputs changed)
    files_removed: int          # stale files of an earlier build
    search_records: int | None  # passages of the search index's buckets built again (None: none was)
    citeproc_calls: int
    citeproc_seconds: float
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)     # what the site leaves out, and why
    pending: list[str] = field(default_factory=list)   # earlier stages behind their inputs (shown on every page)
    stray: list[str] = field(default_factory=list)     # files in the site that no build made (kept; --check lists them)


def stages_pending(project, store, current=frozenset()) -> list[str]:
    """Why the store is behind its inputs, asked of the stages that own them
    (ingest, tagging, cross-references); empty when everything is current. A
    stage that has not run yet is said here too ("the passages are not tagged
    yet"): the site never silently shows less than the project holds.
    ``current``: documents the build's own ingest stage just found current
    (:func:`scrutiny.ingest.pending`)."""
    if store is None:
        return []
    from scrutiny import ingest, xref
    from scrutiny.tags import queries as tags

    out = ingest.pending(project, store, current)
    if tags.last_run(store) is None:
        if store.has_passages():
            out.append("the passages are not tagged yet")
    else:
        untagged = tags.untagged_passages(store)
        if untagged:
            out.append(f"{untagged} passage{'s are' if untagged != 1 else ' is'} not tagged yet")
    behind = xref.pending(project, store)
    if behind:
        out.append(behind)
    return out


def build_site(project, out_dir=None, *, curated=None, store=None, cache_dir=None,
               merge_search: bool = False, ingested=frozenset()) -> SiteSummary:
    """Build the static site into ``out_dir`` (default ``<root>/site``).

    Pages whose inputs did not change since the last build are not rendered
    again; files whose bytes did not change are not rewritten. The record of
    what was built from which inputs is kept in ``cache_dir`` (default: the
    project's ``.scrutiny/``). When an earlier stage is behind its inputs (a
    source changed since it was ingested, cross-references older than the
    documents...), every page says so (:attr:`SiteSummary.pending`): the site
    never silently shows less than the project holds. ``scrutiny build``
    (:func:`scrutiny.pipeline.build`) brings every stage up to date first.
    The documents added since their search bucket was written go into its delta
    layer (:mod:`.search_delta`); ``merge_search`` writes every bucket whole again.
    ``ingested``: the documents an ingest in this process (``scrutiny build``'s)
    just found current, under the project's lock; their sources are not checked again.
    """
    from scrutiny.site import generators as g
    from scrutiny.site.citations import Citer
    from scrutiny.site.context import gather
    from scrutiny.site.render import Renderer, fingerprint, make_env, template_dirs
    from scrutiny.site.search_index import SearchIndexBuilder, meta_files, read_script
    from scrutiny.site.search_index import code_key as search_code_key
    from scrutiny.site.static import copy_static
    from scrutiny.site.writer import Writer, input_key, record_file

    from scrutiny.site import search_delta, uptodate

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    out = Path(out_dir) if out_dir else Path(project.site_dir)
    _check_out(project, out)
    own_store = store is None
    cache_root = Path(cache_dir or project.data_dir)
    dirs = template_dirs(project)
    fp = fingerprint(dirs)
    cache = record_file(cache_root, out)
    # nothing the site is made from changed since the last build: say so without reading the corpus
    stamp = uptodate.stamp_file(cache)
    stamp_key = uptodate.inputs_key(project, out, fp, _kb_stamp(project, curated)) if store is None else None
    done = uptodate.check(stamp, stamp_key, out)
    if done is not None:
        return SiteSummary(out=out, pages=done["pages"], pages_written=0, pages_unchanged=done["pages"],
                           pages_rendered=0, files_removed=0, search_records=None, citeproc_calls=0,
                           citeproc_seconds=0.0, seconds=round(time.perf_counter() - t0, 3),
                           timings={"up to date": round(time.perf_counter() - t0, 3)}, notes=done["notes"],
                           pending=done["pending"], stray=done["stray"])
    uptodate.forget(stamp)
    ctx = gather(project, curated=curated, store=store, cache_dir=cache_root)
    sources = uptodate.sources_state(ctx.source_paths)   # before the "behind" notice reads them
    writer = search = citer = None
    try:
        env = make_env(dirs, fp)
        if env.bytecode_cache is None:
            # the templates compiled once, kept for the next process (Jinja checks each
            # against its source): a new process adding a document compiles none again
            import jinja2

            compiled = cache_root / "compiled-templates"
            compiled.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
        writer = Writer(out, cache)
        t = time.perf_counter()
        pending = stages_pending(project, ctx.store, ingested)
        timings["pending"] = time.perf_counter() - t
        common = {"site_name": ctx.name, "base_url": ctx.base_url, "pending": pending}
        r = Renderer(env, writer, common, fp)
        citer = Citer(ctx.base_url, cache_root / "site-citations.json")
        dv = g.Derived(ctx, citer)
        kb_key = input_key([(d["id"], d["label"], d["title"], d["kind"], d["ingested"], d.get("passages"), d["republished"])
                            for d in ctx.documents], ctx.kb_data)
        meta = {      # (the documents' labels are in their passages' records, not here)
            "kinds": {k: v["label"] for k, v in ctx.vocab.claim_kinds.items()},
            "stakeholders": [[sid, st.name or sid] for sid, st in ctx.stakeholders.items()],
        }
        # the search index: a bucket of documents is built again only when one of its own
        # documents (or the code that writes it) changed, a document added goes into its
        # delta layer (search_delta); their statistics are read from their published s.js
        delta_file = search_delta.state_file(cache)
        plan = search_delta.plan(search_inputs(ctx, dv), search_code_key(), writer, search_delta.load(delta_file),
                                 merge=merge_search)
        buckets, stale = plan.keys, plan.stale
        search = SearchIndexBuilder(stale, plan.layers)
        timings["gather"] = time.perf_counter() - t0

        def stage(name, fn, *args):
            t = time.perf_counter()
            fn(*args)
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t

        stage("parts", g.plan_parts, r, ctx, dv)
        stage("static", copy_static, dirs, writer)
        from scrutiny.site.headers import HEADERS_FILE, headers_file

        r.data(HEADERS_FILE, headers_file())
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
        stats = {}
        for name, files, stats[name] in search.each_bucket():    # one bucket's files in memory at a time
            for rel, text in files.items():
                r.data(f"search/{rel}", text, buckets.get(name))
            if name in buckets:     # (its files, kept as one group at the next build; its s.js as read again)
                writer.group(f"search:{name}", buckets[name], [f"search/{rel}" for rel in files])
                if f"{name}/s.js" in files:
                    plan.kept_stats[name] = {"key": buckets[name], "s": read_script(files[f"{name}/s.js"])}
            del files
        search.close()
        for name in buckets:
            if name not in stale:   # (kept in the plan's state, or read from the published s.js)
                stats[name] = plan.statistics(name, writer)
        for rel, text in meta_files(stats, meta).items():
            r.data(f"search/{rel}", text)
        for name, kept in plan.state.items():    # the records of each bucket's own files
            if name not in plan.layers:
                kept["n"] = stats[name]["n"] if name in stats else 0   # (a bucket of nothing shown: no files)
        timings["search index"] = time.perf_counter() - t
        ctx.notes.extend(g.build_notes(ctx, dv))
        t = time.perf_counter()
        removed = writer.finish()
        timings["publish"] = time.perf_counter() - t
        citer.save()
        search_delta.save(delta_file, plan.saved())
        _keep_digests(ctx)
    except BaseException:
        if citer is not None:
            citer.close()     # nothing of this build's texts written
        if writer is not None:
            writer.abandon()  # the published site stays as it was
        if search is not None:
            search.close()
        raise
    finally:
        if own_store and ctx.store is not None:
            ctx.store.close()
    notes = list(ctx.notes) + citer.notes + writer.notes
    uptodate.save(stamp, stamp_key, sources, out, {
        "pages": len(writer.produced), "pending": pending, "stray": writer.stray,
        # what the next build would say again (not what this one cleaned up)
        "notes": list(ctx.notes) + citer.notes + writer.lasting_notes})
    return SiteSummary(
        out=out,
        pages=len(writer.produced),
        pages_written=writer.written,
        pages_unchanged=writer.unchanged,
        pages_rendered=r.rendered,
        files_removed=removed,
        search_records=search.passage_records() or None,
        citeproc_calls=citer.calls,
        citeproc_seconds=round(citer.seconds, 3),
        seconds=round(time.perf_counter() - t0, 3),
        timings={k: round(v, 3) for k, v in timings.items()},
        notes=notes,
        pending=pending,
        stray=writer.stray,
    )


def _kb_stamp(project, curated) -> str | None:
    """The knowledge base and the manifest, for the up-to-date check (:mod:`.uptodate`)."""
    from scrutiny.site.context import kb_key
    from scrutiny.site.writer import input_key

    if curated is None:
        return kb_key(project)
    try:
        manifest = Path(project.manifest_path).read_bytes()
    except OSError:
        return None
    return input_key(curated.to_data(), manifest)


# A long-lived process (``scrutiny watch``, :func:`keep_digests`) keeps each document's
# digest (``generators.doc_digest``: the hash of its entry and fingerprints, which every
# build makes for every document) with the entry it was made from: the next build takes
# the digest again for an entry equal to the kept one (a comparison of a few values, where
# the digest encodes the entry as JSON and hashes it: a third of a second a build at
# 10,000 documents). None: nothing kept.
_DIGESTS: dict[str, tuple] | None = None


def keep_digests(on: bool = True) -> None:
    """Keep (or stop keeping, and let go of) the documents' digests between builds."""
    global _DIGESTS
    _DIGESTS = {} if on else None


def _kept_digests(ctx) -> None:
    """Give ``ctx`` the kept digest of each document whose entry is the kept one."""
    if not _DIGESTS:
        return
    from scrutiny.site.generators import _doc_entry

    digests = ctx.__dict__.setdefault("_doc_digests", {})
    for doc_id, (entry, digest) in _DIGESTS.items():
        if doc_id not in digests and _doc_entry(ctx, doc_id) == entry:
            digests[doc_id] = digest


def _keep_digests(ctx) -> None:
    """Keep the digests this build made (a build that failed keeps none of its own)."""
    if _DIGESTS is None:
        return
    from scrutiny.site.generators import _doc_entry

    made = ctx.__dict__.get("_doc_digests") or {}
    _DIGESTS.clear()
    _DIGESTS.update((doc_id, (_doc_entry(ctx, doc_id), digest)) for doc_id, digest in made.items())


def search_inputs(ctx, dv) -> dict[str, list]:
    """``{bucket: [(document, its entry), ...]}`` for the search index's passage buckets,
    in the documents' order: an entry is what a bucket's key is made of, the document's
    entry, passages and tags as its digest (made once per build, shared with its pages
    and permalink stubs), and what a withheld one shows. With ``code``, the code
    that makes the files (``search_index.code_key``: not the whole site's code, so that
    a change to a template or to the writer builds no bucket again), they make the key
    of a bucket's files (:func:`.search_delta.plan`)."""
    from scrutiny.site.generators import doc_digest
    from scrutiny.site.search_index import bucket_of

    _kept_digests(ctx)
    inputs: dict[str, list] = {}
    for d in ctx.documents:
        if not d["ingested"]:
            continue
        inputs.setdefault(bucket_of(d["id"]), []).append(
            (d, [doc_digest(ctx, d["id"]),
                 sorted(dv.shown_ids().get(d["id"], ())) if d["id"] in dv.withheld else None]))
    return inputs


def stray_files(project, out_dir=None, cache_dir=None) -> list[str]:
    """What the site folder holds that the last build did not make, one line
    each (files put there by hand, symbolic links, leftovers of a stopped
    build); ``scrutiny site --check`` fails on them."""
    from scrutiny.site.writer import record_file, stray_files as walk

    out = Path(out_dir) if out_dir else Path(project.site_dir)
    return walk(out, record_file(Path(cache_dir or project.data_dir), out))


def _check_out(project, out: Path) -> None:
    """The output folder is replaced whole at each build: never the project
    itself, a folder holding it, or one of its own folders."""
    from scrutiny.errors import ScrutinyError

    root = Path(project.root).resolve()
    target = out.parent.resolve() / out.name
    mine = [root / name for name in (".scrutiny", ".git", "corpus", "kb", "site_templates")]
    if target == root or target in root.parents or any(target == m or m in target.parents for m in mine):
        raise ScrutinyError(f"{out}: the site cannot be written there (the build replaces its output folder "
                            "whole): choose a folder of its own, such as site/")


__all__ = ["SiteSummary", "build_site", "stages_pending", "stray_files"]
