"""Commands that read: search, show.

`search` is on the hot path: it imports only Whoosh and the index module.
"""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project


@cli.command()
@click.argument("query")
@click.option("--doc", "docs", multiple=True, help="Only in this document (repeatable).")
@click.option("--kind", "kinds", multiple=True, help="Only passages of this kind: heading, paragraph, list_item, footnote, table.")
@click.option("--tag", "tags", multiple=True, help="Only passages with a claim of this kind: statistic, commitment, recommendation, assessment.")
@click.option("--stakeholder", "stakeholders", multiple=True, help="Only passages naming this stakeholder id.")
@click.option("--page", help="Only this page or page range as the document prints them, e.g. 12 or 10-20.")
@click.option("--limit", "-n", type=int, default=10, show_default=True, help="How many hits to show.")
@json_option
@pass_project
def search(project, query, docs, kinds, tags, stakeholders, page, limit, as_json):
    """Full-text search over passages (BM25F, English stemming).

    Words are ANDed; use "quotes" for phrases, OR / NOT / parentheses for
    boolean queries, heading:word to search headings, word* for prefixes.

    Example: scrutiny search '"recovery rate" IAPT' --doc fyfvmh --tag statistic
    """
    import sys

    from scrutiny.pages import span_ref
    from scrutiny.search import SearchFilters, search as run_search

    page_min = page_max = None
    if page:
        try:
            lo, _, hi = page.partition("-")
            page_min = int(lo) if lo else None
            page_max = int(hi) if hi else (page_min if not _ else None)
        except ValueError:
            raise click.BadParameter("use a page number or a range such as 10-20", param_hint="--page") from None
    filters = SearchFilters(doc=docs, kind=kinds, tag=tags, stakeholder=stakeholders,
                            page_min=page_min, page_max=page_max)
    colour = not as_json and sys.stdout.isatty()
    marks = ("\x1b[1;33m", "\x1b[0m") if colour else ("**", "**")
    result = run_search(project.index_location, query, filters, limit=limit, marks=marks)
    if as_json:
        result["hits"] = [
            {k: h[k] for k in ("passage_id", "doc_id", "page", "page_end", "page_label", "page_end_label", "kind",
                               "heading", "score", "text", "snippet", "tags", "ocr") if k in h}
            for h in result["hits"]
        ]
        emit_json(result)
        return
    total = result["total"]
    # not exact: the matches counted before the rest could not reach the shown hits (a lower bound)
    counted = f"{total} passage{'s' if total != 1 else ''}" if result.get("total_exact", True) else f"At least {total} passages"
    click.echo(f"{counted} match {query!r}" + (f"; showing {len(result['hits'])}" if total > len(result["hits"]) else ""))
    for h in result["hits"]:
        pages = span_ref(h["page_label"], h["page_end_label"])  # as the document prints them
        head = f"{h['doc_label']}, {pages}" if h["paged"] else h["doc_label"]
        if h.get("ocr"):
            head += f" (text recognised by OCR, confidence {round(h['ocr']['confidence'])}%)"
        click.echo("")
        click.echo(click.style(head, bold=True) if colour else head)
        click.echo(f"  {h['snippet']}")
        click.echo(click.style(f"  {h['passage_id']}", dim=True) if colour else f"  {h['passage_id']}")


@cli.command()
@click.argument("passage_id")
@click.option("--context", type=int, default=1, show_default=True, help="How many neighbouring passages to show on each side.")
@json_option
@pass_project
def show(project, passage_id, context, as_json):
    """Show a passage with its document's metadata and its neighbours.

    An old id (from before a source was revised) shows the passage it was
    re-anchored to, or says that its text is gone.

    Example: scrutiny show fyfvmh-3kq7x2m4abcd
    """
    from scrutiny.cite.resolve import resolve
    from scrutiny.store import Store

    with Store(project.store_location, readonly=True) as store:
        gone = store.redirect(passage_id)
        if gone is not None and gone.new_id is None and gone.method != "removed":
            _show_orphan(store, gone, as_json)
            return
        found = resolve(project, store, passage_id)  # errors: unknown id, needs review
        # for an old id, the passage carries the old text's current span and pages
        passage, redirect = found.passage, found.redirect
        doc = found.document
        anchor = store.passage(passage.id) or passage
        before, after = store.neighbours(anchor, context)
        if found.span is not None and len(found.span.ids) > 1:
            last = store.passage(found.span.ids[-1])
            after = store.neighbours(last, context)[1] if last else after
    from scrutiny.pages import label, page_ref
    from scrutiny.passages import ocr_note

    if as_json:
        shown = passage.to_dict() | {"page_label": label(doc, passage.page), "page_end_label": label(doc, passage.page_end)}
        emit_json({
            "passage": shown, "document": doc, "redirected_from": passage_id if redirect else None,
            "redirect": ({"method": redirect.method, "span": found.span.ids if found.span else [],
                          "wording_changed": found.wording_changed,
                          "old_text": redirect.old_text if found.wording_changed else None}
                         if redirect else None),
            "before": [p.to_dict() for p in before], "after": [p.to_dict() for p in after],
        })
        return
    if found.notice and not found.wording_changed:
        click.echo(found.notice, err=True)
    pages = page_ref(doc, passage.page, passage.page_end)  # as the document prints them
    where = f", {pages}" if (doc.get("pages") or 0) > 1 else ""  # flowing text has no pages
    click.echo(f"{doc['title']} ({doc.get('publisher') or 'publisher unknown'}, {doc.get('date') or 'n.d.'}){where}")
    if passage.heading:
        click.echo(f"Section: {passage.heading}")
    click.echo(f"Passage {passage.id} ({passage.kind})")
    if ocr_note(passage):  # read from a page image: say so, and how sure the reading is
        click.echo(ocr_note(passage))
    click.echo("")
    for p in before:
        click.echo(click.style(f"  {p.text}", dim=True))
    if found.wording_changed:
        when = (redirect.created_at or "")[:10]
        click.echo(f"Wording changed since {when}: passage {passage_id} was cited when it read:")
        click.echo(f"< {redirect.old_text}")
        click.echo("It now reads:")
    click.echo(f"> {passage.text}")
    for p in after:
        click.echo(click.style(f"  {p.text}", dim=True))


def _show_orphan(store, redirect, as_json: bool) -> None:
    """An orphaned id: the words it cited, from the version they were in (the
    file of that version is kept in corpus/sources/versions/ when ingest
    replaced it)."""
    from scrutiny.versions import old_page_label, version_at

    version = version_at(store, redirect.doc_id, redirect.created_at)
    label = old_page_label(store, redirect)
    if as_json:
        emit_json({"passage": None, "orphan": redirect.to_dict() | {"old_page_label": label},
                   "version": version.to_dict() if version else None})
        return
    click.echo(f"Passage {redirect.old_id} is no longer in {redirect.doc_id}: a revision "
               f"({redirect.created_at[:10]}) removed its text and nothing in the new version says the same.")
    where = f", page {label}" if label else ""
    if version is not None:
        kept = f", kept as {version.kept_as}" if version.kept_as else " (that file was not kept)"
        click.echo(f"It was in the version ingested {version.ingested_at[:10]} (sha256 {version.sha256[:16]}…"
                   f"{kept}){where}:")
    else:
        click.echo(f"It read, in the earlier version{where}:")
    click.echo(f"< {redirect.old_text}")
