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

When the command is done, the interpreter's shutdown runs one last full pass over
every object still held, only for the operating system to free the whole process
a moment later: a quarter of a second of a one-document build at 300 documents
(0.26-0.33 s from the command's last line to the end of the process, against
0.03-0.11 s with the objects frozen first; six builds, two cores busy with other
work). The command's process freezes them (``gc.freeze``: the last pass leaves
them alone) once its exit handlers start, so the process ends without that pass.
"""

from __future__ import annotations

import atexit
import gc

THRESHOLDS = (100_000, 50, 100)


def fewer_collections() -> tuple[int, int, int]:
    """Set the process's collector thresholds to :data:`THRESHOLDS`; returns the old ones."""
    old = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    return old


def no_last_pass() -> None:
    """At the process's exit, before the interpreter shuts down, freeze every object it
    holds (``gc.freeze``), so that the shutdown's last collection walks none of them.
    Exit handlers registered after this one run before it (they run in reverse order),
    so they may still allocate and free as they please."""
    atexit.register(gc.freeze)


__all__ = ["THRESHOLDS", "fewer_collections", "no_last_pass"]
