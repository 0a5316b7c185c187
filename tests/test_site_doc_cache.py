"""scrutiny.site.doc_cache: a per-document record works out only the documents whose
key moved and writes only their rows (one SQLite file, :mod:`scrutiny.site.records`);
a missing, torn or older record costs a full pass, never an error, and a build that
fails half way leaves the previous record whole."""

from __future__ import annotations

import json
import sqlite3

import pytest

from scrutiny.site import records
from scrutiny.site.doc_cache import Stats, per_document


def _counting(values):
    asked = []

    def work_out(todo):
        asked.append(sorted(todo))
        return {d: values[d] for d in todo if values.get(d)}
    return work_out, asked


def _rows(tmp_path, name="rec"):
    db = sqlite3.connect(tmp_path / records.FILE)
    try:
        return {d: (k, json.loads(v)) for d, k, v in db.execute(
            "SELECT doc_id, key, value FROM docs WHERE name = ?", (name,))}
    finally:
        db.close()


def test_only_documents_whose_key_moved_are_worked_out_and_written(tmp_path):
    cache = tmp_path / "rec.json"
    values = {"a": ["x"], "b": ["y", "z"], "c": []}
    work_out, asked = _counting(values)
    keys = {"a": "k1", "b": "k2", "c": "k3"}
    assert per_document(cache, 1, keys, work_out) == values
    assert asked == [["a", "b", "c"]] and Stats.written["rec"] == 3
    assert _rows(tmp_path) == {"a": ("k1", ["x"]), "b": ("k2", ["y", "z"]), "c": ("k3", [])}

    assert per_document(cache, 1, keys, work_out) == values      # nothing moved: nothing asked, nothing written
    assert asked == [["a", "b", "c"]] and Stats.written["rec"] == 0

    values["b"] = ["w"]
    values["d"] = ["v"]
    got = per_document(cache, 1, {"a": "k1", "b": "k2b", "d": "k4"}, work_out)   # b moved, c gone, d new
    assert got == {"a": ["x"], "b": ["w"], "d": ["v"]}
    assert asked[-1] == ["b", "d"]
    assert Stats.written["rec"] == 3     # b and d written, c deleted; a untouched
    assert _rows(tmp_path) == {"a": ("k1", ["x"]), "b": ("k2b", ["w"]), "d": ("k4", ["v"])}
    assert not cache.exists()            # (no whole-file JSON record)


def test_records_of_several_names_share_the_file_and_the_old_json_record_goes(tmp_path):
    old = tmp_path / "one.json"
    old.write_text('{"version": 1, "docs": {}}')
    assert per_document(old, 1, {"a": "k"}, lambda todo: {"a": [1]}) == {"a": [1]}
    assert per_document(tmp_path / "two.json", 1, {"a": "k"}, lambda todo: {"a": [2]}) == {"a": [2]}
    assert not old.exists()
    assert _rows(tmp_path, "one") == {"a": ("k", [1])} and _rows(tmp_path, "two") == {"a": ("k", [2])}


def test_a_torn_or_older_record_means_every_document_again(tmp_path):
    cache = tmp_path / "rec.json"
    values = {"a": ["x"], "b": ["y"]}
    work_out, asked = _counting(values)
    keys = {"a": "k1", "b": "k2"}
    (tmp_path / records.FILE).write_bytes(b"SQLite format 3\x00" + b"\x07" * 300)      # torn
    assert per_document(cache, 1, keys, work_out) == values
    assert asked == [["a", "b"]]
    assert per_document(cache, 2, keys, work_out) == values                # another version of the record
    assert asked[-1] == ["a", "b"]
    db = sqlite3.connect(tmp_path / records.FILE)
    db.execute("UPDATE docs SET value = '[\"tor' WHERE doc_id = 'b'")       # one row damaged: that one again
    db.commit()
    db.close()
    assert per_document(cache, 2, keys, work_out) == values
    assert asked[-1] == ["b"]
    assert per_document(cache, 2, keys, work_out) == values and len(asked) == 3   # and then kept
    db = sqlite3.connect(tmp_path / records.FILE)
    db.execute("UPDATE site_meta SET value = 'older' WHERE key = 'version'")      # the file's own version
    db.commit()
    db.close()
    assert per_document(cache, 2, keys, work_out) == values
    assert asked[-1] == ["a", "b"]


def test_a_build_failing_while_writing_leaves_the_previous_record_whole(tmp_path, monkeypatch):
    cache = tmp_path / "rec.json"
    keys = {"a": "k1", "b": "k2"}
    assert per_document(cache, 1, keys, lambda todo: {d: [d] for d in todo}) == {"a": ["a"], "b": ["b"]}
    real = json.dumps
    calls = []

    def failing(value, **kw):
        calls.append(value)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(value, **kw)

    monkeypatch.setattr("scrutiny.site.doc_cache.json.dumps", failing)
    with pytest.raises(OSError):
        per_document(cache, 1, {"a": "k1b", "b": "k2b"}, lambda todo: {d: [d + "!"] for d in todo})
    monkeypatch.undo()
    assert _rows(tmp_path) == {"a": ("k1", ["a"]), "b": ("k2", ["b"])}    # neither row of the failed build


def test_kept_values_decoded_when_asked_only(tmp_path):
    """``decode_later``: a build decodes the kept values it asks for, not every document's;
    a damaged one is worked out again (and written) when asked."""
    from scrutiny.site.doc_cache import Kept

    cache = tmp_path / "lazy.json"
    values = {"a": ["x"], "b": ["y", "z"], "c": []}
    work_out, asked = _counting(values)
    keys = {"a": "k1", "b": "k2", "c": "k3"}
    per_document(cache, 1, keys, work_out)
    Stats.decoded.clear()
    got = per_document(cache, 1, keys, work_out, decode_later=True, skip_empty=True)
    assert isinstance(got, Kept) and sorted(got) == ["a", "b"] and "c" not in got   # (c: [] left out)
    assert Stats.decoded.get("lazy", 0) == 0 and got.text("b") == '["y","z"]'
    assert got["b"] == ["y", "z"] and Stats.decoded["lazy"] == 1 and got.text("b") is None
    assert got.get("b") == ["y", "z"] and Stats.decoded["lazy"] == 1     # (decoded once)
    assert got.get("c") is None and len(got) == 2

    db = sqlite3.connect(tmp_path / records.FILE)
    db.execute("UPDATE docs SET value = '[\"x\"' WHERE name = 'lazy' AND doc_id = 'a'")   # torn
    db.commit()
    db.close()
    values["a"] = ["x2"]
    got = per_document(cache, 1, keys, work_out, decode_later=True)
    assert asked[-1] == ["a", "b", "c"]     # (nothing worked out until asked)
    assert got["a"] == ["x2"] and asked[-1] == ["a"]
    assert _rows(tmp_path, "lazy")["a"] == ("k1", ["x2"])
