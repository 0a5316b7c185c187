"""A search bucket's files are byte for byte those main wrote before ``_Bucket.files`` was
made faster: the reference is a frozen copy of main's code (tests/search_index_reference.py),
never output of the code under test. The corpus is synthetic and varied on purpose: common
words with long lists cut into many tiers, pairs of them, rare words inline, words that are
not plain file names (accents, long words: hashed file ids), repeated words (frequencies
above one), runs of passages under the same headings, every kind's rank, empty texts,
facets, and the claims' bucket (no headings)."""

from __future__ import annotations

import random

import pytest

import search_index_reference as reference
from scrutiny.site import search_index
from scrutiny.site.search_index import ranks

SYLLABLES = ["ka", "lo", "mi", "ter", "van", "su", "pel", "dor", "na", "ri", "quo", "zel", "bré", "ûn"]


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 5))))
    out = sorted(words)
    out += ["x" + "long" * 12, "y" + "lengthy" * 7, "numer0" + "9" * 3]    # past 40 characters; digits
    rng.shuffle(out)
    return out


def _text(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    n = rng.choice([0, 1, 3, 8, 20, 40, 80, 160]) + rng.randrange(5)
    words = rng.choices(vocab, weights=weights, k=n)
    for _ in range(rng.randrange(3)):     # a word again a little later: frequencies above one
        if words:
            i = rng.randrange(len(words))
            words.insert(min(len(words), i + rng.randrange(1, 4)), words[i])
    if words and rng.random() < 0.3:      # stop words between some of them
        words.insert(rng.randrange(len(words)), rng.choice(["the", "and", "of"]))
    return " ".join(words).capitalize() + "."


def _rows(seed: int, n: int, others: bool) -> list[tuple]:
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 400)
    weights = [1.0 / (i + 1) ** 1.1 for i in range(len(vocab))]      # Zipf-like: a few very common words
    heads = [" > ".join(rng.choices(vocab[:60], k=rng.randrange(1, 4))) for _ in range(25)] + [""]
    rank_values = ranks()
    rows, heading = [], rng.choice(heads)
    for i in range(n):
        if rng.random() < 0.15:
            heading = rng.choice(heads)
        rank = rng.choice(rank_values + [100] * 6)
        kinds = sorted(rng.sample(["aim", "figure", "pledge", "risk"], rng.randrange(3)))
        who = sorted(rng.sample(["s-a", "s-b", "s-c"], rng.randrange(2)))
        text = _text(rng, vocab, weights)
        if others:
            rec = {"t": "c", "u": f"claim/{i}/", "l": f"claim {i}", "x": text}
            rows.append((rec, text, None, 100, kinds, who))
        else:
            doc = f"doc-{i // rng.choice([3, 40, 200])}"
            rec = {"t": "p", "u": f"doc/{doc}/#p-{i}", "d": doc, "l": doc, "x": text, "h": heading.split(" > ")[-1]}
            rows.append((rec, text, heading, rank, kinds, who))
    return rows


def _files(module, name: str, rows: list[tuple]):
    rank_of = {r: i for i, r in enumerate(ranks())}
    bucket = module._Bucket(name)
    try:
        for row in rows:
            bucket.add(*row)
        return bucket.files(rank_of)
    finally:
        bucket.close()


@pytest.mark.parametrize("seed,n,name", [(1, 1500, "3"), (2, 400, "a"), (3, 900, "o"), (4, 1, "0"), (5, 3000, "f")])
def test_a_bucket_s_files_are_main_s_byte_for_byte(seed, n, name):
    rows = _rows(seed, n, others=name == "o")
    want_files, want_stats = _files(reference, name, rows)
    got_files, got_stats = _files(search_index, name, rows)
    assert got_stats == want_stats
    assert sorted(got_files) == sorted(want_files)
    different = [path for path in want_files if got_files[path] != want_files[path]]
    assert different == []
    # the corpus reaches what it is meant to: tiered words and pairs, hashed file ids, several tiers
    if n >= 1500:
        assert any("/t/" in p for p in want_files) and any("/tp/" in p for p in want_files)
        assert any(p.endswith("-3.js") for p in want_files)
        assert any("/p/" in p for p in want_files)


def test_an_empty_bucket_is_main_s():
    assert _files(search_index, "2", []) == _files(reference, "2", [])


def test_the_collector_is_paused_while_a_bucket_is_made_and_left_as_it_was():
    import gc

    seen = []
    real = search_index._Bucket._files

    def spy(self, rank_of):
        seen.append(gc.isenabled())
        return real(self, rank_of)

    search_index._Bucket._files = spy
    try:
        assert gc.isenabled()
        _files(search_index, "1", _rows(6, 20, others=False))
        assert gc.isenabled()
        gc.disable()
        try:
            _files(search_index, "1", _rows(6, 20, others=False))
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        search_index._Bucket._files = real
    assert seen == [False, False]
