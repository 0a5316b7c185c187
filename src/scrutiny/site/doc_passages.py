"""What the site keeps of each document's passages without their text: the
fingerprint of its passages (part of its pages' input keys) and its parts
(:mod:`scrutiny.site.parts`, which also list its passage ids).

Worked out from the passages' references (``Store.passage_refs``) and kept
between builds by document (:mod:`scrutiny.site.doc_cache`) under the
document's stamp (``Store.passage_stamps``: a new number each time its passages
are written), its page count and its licence, and under the code that splits
documents (this module and :mod:`scrutiny.site.parts`: a change to either makes
every record again): a build reads the references of the documents whose stamp
moved only, not every passage of the corpus. A document's stamp and its record
say the same as the passages themselves, so the fingerprints and parts are those
a build reading every passage would make.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

from scrutiny.site.parts import Part, split

VERSION = 1

_HEX = re.compile(r"[0-9a-f]{64}")


def record_version() -> str:
    """The record's version: :data:`VERSION` and the code that makes a record."""
    from scrutiny.site import parts

    h = hashlib.sha256()
    for f in (Path(__file__), Path(parts.__file__)):
        h.update(f.read_bytes())
    return f"{VERSION}:{h.hexdigest()[:16]}"

# documents to work out: past this, one read of every passage reference costs less
AT_ONCE = 300


def digest(refs) -> str:
    """The fingerprint of one document's passages, from their references in reading order
    (a passage id hashes its text, so ids, pages and kinds stand for the passages)."""
    h = hashlib.sha256()
    for p in refs:
        h.update(f"{p.id}\x00{p.page}\x00{p.page_end}\x00{p.kind}\x01".encode())
    return h.hexdigest()


def paginated(doc: dict | None) -> bool:
    return bool(doc and doc.get("pages") and doc["pages"] > 1)


def withheld(doc: dict | None) -> bool:
    """The licence does not allow the full text (``manifest.may_republish``): the site
    splits the passages it shows, so the record keeps the references themselves."""
    from scrutiny.manifest import may_republish

    return not may_republish(doc or {})


def _record(refs, doc) -> list:
    parts = split(refs, paginated=paginated(doc))
    out = [digest(refs), [[p.number, p.file, p.first_page, p.last_page, p.ids] for p in parts]]
    if withheld(doc):
        out.append([[r.id, r.kind, r.page, r.page_end, r.chars] for r in refs])
    return out


class DocPassages:
    """``{doc id: [digest, parts]}`` of every stored document with passages.

    ``store``: the store; ``docs``: {doc id: the site's document dict} (its page
    count decides whether it is split); ``cache``: the record's file (None: every
    document worked out, nothing kept); ``all_refs``: a callable giving every
    passage reference (read once, when many documents moved)."""

    def __init__(self, store, docs: dict, cache: Path | None, all_refs=None):
        self.store = store
        self.worked_out: list[str] = []     # the documents whose references were read (a test counts them)
        stamps = store.passage_stamps()
        # (its stamp, pages and licence: what its record is made from besides its passages)
        keys = {d: f"{st!r}|{(docs.get(d) or {}).get('pages')!r}|{withheld(docs.get(d)):d}"
                for d, st in stamps.items()}

        def work_out(todo):
            self.worked_out = list(todo)
            if len(todo) > AT_ONCE and all_refs is not None:
                wanted = set(todo)
                refs = [r for r in all_refs() if r.doc_id in wanted]
            else:
                refs = store.passage_refs(todo)
            by_doc: dict[str, list] = defaultdict(list)
            for r in refs:
                by_doc[r.doc_id].append(r)
            return {d: _record(mine, docs.get(d)) for d, mine in by_doc.items()}

        if cache is None:
            self.records = work_out(sorted(keys))
        else:
            from scrutiny.site.doc_cache import per_document

            # (a kept document's value is decoded when its parts, ids or references are asked)
            self.records = per_document(Path(cache), record_version(), keys, work_out,
                                        decode_later=True, skip_empty=True)

    def digests(self) -> dict[str, str]:
        """Every document's passage fingerprint: a kept value's is read from the front of
        its JSON (``["<digest>",...``), without decoding its parts."""
        out = {}
        text = getattr(self.records, "text", None)
        for d in self.records:
            raw = text(d) if text is not None else None
            if raw is not None and raw.startswith('["') and raw[66:68] == '",' and _HEX.fullmatch(raw, 2, 66):
                out[d] = raw[2:66]
            else:
                out[d] = self.records[d][0]
        return out

    def parts(self, doc_id: str) -> list[Part] | None:
        """The document's parts, all its passages included (None: no passages)."""
        v = self.records.get(doc_id)
        if not v:
            return None
        return [Part(n, f, a, b, list(ids)) for n, f, a, b, ids in v[1]]

    def refs(self, doc_id: str) -> list | None:
        """A withheld document's passage references in reading order (None: not kept)."""
        from scrutiny.store import PassageRef

        v = self.records.get(doc_id)
        if not v or len(v) < 3:
            return None
        return [PassageRef(pid, doc_id, n, kind, page, page_end, chars)
                for n, (pid, kind, page, page_end, chars) in enumerate(v[2])]

    def ids(self, doc_id: str) -> list[str]:
        """The document's passage ids in reading order."""
        v = self.records.get(doc_id)
        return [pid for part in v[1] for pid in part[4]] if v else []
