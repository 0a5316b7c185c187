"""The same query language on both engines: a project on PostgreSQL (tsvector
columns under a GIN index, the parsed Whoosh query translated to tsquery) finds
exactly the passages the embedded Whoosh index finds, on a parity set of
queries and filters. Also: `scrutiny init --database`, ingest and search on a
shared store, and incremental updates of its full-text index."""

from __future__ import annotations

import pytest

from conftest import run_cli
from scrutiny.errors import ScrutinyError
from scrutiny.ingest import ingest
from scrutiny.init import init_project
from scrutiny.project import Project
from scrutiny.search import SearchFilters, search

pytestmark = pytest.mark.postgres

DOCS = {
    "waiting.md": """# Waiting Well

## Access to therapy

The forum counted 4,200 people waiting more than eighteen weeks for talking therapies.

Commissioners should publish waiting times for every service each quarter.

## Workforce

The plan will recruit 300 community link workers by 2026, and train therapists in every region.
""",
    "rail.md": """# Rail Fares Review

## Stations

Ticket offices will stay open in every staffed station; waiting rooms will be heated.

The review found that fares rose faster than wages for a decade.

## Access

Step-free access to platforms is promised at forty stations by 2030.
""",
    "housing.txt": """Housing advice in the valley

Councils reported delays in housing advice, and waiting lists grew in every district.

The therapy service and the housing service will share one referral form.
""",
}

PARITY = [
    "waiting", "waiting times", '"waiting times"', '"talking therapies"', "therap*", "wait*", "access",
    "heading:access", "heading:workforce", "waiting OR fares", "waiting NOT quarter", "waiting AND NOT housing",
    "(fares OR housing) AND delays", "region", "stations", "4,200", "2030", "heading:(access OR housing)",
    '"housing advice" -delays', "nothing-matches-this", "service*", "the",
]
FILTERS = [
    SearchFilters(doc=("rail",)), SearchFilters(kind=("heading",)), SearchFilters(doc=("waiting", "housing")),
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory, pg_cluster):
    """The same three files ingested into a SQLite project and a PostgreSQL one."""
    folder = tmp_path_factory.mktemp("engines")
    files = []
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    lite = Project(init_project(folder / "lite"))
    pg = Project(init_project(folder / "pg", database=pg_cluster.new_database()))
    for project in (lite, pg):
        report = ingest(project, files, tag=False)
        assert report.ok and report.index is not None
    return lite, pg


def _ids(project, query, filters=None):
    result = search(project.index_location, query, filters, limit=1000)
    return result["total"], {h["passage_id"] for h in result["hits"]}


@pytest.mark.parametrize("query", PARITY)
def test_same_passages_as_the_cli_on_sqlite(engines, query):
    lite, pg = engines
    total, ids = _ids(lite, query)
    assert _ids(pg, query) == (total, ids)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f))
@pytest.mark.parametrize("query", ["waiting", "access", "service*"])
def test_same_passages_with_filters(engines, query, filters):
    lite, pg = engines
    assert _ids(pg, query, filters) == _ids(lite, query, filters)


def test_the_hits_say_the_same(engines):
    lite, pg = engines
    a = search(lite.index_location, '"waiting times"')["hits"][0]
    b = search(pg.index_location, '"waiting times"')["hits"][0]
    for key in ("passage_id", "doc_id", "doc_label", "kind", "heading", "text", "snippet", "page_label"):
        assert a[key] == b[key], key
    assert "**waiting** **times**" in b["snippet"]


def test_unsupported_and_unknown_are_clear_errors(engines):
    """Both engines speak the CLI's and the site's query language, and refuse the
    same queries with the same words."""
    from scrutiny.query import QueryError

    lite, pg = engines
    for query in ("NOT waiting", "w*"):
        with pytest.raises(QueryError) as on_sqlite:
            search(lite.index_location, query)
        with pytest.raises(QueryError) as on_pg:
            search(pg.index_location, query)
        assert str(on_pg.value) == str(on_sqlite.value)
    with pytest.raises(ScrutinyError, match="--doc nowhere: no such document"):
        search(pg.index_location, "waiting", SearchFilters(doc=("nowhere",)))


def test_init_database_ingest_search_and_incremental_index(tmp_path, pg_url):
    root = tmp_path / "team"
    r = run_cli("init", root, "--database", pg_url)
    assert r.exit_code == 0, r.output
    project = Project(root)
    assert project.database == pg_url
    assert not (root / ".scrutiny" / "store.db").exists()
    (tmp_path / "rail.md").write_text(DOCS["rail.md"], encoding="utf-8")
    r = run_cli("ingest", tmp_path / "rail.md", "--no-tag", root=root)
    assert r.exit_code == 0, r.output
    r = run_cli("search", "ticket offices", root=root)
    assert r.exit_code == 0 and "**Ticket** **offices** will stay open" in r.output, r.output
    assert not (root / ".scrutiny" / "store.db").exists()      # nothing embedded was made
    # one more document: only it is written to the full-text index
    (tmp_path / "housing.txt").write_text(DOCS["housing.txt"], encoding="utf-8")
    report = ingest(project, [tmp_path / "housing.txt"], tag=False)
    assert report.index.mode == "updated" and report.index.documents_added == 1
    assert report.index.passages == 3
    assert search(project.index_location, "delays")["total"] == 1
    assert search(project.index_location, "wages")["total"] == 1


def test_init_refuses_a_database_it_cannot_reach(tmp_path):
    r = run_cli("init", tmp_path / "x", "--database", "sqlite:///nope.db")
    assert r.exit_code != 0 and "postgresql://" in r.output
