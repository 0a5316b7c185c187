"""The SQLite export as Datasette serves it: started on 127.0.0.1 and queried over HTTP."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from test_export import corpus  # noqa: F401  (the fixture)

from scrutiny.export import export


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(project, corpus, tmp_path):  # noqa: F811
    out = tmp_path / "corpus.db"
    # the plan has no licence: a private copy with its text (--full-text)
    written = export(project, "sqlite", out, base_url="https://campaign.example/scrutiny", full_text=True)
    assert written == [out, tmp_path / "corpus.metadata.json"]
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(out), "--metadata", str(written[1]),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode())
                time.sleep(0.1)
        else:
            raise AssertionError("datasette did not start")
        yield base, out, corpus
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _get(base, path, **params):
    url = f"{base}{path}" + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def test_full_text_search_returns_only_matching_passages(served):
    base, _, plan = served
    rows = _get(base, "/corpus/passages.json", _search="recovery", _shape="array")
    assert [r["id"] for r in rows] == [next(p.id for p in plan if "recovery" in p.text)]
    rows = _get(base, "/corpus/passages.json", _search="staff", _shape="array")
    assert rows and all("staff" in r["text"].lower() for r in rows)
    assert _get(base, "/corpus/passages.json", _search="zebrafish", _shape="array") == []
    # unfiltered, the table has every passage: the search did filter
    assert len(_get(base, "/corpus/passages.json", _shape="array")) == 7


def test_the_curated_knowledge_base_is_there_and_every_reference_leads_somewhere(served):
    base, out, _ = served
    tables = {t["name"] for t in _get(base, "/corpus.json")["tables"]}
    assert {"documents", "passages", "stakeholders", "ties", "claims", "mentions", "tagged_claims"} <= tables
    sql = ("SELECT count(*) AS n FROM mentions WHERE stakeholder_id IS NOT NULL "
           "AND stakeholder_id NOT IN (SELECT id FROM stakeholders)")
    assert _get(base, "/corpus.json", sql=sql, _shape="array") == [{"n": 0}]
    claim = _get(base, "/corpus/claims.json", _shape="array")[0]
    assert json.loads(claim["kinds"]) == ["commitment"]
    # foreign keys: Datasette offers to expand a passage's document into its title
    rows = _get(base, "/corpus/passages.json", _labels="on", _shape="array", _size=1)
    assert rows[0]["doc_id"]["label"] in ("A Synthetic Plan for Regional Therapy Services", "A Synthetic Review")
    db = sqlite3.connect(out)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()


def test_tables_and_columns_are_described(served):
    base, _, _ = served
    meta = _get(base, "/-/metadata.json")
    passages = meta["databases"]["corpus"]["tables"]["passages"]
    assert passages["description"] and passages["columns"]["pdf_page"]
    assert passages["fts_table"] == "passages_fts"


def test_the_file_gets_ordinary_permissions(project, corpus, tmp_path):  # noqa: F811
    umask = os.umask(0o022)
    os.umask(umask)
    out = tmp_path / "perm.db"
    for path in export(project, "sqlite", out):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path
    db = sqlite3.connect(out)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
