"""`python -m bench [NAME...]`: run the benchmarks and print figures beside baselines."""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    # a module with DEFAULT = False (the scale benchmark: an hour) runs only when named
    names = argv or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py")
                           if "\nDEFAULT = False" not in p.read_text(encoding="utf-8"))
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    all_results, failed = [], False
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0] if module.__doc__ else ''}", flush=True)
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            try:
                results = module.run(Path(tmp))
            except Exception as exc:  # report and go on with the other benchmarks
                import traceback

                traceback.print_exc()
                print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
                failed = True
                continue
        for r in results:
            ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
            base = f"{r.baseline:.4g} {r.unit}" if r.baseline is not None else "-"
            mark = {True: "ok", False: "MISSED", None: ""}[r.ok]
            print(f"   {r.name:<46} {r.value:>10.4g} {r.unit:<12} vs {r.baseline_name or '-'}: {base:<18} ratio {ratio:<8} {r.target} {mark}")
            for note in r.notes:
                print(f"      {note}")
            all_results.append({"bench": name, **r.__dict__, "ratio": r.ratio})
        print(f"   ({time.perf_counter() - t0:.1f}s)", flush=True)
    (out_dir / "results.json").write_text(json.dumps(all_results, indent=2, default=str))
    print(f"results written to {out_dir / 'results.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
