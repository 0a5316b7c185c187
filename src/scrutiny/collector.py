"""How often Python's cycle collector runs in a scrutiny process.

CPython looks for reference cycles after every 700 allocations not yet freed, and
each third-generation pass walks every object the process holds. A build at 10,000
documents holds millions of objects (the site's record of 437,000 files, the
manifest, the language model) and allocates far more, nearly all of them freed by
their reference counts, so the default passes found little and cost about a sixth
of a one-document build's CPU time (user CPU 6.0-7.1 s with the default, 5.2-5.5 s
with the thresholds below, four builds each at 10,000 documents). A command of
``scrutiny`` (:func:`scrutiny.cli.main`) runs with these thresholds: cycles are
still collected, after a hundred thousand allocations instead of seven hundred.
"""

from __future__ import annotations

import gc

THRESHOLDS = (100_000, 50, 100)


def fewer_collections() -> tuple[int, int, int]:
    """Set the process's collector thresholds to :data:`THRESHOLDS`; returns the old ones."""
    old = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    return old


__all__ = ["THRESHOLDS", "fewer_collections"]
