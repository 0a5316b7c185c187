"""A whole build on PostgreSQL: the synthetic campaign of helpers_pipeline read,
tagged, cross-referenced and published from a shared store (`scrutiny init
--database`) gives the same site, file for file and byte for byte, as the same
campaign built on the embedded SQLite store (the session's `built_campaign`).
Every stage's SQL runs on PostgreSQL here: tagging, ties, cross-references,
figures, the site's reads and the full-text index."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from helpers_pipeline import fill_project
from scrutiny.init import init_project
from scrutiny.pipeline import build
from scrutiny.project import Project
from scrutiny.store import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _files(site):
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_build_on_postgresql_publishes_the_same_site_as_on_sqlite(built_campaign, pg_url, tmp_path):
    lite, lite_result = built_campaign
    assert lite_result.ok, lite_result.final_line()
    root = tmp_path / "campaign"          # the same folder name: the site names its project
    init_project(root, database=pg_url)
    fill_project(root)
    project = Project(root)
    result = build(project, fetch=False)
    assert result.ok, result.final_line()
    assert not (root / ".scrutiny" / "store.db").exists()      # everything went to the database
    assert result.ingest.tagging is not None and result.ingest.tagging.passages > 0
    with Store(project.store_location, readonly=True) as store:
        assert store.dialect == "postgresql"
        assert store.db.execute("SELECT count(*) FROM nlp_mentions").fetchone()[0] > 0
        assert store.db.execute("SELECT count(*) FROM xref_links").fetchone()[0] > 0
    here, there = _files(lite.root / "site"), _files(root / "site")
    assert len(here) > 20
    assert sorted(there) == sorted(here)
    assert [name for name in here if here[name] != there[name]] == []
    # the exports read the same store through the same read API: the same JSON
    exports = [run_cli("export", "--format", "json", root=p.root) for p in (lite, project)]
    assert all(r.exit_code == 0 for r in exports), [r.output[-300:] for r in exports]
    assert json.loads(exports[1].stdout) == json.loads(exports[0].stdout)
    # nothing changed: every stage says so
    again = build(project, fetch=False)
    assert again.ok and [s.state for s in again.stages if s.name in ("ingest", "xref")] == ["up to date"] * 2, \
        again.final_line()
