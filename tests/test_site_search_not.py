"""Words after NOT in the site's search (issue 15): a page of results does not load a
common word's tiers in the passages' buckets only to leave records out. It reads the
records of the passages that could enter the page and looks for the words there, as the
index analyses them (text, and the heading field in full), where the rest of the
words' lists weighs more than a few record files (Engine.readAt). Either way the first
page is the one the full evaluation gives; read from the records, no tier file of a word
found only after NOT is fetched."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from helpers_site import write_search_site

pytestmark = pytest.mark.browser

WORDS = ("budget waiting list referral service plan staff training local area report council "
         "people support care health community review target access data quality outcome").split()
SECTIONS = ("Funding", "Workforce", "Evidence review", "Local delivery")
QUERIES = [
    "care NOT budget",
    "care data NOT budget",
    "training NOT heading:evidence",
    "care NOT heading:review",
    'care NOT "waiting list"',
    "care NOT (budget OR staff)",
    "support NOT bud*",
    "(care NOT budget) OR (data NOT staff)",
    "care NOT (budget NOT staff)",
    "heading:workforce NOT text:budget",
]


def _site(root: Path, ndocs: int) -> Path:
    """``ndocs`` documents of 10 passages under two levels of headings (the heading field
    holds both, the record shows the last), seeded."""
    from scrutiny.index import search_headings
    from scrutiny.passages import Passage
    from scrutiny.site.search_index import SearchIndexBuilder, passage_record

    rng = random.Random(1507)
    builder = SearchIndexBuilder()
    for d in range(ndocs):
        doc = {"id": f"n{d:04d}", "label": f"Synthetic paper {d}", "pages": 3}
        passages = []
        for i in range(10):
            words = rng.choices(WORDS, k=rng.randrange(8, 30))
            path = ["Paper", rng.choice(SECTIONS), " ".join(rng.choices(WORDS, k=rng.randrange(1, 3)))]
            passages.append(Passage(f"n{d:04d}-{i:02d}", doc["id"], i, "paragraph", 1 + i // 4, 1 + i // 4,
                                    " ".join(words), heading_path=path))
        headings = search_headings(passages)
        for p in passages:
            builder.add_passage(passage_record(doc, p, f"doc/{doc['id']}/index.html#p-{p.id}"), p, headings[p.id])
    return write_search_site(builder, root / "site")


@pytest.fixture(scope="module")
def not_site(tmp_path_factory):
    return _site(tmp_path_factory.mktemp("not"), 150)


def test_a_record_holds_its_whole_heading_field_where_it_shows_less(not_site):
    text = (not_site / "search" / "0" / "r" / "0.js").read_text(encoding="utf-8")
    recs = re.findall(r'"h":\s*"([^"]*)"[^{}]*?"hf":\s*"([^"]*)"', text)
    assert recs and all(hf.endswith(" > " + h) and hf.split(" > ")[0] in SECTIONS for h, hf in recs), text[:400]


def test_words_after_not_give_the_full_first_page_from_records_or_lists(chromium, not_site):
    from bench.browser import serve

    tiered = {w for w in ("budget", "staff", "review", "evidenc")
              if list((not_site / "search").glob(f"[0-9a-f]/[th]/{w}-1.js"))}
    assert {"budget", "staff"} <= tiered, tiered
    with serve(not_site) as server:
        context = chromium.new_context()
        page = context.new_page()
        loaded = []
        page.on("request", lambda r: loaded.append(r.url[len(server.url):]))
        got = {}
        for way, read_at in (("records", 0), ("lists", "Infinity"), ("cheaper", None)):
            for q in QUERIES:
                page.goto(server.url + "search/index.html")     # a fresh page: no script loaded yet
                loaded.clear()
                got[way, q] = page.evaluate("""async ([q, readAt]) => {
                    const node = window.scrutinyQuery.parse(q);
                    const e = new window.scrutinySearch.Engine('./');
                    if (readAt !== null) e.readAt = readAt === "Infinity" ? Infinity : readAt;
                    const top = await e.search(node, null, {passages: 10, others: 3});
                    return {top: top, read: e.read};
                }""", [q, read_at])
                got[way, q]["loaded"] = list(loaded)
        full = page.evaluate("""async (qs) => {
            const out = {};
            for (const q of qs) out[q] = await new window.scrutinySearch.Engine('./').search(window.scrutinyQuery.parse(q), null);
            return out;
        }""", QUERIES)
        context.close()
    for (way, q), r in got.items():
        top, everything = r["top"], full[q]
        assert everything["exact"]["p"] and everything["passages"], q
        assert top["ranked"]["p"], (way, q)
        assert top["passages"] == everything["passages"][:10], (way, q)
        assert top["count"]["p"] <= everything["count"]["p"], (way, q)
    # read from the records: no tier of a word found only after NOT is fetched in a passages' bucket
    for q, only in (("care NOT budget", "budget"), ("care data NOT budget", "budget"),
                    ("care NOT (budget OR staff)", "budget|staff"), ("heading:workforce NOT text:budget", "budget")):
        fetched = [u for u in got["records", q]["loaded"] if re.search(rf"search/[0-9a-f]/(t|tx|h|hx)/({only})-\d+\.js", u)]
        assert not fetched, (q, fetched)
        assert got["records", q]["read"] > 0, q
        # from the lists: no record read to settle them, and their tiers fetched
        assert got["lists", q]["read"] == 0, q
        assert any(re.search(rf"search/[0-9a-f]/(t|h)/({only})-\d+\.js", u) for u in got["lists", q]["loaded"]), q
