"""Read the tagger's output (claims and stakeholder mentions per passage) for the site.

The tagging stage owns its tables; this module only reads them, and only when
they are there (``store.has_table``). It accepts the column names the tagging
stage uses for a passage id, a span and a label, so a renamed column degrades
to "no highlights" rather than a failed build.
"""

from __future__ import annotations

from collections import defaultdict

CLAIM_TABLES = ("claim_tags", "tagged_claims", "claims")
MENTION_TABLES = ("mentions", "stakeholder_mentions")
_PID = ("passage_id", "passage")
_START = ("char_start", "start", "start_char")
_END = ("char_end", "end", "end_char")
_KIND = ("kind", "claim_kind", "label")
_CONF = ("confidence", "score")
_SOURCE = ("source", "method")
_STAKEHOLDER = ("stakeholder_id", "stakeholder", "kb_id", "entity_id")


def _pick(cols, names):
    return next((n for n in names if n in cols), None)


class TagReader:
    def __init__(self, store):
        self.store = store
        self.notes: list[str] = []
        self.claims_sql = self._plan(CLAIM_TABLES, _KIND, extra=(_CONF, _SOURCE))
        self.mentions_sql = self._plan(MENTION_TABLES, _STAKEHOLDER, extra=())
        if store is not None and not self.claims_sql:
            self.notes.append("no tagged claims in the store (run the tagger): passages are not highlighted")

    def _plan(self, tables, label_names, extra):
        if self.store is None:
            return None
        for table in tables:
            if not self.store.has_table(table):
                continue
            cols = {r[1] for r in self.store.db.execute(f"PRAGMA table_info({table})")}
            pid, start, end, label = (_pick(cols, _PID), _pick(cols, _START), _pick(cols, _END),
                                      _pick(cols, label_names))
            if not (pid and start and end and label):
                continue
            more = [_pick(cols, names) for names in extra]
            select = [pid, start, end, label] + [m or "NULL" for m in more]
            where = ""
            if "status" in cols:
                where = " AND coalesce(status, '') != 'rejected'"
            doc_col = "doc_id" if "doc_id" in cols else None
            if doc_col:
                sql = (f"SELECT {', '.join(select)} FROM {table} WHERE doc_id = ?{where} "
                       f"ORDER BY {pid}, {start}, {end}, {label}")
            else:
                sql = (f"SELECT {', '.join(select)} FROM {table} WHERE {pid} IN "
                       f"(SELECT id FROM passages WHERE doc_id = ?){where} ORDER BY {pid}, {start}, {end}, {label}")
            return sql
        return None

    def claims_for(self, doc_id: str) -> dict[str, list[dict]]:
        out = defaultdict(list)
        if self.claims_sql:
            for pid, start, end, kind, conf, source in self.store.db.execute(self.claims_sql, (doc_id,)):
                if kind is None or start is None or end is None:
                    continue
                out[pid].append({"start": int(start), "end": int(end), "kind": str(kind),
                                 "confidence": None if conf is None else round(float(conf), 2),
                                 "source": source})
        return dict(out)

    def mentions_for(self, doc_id: str) -> dict[str, list[dict]]:
        out = defaultdict(list)
        if self.mentions_sql:
            for pid, start, end, stakeholder in self.store.db.execute(self.mentions_sql, (doc_id,)):
                if stakeholder is None or start is None or end is None:
                    continue
                out[pid].append({"start": int(start), "end": int(end), "stakeholder": str(stakeholder)})
        return dict(out)


    def mention_counts(self, stakeholder: str) -> list[dict]:
        """[{doc, label, count}] of the documents naming ``stakeholder``, most first."""
        if not self.mentions_sql or self.store is None:
            return []
        for table in MENTION_TABLES:
            if not self.store.has_table(table):
                continue
            cols = {r[1] for r in self.store.db.execute(f"PRAGMA table_info({table})")}
            pid, label = _pick(cols, _PID), _pick(cols, _STAKEHOLDER)
            if not (pid and label):
                continue
            rows = self.store.db.execute(
                f"SELECT p.doc_id, d.title, coalesce(d.short_title, d.title), count(*) FROM {table} m "
                f"JOIN passages p ON p.id = m.{pid} JOIN documents d ON d.id = p.doc_id "
                f"WHERE m.{label} = ? GROUP BY p.doc_id ORDER BY count(*) DESC, p.doc_id", (stakeholder,))
            return [{"doc": r[0], "label": r[2], "count": r[3]} for r in rows]
        return []


def segments(text: str, claims: list[dict], mentions: list[dict], known_stakeholders) -> list[dict]:
    """Cut ``text`` at every span boundary: [{text, kinds, stakeholder}] in order.

    Overlapping claims simply give a segment several kinds; a mention links the
    segment to the stakeholder's page (only stakeholders the site has a page for).
    Offsets are into the passage text; spans outside it are ignored.
    """
    n = len(text)
    spans = [(c["start"], c["end"], "claim", c["kind"]) for c in claims
             if 0 <= c["start"] < c["end"] <= n]
    spans += [(m["start"], m["end"], "mention", m["stakeholder"]) for m in mentions
              if 0 <= m["start"] < m["end"] <= n and m["stakeholder"] in known_stakeholders]
    if not spans:
        return [{"text": text, "kinds": (), "stakeholder": None}]
    cuts = sorted({0, n, *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        kinds = tuple(sorted({v for s, e, t, v in spans if t == "claim" and s <= a and b <= e}))
        who = sorted(v for s, e, t, v in spans if t == "mention" and s <= a and b <= e)
        seg = {"text": text[a:b], "kinds": kinds, "stakeholder": who[0] if who else None}
        if out and out[-1]["kinds"] == seg["kinds"] and out[-1]["stakeholder"] == seg["stakeholder"]:
            out[-1]["text"] += seg["text"]
        else:
            out.append(seg)
    return out

