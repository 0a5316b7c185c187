"""The site's search and `scrutiny search` are one search: the same analyser (every
word of a built site stemmed alike by Whoosh's Porter stemmer and by query.js's), the
same query language (the same parsed tree, the same errors) and the same ranking (the
same top results for a set of queries on real government PDFs). The site's own code
runs in Chromium."""

from __future__ import annotations

import pytest

from scrutiny.query import QueryError, analyse, parse, to_dict

pytestmark = pytest.mark.browser

QUERIES = [
    "compensation scheme", "state pension", '"state pension age"', '"State-Pension age"', "pensions",
    "behaviour change", '"behaviour change"', "iapt NOT recovery", "pension NOT women", "pension -women",
    "(letters OR leaflets) 1995", "letters OR leaflets", "heading:remedy", 'heading:"state pension"',
    "heading:(remedy OR injustice) compensation", "work*", "communicat*", "associat*", "recommend* evidence",
    "nudge", "space economy", "covid inquiry resilience", '"civil contingencies"', "the of and",
    "Government agrees", '"The Government agrees"', "21,000", "1950s-born women", "maladministration injustice",
    "NOT pension", "a OR NOT b", "x*", "evaluation AND evidence", "launch OR satellite OR orbit", "ombudsman's report",
    "café naïve", "payments text:compensation", "(", '"unclosed phrase', "heading:", "-", "OR pension OR",
]


@pytest.fixture(scope="module")
def page(chromium, real_site):
    pg = chromium.new_page()
    pg.goto(real_site.http + "search/index.html")
    pg.wait_for_function("window.scrutinyQuery && window.scrutinySearch")
    yield pg
    pg.close()


def _vocabulary(project):
    """Every distinct word of the site's passages, lower-cased, as Whoosh's tokeniser finds them."""
    from whoosh.analysis import RegexTokenizer

    from scrutiny.store import Store

    tokenizer = RegexTokenizer()
    words, texts = set(), []
    with Store(project.store_path, readonly=True) as store:
        for p in store.passages():
            texts.append(p.text)
            words.update(t.text.lower() for t in tokenizer(p.text))
    return sorted(words), texts


def test_the_porter_stemmer_agrees_on_every_word_of_the_site(page, real_site, synthetic_site):
    from whoosh.lang.porter import stem

    words, _ = _vocabulary(real_site.project)
    more, _ = _vocabulary(synthetic_site.project)
    words = sorted(set(words) | set(more) | {"yelling", "hopping", "conflated", "sky", "agreed", "generalization",
                                              "y", "ys", "yes", "caresses", "ponies", "feed", "bled", "sized"})
    assert len(words) > 4000
    got = page.evaluate("ws => ws.map(w => window.scrutinyQuery.stem(w))", words)
    wrong = [(w, stem(w), g) for w, g in zip(words, got) if stem(w) != g]
    assert wrong == []


def test_the_analyser_agrees_on_every_passage(page, real_site):
    _, texts = _vocabulary(real_site.project)
    got = page.evaluate("ts => ts.map(t => window.scrutinyQuery.analyse(t))", texts)
    wrong = [(t[:80], analyse(t), g) for t, g in zip(texts, got) if analyse(t) != g]
    assert len(texts) > 500 and wrong == []


def test_the_query_language_parses_alike(page):
    got = page.evaluate("""qs => qs.map(q => {
        try { return {tree: window.scrutinyQuery.parse(q)}; }
        catch (e) { if (e instanceof window.scrutinyQuery.QueryError) return {error: e.message}; throw e; } })""", QUERIES)
    for q, js in zip(QUERIES, got):
        try:
            expected = {"tree": to_dict(parse(q))}
        except QueryError as err:
            expected = {"error": str(err)}
        assert js == expected, q


def _site_results(page, q, n=10):
    return page.evaluate("""async ([q, n]) => {
        const e = new window.scrutinySearch.Engine(document.body.dataset.root + 'search/');
        const node = window.scrutinyQuery.parse(q);
        if (node === null) return {total: 0, top: []};
        const r = await e.search(node, null);
        const recs = await e.records(r.passages.slice(0, n).map(x => x[0]));
        return {total: r.passages.length, top: recs.map((rec, i) => [rec.u.split('#p-')[1], r.passages[i][1] / 1000])};
    }""", [q, n])


RANKED = [q for q in QUERIES if q not in ("NOT pension", "a OR NOT b", "x*", "(", "heading:", "-", "the of and")]


@pytest.mark.parametrize("q", RANKED)
def test_the_site_ranks_as_the_command_line(page, real_site, q):
    """The same passages match, and the same ten come first in the same order (passages
    whose scores differ by less than the site's rounding may swap)."""
    from scrutiny.search import search

    cli = search(real_site.project.index_path, q, limit=2000)
    site = _site_results(page, q)
    assert site["total"] == cli["total"], q
    score = {h["passage_id"]: h["score"] for h in cli["hits"]}
    for i, (pid, s) in enumerate(site["top"]):
        assert pid in score, (q, pid)
        assert abs(score[pid] - s) < 0.005, (q, pid, score[pid], s)     # the same BM25F score
        expected = cli["hits"][i]
        assert pid == expected["passage_id"] or abs(score[pid] - expected["score"]) < 0.005, (q, i)


def test_a_phrase_copied_from_a_passage_finds_it_on_the_first_page(page, real_site):
    """Known items: four words in a row from a passage, punctuation and all, as a
    phrase: the site finds that passage among its first ten results as often as the
    command line does (the issue measured 55% on the site and 95% on the command line)."""
    import random
    import re

    from scrutiny.search import search
    from scrutiny.store import Store

    rng = random.Random(14)
    with Store(real_site.project.store_path, readonly=True) as store:
        ps = [p for p in store.passages() if p.kind in ("paragraph", "list_item") and len(p.text.split()) > 12]
    items = []
    for p in rng.sample(ps, 60):
        words = p.text.split()
        i = rng.randrange(0, len(words) - 4)
        items.append((p.id, '"' + re.sub('"', "", " ".join(words[i:i + 4])) + '"'))
    site_found = cli_found = 0
    missed = []
    for pid, q in items:
        cli = search(real_site.project.index_path, q, limit=10)
        if pid in [h["passage_id"] for h in cli["hits"]]:
            cli_found += 1
        else:
            missed.append((q, cli["total"]))
        if pid in [t[0] for t in _site_results(page, q)["top"]]:
            site_found += 1
    assert site_found == cli_found
    # what is missed is a phrase of common words found in more than ten passages
    assert site_found >= 0.85 * len(items) and all(total > 10 for q, total in missed), missed
