"""The site shows a report as its pages showed it: tables as tables with
their captions, charts folded away, the contents page as links to the pages
it names, note calls linked to their notes and back, text read by OCR with
its badge; checked in the HTML and in Chromium (our own generated PDFs)."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

import pytest

from conftest import IN_CI, run_cli
from bench.layout import (CALLED_NOTES, LAYOUT_SECTIONS, RULED_ROWS, TABLE_NOTE, UNRULED_ROWS,
                            make_layout_report_pdf)

DOC = "widgets-in-numbers"


@pytest.fixture(scope="module")
def layout_site(tmp_path_factory):
    from scrutiny.init import init_project
    from scrutiny.manifest import update_documents
    from scrutiny.project import Project
    from scrutiny.site import build_site

    root = tmp_path_factory.mktemp("layout-site") / "proj"
    init_project(root)
    pdf = root.parent / f"{DOC}.pdf"
    make_layout_report_pdf(pdf)
    files = [pdf]
    if shutil.which("tesseract"):
        from bench.fixtures import CONTEXT_PARA, ReportWriter
        from bench.layout import rasterised

        w = ReportWriter(header=None, footer=False)
        w.heading("Widget depots after the winter", 1)
        w.paragraph(CONTEXT_PARA)
        w.save(root.parent / "depot-letter.pdf")
        files.append(rasterised(root.parent, root.parent / "depot-letter.pdf"))
    elif IN_CI:
        pytest.fail("tesseract is required in CI (tesseract-ocr, tesseract-ocr-eng)")
    result = run_cli("ingest", *files, "--ocr", "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    update_documents(root / "corpus" / "manifest.toml", {
        DOC: {"licence": "OGL-UK-3.0", "url": "https://example.org/widgets.pdf"},
        "depot-letter-scan": {"licence": "OGL-UK-3.0"}})
    assert run_cli("ingest", "--no-tag", root=root).exit_code == 0
    project = Project(root)
    build_site(project)
    return project


def _page(project, doc=DOC) -> str:
    return (project.site_dir / "doc" / doc / "index.html").read_text(encoding="utf-8")


class _Tables(HTMLParser):
    """The tables of a page: [{"caption", "head": [...], "rows": [[...]]}]."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._where = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif tag == "caption":
            self._where = "caption"
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell, self._where = "", tag

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            t = self.tables[-1]
            (t["head"] if tag == "th" else t["rows"][-1]).append(self._cell.strip())
            self._cell = None
        if tag in ("caption", "th", "td"):
            self._where = None

    def handle_data(self, data):
        if self._where == "caption":
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell += data


def test_tables_are_tables_with_their_caption_and_header(layout_site):
    parser = _Tables()
    parser.feed(_page(layout_site))
    got = {t["caption"]: [t["head"]] + [r for r in t["rows"] if r] for t in parser.tables}
    assert got == {"Table 1: Repairs booked by district": RULED_ROWS,
                   "Table 2: Yearly costs of each depot": UNRULED_ROWS}


def test_a_chart_is_folded_away_under_its_caption(layout_site):
    html = _page(layout_site)
    m = re.search(r'<details class="psg-text fig"><summary>(.*?)</summary><p>(.*?)</p></details>', html)
    assert m and m.group(1).startswith("Figure 1: Repairs booked each month")
    assert "Jan" in m.group(2) and "410" in m.group(2) and "Figure 1" not in m.group(2)
    assert "<details open" not in html


def test_the_contents_page_links_to_the_pages_it_names(layout_site):
    html = _page(layout_site)
    nav = re.search(r'<nav class="psg-text contents-page".*?</nav>', html).group()
    links = re.findall(r'<li><a href="#page-(\d+)">(.*?)</a> <span class="contents-pg">(.*?)</span></li>', nav)
    assert [(text, printed) for _, text, printed in links] == LAYOUT_SECTIONS
    for physical, text, printed in links:
        # the marker the entry links to says the printed page, and the heading follows it
        marker = html.index(f'id="page-{physical}"><span>Page {printed}</span>')
        assert html.index(f'<h2 class="psg-text psg-h">{text}</h2>', marker) - marker < 600
    # a Cite and a Copy link control on what the document says, not on its headings, contents or cover
    kinds = re.findall(r'<div class="psg psg-(\w+)"', html)
    content = [k for k in kinds if k not in ("heading", "contents", "front_matter")]
    assert "heading" in kinds and "contents" in kinds and len(content) < len(kinds)
    assert html.count('class="cite-btn"') == html.count('class="copy-btn"') == len(content)


