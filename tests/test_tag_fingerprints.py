"""What changes when a document's tags change: the fingerprints that decide which
pages and search records are rewritten do not depend on the order an engine
happens to read a group's rows in (neither SQLite nor PostgreSQL promises it)."""

from __future__ import annotations

import json

from helpers_tagging import add_document, write_tags

from scrutiny.store import Store
from scrutiny.tags.queries import doc_fingerprints, facet_fingerprints


def claim(pid, n, kinds):
    return (f"{pid}@{n}", pid, "plan", 1, n * 10, n * 10 + 9, f"Synthetic sentence {n}.", json.dumps(kinds), "{}",
            0.9, "rule")


def mention(pid, n, sid):
    return (pid, "plan", n * 10, n * 10 + 5, f"Name{n}", "organisation", "ner", 0.9, None, sid)


def fingerprints(store_path, claims, mentions):
    store = Store(store_path)
    try:
        with store.transaction():
            pids = add_document(store, "plan", ["One synthetic passage.", "Another synthetic passage."])
        write_tags(store, claims=claims(pids), mentions=mentions(pids))
        return doc_fingerprints(store), facet_fingerprints(store)
    finally:
        store.close()


def test_fingerprints_do_not_depend_on_row_order(store_at):
    def claims(pids):
        return [claim(pids[0], 0, ["statistic"]), claim(pids[0], 1, ["commitment"]), claim(pids[1], 2, ["assessment"])]

    def mentions(pids):
        return [mention(pids[0], 0, "org-a"), mention(pids[1], 1, "org-b"), mention(pids[1], 2, "org-c")]

    forward = fingerprints(store_at("forward"), claims, mentions)
    backward = fingerprints(store_at("backward"), lambda p: claims(p)[::-1], lambda p: mentions(p)[::-1])
    assert forward == backward and forward[1]


def test_fingerprints_move_when_a_kind_moves_to_another_passage(store_at):
    first = fingerprints(store_at("a"), lambda p: [claim(p[0], 0, ["statistic"]), claim(p[1], 1, ["commitment"])],
                         lambda p: [])
    moved = fingerprints(store_at("b"), lambda p: [claim(p[0], 0, ["commitment"]), claim(p[1], 1, ["statistic"])],
                         lambda p: [])
    assert first[0] != moved[0] and first[1] != moved[1]
