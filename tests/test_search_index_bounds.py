"""The bounds of a list's tiers, computed from the last tier back (search_index._run_bounds,
and the reference's _bounds for postings in any order),
are those of each suffix computed alone (_bound: its skylines by the definition), for
words' postings and pairs' alike."""

from __future__ import annotations

import random

from search_index_reference import _bounds
from scrutiny.site.search_index import _bound, _skyline, _tier_cuts


def _dominated(u, t, nr):
    from scrutiny.site.search_index import _parts

    return u != t and all(a >= b for a, b in zip(_parts(u, nr), _parts(t, nr)))


def test_the_skyline_is_every_value_no_other_one_beats():
    rng = random.Random(7)
    for _ in range(200):
        values = {((rng.randrange(4) * 256 + rng.randrange(6)) * 5 + rng.randrange(5)) for _ in range(rng.randrange(1, 60))}
        want = sorted(t for t in values if not any(_dominated(u, t, 5) for u in values))
        assert _skyline(values, 5) == want


def test_bounds_of_every_tier_are_those_of_its_suffix():
    rng = random.Random(1)
    for trial in range(300):
        n = rng.randrange(1, 400)
        entries = []
        for _ in range(n):
            packed = (rng.randrange(3) * 256 + rng.randrange(5)) * 5 + rng.randrange(5)
            entries.append((rng.randrange(1000), 1, (rng.randrange(3), packed) if trial % 2 else packed, ()))
        cuts = _tier_cuts(n)
        assert _bounds(entries, cuts, 5) == {k: _bound(entries[cuts[k]:], 5) for k in range(1, len(cuts) - 1)}


def test_bounds_walked_by_runs_are_those_of_each_suffix_of_a_list_in_impact_order():
    """_run_bounds (what a bucket uses: each packed value's postings one run, in record
    order, as _impact_order puts them) gives what _bound gives each suffix alone."""
    from scrutiny.site.search_index import _impact_order, _pair_impact_order, _run_bounds

    rng = random.Random(3)
    for trial in range(300):
        n = rng.randrange(1, 400)
        places = sorted(rng.sample(range(5000), n))
        entries = []
        for place in places:
            packed = (rng.randrange(3) * 256 + rng.randrange(5)) * 5 + rng.randrange(5)
            entries.append((place, 1, (rng.randrange(3), packed) if trial % 2 else packed, ()))
        order = _pair_impact_order if trial % 2 else _impact_order
        ordered = order(entries, 5, [100, 25, 30, 35, 100], 40.0, 1.0)
        cuts = _tier_cuts(n)
        assert _run_bounds(ordered, cuts, 5) == {k: _bound(ordered[cuts[k]:], 5) for k in range(1, len(cuts) - 1)}
