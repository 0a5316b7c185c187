"""A record, kept between site builds, of something the site works out document by
document (the stakeholders each names, its passages' parts, its mentions counted).

Each document's value is kept under a key made from what it was worked out from
(its fingerprint, its rows): a build works out only the documents whose key moved,
so one document added costs that document, not the corpus. The records are rows of
the site's record file (:mod:`.records`, one SQLite file): a build reads the keys
and values and writes only the rows that moved, in one transaction. A missing, torn
or older record is not an error: every document is worked out again."""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Mapping
from typing import Callable


class Stats:
    """What the last calls read and wrote, by record (a test counts them)."""
    written: dict[str, int] = {}
    worked_out: dict[str, int] = {}
    decoded: dict[str, int] = {}     # kept values decoded when asked (Kept), by record


class Kept(Mapping):
    """``{doc id: value}`` whose kept values are decoded when asked (each once): a build
    after one document was added decodes the values of the documents it works on, not
    every document's. A kept value found damaged when asked is worked out again, and
    written. ``text(d)`` gives a kept value as it is kept (JSON), None for one worked out
    in this build; ``empty`` documents (a value of ``[]``) are left out when asked."""

    def __init__(self, values: dict, texts: dict[str, str], repair, skip_empty: bool = False):
        self._values = values
        self._texts = texts
        self._repair = repair
        order = [*texts, *(d for d in values if d not in texts)]
        if skip_empty:
            order = [d for d in order if (d in values and values[d]) or (d not in values and texts[d] != "[]")]
        self._order = order
        self._known = set(order)

    def __getitem__(self, doc_id):
        if doc_id not in self._known:
            raise KeyError(doc_id)
        if doc_id not in self._values:
            value = _value((None, self._texts[doc_id]))
            self._values[doc_id] = value if value is not None else self._repair(doc_id)
            Stats.decoded[self._repair.name] = Stats.decoded.get(self._repair.name, 0) + 1
        return self._values[doc_id]

    def __contains__(self, doc_id):
        return doc_id in self._known

    def __iter__(self):
        return iter(self._order)

    def __len__(self):
        return len(self._order)

    def text(self, doc_id) -> str | None:
        """The kept value's JSON, undecoded (None: worked out in this build, or unknown)."""
        return self._texts.get(doc_id) if doc_id in self._known and doc_id not in self._values else None


class _Repair:
    """Work out again, and write, a kept value found damaged when decoded."""

    def __init__(self, cache: Path, name: str, keys: dict, work_out):
        self.cache, self.name, self.keys, self.work_out = cache, name, keys, work_out

    def __call__(self, doc_id):
        from scrutiny.site import records

        value = self.work_out([doc_id]).get(doc_id, [])
        db = records.connect(self.cache.parent)
        try:
            with records.transaction(db):
                _write(db, self.name, self.keys, {doc_id: value}, [doc_id])
        finally:
            db.close()
        return value


