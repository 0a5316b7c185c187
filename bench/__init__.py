"""The benchmark harness behind `make bench`.

Each ``bench/bench_*.py`` module defines ``run(workdir: Path) -> list[Result]``.
A Result compares our figure with a baseline measured *in the same run*, so
the ratio means something on any machine. Run one module with
``python -m bench NAME`` (e.g. ``python -m bench pdf``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Result:
    name: str                 # what was measured
    value: float              # our figure
    unit: str                 # "s", "passages/s", "words/s", "KB"...
    baseline_name: str = ""   # what we compare against
    baseline: float | None = None
    target: str = ""          # the target, e.g. "ratio <= 1.5"
    ok: bool | None = None    # whether the target is met
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def timed(fn, *args, repeat: int = 3, **kwargs) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return best, result
