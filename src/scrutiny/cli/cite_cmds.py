"""`scrutiny cite`, `verify`, `export` and `xref`: citing, checking and sharing."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, hold_lock, json_option, pass_project, wait_option

CITE_STYLES = ("harvard", "apa", "chicago", "bibtex", "ris", "csl-json")


def _date(ctx, param, value):
    if value is None:
        return None
    import datetime

    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from None


@cli.command()
@click.argument("passage_id")
@click.option("--style", "-s", type=click.Choice(CITE_STYLES), default="harvard", show_default=True,
              help="Citation style or bibliography format.")
@click.option("--quote", is_flag=True, help="Include the passage text exactly as ingested.")
@click.option("--accessed", callback=_date, metavar="YYYY-MM-DD",
              help="Accessed date to print (default: today).")
@click.option("--base-url", help="Site address for the permalink (default: [project] base_url "
              "in corpus/manifest.toml or $SCRUTINY_BASE_URL).")
@json_option
@pass_project
def cite(project, passage_id, style, quote, accessed, base_url, as_json):
    """Cite a passage: its document, page(s), permalink and accessed date.

    An old id from before a revision cites the passage it was re-anchored to
    (a note on stderr says so); an orphaned id is an error.

    Example: scrutiny cite fyfvmh-abcd1234 --style apa --quote
    """
    from scrutiny.cite import cite_passage, csl_item, csl_only, in_text
    from scrutiny.cite.resolve import resolve
    from scrutiny.store import Store

    with Store(project.store_location, readonly=True) as store:
        found = resolve(project, store, passage_id)
    if found.notice:
        click.echo(found.notice, err=True)
    base = project.base_url if base_url is None else base_url
    if not base:
        click.echo("warning: the permalink is site-relative (/p/ID/): set [project] base_url in "
                   "corpus/manifest.toml (or $SCRUTINY_BASE_URL, or --base-url)", err=True)
    text = cite_passage(found.passage, found.document, style, base, accessed, quote=quote)
    if as_json:
        out = {
            "requested_id": passage_id,
            "passage_id": found.passage.id,
            "redirect": found.redirect.to_dict() if found.redirect else None,
            "span": found.span.ids if found.span is not None else [found.passage.id],
            "style": style,
            "citation": text,
            "item": csl_only(csl_item(found.document, found.passage, base_url=base, accessed=accessed,
                                      quote=quote)),
        }
        if style in ("harvard", "apa", "chicago"):
            out["in_text"] = in_text(found.passage, found.document, style)
        emit_json(out)
    else:
        click.echo(text.rstrip("\n"))


@cli.command()
@click.option("--strict", is_flag=True, help="Treat re-anchored (redirected) ids as errors too.")
@json_option
@pass_project
def verify(project, strict, as_json):
    """Check every passage id, claim locator and cross-reference against the ingested text.

    Each failure is printed as `file:line: error: ...`; exit status 1 when any.

    Example: scrutiny verify --strict
    """
    from scrutiny.verify import verify as run_verify

    report = run_verify(project, strict=strict)
    if as_json:
        emit_json(report.to_dict())
    else:
        for finding in report.findings:
            click.echo(str(finding), err=finding.level == "error")
        c = report.checked
        click.echo(
            f"verify: {c['passage_ids']} passage ids, {c['locators']} claim locators, "
            f"{c['essay_refs']} essay references, {c['xrefs']} cross-references checked; "
            f"{len(report.errors)} errors, {len(report.warnings)} warnings"
        )
    if report.errors:
        click.get_current_context().exit(1)


@cli.command()
@click.option("--calibrate", is_flag=True,
              help="Measure precision and recall of the related-passage threshold on the labelled pairs.")
@click.option("--shared", type=click.Path(file_okay=False), default=None,
              help="Folder holding real-documents/ for --calibrate (default: ../shared beside the project).")
@click.option("--rebuild", is_flag=True,
              help="Build every cross-reference again (by default only those of the documents added, changed or "
                   "removed since the last build).")
@wait_option
@json_option
@pass_project
def xref(project, calibrate, shared, rebuild, wait, as_json):
    """Build the cross-references: critique -> passages, claims across documents, stakeholders -> documents.

    Example: scrutiny xref --json
    """
    from pathlib import Path

    if calibrate:
        from scrutiny.xref.calibrate import calibrate as run
        from scrutiny.xref.similarity import THRESHOLD

        result = run(Path(shared) if shared else project.root.parent / "shared")
        result["current_threshold"] = THRESHOLD
        if as_json:
            emit_json(result)
            return
        click.echo(f"{result['critique_paragraphs']} critique x {result['policy_paragraphs']} policy paragraphs, "
                   f"{result['related_pairs']} related pairs; top {result['top_k']} per critique paragraph")
        click.echo("threshold  suggested  correct  precision  recall  F1     F0.5")
        for r in result["rows"]:
            mark = " <- best F0.5" if r is result["best"] else ""
            click.echo(f"{r['threshold']:9.2f}  {r['suggested']:9d}  {r['correct']:7d}  {r['precision']:9.3f}  "
                       f"{r['recall']:6.3f}  {r['f1']:.3f}  {r['f0_5']:.3f}{mark}")
        for f in result["cross_validated"]:
            click.echo(f"fold {f['fold']}: threshold {f['threshold']:.2f} chosen on the other half: "
                       f"precision {f['precision']:.3f}, recall {f['recall']:.3f}")
        mixed = result["mixed"]
        click.echo(f"\nAmong unrelated documents ({', '.join(mixed['unrelated']['documents'])}: "
                   f"{mixed['unrelated']['critique_paragraphs']} critique and {mixed['unrelated']['policy_paragraphs']} "
                   "policy paragraphs; a suggestion crossing to one of them is wrong):")
        click.echo("threshold  suggested  correct  precision  recall")
        for r in mixed["rows"]:
            mark = (" <- chosen" if r is result["chosen"] else "") + (" (current)" if r["threshold"] == THRESHOLD else "")
            click.echo(f"{r['threshold']:9.2f}  {r['suggested']:9d}  {r['correct']:7d}  {r['precision']:9.3f}  "
                       f"{r['recall']:6.3f}{mark}")
        return
    import dataclasses

    from scrutiny.store import Store
    from scrutiny.xref import build_xrefs
    from scrutiny.xref.queries import figure_groups

    with hold_lock(project, "xref", wait), Store(project.store_location) as store:
        summary = build_xrefs(project, store, rebuild=rebuild)
        groups = figure_groups(store)
    if as_json:
        emit_json({"summary": dataclasses.asdict(summary), "figure_groups": [dataclasses.asdict(g) for g in groups]})
        return
    click.echo(
        f"cross-references: {summary.markup} from essay markup, {summary.suggested} related-passage "
        f"suggestions, {summary.claim_passages} claim passages, {summary.figure_groups} figures "
        f"in several documents, {summary.stakeholder_docs} stakeholder-document links "
        f"({summary.seconds:.2f}s)"
    )


@cli.command()
@click.option("--format", "-f", "fmt", required=True,
              type=click.Choice(("json", "csv", "graphml", "w3c", "csl-json", "sqlite")),
              help="json: everything; csv: one table; graphml: the stakeholder graph (Gephi); "
                   "w3c: Web Annotation JSON-LD of tags and claims; csl-json: documents and sources; "
                   "sqlite: a consistent copy of the store (Datasette).")
@click.option("--out", "-o", type=click.Path(dir_okay=True), help="Write here instead of stdout "
              "(required for sqlite, a folder for `--table all`).")
@click.option("--table", default=None, help="csv only: passages (default), documents, claims, tagged_claims, "
              "stakeholders, ties, mentions, xrefs, claim_recurrences, stakeholder_documents, redirects, or all.")
@click.option("--base-url", help="Site address for permalinks (default: the project's base_url).")
@click.option("--full-text", is_flag=True, help="Include the text of documents whose licence does not allow "
              "republishing (left out by default, as on the site): for your own use, not to publish.")
@wait_option
@pass_project
def export(project, fmt, out, table, base_url, full_text, wait):
    """Export the corpus, tags, claims and stakeholder graph for other tools.

    Example: scrutiny export --format graphml --out stakeholders.graphml
    """
    import contextlib
    import sys

    from scrutiny.export import export as run
    from scrutiny.export import withheld_documents
    from scrutiny.paths import is_inside

    # an export written into the project (exports/, site/...) is a write of the project: it
    # waits for another writer; one written elsewhere, or to stdout, only reads
    into_project = out is not None and is_inside(out, project.root)
    with hold_lock(project, "export", wait) if into_project else contextlib.nullcontext():
        result = run(project, fmt, out, table=table, base_url=base_url, full_text=full_text)
    withheld = withheld_documents(project) if fmt in ("json", "csv", "sqlite") else []
    if withheld:
        if full_text:
            click.echo(f"includes the text of {len(withheld)} document(s) whose licence does not allow "
                       f"republishing ({', '.join(withheld)}): keep this export private", err=True)
        else:
            click.echo(f"left out the text of {len(withheld)} document(s) whose licence does not allow "
                       f"republishing ({', '.join(withheld)}); --full-text includes it for private use", err=True)
    if isinstance(result, str):
        sys.stdout.write(result)
    else:
        for path in result:
            click.echo(f"wrote {path}", err=True)
