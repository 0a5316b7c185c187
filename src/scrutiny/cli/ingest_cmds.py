"""Commands that build and list the store: ingest, documents, passages, stats."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, hold_lock, json_option, pass_project, wait_option
from scrutiny.pages import page_ref

# A run over a large manifest reports its unchanged documents in one line past this many
# (`--verbose` lists each); a few are listed, as a reader of a small project expects.
UNCHANGED_LISTED = 10


def metadata_options(fn):
    """The manifest fields a person decides: --title, --publisher, --author (repeatable),
    --date, --licence, --url."""
    for opt in reversed([
        click.option("--title", help="The document's title."),
        click.option("--short-title", help="A short title (labels, search results)."),
        click.option("--publisher", help="Who published it (cited as the author when there is none)."),
        click.option("--author", "authors", multiple=True,
                     help="An author, repeatable: a person (\"Jane Q. Smith\" or \"Smith, Jane\") or an "
                          "organisation (\"Cabinet Office\"; end it with a comma to keep any name whole)."),
        click.option("--date", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD (an empty value removes it)."),
        click.option("--licence", help="Licence, e.g. OGL-UK-3.0, CC-BY-4.0 (decides whether the site republishes it)."),
        click.option("--url", help="The document's official address (http or https)."),
    ]):
        fn = opt(fn)
    return fn


def _edits(title, short_title, publisher, authors, date, licence, url) -> dict:
    from scrutiny.metadata import edits

    return edits(title=title, short_title=short_title, publisher=publisher, authors=authors, date=date,
                 licence=licence, url=url)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["policy", "critique"]), help="Kind of the documents FILES register.")
@click.option("--strict", is_flag=True, help="Store nothing unless every file reads cleanly (warnings count as failures).")
@click.option("--force", is_flag=True, help="Re-read documents even when their files have not changed.")
@click.option("--rebuild", is_flag=True, help="Re-read every document and build a fresh search index (by default "
              "only the documents that changed are written to the index).")
@click.option("--no-tag", is_flag=True, help="Skip tagging (claims, stakeholders, ties).")
@click.option("--max-size", type=int, default=200, show_default=True, help="Refuse files larger than this many MiB.")
@click.option("--max-memory", type=click.IntRange(min=64), default=1024, show_default=True,
              help="Memory cap in MiB for reading one file (a reader over it is stopped and the file refused).")
@click.option("--read-timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Time limit in seconds for reading one file.")
@click.option("--new", is_flag=True, help="Register each FILE as a new document even when its name is "
              "a registered document's source (by default it is a new version of that document).")
@click.option("--as", "as_id", metavar="ID", help="The document this FILE is a new version of (or the id "
              "of the new document it registers).")
@metadata_options
@click.option("--ocr", is_flag=True,
              help="Read PDF pages that are only pictures (scans) with Tesseract (tesseract-ocr must be installed); "
                   "`ocr = true` in a document's manifest table does the same for that document (a file "
                   "read by OCR gets it, so that later runs read it so too).")
@click.option("-v", "--verbose", is_flag=True,
              help=f"List every unchanged document (by default more than {UNCHANGED_LISTED} are counted in one line).")
@json_option
@wait_option
@pass_project
def ingest(project, files, kind, strict, force, rebuild, no_tag, max_size, max_memory, read_timeout, new, as_id,
           title, short_title, publisher, authors, date, licence, url, ocr, verbose, as_json, wait):
    """Read documents into passages, store, tag and index them.

    With FILES, registers each in the manifest (id from the file name, title
    from its metadata or first heading) and ingests it; --title, --author,
    --date, --publisher, --licence and --url record the document's
    description in the manifest, the one place every citation and export
    reads it from; --licence and --publisher may describe several FILES at
    once (each gets them). What the file says about itself (a PDF's author and
    creation date...) is printed as a suggestion, never used unasked.

    A FILE whose name is a registered document's source is a new version of
    that document (wherever the file is): its passages' old ids are
    re-anchored and the file it replaces is kept in corpus/sources/versions/
    (see `scrutiny history`). --new makes a separate document, --as ID says
    which document it is.

    Without FILES, ingests every manifest document whose source is present
    and lists the missing ones. Unchanged files are skipped. Each file is read
    in a worker process under a memory cap and a time limit. Exit 1 when any
    file failed, after ingesting all the others; each failure is on stderr as
    `<path>: <reason>`.

    Example: scrutiny ingest ~/Downloads/report.pdf --publisher "Cabinet Office" --date 2026-01-29
    """
    import sys

    from scrutiny.ingest import ingest as run_ingest
    from scrutiny.readers.sandbox import Limits

    metadata = _edits(title, short_title, publisher, authors, date, licence, url)
    # At a terminal, what a file suggests about itself is asked about once the
    # lock is released: a person deciding does not hold up the other writers.
    ask = not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    from contextlib import nullcontext

    from scrutiny.tags.write import model_loading_aside

    # files to tag: the model loads on the other core while they are read
    aside = model_loading_aside(project) if files and not no_tag else nullcontext()
    with hold_lock(project, "ingest", wait), aside:
        report = run_ingest(
            project, files or None, kind=kind, strict=strict, force=force or rebuild, tag=not no_tag,
            max_bytes=max_size * 1048576, limits=Limits(memory_mb=max_memory, seconds=read_timeout), ocr=ocr,
            metadata=metadata, new=new, as_id=as_id,
            progress=None if as_json or not sys.stderr.isatty() else (lambda m: click.echo(m, err=True)),
        )
        asked = _print_report(project, report, as_json, ask, verbose)
    for d in asked:
        _ask_suggestions(project, d, wait)
    if report.failed:
        raise SystemExit(1)


def _print_report(project, report, as_json: bool, ask: bool, verbose: bool = False) -> list:
    """Print what ingest did; returns the documents whose suggestions are to be asked about."""
    import dataclasses

    from scrutiny.errors import printable

    asked = []
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
        unchanged = [d for d in report.documents if d.status == "unchanged"]
        listed = verbose or len(unchanged) <= UNCHANGED_LISTED
        for d in report.documents:
            if d.status == "ingested":
                extra = ""
                if d.redirected or d.orphans:
                    extra = f", {d.redirected} old ids re-anchored, {len(d.orphans)} orphaned"
                click.echo(f"{d.doc_id}: {d.pages} pages, {d.passages} passages, {d.seconds:.2f}s{extra}")
                if d.revised:
                    click.echo(f"{d.doc_id}: a new version of the document"
                               + (f"; the previous file is kept as {d.kept_as}" if d.kept_as else "")
                               + f" (`scrutiny history {d.doc_id}`)")
                for w in d.warnings:
                    click.echo(f"{printable(d.path)}: warning: {printable(w)}", err=True)
                for o in d.orphans:
                    click.echo(f"{printable(d.path)}: orphaned passage {o}: its text is gone from the new version "
                           f"(see `scrutiny show {o}`)", err=True)
            elif d.status == "unchanged" and listed:
                click.echo(f"{d.doc_id}: unchanged ({d.passages} passages)")
            elif d.status == "missing":
                click.echo(f"{printable(d.doc_id)}: missing: {printable(d.message)}", err=True)
        if not listed:
            click.echo(f"{len(unchanged):,} documents unchanged ({sum(d.passages for d in unchanged):,} passages; "
                       "`--verbose` lists them)")
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
        for d in report.documents:
            if d.suggested and ask:
                asked.append(d)
            elif d.suggested:
                _print_suggestions(project, d)
        ok = sum(1 for d in report.documents if d.status in ("ingested", "unchanged"))
        click.echo(f"{ok} documents ready, {len(report.failed)} failed, {len(report.missing)} missing "
                   f"({report.seconds:.2f}s)")
    return asked


def _suggestion_lines(project, d) -> list[str]:
    from scrutiny.manifest import load_manifest
    from scrutiny.metadata import describe_suggestions

    entry = load_manifest(project.manifest_path).documents.get(d.doc_id)
    return describe_suggestions(d.doc_id, d.suggested, entry.source if entry else None)


def _print_suggestions(project, d) -> None:
    """What the file suggests about itself, with the command that records it."""
    for line in _suggestion_lines(project, d):
        click.echo(line)


def _ask_suggestions(project, d, wait) -> None:
    """Ask (without the lock) whether to record what the file suggests; record it under the lock."""
    from scrutiny.manifest import update_documents

    click.echo(_suggestion_lines(project, d)[0])
    if click.confirm("Record them in the manifest?", default=False):
        with hold_lock(project, "ingest", wait):
            update_documents(project.manifest_path, {d.doc_id: dict(d.suggested)})
        click.echo(f"{d.doc_id}: recorded in {project.manifest_path.name}")


@cli.command()
@click.option("--edit", "edit_id", metavar="ID", help="Change document ID's description in the manifest "
              "with the options below.")
@metadata_options
@wait_option
@json_option
@pass_project
def documents(project, edit_id, title, short_title, publisher, authors, date, licence, url, wait, as_json):
    """List the documents: ingested ones with their page and passage counts,
    and manifest entries whose source is missing. With --edit ID, change a
    document's title, authors, publisher, date, licence or URL in the manifest
    (the one source every citation, page and export reads them from).

    Example: scrutiny documents --edit report --author "Cabinet Office" --date 2026-01-29
    """
    from scrutiny.manifest import REMOVE, load_manifest, update_documents
    from scrutiny.store import Store, store_exists

    manifest = load_manifest(project.manifest_path)
    fields = _edits(title, short_title, publisher, authors, date, licence, url)
    if fields and not edit_id:
        raise click.UsageError("--title, --author, --date... change a document: name it with --edit ID")
    if edit_id:
        manifest.get(edit_id)  # an unknown id is a clear error
        if not fields:
            raise click.UsageError("--edit ID needs at least one of --title, --short-title, --publisher, "
                                   "--author, --date, --licence, --url")
        with hold_lock(project, "documents --edit", wait):   # a writer of the manifest
            update_documents(project.manifest_path,
                             {edit_id: {k: (REMOVE if v in ("", []) else v) for k, v in fields.items()}})
        entry = load_manifest(project.manifest_path).get(edit_id)
        if as_json:
            emit_json(entry.to_dict())
            return
        for key in fields:
            value = getattr(entry, key, None)
            click.echo(f"{edit_id}: {key} = {'; '.join(value) if isinstance(value, list) else (value or '(none)')}")
        click.echo("recorded in the manifest: citations and exports use it now; `scrutiny build` updates the site")
        return
    stored = {}
    if store_exists(project):
        with Store(project.store_location, readonly=True) as store:
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

    with Store(project.store_location, readonly=True) as store:
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

    with Store(project.store_location, readonly=True) as store:
        data = store.stats()
        counts = tag_counts(store)
        data["tags"] = dataclasses.asdict(counts) if counts is not None else None
        if store.dialect == "postgresql":
            from scrutiny.pgsearch import content_version

            indexed = content_version(store)
        else:
            indexed = index_content_version(project.index_path)
        data["index_current"] = indexed == store.content_version
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        if key == "tags" and value is None:
            value = "not tagged yet: run `scrutiny tag`"
        elif isinstance(value, dict):
            value = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items()) or "-"
        click.echo(f"{key:<16} {value}")


@cli.command()
@click.argument("doc_id")
@json_option
@pass_project
def history(project, doc_id, as_json):
    """List the versions of a document's source: sha256, when each was
    ingested, where an earlier file is kept, and what a revision did to the
    passage ids (re-anchored, orphaned).

    Example: scrutiny history report
    """
    from scrutiny.errors import ScrutinyError
    from scrutiny.store import Store
    from scrutiny.versions import history as versions_of

    with Store(project.store_location, readonly=True) as store:
        doc = store.document(doc_id)
        rows = versions_of(store, doc_id)
        redirects = store.redirects(doc_id)
    if doc is None and not rows:
        raise ScrutinyError(f"no document {doc_id!r} in the store (see `scrutiny documents`)")
    if not rows and doc is not None:  # ingested before histories were kept: the current version only
        from scrutiny.versions import Version

        rows = [Version(doc_id, doc["sha256"] or "", doc.get("source"), None, doc.get("pages"),
                        doc.get("passages"), doc.get("page_labels"), doc.get("ingested_at") or "", None)]
    by_time: dict[str, dict[str, int]] = {}
    for r in redirects:
        counts = by_time.setdefault(r.created_at, {})
        key = "orphaned" if r.new_id is None else "re-anchored"
        counts[key] = counts.get(key, 0) + 1
    if as_json:
        emit_json([v.to_dict() | {"passage_ids": by_time.get(v.ingested_at, {})} for v in rows])
        return
    for n, v in enumerate(rows, 1):
        state = "current" if v.current else (f"kept as {v.kept_as}" if v.kept_as else "file not kept")
        size = f"{v.pages} pages, " if (v.pages or 0) > 1 else ""
        click.echo(f"{n}. {v.ingested_at[:19].replace('T', ' ')}  sha256 {v.sha256[:16]}  "
                   f"{size}{v.passages} passages  {state}")
        counts = by_time.get(v.ingested_at)
        if counts and n > 1:
            click.echo("   old passage ids: " + ", ".join(f"{c} {k}" for k, c in sorted(counts.items())))
