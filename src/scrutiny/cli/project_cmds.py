"""Commands that set up a project and get its sources: init, fetch."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project, writes


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", help="A name for the project (default: the folder name).")
@click.option("--database", metavar="URL",
              help="Keep the store and its full-text index in this PostgreSQL database (postgresql://...; needs "
                   "`pip install 'scrutiny[postgres]'`), shared by everyone working on the corpus, instead of "
                   "the embedded SQLite store and Whoosh index under .scrutiny/.")
def init(directory, name, database):
    """Create a new, empty project in DIRECTORY.

    Writes corpus/manifest.toml, an empty knowledge base under kb/ (with
    kb/critique/ for essays), corpus/sources/ for the documents,
    site_templates/ for changes to the site's theme, and a .gitignore for
    the derived data. Then `scrutiny build` publishes it.

    Example: scrutiny init my-campaign --database postgresql://team@db.example.org/corpus
    """
    from scrutiny.init import init_project

    if database is not None and database.startswith(("postgresql://", "postgres://")):
        from scrutiny.store import Store

        Store(database).close()   # reachable, and its tables made, before the project is
    root = init_project(directory, name=name, database=database)
    click.echo(f"Created a scrutiny project in {root}")
    click.echo("Next: add documents with `scrutiny ingest FILE...` (or list them in corpus/manifest.toml), "
               "then run `scrutiny build` to publish the site.")


@cli.command()
@click.argument("doc_ids", nargs=-1)
@click.option("--force", is_flag=True, help="Download again even when the file is present (a different old "
              "file is kept as a dated version).")
@click.option("--check", "check_only", is_flag=True,
              help="Download nothing: say for each document whether its URL still answers, where it "
                   "redirects, and whether an archive holds a capture.")
@click.option("--pick", type=click.IntRange(min=1), metavar="N",
              help="Take the N-th file a landing page offers (as listed when the pick was unclear).")
@click.option("--accept-new", is_flag=True,
              help="Take a file whose sha256 differs from the one pinned in the manifest.")
@click.option("--no-archives", is_flag=True, help="Do not look in the web archives.")
@click.option("--mirror-dir", "mirror_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder outside the project whose files the manifest's mirrors may name (repeatable).")
@click.option("--max-size", type=int, default=200, show_default=True, help="Size cap per file in MiB.")
@click.option("--deadline", type=float, help="Seconds allowed per file [default: 600].")
@json_option
@pass_project
@writes("fetch")
def fetch(project, doc_ids, force, check_only, pick, accept_new, no_archives, mirror_dirs, max_size,
          deadline, as_json):
    """Download manifest documents into corpus/sources/.

    Without DOC_IDS, fetches every document whose source is missing. A landing
    page (GOV.UK or any publisher's page) is resolved to the file that best
    matches the title; when the address is gone, the UK Government Web Archive
    and the Wayback Machine are tried. The manifest records where each file
    came from (live or archive, capture date, final address, size, sha256).
    Offline, says for each document what it tried and where to put the file
    by hand. At most four downloads run at once.

    Example: scrutiny fetch fyfvmh stepping-forward
    """
    import sys
    from pathlib import Path

    from scrutiny.errors import ScrutinyError
    from scrutiny.fetch import FetchSettings, fetch_all
    from scrutiny.manifest import load_manifest

    manifest = load_manifest(project.manifest_path)
    if pick is not None and len(doc_ids) != 1:
        raise ScrutinyError("--pick N chooses a file for one document: name exactly one DOC_ID "
                            "(scrutiny fetch DOC_ID --pick N)")
    for doc_id in doc_ids:
        manifest.get(doc_id)  # an unknown id is one clear error before anything runs
    overrides = {"max_bytes": max_size * 1048576, "deadline": deadline}
    if no_archives:
        overrides["archives"] = False
    settings = FetchSettings.from_project(manifest=manifest, **overrides)
    if mirror_dirs:
        settings = settings.with_(mirror_dirs=(*settings.mirror_dirs, *(Path(d) for d in mirror_dirs)))
    if check_only:
        _fetch_check(project, doc_ids, settings, as_json)
        return

    def show(result):
        if as_json:
            return
        for i, line in enumerate(result.lines()):
            click.echo(line, err=not result.ok)

    report = fetch_all(project, doc_ids or None, settings=settings, force=force, accept_new=accept_new,
                       pick=pick, progress=not as_json and sys.stderr.isatty(), on_result=show)
    if as_json:
        emit_json([r.to_json() for r in report.results])
    if report.failed:
        raise SystemExit(1)


def _fetch_check(project, doc_ids, settings, as_json):
    from scrutiny.fetch import check_all
    from scrutiny.manifest import update_documents

    results = check_all(project, doc_ids or None, settings=settings)
    updates = {}
    for r in results:
        if r.url is not None and r.url.error is None:
            updates[r.doc_id] = {"url_checked": r.verdict in ("ok", "moved")}
    if updates:
        update_documents(project.manifest_path, updates)
    if as_json:
        emit_json([r.to_json() for r in results])
        return
    for r in results:
        for line in r.lines():
            click.echo(line)
