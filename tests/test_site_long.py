"""Long real documents on the site (real government PDFs, read at run time): shown in
parts, with a page navigator that takes the page numbers as printed, contents entries
that lead to their page in whichever part, old links (#p-ID on the first part) that
still land, Cite controls on content passages only, headings never smaller than the
text, no sideways scrolling on a phone, every search result within reach; over HTTP
and opened from the folder."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

LONG = "womens-state-pension-age-communications-decision"


@pytest.fixture(params=["http", "file"])
def via(request):
    return request.param


@pytest.fixture
def page(chromium, real_site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert pg.errors == []
    context.close()


def _store(real_site):
    from scrutiny.store import Store

    return Store(real_site.project.store_path, readonly=True)


def test_a_long_document_is_in_parts_and_every_passage_in_one(real_site):
    from scrutiny.site.parts import PART_CHARS

    folder = real_site.project.site_dir / "doc" / LONG
    parts = sorted(folder.glob("*.html"))
    assert [p.name for p in parts][:2] == ["index.html", "part-2.html"] and len(parts) >= 3
    with _store(real_site) as store:
        passages = store.passages(LONG)
    anchors = {}
    for f in parts:
        html = f.read_text(encoding="utf-8")
        assert len(html) < 4.5 * PART_CHARS + 60_000, f.name      # no part is a 500 KB page
        for pid in re.findall(r'<div class="psg psg-\w+" id="p-([^"]+)"', html):
            assert pid not in anchors
            anchors[pid] = f.name
    assert set(anchors) == {p.id for p in passages}


def test_go_to_a_page_as_printed(page, real_site, via):
    from scrutiny.pages import label

    with _store(real_site) as store:
        doc = store.document(LONG)
        passages = store.passages(LONG)
    late = passages[-5]
    printed = label(doc, late.page)
    page.goto(real_site.url(via) + f"doc/{LONG}/index.html")
    page.fill("form.goto-page input", printed)
    page.click("form.goto-page button")
    page.wait_for_url(re.compile(rf"part-\d+\.html#page-{late.page}$"))
    assert page.locator(f"#page-{late.page}").is_visible()
    assert printed in page.locator(f"#page-{late.page}").inner_text()
    page.fill("form.goto-page input", "999")
    page.click("form.goto-page button")
    page.locator("form.goto-page [role=status]", has_text="No page 999").wait_for()


def test_contents_entries_lead_to_their_page_in_any_part(page, real_site, via):
    page.goto(real_site.url(via) + f"doc/{LONG}/index.html")
    links = page.locator("nav.contents-page a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert len(links) >= 5 and any(h.startswith("part-") for h in links)
    target = next(h for h in links if h.startswith("part-"))
    page.click(f"nav.contents-page a[href='{target}']")
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    assert page.locator("#" + target.split("#")[1]).is_visible()


def test_an_old_link_to_the_first_part_lands_on_the_passage(page, real_site, via):
    """#p-ID links made before the document was split name index.html: the first part
    forwards them to the part the passage is on; permalink pages lead there directly."""
    html = (real_site.project.site_dir / "doc" / LONG / "part-3.html").read_text(encoding="utf-8")
    pid = re.findall(r'<div class="psg psg-paragraph" id="p-([^"]+)"', html)[3]
    base = real_site.url(via)
    page.goto(base + f"doc/{LONG}/index.html#p-{pid}")
    page.wait_for_url(re.compile(rf"part-3\.html#p-{pid}$"))
    page.locator(f"#p-{pid}").wait_for()
    page.goto(base + f"p/{pid}/index.html")
    page.wait_for_url(re.compile(rf"part-3\.html#p-{pid}$"))
    # the page navigator's links, too: page markers on other parts
    page.goto(base + f"doc/{LONG}/index.html")
    hrefs = page.locator(".page-list a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs[0].startswith("#page-") and any(h.startswith("part-") for h in hrefs)


def test_cite_on_content_passages_and_headings_never_smaller_than_text(page, real_site):
    page.goto(real_site.http + f"doc/{LONG}/index.html")
    kinds = page.evaluate("""() => [...document.querySelectorAll('.psg[id^="p-"]')].map(e =>
        [e.className.split(' ')[1], !!e.querySelector('.cite-btn'), !!e.querySelector('.copy-btn')])""")
    assert {k for k, *_ in kinds} >= {"psg-heading", "psg-contents", "psg-paragraph"}
    for kind, cite, copy in kinds:
        expected = kind not in ("psg-heading", "psg-contents", "psg-front_matter")
        assert cite == copy == expected, kind
    sizes = page.evaluate("""() => ({
        text: parseFloat(getComputedStyle(document.querySelector('.psg-paragraph .psg-text')).fontSize),
        headings: [...document.querySelectorAll('.document .psg-h')].map(h => [h.tagName, parseFloat(getComputedStyle(h).fontSize)])})""")
    assert len({t for t, _ in sizes["headings"]}) >= 2
    assert all(s >= sizes["text"] for _, s in sizes["headings"]), sizes


@pytest.mark.parametrize("path", [f"doc/{LONG}/index.html", f"doc/{LONG}/part-2.html",
                                  "doc/behaviour-change-government-response/index.html",
                                  "search/index.html?q=pension"])
def test_real_pages_do_not_scroll_sideways_on_a_phone(chromium, real_site, path):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    pg = context.new_page()
    pg.goto(real_site.http + path)
    pg.wait_for_load_state("networkidle")
    width = pg.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    context.close()
    assert width[0] <= width[1], (path, width)


def test_every_result_can_be_reached(page, real_site, via):
    """Not just the first ten: "Show more" adds the next ones, to the last."""
    page.goto(real_site.url(via) + "search/index.html?q=pension")
    page.locator("#results li").first.wait_for()
    said = page.locator("#search-status").inner_text()
    assert int(said.split()[0 if said[0].isdigit() else 2]) > 30, said   # ("At least N ...": a lower bound)
    while page.locator("#more-results").is_visible():
        before = page.locator("#results li").count()
        page.click("#more-results")
        page.wait_for_function("n => document.querySelectorAll('#results li').length > n || "
                               "document.getElementById('more-results').hidden", arg=before)
    said = page.locator("#search-status").inner_text()
    assert said[0].isdigit(), said       # every list loaded: the count is exact
    assert page.locator("#results li").count() == int(said.split()[0])
