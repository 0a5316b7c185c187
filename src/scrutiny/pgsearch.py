"""The full-text index on PostgreSQL: the search index of a shared store.

What the embedded Whoosh index (:mod:`scrutiny.index`) is to a SQLite store,
this is to a PostgreSQL one, behind the same two calls: :func:`update_index`
(the documents whose fingerprint moved are deleted and written again, the
others left alone) and :func:`search` (the same query language and the same
result dicts as :func:`scrutiny.search.search`).

- **One analyser.** Each passage's text and heading are cut into words by the
  analyser the Whoosh index uses (lower case, English stop words dropped,
  Porter-stemmed English: ``StemmingAnalyzer``), and stored as ``tsvector``
  columns with their positions, under a GIN index. The two engines therefore
  agree on what a word is: a stem here is a stem there.
- **One query language.** A query is parsed by Whoosh's own parser, as the CLI
  parses it, and the parsed tree (And, Or, Not, AndNot, Phrase, Term, Prefix,
  field terms, the filters' numeric ranges) is translated into SQL conditions
  on ``tsquery`` matches (``'waiting' <-> 'time'`` for a phrase, ``'therapi':*``
  for a prefix) and on the plain columns (``kind:table``, ``doc_id``). A query
  this engine cannot answer exactly (fuzzy terms, wildcards inside a word,
  ranges of words) is refused with one clear line, never half answered.
- **Ranking** is PostgreSQL's ``ts_rank`` (headings weighted 1.5, as Whoosh's
  field boost), times the passage kind's rank: the same passages are found as
  with Whoosh, in an order that can differ among close scores.

This module owns the tables ``search_passages`` and ``search_docs``.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrutiny.index import DocumentSource, IndexSummary

MIGRATIONS = [
    """
    CREATE TABLE search_passages (
        passage_id     TEXT PRIMARY KEY,
        doc_id         TEXT NOT NULL,
        doc_label      TEXT NOT NULL,
        paged          BOOLEAN NOT NULL,
        ord            INTEGER NOT NULL,
        kind           TEXT NOT NULL,
        rank           INTEGER NOT NULL,
        layout         TEXT,
        page           INTEGER NOT NULL,
        page_end       INTEGER NOT NULL,
        page_label     TEXT,
        page_end_label TEXT,
        printed        INTEGER,
        heading        TEXT NOT NULL,
        text           TEXT NOT NULL,
        tags           TEXT NOT NULL,
        stakeholders   TEXT NOT NULL,
        tsv_text       TSVECTOR NOT NULL,
        tsv_heading    TSVECTOR NOT NULL
    );
    CREATE INDEX search_passages_doc ON search_passages(doc_id);
    CREATE INDEX search_passages_text ON search_passages USING GIN (tsv_text);
    CREATE INDEX search_passages_heading ON search_passages USING GIN (tsv_heading);
    CREATE TABLE search_docs (
        doc_id      TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL
    );
    """,
]
VERSION_KEY = "search_content_version"
MAX_POS = 16383            # the largest position a tsvector keeps


def ensure_schema(store) -> None:
    store.ensure_schema("search", MIGRATIONS)


def content_version(store) -> int | None:
    """The store content version the full-text index was last brought to (None: never)."""
    if not store.has_table("search_docs"):
        return None
    value = store.get_meta(VERSION_KEY)
    return int(value) if value is not None else None


# --- writing -----------------------------------------------------------------------------

def _analyzer():
    from scrutiny.index import schema

    return schema()["text"].analyzer


def tsvector(text: str, analyzer=None) -> str:
    """``text`` as a tsvector literal of the Whoosh analyser's words and positions."""
    analyzer = analyzer or _analyzer()
    positions: dict[str, list[int]] = {}
    for tok in analyzer(text, positions=True):
        positions.setdefault(tok.text, []).append(min(tok.pos + 1, MAX_POS))
    return " ".join(f"{_lexeme(word)}:{','.join(str(p) for p in sorted(set(pos))[:256])}"
                    for word, pos in sorted(positions.items()))


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def update_index(store, documents: "dict[str, DocumentSource]", content_version: int = 0,
                 rebuild: bool = False) -> "IndexSummary":
    """Bring ``search_passages`` to ``documents`` (call outside a transaction: it
    makes its own). Only the documents whose fingerprint moved are rewritten."""
    from scrutiny.index import IndexSummary, _shown_layout, search_headings
    from scrutiny.pages import label, printed_number
    from scrutiny.passages import KIND_RANK

    t0 = time.perf_counter()
    ensure_schema(store)
    db = store.db
    old = {} if rebuild else dict(db.execute("SELECT doc_id, fingerprint FROM search_docs").fetchall())
    changed = [d for doc_id, d in documents.items() if old.get(doc_id) != d.fingerprint]
    removed = [doc_id for doc_id in old if doc_id not in documents]
    analyzer = _analyzer()
    written = 0
    with store.transaction():
        if rebuild:
            db.execute("DELETE FROM search_passages")
            db.execute("DELETE FROM search_docs")
        for doc_id in [d.doc_id for d in changed if d.doc_id in old] + removed:
            db.execute("DELETE FROM search_passages WHERE doc_id = ?", (doc_id,))
            db.execute("DELETE FROM search_docs WHERE doc_id = ?", (doc_id,))
        for d in changed:
            facets = d.facets()
            rows = []
            passages = list(d.passages())
            headings = search_headings(passages)   # without the document's title, as in the Whoosh index
            for p in passages:
                f = facets.get(p.id)
                labels = d.page_labels
                layout = _shown_layout(p.layout)
                rows.append((p.id, p.doc_id, d.label, d.paged, p.ord, p.kind, round(100 * KIND_RANK.get(p.kind, 1.0)),
                             json.dumps(layout) if layout else None, p.page, p.page_end, label(labels, p.page),
                             label(labels, p.page_end), printed_number(labels, p.page), headings[p.id], p.text,
                             ",".join(f.tags) if f else "", ",".join(f.stakeholders).lower() if f else "",
                             tsvector(p.text, analyzer), tsvector(headings[p.id], analyzer)))
            db.executemany(
                "INSERT INTO search_passages (passage_id, doc_id, doc_label, paged, ord, kind, rank, layout, page, "
                "page_end, page_label, page_end_label, printed, heading, text, tags, stakeholders, tsv_text, "
                "tsv_heading) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?::tsvector,?::tsvector)", rows)
            db.execute("INSERT INTO search_docs (doc_id, fingerprint) VALUES (?, ?) ON CONFLICT (doc_id) DO UPDATE "
                       "SET fingerprint = EXCLUDED.fingerprint", (d.doc_id, d.fingerprint))
            written += len(rows)
        store.set_meta(VERSION_KEY, content_version)
    seconds = time.perf_counter() - t0
    return IndexSummary(passages=written, seconds=seconds, rate=written / seconds if seconds else 0.0,
                        mode="rebuilt" if rebuild or not old else ("updated" if changed or removed else "current"),
                        documents_added=len(changed),
                        documents_deleted=len([d for d in changed if d.doc_id in old]) + len(removed))


