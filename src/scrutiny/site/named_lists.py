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
    by_year: dict = field(default_factory=dict, repr=False, compare=False)   # {year: [(doc id, mentions)]}, when made

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
    (the record ``site-named-lists``) and the documents naming it, a row per year
    (``site-named-docs``), written in the transaction that writes the documents' rows
    they are made from. A build makes again the lists of the stakeholders named (before
    or after) by the documents whose rows moved, from their kept heads, the kept rows of
    the years those documents fall in and their rows, and reads the others' keys only;
    a list page rendered again reads its stakeholder's documents of its year."""
    found = ctx.__dict__.get("_named_lists")
    if found is not None:
        return found
    if ctx.cache_file("site-named-in.json") is None or ctx.store is None:
        out = _lists(ctx, named_rows(ctx), None)
    else:
        out = named_rows(ctx, then=lambda rows, changed, db, every, old: _kept_lists(ctx, rows, changed, db, every, old))
        out = out[1] if isinstance(out, tuple) else {}
    ctx._named_lists = out
    return out


LISTS = "site-named-lists"
DOCS = "site-named-docs"
LISTS_FORMAT = 3    # of the two records' rows (_head; the documents, a row per stakeholder and year)


class ListStats:
    """The stakeholders whose lists the last build made again (a test counts them)."""
    made: list[str] = []


class _Damaged(Exception):
    """A kept row that cannot be read, or missing where its stakeholder's head says it is."""


def _version(ctx) -> str:
    from scrutiny.site.writer import input_key

    return input_key(NAMED_IN_VERSION, LISTS_FORMAT, PAGE_SIZE, FIRST, sorted(ctx.stakeholders))


def _row_id(sid: str, year: str | None) -> str:
    """The ``site-named-docs`` row of a stakeholder's documents of one year."""
    return f"{sid}\x1f{year or 'undated'}"


