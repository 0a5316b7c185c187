"""The shipped manifest against an imitation of its publishers: every policy
document of the default corpus arrives, whether its file moved, its address
is a landing page, or only an archive still has it.

The manifest is the repository's own, read at run time; only the hosts are
rewritten to a local server. The pages are our own shapes (GOV.UK Content API
answers and attachment markup, a think tank's report pages, an NHS page with
several PDFs, an archive's CDX answer), not copies of the real ones.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from conftest import REPO
from helpers_fetch import Web, govuk_attachment, govuk_item, govuk_page, ippr_page, pdf
from scrutiny.fetch import fetch_all
from scrutiny.project import Project

HOSTS = {
    "https://www.gov.uk": "/govuk",
    "https://assets.publishing.service.gov.uk": "/assets",
    "https://www.england.nhs.uk": "/nhse",
    "https://www.hee.nhs.uk": "/hee",
    "https://www.ippr.org": "/ippr",
    "https://survivingwork.org": "/sw",
}


@pytest.fixture(scope="module")
def web():
    w = Web()
    yield w
    w.close()


def local(web, url: str) -> str:
    for host, prefix in HOSTS.items():
        if url.startswith(host):
            return web.url(prefix + url[len(host):])
    raise AssertionError(f"a host the imitation does not play: {url}")


def path_of(web, url: str) -> str:
    return local(web, url)[len(web.base):]


@pytest.fixture
def project(tmp_path, web):
    text = (REPO / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    for host, prefix in HOSTS.items():
        text = text.replace(host, web.url(prefix))
    text = re.sub(r"^mirrors = .*$", "", text, flags=re.M)  # the shared reference copy is not ours to test
    root = tmp_path / "proj"
    (root / "corpus" / "sources").mkdir(parents=True)
    (root / "corpus" / "manifest.toml").write_text(text, encoding="utf-8")
    return Project(root)


def real(doc_id: str) -> dict:
    return tomllib.loads((REPO / "corpus" / "manifest.toml").read_text(encoding="utf-8"))["documents"][doc_id]


def publish(web):
    """The publishers as our tests imagine them, a few years on."""
    # Five Year Forward View: the upload moved; the taskforce page links the new one
    fyfv = real("fyfvmh")
    web.route(path_of(web, fyfv["url"]), b"<html>moved</html>", "text/html", status=404)
    web.page(path_of(web, fyfv["page_url"]), ippr_page([
        ("Implementing the Five Year Forward View for Mental Health", "/nhse/uploads/2016/07/fyfv-mh.pdf"),
        ("The Five Year Forward View for Mental Health (PDF)", "/nhse/uploads/2016/02/taskforce-report.pdf"),
        ("The Five Year Forward View for Mental Health: easy read", "/nhse/uploads/2016/02/easy-read.pdf"),
    ]))
    web.route("/nhse/uploads/2016/02/taskforce-report.pdf", pdf("fyfvmh"))
    web.route("/nhse/uploads/2016/02/easy-read.pdf", pdf("fyfvmh easy read"))
    # the implementation plan: its file is where the manifest says
    web.route(path_of(web, real("fyfvmh-implementation")["url"]), pdf("fyfvmh-implementation"))
    # Stepping Forward: the old site is gone; the UK Government Web Archive has it
    sf = real("stepping-forward")["url"]
    web.route(path_of(web, sf), b"<html>gone</html>", "text/html", status=410)
    web.ukgwa_capture(local(web, sf), "20170801093000", pdf("stepping-forward"))
    web.ukgwa_capture(local(web, sf), "20220101000000", pdf("a later replacement"))
    # the Darzi reports: a think tank's pages, several PDFs each
    web.page(path_of(web, real("darzi-review-interim")["url"]), ippr_page([
        ("Download the interim report", "/ippr/files/2018-04/darzi-interim.pdf"),
        ("Read the summary", "/ippr/files/2018-04/darzi-interim-summary.pdf"),
    ]))
    web.page(path_of(web, real("darzi-review-final")["url"]), ippr_page([
        ("Download the summary", "/ippr/files/2018-06/darzi-summary.pdf"),
        ("Better health and care for all: the final report", "/ippr/files/2018-06/better-health.pdf"),
        ("The interim report", "/ippr/files/2018-04/darzi-interim.pdf"),
    ]))
    web.route("/ippr/files/2018-04/darzi-interim.pdf", pdf("darzi-review-interim"))
    web.route("/ippr/files/2018-04/darzi-interim-summary.pdf", pdf("interim summary"))
    web.route("/ippr/files/2018-06/darzi-summary.pdf", pdf("final summary"))
    web.route("/ippr/files/2018-06/better-health.pdf", pdf("darzi-review-final"))
    # Thriving at Work: the asset address is gone; the Content API lists two attachments
    taw = real("thriving-at-work")
    web.route(path_of(web, taw["url"]), b"<html>nope</html>", "text/html", status=404)
    api = "/govuk/api/content" + taw["page_url"][len("https://www.gov.uk"):]
    web.json(api, govuk_item("Thriving at work", [
        govuk_attachment(1, "Thriving at work: a review of mental health and employers",
                         web.url("/assets/media/abc/thriving-at-work-review.pdf"), "thriving-at-work-review.pdf"),
        govuk_attachment(2, "Thriving at work: easy read", web.url("/assets/media/def/easy-read.pdf"), "easy-read.pdf"),
    ]))
    web.route("/assets/media/abc/thriving-at-work-review.pdf", pdf("thriving-at-work"))
    web.route("/assets/media/def/easy-read.pdf", pdf("thriving easy read"))
    # Improving Lives (2017): the old asset address redirects to the new one
    il = real("improving-lives-2017")["url"]
    new = "/assets/media/123/improving-lives.pdf"
    web.route(path_of(web, il), handler=lambda h, q: h.redirect(new, 301))
    web.route(new, pdf("improving-lives-2017"))
    # the green paper: asset gone, no Content API answer, the page's attachment markup
    gp = real("improving-lives-green-paper")
    web.route(path_of(web, gp["url"]), b"<html>nope</html>", "text/html", status=404)
    web.page(path_of(web, gp["page_url"]), govuk_page([
        ("Improving lives: the work, health and disability green paper (easy read)", web.url("/assets/gp-easy.pdf")),
        ("Improving lives: the work, health and disability green paper", web.url("/assets/gp.pdf")),
        ("Improving lives: response form", web.url("/assets/gp-form.pdf")),
    ]))
    web.route("/assets/gp.pdf", pdf("improving-lives-green-paper"))
    web.route("/assets/gp-easy.pdf", pdf("green paper easy read"))
    web.route("/assets/gp-form.pdf", pdf("green paper form"))


def test_every_policy_document_of_the_default_corpus_arrives(project, web):
    publish(web)
    settings = web.settings(deadline=5.0)
    policy = [doc_id for doc_id, t in tomllib.loads(project.manifest_path.read_text())["documents"].items()
              if t.get("kind", "policy") == "policy"]
    assert len(policy) == 8
    report = fetch_all(project, policy, settings=settings)
    for r in report.results:
        assert r.status == "downloaded", f"{r.doc_id}: {r.message}"
        assert r.path.read_bytes() == pdf(r.doc_id), r.doc_id
    manifest = tomllib.loads(project.manifest_path.read_text())["documents"]
    got = {doc_id: manifest[doc_id]["retrieved"] for doc_id in policy}
    assert got["stepping-forward"]["from"] == "ukgwa" and got["stepping-forward"]["capture"].startswith("2017-08-01")
    assert got["improving-lives-2017"]["final_url"] == web.url("/assets/media/123/improving-lives.pdf")
    for doc_id in ("thriving-at-work", "improving-lives-green-paper", "fyfvmh"):
        assert manifest[doc_id]["page_url"] == local(web, real(doc_id)["page_url"])
        assert got[doc_id]["page_url"] == manifest[doc_id]["page_url"]
    for doc_id in ("darzi-review-interim", "darzi-review-final"):
        # the landing page became page_url, the file it offered became url
        assert manifest[doc_id]["page_url"] == local(web, real(doc_id)["url"])
        assert manifest[doc_id]["url"].endswith(".pdf")
    assert all(manifest[d]["sha256"] == got[d]["sha256"] for d in policy)
    assert not [p for p in project.sources_dir.iterdir() if p.name.endswith(".part")]
    # the easy-read and summary versions were never downloaded
    assert web.requested("easy-read") == 0 and web.requested("summary.pdf") == 0 and web.requested("gp-easy") == 0


def test_the_shipped_manifest_is_ready_for_fetch():
    """Every policy document has a licence, an address and url_checked; a file
    address of a document with a landing page is a file."""
    docs = tomllib.loads((REPO / "corpus" / "manifest.toml").read_text(encoding="utf-8"))["documents"]
    for doc_id, t in docs.items():
        assert t.get("licence"), doc_id
        if t.get("kind", "policy") != "policy":
            continue
        assert t.get("url"), doc_id
        assert t.get("url_checked") is False, doc_id  # nobody has opened them from here
        if t.get("page_url"):
            assert re.search(r"\.pdf$", t["url"], re.I), doc_id
