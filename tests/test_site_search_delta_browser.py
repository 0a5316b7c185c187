"""The site's own search (search.js, in Chromium) gives the same results on an index whose
documents added since their buckets were written are in delta layers as on the index a
whole build writes: the same passages in the same order (ties included: many passages
here score alike), the same scores, exact counts and pages, for words, phrases, NOT, heading:,
prefixes, OR, and the claim-kind, stakeholder and document filters, over HTTP and opened
from the folder (file://). Common words are cut in tiers of one and two postings, so
that the bounds of a bucket and of its layer are followed together."""

from __future__ import annotations

import random

import pytest
from helpers_site import write_search_files

pytestmark = pytest.mark.browser

WORDS = ("budget waiting list referral service plan staff training local area report council "
         "people support care health community review target access data quality outcome").split()
SECTIONS = ("Funding", "Workforce", "Evidence review", "Local delivery")
KINDS = ("commitment", "statistic")
WHO = ("northfield", "harbour")
QUERIES = ["care", "budget", "care data", "care OR budget", '"waiting list"', '"care data quality"',
           "care NOT budget", "support NOT (staff OR plan)", "heading:workforce", "heading:workforce care",
           'heading:"evidence review"', "acc*", "re*", "care AND budget AND staff", "outcome target",
           "people -council", "zebra", "quality NOT heading:funding"]


def _passages(rng, doc_id, n):
    from scrutiny.passages import Passage

    out = []
    for i in range(n):
        words = rng.choices(WORDS, k=rng.randrange(4, 9))      # short passages: many scores alike
        path = ["Paper", rng.choice(SECTIONS), rng.choice(WORDS)]
        out.append(Passage(f"{doc_id}-{i:02d}", doc_id, i, "paragraph", 1 + i // 3, 1 + i // 3,
                           " ".join(words), heading_path=path))
    return out


