"""The documents naming each stakeholder, as the stakeholder pages list them.

A stakeholder's page shows how many documents name it, the most recent few and
the years; the whole list is on pages of its own, one or more per year:

- ``stakeholders/<id>/named-<year>.html``: the newest :data:`PAGE_SIZE` documents of
  that year naming the stakeholder (newest first), the page that grows;
- ``named-<year>-<n>.html``: the year's older pages, numbered from its oldest
  (``-1`` holds its first :data:`PAGE_SIZE` documents by date);
- ``named-undated.html`` (and ``-<n>``): documents without a date.

A document added with a new date lands on its year's newest page; one of an
older date moves only the pages of its own year that follow it. Neither moves
any other year's page, so one document added renders again one list page (or a
few, in a year of more than :data:`PAGE_SIZE` documents) per stakeholder it
names, and each stakeholder's main page. Each list page links the next newer
and older pages (across years) and the stakeholder's page, which links every
year: a year that first appears renders the pages beside it, not the whole list.

Which stakeholders each document names, with their mentions, is kept between
builds in the cache folder (``site-named-in.json``, :mod:`.doc_cache`) under
the key of what the document's cross-references were made from (or, before any
cross-reference, of its tags): a build reads the rows of the documents whose key
moved, not every row of the corpus. The lists and their pages' digests are made
from those values in memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

NAMED_IN_VERSION = 1   # the record of each document's named stakeholders with their mentions
PAGE_SIZE = 100        # documents on one list page
FIRST = 10             # documents the stakeholder's own page lists (the most recent)

_YEAR = re.compile(r"\d{4}")


@dataclass
class ListPage:
    """One page of a stakeholder's list of the documents naming it."""

    year: str | None          # None: documents without a date
    number: int               # 1 = the year's oldest page
    count: int                # pages of that year
    file: str                 # named-<year>.html (the newest), named-<year>-<number>.html
    docs: list[tuple]         # (doc id, mentions), in date order, oldest first
    digest: str               # the documents' ids, labels, dates and mentions, hashed
    newer: list | None = None   # [file, label] of the page before it (newest first), None for the first
    older: list | None = None   # [file, label] of the page after it

    def title(self) -> str:
        return self.label + (f", page {self.number} of {self.count}" if self.count > 1 else "")

    @property
    def label(self) -> str:
        return self.year or "undated"


@dataclass
class NamedIn:
    """The documents naming one stakeholder."""

    documents: int = 0
    mentions: int = 0
    years: list[dict] = field(default_factory=list)    # [{year, label, documents, file}], newest first
    newest: list[tuple] = field(default_factory=list)  # (doc id, mentions) of the FIRST most recent
    pages: list[ListPage] = field(default_factory=list)   # newest first; none when ``newest`` is every document
    newest_key: str = ""                               # the newest documents' entries, hashed

    def pages_docs(self) -> list:
        """Every ``(doc id, mentions)`` of its list pages, in their order (JSON writes
        them as ``[doc id, mentions]``)."""
        return [x for p in self.pages for x in p.docs]

    def summary_key(self) -> list:
        """What the stakeholder's own page shows of the list (part of its key)."""
        return [self.documents, self.mentions, [[y["label"], y["documents"], y["file"]] for y in self.years],
                self.newest_key]



def page_file(year: str | None, number: int, count: int) -> str:
    label = year or "undated"
    return f"named-{label}.html" if number == count else f"named-{label}-{number}.html"


def document_year(doc: dict) -> str | None:
    """A document's year for the lists: the first four characters of its date, when digits."""
    year = str(doc.get("date") or "")[:4]
    return year if _YEAR.fullmatch(year) else None


