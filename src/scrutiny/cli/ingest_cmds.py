"""Commands that build and list the store: ingest, documents, passages, stats."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project
from scrutiny.pages import page_ref


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["policy", "critique"]), help="Kind of the documents FILES register.")
@click.option("--strict", is_flag=True, help="Store nothing unless every file reads cleanly (warnings count as failures).")
@click.option("--force", is_flag=True, help="Re-read documents even when their files have not changed.")
@click.option("--no-tag", is_flag=True, help="Skip tagging (claims, stakeholders, ties).")
@click.option("--max-size", type=int, default=200, show_default=True, help="Refuse files larger than this many MiB.")
@click.option("--max-memory", type=click.IntRange(min=64), default=1024, show_default=True,
              help="Memory cap in MiB for reading one file (a reader over it is stopped and the file refused).")
@click.option("--read-timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Time limit in seconds for reading one file.")
@click.option("--ocr", is_flag=True,
              help="Read PDF pages that are only pictures (scans) with Tesseract (tesseract-ocr must be installed); "
                   "`ocr = true` in a document's manifest table does the same for that document (a file "
                   "read by OCR gets it, so that later runs read it so too).")
@json_option
@pass_project
def ingest(project, files, kind, strict, force, no_tag, max_size, max_memory, read_timeout, ocr, as_json):
    """Read documents into passages, store, tag and index them.

    With FILES, registers each in the manifest (id from the file name, title
    from its metadata or first heading) and ingests it. Without, ingests every
    manifest document whose source is present and lists the missing ones.
    Unchanged files are skipped. Each file is read in a worker process
    under a memory cap and a time limit. Exit 1 when any file failed, after
    ingesting all the others; each failure is on stderr as `<path>: <reason>`.

    Example: scrutiny ingest corpus/sources/report.pdf --kind policy
    """
    import dataclasses
    import sys

    from scrutiny.errors import printable
    from scrutiny.ingest import ingest as run_ingest
    from scrutiny.readers.sandbox import Limits

    report = run_ingest(
        project, files or None, kind=kind, strict=strict, force=force, tag=not no_tag,
        max_bytes=max_size * 1048576, limits=Limits(memory_mb=max_memory, seconds=read_timeout), ocr=ocr,
        progress=None if as_json or not sys.stderr.isatty() else (lambda m: click.echo(m, err=True)),
    )
    if as_json:
        emit_json({
            "documents": [d.__dict__ for d in report.documents],
            "removed": [{"doc_id": d, "passages": n} for d, n in report.removed.items()],
            "notices": report.notices,
            "tagging": dataclasses.asdict(report.tagging) if report.tagging else None,
            "index": dataclasses.asdict(report.index) if report.index else None,
            "seconds": round(report.seconds, 3),
        })
    else:
        for notice in report.notices:
            click.echo(notice)
        for d in report.documents:
            if d.status == "ingested":
                extra = ""
                if d.redirected or d.orphans:
                    extra = f", {d.redirected} old ids re-anchored, {len(d.orphans)} orphaned"
                click.echo(f"{d.doc_id}: {d.pages} pages, {d.passages} passages, {d.seconds:.2f}s{extra}")
                for w in d.warnings:
                    click.echo(f"{printable(d.path)}: warning: {printable(w)}", err=True)
                for o in d.orphans:
                    click.echo(f"{printable(d.path)}: orphaned passage {o}: its text is gone from the new version "
                           f"(see `scrutiny show {o}`)", err=True)
            elif d.status == "unchanged":
                click.echo(f"{d.doc_id}: unchanged ({d.passages} passages)")
            elif d.status == "missing":
                click.echo(f"{printable(d.doc_id)}: missing: {printable(d.message)}", err=True)
        for doc_id, n in report.removed.items():
            click.echo(f"{doc_id}: removed (no longer in the manifest): {n} passages left the store, "
                       "the index and the site; their permalinks now say so")
        for d in report.failed:
            click.echo(f"{printable(d.path)}: {printable(d.message)}", err=True)
        t = report.tagging
        if t is not None and (t.passages or t.removed):
            click.echo(f"tagged {t.passages} passages in {t.seconds:.1f}s"
                       + (f" (model: {t.model})" if t.model else ""))
        if report.index:
            click.echo(f"indexed {report.index.passages} passages in {report.index.seconds:.2f}s")
        ok = sum(1 for d in report.documents if d.status in ("ingested", "unchanged"))
        click.echo(f"{ok} documents ready, {len(report.failed)} failed, {len(report.missing)} missing "
                   f"({report.seconds:.2f}s)")
    if report.failed:
        raise SystemExit(1)


@cli.command()
@json_option
@pass_project
def documents(project, as_json):
    """List the documents: ingested ones with their page and passage counts,
    and manifest entries whose source is missing.

    Example: scrutiny documents --json
    """
    from scrutiny.manifest import load_manifest
    from scrutiny.store import Store

    manifest = load_manifest(project.manifest_path)
    stored = {}
    if project.store_path.exists():
        with Store(project.store_path, readonly=True) as store:
            stored = {d["id"]: d for d in store.documents()}
    rows = []
    for doc_id in sorted(set(manifest.documents) | set(stored)):
        entry = manifest.documents.get(doc_id)
        d = stored.get(doc_id)
        rows.append({
            "id": doc_id,
            "title": (d or {}).get("title") or (entry.title if entry else doc_id),
            "kind": (d or {}).get("kind") or (entry.kind if entry else None),
            "source": (d or {}).get("source") or (_source_rel(project, entry) if entry else None),
            "sha256": (d or {}).get("sha256") or (entry.sha256 if entry else None),
            "pages": (d or {}).get("pages"),
            "passages": (d or {}).get("passages"),
        })
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        state = f"{r['pages']} pages, {r['passages']} passages" if r["passages"] is not None else "not ingested"
        click.echo(f"{r['id']:<28} {r['kind'] or '':<9} {state:<28} {r['title']}")


def _source_rel(project, entry) -> str:
    """Where a manifest document's source lives, relative to the root (as the store has it)."""
    from scrutiny.fetch import source_path

    path = source_path(project.root, entry)
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


