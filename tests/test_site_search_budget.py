"""A first page of results within a budget (issue 15): words common to most passages
joined by AND would load most of their postings to prove their first page the best of
all. Past the index's budget (``meta.budget``: characters of tier files a search may
load) the page shows the best of the matches found so far: every one of them matches,
the page says they are not yet ranked against every match, the count is a lower
bound, and "Rank and count every match" shows the first page of the full ranking."""

from __future__ import annotations

import re

import pytest
from test_site_search_pairs import _site

pytestmark = pytest.mark.browser

BUDGET = 3000
QUERIES = ["budget training", "budget care data", '"waiting list" budget', "budget OR report"]


@pytest.fixture(scope="module")
def small_budget_site(tmp_path_factory):
    from scrutiny.site import search_index

    mp = pytest.MonkeyPatch()
    mp.setattr(search_index, "BUDGET", BUDGET)
    try:
        yield _site(tmp_path_factory.mktemp("budget"), 120)
    finally:
        mp.undo()


def test_past_the_budget_the_first_page_holds_only_matches_and_says_so(chromium, small_budget_site):
    from bench.browser import serve

    with serve(small_budget_site) as server:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(server.url + "search/index.html")
        got = page.evaluate("""async (qs) => {
            const out = {};
            for (const q of qs) {
                const node = window.scrutinyQuery.parse(q);
                const e = new window.scrutinySearch.Engine('./');
                const meta = await e.init();
                const top = await e.search(node, null, {passages: 10, others: 3});
                const spent = e.spent;
                const full = await new window.scrutinySearch.Engine('./').search(node, null);
                const unbounded = new window.scrutinySearch.Engine('./');
                unbounded.budget = Infinity;
                const proven = await unbounded.search(node, null, {passages: 10, others: 3});
                out[q] = {top: top, full: full, proven: proven, spent: spent, budget: meta.budget};
            }
            return out;
        }""", QUERIES)
        context.close()
    stopped = 0
    for q, r in got.items():
        top, full, proven = r["top"], r["full"], r["proven"]
        assert r["budget"] == BUDGET
        score = dict(map(tuple, full["passages"]))
        assert len(top["passages"]) == 10, q
        # every passage shown matches, and scores at least what the page ranked it by
        assert all(rec in score and s <= score[rec] for rec, s in top["passages"]), q
        assert top["count"]["p"] <= full["count"]["p"], q
        assert proven["ranked"]["p"] and proven["passages"] == full["passages"][:10], q
        if top["ranked"]["p"]:
            assert top["passages"] == full["passages"][:10], q
        else:
            stopped += 1
            assert not top["exact"]["p"], q
            # what the search loaded of tier files: the budget, and one round at most before it
            assert r["spent"] <= BUDGET, (q, r["spent"])
    assert stopped >= 2, {q: r["top"]["ranked"] for q, r in got.items()}


def test_the_page_says_best_found_so_far_and_ranks_every_match_when_asked(chromium, small_budget_site):
    from bench.browser import serve

    q = "budget care data"
    with serve(small_budget_site) as server:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(server.url + "search/index.html?q=" + q.replace(" ", "+"))
        page.wait_for_function("document.body.dataset.searched")
        said = page.inner_text("#search-status")
        assert said.startswith("At least ") and "best of the matches found so far" in said, said
        assert page.inner_text("#count-all") == "Rank and count every match"
        full = page.evaluate("""async q => (await new window.scrutinySearch.Engine('./').search(
            window.scrutinyQuery.parse(q), null)).passages.slice(0, 10).map(h => h[0])""", q)
        recs = page.evaluate("""async recs => {
            const e = new window.scrutinySearch.Engine('./');
            await e.init();
            return (await e.records(recs)).map(r => r.u.split('#p-')[1]); }""", full)
        page.click("#count-all")
        page.wait_for_function("!document.getElementById('search-status').textContent.includes('found so far')")
        page.wait_for_function("document.querySelectorAll('#results li').length === 10")
        said = page.inner_text("#search-status")
        assert not said.startswith("At least") and " passages match" in said, said
        ids = page.eval_on_selector_all("#results li a", "as => as.map(a => a.href.split('#p-')[1])")
        assert ids == recs
        assert page.locator("#count-all").is_hidden()
        context.close()


def test_no_match_found_within_the_budget_is_not_said_to_be_no_match(chromium, small_budget_site):
    """Every passage holding the words holds the word left out by NOT: within the budget none is found, and
    the page says so without saying that none matches; ranking every match says it."""
    from bench.browser import serve

    tiers = re.compile(r"search/[0-9a-f]+/(t|h|tx|hx|tp|hp)/")
    with serve(small_budget_site) as server:
        context = chromium.new_context()
        page = context.new_page()
        asked = []
        page.on("request", lambda r: asked.append(r.url[len(server.url):]))
        page.goto(server.url + "search/index.html?q=budget+care+data+NOT+budget")
        page.wait_for_function("document.body.dataset.searched")
        page.wait_for_load_state("networkidle")
        said = page.inner_text("#search-status")
        assert said == "No passage found to match so far (not every passage checked).", said
        # the page searched once, within one budget: the tier files one search of a page loads
        by_page = {u for u in asked if tiers.match(u)}
        one = context.new_page()
        asked.clear()
        one.on("request", lambda r: asked.append(r.url[len(server.url):]))
        one.goto(server.url + "search/index.html")
        one.evaluate("""async q => { await new window.scrutinySearch.Engine('./').search(
            window.scrutinyQuery.parse(q), null, {passages: 10, others: 3}); }""", "budget care data NOT budget")
        by_one = {u for u in asked if tiers.match(u)}
        assert by_page and by_page <= by_one, sorted(by_page - by_one)
        page.click("#count-all")
        page.locator("#search-status", has_text="No passage matches.").wait_for()
        assert page.locator("#count-all").is_hidden()
        context.close()
