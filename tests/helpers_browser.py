"""Sites for the browser tests, built once per session: the synthetic project of
helpers_site, and a site of real government PDFs (read at run time from
../shared). Each is served over HTTP and can be opened from its folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CHROMIUM, IN_CI, REAL_PDFS

# the real PDFs of the session's real site: a long one (in parts, with a contents
# page) and three others, so that the vocabulary and the queries are varied
REAL_SITE_FILES = ("womens-state-pension-age-communications-decision.pdf", "behaviour-change-government-response.pdf",
                   "covid-inquiry-module-1-government-response.pdf", "space-economy-government-response.pdf")


@dataclass
class BuiltSite:
    project: object
    http: str          # http://127.0.0.1:PORT/
    passages: dict | None = None
    kb: object = None

    @property
    def folder(self) -> str:
        """The site opened from its folder: file:///.../site/"""
        return Path(self.project.site_dir).resolve().as_uri() + "/"

    def url(self, via: str) -> str:
        return self.http if via == "http" else self.folder


def need_chromium():
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing and CI=true: the browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); browser tests skipped")
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        if IN_CI:
            pytest.fail("playwright is not installed and CI=true")
        pytest.skip("playwright not installed")


def build_synthetic(root: Path):
    """helpers_site's project, its common words' postings cut in tiers of one and two
    postings (so that the browser follows them too)."""
    from helpers_site import build

    import scrutiny.site.search_index as search_index
    from scrutiny.init import init_project
    from scrutiny.project import Project

    init_project(root)
    project = Project(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_index, "INLINE", 4)
        mp.setattr(search_index, "HEAD", 1)
        mp.setattr(search_index, "TIER", 2)
        stats, passages, kb = build(project)
    assert any((project.site_dir / "search").glob("*/t/*.js"))
    return project, passages, kb


def build_real(root: Path):
    """A project of real PDFs: ingested (not tagged), indexed for `scrutiny search`,
    published with their licence (OGL), no knowledge base."""
    import shutil

    from scrutiny.ingest import ingest
    from scrutiny.init import init_project
    from scrutiny.manifest import update_documents
    from scrutiny.project import Project
    from scrutiny.site import build_site
    from scrutiny.store import Store

    files = [p for p in REAL_PDFS if p.name in REAL_SITE_FILES]
    if len(files) < len(REAL_SITE_FILES):
        pytest.skip(f"real government PDFs not found in {REAL_PDFS and REAL_PDFS[0].parent} (../shared is absent)")
    init_project(root)
    project = Project(root)
    for f in files:
        shutil.copy(f, project.sources_dir / f.name)
    report = ingest(project, [project.sources_dir / f.name for f in files], progress=lambda *a: None, tag=False)
    assert not report.failed, [d.message for d in report.documents]
    with Store(project.store_path, readonly=True) as store:
        docs = store.documents()
    update_documents(project.manifest_path, {d["id"]: {"licence": "OGL-UK-3.0"} for d in docs})
    build_site(project)
    return project
