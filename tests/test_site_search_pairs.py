"""Phrases of two words in the site's search come from the postings of the pair itself
(``search_index``: ``<b>/p/`` shards): every passage holding the two words in a row
is found, none other, each scored as the two words' scores add up, and the word's
positions are never loaded for it. The site's own code runs in Chromium; what a
phrase must find is worked out here from the passages' analysed words."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers_site import write_search_site

pytestmark = pytest.mark.browser

WORDS = ("budget waiting list referral service plan staff training local area report council "
         "people support care health community review target access data quality outcome").split()
RARE = ("zephyrine", "quillwort")
# (field, first word, second word): common words, a rare one beside a common one, two rare ones
PHRASES = [("text", "waiting", "list"), ("text", "local", "area"), ("text", "budget", "budget"),
           ("text", "zephyrine", "budget"), ("text", "quillwort", "zephyrine"), ("heading", "care", "health"),
           ("heading", "data", "quality"), ("text", "list", "waiting")]


def _passages(ndocs: int):
    """(doc, passage, heading field) of ``ndocs`` documents of 10 passages, seeded: the
    rare words in a few passages, alone or side by side."""
    from scrutiny.passages import Passage

    rng = random.Random(2026)
    for d in range(ndocs):
        doc = {"id": f"d{d:04d}", "label": f"Synthetic report {d}", "pages": 2}
        for i in range(10):
            words = rng.choices(WORDS, k=rng.randrange(8, 30))
            if rng.random() < 0.6:    # a phrase in many passages: its pair has tiers
                words.insert(rng.randrange(len(words)), "waiting list")
            if d % 7 == 3 and i == 2:
                words.insert(3, RARE[0])
                words.insert(4, rng.choice(["budget", "care"]))
            if d % 11 == 5 and i == 4:
                words[1:1] = [RARE[1], RARE[0]]
            heading = " ".join(rng.choices(WORDS, k=rng.randrange(1, 4)))
            p = Passage(f"d{d:04d}-{i:02d}", doc["id"], i, "list_item" if i % 4 == 1 else "paragraph",
                        1 + i // 6, 1 + i // 6, " ".join(words), heading_path=["Report", heading])
            yield doc, p, heading


def _site(root: Path, ndocs: int) -> Path:
    from scrutiny.site.search_index import SearchIndexBuilder, passage_record

    builder = SearchIndexBuilder()
    for doc, p, heading in _passages(ndocs):
        builder.add_passage(passage_record(doc, p, f"doc/{doc['id']}/index.html#p-{p.id}"), p, heading)
    return write_search_site(builder, root / "site")


def _in_a_row(text: str, a: str, b: str) -> bool:
    from scrutiny.query import analyse_positions

    at = {pos: term for term, pos in analyse_positions(text)}
    return any(term == a and at.get(pos + 1) == b for pos, term in at.items())


def test_a_phrase_of_two_words_finds_exactly_the_passages_with_them_in_a_row(chromium, tmp_path):
    from scrutiny.query import analyse

    ndocs = 120
    site = _site(tmp_path, ndocs)
    assert list((site / "search").glob("*/p/*.js")) and list((site / "search").glob("*/tp/wait-list-*.js"))
    from bench.browser import serve

    with serve(site) as server:
        context = chromium.new_context()
        page = context.new_page()
        loaded = []
        page.on("response", lambda r: loaded.append(r.url[len(server.url):]))
        page.goto(server.url + "search/index.html")
        queries = [f'{field}:"{a} {b}"' for field, a, b in PHRASES]
        got = page.evaluate("""async (qs) => {
            const out = {};
            for (const q of qs) {
                const e = new window.scrutinySearch.Engine('./');
                await e.init();
                const node = window.scrutinyQuery.parse(q);
                const full = await e.search(node, null);
                const top = await new window.scrutinySearch.Engine('./').search(node, null, {passages: 10, others: 3});
                const recs = await e.records(full.passages.map(h => h[0]));
                /* what the two words score in each passage, from their own lists, loaded whole */
                const f = node.field === 'heading' ? 'h' : 't';
                const words = [];
                for (const w of node.phrase) { const l = await e.word(f, w); await l.all(); words.push(l); }
                out[q] = {ids: recs.map(r => r.u.split('#p-')[1]), scores: full.passages.map(h => h[1]),
                          sums: full.passages.map(h => words.reduce((s, l) => s + l.map.get(h[0])[0], 0)),
                          count: full.count.p, exact: full.exact.p, top: top.passages, first: full.passages.slice(0, 10),
                          topCount: top.count.p, topExact: top.exact.p};
            }
            return out;
        }""", queries)
        context.close()
    # a phrase's evaluation loads no positions of a word with a long list
    assert not [f for f in loaded if "/tx/" in f or "/hx/" in f], loaded
    passages = list(_passages(ndocs))
    for (field, a, b), q in zip(PHRASES, queries):
        ta, tb = analyse(a), analyse(b)
        assert len(ta) == len(tb) == 1, (a, b)
        want = sorted(p.id for _doc, p, heading in passages if _in_a_row(p.text if field == "text" else heading, ta[0], tb[0]))
        r = got[q]
        assert sorted(r["ids"]) == want, q
        assert r["count"] == len(want) and r["exact"], q
        assert r["scores"] == r["sums"], q
        assert r["top"] == r["first"], q
        # a first page's count: exact, or a lower bound that is the phrase's true count
        assert r["topCount"] == len(want) and (r["topExact"] or len(want) > 10), q
    assert len(got['text:"zephyrine budget"']["ids"]) >= 3 and len(got['text:"waiting list"']["ids"]) > 500