def _kept_lists(ctx, rows, changed, db, everything, old_keys=None) -> dict[str, NamedIn]:
    """The lists, made again for the stakeholders named (before or after) by the
    documents whose rows moved, read from the record for the others.

    A stakeholder's documents are kept a row per year (``site-named-docs``), its head
    (what its pages' keys are made of) in one row (``site-named-lists``): a document
    added reads and writes the rows of the years it (and any document whose row moved)
    falls in, and the head; the other years' pages keep their digests from the head."""
    import json

    from scrutiny.site import records

    version = _version(ctx)
    if records.version(db, LISTS) != version or old_keys is None:
        return _whole(ctx, db, version, everything)
    try:
        kept_heads = {sid: _from_head(json.loads(raw), _Loader(ctx, sid)) for sid, raw in db.execute(
            "SELECT doc_id, value FROM docs WHERE name = ?", (LISTS,)).fetchall()}
    except (ValueError, TypeError):    # a damaged row: every list made again
        return _whole(ctx, db, version, everything)
    affected = {sid for old in changed.values() for sid, _ in (old or [])} | {
        sid for d in changed for sid, _ in rows.get(d, [])}
    affected &= set(ctx.stakeholders)
    out: dict[str, NamedIn] = {}
    writes: dict[str, dict] = {}
    try:
        for sid in sorted(affected):
            ni, writes[sid] = _remade(ctx, db, sid, kept_heads.get(sid), rows, changed, old_keys)
            if ni is not None:
                out[sid] = ni
    except _Damaged:     # every list made again
        return _whole(ctx, db, version, everything)
    ListStats.made = sorted(out)
    for sid in sorted(affected):
        if sid not in out:     # named by no document any more
            _delete(db, sid)
            continue
        db.execute("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                   (LISTS, sid, version, records.dumps(_head(out[sid]))))
        _write_years(db, version, sid, writes[sid])
    for sid, ni in kept_heads.items():
        if sid not in affected and sid in ctx.stakeholders:
            out[sid] = ni
    return dict(sorted(out.items()))


def _whole(ctx, db, version, everything) -> dict[str, NamedIn]:
    """Every list made again (none kept, another version, or a kept row damaged) and written."""
    from scrutiny.site import records

    out = _lists(ctx, everything(), None)
    db.execute("DELETE FROM docs WHERE name IN (?, ?)", (LISTS, DOCS))
    records.set_version(db, LISTS, version)
    ListStats.made = sorted(out)
    for sid, ni in out.items():
        db.execute("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                   (LISTS, sid, version, records.dumps(_head(ni))))
        _write_years(db, version, sid, ni.by_year)
    return dict(sorted(out.items()))


def _write_years(db, version: str, sid: str, by_year: dict) -> None:
    """A stakeholder's rows of the years ``by_year`` ({year: [(doc id, mentions)]}; [] removes the row)."""
    from scrutiny.site import records

    for year, mine in by_year.items():
        if mine:
            db.execute("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                       (DOCS, _row_id(sid, year), version, records.dumps(mine)))
        else:
            db.execute("DELETE FROM docs WHERE name = ? AND doc_id = ?", (DOCS, _row_id(sid, year)))


def _delete(db, sid: str) -> None:
    """A stakeholder's head and every row of its documents."""
    db.execute("DELETE FROM docs WHERE name = ? AND doc_id = ?", (LISTS, sid))
    db.execute("DELETE FROM docs WHERE name = ? AND doc_id >= ? AND doc_id < ?", (DOCS, sid + "\x1f", sid + "\x20"))


def _read_year(db, sid: str, year: str | None) -> list[tuple]:
    """A stakeholder's kept documents of one year, in list order (raises :class:`_Damaged`)."""
    row = db.execute("SELECT value FROM docs WHERE name = ? AND doc_id = ?", (DOCS, _row_id(sid, year))).fetchone()
    kept = _docs_row(row) if row is not None else None
    if not kept:     # (a year the head names has a row of one document or more)
        raise _Damaged(sid, year)
    return [tuple(x) for x in kept]


def _old_year(key: str | None) -> str | None:
    """The year a document was listed under, from the key its row was kept under (which
    ends with its date); a wrong guess is found out (the document is not in that year's
    row) and every year of the list read."""
    if key is None:
        return "?"
    return document_year({"date": key.rsplit("|", 1)[-1]})


def _remade(ctx, db, sid, head: NamedIn | None, rows, changed, old_keys) -> tuple[NamedIn | None, dict]:
    """A stakeholder's list made again from its kept head, the kept rows of the years
    the changed documents fall (or fell) in, and the changed documents' rows; with the
    rows of its years to write ({year: [(doc id, mentions)]})."""
    docs = ctx.docs_by_id
    gone = {d: _old_year(old_keys.get(d)) for d, old in changed.items() if any(s == sid for s, _ in (old or []))}
    added = [(d, n) for d in changed if d in docs for s, n in rows.get(d, []) if s == sid]
    if head is None and gone:    # its documents were kept, its list not
        raise _Damaged(sid)
    counts = {y["year"]: y["documents"] for y in head.years} if head is not None else {}
    small = head is None or head.documents <= FIRST    # a short list: read (and made) whole
    read = set(counts) if small else ({*gone.values(), *(document_year(docs[d]) for d, _ in added)} & set(counts))
    have = {y: _read_year(db, sid, y) for y in read}
    if gone.keys() - {d for r in have.values() for d, _ in r}:
        read = set(counts)     # not in the year its date gave: every year read
        have.update({y: _read_year(db, sid, y) for y in read - set(have)})

    order: dict[str, tuple] = {}

    def order_of(doc_id):
        found = order.get(doc_id)
        if found is None:
            found = order[doc_id] = _order(docs[doc_id], doc_id)
        return found

    new = {y: [x for x in r if x[0] not in changed and x[0] in docs] for y, r in have.items()}
    for d, n in added:
        new.setdefault(document_year(docs[d]), []).append((d, n))
    for mine in new.values():
        mine.sort(key=lambda x: order_of(x[0]))
    moved = {y: mine for y, mine in new.items() if mine != have.get(y, [])}
    for y, mine in new.items():
        if mine:
            counts[y] = len(mine)
        else:
            counts.pop(y, None)
    documents = sum(counts.values())
    if documents == 0:
        return None, moved
    if not small and documents <= FIRST:    # short now: read whole
        have.update({y: _read_year(db, sid, y) for y in set(counts) - set(new)})
        new.update({y: list(have[y]) for y in set(counts) - set(new)})
        small = True
    if small or len(new) == len(counts):
        made = _made(ctx, {sid: [(order_of(d), d, n) for mine in new.values() for d, n in mine]})[sid]
        return made, moved

    ni = NamedIn(documents=documents,
                 mentions=head.mentions + sum(n for mine in new.values() for _, n in mine)
                 - sum(n for r in have.values() for _, n in r))
    kept_newest = [tuple(x) for x in head.newest if x[0] not in changed]
    if len(kept_newest) == len(head.newest):
        # none of the newest moved: every other document is older than they are
        pool = kept_newest + [x for d, n in added for x in [(d, n)]]
    else:    # the newest documents again: the undated and the newest years past FIRST dated ones
        pool, dated = [], 0
        for y in sorted((y for y in counts if y is not None), reverse=True):
            if dated >= FIRST:
                break
            mine = new[y] if y in new else _read_year(db, sid, y)
            pool += mine
            dated += len(mine)
        if None in counts:
            pool += new[None] if None in new else _read_year(db, sid, None)
    ni.newest = sorted(pool, key=lambda x: order_of(x[0]))[-FIRST:]
    entry = _entries(ctx)
    ni.newest_key = _digest(entry, ni.newest)
    pages = [p for p in head.pages if p.year not in new]
    for y, mine in new.items():
        pages += _year_pages(y, mine, entry)
    _finish(ni, counts, pages)
    return ni, moved


def _entries(ctx):
    """Each document's part of a page's digest (its id, label and date), made once."""
    docs = ctx.docs_by_id
    line: dict[str, bytes] = {}

    def entry(doc_id):
        found = line.get(doc_id)
        if found is None:
            d = docs[doc_id]
            found = line[doc_id] = f"{doc_id}\x1e{d['label']}\x1e{d.get('date') or ''}\x1e".encode()
        return found

    return entry


def _digest(entry, docs) -> str:
    h = hashlib.sha256()
    for doc_id, n in docs:
        h.update(entry(doc_id) + str(n).encode() + b"\x1f")
    return h.hexdigest()


def _year_pages(year: str | None, mine: list, entry) -> list[ListPage]:
    """A year's list pages (``mine``: its documents in list order, oldest first)."""
    count = (len(mine) + PAGE_SIZE - 1) // PAGE_SIZE
    out = []
    for k in range(count):
        chunk = mine[k * PAGE_SIZE:(k + 1) * PAGE_SIZE]
        out.append(ListPage(year, k + 1, count, page_file(year, k + 1, count), chunk, _digest(entry, chunk)))
    return out


def _finish(ni: NamedIn, counts: dict, pages: list[ListPage]) -> None:
    """A paged list's years ({year: documents}) and its pages, in order and linked."""
    for year in sorted((y for y in counts if y is not None), reverse=True) + ([None] if None in counts else []):
        count = (counts[year] + PAGE_SIZE - 1) // PAGE_SIZE
        ni.years.append({"year": year, "label": year or "undated", "documents": counts[year],
                         "file": page_file(year, count, count)})
    # each page links the next newer and older ones (across years), not every year:
    # a year that first appears moves the pages beside it, not the whole list
    seq = sorted(pages, key=lambda p: (p.year is None, -int(p.year or 0), -p.number))
    for p in seq:
        p.newer = p.older = None
    for a, b in zip(seq, seq[1:]):
        a.older, b.newer = [b.file, b.title()], [a.file, a.title()]
    ni.pages = seq


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
                   pages=[ListPage(year, number, count, file, _PageDocs(loader, year, number), digest, newer, older)
                          for year, number, count, file, digest, newer, older in pages])


class _Loader:
    """A kept list's documents of a year, read when one of its pages is rendered again."""

    def __init__(self, ctx, sid):
        self.ctx, self.sid, self._years = ctx, sid, {}

    def page(self, year: str | None, number: int) -> list[tuple]:
        if year not in self._years:
            from scrutiny.site import records

            db = records.connect(self.ctx.cache_dir)
            try:
                self._years[year] = _read_year(db, self.sid, year)
            except _Damaged:
                records.set_version(db, LISTS, "damaged")    # the next build makes every list again
                raise ValueError(f"{records.path_in(self.ctx.cache_dir)}: the kept list of the documents naming "
                                 f"{self.sid} ({year or 'undated'}) cannot be read; build again") from None
            finally:
                db.close()
        return self._years[year][(number - 1) * PAGE_SIZE:number * PAGE_SIZE]


class _PageDocs(Sequence):
    """A list page's ``(doc id, mentions)``, read from the record when first used."""

    def __init__(self, loader: _Loader, year: str | None, number: int):
        self._loader, self._year, self._number, self._docs = loader, year, number, None

    def _get(self) -> list:
        if self._docs is None:
            self._docs = self._loader.page(self._year, self._number)
        return self._docs

    def __getitem__(self, i):
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._get())


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
    entry = _entries(ctx)
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
        ni = NamedIn(documents=len(items), mentions=sum(n for *_, n in items), by_year=groups)
        ni.newest = [(doc_id, n) for _, doc_id, n in items[-FIRST:]]
        ni.newest_key = _digest(entry, ni.newest)
        if ni.documents > FIRST:
            _finish(ni, {y: len(mine) for y, mine in groups.items()},
                    [p for y, mine in groups.items() for p in _year_pages(y, mine, entry)])
        else:    # a short list is whole on the stakeholder's page
            for year in sorted((y for y in groups if y is not None), reverse=True) + ([None] if None in groups else []):
                ni.years.append({"year": year, "label": year or "undated", "documents": len(groups[year]),
                                 "file": None})
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
