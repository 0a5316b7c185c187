"""The search page of a large corpus does not list every document in its filter (a list
of 10,000 made the page 700 KB): the filter is a document's id, typed or filled in by
the "search within it" link of each document's page. Here the threshold is lowered so
that helpers_site's small project gets the typed filter; the page is driven in
headless Chromium, over HTTP and from its folder."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def typed_site(tmp_path_factory, chromium):
    from helpers_browser import BuiltSite, build_synthetic

    import scrutiny.site.generators as generators
    from bench.browser import serve

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(generators, "SEARCH_LIST_ALL", 0)
        project, passages, kb = build_synthetic(tmp_path_factory.mktemp("typed") / "proj")
    with serve(project.site_dir) as server:
        yield BuiltSite(project, server.url, passages, kb)


@pytest.mark.parametrize("via", ["http", "file"])
def test_a_documents_link_fills_the_typed_filter_and_limits_the_results(chromium, typed_site, via):
    context = chromium.new_context()
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    site = typed_site.url(via)
    pg.goto(site + "search/index.html")
    box = pg.locator("#f-doc")
    assert box.evaluate("e => e.tagName") == "INPUT"          # no list of every document
    assert pg.locator("#f-doc option").count() == 0
    # without the filter, the word is found in more than one document
    pg.fill("#q", "recovery")
    pg.locator("#results li").first.wait_for()
    pg.wait_for_timeout(300)
    every = {h.split("/doc/")[1].split("/")[0] for h in pg.locator("#results li > a").evaluate_all(
        "els => els.map(e => e.href)") if "/doc/" in h}
    assert len(every) > 1 and "overview" in every
    # the document's own link fills the filter in
    pg.goto(site + "doc/overview/index.html")
    pg.get_by_role("link", name="search within it").click()
    pg.wait_for_load_state()
    assert box.input_value() == "overview"
    pg.fill("#q", "recovery")
    pg.locator("#results li").first.wait_for()
    pg.wait_for_timeout(300)
    shown = pg.locator("#results li > a").evaluate_all("els => els.map(e => e.href)")
    assert shown and all("/doc/overview/" in h for h in shown)
    # typed by hand, with a stray space
    pg.fill("#f-doc", " overview ")
    pg.dispatch_event("#f-doc", "change")
    pg.wait_for_timeout(300)
    shown = pg.locator("#results li > a").evaluate_all("els => els.map(e => e.href)")
    assert shown and all("/doc/overview/" in h for h in shown)
    # a mistyped id says so (and shows no results), rather than "no passage matches"
    pg.fill("#f-doc", "overveiw")
    pg.dispatch_event("#f-doc", "change")
    pg.wait_for_function("document.getElementById('search-status').textContent.includes('overveiw')")
    assert "No document with the id" in pg.locator("#search-status").text_content()
    assert pg.locator("#results li").count() == 0
    assert errors == []
    context.close()
