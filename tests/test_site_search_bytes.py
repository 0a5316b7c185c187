"""What a first search downloads as the corpus grows (issue 15): the site's own search
code, in Chromium, over search indexes of synthetic corpora ten and thirty times
larger than the first. The files every query loads (meta.js, the scripts) do not grow
with the documents; a first query, of a rare word or of words in every passage, downloads
about the same bytes whatever the corpus's size (each word's postings are written best
first, and the first page loads only their top); and that first page is exactly the
first page of the full evaluation, for every kind of query."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers_site import write_search_site

pytestmark = pytest.mark.browser

WORDS = ("budget waiting list referral service plan staff training local area report council "
         "people support care health community review target access data quality outcome").split()
RARE = "zephyrine"


def _site(root: Path, ndocs: int) -> Path:
    """A search index of ``ndocs`` documents of 12 passages each (the rare word in one
    passage of document 3), with the site's search scripts beside it."""
    from scrutiny.passages import Passage
    from scrutiny.site.search_index import SearchIndexBuilder, passage_record

    rng = random.Random(15)
    builder = SearchIndexBuilder()
    for d in range(ndocs):
        doc = {"id": f"d{d:04d}", "label": f"Synthetic report {d}", "pages": 3}
        for i in range(12):
            words = rng.choices(WORDS, k=rng.randrange(12, 40))
            if d == 3 and i == 5:
                words.insert(4, RARE)
            p = Passage(f"d{d:04d}-{i:02d}", doc["id"], i, "paragraph", 1 + i // 5, 1 + i // 5, " ".join(words),
                        heading_path=["Report", f"Part {i // 4}"])
            rec = passage_record(doc, p, f"doc/{doc['id']}/index.html#p-{p.id}")
            builder.add_passage(rec, p, f"Part {i // 4}", kinds=["statistic"] if i % 3 == 0 else [])
    for c in range(30):    # claims: scored and ranked among themselves
        builder.add({"t": "c", "u": f"claims/c{c}/index.html", "h": f"Claim {c}"},
                    " ".join(rng.choices(WORDS, k=rng.randrange(6, 20))), kinds=["statistic"] if c % 2 else [])
    return write_search_site(builder, root / f"site-{ndocs}")


def _first_query(chromium, site: Path, q: str) -> tuple[int, dict[str, int], list[str], str]:
    """(bytes of the scripts and index files the search page downloads for a first query
    and its first page of results, {file: bytes}, the results' passage ids, what the page
    says), in a fresh browser context: the page as a reader opens it with ?q=."""
    from urllib.parse import quote

    from bench.browser import serve

    with serve(site) as server:
        context = chromium.new_context()
        page = context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r))
        page.goto(server.url + "search/index.html?q=" + quote(q))
        page.wait_for_function("document.body.dataset.searched")
        page.wait_for_load_state("networkidle")
        ids = page.eval_on_selector_all("#results li a", "as => as.map(a => a.href.split('#p-')[1])")
        said = page.inner_text("#search-status")
        sizes = {r.url[len(server.url):]: len(r.body()) for r in responses if not r.url.split("?")[0].endswith(".html")}
        context.close()
    return sum(sizes.values()), sizes, ids, said


