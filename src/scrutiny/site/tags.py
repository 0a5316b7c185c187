"""The tagging stage's output as the site shows it: claim highlights and name links.

Reads through :mod:`scrutiny.tags.queries` (the tagging stage owns its tables).
An untagged store is an explicit state: ``SiteTags.run`` is None, there are no
highlights, and every page says so (``scrutiny.site.stages_pending``).
"""

from __future__ import annotations

import json
from pathlib import Path

from scrutiny.tags import queries
from scrutiny.tags.queries import ClaimSpan, DocumentMentions, MentionSpan, TagRun

NAMED_VERSION = 1   # the record of each document's named stakeholders (SiteTags.named_by_document)
RESOLVED_VERSION = 1   # the record of each document's resolved mentions counted (SiteTags.resolved_mentions)


TOTALS = "site-resolved-totals"   # each stakeholder's mentions and documents naming it often (resolved_totals)


class TotalsStats:
    """The stakeholders whose totals the last build moved (a test counts them)."""
    moved: int = 0


OFTEN = "often"   # the key of a stakeholder's totals when a document names it at least min_mentions times
TOTALS_FORMAT = 2   # of the totals' rows (their key, their value): another one makes them again


def _totals_of(value: str) -> tuple[int, int]:
    mentions, often = json.loads(value)
    return (mentions, often)


def _add(totals: dict, rows, min_mentions: int, sign: int) -> None:
    """Add (sign 1) or take away (-1) a document's counts ``[[stakeholder id, mentions,
    passages], ...]`` to ``totals`` ({stakeholder id: [mentions, documents naming it at
    least min_mentions times]})."""
    for sid, n, _passages in rows:
        t = totals.setdefault(sid, [0, 0])
        totals[sid] = [t[0] + sign * n, t[1] + sign * (n >= min_mentions)]