def per_document(cache: Path, version: int | str, keys: dict[str, str],
                 work_out: Callable[[list[str]], dict[str, list]], then=None, lazy: bool = False,
                 decode_later: bool = False, skip_empty: bool = False):
    """``{doc id: its value}`` for every document of ``keys`` ({doc id: key}): the
    recorded value where the record holds the same key, else ``work_out(doc ids)``'s
    (a document it leaves out has ``[]``). Values are JSON lists, as they are kept.

    ``cache`` names the record: its folder holds the record file, its stem is the
    record's name (``.scrutiny/site-named.json``: the record ``site-named``); a JSON
    file of that name, as earlier versions kept, is removed.

    ``then(values, changed, db)``, when given, is called in the transaction that writes
    the record (``changed``: {doc id: its value before, None when it had none} of the
    documents worked out or gone; every document when the record was made again), so
    that what it keeps from the values is written with them or not at all; the call
    then returns ``(values, what then returned)``. With ``lazy``, ``values`` holds the
    documents worked out only, and ``then`` is given two more arguments: a callable
    giving every document's value (the kept ones decoded then, a damaged one worked
    out again and written), and ``{doc id: the key it was kept under}`` of the changed
    documents that had a row (None when the record was made again).

    ``decode_later`` (without ``then``): a :class:`Kept` mapping, whose kept values are
    decoded when asked (``skip_empty``: the documents whose value is ``[]`` left out)."""
    from scrutiny.site import records

    cache = Path(cache)
    name = cache.stem
    version = str(version)
    db = records.connect(cache.parent)
    try:
        # (lazy, with then: the keys alone are read; the values of the documents that moved
        # before they are written, every value only when ``then`` asks for them all)
        keys_only = lazy and then is not None
        if records.version(db, name) != version:
            kept = None
        elif keys_only:
            kept = {d: (k, None) for d, k in db.execute("SELECT doc_id, key FROM docs WHERE name = ?", (name,))}
        else:
            kept = {d: (k, v) for d, k, v in db.execute("SELECT doc_id, key, value FROM docs WHERE name = ?", (name,))}
        out: dict[str, list] = {}
        raw: dict[str, str] = {}     # lazy: the kept values, decoded when asked
        todo = []
        for d, k in keys.items():
            old = kept.get(d) if kept is not None else None
            if old is not None and old[0] == k:
                if (lazy and then is not None) or (decode_later and then is None):
                    raw[d] = old[1]
                    continue
                try:
                    value = json.loads(old[1])
                except ValueError:
                    value = None
                if isinstance(value, list):
                    out[d] = value
                    continue
            todo.append(d)
        if todo:
            fresh = work_out(todo)
            for d in todo:
                out[d] = fresh.get(d, [])
        gone = [d for d in kept if d not in keys] if kept is not None else []
        if keys_only and kept is not None:
            before = _texts(db, name, [d for d in [*todo, *gone] if d in kept])
            kept = {d: (k, before.get(d)) if d in before else (k, None) for d, (k, _v) in kept.items()}
        Stats.worked_out[name] = len(todo)
        Stats.written[name] = len(todo) + len(gone)
        result = None
        if todo or gone or kept is None or then is not None:
            with records.transaction(db):
                if kept is None:
                    db.execute("DELETE FROM docs WHERE name = ?", (name,))
                    records.set_version(db, name, version)
                db.executemany("DELETE FROM docs WHERE name = ? AND doc_id = ?", [(name, d) for d in gone])
                _write(db, name, keys, out, todo)
                if then is not None:
                    changed = {d: _value(kept.get(d) if kept is not None else None) for d in [*todo, *gone]}
                    if not lazy:
                        result = then(out, changed, db)
                    else:
                        def everything():
                            every, bad = dict(out), []
                            texts = _texts(db, name, None) if keys_only else raw
                            for d in raw:
                                r = texts.get(d)
                                v = _value((None, r))
                                if v is None:
                                    bad.append(d)
                                else:
                                    every[d] = v
                            if bad:     # damaged rows: worked out again, and written
                                fresh = work_out(bad)
                                for d in bad:
                                    every[d] = fresh.get(d, [])
                                _write(db, name, keys, every, bad)
                            return every

                        # (the keys the changed documents were kept under; None: the record was made again)
                        old_keys = None if kept is None else {d: kept[d][0] for d in changed if d in kept}
                        result = then(out, changed, db, everything, old_keys)
    finally:
        db.close()
    if cache.suffix == ".json":
        cache.unlink(missing_ok=True)   # the whole-file record of earlier versions
    if decode_later and then is None:
        return Kept(out, raw, _Repair(cache, name, keys, work_out), skip_empty)
    return out if then is None else (out, result)


def _texts(db, name: str, doc_ids) -> dict[str, str]:
    """The kept values (JSON) of the record ``name`` (of ``doc_ids`` only, when given)."""
    if doc_ids is None:
        return dict(db.execute("SELECT doc_id, value FROM docs WHERE name = ?", (name,)).fetchall())
    out: dict[str, str] = {}
    ids = sorted(doc_ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        out.update(db.execute(f"SELECT doc_id, value FROM docs WHERE name = ? AND doc_id IN ({','.join('?' * len(part))})",
                              (name, *part)).fetchall())
    return out


def _write(db, name: str, keys: dict, values: dict, ids) -> None:
    """The rows of the documents ``ids`` of the record ``name``: each one's key and value."""
    from scrutiny.site.records import dumps

    db.executemany("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                   [(name, d, keys[d], dumps(values[d])) for d in ids])


def _value(row) -> list | None:
    """A kept (key, value) row's value, None when there is none or it is damaged."""
    if row is None:
        return None
    try:
        value = json.loads(row[1])
    except ValueError:
        return None
    return value if isinstance(value, list) else None
