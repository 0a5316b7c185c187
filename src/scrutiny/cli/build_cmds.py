"""The command that runs the whole pipeline: build."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project, plain, writes


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["policy", "critique"]),
              help="Kind of the new documents FILES register (default: policy).")
@click.option("--offline", is_flag=True, help="Do not fetch: build from the files already in corpus/sources/.")
@click.option("--no-site", is_flag=True, help="Stop after the cross-references: do not write the site.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Where to write the site (default: site/ under the project root).")
@click.option("--force", "--rebuild", "force", is_flag=True,
              help="Re-read every document, build a fresh search index and rebuild the cross-references even "
              "when their inputs have not changed (by default only what changed is redone).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Read and tag on this Dask cluster (tcp://host:8786; needs `pip install 'scrutiny[dask]'` here "
                   "and on the workers): one task per document, results stored here (default: `scheduler` in the "
                   "manifest's [project], else this machine's processes).")
@json_option
@pass_project
@writes("build")
def build(project, files, kind, offline, no_site, out, force, scheduler, as_json):
    """Run the whole pipeline: fetch, ingest (tag, index), cross-reference, publish.

    FILES, when given, are registered and ingested first, as `scrutiny ingest
    FILE...` does, and the whole project brought up to date after them in the
    same process: `scrutiny build report.pdf` adds a document, site included,
    loading the language model once.

    Each stage runs only when its inputs changed since it last ran, and says
    in one line what it did. Documents that cannot be fetched are listed with
    where to put each file by hand; the rest of the pipeline goes on. Exit 1
    when a stage fails (a document that cannot be read, a knowledge base with
    problems), with the reason on the last line.

    Example: scrutiny build --offline report.pdf
    """
    import sys

    from scrutiny.pipeline import build as run

    def echo(report):
        for line in report.lines():
            click.echo(line)

    detail = (lambda m: click.echo(m, err=True)) if not as_json and sys.stderr.isatty() else None
    result = run(project, fetch=not offline, site=not no_site, out=out, force=force, progress=None if as_json else echo,
                 detail=detail, scheduler=scheduler, files=list(files) or None, kind=kind)
    if as_json:
        emit_json({"ok": result.ok, **plain(result)})
    elif result.ok:
        click.echo(result.final_line())
    else:
        click.echo(result.final_line(), err=True)
    if not result.ok:
        raise SystemExit(1)