# --- the query language --------------------------------------------------------------------

TEXT_FIELDS = {"text": "tsv_text", "heading": "tsv_heading"}
ID_FIELDS = {"doc_id", "kind", "passage_id"}
KEYWORD_FIELDS = {"tags", "stakeholders"}
NUMERIC_FIELDS = {"page", "printed", "rank"}


class Translation:
    """SQL for a parsed Whoosh query: a condition, its parameters, and the
    positive words (for ranking and snippets)."""

    def __init__(self):
        self.params: list = []
        self.words: set[str] = set()
        self.prefixes: set[str] = set()

    def sql(self, q) -> str:
        from whoosh import query as Q

        from scrutiny.errors import ScrutinyError

        if q is Q.NullQuery:
            return "FALSE"
        if isinstance(q, Q.Every):
            return "TRUE"
        if isinstance(q, Q.AndNot):
            return f"({self.sql(q.a)} AND NOT {self._negated(q.b)})"
        if isinstance(q, (Q.AndMaybe,)):
            return self.sql(q.a)
        if isinstance(q, Q.Require):
            return f"({self.sql(q.a)} AND {self.sql(q.b)})"
        if isinstance(q, Q.Not):
            return f"(NOT {self._negated(q.query)})"
        if isinstance(q, Q.And):
            return "(" + " AND ".join(self.sql(s) for s in q.subqueries) + ")" if q.subqueries else "TRUE"
        if isinstance(q, (Q.Or, Q.DisjunctionMax)):
            return "(" + " OR ".join(self.sql(s) for s in q.subqueries) + ")" if q.subqueries else "FALSE"
        if isinstance(q, Q.Phrase):
            words = [w for w in q.words if w]
            if q.fieldname not in TEXT_FIELDS:
                raise ScrutinyError(f"a phrase in the field {q.fieldname!r} cannot be searched")
            if not words:
                return "FALSE"
            self.words.update(words)
            join = " <-> " if q.slop <= 1 else f" <{q.slop}> "
            return self._match(q.fieldname, join.join(_lexeme(w) for w in words))
        if isinstance(q, (Q.FuzzyTerm, Q.Wildcard, Q.Variations, Q.TermRange)) and not isinstance(q, Q.Prefix):
            raise ScrutinyError(f"the query part {q} is not supported on a PostgreSQL store "
                                "(use words, \"phrases\", prefix*, AND, OR, NOT and field:word)")
        if isinstance(q, Q.Prefix):
            text = str(q.text)
            if q.fieldname in TEXT_FIELDS:
                self.prefixes.add(text)
                return self._match(q.fieldname, _lexeme(text) + ":*")
            return self._column_prefix(q.fieldname, text)
        if isinstance(q, Q.Term):
            text = q.text.decode() if isinstance(q.text, bytes) else str(q.text)
            if q.fieldname in TEXT_FIELDS:
                self.words.add(text)
                return self._match(q.fieldname, _lexeme(text))
            if q.fieldname in ID_FIELDS:
                self.params.append(text)
                return f"{q.fieldname} = ?"
            if q.fieldname in KEYWORD_FIELDS:
                self.params.append(text.lower())
                return f"? = ANY(string_to_array({q.fieldname}, ','))"
            if q.fieldname in NUMERIC_FIELDS:
                self.params.append(int(text))
                return f"{q.fieldname} = ?"
            raise ScrutinyError(f"no field {q.fieldname!r} to search (use text, heading, kind, doc_id, tags)")
        if isinstance(q, Q.NumericRange):
            parts = []
            if q.start is not None:
                self.params.append(q.start)
                parts.append(f"{q.fieldname} >{'' if q.startexcl else '='} ?")
            if q.end is not None:
                self.params.append(q.end)
                parts.append(f"{q.fieldname} <{'' if q.endexcl else '='} ?")
            return "(" + " AND ".join(parts) + ")" if parts else f"{q.fieldname} IS NOT NULL"
        raise ScrutinyError(f"the query part {q} ({type(q).__name__}) is not supported on a PostgreSQL store")

    def _negated(self, q) -> str:
        """A condition under NOT: its words do not count for ranking or snippets."""
        words, prefixes = set(self.words), set(self.prefixes)
        out = self.sql(q)
        self.words, self.prefixes = words, prefixes
        return f"coalesce({out}, FALSE)"

    def _match(self, field: str, tsquery: str) -> str:
        self.params.append(tsquery)
        return f"{TEXT_FIELDS[field]} @@ ?::tsquery"

    def _column_prefix(self, field: str, text: str) -> str:
        self.params.append(text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        return f"{field} LIKE ? ESCAPE '\\'"

    def rank_query(self) -> str | None:
        """One tsquery OR-ing every positive word and prefix (for ts_rank)."""
        parts = [_lexeme(w) for w in sorted(self.words)] + [_lexeme(p) + ":*" for p in sorted(self.prefixes)]
        return " | ".join(parts) if parts else None


def _check_filters(db, filters, check_filters) -> None:
    """``check_filters`` (:func:`scrutiny.search.check_filters`) on the PostgreSQL index."""
    def names(sid: str) -> bool:
        return db.execute("SELECT 1 FROM search_passages WHERE ? = ANY(string_to_array(stakeholders, ',')) LIMIT 1",
                          (sid,)).fetchone() is not None

    check_filters(filters, lambda: {r[0] for r in db.execute("SELECT doc_id FROM search_docs")}, names)


def search(url: str, query: str, filters, filter_query, limit: int, formatter, lead, check_filters) -> dict:
    """:func:`scrutiny.search.search` on a PostgreSQL store's full-text index
    (which hands over the filters, their Whoosh query, the snippet formatter,
    the lead of a text shown without a match and the filters' check)."""
    from whoosh import highlight

    from scrutiny.errors import ProjectError
    from scrutiny.index import schema
    from scrutiny.query import NO_WORDS, parse, to_whoosh
    from scrutiny.store import Store

    sch = schema()
    node = parse(query)   # the query language of the CLI and the site; a QueryError says what is wrong
    if node is None:      # only small words: nothing to look for (as on SQLite)
        return {"query": query, "total": 0, "total_exact": True, "hits": [], "note": NO_WORDS}
    q = to_whoosh(node)
    with Store(url, readonly=True) as store:
        if content_version(store) is None:
            raise ProjectError(f"no search index in {store.shown}: run `scrutiny ingest` first")
        db = store.db
        _check_filters(db, filters, check_filters)
        t = Translation()
        where = t.sql(q)
        fq = filter_query
        if fq is not None:
            where = f"({where}) AND {t.sql(fq)}"
        params = list(t.params)
        total = db.execute(f"SELECT count(*) FROM search_passages WHERE {where}", params).fetchone()[0]
        rq = t.rank_query()
        if rq:
            score = ("(ts_rank(tsv_text, ?::tsquery) + ? * ts_rank(tsv_heading, ?::tsquery)) * rank / 100.0")
            from scrutiny.index import HEADING_BOOST   # the Whoosh index's weight of a heading word

            score_params = [rq, HEADING_BOOST, rq]
        else:
            score, score_params = "rank / 100.0", []
        rows = db.execute(
            f"SELECT passage_id, doc_id, doc_label, paged, page, page_end, page_label, page_end_label, kind, heading, "
            f"text, tags, layout, {score} AS score FROM search_passages WHERE {where} "
            f"ORDER BY score DESC, doc_id, ord LIMIT ?", score_params + params + [max(1, limit)]).fetchall()
    analyzer = sch["text"].analyzer
    fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
    hits = []
    for r in rows:
        text = r["text"]
        terms = set(t.words)
        if t.prefixes:
            terms |= {tok.text for tok in analyzer(text) if any(tok.text.startswith(p) for p in t.prefixes)}
        snippet = (highlight.highlight(text, frozenset(terms), analyzer, fragmenter, formatter, top=2)
                   if terms else "") or lead(text)
        layout = json.loads(r["layout"]) if r["layout"] else None
        hits.append({
            "passage_id": r["passage_id"], "doc_id": r["doc_id"], "doc_label": r["doc_label"] or r["doc_id"],
            "paged": bool(r["paged"]), "page": r["page"], "page_end": r["page_end"],
            "page_label": r["page_label"] or str(r["page"]), "page_end_label": r["page_end_label"] or str(r["page_end"]),
            "kind": r["kind"], "heading": r["heading"], "score": round(float(r["score"]), 4), "text": text,
            "snippet": snippet, "tags": [x for x in (r["tags"] or "").split(",") if x],
            **({"ocr": layout["ocr"]} if (layout or {}).get("ocr") else {}),
        })
    return {"query": query, "total": total, "total_exact": True, "hits": hits}   # count(*): exact
