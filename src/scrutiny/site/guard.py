"""Readers of other stages' tables degrade to "nothing shown" when a table's
layout changes under them, with one warning, instead of failing the build."""

from __future__ import annotations

import functools
import sqlite3
import sys


def guarded(empty):
    """A changed table layout in another stage degrades to "nothing shown", with a warning."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(self, *args):
            try:
                return fn(self, *args)
            except sqlite3.Error as exc:
                if not getattr(self, "_warned", False):
                    self._warned = True
                    print(f"site: cannot read {fn.__name__} ({exc}); shown without it", file=sys.stderr)
                return empty()
        return inner
    return wrap
