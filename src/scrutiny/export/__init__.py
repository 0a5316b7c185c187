"""Exports for other tools: JSON, CSV, GraphML, W3C Web Annotation, CSL-JSON, SQLite.

    >>> export(project, "graphml", "stakeholders.graphml")

Each format is read back by its own consumer in the tests: json, csv,
networkx and igraph (GraphML), the W3C web-annotation-tests JSON schemas
and pyld (W3C), the CSL data schema and citeproc-py (CSL-JSON), Datasette
over HTTP (SQLite).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from scrutiny.errors import ScrutinyError

FORMATS = ("json", "csv", "graphml", "w3c", "csl-json", "sqlite")
BINARY = ("sqlite",)


class ExportError(ScrutinyError):
    pass


def csl_items(data) -> list[dict]:
    """The corpus documents and the kb bibliography as CSL-JSON items."""
    from scrutiny.cite import csl_only
    from scrutiny.cite.csl import csl_item

    items = [csl_only(csl_item(d)) for d in data.documents]
    seen = {i["id"] for i in items}
    for sid, src in sorted((data.kb.sources if data.kb else {}).items()):
        if sid not in seen:
            item = {k: v for k, v in src.items() if v not in (None, "")}
            item["id"] = sid
            items.append(item)
    return items


def render(fmt: str, data, *, base_url: str = "", table: str | None = None, full_text: bool = False) -> str:
    """A text export (everything but sqlite and csv of all tables)."""
    if fmt == "json":
        from scrutiny.export.tables import tables

        rows = tables(data, base_url, full_text=full_text)
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "w3c":
        raise ExportError("the w3c export reads the built site: call scrutiny.export.export")
    if fmt == "csl-json":
        return json.dumps(csl_items(data), ensure_ascii=False, indent=2) + "\n"
    if fmt == "graphml":
        from scrutiny.export.graph import graphml, stakeholder_graph

        return '<?xml version="1.0" encoding="utf-8"?>\n' + graphml(stakeholder_graph(data, base_url))
    if fmt == "csv":
        from scrutiny.export.tables import tables

        all_tables = tables(data, base_url, full_text=full_text)
        name = table or "passages"
        if name not in all_tables:
            raise ExportError(f"no table {name!r} to export: choose one of {', '.join(all_tables)}")
        return to_csv(all_tables[name])
    raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")


def to_csv(rows: list[dict]) -> str:
    from scrutiny.export.tables import flat

    rows = [{k: flat(v) for k, v in r.items()} for r in rows]
    buf = io.StringIO()
    fields = list(rows[0]) if rows else []
    for r in rows:
        for k in r:
            if k not in fields:
                fields.append(k)
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def export(project, fmt: str, out=None, *, table: str | None = None, base_url: str | None = None,
           full_text: bool = False):
    """Write one export. Returns the text when ``out`` is None (text formats only),
    else the list of paths written. ``csv`` with ``table='all'`` writes one file
    per table into the folder ``out``.

    Documents whose licence does not allow republishing keep their text out of
    the export, as out of the site, unless ``full_text`` (for private use). The
    w3c export reads the built site, which already leaves it out."""
    from scrutiny.atomic import write_text
    from scrutiny.export.data import collect
    from scrutiny.store import Store

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    from scrutiny.store import store_exists, store_shown

    if not store_exists(project):
        raise ExportError(f"no store at {store_shown(project)}: run `scrutiny ingest` first")
    if fmt == "sqlite" and out is None:
        raise ExportError("the sqlite export needs --out PATH (a .db file)")
    base = project.base_url if base_url is None else base_url
    with Store(project.store_location, readonly=True) as store:
        data = collect(project, store)
    if fmt == "sqlite":
        from scrutiny.export.sqlite import write_sqlite
        from scrutiny.export.tables import tables

        return write_sqlite(tables(data, base, full_text=full_text), out, title=project_name(project))
    if fmt == "w3c":
        from scrutiny.export.w3c import collection

        text = json.dumps(collection(project, data, base), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            return text
        write_text(Path(out), text)
        return [Path(out)]
    if fmt == "csv" and table == "all":
        if out is None:
            raise ExportError("`--table all` writes one CSV per table: give a folder with --out DIR")
        from scrutiny.export.tables import tables

        written = []
        for name, rows in tables(data, base, full_text=full_text).items():
            path = Path(out) / f"{name}.csv"
            write_text(path, to_csv(rows))
            written.append(path)
        return written
    text = render(fmt, data, base_url=base, table=table, full_text=full_text)
    if out is None:
        return text
    write_text(Path(out), text)
    return [Path(out)]


def withheld_documents(project) -> list[str]:
    """The ids of the stored documents whose licence does not allow republishing
    (their text stays out of the exports unless ``full_text``)."""
    from scrutiny.manifest import may_republish, read_manifest
    from scrutiny.metadata import merged
    from scrutiny.store import Store, store_exists

    if not store_exists(project):
        return []
    entries = read_manifest(project.manifest_path).documents
    with Store(project.store_location, readonly=True) as store:
        docs = store.documents()
    out = []
    for d in docs:
        entry = entries.get(d["id"])
        if not may_republish(merged(entry.to_dict() if entry else None, d)):
            out.append(d["id"])
    return out


def project_name(project) -> str:
    from scrutiny.manifest import read_manifest

    return read_manifest(project.manifest_path).project.get("name") or Path(project.root).name
