"""Shared test fixtures. Area-specific helpers live in tests/helpers_*.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scrutiny.cli import ONE_THREAD

# one BLAS thread per process, as the command runs (set before numpy is loaded)
for _name in ONE_THREAD:
    os.environ.setdefault(_name, "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REFERENCE_DIR = SHARED / "reference"
REAL_DOCS_DIR = SHARED / "real-documents"
REFERENCE_ARTICLE = REFERENCE_DIR / "cotton-soundings-futures-mental-health.txt"
REAL_PDFS = sorted(REAL_DOCS_DIR.glob("*.pdf")) if REAL_DOCS_DIR.is_dir() else []


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory):
    """A trained claim model is kept for every project of the user (~/.cache/scrutiny):
    the tests keep theirs in this run's temporary folder, not in the home folder, shared by
    the run's worker processes (pytest-xdist) as a user's projects share it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    cache = base / "user-cache"
    cache.mkdir(exist_ok=True)
    os.environ["SCRUTINY_CACHE_DIR"] = str(cache)


@pytest.fixture
def reference_article() -> Path:
    if not REFERENCE_ARTICLE.is_file():
        pytest.skip(f"reference article not found at {REFERENCE_ARTICLE} (../shared is absent)")
    return REFERENCE_ARTICLE


@pytest.fixture
def real_pdfs() -> list[Path]:
    if not REAL_PDFS:
        pytest.skip(f"real government PDFs not found in {REAL_DOCS_DIR} (../shared is absent)")
    return REAL_PDFS


@pytest.fixture
def project(tmp_path):
    """A fresh, empty scrutiny project created by `scrutiny init`."""
    from scrutiny.init import init_project
    from scrutiny.project import Project

    root = tmp_path / "proj"
    init_project(root)
    return Project(root)


def run_cli(*args, root=None, input=None):
    """Run the CLI in-process; returns the click Result."""
    from click.testing import CliRunner

    from scrutiny.cli import _load_commands, cli

    _load_commands()
    argv = (["--root", str(root)] if root else []) + [str(a) for a in args]
    # a bug shows its traceback in a test (the CLI otherwise reports it in one line)
    return CliRunner().invoke(cli, argv, input=input, catch_exceptions=False, env={"SCRUTINY_DEBUG": "1"})


@pytest.fixture
def cli_runner():
    return run_cli


# Browser tests: with CI=true a missing chromium must fail, not skip.
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def built_campaign(tmp_path_factory):
    """The synthetic campaign of helpers_pipeline, built once per session in-process
    with scrutiny.pipeline.build (offline): (project, BuildResult). Copy it before
    changing anything."""
    from helpers_pipeline import fill_project

    from scrutiny.init import init_project
    from scrutiny.pipeline import build
    from scrutiny.project import Project

    root = tmp_path_factory.mktemp("built") / "campaign"
    init_project(root)
    fill_project(root)
    project = Project(root)
    return project, build(project, fetch=False)



# --- PostgreSQL: the store tests, the ingest tests and the search tests run on both ---------
# engines (`store_at`, and the `project` of test_ingest.py, are parametrised). A cluster is
# started once per session in a temporary folder (bench.postgres). Without PostgreSQL
# installed those runs skip, except in CI (CI=true), where .ci/run installs it.

@pytest.fixture(scope="session")
def pg_cluster():
    from bench.postgres import Cluster, pg_bin

    if pg_bin() is None or not _has_psycopg():
        if IN_CI:
            pytest.fail("PostgreSQL or psycopg is not installed: .ci/run must install them")
        pytest.skip("PostgreSQL (initdb) or psycopg not installed")
    cluster = Cluster()
    yield cluster
    cluster.stop()


def _has_psycopg() -> bool:
    import importlib.util

    return importlib.util.find_spec("psycopg") is not None


@pytest.fixture
def pg_url(pg_cluster):
    """The address of a fresh, empty PostgreSQL database."""
    return pg_cluster.new_database()


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture
def store_at(engine, tmp_path, request):
    """``store_at(name)``: where a store named ``name`` lives on this test's engine
    (a SQLite file in tmp_path, or a fresh PostgreSQL database per name)."""
    made: dict[str, str] = {}

    def location(name: str = "s"):
        if engine == "sqlite":
            return tmp_path / f"{name}.db"
        if name not in made:
            made[name] = request.getfixturevalue("pg_cluster").new_database()
        return made[name]

    return location


@pytest.fixture(params=ENGINES)
def project_on_engine(request, tmp_path):
    """A fresh project on each engine: the embedded store, and one whose store is a
    PostgreSQL database (`scrutiny init --database`). A test module runs on both by
    naming this fixture ``project`` (``project = project_on_engine`` does not work:
    define ``def project(project_on_engine): return project_on_engine``)."""
    from scrutiny.init import init_project
    from scrutiny.project import Project

    database = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    return Project(init_project(tmp_path / "proj", database=database))


# --- browser tests: one Chromium and one build of each site per session -----------------

@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from helpers_browser import need_chromium

    need_chromium()
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory, chromium):
    """helpers_site's project built once, served over HTTP (and openable from its folder)."""
    from helpers_browser import BuiltSite, build_synthetic

    from bench.browser import serve

    project, passages, kb = build_synthetic(tmp_path_factory.mktemp("browser") / "proj")
    with serve(project.site_dir) as server:
        yield BuiltSite(project, server.url, passages, kb)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory, chromium):
    """Four real government PDFs (../shared, read at run time) ingested, indexed and published."""
    from helpers_browser import BuiltSite, build_real

    from bench.browser import serve

    project = build_real(tmp_path_factory.mktemp("real") / "proj")
    with serve(project.site_dir) as server:
        yield BuiltSite(project, server.url)
