"""Reading and tagging on a Dask cluster (`scrutiny build --scheduler ADDRESS`):
a LocalCluster of two worker processes on 127.0.0.1, with small memory limits,
reads and tags the documents; the results are stored by this process and are
the same as a build on this machine's own processes."""

from __future__ import annotations

import shutil

import pytest

from conftest import IN_CI, run_cli
from scrutiny.init import init_project
from scrutiny.pipeline import build
from scrutiny.project import Project
from scrutiny.store import Store

pytestmark = [pytest.mark.dask, pytest.mark.slow]

FILES = {
    "access.md": """# Access to talking therapy

## Waiting

The Harbourside Health Trust counted 4,200 people waiting more than eighteen weeks for talking therapy in 2019.

Commissioners should publish waiting times for every service each quarter.

## Workforce

Maria Okafor, chief executive of the Harbourside Health Trust, said the plan will recruit 300 link workers by 2026.
""",
    "rail.txt": """Rail fares review

Ticket offices will stay open in every staffed station.

The review found that fares rose faster than wages for a decade, and the regulator should publish the figures.
""",
}


@pytest.fixture(scope="module")
def local_cluster():
    try:
        from distributed import LocalCluster
    except ImportError:
        if IN_CI:
            pytest.fail("distributed is not installed: make .venv/.installed installs scrutiny[dask]")
        pytest.skip("distributed not installed")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1500MiB",
                           host="127.0.0.1", dashboard_address=None)
    yield cluster
    cluster.close()


def _project(folder, pdf: bool = True) -> Project:
    root = init_project(folder)
    sources = root / "corpus" / "sources"
    lines = []
    for name, text in FILES.items():
        (sources / name).write_text(text, encoding="utf-8")
        lines.append(f'[documents.{name.split(".")[0]}]\ntitle = "{text.splitlines()[0].lstrip("# ")}"\n'
                     f'source = "{name}"\n')
    if pdf:
        from bench.fixtures import make_feature_pdf

        make_feature_pdf(sources / "feature.pdf")
        lines.append('[documents.feature]\ntitle = "Widget services review"\nsource = "feature.pdf"\n')
    with (root / "corpus" / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(lines))
    return Project(root)


def _contents(project):
    with Store(project.store_location, readonly=True) as store:
        passages = [(p.id, p.page, p.text) for p in store.passages()]
        claims = sorted(tuple(r) for r in store.db.execute(
            "SELECT id, kinds, confidence FROM nlp_claims").fetchall())
        mentions = sorted(tuple(r) for r in store.db.execute(
            "SELECT passage_id, start, \"end\", kind, stakeholder_id FROM nlp_mentions").fetchall())
    return passages, claims, mentions


def test_build_on_a_dask_cluster_stores_what_a_local_build_stores(tmp_path, local_cluster):
    here = _project(tmp_path / "here")
    there = _project(tmp_path / "there")
    local = build(here, fetch=False, site=False)
    assert local.ok, local.final_line()
    remote = build(there, fetch=False, site=False, scheduler=local_cluster.scheduler_address)
    assert remote.ok, remote.final_line()
    assert remote.ingest.tagging is not None and remote.ingest.tagging.passages > 0
    passages, claims, mentions = _contents(there)
    assert len(passages) > 10 and claims and mentions
    assert (passages, claims, mentions) == _contents(here)
    # the workers had no folder of the project: the files travelled with the tasks
    r = run_cli("search", "ticket offices", root=there.root)
    assert r.exit_code == 0 and "**Ticket** **offices**" in r.output
    # one document changed: only it is read and tagged again, on the cluster
    (there.root / "corpus" / "sources" / "rail.txt").write_text(
        FILES["rail.txt"] + "\nA new paragraph says the regulator will review fares by 2027.\n", encoding="utf-8")
    again = build(there, fetch=False, site=False, scheduler=local_cluster.scheduler_address)
    assert again.ok and [d.doc_id for d in again.ingest.documents if d.status == "ingested"] == ["rail"]
    assert again.ingest.tagging.passages == 1


def test_a_broken_file_fails_only_itself_on_the_cluster(tmp_path, local_cluster):
    project = _project(tmp_path / "p", pdf=False)
    (project.root / "corpus" / "sources" / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a real PDF")
    with (project.root / "corpus" / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[documents.broken]\ntitle = "Broken"\nsource = "broken.pdf"\n')
    result = build(project, fetch=False, site=False, scheduler=local_cluster.scheduler_address)
    assert not result.ok
    assert "broken.pdf" in result.final_line()
    states = {d.doc_id: d.status for d in result.ingest.documents}
    assert states == {"access": "ingested", "rail": "ingested", "broken": "failed"}


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path):
    project = _project(tmp_path / "p", pdf=False)
    r = run_cli("build", "--offline", "--no-site", "--scheduler", "tcp://127.0.0.1:9", root=project.root)
    assert r.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in r.output
