"""fetch against a local imitation of the publishers and the archives (127.0.0.1):
landing pages, archives, provenance, robust downloads, pinned hashes, --check.
The real hosts are never contacted: every address in these tests is local."""

from __future__ import annotations

import hashlib
import json
import time
import tomllib

import pytest

from helpers_fetch import (Web, dropping, drip, govuk_attachment, govuk_item, govuk_page, ippr_page, pdf)
from scrutiny.fetch import FetchSettings, fetch_all, fetch_document, sha256_file
from scrutiny.manifest import DocumentEntry, load_manifest
from scrutiny.project import Project


@pytest.fixture(scope="module")
def server():
    web = Web()
    yield web
    web.close()


@pytest.fixture
def web(server):
    server.reset()
    yield server
    server.reset()


def write_manifest(project: Project, body: str) -> None:
    project.manifest_path.write_text('[project]\nname = "t"\n\n[documents]\n' + body, encoding="utf-8")


def doc_table(doc_id: str, **fields) -> str:
    lines = [f"[documents.{doc_id}]"]
    fields.setdefault("title", "A test document")
    for k, v in fields.items():
        if isinstance(v, bool):
            lines.append(f"{k} = {'true' if v else 'false'}")
        elif isinstance(v, list):
            lines.append(f"{k} = [{', '.join(repr(x) for x in v)}]".replace("'", '"'))
        else:
            lines.append(f'{k} = "{v}"')
    return "\n".join(lines) + "\n\n"


def manifest_doc(project: Project, doc_id: str) -> dict:
    return tomllib.loads(project.manifest_path.read_text(encoding="utf-8"))["documents"][doc_id]


def no_parts(project: Project) -> bool:
    return not [p for p in project.root.rglob("*") if p.name.endswith(".part")]


def entry(url, source="doc.pdf", **extra):
    return DocumentEntry(id="doc", title="Doc", url=url, source=source, extra=extra)


# --- plain downloads ----------------------------------------------------------------

def test_download_records_provenance_in_the_manifest(project, web):
    body = pdf("plain")
    web.route("/nhse/plan.pdf", body)
    write_manifest(project, doc_table("plan", url=web.url("/nhse/plan.pdf"), source="plan.pdf", url_checked=False))
    report = fetch_all(project, settings=web.settings())
    r = report.results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "plan.pdf").read_bytes() == body
    table = manifest_doc(project, "plan")
    assert table["sha256"] == hashlib.sha256(body).hexdigest()
    assert table["url_checked"] is True
    got = table["retrieved"]
    assert got["from"] == "live" and got["url"] == web.url("/nhse/plan.pdf")
    assert got["content_type"] == "application/pdf" and got["size"] == len(body)
    assert got["sha256"] == table["sha256"] and got["at"].endswith("Z")
    agent = next(h for _, p, h in web.log if p == "/nhse/plan.pdf")["User-Agent"]
    assert agent.startswith("scrutiny/") and "research" in agent
    # a second run leaves the present file alone
    assert fetch_all(project, settings=web.settings()).results[0].status == "present"
    assert web.requested("/nhse/plan.pdf") == 1


def test_size_cap_and_offline_notice(tmp_path, web):
    web.route("/big.pdf", pdf("big", 5000))
    r = fetch_document(tmp_path, entry(web.url("/big.pdf")), settings=web.settings(archives=False), max_bytes=1000)
    assert r.status == "failed" and "cap" in r.message
    # a port nobody listens on: what was tried, and where to put the file by hand
    r = fetch_document(tmp_path, entry("http://127.0.0.1:9/doc.pdf"), settings=web.settings(archives=False))
    assert r.status == "failed"
    assert "cannot connect" in r.message and "by hand at corpus/sources/doc.pdf" in r.message
    assert list((tmp_path / "corpus" / "sources").glob("*")) == []


def test_no_url_says_where_to_put_the_file(tmp_path):
    r = fetch_document(tmp_path, entry(None, source="hand.pdf"))
    assert r.status == "missing" and "corpus/sources/hand.pdf" in r.message


def test_mirror_inside_the_project_is_copied(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "copy.txt").write_text("Our own mirrored text.\n")
    r = fetch_document(tmp_path, entry("http://127.0.0.1:9/x.txt", source="x.txt", mirrors=["elsewhere/copy.txt"]))
    assert r.status == "copied"
    assert (tmp_path / "corpus" / "sources" / "x.txt").read_text() == "Our own mirrored text.\n"
    assert r.provenance.source == "mirror"