def named_rows(ctx, then=None):
    """``{doc id: [[stakeholder id, mentions], ...]}`` of every document naming a
    stakeholder the site has a page for: from the cross-references when built (their
    rows of ``xref_stakeholder_docs``), else from the tagger's mentions. Kept by
    document between builds (:mod:`.doc_cache`)."""
    if ctx.store is None:
        return {}
    from scrutiny.site.doc_cache import per_document
    from scrutiny.site.writer import input_key
    from scrutiny.tags import queries as tags
    from scrutiny.xref import queries as xref

    if ctx.xrefs is not None and ctx.xrefs.built:
        states = xref.document_states(ctx.store)
        if states is not None:
            shared, docs = states
            shared = input_key("xref", shared)   # hashed once; each document's part is a hash already
            keys = {d: f"{shared}:{docs.get(d)}" for d in ctx.docs_by_id}
        else:   # a store whose cross-references recorded no state: they as a whole
            keys = {d: input_key("xref", ctx.xref_key, ctx.fingerprints.get(d)) for d in ctx.docs_by_id}

        def read(doc_ids):
            return [(r.stakeholder_id, r.doc_id, r.mentions)
                    for r in xref.stakeholder_documents(ctx.store, doc_ids=_or_all(doc_ids, keys))]
    elif ctx.tags is not None and ctx.tags.run is not None:
        keys = {d: input_key("tags", ctx.fingerprints.get(d)) for d in ctx.docs_by_id}

        def read(doc_ids):
            return [(r.stakeholder_id, r.doc_id, r.mentions)
                    for r in tags.stakeholder_documents(ctx.store, _or_all(doc_ids, keys))]
    else:
        return {}

    def work_out(todo):
        fresh: dict[str, list] = {}
        for sid, doc_id, n in sorted(read(todo)):
            fresh.setdefault(doc_id, []).append([sid, n])
        return fresh

    cache = ctx.cache_file("site-named-in.json")
    if cache is None or then is None:
        if cache is None:
            return {d: v for d, v in work_out(list(keys)).items() if d in keys}
        return {d: v for d, v in per_document(cache, NAMED_IN_VERSION, keys, work_out).items() if v}
    # (a document's label and date are on the list pages: a change moves the lists naming it)
    docs = ctx.docs_by_id
    keys = {d: f"{k}|{docs[d].get('label')}|{docs[d].get('date') or ''}" for d, k in keys.items()}
    values, result = per_document(cache, NAMED_IN_VERSION, keys, work_out, then, lazy=True)
    return {d: v for d, v in values.items() if v}, result


