"""Stakeholders -> the documents they are named in, with counts.

From the tagger's mentions (``nlp_mentions``, resolved to stakeholder ids)
when that table exists; otherwise from the knowledge base's names and aliases
matched as whole words in the passages (case-sensitive for acronyms).
"""

from __future__ import annotations

import re
from collections import defaultdict

from scrutiny.passages import Passage


def from_mentions(store) -> list[dict] | None:
    for table in ("nlp_mentions", "mentions"):
        if store.has_table(table):
            cols = {r[1] for r in store.db.execute(f"PRAGMA table_info({table})")}
            sid = "coalesce(m.stakeholder_id, m.curated_id)" if "curated_id" in cols else "m.stakeholder_id"
            if "stakeholder_id" not in cols:
                continue
            rows = store.db.execute(
                f"SELECT {sid} AS sid, p.doc_id, count(*) AS n, count(DISTINCT m.passage_id) AS np "
                f"FROM {table} m JOIN passages p ON p.id = m.passage_id "
                f"WHERE {sid} IS NOT NULL GROUP BY sid, p.doc_id ORDER BY sid, p.doc_id"
            ).fetchall()
            if rows:
                return [{"stakeholder_id": r[0], "doc_id": r[1], "mentions": r[2], "passages": r[3],
                         "source": table} for r in rows]
    return None


def from_names(kb, passages: list[Passage]) -> list[dict]:
    if kb is None:
        return []
    patterns = []
    for st in kb.stakeholders.values():
        names = sorted({n for n in st.names if n and len(n) > 1}, key=len, reverse=True)
        if not names:
            continue
        parts = []
        for n in names:
            body = re.escape(n).replace(r"\ ", r"\s+")
            parts.append(body if n.isupper() else f"(?i:{body})")
        patterns.append((st.id, re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?:'s|\u2019s)?(?!\w)")))
    counts = defaultdict(lambda: [0, 0])
    for p in passages:
        for sid, rx in patterns:
            n = len(rx.findall(p.text))
            if n:
                c = counts[(sid, p.doc_id)]
                c[0] += n
                c[1] += 1
    return [{"stakeholder_id": s, "doc_id": d, "mentions": c[0], "passages": c[1], "source": "names"}
            for (s, d), c in sorted(counts.items())]
