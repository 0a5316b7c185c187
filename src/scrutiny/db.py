"""One DB-API face for the store: SQLite (the default, nothing to install) or PostgreSQL.

Each stage keeps its own SQL, written for SQLite; on PostgreSQL this module
translates the few SQLite-isms they use, statement by statement (and caches
each translation):

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING`` and
  ``INSERT OR REPLACE`` an ``ON CONFLICT (<primary key>) DO UPDATE`` of every
  other column (the primary key read from the catalogue);
- ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores the case of ASCII letters);
- the column ``end`` (a reserved word there) is quoted;
- ``json_each(?)`` (a JSON list of values) becomes ``json_array_elements_text``;
- ``rowid`` becomes the row's ``ctid`` (selected as text, compared as ``tid``);
- ``total()`` and ``group_concat()`` are aggregates this module creates.

A connection looks like :class:`sqlite3.Connection` to the stages: ``execute``
and ``executemany`` return a cursor whose rows are read by position or by
column name, ``total_changes`` counts the rows changed, ``commit`` and
``rollback`` end a transaction. psycopg 3 is an optional extra
(``pip install 'scrutiny[postgres]'``), imported only for a ``postgresql://`` store.
"""

from __future__ import annotations

import re
from functools import lru_cache

POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(location) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_PREFIXES)


def shown(location) -> str:
    """A database location without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", str(location))


# --- PostgreSQL ------------------------------------------------------------------------

SETUP = """
CREATE OR REPLACE FUNCTION scrutiny_concat(acc text, val text, sep text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN val IS NULL THEN acc WHEN acc IS NULL THEN val
                                      ELSE acc || sep || val END $$;
CREATE OR REPLACE FUNCTION scrutiny_concat1(acc text, val text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT scrutiny_concat(acc, val, ',') $$;
CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = scrutiny_concat, STYPE = text);
CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = scrutiny_concat1, STYPE = text);
CREATE OR REPLACE AGGREGATE total(double precision) (SFUNC = float8pl, STYPE = float8, INITCOND = '0');
"""

_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I | re.S)
_END = re.compile(r"(?<![\w\"])end(?![\w\"])")
_CASE = re.compile(r"\bCASE\b", re.I)
_JSON_EACH = re.compile(r"json_each\(\?\)", re.I)
_LIKE = re.compile(r"(?<!I)\bLIKE\b")
_SELECT_ROWID = re.compile(r"\bSELECT\s+rowid\b", re.I)
_WHERE_ROWID = re.compile(r"\browid\s*=\s*\?", re.I)
_ROWID = re.compile(r"(?<![\w.])(?<!AS )rowid\b", re.I)
_BEGIN = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\s*$", re.I)


def _placeholders(sql: str) -> str:
    """``?`` -> ``%s`` and ``%`` -> ``%%``, outside quoted strings."""
    out, quote = [], None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PgConnection:
    """A psycopg 3 connection dressed as a sqlite3 one (see the module's docstring)."""

    dialect = "postgresql"

    def __init__(self, url: str, readonly: bool = False):
        import psycopg

        from scrutiny.errors import ProjectError

        try:
            self._conn = psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as exc:
            raise ProjectError(f"cannot connect to the database {shown(url)}: "
                               f"{str(exc).strip().splitlines()[0]}") from None
        self.readonly = readonly
        self.total_changes = 0
        self._keys: dict[str, list[str]] = {}
        self._in_tx = False
        if not readonly:
            with self._conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(4242)")  # one setup at a time
                cur.execute(SETUP)

    # --- translation -------------------------------------------------------------------
    def _primary_key(self, table: str) -> list[str]:
        if table not in self._keys:
            rows = self._conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)", (table,)).fetchall()
            self._keys[table] = [r[0] for r in rows]
        return self._keys[table]

    def translate(self, sql: str) -> str:
        return _translate(self, sql)

    # --- sqlite3.Connection's face ---------------------------------------------------------
    def execute(self, sql: str, params=()):
        cur = self._cursor()
        stripped = sql.strip().upper()
        if _BEGIN.match(sql) or stripped == "BEGIN":
            self._in_tx = True
            # a reader's transaction is one snapshot, as SQLite's is (the site reads the
            # store whole: a write committed meanwhile is seen whole or not at all)
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if self.readonly else "BEGIN")
            return cur
        cur.execute(self.translate(sql), _params(params))
        if cur.rowcount and cur.rowcount > 0 and not stripped.startswith("SELECT"):
            self.total_changes += cur.rowcount
        return cur

    def executemany(self, sql: str, seq):
        cur = self._cursor()
        rows = [_params(p) for p in seq]
        if rows:
            cur.executemany(self.translate(sql), rows)
            if cur.rowcount and cur.rowcount > 0:
                self.total_changes += cur.rowcount
        return cur

    def commit(self):
        if self._in_tx:
            self._conn.execute("COMMIT")
            self._in_tx = False

    def rollback(self):
        if self._in_tx:
            self._conn.execute("ROLLBACK")
            self._in_tx = False

    def close(self):
        self._conn.close()

    def _cursor(self):
        return _Cursor(self._conn.cursor(row_factory=_row_factory))


