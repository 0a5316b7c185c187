"""`python build.py`: the whole pipeline on this repository -> site/.

The same as `scrutiny build` in this folder (scrutiny.pipeline.build): fetch
what is missing (a note per document that cannot be fetched), ingest, tag and
index, cross-reference, write the site; each stage is skipped when its inputs
have not changed. Run it with the project's own Python, as `make site` does:

    .venv/bin/python build.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> int:
    if importlib.util.find_spec("scrutiny") is None:
        print("Error: scrutiny is not installed for this Python: run `make site` "
              "(or .venv/bin/python build.py after `make .venv/.installed`)", file=sys.stderr)
        return 1
    from scrutiny.errors import ScrutinyError
    from scrutiny.pipeline import build
    from scrutiny.project import Project

    try:
        result = build(Project.find(ROOT), progress=lambda stage: print(*stage.lines(), sep="\n", flush=True))
    except ScrutinyError as exc:  # the project itself cannot be read (a manifest error)
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(result.final_line(), file=sys.stdout if result.ok else sys.stderr)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
