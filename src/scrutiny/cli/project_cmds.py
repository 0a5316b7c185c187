"""Commands that set up a project and get its sources: init, fetch."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", help="A name for the project (default: the folder name).")
def init(directory, name):
    """Create a new, empty project in DIRECTORY.

    Writes corpus/manifest.toml, an empty knowledge base under kb/ and a
    .gitignore for the derived data.

    Example: scrutiny init my-campaign
    """
    from scrutiny.init import init_project

    root = init_project(directory, name=name)
    click.echo(f"Created a scrutiny project in {root}")
    click.echo("Next: add documents with `scrutiny ingest FILE...` or edit corpus/manifest.toml and run `scrutiny fetch`.")


@cli.command()
@click.argument("doc_ids", nargs=-1)
@click.option("--force", is_flag=True, help="Download again even when the file is present.")
@click.option("--max-size", type=int, default=200, show_default=True, help="Size cap in MiB.")
@json_option
@pass_project
def fetch(project, doc_ids, force, max_size, as_json):
    """Download manifest documents into corpus/sources/.

    Without DOC_IDS, fetches every document whose source is missing. Offline,
    says for each document where to put the file by hand. Records each
    file's sha256 in the manifest.

    Example: scrutiny fetch fyfvmh stepping-forward
    """
    import sys

    from scrutiny.fetch import fetch_document
    from scrutiny.manifest import load_manifest, update_documents

    manifest = load_manifest(project.manifest_path)
    ids = list(doc_ids) or list(manifest.documents)
    results, updates = [], {}
    for doc_id in ids:
        entry = manifest.get(doc_id)
        r = fetch_document(project.root, entry, force=force, max_bytes=max_size * 1048576,
                           progress=not as_json and sys.stderr.isatty())
        results.append(r)
        if r.sha256 and r.sha256 != entry.sha256 and r.status in ("downloaded", "copied"):
            updates[doc_id] = {"sha256": r.sha256}
        if not as_json:
            line = f"{doc_id}: {r.status}: {r.message}"
            click.echo(line, err=r.status in ("missing", "failed"))
    if updates:
        update_documents(project.manifest_path, updates)
    if as_json:
        emit_json([
            {"id": r.doc_id, "status": r.status, "path": str(r.path) if r.path else None,
             "message": r.message, "sha256": r.sha256} for r in results
        ])
    if any(r.status in ("missing", "failed") for r in results):
        raise SystemExit(1)