# --- landing pages --------------------------------------------------------------------

def test_govuk_page_resolves_through_the_content_api(project, web):
    review, easy = pdf("the review"), pdf("easy read")
    web.route("/assets/review.pdf", review)
    web.route("/assets/easy-read.pdf", easy)
    page = "/govuk/government/publications/thriving-at-work-a-review"
    web.page(page, "<html><body>Should not be needed</body></html>")
    web.json("/govuk/api/content/government/publications/thriving-at-work-a-review", govuk_item("Thriving", [
        govuk_attachment(1, "Thriving at work: easy read", web.url("/assets/easy-read.pdf"), "easy-read.pdf"),
        govuk_attachment(2, "Thriving at work: a review of mental health and employers",
                         web.url("/assets/review.pdf"), "review.pdf"),
    ]))
    write_manifest(project, doc_table("taw", title="Thriving at Work: the Stevenson/Farmer review of mental "
                                      "health and employers", url=web.url(page), source="taw.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "taw.pdf").read_bytes() == review
    assert "matches the title best" in r.message
    table = manifest_doc(project, "taw")
    assert table["page_url"] == web.url(page)
    assert table["url"] == web.url("/assets/review.pdf")
    assert table["retrieved"]["page_url"] == web.url(page)
    assert web.requested(page) == 0  # the API answered: the HTML page was not needed
    assert web.requested("/assets/easy-read.pdf") == 0


def test_govuk_page_markup_when_the_api_does_not_answer(project, web):
    web.route("/assets/main.pdf", pdf("main"))
    web.route("/assets/easy.pdf", pdf("easy"))
    page = "/govuk/government/publications/improving-lives"
    web.page(page, govuk_page([("Improving lives: easy read", web.url("/assets/easy.pdf")),
                               ("Improving lives: the future of work, health and disability",
                                web.url("/assets/main.pdf"))]))
    write_manifest(project, doc_table("il", title="Improving Lives: the Future of Work, Health and Disability",
                                      url=web.url(page), source="il.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "il.pdf").read_bytes() == pdf("main")
    assert any("Content API" in a.what and "404" in a.outcome for a in r.attempts)


def test_publisher_page_picks_the_best_pdf_and_says_why(project, web):
    web.route("/ippr/files/final.pdf", pdf("final"))
    web.route("/ippr/files/summary.pdf", pdf("summary"))
    web.route("/ippr/files/interim.pdf", pdf("interim"))
    page = "/ippr/research/publications/better-health-and-care-for-all"
    web.page(page, ippr_page([("Download the summary", "/ippr/files/summary.pdf"),
                              ("Download the final report", "/ippr/files/final.pdf"),
                              ("Read the interim report", "/ippr/files/interim.pdf")]))
    write_manifest(project, doc_table(
        "final", title="Better health and care for all: the final report of the Lord Darzi Review",
        url=web.url(page), source="final.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "final.pdf").read_bytes() == pdf("final")
    assert "Download the final report" in r.message and "matches the title best" in r.message
    table = manifest_doc(project, "final")
    assert table["page_url"] == web.url(page) and table["url"] == web.url("/ippr/files/final.pdf")


def two_volumes(web, project):
    web.route("/ippr/files/a.pdf", pdf("volume one"))
    web.route("/ippr/files/b.pdf", pdf("volume two"))
    page = "/ippr/research/two-volumes"
    web.page(page, ippr_page([("Workforce report volume one", "/ippr/files/a.pdf"),
                              ("Workforce report volume two", "/ippr/files/b.pdf")]))
    write_manifest(project, doc_table("wf", title="Workforce report", url=web.url(page), source="wf.pdf"))


def test_close_candidates_are_listed_and_pick_chooses(project, web):
    two_volumes(web, project)
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "ambiguous"
    assert "--pick N" in r.message
    assert "1. Workforce report volume one" in r.message and "2. Workforce report volume two" in r.message
    assert not (project.sources_dir / "wf.pdf").exists() and web.requested("/ippr/files/") == 0
    r = fetch_all(project, ["wf"], settings=web.settings(), pick=2).results[0]
    assert r.status == "downloaded", r.message
    assert "your pick (--pick 2)" in r.message
    assert (project.sources_dir / "wf.pdf").read_bytes() == pdf("volume two")
    assert manifest_doc(project, "wf")["url"] == web.url("/ippr/files/b.pdf")


@pytest.fixture
def local_env(web, monkeypatch):
    """The CLI's settings, from the environment, pointed at the local imitation."""
    s = web.settings()
    for key, value in (("SCRUTINY_GOVUK_URL", s.govuk_url), ("SCRUTINY_UKGWA_URL", s.ukgwa_url),
                       ("SCRUTINY_WAYBACK_URL", s.wayback_url), ("SCRUTINY_WAYBACK_API_URL", s.wayback_api_url),
                       ("NO_PROXY", "127.0.0.1,localhost")):
        monkeypatch.setenv(key, value)
    return web


def test_pick_through_the_cli(project, local_env, cli_runner):
    two_volumes(local_env, project)
    res = cli_runner("fetch", "--root", project.root)
    assert res.exit_code == 1
    assert "wf: ambiguous" in res.output and "--pick N" in res.output
    res = cli_runner("fetch", "--pick", "1", "--root", project.root)
    assert res.exit_code == 1 and "exactly one DOC_ID" in res.output
    res = cli_runner("fetch", "wf", "--pick", "1", "--root", project.root)
    assert res.exit_code == 0, res.output
    assert (project.sources_dir / "wf.pdf").read_bytes() == pdf("volume one")
    res = cli_runner("fetch", "wf", "--pick", "7", "--force", "--root", project.root)
    assert res.exit_code == 1 and "the page offers 3 candidate(s)" in res.output


# --- archives -----------------------------------------------------------------------

def test_a_gone_file_comes_from_the_uk_government_web_archive(project, web):
    original = "https://www.hee.nhs.uk/sites/default/files/documents/plan.pdf"
    write_manifest(project, doc_table("sf", title="Stepping forward", url=web.url("/hee/plan.pdf"),
                                      source="sf.pdf", date="2017-07"))
    real = web.url("/hee/plan.pdf")
    web.route("/hee/plan.pdf", b"<html>gone</html>", "text/html", status=404)
    web.ukgwa_capture(real, "20150101120000", pdf("an older file at that address"))
    web.ukgwa_capture(real, "20180302101112", pdf("the plan"))
    web.ukgwa_capture(real, "20240101000000", pdf("a later file"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "sf.pdf").read_bytes() == pdf("the plan")  # nearest to 2017-07
    assert "UK Government Web Archive, capture of 2018-03-02" in r.message
    got = manifest_doc(project, "sf")["retrieved"]
    assert got["from"] == "ukgwa" and got["capture"] == "2018-03-02T10:11:12Z"
    assert got["url"] == real and got["archive_url"].endswith(f"/ukgwa/20180302101112/{real}")
    assert web.requested(f"/ukgwa/20180302101112id_/{real}") == 1  # the raw capture, not the wrapped page
    assert original not in str(web.log)
    assert r.provenance.describe().startswith("retrieved from the UK Government Web Archive, capture of 2018-03-02")


def test_wayback_when_the_government_archive_has_nothing(project, web):
    real = web.url("/ippr/files/gone.pdf")
    write_manifest(project, doc_table("g", title="Gone", url=real, source="g.pdf", date="2018-04"))
    web.wayback_capture(real, "20160101000000", pdf("too early"))
    web.wayback_capture(real, "20180410080000", pdf("the capture"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "g.pdf").read_bytes() == pdf("the capture")
    got = manifest_doc(project, "g")["retrieved"]
    assert got["from"] == "wayback" and got["capture"].startswith("2018-04-10")
    assert web.requested("/ukgwa/cdx") == 1 and web.requested("/wayback-api/wayback/available") == 1


def test_an_html_page_where_a_pdf_was_expected_falls_back_to_the_archive(project, web):
    real = web.url("/nhse/report.pdf")
    web.page("/nhse/report.pdf", "<html><body><p>Please log in to read this report.</p></body></html>")
    web.ukgwa_capture(real, "20170101000000", pdf("archived report"))
    write_manifest(project, doc_table("r", url=real, source="r.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert any("HTML page" in a.outcome for a in r.attempts)
    assert any("links to no PDF" in a.outcome for a in r.attempts)
    assert manifest_doc(project, "r")["retrieved"]["from"] == "ukgwa"
    assert no_parts(project)


def test_archived_landing_page_leads_to_the_archived_file(project, web):
    page = web.url("/hee/our-work/plan")
    file_url = web.url("/hee/files/plan.pdf")
    web.ukgwa_capture(page, "20171001000000",
                      ippr_page([("The mental health workforce plan", file_url)]).encode(), "text/html")
    web.ukgwa_capture(file_url, "20171002000000", pdf("plan via page"))
    write_manifest(project, doc_table("p", title="The mental health workforce plan", page_url=page,
                                      source="p.pdf", date="2017-07"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "p.pdf").read_bytes() == pdf("plan via page")


def test_nothing_anywhere_says_what_was_tried(project, web):
    write_manifest(project, doc_table("x", url=web.url("/nhse/missing.pdf"), source="x.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "failed"
    assert "HTTP 404" in r.message and "no capture" in r.message
    assert "UK Government Web Archive" in r.message and "Wayback" in r.message
    assert r.message.endswith("put the file by hand at corpus/sources/x.pdf")


# --- robust downloads -----------------------------------------------------------------

def test_redirect_chain_is_followed_and_recorded(project, web):
    web.route("/a", handler=lambda h, q: h.redirect("/b"))
    web.route("/b", handler=lambda h, q: h.redirect("/files/c.pdf", 301))
    web.route("/files/c.pdf", pdf("after redirects"))
    write_manifest(project, doc_table("c", url=web.url("/a"), source="c.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert "2 redirect(s)" in r.message
    assert manifest_doc(project, "c")["retrieved"]["final_url"] == web.url("/files/c.pdf")


def test_redirect_loop_is_named(tmp_path, web):
    web.route("/x", handler=lambda h, q: h.redirect("/y"))
    web.route("/y", handler=lambda h, q: h.redirect("/x"))
    r = fetch_document(tmp_path, entry(web.url("/x")), settings=web.settings(archives=False))
    assert r.status == "failed" and "redirects in a loop" in r.message
    assert not list(tmp_path.rglob("*.part"))


def test_a_trickling_server_is_cut_off(tmp_path, web):
    web.route("/slow.pdf", handler=drip(pdf("slow", 400), pause=0.15))
    t = time.monotonic()
    r = fetch_document(tmp_path, entry(web.url("/slow.pdf")),
                       settings=web.settings(archives=False, min_rate=100.0, rate_window=0.6, deadline=3.0))
    took = time.monotonic() - t
    assert r.status == "failed" and "too slow" in r.message, r.message
    assert took < 2.5
    assert not list(tmp_path.rglob("*.part")) and not (tmp_path / "corpus" / "sources" / "doc.pdf").exists()


def test_silence_is_cut_off_by_the_read_timeout(tmp_path, web):
    web.route("/silent.pdf", handler=drip(pdf("silent", 50), pause=3.0))
    t = time.monotonic()
    r = fetch_document(tmp_path, entry(web.url("/silent.pdf")),
                       settings=web.settings(archives=False, rate_window=0.5, deadline=3.0))
    assert r.status == "failed" and "too slow" in r.message, r.message
    assert time.monotonic() - t < 2.0
    assert not list(tmp_path.rglob("*.part"))


def test_the_overall_deadline_holds(tmp_path, web):
    # fast enough for the rate check, but the whole file would take ~4 s
    web.route("/long.pdf", handler=drip(pdf("long", 400), pause=0.01))
    t = time.monotonic()
    r = fetch_document(tmp_path, entry(web.url("/long.pdf")),
                       settings=web.settings(archives=False, min_rate=10.0, rate_window=0.5, deadline=1.0))
    assert r.status == "failed" and "deadline" in r.message, r.message
    assert time.monotonic() - t < 2.0
    assert not list(tmp_path.rglob("*.part"))


def test_a_dropped_connection_resumes_with_range(project, web):
    body = pdf("resumable", 200_000)
    handler = dropping(body, cut=50_000)
    web.route("/big.pdf", handler=handler)
    write_manifest(project, doc_table("big", url=web.url("/big.pdf"), source="big.pdf"))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "big.pdf").read_bytes() == body
    assert r.sha256 == hashlib.sha256(body).hexdigest()
    ranges = [h.get("Range") for _, p, h in web.log if p == "/big.pdf"]
    assert ranges[0] is None and ranges[1].startswith("bytes=") and int(ranges[1][6:-1]) > 0
    assert "resumed 1 time" in r.message
    assert no_parts(project)


def test_a_dropped_connection_without_range_starts_again(tmp_path, web):
    body = pdf("restart", 100_000)
    web.route("/big.pdf", handler=dropping(body, cut=30_000, ranges=False))
    r = fetch_document(tmp_path, entry(web.url("/big.pdf")), settings=web.settings(archives=False))
    assert r.status == "downloaded", r.message
    assert (tmp_path / "corpus" / "sources" / "doc.pdf").read_bytes() == body


def test_html_instead_of_pdf_is_refused(tmp_path, web):
    web.route("/landing.pdf", b"<html><body>Cookie wall</body></html>", "text/html; charset=utf-8")
    web.route("/lying.pdf", b"<!doctype html><html>login</html>", "application/octet-stream")
    for path in ("/landing.pdf", "/lying.pdf"):
        r = fetch_document(tmp_path, entry(web.url(path)), settings=web.settings(archives=False))
        assert r.status == "failed" and "HTML page" in r.message and "by hand" in r.message
    assert list((tmp_path / "corpus" / "sources").glob("*")) == []  # no partial file left


def test_at_most_four_downloads_at_once(project, web):
    import threading

    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow_pdf(h, q):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
        h.send(200, "application/pdf", pdf(h.path))

    web.route("/par/", handler=slow_pdf, prefix=True)
    write_manifest(project, "".join(doc_table(f"d{i}", url=web.url(f"/par/{i}.pdf"), source=f"d{i}.pdf")
                                    for i in range(9)))
    t = time.monotonic()
    report = fetch_all(project, settings=web.settings())
    assert all(r.status == "downloaded" for r in report.results)
    assert 2 <= state["max"] <= 4
    assert time.monotonic() - t < 9 * 0.3  # in parallel
    assert [r.doc_id for r in report.results] == [f"d{i}" for i in range(9)]


# --- pinned hashes ----------------------------------------------------------------------

def test_a_mismatching_pinned_hash_is_refused_and_never_overwrites(project, web):
    old, new = pdf("as cited"), pdf("silently revised")
    web.route("/nhse/doc.pdf", new)
    pinned = hashlib.sha256(old).hexdigest()
    write_manifest(project, doc_table("d", url=web.url("/nhse/doc.pdf"), source="d.pdf", sha256=pinned))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "refused" and "--accept-new" in r.message
    assert not (project.sources_dir / "d.pdf").exists()
    # the cited file is present: --force still refuses to replace it
    (project.sources_dir / "d.pdf").write_bytes(old)
    r = fetch_all(project, settings=web.settings(), force=True).results[0]
    assert r.status == "refused"
    assert (project.sources_dir / "d.pdf").read_bytes() == old
    assert manifest_doc(project, "d")["sha256"] == pinned
    # the user accepts the new file: the old one is kept, dated
    r = fetch_all(project, settings=web.settings(), force=True, accept_new=True).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "d.pdf").read_bytes() == new
    table = manifest_doc(project, "d")
    assert table["sha256"] == hashlib.sha256(new).hexdigest()
    kept = project.root / table["old_versions"][0]
    assert kept.parent == project.sources_dir / "versions" and kept.read_bytes() == old
    assert no_parts(project)


def test_the_pinned_file_is_found_in_an_archive(project, web):
    old, new = pdf("as cited"), pdf("revised")
    real = web.url("/nhse/doc.pdf")
    web.route("/nhse/doc.pdf", new)
    web.wayback_capture(real, "20170101000000", old)
    write_manifest(project, doc_table("d", url=real, source="d.pdf", sha256=hashlib.sha256(old).hexdigest()))
    r = fetch_all(project, settings=web.settings()).results[0]
    assert r.status == "downloaded", r.message
    assert (project.sources_dir / "d.pdf").read_bytes() == old
    assert manifest_doc(project, "d")["retrieved"]["from"] == "wayback"


# --- --check --------------------------------------------------------------------------

def test_check_says_what_moved_without_downloading(project, local_env, cli_runner):
    web = local_env
    web.route("/ok.pdf", pdf("ok", 100_000))
    web.route("/old.pdf", handler=lambda h, q: h.redirect("/new/place.pdf", 301))
    web.route("/new/place.pdf", pdf("moved"))
    web.ukgwa_capture(web.url("/gone.pdf"), "20180302000000", pdf("archived"))
    write_manifest(project, doc_table("ok", url=web.url("/ok.pdf"), source="ok.pdf", url_checked=False)
                   + doc_table("moved", url=web.url("/old.pdf"), source="moved.pdf")
                   + doc_table("gone", url=web.url("/gone.pdf"), source="gone.pdf"))
    res = cli_runner("fetch", "--check", "--root", project.root)
    assert res.exit_code == 0, res.output
    out = res.output
    assert "ok: ok" in out and "moved: moved" in out and "gone: archived only" in out
    assert f"redirect(s) to {web.url('/new/place.pdf')}" in out
    assert "UK Government Web Archive, capture of 2018-03-02" in out
    assert not any(project.sources_dir.iterdir())
    assert manifest_doc(project, "ok")["url_checked"] is True
    assert manifest_doc(project, "gone")["url_checked"] is False
    assert web.requested("id_/") == 0  # no capture was downloaded
    res = cli_runner("fetch", "--check", "--json", "--root", project.root)
    rows = json.loads(res.output)
    assert {r["doc_id"]: r["verdict"] for r in rows} == {"ok": "ok", "moved": "moved", "gone": "archived only"}
    assert rows[0]["url"]["size"] == len(pdf("ok", 100_000))


def test_settings_come_from_the_manifest_and_the_environment(project, monkeypatch):
    write_manifest(project, "")
    project.manifest_path.write_text(project.manifest_path.read_text()
                                     + '\n[fetch]\ngovuk_url = "http://127.0.0.1:1/gov/"\ndeadline = 30\n')
    monkeypatch.setenv("SCRUTINY_UKGWA_URL", "http://127.0.0.1:2/a")
    s = FetchSettings.from_project(project)
    assert s.govuk_url == "http://127.0.0.1:1/gov" and s.deadline == 30 and s.ukgwa_url == "http://127.0.0.1:2/a"
    assert s.max_parallel == 4


def test_fetched_file_hash_matches_file(tmp_path, web):
    web.route("/doc.pdf", pdf("x"))
    r = fetch_document(tmp_path, entry(web.url("/doc.pdf")), settings=web.settings())
    assert r.sha256 == sha256_file(r.path)


# --- the document page shows where the copy came from ----------------------------------

def test_the_document_page_shows_the_provenance(project):
    import re as _re

    from scrutiny.site import build_site

    write_manifest(project, doc_table("sf", title="A workforce plan", url="https://example.org/plan.pdf",
                                      source="sf.pdf")
                   + '[documents.sf.retrieved]\nfrom = "ukgwa"\nurl = "https://example.org/plan.pdf"\n'
                     'archive_url = "https://webarchive.example/ukgwa/20180302101112/https://example.org/plan.pdf"\n'
                     'capture = "2018-03-02T10:11:12Z"\nat = "2026-05-01T09:30:00Z"\n\n'
                   + doc_table("live", title="A live one", url="https://example.org/live.pdf", source="live.pdf")
                   + '[documents.live.retrieved]\nfrom = "live"\nurl = "javascript:alert(1)"\nat = "2026-05-02T00:00:00Z"\n\n')
    build_site(project)
    page = (project.site_dir / "doc" / "sf" / "index.html").read_text()
    text = " ".join(_re.sub(r"<[^>]+>", "", page).split())
    assert "Retrieved from the UK Government Web Archive, capture of 2018-03-02 (fetched 2026-05-01)." in text
    assert 'href="https://webarchive.example/ukgwa/20180302101112/https://example.org/plan.pdf"' in page
    live = (project.site_dir / "doc" / "live" / "index.html").read_text()
    text = " ".join(_re.sub(r"<[^>]+>", "", live).split())
    assert "Retrieved from the publisher&#39;s site (fetched 2026-05-02)." in text
    assert "javascript:" not in live  # a hostile address in the manifest is not made a link


def test_the_settings_are_documented():
    from conftest import REPO
    from scrutiny.manifest import FETCH_TYPES

    doc = (REPO / "docs" / "fetch.md").read_text(encoding="utf-8")
    defaults = FetchSettings()
    for key in ("govuk_url", "ukgwa_url", "wayback_url", "wayback_api_url", "archives", "deadline", "min_rate",
                "rate_window", "connect_timeout", "max_parallel", "contact"):
        assert key in FETCH_TYPES and f"`{key}`" in doc, key
    for url in (defaults.govuk_url, defaults.ukgwa_url, defaults.wayback_url, defaults.wayback_api_url):
        assert f"`{url}`" in doc
    assert f"| {defaults.deadline:g}, {defaults.min_rate:g}, {defaults.rate_window:g}, " \
           f"{defaults.connect_timeout:g}, {defaults.max_parallel} |" in doc
