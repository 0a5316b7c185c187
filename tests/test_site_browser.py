"""The built site in headless Chromium (Playwright, Debian's /usr/bin/chromium), over
HTTP and opened from its folder (file://): search opens the right passage with the
matched words marked, the operators work, every result can be reached, the cite
control copies the right text, copy-link gives a permalink that resolves, the network
map's links resolve and its text is readable, no page scrolls sideways on a phone or a
desktop, hostile text runs nothing, and axe-core finds no serious or critical
accessibility violation on any page type."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

VIA = ["http", "file"]
PAGE_TYPES = {
    "home": "index.html",
    "documents": "documents/index.html",
    "document": "doc/alpha/index.html",
    "document-not-ingested": "doc/beta/index.html",
    "claims": "claims/index.html",
    "claim": "claims/new-posts/index.html",
    "stakeholders": "stakeholders/index.html",
    "stakeholder": "stakeholders/ann-example/index.html",
    "network": "network/index.html",
    "critique": "critique/index.html",
    "essay": "critique/overview/index.html",
    "method": "method/index.html",
    "search": "search/index.html?q=recovery",
    "permalink": None,  # filled in below: p/<id>/index.html
}


def _path(site, name):
    return PAGE_TYPES[name] or f"p/{site.passages['alpha'][0].id}/index.html"


@pytest.fixture(params=VIA)
def via(request):
    return request.param


@pytest.fixture
def page(chromium, synthetic_site, via):
    url = synthetic_site.url(via)
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.errors, pg.dialogs, pg.outside = [], [], []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("request", lambda r: None if r.url.startswith(url) or r.url.startswith("data:") else pg.outside.append(r.url))
    pg.site = url
    yield pg
    assert pg.errors == [], pg.errors
    assert pg.dialogs == [], pg.dialogs
    assert pg.outside == [], f"requests left the site: {pg.outside}"
    context.close()


def hrefs(pg, selector):
    return pg.locator(selector).evaluate_all("els => els.map(e => e.getAttribute('href'))")


# --- search ---------------------------------------------------------------------------------

def test_search_finds_and_opens_the_passage_with_the_match_highlighted(page, synthetic_site):
    target = synthetic_site.passages["alpha"][4]
    page.goto(page.site + "search/index.html")
    page.fill("#q", "recovery rate treatment")
    page.click("#search-form button[type=submit]")
    first = page.locator("#results li a").first
    first.wait_for()
    assert f"#p-{target.id}" in first.get_attribute("href")
    # whole words, as the command line analyses them ("treatment", not "treat" in "treatments")
    marks = page.locator("#results li").first.locator(".result-text mark.hit").all_inner_texts()
    assert [m.lower() for m in marks] == ["recovery", "rate", "treatment"]
    first.click()
    page.wait_for_url(f"**/doc/alpha/index.html?q=recovery*#p-{target.id}")
    hits = page.locator(f"#p-{target.id} mark.hit")
    hits.first.wait_for()
    assert [h.lower() for h in hits.all_inner_texts()] == ["recovery", "rate", "treatment"]
    assert page.locator(f"#p-{target.id}").is_visible()


def test_two_searches_at_once_on_one_page_both_get_the_first_page(page, synthetic_site):
    """A query typed and then submitted runs twice at once, the two searches sharing the
    lists of postings they load tier by tier: each gets the full evaluation's first page
    (one used to give up, "the search index is inconsistent", when the other had loaded
    the last tiers)."""
    page.goto(page.site + "search/index.html")
    page.wait_for_function("window.scrutinyQuery && window.scrutinySearch")
    got = page.evaluate("""async qs => {
        const out = [];
        for (const q of qs) {
            const node = window.scrutinyQuery.parse(q);
            const e = new window.scrutinySearch.Engine('./');
            await e.init();
            const want = {passages: 10, others: 3};
            const both = await Promise.all([e.search(node, null, want), e.search(node, null, want)]);
            const full = await new window.scrutinySearch.Engine('./').search(node, null);
            out.push([q, both.map(r => r.passages), full.passages.slice(0, 10)]);
        }
        return out;
    }""", ["recovery rate treatment", "recovery", "workforce", '"recovery rate"', "new plan"])
    for q, both, full in got:
        assert full and both == [full, full], q


def test_search_filters_by_document_and_claim_kind(page, synthetic_site):
    passages = synthetic_site.passages
    page.goto(page.site + "search/index.html?q=new&kind=statistic")
    page.locator("#results li").first.wait_for()
    found = hrefs(page, "#results li > a") + hrefs(page, "#other-results li > a")
    assert found and all("claims/new-posts/" in h or passages["alpha"][1].id in h for h in found)
    page.goto(page.site + "search/index.html?q=recovery&doc=overview")
    page.locator("#results li").first.wait_for()
    assert all("doc/overview/" in h for h in hrefs(page, "#results li > a"))


def test_a_quoted_phrase_must_appear_in_order_punctuation_aside(page, synthetic_site):
    target = synthetic_site.passages["alpha"][4]
    page.goto(page.site + "search/index.html?q=" + quote('"recovery rate of fifty"'))
    page.locator("#results li").first.wait_for()
    assert [h for h in hrefs(page, "#results li > a")] == [f"../doc/alpha/index.html?q={quote(chr(34) + 'recovery rate of fifty' + chr(34), safe='')}#p-{target.id}"]
    # the text has "the annual workforce census": a comma or a hyphen between the words does not count
    page.goto(page.site + "search/index.html?q=" + quote('"annual, workforce-census"'))
    page.locator("#results li").first.wait_for()
    assert len(hrefs(page, "#results li > a")) == 1
    page.goto(page.site + "search/index.html?q=" + quote('"fifty rate recovery"'))
    page.locator("#search-status", has_text="No passage matches").wait_for()
    assert page.locator("#results li").count() == 0


def test_operators_and_the_help_beside_the_box(page, synthetic_site):
    alpha = synthetic_site.passages["alpha"]
    page.goto(page.site + "search/index.html")
    help_text = page.locator("#search-help").inner_text()
    for example in ('"state pension age"', "OR", "NOT", "heading:", "*"):
        assert example in help_text

    def results(q):
        page.fill("#q", q)
        page.click("#search-form button[type=submit]")
        page.wait_for_function("q => document.body.dataset.searched === q", arg=q)
        return [h.split("#p-")[-1] for h in hrefs(page, "#results li > a")]

    assert alpha[4].id in results("recovery") and alpha[4].id not in results("recovery NOT fifty")
    assert alpha[4].id not in results("recovery -fifty")
    both = results("associate OR census")
    assert alpha[2].id in both and alpha[7].id in both
    # heading:word looks in the section headings (alpha[4] is under "Recovery rates")
    assert results("heading:recovery") and set(results("heading:recovery")) >= {alpha[4].id, alpha[5].id}
    assert alpha[2].id in results("associat*")
    page.fill("#q", "NOT recovery")
    page.click("#search-form button[type=submit]")
    page.locator("#search-status", has_text="NOT only leaves things out").wait_for()


# --- citations and links --------------------------------------------------------------------

ACCESSED = "2024-05-06"


def _expected_citation(project, passage, style, base):
    """What `scrutiny cite --accessed 2024-05-06` makes for this passage."""
    import datetime as dt

    from scrutiny.cite import cite_passage
    from scrutiny.site.context import gather

    ctx = gather(project)
    doc = ctx.docs_by_id[passage.doc_id]
    ctx.store.close()
    return cite_passage(passage, doc, style, base, accessed=dt.date.fromisoformat(ACCESSED))


def _copied_citation(page, doc_id, passage, style):
    page.goto(page.site + f"doc/{doc_id}/index.html")
    page.click(f"#p-{passage.id} .cite-btn")
    page.check(f"#cite-panel input[value={style}]")
    import datetime as dt

    assert page.input_value("#cite-accessed") == dt.date.today().isoformat()   # the reader's today, to change
    page.fill("#cite-accessed", ACCESSED)
    page.click("#cite-copy")
    page.locator("#cite-status", has_text="Copied").wait_for()
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("style", ["harvard", "apa", "bibtex"])
def test_cite_control_copies_the_right_citation(page, synthetic_site, style, via):
    p = synthetic_site.passages["alpha"][6]          # pages 2-3
    copied = _copied_citation(page, "alpha", p, style)
    expected = _expected_citation(synthetic_site.project, p, style, page.site.rstrip("/"))
    assert copied == expected
    assert f"{page.site}p/{p.id}/" in copied
    assert ("2–3" in copied) or ("2--3" in copied)
    assert ("6 May 2024" in copied) if style == "harvard" else True
    assert ("urldate = {2024-05-06}" in copied) if style == "bibtex" else True


@pytest.mark.parametrize("style", ["harvard", "apa", "bibtex"])
def test_cite_control_locates_a_passage_without_pages_by_its_section(page, synthetic_site, style):
    """A document without pages (the Markdown essay): cited by its section, as `scrutiny cite` does."""
    p = synthetic_site.passages["overview"][1]       # under the heading "Overview of the critique"
    copied = _copied_citation(page, "overview", p, style)
    assert copied == _expected_citation(synthetic_site.project, p, style, page.site.rstrip("/"))
    if style == "harvard":
        assert copied.endswith("In text: (Writer, 2024, sect. Overview of the critique)"), copied
        assert "(Accessed: 6 May 2024)" in copied


def test_copy_link_gives_a_permalink_that_resolves(page, synthetic_site, via):
    p = synthetic_site.passages["alpha"][2]
    page.goto(page.site + "doc/alpha/index.html")
    page.click(f"#p-{p.id} .copy-btn")
    page.locator(f"#p-{p.id} .copy-note", has_text="Copied").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    # over HTTP the address citations print; opened from a folder, the file itself
    assert link == f"{page.site}p/{p.id}/" + ("index.html" if via == "file" else "")
    page.goto(link)
    page.wait_for_url(f"**/doc/alpha/index.html#p-{p.id}")
    assert page.locator(f"#p-{p.id}").is_visible()


def test_no_cite_controls_on_headings(page, synthetic_site):
    heading = synthetic_site.passages["alpha"][0]
    page.goto(page.site + "doc/alpha/index.html")
    assert page.locator(f"#p-{heading.id} .cite-btn").count() == 0
    assert page.locator(f"#p-{heading.id} .copy-btn").count() == 0
    assert page.locator(".psg-paragraph .cite-btn >> visible=true").count() >= 3


def test_every_menu_link_and_network_link_opens_a_page(page, synthetic_site, via):
    """Opened from a folder, a link to a folder would show a file listing: every
    link names its page."""
    page.goto(page.site + "index.html")
    for href in hrefs(page, ".site-header a"):
        assert href.endswith("index.html"), href
    page.goto(page.site + "network/index.html")
    links = page.locator("svg.netmap a").evaluate_all("els => els.map(e => e.href.baseVal || e.getAttribute('href'))")
    assert len(links) == len(synthetic_site.kb.stakeholders)
    for href in links:
        page.goto(page.site + "network/" + href)
        assert page.locator("h1").inner_text() and page.locator("main").count() == 1


def test_hostile_text_runs_nothing(page):
    page.goto(page.site + "doc/evil/index.html")
    assert "<script>" in page.title()
    assert "<img src=x onerror=" in page.locator("article").inner_text()
    page.goto(page.site + "search/index.html?q=zebrafish")
    page.locator("#results li").first.wait_for()
    text = page.locator("#results").inner_text()
    assert 'onerror="window.__xss = 2">' in text and 'href="javascript:window.__xss=3"' in text
    assert page.evaluate("window.__xss") is None
    assert page.locator("#results img").count() == 0
    page.goto(page.site + "critique/overview/index.html")
    assert page.evaluate("window.__xss") is None


# --- phones and desktops --------------------------------------------------------------------

OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > doc.clientWidth + 1 && !e.closest('.netmap-scroll, .tbl-wrap');
  }).slice(0, 3).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60));
  return {page: doc.scrollWidth, viewport: doc.clientWidth, wide};
}"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_no_page_scrolls_sideways(chromium, synthetic_site, name, width):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    pg = context.new_page()
    pg.goto(synthetic_site.http + _path(synthetic_site, name))
    pg.wait_for_load_state("networkidle")
    m = pg.evaluate(OVERFLOW_JS)
    context.close()
    assert m["page"] <= m["viewport"], f"{name} at {width}px is {m['page']}px wide: {m['wide']}"


NETMAP_JS = """(sel) => {
  const svg = document.querySelector(sel);
  const t = [...svg.querySelectorAll('text')].filter(e => getComputedStyle(e).display !== 'none')
    .map(e => { const b = e.getBBox(); return [e.textContent, b.x, b.y, b.width, b.height]; });
  const overlaps = [];
  for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) {
    const a = t[i], b = t[j];
    const w = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
    const h = Math.min(a[2] + a[4], b[2] + b[4]) - Math.max(a[2], b[2]);
    if (w > 0.5 && h > 0.5) overlaps.push([a[0], b[0]]);
  }
  const vb = svg.viewBox.baseVal, box = svg.getBBox();
  const scale = svg.getBoundingClientRect().width / vb.width;
  const sizes = [...svg.querySelectorAll('text')].map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
  return {texts: t.length, overlaps, smallest: Math.min(...sizes),
          inside: box.x >= vb.x && box.y >= vb.y && box.x + box.width <= vb.x + vb.width && box.y + box.height <= vb.y + vb.height,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("width", [1280, 360])
def test_network_map_is_readable_and_does_not_overlap(chromium, synthetic_site, width):
    pg = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        pg.goto(synthetic_site.http + "network/index.html")
        m = pg.evaluate(NETMAP_JS, "svg.netmap")
        # zoomed out to the page's width, and back
        pg.click("button[data-zoom=fit]")
        fitted = pg.evaluate("document.querySelector('svg.netmap').getBoundingClientRect().width")
        frame = pg.evaluate("document.querySelector('.netmap-scroll').clientWidth")
        pg.click("button[data-zoom='1']")
        again = pg.evaluate(NETMAP_JS, "svg.netmap")
        pg.goto(synthetic_site.http + "stakeholders/ann-example/index.html")
        ego = pg.evaluate(NETMAP_JS, "svg.netmap")
    finally:
        pg.close()
    assert m["texts"] > len(synthetic_site.kb.stakeholders)   # names and tie labels
    assert m["overlaps"] == [] and m["inside"]
    assert m["smallest"] >= 11.99                              # names and tie labels at least 12 px
    assert m["page"] <= m["viewport"]                          # the frame scrolls, not the page
    assert fitted <= frame and again["smallest"] >= 11.99
    assert ego["texts"] >= 3 and ego["smallest"] >= 11.99 and ego["overlaps"] == [] and ego["page"] <= ego["viewport"]


def test_a_shortened_name_is_whole_on_keyboard_focus(chromium, tmp_path):
    """A name the map shortens ("… Programme for…") is shown whole when its link
    has the focus (and on hover), not only in a tooltip."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from scrutiny.kb.model import Stakeholder, Tie
    from scrutiny.site.netmap import layout
    from scrutiny.site.render import THEME_DIR

    long = "The Department for Long Names and Even Longer Titles"
    st = {"a": Stakeholder("a", long, "organisation"), "b": Stakeholder("b", "Short", "person")}
    net = layout(st, [Tie("t", "b", "position", "a")], lambda s: f"{s}.html", lambda r: "holds a position in")
    svg = Environment(loader=FileSystemLoader(str(THEME_DIR)), autoescape=select_autoescape()).get_template(
        "_netmap.html").render(net=net)
    css = (THEME_DIR / "static" / "site.css").read_text(encoding="utf-8")
    (tmp_path / "site.css").write_text(css, encoding="utf-8")
    (tmp_path / "map.html").write_text(f'<!doctype html><link rel="stylesheet" href="site.css">{svg}', encoding="utf-8")
    pg = chromium.new_page()
    try:
        pg.goto((tmp_path / "map.html").as_uri())
        shown = "[...document.querySelectorAll('svg text')].filter(e => getComputedStyle(e).display !== 'none').map(e => e.textContent)"
        before = pg.evaluate(shown)
        pg.focus("a.node[href='a.html']")
        after = pg.evaluate(shown)
    finally:
        pg.close()
    assert long not in before and any(t.endswith("…") for t in before)
    assert long in after


# --- print ----------------------------------------------------------------------------------

def test_print_shows_the_map_permalinks_and_underlines_only_claims(chromium, synthetic_site):
    pg = chromium.new_page()
    try:
        pg.emulate_media(media="print")
        pg.goto(synthetic_site.http + "network/index.html")
        map_box = pg.evaluate("(() => { const r = document.querySelector('svg.netmap').getBoundingClientRect(); "
                              "return [r.width, r.height, getComputedStyle(document.querySelector('.netmap-scroll')).display]; })()")
        pg.goto(synthetic_site.http + "doc/alpha/index.html")
        p = synthetic_site.passages["alpha"][4]
        after = pg.evaluate("id => getComputedStyle(document.querySelector('#p-' + id + ' a.permalink'), '::after').content", p.id)
        lines = pg.evaluate("""() => [...document.querySelectorAll('main a, main mark')].map(e => {
              const s = getComputedStyle(e);
              return [e.tagName, e.className, s.textDecorationLine.includes('underline') ||
                      (s.borderBottomStyle !== 'none' && s.borderTopStyle === 'none')];
            })""")
    finally:
        pg.close()
    assert map_box[0] > 300 and map_box[1] > 100 and map_box[2] != "none"     # the map prints
    assert after == f'" {synthetic_site.http}p/{p.id}/"'                          # the permalink, as a URL
    underlined = [(t, c) for t, c, u in lines if u]
    assert underlined and all("claim" in c for t, c in underlined)


# --- accessibility --------------------------------------------------------------------------

def _axe_source():
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_axe_finds_no_serious_violations(chromium, synthetic_site, name):
    # bypass_csp: only to inject axe itself; the pages keep their own CSP otherwise
    context = chromium.new_context(bypass_csp=True)
    pg = context.new_page()
    pg.goto(synthetic_site.http + _path(synthetic_site, name))
    pg.wait_for_load_state("networkidle")
    pg.add_script_tag(content=_axe_source())
    result = pg.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    context.close()
    assert len(result["passes"]) > 10  # axe really ran
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: " + "; ".join(bad)
