"""Stakeholders -> the documents they are named in, with counts.

From the tagger's mentions, resolved to stakeholder ids (``scrutiny.tags.queries``),
when the store is tagged; otherwise from the knowledge base's names and aliases
matched as whole words in the passages (case-sensitive for acronyms).
"""

from __future__ import annotations

import re
from collections import defaultdict

from scrutiny.passages import Passage


def from_mentions(store, doc_ids=None) -> list[dict]:
    """Rows of ``xref_stakeholder_docs`` from the tagger's mentions (the store must
    be tagged), of the documents ``doc_ids`` only when given."""
    from scrutiny.tags.queries import stakeholder_documents

    return [{"stakeholder_id": r.stakeholder_id, "doc_id": r.doc_id, "mentions": r.mentions,
             "passages": r.passages, "source": "nlp_mentions"} for r in stakeholder_documents(store, doc_ids)]


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
