"""The pieces of fetch on their own: archive answers in their three shapes,
the ranking rules of landing pages, provenance wording, leftovers of killed
runs, progress bars, JSON output."""

from __future__ import annotations

import json
import os
import time

from scrutiny.fetch import landing
from scrutiny.fetch.archive import Capture, _captures_from_rows, _ordered, _rows, target_timestamp
from scrutiny.fetch.batch import Progress, clean_stale_parts
from scrutiny.fetch.provenance import Provenance
from scrutiny.fetch.retrieve import _unwrap

C = landing.Candidate


def test_cdx_answers_in_every_shape():
    wayback = json.dumps([["timestamp", "original", "mimetype", "statuscode"],
                          ["20180302101112", "https://x.example/a.pdf", "application/pdf", "200"],
                          ["20180401000000", "https://x.example/a.pdf", "text/html", "404"]])
    pywb = "\n".join(json.dumps({"timestamp": ts, "url": "https://x.example/a.pdf", "status": "200"})
                     for ts in ("20170101000000", "20190101000000"))
    plain = "uk,example,x)/a.pdf 20160101000000 https://x.example/a.pdf application/pdf 200 ABC 1234\n"
    for text, n in ((wayback, 1), (pywb, 2), (plain, 1), ("", 0), ("[]", 0), ("not json at all", 0)):
        caps = _captures_from_rows(_rows(text), "wayback", "https://replay.example/web")
        assert len(caps) == n, text
    cap = _captures_from_rows(_rows(wayback), "wayback", "https://replay.example/web")[0]
    assert cap.raw_url == "https://replay.example/web/20180302101112id_/https://x.example/a.pdf"
    assert cap.view_url == "https://replay.example/web/20180302101112/https://x.example/a.pdf"
    assert cap.when == "2018-03-02T10:11:12Z" and cap.name == "the Internet Archive's Wayback Machine"


def test_captures_nearest_to_the_date_first():
    assert target_timestamp("2017-07") == "20170701000000"
    assert target_timestamp("2017") == "20170101000000"
    assert target_timestamp("2017-10-26") == "20171026000000" and target_timestamp(None) is None
    caps = [Capture("ukgwa", ts, "u", "r", "v") for ts in ("20150101000000", "20170801000000", "20240101000000")]
    assert [c.timestamp for c in _ordered(caps, "20170701000000")][0] == "20170801000000"
    assert [c.timestamp for c in _ordered(caps, None)][0] == "20240101000000"  # no date: the newest


def test_archive_replay_addresses_unwrap():
    assert _unwrap("https://webarchive.nationalarchives.gov.uk/ukgwa/20180302101112/https://www.gov.uk/a.pdf") \
        == "https://www.gov.uk/a.pdf"
    assert _unwrap("https://web.archive.org/web/20180302101112id_/http:/example.org/b.pdf") == "http://example.org/b.pdf"
    assert _unwrap("https://example.org/files/2018/c.pdf") == "https://example.org/files/2018/c.pdf"


def test_ranking_rules():
    title = "Thriving at Work: the Stevenson/Farmer review of mental health and employers"
    r = landing.rank([C("https://a/easy.pdf", ["Thriving at work: easy read"]),
                      C("https://a/review.pdf", ["Thriving at work: a review of mental health and employers"])],
                     title, "Thriving at Work")
    assert r.chosen.url == "https://a/review.pdf" and not r.ambiguous
    assert "matches the title best" in r.reason
    # another edition of the same report loses
    r = landing.rank([C("https://i/final.pdf", ["The final report"]), C("https://i/interim.pdf", ["The interim report"])],
                     "The Lord Darzi Review: interim report")
    assert r.chosen.url == "https://i/interim.pdf"
    # a link that is another document of the manifest loses
    r = landing.rank([C("https://n/impl.pdf", ["Implementing the Five Year Forward View for Mental Health"]),
                      C("https://n/fyfv.pdf", ["The Five Year Forward View for Mental Health"])],
                     "The Five Year Forward View for Mental Health",
                     others={"fyfvmh-implementation": "Implementing the Five Year Forward View for Mental Health"})
    assert r.chosen.url == "https://n/fyfv.pdf"
    # the only PDF is taken; none at all is said plainly; DOCX only when wanted
    r = landing.rank([C("https://p/only.pdf", ["Download"])], "Anything")
    assert r.chosen and "the only PDF" in r.reason
    r = landing.rank([C("https://p/x.docx", ["Report"])], "Report", want=(".pdf",))
    assert r.chosen is None and "no PDF" in r.reason
    # nothing matches: ask rather than guess
    r = landing.rank([C("https://p/a.pdf", ["Minutes"]), C("https://p/b.pdf", ["Agenda"])], "A workforce plan")
    assert r.ambiguous and r.chosen is None and "no link matches the title well" in r.reason
    assert landing.pick(r, 2).chosen.url in ("https://p/a.pdf", "https://p/b.pdf")


