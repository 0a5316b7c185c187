"""The rows of the cross-reference tables, and the cache of each passage's figures
(``xref_figures``, indexed by value in ``xref_figure_values``): what the whole
build (:mod:`.build`) and the incremental one (:mod:`.update`) share."""

from __future__ import annotations

LINK_COLS = ("source_kind", "source_id", "essay_id", "target_kind", "target_id", "method", "score",
             "file", "line", "source_doc", "target_doc")
CLAIM_COLS = ("group_id", "claim_id", "passage_id", "doc_id", "origin", "kind", "value", "surface", "score")
SH_COLS = ("stakeholder_id", "doc_id", "mentions", "passages", "source")


def summary_counts(links, claims, stakeholders) -> dict:
    return dict(
        markup=sum(1 for r in links if r["method"] == "markup"),
        suggested=sum(1 for r in links if r["method"] == "tfidf"),
        claim_passages=sum(1 for r in claims if r["claim_id"]),
        figure_groups=len({r["group_id"] for r in claims if not r["claim_id"]}),
        stakeholder_docs=len(stakeholders),
    )


def with_documents(store, links) -> None:
    """Set each link's ``source_doc`` and ``target_doc`` (the documents of its passages)."""
    ids = {r[f"{end}_id"] for r in links for end in ("source", "target") if r[f"{end}_kind"] == "passage"}
    doc_of = {pid: p.doc_id for pid, p in store.passages_by_id(ids).items()} if ids else {}
    for r in links:
        r["source_doc"] = doc_of.get(r["source_id"]) if r["source_kind"] == "passage" else None
        r["target_doc"] = doc_of.get(r["target_id"]) if r["target_kind"] == "passage" else None


def encode_figures(found) -> str:
    import json

    return json.dumps([[q.value, q.kind, q.currency, q.start, q.end, q.text, sorted(w)] for q, w in found],
                      ensure_ascii=False)


def decode_figures(raw: str) -> list:
    import json

    from scrutiny.xref.numbers import Quantity

    return [(Quantity(value=v, kind=k, currency=c, start=a, end=b, text=t), set(w))
            for v, k, c, a, b, t, w in json.loads(raw)]


def value_rows(p, found) -> list[tuple]:
    """Rows of ``xref_figure_values`` for the figures ``found`` in passage ``p``."""
    from scrutiny.xref.claims import group_key

    from scrutiny.xref.figure_sets import words_key

    out = []
    for q, w in found:
        kind, value = group_key(q)
        out.append((q.kind, q.value, f"{kind}:{value:g}", p.id, p.doc_id, words_key(w), p.ord, q.start, q.text))
    return out


# the columns of value_rows
VALUE_INSERT = ("INSERT INTO xref_figure_values (kind, value, gkey, passage_id, doc_id, words, ord, start, surface) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def refresh_figures(store) -> int:
    """Bring ``xref_figures`` up to date with the store's passages, a document at a time
    (the passages not there yet, new or changed text: a new id, are read and added; the rows
    of passages that are gone are deleted), and write the index of the figures by value
    (``xref_figure_values``) again. Returns the most passages held at once (one document's)."""
    from scrutiny.xref.claims import passage_figures

    db = store.db
    docs = store.document_ids()
    held = 0
    with store.transaction():
        gone = sorted({r[0] for r in db.execute("SELECT DISTINCT doc_id FROM xref_figures WHERE doc_id IS NOT NULL")}
                      - set(docs))
        for i in range(0, len(gone), 500):
            part = gone[i:i + 500]
            db.execute(f"DELETE FROM xref_figures WHERE doc_id IN ({', '.join('?' * len(part))})", tuple(part))
        db.execute("DELETE FROM xref_figures WHERE doc_id IS NULL")
        db.execute("DELETE FROM xref_figure_values")
        for doc_id in docs:
            passages = store.passages(doc_id)
            held = max(held, len(passages))
            cached = dict(db.execute("SELECT passage_id, figures FROM xref_figures WHERE doc_id = ?", (doc_id,)))
            new, values = [], []
            for p in passages:
                raw = cached.pop(p.id, None)
                if raw is None:
                    found = passage_figures(p)
                    new.append((p.id, encode_figures(found), p.doc_id))
                else:
                    found = decode_figures(raw)
                values += value_rows(p, found)
            db.executemany("DELETE FROM xref_figures WHERE passage_id = ?", [(pid,) for pid in cached])
            db.executemany("INSERT OR REPLACE INTO xref_figures (passage_id, figures, doc_id) VALUES (?, ?, ?)", new)
            db.executemany(VALUE_INSERT, values)
    return held


def insert(db, table, cols, rows):
    db.executemany(
        f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [tuple(r.get(c) for c in cols) for r in rows],
    )