def _or_all(doc_ids, keys):
    """Many documents to read (or no record): one pass over every row is cheaper."""
    return None if len(doc_ids) > max(50, len(keys) // 4) else doc_ids


def named_in(ctx) -> dict[str, NamedIn]:
    """``{stakeholder id: NamedIn}`` for the stakeholders the site has a page for
    (read once per build).

    Kept by stakeholder in the site's record file: what its pages' keys are made of
    (the record ``site-named-lists``) and the documents naming it (``site-named-docs``),
    written in the transaction that writes the documents' rows they are made from. A
    build makes again the lists of the stakeholders named (before or after) by the
    documents whose rows moved, from their kept documents and those rows, and reads the
    others' keys only; a list page rendered again reads its stakeholder's documents."""
    found = ctx.__dict__.get("_named_lists")
    if found is not None:
        return found
    if ctx.cache_file("site-named-in.json") is None or ctx.store is None:
        out = _lists(ctx, named_rows(ctx), None)
    else:
        out = named_rows(ctx, then=lambda rows, changed, db, every: _kept_lists(ctx, rows, changed, db, every))
        out = out[1] if isinstance(out, tuple) else {}
    ctx._named_lists = out
    return out


LISTS = "site-named-lists"
DOCS = "site-named-docs"
LISTS_FORMAT = 2    # of the two records' rows (_head, the documents)


class ListStats:
    """The stakeholders whose lists the last build made again (a test counts them)."""
    made: list[str] = []


def _version(ctx) -> str:
    from scrutiny.site.writer import input_key

    return input_key(NAMED_IN_VERSION, LISTS_FORMAT, PAGE_SIZE, FIRST, sorted(ctx.stakeholders))


def _kept_lists(ctx, rows, changed, db, everything) -> dict[str, NamedIn]:
    import json

    from scrutiny.site import records

    version = _version(ctx)
    whole = records.version(db, LISTS) != version
    kept_heads = {}
    if not whole:
        try:
            kept_heads = {sid: _from_head(json.loads(raw), _Loader(ctx, sid)) for sid, raw in db.execute(
                "SELECT doc_id, value FROM docs WHERE name = ?", (LISTS,)).fetchall()}
        except (ValueError, TypeError):    # a damaged row: every list made again
            whole = True
    if whole:
        out = _lists(ctx, everything(), None)
        db.execute("DELETE FROM docs WHERE name IN (?, ?)", (LISTS, DOCS))
        records.set_version(db, LISTS, version)
    else:
        affected = {sid for old in changed.values() for sid, _ in (old or [])} | {
            sid for d in changed for sid, _ in rows.get(d, [])}
        affected &= set(ctx.stakeholders)
        items: dict[str, list] = {}
        for sid in sorted(affected):
            row = db.execute("SELECT value FROM docs WHERE name = ? AND doc_id = ?", (DOCS, sid)).fetchone()
            kept = _docs_row(row)
            if kept is None:     # a damaged row: every list made again
                return _kept_lists_whole(ctx, db, version, everything)
            mine = [x for x in kept if x[0] not in changed]
            mine += [(d, n) for d in changed for s_, n in rows.get(d, []) if s_ == sid]
            items[sid] = mine
        out = _make(ctx, items)
        for sid in affected - set(out):     # named by no document any more
            db.execute("DELETE FROM docs WHERE name IN (?, ?) AND doc_id = ?", (LISTS, DOCS, sid))
    ListStats.made = sorted(out)
    for sid, ni in out.items():
        db.execute("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                   (LISTS, sid, version, records.dumps(_head(ni))))
        every = ni.pages_docs() if ni.pages else ni.newest
        db.execute("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                   (DOCS, sid, version, records.dumps(every)))
    if not whole:
        for sid, ni in kept_heads.items():
            if sid not in out and sid in ctx.stakeholders and sid not in affected:
                out[sid] = ni
    return dict(sorted(out.items()))


def _kept_lists_whole(ctx, db, version, everything) -> dict[str, NamedIn]:
    """Every list made again (the kept ones could not be read) and written."""
    from scrutiny.site import records

    records.set_version(db, LISTS, "again")
    return _kept_lists(ctx, {}, {}, db, everything)


def _docs_row(row) -> list | None:
    """A stakeholder's kept ``[[doc id, mentions], ...]`` ([] when none is kept, None when damaged)."""
    import json

    if row is None:
        return []
    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    # (a row this code wrote is a list of [id, count] pairs; anything else is a damaged row)
    if not isinstance(value, list) or (value and not all(
            isinstance(x, list) and len(x) == 2 and type(x[0]) is str and type(x[1]) is int
            for x in (value[0], value[-1]))):
        return None
    return value


def _head(ni: NamedIn) -> list:
    """What the pages' keys are made of (not the documents of each list page)."""
    return [ni.documents, ni.mentions, ni.years, [list(x) for x in ni.newest], ni.newest_key,
            [[p.year, p.number, p.count, p.file, p.digest, p.newer, p.older] for p in ni.pages]]


def _from_head(v: list, loader) -> NamedIn:
    documents, mentions, years, newest, newest_key, pages = v
    return NamedIn(documents=documents, mentions=mentions, years=years, newest=[tuple(x) for x in newest],
                   newest_key=newest_key,
                   pages=[ListPage(year, number, count, file, _PageDocs(loader, file), digest, newer, older)
                          for year, number, count, file, digest, newer, older in pages])


class _Loader:
    """A kept list's documents, read when one of its pages is rendered again."""

    def __init__(self, ctx, sid):
        self.ctx, self.sid, self._pages = ctx, sid, None

    def page(self, file: str) -> list[tuple]:
        if self._pages is None:
            import json

            from scrutiny.site import records

            db = records.connect(self.ctx.cache_dir)
            try:
                row = db.execute("SELECT value FROM docs WHERE name = ? AND doc_id = ?", (DOCS, self.sid)).fetchone()
            finally:
                db.close()
            made = _make(self.ctx, {self.sid: [tuple(x) for x in json.loads(row[0])] if row else []})
            ni = made.get(self.sid) or NamedIn()
            self._pages = {p.file: p.docs for p in ni.pages}
        return self._pages.get(file, [])


class _PageDocs(Sequence):
    """A list page's ``(doc id, mentions)``, read from the record when first used."""

    def __init__(self, loader: _Loader, file: str):
        self._loader, self._file, self._docs = loader, file, None

    def _get(self) -> list:
        if self._docs is None:
            self._docs = self._loader.page(self._file)
        return self._docs

    def __getitem__(self, i):
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._get())


def _make(ctx, items: dict[str, list]) -> dict[str, NamedIn]:
    """The lists of the stakeholders of ``items`` ({stakeholder id: [(doc id, mentions)]})."""
    known, docs = ctx.stakeholders, ctx.docs_by_id
    order: dict[str, tuple] = {}

    def order_of(doc_id):
        found = order.get(doc_id)
        if found is None:
            found = order[doc_id] = _order(docs[doc_id], doc_id)
        return found

    by_sid = {sid: [(order_of(d), d, n) for d, n in mine if d in docs] for sid, mine in items.items() if sid in known}
    return _made(ctx, {sid: rows for sid, rows in by_sid.items() if rows})   # (named by none: no list)


def _lists(ctx, rows, only) -> dict[str, NamedIn]:
    """The lists of the stakeholders of ``only`` (None: of every one) from ``rows``."""
    known = ctx.stakeholders
    by_sid: dict[str, list] = {}
    docs = ctx.docs_by_id
    for doc_id, named in rows.items():
        d = docs.get(doc_id)
        if d is None:
            continue
        order = None
        for sid, n in named:
            if sid in known and (only is None or sid in only):
                if order is None:
                    order = _order(d, doc_id)
                by_sid.setdefault(sid, []).append((order, doc_id, n))
    return _made(ctx, by_sid)


def _order(doc: dict, doc_id: str) -> tuple:
    """Where a document stands in a list: by date (the undated first), then id."""
    return (str(doc.get("date") or ""), doc_id)


def _made(ctx, by_sid: dict[str, list]) -> dict[str, NamedIn]:
    """Each stakeholder's list from its ``[((date, doc id), doc id, mentions)]``."""
    docs = ctx.docs_by_id
    out: dict[str, NamedIn] = {}
    line: dict[str, bytes] = {}    # each document's part of a page's digest, made once

    def entry(doc_id):
        found = line.get(doc_id)
        if found is None:
            d = docs[doc_id]
            found = line[doc_id] = f"{doc_id}\x1e{d['label']}\x1e{d.get('date') or ''}\x1e".encode()
        return found

    years: dict[str, str | None] = {}    # each document's year, found once for every list

    def year_of(doc_id):
        if doc_id not in years:
            years[doc_id] = document_year(docs[doc_id])
        return years[doc_id]

    for sid, items in sorted(by_sid.items()):
        items.sort()
        groups: dict[str | None, list] = {}
        for _, doc_id, n in items:
            groups.setdefault(year_of(doc_id), []).append((doc_id, n))
        ni = NamedIn(documents=len(items), mentions=sum(n for *_, n in items))
        ni.newest = [(doc_id, n) for _, doc_id, n in items[-FIRST:]]
        h = hashlib.sha256()
        for doc_id, n in ni.newest:
            h.update(entry(doc_id) + str(n).encode() + b"\x1f")
        ni.newest_key = h.hexdigest()
        paged = ni.documents > FIRST    # a short list is whole on the stakeholder's page
        # newest first; undated documents last
        for year in sorted((y for y in groups if y is not None), reverse=True) + ([None] if None in groups else []):
            mine = groups[year]
            count = (len(mine) + PAGE_SIZE - 1) // PAGE_SIZE
            for k in range(count if paged else 0):
                chunk = mine[k * PAGE_SIZE:(k + 1) * PAGE_SIZE]
                h = hashlib.sha256()
                for doc_id, n in chunk:
                    h.update(entry(doc_id) + str(n).encode() + b"\x1f")
                ni.pages.append(ListPage(year, k + 1, count, page_file(year, k + 1, count), chunk, h.hexdigest()))
            ni.years.append({"year": year, "label": year or "undated", "documents": len(mine),
                             "file": page_file(year, count, count) if paged else None})
        # each page links the next newer and older ones (across years), not every year:
        # a year that first appears moves the pages beside it, not the whole list
        seq = sorted(ni.pages, key=lambda p: (p.year is None, -int(p.year or 0), -p.number))
        for a, b in zip(seq, seq[1:]):
            a.older, b.newer = [b.file, b.title()], [a.file, a.title()]
        ni.pages = seq
        out[sid] = ni
    return out


def shown(ctx, docs: list[tuple]) -> list[dict]:
    """``(doc id, mentions)`` as a page lists them: newest first (by date, then id)."""
    out = []
    for doc_id, n in docs:
        d = ctx.docs_by_id[doc_id]
        out.append({"doc": doc_id, "label": d["label"], "date": d.get("date") or "", "count": n})
    out.sort(key=lambda x: x["doc"])
    out.sort(key=lambda x: x["date"], reverse=True)
    return out