def test_links_on_a_page():
    html = """<html><head><base href="https://pub.example/reports/"></head><body>
      <a href="plan.pdf">The plan</a> <a href="plan.pdf#page=2">The plan, page 2</a>
      <a href="/files/annex.DOCX">Annex</a> <a href="javascript:alert(1)">x.pdf</a>
      <a href="mailto:a@b.example">mail.pdf</a> <a href="page.html">A page</a>
      <a href="/download?id=7" type="application/pdf">Typed link</a></body></html>"""
    links = {c.url: c for c in landing.file_links(html, "https://pub.example/x")}
    assert set(links) == {"https://pub.example/reports/plan.pdf", "https://pub.example/files/annex.DOCX",
                          "https://pub.example/download?id=7"}
    assert {"The plan", "The plan, page 2", "plan.pdf"} <= set(links["https://pub.example/reports/plan.pdf"].texts)
    assert links["https://pub.example/download?id=7"].ext == ".pdf"
    assert landing.file_links("", "https://x") == [] and landing.file_links("<<<>>>", "https://x") == []


def test_govuk_addresses():
    base = "https://www.gov.uk"
    assert landing.govuk_api_url("https://www.gov.uk/government/publications/x", base) == \
        "https://www.gov.uk/api/content/government/publications/x"
    assert landing.govuk_path("https://www.gov.uk/government/uploads/a.pdf", base) is None
    assert landing.govuk_path("https://www.gov.uk.evil.example/government/x", base) is None
    assert landing.govuk_path("http://127.0.0.1:5/govuk/government/x", "http://127.0.0.1:5/govuk") == "government/x"
    item = {"details": {"attachments": [
        {"attachment_type": "html", "url": "/government/publications/x/html-version", "title": "HTML"},
        {"attachment_type": "file", "url": "https://assets.example/a.pdf", "title": "A", "filename": "a.pdf",
         "content_type": "application/pdf"}]}}
    found = landing.from_govuk_api(json.dumps(item), "https://www.gov.uk/api/content/x")
    assert [c.url for c in found] == ["https://assets.example/a.pdf"]
    assert landing.from_govuk_api("not json", "https://x") == [] and landing.from_govuk_api("[]", "https://x") == []


def test_provenance_in_words_and_in_the_manifest():
    p = Provenance("ukgwa", url="https://a/b.pdf", archive_url="https://arch/x", capture="2018-03-02T10:11:12Z",
                   at="2026-05-01T09:30:00Z", size=10, sha256="0" * 64)
    assert p.describe() == "retrieved from the UK Government Web Archive, capture of 2018-03-02, on 2026-05-01"
    table = p.to_manifest()
    assert table["from"] == "ukgwa" and "mirror" not in table and list(table)[0] == "from"
    assert Provenance.from_manifest(table) == p
    assert Provenance.from_manifest({"url": "x"}) is None


def test_leftovers_of_a_killed_run_are_removed(tmp_path):
    old = tmp_path / ".plan.pdf.123-4.part"
    fresh = tmp_path / ".other.pdf.5-6.part"
    keep = tmp_path / "plan.pdf"
    for p in (old, fresh, keep):
        p.write_bytes(b"x")
    past = time.time() - 3600
    os.utime(old, (past, past))
    assert clean_stale_parts(tmp_path) == 1
    assert not old.exists() and fresh.exists() and keep.exists()  # a live download's file is left alone


def test_progress_bars_on_a_terminal(capsys):
    bars = Progress(2, enabled=True, slots=2)
    with bars.file("doc-a") as update:
        update(10, 100)
        update(100, 100)
    bars.done()
    bars.close()
    assert "doc-a" in capsys.readouterr().err
    off = Progress(1, enabled=False, slots=1)
    with off.file("x") as update:
        assert update is None


def test_fetch_json_output(project, cli_runner):
    project.manifest_path.write_text('[project]\nname = "t"\n\n[documents.h]\ntitle = "H"\nsource = "h.pdf"\n')
    res = cli_runner("fetch", "--json", "--root", project.root)
    assert res.exit_code == 1
    (row,) = json.loads(res.output)
    assert row["id"] == "h" and row["status"] == "missing" and "corpus/sources/h.pdf" in row["message"]
