"""Which documents a tagging run left whole, from ``nlp_doc_tagged`` (one row per
document): the documents whose stamp (``Store.passage_stamps``) moved since are the
only ones that can hold passages not tagged yet, or tags of passages that are gone.

Read by the tagging run (:class:`scrutiny.tags.write._DocPlan`, what to tag) and by
the read API (:func:`scrutiny.tags.queries.untagged_passages`, what the site says is
pending), so that neither reads every passage id of the corpus after one document
was added. Whenever the rows cannot be trusted, :func:`read` says so (None) and the
caller reads every passage id as before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

PASSAGE_OF = re.compile(r"^(?P<doc>[a-z0-9][a-z0-9-]*?)-[a-z2-7]{12}(?:-\d+)?$")   # passages.passage_id


_PLAIN = re.compile(r"[\w:+.-]*", re.ASCII)


def doc_stamp(stamp: tuple) -> str:
    """A document's stamp as ``nlp_doc_tagged`` keeps it (``json.dumps`` of it; a stamp
    of plain text and numbers, as every stored document's is, written without JSON's
    encoder: the site's pending check makes every document's)."""
    if len(stamp) == 4:
        sha, n, at, seq = stamp
        if type(sha) is str and type(at) is str and type(n) is int and type(seq) is int \
                and _PLAIN.fullmatch(sha) and _PLAIN.fullmatch(at):
            return f'["{sha}", {n}, "{at}", {seq}]'
    return json.dumps(list(stamp))


@dataclass
class DocTagged:
    stamps: dict[str, tuple]          # every stored document's stamp
    moved: list[str]                  # documents whose stamp is not the one kept
    gone: list[str]                   # documents kept that are no longer stored
    tagged_of: dict[str, set[str]]    # the tagged passage ids of the moved and gone documents
    total: int                        # passages in the store


def read(store, most: int) -> DocTagged | None:
    """The documents that moved since the tagging run that left them whole; None when
    the kept rows cannot say (none kept yet, tables not clean after a migration, more
    than ``most`` documents moved, or ``nlp_tagged`` not holding what the kept stamps
    promise)."""
    db = store.db
    kept = dict(db.execute("SELECT doc_id, stamp FROM nlp_doc_tagged").fetchall())
    if not kept:
        return None
    clean = db.execute("SELECT value FROM nlp_state WHERE key = 'rows_follow_tagged'").fetchone()
    if clean is None or clean[0] != str(store.schema_version("nlp")):
        return None
    stamps = store.passage_stamps()
    moved = sorted(d for d, st in stamps.items() if kept.get(d) != doc_stamp(st))
    gone = sorted(d for d in kept if d not in stamps)
    if len(moved) + len(gone) > most:
        return None
    tagged_of = {}
    # a key range in code point order (PostgreSQL's collation of the database's
    # language would put "-" and "." aside)
    key = 'passage_id COLLATE "C"' if store.dialect == "postgresql" else "passage_id"
    for d in moved + gone:
        rows = db.execute(f"SELECT passage_id FROM nlp_tagged WHERE {key} >= ? AND {key} < ?",
                          (f"{d}-", f"{d}.")).fetchall()
        tagged_of[d] = {pid for (pid,) in rows if (m := PASSAGE_OF.match(pid)) and m.group("doc") == d}
    moved_set = set(moved)
    promised = sum(st[1] or 0 for d, st in stamps.items() if d not in moved_set)
    promised += sum(len(v) for v in tagged_of.values())
    if db.execute("SELECT count(*) FROM nlp_tagged").fetchone()[0] != promised:
        return None
    return DocTagged(stamps, moved, gone, tagged_of, sum(st[1] or 0 for st in stamps.values()))
