"""Read the tagger's output (``scrutiny.tagging``: claims and stakeholder
mentions per passage) for the site.

The tagging stage owns its tables (``nlp_claims``, ``nlp_mentions``); this
module only reads them, and only when they are there (``store.has_table``):
an untagged store means no highlights, never a failed build.
"""

from __future__ import annotations

import json
from collections import defaultdict

from scrutiny.site.guard import guarded


class TagReader:
    def __init__(self, store):
        self.store = store
        self.notes: list[str] = []
        self.has_claims = bool(store is not None and store.has_table("nlp_claims"))
        self.has_mentions = bool(store is not None and store.has_table("nlp_mentions"))
        if store is not None and not self.has_claims:
            self.notes.append("no tagged claims in the store (run the tagger): passages are not highlighted")

    @guarded(dict)
    def claims_for(self, doc_id: str) -> dict[str, list[dict]]:
        """{passage id: [{start, end, kind, confidence, source}]} (one entry per kind of a span)."""
        out = defaultdict(list)
        if not self.has_claims:
            return {}
        rows = self.store.db.execute(
            "SELECT passage_id, start, end, kinds, details, confidence, source FROM nlp_claims "
            "WHERE doc_id = ? ORDER BY passage_id, start, end", (doc_id,))
        for pid, start, end, kinds, details, conf, source in rows:
            try:
                kinds = json.loads(kinds or "[]")
                details = json.loads(details or "{}")
            except ValueError:
                continue
            for kind in sorted(kinds):
                d = details.get(kind) or {}
                c = d.get("confidence", conf)
                out[pid].append({"start": int(start), "end": int(end), "kind": str(kind),
                                 "confidence": None if c is None else round(float(c), 2),
                                 "source": d.get("source", source)})
        return dict(out)

    @guarded(dict)
    def mentions_for(self, doc_id: str) -> dict[str, list[dict]]:
        """{passage id: [{start, end, stakeholder}]} for mentions resolved to a stakeholder."""
        out = defaultdict(list)
        if not self.has_mentions:
            return {}
        rows = self.store.db.execute(
            "SELECT m.passage_id, m.start, m.end, coalesce(m.curated_id, m.stakeholder_id) FROM nlp_mentions m "
            "JOIN passages p ON p.id = m.passage_id WHERE p.doc_id = ? "
            "AND coalesce(m.curated_id, m.stakeholder_id) IS NOT NULL ORDER BY m.passage_id, m.start, m.end",
            (doc_id,))
        for pid, start, end, sid in rows:
            out[pid].append({"start": int(start), "end": int(end), "stakeholder": str(sid)})
        return dict(out)

    @guarded(list)
    def mention_counts(self, stakeholder: str) -> list[dict]:
        """[{doc, label, count}] of the documents naming ``stakeholder``, most first."""
        if not self.has_mentions:
            return []
        rows = self.store.db.execute(
            "SELECT p.doc_id, coalesce(d.short_title, d.title), count(*) FROM nlp_mentions m "
            "JOIN passages p ON p.id = m.passage_id JOIN documents d ON d.id = p.doc_id "
            "WHERE coalesce(m.curated_id, m.stakeholder_id) = ? GROUP BY p.doc_id "
            "ORDER BY count(*) DESC, p.doc_id", (stakeholder,))
        return [{"doc": r[0], "label": r[1], "count": r[2]} for r in rows]


def segments(text: str, claims: list[dict], mentions: list[dict], known_stakeholders) -> list[dict]:
    """Cut ``text`` at every span boundary: [{text, kinds, stakeholder}] in order.

    Overlapping claims simply give a segment several kinds; a mention links the
    segment to the stakeholder's page (only stakeholders the site has a page for).
    Offsets are into the passage text; spans outside it are ignored.
    """
    n = len(text)
    spans = [(c["start"], c["end"], "claim", c["kind"]) for c in claims
             if 0 <= c["start"] < c["end"] <= n]
    about = {}
    for c in claims:
        bits = [b for b in (c.get("source"), f'confidence {c["confidence"]:.2f}' if c.get("confidence") is not None else None) if b]
        about[(c["start"], c["end"], c["kind"])] = c["kind"] + (f' ({", ".join(bits)})' if bits else "")
    spans += [(m["start"], m["end"], "mention", m["stakeholder"]) for m in mentions
              if 0 <= m["start"] < m["end"] <= n and m["stakeholder"] in known_stakeholders]
    if not spans:
        return [{"text": text, "kinds": (), "stakeholder": None, "title": ""}]
    cuts = sorted({0, n, *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = sorted((s, e, v) for s, e, t, v in spans if t == "claim" and s <= a and b <= e)
        kinds = tuple(sorted({v for _, _, v in covering}))
        who = sorted(v for s, e, t, v in spans if t == "mention" and s <= a and b <= e)
        title = "; ".join(dict.fromkeys(about[c] for c in covering))
        seg = {"text": text[a:b], "kinds": kinds, "stakeholder": who[0] if who else None, "title": title}
        if out and out[-1]["kinds"] == seg["kinds"] and out[-1]["stakeholder"] == seg["stakeholder"] \
                and out[-1]["title"] == seg["title"]:
            out[-1]["text"] += seg["text"]
        else:
            out.append(seg)
    return out
