"""The built site in headless Chromium (Playwright, Debian's /usr/bin/chromium):
search opens the right passage, the cite control copies the right text, the
network map's links resolve, hostile text runs nothing, and axe-core finds no
serious or critical accessibility violation on any page type."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.browser import CHROMIUM_ARGS, serve
from conftest import CHROMIUM, IN_CI
from helpers_site import build

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "",
    "documents": "documents/",
    "document": "doc/alpha/",
    "document-not-ingested": "doc/beta/",
    "claims": "claims/",
    "claim": "claims/new-posts/",
    "stakeholders": "stakeholders/",
    "stakeholder": "stakeholders/ann-example/",
    "network": "network/",
    "critique": "critique/",
    "essay": "critique/overview/",
    "method": "method/",
    "search": "search/?q=recovery",
    "permalink": None,  # filled in below
}


def _need_chromium():
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing and CI=true: the browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); browser tests skipped")
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        if IN_CI:
            pytest.fail("playwright is not installed and CI=true")
        pytest.skip("playwright not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _need_chromium()
    from scrutiny.init import init_project
    from scrutiny.project import Project

    import scrutiny.site.search_index as search_index

    root = tmp_path_factory.mktemp("browser") / "proj"
    init_project(root)
    project = Project(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_index, "BIG", 12)   # so that the browser also follows big posting lists
        stats, passages, kb = build(project)
    assert any((project.site_dir / "search" / "t").glob("*.json"))
    with serve(project.site_dir) as server:
        yield project, passages, kb, server.url


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    url = site[3]
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.errors = []
    pg.dialogs = []
    pg.outside = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("request", lambda r: None if r.url.startswith(url) or r.url.startswith("data:") else pg.outside.append(r.url))
    yield pg
    assert pg.errors == [], pg.errors
    assert pg.dialogs == [], pg.dialogs
    assert pg.outside == [], f"requests left the site: {pg.outside}"
    context.close()


def test_search_finds_and_opens_the_passage_with_the_match_highlighted(page, site):
    project, passages, kb, url = site
    target = passages["alpha"][4]
    page.goto(url + "search/")
    page.fill("#q", "recovery rate treatment")
    page.click("#search-form button[type=submit]")
    first = page.locator("#results li a").first
    first.wait_for()
    assert f"#p-{target.id}" in first.get_attribute("href")
    assert page.locator("#results li").first.locator("mark.hit").count() >= 2
    first.click()
    page.wait_for_url(f"**/doc/alpha/?q=recovery*#p-{target.id}")
    hits = page.locator(f"#p-{target.id} mark.hit")
    hits.first.wait_for()
    assert [h.lower() for h in hits.all_inner_texts()] == ["recovery", "rate", "treatment"]
    assert page.locator(f"#p-{target.id}").is_visible()


def test_search_filters_by_document_and_claim_kind(page, site):
    project, passages, kb, url = site
    page.goto(url + "search/?q=new&kind=statistic")
    page.locator("#results li").first.wait_for()
    hrefs = page.locator("#results li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all("claims/new-posts/" in h or passages["alpha"][1].id in h for h in hrefs)
    page.goto(url + "search/?q=recovery&doc=overview")
    page.locator("#results li").first.wait_for()
    hrefs = page.locator("#results li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all("doc/overview/" in h for h in hrefs)


def test_quoted_phrase_must_appear_as_written(page, site):
    project, passages, kb, url = site
    target = passages["alpha"][4]
    page.goto(url + "search/?q=" + '"recovery rate of fifty"')
    page.locator("#results li").first.wait_for()
    hrefs = page.locator("#results li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert len(hrefs) == 1 and f"#p-{target.id}" in hrefs[0]
    page.goto(url + "search/?q=" + '"fifty rate recovery"')
    page.locator("#search-status", has_text="No result has the exact phrase").wait_for()
    assert page.locator("#results li").count() == 0


def _expected_citation(project, passage, style, base):
    """What `scrutiny cite` makes for this passage (without the accessed date)."""
    from scrutiny.cite.bibtex import to_bibtex
    from scrutiny.cite.csl import csl_item
    from scrutiny.cite.styles import render
    from scrutiny.site.context import gather

    ctx = gather(project)
    doc = ctx.docs_by_id[passage.doc_id]
    ctx.store.close()
    item = csl_item(doc, passage, base_url=base)
    item.pop("accessed", None)
    return to_bibtex(item) if style == "bibtex" else render(item, style)[0]


@pytest.mark.parametrize("style", ["harvard", "apa", "bibtex"])
def test_cite_control_copies_the_right_citation(page, site, style):
    project, passages, kb, url = site
    p = passages["alpha"][6]          # pages 2-3
    page.goto(url + "doc/alpha/")
    page.click(f"#p-{p.id} .cite-btn")
    page.check(f"#cite-panel input[value={style}]")
    page.click("#cite-copy")
    page.locator("#cite-status", has_text="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = _expected_citation(project, p, style, url.rstrip("/"))
    assert copied == expected
    assert f"{url}p/{p.id}/" in copied
    assert ("2–3" in copied) or ("2--3" in copied)


def test_copy_link_gives_a_permalink_that_resolves(page, site):
    project, passages, kb, url = site
    p = passages["alpha"][2]
    page.goto(url + "doc/alpha/")
    page.click(f"#p-{p.id} .copy-btn")
    page.locator(f"#p-{p.id} .copy-note", has_text="Copied").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{url}p/{p.id}/"
    page.goto(link)
    page.wait_for_url(f"**/doc/alpha/#p-{p.id}")
    assert page.locator(f"#p-{p.id}").is_visible()


def test_network_map_links_resolve(page, site):
    project, passages, kb, url = site
    page.goto(url + "network/")
    hrefs = page.locator("svg.netmap a").evaluate_all("els => els.map(e => e.href.baseVal || e.getAttribute('href'))")
    assert len(hrefs) == len(kb.stakeholders)
    for href in hrefs:
        resp = page.goto(url + "network/" + href if not href.startswith("http") else href)
        assert resp.status == 200
        assert page.locator("h1").inner_text()


NETMAP_JS = """() => {
  const t = [...document.querySelectorAll('svg.netmap text')].map(e => { const b = e.getBBox(); return [e.textContent, b.x, b.y, b.width, b.height]; });
  const overlaps = [];
  for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) {
    const a = t[i], b = t[j];
    const w = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
    const h = Math.min(a[2] + a[4], b[2] + b[4]) - Math.max(a[2], b[2]);
    if (w > 0.5 && h > 0.5) overlaps.push([a[0], b[0]]);
  }
  const svg = document.querySelector('svg.netmap');
  const vb = svg.viewBox.baseVal, box = svg.getBBox();
  return {texts: t.length, overlaps,
          inside: box.x >= vb.x && box.y >= vb.y && box.x + box.width <= vb.x + vb.width && box.y + box.height <= vb.y + vb.height,
          svg: svg.getBoundingClientRect().width, parent: svg.parentElement.clientWidth,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("width", [1280, 900])
def test_network_map_text_does_not_overlap_and_fits_the_page(browser, site, width):
    project, passages, kb, url = site
    pg = browser.new_page(viewport={"width": width, "height": 900})
    try:
        pg.goto(url + "network/")
        m = pg.evaluate(NETMAP_JS)
    finally:
        pg.close()
    assert m["texts"] > len(kb.stakeholders)          # names and tie labels
    assert m["overlaps"] == []                         # as the browser measures the rendered text
    assert m["inside"]                                 # nothing drawn outside the viewBox
    assert m["svg"] <= m["parent"] + 1                 # scaled to its box, not clipped
    assert m["page"] <= m["viewport"]                  # no sideways scrolling of the page


def test_hostile_text_runs_nothing(page, site):
    project, passages, kb, url = site
    page.goto(url + "doc/evil/")
    assert "<script>" in page.title()
    assert "<img src=x onerror=" in page.locator("article").inner_text()
    page.goto(url + "search/?q=zebrafish")
    page.locator("#results li").first.wait_for()
    text = page.locator("#results").inner_text()
    assert '<script>alert("title")</script>' in text
    assert 'onerror="window.__xss = 2">' in text and 'href="javascript:window.__xss=3"' in text
    assert page.evaluate("window.__xss") is None
    assert page.locator("#results img").count() == 0
    page.goto(url + "critique/overview/")
    assert page.evaluate("window.__xss") is None


def test_tokenizers_agree(page, site):
    from scrutiny.site.search_index import tokenize

    url = site[3]
    page.goto(url + "search/")
    samples = ["21,000 new posts", "The £1.8 billion Sustainability Fund", "Mind's policies, cafés",
               "IAPT’s 50% recovery rate", "Boxes   and classes; STATISTICS 2016/17"]
    assert page.evaluate("s => s.map(x => window.scrutiny.tokenize(x))", samples) == [tokenize(s) for s in samples]


def _axe_source():
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_axe_finds_no_serious_violations(browser, site, name):
    project, passages, kb, url = site
    path = PAGE_TYPES[name] if name != "permalink" else f"p/{passages['alpha'][0].id}/"
    # bypass_csp: only to inject axe itself; the pages keep their own CSP otherwise
    context = browser.new_context(bypass_csp=True)
    pg = context.new_page()
    pg.goto(url + path)
    pg.wait_for_load_state("networkidle")
    pg.add_script_tag(content=_axe_source())
    result = pg.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    context.close()
    assert len(result["passes"]) > 10  # axe really ran
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: " + "; ".join(bad)
