"""A sentence of a passage that runs overleaf carries its own page (claims and
tie evidence), never the page its passage starts on."""

from __future__ import annotations

from scrutiny.passages import make_passages
from scrutiny.readers.base import Block
from scrutiny.store import Store
from scrutiny.tags.queries import list_claims
from scrutiny.tags.write import tag_store

from helpers_tagging import shared_tagger

FIRST = "The forum found that 42% of tenants waited over a year for repairs."
SECOND = "The council should publish its repair backlog every quarter."


def test_claim_sentence_after_a_page_break_gets_the_next_page(project):
    store = Store(project.store_path)
    text = f"{FIRST} {SECOND}"
    block = Block("paragraph", text, page=16, page_breaks=[text.index(SECOND)])
    with store.transaction():
        store.upsert_document({"id": "repairs", "title": "Repairs report", "kind": "policy"})
        store.replace_passages("repairs", make_passages("repairs", [block]))
    tag_store(project, store, tagger=shared_tagger())
    claims = {c.text: c for c in list_claims(store, doc_id="repairs")}
    assert claims[FIRST].page == 16
    assert claims[SECOND].page == 17
    stored = dict(store.db.execute("SELECT text, page FROM nlp_claims").fetchall())
    assert stored[SECOND] == 17
    store.close()
