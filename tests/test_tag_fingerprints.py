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


def tie(pid, n, subject, obj, tid, confidence=0.7, role=None):
    return (pid, n * 10, n * 10 + 9, "member_of", role, confidence, "synthetic", n * 10, n * 10 + 5, f"Name{n}",
            "organisation", n * 10 + 6, n * 10 + 9, "Body", "organisation", subject, obj, tid)


def tie_fps(store_path, ties, mentions=None):
    from scrutiny.tags.queries import tie_candidate_ends, tie_fingerprints

    store = Store(store_path)
    try:
        with store.transaction():
            pids = add_document(store, "plan", ["One synthetic passage.", "Another synthetic passage."])
            other = add_document(store, "other", ["A third synthetic passage."])
        write_tags(store, mentions=(mentions or (lambda p, o: [mention(p[0], 0, "org-a"), mention(p[1], 1, "org-b"),
                                                               (o[0], "other") + mention(o[0], 2, "org-c")[2:]]))(pids, other),
                   ties=ties(pids, other))
        rows, ends = tie_candidate_ends(store, ["plan"])
        return tie_fingerprints(store), sorted(rows), ends
    finally:
        store.close()


def test_tie_fingerprints_by_document_and_the_candidates_of_one_document(store_at):
    def ties(p, o):
        return [tie(p[0], 0, "org-a", "org-b", "t-ab"), tie(p[1], 1, "org-b", "org-a", "t-ba", 0.6, "chair"),
                tie(o[0], 2, "org-c", "org-a", "t-ca")]

    forward, rows, ends = tie_fps(store_at("forward"), ties)
    backward, rows_b, _ = tie_fps(store_at("backward"), lambda p, o: ties(p, o)[::-1])
    assert forward == backward and sorted(forward) == ["other", "plan"]
    # one document's candidates only, with their ties' ends
    assert [r[0] for r in rows] == ["t-ab", "t-ba"] and rows == rows_b
    assert ends == {"t-ab": ("org-a", "member_of", "org-b"), "t-ba": ("org-b", "member_of", "org-a")}
    # a candidate resolved to another tie, or with another confidence: that document's hash moves, alone
    moved, _, _ = tie_fps(store_at("moved"), lambda p, o: [tie(p[0], 0, "org-a", "org-c", "t-ac")] + ties(p, o)[1:])
    surer, _, _ = tie_fps(store_at("surer"), lambda p, o: [tie(p[0], 0, "org-a", "org-b", "t-ab", 0.8)] + ties(p, o)[1:])
    assert moved["plan"] != forward["plan"] and surer["plan"] != forward["plan"] and moved["plan"] != surer["plan"]
    assert moved["other"] == surer["other"] == forward["other"]
    # a document without resolved candidates has no entry
    none, rows, _ = tie_fps(store_at("none"), lambda p, o: [tie(o[0], 2, "org-c", "org-a", "t-ca")])
    assert sorted(none) == ["other"] and rows == []