@cli.command()
@click.option("--doc", "doc_id", help="Only this document's passages.")
@click.option("--kind", help="Only passages of this kind (heading, paragraph, list_item, footnote, table).")
@json_option
@pass_project
def passages(project, doc_id, kind, as_json):
    """List passages in reading order.

    Example: scrutiny passages --doc fyfvmh --json
    """
    from scrutiny.store import Store

    with Store(project.store_path, readonly=True) as store:
        rows = store.passages(doc_id)
        labels = {d["id"]: d.get("page_labels") for d in store.documents()}
    if doc_id and not rows:
        from scrutiny.errors import ScrutinyError

        raise ScrutinyError(f"no passages for document {doc_id!r} (is it ingested? see `scrutiny documents`)")
    if kind:
        rows = [r for r in rows if r.kind == kind]
    out = [{"id": r.id, "doc_id": r.doc_id, "ord": r.ord, "page": r.page, "page_end": r.page_end,
            "kind": r.kind, "heading": r.heading, "text": r.text} for r in rows]
    if as_json:
        emit_json(out)
        return
    for r in out:
        pages = page_ref(labels.get(r["doc_id"]), r["page"], r["page_end"])  # as the document prints them
        text = r["text"] if len(r["text"]) <= 100 else r["text"][:97] + "..."
        click.echo(f"{r['id']}  {pages:<9} {r['kind']:<10} {text}")


@cli.command()
@json_option
@pass_project
def stats(project, as_json):
    """Counts: documents, pages, passages, words, passage kinds, redirects, tags.

    Example: scrutiny stats
    """
    import dataclasses

    from scrutiny.index import index_content_version
    from scrutiny.store import Store
    from scrutiny.tags.queries import tag_counts

    with Store(project.store_path, readonly=True) as store:
        data = store.stats()
        counts = tag_counts(store)
        data["tags"] = dataclasses.asdict(counts) if counts is not None else None
        data["index_current"] = index_content_version(project.index_path) == store.content_version
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        if key == "tags" and value is None:
            value = "not tagged yet: run `scrutiny tag`"
        elif isinstance(value, dict):
            value = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items()) or "-"
        click.echo(f"{key:<16} {value}")