def test_note_calls_link_to_their_notes_and_back(layout_site):
    html = _page(layout_site)
    calls = re.findall(r'<sup class="note-call"><a id="(call-[^"]+)" href="#p-([^"]+)" aria-label="Note (\d)">\d</a>'
                       r'</sup>', html)
    assert [mark for *_, mark in calls] == ["1", "2", "3"]  # two in a paragraph, one in a table
    for (anchor, note, mark), text in zip(calls, CALLED_NOTES):
        block = html[html.index(f'id="p-{note}"'):]
        block = block[:block.index("</div>")]
        assert f"{mark} {text}" in block and f'<a class="note-back" href="#{anchor}"' in block
    # the quotation keeps no call: the passage text the Cite control quotes is the same
    assert "calls in the year.1" not in html
    # a call in a table cell: under the table, linked to its note, which links back
    m = re.search(r'</table><p class="tbl-notes">Notes: <sup class="note-call"><a id="(call-[^"]+)" '
                  r'href="#p-([^"]+)" aria-label="Note 3">3</a></sup></p>', html)
    assert m
    note = html[html.index(f'id="p-{m.group(2)}"'):]
    assert TABLE_NOTE in note[:note.index("</div>")] and f'href="#{m.group(1)}"' in note[:note.index("</div>")]


def test_text_read_by_ocr_wears_a_badge(layout_site):
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed")
    html = _page(layout_site, "depot-letter-scan")
    assert re.search(r'<span class="badge badge-ocr" title="Text recognised by OCR, confidence \d{2,3}%\.[^"]*">'
                     r'OCR \d{2,3}%</span>', html)


def test_the_layout_site_has_no_broken_links(layout_site):
    from scrutiny.site.linkcheck import check_site

    assert check_site(layout_site.site_dir)[0] == []


# -- in Chromium --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(layout_site, chromium):
    """The layout site over HTTP, in the session's one Chromium (conftest.chromium)."""
    from bench.browser import serve

    with serve(layout_site.site_dir) as server:
        yield chromium, server.url


@pytest.mark.browser
def test_in_chromium_contents_links_notes_and_the_folded_chart_work(served):
    browser, url = served
    pg = browser.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(url + f"doc/{DOC}/")
    pg.click("nav.contents-page a >> text=Repairs by district")
    assert pg.url.endswith("#page-4")
    assert pg.locator("#page-4").is_visible() and pg.locator("table.tbl caption").first.is_visible()
    chart = pg.locator("details.fig")
    assert chart.locator("p").is_hidden()  # folded away until asked for
    chart.locator("summary").click()
    assert chart.locator("p").is_visible()
    pg.click("sup.note-call a >> nth=1")
    note = pg.url.split("#")[1]
    assert pg.locator(f"#{note}").is_visible() and CALLED_NOTES[1] in pg.locator(f"#{note}").inner_text()
    pg.click(f"#{note} a.note-back")
    assert pg.url.split("#")[1].startswith("call-")
    assert errors == []
    pg.close()


@pytest.mark.browser
@pytest.mark.parametrize("style", ["harvard", "bibtex"])
def test_in_chromium_the_cite_control_says_ocr_as_scrutiny_cite_does(served, layout_site, style):
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed")
    import json

    browser, url = served
    result = run_cli("search", "clinical leads evidence", "--json", root=layout_site.root)
    pid = json.loads(result.output)["hits"][0]["passage_id"]
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.goto(url + "doc/depot-letter-scan/")
    pg.click(f"#p-{pid} .cite-btn")
    pg.check(f"#cite-panel input[value={style}]")
    pg.fill("#cite-accessed", "2024-05-06")      # the reader's accessed date
    pg.click("#cite-copy")
    pg.locator("#cite-status", has_text="Copied").wait_for()
    copied = pg.evaluate("navigator.clipboard.readText()")
    context.close()
    expected = run_cli("cite", pid, "--style", style, "--base-url", url.rstrip("/"), "--accessed", "2024-05-06",
                       root=layout_site.root).output
    assert copied.rstrip("\n") == expected.rstrip("\n")
    assert "Text recognised by OCR, confidence" in copied


def test_a_table_going_on_from_the_page_before_has_no_header_row():
    from scrutiny.site.layout import table_rows

    from scrutiny.passages import Passage

    def table(rows):
        return Passage("d-t", "d", 0, "table", 1, 1, "", layout={"rows": rows})

    head = table([["Date", "What was sent"], ["1991", "A green paper"], ["1993", "A white paper"]])
    going_on = table([["1998", "A campaign of adverts, leaflets and a website for women"], ["1999", "A helpline"]])
    assert table_rows(head) == (["Date", "What was sent"], [["1991", "A green paper"], ["1993", "A white paper"]])
    assert table_rows(going_on)[0] is None and len(table_rows(going_on)[1]) == 2


@pytest.mark.browser
def test_in_chromium_axe_finds_no_serious_violations_on_a_laid_out_page(served):
    from pathlib import Path

    import axe_playwright_python

    browser, url = served
    context = browser.new_context(bypass_csp=True)  # only to inject axe itself
    pg = context.new_page()
    pg.goto(url + f"doc/{DOC}/")
    pg.wait_for_load_state("networkidle")
    pg.locator("details.fig summary").click()  # the chart's text open too
    pg.add_script_tag(content=(Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    result = pg.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    context.close()
    assert len(result["passes"]) > 10
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], "; ".join(bad)