class _Cursor:
    """A psycopg cursor whose ``fetchone``/``fetchall``/iteration give :class:`Row`."""

    def __init__(self, cur):
        self._cur = cur

    def execute(self, sql, params=()):
        self._cur.execute(sql, params)
        return self

    def executemany(self, sql, rows):
        self._cur.executemany(sql, rows)
        return self

    @property
    def rowcount(self):
        return self._cur.rowcount

    @property
    def description(self):
        return self._cur.description

    def fetchone(self):
        return self._cur.fetchone() if self._cur.description else None

    def fetchall(self):
        return self._cur.fetchall() if self._cur.description else []

    def __iter__(self):
        if not self._cur.description:
            return iter(())
        return iter(self._cur)

    def close(self):
        self._cur.close()


class Row(tuple):
    """A row read by position or by column name, as sqlite3.Row."""

    _names: tuple = ()

    def __new__(cls, values, names):
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self._names)


def _row_factory(cursor):
    names = tuple(c.name for c in cursor.description) if cursor.description else ()

    def make(values):
        return Row(values, names)

    return make


def _params(params):
    if isinstance(params, dict):
        return params
    return tuple(params)


def _translate(conn: PgConnection, sql: str) -> str:
    return _cached_translate(sql, _KeyLookup(conn))


class _KeyLookup:
    """Hashable by nothing but the statement cache: the primary keys of one database."""

    def __init__(self, conn):
        self.conn = conn

    def __hash__(self):
        return 0

    def __eq__(self, other):
        return isinstance(other, _KeyLookup)

    def __call__(self, table):
        return self.conn._primary_key(table)


@lru_cache(maxsize=2048)
def _cached_translate(sql: str, keys) -> str:
    out = sql
    m = _INSERT_OR.match(out)
    conflict = ""
    if m:
        how, table, cols = m.group(1).upper(), m.group(2), [c.strip() for c in m.group(3).split(",")]
        out = out[:m.start()] + f"INSERT INTO {table} ({m.group(3)})" + out[m.end():]
        if how == "IGNORE":
            conflict = " ON CONFLICT DO NOTHING"
        else:
            key = keys(table)
            rest = [c for c in cols if c not in key]
            if key and rest:
                conflict = (f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
                            + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest))
            elif key:
                conflict = " ON CONFLICT DO NOTHING"
    out = _JSON_EACH.sub("json_array_elements_text(?::json) AS je(value)", out)
    out = _SELECT_ROWID.sub("SELECT ctid::text AS rowid", out)
    out = _WHERE_ROWID.sub("ctid = ?::tid", out)
    out = _ROWID.sub("ctid", out)   # ORDER BY rowid: the order rows were written in
    out = _LIKE.sub("ILIKE", out)
    out = out.rstrip().rstrip(";") + conflict
    if not _CASE.search(out):
        out = _END.sub('"end"', out)
    return _placeholders(out)