class _Sites(dict):
    """The synthetic sites of this module, each built once, when a test first asks for it."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def __missing__(self, n: int) -> Path:
        self[n] = _site(self.root, n)
        return self[n]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    return _Sites(tmp_path_factory.mktemp("bytes"))


def test_a_first_query_downloads_no_more_as_the_corpus_grows(chromium, sites):
    sizes = (40, 400, 1200)
    meta = {n: (sites[n] / "search" / "meta.js").stat().st_size for n in sizes}
    assert meta[1200] <= meta[40] + 64, meta            # meta.js: the statistics, not the documents
    rare = {}
    for n in sizes:
        rare[n], files, ids, said = _first_query(chromium, sites[n], RARE)
        assert ids == ["d0003-05"], (n, ids)
        assert said.startswith("1 passage matches"), said
        assert any(f.startswith("search/dr/") for f in files) is False   # no document filter: no ranges
    assert rare[1200] <= rare[40] + 512, rare
    # a word of nearly every passage: thirty times the postings, the same first page's bytes
    common = {}
    for n in sizes:
        common[n], files, ids, said = _first_query(chromium, sites[n], "budget")
        assert len(ids) == 10 and said.startswith("At least "), (n, ids, said)   # a lower bound: the rest not loaded
    assert common[1200] <= common[40] + 4096, common
    # the index files of a first page against the full evaluation's (400 documents: a third of
    # them for one common word; words of nearly every passage joined by OR or AND prune less, as
    # their scores are close: about 70% and 50%)
    for q, share in (("budget", 0.5), ("budget OR report", 0.9), ("budget training", 0.75)):
        first, files, ids, said = _first_query(chromium, sites[400], q)
        index = sum(v for f, v in files.items() if "/r/" not in f and f.startswith("search/"))
        assert len(ids) == 10 and said.startswith("At least "), (q, ids, said)
        assert index < share * _full_index_bytes(chromium, sites[400], q), q


def _full_index_bytes(chromium, site: Path, q: str) -> int:
    """Bytes of the index files the full evaluation of ``q`` loads (every posting)."""
    from bench.browser import serve

    with serve(site) as server:
        context = chromium.new_context()
        page = context.new_page()
        sizes = {}
        page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if "/search/" in r.url else None)
        page.goto(server.url + "search/index.html")
        page.evaluate("async q => { await new window.scrutinySearch.Engine('./').search(window.scrutinyQuery.parse(q), null); }", q)
        context.close()
    return sum(v for u, v in sizes.items() if not u.endswith(".html"))


# every kind of query the search page takes: the first page must be the full evaluation's
FIRST_PAGE_QUERIES = ["budget", "budget OR report", "budget training", '"waiting list"', '"budget budget"',
                      "heading:part", "budget NOT staff", "refer*", "(budget OR care) -data", "budget zephyrine",
                      '"local area" OR zephyrine', "heading:part budget"]


@pytest.mark.parametrize("filters", [None, {"doc": "d0003"}, {"kind": "statistic"}])
def test_the_first_page_is_the_full_rankings_first_page(chromium, sites, filters):
    from bench.browser import serve

    site = sites[400]
    with serve(site) as server:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(server.url + "search/index.html")
        got = page.evaluate("""async ([qs, filters]) => {
            const out = {};
            for (const q of qs) {
                const node = window.scrutinyQuery.parse(q);
                const first = new window.scrutinySearch.Engine('./');
                await first.init();
                const allowed = filters ? await first.allowed(filters) : null;
                const top = await first.search(node, allowed, {passages: 10, others: 3});
                const more = await first.search(node, allowed, {passages: 30, others: 3});
                const full = await new window.scrutinySearch.Engine('./').search(node, allowed);
                out[q] = {top: top, more: more, full: full};
            }
            return out;
        }""", [FIRST_PAGE_QUERIES, filters])
        context.close()
    for q, r in got.items():
        full, top, more = r["full"], r["top"], r["more"]
        assert full["exact"]["p"] and full["count"]["p"] == len(full["passages"]), q
        assert top["passages"] == full["passages"][:10], q
        assert more["passages"] == full["passages"][:30], q
        assert top["others"] == full["others"][:3], q
        # the count: exact, or a lower bound of it
        assert top["count"]["p"] <= full["count"]["p"] and (not top["exact"]["p"] or top["count"]["p"] == full["count"]["p"]), q
    if filters is None:
        assert len(got["budget"]["full"]["passages"]) > 1000 and not got["budget"]["top"]["exact"]["p"]


def test_the_document_filter_loads_one_ranges_file(chromium, tmp_path):
    from scrutiny.site.search_index import DOCS_PER_RANGE_FILE

    site = _site(tmp_path, DOCS_PER_RANGE_FILE + 100)
    assert len(list((site / "search" / "dr").glob("*.js"))) == 2
    from bench.browser import serve

    with serve(site) as server:
        context = chromium.new_context()
        page = context.new_page()
        loaded = []
        page.on("response", lambda r: loaded.append(r.url[len(server.url):]))
        page.goto(server.url + "search/index.html")
        got = page.evaluate("""async () => {
            const e = new window.scrutinySearch.Engine('./');
            await e.init();
            const allowed = await e.allowed({doc: 'd0003'});
            const r = await e.search(window.scrutinyQuery.parse('budget OR zephyrine'), allowed);
            const recs = await e.records(r.passages.map(x => x[0]));
            return recs.map(rec => rec.d);
        }""")
        context.close()
    assert got and set(got) == {"d0003"}
    assert len([f for f in loaded if f.startswith("search/dr/")]) == 1


def test_the_page_says_at_least_and_counts_every_match_when_asked(chromium, sites):
    """A common word's first page says how many match at least; "Count every match"
    loads the rest and says the exact number, as the full evaluation counts."""
    from bench.browser import serve

    with serve(sites[400]) as server:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(server.url + "search/index.html?q=budget")
        page.wait_for_function("document.body.dataset.searched")
        first = page.inner_text("#search-status")
        full = page.evaluate("""async () => (await new window.scrutinySearch.Engine('./').search(
            window.scrutinyQuery.parse('budget'), null)).passages.length""")
        page.click("#count-all")
        page.locator("#search-status", has_text=f"{full} passages match").wait_for()
        assert page.locator("#count-all").is_hidden()
        context.close()
    least = int(first.split()[2])
    assert first.startswith("At least ") and 0 < least <= full <= 400 * 12, (first, full)
