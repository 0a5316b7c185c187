"""Commands that publish the site: site (alias build-site), serve."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, hold_lock, json_option, pass_project, wait_option


def _build(project, out, as_json, check, wait, command="site"):
    """Bring the cross-references up to date, then build the site (the last two
    stages of `scrutiny build`). Earlier stages are not run; when they are
    behind their inputs, the site and this command say so."""
    from dataclasses import asdict

    from scrutiny.errors import ScrutinyError
    from scrutiny.pipeline import OFF, build

    def echo(report):
        if report.state != OFF:
            for line in report.lines():
                click.echo(line, err=line.startswith(" "))

    with hold_lock(project, command, wait):
        result = build(project, fetch=False, ingest=False, out=out, progress=None if as_json else echo)
    if not result.ok:
        raise ScrutinyError("; ".join(f"{s.name}: {s.error}" for s in result.failed))
    site = result.site
    data = {**asdict(site), "xref": result.stage("xref").state}
    if check:
        from scrutiny.site.linkcheck import check_site

        from scrutiny.site import stray_files

        broken, info = check_site(site.out)
        data["links_checked"] = info["links"]
        data["broken_links"] = [str(b) for b in broken]
        data["stray_files"] = stray_files(project, site.out)
    if as_json:
        emit_json(data)
    elif check:
        click.echo(f"links: {data['links_checked']} checked, {len(data['broken_links'])} broken; "
                   f"{len(data['stray_files'])} stray file(s)")
        for line in data["broken_links"] + data["stray_files"]:
            click.echo(f"  {line}", err=True)
    if check and (data["broken_links"] or data["stray_files"]):
        raise SystemExit(1)
    return site


_out_option = click.option("--out", type=click.Path(file_okay=False), default=None,
                           help="Where to write the site (default: site/ under the project root).")
_check_option = click.option("--check", is_flag=True, help="Then walk the built site for broken links and anchors, "
                             "and for files the build did not make (put there by hand, links, leftovers); fail on any.")


@cli.command("site")
@_out_option
@_check_option
@wait_option
@json_option
@pass_project
def site(project, out, check, wait, as_json):
    """Build the static site from the store and the knowledge base.

    First brings the cross-references up to date when the documents or the
    knowledge base changed since they were built. Writes only the pages whose
    content changed; pages whose inputs did not change are not even rendered.
    Two builds from the same inputs are byte-identical. When documents changed
    since they were ingested (or the tags are older than the knowledge base),
    every page says the site is behind: run `scrutiny build`.

    Example: scrutiny site --check
    """
    _build(project, out, as_json, check, wait)


@cli.command("build-site")
@_out_option
@_check_option
@wait_option
@json_option
@pass_project
def build_site_cmd(project, out, check, wait, as_json):
    """Build the static site (the same as `scrutiny site`).

    Example: scrutiny build-site --out /tmp/preview
    """
    _build(project, out, as_json, check, wait, "build-site")


@cli.command()
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--no-build", is_flag=True, help="Serve site/ as it is, without building first.")
@_out_option
@wait_option
@pass_project
def serve(project, port, no_build, out, wait):
    """Preview the site at http://127.0.0.1:PORT/ (local only; Ctrl-C stops).

    Builds the site first unless --no-build. Every response carries the
    site's Content-Security-Policy header.

    Example: scrutiny serve --port 8080
    """
    import functools
    from http.server import ThreadingHTTPServer
    from pathlib import Path

    from scrutiny.errors import ScrutinyError
    from scrutiny.site.headers import handler_class

    directory = Path(out) if out else project.site_dir
    if not no_build:
        _build(project, out, False, False, wait, "serve")
    if not (directory / "index.html").is_file():
        raise ScrutinyError(f"{directory}: no site to serve (run `scrutiny site` first)")
    handler = functools.partial(handler_class(), directory=str(directory))  # sends the site's CSP
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise ScrutinyError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --port with another number") from None
    click.echo(f"Serving {directory} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
