"""The commands that run the whole pipeline: build, and watch (build again on every change)."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project, plain, writes


def shared_metadata_options(what: str):
    """--licence and --publisher, recorded for every document ``what`` registers."""
    def deco(fn):
        fn = click.option("--publisher", help=f"Who published {what} (recorded in each one's manifest entry).")(fn)
        return click.option("--licence", help=f"Licence of {what}, e.g. OGL-UK-3.0 (decides whether the site "
                             "republishes them; without one they are withheld).")(fn)
    return deco


def _shared(licence, publisher) -> dict | None:
    from scrutiny.metadata import edits

    return edits(licence=licence, publisher=publisher) or None


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["policy", "critique"]),
              help="Kind of the new documents FILES register (default: policy).")
@shared_metadata_options("the documents FILES register")
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
def build(project, files, kind, licence, publisher, offline, no_site, out, force, scheduler, as_json):
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

    Example: scrutiny build --offline --licence OGL-UK-3.0 report.pdf
    """
    import sys

    from scrutiny.pipeline import build as run

    def echo(report):
        for line in report.lines():
            click.echo(line)

    if (licence is not None or publisher is not None) and not files:
        raise click.UsageError("--licence and --publisher describe the FILES given "
                               "(to change a registered document: scrutiny documents --edit ID ...)")
    metadata = _shared(licence, publisher)
    detail = (lambda m: click.echo(m, err=True)) if not as_json and sys.stderr.isatty() else None
    result = run(project, fetch=not offline, site=not no_site, out=out, force=force, progress=None if as_json else echo,
                 detail=detail, scheduler=scheduler, files=list(files) or None, kind=kind,
                 metadata=metadata)
    if as_json:
        emit_json({"ok": result.ok, **plain(result)})
    elif result.ok:
        click.echo(result.final_line())
    else:
        click.echo(result.final_line(), err=True)
    if not result.ok:
        raise SystemExit(1)


@cli.command()
@click.option("--inbox", type=click.Path(file_okay=False), default=None,
              help="Folder whose files are added as new documents (default: inbox/ under the project root).")
@click.option("--kind", type=click.Choice(["policy", "critique"]), default=None,
              help="Kind of the documents added from the inbox (default: policy).")
@shared_metadata_options("the documents added from the inbox")
@click.option("--fetch", is_flag=True, help="Also fetch the manifest's missing documents at each build "
              "(by default a watch builds from the files already here, as `build --offline`).")
@click.option("--no-site", is_flag=True, help="Stop each build after the cross-references.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Where to write the site (default: site/ under the project root).")
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between two looks at the files.")
@click.option("--max-builds", type=click.IntRange(min=1), default=None, hidden=True,
              help="Stop after this many builds (tests, scripts).")
@pass_project
def watch(project, inbox, kind, licence, publisher, fetch, no_site, out, interval, max_builds):
    """Keep the project built: build again whenever its files change.

    Runs until interrupted (Ctrl-C). A build runs when the manifest, a source
    in corpus/sources/, the knowledge base or the site's templates change, and
    for every file put into the inbox folder (inbox/ under the project root):
    the file is registered and ingested as `scrutiny build FILE` would, then
    taken out of the inbox; a file that cannot be read stays there with the
    reason, and is tried again when it changes. The language model stays
    loaded between builds, so a document added is published in a few seconds.
    Each build holds the project's write lock while it runs, and writes what
    `scrutiny build` would.

    Example: scrutiny watch --inbox ~/Downloads/to-add --licence OGL-UK-3.0
    """
    import os

    from scrutiny.watch import Watcher

    def echo(report):
        for line in report.lines():
            click.echo(line)

    # the pipeline's own build (so the watch loads the model ahead of the first file)
    options = {"site": not no_site, "kind": kind, "metadata": _shared(licence, publisher)}
    watcher = Watcher(project, inbox=inbox, fetch=fetch, out=out, interval=interval, progress=echo,
                      say=click.echo, options=options)
    click.echo(f"watching {project.root} (inbox: {watcher.inbox}); Ctrl-C stops")

    def done(r):
        if r.result is not None:
            click.echo(r.result.final_line())

    import signal

    def stop(signum, frame):
        if watcher.building and signum == signal.SIGTERM:
            # during a build, a plain `kill` ends the process as it ends `scrutiny build`
            # (what was published stays; the build's own worker processes go with it)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        raise KeyboardInterrupt

    # Ctrl-C, and a plain `kill` between two builds, stop it with one line
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        watcher.run(max_rounds=max_builds, on_round=done)
    except KeyboardInterrupt:
        click.echo("watch: stopped")
