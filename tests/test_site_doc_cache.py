"""scrutiny.site.doc_cache: a per-document record works out only the documents whose
key moved, and a missing, torn or older record costs a full pass, never an error."""

from __future__ import annotations

import json

from scrutiny.site.doc_cache import per_document


def _counting(values):
    asked = []

    def work_out(todo):
        asked.append(sorted(todo))
        return {d: values[d] for d in todo if values.get(d)}
    return work_out, asked


def test_only_documents_whose_key_moved_are_worked_out(tmp_path):
    cache = tmp_path / "rec.json"
    values = {"a": ["x"], "b": ["y", "z"], "c": []}
    work_out, asked = _counting(values)
    keys = {"a": "k1", "b": "k2", "c": "k3"}
    assert per_document(cache, 1, keys, work_out) == values
    assert asked == [["a", "b", "c"]]
    before = cache.read_bytes()

    assert per_document(cache, 1, keys, work_out) == values      # nothing moved: nothing asked, nothing written
    assert asked == [["a", "b", "c"]] and cache.read_bytes() == before

    values["b"] = ["w"]
    values["d"] = ["v"]
    got = per_document(cache, 1, {"a": "k1", "b": "k2b", "d": "k4"}, work_out)   # b moved, c gone, d new
    assert got == {"a": ["x"], "b": ["w"], "d": ["v"]}
    assert asked[-1] == ["b", "d"]
    assert sorted(json.loads(cache.read_text())["docs"]) == ["a", "b", "d"]


def test_a_torn_or_older_record_means_every_document_again(tmp_path):
    cache = tmp_path / "rec.json"
    values = {"a": ["x"], "b": ["y"]}
    work_out, asked = _counting(values)
    keys = {"a": "k1", "b": "k2"}
    cache.write_text('{"version": 1, "docs": {"a": ["k1", ["x"]]')          # torn
    assert per_document(cache, 1, keys, work_out) == values
    assert asked == [["a", "b"]]
    assert per_document(cache, 2, keys, work_out) == values                # another version of the record
    assert asked[-1] == ["a", "b"]
    cache.write_text('{"version": 2, "docs": ["not", "a", "table"]}')
    assert per_document(cache, 2, keys, work_out) == values
    assert asked[-1] == ["a", "b"]
    assert per_document(cache, 2, keys, work_out) == values and len(asked) == 3   # and then kept
