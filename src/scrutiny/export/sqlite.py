"""The SQLite export, made for Datasette.

Not a copy of the working store (whose tables are the pipeline's, with
physical pages and JSON blobs) but the export's own tables
(:data:`scrutiny.export.tables.SCHEMA`): documents, passages, the curated
knowledge base (stakeholders, ties, claims), the tags and cross-references,
with primary and foreign keys (Datasette links a ``doc_id`` to its document),
list columns as JSON arrays, and a full-text index over the passages
(``passages_fts``, FTS5, external content) so that ``_search=`` works on the
passages table.

Beside ``NAME.db`` it writes ``NAME.metadata.json``: Datasette's metadata
with a description of every table and column and the FTS table of the
passages. Open it with::

    datasette NAME.db --metadata NAME.metadata.json

Both files are written atomically with the mode an ordinary new file gets
(0666 less the umask).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

from scrutiny.export.tables import SCHEMA


def metadata_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.metadata.json")


def create_sql() -> list[str]:
    statements = []
    for table, (_, pk, columns) in SCHEMA.items():
        cols = []
        for name, (sqltype, _, fk) in columns.items():
            col = f'"{name}" {"TEXT" if sqltype == "JSON" else sqltype}'
            if name == pk:
                col += " PRIMARY KEY"
            if fk:
                ref_table, _, ref_col = fk.partition("(")
                col += f' REFERENCES "{ref_table}"("{ref_col.rstrip(")")}")'
            cols.append(col)
        statements.append(f'CREATE TABLE "{table}" (\n  ' + ",\n  ".join(cols) + "\n)")
    statements.append('CREATE VIRTUAL TABLE "passages_fts" USING fts5(heading, text, content="passages", '
                      "content_rowid=\"rowid\", tokenize='porter unicode61')")
    for table, (_, _, columns) in SCHEMA.items():
        for name, (_, _, fk) in columns.items():
            if fk:
                statements.append(f'CREATE INDEX "{table}_{name}" ON "{table}"("{name}")')
    return statements


def write_sqlite(rows: dict[str, list[dict]], out, *, title: str = "scrutiny") -> list[Path]:
    """Write the tables to ``out`` (and its metadata.json); returns both paths."""
    from scrutiny.atomic import _file_mode, write_text

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                for sql in create_sql():
                    db.execute(sql)
                # parents before children, so that every foreign key holds as rows go in
                for table in ("documents", "stakeholders", "claims", "passages", *[
                        t for t in SCHEMA if t not in ("documents", "stakeholders", "claims", "passages")]):
                    _insert(db, table, rows.get(table, []))
                db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")  # from its content table
            problems = db.execute("PRAGMA foreign_key_check").fetchall()
            if problems:  # a bug: every reference was given a row
                raise RuntimeError(f"the SQLite export breaks {len(problems)} foreign keys, e.g. {problems[0]}")
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute("VACUUM")
        finally:
            db.close()
        os.chmod(tmp, mode)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    meta = metadata_path(out)
    write_text(meta, json.dumps(datasette_metadata(out.stem, title), ensure_ascii=False, indent=2) + "\n")
    return [out, meta]


def _insert(db, table: str, rows: list[dict]) -> None:
    columns = list(SCHEMA[table][2])
    json_cols = {c for c, (t, _, _) in SCHEMA[table][2].items() if t == "JSON"}
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    db.executemany(sql, [
        [json.dumps(r.get(c), ensure_ascii=False) if c in json_cols and r.get(c) is not None else r.get(c)
         for c in columns] for r in rows])


def datasette_metadata(database: str, title: str) -> dict:
    tables = {}
    for table, (description, _, columns) in SCHEMA.items():
        tables[table] = {"description": description,
                         "columns": {name: desc for name, (_, desc, _) in columns.items()}}
    tables["passages"].update({"fts_table": "passages_fts", "fts_pk": "rowid", "searchmode": "escaped"})
    tables["passages_fts"] = {"hidden": True}
    return {"title": title, "description": "Exported by scrutiny: a corpus of policy documents, its passages, "
                                           "the curated knowledge base, tags and cross-references.",
            "databases": {database: {"tables": tables}}}
