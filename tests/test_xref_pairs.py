"""The similar word-set pairs of a figure's sentences (xref.claims._similar_pairs),
computed a block of rows at a time so that a figure stated in thousands of
distinct sentences does not hold the whole product in memory: the same pairs as
comparing every two sets in Python, whatever the block size."""

from __future__ import annotations

import random

import pytest

from scrutiny.xref import claims
from scrutiny.xref.claims import GROUP_MIN_JACCARD, GROUP_MIN_SHARED, _similar_pairs


def _by_hand(word_sets):
    pairs = []
    for i, a in enumerate(word_sets):
        for j in range(i, len(word_sets)):
            b = word_sets[j]
            n = len(a & b)
            if n >= GROUP_MIN_SHARED and n / max(len(a | b), 1) >= GROUP_MIN_JACCARD:
                pairs.append((i, j))
    return pairs


def _word_sets(n, seed):
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(40)]
    return [frozenset(rng.sample(vocab, rng.randint(3, 12))) for _ in range(n)]


@pytest.mark.parametrize("cells", [1, 300, 4_000_000])
def test_pairs_are_the_same_whatever_the_block(monkeypatch, cells):
    monkeypatch.setattr(claims, "PAIR_BLOCK_CELLS", cells)
    sets = _word_sets(150, 7) + [frozenset({"w1", "w2", "w3"})] * 3   # repeated sets pair with each other
    first, second = _similar_pairs(sets)
    got = list(zip(first.tolist(), second.tolist()))
    expected = _by_hand(sets)
    assert got == sorted(expected)
    assert len(expected) > 150          # the fixture has pairs beyond each set with itself


def test_no_sets_no_pairs():
    first, second = _similar_pairs([])
    assert len(first) == 0 and len(second) == 0