def _index(builder, docs):
    """Add ``docs`` ({id: passages}, in the documents' order) that ``builder`` wants, with
    claim kinds and stakeholders drawn for each passage, and the same claims and stakeholders."""
    from scrutiny.index import search_headings
    from scrutiny.site.search_index import passage_record

    for doc_id, passages in docs.items():
        doc = {"id": doc_id, "label": f"Paper {doc_id}", "pages": 3}
        headings = search_headings(passages)
        for p in passages:
            rng = random.Random(p.id)      # the same for a passage whichever builder adds it
            kinds = [k for k in KINDS if rng.random() < 0.3]
            who = [s for s in WHO if rng.random() < 0.3]
            if builder.wants(doc_id):
                rec = passage_record(doc, p, f"doc/{doc_id}/index.html#p-{p.id}")
                builder.add_passage({**rec, **({"k": kinds} if kinds else {})}, p, headings[p.id],
                                    kinds=kinds, stakeholders=who)
    if builder.wanted is None or "o" in builder.wanted:
        for i, w in enumerate(WORDS[:6]):
            builder.add({"t": "c", "u": f"claims/c{i}/index.html", "h": f"Claim on {w}"}, f"The {w} claim, on care.",
                         title=f"Claim on {w}", kinds=[KINDS[i % 2]], stakeholders=[WHO[i % 2]])


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(whole, grown): one index written whole; the other written from most documents,
    then the rest added in their buckets' delta layers, as a site build does
    (search_delta.insert_places: some of them come before or among the bucket's own)."""
    import scrutiny.site.search_index as si
    from scrutiny.site.search_delta import insert_places

    root = tmp_path_factory.mktemp("delta")
    rng = random.Random(1512)
    ids = [f"d{i:03d}" for i in range(120)]
    docs = {d: _passages(rng, d, rng.randrange(3, 9)) for d in ids}
    added = set(rng.sample(ids, 14))           # anywhere in the order
    extra = {"kinds": {k: k.title() for k in KINDS}, "stakeholders": [[s, s.title()] for s in WHO]}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(si, "INLINE", 4)
        mp.setattr(si, "HEAD", 1)
        mp.setattr(si, "TIER", 2)
        whole = si.SearchIndexBuilder()
        _index(whole, docs)
        whole_files = whole.files(extra)
        base = si.SearchIndexBuilder({f"{b:x}" for b in range(si.BUCKETS)} | {"o"})
        _index(base, {d: p for d, p in docs.items() if d not in added})
        files, stats = base.bucket_files()
        layers = {}
        for b in {si.bucket_of(d) for d in added}:
            in_b = [d for d in ids if si.bucket_of(d) == b]
            own = set(in_b) - added
            assert own, b          # every bucket with a document added was written before
            layers[b] = (stats[b]["n"], insert_places(in_b, own, stats[b]["ranges"]))
        delta = si.SearchIndexBuilder({si.layer_of(b) for b in layers}, layers)
        _index(delta, docs)
        more, more_stats = delta.bucket_files()
    assert set(more_stats) == {si.layer_of(b) for b in layers} and len(layers) >= 5
    assert any(k.startswith(f"{si.layer_of(b)}/t/") for b in layers for k in more)    # a layer with tiers
    grown_files = {**files, **more, **si.meta_files({**stats, **more_stats}, extra)}
    assert not set(files) & set(more)
    return write_search_files(whole_files, root / "whole"), write_search_files(grown_files, root / "grown"), sorted(added)


RUN = """async ([queries, docs]) => {
    const out = {};
    const e = new window.scrutinySearch.Engine('./');
    const urls = async (hits) => {
      const recs = await e.records(hits.map((h) => h[0]));
      return hits.map((h, i) => [recs[i].u, h[1]]);
    };
    const shape = async (r) => ({passages: await urls(r.passages), others: await urls(r.others),
                                 count: r.count, exact: r.exact, ranked: r.ranked});
    for (const q of queries) {
      const node = window.scrutinyQuery.parse(q);
      out[q + " | full"] = await shape(await e.search(node, null));
      for (const n of [10, 20]) out[q + " | " + n] = await shape(await e.search(node, null, {passages: n, others: 3}));
      for (const f of [{kind: "statistic"}, {sh: "harbour"}, {doc: docs[0]}, {doc: "d005"}, {kind: "commitment", sh: "northfield"}]) {
        const allowed = await e.allowed(f);
        out[q + " | " + JSON.stringify(f)] = await shape(await e.search(node, allowed, {passages: 10, others: 3}));
      }
      const tight = new window.scrutinySearch.Engine('./');
      tight.budget = 40;
      out[q + " | budget"] = await shape(await tight.search(node, null, {passages: 10, others: 3}));
    }
    return out;
}"""


def test_a_grown_index_gives_the_whole_builds_results(chromium, sites):
    from bench.browser import serve

    whole, grown, added = sites
    got = {}
    for name, site in (("whole", whole), ("grown", grown)):
        with serve(site) as server:
            for via, url in (("http", server.url + "search/index.html"), ("file", (site / "search" / "index.html").as_uri())):
                page = chromium.new_page()
                page.goto(url)
                page.wait_for_function("window.scrutinyQuery && window.scrutinySearch")
                got[name, via] = page.evaluate(RUN, [QUERIES, added])
                page.close()
    assert got["whole", "http"] == got["whole", "file"] and got["grown", "http"] == got["grown", "file"]
    want, have = got["whole", "http"], got["grown", "http"]
    assert want.keys() == have.keys()
    def shown(r):
        """What a page shows that does not depend on which tiers it loaded: all of it but
        a count that is only a lower bound ("at least N": the matches certain so far)."""
        return {**r, "count": {c: r["count"][c] if r["exact"][c] else None for c in ("p", "o")}}

    differ = [k for k in want if shown(want[k]) != shown(have[k]) and not k.endswith(" | budget")]
    assert differ == [], [(k, want[k], have[k]) for k in differ[:2]]
    assert all(want[k] == have[k] for k in want if k.endswith(" | full"))     # exact counts included
    # what was compared holds what the test is about: ties, a document of a layer first, every filter
    full = want["care | full"]["passages"]
    assert len(full) > 100 and len({s for _, s in full}) < len(full) // 3
    assert any(u.startswith(tuple(f"doc/{d}/" for d in added)) for u, _ in want["care | 10"]["passages"])
    assert want['care | {"doc":"%s"}' % added[0]]["passages"] and want['care | {"kind":"statistic"}']["passages"]
    assert want["care | 10"]["others"]
    # past the budget the page is the best of the matches found so far, and says so; what was
    # loaded differs (the layers' lists are cut apart), the full evaluation does not
    for q in QUERIES:
        w, h = want[q + " | budget"], have[q + " | budget"]
        assert w["ranked"] == h["ranked"] or w["passages"] or h["passages"], q
        for side, r in (("w", w), ("h", h)):
            if not r["ranked"]["p"]:
                best = {u: s for u, s in want[q + " | full"]["passages"]}
                assert all(best.get(u) is not None for u, _ in r["passages"]), (side, q)
