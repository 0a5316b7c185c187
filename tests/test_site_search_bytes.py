"""What a first search downloads as the corpus grows (issue 15): the site's own search
code, in Chromium, over search indexes of a small and a ten times larger synthetic corpus.
The files every query loads (meta.js, the scripts) do not grow with the documents, a
rare word's query downloads the same bytes, and a common word's postings cost a few
bytes each."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

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
            builder.add_passage(rec, p, f"Part {i // 4}")
    site = root / f"site-{ndocs}"
    for rel, text in builder.files({"kinds": {}, "stakeholders": []}).items():
        path = site / "search" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    static = Path(__file__).parents[1] / "src" / "scrutiny" / "site" / "theme" / "static"
    (site / "static").mkdir()
    for name in ("query.js", "search.js"):
        shutil.copy(static / name, site / "static" / name)
    (site / "search" / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>t</title><body data-root="../">'
        '<script src="../static/query.js"></script><script src="../static/search.js"></script>', encoding="utf-8")
    return site


def _first_query(chromium, site: Path, q: str) -> tuple[int, dict[str, int], list[str]]:
    """(bytes of scripts and index files a first query and its ten records download,
    {file: bytes}, the ten results' passage ids), in a fresh browser context."""
    from bench.browser import serve

    with serve(site) as server:
        context = chromium.new_context()
        page = context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r))
        page.goto(server.url + "search/index.html")
        ids = page.evaluate("""async (q) => {
            const e = new window.scrutinySearch.Engine('./');
            const r = await e.search(window.scrutinyQuery.parse(q), null);
            const recs = await e.records(r.passages.slice(0, 10).map(x => x[0]));
            return recs.map(rec => rec.u.split('#p-')[1]);
        }""", q)
        sizes = {r.url[len(server.url):]: len(r.body()) for r in responses if not r.url.endswith(".html")}
        context.close()
    return sum(sizes.values()), sizes, ids


def test_a_first_query_downloads_no_more_as_the_corpus_grows(chromium, tmp_path):
    small, large = _site(tmp_path, 40), _site(tmp_path, 400)
    meta = {n: (s / "search" / "meta.js").stat().st_size for n, s in ((40, small), (400, large))}
    assert meta[400] <= meta[40] + 64, meta            # meta.js: the statistics, not the documents
    rare = {}
    for n, site in ((40, small), (400, large)):
        rare[n], files, ids = _first_query(chromium, site, RARE)
        assert ids == ["d0003-05"], (n, ids)
        assert any(f.startswith("search/dr/") for f in files) is False   # no document filter: no ranges
    assert rare[400] <= rare[40] + 512, rare
    # a word of every passage: ten times the postings, a few bytes each (7 or more in JSON)
    common = {n: _first_query(chromium, site, "budget")[0] for n, site in ((40, small), (400, large))}
    grown = common[400] - common[40]
    assert 0 < grown <= 4.5 * 12 * 360, (common, grown)      # at most 4.5 bytes per passage added


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
