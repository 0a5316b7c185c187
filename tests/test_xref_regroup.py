"""The groups of a figure's word sets after a change (xref.figure_sets.regroup) are those
of grouping every set again (group_sets), names included, while comparing only the sets
the change touched with every set (k x n pairs), and the sets of the groups a set that
lost links was in with each other."""

from __future__ import annotations

import random

import pytest

from scrutiny.xref.figure_sets import FigureSet, Work, group_sets, regroup

DOCS = [f"d{k}" for k in range(6)]


def _state(rng, vocab):
    """A set's documents and first statement, at random (None: not stated)."""
    docs = sorted(rng.sample(DOCS, rng.choice([1, 1, 1, 2, 3])))
    return docs, (docs[0], rng.randint(0, 50), rng.randint(0, 400))


def _sets(states: dict) -> dict[str, FigureSet]:
    return {w: FigureSet(w, len(docs), docs[0] if len(docs) == 1 else None, first)
            for w, (docs, first) in states.items()}


def _grouped(gkey, sets: dict[str, FigureSet]) -> dict[str, FigureSet]:
    order = sorted(sets)
    for w, g in zip(order, group_sets(gkey, [sets[w] for w in order])):
        sets[w].group_id = g
    return sets


def _words(rng, vocab):
    return " ".join(sorted(rng.sample(vocab, rng.randint(3, 7))))


def test_regroup_equals_grouping_every_set():
    failed = [seed for seed in range(300) if not _regroup_matches(seed)]
    assert failed == []


def _regroup_matches(seed) -> bool:
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(rng.choice([8, 12, 20]))]
    states = {}
    while len(states) < rng.randint(4, 30):
        states[_words(rng, vocab)] = _state(rng, vocab)
    stored = _grouped("percent:31", _sets(states))
    # change some sets: gone, new, in more documents, in fewer, in another one, first moved
    changed = dict(states)
    for w in rng.sample(sorted(states), rng.randint(1, min(4, len(states)))):
        roll = rng.random()
        docs, first = states[w]
        if roll < 0.25:
            del changed[w]
        elif roll < 0.5:
            changed[w] = (sorted(set(docs) | {rng.choice(DOCS)}), first)
        elif roll < 0.75 and len(docs) > 1:
            changed[w] = (docs[1:], (docs[1], *first[1:]))
        else:
            changed[w] = _state(rng, vocab)
    for _ in range(rng.randint(0, 3)):
        w = _words(rng, vocab)
        changed.setdefault(w, _state(rng, vocab))
    touched = {w for w in set(states) | set(changed) if states.get(w) != changed.get(w)}
    now = _sets({w: changed[w] for w in changed})
    counted = {w: now.get(w) for w in touched}
    got = regroup("percent:31", stored, counted)
    expected = {w: s.group_id for w, s in _grouped("percent:31", _sets(changed)).items()}
    return got == expected


def _alike_family(n):
    """``n`` word sets alike two by two (one group), each in its own document."""
    return {f"alpha beta gamma x{k:03d}": ([f"d{k:03d}"], (f"d{k:03d}", 0, 0)) for k in range(n)}


@pytest.mark.parametrize("n", [20, 80])
def test_an_added_set_is_compared_with_each_set_once(n):
    """One new set in a value of n sets: n + 1 pairs (k x n), not the n^2 / 2 of grouping again;
    the same groups as grouping every set."""
    stored = _grouped("number:120", _sets(_alike_family(n)))
    assert {s.group_id for s in stored.values()} == {"q:number:120"}
    new = FigureSet("alpha beta gamma zzz", 1, "e000", ("e000", 0, 0))
    work = Work()
    got = regroup("number:120", stored, {new.words: new}, work)
    assert work.pairs == n + 1
    every = _grouped("number:120", _sets({**_alike_family(n), new.words: (["e000"], ("e000", 0, 0))}))
    assert got == {w: s.group_id for w, s in every.items()}
    # a set in more documents (an added document repeating a sentence): the same cost
    work = Work()
    grown = FigureSet("alpha beta gamma x005", 2, None, ("d005", 0, 0))
    regroup("number:120", stored, {grown.words: grown}, work)
    assert work.pairs == n


def test_a_set_that_lost_links_regroups_its_group_only():
    """A set gone from a group of 10 sets: those 9 are compared with each other, not the
    sets of the value's other group (40 sets); the group splits as grouping every set does."""
    chain = {f"c{k:02d} c{k + 1:02d} c{k + 2:02d} c{k + 3:02d}": ([f"d{k:02d}"], (f"d{k:02d}", 0, 0))
             for k in range(10)}     # each set alike to the next ones: a chain
    other = {f"o1 o2 o3 o{k:02d}x": ([f"e{k:02d}"], (f"e{k:02d}", 0, 0)) for k in range(40)}
    stored = _grouped("percent:12", _sets({**chain, **other}))
    assert len({s.group_id for s in stored.values()}) == 2
    middle = sorted(chain)[5]
    work = Work()
    got = regroup("percent:12", stored, {middle: None}, work)
    assert work.pairs == 9 * 10 // 2
    rest = {w: v for w, v in {**chain, **other}.items() if w != middle}
    assert got == {w: s.group_id for w, s in _grouped("percent:12", _sets(rest)).items()}