class SiteTags:
    def __init__(self, store):
        self.store = store
        self.run: TagRun | None = queries.last_run(store) if store is not None else None
        self._keys: tuple | None = None     # (fingerprints, each document's hashed)

    def _fingerprint_keys(self, fingerprints: dict[str, list]) -> dict[str, str]:
        """Each document's fingerprint hashed (the key of its rows in the records kept by
        document), once per build for every record that asks."""
        if self._keys is None or self._keys[0] is not fingerprints:
            import hashlib

            from scrutiny.site.writer import input_key

            def key(fp):
                # (a fingerprint of strings, as the site makes them: hashed without JSON)
                if isinstance(fp, list) and all(isinstance(x, str) for x in fp):
                    return hashlib.sha256("\x00".join(fp).encode()).hexdigest()
                return input_key(fp)

            self._keys = (fingerprints, {d: key(fp) for d, fp in fingerprints.items()})
        return self._keys[1]

    def fingerprints(self) -> dict[str, str]:
        """``{doc id: its tags' fingerprint}`` as one string (``tags.queries.doc_fingerprint_texts``:
        the kept row, not decoded): part of its pages' keys."""
        return queries.doc_fingerprint_texts(self.store) if self.run else {}

    def claims_for(self, doc_id: str) -> dict[str, list[ClaimSpan]]:
        return queries.claim_spans(self.store, doc_id) if self.run else {}

    def mentions_for(self, doc_id: str) -> dict[str, list[MentionSpan]]:
        return queries.mention_spans(self.store, doc_id) if self.run else {}

    def named_by_document(self, fingerprints: dict[str, list] | None = None, cache=None) -> dict[str, set[str]]:
        """``{doc id: the stakeholder ids its mentions resolve to}``.

        With ``fingerprints`` (``SiteContext.fingerprints``: each document's passages
        and tags, its resolved mentions among them) and ``cache`` (a file), a
        document whose fingerprint is the one recorded there keeps its recorded
        names, and only the others' mentions are read: one document added reads
        that document's mentions, not every mention of the corpus."""
        if not self.run:
            return {}
        if fingerprints is None or cache is None:
            return self._named(None)
        from scrutiny.site.doc_cache import per_document

        keys = self._fingerprint_keys(fingerprints)

        def work_out(todo):
            # many documents changed (or no record): one pass over every mention is cheaper
            fresh = self._named(None if len(todo) > max(50, len(keys) // 4) else todo)
            return {d: sorted(fresh[d]) for d in todo if d in fresh}

        return {d: set(names) for d, names in per_document(Path(cache), NAMED_VERSION, keys, work_out).items()
                if names}

    def resolved_mentions(self, fingerprints: dict[str, list] | None = None, cache=None) -> dict[str, list] | None:
        """``{doc id: [[stakeholder id, mentions, passages], ...]}``: every document's
        mentions counted by resolved stakeholder (``tags.queries.resolved_mentions``:
        what the suggested stakeholders are made from); None without ``fingerprints``
        and ``cache`` (the caller reads every mention). With them, as
        :meth:`named_by_document`: a document whose fingerprint is the one recorded
        keeps its recorded counts, and only the others' mentions are read."""
        if not self.run or fingerprints is None or cache is None:
            return None
        from scrutiny.site.doc_cache import per_document

        return per_document(Path(cache), RESOLVED_VERSION, self._fingerprint_keys(fingerprints),
                            self._resolved_work_out(fingerprints))

    def resolved_totals(self, fingerprints: dict[str, list], cache, min_mentions: int) -> dict[str, tuple]:
        """``{stakeholder id: (its mentions in the corpus, the documents naming it at least
        min_mentions times)}`` of the stakeholders some document names that often
        (``tags.queries.suggested_stakeholders``'s ``totals``: the others are not suggested).

        Made from the record of :meth:`resolved_mentions` and kept by stakeholder beside
        it (the record ``site-resolved-totals``, written in the same transaction): a
        build moves the totals of the stakeholders the documents whose rows moved named,
        before or after, by those documents' counts; it decodes neither the other
        documents' rows nor their counts (one short row per stakeholder is read)."""
        from scrutiny.site import records
        from scrutiny.site.doc_cache import per_document

        keys = self._fingerprint_keys(fingerprints)
        version = f"{RESOLVED_VERSION}:{TOTALS_FORMAT}:{min_mentions}"

        def then(values, changed, db, everything, _kept_keys=None):
            if records.version(db, TOTALS) != version or len(changed) >= len(keys):
                # no totals kept, or every document worked out: made from every document's counts
                totals: dict[str, list] = {}
                for rows in everything().values():
                    _add(totals, rows, min_mentions, 1)
                db.execute("DELETE FROM docs WHERE name = ?", (TOTALS,))
                records.set_version(db, TOTALS, version)
                moved = sorted(totals)
            else:
                touched = sorted({r[0] for d, old in changed.items() for r in [*(old or []), *values.get(d, [])]})
                totals = {}
                for i in range(0, len(touched), 500):
                    part = touched[i:i + 500]
                    for sid, value in db.execute(
                            f"SELECT doc_id, value FROM docs WHERE name = ? AND doc_id IN ({','.join('?' * len(part))})",
                            (TOTALS, *part)):
                        totals[sid] = _totals_of(value)
                for d, old in changed.items():
                    _add(totals, old or [], min_mentions, -1)
                    _add(totals, values.get(d, []) if d in keys else [], min_mentions, 1)
                moved = touched
            TotalsStats.moved = len(moved)
            db.executemany("DELETE FROM docs WHERE name = ? AND doc_id = ?",
                           [(TOTALS, sid) for sid in moved if not totals.get(sid, [0])[0]])
            # (the key says whether some document names it often: only those rows are read back)
            db.executemany("INSERT OR REPLACE INTO docs (name, doc_id, key, value) VALUES (?, ?, ?, ?)",
                           [(TOTALS, sid, OFTEN if totals[sid][1] > 0 else "", records.dumps(totals[sid]))
                            for sid in moved if totals.get(sid, [0])[0]])
            return {sid: _totals_of(value) for sid, value in db.execute(
                "SELECT doc_id, value FROM docs WHERE name = ? AND key = ?", (TOTALS, OFTEN))}

        _values, totals = per_document(Path(cache), RESOLVED_VERSION, keys, self._resolved_work_out(fingerprints),
                                       then, lazy=True)
        return totals

    def _resolved_work_out(self, fingerprints):
        keys = self._fingerprint_keys(fingerprints)

        def work_out(todo):
            wanted = set(todo)
            fresh: dict[str, list] = {}
            # many documents changed (or no record): one pass over every mention is cheaper
            for r in queries.resolved_mentions(self.store, None if len(todo) > max(50, len(keys) // 4) else todo):
                if r.doc_id in wanted:
                    fresh.setdefault(r.doc_id, []).append([r.stakeholder_id, r.mentions, r.passages])
            return fresh

        return work_out

    def _named(self, doc_ids) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for r in queries.stakeholder_documents(self.store, doc_ids):
            out.setdefault(r.doc_id, set()).add(r.stakeholder_id)
        return out

    def mention_counts(self, stakeholder: str) -> list[DocumentMentions]:
        return queries.mention_counts(self.store, stakeholder) if self.run else []


def low(claim: ClaimSpan, min_confidence: float) -> bool:
    """A machine tag below the site's threshold (``[site] min_confidence``): not
    underlined unless the reader asks for every tag."""
    return claim.source != "curated" and claim.confidence is not None and claim.confidence < min_confidence


def segments(text: str, claims: list[ClaimSpan], mentions: list[MentionSpan], known_stakeholders,
             min_confidence: float = 0.0) -> list[dict]:
    """Cut ``text`` at every span boundary: [{text, kinds, stakeholder, low}] in order.

    Overlapping claims simply give a segment several kinds; a mention links the
    segment to the stakeholder's page (only stakeholders the site has a page for).
    A segment whose every claim is below ``min_confidence`` is ``low``: shown
    only when the reader asks for all tags. Offsets are into the passage text;
    spans outside it are ignored.
    """
    n = len(text)
    spans = [(c.start, c.end, "claim", c.kind) for c in claims if 0 <= c.start < c.end <= n]
    weak = {(c.start, c.end, c.kind) for c in claims if low(c, min_confidence)}
    about = {}
    for c in claims:
        bits = [b for b in (c.source, f"confidence {c.confidence:.2f}" if c.confidence is not None else None) if b]
        if (c.start, c.end, c.kind) in weak:
            bits.append("below the site's threshold")
        about[(c.start, c.end, c.kind)] = c.kind + (f' ({", ".join(bits)})' if bits else "")
    spans += [(m.start, m.end, "mention", m.stakeholder) for m in mentions
              if 0 <= m.start < m.end <= n and m.stakeholder in known_stakeholders]
    if not spans:
        return [{"text": text, "kinds": (), "stakeholder": None, "title": "", "low": False}]
    cuts = sorted({0, n, *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = sorted((s, e, v) for s, e, t, v in spans if t == "claim" and s <= a and b <= e)
        kinds = tuple(sorted({v for _, _, v in covering}))
        who = sorted(v for s, e, t, v in spans if t == "mention" and s <= a and b <= e)
        title = "; ".join(dict.fromkeys(about[c] for c in covering))
        is_low = bool(covering) and all((s, e, v) in weak for s, e, v in covering)
        seg = {"text": text[a:b], "kinds": kinds, "stakeholder": who[0] if who else None, "title": title, "low": is_low}
        if out and out[-1]["kinds"] == seg["kinds"] and out[-1]["stakeholder"] == seg["stakeholder"] \
                and out[-1]["title"] == seg["title"] and out[-1]["low"] == seg["low"]:
            out[-1]["text"] += seg["text"]
        else:
            out.append(seg)
    return out
