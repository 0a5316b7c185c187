"""Re-running `scrutiny ingest` on an unchanged corpus vs the first ingest."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

from bench import Result
from bench.synth import heading, paragraph

N_DOCS = 24


def write_corpus(sources: Path) -> None:
    rng = random.Random(7)
    sources.mkdir(parents=True, exist_ok=True)
    for d in range(N_DOCS):
        parts = [f"# Synthetic policy paper {d}\n"]
        for s in range(1, 25):
            parts.append(f"## {heading(rng, s)}\n")
            for _ in range(rng.randint(3, 8)):
                parts.append(paragraph(rng) + "\n")
        (sources / f"paper-{d:02d}.md").write_text("\n".join(parts), encoding="utf-8")


def run(workdir: Path) -> list[Result]:
    from scrutiny.init import init_project

    root = init_project(workdir / "proj")
    write_corpus(workdir / "incoming")
    exe = str(Path(sys.executable).parent / "scrutiny")
    files = sorted(str(p) for p in (workdir / "incoming").glob("*.md"))
    t = time.perf_counter()
    subprocess.run([exe, "--root", str(root), "ingest", *files], check=True, stdout=subprocess.DEVNULL)
    first = time.perf_counter() - t
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([exe, "--root", str(root), "ingest"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    again = min(times)
    return [Result(f"re-ingest unchanged corpus ({N_DOCS} docs)", again, "s", "first ingest", first,
                   target="ratio <= 0.05", ok=again / first <= 0.05)]
